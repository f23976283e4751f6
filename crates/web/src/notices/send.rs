//! Delivery outside the app: a [`Sender`] per channel. In-app delivery is the `notifications`
//! table and always happens; these run after the write has committed, and a failure is logged,
//! never undoes the notice.
//!
//! - [`LogSender`] stands in for SMS and WeChat template messages: it writes one log line per
//!   message. A real gateway implements [`Sender`] and is added in [`outbox`].
//! - [`SmtpSender`] sends e-mail through the `[smtp]` server of the settings file, only to
//!   accounts that entered an address on "我的".

use std::future::Future;
use std::pin::Pin;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};

/// A future a [`Sender`] returns (boxed, so senders can be kept as trait objects).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The channel needs something the recipient does not have (an e-mail address).
    #[error("no address for this channel")]
    NoAddress,
    #[error("{0}")]
    Failed(String),
}

/// Who a message goes to.
#[derive(Debug, Clone)]
pub struct Address {
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// What is sent: already in the recipient's language.
#[derive(Debug, Clone)]
pub struct Message {
    pub subject: String,
    pub body: String,
    /// Path in the app (`/notices/7`), for a link back.
    pub link: String,
}

/// One channel of delivery.
pub trait Sender: Send + Sync {
    /// `email`, `sms`, `wechat`, `log`…
    fn channel(&self) -> &'static str;
    fn send<'a>(&'a self, to: &'a Address, m: &'a Message) -> SendFuture<'a>;
}

/// Writes each message to the log: the SMS/WeChat stand-in until a gateway is configured.
pub struct LogSender;

impl Sender for LogSender {
    fn channel(&self) -> &'static str {
        "log"
    }
    fn send<'a>(&'a self, to: &'a Address, m: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(channel = "sms/wechat (log)", user = to.user_id, subject = %m.subject, link = %m.link, "message");
            Ok(())
        })
    }
}

/// The `[smtp]` settings: the web layer's copy, filled by the binary from `redbranch.toml`.
#[derive(Clone, Default)]
pub struct SmtpSettings {
    pub host: String,
    /// 465: TLS from the start; 587: STARTTLS; anything else: plain (a relay on the campus network).
    pub port: u16,
    pub username: String,
    pub password: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// E-mail through an SMTP server.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    pub fn new(s: &SmtpSettings) -> Result<Self, SendError> {
        let fail = |e: &dyn std::fmt::Display| SendError::Failed(e.to_string());
        let builder = match s.port {
            465 => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| fail(&e))?,
            587 => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|e| fail(&e))?,
            _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        };
        let mut builder = builder.port(s.port);
        if !s.username.is_empty() {
            builder = builder.credentials(Credentials::new(s.username.clone(), s.password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: s.from.parse().map_err(|e| fail(&e))?,
        })
    }
}

impl Sender for SmtpSender {
    fn channel(&self) -> &'static str {
        "email"
    }
    fn send<'a>(&'a self, to: &'a Address, m: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let addr = to.email.as_deref().ok_or(SendError::NoAddress)?;
            let mail = Mail::builder()
                .from(self.from.clone())
                .to(addr
                    .parse()
                    .map_err(|e: lettre::address::AddressError| SendError::Failed(e.to_string()))?)
                .subject(m.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(format!("{}\n\n{}", m.body, m.link))
                .map_err(|e| SendError::Failed(e.to_string()))?;
            self.transport
                .send(mail)
                .await
                .map_err(|e| SendError::Failed(e.to_string()))?;
            Ok(())
        })
    }
}

/// The senders in force: the log stand-in always, e-mail when `[smtp]` has a host.
pub fn outbox(smtp: Option<&SmtpSettings>) -> Vec<Box<dyn Sender>> {
    let mut out: Vec<Box<dyn Sender>> = vec![Box::new(LogSender)];
    if let Some(s) = smtp.filter(|s| !s.host.is_empty()) {
        match SmtpSender::new(s) {
            Ok(m) => out.push(Box::new(m)),
            Err(e) => tracing::warn!(error = %e, "smtp settings unusable; e-mail is off"),
        }
    }
    out
}

/// Sends `m` to everyone in `to` on every channel that can reach them; returns how many
/// messages went out. Failures are logged one by one.
pub async fn deliver(outbox: &[Box<dyn Sender>], to: &[Address], m: &Message) -> usize {
    let mut sent = 0;
    for a in to {
        for s in outbox {
            match s.send(a, m).await {
                Ok(()) => sent += 1,
                Err(SendError::NoAddress) => {}
                Err(e) => {
                    tracing::warn!(channel = s.channel(), user = a.user_id, error = %e, "send failed");
                }
            }
        }
    }
    sent
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Records what it was asked to send; refuses those without an e-mail address like SMTP.
    struct Recording(Mutex<Vec<i64>>);

    impl Sender for Recording {
        fn channel(&self) -> &'static str {
            "test"
        }
        fn send<'a>(&'a self, to: &'a Address, _: &'a Message) -> SendFuture<'a> {
            Box::pin(async move {
                to.email.as_ref().ok_or(SendError::NoAddress)?;
                self.0
                    .lock()
                    .map_err(|e| SendError::Failed(e.to_string()))?
                    .push(to.user_id);
                Ok(())
            })
        }
    }

    #[tokio::test]
    async fn every_channel_gets_those_it_can_reach() {
        let rec = std::sync::Arc::new(Recording(Mutex::new(Vec::new())));
        struct Shared(std::sync::Arc<Recording>);
        impl Sender for Shared {
            fn channel(&self) -> &'static str {
                "test"
            }
            fn send<'a>(&'a self, to: &'a Address, m: &'a Message) -> SendFuture<'a> {
                self.0.send(to, m)
            }
        }
        let outbox: Vec<Box<dyn Sender>> = vec![Box::new(LogSender), Box::new(Shared(rec.clone()))];
        let to = [
            Address {
                user_id: 1,
                name: "甲".into(),
                email: Some("a@example.cn".into()),
            },
            Address {
                user_id: 2,
                name: "乙".into(),
                email: None,
            },
        ];
        let m = Message {
            subject: "通知".into(),
            body: "正文".into(),
            link: "/notices/1".into(),
        };
        assert_eq!(
            deliver(&outbox, &to, &m).await,
            3,
            "the log for both, e-mail for one"
        );
        assert_eq!(rec.0.lock().map(|v| v.clone()).unwrap_or_default(), vec![1]);
    }

    #[test]
    fn no_smtp_host_means_the_log_sender_only() {
        assert_eq!(outbox(None).len(), 1);
        assert_eq!(outbox(Some(&SmtpSettings::default())).len(), 1);
        let s = SmtpSettings {
            host: "smtp.example.edu.cn".into(),
            port: 465,
            from: "党委组织部 <dangwei@example.edu.cn>".into(),
            ..SmtpSettings::default()
        };
        assert_eq!(
            outbox(Some(&s))
                .iter()
                .map(|s| s.channel())
                .collect::<Vec<_>>(),
            ["log", "email"]
        );
        assert!(
            !format!("{s:?}").contains("password"),
            "the password never prints"
        );
    }
}

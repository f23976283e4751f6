//! [`SmtpSink`]: an in-process SMTP server on `127.0.0.1:0` that accepts every message and
//! keeps it, so a test can configure the app's `[smtp]` to it and read what was really sent
//! over the wire (envelope, headers, and the body with its transfer encoding undone).
//!
//! It speaks just enough of RFC 5321 for a client like lettre without TLS or AUTH: the
//! greeting, `EHLO`/`HELO`, `MAIL FROM`, `RCPT TO`, `DATA` (with dot-unstuffing), `RSET`,
//! `NOOP`, `QUIT`. No extensions are advertised, so the client sends plain 7-bit-safe mail.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as received.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub to: Vec<String>,
    /// The message as sent after `DATA`, dot-unstuffed, lines joined with `\r\n`.
    pub data: String,
}

impl Mail {
    /// The header block with folded lines unfolded: (lower-case name, raw value).
    pub fn headers(&self) -> Vec<(String, String)> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut out: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        out
    }

    /// A header's raw value (the first of that name).
    pub fn header(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        self.headers()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The `Subject:` with its RFC 2047 encoded words decoded.
    pub fn subject(&self) -> String {
        decode_words(&self.header("subject").unwrap_or_default())
    }

    /// The body as text, its `Content-Transfer-Encoding` (base64, quoted-printable, 7/8 bit)
    /// undone; a single-part message is all the app sends.
    pub fn text(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let enc = self
            .header("content-transfer-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match enc.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .unwrap_or_default(),
            "quoted-printable" => quoted_printable(body, false),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

/// Decodes quoted-printable (`=XX`, soft line breaks; `_` as space in an encoded word).
fn quoted_printable(s: &str, word: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b.get(i + 1..i + 3) == Some(b"\r\n") => i += 3,
            b'=' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3).unwrap_or_default()).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b'_' if word => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes a header value's `=?charset?B|Q?…?=` words (UTF-8 assumed); whitespace between two
/// encoded words is dropped, as RFC 2047 says.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for (n, token) in v.split_whitespace().enumerate() {
        let parts: Vec<&str> = token.split('?').collect();
        let decoded = match parts.as_slice() {
            ["=", _charset, enc, text, "="] => match enc.to_ascii_uppercase().as_str() {
                "B" => base64::engine::general_purpose::STANDARD.decode(text).ok(),
                "Q" => Some(quoted_printable(text, true)),
                _ => None,
            },
            _ => None,
        };
        match decoded {
            Some(bytes) => {
                if n > 0 && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&String::from_utf8_lossy(&bytes));
                last_encoded = true;
            }
            None => {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(token);
                last_encoded = false;
            }
        }
    }
    out
}

/// The sink: start it, point `[smtp]` at [`SmtpSink::addr`], read [`SmtpSink::mails`].
pub struct SmtpSink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(stream, kept).await {
                        eprintln!("smtp sink: {e:#}");
                    }
                });
            }
        });
        Ok(Self { addr, mails })
    }

    /// The app's `[smtp]` settings for this sink (plain SMTP: the port is neither 465 nor 587).
    pub fn settings(&self, from: &str) -> redbranch_web::notices::send::SmtpSettings {
        redbranch_web::notices::send::SmtpSettings {
            host: self.addr.ip().to_string(),
            port: self.addr.port(),
            from: from.into(),
            ..Default::default()
        }
    }

    /// Everything received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits (up to 10 s) until at least `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let m = self.mails();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.mails()
    }
}

/// Strips `FROM:` / `TO:` and the angle brackets (and any parameters after them).
fn path_of(arg: &str) -> String {
    let arg = arg.split_once(':').map_or(arg, |(_, a)| a).trim();
    let inner = arg
        .strip_prefix('<')
        .and_then(|a| a.split_once('>'))
        .map_or(arg, |(a, _)| a);
    inner.to_string()
}

async fn session(stream: TcpStream, kept: Arc<Mutex<Vec<Mail>>>) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write
        .write_all(b"220 redbranch-test-sink ESMTP\r\n")
        .await?;
    let mut mail = Mail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end();
        let verb = cmd
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 redbranch-test-sink\r\n",
            "MAIL" => {
                mail = Mail {
                    from: path_of(&cmd[4..]),
                    ..Mail::default()
                };
                b"250 OK\r\n"
            }
            "RCPT" => {
                mail.to.push(path_of(&cmd[4..]));
                b"250 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut body = Vec::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    body.push(l.strip_prefix('.').unwrap_or(l).to_string());
                }
                mail.data = body.join("\r\n");
                if let Ok(mut m) = kept.lock() {
                    m.push(std::mem::take(&mut mail));
                }
                b"250 OK: queued\r\n"
            }
            "RSET" => {
                mail = Mail::default();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_and_bodies_decode() {
        assert_eq!(
            decode_words("=?utf-8?b?44CQ57qi5p6d44CR?= =?utf-8?b?5paw6YCa55+l?="),
            "【红枝】新通知"
        );
        assert_eq!(decode_words("=?UTF-8?Q?a_b=E7=BA=A2?= c"), "a b红 c");
        assert_eq!(decode_words("plain words"), "plain words");
        assert_eq!(
            String::from_utf8_lossy(&quoted_printable("=E7=BA=A2=\r\nx", false)),
            "红x"
        );
        assert_eq!(path_of("FROM:<a@b.cn> BODY=8BITMIME"), "a@b.cn");
        assert_eq!(path_of("TO:<c@d.cn>"), "c@d.cn");
    }
}

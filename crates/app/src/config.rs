//! Settings: defaults < `redbranch.toml` < `REDBRANCH_*` environment < command-line flags.
//!
//! Unknown keys are rejected so a typo in a setting is an error at start-up, not a silent
//! default. Secrets are wrapped so they never print. `redbranch.example.toml` documents every key.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use redbranch_domain::auth::SecurityPolicy;
use serde::{Deserialize, Serialize};

/// A value that must not appear in logs or error messages.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: Secret,
    pub from: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address the server listens on.
    pub bind: String,
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://<data_dir>/redbranch.db`.
    pub database_url: String,
    /// Holds the SQLite file, uploads and (when none is configured) the generated key file.
    pub data_dir: PathBuf,
    /// Master key for identity numbers at rest: ≥ 32 bytes, hex or base64. Empty: a key file
    /// `<data_dir>/secret.key` is created on first start (fine for one node; configure it
    /// explicitly when several nodes share a database).
    pub secret_key: Secret,
    pub max_connections: u32,
    /// Set when served over HTTPS (adds `Secure` to cookies).
    pub cookie_secure: bool,
    /// The school shown on the sign-in page when there is only one.
    pub default_tenant: String,
    /// Largest upload in MiB.
    pub max_upload_mb: usize,
    /// `text` or `json` log lines.
    pub log_format: String,
    pub security: SecurityPolicy,
    pub smtp: Smtp,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: String::new(),
            data_dir: PathBuf::from("./data"),
            secret_key: Secret::default(),
            max_connections: 16,
            cookie_secure: false,
            default_tenant: "demo".into(),
            max_upload_mb: 20,
            log_format: "text".into(),
            security: SecurityPolicy::default(),
            smtp: Smtp::default(),
        }
    }
}

impl Settings {
    /// Loads settings from the layers; `file` is read only if it exists (or was named explicitly).
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(p) => {
                if !p.exists() {
                    bail!("配置文件不存在 / config file not found: {}", p.display());
                }
                fig = fig.merge(Toml::file(p));
            }
            None => fig = fig.merge(Toml::file("redbranch.toml")),
        }
        fig = fig.merge(Env::prefixed("REDBRANCH_").ignore(&["config"]).split("__"));
        let s: Settings = fig.extract().context("配置有误 / invalid configuration")?;
        s.validate()?;
        Ok(s)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            bail!(
                "bind 应为 地址:端口（如 127.0.0.1:8080）/ bind must be address:port, got {:?}",
                self.bind
            );
        }
        let u = self.database_url();
        if !(u.starts_with("sqlite:")
            || u.starts_with("postgres://")
            || u.starts_with("postgresql://"))
        {
            bail!(
                "database_url 应以 sqlite: 或 postgres:// 开头 / database_url must start with sqlite: or postgres://"
            );
        }
        if self.max_connections == 0 {
            bail!("max_connections 至少为 1 / max_connections must be at least 1");
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("redbranch.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The master key: configured, or read from / created in the data directory.
    pub fn master_key(&self) -> anyhow::Result<Vec<u8>> {
        if !self.secret_key.0.is_empty() {
            return decode_key(&self.secret_key.0);
        }
        let path = self.data_dir.join("secret.key");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("读取密钥文件失败 / cannot read {}", path.display()))?;
            return decode_key(text.trim());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut key);
        std::fs::write(&path, hex::encode(key))
            .with_context(|| format!("写入密钥文件失败 / cannot write {}", path.display()))?;
        eprintln!(
            "已生成身份证号加密密钥 / generated the encryption key: {} — 请妥善备份 / back it up",
            path.display()
        );
        Ok(key.to_vec())
    }
}

fn decode_key(s: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let bytes = hex::decode(s)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(s))
        .context("secret_key 应为 hex 或 base64 / secret_key must be hex or base64")?;
    if bytes.len() < 32 {
        bail!("secret_key 至少 32 字节 / secret_key must be at least 32 bytes");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_use_sqlite_under_data() {
        let s = Settings::default();
        assert!(s.validate().is_ok());
        assert_eq!(s.database_url(), "sqlite://./data/redbranch.db?mode=rwc");
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings {
            secret_key: Secret("00112233".into()),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("00112233"));
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(decode_key("0011").is_err());
        assert!(decode_key(&"ab".repeat(32)).is_ok());
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the closure's error type"
    )]
    fn environment_overrides_the_file_and_unknown_keys_are_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "redbranch.toml",
                "bind = \"0.0.0.0:9000\"\nmax_connections = 4\n",
            )?;
            jail.set_env("REDBRANCH_BIND", "127.0.0.1:9001");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.bind, "127.0.0.1:9001");
            assert_eq!(s.max_connections, 4);
            jail.create_file("redbranch.toml", "bnd = \"x\"\n")?;
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }
}

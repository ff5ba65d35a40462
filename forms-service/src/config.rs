//! Configuration: environment variables `AMBITO_FORMS_*`, and an optional
//! TOML file with the same keys in lower case (the environment wins).
//! A bad value stops the service at start, naming the variable.

use lettre::message::Mailbox;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to talk to the SMTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text (a relay on the same machine or network).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
}

/// At most `max` submissions per `per` from one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub per: Duration,
}

/// The service's settings, all checked.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub db: PathBuf,
    pub forms_dir: PathBuf,
    /// `None`: messages are written as `.eml` files under `mail_dir`.
    pub smtp: Option<Smtp>,
    pub mail_dir: PathBuf,
    pub from: Mailbox,
    pub to: Mailbox,
    /// The site's origin (`https://www.example.org`): the only origin allowed
    /// to post (Origin check) and to call the service from scripts (CORS).
    pub site_origin: Option<String>,
    pub rate_limit: RateLimit,
    /// Delivery attempts before a submission is marked failed.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled at each further attempt.
    pub retry_base: Duration,
    pub request_timeout: Duration,
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The environment variable (the TOML key is the same in lower case).
    pub var: String,
    pub message: String,
}

const KEYS: &[&str] = &[
    "listen",
    "db",
    "forms_dir",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_user",
    "smtp_password",
    "mail_dir",
    "from",
    "to",
    "site_origin",
    "rate_limit",
    "max_attempts",
    "retry_base_seconds",
    "request_timeout_seconds",
];

/// Variables with the same prefix that are not settings: the log filter
/// and the path of the configuration file.
const NOT_SETTINGS: &[&str] = &["log", "config"];

fn var_name(key: &str) -> String {
    format!("AMBITO_FORMS_{}", key.to_uppercase())
}

fn err(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var: var_name(key),
        message: message.into(),
    }
}

/// Raw settings: key → value, from the file and then the environment.
#[derive(Debug, Default)]
pub struct Sources(HashMap<String, String>);

impl Sources {
    /// Reads the optional TOML file, then `AMBITO_FORMS_*` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Sources, ConfigError> {
        let mut map = HashMap::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                var: "AMBITO_FORMS_CONFIG".into(),
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError {
                var: "AMBITO_FORMS_CONFIG".into(),
                message: format!("{} is not valid TOML: {e}", path.display()),
            })?;
            for (key, value) in table {
                if !KEYS.contains(&key.as_str()) {
                    return Err(ConfigError {
                        var: "AMBITO_FORMS_CONFIG".into(),
                        message: format!(
                            "unknown key `{key}` in {} (keys: {})",
                            path.display(),
                            KEYS.join(", ")
                        ),
                    });
                }
                let value = match value {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => {
                        return Err(ConfigError {
                            var: var_name(&key),
                            message: format!(
                                "`{key}` in {} must be text or a number",
                                path.display()
                            ),
                        })
                    }
                };
                map.insert(key, value);
            }
        }
        for (name, value) in env {
            if let Some(key) = name.strip_prefix("AMBITO_FORMS_") {
                let key = key.to_lowercase();
                if KEYS.contains(&key.as_str()) {
                    map.insert(key, value);
                } else if !NOT_SETTINGS.contains(&key.as_str()) {
                    return Err(ConfigError {
                        var: name.clone(),
                        message: format!(
                            "unknown setting (settings: {})",
                            KEYS.iter()
                                .map(|k| var_name(k))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
        }
        Ok(Sources(map))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn parse<T: std::str::FromStr>(&self, key: &str, what: &str) -> Result<Option<T>, ConfigError> {
        self.get(key)
            .map(|v| {
                v.trim()
                    .parse::<T>()
                    .map_err(|_| err(key, format!("expected {what}, found `{v}`")))
            })
            .transpose()
    }
}

fn mailbox(sources: &Sources, key: &str, default: Option<&str>) -> Result<Mailbox, ConfigError> {
    let value = match (sources.get(key), default) {
        (Some(v), _) => v.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => return Err(err(key, "required when AMBITO_FORMS_SMTP_HOST is set (an address such as Zona Distretto <zona@example.org>)")),
    };
    value
        .parse::<Mailbox>()
        .map_err(|e| err(key, format!("`{value}` is not an email address: {e}")))
}

fn parse_rate_limit(text: &str) -> Option<RateLimit> {
    let (n, unit) = text.trim().split_once('/').unwrap_or((text.trim(), "min"));
    let max: u32 = n.trim().parse().ok().filter(|&n| n > 0)?;
    let per = match unit.trim() {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        _ => return None,
    };
    Some(RateLimit { max, per })
}

impl Config {
    /// Checks every setting, with defaults that run on a fresh machine.
    pub fn from_sources(s: &Sources) -> Result<Config, ConfigError> {
        let listen = s
            .parse::<SocketAddr>("listen", "an address such as 127.0.0.1:8080")?
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let smtp = match s.get("smtp_host") {
            None => None,
            Some(host) => {
                let tls = match s.get("smtp_tls").unwrap_or("starttls").trim() {
                    "none" => TlsMode::None,
                    "starttls" => TlsMode::StartTls,
                    "tls" => TlsMode::Tls,
                    other => {
                        return Err(err(
                            "smtp_tls",
                            format!("expected none, starttls or tls, found `{other}`"),
                        ))
                    }
                };
                let default_port = match tls {
                    TlsMode::None => 25,
                    TlsMode::StartTls => 587,
                    TlsMode::Tls => 465,
                };
                let port = s
                    .parse::<u16>("smtp_port", "a port number from 1 to 65535")?
                    .unwrap_or(default_port);
                if port == 0 {
                    return Err(err(
                        "smtp_port",
                        "expected a port number from 1 to 65535, found `0`",
                    ));
                }
                let user = s.get("smtp_user").map(str::to_string);
                let password = s.get("smtp_password").map(str::to_string);
                if user.is_some() != password.is_some() {
                    let missing = if user.is_some() {
                        "smtp_password"
                    } else {
                        "smtp_user"
                    };
                    return Err(err(missing, "set both AMBITO_FORMS_SMTP_USER and AMBITO_FORMS_SMTP_PASSWORD, or neither"));
                }
                Some(Smtp {
                    host: host.trim().to_string(),
                    port,
                    tls,
                    user,
                    password,
                })
            }
        };
        // Without SMTP, mail goes to files: placeholder addresses will do.
        let placeholder = smtp.is_none().then_some("ambito-forms@localhost");
        let from = mailbox(s, "from", placeholder)?;
        let to = mailbox(s, "to", placeholder)?;
        let site_origin = match s.get("site_origin") {
            None => None,
            Some(o) => {
                let o = o.trim().trim_end_matches('/');
                let valid = (o.starts_with("https://") || o.starts_with("http://"))
                    && !o.split("://").nth(1).unwrap_or("").contains('/');
                if !valid {
                    return Err(err("site_origin", format!("expected an origin such as https://www.example.org (no path), found `{o}`")));
                }
                Some(o.to_string())
            }
        };
        let rate_limit = match s.get("rate_limit") {
            None => RateLimit {
                max: 10,
                per: Duration::from_secs(60),
            },
            Some(v) => parse_rate_limit(v).ok_or_else(|| err("rate_limit", format!("expected a number per period such as 10/min (periods: s, min, hour), found `{v}`")))?,
        };
        let max_attempts = s
            .parse::<u32>("max_attempts", "a whole number of attempts")?
            .unwrap_or(12);
        if max_attempts == 0 {
            return Err(err("max_attempts", "must be at least 1"));
        }
        let retry_base = Duration::from_secs_f64(
            s.parse::<f64>("retry_base_seconds", "a number of seconds")?
                .unwrap_or(30.0)
                .max(0.01),
        );
        let request_timeout = Duration::from_secs_f64(
            s.parse::<f64>("request_timeout_seconds", "a number of seconds")?
                .unwrap_or(10.0)
                .max(0.1),
        );
        Ok(Config {
            listen,
            db: s
                .get("db")
                .map_or_else(|| PathBuf::from("data/forms.sqlite3"), PathBuf::from),
            forms_dir: s
                .get("forms_dir")
                .map_or_else(|| PathBuf::from("forms-service/forms"), PathBuf::from),
            mail_dir: s
                .get("mail_dir")
                .map_or_else(|| PathBuf::from("data/outbox-mail"), PathBuf::from),
            smtp,
            from,
            to,
            site_origin,
            rate_limit,
            max_attempts,
            retry_base,
            request_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Config::from_sources(&Sources::load(None, env)?)
    }

    #[test]
    fn defaults_run_without_configuration() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.db, PathBuf::from("data/forms.sqlite3"));
        assert!(c.smtp.is_none());
        assert_eq!(
            c.rate_limit,
            RateLimit {
                max: 10,
                per: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = config(&[
            ("AMBITO_FORMS_SMTP_HOST", "mail"),
            ("AMBITO_FORMS_SMTP_PORT", "abc"),
            ("AMBITO_FORMS_FROM", "a@b.it"),
            ("AMBITO_FORMS_TO", "c@d.it"),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "AMBITO_FORMS_SMTP_PORT: expected a port number from 1 to 65535, found `abc`"
        );
        let e = config(&[
            ("AMBITO_FORMS_SMTP_HOST", "mail"),
            ("AMBITO_FORMS_SMTP_TLS", "ssl"),
        ])
        .unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_SMTP_TLS");
        let e = config(&[("AMBITO_FORMS_SMTP_HOST", "mail")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_FROM");
        let e = config(&[("AMBITO_FORMS_LISTEN", "localhost")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_LISTEN");
        let e = config(&[("AMBITO_FORMS_SITE_ORIGIN", "https://e.org/path")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_SITE_ORIGIN");
        let e = config(&[("AMBITO_FORMS_RATE_LIMIT", "tanti")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_RATE_LIMIT");
        let e = config(&[("AMBITO_FORMS_SMTP_PASWORD", "x")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_SMTP_PASWORD");
        assert!(config(&[("AMBITO_FORMS_LOG", "debug"), ("AMBITO_FORMS_CONFIG", "")]).is_ok());
    }

    #[test]
    fn toml_file_with_environment_overriding() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("forms.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nrate_limit = \"3/hour\"\nsmtp_host = \"mail.example.org\"\nsmtp_port = 2525\nfrom = \"Moduli <moduli@example.org>\"\nto = \"zona@example.org\"\n").unwrap();
        let env = [("AMBITO_FORMS_SMTP_TLS".to_string(), "none".to_string())];
        let c = Config::from_sources(&Sources::load(Some(&file), env).unwrap()).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(
            c.rate_limit,
            RateLimit {
                max: 3,
                per: Duration::from_secs(3600)
            }
        );
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (2525, TlsMode::None));
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        assert!(Sources::load(Some(&file), [])
            .unwrap_err()
            .message
            .contains("unknown key `lisen`"));
    }
}

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

/// The SMTP server and its login.
#[derive(Clone)]
pub struct Smtp {
    /// The server's host name, also the name its TLS certificate must carry.
    pub host: String,
    /// The server's TCP port.
    pub port: u16,
    /// How the connection is encrypted.
    pub tls: TlsMode,
    /// The login name, set together with `password` or not at all.
    pub user: Option<String>,
    /// The login password; never logged (see the `Debug` impl).
    pub password: Option<String>,
    /// A PEM file with extra trusted root certificates (a private CA).
    pub ca_file: Option<PathBuf>,
}

/// Written by hand so that the password never reaches a log or an error.
impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// At most `max` submissions per `per` from one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each period.
    pub max: u32,
    /// The length of the period.
    pub per: Duration,
}

/// The service's settings, all checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address and port the HTTP server binds.
    pub listen: SocketAddr,
    /// The SQLite file that holds the submissions.
    pub db: PathBuf,
    /// The folder searched for the generator's `*.form.json` definitions.
    pub forms_dir: PathBuf,
    /// `None`: messages are written as `.eml` files under `mail_dir`.
    pub smtp: Option<Smtp>,
    /// The folder that receives the `.eml` files when there is no SMTP.
    pub mail_dir: PathBuf,
    /// The sender of every email (a placeholder when there is no SMTP).
    pub from: Mailbox,
    /// The district's mailbox, which receives each submission.
    pub to: Mailbox,
    /// The site's origin (`https://www.example.org`): the only origin allowed
    /// to post (Origin check) and to call the service from scripts (CORS).
    pub site_origin: Option<String>,
    /// Submissions accepted per client (an IPv4 address or an IPv6 /64).
    pub rate_limit: RateLimit,
    /// Delivery attempts before a submission is marked failed.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled at each further attempt.
    pub retry_base: Duration,
    /// The longest a request may take before it is answered 408.
    pub request_timeout: Duration,
    /// Proxies whose `X-Forwarded-For` header is believed (`Forwarded` is
    /// never read).
    pub trusted_proxies: Vec<Cidr>,
    /// Checks per client address on `/forms/{id}/verifica` (looser: the
    /// page's script calls it while people type).
    pub verify_rate_limit: RateLimit,
    /// Submissions older than this many days are deleted automatically.
    pub retention_days: u32,
    /// Receipts sent to one address in 24 hours, at most.
    pub receipts_per_day: u32,
    /// The most the district's email carries as attachments, in bytes;
    /// over it, the email lists the files and says how to fetch them.
    pub attachments_max_bytes: u64,
    /// Time a client has to send a request's headers, and the longest a
    /// kept-alive connection may sit idle.
    pub header_timeout: Duration,
    /// Open connections at most; further clients wait to be accepted.
    pub max_connections: usize,
    /// The same answers to the same form within this time are one
    /// submission (zero: no duplicate detection).
    pub duplicate_window: Duration,
}

/// A block of addresses, `10.0.0.0/8` or `2001:db8::/32` (a single
/// address is a block of one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The block's address (bits past the prefix are ignored).
    pub addr: std::net::IpAddr,
    /// How many leading bits of `addr` name the block.
    pub prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in the block (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 @ IpAddr::V4(_) => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Cidr {
    type Err = ();
    fn from_str(s: &str) -> Result<Cidr, ()> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: std::net::IpAddr = addr.parse().map_err(|_| ())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().map_err(|_| ())?,
            None => max,
        };
        if prefix > max {
            return Err(());
        }
        Ok(Cidr { addr, prefix })
    }
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The environment variable (the TOML key is the same in lower case).
    pub var: String,
    /// What is wrong with its value.
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
    "smtp_ca_file",
    "trusted_proxies",
    "verify_rate_limit",
    "retention_days",
    "receipts_per_day",
    "header_timeout_seconds",
    "max_connections",
    "duplicate_window_minutes",
    "attachments_max_mb",
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
            // toml's own message quotes the offending line, which may be
            // the password's: say only where the problem is, and what.
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                let what = e
                    .message()
                    .lines()
                    .next()
                    .unwrap_or("syntax error")
                    .to_string();
                ConfigError {
                    var: "AMBITO_FORMS_CONFIG".into(),
                    message: match line {
                        Some(l) => {
                            format!("{} is not valid TOML (line {l}): {what}", path.display())
                        }
                        None => format!("{} is not valid TOML: {what}", path.display()),
                    },
                }
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
    /// Where uploaded files are kept: `files/` beside the database, one
    /// folder per post.
    pub fn files_dir(&self) -> PathBuf {
        self.db
            .parent()
            .map_or_else(|| PathBuf::from("files"), |d| d.join("files"))
    }

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
                if tls == TlsMode::None && user.is_some() {
                    return Err(err("smtp_tls", "`none` would send the SMTP user and password in clear: use starttls or tls"));
                }
                let ca_file = s.get("smtp_ca_file").map(|p| PathBuf::from(p.trim()));
                if let Some(ca) = &ca_file {
                    if !ca.is_file() {
                        return Err(err(
                            "smtp_ca_file",
                            format!("{} is not a readable file", ca.display()),
                        ));
                    }
                }
                Some(Smtp {
                    host: host.trim().to_string(),
                    port,
                    tls,
                    user,
                    password,
                    ca_file,
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
        let trusted_proxies = match s.get("trusted_proxies") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    p.parse::<Cidr>().map_err(|()| {
                        err(
                            "trusted_proxies",
                            format!(
                                "expected addresses or blocks such as 10.0.0.0/8, ::1, found `{}`",
                                p.trim()
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let verify_rate_limit = match s.get("verify_rate_limit") {
            None => RateLimit {
                max: 120,
                per: Duration::from_secs(60),
            },
            Some(v) => parse_rate_limit(v).ok_or_else(|| err("verify_rate_limit", format!("expected a number per period such as 120/min (periods: s, min, hour), found `{v}`")))?,
        };
        let retention_days = s
            .parse::<u32>("retention_days", "a whole number of days")?
            .unwrap_or(730);
        if retention_days == 0 {
            return Err(err("retention_days", "must be at least 1"));
        }
        let receipts_per_day = s
            .parse::<u32>("receipts_per_day", "a whole number of receipts")?
            .unwrap_or(3);
        let attachments_max_bytes = s
            .parse::<u64>("attachments_max_mb", "a whole number of MB")?
            .unwrap_or(15)
            .saturating_mul(1024 * 1024);
        let header_timeout = Duration::from_secs_f64(
            s.parse::<f64>("header_timeout_seconds", "a number of seconds")?
                .unwrap_or(5.0)
                .max(0.1),
        );
        let max_connections = s
            .parse::<usize>("max_connections", "a whole number of connections")?
            .unwrap_or(1024)
            .max(1);
        let duplicate_window = Duration::from_secs(
            s.parse::<u64>("duplicate_window_minutes", "a whole number of minutes")?
                .unwrap_or(30)
                .saturating_mul(60),
        );
        Ok(Config {
            duplicate_window,
            trusted_proxies,
            verify_rate_limit,
            retention_days,
            receipts_per_day,
            attachments_max_bytes,
            header_timeout,
            max_connections,
            listen,
            db: s
                .get("db")
                .map_or_else(|| PathBuf::from("data/forms.sqlite3"), PathBuf::from),
            forms_dir: s
                .get("forms_dir")
                .map_or_else(|| PathBuf::from("public"), PathBuf::from),
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
        let e = config(&[("AMBITO_FORMS_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/33")]).unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_TRUSTED_PROXIES");
    }

    #[test]
    fn the_default_forms_folder_is_the_built_site() {
        assert_eq!(config(&[]).unwrap().forms_dir, PathBuf::from("public"));
    }

    #[test]
    fn credentials_are_never_sent_or_shown_in_clear() {
        let e = config(&[
            ("AMBITO_FORMS_SMTP_HOST", "mail"),
            ("AMBITO_FORMS_SMTP_TLS", "none"),
            ("AMBITO_FORMS_SMTP_USER", "moduli"),
            ("AMBITO_FORMS_SMTP_PASSWORD", "segreto-42"),
            ("AMBITO_FORMS_FROM", "a@b.it"),
            ("AMBITO_FORMS_TO", "c@d.it"),
        ])
        .unwrap_err();
        assert_eq!(e.var, "AMBITO_FORMS_SMTP_TLS");
        let c = config(&[
            ("AMBITO_FORMS_SMTP_HOST", "mail"),
            ("AMBITO_FORMS_SMTP_USER", "moduli"),
            ("AMBITO_FORMS_SMTP_PASSWORD", "segreto-42"),
            ("AMBITO_FORMS_FROM", "a@b.it"),
            ("AMBITO_FORMS_TO", "c@d.it"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            shown.contains("moduli") && !shown.contains("segreto-42"),
            "{shown}"
        );
        // A syntax error on the password's line must not quote it.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("forms.toml");
        std::fs::write(
            &file,
            "smtp_user = \"moduli\"\nsmtp_password = \"segreto-42\n",
        )
        .unwrap();
        let e = Sources::load(Some(&file), []).unwrap_err();
        assert!(e.message.contains("line 2"), "{e}");
        assert!(!e.to_string().contains("segreto"), "{e}");
    }

    #[test]
    fn blocks_of_addresses() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains("10.1.200.3".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.0.9".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        let c: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(c.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!c.contains("2001:db9::5".parse().unwrap()));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(
            one.contains("192.0.2.7".parse().unwrap())
                && !one.contains("192.0.2.8".parse().unwrap())
        );
        assert!("0.0.0.0/0"
            .parse::<Cidr>()
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
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

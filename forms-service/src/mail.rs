//! The two emails of a submission, and the transport that sends them:
//! SMTP in production, `.eml` files when no SMTP server is configured.

use crate::config::{Config, TlsMode};
use crate::store::Stored;
use ambito_form::calendar::{italian_day, rome};
use ambito_form::escape::escape;
use ambito_form::filetype::FileType;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where messages go.
pub enum Transport {
    /// Sends through the configured SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes each message as an `.eml` file in a folder, named after the
    /// submission's number (so that `purge` and `erase` can find it).
    Files(PathBuf),
}

/// The `.eml` files written for one submission (without SMTP).
pub fn eml_files(dir: &Path, protocol: &str) -> [PathBuf; 2] {
    [
        dir.join(format!("{protocol}.zona.eml")),
        dir.join(format!("{protocol}.ricevuta.eml")),
    ]
}

/// Why the mail transport could not be set up from the settings; each
/// names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The folder for `.eml` files could not be created.
    #[error("AMBITO_FORMS_MAIL_DIR: cannot create {path}: {source}")]
    MailDir {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The extra root certificate could not be read.
    #[error("AMBITO_FORMS_SMTP_CA_FILE: cannot read {path}: {source}")]
    CaUnreadable {
        /// The certificate file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The extra root certificate is not a PEM certificate.
    #[error("AMBITO_FORMS_SMTP_CA_FILE: {path} is not a PEM certificate: {source}")]
    CaNotPem {
        /// The certificate file.
        path: PathBuf,
        /// lettre's (rustls') reason.
        #[source]
        source: lettre::transport::smtp::Error,
    },
    /// TLS for the SMTP server could not be set up.
    #[error("AMBITO_FORMS_SMTP_HOST: {0}")]
    Tls(#[source] lettre::transport::smtp::Error),
}

/// Why an email could not be put together (it is not sent: trying again
/// composes it again).
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// An uploaded file to attach could not be read.
    #[error("cannot read the uploaded file {path}: {source}")]
    File {
        /// The file on disk.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file's media type was refused by the mail builder.
    #[error("media type {mime}: {source}")]
    ContentType {
        /// The media type.
        mime: &'static str,
        /// lettre's reason.
        #[source]
        source: lettre::message::header::ContentTypeErr,
    },
    /// The message could not be built (an address or header refused).
    #[error("cannot build the email: {0}")]
    Build(#[from] lettre::error::Error),
}

/// A failed send, and whether trying again may help.
#[derive(Debug)]
pub struct SendError {
    /// What went wrong, as recorded in the submission's last error.
    pub message: String,
    /// The server refused for good (a 5xx reply, e.g. an unknown recipient).
    pub permanent: bool,
    /// The server refused it for good for its size (552, or the enhanced
    /// status 5.3.4): the same message will never go through.
    pub too_big: bool,
}

impl Transport {
    /// SMTP when a server is configured, otherwise files in `mail_dir`
    /// (created if missing); the error names the setting at fault.
    pub fn from_config(cfg: &Config) -> Result<Transport, TransportError> {
        match &cfg.smtp {
            None => {
                crate::paths::private_dir(&cfg.mail_dir).map_err(|source| {
                    TransportError::MailDir {
                        path: cfg.mail_dir.clone(),
                        source,
                    }
                })?;
                Ok(Transport::Files(cfg.mail_dir.clone()))
            }
            Some(smtp) => {
                let tls = || -> Result<TlsParameters, TransportError> {
                    let mut params = TlsParameters::builder(smtp.host.clone());
                    if let Some(ca) = &smtp.ca_file {
                        let pem =
                            std::fs::read(ca).map_err(|source| TransportError::CaUnreadable {
                                path: ca.clone(),
                                source,
                            })?;
                        let cert = Certificate::from_pem(&pem).map_err(|source| {
                            TransportError::CaNotPem {
                                path: ca.clone(),
                                source,
                            }
                        })?;
                        params = params.add_root_certificate(cert);
                    }
                    params.build_rustls().map_err(TransportError::Tls)
                };
                let tls = match smtp.tls {
                    TlsMode::None => Tls::None,
                    TlsMode::StartTls => Tls::Required(tls()?),
                    TlsMode::Tls => Tls::Wrapper(tls()?),
                };
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                        .tls(tls)
                        .port(smtp.port)
                        .timeout(Some(std::time::Duration::from_secs(20)));
                if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Ok(Transport::Smtp(builder.build()))
            }
        }
    }

    /// Sends `message`; without SMTP, writes it to `file` (one of
    /// [`eml_files`]) through a temporary name, so a reader never sees half
    /// a message.
    pub async fn send(&self, message: Message, file: &Path) -> Result<(), SendError> {
        match self {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                let message = e.to_string();
                let code = e.status().map(u16::from);
                SendError {
                    permanent: e.is_permanent(),
                    too_big: e.is_permanent() && (code == Some(552) || message.contains("5.3.4")),
                    message,
                }
            }),
            Transport::Files(_) => {
                let bytes = message.formatted();
                let file = file.to_path_buf();
                tokio::task::spawn_blocking(move || {
                    let tmp = file.with_extension("eml.tmp");
                    std::fs::write(&tmp, bytes)?;
                    std::fs::rename(&tmp, &file)
                })
                .await
                .map_err(std::io::Error::other)
                .and_then(|r| r)
                .map_err(|e| SendError {
                    permanent: false,
                    too_big: false,
                    message: e.to_string(),
                })
            }
        }
    }
}

/// `25 novembre 2026, ore 10:42` (Italian time).
pub fn italian_datetime(unix: i64) -> String {
    match jiff::Timestamp::from_second(unix) {
        Ok(ts) => {
            let z = ts.to_zoned(rome());
            format!(
                "{}, ore {:02}:{:02}",
                italian_day(z.date()),
                z.hour(),
                z.minute()
            )
        }
        Err(_) => String::new(),
    }
}

fn domain(mailbox: &Mailbox) -> &str {
    mailbox.email.domain()
}

/// Plain-text list of answers: `Label: value`, multi-line values indented.
fn answers_text(s: &Stored) -> String {
    let mut out = String::new();
    for a in &s.answers {
        if a.display.contains('\n') {
            let _ = writeln!(out, "{}:", a.label);
            for line in a.display.lines() {
                let _ = writeln!(out, "    {line}");
            }
        } else {
            let _ = writeln!(out, "{}: {}", a.label, a.display);
        }
    }
    out
}

fn answers_html(s: &Stored) -> String {
    let mut out = String::from("<table style=\"border-collapse:collapse\">\n");
    for a in &s.answers {
        let value = escape(&a.display).replace('\n', "<br>");
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\" style=\"text-align:left;vertical-align:top;padding:4px 12px 4px 0\">{}</th><td style=\"padding:4px 0\">{value}</td></tr>",
            escape(&a.label)
        );
    }
    out.push_str("</table>\n");
    out
}

/// A size as people read it in Italian: `850 byte`, `12,3 kB`, `1,2 MB`.
pub fn size_it(bytes: u64) -> String {
    let one = |n: u64, unit: u64| {
        let tenths = (n * 10 + unit / 2) / unit;
        format!("{},{}", tenths / 10, tenths % 10)
    };
    if bytes < 1024 {
        format!("{bytes} byte")
    } else if bytes < 1024 * 1024 {
        format!("{} kB", one(bytes, 1024))
    } else {
        format!("{} MB", one(bytes, 1024 * 1024))
    }
}

fn mime(kind: FileType) -> &'static str {
    match kind {
        FileType::Pdf => "application/pdf",
        FileType::P7m => "application/pkcs7-mime",
        FileType::Jpg => "image/jpeg",
        FileType::Png => "image/png",
    }
}

/// The files of a submission for the district, one per line: the name
/// it has in this email (by its type), size, SHA-256, and the name the
/// sender gave it, as quoted text only.
fn files_text(s: &Stored) -> String {
    let mut out = String::new();
    if s.files.is_empty() {
        return out;
    }
    out.push_str("\nFile allegati:\n");
    for (i, f) in s.files.iter().enumerate() {
        let _ = writeln!(
            out,
            "- {} ({}, {}), SHA-256: {}; nome dato dal mittente: «{}»",
            f.file_name(i + 1),
            f.kind.italian(),
            size_it(f.size),
            f.sha256,
            one_line(&f.name),
        );
    }
    out
}

fn files_html(s: &Stored) -> String {
    if s.files.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>File allegati</h2>\n<ul>\n");
    for (i, f) in s.files.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li>{} ({}, {}), SHA-256: <code>{}</code>; nome dato dal mittente: «{}»</li>",
            f.file_name(i + 1),
            f.kind.italian(),
            size_it(f.size),
            f.sha256,
            escape(&f.name),
        );
    }
    out.push_str("</ul>\n");
    out
}

/// The files for the receipt: type, size and SHA-256 only (nothing the
/// sender typed travels back to an address nobody verified).
fn receipt_files(s: &Stored) -> (String, String) {
    if s.files.is_empty() {
        return (String::new(), String::new());
    }
    let mut text = String::from("\nFile ricevuti:\n");
    let mut html = String::from("<h2>File ricevuti</h2>\n<ol>\n");
    for f in &s.files {
        let _ = writeln!(
            text,
            "- {}, {}, SHA-256: {}",
            f.kind.italian(),
            size_it(f.size),
            f.sha256
        );
        let _ = writeln!(
            html,
            "<li>{}, {}, SHA-256: <code>{}</code></li>",
            escape(f.kind.italian()),
            size_it(f.size),
            f.sha256
        );
    }
    html.push_str("</ol>\n");
    (text, html)
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"it\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family:sans-serif;line-height:1.5\">\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The first answer is what identifies the sender (the organisation's
/// name, for the expression of interest).
fn who(s: &Stored) -> &str {
    s.answers.first().map_or("", |a| a.display.as_str())
}

/// A header value on one line, whatever was typed (defence in depth: the
/// form already refuses line breaks in single-line fields).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The email to the district: every answer with its label, in the form's
/// order; the protocol number in the subject; replies go to the sender.
/// The files are attached (named by their type) unless they are over the
/// configured size, or the mail server already refused the message with
/// them for its size (`refused_for_size`): then the email says how to
/// fetch them from the server.
pub fn district_message(
    cfg: &Config,
    s: &Stored,
    refused_for_size: bool,
) -> Result<Message, ComposeError> {
    let subject = one_line(&format!("[{}] {}: {}", s.protocol, s.form_title, who(s)));
    let when = italian_datetime(s.received_at);
    let total: u64 = s.files.iter().map(|f| f.size).sum();
    let attach = !s.files.is_empty() && total <= cfg.attachments_max_bytes && !refused_for_size;
    let fetch = format!(
        "Per scaricarli, sul server del servizio dei moduli: ambito-forms attachments {} --output CARTELLA",
        s.protocol
    );
    let note = if s.files.is_empty() || attach {
        String::new()
    } else if refused_for_size {
        format!(
            "Il server di posta ha rifiutato questa email con i file allegati ({} in tutto) perché troppo grande: i file non sono allegati. {fetch}",
            size_it(total),
        )
    } else {
        format!(
            "I file ({} in tutto) superano il limite di {} per email e non sono allegati. {fetch}",
            size_it(total),
            size_it(cfg.attachments_max_bytes),
        )
    };
    let plain = format!(
        "Nuova richiesta ricevuta dal sito: {}.\n\nNumero di ricevuta: {}\nRicevuta il: {when}\n\n{}{}{note}",
        s.form_title,
        s.protocol,
        answers_text(s),
        files_text(s)
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Nuova richiesta ricevuta dal sito: {}.</p>\n<p>Numero di ricevuta: <strong>{}</strong><br>Ricevuta il: {}</p>\n{}{}<p>{}</p>",
            escape(&s.form_title),
            escape(s.protocol.as_str()),
            escape(&when),
            answers_html(s),
            files_html(s),
            escape(&note)
        ),
    );
    let mut builder = Message::builder()
        .from(cfg.from.clone())
        .to(cfg.to.clone())
        .subject(subject)
        .message_id(Some(format!("<{}.zona@{}>", s.protocol, domain(&cfg.from))));
    if let Some(sender) = s.sender.as_deref().and_then(|e| e.parse::<Mailbox>().ok()) {
        builder = builder.reply_to(sender);
    }
    if !attach {
        return Ok(builder.multipart(alternative(plain, html))?);
    }
    let mut mixed = MultiPart::mixed().multipart(alternative(plain, html));
    let root = cfg.files_dir();
    for (i, f) in s.files.iter().enumerate() {
        let path = root.join(&f.path);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(source) => return Err(ComposeError::File { path, source }),
        };
        let mime = mime(f.kind);
        let kind = ContentType::parse(mime)
            .map_err(|source| ComposeError::ContentType { mime, source })?;
        mixed = mixed.singlepart(Attachment::new(f.file_name(i + 1)).body(bytes, kind));
    }
    Ok(builder.multipart(mixed)?)
}

/// Longest organisation name copied into a receipt, in characters.
pub const RECEIPT_NAME_LIMIT: usize = 80;

/// The organisation's name as the receipt shows it: on one line, at most
/// [`RECEIPT_NAME_LIMIT`] characters.
fn receipt_who(s: &Stored) -> String {
    let who = one_line(who(s));
    let who = who.trim();
    if who.chars().count() > RECEIPT_NAME_LIMIT {
        who.chars().take(RECEIPT_NAME_LIMIT).collect::<String>() + "…"
    } else {
        who.to_string()
    }
}

/// The receipt to the sender. It goes to an address nobody verified, from
/// the district's own address, so it relays nothing the sender wrote but
/// the organisation's name (short): the receipt number, the time, the
/// form's title, and the files by type, size and SHA-256; then what
/// happens next, in the form's own words (`next`). `None` when the
/// submission has no sender address.
pub fn receipt_message(
    cfg: &Config,
    s: &Stored,
    next: Option<&str>,
) -> Option<Result<Message, ComposeError>> {
    let to = s.sender.as_deref()?.parse::<Mailbox>().ok()?;
    let subject = one_line(&format!("Ricevuta {}: {}", s.protocol, s.form_title));
    let when = italian_datetime(s.received_at);
    let who = receipt_who(s);
    let (files_text, files_html) = receipt_files(s);
    let (next_text, next_html) = next.map_or_else(
        || (String::new(), String::new()),
        |n| {
            (
                format!("\nChe cosa succede ora: {n}\n"),
                format!("<h2>Che cosa succede ora</h2>\n<p>{}</p>\n", escape(n)),
            )
        },
    );
    let plain = format!(
        "Abbiamo ricevuto «{}».\n\nNumero di ricevuta: {}\nRicevuta il: {when}\nEnte: {who}\n{files_text}{next_text}\nConserva questo messaggio: il numero di ricevuta la identifica.\nPer qualsiasi domanda rispondi a questa email.\n",
        s.form_title,
        s.protocol,
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Abbiamo ricevuto «{}».</p>\n<p>Numero di ricevuta: <strong>{}</strong><br>Ricevuta il: {}<br>Ente: {}</p>\n{files_html}{next_html}<p>Conserva questo messaggio: il numero di ricevuta la identifica. Per qualsiasi domanda rispondi a questa email.</p>\n",
            escape(&s.form_title),
            escape(s.protocol.as_str()),
            escape(&when),
            escape(&who),
        ),
    );
    Some(
        Message::builder()
            .from(cfg.from.clone())
            .reply_to(cfg.to.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!(
                "<{}.ricevuta@{}>",
                s.protocol,
                domain(&cfg.from)
            )))
            .multipart(alternative(plain, html))
            .map_err(ComposeError::from),
    )
}

fn alternative(plain: String, html: String) -> MultiPart {
    MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(plain),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(html),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sources;

    fn transport(pairs: &[(&str, &str)]) -> Result<Transport, TransportError> {
        let env = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Transport::from_config(&Config::from_sources(&Sources::load(None, env).unwrap()).unwrap())
    }

    const SMTP: [(&str, &str); 3] = [
        ("AMBITO_FORMS_SMTP_HOST", "smtp.example.org"),
        ("AMBITO_FORMS_FROM", "moduli@example.org"),
        ("AMBITO_FORMS_TO", "zona@example.org"),
    ];

    #[test]
    fn a_bad_setting_is_named_with_the_file_and_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        // (A CA file that cannot be read is refused earlier, by the
        // configuration's own check.)
        let not_pem = dir.path().join("not.pem");
        std::fs::write(
            &not_pem,
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = transport(&[
            SMTP[0],
            SMTP[1],
            SMTP[2],
            ("AMBITO_FORMS_SMTP_CA_FILE", not_pem.to_str().unwrap()),
        ])
        .err()
        .unwrap();
        assert!(matches!(e, TransportError::CaNotPem { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!(
                "AMBITO_FORMS_SMTP_CA_FILE: {} is not a PEM certificate: ",
                not_pem.display()
            )),
            "{e}"
        );
        // Without SMTP the mail folder is made, or the error says which.
        let file = dir.path().join("un-file");
        std::fs::write(&file, "").unwrap();
        let under_a_file = file.join("posta");
        let e = transport(&[("AMBITO_FORMS_MAIL_DIR", under_a_file.to_str().unwrap())])
            .err()
            .unwrap();
        assert!(matches!(e, TransportError::MailDir { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!(
                "AMBITO_FORMS_MAIL_DIR: cannot create {}: ",
                under_a_file.display()
            )),
            "{e}"
        );
        let mail = dir.path().join("posta");
        let t = transport(&[("AMBITO_FORMS_MAIL_DIR", mail.to_str().unwrap())]).unwrap();
        assert!(matches!(t, Transport::Files(ref d) if *d == mail));
        assert!(mail.is_dir());
    }
}

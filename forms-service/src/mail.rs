//! The two emails of a submission, and the transport that sends them:
//! SMTP in production, `.eml` files when no SMTP server is configured.

use crate::config::{Config, TlsMode};
use crate::store::Stored;
use ambito::escape::escape;
use ambito::form::filetype::FileType;
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

/// A failed send, and whether trying again may help.
#[derive(Debug)]
pub struct SendError {
    /// What went wrong, as recorded in the submission's last error.
    pub message: String,
    /// The server refused for good (a 5xx reply, e.g. an unknown recipient).
    pub permanent: bool,
}

impl Transport {
    /// SMTP when a server is configured, otherwise files in `mail_dir`
    /// (created if missing); the error names the setting at fault.
    pub fn from_config(cfg: &Config) -> Result<Transport, String> {
        match &cfg.smtp {
            None => {
                crate::store::private_dir(&cfg.mail_dir).map_err(|e| {
                    format!(
                        "AMBITO_FORMS_MAIL_DIR: cannot create {}: {e}",
                        cfg.mail_dir.display()
                    )
                })?;
                Ok(Transport::Files(cfg.mail_dir.clone()))
            }
            Some(smtp) => {
                let tls = || -> Result<TlsParameters, String> {
                    let mut params = TlsParameters::builder(smtp.host.clone());
                    if let Some(ca) = &smtp.ca_file {
                        let pem = std::fs::read(ca).map_err(|e| {
                            format!(
                                "AMBITO_FORMS_SMTP_CA_FILE: cannot read {}: {e}",
                                ca.display()
                            )
                        })?;
                        let cert = Certificate::from_pem(&pem).map_err(|e| {
                            format!(
                                "AMBITO_FORMS_SMTP_CA_FILE: {} is not a PEM certificate: {e}",
                                ca.display()
                            )
                        })?;
                        params = params.add_root_certificate(cert);
                    }
                    params
                        .build_rustls()
                        .map_err(|e| format!("AMBITO_FORMS_SMTP_HOST: {e}"))
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
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
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
                    message: e.to_string(),
                })
            }
        }
    }
}

/// `25 novembre 2026, ore 10:42` (Italian time).
pub fn italian_datetime(unix: i64) -> String {
    let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(unix) {
        Ok(ts) => {
            let z = ts.to_zoned(rome);
            let date = ambito::date::Date::parse(&format!(
                "{:04}-{:02}-{:02}",
                z.year(),
                z.month(),
                z.day()
            ))
            .map(|d| d.italian())
            .unwrap_or_default();
            format!("{date}, ore {:02}:{:02}", z.hour(), z.minute())
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

/// The files of a submission, one per line: name, size, SHA-256.
fn files_text(s: &Stored) -> String {
    let mut out = String::new();
    if s.files.is_empty() {
        return out;
    }
    out.push_str("\nFile allegati:\n");
    for f in &s.files {
        let _ = writeln!(
            out,
            "- {} ({}), SHA-256: {}",
            one_line(&f.name),
            size_it(f.size),
            f.sha256
        );
    }
    out
}

fn files_html(s: &Stored) -> String {
    if s.files.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>File allegati</h2>\n<ul>\n");
    for f in &s.files {
        let _ = writeln!(
            out,
            "<li>{} ({}), SHA-256: <code>{}</code></li>",
            escape(&f.name),
            size_it(f.size),
            f.sha256
        );
    }
    out.push_str("</ul>\n");
    out
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
pub fn district_message(cfg: &Config, s: &Stored) -> Result<Message, String> {
    let subject = one_line(&format!("[{}] {}: {}", s.protocol, s.form_title, who(s)));
    let when = italian_datetime(s.received_at);
    let total: u64 = s.files.iter().map(|f| f.size).sum();
    let attach = !s.files.is_empty() && total <= cfg.attachments_max_bytes;
    let note = if s.files.is_empty() || attach {
        String::new()
    } else {
        format!(
            "I file ({} in tutto) superano il limite di {} per email e non sono allegati. Per scaricarli, sul server del servizio dei moduli: ambito-forms attachments {} --output CARTELLA",
            size_it(total),
            size_it(cfg.attachments_max_bytes),
            s.protocol
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
        return builder
            .multipart(alternative(plain, html))
            .map_err(|e| e.to_string());
    }
    let mut mixed = MultiPart::mixed().multipart(alternative(plain, html));
    let root = cfg.files_dir();
    for f in &s.files {
        let path = root.join(&f.path);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("cannot read the uploaded file {}: {e}", path.display()))?;
        let kind = ContentType::parse(mime(f.kind)).map_err(|e| e.to_string())?;
        mixed = mixed.singlepart(Attachment::new(one_line(&f.name)).body(bytes, kind));
    }
    builder.multipart(mixed).map_err(|e| e.to_string())
}

/// Longest answer copied into a receipt. The receipt goes to an address
/// nobody verified, from the district's own address: long free text would
/// let anyone use it to send their own words to a stranger.
pub const RECEIPT_ANSWER_LIMIT: usize = 80;

/// The answers as the receipt shows them: long or multi-line texts are
/// replaced by how many characters were received.
fn receipt_answers(s: &Stored) -> Stored {
    let mut copy = s.clone();
    for f in &mut copy.files {
        if f.name.chars().count() > RECEIPT_ANSWER_LIMIT {
            f.name = f
                .name
                .chars()
                .take(RECEIPT_ANSWER_LIMIT)
                .collect::<String>()
                + "…";
        }
    }
    for a in &mut copy.answers {
        let chars = a.display.chars().count();
        if chars > RECEIPT_ANSWER_LIMIT || a.display.contains('\n') {
            a.display =
                format!("(testo di {chars} caratteri ricevuto; non è riportato in questa email)");
        }
    }
    copy
}

/// The receipt to the sender: the receipt number, the date and a summary
/// of the answers (the short ones copied, the others by length). `None` when the submission has no sender address.
pub fn receipt_message(cfg: &Config, s: &Stored) -> Option<Result<Message, String>> {
    let to = s.sender.as_deref()?.parse::<Mailbox>().ok()?;
    let subject = one_line(&format!("Ricevuta {}: {}", s.protocol, s.form_title));
    let when = italian_datetime(s.received_at);
    let shown = receipt_answers(s);
    let plain = format!(
        "Abbiamo ricevuto la tua richiesta «{}».\n\nNumero di ricevuta: {}\nRicevuta il: {when}\n\nConserva questo messaggio: il numero di ricevuta identifica la tua richiesta.\nPer qualsiasi domanda rispondi a questa email.\n\nEcco un riepilogo dei dati inviati:\n\n{}{}",
        s.form_title,
        s.protocol,
        answers_text(&shown),
        files_text(&shown)
    );
    let html = html_page(
        &subject,
        &format!(
            "<p>Abbiamo ricevuto la tua richiesta «{}».</p>\n<p>Numero di ricevuta: <strong>{}</strong><br>Ricevuta il: {}</p>\n<p>Conserva questo messaggio: il numero di ricevuta identifica la tua richiesta. Per qualsiasi domanda rispondi a questa email.</p>\n<h2>Riepilogo dei dati inviati</h2>\n{}{}",
            escape(&s.form_title),
            escape(s.protocol.as_str()),
            escape(&when),
            answers_html(&shown),
            files_html(&shown)
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
            .map_err(|e| e.to_string()),
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

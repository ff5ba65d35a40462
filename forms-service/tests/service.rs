//! The forms service end to end: the real binary, a real SMTP server over
//! TCP, a real SQLite file.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use mail_parser::{MessageParser, MimeHeaders};

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    MessageParser::default()
        .parse(raw)
        .expect("a parsable message")
}

fn addresses(m: &mail_parser::Message<'_>, which: &str) -> Vec<String> {
    let list = match which {
        "to" => m.to(),
        "from" => m.from(),
        "reply-to" => m.reply_to(),
        _ => None,
    };
    list.map(|a| {
        a.iter()
            .filter_map(|x| x.address().map(str::to_string))
            .collect()
    })
    .unwrap_or_default()
}

#[test]
fn a_submission_is_stored_then_emailed_with_a_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_SITE_ORIGIN", "https://sito.example.org")],
    );

    let r = service.post_form(&valid_form("Associazione Esempio"));
    assert_eq!(r.status, 303, "{r:?}");
    let location = r.header("location").unwrap();
    // The address carries an unguessable token, never the number.
    let token = location
        .strip_prefix("/forms/manifestazione-di-interesse/ricevuta/")
        .unwrap_or_else(|| panic!("{location}"));
    assert_eq!(token.len(), 32, "{location}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{location}");
    assert!(!location.contains("MI-"), "{location}");
    let protocol = service.receipt_of(&r);
    assert_eq!(protocol.len(), "MI-2026-000001".len());
    assert!(protocol.ends_with("-000001"));
    // The confirmation page: the site's own look, the protocol and the
    // date, and no personal data.
    let page = service.request("GET", location, &[], b"");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("Numero di ricevuta: <strong>{protocol}</strong>")),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "<title>Richiesta inviata – PON Inclusione – Zona Distretto Valle del Serchio</title>"
    ));
    assert!(page
        .body
        .contains("<link rel=\"stylesheet\" href=\"https://sito.example.org/css/serchio."));
    assert!(page
        .body
        .contains("Progetti cofinanziati dall’Unione europea"));
    assert!(page.body.contains(
        "<p>La manifestazione di interesse è letta dall’ufficio della Zona Distretto Valle del Serchio."
    ));
    assert!(!page.body.contains("Associazione Esempio") && !page.body.contains("segreteria@"));
    for unknown in [
        "/forms/manifestazione-di-interesse/ricevuta/00000000000000000000000000000000",
        "/forms/manifestazione-di-interesse/ricevuta?numero=MI-2026-000001",
        "/forms/manifestazione-di-interesse/ricevuta/MI-2026-000001",
    ] {
        let r = service.request("GET", unknown, &[], b"");
        assert_eq!(r.status, 404, "{unknown}");
        assert!(!r.body.contains("MI-2026-000001"), "{unknown}");
    }

    let mails = wait_for_mail(&smtp.maildir, 2);
    assert_eq!(mails.len(), 2, "exactly two messages");
    let msgs: Vec<_> = mails.iter().map(|m| parse(m)).collect();
    let district = msgs
        .iter()
        .find(|m| addresses(m, "to") == ["zona@zona.example.org"])
        .expect("district email");
    let receipt = msgs
        .iter()
        .find(|m| addresses(m, "to") == ["segreteria@esempio.it"])
        .expect("receipt");

    // The district's email: protocol in the subject, replies to the sender,
    // a stable Message-ID, a plain and an HTML part with every answer.
    assert_eq!(
        district.subject().unwrap(),
        format!("[{protocol}] Manifestazione di interesse per future coprogettazioni: Associazione Esempio")
    );
    assert_eq!(addresses(district, "from"), ["moduli@zona.example.org"]);
    assert_eq!(addresses(district, "reply-to"), ["segreteria@esempio.it"]);
    assert_eq!(
        district.message_id().unwrap(),
        format!("{protocol}.zona@zona.example.org")
    );
    assert_eq!(district.text_body_count(), 1);
    assert_eq!(district.html_body_count(), 1);
    let text = district.body_text(0).unwrap();
    assert!(
        text.contains(&format!("Numero di ricevuta: {protocol}")),
        "{text}"
    );
    for line in [
        "Denominazione dell’organizzazione: Associazione Esempio",
        "Forma giuridica: Associazione di promozione sociale (APS)",
        "Codice fiscale dell’organizzazione: 12345678903",
        "Telefono: +39 0583 123456",
        "Comuni in cui opera l’organizzazione: Barga, Gallicano",
        "Linee di intervento che vuole coprogettare: Socializzazione e doposcuola per i ragazzi",
        "    Doposcuola <b>da dieci anni</b>\n    nella valle.",
        "Ho letto l’informativa sul trattamento dei dati personali: sì",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // Labels appear in the definition's order.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(
        pos("Denominazione") < pos("Forma giuridica")
            && pos("Forma giuridica") < pos("Comuni in cui")
            && pos("Comuni in cui") < pos("Esperienza")
    );
    let html = district.body_html(0).unwrap();
    assert!(html.contains("<th scope=\"row\""), "{html}");
    assert!(
        html.contains("Doposcuola &lt;b&gt;da dieci anni&lt;/b&gt;<br>nella valle."),
        "typed markup is escaped"
    );
    assert!(district.parts.iter().any(|p| p
        .content_type()
        .is_some_and(|c| c.ctype() == "multipart" && c.subtype() == Some("alternative"))));

    // The receipt: to the sender, with the protocol and the organisation's
    // name, and none of the other answers.
    assert_eq!(
        receipt.subject().unwrap(),
        format!("Ricevuta {protocol}: Manifestazione di interesse per future coprogettazioni")
    );
    assert_eq!(addresses(receipt, "reply-to"), ["zona@zona.example.org"]);
    assert_eq!(
        receipt.message_id().unwrap(),
        format!("{protocol}.ricevuta@zona.example.org")
    );
    let rtext = receipt.body_text(0).unwrap();
    assert!(rtext.contains(&format!("Numero di ricevuta: {protocol}")));
    assert!(rtext.contains("Ente: Associazione Esempio"), "{rtext}");
    // What happens next, in the form's own words (as on the form page).
    let next = "Che cosa succede ora: La manifestazione di interesse è letta dall’ufficio della Zona Distretto Valle del Serchio. Non c’è una graduatoria e non è dovuta una risposta";
    assert!(rtext.contains(next), "{rtext}");
    assert!(!rtext.contains("Luca Verdi"), "{rtext}");
    assert!(receipt.body_html(0).unwrap().contains(&protocol));

    // The CLI sees it delivered; the CSV export has it, Excel-ready.
    let list = service.cli(&["list", "--status", "sent"]);
    assert!(
        String::from_utf8_lossy(&list.stdout).contains(&protocol),
        "{list:?}"
    );
    let csv = service.cli(&["export", "--csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("Numero di ricevuta;Ricevuta il;Modulo;Stato;Tentativi;Ultimo errore;Denominazione dell’organizzazione;"));
    assert!(csv.contains(&format!("{protocol};")));
    assert!(csv.contains(";sent;0;;Associazione Esempio;"));
    assert!(
        csv.contains("\"Doposcuola <b>da dieci anni</b>\nnella valle.\""),
        "multi-line answers are quoted"
    );
    // Nothing else is logged as a problem; raw addresses are not stored.
    let db = std::fs::read(dir.path().join("forms.sqlite3")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains("127.0.0.1"));
}

#[test]
fn submissions_accepted_while_smtp_is_down_are_delivered_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens there yet: a reserved port refuses connections.
    let smtp_port = reserve_port();
    let service = Service::start(dir.path(), smtp_port.port, &[]);
    let mut protocols = Vec::new();
    for i in 0..3 {
        let r = service.request(
            "POST",
            "/forms/manifestazione-di-interesse",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            valid_form(&format!("Ente {i}")).as_bytes(),
        );
        assert_eq!(r.status, 201, "{r:?}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        // The page shows the receipt number and when it was received.
        assert_eq!(v["receipt"], v["protocol"], "{v}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let at = v["received_at"].as_i64().unwrap_or_default();
        assert!((now - at).abs() < 120, "{v}");
        protocols.push(v["protocol"].as_str().unwrap().to_string());
    }
    std::thread::sleep(std::time::Duration::from_millis(800));
    let pending = String::from_utf8(service.cli(&["list", "--status", "pending"]).stdout).unwrap();
    for p in &protocols {
        assert!(
            pending.contains(p.as_str()),
            "{p} pending while SMTP is down:\n{pending}"
        );
    }
    assert!(
        pending.contains("Connection refused") || pending.contains("connection"),
        "the error is recorded:\n{pending}"
    );

    let smtp = SmtpServer::start(smtp_port.release(), &dir.path().join("maildir"));
    let mails = wait_for_mail(&smtp.maildir, 6);
    assert_eq!(mails.len(), 6);
    let subjects: Vec<String> = mails
        .iter()
        .map(|m| parse(m).subject().unwrap_or("").to_string())
        .collect();
    for p in &protocols {
        assert_eq!(
            subjects.iter().filter(|s| s.contains(p.as_str())).count(),
            2,
            "{p}: {subjects:?}"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let sent = String::from_utf8(service.cli(&["list", "--status", "sent"]).stdout).unwrap();
    assert_eq!(sent.lines().count(), 3, "{sent}");
}

#[test]
fn undelivered_submissions_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let smtp_port = reserve_port();
    let mut service = Service::start(dir.path(), smtp_port.port, &[]);
    for i in 0..3 {
        assert_eq!(
            service.post_form(&valid_form(&format!("Ente {i}"))).status,
            303
        );
    }
    service.kill(); // SIGKILL, with everything undelivered
    let smtp = SmtpServer::start(smtp_port.release(), &dir.path().join("maildir"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        delivered(&smtp.maildir).is_empty(),
        "nothing is sent while the service is down"
    );
    service.restart();
    let mails = wait_for_mail(&smtp.maildir, 6);
    assert_eq!(
        mails.len(),
        6,
        "every submission delivered after the restart, once"
    );
}

#[test]
fn delivery_gives_up_after_the_configured_attempts_and_retry_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let smtp_port = reserve_port();
    let service = Service::start(
        dir.path(),
        smtp_port.port,
        &[
            ("AMBITO_FORMS_MAX_ATTEMPTS", "2"),
            ("AMBITO_FORMS_RETRY_BASE_SECONDS", "0.05"),
        ],
    );
    let r = service.post_form(&valid_form("Ente"));
    let protocol = service.receipt_of(&r);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let failed =
            String::from_utf8(service.cli(&["list", "--status", "failed"]).stdout).unwrap();
        if failed.contains(&protocol) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never marked failed");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        service.log().contains("delivery failed for good"),
        "logged at error level:\n{}",
        service.log()
    );
    let smtp = SmtpServer::start(smtp_port.release(), &dir.path().join("maildir"));
    let out = service.cli(&["retry", &protocol]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(wait_for_mail(&smtp.maildir, 2).len(), 2);
}

#[test]
fn the_honeypot_answers_like_a_success_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);
    let body = valid_form("Bot").replace("sito_web=", "sito_web=http%3A%2F%2Fspam.example");
    let r = service.post_form(&body);
    assert_eq!(r.status, 303);
    assert!(service.receipt_of(&r).starts_with("MS-"));
    // A bot sees the same confirmation a person sees.
    assert_eq!(
        service
            .request("GET", r.header("location").unwrap(), &[], b"")
            .status,
        200
    );
    // A bot sees the same confirmation a person sees.
    assert_eq!(
        service
            .request("GET", r.header("location").unwrap(), &[], b"")
            .status,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(delivered(&smtp.maildir).is_empty());
    let spam = String::from_utf8(service.cli(&["list", "--status", "spam"]).stdout).unwrap();
    assert_eq!(spam.lines().count(), 1);
}

/// A request that must be refused, and how.

#[test]
fn bad_configuration_fails_at_start_naming_the_variable() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ambito-forms"))
        .arg("serve")
        .env_clear()
        .env("AMBITO_FORMS_SMTP_HOST", "127.0.0.1")
        .env("AMBITO_FORMS_SMTP_PORT", "porta")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "AMBITO_FORMS_SMTP_PORT: expected a port number from 1 to 65535, found `porta`"
        ),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ambito-forms"))
        .arg("serve")
        .env_clear()
        .env("AMBITO_FORMS_FORMS_DIR", dir.path())
        .env("AMBITO_FORMS_DB", dir.path().join("x.sqlite3"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("AMBITO_FORMS_FORMS_DIR"),
        "{out:?}"
    );
}

//! What a public endpoint must withstand: repeated posts, spam, terminals,
//! receipts to strangers, and the operator's erasure, backup and retention
//! duties. The real binary, real SMTP (aiosmtpd) and real SQLite files
//! throughout. (Origins, proxies, rate limits and refusal pages, which need
//! no process: `contract.rs`, in process.)

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use mail_parser::MessageParser;
use std::time::Duration;

const FORM: &str = "/forms/manifestazione-di-interesse";
const URLENCODED: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn stored(service: &Service) -> Vec<String> {
    String::from_utf8(service.cli(&["list"]).stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_same_answers_get_the_first_receipt_number_and_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);

    // Back after a no-JS success, then send again.
    let first = service.post_form(&valid_form("Ente Uno"));
    assert_eq!(first.status, 303);
    let again = service.post_form(&valid_form("Ente Uno"));
    assert_eq!(again.status, 303);
    assert_eq!(first.header("location"), again.header("location"));

    // The script's JSON path, twice.
    let json = r#"{"denominazione": "Ente Due", "forma_giuridica": "aps", "codice_fiscale": "12345678903",
        "sede_legale": "Via Roma 1, Barga", "legale_rappresentante": "Anna Bianchi", "referente": "Luca Verdi",
        "email": "due@esempio.it", "telefono": "0583 123456", "comuni": ["barga"],
        "linee": ["inclusione-dei-minori"], "esperienza": "Dieci anni.", "privacy": true, "sito_web": ""}"#;
    let a = service.post_json(json);
    let b = service.post_json(json);
    assert_eq!((a.status, b.status), (201, 201), "{a:?}");
    assert_eq!(a.body, b.body);

    // A double click on a slow connection: both posts at once.
    let body = valid_form("Ente Tre");
    let port = service.port;
    let clicks: Vec<_> = (0..2)
        .map(|_| {
            let body = body.clone();
            std::thread::spawn(move || {
                request(
                    port,
                    "POST",
                    FORM,
                    &[URLENCODED, ("Origin", SITE_ORIGIN)],
                    body.as_bytes(),
                )
            })
        })
        .collect();
    let answers: Vec<Response> = clicks.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(answers.iter().all(|r| r.status == 303), "{answers:?}");
    assert_eq!(answers[0].header("location"), answers[1].header("location"));

    // Three submissions stored; two emails each, and no more.
    assert_eq!(stored(&service).len(), 3, "{:?}", stored(&service));
    let mail = wait_for_mail(&smtp.maildir, 6);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(delivered(&smtp.maildir).len(), 6, "{}", mail.len());
}

#[test]
fn spam_is_trimmed_to_the_form_and_terminals_get_no_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);
    // A 64 KiB spam post: thousands of keys, a header formula, escapes.
    let mut fields: Vec<(String, String)> = vec![
        ("sito_web".into(), "http://spam.example".into()),
        (
            "denominazione".into(),
            "\u{1b}]0;preso\u{7}\u{1b}[2J".to_string() + &"x".repeat(500),
        ),
        ("=HYPERLINK(\"http://x\")".into(), "1".into()),
    ];
    let mut i = 0;
    loop {
        let f = (format!("k{i}"), "v".to_string());
        let len: usize = fields.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
        if len + 16 > 60 * 1024 {
            break;
        }
        fields.push(f);
        i += 1;
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = service.post_form(&encode(&pairs));
    assert_eq!(r.status, 303, "{r:?}");

    let list = service.cli(&["list"]);
    let out = String::from_utf8(list.stdout).unwrap();
    assert!(out.contains("MS-"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let started = std::time::Instant::now();
    let csv = service.cli(&["export", "--csv"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    let csv = String::from_utf8(csv.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        !header.contains("HYPERLINK"),
        "only the form's fields: {header}"
    );
    assert!(!header.contains("k1;"), "{header}");
    assert!(!csv.contains('\u{1b}'));
    // The name kept is cut to the field's limit (200 characters).
    let row = csv.lines().nth(1).unwrap();
    assert!(!row.contains(&"x".repeat(200)), "{row}");
}

#[test]
fn receipts_are_capped_per_address_and_relay_nothing_the_sender_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_RECEIPTS_PER_DAY", "2")],
    );
    let long = "Un testo lungo scritto da chiunque. ".repeat(20);
    for i in 0..3 {
        let body = valid_form(&format!("Ente {i}")).replace(
            "esperienza=Doposcuola",
            &format!("esperienza={}", long.replace(' ', "+")),
        );
        assert_eq!(service.post_form(&body).status, 303);
    }
    let all = wait_for_mail(&smtp.maildir, 5);
    std::thread::sleep(Duration::from_secs(2));
    let all = if delivered(&smtp.maildir).len() > all.len() {
        delivered(&smtp.maildir)
    } else {
        all
    };
    let parsed: Vec<_> = all
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap())
        .collect();
    let receipts: Vec<_> = parsed
        .iter()
        .filter(|m| m.subject().unwrap_or_default().starts_with("Ricevuta"))
        .collect();
    assert_eq!(
        parsed.len() - receipts.len(),
        3,
        "every submission reaches the district"
    );
    assert_eq!(receipts.len(), 2, "at most 2 receipts a day to one address");
    // Only the number, the time, the form's title and the organisation's
    // name: no answer, short or long, reaches an address nobody verified.
    for receipt in &receipts {
        let text = receipt.body_text(0).unwrap();
        let html = receipt.body_html(0).unwrap();
        for body in [text.as_ref(), html.as_ref()] {
            assert!(!body.contains("Un testo lungo"), "{body}");
            for short in [
                "Anna Bianchi",
                "Luca Verdi",
                "Via Roma",
                "12345678903",
                "0583",
            ] {
                assert!(!body.contains(short), "{short}: {body}");
            }
            assert!(body.contains("Ente"), "{body}");
        }
        assert!(text.contains("Numero di ricevuta: MI-"), "{text}");
        assert!(text.contains("Ricevuta il: "), "{text}");
    }
}

#[test]
fn a_long_organisation_name_is_cut_in_the_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);
    let name = format!("Associazione {}", "Parola".repeat(30));
    assert_eq!(service.post_form(&valid_form(&name)).status, 303);
    let all = wait_for_mail(&smtp.maildir, 2);
    let receipt = all
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap())
        .find(|m| m.subject().unwrap_or_default().starts_with("Ricevuta"))
        .unwrap();
    let text = receipt.body_text(0).unwrap();
    let shown: String = name.chars().take(80).collect();
    assert!(text.contains(&format!("Ente: {shown}…\n")), "{text}");
    assert!(!text.contains(&name), "{text}");
}

#[test]
fn receipts_to_one_address_are_capped_whatever_its_letter_case() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_RECEIPTS_PER_DAY", "2")],
    );
    for (i, address) in ["A@x.it", "a@x.it", "a@X.IT"].iter().enumerate() {
        let body = valid_form(&format!("Ente {i}"))
            .replace("segreteria%40esempio.it", &address.replace('@', "%40"));
        assert!(body.contains(&address.replace('@', "%40")), "{body}");
        let r = service.post_form(&body);
        assert_eq!(r.status, 303);
        if i == 0 {
            // The confirmation page promises what the receipt holds, no
            // more: the number, the organisation, the files; it may not come.
            let page = service.request("GET", r.header("location").unwrap(), &[], b"");
            assert_eq!(page.status, 200);
            assert!(!page.body.contains("una copia dei dati"), "{}", page.body);
            assert!(!page.body.contains("riepilogo dei dati"), "{}", page.body);
            for promise in [
                "il nome dell’ente e l’elenco dei file ricevuti",
                "non ripete le altre risposte",
                "solo poche ricevute al giorno",
                "potrebbe non arrivare",
            ] {
                assert!(page.body.contains(promise), "{promise}: {}", page.body);
            }
        }
        // One at a time: each receipt is counted before the next is sent.
        wait_for_mail(&smtp.maildir, (2 * i + 2).min(5));
    }
    std::thread::sleep(Duration::from_secs(2));
    let raw = delivered(&smtp.maildir);
    let parsed: Vec<_> = raw
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap())
        .collect();
    let receipts = parsed
        .iter()
        .filter(|m| m.subject().unwrap_or_default().starts_with("Ricevuta"))
        .count();
    assert_eq!(
        parsed.len() - receipts,
        3,
        "every submission reaches the district"
    );
    assert_eq!(receipts, 2, "A@x.it, a@x.it and a@X.IT are one address");
}

#[test]
fn nothing_derived_from_the_clients_address_is_stored() {
    // The database is read directly, right after the posts and while the
    // service runs: no CLI command (which opens the database and blanks
    // what earlier versions kept) runs before the check.
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_TRUSTED_PROXIES", "127.0.0.0/8")],
    );
    let client = "203.0.113.77";
    for name in ["Primo", "Secondo"] {
        let r = service.request(
            "POST",
            FORM,
            &[URLENCODED, ("X-Forwarded-For", client)],
            valid_form(name).as_bytes(),
        );
        assert_eq!(r.status, 303, "{r:?}");
    }
    let conn = rusqlite::Connection::open(dir.path().join("forms.sqlite3")).unwrap();
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
    let hashes: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM submissions WHERE ip_hash <> ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let keys: i64 = conn
        .query_row("SELECT COUNT(*) FROM meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!((hashes, keys), (0, 0), "no hash of the address, no key");
    // Nor the address itself, anywhere in the files.
    for file in ["forms.sqlite3", "forms.sqlite3-wal"] {
        let raw = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&raw).contains(client),
            "{file} holds the client's address"
        );
    }
    drop(service);
}

#[test]
fn erase_backup_purge_and_retention_remove_the_data_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("mail");
    let mail_dir = mail.display().to_string();
    // No SMTP: mail goes to .eml files, named after the receipt number.
    let mut service = Service::start(
        dir.path(),
        0,
        &[
            ("AMBITO_FORMS_SMTP_HOST", ""),
            ("AMBITO_FORMS_MAIL_DIR", &mail_dir),
        ],
    );
    let p1 = service.post_form(&valid_form("Primo"));
    let p2 = service.post_form(&valid_form("Secondo"));
    assert_eq!((p1.status, p2.status), (303, 303));
    let number = |r: &Response| service.receipt_of(r);
    let (n1, n2) = (number(&p1), number(&p2));
    eventually(30, "four .eml files", || files_in(&mail).len() == 4);

    // A consistent copy while the service runs.
    let copy = dir.path().join("copia.sqlite3");
    let out = service.cli(&["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);

    // Erasure of one submission: database and mail files.
    let out = service.cli(&["erase", &n1]);
    assert!(out.status.success(), "{out:?}");
    let left = stored(&service);
    assert_eq!(left.len(), 1);
    assert!(left[0].starts_with(&n2));
    let names: Vec<String> = files_in(&mail)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.starts_with(&n2)), "{names:?}");
    for file in ["forms.sqlite3", "forms.sqlite3-wal"] {
        let raw = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&raw).contains("Primo"),
            "{file} keeps nothing"
        );
    }
    assert!(!service.cli(&["erase", &n1]).status.success());

    // Purge removes the .eml files too.
    std::thread::sleep(Duration::from_millis(1100));
    let out = service.cli(&["purge", "--older-than", "0"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stored(&service).is_empty());
    assert!(files_in(&mail).is_empty(), "{:?}", files_in(&mail));

    // Retention: at start, and daily after, submissions older than the
    // retention period go.
    service.kill();
    let conn = rusqlite::Connection::open(dir.path().join("forms.sqlite3")).unwrap();
    let received = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 800 * 86_400;
    conn.execute(
        "INSERT INTO submissions (protocol, prefix, year, seq, form_id, form_title, received_at, answers, status, next_attempt_at)
         VALUES ('MI-2024-000777', 'MI', 2024, 777, 'manifestazione-di-interesse', 'Modulo', ?1, '[]', 'sent', 0)",
        [received],
    )
    .unwrap();
    drop(conn);
    assert_eq!(stored(&service).len(), 1);
    service.restart();
    eventually(30, "the old submission purged", || {
        stored(&service).is_empty()
    });
}

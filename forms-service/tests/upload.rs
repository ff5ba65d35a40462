//! Files sent with a submission: a fixture form with a required "domanda
//! firmata" file field, the real binary, a real SQLite file. Files are
//! checked by content, stored 0600 with their SHA-256 in the same
//! transaction as the submission; a refused post leaves nothing on disk;
//! files a crash left without a row are removed at start.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const PAGE: &str = "content/partecipa/manifestazione-di-interesse/_index.md";
const BOUNDARY: &str = MULTIPART_BOUNDARY;

/// The shipped site plus a form `con-allegati` that asks for a signed
/// request (PDF or P7M, at most 1 MB), built into `dir/public`.
fn build(dir: &Path) -> PathBuf {
    build_with(dir, 1)
}

/// The same, with files up to `max_mb` MB.
fn build_with(dir: &Path, max_mb: u32) -> PathBuf {
    let site = dir.join("site");
    copy_site(&site);
    let schema = "      form: { type: form, required: true }\n";
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml.replacen(
        schema,
        &format!("{schema}  partecipa/con-allegati:\n    section_template: modulo.html\n    fields: {{}}\n    section_fields:\n{schema}"),
        1,
    );
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    let text = without_shipped_file_field(&std::fs::read_to_string(site.join(PAGE)).unwrap());
    let text = text
        .replacen(
            "    id: manifestazione-di-interesse\n",
            "    id: con-allegati\n",
            1,
        )
        .replacen(
            "      - name: privacy\n",
            "      - { name: domanda, label: Domanda firmata, type: file, required: true, accept: [pdf, p7m], max_size_mb: MAX, multiple: true }\n      - name: privacy\n".replace("MAX", &max_mb.to_string()).as_str(),
            1,
        );
    let d = site.join("content/partecipa/con-allegati");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("_index.md"), text).unwrap();
    let out = dir.join("public");
    let mut opts = ambito::BuildOptions::new(&site);
    opts.output = Some(out.clone());
    opts.base_url = Some(format!("{SITE_ORIGIN}/"));
    ambito::build(&opts).expect("the site with a file field builds");
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn png() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec()
}

/// A multipart body: the valid text answers, then `files` as
/// (file name, content) in the `domanda` field.
fn multipart(files: &[(&str, &[u8])]) -> Vec<u8> {
    common::multipart(&valid_form("Associazione Esempio"), "domanda", files)
}

fn post(service: &Service, body: &[u8]) -> Response {
    service.post_multipart("/forms/con-allegati", body)
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn folders(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, Iterator::count)
}

#[test]
fn files_are_checked_by_content_and_stored_with_their_hash() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let page = std::fs::read_to_string(out.join("partecipa/con-allegati/index.html")).unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let forms = out.display().to_string();
    let mut service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_FORMS_DIR", forms.as_str())],
    );
    let db = dir.path().join("forms.sqlite3");
    let files_dir = dir.path().join("files");

    // A PDF and a signed PDF.
    let signed = p7m(&pdf());
    let r = post(
        &service,
        &multipart(&[("domanda.pdf", &pdf()), ("domanda.pdf.p7m", &signed)]),
    );
    assert_eq!(r.status, 303, "{r:?}");
    let protocol = service.receipt_of(&r);
    assert_eq!(count(&db, "submissions"), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, size, sha256, path FROM files ORDER BY id")
        .unwrap();
    let rows: Vec<(String, i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    for ((name, size, sha, path), content) in rows.iter().zip([pdf(), signed.clone()]) {
        let on_disk = files_dir.join(path);
        assert_eq!(std::fs::read(&on_disk).unwrap(), content, "{name}");
        assert_eq!(*size, content.len() as i64);
        let expected: String = Sha256::digest(&content)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha, &expected);
        let mode = std::fs::metadata(&on_disk).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    assert_eq!(rows[1].0, "domanda.pdf.p7m");
    assert_eq!(folders(&files_dir), 1);

    // The same post again (Back, then send): the first number, and this
    // post's copies of the files are not kept.
    let again = post(
        &service,
        &multipart(&[("domanda.pdf", &pdf()), ("domanda.pdf.p7m", &signed)]),
    );
    assert_eq!(again.status, 303);
    assert_eq!(again.header("location"), r.header("location"));
    assert_eq!(count(&db, "submissions"), 1);
    assert_eq!(folders(&files_dir), 1, "a repeated post leaves no copy");

    // A PNG renamed to .pdf, an empty file, a file over 1 MB: each a
    // precise message next to the field, nothing stored, nothing on disk.
    let r = post(&service, &multipart(&[("domanda.pdf", &png())]));
    assert_eq!(r.status, 422, "{r:?}");
    assert!(
        r.body.contains("«Domanda firmata»: il file «domanda.pdf» è un’immagine PNG, ma qui si accettano solo file PDF, P7M."),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"campo-domanda-errore\""));
    let r = post(&service, &multipart(&[("vuoto.pdf", b"")]));
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("«Domanda firmata»: il file «vuoto.pdf» è vuoto."));
    let mut big = pdf();
    big.resize(1024 * 1024 + 1, b' ');
    let r = post(&service, &multipart(&[("grande.pdf", &big)]));
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("«Domanda firmata»: il file «grande.pdf» è troppo grande: al massimo 1 MB."));
    // A signature around something that is not a document.
    let r = post(
        &service,
        &multipart(&[("firmato.p7m", &p7m(b"not a document at all"))]),
    );
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("il contenuto del file «firmato.p7m» non è un file PDF, P7M valido"));
    // No file at all for a required field.
    let r = post(&service, &multipart(&[]));
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("Allega il file richiesto in «Domanda firmata»."));
    // The whole body over the form's limit (4 × 1 MB + 1 MB): 413.
    let many: Vec<(&str, &[u8])> = (0..6)
        .map(|_| ("parte.pdf", &big[..1024 * 1024 - 10]))
        .collect();
    let r = post(&service, &multipart(&many));
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(count(&db, "submissions"), 1);
    assert_eq!(count(&db, "files"), 2);
    assert_eq!(folders(&files_dir), 1, "refused posts leave no files");

    // A crash between writing files and committing their row: the
    // folder no row names is removed at start, never counted.
    let orphan = files_dir.join("00000000deadbeef");
    std::fs::create_dir(&orphan).unwrap();
    std::fs::write(orphan.join("0"), pdf()).unwrap();
    service.kill();
    service.restart();
    assert!(!orphan.exists(), "the orphan is removed at start");
    assert_eq!(folders(&files_dir), 1);
    assert_eq!(count(&db, "files"), 2);

    // Erasing the submission (GDPR art. 17) deletes its files too.
    let erased = service.cli(&["erase", &protocol]);
    assert!(erased.status.success(), "{erased:?}");
    assert_eq!(count(&db, "files"), 0);
    assert_eq!(folders(&files_dir), 0, "erase removes the uploaded files");
}

/// The district's email and the receipt, through a real SMTP server.
fn emails(maildir: &Path) -> (Vec<u8>, Vec<u8>) {
    let mails = wait_for_mail(maildir, 2);
    let subject = |m: &Vec<u8>| {
        mail_parser::MessageParser::default()
            .parse(m)
            .and_then(|p| p.subject().map(str::to_string))
            .unwrap_or_default()
    };
    let district = mails
        .iter()
        .find(|m| subject(m).starts_with('['))
        .unwrap()
        .clone();
    let receipt = mails.iter().find(|m| **m != district).unwrap().clone();
    (district, receipt)
}

#[test]
fn the_district_email_carries_the_files_and_the_receipt_their_hashes() {
    use mail_parser::{MessageParser, MimeHeaders};
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let maildir = dir.path().join("maildir");
    let smtp = SmtpServer::start_free(&maildir);
    let forms = out.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_FORMS_DIR", forms.as_str())],
    );
    let signed = p7m(&pdf());
    let r = post(
        &service,
        &multipart(&[("domanda.pdf", &pdf()), ("domanda.pdf.p7m", &signed)]),
    );
    assert_eq!(r.status, 303, "{r:?}");
    let location = r.header("location").unwrap().to_string();
    let protocol = service.receipt_of(&r);

    // The confirmation page: sizes and SHA-256, no names.
    let page = service.request("GET", &location, &[], b"");
    assert!(page
        .body
        .contains(&format!("SHA-256: <code>{}</code>", sha256(&pdf()))));
    assert!(page
        .body
        .contains(&format!("SHA-256: <code>{}</code>", sha256(&signed))));
    assert!(!page.body.contains("domanda.pdf"));

    let (district, receipt) = emails(&maildir);
    let district = MessageParser::default().parse(&district).unwrap();
    let attachments: Vec<(String, Vec<u8>, String)> = district
        .attachments()
        .map(|a| {
            (
                a.attachment_name().unwrap_or_default().to_string(),
                a.contents().to_vec(),
                a.content_type()
                    .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(attachments.len(), 2);
    // Named by their detected type, not as the sender named them.
    assert_eq!(attachments[0].0, "allegato-1.pdf");
    assert_eq!(attachments[0].1, pdf(), "the PDF byte for byte");
    assert_eq!(attachments[0].2, "application/pdf");
    assert_eq!(attachments[1].0, "allegato-2.p7m");
    assert_eq!(attachments[1].1, signed, "the P7M byte for byte");
    assert_eq!(attachments[1].2, "application/pkcs7-mime");
    let text = district.body_text(0).unwrap();
    assert!(
        text.contains(&format!(
            "- allegato-1.pdf (un PDF, {} byte), SHA-256: {}; nome dato dal mittente: «domanda.pdf»",
            pdf().len(),
            sha256(&pdf())
        )),
        "{text}"
    );

    // The receipt lists type, size and SHA-256, no name, and attaches nothing.
    let receipt = MessageParser::default().parse(&receipt).unwrap();
    assert_eq!(receipt.attachments().count(), 0);
    let text = receipt.body_text(0).unwrap();
    assert!(
        text.contains(&format!(
            "- un file firmato digitalmente (.p7m), {} byte, SHA-256: {}",
            signed.len(),
            sha256(&signed)
        )),
        "{text}"
    );
    assert!(!text.contains("domanda.pdf"), "{text}");

    // The files out again, checked, with the command the email names.
    let target = dir.path().join("scaricati");
    let got = service.cli(&[
        "attachments",
        &protocol,
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(got.status.success(), "{got:?}");
    assert_eq!(std::fs::read(target.join("allegato-1.pdf")).unwrap(), pdf());
    assert_eq!(
        std::fs::read(target.join("allegato-2.p7m")).unwrap(),
        signed
    );

    // The export lists names and hashes.
    let csv = service.cli(&["export", "--csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.contains("File allegati (nome, SHA-256)"));
    assert!(csv.contains(&format!("domanda.pdf (SHA-256 {})", sha256(&pdf()))));
}

#[test]
fn over_the_attachment_limit_the_email_says_how_to_fetch_the_files() {
    use mail_parser::MessageParser;
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let maildir = dir.path().join("maildir");
    let smtp = SmtpServer::start_free(&maildir);
    let forms = out.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[
            ("AMBITO_FORMS_FORMS_DIR", forms.as_str()),
            ("AMBITO_FORMS_ATTACHMENTS_MAX_MB", "0"),
        ],
    );
    let r = post(&service, &multipart(&[("domanda.pdf", &pdf())]));
    assert_eq!(r.status, 303, "{r:?}");
    let protocol = service.receipt_of(&r);
    let (district, _) = emails(&maildir);
    let district = MessageParser::default().parse(&district).unwrap();
    assert_eq!(district.attachments().count(), 0);
    let text = district.body_text(0).unwrap();
    assert!(
        text.contains(&format!(
            "ambito-forms attachments {protocol} --output CARTELLA"
        )),
        "{text}"
    );
    assert!(text.contains(&sha256(&pdf())));
}

/// The service's peak resident memory so far (VmHWM), in kB.
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// Figures: the time to accept a 10 MB upload (median of 5) and the
/// service's peak RSS while five are uploaded at once. The body is
/// streamed to disk: five 10 MB uploads at once must not add 50 MB.
#[test]
fn ten_megabyte_uploads_stream_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let out = build_with(dir.path(), 10);
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let forms = out.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[
            ("AMBITO_FORMS_FORMS_DIR", forms.as_str()),
            ("AMBITO_FORMS_DUPLICATE_WINDOW_MINUTES", "0"),
            ("AMBITO_FORMS_REQUEST_TIMEOUT_SECONDS", "120"),
            // The figures are about receiving; mail is not what is measured.
            ("AMBITO_FORMS_ATTACHMENTS_MAX_MB", "0"),
        ],
    );
    let mut big = pdf();
    big.resize(10 * 1024 * 1024 - 4096, b' ');
    let body = multipart(&[("grande.pdf", &big)]);
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let r = post(&service, &body);
        times.push(start.elapsed());
        assert_eq!(r.status, 303, "{}", r.body);
    }
    times.sort();
    let pid = service.pid().unwrap();
    let before = peak_rss_kb(pid);
    let port = service.port;
    let body = std::sync::Arc::new(body);
    let threads: Vec<_> = (0..5)
        .map(|_| {
            let body = std::sync::Arc::clone(&body);
            std::thread::spawn(move || {
                request(
                    port,
                    "POST",
                    "/forms/con-allegati",
                    &[
                        (
                            "Content-Type",
                            &format!("multipart/form-data; boundary={BOUNDARY}"),
                        ),
                        ("Origin", SITE_ORIGIN),
                    ],
                    &body,
                )
                .status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 303);
    }
    let after = peak_rss_kb(pid);
    println!(
        "10 MB upload accepted in {:?} (median of 5; min {:?}, max {:?}); peak RSS {} kB before, {} kB after five at once (+{} kB)",
        times[2],
        times[0],
        times[4],
        before,
        after,
        after.saturating_sub(before)
    );
    assert!(
        after.saturating_sub(before) < 25 * 1024,
        "five 10 MB uploads at once raised the peak RSS by {} kB: bodies are held in memory",
        after.saturating_sub(before)
    );
    assert_eq!(count(&dir.path().join("forms.sqlite3"), "files"), 10);
}

/// The shipped page without its own `domanda` field (the fixture's
/// replaces it).
fn without_shipped_file_field(text: &str) -> String {
    match (
        text.find("      - name: domanda\n"),
        text.find("      - name: privacy\n"),
    ) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &text[..a], &text[b..]),
        _ => text.to_string(),
    }
}

#[test]
fn a_backup_keeps_the_files_and_a_restore_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let forms = out.display().to_string();
    // No SMTP: mail goes to .eml files.
    let mail_dir = dir.path().join("mail").display().to_string();
    let mut service = Service::start(
        dir.path(),
        0,
        &[
            ("AMBITO_FORMS_FORMS_DIR", forms.as_str()),
            ("AMBITO_FORMS_SMTP_HOST", ""),
            ("AMBITO_FORMS_MAIL_DIR", mail_dir.as_str()),
        ],
    );
    let signed = p7m(&pdf());
    let r = post(
        &service,
        &multipart(&[("domanda.pdf", &pdf()), ("domanda.pdf.p7m", &signed)]),
    );
    assert_eq!(r.status, 303, "{r:?}");
    let protocol = service.receipt_of(&r);

    // While the service runs: the database and the files it names.
    let copy = dir.path().join("backup/forms-copia.sqlite3");
    let copy_files = dir.path().join("backup/files-copia");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let done = service.cli(&[
        "backup",
        copy.to_str().unwrap(),
        "--files",
        copy_files.to_str().unwrap(),
    ]);
    assert!(done.status.success(), "{done:?}");
    assert!(
        String::from_utf8_lossy(&done.stdout).contains("2 uploaded files copied"),
        "{done:?}"
    );
    let files_dir = dir.path().join("files");
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let paths: Vec<String> = conn
        .prepare("SELECT path FROM files ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    assert_eq!(paths.len(), 2);
    for path in &paths {
        let backed_up = copy_files.join(path);
        assert_eq!(
            std::fs::read(&backed_up).unwrap(),
            std::fs::read(files_dir.join(path)).unwrap(),
            "{path}"
        );
        let mode = std::fs::metadata(&backed_up).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{path}");
    }

    // Everything lost; restored as the README says.
    service.kill();
    for lost in ["forms.sqlite3", "forms.sqlite3-wal", "forms.sqlite3-shm"] {
        let _ = std::fs::remove_file(dir.path().join(lost));
    }
    std::fs::remove_dir_all(&files_dir).unwrap();
    std::fs::copy(&copy, dir.path().join("forms.sqlite3")).unwrap();
    let cp = std::process::Command::new("cp")
        .arg("-a")
        .arg(&copy_files)
        .arg(&files_dir)
        .status()
        .unwrap();
    assert!(cp.success());
    service.restart();
    // The service keeps them (they are not orphans) and they come out whole.
    assert_eq!(service.request("GET", "/healthz", &[], b"").status, 200);
    let extracted = dir.path().join("estratti");
    let got = service.cli(&[
        "attachments",
        &protocol,
        "--output",
        extracted.to_str().unwrap(),
    ]);
    assert!(got.status.success(), "{got:?}");
    assert_eq!(
        std::fs::read(extracted.join("allegato-1.pdf")).unwrap(),
        pdf()
    );
    assert_eq!(
        std::fs::read(extracted.join("allegato-2.p7m")).unwrap(),
        signed
    );

    // A stored file that no longer matches its SHA-256 stops the backup.
    std::fs::write(files_dir.join(&paths[0]), b"%PDF-1.4 altered").unwrap();
    let refused = service.cli(&[
        "backup",
        dir.path().join("altra.sqlite3").to_str().unwrap(),
        "--files",
        dir.path().join("altri-file").to_str().unwrap(),
    ]);
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("SHA-256"),
        "{refused:?}"
    );
}

/// The shipped backup unit's commands, run as systemd would run them
/// (`%%` and `$$` unescaped) with its paths moved into `state`.
fn backup_unit_commands(state: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let unit =
        std::fs::read_to_string(root.join("deploy/systemd/ambito-forms-backup.service")).unwrap();
    let commands: Vec<String> = unit
        .lines()
        .filter_map(|l| {
            l.strip_prefix("ExecStartPre=")
                .or_else(|| l.strip_prefix("ExecStart="))
                .or_else(|| l.strip_prefix("ExecStartPost="))
        })
        .map(|c| {
            c.replace("%%", "%")
                .replace("$$", "$")
                .replace(
                    "/usr/local/bin/ambito-forms",
                    env!("CARGO_BIN_EXE_ambito-forms"),
                )
                .replace("/var/lib/ambito-forms", &state.display().to_string())
        })
        .collect();
    assert!(commands.len() >= 3, "{unit}");
    commands
}

#[test]
fn the_shipped_backup_unit_copies_database_and_files_and_keeps_fourteen() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let forms = out.display().to_string();
    let mail_dir = dir.path().join("mail").display().to_string();
    let service = Service::start(
        dir.path(),
        0,
        &[
            ("AMBITO_FORMS_FORMS_DIR", forms.as_str()),
            ("AMBITO_FORMS_SMTP_HOST", ""),
            ("AMBITO_FORMS_MAIL_DIR", mail_dir.as_str()),
        ],
    );
    let r = post(&service, &multipart(&[("domanda.pdf", &pdf())]));
    assert_eq!(r.status, 303, "{r:?}");
    // Sixteen days of older copies.
    let backup = dir.path().join("backup");
    for day in 1..=16 {
        let name = format!("2020-01-{day:02}");
        std::fs::create_dir_all(backup.join(format!("files-{name}/x"))).unwrap();
        std::fs::write(backup.join(format!("forms-{name}.sqlite3")), b"old").unwrap();
    }
    let db = dir.path().join("forms.sqlite3").display().to_string();
    for command in backup_unit_commands(dir.path()) {
        let ran = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(&command)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AMBITO_FORMS_DB", &db)
            .env("AMBITO_FORMS_FORMS_DIR", &forms)
            .env("AMBITO_FORMS_MAIL_DIR", &mail_dir)
            .output()
            .unwrap();
        assert!(ran.status.success(), "{command}: {ran:?}");
    }
    let today = String::from_utf8(
        std::process::Command::new("date")
            .arg("+%F")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let today = today.trim();
    let copy = backup.join(format!("forms-{today}.sqlite3"));
    assert_eq!(count(&copy, "files"), 1);
    let path: String = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("SELECT path FROM files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        std::fs::read(backup.join(format!("files-{today}")).join(&path)).unwrap(),
        pdf()
    );
    // Today's pair and the 13 newest older ones.
    let names: Vec<String> = files_in(&backup)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let dbs = names.iter().filter(|n| n.starts_with("forms-")).count();
    let dirs = names.iter().filter(|n| n.starts_with("files-")).count();
    assert_eq!((dbs, dirs), (14, 14), "{names:?}");
    assert!(
        !names.contains(&"files-2020-01-01".to_string()),
        "{names:?}"
    );
}

/// Without JavaScript a page sent back with errors cannot keep the file
/// the sender chose: the service keeps it, the page says so, and the
/// corrected send carries it. A send whose kept file is gone is told to
/// choose it again, never stored without it.
#[test]
fn a_file_sent_with_a_typo_is_kept_for_the_corrected_send() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);
    let pdf = pdf_of_size(5000);
    let send = |text: &str, files: &[(&str, &[u8])]| {
        service.post_multipart(
            "/forms/manifestazione-di-interesse",
            &common::multipart(text, "domanda", files),
        )
    };
    let typo = valid_form("Ente Distratto").replace("12345678903", "12345678900");
    let first = send(&typo, &[("domanda firmata.pdf", &pdf)]);
    assert_eq!(first.status, 422, "{first:?}");
    assert!(
        first.body.contains(
            "File già caricato: «domanda firmata.pdf» (4,9 kB) — puoi sceglierne un altro"
        ),
        "{}",
        first.body
    );
    let token = first
        .body
        .split("name=\"_file_caricati_domanda\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 32);

    // Corrected, with no new file chosen (the browser sends an empty part).
    let fixed = format!(
        "{}&_file_caricati_domanda={token}",
        valid_form("Ente Distratto")
    );
    let second = send(&fixed, &[("", b"")]);
    assert_eq!(second.status, 303, "{second:?}");
    let number = service.receipt_of(&second);
    let out = dir.path().join("estratti");
    let got = service.cli(&["attachments", &number, "--output", out.to_str().unwrap()]);
    assert!(got.status.success(), "{got:?}");
    assert_eq!(std::fs::read(out.join("allegato-1.pdf")).unwrap(), pdf);
    // Nothing is left kept once it went with a submission.
    let files = dir.path().join("files");
    assert!(
        !files_in(&files).iter().any(|p| p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("held-"))),
        "{:?}",
        files_in(&files)
    );

    // A token whose files are gone (expired, or never there): the send is
    // sent back with the reason at the field, and nothing is stored.
    let gone = format!(
        "{}&_file_caricati_domanda=0123456789abcdef0123456789abcdef",
        valid_form("Ente Tardivo")
    );
    let third = send(&gone, &[("", b"")]);
    assert_eq!(third.status, 422, "{third:?}");
    assert!(
        third
            .body
            .contains("il file caricato prima non è più disponibile"),
        "{}",
        third.body
    );
    assert_eq!(
        String::from_utf8(service.cli(&["list"]).stdout)
            .unwrap()
            .lines()
            .count(),
        1
    );
}

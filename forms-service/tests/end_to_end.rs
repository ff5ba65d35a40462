//! The form end to end, from the Markdown that defines it to the email
//! that arrives: the generator builds the site, the service runs on the
//! built `public/` with a real SMTP server, and a browser's post is played.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use mail_parser::MessageParser;
use std::path::Path;

fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let mut opts = ambito::BuildOptions::new(root);
    opts.base_url = Some("https://sito.example.org/".into());
    ambito::build(&opts).expect("the site builds");
    out
}

fn texts(maildir: &Path, n: usize) -> Vec<String> {
    wait_for_mail(maildir, n)
        .iter()
        .map(|raw| {
            MessageParser::default()
                .parse(raw)
                .unwrap()
                .body_text(0)
                .unwrap()
                .into_owned()
        })
        .collect()
}

#[test]
fn a_browser_post_from_the_built_site_arrives_by_email() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let public = build(dir.path());
    // The form page, as a browser gets it: where it posts.
    let page =
        std::fs::read_to_string(public.join("partecipa/manifestazione-di-interesse/index.html"))
            .unwrap();
    assert!(page.contains("action=\"http://127.0.0.1:8080/forms/manifestazione-di-interesse\""));

    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let public_dir = public.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_FORMS_DIR", &public_dir)],
    );
    let r = service.post_form(&valid_form("Parrocchia di Esempio"));
    assert_eq!(r.status, 303, "{r:?}");
    let confirmation = service.request("GET", r.header("location").unwrap(), &[], b"");
    assert_eq!(confirmation.status, 200);
    assert!(confirmation.body.contains("<h1>Richiesta inviata</h1>"));
    let texts = texts(&smtp.maildir, 2);
    let district = texts
        .iter()
        .find(|t| t.starts_with("Nuova richiesta"))
        .expect("the district's email");
    assert!(district.contains("Denominazione dell’organizzazione: Parrocchia di Esempio"));
    assert!(district.contains("Comuni in cui opera l’organizzazione: Barga, Gallicano"));
}

#[test]
fn a_label_or_option_changed_in_the_markdown_changes_form_validation_and_emails() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // One edit, in the Markdown only.
    let page = dir
        .path()
        .join("content/partecipa/manifestazione-di-interesse/_index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text
        .replace("label: Telefono\n", "label: Numero di telefono\n")
        .replace(
            "{ value: fondazione, label: Fondazione }",
            "{ value: fondazione-ets, label: Fondazione del Terzo settore }",
        );
    assert_ne!(text, edited);
    std::fs::write(&page, edited).unwrap();
    let public = build(dir.path());

    // The rendered form.
    let html =
        std::fs::read_to_string(public.join("partecipa/manifestazione-di-interesse/index.html"))
            .unwrap();
    assert!(html.contains("<label for=\"campo-telefono\">Numero di telefono <span class=\"obbligatorio\">(obbligatorio)</span></label>"));
    assert!(html.contains("<option value=\"fondazione-ets\">Fondazione del Terzo settore</option>"));
    assert!(!html.contains("value=\"fondazione\""));

    // The service's validation.
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let public_dir = public.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_FORMS_DIR", &public_dir)],
    );
    let json = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/json"),
    ];
    let old = valid_form("Fondazione Esempio")
        .replace("forma_giuridica=aps", "forma_giuridica=fondazione")
        .replace("telefono=0583+123456", "telefono=");
    let r = service.request(
        "POST",
        "/forms/manifestazione-di-interesse",
        &json,
        old.as_bytes(),
    );
    assert_eq!(r.status, 422);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v["errors"]["forma_giuridica"],
        "«Forma giuridica»: scegli una delle voci proposte."
    );
    assert_eq!(
        v["errors"]["telefono"],
        "Compila il campo «Numero di telefono»."
    );

    // The emails.
    let new = valid_form("Fondazione Esempio")
        .replace("forma_giuridica=aps", "forma_giuridica=fondazione-ets");
    assert_eq!(service.post_form(&new).status, 303);
    let all = texts(&smtp.maildir, 2);
    let (district, receipt): (Vec<&String>, Vec<&String>) =
        all.iter().partition(|t| t.starts_with("Nuova richiesta"));
    assert_eq!((district.len(), receipt.len()), (1, 1), "{all:?}");
    let text = district[0];
    assert!(
        text.contains("Forma giuridica: Fondazione del Terzo settore"),
        "{text}"
    );
    assert!(
        text.contains("Numero di telefono: +39 0583 123456"),
        "{text}"
    );
    // The receipt relays no answers but the organisation's name.
    assert!(
        receipt[0].contains("Ente: Fondazione Esempio"),
        "{}",
        receipt[0]
    );
    assert!(!receipt[0].contains("0583"), "{}", receipt[0]);
}

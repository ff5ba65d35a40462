//! Calls (avvisi) with dates: the generator shows their status and hides
//! the form of a closed call; the service refuses posts before `opens`
//! (403) and after `closes` (410), storing nothing. A real site built
//! from the shipped content with fixture calls, the real binary, a real
//! SQLite file.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};

const PAGE: &str = "content/partecipa/manifestazione-di-interesse/_index.md";

/// Adds a copy of the shipped call page as `content/partecipa/{id}/`,
/// with form id `id` and the call keys `call` (YAML lines).
fn fixture_call(site: &Path, id: &str, call: &str) {
    // The shipped page's own call keys give way to the fixture's.
    let text: String = std::fs::read_to_string(site.join(PAGE))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("    rule:") && !l.starts_with("    responsible:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = text.replacen(
        "    id: manifestazione-di-interesse\n",
        &format!("    id: {id}\n{call}"),
        1,
    );
    let schema = "      form: { type: form, required: true }\n";
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml.replacen(
        schema,
        &format!("{schema}  partecipa/{id}:\n    section_template: modulo.html\n    fields: {{}}\n    section_fields:\n{schema}"),
        1,
    );
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    let dir = site.join("content/partecipa").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.md"), text).unwrap();
}

/// The shipped site with three fixture calls (closed, not yet open,
/// open), built into `dir/public`.
fn build(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_site(&site);
    let docs = "    rule: art. 55 D.Lgs. 117/2017\n    responsible: Zona Distretto Valle del Serchio\n    documents:\n      - { label: Testo dell’avviso, link: \"@/partecipa/manifestazione-di-interesse/_index.md\" }\n";
    fixture_call(
        &site,
        "avviso-chiuso",
        &format!("    opens: 2020-01-01\n    closes: 2020-01-31\n{docs}"),
    );
    fixture_call(
        &site,
        "avviso-futuro",
        &format!("    opens: 2099-03-01 09:00\n{docs}"),
    );
    fixture_call(
        &site,
        "avviso-aperto",
        &format!("    opens: 2020-01-01\n    closes: 2099-12-31\n{docs}"),
    );
    let out = dir.join("public");
    let mut opts = ambito::BuildOptions::new(&site);
    opts.output = Some(out.clone());
    opts.base_url = Some(format!("{SITE_ORIGIN}/"));
    ambito::build(&opts).expect("the site with fixture calls builds");
    out
}

fn submissions(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM submissions", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_page_shows_the_status_and_a_closed_call_has_no_form() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let page = |id: &str| {
        std::fs::read_to_string(out.join("partecipa").join(id).join("index.html")).unwrap()
    };

    let closed = page("avviso-chiuso");
    assert!(
        closed.contains("Avviso chiuso il 31 gennaio 2020: non è più possibile partecipare."),
        "{closed}"
    );
    assert!(closed.contains("il modulo non è più disponibile"));
    assert!(
        !closed.contains("<form class=\"modulo\""),
        "a closed call shows no form"
    );
    assert!(closed.contains("<dt>Riferimento normativo</dt><dd>art. 55 D.Lgs. 117/2017</dd>"));
    assert!(closed.contains("<dt>Ente responsabile</dt><dd>Zona Distretto Valle del Serchio</dd>"));
    assert!(closed.contains(&format!(
        "<dd><a href=\"{SITE_ORIGIN}/partecipa/manifestazione-di-interesse/\">Testo dell’avviso</a></dd>"
    )));

    let future = page("avviso-futuro");
    assert!(future
        .contains("Avviso non ancora aperto: si potrà partecipare dal 1º marzo 2099 alle 09:00."));
    assert!(future.contains("<form class=\"modulo\""));

    let open = page("avviso-aperto");
    assert!(
        open.contains("Avviso aperto fino al 31 dicembre 2099."),
        "{open}"
    );
    assert!(open.contains("<form class=\"modulo\""));

    // The compiled definition carries the dates, in UTC.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("partecipa/avviso-chiuso/avviso-chiuso.form.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(json["call"]["opens"], "2019-12-31T23:00:00Z");
    assert_eq!(json["call"]["closes"], "2020-01-31T22:59:59Z");
}

#[test]
fn the_service_refuses_posts_outside_the_dates_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let forms = out.display().to_string();
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_FORMS_DIR", forms.as_str())],
    );
    let post = |id: &str, content_type: &str, body: &str| {
        service.request(
            "POST",
            &format!("/forms/{id}"),
            &[("Content-Type", content_type)],
            body.as_bytes(),
        )
    };
    let form = valid_form("Associazione Esempio");
    let urlencoded = "application/x-www-form-urlencoded";

    let closed = post("avviso-chiuso", urlencoded, &form);
    assert_eq!(closed.status, 410, "{closed:?}");
    assert!(closed
        .body
        .contains("Avviso chiuso il 31 gennaio 2020: non è più possibile partecipare."));
    // In the site's shell.
    assert!(
        closed
            .body
            .contains("Zona Distretto Valle del Serchio</title>"),
        "{}",
        closed.body
    );

    let json = post(
        "avviso-chiuso",
        "application/json",
        "{\"denominazione\": \"X\"}",
    );
    assert_eq!(json.status, 410);
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(
        v["error"],
        "Avviso chiuso il 31 gennaio 2020: non è più possibile partecipare."
    );

    let future = post("avviso-futuro", urlencoded, &form);
    assert_eq!(future.status, 403, "{future:?}");
    assert!(future
        .body
        .contains("Avviso non ancora aperto: si potrà partecipare dal 1º marzo 2099 alle 09:00."));

    let db = dir.path().join("forms.sqlite3");
    assert_eq!(submissions(&db), 0, "nothing stored for refused posts");

    let open = post("avviso-aperto", urlencoded, &form);
    assert_eq!(open.status, 303, "{open:?}");
    assert_eq!(submissions(&db), 1);
}

//! The service's HTTP contract, in process: the router that `ambito-forms
//! serve` runs, built from the real site's compiled forms and a real
//! SQLite file in a temporary folder, and called with
//! `tower::ServiceExt::oneshot` (as axum's testing example does). Status
//! codes, headers, validation messages and the pages refusals are shown
//! in need no process, socket or SMTP server; durability, delivery by
//! SMTP, connections, nginx, TLS and the browser keep their real-process
//! suites (`service.rs`, `faults.rs`, `connections.rs`, …).

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ambito_forms::config::{Config, Sources};
use ambito_forms::store::{Db, Stored};
use ambito_forms::{app, http};
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use common::*;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

const FORM: &str = "/forms/manifestazione-di-interesse";
const URLENCODED: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// The `Host` every request names, as a browser would for the service
/// listening there (the origin check compares a post's `Origin` with it).
const HOST: &str = "127.0.0.1:8080";

/// The site's shell: the page has the site's skip link and header.
fn in_shell(body: &str) -> bool {
    body.contains("<a class=\"salta\" href=\"#contenuto\">Vai al contenuto</a>")
}

/// The service's router and its state, over a database in a temporary
/// folder; requests come from 127.0.0.1 (as through a local proxy).
struct InProcess {
    _dir: tempfile::TempDir,
    db: PathBuf,
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
}

impl InProcess {
    /// With the settings the real-process tests use (the real site's
    /// forms, a loose rate limit), `extra` replacing any of them.
    fn start(extra: &[(&str, &str)]) -> InProcess {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("forms.sqlite3");
        let mut env: Vec<(String, String)> = vec![
            ("AMBITO_FORMS_DB".into(), db.display().to_string()),
            (
                "AMBITO_FORMS_FORMS_DIR".into(),
                forms_dir().display().to_string(),
            ),
            (
                "AMBITO_FORMS_MAIL_DIR".into(),
                dir.path().join("mail").display().to_string(),
            ),
            ("AMBITO_FORMS_RATE_LIMIT".into(), "1000/min".into()),
        ];
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push(((*k).to_string(), (*v).to_string()));
        }
        let config = Config::from_sources(&Sources::load(None, env).unwrap()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let state = app::prepare(Arc::new(config)).unwrap();
        let router =
            http::router(&state).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        InProcess {
            _dir: dir,
            db,
            router,
            runtime,
        }
    }

    /// A request as a browser on the site sends it: a POST without an
    /// `Origin` in `headers` gets the site's.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        self.request_without_origin(method, path, &as_from_the_site(method, headers), body)
    }

    /// A request with exactly `headers` (and `Host`).
    fn request_without_origin(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", HOST);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let request = request.body(Body::from(body.to_vec())).unwrap();
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            Response {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            }
        })
    }

    /// Posts as a browser on the site does (with the site's `Origin`).
    fn post_form(&self, body: &str) -> Response {
        self.request("POST", FORM, &[URLENCODED], body.as_bytes())
    }

    /// Every stored submission, read from the database file.
    fn stored(&self) -> Vec<Stored> {
        Db::open(&self.db).unwrap().list(None).unwrap()
    }
}

struct Case<'a> {
    what: &'a str,
    path: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Vec<u8>,
    status: u16,
    text: &'a str,
}

#[test]
fn bad_input_gets_a_clear_4xx_and_is_never_stored() {
    let service = InProcess::start(&[("AMBITO_FORMS_SITE_ORIGIN", "https://sito.example.org")]);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let json = [("Content-Type", "application/json")];

    // CR/LF injection in every single-line field: 422 naming that field.
    let single_line = [
        "denominazione",
        "codice_fiscale",
        "runts",
        "sede_legale",
        "legale_rappresentante",
        "referente",
        "email",
        "pec",
        "telefono",
    ];
    for field in single_line {
        for injected in [
            "x\r\nBcc: vittima@esempio.it",
            "x\nSubject: falso",
            "x\rTo: a@b.it",
        ] {
            let body: String = valid_form("Ente")
                .split('&')
                .filter(|kv| !kv.starts_with(&format!("{field}=")))
                .collect::<Vec<_>>()
                .join("&")
                + "&"
                + &encode(&[(field, injected)]);
            let r = service.request(
                "POST",
                "/forms/manifestazione-di-interesse",
                &form,
                body.as_bytes(),
            );
            assert_eq!(r.status, 422, "{field} {injected:?}: {r:?}");
            assert!(
                r.body.contains(&format!("href=\"#campo-{field}\"")),
                "{field}: error summary links to the field"
            );
        }
    }

    // The 422 page: error summary first, messages in Italian, values kept.
    let body = valid_form("Ente <Esempio>")
        .replace("email=segreteria%40esempio.it", "email=segreteria%40");
    let r = service.post_form(&body);
    assert_eq!(r.status, 422);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r
        .body
        .contains("<title>Errore: Manifestazione di interesse"));
    assert!(
        r.body
            .contains("<a class=\"salta\" href=\"#contenuto\">Vai al contenuto</a>"),
        "the site's shell"
    );
    assert!(
        r.body
            .contains("<a href=\"https://sito.example.org/privacy/\">"),
        "privacy notice linked"
    );
    assert_eq!(r.body.matches("<h1").count(), 1);
    assert!(
        r.body.find("riepilogo-errori").unwrap() < r.body.find("<form class=\"modulo\"").unwrap()
    );
    assert!(r.body.contains("<a href=\"#campo-email\">«Email»: scrivi un indirizzo email valido, ad esempio nome@esempio.it.</a>"));
    assert!(
        r.body.contains("value=\"Ente &lt;Esempio&gt;\""),
        "typed values kept, escaped"
    );
    assert!(r.body.contains("value=\"segreteria@\""));
    assert!(r.body.contains("value=\"gallicano\" checked"));
    assert!(
        r.body
            .contains(">Doposcuola &lt;b&gt;da dieci anni&lt;/b&gt;\r\nnella valle.</textarea>"),
        "{}",
        r.body
    );

    // JSON errors: one message per field.
    let r = service.request(
        "POST",
        "/forms/manifestazione-di-interesse",
        &json,
        br#"{"denominazione": "Ente", "email": "no"}"#,
    );
    assert_eq!(r.status, 422);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v["errors"]["email"],
        "«Email»: scrivi un indirizzo email valido, ad esempio nome@esempio.it."
    );
    assert_eq!(v["errors"]["telefono"], "Compila il campo «Telefono».");

    let cases = [
        Case {
            what: "oversize body",
            path: "/forms/manifestazione-di-interesse",
            headers: form.to_vec(),
            body: format!("esperienza={}", "x".repeat(70_000)).into_bytes(),
            status: 413,
            text: "troppo lunghi",
        },
        Case {
            what: "wrong content type",
            path: "/forms/manifestazione-di-interesse",
            headers: vec![("Content-Type", "text/plain")],
            body: valid_form("Ente").into_bytes(),
            status: 415,
            text: "Formato dei dati non supportato",
        },
        Case {
            what: "no content type",
            path: "/forms/manifestazione-di-interesse",
            headers: vec![],
            body: valid_form("Ente").into_bytes(),
            status: 415,
            text: "Formato dei dati non supportato",
        },
        Case {
            what: "malformed UTF-8",
            path: "/forms/manifestazione-di-interesse",
            headers: form.to_vec(),
            body: b"denominazione=Ente\xff\xfe".to_vec(),
            status: 400,
            text: "UTF-8",
        },
        Case {
            what: "malformed UTF-8 in escapes",
            path: "/forms/manifestazione-di-interesse",
            headers: form.to_vec(),
            body: b"denominazione=%C3%28".to_vec(),
            status: 400,
            text: "UTF-8",
        },
        Case {
            what: "malformed urlencoding",
            path: "/forms/manifestazione-di-interesse",
            headers: form.to_vec(),
            body: b"denominazione=100%zz".to_vec(),
            status: 400,
            text: "non valida",
        },
        Case {
            what: "malformed JSON",
            path: "/forms/manifestazione-di-interesse",
            headers: json.to_vec(),
            body: b"{\"denominazione\": ".to_vec(),
            status: 400,
            text: "JSON",
        },
        Case {
            what: "unknown form",
            path: "/forms/non-esiste",
            headers: form.to_vec(),
            body: valid_form("Ente").into_bytes(),
            status: 404,
            text: "non esiste",
        },
        Case {
            what: "duplicate field",
            path: "/forms/manifestazione-di-interesse",
            headers: form.to_vec(),
            body: format!("{}&email=altro%40esempio.it", valid_form("Ente")).into_bytes(),
            status: 400,
            text: "più volte",
        },
        Case {
            what: "duplicate JSON key",
            path: "/forms/manifestazione-di-interesse",
            headers: json.to_vec(),
            body: br#"{"email": "a@b.it", "email": "c@d.it"}"#.to_vec(),
            status: 400,
            text: "più volte",
        },
        Case {
            what: "foreign origin",
            path: "/forms/manifestazione-di-interesse",
            headers: vec![
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", "https://altro.example.com"),
            ],
            body: valid_form("Ente").into_bytes(),
            status: 403,
            text: "solo dal sito",
        },
    ];
    for c in cases {
        let r = service.request("POST", c.path, &c.headers, &c.body);
        assert_eq!(r.status, c.status, "{}: {r:?}", c.what);
        assert!(r.body.contains(c.text), "{}: {}", c.what, r.body);
    }
    // A post from the site itself is fine.
    let r = service.request(
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://sito.example.org"),
        ],
        valid_form("Ente").as_bytes(),
    );
    assert_eq!(r.status, 303);
    // None of the bad ones was stored: exactly one submission exists.
    assert_eq!(service.stored().len(), 1);
}

#[test]
fn rate_limit_cors_health_and_definition() {
    let service = InProcess::start(&[
        ("AMBITO_FORMS_RATE_LIMIT", "2/min"),
        ("AMBITO_FORMS_SITE_ORIGIN", "https://sito.example.org"),
    ]);
    assert_eq!(service.request("GET", "/healthz", &[], b"").status, 200);
    let def = service.request("GET", "/forms/manifestazione-di-interesse", &[], b"");
    assert_eq!(def.status, 200);
    let v: serde_json::Value = serde_json::from_str(&def.body).unwrap();
    assert_eq!(v["id"], "manifestazione-di-interesse");
    assert_eq!(v["honeypot"], "sito_web");
    assert_eq!(v["fields"][1]["options"][0]["value"], "odv");
    assert_eq!(v["fields"].as_array().unwrap().len(), 15);
    assert_eq!(
        service.request("GET", "/forms/non-esiste", &[], b"").status,
        404
    );

    // CORS for the site's origin only.
    let pre = service.request(
        "OPTIONS",
        "/forms/manifestazione-di-interesse",
        &[
            ("Origin", "https://sito.example.org"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some("https://sito.example.org"),
        "{pre:?}"
    );
    let other = service.request(
        "GET",
        "/forms/manifestazione-di-interesse",
        &[("Origin", "https://altro.example.com")],
        b"",
    );
    assert_eq!(other.header("access-control-allow-origin"), None);

    // Checking answers as they are typed: same rules and messages, nothing stored.
    let check = service.request(
        "POST",
        "/forms/manifestazione-di-interesse/verifica",
        &[("Content-Type", "application/json")],
        br#"{"email": "segreteria@", "telefono": "0583 123456"}"#,
    );
    assert_eq!(check.status, 200);
    let v: serde_json::Value = serde_json::from_str(&check.body).unwrap();
    assert_eq!(
        v["errors"]["email"],
        "«Email»: scrivi un indirizzo email valido, ad esempio nome@esempio.it."
    );
    assert!(v["errors"].get("telefono").is_none());
    assert!(service.stored().is_empty(), "nothing stored");
    assert_eq!(service.post_form(&valid_form("A")).status, 303);
    assert_eq!(service.post_form(&valid_form("B")).status, 303);
    let limited = service.post_form(&valid_form("C"));
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(limited.body.contains("Riprova tra"));
}

#[test]
fn posts_from_the_services_own_pages_are_accepted_and_others_refused() {
    // No AMBITO_FORMS_SITE_ORIGIN: the site's base_url gives it.
    let service = InProcess::start(&[]);
    let own = format!("http://{HOST}");

    // A post without Origin is refused like a foreign one, in the shell.
    let r =
        service.request_without_origin("POST", FORM, &[URLENCODED], valid_form("Ente").as_bytes());
    assert_eq!(r.status, 403, "{r:?}");
    assert!(in_shell(&r.body), "{}", r.body);
    assert!(r.body.contains("solo dal sito"));
    let r = service.request(
        "POST",
        FORM,
        &[URLENCODED, ("Origin", "https://altro.example.com")],
        valid_form("Ente").as_bytes(),
    );
    assert_eq!(r.status, 403);

    // From the site: a mistake gets the form again, served by the service...
    let wrong =
        valid_form("Ente").replace("codice_fiscale=12345678903", "codice_fiscale=12345678900");
    let r = service.request(
        "POST",
        FORM,
        &[URLENCODED, ("Origin", SITE_ORIGIN)],
        wrong.as_bytes(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains(&format!("action=\"{FORM}\"")),
        "posts back to the service"
    );
    // ...and the corrected post from that page carries the service's origin.
    let r = service.request(
        "POST",
        FORM,
        &[URLENCODED, ("Origin", own.as_str())],
        valid_form("Ente").as_bytes(),
    );
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(service.stored().len(), 1);
}

#[test]
fn refusals_are_pages_of_the_site_with_security_headers() {
    let service = InProcess::start(&[("AMBITO_FORMS_RATE_LIMIT", "1/hour")]);
    let check_headers = |r: &Response| {
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{r:?}");
        assert!(csp.contains("frame-ancestors 'none'"), "{r:?}");
        // The site's stylesheet, images and fonts (the shell links them
        // absolutely to the site's origin), and nothing else from it.
        for kind in ["style-src", "img-src", "font-src"] {
            assert!(
                csp.contains(&format!("{kind} 'self' {SITE_ORIGIN};")),
                "{kind}: {csp}"
            );
        }
        // And the site's search page as a form target (the header's search box).
        assert!(
            csp.contains(&format!("form-action 'self' {SITE_ORIGIN};")),
            "{csp}"
        );
        assert_eq!(csp.matches(SITE_ORIGIN).count(), 4, "{csp}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert!(r.header("referrer-policy").is_some());
    };
    let r = service.request("GET", "/non-esiste", &[], b"");
    assert_eq!(r.status, 404);
    assert!(in_shell(&r.body), "{}", r.body);
    assert!(r.body.contains("<title>Pagina non trovata"));
    check_headers(&r);
    let r = service.request("GET", "/forms/altro-modulo", &[], b"");
    assert_eq!(r.status, 404);
    assert!(in_shell(&r.body));
    assert!(service.post_form(&valid_form("Ente")).status == 303);
    let r = service.post_form(&valid_form("Ente bis"));
    assert_eq!(r.status, 429);
    assert!(in_shell(&r.body), "{}", r.body);
    assert!(r.header("retry-after").is_some());
    check_headers(&r);
    let r = service.request("GET", FORM, &[], b"");
    assert_eq!(r.status, 200);
    check_headers(&r);
    let r = service.request("GET", "/healthz", &[], b"");
    check_headers(&r);
}

#[test]
fn behind_trusted_proxies_the_client_is_limited_not_the_proxy() {
    let post = |service: &InProcess, who: &str, name: &str| {
        service
            .request(
                "POST",
                FORM,
                &[URLENCODED, ("X-Forwarded-For", who)],
                valid_form(name).as_bytes(),
            )
            .status
    };
    // Not trusted: the header is ignored; everyone is the same peer.
    let service = InProcess::start(&[("AMBITO_FORMS_RATE_LIMIT", "2/hour")]);
    assert_eq!(post(&service, "203.0.113.1", "A"), 303);
    assert_eq!(post(&service, "203.0.113.2", "B"), 303);
    assert_eq!(post(&service, "203.0.113.3", "C"), 429);
    drop(service);

    let service = InProcess::start(&[
        ("AMBITO_FORMS_RATE_LIMIT", "2/hour"),
        ("AMBITO_FORMS_TRUSTED_PROXIES", "127.0.0.0/8, ::1"),
    ]);
    assert_eq!(post(&service, "203.0.113.1", "A"), 303);
    assert_eq!(post(&service, "203.0.113.1", "B"), 303);
    assert_eq!(post(&service, "203.0.113.1", "C"), 429);
    // A forged leftmost entry does not help: the hop our proxy saw counts.
    assert_eq!(post(&service, "198.51.100.9, 203.0.113.1", "D"), 429);
    assert_eq!(post(&service, "203.0.113.2", "E"), 303);
    // IPv6 clients per /64.
    assert_eq!(post(&service, "2001:db8:1:2::1", "F"), 303);
    assert_eq!(post(&service, "2001:db8:1:2::2", "G"), 303);
    assert_eq!(post(&service, "2001:db8:1:2::3", "H"), 429);
    // Checking answers while typing has its own, looser limit.
    for _ in 0..10 {
        let r = service.request(
            "POST",
            "/forms/manifestazione-di-interesse/verifica",
            &[
                ("Content-Type", "application/json"),
                ("X-Forwarded-For", "203.0.113.1"),
            ],
            br#"{"email": "a@b.it"}"#,
        );
        assert_eq!(r.status, 200, "{r:?}");
    }
}

#[test]
fn a_forged_forwarded_header_does_not_open_a_fresh_bucket() {
    // The test connects from loopback, a trusted proxy here, as nginx does.
    // A client's own `Forwarded` passes through a proxy that appends only to
    // X-Forwarded-For: a new `for=` on every post must not help.
    let service = InProcess::start(&[
        ("AMBITO_FORMS_RATE_LIMIT", "2/hour"),
        ("AMBITO_FORMS_TRUSTED_PROXIES", "127.0.0.0/8, ::1"),
    ]);
    let post = |i: usize, xff: Option<&str>| {
        let forged = format!("for=198.51.100.{i}");
        let mut headers = vec![URLENCODED, ("Forwarded", forged.as_str())];
        if let Some(xff) = xff {
            headers.push(("X-Forwarded-For", xff));
        }
        service
            .request(
                "POST",
                FORM,
                &headers,
                valid_form(&format!("Ente {i}")).as_bytes(),
            )
            .status
    };
    // With the proxy's X-Forwarded-For: the client it names is limited.
    let with_xff: Vec<u16> = (0..4).map(|i| post(i, Some("203.0.113.1"))).collect();
    assert_eq!(with_xff, [303, 303, 429, 429]);
    // Without it, the peer (the proxy) is the client: limited as well.
    let without: Vec<u16> = (10..14).map(|i| post(i, None)).collect();
    assert_eq!(without, [303, 303, 429, 429]);
}

#[test]
fn checks_while_typing_have_their_own_limit() {
    let service = InProcess::start(&[
        ("AMBITO_FORMS_RATE_LIMIT", "2/min"),
        ("AMBITO_FORMS_VERIFY_RATE_LIMIT", "3/min"),
    ]);
    let check = || {
        service.request(
            "POST",
            "/forms/manifestazione-di-interesse/verifica",
            &[("Content-Type", "application/json")],
            br#"{"email": "a@b.it"}"#,
        )
    };
    let checks: Vec<u16> = (0..4).map(|_| check().status).collect();
    assert_eq!(checks, [200, 200, 200, 429], "the 4th check of 3/min");
    let r = check();
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some(), "{r:?}");
    // Posts are counted apart: the checks used none of them.
    let posts: Vec<u16> = (0..3)
        .map(|i| service.post_form(&valid_form(&format!("Ente {i}"))).status)
        .collect();
    assert_eq!(posts, [303, 303, 429], "posts keep their own 2/min");
}

/// The confirmation page is found only by its token, and views are
/// limited per client like `/verifica`.
#[test]
fn receipt_pages_cannot_be_walked() {
    let service = InProcess::start(&[("AMBITO_FORMS_VERIFY_RATE_LIMIT", "5/min")]);
    let r = service.post_form(&valid_form("Ente"));
    let location = r.header("location").unwrap().to_string();
    assert!(!location.contains("MI-"), "{location}");
    for _ in 0..5 {
        assert_eq!(service.request("GET", &location, &[], b"").status, 200);
    }
    let limited = service.request("GET", &location, &[], b"");
    assert_eq!(limited.status, 429, "{limited:?}");
    assert!(limited.header("retry-after").is_some());
}

/// A database failure that waiting will not mend (here its schema broken
/// under the service) is the service's own error: 500, no `Retry-After`
/// promising it will work later, and nothing stored.
/// A full, read-only or locked database keeps its 503 with `Retry-After`
/// (`faults.rs`, with a real full disk, a real read-only file system and a
/// real lock): the writer hands the store's error over whole and the
/// handler asks `StoreError::is_unavailable`, which tells the two apart.
#[test]
fn a_broken_database_is_a_500_without_retry_after() {
    let service = InProcess::start(&[("AMBITO_FORMS_SITE_ORIGIN", SITE_ORIGIN)]);
    assert_eq!(service.post_form(&valid_form("Prima")).status, 303);
    // What numbers submissions is gone: every insert now fails with
    // "no such table", an error of the database, not of the disk.
    rusqlite::Connection::open(&service.db)
        .unwrap()
        .execute_batch("DROP TABLE counters")
        .unwrap();

    let r = service.post_form(&valid_form("Seconda"));
    assert_eq!(r.status, 500, "{r:?}");
    assert_eq!(r.header("retry-after"), None, "{r:?}");
    assert!(in_shell(&r.body), "{}", r.body);
    assert!(r.body.contains("<title>Errore del servizio"), "{}", r.body);
    assert!(r.body.contains("Non è stata salvata"), "{}", r.body);
    assert!(!r.body.contains("qualche minuto"), "{}", r.body);

    let r = service.request(
        "POST",
        FORM,
        &[("Content-Type", "application/json")],
        serde_json::json!({
            "denominazione": "Terza", "forma_giuridica": "aps",
            "codice_fiscale": "12345678903", "sede_legale": "Via Roma 1, 55051 Barga",
            "legale_rappresentante": "Anna Bianchi", "referente": "Luca Verdi",
            "email": "segreteria@esempio.it", "telefono": "0583 123456",
            "comuni": ["barga"], "linee": ["inclusione-dei-minori"],
            "esperienza": "Doposcuola.", "privacy": "on",
        })
        .to_string()
        .as_bytes(),
    );
    assert_eq!(r.status, 500, "{r:?}");
    assert_eq!(r.header("retry-after"), None);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("errore del servizio"),
        "{v}"
    );

    let names: Vec<String> = service
        .stored()
        .iter()
        .map(|s| s.answers[0].display.clone())
        .collect();
    assert_eq!(
        names,
        ["Prima"],
        "only the post before the failure is stored"
    );
}

/// The test helper the real-process suites choose ports with: a reserved
/// port cannot be taken by another program (with or without
/// `SO_REUSEADDR`, which std's listeners set) and refuses connections, as
/// a closed port does, until it is released for the program meant for it.
#[test]
fn a_reserved_port_is_held_until_released() {
    let reserved = reserve_port();
    let port = reserved.port;
    let taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap_err();
    assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse, "{taken}");
    let refused = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(
        refused.kind(),
        std::io::ErrorKind::ConnectionRefused,
        "{refused}"
    );
    assert_eq!(reserved.release(), port);
    std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
}

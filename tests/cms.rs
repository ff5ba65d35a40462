//! The web editor (`ambito serve --admin`): Decap CMS from npm, configured
//! from site.yaml, saving through ambito's local backend.
//! - The generated configuration follows site.yaml, section by section and
//!   field by field (no browser).
//! - tests/cms.js (Node, playwright-core driving Debian's Chromium) edits a
//!   copy of the real site in the editor: a news item created, a comune's
//!   population changed; then the files' diff, `ambito check` clean, and
//!   the live preview showing the new number.
//! - The same script tries saves `ambito check` would refuse: refused, in
//!   Italian, and nothing written.
//!
//! Decap and playwright-core come from scripts/test-deps (tests/node/).

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ambito::cms::config::{collection_name, decap_config, Backend};
use ambito::schema::config::SiteConfig;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn node_modules() -> PathBuf {
    let dir = manifest().join("tests/node/node_modules");
    for needed in ["playwright-core", "decap-cms/dist/decap-cms.js"] {
        assert!(
            dir.join(needed).exists(),
            "{needed} is missing from {}: run scripts/test-deps",
            dir.display()
        );
    }
    dir
}

/// A copy of the real site (what `ambito check` reads) in `tmp/site`.
fn copy_site(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_real_site(&site);
    site
}

/// `ambito serve --admin` on `root`, stopped when dropped.
struct Serve {
    child: Child,
    origin: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(root: &Path, tmp: &Path) -> Serve {
        let mut child = serve_command(tmp)
            .args(["--admin", "--port", "0", "--root"])
            .arg(root)
            .env(
                ambito::cms::DECAP_DIR_VAR,
                node_modules().join("decap-cms/dist"),
            )
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let origin = loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("ambito serve --admin says where the editor is");
            if let Some(rest) = line.strip_prefix("editor web su ") {
                break rest
                    .trim_end_matches("admin/")
                    .trim_end_matches('/')
                    .to_string();
            }
        };
        Serve { child, origin }
    }
}

/// Runs tests/cms.js in `mode` against `serve` on `root`; panics with its
/// report if it found a problem.
fn browser(mode: &str, serve: &Serve, root: &Path) {
    let started = Instant::now();
    let out = Command::new("node")
        .arg(manifest().join("tests/cms.js"))
        .args([mode, &serve.origin])
        .arg(root)
        .env("NODE_PATH", node_modules())
        .output()
        .expect("node is installed (scripts/test-deps)");
    eprintln!(
        "{}{}(browser: {:.1?})",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        started.elapsed()
    );
    assert!(
        out.status.success(),
        "tests/cms.js {mode} found problems (above)"
    );
}

/// `diff -ruN` of the original content and the edited copy's (a new
/// file shown whole).
fn diff(root: &Path) -> String {
    let out = Command::new("diff")
        .args(["-ruN"])
        .arg(manifest().join("content"))
        .arg(root.join("content"))
        .output()
        .expect("diff");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check_is_clean(root: &Path) {
    let check = ambito_it(&["check", "--root", root.to_str().unwrap()]);
    let log = stderr(&check);
    eprintln!("ambito check:\n{log}");
    assert!(check.status.success(), "{log}");
    assert!(!log.contains("errore"), "{log}");
}

#[test]
fn staff_create_a_news_item_and_edit_a_comune_in_the_editor() {
    let tmp = tempfile::tempdir().unwrap();
    let root = copy_site(tmp.path());
    let serve = Serve::start(&root, tmp.path());
    browser("edit", &serve, &root);

    let changes = diff(&root);
    eprintln!("the files the editor wrote:\n{changes}");
    let news = read(
        &root,
        "content/notizie/nuove-regole-per-i-tirocini-inclusivi.md",
    );
    for line in [
        "title: Nuove regole per i tirocini inclusivi",
        "date: 2026-11-30",
        "  progetto: av1-113",
        "  decreto_numero: 42",
        "  decreto_data: 2026-11-20",
        "Il testo della notizia, scritto nell’editor.",
    ] {
        assert!(news.lines().any(|l| l == line), "no «{line}» in:\n{news}");
    }
    // The comune: one line changed, nothing else of the file.
    assert!(
        changes.contains("-  popolazione_2011: 10125\n+  popolazione_2011: 10200\n"),
        "{changes}"
    );
    let barga_changes = changes
        .split("diff -ruN")
        .find(|part| part.contains("barga.md"))
        .unwrap();
    assert_eq!(
        barga_changes
            .lines()
            .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
            .count(),
        2,
        "{barga_changes}"
    );
    check_is_clean(&root);
}

#[test]
fn the_editor_refuses_what_ambito_check_would_refuse() {
    let tmp = tempfile::tempdir().unwrap();
    let root = copy_site(tmp.path());
    let serve = Serve::start(&root, tmp.path());
    browser("refuse", &serve, &root);
    let changes = diff(&root);
    assert!(changes.is_empty(), "the refused saves wrote:\n{changes}");
    check_is_clean(&root);
}

/// The collection of `section` in `config`.
fn collection<'a>(config: &'a Value, section: &str) -> &'a Value {
    config["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == collection_name(section))
        .unwrap_or_else(|| panic!("no collection for {section}"))
}

fn extra_field<'a>(collection: &'a Value, name: &str) -> Option<&'a Value> {
    collection["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == "extra")?["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
}

fn config_of(yaml: &str) -> Value {
    let site = SiteConfig::parse(yaml, Path::new("site.yaml")).unwrap();
    let backend = Backend::Local {
        proxy_url: "/admin/api/v1".into(),
    };
    decap_config(&site, manifest(), &backend, "http://127.0.0.1:1111/")
}

#[test]
fn the_editor_configuration_follows_site_yaml() {
    let yaml = std::fs::read_to_string(manifest().join("site.yaml")).unwrap();
    let site = SiteConfig::parse(&yaml, Path::new("site.yaml")).unwrap();
    let config = config_of(&yaml);
    assert_eq!(config["locale"], "it");
    assert_eq!(config["backend"]["name"], "proxy");
    for (section, schema) in &site.sections {
        let c = collection(&config, section);
        assert_eq!(c["folder"], format!("content/{section}"), "{section}");
        assert_eq!(c["format"], "frontmatter");
        let title = &c["fields"][0];
        assert_eq!(
            (&title["name"], &title["required"]),
            (&"title".into(), &true.into())
        );
        for (name, spec) in schema.fields.iter().flatten() {
            let ty = spec.ty.value.as_str();
            let of = spec.of.as_ref().map(|o| o.value.as_str());
            let Some(field) = extra_field(c, name) else {
                assert_eq!(ty, "form", "{section}.{name} is missing");
                continue;
            };
            assert_eq!(field["required"], spec.required, "{section}.{name}");
            if let Some(d) = &spec.description {
                assert_eq!(field["hint"], d.as_str(), "{section}.{name}");
            }
            let widget = field["widget"].as_str().unwrap();
            let expected = match (ty, of) {
                (_, _) if spec.values.is_some() => "select",
                ("reference", _) | ("list", Some("reference")) => "relation",
                ("integer" | "decimal", _) => "number",
                ("date", _) => "datetime",
                ("bool", _) => "boolean",
                ("text", _) => "text",
                ("list", _) => "list",
                _ => "string",
            };
            assert_eq!(widget, expected, "{section}.{name}: {field}");
            if let Some(values) = &spec.values {
                assert_eq!(
                    field["options"],
                    serde_json::json!(values),
                    "{section}.{name}"
                );
            }
            if widget == "number" {
                let value_type = if ty == "integer" { "int" } else { "float" };
                assert_eq!(field["value_type"], value_type, "{section}.{name}");
            }
            if widget == "relation" {
                let target = spec.section.as_ref().unwrap().value.as_str();
                assert_eq!(field["collection"], collection_name(target));
                assert_eq!(field["value_field"], "{{slug}}");
                assert_eq!(field["multiple"].as_bool().unwrap_or(false), ty == "list");
            }
        }
    }
    // In site.yaml's order.
    let names: Vec<&str> = collection(&config, "comuni")["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "extra")
        .unwrap()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "istat",
            "codice_catastale",
            "provincia",
            "cap",
            "popolazione_2011",
            "lat",
            "lon",
            "etichetta"
        ]
    );
    // The taxonomy, where the news may use it.
    let argomenti = collection(&config, "notizie")["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "argomenti")
        .expect("the news have their topics");
    assert_eq!(argomenti["label"], "Argomenti");
    assert!(extra_field(collection(&config, "comuni"), "argomenti").is_none());

    // Change a schema: the editor changes with it.
    let changed = yaml.replace(
        "      popolazione_2011: { type: integer, required: true,",
        "      abitanti_2021: { type: decimal, description: \"popolazione nel 2021\" }\n      popolazione_2011: { type: integer, required: false,",
    );
    assert_ne!(changed, yaml);
    let after = config_of(&changed);
    let comuni = collection(&after, "comuni");
    let added = extra_field(comuni, "abitanti_2021").expect("the new field is in the editor");
    assert_eq!(added["widget"], "number");
    assert_eq!(added["hint"], "popolazione nel 2021");
    assert_eq!(
        extra_field(comuni, "popolazione_2011").unwrap()["required"],
        false
    );
}

#[test]
fn the_editor_is_served_only_by_serve_admin() {
    // A built site has no editor, and its pages do not load Decap.
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let built = ambito(&[
        "build",
        "--root",
        manifest().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(!public.join("admin").exists());
    for (path, bytes) in snapshot(&public) {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("decap"),
                "{path} mentions decap"
            );
        }
    }
    // The editor's bundle, only under /admin/: its size.
    let dist = node_modules().join("decap-cms/dist");
    let served: u64 = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.ends_with("decap-cms.js") || n.ends_with(".wasm")
        })
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let main = std::fs::metadata(dist.join("decap-cms.js")).unwrap().len();
    eprintln!(
        "the editor's files under /admin/: decap-cms.js {:.1} MB, with its chunks and WebAssembly {:.1} MB (none of it in the site)",
        main as f64 / 1e6,
        served as f64 / 1e6
    );
}

/// A POST to the editor's API: the status line and the body.
fn post(origin: &str, content_type: &str, from: Option<&str>, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let host = origin.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let from = from.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
    write!(
        stream,
        "POST /admin/api/v1 HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n{from}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

fn persist(path: &str, raw: &str) -> String {
    serde_json::json!({
        "action": "persistEntry",
        "params": { "entry": { "slug": "x", "path": path, "raw": raw }, "assets": [],
                    "options": { "commitMessage": "x" } },
    })
    .to_string()
}

#[test]
fn the_local_backend_writes_only_what_passes_the_check_and_only_for_its_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = copy_site(tmp.path());
    let serve = Serve::start(&root, tmp.path());
    let json = "application/json; charset=utf-8";
    let info = r#"{"action":"info"}"#;
    assert_eq!(post(&serve.origin, json, None, info).0, 200);
    assert_eq!(post(&serve.origin, json, Some(&serve.origin), info).0, 200);
    // Another site open in the same browser cannot write the working copy.
    assert_eq!(post(&serve.origin, "text/plain", None, info).0, 403);
    assert_eq!(
        post(&serve.origin, json, Some("https://altro.example"), info).0,
        403
    );
    // Only content/ and static/.
    let (status, body) = post(
        &serve.origin,
        json,
        None,
        &persist("site.yaml", "title: x\n"),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("solo i file in content/"), "{body}");
    let (status, _) = post(
        &serve.origin,
        json,
        None,
        &persist("content/../site.yaml", "x"),
    );
    assert_eq!(status, 422);
    // A page with a field its schema does not have: refused, not written.
    let page = "content/comuni/nuovo.md";
    let wrong = "---\ntitle: Nuovo\nextra:\n  istat: \"046999\"\n  codice_catastale: Z999\n  provincia: Lucca\n  cap: \"55000\"\n  popolazione_2011: 10\n  lat: 44.0\n  lon: 10.4\n  abitanti: 12\n---\n";
    let (status, body) = post(&serve.origin, json, None, &persist(page, wrong));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("content/comuni/nuovo.md:11:3"), "{body}");
    assert!(body.contains("abitanti"), "{body}");
    assert!(!root.join(page).exists());
    // The same page without it: written.
    let right = wrong.replace("  abitanti: 12\n", "");
    let (status, body) = post(&serve.origin, json, None, &persist(page, &right));
    assert_eq!(status, 200, "{body}");
    assert_eq!(read(&root, page), right);
    // Decap rewrites the front matter without its comments: they are put
    // back above their keys.
    let news = "content/notizie/scadenza-av1-113.md";
    let original = read(&root, news);
    assert!(original.contains("\n# The date of the news"));
    let as_decap_writes: String = original
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let (status, body) = post(&serve.origin, json, None, &persist(news, &as_decap_writes));
    assert_eq!(status, 200, "{body}");
    assert_eq!(read(&root, news), original);
    // An optional number emptied in the editor (Decap writes `""`): left
    // out, not refused as a wrong type.
    let project = "content/progetti/av1-113.md";
    let emptied =
        read(&root, project).replace("  decreto_numero: 139\n", "  decreto_numero: \"\"\n");
    let (status, body) = post(&serve.origin, json, None, &persist(project, &emptied));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        read(&root, project),
        emptied.replace("  decreto_numero: \"\"\n", "")
    );
    // Deleting a page others reference would break them: refused.
    let delete = r#"{"action":"deleteFile","params":{"path":"content/progetti/av1-113.md","options":{"commitMessage":"x"}}}"#;
    let (status, body) = post(&serve.origin, json, None, delete);
    assert_eq!(status, 422, "{body}");
    assert!(root.join("content/progetti/av1-113.md").exists());
    check_is_clean(&root);
}

#[test]
fn ambito_cms_writes_the_editor_for_a_forge() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("admin");
    let run = ambito_env(
        &[
            "cms",
            "--root",
            manifest().to_str().unwrap(),
            "--backend",
            "gitlab",
            "--repo",
            "distretto/sito",
            "--forge-url",
            "https://git.example.org/",
            "--app-id",
            "abc123",
            "--output",
            out.to_str().unwrap(),
        ],
        &[(
            ambito::cms::DECAP_DIR_VAR,
            node_modules().join("decap-cms/dist").to_str().unwrap(),
        )],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let config = read(&out, "config.yml");
    for line in [
        "  name: \"gitlab\"",
        "  repo: \"distretto/sito\"",
        "  api_root: \"https://git.example.org/api/v4\"",
        "  app_id: \"abc123\"",
        "  auth_type: \"pkce\"",
        "locale: \"it\"",
        "  folder: \"content/comuni\"",
    ] {
        assert!(
            config.lines().any(|l| l == line),
            "no «{line}» in:\n{config}"
        );
    }
    assert!(read(&out, "index.html").contains("<script src=\"/admin/decap-cms.js\">"));
    assert!(out.join("decap-cms.js").is_file());
    assert!(!out.join("decap-cms.js.map").exists());
}

#[test]
fn the_editor_opens_only_on_this_computer() {
    // It writes files and asks no password: not on an address others reach.
    let tmp = tempfile::tempdir().unwrap();
    let root = copy_site(tmp.path());
    let mut child = serve_command(tmp.path())
        .args(["--admin", "--bind", "0.0.0.0", "--port", "0", "--root"])
        .arg(&root)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let warning = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("editor web"))
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        warning.starts_with(
            "avviso: l’editor web non è aperto: funziona solo con l’indirizzo 127.0.0.1"
        ),
        "{warning}"
    );
}

#[test]
fn a_section_of_page_bundles_keeps_each_page_s_files_beside_it() {
    let tmp = copy_fixture("hugo");
    let yaml = std::fs::read_to_string(tmp.path().join("site.yaml")).unwrap()
        + "sections:\n  notizie:\n    sort_by: date\n";
    let site = SiteConfig::parse(&yaml, Path::new("site.yaml")).unwrap();
    let backend = Backend::Local {
        proxy_url: "/admin/api/v1".into(),
    };
    let config = decap_config(&site, tmp.path(), &backend, "http://127.0.0.1:1111/");
    let notizie = collection(&config, "notizie");
    assert_eq!(notizie["path"], "{{slug}}/index");
    assert_eq!(notizie["media_folder"], "");
    assert_eq!(notizie["public_folder"], "");
    // The site's other files go to static/.
    assert_eq!(config["media_folder"], "static/immagini");
    // The taxonomy of the news, with its title.
    let tags = notizie["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "tags")
        .unwrap();
    assert_eq!(tags["label"], "Etichette");
}

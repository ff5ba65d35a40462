//! The real site in a real browser (headless Chromium, installed by
//! scripts/test-deps): what the browser builds from our HTML, not what we
//! meant to write.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::process::Command;

/// The real site, built as for publishing and served on a free port.
struct Preview {
    url: String,
    _out: tempfile::TempDir,
}

impl Preview {
    fn start() -> Preview {
        let out = tempfile::tempdir().unwrap();
        let public = out.path().join("public");
        let run = ambito(&[
            "build",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
            public.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        let url = format!("http://{}", serve_static(&public));
        Preview { url, _out: out }
    }
}

/// Runs headless Chromium on `url`; returns standard output and error.
fn chromium_output(args: &[&str], url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium is installed (scripts/test-deps)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn chromium(args: &[&str], url: &str) -> String {
    chromium_output(args, url).0
}

#[test]
fn the_form_page_and_its_script_load_without_errors() {
    let preview = Preview::start();
    let url = format!("{}/partecipa/manifestazione-di-interesse/", preview.url);
    let (dom, log) = chromium_output(
        &[
            "--dump-dom",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ],
        &url,
    );
    assert!(dom.contains("<form class=\"modulo\""), "{dom}");
    assert!(dom.contains("data-modulo"));
    for bad in ["Uncaught", "SyntaxError", "Failed to load resource"] {
        assert!(!log.contains(bad), "console reports {bad}:\n{log}");
    }
}

#[test]
fn the_browser_builds_the_map_links_and_landmarks_we_wrote() {
    let preview = Preview::start();
    let dom = chromium(&["--dump-dom"], &format!("{}/comuni/", preview.url));
    // The browser parsed the map as SVG, with one link per comune in it.
    let svg = dom
        // The map (the first svg of every page is the EU emblem): a named
        // group, since it holds links.
        .split("<svg role=\"group\" aria-labelledby=\"mappa-titolo\"")
        .nth(1)
        .expect("the map's svg element")
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(svg.matches("<a href=\"/comuni/").count(), 19, "{svg}");
    assert!(svg.contains("<title id=\"mappa-titolo\">"));
    assert_eq!(dom.matches("<h1").count(), 1);
    for landmark in [
        "<header>",
        "<nav class=\"menu\" aria-label=\"Menu principale\">",
        "<main id=\"contenuto\"",
        "<footer>",
    ] {
        assert!(dom.contains(landmark), "{landmark}");
    }
    // A narrow phone screen still renders (screenshot written, non-empty).
    let shot = tempfile::tempdir().unwrap();
    let png = shot.path().join("320.png");
    chromium(
        &[
            "--hide-scrollbars",
            "--window-size=320,800",
            &format!("--screenshot={}", png.display()),
        ],
        &format!("{}/comuni/barga/", preview.url),
    );
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
}

/// Search in Chromium (tests/search.js, playwright-core from scripts/test-deps),
/// under the Content-Security-Policy of deploy/nginx/ambito.conf: typing
/// "tirocinio" on /cerca/ lists the work-experience page, "Piazza al Serchio"
/// the comune, "percorso formativo" the page on "percorsi formativi",
/// "poverta" a page saying "povertà"; the count is announced
/// and the results are reached by keyboard, all of them ("Mostra altri
/// risultati"); a typo ("tirocigno") finds nothing rather than pages sharing
/// its first letters; without JavaScript the page links every section and
/// its pages (no XML); no other page loads the search.
#[test]
fn search_finds_pages_as_you_type_and_only_the_search_page_loads_it() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = ambito(&[
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("tests/node/node_modules");
    assert!(
        modules.join("playwright-core").is_dir(),
        "playwright-core is missing from {}: run scripts/test-deps",
        modules.display()
    );
    let out = Command::new("node")
        .arg(root.join("tests/search.js"))
        .arg(&public)
        .arg(root.join("deploy/nginx/ambito.conf"))
        .env("NODE_PATH", &modules)
        .output()
        .expect("node is installed (scripts/test-deps)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "search problems:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("search: ok"), "{report}");
}

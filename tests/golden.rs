//! Golden builds: fixture sites built on a fixed date and compared, file
//! by file and byte for byte, with the output kept in `tests/golden/`.
//! A refactoring of the generator must not change a single byte; a change
//! that is meant to alter output is re-recorded with
//!
//!     AMBITO_BLESS=1 cargo test --test golden
//!
//! and the diff of `tests/golden/` is then reviewed like code.
//!
//! The `variables` fixture prints every template variable, function and
//! filter the README documents (and the whole context), so renaming one
//! cannot slip through.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ambito::text::date::Date;
use ambito::{build, BuildOptions};
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

#[path = "../benches/support/corpus.rs"]
mod corpus;

/// Gives every file under `dir` one modification time (2026-01-10), so
/// that pages' last-change dates do not depend on when the test copied them.
fn fix_mtimes(dir: &Path) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_768_046_400);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .append(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(when).unwrap();
        }
    }
}

/// Builds a copy of `root` outside any repository, with fixed file dates.
fn build_site(root: &Path, out: &Path) {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(root, copy.path());
    fix_mtimes(copy.path());
    let root = copy.path();
    let mut opts = BuildOptions::new(root);
    opts.output = Some(out.to_path_buf());
    opts.today = Date::parse("2026-01-15").unwrap();
    if let Err(e) = build(&opts) {
        panic!("{e}: {e:?}");
    }
}

fn golden_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares the build in `out` with `tests/golden/{name}`, or records it
/// there when `AMBITO_BLESS` is set.
fn compare(name: &str, out: &Path) {
    let golden = golden_dir(name);
    let built = snapshot(out);
    if std::env::var_os("AMBITO_BLESS").is_some() {
        // Recording compares nothing: on CI that would pass any change.
        assert!(
            std::env::var_os("CI").is_none(),
            "AMBITO_BLESS is set on CI: the golden builds would be re-recorded, not compared"
        );
        let _ = std::fs::remove_dir_all(&golden);
        copy_dir(out, &golden);
        return;
    }
    assert!(
        golden.is_dir(),
        "no golden copy at {}: record it with AMBITO_BLESS=1",
        golden.display()
    );
    let expected: BTreeMap<String, Vec<u8>> = snapshot(&golden);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&built),
        names(&expected),
        "{name}: the files written differ"
    );
    for (file, bytes) in &built {
        if bytes != &expected[file] {
            let got = String::from_utf8_lossy(bytes);
            let want = String::from_utf8_lossy(&expected[file]);
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!(
                "{name}/{file} differs from the golden copy (first at line {line}):\n got: {}\nwant: {}",
                got.lines().nth(line.saturating_sub(1)).unwrap_or(""),
                want.lines().nth(line.saturating_sub(1)).unwrap_or(""),
            );
        }
    }
}

#[test]
fn the_basic_fixture_builds_to_its_golden_copy() {
    let out = tempfile::tempdir().unwrap();
    build_site(&fixture("basic"), out.path());
    compare("basic", out.path());
}

#[test]
fn every_documented_template_variable_renders_as_recorded() {
    let site = copy_fixture("basic");
    copy_dir(&fixture("variables"), site.path());
    let out = tempfile::tempdir().unwrap();
    build_site(site.path(), out.path());
    let index = read(out.path(), "index.html");
    // The recorded copy must really show the variables (not an empty page).
    for shown in [
        "config</h2>",
        "current_url=/",
        "today=2026-01-15",
        "<dt>permalink</dt><dd>https://prova.example.org/</dd>",
        "get_section: progetti",
        "\"page\": {",
        // As of the build's day (2026-01-15), whenever the test runs.
        "calls: Partecipa /partecipa/ aperto Avviso aperto fino al 20 gennaio 2026.",
        "open_data: comuni Comuni",
    ] {
        assert!(index.contains(shown), "{shown} missing from index.html");
    }
    let term = read(out.path(), "temi/lavoro/index.html");
    assert!(term.contains("<h2>term</h2>\n<p>Lavoro|lavoro|"), "{term}");
    compare("variables", out.path());
}

#[test]
fn the_benchmark_corpus_builds_to_its_golden_copy() {
    let site = tempfile::tempdir().unwrap();
    corpus::write_ambito_site(site.path(), 24).unwrap();
    let out = tempfile::tempdir().unwrap();
    build_site(site.path(), out.path());
    compare("corpus", out.path());
}

#[test]
fn the_news_feed_parses_back_with_every_entry() {
    use atom_syndication::Feed;
    let site = copy_fixture("basic");
    copy_dir(&fixture("variables"), site.path());
    let av3 = site.path().join("content/progetti/av3.md");
    let text = std::fs::read_to_string(&av3).unwrap();
    let text = text.replacen("---\n", "---\ndescription: Il progetto <AV3>.\n", 1);
    std::fs::write(&av3, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    build_site(site.path(), out.path());
    let text = read(out.path(), "progetti/atom.xml");
    let feed: Feed = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(feed.lang.as_deref(), Some("it"));
    assert_eq!(feed.id, "https://prova.example.org/progetti/atom.xml");
    assert_eq!(feed.title.as_str(), "Progetti – Sito di prova");
    let entries: Vec<(&str, &str, String)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.title.as_str(),
                e.id.as_str(),
                e.published.map(|d| d.to_rfc3339()).unwrap_or_default(),
            )
        })
        .collect();
    // Newest first, absolute links, the page's date as published.
    assert_eq!(entries.len(), 2, "{text}");
    assert!(entries[0].2 > entries[1].2, "{entries:?}");
    for (entry, e) in feed.entries.iter().zip(&entries) {
        assert!(
            e.1.starts_with("https://prova.example.org/progetti/"),
            "{e:?}"
        );
        assert_eq!(entry.links[0].href, e.1);
        assert!(entry.updated >= entry.published.unwrap());
    }
    assert_eq!(
        feed.updated,
        feed.entries.iter().map(|e| e.updated).max().unwrap()
    );
    // The summary, escaped in the XML and read back as written.
    let av3 = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/progetti/av3/"))
        .unwrap();
    assert_eq!(
        av3.summary.as_ref().map(|s| s.value.as_str()),
        Some("Il progetto <AV3>.")
    );
    // Every page announces it.
    assert!(read(out.path(), "index.html").contains(
        "feeds: Progetti /progetti/atom.xml https://prova.example.org/progetti/atom.xml;"
    ));
}

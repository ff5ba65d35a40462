//! The preview's quick path (`ambito::preview::incremental`): after an edit of a
//! page's body, re-rendering what depends on it must leave exactly the
//! output a full build gives, touch only the files whose bytes changed,
//! and hand anything else to a full build.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ambito::preview::incremental::Update;
use ambito::text::date::Date;
use ambito::{build, prepare, BuildOptions, Prepared};
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

fn options(root: &Path, out: &Path) -> BuildOptions {
    let mut opts = BuildOptions::new(root);
    opts.output = Some(out.to_path_buf());
    opts.today = Date::parse("2026-01-15").unwrap();
    opts.publishing = false;
    opts
}

/// The site built once and kept, as the preview keeps it.
fn first_build(root: &Path, out: &Path) -> Prepared {
    let mut prepared = prepare(&options(root, out)).unwrap();
    prepared.write().unwrap();
    prepared
}

fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().unwrap().modified().unwrap())
        })
        .collect()
}

/// Edits `rel` under the site: `edit` maps the old text to the new.
fn edit(root: &Path, rel: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    path
}

/// What a full build of the site as it is now writes.
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    build(&options(root, out.path())).unwrap();
    snapshot(out.path())
}

#[test]
fn a_body_edit_renders_only_its_page_and_matches_a_full_build() {
    let site = copy_fixture("basic");
    // An old file: the edit moves its date, so the sitemap changes too.
    let january = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_768_046_400);
    std::fs::File::options()
        .append(true)
        .open(site.path().join("content/comuni/gallicano.md"))
        .unwrap()
        .set_modified(january)
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = first_build(site.path(), &out);
    let before = mtimes(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));

    let changed = edit(site.path(), "content/comuni/gallicano.md", |t| {
        t.replace(
            "Testo.",
            "Testo nuovo.\n\n## Storia\n\nUn paragrafo in più.",
        )
    });
    let update = prepared.update(&[changed]);
    let Update::Applied { pages, written, .. } = update else {
        panic!("a body edit took the full build: {update:?}");
    };
    assert_eq!(pages, 1);
    assert!(written >= 1, "the page itself changed");
    assert_eq!(
        snapshot(&out),
        full_build(site.path()),
        "quick path differs from a full build"
    );
    let after = mtimes(&out);
    let touched: Vec<&String> = after
        .iter()
        .filter(|(f, t)| before.get(*f) != Some(*t))
        .map(|(f, _)| f)
        .collect();
    // The page, and the sitemap when its date moved (the file's mtime is now).
    for f in &touched {
        assert!(
            *f == "comuni/gallicano/index.html" || *f == "sitemap.xml",
            "{f} was rewritten by a body edit of another page"
        );
    }
    assert!(touched.iter().any(|f| *f == "comuni/gallicano/index.html"));
    assert!(
        touched.iter().any(|f| *f == "sitemap.xml"),
        "the page's new date"
    );
}

#[test]
fn an_editors_temporary_file_beside_the_page_is_no_change() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = first_build(site.path(), &out);
    // Saved as editors do: a temporary file, renamed over the page.
    let page = site.path().join("content/comuni/barga.md");
    let temp = site.path().join("content/comuni/barga.md.tmp-1234");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("Chiedi al Comune.", "Chiedi.");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, &page).unwrap();
    let update = prepared.update(&[temp, page]);
    assert!(
        matches!(update, Update::Applied { pages: 1, .. }),
        "{update:?}"
    );
    assert_eq!(snapshot(&out), full_build(site.path()));
}

#[test]
fn anything_but_a_body_edit_takes_the_full_build() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");

    // Front matter: lists and navigation show it.
    let mut prepared = first_build(site.path(), &out);
    let changed = edit(site.path(), "content/comuni/barga.md", |t| {
        t.replace("title: Barga", "title: Barga (LU)")
    });
    assert!(matches!(prepared.update(&[changed]), Update::FullBuild));

    // A new page.
    let mut prepared = first_build(site.path(), &out);
    let new = site.path().join("content/comuni/molazzana.md");
    std::fs::write(
        &new,
        "---\ntitle: Molazzana\nextra:\n  istat: \"046019\"\n---\nTesto.\n",
    )
    .unwrap();
    assert!(matches!(
        prepared.update(std::slice::from_ref(&new)),
        Update::FullBuild
    ));
    std::fs::remove_file(&new).unwrap();

    // A template.
    let mut prepared = first_build(site.path(), &out);
    let template = std::fs::read_dir(site.path().join("themes/mini/templates"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(matches!(prepared.update(&[template]), Update::FullBuild));

    // A body that breaks a link: the full build reports it.
    let mut prepared = first_build(site.path(), &out);
    let changed = edit(site.path(), "content/comuni/gallicano.md", |t| {
        t.replace("Testo.", "Vedi [nulla](@/comuni/nessuno.md).")
    });
    assert!(matches!(prepared.update(&[changed]), Update::FullBuild));
}

#[test]
fn removing_a_heading_another_page_links_to_takes_the_full_build() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = first_build(site.path(), &out);
    // servizi/tirocini.md links to @/comuni/barga.md#contatti.
    let changed = edit(site.path(), "content/comuni/barga.md", |t| {
        t.replace("## Contatti", "## Recapiti")
    });
    assert!(matches!(prepared.update(&[changed]), Update::FullBuild));
    let err = build(&options(site.path(), &out)).unwrap_err();
    assert!(format!("{err:?}").contains("contatti"), "{err:?}");
}

/// With a search index (`search: true`), every page is in the index: a
/// build that did not keep its index (`ambito build`) has nothing to
/// update, so an edit of one page's body takes the full build.
#[test]
fn with_search_and_no_kept_index_a_body_edit_takes_the_full_build() {
    let site = copy_fixture("basic");
    edit(site.path(), "site.yaml", |t| format!("{t}\nsearch: true\n"));
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = first_build(site.path(), &out);
    assert!(out.join("pagefind/pagefind.js").is_file());
    let changed = edit(site.path(), "content/comuni/barga.md", |t| {
        format!("{t}\nUna parola nuova.\n")
    });
    assert!(matches!(prepared.update(&[changed]), Update::FullBuild));
}

/// The preview keeps the index: a body edit takes the quick path, hands
/// back the page parsed for the index, and the index updated with it is
/// byte for byte the one a full build makes (the new word is in it, and no
/// file of the old index is left behind).
#[test]
fn with_a_kept_index_a_body_edit_is_quick_and_the_index_updated_matches_a_full_build() {
    let site = copy_fixture("basic");
    edit(site.path(), "site.yaml", |t| format!("{t}\nsearch: true\n"));
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = prepare(&options(site.path(), &out)).unwrap();
    prepared.keep_search_index();
    prepared.write().unwrap();
    let mut index = prepared.take_search_index().expect("index kept");
    let before = snapshot(&out);

    let changed = edit(site.path(), "content/comuni/barga.md", |t| {
        format!("{t}\nUna parola nuova: zafferano.\n")
    });
    let update = prepared.update(&[changed]);
    let Update::Applied { pages, indexed, .. } = update else {
        panic!("a body edit took the full build: {update:?}");
    };
    assert_eq!(pages, 1);
    assert_eq!(indexed.len(), 1, "{indexed:?}");
    // The page is new at once; the index is still the old one.
    let now = snapshot(&out);
    assert_ne!(
        now["comuni/barga/index.html"],
        before["comuni/barga/index.html"]
    );
    let index_of = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(path, _)| path.starts_with("pagefind/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    assert_eq!(index_of(&now), index_of(&before));

    let files = index.update(indexed).unwrap();
    ambito::write::output::replace_folder(&out, "pagefind", &files).unwrap();
    let full = full_build(site.path());
    assert_ne!(
        index_of(&full),
        index_of(&before),
        "the edit changes the index"
    );
    assert_eq!(
        snapshot(&out),
        full,
        "quick path and index update differ from a full build"
    );
}

#[test]
fn a_body_edit_refreshes_the_feeds_of_the_pages_terms() {
    let site = copy_fixture("basic");
    let root = site.path();
    edit(root, "site.yaml", |t| {
        t.replace("    sort_by: date\n", "    sort_by: date\n    feed: true\n")
            + "taxonomies:\n  temi: {}\n"
    });
    edit(root, "content/progetti/av3.md", |t| {
        t.replacen("---\n", "---\ntemi: [Lavoro]\n", 1)
    });
    // In a section without a feed: only its term's feed lists it.
    let tirocini = edit(root, "content/servizi/tirocini.md", |t| {
        t.replacen("---\n", "---\ntemi: [Lavoro]\n", 1)
    });
    // An old file: the edit moves its last change, which the feed shows.
    let january = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_768_046_400);
    std::fs::File::options()
        .append(true)
        .open(&tirocini)
        .unwrap()
        .set_modified(january)
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("sito");
    let mut prepared = first_build(root, &out);
    let feed_before = std::fs::read(out.join("temi/lavoro/atom.xml")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let changed = edit(root, "content/servizi/tirocini.md", |t| {
        t.replace("Una nota", "Una nota nuova")
    });
    let update = prepared.update(&[changed]);
    assert!(
        matches!(update, Update::Applied { pages: 1, .. }),
        "a body edit took the full build: {update:?}"
    );
    assert_ne!(
        std::fs::read(out.join("temi/lavoro/atom.xml")).unwrap(),
        feed_before,
        "the term's feed shows the page's new last change"
    );
    assert_eq!(
        snapshot(&out),
        full_build(root),
        "quick path differs from a full build"
    );
}

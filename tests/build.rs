//! The generator end to end: fixture sites built by the real binary and
//! library, asserting on the files written and the exact diagnostics.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn build_to(root: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ambito(&args)
}

#[test]
fn basic_site_builds_every_output() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(&fixture("basic"), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let files: Vec<String> = snapshot(out.path()).into_keys().collect();
    assert_eq!(
        files,
        [
            "404.html",
            "comuni/barga/index.html",
            "comuni/gallicano/index.html",
            "comuni/index.html",
            "index.html",
            "informativa-privacy/index.html",
            "progetti/av1-113/index.html",
            "progetti/av3/index.html",
            "progetti/index.html",
            "robots.txt",
            "servizi/index.html",
            "servizi/minori/doposcuola/index.html",
            "servizi/minori/index.html",
            "servizi/tirocini/index.html",
            "sitemap.xml",
            "style.b2ccb076.css",
            "style.css",
            "theme-only.txt",
            "tirocini-vecchi/index.html",
        ]
    );
    let o = out.path();
    // Internal links and anchors resolved; headings get Italian slugs.
    let home = read(o, "index.html");
    assert!(
        home.contains(r#"<h1 id="novita-e-attivita">Novità e attività</h1>"#),
        "{home}"
    );
    assert!(home.contains(r#"<a href="/servizi/tirocini/#come-accedere">"#));
    // get_section() gives templates other sections' pages.
    assert!(home.contains(r#"<p class="n-progetti">2</p>"#));
    // References forwards (service → comuni, project) ...
    let t = read(o, "servizi/tirocini/index.html");
    assert!(t.contains(r#"<ul class="comuni"><li><a href="/comuni/barga/">Barga</a></li><li><a href="/comuni/gallicano/">Gallicano</a></li></ul>"#), "{t}");
    assert!(t.contains("<a href=\"/progetti/av1-113/\">Progetto AV1-113</a> 65.644,00\u{a0}€"));
    assert!(t.contains(r#"<p class="data">21 luglio 2022</p>"#));
    assert!(
        t.contains(r##"<ul class="toc"><li><a href="#come-accedere">Come accedere</a></li></ul>"##)
    );
    assert!(t.contains(r#"<a href="/comuni/barga/#contatti">Barga</a>"#));
    assert!(
        t.contains("<table>")
            && t.contains("<del>niente</del>")
            && t.contains("footnote-definition")
    );
    // ... and backwards (comune ← services that name it).
    let barga = read(o, "comuni/barga/index.html");
    assert!(barga.contains(r#"<ul class="servizi"><li><a href="/servizi/tirocini/">Tirocini inclusivi</a></li></ul>"#), "{barga}");
    // Unquoted `cap: 55051` is kept as written; a quoted ISTAT code keeps its zero.
    assert!(barga.contains(r#"<p class="istat">046003</p><p class="cap">55051</p>"#));
    // Breadcrumbs and the section tree for navigation, in weight order.
    assert!(barga.contains(r#"<ol class="crumbs"><li><a href="/">Benvenuti</a></li><li><a href="/comuni/">Comuni</a></li><li><a href="/comuni/barga/">Barga</a></li></ol>"#));
    assert!(barga.contains(r#"<nav><a href="/servizi/">Servizi</a> <a class="sub" href="/servizi/minori/">Minori</a> <a href="/comuni/">Comuni</a> <a href="/progetti/">Progetti</a> </nav>"#));
    // A nested section: its pages follow the enclosing section's schema,
    // and breadcrumbs go through every level.
    let doposcuola = read(o, "servizi/minori/doposcuola/index.html");
    assert!(doposcuola.contains(r#"<li><a href="/servizi/">Servizi</a></li><li><a href="/servizi/minori/">Minori</a></li><li><a href="/servizi/minori/doposcuola/">Doposcuola</a></li>"#), "{doposcuola}");
    assert!(doposcuola.contains(r#"<p class="progetto"><a href="/progetti/av1-113/">"#));
    // Section ordering (sort_by: date, newest first) and the euro filter.
    let progetti = read(o, "progetti/index.html");
    let av1 = progetti.find("/progetti/av1-113/").unwrap();
    let av3 = progetti.find("/progetti/av3/").unwrap();
    assert!(av1 < av3, "newest first");
    assert!(progetti.contains("197.769,00\u{a0}€"));
    // The site's templates/page.html overrides the theme's; the site's static/ overrides the theme's.
    assert!(!read(o, "informativa-privacy/index.html").contains("THEME PAGE TEMPLATE"));
    assert_eq!(read(o, "style.css"), "body{color:#111}\n");
    assert_eq!(read(o, "theme-only.txt"), "theme file\n");
    // Aliases redirect without JavaScript.
    let alias = read(o, "tirocini-vecchi/index.html");
    assert!(alias.contains(r#"<meta http-equiv="refresh" content="0; url=/servizi/tirocini/">"#));
    assert!(alias
        .contains(r#"<link rel="canonical" href="https://prova.example.org/servizi/tirocini/">"#));
    // Sitemap: absolute addresses with last change; robots points at it.
    let sitemap = read(o, "sitemap.xml");
    assert_eq!(sitemap.matches("<url>").count(), 12);
    assert!(sitemap.contains("<loc>https://prova.example.org/informativa-privacy/</loc>\n    <lastmod>2024-03-05</lastmod>"));
    assert!(read(o, "robots.txt").contains("Sitemap: https://prova.example.org/sitemap.xml"));
    // Drafts are not published.
    assert!(!out.path().join("comuni/bozza").exists());
    assert!(!sitemap.contains("bozza"));
}

#[test]
fn drafts_are_published_on_request() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(&fixture("basic"), out.path(), &["--drafts"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(read(out.path(), "comuni/bozza/index.html").contains("Non pubblicata."));
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(
        &fixture("basic"),
        out.path(),
        &["--base-url", "https://example.org/pon"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let t = read(out.path(), "servizi/tirocini/index.html");
    assert!(
        t.contains(r#"<a href="/pon/comuni/barga/#contatti">"#),
        "{t}"
    );
    assert!(read(out.path(), "sitemap.xml")
        .contains("<loc>https://example.org/pon/servizi/tirocini/</loc>"));
}

const ERRORS_IT: &str = "\
content/comuni/barga.md:3:1: errore: manca il campo obbligatorio «istat» sotto «extra:» (serve una riga di testo)
content/comuni/barga.md:4:3: errore: campo sconosciuto «istta» (forse intendevi «istat»?)
content/notizie/altra.md:3:7: errore: due pagine con lo stesso indirizzo /notizie/proroga/: questa e content/notizie/proroga.md
content/notizie/altra.md:4:11: errore: modello sconosciuto «speciale.html»
content/notizie/proroga.md:1:1: errore: due pagine con lo stesso indirizzo /notizie/proroga/: questa e content/notizie/altra.md
content/notizie/rotta.md:2:8: errore: il front matter non è YAML valido: una parentesi «[» è aperta e mai chiusa: chiudila con «]» (o metti il valore tra virgolette)
content/notizie/senza-titolo.md:1:1: errore: manca il campo obbligatorio «title» nel front matter
content/progetti/av1-113.md:3:7: errore: data non valida «31/12/2022» per «date»: attesa una data scritta AAAA-MM-GG, per esempio 2022-07-21
content/progetti/av1-113.md:5:12: errore: tipo sbagliato per «importo»: serve un numero come 1234.50, trovato un testo
content/progetti/av1-113.md:6:11: errore: data non valida «2020-13-01» per «inizio»: il mese deve essere da 01 a 12
content/servizi/tirocini.md:4:13: errore: «progetto» indica «av1-114»: nella sezione «progetti» non c'è questa pagina (forse intendevi «av1-113»?)
content/servizi/tirocini.md:13:18: errore: collegamento a @/progetti/av1-114.md: la pagina non esiste (forse intendevi @/progetti/av1-113.md?)
content/servizi/tirocini.md:14:14: errore: collegamento a @/servizi/tirocini.md#contatti: in quella pagina non c'è il titolo «#contatti» (i suoi titoli: #tirocini)
";

#[test]
fn every_content_error_is_reported_in_one_run_in_italian_by_default() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("errors");
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ];
    let expected = format!(
        "{ERRORS_IT}13 errori trovati; nessun file è stato scritto, il sito precedente è invariato\n"
    );
    // The site's language (Italian when site.yaml says nothing), also under
    // a locale that is not English.
    for env in [&[][..], &[("LANG", "C.UTF-8")], &[("LANG", "it_IT.UTF-8")]] {
        let run = ambito_env(&args, env);
        assert_eq!(run.status.code(), Some(1));
        assert_eq!(stderr(&run), expected, "{env:?}");
    }
    // `--lang it` wins over an English locale.
    let mut with_flag = args.to_vec();
    with_flag.extend(["--lang", "it"]);
    let run = ambito_env(&with_flag, &[("LC_ALL", "en_US.UTF-8")]);
    assert_eq!(stderr(&run), expected);
    assert!(!public.exists(), "nothing written");
    // `check` never writes: its summary does not claim it kept a site.
    let run = ambito_it(&["check", "--root", fixture("errors").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run),
        format!("{ERRORS_IT}13 errori trovati: correggili e lancia di nuovo «ambito check»\n")
    );
}

#[test]
fn usage_errors_are_introduced_in_italian_and_exit_2() {
    let run = ambito_it(&["build", "--frobnicate"]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        stderr(&run),
        "errore: comando non valido (dettaglio in inglese): unexpected argument '--frobnicate' found\n\
         scrivi «ambito --help» per vedere i comandi e le loro opzioni\n"
    );
    let run = ambito(&["build", "--frobnicate"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).starts_with("error: unexpected argument '--frobnicate' found"));
    let run = ambito_it(&["check", "--lang", "fr"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).starts_with("errore: comando non valido (dettaglio in inglese): invalid value 'fr' for '--lang <LINGUA>'"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn messages_are_in_english_with_lang_en_or_an_english_locale() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("errors");
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
        "--lang",
        "en",
    ];
    let flag = ambito_env(&args, &[("LANG", "it_IT.UTF-8")]);
    let locale = ambito_env(&args[..5], &[("LANG", "en_GB.UTF-8")]);
    let messages = ambito_env(
        &args[..5],
        &[("LANG", "it_IT.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")],
    );
    assert_eq!(flag.status.code(), Some(1));
    assert!(stderr(&flag)
        .starts_with("content/comuni/barga.md:3:1: error: missing required field `istat`"));
    assert_eq!(stderr(&locale), stderr(&flag));
    assert_eq!(stderr(&messages), stderr(&flag));
    let run = ambito(&["check", "--root", fixture("errors").to_str().unwrap()]);
    assert!(stderr(&run).ends_with("\n13 errors found: fix them and run `ambito check` again\n"));
    // A site whose `language` is English speaks English with no locale set.
    let site = copy_fixture("errors");
    let config = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\nlanguage: en\n")).unwrap();
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(
        stderr(&run).ends_with("\n13 errors found: fix them and run `ambito check` again\n"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn every_content_error_is_reported_in_one_run() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(&fixture("errors"), &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run),
        "\
content/comuni/barga.md:3:1: error: missing required field `istat` under `extra:` (expected one line of text)
content/comuni/barga.md:4:3: error: unknown field `istta` in front matter (did you mean `istat`?)
content/notizie/altra.md:3:7: error: two pages with the same URL /notizie/proroga/: this one and content/notizie/proroga.md
content/notizie/altra.md:4:11: error: unknown template `speciale.html`
content/notizie/proroga.md:1:1: error: two pages with the same URL /notizie/proroga/: this one and content/notizie/altra.md
content/notizie/rotta.md:2:8: error: front matter is not valid YAML: a `[` is opened and never closed: close it with `]` (or put the value in quotes)
content/notizie/senza-titolo.md:1:1: error: missing required field `title` in front matter
content/progetti/av1-113.md:3:7: error: bad date `31/12/2022` for `date`: expected a date written as YYYY-MM-DD, e.g. 2022-07-21
content/progetti/av1-113.md:5:12: error: wrong type for `importo`: expected a number such as 1234.50, found text
content/progetti/av1-113.md:6:11: error: bad date `2020-13-01` for `inizio`: month must be 01 to 12
content/servizi/tirocini.md:4:13: error: `progetto` names `av1-114`: no such page in section `progetti` (did you mean `av1-113`?)
content/servizi/tirocini.md:13:18: error: link to @/progetti/av1-114.md: no such page (did you mean @/progetti/av1-113.md?)
content/servizi/tirocini.md:14:14: error: link to @/servizi/tirocini.md#contatti: no heading `#contatti` in that page (its headings: #tirocini)
13 errors found; nothing was written, the previous site is unchanged
"
    );
    assert!(!out.path().join("public").exists(), "nothing written");
}

#[test]
fn template_syntax_error_names_file_line_and_column() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(&fixture("bad-template"), out.path(), &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run).lines().next().unwrap(),
        "themes/t/templates/page.html:5:27: error: template syntax error: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)"
    );
    // In Italian, an Italian lead-in and Tera's own detail.
    let run = ambito_it(&["check", "--root", fixture("bad-template").to_str().unwrap()]);
    assert_eq!(
        stderr(&run).lines().next().unwrap(),
        "themes/t/templates/page.html:5:27: errore: errore di sintassi nel modello (dettaglio di Tera): expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)"
    );
}

#[test]
fn template_render_error_is_reported_once_in_the_template_where_it_happens() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(&fixture("render-error"), out.path(), &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run),
        "themes/t/templates/base.html:4:38: error: template error: Variable `config.extra.descrizione` not found in context\n\
         1 error found; nothing was written, the previous site is unchanged\n"
    );
    let run = ambito_it(&[
        "build",
        "--root",
        fixture("render-error").to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(
        stderr(&run),
        "themes/t/templates/base.html:4:38: errore: errore nel modello (dettaglio di Tera): Variable `config.extra.descrizione` not found in context\n\
         1 errore trovato; nessun file è stato scritto, il sito precedente è invariato\n"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_for_byte() {
    let site = copy_fixture("basic");
    let root = site.path();
    let public = root.join("public");
    let ok = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = snapshot(&public);
    assert!(before.len() > 10);

    // A staff typo in one page.
    let page = root.join("content/comuni/barga.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("istat:", "istta:");
    std::fs::write(&page, text).unwrap();
    let failed = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("content/comuni/barga.md:4:3: error: unknown field `istta`"));
    assert_eq!(
        snapshot(&public),
        before,
        "public/ changed after a failed build"
    );
    assert!(
        !root.join(".public.staging").exists(),
        "staging folder left behind"
    );

    // A template error at render time, after pages were already staged.
    std::fs::write(
        &page,
        std::fs::read_to_string(fixture("basic/content/comuni/barga.md")).unwrap(),
    )
    .unwrap();
    std::fs::write(root.join("templates/page.html"), "{{ page.nonesiste }}").unwrap();
    let failed = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert_eq!(snapshot(&public), before);
    assert!(!root.join(".public.staging").exists());
}

#[test]
fn a_successful_rebuild_replaces_the_site_and_drops_stale_files() {
    let site = copy_fixture("basic");
    let root = site.path();
    assert!(ambito(&["build", "--root", root.to_str().unwrap()])
        .status
        .success());
    std::fs::remove_file(root.join("content/progetti/av3.md")).unwrap();
    let run = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!root.join("public/progetti/av3").exists());
    assert!(root.join("public/comuni/barga/index.html").exists());
}

#[test]
fn output_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert!(build_to(&fixture("basic"), a.path(), &[]).status.success());
    assert!(build_to(&fixture("basic"), b.path(), &[]).status.success());
    assert_eq!(snapshot(a.path()), snapshot(b.path()));
}

#[test]
fn check_validates_without_writing() {
    let site = copy_fixture("basic");
    let root = site.path().to_str().unwrap();
    let run = ambito(&["check", "--root", root]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(!site.path().join("public").exists());
    assert!(!site.path().join(".public.staging").exists());

    let run = ambito(&["check", "--root", fixture("errors").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("13 errors found"));
    // Template errors happen while rendering: check renders too.
    let run = ambito(&["check", "--root", fixture("render-error").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_with_2() {
    let run = ambito(&["build", "--no-such-flag"]);
    assert_eq!(run.status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    let run = ambito(&["build", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("is not an ambito site: it has no site.yaml"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn the_sample_site_in_the_repository_builds() {
    let out = tempfile::tempdir().unwrap();
    let run = build_to(Path::new(env!("CARGO_MANIFEST_DIR")), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(out.path().join("index.html").exists());
}

/// The 1-based line of `site.yaml` that sets `key`, and the column of its value.
fn config_line(root: &Path, key: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let prefix = format!("{key}: ");
    let line = text
        .lines()
        .position(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("site.yaml sets no {key}"));
    (line + 1, prefix.len() + 1)
}

#[test]
fn placeholder_addresses_are_warnings_and_strict_refuses_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (base_line, base_col) = config_line(root, "base_url");
    let (forms_line, forms_col) = config_line(root, "forms_endpoint");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");

    // A plain build publishes, and says what is not ready.
    let run = build_to(root, &public, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(&format!("site.yaml:{base_line}:{base_col}: warning: `base_url` https://www.example.org/ is a name reserved for examples")),
        "{err}"
    );
    assert!(
        err.contains(&format!("site.yaml:{forms_line}:{forms_col}: warning: `forms_endpoint` http://127.0.0.1:8080 is a local or private address")),
        "{err}"
    );
    // The legal contacts the shipped site.yaml leaves empty, at their lines.
    for key in ["accessibilita_email", "titolare_contatti", "rpd_email"] {
        assert!(
            err.contains(&format!("warning: `extra.{key}` is empty")),
            "{err}"
        );
    }
    assert!(err.contains("(5 warnings)"), "{err}");
    // The same in Italian, as staff see it.
    let run = ambito_it(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&run);
    assert!(
        err.contains(&format!("site.yaml:{base_line}:{base_col}: avviso: «base_url» https://www.example.org/ è un nome riservato agli esempi: prima di pubblicare imposta il vero indirizzo del sito")),
        "{err}"
    );
    assert!(
        err.contains("avviso: «extra.rpd_email» è vuoto: le pagine che lo mostrano dicono che è ancora da impostare"),
        "{err}"
    );
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.starts_with("controllate ") && l.ends_with(" ms (5 avvisi)")),
        "{err}"
    );

    // --strict: the same, as errors, and nothing written.
    let strict_out = out.path().join("strict");
    let run = build_to(root, &strict_out, &["--strict"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 6, "{err}");
    assert!(lines[0].starts_with(&format!(
        "site.yaml:{base_line}:{base_col}: error: `base_url`"
    )));
    assert!(lines[1].starts_with(&format!(
        "site.yaml:{forms_line}:{forms_col}: error: `forms_endpoint`"
    )));
    assert_eq!(
        lines[5],
        "5 errors found; nothing was written, the previous site is unchanged"
    );
    assert!(!strict_out.exists());

    // Real-looking addresses and the contacts filled in: nothing to say.
    let site = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_dir(&root.join(dir), &site.path().join(dir));
    }
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml
        .replace(
            "accessibilita_email: \"\"",
            "accessibilita_email: accessibilita@zona.example.it",
        )
        .replace(
            "titolare_contatti: \"\"",
            "titolare_contatti: Azienda, PEC titolare@pec.example.it",
        )
        .replace("rpd_email: \"\"", "rpd_email: rpd@zona.example.it");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let run = build_to(
        site.path(),
        &strict_out,
        &[
            "--strict",
            "--base-url",
            "https://www.zonavalledelserchio.it/",
            "--forms-endpoint",
            "https://moduli.zonavalledelserchio.it",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!stderr(&run).contains("warning"), "{}", stderr(&run));
    assert!(read(&strict_out, "index.html").contains("https://www.zonavalledelserchio.it/"));

    // A form endpoint without HTTPS is a warning too.
    let run = build_to(
        root,
        &out.path().join("http"),
        &[
            "--base-url",
            "https://www.zonavalledelserchio.it/",
            "--forms-endpoint",
            "http://moduli.zonavalledelserchio.it",
        ],
    );
    assert!(run.status.success());
    assert!(stderr(&run).contains("is not HTTPS"), "{}", stderr(&run));
}

#[test]
fn a_page_without_description_is_a_warning_at_its_file() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let run = build_to(
        site.path(),
        out.path(),
        &["--base-url", "https://www.zonavalledelserchio.it/"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("content/comuni/gallicano.md:1:1: warning: the page has no `description`"),
        "{err}"
    );
    let run = build_to(
        site.path(),
        out.path(),
        &[
            "--strict",
            "--base-url",
            "https://www.zonavalledelserchio.it/",
        ],
    );
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn stylesheets_and_scripts_are_linked_by_a_content_hash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let home = read(out.path(), "index.html");
    let href = home
        .split("<link rel=\"stylesheet\" href=\"/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let hash = href
        .strip_prefix("css/serchio.")
        .and_then(|h| h.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("{href}"));
    assert_eq!(hash.len(), 8, "{href}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{href}");
    // The fingerprinted copy is the stylesheet, byte for byte.
    assert_eq!(
        std::fs::read(out.path().join(href)).unwrap(),
        std::fs::read(root.join("themes/serchio/static/css/serchio.css")).unwrap()
    );
    // A changed stylesheet gets a new name.
    let site = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("site.yaml"), site.path().join("site.yaml")).unwrap();
    for dir in ["content", "themes"] {
        copy_dir(&root.join(dir), &site.path().join(dir));
    }
    let css = site.path().join("themes/serchio/static/css/serchio.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n/* changed */\n");
    std::fs::write(&css, text).unwrap();
    let out2 = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out2.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!read(out2.path(), "index.html").contains(href));
}

/// The basic fixture, copied, with `files` written over it (path → text).
fn basic_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let site = copy_fixture("basic");
    for (path, text) in files {
        let path = site.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    site
}

/// The problems printed (every line but the summary).
fn problems(run: &std::process::Output) -> Vec<String> {
    stderr(run)
        .lines()
        .filter(|l| l.starts_with("content") || l.starts_with("static") || l.starts_with("themes"))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_alias_never_replaces_another_file_of_the_build() {
    let site = basic_with(&[(
        "content/progetti/av3.md",
        "---\ntitle: Progetto AV3\ndate: 2017-01-02\naliases:\n  - /index.html\n  - /404.html\n  - /comuni/barga/index.html\n  - /robots.txt/\n  - /style.css/\n  - /sitemap.xml/\n  - /progetti/av3-vecchio/\nextra:\n  importo: 197769\n---\nTesto.\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/progetti/av3.md:5:5: error: alias /index.html would replace the page content/_index.md (index.html): remove it or choose another address",
            "content/progetti/av3.md:6:5: error: alias /404.html would replace the not-found page (404.html): remove it or choose another address",
            "content/progetti/av3.md:7:5: error: alias /comuni/barga/index.html would replace the page content/comuni/barga.md (comuni/barga/index.html): remove it or choose another address",
            "content/progetti/av3.md:8:5: error: alias /robots.txt/ would need a folder robots.txt where the generated robots.txt is written: remove it or choose another address",
            "content/progetti/av3.md:9:5: error: alias /style.css/ would need a folder style.css where the static file static/style.css is written: remove it or choose another address",
            "content/progetti/av3.md:10:5: error: alias /sitemap.xml/ would need a folder sitemap.xml where the generated sitemap is written: remove it or choose another address",
        ]
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn two_pages_claiming_one_alias_is_an_error_naming_both() {
    let site = basic_with(&[(
        "content/progetti/av3.md",
        "---\ntitle: Progetto AV3\ndate: 2017-01-02\naliases: [/tirocini-vecchi/]\nextra:\n  importo: 197769\n---\nTesto.\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/progetti/av3.md:4:11: error: alias /tirocini-vecchi/ is also claimed by content/servizi/tirocini.md: an old address can redirect to one page only",
            "content/servizi/tirocini.md:5:11: error: alias /tirocini-vecchi/ is also claimed by content/progetti/av3.md: an old address can redirect to one page only",
        ]
    );
}

#[test]
fn a_write_error_names_the_page_that_caused_it() {
    // A slug longer than any file name the system allows.
    let slug = "a".repeat(300);
    let page = format!("---\ntitle: Lunga\nslug: {slug}\n---\nTesto.\n");
    let site = basic_with(&[("content/lunga.md", &page)]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let lines = problems(&run);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!(
            "content/lunga.md: error: cannot write {slug}/index.html: "
        )),
        "{lines:?}"
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn a_site_without_a_home_page_is_a_warning() {
    let site = copy_fixture("basic");
    std::fs::remove_file(site.path().join("content/_index.md")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains(
            "content: warning: there is no content/_index.md: the site has no home page (index.html)\n"
        ),
        "{}",
        stderr(&run)
    );
    assert!(!out.path().join("index.html").exists());
}

#[test]
fn markdown_files_symlinks_and_file_names_with_spaces() {
    let site = basic_with(&[
        (
            "content/Chi Siamo.md",
            "---\ntitle: Chi siamo\n---\nTesto.\n",
        ),
        (
            "content/orari.markdown",
            "---\ntitle: Orari\n---\nVedi [chi siamo](<@/Chi Siamo.md>).\n",
        ),
        (
            "elsewhere/linked.md",
            "---\ntitle: Collegata\n---\nTesto.\n",
        ),
        ("elsewhere/folder/x.md", "---\ntitle: X\n---\n"),
        ("content/foto.jpg", "not a page"),
        (
            "content/comuni/pieve.markdown",
            "---\ntitle: Pieve\nextra:\n  istat: \"046000\"\n---\n",
        ),
    ]);
    let root = site.path();
    let tirocini = root.join("content/servizi/tirocini.md");
    let text = std::fs::read_to_string(&tirocini)
        .unwrap()
        .replace("comuni: [barga,", "comuni: [pieve, barga,");
    std::fs::write(&tirocini, text).unwrap();
    std::os::unix::fs::symlink(
        root.join("elsewhere/linked.md"),
        root.join("content/collegata.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("elsewhere/folder"), root.join("content/cartella"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run)
            .contains("content/cartella: warning: a symbolic link to a folder is not followed"),
        "{}",
        stderr(&run)
    );
    assert!(
        stderr(&run).contains("content/foto.jpg: warning: not published: only Markdown pages and the files of page bundles"),
        "{}",
        stderr(&run)
    );
    let o = out.path();
    assert!(read(o, "chi-siamo/index.html").contains("Chi siamo"));
    // A `.markdown` page named by a reference field.
    assert!(read(o, "servizi/tirocini/index.html")
        .contains(r#"<li><a href="/comuni/pieve/">Pieve</a></li>"#));
    assert!(read(o, "orari/index.html").contains(r#"<a href="/chi-siamo/">chi siamo</a>"#));
    assert!(read(o, "collegata/index.html").contains("Collegata"));
    let sitemap = read(o, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://prova.example.org/chi-siamo/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("Chi Siamo"), "{sitemap}");
}

#[test]
fn a_slug_that_needs_encoding_is_an_error_with_the_fix() {
    let site = basic_with(&[(
        "content/pagina.md",
        "---\ntitle: Pagina\nslug: Chi siamo\n---\n",
    )]);
    let run = ambito(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        problems(&run),
        ["content/pagina.md:3:7: error: `slug` must be made of letters a-z, digits and `-`, found `Chi siamo` (write `chi-siamo`)"]
    );
}

#[test]
fn an_unreadable_folder_is_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let site = basic_with(&[
        ("content/chiusa/pagina.md", "---\ntitle: Chiusa\n---\n"),
        ("content/zeta.md", "---\ntitel: Zeta\n---\n"),
    ]);
    let root = site.path();
    // Readable by everyone but the folder that is closed (the tests may
    // run as root, who reads anything: the build then runs as nobody).
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        root.join("content/chiusa"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_ambito");
    let is_root = std::fs::read_dir(root.join("content/chiusa")).is_ok();
    let run = if is_root {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
            .args(["check", "--root", root.to_str().unwrap(), "--lang", "en"])
            .output()
            .expect("setpriv, to run the build as an unprivileged user")
    } else {
        ambito(&["check", "--root", root.to_str().unwrap()])
    };
    std::fs::set_permissions(
        root.join("content/chiusa"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/chiusa: error: cannot read: Permission denied (os error 13)",
            "content/zeta.md:1:1: error: missing required field `title` in front matter",
            "content/zeta.md:2:1: error: unknown field `titel` in front matter (did you mean `title`?)",
        ]
    );
}

#[test]
fn impossible_datetimes_are_errors_and_times_are_kept() {
    let site = basic_with(&[
        (
            "content/a.md",
            "---\ntitle: A\ndate: 2022-07-21T25:99\n---\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\nupdated: 2022-07-21 10:30:00 +0200\n---\n",
        ),
    ]);
    let run = ambito(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(
        problems(&run),
        ["content/a.md:3:7: error: bad date `2022-07-21T25:99` for `date`: hour must be 00 to 23, found 25"]
    );
    std::fs::remove_file(site.path().join("content/a.md")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        read(out.path(), "sitemap.xml").contains("<lastmod>2022-07-21T10:30:00+02:00</lastmod>")
    );
}

#[test]
fn a_hugo_style_site_builds_with_the_expected_warnings() {
    // TOML front matter, a page bundle with an image and a PDF, a headless
    // bundle, a Jekyll `.markdown` page, leftover shortcode and kramdown.
    // A copy outside the repository: its files' dates are today's, not
    // those of the fixture's last commit.
    let site = copy_fixture("hugo");
    let out = tempfile::tempdir().unwrap();
    let run = build_to(
        site.path(),
        out.path(),
        &["--base-url", "https://www.migrato.it/"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/notizie/prima-notizia.md:10:1: warning: a Hugo shortcode from another generator, `{{< youtube w7Ft2ymGmfc >}}`: it would be published as written: replace it with Markdown or remove it",
            "content/notizie/vecchia.markdown:7:1: warning: a kramdown attribute list from another generator, `{: .lead}`: remove it, or give a heading an id as {#id}",
        ]
    );
    assert!(stderr(&run).contains("(2 warnings)"), "{}", stderr(&run));
    let o = out.path();
    let files: Vec<String> = snapshot(o).into_keys().collect();
    assert_eq!(
        files,
        [
            "404.html",
            "index.html",
            "news/prima/index.html",
            "notizie/bando/allegati/bando.pdf",
            "notizie/bando/index.html",
            "notizie/bando/locandina.png",
            "notizie/index.html",
            "notizie/prima-notizia/index.html",
            "notizie/vecchia/index.html",
            "robots.txt",
            "sitemap.xml",
            "tags/inclusione-sociale/index.html",
            "tags/index.html",
            "tags/lavoro/index.html",
        ],
        "the headless bundle and its file are not published"
    );
    // Taxonomy pages: the list of terms, each term's pages, the page's terms.
    assert!(read(o, "tags/index.html").contains(r#"<ul><li><a href="/tags/inclusione-sociale/">Inclusione sociale</a> (1)</li><li><a href="/tags/lavoro/">Lavoro</a> (2)</li></ul>"#));
    let term = read(o, "tags/lavoro/index.html");
    assert!(term.contains(r#"<ol class="crumbs"><li><a href="/">Benvenuti</a></li><li><a href="/tags/">Etichette</a></li><li><a href="/tags/lavoro/">Lavoro</a></li></ol>"#), "{term}");
    // The term's last change: its newest page's, here the copied files' date.
    let today = today_utc();
    assert!(
        term.contains(r#"<title>Lavoro</title>"#)
            && term.contains(&format!(r#"<p class="modifica">{today}</p>"#)),
        "{term}"
    );
    assert!(read(o, "tags/lavoro/index.html").contains(r#"<ul><li><a href="/notizie/bando/">Bando 2024</a> <time datetime="2024-04-01">1º aprile 2024</time></li><li><a href="/notizie/prima-notizia/">Prima notizia</a>"#));
    assert!(read(o, "notizie/prima-notizia/index.html").contains(r#"<ul class="tags"><li><a href="/tags/lavoro/">Lavoro</a></li><li><a href="/tags/inclusione-sociale/">Inclusione sociale</a></li></ul>"#));
    assert!(read(o, "sitemap.xml").contains("<loc>https://www.migrato.it/tags/lavoro/</loc>"));
    let bundle = fixture("hugo/content/notizie/bando");
    assert_eq!(
        std::fs::read(o.join("notizie/bando/locandina.png")).unwrap(),
        std::fs::read(bundle.join("locandina.png")).unwrap()
    );
    let page = read(o, "notizie/bando/index.html");
    assert!(
        page.contains(r#"<img src="locandina.png" alt="Locandina" />"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="allegati/bando.pdf">bando</a>"#));
    let prima = read(o, "notizie/prima-notizia/index.html");
    assert!(
        prima.contains(r#"<time datetime="2024-03-05T10:30:00+01:00">5 marzo 2024</time>"#),
        "{prima}"
    );
    assert!(prima.contains(r#"<a href="/notizie/bando/">bando</a>"#));
    // A Jekyll `.markdown` page, its datetime kept.
    assert!(read(o, "notizie/vecchia/index.html").contains("2019-05-04T10:10:00+02:00"));
    assert!(read(o, "sitemap.xml").contains("<loc>https://www.migrato.it/notizie/vecchia/</loc>"));
}

#[test]
fn bundle_links_and_headless_bundles_are_checked() {
    let site = copy_fixture("hugo");
    let root = site.path();
    std::fs::write(
        root.join("content/notizie/bando/index.md"),
        "---\ntitle: Bando 2024\n---\n![Locandina](locandina.png)\n\nIl [bando](allegati/bandi.pdf) e le [risorse](@/notizie/nascosto/index.md).\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/notizie/altra.md"),
        "+++\ntitle = \"Altra\"\nheadless = true\n+++\n",
    )
    .unwrap();
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let errors: Vec<String> = problems(&run)
        .into_iter()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "content/notizie/altra.md:3:1: error: `headless` applies only to a page bundle (a folder with an index.md): use `draft: true` to hide a page",
            "content/notizie/bando/index.md:6:12: error: link to allegati/bandi.pdf: no such file in content/notizie/bando/ (did you mean `allegati/bando.pdf`?)",
            "content/notizie/bando/index.md:6:47: error: link to @/notizie/nascosto/index.md: no such page (it is a headless bundle: it is not published)",
        ]
    );
}

#[test]
fn check_on_a_migrated_content_folder_groups_repeated_problems() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: https://www.migrato.it/\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/post")).unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\n",
    )
    .unwrap();
    for i in 0..30 {
        let extra = if i % 3 == 0 {
            "categories = [\"x\"]\n"
        } else {
            ""
        };
        std::fs::write(
            root.join(format!("content/post/p{i:02}.md")),
            format!("+++\ntitle = \"Post {i}\"\nlayout = \"post\"\ntags = [\"a\"]\n{extra}+++\nTesto {{{{< figure src=\"a.png\" >}}}}\n"),
        )
        .unwrap();
    }
    // One page with a problem of its own keeps its line.
    std::fs::write(
        root.join("content/post/rotta.md"),
        "+++\ntitle = \"Rotta\"\ndate = 2022-02-30\n+++\n",
    )
    .unwrap();
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        stderr(&run),
        "\
content: error: 30 pages use front-matter fields ambito does not know: layout (30), tags (30), categories (10); move them under `extra:` (declared in site.yaml where the section has a schema) or remove them. For example: content/post/p00.md:3:1: error: unknown field `layout` in front matter (section-specific fields go under `extra:`)
content: error: 31 pages need templates missing from the theme and templates/: page.html (30), index.html (1); set a `theme` in site.yaml or add them to templates/ (another generator's layouts/ are not read). For example: content/_index.md: error: the template `index.html` this page needs is missing from the theme and templates/
content/post/rotta.md:3:8: error: front matter is not valid TOML: impossible date or time: write it as 2022-07-21 or 2022-07-21T10:30:00+02:00
3 errors found: fix them and run `ambito check` again
"
    );
    // Once fixed, the repeated warnings are one line too.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    for t in ["index.html", "page.html", "section.html"] {
        std::fs::write(root.join("templates").join(t), "{{ page.title }}").unwrap();
    }
    for i in 0..30 {
        std::fs::write(
            root.join(format!("content/post/p{i:02}.md")),
            format!("+++\ntitle = \"Post {i}\"\n+++\nTesto {{{{< figure src=\"a.png\" >}}}} {{% link x.md %}}\n"),
        )
        .unwrap();
    }
    std::fs::remove_file(root.join("content/post/rotta.md")).unwrap();
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert!(
        lines.contains(&"content: warning: 30 pages contain syntax of other generators, published as written: {% link %} (30), {{< figure >}} (30); replace it with Markdown (links: [text](@/section/page.md)). For example: content/post/p00.md:4:7: warning: a Hugo shortcode from another generator, `{{< figure src=\"a.png\" >}}`: it would be published as written: replace it with Markdown or remove it"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn taxonomy_terms_are_checked_like_references() {
    let site = copy_fixture("hugo");
    let root = site.path();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: https://www.migrato.it/\ntaxonomies:\n  tags:\n    sections: [notizie]\n    terms: [Lavoro, Inclusione sociale, Minori]\n",
    )
    .unwrap();
    let edit = |path: &str, from: &str, to: &str| {
        let path = root.join(path);
        let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
        std::fs::write(path, text).unwrap();
    };
    edit(
        "content/notizie/prima-notizia.md",
        "\"Lavoro\"",
        "\"Lavroo\"",
    );
    edit(
        "content/notizie/bando/index.md",
        "[Lavoro]",
        "[lavoro, minori]",
    );
    edit("content/_index.md", "+++\n", "+++\ntags = [\"Minori\"]\n");
    edit(
        "content/notizie/vecchia.markdown",
        "---\n",
        "---\naliases: [/tags/minori/]\ntags: [Minori]\n",
    );
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/_index.md:2:9: error: `tags` is not used in the top-level pages: site.yaml allows it in notizie",
            "content/notizie/prima-notizia.md:6:9: error: `tags` names `Lavroo`: no such term (did you mean `Lavoro`?)",
            "content/notizie/vecchia.markdown:2:11: error: alias /tags/minori/ would replace the page of its term `minori` of taxonomy `tags` (tags/minori/index.html): remove it or choose another address",
        ]
    );
    // Errors fixed: one term written two ways is a warning.
    edit(
        "content/notizie/prima-notizia.md",
        "\"Lavroo\"",
        "\"Lavoro\"",
    );
    edit("content/_index.md", "tags = [\"Minori\"]\n", "");
    edit(
        "content/notizie/vecchia.markdown",
        "aliases: [/tags/minori/]\n",
        "",
    );
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("content/notizie/vecchia.markdown:2:8: warning: term `Minori` of `tags` is written `minori` in content/notizie/bando/index.md: write it the same way everywhere\n"), "{}", stderr(&run));
}

#[test]
fn the_shipped_site_lists_its_news_by_topic() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = build_to(repo, out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let news = std::fs::read_dir(repo.join("content/notizie"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "_index.md")
        .count();
    assert!(news > 0);
    for page in ["argomenti/index.html", "argomenti/scadenze/index.html"] {
        let html = read(out.path(), page);
        // The theme's own pages: the EU notice, the last-change date.
        assert!(
            html.contains("Progetti cofinanziati dall’Unione europea"),
            "{html}"
        );
        assert!(html.contains("Data ultima modifica"), "{html}");
    }
    let term = read(out.path(), "argomenti/scadenze/index.html");
    let list = term.split_once(r#"<ul class="elenco">"#).unwrap().1;
    let list = list.split_once("</ul>").unwrap().0;
    assert_eq!(
        list.matches("<li><a href=\"/notizie/").count(),
        news,
        "{term}"
    );
    // News has a feed, so each topic has one, announced by its page.
    assert!(
        term.contains(
            r#"<link rel="alternate" type="application/atom+xml" title="Argomenti: Scadenze – "#
        ),
        "{term}"
    );
    let feed = read(out.path(), "argomenti/scadenze/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), news.min(50), "{feed}");
    let item = read(out.path(), "notizie/scadenza-av1-113/index.html");
    assert!(
        item.contains(r#"Argomenti: <a href="/argomenti/scadenze/">Scadenze</a>"#),
        "{item}"
    );
}

#[test]
fn a_bundle_inside_a_bundle_is_files_of_the_outer_one() {
    let site = copy_fixture("hugo");
    let root = site.path();
    std::fs::write(
        root.join("content/notizie/bando/allegati/index.md"),
        "---\ntitle: Interno\n---\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &["--base-url", "https://www.migrato.it/"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        read(out.path(), "notizie/bando/allegati/index.md"),
        "---\ntitle: Interno\n---\n"
    );
    assert!(!out
        .path()
        .join("notizie/bando/allegati/index.html")
        .exists());
}

#[test]
fn new_writes_a_page_from_the_schema_that_check_then_explains() {
    let site = copy_fixture("basic");
    let root = site.path().to_str().unwrap();
    let run = ambito_it(&["new", "comuni", "nuovo-comune", "--root", root]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("scritta content/comuni/nuovo-comune.md"));
    let text = read(site.path(), "content/comuni/nuovo-comune.md");
    // Every field of the schema, required first, each saying what it takes.
    let istat = text
        .find("  istat:    # obbligatorio: una riga di testo")
        .unwrap();
    let cap = text
        .find("  # cap:    # facoltativo: una riga di testo")
        .unwrap();
    assert!(istat < cap, "{text}");
    // check points at exactly what is left to fill in.
    let mine = |run: &std::process::Output| -> Vec<String> {
        stderr(run)
            .lines()
            .filter(|l| l.starts_with("content/comuni/nuovo-comune.md"))
            .map(str::to_string)
            .collect()
    };
    let run = ambito(&["check", "--root", root]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        mine(&run),
        [
            "content/comuni/nuovo-comune.md:2:6: error: wrong type for `title`: expected text, found nothing",
            "content/comuni/nuovo-comune.md:3:12: error: wrong type for `description`: expected text, found nothing",
            "content/comuni/nuovo-comune.md:6:8: error: wrong type for `istat`: expected one line of text, found nothing",
        ],
        "{}",
        stderr(&run)
    );
    let run = ambito_it(&["check", "--root", root]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        mine(&run),
        [
            "content/comuni/nuovo-comune.md:2:6: errore: tipo sbagliato per «title»: serve un testo, trovato nulla",
            "content/comuni/nuovo-comune.md:3:12: errore: tipo sbagliato per «description»: serve un testo, trovato nulla",
            "content/comuni/nuovo-comune.md:6:8: errore: tipo sbagliato per «istat»: serve una riga di testo, trovato nulla",
        ],
        "{}",
        stderr(&run)
    );
    // Never over an existing page; a typo in the section gets a hint.
    let run = ambito_it(&["new", "comuni", "nuovo-comune", "--root", root]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run),
        "errore: content/comuni/nuovo-comune.md esiste già: scegli un altro nome\n"
    );
    let run = ambito_it(&["new", "comunni", "x", "--root", root]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run),
        "errore: non esiste la sezione «comunni» in content/ (forse intendevi «comuni»?)\n"
    );
    let run = ambito(&["new", "comunni", "x", "--root", root]);
    assert_eq!(
        stderr(&run),
        "error: no section `comunni` in content/ (did you mean `comuni`?)\n"
    );
    let run = ambito(&["new", "comuni", "Nuovo Comune", "--root", root]);
    assert_eq!(run.status.code(), Some(1));
}

/// Runs `git` in `dir` with a fixed author and commit date.
fn git(dir: &Path, date: &str, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Redazione")
        .env("GIT_AUTHOR_EMAIL", "redazione@example.org")
        .env("GIT_COMMITTER_NAME", "Redazione")
        .env("GIT_COMMITTER_EMAIL", "redazione@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git is installed (scripts/test-deps)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `lastmod` of `url` in a built sitemap.
fn lastmod(out: &Path, url: &str) -> Option<String> {
    let sitemap = read(out, "sitemap.xml");
    let entry = sitemap
        .split("<url>")
        .find(|e| e.contains(&format!("<loc>{url}</loc>")))?;
    let rest = entry.split("<lastmod>").nth(1)?;
    Some(rest.split('<').next()?.to_string())
}

#[test]
fn last_change_dates_come_from_git_then_the_file_never_the_build() {
    let site = copy_fixture("basic");
    let root = site.path();
    git(
        root,
        "2024-02-01T10:00:00+01:00",
        &["init", "-q", "-b", "main"],
    );
    git(root, "2024-02-01T10:00:00+01:00", &["add", "-A"]);
    git(
        root,
        "2024-02-01T10:00:00+01:00",
        &["commit", "-q", "-m", "first"],
    );
    let gallicano = root.join("content/comuni/gallicano.md");
    let text = std::fs::read_to_string(&gallicano).unwrap();
    std::fs::write(&gallicano, text.replace("Testo.", "Testo nuovo.")).unwrap();
    // Late in the evening in Italy: the commit's own date, not UTC's.
    git(
        root,
        "2025-06-01T23:30:00+02:00",
        &["commit", "-q", "-am", "second"],
    );
    // An edit not committed yet: its file's date, which is today.
    let barga = root.join("content/comuni/barga.md");
    let text = std::fs::read_to_string(&barga).unwrap();
    std::fs::write(&barga, format!("{text}\nAggiunta.\n")).unwrap();

    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let o = out.path();
    let base = "https://prova.example.org";
    assert_eq!(
        lastmod(o, &format!("{base}/comuni/gallicano/")).as_deref(),
        Some("2025-06-01")
    );
    assert_eq!(
        lastmod(o, &format!("{base}/progetti/av3/")).as_deref(),
        Some("2024-02-01")
    );
    let today = today_utc();
    assert_eq!(lastmod(o, &format!("{base}/comuni/barga/")), Some(today));
    // `updated` written by staff wins.
    assert_eq!(
        lastmod(o, &format!("{base}/informativa-privacy/")).as_deref(),
        Some("2024-03-05")
    );
}

/// Every file under `dir` with its modification time.
fn mtimes(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let t = entry.metadata().unwrap().modified().unwrap();
            out.insert(entry.path().strip_prefix(dir).unwrap().to_path_buf(), t);
        }
    }
    out
}

#[test]
fn a_rebuild_with_nothing_changed_keeps_every_mtime_and_a_changed_page_is_updated() {
    let site = copy_fixture("basic");
    let root = site.path();
    let public = root.join("public");
    let build = || {
        let run = ambito(&["build", "--root", root.to_str().unwrap()]);
        assert!(run.status.success(), "{}", stderr(&run));
    };
    // Twice, so that the tree kept for reuse is in play.
    build();
    build();
    let before = mtimes(&public);
    let bytes = snapshot(&public);
    assert!(before.len() > 10);
    std::thread::sleep(std::time::Duration::from_millis(50));
    build();
    assert_eq!(mtimes(&public), before, "a rebuild rewrote unchanged files");
    assert_eq!(snapshot(&public), bytes);

    // One page edited: it changes, the others keep their mtime.
    let page = root.join("content/comuni/barga.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nTesto aggiunto oggi.\n")).unwrap();
    build();
    let after = mtimes(&public);
    let barga = PathBuf::from("comuni/barga/index.html");
    assert_ne!(after[&barga], before[&barga]);
    assert!(std::fs::read_to_string(public.join(&barga))
        .unwrap()
        .contains("Testo aggiunto oggi."));
    assert!(after
        .iter()
        .any(|(p, t)| p != &barga && before.get(p) == Some(t)));
}

/// The search index (`search: true`) is part of the incremental build:
/// Pagefind's output is the same bytes for the same pages, so a rebuild
/// with nothing changed keeps every index file and its mtime; an edited
/// page changes the index.
#[test]
fn the_search_index_is_written_with_the_site_and_kept_when_nothing_changed() {
    let site = copy_fixture("basic");
    let root = site.path();
    let config = root.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\nsearch: true\n")).unwrap();
    let public = root.join("public");
    let build = || {
        let run = ambito(&["build", "--root", root.to_str().unwrap()]);
        assert!(run.status.success(), "{}", stderr(&run));
    };
    build();
    build();
    let index = |m: &BTreeMap<PathBuf, std::time::SystemTime>| {
        m.iter()
            .filter(|(p, _)| p.starts_with("pagefind"))
            .map(|(p, t)| (p.clone(), *t))
            .collect::<BTreeMap<_, _>>()
    };
    let before = mtimes(&public);
    assert!(public.join("pagefind/pagefind.js").is_file());
    assert!(public.join("pagefind/pagefind-entry.json").is_file());
    assert!(index(&before).len() > 5, "{:?}", index(&before).keys());
    std::thread::sleep(std::time::Duration::from_millis(50));
    build();
    assert_eq!(mtimes(&public), before, "a rebuild rewrote unchanged files");

    let page = root.join("content/comuni/barga.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nParola nuova: zafferano.\n")).unwrap();
    build();
    let entry = read(&public, "pagefind/pagefind-entry.json");
    assert!(entry.contains("\"page_count\""), "{entry}");
    assert_ne!(
        index(&mtimes(&public)),
        index(&before),
        "the index did not follow the edit"
    );
}

/// Open data from a site's own schemas: a section with `open_data:` gets
/// `dati/{section}.csv` and `.json`; a single reference is one code, a
/// list of references an array of codes (`code:` of the named section, else
/// the slug); a `code` that is not a field is an error at `site.yaml`.
#[test]
fn open_data_follows_the_section_schemas() {
    let site = copy_fixture("basic");
    let root = site.path();
    let config = root.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace(
            "    page_template: comune.html\n",
            "    page_template: comune.html\n    open_data: { code: istat }\n",
        )
        .replace("  servizi:\n", "  servizi:\n    open_data: true\n");
    std::fs::write(&config, &text).unwrap();
    let public = root.join("public");
    let run = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));

    let services: serde_json::Value =
        serde_json::from_str(&read(&public, "dati/servizi.json")).unwrap();
    let tirocini = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "tirocini")
        .unwrap();
    assert_eq!(tirocini["progetto"], "av1-113", "{tirocini}");
    assert_eq!(tirocini["comuni"], serde_json::json!(["046003", "046015"]));
    let csv = read(&public, "dati/servizi.csv");
    assert!(
        csv.starts_with("slug,titolo,pagina,comuni,progetto\n"),
        "{csv}"
    );
    assert!(csv.contains(",046003;046015,av1-113\n"), "{csv}");
    assert!(
        !public.join("dati/progetti.csv").exists(),
        "progetti did not opt in"
    );
    let catalogue: serde_json::Value =
        serde_json::from_str(&read(&public, "dati/catalogo.jsonld")).unwrap();
    assert_eq!(catalogue["dcat:dataset"].as_array().unwrap().len(), 2);

    std::fs::write(&config, text.replace("code: istat", "code: istatt")).unwrap();
    let run = ambito(&["build", "--root", root.to_str().unwrap()]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("site.yaml") && err.contains("`istatt`") && err.contains("`istat`"),
        "{err}"
    );
}

#[test]
fn terms_of_a_taxonomy_used_by_a_section_with_a_feed_have_feeds() {
    use atom_syndication::Feed;
    let yaml = std::fs::read_to_string(fixture("basic").join("site.yaml"))
        .unwrap()
        .replace("    sort_by: date\n", "    sort_by: date\n    feed: true\n")
        + "taxonomies:\n  temi:\n    title: Temi\n  luoghi: {}\n";
    let add = |path: &'static str, field: &str| {
        let text = std::fs::read_to_string(fixture("basic").join(path)).unwrap();
        (path, text.replacen("---\n", &format!("---\n{field}\n"), 1))
    };
    let files = [
        add("content/progetti/av1-113.md", "temi: [Lavoro]"),
        add("content/progetti/av3.md", "temi: [Lavoro, Minori]"),
        // In a section without a feed: still in its term's feed.
        add(
            "content/servizi/tirocini.md",
            "temi: [Lavoro]\nluoghi: [Barga]",
        ),
    ];
    let mut all: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    all.push(("site.yaml", &yaml));
    let site = basic_with(&all);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));

    let text = read(out.path(), "temi/lavoro/atom.xml");
    let feed: Feed = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(feed.id, "https://prova.example.org/temi/lavoro/atom.xml");
    assert_eq!(feed.title.as_str(), "Temi: Lavoro – Sito di prova");
    assert_eq!(
        feed.links
            .iter()
            .map(|l| l.href.as_str())
            .collect::<Vec<_>>(),
        [
            "https://prova.example.org/temi/lavoro/atom.xml",
            "https://prova.example.org/temi/lavoro/"
        ]
    );
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://prova.example.org/servizi/tirocini/",
            "https://prova.example.org/progetti/av1-113/",
            "https://prova.example.org/progetti/av3/",
        ]
    );
    let text = read(out.path(), "temi/minori/atom.xml");
    let feed: Feed = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["https://prova.example.org/progetti/av3/"]);
    // The term's page links its feed; a taxonomy no section with a feed
    // uses has none.
    assert!(read(out.path(), "temi/lavoro/index.html").contains(
        r#"<link rel="alternate" type="application/atom+xml" title="Temi: Lavoro – Sito di prova" href="/temi/lavoro/atom.xml">"#
    ));
    assert!(out.path().join("luoghi/barga/index.html").is_file());
    assert!(!out.path().join("luoghi/barga/atom.xml").exists());
    assert!(!read(out.path(), "luoghi/barga/index.html").contains("atom+xml"));

    // An alias where a term's feed is written is an error at its line.
    let av3 = files[1]
        .1
        .replacen("---\n", "---\naliases: [/temi/minori/atom.xml]\n", 1);
    all[1] = ("content/progetti/av3.md", &av3);
    let site = basic_with(&all);
    let run = ambito(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        ["content/progetti/av3.md:2:11: error: alias /temi/minori/atom.xml would need a folder temi/minori/atom.xml where the feed of term `minori` of taxonomy `temi` is written: remove it or choose another address"]
    );
}

#[test]
fn three_pages_claiming_one_alias_are_each_reported_once_naming_the_others() {
    let page =
        |title: &str| format!("---\ntitle: {title}\naliases: [/tirocini-vecchi/]\n---\nTesto.\n");
    let (a, b) = (page("A"), page("B"));
    let site = basic_with(&[("content/a.md", &a), ("content/b.md", &b)]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/a.md:3:11: error: alias /tirocini-vecchi/ is also claimed by content/b.md, content/servizi/tirocini.md: an old address can redirect to one page only",
            "content/b.md:3:11: error: alias /tirocini-vecchi/ is also claimed by content/a.md, content/servizi/tirocini.md: an old address can redirect to one page only",
            "content/servizi/tirocini.md:5:11: error: alias /tirocini-vecchi/ is also claimed by content/a.md, content/b.md: an old address can redirect to one page only",
        ]
    );
}

#[test]
fn a_write_error_of_an_alias_names_the_page_that_declares_it() {
    // An alias longer than any file name the system allows.
    let alias = "a".repeat(300);
    let page = format!("---\ntitle: Vecchia\naliases: [/{alias}/]\n---\nTesto.\n");
    let site = basic_with(&[("content/vecchia.md", &page)]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let lines = problems(&run);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!(
            "content/vecchia.md: error: cannot write {alias}/index.html: "
        )),
        "{lines:?}"
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn a_sites_own_robots_sitemap_and_alias_templates_replace_the_built_in_ones() {
    let site = basic_with(&[
        (
            "templates/robots.txt",
            "User-agent: *\nDisallow: /bozze/\n# site: {{ config.title }}\n",
        ),
        (
            "templates/sitemap.xml",
            "<!-- site's own -->{% for e in entries %}\n{{ e.permalink }}{% endfor %}\n",
        ),
        (
            "templates/alias.html",
            "<p>Spostata: {{ url }} ({{ permalink }})</p>\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        read(out.path(), "robots.txt"),
        "User-agent: *\nDisallow: /bozze/\n# site: Sito di prova\n"
    );
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(
        sitemap.starts_with("<!-- site's own -->\nhttps://prova.example.org/"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("<urlset"), "{sitemap}");
    // content/servizi/tirocini.md has the alias /tirocini-vecchi/.
    assert_eq!(
        read(out.path(), "tirocini-vecchi/index.html"),
        "<p>Spostata: /servizi/tirocini/ (https://prova.example.org/servizi/tirocini/)</p>\n"
    );
}

/// A site with search on and `extra` comuni pages beyond the fixture's.
fn searchable_site(extra: usize) -> tempfile::TempDir {
    let site = copy_fixture("basic");
    let root = site.path();
    let config = root.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\nsearch: true\n")).unwrap();
    for i in 0..extra {
        std::fs::write(
            root.join(format!("content/comuni/paese-{i:03}.md")),
            format!(
                "---\ntitle: Paese {i}\nextra:\n  istat: \"046{i:03}\"\n---\n\
                 ## Servizi a Paese {i}\n\nLo sportello sociale del paese {i} è aperto \
                 il martedì; la parola {i} e la parola rara{} compaiono qui.\n",
                i * 7
            ),
        )
        .unwrap();
    }
    site
}

/// Pages are parsed for the index on the threads that render them, in
/// whatever order the threads finish; the index is still the same bytes
/// build after build.
#[test]
fn the_search_index_is_the_same_bytes_in_two_builds() {
    let site = searchable_site(300);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for out in [a.path(), b.path()] {
        let run = build_to(site.path(), out, &[]);
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let index = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        snapshot(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("pagefind/"))
            .collect()
    };
    let (first, second) = (index(a.path()), index(b.path()));
    assert!(
        first.len() > 300,
        "{:?}",
        first.keys().take(5).collect::<Vec<_>>()
    );
    let entry: serde_json::Value =
        serde_json::from_slice(&first["pagefind/pagefind-entry.json"]).unwrap();
    assert!(
        entry["languages"]["it"]["page_count"].as_u64().unwrap() > 300,
        "{entry}"
    );
    assert!(first == second, "two builds gave different index files");
}

/// Indexing is linear in the page, however deeply it nests: Pagefind
/// copies each element's text into its parent's, so a list nested 200,000
/// deep took minutes; the vendored parser reads elements beyond 64 levels
/// as their text. The page's words are still found. The bound is relative,
/// for a debug build (its HTML parser is slow: about 7 times the build
/// without search here, under load; before, the release binary alone took
/// over 30 s): with search at most 15 times the build without. The release
/// binary's figure is `cargo bench --bench build -- --deep 200000`.
#[test]
fn a_deeply_nested_page_is_indexed_in_linear_time() {
    let site = searchable_site(0);
    let root = site.path();
    let depth = 200_000;
    let page = root.join("content/privacy.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\n{}zafferano\n", "- ".repeat(depth))).unwrap();
    let time = |search: bool| {
        let config = root.join("site.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text.replace("search: true", "search: false");
        let text = if search {
            text.replace("search: false", "search: true")
        } else {
            text
        };
        std::fs::write(&config, text).unwrap();
        let out = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let run = build_to(root, out.path(), &[]);
        let took = started.elapsed();
        assert!(run.status.success(), "{}", stderr(&run));
        (took, out)
    };
    let (without, _) = time(false);
    let (with, out) = time(true);
    eprintln!("{depth} deep: without search {without:?}, with search {with:?}");
    assert!(
        with <= without * 15,
        "with search {with:?}, without {without:?}: indexing is not linear in the page"
    );
    // The deepest word is in the index: the page has a fragment, and a
    // fragment holds it.
    let fragments: Vec<Vec<u8>> = snapshot(out.path())
        .into_iter()
        .filter(|(p, _)| p.starts_with("pagefind/fragment/"))
        .map(|(_, bytes)| bytes)
        .collect();
    let found = fragments.iter().any(|gz| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).is_ok()
            && text.contains("zafferano")
    });
    assert!(found, "the word at the bottom of the list is not indexed");
}

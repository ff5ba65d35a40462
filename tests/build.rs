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
            ".ambito",
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
            "style.9c9a1472.css",
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
fn an_output_over_the_sites_own_files_is_refused_and_nothing_touched() {
    let site = copy_fixture("basic");
    let root = site.path();
    std::fs::write(root.join("note.txt"), "appunti").unwrap();
    let outside = tempfile::tempdir().unwrap();
    let theirs = outside.path().join("altro");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("foto.jpg"), "una foto").unwrap();
    let file = outside.path().join("file.txt");
    std::fs::write(&file, "un file").unwrap();
    let before = snapshot(root);
    let before_outside = snapshot(outside.path());
    let r = root.to_str().unwrap();
    let cases: Vec<(String, String)> = vec![
        (
            format!("{r}/content"),
            "it is the site's `content` folder or inside it".into(),
        ),
        (
            format!("{r}/content"),
            "it is the site's `content` folder or inside it".into(),
        ),
        (
            format!("{r}/content/comuni/"),
            "it is the site's `content` folder or inside it".into(),
        ),
        (
            format!("{r}/themes"),
            "it is the site's `themes` folder or inside it".into(),
        ),
        (
            format!("{r}/static/x/.."),
            "it is the site's `static` folder or inside it".into(),
        ),
        (
            format!("{r}/templates/nuova"),
            "it is the site's `templates` folder or inside it".into(),
        ),
        (r.to_string(), "it holds the site itself".into()),
        (format!("{r}/."), "it holds the site itself".into()),
        (format!("{r}/public/.."), "it holds the site itself".into()),
        (format!("{r}/.."), "it holds the site itself".into()),
        ("/".into(), "it holds the site itself".into()),
        (
            file.to_str().unwrap().into(),
            "it is a file, not a folder".into(),
        ),
        (
            theirs.to_str().unwrap().into(),
            "the folder holds files ambito did not write".into(),
        ),
    ];
    for (out, why) in &cases {
        let run = ambito(&["build", "--root", r, "--output", out]);
        assert_eq!(run.status.code(), Some(2), "{out}: {}", stderr(&run));
        let err = stderr(&run);
        assert!(
            err.starts_with(&format!("error: not writing into `{out}`: {why}")),
            "{out}: {err}"
        );
    }
    // In Italian, as staff read it.
    let run = ambito_it(&["build", "--root", r, "--output", &format!("{r}/content")]);
    assert_eq!(
        stderr(&run),
        format!("errore: non scrivo in «{r}/content»: è la cartella «content» del sito o una sua sottocartella, e i file del sito andrebbero persi. Per --output scegli una cartella fuori da content/, themes/, static/ e templates/, per esempio «public»\n")
    );
    assert_eq!(snapshot(root), before, "the site was touched");
    assert_eq!(snapshot(outside.path()), before_outside);
    assert!(!outside.path().join(".altro.staging").exists());

    // A new folder, an empty one, or one ambito wrote: built, and again.
    let new = outside.path().join("nuova/sito");
    let empty = tempfile::tempdir().unwrap();
    for out in [new.as_path(), empty.path()] {
        for _ in 0..2 {
            let run = ambito(&["build", "--root", r, "--output", out.to_str().unwrap()]);
            assert!(run.status.success(), "{}", stderr(&run));
        }
        assert!(out.join("comuni/barga/index.html").is_file());
    }
}

#[test]
fn names_that_would_be_lost_or_unreachable_are_errors() {
    let site = basic_with(&[
        ("content/bando/index.md", "---\ntitle: Bando\n---\nTesto.\n"),
        ("content/bando/domande#1.pdf", "pdf"),
        ("content/bando/sconto?.pdf", "pdf"),
        ("content/bando/100%/tabella.csv", "a;b"),
        ("content/bando/regole.pdf", "pdf"),
        (
            "content/pagefind.md",
            "---\ntitle: Ricerca vecchia\n---\nTesto.\n",
        ),
        ("content/Chi #1?.md", "---\ntitle: Chi\n---\nTesto.\n"),
    ]);
    let root = site.path();
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("search: true\n{yaml}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/bando/100%/tabella.csv: error: the file name holds `%`, which means something else in a web address: nobody could open it. Rename it without `#`, `?` and `%`",
            "content/bando/domande#1.pdf: error: the file name holds `#`, which means something else in a web address: nobody could open it. Rename it without `#`, `?` and `%`",
            "content/bando/sconto?.pdf: error: the file name holds `?`, which means something else in a web address: nobody could open it. Rename it without `#`, `?` and `%`",
            "content/pagefind.md: error: address /pagefind/ is in the folder pagefind/, where the search index goes: rename the file (or its folder), or give it another `slug`",
        ]
    );
    // A page's own name with those signs is made into an address that works.
    std::fs::remove_dir_all(root.join("content/bando")).unwrap();
    std::fs::remove_file(root.join("content/pagefind.md")).unwrap();
    let run = build_to(root, &out.path().join("public"), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(out.path().join("public/chi-1/index.html").is_file());
}

#[test]
fn an_alias_that_is_not_a_path_on_the_site_is_refused() {
    let site = basic_with(&[(
        "content/progetti/av3.md",
        "---\ntitle: Progetto AV3\ndate: 2017-01-02\naliases:\n  - //evil.example/x\n  - https://evil.example/y/\n  - \"javascript:alert(1)\"\n  - /vecchio progetto/\n  - /progetti/av3-vecchio/\nextra:\n  importo: 197769\n---\nTesto.\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/progetti/av3.md:5:5: error: alias `//evil.example/x` is not a site path such as /vecchia-pagina/",
            "content/progetti/av3.md:6:5: error: alias `https://evil.example/y/` is not a site path such as /vecchia-pagina/",
            "content/progetti/av3.md:7:5: error: alias `javascript:alert(1)` is not a site path such as /vecchia-pagina/",
            "content/progetti/av3.md:8:5: error: alias `/vecchio progetto/` is not a site path such as /vecchia-pagina/",
        ]
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn heading_ids_never_take_an_id_the_theme_uses() {
    let site = basic_with(&[
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<main id=\"contenuto\"><h1>{{ page.title }}</h1>{{ page.content | safe }}</main>{% endblock content %}",
        ),
        (
            "content/guida.md",
            "---\ntitle: Guida\n---\n## Contenuto\n\nVai al [contenuto](#contenuto-1).\n\n## Altro {#contenuto}\n\nTesto.\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let run = build_to(site.path(), out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let page = read(out.path(), "guida/index.html");
    assert_eq!(page.matches(r#"id="contenuto""#).count(), 1, "{page}");
    assert!(
        page.contains(r#"<h2 id="contenuto-1">Contenuto</h2>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<h2 id="contenuto-2">Altro</h2>"#),
        "{page}"
    );
}

#[test]
fn taxonomy_terms_that_would_share_a_page_are_an_error() {
    let site = copy_fixture("hugo");
    let root = site.path();
    let edit = |path: &str, from: &str, to: &str| {
        let path = root.join(path);
        let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
        std::fs::write(path, text).unwrap();
    };
    edit(
        "content/notizie/prima-notizia.md",
        "tags = [\"Lavoro\", \"Inclusione sociale\"]",
        "tags = [\"C++\", \"C\", \"c#\", \"inclusione-sociale\"]",
    );
    edit(
        "content/notizie/vecchia.markdown",
        "---\n",
        "---\ntags: [C, Inclusione sociale]\n",
    );
    let run = ambito(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/notizie/prima-notizia.md:6:16: error: term `C` of `tags` would have the same page (/tags/c/) as term `C++` in content/notizie/prima-notizia.md, which is another one: rename one of them (for example `C plus plus` instead of `C++`)",
            "content/notizie/prima-notizia.md:6:21: error: term `c#` of `tags` would have the same page (/tags/c/) as term `C++` in content/notizie/prima-notizia.md, which is another one: rename one of them (for example `C plus plus` instead of `C++`)",
            "content/notizie/vecchia.markdown:2:8: error: term `C` of `tags` would have the same page (/tags/c/) as term `C++` in content/notizie/prima-notizia.md, which is another one: rename one of them (for example `C plus plus` instead of `C++`)",
        ]
    );
}

#[test]
fn every_internal_link_is_checked_after_rendering() {
    let site = basic_with(&[
        (
            "content/guida.md",
            "---\ntitle: Guida\n---\n## Orari\n\nVedi [Barga](comuni/barga.md) e [Gallicano](./comuni/gallicano.md#manca).\n[rotto](b.md), [assente](/non-esiste/), [ancora](#manca), [qui](#orari), [stile](/style.css), [fuori](https://example.org/x), [posta](mailto:a@b.it)\n\n![foto](foto.png)\n\n<a href=\"/comuni/zzz/\">in HTML</a> <img src=\"/img/x.png\" alt=\"\">\n",
        ),
        (
            "content/comuni/gallicano.md",
            "---\ntitle: Gallicano\nextra:\n  istat: \"046015\"\n---\nTorna alla [guida](../guida.md#orari) o a [Barga](barga.md).\n",
        ),
    ]);
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let warnings: Vec<String> = problems(&run)
        .into_iter()
        .filter(|l| l.contains("link `"))
        .collect();
    assert_eq!(
        warnings,
        [
            "content/guida.md:6:45: warning: link `/comuni/gallicano/#manca` leads to a page with no place `manca` (a heading or an element with that id): correct it or remove it",
            "content/guida.md:7:9: warning: link `b.md` leads to no page or file of the site: correct it or remove it",
            "content/guida.md:7:26: warning: link `/non-esiste/` leads to no page or file of the site: correct it or remove it",
            "content/guida.md:7:50: warning: link `#manca` leads to a page with no place `manca` (a heading or an element with that id): correct it or remove it",
            "content/guida.md:9:9: warning: link `foto.png` leads to no page or file of the site: correct it or remove it",
            "content/guida.md:11:10: warning: link `/comuni/zzz/` leads to no page or file of the site: correct it or remove it",
            "content/guida.md:11:46: warning: link `/img/x.png` leads to no page or file of the site: correct it or remove it",
        ]
    );
    // Links to pages' Markdown files become the pages' addresses.
    let guida = read(out.path(), "guida/index.html");
    assert!(
        guida.contains(r#"<a href="/comuni/barga/">Barga</a>"#),
        "{guida}"
    );
    let gallicano = read(out.path(), "comuni/gallicano/index.html");
    assert!(
        gallicano.contains(r#"<a href="/guida/#orari">guida</a>"#),
        "{gallicano}"
    );
    assert!(
        gallicano.contains(r#"<a href="/comuni/barga/">Barga</a>"#),
        "{gallicano}"
    );
}

#[test]
fn a_broken_link_in_a_page_or_a_template_stops_a_strict_build() {
    // A small site ready to publish but for its links.
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    for (path, text) in [
        ("site.yaml", "title: Prova\nbase_url: https://www.comune.barga.lu.it/\n"),
        ("content/_index.md", "---\ntitle: Inizio\ndescription: La pagina iniziale.\n---\nVai alla [pagina](pagina.md#sotto).\n"),
        ("content/pagina.md", "---\ntitle: Pagina\ndescription: Una pagina.\n---\n## Sopra\n"),
        ("templates/index.html", "<!DOCTYPE html><html lang=\"it\"><body>{{ page.content | safe }}</body></html>"),
        ("templates/page.html", "<!DOCTYPE html><html lang=\"it\"><body><a href=\"/chi-siamo/\">Chi siamo</a>{{ page.content | safe }}</body></html>"),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build_to(root, &public, &["--strict"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(
        problems(&run),
        [
            "content/_index.md:5:19: error: link `/pagina/#sotto` leads to a page with no place `sotto` (a heading or an element with that id): correct it or remove it",
            "templates/page.html:1:47: error: link `/chi-siamo/` leads to no page or file of the site: correct it or remove it",
        ]
    );
    assert!(!public.exists());
    // Without --strict: warnings, and the site is written.
    let run = build_to(root, &public, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(public.join("pagina/index.html").is_file());
}

#[test]
fn time_zones_and_leftovers_are_told_in_plain_italian() {
    let site = basic_with(&[(
        "content/notizia.md",
        "---\ntitle: Notizia\ndate: 2024-03-05T10:00:00+15:00\n---\nTesto.\n{: .lead}\n",
    )]);
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("content/notizia.md:3:7: errore: data non valida «2024-03-05T10:00:00+15:00» per «date»: il fuso orario +15:00 non esiste: la differenza da Greenwich va da -12:00 a +14:00 (in Italia +01:00, o +02:00 con l'ora legale)"),
        "{err}"
    );
    let site = basic_with(&[(
        "content/notizia.md",
        "---\ntitle: Notizia\n---\nTesto.\n{: .lead}\n",
    )]);
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&run);
    assert!(
        err.contains("content/notizia.md:5:1: avviso: un'indicazione di stile scritta per Jekyll (kramdown) di un altro generatore"),
        "{err}"
    );
}

/// Every file under `dir` written as Markdown (`.md`, `.markdown`).
fn markdown_in(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|p| p.ends_with(".md") || p.ends_with(".markdown"))
        .collect()
}

/// `ambito build` run in Italian, as staff see it: its lines.
fn build_lines(root: &Path) -> (Option<i32>, Vec<String>) {
    let run = ambito_it(&["build", "--root", root.to_str().unwrap()]);
    let lines = stderr(&run).lines().map(str::to_string).collect();
    (run.status.code(), lines)
}

#[test]
fn sites_moved_from_jekyll_and_hugo_say_what_to_change_and_never_publish_markdown() {
    let in_bundle = |file: &str, folder: &str| {
        format!("{file}: errore: pagina non pubblicata: la cartella «{folder}» contiene «index.md», quindi è una pagina sola e gli altri file sono suoi allegati. Perché la cartella diventi una sezione con le sue pagine, rinomina «index.md» in «_index.md»")
    };
    let broken = |place: &str, link: &str| {
        format!("{place}: avviso: il collegamento «{link}» non porta a nessuna pagina o file del sito: correggilo o toglilo")
    };

    // Jekyll: a folder with an index.md and pages beside it, Liquid in bodies.
    let site = copy_fixture("migrazione-jekyll");
    let root = site.path();
    let (code, lines) = build_lines(root);
    assert_eq!(code, Some(1), "{lines:#?}");
    assert_eq!(
        lines,
        [
            in_bundle("content/docs/installazione.md", "content/docs"),
            in_bundle("content/docs/uso.md", "content/docs"),
            "2 errori trovati; nessun file è stato scritto, il sito precedente è invariato"
                .to_string(),
        ]
    );
    assert!(!root.join("public").exists());
    // As the message says: the folder becomes a section.
    std::fs::rename(
        root.join("content/docs/index.md"),
        root.join("content/docs/_index.md"),
    )
    .unwrap();
    let (code, lines) = build_lines(root);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(
        lines[..4],
        [
            broken("content/_index.md:5:18", "docs/index.md"),
            "content/docs/installazione.md:5:9: avviso: una variabile o funzione di modello (Jekyll, Zola) di un altro generatore, «{{ site.title }}»: verrebbe pubblicato così com'è: sostituiscilo con Markdown o toglilo".to_string(),
            "content/docs/uso.md:7:1: avviso: un tag Jekyll (Liquid) di un altro generatore, «{% include nota.html %}»: verrebbe pubblicato così com'è: sostituiscilo con Markdown o toglilo".to_string(),
            broken("content/notizie/prima.markdown:6:59", "../docs/manca.md"),
        ]
    );
    assert!(lines[4].starts_with("costruite 6 pagine in "), "{lines:#?}");
    assert!(lines[4].ends_with(" (4 avvisi)"), "{lines:#?}");
    assert_eq!(lines.len(), 5, "{lines:#?}");
    let public = root.join("public");
    assert_eq!(markdown_in(&public), Vec::<String>::new());
    assert!(
        read(&public, "notizie/prima/index.html").contains(r#"<a href="/docs/uso/#avvio">uso</a>"#)
    );
    assert!(read(&public, "docs/installazione/index.html")
        .contains(r#"<a href="/docs/uso/#avvio">uso</a>"#));

    // Hugo: a Markdown page inside a page bundle, terms that share a slug,
    // shortcodes.
    let site = copy_fixture("migrazione-hugo");
    let root = site.path();
    let (code, lines) = build_lines(root);
    assert_eq!(code, Some(1), "{lines:#?}");
    let clash = |place: &str| {
        format!("{place}: errore: la voce «C» di «tags» avrebbe la stessa pagina (/tags/c/) della voce «C++» di content/post/primo.md, che è un'altra: rinominane una (per esempio «C plus plus» invece di «C++»)")
    };
    assert_eq!(
        lines,
        [
            clash("content/post/primo.md:5:16"),
            in_bundle("content/post/secondo/bozza.md", "content/post/secondo"),
            clash("content/post/secondo/index.md:5:9"),
            "3 errori trovati; nessun file è stato scritto, il sito precedente è invariato"
                .to_string(),
        ]
    );
    assert!(!root.join("public").exists());
    std::fs::remove_file(root.join("content/post/secondo/bozza.md")).unwrap();
    let primo = root.join("content/post/primo.md");
    let text = std::fs::read_to_string(&primo)
        .unwrap()
        .replace("\"C++\"", "\"C plus plus\"");
    std::fs::write(&primo, text).unwrap();
    let (code, lines) = build_lines(root);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(
        lines[..2],
        [
            "content/post/primo.md:7:1: avviso: uno shortcode di Hugo di un altro generatore, «{{< figure src=\"grafico.png\" >}}»: verrebbe pubblicato così com'è: sostituiscilo con Markdown o toglilo".to_string(),
            broken("content/post/primo.md:9:50", "terzo.md"),
        ]
    );
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let public = root.join("public");
    assert_eq!(markdown_in(&public), Vec::<String>::new());
    assert!(read(&public, "post/primo/index.html")
        .contains(r#"<a href="/post/secondo/#foto">secondo</a>"#));
    assert!(public.join("tags/c-plus-plus/index.html").is_file());
    assert!(public.join("post/secondo/foto.png").is_file());
}

#[test]
fn a_template_that_includes_itself_is_an_error_naming_it_never_a_crash() {
    let site = basic_with(&[
        (
            "templates/page.html",
            "<main>\n{% include \"page.html\" %}</main>",
        ),
        (
            "templates/macros.html",
            "{% macro voce(n) %}<li>{{ self::voce(n=n) }}</li>{% endmacro voce %}",
        ),
    ]);
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let lines: Vec<String> = stderr(&run).lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            "templates/macros.html:1:1: errore: la macro «voce» del modello «macros.html» chiama sempre sé stessa, senza una condizione (if) che la fermi: non finirebbe mai; aggiungila o togli la chiamata",
            "templates/page.html:2:1: errore: il modello «page.html» include sé stesso (page.html → page.html): non finirebbe mai; togli l'inclusione",
            "2 errori trovati: correggili e lancia di nuovo «ambito check»",
        ]
    );
}

/// A broken link written in a template is one mistake, said once at the
/// template's line, not once per page the template renders.
#[test]
fn a_broken_link_in_a_template_is_reported_once_at_its_line() {
    let page = std::fs::read_to_string(fixture("basic").join("templates/page.html")).unwrap();
    let page = page.replacen(
        "<h1>{{ page.title }}</h1>",
        "<h1>{{ page.title }}</h1>\n<p><a href=\"/non-esiste/\">Altro</a></p>",
        1,
    );
    let site = basic_with(&[("templates/page.html", &page)]);
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("non-esiste")).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("templates/page.html:2:13: avviso: "),
        "{lines:#?}"
    );
}

/// A macro whose `if` never stops it recurses until the stack runs out:
/// an error naming the template, the page and the macro, not an abort
/// (exit 134) with Rust's "has overflowed its stack".
#[test]
fn a_macro_that_never_stops_is_an_error_naming_it_never_a_crash() {
    let site = basic_with(&[
        (
            "templates/macros.html",
            "{% macro voce(n) %}{% if n > 0 %}<li>{{ self::voce(n=n+1) }}</li>{% endif %}{% endmacro voce %}\n",
        ),
        (
            "templates/page.html",
            "{% import \"macros.html\" as m %}{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>\n{{ m::voce(n=1) }}{% endblock content %}\n",
        ),
    ]);
    let run = ambito_it(&["build", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.starts_with("content/"), "{err}");
    assert!(
        err.contains(": errore: il modello «page.html» (templates/page.html) si richiama troppe volte, una dentro l'altra, per questa pagina: una macro che chiama sé stessa con una condizione (if) che non la ferma mai; la costruzione è stata fermata. Macro che chiamano sé stesse: voce (templates/macros.html:1)\n"),
        "{err}"
    );
    assert!(!err.contains("overflowed"), "{err}");
    assert!(!site.path().join("public").exists());
}

/// Tera cannot be interrupted: a loop that would take hours, or fill the
/// memory (`range(end=300000000)` reached 22 GB), is stopped by the limits
/// in `site.yaml` with an error naming the template and the page.
#[test]
fn a_template_that_runs_too_long_or_too_big_is_stopped_naming_it() {
    let huge = "{% extends \"base.html\" %}{% block content %}{% for i in range(end=300000000) %}{{ i }}{% endfor %}{% endblock content %}\n";
    let site = basic_with(&[("templates/page.html", huge)]);
    let yaml = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        format!("{text}render_limits: {{ memory_mib: 400 }}\n"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let run = ambito_it(&["build", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(": errore: mentre il modello «page.html» preparava questa pagina la costruzione ha superato la memoria consentita ("),
        "{err}"
    );
    assert!(err.contains(" su 400) ed è stata fermata"), "{err}");
    assert!(!site.path().join("public").exists());
    eprintln!("memory limit reached in {:?}", started.elapsed());

    let slow = "{% extends \"base.html\" %}{% block content %}{% for i in range(end=2000) %}{% for j in range(end=2000) %}{% for k in range(end=2000) %}{% endfor %}{% endfor %}{% endfor %}{% endblock content %}\n";
    let site = basic_with(&[("templates/page.html", slow)]);
    let yaml = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}render_limits: {{ seconds: 2 }}\n")).unwrap();
    let started = std::time::Instant::now();
    let run = ambito_it(&["build", "--root", site.path().to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains(": errore: il modello «page.html» ha impiegato più di 2 secondi per questa pagina ed è stato fermato"),
        "{}",
        stderr(&run)
    );
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_missing_content_folder_and_old_mac_line_endings_are_explained() {
    let site = copy_fixture("basic");
    let root = site.path();
    std::fs::remove_dir_all(root.join("content")).unwrap();
    let run = ambito_it(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).starts_with("content: errore: manca la cartella content/, dove vanno le pagine del sito (un file Markdown per pagina): creala accanto a site.yaml, con content/_index.md per la pagina iniziale\n"), "{}", stderr(&run));

    let site = basic_with(&[("content/vecchio.md", "---\rtitle: Vecchio\r---\rTesto.\r")]);
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).starts_with("content/vecchio.md:1:1: errore: le righe del file finiscono con il solo carattere CR (come nei vecchi Mac), che qui non conta come a capo: salva il file con fine riga LF (Unix) o CRLF (Windows)\n"), "{}", stderr(&run));
}

#[test]
fn an_error_in_a_macro_is_reported_in_the_macros_file_at_its_line() {
    let site = basic_with(&[
        (
            "templates/macros.html",
            "{% macro voce(p) %}\n<li>\n{{ p.nonesiste.x }}\n</li>{% endmacro voce %}\n",
        ),
        (
            "templates/page.html",
            "{% import \"macros.html\" as m %}{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>\n{{ m::voce(p=page) }}{% endblock content %}\n",
        ),
    ]);
    let run = ambito(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).starts_with("templates/macros.html:3:4: error: "),
        "{}",
        stderr(&run)
    );
}

#[test]
fn a_whole_number_too_large_or_with_decimals_is_told_plainly() {
    let site = basic_with(&[(
        "site.yaml",
        "title: T\nbase_url: https://www.comune.barga.lu.it/\ntheme: mini\nsections:\n  comuni:\n    fields:\n      abitanti: { type: integer }\n      famiglie: { type: integer }\n",
    )]);
    std::fs::write(
        site.path().join("content/comuni/barga.md"),
        "---\ntitle: Barga\nextra:\n  abitanti: 99999999999999999999\n  famiglie: 3.5\n---\n",
    )
    .unwrap();
    let run = ambito_it(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("content/comuni/barga.md:4:13: errore: «abitanti» è un numero troppo grande: un numero intero qui può avere al massimo 18 cifre\n"), "{err}");
    assert!(err.contains("content/comuni/barga.md:5:13: errore: «famiglie» deve essere un numero intero, senza virgola né decimali\n"), "{err}");
}

#[test]
fn a_missing_template_never_suggests_one_pages_cannot_use() {
    let site = basic_with(&[
        ("templates/shell.html", "<p>guscio</p>"),
        (
            "content/uno.md",
            "---\ntitle: Uno\ntemplate: shel.html\n---\n",
        ),
        (
            "content/due.md",
            "---\ntitle: Due\ntemplate: pag.html\n---\n",
        ),
    ]);
    let run = ambito(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(!err.contains("shell.html"), "{err}");
    assert!(
        err.contains("`pag.html`") && err.contains("`page.html`"),
        "{err}"
    );
}

#[test]
fn an_alias_bomb_in_site_yaml_is_not_called_front_matter() {
    let site = copy_fixture("basic");
    let root = site.path();
    let mut bomb = String::from("  bomba:\n    a: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12u8 {
        let (prev, cur) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!("    {cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let yaml = std::fs::read_to_string(root.join("site.yaml"))
        .unwrap()
        .replacen("extra:\n", &format!("extra:\n{bomb}"), 1);
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
    let run = ambito_it(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.starts_with("site.yaml:"), "{err}");
    assert!(
        err.contains("scrivilo più semplice, con meno livelli e i valori per esteso"),
        "{err}"
    );
    assert!(!err.contains("front matter"), "{err}");
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
    for key in [
        "accessibilita_email",
        "titolare_contatti",
        "rpd_email",
        "trasferimenti_extra_ue",
    ] {
        assert!(
            err.contains(&format!("warning: `extra.{key}` is empty")),
            "{err}"
        );
    }
    assert!(err.contains("(6 warnings)"), "{err}");
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
            .is_some_and(|l| l.starts_with("controllate ") && l.ends_with(" ms (6 avvisi)")),
        "{err}"
    );

    // --strict: the same, as errors, and nothing written.
    let strict_out = out.path().join("strict");
    let run = build_to(root, &strict_out, &["--strict"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 7, "{err}");
    assert!(lines[0].starts_with(&format!(
        "site.yaml:{base_line}:{base_col}: error: `base_url`"
    )));
    assert!(lines[1].starts_with(&format!(
        "site.yaml:{forms_line}:{forms_col}: error: `forms_endpoint`"
    )));
    assert_eq!(
        lines[6],
        "6 errors found; nothing was written, the previous site is unchanged"
    );
    assert!(!strict_out.exists());

    // Real-looking addresses and the contacts filled in: nothing to say.
    let site = tempfile::tempdir().unwrap();
    copy_real_site(site.path());
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
        .replace("rpd_email: \"\"", "rpd_email: rpd@zona.example.it")
        .replace(
            "trasferimenti_extra_ue: \"\"",
            "trasferimenti_extra_ue: \"nessuno.\"",
        );
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
    // Eleven pages without one: one line, as for every problem repeated
    // in more than ten pages.
    assert!(
        err.contains("content: warning: 11 pages have the same problem, for example content/_index.md:1:1: warning: the page has no `description`: search engines and link previews show one; add a sentence. The pages: content/_index.md, content/comuni/_index.md, content/comuni/barga.md, content/comuni/gallicano.md, "),
        "{err}"
    );
    assert!(!err.contains("content/comuni/gallicano.md:1:1"), "{err}");
    // Ten or fewer: a line each.
    std::fs::write(
        site.path().join("content/privacy.md"),
        "---\ntitle: Informativa privacy\ndescription: Come trattiamo i dati.\nslug: informativa-privacy\nupdated: 2024-03-05\n---\nTesto.\n",
    )
    .unwrap();
    let run = build_to(
        site.path(),
        out.path(),
        &["--base-url", "https://www.zonavalledelserchio.it/"],
    );
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
    // The fingerprinted copy is the stylesheet minified, without its
    // comments; the plain copy is the stylesheet, byte for byte.
    let source = std::fs::read(root.join("themes/serchio/static/css/serchio.css")).unwrap();
    let published = std::fs::read_to_string(out.path().join(href)).unwrap();
    assert_eq!(
        published.as_bytes(),
        ambito::text::minify::asset("css/serchio.css", &source)
    );
    assert!(
        published.len() * 4 < source.len() * 3,
        "{}",
        published.len()
    );
    assert!(!published.contains("/*"));
    assert!(published.contains(".ue p{margin:0;font-family:Arial,Verdana,Tahoma,\"Trebuchet MS\""));
    assert_eq!(
        std::fs::read(out.path().join("css/serchio.css")).unwrap(),
        source
    );
    // A changed stylesheet gets a new name.
    let site = tempfile::tempdir().unwrap();
    copy_real_site(site.path());
    let css = site.path().join("themes/serchio/static/css/serchio.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n.nuova { color: #000; }\n");
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
        .filter(|l| {
            ["content", "static", "themes", "templates"]
                .iter()
                .any(|p| l.starts_with(p))
        })
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
        stderr(&run).contains("content/foto.jpg: warning: not published: only Markdown pages and the files of page bundles (a folder with an index.md, its files beside it) are read from content/. To publish it at /foto.jpg, move it to static/foto.jpg\n"),
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
            ".ambito",
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
fn markdown_inside_a_bundle_is_an_error_never_published_raw() {
    let site = copy_fixture("hugo");
    let root = site.path();
    // A Jekyll-shaped folder: an `index.md` with pages beside it, and a
    // bundle inside the bundle.
    std::fs::write(
        root.join("content/notizie/bando/faq.md"),
        "---\ntitle: Domande\n---\nTesto.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/notizie/bando/allegati/index.md"),
        "---\ntitle: Interno\n---\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = ambito_it(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
        "--base-url",
        "https://www.migrato.it/",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let advice = "pagina non pubblicata: la cartella «content/notizie/bando» contiene «index.md», quindi è una pagina sola e gli altri file sono suoi allegati. Perché la cartella diventi una sezione con le sue pagine, rinomina «index.md» in «_index.md»";
    let err = stderr(&run);
    assert!(
        err.contains(&format!(
            "content/notizie/bando/allegati/index.md: errore: {advice}\n"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("content/notizie/bando/faq.md: errore: {advice}\n")),
        "{err}"
    );
    assert!(!public.exists());
}

#[test]
fn a_symlink_in_a_bundle_to_a_file_outside_content_is_not_published() {
    let site = copy_fixture("hugo");
    let root = site.path();
    std::fs::write(root.join("segreto.txt"), "non pubblicare").unwrap();
    let bando = root.join("content/notizie/bando");
    std::os::unix::fs::symlink(root.join("segreto.txt"), bando.join("segreto.txt")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", bando.join("passwd")).unwrap();
    // A link to a file inside content/ is fine.
    std::os::unix::fs::symlink("locandina.png", bando.join("copertina.png")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_to(root, out.path(), &["--base-url", "https://www.migrato.it/"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let warning = "warning: a symbolic link to a file outside content/ is not published: copy the file here if it is meant to be published";
    let err = stderr(&run);
    assert!(
        err.contains(&format!("content/notizie/bando/passwd: {warning}\n")),
        "{err}"
    );
    assert!(
        err.contains(&format!("content/notizie/bando/segreto.txt: {warning}\n")),
        "{err}"
    );
    let bando_out = out.path().join("notizie/bando");
    assert!(!bando_out.join("passwd").exists());
    assert!(!bando_out.join("segreto.txt").exists());
    assert!(bando_out.join("copertina.png").is_file());
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
        .find(|s| s["codice"] == "tirocini")
        .unwrap();
    assert_eq!(tirocini["progetto"], "av1-113", "{tirocini}");
    assert_eq!(tirocini["comuni"], serde_json::json!(["046003", "046015"]));
    let csv = read(&public, "dati/servizi.csv");
    assert!(
        csv.starts_with("codice,titolo,pagina,comuni,progetto\n"),
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

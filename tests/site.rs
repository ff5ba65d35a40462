//! The real site (site.yaml, content/, themes/serchio) built and checked:
//! facts from the seed, links, accessibility basics, size budget.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The site is built once, into a folder that lives as long as the tests
/// (under Cargo's `target/tmp/`, so that a run leaves nothing in the
/// system's temporary folder).
fn site() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("site-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let root = env!("CARGO_MANIFEST_DIR");
        let run = ambito(&["build", "--root", root, "--output", out.to_str().unwrap()]);
        assert!(run.status.success(), "{}", stderr(&run));
        out
    })
}

fn pages() -> BTreeMap<String, String> {
    snapshot(site())
        .into_iter()
        // Shells are not pages: the forms service fills them in.
        .filter(|(p, _)| p.ends_with(".html") && !p.ends_with(".shell.html"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("UTF-8 pages")))
        .collect()
}

/// `(nome, slug, istat)` of the 19 comuni, from the data the content was made from.
fn comuni() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(fixture("comuni.yaml")).unwrap();
    let field = |block: &str, key: &str| {
        block
            .lines()
            .find_map(|l| {
                l.trim()
                    .trim_start_matches("- ")
                    .strip_prefix(&format!("{key}: "))
            })
            .map(|v| v.trim().trim_matches('"').to_string())
            .unwrap()
    };
    text.split("\n  - ")
        .skip(1)
        .map(|b| (field(b, "nome"), field(b, "slug"), field(b, "istat")))
        .collect()
}

#[test]
fn the_19_comuni_have_their_pages_with_istat_codes() {
    let comuni = comuni();
    assert_eq!(comuni.len(), 19);
    let section = read(site(), "comuni/index.html");
    for (nome, slug, istat) in &comuni {
        let page = read(site(), &format!("comuni/{slug}/index.html"));
        assert!(page.contains(&format!("<h1>{nome}</h1>")), "{slug}");
        assert!(
            page.contains(&format!(
                "<tr><th scope=\"row\">Codice ISTAT</th><td>{istat}</td></tr>"
            )),
            "{slug}"
        );
        // On the map (a link per comune, out of the tab order) and in the
        // list alternative, which keyboard users go through in order.
        assert_eq!(
            section
                .matches(&format!("<a href=\"/comuni/{slug}/\""))
                .count(),
            2,
            "{slug}"
        );
        assert!(section.contains(&format!(
            "<a href=\"/comuni/{slug}/\" tabindex=\"-1\"><circle"
        )));
    }
    assert!(read(site(), "comuni/barga/index.html").contains("<td>10.125 abitanti</td>"));
}

#[test]
fn project_pages_show_the_seed_figures_in_italian() {
    let av3 = read(site(), "progetti/av3-2016-tos-03/index.html");
    for fact in [
        "<td>AV3-2016-TOS_03</td>",
        "<td>Avviso 3/2016 del PON Inclusione</td>",
        "<td>197.769,00\u{a0}€</td>",
        "Zona Distretto Valle del Serchio dell’Azienda USL Toscana Nord Ovest",
        ">2 gennaio 2017</time>",
        ">31 dicembre 2022</time>",
        "Decreto Direttoriale n. 180 del <time datetime=\"2022-07-21\">21 luglio 2022</time>",
    ] {
        assert!(av3.contains(fact), "AV3 page lacks {fact:?}");
    }
    let av1 = read(site(), "progetti/av1-113/index.html");
    for fact in [
        "<td>AV1-113</td>",
        "<td>Avviso 1/2019 PaIS del PON Inclusione</td>",
        "<td>65.644,00\u{a0}€</td>",
        ">1º settembre 2020</time>",
        ">31 ottobre 2023</time>",
        "Decreto Direttoriale n. 139 del <time datetime=\"2022-06-14\">14 giugno 2022</time>",
    ] {
        assert!(av1.contains(fact), "AV1-113 page lacks {fact:?}");
    }
    // The status is computed from the dates at build time: both ended.
    assert!(av3.contains("Stato del progetto: <strong>concluso</strong>"));
    assert!(av1.contains("Stato del progetto: <strong>concluso</strong>"));
    // The comparison: a table and a chart with a text alternative.
    let section = read(site(), "progetti/index.html");
    assert!(section.contains("<desc id=\"grafico-descrizione\">AV3-2016-TOS_03: 197.769,00\u{a0}€; AV1-113: 65.644,00\u{a0}€</desc>"));
    assert!(section
        .contains("<svg role=\"img\" aria-labelledby=\"grafico-titolo grafico-descrizione\""));
}

/// `href` and `src` values in a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let pages = pages();
    let mut checked = 0;
    for (path, html) in &pages {
        for link in links(html) {
            if link.starts_with("http") || link.starts_with("mailto:") {
                continue;
            }
            let (target, anchor) = match link.split_once('#') {
                Some((t, a)) => (t.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let file = if target.is_empty() {
                path.clone()
            } else {
                assert!(target.starts_with('/'), "{path}: relative link {link}");
                let t = target.trim_start_matches('/');
                if t.is_empty() || t.ends_with('/') {
                    format!("{t}index.html")
                } else {
                    t.to_string()
                }
            };
            assert!(site().join(&file).is_file(), "{path}: broken link {link}");
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                let target_html = pages.get(&file).unwrap_or_else(|| panic!("{file}"));
                assert!(
                    target_html.contains(&format!("id=\"{a}\"")),
                    "{path}: no #{a} in {file}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

/// The page a content file becomes: `comuni/_index.md` → `comuni/index.html`,
/// `comuni/barga.md` → `comuni/barga/index.html`.
fn page_of(source: &str) -> String {
    let stem = source.trim_end_matches(".md");
    match stem.strip_suffix("_index") {
        Some(dir) => format!("{dir}index.html"),
        None => format!("{stem}/index.html"),
    }
}

/// "Data ultima modifica" is the date of the last commit that changed the
/// page's file, so it cannot go stale when staff forget to update a date by
/// hand. Files with uncommitted changes (while developing) show their
/// modification time instead and are not checked here.
#[test]
fn last_modified_is_the_last_commit_of_the_pages_file() {
    let pages = pages();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // No page pins a date by hand: it would go stale at the next edit.
    for (file, bytes) in snapshot(&root.join("content")) {
        if !file.ends_with(".md") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains("\nupdated:"),
            "{file} pins `updated` by hand"
        );
    }
    // A checkout without its history (an exported archive) has no commit
    // dates to compare with.
    let in_repo = std::process::Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    if !in_repo {
        // CI always builds a checkout: skipping there would hide a bug.
        // (`tests/build.rs` checks the dates on a repository of its own.)
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs outside a git checkout: the dates cannot be compared"
        );
        return;
    }
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let dirty = git(&["status", "--porcelain", "--", "content"]);
    let mut checked = 0;
    for file in git(&["ls-files", "content"]).lines() {
        let Some(source) = file.strip_prefix("content/").filter(|f| f.ends_with(".md")) else {
            continue;
        };
        if dirty.contains(file) {
            continue;
        }
        let committed = git(&["log", "-1", "--format=%cs", "--", file]);
        let html = &pages[&page_of(source)];
        let shown = html
            .split("<p class=\"ultima-modifica\">Data ultima modifica: <time datetime=\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{source}: last modified"));
        assert!(
            shown.starts_with(&format!("{}\"", committed.trim())),
            "{source}: shows {}, last commit {committed}",
            &shown[..10]
        );
        checked += 1;
    }
    // Everything is committed on CI: every page is checked there.
    if dirty.is_empty() {
        assert!(checked >= 40, "only {checked} pages checked");
    }
}

#[test]
fn every_page_has_the_parts_an_italian_public_site_needs() {
    for (path, html) in pages() {
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"it\">"),
            "{path}"
        );
        assert_eq!(html.matches("<h1").count(), 1, "{path}: exactly one h1");
        assert!(
            html.contains("<a class=\"salta\" href=\"#contenuto\">Vai al contenuto</a>"),
            "{path}: skip link"
        );
        assert!(
            html.contains("<main id=\"contenuto\""),
            "{path}: main landmark"
        );
        assert!(html.contains("Progetti cofinanziati dall’Unione europea</strong> – Fondo sociale europeo, Programma operativo nazionale Inclusione 2014-2020 (PON Inclusione 2014-2020)"), "{path}: funding notice");
        for legal in ["/accessibilita/", "/privacy/", "/note-legali/"] {
            assert!(
                html.contains(&format!("href=\"{legal}\"")),
                "{path}: link to {legal}"
            );
        }
        assert!(
            html.contains("<meta name=\"description\" content=\""),
            "{path}"
        );
        if path != "404.html" {
            assert!(
                html.contains(
                    "<p class=\"ultima-modifica\">Data ultima modifica: <time datetime=\""
                ),
                "{path}: last modified"
            );
            assert!(html.contains("<meta property=\"og:title\""), "{path}");
        }
        // Nothing loaded from elsewhere: no fonts, scripts, styles or images.
        for tag in [
            "<script src=\"http",
            "<link rel=\"stylesheet\" href=\"http",
            "<img src=\"http",
            "@import",
        ] {
            assert!(!html.contains(tag), "{path}: external resource {tag}");
        }
    }
}

#[test]
fn structured_data_is_valid_json_ld() {
    let mut types = std::collections::BTreeSet::new();
    for (path, html) in pages() {
        for block in html.split("<script type=\"application/ld+json\">").skip(1) {
            let json = block.split("</script>").next().unwrap();
            let v: serde_json::Value =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}: {json}"));
            types.insert(v["@type"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["City", "GovernmentOrganization", "GovernmentService"]
    );
}

#[test]
fn the_form_page_renders_the_form_defined_in_its_front_matter() {
    let dir = "partecipa/manifestazione-di-interesse";
    let page = read(site(), &format!("{dir}/index.html"));
    assert!(page.contains("<form class=\"modulo\" method=\"post\" action=\"http://127.0.0.1:8080/forms/manifestazione-di-interesse\""));
    // Options from sections: the 19 comuni and the intervention lines.
    assert_eq!(page.matches("name=\"comuni\" value=").count(), 19);
    assert!(page.contains(
        "<label for=\"campo-linee-3\">Socializzazione e doposcuola per i ragazzi</label>"
    ));
    assert!(page.contains(
        "<a href=\"/privacy/\">Leggi l’informativa sul trattamento dei dati personali</a>"
    ));
    assert!(page.contains("<button type=\"submit\">Invia la manifestazione di interesse</button>"));
    // The compiled definition beside the page, with links made absolute.
    let json: serde_json::Value = serde_json::from_str(&read(
        site(),
        &format!("{dir}/manifestazione-di-interesse.form.json"),
    ))
    .unwrap();
    assert_eq!(
        json["thank_you_url"],
        "https://www.example.org/partecipa/manifestazione-di-interesse/grazie/"
    );
    assert_eq!(json["fields"][10]["options"].as_array().unwrap().len(), 19);
    // The shell for the service's pages: the site's header and footer, with
    // absolute links, and the two places the service fills.
    let shell = read(
        site(),
        &format!("{dir}/manifestazione-di-interesse.shell.html"),
    );
    assert!(shell.contains("<title>__AMBITO_TITOLO__ – "));
    assert!(shell.contains("</div>\n__AMBITO_CONTENUTO__\n"));
    // Never indexed; seen unfilled, it says it is not a page of the site
    // (a notice the stylesheet shows only while the title marker is there).
    assert!(shell.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(shell.contains("<div class=\"modello-servizio\" data-titolo=\"__AMBITO_TITOLO__\" hidden><p><strong>Questa non è una pagina del sito.</strong>"));
    let css = read(site(), "css/serchio.css");
    assert!(css.contains(".modello-servizio[data-titolo=\"__AMBITO_TITOLO__\"] { display: block;"));
    assert!(!page.contains("noindex"), "the form page itself is indexed");
    assert!(shell.contains("href=\"https://www.example.org/css/serchio."));
    assert!(
        !shell.contains("href=\"/"),
        "no site-relative links in the shell"
    );
    // The progressive-enhancement script: on the form page only, small.
    assert!(page.contains("<script src=\"/js/modulo."));
    assert!(page.contains(".js\" defer></script>"));
    // Checks, summary, in-place sending and confirmation: under 8 KB as
    // published (minified; the page budget counts that copy).
    let published = subresources(&page)
        .into_iter()
        .find(|s| s.starts_with("/js/modulo."))
        .unwrap();
    let js = std::fs::metadata(site().join(published.trim_start_matches('/')))
        .unwrap()
        .len();
    assert!(js < 8 * 1024, "{published} is {js} bytes");
    let with_scripts: Vec<String> = pages()
        .into_iter()
        .filter(|(_, p)| p.contains("<script src="))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        with_scripts,
        [
            "cerca/index.html",
            "partecipa/manifestazione-di-interesse/index.html"
        ],
        "no other page loads a script"
    );
}

/// What a page asks the browser to load: scripts, stylesheets, images.
fn subresources(html: &str) -> Vec<&str> {
    let mut found: Vec<&str> = [
        "<script src=\"",
        "<link rel=\"stylesheet\" href=\"",
        "<img src=\"",
    ]
    .iter()
    .flat_map(|start| {
        html.match_indices(start)
            .map(move |(i, _)| &html[i + start.len()..])
    })
    .filter_map(|rest| rest.split('"').next())
    .collect();
    found.sort_unstable();
    found
}

/// Search costs other pages nothing but the header's search box: the site
/// built with `search: false` and with `search: true` has the same pages,
/// loading the same files; only /cerca/ loads the search script (and the
/// index, from it).
#[test]
fn search_leaves_every_other_page_loading_what_it_loaded() {
    let copy = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_real_site(copy.path());
    let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(config.contains("\nsearch: true\n"));
    std::fs::write(
        copy.path().join("site.yaml"),
        config.replace("\nsearch: true\n", "\nsearch: false\n"),
    )
    .unwrap();
    let out = copy.path().join("public");
    let run = ambito(&[
        "build",
        "--root",
        copy.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!out.join("pagefind").exists());
    let without: BTreeMap<String, String> = snapshot(&out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.ends_with(".shell.html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    let with = pages();
    assert_eq!(
        with.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>()
    );
    let mut added = 0;
    for (path, html) in &with {
        let before = &without[path];
        if path == "cerca/index.html" {
            assert!(subresources(html)
                .iter()
                .any(|s| s.starts_with("/js/cerca.")));
            continue;
        }
        assert_eq!(
            subresources(html),
            subresources(before),
            "{path} loads other files"
        );
        assert!(
            !html.contains("pagefind.js") && !html.contains("/js/cerca."),
            "{path}"
        );
        // The header's search box and the index markers, nothing more.
        let grown = html.len().saturating_sub(before.len());
        assert!(grown <= 400, "{path} grew by {grown} bytes");
        added += grown;
    }
    eprintln!(
        "search adds {added} bytes over {} pages (the header's box)",
        with.len() - 1
    );
}

/// Every page within 30 KB with what it loads: its HTML, the stylesheets
/// and scripts it links, as published (the fingerprinted, minified copies;
/// the search index a script fetches is not counted). The form page too:
/// it loads only the base stylesheet and its script.
#[test]
fn every_page_with_its_css_and_scripts_is_within_30_kb() {
    let size = |path: &str| std::fs::metadata(site().join(path)).unwrap().len();
    let mut largest = (0, String::new());
    for (path, html) in pages() {
        let linked: Vec<&str> = subresources(&html)
            .into_iter()
            .filter(|s| s.ends_with(".css") || s.ends_with(".js"))
            .collect();
        assert!(
            linked.iter().any(|s| s.starts_with("/css/serchio.")),
            "{path}"
        );
        let total = html.len() as u64
            + linked
                .iter()
                .map(|s| size(s.trim_start_matches('/')))
                .sum::<u64>();
        assert!(total <= 30 * 1024, "{path}: {total} bytes ({linked:?})");
        largest = largest.max((total, path));
    }
    eprintln!(
        "heaviest page with its CSS and scripts: {}, {} bytes",
        largest.1, largest.0
    );
    // The form page loads the base stylesheet and its script, no more.
    let form = &pages()["partecipa/manifestazione-di-interesse/index.html"];
    let linked = subresources(form);
    assert_eq!(linked.len(), 2, "{linked:?}");
    assert!(linked[0].starts_with("/css/serchio.") && linked[1].starts_with("/js/modulo."));
}

/// The page's text, without tags (enough to read what a citizen reads).
fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_eu_emblem_in_colour_and_unione_europea_open_every_page() {
    for (path, html) in pages() {
        let header = html.split("<header>").nth(1).expect("a header");
        // First thing in the header, before the body's name and the menu.
        assert!(
            header.starts_with(
                "\n<div class=\"ue\"><div class=\"contenitore\"><svg class=\"emblema\""
            ),
            "{path}"
        );
        let svg = header
            .split("<svg class=\"emblema\" viewBox=\"0 0 810 540\" width=\"60\" height=\"40\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{path}: emblem"))
            .split("</svg>")
            .next()
            .unwrap();
        // Reflex Blue field, twelve yellow stars of radius 30 (1/18 of 540)
        // on a circle of radius 180 (1/3) around the centre (405, 270).
        assert!(svg.contains("<rect width=\"810\" height=\"540\" fill=\"#039\"/>"));
        assert!(svg.contains("fill=\"#fc0\" d=\"M0-30 "));
        let stars: Vec<(f64, f64)> = svg
            .split("<use href=\"#stella\" x=\"")
            .skip(1)
            .map(|u| {
                let (x, rest) = u.split_once("\" y=\"").unwrap();
                let y = rest.split('"').next().unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert_eq!(stars.len(), 12, "{path}");
        for (x, y) in stars {
            let r = ((x - 405.0_f64).powi(2) + (y - 270.0_f64).powi(2)).sqrt();
            assert!((r - 180.0).abs() < 1.0, "{path}: star at {x},{y}");
        }
        assert!(header.contains(
            "<p><strong>Unione europea</strong> <span>Fondo sociale europeo · PON Inclusione 2014-2020</span></p>"
        ));
        assert!(!html.contains("<img"), "{path}: no other logo");
    }
    // The words beside it in an allowed font, upright, not underlined.
    let css = read(site(), "css/serchio.css");
    assert!(css.contains(
        ".ue p { margin: 0; font-family: Arial, Verdana, Tahoma, \"Trebuchet MS\", Calibri, Ubuntu, Garamond, sans-serif; font-style: normal;"
    ));
}

#[test]
fn no_page_calls_the_receipt_number_a_protocollo() {
    for (path, bytes) in snapshot(site()) {
        if path.ends_with(".html") || path.ends_with(".js") || path.ends_with(".json") {
            let body = String::from_utf8(bytes).unwrap();
            assert!(!body.to_lowercase().contains("protocoll"), "{path}");
        }
    }
    let form = read(site(), "partecipa/manifestazione-di-interesse/index.html");
    assert!(form.contains("Qui riceverai la ricevuta con il numero di ricevuta."));
    assert!(read(site(), "js/modulo.js").contains("Numero di ricevuta"));
}

#[test]
fn what_ended_is_told_in_the_past_and_what_followed_is_sourced() {
    let pages = pages();
    for (path, html) in &pages {
        let t = text(html);
        for present in [
            "Interventi attivi",
            "possono accedere agli interventi",
            "servizio sociale del tuo Comune",
            "servizio sociale del Comune di",
            "I progetti rafforzano",
            "Che cosa offre ",
            "Come accedere ",
            "Il progetto prevede",
        ] {
            assert!(!t.contains(present), "{path}: {present:?}");
        }
    }
    // Where to ask today: the office the sources name, on every comune and service page.
    for (path, html) in &pages {
        if (path.starts_with("comuni/") || path.starts_with("servizi/"))
            && path.matches('/').count() == 2
        {
            assert!(
                text(html).contains("rivolgiti al Servizio sociale territoriale della Zona Distretto Valle del Serchio (Azienda USL Toscana Nord Ovest)"),
                "{path}"
            );
        }
    }
    let home = text(&pages["index.html"]);
    assert!(home
        .contains("Programma operativo nazionale Inclusione 2014-2020 (PON Inclusione 2014-2020)"));
    assert!(home.contains("I progetti sono conclusi."));
    assert!(home.contains("l’ultimo è terminato il 31 ottobre 2023"));
    let programma = text(&pages["programma/index.html"]);
    for fact in [
        "Dal 2024 il Reddito di cittadinanza è stato sostituito dall’Assegno di inclusione, istituito dal decreto-legge 4 maggio 2023, n. 48, convertito con modificazioni dalla legge 3 luglio 2023, n. 85. Fonte: decreto-legge 4 maggio 2023, n. 48, su Normattiva.",
        "Programma nazionale (PN) Inclusione e lotta alla povertà 2021-2027, approvato dalla Commissione europea il 1° dicembre 2022. Fonte: pagina del Programma nazionale",
        "Quota Servizi del Fondo Povertà",
    ] {
        assert!(programma.contains(fact), "programma lacks {fact:?}");
    }
    // Each fact of what followed links to its public source.
    let programma_html = &pages["programma/index.html"];
    for source in [
        "href=\"https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legge:2023-05-04;48\"",
        "href=\"https://poninclusione.lavoro.gov.it/PN-2021-2027/Pagine/default.aspx\"",
    ] {
        assert!(programma_html.contains(source), "programma lacks {source}");
    }
    let fonti = text(&pages["fonti-dei-dati/index.html"]);
    assert!(fonti.contains("i CAP sono assegnati da Poste Italiane"));
    assert!(fonti.contains("Quota Servizi del Fondo Povertà"));
    // The seed gives no contact nor the Azienda's web address: the page says
    // where the address it links comes from.
    assert!(fonti.contains("non riporta né recapiti né l’indirizzo del sito dell’Azienda"));
    assert!(
        fonti.contains("scritto nella configurazione di questo sito: non viene da quella pagina")
    );
    // The call states its purpose, its rule, who receives it, and that no dates are known.
    let call = text(&pages["partecipa/manifestazione-di-interesse/index.html"]);
    for fact in [
        "articolo 55 del decreto legislativo n. 117 del 2017",
        "Chi la legge: l’ufficio della Zona Distretto Valle del Serchio",
        "le fonti di questo sito non indicano date di apertura o di scadenza",
    ] {
        assert!(call.contains(fact), "call lacks {fact:?}");
    }
    // Its summary: the rule and office from the sources, no invented dates.
    let html = &pages["partecipa/manifestazione-di-interesse/index.html"];
    assert!(html.contains("<dt>Riferimento normativo</dt><dd>Articolo 55 del decreto legislativo n. 117 del 2017 (Codice del Terzo settore), coprogettazione con gli enti del Terzo settore, sul modello dell’avviso di manifestazione di interesse pubblicato dalla Zona Distretto nel 2018 per il progetto AV3-2016-TOS_03"));
    assert!(html.contains("<dt>Ente responsabile</dt><dd>Zona Distretto Valle del Serchio dell’Azienda USL Toscana Nord Ovest</dd>"));
    assert!(!html.contains("<dt>Apertura</dt>") && !html.contains("<dt>Scadenza</dt>"));
    // The partecipa section lists it with its status.
    let partecipa = &pages["partecipa/index.html"];
    assert!(partecipa.contains(&format!("<li class=\"avviso-voce avviso-voce--aperto\"><a href=\"/partecipa/manifestazione-di-interesse/\">Manifestazione di interesse</a><p>{NO_PROCEDURE}</p></li>")), "{partecipa}");
}

/// The seed says what the projects planned ("prevedono"), not what they
/// achieved, and names no comuni for any intervention.
#[test]
fn pages_claim_only_what_the_sources_say() {
    let pages = pages();
    for (path, html) in &pages {
        let t = text(html);
        for claim in [
            "hanno offerto",
            "ha offerto",
            "tempi più brevi",
            "hanno potuto accedere",
            "offerto nel Comune",
            "di tutti i 19 Comuni dell’Ambito:",
            "dataset",
            "slug",
        ] {
            assert!(!t.contains(claim), "{path}: {claim:?}");
        }
    }
    let sociale = &pages["servizi/servizio-sociale-professionale/index.html"];
    assert!(sociale.contains("<h1>Rafforzamento del servizio sociale professionale</h1>"));
    assert!(text(sociale).contains("I progetti prevedevano il rafforzamento del servizio sociale professionale, al fine di garantire"));
    let tirocini = text(&pages["servizi/work-experience-e-tirocini-inclusivi/index.html"]);
    assert!(tirocini.contains("Che cosa era previsto"));
    assert!(tirocini.contains("L’intervento era rivolto all’intero Ambito territoriale della Valle del Serchio, che comprende 19 Comuni: le fonti non nominano singoli Comuni."));
    let barga = text(&pages["comuni/barga/index.html"]);
    assert!(barga.contains("gli interventi dei progetti PON Inclusione 2014-2020, oggi conclusi, erano rivolti all’intero Ambito."));
    assert!(
        barga.contains("Gli interventi che i progetti prevedevano Erano rivolti all’intero Ambito")
    );
    assert!(barga.contains("© OpenStreetMap contributors, licenza ODbL"));
    assert!(text(&pages["index.html"])
        .contains("I progetti prevedevano il rafforzamento del servizio sociale"));
    // The map's coordinates are OpenStreetMap's (ODbL); CC BY 4.0 is a choice.
    let comuni = &pages["comuni/index.html"];
    assert!(comuni.contains("<a href=\"https://www.openstreetmap.org/copyright\" hreflang=\"en\">© OpenStreetMap contributors</a> (licenza ODbL)"));
    let dati = text(&pages["dati/index.html"]);
    assert!(dati.contains(
        "© OpenStreetMap contributors, disponibili con licenza Open Database License (ODbL)"
    ));
    assert!(dati.contains("scelta dall’Azienda come raccomandano le Linee guida dell’AgID"));
    assert!(text(&pages["fonti-dei-dati/index.html"])
        .contains("convertito con modificazioni dalla legge 3 luglio 2023, n. 85"));
    let legali = text(&pages["note-legali/index.html"]);
    assert!(legali.contains("una licenza scelta dall’Azienda"));
    assert!(legali.contains("ma non prescrive questa licenza"));
    assert!(!legali.contains("come prevede per i dati"));
}

/// With no open call, the form is what it is: a way to make interest known
/// for future co-design, with no procedure, no ranking and no reply owed;
/// who reads it and what may follow, in the same words everywhere.
const NO_PROCEDURE: &str = "Nessuna procedura aperta: con questo modulo si fa conoscere il proprio interesse, senza scadenza, senza graduatoria e senza una risposta dovuta.";
const NEXT: &str = "La manifestazione di interesse è letta dall’ufficio della Zona Distretto Valle del Serchio. Non c’è una graduatoria e non è dovuta una risposta; se avvierà una nuova coprogettazione, la Zona Distretto potrà usare questi dati per contattare l’ente.";

#[test]
fn the_form_says_what_it_is_and_what_happens_next() {
    let pages = pages();
    for (path, html) in &pages {
        let t = text(html);
        for claim in [
            "si può inviare in ogni momento",
            "partecipare alla coprogettazione",
            "hanno offerto",
            "al tavolo di coprogettazione",
        ] {
            assert!(!t.contains(claim), "{path}: {claim:?}");
        }
    }
    let dir = "partecipa/manifestazione-di-interesse";
    let form = &pages[&format!("{dir}/index.html")];
    assert!(form.contains(&format!(
        "<p class=\"avviso-stato avviso-stato--aperto\"><strong>{NO_PROCEDURE}</strong></p>"
    )));
    assert!(form.contains(&format!(
        "<dt>Dopo l’invio</dt><dd id=\"dopo-invio\">{NEXT}</dd>"
    )));
    assert!(form.contains("href=\"https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2017-07-03;117~art55\""));
    let t = text(form);
    for fact in [
        "Oggi non è aperto nessun avviso e nessuna procedura",
        "non porta a una graduatoria",
        "Che cosa succede dopo: non c’è una graduatoria e non è dovuta una risposta.",
    ] {
        assert!(t.contains(fact), "form page lacks {fact:?}");
    }
    // The compiled definition carries the same words to the receipt and the emails.
    let json: serde_json::Value = serde_json::from_str(&read(
        site(),
        &format!("{dir}/manifestazione-di-interesse.form.json"),
    ))
    .unwrap();
    assert_eq!(json["call"]["next"], NEXT);
    assert_eq!(
        json["title"],
        "Manifestazione di interesse per future coprogettazioni"
    );
    for page in ["rete/index.html", &format!("{dir}/grazie/index.html")] {
        assert!(text(&pages[page]).contains(NEXT), "{page}");
    }
    assert!(text(&pages["rete/index.html"])
        .contains("oggi non è aperto nessun avviso di coprogettazione"));
    // The confirmation: "manifestazione di interesse", not "richiesta" (it
    // is no application), and found only by sending: not indexed by search
    // engines, nor by the site's search, nor in the sitemap.
    let grazie = &pages[&format!("{dir}/grazie/index.html")];
    assert!(grazie.contains("<h1>Manifestazione di interesse inviata</h1>"));
    assert!(
        !text(grazie).to_lowercase().contains("richiesta"),
        "{grazie}"
    );
    assert!(grazie.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!grazie.contains("data-pagefind-body"));
    let sitemap = read(site(), "sitemap.xml");
    assert!(!sitemap.contains("/grazie/"), "{sitemap}");
    assert!(sitemap.contains(&format!("<loc>https://www.example.org/{dir}/</loc>")));
}

/// News of 2022 decrees are dated with the decree's date, in the list, on
/// their page and in the feed: archive entries, not current deadlines.
#[test]
fn a_news_item_shows_one_date_the_decrees_everywhere() {
    let pages = pages();
    let list = &pages["notizie/index.html"];
    assert!(text(list).contains("Le notizie sui progetti PON Inclusione 2014-2020 sono d’archivio"));
    let feed: atom_syndication::Feed = read(site(), "notizie/atom.xml").parse().unwrap();
    for (slug, decree) in [
        ("scadenza-av1-113", "2022-06-14"),
        ("scadenza-av3-2016-tos-03", "2022-07-21"),
    ] {
        let item = &pages[&format!("notizie/{slug}/index.html")];
        let shown = item
            .split("<p class=\"data\">Notizia del <time datetime=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(shown, decree, "{slug}");
        let in_list = list
            .split(&format!("<a href=\"/notizie/{slug}/\">"))
            .nth(1)
            .unwrap()
            .split("<time datetime=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(in_list, decree, "{slug}");
        let entry = feed
            .entries
            .iter()
            .find(|e| e.id.ends_with(&format!("/notizie/{slug}/")))
            .unwrap();
        assert!(
            entry.published.unwrap().to_rfc3339().starts_with(decree),
            "{slug}: {:?}",
            entry.published
        );
    }
}

#[test]
fn the_legal_pages_say_what_is_true_and_what_is_still_to_set() {
    let pages = pages();
    let a11y_html = &pages["accessibilita/index.html"];
    let a11y = text(a11y_html);
    // No assessment with assistive technology recorded in site.yaml: only
    // "parzialmente conforme", and why.
    assert!(a11y.contains("Questo sito è parzialmente conforme "));
    assert!(!a11y.contains("sito è conforme"));
    assert!(a11y.contains("non è ancora stato provato con le tecnologie assistive"));
    assert!(a11y
        .contains("La dichiarazione è stata redatta il 26 novembre 2026, con un’autovalutazione"));
    assert!(a11y.contains("axe-core"));
    assert!(a11y.contains("aggiornata ogni anno entro il 23 settembre"));
    assert!(a11y.contains(
        "Difensore civico per il digitale, istituito presso l’Agenzia per l’Italia digitale (AgID)"
    ));
    assert!(a11y_html.contains("<a href=\"https://form.agid.gov.it/\">"));
    // site.yaml leaves the contacts empty: the pages say so, invent nothing,
    // and send people to the Azienda's official site.
    assert!(a11y.contains("L’indirizzo per le segnalazioni sull’accessibilità di questo sito non è ancora stato indicato"));
    let azienda = "<a href=\"https://www.uslnordovest.toscana.it/\">";
    assert!(a11y_html.contains(azienda));
    let privacy_html = &pages["privacy/index.html"];
    assert!(privacy_html.contains(azienda));
    let privacy = text(privacy_html);
    for fact in [
        "I contatti del titolare non sono ancora stati indicati",
        "I contatti del Responsabile della protezione dei dati (RPD) non sono ancora stati indicati",
        "numero di ricevuta",
        "lo stato della consegna per email",
        "non viene salvato il tuo indirizzo IP, né alcun dato ricavato da esso",
        "ciascun indirizzo IP",
        "un codice calcolato dal contenuto del file",
        "log",
        "730 giorni dalla ricezione (impostazione predefinita del servizio)",
        "conserva solo le ultime 14 copie",
        "per altri 14 giorni al massimo",
        "responsabili del trattamento (articolo 28 del GDPR)",
        "future coprogettazioni",
        "non è dovuta una risposta",
        "articolo 6, paragrafo 1, lettera e, del GDPR",
        "articolo 2-ter del Codice in materia di protezione dei dati personali (decreto legislativo 30 giugno 2003, n. 196)",
        "articolo 55 del Codice del Terzo settore (decreto legislativo 3 luglio 2017, n. 117)",
        "Non prendiamo decisioni basate unicamente su un trattamento automatizzato",
        "dipende dai fornitori di hosting e di posta elettronica che l’Azienda sceglie",
        "Per i fornitori di questo sito l’informazione non è ancora stata indicata",
        "Garante per la protezione dei dati personali",
    ] {
        assert!(privacy.contains(fact), "privacy lacks {fact:?}");
    }
    // Nothing asserted that depends on providers not yet chosen.
    assert!(!privacy.contains("non sono trasferiti fuori"));
    assert!(!privacy.contains("codice derivato"));
    assert!(!privacy.contains("valutare la tua manifestazione"));
    // Where to ask today: the office, and the Azienda's site for its contacts.
    for (path, html) in &pages {
        assert!(
            !text(html).contains("non ne riportano i recapiti, per questo non li indichiamo"),
            "{path}"
        );
    }
    // Every page that sends people to ask the Servizio sociale territoriale
    // says where to find it: the Azienda's official site.
    for (path, html) in &pages {
        let t = text(html);
        if t.contains("rivolgiti al Servizio sociale territoriale")
            || t.contains("chiedi al Servizio sociale territoriale")
        {
            assert!(html.contains(azienda), "{path}");
        }
    }
    let legali = text(&pages["note-legali/index.html"]);
    assert!(legali.contains("(CC BY 4.0)"));
    assert!(legali.contains("articolo 52 del Codice dell’amministrazione digitale"));
}

/// Once site.yaml records an assessment with assistive technology, with
/// its date, and the transfers, the pages say so.
#[test]
fn recorded_assessment_and_transfers_show_on_the_legal_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_real_site(tmp.path());
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml
        .replace(
            "valutazione_tecnologie_assistive_data: ~",
            "valutazione_tecnologie_assistive_data: 2027-03-15",
        )
        .replace(
            "valutazione_tecnologie_assistive_metodo: ~",
            "valutazione_tecnologie_assistive_metodo: NVDA con Firefox",
        )
        .replace(
            "trasferimenti_extra_ue: \"\"",
            "trasferimenti_extra_ue: \"nessuno, i fornitori scelti trattano i dati nell’Unione europea.\"",
        );
    std::fs::write(tmp.path().join("site.yaml"), yaml).unwrap();
    let out = tmp.path().join("public");
    let run = ambito(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let a11y = text(&read(&out, "accessibilita/index.html"));
    assert!(a11y.contains("Questo sito è conforme "), "{a11y}");
    assert!(a11y.contains("le prove con tecnologie assistive del 15 marzo 2027 (NVDA con Firefox)"));
    assert!(!a11y.contains("parzialmente conforme"));
    let privacy = text(&read(&out, "privacy/index.html"));
    assert!(privacy.contains("Trasferimenti fuori dall’Unione europea: nessuno, i fornitori scelti trattano i dati nell’Unione europea."));
    assert!(!privacy.contains("non è ancora stata indicata"));
}

/// Builds a copy of the real site whose projects end in 2099: the same
/// templates must then speak in the present.
#[test]
fn templates_follow_the_computed_status() {
    let tmp = tempfile::tempdir().unwrap();
    copy_real_site(tmp.path());
    for p in ["av1-113", "av3-2016-tos-03"] {
        let file = tmp.path().join(format!("content/progetti/{p}.md"));
        let md = std::fs::read_to_string(&file).unwrap();
        let md: String = md
            .lines()
            .map(|l| {
                if l.starts_with("  fine: ") {
                    "  fine: 2099-12-31".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&file, md).unwrap();
    }
    let out = tmp.path().join("public");
    let run = ambito(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let barga = text(&read(&out, "comuni/barga/index.html"));
    assert!(barga.contains(
        "gli interventi dei progetti PON Inclusione 2014-2020 sono rivolti all’intero Ambito."
    ));
    assert!(barga.contains("Gli interventi dei progetti Sono rivolti all’intero Ambito"));
    let servizio = text(&read(&out, "servizi/percorsi-formativi/index.html"));
    assert!(servizio.contains("A chi si rivolge:"));
    assert!(servizio.contains("Chi lo finanzia"));
    assert!(!servizio.contains("concluso"));
    let home = text(&read(&out, "index.html"));
    assert!(home.contains("I progetti sono in corso fino al 31 dicembre 2099."));
    assert!(!read(&out, "index.html").contains("I progetti sono conclusi"));
    // And the real site, built today, says they ended.
    assert!(text(&read(site(), "comuni/barga/index.html")).contains("oggi conclusi, erano rivolti"));
}

#[test]
fn the_news_feed_lists_every_dated_news_item_and_every_page_links_it() {
    let text = read(site(), "notizie/atom.xml");
    let feed: atom_syndication::Feed = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(feed.lang.as_deref(), Some("it"));
    let news: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/notizie"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "_index.md")
            .collect();
    assert_eq!(feed.entries.len(), news.len(), "{text}");
    for entry in &feed.entries {
        let path = entry
            .id
            .strip_prefix("https://www.example.org/")
            .unwrap_or_else(|| panic!("not absolute: {}", entry.id));
        // Each entry is a page of the site, with its title and summary.
        let page = read(site(), &format!("{path}index.html"));
        assert!(
            page.contains(&format!("<h1>{}</h1>", entry.title.as_str())),
            "{path}"
        );
        assert!(entry.summary.is_some(), "{path}");
        assert!(entry.published.is_some() && entry.updated >= entry.published.unwrap());
    }
    for (name, html) in pages() {
        assert!(
            html.contains("<link rel=\"alternate\" type=\"application/atom+xml\""),
            "{name} does not announce the feed"
        );
    }
    // And /notizie/ shows it, for people.
    assert!(read(site(), "notizie/index.html").contains(
        "<a href=\"/notizie/atom.xml\" type=\"application/atom+xml\">feed Atom delle notizie</a>"
    ));
}

/// `/dati/`: the 19 comuni as CSV (UTF-8, a header) with the ISTAT codes of
/// the data the content was made from, the same as typed JSON, the
/// interventions naming comuni and projects by code, and a DCAT-AP_IT
/// catalogue whose every distribution is a file of the site.
#[test]
fn open_data_publishes_the_comuni_projects_and_interventions() {
    let comuni = comuni();
    let mut csv = csv::Reader::from_path(site().join("dati/comuni.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "istat",
        "titolo",
        "pagina",
        "codice_catastale",
        "provincia",
        "cap",
        "popolazione_2011",
        "lat",
        "lon",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "{column} missing from {header:?}"
        );
    }
    assert!(
        !header.iter().any(|h| h == "etichetta"),
        "the map's label placement is not data"
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 19);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut istat: Vec<&str> = rows.iter().map(|r| &r[column("istat")]).collect();
    let mut expected: Vec<&str> = comuni.iter().map(|(_, _, code)| code.as_str()).collect();
    istat.sort_unstable();
    expected.sort_unstable();
    assert_eq!(istat, expected);
    let barga = rows
        .iter()
        .find(|r| &r[column("titolo")] == "Barga")
        .unwrap();
    assert_eq!(
        &barga[column("pagina")],
        "https://www.example.org/comuni/barga/"
    );

    let json: serde_json::Value = serde_json::from_str(&read(site(), "dati/comuni.json")).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 19);
    let barga = records.iter().find(|r| r["titolo"] == "Barga").unwrap();
    assert_eq!(barga["istat"], "046003");
    assert_eq!(barga["popolazione_2011"], 10125);
    assert!(barga["lat"].is_f64() && barga["lon"].is_f64(), "{barga}");

    let projects: serde_json::Value =
        serde_json::from_str(&read(site(), "dati/progetti.json")).unwrap();
    let av3 = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["codice"] == "AV3-2016-TOS_03")
        .unwrap();
    assert_eq!(av3["importo"], 197769.0);
    assert_eq!(av3["inizio"], "2017-01-02");
    assert_eq!(av3["decreto_numero"], 180);

    let services: serde_json::Value =
        serde_json::from_str(&read(site(), "dati/servizi.json")).unwrap();
    let tirocini = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codice"] == "work-experience-e-tirocini-inclusivi")
        .unwrap();
    // No source names comuni for an intervention: it was for the whole Ambito.
    assert_eq!(tirocini["territorio"], "rivolto all’intero Ambito");
    assert!(
        tirocini["comuni"].as_array().is_none_or(Vec::is_empty),
        "{tirocini}"
    );
    let servizi_csv = read(site(), "dati/servizi.csv");
    assert!(
        servizi_csv.starts_with("codice,titolo,pagina,"),
        "{servizi_csv}"
    );
    assert!(
        servizi_csv.contains(",rivolto all’intero Ambito\n"),
        "{servizi_csv}"
    );
    assert!(
        tirocini["progetti"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "AV1-113"),
        "{tirocini}"
    );

    let catalogue: serde_json::Value =
        serde_json::from_str(&read(site(), "dati/catalogo.jsonld")).unwrap();
    assert_eq!(catalogue["@type"][1], "dcatapit:Catalog");
    let datasets = catalogue["dcat:dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), 3);
    for d in datasets {
        assert!(d["dct:modified"]["@value"].is_string(), "{d}");
        for dist in d["dcat:distribution"].as_array().unwrap() {
            assert_eq!(
                dist["dct:license"]["@id"],
                "https://creativecommons.org/licenses/by/4.0/"
            );
            let url = dist["dcat:downloadURL"]["@id"].as_str().unwrap();
            let rel = url.strip_prefix("https://www.example.org/").unwrap();
            assert!(site().join(rel).is_file(), "{url} is not in the site");
        }
    }

    let page = read(site(), "dati/index.html");
    for d in ["comuni", "progetti", "servizi"] {
        assert!(page.contains(&format!("href=\"/dati/{d}.csv\"")), "{d}");
        assert!(page.contains(&format!("href=\"/dati/{d}.json\"")), "{d}");
    }
    assert!(page.contains("CC BY 4.0"));
    assert!(page.contains("<code>popolazione_2011</code>"));
    assert!(page.contains("href=\"/dati/catalogo.jsonld\""));
}

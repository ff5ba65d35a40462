//! The real site (site.yaml, content/, themes/serchio) built and checked:
//! facts from the seed, links, accessibility basics, size budget.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The site is built once, into a folder that lives as long as the tests.
fn site() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("ambito-site-test-{}", std::process::id()));
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
        // On the map (a link per comune) and in the list alternative.
        assert_eq!(
            section
                .matches(&format!("<a href=\"/comuni/{slug}/\">"))
                .count(),
            2,
            "{slug}"
        );
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
        assert!(html.contains("Progetti cofinanziati dall’Unione europea</strong> – Fondo sociale europeo, Programma operativo nazionale (PON) Inclusione"), "{path}: funding notice");
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
            assert!(html.contains("<p class=\"ultima-modifica\">Data ultima modifica: <time datetime=\"2026-11-25\">25 novembre 2026</time></p>"), "{path}: last modified");
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
    assert!(shell.contains("<main id=\"contenuto\" class=\"contenitore\">\n__AMBITO_CONTENUTO__"));
    assert!(shell.contains("href=\"https://www.example.org/css/serchio."));
    assert!(
        !shell.contains("href=\"/"),
        "no site-relative links in the shell"
    );
    // The progressive-enhancement script: on the form page only, small.
    assert!(page.contains("<script src=\"/js/modulo."));
    assert!(page.contains(".js\" defer></script>"));
    let js = std::fs::metadata(site().join("js/modulo.js"))
        .unwrap()
        .len();
    assert!(js < 5 * 1024, "modulo.js is {js} bytes");
    let with_scripts = pages()
        .values()
        .filter(|p| p.contains("<script src="))
        .count();
    assert_eq!(with_scripts, 1, "no other page loads a script");
}

#[test]
fn every_page_with_its_css_is_within_30_kb() {
    let css = std::fs::metadata(site().join("css/serchio.css"))
        .unwrap()
        .len();
    let (largest, size) = pages()
        .into_iter()
        .map(|(p, html)| (p, html.len() as u64))
        .max_by_key(|(_, n)| *n)
        .unwrap();
    eprintln!(
        "largest page: {largest}, {size} bytes + {css} bytes of CSS = {} bytes",
        size + css
    );
    assert!(size + css <= 30 * 1024, "{largest}: {} bytes", size + css);
}

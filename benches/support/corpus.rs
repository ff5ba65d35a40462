//! A synthetic site for benchmarks: N pages in ten sections, with front
//! matter checked by a schema, Italian-like text of 300–1,500 words,
//! headings, a table and internal links with anchors. Deterministic: the
//! same N gives the same bytes.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

pub const SECTIONS: usize = 10;

const WORDS: &[&str] = &[
    "servizio",
    "sociale",
    "comune",
    "famiglia",
    "persone",
    "inclusione",
    "lavoro",
    "progetto",
    "attività",
    "territorio",
    "valle",
    "percorso",
    "sostegno",
    "rete",
    "associazioni",
    "cittadini",
    "formazione",
    "tirocinio",
    "educativa",
    "domiciliare",
    "mediazione",
    "familiare",
    "minori",
    "scuola",
    "doposcuola",
    "comunità",
    "povertà",
    "reddito",
    "accesso",
    "sportello",
    "ufficio",
    "domanda",
    "informazioni",
    "operatore",
    "équipe",
    "presa",
    "carico",
    "integrata",
    "welfare",
    "misure",
    "interventi",
    "risorse",
    "fondo",
    "europeo",
    "regionale",
    "azienda",
    "sanitaria",
    "distretto",
    "zona",
    "montagna",
    "città",
    "è",
    "più",
    "perché",
    "già",
    "così",
    "anche",
    "della",
    "delle",
    "degli",
    "nella",
    "nelle",
    "con",
    "per",
    "tra",
    "fra",
    "una",
    "uno",
    "il",
    "la",
    "le",
    "gli",
    "dei",
    "del",
    "che",
    "non",
    "sono",
    "viene",
    "offre",
    "garantisce",
    "accompagna",
    "sostiene",
    "rafforza",
    "coinvolge",
    "promuove",
    "realizza",
    "prevede",
    "favorisce",
    "permette",
    "consente",
    "tempi",
    "qualità",
    "bisogni",
    "giovani",
    "anziani",
    "adulti",
    "ragazzi",
    "bambini",
    "enti",
    "terzo",
    "settore",
    "parrocchie",
    "volontari",
    "incontri",
    "tavolo",
    "coprogettazione",
    "avviso",
    "manifestazione",
    "interesse",
    "regole",
];

const HEADINGS: &[&str] = &[
    "Come accedere al servizio",
    "A chi si rivolge",
    "Che cosa offre",
    "Documenti necessari",
    "Tempi e modalità",
    "Novità e attività",
    "Contatti e orari",
];

pub const SECTION_TITLES: [&str; SECTIONS] = [
    "Luoghi",
    "Servizi",
    "Progetti",
    "Notizie",
    "Rete",
    "Bandi",
    "Documenti",
    "Eventi",
    "Guide",
    "Domande frequenti",
];

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn section_key(s: usize) -> String {
    format!("sezione-{:02}", s + 1)
}

/// Where page `i` lives: (section index, file stem).
pub fn page_location(i: usize) -> (usize, String) {
    (i % SECTIONS, format!("pagina-{i:05}"))
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = 8 + rng.below(13);
    for w in 0..n {
        let word = WORDS[rng.below(WORDS.len())];
        if w == 0 {
            let mut c = word.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push_str(if rng.below(8) == 0 { "; " } else { ". " });
}

/// One page's Markdown body: headings, paragraphs, a table, links.
/// `link` renders an internal link to (page index, optional anchor).
pub fn body(i: usize, n: usize, link: &dyn Fn(usize, Option<&str>) -> String) -> String {
    let mut rng = Rng::new(i as u64 + 1);
    let target_words = 300 + rng.below(1201);
    let mut out = String::with_capacity(target_words * 8);
    let mut words = 0;
    let mut h = 0;
    while words < target_words {
        let heading = HEADINGS[h % HEADINGS.len()];
        let _ = writeln!(out, "## {heading}\n");
        h += 1;
        for _ in 0..(2 + rng.below(3)) {
            let before = out.len();
            for _ in 0..(3 + rng.below(4)) {
                sentence(&mut rng, &mut out);
            }
            if rng.below(2) == 0 && n > 1 {
                let target = (i + 1 + rng.below(n - 1)) % n;
                let anchor = (rng.below(2) == 0).then_some("come-accedere-al-servizio");
                let _ = write!(
                    out,
                    "Vedi anche [la pagina collegata]({}). ",
                    link(target, anchor)
                );
            }
            words += out[before..].split_whitespace().count();
            out.push_str("\n\n");
        }
        if h == 2 {
            out.push_str("| Voce | Valore | Note |\n|------|-------:|------|\n");
            for r in 0..4 {
                let _ = writeln!(
                    out,
                    "| Riga {r} | {} | {} |",
                    rng.below(10_000),
                    WORDS[rng.below(WORDS.len())]
                );
            }
            out.push('\n');
        }
    }
    out
}

/// Where the two generators' content differs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `@/` links; section fields under `extra:`.
    Ambito,
    /// `relref` links; custom fields at the top of the front matter.
    Hugo,
}

/// The same pages for both generators: the home page, the ten section
/// pages, and `n` pages with front matter and a body.
fn write_content(content: &Path, n: usize, layout: Layout) -> io::Result<()> {
    std::fs::create_dir_all(content)?;
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: Pagina iniziale\n---\nBenvenuti.\n",
    )?;
    for (s, title) in SECTION_TITLES.iter().enumerate() {
        let d = content.join(section_key(s));
        std::fs::create_dir_all(&d)?;
        std::fs::write(
            d.join("_index.md"),
            format!("---\ntitle: {title}\nweight: {s}\n---\nLe pagine della sezione.\n"),
        )?;
    }
    let link = |t: usize, anchor: Option<&str>| {
        let (s, stem) = page_location(t);
        let target = match anchor {
            Some(a) => format!("{}/{stem}.md#{a}", section_key(s)),
            None => format!("{}/{stem}.md", section_key(s)),
        };
        match layout {
            Layout::Ambito => format!("@/{target}"),
            Layout::Hugo => format!("{{{{< relref \"/{target}\" >}}}}"),
        }
    };
    let (extra, indent) = match layout {
        Layout::Ambito => ("extra:\n", "  "),
        Layout::Hugo => ("", ""),
    };
    let luoghi = n.div_ceil(SECTIONS).max(1);
    for i in 0..n {
        let (s, stem) = page_location(i);
        let mut rng = Rng::new(i as u64 + 7);
        let refs: Vec<String> = (0..3)
            .map(|_| page_location(rng.below(luoghi) * SECTIONS).1)
            .filter(|r| page_location_index(r) < n)
            .collect();
        let fm = format!(
            "---\ntitle: Pagina {i} della sezione {}\ndescription: Una pagina di prova con testo in italiano.\ndate: 20{:02}-{:02}-{:02}\nweight: {}\n{extra}{indent}codice: AV-{i:05}\n{indent}importo: {}.{:02}\n{indent}luoghi: [{}]\n---\n",
            SECTION_TITLES[s],
            10 + rng.below(15),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(100),
            rng.below(1_000_000),
            rng.below(100),
            refs.join(", ")
        );
        let text = fm + &body(i, n, &link);
        std::fs::write(
            content.join(section_key(s)).join(format!("{stem}.md")),
            text,
        )?;
    }
    Ok(())
}

/// Writes the ambito site (site.yaml, content/, themes/bench/) into `dir`.
pub fn write_ambito_site(dir: &Path, n: usize) -> io::Result<()> {
    let mut site = String::from(
        "title: Sito di prova\nbase_url: https://prova.example.org/\ntheme: bench\nsections:\n",
    );
    for s in 0..SECTIONS {
        let _ = write!(
            site,
            "  {}:\n    fields:\n      codice: {{ type: string, required: true }}\n      importo: {{ type: decimal }}\n      luoghi: {{ type: list, of: reference, section: sezione-01 }}\n",
            section_key(s)
        );
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("site.yaml"), site)?;
    write_content(&dir.join("content"), n, Layout::Ambito)?;
    let theme = dir.join("themes/bench/templates");
    std::fs::create_dir_all(&theme)?;
    std::fs::write(theme.join("base.html"), BASE)?;
    std::fs::write(theme.join("page.html"), PAGE)?;
    std::fs::write(theme.join("section.html"), SECTION)?;
    std::fs::write(theme.join("index.html"), SECTION)?;
    Ok(())
}

/// Writes the same corpus as a Hugo site into `dir`: the same pages and
/// bodies (internal links as `relref`), the same front matter fields (the
/// cross-references `luoghi` as a taxonomy, Hugo's own way to list pages
/// that name a page), and templates that do the same work as ambito's.
pub fn write_hugo_site(dir: &Path, n: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("config.yaml"),
        "baseURL: https://prova.example.org/\nlanguageCode: it\ndefaultContentLanguage: it\ntitle: Sito di prova\nenableRobotsTXT: true\ndisableKinds: [RSS]\ntaxonomies:\n  luogo: luoghi\nmarkup:\n  goldmark:\n    extensions:\n      typographer: true\n",
    )?;
    let content = dir.join("content");
    write_content(&content, n, Layout::Hugo)?;
    // The taxonomy is there for the cross-reference lists only: its own
    // pages are not rendered, so both sites have the same pages.
    let luoghi_dir = content.join("luoghi");
    std::fs::create_dir_all(&luoghi_dir)?;
    std::fs::write(
        luoghi_dir.join("_index.md"),
        "---\ntitle: Luoghi\n_build:\n  render: never\n  list: never\ncascade:\n  _build:\n    render: never\n    list: never\n---\n",
    )?;
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&layouts)?;
    std::fs::write(layouts.join("baseof.html"), HUGO_BASE)?;
    std::fs::write(layouts.join("single.html"), HUGO_SINGLE)?;
    std::fs::write(layouts.join("list.html"), HUGO_LIST)?;
    std::fs::write(dir.join("layouts/404.html"), HUGO_404)?;
    Ok(())
}

const HUGO_BASE: &str = r##"<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
</head>
<body>
<a href="#contenuto">Vai al contenuto</a>
<header><p><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></p>
<nav aria-label="Menu principale"><ul>{{ range .Site.Home.Sections.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<nav aria-label="Percorso"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li></ol></nav>
<main id="contenuto">{{ block "main" . }}{{ end }}</main>
<footer>{{ with .Lastmod }}<p>Data ultima modifica: {{ time.Format ":date_long" . }}</p>{{ end }}</footer>
</body>
</html>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ .TableOfContents }}
<p>Codice {{ .Params.codice }}, importo {{ lang.FormatNumberCustom 2 .Params.importo "- , ." }} €</p>
{{ .Content }}
{{ with .Params.luoghi }}<h2>Luoghi</h2><ul>{{ range . }}{{ with site.GetPage (printf "/sezione-01/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>{{ end }}
{{ with index site.Taxonomies.luoghi .File.ContentBaseName }}<h2>Citata da</h2><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ with .Pages.ByWeight }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}{{ end }}
"##;

const HUGO_404: &str = r##"{{ define "main" }}<h1>Pagina non trovata</h1>{{ end }}
"##;

fn page_location_index(stem: &str) -> usize {
    stem.trim_start_matches("pagina-")
        .parse()
        .unwrap_or(usize::MAX)
}

const BASE: &str = r##"<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if page %}{{ page.title }} – {% endif %}{{ config.title }}</title>
{% if page.description %}<meta name="description" content="{{ page.description }}">{% endif %}
</head>
<body>
<a href="#contenuto">Vai al contenuto</a>
<header><p><a href="{{ config.base_path }}">{{ config.title }}</a></p>
<nav aria-label="Menu principale"><ul>{% for item in nav %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav></header>
<nav aria-label="Percorso"><ol>{% for c in breadcrumbs %}<li><a href="{{ c.url }}">{{ c.title }}</a></li>{% endfor %}</ol></nav>
<main id="contenuto">{% block content %}{% endblock content %}</main>
<footer>{% if page.last_modified %}<p>Data ultima modifica: {{ page.last_modified | date_it }}</p>{% endif %}</footer>
</body>
</html>
"##;

const PAGE: &str = r##"{% extends "base.html" %}{% block content %}<article><h1>{{ page.title }}</h1>
<ul>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a></li>{% endfor %}</ul>
<p>Codice {{ page.extra.codice }}, importo {{ page.extra.importo | euro }}</p>
{{ page.content | safe }}
{% if page.refs.luoghi %}<h2>Luoghi</h2><ul>{% for l in page.refs.luoghi %}<li><a href="{{ l.url }}">{{ l.title }}</a></li>{% endfor %}</ul>{% endif %}
{% if page.backrefs %}<h2>Citata da</h2><ul>{% for key, list in page.backrefs %}{% for p in list %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}{% endfor %}</ul>{% endif %}
</article>{% endblock content %}
"##;

const SECTION: &str = r#"{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}
{% if page.pages %}<ul>{% for p in page.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endif %}{% endblock content %}
"#;

/// Sets `search:` in the site's `site.yaml`.
pub fn set_search(root: &Path, on: bool) {
    let config = root.join("site.yaml");
    let text = std::fs::read_to_string(&config).expect("site.yaml");
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("search:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, format!("{text}search: {on}\n")).expect("site.yaml");
}

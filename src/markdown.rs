//! Markdown with pulldown-cmark: heading ids, table of contents and
//! internal links (`@/comuni/barga.md#contatti`).
//!
//! A page's body is read twice: [`scan`] (while resolving the site, to learn
//! every page's headings and links) and [`render`] (to write HTML). Both go
//! through [`events`], so heading ids cannot differ between the two.

use crate::slug::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// One entry of a page's table of contents, with the headings below it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// An `@/...` link found in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    /// Content path of the target (`comuni/barga.md`).
    pub path: String,
    pub anchor: Option<String>,
    /// Byte offset of the `@/` in the body.
    pub offset: usize,
}

/// What the resolver needs to know of a body.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<InternalLink>,
}

/// Splits `@/comuni/barga.md#contatti` into path and anchor.
pub fn parse_internal(dest: &str) -> Option<(&str, Option<&str>)> {
    let rest = dest.strip_prefix("@/")?;
    Some(match rest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (rest, None),
    })
}

/// Parses `body` and gives every heading an id: the one written
/// (`## Contatti {#contatti}`) or a slug of its text, made unique.
fn events(body: &str) -> (Vec<(Event<'_>, Range<usize>)>, Vec<Heading>) {
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options()).into_offset_iter().collect();
    let mut headings = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    title.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| {
                let s = slugify(&title);
                if s.is_empty() {
                    "sezione".to_string()
                } else {
                    s
                }
            });
            let unique = match used.get_mut(&base) {
                None => {
                    used.insert(base.clone(), 0);
                    base
                }
                Some(n) => {
                    *n += 1;
                    format!("{base}-{n}")
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    (events, headings)
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Finds headings and internal links.
pub fn scan(body: &str) -> Scan {
    let (events, headings) = events(body);
    let mut links = Vec::new();
    for (event, range) in &events {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            if let Some((path, anchor)) = parse_internal(dest_url) {
                let offset = body
                    .get(range.clone())
                    .and_then(|src| src.find("@/"))
                    .map_or(range.start, |i| range.start + i);
                links.push(InternalLink {
                    path: path.to_string(),
                    anchor: anchor.map(str::to_string),
                    offset,
                });
            }
        }
    }
    Scan { headings, links }
}

/// Nests headings into a table of contents (an `h3` goes under the `h2`
/// before it).
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    fn insert(entries: &mut Vec<TocEntry>, h: &Heading) {
        match entries.last_mut() {
            Some(last) if last.level < h.level => insert(&mut last.children, h),
            _ => entries.push(TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: Vec::new(),
            }),
        }
    }
    let mut out = Vec::new();
    for h in headings {
        insert(&mut out, h);
    }
    out
}

/// Renders `body` to HTML. `resolve(path, anchor)` turns an internal link
/// into a URL; links it cannot resolve were already reported by the
/// resolver, and are left pointing nowhere (`#`).
pub fn render(body: &str, resolve: &dyn Fn(&str, Option<&str>) -> Option<String>) -> String {
    let (events, _) = events(body);
    let events = events.into_iter().map(|(event, _)| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = rewrite(dest_url, resolve);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = rewrite(dest_url, resolve);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn rewrite<'a>(dest: CowStr<'a>, resolve: &dyn Fn(&str, Option<&str>) -> Option<String>) -> CowStr<'a> {
    match parse_internal(&dest) {
        Some((path, anchor)) => CowStr::from(resolve(path, anchor).unwrap_or_else(|| "#".to_string())),
        None => dest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_italian_slugs_and_unique() {
        let s = scan("# Novità e attività\n\n## Contatti\n\n## Contatti\n\n### Orari {#orari-ufficio}\n");
        let ids: Vec<&str> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["novita-e-attivita", "contatti", "contatti-1", "orari-ufficio"]);
        let toc = toc(&s.headings);
        assert_eq!(toc.len(), 1);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[0].children[1].children[0].id, "orari-ufficio");
    }

    #[test]
    fn finds_and_rewrites_internal_links() {
        let body = "Vedi [Barga](@/comuni/barga.md#contatti) e [x](https://e.it).\n";
        let s = scan(body);
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].path, "comuni/barga.md");
        assert_eq!(s.links[0].anchor.as_deref(), Some("contatti"));
        assert_eq!(&body[s.links[0].offset..s.links[0].offset + 2], "@/");
        let html = render(body, &|p, a| Some(format!("/{}/#{}", p.trim_end_matches(".md"), a.unwrap_or(""))));
        assert!(html.contains(r#"href="/comuni/barga/#contatti""#), "{html}");
        assert!(html.contains(r#"href="https://e.it""#));
    }

    #[test]
    fn tables_footnotes_strikethrough_smart_punctuation() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nL'ambito ~~no~~[^1]\n\n[^1]: nota\n", &|_, _| None);
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>no</del>"));
        assert!(html.contains("L’ambito"));
        assert!(html.contains("footnote"));
    }

    #[test]
    fn render_ids_match_scan_ids() {
        let body = "## Perché?\n\n## Perché?\n";
        let html = render(body, &|_, _| None);
        assert!(html.contains(r#"<h2 id="perche">"#), "{html}");
        assert!(html.contains(r#"<h2 id="perche-1">"#));
    }
}

//! Markdown with pulldown-cmark: heading ids, table of contents and
//! internal links (`@/comuni/barga.md#contatti`).
//!
//! A page's body is read twice: [`scan`] (while resolving the site, to learn
//! every page's headings and links) and [`render`] (to write HTML). Both go
//! render takes the heading ids the scan assigned, so they cannot differ.

use crate::report::diagnostic::Pos;
use crate::text::paths;
use crate::text::slug::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// The anchor (`come-accedere`), unique in the page.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// One entry of a page's table of contents, with the headings below it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// The anchor to link to.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// The headings nested under this one.
    pub children: Vec<TocEntry>,
}

/// An `@/...` link found in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    /// Content path of the target (`comuni/barga.md`).
    pub path: String,
    /// The heading anchor after `#`, if any.
    pub anchor: Option<String>,
    /// Byte offset of the `@/` in the body.
    pub offset: usize,
    /// Line and column of the `@/` in the body.
    pub pos: Pos,
}

/// What the resolver needs to know of a body.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every `@/` link, in order.
    pub links: Vec<InternalLink>,
    /// Every relative link or image (`foto.jpg`, `allegati/bando.pdf`:
    /// no scheme, no leading `/`), without `#…` or `?…`, in order; a page
    /// bundle's must name its files.
    pub relative: Vec<InternalLink>,
    /// Words in the body (for reading time).
    pub words: usize,
}

/// Splits `@/comuni/barga.md#contatti` into path and anchor.
pub fn parse_internal(dest: &str) -> Option<(&str, Option<&str>)> {
    let rest = dest.strip_prefix("@/")?;
    Some(match rest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (rest, None),
    })
}

/// The path of a relative link (`foto.jpg`, `./a/b.pdf#p2` → `./a/b.pdf`),
/// or `None` for anything else: `@/` links, absolute paths, addresses with
/// a scheme (`https:`, `mailto:`), anchors in the same page.
fn relative_path(dest: &str) -> Option<&str> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let scheme = path.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if path.is_empty() || path.starts_with(['/', '@']) || scheme || path.starts_with("../") {
        return None;
    }
    Some(path)
}

/// Gives ids to a page's headings: the one written (`## Contatti
/// {#contatti}`) or a slug of the heading's text, unique in the page.
/// Written ids win: they are reserved first, so a generated id never takes
/// one (`# Titolo`, `# Titolo {#titolo-1}` gives `titolo`, `titolo-1` to the
/// second, and a third `# Titolo` gets `titolo-2`). A written id repeated
/// gets a suffix like a generated one.
///
/// `reserved`: ids the page's template already uses (`contenuto`, the
/// target of the skip link): no heading takes one, written or not, since
/// two elements with one id break the link to both.
fn assign_ids(raw: &[(u8, Option<String>, String)], reserved: &[String]) -> Vec<String> {
    let mut used: HashSet<String> = reserved.iter().cloned().collect();
    // The first heading that writes an id owns it.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (_, explicit, _)) in raw.iter().enumerate() {
        if let Some(id) = explicit.as_ref().filter(|id| !reserved.contains(id)) {
            owner.entry(id.as_str()).or_insert(i);
            used.insert(id.clone());
        }
    }
    let mut ids = Vec::with_capacity(raw.len());
    for (i, (_, explicit, title)) in raw.iter().enumerate() {
        let base = match explicit {
            Some(id) if owner.get(id.as_str()) == Some(&i) => {
                ids.push(id.clone());
                continue;
            }
            Some(id) => id.clone(),
            None => {
                let s = slugify(title);
                if s.is_empty() {
                    "sezione".to_string()
                } else {
                    s
                }
            }
        };
        let id = if used.contains(&base) {
            (1..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !used.contains(c))
                .unwrap_or_default()
        } else {
            base
        };
        used.insert(id.clone());
        ids.push(id);
    }
    ids
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Finds headings (with their ids) and internal links, in one streaming
/// pass over the body.
pub fn scan(body: &str) -> Scan {
    scan_with(body, &[])
}

/// [`scan`], with heading ids kept clear of the ids in `reserved` (those
/// the theme's templates write).
pub fn scan_with(body: &str, reserved: &[String]) -> Scan {
    let mut scan = Scan::default();
    // Headings as written (level, written id, text); ids are given once
    // all are known, since a written id further down wins.
    let mut raw: Vec<(u8, Option<String>, String)> = Vec::new();
    // While inside a heading: its level, written id and text so far.
    let mut open: Option<(u8, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                open = Some((
                    heading_level(level),
                    id.map(|s| s.to_string()),
                    String::new(),
                ));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = &mut open {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(heading) = open.take() {
                    raw.push(heading);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let Some(path) = relative_path(&dest_url) {
                    let offset = body
                        .get(range.clone())
                        .and_then(|src| src.find(path))
                        .map_or(range.start, |i| range.start + i);
                    scan.relative.push(InternalLink {
                        path: path.to_string(),
                        anchor: None,
                        offset,
                        pos: Pos::default(),
                    });
                } else if let Some((path, anchor)) = parse_internal(&dest_url) {
                    let offset = body
                        .get(range.clone())
                        .and_then(|src| src.find("@/"))
                        .map_or(range.start, |i| range.start + i);
                    scan.links.push(InternalLink {
                        path: path.to_string(),
                        anchor: anchor.map(str::to_string),
                        offset,
                        pos: Pos::default(),
                    });
                }
            }
            _ => {}
        }
    }
    if !raw.is_empty() {
        let ids = assign_ids(&raw, reserved);
        for ((level, _, title), id) in raw.into_iter().zip(ids) {
            scan.headings.push(Heading {
                level,
                id,
                title: title.trim().to_string(),
            });
        }
    }
    // Links come in document order: find their positions in one pass.
    let mut lines = LineIndex::default();
    for link in &mut scan.links {
        link.pos = lines.pos(body, link.offset);
    }
    let mut lines = LineIndex::default();
    for link in &mut scan.relative {
        link.pos = lines.pos(body, link.offset);
    }
    scan.words = count_words(body);
    scan
}

/// Words in a text: runs of non-space characters. Counted on bytes (all
/// Unicode spaces that matter in Italian text are ASCII), which is several
/// times faster than `split_whitespace` on long pages.
fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for b in text.bytes() {
        let space = b.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
    }
    words
}

/// Turns increasing byte offsets into line and column, scanning the text
/// once in total rather than once per offset.
#[derive(Default)]
struct LineIndex {
    offset: usize,
    line: u32,
    line_start: usize,
}

impl LineIndex {
    fn pos(&mut self, text: &str, offset: usize) -> Pos {
        if offset < self.offset {
            *self = LineIndex::default();
        }
        let upto = text.get(self.offset..offset).unwrap_or("");
        for (i, b) in upto.bytes().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let column = text
            .get(self.line_start..offset)
            .map_or(0, |s| s.chars().count());
        Pos::new(self.line + 1, column as u32 + 1)
    }
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

/// Renders `body` to HTML. `headings` are the ones [`scan`] found in the
/// same body: the n-th heading gets the n-th id, so ids are identical in
/// both passes. `resolve(path, anchor)` turns an internal link into a URL;
/// links it cannot resolve were already reported by the resolver, and are
/// left pointing nowhere (`#`). A relative link to a Markdown file
/// (`gallicano.md`, `../servizi/index.md#orari`), taken from `page_dir`
/// (the page's folder under `content/`), becomes the address of that page
/// when it is one, as mdBook does; otherwise it is left as written, for
/// the check of links after rendering to report.
pub fn render(
    body: &str,
    headings: &[Heading],
    page_dir: &str,
    resolve: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> String {
    let rewrite = |dest| rewrite(dest, page_dir, resolve);
    let mut next_heading = headings.iter();
    let events = Parser::new_ext(body, options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => {
            let id = next_heading
                .next()
                .map(|h| CowStr::from(h.id.clone()))
                .or(id);
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rewrite(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn rewrite<'a>(
    dest: CowStr<'a>,
    page_dir: &str,
    resolve: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> CowStr<'a> {
    if let Some((path, anchor)) = parse_internal(&dest) {
        return CowStr::from(resolve(path, anchor).unwrap_or_else(|| "#".to_string()));
    }
    let Some(path) = markdown_link(&dest) else {
        return dest;
    };
    let anchor = dest.split_once('#').map(|(_, a)| a);
    let joined = if page_dir.is_empty() {
        paths::percent_decode(path)
    } else {
        format!("{page_dir}/{}", paths::percent_decode(path))
    };
    let page = paths::normalize(&joined).and_then(|p| resolve(&p, anchor));
    page.map_or(dest, CowStr::from)
}

/// The path of a relative link to a Markdown file (`b.md`, `../x/index.md`,
/// without `#…`), or `None`.
fn markdown_link(dest: &str) -> Option<&str> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let relative = !path.is_empty() && !path.starts_with(['/', '@']) && !path.contains(':');
    let name = path.rsplit('/').next().unwrap_or(path);
    (relative && paths::markdown_stem(name).is_some()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_italian_slugs_and_unique() {
        let s = scan(
            "# Novità e attività\n\n## Contatti\n\n## Contatti\n\n### Orari {#orari-ufficio}\n",
        );
        let ids: Vec<&str> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "novita-e-attivita",
                "contatti",
                "contatti-1",
                "orari-ufficio"
            ]
        );
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
        let html = render(body, &s.headings, "", &|p, a| {
            Some(format!(
                "/{}/#{}",
                p.trim_end_matches(".md"),
                a.unwrap_or("")
            ))
        });
        assert!(html.contains(r#"href="/comuni/barga/#contatti""#), "{html}");
        assert!(html.contains(r#"href="https://e.it""#));
    }

    #[test]
    fn relative_links_to_pages_markdown_files_become_their_addresses() {
        let resolve = |path: &str, anchor: Option<&str>| {
            let url = match path {
                "sez/b.md" => "/sez/b/",
                "c.md" => "/c/",
                _ => return None,
            };
            Some(anchor.map_or_else(|| url.to_string(), |a| format!("{url}#{a}")))
        };
        let html = render(
            "[b](b.md#x) [c](../c.md) [d](d.md) [e](https://e.it/e.md) [f](./b.md)",
            &[],
            "sez",
            &resolve,
        );
        assert!(html.contains(r#"<a href="/sez/b/#x">b</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/c/">c</a>"#), "{html}");
        assert!(html.contains(r#"<a href="d.md">d</a>"#), "{html}");
        assert!(
            html.contains(r#"<a href="https://e.it/e.md">e</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<a href="/sez/b/">f</a>"#), "{html}");
    }

    #[test]
    fn tables_footnotes_strikethrough_smart_punctuation() {
        let html = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nL'ambito ~~no~~[^1]\n\n[^1]: nota\n",
            &[],
            "",
            &|_, _| None,
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>no</del>"));
        assert!(html.contains("L’ambito"));
        assert!(html.contains("footnote"));
    }

    #[test]
    fn words_and_link_positions() {
        assert_eq!(count_words("  Città  è\tbella.\n\nSì "), 4);
        let body = "a\n[x](@/a.md) [y](@/b.md)\nàè [z](@/c.md)\n";
        let s = scan(body);
        let pos: Vec<(u32, u32)> = s.links.iter().map(|l| (l.pos.line, l.pos.column)).collect();
        assert_eq!(pos, [(2, 5), (2, 17), (3, 8)]);
        for l in &s.links {
            assert_eq!(l.pos, crate::report::diagnostic::line_col(body, l.offset));
        }
    }

    #[test]
    fn heading_ids_never_repeat_and_written_ids_win() {
        let ids =
            |body: &str| -> Vec<String> { scan(body).headings.into_iter().map(|h| h.id).collect() };
        assert_eq!(
            ids("# Titolo\n\n# Titolo\n\n# Titolo 1\n"),
            ["titolo", "titolo-1", "titolo-1-1"]
        );
        assert_eq!(
            ids("# Titolo\n\n# Titolo\n\n# Altro {#titolo-1}\n"),
            ["titolo", "titolo-2", "titolo-1"]
        );
        assert_eq!(
            ids("# Titolo\n\n# Titolo\n\n# Titolo\n\n# Altro {#titolo-2}\n"),
            ["titolo", "titolo-1", "titolo-3", "titolo-2"]
        );
        assert_eq!(ids("# A {#x}\n\n# B {#x}\n"), ["x", "x-1"]);
        assert_eq!(
            ids("# Contatti\n\n# Dopo {#contatti}\n"),
            ["contatti-1", "contatti"]
        );
    }

    #[test]
    fn render_ids_match_scan_ids() {
        let body = "## Perché?\n\n## Perché?\n";
        let html = render(body, &scan(body).headings, "", &|_, _| None);
        assert!(html.contains(r#"<h2 id="perche">"#), "{html}");
        assert!(html.contains(r#"<h2 id="perche-1">"#));
    }
}

//! Every internal link checked after rendering: `href` and `src` in each
//! HTML file the build writes (from Markdown, raw HTML in a body, or a
//! template) must name a file the build writes, and a `#fragment` an id on
//! the page it points to. External addresses (with a scheme, or `//host`)
//! are not fetched. A link that points nowhere is a warning at its source
//! line (`build --strict` makes it an error), never a silent 404.
//!
//! Pages are read as they are written ([`Collector::offer`], in parallel),
//! keeping only their links and ids; the check itself runs once every
//! output is known ([`Collector::check`]).

use crate::msg;
use crate::report::diagnostic::{Diagnostic, Pos};
use crate::text::paths::{normalize, percent_decode};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One HTML file's links and ids.
#[derive(Debug)]
struct PageLinks {
    /// Its path in the output (`comuni/barga/index.html`).
    path: String,
    /// What it was made from (`content/comuni/barga.md`).
    source: PathBuf,
    /// Every `href`/`src` value, unescaped, in order.
    links: Vec<String>,
    /// Every `id` on it.
    ids: HashSet<String>,
}

/// Gathers the links and ids of the HTML files written.
#[derive(Debug, Default)]
pub struct Collector {
    pages: Mutex<Vec<PageLinks>>,
    files: Mutex<HashSet<String>>,
    /// Folders whose files are written by another tool (the search
    /// index, not built by `ambito check`): links into them are trusted.
    trusted: Vec<String>,
    /// The templates (file shown, text): a link not written in a page's
    /// source but written in a template is reported there, once.
    templates: Vec<(PathBuf, String)>,
}

impl Collector {
    /// Notes a file written at `path` (output-relative); an HTML file's
    /// links and ids are kept to check.
    pub fn offer(&self, path: &str, bytes: &[u8], source: &Path) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_string());
        }
        if !path.ends_with(".html") {
            return;
        }
        let html = String::from_utf8_lossy(bytes);
        let (links, ids) = scan_html(&html);
        if let Ok(mut pages) = self.pages.lock() {
            pages.push(PageLinks {
                path: path.to_string(),
                source: source.to_path_buf(),
                links,
                ids,
            });
        }
    }

    /// The templates the pages were rendered with (file shown to staff,
    /// text), where a link that is not in a page's own source is looked for.
    pub fn templates<'t>(&mut self, files: impl Iterator<Item = (&'t Path, &'t str)>) {
        self.templates = files
            .map(|(f, t)| (f.to_path_buf(), t.to_string()))
            .collect();
        self.templates.sort();
    }

    /// Trusts every link into `folder` (`pagefind/`).
    pub fn trust(&mut self, folder: &str) {
        self.trusted.push(folder.to_string());
    }

    /// Notes a file written that is not checked (a static file, a copy).
    pub fn file(&self, path: &str) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_string());
        }
    }

    /// Checks every link of every page offered against the files noted.
    /// `base_path`: the site's path below its host (`/`, `/sito/`).
    /// `root`: the site's folder, to find each link's line in its source.
    pub fn check(self, base_path: &str, root: &Path) -> Vec<Diagnostic> {
        let pages = self.pages.into_inner().unwrap_or_default();
        let files = self.files.into_inner().unwrap_or_default();
        let ids: HashMap<&str, &HashSet<String>> =
            pages.iter().map(|p| (p.path.as_str(), &p.ids)).collect();
        let mut diags = Vec::new();
        // A source's text, read once when one of its links is broken.
        let mut sources: HashMap<&Path, Option<String>> = HashMap::new();
        // Site-absolute links found good: the same on every page (a menu,
        // the breadcrumbs), checked once.
        let mut good: HashSet<&str> = HashSet::new();
        let mut from_templates: HashSet<(&PathBuf, usize)> = HashSet::new();
        for page in &pages {
            for link in &page.links {
                let absolute = link.starts_with('/') && !link.starts_with("//");
                if absolute && good.contains(link.as_str()) {
                    continue;
                }
                let Some(problem) = broken(link, &page.path, base_path, &files, &ids) else {
                    if absolute {
                        good.insert(link);
                    }
                    continue;
                };
                if matches!(problem, Broken::Target)
                    && self.trusted.iter().any(|t| link.contains(t.as_str()))
                {
                    continue;
                }
                let text = sources
                    .entry(page.source.as_path())
                    .or_insert_with(|| std::fs::read_to_string(root.join(&page.source)).ok());
                let message = match problem {
                    Broken::Target => msg!(LINK_BROKEN, link = link),
                    Broken::Anchor(anchor) => msg!(LINK_NO_ANCHOR, link = link, anchor = anchor),
                };
                // A link to a page's Markdown file is written `b.md#x`
                // and rendered `/b/#x`: found by its fragment.
                let written = |t: &str| {
                    let at = find(t, link).or_else(|| {
                        let (_, fragment) = link.split_once('#')?;
                        let at = [".md#", ".markdown#"]
                            .iter()
                            .find_map(|ext| t.find(&format!("{ext}{fragment}")))?;
                        // Back to the start of the link: after its `(`.
                        let line_start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                        let open = t[line_start..at].rfind(['(', '"', '<'])?;
                        Some(line_start + open + 1)
                    })?;
                    pos_of(t, at)
                };
                let d = match text.as_deref().and_then(written) {
                    Some(pos) => Diagnostic::at(&page.source, pos, message),
                    None => match self
                        .templates
                        .iter()
                        .find_map(|(file, t)| Some((file, find_attribute(t, link)?, t)))
                    {
                        // Written in a template: said once, at its line,
                        // not on every page the template renders.
                        Some((file, at, t)) => {
                            if !from_templates.insert((file, at)) {
                                continue;
                            }
                            match pos_of(t, at) {
                                Some(pos) => Diagnostic::at(file, pos, message),
                                None => Diagnostic::file(file, message),
                            }
                        }
                        None => Diagnostic::file(&page.source, message),
                    },
                };
                diags.push(d.warning());
            }
        }
        diags
    }
}

/// What is wrong with a link.
enum Broken {
    /// No file of the site at its address.
    Target,
    /// The page is there, without this id.
    Anchor(String),
}

/// Whether `link`, found in the file at `from`, points nowhere in the site.
fn broken(
    link: &str,
    from: &str,
    base_path: &str,
    files: &HashSet<String>,
    ids: &HashMap<&str, &HashSet<String>>,
) -> Option<Broken> {
    if is_external(link) {
        return None;
    }
    let (rest, fragment) = match link.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (link, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        from.to_string()
    } else {
        let joined = if let Some(abs) = path.strip_prefix('/') {
            // Outside the site's path (`/altro/` under `/sito/`): not ours.
            let inside = format!("/{abs}");
            match inside.strip_prefix(base_path) {
                Some(r) => r.to_string(),
                None if base_path.len() > 1 && format!("{inside}/") == base_path => String::new(),
                None => return None,
            }
        } else {
            let dir = from.rfind('/').map_or("", |i| &from[..=i]);
            format!("{dir}{path}")
        };
        let decoded = percent_decode(&joined);
        let normal = normalize(&decoded)?;
        if normal.is_empty() || normal.ends_with('/') {
            format!("{normal}index.html")
        } else if files.contains(&normal) {
            normal
        } else {
            // A folder named without its final `/`: servers redirect.
            format!("{normal}/index.html")
        }
    };
    if !files.contains(&target) && !ids.contains_key(target.as_str()) {
        return Some(Broken::Target);
    }
    let anchor = fragment.filter(|f| !f.is_empty() && *f != "top")?;
    let anchor = percent_decode(anchor);
    match ids.get(target.as_str()) {
        Some(on_page) if !on_page.contains(&anchor) => Some(Broken::Anchor(anchor)),
        _ => None,
    }
}

/// Whether a link leaves the site: a scheme (`https:`, `mailto:`), or
/// `//host`.
fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let head = link.split(['/', '?', '#']).next().unwrap_or("");
    head.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// The `href`/`src` values and the ids of an HTML text, in one pass over
/// its attributes (`name="value"`, as every template and pulldown-cmark
/// write them).
fn scan_html(html: &str) -> (Vec<String>, HashSet<String>) {
    let mut links = Vec::new();
    // Each link once per page: a menu repeats its links.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut ids = HashSet::new();
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(i) = html[from..].find("=\"").map(|i| i + from) {
        let value_start = i + 2;
        let Some(len) = html[value_start..].find('"') else {
            break;
        };
        let value = &html[value_start..value_start + len];
        from = value_start + len + 1;
        // The attribute's name: the letters just before `=`, after a space.
        let name_start = html[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |j| j + 1);
        if name_start == 0 || !bytes[name_start - 1].is_ascii_whitespace() {
            continue;
        }
        match &html[name_start..i] {
            "href" | "src" if seen.insert(value) => links.push(unescape(value)),
            "id" => {
                ids.insert(unescape(value));
            }
            _ => {}
        }
    }
    (links, ids)
}

/// The five entities templates and pulldown-cmark escape, undone.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Where `link` is written in `text` (a byte offset): the first place it
/// appears as a Markdown link target, an attribute value, or at all.
fn find(text: &str, link: &str) -> Option<usize> {
    let at = [
        (format!("]({link}"), 2),
        (format!("\"{link}\""), 1),
        (format!("<{link}>"), 1),
    ]
    .iter()
    .find_map(|(needle, skip)| text.find(needle.as_str()).map(|i| i + skip))
    .or_else(|| text.find(link))?;
    Some(at)
}

/// Where a template writes `link` as an attribute value (`"link"` or
/// `'link'`), after the quote. Only whole values: a template's `/` or
/// `#` alone is in every template.
fn find_attribute(text: &str, link: &str) -> Option<usize> {
    ['"', '\'']
        .iter()
        .find_map(|q| text.find(&format!("{q}{link}{q}")))
        .map(|i| i + 1)
}

/// Line and column of the byte offset `at` in `text`.
fn pos_of(text: &str, at: usize) -> Option<Pos> {
    let before = text.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    Some(Pos::new(
        u32::try_from(line).ok()?,
        u32::try_from(column).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_and_look_alikes_skipped() {
        let (links, ids) = scan_html(
            r#"<a href="/a/?x=1&amp;y=2" data-href="no"><img src="f.png" id="x"><p data-id="no" id="y">"#,
        );
        assert_eq!(links, ["/a/?x=1&y=2", "f.png"]);
        assert_eq!(ids.len(), 2);
    }

    #[test]
    fn external_links_are_not_ours() {
        assert!(is_external("https://example.org/"));
        assert!(is_external("mailto:a@b.it"));
        assert!(is_external("//cdn.example/x.js"));
        assert!(!is_external("/a/b/"));
        assert!(!is_external("b.html#x:y"));
    }
}

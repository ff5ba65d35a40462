//! The site graph: pages with URLs, sections with ordered pages,
//! references in both directions, and internal links checked.

pub mod taxonomy;

use crate::load::content::SourcePage;
use crate::msg;
use crate::report::diagnostic::{hint, hint_as, Diagnostic, Pos};
use crate::report::messages::Message;
use crate::schema::config::{SiteConfig, SortBy};
use crate::text::paths::{markdown_stem, percent_decode};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// A published page.
#[derive(Debug)]
pub struct Page {
    /// The content file.
    pub src: SourcePage,
    /// Site-relative URL, with the base path: `/comuni/barga/`.
    pub url: String,
    /// Reference fields resolved: field name → pages named.
    pub refs: BTreeMap<String, Vec<PageId>>,
    /// Pages whose reference fields name this one: source section → pages.
    pub backrefs: BTreeMap<String, Vec<PageId>>,
}

/// A folder of `content/`.
#[derive(Debug, Default)]
pub struct Section {
    /// `comuni`; `` for the root.
    pub key: String,
    /// The section page (`_index.md`), if the folder has one.
    pub index: Option<PageId>,
    /// Regular pages, in the section's order.
    pub pages: Vec<PageId>,
    /// Child section keys, ordered by their section page's weight and title.
    pub subsections: Vec<String>,
}

/// The whole resolved site.
#[derive(Debug)]
pub struct Site {
    /// The configuration from `site.yaml`.
    pub config: SiteConfig,
    /// Every published page, ordered by content path.
    pub pages: Vec<Page>,
    /// Section key (`comuni`, `` for the root) → section.
    pub sections: BTreeMap<String, Section>,
    /// Content path (`comuni/barga.md`) → page.
    pub by_path: HashMap<String, PageId>,
    /// Alias redirects, sorted by output path.
    pub aliases: Vec<Alias>,
    /// Taxonomies declared in `site.yaml`, with their terms.
    pub taxonomies: Vec<taxonomy::Taxonomy>,
}

/// An old address that redirects to a page.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alias {
    /// Where the redirect page is written (`vecchio/index.html`).
    pub output: String,
    /// The URL it redirects to.
    pub target: String,
    /// The page that declares it, as shown to staff.
    pub file: std::path::PathBuf,
    /// Where it is written in that file.
    pub pos: Pos,
    /// The alias as written (`/vecchio/`).
    pub written: String,
}

impl Site {
    /// The URL of an internal link target, if it exists.
    pub fn link_url(&self, path: &str, anchor: Option<&str>) -> Option<String> {
        let page = &self.pages[*self.by_path.get(path)?];
        Some(match anchor {
            Some(a) => format!("{}#{a}", page.url),
            None => page.url.clone(),
        })
    }

    /// The sections from the root down to `key`, inclusive.
    pub fn ancestry(&self, key: &str) -> Vec<&Section> {
        let mut keys = vec![""];
        for (i, c) in key.char_indices() {
            if c == '/' {
                keys.push(&key[..i]);
            }
        }
        if !key.is_empty() {
            keys.push(key);
        }
        keys.iter().filter_map(|k| self.sections.get(*k)).collect()
    }
}

fn parent_key(key: &str) -> Option<&str> {
    if key.is_empty() {
        None
    } else {
        Some(key.rfind('/').map_or("", |i| &key[..i]))
    }
}

/// The URL path of a page, below the base path, without slashes at the
/// ends. Folder and file names are slugified (`Chi Siamo.md` → `chi-siamo`,
/// `Novità` → `novita`), so that no space or accented letter reaches an
/// address; a `slug` field is used as written (it is checked to need no
/// encoding).
fn url_path(src: &SourcePage) -> String {
    let mut path = String::new();
    for folder in src.section.split('/').filter(|s| !s.is_empty()) {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&name_slug(folder));
    }
    if src.is_index {
        return path;
    }
    let mut names = src.path.rsplit('/');
    let name = names.next().unwrap_or(&src.path);
    let stem = if src.is_bundle {
        // `bando/index.md`: the page is named by its folder.
        names.next().unwrap_or(name)
    } else {
        markdown_stem(name).unwrap_or(name)
    };
    let last = src
        .meta
        .slug
        .as_ref()
        .map_or_else(|| name_slug(stem), |s| s.value.clone());
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(&last);
    path
}

/// The URL segment of a file or folder name: its slug, or the name as it
/// is when it has no letter or digit at all (`_`, kept rather than lost).
fn name_slug(name: &str) -> String {
    let slug = crate::text::slug::slugify(name);
    if slug.is_empty() {
        name.to_string()
    } else {
        slug
    }
}

/// Builds the site graph and reports every problem in it. `drafts`:
/// whether draft pages are published. `unreadable`: content paths that
/// exist but could not be loaded (already reported), so links to them are
/// not reported a second time.
///
/// Four passes: addresses (URLs and aliases), references between pages,
/// `@/` links in bodies, and the section tree.
pub fn resolve(
    config: SiteConfig,
    sources: Vec<SourcePage>,
    unreadable: &[String],
    drafts: bool,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let headless = |p: &SourcePage| p.is_bundle && p.meta.headless.is_some();
    let (sources, unpublished): (Vec<SourcePage>, Vec<SourcePage>) = sources
        .into_iter()
        .partition(|p| !headless(p) && (drafts || !p.meta.draft));
    let (headless, unpublished): (Vec<SourcePage>, Vec<SourcePage>) =
        unpublished.into_iter().partition(headless);
    let missing = Missing {
        unreadable: unreadable.iter().map(String::as_str).collect(),
        drafts: unpublished.into_iter().map(|p| p.path).collect(),
        headless: headless.into_iter().map(|p| p.path).collect(),
    };
    if !sources.iter().any(|p| p.is_index && p.section.is_empty()) {
        diags.push(Diagnostic::file("content", msg!(NO_HOME_PAGE)).warning());
    }
    let base = config.base_path().to_string();
    let mut pages = place(sources, &base);
    let aliases = addresses(&pages, &mut diags);
    let by_path: HashMap<String, PageId> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.path.clone(), i))
        .collect();
    references(&mut pages, &by_path, &missing, &mut diags);
    links(&pages, 0..pages.len(), &by_path, &missing, &mut diags);
    let sections = section_tree(&config, &mut pages);
    let (taxonomies, taxonomy_diags) = taxonomy::resolve(&config, &pages);
    diags.extend(taxonomy_diags);
    let site = Site {
        config,
        pages,
        sections,
        by_path,
        aliases,
        taxonomies,
    };
    (site, diags)
}

/// Pages that exist but are not in the site, so that a link to them is
/// explained (a draft) or not reported again (unreadable).
struct Missing<'a> {
    unreadable: HashSet<&'a str>,
    drafts: HashSet<String>,
    headless: HashSet<String>,
}

impl Missing<'_> {
    /// Why `path` is not a page: `None` when that was already reported,
    /// else the draft explanation, else `guess` (a "did you mean").
    fn why(&self, path: &str, guess: impl FnOnce() -> Message) -> Option<Message> {
        if self.unreadable.contains(path) {
            None
        } else if self.drafts.contains(path) {
            Some(msg!(HINT_IS_DRAFT))
        } else if self.headless.contains(path) {
            Some(msg!(HINT_IS_HEADLESS))
        } else {
            Some(guess())
        }
    }
}

/// Gives every page its URL, and orders pages by content path.
fn place(sources: Vec<SourcePage>, base: &str) -> Vec<Page> {
    let mut pages: Vec<Page> = sources
        .into_iter()
        .map(|src| {
            let path = url_path(&src);
            let url = if path.is_empty() {
                base.to_string()
            } else {
                format!("{base}{path}/")
            };
            Page {
                src,
                url,
                refs: BTreeMap::new(),
                backrefs: BTreeMap::new(),
            }
        })
        .collect();
    pages.sort_by(|a, b| a.src.path.cmp(&b.src.path));
    pages
}

/// Checks that every URL is produced once, and turns aliases into the
/// redirect pages to write, sorted, each claimed by one page only.
/// Whether an alias overwrites a page or another generated file is
/// checked once every output is known ([`crate::resolve::outputs`]).
fn addresses(pages: &[Page], diags: &mut Vec<Diagnostic>) -> Vec<Alias> {
    let mut owner: HashMap<&str, PageId> = HashMap::new();
    for (id, page) in pages.iter().enumerate() {
        match owner.get(page.url.as_str()) {
            Some(&first) => {
                // Report the clash on both files: either may be the one to change.
                for (this, other) in [(id, first), (first, id)] {
                    let p = &pages[this].src;
                    let pos = p.meta.slug.as_ref().map_or(Pos::new(1, 1), |s| s.pos);
                    diags.push(Diagnostic::at(
                        &p.file,
                        pos,
                        msg!(
                            SAME_URL,
                            url = &page.url,
                            other = pages[other].src.file.display().to_string()
                        ),
                    ));
                }
            }
            None => {
                owner.insert(&page.url, id);
            }
        }
    }
    let mut aliases: Vec<Alias> = Vec::new();
    // Output path → index in `aliases`, to find two pages claiming one.
    let mut claimed: HashMap<String, usize> = HashMap::new();
    // Output path → the other pages that claim it, after the first.
    let mut rivals: HashMap<String, Vec<(&Path, Pos, &str)>> = HashMap::new();
    for page in pages {
        for alias in &page.src.meta.aliases {
            let Some(out) = alias_output(&alias.value) else {
                diags.push(Diagnostic::at(
                    &page.src.file,
                    alias.pos,
                    msg!(ALIAS_NOT_PATH, alias = &alias.value),
                ));
                continue;
            };
            if let Some(&first) = claimed.get(&out) {
                let later = rivals.entry(out).or_default();
                let here = page.src.file.as_path();
                if aliases[first].file == here || later.iter().any(|r| r.0 == here) {
                    diags.push(Diagnostic::at(
                        &page.src.file,
                        alias.pos,
                        msg!(ALIAS_TWICE, alias = &alias.value),
                    ));
                } else {
                    later.push((here, alias.pos, &alias.value));
                }
                continue;
            }
            claimed.insert(out.clone(), aliases.len());
            aliases.push(Alias {
                output: out,
                target: page.url.clone(),
                file: page.src.file.clone(),
                pos: alias.pos,
                written: alias.value.clone(),
            });
        }
    }
    for (out, later) in &rivals {
        let Some(first) = claimed.get(out).map(|&i| &aliases[i]) else {
            continue;
        };
        let claimants: Vec<(&Path, Pos, &str)> =
            std::iter::once((first.file.as_path(), first.pos, first.written.as_str()))
                .chain(later.iter().copied())
                .collect();
        // Any of the pages may be the one to change: say it in each, once,
        // naming all the others.
        for &(file, pos, written) in &claimants {
            let others: Vec<String> = claimants
                .iter()
                .filter(|c| c.0 != file)
                .map(|c| c.0.display().to_string())
                .collect();
            diags.push(Diagnostic::at(
                file,
                pos,
                msg!(ALIAS_CLAIMED, alias = written, other = others.join(", ")),
            ));
        }
    }
    aliases.sort();
    aliases
}

/// Resolves reference fields, both ways: `refs` on the page that names,
/// `backrefs` on the page named.
fn references(
    pages: &mut [Page],
    by_path: &HashMap<String, PageId>,
    missing: &Missing<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut backrefs: Vec<(PageId, String, PageId)> = Vec::new();
    for (id, page) in pages.iter_mut().enumerate() {
        for r in &page.src.refs {
            let path = match r.name.strip_prefix("@/") {
                Some(p) => p.to_string(),
                None => {
                    // By name: `barga` is `barga.md`, or `barga.markdown`.
                    let stem = markdown_stem(&r.name).unwrap_or(&r.name);
                    let md = format!("{}/{stem}.md", r.section);
                    if by_path.contains_key(&md) {
                        md
                    } else {
                        let other = format!("{}/{stem}.markdown", r.section);
                        if by_path.contains_key(&other) {
                            other
                        } else {
                            md
                        }
                    }
                }
            };
            // A reference with no section (a link in a form definition) may
            // name any page.
            let in_section = r.section.is_empty() || path.starts_with(&format!("{}/", r.section));
            match by_path.get(&path) {
                Some(&target) if in_section => {
                    page.refs.entry(r.field.clone()).or_default().push(target);
                    backrefs.push((target, page.src.section.clone(), id));
                }
                _ => {
                    let names = by_path
                        .keys()
                        .filter_map(|k| k.strip_prefix(&format!("{}/", r.section)))
                        .filter_map(|k| k.strip_suffix(".md"))
                        .filter(|k| !k.contains('/') && *k != "_index");
                    let Some(why) = missing.why(&path, || hint(&r.name, names)) else {
                        continue;
                    };
                    diags.push(Diagnostic::at(
                        &page.src.file,
                        r.pos,
                        msg!(
                            NO_SUCH_REFERENCED_PAGE,
                            field = &r.field,
                            name = &r.name,
                            section = &r.section,
                            why = why
                        ),
                    ));
                }
            }
        }
    }
    for (target, section, source) in backrefs {
        let list = pages[target].backrefs.entry(section).or_default();
        if !list.contains(&source) {
            list.push(source);
        }
    }
}

/// Checks the `@/` links (and their anchors) and the bundle links of
/// pages `ids` only, for the preview after an edit: the problems found,
/// worded as a full build words them only when the target exists.
pub fn check_links(site: &Site, ids: &[PageId]) -> Vec<Diagnostic> {
    let missing = Missing {
        unreadable: HashSet::new(),
        drafts: HashSet::new(),
        headless: HashSet::new(),
    };
    let mut diags = Vec::new();
    links(
        &site.pages,
        ids.iter().copied(),
        &site.by_path,
        &missing,
        &mut diags,
    );
    diags
}

/// Checks the `@/` links of the bodies of pages `ids`, and their anchors.
fn links(
    pages: &[Page],
    ids: impl Iterator<Item = PageId>,
    by_path: &HashMap<String, PageId>,
    missing: &Missing<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for page in ids.filter_map(|id| pages.get(id)) {
        for link in &page.src.scan.links {
            let written = match &link.anchor {
                Some(a) => format!("@/{}#{a}", link.path),
                None => format!("@/{}", link.path),
            };
            let pos = link.pos.below(page.src.body_line - 1);
            let problem = match by_path.get(&link.path) {
                None => missing
                    .why(&link.path, || {
                        let paths = by_path.keys().map(String::as_str);
                        hint_as(&link.path, paths, |c| format!("@/{c}"))
                    })
                    .map(|why| msg!(LINK_NO_PAGE, link = &written, why = why)),
                Some(&target) => link.anchor.as_ref().and_then(|anchor| {
                    let headings = &pages[target].src.scan.headings;
                    if headings.iter().any(|h| &h.id == anchor) {
                        return None;
                    }
                    let ids = headings.iter().map(|h| h.id.as_str());
                    let mut why = hint_as(anchor, ids, |c| format!("#{c}"));
                    if why.is_empty() && headings.is_empty() {
                        why = msg!(HINT_NO_HEADINGS);
                    } else if why.is_empty() {
                        let ids: Vec<String> = headings
                            .iter()
                            .take(10)
                            .map(|h| format!("#{}", h.id))
                            .collect();
                        why = msg!(HINT_HEADINGS, list = ids.join(", "));
                    }
                    Some(msg!(
                        LINK_NO_HEADING,
                        link = &written,
                        anchor = anchor,
                        why = why
                    ))
                }),
            };
            if let Some(message) = problem {
                diags.push(Diagnostic::at(&page.src.file, pos, message));
            }
        }
        if page.src.is_bundle {
            bundle_links(page, diags);
        }
    }
}

/// Checks the relative links of a page bundle (`![](foto.jpg)`,
/// `[bando](allegati/bando.pdf)`): each must name one of its files.
fn bundle_links(page: &Page, diags: &mut Vec<Diagnostic>) {
    let files: HashSet<&str> = page.src.resources.iter().map(|r| r.rel.as_str()).collect();
    for link in &page.src.scan.relative {
        let path = link.path.strip_prefix("./").unwrap_or(&link.path);
        // A link to a page's Markdown file is made its address when
        // rendered, and checked with every other link then.
        let name = path.rsplit('/').next().unwrap_or(path);
        if markdown_stem(name).is_some() {
            continue;
        }
        let decoded = percent_decode(path);
        if files.contains(path) || files.contains(decoded.as_str()) {
            continue;
        }
        let why = if files.is_empty() {
            msg!(HINT_BUNDLE_EMPTY)
        } else {
            hint(path, files.iter().copied())
        };
        let folder = page
            .src
            .file
            .parent()
            .map_or_else(String::new, |p| p.display().to_string());
        diags.push(Diagnostic::at(
            &page.src.file,
            link.pos.below(page.src.body_line - 1),
            msg!(LINK_NO_FILE, link = &link.path, folder = folder, why = why),
        ));
    }
}

/// The section tree: every folder with pages, and its ancestors, each
/// with its pages and subsections in order. Also orders every page's
/// back-references.
fn section_tree(config: &SiteConfig, pages: &mut [Page]) -> BTreeMap<String, Section> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    sections.entry(String::new()).or_default();
    for (id, page) in pages.iter().enumerate() {
        let mut key = page.src.section.as_str();
        let entry = sections.entry(key.to_string()).or_default();
        if page.src.is_index {
            entry.index = Some(id);
        } else {
            entry.pages.push(id);
        }
        while let Some(parent) = parent_key(key) {
            sections.entry(parent.to_string()).or_default();
            key = parent;
        }
    }
    let keys: Vec<String> = sections.keys().cloned().collect();
    for key in &keys {
        if let Some(s) = sections.get_mut(key) {
            s.key = key.clone();
        }
        if let Some(parent) = parent_key(key) {
            if let Some(p) = sections.get_mut(parent) {
                p.subsections.push(key.clone());
            }
        }
    }
    for section in sections.values_mut() {
        let sort_by = config
            .sections
            .get(&section.key)
            .map(|c| c.sort_by)
            .unwrap_or_default();
        sort_pages(&mut section.pages, pages, sort_by);
    }
    let section_order: HashMap<String, (i64, String)> = sections
        .iter()
        .map(|(k, s)| {
            let (w, t) = s.index.map_or((i64::MAX, k.clone()), |i| {
                (
                    pages[i].src.meta.weight,
                    crate::text::slug::slugify(&pages[i].src.meta.title),
                )
            });
            (k.clone(), (w, t))
        })
        .collect();
    for section in sections.values_mut() {
        section
            .subsections
            .sort_by(|a, b| section_order[a].cmp(&section_order[b]).then(a.cmp(b)));
    }
    for page in pages.iter_mut() {
        for ids in page.refs.values_mut().chain(page.backrefs.values_mut()) {
            ids.dedup();
        }
    }
    for id in 0..pages.len() {
        let mut lists = std::mem::take(&mut pages[id].backrefs);
        for list in lists.values_mut() {
            sort_pages(list, pages, SortBy::Weight);
        }
        pages[id].backrefs = lists;
    }
    sections
}

fn sort_pages(ids: &mut [PageId], pages: &[Page], by: SortBy) {
    let title = |i: PageId| crate::text::slug::slugify(&pages[i].src.meta.title);
    match by {
        SortBy::Weight => ids.sort_by_cached_key(|&i| {
            (
                pages[i].src.meta.weight,
                title(i),
                pages[i].src.path.clone(),
            )
        }),
        SortBy::Date => ids.sort_by_cached_key(|&i| {
            (
                std::cmp::Reverse(pages[i].src.meta.date),
                title(i),
                pages[i].src.path.clone(),
            )
        }),
        SortBy::Title => ids.sort_by_cached_key(|&i| (title(i), pages[i].src.path.clone())),
    }
}

/// Where an alias is written: `/vecchio/` → `vecchio/index.html`;
/// `/vecchio.html` → itself. `None` for what is not a site path.
fn alias_output(alias: &str) -> Option<String> {
    // `//host/x` is an address on another site (protocol-relative), and
    // `http:x`, `javascript:x` are not paths at all: only a path on this
    // site may be an old address of a page.
    let first = alias.split('/').next().unwrap_or_default();
    if alias.starts_with("//")
        || first.contains(':')
        || alias.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let trimmed = alias.trim_matches('/');
    if trimmed.is_empty()
        || trimmed
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || trimmed.contains(['?', '#', '\\'])
    {
        return None;
    }
    if trimmed.ends_with(".html") {
        Some(trimmed.to_string())
    } else {
        Some(format!("{trimmed}/index.html"))
    }
}

#[cfg(test)]
mod tests {
    use super::alias_output;

    #[test]
    fn alias_paths() {
        assert_eq!(
            alias_output("/vecchio/").as_deref(),
            Some("vecchio/index.html")
        );
        assert_eq!(alias_output("a/b.html").as_deref(), Some("a/b.html"));
        assert_eq!(alias_output("/../etc"), None);
        assert_eq!(alias_output("/"), None);
        assert_eq!(alias_output("//evil.example/x"), None);
        assert_eq!(alias_output("https://evil.example/x"), None);
        assert_eq!(alias_output("javascript:alert(1)"), None);
        assert_eq!(alias_output("/a b/"), None);
        assert_eq!(alias_output("/a:b/").as_deref(), Some("a:b/index.html"));
    }
}

//! Template contexts: what templates see, as typed structs that borrow
//! from the resolved [`Site`] and are serialised straight into Tera (as
//! Zola's `SerializingPage`). The names here are the template variables
//! documented in the README: renaming one is a change for every theme.

use crate::form::html::SHELL_TITLE;
use crate::resolve::feeds::FeedLink;
use crate::resolve::site::taxonomy::{Taxonomy, Term};
use crate::resolve::site::{PageId, Site};
use crate::schema::value::{Extra, FieldValue};
use crate::text::date::Date;
use crate::text::markdown::{self, TocEntry};
use serde::Serialize;
use std::collections::BTreeMap;

/// `config`: the site's settings from `site.yaml`.
#[derive(Serialize)]
pub struct Config<'a> {
    title: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    description: Option<&'a str>,
    extra: &'a FieldValue,
    /// The site's Atom feeds, for `<link rel="alternate">` on every page.
    feeds: Vec<FeedLink>,
    /// Whether the site has a search index (`search: true`).
    search: bool,
}

/// One entry of `nav`: a section with a section page, and its children.
#[derive(Serialize)]
pub struct NavItem<'a> {
    title: &'a str,
    url: &'a str,
    path: &'a str,
    weight: i64,
    children: Vec<NavItem<'a>>,
}

/// What every page's context shares: built once per build.
pub struct Shared<'a> {
    config: Config<'a>,
    nav: Vec<NavItem<'a>>,
    today: Date,
    /// The feeds of taxonomy terms (linked from their term's page only).
    term_feeds: Vec<FeedLink>,
}

impl<'a> Shared<'a> {
    /// The shared part of the contexts of `site`, built on `today`.
    pub fn new(site: &'a Site, today: Date) -> Self {
        let c = &site.config;
        Shared {
            config: Config {
                title: &c.title,
                base_url: &c.base_url,
                base_path: c.base_path(),
                language: &c.language,
                description: c.description.as_deref(),
                extra: &c.extra,
                feeds: crate::resolve::feeds::feeds(site),
                search: c.search,
            },
            nav: site
                .sections
                .get("")
                .map_or_else(Vec::new, |root| nav(site, &root.subsections)),
            today,
            term_feeds: crate::resolve::feeds::term_feeds(site),
        }
    }
}

impl<'a> Shared<'a> {
    /// `config`, for the contexts of the site's other files.
    pub fn config(&self) -> &Config<'a> {
        &self.config
    }

    /// The site's feeds: its sections', then its taxonomy terms'.
    pub fn feeds(&self) -> impl Iterator<Item = &FeedLink> {
        self.config.feeds.iter().chain(&self.term_feeds)
    }
}

/// The section tree for navigation: sections that have a section page,
/// in order, each with its `children` sections likewise.
fn nav<'a>(site: &'a Site, keys: &[String]) -> Vec<NavItem<'a>> {
    keys.iter()
        .filter_map(|k| {
            let section = site.sections.get(k)?;
            let p = &site.pages[section.index?];
            Some(NavItem {
                title: &p.src.meta.title,
                url: &p.url,
                path: &p.src.path,
                weight: p.src.meta.weight,
                children: nav(site, &section.subsections),
            })
        })
        .collect()
}

/// A page as lists show it (section pages, references, `get_page`).
/// Pages appear in many lists, so this stays small.
#[derive(Serialize)]
pub struct ListItem<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: &'a str,
    path: &'a str,
    /// The date a list shows: `updated`, else `date`.
    date: Option<Date>,
    weight: i64,
    extra: &'a Extra,
}

impl<'a> ListItem<'a> {
    /// Page `id` as a list item.
    pub fn new(site: &'a Site, id: PageId) -> Self {
        let p = &site.pages[id];
        let m = &p.src.meta;
        ListItem {
            title: &m.title,
            description: m.description.as_deref(),
            url: &p.url,
            path: &p.src.path,
            date: m.updated.or(m.date),
            weight: m.weight,
            extra: &p.src.extra,
        }
    }

    fn list(site: &'a Site, ids: &[PageId]) -> Vec<Self> {
        ids.iter().map(|&i| ListItem::new(site, i)).collect()
    }
}

/// A section as `get_section(key=…)` gives it: its section page as a
/// list item (when it has one), its `key` and its `pages`.
#[derive(Serialize)]
pub struct SectionItem<'a> {
    #[serde(flatten)]
    index: Option<ListItem<'a>>,
    key: &'a str,
    pages: Vec<ListItem<'a>>,
}

impl<'a> SectionItem<'a> {
    /// Section `key`, if it exists.
    pub fn new(site: &'a Site, key: &'a str) -> Option<Self> {
        let s = site.sections.get(key)?;
        Some(SectionItem {
            index: s.index.map(|i| ListItem::new(site, i)),
            key,
            pages: ListItem::list(site, &s.pages),
        })
    }
}

/// One call as `calls()` lists it: its page's `title` and `url`, `state`
/// (`aperto`, `non-aperto`, `chiuso`) and `status` (the Italian sentence).
#[derive(Serialize)]
pub struct CallItem<'a> {
    title: &'a str,
    url: &'a str,
    state: &'static str,
    status: String,
}

impl<'a> CallItem<'a> {
    /// The call whose form is on page `id`, in `state`, described by `status`.
    pub fn new(site: &'a Site, id: PageId, state: &'static str, status: String) -> Self {
        let page = &site.pages[id];
        CallItem {
            title: &page.src.meta.title,
            url: &page.url,
            state,
            status,
        }
    }
}

/// `page` (and `section` on section pages): the page being rendered.
#[derive(Serialize)]
pub struct PageContext<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: &'a str,
    permalink: String,
    path: &'a str,
    section: &'a str,
    is_section: bool,
    date: Option<Date>,
    updated: Option<Date>,
    /// `updated`, else `date`: what "Data ultima modifica" shows. Left
    /// out (not `null`) in the forms service's shell, which has no date.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<Option<Date>>,
    weight: i64,
    draft: bool,
    extra: &'a Extra,
    /// The body as HTML.
    content: String,
    toc: Vec<TocEntry>,
    word_count: usize,
    /// Minutes, at 200 words a minute, at least 1.
    reading_time: usize,
    /// Reference field → the pages it names.
    refs: BTreeMap<&'a str, Vec<ListItem<'a>>>,
    /// Section → the pages there whose references name this one.
    backrefs: BTreeMap<&'a str, Vec<ListItem<'a>>>,
    /// On section pages: the section's pages, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<ListItem<'a>>>,
    /// On section pages: the section pages of its subsections.
    #[serde(skip_serializing_if = "Option::is_none")]
    subsections: Option<Vec<ListItem<'a>>>,
    /// Taxonomy → the page's terms (left out where the site has none).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    taxonomies: BTreeMap<&'a str, Vec<TermItem<'a>>>,
}

/// A taxonomy term as templates see it; `pages` only on the term's own
/// page and in the list of terms.
#[derive(Serialize)]
pub struct TermItem<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
    permalink: String,
    /// How many pages name it.
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<ListItem<'a>>>,
    /// On the term's own page: its Atom feed, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    feed: Option<FeedLink>,
}

impl<'a> TermItem<'a> {
    /// `term`, with its pages when `with_pages`.
    pub fn new(site: &'a Site, term: &'a Term, with_pages: bool) -> Self {
        TermItem {
            name: &term.name,
            slug: &term.slug,
            url: &term.url,
            permalink: site.config.permalink(&term.url),
            count: term.pages.len(),
            pages: with_pages.then(|| ListItem::list(site, &term.pages)),
            feed: None,
        }
    }
}

/// `taxonomy` on a taxonomy's pages: its name, title, address and terms.
#[derive(Serialize)]
pub struct TaxonomyItem<'a> {
    name: &'a str,
    title: &'a str,
    url: &'a str,
    permalink: String,
    terms: Vec<TermItem<'a>>,
}

/// The context of a taxonomy's list of terms (`taxonomy_list.html`) and
/// of a term's page (`taxonomy_term.html`, with `term`).
///
/// It has `page` and `breadcrumbs` too, like every page, so that a theme's
/// templates for them can extend the theme's `base.html`.
#[derive(Serialize)]
pub struct TaxonomyContext<'a> {
    config: &'a Config<'a>,
    nav: &'a [NavItem<'a>],
    today: Date,
    current_url: &'a str,
    breadcrumbs: Vec<Crumb<'a>>,
    page: TaxonomyPage<'a>,
    taxonomy: TaxonomyItem<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    term: Option<TermItem<'a>>,
}

/// `page` on a taxonomy's pages: the taxonomy's or the term's name and
/// address, and the latest change among the pages listed.
#[derive(Serialize)]
pub struct TaxonomyPage<'a> {
    title: &'a str,
    url: &'a str,
    permalink: String,
    last_modified: Option<Date>,
    extra: Extra,
}

impl<'a> TaxonomyContext<'a> {
    /// The list of terms of `taxonomy` (`term: None`), or the page of one term.
    pub fn new(
        site: &'a Site,
        shared: &'a Shared<'a>,
        taxonomy: &'a Taxonomy,
        term: Option<&'a Term>,
    ) -> Self {
        let url = term.map_or(&taxonomy.url, |t| &t.url);
        let ids: Vec<PageId> = match term {
            Some(t) => t.pages.clone(),
            None => taxonomy
                .terms
                .iter()
                .flat_map(|t| t.pages.iter().copied())
                .collect(),
        };
        let last_modified = ids
            .iter()
            .filter_map(|&i| site.pages[i].src.last_modified())
            .max();
        let mut breadcrumbs: Vec<Crumb<'a>> = site
            .sections
            .get("")
            .and_then(|s| s.index)
            .map(|i| Crumb {
                title: &site.pages[i].src.meta.title,
                url: &site.pages[i].url,
            })
            .into_iter()
            .collect();
        breadcrumbs.push(Crumb {
            title: &taxonomy.title,
            url: &taxonomy.url,
        });
        if let Some(t) = term {
            breadcrumbs.push(Crumb {
                title: &t.name,
                url: &t.url,
            });
        }
        TaxonomyContext {
            config: &shared.config,
            nav: &shared.nav,
            today: shared.today,
            current_url: url,
            breadcrumbs,
            page: TaxonomyPage {
                title: term.map_or(&taxonomy.title, |t| &t.name),
                url,
                permalink: site.config.permalink(url),
                last_modified,
                extra: Extra::new(),
            },
            taxonomy: TaxonomyItem {
                name: &taxonomy.name,
                title: &taxonomy.title,
                url: &taxonomy.url,
                permalink: site.config.permalink(&taxonomy.url),
                terms: taxonomy
                    .terms
                    .iter()
                    .map(|t| TermItem::new(site, t, term.is_none()))
                    .collect(),
            },
            term: term.map(|t| TermItem {
                feed: crate::resolve::feeds::term_feed(site, taxonomy, t),
                ..TermItem::new(site, t, true)
            }),
        }
    }
}

impl<'a> PageContext<'a> {
    /// Page `id`, with `content`: its body as HTML.
    pub fn new(site: &'a Site, id: PageId, content: String) -> Self {
        let p = &site.pages[id];
        let m = &p.src.meta;
        let words = p.src.scan.words;
        let lists = |map: &'a BTreeMap<String, Vec<PageId>>| {
            map.iter()
                .map(|(k, ids)| (k.as_str(), ListItem::list(site, ids)))
                .collect()
        };
        let section = p
            .src
            .is_index
            .then(|| site.sections.get(&p.src.section))
            .flatten();
        PageContext {
            title: &m.title,
            description: m.description.as_deref(),
            url: &p.url,
            permalink: site.config.permalink(&p.url),
            path: &p.src.path,
            section: &p.src.section,
            is_section: p.src.is_index,
            date: m.date,
            updated: m.updated,
            last_modified: Some(p.src.last_modified()),
            weight: m.weight,
            draft: m.draft,
            extra: &p.src.extra,
            content,
            toc: markdown::toc(&p.src.scan.headings),
            word_count: words,
            reading_time: words.div_ceil(200).max(1),
            refs: lists(&p.refs),
            backrefs: lists(&p.backrefs),
            pages: section.map(|s| ListItem::list(site, &s.pages)),
            subsections: section.map(|s| {
                s.subsections
                    .iter()
                    .filter_map(|k| site.sections.get(k)?.index)
                    .map(|i| ListItem::new(site, i))
                    .collect()
            }),
            taxonomies: site
                .taxonomies
                .iter()
                .filter_map(|t| {
                    let written = m.terms.get(&t.name)?;
                    let terms = written
                        .iter()
                        .filter_map(|w| t.term(&w.value))
                        .map(|term| TermItem::new(site, term, false))
                        .collect();
                    Some((t.name.as_str(), terms))
                })
                .collect(),
        }
    }

    /// The same page as the forms service's page shell: a neutral title
    /// and no date, for pages the service fills with its own content.
    #[must_use]
    pub fn as_shell(self) -> Self {
        PageContext {
            title: SHELL_TITLE,
            description: Some(SHELL_TITLE),
            last_modified: None,
            ..self
        }
    }
}

/// A breadcrumb: a section page from the home page down, or the page itself.
#[derive(Serialize)]
pub struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

/// `page` of the not-found page, which has no source file.
#[derive(Serialize)]
pub struct NotFoundPage<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    extra: Extra,
}

impl NotFoundPage<'_> {
    /// The 404 page of `site`, at `404.html`.
    pub fn new(site: &Site) -> Self {
        let url = format!("{}404.html", site.config.base_path());
        NotFoundPage {
            title: "Pagina non trovata",
            permalink: site.config.permalink(&url),
            url,
            extra: Extra::new(),
        }
    }
}

/// The whole context of a page template.
#[derive(Serialize)]
pub struct Context<'a, P: Serialize> {
    config: &'a Config<'a>,
    nav: &'a [NavItem<'a>],
    today: Date,
    current_url: &'a str,
    breadcrumbs: Vec<Crumb<'a>>,
    /// The section page of the page's section (`null` where there is none;
    /// left out on the 404 page, which belongs to no section).
    #[serde(skip_serializing_if = "Option::is_none")]
    current_section: Option<Option<ListItem<'a>>>,
    page: &'a P,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a P>,
}

impl<'a> Context<'a, PageContext<'a>> {
    /// The context of page `id`, whose `page` value is `page`.
    pub fn for_page(
        site: &'a Site,
        shared: &'a Shared<'a>,
        id: PageId,
        page: &'a PageContext<'a>,
    ) -> Self {
        let p = &site.pages[id];
        let mut breadcrumbs: Vec<Crumb<'a>> = site
            .ancestry(&p.src.section)
            .iter()
            .filter_map(|s| s.index)
            .filter(|&i| i != id)
            .map(|i| Crumb {
                title: &site.pages[i].src.meta.title,
                url: &site.pages[i].url,
            })
            .collect();
        breadcrumbs.push(Crumb {
            title: &p.src.meta.title,
            url: &p.url,
        });
        let current_section = site
            .sections
            .get(&p.src.section)
            .and_then(|s| s.index)
            .map(|i| ListItem::new(site, i));
        Context {
            config: &shared.config,
            nav: &shared.nav,
            today: shared.today,
            current_url: &p.url,
            breadcrumbs,
            current_section: Some(current_section),
            page,
            section: p.src.is_index.then_some(page),
        }
    }
}

impl<'a> Context<'a, NotFoundPage<'a>> {
    /// The context of the not-found page.
    pub fn not_found(shared: &'a Shared<'a>, page: &'a NotFoundPage<'a>) -> Self {
        Context {
            config: &shared.config,
            nav: &shared.nav,
            today: shared.today,
            current_url: shared.config.base_path,
            breadcrumbs: Vec::new(),
            current_section: None,
            page,
            section: None,
        }
    }
}

/// The context of an alias redirect page (`alias.html`).
#[derive(Serialize)]
pub struct AliasContext<'a> {
    /// `config`, as pages have it.
    pub config: &'a Config<'a>,
    /// Where the page now is, site-relative (`/comuni/barga/`).
    pub url: &'a str,
    /// The same, absolute.
    pub permalink: String,
}

/// One page in `sitemap.xml`.
#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SitemapEntry {
    /// The page's absolute address.
    pub permalink: String,
    /// Its last change: `updated`, else `date`.
    pub lastmod: Option<Date>,
}

/// The context of `sitemap.xml`: every page, sorted by address.
#[derive(Serialize)]
pub struct SitemapContext<'a> {
    /// `config`, as pages have it.
    pub config: &'a Config<'a>,
    /// The pages.
    pub entries: Vec<SitemapEntry>,
}

/// The context of `robots.txt`.
#[derive(Serialize)]
pub struct RobotsContext<'a> {
    /// `config`, as pages have it.
    pub config: &'a Config<'a>,
}

/// How many items a feed carries: readers want the recent ones.
const MAX_ENTRIES: usize = 50;

/// One item of a feed.
#[derive(Serialize)]
pub struct Entry<'a> {
    title: &'a str,
    permalink: String,
    /// RFC 3339: the page's `date`.
    published: Option<String>,
    /// RFC 3339: its last change.
    updated: String,
    summary: Option<&'a str>,
}

/// The context of `atom.xml`.
#[derive(Serialize)]
pub struct FeedContext<'a> {
    config: &'a Config<'a>,
    feed: &'a FeedLink,
    /// The section page's absolute address.
    section_permalink: String,
    /// RFC 3339: the newest change among the entries.
    updated: String,
    entries: Vec<Entry<'a>>,
}

impl<'a> FeedContext<'a> {
    /// The feed `feed` of `site`: its section's (or term's) pages with a
    /// date, newest first.
    pub fn new(site: &'a Site, config: &'a Config<'a>, feed: &'a FeedLink) -> Self {
        let mut ids = feed.pages(site);
        ids.retain(|&i| site.pages[i].src.meta.date.is_some());
        ids.sort_by_key(|&i| {
            let m = &site.pages[i].src.meta;
            (std::cmp::Reverse(m.date), m.title.clone())
        });
        ids.truncate(MAX_ENTRIES);
        let entries: Vec<Entry<'a>> = ids
            .iter()
            .map(|&i| {
                let p = &site.pages[i];
                let changed = p.src.last_modified().or(p.src.meta.date);
                Entry {
                    title: &p.src.meta.title,
                    permalink: site.config.permalink(&p.url),
                    published: p.src.meta.date.map(Date::rfc3339),
                    updated: changed.map(Date::rfc3339).unwrap_or_default(),
                    summary: p.src.meta.description.as_deref(),
                }
            })
            .collect();
        let updated = ids
            .iter()
            .filter_map(|&i| site.pages[i].src.last_modified())
            .max()
            .map_or_else(|| Date::from_unix(0, 0).rfc3339(), Date::rfc3339);
        let section_permalink = feed
            .permalink
            .strip_suffix("atom.xml")
            .unwrap_or(&feed.permalink)
            .to_string();
        FeedContext {
            config,
            feed,
            section_permalink,
            updated,
            entries,
        }
    }
}

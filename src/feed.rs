//! Atom feeds of sections that ask for one (`feed: true` in `site.yaml`,
//! for `notizie`): `/notizie/atom.xml`, newest first, with absolute links,
//! from the built-in template `atom.xml` (a theme may replace it).
//!
//! A taxonomy used by a section with a feed has a feed per term too
//! (`/argomenti/lavoro/atom.xml`): the term's pages with a date, from
//! every section, linked from the term's page (`term.feed`).

use crate::site::{PageId, Site};
use crate::taxonomy::{Taxonomy, Term};
use serde::Serialize;

/// How many items a feed carries: readers want the recent ones.
const MAX_ENTRIES: usize = 50;

/// A section's feed: where it is written and what it is called.
#[derive(Clone, Debug, Serialize)]
pub struct FeedLink {
    /// The feed's title (the section page's title, else the section key).
    pub title: String,
    /// Site-relative address (`/notizie/atom.xml`), for `<link rel="alternate">`.
    pub url: String,
    /// Absolute address.
    pub permalink: String,
    /// Path in the output folder (`notizie/atom.xml`).
    #[serde(skip)]
    pub output: String,
    /// Whose pages it lists.
    #[serde(skip)]
    pub source: FeedSource,
}

/// Whose pages a feed lists.
#[derive(Clone, Debug)]
pub enum FeedSource {
    /// A section's, by key.
    Section(String),
    /// A taxonomy term's.
    Term {
        /// The taxonomy's key (`argomenti`).
        taxonomy: String,
        /// The term's slug (`lavoro`).
        slug: String,
    },
}

impl FeedLink {
    /// The feed at `page_url` + `atom.xml`.
    fn new(site: &Site, title: String, page_url: &str, source: FeedSource) -> Self {
        let url = format!("{page_url}atom.xml");
        FeedLink {
            title,
            permalink: site.config.permalink(&url),
            output: url
                .strip_prefix(site.config.base_path())
                .unwrap_or(&url)
                .trim_start_matches('/')
                .to_string(),
            url,
            source,
        }
    }

    /// The pages it lists, in no particular order.
    fn pages(&self, site: &Site) -> Vec<PageId> {
        match &self.source {
            FeedSource::Section(key) => site
                .sections
                .get(key)
                .map(|s| s.pages.clone())
                .unwrap_or_default(),
            FeedSource::Term { taxonomy, slug } => site
                .taxonomies
                .iter()
                .find(|t| &t.name == taxonomy)
                .and_then(|t| t.term(slug))
                .map(|t| t.pages.clone())
                .unwrap_or_default(),
        }
    }
}

/// The feeds of `site`, in the order of their sections.
pub fn feeds(site: &Site) -> Vec<FeedLink> {
    site.config
        .sections
        .iter()
        .filter(|(_, cfg)| cfg.feed)
        .filter_map(|(key, _)| {
            let section = site.sections.get(key)?;
            let index = section.index.map(|i| &site.pages[i]);
            let url = index.map_or_else(
                || format!("{}{key}/", site.config.base_path()),
                |p| p.url.clone(),
            );
            Some(FeedLink::new(
                site,
                index.map_or_else(|| key.clone(), |p| p.src.meta.title.clone()),
                &url,
                FeedSource::Section(key.clone()),
            ))
        })
        .collect()
}

/// The feed of `term` of `taxonomy`, when the taxonomy has feeds (see
/// [`Taxonomy::feeds`]).
pub fn term_feed(site: &Site, taxonomy: &Taxonomy, term: &Term) -> Option<FeedLink> {
    taxonomy.feeds.then(|| {
        FeedLink::new(
            site,
            format!("{}: {}", taxonomy.title, term.name),
            &term.url,
            FeedSource::Term {
                taxonomy: taxonomy.name.clone(),
                slug: term.slug.clone(),
            },
        )
    })
}

/// The feeds of every term of every taxonomy that has feeds.
pub fn term_feeds(site: &Site) -> Vec<FeedLink> {
    site.taxonomies
        .iter()
        .flat_map(|t| {
            t.terms
                .iter()
                .filter_map(move |term| term_feed(site, t, term))
        })
        .collect()
}

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
    config: &'a crate::context::Config<'a>,
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
    pub fn new(site: &'a Site, config: &'a crate::context::Config<'a>, feed: &'a FeedLink) -> Self {
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
                    published: p.src.meta.date.map(crate::date::Date::rfc3339),
                    updated: changed.map(crate::date::Date::rfc3339).unwrap_or_default(),
                    summary: p.src.meta.description.as_deref(),
                }
            })
            .collect();
        let updated = ids
            .iter()
            .filter_map(|&i| site.pages[i].src.last_modified())
            .max()
            .map_or_else(
                || crate::date::Date::from_unix(0, 0).rfc3339(),
                crate::date::Date::rfc3339,
            );
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

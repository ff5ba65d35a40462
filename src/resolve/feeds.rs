//! Atom feeds of sections that ask for one (`feed: true` in `site.yaml`,
//! for `notizie`): `/notizie/atom.xml`, newest first, with absolute links,
//! from the built-in template `atom.xml` (a theme may replace it).
//!
//! A taxonomy used by a section with a feed has a feed per term too
//! (`/argomenti/lavoro/atom.xml`): the term's pages with a date, from
//! every section, linked from the term's page (`term.feed`).

use crate::resolve::site::taxonomy::{Taxonomy, Term};
use crate::resolve::site::{PageId, Site};
use serde::Serialize;

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
    pub fn pages(&self, site: &Site) -> Vec<PageId> {
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

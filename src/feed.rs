//! Atom feeds of sections that ask for one (`feed: true` in `site.yaml`,
//! for `notizie`): `/notizie/atom.xml`, newest first, with absolute links,
//! from the built-in template `atom.xml` (a theme may replace it).

use crate::site::{PageId, Site};
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
    /// The section's key.
    #[serde(skip)]
    pub section: String,
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
            let url = format!("{url}atom.xml");
            Some(FeedLink {
                title: index.map_or_else(|| key.clone(), |p| p.src.meta.title.clone()),
                permalink: site.config.permalink(&url),
                output: url
                    .strip_prefix(site.config.base_path())
                    .unwrap_or(&url)
                    .trim_start_matches('/')
                    .to_string(),
                url,
                section: key.clone(),
            })
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
    /// The feed `feed` of `site`: the section's pages with a date, newest first.
    pub fn new(site: &'a Site, config: &'a crate::context::Config<'a>, feed: &'a FeedLink) -> Self {
        let mut ids: Vec<PageId> = site
            .sections
            .get(&feed.section)
            .map(|s| s.pages.clone())
            .unwrap_or_default();
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

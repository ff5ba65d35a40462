//! The preview's quick path: after an edit that changes only the body of
//! pages already in the site, re-read those files and re-render what
//! depends on them, instead of building the whole site again.
//!
//! What a body can change, and so what is rendered again:
//! - the page itself (its text, headings, table of contents, word count);
//! - `sitemap.xml`, when the page's last-change date moved;
//! - the feeds, when the page is in a section with a feed or names a
//!   term of a taxonomy whose terms have feeds;
//! - the files of a form the page holds.
//!
//! With search on, the pages rendered again are parsed for the index and
//! handed back ([`Update::Applied::indexed`]): the preview brings the index
//! up to date off the hot path ([`crate::preview::reindex`]).
//!
//! Lists, references, navigation and taxonomy pages show front matter
//! only, so they cannot change. Links are checked again: the page's own,
//! and, when its headings changed, those of every page that links to it.
//! Anything else (front matter, a new or deleted file, a template, a
//! static file, `site.yaml`) and any problem found takes the full build,
//! which reports every problem as `ambito build` does.

use crate::pipeline::Prepared;
use crate::render::{search, Part};
use crate::report::diagnostic::Diagnostic;
use crate::resolve::site::PageId;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What became of an edit.
#[derive(Debug)]
pub enum Update {
    /// Applied: `pages` rendered again, `written` files changed in the output.
    Applied {
        /// Pages rendered again.
        pages: usize,
        /// Files whose bytes changed.
        written: usize,
        /// Warnings in the files read again.
        warnings: Vec<Diagnostic>,
        /// The pages rendered again, parsed for the search index (none
        /// without search): the index is behind until they are added.
        indexed: Vec<search::Parsed>,
    },
    /// The edit needs a full build.
    FullBuild,
}

impl Prepared {
    /// Applies the changes to the files `changed` (absolute paths) to the
    /// site and its output, when they are edits of page bodies only.
    /// After [`Update::FullBuild`] this state may be out of date: build
    /// again with [`crate::prepare`].
    pub fn update(&mut self, changed: &[PathBuf]) -> Update {
        match self.try_update(changed) {
            Some(update) => update,
            None => Update::FullBuild,
        }
    }

    fn try_update(&mut self, changed: &[PathBuf]) -> Option<Update> {
        // The search index covers every page: without a kept index to
        // update, an edit of one needs the whole site indexed again.
        let parser = match self.site.config.search {
            true => Some(self.search_parser.clone()?),
            false => None,
        };
        let out = self.opts.output.clone()?;
        let content_dir = self.opts.root.join("content");
        let mut ids: Vec<PageId> = Vec::new();
        let mut fresh = Vec::new();
        let mut warnings = Vec::new();
        for abs in changed {
            let Some(entry) = content_path(&content_dir, abs).and_then(|p| self.entries.get(&p))
            else {
                // An editor's temporary file, already renamed over the page
                // it saves, or hidden (the site never reads those): no change.
                if !abs.exists() || is_hidden(&content_dir, abs) {
                    continue;
                }
                return None;
            };
            let &id = self.site.by_path.get(&entry.path)?;
            if ids.contains(&id) {
                continue;
            }
            let loaded = crate::load::content::load(
                std::slice::from_ref(entry),
                &self.schemas,
                &self.taxonomy_names,
                &self.history,
                &self.reserved_ids,
            );
            if loaded.diagnostics.iter().any(Diagnostic::is_error) {
                return None;
            }
            let page = loaded.pages.into_iter().next()?;
            if page.front_matter_digest != self.site.pages[id].src.front_matter_digest {
                return None;
            }
            warnings.extend(loaded.diagnostics);
            ids.push(id);
            fresh.push(page);
        }
        if ids.is_empty() {
            return None;
        }
        let site = Arc::get_mut(&mut self.site)?;
        let mut part = Part::default();
        let mut headings_changed = Vec::new();
        for (&id, page) in ids.iter().zip(fresh) {
            let old = std::mem::replace(&mut site.pages[id].src, page);
            let new = &site.pages[id].src;
            part.sitemap |= old.last_modified() != new.last_modified();
            part.feeds |= site
                .config
                .sections
                .get(&new.section)
                .is_some_and(|s| s.feed);
            part.feeds |= site
                .taxonomies
                .iter()
                .any(|t| t.feeds && new.meta.terms.contains_key(&t.name));
            let ids_of = |p: &crate::load::content::SourcePage| -> Vec<String> {
                p.scan.headings.iter().map(|h| h.id.clone()).collect()
            };
            if ids_of(&old) != ids_of(new) {
                headings_changed.push(new.path.clone());
            }
        }
        // Links into a page whose headings changed may point at one gone.
        let mut check = ids.clone();
        if !headings_changed.is_empty() {
            check.extend(site.pages.iter().enumerate().filter_map(|(i, p)| {
                let links_in = p
                    .src
                    .scan
                    .links
                    .iter()
                    .any(|l| l.anchor.is_some() && headings_changed.contains(&l.path));
                links_in.then_some(i)
            }));
            check.sort_unstable();
            check.dedup();
        }
        if !crate::resolve::site::check_links(site, &check).is_empty() {
            return None;
        }
        part.pages = ids;
        let written = AtomicUsize::new(0);
        let indexed = Mutex::new(Vec::new());
        let emit = |r: crate::render::Rendered| -> Result<(), Diagnostic> {
            match parser.as_ref().and_then(|p| p.parse(&r.path, &r.html)) {
                None => {}
                Some(Ok(page)) => {
                    if let Ok(mut indexed) = indexed.lock() {
                        indexed.push(page);
                    }
                }
                Some(Err(e)) => {
                    return Err(Diagnostic::file(
                        &r.source,
                        crate::msg!(SEARCH_CANNOT_INDEX, detail = e.to_string()),
                    ))
                }
            }
            match crate::write::output::replace_if_changed(&out, &r.path, &r.html) {
                Ok(true) => {
                    written.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
                Ok(false) => Ok(()),
                Err(e) => Err(Diagnostic::file(
                    &r.source,
                    crate::msg!(
                        CANNOT_WRITE,
                        path = &r.path,
                        detail = crate::report::messages::io_detail(&e)
                    ),
                )),
            }
        };
        let problems = self.templates.render_part(
            &self.site,
            self.opts.today,
            &self.forms,
            &self.assets,
            &part,
            &emit,
        );
        if !problems.is_empty() {
            return None;
        }
        Some(Update::Applied {
            pages: part.pages.len(),
            written: written.into_inner(),
            warnings,
            indexed: indexed.into_inner().ok()?,
        })
    }
}

/// The content path (`comuni/barga.md`) of a file under `content/`.
fn content_path(content_dir: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(content_dir).ok()?;
    Some(rel.to_str()?.replace('\\', "/"))
}

/// Whether `abs` is under `content/` and hidden (a name starting with a
/// dot, in itself or a folder above it), as the site's loader skips it.
fn is_hidden(content_dir: &Path, abs: &Path) -> bool {
    abs.strip_prefix(content_dir).is_ok_and(|rel| {
        rel.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

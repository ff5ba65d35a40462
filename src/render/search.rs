//! Site search with Pagefind, in process: the rendered pages are indexed
//! by the `pagefind` crate (no Node, no second binary) and its files are
//! written under `/pagefind/` with the rest of the build, only when
//! `site.yaml` says `search: true`.
//!
//! What is indexed is what the theme marks: the `<main>` of each page
//! (`data-pagefind-body`), its first heading as the title, and a section
//! filter (`data-pagefind-filter`). Each page is parsed for the index as
//! soon as it is rendered, on the thread that rendered it (parsing is most
//! of the work, and pages are rendered in parallel); the parsed pages are
//! added to the index in output-path order, and Pagefind's file names are
//! hashes of their content, so the same site gives the same bytes however
//! the threads ran, and the incremental build keeps the files.
//!
//! Pagefind is vendored (`vendor/pagefind/`) with a parser that is linear
//! in the page however deeply its elements nest, and the parser handle
//! that makes parallel parsing possible (`PageParser`).

use pagefind::api::{PageParser, PagefindIndex, ParsedPage};
use pagefind::options::PagefindServiceConfig;
use std::sync::Mutex;

/// The folder of the index in the output (`/pagefind/pagefind.js`).
use crate::resolve::outputs::SEARCH_DIR as BUNDLE_DIR;

/// Pagefind's files a page never loads when it uses the JavaScript API
/// with its own interface: the default interfaces, highlighting, the
/// playground, and the search code for pages of no known language (every
/// page is indexed as Italian).
const UNUSED: &[&str] = &[
    "wasm.unknown.",
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
    "playground/",
];

/// Index files with their output paths (`pagefind/pagefind.js`), sorted.
pub type Files = Vec<(String, Vec<u8>)>;

/// Parses rendered pages for the index: cheap to clone, usable from any
/// thread. Only pages citizens can find are indexed.
#[derive(Clone)]
pub struct Parser {
    parser: PageParser,
    base_path: String,
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser")
            .field("base_path", &self.base_path)
            .finish_non_exhaustive()
    }
}

/// A page parsed for the index, ready to add to it.
pub struct Parsed {
    path: String,
    page: ParsedPage,
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Parser {
    /// Parses the page written at `path` (`comuni/barga/index.html`);
    /// `None` when it is not one citizens can find (the not-found page, a
    /// file for the forms service).
    pub fn parse(&self, path: &str, html: &[u8]) -> Option<Result<Parsed, SearchError>> {
        if path != "index.html" && !path.ends_with("/index.html") {
            return None;
        }
        let html = std::str::from_utf8(html).ok()?;
        let url = format!("{}{}", self.base_path, path.trim_end_matches("index.html"));
        Some(
            self.parser
                .parse(url, html.to_string())
                .map(|page| Parsed {
                    path: path.to_string(),
                    page,
                })
                .map_err(|e| SearchError::Page {
                    path: path.to_string(),
                    reason: format!("{e:#}"),
                }),
        )
    }
}

/// The pages of a build, parsed for the index as the build writes them (in
/// any order, from several threads).
pub struct Pages {
    index: PagefindIndex,
    parser: Parser,
    /// The pages parsed.
    parsed: Mutex<Vec<Parsed>>,
    /// The first page Pagefind could not parse, and why.
    failed: Mutex<Option<SearchError>>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("parser", &self.parser)
            .finish_non_exhaustive()
    }
}

/// An index kept after a build (by the preview): pages parsed again after
/// an edit replace their old versions, and the index files are made again
/// from all the pages, without parsing the others again nor compressing
/// again the files that did not change (Pagefind's `get_files_again`).
pub struct LiveIndex {
    index: PagefindIndex,
}

impl std::fmt::Debug for LiveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveIndex").finish_non_exhaustive()
    }
}

/// Why the search index could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Pagefind refused to start or to write its files.
    #[error("Pagefind: {0}")]
    Pagefind(String),
    /// A written page could not be read for the index.
    #[error("{path}: {reason}")]
    Page {
        /// The page's output path.
        path: String,
        /// Pagefind's reason.
        reason: String,
    },
    /// The indexer's runtime could not be started.
    #[error("the indexer could not start: {0}")]
    Runtime(#[source] std::io::Error),
    /// The indexer stopped before finishing (a panic in Pagefind).
    #[error("the indexer stopped unexpectedly")]
    Stopped,
}

impl SearchError {
    /// Pagefind reports with `anyhow`; its whole chain is kept as text so
    /// that the library does not depend on `anyhow`.
    fn pagefind(e: impl std::fmt::Display) -> Self {
        SearchError::Pagefind(format!("{e:#}"))
    }
}

impl Pages {
    /// An empty index of the pages served under `base_path` (`/`).
    pub fn new(base_path: &str) -> Result<Self, SearchError> {
        let options = PagefindServiceConfig::builder()
            .force_language("it".to_string())
            .build();
        let index = PagefindIndex::new(Some(options)).map_err(SearchError::pagefind)?;
        Ok(Pages {
            parser: Parser {
                parser: index.page_parser(),
                base_path: base_path.to_string(),
            },
            index,
            parsed: Mutex::new(Vec::new()),
            failed: Mutex::new(None),
        })
    }

    /// Parses the page written at `path` (`comuni/barga/index.html`) if it
    /// is one citizens can find ([`Parser::parse`]).
    pub fn offer(&self, path: &str, html: &[u8]) {
        match self.parser.parse(path, html) {
            None => {}
            Some(Ok(page)) => {
                if let Ok(mut parsed) = self.parsed.lock() {
                    parsed.push(page);
                }
            }
            Some(Err(e)) => {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert(e);
                }
            }
        }
    }

    /// Builds the index of the pages parsed and returns Pagefind's files
    /// with their output paths (`pagefind/pagefind.js`), sorted.
    pub fn index(self) -> Result<Files, SearchError> {
        let (index, parsed) = self.into_sorted()?;
        run(async move {
            let mut index = index;
            index
                .add_parsed_pages(parsed.into_iter().map(|p| p.page).collect())
                .await;
            index.into_files().await.map_err(SearchError::pagefind)
        })
        .map(bundle_files)
    }

    /// Like [`Pages::index`], and keeps the index, with a parser for the
    /// pages it will be given again (the preview's quick path).
    pub fn index_kept(self) -> Result<(Files, LiveIndex, Parser), SearchError> {
        let parser = self.parser.clone();
        let (index, parsed) = self.into_sorted()?;
        let mut live = LiveIndex { index };
        let files = live.update(parsed)?;
        Ok((files, live, parser))
    }

    /// The index and the pages parsed in output-path order (a page's
    /// number in the index is its place in that order).
    fn into_sorted(self) -> Result<(PagefindIndex, Vec<Parsed>), SearchError> {
        // A poisoned lock means a parse panicked: the index would miss pages.
        if let Some(failed) = self.failed.into_inner().map_err(|_| SearchError::Stopped)? {
            return Err(failed);
        }
        let mut parsed = self.parsed.into_inner().map_err(|_| SearchError::Stopped)?;
        parsed.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((self.index, parsed))
    }
}

impl LiveIndex {
    /// Puts `pages` in the index (each replaces the page of the same
    /// address, or is added) and returns the index's files, as
    /// [`Pages::index`] does.
    pub fn update(&mut self, pages: Vec<Parsed>) -> Result<Files, SearchError> {
        let index = &mut self.index;
        run(async move {
            index
                .add_parsed_pages(pages.into_iter().map(|p| p.page).collect())
                .await;
            index.get_files_again().await.map_err(SearchError::pagefind)
        })
        .map(bundle_files)
    }
}

/// Runs Pagefind (async, on tokio) to the end. The build is not async, and
/// may itself run inside the preview's runtime: a runtime of its own, on a
/// thread of its own.
fn run<T: Send>(
    work: impl std::future::Future<Output = Result<T, SearchError>> + Send,
) -> Result<T, SearchError> {
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(SearchError::Runtime)?
                    .block_on(work)
            })
            .join()
            .map_err(|_| SearchError::Stopped)?
    })
}

/// Pagefind's files with their output paths, sorted, less those a page
/// never loads ([`UNUSED`]).
fn bundle_files(files: Vec<pagefind::api::SyntheticFile>) -> Files {
    let mut out: Files = files
        .into_iter()
        .filter_map(|f| {
            let rel = f.filename.to_string_lossy().replace('\\', "/");
            let rel = rel.trim_start_matches('/').to_string();
            (!UNUSED.iter().any(|u| rel.starts_with(u)))
                .then(|| (format!("{BUNDLE_DIR}/{rel}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, body: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"it\"><head><title>{title}</title></head><body>\
             <nav>menu</nav><main data-pagefind-body data-pagefind-filter=\"sezione:Interventi\">\
             <h1>{title}</h1><p>{body}</p></main></body></html>"
        )
    }

    fn indexed() -> Vec<(String, Vec<u8>)> {
        let pages = Pages::new("/").unwrap();
        pages.offer(
            "servizi/tirocini/index.html",
            page("Tirocini inclusivi", "Work experience e tirocini.").as_bytes(),
        );
        pages.offer(
            "notizie/index.html",
            page("Novità", "Le novità della valle.").as_bytes(),
        );
        pages.offer("404.html", page("Non trovata", "x").as_bytes());
        pages.offer("modulo.shell.html", page("Modulo", "x").as_bytes());
        pages.index().unwrap()
    }

    #[test]
    fn indexes_pages_only_and_leaves_out_the_default_interfaces() {
        let files = indexed();
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(names.contains(&"pagefind/wasm.it.pagefind"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("pagefind/fragment/")));
        assert!(names.iter().any(|n| n.starts_with("pagefind/filter/")));
        assert!(!names
            .iter()
            .any(|n| n.contains("-ui") || n.contains("playground")));
        let entry = &files
            .iter()
            .find(|(p, _)| p == "pagefind/pagefind-entry.json")
            .unwrap()
            .1;
        let entry: serde_json::Value = serde_json::from_slice(entry).unwrap();
        // Two pages: not the not-found page, not the form's shell.
        assert_eq!(entry["languages"]["it"]["page_count"], 2);
    }

    #[test]
    fn the_same_pages_give_the_same_bytes() {
        assert_eq!(indexed(), indexed());
    }
}

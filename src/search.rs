//! Site search with Pagefind, in process: the rendered pages are indexed
//! by the `pagefind` crate (no Node, no second binary) and its files are
//! written under `/pagefind/` with the rest of the build, only when
//! `site.yaml` says `search: true`.
//!
//! What is indexed is what the theme marks: the `<main>` of each page
//! (`data-pagefind-body`), its first heading as the title, and a section
//! filter (`data-pagefind-filter`). Pages are indexed in output-path order
//! and Pagefind's file names are hashes of their content, so an unchanged
//! site gives the same bytes and the incremental build keeps the files.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::sync::Mutex;

/// The folder of the index in the output (`/pagefind/pagefind.js`).
pub const BUNDLE_DIR: &str = "pagefind";

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

/// The pages to index, gathered while the build writes them (in any
/// order, from several threads).
#[derive(Debug, Default)]
pub struct Pages(Mutex<Vec<(String, String)>>);

impl Pages {
    /// Keeps the page written at `path` (`comuni/barga/index.html`) if it
    /// is one citizens can find: a page of the site, not the not-found
    /// page or a file for the forms service.
    pub fn offer(&self, path: &str, html: &[u8]) {
        if path != "index.html" && !path.ends_with("/index.html") {
            return;
        }
        if let (Ok(html), Ok(mut pages)) = (std::str::from_utf8(html), self.0.lock()) {
            pages.push((path.to_string(), html.to_string()));
        }
    }

    /// Indexes the pages kept, as served under `base_path` (`/`), and
    /// returns Pagefind's files with their output paths
    /// (`pagefind/pagefind.js`), sorted.
    pub fn index(self, base_path: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut pages = self.0.into_inner().map_err(|e| e.to_string())?;
        pages.sort();
        let base_path = base_path.to_string();
        // Pagefind is async (tokio); the build is not, and may itself run
        // inside the preview's runtime: a runtime of its own, on a thread
        // of its own.
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?;
                    runtime.block_on(index_pages(pages, &base_path))
                })
                .join()
                .map_err(|_| "the indexer stopped unexpectedly".to_string())?
        })
    }
}

async fn index_pages(
    pages: Vec<(String, String)>,
    base_path: &str,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let options = PagefindServiceConfig::builder()
        .force_language("it".to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    for (path, html) in pages {
        let url = format!("{base_path}{}", path.trim_end_matches("index.html"));
        index
            .add_html_file(None, Some(url), html)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
    }
    let files = index.get_files().await.map_err(|e| e.to_string())?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let rel = f.filename.to_string_lossy().replace('\\', "/");
            let rel = rel.trim_start_matches('/').to_string();
            (!UNUSED.iter().any(|u| rel.starts_with(u)))
                .then(|| (format!("{BUNDLE_DIR}/{rel}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
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
        let pages = Pages::default();
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
        pages.index("/").unwrap()
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

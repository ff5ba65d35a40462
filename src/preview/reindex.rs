//! The preview's search index, brought up to date in the background after
//! an edit of a page's body. The page is refreshed at once by the quick
//! path ([`crate::preview::incremental`]); the index files, which Pagefind
//! makes from every page (seconds on a large site), follow on a thread of
//! their own. Edits saved while an update runs are taken together by the
//! next one. While the index is behind the pages, the search page says so
//! ([`IndexState`]).

use crate::msg;
use crate::render::search::{LiveIndex, Parsed};
use crate::report::messages::io_detail;
use crate::resolve::outputs::SEARCH_DIR;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;

/// How far the search index is behind the pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexState {
    /// Edits handed to the index so far.
    pub requested: u64,
    /// Edits the index files on disk include.
    pub included: u64,
    /// Why the last update failed, if it did (the index stays behind).
    pub error: Option<String>,
}

impl IndexState {
    /// Whether some edit is not in the index yet.
    pub fn behind(&self) -> bool {
        self.included < self.requested
    }

    /// As the preview's page script reads it (`/__ambito/indice` and the
    /// `indice` event).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "indietro": self.behind(),
            "inclusi": self.included,
            "errore": self.error,
        })
    }
}

/// Where the index is written, shared with the full builds: each full
/// build moves the generation on, and an update started before it never
/// writes (the full build writes a whole new index).
pub type Generation = Arc<Mutex<u64>>;

/// The thread that updates the index; it stops when this is dropped.
pub struct Reindexer {
    jobs: mpsc::Sender<(u64, Vec<Parsed>)>,
    state: Arc<watch::Sender<IndexState>>,
}

impl Reindexer {
    /// Starts updating `index`, whose files are in the output folder
    /// `dir`, for as long as `generation` stays where it is now.
    pub fn start(
        index: LiveIndex,
        dir: PathBuf,
        generation: Generation,
        state: Arc<watch::Sender<IndexState>>,
    ) -> std::io::Result<Self> {
        let mine = generation.lock().map_or(0, |g| *g);
        let (jobs, rx) = mpsc::channel::<(u64, Vec<Parsed>)>();
        let shared = Arc::clone(&state);
        std::thread::Builder::new()
            .name("ambito-indice".into())
            .spawn(move || {
                let mut index = index;
                while let Ok((mut upto, mut pages)) = rx.recv() {
                    // Saved while the last update ran: all in one update.
                    while let Ok((n, more)) = rx.try_recv() {
                        upto = n;
                        pages.extend(more);
                    }
                    let started = Instant::now();
                    let files = index.update(pages);
                    let Ok(current) = generation.lock() else {
                        return;
                    };
                    if *current != mine {
                        // A full build replaced the output and its index.
                        return;
                    }
                    let written = files.map_err(|e| e.to_string()).and_then(|mut files| {
                        // The entry file names the others: written last, a
                        // search never loads a file not there yet.
                        files.sort_by_key(|(path, _)| path.ends_with("pagefind-entry.json"));
                        crate::write::output::replace_folder(&dir, SEARCH_DIR, &files)
                            .map_err(|e| io_detail(&e).to_string())
                    });
                    drop(current);
                    match written {
                        Ok(_) => {
                            shared.send_modify(|s| {
                                s.included = s.included.max(upto);
                                s.error = None;
                            });
                            eprintln!(
                                "{}",
                                msg!(
                                    PREVIEW_INDEX_UPDATED,
                                    ms = started.elapsed().as_millis().to_string()
                                )
                            );
                        }
                        Err(detail) => {
                            eprintln!("{}", msg!(PREVIEW_INDEX_FAILED, detail = &detail));
                            shared.send_modify(|s| s.error = Some(detail));
                        }
                    }
                }
            })?;
        Ok(Reindexer { jobs, state })
    }

    /// Hands the pages rendered again by an edit to the index.
    pub fn request(&self, pages: Vec<Parsed>) {
        let mut id = 0;
        self.state.send_modify(|s| {
            s.requested += 1;
            id = s.requested;
        });
        if self.jobs.send((id, pages)).is_err() {
            // The thread stopped (a panic in Pagefind): the index stays
            // behind until the next full build, and the page says so.
            let detail = msg!(PREVIEW_INDEX_STOPPED).to_string();
            eprintln!("{detail}");
            self.state.send_modify(|s| s.error = Some(detail));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::Pages;
    use std::time::{Duration, Instant};

    fn page(word: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"it\"><head><title>Barga</title></head><body>\
             <main data-pagefind-body><h1>Barga</h1><p>{word}</p></main></body></html>"
        )
    }

    /// An index of one page, kept, and the page parsed again with `word`.
    fn kept_index_and_edit(word: &str) -> (LiveIndex, Vec<Parsed>) {
        let pages = Pages::new("/").unwrap();
        pages.offer("barga/index.html", page("castagne").as_bytes());
        let (_, index, parser) = pages.index_kept().unwrap();
        let edited = parser
            .parse("barga/index.html", page(word).as_bytes())
            .unwrap()
            .unwrap();
        (index, vec![edited])
    }

    fn wait_until(
        what: &str,
        state: &watch::Sender<IndexState>,
        done: impl Fn(&IndexState) -> bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&state.borrow()) {
            assert!(Instant::now() < deadline, "{what}: {:?}", *state.borrow());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn an_edit_is_written_into_the_index_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let (index, edited) = kept_index_and_edit("zafferano");
        let state = Arc::new(watch::Sender::new(IndexState::default()));
        let reindex = Reindexer::start(
            index,
            dir.path().to_path_buf(),
            Generation::default(),
            Arc::clone(&state),
        )
        .unwrap();
        reindex.request(edited);
        assert_eq!(state.borrow().requested, 1);
        wait_until("the index caught up", &state, |s| !s.behind());
        assert!(state.borrow().error.is_none());
        assert!(dir.path().join("pagefind/pagefind-entry.json").is_file());
    }

    /// A full build moved the generation on while an update ran: the
    /// update writes nothing (the full build wrote a whole new index).
    #[test]
    fn an_update_overtaken_by_a_full_build_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (index, edited) = kept_index_and_edit("zafferano");
        let state = Arc::new(watch::Sender::new(IndexState::default()));
        let generation = Generation::default();
        let reindex = Reindexer::start(
            index,
            dir.path().to_path_buf(),
            Arc::clone(&generation),
            Arc::clone(&state),
        )
        .unwrap();
        // The full build starts before the update can write.
        *generation.lock().unwrap() += 1;
        reindex.request(edited);
        // The thread sees the new generation and stops; a request after
        // that finds no one to take it.
        let deadline = Instant::now() + Duration::from_secs(30);
        while state.borrow().error.is_none() {
            assert!(Instant::now() < deadline, "the update never stopped");
            std::thread::sleep(Duration::from_millis(10));
            reindex.request(Vec::new());
        }
        assert_eq!(state.borrow().included, 0);
        assert!(!dir.path().join("pagefind").exists());
    }
}

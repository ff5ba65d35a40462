//! `ambito serve`: the staff preview. The site is built into a private
//! temporary folder (never `public/`, which gets published), rebuilt when a
//! file changes, and open pages reload by themselves. When an edit breaks
//! the site, the browser shows every problem over the last good preview.

use crate::msg;
use crate::pipeline::{prepare, BuildError, BuildOptions, Prepared};
use crate::preview::incremental::Update;
use crate::preview::reindex::{Generation, IndexState, Reindexer};
use crate::report::diagnostic::Diagnostic;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Where the preview's own script and events live: a path no site uses.
const PREFIX: &str = "/__ambito/";
/// The script the preview adds to every HTML page (and only in previews).
const LIVE_JS: &str = include_str!("live.js");

/// One problem as the overlay shows it: where, what, and the line quoted.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    /// `file:line:column`, as in the terminal.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// The line of the file the problem is on, as written.
    pub line: Option<String>,
}

impl Shown {
    fn new(root: &Path, d: &Diagnostic) -> Self {
        let line = d.pos.and_then(|p| {
            let text = std::fs::read_to_string(root.join(&d.file)).ok()?;
            let n = usize::try_from(p.line).ok()?.checked_sub(1)?;
            text.lines().nth(n).map(str::to_string)
        });
        Shown {
            place: d.place(),
            message: d.message.to_string(),
            line,
        }
    }
}

/// What the last build left: a good site, or problems (the last good site
/// stays in place behind them).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "stato", content = "problemi", rename_all = "lowercase")]
pub enum Outcome {
    /// The preview is up to date.
    Pronto,
    /// The last edit broke the site.
    Problemi(Vec<Shown>),
}

/// The preview: the site, where it is built, and who is watching.
pub struct Preview {
    opts: BuildOptions,
    dir: PathBuf,
    outcome: RwLock<Outcome>,
    events: broadcast::Sender<Outcome>,
    /// Set when the preview stops: open event streams end, so that the
    /// server can shut down.
    stopping: tokio::sync::watch::Sender<bool>,
    /// The private folder; removed by [`Preview::close`].
    tmp: std::sync::Mutex<Option<tempfile::TempDir>>,
    /// The last good build, kept for quick updates after an edit; `None`
    /// after a failed one (the next edit builds everything).
    state: std::sync::Mutex<Option<Prepared>>,
    /// With search on: updates the index after quick edits.
    reindex: std::sync::Mutex<Option<Reindexer>>,
    /// Moved on by each full build, which writes a whole new index.
    generation: Generation,
    /// How far the index is behind the pages, for the search page.
    index_state: Arc<tokio::sync::watch::Sender<IndexState>>,
}

impl Preview {
    /// A preview of the site at `opts.root`, built into a new private
    /// temporary folder (whatever `opts.output` says). The root is made
    /// absolute once, here: the watcher reports absolute paths, and a
    /// relative root (`.`, `../sito`, the default) would match none of them.
    pub fn new(mut opts: BuildOptions) -> std::io::Result<Arc<Self>> {
        opts.root = std::fs::canonicalize(&opts.root)?;
        let tmp = tempfile::Builder::new()
            .prefix("ambito-anteprima-")
            .tempdir()?;
        let dir = tmp.path().join("sito");
        opts.output = Some(dir.clone());
        // A preview's address is local on purpose.
        opts.publishing = false;
        let (events, _) = broadcast::channel(16);
        let (stopping, _) = tokio::sync::watch::channel(false);
        Ok(Arc::new(Preview {
            opts,
            dir,
            outcome: RwLock::new(Outcome::Pronto),
            events,
            stopping,
            tmp: std::sync::Mutex::new(Some(tmp)),
            state: std::sync::Mutex::new(None),
            reindex: std::sync::Mutex::new(None),
            generation: Generation::default(),
            index_state: Arc::new(tokio::sync::watch::Sender::new(IndexState::default())),
        }))
    }

    /// The folder the preview is built in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Builds the whole site, tells open pages, and prints what happened.
    pub fn rebuild(&self) -> Outcome {
        self.rebuild_after(&[])
    }

    /// Brings the preview up to date after changes to the files `changed`
    /// (absolute paths): re-renders only what they affect when they are
    /// edits of page bodies, else builds the whole site. Tells open pages,
    /// and prints what happened.
    pub fn rebuild_after(&self, changed: &[PathBuf]) -> Outcome {
        let started = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            return self.current();
        };
        if let Some(prepared) = state.as_mut().filter(|_| !changed.is_empty()) {
            if let Update::Applied {
                pages,
                warnings,
                indexed,
                ..
            } = prepared.update(changed)
            {
                if !indexed.is_empty() {
                    if let Some(reindex) =
                        self.reindex.lock().ok().as_deref().and_then(Option::as_ref)
                    {
                        reindex.request(indexed);
                    }
                }
                for w in &warnings {
                    eprintln!("{w}");
                }
                eprintln!(
                    "{}",
                    msg!(
                        PREVIEW_UPDATED,
                        pages = pages,
                        ms = started.elapsed().as_millis().to_string()
                    )
                );
                return self.tell(Outcome::Pronto);
            }
        }
        *state = None;
        // The full build writes a whole new index: an update under way
        // must not write over it.
        if let Ok(mut generation) = self.generation.lock() {
            *generation += 1;
        }
        if let Ok(mut reindex) = self.reindex.lock() {
            *reindex = None;
        }
        let mut built = self.build_all();
        // A file saved again while it was being built: not a problem in
        // the site, only a build that is already out of date. Build again
        // once the files are quiet, rather than show a false problem.
        for _ in 0..RETRIES {
            if !matches!(&built, Err(BuildError::Invalid(d)) if changed_during_build(d)) {
                break;
            }
            std::thread::sleep(QUIET);
            built = self.build_all();
        }
        let outcome = match built {
            Ok((mut prepared, report)) => {
                // The new index includes every edit; pages hear of it
                // only if they were told it was behind.
                self.index_state.send_if_modified(|s| {
                    let behind = s.behind() || s.error.is_some();
                    s.included = s.requested;
                    s.error = None;
                    behind
                });
                if let Some(index) = prepared.take_search_index() {
                    let started = Reindexer::start(
                        index,
                        self.dir.clone(),
                        Arc::clone(&self.generation),
                        Arc::clone(&self.index_state),
                    );
                    match started {
                        Ok(reindex) => {
                            if let Ok(mut slot) = self.reindex.lock() {
                                *slot = Some(reindex);
                            }
                        }
                        // Without the thread, edits take the full build.
                        Err(_) => prepared.search_parser = None,
                    }
                }
                *state = Some(prepared);
                for w in &report.warnings {
                    eprintln!("{w}");
                }
                eprintln!(
                    "{}",
                    msg!(
                        PREVIEW_UPDATED,
                        pages = report.pages,
                        ms = started.elapsed().as_millis().to_string()
                    )
                );
                Outcome::Pronto
            }
            Err(BuildError::Invalid(diags)) => {
                let shown: Vec<Shown> = diags
                    .iter()
                    .map(|d| Shown::new(&self.opts.root, d))
                    .collect();
                for (d, s) in diags.iter().zip(&shown) {
                    eprintln!("{d}");
                    if let Some(line) = &s.line {
                        eprintln!("    | {line}");
                    }
                }
                let summary = match diags.len() {
                    1 => msg!(PREVIEW_PROBLEMS_ONE),
                    n => msg!(PREVIEW_PROBLEMS, count = n),
                };
                eprintln!("{summary}");
                Outcome::Problemi(shown)
            }
            Err(e) => {
                let message = e.to_string();
                eprintln!(
                    "{}",
                    msg!(LABELLED, label = msg!(ERROR_LABEL), message = &message)
                );
                Outcome::Problemi(vec![Shown {
                    place: self.opts.root.display().to_string(),
                    message,
                    line: None,
                }])
            }
        };
        self.tell(outcome)
    }

    /// Builds the whole site into the preview's folder, keeping the search
    /// index for the edits to come.
    fn build_all(&self) -> Result<(Prepared, crate::pipeline::BuildReport), BuildError> {
        prepare(&self.opts).and_then(|mut prepared| {
            prepared.keep_search_index();
            let report = prepared.write()?;
            Ok((prepared, report))
        })
    }

    /// Records `outcome` and sends it to the open pages.
    fn tell(&self, outcome: Outcome) -> Outcome {
        if let Ok(mut current) = self.outcome.write() {
            current.clone_from(&outcome);
        }
        // Nobody listening is fine: no page is open.
        let _ = self.events.send(outcome.clone());
        outcome
    }

    /// Removes the preview's folder: the end of the preview. (Other threads
    /// may still hold the preview when the program exits, so this does
    /// not wait for the last one to let go.)
    pub fn close(&self) {
        if let Ok(mut tmp) = self.tmp.lock() {
            if let Some(dir) = tmp.take() {
                let _ = dir.close();
            }
        }
    }

    fn current(&self) -> Outcome {
        self.outcome.read().map_or(Outcome::Pronto, |o| o.clone())
    }
}

/// How many times a build is started again when a file changed while it
/// was read: an editor saving several times in a row.
const RETRIES: usize = 20;

/// Whether a failed build failed because a file changed while it was being
/// built (and so says nothing about the site as it is now).
fn changed_during_build(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| {
        std::ptr::eq(
            d.message.entry(),
            &crate::report::messages::CHANGED_DURING_BUILD,
        )
    })
}

/// Binds the preview's address: `port` on `ip`, or, when it is taken, the
/// next free one of the ten after it (0 lets the system choose). Says
/// which, when it is not the one asked for.
pub async fn bind(ip: IpAddr, port: u16) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let mut last_error = None;
    let tries = if port == 0 { 1 } else { 11 };
    for p in (0..tries).filter_map(|i| port.checked_add(i)) {
        match tokio::net::TcpListener::bind((ip, p)).await {
            Ok(listener) => {
                let addr = listener.local_addr()?;
                if p != port {
                    eprintln!("{}", msg!(PORT_TAKEN, port = port, other = p));
                }
                return Ok((listener, addr));
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other(msg!(NO_PORT_TO_TRY).to_string())))
}

/// Serves the preview on `listener` until Ctrl+C (or SIGTERM).
pub async fn serve(
    preview: Arc<Preview>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    serve_with(preview, listener, axum::Router::new()).await
}

/// Serves the preview with the routes of `extra` (the web editor of
/// `serve --admin`) ahead of the site's files.
pub async fn serve_with(
    preview: Arc<Preview>,
    listener: tokio::net::TcpListener,
    extra: axum::Router,
) -> std::io::Result<()> {
    let stopping = preview.stopping.clone();
    let app = axum::Router::new()
        .route(&format!("{PREFIX}live.js"), axum::routing::get(live_js))
        .route(&format!("{PREFIX}eventi"), axum::routing::get(events))
        .route(&format!("{PREFIX}indice"), axum::routing::get(index_state))
        .fallback(page)
        .with_state(preview);
    let app = extra.merge(app);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown().await;
            let _ = stopping.send(true);
        })
        .await
}

/// Resolves on Ctrl+C or, on Unix, SIGTERM.
pub async fn shutdown() {
    #[cfg(unix)]
    {
        let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        let Ok(mut term) = signal else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

/// How far the search index is behind the pages, as JSON.
async fn index_state(State(preview): State<Arc<Preview>>) -> Response {
    let json = preview.index_state.borrow().to_json();
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json.to_string(),
    )
        .into_response()
}

/// Server-Sent Events: the state now, then one event per rebuild, and an
/// `indice` event each time the search index falls behind the pages or
/// catches up.
async fn events(State(preview): State<Arc<Preview>>) -> impl IntoResponse {
    let rx = preview.events.subscribe();
    let stop = preview.stopping.subscribe();
    let mut index = preview.index_state.subscribe();
    index.mark_unchanged();
    let first =
        Event::default().data(serde_json::to_string(&preview.current()).unwrap_or_default());
    let stream = futures_util::stream::unfold(
        (Some(first), rx, stop, index),
        |(first, mut rx, mut stop, mut index)| async move {
            let event = match first {
                Some(e) => e,
                None => loop {
                    tokio::select! {
                        got = rx.recv() => match got {
                            Ok(o) => break Event::default()
                                .data(serde_json::to_string(&o).unwrap_or_default()),
                            Err(broadcast::error::RecvError::Lagged(_)) => {}
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        changed = index.changed() => {
                            if changed.is_err() {
                                return None;
                            }
                            let json = index.borrow_and_update().to_json();
                            break Event::default().event("indice").data(json.to_string());
                        }
                        _ = stop.wait_for(|stopping| *stopping) => return None,
                    }
                },
            };
            Some((
                Ok::<_, std::convert::Infallible>(event),
                (None, rx, stop, index),
            ))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the preview; HTML pages get the preview's script.
async fn page(State(preview): State<Arc<Preview>>, request: Request) -> Response {
    let dir = preview.dir().to_path_buf();
    let not_found = ServeFile::new(dir.join("404.html"));
    let files = ServeDir::new(&dir)
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    let response = match files.oneshot(request).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let tag = format!("<script src=\"{PREFIX}live.js\" defer></script>");
    let injected = match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Response::from_parts(parts, Body::from(injected))
}

/// The folders of a site whose files are sources, watched recursively.
const SOURCE_FOLDERS: [&str; 4] = ["content", "themes", "templates", "static"];

/// The watch on a site's sources; stops watching when dropped.
pub struct Watching {
    _watcher: Arc<std::sync::Mutex<notify::RecommendedWatcher>>,
}

/// Watches the site's sources and rebuilds the preview after each burst of
/// changes: an editor's save is often several events (a temporary file,
/// a rename), and gets one rebuild once things are quiet for a moment.
/// Reads are not changes: the build itself opens every file. A source
/// folder created while the preview runs (a site's first `templates/`) is
/// watched from then on.
pub fn watch(preview: &Arc<Preview>) -> notify::Result<Watching> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let root = preview.opts.root.clone();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let watched_root = root.clone();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else {
            return;
        };
        let changes = !matches!(event.kind, EventKind::Access(_) | EventKind::Other);
        let sources: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| is_source(&watched_root, p))
            .collect();
        if changes && !sources.is_empty() {
            let _ = tx.send(sources);
        }
    })?;
    let watcher = Arc::new(std::sync::Mutex::new(watcher));
    // site.yaml and the source folders appearing: the root itself, not
    // recursively (public/ is there).
    let mut watched = Vec::new();
    if let Ok(mut w) = watcher.lock() {
        w.watch(&root, RecursiveMode::NonRecursive)?;
        for dir in SOURCE_FOLDERS {
            let path = root.join(dir);
            if path.is_dir() {
                w.watch(&path, RecursiveMode::Recursive)?;
                watched.push(path);
            }
        }
    }
    let target = Arc::clone(preview);
    let adder = Arc::downgrade(&watcher);
    std::thread::spawn(move || {
        // Each wake-up: gather the changes until a quiet moment, then one
        // update with all of them.
        while let Ok(first) = rx.recv() {
            let mut changed = first;
            while let Ok(more) = rx.recv_timeout(QUIET) {
                changed.extend(more);
            }
            changed.sort();
            changed.dedup();
            // A source folder that appeared: watch what goes into it.
            // (One removed and made again is watched again.)
            watched.retain(|p| p.is_dir());
            for dir in SOURCE_FOLDERS {
                let path = root.join(dir);
                if path.is_dir() && !watched.contains(&path) {
                    let Some(watcher) = adder.upgrade() else {
                        return;
                    };
                    let added = watcher
                        .lock()
                        .is_ok_and(|mut w| w.watch(&path, RecursiveMode::Recursive).is_ok());
                    if added {
                        watched.push(path);
                    }
                }
            }
            target.rebuild_after(&changed);
        }
    });
    Ok(Watching { _watcher: watcher })
}

/// How long the files must stay unchanged before a rebuild starts: an
/// editor's save (a temporary file, a rename) takes a few milliseconds.
const QUIET: Duration = Duration::from_millis(25);

/// Whether a change at `path` can change the site: a source file, not an
/// editor's swap or backup file, nor anything in the root but `site.yaml`.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let editor_temp = name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913";
    if editor_temp {
        return false;
    }
    let mut parts = rel.components();
    match parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
    {
        // In the root: site.yaml, or a source folder made or removed.
        Some(first) if rel.components().count() == 1 => {
            first == "site.yaml" || SOURCE_FOLDERS.contains(&first.as_str())
        }
        Some(first) => SOURCE_FOLDERS.contains(&first.as_str()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_source;
    use std::path::Path;

    #[test]
    fn only_sources_trigger_a_rebuild() {
        let root = Path::new("/sito");
        assert!(is_source(root, Path::new("/sito/site.yaml")));
        assert!(is_source(root, Path::new("/sito/content/comuni/barga.md")));
        assert!(is_source(
            root,
            Path::new("/sito/themes/serchio/static/css/serchio.css")
        ));
        assert!(!is_source(root, Path::new("/sito/public/index.html")));
        assert!(!is_source(root, Path::new("/sito/README.md")));
        assert!(is_source(root, Path::new("/sito/templates")));
        assert!(!is_source(root, Path::new("/sito/public")));
        assert!(!is_source(
            root,
            Path::new("/sito/content/comuni/.barga.md.swp")
        ));
        assert!(!is_source(
            root,
            Path::new("/sito/content/comuni/barga.md~")
        ));
        assert!(!is_source(root, Path::new("/altro/content/a.md")));
    }
}

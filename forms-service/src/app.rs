//! Starting the service: definitions, database, outbox, HTTP.

use crate::config::Config;
use crate::http::{self, AppState};
use crate::mail::Transport;
use crate::outbox::Outbox;
use crate::ratelimit::Limiter;
use crate::store::{Db, StoreError};
use crate::writer::Writer;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Why the service could not start (or stopped serving).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A form definition or its folder could not be read or understood.
    #[error("AMBITO_FORMS_FORMS_DIR: {0}")]
    Forms(#[from] crate::forms::LoadError),
    /// The submissions database could not be opened or prepared.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mail transport could not be set up from the settings.
    #[error(transparent)]
    Mail(#[from] crate::mail::TransportError),
    /// The listening socket could not be bound.
    #[error("AMBITO_FORMS_LISTEN: cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's refusal.
        #[source]
        source: std::io::Error,
    },
    /// The listening socket failed: its address unreadable, or serving stopped.
    #[error("server: {0}")]
    Serve(#[source] std::io::Error),
}

/// File descriptors the service needs besides its connections: the
/// database and its WAL, uploads being written, SMTP, the log.
const SPARE_FILES: u64 = 256;

/// Makes room for `max_connections` in the open-files limit: raises the
/// soft limit toward the hard one when it is too low, and when even the
/// hard limit is too low, accepts fewer connections (with a warning)
/// rather than fail with "Too many open files" while clients wait.
/// Returns the connections the service can hold.
fn fit_open_files(max_connections: usize) -> usize {
    let needed = max_connections as u64 + SPARE_FILES;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return max_connections;
    }
    if limit.rlim_cur >= needed {
        return max_connections;
    }
    let raised = libc::rlimit {
        rlim_cur: needed.min(limit.rlim_max),
        rlim_max: limit.rlim_max,
    };
    // SAFETY: as above.
    let soft = if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        raised.rlim_cur
    } else {
        limit.rlim_cur
    };
    if soft >= needed {
        tracing::info!(
            open_files = soft,
            "raised the open-files limit for the connections"
        );
        return max_connections;
    }
    let fits = usize::try_from(soft.saturating_sub(SPARE_FILES))
        .unwrap_or(1)
        .max(1);
    tracing::warn!(
        open_files = soft,
        max_connections,
        accepted = fits,
        "the open-files limit is too low for AMBITO_FORMS_MAX_CONNECTIONS: accepting fewer connections (raise LimitNOFILE)"
    );
    fits
}

/// The request side of the service, ready to route ([`http::router`]):
/// the forms loaded, the database opened (and migrated), upload folders
/// that no submission names removed, and the writer thread started. No
/// socket, outbox or timer: [`serve`] adds those, and in-process tests
/// route requests to this state directly.
pub fn prepare(config: Arc<Config>) -> Result<Arc<AppState>, StartError> {
    let forms = crate::forms::load_forms(&config.forms_dir)?;
    let mut db = Db::open(&config.db)?;
    db.set_duplicate_window(config.duplicate_window);
    // Files a crash left without their submission's row were never
    // received: remove them before anything can count or send them.
    let orphans = crate::upload::remove_orphans(
        &config.files_dir(),
        &db.file_dirs()?,
        std::time::Duration::ZERO,
    );
    if orphans > 0 {
        tracing::warn!(orphans, "removed uploaded files that no submission names");
    }
    let health = Arc::new(crate::health::Health::default());
    let writer = Writer::start(db, Arc::clone(&health));
    // The site's origin: configured, or the one of the site's base_url,
    // which the generator writes in the shell's canonical link.
    let site_origin = config.site_origin.clone().or_else(|| {
        let mut ids: Vec<&String> = forms.keys().collect();
        ids.sort();
        ids.iter()
            .filter_map(|id| forms.get(*id)?.shell.as_deref())
            .find_map(crate::pages::shell_origin)
    });
    Ok(Arc::new(AppState {
        forms,
        writer,
        db: Arc::new(Mutex::new(Db::open(&config.db)?)),
        wake: Arc::new(Notify::new()),
        limiter: Limiter::new(config.rate_limit),
        verify_limiter: Limiter::new(config.verify_rate_limit),
        receipt_limiter: Limiter::new(config.verify_rate_limit),
        health,
        site_origin,
        config,
    }))
}

/// Runs the service until Ctrl+C or SIGTERM.
pub async fn serve(mut config: Config) -> Result<(), StartError> {
    config.max_connections = fit_open_files(config.max_connections);
    let config = Arc::new(config);
    let state = prepare(Arc::clone(&config))?;
    let transport = Transport::from_config(&config)?;
    let outbox = Outbox {
        db: Arc::new(Mutex::new(Db::open(&config.db)?)),
        transport,
        config: Arc::clone(&config),
        wake: Arc::clone(&state.wake),
        health: Arc::clone(&state.health),
        forms: state.forms.clone(),
    };
    tokio::spawn(outbox.run());
    tokio::spawn(sweep_uploads(
        Arc::new(Mutex::new(Db::open(&config.db)?)),
        config.files_dir(),
    ));
    tokio::spawn(crate::retention::run_daily(
        Arc::new(Mutex::new(Db::open(&config.db)?)),
        Arc::clone(&config),
    ));
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    tracing::info!(%addr, forms = ?state.forms.keys().collect::<Vec<_>>(), site_origin = ?state.site_origin, "ambito-forms listening");
    let app = http::router(&state);
    accept_loop(listener, app, &config).await;
    Ok(())
}

/// How often folders of uploads that no submission names are looked for.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// How old such a folder must be to go: longer than any request lasts.
const SWEEP_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes, every [`SWEEP_EVERY`], upload folders that no stored
/// submission names and that nothing has touched for [`SWEEP_AGE`]. A
/// request cut short removes its own folder; this catches what anything
/// else (a failed removal, a panic) would leave to fill the disk.
async fn sweep_uploads(db: Arc<Mutex<Db>>, files: PathBuf) {
    loop {
        tokio::time::sleep(SWEEP_EVERY).await;
        let db = Arc::clone(&db);
        let files = files.clone();
        let swept = tokio::task::spawn_blocking(move || {
            let known = db.lock().ok()?.file_dirs().ok()?;
            Some(crate::upload::remove_orphans(&files, &known, SWEEP_AGE))
        })
        .await;
        if let Ok(Some(n)) = swept.map(|n| n.filter(|n| *n > 0)) {
            tracing::warn!(
                removed = n,
                "removed old upload folders that no submission names"
            );
        }
    }
}

/// Accepts connections until shutdown, each served by hyper with a
/// deadline for the request's headers (which is also how long a
/// kept-alive connection may sit idle: hyper starts that timer whenever
/// it waits for a request), and at most `max_connections` at once (the
/// rest wait in the kernel's backlog).
async fn accept_loop(listener: tokio::net::TcpListener, app: axum::Router, config: &Config) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            () = &mut stop => break,
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let router = app.clone();
        let service = hyper::service::service_fn(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                tower::ServiceExt::oneshot(router.clone(), req)
            },
        );
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection closed");
            }
            drop(permit);
        });
    }
    // Requests in flight finish (their submissions are committed and
    // answered); then the process ends.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(10)) => {}
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

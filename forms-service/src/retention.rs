//! Retention: submissions older than `AMBITO_FORMS_RETENTION_DAYS` are
//! deleted, with their `.eml` files, once a day while the service runs
//! (and on demand with `ambito-forms purge`).

use crate::clock;
use crate::config::Config;
use crate::mail::eml_files;
use crate::store::{Db, StoreError};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Deletes delivered, failed and spam submissions received before
/// `before` (seconds), and their mail files in `mail_dir`. Returns how
/// many submissions were deleted.
pub fn purge(
    db: &mut Db,
    before: i64,
    mail_dir: &Path,
    files_dir: &Path,
) -> Result<usize, StoreError> {
    let (gone, dirs) = db.purge_with_files(before)?;
    for p in &gone {
        remove_mail(mail_dir, p.as_str());
    }
    remove_files(files_dir, &dirs);
    Ok(gone.len())
}

/// Removes one submission everywhere: the database, its mail files and
/// its uploaded files.
pub fn erase(
    db: &mut Db,
    protocol: &str,
    mail_dir: &Path,
    files_dir: &Path,
) -> Result<bool, StoreError> {
    let (found, dirs) = db.erase_with_files(protocol)?;
    remove_mail(mail_dir, protocol);
    remove_files(files_dir, &dirs);
    Ok(found)
}

fn remove_files(files_dir: &Path, dirs: &[String]) {
    for d in dirs {
        // Names come from the database, written by the service: a bare
        // folder name, never a path.
        if d.is_empty() || !d.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let path = files_dir.join(d);
        match std::fs::remove_dir_all(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::error!(folder = %path.display(), error = %e, "cannot delete uploaded files");
            }
        }
    }
}

fn remove_mail(mail_dir: &Path, protocol: &str) {
    for f in eml_files(mail_dir, protocol) {
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::error!(file = %f.display(), error = %e, "cannot delete a mail file"),
        }
    }
}

/// Why a daily purge did not run.
#[derive(Debug, thiserror::Error)]
enum PurgeError {
    /// Another thread panicked holding the connection.
    #[error("database lock poisoned")]
    Poisoned,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How often the automatic purge runs.
const EVERY: Duration = Duration::from_secs(24 * 3600);

/// Purges now, then once a day, for as long as the service runs.
pub async fn run_daily(db: Arc<Mutex<Db>>, config: Arc<Config>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        let (db, config) = (Arc::clone(&db), Arc::clone(&config));
        let done = tokio::task::spawn_blocking(move || {
            let before = clock::now() - i64::from(config.retention_days) * 86_400;
            let mut db = db.lock().map_err(|_| PurgeError::Poisoned)?;
            Ok::<_, PurgeError>(purge(
                &mut db,
                before,
                &config.mail_dir,
                &config.files_dir(),
            )?)
        })
        .await;
        match done {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(deleted = n, "retention: old submissions deleted"),
            Ok(Err(e)) => tracing::error!(error = %e, "retention: purge failed"),
            Err(e) => tracing::error!(error = %e, "retention: purge failed"),
        }
    }
}

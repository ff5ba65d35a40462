//! The single writer: one thread owns the connection that stores
//! submissions. Requests that arrive together are committed together, in
//! one transaction and one disk flush, and each request is answered only
//! after that commit. A post's uploaded files travel with it: the writer
//! keeps their folder once the row that names it is committed, and
//! removes it otherwise, so the request being dropped while it waits can
//! neither lose the files of a stored submission nor leave files of one
//! that was not.

use crate::health::Health;
use crate::store::{Db, Inserted, NewSubmission, StoreError};
use crate::upload::PostDir;
use std::sync::{mpsc, Arc};
use tokio::sync::oneshot;

/// Why a submission was not stored.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The database refused the batch the submission was in. One error
    /// answers every post of a batch, so each holds it shared; it is kept
    /// whole, so that callers can ask [`StoreError::is_unavailable`].
    #[error("cannot store the submission: {0}")]
    Store(#[source] Arc<StoreError>),
    /// The writer thread is gone (the process is stopping).
    #[error("the writer has stopped")]
    Stopped,
}

impl WriteError {
    /// Whether trying again later may work: the disk or the file cannot
    /// take writes now (full, read-only, locked), or the service is
    /// stopping. Otherwise the database failed in a way that waiting does
    /// not mend.
    pub fn is_unavailable(&self) -> bool {
        match self {
            WriteError::Store(e) => e.is_unavailable(),
            WriteError::Stopped => true,
        }
    }
}

struct Job {
    submission: NewSubmission,
    files: Option<PostDir>,
    reply: oneshot::Sender<Result<Inserted, WriteError>>,
}

/// A handle to the writer thread.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The most submissions committed in one transaction.
const MAX_BATCH: usize = 64;

impl Writer {
    /// Moves `db` to a new writer thread and returns the handle that sends
    /// it work; `health` hears whether the last commit worked.
    pub fn start(mut db: Db, health: Arc<Health>) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("ambito-forms-writer".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => jobs.push(job),
                            Err(_) => break,
                        }
                    }
                    let batch: Vec<NewSubmission> =
                        jobs.iter().map(|j| j.submission.clone()).collect();
                    match db.insert(&batch) {
                        Ok(inserted) => {
                            health.store_recovered();
                            for (job, outcome) in jobs.into_iter().zip(inserted) {
                                if let (Inserted::New(_), Some(files)) = (&outcome, job.files) {
                                    files.keep();
                                }
                                let _ = job.reply.send(Ok(outcome));
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot store submissions");
                            health.store_failed(&e.to_string());
                            let e = Arc::new(e);
                            for job in jobs {
                                let _ = job.reply.send(Err(WriteError::Store(Arc::clone(&e))));
                            }
                        }
                    }
                }
            })
            .expect("spawn writer thread");
        Writer { tx }
    }

    /// Stores a submission with the folder of its files; returns once it
    /// is committed to disk.
    pub async fn insert(
        &self,
        submission: NewSubmission,
        files: Option<PostDir>,
    ) -> Result<Inserted, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                submission,
                files,
                reply,
            })
            .map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }
}

//! The single writer: one thread owns the connection that stores
//! submissions. Requests that arrive together are committed together, in
//! one transaction and one disk flush, and each request is answered only
//! after that commit.

use crate::store::{Db, NewSubmission, Protocol};
use std::sync::mpsc;
use tokio::sync::oneshot;

struct Job {
    submission: NewSubmission,
    reply: oneshot::Sender<Result<Protocol, String>>,
}

/// A handle to the writer thread.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The most submissions committed in one transaction.
const MAX_BATCH: usize = 64;

impl Writer {
    /// Moves `db` to a new writer thread and returns the handle that sends it work.
    pub fn start(mut db: Db) -> Writer {
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
                        Ok(protocols) => {
                            for (job, p) in jobs.into_iter().zip(protocols) {
                                let _ = job.reply.send(Ok(p));
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot store submissions");
                            for job in jobs {
                                let _ = job.reply.send(Err(e.to_string()));
                            }
                        }
                    }
                }
            })
            .expect("spawn writer thread");
        Writer { tx }
    }

    /// Stores a submission; returns once it is committed to disk.
    pub async fn insert(&self, submission: NewSubmission) -> Result<Protocol, String> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { submission, reply })
            .map_err(|_| "the writer has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the writer has stopped".to_string())?
    }
}

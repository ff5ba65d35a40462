//! The outbox: delivers stored submissions by email, in the background.
//!
//! Every submission is already in the database when it reaches here, so a
//! crash or an SMTP outage only delays delivery. Each of the two emails is
//! marked as soon as the server accepts it, so a retry never sends it
//! twice; both carry a Message-ID derived from the protocol number, so even
//! a crash between sending and marking yields a duplicate that mail
//! clients recognise as the same message.
//!
//! It fails closed: when a mark cannot be written (a full disk), the
//! outbox remembers what it sent, stops sending and tries to write the
//! marks again with growing pauses; nothing is sent until they are
//! written. The receipt cap is read before each receipt, and a receipt is
//! never sent when the count cannot be read.

use crate::clock;
use crate::config::Config;
use crate::health::Health;
use crate::mail::{self, Transport};
use crate::store::{self, Db, Part, Status, Stored};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// What the worker needs.
pub struct Outbox {
    /// The submissions database, shared with the HTTP side.
    pub db: Arc<Mutex<Db>>,
    /// Where the emails are sent.
    pub transport: Transport,
    /// The service's settings: attempts, retry delays, receipt limit.
    pub config: Arc<Config>,
    /// Woken when a new submission is stored.
    pub wake: Arc<Notify>,
    /// Told when delivery pauses and resumes.
    pub health: Arc<Health>,
    /// The forms, for what each says happens after sending.
    pub forms: std::collections::HashMap<String, crate::forms::LoadedForm>,
}

/// How often an idle outbox looks for work it was not told about.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// The longest wait between attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// The first and the longest pause while marks cannot be written.
const PAUSE_FIRST: Duration = Duration::from_millis(500);
const PAUSE_MAX: Duration = Duration::from_secs(60);

/// Delay before attempt `attempts + 1`: `base × 2^attempts`, capped at an
/// hour, with ±25% jitter so that many queued messages do not all retry at
/// the same moment.
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX));
    exp.min(MAX_DELAY).mul_f64(0.75 + 0.5 * fastrand::f64())
}

/// A failure of the database as the outbox meets it.
#[derive(Debug, thiserror::Error)]
pub enum OutboxDbError {
    /// The query failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// Another thread panicked holding the connection.
    #[error("database lock poisoned")]
    Poisoned,
    /// The blocking task did not finish.
    #[error("database task: {0}")]
    Task(#[source] tokio::task::JoinError),
}

async fn with_db<T: Send + 'static>(
    db: &Arc<Mutex<Db>>,
    f: impl FnOnce(&mut Db) -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, OutboxDbError> {
    let db = Arc::clone(db);
    tokio::task::spawn_blocking(move || {
        let mut guard = db.lock().map_err(|_| OutboxDbError::Poisoned)?;
        f(&mut guard).map_err(OutboxDbError::from)
    })
    .await
    .map_err(OutboxDbError::Task)?
}

/// A write the outbox owes the database: what was sent and not recorded.
#[derive(Clone, Copy, Debug)]
enum Mark {
    /// One email accepted by the server, at this time.
    Part(i64, Part, i64),
    /// The whole submission delivered.
    Sent(i64),
}

/// Delivery stopped: a write failed, and what it owed is remembered.
#[derive(Debug)]
struct Paused;

/// The worker's own state between rounds.
#[derive(Default)]
struct Pending {
    /// Writes owed, in order.
    marks: Vec<Mark>,
    /// The current pause while writes fail.
    pause: Option<Duration>,
}

impl Outbox {
    /// Runs until the process ends.
    pub async fn run(self) {
        let mut pending = Pending::default();
        loop {
            if let Some(wait) = pending.pause {
                tokio::time::sleep(wait).await;
                if self.flush(&mut pending).await.is_err() {
                    continue;
                }
            }
            let now = clock::now_ms();
            let due = match with_db(&self.db, move |db| db.due(now, 50)).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: cannot read pending submissions");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            let mut stopped = false;
            for s in &due {
                if self.deliver(s, &mut pending).await.is_err() {
                    stopped = true;
                    break;
                }
            }
            if stopped || !due.is_empty() {
                continue;
            }
            // Sleep until the next retry is due, or at most IDLE_POLL: the
            // CLI (`ambito-forms retry`) changes the queue from another process.
            let next = with_db(&self.db, |db| db.next_due()).await.ok().flatten();
            let idle = IDLE_POLL.as_millis() as i64;
            let wait = next.map_or(IDLE_POLL, |at| {
                Duration::from_millis(at.saturating_sub(clock::now_ms()).clamp(0, idle) as u64)
            });
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Stops delivery: `why` is reported by the health check, and the next
    /// round waits longer than the last.
    fn pause(&self, pending: &mut Pending, why: &str) -> Paused {
        let next = pending
            .pause
            .map_or(PAUSE_FIRST, |p| p.saturating_mul(2).min(PAUSE_MAX));
        if pending.pause.is_none() {
            tracing::error!(
                error = why,
                "outbox: paused, cannot record deliveries; nothing is sent until they are recorded"
            );
        }
        pending.pause = Some(next);
        self.health.outbox_paused(&format!(
            "delivery paused: cannot record sent emails ({why})"
        ));
        Paused
    }

    /// Writes what is owed; resumes delivery when all is written.
    async fn flush(&self, pending: &mut Pending) -> Result<(), Paused> {
        while let Some(&mark) = pending.marks.first() {
            let written = with_db(&self.db, move |db| match mark {
                Mark::Part(id, part, at) => db.mark_part_sent(id, part, at),
                Mark::Sent(id) => db.mark_sent(id),
            })
            .await;
            match written {
                Ok(()) => {
                    pending.marks.remove(0);
                }
                Err(e) => return Err(self.pause(pending, &e.to_string())),
            }
        }
        if pending.pause.take().is_some() {
            tracing::info!("outbox: deliveries recorded again, sending resumes");
            self.health.outbox_resumed();
        }
        Ok(())
    }

    /// Records `mark` now, or remembers it and pauses.
    async fn record(&self, pending: &mut Pending, mark: Mark) -> Result<(), Paused> {
        pending.marks.push(mark);
        self.flush(pending).await
    }

    async fn send(
        &self,
        s: &Stored,
        part: Part,
        refused_for_size: bool,
    ) -> Result<(), mail::SendError> {
        let [district_file, receipt_file] =
            mail::eml_files(&self.config.mail_dir, s.protocol.as_str());
        let (message, file) = match part {
            Part::District => (
                Some(mail::district_message(&self.config, s, refused_for_size)),
                district_file,
            ),
            Part::Receipt => {
                let next = self
                    .forms
                    .get(&s.form_id)
                    .and_then(|f| f.definition.call.as_ref())
                    .and_then(|c| c.next.as_deref());
                (mail::receipt_message(&self.config, s, next), receipt_file)
            }
        };
        match message {
            None => Ok(()),
            Some(Err(e)) => Err(mail::SendError {
                message: e.to_string(),
                permanent: true,
                too_big: false,
            }),
            Some(Ok(m)) => self.transport.send(m, &file).await,
        }
    }

    /// Sends the district's email; refused for good for its size with files
    /// attached, sends it again without them (saying how to fetch them).
    async fn send_district(&self, s: &Stored) -> Result<(), mail::SendError> {
        match self.send(s, Part::District, false).await {
            Err(e) if e.too_big && !s.files.is_empty() => {
                tracing::warn!(protocol = %s.protocol, error = %e.message, "outbox: district email refused for its size; sending it without the files");
                self.send(s, Part::District, true).await
            }
            other => other,
        }
    }

    /// Whether the sender's address already had its receipts for today:
    /// the receipt goes to an address nobody verified, so it must not be
    /// a way to send the district's mail to a stranger over and over.
    async fn receipt_cap_reached(&self, s: &Stored) -> Result<bool, OutboxDbError> {
        let Some(address) = s.sender.clone() else {
            return Ok(false);
        };
        let max = self.config.receipts_per_day;
        let since = clock::now() - 86_400;
        let n = with_db(&self.db, move |db| db.receipts_sent_to(&address, since)).await?;
        Ok(n >= max)
    }

    async fn deliver(&self, s: &Stored, pending: &mut Pending) -> Result<(), Paused> {
        let id = s.id;
        if s.district_sent_at.is_none() {
            match self.send_district(s).await {
                Ok(()) => {
                    self.record(pending, Mark::Part(id, Part::District, clock::now()))
                        .await?;
                }
                Err(e) => {
                    return self
                        .failed(
                            s,
                            &format!("email alla Zona Distretto: {}", e.message),
                            pending,
                        )
                        .await
                }
            }
        }
        if s.receipt_sent_at.is_none() {
            let capped = match self.receipt_cap_reached(s).await {
                Ok(capped) => capped,
                // Without the count, no receipt: fail closed.
                Err(e) => return Err(self.pause(pending, &e.to_string())),
            };
            if capped {
                tracing::warn!(protocol = %s.protocol, "outbox: receipt not sent, this address had its receipts for today");
            } else {
                match self.send(s, Part::Receipt, false).await {
                    Ok(()) => {
                        self.record(pending, Mark::Part(id, Part::Receipt, clock::now()))
                            .await?;
                    }
                    // The district has the submission; a receipt refused for good
                    // (a mistyped address) is noted, not retried forever.
                    Err(e) if e.permanent => {
                        tracing::warn!(protocol = %s.protocol, error = %e.message, "outbox: receipt refused by the server");
                    }
                    Err(e) => {
                        return self
                            .failed(s, &format!("ricevuta al mittente: {}", e.message), pending)
                            .await
                    }
                }
            }
        }
        self.record(pending, Mark::Sent(id)).await?;
        tracing::info!(protocol = %s.protocol, "outbox: delivered");
        Ok(())
    }

    async fn failed(&self, s: &Stored, error: &str, pending: &mut Pending) -> Result<(), Paused> {
        let next = clock::now_ms() + backoff(self.config.retry_base, s.attempts).as_millis() as i64;
        let (id, max, err) = (s.id, self.config.max_attempts, error.to_string());
        match with_db(&self.db, move |db| {
            db.mark_attempt_failed(id, &err, next, max)
        })
        .await
        {
            Ok(Status::Failed) => tracing::error!(
                protocol = %s.protocol,
                attempts = s.attempts + 1,
                error,
                "outbox: delivery failed for good; the submission is kept (ambito-forms retry {})",
                s.protocol
            ),
            Ok(_) => {
                tracing::warn!(protocol = %s.protocol, attempt = s.attempts + 1, error, "outbox: delivery failed, will retry");
            }
            // Unrecorded, the submission would be due again at once:
            // pause rather than try again in a loop.
            Err(e) => return Err(self.pause(pending, &e.to_string())),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let base = Duration::from_secs(30);
        for attempts in 0..6 {
            let d = backoff(base, attempts).as_secs_f64();
            let nominal = (30.0 * 2f64.powi(attempts as i32)).min(3600.0);
            assert!(
                d >= nominal * 0.75 - 1e-9 && d <= nominal * 1.25 + 1e-9,
                "{attempts}: {d}"
            );
        }
        assert!(backoff(base, 40) <= MAX_DELAY.mul_f64(1.25));
    }
}

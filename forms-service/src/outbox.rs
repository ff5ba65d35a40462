//! The outbox: delivers stored submissions by email, in the background.
//!
//! Every submission is already in the database when it reaches here, so a
//! crash or an SMTP outage only delays delivery. Each of the two emails is
//! marked as soon as the server accepts it, so a retry never sends it
//! twice; both carry a Message-ID derived from the protocol number, so even
//! a crash between sending and marking yields a duplicate that mail
//! clients recognise as the same message.

use crate::config::Config;
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
}

/// How often an idle outbox looks for work it was not told about.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// The longest wait between attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// Delay before attempt `attempts + 1`: `base × 2^attempts`, capped at an
/// hour, with ±25% jitter so that many queued messages do not all retry at
/// the same moment.
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX));
    exp.min(MAX_DELAY).mul_f64(0.75 + 0.5 * fastrand::f64())
}

async fn with_db<T: Send + 'static>(
    db: &Arc<Mutex<Db>>,
    f: impl FnOnce(&mut Db) -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, String> {
    let db = Arc::clone(db);
    tokio::task::spawn_blocking(move || {
        let mut guard = db
            .lock()
            .map_err(|_| "database lock poisoned".to_string())?;
        f(&mut guard).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

impl Outbox {
    /// Runs until the process ends.
    pub async fn run(self) {
        loop {
            let now = store::now_ms();
            let due = match with_db(&self.db, move |db| db.due(now, 50)).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: cannot read pending submissions");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            for s in &due {
                self.deliver(s).await;
            }
            if !due.is_empty() {
                continue;
            }
            // Sleep until the next retry is due, or at most IDLE_POLL: the
            // CLI (`ambito-forms retry`) changes the queue from another process.
            let next = with_db(&self.db, |db| db.next_due()).await.ok().flatten();
            let idle = IDLE_POLL.as_millis() as i64;
            let wait = next.map_or(IDLE_POLL, |at| {
                Duration::from_millis(at.saturating_sub(store::now_ms()).clamp(0, idle) as u64)
            });
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn send(&self, s: &Stored, part: Part) -> Result<(), mail::SendError> {
        let [district_file, receipt_file] =
            mail::eml_files(&self.config.mail_dir, s.protocol.as_str());
        let (message, file) = match part {
            Part::District => (Some(mail::district_message(&self.config, s)), district_file),
            Part::Receipt => (mail::receipt_message(&self.config, s), receipt_file),
        };
        match message {
            None => Ok(()),
            Some(Err(e)) => Err(mail::SendError {
                message: e,
                permanent: true,
            }),
            Some(Ok(m)) => self.transport.send(m, &file).await,
        }
    }

    /// Whether the sender's address already had its receipts for today:
    /// the receipt goes to an address nobody verified, so it must not be
    /// a way to send the district's mail to a stranger over and over.
    async fn receipt_cap_reached(&self, s: &Stored) -> bool {
        let Some(address) = s.sender.clone() else {
            return false;
        };
        let max = self.config.receipts_per_day;
        let since = store::now() - 86_400;
        match with_db(&self.db, move |db| db.receipts_sent_to(&address, since)).await {
            Ok(n) => n >= max,
            Err(e) => {
                tracing::error!(protocol = %s.protocol, error = %e, "outbox: cannot count receipts");
                false
            }
        }
    }

    async fn deliver(&self, s: &Stored) {
        let id = s.id;
        if s.district_sent_at.is_none() {
            match self.send(s, Part::District).await {
                Ok(()) => {
                    if let Err(e) = with_db(&self.db, move |db| {
                        db.mark_part_sent(id, Part::District, store::now())
                    })
                    .await
                    {
                        tracing::error!(protocol = %s.protocol, error = %e, "outbox: sent but not recorded");
                    }
                }
                Err(e) => {
                    return self
                        .failed(s, &format!("email alla Zona Distretto: {}", e.message))
                        .await
                }
            }
        }
        if s.receipt_sent_at.is_none() && self.receipt_cap_reached(s).await {
            tracing::warn!(protocol = %s.protocol, "outbox: receipt not sent, this address had its receipts for today");
        } else if s.receipt_sent_at.is_none() {
            match self.send(s, Part::Receipt).await {
                Ok(()) => {
                    let _ = with_db(&self.db, move |db| {
                        db.mark_part_sent(id, Part::Receipt, store::now())
                    })
                    .await;
                }
                // The district has the submission; a receipt refused for good
                // (a mistyped address) is noted, not retried forever.
                Err(e) if e.permanent => {
                    tracing::warn!(protocol = %s.protocol, error = %e.message, "outbox: receipt refused by the server");
                }
                Err(e) => {
                    return self
                        .failed(s, &format!("ricevuta al mittente: {}", e.message))
                        .await
                }
            }
        }
        match with_db(&self.db, move |db| db.mark_sent(id)).await {
            Ok(()) => tracing::info!(protocol = %s.protocol, "outbox: delivered"),
            Err(e) => {
                tracing::error!(protocol = %s.protocol, error = %e, "outbox: delivered but not recorded");
            }
        }
    }

    async fn failed(&self, s: &Stored, error: &str) {
        let next = store::now_ms() + backoff(self.config.retry_base, s.attempts).as_millis() as i64;
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
            Err(e) => {
                tracing::error!(protocol = %s.protocol, error = %e, "outbox: cannot record a failed attempt");
            }
        }
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

//! What the health check reports besides the database answering: whether
//! the service can store a post now, and whether the outbox is delivering.
//! The writer and the outbox tell it what they find; `/healthz` answers
//! 503 with the reason while either has a problem, so that monitoring sees
//! what senders would see.

use std::sync::Mutex;

/// The service's known problems, by part.
#[derive(Debug, Default)]
pub struct Health {
    store: Mutex<Option<String>>,
    outbox: Mutex<Option<String>>,
}

fn set(slot: &Mutex<Option<String>>, value: Option<String>) {
    if let Ok(mut s) = slot.lock() {
        *s = value;
    }
}

fn get(slot: &Mutex<Option<String>>) -> Option<String> {
    slot.lock().ok().and_then(|s| s.clone())
}

impl Health {
    /// A post could not be stored (the database or its files).
    pub fn store_failed(&self, why: &str) {
        set(&self.store, Some(why.to_string()));
    }

    /// A post was stored, or a test write worked: storing works again.
    pub fn store_recovered(&self) {
        set(&self.store, None);
    }

    /// Why posts cannot be stored now, if they cannot.
    pub fn store_problem(&self) -> Option<String> {
        get(&self.store)
    }

    /// The outbox stopped sending because it cannot record what it sent.
    pub fn outbox_paused(&self, why: &str) {
        set(&self.outbox, Some(why.to_string()));
    }

    /// The outbox records and sends again.
    pub fn outbox_resumed(&self) {
        set(&self.outbox, None);
    }

    /// Why the outbox is paused, if it is.
    pub fn outbox_problem(&self) -> Option<String> {
        get(&self.outbox)
    }
}

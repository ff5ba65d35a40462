//! ambito-forms: receives the site's expressions of interest, stores each
//! one durably (SQLite) before answering, and delivers it by email to the
//! Zona Distretto with a receipt to the sender (an outbox that survives
//! SMTP outages and restarts).

pub mod app;
pub mod config;
pub mod export;
pub mod forms;
pub mod headers;
pub mod health;
pub mod http;
pub mod input;
pub mod mail;
pub mod multipart_guard;
pub mod outbox;
pub mod pages;
pub mod proxy;
pub mod ratelimit;
pub mod refusal;
pub mod retention;
pub mod store;
pub mod token;
pub mod upload;
pub mod writer;

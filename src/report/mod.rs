//! How problems are told: positioned diagnostics, the message catalogue
//! (Italian and English side by side) and the summaries of problems a
//! migrated site repeats on every page.

pub mod diagnostic;
pub mod messages;
pub mod migration;

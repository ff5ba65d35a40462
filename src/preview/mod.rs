//! `ambito serve`: the staff preview, and its quick path for body edits.

pub mod incremental;
pub mod serve;

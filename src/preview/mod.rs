//! `ambito serve`: the staff preview, its quick path for body edits, and
//! the search index it keeps up to date behind them.

pub mod incremental;
pub mod reindex;
pub mod serve;

//! Text as citizens read it and as staff write it: dates, Italian
//! numbers, HTML escaping, slugs and Markdown.

pub mod date;
pub mod escape;
pub mod italian;
#[cfg(feature = "generator")]
pub mod markdown;
#[cfg(feature = "generator")]
pub mod paths;
#[cfg(feature = "generator")]
pub mod slug;

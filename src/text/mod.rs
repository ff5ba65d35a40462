//! Text as citizens read it and as staff write it: dates, Italian
//! numbers, HTML escaping, slugs and Markdown.

pub mod date;
pub use ambito_form::escape;
pub mod italian;
pub mod markdown;
pub mod paths;
pub mod slug;

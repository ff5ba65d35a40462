//! Text as citizens read it and as staff write it: dates, Italian
//! numbers, HTML escaping, slugs, Markdown, and minified stylesheets and
//! scripts.

pub mod date;
pub use ambito_form::escape;
pub mod italian;
pub mod markdown;
pub mod minify;
pub mod paths;
pub mod slug;

//! ambito: the static site generator of the Zona Distretto Valle del
//! Serchio's public site.
//!
//! The folders are the pipeline, in the order data flows through it; each
//! depends only on the folders before it (`scripts/check-stages` keeps it
//! so):
//!
//! 1. [`report`]: diagnostics and the message catalogue, used by every stage;
//! 2. [`text`]: dates, Italian numbers, escaping, slugs, Markdown;
//! 3. [`frontmatter`]: YAML and TOML front matter, with positions;
//! 4. [`schema`]: `site.yaml` and the section schemas pages are checked against;
//! 5. [`load`]: files → pages (`content/`, static files, git dates);
//! 6. [`resolve`]: URLs, references, taxonomies, forms, feeds, output paths;
//! 7. [`render`]: Tera templates, contexts, open data, search, link check;
//! 8. [`write`]: the output folder, replaced atomically;
//! 9. [`preview`]: `ambito serve` and its quick path;
//! 10. [`cms`]: the web editor (`serve --admin`, `ambito cms`);
//! 11. [`cli`]: what only the command line needs.
//!
//! [`form`] (the form definition both programs share) sits beside them.
//! Problems are collected as [`Diagnostic`]s and reported together; nothing
//! is written unless everything succeeded.

pub mod report;
pub mod text;

/// The form definition, checks and HTML, shared with the forms service
/// (the `ambito-form` crate).
pub use ambito_form as form;

pub mod frontmatter;
pub mod schema;

pub mod load;
pub mod render;
pub mod resolve;
pub mod write;

pub mod cli;
pub mod cms;
pub mod preview;

mod pipeline;
pub use pipeline::{build, prepare, BuildError, BuildOptions, BuildReport, Prepared};
pub use report::diagnostic::Diagnostic;

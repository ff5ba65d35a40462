//! ambito: the static site generator of the Zona Distretto Valle del
//! Serchio's public site.
//!
//! The pipeline runs in one direction: **load** (`content`: files →
//! pages, front matter checked against `schema`) → **resolve** (`site`: URLs,
//! references, links) → **render** (`markdown`, `render`) → **write**
//! (`output`, `site_files`). Problems are collected as [`Diagnostic`]s and
//! reported together; nothing is written unless everything succeeded.

pub mod date;
pub mod escape;
pub mod form;
pub mod italian;
pub mod messages;

#[cfg(feature = "generator")]
pub mod config;
#[cfg(feature = "generator")]
pub mod content;
#[cfg(feature = "generator")]
pub mod context;
#[cfg(feature = "generator")]
pub mod diagnostic;
#[cfg(feature = "generator")]
pub mod feed;
#[cfg(feature = "generator")]
pub mod form_spec;
#[cfg(feature = "generator")]
pub mod forms;
#[cfg(feature = "generator")]
pub mod front_matter;
#[cfg(feature = "generator")]
pub mod git_dates;
#[cfg(feature = "generator")]
pub mod incremental;
#[cfg(feature = "generator")]
pub mod leftovers;
#[cfg(feature = "generator")]
pub mod links;
#[cfg(feature = "generator")]
pub mod markdown;
#[cfg(feature = "generator")]
pub mod migration;
#[cfg(feature = "generator")]
pub mod new_page;
#[cfg(feature = "generator")]
pub mod open_data;
#[cfg(feature = "generator")]
pub mod output;
#[cfg(feature = "generator")]
pub mod output_target;
#[cfg(feature = "generator")]
pub mod outputs;
#[cfg(feature = "generator")]
pub mod readiness;
#[cfg(feature = "generator")]
pub mod render;
#[cfg(feature = "generator")]
pub mod schema;
#[cfg(feature = "generator")]
pub mod search;
#[cfg(feature = "generator")]
pub mod serve;
#[cfg(feature = "generator")]
pub mod site;
#[cfg(feature = "generator")]
pub mod site_files;
#[cfg(feature = "generator")]
pub mod slug;
#[cfg(feature = "generator")]
pub mod taxonomy;
#[cfg(feature = "generator")]
pub mod template_cycles;
#[cfg(feature = "generator")]
pub mod toml_front_matter;
#[cfg(feature = "generator")]
pub mod value;
#[cfg(feature = "generator")]
pub mod yaml;

#[cfg(feature = "generator")]
mod pipeline;
#[cfg(feature = "generator")]
pub use diagnostic::Diagnostic;
#[cfg(feature = "generator")]
pub use pipeline::{build, prepare, BuildError, BuildOptions, BuildReport, Prepared};

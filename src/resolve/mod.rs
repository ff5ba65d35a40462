//! From loaded pages to a site: URLs, sections, references, taxonomies,
//! compiled forms, feeds, every output path and its owner, and whether
//! the site is ready to publish.

pub mod feeds;
pub mod forms;
pub mod outputs;
pub mod readiness;
pub mod site;

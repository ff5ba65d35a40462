//! What a site may contain: `site.yaml`, the section schemas pages are
//! checked against, typed front matter values and form definitions.

pub mod config;
pub mod form_spec;
pub mod sections;
pub mod value;

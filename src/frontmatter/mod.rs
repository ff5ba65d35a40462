//! Front matter: YAML (and Hugo's TOML) read into one positioned tree,
//! the fields every page has, and what other generators leave in a body.

pub mod front_matter;
pub mod leftovers;
pub mod toml;
pub mod yaml;

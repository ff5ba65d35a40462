//! Writing the output folder: where a build may write, and the staged,
//! all-or-nothing replacement of the published site.

pub mod output;
pub mod output_target;

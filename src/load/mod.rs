//! Reading the project folder: `content/` into pages, the static files of
//! site and theme, and each page's last-change date from git.

pub mod content;
pub mod git_dates;
pub mod site_files;

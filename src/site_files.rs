//! The static files of the theme and the site, copied as they are.

use crate::diagnostic::{shown_path, Diagnostic};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A static file to copy: its source and its path in the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The file to copy.
    pub from: PathBuf,
    /// Its path in the output.
    pub to: String,
    /// Path shown to staff, relative to the site root.
    pub shown: PathBuf,
}

/// Lists files in the theme's `static/` and then the site's `static/`; a
/// site file replaces a theme file with the same path.
pub fn static_files(root: &Path, theme: Option<&str>) -> Result<Vec<StaticFile>, Diagnostic> {
    let mut dirs = Vec::new();
    if let Some(t) = theme {
        dirs.push(root.join("themes").join(t).join("static"));
    }
    dirs.push(root.join("static"));
    let mut files: std::collections::BTreeMap<String, StaticFile> = Default::default();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Diagnostic::file(shown_path(root, dir), format!("cannot read: {e}"))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let to = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let shown = shown_path(root, entry.path());
            files.insert(
                to.clone(),
                StaticFile {
                    from: entry.path().to_path_buf(),
                    to,
                    shown,
                },
            );
        }
    }
    Ok(files.into_values().collect())
}

//! The static files of the theme and the site, copied as they are.

use crate::report::diagnostic::{shown_path, Diagnostic};
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
                Diagnostic::file(
                    shown_path(root, dir),
                    crate::msg!(CANNOT_READ, detail = e.to_string()),
                )
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

/// Stylesheets and scripts get a second name with a hash of their content
/// (`css/serchio.css` → `css/serchio.1a2b3c4d.css`), which templates link
/// through `asset(path=…)`: a web server may then cache them for a year,
/// since any change gives a new name. Static file path → fingerprinted path.
pub fn fingerprints(
    statics: &[StaticFile],
) -> Result<std::collections::BTreeMap<String, String>, Diagnostic> {
    let mut out = std::collections::BTreeMap::new();
    for file in statics {
        let Some((stem, ext)) = file.to.rsplit_once('.') else {
            continue;
        };
        if ext != "css" && ext != "js" {
            continue;
        }
        let bytes = std::fs::read(&file.from).map_err(|e| {
            Diagnostic::file(
                &file.shown,
                crate::msg!(CANNOT_READ, detail = e.to_string()),
            )
        })?;
        // Named after what is published there: the minified file.
        let published = crate::text::minify::asset(&file.to, &bytes);
        out.insert(
            file.to.clone(),
            format!("{stem}.{:08x}.{ext}", content_hash(&published)),
        );
    }
    Ok(out)
}

/// FNV-1a, folded to 32 bits: stable across builds and toolchains (unlike
/// std's hasher), and enough to tell versions of a file apart. Not a
/// security hash.
fn content_hash(bytes: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    #[allow(clippy::cast_possible_truncation)] // folding on purpose
    let folded = (h ^ (h >> 32)) as u32;
    folded
}

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn the_content_hash_is_stable_and_tells_contents_apart() {
        // Pinned (FNV-1a 64 of "" and "a", folded): a change of algorithm
        // would silently rename every asset.
        assert_eq!(content_hash(b""), 0x4fd0_bfc1);
        assert_eq!(content_hash(b"a"), 0x2962_30c0);
        assert_ne!(content_hash(b"body{}"), content_hash(b"body{ }"));
    }
}

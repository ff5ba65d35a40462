//! Where `ambito build --output` may write. A build replaces its output
//! folder whole, so a folder that holds anything else is refused before
//! anything is touched: the site itself (or a folder above it), one of its
//! source folders, a file, or a folder of files ambito did not write.
//! Every output ambito writes holds a [`MARKER`] file, so that the next
//! build knows the folder is its own.

use crate::msg;
use crate::report::messages::Message;
use std::path::{Component, Path, PathBuf};

/// The file every build writes at the top of its output: a folder that has
/// it was written by ambito, and may be replaced.
pub const MARKER: &str = ".ambito";

/// What [`MARKER`] says to whoever opens it.
pub const MARKER_TEXT: &str = "Questa cartella è scritta da «ambito build»: a ogni costruzione il suo contenuto viene sostituito.\nThis folder is written by `ambito build`: every build replaces what it holds.\n";

/// The folders of a site that hold its sources.
const SOURCE_FOLDERS: [&str; 4] = ["content", "themes", "static", "templates"];

/// Why an output folder is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The output is the site's folder, or a folder above it.
    HoldsTheSite {
        /// The output, as given.
        output: PathBuf,
    },
    /// The output is, or is inside, one of the site's source folders.
    InSources {
        /// The output, as given.
        output: PathBuf,
        /// The source folder (`content`).
        folder: &'static str,
    },
    /// The output exists and is not a folder.
    NotAFolder {
        /// The output, as given.
        output: PathBuf,
    },
    /// The output is a folder with files ambito did not write.
    NotOurs {
        /// The output, as given.
        output: PathBuf,
    },
}

impl Refused {
    /// What is wrong and what to do, as a catalogue message.
    pub fn message(&self) -> Message {
        let shown = |p: &Path| p.display().to_string();
        match self {
            Refused::HoldsTheSite { output } => msg!(OUTPUT_HOLDS_SITE, output = shown(output)),
            Refused::InSources { output, folder } => {
                msg!(OUTPUT_IN_SOURCES, output = shown(output), folder = *folder)
            }
            Refused::NotAFolder { output } => msg!(OUTPUT_NOT_A_FOLDER, output = shown(output)),
            Refused::NotOurs { output } => msg!(OUTPUT_NOT_OURS, output = shown(output)),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Refused {}

/// Checks that the site at `root` may be built into `output`.
pub fn check(root: &Path, output: &Path) -> Result<(), Refused> {
    let site = resolved(root);
    let out = resolved(output);
    if site.starts_with(&out) {
        return Err(Refused::HoldsTheSite {
            output: output.to_path_buf(),
        });
    }
    if let Some(folder) = SOURCE_FOLDERS
        .into_iter()
        .find(|f| out.starts_with(site.join(f)))
    {
        return Err(Refused::InSources {
            output: output.to_path_buf(),
            folder,
        });
    }
    let Ok(meta) = std::fs::metadata(&out) else {
        // Not there yet: the build makes it.
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(Refused::NotAFolder {
            output: output.to_path_buf(),
        });
    }
    let empty = std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_none());
    if empty || out.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(Refused::NotOurs {
            output: output.to_path_buf(),
        })
    }
}

/// `path` made absolute with every link followed, as far as it exists;
/// the rest (not created yet) appended. Where the path does not exist,
/// `..` is taken lexically.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = std::fs::canonicalize(&absolute) {
        return real;
    }
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut existing = lexical.as_path();
    while let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) {
        rest.push(name.to_os_string());
        existing = parent;
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, n| p.join(n));
        }
    }
    lexical
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_below_a_missing_one_is_resolved_lexically() {
        let tmp = tempfile::tempdir().expect("tmp");
        let real = std::fs::canonicalize(tmp.path()).expect("canonical");
        let p = tmp.path().join("a/b/../c");
        assert_eq!(resolved(&p), real.join("a/c"));
    }
}

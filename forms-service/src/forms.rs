//! The forms the service answers for: the compiled definitions and page
//! shells the generator wrote into the built site.

use ambito_form::FormDefinition;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the built site's forms could not be loaded; each names the file or
/// folder at fault.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A folder of the built site could not be listed.
    #[error("{path}: cannot read the folder: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A `*.form.json` could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A `*.form.json` is not JSON of a form definition.
    #[error("{path}: not a form definition: {source}")]
    NotADefinition {
        /// The file.
        path: PathBuf,
        /// Where and why the JSON did not fit.
        #[source]
        source: serde_json::Error,
    },
    /// A definition that reads but does not hold together (its own check,
    /// shared with the generator, says what).
    #[error("{path}: {source}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What the definition's check found.
        #[source]
        source: ambito_form::DefinitionError,
    },
    /// Two definitions claim one form id.
    #[error("{path}: a second form with id `{id}`")]
    SecondId {
        /// The second file with that id.
        path: PathBuf,
        /// The id.
        id: String,
    },
    /// The folder holds no definition at all.
    #[error(
        "{path}: no form definitions (*.form.json) found: build the site first (ambito build)"
    )]
    NoForms {
        /// The folder searched.
        path: PathBuf,
    },
}

/// A form the service answers for: its definition and, when the generator
/// wrote one, the site's page shell for the service's own pages. Cheap to
/// clone: an answer carries its form with it.
#[derive(Clone, Debug)]
pub struct LoadedForm {
    /// The compiled definition, from the form's `*.form.json`.
    pub definition: Arc<FormDefinition>,
    /// The page shell from `*.shell.html`, if the generator wrote one.
    pub shell: Option<Arc<str>>,
}

/// Loads every compiled form definition (`*.form.json`, written by the
/// generator beside the form's page) found under `dir`, with its shell
/// (`*.shell.html`) when there is one.
pub fn load_forms(dir: &Path) -> Result<HashMap<String, LoadedForm>, LoadError> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(source) => return Err(LoadError::Folder { path: d, source }),
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(".form.json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let mut forms = HashMap::new();
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(source) => return Err(LoadError::Read { path, source }),
        };
        let def: FormDefinition = match serde_json::from_str(&text) {
            Ok(def) => def,
            Err(source) => return Err(LoadError::NotADefinition { path, source }),
        };
        if let Err(source) = def.check() {
            return Err(LoadError::Invalid { path, source });
        }
        if forms.contains_key(&def.id) {
            return Err(LoadError::SecondId { path, id: def.id });
        }
        let shell_path = path.with_file_name(format!("{}.shell.html", def.id));
        let shell = std::fs::read_to_string(&shell_path).ok().map(Arc::from);
        forms.insert(
            def.id.clone(),
            LoadedForm {
                definition: Arc::new(def),
                shell,
            },
        );
    }
    if forms.is_empty() {
        return Err(LoadError::NoForms {
            path: dir.to_path_buf(),
        });
    }
    Ok(forms)
}

//! The forms the service answers for: the compiled definitions and page
//! shells the generator wrote into the built site.

use crate::app::StartError;
use ambito_form::FormDefinition;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

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
pub fn load_forms(dir: &Path) -> Result<HashMap<String, LoadedForm>, StartError> {
    let err = |path: &Path, message: String| StartError::Forms {
        path: path.to_path_buf(),
        message,
    };
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| err(&d, format!("cannot read the folder: {e}")))?;
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
        let text =
            std::fs::read_to_string(&path).map_err(|e| err(&path, format!("cannot read: {e}")))?;
        let def: FormDefinition = serde_json::from_str(&text)
            .map_err(|e| err(&path, format!("not a form definition: {e}")))?;
        def.check().map_err(|e| err(&path, e.to_string()))?;
        if forms.contains_key(&def.id) {
            return Err(err(&path, format!("a second form with id `{}`", def.id)));
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
        return Err(err(
            dir,
            "no form definitions (*.form.json) found: build the site first (ambito build)".into(),
        ));
    }
    Ok(forms)
}

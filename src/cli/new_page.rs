//! `ambito new SECTION NAME`: a new page whose front matter lists every
//! field its section's schema declares, required ones first, each with a
//! comment saying what it takes. Required fields are left empty, so that
//! `ambito check` then points at exactly what is left to fill in; optional
//! ones are written as comments, to uncomment when needed.

use crate::msg;
use crate::report::diagnostic::{hint, Diagnostic};
use crate::report::messages::Message;
use crate::schema::config::{FieldSpec, SiteConfig};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Why a page could not be created.
#[derive(Debug)]
pub enum NewPageError {
    /// The folder is not an ambito site, or its `site.yaml` cannot be read.
    Site(Diagnostic),
    /// The section does not exist.
    NoSection {
        /// As written.
        section: String,
        /// A "did you mean", or nothing.
        hint: Message,
    },
    /// The name cannot be a page's file name.
    BadName(String),
    /// A page with that name exists: it is never overwritten.
    Exists(PathBuf),
    /// Writing failed.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl NewPageError {
    /// What went wrong, as a catalogue message.
    pub fn message(&self) -> Message {
        match self {
            NewPageError::Site(d) => d.as_message(),
            NewPageError::NoSection { section, hint } => {
                msg!(NO_SUCH_SECTION, section = section, hint = hint)
            }
            NewPageError::BadName(name) => msg!(NEW_PAGE_BAD_NAME, name = name),
            NewPageError::Exists(path) => {
                msg!(NEW_PAGE_EXISTS, path = path.display().to_string())
            }
            NewPageError::Io { path, source } => msg!(
                CANNOT_WRITE,
                path = path.display().to_string(),
                detail = source.to_string()
            ),
        }
    }
}

/// Shown in the chosen language ([`crate::report::messages::language`]).
impl std::fmt::Display for NewPageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for NewPageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NewPageError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Writes `content/{section}/{name}.md` under `root`; returns its path,
/// relative to the root.
pub fn create(root: &Path, section: &str, name: &str) -> Result<PathBuf, NewPageError> {
    let config_path = root.join("site.yaml");
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        NewPageError::Site(Diagnostic::file(
            "site.yaml",
            msg!(
                NOT_A_SITE_BECAUSE,
                root = root.display().to_string(),
                detail = e.to_string()
            ),
        ))
    })?;
    let config = SiteConfig::parse(&text, Path::new("site.yaml")).map_err(NewPageError::Site)?;
    let section = section.trim_matches('/');
    let dir = root.join("content").join(section);
    if section.is_empty() || !dir.is_dir() {
        let known: Vec<String> = list_sections(&root.join("content"));
        return Err(NewPageError::NoSection {
            section: section.to_string(),
            hint: hint(section, known.iter().map(String::as_str)),
        });
    }
    let name = name.trim_end_matches(".md");
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-');
    if !valid || name == "_index" || name == "index" {
        return Err(NewPageError::BadName(name.to_string()));
    }
    let rel = PathBuf::from("content")
        .join(section)
        .join(format!("{name}.md"));
    let path = root.join(&rel);
    let fields = config.sections.get(section).and_then(|s| s.fields.as_ref());
    let text = front_matter(fields);
    // `create_new`: never replace a page someone wrote.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(NewPageError::Exists(rel))
        }
        Err(source) => return Err(NewPageError::Io { path: rel, source }),
    };
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| NewPageError::Io {
        path: rel.clone(),
        source,
    })?;
    Ok(rel)
}

/// The sections under `content/`, as `comuni` or `servizi/minori`.
fn list_sections(content: &Path) -> Vec<String> {
    walkdir::WalkDir::new(content)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(content).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// The front matter of a new page of a section declaring `fields`.
fn front_matter(fields: Option<&std::collections::BTreeMap<String, FieldSpec>>) -> String {
    let mut out = String::from("---\n");
    out.push_str("title:        # obbligatorio: il titolo della pagina\n");
    out.push_str("description:  # una frase: la mostrano gli elenchi e i motori di ricerca\n");
    out.push_str(
        "# date: 2026-01-31      # data della pagina (per le notizie: quando è pubblicata)\n",
    );
    match fields {
        Some(fields) if !fields.is_empty() => {
            out.push_str("extra:\n");
            let (required, optional): (Vec<_>, Vec<_>) =
                fields.iter().partition(|(_, spec)| spec.required);
            for (name, spec) in required {
                let _ = writeln!(out, "  {name}:    # obbligatorio: {}", describe(spec));
            }
            for (name, spec) in optional {
                let _ = writeln!(out, "  # {name}:    # facoltativo: {}", describe(spec));
            }
        }
        _ => {}
    }
    out.push_str("---\n\nIl testo della pagina, in Markdown.\n");
    out
}

/// What a field takes, in the words of staff.
fn describe(spec: &FieldSpec) -> String {
    let item = |ty: &str| -> String {
        match ty {
            "string" => "una riga di testo".into(),
            "text" => "un testo, anche su più righe".into(),
            "integer" => "un numero intero".into(),
            "decimal" => "un numero, per esempio 1234.50".into(),
            "date" => "una data, per esempio 2022-07-21".into(),
            "bool" => "true oppure false".into(),
            "email" => "un indirizzo email".into(),
            "url" => "un indirizzo web che inizia con https://".into(),
            "reference" => format!(
                "il nome di una pagina della sezione «{}»",
                spec.section.as_ref().map_or("", |s| s.value.as_str())
            ),
            "form" => "un modulo (vedi il README)".into(),
            other => format!("«{other}»"),
        }
    };
    let mut text = if spec.ty.value == "list" {
        let of = spec.of.as_ref().map_or("string", |o| o.value.as_str());
        format!("un elenco [ ... ] di: {}", item(of))
    } else {
        item(&spec.ty.value)
    };
    if let Some(values) = &spec.values {
        let _ = write!(text, "; valori ammessi: {}", values.join(", "));
    }
    if let Some(note) = &spec.description {
        let _ = write!(text, " ({note})");
    }
    text
}

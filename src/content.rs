//! Loading `content/`: every `.md` file becomes a page (`_index.md` is its
//! folder's section page), with front matter parsed and `extra:` checked
//! against the section schema. Files are read and parsed in parallel.

use crate::diagnostic::{Diagnostic, Pos};
use crate::front_matter::{self, Meta};
use crate::markdown::{self, Scan};
use crate::schema::{self, RefUse, SectionSchemas};
use rayon::prelude::*;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A content file, parsed and checked on its own (before the site is known).
#[derive(Debug)]
pub struct SourcePage {
    /// Path shown to staff, relative to the site root (`content/comuni/barga.md`).
    pub file: PathBuf,
    /// Path under `content/`, as written in internal links (`comuni/barga.md`).
    pub path: String,
    /// Section key: the folder under `content/` (`comuni`; `` for the root).
    pub section: String,
    /// Whether this is a section page (`_index.md`).
    pub is_index: bool,
    pub meta: Meta,
    /// `extra:` fields as template values.
    pub extra: Map<String, Json>,
    pub refs: Vec<RefUse>,
    pub body: String,
    /// File line on which the body starts.
    pub body_line: u32,
    pub scan: Scan,
}

/// A content file found on disk, before reading it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub abs: PathBuf,
    pub file: PathBuf,
    pub path: String,
    pub section: String,
    pub is_index: bool,
}

/// Lists the Markdown files under `content_dir`, sorted, skipping hidden
/// files and folders (editor backups, `.git`).
pub fn discover(root: &Path, content_dir: &Path) -> Result<Vec<Entry>, Diagnostic> {
    let mut entries = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for item in walker {
        let item = item.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| content_dir.to_path_buf());
            Diagnostic::file(rel(root, &path), format!("cannot read: {e}"))
        })?;
        if !item.file_type().is_file() || item.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let abs = item.path().to_path_buf();
        let under = abs.strip_prefix(content_dir).unwrap_or(&abs);
        let path = under.to_string_lossy().replace('\\', "/");
        let section = under
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let is_index = item.file_name() == "_index.md";
        entries.push(Entry {
            file: rel(root, &abs),
            abs,
            path,
            section,
            is_index,
        });
    }
    Ok(entries)
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Finds the schema for a page: its own section's, else the nearest
/// enclosing section's that declares one.
fn schema_for<'a>(schemas: &'a BTreeMap<String, SectionSchemas>, entry: &Entry) -> Option<&'a schema::Schema> {
    let mut key = entry.section.as_str();
    loop {
        if let Some(s) = schemas.get(key) {
            let found = if entry.is_index { &s.index } else { &s.pages };
            if let Some(schema) = found {
                return Some(schema);
            }
            // A section that declares only page fields does not constrain
            // its own section page, and vice versa.
            return None;
        }
        if key.is_empty() {
            return None;
        }
        key = key.rfind('/').map_or("", |i| &key[..i]);
    }
}

/// Reads and checks every entry in parallel. Returns the pages that could
/// be read and every problem found.
pub fn load(entries: &[Entry], schemas: &BTreeMap<String, SectionSchemas>) -> (Vec<SourcePage>, Vec<Diagnostic>) {
    let results: Vec<Result<SourcePage, Vec<Diagnostic>>> =
        entries.par_iter().map(|e| load_one(e, schema_for(schemas, e))).collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => diags.extend(d),
        }
    }
    (pages, diags)
}

fn load_one(entry: &Entry, schema: Option<&schema::Schema>) -> Result<SourcePage, Vec<Diagnostic>> {
    let at = |pos: Pos, msg: String| Diagnostic::at(&entry.file, pos, msg);
    let bytes = std::fs::read(&entry.abs).map_err(|e| vec![Diagnostic::file(&entry.file, format!("cannot read: {e}"))])?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let pos = crate::diagnostic::line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
        vec![at(pos, "the file is not UTF-8 text: save it as UTF-8".to_string())]
    })?;
    let split = front_matter::split(&source).map_err(|p| vec![at(p.pos, p.message)])?;
    let meta = front_matter::parse(&split);
    let shift = split.yaml_line - 1;
    let (meta, mut diags) = match meta {
        Ok(meta) => (Some(meta), Vec::new()),
        Err(problems) => (None, problems.into_iter().map(|p| at(p.pos, p.message)).collect()),
    };
    let Some(meta) = meta else {
        return Err(diags);
    };
    let checked = schema::check(
        schema,
        meta.extra.as_ref(),
        split.yaml,
        shift,
        meta.extra_pos.unwrap_or(Pos::new(1, 1)),
    );
    diags.extend(checked.problems.into_iter().map(|(pos, msg)| at(pos, msg)));
    if entry.is_index && meta.slug.is_some() {
        let pos = meta.slug.as_ref().map_or(Pos::new(1, 1), |s| s.pos);
        diags.push(at(pos, "`slug` cannot be set on a section page: rename the folder instead".into()));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let body = split.body.to_string();
    let body_line = split.body_line;
    let scan = markdown::scan(&body);
    Ok(SourcePage {
        file: entry.file.clone(),
        path: entry.path.clone(),
        section: entry.section.clone(),
        is_index: entry.is_index,
        meta,
        extra: checked.extra,
        refs: checked.refs,
        body,
        body_line,
        scan,
    })
}

impl SourcePage {
    /// The file position of byte `offset` of the body.
    pub fn body_pos(&self, offset: usize) -> Pos {
        crate::diagnostic::line_col(&self.body, offset).below(self.body_line - 1)
    }
}

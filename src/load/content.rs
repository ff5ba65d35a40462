//! Loading `content/`: every `.md` (or `.markdown`) file becomes a page
//! (`_index.md` is its folder's section page), with front matter parsed and `extra:` checked
//! against the section schema. Files are read and parsed in parallel.

use crate::frontmatter::front_matter::{self, Meta, RefUse};
use crate::load::git_dates::History;
use crate::msg;
use crate::report::diagnostic::{shown_path, Diagnostic, Pos};
use crate::report::messages::Message;
use crate::schema::sections::{self as schema, SectionSchemas};
use crate::schema::value::Extra;
use crate::text::date::Date;
use crate::text::markdown::{self, Scan};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
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
    /// Whether this is a page bundle (`bando/index.md`: the page `/bando/`).
    pub is_bundle: bool,
    /// A bundle's files, copied beside its output.
    pub resources: Vec<Resource>,
    /// The common front-matter fields.
    pub meta: Meta,
    /// `extra:` fields, checked and typed.
    pub extra: Extra,
    /// References to other pages, resolved with the whole site.
    pub refs: Vec<RefUse>,
    /// File line on which the body starts.
    pub body_line: u32,
    /// When the file last changed: its last commit, when it is as
    /// committed, else its modification time.
    pub changed: Option<Date>,
    /// Where the body is: the body is not kept in memory between scanning
    /// and rendering (on a large site it is most of the memory used), but
    /// read again, and checked to be the file that was scanned.
    source: SourceFile,
    /// Headings, internal links and word count found in the body.
    pub scan: Scan,
    /// A digest of the front matter as written: the preview compares it to
    /// tell an edit of the body alone, which changes no other page.
    pub front_matter_digest: u64,
}

/// A content file found on disk, before reading it.
/// A content file on disk and what it looked like when loaded.
#[derive(Debug)]
struct SourceFile {
    abs: PathBuf,
    body_start: usize,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

#[derive(Debug, Clone)]
/// A content file found on disk, before reading it.
pub struct Entry {
    /// Absolute path, to read it.
    pub abs: PathBuf,
    /// Path shown to staff, relative to the site root.
    pub file: PathBuf,
    /// Path under `content/`, as internal links write it.
    pub path: String,
    /// Section key: the folder under `content/`.
    pub section: String,
    /// Whether this is a section page (`_index.md`).
    pub is_index: bool,
    /// For a page bundle's `index.md`: the files beside it.
    pub resources: Vec<Resource>,
}

/// A file of a page bundle (`content/bando/allegato.pdf` beside
/// `content/bando/index.md`), copied beside the page's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Absolute path, to copy it.
    pub abs: PathBuf,
    /// Path shown to staff.
    pub file: PathBuf,
    /// Path relative to the bundle's folder (`allegati/bando.pdf`), as
    /// the page links it and as it is written beside the page.
    pub rel: String,
}

use crate::text::paths::{markdown_stem, MARKDOWN_EXTENSIONS};

/// Lists the Markdown files under `content_dir`, sorted, skipping hidden
/// files and folders (editor backups, `.git`). A symbolic link to a
/// Markdown file is a page like the file; a link to a folder is not
/// followed, and said so. A folder that cannot be read is reported and
/// the walk goes on, so that every other problem is listed too.
///
/// A folder with an `index.md` is a page bundle, as in Hugo: that file is
/// one page (`content/bando/index.md` is `/bando/`, in the section above)
/// and every other file in the folder is one of its resources.
pub fn discover(root: &Path, content_dir: &Path) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut links: HashSet<PathBuf> = HashSet::new();
    let mut diags = Vec::new();
    if !content_dir.exists() {
        diags.push(Diagnostic::file("content", msg!(NO_CONTENT_FOLDER)));
        return (Vec::new(), diags);
    }
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for item in walker {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| content_dir.to_path_buf(), Path::to_path_buf);
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                diags.push(Diagnostic::file(
                    shown_path(root, &path),
                    msg!(CANNOT_READ, detail = why),
                ));
                continue;
            }
        };
        if item.path_is_symlink() {
            match std::fs::metadata(item.path()) {
                Ok(m) if m.is_dir() => {
                    diags.push(
                        Diagnostic::file(shown_path(root, item.path()), msg!(SYMLINK_FOLDER))
                            .warning(),
                    );
                    continue;
                }
                Ok(m) if m.is_file() => {
                    links.insert(item.path().to_path_buf());
                }
                Ok(_) => continue,
                Err(e) => {
                    diags.push(
                        Diagnostic::file(
                            shown_path(root, item.path()),
                            msg!(SYMLINK_UNREADABLE, detail = e.to_string()),
                        )
                        .warning(),
                    );
                    continue;
                }
            }
        } else if !item.file_type().is_file() {
            continue;
        }
        found.push(item.into_path());
    }
    // Bundle folders: those with an `index.md` (not `content/` itself).
    let bundles: HashSet<PathBuf> = found
        .iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(markdown_stem)
                == Some("index")
        })
        .filter_map(|p| p.parent())
        .filter(|dir| *dir != content_dir)
        .map(Path::to_path_buf)
        .collect();
    let bundle_of = |path: &Path| -> Option<PathBuf> {
        path.ancestors()
            .skip(1)
            .take_while(|a| *a != content_dir)
            .filter(|a| bundles.contains(*a))
            .last()
            .map(Path::to_path_buf)
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut resources: BTreeMap<PathBuf, Vec<Resource>> = BTreeMap::new();
    for abs_buf in found {
        let abs = abs_buf.as_path();
        let bundle = bundle_of(abs);
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let stem = markdown_stem(&name);
        // A bundle inside a bundle is not one: its files, `index.md`
        // included, belong to the outer bundle (as in Hugo).
        let is_bundle_index = stem == Some("index") && bundle.as_deref() == abs.parent();
        if let Some(dir) = bundle.filter(|_| !is_bundle_index) {
            // Markdown is never published as it is: a page in a folder
            // with an `index.md` would be copied raw, front matter and all.
            if stem.is_some() {
                let index = found_index(&dir);
                diags.push(Diagnostic::file(
                    shown_path(root, abs),
                    msg!(
                        MARKDOWN_IN_BUNDLE,
                        folder = shown_path(root, &dir).to_string_lossy().replace('\\', "/"),
                        index = index
                    ),
                ));
                continue;
            }
            // A bundle's file is published: a link out of content/ (to
            // /etc/passwd) would publish what was never meant to be.
            if links.contains(abs) && !inside(content_dir, abs) {
                diags.push(
                    Diagnostic::file(shown_path(root, abs), msg!(SYMLINK_OUT_OF_CONTENT)).warning(),
                );
                continue;
            }
            // `#`, `?` and `%` end or change an address: a file named so
            // could never be reached.
            let rel = abs.strip_prefix(&dir).unwrap_or(abs).to_string_lossy();
            if let Some(sign) = rel.chars().find(|c| matches!(c, '#' | '?' | '%')) {
                diags.push(Diagnostic::file(
                    shown_path(root, abs),
                    msg!(FILE_NAME_UNREACHABLE, sign = sign),
                ));
                continue;
            }
            let rel_path = abs.strip_prefix(&dir).unwrap_or(abs);
            resources.entry(dir).or_default().push(Resource {
                abs: abs.to_path_buf(),
                file: shown_path(root, abs),
                rel: rel_path.to_string_lossy().replace('\\', "/"),
            });
            continue;
        }
        let Some(stem) = stem else {
            // Hugo and Jekyll sites keep images beside pages: here only a
            // bundle's files are published, so say where they must go.
            // Under static/ with the same path it keeps its address.
            let under = abs
                .strip_prefix(content_dir)
                .unwrap_or(abs)
                .to_string_lossy()
                .replace('\\', "/");
            diags.push(
                Diagnostic::file(shown_path(root, abs), msg!(STRAY_FILE, path = under))
                    .warning()
                    .grouped(
                        crate::report::diagnostic::GroupKind::StrayFile,
                        extension(abs),
                    ),
            );
            continue;
        };
        let under = abs.strip_prefix(content_dir).unwrap_or(abs);
        let path = under.to_string_lossy().replace('\\', "/");
        // A bundle's page belongs to the section above its folder.
        let folder = if is_bundle_index {
            under.parent().and_then(Path::parent)
        } else {
            under.parent()
        };
        let section = folder
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let is_index = stem == "_index";
        let file = shown_path(root, abs);
        entries.push(Entry {
            file,
            abs: abs_buf,
            path,
            section,
            is_index,
            resources: Vec::new(),
        });
    }
    for entry in &mut entries {
        if let Some(dir) = entry.abs.parent() {
            if entry
                .abs
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(markdown_stem)
                == Some("index")
            {
                entry.resources = resources.remove(dir).unwrap_or_default();
            }
        }
    }
    (entries, diags)
}

/// The name of the `index` page of the bundle `dir` (`index.md`, or
/// `index.markdown`).
fn found_index(dir: &Path) -> String {
    MARKDOWN_EXTENSIONS
        .iter()
        .map(|ext| format!("index.{ext}"))
        .find(|name| dir.join(name).exists())
        .unwrap_or_else(|| "index.md".to_string())
}

/// Whether the file a link `abs` points to is inside `content_dir` (both
/// taken with every link followed).
fn inside(content_dir: &Path, abs: &Path) -> bool {
    match (
        std::fs::canonicalize(content_dir),
        std::fs::canonicalize(abs),
    ) {
        (Ok(dir), Ok(target)) => target.starts_with(dir),
        _ => false,
    }
}

/// Whether `entry` is a page bundle's `index.md`: any `index.md` below
/// `content/` is one.
fn is_bundle(entry: &Entry) -> bool {
    let mut parts = entry.path.rsplit('/');
    let name = parts.next().unwrap_or("");
    markdown_stem(name) == Some("index") && parts.next().is_some()
}

/// `.pdf`, `.jpg` (or the name, for a file without extension): how
/// stray files are grouped.
fn extension(path: &Path) -> String {
    path.extension().map_or_else(
        || {
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        },
        |e| format!(".{}", e.to_string_lossy()),
    )
}

/// Finds the schema for a page: its own section's, else the nearest
/// enclosing section's that declares one.
fn schema_for<'a>(
    schemas: &'a BTreeMap<String, SectionSchemas>,
    entry: &Entry,
) -> Option<&'a schema::Schema> {
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

/// What loading `content/` produced.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Pages whose front matter could be read (possibly with problems).
    pub pages: Vec<SourcePage>,
    /// Content paths of files that could not be read at all; links to them
    /// are not reported again as links to missing pages.
    pub unreadable: Vec<String>,
    /// Every problem found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and checks every entry in parallel. `taxonomies`: the names
/// declared in `site.yaml`, which pages may use as fields.
/// `history`: the commits of `content/`, for the pages' last changes.
/// `reserved_ids`: ids the theme's templates write, which headings avoid.
pub fn load(
    entries: &[Entry],
    schemas: &BTreeMap<String, SectionSchemas>,
    taxonomies: &[String],
    history: &History,
    reserved_ids: &[String],
) -> Loaded {
    let results: Vec<(Option<SourcePage>, Vec<Diagnostic>)> = entries
        .par_iter()
        .map(|e| load_one(e, schema_for(schemas, e), taxonomies, history, reserved_ids))
        .collect();
    let mut loaded = Loaded::default();
    for ((page, diags), entry) in results.into_iter().zip(entries) {
        match page {
            Some(p) => loaded.pages.push(p),
            None => loaded.unreadable.push(entry.path.clone()),
        }
        loaded.diagnostics.extend(diags);
    }
    loaded
}

fn load_one(
    entry: &Entry,
    schema: Option<&schema::Schema>,
    taxonomies: &[String],
    history: &History,
    reserved_ids: &[String],
) -> (Option<SourcePage>, Vec<Diagnostic>) {
    let at = |pos: Pos, msg: Message| Diagnostic::at(&entry.file, pos, msg);
    let (source, len, modified) = match read_stamped(&entry.abs) {
        Ok(read) => read,
        Err(e) => {
            return (
                None,
                vec![Diagnostic::file(
                    &entry.file,
                    msg!(CANNOT_READ, detail = crate::report::messages::io_detail(&e)),
                )],
            )
        }
    };
    let changed = history.date(&entry.path, &source).or_else(|| {
        let since = modified?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Date::from_unix(i64::try_from(since.as_secs()).ok()?, 0))
    });
    let source = match String::from_utf8(source) {
        Ok(s) => s,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let pos = crate::report::diagnostic::line_col(
                &String::from_utf8_lossy(&e.as_bytes()[..valid]),
                valid,
            );
            return (None, vec![at(pos, msg!(FILE_NOT_UTF8))]);
        }
    };
    let split = match front_matter::split(&source, &entry.file) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let (meta, mut diags) = front_matter::parse_with(&split, &entry.file, taxonomies);
    let Some(mut meta) = meta else {
        return (None, diags);
    };
    let checked = schema::check(
        schema,
        meta.extra.as_ref(),
        &split.yaml_source(&entry.file),
        meta.extra_pos.unwrap_or(Pos::new(1, 1)),
    );
    diags.extend(checked.problems);
    // Checked and converted: the spanned YAML tree is no longer needed.
    meta.extra = None;
    if entry.is_index {
        if let Some(slug) = &meta.slug {
            diags.push(at(slug.pos, msg!(SLUG_ON_SECTION)));
        }
    }
    diags.extend(crate::frontmatter::leftovers::find(
        &entry.file,
        split.body,
        split.body_line,
    ));
    let scan = markdown::scan_with(split.body, reserved_ids);
    let body_start = source.len() - split.body.len();
    let is_bundle = is_bundle(entry);
    if let (Some(pos), false) = (meta.headless, is_bundle) {
        diags.push(at(pos, msg!(HEADLESS_NOT_BUNDLE)));
    }
    let front_matter_digest = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        source[..body_start].hash(&mut h);
        h.finish()
    };
    let page = SourcePage {
        front_matter_digest,
        changed,
        file: entry.file.clone(),
        path: entry.path.clone(),
        section: entry.section.clone(),
        is_index: entry.is_index,
        is_bundle,
        resources: entry.resources.clone(),
        meta,
        extra: checked.extra,
        refs: checked.refs,
        body_line: split.body_line,
        source: SourceFile {
            abs: entry.abs.clone(),
            body_start,
            len,
            modified,
        },
        scan,
    };
    (Some(page), diags)
}

/// Reads a file with its size and modification time, taken from the same
/// open file.
fn read_stamped(path: &Path) -> std::io::Result<(Vec<u8>, u64, Option<std::time::SystemTime>)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok((bytes, meta.len(), meta.modified().ok()))
}

impl SourcePage {
    /// "Data ultima modifica": `updated` when written, else the file's last
    /// change (its last commit, or its modification time), never the build
    /// date. The sitemap's `lastmod` is the same.
    pub fn last_modified(&self) -> Option<Date> {
        self.meta.updated.or(self.changed).or(self.meta.date)
    }

    /// Reads the Markdown body again for rendering. Fails if the file was
    /// changed since it was loaded (an edit saved during the build), rather
    /// than render text that was never checked.
    pub fn read_body(&self) -> Result<String, Diagnostic> {
        let changed = || Diagnostic::file(&self.file, msg!(CHANGED_DURING_BUILD));
        let (bytes, len, modified) = read_stamped(&self.source.abs).map_err(|e| {
            Diagnostic::file(
                &self.file,
                msg!(CANNOT_READ, detail = crate::report::messages::io_detail(&e)),
            )
        })?;
        if len != self.source.len
            || modified != self.source.modified
            || bytes.len() < self.source.body_start
        {
            return Err(changed());
        }
        let mut text = String::from_utf8(bytes).map_err(|_| changed())?;
        if !text.is_char_boundary(self.source.body_start) {
            return Err(changed());
        }
        Ok(text.split_off(self.source.body_start))
    }
}

//! Multipart posts of forms with file fields: each file streamed to disk
//! as it arrives (never held whole in memory), hashed (SHA-256) and
//! checked by content on the way; text parts collected as `name=value`
//! pairs. Files are written `0600` into one folder per post under the
//! data folder's `files/`, and fsync'd with that folder before the
//! submission is committed. On any problem the folder is removed: nothing
//! of a refused post stays on disk. The folder belongs to a [`PostDir`]
//! that removes it when dropped, so a request cut short (a timeout, a
//! closed connection) leaves nothing behind either.
//!
//! A file is named by its detected type wherever it leaves the service
//! (`allegato-1.pdf` in the email, in `attachments --output`): the
//! sender's own name for it is kept only as text to show, never as a file
//! name, so `Domanda.pdf.bat` or a name hiding a right-to-left override
//! cannot become a file on somebody's desktop.

use crate::multipart_guard::{Guard, GuardError};
use crate::paths::private_dir;
use crate::received::Received;
use ambito_form::filetype::{self, FileType};
use ambito_form::html::held_input_name;
use ambito_form::{FieldError, FieldKind, FormDefinition};
use axum::body::Body;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The longest text part accepted, in bytes.
const TEXT_LIMIT: usize = 64 * 1024;

/// The most text all parts together may carry, in bytes (the room for
/// text in [`total_limit`]).
const TEXT_TOTAL_LIMIT: usize = 1024 * 1024;

/// How a folder of files kept for a form sent back with errors is named:
/// `held-{token}`. Nothing in the database names it.
const HELD_PREFIX: &str = "held-";

/// How long such files are kept for the next send: after that the orphan
/// sweep removes them, and a send that names them is told to choose the
/// file again.
pub const HELD_FOR: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Files kept from a post sent back with errors (a page without
/// JavaScript cannot keep a chosen file), found again by `token`.
#[derive(Debug)]
pub struct Held {
    /// The token the form carries in a hidden field, one per file field.
    pub token: String,
    /// The files, as received.
    pub files: Vec<Received>,
}

/// What a kept folder holds besides the files: which form and which files.
#[derive(serde::Serialize, serde::Deserialize)]
struct HeldManifest {
    form: String,
    /// The files, their `path` being their name inside the folder.
    files: Vec<Received>,
}

const HELD_MANIFEST: &str = "manifest.json";

/// How far past the form's total the parser may read before it stops the
/// stream itself (part headers and boundaries are not counted in the
/// total, which this service enforces with its own answer).
const STREAM_MARGIN: u64 = 256 * 1024;

/// The folder of one post's files, removed when dropped unless
/// [`PostDir::keep`] was called (once its submission is committed).
#[derive(Debug)]
pub struct PostDir {
    path: Option<PathBuf>,
}

impl PostDir {
    /// The folder.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Keeps the folder: its submission is stored and names it.
    pub fn keep(mut self) {
        self.path = None;
    }
}

impl Drop for PostDir {
    fn drop(&mut self) {
        if let Some(dir) = self.path.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Where file number `index` of a post goes: its path on disk, and the
/// path recorded for it (`{post}/{index}`, relative to the files folder).
struct Slot {
    on_disk: PathBuf,
    recorded: String,
}

/// A multipart post, read.
#[derive(Debug)]
pub struct Upload {
    /// The text parts, plus `field=file name` for each accepted file (so
    /// a required file field counts as answered).
    pub raw: Vec<(String, String)>,
    /// The files, on disk and checked.
    pub files: Vec<Received>,
    /// The post's folder, removed when this is dropped unless kept.
    pub dir: PostDir,
}

/// Why a multipart post was refused (its files are already removed).
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The whole body is over the form's total limit.
    #[error("body over {0} bytes")]
    TooLarge(u64),
    /// Files that are empty, of the wrong type or too big; with the text
    /// parts, to show the form again as typed.
    #[error("{} file problems", errors.len())]
    Fields {
        /// The problems, by field.
        errors: Vec<FieldError>,
        /// The text parts read.
        raw: Vec<(String, String)>,
    },
    /// Not a readable multipart body.
    #[error("malformed multipart body: {0}")]
    Malformed(String),
    /// The disk refused a write.
    #[error("cannot write an uploaded file in {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The total a post of `def` may carry: every file field at its limit
/// (times four when it takes several), plus room for the text.
pub fn total_limit(def: &FormDefinition) -> u64 {
    def.fields
        .iter()
        .filter(|f| f.kind == FieldKind::File)
        .map(|f| f.max_file_bytes() * if f.multiple { 4 } else { 1 })
        .sum::<u64>()
        + 1024 * 1024
}

/// The longest file name kept, in characters.
const NAME_LIMIT: usize = 200;

/// Unicode's format characters (general category Cf, Unicode 15): they
/// are invisible and some reorder text (U+202E before `fdp.hta` makes
/// `fattura…fdp.hta` look like a PDF).
fn is_format(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// The last path component of a name a browser sent, without control or
/// format characters, at most [`NAME_LIMIT`] characters with its
/// extension kept when it is cut. Empty when nothing readable is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_format(*c))
        .collect();
    let clean = clean.trim();
    if clean.chars().count() <= NAME_LIMIT {
        return clean.to_string();
    }
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, ext),
        _ => (clean, ""),
    };
    let room = NAME_LIMIT - 1 - ext.chars().count() - usize::from(!ext.is_empty());
    let stem: String = stem.chars().take(room).collect();
    if ext.is_empty() {
        format!("{stem}…")
    } else {
        format!("{stem}….{ext}")
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> UploadError + '_ {
    move |source| UploadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A new private folder for one post under `root`.
fn new_post_dir(root: &Path) -> Result<PostDir, UploadError> {
    private_dir(root).map_err(io(root))?;
    for _ in 0..16 {
        let dir = root.join(format!("{:016x}", fastrand::u64(..)));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(PostDir { path: Some(dir) }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(&dir)(e)),
        }
    }
    Err(io(root)(std::io::Error::other("no free folder name")))
}

/// The Italian message for a file whose content is not accepted.
fn mismatch(label: &str, name: &str, found: Option<FileType>, accept: &[FileType]) -> String {
    let allowed: Vec<&str> = accept
        .iter()
        .map(|t| match t {
            FileType::Pdf => "PDF",
            FileType::P7m => "P7M",
            FileType::Jpg => "JPEG",
            FileType::Png => "PNG",
        })
        .collect();
    let allowed = allowed.join(", ");
    match found {
        Some(t) => format!(
            "«{label}»: il file «{name}» è {}, ma qui si accettano solo file {allowed}.",
            t.italian()
        ),
        None => format!(
            "«{label}»: il contenuto del file «{name}» non è un file {allowed} valido: controlla di aver scelto il file giusto."
        ),
    }
}

impl Upload {
    /// The place for file number `index`, creating the post's folder
    /// under `root` with the first file.
    fn slot(&mut self, root: &Path, index: usize) -> Result<Slot, UploadError> {
        if self.dir.path().is_none() {
            self.dir = new_post_dir(root)?;
        }
        let dir = self.dir.path().map(Path::to_path_buf).unwrap_or_default();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Slot {
            on_disk: dir.join(index.to_string()),
            recorded: format!("{name}/{index}"),
        })
    }
}

/// Keeps the files of `upload`, a post of form `form_id` sent back with
/// errors, for [`HELD_FOR`]: its folder becomes `held-{token}` with a
/// manifest. `None` when it has no files (its folder goes with it).
pub fn hold(upload: Upload, form_id: &str, root: &Path) -> Result<Option<Held>, UploadError> {
    let Upload { files, dir, .. } = upload;
    let Some(from) = dir
        .path()
        .map(Path::to_path_buf)
        .filter(|_| !files.is_empty())
    else {
        return Ok(None);
    };
    let token = crate::token::new().map_err(io(root))?;
    let to = root.join(format!("{HELD_PREFIX}{token}"));
    std::fs::rename(&from, &to).map_err(io(&to))?;
    dir.keep();
    let files: Vec<Received> = files
        .into_iter()
        .map(|f| Received {
            path: f.path.rsplit('/').next().unwrap_or_default().to_string(),
            ..f
        })
        .collect();
    let manifest = HeldManifest {
        form: form_id.to_string(),
        files,
    };
    let path = to.join(HELD_MANIFEST);
    let json = serde_json::to_vec(&manifest).map_err(|e| io(&path)(std::io::Error::other(e)))?;
    let written = std::os::unix::fs::OpenOptionsExt::mode(
        std::fs::OpenOptions::new().write(true).create_new(true),
        0o600,
    )
    .open(&path)
    .and_then(|mut f| std::io::Write::write_all(&mut f, &json));
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&to);
        return Err(io(&path)(e));
    }
    Ok(Some(Held {
        token,
        files: manifest.files,
    }))
}

/// The files kept under `token` for field `field` of form `form_id`, if
/// they are still there, with the folder they are in.
fn held_files(
    root: &Path,
    form_id: &str,
    field: &str,
    token: &str,
) -> Option<(PathBuf, Vec<Received>)> {
    if !crate::token::is_token(token) {
        return None;
    }
    let dir = root.join(format!("{HELD_PREFIX}{token}"));
    let manifest: HeldManifest =
        serde_json::from_slice(&std::fs::read(dir.join(HELD_MANIFEST)).ok()?).ok()?;
    if manifest.form != form_id {
        return None;
    }
    let files: Vec<Received> = manifest
        .files
        .into_iter()
        .filter(|f| {
            f.field == field && !f.path.is_empty() && f.path.bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    (!files.is_empty()).then_some((dir, files))
}

/// Reads a multipart post of `def` (with `content_type` carrying its
/// boundary), writing files under `root`.
pub async fn receive(
    def: &FormDefinition,
    content_type: &str,
    body: Body,
    root: &Path,
) -> Result<Upload, UploadError> {
    let mut upload = Upload {
        raw: Vec::new(),
        files: Vec::new(),
        dir: PostDir { path: None },
    };
    // On an error (or if this future is dropped) `upload` goes, and its
    // folder with it.
    read(def, content_type, body, root, &mut upload).await?;
    Ok(upload)
}

/// The body as the parser gets it, watched by a [`Guard`], so that neither
/// endless part headers nor a missing boundary can make the parser hold
/// more than a few kilobytes.
fn guarded(
    body: Body,
    boundary: &str,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, UploadStreamError>> {
    use futures_util::StreamExt as _;
    let mut guard = Guard::new(boundary);
    body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(|e| UploadStreamError::Body(e.to_string()))?;
        guard.feed(&chunk).map_err(UploadStreamError::Guard)?;
        Ok(chunk)
    })
}

/// Why the body stream stopped before the parser read it all.
#[derive(Debug, thiserror::Error)]
enum UploadStreamError {
    /// The guard's limits.
    #[error(transparent)]
    Guard(GuardError),
    /// The connection's (a timeout, a reset).
    #[error("reading the body: {0}")]
    Body(String),
}

/// Reads one part's content to its end, counting it toward the body's
/// `total` (which must stay within `limit`); `each` sees every chunk.
async fn drain(
    part: &mut multer::Field<'_>,
    total: &mut u64,
    limit: u64,
    mut each: impl FnMut(&[u8]) -> Result<(), UploadError>,
) -> Result<(), UploadError> {
    while let Some(chunk) = part.chunk().await.map_err(|e| classify(&e, limit))? {
        *total += chunk.len() as u64;
        if *total > limit {
            return Err(UploadError::TooLarge(limit));
        }
        each(&chunk)?;
    }
    Ok(())
}

async fn read(
    def: &FormDefinition,
    content_type: &str,
    body: Body,
    root: &Path,
    upload: &mut Upload,
) -> Result<(), UploadError> {
    let boundary =
        multer::parse_boundary(content_type).map_err(|e| UploadError::Malformed(e.to_string()))?;
    let limit = total_limit(def);
    // The parser's own limits too: the whole stream (a little above the
    // form's total, which this loop enforces with a precise answer), and
    // each text part.
    let mut sizes = multer::SizeLimit::new()
        .whole_stream(limit + STREAM_MARGIN)
        .per_field(TEXT_LIMIT as u64 + 1);
    for f in def.fields.iter().filter(|f| f.kind == FieldKind::File) {
        sizes = sizes.for_field(f.name.clone(), limit + STREAM_MARGIN);
    }
    let constraints = multer::Constraints::new().size_limit(sizes);
    let stream = guarded(body, &boundary);
    let mut parts = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut total: u64 = 0;
    let mut text_total: usize = 0;
    let mut errors: Vec<FieldError> = Vec::new();
    // File fields answered by files kept from the previous send.
    let mut held_tokens: Vec<(String, String)> = Vec::new();
    loop {
        let mut part = match parts.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(classify(&e, limit)),
        };
        let name = part.name().unwrap_or_default().to_string();
        let file_field = def.field(&name).filter(|f| f.kind == FieldKind::File);
        let Some(field) = file_field else {
            // A text part: bounded, UTF-8.
            let mut text = Vec::new();
            drain(&mut part, &mut total, limit, |chunk| {
                text.extend_from_slice(chunk);
                text_total += chunk.len();
                if text.len() > TEXT_LIMIT || text_total > TEXT_TOTAL_LIMIT {
                    return Err(UploadError::TooLarge(limit));
                }
                Ok(())
            })
            .await?;
            let text = String::from_utf8(text)
                .map_err(|_| UploadError::Malformed("a text part is not UTF-8".into()))?;
            let held_field = def
                .fields
                .iter()
                .find(|f| f.kind == FieldKind::File && name == held_input_name(&f.name));
            match held_field {
                Some(f) => held_tokens.push((f.name.clone(), text)),
                None => upload.raw.push((name, text)),
            }
            continue;
        };
        // The name as sent, cleaned; a name with nothing readable left (or
        // none at all, or one the parser could not read because of a line
        // break in it) still names a file when content came: the file is
        // kept and shown by its type, never dropped without a word.
        let display = clean_name(part.file_name().unwrap_or_default());
        if errors.iter().any(|e| e.field == name)
            || (!field.multiple && upload.files.iter().any(|f| f.field == name))
        {
            let mut extra = false;
            drain(&mut part, &mut total, limit, |chunk| {
                extra |= !chunk.is_empty();
                Ok(())
            })
            .await?;
            if extra && !field.multiple && !errors.iter().any(|e| e.field == name) {
                errors.push(FieldError {
                    field: name.clone(),
                    message: format!("«{}»: puoi allegare un solo file.", field.label),
                });
            }
            continue;
        }
        let index = upload.files.len() + errors.len();
        let mut file: Option<(tokio::fs::File, Slot)> = None;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let max = field.max_file_bytes();
        let mut too_big = false;
        while let Some(chunk) = part.chunk().await.map_err(|e| classify(&e, limit))? {
            // Every part counts toward the body's limit, an empty-named one too.
            total += chunk.len() as u64;
            if total > limit {
                return Err(UploadError::TooLarge(limit));
            }
            size += chunk.len() as u64;
            if size > max {
                // Keep reading (the body must be consumed) but write no more.
                too_big = true;
                continue;
            }
            if chunk.is_empty() {
                continue;
            }
            if head.len() < filetype::SNIFF_LEN {
                let take = (filetype::SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            let (f, slot) = match &mut file {
                Some(open) => open,
                None => {
                    let slot = upload.slot(root, index)?;
                    let f = tokio::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(&slot.on_disk)
                        .await
                        .map_err(io(&slot.on_disk))?;
                    file.insert((f, slot))
                }
            };
            f.write_all(&chunk).await.map_err(io(&slot.on_disk))?;
        }
        if size == 0 && display.is_empty() {
            // No file chosen: browsers send an empty part with no name.
            continue;
        }
        let display = if display.is_empty() {
            "senza nome".to_string()
        } else {
            display
        };
        let label = &field.label;
        let checked = if too_big {
            Err(format!(
                "«{label}»: il file «{display}» è troppo grande: al massimo {} MB.",
                max / (1024 * 1024)
            ))
        } else if size == 0 {
            Err(format!("«{label}»: il file «{display}» è vuoto."))
        } else {
            match filetype::detect(&head).map(|d| d.kind) {
                Some(kind) if field.accept.contains(&kind) => Ok(kind),
                other => Err(mismatch(label, &display, other, &field.accept)),
            }
        };
        let (kind, (f, slot)) = match (checked, file) {
            (Ok(kind), Some(open)) => (kind, open),
            (Ok(_), None) => continue, // unreachable: a checked file has content
            (Err(message), open) => {
                if let Some((f, slot)) = open {
                    drop(f);
                    let _ = tokio::fs::remove_file(&slot.on_disk).await;
                }
                errors.push(FieldError {
                    field: name,
                    message,
                });
                continue;
            }
        };
        f.sync_all().await.map_err(io(&slot.on_disk))?;
        upload.raw.push((name.clone(), display.clone()));
        upload.files.push(Received {
            field: name,
            name: display,
            size,
            sha256: hex(&hasher.finalize()),
            kind,
            path: slot.recorded,
        });
    }
    for (field_name, token) in held_tokens {
        adopt_held(def, root, upload, &mut errors, &field_name, &token)?;
    }
    if !errors.is_empty() {
        return Err(UploadError::Fields {
            errors,
            raw: std::mem::take(&mut upload.raw),
        });
    }
    if let Some(dir) = upload.dir.path() {
        // The folder's entries are durable too, before the commit.
        let d = std::fs::File::open(dir).map_err(io(dir))?;
        d.sync_all().map_err(io(dir))?;
        let r = std::fs::File::open(root).map_err(io(root))?;
        r.sync_all().map_err(io(root))?;
    }
    Ok(())
}

/// Takes into this post the files kept under `token` for `field_name`,
/// unless a new file was chosen for it (then the kept ones are left to
/// expire). Kept files that are gone are an error at the field: a send
/// never silently lacks a file its sender chose.
fn adopt_held(
    def: &FormDefinition,
    root: &Path,
    upload: &mut Upload,
    errors: &mut Vec<FieldError>,
    field_name: &str,
    token: &str,
) -> Result<(), UploadError> {
    let Some(field) = def.field(field_name) else {
        return Ok(());
    };
    let chosen = upload.files.iter().any(|f| f.field == field_name)
        || errors.iter().any(|e| e.field == field_name);
    if chosen {
        return Ok(());
    }
    let Some((held_dir, files)) = held_files(root, &def.id, field_name, token) else {
        errors.push(FieldError {
            field: field_name.to_string(),
            message: format!(
                "«{}»: il file caricato prima non è più disponibile (si conserva per un’ora): sceglilo di nuovo.",
                field.label
            ),
        });
        return Ok(());
    };
    for f in files {
        let slot = upload.slot(root, upload.files.len() + errors.len())?;
        let from = held_dir.join(&f.path);
        std::fs::rename(&from, &slot.on_disk).map_err(io(&slot.on_disk))?;
        upload.raw.push((f.field.clone(), f.name.clone()));
        upload.files.push(Received {
            path: slot.recorded,
            ..f
        });
    }
    let _ = std::fs::remove_dir_all(&held_dir);
    Ok(())
}

fn classify(e: &multer::Error, limit: u64) -> UploadError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            UploadError::TooLarge(limit)
        }
        multer::Error::StreamReadFailed(inner) => match inner.downcast_ref::<UploadStreamError>() {
            Some(UploadStreamError::Guard(g)) => UploadError::Malformed(g.to_string()),
            Some(UploadStreamError::Body(m)) => UploadError::Malformed(m.clone()),
            None => UploadError::Malformed(inner.to_string()),
        },
        other => UploadError::Malformed(other.to_string()),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Removes the folders under `root` that no stored submission names and
/// that were last changed at least `min_age` ago: what a crash between
/// writing files and committing their row left (at start, with no
/// request in flight, any age), or what anything else left (later, with
/// an age no request can last, so an upload under way is never touched).
/// Returns how many were removed.
pub fn remove_orphans(
    root: &Path,
    known: &std::collections::HashSet<String>,
    min_age: std::time::Duration,
) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // Kept files are kept their hour, even across a restart.
        let min_age = if name.starts_with(HELD_PREFIX) {
            min_age.max(HELD_FOR)
        } else {
            min_age
        };
        let old_enough = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .is_some_and(|t| now.duration_since(t).unwrap_or_default() >= min_age);
        if !known.contains(&name) && old_enough && std::fs::remove_dir_all(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Copies `files` from the files folder `root` into `out` under the same
/// relative paths (`{post}/{n}`), so that `out` can take the place of
/// `root` when a backup is restored. Each copy is streamed, checked against
/// the SHA-256 recorded when the file was received and fsync'd; folders
/// are created `0700`. A path that is not plainly inside `root` (a `..`, an
/// absolute path: only a tampered database has one) is refused. Returns the
/// number of files copied.
pub fn back_up(root: &Path, files: &[Received], out: &Path) -> Result<usize, UploadError> {
    use std::io::{Read, Write};
    private_dir(out).map_err(io(out))?;
    for f in files {
        let from = stored_path(root, f)?;
        let to = out.join(&f.path);
        if let Some(dir) = to.parent() {
            private_dir(dir).map_err(io(dir))?;
        }
        let mut src = std::fs::File::open(&from).map_err(io(&from))?;
        let mut dst = std::fs::File::create(&to).map_err(io(&to))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = src.read(&mut buf).map_err(io(&from))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            dst.write_all(&buf[..n]).map_err(io(&to))?;
        }
        dst.sync_all().map_err(io(&to))?;
        if hex(&hasher.finalize()) != f.sha256 {
            let _ = std::fs::remove_file(&to);
            return Err(UploadError::Io {
                path: from,
                source: std::io::Error::other("the file's SHA-256 is not the one recorded"),
            });
        }
    }
    Ok(files.len())
}

/// Copies `files` (of one submission) from `root` into `out`, each named
/// by its position and detected type (`allegato-1.pdf`, never the
/// sender's name), checking each copy against the SHA-256 recorded when it
/// was received. A file is written under a new temporary name and then
/// renamed into place, so a link already in `out` under that name is
/// replaced, never followed. Returns the paths written.
pub fn copy_out(root: &Path, files: &[Received], out: &Path) -> Result<Vec<PathBuf>, UploadError> {
    use std::io::Write;
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut written = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let from = stored_path(root, f)?;
        let bytes = std::fs::read(&from).map_err(io(&from))?;
        if hex(&Sha256::digest(&bytes)) != f.sha256 {
            return Err(UploadError::Io {
                path: from,
                source: std::io::Error::other("the file's SHA-256 is not the one recorded"),
            });
        }
        let to = out.join(f.file_name(i + 1));
        let tmp = out.join(format!(
            ".{}.{:016x}.tmp",
            f.file_name(i + 1),
            fastrand::u64(..)
        ));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io(&tmp))?;
        let done = file
            .write_all(&bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, &to));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(&to)(e));
        }
        written.push(to);
    }
    Ok(written)
}

/// Where a stored file is: its recorded path under `root`, which must be
/// plainly inside it (a `..` or an absolute path only comes from a
/// tampered database, and is refused).
fn stored_path(root: &Path, f: &Received) -> Result<PathBuf, UploadError> {
    let relative = Path::new(&f.path);
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || f.path.is_empty() {
        return Err(UploadError::Io {
            path: relative.to_path_buf(),
            source: std::io::Error::other("not a path inside the files folder"),
        });
    }
    Ok(root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    /// A form with one file field (PDF, at most 1 MB) and a text field.
    fn form() -> FormDefinition {
        serde_json::from_value(serde_json::json!({
            "id": "f",
            "title": "Modulo",
            "thank_you_url": "/grazie/",
            "honeypot": "sito_web",
            "fields": [
                { "name": "nome", "label": "Nome", "type": "text" },
                { "name": "domanda", "label": "Domanda", "type": "file",
                  "accept": ["pdf"], "max_size_mb": 1 }
            ]
        }))
        .unwrap()
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    /// A body that yields `head`, then `fill` repeated up to `total` bytes,
    /// in 16 KiB chunks, counting what the reader pulled.
    fn endless(head: &[u8], fill: u8, total: u64, pulled: Arc<AtomicU64>) -> Body {
        let mut first = Some(axum::body::Bytes::copy_from_slice(head));
        let chunk = axum::body::Bytes::from(vec![fill; 16 * 1024]);
        let mut sent = 0u64;
        let stream = futures_util::stream::poll_fn(move |_| {
            let next = first
                .take()
                .or_else(|| (sent < total).then(|| chunk.clone()));
            std::task::Poll::Ready(next.map(|c| {
                sent += c.len() as u64;
                pulled.fetch_add(c.len() as u64, Ordering::Relaxed);
                Ok::<_, std::io::Error>(c)
            }))
        });
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn endless_part_headers_are_refused_after_a_few_kilobytes() {
        let root = tempfile::tempdir().unwrap();
        let pulled = Arc::new(AtomicU64::new(0));
        let head = b"--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: ";
        let body = endless(head, b'a', 400 * 1024 * 1024, Arc::clone(&pulled));
        let r = receive(&form(), CT, body, root.path()).await;
        assert!(matches!(r, Err(UploadError::Malformed(_))), "{r:?}");
        let read = pulled.load(Ordering::Relaxed);
        assert!(read < 64 * 1024, "read {read} bytes of 400 MB");
    }

    #[tokio::test]
    async fn a_body_without_its_boundary_is_refused_early() {
        let root = tempfile::tempdir().unwrap();
        let pulled = Arc::new(AtomicU64::new(0));
        let body = endless(b"", b'z', 400 * 1024 * 1024, Arc::clone(&pulled));
        let r = receive(&form(), CT, body, root.path()).await;
        assert!(matches!(r, Err(UploadError::Malformed(_))), "{r:?}");
        assert!(pulled.load(Ordering::Relaxed) < 64 * 1024);
    }

    fn part(disposition: &str, content: &[u8]) -> Vec<u8> {
        let mut b =
            format!("--XyZ\r\nContent-Disposition: form-data; {disposition}\r\n\r\n").into_bytes();
        b.extend_from_slice(content);
        b.extend_from_slice(b"\r\n");
        b
    }

    fn body(parts: &[Vec<u8>]) -> Body {
        let mut b = parts.concat();
        b.extend_from_slice(b"--XyZ--\r\n");
        Body::from(b)
    }

    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

    #[tokio::test]
    async fn a_file_part_without_a_name_counts_toward_the_limit() {
        let root = tempfile::tempdir().unwrap();
        let big = vec![b'x'; 3 * 1024 * 1024];
        let b = body(&[part("name=\"domanda\"; filename=\"\"", &big)]);
        let r = receive(&form(), CT, b, root.path()).await;
        assert!(matches!(r, Err(UploadError::TooLarge(_))), "{r:?}");
    }

    #[tokio::test]
    async fn a_file_whose_name_cannot_be_read_is_kept_not_dropped() {
        let root = tempfile::tempdir().unwrap();
        // A name the parser cannot read (given only as `filename*`, with a
        // line break encoded in it), no name, or one of invisible
        // characters: the file is kept all the same, named by its type.
        for disposition in [
            "name=\"domanda\"; filename*=UTF-8''domanda%0D%0Afirmata.pdf",
            "name=\"domanda\"",
            "name=\"domanda\"; filename=\"\u{202e}\u{200b}\"",
        ] {
            let b = body(&[part(disposition, PDF)]);
            let u = receive(&form(), CT, b, root.path()).await;
            let u = u.unwrap_or_else(|e| panic!("{disposition:?}: {e:?}"));
            assert_eq!(u.files.len(), 1, "{disposition:?}");
            assert_eq!(u.files[0].kind, FileType::Pdf);
            assert_eq!(u.files[0].file_name(1), "allegato-1.pdf");
        }
        // A raw line break in the name breaks the part's headers: the post
        // is refused as unreadable (400), never stored without its file.
        let b = body(&[part("name=\"domanda\"; filename=\"a\r\nb.pdf\"", PDF)]);
        let r = receive(&form(), CT, b, root.path()).await;
        assert!(matches!(r, Err(UploadError::Malformed(_))), "{r:?}");
        // No file chosen: an empty part with no name is no file.
        let b = body(&[part("name=\"domanda\"; filename=\"\"", b"")]);
        let u = receive(&form(), CT, b, root.path()).await.unwrap();
        assert!(u.files.is_empty());
    }

    #[tokio::test]
    async fn a_dropped_upload_leaves_no_folder() {
        let root = tempfile::tempdir().unwrap();
        let b = body(&[part("name=\"domanda\"; filename=\"a.pdf\"", PDF)]);
        let u = receive(&form(), CT, b, root.path()).await.unwrap();
        let dir = u.dir.path().unwrap().to_path_buf();
        assert!(dir.join("0").is_file());
        drop(u);
        assert!(!dir.exists(), "the folder goes with the upload");
        let b = body(&[part("name=\"domanda\"; filename=\"a.pdf\"", PDF)]);
        let u = receive(&form(), CT, b, root.path()).await.unwrap();
        let dir = u.dir.path().unwrap().to_path_buf();
        u.dir.keep();
        assert!(
            dir.join("0").is_file(),
            "kept once its submission is stored"
        );
    }

    #[test]
    fn names_lose_control_and_format_characters_and_keep_their_extension() {
        assert_eq!(clean_name("fattura\u{202e}fdp.hta"), "fatturafdp.hta");
        assert_eq!(clean_name("a\u{200b}b\u{feff}c\u{2066}.pdf"), "abc.pdf");
        assert_eq!(clean_name("C:\\Users\\x\\dom\r\nanda.pdf"), "domanda.pdf");
        assert_eq!(clean_name("\u{202e}\u{200b} "), "");
        let long = format!("{}.pdf", "a".repeat(500));
        let cut = clean_name(&long);
        assert_eq!(cut.chars().count(), NAME_LIMIT);
        assert!(cut.ends_with("….pdf"), "{cut}");
        let no_ext = "b".repeat(300);
        assert_eq!(clean_name(&no_ext).chars().count(), NAME_LIMIT);
    }

    #[test]
    fn copies_out_are_named_by_type_and_never_follow_a_link() {
        let root = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("p")).unwrap();
        std::fs::write(root.path().join("p/0"), PDF).unwrap();
        let f = Received {
            field: "domanda".into(),
            name: "Domanda firmata.bat".into(),
            size: PDF.len() as u64,
            sha256: hex(&Sha256::digest(PDF)),
            kind: FileType::Pdf,
            path: "p/0".into(),
        };
        // A link planted where the copy goes: replaced, its target untouched.
        let victim = out.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        std::os::unix::fs::symlink(&victim, out.path().join("allegato-1.pdf")).unwrap();
        let written = copy_out(root.path(), std::slice::from_ref(&f), out.path()).unwrap();
        assert_eq!(written, [out.path().join("allegato-1.pdf")]);
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        let meta = std::fs::symlink_metadata(&written[0]).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(std::fs::read(&written[0]).unwrap(), PDF);
        // A stored path outside the files folder is refused.
        for path in ["../p/0", "/etc/passwd", ""] {
            let bad = Received {
                path: path.into(),
                ..f.clone()
            };
            assert!(copy_out(root.path(), &[bad], out.path()).is_err(), "{path}");
        }
    }
}

//! Multipart posts of forms with file fields: each file streamed to disk
//! as it arrives (never held whole in memory), hashed (SHA-256) and
//! checked by content on the way; text parts collected as `name=value`
//! pairs. Files are written `0600` into one folder per post under the
//! data folder's `files/`, and fsync'd with that folder before the
//! submission is committed. On any problem the folder is removed: nothing
//! of a refused post stays on disk.

use ambito::form::filetype::{self, FileType};
use ambito::form::{FieldError, FieldKind, FormDefinition};
use axum::body::Body;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The longest text part accepted, in bytes.
const TEXT_LIMIT: usize = 64 * 1024;

/// A file received and checked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Received {
    /// The field it was sent in.
    pub field: String,
    /// Its name as sent (only the last path component, control
    /// characters dropped).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Its type, from its content.
    pub kind: FileType,
    /// Where it is, relative to the files folder (`{post}/{n}`).
    pub path: String,
}

/// A multipart post, read.
#[derive(Debug)]
pub struct Upload {
    /// The text parts, plus `field=file name` for each accepted file (so
    /// a required file field counts as answered).
    pub raw: Vec<(String, String)>,
    /// The files, on disk and checked.
    pub files: Vec<Received>,
    /// The post's folder (removed by [`Upload::discard`]).
    pub dir: Option<PathBuf>,
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

/// The last path component of a name a browser sent, without control
/// characters, at most 200 characters.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "file".to_string()
    } else {
        clean
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> UploadError + '_ {
    move |source| UploadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A new private folder for one post under `root`.
fn new_post_dir(root: &Path) -> Result<PathBuf, UploadError> {
    crate::store::private_dir(root).map_err(io(root))?;
    for _ in 0..16 {
        let dir = root.join(format!("{:016x}", fastrand::u64(..)));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
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
    /// Removes the post's files (a refused or repeated post).
    pub fn discard(&self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
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
        dir: None,
    };
    let result = read(def, content_type, body, root, &mut upload).await;
    match result {
        Ok(()) => Ok(upload),
        Err(e) => {
            upload.discard();
            Err(e)
        }
    }
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
    let stream = body.into_data_stream();
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut total: u64 = 0;
    let mut errors: Vec<FieldError> = Vec::new();
    loop {
        let part = match parts.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(classify(&e, limit)),
        };
        let name = part.name().unwrap_or_default().to_string();
        let file_field = def.field(&name).filter(|f| f.kind == FieldKind::File);
        let Some(field) = file_field else {
            // A text part: bounded, UTF-8.
            let mut part = part;
            let mut text = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| classify(&e, limit))? {
                total += chunk.len() as u64;
                if total > limit {
                    return Err(UploadError::TooLarge(limit));
                }
                text.extend_from_slice(&chunk);
                if text.len() > TEXT_LIMIT {
                    return Err(UploadError::TooLarge(limit));
                }
            }
            let text = String::from_utf8(text)
                .map_err(|_| UploadError::Malformed("a text part is not UTF-8".into()))?;
            upload.raw.push((name, text));
            continue;
        };
        let file_name = part.file_name().unwrap_or_default().to_string();
        if file_name.is_empty() {
            // No file chosen: browsers send an empty part. Drain it.
            let mut part = part;
            while part
                .chunk()
                .await
                .map_err(|e| classify(&e, limit))?
                .is_some()
            {}
            continue;
        }
        let display = clean_name(&file_name);
        if errors.iter().any(|e| e.field == name)
            || (!field.multiple && upload.files.iter().any(|f| f.field == name))
        {
            if !field.multiple && !errors.iter().any(|e| e.field == name) {
                errors.push(FieldError {
                    field: name.clone(),
                    message: format!("«{}»: puoi allegare un solo file.", field.label),
                });
            }
            let mut part = part;
            while let Some(chunk) = part.chunk().await.map_err(|e| classify(&e, limit))? {
                total += chunk.len() as u64;
                if total > limit {
                    return Err(UploadError::TooLarge(limit));
                }
            }
            continue;
        }
        let dir = match &upload.dir {
            Some(d) => d.clone(),
            None => {
                let d = new_post_dir(root)?;
                upload.dir = Some(d.clone());
                d
            }
        };
        let index = upload.files.len() + errors.len();
        let path = dir.join(index.to_string());
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .await
            .map_err(io(&path))?;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let max = field.max_file_bytes();
        let mut too_big = false;
        let mut part = part;
        while let Some(chunk) = part.chunk().await.map_err(|e| classify(&e, limit))? {
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
            if head.len() < filetype::SNIFF_LEN {
                let take = (filetype::SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io(&path))?;
        }
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
        let kind = match checked {
            Ok(kind) => kind,
            Err(message) => {
                drop(file);
                let _ = tokio::fs::remove_file(&path).await;
                errors.push(FieldError {
                    field: name,
                    message,
                });
                continue;
            }
        };
        file.sync_all().await.map_err(io(&path))?;
        upload.raw.push((name.clone(), display.clone()));
        upload.files.push(Received {
            field: name,
            name: display,
            size,
            sha256: hex(&hasher.finalize()),
            kind,
            path: format!(
                "{}/{index}",
                dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        });
    }
    if !errors.is_empty() {
        return Err(UploadError::Fields {
            errors,
            raw: std::mem::take(&mut upload.raw),
        });
    }
    if let Some(dir) = &upload.dir {
        // The folder's entries are durable too, before the commit.
        let d = std::fs::File::open(dir).map_err(io(dir))?;
        d.sync_all().map_err(io(dir))?;
        let r = std::fs::File::open(root).map_err(io(root))?;
        r.sync_all().map_err(io(root))?;
    }
    Ok(())
}

fn classify(e: &multer::Error, limit: u64) -> UploadError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            UploadError::TooLarge(limit)
        }
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

/// Removes the folders under `root` that no stored submission names:
/// what a crash between writing files and committing their row left.
/// Returns how many were removed.
pub fn remove_orphans(root: &Path, known: &std::collections::HashSet<String>) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !known.contains(&name) && std::fs::remove_dir_all(e.path()).is_ok() {
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
    crate::store::private_dir(out).map_err(io(out))?;
    for f in files {
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
        let from = root.join(relative);
        let to = out.join(relative);
        if let Some(dir) = to.parent() {
            crate::store::private_dir(dir).map_err(io(dir))?;
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

/// Copies `files` (of one submission) from `root` into `out`, named
/// `{n}-{name}` with only safe characters, checking each copy against the
/// SHA-256 recorded when it was received. Returns the paths written.
pub fn copy_out(root: &Path, files: &[Received], out: &Path) -> Result<Vec<PathBuf>, UploadError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut written = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let from = root.join(&f.path);
        let bytes = std::fs::read(&from).map_err(io(&from))?;
        if hex(&Sha256::digest(&bytes)) != f.sha256 {
            return Err(UploadError::Io {
                path: from,
                source: std::io::Error::other("the file's SHA-256 is not the one recorded"),
            });
        }
        let safe: String = f
            .name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let to = out.join(format!("{}-{}", i + 1, safe.trim_start_matches('.')));
        std::fs::write(&to, &bytes).map_err(io(&to))?;
        written.push(to);
    }
    Ok(written)
}

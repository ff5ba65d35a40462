//! Decap CMS's local backend (the protocol of `decap-server`: one JSON
//! `POST` with an `action`), answered by `ambito serve --admin` on the
//! working copy. Unlike `decap-server`, every change goes through ambito
//! first: a save or a deletion is tried on a private copy of the site and
//! checked as `ambito check` checks it, and refused, with the problems in
//! the staff's language, if it would add an error. So what the editor
//! writes always passes `ambito check` (unless the site had errors before).

use crate::pipeline::{prepare, BuildError, BuildOptions};
use crate::report::diagnostic::Diagnostic;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The local backend of one site.
pub struct LocalBackend {
    root: PathBuf,
    /// One change at a time: each is checked against the files as the
    /// previous one left them.
    writing: Mutex<()>,
}

/// An answer: the HTTP status and its JSON body.
pub type Answer = (u16, Value);

/// A file Decap writes: a page.
#[derive(Deserialize)]
struct DataFile {
    path: String,
    raw: String,
    #[serde(rename = "newPath")]
    new_path: Option<String>,
}

/// A file Decap uploads: an image or an attachment, base64.
#[derive(Deserialize)]
struct Asset {
    path: String,
    content: String,
}

/// One change to the working copy: a file's new content, or its removal.
enum Change {
    Write(String, Vec<u8>),
    Remove(String),
}

impl LocalBackend {
    /// The backend of the site at `root` (absolute).
    pub fn new(root: PathBuf) -> Self {
        LocalBackend {
            root,
            writing: Mutex::new(()),
        }
    }

    /// Answers one request of Decap's protocol.
    pub fn handle(&self, body: &Value) -> Answer {
        let action = body.get("action").and_then(Value::as_str).unwrap_or("");
        let params = body.get("params").cloned().unwrap_or(Value::Null);
        match self.dispatch(action, &params) {
            Ok(v) => (200, v),
            Err((status, message)) => (status, json!({ "error": message })),
        }
    }

    fn dispatch(&self, action: &str, params: &Value) -> Result<Value, (u16, String)> {
        let text = |key: &str| params.get(key).and_then(Value::as_str).unwrap_or("");
        match action {
            "info" => Ok(json!({
                "repo": self.root.file_name().map(|n| n.to_string_lossy().into_owned()),
                "publish_modes": ["simple"],
                "type": "local_fs",
            })),
            "entriesByFolder" => {
                let folder = Self::inside(text("folder"))?;
                let extension = text("extension");
                let depth = params.get("depth").and_then(Value::as_u64).unwrap_or(1);
                let mut files = Vec::new();
                list_files(&self.root, &folder, extension, depth, &mut files);
                // Section pages are edited in their own collection.
                files.retain(|f| !f.ends_with("/_index.md"));
                files.sort();
                Ok(Value::Array(files.iter().map(|f| self.entry(f)).collect()))
            }
            "entriesByFiles" => {
                let files = params
                    .get("files")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut out = Vec::new();
                for f in &files {
                    let path = f.get("path").and_then(Value::as_str).unwrap_or("");
                    Self::inside(path)?;
                    let mut entry = self.entry(path);
                    if let Some(label) = f.get("label") {
                        entry["file"]["label"] = label.clone();
                    }
                    out.push(entry);
                }
                Ok(Value::Array(out))
            }
            "getEntry" => {
                let path = text("path");
                Self::inside(path)?;
                Ok(self.entry(path))
            }
            "persistEntry" => self.persist_entry(params),
            "getMedia" => {
                let folder = Self::inside(text("mediaFolder"))?;
                let mut files = Vec::new();
                list_files(&self.root, &folder, "", 1, &mut files);
                files.sort();
                Ok(Value::Array(
                    files.iter().filter_map(|f| self.media_file(f)).collect(),
                ))
            }
            "getMediaFile" => {
                let path = text("path");
                Self::inside(path)?;
                self.media_file(path)
                    .ok_or_else(|| (404, super::text("file non trovato", "file not found")))
            }
            "persistMedia" => {
                let asset: Asset = params
                    .get("asset")
                    .cloned()
                    .and_then(|a| serde_json::from_value(a).ok())
                    .ok_or_else(bad_request)?;
                let bytes = base64_decode(&asset.content).ok_or_else(bad_request)?;
                self.apply(&[Change::Write(asset.path.clone(), bytes)])?;
                self.media_file(&asset.path)
                    .ok_or_else(|| (500, super::text("file non scritto", "file not written")))
            }
            "deleteFile" => {
                let path = text("path").to_string();
                self.apply(&[Change::Remove(path.clone())])?;
                Ok(json!({ "message": format!("deleted file {path}") }))
            }
            "deleteFiles" => {
                let paths: Vec<String> = params
                    .get("paths")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                self.apply(
                    &paths
                        .iter()
                        .cloned()
                        .map(Change::Remove)
                        .collect::<Vec<_>>(),
                )?;
                Ok(json!({ "message": format!("deleted files {}", paths.join(", ")) }))
            }
            "getDeployPreview" => Ok(Value::Null),
            other => Err((
                422,
                super::text(
                    &format!("azione sconosciuta «{other}»"),
                    &format!("unknown action '{other}'"),
                ),
            )),
        }
    }

    fn persist_entry(&self, params: &Value) -> Result<Value, (u16, String)> {
        let mut data_files: Vec<DataFile> = match params.get("dataFiles") {
            Some(files) => serde_json::from_value(files.clone()).map_err(|_| bad_request())?,
            None => Vec::new(),
        };
        if data_files.is_empty() {
            let entry = params.get("entry").cloned().ok_or_else(bad_request)?;
            data_files.push(serde_json::from_value(entry).map_err(|_| bad_request())?);
        }
        let assets: Vec<Asset> = params
            .get("assets")
            .cloned()
            .and_then(|a| serde_json::from_value(a).ok())
            .unwrap_or_default();
        let mut changes = Vec::new();
        for asset in assets {
            let bytes = base64_decode(&asset.content).ok_or_else(bad_request)?;
            changes.push(Change::Write(asset.path, bytes));
        }
        for mut file in data_files {
            Self::writable(&file.path)?;
            file.raw = self.tidy(&file.path, &file.raw);
            match file.new_path {
                // A renamed page: the new file, and the old one removed.
                Some(new_path) if new_path != file.path => {
                    changes.push(Change::Write(new_path, file.raw.into_bytes()));
                    changes.push(Change::Remove(file.path));
                }
                _ => changes.push(Change::Write(file.path, file.raw.into_bytes())),
            }
        }
        self.apply(&changes)?;
        Ok(json!({ "message": "entry persisted" }))
    }

    /// A page as Decap wrote it, tidied (see [`super::tidy`]): the old
    /// front matter's comments back in place, emptied optional fields left
    /// out.
    fn tidy(&self, path: &str, raw: &str) -> String {
        let mut text = raw.to_string();
        if let Ok(old) = std::fs::read_to_string(self.root.join(path)) {
            text = super::tidy::keep_comments(&old, &text);
        }
        super::tidy::drop_empty_optional(&text, &self.required_fields(path))
    }

    /// The front-matter fields a page at `path` must have, as key paths
    /// (`title`, `extra.istat`), from its section's schema in site.yaml.
    fn required_fields(&self, path: &str) -> Vec<String> {
        let mut required = vec!["title".to_string()];
        let site = std::fs::read_to_string(self.root.join("site.yaml"))
            .ok()
            .and_then(|t| {
                crate::schema::config::SiteConfig::parse(&t, Path::new("site.yaml")).ok()
            });
        let Some(site) = site else {
            return required;
        };
        let rel = Path::new(path)
            .strip_prefix("content")
            .unwrap_or(Path::new(path));
        let is_index = rel.file_name().is_some_and(|n| n == "_index.md");
        // The section: the page's folder, or the bundle's folder's.
        let section = rel.ancestors().skip(1).find_map(|dir| {
            let key = dir.to_string_lossy().replace('\\', "/");
            site.sections.get(&key)
        });
        let fields = section.and_then(|s| {
            if is_index {
                s.section_fields.as_ref()
            } else {
                s.fields.as_ref()
            }
        });
        for (name, spec) in fields.into_iter().flatten() {
            if spec.required {
                required.push(format!("extra.{name}"));
            }
        }
        required
    }

    /// Checks `changes` on a private copy of the site, then, if they add
    /// no error, makes them in the working copy.
    fn apply(&self, changes: &[Change]) -> Result<(), (u16, String)> {
        for change in changes {
            let path = match change {
                Change::Write(p, _) | Change::Remove(p) => p,
            };
            Self::writable(path)?;
        }
        let _one_at_a_time = self.writing.lock().map_err(|_| busy())?;
        let added = self.errors_added(changes).map_err(|e| {
            let e = crate::report::messages::io_detail(&e);
            (
                500,
                super::text(
                    &format!("impossibile controllare la modifica: {e}"),
                    &format!("cannot check the change: {e}"),
                ),
            )
        })?;
        if !added.is_empty() {
            let lines: Vec<String> = added.iter().map(ToString::to_string).collect();
            let intro = super::text(
                "salvataggio rifiutato: «ambito check» lo rifiuterebbe. Correggi e salva di nuovo",
                "save refused: «ambito check» would refuse it. Fix it and save again",
            );
            eprintln!("{intro}");
            for l in &lines {
                eprintln!("  {l}");
            }
            return Err((422, format!("{intro}: {}", lines.join(" — "))));
        }
        for change in changes {
            write_change(&self.root, change).map_err(|e| {
                let e = crate::report::messages::io_detail(&e);
                (
                    500,
                    super::text(
                        &format!("impossibile scrivere il file: {e}"),
                        &format!("cannot write the file: {e}"),
                    ),
                )
            })?;
        }
        Ok(())
    }

    /// The errors `changes` would add to the site: those `ambito check`
    /// finds with them and not without them.
    fn errors_added(&self, changes: &[Change]) -> std::io::Result<Vec<Diagnostic>> {
        let key = |d: &Diagnostic| (d.file.clone(), d.message.to_string());
        let before: BTreeSet<_> = check(&self.root).iter().map(key).collect();
        let copy = tempfile::Builder::new()
            .prefix("ambito-cms-controllo-")
            .tempdir()?;
        copy_site(&self.root, copy.path())?;
        for change in changes {
            write_change(copy.path(), change)?;
        }
        let after = check(copy.path());
        Ok(after
            .into_iter()
            .filter(|d| !before.contains(&key(d)))
            .collect())
    }

    /// `path` (relative to the site) if it stays inside the site.
    fn inside(path: &str) -> Result<PathBuf, (u16, String)> {
        let rel = Path::new(path);
        let safe = !path.is_empty()
            && rel
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if safe {
            Ok(rel.to_path_buf())
        } else {
            Err((
                422,
                super::text(
                    &format!("percorso non ammesso: «{path}»"),
                    &format!("path not allowed: '{path}'"),
                ),
            ))
        }
    }

    /// Whether the editor may change `path`: pages and their files in
    /// `content/`, images in `static/`; never anything else.
    fn writable(path: &str) -> Result<(), (u16, String)> {
        let rel = Self::inside(path)?;
        let top = rel.components().next().map(|c| c.as_os_str().to_owned());
        if top.is_some_and(|t| t == "content" || t == "static") && rel.components().count() > 1 {
            Ok(())
        } else {
            Err((
                422,
                super::text(
                    &format!(
                        "l’editor può modificare solo i file in content/ e static/, non «{path}»"
                    ),
                    &format!(
                        "the editor may only change files in content/ and static/, not '{path}'"
                    ),
                ),
            ))
        }
    }

    fn entry(&self, path: &str) -> Value {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => json!({
                "data": String::from_utf8_lossy(&bytes),
                "file": { "path": path, "id": content_id(&bytes) },
            }),
            Err(_) => json!({ "data": null, "file": { "path": path, "id": null } }),
        }
    }

    fn media_file(&self, path: &str) -> Option<Value> {
        let bytes = std::fs::read(self.root.join(path)).ok()?;
        let name = Path::new(path).file_name()?.to_string_lossy().into_owned();
        Some(json!({
            "id": content_id(&bytes),
            "content": base64_encode(&bytes),
            "encoding": "base64",
            "path": path,
            "name": name,
        }))
    }
}

fn bad_request() -> (u16, String) {
    (
        400,
        super::text("richiesta non valida", "malformed request"),
    )
}

fn busy() -> (u16, String) {
    (
        500,
        super::text(
            "un salvataggio precedente si è interrotto: riavvia «ambito serve --admin»",
            "an earlier save was interrupted: restart «ambito serve --admin»",
        ),
    )
}

/// The errors `ambito check` finds in the site at `root` (none for a site
/// that checks clean).
pub fn check(root: &Path) -> Vec<Diagnostic> {
    let mut opts = BuildOptions::new(root);
    opts.output = None;
    match prepare(&opts) {
        Ok(_) => Vec::new(),
        Err(BuildError::Invalid(diags)) => diags.into_iter().filter(Diagnostic::is_error).collect(),
        Err(e) => vec![Diagnostic::file(
            Path::new("site.yaml"),
            crate::msg!(VERBATIM, text = e.to_string()),
        )],
    }
}

/// Copies what a check reads: `site.yaml` and `content/` as files (the
/// changes go there), the other folders as links to the real ones.
fn copy_site(root: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let skip = [
            ".git",
            "public",
            "target",
            "node_modules",
            ".public.staging",
        ];
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let from = entry.path();
        let dest = to.join(&name);
        if name == "content" {
            copy_tree(&from, &dest)?;
        } else if entry.file_type()?.is_dir() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(&from, &dest)?;
            #[cfg(not(unix))]
            copy_tree(&from, &dest)?;
        } else {
            std::fs::copy(&from, &dest)?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn write_change(root: &Path, change: &Change) -> std::io::Result<()> {
    match change {
        Change::Write(path, bytes) => {
            let file = root.join(path);
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(file, bytes)
        }
        Change::Remove(path) => match std::fs::remove_file(root.join(path)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

/// The files under `root/folder`, `depth` levels down, whose names end
/// with `extension`, as paths relative to `root` with `/`.
fn list_files(root: &Path, folder: &Path, extension: &str, depth: u64, out: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let rel = folder.join(entry.file_name());
        let path = entry.path();
        if path.is_dir() {
            list_files(root, &rel, extension, depth - 1, out);
        } else if entry.file_name().to_string_lossy().ends_with(extension) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// An identifier of a file's content (Decap uses it to tell versions
/// apart): FNV-1a, 64 bits, and the length.
fn content_id(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}-{}", bytes.len())
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = BASE64.iter().position(|b| *b == c)?;
        acc = (acc << 6) | u32::try_from(v).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "ciao, Barga!"] {
            let e = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&e).unwrap(), s.as_bytes(), "{e}");
        }
        assert_eq!(base64_encode(b"ab"), "YWI=");
    }

    #[test]
    fn only_content_and_static_are_writable() {
        assert!(LocalBackend::writable("content/notizie/a.md").is_ok());
        assert!(LocalBackend::writable("static/immagini/a.png").is_ok());
        assert!(LocalBackend::writable("site.yaml").is_err());
        assert!(LocalBackend::writable("content/../site.yaml").is_err());
        assert!(LocalBackend::writable("/etc/passwd").is_err());
        assert!(LocalBackend::writable("content").is_err());
    }
}

//! Writing the site: everything goes to a staging folder beside the
//! output, which replaces the output only once the whole build succeeded.
//! A failed build leaves the published site exactly as it was.
//!
//! Rebuilds are incremental: the tree swapped out by the previous build is
//! kept as `.<name>.previous` and reused as the next staging folder. Its
//! content is never trusted: a file there is kept only when it is the very
//! file (same inode, a hard link) that the published output holds and the
//! new build produces the same bytes; every other file is rewritten, and
//! whatever the new build does not produce is deleted. A file whose bytes
//! did not change is thus a hard link to the published one, and keeps its
//! modification time across the swap.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A staging folder being filled. Dropped without [`Staging::commit`], it
/// is set aside for reuse (as unknown content) and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    kept: PathBuf,
    target: PathBuf,
    produced: Mutex<HashSet<PathBuf>>,
    /// The staging folder started empty and there is no published output
    /// (a first build, or one into a new folder): nothing can be in the
    /// way of a file and nothing can be reused or left over, so files are
    /// written without the checks a reused tree needs.
    fresh: bool,
    committed: bool,
}

impl Staging {
    /// Prepares `.<name>.staging` beside `target` (same file system, so the
    /// final swap is a rename), reusing the tree kept by the previous build
    /// or a leftover from a crashed one.
    pub fn create(target: &Path) -> io::Result<Staging> {
        let name = target.file_name().map_or_else(
            || "public".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let dir = parent.join(format!(".{name}.staging"));
        let kept = parent.join(format!(".{name}.previous"));
        let mut created = false;
        if !is_real_dir(&dir) {
            remove_any(&dir)?;
            if is_real_dir(&kept) {
                fs::rename(&kept, &dir)?;
            } else {
                remove_any(&kept)?;
                fs::create_dir(&dir)?;
                created = true;
            }
        }
        // Leftover of both (a crash between steps): the staging one is reused.
        remove_any(&kept)?;
        Ok(Staging {
            dir,
            kept,
            target: target.to_path_buf(),
            produced: Mutex::new(HashSet::new()),
            fresh: created && fs::symlink_metadata(target).is_err(),
            committed: false,
        })
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(
            rel,
            |published| Ok(fs::read(published)? == bytes),
            |to| fs::write(to, bytes),
        )
    }

    /// Copies a file into the staging folder at `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.put(
            rel,
            |published| same_bytes(from, published),
            |to| fs::copy(from, to).map(|_| ()),
        )
    }

    /// Puts one file at `rel`: a hard link to the published file when
    /// `unchanged` says its bytes are the new ones, else a new file.
    fn put(
        &self,
        rel: &str,
        unchanged: impl Fn(&Path) -> io::Result<bool>,
        create: impl Fn(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            make_dirs(&self.dir, parent)?;
        }
        if self.fresh {
            return create(&path);
        }
        if let Ok(mut produced) = self.produced.lock() {
            produced.insert(PathBuf::from(rel));
        }
        let published = self.target.join(rel);
        let is_file = fs::symlink_metadata(&published).is_ok_and(|m| m.is_file());
        if is_file && unchanged(&published).unwrap_or(false) {
            if same_file(&path, &published) {
                return Ok(());
            }
            remove_any(&path)?;
            if fs::hard_link(&published, &path).is_ok() {
                return Ok(());
            }
        }
        // Never write into an existing file: it may be a link to a published one.
        remove_any(&path)?;
        create(&path)
    }

    /// Deletes what the build did not produce, then puts the staging folder
    /// in place of the output and keeps the previous output for next time.
    pub fn commit(mut self) -> io::Result<()> {
        let produced = self
            .produced
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        // A fresh tree holds only what this build wrote.
        if !self.fresh {
            prune(&self.dir, Path::new(""), &produced)?;
        }
        swap_into_place(&self.dir, &self.target)?;
        self.committed = true;
        // After the swap `dir` holds the previous output (or nothing).
        if self.dir.exists() {
            fs::rename(&self.dir, &self.kept)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Unknown content now; the next build verifies every file.
            if fs::rename(&self.dir, &self.kept).is_err() {
                let _ = fs::remove_dir_all(&self.dir);
            }
        }
    }
}

/// Replaces the file at `rel` in the folder `dir` with `bytes`, unless it
/// already holds them; returns whether it wrote. The new file is written
/// beside the old one and renamed over it, so a reader sees one or the
/// other, never half a file (the preview serves `dir` while it updates).
pub fn replace_if_changed(dir: &Path, rel: &str, bytes: &[u8]) -> io::Result<bool> {
    let path = dir.join(rel);
    if fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        make_dirs(dir, parent)?;
    }
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.nuovo"));
    fs::write(&temp, bytes)?;
    fs::rename(&temp, &path)?;
    Ok(true)
}

/// Makes the folder `folder` of `dir` hold exactly `files` (paths relative
/// to `dir`, all under `folder`): each replaced as
/// [`replace_if_changed`] does, in the order given (so an entry file that
/// names the others can come last), then the files no longer listed
/// removed. Returns how many files it wrote.
pub fn replace_folder(dir: &Path, folder: &str, files: &[(String, Vec<u8>)]) -> io::Result<usize> {
    let mut written = 0;
    for (rel, bytes) in files {
        written += usize::from(replace_if_changed(dir, rel, bytes)?);
    }
    let keep: HashSet<PathBuf> = files.iter().map(|(rel, _)| dir.join(rel)).collect();
    for entry in walkdir::WalkDir::new(dir.join(folder)) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() && !keep.contains(entry.path()) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(written)
}

/// Whether `p` is a folder itself (not a link to one).
fn is_real_dir(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// Removes whatever is at `p` (file, link or folder); nothing there is fine.
fn remove_any(p: &Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
    }
}

/// Creates `dir` and its parents inside `root`, removing files or links
/// that a previous build left where a folder is now needed.
fn make_dirs(root: &Path, dir: &Path) -> io::Result<()> {
    if is_real_dir(dir) {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        if parent != root && parent.starts_with(root) {
            make_dirs(root, parent)?;
        }
    }
    // Only a file or link is in the way: another thread may have created
    // the folder since the check above (pages are written in parallel),
    // and removing it would take that thread's files with it.
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => match fs::remove_file(dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        },
        Err(_) => {}
    }
    match fs::create_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_dir(dir) => Ok(()),
        other => other,
    }
}

/// Deletes files under `root/rel` that are not in `produced`, and folders
/// left empty. Returns whether the folder itself is now empty.
fn prune(root: &Path, rel: &Path, produced: &HashSet<PathBuf>) -> io::Result<bool> {
    let mut empty = true;
    for entry in fs::read_dir(root.join(rel))? {
        let entry = entry?;
        let child = rel.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if prune(root, &child, produced)? {
                fs::remove_dir(root.join(&child))?;
            } else {
                empty = false;
            }
        } else if kind.is_file() && produced.contains(&child) {
            empty = false;
        } else {
            fs::remove_file(root.join(&child))?;
        }
    }
    Ok(empty)
}

/// Whether two paths name the same file (hard links to one inode).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Whether two files hold the same bytes.
fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    if fs::metadata(a)?.len() != fs::metadata(b)?.len() {
        return Ok(false);
    }
    Ok(fs::read(a)? == fs::read(b)?)
}

/// Replaces `target` with `staged`. On Linux the two folders are exchanged
/// in one atomic step (`renameat2(RENAME_EXCHANGE)`), so a web server
/// reading `target` never sees it missing or half-written. Afterwards
/// `staged` holds the previous output, if there was one.
fn swap_into_place(staged: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        return fs::rename(staged, target);
    }
    if exchange(staged, target).is_ok() {
        return Ok(());
    }
    // Fallback (other systems): three renames, with a short window between.
    let old = staged.with_extension("old");
    remove_any(&old)?;
    fs::rename(target, &old)?;
    if let Err(e) = fs::rename(staged, target) {
        let _ = fs::rename(&old, target);
        return Err(e);
    }
    fs::rename(old, staged)
}
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other(
        crate::msg!(ATOMIC_EXCHANGE_UNAVAILABLE).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();

        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"new").unwrap();
        drop(s);
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");
        assert!(!tmp.path().join(".public.staging").exists());

        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!tmp.path().join(".public.staging").exists());
    }

    /// Threads writing pages in sibling folders must never undo each
    /// other's folders (a fresh staging tree, parents created on demand).
    #[test]
    fn parallel_writes_into_new_folders_all_survive() {
        for round in 0..30 {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("public");
            let s = Staging::create(&out).unwrap();
            std::thread::scope(|scope| {
                for t in 0..4 {
                    let s = &s;
                    scope.spawn(move || {
                        for i in 0..25 {
                            let rel = format!("sez{}/p{t}-{i}/index.html", i % 3);
                            s.write(&rel, rel.as_bytes()).unwrap();
                        }
                    });
                }
            });
            s.commit().unwrap();
            for t in 0..4 {
                for i in 0..25 {
                    let rel = format!("sez{}/p{t}-{i}/index.html", i % 3);
                    assert!(out.join(&rel).is_file(), "round {round}: {rel} lost");
                }
            }
        }
    }

    #[test]
    fn rebuild_keeps_unchanged_files_and_never_trusts_the_kept_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for _ in 0..2 {
            let s = Staging::create(&out).unwrap();
            s.write("a/index.html", b"same").unwrap();
            s.write("b/index.html", b"gone soon").unwrap();
            s.commit().unwrap();
        }
        let before = fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        // Tamper with the kept tree: a stale file where a page goes.
        let kept = tmp.path().join(".public.previous");
        fs::remove_file(kept.join("a/index.html")).unwrap();
        fs::write(kept.join("a/index.html"), "stale").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Staging::create(&out).unwrap();
        s.write("a/index.html", b"same").unwrap();
        s.write("c/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
        let after = fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
        assert!(!out.join("b").exists());
        assert_eq!(fs::read_to_string(out.join("c/index.html")).unwrap(), "new");
    }
}

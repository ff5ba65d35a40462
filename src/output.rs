//! Writing the site: everything goes to a staging folder beside the
//! output, which replaces the output only once the whole build succeeded.
//! A failed build leaves the published site exactly as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A staging folder being filled. Dropped without [`Staging::commit`], it
/// is removed and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.staging` beside `target` (same file system, so the
    /// final swap is a rename). A leftover from a crashed build is removed.
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
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    /// Copies a file into the staging folder at `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(from, path).map(|_| ())
    }

    /// Puts the staging folder in place of the output.
    pub fn commit(mut self) -> io::Result<()> {
        swap_into_place(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Replaces `target` with `staged`. On Linux the two folders are exchanged
/// in one atomic step (`renameat2(RENAME_EXCHANGE)`), so a web server
/// reading `target` never sees it missing or half-written.
fn swap_into_place(staged: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        return fs::rename(staged, target);
    }
    if exchange(staged, target).is_ok() {
        // `staged` now holds the previous output.
        return fs::remove_dir_all(staged);
    }
    // Fallback (other systems): two renames, with a short window between.
    let old = staged.with_extension("old");
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    fs::rename(target, &old)?;
    if let Err(e) = fs::rename(staged, target) {
        let _ = fs::rename(&old, target);
        return Err(e);
    }
    fs::remove_dir_all(old)
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
    Err(io::Error::other("atomic exchange not available"))
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
}

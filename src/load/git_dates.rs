//! "Data ultima modifica" without manual upkeep: the date of the last
//! commit that changed a page's file, read from the repository the site
//! lives in (with gix, in process: no `git` run per file), as Hugo's
//! `enableGitInfo`. A file that differs from the last commit (an edit not
//! yet committed) or lies outside a repository has no commit date: the
//! caller falls back to the file's modification time, never the build date.

use crate::text::date::Date;
use gix::ObjectId;
use std::collections::HashMap;
use std::path::Path;

/// How many commits to read at most: enough for years of a site's
/// history, bounded for a huge repository.
const MAX_COMMITS: usize = 20_000;

/// The last change of every file under a folder, as committed.
#[derive(Debug, Default)]
pub struct History {
    /// Path relative to the folder (`comuni/barga.md`) → (its blob at
    /// HEAD, the date of the newest commit that changed it).
    files: HashMap<String, (ObjectId, Date)>,
}

impl History {
    /// Reads the history of the files under `dir` (usually `content/`).
    /// Empty when `dir` is in no repository, or the repository has no
    /// commit yet: every date then comes from the file system.
    pub fn load(dir: &Path) -> History {
        load(dir).unwrap_or_default()
    }

    /// The commit date of the file at `rel` (relative to the folder), if
    /// `bytes`, its content now, is what was committed.
    pub fn date(&self, rel: &str, bytes: &[u8]) -> Option<Date> {
        let (blob, date) = self.files.get(rel)?;
        let now = gix::objs::compute_hash(blob.kind(), gix::objs::Kind::Blob, bytes).ok()?;
        (now == *blob).then_some(*date)
    }

    /// How many files have a commit date.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file has a commit date.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn load(dir: &Path) -> Option<History> {
    let dir = dir.canonicalize().ok()?;
    let repo = gix::discover(&dir).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let prefix: Vec<String> = dir
        .strip_prefix(&workdir)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut commit = repo.head_commit().ok()?;
    let head_tree = subtree(&repo, commit.tree_id().ok()?.detach(), &prefix)?;
    // Every file at HEAD, with its blob: these are the dates to find.
    let mut wanted: HashMap<String, ObjectId> = HashMap::new();
    flatten(&repo, head_tree, "", &mut wanted);
    let mut files = HashMap::new();
    for _ in 0..MAX_COMMITS {
        if wanted.is_empty() {
            break;
        }
        let time = commit.time().ok()?;
        let date = Date::from_unix(time.seconds, time.offset);
        let tree = subtree(&repo, commit.tree_id().ok()?.detach(), &prefix);
        // First parent only: the history as the branch saw it.
        let parent = commit
            .parent_ids()
            .next()
            .and_then(|id| repo.find_commit(id.detach()).ok());
        let parent_tree = parent
            .as_ref()
            .and_then(|p| subtree(&repo, p.tree_id().ok()?.detach(), &prefix));
        let mut changed = Vec::new();
        if let Some(tree) = tree {
            changes(&repo, tree, parent_tree, "", &mut changed);
        }
        // Newest first: the first commit seen changing a file is its last
        // change (whatever version it made).
        for (path, _) in changed {
            if let Some(blob) = wanted.remove(&path) {
                files.insert(path, (blob, date));
            }
        }
        match parent {
            Some(p) => commit = p,
            None => break,
        }
    }
    Some(History { files })
}

/// The tree at `prefix` inside the tree `root`.
fn subtree(repo: &gix::Repository, root: ObjectId, prefix: &[String]) -> Option<ObjectId> {
    let mut id = root;
    for name in prefix {
        let tree = repo.find_tree(id).ok()?;
        let found = tree
            .iter()
            .filter_map(Result::ok)
            .find(|e| e.mode().is_tree() && e.filename() == name.as_bytes())?;
        id = found.oid().to_owned();
    }
    Some(id)
}

/// Every blob under `tree`: path → blob.
fn flatten(
    repo: &gix::Repository,
    tree: ObjectId,
    base: &str,
    out: &mut HashMap<String, ObjectId>,
) {
    let Ok(t) = repo.find_tree(tree) else {
        return;
    };
    for entry in t.iter().filter_map(Result::ok) {
        let path = join(base, &entry.filename().to_string());
        if entry.mode().is_tree() {
            flatten(repo, entry.oid().to_owned(), &path, out);
        } else if entry.mode().is_blob() {
            out.insert(path, entry.oid().to_owned());
        }
    }
}

/// The blobs of `tree` that are not in `parent` as they are (new or
/// changed), descending only into subtrees that differ.
fn changes(
    repo: &gix::Repository,
    tree: ObjectId,
    parent: Option<ObjectId>,
    base: &str,
    out: &mut Vec<(String, ObjectId)>,
) {
    if Some(tree) == parent {
        return;
    }
    let Ok(t) = repo.find_tree(tree) else {
        return;
    };
    let before: HashMap<String, ObjectId> = parent
        .and_then(|p| repo.find_tree(p).ok())
        .map(|p| {
            p.iter()
                .filter_map(Result::ok)
                .map(|e| (e.filename().to_string(), e.oid().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    for entry in t.iter().filter_map(Result::ok) {
        let name = entry.filename().to_string();
        let id = entry.oid().to_owned();
        let old = before.get(&name).copied();
        if old == Some(id) {
            continue;
        }
        let path = join(base, &name);
        if entry.mode().is_tree() {
            changes(repo, id, old, &path, out);
        } else if entry.mode().is_blob() {
            out.push((path, id));
        }
    }
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}/{name}")
    }
}

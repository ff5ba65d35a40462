//! The record of a file that came with a post: what the upload writes,
//! the store keeps (its `files` table has one column per field), and the
//! emails, pages and exports list. It lives apart from both the upload and
//! the store so that neither has to import the other.

use ambito_form::filetype::FileType;

/// A file received and checked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Received {
    /// The field it was sent in.
    pub field: String,
    /// Its name as the sender gave it, as text to show only (the last
    /// path component, control and format characters dropped): never
    /// used as a file name, see [`Received::file_name`].
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

impl Received {
    /// The name the file goes by outside the service, from its position
    /// (1-based) and its detected type: `allegato-1.pdf`.
    pub fn file_name(&self, position: usize) -> String {
        let ext = self
            .kind
            .extensions()
            .first()
            .map_or("bin", |e| e.trim_start_matches('.'));
        format!("allegato-{position}.{ext}")
    }
}

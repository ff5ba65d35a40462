//! Folders the service creates: they hold personal data (the database,
//! uploaded files, emails written as files), so only their owner may
//! read them.

use std::path::Path;

/// Creates `dir` and its missing parents readable by the owner only
/// (`0700`): they hold personal data.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

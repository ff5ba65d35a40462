//! Paths and addresses as text, shared by every stage that follows a link:
//! percent-decoding, `.`/`..` resolution, and Markdown file names.

/// The extensions of Markdown files: `.md`, and `.markdown` as Jekyll
/// sites often name them.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown"];

/// `file.md` or `file.markdown` without its extension, if it is Markdown.
pub fn markdown_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    MARKDOWN_EXTENSIONS.contains(&ext).then_some(stem)
}

/// `%C3%A0` → `à`: a link written with escapes names the same file as one
/// written plainly. A `%` not followed by two hex digits is kept as it is,
/// and bytes that are not UTF-8 become U+FFFD (such a link cannot name a
/// page, and is reported as pointing nowhere).
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// `a/./b/../c` → `a/c`; `None` when `..` climbs above the site.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            "" if i != last => {}
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("citt%C3%A0/a%20b"), "città/a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn dots_are_resolved_within_the_site() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("a/b/").as_deref(), Some("a/b/"));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn markdown_names() {
        assert_eq!(markdown_stem("barga.md"), Some("barga"));
        assert_eq!(markdown_stem("post.markdown"), Some("post"));
        assert_eq!(markdown_stem("foto.png"), None);
        assert_eq!(markdown_stem("README"), None);
    }
}

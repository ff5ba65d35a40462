//! What the local backend tidies in the pages Decap writes, before they
//! are checked and saved.
//!
//! - Comments: Decap rewrites a page's YAML front matter from its fields
//!   and drops the comments written in it (the notes that say why a value
//!   is what it is). Each comment block of the old front matter is put
//!   back above the same key (`extra.popolazione_2011`) in the new one,
//!   with the new indentation; a block whose key is gone goes with it.
//! - Emptied optional fields: Decap writes a field someone filled and then
//!   emptied as `""`, which for a number or a date is a wrong type. An
//!   optional field left empty is a field not given: its line is removed.

use std::collections::HashMap;

/// The front matter of a page (between the `---` lines) and the rest.
fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = if rest.starts_with("---\n") {
        0
    } else {
        rest.find("\n---\n").map(|i| i + 1)?
    };
    Some((&rest[..end], &rest[end..]))
}

/// A line's key and indentation, if it is `key: …` (not a list item, a
/// comment or a continuation).
fn key_of(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
        return None;
    }
    let (key, _) = trimmed.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    plain.then_some((indent, key))
}

/// Walks the front matter's lines, calling `f` with each line and, for a
/// key line, its path (`extra.istat`).
fn walk<'a>(front: &'a str, mut f: impl FnMut(&'a str, Option<String>)) {
    let mut stack: Vec<(usize, &str)> = Vec::new();
    for line in front.lines() {
        let path = key_of(line).map(|(indent, key)| {
            while stack.last().is_some_and(|(i, _)| *i >= indent) {
                stack.pop();
            }
            stack.push((indent, key));
            stack.iter().map(|(_, k)| *k).collect::<Vec<_>>().join(".")
        });
        f(line, path);
    }
}

/// `new` with the comments of `old`'s front matter put back; `new` as it
/// is when either has no YAML front matter or `new` has comments already.
pub fn keep_comments(old: &str, new: &str) -> String {
    let (Some((old_front, _)), Some((new_front, new_rest))) = (split(old), split(new)) else {
        return new.to_string();
    };
    if new_front.lines().any(|l| l.trim_start().starts_with('#')) {
        return new.to_string();
    }
    // Comment blocks of the old front matter, by the key that follows.
    let mut blocks: HashMap<String, Vec<&str>> = HashMap::new();
    let mut pending: Vec<&str> = Vec::new();
    walk(old_front, |line, path| {
        if line.trim_start().starts_with('#') {
            pending.push(line.trim_start());
        } else if let Some(path) = path {
            if !pending.is_empty() {
                blocks.insert(path, std::mem::take(&mut pending));
            }
        } else if !line.trim().is_empty() {
            // A comment above a list item: its place is not kept.
            pending.clear();
        }
    });
    let trailing = pending;
    if blocks.is_empty() && trailing.is_empty() {
        return new.to_string();
    }
    let mut out = String::from("---\n");
    walk(new_front, |line, path| {
        if let Some(block) = path.and_then(|p| blocks.remove(&p)) {
            let indent = &line[..line.len() - line.trim_start().len()];
            for comment in block {
                out.push_str(indent);
                out.push_str(comment);
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    });
    for comment in trailing {
        out.push_str(comment);
        out.push('\n');
    }
    out.push_str(new_rest);
    out
}

/// `text` without the front-matter lines `key: ""` (or `''`) whose key
/// path is not in `required`: an emptied optional field is not given.
pub fn drop_empty_optional(text: &str, required: &[String]) -> String {
    let Some((front, rest)) = split(text) else {
        return text.to_string();
    };
    let mut out = String::from("---\n");
    walk(front, |line, path| {
        let value = line.split_once(':').map(|(_, v)| v.trim());
        let empty = matches!(value, Some("\"\"" | "''"));
        let dropped = empty && path.is_some_and(|p| !required.contains(&p));
        if !dropped {
            out.push_str(line);
            out.push('\n');
        }
    });
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{drop_empty_optional, keep_comments};

    #[test]
    fn emptied_optional_fields_are_left_out() {
        let text = "---\ntitle: \"\"\ndescription: \"\"\nextra:\n  decreto_numero: \"\"\n  istat: ''\n  cap: \"55051\"\n---\nx: \"\"\n";
        let required = vec!["title".to_string(), "extra.istat".to_string()];
        assert_eq!(
            drop_empty_optional(text, &required),
            "---\ntitle: \"\"\nextra:\n  istat: ''\n  cap: \"55051\"\n---\nx: \"\"\n"
        );
    }

    #[test]
    fn comments_go_back_above_their_keys() {
        let old = "---\ntitle: A\n# Why this date.\n# Two lines.\ndate: 2022-06-14\nargomenti: [Scadenze]\nextra:\n  # The decree.\n  progetto: av1-113\n  # Gone with its key.\n  vecchio: 1\n# At the end.\n---\nBody\n";
        let new = "---\ntitle: B\ndate: 2022-06-15\nargomenti:\n  - Scadenze\nextra:\n  progetto: av1-113\n  nuovo: 2\n---\nBody changed\n";
        assert_eq!(
            keep_comments(old, new),
            "---\ntitle: B\n# Why this date.\n# Two lines.\ndate: 2022-06-15\nargomenti:\n  - Scadenze\nextra:\n  # The decree.\n  progetto: av1-113\n  nuovo: 2\n# At the end.\n---\nBody changed\n"
        );
    }

    #[test]
    fn without_comments_or_front_matter_nothing_changes() {
        let new = "---\ntitle: B\n---\nx\n";
        assert_eq!(keep_comments("---\ntitle: A\n---\n", new), new);
        assert_eq!(keep_comments("title = 'A'\n", new), new);
        assert_eq!(
            keep_comments("---\n# c\ntitle: A\n---\n", "+++\ntitle = 'B'\n+++\n"),
            "+++\ntitle = 'B'\n+++\n"
        );
        // A front matter with nothing in it.
        assert_eq!(
            keep_comments("---\n# c\n---\n", "---\n---\nx\n"),
            "---\n# c\n---\nx\n"
        );
    }
}

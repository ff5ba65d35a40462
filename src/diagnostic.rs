//! Diagnostics: problems found in a site, reported to staff as
//! `file:line:col: error: message`, all at once. This is the one kind of
//! problem in the generator: every step (YAML, front matter, schemas,
//! links, templates, writing) reports `Diagnostic` values.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file, 1-based, counted in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
}

impl Pos {
    /// The position at `line` and `column`.
    pub const fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }

    /// The same position shifted down by `lines` (to map a position inside
    /// front matter to its position in the whole file).
    pub const fn below(self, lines: u32) -> Self {
        Pos {
            line: self.line + lines,
            column: self.column,
        }
    }
}

/// How serious a problem is: an error stops the build, a warning is
/// reported and the build goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The site cannot be published as it is.
    Error,
    /// Worth fixing, but the site can be published.
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, pinned to a file and (when known) a position in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root, as staff see it (`content/comuni/barga.md`).
    pub file: PathBuf,
    /// `None` when the problem concerns the whole file.
    pub pos: Option<Pos>,
    /// Whether the problem stops the build.
    pub severity: Severity,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
    /// The kind of problem, when many of one kind are best told in one
    /// line (a site moved from another generator repeats the same few
    /// problems on every page): see [`crate::migration`].
    pub group: Option<Group>,
}

/// A kind of problem and what it is about (`UnknownField`, `layout`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    /// The kind of problem.
    pub kind: GroupKind,
    /// What it is about: a field name, a shortcode.
    pub name: String,
}

/// Kinds of problems that repeat across pages of a migrated site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKind {
    /// A front-matter field that is not a common field.
    UnknownField,
    /// An `extra:` field not in the section's schema.
    UnknownExtraField,
    /// Syntax of another generator in a body.
    Leftover,
    /// A template a page needs that neither the theme nor the site has.
    MissingTemplate,
    /// A file in `content/` that is neither a page nor a bundle's file.
    StrayFile,
}

impl Diagnostic {
    /// An error at a position in `file`.
    pub fn at(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            pos: Some(pos),
            severity: Severity::Error,
            message: message.into(),
            group: None,
        }
    }

    /// An error about `file` as a whole.
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            pos: None,
            severity: Severity::Error,
            message: message.into(),
            group: None,
        }
    }

    /// The same problem, reported as a warning.
    #[must_use]
    pub fn warning(self) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    /// The same problem, marked as one of a kind that can be grouped.
    #[must_use]
    pub fn grouped(self, kind: GroupKind, name: impl Into<String>) -> Self {
        Diagnostic {
            group: Some(Group {
                kind,
                name: name.into(),
            }),
            ..self
        }
    }

    /// Whether this problem stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&Path, Option<Pos>, Severity, &str) {
        (&self.file, self.pos, self.severity, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Forward slashes on every platform: these paths are read by people.
        let file = self.file.to_string_lossy().replace('\\', "/");
        let label = self.severity.label();
        match self.pos {
            Some(p) => write!(
                f,
                "{file}:{}:{}: {label}: {}",
                p.line, p.column, self.message
            ),
            None => write!(f, "{file}: {label}: {}", self.message),
        }
    }
}

/// `path` as staff see it in messages: relative to the site `root`.
pub fn shown_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Sorts diagnostics by file and position and drops exact repeats, so that a
/// parallel build reports the same list in the same order every time.
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// The 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> Pos {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    Pos::new(line, column)
}

/// A "did you mean" hint: the closest candidate, if it is close enough to be
/// a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.chars().count() / 3) && d < c.chars().count())
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

/// The hint suffix of a message: `` (did you mean `x`?)``, or nothing.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    hint_as(word, candidates, |c| format!("`{c}`"))
}

/// The hint suffix, or `otherwise` when no candidate is close.
pub fn hint_or<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: String,
) -> String {
    let hint = hint(word, candidates);
    if hint.is_empty() {
        otherwise
    } else {
        hint
    }
}

/// The hint suffix with the candidate shown as `show` writes it (a link
/// `@/comuni/barga.md`, an anchor `#contatti`): ` (did you mean …?)`.
pub fn hint_as<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: impl Fn(&str) -> String,
) -> String {
    did_you_mean(word, candidates)
        .map(|c| format!(" (did you mean {}?)", show(c)))
        .unwrap_or_default()
}

/// The suffix for a value outside a short closed list: the likely typo and
/// the whole list, `` (did you mean `x`? types: a, b)``.
pub fn hint_among(word: &str, candidates: &[&str], label: &str) -> String {
    let guess = did_you_mean(word, candidates.iter().copied())
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    format!(" ({guess}{label}: {})", candidates.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_with_and_without_position() {
        let d = Diagnostic::at("content/a.md", Pos::new(4, 3), "boom");
        assert_eq!(d.to_string(), "content/a.md:4:3: error: boom");
        let d = Diagnostic::file("site.yaml", "missing");
        assert_eq!(d.to_string(), "site.yaml: error: missing");
        let d = Diagnostic::at("site.yaml", Pos::new(2, 1), "placeholder").warning();
        assert_eq!(d.to_string(), "site.yaml:2:1: warning: placeholder");
        assert!(!d.is_error());
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncàd", 6), Pos::new(2, 3));
        assert_eq!(line_col("abc", 0), Pos::new(1, 1));
    }

    #[test]
    fn suggestions_only_for_close_words() {
        assert_eq!(
            did_you_mean("istta", ["istat", "cap", "nome"]),
            Some("istat")
        );
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", ["istat", "cap"]), None);
        assert_eq!(did_you_mean("x", ["y"]), None);
    }

    #[test]
    fn hint_suffixes() {
        assert_eq!(hint("istta", ["istat"]), " (did you mean `istat`?)");
        assert_eq!(hint("zzzzzz", ["istat"]), "");
        assert_eq!(
            hint_as("ancora", ["ancore"], |c| format!("#{c}")),
            " (did you mean #ancore?)"
        );
        assert_eq!(
            hint_among("strnig", &["string", "text"], "types"),
            " (did you mean `string`? types: string, text)"
        );
        assert_eq!(
            hint_among("zzzzzz", &["a", "b"], "allowed"),
            " (allowed: a, b)"
        );
    }
}

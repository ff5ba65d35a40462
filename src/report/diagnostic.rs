//! Diagnostics: problems found in a site, reported to staff as
//! `file:line:col: errore: messaggio` (`error:` in English), all at once.
//! This is the one kind of problem in the generator: every step (YAML,
//! front matter, schemas, links, templates, writing) reports `Diagnostic`
//! values, whose messages come from the catalogue ([`crate::report::messages`]).

use crate::report::messages::{Lang, Message};
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
    /// `errore`/`error` or `avviso`/`warning`.
    pub fn label(self) -> Message {
        match self {
            Severity::Error => crate::msg!(ERROR_LABEL),
            Severity::Warning => crate::msg!(WARNING_LABEL),
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
    pub message: Message,
    /// The kind of problem, when many of one kind are best told in one
    /// line (a site moved from another generator repeats the same few
    /// problems on every page): see [`crate::report::migration`].
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
    pub fn at(file: impl Into<PathBuf>, pos: Pos, message: Message) -> Self {
        Diagnostic {
            file: file.into(),
            pos: Some(pos),
            severity: Severity::Error,
            message,
            group: None,
        }
    }

    /// An error about `file` as a whole.
    pub fn file(file: impl Into<PathBuf>, message: Message) -> Self {
        Diagnostic {
            file: file.into(),
            pos: None,
            severity: Severity::Error,
            message,
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

    /// The line staff read, in `lang`:
    /// `content/comuni/barga.md:6:3: errore: campo sconosciuto «istta»`.
    pub fn render(&self, lang: Lang) -> String {
        self.as_message().render(lang)
    }

    /// Where the problem is, as staff read it: `file:line:column`, or the
    /// file alone, with forward slashes on every platform.
    pub fn place(&self) -> String {
        let file = self.file.to_string_lossy().replace('\\', "/");
        match self.pos {
            Some(p) => format!("{file}:{}:{}", p.line, p.column),
            None => file,
        }
    }

    /// The whole line as a message, to quote it in another one.
    pub fn as_message(&self) -> Message {
        crate::msg!(
            DIAGNOSTIC_LINE,
            place = self.place(),
            label = self.severity.label(),
            message = &self.message
        )
    }
}

/// Shown in the chosen language ([`crate::report::messages::language`]).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(crate::report::messages::language()))
    }
}

/// `path` as staff see it in messages: relative to the site `root`.
pub fn shown_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Sorts diagnostics by file and position and drops exact repeats, so that a
/// parallel build reports the same list in the same order every time.
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    // Messages compare by their English text, whatever language is shown,
    // so that the order is the same in both.
    diags.sort_by_cached_key(|d| {
        (
            d.file.clone(),
            d.pos,
            d.severity,
            d.message.render(Lang::En),
        )
    });
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

/// The hint suffix of a message: ` (forse intendevi «x»?)`,
/// `` (did you mean `x`?)``, or nothing.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Message {
    did_you_mean(word, candidates)
        .map_or_else(Message::empty, |c| crate::msg!(DID_YOU_MEAN, candidate = c))
}

/// The hint suffix, or `otherwise` when no candidate is close.
pub fn hint_or<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: Message,
) -> Message {
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
) -> Message {
    did_you_mean(word, candidates).map_or_else(Message::empty, |c| {
        crate::msg!(DID_YOU_MEAN_AS, candidate = show(c))
    })
}

/// The suffix for a value outside a short closed list: the likely typo and
/// the whole list, `` (did you mean `x`? types: a, b)``; `label` names the
/// list (`msg!(LABEL_TYPES)`).
pub fn hint_among(word: &str, candidates: &[&str], label: Message) -> Message {
    let list = candidates.join(", ");
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => crate::msg!(AMONG_WITH_GUESS, candidate = c, label = label, list = list),
        None => crate::msg!(AMONG, label = label, list = list),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::msg;
    use crate::report::messages::Lang;

    #[test]
    fn display_with_and_without_position() {
        let unknown = msg!(
            UNKNOWN_EXTRA_FIELD,
            field = "istta",
            hint = hint("istta", ["istat"])
        );
        let d = Diagnostic::at("content/comuni/barga.md", Pos::new(6, 3), unknown);
        assert_eq!(
            d.render(Lang::It),
            "content/comuni/barga.md:6:3: errore: campo sconosciuto «istta» (forse intendevi «istat»?)"
        );
        assert_eq!(
            d.render(Lang::En),
            "content/comuni/barga.md:6:3: error: unknown field `istta` in front matter (did you mean `istat`?)"
        );
        let d = Diagnostic::file("content", msg!(NO_HOME_PAGE));
        assert_eq!(
            d.render(Lang::En),
            "content: error: there is no content/_index.md: the site has no home page (index.html)"
        );
        let d = Diagnostic::at("site.yaml", Pos::new(2, 1), msg!(NO_DESCRIPTION)).warning();
        assert!(d
            .render(Lang::En)
            .starts_with("site.yaml:2:1: warning: the page"));
        assert!(d
            .render(Lang::It)
            .starts_with("site.yaml:2:1: avviso: la pagina"));
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
        let both = |m: Message| (m.render(Lang::En), m.render(Lang::It));
        assert_eq!(
            both(hint("istta", ["istat"])),
            (
                " (did you mean `istat`?)".into(),
                " (forse intendevi «istat»?)".into()
            )
        );
        assert!(hint("zzzzzz", ["istat"]).is_empty());
        assert_eq!(
            both(hint_as("ancora", ["ancore"], |c| format!("#{c}"))),
            (
                " (did you mean #ancore?)".into(),
                " (forse intendevi #ancore?)".into()
            )
        );
        assert_eq!(
            both(hint_among("strnig", &["string", "text"], msg!(LABEL_TYPES))),
            (
                " (did you mean `string`? types: string, text)".into(),
                " (forse intendevi «string»? tipi: string, text)".into()
            )
        );
        assert_eq!(
            both(hint_among("zzzzzz", &["a", "b"], msg!(LABEL_ALLOWED))),
            (" (allowed: a, b)".into(), " (valori ammessi: a, b)".into())
        );
    }
}

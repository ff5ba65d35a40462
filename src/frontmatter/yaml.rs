//! A YAML tree that remembers where every key and value came from.
//!
//! Front matter schemas are declared at run time (in `site.yaml`), so pages
//! cannot be deserialized into fixed Rust types. Instead the YAML is read
//! through serde (serde-saphyr's `Spanned`) into this small tree, and
//! validation walks it, pointing every problem at a line and column.

use crate::msg;
use crate::report::diagnostic::{Diagnostic, Pos};
use crate::report::messages::Message;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// A YAML node with its position and byte range in the parsed text.
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    /// The value.
    pub value: Value,
    /// Where the node starts in the text.
    pub pos: Pos,
    /// Byte range of the node's source text (for scalars: the scalar as
    /// written, quotes included).
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
/// A YAML value, with its children positioned.
pub enum Value {
    /// Nothing (`~`, or an empty value).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fractional part.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Yaml>),
    /// Keys and values, in the order written.
    Map(Vec<(Key, Yaml)>),
}

/// A mapping key and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as written.
    pub name: String,
    /// Where it was written.
    pub pos: Pos,
}

/// Where a YAML text sits: the file shown to staff, the text itself, and
/// how many file lines come before it (front matter starts on line 2).
/// Positions in the tree are relative to the text; problems found in it
/// are reported through this, at their line in the file.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Path shown to staff (`content/comuni/barga.md`).
    pub file: &'a Path,
    /// The YAML text that was parsed.
    pub text: &'a str,
    /// File lines before the text.
    pub shift: u32,
}

impl Source<'_> {
    /// An error at `pos` (a position in the text), pinned to the file.
    pub fn error(&self, pos: Pos, message: Message) -> Diagnostic {
        Diagnostic::at(self.file, pos.below(self.shift), message)
    }

    /// The scalar `y` as written (see [`Yaml::raw_text`]).
    pub fn raw_text(&self, y: &Yaml) -> Option<&str> {
        y.raw_text(self.text)
    }
}

impl Value {
    /// What staff would call this kind of value, for error messages.
    pub fn kind(&self) -> Message {
        match self {
            Value::Null => msg!(KIND_NOTHING),
            Value::Bool(_) => msg!(KIND_BOOL),
            Value::Int(_) => msg!(KIND_INTEGER),
            Value::Float(_) => msg!(KIND_NUMBER),
            Value::Str(_) => msg!(KIND_TEXT),
            Value::Seq(_) => msg!(KIND_LIST),
            Value::Map(_) => msg!(KIND_MAP),
        }
    }
}

impl Yaml {
    /// The scalar as written in the source, without surrounding quotes.
    /// Used where text is expected but YAML guessed another type
    /// (`cap: 55051`, `istat: 046002`).
    pub fn raw_text<'s>(&self, source: &'s str) -> Option<&'s str> {
        let raw = source.get(self.span.clone())?.trim();
        Some(raw)
    }
}

/// Parses the YAML document of `source`. Never panics; a syntax error is
/// a diagnostic at its line in the file (at the first line of the text
/// when the parser gives no position), its message prefixed by `what`
/// (`msg!(FRONT_MATTER_NOT_YAML)`).
pub fn parse(source: &Source<'_>, what: Message) -> Result<Yaml, Diagnostic> {
    // Front matter is small and written by people: aliases expanding into
    // huge trees are refused by serde-saphyr's default budget.
    let parsed: Result<Spanned<Node>, _> = serde_saphyr::from_str(source.text);
    parsed.map(Yaml::from).map_err(|err| {
        let pos = err
            .location()
            .filter(|l| l.line() > 0)
            .map_or(Pos::new(1, 1), |l| pos_of(&l));
        source.error(
            pos,
            msg!(WHAT_DETAIL, what = what, detail = staff_message(&err)),
        )
    })
}

/// A YAML error in our words: serde-saphyr's own text speaks to
/// programmers (`set DuplicateKeyPolicy in Options`, `budget breached:
/// Nodes { nodes: 250001 }`), and the parser's syntax errors are in English
/// (`unclosed bracket '['`): each is said in the catalogue's words, without
/// its position (reported separately).
pub(crate) fn staff_message(err: &serde_saphyr::Error) -> Message {
    use serde_saphyr::budget::BudgetBreach;
    use serde_saphyr::Error as E;
    let mut err = err.without_snippet();
    // An error met while expanding an alias: the error itself matters.
    while let E::AliasError { error, .. } = err {
        err = error.without_snippet();
    }
    match err {
        E::DuplicateMappingKey { key: Some(k), .. } => msg!(YAML_DUPLICATE_KEY, key = k),
        E::DuplicateMappingKey { key: None, .. } => msg!(YAML_DUPLICATE_SOME_KEY),
        E::Budget { breach, .. } => {
            let what = match breach {
                BudgetBreach::Depth { .. } => msg!(YAML_TOO_DEEP),
                BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
                    msg!(YAML_TOO_MANY_ALIASES)
                }
                BudgetBreach::Anchors { .. } => msg!(YAML_TOO_MANY_ANCHORS),
                _ => msg!(YAML_TOO_LARGE),
            };
            msg!(YAML_KEEP_SHORT, what = what)
        }
        E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => msg!(YAML_TOO_LARGE_WRITE_OUT),
        E::UnknownAnchor { .. } => msg!(YAML_UNKNOWN_ANCHOR),
        E::Eof { .. } => msg!(YAML_EOF),
        E::MultipleDocuments { .. } => msg!(YAML_MULTIPLE_DOCUMENTS),
        E::IndentationError {
            required, actual, ..
        } => msg!(
            YAML_INDENTATION,
            required = required.to_string(),
            actual = *actual
        ),
        E::QuotingRequired { value, .. } => msg!(YAML_QUOTING_REQUIRED, value = value),
        E::MergeKeyNotAllowed { .. } | E::MergeValueNotMapOrSeqOfMaps { .. } => {
            msg!(YAML_MERGE_KEYS)
        }
        E::InvalidUtf8Input => msg!(YAML_NOT_UTF8),
        other => syntax_message(&bare_message(&other.to_string())),
    }
}

/// A syntax error of the YAML parser (its English text, `detail`) in our
/// words; one we do not know becomes a generic message, never the
/// parser's own text.
fn syntax_message(detail: &str) -> Message {
    let has = |s: &str| detail.contains(s);
    if let Some(rest) = detail.strip_prefix("unclosed bracket '") {
        let (open, close) = if rest.starts_with('{') {
            ("{", "}")
        } else {
            ("[", "]")
        };
        msg!(YAML_UNCLOSED_BRACKET, open = open, close = close)
    } else if has("unclosed quote") {
        msg!(YAML_UNCLOSED_QUOTE)
    } else if has("mismatched bracket") || has("misplaced bracket") {
        msg!(YAML_MISMATCHED_BRACKET)
    } else if let Some(rest) = detail.strip_prefix("unexpected character: `") {
        let character = rest.strip_suffix('\'').unwrap_or(rest);
        msg!(YAML_UNEXPECTED_CHARACTER, character = character)
    } else if has("tab") {
        msg!(YAML_TAB)
    } else if has("mapping values are not allowed") {
        msg!(YAML_COLON_IN_VALUE)
    } else if has("block mapping, did not find expected key") {
        msg!(YAML_EXPECTED_FIELD)
    } else if has("expected ',' or") {
        msg!(YAML_EXPECTED_COMMA)
    } else if has("did not find expected '-' indicator") {
        msg!(YAML_EXPECTED_DASH)
    } else if has("indentation") || has("wrongly indented") {
        msg!(YAML_BAD_INDENTATION)
    } else if has("simple key") {
        msg!(YAML_MISSING_COLON)
    } else if has("escape") || has("hexadecimal") || has("surrogate") {
        msg!(YAML_BAD_ESCAPE)
    } else if has("trailing content after") {
        msg!(YAML_AFTER_QUOTE)
    } else if has("block sequence entries are not allowed") || has("is only valid inside a block") {
        msg!(YAML_DASH_HERE)
    } else if has("EOF") || has("eof") {
        msg!(YAML_EOF)
    } else {
        msg!(YAML_SYNTAX)
    }
}

/// serde-saphyr renders `error: line 2 column 6: message`; the position is
/// reported separately, so keep only the message.
pub(crate) fn bare_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or(rendered);
    let s = first.strip_prefix("error: ").unwrap_or(first);
    let s = match s.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, m)| m),
        None => s,
    };
    // Some messages repeat the position at the end.
    let s = match s.rfind(" at line ") {
        Some(i) if s[i..].contains(", column ") => &s[..i],
        _ => s,
    };
    s.trim().to_string()
}

// --- serde plumbing ------------------------------------------------------

/// The serde-facing mirror of `Value`, with serde-saphyr spans on children.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

/// A serde-saphyr location as a [`Pos`].
pub fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    Pos::new(loc.line() as u32, loc.column() as u32)
}

fn span_of(loc: &serde_saphyr::Location) -> Range<usize> {
    let span = loc.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(start), Some(len)) => start as usize..start as usize + len as usize,
        _ => 0..0,
    }
}

impl From<Spanned<Node>> for Yaml {
    fn from(s: Spanned<Node>) -> Self {
        let pos = pos_of(&s.referenced);
        let span = span_of(&s.referenced);
        let value = match s.value {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Int(i) => Value::Int(i),
            Node::Float(f) => Value::Float(f),
            Node::Str(s) => Value::Str(s),
            Node::Seq(items) => Value::Seq(items.into_iter().map(Yaml::from).collect()),
            Node::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                pos: pos_of(&k.referenced),
                                name: k.value,
                            },
                            Yaml::from(v),
                        )
                    })
                    .collect(),
            ),
        };
        Yaml { value, pos, span }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(i64::try_from(v)
            .map(Node::Int)
            .unwrap_or(Node::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_char<E>(self, v: char) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Yaml, Diagnostic> {
        let source = Source {
            file: Path::new("a.md"),
            text,
            shift: 1,
        };
        parse(&source, msg!(NOT_VALID_YAML))
    }

    #[test]
    fn keeps_positions_of_nested_keys() {
        let y = parse_text("title: Barga\nextra:\n  istat: \"046003\"\n").unwrap();
        let Value::Map(entries) = &y.value else {
            panic!("not a map")
        };
        let (k, v) = &entries[1];
        assert_eq!(k.name, "extra");
        let Value::Map(inner) = &v.value else {
            panic!("not a map")
        };
        assert_eq!(inner[0].0.pos, Pos::new(3, 3));
        assert_eq!(inner[0].1.value, Value::Str("046003".into()));
    }

    #[test]
    fn raw_text_recovers_unquoted_scalars() {
        let src = "cap: 055051\n";
        let y = parse_text(src).unwrap();
        let Value::Map(entries) = &y.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].1.raw_text(src), Some("055051"));
    }

    #[test]
    fn errors_are_in_our_words_at_file_lines() {
        let e = parse_text("title: A\ndescription: x\ndescription: y\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:4:1: error: not valid YAML: the field `description` is written twice at the same level: keep only one"
        );
        assert_eq!(
            e.render(crate::report::messages::Lang::It),
            "a.md:4:1: errore: YAML non valido: il campo «description» è scritto due volte allo stesso livello: tienine uno solo"
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ["b", "c", "d", "e", "f"]
            .iter()
            .zip(["a", "b", "c", "d", "e"])
        {
            bomb.push_str(&format!("{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let e = parse_text(&bomb).unwrap_err();
        let en = e.message.render(crate::report::messages::Lang::En);
        assert!(en.starts_with("not valid YAML: "), "{e}");
        assert!(!en.contains("budget") && !en.contains('{'), "{e}");
        assert!(en.contains("too"), "{e}");
        let it = e.message.render(crate::report::messages::Lang::It);
        assert!(it.starts_with("YAML non valido: "), "{it}");
        assert!(e.pos.is_some_and(|p| p.line >= 2), "{e}");
    }

    /// The Italian text of the error `text` gives, with its position.
    fn italian(text: &str) -> String {
        parse_text(text)
            .unwrap_err()
            .render(crate::report::messages::Lang::It)
    }

    #[test]
    fn syntax_errors_carry_position_and_our_words() {
        let e = parse_text("title: [unclosed\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:2:8: error: not valid YAML: a `[` is opened and never closed: close it with `]` (or put the value in quotes)"
        );
    }

    #[test]
    fn an_unknown_syntax_error_is_generic_and_shows_no_parser_text() {
        let it = syntax_message("while scanning something new, found a thing")
            .render(crate::report::messages::Lang::It);
        assert!(it.starts_with("errore di sintassi: "), "{it}");
        assert!(!it.contains("scanning"), "{it}");
    }

    #[test]
    fn common_syntax_errors_are_in_italian_at_their_line() {
        let cases = [
            (
                "title: A\ntags: [uno, due\n",
                "a.md:3:7: errore: YAML non valido: una parentesi «[» è aperta e mai chiusa: chiudila con «]» (o metti il valore tra virgolette)",
            ),
            (
                "title: A\nextra: {istat: 1\n",
                "a.md:3:8: errore: YAML non valido: una parentesi «{» è aperta e mai chiusa: chiudila con «}» (o metti il valore tra virgolette)",
            ),
            (
                "title: \"Barga\ndate: 2020-01-01\n",
                "a.md:2:8: errore: YAML non valido: una virgoletta è aperta e mai chiusa: chiudila alla fine del valore",
            ),
            (
                "title: A\n@autore: B\n",
                "a.md:3:1: errore: YAML non valido: il carattere «@» non può stare qui: metti il valore tra virgolette",
            ),
            (
                "title: A\nextra:\n\tistat: 1\n",
                "a.md:4:2: errore: YAML non valido: c'è un carattere di tabulazione: nel front matter i rientri si fanno con gli spazi",
            ),
            (
                "title: Barga: il comune\n",
                "a.md:2:13: errore: YAML non valido: un valore contiene «: » (due punti e spazio), oppure il rientro è sbagliato: metti il valore tra virgolette o allinea il campo a quelli sopra",
            ),
            (
                "title: A\n  date: 2020-01-01\n",
                "a.md:3:7: errore: YAML non valido: un valore contiene «: » (due punti e spazio), oppure il rientro è sbagliato: metti il valore tra virgolette o allinea il campo a quelli sopra",
            ),
            (
                "tags: [a, b] c\n",
                "a.md:2:14: errore: YAML non valido: qui ci si aspetta un campo («nome: valore») allineato a quelli sopra: controlla il rientro",
            ),
            (
                "title: A\nextra:\n  - uno\n  due: 2\n",
                "a.md:5:3: errore: YAML non valido: in un elenco ogni riga comincia con «- » allo stesso rientro: controlla questa riga",
            ),
            (
                "title: \"a\\qb\"\n",
                "a.md:2:8: errore: YAML non valido: tra virgolette doppie una «\\» deve iniziare una sequenza valida: usa le virgolette semplici (') o raddoppia la «\\»",
            ),
            (
                "title: \"Barga\" Comune\n",
                "a.md:2:16: errore: YAML non valido: c'è del testo dopo la virgoletta di chiusura: metti tra virgolette tutto il valore",
            ),
            (
                "extra: {a: 1, b: 2]\n",
                "a.md:2:8: errore: YAML non valido: parentesi che non si corrispondono: ogni «[» si chiude con «]» e ogni «{» con «}»",
            ),
            (
                "title: A\n- x\n",
                "a.md:3:3: errore: YAML non valido: qui ci si aspetta un campo («nome: valore») allineato a quelli sopra: controlla il rientro",
            ),
            (
                "title: |\n  uno\n due\n",
                "a.md:4:2: errore: YAML non valido: qui ci si aspetta un campo («nome: valore») allineato a quelli sopra: controlla il rientro",
            ),
            (
                "title: [a, - b]\n",
                "a.md:2:12: errore: YAML non valido: un elemento d'elenco («- ») non può stare qui: controlla il rientro",
            ),
            (
                "title: &\n",
                "a.md:2:8: errore: YAML non valido: errore di sintassi: controlla rientri, «:», virgolette e parentesi in questa riga e in quella sopra",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(italian(text), expected, "{text:?}");
        }
    }
}

//! TOML front matter (between `+++` lines, as Hugo writes it), read into
//! the same positioned tree as YAML ([`crate::frontmatter::yaml::Yaml`]), so that every
//! later check (common fields, schemas, references) works on both alike.

use crate::frontmatter::yaml::{Key, Source, Value, Yaml};
use crate::msg;
use crate::report::diagnostic::{line_col, Diagnostic};
use crate::report::messages::Message;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Parses the TOML document of `source`. Never panics; a syntax error is a
/// diagnostic at its line in the file, prefixed by `what`.
pub fn parse(source: &Source<'_>, what: Message) -> Result<Yaml, Diagnostic> {
    let text = source.text;
    match DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            Ok(convert_table(text, table.into_inner(), span))
        }
        Err(err) => {
            let pos = line_col(text, err.span().map_or(0, |s| s.start));
            Err(source.error(
                pos,
                msg!(WHAT_DETAIL, what = what, detail = explain(err.message())),
            ))
        }
    }
}

/// toml's message (`unclosed array, expected `]``) in words for staff.
/// An unknown one keeps toml's text on one line in English, and is a
/// generic hint in Italian (never the parser's internals).
fn explain(toml_message: &str) -> Message {
    let known = [
        ("string values must be quoted", msg!(TOML_UNQUOTED)),
        ("duplicate key", msg!(TOML_DUPLICATE_KEY)),
        ("invalid basic string", msg!(TOML_UNCLOSED_QUOTE)),
        ("invalid literal string", msg!(TOML_UNCLOSED_QUOTE)),
        ("unclosed table", msg!(TOML_UNCLOSED_TABLE)),
        ("unclosed array", msg!(TOML_UNCLOSED_ARRAY)),
        ("unclosed inline table", msg!(TOML_UNCLOSED_INLINE_TABLE)),
        ("key with no value", msg!(TOML_NO_EQUALS)),
        ("invalid date", msg!(TOML_BAD_DATE)),
        ("invalid time", msg!(TOML_BAD_DATE)),
        ("unquoted keys cannot be empty", msg!(TOML_EMPTY_KEY)),
        ("unexpected key or value", msg!(TOML_TRAILING)),
    ];
    if let Some((_, m)) = known.into_iter().find(|(p, _)| toml_message.starts_with(p)) {
        return m;
    }
    // toml's message may span lines (`invalid string`, `expected ...`).
    let one_line: Vec<&str> = toml_message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    msg!(TOML_OTHER, detail = one_line.join(": "))
}

fn node(text: &str, span: Range<usize>, value: Value) -> Yaml {
    Yaml {
        value,
        pos: line_col(text, span.start),
        span,
    }
}

fn convert_table(text: &str, table: DeTable<'_>, span: Range<usize>) -> Yaml {
    let mut entries: Vec<(Key, Yaml)> = table
        .into_iter()
        .map(|(k, v)| {
            let key = Key {
                pos: line_col(text, k.span().start),
                name: k.into_inner().into_owned(),
            };
            (key, convert(text, v))
        })
        .collect();
    // In the order written (the parser's map is sorted by key).
    entries.sort_by_key(|(k, _)| k.pos);
    node(text, span, Value::Map(entries))
}

fn convert(text: &str, v: Spanned<DeValue<'_>>) -> Yaml {
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Int(n),
                // Too large for a whole number: kept as written.
                Err(_) => Value::Str(i.to_string()),
            }
        }
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) => Value::Float(x),
            Err(_) => Value::Str(f.to_string()),
        },
        DeValue::Boolean(b) => Value::Bool(b),
        // TOML has dates of its own (`date = 2022-07-21`): read as the text
        // written, which the date fields then check.
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => {
            Value::Seq(items.into_iter().map(|item| convert(text, item)).collect())
        }
        DeValue::Table(t) => return convert_table(text, t, span),
    };
    node(text, span, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::diagnostic::Pos;
    use std::path::Path;

    fn parse_text(text: &str) -> Result<Yaml, Diagnostic> {
        let source = Source {
            file: Path::new("a.md"),
            text,
            shift: 1,
        };
        parse(&source, msg!(FRONT_MATTER_NOT_TOML))
    }

    #[test]
    fn keeps_order_types_and_positions() {
        let y = parse_text(
            "title = \"Barga\"\ndate = 2022-07-21T10:00:00+02:00\nweight = 3\ntags = [\"a\", \"b\"]\n\n[extra]\nistat = \"046003\"\n",
        )
        .unwrap();
        let Value::Map(entries) = &y.value else {
            panic!("not a map")
        };
        let names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["title", "date", "weight", "tags", "extra"]);
        assert_eq!(
            entries[1].1.value,
            Value::Str("2022-07-21T10:00:00+02:00".into())
        );
        assert_eq!(entries[2].1.value, Value::Int(3));
        assert_eq!(entries[0].1.pos, Pos::new(1, 9));
        let Value::Map(extra) = &entries[4].1.value else {
            panic!("not a map")
        };
        assert_eq!(extra[0].0.pos, Pos::new(7, 1));
        assert_eq!(extra[0].1.value, Value::Str("046003".into()));
    }

    #[test]
    fn syntax_errors_are_one_line_at_the_file_line() {
        let e = parse_text("title = \"Barga\"\nweight = \n").unwrap_err();
        assert_eq!(e.pos.map(|p| p.line), Some(3), "{e}");
        assert!(
            e.message
                .render(crate::report::messages::Lang::En)
                .starts_with("front matter is not valid TOML: "),
            "{e}"
        );
        assert!(!e
            .message
            .render(crate::report::messages::Lang::En)
            .contains('\n'));
        let e = parse_text("title = \"A\"\ntitle = \"B\"\n").unwrap_err();
        assert_eq!(e.pos.map(|p| p.line), Some(3), "{e}");
    }

    #[test]
    fn syntax_errors_are_told_in_our_words() {
        use crate::report::messages::Lang;
        for (text, italian) in [
            ("title = Barga\n", "un testo va scritto tra virgolette"),
            ("title = \"A\"\ntitle = \"B\"\n", "è scritto due volte"),
            (
                "title = \"Barga\n",
                "le virgolette di questo testo non sono chiuse",
            ),
            (
                "[extra\nistat = 1\n",
                "manca la «]» che chiude il nome della tabella",
            ),
            ("tags = [\"a\", \"b\"\n", "manca la «]» che chiude l’elenco"),
            ("x = {a = 1\n", "manca la «}» che chiude la tabella"),
            ("title \"x\"\n", "manca il segno «=»"),
            ("date = 2022-13-45\n", "data o ora impossibile"),
            ("= 3\n", "manca il nome del campo"),
            ("title = \"x\" y\n", "un solo campo per riga"),
        ] {
            let e = parse_text(text).unwrap_err();
            let it = e.message.render(Lang::It);
            assert!(it.contains(italian), "{text:?}: {it}");
            assert!(
                !it.contains("expected") && !it.contains('\n'),
                "{text:?}: {it}"
            );
        }
        // Anything else: a hint in Italian first, toml's words after it.
        let e = parse_text("n = 1_\n").unwrap_err();
        assert!(e.message.render(Lang::It).starts_with(
            "il front matter non è TOML valido: la sintassi TOML non è valida a questo punto"
        ));
    }
}

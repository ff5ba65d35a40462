//! Splitting a content file into YAML front matter and Markdown body, and
//! reading the fields every page has (`title`, `date`, `draft`, ...).
//!
//! Section-specific fields live under `extra:` and are checked against the
//! section's schema by [`crate::schema`].

use crate::date::Date;
use crate::diagnostic::{did_you_mean, Pos};
use crate::yaml::{self, Key, Value, Yaml};

/// A content file cut in two. Line numbers are 1-based and refer to the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line on which the YAML text starts (the line after `---`).
    pub yaml_line: u32,
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: u32,
}

/// A problem in front matter, positioned in the file (not in the YAML).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
}

impl Problem {
    fn new(pos: Pos, message: impl Into<String>) -> Self {
        Problem {
            pos,
            message: message.into(),
        }
    }
}

/// Cuts `source` at its `---` fences. The opening fence must be the first
/// line (after an optional byte-order mark), as in Hugo and Zola.
pub fn split(source: &str) -> Result<Split<'_>, Problem> {
    let src = source.strip_prefix('\u{feff}').unwrap_or(source);
    let bom = source.len() - src.len();
    let mut lines = src.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Problem::new(
            Pos::new(1, 1),
            "missing front matter: the file must start with a line `---`, then fields such as `title: ...`, then another `---`",
        ));
    }
    let yaml_start = bom + first.len();
    let mut offset = yaml_start;
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "---" {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &source[yaml_start..offset],
                yaml_line: 2,
                body: &source[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Problem::new(
        Pos::new(1, 1),
        "front matter is never closed: add a line `---` after the last field",
    ))
}

/// The fields common to every page.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub draft: bool,
    pub weight: i64,
    pub slug: Option<Located<String>>,
    pub template: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    /// Section-specific fields, checked later against the section's schema.
    pub extra: Option<Yaml>,
    /// Where the `extra` key was written (for "missing field" messages).
    pub extra_pos: Option<Pos>,
}

/// A value with the file position it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// The common field names, in the order staff usually write them.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "slug",
    "template",
    "aliases",
    "extra",
];

/// Parses front matter YAML (`split.yaml`) into [`Meta`], reporting every
/// problem found, positioned in the file. The `Meta` is `None` only when
/// the YAML cannot be read at all; otherwise it holds every field that was
/// valid, so later checks (schema, links) can still run on the page.
pub fn parse(split: &Split<'_>) -> (Option<Meta>, Vec<Problem>) {
    let shift = split.yaml_line - 1;
    let root = match yaml::parse(split.yaml) {
        Ok(root) => root,
        Err(e) => {
            let pos = e.pos.unwrap_or(Pos::new(1, 1)).below(shift);
            let msg = format!("front matter is not valid YAML: {}", e.message);
            return (None, vec![Problem::new(pos, msg)]);
        }
    };
    let mut problems = Vec::new();
    let mut meta = Meta::default();
    let entries = match root.value {
        Value::Map(entries) => entries,
        Value::Null => Vec::new(),
        other => {
            let msg = format!(
                "front matter must be a list of `field: value` lines, found {}",
                other.kind()
            );
            return (None, vec![Problem::new(root.pos.below(shift), msg)]);
        }
    };
    let mut title = None;
    let mut title_seen = false;
    for (key, value) in entries {
        let at = |p: Pos| p.below(shift);
        let mut field = FieldReader {
            key: &key,
            value: &value,
            source: split.yaml,
            shift,
            problems: &mut problems,
        };
        match key.name.as_str() {
            "title" => {
                title_seen = true;
                title = field.text()
            }
            "description" => meta.description = field.text(),
            "date" => meta.date = field.date(),
            "updated" => meta.updated = field.date(),
            "draft" => meta.draft = field.bool().unwrap_or(false),
            "weight" => meta.weight = field.int().unwrap_or(0),
            "slug" => {
                meta.slug = field.text().and_then(|s| {
                    let pos = at(value.pos);
                    if s.is_empty() || s.contains(['/', '\\', '?', '#']) || s == "." || s == ".." {
                        problems.push(Problem::new(
                            pos,
                            format!(
                            "`slug` must be one URL segment without `/`, `?` or `#`, found `{s}`"
                        ),
                        ));
                        None
                    } else {
                        Some(Located { value: s, pos })
                    }
                })
            }
            "template" => {
                meta.template = field.text().map(|s| Located {
                    value: s,
                    pos: at(value.pos),
                })
            }
            "aliases" => meta.aliases = field.text_list(),
            "extra" => {
                meta.extra_pos = Some(at(key.pos));
                match &value.value {
                    Value::Map(_) | Value::Null => meta.extra = Some(value.clone()),
                    other => problems.push(Problem::new(
                        at(value.pos),
                        format!(
                            "`extra` must be a group of `field: value` lines, found {}",
                            other.kind()
                        ),
                    )),
                }
            }
            other => problems.push(Problem::new(at(key.pos), unknown_field(other))),
        }
    }
    match title {
        Some(t) if !t.trim().is_empty() => meta.title = t,
        Some(_) => problems.push(Problem::new(
            Pos::new(split.yaml_line, 1),
            "`title` is empty: every page needs a title",
        )),
        // A `title` of the wrong type was already reported by its reader.
        None if title_seen => {}
        None => problems.push(Problem::new(
            Pos::new(1, 1),
            "missing required field `title` in front matter",
        )),
    }
    (Some(meta), problems)
}

fn unknown_field(name: &str) -> String {
    match did_you_mean(name, COMMON_FIELDS.iter().copied()) {
        Some(c) => format!("unknown field `{name}` in front matter (did you mean `{c}`?)"),
        None => format!(
            "unknown field `{name}` in front matter (section-specific fields go under `extra:`)"
        ),
    }
}

/// Reads one common field, reporting type errors at the value.
struct FieldReader<'a> {
    key: &'a Key,
    value: &'a Yaml,
    source: &'a str,
    shift: u32,
    problems: &'a mut Vec<Problem>,
}

impl FieldReader<'_> {
    fn wrong(&mut self, expected: &str) {
        let found = self.value.value.kind();
        self.problems.push(Problem::new(
            self.value.pos.below(self.shift),
            format!(
                "wrong type for `{}`: expected {expected}, found {found}",
                self.key.name
            ),
        ));
    }

    fn text(&mut self) -> Option<String> {
        match &self.value.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                self.value.raw_text(self.source).map(str::to_string)
            }
            _ => {
                self.wrong("text");
                None
            }
        }
    }

    fn text_list(&mut self) -> Vec<Located<String>> {
        match &self.value.value {
            Value::Seq(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.value {
                        Value::Str(s) => out.push(Located {
                            value: s.clone(),
                            pos: item.pos.below(self.shift),
                        }),
                        other => self.problems.push(Problem::new(
                            item.pos.below(self.shift),
                            format!(
                                "wrong type in `{}`: expected text, found {}",
                                self.key.name,
                                other.kind()
                            ),
                        )),
                    }
                }
                out
            }
            _ => {
                self.wrong("a list of text");
                Vec::new()
            }
        }
    }

    fn bool(&mut self) -> Option<bool> {
        match self.value.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong("true or false");
                None
            }
        }
    }

    fn int(&mut self) -> Option<i64> {
        match self.value.value {
            Value::Int(i) => Some(i),
            _ => {
                self.wrong("a whole number");
                None
            }
        }
    }

    fn date(&mut self) -> Option<Date> {
        let text = match &self.value.value {
            Value::Str(s) => s.clone(),
            _ => {
                self.wrong("a date (YYYY-MM-DD)");
                return None;
            }
        };
        match Date::parse(&text) {
            Ok(d) => Some(d),
            Err(why) => {
                self.problems.push(Problem::new(
                    self.value.pos.below(self.shift),
                    format!("bad date `{text}` for `{}`: {why}", self.key.name),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn splits_crlf_and_bom() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nx").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "x");
    }

    #[test]
    fn missing_and_unclosed_fences() {
        assert!(split("title: A\n")
            .unwrap_err()
            .message
            .contains("missing front matter"));
        assert!(split("---\ntitle: A\n")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(split("").is_err());
    }

    #[test]
    fn reads_common_fields() {
        let src = "---\ntitle: Barga\ndate: 2022-07-21\nweight: 3\ndraft: false\naliases: [/vecchio/]\n---\n";
        let (meta, problems) = parse(&split(src).unwrap());
        assert!(problems.is_empty());
        let meta = meta.unwrap();
        assert_eq!(meta.title, "Barga");
        assert_eq!(meta.date.unwrap().to_string(), "2022-07-21");
        assert_eq!(meta.weight, 3);
        assert_eq!(meta.aliases[0].value, "/vecchio/");
    }

    #[test]
    fn reports_every_problem_with_file_positions() {
        let src = "---\ntitel: Barga\ndate: 2022-13-01\nweight: tre\n---\n";
        let (_, problems) = parse(&split(src).unwrap());
        let msgs: Vec<String> = problems
            .iter()
            .map(|p| format!("{}:{}: {}", p.pos.line, p.pos.column, p.message))
            .collect();
        assert_eq!(
            msgs,
            vec![
                "2:1: unknown field `titel` in front matter (did you mean `title`?)",
                "3:7: bad date `2022-13-01` for `date`: month must be 01 to 12",
                "4:9: wrong type for `weight`: expected a whole number, found text",
                "1:1: missing required field `title` in front matter",
            ]
        );
    }
}

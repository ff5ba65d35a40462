//! Splitting a content file into YAML front matter and Markdown body, and
//! reading the fields every page has (`title`, `date`, `draft`, ...).
//!
//! Section-specific fields live under `extra:` and are checked against the
//! section's schema by [`crate::schema::sections`].

use crate::frontmatter::yaml::{self, Key, Source, Value, Yaml};
use crate::msg;
use crate::report::diagnostic::{hint, Diagnostic, GroupKind, Pos};
use crate::report::messages::Message;
use crate::text::date::Date;
use std::collections::BTreeMap;
use std::path::Path;

/// The language of a page's front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML between `---` lines.
    Yaml,
    /// TOML between `+++` lines (as Hugo writes it).
    Toml,
}

impl Format {
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// A content file cut in two. Line numbers are 1-based and refer to the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front matter text between the fences.
    pub yaml: &'a str,
    /// Its language.
    pub format: Format,
    /// File line on which the front matter text starts (the line after `---`).
    pub yaml_line: u32,
    /// The Markdown body after the closing fence.
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: u32,
}

impl<'a> Split<'a> {
    /// The front matter as a source of `file` (YAML or TOML).
    pub fn yaml_source(&self, file: &'a Path) -> Source<'a> {
        Source {
            file,
            text: self.yaml,
            shift: self.yaml_line - 1,
        }
    }
}

/// Cuts `source` (the text of `file`) at its fences: `---` around YAML, or
/// `+++` around TOML. The opening fence must be the first line (after an
/// optional byte-order mark), as in Hugo and Zola; when it is not, the
/// message says what is there instead.
pub fn split<'a>(source: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let src = source.strip_prefix('\u{feff}').unwrap_or(source);
    let bom = source.len() - src.len();
    let mut lines = src.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let format = match first.trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Err(no_front_matter(src, file)),
    };
    let fence = format.fence();
    let yaml_start = bom + first.len();
    let mut offset = yaml_start;
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        if line.trim_end() == fence {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &source[yaml_start..offset],
                format,
                yaml_line: 2,
                body: &source[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        file,
        Pos::new(1, 1),
        msg!(FRONT_MATTER_NOT_CLOSED, fence = fence),
    ))
}

/// What is wrong with a file that does not start with a fence, as
/// precisely as can be told.
fn no_front_matter(src: &str, file: &Path) -> Diagnostic {
    let first = src.lines().next().unwrap_or("");
    let blank = src.lines().take_while(|l| l.trim().is_empty()).count();
    let fence_at = |line: &str| match line.trim() {
        f @ ("---" | "+++") => Some(f.to_string()),
        _ => None,
    };
    // Old Mac files end lines with CR alone: the whole file is one line.
    let cr_only = src.contains('\r') && !src.contains('\n');
    let message = if cr_only {
        msg!(FRONT_MATTER_CR_ONLY)
    } else if let Some(f) = src
        .lines()
        .nth(blank)
        .filter(|_| blank > 0)
        .and_then(fence_at)
    {
        if blank == 1 {
            msg!(FRONT_MATTER_BLANK_LINE_BEFORE, fence = f)
        } else {
            msg!(FRONT_MATTER_BLANK_LINES_BEFORE, count = blank, fence = f)
        }
    } else if let Some(f) = fence_at(first) {
        msg!(FRONT_MATTER_SPACES_BEFORE, fence = f)
    } else if first.trim_start().starts_with('{') {
        msg!(FRONT_MATTER_JSON)
    } else if first.split_once(':').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        msg!(FRONT_MATTER_MISSING_YAML)
    } else if first.split_once('=').is_some_and(|(k, _)| {
        !k.trim().is_empty()
            && k.trim()
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        msg!(FRONT_MATTER_MISSING_TOML)
    } else {
        msg!(FRONT_MATTER_MISSING)
    };
    Diagnostic::at(file, Pos::new(1, 1), message)
}

/// The fields common to every page.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The page title (required).
    pub title: String,
    /// A sentence for lists and search engines.
    pub description: Option<String>,
    /// The date of the page (news: when it was published).
    pub date: Option<Date>,
    /// When the page last changed.
    pub updated: Option<Date>,
    /// `true` keeps the page out of the site unless drafts are built.
    pub draft: bool,
    /// `true` on a page bundle's `index.md` (as in Hugo): neither the page
    /// nor its files are published. Where it was written.
    pub headless: Option<Pos>,
    /// Order in lists: lower first.
    pub weight: i64,
    /// The last part of the page's address, instead of the file name.
    pub slug: Option<Located<String>>,
    /// The template that renders the page, instead of the section's.
    pub template: Option<Located<String>>,
    /// Old addresses that redirect here.
    pub aliases: Vec<Located<String>>,
    /// Taxonomy terms: taxonomy (`argomenti`) → terms as written.
    pub terms: BTreeMap<String, Vec<Located<String>>>,
    /// Section-specific fields, checked later against the section's schema.
    pub extra: Option<Yaml>,
    /// Where the `extra` key was written (for "missing field" messages).
    pub extra_pos: Option<Pos>,
}

/// A reference to another page written in front matter (a `reference`
/// field, a link in a form definition), resolved once every page is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUse {
    /// The field that holds it (`comuni`, `form.privacy`).
    pub field: String,
    /// The section it must name a page of; empty for any page.
    pub section: String,
    /// The page name as written (`barga` or `@/comuni/barga.md`).
    pub name: String,
    /// Where it was written in the file.
    pub pos: Pos,
}

/// A value with the file position it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written in the file.
    pub pos: Pos,
}

/// The common field names, in the order staff usually write them.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "headless",
    "weight",
    "slug",
    "template",
    "aliases",
    "extra",
];

/// Parses front matter YAML (`split.yaml`) into [`Meta`], reporting every
/// problem found, positioned in `file`. The `Meta` is `None` only when
/// the YAML cannot be read at all; otherwise it holds every field that was
/// valid, so later checks (schema, links) can still run on the page.
pub fn parse(split: &Split<'_>, file: &Path) -> (Option<Meta>, Vec<Diagnostic>) {
    parse_with(split, file, &[])
}

/// [`parse`], where `taxonomies` (declared in `site.yaml`) are fields too:
/// `argomenti: [lavoro, minori]` lists the page's terms.
pub fn parse_with(
    split: &Split<'_>,
    file: &Path,
    taxonomies: &[String],
) -> (Option<Meta>, Vec<Diagnostic>) {
    let source = split.yaml_source(file);
    let parsed = match split.format {
        Format::Yaml => yaml::parse(&source, msg!(FRONT_MATTER_NOT_YAML)),
        Format::Toml => crate::frontmatter::toml::parse(&source, msg!(FRONT_MATTER_NOT_TOML)),
    };
    let root = match parsed {
        Ok(root) => root,
        Err(d) => return (None, vec![d]),
    };
    let mut problems = Vec::new();
    let mut meta = Meta::default();
    let entries = match root.value {
        Value::Map(entries) => entries,
        Value::Null => Vec::new(),
        other => {
            let msg = msg!(FRONT_MATTER_NOT_MAP, found = other.kind());
            return (None, vec![source.error(root.pos, msg)]);
        }
    };
    let mut title = None;
    let mut title_seen = false;
    for (key, value) in entries {
        let at = |p: Pos| p.below(source.shift);
        let mut field = FieldReader {
            key: &key,
            value: &value,
            source,
            problems: &mut problems,
        };
        match key.name.as_str() {
            "title" => {
                title_seen = true;
                title = field.text();
            }
            "description" => meta.description = field.text(),
            "date" => meta.date = field.date(),
            "updated" => meta.updated = field.date(),
            "draft" => meta.draft = field.bool().unwrap_or(false),
            "headless" => {
                if field.bool().unwrap_or(false) {
                    meta.headless = Some(at(key.pos));
                }
            }
            "weight" => meta.weight = field.int().unwrap_or(0),
            "slug" => {
                meta.slug = field.text().and_then(|s| {
                    let pos = at(value.pos);
                    if s.is_empty() || s.contains(['/', '\\', '?', '#']) || s == "." || s == ".." {
                        problems.push(Diagnostic::at(
                            file,
                            pos,
                            msg!(SLUG_NOT_SEGMENT, found = &s),
                        ));
                        None
                    } else if !s
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
                    {
                        // Spaces and accents would need encoding in every link.
                        let slug = crate::text::slug::slugify(&s);
                        problems.push(Diagnostic::at(
                            file,
                            pos,
                            msg!(SLUG_BAD_CHARACTERS, found = &s, slug = slug),
                        ));
                        None
                    } else {
                        Some(Located { value: s, pos })
                    }
                });
            }
            "template" => {
                meta.template = field.text().map(|s| Located {
                    value: s,
                    pos: at(value.pos),
                });
            }
            "aliases" => meta.aliases = field.text_list(),
            "extra" => {
                meta.extra_pos = Some(at(key.pos));
                match &value.value {
                    Value::Map(_) | Value::Null => meta.extra = Some(value.clone()),
                    other => problems
                        .push(source.error(value.pos, msg!(EXTRA_NOT_MAP, found = other.kind()))),
                }
            }
            name if taxonomies.iter().any(|t| t == name) => {
                let terms = field.text_list();
                meta.terms.insert(name.to_string(), terms);
            }
            other => problems.push(
                source
                    .error(key.pos, unknown_field(other, taxonomies))
                    .grouped(GroupKind::UnknownField, other),
            ),
        }
    }
    match title {
        Some(t) if !t.trim().is_empty() => meta.title = t,
        Some(_) => problems.push(Diagnostic::at(
            file,
            Pos::new(split.yaml_line, 1),
            msg!(TITLE_EMPTY),
        )),
        // A `title` of the wrong type was already reported by its reader.
        None if title_seen => {}
        None => problems.push(Diagnostic::at(file, Pos::new(1, 1), msg!(TITLE_MISSING))),
    }
    (Some(meta), problems)
}

fn unknown_field(name: &str, taxonomies: &[String]) -> Message {
    let fields = COMMON_FIELDS
        .iter()
        .copied()
        .chain(taxonomies.iter().map(String::as_str));
    let mut suffix = hint(name, fields);
    if suffix.is_empty() {
        suffix = msg!(HINT_GO_UNDER_EXTRA);
    }
    msg!(UNKNOWN_FRONT_MATTER_FIELD, field = name, hint = suffix)
}

/// Reads one common field, reporting type errors at the value.
struct FieldReader<'a> {
    key: &'a Key,
    value: &'a Yaml,
    source: Source<'a>,
    problems: &'a mut Vec<Diagnostic>,
}

impl FieldReader<'_> {
    fn wrong(&mut self, expected: Message) {
        let found = self.value.value.kind();
        self.problems.push(self.source.error(
            self.value.pos,
            msg!(
                WRONG_TYPE,
                field = &self.key.name,
                expected = expected,
                found = found
            ),
        ));
    }

    fn text(&mut self) -> Option<String> {
        match &self.value.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                self.source.raw_text(self.value).map(str::to_string)
            }
            _ => {
                self.wrong(msg!(KIND_TEXT));
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
                            pos: item.pos.below(self.source.shift),
                        }),
                        other => self.problems.push(self.source.error(
                            item.pos,
                            msg!(
                                WRONG_TYPE_IN_LIST,
                                field = &self.key.name,
                                found = other.kind()
                            ),
                        )),
                    }
                }
                out
            }
            _ => {
                self.wrong(msg!(EXPECTED_TEXT_LIST));
                Vec::new()
            }
        }
    }

    fn bool(&mut self) -> Option<bool> {
        match self.value.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong(msg!(EXPECTED_BOOL));
                None
            }
        }
    }

    fn int(&mut self) -> Option<i64> {
        match self.value.value {
            Value::Int(i) => Some(i),
            _ => {
                self.wrong(msg!(KIND_INTEGER));
                None
            }
        }
    }

    fn date(&mut self) -> Option<Date> {
        let text = match &self.value.value {
            Value::Str(s) => s.clone(),
            _ => {
                self.wrong(msg!(EXPECTED_DATE));
                return None;
            }
        };
        match Date::parse(&text) {
            Ok(d) => Some(d),
            Err(why) => {
                self.problems.push(self.source.error(
                    self.value.pos,
                    msg!(BAD_DATE, text = &text, field = &self.key.name, why = why),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::messages::Lang;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\n# Body\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn splits_crlf_and_bom() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nx", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "x");
    }

    #[test]
    fn missing_and_unclosed_fences() {
        let file = Path::new("a.md");
        assert!(split("title: A\n", file)
            .unwrap_err()
            .message
            .render(Lang::En)
            .contains("missing front matter"));
        assert!(split("---\ntitle: A\n", file)
            .unwrap_err()
            .message
            .render(Lang::En)
            .contains("never closed"));
        assert!(split("", file).is_err());
    }

    #[test]
    fn toml_front_matter_between_plus_lines() {
        let file = Path::new("a.md");
        let src = "+++\ntitle = \"Barga\"\ndate = 2022-07-21\nweight = 3\naliases = [\"/vecchio/\"]\n+++\n# Body\n";
        let s = split(src, file).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 7);
        let (meta, problems) = parse(&s, file);
        assert!(problems.is_empty(), "{problems:?}");
        let meta = meta.unwrap();
        assert_eq!(meta.title, "Barga");
        assert_eq!(meta.date.unwrap().to_string(), "2022-07-21");
        assert_eq!(meta.aliases[0].pos, Pos::new(5, 12));
        let src = "+++\ntitle = \"Barga\"\ndate = \"2022-02-30\"\ntitel = 1\n+++\n";
        let (_, problems) = parse(&split(src, file).unwrap(), file);
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "a.md:3:8: error: bad date `2022-02-30` for `date`: day must be 01 to 28 for that month",
                "a.md:4:1: error: unknown field `titel` in front matter (did you mean `title`?)",
            ]
        );
        assert!(split("+++\ntitle = 1\n---\n", file)
            .unwrap_err()
            .message
            .render(Lang::En)
            .contains("add a line `+++`"));
    }

    #[test]
    fn says_precisely_why_there_is_no_front_matter() {
        let file = Path::new("a.md");
        let msg = |src: &str| split(src, file).unwrap_err().message.render(Lang::En);
        assert_eq!(
            msg("\n\n---\ntitle: A\n---\n"),
            "the front matter must start on the first line: remove the 2 empty lines before `---`"
        );
        assert_eq!(
            msg("  ---\ntitle: A\n---\n"),
            "the `---` line must have nothing before it: remove the spaces at the start"
        );
        assert!(msg("title: A\n---\n").contains("add a line `---` before the first field"));
        assert!(msg("title = \"A\"\n").contains("between two `+++` lines"));
        assert!(msg("{\"title\": \"A\"}\n").starts_with("JSON front matter"));
        assert!(msg("Solo testo.\n").starts_with("missing front matter"));
    }

    #[test]
    fn reads_common_fields() {
        let src = "---\ntitle: Barga\ndate: 2022-07-21\nweight: 3\ndraft: false\naliases: [/vecchio/]\n---\n";
        let file = Path::new("a.md");
        let (meta, problems) = parse(&split(src, file).unwrap(), file);
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
        let file = Path::new("a.md");
        let (_, problems) = parse(&split(src, file).unwrap(), file);
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "a.md:2:1: error: unknown field `titel` in front matter (did you mean `title`?)",
                "a.md:3:7: error: bad date `2022-13-01` for `date`: month must be 01 to 12",
                "a.md:4:9: error: wrong type for `weight`: expected a whole number, found text",
                "a.md:1:1: error: missing required field `title` in front matter",
            ]
        );
        let italian: Vec<String> = problems.iter().map(|d| d.render(Lang::It)).collect();
        assert_eq!(
            italian,
            vec![
                "a.md:2:1: errore: campo sconosciuto «titel» nel front matter (forse intendevi «title»?)",
                "a.md:3:7: errore: data non valida «2022-13-01» per «date»: il mese deve essere da 01 a 12",
                "a.md:4:9: errore: tipo sbagliato per «weight»: serve un numero intero, trovato un testo",
                "a.md:1:1: errore: manca il campo obbligatorio «title» nel front matter",
            ]
        );
    }
}

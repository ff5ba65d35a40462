//! Section schemas: what each section's pages may carry under `extra:`,
//! checked field by field so that a staff typo is caught before publishing.

use crate::frontmatter::front_matter::RefUse;
use crate::frontmatter::yaml::{Source, Value, Yaml};
use crate::msg;
use crate::report::diagnostic::{hint, hint_among, hint_or, Diagnostic, GroupKind, Pos};
use crate::report::messages::Message;
use crate::schema::config::{FieldSpec, SectionConfig};
use crate::schema::value::{Extra, FieldValue};
use crate::text::date::Date;
use std::collections::BTreeMap;
use std::path::Path;

/// The type of a schema field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text.
    String,
    /// Text of any length, several lines allowed.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number such as an amount in euro (`197769.00`).
    Decimal,
    /// A date (`2022-07-21`).
    Date,
    /// `true` or `false`.
    Bool,
    /// An email address.
    Email,
    /// A web address (`https://…`).
    Url,
    /// The name of a page in another section (`barga`, or `@/comuni/barga.md`).
    Reference {
        /// The section whose pages it may name.
        section: String,
    },
    /// A list of values of one type.
    List(Box<FieldType>),
    /// A form definition (see [`crate::schema::form_spec`]); `sections` are the
    /// sections `options_from` may name.
    Form {
        /// The sections `options_from` may name.
        sections: Vec<String>,
    },
}

impl FieldType {
    fn describe(&self) -> Message {
        match self {
            FieldType::String => msg!(TYPE_STRING),
            FieldType::Text => msg!(KIND_TEXT),
            FieldType::Integer => msg!(KIND_INTEGER),
            FieldType::Decimal => msg!(TYPE_DECIMAL),
            FieldType::Date => msg!(EXPECTED_DATE),
            FieldType::Bool => msg!(EXPECTED_BOOL),
            FieldType::Email => msg!(TYPE_EMAIL),
            FieldType::Url => msg!(TYPE_URL),
            FieldType::Reference { section } => msg!(TYPE_REFERENCE, section = section),
            FieldType::List(of) => msg!(TYPE_LIST, of = of.describe()),
            FieldType::Form { .. } => msg!(TYPE_FORM),
        }
    }
}

const TYPE_NAMES: &[&str] = &[
    "string",
    "text",
    "integer",
    "decimal",
    "date",
    "bool",
    "email",
    "url",
    "reference",
    "list",
    "form",
];

/// One compiled field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The field's type.
    pub ty: FieldType,
    /// Whether every page must have it.
    pub required: bool,
    /// The only values allowed, if declared.
    pub values: Option<Vec<String>>,
}

/// A compiled schema: field name → field.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Field name → field.
    pub fields: BTreeMap<String, Field>,
}

/// The schemas of one section: for its pages and for its section page.
#[derive(Clone, Debug, Default)]
pub struct SectionSchemas {
    /// The schema of the section's pages, if declared.
    pub pages: Option<Schema>,
    /// The schema of the section page (`_index.md`), if declared.
    pub index: Option<Schema>,
}

/// Compiles the schemas declared in `site.yaml`. `sections` lists the
/// section keys that exist in `content/`, to check reference targets.
pub fn compile(
    config: &BTreeMap<String, SectionConfig>,
    sections: &[String],
    file: &Path,
) -> (BTreeMap<String, SectionSchemas>, Vec<Diagnostic>) {
    let mut out = BTreeMap::new();
    let mut diags = Vec::new();
    for (name, section) in config {
        let mut compile_all = |fields: &Option<BTreeMap<String, FieldSpec>>| {
            let fields = fields.as_ref()?;
            let mut schema = Schema::default();
            for (field_name, spec) in fields {
                let problem = |pos: Pos, problem: Message| {
                    Diagnostic::at(
                        file,
                        pos,
                        msg!(
                            SCHEMA_FIELD_PROBLEM,
                            field = field_name,
                            section = name,
                            problem = problem
                        ),
                    )
                };
                match compile_field(spec, sections, &problem) {
                    Ok(field) => {
                        schema.fields.insert(field_name.clone(), field);
                    }
                    Err(d) => diags.push(d),
                }
            }
            Some(schema)
        };
        let schemas = SectionSchemas {
            pages: compile_all(&section.fields),
            index: compile_all(&section.section_fields),
        };
        out.insert(name.clone(), schemas);
    }
    (out, diags)
}

/// How a problem of a field's declaration becomes a diagnostic: at a
/// position in `site.yaml`, naming the field and its section.
type Problem<'a> = dyn Fn(Pos, Message) -> Diagnostic + 'a;

fn compile_field(
    spec: &FieldSpec,
    sections: &[String],
    problem: &Problem<'_>,
) -> Result<Field, Diagnostic> {
    let ty_pos = crate::schema::config::pos(&spec.ty.referenced);
    let ty = match spec.ty.value.as_str() {
        "list" => {
            let of = spec
                .of
                .as_ref()
                .ok_or_else(|| problem(ty_pos, msg!(SCHEMA_LIST_NEEDS_OF)))?;
            let of_pos = crate::schema::config::pos(&of.referenced);
            if of.value == "list" {
                return Err(problem(of_pos, msg!(SCHEMA_LIST_OF_LISTS)));
            }
            let item = scalar_type(&of.value, of_pos, spec, sections, problem)?;
            FieldType::List(Box::new(item))
        }
        other => scalar_type(other, ty_pos, spec, sections, problem)?,
    };
    Ok(Field {
        ty,
        required: spec.required,
        values: spec.values.clone(),
    })
}

fn scalar_type(
    name: &str,
    pos: Pos,
    spec: &FieldSpec,
    sections: &[String],
    problem: &Problem<'_>,
) -> Result<FieldType, Diagnostic> {
    Ok(match name {
        "string" => FieldType::String,
        "text" => FieldType::Text,
        "integer" => FieldType::Integer,
        "decimal" => FieldType::Decimal,
        "date" => FieldType::Date,
        "bool" => FieldType::Bool,
        "email" => FieldType::Email,
        "url" => FieldType::Url,
        "form" => FieldType::Form {
            sections: sections.to_vec(),
        },
        "reference" => {
            let section = spec
                .section
                .as_ref()
                .ok_or_else(|| problem(pos, msg!(SCHEMA_REFERENCE_NEEDS_SECTION)))?;
            if !sections.iter().any(|s| s == &section.value) {
                let hint = hint(&section.value, sections.iter().map(String::as_str));
                return Err(problem(
                    crate::schema::config::pos(&section.referenced),
                    msg!(NO_SUCH_SECTION, section = &section.value, hint = hint),
                ));
            }
            FieldType::Reference {
                section: section.value.clone(),
            }
        }
        other => {
            let hint = hint_among(other, TYPE_NAMES, msg!(LABEL_TYPES));
            return Err(problem(
                pos,
                msg!(SCHEMA_UNKNOWN_TYPE, ty = other, hint = hint),
            ));
        }
    })
}

/// The outcome of checking one page's `extra:` fields.
#[derive(Debug, Default)]
pub struct Checked {
    /// The fields, typed.
    pub extra: Extra,
    /// References to other pages, resolved once every page is known.
    pub refs: Vec<RefUse>,
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
}

/// Checks `extra` (the YAML under `extra:` in `source`, if any) against
/// `schema`. `extra_pos` is where `extra:` was written in the file, or the
/// top of the file.
pub fn check(
    schema: Option<&Schema>,
    extra: Option<&Yaml>,
    source: &Source<'_>,
    extra_pos: Pos,
) -> Checked {
    let mut out = Checked::default();
    let entries: &[(crate::frontmatter::yaml::Key, Yaml)] = match extra.map(|y| &y.value) {
        Some(Value::Map(entries)) => entries,
        _ => &[],
    };
    let Some(schema) = schema else {
        // No schema declared: keep the fields as they are.
        for (key, value) in entries {
            out.extra.insert(key.name.clone(), untyped(value));
        }
        return out;
    };
    for (key, value) in entries {
        let Some(field) = schema.fields.get(&key.name) else {
            let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
            let otherwise = if names.is_empty() {
                msg!(HINT_NO_EXTRA_FIELDS)
            } else {
                msg!(HINT_FIELDS_ALLOWED, list = names.join(", "))
            };
            let hint = hint_or(&key.name, names.iter().copied(), otherwise);
            out.problems.push(
                source
                    .error(
                        key.pos,
                        msg!(UNKNOWN_EXTRA_FIELD, field = &key.name, hint = hint),
                    )
                    .grouped(GroupKind::UnknownExtraField, &key.name),
            );
            continue;
        };
        let mut ctx = Ctx {
            field_name: &key.name,
            source,
            out: &mut out,
        };
        if let Some(v) = ctx.value(&field.ty, field.values.as_deref(), value) {
            out.extra.insert(key.name.clone(), v);
        }
    }
    for (name, field) in &schema.fields {
        if field.required && !entries.iter().any(|(k, _)| &k.name == name) {
            out.problems.push(Diagnostic::at(
                source.file,
                extra_pos,
                msg!(
                    MISSING_EXTRA_FIELD,
                    field = name,
                    expected = field.ty.describe()
                ),
            ));
        }
    }
    out
}

struct Ctx<'a> {
    field_name: &'a str,
    source: &'a Source<'a>,
    out: &'a mut Checked,
}

impl Ctx<'_> {
    fn problem(&mut self, y: &Yaml, msg: Message) -> Option<FieldValue> {
        self.out.problems.push(self.source.error(y.pos, msg));
        None
    }

    fn wrong_type(&mut self, ty: &FieldType, y: &Yaml) -> Option<FieldValue> {
        let msg = msg!(
            WRONG_TYPE,
            field = self.field_name,
            expected = ty.describe(),
            found = y.value.kind()
        );
        self.problem(y, msg)
    }

    /// Text as written, accepting scalars YAML typed as numbers or booleans
    /// (`cap: 55051` is text to a person).
    fn text<'y>(&self, y: &'y Yaml) -> Option<std::borrow::Cow<'y, str>>
    where
        Self: 'y,
    {
        match &y.value {
            Value::Str(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => self
                .source
                .raw_text(y)
                .map(|s| std::borrow::Cow::Owned(s.to_string())),
            _ => None,
        }
    }

    fn value(
        &mut self,
        ty: &FieldType,
        allowed: Option<&[String]>,
        y: &Yaml,
    ) -> Option<FieldValue> {
        let v = match ty {
            FieldType::List(of) => {
                let Value::Seq(items) = &y.value else {
                    return self.wrong_type(ty, y);
                };
                let vals: Vec<FieldValue> = items
                    .iter()
                    .filter_map(|i| self.value(of, allowed, i))
                    .collect();
                return Some(FieldValue::List(vals));
            }
            FieldType::String | FieldType::Text => {
                let Some(t) = self.text(y) else {
                    return self.wrong_type(ty, y);
                };
                if *ty == FieldType::String && t.contains('\n') {
                    let msg = msg!(ONE_LINE_ONLY, field = self.field_name);
                    return self.problem(y, msg);
                }
                FieldValue::Text(t.into_owned())
            }
            FieldType::Integer => match y.value {
                Value::Int(i) => FieldValue::Int(i),
                // Past what a whole number can hold, YAML reads a number
                // with decimals: say which of the two it is.
                Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() >= 9.0e18 => {
                    let msg = msg!(INTEGER_TOO_LARGE, field = self.field_name);
                    return self.problem(y, msg);
                }
                Value::Float(f) if f.is_finite() => {
                    let msg = msg!(INTEGER_WITH_DECIMALS, field = self.field_name);
                    return self.problem(y, msg);
                }
                _ => return self.wrong_type(ty, y),
            },
            FieldType::Decimal => match y.value {
                Value::Int(i) => FieldValue::Decimal(i as f64),
                Value::Float(f) if f.is_finite() => FieldValue::Decimal(f),
                _ => return self.wrong_type(ty, y),
            },
            FieldType::Bool => match y.value {
                Value::Bool(b) => FieldValue::Bool(b),
                _ => return self.wrong_type(ty, y),
            },
            FieldType::Date => {
                let Value::Str(s) = &y.value else {
                    return self.wrong_type(ty, y);
                };
                match Date::parse(s) {
                    Ok(d) => FieldValue::Date(d),
                    Err(why) => {
                        let msg = msg!(BAD_DATE, text = s, field = self.field_name, why = why);
                        return self.problem(y, msg);
                    }
                }
            }
            FieldType::Email => {
                let Value::Str(s) = &y.value else {
                    return self.wrong_type(ty, y);
                };
                // One rule for addresses: the one forms use, so a contact
                // address on a page is one a form would accept.
                if crate::form::checks::email(s).is_none() {
                    let msg = msg!(NOT_AN_EMAIL, value = s);
                    return self.problem(y, msg);
                }
                FieldValue::Text(s.clone())
            }
            FieldType::Url => {
                let Value::Str(s) = &y.value else {
                    return self.wrong_type(ty, y);
                };
                if !is_web_url(s) {
                    let msg = msg!(NOT_A_URL, value = s);
                    return self.problem(y, msg);
                }
                FieldValue::Text(s.clone())
            }
            FieldType::Form { sections } => {
                let mut checker = crate::schema::form_spec::Checker {
                    field: self.field_name,
                    source: self.source,
                    sections,
                    problems: &mut self.out.problems,
                    refs: &mut self.out.refs,
                };
                return checker
                    .check(y)
                    .map(|spec| FieldValue::Form(Box::new(spec)));
            }
            FieldType::Reference { section } => {
                let Value::Str(s) = &y.value else {
                    return self.wrong_type(ty, y);
                };
                self.out.refs.push(RefUse {
                    field: self.field_name.to_string(),
                    section: section.clone(),
                    name: s.clone(),
                    pos: y.pos.below(self.source.shift),
                });
                FieldValue::Text(s.clone())
            }
        };
        if let Some(allowed) = allowed {
            let as_text = v.as_text().unwrap_or_default();
            if !allowed.iter().any(|a| a == &as_text) {
                let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
                let hint = hint_among(&as_text, &allowed, msg!(LABEL_ALLOWED));
                let msg = msg!(
                    VALUE_NOT_ALLOWED,
                    value = &as_text,
                    field = self.field_name,
                    hint = hint
                );
                return self.problem(y, msg);
            }
        }
        Some(v)
    }
}

fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !s.chars().any(char::is_whitespace)
    })
}

/// Converts YAML to a value as it is (for sections without schema).
fn untyped(y: &Yaml) -> FieldValue {
    match &y.value {
        Value::Null => FieldValue::Null,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Int(i) => FieldValue::Int(*i),
        Value::Float(f) => FieldValue::Decimal(*f),
        Value::Str(s) => FieldValue::Text(s.clone()),
        Value::Seq(items) => FieldValue::List(items.iter().map(untyped).collect()),
        Value::Map(entries) => FieldValue::Map(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), untyped(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::messages::Lang;
    use crate::schema::config::SiteConfig;

    fn schema(yaml: &str) -> Schema {
        let cfg = SiteConfig::parse(
            &format!("title: T\nbase_url: https://e.org/\nsections:\n{yaml}"),
            Path::new("site.yaml"),
        )
        .unwrap();
        let (mut s, d) = compile(
            &cfg.sections,
            &["comuni".into(), "servizi".into()],
            Path::new("site.yaml"),
        );
        assert!(d.is_empty(), "{d:?}");
        s.remove("comuni").unwrap().pages.unwrap()
    }

    fn run(schema: &Schema, extra: &str) -> Checked {
        let source = Source {
            file: Path::new("a.md"),
            text: extra,
            shift: 0,
        };
        let y = crate::frontmatter::yaml::parse(&source, msg!(NOT_VALID_YAML)).unwrap();
        check(Some(schema), Some(&y), &source, Pos::new(1, 1))
    }

    #[test]
    fn accepts_valid_fields_and_collects_references() {
        let s = schema("  comuni:\n    fields:\n      istat: {type: string, required: true}\n      servizi: {type: list, of: reference, section: servizi}\n      importo: {type: decimal}\n");
        let c = run(
            &s,
            "istat: 046003\nservizi: [tirocini]\nimporto: 197769.00\n",
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.extra["istat"], FieldValue::Text("046003".into()));
        assert_eq!(c.refs[0].name, "tirocini");
    }

    #[test]
    fn reports_unknown_missing_and_mistyped_fields() {
        let s = schema("  comuni:\n    fields:\n      istat: {type: string, required: true}\n      n: {type: integer}\n      stato: {type: string, values: [in corso, concluso]}\n");
        let c = run(&s, "istta: x\nn: tre\nstato: concluse\n");
        let msgs: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "a.md:1:1: error: unknown field `istta` in front matter (did you mean `istat`?)",
                "a.md:2:4: error: wrong type for `n`: expected a whole number, found text",
                "a.md:3:8: error: `concluse` is not an allowed value for `stato` (did you mean `concluso`? allowed: in corso, concluso)",
                "a.md:1:1: error: missing required field `istat` under `extra:` (expected one line of text)",
            ]
        );
    }

    #[test]
    fn bad_schema_types_are_reported() {
        let cfg = SiteConfig::parse(
            "title: T\nbase_url: https://e.org/\nsections:\n  comuni:\n    fields:\n      a: {type: strnig}\n      b: {type: reference, section: servizzi}\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        let (_, d) = compile(&cfg.sections, &["servizi".into()], Path::new("site.yaml"));
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(msgs[0].starts_with("site.yaml:6:17: error: field `a` of section `comuni`: unknown type `strnig` (did you mean `string`?"), "{msgs:?}");
        assert_eq!(msgs[1], "site.yaml:7:37: error: field `b` of section `comuni`: no section `servizzi` in content/ (did you mean `servizi`?)");
    }

    #[test]
    fn an_empty_schema_allows_no_extra_fields() {
        let s = schema("  comuni:\n    fields: {}\n");
        let c = run(&s, "nota: x\n");
        assert_eq!(
            c.problems[0].message.render(Lang::En),
            "unknown field `nota` in front matter (this section has no `extra:` fields)"
        );
        assert_eq!(
            c.problems[0].message.render(Lang::It),
            "campo sconosciuto «nota» (questa sezione non ha campi «extra:»)"
        );
    }

    fn is_email_ok(s: &str) -> bool {
        crate::form::checks::email(s).is_some()
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email_ok("zona@uslnordovest.toscana.it"));
        assert!(!is_email_ok("zona@"));
        assert!(!is_email_ok("a b@c.it"));
        // What the old hand-written rule let through and no mailer takes.
        assert!(!is_email_ok("zona@@esempio.it"));
        assert!(!is_email_ok("zona@esempio..it"));
        assert!(is_web_url("https://www.example.it/x"));
        assert!(!is_web_url("www.example.it"));
    }
}

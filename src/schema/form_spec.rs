//! A form defined in front matter (`extra.form`), checked field by field
//! like any other front matter, every problem a diagnostic at its file
//! line, into the typed [`FormDefinition`] both programs share.
//!
//! ```yaml
//! extra:
//!   form:
//!     id: manifestazione-di-interesse
//!     title: Manifestazione di interesse
//!     thank_you: "@/partecipa/manifestazione-di-interesse/grazie.md"
//!     privacy: "@/privacy.md"
//!     honeypot: sito_web
//!     fields:
//!       - { name: email, label: Email, type: email, required: true }
//!       - { name: comuni, label: Comuni, type: multiselect, options_from: comuni }
//! ```
//!
//! What only the whole site knows (the pages a section offers as options,
//! the addresses of linked pages) is resolved later by [`crate::resolve::forms`].

use crate::form::call::{self, Call, Document, End};
use crate::form::filetype::{FileType, FILE_TYPES};
use crate::form::{valid_name, Choice, FieldDef, FieldKind, FormDefinition};
use crate::frontmatter::front_matter::RefUse;
use crate::frontmatter::yaml::{Key, Source, Value, Yaml};
use crate::msg;
use crate::report::diagnostic::{hint, hint_among, hint_or, Diagnostic, Pos};
use crate::report::messages::Message;
use serde::Serialize;

const FORM_KEYS: &[&str] = &[
    "id",
    "title",
    "thank_you",
    "privacy",
    "honeypot",
    "submit",
    "fields",
    "opens",
    "closes",
    "rule",
    "responsible",
    "next",
    "documents",
];
const FIELD_KEYS: &[&str] = &[
    "name",
    "label",
    "type",
    "required",
    "help",
    "options",
    "options_from",
    "max_length",
    "autocomplete",
    "accept",
    "max_size_mb",
    "multiple",
];
/// Field types as staff write them.
const KINDS: &[(&str, FieldKind)] = &[
    ("text", FieldKind::Text),
    ("textarea", FieldKind::Textarea),
    ("email", FieldKind::Email),
    ("pec", FieldKind::Pec),
    ("tel", FieldKind::Tel),
    ("codice_fiscale_ente", FieldKind::CodiceFiscaleEnte),
    ("codice_fiscale", FieldKind::CodiceFiscale),
    ("select", FieldKind::Select),
    ("multiselect", FieldKind::Multiselect),
    ("consent", FieldKind::Consent),
    ("file", FieldKind::File),
];

/// A checked form: its definition, complete but for what the whole site
/// resolves. Until then `thank_you_url` and `privacy_url` hold the links
/// as written (`@/privacy.md` or an address), and the fields that take
/// their options from a section have none yet.
#[derive(Clone, Debug, PartialEq)]
pub struct FormSpec {
    /// The definition, as far as the page alone determines it.
    pub definition: FormDefinition,
    /// The front-matter field that holds the form (`form`): its links are
    /// resolved under `form.thank_you` and `form.privacy`.
    pub field: String,
    /// Where the form is written, for problems found across pages.
    pub pos: Pos,
    /// Field index → the section whose pages are its options.
    pub options_from: Vec<(usize, String)>,
}

/// Templates see the form as it was written (`page.extra.form.id`,
/// `.fields`, `.thank_you`), not the compiled definition.
impl Serialize for FormSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Form<'a> {
            id: &'a str,
            title: &'a str,
            thank_you: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            privacy: Option<&'a str>,
            honeypot: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            submit: Option<&'a str>,
            fields: Vec<Field<'a>>,
        }
        #[derive(Serialize)]
        struct Field<'a> {
            name: &'a str,
            label: &'a str,
            #[serde(rename = "type")]
            kind: FieldKind,
            // As written: staff leave out `required: false`.
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            required: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            help: Option<&'a str>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            options: &'a [Choice],
            #[serde(skip_serializing_if = "Option::is_none")]
            options_from: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            max_length: Option<usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            autocomplete: Option<&'a str>,
        }
        let d = &self.definition;
        Form {
            id: &d.id,
            title: &d.title,
            thank_you: &d.thank_you_url,
            privacy: d.privacy_url.as_deref(),
            honeypot: &d.honeypot,
            submit: d.submit_label.as_deref(),
            fields: d
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| Field {
                    name: &f.name,
                    label: &f.label,
                    kind: f.kind,
                    required: f.required,
                    help: f.help.as_deref(),
                    options: &f.options,
                    max_length: f.max_length,
                    autocomplete: f.autocomplete.as_deref(),
                    options_from: self
                        .options_from
                        .iter()
                        .find(|(j, _)| *j == i)
                        .map(|(_, s)| s.as_str()),
                })
                .collect(),
        }
        .serialize(s)
    }
}

/// Checks one form definition in front matter, recording problems and
/// the page links to resolve.
pub struct Checker<'a> {
    /// The front-matter field being checked (`form`).
    pub field: &'a str,
    /// The YAML it was written in.
    pub source: &'a Source<'a>,
    /// The sections `options_from` may name.
    pub sections: &'a [String],
    /// Where problems go.
    pub problems: &'a mut Vec<Diagnostic>,
    /// Where page links go, to be resolved with the other references.
    pub refs: &'a mut Vec<RefUse>,
}

type Entries = [(Key, Yaml)];

impl Checker<'_> {
    fn problem(&mut self, pos: Pos, msg: Message) {
        self.problems.push(self.source.error(pos, msg));
    }

    fn map<'y>(&mut self, y: &'y Yaml, what: &Message, allowed: &[&str]) -> Option<&'y Entries> {
        let Value::Map(entries) = &y.value else {
            self.problem(
                y.pos,
                msg!(FORM_NOT_MAP, what = what, found = y.value.kind()),
            );
            return None;
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let keys = msg!(HINT_KEYS, list = allowed.join(", "));
                let hint = hint_or(&k.name, allowed.iter().copied(), keys);
                self.problem(
                    k.pos,
                    msg!(FORM_UNKNOWN_KEY, key = &k.name, what = what, hint = hint),
                );
            }
        }
        Some(entries)
    }

    fn text(
        &mut self,
        entries: &Entries,
        key: &str,
        what: &Message,
        required: bool,
        at: Pos,
    ) -> Option<(String, Pos)> {
        match entries.iter().find(|(k, _)| k.name == key) {
            Some((_, y)) => match &y.value {
                Value::Str(s) if !s.trim().is_empty() => Some((s.clone(), y.pos)),
                Value::Int(_) | Value::Float(_) => {
                    self.source.raw_text(y).map(|s| (s.to_string(), y.pos))
                }
                other => {
                    self.problem(
                        y.pos,
                        msg!(
                            FORM_KEY_NOT_TEXT,
                            key = key,
                            what = what,
                            found = other.kind()
                        ),
                    );
                    None
                }
            },
            None if required => {
                self.problem(at, msg!(FORM_NEEDS_KEY, what = what, key = key));
                None
            }
            None => None,
        }
    }

    /// A page link (`@/privacy.md`, recorded to be resolved) or an
    /// address, kept as written.
    fn link(&mut self, value: String, pos: Pos, key: &str) -> Option<String> {
        if value.starts_with("@/") {
            self.refs.push(RefUse {
                field: format!("{}.{key}", self.field),
                section: String::new(),
                name: value.clone(),
                pos: pos.below(self.source.shift),
            });
            Some(value)
        } else if value.starts_with("https://")
            || value.starts_with("http://")
            || value.starts_with('/')
        {
            Some(value)
        } else {
            self.problem(pos, msg!(FORM_BAD_LINK, key = key, value = &value));
            None
        }
    }

    /// Checks the form written at `y`. `None` when anything is wrong (every
    /// problem is recorded): a form exists only when it is whole.
    pub fn check(&mut self, y: &Yaml) -> Option<FormSpec> {
        let problems_before = self.problems.len();
        let what = msg!(QUOTED, name = self.field);
        let entries = self.map(y, &what, FORM_KEYS)?;
        let name_like = |this: &mut Self, key: &str| {
            let (v, pos) = this.text(entries, key, &what, true, y.pos)?;
            if !valid_name(&v) {
                this.problem(pos, msg!(FORM_BAD_NAME, key = key, value = &v));
            }
            Some(v)
        };
        let id = name_like(self, "id");
        let title = self.text(entries, "title", &what, true, y.pos);
        let honeypot = name_like(self, "honeypot");
        let submit = self.text(entries, "submit", &what, false, y.pos);
        let thank_you = self
            .text(entries, "thank_you", &what, true, y.pos)
            .and_then(|(v, pos)| self.link(v, pos, "thank_you"));
        let privacy = self
            .text(entries, "privacy", &what, false, y.pos)
            .and_then(|(v, pos)| self.link(v, pos, "privacy"));
        let call = self.call(entries, &what);
        let mut fields = Vec::new();
        let mut options_from = Vec::new();
        match entries.iter().find(|(k, _)| k.name == "fields") {
            None => self.problem(y.pos, msg!(FORM_NEEDS_FIELDS, what = &what)),
            Some((_, list)) => match &list.value {
                Value::Seq(items) => {
                    let mut names: Vec<String> = honeypot.iter().cloned().collect();
                    for item in items {
                        if let Some((field, from)) = self.field_def(item, &mut names) {
                            if let Some(section) = from {
                                options_from.push((fields.len(), section));
                            }
                            fields.push(field);
                        }
                    }
                }
                other => self.problem(list.pos, msg!(FORM_FIELDS_NOT_LIST, found = other.kind())),
            },
        }
        if self.problems.len() > problems_before {
            return None;
        }
        Some(FormSpec {
            definition: FormDefinition {
                id: id?,
                title: title?.0,
                thank_you_url: thank_you?,
                honeypot: honeypot?,
                fields,
                privacy_url: privacy,
                submit_label: submit.map(|(s, _)| s),
                call,
            },
            field: self.field.to_string(),
            pos: y.pos.below(self.source.shift),
            options_from,
        })
    }

    /// The call's keys (`opens`, `closes`, `rule`, `responsible`,
    /// `next`, `documents`), `None` when the form has none of them.
    fn call(&mut self, entries: &Entries, what: &Message) -> Option<Call> {
        let at = Pos::new(1, 1);
        let moment = |this: &mut Self, key: &str, end: End| {
            let (v, pos) = this.text(entries, key, what, false, at)?;
            let found = call::parse_moment(&v, end);
            if found.is_none() {
                this.problem(pos, msg!(FORM_CALL_BAD_DATE, key = key, found = &v));
            }
            found.map(|t| (t, pos))
        };
        let opens = moment(self, "opens", End::Start);
        let closes = moment(self, "closes", End::Finish);
        if let (Some((o, _)), Some((c, pos))) = (opens, closes) {
            if c <= o {
                self.problem(pos, msg!(FORM_CALL_CLOSES_BEFORE_OPENS));
            }
        }
        let rule = self.text(entries, "rule", what, false, at);
        let responsible = self.text(entries, "responsible", what, false, at);
        let next = self.text(entries, "next", what, false, at);
        let mut documents = Vec::new();
        if let Some((_, list)) = entries.iter().find(|(k, _)| k.name == "documents") {
            match &list.value {
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let what = msg!(FORM_WHAT_DOCUMENT);
                        let Some(e) = self.map(item, &what, &["label", "link"]) else {
                            continue;
                        };
                        let label = self.text(e, "label", &what, true, item.pos);
                        let link = self
                            .text(e, "link", &what, true, item.pos)
                            .and_then(|(v, pos)| self.link(v, pos, &format!("documents.{i}")));
                        if let (Some((label, _)), Some(link)) = (label, link) {
                            documents.push(Document { label, link });
                        }
                    }
                }
                other => self.problem(
                    list.pos,
                    msg!(FORM_DOCUMENTS_NOT_LIST, found = other.kind()),
                ),
            }
        }
        let any = opens.is_some()
            || closes.is_some()
            || rule.is_some()
            || responsible.is_some()
            || next.is_some()
            || !documents.is_empty();
        any.then(|| Call {
            opens: opens.map(|(t, _)| t),
            closes: closes.map(|(t, _)| t),
            rule: rule.map(|(s, _)| s),
            responsible: responsible.map(|(s, _)| s),
            next: next.map(|(s, _)| s),
            documents,
        })
    }

    /// One field, and the section its options come from, if any.
    fn field_def(
        &mut self,
        y: &Yaml,
        names: &mut Vec<String>,
    ) -> Option<(FieldDef, Option<String>)> {
        let what = msg!(FORM_WHAT_FIELD);
        let entries = self.map(y, &what, FIELD_KEYS)?;
        let name = self.text(entries, "name", &what, true, y.pos);
        let label = self.text(entries, "label", &what, true, y.pos);
        let kind = self.text(entries, "type", &what, true, y.pos);
        if let Some((n, pos)) = &name {
            self.field_name(n, *pos, names);
        }
        let kind = kind.and_then(|(k, pos)| self.field_kind(&k, pos));
        let keys = self.field_keys(entries);
        self.field_consistency(y, entries, kind, &keys);
        let field = FieldDef {
            name: name?.0,
            label: label?.0,
            kind: kind?,
            required: keys.required,
            help: keys.help,
            options: keys.options.unwrap_or_default(),
            max_length: keys.max_length,
            autocomplete: keys.autocomplete,
            accept: keys.accept,
            max_size_mb: keys.max_size_mb,
            multiple: keys.multiple,
        };
        Some((field, keys.from))
    }

    /// Checks a field's `name`: a valid name, not used by another field.
    fn field_name(&mut self, name: &str, pos: Pos, names: &mut Vec<String>) {
        if !valid_name(name) {
            self.problem(pos, msg!(FORM_FIELD_BAD_NAME, name = name));
        } else if names.iter().any(|n| n == name) {
            self.problem(pos, msg!(FORM_FIELD_TWICE, name = name));
        }
        names.push(name.to_string());
    }

    /// The field type written `written`, if it is one.
    fn field_kind(&mut self, written: &str, pos: Pos) -> Option<FieldKind> {
        let found = KINDS
            .iter()
            .find(|(name, _)| *name == written)
            .map(|&(_, v)| v);
        if found.is_none() {
            let names: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
            let hint = hint_among(written, &names, msg!(LABEL_TYPES));
            self.problem(
                pos,
                msg!(FORM_UNKNOWN_FIELD_TYPE, kind = written, hint = hint),
            );
        }
        found
    }

    /// A field's optional keys, each checked for its type.
    fn field_keys(&mut self, entries: &Entries) -> FieldKeys {
        let mut keys = FieldKeys::default();
        for (k, v) in entries {
            match (k.name.as_str(), &v.value) {
                ("required", Value::Bool(b)) => keys.required = *b,
                ("multiple", Value::Bool(b)) => keys.multiple = *b,
                ("max_size_mb", Value::Int(n)) if (1..=100).contains(n) => {
                    keys.max_size_mb = u32::try_from(*n).ok();
                }
                ("max_length", Value::Int(n)) if *n > 0 => {
                    keys.max_length = usize::try_from(*n).ok();
                }
                ("help", Value::Str(s)) => keys.help = Some(s.clone()),
                ("autocomplete", Value::Str(s)) => keys.autocomplete = Some(s.clone()),
                ("options_from", Value::Str(s)) => keys.from = self.options_from(s, v.pos),
                ("accept", Value::Seq(items)) => keys.accept = self.file_types(items),
                ("options", Value::Seq(items)) => keys.options = Some(self.choices(items)),
                (key, other) => self.wrong_value(key, v, other),
            }
        }
        keys
    }

    /// A known key of a field with a value of the wrong type or range.
    fn wrong_value(&mut self, key: &str, v: &Yaml, found: &Value) {
        let message = match key {
            "required" => msg!(FORM_REQUIRED_NOT_BOOL, found = found.kind()),
            "multiple" => msg!(FORM_MULTIPLE_NOT_BOOL, found = found.kind()),
            "max_size_mb" => {
                let written = self.source.raw_text(v).unwrap_or_default().to_string();
                msg!(FORM_MAX_SIZE, found = &written)
            }
            "max_length" => msg!(FORM_MAX_LENGTH, found = found.kind()),
            "help" | "autocomplete" | "options_from" => {
                msg!(FORM_VALUE_NOT_TEXT, key = key, found = found.kind())
            }
            "accept" => msg!(FORM_ACCEPT_NOT_LIST, found = found.kind()),
            "options" => msg!(FORM_OPTIONS_NOT_LIST, found = found.kind()),
            // `name`, `label`, `type`: checked as text; unknown keys: by `map`.
            _ => return,
        };
        self.problem(v.pos, message);
    }

    /// `options_from`: a section of the site.
    fn options_from(&mut self, section: &str, pos: Pos) -> Option<String> {
        if self.sections.iter().any(|x| x == section) {
            return Some(section.to_string());
        }
        let hint = hint(section, self.sections.iter().map(String::as_str));
        self.problem(
            pos,
            msg!(FORM_OPTIONS_FROM_NO_SECTION, section = section, hint = hint),
        );
        None
    }

    /// `accept`: the file types a file field takes.
    fn file_types(&mut self, items: &[Yaml]) -> Vec<FileType> {
        let mut accept = Vec::new();
        for item in items {
            let found = match &item.value {
                Value::Str(s) => FILE_TYPES.iter().find(|(n, _)| n == s),
                _ => None,
            };
            if let Some(&(_, t)) = found {
                accept.push(t);
                continue;
            }
            let names: Vec<&str> = FILE_TYPES.iter().map(|(n, _)| *n).collect();
            let written = self.source.raw_text(item).unwrap_or_default().to_string();
            let hint = hint_among(&written, &names, msg!(LABEL_TYPES));
            self.problem(
                item.pos,
                msg!(FORM_UNKNOWN_FILE_TYPE, kind = &written, hint = hint),
            );
        }
        accept
    }

    /// `options`: the choices written out, each a `value` and a `label`.
    fn choices(&mut self, items: &[Yaml]) -> Vec<Choice> {
        let mut list = Vec::new();
        for item in items {
            let what = msg!(FORM_WHAT_OPTION);
            let Some(e) = self.map(item, &what, &["value", "label"]) else {
                continue;
            };
            let value = self.text(e, "value", &what, true, item.pos);
            let label = self.text(e, "label", &what, true, item.pos);
            if let (Some((value, _)), Some((label, _))) = (value, label) {
                list.push(Choice { value, label });
            }
        }
        list
    }

    /// Checks that a field's keys fit its type: choices need options,
    /// file fields need `accept`, file keys only on file fields, and
    /// options either written out or taken from a section.
    fn field_consistency(
        &mut self,
        y: &Yaml,
        entries: &Entries,
        kind: Option<FieldKind>,
        keys: &FieldKeys,
    ) {
        let choice = matches!(kind, Some(FieldKind::Select | FieldKind::Multiselect));
        if choice && keys.options.is_none() && keys.from.is_none() {
            let written = KINDS
                .iter()
                .find(|(_, k)| Some(*k) == kind)
                .map_or("", |(n, _)| n);
            self.problem(y.pos, msg!(FORM_CHOICE_NEEDS_OPTIONS, kind = written));
        }
        let is_file = kind == Some(FieldKind::File);
        if is_file && keys.accept.is_empty() {
            self.problem(y.pos, msg!(FORM_FILE_NEEDS_ACCEPT));
        }
        let file_keys = ["accept", "max_size_mb", "multiple"];
        if let Some((k, _)) = entries
            .iter()
            .find(|(k, _)| !is_file && kind.is_some() && file_keys.contains(&k.name.as_str()))
        {
            self.problem(k.pos, msg!(FORM_ONLY_FOR_FILE, key = &k.name));
        }
        if keys.options.is_some() && keys.from.is_some() {
            self.problem(y.pos, msg!(FORM_OPTIONS_AND_FROM));
        }
    }
}

/// A field's optional keys, as read by [`Checker::field_keys`].
#[derive(Default)]
struct FieldKeys {
    required: bool,
    max_length: Option<usize>,
    help: Option<String>,
    autocomplete: Option<String>,
    options: Option<Vec<Choice>>,
    /// `options_from`: the section the options come from.
    from: Option<String>,
    accept: Vec<FileType>,
    max_size_mb: Option<u32>,
    multiple: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn check(yaml: &str) -> (Option<FormSpec>, Vec<String>, Vec<RefUse>) {
        let source = Source {
            file: Path::new("content/partecipa/_index.md"),
            text: yaml,
            shift: 2,
        };
        let y = crate::frontmatter::yaml::parse(&source, msg!(NOT_VALID_YAML)).unwrap();
        let mut problems = Vec::new();
        let mut refs = Vec::new();
        let sections = ["comuni".to_string(), "servizi".to_string()];
        let spec = Checker {
            field: "form",
            source: &source,
            sections: &sections,
            problems: &mut problems,
            refs: &mut refs,
        }
        .check(&y);
        let msgs = problems.iter().map(ToString::to_string).collect();
        (spec, msgs, refs)
    }

    const GOOD: &str = "id: mi\ntitle: Manifestazione\nthank_you: \"@/partecipa/grazie.md\"\nhoneypot: sito_web\nfields:\n  - { name: email, label: Email, type: email, required: true }\n  - { name: comuni, label: Comuni, type: multiselect, options_from: comuni }\n  - name: tipo\n    label: Tipo\n    type: select\n    options: [{ value: odv, label: ODV }]\n";

    #[test]
    fn a_valid_form_becomes_a_typed_definition() {
        let (spec, msgs, refs) = check(GOOD);
        assert!(msgs.is_empty(), "{msgs:?}");
        let spec = spec.unwrap();
        let d = &spec.definition;
        assert_eq!(d.id, "mi");
        assert_eq!(d.thank_you_url, "@/partecipa/grazie.md");
        assert_eq!(d.fields.len(), 3);
        assert_eq!(d.fields[0].kind, FieldKind::Email);
        assert!(d.fields[0].required);
        assert_eq!(spec.options_from, vec![(1, "comuni".to_string())]);
        assert_eq!(d.fields[2].options[0].label, "ODV");
        assert_eq!(refs[0].field, "form.thank_you");
        assert_eq!(refs[0].pos, Pos::new(5, 12));
    }

    #[test]
    fn every_problem_is_a_diagnostic_at_its_line() {
        let yaml = "id: m i\ntitle: T\nthank_you: grazie\nhoneypot: hp\ncolour: red\nfields:\n  - { name: email, label: Email, type: emial }\n  - { name: email, label: Di nuovo, type: text, required: si }\n  - { name: c, label: C, type: select, options_from: comunni }\n  - { name: d, label: D, type: select }\n";
        let (spec, msgs, _) = check(yaml);
        assert!(spec.is_none());
        assert_eq!(
            msgs,
            [
                "content/partecipa/_index.md:7:1: error: unknown key `colour` in `form` (keys: id, title, thank_you, privacy, honeypot, submit, fields, opens, closes, rule, responsible, next, documents)",
                "content/partecipa/_index.md:3:5: error: `id` must use only letters, digits, - and _, found `m i`",
                "content/partecipa/_index.md:5:12: error: `thank_you` must be a page link such as @/privacy.md or an address, found `grazie`",
                "content/partecipa/_index.md:9:40: error: unknown field type `emial` (did you mean `email`? types: text, textarea, email, pec, tel, codice_fiscale_ente, codice_fiscale, select, multiselect, consent, file)",
                "content/partecipa/_index.md:10:13: error: field name `email` is used twice in this form",
                "content/partecipa/_index.md:10:59: error: `required` must be true or false, found text",
                "content/partecipa/_index.md:11:54: error: `options_from`: no section `comunni` in content/ (did you mean `comuni`?)",
                "content/partecipa/_index.md:11:5: error: a `select` field needs `options` or `options_from`",
                "content/partecipa/_index.md:12:5: error: a `select` field needs `options` or `options_from`",
            ]
        );
    }

    #[test]
    fn a_call_has_dates_in_rome_a_rule_an_office_and_documents() {
        let yaml = format!("{GOOD}opens: 2026-12-01 09:00\ncloses: 2026-12-15\nrule: art. 55 D.Lgs. 117/2017\nresponsible: Zona Distretto\ndocuments:\n  - {{ label: Avviso, link: \"@/partecipa/avviso.md\" }}\n  - {{ label: Modello, link: https://esempio.it/modello.pdf }}\n");
        let (spec, msgs, refs) = check(&yaml);
        assert!(msgs.is_empty(), "{msgs:?}");
        let call = spec.unwrap().definition.call.unwrap();
        assert_eq!(call.opens.unwrap().to_string(), "2026-12-01T08:00:00Z");
        assert_eq!(call.closes.unwrap().to_string(), "2026-12-15T22:59:59Z");
        assert_eq!(call.rule.as_deref(), Some("art. 55 D.Lgs. 117/2017"));
        assert_eq!(call.documents.len(), 2);
        assert_eq!(call.documents[1].link, "https://esempio.it/modello.pdf");
        assert_eq!(refs[1].field, "form.documents.0");
        assert_eq!(refs[1].name, "@/partecipa/avviso.md");
    }

    #[test]
    fn call_problems_are_diagnostics_at_their_line() {
        let yaml = format!("{GOOD}opens: 2026-12-15\ncloses: 2026-12-01\n");
        let (spec, msgs, _) = check(&yaml);
        assert!(spec.is_none());
        assert_eq!(
            msgs,
            ["content/partecipa/_index.md:15:9: error: `closes` must come after `opens`"]
        );
        let yaml = format!("{GOOD}opens: 1 dicembre\ndocuments:\n  - {{ label: Avviso, link: avviso.pdf }}\n  - {{ link: /a.pdf }}\n");
        let (spec, msgs, _) = check(&yaml);
        assert!(spec.is_none());
        assert_eq!(
            msgs,
            [
                "content/partecipa/_index.md:14:8: error: `opens` must be a date such as 2026-12-01 or 2026-12-01 12:00 (Europe/Rome), found `1 dicembre`",
                "content/partecipa/_index.md:16:28: error: `documents.0` must be a page link such as @/privacy.md or an address, found `avviso.pdf`",
                "content/partecipa/_index.md:17:5: error: a document needs `label`",
            ]
        );
    }

    #[test]
    fn a_file_field_accepts_checked_types_and_renders_as_multipart() {
        let yaml = format!("{GOOD}  - {{ name: domanda, label: Domanda firmata, type: file, required: true, accept: [pdf, p7m], max_size_mb: 5 }}\n");
        let (spec, msgs, _) = check(&yaml);
        assert!(msgs.is_empty(), "{msgs:?}");
        let def = spec.unwrap().definition;
        let f = &def.fields[3];
        assert_eq!(f.kind, FieldKind::File);
        assert_eq!(f.accept, [FileType::Pdf, FileType::P7m]);
        assert_eq!(f.max_file_bytes(), 5 * 1024 * 1024);
        assert!(!f.multiple);
        let html = crate::form::html::form(&def, "/forms/mi", None, Default::default());
        assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
        assert!(html.contains("<input type=\"file\" id=\"campo-domanda\" name=\"domanda\" accept=\".pdf,.p7m\" data-max-mb=\"5\" required>"), "{html}");
        assert!(html.contains("<label for=\"campo-domanda\">Domanda firmata <span class=\"obbligatorio\">(obbligatorio)</span></label>"));

        let yaml = format!("{GOOD}  - {{ name: d, label: D, type: file, accept: [pdf, docx], max_size_mb: 500, multiple: si }}\n  - {{ name: e, label: E, type: file }}\n  - {{ name: t, label: T, type: text, multiple: true }}\n");
        let (spec, msgs, _) = check(&yaml);
        assert!(spec.is_none());
        assert_eq!(
            msgs,
            [
                "content/partecipa/_index.md:14:52: error: unknown file type `docx` in `accept` (types: pdf, p7m, jpg, png)",
                "content/partecipa/_index.md:14:72: error: `max_size_mb` must be a whole number from 1 to 100, found `500`",
                "content/partecipa/_index.md:14:87: error: `multiple` must be true or false, found text",
                "content/partecipa/_index.md:15:5: error: a `file` field needs `accept`, the list of file types it takes (pdf, p7m, jpg, png)",
                "content/partecipa/_index.md:16:38: error: `multiple` is only for `file` fields",
            ]
        );
    }

    #[test]
    fn kinds_are_written_as_the_service_reads_them() {
        for (name, kind) in KINDS {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{name}\""));
        }
    }
}

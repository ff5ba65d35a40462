//! A form defined in front matter (`extra.form`), checked field by field
//! like any other front matter: every problem at its file line.
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

use crate::diagnostic::{did_you_mean, Pos};
use crate::schema::RefUse;
use crate::yaml::{Value, Yaml};
use serde_json::{json, Map, Value as Json};

const FORM_KEYS: &[&str] = &[
    "id",
    "title",
    "thank_you",
    "privacy",
    "honeypot",
    "submit",
    "fields",
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
];
const KINDS: &[&str] = &[
    "text",
    "textarea",
    "email",
    "pec",
    "tel",
    "codice_fiscale_ente",
    "codice_fiscale",
    "select",
    "multiselect",
    "consent",
];

/// Checks a form definition. Returns it as a template value (with
/// `options_from` and `@/` links still unresolved), and records problems
/// and the links to resolve.
pub struct Checker<'a> {
    pub field: &'a str,
    pub source: &'a str,
    pub shift: u32,
    pub sections: &'a [String],
    pub problems: &'a mut Vec<(Pos, String)>,
    pub refs: &'a mut Vec<RefUse>,
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Checker<'_> {
    fn problem(&mut self, pos: Pos, msg: String) {
        self.problems.push((pos.below(self.shift), msg));
    }

    fn map<'y>(
        &mut self,
        y: &'y Yaml,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'y [(crate::yaml::Key, Yaml)]> {
        let Value::Map(entries) = &y.value else {
            self.problem(
                y.pos,
                format!(
                    "{what} must be a group of `key: value` lines, found {}",
                    y.value.kind()
                ),
            );
            return None;
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let hint = did_you_mean(&k.name, allowed.iter().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_else(|| format!(" (keys: {})", allowed.join(", ")));
                self.problem(k.pos, format!("unknown key `{}` in {what}{hint}", k.name));
            }
        }
        Some(entries)
    }

    fn text(
        &mut self,
        entries: &[(crate::yaml::Key, Yaml)],
        key: &str,
        what: &str,
        required: bool,
        at: Pos,
    ) -> Option<(String, Pos)> {
        match entries.iter().find(|(k, _)| k.name == key) {
            Some((_, y)) => match &y.value {
                Value::Str(s) if !s.trim().is_empty() => Some((s.clone(), y.pos)),
                Value::Int(_) | Value::Float(_) => {
                    y.raw_text(self.source).map(|s| (s.to_string(), y.pos))
                }
                other => {
                    self.problem(
                        y.pos,
                        format!("`{key}` of {what} must be text, found {}", other.kind()),
                    );
                    None
                }
            },
            None if required => {
                self.problem(at, format!("{what} needs `{key}`"));
                None
            }
            None => None,
        }
    }

    /// A page link (`@/privacy.md`) to resolve, or an address kept as is.
    fn link(&mut self, value: &str, pos: Pos, key: &str) -> Option<Json> {
        if value.starts_with("@/") {
            self.refs.push(RefUse {
                field: format!("{}.{key}", self.field),
                section: String::new(),
                name: value.to_string(),
                pos: pos.below(self.shift),
            });
            Some(Json::String(value.to_string()))
        } else if value.starts_with("https://")
            || value.starts_with("http://")
            || value.starts_with('/')
        {
            Some(Json::String(value.to_string()))
        } else {
            self.problem(pos, format!("`{key}` must be a page link such as @/privacy.md or an address, found `{value}`"));
            None
        }
    }

    pub fn check(&mut self, y: &Yaml) -> Option<Json> {
        let what = format!("`{}`", self.field);
        let entries = self.map(y, &what, FORM_KEYS)?;
        let mut out = Map::new();
        for key in ["id", "title", "honeypot", "submit"] {
            let required = key != "submit";
            if let Some((v, pos)) = self.text(entries, key, &what, required, y.pos) {
                if (key == "id" || key == "honeypot") && !valid_name(&v) {
                    self.problem(
                        pos,
                        format!("`{key}` must use only letters, digits, - and _, found `{v}`"),
                    );
                }
                out.insert(key.into(), Json::String(v));
            }
        }
        for (key, required) in [("thank_you", true), ("privacy", false)] {
            if let Some((v, pos)) = self.text(entries, key, &what, required, y.pos) {
                if let Some(link) = self.link(&v, pos, key) {
                    out.insert(key.into(), link);
                }
            }
        }
        let mut fields = Vec::new();
        match entries.iter().find(|(k, _)| k.name == "fields") {
            None => self.problem(
                y.pos,
                format!("{what} needs `fields`, the list of its fields"),
            ),
            Some((_, list)) => match &list.value {
                Value::Seq(items) => {
                    let mut names: Vec<String> = out
                        .get("honeypot")
                        .and_then(Json::as_str)
                        .map(str::to_string)
                        .into_iter()
                        .collect();
                    for item in items {
                        if let Some(f) = self.field_def(item, &mut names) {
                            fields.push(f);
                        }
                    }
                }
                other => self.problem(
                    list.pos,
                    format!("`fields` must be a list, found {}", other.kind()),
                ),
            },
        }
        out.insert("fields".into(), Json::Array(fields));
        Some(Json::Object(out))
    }

    fn field_def(&mut self, y: &Yaml, names: &mut Vec<String>) -> Option<Json> {
        let entries = self.map(y, "a form field", FIELD_KEYS)?;
        let name = self.text(entries, "name", "a form field", true, y.pos);
        let label = self.text(entries, "label", "a form field", true, y.pos);
        let kind = self.text(entries, "type", "a form field", true, y.pos);
        let mut out = Map::new();
        if let Some((n, pos)) = &name {
            if !valid_name(n) {
                self.problem(
                    *pos,
                    format!("field name `{n}` must use only letters, digits, - and _"),
                );
            } else if names.contains(n) {
                self.problem(*pos, format!("field name `{n}` is used twice in this form"));
            }
            names.push(n.clone());
            out.insert("name".into(), Json::String(n.clone()));
        }
        if let Some((l, _)) = label {
            out.insert("label".into(), Json::String(l));
        }
        let kind = kind.and_then(|(k, pos)| {
            if KINDS.contains(&k.as_str()) {
                Some(k)
            } else {
                let hint = did_you_mean(&k, KINDS.iter().copied())
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                self.problem(
                    pos,
                    format!(
                        "unknown field type `{k}` ({hint}types: {})",
                        KINDS.join(", ")
                    ),
                );
                None
            }
        });
        if let Some(k) = &kind {
            out.insert("type".into(), Json::String(k.clone()));
        }
        for (k, v) in entries {
            match (k.name.as_str(), &v.value) {
                ("required", Value::Bool(b)) => {
                    out.insert("required".into(), Json::Bool(*b));
                }
                ("max_length", Value::Int(n)) if *n > 0 => {
                    out.insert("max_length".into(), json!(n));
                }
                ("help" | "autocomplete", Value::Str(s)) => {
                    out.insert(k.name.clone(), Json::String(s.clone()));
                }
                ("options_from", Value::Str(s)) => {
                    if self.sections.iter().any(|x| x == s) {
                        out.insert("options_from".into(), Json::String(s.clone()));
                    } else {
                        let hint = did_you_mean(s, self.sections.iter().map(String::as_str))
                            .map(|c| format!(" (did you mean `{c}`?)"))
                            .unwrap_or_default();
                        self.problem(
                            v.pos,
                            format!("`options_from`: no section `{s}` in content/{hint}"),
                        );
                    }
                }
                ("options", Value::Seq(items)) => {
                    let mut options = Vec::new();
                    for item in items {
                        let Some(e) = self.map(item, "an option", &["value", "label"]) else {
                            continue;
                        };
                        let value = self.text(e, "value", "an option", true, item.pos);
                        let label = self.text(e, "label", "an option", true, item.pos);
                        if let (Some((v, _)), Some((l, _))) = (value, label) {
                            options.push(json!({"value": v, "label": l}));
                        }
                    }
                    out.insert("options".into(), Json::Array(options));
                }
                ("required", other) => self.problem(
                    v.pos,
                    format!("`required` must be true or false, found {}", other.kind()),
                ),
                ("max_length", other) => self.problem(
                    v.pos,
                    format!(
                        "`max_length` must be a whole number above 0, found {}",
                        other.kind()
                    ),
                ),
                ("help" | "autocomplete" | "options_from", other) => self.problem(
                    v.pos,
                    format!("`{}` must be text, found {}", k.name, other.kind()),
                ),
                ("options", other) => self.problem(
                    v.pos,
                    format!(
                        "`options` must be a list of `value` and `label`, found {}",
                        other.kind()
                    ),
                ),
                _ => {}
            }
        }
        let has_options = out.contains_key("options") || out.contains_key("options_from");
        if matches!(kind.as_deref(), Some("select" | "multiselect")) && !has_options {
            self.problem(
                y.pos,
                format!(
                    "a `{}` field needs `options` or `options_from`",
                    kind.unwrap_or_default()
                ),
            );
        }
        if out.contains_key("options") && out.contains_key("options_from") {
            self.problem(
                y.pos,
                "a field takes `options` or `options_from`, not both".into(),
            );
        }
        Some(Json::Object(out))
    }
}

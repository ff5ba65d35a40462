//! Forms: one definition, two programs. The generator renders a form from
//! its definition; the forms service validates submissions against the
//! same definition, with the same rules and the same Italian messages.
//!
//! A crate of its own, small on purpose (serde, jiff, email_address): the
//! service links it without the generator or its message catalogue.

pub mod calendar;
pub mod call;
pub mod checks;
pub mod escape;
pub mod filetype;
pub mod html;

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// A form, as compiled to JSON for the service (`GET /forms/{id}`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// URL-safe identifier, e.g. `manifestazione-di-interesse`.
    pub id: String,
    /// The form's heading and the subject of its emails.
    pub title: String,
    /// Where a browser without JavaScript is sent after a submission.
    pub thank_you_url: String,
    /// Name of the hidden field that people leave empty and bots fill in.
    pub honeypot: String,
    /// The fields, in the order they are shown.
    pub fields: Vec<FieldDef>,
    /// The privacy notice, linked next to consent boxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// The text of the submit button (default «Invia»).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_label: Option<String>,
    /// The call's dates, rule, office and documents, when the form is a
    /// call (avviso) rather than always open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<call::Call>,
}

/// One field of a form.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The name posted (letters, digits, `-` and `_`).
    pub name: String,
    /// The label shown to people.
    pub label: String,
    #[serde(rename = "type")]
    /// The type, which decides the input and the checks.
    pub kind: FieldKind,
    #[serde(default)]
    /// Whether an answer is required.
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A hint shown under the label.
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The choices of a `select` or `multiselect`.
    pub options: Vec<Choice>,
    /// Longest accepted answer, in characters (defaults by type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// HTML `autocomplete` token (`organization`, `email`, `tel`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
    /// For a `file` field: the types accepted, checked by content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<filetype::FileType>,
    /// For a `file` field: the largest file accepted, in MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<u32>,
    /// For a `file` field: whether several files may be sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
}

/// One option of a `select` or `multiselect`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value posted.
    pub value: String,
    /// The text shown.
    pub label: String,
}

/// Field types.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// An email address.
    Email,
    /// A certified email address (PEC): validated as an email address.
    Pec,
    /// An Italian phone number.
    Tel,
    /// The 11-digit codice fiscale of an organisation (partita IVA rules).
    CodiceFiscaleEnte,
    /// A person's 16-character codice fiscale.
    CodiceFiscale,
    /// One choice from `options`.
    Select,
    /// Any number of choices from `options`.
    Multiselect,
    /// A box that must be ticked (privacy consent).
    Consent,
    /// One or more files, checked by the forms service as they arrive.
    File,
}

/// The largest file a `file` field takes when it does not say.
pub const DEFAULT_MAX_SIZE_MB: u32 = 10;

impl FieldDef {
    /// The largest file this field takes, in bytes.
    pub fn max_file_bytes(&self) -> u64 {
        u64::from(self.max_size_mb.unwrap_or(DEFAULT_MAX_SIZE_MB)) * 1024 * 1024
    }
}

/// What makes a compiled form definition unusable. The generator writes
/// only checked definitions: one of these means the file was edited by
/// hand or comes from another version.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// The form's id has characters other than letters, digits, - and _.
    #[error("form id `{0}` must use letters, digits, - and _")]
    BadFormId(String),
    /// A field's name has characters other than letters, digits, - and _.
    #[error("field name `{0}` must use letters, digits, - and _")]
    BadFieldName(String),
    /// Two fields (or a field and the honeypot) share a name.
    #[error("field name `{0}` is used twice")]
    DuplicateField(String),
    /// A choice field without choices.
    #[error("field `{0}` needs options")]
    NoOptions(String),
}

impl FormDefinition {
    /// Whether the form takes files (and so is sent as multipart).
    pub fn has_files(&self) -> bool {
        self.fields.iter().any(|f| f.kind == FieldKind::File)
    }
}

impl FieldKind {
    fn default_max_length(self) -> usize {
        match self {
            FieldKind::Textarea => 5000,
            FieldKind::Email | FieldKind::Pec => 254,
            _ => 200,
        }
    }

    /// Whether the answer is one line (CR and LF are refused: such values
    /// end up in email headers and CSV cells).
    pub fn single_line(self) -> bool {
        !matches!(self, FieldKind::Textarea)
    }
}

/// A valid answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// One text answer.
    One(String),
    /// The choices of a `multiselect`.
    Many(Vec<String>),
    /// A consent box: ticked or not.
    Consent(bool),
}

/// A validated submission: answers in the definition's order, normalised
/// (trimmed, phone numbers as `+39...`, codici fiscali in capitals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The form it answers.
    pub form_id: String,
    /// Field name → answer.
    pub answers: Vec<(String, Answer)>,
}

/// A problem with one field, in plain Italian for the person filling in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name.
    pub field: String,
    /// What is wrong, in Italian.
    pub message: String,
}

/// Why raw input could not even be read as form fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The same field was sent twice (and it is not a multiselect).
    Duplicate(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Duplicate(name) => write!(f, "il campo «{name}» è stato inviato più volte"),
        }
    }
}

/// Whether `s` can name a form or a field: letters, digits, `-` and `_`
/// (it ends up in URLs, HTML ids and CSV headers).
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl FormDefinition {
    /// Checks the definition itself: unique names, options where needed.
    pub fn check(&self) -> Result<(), DefinitionError> {
        let mut names = HashSet::new();
        if !valid_name(&self.id) {
            return Err(DefinitionError::BadFormId(self.id.clone()));
        }
        for f in &self.fields {
            if !valid_name(&f.name) {
                return Err(DefinitionError::BadFieldName(f.name.clone()));
            }
            if !names.insert(f.name.as_str()) || f.name == self.honeypot {
                return Err(DefinitionError::DuplicateField(f.name.clone()));
            }
            let needs_options = matches!(f.kind, FieldKind::Select | FieldKind::Multiselect);
            if needs_options && f.options.is_empty() {
                return Err(DefinitionError::NoOptions(f.name.clone()));
            }
        }
        Ok(())
    }

    /// The field called `name`, if any.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The value of the honeypot field, if filled in.
    pub fn honeypot_filled(&self, raw: &[(String, String)]) -> bool {
        raw.iter()
            .any(|(k, v)| k == &self.honeypot && !v.trim().is_empty())
    }

    /// The answer given for the first email field: where receipts go and
    /// what the district replies to.
    pub fn sender_email<'a>(&self, sub: &'a Submission) -> Option<&'a str> {
        let field = self.fields.iter().find(|f| f.kind == FieldKind::Email)?;
        sub.answers.iter().find_map(|(n, a)| match a {
            Answer::One(v) if n == &field.name => Some(v.as_str()),
            _ => None,
        })
    }
}

/// What a honeypot catch keeps: only the definition's fields, each cut to
/// its length limit (several values of one field joined with `, `), never
/// the arbitrary keys a bot may send.
pub fn honeypot_answers(def: &FormDefinition, raw: &[(String, String)]) -> Vec<(String, String)> {
    def.fields
        .iter()
        .filter_map(|field| {
            let max = field
                .max_length
                .unwrap_or_else(|| field.kind.default_max_length());
            let joined = raw
                .iter()
                .filter(|(n, _)| n == &field.name)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            (!joined.is_empty()).then(|| (field.name.clone(), joined.chars().take(max).collect()))
        })
        .collect()
}

/// Validates raw `name=value` pairs (as posted) against a definition.
/// Unknown fields are ignored; a repeated field that is not a multiselect
/// is an input error. Every field's problem is reported.
pub fn validate(def: &FormDefinition, raw: &[(String, String)]) -> Result<Submission, Validation> {
    let mut seen = HashSet::new();
    for (name, _) in raw {
        let multi = def
            .field(name)
            .is_some_and(|f| matches!(f.kind, FieldKind::Multiselect | FieldKind::File));
        if !multi && def.field(name).is_some() && !seen.insert(name.as_str()) {
            return Err(Validation::Input(InputError::Duplicate(name.clone())));
        }
    }
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for field in &def.fields {
        let values: Vec<&str> = raw
            .iter()
            .filter(|(n, _)| n == &field.name)
            .map(|(_, v)| v.as_str())
            .collect();
        // Files are checked by content as they arrive (the forms service
        // names each accepted file here); a required one must be there.
        if field.kind == FieldKind::File {
            if field.required && values.iter().all(|v| v.is_empty()) {
                errors.push(FieldError {
                    field: field.name.clone(),
                    message: format!("Allega il file richiesto in «{}».", field.label),
                });
            }
            continue;
        }
        match check_field(field, &values) {
            Ok(Some(answer)) => answers.push((field.name.clone(), answer)),
            Ok(None) => {}
            Err(message) => errors.push(FieldError {
                field: field.name.clone(),
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(Submission {
            form_id: def.id.clone(),
            answers,
        })
    } else {
        Err(Validation::Fields(errors))
    }
}

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// The input is malformed as a whole.
    Input(InputError),
    /// Some fields are not valid; each has its message.
    Fields(Vec<FieldError>),
}

/// Checks one field's values. `Ok(None)`: optional and left empty.
fn check_field(field: &FieldDef, values: &[&str]) -> Result<Option<Answer>, String> {
    let label = &field.label;
    if field.kind == FieldKind::Multiselect {
        let mut chosen: Vec<String> = Vec::new();
        for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            if !field.options.iter().any(|o| o.value == v) {
                return Err(format!("«{label}»: scegli tra le voci proposte."));
            }
            if !chosen.iter().any(|c| c == v) {
                chosen.push(v.to_string());
            }
        }
        if chosen.is_empty() {
            return if field.required {
                Err(format!("«{label}»: scegli almeno una voce."))
            } else {
                Ok(None)
            };
        }
        // Keep the definition's order, whatever order the browser sent.
        chosen.sort_by_key(|v| field.options.iter().position(|o| &o.value == v));
        return Ok(Some(Answer::Many(chosen)));
    }
    let value = values.first().copied().unwrap_or("");
    if field.kind == FieldKind::Consent {
        let ticked = matches!(value.trim(), "on" | "true" | "1" | "si" | "sì" | "yes");
        if field.required && !ticked {
            return Err(format!("Per inviare la richiesta devi spuntare «{label}»."));
        }
        return Ok(Some(Answer::Consent(ticked)));
    }
    let value = if field.kind.single_line() {
        value.trim().to_string()
    } else {
        value.replace("\r\n", "\n").trim().to_string()
    };
    if value.is_empty() {
        return if field.required {
            Err(format!("Compila il campo «{label}»."))
        } else {
            Ok(None)
        };
    }
    let max = field
        .max_length
        .unwrap_or_else(|| field.kind.default_max_length());
    if value.chars().count() > max {
        return Err(format!(
            "«{label}»: puoi scrivere al massimo {max} caratteri."
        ));
    }
    if field.kind.single_line() && value.contains(['\r', '\n']) {
        return Err(format!(
            "«{label}»: scrivi tutto su una riga, senza andare a capo."
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!("«{label}» contiene caratteri non validi."));
    }
    // Kept to say what is wrong with it.
    let typed = value.clone();
    let normalised = match field.kind {
        FieldKind::Text | FieldKind::Textarea => Some(value),
        FieldKind::Email | FieldKind::Pec => checks::email(&value),
        FieldKind::Tel => checks::tel(&value),
        FieldKind::CodiceFiscaleEnte => checks::codice_fiscale_ente(&value),
        FieldKind::CodiceFiscale => checks::codice_fiscale(&value),
        FieldKind::Select => field
            .options
            .iter()
            .any(|o| o.value == value)
            .then_some(value),
        FieldKind::Multiselect | FieldKind::Consent | FieldKind::File => None,
    };
    normalised
        .map(|v| Some(Answer::One(v)))
        .ok_or_else(|| invalid_message(field, &typed))
}

fn invalid_message(field: &FieldDef, value: &str) -> String {
    let label = &field.label;
    match field.kind {
        FieldKind::Email => format!("«{label}»: scrivi un indirizzo email valido, ad esempio nome@esempio.it."),
        FieldKind::Pec => format!("«{label}»: scrivi un indirizzo PEC valido, ad esempio ente@pec.it."),
        FieldKind::Tel => format!("«{label}»: scrivi un numero di telefono italiano, fisso o cellulare, ad esempio 0583 123456."),
        FieldKind::CodiceFiscaleEnte => {
            format!("«{label}»: {}", checks::codice_fiscale_ente_problem(value))
        }
        FieldKind::CodiceFiscale => {
            format!("«{label}»: {}", checks::codice_fiscale_problem(value))
        }
        FieldKind::Select => format!("«{label}»: scegli una delle voci proposte."),
        _ => format!("«{label}» non è valido."),
    }
}

impl Answer {
    /// The answer as people read it: option labels rather than values.
    pub fn display(&self, field: &FieldDef) -> String {
        let label_of = |v: &str| {
            field
                .options
                .iter()
                .find(|o| o.value == v)
                .map_or_else(|| v.to_string(), |o| o.label.clone())
        };
        match self {
            Answer::One(v) if field.kind == FieldKind::Select => label_of(v),
            Answer::One(v) if field.kind == FieldKind::Tel => checks::tel_display(v),
            Answer::One(v) => v.clone(),
            Answer::Many(vs) => vs
                .iter()
                .map(|v| label_of(v))
                .collect::<Vec<_>>()
                .join(", "),
            Answer::Consent(true) => "sì".to_string(),
            Answer::Consent(false) => "no".to_string(),
        }
    }
}

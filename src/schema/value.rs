//! Front-matter values as templates see them (`page.extra.*`,
//! `config.extra.*`): checked against the section schema, typed, and
//! serialised straight into template contexts.

use crate::schema::form_spec::FormSpec;
use crate::text::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One value of an `extra:` field.
///
/// Fields are declared per section at run time (`site.yaml`), so their
/// values are this enum rather than fixed structs; each variant is what the
/// schema checked it to be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Written but empty (only in sections without a schema).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A decimal number (an amount in euro).
    Decimal(f64),
    /// Text, including a reference as written (`barga`).
    Text(String),
    /// A checked calendar date, shown to templates as `2022-07-21`.
    #[serde(skip_deserializing)]
    Date(Date),
    /// A list of values.
    List(Vec<FieldValue>),
    /// A group of fields (in sections without a schema, and `config.extra`).
    Map(BTreeMap<String, FieldValue>),
    /// A checked form definition (see [`crate::schema::form_spec`]).
    #[serde(skip_deserializing)]
    Form(Box<FormSpec>),
}

/// The `extra:` fields of a page, by name.
pub type Extra = BTreeMap<String, FieldValue>;

/// Nothing written: `config.extra` when `site.yaml` has none.
impl Default for FieldValue {
    fn default() -> Self {
        FieldValue::Null
    }
}

impl FieldValue {
    /// The value as text, as a schema's `values:` list compares it.
    pub fn as_text(&self) -> Option<String> {
        match self {
            FieldValue::Text(s) => Some(s.clone()),
            FieldValue::Int(i) => Some(i.to_string()),
            FieldValue::Decimal(f) => serde_json::to_string(f).ok(),
            FieldValue::Bool(b) => Some(b.to_string()),
            FieldValue::Date(d) => Some(d.to_string()),
            _ => None,
        }
    }
}

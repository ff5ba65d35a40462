//! The accessible HTML of a form, rendered from its definition: the same
//! markup for the page the generator writes and for the page the service
//! sends back when a submission has errors (with the values kept).
//!
//! Every input has a `<label>`; help and error texts are tied to it with
//! `aria-describedby`; required fields say so in words; groups of boxes are
//! fieldsets with a legend; the honeypot is hidden from people and from
//! assistive technology alike.

use super::{FieldDef, FieldError, FieldKind, FormDefinition};
use crate::escape::escape;
use std::fmt::Write as _;

/// Where the forms service puts a page's title in the page shell the
/// generator writes (the theme's `shell.html`).
pub const SHELL_TITLE: &str = "__AMBITO_TITOLO__";
/// Where the forms service puts a page's content in the shell.
pub const SHELL_CONTENT: &str = "__AMBITO_CONTENUTO__";

/// The name of the hidden field that carries, for file field `field`,
/// the token of the files the service kept from a post it sent back.
pub fn held_input_name(field: &str) -> String {
    format!("_file_caricati_{field}")
}

/// A file the service kept from a post it sent back with errors (a page
/// without JavaScript cannot keep a chosen file): shown next to its field,
/// and sent again as a token unless another file is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFile {
    /// The file field it was sent in.
    pub field: String,
    /// Its name as the sender gave it.
    pub name: String,
    /// Its size, as people read it (`12,3 kB`).
    pub size: String,
    /// The token that finds it on the service.
    pub token: String,
}

/// What a person typed and what was wrong with it, to render the form again.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filled<'a> {
    /// What was typed, `name=value` pairs as posted.
    pub values: &'a [(String, String)],
    /// The problems to show next to their fields.
    pub errors: &'a [FieldError],
    /// Files already received, kept for the next send.
    pub held: &'a [HeldFile],
}

impl Filled<'_> {
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
    fn has(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(n, v)| n == name && v == value)
    }
    fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.as_str())
    }
}

/// Id of a field's input (used by labels and by the error summary).
pub fn input_id(name: &str) -> String {
    format!("campo-{name}")
}

/// The error summary shown above the form: a heading and one link per
/// field in error, focused on arrival so screen readers announce it.
pub fn error_summary(def: &FormDefinition, errors: &[FieldError]) -> String {
    let n = errors.len();
    let mut out = String::from(
        "<div class=\"riepilogo-errori\" id=\"riepilogo-errori\" role=\"alert\" tabindex=\"-1\" aria-labelledby=\"riepilogo-errori-titolo\">\n",
    );
    let title = if n == 1 {
        "C’è un errore da correggere".to_string()
    } else {
        format!("Ci sono {n} errori da correggere")
    };
    let _ = writeln!(out, "<h2 id=\"riepilogo-errori-titolo\">{title}</h2>\n<ul>");
    // In the form's order, whatever order they were found in.
    for field in &def.fields {
        if let Some(e) = errors.iter().find(|e| e.field == field.name) {
            let target = match field.kind {
                FieldKind::Multiselect => format!("{}-0", input_id(&field.name)),
                _ => input_id(&field.name),
            };
            let _ = writeln!(
                out,
                "<li><a href=\"#{target}\">{}</a></li>",
                escape(&e.message)
            );
        }
    }
    out.push_str("</ul>\n</div>\n");
    out
}

/// The `<form>` element. `privacy_url` is linked next to consent boxes.
pub fn form(
    def: &FormDefinition,
    action: &str,
    privacy_url: Option<&str>,
    filled: Filled<'_>,
) -> String {
    let mut out = String::with_capacity(8 * 1024);
    // Files travel as multipart; other forms stay urlencoded.
    let enctype = if def.has_files() {
        " enctype=\"multipart/form-data\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<form class=\"modulo\" method=\"post\" action=\"{}\" accept-charset=\"utf-8\"{enctype} novalidate data-modulo>",
        escape(action)
    );
    out.push_str("<p class=\"nota-obbligatori\">I campi contrassegnati come «obbligatorio» vanno compilati.</p>\n");
    for field in &def.fields {
        field_html(&mut out, field, privacy_url, &filled);
    }
    // The honeypot: out of sight, out of the tab order, out of the
    // accessibility tree. People never fill it; bots often do.
    let hp = escape(&def.honeypot);
    let _ = writeln!(
        out,
        "<div class=\"hp\" aria-hidden=\"true\" hidden><label for=\"campo-{hp}\">Non compilare questo campo</label><input type=\"text\" id=\"campo-{hp}\" name=\"{hp}\" tabindex=\"-1\" autocomplete=\"off\"></div>"
    );
    let submit = escape(def.submit_label.as_deref().unwrap_or("Invia"));
    let _ = writeln!(out, "<button type=\"submit\">{submit}</button>\n</form>");
    out
}

fn required_mark(field: &FieldDef) -> &'static str {
    if field.required {
        " <span class=\"obbligatorio\">(obbligatorio)</span>"
    } else {
        " <span class=\"facoltativo\">(facoltativo)</span>"
    }
}

fn field_html(out: &mut String, field: &FieldDef, privacy_url: Option<&str>, filled: &Filled<'_>) {
    let id = input_id(&field.name);
    let name = escape(&field.name);
    let error = filled.error(&field.name);
    let mut described = Vec::new();
    let help = field.help.as_ref().map(|h| {
        described.push(format!("{id}-aiuto"));
        format!("<p class=\"aiuto\" id=\"{id}-aiuto\">{}</p>\n", escape(h))
    });
    let error_html = error.map(|e| {
        described.push(format!("{id}-errore"));
        format!("<p class=\"errore\" id=\"{id}-errore\"><span class=\"visually-hidden\">Errore: </span>{}</p>\n", escape(e))
    });
    let held: Vec<&HeldFile> = filled
        .held
        .iter()
        .filter(|h| h.field == field.name)
        .collect();
    let held_html = (!held.is_empty()).then(|| {
        described.push(format!("{id}-caricato"));
        let names: Vec<String> = held
            .iter()
            .map(|h| format!("«{}» ({})", escape(&h.name), escape(&h.size)))
            .collect();
        let (what, choose) = if held.len() == 1 {
            ("File già caricato", "puoi sceglierne un altro")
        } else {
            ("File già caricati", "puoi sceglierne altri")
        };
        format!(
            "<p class=\"file-caricato\" id=\"{id}-caricato\">{what}: {} — {choose}, altrimenti viene inviato questo.</p>\n<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            names.join(", "),
            escape(&held_input_name(&field.name)),
            escape(&held[0].token)
        )
    });
    let aria = {
        let mut a = String::new();
        if !described.is_empty() {
            let _ = write!(a, " aria-describedby=\"{}\"", described.join(" "));
        }
        if error.is_some() {
            a.push_str(" aria-invalid=\"true\"");
        }
        if field.required {
            a.push_str(" required");
        }
        a
    };
    let class = if error.is_some() {
        "campo campo-errore"
    } else {
        "campo"
    };
    let label = escape(&field.label);
    let value = escape(filled.value(&field.name));
    match field.kind {
        FieldKind::Multiselect => {
            let _ = writeln!(
                out,
                "<fieldset class=\"{class}\"{}>\n<legend>{label}{}</legend>",
                aria_group(&described, error.is_some()),
                required_mark(field)
            );
            out.push_str(help.as_deref().unwrap_or(""));
            out.push_str(error_html.as_deref().unwrap_or(""));
            for (i, opt) in field.options.iter().enumerate() {
                let checked = if filled.has(&field.name, &opt.value) {
                    " checked"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "<div class=\"scelta\"><input type=\"checkbox\" id=\"{id}-{i}\" name=\"{name}\" value=\"{}\"{checked}><label for=\"{id}-{i}\">{}</label></div>",
                    escape(&opt.value),
                    escape(&opt.label)
                );
            }
            out.push_str("</fieldset>\n");
        }
        FieldKind::Consent => {
            let checked = if matches!(filled.value(&field.name), "on" | "true" | "1") {
                " checked"
            } else {
                ""
            };
            let _ = writeln!(out, "<div class=\"{class} consenso\">");
            out.push_str(help.as_deref().unwrap_or(""));
            out.push_str(error_html.as_deref().unwrap_or(""));
            let _ = writeln!(
                out,
                "<input type=\"checkbox\" id=\"{id}\" name=\"{name}\" value=\"on\"{checked}{aria}><label for=\"{id}\">{label}{}</label>",
                required_mark(field)
            );
            if let Some(url) = privacy_url {
                let _ = writeln!(out, "<p><a href=\"{}\">Leggi l’informativa sul trattamento dei dati personali</a></p>", escape(url));
            }
            out.push_str("</div>\n");
        }
        _ => {
            let _ = writeln!(
                out,
                "<div class=\"{class}\">\n<label for=\"{id}\">{label}{}</label>",
                required_mark(field)
            );
            out.push_str(help.as_deref().unwrap_or(""));
            out.push_str(error_html.as_deref().unwrap_or(""));
            let auto = field
                .autocomplete
                .as_ref()
                .map(|a| format!(" autocomplete=\"{}\"", escape(a)))
                .unwrap_or_default();
            match field.kind {
                FieldKind::Textarea => {
                    let max = field.max_length.unwrap_or(5000);
                    let _ = writeln!(out, "<textarea id=\"{id}\" name=\"{name}\" rows=\"8\" maxlength=\"{max}\"{auto}{aria}>{value}</textarea>");
                }
                FieldKind::Select => {
                    let _ = writeln!(out, "<select id=\"{id}\" name=\"{name}\"{auto}{aria}>\n<option value=\"\">Scegli…</option>");
                    for opt in &field.options {
                        let selected = if filled.value(&field.name) == opt.value {
                            " selected"
                        } else {
                            ""
                        };
                        let _ = writeln!(
                            out,
                            "<option value=\"{}\"{selected}>{}</option>",
                            escape(&opt.value),
                            escape(&opt.label)
                        );
                    }
                    out.push_str("</select>\n");
                }
                FieldKind::File => {
                    let accept: Vec<&str> = field
                        .accept
                        .iter()
                        .flat_map(|t| t.extensions().iter().copied())
                        .collect();
                    let multiple = if field.multiple { " multiple" } else { "" };
                    // Kept files answer a required field: no `required` then.
                    let aria = if held_html.is_some() {
                        aria.replace(" required", "")
                    } else {
                        aria.clone()
                    };
                    let _ = writeln!(
                        out,
                        "<input type=\"file\" id=\"{id}\" name=\"{name}\" accept=\"{}\" data-max-mb=\"{}\"{multiple}{aria}>",
                        accept.join(","),
                        field.max_file_bytes() / (1024 * 1024)
                    );
                    out.push_str(held_html.as_deref().unwrap_or(""));
                }
                kind => {
                    let (ty, extra) = match kind {
                        FieldKind::Email | FieldKind::Pec => ("email", " spellcheck=\"false\""),
                        FieldKind::Tel => ("tel", " inputmode=\"tel\""),
                        FieldKind::CodiceFiscaleEnte => {
                            ("text", " inputmode=\"numeric\" spellcheck=\"false\"")
                        }
                        FieldKind::CodiceFiscale => (
                            "text",
                            " spellcheck=\"false\" autocapitalize=\"characters\"",
                        ),
                        _ => ("text", ""),
                    };
                    let _ = writeln!(out, "<input type=\"{ty}\" id=\"{id}\" name=\"{name}\" value=\"{value}\"{extra}{auto}{aria}>");
                }
            }
            out.push_str("</div>\n");
        }
    }
}

/// A group's help, error and state go on its fieldset (the page's script
/// does the same), not on its first box.
fn aria_group(described: &[String], invalid: bool) -> String {
    let mut a = String::new();
    if !described.is_empty() {
        let _ = write!(a, " aria-describedby=\"{}\"", described.join(" "));
    }
    if invalid {
        a.push_str(" aria-invalid=\"true\"");
    }
    a
}

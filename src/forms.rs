//! Forms defined in front matter (`extra.form`), compiled for both
//! programs: options taken from sections (`options_from: comuni`), page
//! links turned into addresses. The generator renders the form from the
//! compiled definition and writes it as JSON beside the page, where the
//! forms service loads it.

use crate::diagnostic::Diagnostic;
use crate::form::{Choice, FieldDef, FieldKind, FormDefinition};
use crate::site::{PageId, Site};
use serde_json::Value as Json;
use std::collections::HashMap;

/// A compiled form and where it lives.
#[derive(Debug, Clone)]
pub struct CompiledForm {
    /// The page that defines (and shows) the form.
    pub page: PageId,
    pub definition: FormDefinition,
    /// Where the form posts: the service's address for this form.
    pub action: String,
    /// The privacy notice's address on the site (site-relative).
    pub privacy_path: Option<String>,
}

/// The address of a linked page, absolute (`https://…`), or the text as
/// written when it is not a page link.
fn resolve_link(site: &Site, id: PageId, field: &str, written: &str) -> (String, Option<String>) {
    if written.starts_with("@/") {
        if let Some(&target) = site.pages[id].refs.get(field).and_then(|v| v.first()) {
            let url = &site.pages[target].url;
            let rest = url.strip_prefix(site.config.base_path()).unwrap_or(url);
            return (format!("{}{rest}", site.config.base_url), Some(url.clone()));
        }
    }
    (
        written.to_string(),
        written.starts_with('/').then(|| written.to_string()),
    )
}

/// Options from a section: its pages, in the section's order, as
/// `value` = the page's file name, `label` = its title.
fn options_from(site: &Site, key: &str) -> Vec<Choice> {
    site.sections.get(key).map_or_else(Vec::new, |s| {
        s.pages
            .iter()
            .map(|&i| {
                let p = &site.pages[i].src;
                let stem = p
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or(&p.path)
                    .trim_end_matches(".md");
                Choice {
                    value: stem.to_string(),
                    label: p.meta.title.clone(),
                }
            })
            .collect()
    })
}

fn text(v: &Json, key: &str) -> Option<String> {
    v.get(key).and_then(Json::as_str).map(str::to_string)
}

/// Compiles every form of the site. The definitions were checked when
/// their pages were loaded; what is left to check needs the whole site.
pub fn compile(site: &Site) -> (Vec<CompiledForm>, Vec<Diagnostic>) {
    let endpoint = site.config.forms_endpoint.trim_end_matches('/');
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut ids: HashMap<String, PageId> = HashMap::new();
    for (id, page) in site.pages.iter().enumerate() {
        let Some(spec) = page.src.extra.get("form") else {
            continue;
        };
        let (Some(form_id), Some(title), Some(honeypot)) = (
            text(spec, "id"),
            text(spec, "title"),
            text(spec, "honeypot"),
        ) else {
            continue; // already reported while loading
        };
        if let Some(&other) = ids.get(&form_id) {
            diags.push(Diagnostic::file(
                &page.src.file,
                format!(
                    "form id `{form_id}` is also used by {}",
                    site.pages[other].src.file.display()
                ),
            ));
            continue;
        }
        ids.insert(form_id.clone(), id);
        let (thank_you_url, _) = resolve_link(
            site,
            id,
            "form.thank_you",
            &text(spec, "thank_you").unwrap_or_default(),
        );
        let privacy = text(spec, "privacy").map(|p| resolve_link(site, id, "form.privacy", &p));
        let fields = spec
            .get("fields")
            .and_then(Json::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(|f| {
                        let kind: FieldKind =
                            serde_json::from_value(f.get("type")?.clone()).ok()?;
                        let options = match text(f, "options_from") {
                            Some(section) => options_from(site, &section),
                            None => serde_json::from_value(
                                f.get("options").cloned().unwrap_or(Json::Array(vec![])),
                            )
                            .ok()?,
                        };
                        Some(FieldDef {
                            name: text(f, "name")?,
                            label: text(f, "label")?,
                            kind,
                            required: f.get("required").and_then(Json::as_bool).unwrap_or(false),
                            help: text(f, "help"),
                            options,
                            max_length: f
                                .get("max_length")
                                .and_then(Json::as_u64)
                                .map(|n| n as usize),
                            autocomplete: text(f, "autocomplete"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let definition = FormDefinition {
            id: form_id.clone(),
            title,
            thank_you_url,
            honeypot,
            fields,
            privacy_url: privacy.as_ref().map(|(abs, _)| abs.clone()),
            submit_label: text(spec, "submit"),
        };
        if let Err(e) = definition.check() {
            diags.push(Diagnostic::file(
                &page.src.file,
                format!("form `{form_id}`: {e}"),
            ));
            continue;
        }
        out.push(CompiledForm {
            page: id,
            action: format!("{endpoint}/forms/{form_id}"),
            privacy_path: privacy.and_then(|(_, path)| path),
            definition,
        });
    }
    (out, diags)
}

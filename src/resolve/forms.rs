//! Forms defined in front matter (`extra.form`), compiled for both
//! programs: options taken from sections (`options_from: comuni`), page
//! links turned into addresses. The generator renders the form from the
//! compiled definition and writes it as JSON beside the page, where the
//! forms service loads it.

use crate::form::{Choice, FormDefinition};
use crate::msg;
use crate::report::diagnostic::Diagnostic;
use crate::resolve::site::{PageId, Site};
use crate::schema::value::FieldValue;
use std::collections::HashMap;

/// A compiled form and where it lives.
#[derive(Debug, Clone)]
pub struct CompiledForm {
    /// The page that defines (and shows) the form.
    pub page: PageId,
    /// The compiled definition, as the service loads it.
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
            return (site.config.permalink(url), Some(url.clone()));
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

/// The pages forms send their senders to after sending (`thank_you`):
/// confirmations, reached only by sending, which the sitemap leaves out.
pub fn confirmation_pages(site: &Site) -> std::collections::HashSet<PageId> {
    site.pages
        .iter()
        .flat_map(|page| {
            page.src
                .extra
                .values()
                .filter_map(move |value| match value {
                    FieldValue::Form(spec) => page
                        .refs
                        .get(&format!("{}.thank_you", spec.field))
                        .and_then(|targets| targets.first())
                        .copied(),
                    _ => None,
                })
        })
        .collect()
}

/// Compiles every form of the site: options from sections, page links
/// turned into addresses. The definitions were checked when their pages
/// were loaded; what is left to check needs the whole site.
pub fn compile(site: &Site) -> (Vec<CompiledForm>, Vec<Diagnostic>) {
    let endpoint = site.config.forms_endpoint.trim_end_matches('/');
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut ids: HashMap<&str, PageId> = HashMap::new();
    for (id, page) in site.pages.iter().enumerate() {
        for value in page.src.extra.values() {
            let FieldValue::Form(spec) = value else {
                continue;
            };
            let form_id = spec.definition.id.as_str();
            if let Some(&other) = ids.get(form_id) {
                diags.push(Diagnostic::at(
                    &page.src.file,
                    spec.pos,
                    msg!(
                        FORM_ID_TWICE,
                        id = form_id,
                        other = site.pages[other].src.file.display().to_string()
                    ),
                ));
                continue;
            }
            ids.insert(form_id, id);
            let mut definition = spec.definition.clone();
            let field = &spec.field;
            let (thank_you, _) = resolve_link(
                site,
                id,
                &format!("{field}.thank_you"),
                &definition.thank_you_url,
            );
            definition.thank_you_url = thank_you;
            let privacy = definition
                .privacy_url
                .as_deref()
                .map(|p| resolve_link(site, id, &format!("{field}.privacy"), p));
            definition.privacy_url = privacy.as_ref().map(|(abs, _)| abs.clone());
            if let Some(call) = &mut definition.call {
                for (i, doc) in call.documents.iter_mut().enumerate() {
                    let key = format!("{field}.documents.{i}");
                    doc.link = resolve_link(site, id, &key, &doc.link).0;
                }
            }
            for (i, section) in &spec.options_from {
                let options = options_from(site, section);
                if options.is_empty() {
                    diags.push(Diagnostic::at(
                        &page.src.file,
                        spec.pos,
                        msg!(FORM_OPTIONS_EMPTY, id = form_id, section = section),
                    ));
                }
                definition.fields[*i].options = options;
            }
            out.push(CompiledForm {
                page: id,
                action: format!("{endpoint}/forms/{form_id}"),
                privacy_path: privacy.and_then(|(_, path)| path),
                definition,
            });
        }
    }
    (out, diags)
}

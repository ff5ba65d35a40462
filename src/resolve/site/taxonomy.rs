//! Taxonomies declared in `site.yaml` (`argomenti` for news, Hugo's
//! `tags`): pages name their terms in a front-matter field of the same
//! name; each taxonomy gets a page listing its terms (`/argomenti/`) and
//! each term a page listing its pages (`/argomenti/lavoro/`). Terms are
//! checked like references: against the declared list when there is one,
//! and against the sections allowed to use the taxonomy.

use crate::msg;
use crate::report::diagnostic::{hint_or, Diagnostic};
use crate::resolve::site::{Page, PageId};
use crate::schema::config::SiteConfig;
use crate::text::slug::slugify;
use std::collections::BTreeMap;
use std::path::Path;

/// A taxonomy and its terms, in slug order.
#[derive(Debug)]
pub struct Taxonomy {
    /// Its key in `site.yaml` (`argomenti`), the front-matter field.
    pub name: String,
    /// The name shown to citizens.
    pub title: String,
    /// Site-relative URL of its list of terms (`/argomenti/`).
    pub url: String,
    /// Its terms, in slug order.
    pub terms: Vec<Term>,
    /// Whether each term has an Atom feed (`/argomenti/lavoro/atom.xml`):
    /// when a page naming one of its terms is in a section with
    /// `feed: true`.
    pub feeds: bool,
}

/// One term and the pages that name it.
#[derive(Debug)]
pub struct Term {
    /// The term as first written (`Lavoro e formazione`).
    pub name: String,
    /// Its slug, the last part of its URL (`lavoro-e-formazione`).
    pub slug: String,
    /// Site-relative URL of its page (`/argomenti/lavoro-e-formazione/`).
    pub url: String,
    /// The pages that name it: newest first, then by title.
    pub pages: Vec<PageId>,
}

impl Taxonomy {
    /// The term `written` names, if any (terms are matched by slug).
    pub fn term(&self, written: &str) -> Option<&Term> {
        let slug = slugify(written);
        self.terms
            .binary_search_by(|t| t.slug.as_str().cmp(&slug))
            .ok()
            .map(|i| &self.terms[i])
    }
}

/// A term as compared for spelling: case, accents and the way words are
/// separated (spaces, `-`, `_`) do not count; any other sign does
/// (`C++` and `C` are two terms, `Novità` and `novita` one).
fn term_key(term: &str) -> String {
    let mut key = String::with_capacity(term.len());
    let mut space = false;
    for c in deunicode::deunicode(term).chars() {
        if c.is_whitespace() || c == '-' || c == '_' {
            space = !key.is_empty();
        } else {
            if space {
                key.push(' ');
                space = false;
            }
            key.push(c.to_ascii_lowercase());
        }
    }
    key
}

/// Collects every taxonomy's terms from `pages` (the published ones), and
/// reports terms outside a declared list, taxonomies used in sections
/// that may not use them, and one term written in two ways.
pub fn resolve(config: &SiteConfig, pages: &[Page]) -> (Vec<Taxonomy>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let site_yaml = Path::new("site.yaml");
    let base = config.base_path();
    let mut out = Vec::new();
    for (name, decl) in &config.taxonomies {
        let tax_slug = slugify(name);
        if tax_slug.is_empty() {
            diags.push(Diagnostic::file(
                site_yaml,
                msg!(TAXONOMY_NAME_EMPTY, name = name),
            ));
            continue;
        }
        if let Some(sections) = &decl.sections {
            for s in sections {
                if !pages.iter().any(|p| &p.src.section == s) {
                    diags.push(Diagnostic::file(
                        site_yaml,
                        msg!(TAXONOMY_NO_SECTION, name = name, section = s),
                    ));
                }
            }
        }
        // Slug → (name as first written, where, pages).
        let mut terms: BTreeMap<String, (String, &Path, Vec<PageId>)> = BTreeMap::new();
        for (id, page) in pages.iter().enumerate() {
            let Some(written) = page.src.meta.terms.get(name) else {
                continue;
            };
            let file = &page.src.file;
            if let Some(allowed) = &decl.sections {
                if !allowed.iter().any(|s| s == &page.src.section) {
                    let pos = written.first().map(|t| t.pos);
                    let here = if page.src.section.is_empty() {
                        msg!(IN_TOP_LEVEL_PAGES)
                    } else {
                        msg!(IN_SECTION, section = &page.src.section)
                    };
                    let message = msg!(
                        TAXONOMY_NOT_HERE,
                        name = name,
                        here = here,
                        allowed = allowed.join(", ")
                    );
                    diags.push(match pos {
                        Some(pos) => Diagnostic::at(file, pos, message),
                        None => Diagnostic::file(file, message),
                    });
                    continue;
                }
            }
            for term in written {
                let slug = slugify(&term.value);
                if let Some(list) = &decl.terms {
                    if !list.iter().any(|t| slugify(t) == slug) {
                        let why = hint_or(
                            &term.value,
                            list.iter().map(String::as_str),
                            msg!(HINT_DECLARED_TERMS, list = list.join(", ")),
                        );
                        diags.push(Diagnostic::at(
                            file,
                            term.pos,
                            msg!(NO_SUCH_TERM, name = name, term = &term.value, why = why),
                        ));
                        continue;
                    }
                }
                if slug.is_empty() {
                    diags.push(Diagnostic::at(
                        file,
                        term.pos,
                        msg!(TERM_EMPTY, term = &term.value, name = name),
                    ));
                    continue;
                }
                let entry = terms
                    .entry(slug)
                    .or_insert_with(|| (term.value.clone(), file.as_path(), Vec::new()));
                if term_key(&entry.0) != term_key(&term.value) {
                    // Different terms (`C++`, `C`, `c#`) that would share
                    // one page: never merged silently.
                    diags.push(Diagnostic::at(
                        file,
                        term.pos,
                        msg!(
                            TERM_SLUG_CLASH,
                            term = &term.value,
                            name = name,
                            first = &entry.0,
                            file = entry.1.display().to_string(),
                            url = format!("{base}{tax_slug}/{}/", slugify(&term.value))
                        ),
                    ));
                    continue;
                }
                if entry.0 != term.value {
                    diags.push(
                        Diagnostic::at(
                            file,
                            term.pos,
                            msg!(
                                TERM_SPELLING,
                                term = &term.value,
                                name = name,
                                first = &entry.0,
                                file = entry.1.display().to_string()
                            ),
                        )
                        .warning(),
                    );
                }
                if !entry.2.contains(&id) {
                    entry.2.push(id);
                }
            }
        }
        let url = format!("{base}{tax_slug}/");
        let feeds = terms.values().flat_map(|(_, _, ids)| ids).any(|&i| {
            config
                .sections
                .get(&pages[i].src.section)
                .is_some_and(|s| s.feed)
        });
        let terms = terms
            .into_iter()
            .map(|(slug, (name, _, mut ids))| {
                ids.sort_by_cached_key(|&i| {
                    let m = &pages[i].src.meta;
                    (
                        std::cmp::Reverse(m.date),
                        slugify(&m.title),
                        pages[i].src.path.clone(),
                    )
                });
                Term {
                    url: format!("{url}{slug}/"),
                    name,
                    slug,
                    pages: ids,
                }
            })
            .collect();
        out.push(Taxonomy {
            name: name.clone(),
            title: decl.title.clone().unwrap_or_else(|| name.clone()),
            url,
            terms,
            feeds,
        });
    }
    (out, diags)
}

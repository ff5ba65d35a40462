//! Every file the build writes, and who writes it: pages, the files of
//! page bundles, the not-found page, the sitemap, `robots.txt`, form
//! files, feeds (of sections and of taxonomy terms), static files and
//! alias redirects. Two writers of one path would leave whichever wrote last,
//! silently; here each clash is an error at the line that causes it (an
//! alias's line, a static file), naming what it would replace.

use crate::load::content::Resource;
use crate::load::site_files::StaticFile;
use crate::msg;
use crate::report::diagnostic::Diagnostic;
use crate::report::diagnostic::Pos;
use crate::report::messages::{self, Entry, Message};
use crate::resolve::feeds::FeedSource;
use crate::resolve::forms::CompiledForm;
use crate::resolve::site::{Page, PageId, Site};
use crate::schema::config::OpenDataConfig;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The folder of the open data files (`/dati/`).
pub const OPEN_DATA_DIR: &str = "dati";

/// The folder of the search index (`/pagefind/`), the index's alone.
pub const SEARCH_DIR: &str = "pagefind";

/// The sections published as open data (`open_data:` enabled in
/// `site.yaml`, with pages), in the order of their keys: one dataset each.
pub fn open_data_sections(site: &Site) -> impl Iterator<Item = (&String, &OpenDataConfig)> {
    site.config.sections.iter().filter_map(|(key, cfg)| {
        let open = cfg.open_data.as_ref().filter(|o| o.enabled)?;
        site.sections.contains_key(key).then_some((key, open))
    })
}

/// Output path of a page: `comuni/barga/index.html`.
pub fn output_path(site: &Site, url: &str) -> String {
    let rel = url
        .strip_prefix(site.config.base_path())
        .unwrap_or(url)
        .trim_start_matches('/');
    format!("{rel}index.html")
}

/// Where a form's files are written, beside its page: the compiled
/// definition (`{id}.form.json`) and the page shell (`{id}.shell.html`).
pub fn form_file_paths(site: &Site, form: &CompiledForm) -> [String; 2] {
    let page = &site.pages[form.page];
    let dir = output_path(site, &page.url);
    let dir = dir.trim_end_matches("index.html");
    let id = &form.definition.id;
    [
        format!("{dir}{id}.form.json"),
        format!("{dir}{id}.shell.html"),
    ]
}

/// Which template renders page `id`: its `template` field, else the
/// section's configured one, else the default for its kind.
pub fn template_for(site: &Site, id: PageId) -> (String, Option<Pos>) {
    let p = &site.pages[id];
    if let Some(t) = &p.src.meta.template {
        return (t.value.clone(), Some(t.pos));
    }
    let cfg = site.config.sections.get(&p.src.section);
    let name = if p.src.is_index && p.src.section.is_empty() {
        "index.html".to_string()
    } else if p.src.is_index {
        cfg.and_then(|c| c.section_template.clone())
            .unwrap_or_else(|| "section.html".into())
    } else {
        cfg.and_then(|c| c.page_template.clone())
            .unwrap_or_else(|| "page.html".into())
    };
    (name, None)
}

/// Files the build always writes, besides pages, and what they are.
pub const GENERATED: &[(&str, &Entry)] = &[
    ("404.html", &messages::OWNER_NOT_FOUND_PAGE),
    ("sitemap.xml", &messages::OWNER_SITEMAP),
    ("robots.txt", &messages::OWNER_ROBOTS),
];

/// Checks that no two writers share an output path, and that no file sits
/// where another needs a folder (`/robots.txt/` as an alias would make
/// `robots.txt` a folder). Reported: aliases and static files that would
/// replace something; page clashes are reported by [`crate::resolve::site`].
/// `assets` are the fingerprinted copies of stylesheets and scripts
/// (static path → copy's path).
pub fn check(
    site: &Site,
    forms: &[CompiledForm],
    statics: &[StaticFile],
    assets: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Output path → what writes it, in words.
    let mut owners: HashMap<String, Message> = HashMap::new();
    for page in &site.pages {
        owners.insert(
            output_path(site, &page.url),
            msg!(OWNER_PAGE, file = page.src.file.display().to_string()),
        );
    }
    for taxonomy in &site.taxonomies {
        let pages = std::iter::once((output_path(site, &taxonomy.url), msg!(OWNER_TERM_LIST)))
            .chain(taxonomy.terms.iter().map(|t| {
                (
                    output_path(site, &t.url),
                    msg!(OWNER_TERM_PAGE, term = &t.name),
                )
            }));
        for (path, what) in pages {
            if let Some(owner) = owners.get(&path) {
                diags.push(Diagnostic::file(
                    "site.yaml",
                    msg!(
                        TAXONOMY_OUTPUT_CLASH,
                        taxonomy = &taxonomy.name,
                        what = &what,
                        owner = owner,
                        path = &path
                    ),
                ));
            } else {
                owners.insert(
                    path,
                    msg!(OWNER_OF_TAXONOMY, what = what, taxonomy = &taxonomy.name),
                );
            }
        }
    }
    for (page, resource, path) in resource_outputs(site) {
        if let Some(what) = owners.get(&path) {
            diags.push(Diagnostic::file(
                &resource.file,
                msg!(
                    BUNDLE_FILE_CLASH,
                    path = &path,
                    bundle = page.src.file.display().to_string(),
                    what = what
                ),
            ));
        } else {
            owners.insert(
                path,
                msg!(OWNER_FILE, file = resource.file.display().to_string()),
            );
        }
    }
    for form in forms {
        let file = site.pages[form.page].src.file.display().to_string();
        for path in form_file_paths(site, form) {
            owners.insert(path, msg!(OWNER_FORM_FILE, file = &file));
        }
    }
    for (path, what) in GENERATED {
        owners.insert((*path).to_string(), Message::new(what));
    }
    for feed in crate::resolve::feeds::feeds(site)
        .into_iter()
        .chain(crate::resolve::feeds::term_feeds(site))
    {
        let what = match &feed.source {
            FeedSource::Section(section) => msg!(OWNER_FEED, section = section),
            FeedSource::Term { taxonomy, slug } => {
                msg!(OWNER_TERM_FEED, term = slug, taxonomy = taxonomy)
            }
        };
        owners.insert(feed.output, what);
    }
    let datasets: Vec<&String> = open_data_sections(site).map(|(key, _)| key).collect();
    if !datasets.is_empty() {
        owners.insert(
            format!("{OPEN_DATA_DIR}/catalogo.jsonld"),
            msg!(OWNER_OPEN_DATA_CATALOGUE),
        );
    }
    for d in datasets {
        for ext in ["csv", "json"] {
            owners.insert(
                format!("{OPEN_DATA_DIR}/{d}.{ext}"),
                msg!(OWNER_OPEN_DATA, section = d),
            );
        }
    }
    if site.config.search {
        // The search index's folder is the index's alone: a page there
        // would be lost among its files or take one's place.
        let folder = format!("{SEARCH_DIR}/");
        for page in &site.pages {
            let path = output_path(site, &page.url);
            if path.starts_with(&folder) {
                diags.push(Diagnostic::file(
                    &page.src.file,
                    msg!(PAGE_IN_SEARCH_FOLDER, url = &page.url, folder = &folder),
                ));
            }
        }
        owners.insert(format!("{SEARCH_DIR}/pagefind.js"), msg!(OWNER_SEARCH));
    }
    for s in statics {
        if let Some(what) = owners.get(&s.to) {
            diags.push(Diagnostic::file(
                &s.shown,
                msg!(STATIC_FILE_CLASH, path = &s.to, what = what),
            ));
        } else {
            owners.insert(
                s.to.clone(),
                msg!(OWNER_STATIC_FILE, file = s.shown.display().to_string()),
            );
        }
    }
    for (from, copy) in assets {
        owners
            .entry(copy.clone())
            .or_insert_with(|| msg!(OWNER_FINGERPRINTED, file = from));
    }
    let folders: HashSet<&str> = owners.keys().flat_map(|p| ancestors(p)).collect();
    for alias in &site.aliases {
        let problem = if let Some(what) = owners.get(&alias.output) {
            Some(msg!(ALIAS_WOULD_REPLACE, what = what, path = &alias.output))
        } else if folders.contains(alias.output.as_str()) {
            Some(msg!(ALIAS_FILE_WHERE_FOLDER, path = &alias.output))
        } else {
            ancestors(&alias.output).find_map(|folder| {
                owners
                    .get(folder)
                    .map(|what| msg!(ALIAS_FOLDER_WHERE_FILE, folder = folder, what = what))
            })
        };
        if let Some(problem) = problem {
            diags.push(Diagnostic::at(
                &alias.file,
                alias.pos,
                msg!(ALIAS_CLASH, alias = &alias.written, problem = problem),
            ));
        }
    }
    diags
}

/// Every page bundle's file with its path in the output, beside its page
/// (`content/bando/allegato.pdf` → `bando/allegato.pdf`).
pub fn resource_outputs(site: &Site) -> impl Iterator<Item = (&Page, &Resource, String)> {
    site.pages.iter().flat_map(move |page| {
        let dir = output_path(site, &page.url);
        let dir = dir.trim_end_matches("index.html").to_string();
        page.src
            .resources
            .iter()
            .map(move |r| (page, r, format!("{dir}{}", r.rel)))
    })
}

/// The folders a `/`-separated path lies in: `a/b/c.html` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i]).rev()
}

#[cfg(test)]
mod tests {
    use super::ancestors;

    #[test]
    fn ancestors_of_a_path() {
        assert_eq!(ancestors("a/b/c.html").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("robots.txt").count(), 0);
    }
}

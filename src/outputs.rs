//! Every file the build writes, and who writes it: pages, the files of
//! page bundles, the not-found page, the sitemap, `robots.txt`, form
//! files, static files and alias redirects. Two writers of one path would leave whichever wrote last,
//! silently; here each clash is an error at the line that causes it (an
//! alias's line, a static file), naming what it would replace.

use crate::content::Resource;
use crate::diagnostic::Diagnostic;
use crate::forms::CompiledForm;
use crate::render::{form_file_paths, output_path};
use crate::site::{Page, Site};
use crate::site_files::StaticFile;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Files the build always writes, besides pages, and what they are.
pub const GENERATED: &[(&str, &str)] = &[
    ("404.html", "the not-found page"),
    ("sitemap.xml", "the generated sitemap"),
    ("robots.txt", "the generated robots.txt"),
];

/// Checks that no two writers share an output path, and that no file sits
/// where another needs a folder (`/robots.txt/` as an alias would make
/// `robots.txt` a folder). Reported: aliases and static files that would
/// replace something; page clashes are reported by [`crate::site`].
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
    let mut owners: HashMap<String, String> = HashMap::new();
    for page in &site.pages {
        owners.insert(
            output_path(site, &page.url),
            format!("the page {}", page.src.file.display()),
        );
    }
    for taxonomy in &site.taxonomies {
        let pages = std::iter::once((
            output_path(site, &taxonomy.url),
            "its list of terms".to_string(),
        ))
        .chain(taxonomy.terms.iter().map(|t| {
            (
                output_path(site, &t.url),
                format!("the page of its term `{}`", t.name),
            )
        }));
        for (path, what) in pages {
            if let Some(owner) = owners.get(&path) {
                diags.push(Diagnostic::file(
                    "site.yaml",
                    format!(
                        "taxonomy `{}`: {what} would replace {owner} ({path}): rename the taxonomy or the folder",
                        taxonomy.name
                    ),
                ));
            } else {
                owners.insert(path, format!("{what} of taxonomy `{}`", taxonomy.name));
            }
        }
    }
    for (page, resource, path) in resource_outputs(site) {
        if let Some(what) = owners.get(&path) {
            diags.push(Diagnostic::file(
                &resource.file,
                format!(
                    "file {path} of the bundle {} would replace {what}",
                    page.src.file.display()
                ),
            ));
        } else {
            owners.insert(path, format!("the file {}", resource.file.display()));
        }
    }
    for form in forms {
        let file = site.pages[form.page].src.file.display();
        for path in form_file_paths(site, form) {
            owners.insert(path, format!("a file of the form in {file}"));
        }
    }
    for (path, what) in GENERATED {
        owners.insert((*path).to_string(), (*what).to_string());
    }
    for feed in crate::feed::feeds(site) {
        owners.insert(
            feed.output,
            format!("the feed of section `{}`", feed.section),
        );
    }
    let datasets = crate::open_data::datasets(site);
    if !datasets.is_empty() {
        owners.insert(
            format!("{}/catalogo.jsonld", crate::open_data::DIR),
            "the open data catalogue".to_string(),
        );
    }
    for d in datasets {
        for ext in ["csv", "json"] {
            owners.insert(
                format!("{}/{}.{ext}", crate::open_data::DIR, d.key),
                format!("the open data of section `{}`", d.key),
            );
        }
    }
    if site.config.search {
        owners.insert(
            format!("{}/pagefind.js", crate::search::BUNDLE_DIR),
            "the search index".to_string(),
        );
    }
    for s in statics {
        if let Some(what) = owners.get(&s.to) {
            diags.push(Diagnostic::file(
                &s.shown,
                format!("static file {} would replace {what}", s.to),
            ));
        } else {
            owners.insert(
                s.to.clone(),
                format!("the static file {}", s.shown.display()),
            );
        }
    }
    for (from, copy) in assets {
        owners
            .entry(copy.clone())
            .or_insert_with(|| format!("the fingerprinted copy of the static file {from}"));
    }
    let folders: HashSet<&str> = owners.keys().flat_map(|p| ancestors(p)).collect();
    for alias in &site.aliases {
        let problem = if let Some(what) = owners.get(&alias.output) {
            Some(format!("would replace {what} ({})", alias.output))
        } else if folders.contains(alias.output.as_str()) {
            Some(format!(
                "would write the file {} where the site needs a folder",
                alias.output
            ))
        } else {
            ancestors(&alias.output).find_map(|folder| {
                owners
                    .get(folder)
                    .map(|what| format!("would need a folder {folder} where {what} is written"))
            })
        };
        if let Some(problem) = problem {
            diags.push(Diagnostic::at(
                &alias.file,
                alias.pos,
                format!(
                    "alias {} {problem}: remove it or choose another address",
                    alias.written
                ),
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

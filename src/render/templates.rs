//! Loading templates: the theme's, then the site's own `templates/`, then
//! the built-in ones; Tera's errors turned into diagnostics at the template
//! file and line; and rendering one template into bytes.

use crate::msg;
use crate::report::diagnostic::{hint, line_col, shown_path, Diagnostic, GroupKind, Pos};
use crate::resolve::outputs::template_for;
use crate::resolve::site::Site;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tera::Tera;
use walkdir::WalkDir;

use super::template_cycles;

use super::functions::register_filters;

/// Loaded templates and where each came from (for error messages).
pub struct Templates {
    pub(super) tera: Tera,
    /// Template name → (file shown to staff, source text).
    pub(super) files: HashMap<String, (PathBuf, String)>,
    /// The macros that call themselves, named if a render recurses too
    /// deep (see [`super::guard`]).
    recursive: Vec<String>,
}

impl Templates {
    /// Every template's file (as shown to staff) and text.
    pub fn sources(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.values().map(|(f, t)| (f.as_path(), t.as_str()))
    }

    /// The ids the templates write as they are (`id="contenuto"`, the
    /// skip link's target), sorted: a heading must not take one.
    pub fn literal_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .files
            .values()
            .flat_map(|(_, text)| {
                text.match_indices("id=\"").filter_map(|(i, found)| {
                    let rest = &text[i + found.len()..];
                    let id = &rest[..rest.find('"')?];
                    let plain = !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    plain.then(|| id.to_string())
                })
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Reads `*.html` (and `.xml`, `.txt`) templates from the theme's
/// `templates/` and then the site's `templates/`, the site's winning on a
/// name clash. Every syntax error is reported.
pub fn load_templates(root: &Path, theme: Option<&str>) -> Result<Templates, Vec<Diagnostic>> {
    let mut dirs = Vec::new();
    if let Some(theme) = theme {
        let dir = root.join("themes").join(theme);
        if !dir.is_dir() {
            return Err(vec![Diagnostic::file(
                "site.yaml",
                msg!(THEME_NOT_FOUND, theme = theme),
            )]);
        }
        dirs.push(dir.join("templates"));
    }
    dirs.push(root.join("templates"));
    let mut files: HashMap<String, (PathBuf, String)> = HashMap::new();
    let mut diags = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::file(
                        shown_path(root, dir),
                        msg!(CANNOT_READ, detail = e.to_string()),
                    ));
                    continue;
                }
            };
            let ext_ok = entry
                .path()
                .extension()
                .is_some_and(|e| e == "html" || e == "xml" || e == "txt");
            if !entry.file_type().is_file() || !ext_ok {
                continue;
            }
            let name = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    files.insert(name, (shown_path(root, entry.path()), text));
                }
                Err(e) => diags.push(Diagnostic::file(
                    shown_path(root, entry.path()),
                    msg!(CANNOT_READ, detail = e.to_string()),
                )),
            }
        }
    }
    for (name, text) in BUILT_IN {
        files.entry((*name).to_string()).or_insert_with(|| {
            (
                PathBuf::from(msg!(BUILT_IN_TEMPLATE, name = *name).to_string()),
                (*text).to_string(),
            )
        });
    }
    // Parse each template alone first, so that every syntax error is found
    // and pinned to its own file (Tera stops at the first one).
    for (name, (file, text)) in &files {
        if let Err(e) = tera::Template::new(name, None, text) {
            diags.push(tera_diagnostic(&e, file, text));
        }
    }
    // A template that would include itself forever crashes Tera (its stack
    // overflows): found here instead.
    if diags.is_empty() {
        diags.extend(template_cycles::check(&files));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also rewrites `/` as `&#x2F;`, bloating every
    // URL; escaping the five HTML-significant characters is enough.
    tera.set_escape_fn(crate::text::escape::escape);
    let mut sorted: Vec<(&String, &String)> = files.iter().map(|(n, (_, t))| (n, t)).collect();
    sorted.sort();
    if let Err(e) = tera.add_raw_templates(sorted) {
        // Whole-set errors: a missing parent in `extends`, say.
        let msg = chain(&e);
        let named = files
            .iter()
            .find(|(name, _)| msg.contains(&format!("'{name}'")));
        let file = named.map_or_else(|| PathBuf::from("templates"), |(_, (f, _))| f.clone());
        return Err(vec![Diagnostic::file(
            file,
            msg!(TEMPLATE_ERROR, detail = msg),
        )]);
    }
    register_filters(&mut tera);
    let recursive = template_cycles::recursive_macros(&files);
    Ok(Templates {
        tera,
        files,
        recursive,
    })
}

/// All messages of a Tera error chain, innermost last, on one line.
fn chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// Turns a Tera error into `file:line:col: error: ...`. Syntax errors carry
/// their position (` --> 3:5`); for render errors the line is found by
/// looking for the variable or filter the message names.
fn tera_diagnostic(e: &tera::Error, file: &Path, text: &str) -> Diagnostic {
    let full = chain(e);
    if let Some(idx) = full.find("--> ") {
        let after = &full[idx + 4..];
        let mut nums = after
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        let line = nums.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        let column = nums.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        let what = full
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("= "))
            .map_or_else(|| msg!(SYNTAX_ERROR), |w| msg!(VERBATIM, text = w));
        return Diagnostic::at(
            file,
            Pos::new(line, column),
            msg!(TEMPLATE_SYNTAX_ERROR, detail = what),
        );
    }
    // The innermost message says what went wrong; the outer ones only say
    // which page was being rendered, which is the same for every page.
    let mut innermost = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        innermost = s.to_string();
        source = s.source();
    }
    let message = match innermost.find(" while rendering '") {
        Some(i) => innermost[..i].to_string(),
        None => innermost,
    }
    .replace('\n', " ");
    let pos = quoted_names(&message)
        .iter()
        .find_map(|name| text.find(name.as_str()).map(|off| line_col(text, off)));
    match pos {
        Some(pos) => Diagnostic::at(file, pos, msg!(TEMPLATE_ERROR, detail = message)),
        None => Diagnostic::file(file, msg!(TEMPLATE_ERROR, detail = message)),
    }
}

/// The names Tera quotes in backticks in a message (variables, filters),
/// and those our own Italian messages quote in «guillemets».
fn quoted_names(message: &str) -> Vec<String> {
    let mut names: Vec<String> = message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    names.extend(
        message
            .split('«')
            .skip(1)
            .filter_map(|s| s.split_once('»'))
            .map(|(name, _)| name.to_string())
            .filter(|s| !s.is_empty()),
    );
    names
}

/// The name of the template for alias redirect pages.
pub(super) const ALIAS_TEMPLATE: &str = "alias.html";

/// Templates every site has, unless its theme or its `templates/` has one
/// of the same name.
const BUILT_IN: &[(&str, &str)] = &[
    ("404.html", include_str!("builtin/404.html")),
    ("atom.xml", include_str!("builtin/atom.xml")),
    (ALIAS_TEMPLATE, include_str!("builtin/alias.html")),
    ("robots.txt", include_str!("builtin/robots.txt")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    (
        "taxonomy_list.html",
        include_str!("builtin/taxonomy_list.html"),
    ),
    (
        "taxonomy_term.html",
        include_str!("builtin/taxonomy_term.html"),
    ),
];

impl Templates {
    /// Checks that every page's template exists, reporting each missing one
    /// at the `template:` field that names it.
    pub fn check_names(&self, site: &Site) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for id in 0..site.pages.len() {
            let (name, pos) = template_for(site, id);
            if self.files.contains_key(&name) {
                continue;
            }
            // Only templates a page can use are worth suggesting: not the
            // parent layout, the macros, the form's shell or the files
            // every site has (404.html, sitemap.xml).
            let not_for_pages = |t: &str| {
                !t.ends_with(".html")
                    || matches!(t, "base.html" | "macros.html" | "shell.html")
                    || BUILT_IN.iter().any(|(b, _)| *b == t)
            };
            let usable = self
                .files
                .keys()
                .map(String::as_str)
                .filter(|t| !not_for_pages(t));
            let hint = hint(&name, usable);
            let file = &site.pages[id].src.file;
            diags.push(match pos {
                Some(pos) => {
                    Diagnostic::at(file, pos, msg!(UNKNOWN_TEMPLATE, name = &name, hint = hint))
                }
                None => Diagnostic::file(file, msg!(MISSING_TEMPLATE, name = &name))
                    .grouped(GroupKind::MissingTemplate, name),
            });
        }
        diags
    }

    /// The file of template `name`, as shown to staff.
    pub(super) fn template_file(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .map_or_else(|| PathBuf::from(name), |(file, _)| file.clone())
    }

    pub(super) fn render_one(
        &self,
        name: &str,
        ctx: &impl Serialize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let ctx = tera::Context::from_serialize(ctx)
            .map_err(|e| Diagnostic::file(name, msg!(TEMPLATE_CONTEXT, detail = chain(&e))))?;
        let mut html = Vec::with_capacity(16 * 1024);
        let _watched = super::guard::rendering(name, &self.template_file(name), &self.recursive);
        self.tera
            .render_to(name, &ctx, &mut html)
            .map(|()| html)
            .map_err(|e| {
                // Report the error in the template where it happened (a parent
                // template, say), not in the one the page asked for.
                let msg = chain(&e);
                let failing = msg
                    .split_once("error happened in '")
                    .and_then(|(_, rest)| rest.split_once('\''))
                    .map_or_else(|| name.to_string(), |(t, _)| t.to_string());
                // A macro's error: Tera names the macro's own file last
                // (`… while rendering 'macros.html'`), where the failing
                // call is written.
                let failing = msg
                    .contains("while rendering macro")
                    .then(|| msg.rsplit_once(" while rendering '"))
                    .flatten()
                    .and_then(|(_, rest)| rest.split_once('\''))
                    .map(|(t, _)| t.to_string())
                    .filter(|t| self.files.contains_key(t))
                    .unwrap_or(failing);
                match self.files.get(&failing) {
                    Some((file, text)) => tera_diagnostic(&e, file, text),
                    None => Diagnostic::file(name, msg!(TEMPLATE_ERROR, detail = msg)),
                }
            })
    }
}

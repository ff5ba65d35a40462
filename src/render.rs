//! Rendering with Tera: templates from the theme (overridable by the site's
//! own `templates/`), one context per page, pages rendered in parallel.

use crate::date::Date;
use crate::diagnostic::{did_you_mean, line_col, Diagnostic, Pos};
use crate::form::html::SHELL_TITLE;
use crate::forms::CompiledForm;
use crate::italian;
use crate::markdown;
use crate::site::{PageId, Site};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::Tera;
use walkdir::WalkDir;

/// Loaded templates and where each came from (for error messages).
pub struct Templates {
    tera: Tera,
    /// Template name → (file shown to staff, source text).
    files: HashMap<String, (PathBuf, String)>,
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
                format!("theme `{theme}` not found: expected a folder themes/{theme}/"),
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
                        rel(root, dir),
                        format!("cannot read: {e}"),
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
                    files.insert(name, (rel(root, entry.path()), text));
                }
                Err(e) => diags.push(Diagnostic::file(
                    rel(root, entry.path()),
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    // Parse each template alone first, so that every syntax error is found
    // and pinned to its own file (Tera stops at the first one).
    for (name, (file, text)) in &files {
        if let Err(e) = tera::Template::new(name, None, text) {
            diags.push(tera_diagnostic(&e, file, text));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also rewrites `/` as `&#x2F;`, bloating every
    // URL; escaping the five HTML-significant characters is enough.
    tera.set_escape_fn(crate::escape::escape);
    let mut sorted: Vec<(&String, &String)> = files.iter().map(|(n, (_, t))| (n, t)).collect();
    sorted.sort();
    if let Err(e) = tera.add_raw_templates(sorted) {
        // Whole-set errors: a missing parent in `extends`, say.
        let msg = chain(&e);
        let named = files
            .iter()
            .find(|(name, _)| msg.contains(&format!("'{name}'")));
        let file = named.map_or_else(|| PathBuf::from("templates"), |(_, (f, _))| f.clone());
        return Err(vec![Diagnostic::file(file, msg)]);
    }
    register_filters(&mut tera);
    Ok(Templates { tera, files })
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
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
            .unwrap_or("syntax error");
        return Diagnostic::at(
            file,
            Pos::new(line, column),
            format!("template syntax error: {what}"),
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
        Some(pos) => Diagnostic::at(file, pos, format!("template error: {message}")),
        None => Diagnostic::file(file, format!("template error: {message}")),
    }
}

/// The names Tera quotes in backticks in a message (variables, filters).
fn quoted_names(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("date_it", |v: &Json, _: &HashMap<String, Json>| {
        let s = v
            .as_str()
            .ok_or_else(|| tera::Error::msg("date_it: expected a date such as 2022-07-21"))?;
        let d = Date::parse(s).map_err(|e| tera::Error::msg(format!("date_it: `{s}`: {e}")))?;
        Ok(Json::String(d.italian()))
    });
    tera.register_filter("euro", |v: &Json, _: &HashMap<String, Json>| {
        let n = v
            .as_f64()
            .ok_or_else(|| tera::Error::msg("euro: expected a number"))?;
        Ok(Json::String(italian::euro(n)))
    });
    // JSON for `<script type="application/ld+json">`: `<` is escaped so that
    // no text can close the script element.
    tera.register_filter("jsonld", |v: &Json, _: &HashMap<String, Json>| {
        let text =
            serde_json::to_string(v).map_err(|e| tera::Error::msg(format!("jsonld: {e}")))?;
        Ok(Json::String(text.replace('<', "\\u003c")))
    });
    tera.register_filter("numero", |v: &Json, _: &HashMap<String, Json>| {
        if let Some(i) = v.as_i64() {
            return Ok(Json::String(italian::integer(i)));
        }
        let n = v
            .as_f64()
            .ok_or_else(|| tera::Error::msg("numero: expected a number"))?;
        Ok(Json::String(italian::decimal2(n)))
    });
}

/// Something rendered, to be written at a path in the output.
pub struct Rendered {
    pub path: String,
    /// UTF-8 HTML (kept as bytes: it goes straight to a file).
    pub html: Vec<u8>,
}

/// The shared, per-site part of every context.
struct Shared {
    config: Json,
    nav: Json,
    today: String,
    /// Per page: the short form used in lists and references.
    summaries: Arc<Vec<Json>>,
}

fn permalink(site: &Site, url: &str) -> String {
    let base_path = site.config.base_path();
    let rest = url
        .strip_prefix(base_path)
        .unwrap_or(url.trim_start_matches('/'));
    format!("{}{rest}", site.config.base_url)
}

/// The page object templates get for the page being rendered.
fn summary(site: &Site, id: PageId) -> Json {
    let p = &site.pages[id];
    let m = &p.src.meta;
    let last_modified = m.updated.or(m.date).map(|d| d.to_string());
    json!({
        "title": m.title,
        "description": m.description,
        "url": p.url,
        "permalink": permalink(site, &p.url),
        "path": p.src.path,
        "section": p.src.section,
        "is_section": p.src.is_index,
        "date": m.date.map(|d| d.to_string()),
        "updated": m.updated.map(|d| d.to_string()),
        "last_modified": last_modified,
        "weight": m.weight,
        "draft": m.draft,
        "extra": Json::Object(p.src.extra.clone()),
    })
}

/// The shorter form of a page used in lists (section pages, references,
/// `get_page`): what a list item shows. Pages appear in many lists, so
/// keeping this small keeps rendering fast.
fn list_item(site: &Site, id: PageId) -> Json {
    let p = &site.pages[id];
    let m = &p.src.meta;
    json!({
        "title": m.title,
        "description": m.description,
        "url": p.url,
        "path": p.src.path,
        "date": m.updated.or(m.date).map(|d| d.to_string()),
        "weight": m.weight,
        "extra": Json::Object(p.src.extra.clone()),
    })
}

/// The section tree for navigation: top-level sections that have a section
/// page, in order, each with its `children` sections likewise.
fn nav(site: &Site) -> Json {
    fn items(site: &Site, keys: &[String]) -> Json {
        let items = keys
            .iter()
            .filter_map(|k| {
                let section = site.sections.get(k)?;
                let p = &site.pages[section.index?];
                Some(json!({
                    "title": p.src.meta.title,
                    "url": p.url,
                    "path": p.src.path,
                    "weight": p.src.meta.weight,
                    "children": items(site, &section.subsections),
                }))
            })
            .collect();
        Json::Array(items)
    }
    site.sections
        .get("")
        .map_or(Json::Array(Vec::new()), |root| {
            items(site, &root.subsections)
        })
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

/// Output path of a page: `comuni/barga/index.html`.
pub fn output_path(site: &Site, url: &str) -> String {
    let rel = url
        .strip_prefix(site.config.base_path())
        .unwrap_or(url)
        .trim_start_matches('/');
    format!("{rel}index.html")
}

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
            let hint = did_you_mean(&name, self.files.keys().map(String::as_str))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let file = &site.pages[id].src.file;
            diags.push(match pos {
                Some(pos) => Diagnostic::at(file, pos, format!("unknown template `{name}`{hint}")),
                None => Diagnostic::file(
                    file,
                    format!("the template `{name}` this page needs is missing from the theme and templates/"),
                ),
            });
        }
        diags
    }

    /// Renders every page, in parallel, handing each result to `emit`
    /// (which writes it, or discards it for `ambito check`).
    pub fn render_pages(
        &mut self,
        site: &Site,
        today: Date,
        forms: &[CompiledForm],
        emit: &(dyn Fn(Rendered) -> Result<(), Diagnostic> + Sync),
    ) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let summaries: Vec<Json> = (0..site.pages.len())
            .into_par_iter()
            .map(|id| list_item(site, id))
            .collect();
        let shared = Shared {
            config: json!({
                "title": site.config.title,
                "base_url": site.config.base_url,
                "base_path": site.config.base_path(),
                "language": site.config.language,
                "description": site.config.description,
                "extra": site.config.extra,
            }),
            nav: nav(site),
            today: today.to_string(),
            summaries: Arc::new(summaries),
        };
        self.register_lookups(site, &shared);
        self.register_forms(forms);
        let mut diags: Vec<Diagnostic> = (0..site.pages.len())
            .into_par_iter()
            .filter_map(|id| {
                let (name, _) = template_for(site, id);
                let result = page_context(site, &shared, id)
                    .and_then(|ctx| self.render_one(&name, ctx))
                    .and_then(|html| {
                        emit(Rendered {
                            path: output_path(site, &site.pages[id].url),
                            html,
                        })
                    });
                result.err()
            })
            .collect();
        // The 404 page: the theme's, or a plain Italian one. It gets a
        // `page` like every other page, so themes need no special cases.
        let mut ctx = base_context(&shared, site.config.base_path(), Json::Array(Vec::new()));
        ctx.insert(
            "page".into(),
            json!({
                "title": "Pagina non trovata",
                "url": format!("{}404.html", site.config.base_path()),
                "permalink": format!("{}404.html", site.config.base_url),
                "extra": {},
            }),
        );
        let not_found = if self.files.contains_key("404.html") {
            self.render_one("404.html", ctx)
        } else {
            Ok(DEFAULT_404
                .replace("{home}", site.config.base_path())
                .into_bytes())
        };
        if let Err(d) = not_found.and_then(|html| {
            emit(Rendered {
                path: "404.html".into(),
                html,
            })
        }) {
            diags.push(d);
        }
        for form in forms {
            if let Err(d) = self.emit_form(site, &shared, form, emit) {
                diags.push(d);
            }
        }
        diags
    }

    /// `form(id="…")`: the form's HTML, from the same code the forms
    /// service uses to show it again with errors.
    fn register_forms(&mut self, forms: &[CompiledForm]) {
        let forms: Arc<HashMap<String, CompiledForm>> = Arc::new(
            forms
                .iter()
                .map(|f| (f.definition.id.clone(), f.clone()))
                .collect(),
        );
        self.tera
            .register_function("form", move |args: &HashMap<String, Json>| {
                let id = args
                    .get("id")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera::Error::msg("form needs id=\"form-id\""))?;
                let f = forms
                    .get(id)
                    .ok_or_else(|| tera::Error::msg(format!("form: no form `{id}`")))?;
                let html = crate::form::html::form(
                    &f.definition,
                    &f.action,
                    f.privacy_path.as_deref(),
                    Default::default(),
                );
                Ok(Json::String(html))
            });
    }

    /// Writes what the forms service needs beside the form's page: the
    /// compiled definition (`{id}.form.json`) and, when the theme has a
    /// `shell.html`, the page shell the service fills for its own pages
    /// (`{id}.shell.html`), so they look like the rest of the site.
    fn emit_form(
        &self,
        site: &Site,
        shared: &Shared,
        form: &CompiledForm,
        emit: &(dyn Fn(Rendered) -> Result<(), Diagnostic> + Sync),
    ) -> Result<(), Diagnostic> {
        let page = &site.pages[form.page];
        let dir = output_path(site, &page.url)
            .trim_end_matches("index.html")
            .to_string();
        let id = &form.definition.id;
        let json = serde_json::to_vec_pretty(&form.definition)
            .map_err(|e| Diagnostic::file(&page.src.file, format!("form `{id}`: {e}")))?;
        emit(Rendered {
            path: format!("{dir}{id}.form.json"),
            html: json,
        })?;
        if !self.files.contains_key("shell.html") {
            return Ok(());
        }
        let mut ctx = page_context(site, shared, form.page)?;
        for key in ["page", "section"] {
            if let Some(Json::Object(p)) = ctx.get_mut(key) {
                p.insert("title".into(), Json::String(SHELL_TITLE.into()));
                p.insert("description".into(), Json::String(SHELL_TITLE.into()));
                p.remove("last_modified");
            }
        }
        let html = self.render_one("shell.html", ctx)?;
        let html = String::from_utf8_lossy(&html).into_owned();
        // The service answers from its own address: make the site's links absolute.
        let base_path = site.config.base_path();
        let mut absolute = html;
        for attr in ["href=\"", "src=\"", "action=\""] {
            absolute = absolute.replace(
                &format!("{attr}{base_path}"),
                &format!("{attr}{}", site.config.base_url),
            );
        }
        emit(Rendered {
            path: format!("{dir}{id}.shell.html"),
            html: absolute.into_bytes(),
        })
    }

    fn render_one(&self, name: &str, ctx: Map<String, Json>) -> Result<Vec<u8>, Diagnostic> {
        let ctx = tera::Context::from_value(Json::Object(ctx))
            .map_err(|e| Diagnostic::file(name, format!("template context: {e}")))?;
        let mut html = Vec::with_capacity(16 * 1024);
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
                match self.files.get(&failing) {
                    Some((file, text)) => tera_diagnostic(&e, file, text),
                    None => Diagnostic::file(name, format!("template error: {msg}")),
                }
            })
    }

    /// `get_page(path="comuni/barga.md")` and `get_section(key="comuni")`
    /// for templates that show content from elsewhere (the home page).
    /// Values are cloned only when a template asks for them.
    fn register_lookups(&mut self, site: &Site, shared: &Shared) {
        let summaries = Arc::clone(&shared.summaries);
        let by_path: HashMap<String, PageId> = site.by_path.clone();
        self.tera
            .register_function("get_page", move |args: &HashMap<String, Json>| {
                let path = args
                    .get("path")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera::Error::msg("get_page needs path=\"section/page.md\""))?;
                let path = path.trim_start_matches("@/");
                by_path
                    .get(path)
                    .map(|&id| summaries[id].clone())
                    .ok_or_else(|| tera::Error::msg(format!("get_page: no page `{path}`")))
            });
        let summaries = Arc::clone(&shared.summaries);
        let sections: HashMap<String, (Option<PageId>, Vec<PageId>)> = site
            .sections
            .iter()
            .map(|(key, s)| (key.clone(), (s.index, s.pages.clone())))
            .collect();
        self.tera
            .register_function("get_section", move |args: &HashMap<String, Json>| {
                let key = args
                    .get("key")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera::Error::msg("get_section needs key=\"section\""))?;
                let (index, pages) = sections
                    .get(key)
                    .ok_or_else(|| tera::Error::msg(format!("get_section: no section `{key}`")))?;
                let mut v = index.map_or_else(|| json!({}), |i| summaries[i].clone());
                if let Json::Object(m) = &mut v {
                    m.insert("key".into(), Json::String(key.to_string()));
                    m.insert(
                        "pages".into(),
                        Json::Array(pages.iter().map(|&i| summaries[i].clone()).collect()),
                    );
                }
                Ok(v)
            });
    }
}

const DEFAULT_404: &str = "<!DOCTYPE html>\n<html lang=\"it\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Pagina non trovata</title></head>\n<body><main><h1>Pagina non trovata</h1><p>La pagina che cerchi non esiste o è stata spostata.</p><p><a href=\"{home}\">Vai alla pagina iniziale</a></p></main></body>\n</html>\n";

fn base_context(shared: &Shared, current_url: &str, breadcrumbs: Json) -> Map<String, Json> {
    let mut ctx = Map::new();
    ctx.insert("config".into(), shared.config.clone());
    ctx.insert("nav".into(), shared.nav.clone());
    ctx.insert("today".into(), Json::String(shared.today.clone()));
    ctx.insert("current_url".into(), Json::String(current_url.to_string()));
    ctx.insert("breadcrumbs".into(), breadcrumbs);
    ctx
}

fn page_context(site: &Site, shared: &Shared, id: PageId) -> Result<Map<String, Json>, Diagnostic> {
    let p = &site.pages[id];
    let body = p.src.read_body()?;
    let html = markdown::render(&body, &p.src.scan.headings, &|path, anchor| {
        site.link_url(path, anchor)
    });
    drop(body);
    let words = p.src.scan.words;
    let mut page = summary(site, id);
    let list =
        |ids: &[PageId]| Json::Array(ids.iter().map(|&i| shared.summaries[i].clone()).collect());
    if let Json::Object(m) = &mut page {
        m.insert("content".into(), Json::String(html));
        m.insert(
            "toc".into(),
            serde_json::to_value(markdown::toc(&p.src.scan.headings)).unwrap_or_default(),
        );
        m.insert("word_count".into(), Json::from(words));
        m.insert(
            "reading_time".into(),
            Json::from(words.div_ceil(200).max(1)),
        );
        let refs: BTreeMap<&String, Json> = p.refs.iter().map(|(k, v)| (k, list(v))).collect();
        m.insert(
            "refs".into(),
            serde_json::to_value(refs).unwrap_or_default(),
        );
        let backrefs: BTreeMap<&String, Json> =
            p.backrefs.iter().map(|(k, v)| (k, list(v))).collect();
        m.insert(
            "backrefs".into(),
            serde_json::to_value(backrefs).unwrap_or_default(),
        );
        if p.src.is_index {
            if let Some(section) = site.sections.get(&p.src.section) {
                m.insert("pages".into(), list(&section.pages));
                let subs: Vec<Json> = section
                    .subsections
                    .iter()
                    .filter_map(|k| site.sections.get(k)?.index)
                    .map(|i| shared.summaries[i].clone())
                    .collect();
                m.insert("subsections".into(), Json::Array(subs));
            }
        }
    }
    // Breadcrumbs: the section pages from the home page down, then this page.
    let mut crumbs: Vec<Json> = site
        .ancestry(&p.src.section)
        .iter()
        .filter_map(|s| s.index)
        .filter(|&i| i != id)
        .map(|i| json!({"title": site.pages[i].src.meta.title, "url": site.pages[i].url}))
        .collect();
    crumbs.push(json!({"title": p.src.meta.title, "url": p.url}));
    let mut ctx = base_context(shared, &p.url, Json::Array(crumbs));
    let current_section = site
        .sections
        .get(&p.src.section)
        .and_then(|s| s.index)
        .map(|i| shared.summaries[i].clone())
        .unwrap_or(Json::Null);
    ctx.insert("current_section".into(), current_section);
    if p.src.is_index {
        ctx.insert("section".into(), page.clone());
    }
    ctx.insert("page".into(), page);
    Ok(ctx)
}

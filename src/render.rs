//! Rendering with Tera: templates from the theme (overridable by the site's
//! own `templates/`), one context per page, pages rendered in parallel.

use crate::context::{
    AliasContext, CallItem, Context, ListItem, NotFoundPage, PageContext, RobotsContext,
    SectionItem, Shared, SitemapContext, SitemapEntry, TaxonomyContext,
};
use crate::date::Date;
use crate::diagnostic::{hint, line_col, shown_path, Diagnostic, GroupKind, Pos};
use crate::forms::CompiledForm;
use crate::italian;
use crate::msg;
use crate::site::{PageId, Site};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::Tera;
use tera::Value as Json;
use walkdir::WalkDir;

/// What to render of a site after an edit: some pages (and the forms
/// they hold), and whether the sitemap and the feeds changed.
#[derive(Debug, Default)]
pub struct Part {
    /// The pages to render again.
    pub pages: Vec<PageId>,
    /// Whether `sitemap.xml` changed (a page's last change date did).
    pub sitemap: bool,
    /// Whether the feeds changed.
    pub feeds: bool,
}

/// Loaded templates and where each came from (for error messages).
pub struct Templates {
    tera: Tera,
    /// Template name → (file shown to staff, source text).
    files: HashMap<String, (PathBuf, String)>,
}

impl Templates {
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
        diags.extend(crate::template_cycles::check(&files));
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
        return Err(vec![Diagnostic::file(
            file,
            msg!(TEMPLATE_ERROR, detail = msg),
        )]);
    }
    register_filters(&mut tera);
    Ok(Templates { tera, files })
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

/// An error of a template function or filter, in the chosen language (it
/// reaches staff through Tera, as text).
fn tera_error(message: &crate::messages::Message) -> tera::Error {
    tera::Error::msg(message.to_string())
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("date_it", |v: &Json, _: &HashMap<String, Json>| {
        let s = v
            .as_str()
            .ok_or_else(|| tera_error(&msg!(FILTER_DATE_IT_NOT_TEXT)))?;
        let d = Date::parse(s)
            .map_err(|e| tera_error(&msg!(FILTER_DATE_IT_BAD, value = s, why = e)))?;
        Ok(Json::String(d.italian()))
    });
    tera.register_filter("euro", |v: &Json, _: &HashMap<String, Json>| {
        let n = v
            .as_f64()
            .ok_or_else(|| tera_error(&msg!(FILTER_EXPECTED_NUMBER, filter = "euro")))?;
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
            .ok_or_else(|| tera_error(&msg!(FILTER_EXPECTED_NUMBER, filter = "numero")))?;
        Ok(Json::String(italian::decimal2(n)))
    });
}

/// Something rendered, to be written at a path in the output.
pub struct Rendered {
    /// Path in the output folder (`comuni/barga/index.html`).
    pub path: String,
    /// UTF-8 HTML (kept as bytes: it goes straight to a file).
    pub html: Vec<u8>,
    /// What caused it, as shown to staff (the page, the page declaring an
    /// alias, the template of a generated file): a write error names it.
    pub source: PathBuf,
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

    /// Renders the whole site, handing each file to `emit` (which writes
    /// it, or discards it for `ambito check`): every page in parallel, the
    /// not-found page, what the forms service needs, alias redirects,
    /// `sitemap.xml` and `robots.txt`. Every problem is returned.
    pub fn render_site(
        &mut self,
        site: &Arc<Site>,
        today: Date,
        forms: &[CompiledForm],
        assets: &BTreeMap<String, String>,
        emit: &(dyn Fn(Rendered) -> Result<(), Diagnostic> + Sync),
    ) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let shared = self.prepare(site, today, forms, assets);
        let mut diags: Vec<Diagnostic> = (0..site.pages.len())
            .into_par_iter()
            .filter_map(|id| self.render_page(site, &shared, id).and_then(emit).err())
            .collect();
        let not_found = NotFoundPage::new(site);
        let ctx = Context::not_found(&shared, &not_found);
        let files = std::iter::once(self.render_one("404.html", &ctx).map(|html| Rendered {
            path: "404.html".into(),
            html,
            source: self.template_file("404.html"),
        }))
        .chain(forms.iter().flat_map(|f| self.form_files(site, &shared, f)))
        .chain(self.taxonomy_pages(site, &shared))
        .chain(self.site_files(site, &shared));
        for file in files {
            if let Err(d) = file.and_then(emit) {
                diags.push(d);
            }
        }
        diags
    }

    /// What every render needs first: the template functions that look
    /// into this site (pages, forms, open data, fingerprinted assets), and
    /// the context parts all pages share.
    fn prepare<'s>(
        &mut self,
        site: &'s Arc<Site>,
        today: Date,
        forms: &[CompiledForm],
        assets: &BTreeMap<String, String>,
    ) -> Shared<'s> {
        self.register_lookups(site);
        self.register_forms(site, forms, today);
        self.register_open_data(site);
        self.register_assets(site.config.base_path(), assets);
        Shared::new(site, today)
    }

    /// Renders part of the site, for the preview after an edit that
    /// changes only that part ([`crate::incremental`]).
    pub fn render_part(
        &mut self,
        site: &Arc<Site>,
        today: Date,
        forms: &[CompiledForm],
        assets: &BTreeMap<String, String>,
        part: &Part,
        emit: &(dyn Fn(Rendered) -> Result<(), Diagnostic> + Sync),
    ) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let shared = self.prepare(site, today, forms, assets);
        let mut diags: Vec<Diagnostic> = part
            .pages
            .par_iter()
            .filter_map(|&id| self.render_page(site, &shared, id).and_then(emit).err())
            .collect();
        let forms = forms.iter().filter(|f| part.pages.contains(&f.page));
        let feeds = shared
            .feeds()
            .filter(|_| part.feeds)
            .map(|feed| self.feed(site, &shared, feed));
        let files = forms
            .flat_map(|f| self.form_files(site, &shared, f))
            .chain(feeds)
            .chain(part.sitemap.then(|| self.sitemap(site, &shared)));
        for file in files {
            if let Err(d) = file.and_then(emit) {
                diags.push(d);
            }
        }
        self.release_lookups();
        diags
    }

    /// Page `id`, rendered with its template.
    fn render_page(
        &self,
        site: &Site,
        shared: &Shared<'_>,
        id: PageId,
    ) -> Result<Rendered, Diagnostic> {
        let (name, _) = template_for(site, id);
        let page = PageContext::new(site, id)?;
        let ctx = Context::for_page(site, shared, id, &page);
        let html = self.render_one(&name, &ctx)?;
        Ok(Rendered {
            path: output_path(site, &site.pages[id].url),
            html,
            source: site.pages[id].src.file.clone(),
        })
    }

    /// Each taxonomy's list of terms and each term's page, from
    /// `taxonomy_list.html` and `taxonomy_term.html`.
    fn taxonomy_pages<'s>(
        &'s self,
        site: &'s Site,
        shared: &'s Shared<'s>,
    ) -> impl Iterator<Item = Result<Rendered, Diagnostic>> + 's {
        site.taxonomies.iter().flat_map(move |taxonomy| {
            let pages = std::iter::once(None).chain(taxonomy.terms.iter().map(Some));
            pages.map(move |term| {
                let ctx = TaxonomyContext::new(site, shared, taxonomy, term);
                let (template, url) = match term {
                    Some(t) => ("taxonomy_term.html", &t.url),
                    None => ("taxonomy_list.html", &taxonomy.url),
                };
                self.render_one(template, &ctx).map(|html| Rendered {
                    path: output_path(site, url),
                    html,
                    source: PathBuf::from("site.yaml"),
                })
            })
        })
    }

    /// Alias redirects, `sitemap.xml` and `robots.txt`, from their
    /// templates (built in, or the theme's or site's of the same name).
    fn site_files<'s>(
        &'s self,
        site: &'s Site,
        shared: &'s Shared<'s>,
    ) -> impl Iterator<Item = Result<Rendered, Diagnostic>> + 's {
        let aliases = site.aliases.iter().map(move |alias| {
            let ctx = AliasContext {
                config: shared.config(),
                url: &alias.target,
                permalink: site.config.permalink(&alias.target),
            };
            self.render_one(ALIAS_TEMPLATE, &ctx).map(|html| Rendered {
                path: alias.output.clone(),
                html,
                source: alias.file.clone(),
            })
        });
        let feeds = shared
            .feeds()
            .map(move |feed| self.feed(site, shared, feed));
        aliases.chain(feeds).chain([
            self.sitemap(site, shared),
            self.render_one(
                "robots.txt",
                &RobotsContext {
                    config: shared.config(),
                },
            )
            .map(|html| Rendered {
                path: "robots.txt".into(),
                html,
                source: self.template_file("robots.txt"),
            }),
        ])
    }

    /// One Atom feed, from `atom.xml`.
    fn feed(
        &self,
        site: &Site,
        shared: &Shared<'_>,
        feed: &crate::feed::FeedLink,
    ) -> Result<Rendered, Diagnostic> {
        let ctx = crate::feed::FeedContext::new(site, shared.config(), feed);
        self.render_one("atom.xml", &ctx).map(|html| Rendered {
            path: feed.output.clone(),
            html,
            source: self.template_file("atom.xml"),
        })
    }

    /// `sitemap.xml`: every page and taxonomy page, with its last change,
    /// except forms' confirmation pages (reached only by sending).
    fn sitemap(&self, site: &Site, shared: &Shared<'_>) -> Result<Rendered, Diagnostic> {
        let confirmations = crate::forms::confirmation_pages(site);
        let mut entries: Vec<SitemapEntry> = site
            .pages
            .iter()
            .enumerate()
            .filter(|(id, _)| !confirmations.contains(id))
            .map(|(_, p)| SitemapEntry {
                permalink: site.config.permalink(&p.url),
                lastmod: p.src.last_modified().map(Date::for_sitemap),
            })
            .collect();
        for taxonomy in &site.taxonomies {
            let urls = std::iter::once(&taxonomy.url).chain(taxonomy.terms.iter().map(|t| &t.url));
            entries.extend(urls.map(|url| SitemapEntry {
                permalink: site.config.permalink(url),
                lastmod: None,
            }));
        }
        entries.sort();
        let sitemap = SitemapContext {
            config: shared.config(),
            entries,
        };
        self.render_one("sitemap.xml", &sitemap)
            .map(|html| Rendered {
                path: "sitemap.xml".into(),
                html,
                source: self.template_file("sitemap.xml"),
            })
    }

    /// `asset(path="css/serchio.css")`: the address of a stylesheet or
    /// script under its fingerprinted name (`/css/serchio.1a2b3c4d.css`),
    /// which servers may cache for long.
    fn register_assets(&mut self, base_path: &str, assets: &BTreeMap<String, String>) {
        let base_path = base_path.to_string();
        let assets = assets.clone();
        self.tera
            .register_function("asset", move |args: &HashMap<String, Json>| {
                let path = args
                    .get("path")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(ASSET_NEEDS_PATH)))?;
                let path = path.trim_start_matches('/');
                let named = assets.get(path).ok_or_else(|| {
                    let hint = hint(path, assets.keys().map(String::as_str));
                    tera_error(&msg!(ASSET_NOT_FOUND, path = path, hint = hint))
                })?;
                Ok(Json::String(format!("{base_path}{named}")))
            });
    }

    /// `open_data()`: the datasets of `/dati/` (see [`crate::open_data`]),
    /// for the page that lists them.
    fn register_open_data(&mut self, site: &Site) {
        let datasets = tera::to_value(crate::open_data::datasets(site)).map_err(|e| e.to_string());
        self.tera
            .register_function("open_data", move |_: &HashMap<String, Json>| {
                datasets.clone().map_err(|detail| {
                    tera_error(&msg!(
                        FUNCTION_VALUE_FAILED,
                        function = "open_data",
                        detail = detail
                    ))
                })
            });
    }

    /// `form(id="…")`: the form's HTML, from the same code the forms
    /// service uses to show it again with errors.
    fn register_forms(&mut self, site: &Site, forms: &[CompiledForm], today: Date) {
        let now = moment_of(today);
        self.register_calls(site, forms, now);
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
                    .ok_or_else(|| tera_error(&msg!(FORM_FUNCTION_NEEDS_ID)))?;
                let f = forms
                    .get(id)
                    .ok_or_else(|| tera_error(&msg!(FORM_FUNCTION_NO_FORM, id = id)))?;
                let Some(call) = &f.definition.call else {
                    return Ok(Json::String(crate::form::html::form(
                        &f.definition,
                        &f.action,
                        f.privacy_path.as_deref(),
                        Default::default(),
                    )));
                };
                // A call shows its status as of the build; a closed one
                // shows its notice in place of the form.
                let mut html = crate::form::call::notice_html(call, now);
                if call.status(now) != crate::form::call::Status::Closed {
                    html.push_str(&crate::form::html::form(
                        &f.definition,
                        &f.action,
                        f.privacy_path.as_deref(),
                        Default::default(),
                    ));
                }
                Ok(Json::String(html))
            });
    }

    /// `calls()`: the site's calls (forms with a `call`), open ones first
    /// (those not yet open next), then closed ones, the latest closed
    /// first; each with its page's `title` and `url`, `state` (`aperto`,
    /// `non-aperto`, `chiuso`) and `status` (the Italian sentence), as of
    /// the build.
    fn register_calls(&mut self, site: &Site, forms: &[CompiledForm], now: jiff::Timestamp) {
        use crate::form::call::Status;
        let mut calls: Vec<_> = forms
            .iter()
            .filter_map(|f| Some((f, f.definition.call.as_ref()?)))
            .collect();
        let rank = |s: Status| match s {
            Status::Open => 0,
            Status::NotYetOpen => 1,
            Status::Closed => 2,
        };
        calls.sort_by_key(|(f, c)| {
            let closed_latest_first = c.closes.map(|t| std::cmp::Reverse(t.as_second()));
            (
                rank(c.status(now)),
                closed_latest_first,
                f.definition.title.clone(),
            )
        });
        let list: Vec<CallItem> = calls
            .iter()
            .map(|(f, c)| {
                let state = match c.status(now) {
                    Status::Open => "aperto",
                    Status::NotYetOpen => "non-aperto",
                    Status::Closed => "chiuso",
                };
                CallItem::new(site, f.page, state, c.status_text(now))
            })
            .collect();
        let list = tera::to_value(list).map_err(|e| e.to_string());
        self.tera
            .register_function("calls", move |_: &HashMap<String, Json>| {
                list.clone().map_err(|detail| {
                    tera_error(&msg!(
                        FUNCTION_VALUE_FAILED,
                        function = "calls",
                        detail = detail
                    ))
                })
            });
    }

    /// What the forms service needs beside the form's page: the compiled
    /// definition (`{id}.form.json`) and, when the theme has a
    /// `shell.html`, the page shell the service fills for its own pages
    /// (`{id}.shell.html`), so they look like the rest of the site.
    fn form_files(
        &self,
        site: &Site,
        shared: &Shared<'_>,
        form: &CompiledForm,
    ) -> Vec<Result<Rendered, Diagnostic>> {
        let page = &site.pages[form.page];
        let id = &form.definition.id;
        let [json_path, shell_path] = form_file_paths(site, form);
        let json = serde_json::to_vec_pretty(&form.definition)
            .map(|html| Rendered {
                path: json_path,
                html,
                source: page.src.file.clone(),
            })
            .map_err(|e| {
                Diagnostic::file(
                    &page.src.file,
                    msg!(FORM_FILE_ERROR, id = id, detail = e.to_string()),
                )
            });
        if !self.files.contains_key("shell.html") {
            return vec![json];
        }
        let shell = PageContext::new(site, form.page).and_then(|p| {
            let p = p.as_shell();
            let ctx = Context::for_page(site, shared, form.page, &p);
            let html = self.render_one("shell.html", &ctx)?;
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
            Ok(Rendered {
                path: shell_path,
                html: absolute.into_bytes(),
                source: page.src.file.clone(),
            })
        });
        vec![json, shell]
    }

    /// The file of template `name`, as shown to staff.
    fn template_file(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .map_or_else(|| PathBuf::from(name), |(file, _)| file.clone())
    }

    fn render_one(&self, name: &str, ctx: &impl Serialize) -> Result<Vec<u8>, Diagnostic> {
        let ctx = tera::Context::from_serialize(ctx)
            .map_err(|e| Diagnostic::file(name, msg!(TEMPLATE_CONTEXT, detail = chain(&e))))?;
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

    /// `get_page(path="comuni/barga.md")` and `get_section(key="comuni")`
    /// for templates that show content from elsewhere (the home page).
    /// Values are made only when a template asks for them.
    /// Drops the lookups' hold on the site, so that the preview can update
    /// it in place between renders.
    pub fn release_lookups(&mut self) {
        for name in ["get_page", "get_section"] {
            self.tera
                .register_function(name, |_: &HashMap<String, Json>| {
                    Err(tera::Error::msg("no site is being rendered"))
                });
        }
    }

    fn register_lookups(&mut self, site: &Arc<Site>) {
        let pages = Arc::clone(site);
        self.tera
            .register_function("get_page", move |args: &HashMap<String, Json>| {
                let path = args
                    .get("path")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(GET_PAGE_NEEDS_PATH)))?;
                let path = path.trim_start_matches("@/");
                let id = pages
                    .by_path
                    .get(path)
                    .ok_or_else(|| tera_error(&msg!(GET_PAGE_NO_PAGE, path = path)))?;
                tera::to_value(ListItem::new(&pages, *id)).map_err(tera::Error::json)
            });
        let sections = Arc::clone(site);
        self.tera
            .register_function("get_section", move |args: &HashMap<String, Json>| {
                let key = args
                    .get("key")
                    .and_then(Json::as_str)
                    .ok_or_else(|| tera_error(&msg!(GET_SECTION_NEEDS_KEY)))?;
                let section = SectionItem::new(&sections, key)
                    .ok_or_else(|| tera_error(&msg!(GET_SECTION_NO_SECTION, key = key)))?;
                tera::to_value(section).map_err(tera::Error::json)
            });
    }
}

/// The moment calls are shown as of: now when the build is for today
/// (every real build), else the start of the build's day in Europe/Rome,
/// so that a build on a fixed day (tests, golden copies) gives the same
/// bytes whenever it runs.
fn moment_of(today: Date) -> jiff::Timestamp {
    use crate::form::call::{parse_moment, End};
    if today.day() == Date::today() {
        return jiff::Timestamp::now();
    }
    parse_moment(&today.day().to_string(), End::Start).unwrap_or_else(jiff::Timestamp::now)
}

/// The name of the template for alias redirect pages.
const ALIAS_TEMPLATE: &str = "alias.html";

/// Templates every site has, unless its theme or its `templates/` has one
/// of the same name.
const BUILT_IN: &[(&str, &str)] = &[
    ("404.html", include_str!("templates/404.html")),
    ("atom.xml", include_str!("templates/atom.xml")),
    (ALIAS_TEMPLATE, include_str!("templates/alias.html")),
    ("robots.txt", include_str!("templates/robots.txt")),
    ("sitemap.xml", include_str!("templates/sitemap.xml")),
    (
        "taxonomy_list.html",
        include_str!("templates/taxonomy_list.html"),
    ),
    (
        "taxonomy_term.html",
        include_str!("templates/taxonomy_term.html"),
    ),
];

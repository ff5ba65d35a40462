//! The build pipeline: load → validate → resolve → render → write.

use crate::load::{content, site_files};
use crate::msg;
use crate::render::{self, open_data, search};
use crate::report::diagnostic::{self, Diagnostic};
use crate::resolve::{outputs, readiness, site};
use crate::schema::config::SiteConfig;
use crate::schema::sections as schema;
use crate::text::date::Date;
use crate::write::output;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What to build and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site folder (with `site.yaml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// Output folder; `None` means check only, write nothing.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml` (for previews).
    pub base_url: Option<String>,
    /// Overrides `forms_endpoint` from `site.yaml`.
    pub forms_endpoint: Option<String>,
    /// Publish pages marked `draft: true`.
    pub drafts: bool,
    /// The date pages are built on (statuses such as "in corso" depend on it).
    pub today: Date,
    /// Check that the site is ready to publish (no placeholder addresses,
    /// every page described): off for previews, whose address is local.
    pub publishing: bool,
    /// Treat warnings as errors (`--strict`): nothing is written if any.
    pub strict: bool,
}

impl BuildOptions {
    /// Options for building `root` into `root/public`, today.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: Some(root.join("public")),
            root,
            base_url: None,
            forms_endpoint: None,
            drafts: false,
            today: Date::today(),
            publishing: true,
            strict: false,
        }
    }
}

/// A successful build.
#[derive(Debug)]
pub struct BuildReport {
    /// Problems that did not stop the build, to show staff.
    pub warnings: Vec<Diagnostic>,
    /// Pages rendered.
    pub pages: usize,
    /// Files written (none for `check`).
    pub files_written: usize,
}

/// Why a build did not complete.
#[derive(Debug)]
pub enum BuildError {
    /// The folder is not an ambito site (a usage mistake).
    NotASite(PathBuf),
    /// Problems in the content, configuration or templates: the errors
    /// (with `strict`, warnings count as errors).
    Invalid(Vec<Diagnostic>),
    /// The output could not be written.
    Io {
        /// The folder that could not be written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl BuildError {
    /// What went wrong, as a catalogue message.
    pub fn message(&self) -> crate::report::messages::Message {
        match self {
            BuildError::NotASite(root) => msg!(NOT_A_SITE, root = root.display().to_string()),
            BuildError::Invalid(diags) => {
                msg!(
                    ERRORS_FOUND,
                    count = diags.iter().filter(|d| d.is_error()).count()
                )
            }
            BuildError::Io { path, source } => msg!(
                CANNOT_WRITE,
                path = path.display().to_string(),
                detail = crate::report::messages::io_detail(source)
            ),
        }
    }
}

/// Shown in the chosen language ([`crate::report::messages::language`]).
impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn invalid(diags: Vec<Diagnostic>) -> BuildError {
    let mut diags = crate::report::migration::group(diags);
    diagnostic::normalize(&mut diags);
    BuildError::Invalid(diags)
}

/// Splits off the warnings (errors under `strict`): they are reported
/// either way, and only errors stop the build.
fn take_warnings(diags: &mut Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    if strict {
        for d in diags.iter_mut() {
            d.severity = diagnostic::Severity::Error;
        }
    }
    let (errors, warnings) = std::mem::take(diags)
        .into_iter()
        .partition(Diagnostic::is_error);
    *diags = errors;
    warnings
}

/// Runs the whole pipeline. With `output: None` everything is checked and
/// rendered but nothing is written (`ambito check`).
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    prepare(opts)?.write()
}

/// A site loaded, checked and resolved, ready to render: what a build
/// knows before writing. The preview keeps it between edits, so that an
/// edit re-reads one file and re-renders what depends on it
/// ([`crate::preview::incremental`]).
pub struct Prepared {
    pub(crate) opts: BuildOptions,
    pub(crate) schemas: BTreeMap<String, schema::SectionSchemas>,
    pub(crate) taxonomy_names: Vec<String>,
    /// Ids the templates write, which heading ids avoid.
    pub(crate) reserved_ids: Vec<String>,
    pub(crate) history: crate::load::git_dates::History,
    /// The content files, by content path (`comuni/barga.md`).
    pub(crate) entries: std::collections::HashMap<String, content::Entry>,
    pub(crate) templates: render::Templates,
    pub(crate) site: Arc<site::Site>,
    pub(crate) forms: Vec<crate::resolve::forms::CompiledForm>,
    statics: Vec<site_files::StaticFile>,
    pub(crate) assets: BTreeMap<String, String>,
    pub(crate) warnings: Vec<Diagnostic>,
    /// Whether [`Prepared::write`] keeps the search index for later
    /// updates ([`Prepared::keep_search_index`]).
    keep_search: bool,
    /// Parses pages rendered again for the kept index.
    pub(crate) search_parser: Option<search::Parser>,
    /// The kept index, until the preview takes it.
    search_index: Option<search::LiveIndex>,
}

/// Loads, validates and resolves the site: every problem is found here,
/// before anything is written.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared, BuildError> {
    let root = &opts.root;
    let config_path = root.join("site.yaml");
    let config_text =
        std::fs::read_to_string(&config_path).map_err(|_| BuildError::NotASite(root.clone()))?;
    let mut config =
        SiteConfig::parse(&config_text, Path::new("site.yaml")).map_err(|d| invalid(vec![d]))?;
    if let Some(endpoint) = &opts.forms_endpoint {
        config.forms_endpoint.clone_from(endpoint);
    }
    if let Some(url) = &opts.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }

    // load + validate
    let content_dir = root.join("content");
    let (entries, discover_diags) = content::discover(root, &content_dir);
    let mut section_keys: Vec<String> = entries.iter().map(|e| e.section.clone()).collect();
    section_keys.sort();
    section_keys.dedup();
    let (schemas, mut diags) =
        schema::compile(&config.sections, &section_keys, Path::new("site.yaml"));
    diags.extend(discover_diags);
    for key in config.sections.keys() {
        if !section_keys.contains(key) {
            diags.push(Diagnostic::file(
                "site.yaml",
                msg!(SECTIONS_NO_FOLDER, key = key),
            ));
        }
    }
    let templates = render::load_templates(root, config.theme.as_deref());
    let taxonomy_names: Vec<String> = config.taxonomies.keys().cloned().collect();
    let history = crate::load::git_dates::History::load(&content_dir);
    let reserved_ids = templates
        .as_ref()
        .map(render::Templates::literal_ids)
        .unwrap_or_default();
    let loaded = content::load(&entries, &schemas, &taxonomy_names, &history, &reserved_ids);
    diags.extend(loaded.diagnostics);

    // resolve
    let (site, resolve_diags) =
        site::resolve(config, loaded.pages, &loaded.unreadable, opts.drafts);
    diags.extend(resolve_diags);
    let templates = match templates {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return Err(invalid(diags));
        }
    };
    diags.extend(templates.check_names(&site));
    let (forms, form_diags) = crate::resolve::forms::compile(&site);
    diags.extend(form_diags);
    let statics = match site_files::static_files(root, site.config.theme.as_deref()) {
        Ok(statics) => statics,
        Err(d) => {
            diags.push(d);
            Vec::new()
        }
    };
    let assets = match site_files::fingerprints(&statics) {
        Ok(assets) => assets,
        Err(d) => {
            diags.push(d);
            BTreeMap::new()
        }
    };
    diags.extend(outputs::check(&site, &forms, &statics, &assets));
    diags.extend(open_data::check(&site.config.sections));
    if opts.publishing {
        diags.extend(readiness::check(&site, &config_text, !forms.is_empty()));
    }
    let mut diags = crate::report::migration::group(diags);
    // Errors first: the warnings come back once the errors are fixed.
    let mut warnings = take_warnings(&mut diags, opts.strict);
    if !diags.is_empty() {
        return Err(invalid(diags));
    }
    diagnostic::normalize(&mut warnings);
    Ok(Prepared {
        opts: opts.clone(),
        schemas,
        taxonomy_names,
        reserved_ids,
        history,
        entries: entries.into_iter().map(|e| (e.path.clone(), e)).collect(),
        templates,
        site: Arc::new(site),
        forms,
        statics,
        assets,
        warnings,
        keep_search: false,
        search_parser: None,
        search_index: None,
    })
}

impl Prepared {
    /// Makes [`Prepared::write`] keep the search index (with `search:
    /// true`), so that an edit of a page's body updates it
    /// ([`crate::preview::incremental`]) instead of building everything.
    pub fn keep_search_index(&mut self) {
        self.keep_search = true;
    }

    /// The index [`Prepared::write`] kept, if asked to and there is one.
    pub fn take_search_index(&mut self) -> Option<search::LiveIndex> {
        self.search_index.take()
    }

    /// Renders the whole site and writes it (nothing is written for
    /// `check`, whose options have no output).
    pub fn write(&mut self) -> Result<BuildReport, BuildError> {
        let opts = &self.opts;
        let (site, statics, assets) = (&self.site, &self.statics, &self.assets);
        let staging = match &opts.output {
            Some(out) => Some(
                output::Staging::create(out).map_err(|source| BuildError::Io {
                    path: out.clone(),
                    source,
                })?,
            ),
            None => None,
        };
        let written = AtomicUsize::new(0);
        // Every link of every page is checked once all outputs are known.
        let mut links = render::links::Collector::default();
        links.templates(self.templates.sources());
        if site.config.search {
            links.trust(&format!("{}/", outputs::SEARCH_DIR));
        }
        links.file(crate::write::output_target::MARKER);
        for (_, _, to) in outputs::resource_outputs(site) {
            links.file(&to);
        }
        for f in statics {
            links.file(&f.to);
            if let Some(copy) = assets.get(&f.to) {
                links.file(copy);
            }
        }
        // `ambito check` writes nothing, so it has no index to build.
        let searchable = if site.config.search && staging.is_some() {
            Some(search::Pages::new(site.config.base_path()).map_err(|e| {
                invalid(vec![Diagnostic::file(
                    "site.yaml",
                    msg!(SEARCH_CANNOT_INDEX, detail = e.to_string()),
                )])
            })?)
        } else {
            None
        };
        let write = |r: &render::Rendered| -> Result<(), Diagnostic> {
            if let Some(pages) = &searchable {
                pages.offer(&r.path, &r.html);
            }
            links.offer(&r.path, &r.html, &r.source);
            if let Some(s) = &staging {
                s.write(&r.path, &r.html).map_err(|e| {
                    Diagnostic::file(
                        &r.source,
                        msg!(
                            CANNOT_WRITE,
                            path = &r.path,
                            detail = crate::report::messages::io_detail(&e)
                        ),
                    )
                })?;
                written.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        };
        let mut resources = 0;
        if let Some(s) = &staging {
            // Tells the next build (`--output`) that this folder is its own.
            s.write(
                crate::write::output_target::MARKER,
                crate::write::output_target::MARKER_TEXT.as_bytes(),
            )
            .map_err(|source| BuildError::Io {
                path: PathBuf::from(crate::write::output_target::MARKER),
                source,
            })?;
            for (page, r, to) in outputs::resource_outputs(site) {
                s.copy(&r.abs, &to).map_err(|e| {
                    invalid(vec![Diagnostic::file(
                        &r.file,
                        msg!(
                            CANNOT_COPY_BESIDE,
                            page = page.src.file.display().to_string(),
                            detail = crate::report::messages::io_detail(&e)
                        ),
                    )])
                })?;
                resources += 1;
            }
            let copies = statics
                .iter()
                .map(|f| (f, &f.to))
                .chain(statics.iter().filter_map(|f| Some((f, assets.get(&f.to)?))));
            for (f, to) in copies {
                // The fingerprinted copy is minified (text/minify.rs).
                let done = if *to == f.to {
                    s.copy(&f.from, to)
                } else {
                    std::fs::read(&f.from)
                        .and_then(|b| s.write(to, &crate::text::minify::asset(to, &b)))
                };
                done.map_err(|e| {
                    invalid(vec![Diagnostic::file(
                        &f.shown,
                        msg!(CANNOT_COPY, detail = crate::report::messages::io_detail(&e)),
                    )])
                })?;
            }
        }
        let render_diags =
            self.templates
                .render_site(site, opts.today, &self.forms, assets, &|r| write(&r));
        self.templates.release_lookups();
        if !render_diags.is_empty() {
            return Err(invalid(render_diags));
        }
        let data = open_data::files(site).map_err(|e| {
            invalid(vec![Diagnostic::file(
                "site.yaml",
                msg!(OPEN_DATA_CANNOT_WRITE, detail = e.to_string()),
            )])
        })?;
        for (path, bytes) in data {
            write(&render::Rendered {
                path,
                html: bytes,
                source: PathBuf::from("site.yaml"),
            })
            .map_err(|d| invalid(vec![d]))?;
        }
        let mut index_files = 0;
        if let Some(pages) = searchable {
            let files = if self.keep_search {
                pages.index_kept().map(|(files, index, parser)| {
                    self.search_index = Some(index);
                    self.search_parser = Some(parser);
                    files
                })
            } else {
                pages.index()
            };
            let files = files.map_err(|e| {
                invalid(vec![Diagnostic::file(
                    "site.yaml",
                    msg!(SEARCH_CANNOT_INDEX, detail = e.to_string()),
                )])
            })?;
            for (path, _) in &files {
                links.file(path);
            }
            if let Some(s) = &staging {
                for (path, bytes) in &files {
                    s.write(path, bytes).map_err(|e| BuildError::Io {
                        path: PathBuf::from(path),
                        source: e,
                    })?;
                }
                index_files = files.len();
            }
        }
        let mut link_diags = links.check(site.config.base_path(), &opts.root);
        let mut warnings = self.warnings.clone();
        if !link_diags.is_empty() {
            warnings.extend(take_warnings(&mut link_diags, opts.strict));
            if !link_diags.is_empty() {
                return Err(invalid(link_diags));
            }
            warnings = crate::report::migration::group(warnings);
            diagnostic::normalize(&mut warnings);
        }
        let files_written = written.into_inner()
            + index_files
            + resources
            + (statics.len() + assets.len()) * usize::from(staging.is_some());
        if let (Some(s), Some(out)) = (staging, &opts.output) {
            s.commit().map_err(|source| BuildError::Io {
                path: out.clone(),
                source,
            })?;
        }
        Ok(BuildReport {
            warnings,
            pages: site.pages.len(),
            files_written,
        })
    }
}

//! Rendering with Tera: templates from the theme (overridable by the site's
//! own `templates/`), one context per page, pages rendered in parallel.

pub mod context;
mod functions;
pub mod guard;
pub mod links;
pub mod open_data;
pub mod search;
pub mod template_cycles;
mod templates;

use templates::ALIAS_TEMPLATE;
pub use templates::{load_templates, Templates};

use crate::msg;
use crate::render::context::{
    AliasContext, Context, FeedContext, NotFoundPage, PageContext, RobotsContext, Shared,
    SitemapContext, SitemapEntry, TaxonomyContext,
};
use crate::report::diagnostic::Diagnostic;
use crate::resolve::forms::CompiledForm;
use crate::resolve::outputs::{form_file_paths, output_path, template_for};
use crate::resolve::site::{PageId, Site};
use crate::text::date::Date;
use crate::text::markdown;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

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

impl Templates {
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
        guard::set_limits(site.config.render_limits);
        self.register_lookups(site);
        self.register_forms(site, forms, today);
        self.register_open_data(site);
        self.register_assets(site.config.base_path(), assets);
        Shared::new(site, today)
    }

    /// Renders part of the site, for the preview after an edit that
    /// changes only that part ([`crate::preview::incremental`]).
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
        let _page = guard::page(&site.pages[id].src.file);
        let page = PageContext::new(site, id, body_html(site, id)?);
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
        feed: &crate::resolve::feeds::FeedLink,
    ) -> Result<Rendered, Diagnostic> {
        let ctx = FeedContext::new(site, shared.config(), feed);
        self.render_one("atom.xml", &ctx).map(|html| Rendered {
            path: feed.output.clone(),
            html,
            source: self.template_file("atom.xml"),
        })
    }

    /// `sitemap.xml`: every page and taxonomy page, with its last change,
    /// except forms' confirmation pages (reached only by sending).
    fn sitemap(&self, site: &Site, shared: &Shared<'_>) -> Result<Rendered, Diagnostic> {
        let confirmations = crate::resolve::forms::confirmation_pages(site);
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
        let shell = body_html(site, form.page).and_then(|body| {
            let p = PageContext::new(site, form.page, body).as_shell();
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
}

/// Page `id`'s body as HTML: read again from its file (bodies are not
/// kept in memory between load and render) and rendered from Markdown,
/// its links resolved against the site.
fn body_html(site: &Site, id: PageId) -> Result<String, Diagnostic> {
    let p = &site.pages[id];
    let body = p.src.read_body()?;
    // The page's folder under content/, which relative links start from.
    let page_dir = p.src.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    Ok(markdown::render(
        &body,
        &p.src.scan.headings,
        page_dir,
        &|path, anchor| site.link_url(path, anchor),
    ))
}

//! `site.yaml`: the site's title, address, theme and per-section schemas.

use crate::msg;
use crate::report::diagnostic::{Diagnostic, Pos};
use crate::schema::value::FieldValue;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// The site configuration, as written in `site.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, in page titles and the header.
    pub title: String,
    /// Absolute address of the published site, e.g. `https://example.org/`.
    pub base_url: String,
    #[serde(default = "default_language")]
    /// The language of the site (`it`): pages' `lang`, messages for staff.
    pub language: String,
    #[serde(default)]
    /// A sentence about the site, for search engines and feeds.
    pub description: Option<String>,
    /// Theme folder name under `themes/`; without it only `templates/` is used.
    #[serde(default)]
    pub theme: Option<String>,
    /// Per-section settings, keyed by the section's folder under `content/`
    /// (`comuni`, `partecipa/manifestazione-di-interesse`).
    #[serde(default)]
    pub sections: BTreeMap<String, SectionConfig>,
    /// Where the forms service answers (`https://moduli.example.org`): forms
    /// post to `{forms_endpoint}/forms/{id}`.
    #[serde(default = "default_forms_endpoint")]
    pub forms_endpoint: String,
    /// Free-form values for templates (`config.extra.*`).
    #[serde(default)]
    pub extra: FieldValue,
    /// Taxonomies (`argomenti`, `tags`): pages name their terms in a
    /// front-matter field of the same name, and each term gets a page
    /// listing them.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, TaxonomyConfig>,
    /// Build a search index of the pages with Pagefind (`/pagefind/`),
    /// for the search page (see [`crate::render::search`]).
    #[serde(default)]
    pub search: bool,
    /// Limits on rendering one page (see [`crate::render::guard`]).
    #[serde(default)]
    pub render_limits: RenderLimits,
}

/// How long one template may take on one page, and how much memory the
/// build may use while templates run, before the build stops with an
/// error naming the template (`render_limits:` in `site.yaml`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RenderLimits {
    /// Seconds for one render (default 30; a page takes milliseconds).
    #[serde(default = "default_render_seconds")]
    pub seconds: u64,
    /// MiB of memory for the whole build (default 4096).
    #[serde(default = "default_render_memory")]
    pub memory_mib: u64,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits {
            seconds: default_render_seconds(),
            memory_mib: default_render_memory(),
        }
    }
}

fn default_render_seconds() -> u64 {
    30
}

fn default_render_memory() -> u64 {
    4096
}

/// One taxonomy, as declared in `site.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The name shown to citizens (default: the taxonomy's key).
    #[serde(default)]
    pub title: Option<String>,
    /// The sections whose pages may use it (default: every section).
    #[serde(default)]
    pub sections: Option<Vec<String>>,
    /// The only terms allowed, if declared: a term written otherwise is
    /// an error with the closest one suggested.
    #[serde(default)]
    pub terms: Option<Vec<String>>,
}

fn default_forms_endpoint() -> String {
    "http://127.0.0.1:8080".to_string()
}

fn default_language() -> String {
    "it".to_string()
}

/// Settings for one section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    /// Schema of the `extra:` fields of the section's pages. Declared
    /// (even as `{}`), only these fields are allowed; left out, any are.
    #[serde(default)]
    pub fields: Option<BTreeMap<String, FieldSpec>>,
    /// Schema of the `extra:` fields of the section page (`_index.md`).
    #[serde(default)]
    pub section_fields: Option<BTreeMap<String, FieldSpec>>,
    #[serde(default)]
    /// How the section orders its pages.
    pub sort_by: SortBy,
    /// Template for the section's pages (default `page.html`).
    #[serde(default)]
    pub page_template: Option<String>,
    /// Template for the section page (default `section.html`).
    #[serde(default)]
    pub section_template: Option<String>,
    /// Publish an Atom feed of the section's pages (`/notizie/atom.xml`),
    /// newest first.
    #[serde(default)]
    pub feed: bool,
    /// Publish the section's pages as open data (`/dati/{section}.csv` and
    /// `.json`), see [`crate::render::open_data`].
    #[serde(default)]
    pub open_data: Option<OpenDataConfig>,
}

/// How a section is published as open data: `open_data: true`, or with
/// settings.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "OpenDataSetting")]
pub struct OpenDataConfig {
    /// Whether the section is published.
    pub enabled: bool,
    /// The field that identifies a page (`istat`, `codice`): its first
    /// column, and what other datasets write when they name the page.
    /// Without it, the page's slug.
    pub code: Option<String>,
    /// Fields left out of the data (how a page is shown, not what it says).
    pub leave_out: Vec<String>,
    /// The dataset's theme in the EU vocabulary (`SOCI`, `REGI`, `GOVE`),
    /// for the catalogue; `SOCI` (population and society) by default.
    pub theme: Option<String>,
}

/// `open_data:` as written: `true`/`false` or `{ code, leave_out, theme }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum OpenDataSetting {
    On(bool),
    With {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        leave_out: Vec<String>,
        #[serde(default)]
        theme: Option<String>,
    },
}

impl From<OpenDataSetting> for OpenDataConfig {
    fn from(s: OpenDataSetting) -> Self {
        match s {
            OpenDataSetting::On(enabled) => OpenDataConfig {
                enabled,
                ..OpenDataConfig::default()
            },
            OpenDataSetting::With {
                code,
                leave_out,
                theme,
            } => OpenDataConfig {
                enabled: true,
                code,
                leave_out,
                theme,
            },
        }
    }
}

/// How a section orders its pages.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// `weight` ascending, then title.
    #[default]
    Weight,
    /// Newest `date` first, then title.
    Date,
    /// Alphabetical by title (Italian collation is approximated by slug order).
    Title,
}

/// One field of a section schema, as written in `site.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// `string`, `text`, `integer`, `decimal`, `date`, `bool`, `email`,
    /// `url`, `reference` or `list`.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// Element type of a `list`.
    #[serde(default)]
    pub of: Option<Spanned<String>>,
    /// Target section of a `reference` (or of a list of references).
    #[serde(default)]
    pub section: Option<Spanned<String>>,
    #[serde(default)]
    /// Whether every page of the section must have the field.
    pub required: bool,
    /// Allowed values (for text and numbers).
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// A note for staff, shown in error messages.
    #[serde(default)]
    pub description: Option<String>,
}

/// Where a location in `site.yaml` points, for diagnostics.
pub fn pos(loc: &serde_saphyr::Location) -> Pos {
    crate::frontmatter::yaml::pos_of(loc)
}

/// Only the `language` of a `site.yaml`, read leniently (the rest is
/// checked by [`SiteConfig::parse`]): the `ambito` command picks the
/// language of its messages before anything else is read.
pub fn language_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct OnlyLanguage {
        language: Option<String>,
    }
    serde_saphyr::from_str::<OnlyLanguage>(text)
        .ok()
        .and_then(|c| c.language)
}

impl SiteConfig {
    /// Reads and parses `site.yaml`. Syntax and shape errors come back as a
    /// diagnostic naming `file` (the path shown to staff).
    pub fn parse(text: &str, file: &Path) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig = serde_saphyr::from_str(text).map_err(|err| {
            // A syntax error is worded as such; otherwise the text is YAML
            // of the wrong shape (an unknown key, a wrong type).
            let source = crate::frontmatter::yaml::Source {
                file,
                text,
                shift: 0,
            };
            if let Err(syntax) = crate::frontmatter::yaml::parse(&source, msg!(NOT_VALID_YAML)) {
                return syntax;
            }
            let detail = crate::frontmatter::yaml::bare_message(&err.without_snippet().to_string());
            let message = msg!(CONFIG_SHAPE, detail = detail);
            match err.location().filter(|l| l.line() > 0) {
                Some(loc) => Diagnostic::at(file, pos(&loc), message),
                None => Diagnostic::file(file, message),
            }
        })?;
        if !config.base_url.starts_with("http://") && !config.base_url.starts_with("https://") {
            return Err(Diagnostic::file(
                file,
                msg!(BASE_URL_NOT_ABSOLUTE, found = &config.base_url),
            ));
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        Ok(config)
    }

    /// The path part of `base_url`, always starting and ending with `/`
    /// (`/` for a site at the root of its domain). Internal links use it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The absolute address of a site-relative URL: `/comuni/barga/` →
    /// `https://www.example.org/comuni/barga/`.
    pub fn permalink(&self, url: &str) -> String {
        let rest = url
            .strip_prefix(self.base_path())
            .unwrap_or(url.trim_start_matches('/'));
        format!("{}{rest}", self.base_url)
    }

    /// `base_url` without its trailing slash, to prefix site paths with.
    pub fn origin_and_path(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_and_normalises_base_url() {
        let cfg = SiteConfig::parse(
            "title: T\nbase_url: https://example.org/sub\nsections:\n  comuni:\n    fields:\n      istat: {type: string, required: true}\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        assert_eq!(cfg.base_url, "https://example.org/sub/");
        assert_eq!(cfg.base_path(), "/sub/");
        assert!(cfg.sections["comuni"].fields.as_ref().unwrap()["istat"].required);
    }

    #[test]
    fn unknown_keys_are_located() {
        let err = SiteConfig::parse(
            "title: T\nbase_url: https://e.org/\nthem: x\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(3));
        assert_eq!(
            language_of("title: T\nlanguage: en\nextra: {a: 1}\n").as_deref(),
            Some("en")
        );
        assert_eq!(language_of("title: T\n"), None);
        assert_eq!(language_of("title: [aperta\n"), None);
        let en = err.message.render(crate::report::messages::Lang::En);
        assert!(en.contains("them"), "{en}");
        let it = err.message.render(crate::report::messages::Lang::It);
        assert!(
            it.starts_with("impostazione non valida") && it.contains("them"),
            "{it}"
        );
    }
}

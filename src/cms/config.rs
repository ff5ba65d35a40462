//! The Decap CMS configuration (`/admin/config.yml`), generated from
//! `site.yaml`: the editor offers exactly the fields the schemas declare,
//! with the widgets, required flags, allowed values and hints the schemas
//! give, so the editor and `ambito check` cannot drift apart.

use crate::schema::config::{FieldSpec, SiteConfig};
use serde_json::{json, Map, Value};
use std::path::Path;

/// Where the CMS saves: the local working copy through `ambito serve
/// --admin`, or a self-hosted Git forge.
#[derive(Clone, Debug)]
pub enum Backend {
    /// `ambito serve --admin`: Decap's proxy backend, answered by ambito
    /// itself at `proxy_url` (see [`super::local_backend`]).
    Local {
        /// The address of the local backend's API.
        proxy_url: String,
    },
    /// A Git forge: Gitea/Forgejo (`gitea`) or GitLab (`gitlab`).
    Forge {
        /// Decap's backend name: `gitea` or `gitlab`.
        name: String,
        /// `owner/name` of the site's repository.
        repo: String,
        /// The forge's address (`https://git.example.org`).
        base_url: String,
        /// The branch the CMS commits to.
        branch: String,
        /// The OAuth application's client id on the forge.
        app_id: Option<String>,
    },
}

/// The name of the collection of a section: its key, with `/` (a nested
/// section) as `-`, since Decap puts collection names in addresses.
pub fn collection_name(section: &str) -> String {
    section.replace('/', "-")
}

/// A label for a field: its name with spaces, capitalised (`popolazione_2011`
/// → `Popolazione 2011`).
pub fn label(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The folder of a section under `content/`.
fn section_folder(section: &str) -> String {
    format!("content/{section}")
}

/// Whether any page of the section at `dir` is a page bundle (a folder
/// with an `index.md`): then the section's new pages are bundles too, and
/// each page's files live beside it.
fn uses_bundles(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().join("index.md").is_file())
    })
}

/// The Decap configuration for the site at `root` with configuration
/// `site`, saving through `backend`. `site_url` is where the site is
/// previewed or published, for the editor's links to each page.
pub fn decap_config(site: &SiteConfig, root: &Path, backend: &Backend, site_url: &str) -> Value {
    let mut config = Map::new();
    config.insert("backend".into(), backend_config(backend));
    config.insert("locale".into(), json!(site.language));
    config.insert("site_url".into(), json!(site_url));
    config.insert("display_url".into(), json!(site_url));
    // Images and files of pages that are not bundles: the site's static
    // folder, published at the root.
    config.insert("media_folder".into(), json!("static/immagini"));
    config.insert("public_folder".into(), json!("/immagini"));
    // New pages' file names as ambito makes addresses: lower case, no
    // accents, `-` between words.
    config.insert(
        "slug".into(),
        json!({ "encoding": "ascii", "clean_accents": true, "sanitize_replacement": "-" }),
    );
    let mut collections = Vec::new();
    for (section, section_config) in &site.sections {
        let folder = section_folder(section);
        let mut fields = common_fields(site, section, section_config.sort_by);
        if let Some(extra) = extra_object(section_config.fields.as_ref(), site) {
            fields.push(extra);
        }
        fields.push(body_field());
        let mut collection = Map::new();
        collection.insert("name".into(), json!(collection_name(section)));
        collection.insert("label".into(), json!(label(section)));
        collection.insert("folder".into(), json!(folder));
        collection.insert("create".into(), json!(true));
        collection.insert("extension".into(), json!("md"));
        collection.insert("format".into(), json!("frontmatter"));
        collection.insert("slug".into(), json!("{{slug}}"));
        collection.insert("summary".into(), json!("{{title}}"));
        collection.insert("sortable_fields".into(), json!(["title"]));
        if uses_bundles(&root.join(&folder)) {
            // A page bundle per page: `NAME/index.md` with its files.
            collection.insert("path".into(), json!("{{slug}}/index"));
            collection.insert("media_folder".into(), json!(""));
            collection.insert("public_folder".into(), json!(""));
            collection.insert(
                "preview_path".into(),
                json!(format!("{section}/{{{{slug}}}}/")),
            );
        } else {
            collection.insert(
                "preview_path".into(),
                json!(format!("{section}/{{{{slug}}}}/")),
            );
        }
        collection.insert("fields".into(), Value::Array(fields));
        collections.push(Value::Object(collection));
    }
    // The pages at the top of content/ (not in any section).
    collections.push(json!({
        "name": "pagine",
        "label": "Pagine",
        "label_singular": "Pagina",
        "folder": "content",
        "create": true,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "preview_path": "{{slug}}/",
        "fields": [title_field(), description_field(), body_field()],
    }));
    // The section pages (`_index.md`), with their own schemas.
    let mut files = Vec::new();
    if root.join("content/_index.md").is_file() {
        files.push(json!({
            "name": "home",
            "label": "Pagina iniziale",
            "file": "content/_index.md",
            "fields": [title_field(), description_field(), body_field()],
        }));
    }
    for (section, section_config) in &site.sections {
        let file = format!("{}/_index.md", section_folder(section));
        if !root.join(&file).is_file() {
            continue;
        }
        let mut fields = vec![title_field(), description_field()];
        if let Some(extra) = extra_object(section_config.section_fields.as_ref(), site) {
            fields.push(extra);
        }
        fields.push(body_field());
        files.push(json!({
            "name": collection_name(section),
            "label": format!("Sezione {}", label(section)),
            "file": file,
            "fields": fields,
        }));
    }
    if !files.is_empty() {
        collections.push(json!({
            "name": "sezioni",
            "label": "Pagine delle sezioni",
            "label_singular": "Pagina di sezione",
            "files": files,
        }));
    }
    config.insert("collections".into(), Value::Array(collections));
    Value::Object(config)
}

fn backend_config(backend: &Backend) -> Value {
    match backend {
        Backend::Local { proxy_url } => json!({
            "name": "proxy",
            "proxy_url": proxy_url,
            "branch": "main",
        }),
        Backend::Forge {
            name,
            repo,
            base_url,
            branch,
            app_id,
        } => {
            let base = base_url.trim_end_matches('/');
            let api_root = if name == "gitlab" {
                format!("{base}/api/v4")
            } else {
                format!("{base}/api/v1")
            };
            let mut b = json!({
                "name": name,
                "repo": repo,
                "branch": branch,
                "base_url": base,
                "api_root": api_root,
            });
            if name == "gitlab" {
                b["auth_type"] = json!("pkce");
                b["auth_endpoint"] = json!("oauth/authorize");
            }
            if let Some(id) = app_id {
                b["app_id"] = json!(id);
            }
            b
        }
    }
}

fn title_field() -> Value {
    json!({ "label": "Titolo", "name": "title", "widget": "string", "required": true })
}

fn description_field() -> Value {
    json!({
        "label": "Descrizione",
        "name": "description",
        "widget": "string",
        "required": false,
        "hint": "una frase sulla pagina, per i motori di ricerca e le anteprime dei collegamenti",
    })
}

fn body_field() -> Value {
    json!({ "label": "Testo", "name": "body", "widget": "markdown", "required": false })
}

/// A date as ambito reads it (`2022-07-21`), picked in a calendar.
fn date_widget() -> Map<String, Value> {
    let Value::Object(m) = json!({
        "widget": "datetime",
        "format": "YYYY-MM-DD",
        "date_format": "DD/MM/YYYY",
        "time_format": false,
        "picker_utc": true,
    }) else {
        return Map::new();
    };
    m
}

/// The fields every page of `section` has: title, description, date (the
/// news' order, required where the section is sorted by date), draft, and
/// the taxonomies the section may use.
fn common_fields(
    site: &SiteConfig,
    section: &str,
    sort_by: crate::schema::config::SortBy,
) -> Vec<Value> {
    let mut fields = vec![title_field(), description_field()];
    let mut date = date_widget();
    date.insert("label".into(), json!("Data"));
    date.insert("name".into(), json!("date"));
    let by_date = sort_by == crate::schema::config::SortBy::Date;
    date.insert("required".into(), json!(by_date));
    if by_date {
        date.insert("default".into(), json!("{{now}}"));
        fields.push(Value::Object(date));
    }
    fields.push(json!({
        "label": "Bozza",
        "name": "draft",
        "widget": "boolean",
        "required": false,
        "default": false,
        "hint": "una bozza si vede nell’anteprima ma non viene pubblicata",
    }));
    for (name, taxonomy) in &site.taxonomies {
        let allowed = taxonomy
            .sections
            .as_ref()
            .is_none_or(|s| s.iter().any(|s| s == section));
        if !allowed {
            continue;
        }
        let title = taxonomy.title.clone().unwrap_or_else(|| label(name));
        let field = match &taxonomy.terms {
            Some(terms) => json!({
                "label": title, "name": name, "widget": "select", "multiple": true,
                "options": terms, "required": false,
            }),
            None => json!({
                "label": title, "name": name, "widget": "list", "required": false,
                "hint": "i termini separati da virgole",
            }),
        };
        fields.push(field);
    }
    fields
}

/// The `extra:` object of a schema, or `None` when the schema declares no
/// field (or none Decap can edit).
fn extra_object(
    fields: Option<&std::collections::BTreeMap<String, FieldSpec>>,
    site: &SiteConfig,
) -> Option<Value> {
    // In the order site.yaml declares them (the map is sorted by name).
    let mut declared: Vec<(&String, &FieldSpec)> = fields?.iter().collect();
    declared.sort_by_key(|(_, spec)| {
        let p = crate::schema::config::pos(&spec.ty.referenced);
        (p.line, p.column)
    });
    let widgets: Vec<Value> = declared
        .into_iter()
        .filter_map(|(name, spec)| field_widget(name, spec, site))
        .collect();
    if widgets.is_empty() {
        return None;
    }
    Some(json!({
        "label": "Dati della pagina",
        "name": "extra",
        "widget": "object",
        "collapsed": false,
        "fields": widgets,
    }))
}

/// The widget of one schema field; `None` for a type the editor cannot
/// show (a form definition: edited in the file, kept as it is on save).
pub fn field_widget(name: &str, spec: &FieldSpec, site: &SiteConfig) -> Option<Value> {
    let ty = spec.ty.value.as_str();
    let mut widget = if ty == "list" {
        let of = spec.of.as_ref().map(|o| o.value.as_str())?;
        list_widget(of, spec, site)?
    } else {
        scalar_widget(ty, spec, site)?
    };
    widget.insert("label".into(), json!(label(name)));
    widget.insert("name".into(), json!(name));
    widget.insert("required".into(), json!(spec.required));
    if let Some(d) = &spec.description {
        widget.insert("hint".into(), json!(d));
    }
    Some(Value::Object(widget))
}

fn scalar_widget(ty: &str, spec: &FieldSpec, site: &SiteConfig) -> Option<Map<String, Value>> {
    let mut w = Map::new();
    if let (Some(values), "string" | "text") = (&spec.values, ty) {
        w.insert("widget".into(), json!("select"));
        w.insert("options".into(), json!(values));
        return Some(w);
    }
    match ty {
        "string" => {
            w.insert("widget".into(), json!("string"));
        }
        "text" => {
            w.insert("widget".into(), json!("text"));
        }
        "integer" | "decimal" => {
            w.insert("widget".into(), json!("number"));
            let value_type = if ty == "integer" { "int" } else { "float" };
            w.insert("value_type".into(), json!(value_type));
            if ty == "decimal" {
                w.insert("step".into(), json!(0.01));
            }
        }
        "date" => w = date_widget(),
        "bool" => {
            w.insert("widget".into(), json!("boolean"));
        }
        "email" => {
            w.insert("widget".into(), json!("string"));
            w.insert(
                "pattern".into(),
                json!([
                    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                    "scrivi un indirizzo email, ad esempio nome@example.org"
                ]),
            );
        }
        "url" => {
            w.insert("widget".into(), json!("string"));
            w.insert(
                "pattern".into(),
                json!([
                    "^https?://",
                    "scrivi un indirizzo web che comincia con https://"
                ]),
            );
        }
        "reference" => {
            let section = spec.section.as_ref()?.value.as_str();
            return Some(relation(section, site, false));
        }
        _ => return None,
    }
    Some(w)
}

fn list_widget(of: &str, spec: &FieldSpec, site: &SiteConfig) -> Option<Map<String, Value>> {
    if of == "reference" {
        let section = spec.section.as_ref()?.value.as_str();
        return Some(relation(section, site, true));
    }
    let mut w = Map::new();
    if let (Some(values), "string" | "text") = (&spec.values, of) {
        w.insert("widget".into(), json!("select"));
        w.insert("multiple".into(), json!(true));
        w.insert("options".into(), json!(values));
        return Some(w);
    }
    w.insert("widget".into(), json!("list"));
    if of != "string" {
        let mut item = scalar_widget(of, spec, site)?;
        item.insert("label".into(), json!("Valore"));
        item.insert("name".into(), json!("valore"));
        w.insert("field".into(), Value::Object(item));
    }
    Some(w)
}

/// A choice among the pages of `section`: the value written is the page's
/// name (its file name), as ambito's references are written.
fn relation(section: &str, site: &SiteConfig, multiple: bool) -> Map<String, Value> {
    let mut w = Map::new();
    w.insert("widget".into(), json!("relation"));
    w.insert("collection".into(), json!(collection_name(section)));
    w.insert("search_fields".into(), json!(["title"]));
    w.insert("display_fields".into(), json!(["title"]));
    w.insert("value_field".into(), json!("{{slug}}"));
    w.insert("options_length".into(), json!(100));
    if multiple {
        w.insert("multiple".into(), json!(true));
    }
    // A reference to a section that has no collection cannot be offered.
    if !site.sections.contains_key(section) {
        w.insert("widget".into(), json!("string"));
    }
    w
}

/// `value` as YAML: block mappings and sequences, strings quoted as JSON
/// strings (valid YAML), so nothing is misread as another type.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_yaml(value, 0, &mut out);
    out
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(a) if a.is_empty() => "[]".to_string(),
        Value::Object(o) if o.is_empty() => "{}".to_string(),
        other => other.to_string(),
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => false,
    }
}

fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                if is_block(v) {
                    out.push_str(&format!("{pad}{key}:\n"));
                    let inner = if v.is_array() { indent } else { indent + 2 };
                    write_yaml(v, inner, out);
                } else {
                    out.push_str(&format!("{pad}{key}: {}\n", scalar(v)));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if is_block(item) && item.is_object() {
                    let mut inner = String::new();
                    write_yaml(item, indent + 2, &mut inner);
                    // The first line of the mapping goes after the dash.
                    let trimmed = inner.get(indent + 2..).unwrap_or_default();
                    out.push_str(&format!("{pad}- {trimmed}"));
                } else if is_block(item) {
                    out.push_str(&format!("{pad}-\n"));
                    write_yaml(item, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_block_style_and_quotes_strings() {
        let v = json!({"a": "x", "b": [1, {"c": "y", "d": ["z"]}], "e": {"f": true}, "g": []});
        assert_eq!(
            to_yaml(&v),
            "a: \"x\"\nb:\n- 1\n- c: \"y\"\n  d:\n  - \"z\"\ne:\n  f: true\ng: []\n"
        );
    }

    #[test]
    fn labels_read_as_words() {
        assert_eq!(label("popolazione_2011"), "Popolazione 2011");
        assert_eq!(collection_name("partecipa/modulo"), "partecipa-modulo");
    }
}

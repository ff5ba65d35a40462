//! The web editor: Decap CMS, configured from `site.yaml`, served by
//! `ambito serve --admin` under `/admin/` and saving through ambito.
//!
//! - [`config`] writes Decap's configuration from the section schemas: one
//!   collection per section, a widget per field type, required flags,
//!   allowed values, hints.
//! - [`local_backend`] answers Decap's local-backend protocol on the
//!   working copy, and refuses a save `ambito check` would refuse.
//! - Decap's own files (`decap-cms.js` and the chunks it loads) come from
//!   the npm package `decap-cms`, found on this machine (see
//!   [`find_decap`]); they are never fetched from elsewhere, and only
//!   `/admin/` serves them: no page of the site changes.

pub mod config;
pub mod local_backend;
pub mod tidy;

use crate::report::messages::{language, Lang};
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the editor lives in the preview.
pub const ADMIN: &str = "/admin/";

/// `it` in Italian, `en` in English: the language of the messages.
pub fn text(it: &str, en: &str) -> String {
    match language() {
        Lang::It => it.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The help of `ambito serve --admin`, in `lang`.
pub fn help_admin(lang: Lang) -> &'static str {
    match lang {
        Lang::It => "Apre anche l’editor web su /admin/, per modificare le pagine nel browser; ogni salvataggio è controllato come da «ambito check»",
        Lang::En => "Also serve the web editor at /admin/: edit pages in the browser; every save is checked as «ambito check» does",
    }
}

/// The environment variable that names the folder with `decap-cms.js`,
/// ahead of the usual places.
pub const DECAP_DIR_VAR: &str = "AMBITO_DECAP_DIR";

/// The folder with Decap's prebuilt `decap-cms.js`: `$AMBITO_DECAP_DIR`,
/// else where the Debian package puts it (`/usr/share/ambito/admin/`, or
/// `../share/ambito/admin/` beside the `ambito` program), else the npm
/// package in the site's `node_modules/` or the test dependencies'
/// `tests/node/node_modules/` (scripts/test-deps).
pub fn find_decap(root: &Path) -> Option<PathBuf> {
    let mut places = Vec::new();
    if let Some(dir) = std::env::var_os(DECAP_DIR_VAR) {
        places.push(PathBuf::from(dir));
    }
    places.push(PathBuf::from("/usr/share/ambito/admin"));
    if let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        places.push(bin.join("../share/ambito/admin"));
    }
    places.push(root.join("node_modules/decap-cms/dist"));
    places.push(root.join("tests/node/node_modules/decap-cms/dist"));
    places
        .into_iter()
        .find(|p| p.join("decap-cms.js").is_file())
}

/// What the editor needs: the site, where Decap's files are, and the
/// backend that saves.
pub struct Admin {
    root: PathBuf,
    decap: Option<PathBuf>,
    backend: local_backend::LocalBackend,
    site_url: String,
}

impl Admin {
    /// The editor of the site at `root` (absolute), previewed at
    /// `site_url`.
    pub fn new(root: PathBuf, site_url: String) -> Arc<Self> {
        Arc::new(Admin {
            decap: find_decap(&root),
            backend: local_backend::LocalBackend::new(root.clone()),
            root,
            site_url,
        })
    }

    /// Whether Decap's files were found.
    pub fn has_decap(&self) -> bool {
        self.decap.is_some()
    }

    /// The message saying where `decap-cms.js` was looked for.
    pub fn missing_message() -> String {
        text(
            "l’editor web non è disponibile: manca decap-cms.js. Installa il pacchetto Debian di ambito (lo mette in /usr/share/ambito/admin/) oppure, in una copia di sviluppo, lancia scripts/test-deps; l’anteprima funziona lo stesso",
            "the web editor is not available: decap-cms.js is missing. Install ambito's Debian package (it puts it in /usr/share/ambito/admin/) or, in a development copy, run scripts/test-deps; the preview works all the same",
        )
    }

    /// The routes of the editor, to add to the preview's.
    pub fn router(self: &Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/admin", get(|| async { Redirect::permanent(ADMIN) }))
            .route(ADMIN, get(index))
            .route("/admin/config.yml", get(config_yml))
            .route("/admin/api/v1", post(api))
            .route("/admin/{file}", get(decap_file))
            .with_state(Arc::clone(self))
    }

    /// The generated configuration, as YAML.
    pub fn config_yaml(&self) -> Result<String, String> {
        let file = self.root.join("site.yaml");
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        let site = crate::schema::config::SiteConfig::parse(&text, Path::new("site.yaml"))
            .map_err(|d| d.to_string())?;
        let backend = config::Backend::Local {
            proxy_url: "/admin/api/v1".to_string(),
        };
        let value = config::decap_config(&site, &self.root, &backend, &self.site_url);
        Ok(format!(
            "# Generated by `ambito serve --admin` from site.yaml: edit site.yaml, not this.\n{}",
            config::to_yaml(&value)
        ))
    }
}

/// `serve --admin`: the web editor's routes, and where it is (or why not).
pub fn admin_routes(root: &Path, url: &str, ip: std::net::IpAddr) -> axum::Router {
    // The editor writes files and asks no password: only on this computer.
    if !ip.is_loopback() {
        let why = crate::msg!(
            VERBATIM,
            text = text(
                "l’editor web non è aperto: funziona solo con l’indirizzo 127.0.0.1 (il predefinito), perché chiunque lo raggiunga può modificare i file; per lavorare in più persone usa una forgia Git (vedi il README)",
                "the web editor is not served: it only works on 127.0.0.1 (the default), since anyone who reaches it can change the files; to work as a team use a Git forge (see the README)",
            )
        );
        eprintln!(
            "{}",
            crate::msg!(LABELLED, label = crate::msg!(WARNING_LABEL), message = why)
        );
        return axum::Router::new();
    }
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let admin = Admin::new(root, url.to_string());
    if admin.has_decap() {
        eprintln!(
            "{}",
            text(
                &format!("editor web su {url}admin/"),
                &format!("web editor at {url}admin/"),
            )
        );
    } else {
        let why = crate::msg!(VERBATIM, text = Admin::missing_message());
        eprintln!(
            "{}",
            crate::msg!(LABELLED, label = crate::msg!(WARNING_LABEL), message = why)
        );
    }
    admin.router()
}

/// `ambito cms`: writes the editor for a Git forge into `out`
/// (`index.html`, `config.yml` and Decap's files), to publish on a
/// private address of the public body. Returns what to tell, or why not.
pub fn write_admin(root: &Path, out: &Path, backend: &config::Backend) -> Result<String, String> {
    let text_of = |e: std::io::Error| e.to_string();
    let site_text = std::fs::read_to_string(root.join("site.yaml")).map_err(text_of)?;
    let site = crate::schema::config::SiteConfig::parse(&site_text, Path::new("site.yaml"))
        .map_err(|d| d.to_string())?;
    let decap = find_decap(root).ok_or_else(Admin::missing_message)?;
    std::fs::create_dir_all(out).map_err(text_of)?;
    let value = config::decap_config(&site, root, backend, &site.base_url);
    let yaml = format!(
        "# Generated by `ambito cms` from site.yaml: edit site.yaml and run it again, not this.\n{}",
        config::to_yaml(&value)
    );
    std::fs::write(out.join("config.yml"), yaml).map_err(text_of)?;
    std::fs::write(out.join("index.html"), index_html(&site.title)).map_err(text_of)?;
    let mut written = 2;
    for entry in std::fs::read_dir(&decap).map_err(text_of)? {
        let entry = entry.map_err(text_of)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_decap_file(&name) {
            std::fs::copy(entry.path(), out.join(&name)).map_err(text_of)?;
            written += 1;
        }
    }
    let shown = out.display();
    Ok(text(
        &format!("editor web scritto in {shown} ({written} file)"),
        &format!("web editor written to {shown} ({written} files)"),
    ))
}

/// The help texts of `ambito cms`, in `lang`: the command, then each
/// option by name.
pub fn help_cms(lang: Lang, what: &str) -> &'static str {
    let (it, en) = match what {
        "about" => (
            "Scrive l’editor web per una forgia Git (Gitea/Forgejo o GitLab): config.yml dagli schemi di site.yaml, index.html e i file di Decap CMS",
            "Write the web editor for a Git forge (Gitea/Forgejo or GitLab): config.yml from site.yaml's schemas, index.html and Decap CMS's files",
        ),
        "output" => ("La cartella in cui scriverlo", "The folder to write it into"),
        "backend" => ("La forgia: gitea (anche Forgejo) o gitlab", "The forge: gitea (Forgejo too) or gitlab"),
        "repo" => ("Il repository del sito sulla forgia, PROPRIETARIO/NOME", "The site's repository on the forge, OWNER/NAME"),
        "forge_url" => ("L’indirizzo della forgia, ad esempio https://git.ente.it", "The forge's address, e.g. https://git.example.org"),
        "branch" => ("Il ramo in cui l’editor salva (predefinito: main)", "The branch the editor commits to (default: main)"),
        "app_id" => ("L’identificativo dell’applicazione OAuth creata sulla forgia", "The client id of the OAuth application made on the forge"),
        "usage" => (
            "ambito cms --output CARTELLA --backend gitea|gitlab --repo PROPRIETARIO/NOME --forge-url INDIRIZZO [OPZIONI]",
            "ambito cms --output FOLDER --backend gitea|gitlab --repo OWNER/NAME --forge-url ADDRESS [OPTIONS]",
        ),
        "value_repo" => ("PROPRIETARIO/NOME", "OWNER/NAME"),
        "value_branch" => ("RAMO", "BRANCH"),
        "value_id" => ("ID", "ID"),
        "value_forge" => ("FORGIA", "FORGE"),
        _ => ("", ""),
    };
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

/// The editor's page: Decap, which reads `config.yml` beside it.
pub fn index_html(title: &str) -> String {
    let title = crate::text::escape::escape(title);
    format!(
        "<!doctype html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>Modifica il sito – {title}</title>\n</head>\n<body>\n\
         <script src=\"/admin/decap-cms.js\"></script>\n</body>\n</html>\n"
    )
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

async fn index(State(admin): State<Arc<Admin>>) -> Response {
    if !admin.has_decap() {
        let message = crate::text::escape::escape(&Admin::missing_message());
        let page = format!(
            "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Editor non disponibile</title></head><body><h1>Editor non disponibile</h1><p>{message}</p></body></html>"
        );
        return no_store(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response(),
        );
    }
    let title = std::fs::read_to_string(admin.root.join("site.yaml"))
        .ok()
        .and_then(|t| crate::schema::config::SiteConfig::parse(&t, Path::new("site.yaml")).ok())
        .map(|c| c.title)
        .unwrap_or_default();
    no_store(
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            index_html(&title),
        )
            .into_response(),
    )
}

async fn config_yml(State(admin): State<Arc<Admin>>) -> Response {
    match admin.config_yaml() {
        Ok(yaml) => {
            no_store(([(header::CONTENT_TYPE, "text/yaml; charset=utf-8")], yaml).into_response())
        }
        Err(e) => no_store(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                e,
            )
                .into_response(),
        ),
    }
}

/// Whether a request to the API comes from the editor's own page: JSON
/// (which a page of another site cannot send here without a CORS
/// preflight, and none is answered) and, when the browser names its
/// origin, from this address. Another site open in the same browser must
/// not be able to write the working copy.
fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let json = value(header::CONTENT_TYPE).is_some_and(|t| t.starts_with("application/json"));
    let origin_ok = match (value(header::ORIGIN), value(header::HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        (Some(_), None) => false,
    };
    json && origin_ok
}

async fn api(
    State(admin): State<Arc<Admin>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        let error = serde_json::json!({ "error": text(
            "richiesta rifiutata: l’editor accetta solo le richieste della sua pagina /admin/",
            "request refused: the editor only accepts requests from its own page /admin/",
        ) });
        return json_response(StatusCode::FORBIDDEN, &error);
    }
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        let error =
            serde_json::json!({ "error": text("richiesta non valida", "malformed request") });
        return json_response(StatusCode::BAD_REQUEST, &error);
    };
    let worker = Arc::clone(&admin);
    let answered = tokio::task::spawn_blocking(move || worker.backend.handle(&request)).await;
    let (status, value) =
        answered.unwrap_or_else(|e| (500, serde_json::json!({ "error": e.to_string() })));
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(status, &value)
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    no_store(
        (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            value.to_string(),
        )
            .into_response(),
    )
}

/// Whether `name` is one of Decap's own files: the bundle, the chunks it
/// loads, their licence, the WebAssembly it loads.
fn is_decap_file(name: &str) -> bool {
    let chunk = name
        .strip_suffix(".decap-cms.js")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()));
    let wasm = name
        .strip_suffix(".wasm")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()));
    name == "decap-cms.js" || name == "decap-cms.js.LICENSE.txt" || chunk || wasm
}

async fn decap_file(State(admin): State<Arc<Admin>>, UrlPath(name): UrlPath<String>) -> Response {
    let Some(dir) = admin.decap.as_ref().filter(|_| is_decap_file(&name)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = tokio::fs::read(dir.join(&name)).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let kind = if name.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if name.ends_with(".wasm") {
        "application/wasm"
    } else {
        "text/plain; charset=utf-8"
    };
    ([(header::CONTENT_TYPE, kind)], bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::{is_decap_file, same_origin};
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn only_the_editor_page_may_call_the_api() {
        let headers = |pairs: &[(header::HeaderName, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(k, HeaderValue::from_static(v));
            }
            h
        };
        let json = (header::CONTENT_TYPE, "application/json; charset=utf-8");
        let host = (header::HOST, "127.0.0.1:1111");
        assert!(same_origin(&headers(&[json.clone(), host.clone()])));
        assert!(same_origin(&headers(&[
            json.clone(),
            host.clone(),
            (header::ORIGIN, "http://127.0.0.1:1111")
        ])));
        assert!(!same_origin(&headers(&[
            json.clone(),
            host.clone(),
            (header::ORIGIN, "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            (header::CONTENT_TYPE, "text/plain"),
            host
        ])));
    }

    #[test]
    fn only_decap_files_are_served() {
        assert!(is_decap_file("decap-cms.js"));
        assert!(is_decap_file("977.decap-cms.js"));
        assert!(is_decap_file("dd5d52671a5763720504.wasm"));
        assert!(!is_decap_file("../decap-cms.js"));
        assert!(!is_decap_file("decap-cms.js.map"));
        assert!(!is_decap_file("package.json"));
    }
}

//! The HTTP interface: thin handlers over the form definition, the store
//! and the outbox. A handler says no with `?` on a [`Refusal`] (or sends
//! the form back with an [`Invalid`]); see `refusal.rs`.

use crate::clock;
use crate::config::Config;
use crate::forms::LoadedForm;
use crate::health::Health;
use crate::input;
use crate::pages;
use crate::paths::private_dir;
use crate::proxy;
use crate::ratelimit::Limiter;
use crate::received::Received;
use crate::refusal::{Answer, Invalid, Refusal, Refused, Reply};
use crate::store::{self, Db, Inserted, NewSubmission, StoredAnswer};
use crate::upload;
use crate::writer::Writer;
use ambito_form::{self as form, Validation};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Notify;

/// The most a submission may weigh.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Shared by all requests.
pub struct AppState {
    /// The service's checked settings.
    pub config: Arc<Config>,
    /// The forms answered for, by form id.
    pub forms: HashMap<String, LoadedForm>,
    /// The handle to the single thread that stores new submissions.
    pub writer: Writer,
    /// For reads (health check).
    pub db: Arc<Mutex<Db>>,
    /// Wakes the outbox once a submission is stored.
    pub wake: Arc<Notify>,
    /// Posts per client.
    pub limiter: Limiter,
    /// Checks per client on `/verifica` (looser).
    pub verify_limiter: Limiter,
    /// Views per client of confirmation pages (as loose as `/verifica`).
    pub receipt_limiter: Limiter,
    /// What the writer and the outbox found wrong, for `/healthz`.
    pub health: Arc<Health>,
    /// The site's origin: the configured one, or the origin of the site's
    /// `base_url` found in the built site. `None`: no Origin check.
    pub site_origin: Option<String>,
}

impl AppState {
    /// The site's shell for pages that belong to no form (a 404): the
    /// first form's, so that they look like the rest of the site too.
    fn any_shell(&self) -> Option<Arc<str>> {
        let mut ids: Vec<&String> = self.forms.keys().collect();
        ids.sort();
        ids.first()
            .and_then(|id| self.forms.get(*id))
            .and_then(|f| f.shell.clone())
    }

    /// Where refusals go: in `reply`'s format, in `form`'s shell (or any
    /// form's, for pages of no form).
    fn answer(&self, reply: Reply, form: Option<&LoadedForm>) -> Answer {
        Answer {
            reply,
            shell: form.map_or_else(|| self.any_shell(), |f| f.shell.clone()),
        }
    }

    /// The form `form_id`, or 404.
    fn form(&self, form_id: &str, reply: Reply) -> Result<&LoadedForm, Refusal> {
        self.forms.get(form_id).ok_or_else(|| {
            self.answer(reply, None)
                .refuse(StatusCode::NOT_FOUND, "Il modulo richiesto non esiste.")
        })
    }
}

/// The service's routes, with the timeout, security headers and CORS layers.
pub fn router(state: &Arc<AppState>) -> Router {
    let timeout = state.config.request_timeout;
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/forms/{form_id}", get(definition).post(submit))
        .route("/forms/{form_id}/ricevuta/{token}", get(confirmation))
        .route("/forms/{form_id}/verifica", axum::routing::post(verify))
        .fallback(not_found)
        .with_state(Arc::clone(state))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ));
    for layer in crate::headers::layers(state.site_origin.as_deref()) {
        app = app.layer(layer);
    }
    if let Some(origin) = &state.site_origin {
        if let Ok(origin) = HeaderValue::from_str(origin) {
            // A list: the header is sent only to the site's own origin.
            app = app.layer(
                tower_http::cors::CorsLayer::new()
                    .allow_origin(tower_http::cors::AllowOrigin::list([origin]))
                    .allow_methods([Method::GET, Method::POST])
                    .allow_headers([header::CONTENT_TYPE, header::ACCEPT]),
            );
        }
    }
    app
}

/// Whether a post may come from where its `Origin` header says: the site,
/// or the service's own pages (the form shown again with its errors is
/// served by the service, so its corrected post carries the service's
/// origin). Without a known site origin there is nothing to check. With
/// one, a post without `Origin` is refused: browsers always send it on
/// posts, so only other programs leave it out.
fn origin_allowed(site_origin: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(site) = site_origin else {
        return true;
    };
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == site {
        return true;
    }
    let own_host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin.split_once("://"), own_host) {
        (Some((scheme, authority)), Some(host)) => {
            matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// 200 when the service can take a post and deliver it: the database
/// answers (a constant-cost query, never a scan), the last write worked
/// (after a failure, a small test write must work again), and the outbox
/// is not paused. Otherwise 503 with the reasons, one per line.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let db = Arc::clone(&state.db);
    let health = Arc::clone(&state.health);
    let files = state.config.files_dir();
    let problems = tokio::task::spawn_blocking(move || {
        let mut problems = Vec::new();
        match db.lock() {
            Ok(db) => {
                if let Err(e) = db.health() {
                    problems.push(format!("database unavailable: {e}"));
                } else if health.store_problem().is_some() {
                    match db.probe_write().and_then(|()| {
                        probe_files(&files).map_err(|e| store::StoreError::Dir {
                            path: files.clone(),
                            source: e,
                        })
                    }) {
                        Ok(()) => health.store_recovered(),
                        Err(e) => health.store_failed(&e.to_string()),
                    }
                }
            }
            Err(_) => problems.push("database unavailable: lock poisoned".to_string()),
        }
        if let Some(why) = health.store_problem() {
            problems.push(format!("posts cannot be stored: {why}"));
        }
        problems.extend(health.outbox_problem());
        problems
    })
    .await
    .unwrap_or_else(|e| vec![format!("health check failed: {e}")]);
    if problems.is_empty() {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{}\n", problems.join("\n")),
        )
            .into_response()
    }
}

/// Whether a file can be written in the files folder now (4 KiB, synced,
/// removed).
fn probe_files(dir: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write;
    private_dir(dir)?;
    let path = dir.join(".health-probe");
    let written = std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&[0u8; 4096]).and_then(|()| f.sync_all()));
    let _ = std::fs::remove_file(&path);
    written
}

async fn not_found(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Refusal {
    state
        .answer(Reply::of(&headers), None)
        .refuse(StatusCode::NOT_FOUND, "La pagina richiesta non esiste.")
}

async fn definition(
    State(state): State<Arc<AppState>>,
    Path(form_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let form = state.form(&form_id, Reply::of(&headers))?;
    Ok(axum::Json(form.definition.as_ref().clone()).into_response())
}

/// Checks answers without storing them, for the page's script to show
/// errors as people fill in the form: the same rules and messages as a
/// real submission. Always JSON: `{"errors": {field: message}}`.
async fn verify(
    State(state): State<Arc<AppState>>,
    Path(form_id): Path<String>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let form = state.form(&form_id, Reply::Json)?;
    let answer = state.answer(Reply::Json, None);
    let client = proxy::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    state
        .verify_limiter
        .check(client, Instant::now())
        .map_err(|wait| answer.too_many(wait))?;
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        answer.refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "I dati inviati sono troppo lunghi.",
        )
    })?;
    let raw = input::json(&bytes)
        .map_err(|input::Malformed(message)| answer.refuse(StatusCode::BAD_REQUEST, message))?;
    let errors: serde_json::Map<String, serde_json::Value> =
        match form::validate(&form.definition, &raw) {
            Ok(_) => serde_json::Map::new(),
            Err(Validation::Fields(errors)) => errors
                .into_iter()
                .map(|e| (e.field, serde_json::Value::String(e.message)))
                .collect(),
            Err(Validation::Input(e)) => {
                return Err(answer.refuse(StatusCode::BAD_REQUEST, e.to_string()));
            }
        };
    Ok(axum::Json(serde_json::json!({ "errors": errors })).into_response())
}

/// The number and time received of the submission to `form_id` whose
/// confirmation page has `token`, if there is one.
async fn find_receipt(
    state: &AppState,
    form_id: &str,
    token: &str,
) -> Option<(store::Protocol, i64)> {
    let db = Arc::clone(&state.db);
    let (id, t) = (form_id.to_string(), token.to_string());
    tokio::task::spawn_blocking(move || {
        db.lock()
            .ok()
            .and_then(|db| db.find(&id, &t).ok().flatten())
    })
    .await
    .ok()
    .flatten()
}

/// The files of the submission `number`; an error when they cannot be read.
async fn files_of(state: &AppState, number: &str) -> Option<Vec<Received>> {
    let db = Arc::clone(&state.db);
    let n = number.to_string();
    tokio::task::spawn_blocking(move || db.lock().ok().and_then(|db| db.files_of(&n).ok()))
        .await
        .ok()
        .flatten()
}

/// The confirmation page a browser is sent to after a submission:
/// `/forms/{id}/ricevuta/{token}`, the token being 128 random bits given
/// only to the sender (in the 303), so that pages cannot be found by
/// walking the receipt numbers. Rate-limited like `/verifica`.
async fn confirmation(
    State(state): State<Arc<AppState>>,
    Path((form_id, token)): Path<(String, String)>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let form = state.form(&form_id, Reply::Html)?;
    let answer = state.answer(Reply::Html, Some(form));
    let client = proxy::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    state
        .receipt_limiter
        .check(client, Instant::now())
        .map_err(|wait| answer.too_many(wait))?;
    let found = if crate::token::is_token(&token) {
        find_receipt(&state, &form_id, &token).await
    } else {
        None
    };
    let (protocol, received_at) = found.ok_or_else(|| {
        answer.refuse(
            StatusCode::NOT_FOUND,
            "Non risulta nessuna richiesta a questo indirizzo: controlla di averlo copiato per intero.",
        )
    })?;
    let files = files_of(&state, protocol.as_str()).await.ok_or_else(|| {
        answer.refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "La richiesta è registrata, ma in questo momento non è possibile mostrarne la ricevuta: riprova tra qualche minuto.",
        )
        .retry_after(RETRY_AFTER_UNAVAILABLE)
    })?;
    let when = crate::mail::italian_datetime(received_at);
    Ok(
        axum::response::Html(pages::confirmation(form, protocol.as_str(), &when, &files))
            .into_response(),
    )
}

/// A post of a form: checked where it comes from, when and how often,
/// read (files streamed to disk), validated, stored, then answered with
/// its receipt (303 to the confirmation page, or 201 with JSON).
async fn submit(
    State(state): State<Arc<AppState>>,
    Path(form_id): Path<String>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refused> {
    let reply = Reply::of(&headers);
    let form = state.form(&form_id, reply)?;
    let answer = state.answer(reply, Some(form));
    let def = Arc::clone(&form.definition);
    if !origin_allowed(state.site_origin.as_deref(), &headers) {
        return Err(answer
            .refuse(
                StatusCode::FORBIDDEN,
                "Questo modulo si può inviare solo dal sito della Zona Distretto.",
            )
            .into());
    }
    // The call's dates, enforced on every post whatever page is open:
    // nothing is read or stored before `opens` or after `closes`.
    if let Some(call) = &def.call {
        let now = jiff::Timestamp::now();
        if let Some(message) = call.refusal(now) {
            let status = match call.status(now) {
                form::call::Status::Closed => StatusCode::GONE,
                _ => StatusCode::FORBIDDEN,
            };
            return Err(answer.refuse(status, message).into());
        }
    }
    let client = proxy::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    state
        .limiter
        .check(client, Instant::now())
        .map_err(|wait| answer.too_many(wait))?;
    let (raw, mut upload) = read_post(&state, form, &answer, &headers, body).await?;
    // An upload's folder goes with `upload` unless the writer keeps it.
    let spam = def.honeypot_filled(&raw);
    if spam {
        upload = None;
    }
    let files: Vec<Received> = upload.as_ref().map(|u| u.files.clone()).unwrap_or_default();
    let submission = if spam {
        spam_submission(&def, &raw)
    } else {
        match form::validate(&def, &raw) {
            Ok(valid) => NewSubmission {
                form_id: def.id.clone(),
                form_title: def.title.clone(),
                sender: def.sender_email(&valid).map(str::to_string),
                answers: valid
                    .answers
                    .iter()
                    .filter_map(|(name, answer)| {
                        let field = def.field(name)?;
                        Some(StoredAnswer {
                            name: name.clone(),
                            label: field.label.clone(),
                            display: answer.display(field),
                            value: answer.clone(),
                        })
                    })
                    .collect(),
                received_at: clock::now(),
                spam: false,
                files: files.clone(),
            },
            Err(Validation::Input(e)) => {
                return Err(answer
                    .refuse(
                        StatusCode::BAD_REQUEST,
                        format!("{}.", capitalise(&e.to_string())),
                    )
                    .into());
            }
            Err(Validation::Fields(errors)) => {
                // Without JavaScript the page sent back cannot keep the
                // chosen files: the service keeps them for the next send.
                let held = match (reply, upload.take()) {
                    (Reply::Html, Some(u)) => upload::hold(u, &def.id, &state.config.files_dir())
                        .unwrap_or_else(|e| {
                            tracing::error!(form = %form_id, error = %e, "cannot keep the files of a post sent back");
                            None
                        }),
                    _ => None,
                };
                return Err(Invalid {
                    reply,
                    form: form.clone(),
                    raw,
                    errors,
                    held: shown_held(held.as_ref()),
                }
                .into());
            }
        }
    };
    // The writer keeps the folder once the row naming it is committed,
    // and removes it otherwise (a repeated post's copies are not kept).
    let inserted = state
        .writer
        .insert(submission, upload.map(|u| u.dir))
        .await
        .map_err(|e| {
            // Nothing was stored: never answer as if it had been. The
            // sender keeps the page and can send again later.
            tracing::error!(form = %form_id, error = %e, "submission refused: cannot store it");
            // 503 with Retry-After only when waiting may mend it (a full,
            // read-only or locked database); any other failure of the
            // database is the service's own error, and saying "try again
            // in two minutes" would be a promise it cannot keep.
            if e.is_unavailable() {
                not_stored(&answer)
            } else {
                store_failed(&answer)
            }
        })?;
    let receipt = inserted.receipt();
    let protocol = &receipt.protocol;
    if spam {
        tracing::warn!(form = %form_id, protocol = %protocol, "honeypot filled: stored as spam");
    } else {
        if matches!(inserted, Inserted::New(_)) {
            tracing::info!(form = %form_id, protocol = %protocol, "submission stored");
        } else {
            tracing::info!(form = %form_id, protocol = %protocol, "the same answers again: the earlier submission's number");
        }
        state.wake.notify_one();
    }
    Ok(match reply {
        Reply::Json => {
            // The first submission's time (Unix seconds), for a repeated
            // post too: the page shows it as the receipt does.
            let when = find_receipt(&state, &form_id, &receipt.token)
                .await
                .map(|(_, at)| at);
            (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "protocol": protocol.as_str(),
                    "receipt": protocol.as_str(),
                    "received_at": when,
                    // To the sender only: what arrived, to prove it.
                    "files": files.iter().map(|f| serde_json::json!({
                        "name": f.name,
                        "size": f.size,
                        "sha256": f.sha256,
                    })).collect::<Vec<_>>(),
                })),
            )
                .into_response()
        }
        Reply::Html => {
            let location = format!("/forms/{form_id}/ricevuta/{}", receipt.token);
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, v);
            }
            response
        }
    })
}

/// A honeypot catch: answered like a success, so the bot learns nothing;
/// stored trimmed to the form's fields, never emailed.
fn spam_submission(def: &form::FormDefinition, raw: &[(String, String)]) -> NewSubmission {
    NewSubmission {
        form_id: def.id.clone(),
        form_title: def.title.clone(),
        answers: form::honeypot_answers(def, raw)
            .into_iter()
            .filter_map(|(name, value)| {
                let field = def.field(&name)?;
                Some(StoredAnswer {
                    label: field.label.clone(),
                    name,
                    display: value.clone(),
                    value: form::Answer::One(value),
                })
            })
            .collect(),
        sender: None,
        received_at: clock::now(),
        spam: true,
        files: Vec::new(),
    }
}

/// 503: nothing was stored, try again later.
fn not_stored(answer: &Answer) -> Refusal {
    answer
        .refuse(StatusCode::SERVICE_UNAVAILABLE, NOT_STORED)
        .retry_after(RETRY_AFTER_UNAVAILABLE)
}

/// 500: the database failed in a way that waiting does not mend; nothing
/// was stored, and no `Retry-After` says when it would work.
fn store_failed(answer: &Answer) -> Refusal {
    answer.refuse(StatusCode::INTERNAL_SERVER_ERROR, STORE_FAILED)
}

/// Reads a post's body: multipart for a form with files (each file
/// streamed to disk and checked), urlencoded or JSON otherwise. Returns
/// the `name=value` pairs and the upload, if any.
async fn read_post(
    state: &AppState,
    form: &LoadedForm,
    answer: &Answer,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Vec<(String, String)>, Option<upload::Upload>), Refused> {
    let def = &form.definition;
    let full = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let content_type = full
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type != "multipart/form-data" || !def.has_files() {
        let raw = read_plain(answer, &content_type, body).await?;
        return Ok((raw, None));
    }
    match upload::receive(def, full, body, &state.config.files_dir()).await {
        Ok(u) => Ok((u.raw.clone(), Some(u))),
        Err(upload::UploadError::TooLarge(limit)) => Err(answer
            .refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "I file inviati superano in tutto il limite di {} MB: allega file più piccoli e riprova.",
                    limit / (1024 * 1024)
                ),
            )
            .into()),
        Err(upload::UploadError::Fields { errors, raw }) => Err(Invalid {
            reply: answer.reply,
            form: form.clone(),
            raw,
            errors,
            held: Vec::new(),
        }
        .into()),
        Err(upload::UploadError::Malformed(m)) => {
            tracing::warn!(form = %def.id, error = %m, "malformed multipart post");
            Err(answer
                .refuse(
                    StatusCode::BAD_REQUEST,
                    "I dati inviati non sono leggibili: invia il modulo dalla pagina del sito.",
                )
                .into())
        }
        Err(e @ upload::UploadError::Io { .. }) => {
            tracing::error!(form = %def.id, error = %e, "cannot write an uploaded file");
            state.health.store_failed(&e.to_string());
            Err(not_stored(answer).into())
        }
    }
}

/// Seconds to wait before sending again when the database cannot store.
const RETRY_AFTER_UNAVAILABLE: u64 = 120;

/// What a sender reads when the submission (or one of its files) could
/// not be written: nothing was kept, and it is worth trying again.
const NOT_STORED: &str = "Non è stato possibile registrare la richiesta per un problema temporaneo del servizio. Non è stata salvata: riprova tra qualche minuto.";

/// What a sender reads when the database failed for a reason other than
/// the disk's state: nothing was kept, and the district should hear of it.
const STORE_FAILED: &str = "Non è stato possibile registrare la richiesta per un errore del servizio. Non è stata salvata: riprova più tardi e, se l’errore si ripete, avvisa la Zona Distretto.";

/// Reads an urlencoded or JSON body as `name=value` pairs.
async fn read_plain(
    answer: &Answer,
    content_type: &str,
    body: Body,
) -> Result<Vec<(String, String)>, Refusal> {
    let is_json = match content_type {
        "application/x-www-form-urlencoded" => false,
        "application/json" => true,
        _ => {
            return Err(answer.refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Formato dei dati non supportato: invia il modulo dalla pagina del sito.",
            ))
        }
    };
    let bytes: Bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        answer.refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "I dati inviati sono troppo lunghi: accorcia i testi e riprova.",
        )
    })?;
    let parsed = if is_json {
        input::json(&bytes)
    } else {
        input::urlencoded(&bytes)
    };
    parsed.map_err(|input::Malformed(message)| answer.refuse(StatusCode::BAD_REQUEST, message))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Files kept for the next send, as the form shows them.
fn shown_held(held: Option<&upload::Held>) -> Vec<form::html::HeldFile> {
    held.map(|h| {
        h.files
            .iter()
            .map(|f| form::html::HeldFile {
                field: f.field.clone(),
                name: f.name.clone(),
                size: crate::mail::size_it(f.size),
                token: h.token.clone(),
            })
            .collect()
    })
    .unwrap_or_default()
}

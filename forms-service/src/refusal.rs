//! How the service answers what it does not accept: in the client's
//! format (a page in the site's shell for browsers without JavaScript,
//! JSON for the site's script), with a plain Italian message. Handlers
//! return `Result<_, Refused>` and say no with `?`.

use crate::forms::LoadedForm;
use crate::pages;
use ambito_form::html::HeldFile;
use ambito_form::FieldError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

/// How the client wants answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Pages (browsers without JavaScript).
    Html,
    /// JSON (the site's script).
    Json,
}

impl Reply {
    /// JSON when the request is JSON or asks for it, pages otherwise.
    pub fn of(headers: &HeaderMap) -> Reply {
        let is_json = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("application/json"))
        };
        if is_json(header::CONTENT_TYPE) || is_json(header::ACCEPT) {
            Reply::Json
        } else {
            Reply::Html
        }
    }
}

/// Where a refusal goes: the client's format and, for pages, the site's
/// shell to put it in.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The client's format.
    pub reply: Reply,
    /// The page shell, when there is one.
    pub shell: Option<Arc<str>>,
}

impl Answer {
    /// A refusal with `status` and an Italian `message`.
    pub fn refuse(&self, status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            answer: self.clone(),
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Too many requests from one client: 429 with `Retry-After`.
    pub fn too_many(&self, wait: Duration) -> Refusal {
        let secs = wait.as_secs().max(1);
        self.refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Sono arrivate troppe richieste da questa connessione. Riprova tra {secs} secondi."
            ),
        )
        .retry_after(secs)
    }
}

/// A request refused, with a plain message, as its answer.
#[derive(Debug)]
pub struct Refusal {
    answer: Answer,
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
}

impl Refusal {
    /// Says when to come back (`Retry-After`, in seconds).
    #[must_use]
    pub fn retry_after(mut self, secs: u64) -> Refusal {
        self.retry_after = Some(secs);
        self
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = match self.answer.reply {
            Reply::Json => (
                self.status,
                axum::Json(serde_json::json!({ "error": self.message })),
            )
                .into_response(),
            Reply::Html => (
                self.status,
                axum::response::Html(pages::message(
                    self.answer.shell.as_deref(),
                    self.status,
                    &self.message,
                )),
            )
                .into_response(),
        };
        if let Some(v) = self
            .retry_after
            .and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Answers with errors at their fields: the form again with everything
/// typed kept (and files kept by the service shown), or the errors as
/// JSON; 422 either way.
#[derive(Debug)]
pub struct Invalid {
    /// The client's format.
    pub reply: Reply,
    /// The form, to show again.
    pub form: LoadedForm,
    /// What was sent, `name=value`.
    pub raw: Vec<(String, String)>,
    /// The problems, by field.
    pub errors: Vec<FieldError>,
    /// Files the service kept for the next send.
    pub held: Vec<HeldFile>,
}

impl IntoResponse for Invalid {
    fn into_response(self) -> Response {
        match self.reply {
            Reply::Json => {
                let map: serde_json::Map<String, serde_json::Value> = self
                    .errors
                    .into_iter()
                    .map(|e| (e.field, serde_json::Value::String(e.message)))
                    .collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    axum::Json(serde_json::json!({ "errors": map })),
                )
                    .into_response()
            }
            Reply::Html => (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::response::Html(pages::form_with_errors(
                    &self.form,
                    &format!("/forms/{}", self.form.definition.id),
                    &self.raw,
                    &self.errors,
                    &self.held,
                )),
            )
                .into_response(),
        }
    }
}

/// Why a request got no 2xx: a refusal, or answers with field errors.
#[derive(Debug)]
pub enum Refused {
    /// Refused with a message.
    Refusal(Refusal),
    /// Sent back with errors at their fields.
    Invalid(Box<Invalid>),
}

impl From<Refusal> for Refused {
    fn from(r: Refusal) -> Refused {
        Refused::Refusal(r)
    }
}

impl From<Invalid> for Refused {
    fn from(i: Invalid) -> Refused {
        Refused::Invalid(Box::new(i))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Refusal(r) => r.into_response(),
            Refused::Invalid(i) => i.into_response(),
        }
    }
}

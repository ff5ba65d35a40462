//! The few pages the service itself sends: the form again with its errors,
//! and short messages. (Issue: these will use the site's own page shell,
//! written by the generator.)

use ambito::escape::escape;
use ambito::form::{html, FieldError, FormDefinition};
use axum::http::StatusCode;

fn page(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body>\n<main id=\"contenuto\">\n{main}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// The form again, with an error summary at the top, a message at each
/// field in error, and everything the person typed kept.
pub fn form_with_errors(
    def: &FormDefinition,
    action: &str,
    values: &[(String, String)],
    errors: &[FieldError],
) -> String {
    let filled = html::Filled { values, errors };
    let main = format!(
        "<h1>{}</h1>\n{}{}",
        escape(&def.title),
        html::error_summary(def, errors),
        html::form(def, action, None, filled)
    );
    // "Errore:" first in the title, so screen readers announce it at once.
    page(&format!("Errore: {}", def.title), &main)
}

/// A short page with one message (errors other than field errors).
pub fn message(status: StatusCode, message: &str) -> String {
    let title = match status.as_u16() {
        404 => "Pagina non trovata",
        413 | 400 | 415 => "Richiesta non valida",
        429 => "Troppe richieste",
        403 => "Invio non consentito",
        _ => "Servizio non disponibile",
    };
    page(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>\n", escape(title), escape(message)),
    )
}

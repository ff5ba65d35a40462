//! The pages the service itself sends: the form again with its errors,
//! the confirmation after a submission, and short messages. When the
//! generator wrote the site's page shell for the form, they are filled into
//! it, so they look exactly like the rest of the site.

use crate::forms::LoadedForm;
use ambito_form::escape::escape;
use ambito_form::html::{self, SHELL_CONTENT, SHELL_TITLE};
use ambito_form::FieldError;
use axum::http::StatusCode;

fn page(shell: Option<&str>, title: &str, main: &str) -> String {
    match shell {
        Some(shell) => shell.replace(SHELL_TITLE, &escape(title)).replace(SHELL_CONTENT, main),
        None => format!(
            "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body>\n<main id=\"contenuto\">\n{main}</main>\n</body>\n</html>\n",
            escape(title)
        ),
    }
}

/// The form again, with an error summary at the top, a message at each
/// field in error, and everything the person typed kept.
pub fn form_with_errors(
    form: &LoadedForm,
    action: &str,
    values: &[(String, String)],
    errors: &[FieldError],
    held: &[html::HeldFile],
) -> String {
    let def = &form.definition;
    let filled = html::Filled {
        values,
        errors,
        held,
    };
    let main = format!(
        "<h1>{}</h1>\n{}{}",
        escape(&def.title),
        html::error_summary(def, errors),
        html::form(def, action, def.privacy_url.as_deref(), filled)
    );
    // "Errore:" first in the title, so screen readers announce it at once.
    page(
        form.shell.as_deref(),
        &format!("Errore: {}", def.title),
        &main,
    )
}

/// The confirmation after a submission: the protocol number and the date,
/// and no personal data (the address can be shared or bookmarked).
/// The files received are listed by size and SHA-256, without their names
/// (a name can be personal data), so the sender can prove what arrived.
pub fn confirmation(
    form: &LoadedForm,
    protocol: &str,
    when: &str,
    files: &[crate::received::Received],
) -> String {
    let def = &form.definition;
    // What happens next, in the form's own words (the same the form page
    // and the receipt email give).
    let next = def
        .call
        .as_ref()
        .and_then(|c| c.next.as_deref())
        .map(|n| format!("<p>{}</p>\n", escape(n)))
        .unwrap_or_default();
    let mut list = String::new();
    if !files.is_empty() {
        list.push_str("<h2>File ricevuti</h2>\n<ol class=\"file-ricevuti\">\n");
        for f in files {
            list.push_str(&format!(
                "<li>{}, SHA-256: <code>{}</code></li>\n",
                crate::mail::size_it(f.size),
                escape(&f.sha256)
            ));
        }
        list.push_str("</ol>\n");
    }
    let main = format!(
        "<div class=\"conferma\" id=\"conferma\" tabindex=\"-1\">\n<h1>Richiesta inviata</h1>\n<p>Abbiamo ricevuto la tua richiesta «{}».</p>\n<p>Numero di ricevuta: <strong>{}</strong><br>Ricevuta il: {}</p>\n{list}</div>\n<p>Riceverai a breve un’email con il numero di ricevuta, la data, il nome dell’ente e l’elenco dei file ricevuti (tipo, dimensione e impronta SHA-256, un codice che identifica ogni file senza allegarlo); non ripete le altre risposte. Conservala. Se non la trovi, controlla anche nella posta indesiderata.</p>\n<p>Allo stesso indirizzo email mandiamo solo poche ricevute al giorno: se oggi ne hai già ricevute altre, questa potrebbe non arrivare. La richiesta è comunque registrata con il numero di ricevuta qui sopra: annotalo.</p>\n{next}<p><a href=\"{}\">Che cosa succede ora</a></p>\n",
        escape(&def.title),
        escape(protocol),
        escape(when),
        escape(&def.thank_you_url)
    );
    page(form.shell.as_deref(), "Richiesta inviata", &main)
}

/// A short page with one message (errors other than field errors), in
/// the site's shell when there is one.
pub fn message(shell: Option<&str>, status: StatusCode, message: &str) -> String {
    let title = match status.as_u16() {
        404 => "Pagina non trovata",
        413 | 400 | 415 => "Richiesta non valida",
        429 => "Troppe richieste",
        403 => "Invio non consentito",
        408 => "Tempo scaduto",
        500 => "Errore del servizio",
        _ => "Servizio non disponibile",
    };
    page(
        shell,
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>\n", escape(title), escape(message)),
    )
}

/// The origin of the site whose shell this is (`https://www.example.org`),
/// read from the canonical link the generator writes in every page's head
/// from the site's `base_url`.
pub fn shell_origin(shell: &str) -> Option<String> {
    let at = shell.find("rel=\"canonical\"")?;
    let tag_start = shell[..at].rfind('<')?;
    let tag = &shell[tag_start..];
    let tag = &tag[..tag.find('>')?];
    let href = tag.split("href=\"").nth(1)?.split('"').next()?;
    let (scheme, rest) = href.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_site_origin_comes_from_the_canonical_link() {
        let shell =
            "<head><link rel=\"canonical\" href=\"https://www.example.org/partecipa/x/\"></head>";
        assert_eq!(
            super::shell_origin(shell).as_deref(),
            Some("https://www.example.org")
        );
        assert_eq!(super::shell_origin("<head></head>"), None);
    }
}

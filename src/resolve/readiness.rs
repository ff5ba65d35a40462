//! Is the site ready to publish? Warnings for what builds fine but must not
//! go online as it is: an address that is a placeholder or a local one
//! (canonical links to someone else's domain, a form posting to the
//! visitor's own machine), a form posting without HTTPS, a page without a
//! description. `ambito build --strict` turns them into errors.

use crate::frontmatter::yaml::{Source, Value, Yaml};
use crate::msg;
use crate::report::diagnostic::{Diagnostic, Pos};
use crate::report::messages::{self, Entry, Message};
use crate::resolve::site::Site;
use std::net::IpAddr;
use std::path::Path;

/// The warnings for `site`, whose `site.yaml` reads `config_text`.
/// `has_forms`: whether any page has a form (only then does the forms
/// endpoint matter).
pub fn check(site: &Site, config_text: &str, has_forms: bool) -> Vec<Diagnostic> {
    let file = Path::new("site.yaml");
    let source = Source {
        file,
        text: config_text,
        shift: 0,
    };
    // site.yaml was read already: this is only to point at its lines.
    let root = crate::frontmatter::yaml::parse(&source, msg!(NOT_VALID_YAML)).ok();
    let at = |key: &str| -> Diagnostic {
        match root
            .as_ref()
            .and_then(|r| value_pos(r, &key.split('.').collect::<Vec<_>>()))
        {
            Some(pos) => Diagnostic::at(file, pos, Message::empty()),
            None => Diagnostic::file(file, Message::empty()),
        }
    };
    let warn = |key: &str, message: Message| Diagnostic { message, ..at(key) }.warning();
    let mut out = Vec::new();
    let base_url = &site.config.base_url;
    if let Some(why) = not_public(base_url) {
        out.push(warn(
            "base_url",
            msg!(BASE_URL_NOT_PUBLIC, url = base_url, why = Message::new(why)),
        ));
    }
    if has_forms {
        let endpoint = &site.config.forms_endpoint;
        if let Some(why) = not_public(endpoint) {
            out.push(warn(
                "forms_endpoint",
                msg!(
                    FORMS_ENDPOINT_NOT_PUBLIC,
                    url = endpoint,
                    why = Message::new(why)
                ),
            ));
        } else if !endpoint.starts_with("https://") {
            out.push(warn(
                "forms_endpoint",
                msg!(FORMS_ENDPOINT_NOT_HTTPS, url = endpoint),
            ));
        }
    }
    // A setting left empty is one still to be filled in (the legal
    // contacts): the pages that show it say so, which must not go online.
    if let crate::schema::value::FieldValue::Map(extra) = &site.config.extra {
        for (name, value) in extra {
            if matches!(value, crate::schema::value::FieldValue::Text(t) if t.trim().is_empty()) {
                out.push(warn(
                    &format!("extra.{name}"),
                    msg!(EXTRA_SETTING_EMPTY, name = name),
                ));
            }
        }
    }
    for page in &site.pages {
        if page.src.meta.description.is_none() {
            out.push(
                Diagnostic::at(&page.src.file, Pos::new(1, 1), msg!(NO_DESCRIPTION)).warning(),
            );
        }
    }
    out
}

/// Where the value at `path` (`["extra", "rpd_email"]`) is written.
fn value_pos(root: &Yaml, path: &[&str]) -> Option<Pos> {
    let mut node = root;
    for key in path {
        let Value::Map(entries) = &node.value else {
            return None;
        };
        node = &entries.iter().find(|(k, _)| k.name == *key)?.1;
    }
    Some(node.pos)
}

/// Why the address `url` cannot be a public site's, if it cannot: a name
/// reserved for examples and tests (RFC 2606, RFC 6761), a local name, a
/// loopback or private address.
pub fn not_public(url: &str) -> Option<&'static Entry> {
    let host = host(url)?;
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        let local = match ip {
            IpAddr::V4(v4) => {
                v4.is_loopback()
                    || v4.is_private()
                    || v4.is_link_local()
                    || v4.is_unspecified()
                    || v4.is_documentation()
            }
            IpAddr::V6(v6) => {
                let first = v6.segments()[0];
                v6.is_loopback()
                    || v6.is_unspecified()
                    || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
                    || (first & 0xffc0) == 0xfe80 // link local, fe80::/10
            }
        };
        return local.then_some(&messages::NOT_PUBLIC_PRIVATE_ADDRESS);
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    if host == "localhost" || matches!(tld, "localhost" | "local" | "internal" | "lan" | "home") {
        return Some(&messages::NOT_PUBLIC_LOCAL_NAME);
    }
    if matches!(tld, "example" | "test" | "invalid") {
        return Some(&messages::NOT_PUBLIC_RESERVED_TESTS);
    }
    if labels.len() >= 2 && labels[labels.len() - 2] == "example" {
        return Some(&messages::NOT_PUBLIC_RESERVED_EXAMPLES);
    }
    None
}

/// The host of an absolute address: `https://www.example.org:8443/x` →
/// `www.example.org`.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next();
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

#[cfg(test)]
mod tests {
    use super::not_public;

    #[test]
    fn placeholder_and_local_addresses_are_recognised() {
        for url in [
            "https://www.example.org/",
            "https://example.com",
            "http://prova.example.org/sub/",
            "http://127.0.0.1:8080",
            "http://localhost:1111/",
            "https://moduli.test/",
            "https://x.invalid",
            "http://10.1.2.3/",
            "http://192.168.1.10:8080",
            "http://172.16.0.1",
            "http://[::1]:8080/",
            "http://[fd00::1]/",
            "http://server.local/",
        ] {
            assert!(not_public(url).is_some(), "{url} should be flagged");
        }
        for url in [
            "https://www.uslnordovest.toscana.it/",
            "https://moduli.comune.barga.lu.it/",
            "https://examples.org/",
            "https://93.184.216.34/",
            "https://[2001:db9::1]/",
        ] {
            assert_eq!(not_public(url), None, "{url} should pass");
        }
    }
}

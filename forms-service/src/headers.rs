//! Security headers on every answer of the service (pages and JSON).

use axum::http::{header, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only the service's own resources (no inline scripts or styles), forms
/// posting only to the service, and no framing by any site (against
/// clickjacking).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The policy for a service whose site is at `site_origin`: as
/// [`CONTENT_SECURITY_POLICY`], and the service's pages (in the site's
/// shell, whose stylesheet, images and fonts are addressed absolutely to the
/// site) may also load styles, images and fonts from that one origin, and
/// send the header's search box to the site's search page there, nothing
/// broader. When the service runs on the site's own origin this
/// adds nothing; when it runs on another, its pages keep the site's look.
/// An origin that is not plainly `scheme://host[:port]` is left out, so
/// nothing from the configuration or a shell can add to the policy.
#[must_use]
pub fn content_security_policy(site_origin: Option<&str>) -> String {
    match site_origin.filter(|o| is_plain_origin(o)) {
        Some(o) => format!(
            "default-src 'self'; style-src 'self' {o}; img-src 'self' {o}; font-src 'self' {o}; form-action 'self' {o}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        None => CONTENT_SECURITY_POLICY.to_string(),
    }
}

/// `http://` or `https://`, then a host (letters, digits, `.`, `-`, or an
/// IPv6 address in brackets) and an optional port; nothing else.
fn is_plain_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The layers that add the headers, outermost last; the policy allows the
/// site's stylesheet from `site_origin` (see [`content_security_policy`]).
#[must_use]
pub fn layers(site_origin: Option<&str>) -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    let policy = HeaderValue::from_str(&content_security_policy(site_origin))
        .unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    [
        SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policy),
        SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_origin_is_allowed_for_styles_images_fonts_and_its_search_only() {
        let p = content_security_policy(Some("https://www.example.org"));
        for directive in [
            "style-src 'self' https://www.example.org;",
            "img-src 'self' https://www.example.org;",
            "font-src 'self' https://www.example.org;",
            "default-src 'self';",
            "form-action 'self' https://www.example.org;",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(directive), "{p}");
        }
        assert_eq!(p.matches("example.org").count(), 4, "{p}");
        assert!(!p.contains("script-src"), "{p}");
        assert_eq!(content_security_policy(None), CONTENT_SECURITY_POLICY);
        // Anything but a plain origin adds nothing.
        for bad in [
            "https://e.org; script-src *",
            "https://e.org *",
            "javascript://x",
            "https://",
        ] {
            assert_eq!(content_security_policy(Some(bad)), CONTENT_SECURITY_POLICY);
        }
        assert!(content_security_policy(Some("http://127.0.0.1:1111"))
            .contains("style-src 'self' http://127.0.0.1:1111;"));
    }
}

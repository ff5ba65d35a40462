//! The client's address behind reverse proxies.
//!
//! `X-Forwarded-For` is believed only when the connection comes from a
//! trusted proxy (`AMBITO_FORMS_TRUSTED_PROXIES`): anyone else can write
//! anything in it. `Forwarded` is never read (see `hops`). The hops are
//! read right to left, skipping the trusted hops; the first address that
//! is not a trusted proxy is the client. A hop that cannot be read ends the walk there, so a forged value
//! never counts as the client.

use crate::config::Cidr;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// One hop as written in the headers: `192.0.2.1`, `192.0.2.1:4711`,
/// `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_matches('"');
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = t.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    t.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The hops listed in `X-Forwarded-For`, in order (nearest the client
/// first); every header line counts.
///
/// `Forwarded` (RFC 7239) is never read: a proxy that appends only to
/// `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, the shipped
/// configuration) passes the client's own `Forwarded` through untouched, so
/// preferring it would let any client pick its own rate-limit bucket.
/// Reading one header, the one the proxy appends to, is the rule.
fn hops(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .collect()
}

/// The address to hold responsible for a request from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in hops(headers).iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    return ip;
                }
            }
            None => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_static(v));
        }
        m
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let headers = h(&[("x-forwarded-for", "203.0.113.5")]);
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &[]),
            ip("198.51.100.1")
        );
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn read_right_to_left_skipping_trusted_hops_only() {
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()];
        // The client forged the first entry; the proxies appended the rest.
        let headers = h(&[
            ("x-forwarded-for", "1.2.3.4, 203.0.113.5"),
            ("x-forwarded-for", "10.1.1.1"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.5")
        );
        // Garbage stops the walk at the last address we could trust.
        let headers = h(&[("x-forwarded-for", "203.0.113.5, unknown, 10.1.1.1")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers, &trusted),
            ip("10.1.1.1")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_forwarded_header_the_proxy_did_not_write_is_ignored() {
        let trusted: Vec<Cidr> = vec!["127.0.0.1/32".parse().unwrap()];
        // nginx appended the client's address to X-Forwarded-For and passed
        // the client's own `Forwarded` through.
        let headers = h(&[
            ("forwarded", "for=198.51.100.77"),
            ("x-forwarded-for", "203.0.113.5"),
        ]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.5")
        );
        // `Forwarded` alone names nobody: the proxy itself is the client.
        let headers = h(&[("forwarded", "for=198.51.100.77")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &headers, &trusted),
            ip("127.0.0.1")
        );
    }
}

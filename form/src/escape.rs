//! Escaping text for HTML and XML.

/// Escapes the five characters that are significant in HTML and XML text
/// and attribute values. (Tera's default also escapes `/`, which only
/// bloats URLs.)
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape(r#"<a href="x">L'è & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;L&#39;è &amp; co&lt;/a&gt;"
        );
    }
}

//! Stylesheets and scripts as they are published: the fingerprinted copy
//! that pages link (`css/serchio.1a2b3c4d.css`) is minified, without
//! comments and needless spaces; the plain copy (`css/serchio.css`) stays
//! as written, for reading. Minified with the `minifier` crate, which the
//! search (Pagefind) already builds: no new code to compile.

/// The bytes to publish under the fingerprinted name of the static file
/// `path`: minified for `.css` and `.js`. Anything else, a file that is
/// not UTF-8, or one the minifier cannot read, is kept as it is (it is
/// still a working file, only larger).
pub fn asset(path: &str, bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let minified = if path.ends_with(".css") {
        minifier::css::minify(text).map(|m| last_semicolons(m.to_string().trim_start()))
    } else if path.ends_with(".js") {
        minifier::js::minify(text).map(|m| m.to_string())
    } else {
        return bytes.to_vec();
    };
    match minified {
        // Never larger than the original (an empty or tiny file).
        Ok(m) if m.len() < bytes.len() => m.into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Drops the `;` that ends a CSS block's last declaration (`a{b:c;}` →
/// `a{b:c}`), which the minifier keeps; never inside a quoted string.
fn last_semicolons(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut quote = None;
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ';' && chars.peek() == Some(&'}') => continue,
            None => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{asset, last_semicolons};

    #[test]
    fn a_blocks_last_semicolon_goes_but_not_in_a_string() {
        assert_eq!(
            last_semicolons(r#"a{b:c;}x::before{content:";}";}y{content:'\';}'}"#),
            r#"a{b:c}x::before{content:";}"}y{content:'\';}'}"#
        );
    }

    #[test]
    fn comments_and_spaces_go_and_the_rules_stay() {
        let css = "/* header */\n.ue p { margin: 0; font-family: Arial, \"Trebuchet MS\"; }\n@media (max-width: 40rem) {\n  .a > b { color: #fff; }\n}\n";
        let out = String::from_utf8(asset("css/x.css", css.as_bytes())).unwrap();
        assert!(!out.contains("header"), "{out}");
        assert!(out.contains("\"Trebuchet MS\""), "{out}");
        assert!(out.contains("@media (max-width:40rem)"), "{out}");
        assert!(out.len() < css.len());
        let js = "// note\nvar a = \"x // y\"; /* c */ var b = a.replace(/^1 /, \"1\\u00ba \");\n";
        let out = String::from_utf8(asset("js/x.js", js.as_bytes())).unwrap();
        assert!(!out.contains("note") && !out.contains("/* c */"), "{out}");
        assert!(out.contains("\"x // y\"") && out.contains("/^1 /"), "{out}");
    }

    #[test]
    fn other_files_and_bytes_that_are_not_text_are_kept() {
        assert_eq!(asset("img/a.svg", b"<svg> </svg>"), b"<svg> </svg>");
        assert_eq!(asset("js/a.js", &[0xff, 0x20, 0x20]), [0xff, 0x20, 0x20]);
    }

    /// The theme's own files: smaller, and (for the scripts) the same
    /// statements, checked by the browser tests that run them.
    #[test]
    fn the_theme_files_shrink() {
        let root = env!("CARGO_MANIFEST_DIR");
        for path in ["css/serchio.css", "js/modulo.js", "js/cerca.js"] {
            let bytes = std::fs::read(format!("{root}/themes/serchio/static/{path}")).unwrap();
            let out = asset(path, &bytes);
            eprintln!("{path}: {} → {} bytes", bytes.len(), out.len());
            assert!(out.len() * 10 < bytes.len() * 9, "{path}");
        }
    }
}

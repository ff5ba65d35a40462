//! ambito-forms: receives the site's expressions of interest, stores each
//! one durably (SQLite) before answering, and delivers it by email to the
//! Zona Distretto with a receipt to the sender (an outbox that survives
//! SMTP outages and restarts).
//!
//! # Dependency order
//!
//! Modules import only from modules in an earlier layer (the test
//! `layering::modules_import_only_from_earlier_layers` checks every
//! `crate::` path against this list), so no two modules import each other:
//!
//! 1. `clock`, `paths`, `token`, `config`, `headers`, `input`, `health`,
//!    `forms`, `received`, `multipart_guard`: import nothing of the crate;
//! 2. `store` (clock, paths, received, token), `upload` (multipart_guard,
//!    paths, received, token), `proxy` and `ratelimit` (config);
//! 3. `mail` (config, paths, store), `writer` (health, store, upload);
//! 4. `export`, `retention`, `outbox` (the store and the mail), `pages`
//!    (forms, mail, received);
//! 5. `refusal` (forms, pages);
//! 6. `http`, the routes, using all of the above;
//! 7. `app`, which starts everything.
//!
//! `main.rs` (the command line) sits on top, through the library's public
//! items.

pub mod app;
pub mod clock;
pub mod config;
pub mod export;
pub mod forms;
pub mod headers;
pub mod health;
pub mod http;
pub mod input;
pub mod mail;
pub mod multipart_guard;
pub mod outbox;
pub mod pages;
pub mod paths;
pub mod proxy;
pub mod ratelimit;
pub mod received;
pub mod refusal;
pub mod retention;
pub mod store;
pub mod token;
pub mod upload;
pub mod writer;

#[cfg(test)]
mod layering {
    /// The layers of the crate doc's "Dependency order", first to last.
    const LAYERS: &[&[&str]] = &[
        &[
            "clock",
            "paths",
            "token",
            "config",
            "headers",
            "input",
            "health",
            "forms",
            "received",
            "multipart_guard",
        ],
        &["store", "upload", "proxy", "ratelimit"],
        &["mail", "writer"],
        &["export", "retention", "outbox", "pages"],
        &["refusal"],
        &["http"],
        &["app"],
    ];

    fn layer(module: &str) -> Option<usize> {
        LAYERS.iter().position(|l| l.contains(&module))
    }

    /// The modules a source text names through `crate::` paths.
    fn imports(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        out
    }

    #[test]
    fn modules_import_only_from_earlier_layers() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        let mut seen = 0;
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if matches!(module, "lib" | "main") {
                continue;
            }
            seen += 1;
            let Some(own) = layer(module) else {
                wrong.push(format!("{module}: not in the dependency order"));
                continue;
            };
            for import in imports(&std::fs::read_to_string(&path).unwrap()) {
                match layer(&import) {
                    Some(l) if l < own || import == module => {}
                    Some(_) => wrong.push(format!("{module} imports {import}, a later layer")),
                    None => wrong.push(format!("{module} imports unknown {import}")),
                }
            }
        }
        assert_eq!(seen, LAYERS.iter().map(|l| l.len()).sum::<usize>());
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn the_check_sees_a_backward_import() {
        // What the old store did: `crate::upload::Received` from `store`.
        let found = imports("use crate::received::Received;\nlet x = crate::upload::hold;");
        assert_eq!(found, ["received", "upload"]);
        assert!(layer("upload") >= layer("store"));
    }
}

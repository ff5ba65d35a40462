//! The generator's folders are its pipeline (see `src/lib.rs`): each may use
//! only the folders before it. This test reads every `use crate::…` and
//! `crate::…` path in `src/` and fails on one that reaches a later stage,
//! naming the file and line, so the flow stays visible in the folders.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The stages in the order data flows; a module may use its own stage and
/// the ones before it. `form` (shared with the forms service) needs only
/// `report` and `text`; `pipeline` drives load to write; `preview`, `cms`
/// (the web editor) and `cli` sit on top.
const ORDER: &[&str] = &[
    "report",
    "text",
    "form",
    "frontmatter",
    "schema",
    "load",
    "resolve",
    "render",
    "write",
    "pipeline",
    "preview",
    "cms",
    "cli",
];

fn stage_of(name: &str) -> Option<usize> {
    ORDER.iter().position(|s| *s == name)
}

/// The stage a source file belongs to: its first folder under `src/`, or
/// the file's own name for a top-level module (`pipeline.rs`).
fn file_stage(src: &Path, file: &Path) -> Option<(usize, String)> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    Some((stage_of(name)?, name.to_string()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a line of code names through `crate::`, with
/// `use crate::{a, b::c}` groups read too. Comments are skipped: a doc
/// link to a later stage is a pointer for the reader, not a dependency.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let code = code.split(" //").next().unwrap_or(code);
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        // `$crate::` in a macro is the same path.
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item = item.trim();
                let name: String = item
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Some((own, own_name)) = file_stage(&src, file) else {
            continue; // lib.rs and main.rs put the stages together
        };
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for target in crate_paths(line) {
                // Root items (`crate::msg`, `crate::build`) are not stages.
                let Some(theirs) = stage_of(&target) else {
                    continue;
                };
                if theirs > own {
                    wrong.push(format!(
                        "{}:{}: `{own_name}` uses `{target}`, a later stage",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(checked > 30, "only {checked} files found under {src:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reader_sees_later_stages_named_in_groups_and_macros() {
    assert_eq!(
        crate_paths("use crate::{render, text::date};"),
        ["render", "text"]
    );
    assert_eq!(
        crate_paths("    $crate::report::messages::Message::new(x)"),
        ["report"]
    );
    assert!(crate_paths("/// see [`crate::render`]").is_empty());
    assert_eq!(stage_of("pipeline"), Some(9));
    assert!(stage_of("render") > stage_of("resolve"));
}

//! Templates that would never finish: `{% include "page.html" %}` inside
//! `page.html` (or a ring of includes), and a macro that always calls
//! itself. Tera would recurse until the stack overflows and the process
//! aborts; they are found before rendering, each an error at its template
//! file and line, naming the template.

use crate::msg;
use crate::report::diagnostic::{Diagnostic, Pos};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// One `{% include %}`: the templates it names and its line.
struct Include {
    targets: Vec<String>,
    line: u32,
}

/// Checks the templates (name → file shown, source) for include rings and
/// macros that always call themselves.
pub fn check(files: &HashMap<String, (PathBuf, String)>) -> Vec<Diagnostic> {
    let includes: BTreeMap<&str, Vec<Include>> = files
        .iter()
        .map(|(name, (_, text))| (name.as_str(), includes(text)))
        .collect();
    let mut diags = Vec::new();
    for (name, list) in &includes {
        let Some((file, _)) = files.get(*name) else {
            continue;
        };
        for include in list {
            for target in &include.targets {
                if let Some(mut chain) = path_back(&includes, target, name) {
                    chain.insert(0, (*name).to_string());
                    diags.push(Diagnostic::at(
                        file,
                        Pos::new(include.line, 1),
                        msg!(
                            TEMPLATE_INCLUDE_RING,
                            name = *name,
                            chain = chain.join(" → ")
                        ),
                    ));
                }
            }
        }
    }
    for (name, (file, text)) in files {
        for (macro_name, line, _) in self_calling_macros(text)
            .into_iter()
            .filter(|(_, _, guarded)| !guarded)
        {
            diags.push(Diagnostic::at(
                file,
                Pos::new(line, 1),
                msg!(TEMPLATE_MACRO_LOOP, name = name, call = macro_name),
            ));
        }
    }
    diags.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
    diags
}

/// The chain of includes from `from` back to `to`, if any (`from` first,
/// `to` last).
fn path_back(includes: &BTreeMap<&str, Vec<Include>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = std::collections::HashSet::new();
    while let Some(chain) = stack.pop() {
        let last = chain.last()?.clone();
        if last == to {
            return Some(chain);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for include in includes.get(last.as_str()).into_iter().flatten() {
            for target in &include.targets {
                let mut next = chain.clone();
                next.push(target.clone());
                stack.push(next);
            }
        }
    }
    None
}

/// The tags of a template: (line, the text between `{%` and `%}`).
fn tags(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{%").map(|i| i + from) {
        let Some(end) = text[start + 2..].find("%}").map(|i| i + start + 2) else {
            break;
        };
        let line = text[..start].matches('\n').count() + 1;
        let inner = text[start + 2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        out.push((u32::try_from(line).unwrap_or(u32::MAX), inner));
        from = end + 2;
    }
    out
}

/// The quoted names in `text` (`"a.html"`, `['a.html', "b.html"]`).
fn quoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['"', '\'']) {
        let quote = &rest[i..=i];
        let after = &rest[i + 1..];
        let Some(end) = after.find(quote) else {
            break;
        };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

fn includes(text: &str) -> Vec<Include> {
    tags(text)
        .into_iter()
        .filter_map(|(line, tag)| {
            let args = tag.strip_prefix("include")?;
            // Only what names templates: `ignore missing` adds nothing.
            Some(Include {
                targets: quoted(args),
                line,
            })
        })
        .collect()
}

/// Macros whose body calls themselves (`self::name(`), each with its line
/// and whether a condition (`if`) in the body may stop it: one without
/// can never stop; one with may still not (found while rendering, see
/// [`crate::render::guard`]).
fn self_calling_macros(text: &str) -> Vec<(String, u32, bool)> {
    let mut out = Vec::new();
    let all = tags(text);
    let mut open: Option<(String, u32, usize)> = None;
    for (line, tag) in &all {
        if let Some(rest) = tag.strip_prefix("macro ") {
            let name = rest.split('(').next().unwrap_or("").trim().to_string();
            let at = text
                .match_indices(&format!("macro {name}"))
                .next()
                .map_or(0, |(i, _)| i);
            open = Some((name, *line, at));
        } else if tag.starts_with("endmacro") {
            if let Some((name, line, at)) = open.take() {
                let end = text[at..].find("endmacro").map_or(text.len(), |i| i + at);
                let body = &text[at..end];
                let calls_itself = body.contains(&format!("self::{name}("));
                let has_condition = tags(body).iter().any(|(_, t)| t.starts_with("if "));
                if calls_itself {
                    out.push((name, line, has_condition));
                }
            }
        }
    }
    out
}

/// Every macro that calls itself, guarded or not, as staff read it
/// (`«voce» (templates/macros.html:1)`), sorted: where to look when a
/// render recurses until the stack runs out.
pub fn recursive_macros(files: &HashMap<String, (PathBuf, String)>) -> Vec<String> {
    let mut out: Vec<String> = files
        .values()
        .flat_map(|(file, text)| {
            self_calling_macros(text)
                .into_iter()
                .map(move |(name, line, _)| format!("{name} ({}:{line})", file.display()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> HashMap<String, (PathBuf, String)> {
        list.iter()
            .map(|(n, t)| {
                (
                    (*n).to_string(),
                    (PathBuf::from(format!("templates/{n}")), (*t).to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn include_rings_and_endless_macros_are_found() {
        let found = check(&files(&[
            ("page.html", "<p>\n{% include \"page.html\" %}"),
            ("a.html", "{%- include \"b.html\" -%}"),
            ("b.html", "x\n{% include ['c.html', \"a.html\"] ignore missing %}"),
            ("c.html", "ok"),
            (
                "macros.html",
                "{% macro giu(n) %}{{ self::giu(n=n) }}{% endmacro %}\n{% macro albero(v) %}{% if v.figli %}{{ self::albero(v=v.figli) }}{% endif %}{% endmacro %}",
            ),
        ]));
        let shown: Vec<String> = found
            .iter()
            .map(|d| d.render(crate::report::messages::Lang::En))
            .collect();
        assert_eq!(
            recursive_macros(&files(&[(
                "macros.html",
                "{% macro giu(n) %}{{ self::giu(n=n) }}{% endmacro %}\n{% macro albero(v) %}{% if v.figli %}{{ self::albero(v=v.figli) }}{% endif %}{% endmacro %}",
            )])),
            [
                "albero (templates/macros.html:2)",
                "giu (templates/macros.html:1)"
            ]
        );
        assert_eq!(
            shown,
            [
                "templates/a.html:1:1: error: template `a.html` includes itself (a.html → b.html → a.html): it would never finish; remove the include",
                "templates/b.html:2:1: error: template `b.html` includes itself (b.html → a.html → b.html): it would never finish; remove the include",
                "templates/macros.html:1:1: error: macro `giu` of template `macros.html` always calls itself, with no condition (if) to stop it: it would never finish; add one or remove the call",
                "templates/page.html:2:1: error: template `page.html` includes itself (page.html → page.html): it would never finish; remove the include",
            ]
        );
    }
}

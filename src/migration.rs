//! A site moved from Hugo or Jekyll repeats the same few problems on every
//! page (`layout:` and `tags:` in front matter, the same shortcode): two
//! thousand identical lines hide what there is to do. When one kind of
//! problem appears in many pages, its lines become one line that says how
//! many pages, which names, how often, and what to change.

use crate::diagnostic::{Diagnostic, GroupKind, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A kind of problem found in more pages than this is told in one line.
pub const PAGES: usize = 10;

/// How many names a grouped line lists before "and N more".
const NAMES: usize = 8;

/// Replaces the problems of each groupable kind that appears in more than
/// [`PAGES`] pages (or files) by one line about `content/`; everything else is kept.
pub fn group(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut pages: BTreeMap<GroupKind, BTreeSet<PathBuf>> = BTreeMap::new();
    for d in &diags {
        if let Some(g) = &d.group {
            pages.entry(g.kind).or_default().insert(d.file.clone());
        }
    }
    pages.retain(|_, files| files.len() > PAGES);
    if pages.is_empty() {
        return diags;
    }
    let (grouped, mut kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
        diags.into_iter().partition(|d| {
            d.group
                .as_ref()
                .is_some_and(|g| pages.contains_key(&g.kind))
        });
    for (kind, files) in pages {
        let of_kind: Vec<&Diagnostic> = grouped
            .iter()
            .filter(|d| d.group.as_ref().is_some_and(|g| g.kind == kind))
            .collect();
        // Name → pages where it appears.
        let mut names: BTreeMap<&str, BTreeSet<&PathBuf>> = BTreeMap::new();
        for d in &of_kind {
            if let Some(g) = &d.group {
                names.entry(g.name.as_str()).or_default().insert(&d.file);
            }
        }
        let mut counted: Vec<(&str, usize)> = names.iter().map(|(n, f)| (*n, f.len())).collect();
        counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut list: Vec<String> = counted
            .iter()
            .take(NAMES)
            .map(|(n, c)| format!("{n} ({c})"))
            .collect();
        if counted.len() > NAMES {
            list.push(format!("and {} more", counted.len() - NAMES));
        }
        let example = of_kind
            .iter()
            .min_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)))
            .map(ToString::to_string)
            .unwrap_or_default();
        let n = files.len();
        let list = list.join(", ");
        let message = match kind {
            GroupKind::UnknownField => format!(
                "{n} pages use front-matter fields ambito does not know: {list}; move them under `extra:` (declared in site.yaml where the section has a schema) or remove them. For example: {example}"
            ),
            GroupKind::UnknownExtraField => format!(
                "{n} pages use `extra:` fields not in their section's schema: {list}; declare them in site.yaml or remove them. For example: {example}"
            ),
            GroupKind::MissingTemplate => format!(
                "{n} pages need templates missing from the theme and templates/: {list}; set a `theme` in site.yaml or add them to templates/ (another generator's layouts/ are not read). For example: {example}"
            ),
            GroupKind::StrayFile => format!(
                "{n} files in content/ are not published (only pages and the files of page bundles are): {list}; move them to static/ or into the folder of the page that uses them, beside an index.md. For example: {example}"
            ),
            GroupKind::Leftover => format!(
                "{n} pages contain syntax of other generators, published as written: {list}; replace it with Markdown (links: [text](@/section/page.md)). For example: {example}"
            ),
        };
        let severity = of_kind
            .iter()
            .map(|d| d.severity)
            .min()
            .unwrap_or(Severity::Warning);
        let summary = Diagnostic::file("content", message);
        kept.push(if severity == Severity::Error {
            summary
        } else {
            summary.warning()
        });
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;

    fn unknown(file: &str, field: &str) -> Diagnostic {
        Diagnostic::at(file, Pos::new(2, 1), format!("unknown field `{field}`"))
            .grouped(GroupKind::UnknownField, field)
    }

    #[test]
    fn many_pages_with_one_kind_of_problem_make_one_line() {
        let mut diags: Vec<Diagnostic> = (0..12)
            .flat_map(|i| {
                let file = format!("content/p{i:02}.md");
                let mut d = vec![unknown(&file, "layout")];
                if i % 2 == 0 {
                    d.push(unknown(&file, "tags"));
                }
                d
            })
            .collect();
        diags.push(Diagnostic::at("content/x.md", Pos::new(1, 1), "other"));
        let out = group(diags);
        let lines: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "content/x.md:1:1: error: other",
                "content: error: 12 pages use front-matter fields ambito does not know: layout (12), tags (6); move them under `extra:` (declared in site.yaml where the section has a schema) or remove them. For example: content/p00.md:2:1: error: unknown field `layout`",
            ]
        );
    }

    #[test]
    fn a_few_pages_keep_their_own_lines() {
        let diags: Vec<Diagnostic> = (0..PAGES)
            .map(|i| unknown(&format!("content/p{i}.md"), "layout"))
            .collect();
        assert_eq!(group(diags.clone()), diags);
    }
}

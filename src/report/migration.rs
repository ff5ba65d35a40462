//! A site moved from Hugo or Jekyll repeats the same few problems on every
//! page (`layout:` and `tags:` in front matter, the same shortcode): two
//! thousand identical lines hide what there is to do. When one kind of
//! problem appears in many pages, its lines become one line that says how
//! many pages, which names, how often, and what to change.

use crate::msg;
use crate::report::diagnostic::{Diagnostic, GroupKind, Severity};
use crate::report::messages::Message;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A kind of problem found in more pages than this is told in one line.
pub const PAGES: usize = 10;

/// How many names a grouped line lists before "and N more".
const NAMES: usize = 8;

/// Replaces the problems of each groupable kind that appears in more than
/// [`PAGES`] pages (or files) by one line about `content/`; everything else is kept.
pub fn group(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    same_problem(by_kind(diags))
}

/// Groups the problems of the kinds [`GroupKind`] names.
fn by_kind(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
        let list = counted
            .iter()
            .take(NAMES)
            .map(|(n, c)| format!("{n} ({c})"))
            .collect::<Vec<String>>()
            .join(", ");
        let mut list = msg!(VERBATIM, text = list);
        if counted.len() > NAMES {
            list = msg!(GROUP_AND_MORE, list = list, more = counted.len() - NAMES);
        }
        let example = of_kind
            .iter()
            .min_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)))
            .map_or_else(Message::empty, |d| d.as_message());
        let n = files.len();
        let message = match kind {
            GroupKind::UnknownField => {
                msg!(GROUP_UNKNOWN_FIELD, n = n, list = list, example = example)
            }
            GroupKind::UnknownExtraField => {
                msg!(
                    GROUP_UNKNOWN_EXTRA_FIELD,
                    n = n,
                    list = list,
                    example = example
                )
            }
            GroupKind::MissingTemplate => {
                msg!(
                    GROUP_MISSING_TEMPLATE,
                    n = n,
                    list = list,
                    example = example
                )
            }
            GroupKind::StrayFile => msg!(GROUP_STRAY_FILE, n = n, list = list, example = example),
            GroupKind::Leftover => msg!(GROUP_LEFTOVER, n = n, list = list, example = example),
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

/// Any other problem, the same (one catalogue entry, one severity) in
/// more than [`PAGES`] pages of `content/`: one line with an example and
/// the pages (a missing title, a missing description, a broken link).
fn same_problem(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    type Key = (&'static str, Severity);
    let key = |d: &Diagnostic| -> Option<Key> {
        let in_content = d.file.starts_with("content") && d.file != std::path::Path::new("content");
        (d.group.is_none() && in_content).then(|| (d.message.entry().id, d.severity))
    };
    let mut pages: BTreeMap<Key, BTreeSet<PathBuf>> = BTreeMap::new();
    for d in &diags {
        if let Some(k) = key(d) {
            pages.entry(k).or_default().insert(d.file.clone());
        }
    }
    pages.retain(|_, files| files.len() > PAGES);
    if pages.is_empty() {
        return diags;
    }
    let (grouped, mut kept): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
        .into_iter()
        .partition(|d| key(d).is_some_and(|k| pages.contains_key(&k)));
    for ((id, severity), files) in pages {
        let example = grouped
            .iter()
            .filter(|d| key(d) == Some((id, severity)))
            .min_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)))
            .map_or_else(Message::empty, Diagnostic::as_message);
        let names: Vec<String> = files
            .iter()
            .take(NAMES)
            .map(|f| f.display().to_string())
            .collect();
        let mut list = msg!(VERBATIM, text = names.join(", "));
        if files.len() > NAMES {
            list = msg!(GROUP_AND_MORE, list = list, more = files.len() - NAMES);
        }
        let summary = Diagnostic::file(
            "content",
            msg!(
                GROUP_SAME_PROBLEM,
                n = files.len(),
                example = example,
                list = list
            ),
        );
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
    use crate::report::diagnostic::Pos;

    fn unknown(file: &str, field: &str) -> Diagnostic {
        Diagnostic::at(
            file,
            Pos::new(2, 1),
            msg!(UNKNOWN_EXTRA_FIELD, field = field, hint = ""),
        )
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
        diags.push(Diagnostic::at(
            "content/x.md",
            Pos::new(1, 1),
            msg!(VERBATIM, text = "other"),
        ));
        let out = group(diags);
        let lines: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "content/x.md:1:1: error: other",
                "content: error: 12 pages use front-matter fields ambito does not know: layout (12), tags (6); move them under `extra:` (declared in site.yaml where the section has a schema) or remove them. For example: content/p00.md:2:1: error: unknown field `layout` in front matter",
            ]
        );
        assert_eq!(
            out[1].render(crate::report::messages::Lang::It),
            "content: errore: 12 pagine usano campi del front matter che ambito non conosce: layout (12), tags (6); spostali sotto «extra:» (dichiarati in site.yaml se la sezione ha uno schema) o toglili. Per esempio: content/p00.md:2:1: errore: campo sconosciuto «layout»"
        );
    }

    #[test]
    fn any_problem_repeated_in_many_pages_makes_one_line() {
        let diags: Vec<Diagnostic> = (0..12)
            .map(|i| {
                Diagnostic::at(
                    format!("content/p{i:02}.md"),
                    Pos::new(1, 1),
                    msg!(NO_DESCRIPTION),
                )
                .warning()
            })
            .collect();
        let out = group(diags);
        let lines: Vec<String> = out
            .iter()
            .map(|d| d.render(crate::report::messages::Lang::It))
            .collect();
        assert_eq!(
            lines,
            ["content: avviso: 12 pagine hanno lo stesso problema, per esempio content/p00.md:1:1: avviso: la pagina non ha «description»: motori di ricerca e anteprime dei collegamenti ne mostrano una; aggiungi una frase. Le pagine: content/p00.md, content/p01.md, content/p02.md, content/p03.md, content/p04.md, content/p05.md, content/p06.md, content/p07.md, e altri 4"]
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

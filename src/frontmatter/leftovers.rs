//! Syntax other generators leave in a body: Hugo shortcodes (`{{< … >}}`,
//! `{{% … %}}`), Jekyll/Liquid tags (`{% … %}`), template variables and
//! functions (`{{ site.title }}`, Zola's `{{ resize_image() }}`) and kramdown attribute
//! lists (`{: .class}`). ambito does not run them, so they would be
//! published as literal text (and a Jekyll `{% link %}` would be a dead
//! link): each is a warning at its line, with what to write instead.
//! Code blocks and code spans are skipped: there such text is an example.

use crate::msg;
use crate::report::diagnostic::{Diagnostic, GroupKind, Pos};
use crate::report::messages::{self, Entry, Message};
use std::path::Path;

/// The openings looked for, the closing that ends each, and what it is.
const KINDS: &[(&str, &str, &Entry)] = &[
    ("{{<", ">}}", &messages::LEFTOVER_HUGO),
    ("{{%", "%}}", &messages::LEFTOVER_HUGO),
    // Liquid's `{{ site.title }}`, `{{ page.title }}`, Zola's
    // `{{ resize_image(…) }}`: no template runs on a body.
    ("{{", "}}", &messages::LEFTOVER_VARIABLE),
    ("{%", "%}", &messages::LEFTOVER_JEKYLL),
    ("{:", "}", &messages::LEFTOVER_KRAMDOWN),
];

/// Finds every leftover in `body`, the part of `file` that starts at line
/// `first_line`, in order: each a warning at its line and column, grouped
/// by its kind's name (`{{< youtube >}}`, `{% link %}`, `{: }`).
pub fn find(file: &Path, body: &str, first_line: u32) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Most bodies have no `{` at all.
    if !body.contains('{') {
        return found;
    }
    // The fence that opened the code block we are in (``` or ~~~, with its length).
    let mut fence: Option<(u8, usize)> = None;
    for (n, line) in body.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let run = |c: u8| trimmed.bytes().take_while(|&b| b == c).count();
        if let Some((c, len)) = fence {
            if indent < 4 && run(c) >= len && trimmed[run(c)..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if indent < 4 {
            if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
                fence = Some((c, run(c)));
                continue;
            }
        }
        // Indented code.
        if indent >= 4 || line.starts_with('\t') || !line.contains('{') {
            continue;
        }
        for (column, message, name) in in_line(line) {
            let pos = Pos::new(n as u32 + first_line, column);
            found.push(
                Diagnostic::at(file, pos, message)
                    .warning()
                    .grouped(GroupKind::Leftover, name),
            );
        }
    }
    found
}

/// Every leftover in a line outside code spans, in order: its column,
/// message and name.
fn in_line(line: &str) -> Vec<(u32, Message, String)> {
    let mut found = Vec::new();
    let mut in_code = false;
    // The byte where the last leftover found ends: what is inside it is its own.
    let mut after = 0;
    for (i, c) in line.char_indices() {
        if i < after {
            continue;
        }
        if c == '`' {
            in_code = !in_code;
            continue;
        }
        if in_code || c != '{' {
            continue;
        }
        let rest = &line[i..];
        for (open, close, what) in KINDS {
            if !rest.starts_with(open) {
                continue;
            }
            let Some(end) = rest[open.len()..].find(close) else {
                continue;
            };
            let written = &rest[..open.len() + end + close.len()];
            let column = line[..i].chars().count() as u32 + 1;
            let word = written[open.len()..]
                .split_whitespace()
                .next()
                .filter(|w| !w.starts_with(close) && *open != "{:")
                .map_or_else(String::new, |w| format!("{w} "));
            let name = format!("{open} {word}{close}");
            found.push((column, describe(written, what), name));
            after = i + written.len();
            break;
        }
    }
    found
}

fn describe(written: &str, what: &'static Entry) -> Message {
    let inner = written.trim_matches(|c: char| "{}<>%:".contains(c)).trim();
    let name = inner.split_whitespace().next().unwrap_or("");
    let shown: String = if written.chars().count() > 40 {
        format!("{}…", written.chars().take(39).collect::<String>())
    } else {
        written.to_string()
    };
    let advice = match name {
        "ref" | "relref" | "link" | "post_url" => msg!(LEFTOVER_LINK_ADVICE),
        _ if what.id == messages::LEFTOVER_KRAMDOWN.id => msg!(LEFTOVER_KRAMDOWN_ADVICE),
        _ => msg!(LEFTOVER_ADVICE),
    };
    msg!(
        LEFTOVER,
        what = Message::new(what),
        shown = shown,
        advice = advice
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::messages::Lang;

    #[test]
    fn template_variables_and_functions_are_leftovers() {
        let found = find("Il sito {{ site.title }}.\n\n{{ page.title }} e {{ resize_image(path=\"a.jpg\") }}\n`{{ in codice }}`\n");
        assert_eq!(at(&found), [(1, 9), (3, 1), (3, 20)]);
        assert_eq!(
            found[0].message.render(Lang::It),
            "una variabile o funzione di modello (Jekyll, Zola) di un altro generatore, «{{ site.title }}»: verrebbe pubblicato così com'è: sostituiscilo con Markdown o toglilo"
        );
    }

    fn find(body: &str) -> Vec<Diagnostic> {
        super::find(Path::new("a.md"), body, 1)
    }

    fn at(found: &[Diagnostic]) -> Vec<(u32, u32)> {
        found
            .iter()
            .filter_map(|d| d.pos.map(|p| (p.line, p.column)))
            .collect()
    }

    fn names(found: &[Diagnostic]) -> Vec<&str> {
        found
            .iter()
            .filter_map(|d| d.group.as_ref().map(|g| g.name.as_str()))
            .collect()
    }

    #[test]
    fn finds_each_kind_at_its_line_and_column() {
        let body = "Testo.\n\n{{< figure src=\"a.png\" >}}\nVedi {% link _posts/x.md %} e {{% nota %}}.\n{: .classe}\n";
        let found = find(body);
        assert_eq!(at(&found), [(3, 1), (4, 6), (4, 31), (5, 1)]);
        assert!(found.iter().all(|d| !d.is_error()));
        let en = |i: usize| found[i].message.render(Lang::En);
        assert_eq!(
            en(0),
            "a Hugo shortcode from another generator, `{{< figure src=\"a.png\" >}}`: it would be published as written: replace it with Markdown or remove it"
        );
        assert_eq!(
            en(1),
            "a Jekyll (Liquid) tag from another generator, `{% link _posts/x.md %}`: write the link in Markdown to the page's file: [text](@/section/page.md)"
        );
        assert!(en(2).starts_with("a Hugo shortcode"));
        assert!(en(3).starts_with("a kramdown attribute list"));
        assert_eq!(
            found[1].message.render(Lang::It),
            "un tag Jekyll (Liquid) di un altro generatore, «{% link _posts/x.md %}»: scrivi il collegamento in Markdown verso il file della pagina: [testo](@/sezione/pagina.md)"
        );
        assert!(found[3]
            .message
            .render(Lang::It)
            .ends_with("toglilo, oppure dai un id a un titolo scrivendo {#id}"));
        assert_eq!(
            names(&found),
            ["{{< figure >}}", "{% link %}", "{{% nota %}}", "{: }"]
        );
        // Lines count from where the body starts in the file.
        let shifted = super::find(Path::new("a.md"), body, 5);
        assert_eq!(at(&shifted)[0], (7, 1));
    }

    #[test]
    fn every_leftover_of_a_line_is_found() {
        let body =
            "Vedi {{< figure src=\"a.png\" >}} e {% link _posts/x.md %}, `{% no %}` {: .c}\n";
        let found = find(body);
        assert_eq!(at(&found), [(1, 6), (1, 35), (1, 70)]);
        assert_eq!(names(&found), ["{{< figure >}}", "{% link %}", "{: }"]);
        // What is inside a leftover is not a second one.
        let found = find("{{% nota {% x %} %}}\n");
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn code_and_ordinary_braces_are_not_leftovers() {
        let body = "```\n{{< figure >}}\n```\n\n    {% raw %}\n\nUsa `{{< ref >}}` così.\n\nUn insieme {a, b} e {x: 1}.\n~~~~\n{% x %}\n~~~\n{% y %}\n~~~~\n";
        assert!(find(body).is_empty());
        assert!(find("Nessuna graffa.").is_empty());
        // An opening without its closing is just text.
        assert!(find("{{< non chiuso\n").is_empty());
    }
}

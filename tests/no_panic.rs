//! No input makes the front-matter splitter, the YAML and TOML readers, the schema
//! checker or the Markdown scanner panic: property tests over arbitrary
//! text and over text shaped like front matter.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ambito::frontmatter::{front_matter, leftovers};
use ambito::report::diagnostic::Pos;
use ambito::schema::config::SiteConfig;
use ambito::schema::sections as schema;
use ambito::text::markdown;
use proptest::prelude::*;
use std::path::Path;

/// Lines that look like front matter: fences, keys, lists, quotes, tabs,
/// anchors and aliases, broken indentation, multi-byte text.
fn front_matter_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("---".to_string()),
        Just("...".to_string()),
        Just("title: Barga".to_string()),
        Just("extra:".to_string()),
        Just("  istat: \"046003\"".to_string()),
        Just("  servizi: [a, b".to_string()),
        Just("date: 2022-02-30".to_string()),
        Just("aliases:\n  - /x/\n  - 3".to_string()),
        Just("a: &x [1, *x]".to_string()),
        Just("b: *nessuno".to_string()),
        Just("\t: tab".to_string()),
        Just("'non chiusa".to_string()),
        Just("weight: 99999999999999999999999".to_string()),
        "[a-z]{1,8}: [^\n]{0,20}",
        "[ \t]{0,4}[-:?|>{}\\[\\],&*!%@`'\"#àèé]{0,6}[^\n]{0,10}",
    ];
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

/// Lines that look like TOML front matter: tables, arrays, dates, quotes,
/// repeated keys, broken brackets, multi-byte text.
fn toml_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("+++".to_string()),
        Just("title = \"Barga\"".to_string()),
        Just("date = 2022-07-21T25:99:00Z".to_string()),
        Just("date = 2022-02-30".to_string()),
        Just("[extra]".to_string()),
        Just("[[extra.x]]".to_string()),
        Just("istat = \"046003\"".to_string()),
        Just("servizi = [\"a\", \"b\"".to_string()),
        Just("n = 0x7fffffffffffffffff".to_string()),
        Just("f = 1e999".to_string()),
        Just("aliases = [\"/x/\", 3]".to_string()),
        Just("title = '''".to_string()),
        Just("a.b.c = { d = [1, {e = 2}] }".to_string()),
        "[a-z]{1,8} = [^\n]{0,20}",
        "[ \t]{0,4}[-=\\[\\]{}.,'\"#àèé+]{0,6}[^\n]{0,10}",
    ];
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

fn schema_for_tests() -> schema::Schema {
    let cfg = SiteConfig::parse(
        "title: T\nbase_url: https://e.org/\nsections:\n  comuni:\n    fields:\n      istat: {type: string, required: true}\n      servizi: {type: list, of: reference, section: servizi}\n      n: {type: integer}\n      d: {type: date}\n      e: {type: email}\n      s: {type: string, values: [a, b]}\n",
        Path::new("site.yaml"),
    )
    .expect("config");
    let (mut schemas, diags) = schema::compile(
        &cfg.sections,
        &["comuni".into(), "servizi".into()],
        Path::new("site.yaml"),
    );
    assert!(diags.is_empty());
    schemas
        .remove("comuni")
        .and_then(|s| s.pages)
        .expect("schema")
}

fn exercise(text: &str, schema: &schema::Schema) {
    let file = Path::new("content/a.md");
    if let Ok(split) = front_matter::split(text, file) {
        let (meta, problems) = front_matter::parse(&split, file);
        for p in &problems {
            assert!(
                p.pos.is_some_and(|p| p.line >= 1),
                "positions are 1-based: {p:?}"
            );
        }
        if let Some(meta) = meta {
            let checked = schema::check(
                Some(schema),
                meta.extra.as_ref(),
                &split.yaml_source(file),
                Pos::new(1, 1),
            );
            for d in &checked.problems {
                assert!(d.pos.is_some_and(|p| p.line >= 1), "{d:?}");
            }
        }
        for l in leftovers::find(file, split.body, split.body_line) {
            assert!(
                l.pos
                    .is_some_and(|p| p.line >= split.body_line && p.column >= 1),
                "{l:?}"
            );
        }
        let scan = markdown::scan(split.body);
        let _ = markdown::render(split.body, &scan.headings, "", &|_, _| None);
        assert!(scan.links.iter().all(|l| l.offset <= split.body.len()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        exercise(&text, &schema_for_tests());
    }

    #[test]
    fn front_matter_shaped_text_never_panics(fm in front_matter_like(), body in "[^\u{0}]{0,80}") {
        let text = format!("---\n{fm}\n---\n{body}");
        exercise(&text, &schema_for_tests());
    }

    #[test]
    fn toml_shaped_text_never_panics(fm in toml_like(), body in "[^\u{0}]{0,80}") {
        let text = format!("+++\n{fm}\n+++\n{body}");
        exercise(&text, &schema_for_tests());
    }

    #[test]
    fn arbitrary_text_as_toml_front_matter_never_panics(fm in "\\PC{0,200}") {
        exercise(&format!("+++\n{fm}\n+++\n"), &schema_for_tests());
    }

    #[test]
    fn dates_and_times_never_panic(text in "[0-9T:+\\-Zz .à]{0,40}", any in "\\PC{0,40}") {
        for t in [&text, &any, &format!("2022-07-21{text}")] {
            if let Ok(d) = ambito::text::date::Date::parse(t) {
                // What is accepted prints back as something accepted.
                prop_assert!(ambito::text::date::Date::parse(&d.to_string()).is_ok(), "{t} -> {d}");
            }
        }
    }

    #[test]
    fn arbitrary_bytes_as_lossy_text_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        exercise(&format!("---\n{text}\n---\n"), &schema_for_tests());
    }
}

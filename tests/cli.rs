//! `ambito --help` speaks the staff's language: every description, heading
//! and placeholder in Italian by default, in English on request.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The help of the command and of each subcommand, run from an empty
/// folder (no site.yaml: the default language) with `env`.
fn helps(env: &[(&str, &str)], extra: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let mut all = Vec::new();
    for sub in [
        None,
        Some("build"),
        Some("check"),
        Some("new"),
        Some("serve"),
        Some("cms"),
    ] {
        let mut args: Vec<&str> = sub.into_iter().collect();
        // The top level has no --root: it reads the site.yaml where it
        // runs (the shipped site's, in Italian).
        if sub.is_some() {
            args.extend(["--root", root]);
        }
        args.push("--help");
        args.extend(extra);
        let out = ambito_env(&args, env);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        all.push(stdout(&out));
    }
    all
}

/// Every option and argument line has a description after its name.
fn every_line_described(help: &str) {
    for line in help
        .lines()
        .filter(|l| l.trim_start().starts_with(['-', '<']))
    {
        let described = line
            .trim_start()
            .split_once("  ")
            .is_some_and(|(_, d)| !d.trim().is_empty());
        assert!(described, "no description: {line:?}\n{help}");
    }
}

#[test]
fn help_is_in_italian_by_default() {
    let helps = helps(&[], &[]);
    for help in &helps {
        every_line_described(help);
        assert!(help.contains("Uso: ambito"), "{help}");
        assert!(help.contains("Opzioni:"), "{help}");
        assert!(help.contains("-h, --help") && help.contains("Mostra questo aiuto"));
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "Arguments:",
            "Print help",
            "[default:",
        ] {
            assert!(!help.contains(english), "{english:?} in\n{help}");
        }
    }
    assert!(helps[0].contains("Comandi:\n  build  Costruisce il sito"));
    assert!(helps[1].contains("--strict") && helps[1].contains("Tratta gli avvisi come errori"));
    assert!(helps[3].contains("Uso: ambito new [OPZIONI] <SEZIONE> <NOME>"));
    assert!(helps[3].contains("Argomenti:\n  <SEZIONE>"));
    assert!(helps[4].contains("--port <PORTA>") && helps[4].contains("(predefinita: 1111)"));
    assert!(helps[4].contains("--admin") && helps[4].contains("editor web su /admin/"));
    assert!(
        helps[5].contains("--backend <FORGIA>")
            && helps[5].contains("gitea (anche Forgejo) o gitlab")
    );
}

#[test]
fn help_is_in_english_on_request() {
    for (env, extra) in [
        (&[("LANG", "en_GB.UTF-8")][..], &[][..]),
        (&[][..], &["--lang", "en"][..]),
    ] {
        for help in helps(env, extra) {
            every_line_described(&help);
            assert!(help.contains("Usage: ambito"), "{help}");
            assert!(help.contains("Print this help"), "{help}");
            assert!(!help.contains("Opzioni"), "{help}");
        }
    }
}

#[test]
fn help_subcommand_and_version_still_work() {
    let out = ambito_it(&["help", "build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Uso: ambito build [OPZIONI]"));
    let out = ambito_it(&["--version"]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("ambito "));
    // Without a command: the help, as clap shows it, in Italian.
    let out = ambito_it(&[]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Comandi:")
            || stdout(&out).contains("Comandi:")
    );
}

//! The README's forms commands, taken from its fenced block and run as
//! written on a fresh copy of the repository with no configuration, with
//! the real binaries: build the site into `public/`, `ambito-forms serve`
//! from the same folder, and the preview; a post from the preview's page
//! is accepted, stored in `data/` and mailed as `.eml` files, all private
//! to the owner. Only the ports change (1111 and 8080 may be taken on a
//! shared test machine), and `--release` is dropped (the binaries of this
//! test run are the debug ones).

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// One line of the README's block: which program, with which arguments.
#[derive(Debug)]
struct Step {
    /// `None`: the root package (`ambito`); `Some("ambito-forms")`.
    package: Option<String>,
    args: Vec<String>,
}

/// The fenced block right under "## The forms service", each line
/// `cargo run --release [-p PACKAGE] -- ARGS  # comment`.
fn readme_steps() -> Vec<Step> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## The forms service (`ambito-forms`)")
        .nth(1)
        .expect("README has the forms service section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section starts with a sh block");
    block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let command = line.split(" #").next().unwrap();
            let words: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(&words[..3], ["cargo", "run", "--release"], "{line}");
            let (package, rest) = match words[3] {
                "-p" => (Some(words[4].to_string()), &words[5..]),
                _ => (None, &words[3..]),
            };
            assert_eq!(rest.first(), Some(&"--"), "{line}");
            Step {
                package,
                args: rest[1..].iter().map(|w| (*w).to_string()).collect(),
            }
        })
        .collect()
}

/// The generator's binary, built (or found fresh) in this test's target
/// folder: this package's tests only build `ambito-forms`.
fn ambito_binary() -> PathBuf {
    let forms = Path::new(env!("CARGO_BIN_EXE_ambito-forms"));
    let profile_dir = forms.parent().unwrap();
    let target = profile_dir.parent().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let built = Command::new(env!("CARGO"))
        .args(["build", "--locked", "--bin", "ambito", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    profile_dir.join("ambito")
}

#[test]
fn the_readme_forms_commands_work_on_a_fresh_copy() {
    let steps = readme_steps();
    assert_eq!(steps.len(), 3, "{steps:?}");
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let ambito = ambito_binary();
    // Held until each program starts (see `Reserved`).
    let (mut preview_reserved, mut service_reserved) = (Some(reserve_port()), Some(reserve_port()));
    let (preview_port, service_port) = (
        preview_reserved.as_ref().unwrap().port,
        service_reserved.as_ref().unwrap().port,
    );
    let mut running = Vec::new();
    for step in &steps {
        let args: Vec<String> = step
            .args
            .iter()
            .map(|a| a.replace("1111", &preview_port.to_string()))
            .collect();
        let program = match step.package.as_deref() {
            None => ambito.clone(),
            Some("ambito-forms") => PathBuf::from(env!("CARGO_BIN_EXE_ambito-forms")),
            Some(other) => panic!("unknown package {other}"),
        };
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            // The preview's folder under the test's: it is killed, so it
            // cannot remove the folder itself.
            .env("TMPDIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match (step.package.as_deref(), args.first().map(String::as_str)) {
            (None, Some("build")) => {
                let out = cmd.stderr(Stdio::piped()).output().unwrap();
                assert!(out.status.success(), "{args:?}: {out:?}");
                assert!(dir.path().join("public").is_dir());
            }
            (None, Some("serve")) => {
                // The preview, on the port the build was given.
                cmd.args(["--port", &preview_port.to_string()]);
                preview_reserved.take().unwrap().release();
                running.push(KillOnDrop(cmd.spawn().unwrap()));
            }
            (Some(_), Some("serve")) => {
                // No setting at all but the port.
                cmd.env("AMBITO_FORMS_LISTEN", format!("127.0.0.1:{service_port}"));
                service_reserved.take().unwrap().release();
                running.push(KillOnDrop(cmd.spawn().unwrap()));
            }
            _ => panic!("a README step this test does not know: {step:?}"),
        }
    }
    for port in [preview_port, service_port] {
        eventually(60, "the preview and the service listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    // The form as the preview shows it, posting to the service.
    let path = "/partecipa/manifestazione-di-interesse/";
    let mut page = request(preview_port, "GET", path, &[], b"");
    eventually(60, "the preview's first build", || {
        page = request(preview_port, "GET", path, &[], b"");
        page.status == 200 && page.body.contains("<form class=\"modulo\"")
    });
    assert!(
        page.body
            .contains("action=\"http://127.0.0.1:8080/forms/manifestazione-di-interesse\""),
        "{}",
        page.body
    );

    // Sent from the preview's page: accepted. From a page opened from disk
    // (no origin): refused.
    let def = request(
        service_port,
        "GET",
        "/forms/manifestazione-di-interesse",
        &[],
        b"",
    );
    assert_eq!(def.status, 200, "{def:?}");
    let preview_origin = format!("http://127.0.0.1:{preview_port}");
    let post = |origin: &str, name: &str| {
        request(
            service_port,
            "POST",
            "/forms/manifestazione-di-interesse",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", origin),
            ],
            valid_form(name).as_bytes(),
        )
    };
    assert_eq!(post("null", "Ente dal disco").status, 403);
    let r = post(&preview_origin, "Ente dal README");
    assert_eq!(r.status, 303, "{r:?}");
    let receipt = request(service_port, "GET", r.header("location").unwrap(), &[], b"");
    assert_eq!(receipt.status, 200);

    let data = dir.path().join("data");
    let mail = data.join("outbox-mail");
    eventually(30, "two .eml files", || {
        files_in(&mail)
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "eml"))
            .count()
            == 2
    });
    // Personal data: files 0600, folders 0700.
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&mail), 0o700);
    for f in files_in(&data).iter().chain(files_in(&mail).iter()) {
        if f.is_file() {
            assert_eq!(mode(f), 0o600, "{}", f.display());
        }
    }
    assert!(data.join("forms.sqlite3-wal").exists(), "WAL checked too");
}

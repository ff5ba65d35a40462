//! The README's forms commands, run on a fresh copy of the repository with
//! no configuration: build the site into `public/`, then `ambito-forms
//! serve` from the same folder finds the form, stores into `data/` and
//! writes the mail as `.eml` files, all private to the owner.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_readme_forms_commands_work_on_a_fresh_copy() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // `cargo run --release -- build`: the generator's default output.
    ambito::build(&ambito::BuildOptions::new(dir.path())).expect("the site builds");
    assert!(dir.path().join("public").is_dir());

    // `cargo run --release -p ambito-forms -- serve`, from the copy's root,
    // with no setting at all but the port (8080 may be taken on a shared
    // test machine).
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ambito-forms"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("AMBITO_FORMS_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = KillOnDrop(child);
    eventually(30, "the service listens", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });

    let def = request(port, "GET", "/forms/manifestazione-di-interesse", &[], b"");
    assert_eq!(def.status, 200, "{def:?}");
    // The site's origin is the one of site.yaml's base_url, by default.
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Origin", "https://www.example.org"),
    ];
    let r = request(
        port,
        "POST",
        "/forms/manifestazione-di-interesse",
        &form,
        valid_form("Ente dal README").as_bytes(),
    );
    assert_eq!(r.status, 303, "{r:?}");
    let receipt = request(port, "GET", r.header("location").unwrap(), &[], b"");
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

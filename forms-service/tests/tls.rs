//! Mail over STARTTLS and TLS to a real local SMTP server (aiosmtpd) with
//! a certificate from a private CA that the test creates with openssl
//! (installed by scripts/test-deps); `AMBITO_FORMS_SMTP_CA_FILE` makes the
//! service trust it. Credentials never travel or print in clear.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (scripts/test-deps)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a server certificate for 127.0.0.1 signed by it.
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Prova CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
    );
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

fn pending_errors(service: &Service) -> String {
    String::from_utf8(service.cli(&["list", "--status", "pending"]).stdout).unwrap()
}

#[test]
fn starttls_and_tls_deliver_to_a_server_trusted_through_the_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let (cert, key, ca) = (
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
        ca.to_str().unwrap(),
    );

    // STARTTLS (port 587's way).
    let starttls = SmtpServer::start_free_with(
        &dir.path().join("maildir-starttls"),
        &["--tlscert", cert, "--tlskey", key],
    );
    let d1 = dir.path().join("a");
    std::fs::create_dir(&d1).unwrap();
    let service = Service::start(
        &d1,
        starttls.port,
        &[
            ("AMBITO_FORMS_SMTP_TLS", "starttls"),
            ("AMBITO_FORMS_SMTP_CA_FILE", ca),
        ],
    );
    assert_eq!(service.post_form(&valid_form("Ente STARTTLS")).status, 303);
    assert_eq!(
        wait_for_mail(&starttls.maildir, 2).len(),
        2,
        "{}",
        service.log()
    );

    // Without the CA the certificate is not trusted: nothing is sent.
    let d2 = dir.path().join("b");
    std::fs::create_dir(&d2).unwrap();
    let untrusting = Service::start(&d2, starttls.port, &[("AMBITO_FORMS_SMTP_TLS", "starttls")]);
    assert_eq!(
        untrusting.post_form(&valid_form("Ente senza CA")).status,
        303
    );
    eventually(30, "a certificate error recorded", || {
        pending_errors(&untrusting)
            .to_lowercase()
            .contains("certificate")
    });
    assert_eq!(delivered(&starttls.maildir).len(), 2);

    // TLS from the first byte (port 465's way).
    let tls = SmtpServer::start_free_with(
        &dir.path().join("maildir-tls"),
        &["--smtpscert", cert, "--smtpskey", key],
    );
    let d3 = dir.path().join("c");
    std::fs::create_dir(&d3).unwrap();
    let service = Service::start(
        &d3,
        tls.port,
        &[
            ("AMBITO_FORMS_SMTP_TLS", "tls"),
            ("AMBITO_FORMS_SMTP_CA_FILE", ca),
        ],
    );
    assert_eq!(service.post_form(&valid_form("Ente TLS")).status, 303);
    assert_eq!(wait_for_mail(&tls.maildir, 2).len(), 2, "{}", service.log());
}

#[test]
fn credentials_in_clear_refuse_to_start_and_secrets_are_never_printed() {
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ambito-forms"))
            .args(args)
            .env_clear()
            .envs(envs.iter().copied())
            .output()
            .unwrap()
    };
    let out = run(
        &[
            ("AMBITO_FORMS_SMTP_HOST", "127.0.0.1"),
            ("AMBITO_FORMS_SMTP_TLS", "none"),
            ("AMBITO_FORMS_SMTP_USER", "moduli"),
            ("AMBITO_FORMS_SMTP_PASSWORD", "segreto-di-prova"),
            ("AMBITO_FORMS_FROM", "moduli@zona.example.org"),
            ("AMBITO_FORMS_TO", "zona@zona.example.org"),
        ],
        &["serve"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("AMBITO_FORMS_SMTP_TLS"), "{err}");
    assert!(!err.contains("segreto-di-prova"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("forms.toml");
    std::fs::write(
        &file,
        "smtp_host = \"127.0.0.1\"\nsmtp_password = \"segreto-di-prova\n",
    )
    .unwrap();
    let out = run(&[], &["--config", file.to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2"), "{err}");
    assert!(!err.contains("segreto"), "{err}");
}

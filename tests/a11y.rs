//! Accessibility and valid HTML of the real site, proven in a real browser:
//! the site built with the real `ambito` into a temporary folder, the real
//! forms service (`ambito-forms`) behind its form, then
//! - tests/a11y.js (Node, playwright-core driving Debian's Chromium):
//!   axe-core with the WCAG 2.1 A and AA rules on every page at 1280 and
//!   320 px, the EU emblem in the first screen, the form by keyboard with
//!   its script, and without scripts through the service's own pages;
//! - the Nu Html Checker (vnu.jar, on Debian's Java) on every built page
//!   and on the service's 422 and receipt pages.
//!
//! Everything comes from scripts/test-deps (npm packages in tests/node/).

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn node_modules() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/node_modules");
    for package in ["axe-core", "playwright-core", "vnu-jar"] {
        assert!(
            dir.join(package).is_dir(),
            "{package} is missing from {}: run scripts/test-deps",
            dir.display()
        );
    }
    dir
}

/// The forms service's binary, built (or found up to date) by Cargo.
fn forms_service() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "-p",
            "ambito-forms",
            "--bin",
            "ambito-forms",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_ambito")).with_file_name("ambito-forms");
    assert!(bin.is_file(), "{}", bin.display());
    bin
}

/// Copies the real site, pointed at local addresses, and builds it.
fn build_site(dir: &Path, site_port: u16, service_port: u16) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_real_site(dir);
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml
        .replace(
            "base_url: https://www.example.org/",
            &format!("base_url: http://127.0.0.1:{site_port}/"),
        )
        .replace(
            "forms_endpoint: http://127.0.0.1:8080",
            &format!("forms_endpoint: http://127.0.0.1:{service_port}"),
        );
    assert!(yaml.contains(&format!("127.0.0.1:{service_port}")));
    std::fs::write(dir.join("site.yaml"), yaml).unwrap();
    let public = dir.join("public");
    let run = ambito(&[
        "build",
        "--root",
        dir.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    public
}

fn start_service(bin: &Path, dir: &Path, public: &Path, site_port: u16, port: u16) -> Running {
    let child = Command::new(bin)
        .arg("serve")
        .env("AMBITO_FORMS_LISTEN", format!("127.0.0.1:{port}"))
        .env("AMBITO_FORMS_FORMS_DIR", public)
        .env("AMBITO_FORMS_DB", dir.join("data/forms.sqlite3"))
        .env("AMBITO_FORMS_MAIL_DIR", dir.join("data/outbox-mail"))
        .env(
            "AMBITO_FORMS_SITE_ORIGIN",
            format!("http://127.0.0.1:{site_port}"),
        )
        .env("AMBITO_FORMS_LOG", "warn")
        // The keyboard test checks fields as they are left: many posts.
        .env("AMBITO_FORMS_RATE_LIMIT", "1000/min")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ambito-forms starts");
    let service = Running(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the forms service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    service
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn every_page_passes_axe_and_the_html_checker_and_the_form_works_by_keyboard() {
    let modules = node_modules();
    let bin = forms_service();
    let tmp = tempfile::tempdir().unwrap();
    // Held through the build until each server starts (see `Reserved`).
    let (site, service) = (reserve_port(), reserve_port());
    let (site_port, service_port) = (site.port, service.port);
    let public = build_site(tmp.path(), site_port, service_port);
    service.release();
    let _service = start_service(&bin, tmp.path(), &public, site_port, service_port);
    let saved = tmp.path().join("service-pages");
    std::fs::create_dir_all(&saved).unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y.js");
    let started = Instant::now();
    // The script serves the site on this port itself.
    site.release();
    let out = Command::new("node")
        .arg(&script)
        .arg(&public)
        .arg(site_port.to_string())
        .arg(&saved)
        .env("NODE_PATH", &modules)
        .output()
        .expect("node is installed (scripts/test-deps)");
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!(
        "{report}{}(browser checks: {:.0?})",
        String::from_utf8_lossy(&out.stderr),
        started.elapsed()
    );
    assert!(out.status.success(), "accessibility problems:\n{report}");
    assert!(report.contains(" pages × 2 widths = "), "{report}");
    assert!(report.contains("; 0 problems"), "{report}");

    // The Nu Html Checker: every built page, the shells, and the pages the
    // service answered with (the form with errors, the receipt).
    let mut files = html_files(&public);
    let pages = files.len();
    assert!(pages > 40, "only {pages} pages");
    for name in ["servizio-422.html", "servizio-ricevuta.html"] {
        assert!(saved.join(name).is_file(), "{name} was not saved");
        files.push(saved.join(name));
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(modules.join("vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--format", "text"])
        .args(&files)
        .output()
        .expect("java is installed (scripts/test-deps)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !text.contains("error:"),
        "the Nu Html Checker reports errors:\n{text}"
    );
    eprintln!("Nu Html Checker: {} files, no errors", files.len());
}

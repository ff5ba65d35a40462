//! `ambito serve`, as staff use it: the real binary on a copy of a site,
//! pages fetched over TCP, live events read from the server, files edited
//! the way editors save them.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A running `ambito serve` and the lines it prints.
struct Serve {
    child: Child,
    lines: Receiver<String>,
    addr: String,
}

impl Serve {
    fn start(root: &Path, tmp: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ambito"))
            .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
            .env("TMPDIR", tmp)
            // Messages in the site's language (Italian), whatever the machine's locale.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            lines,
            addr: String::new(),
        };
        let line = serve.wait_for("anteprima su ");
        serve.addr = line
            .trim_start_matches("anteprima su http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        serve
    }

    /// Waits for a printed line containing `needle`; returns it.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("ambito serve never printed `{needle}`"),
            }
        }
    }

    /// Lines printed within `quiet` of each other, until it stays quiet.
    fn drain(&self, quiet: Duration) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(quiet) {
            out.push(line);
        }
        out
    }

    fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp
    }

    /// The server's live events (`data:` lines), as they come.
    fn events(&self) -> Receiver<String> {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "GET /__ambito/eventi HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr
        )
        .unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data:") {
                    if tx.send(data.trim().to_string()).is_err() {
                        break;
                    }
                }
            }
        });
        rx
    }

    /// Stops the preview as Ctrl+C does.
    fn interrupt(mut self) -> std::process::ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: signals our own child process, which has not been reaped.
        let sent = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(sent, 0, "cannot signal ambito serve");
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "ambito serve did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn next_event(rx: &Receiver<String>) -> String {
    rx.recv_timeout(WAIT).expect("a live event")
}

/// Saves `text` into `path` as many editors do: a temporary file beside
/// it, then a rename over it.
fn save_like_an_editor(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp-salvataggio");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn the_preview_rebuilds_on_save_shows_problems_and_never_touches_public() {
    let site = copy_fixture("basic");
    let root = site.path();
    // A published site is already there: the preview must leave it alone.
    let published = root.join("public");
    std::fs::create_dir_all(published.join("comuni")).unwrap();
    std::fs::write(published.join("index.html"), "<p>sito pubblicato</p>").unwrap();
    std::fs::write(published.join("comuni/vecchia.html"), "vecchia").unwrap();
    let before = snapshot(&published);
    let tmp = tempfile::tempdir().unwrap();

    let serve = Serve::start(root, tmp.path());
    let page = serve.get("/comuni/barga/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<h1>Barga</h1>"), "{page}");
    assert!(
        page.contains("<script src=\"/__ambito/live.js\" defer></script></body>"),
        "{page}"
    );
    let missing = serve.get("/non-esiste/");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.contains("Pagina non trovata"), "{missing}");
    let script = serve.get("/__ambito/live.js");
    assert!(script.contains("EventSource"), "{script}");

    let events = serve.events();
    assert_eq!(next_event(&events), r#"{"stato":"pronto"}"#);
    serve.drain(Duration::from_millis(300));

    // An edit, saved as editors do: one rebuild, the page changes.
    let barga = root.join("content/comuni/barga.md");
    let original = std::fs::read_to_string(&barga).unwrap();
    save_like_an_editor(
        &barga,
        &original.replace("title: Barga", "title: Barga Vecchia"),
    );
    assert_eq!(next_event(&events), r#"{"stato":"pronto"}"#);
    let printed = serve.drain(Duration::from_millis(1500));
    let rebuilds = printed
        .iter()
        .filter(|l| l.contains("anteprima aggiornata"))
        .count();
    assert_eq!(rebuilds, 1, "one save, one rebuild: {printed:?}");
    assert!(serve
        .get("/comuni/barga/")
        .contains("<h1>Barga Vecchia</h1>"));

    // A typo: the problem reaches the browser, quoted, and the last good
    // preview stays.
    let broken = original
        .replace("title: Barga", "title: Barga Vecchia")
        .replace("istat:", "istta:");
    save_like_an_editor(&barga, &broken);
    let problem = next_event(&events);
    assert!(
        problem
            .starts_with(r#"{"stato":"problemi","problemi":[{"place":"content/comuni/barga.md:"#),
        "{problem}"
    );
    // In Italian, the site's language.
    assert!(
        problem.contains(r#""message":"campo sconosciuto «istta» (forse intendevi «istat»?)""#),
        "{problem}"
    );
    assert!(problem.contains(r#""line":"  istta: "#), "{problem}");
    assert!(serve
        .get("/comuni/barga/")
        .contains("<h1>Barga Vecchia</h1>"));
    serve.wait_for("content/comuni/barga.md:");

    // Fixed: ready again.
    save_like_an_editor(&barga, &original);
    assert_eq!(next_event(&events), r#"{"stato":"pronto"}"#);
    assert!(serve.get("/comuni/barga/").contains("<h1>Barga</h1>"));

    let status = serve.interrupt();
    assert!(status.success(), "{status:?}");
    assert_eq!(snapshot(&published), before, "the preview changed public/");
    assert!(!root.join(".public.staging").exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "the preview's folder was not removed: {left:?}"
    );
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = copy_fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ambito"))
        .args(["serve", "--root", site.path().to_str().unwrap(), "--port"])
        .arg(port.to_string())
        .env("TMPDIR", tmp.path())
        // Messages in the site's language (Italian), whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    let url = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("anteprima su ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
        said.push(line);
    };
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        said.iter()
            .any(|l| l == &format!("la porta {port} è occupata: uso la {}", port + 1)),
        "{said:?}"
    );
    assert_eq!(url, format!("http://127.0.0.1:{}/", port + 1));
}

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
use std::process::{Child, Command};
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
        Serve::start_in(None, &["--root", root.to_str().unwrap()], tmp)
    }

    /// `ambito serve ARGS --port 0`, run from the folder `cwd` (the
    /// test's own when `None`).
    fn start_in(cwd: Option<&Path>, args: &[&str], tmp: &Path) -> Serve {
        let mut command = serve_command(tmp);
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        let mut child = command.args(args).args(["--port", "0"]).spawn().unwrap();
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

/// A test that fails stops its preview too.
impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
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
    serve.wait_for(
        "2 problemi: il browser li mostra; l'anteprima resta all'ultima versione corretta",
    );

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

/// Waits until the page at `path` contains `needle`; returns it.
fn wait_for_page(serve: &Serve, path: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let page = serve.get(path);
        if page.contains(needle) {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed `{needle}`: {page}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An edit of the body, then one of the front matter, each seen in the
/// served page.
fn edits_are_seen(serve: &Serve, site: &Path) {
    let barga = site.join("content/comuni/barga.md");
    let original = std::fs::read_to_string(&barga).unwrap();
    assert!(serve.get("/comuni/barga/").contains("<h1>Barga</h1>"));
    let body = original.replace("Chiedi al Comune.", "Chiedi allo sportello.");
    save_like_an_editor(&barga, &body);
    wait_for_page(serve, "/comuni/barga/", "Chiedi allo sportello.");
    save_like_an_editor(&barga, &body.replace("title: Barga", "title: Barga Nuova"));
    let page = wait_for_page(serve, "/comuni/barga/", "<h1>Barga Nuova</h1>");
    assert!(page.contains("Chiedi allo sportello."), "{page}");
}

#[test]
fn the_readme_command_run_in_the_project_folder_sees_every_edit() {
    // `cd PROGETTO && ambito serve`: the root is `.`, relative.
    let site = copy_fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start_in(Some(site.path()), &[], tmp.path());
    edits_are_seen(&serve, site.path());
    assert!(serve.interrupt().success());

    // `--root .`
    let site = copy_fixture("basic");
    let serve = Serve::start_in(Some(site.path()), &["--root", "."], tmp.path());
    edits_are_seen(&serve, site.path());
    assert!(serve.interrupt().success());

    // `--root ../x`, from a folder beside the site.
    let parent = tempfile::tempdir().unwrap();
    let x = parent.path().join("x");
    copy_dir(&fixture("basic"), &x);
    let beside = parent.path().join("altro");
    std::fs::create_dir(&beside).unwrap();
    let serve = Serve::start_in(Some(&beside), &["--root", "../x"], tmp.path());
    edits_are_seen(&serve, &x);
    assert!(serve.interrupt().success());
}

/// With search on, as the shipped site has it: a body edit takes the quick
/// path (one page rendered), the index catches up a moment later in the
/// background, and the preview tells the search page meanwhile
/// (`/__ambito/indice` and the `indice` live event).
#[test]
fn with_search_a_body_edit_is_quick_and_the_index_catches_up() {
    let site = copy_fixture("basic");
    let root = site.path();
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}\nsearch: true\n")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start_in(Some(root), &[], tmp.path());
    let entry = |serve: &Serve| {
        let response = serve.get("/pagefind/pagefind-entry.json");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        response
    };
    let before = entry(&serve);
    let state = serve.get("/__ambito/indice");
    assert!(state.contains("\"indietro\":false"), "{state}");
    let events = serve.events();
    next_event(&events); // the state now

    let barga = root.join("content/comuni/barga.md");
    let text = std::fs::read_to_string(&barga).unwrap();
    save_like_an_editor(&barga, &format!("{text}\nUna parola nuova: zafferano.\n"));
    wait_for_page(&serve, "/comuni/barga/", "zafferano");
    serve.wait_for("anteprima aggiornata: 1 pagine ");
    serve.wait_for("indice della ricerca aggiornato in ");
    let deadline = Instant::now() + WAIT;
    loop {
        let event = next_event(&events);
        if event.contains("\"inclusi\":1") && event.contains("\"indietro\":false") {
            break;
        }
        assert!(Instant::now() < deadline, "the index never caught up");
    }
    let state = serve.get("/__ambito/indice");
    assert!(state.contains("\"indietro\":false"), "{state}");
    assert!(state.contains("\"inclusi\":1"), "{state}");
    assert_ne!(
        entry(&serve).split("\r\n\r\n").nth(1),
        before.split("\r\n\r\n").nth(1),
        "the index did not change"
    );
    assert!(serve.interrupt().success());
}

/// The search page in a real browser (tests/preview.js): the notice while
/// the index is behind, and an edit found by the search without reloading
/// by hand.
#[test]
fn the_search_page_says_when_its_index_is_behind_and_finds_an_edit() {
    let node_modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/node_modules");
    assert!(
        node_modules.join("playwright-core").is_dir(),
        "playwright-core is missing from {}: run scripts/test-deps",
        node_modules.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("sito");
    copy_real_site(&site);
    let serve = Serve::start_in(Some(&site), &[], tmp.path());
    let out = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/preview.js"))
        .arg(format!("http://{}", serve.addr))
        .arg(&site)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("node is installed (scripts/test-deps)");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{printed}");
    assert!(out.status.success(), "{printed}");
    assert!(serve.interrupt().success());
}

#[test]
fn a_templates_folder_made_while_previewing_is_used() {
    let site = copy_fixture("basic");
    let root = site.path();
    // A site with no templates of its own yet: the theme's are used.
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start(root, tmp.path());
    assert!(serve.get("/comuni/barga/").contains("<h1>Barga</h1>"));

    std::fs::create_dir(root.join("templates")).unwrap();
    // First a mistake in it: reported (one problem, in the singular).
    std::fs::write(root.join("templates/comune.html"), "{% if %}").unwrap();
    serve.wait_for(
        "1 problema: il browser lo mostra; l'anteprima resta all'ultima versione corretta",
    );
    let theme = std::fs::read_to_string(root.join("themes/mini/templates/comune.html")).unwrap();
    let ours = theme.replace(
        "<h1>{{ page.title }}</h1>",
        "<h1>Comune di {{ page.title }}</h1>",
    );
    std::fs::write(root.join("templates/comune.html"), &ours).unwrap();
    wait_for_page(&serve, "/comuni/barga/", "<h1>Comune di Barga</h1>");

    // And the new folder is watched: a later edit in it is seen too.
    std::thread::sleep(Duration::from_millis(200));
    let again = ours.replace("Comune di", "Il comune di");
    std::fs::write(root.join("templates/comune.html"), again).unwrap();
    wait_for_page(&serve, "/comuni/barga/", "<h1>Il comune di Barga</h1>");
    assert!(serve.interrupt().success());
}

#[test]
fn saving_again_and_again_never_shows_a_false_problem() {
    let site = copy_fixture("basic");
    let root = site.path();
    // Enough pages that a build takes a while, so that saves land during one.
    for i in 0..400 {
        let text = format!(
            "---\ntitle: Comune {i}\nextra:\n  istat: \"{i:06}\"\n---\n{}\n",
            "Un paragrafo di testo del comune, con parole.\n\n".repeat(40)
        );
        std::fs::write(root.join(format!("content/comuni/c{i}.md")), text).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start(root, tmp.path());
    let events = serve.events();
    assert_eq!(next_event(&events), r#"{"stato":"pronto"}"#);
    serve.drain(Duration::from_millis(300));

    let barga = root.join("content/comuni/barga.md");
    let original = std::fs::read_to_string(&barga).unwrap();
    // Saves every few milliseconds, each changing the front matter (a
    // full build) and the length of the file.
    for n in 0..60 {
        let title = format!("title: Barga {}", "x".repeat(n));
        std::fs::write(&barga, original.replace("title: Barga", &title)).unwrap();
        std::thread::sleep(Duration::from_millis(3 + (n as u64 % 7) * 4));
    }
    let last = format!("<h1>Barga {}</h1>", "x".repeat(59));
    wait_for_page(&serve, "/comuni/barga/", &last);
    let printed = serve.drain(Duration::from_millis(1500));
    assert!(
        !printed.iter().any(|l| l.contains("cambiato durante")),
        "a false problem was shown: {printed:?}"
    );
    // (A save caught half-written may be a real problem for a moment; a
    // file "changed during the build" never is.)
    while let Ok(event) = events.try_recv() {
        assert!(
            !event.contains("cambiato durante"),
            "a false problem was sent: {event}"
        );
    }
    assert!(serve.interrupt().success());
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = copy_fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let mut child = serve_command(tmp.path())
        .args(["--root", site.path().to_str().unwrap(), "--port"])
        .arg(port.to_string())
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

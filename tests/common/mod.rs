//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture site into a fresh temporary folder, so tests can edit
/// it and write `public/` beside it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), tmp.path());
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Copies the real site (`site.yaml` and its source folders) into `to`.
pub fn copy_real_site(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(to).expect("mkdir");
    std::fs::copy(root.join("site.yaml"), to.join("site.yaml")).expect("copy site.yaml");
    for dir in ["content", "themes", "templates", "static"] {
        if root.join(dir).is_dir() {
            copy_dir(&root.join(dir), &to.join(dir));
        }
    }
}

/// Every file under `dir`: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The locale variables that choose the language of ambito's messages.
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// Runs the `ambito` binary with `env` as its only locale variables.
pub fn ambito_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ambito"));
    cmd.args(args);
    for var in LOCALE_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied()).output().expect("run ambito")
}

/// Runs the `ambito` binary in English (an English `LANG`): most tests
/// assert its English messages, whatever the machine's locale.
pub fn ambito(args: &[&str]) -> Output {
    ambito_env(args, &[("LANG", "en_GB.UTF-8")])
}

/// Runs the `ambito` binary with no locale set: messages in the site's
/// language (Italian for the fixtures), as staff see them.
pub fn ambito_it(args: &[&str]) -> Output {
    ambito_env(args, &[])
}

/// `ambito serve` as staff start it, ready for its arguments: its preview
/// folder made under `tmp` (removed with the test's folder even if the
/// test kills it), its messages in the site's language (no locale set), and
/// its terminal output piped for the test to read.
pub fn serve_command(tmp: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ambito"));
    cmd.arg("serve")
        .env("TMPDIR", tmp)
        .stderr(std::process::Stdio::piped());
    for var in LOCALE_VARS {
        cmd.env_remove(var);
    }
    cmd
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A minimal static web server for built sites in tests: GET only,
/// `index.html` for folders, the site's `404.html` with status 404. Serves
/// until the process ends; returns its address (`127.0.0.1:port`).
pub fn serve_static(dir: &Path) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                // Read the headers off the connection.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/");
                let mut file = dir.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file = file.join("index.html");
                }
                let traversal = path.split('/').any(|seg| seg == "..");
                let (status, file) = if !traversal && file.is_file() {
                    ("200 OK", file)
                } else {
                    ("404 Not Found", dir.join("404.html"))
                };
                let body = std::fs::read(&file).unwrap_or_default();
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("svg") => "image/svg+xml",
                    Some("json") => "application/json",
                    Some("xml") => "application/xml",
                    _ => "application/octet-stream",
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(&body);
            });
        }
    });
    addr
}

/// Today's date in UTC, `YYYY-MM-DD`, as the system's `date` says (the
/// generator's file dates are UTC).
pub fn today_utc() -> String {
    let out = Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A loopback TCP port held for a program that will listen on it later
/// (the programs under test take a port number, not a socket).
///
/// Binding port 0 and closing the socket at once leaves the port free for
/// any other process until the program binds it, seconds later (after a
/// site build, say). A `Reserved` port stays bound, so no other `bind` is
/// given it, until [`Reserved::release`], called right before the program
/// starts: what remains is the moment between the two binds.
pub struct Reserved {
    listener: std::net::TcpListener,
    /// The port.
    pub port: u16,
}

/// Reserves a free loopback port (see [`Reserved`]).
pub fn reserve_port() -> Reserved {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("its address").port();
    Reserved { listener, port }
}

impl Reserved {
    /// Frees the port for the program about to listen on it.
    pub fn release(self) -> u16 {
        drop(self.listener);
        self.port
    }
}

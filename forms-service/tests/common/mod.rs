//! Real parts for the service's tests: the `ambito-forms` binary as a
//! process, a real SMTP server (aiosmtpd, installed by scripts/test-deps)
//! on a loopback port, and HTTP over TCP.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A loopback TCP port held for a program that will listen on it later.
///
/// The programs under test take an address, not a socket, so a port must
/// be chosen before they start. Binding port 0 and closing the socket at
/// once (what these tests did) leaves the port free for any other process
/// until the program binds it, seconds later. A `Reserved` port stays bound
/// (without listening, and without `SO_REUSEADDR`, so nobody can bind it
/// and a connection to it is refused as to a closed port) until
/// [`Reserved::release`], called right before the program starts; what
/// remains is the moment between the two binds, which [`Service::start`]
/// and [`SmtpServer::start_free`] cover by starting again on another port
/// when theirs was taken.
pub struct Reserved {
    socket: std::os::fd::OwnedFd,
    /// The port.
    pub port: u16,
}

/// Reserves a free loopback port (see [`Reserved`]).
pub fn reserve_port() -> Reserved {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls on a socket this function owns; the
    // structs passed are sized and initialised as the calls require.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let socket = std::os::fd::OwnedFd::from_raw_fd(fd);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
        let mut len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let bound = libc::bind(fd, std::ptr::addr_of!(addr).cast(), len);
        assert_eq!(bound, 0, "bind: {}", std::io::Error::last_os_error());
        let named = libc::getsockname(fd, std::ptr::addr_of_mut!(addr).cast(), &mut len);
        assert_eq!(named, 0, "getsockname: {}", std::io::Error::last_os_error());
        Reserved {
            socket,
            port: u16::from_be(addr.sin_port),
        }
    }
}

impl Reserved {
    /// Frees the port for the program about to listen on it.
    pub fn release(self) -> u16 {
        let port = self.port;
        drop(self.socket);
        port
    }
}

/// Whether process `pid` itself listens on TCP `port` (its own socket, as
/// `/proc` shows it): a connection that succeeds may reach another
/// program that took the port, so the tests never take one for the other.
fn listens(pid: u32, port: u16) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    let sockets: std::collections::HashSet<String> = fds
        .filter_map(Result::ok)
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy();
            Some(t.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
        })
        .collect();
    let port = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|table| {
        std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .any(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                // local address, state (0A: LISTEN), inode.
                f.len() > 9 && f[1].ends_with(&port) && f[3] == "0A" && sockets.contains(f[9])
            })
    })
}

/// How a started program came up.
enum Started {
    /// It listens on its port.
    Listening,
    /// It exited first (its port taken, or a bad setting).
    Exited(std::process::ExitStatus),
}

/// Waits until `child` listens on `port`, or exits.
fn wait_listening(child: &mut Child, port: u16, what: &str) -> Started {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Started::Exited(status);
        }
        if listens(child.id(), port) {
            return Started::Listening;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn python_with_aiosmtpd() -> &'static str {
    for py in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(py)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return py;
        }
    }
    panic!("aiosmtpd is not installed: run scripts/test-deps");
}

/// aiosmtpd storing every message it accepts in a Maildir.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
}

impl SmtpServer {
    /// On a port of its own: started again on another one if the port
    /// is taken before aiosmtpd binds it.
    pub fn start_free(maildir: &Path) -> SmtpServer {
        SmtpServer::start_free_with(maildir, &[])
    }

    /// [`SmtpServer::start_free`] with more options for aiosmtpd.
    pub fn start_free_with(maildir: &Path, options: &[&str]) -> SmtpServer {
        for _ in 0..5 {
            let port = reserve_port().release();
            if let Some(server) = SmtpServer::try_start(port, maildir, options) {
                return server;
            }
        }
        panic!("aiosmtpd could not start on five free ports");
    }

    /// On `port`, which the test chose beforehand (the service is already
    /// configured with it): a port taken meanwhile fails the test.
    pub fn start(port: u16, maildir: &Path) -> SmtpServer {
        SmtpServer::start_with(port, maildir, &[])
    }

    /// With more options for aiosmtpd (`--tlscert`/`--tlskey` for
    /// STARTTLS, `--smtpscert`/`--smtpskey` for TLS from the first byte).
    pub fn start_with(port: u16, maildir: &Path, options: &[&str]) -> SmtpServer {
        SmtpServer::try_start(port, maildir, options)
            .unwrap_or_else(|| panic!("aiosmtpd exited at start: port {port} taken?"))
    }

    fn try_start(port: u16, maildir: &Path, options: &[&str]) -> Option<SmtpServer> {
        let mut child = Command::new(python_with_aiosmtpd())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(options)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        match wait_listening(&mut child, port, "aiosmtpd") {
            Started::Listening => Some(SmtpServer {
                child,
                port,
                maildir: maildir.to_path_buf(),
            }),
            Started::Exited(_) => None,
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The raw messages delivered to a Maildir so far.
pub fn delivered(maildir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// Waits until `n` messages have arrived (and no more, for a moment).
pub fn wait_for_mail(maildir: &Path, n: usize) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = delivered(maildir);
        if got.len() >= n {
            std::thread::sleep(Duration::from_millis(300));
            return delivered(maildir);
        }
        assert!(
            Instant::now() < deadline,
            "expected {n} messages, got {}",
            got.len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The service as a process.
pub struct Service {
    child: Option<Child>,
    pub port: u16,
    /// The service chose its port (no `AMBITO_FORMS_LISTEN` in `extra`):
    /// if it is taken at start, another one will do.
    own_port: bool,
    pub dir: PathBuf,
    env: Vec<(String, String)>,
    prefix: Vec<String>,
}

/// The origin of the `base_url` the tests build the site with.
pub const SITE_ORIGIN: &str = "https://sito.example.org";

/// `headers` as a browser on the site sends them: a POST without an
/// `Origin` gets the site's.
pub fn as_from_the_site<'a>(
    method: &str,
    headers: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut headers = headers.to_vec();
    if method == "POST"
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("origin"))
    {
        headers.push(("Origin", SITE_ORIGIN));
    }
    headers
}

/// The real site, built once per test binary: the service loads the form
/// definitions and page shells the generator wrote into it. Under Cargo's
/// `target/tmp/`, so that a run leaves nothing in the system's temporary
/// folder.
pub fn forms_dir() -> PathBuf {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("forms-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace root");
        let mut opts = ambito::BuildOptions::new(root);
        opts.output = Some(out.clone());
        opts.base_url = Some("https://sito.example.org/".into());
        ambito::build(&opts).expect("the real site builds");
        out
    })
    .clone()
}

impl Service {
    /// Starts `ambito-forms serve` with its database in `dir`, mail to the
    /// SMTP server on `smtp_port` (which may not be running yet), and `extra`
    /// settings.
    pub fn start(dir: &Path, smtp_port: u16, extra: &[(&str, &str)]) -> Service {
        Service::start_with_prefix(dir, smtp_port, extra, &[])
    }

    /// The same, run through `prefix` (a command that execs the rest, such
    /// as `prlimit --nofile=1024:8192 --`).
    pub fn start_with_prefix(
        dir: &Path,
        smtp_port: u16,
        extra: &[(&str, &str)],
        prefix: &[&str],
    ) -> Service {
        let port = reserve_port().port;
        let mut env: Vec<(String, String)> = vec![
            ("AMBITO_FORMS_LISTEN".into(), format!("127.0.0.1:{port}")),
            (
                "AMBITO_FORMS_DB".into(),
                dir.join("forms.sqlite3").display().to_string(),
            ),
            (
                "AMBITO_FORMS_FORMS_DIR".into(),
                forms_dir().display().to_string(),
            ),
            ("AMBITO_FORMS_SMTP_HOST".into(), "127.0.0.1".into()),
            ("AMBITO_FORMS_SMTP_PORT".into(), smtp_port.to_string()),
            ("AMBITO_FORMS_SMTP_TLS".into(), "none".into()),
            (
                "AMBITO_FORMS_FROM".into(),
                "Moduli del sito <moduli@zona.example.org>".into(),
            ),
            (
                "AMBITO_FORMS_TO".into(),
                "Zona Distretto <zona@zona.example.org>".into(),
            ),
            ("AMBITO_FORMS_RETRY_BASE_SECONDS".into(), "0.2".into()),
            ("AMBITO_FORMS_RATE_LIMIT".into(), "1000/min".into()),
        ];
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push((k.to_string(), v.to_string()));
        }
        // A port chosen by the test (set in `extra`) is the one to wait for.
        let own_port = !extra.iter().any(|(k, _)| *k == "AMBITO_FORMS_LISTEN");
        let port = env
            .iter()
            .find(|(k, _)| k == "AMBITO_FORMS_LISTEN")
            .and_then(|(_, v)| v.rsplit(':').next()?.parse().ok())
            .unwrap_or(port);
        let mut service = Service {
            child: None,
            port,
            own_port,
            dir: dir.to_path_buf(),
            env,
            prefix: prefix.iter().map(ToString::to_string).collect(),
        };
        service.spawn();
        service
    }

    /// Starts the process and waits until it listens. When its own port
    /// was taken between the choice and the bind (the service exits saying
    /// so), it starts again on another free port.
    fn spawn(&mut self) {
        for _ in 0..5 {
            let log_before = self.log().len();
            let mut child = self.command().spawn().expect("start ambito-forms");
            match wait_listening(&mut child, self.port, "ambito-forms") {
                Started::Listening => {
                    self.child = Some(child);
                    return;
                }
                Started::Exited(status) => {
                    let log = self.log();
                    let said = log.get(log_before..).unwrap_or_default();
                    assert!(
                        self.own_port && said.contains("Address already in use"),
                        "ambito-forms exited at start ({status}):\n{said}"
                    );
                    self.port = reserve_port().release();
                    let listen = format!("127.0.0.1:{}", self.port);
                    for (k, v) in &mut self.env {
                        if k == "AMBITO_FORMS_LISTEN" {
                            v.clone_from(&listen);
                        }
                    }
                }
            }
        }
        panic!("ambito-forms found no free port in five tries");
    }

    fn command(&self) -> Command {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("service.log"))
            .unwrap();
        let binary = env!("CARGO_BIN_EXE_ambito-forms");
        let mut command = match self.prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log);
        command
    }

    /// The service's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Runs a CLI command against the same database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_ambito-forms"))
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run ambito-forms")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("service.log")).unwrap_or_default()
    }

    /// A request as a browser on the site sends it: a POST without an
    /// `Origin` in `headers` gets the site's (use the free function
    /// [`request`] to send one without).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        request(
            self.port,
            method,
            path,
            &as_from_the_site(method, headers),
            body,
        )
    }

    /// The receipt number a post was given: from the JSON answer, or read
    /// on the confirmation page the 303 leads to (its address carries a
    /// token, not the number).
    pub fn receipt_of(&self, r: &Response) -> String {
        if let Some(location) = r.header("location") {
            let page = self.request("GET", location, &[], b"");
            assert_eq!(page.status, 200, "{page:?}");
            return number_in(&page.body).expect("a receipt number on the page");
        }
        let v: serde_json::Value = serde_json::from_str(&r.body).expect("a JSON answer");
        v["protocol"].as_str().expect("a protocol").to_string()
    }

    /// Posts as a browser on the site does (with the site's `Origin`).
    pub fn post_form(&self, body: &str) -> Response {
        self.request(
            "POST",
            "/forms/manifestazione-di-interesse",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", SITE_ORIGIN),
            ],
            body.as_bytes(),
        )
    }

    /// Posts a [`multipart`] body to `path` as a browser on the site does.
    pub fn post_multipart(&self, path: &str, body: &[u8]) -> Response {
        self.request(
            "POST",
            path,
            &[(
                "Content-Type",
                &format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}"),
            )],
            body,
        )
    }

    /// Posts JSON as the site's script does.
    pub fn post_json(&self, body: &str) -> Response {
        self.request(
            "POST",
            "/forms/manifestazione-di-interesse",
            &[
                ("Content-Type", "application/json"),
                ("Origin", SITE_ORIGIN),
            ],
            body.as_bytes(),
        )
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The first receipt number (`MI-2026-000042`, `MS-…`) in `text`.
pub fn number_in(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(13)).find_map(|i| {
        let w = &b[i..i + 14];
        let shape = (w[0] == b'M' && (w[1] == b'I' || w[1] == b'S'))
            && w[2] == b'-'
            && w[3..7].iter().all(u8::is_ascii_digit)
            && w[7] == b'-'
            && w[8..14].iter().all(u8::is_ascii_digit);
        shape.then(|| String::from_utf8_lossy(w).into_owned())
    })
}

/// HTTP/1.1 over a plain TCP connection.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // A service that stopped answering fails the test instead of hanging it.
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A complete, valid submission, urlencoded as a browser sends it.
pub fn valid_form(name: &str) -> String {
    let fields = [
        ("denominazione", name),
        ("forma_giuridica", "aps"),
        ("codice_fiscale", "12345678903"),
        ("sede_legale", "Via Roma 1, 55051 Barga"),
        ("legale_rappresentante", "Anna Bianchi"),
        ("referente", "Luca Verdi"),
        ("email", "segreteria@esempio.it"),
        ("telefono", "0583 123456"),
        ("comuni", "barga"),
        ("comuni", "gallicano"),
        ("linee", "inclusione-dei-minori"),
        (
            "esperienza",
            "Doposcuola <b>da dieci anni</b>\r\nnella valle.",
        ),
        ("privacy", "on"),
        ("sito_web", ""),
    ];
    encode(&fields)
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Copies the real site (site.yaml, content/, themes/) into `dir`: a fresh
/// copy of what the repository ships.
pub fn copy_site(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for entry in ["site.yaml", "content", "themes"] {
        for item in walk(&root.join(entry)) {
            let rel = item.strip_prefix(root).unwrap();
            let to = dir.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&item, &to).unwrap();
        }
    }
}

fn walk(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        out.extend(walk(&e.unwrap().path()));
    }
    out
}

/// Polls `what` until it holds, for at most `secs` seconds.
pub fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Files in `dir` (not recursive), sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    f.sort();
    f
}

/// A child process killed when the test ends, passed or not.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The boundary of [`multipart`] bodies.
pub const MULTIPART_BOUNDARY: &str = "----ambito-test-boundary";

/// A small but real PDF (what the service checks: `%PDF-`), padded with a
/// comment to `size` bytes when larger.
pub fn pdf_of_size(size: usize) -> Vec<u8> {
    let mut pdf =
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .to_vec();
    if pdf.len() < size {
        pdf.push(b'%');
        pdf.resize(size - 1, b'x');
        pdf.push(b'\n');
    }
    pdf
}

/// A `multipart/form-data` body (boundary [`MULTIPART_BOUNDARY`]): the
/// urlencoded `text` answers as text parts, then `files` as (file name,
/// content) in the field `file_field`.
pub fn multipart(text: &str, file_field: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let b = MULTIPART_BOUNDARY;
    let mut body = Vec::new();
    for pair in text.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        let v = percent_decode(v);
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, content) in files {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    body
}

/// Decodes one urlencoded value.
pub fn percent_decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A DER tag-length-value (lengths up to 16 MB).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        out.extend([0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// A minimal CMS SignedData around `content` (what a signing program
/// writes before the signer infos, which the service's check does not read).
pub fn p7m(content: &[u8]) -> Vec<u8> {
    let signed_data = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    let data = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    let eci = [tlv(0x06, &data), tlv(0xA0, &tlv(0x04, content))].concat();
    let sd = [
        tlv(0x02, &[1]),
        tlv(0x31, &[]),
        tlv(0x30, &eci),
        tlv(0x31, &[]),
    ]
    .concat();
    tlv(
        0x30,
        &[tlv(0x06, &signed_data), tlv(0xA0, &tlv(0x30, &sd))].concat(),
    )
}

/// The SHA-256 of `bytes` in lower-case hex, as receipts and exports show it.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! The whole path to production, for real: Debian's nginx (installed by
//! scripts/test-deps) runs the shipped `deploy/nginx/ambito.conf`, with
//! only its paths and ports replaced, in front of a site built by
//! `ambito build` and the real `ambito-forms` on loopback.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The shipped nginx site with its paths and ports replaced, nothing else.
fn shipped_config(public: &Path, port: u16, service_port: u16) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join("deploy/nginx/ambito.conf")).unwrap();
    for placeholder in [
        "listen 80;",
        "listen [::]:80;",
        "root /var/www/ambito/public;",
        "127.0.0.1:8080",
    ] {
        assert!(
            text.contains(placeholder),
            "deploy/nginx/ambito.conf no longer has `{placeholder}`"
        );
    }
    // IPv6 loopback only where the machine has it.
    let v6 = if Path::new("/proc/net/if_inet6").exists() {
        format!("listen [::1]:{port};")
    } else {
        String::new()
    };
    text.replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:80;", &v6)
        .replace(
            "root /var/www/ambito/public;",
            &format!("root {};", public.display()),
        )
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{service_port}"))
}

/// Everything a top-level nginx.conf needs around a site, in `dir`.
fn main_config(dir: &Path, site: &Path) -> String {
    let d = dir.display();
    format!(
        "worker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n\
         access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         include {};\n}}\n",
        site.display()
    )
}

/// Builds the real site for the address nginx will answer on.
fn build_site(dir: &Path, port: u16) -> PathBuf {
    copy_site(dir);
    let public = dir.join("public");
    let mut opts = ambito::BuildOptions::new(dir);
    opts.output = Some(public.clone());
    opts.base_url = Some(format!("http://127.0.0.1:{port}/"));
    opts.forms_endpoint = Some(format!("http://127.0.0.1:{port}"));
    ambito::build(&opts).expect("the real site builds");
    public
}

/// Lets an unprivileged nginx read the site and write its own folder.
fn open_up(path: &Path) {
    let dir = path.is_dir();
    let mode = if dir { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if dir {
        for entry in std::fs::read_dir(path).unwrap() {
            open_up(&entry.unwrap().path());
        }
    }
}

/// nginx's master process, stopped when the test ends, passed or not: first
/// asked to stop (SIGTERM, which stops its workers too), killed only if it
/// does not. A SIGKILL alone would leave the workers running, orphaned.
struct Nginx(KillOnDrop);

impl Drop for Nginx {
    fn drop(&mut self) {
        let child = &mut (self.0).0;
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) on the pid of our own child, not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        // KillOnDrop kills what is left.
    }
}

/// Starts nginx on `conf`, as the user `nobody` when the test runs as root.
fn start_nginx(conf: &Path, port: u16, dir: &Path) -> Nginx {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nginx is installed (scripts/test-deps)");
    let root = is_root();
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", nginx]);
        c
    } else {
        Command::new(nginx)
    };
    let child = cmd
        .arg("-c")
        .arg(conf)
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nginx");
    let mut guard = KillOnDrop(child);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        let exited = guard.0.try_wait().unwrap();
        if exited.is_some() || std::time::Instant::now() > deadline {
            let mut err = String::new();
            if let Some(mut e) = guard.0.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            panic!("nginx did not start ({exited:?}): {err}\n{log}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Nginx(guard)
}

/// Whether this process runs as root (`id -u`).
fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn site_and_form_work_behind_the_shipped_nginx_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    // Held until nginx and the service start (see `Reserved`).
    let (nginx_port, service_port) = (reserve_port(), reserve_port());
    let (port, service_port_number) = (nginx_port.port, service_port.port);
    let public = build_site(&base.join("site"), port);
    let run = base.join("nginx");
    std::fs::create_dir_all(&run).unwrap();
    let site_conf = run.join("ambito.conf");
    std::fs::write(
        &site_conf,
        shipped_config(&public, port, service_port_number),
    )
    .unwrap();
    let conf = run.join("nginx.conf");
    std::fs::write(&conf, main_config(&run, &site_conf)).unwrap();
    open_up(base);
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o777)).unwrap();

    let data = base.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let listen = format!("127.0.0.1:{}", service_port.release());
    let forms = public.display().to_string();
    // No SMTP server: the reserved port refuses connections.
    let no_smtp = reserve_port();
    let service = Service::start(
        &data,
        no_smtp.port,
        &[
            ("AMBITO_FORMS_LISTEN", &listen),
            ("AMBITO_FORMS_FORMS_DIR", &forms),
            ("AMBITO_FORMS_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"),
            ("AMBITO_FORMS_RATE_LIMIT", "3/min"),
        ],
    );
    nginx_port.release();
    let _nginx = start_nginx(&conf, port, &run);
    let get = |path: &str, headers: &[(&str, &str)]| request(port, "GET", path, headers, b"");

    // A page, with the security headers and short caching.
    let home = get("/", &[]);
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home
        .header("Content-Type")
        .unwrap()
        .starts_with("text/html; charset=utf-8"));
    let csp = home.header("Content-Security-Policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("wasm-unsafe-eval"), "{csp}");
    // The search page and its index may compile WebAssembly (Pagefind),
    // with the same headers otherwise.
    for path in ["/cerca/", "/pagefind/pagefind.js"] {
        let search = get(path, &[]);
        assert_eq!(search.status, 200, "{path}");
        let csp = search.header("Content-Security-Policy").unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(search.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(
            search.header("Cache-Control"),
            Some("max-age=600"),
            "{path}"
        );
    }
    assert_eq!(home.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(home.header("Referrer-Policy").is_some());
    // HSTS on the pages, the search and the service's answers alike.
    for path in ["/", "/cerca/", "/forms/manifestazione-di-interesse"] {
        assert_eq!(
            get(path, &[]).header("Strict-Transport-Security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    assert_eq!(home.header("Cache-Control"), Some("max-age=600"));
    // A pretty URL, and the site's own 404 page.
    assert_eq!(get("/comuni/barga/", &[]).status, 200);
    let missing = get("/non-esiste/", &[]);
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Pagina non trovata"),
        "{}",
        missing.body
    );
    // The stylesheet under its content hash: cached for a year, compressed.
    let href = home
        .body
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let path = href.trim_start_matches(&format!("http://127.0.0.1:{port}"));
    let css = get(path, &[("Accept-Encoding", "gzip")]);
    assert_eq!(css.status, 200, "{path}");
    assert!(css.header("Content-Type").unwrap().starts_with("text/css"));
    assert_eq!(css.header("Cache-Control"), Some("max-age=31536000"));
    assert_eq!(css.header("Content-Encoding"), Some("gzip"));
    // What the generator writes for the service is not for visitors.
    let dir = "/partecipa/manifestazione-di-interesse";
    assert_eq!(
        get(&format!("{dir}/manifestazione-di-interesse.form.json"), &[]).status,
        404
    );

    // The form, posted as a browser without JavaScript does, through nginx.
    let origin = format!("http://127.0.0.1:{port}");
    let posted = request(
        port,
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin),
            ("X-Forwarded-For", "192.0.2.10"),
        ],
        valid_form("Associazione Dietro Nginx").as_bytes(),
    );
    assert_eq!(posted.status, 303, "{}", posted.body);
    let location = posted.header("Location").unwrap().to_string();
    let receipt_path = location.trim_start_matches(&origin);
    assert!(
        receipt_path.starts_with("/forms/manifestazione-di-interesse/ricevuta"),
        "{location}"
    );
    let receipt = get(receipt_path, &[]);
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains("MI-"), "{}", receipt.body);

    // The call form's PDF, over 1 MB, through nginx: the service, not
    // nginx, decides what is too large.
    let signed = pdf_of_size(3 * 1024 * 1024);
    let body = multipart(
        &valid_form("Associazione Con Allegato"),
        "domanda",
        &[("domanda.pdf", &signed)],
    );
    let content_type = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    let uploaded = request(
        port,
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", &content_type),
            ("Origin", &origin),
            ("X-Forwarded-For", "192.0.2.11"),
        ],
        &body,
    );
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let listed = String::from_utf8(service.cli(&["list"]).stdout).unwrap();
    assert!(
        listed.contains("Associazione Con Allegato"),
        "stored: {listed}"
    );

    // Rate limits per client as nginx reports it: one client is stopped,
    // another is not (nginx appends the address it saw; the service trusts
    // only loopback hops and reads right to left). A `Forwarded` header the
    // client writes anew on every post changes nothing.
    let forged = std::cell::Cell::new(0);
    let post_as = |client: &str| {
        forged.set(forged.get() + 1);
        let forwarded = format!("for=198.51.100.{}", forged.get());
        request(
            port,
            "POST",
            "/forms/manifestazione-di-interesse",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", &origin),
                ("X-Forwarded-For", client),
                ("Forwarded", &forwarded),
            ],
            b"denominazione=",
        )
        .status
    };
    let first: Vec<u16> = (0..4).map(|_| post_as("203.0.113.7")).collect();
    assert_eq!(&first[..3], &[422, 422, 422], "{first:?}");
    assert_eq!(first[3], 429, "{first:?}");
    assert_eq!(
        post_as("198.51.100.9"),
        422,
        "another client has its own limit"
    );

    // A body over what the shipped forms need is refused by nginx itself,
    // from its declared length, before a byte of it is read.
    let mut huge = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST /forms/manifestazione-di-interesse HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: 20000000\r\n\r\n"
    );
    std::io::Write::write_all(&mut huge, head.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut huge, &mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // One address may hold at most 10 requests to the service at once:
    // ten uploads stalled half-way, and the eleventh gets 429 from nginx.
    let stalled: Vec<std::net::TcpStream> = (0..10)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            let head = format!(
                "POST /forms/manifestazione-di-interesse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: 100000\r\n\r\n--"
            );
            std::io::Write::write_all(&mut s, head.as_bytes()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(get("/forms/manifestazione-di-interesse", &[]).status, 429);
    drop(stalled);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(get("/forms/manifestazione-di-interesse", &[]).status, 200);
}

#[test]
fn the_shipped_systemd_units_verify() {
    // systemd's own checker, on the shipped units with the binary's path
    // replaced by the one just built (it checks that ExecStart exists).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_ambito-forms");
    let mut units = Vec::new();
    for name in [
        "ambito-forms.service",
        "ambito-forms-backup.service",
        "ambito-forms-backup.timer",
    ] {
        let text = std::fs::read_to_string(root.join("deploy/systemd").join(name)).unwrap();
        assert!(text.contains("/usr/local/bin/ambito-forms") || name.ends_with(".timer"));
        let path = tmp.path().join(name);
        std::fs::write(&path, text.replace("/usr/local/bin/ambito-forms", bin)).unwrap();
        units.push(path);
    }
    let service = std::fs::read_to_string(&units[0]).unwrap();
    for hardening in [
        "DynamicUser=yes",
        "StateDirectory=ambito-forms",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "RestrictAddressFamilies=",
        "Restart=on-failure",
        "EnvironmentFile=",
        "AMBITO_FORMS_TRUSTED_PROXIES=127.0.0.1/32",
    ] {
        assert!(
            service.contains(hardening),
            "ambito-forms.service lacks {hardening}"
        );
    }
    // Every connection is a file descriptor: the open-files limit must be
    // well above the default AMBITO_FORMS_MAX_CONNECTIONS (1024), which
    // the usual soft limit (1024) only equals.
    let nofile: u64 = service
        .lines()
        .find_map(|l| l.strip_prefix("LimitNOFILE="))
        .and_then(|v| v.trim().parse().ok())
        .expect("ambito-forms.service sets LimitNOFILE");
    assert!(nofile >= 4 * 1024, "LimitNOFILE={nofile}");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&units)
        .output()
        .expect("systemd-analyze is installed (scripts/test-deps)");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

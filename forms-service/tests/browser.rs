//! A person without JavaScript, in a real browser (headless Chromium,
//! installed by scripts/test-deps, driven over the DevTools protocol on a
//! pipe, with script execution disabled): the form page served from the
//! built site posts to the service on another origin; an error brings the
//! form back from the service; the corrected post from that page is
//! accepted (the service's own origin) and ends on the receipt page.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Chromium with `--remote-debugging-pipe`: commands go in on its fd 3,
/// answers and events come out on its fd 4, each message ending in NUL.
struct Browser {
    _child: KillOnDrop,
    to: std::fs::File,
    from: mpsc::Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(rc, 0, "pipe: {}", std::io::Error::last_os_error());
    // SAFETY: pipe(2) just opened both; nothing else owns them.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

impl Browser {
    fn start() -> Browser {
        use std::os::fd::AsRawFd;
        let profile = tempfile::tempdir().unwrap();
        let (cmd_read, cmd_write) = pipe(); // we write, Chromium reads (its fd 3)
        let (ev_read, ev_write) = pipe(); // Chromium writes (its fd 4), we read
        let (r3, w4) = (cmd_read.as_raw_fd(), ev_write.as_raw_fd());
        let mut command = Command::new("chromium");
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(r3, 3) < 0 || libc::dup2(w4, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .expect("chromium is installed (scripts/test-deps)");
        drop((cmd_read, ev_write));
        let (tx, rx) = mpsc::channel();
        let mut events = std::fs::File::from(ev_read);
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            while let Ok(n) = events.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let message: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&message[..end]) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Browser {
            _child: KillOnDrop(child),
            to: std::fs::File::from(cmd_write),
            from: rx,
            next_id: 0,
            session: None,
            _profile: profile,
        }
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// As `call`, with the protocol's error as an `Err` (a page being
    /// replaced by the next one invalidates the nodes asked about).
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method });
        message["params"] = params;
        if let Some(s) = &self.session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if v["id"] == json!(id) {
                return match v.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(v["result"].clone()),
                };
            }
        }
    }

    /// A new tab with JavaScript on (the site's script at work).
    fn open_tab_with_scripts(&mut self) {
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = self.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    }

    /// A new tab with JavaScript disabled.
    fn open_tab(&mut self) {
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = self.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        self.call(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": true }),
        );
    }

    /// The page's HTML now, or nothing while a page replaces another.
    fn html(&mut self) -> String {
        let Ok(doc) = self.try_call("DOM.getDocument", json!({ "depth": 0 })) else {
            return String::new();
        };
        let root = doc["root"]["nodeId"].clone();
        self.try_call("DOM.getOuterHTML", json!({ "nodeId": root }))
            .ok()
            .and_then(|v| v["outerHTML"].as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Waits until the page's HTML contains `marker`.
    fn wait_for(&mut self, marker: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let html = self.html();
            if html.contains(marker) {
                return html;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {marker:?} in:\n{html}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The node id of the first element matching `selector`.
    fn node(&mut self, selector: &str) -> Value {
        // A page still settling (its script updating the document) can
        // invalidate the document's id between asking for it and querying
        // it: ask again, as `type_into` does.
        for _ in 0..20 {
            let doc = self.call("DOM.getDocument", json!({ "depth": 0 }));
            let root = doc["root"]["nodeId"].clone();
            if let Ok(found) = self.try_call(
                "DOM.querySelector",
                json!({ "nodeId": root, "selector": selector }),
            ) {
                assert_ne!(found["nodeId"], json!(0), "no {selector}");
                return found["nodeId"].clone();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{selector}: the document never settled");
    }

    /// A real mouse click in the middle of the element.
    fn click(&mut self, selector: &str) {
        let node = self.node(selector);
        self.call("DOM.scrollIntoViewIfNeeded", json!({ "nodeId": node }));
        let model = self.call("DOM.getBoxModel", json!({ "nodeId": node }));
        let q: Vec<f64> = model["model"]["border"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let (x, y) = (
            (q[0] + q[2] + q[4] + q[6]) / 4.0,
            (q[1] + q[3] + q[5] + q[7]) / 4.0,
        );
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// The value of a JavaScript expression, evaluated by DevTools (this
    /// works with the page's own scripts disabled).
    fn evaluate(&mut self, expression: &str) -> Value {
        let v = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        v["result"]["value"].clone()
    }

    /// Types into a field, as a keyboard would.
    fn type_into(&mut self, selector: &str, text: &str) {
        // A page still settling (its script running, the document updated)
        // invalidates node ids between asking for one and focusing it: ask again.
        for _ in 0..20 {
            let node = self.node(selector);
            if self
                .try_call("DOM.focus", json!({ "nodeId": node }))
                .is_ok()
            {
                self.call("Input.insertText", json!({ "text": text }));
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{selector}: cannot be focused");
    }
}

fn edit_site(root: &Path, service_port: u16, site_port: u16) {
    let path = root.join("site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("base_url:") {
                format!("base_url: http://127.0.0.1:{site_port}/")
            } else if l.starts_with("forms_endpoint:") {
                format!("forms_endpoint: http://127.0.0.1:{service_port}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(text, edited);
    std::fs::write(path, edited + "\n").unwrap();
}

/// The shipped site on one origin (a plain static server) and the forms
/// service, with a real SMTP server, on another, as `site.yaml` ships them.
/// With `call`, the form is an open call taking signed files. No
/// AMBITO_FORMS_SITE_ORIGIN: the Origin check is on, with the origin of
/// the site's `base_url`. Fields drop in order: service first, folder last.
struct TwoOrigins {
    service: Service,
    smtp: SmtpServer,
    _site: KillOnDrop,
    maildir: std::path::PathBuf,
    public: std::path::PathBuf,
    service_port: u16,
    site_port: u16,
    dir: tempfile::TempDir,
}

impl TwoOrigins {
    fn start(call: bool) -> TwoOrigins {
        let dir = tempfile::tempdir().unwrap();
        copy_site(dir.path());
        // Held until the two servers start (see `Reserved`).
        let (service_reserved, site_reserved) = (reserve_port(), reserve_port());
        let (service_port, site_port) = (service_reserved.port, site_reserved.port);
        edit_site(dir.path(), service_port, site_port);
        if call {
            make_call(dir.path(), false);
        }
        ambito::build(&ambito::BuildOptions::new(dir.path())).expect("the site builds");
        let public = dir.path().join("public");
        site_reserved.release();
        let site = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &site_port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(&public)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let site = KillOnDrop(site);
        let maildir = dir.path().join("maildir");
        let smtp = SmtpServer::start_free(&maildir);
        let public_dir = public.display().to_string();
        let listen = format!("127.0.0.1:{}", service_reserved.release());
        let service = Service::start(
            dir.path(),
            smtp.port,
            &[
                ("AMBITO_FORMS_FORMS_DIR", public_dir.as_str()),
                ("AMBITO_FORMS_LISTEN", listen.as_str()),
            ],
        );
        eventually(30, "the site is served", || {
            request(site_port, "GET", "/", &[], b"").status == 200
        });
        TwoOrigins {
            service,
            smtp,
            _site: site,
            maildir,
            public,
            service_port,
            site_port,
            dir,
        }
    }
}

#[test]
fn without_javascript_a_mistake_can_be_corrected_and_sent() {
    // Everything bound, so that nothing stops before the test ends.
    let TwoOrigins {
        dir: _dir,
        public: _,
        maildir: _,
        service_port: _,
        site_port,
        _site,
        smtp,
        service,
    } = TwoOrigins::start(false);

    let mut browser = Browser::start();
    browser.open_tab();
    // A phone's width: every page of the flow must reflow (WCAG 1.4.10).
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": false }),
    );
    let url = format!("http://127.0.0.1:{site_port}/partecipa/manifestazione-di-interesse/");
    browser.call("Page.navigate", json!({ "url": url }));
    browser.wait_for("<form class=\"modulo\"");

    // Sent empty but for the signed file: the service shows the form again
    // with the errors, and keeps the file (a page cannot).
    let pdf = pdf_of_size(2000);
    let file = _dir.path().join("manifestazione firmata.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let input = browser.node("#campo-domanda");
    browser.call(
        "DOM.setFileInputFiles",
        json!({ "nodeId": input, "files": [file.display().to_string()] }),
    );
    browser.click("form.modulo button[type=submit]");
    let page = browser.wait_for("riepilogo-errori");
    assert!(page.contains("Compila il campo"), "{page}");
    assert!(
        page.contains("File già caricato: «manifestazione firmata.pdf» (2,0 kB)"),
        "{page}"
    );
    let no_sideways = "document.documentElement.scrollWidth <= 360";
    assert_eq!(
        browser.evaluate(no_sideways),
        json!(true),
        "the 422 page at 360 px"
    );
    // The service's page, on its own origin, has the site's stylesheet
    // (linked to the site's origin, allowed by the service's CSP) applied.
    // (Polled: the stylesheet may still be on its way.)
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let border = browser.evaluate(
            "getComputedStyle(document.querySelector('.riepilogo-errori')).borderTopWidth",
        );
        if border == json!("4px") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the site's CSS is not applied: border {border}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Filled in on the service's page, and sent from there.
    for (field, text) in [
        ("denominazione", "Associazione Senza Script"),
        ("codice_fiscale", "12345678903"),
        ("sede_legale", "Via Roma 1, 55051 Barga"),
        ("legale_rappresentante", "Anna Bianchi"),
        ("referente", "Luca Verdi"),
        ("email", "senzascript@esempio.it"),
        ("telefono", "0583 123456"),
        ("esperienza", "Doposcuola da dieci anni."),
    ] {
        browser.type_into(&format!("#campo-{field}"), text);
    }
    let option = browser.node("#campo-forma_giuridica option[value=aps]");
    browser.call(
        "DOM.setAttributeValue",
        json!({ "nodeId": option, "name": "selected", "value": "selected" }),
    );
    for box_ in ["#campo-comuni-1", "#campo-linee-3", "#campo-privacy"] {
        browser.click(box_);
    }
    browser.click("form.modulo button[type=submit]");
    let receipt = browser.wait_for("Richiesta inviata");
    assert!(
        receipt.contains("Numero di ricevuta: <strong>MI-"),
        "{receipt}"
    );
    // The kept file went with it, and the receipt (with its 64-character
    // SHA-256) fits a phone's width.
    assert!(receipt.contains(&sha256(&pdf)), "{receipt}");
    assert_eq!(
        browser.evaluate(no_sideways),
        json!(true),
        "the receipt at 360 px"
    );

    // The header's search box on the service's page reaches the site's
    // search page (the service's CSP allows that form target).
    browser.type_into("#cerca-testata", "tirocini");
    browser.click(".cerca-testata button[type=submit]");
    let deadline = Instant::now() + Duration::from_secs(10);
    let search = format!("http://127.0.0.1:{site_port}/cerca/?q=tirocini");
    while browser.evaluate("location.href") != json!(search) {
        assert!(
            Instant::now() < deadline,
            "the search box did not reach {search}: {}",
            browser.evaluate("location.href")
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let list = String::from_utf8(service.cli(&["list"]).stdout).unwrap();
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.contains("Associazione Senza Script"));
    wait_for_mail(&smtp.maildir, 2);
}

/// The shipped call page made an open call (2020 to 2099, or closed in
/// 2020 with `closed`) asking for the signed request as a file.
fn make_call(root: &Path, closed: bool) {
    let path = root.join("content/partecipa/manifestazione-di-interesse/_index.md");
    let text = without_shipped_file_field(&std::fs::read_to_string(&path).unwrap());
    let dates = if closed {
        "    opens: 2020-01-01\n    closes: 2020-06-30\n"
    } else {
        "    opens: 2020-01-01\n    closes: 2099-12-31\n"
    };
    let text = text
        .replacen("    honeypot: sito_web\n", &format!("    honeypot: sito_web\n{dates}"), 1)
        .replacen(
            "      - name: privacy\n",
            "      - { name: domanda, label: Domanda firmata, type: file, required: true, accept: [pdf, p7m], max_size_mb: 5, multiple: true }\n      - name: privacy\n",
            1,
        );
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_call_takes_signed_files_until_it_closes() {
    use mail_parser::{MessageParser, MimeHeaders};
    let TwoOrigins {
        dir,
        public,
        maildir,
        service_port,
        site_port,
        _site,
        smtp: _smtp,
        mut service,
    } = TwoOrigins::start(true);
    let files = dir.path().join("da-inviare");
    std::fs::create_dir(&files).unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let signed = p7m(&pdf);
    std::fs::write(files.join("domanda.pdf"), &pdf).unwrap();
    std::fs::write(files.join("domanda.pdf.p7m"), &signed).unwrap();
    std::fs::write(
        files.join("foto.pdf"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0",
    )
    .unwrap();

    let mut browser = Browser::start();
    browser.open_tab();
    let url = format!("http://127.0.0.1:{site_port}/partecipa/manifestazione-di-interesse/");
    let fill = |browser: &mut Browser, attach: &[&str]| {
        browser.call("Page.navigate", json!({ "url": url }));
        let page = browser.wait_for("<form class=\"modulo\"");
        assert!(
            page.contains("Avviso aperto fino al 31 dicembre 2099."),
            "{page}"
        );
        assert!(page.contains("enctype=\"multipart/form-data\""));
        for (field, text) in [
            ("denominazione", "Associazione Con Firma"),
            ("codice_fiscale", "12345678903"),
            ("sede_legale", "Via Roma 1, 55051 Barga"),
            ("legale_rappresentante", "Anna Bianchi"),
            ("referente", "Luca Verdi"),
            ("email", "firma@esempio.it"),
            ("telefono", "0583 123456"),
            ("esperienza", "Doposcuola da dieci anni."),
        ] {
            browser.type_into(&format!("#campo-{field}"), text);
        }
        let option = browser.node("#campo-forma_giuridica option[value=aps]");
        browser.call(
            "DOM.setAttributeValue",
            json!({ "nodeId": option, "name": "selected", "value": "selected" }),
        );
        for box_ in ["#campo-comuni-1", "#campo-linee-3", "#campo-privacy"] {
            browser.click(box_);
        }
        let input = browser.node("#campo-domanda");
        let paths: Vec<String> = attach
            .iter()
            .map(|n| files.join(n).display().to_string())
            .collect();
        browser.call(
            "DOM.setFileInputFiles",
            json!({ "nodeId": input, "files": paths }),
        );
        browser.click("form.modulo button[type=submit]");
    };

    // A PNG renamed .pdf is refused, with the reason next to the field.
    fill(&mut browser, &["foto.pdf"]);
    let page = browser.wait_for("riepilogo-errori");
    assert!(
        page.contains(
            "il file «foto.pdf» è un’immagine PNG, ma qui si accettano solo file PDF, P7M."
        ),
        "{page}"
    );

    // A PDF and its signed copy are accepted; the receipt shows their hashes.
    fill(&mut browser, &["domanda.pdf", "domanda.pdf.p7m"]);
    let receipt = browser.wait_for("Richiesta inviata");
    assert!(receipt.contains(&sha256(&pdf)), "{receipt}");
    assert!(receipt.contains(&sha256(&signed)), "{receipt}");
    let mails = wait_for_mail(&maildir, 2);
    let district = mails
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap())
        .find(|m| m.subject().is_some_and(|s| s.starts_with('[')))
        .unwrap();
    let attached: Vec<(String, Vec<u8>)> = district
        .attachments()
        .map(|a| {
            (
                a.attachment_name().unwrap_or_default().to_string(),
                a.contents().to_vec(),
            )
        })
        .collect();
    assert_eq!(
        attached,
        [
            // Named by their detected type, never by the sender's names.
            ("allegato-1.pdf".to_string(), pdf.clone()),
            ("allegato-2.p7m".to_string(), signed.clone())
        ]
    );

    // The page stays open in a tab; the call closes (rebuilt with a
    // closing date in the past, the service restarted on the new
    // definition): sending from the old page gets 410, and the rebuilt
    // page shows the closing notice and no form.
    browser.call("Page.navigate", json!({ "url": url }));
    browser.wait_for("<form class=\"modulo\"");
    let fresh = dir.path().join("chiuso");
    copy_site(&fresh);
    edit_site(&fresh, service_port, site_port);
    make_call(&fresh, true);
    let mut opts = ambito::BuildOptions::new(&fresh);
    opts.output = Some(public.clone());
    ambito::build(&opts).expect("the closed call builds");
    service.kill();
    service.restart();
    browser.type_into("#campo-denominazione", "Associazione In Ritardo");
    browser.click("form.modulo button[type=submit]");
    let gone = browser.wait_for("Avviso chiuso il 30 giugno 2020");
    assert!(gone.contains("non è più possibile partecipare"), "{gone}");
    let status = request(
        service_port,
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &format!("http://127.0.0.1:{site_port}")),
        ],
        b"denominazione=x",
    )
    .status;
    assert_eq!(status, 410);
    browser.call("Page.navigate", json!({ "url": url }));
    let closed = browser.wait_for("Avviso chiuso il 30 giugno 2020");
    assert!(!closed.contains("<form class=\"modulo\""), "{closed}");
    assert!(closed.contains("il modulo non è più disponibile"));
    let list = String::from_utf8(service.cli(&["list"]).stdout).unwrap();
    assert_eq!(
        list.lines().count(),
        1,
        "only the accepted post is stored: {list}"
    );
}

#[test]
fn with_javascript_files_are_sent_with_formdata_and_the_receipt_shows_in_place() {
    let TwoOrigins {
        dir,
        public: _,
        maildir,
        service_port: _,
        site_port,
        _site,
        smtp: _smtp,
        service,
    } = TwoOrigins::start(true);
    // A 3 MB PDF: large enough for the progress to be shown.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(3 * 1024 * 1024, b' ');
    let file = dir.path().join("domanda.pdf");
    std::fs::write(&file, &pdf).unwrap();

    let mut browser = Browser::start();
    browser.open_tab_with_scripts();
    // A phone's width: the receipt in place must reflow too (WCAG 1.4.10).
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": false }),
    );
    let url = format!("http://127.0.0.1:{site_port}/partecipa/manifestazione-di-interesse/");
    browser.call("Page.navigate", json!({ "url": url }));
    browser.wait_for("<form class=\"modulo\"");
    for (field, text) in [
        ("denominazione", "Associazione Con Script"),
        ("codice_fiscale", "12345678903"),
        ("sede_legale", "Via Roma 1, 55051 Barga"),
        ("legale_rappresentante", "Anna Bianchi"),
        ("referente", "Luca Verdi"),
        ("email", "script@esempio.it"),
        ("telefono", "0583 123456"),
        ("esperienza", "Doposcuola da dieci anni."),
    ] {
        browser.type_into(&format!("#campo-{field}"), text);
    }
    let select = browser.node("#campo-forma_giuridica");
    browser.call("DOM.focus", json!({ "nodeId": select }));
    let option = browser.node("#campo-forma_giuridica option[value=aps]");
    browser.call(
        "DOM.setAttributeValue",
        json!({ "nodeId": option, "name": "selected", "value": "selected" }),
    );
    for box_ in ["#campo-comuni-1", "#campo-linee-3", "#campo-privacy"] {
        browser.click(box_);
    }
    let input = browser.node("#campo-domanda");
    browser.call(
        "DOM.setFileInputFiles",
        json!({ "nodeId": input, "files": [file.display().to_string()] }),
    );
    browser.click("form.modulo button[type=submit]");
    // The receipt in place, on the site's own page, with the file's hash.
    let page = browser.wait_for("File: domanda.pdf");
    assert!(page.contains(&sha256(&pdf)), "{page}");
    // In place (the service's own receipt page has an h1 and no names).
    assert!(page.contains("<h2>Richiesta inviata</h2>"), "{page}");
    // Wrapped on a phone (64 characters with no break would scroll the
    // page sideways), and the hash explained, as on the service's receipt.
    assert_eq!(
        browser.evaluate("document.documentElement.scrollWidth <= 360"),
        json!(true),
        "the receipt in place at 360 px"
    );
    assert!(
        page.contains(&format!(
            "File: domanda.pdf (3145728 byte), impronta SHA-256 (un codice che identifica il file): <code>{}</code>",
            sha256(&pdf)
        )),
        "{page}"
    );
    assert!(page.contains("Numero di ricevuta: <strong>MI-"), "{page}");
    let list = String::from_utf8(service.cli(&["list"]).stdout).unwrap();
    assert!(list.contains("Associazione Con Script"), "{list}");
    wait_for_mail(&maildir, 2);
}

/// The shipped page without its own `domanda` field (the fixture's
/// replaces it).
fn without_shipped_file_field(text: &str) -> String {
    match (
        text.find("      - name: domanda\n"),
        text.find("      - name: privacy\n"),
    ) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &text[..a], &text[b..]),
        _ => text.to_string(),
    }
}

//! Faults of the disk under the database: full, turned read-only, or
//! locked by another process. A post
//! that cannot be committed gets 503 with an Italian message and
//! `Retry-After`, never 303/201; what was committed before stays readable
//! and is delivered. The disk is a small tmpfs the test mounts (the tests
//! run as root, as CI does); if it cannot be mounted the test fails.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A tmpfs of `size` mounted on `dir`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "cannot mount a tmpfs for the disk-full test (the tests need root, as in CI): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// An ext4 file system on a loop device mounted on `dir`, which the kernel
/// can be made to turn read-only while files are open (as after a disk
/// error); unmounted and detached when dropped.
struct Ext4 {
    dir: PathBuf,
    device: String,
}

impl Ext4 {
    fn mount(dir: &Path, image: &Path) -> Ext4 {
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("run a disk tool");
            assert!(
                out.status.success(),
                "cannot set up the ext4 disk for the read-only test (the tests need root and loop devices, as in CI): {:?}: {}",
                cmd,
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        std::fs::create_dir_all(dir).unwrap();
        std::fs::File::create(image)
            .unwrap()
            .set_len(16 << 20)
            .unwrap();
        run(Command::new("mkfs.ext4").args(["-q", "-F"]).arg(image));
        let device = run(Command::new("losetup").args(["-f", "--show"]).arg(image));
        run(Command::new("blockdev").args(["--setrw", &device]));
        run(Command::new("mount")
            .args(["-o", "errors=remount-ro", &device])
            .arg(dir));
        Ext4 {
            dir: dir.to_path_buf(),
            device,
        }
    }

    /// What the kernel does on a disk error: the file system goes read-only
    /// at once, open files included.
    fn fail(&self) {
        let name = Path::new(&self.device)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        std::fs::write(format!("/sys/fs/ext4/{name}/trigger_fs_error"), "test").unwrap();
    }
}

impl Drop for Ext4 {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = Command::new("losetup").args(["-d", &self.device]).status();
    }
}

/// Fills the file system of `dir` to the last byte.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("riempitivo");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 4096];
    for _ in 0..1_000_000 {
        if f.write_all(&chunk).and_then(|()| f.sync_all()).is_err() {
            return path;
        }
    }
    panic!("the disk never filled up");
}

fn assert_unavailable(r: &Response) {
    assert_eq!(r.status, 503, "{r:?}");
    let wait: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(wait > 0);
    assert!(r.body.contains("Non è stata salvata"), "{}", r.body);
}

#[test]
fn a_full_disk_gets_503_and_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let disk = Tmpfs::mount(&dir.path().join("disco"), "3m");
    // SMTP down for now: a reserved port refuses connections.
    let smtp_port = reserve_port();
    let db = disk.0.join("forms.sqlite3").display().to_string();
    let service = Service::start(dir.path(), smtp_port.port, &[("AMBITO_FORMS_DB", &db)]);
    let first = service.post_form(&valid_form("Prima del disco pieno"));
    assert_eq!(first.status, 303);
    let mut committed = vec![service.receipt_of(&first)];

    let filler = fill(&disk.0);
    let mut refused = 0;
    for i in 0..40 {
        let r = service.post_form(&valid_form(&format!("Ente {i} a disco pieno")));
        if r.status == 303 {
            committed.push(service.receipt_of(&r)); // still fit in the last pages
        } else {
            assert_unavailable(&r);
            refused += 1;
        }
    }
    assert!(refused > 0, "no post was refused with the disk full");
    // Monitoring sees what senders see: 503 with the reason.
    let health = service.request("GET", "/healthz", &[], b"");
    assert_eq!(health.status, 503, "{health:?}");
    assert!(
        health.body.contains("posts cannot be stored"),
        "{}",
        health.body
    );
    // JSON clients get 503 too, never 201.
    let json = service.request(
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        valid_form("Ente JSON a disco pieno").as_bytes(),
    );
    assert!(json.status == 503 || json.status == 201, "{json:?}");
    if json.status == 201 {
        committed.push(service.receipt_of(&json));
    } else {
        assert!(json.header("retry-after").is_some());
    }
    // What was committed stays readable.
    let page = service.request("GET", first.header("location").unwrap(), &[], b"");
    assert_eq!(page.status, 200, "{page:?}\n{}", service.log());

    // Space returns, and so does SMTP: everything committed is delivered.
    std::fs::remove_file(filler).unwrap();
    // The health check finds out by itself (a test write), before any
    // post; the outbox, paused while it could not record its failed
    // attempts, resumes at its next try.
    let health = service.request("GET", "/healthz", &[], b"");
    assert!(
        !health.body.contains("posts cannot be stored"),
        "{health:?}"
    );
    eventually(90, "the health check is ok again", || {
        service.request("GET", "/healthz", &[], b"").status == 200
    });
    let after = service.post_form(&valid_form("Dopo il disco pieno"));
    assert_eq!(after.status, 303, "{after:?}");
    committed.push(service.receipt_of(&after));
    let smtp = SmtpServer::start(smtp_port.release(), &dir.path().join("maildir"));
    let mails = wait_for_mail(&smtp.maildir, committed.len() * 2);
    let all = mails
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    for n in &committed {
        assert!(
            all.contains(&format!("[{n}]")),
            "{n} delivered to the district"
        );
    }
    assert_eq!(
        String::from_utf8(service.cli(&["list"]).stdout)
            .unwrap()
            .lines()
            .count(),
        committed.len()
    );
}

#[test]
fn a_locked_database_gets_503_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(dir.path(), smtp.port, &[]);
    assert_eq!(
        service.post_form(&valid_form("Prima del blocco")).status,
        303
    );
    // Another process holds the write lock (as a long backup or a manual
    // session would) for longer than the service waits.
    let conn = rusqlite::Connection::open(dir.path().join("forms.sqlite3")).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = service.post_form(&valid_form("Durante il blocco"));
    assert_unavailable(&r);
    conn.execute_batch("COMMIT").unwrap();
    drop(conn);
    assert_eq!(service.post_form(&valid_form("Dopo il blocco")).status, 303);
    wait_for_mail(&smtp.maildir, 4);
}

#[test]
fn a_database_gone_read_only_gets_503_and_what_was_committed_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let disk = Ext4::mount(&dir.path().join("disco"), &dir.path().join("disco.img"));
    let db = disk.dir.join("forms.sqlite3").display().to_string();
    let no_smtp = reserve_port();
    let service = Service::start(dir.path(), no_smtp.port, &[("AMBITO_FORMS_DB", &db)]);
    let first = service.post_form(&valid_form("Prima del guasto"));
    assert_eq!(first.status, 303, "{first:?}");

    disk.fail();
    for i in 0..3 {
        let r = service.post_form(&valid_form(&format!("Ente {i} a disco in sola lettura")));
        assert_unavailable(&r);
    }
    let json = service.request(
        "POST",
        "/forms/manifestazione-di-interesse",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        valid_form("Ente JSON a disco in sola lettura").as_bytes(),
    );
    assert_eq!(json.status, 503, "{json:?}");
    assert!(json.header("retry-after").is_some());
    // The service is still up, and what was committed is still there.
    let page = service.request("GET", first.header("location").unwrap(), &[], b"");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains(&service.receipt_of(&first)));
    drop(service);
}

/// When the "sent" marks cannot be written (here a trigger makes SQLite
/// refuse them, as a full disk does), the outbox must not send the same
/// messages again in a loop: it sends one, pauses, reports it on
/// `/healthz`, and once the marks can be written delivers the rest, each
/// message once.
#[test]
fn marks_that_cannot_be_written_pause_delivery_instead_of_resending() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let db = dir.path().join("forms.sqlite3");
    let no_smtp = reserve_port();
    let service = Service::start(dir.path(), no_smtp.port, &[]);
    // The schema exists once the service runs; marks fail from now on.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_marks BEFORE UPDATE OF district_sent_at, receipt_sent_at, status ON submissions
         BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    )
    .unwrap();
    drop(service);
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_RECEIPTS_PER_DAY", "3")],
    );
    let mut numbers = Vec::new();
    for i in 0..3 {
        let r = service.post_form(&valid_form(&format!("Ente {i}")));
        assert_eq!(r.status, 303, "{r:?}");
        numbers.push(service.receipt_of(&r));
    }
    std::thread::sleep(Duration::from_secs(3));
    let sent = delivered(&smtp.maildir).len();
    assert!(
        sent <= 1,
        "{sent} emails sent while their marks could not be written"
    );
    let health = service.request("GET", "/healthz", &[], b"");
    assert_eq!(health.status, 503, "{health:?}");
    assert!(health.body.contains("delivery paused"), "{}", health.body);

    // The disk has room again: everything is delivered, each message once.
    conn.execute_batch("DROP TRIGGER no_marks").unwrap();
    let mails = wait_for_mail(&smtp.maildir, 6);
    std::thread::sleep(Duration::from_secs(1));
    let mails = if delivered(&smtp.maildir).len() > mails.len() {
        delivered(&smtp.maildir)
    } else {
        mails
    };
    assert_eq!(mails.len(), 6, "two emails per submission, none twice");
    let all = mails
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    for n in &numbers {
        assert!(all.contains(&format!("[{n}]")), "{n} reached the district");
    }
    eventually(10, "the health check is ok again", || {
        service.request("GET", "/healthz", &[], b"").status == 200
    });
}

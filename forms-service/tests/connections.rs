//! Slow and idle clients cannot exhaust the service: headers must arrive
//! within a deadline, idle kept-alive connections are closed, and the
//! service keeps answering meanwhile.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn three_hundred_half_sent_requests_do_not_stop_the_service_and_get_closed() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[("AMBITO_FORMS_HEADER_TIMEOUT_SECONDS", "3")],
    );
    let opened = Instant::now();
    let mut held: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", service.port)).unwrap();
            s.write_all(
                b"POST /forms/manifestazione-di-interesse HTTP/1.1\r\nHost: x\r\nContent-Ty",
            )
            .unwrap();
            s
        })
        .collect();

    // The service still answers others at once.
    let started = Instant::now();
    assert_eq!(service.request("GET", "/healthz", &[], b"").status, 200);
    assert_eq!(service.post_form(&valid_form("Ente paziente")).status, 303);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // The server closes every half-sent request itself.
    for s in &mut held {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0u8; 512];
        let closed = loop {
            match s.read(&mut buf) {
                Ok(0) => break true,
                Ok(_) => continue, // a 408 or similar before closing is fine
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
                Err(e) => panic!("not closed by the server: {e}"),
            }
        };
        assert!(closed);
    }
    let took = opened.elapsed();
    assert!(took >= Duration::from_secs(2), "closed too early: {took:?}");

    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(("127.0.0.1", service.port)).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    let t = Instant::now();
    loop {
        match idle.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("idle connection kept open: {e}"),
        }
    }
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed() >= Duration::from_secs(2), "{:?}", t.elapsed());
}

/// Reads until the peer closes (or `limit` passes), returning what came.
fn read_answer(s: &mut TcpStream, limit: Duration) -> std::io::Result<String> {
    s.set_read_timeout(Some(limit))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if got.is_empty() => return Err(e),
            Err(_) => return Ok(String::from_utf8_lossy(&got).into_owned()),
        }
    }
}

#[test]
fn past_the_connection_cap_a_client_waits_until_one_closes() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_free(&dir.path().join("maildir"));
    let service = Service::start(
        dir.path(),
        smtp.port,
        &[
            ("AMBITO_FORMS_MAX_CONNECTIONS", "10"),
            // Long enough that the held connections are not closed for
            // being slow while the test looks.
            ("AMBITO_FORMS_HEADER_TIMEOUT_SECONDS", "60"),
        ],
    );
    // Ten connections, each in the middle of its headers.
    let mut held: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", service.port)).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    // The eleventh is accepted by the kernel but not served.
    let mut next = TcpStream::connect(("127.0.0.1", service.port)).unwrap();
    next.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let waiting = read_answer(&mut next, Duration::from_secs(2));
    assert!(
        waiting.as_ref().is_err_and(|e| matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )),
        "served past the cap: {waiting:?}"
    );

    // One held connection closes: the waiting one is served.
    drop(held.remove(0));
    let answer = read_answer(&mut next, Duration::from_secs(10)).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(next);

    // And the service answers new clients afterwards.
    assert_eq!(service.request("GET", "/healthz", &[], b"").status, 200);
    drop(held);
    assert_eq!(service.request("GET", "/healthz", &[], b"").status, 200);
}

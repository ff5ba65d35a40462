//! Timing a generator run: wall time and the child's own peak RSS.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Run {
    pub wall: Duration,
    /// Peak resident set size of the child, in KiB (from `wait4`).
    pub rss_kib: i64,
}

/// Runs `cmd` to completion; panics if it fails.
// The child is reaped by `wait4` (to read its own peak RSS), which clippy
// cannot see.
#[allow(clippy::zombie_processes)]
pub fn timed(mut cmd: Command) -> Run {
    let started = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start generator");
    let mut status = 0;
    // SAFETY: rusage is plain old data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "generator failed: {cmd:?}"
    );
    Run {
        wall,
        rss_kib: usage.ru_maxrss,
    }
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let m = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[m - 1] + v[m]) / 2
    } else {
        v[m]
    }
}

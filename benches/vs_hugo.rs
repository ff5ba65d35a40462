//! ambito and Hugo on the same synthetic corpus, side by side.
//!
//!     scripts/bench-vs-hugo                 # N = 1000 10000 50000, 5 runs each
//!     cargo bench --bench vs_hugo -- 200 --runs 1
//!
//! For each N: writes the corpus in both layouts, checks that both
//! generators produce the same set of page URLs, then runs them
//! alternately (a new output folder each time) and prints median wall time,
//! pages per second and peak RSS, ending with one line per N:
//! `RESULT n=10000 ambito_s=… hugo_s=… ratio=… ambito_rebuild_s=… hugo_rebuild_s=… rebuild_ratio=… …`;
//! the rebuilds are both tools building again into their existing output.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;

use measure::{median, timed};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ambito(root: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ambito"));
    c.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    c
}

fn hugo(root: &Path, out: &Path) -> Command {
    let mut c = Command::new("hugo");
    c.args(["--quiet", "--source"])
        .arg(root)
        .arg("--destination")
        .arg(out);
    c
}

/// The URLs of the pages a build wrote (folders with an index.html).
fn page_urls(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let dir = e.path().parent().unwrap().strip_prefix(out).unwrap();
            format!("/{}", dir.to_string_lossy())
                .trim_end_matches('/')
                .to_string()
                + "/"
        })
        .collect()
}

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 5;
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            "--dir" => dir = Some(PathBuf::from(args.next().expect("--dir PATH"))),
            "--bench" => {}
            other => sizes.push(
                other
                    .parse::<usize>()
                    .expect("page counts, --runs N or --dir PATH"),
            ),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10_000, 50_000];
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = dir.unwrap_or_else(|| tmp.path().to_path_buf());
    let mut results = Vec::new();
    for n in sizes {
        let a_root = base.join(format!("ambito-{n}"));
        let h_root = base.join(format!("hugo-{n}"));
        let _ = std::fs::remove_dir_all(&a_root);
        let _ = std::fs::remove_dir_all(&h_root);
        corpus::write_ambito_site(&a_root, n).expect("ambito corpus");
        corpus::write_hugo_site(&h_root, n).expect("hugo corpus");
        let outs = base.join(format!("out-{n}"));
        let _ = std::fs::remove_dir_all(&outs);
        // Warm-up, and the equivalence check on its output.
        timed(ambito(&a_root, &outs.join("ambito-warm")));
        timed(hugo(&h_root, &outs.join("hugo-warm")));
        let (a_urls, h_urls) = (
            page_urls(&outs.join("ambito-warm")),
            page_urls(&outs.join("hugo-warm")),
        );
        if a_urls != h_urls {
            let only_a: Vec<_> = a_urls.difference(&h_urls).take(5).collect();
            let only_h: Vec<_> = h_urls.difference(&a_urls).take(5).collect();
            panic!("n={n}: the outputs differ: {} vs {} pages; only ambito: {only_a:?}; only Hugo: {only_h:?}", a_urls.len(), h_urls.len());
        }
        let (mut a_runs, mut h_runs) = (Vec::new(), Vec::new());
        for i in 0..runs {
            a_runs.push(timed(ambito(&a_root, &outs.join(format!("ambito-{i}")))));
            h_runs.push(timed(hugo(&h_root, &outs.join(format!("hugo-{i}")))));
        }
        // Both rebuilding into their own existing, unchanged output.
        let (mut a_re, mut h_re) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            a_re.push(timed(ambito(&a_root, &outs.join("ambito-warm"))).wall);
            h_re.push(timed(hugo(&h_root, &outs.join("hugo-warm"))).wall);
        }
        let a_re = median(a_re).as_secs_f64();
        let h_re = median(h_re).as_secs_f64();
        let _ = std::fs::remove_dir_all(&outs);
        let a_s = median(a_runs.iter().map(|r| r.wall).collect()).as_secs_f64();
        let h_s = median(h_runs.iter().map(|r| r.wall).collect()).as_secs_f64();
        let a_rss = a_runs.iter().map(|r| r.rss_kib).max().unwrap_or(0) as f64 / 1024.0;
        let h_rss = h_runs.iter().map(|r| r.rss_kib).max().unwrap_or(0) as f64 / 1024.0;
        println!(
            "n={n} pages={} runs={runs}: ambito median {a_s:.3}s ({:.0} pages/s, {a_rss:.0} MiB), hugo median {h_s:.3}s ({:.0} pages/s, {h_rss:.0} MiB)",
            a_urls.len(),
            n as f64 / a_s,
            n as f64 / h_s
        );
        results.push(format!(
            "RESULT n={n} ambito_s={a_s:.2} hugo_s={h_s:.2} ratio={:.2} ambito_rebuild_s={a_re:.2} hugo_rebuild_s={h_re:.2} rebuild_ratio={:.2} ambito_rss_mib={a_rss:.0} hugo_rss_mib={h_rss:.0}",
            a_s / h_s,
            a_re / h_re
        ));
    }
    for r in results {
        println!("{r}");
    }
}

//! Full-build benchmark: generates a synthetic site of N pages and times
//! `ambito build` (the release binary) over several runs.
//!
//!     cargo bench --bench build                 # N = 1000 and 10000, 7 runs
//!     cargo bench --bench build -- 200 --runs 3 # any N, any number of runs
//!     cargo bench --bench build -- 10000 --dir /tmp/corpus  # keep the corpus
//!     cargo bench --bench build -- --out-dir /dev/shm       # write to memory, not disk
//!     cargo bench --bench build -- 10000 --search           # with the search index
//!     cargo bench --bench build -- 10000 --vs-pagefind      # search's cost, beside Pagefind's CLI
//!     cargo bench --bench build -- --deep 200000            # a page nested 200,000 deep
//!
//! Prints, per N, the median wall time, pages per second and the peak RSS
//! (the largest of the runs, read from the kernel with wait4).
//!
//! `--vs-pagefind` times, in turn within each run (so that a machine's
//! changing load falls on all three alike), the build without search, the
//! build with search, and Pagefind's own CLI (npm `pagefind`, installed in
//! `benches/node/` by `scripts/test-deps`) indexing the output of the
//! build without search; it prints their medians, search's own cost (with
//! ÷ without), the ratio with ÷ (without + CLI), and the size of the
//! index. Without the CLI it says so and times the two builds only.
//! `--baseline BIN` adds, in the same turns, another ambito binary's build
//! with search (an earlier version, to measure a change).
//!
//! `--deep D` builds a one-page site whose page is a list nested D deep,
//! without and with search, alternately, and prints the medians.

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;

use measure::{median, timed, Run};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// One build into `out`: a new folder (fresh build) or the output of an
/// earlier build of the same corpus (rebuild with nothing changed).
fn run_once(root: &Path, out: &Path) -> Run {
    run_with(Path::new(env!("CARGO_BIN_EXE_ambito")), root, out)
}

fn run_with(bin: &Path, root: &Path, out: &Path) -> Run {
    // Each run writes a new folder (a cold output directory). Old ones are
    // removed only after all runs: deleting 20,000 files and folders keeps
    // some disks busy long enough to slow the next run.
    let mut cmd = Command::new(bin);
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    timed(cmd)
}

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 7;
    // Where to generate the corpus; kept afterwards (for profiling).
    let mut keep: Option<PathBuf> = None;
    // Where builds write (default: beside the corpus). `--out-dir /dev/shm`
    // leaves the disk out of the measurement.
    let mut out_dir: Option<PathBuf> = None;
    // Index the pages for search (`search: true`), as the real site does.
    let mut search = false;
    let mut vs_pagefind = false;
    let mut deep: Option<usize> = None;
    let mut baseline: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            "--dir" => keep = Some(PathBuf::from(args.next().expect("--dir PATH"))),
            "--out-dir" => {
                out_dir = Some(PathBuf::from(args.next().expect("--out-dir PATH")));
            }
            "--search" => search = true,
            "--vs-pagefind" => vs_pagefind = true,
            "--baseline" => baseline = Some(PathBuf::from(args.next().expect("--baseline BIN"))),
            "--deep" => deep = Some(args.next().and_then(|d| d.parse().ok()).expect("--deep D")),
            "--bench" => {}
            other => match other.parse::<usize>() {
                Ok(n) => sizes.push(n),
                Err(_) => eprintln!("ignoring argument {other}"),
            },
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10_000];
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let outs_dir = out_dir.clone().unwrap_or_else(|| base.clone());
    if let Some(depth) = deep {
        deep_page(&base, &outs_dir, depth, runs);
        return;
    }
    if vs_pagefind {
        for n in sizes {
            side_by_side(&base, &outs_dir, n, runs, baseline.as_deref());
        }
        return;
    }
    for n in sizes {
        let root = base.join(format!("site-{n}"));
        corpus::write_ambito_site(&root, n).expect("write corpus");
        if search {
            corpus::set_search(&root, true);
        }
        let bytes: u64 = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
            .sum();
        let outs = out_dir
            .clone()
            .unwrap_or_else(|| base.clone())
            .join(format!("ambito-bench-public-{n}"));
        let _ = std::fs::remove_dir_all(&outs);
        run_once(&root, &outs.join("warm-up")); // warm the page cache
        let results: Vec<Run> = (0..runs)
            .map(|i| run_once(&root, &outs.join(format!("run-{i}"))))
            .collect();
        // Rebuilds into an existing, unchanged output.
        let rebuilds: Vec<Duration> = (0..runs)
            .map(|_| run_once(&root, &outs.join("warm-up")).wall)
            .collect();
        let rebuild = median(rebuilds);
        let _ = std::fs::remove_dir_all(&outs);
        let walls: Vec<Duration> = results.iter().map(|r| r.wall).collect();
        let min = walls.iter().min().copied().unwrap_or_default();
        let max = walls.iter().max().copied().unwrap_or_default();
        let med = median(walls);
        let rss = results.iter().map(|r| r.rss_kib).max().unwrap_or(0);
        println!(
            "n={n}{} content={:.1}MiB runs={runs} median={:.3}s (min {:.3}s, max {:.3}s) pages/s={:.0} peak_rss={:.1}MiB rebuild_median={:.3}s",
            if search { " search" } else { "" },
            bytes as f64 / 1_048_576.0,
            med.as_secs_f64(),
            min.as_secs_f64(),
            max.as_secs_f64(),
            n as f64 / med.as_secs_f64(),
            rss as f64 / 1024.0,
            rebuild.as_secs_f64()
        );
    }
}

/// Pagefind's CLI from npm, if `scripts/test-deps` installed it.
fn pagefind_cli() -> Option<PathBuf> {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/node/node_modules/.bin/pagefind");
    let works = Command::new(&cli)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(cli)
}

/// Bytes and files under `dir`.
fn size_of(dir: &Path) -> (u64, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .fold((0, 0), |(bytes, files), m| (bytes + m.len(), files + 1))
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Without search, with search and Pagefind's CLI, in turn, `runs` times.
fn side_by_side(base: &Path, outs_dir: &Path, n: usize, runs: usize, baseline: Option<&Path>) {
    let root = base.join(format!("site-{n}"));
    corpus::write_ambito_site(&root, n).expect("write corpus");
    let cli = pagefind_cli();
    if cli.is_none() {
        println!(
            "n={n}: Pagefind's CLI is not installed (scripts/test-deps installs it in benches/node/): timing the builds only"
        );
    }
    let outs = outs_dir.join(format!("ambito-bench-vs-pagefind-{n}"));
    let _ = std::fs::remove_dir_all(&outs);
    // Warm the page cache, and the corpus in it.
    corpus::set_search(&root, false);
    run_once(&root, &outs.join("warm-up"));
    let (mut without, mut with, mut by_cli) = (Vec::new(), Vec::new(), Vec::new());
    let mut by_baseline = Vec::new();
    let (mut rss_without, mut rss_with) = (0, 0);
    for i in 0..runs {
        corpus::set_search(&root, false);
        let plain = outs.join(format!("without-{i}"));
        let run = run_once(&root, &plain);
        without.push(run.wall);
        rss_without = rss_without.max(run.rss_kib);
        corpus::set_search(&root, true);
        let run = run_once(&root, &outs.join(format!("with-{i}")));
        with.push(run.wall);
        rss_with = rss_with.max(run.rss_kib);
        if let Some(bin) = baseline {
            by_baseline.push(run_with(bin, &root, &outs.join(format!("baseline-{i}"))).wall);
        }
        if let Some(cli) = &cli {
            let mut cmd = Command::new(cli);
            cmd.arg("--site")
                .arg(&plain)
                .arg("--output-path")
                .arg(outs.join(format!("cli-{i}")))
                .args(["--force-language", "it", "--silent"]);
            by_cli.push(timed(cmd).wall);
        }
    }
    let (index_bytes, index_files) = size_of(&outs.join("with-0/pagefind"));
    let without = median(without);
    let with = median(with);
    let mut line = format!(
        "n={n} runs={runs} without_search={:.3}s with_search={:.3}s search_cost=with/without={:.2} peak_rss={:.0}MiB/{:.0}MiB index={:.1}MiB in {index_files} files",
        secs(without),
        secs(with),
        secs(with) / secs(without),
        rss_without as f64 / 1024.0,
        rss_with as f64 / 1024.0,
        index_bytes as f64 / 1_048_576.0,
    );
    if !by_cli.is_empty() {
        let by_cli = median(by_cli);
        let (cli_bytes, cli_files) = size_of(&outs.join("cli-0"));
        line.push_str(&format!(
            " pagefind_cli={:.3}s (index {:.1}MiB in {cli_files} files) with/(without+cli)={:.2}",
            secs(by_cli),
            cli_bytes as f64 / 1_048_576.0,
            secs(with) / (secs(without) + secs(by_cli)),
        ));
    }
    if !by_baseline.is_empty() {
        let by_baseline = median(by_baseline);
        let (bytes, files) = size_of(&outs.join("baseline-0/pagefind"));
        let same = size_of(&outs.join("with-0")) == size_of(&outs.join("baseline-0"));
        line.push_str(&format!(
            " baseline_with_search={:.3}s (index {:.1}MiB in {files} files; output {} in size) baseline/with={:.2}",
            secs(by_baseline),
            bytes as f64 / 1_048_576.0,
            if same { "the same" } else { "different" },
            secs(by_baseline) / secs(with),
        ));
    }
    println!("{line}");
    let _ = std::fs::remove_dir_all(&outs);
}

/// A one-page site whose page is a list nested `depth` deep, built
/// without and with search, in turn.
fn deep_page(base: &Path, outs_dir: &Path, depth: usize, runs: usize) {
    let root = base.join(format!("deep-{depth}"));
    corpus::write_ambito_site(&root, 10).expect("write corpus");
    let page = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.file_name() != "_index.md")
        .expect("a page")
        .into_path();
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, format!("{text}\n{}fondo\n", "- ".repeat(depth))).expect("page");
    let outs = outs_dir.join(format!("ambito-bench-deep-{depth}"));
    let _ = std::fs::remove_dir_all(&outs);
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for i in 0..runs {
        corpus::set_search(&root, false);
        without.push(run_once(&root, &outs.join(format!("without-{i}"))).wall);
        corpus::set_search(&root, true);
        with.push(run_once(&root, &outs.join(format!("with-{i}"))).wall);
    }
    println!(
        "deep={depth} runs={runs} without_search={:.3}s with_search={:.3}s",
        secs(median(without)),
        secs(median(with)),
    );
    let _ = std::fs::remove_dir_all(&outs);
}

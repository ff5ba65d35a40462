//! Full-build benchmark: generates a synthetic site of N pages and times
//! `ambito build` (the release binary) over several runs.
//!
//!     cargo bench --bench build                 # N = 1000 and 10000, 7 runs
//!     cargo bench --bench build -- 200 --runs 3 # any N, any number of runs
//!     cargo bench --bench build -- 10000 --dir /tmp/corpus  # keep the corpus
//!     cargo bench --bench build -- --out-dir /dev/shm       # write to memory, not disk
//!     cargo bench --bench build -- 10000 --search           # with the search index
//!
//! Prints, per N, the median wall time, pages per second and the peak RSS
//! (the largest of the runs, read from the kernel with wait4).

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;

use measure::{median, timed, Run};

use std::process::Command;
use std::time::Duration;

/// One build into `out`: a new folder (fresh build) or the output of an
/// earlier build of the same corpus (rebuild with nothing changed).
fn run_once(root: &std::path::Path, out: &std::path::Path) -> Run {
    // Each run writes a new folder (a cold output directory). Old ones are
    // removed only after all runs: deleting 20,000 files and folders keeps
    // some disks busy long enough to slow the next run.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ambito"));
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
    let mut keep: Option<std::path::PathBuf> = None;
    // Where builds write (default: beside the corpus). `--out-dir /dev/shm`
    // leaves the disk out of the measurement.
    let mut out_dir: Option<std::path::PathBuf> = None;
    // Index the pages for search (`search: true`), as the real site does.
    let mut search = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            "--dir" => keep = Some(std::path::PathBuf::from(args.next().expect("--dir PATH"))),
            "--out-dir" => {
                out_dir = Some(std::path::PathBuf::from(
                    args.next().expect("--out-dir PATH"),
                ));
            }
            "--search" => search = true,
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
    for n in sizes {
        let root = base.join(format!("site-{n}"));
        corpus::write_ambito_site(&root, n).expect("write corpus");
        if search {
            let config = root.join("site.yaml");
            let text = std::fs::read_to_string(&config).expect("site.yaml");
            std::fs::write(&config, format!("{text}search: true\n")).expect("site.yaml");
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

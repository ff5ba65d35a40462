//! Preview benchmark: the time from saving a page to the reload message
//! the open pages receive, on a synthetic site of N pages. Starts the
//! release binary's `ambito serve`, listens to its event stream like a
//! browser, and edits files as an editor saves them.
//!
//!     cargo bench --bench preview                  # N = 10000, 15 edits of each kind
//!     cargo bench --bench preview -- 200 --runs 3  # any N, any number of edits
//!     cargo bench --bench preview -- 10000 --search  # with the search index
//!
//! Prints the median (and min, max) for an edit of a page's body, which
//! re-renders that page only, and for an edit of a title, which takes the
//! full build. With `--search`, also the time from saving a body edit until
//! the search index, brought up to date in the background, includes it
//! (`body-index`).

// Tests and benchmarks may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;

use measure::median;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The preview, and its event stream read as a browser does.
struct Preview {
    child: Child,
    events: BufReader<TcpStream>,
}

impl Preview {
    fn start(root: &Path) -> Preview {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ambito"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", "0"])
            // Its folder beside the corpus, removed with it: the preview is
            // killed, so it cannot remove the folder itself.
            .env("TMPDIR", root.parent().unwrap_or(root))
            // Its messages in Italian, whatever the machine's locale.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ambito serve");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines.next().expect("ambito serve stopped").unwrap();
            if let Some(rest) = line.strip_prefix("anteprima su http://") {
                break rest.split('/').next().unwrap_or_default().to_string();
            }
        };
        // Keep draining the terminal output, or the preview would block on it.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET /__ambito/eventi HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut preview = Preview {
            child,
            events: BufReader::new(stream),
        };
        preview.next_event(); // the state now
        preview
    }

    /// Waits for the next event and returns its name (`message` unless
    /// named) and data.
    fn next_event(&mut self) -> (String, String) {
        let mut line = String::new();
        let mut name = String::from("message");
        loop {
            line.clear();
            assert!(
                self.events.read_line(&mut line).unwrap() > 0,
                "stream closed"
            );
            let line = line.trim_end();
            if let Some(event) = line.strip_prefix("event:") {
                name = event.trim().to_string();
            } else if let Some(data) = line.strip_prefix("data:") {
                return (name, data.trim().to_string());
            }
        }
    }

    /// Saves `text` at `path` as editors do (a temporary file renamed over
    /// it) and returns the time until the reload message, and, when
    /// `indexed` is the number of edits the index should then include, the
    /// time until it does.
    fn save(
        &mut self,
        path: &Path,
        text: &str,
        indexed: Option<u64>,
    ) -> (Duration, Option<Duration>) {
        let temp = path.with_extension("md.salvataggio");
        std::fs::write(&temp, text).unwrap();
        let started = Instant::now();
        std::fs::rename(&temp, path).unwrap();
        let mut reloaded = None;
        let mut caught_up = None;
        while reloaded.is_none() || (indexed.is_some() && caught_up.is_none()) {
            let (name, data) = self.next_event();
            if name == "indice" {
                let state: serde_json::Value = serde_json::from_str(&data).unwrap();
                assert!(state["errore"].is_null(), "the index failed: {data}");
                let done = state["inclusi"].as_u64().unwrap_or_default();
                if indexed.is_some_and(|n| done >= n) && state["indietro"] == false {
                    caught_up = Some(started.elapsed());
                }
                continue;
            }
            assert!(
                data.contains("pronto"),
                "the edit broke the preview: {data}"
            );
            reloaded = Some(started.elapsed());
        }
        (reloaded.unwrap_or_default(), caught_up)
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn report(what: &str, n: usize, times: Vec<Duration>) {
    let min = times.iter().min().copied().unwrap_or_default();
    let max = times.iter().max().copied().unwrap_or_default();
    let runs = times.len();
    println!(
        "n={n} edit={what} runs={runs} median={:.1}ms (min {:.1}ms, max {:.1}ms)",
        median(times).as_secs_f64() * 1000.0,
        min.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0,
    );
}

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 15;
    let mut search = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            "--bench" => {}
            "--search" => search = true,
            other => match other.parse::<usize>() {
                Ok(n) => sizes.push(n),
                Err(_) => eprintln!("ignoring argument {other}"),
            },
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000];
    }
    for n in sizes {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("sito");
        corpus::write_ambito_site(&root, n).expect("write corpus");
        corpus::set_search(&root, search);
        let (section, stem) = corpus::page_location(n / 2);
        let page = root
            .join("content")
            .join(corpus::section_key(section))
            .join(format!("{stem}.md"));
        let original = std::fs::read_to_string(&page).unwrap();
        let mut preview = Preview::start(&root);

        let (body, index): (Vec<Duration>, Vec<Option<Duration>>) = (0..runs)
            .map(|i| {
                let text = format!("{original}\nModifica numero {i}.\n");
                preview.save(&page, &text, search.then_some(i as u64 + 1))
            })
            .unzip();
        report("body", n, body);
        if search {
            report("body-index", n, index.into_iter().flatten().collect());
        }

        let title: Vec<Duration> = (0..runs.min(5))
            .map(|i| {
                let text = original.replacen("title: ", &format!("title: {i} "), 1);
                preview.save(&page, &text, None).0
            })
            .collect();
        report("title", n, title);
    }
}

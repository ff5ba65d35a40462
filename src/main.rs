//! The `ambito` command: build, check and preview the site.

use ambito::{build, BuildError, BuildOptions};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

// Page rendering allocates many short-lived strings on every core at once;
// mimalloc's per-thread heaps make that markedly faster than glibc malloc
// (see benches/build.rs for the figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "ambito",
    version,
    about = "Builds the Zona Distretto Valle del Serchio site from content/ and a theme"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The site folder, with site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Use this address instead of base_url from site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Use this address of the forms service instead of forms_endpoint from site.yaml.
        #[arg(long)]
        forms_endpoint: Option<String>,
        /// Also publish pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors: write nothing unless the site is ready to publish.
        #[arg(long)]
        strict: bool,
    },
    /// Check everything a build checks, without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Build the site and serve a preview on 127.0.0.1.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Where to write the preview (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Hide pages marked `draft: true` (shown by default in previews).
        #[arg(long)]
        no_drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            forms_endpoint,
            drafts,
            strict,
        } => {
            let mut opts = BuildOptions::new(&root);
            if let Some(out) = output {
                opts.output = Some(out);
            }
            opts.base_url = base_url;
            opts.forms_endpoint = forms_endpoint;
            opts.drafts = drafts;
            opts.strict = strict;
            run_build(&opts, "built")
        }
        Command::Check {
            root,
            drafts,
            strict,
        } => {
            let mut opts = BuildOptions::new(&root);
            opts.output = None;
            opts.drafts = drafts;
            opts.strict = strict;
            run_build(&opts, "checked")
        }
        Command::Serve {
            root,
            port,
            output,
            no_drafts,
        } => serve(root, port, output, !no_drafts),
    }
}

fn run_build(opts: &BuildOptions, verb: &str) -> ExitCode {
    let started = std::time::Instant::now();
    match build(opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            let warnings = match report.warnings.len() {
                0 => String::new(),
                1 => " (1 warning)".to_string(),
                n => format!(" ({n} warnings)"),
            };
            eprintln!(
                "{verb} {} pages in {} ms{warnings}",
                report.pages,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => report_error(&e),
    }
}

fn report_error(e: &BuildError) -> ExitCode {
    match e {
        BuildError::Invalid(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{errors} error{} found; nothing was written, the previous site is unchanged",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        BuildError::NotASite(_) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        BuildError::Io { .. } => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn serve(root: PathBuf, port: u16, output: Option<PathBuf>, drafts: bool) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let (listener, addr) = match ambito::serve::bind(port).await {
            Ok(bound) => bound,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e} (is another preview running? try --port)");
                return ExitCode::from(2);
            }
        };
        let url = format!("http://{addr}/");
        let mut opts = BuildOptions::new(&root);
        if let Some(out) = output {
            opts.output = Some(out);
        }
        opts.base_url = Some(url.clone());
        opts.drafts = drafts;
        // A preview's address is local on purpose.
        opts.publishing = false;
        let code = run_build(&opts, "built");
        if code != ExitCode::SUCCESS {
            return code;
        }
        let dir = opts.output.clone().unwrap_or_else(|| root.join("public"));
        eprintln!("preview at {url} (Ctrl+C to stop)");
        match ambito::serve::serve_dir(&dir, listener).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        }
    })
}

//! The `ambito` command: build, check and preview the site.

use ambito::{build, BuildError, BuildOptions};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Write a new page in SECTION, with the fields its schema asks for.
    New {
        /// The section (the folder under content/), e.g. comuni.
        section: String,
        /// The page's name (its file name and address), e.g. nuovo-servizio.
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Preview the site: build it in a private folder (never public/),
    /// rebuild on every change, reload open pages.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on; the next free one if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (127.0.0.1: only this computer).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
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
        Command::New {
            section,
            name,
            root,
        } => match ambito::new_page::create(&root, &section, &name) {
            Ok(path) => {
                eprintln!(
                    "scritta {}: compila i campi, poi `ambito check` dice cosa manca",
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("errore: {e}");
                ExitCode::from(1)
            }
        },
        Command::Serve {
            root,
            port,
            bind,
            no_drafts,
        } => serve(root, bind, port, !no_drafts),
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

fn serve(root: PathBuf, ip: std::net::IpAddr, port: u16, drafts: bool) -> ExitCode {
    if !root.join("site.yaml").is_file() {
        report_error(&BuildError::NotASite(root));
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("errore: impossibile avviare l'anteprima: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let (listener, addr) = match ambito::serve::bind(ip, port).await {
            Ok(bound) => bound,
            Err(e) => {
                eprintln!("errore: impossibile ascoltare su {ip}:{port}: {e} (prova un'altra --port)");
                return ExitCode::from(2);
            }
        };
        let url = format!("http://{addr}/");
        let mut opts = BuildOptions::new(&root);
        opts.base_url = Some(url.clone());
        opts.drafts = drafts;
        let preview = match ambito::serve::Preview::new(opts) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("errore: impossibile creare la cartella dell'anteprima: {e}");
                return ExitCode::from(1);
            }
        };
        let first = Arc::clone(&preview);
        let _ = tokio::task::spawn_blocking(move || first.rebuild()).await;
        let watcher = match ambito::serve::watch(&preview) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!("attenzione: le modifiche non saranno viste da sole ({e}): riavvia l'anteprima dopo aver salvato");
                None
            }
        };
        eprintln!("anteprima su {url} (Ctrl+C per fermarla)");
        let served = ambito::serve::serve(Arc::clone(&preview), listener).await;
        drop(watcher);
        preview.close();
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("errore: {e}");
                ExitCode::from(1)
            }
        }
    })
}

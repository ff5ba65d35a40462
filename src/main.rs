//! The `ambito` command: build, check and preview the site.

use ambito::report::messages::{self, Lang};
use ambito::{build, msg, BuildError, BuildOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ambito::cli::help as cli_help;

// Page rendering allocates many short-lived strings on every core at once;
// mimalloc's per-thread heaps make that markedly faster than glibc malloc
// (see benches/build.rs for the figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command line. Its help texts come from the message catalogue, in
/// the language of the messages (see `cli_help`), not from these comments.
#[derive(Parser)]
#[command(name = "ambito", version)]
struct Cli {
    /// Language of messages (`--lang it|en`).
    #[arg(long, global = true, value_parser = parse_lang)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| msg!(BAD_LANG, lang = code).render(Lang::En))
}

impl Command {
    fn root(&self) -> &Path {
        match self {
            Command::Build { root, .. }
            | Command::Check { root, .. }
            | Command::New { root, .. }
            | Command::Serve { root, .. }
            | Command::Cms { root, .. } => root,
        }
    }
}

/// Chooses the language of every message: `--lang`, else an English
/// locale, else the site's `language` (see [`Lang::choose`]).
fn choose_language(flag: Option<Lang>, root: &Path) -> Lang {
    let locale = Lang::locale_from_env();
    let site = std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|text| ambito::schema::config::language_of(&text));
    Lang::choose(flag, locale.as_deref(), site.as_deref())
}

/// The language of the messages before clap has read the command line
/// (for its help and its errors): `--lang` and `--root` picked out of the
/// raw arguments.
fn early_language() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let after = |name: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&format!("{name}="))
                .map(str::to_string)
                .or_else(|| (a == name).then(|| args.get(i + 1).cloned()).flatten())
        })
    };
    let flag = after("--lang").and_then(|l| Lang::from_code(&l));
    let root = after("--root").map_or_else(|| PathBuf::from("."), PathBuf::from);
    choose_language(flag, &root)
}

/// Reads the command line, with its help in `lang`.
fn parse(lang: Lang) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `ambito help [COMMAND]` is `ambito [COMMAND] --help`, as with clap's
    // own help subcommand (whose description clap cannot translate).
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    let matches = cli_help::localize(Cli::command(), lang).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// A command line clap refused. Help and version are printed as they are
/// (the help already in `lang`); an error is introduced in Italian (clap's
/// own detail, in English, follows) unless messages are in English. Exit
/// status 2.
fn usage_error(e: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind;
    let shown = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if shown || lang == Lang::En {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    messages::set_language(lang);
    let rendered = e.render().to_string();
    let detail = rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    eprintln!("{}", error_line(msg!(USAGE_ERROR, detail = detail)));
    eprintln!("{}", msg!(USAGE_HINT));
    ExitCode::from(2)
}

/// `errore: …` (or `error: …`), in the chosen language.
fn error_line(message: messages::Message) -> messages::Message {
    msg!(LABELLED, label = msg!(ERROR_LABEL), message = message)
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        // The site folder, with site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        // Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        // Use this address instead of base_url from site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        // Use this address of the forms service instead of forms_endpoint from site.yaml.
        #[arg(long)]
        forms_endpoint: Option<String>,
        // Also publish pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        // Treat warnings as errors: write nothing unless the site is ready to publish.
        #[arg(long)]
        strict: bool,
    },
    /// Check everything a build checks, without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        // Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Write a new page in SECTION, with the fields its schema asks for.
    New {
        // The section (the folder under content/), e.g. comuni.
        section: String,
        // The page's name (its file name and address), e.g. nuovo-servizio.
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Preview the site: build it in a private folder (never public/),
    /// rebuild on every change, reload open pages.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        // Port to listen on; the next free one if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        // Address to listen on (127.0.0.1: only this computer).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        // Hide pages marked `draft: true` (shown by default in previews).
        #[arg(long)]
        no_drafts: bool,
        // Also serve the web editor (Decap CMS) at /admin/.
        #[arg(long)]
        admin: bool,
    },
    /// Write the web editor (Decap CMS) for a Git forge into a folder.
    Cms {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: PathBuf,
        #[arg(long, value_parser = ["gitea", "gitlab"])]
        backend: String,
        #[arg(long)]
        repo: String,
        #[arg(long)]
        forge_url: String,
        #[arg(long, default_value = "main")]
        branch: String,
        #[arg(long)]
        app_id: Option<String>,
    },
}

fn main() -> ExitCode {
    let early = early_language();
    let cli = match parse(early) {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e, early),
    };
    messages::set_language(choose_language(cli.lang, cli.command.root()));
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
                // A build replaces its output whole: never over the site's
                // own files, nor over a folder ambito did not write.
                if let Err(refused) = ambito::write::output_target::check(&root, &out) {
                    eprintln!("{}", error_line(refused.message()));
                    return ExitCode::from(2);
                }
                opts.output = Some(out);
            }
            opts.base_url = base_url;
            opts.forms_endpoint = forms_endpoint;
            opts.drafts = drafts;
            opts.strict = strict;
            run_build(&opts, Verb::Build)
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
            run_build(&opts, Verb::Check)
        }
        Command::New {
            section,
            name,
            root,
        } => match ambito::cli::new_page::create(&root, &section, &name) {
            Ok(path) => {
                let path = path.to_string_lossy().replace('\\', "/");
                eprintln!("{}", msg!(NEW_PAGE_WRITTEN, path = path));
                ExitCode::SUCCESS
            }
            Err(ambito::cli::new_page::NewPageError::Site(d)) => {
                eprintln!("{d}");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("{}", error_line(e.message()));
                ExitCode::from(1)
            }
        },
        Command::Serve {
            root,
            port,
            bind,
            no_drafts,
            admin,
        } => serve(root, bind, port, !no_drafts, admin),
        Command::Cms {
            root,
            output,
            backend,
            repo,
            forge_url,
            branch,
            app_id,
        } => {
            let backend = ambito::cms::config::Backend::Forge {
                name: backend,
                repo,
                base_url: forge_url,
                branch,
                app_id,
            };
            match ambito::cms::write_admin(&root, &output, &backend) {
                Ok(done) => {
                    eprintln!("{done}");
                    ExitCode::SUCCESS
                }
                Err(why) => {
                    eprintln!("{}", error_line(msg!(VERBATIM, text = why)));
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// What `run_build` does: `build` writes the site, `check` never writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Build,
    Check,
}

fn run_build(opts: &BuildOptions, verb: Verb) -> ExitCode {
    let started = std::time::Instant::now();
    match build(opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            let warnings = match report.warnings.len() {
                0 => messages::Message::empty(),
                1 => msg!(WARNINGS_ONE),
                n => msg!(WARNINGS_MANY, count = n),
            };
            let pages = report.pages;
            let ms = started.elapsed().as_millis().to_string();
            let done = match verb {
                Verb::Build => msg!(BUILD_DONE, pages = pages, ms = ms, warnings = warnings),
                Verb::Check => msg!(CHECK_DONE, pages = pages, ms = ms, warnings = warnings),
            };
            eprintln!("{done}");
            ExitCode::SUCCESS
        }
        Err(e) => report_error(&e, verb),
    }
}

fn report_error(e: &BuildError, verb: Verb) -> ExitCode {
    match e {
        BuildError::Invalid(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            // `check` never writes: it has no site to leave unchanged.
            let summary = match (verb, errors) {
                (Verb::Build, 1) => msg!(BUILD_FAILED_ONE),
                (Verb::Build, n) => msg!(BUILD_FAILED_MANY, count = n),
                (Verb::Check, 1) => msg!(CHECK_FAILED_ONE),
                (Verb::Check, n) => msg!(CHECK_FAILED_MANY, count = n),
            };
            eprintln!("{summary}");
            ExitCode::from(1)
        }
        BuildError::NotASite(_) => {
            eprintln!("{}", error_line(e.message()));
            ExitCode::from(2)
        }
        BuildError::Io { .. } => {
            eprintln!("{}", error_line(e.message()));
            ExitCode::from(1)
        }
    }
}

fn serve(root: PathBuf, ip: std::net::IpAddr, port: u16, drafts: bool, admin: bool) -> ExitCode {
    if !root.join("site.yaml").is_file() {
        return report_error(&BuildError::NotASite(root), Verb::Build);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!(
                "{}",
                error_line(msg!(PREVIEW_CANNOT_START, detail = e.to_string()))
            );
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let (listener, addr) = match ambito::preview::serve::bind(ip, port).await {
            Ok(bound) => bound,
            Err(e) => {
                let addr = std::net::SocketAddr::new(ip, port).to_string();
                let why = msg!(PREVIEW_CANNOT_LISTEN, addr = addr, detail = e.to_string());
                eprintln!("{}", error_line(why));
                return ExitCode::from(2);
            }
        };
        let url = format!("http://{addr}/");
        let mut opts = BuildOptions::new(&root);
        opts.base_url = Some(url.clone());
        opts.drafts = drafts;
        let preview = match ambito::preview::serve::Preview::new(opts) {
            Ok(p) => p,
            Err(e) => {
                let why = msg!(PREVIEW_NO_FOLDER, detail = e.to_string());
                eprintln!("{}", error_line(why));
                return ExitCode::from(1);
            }
        };
        let first = Arc::clone(&preview);
        let _ = tokio::task::spawn_blocking(move || first.rebuild()).await;
        let watcher = match ambito::preview::serve::watch(&preview) {
            Ok(w) => Some(w),
            Err(e) => {
                let why = msg!(PREVIEW_NO_WATCH, detail = e.to_string());
                eprintln!(
                    "{}",
                    msg!(LABELLED, label = msg!(WARNING_LABEL), message = why)
                );
                None
            }
        };
        eprintln!("{}", msg!(PREVIEW_AT, url = &url));
        let extra = if admin {
            ambito::cms::admin_routes(&root, &url, ip)
        } else {
            axum::Router::new()
        };
        let served =
            ambito::preview::serve::serve_with(Arc::clone(&preview), listener, extra).await;
        drop(watcher);
        preview.close();
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}", error_line(msg!(VERBATIM, text = e.to_string())));
                ExitCode::from(1)
            }
        }
    })
}

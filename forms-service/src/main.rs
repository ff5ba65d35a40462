//! The `ambito-forms` command.

use ambito_forms::clock;
use ambito_forms::config::{Config, Sources};
use ambito_forms::store::{Db, Status};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ambito-forms",
    version,
    about = "Receives the site's forms, stores and emails them"
)]
struct Cli {
    /// A TOML file with settings (keys as the AMBITO_FORMS_* variables, in
    /// lower case); the environment overrides it. Also AMBITO_FORMS_CONFIG.
    #[arg(long, global = true, env = "AMBITO_FORMS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve,
    /// List submissions.
    List {
        #[arg(long)]
        status: Option<Status>,
    },
    /// Export all submissions.
    Export {
        /// As CSV (UTF-8, `;`-separated, for Excel).
        #[arg(long, required = true)]
        csv: bool,
        /// Write to this file instead of the standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Put a failed (or pending) submission back in the delivery queue now.
    Retry {
        /// Protocol number (MI-2026-000042) or id.
        id: String,
    },
    /// Delete delivered, failed and spam submissions older than DAYS, with
    /// their mail files (pending ones are never deleted).
    Purge {
        #[arg(long, value_name = "DAYS")]
        older_than: u32,
    },
    /// Delete one submission everywhere, whatever its state (a request to
    /// erase personal data, GDPR art. 17).
    Erase {
        /// Receipt number (MI-2026-000042).
        protocol: String,
    },
    /// Write a consistent copy of the database to FILE (safe while the
    /// service runs).
    Backup {
        file: PathBuf,
        /// Also copy the uploaded files the copy names into DIR (same
        /// layout as `files/` beside the database), each checked against
        /// its SHA-256.
        #[arg(long, value_name = "DIR")]
        files: Option<PathBuf>,
    },
    /// Copy the files sent with a submission into DIR, each checked
    /// against the SHA-256 recorded when it was received.
    Attachments {
        /// Receipt number (MI-2026-000042).
        protocol: String,
        /// The folder to write them in (created if missing).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
    },
}

/// Text from the database as the terminal gets it: control characters
/// (escape sequences that could rewrite the screen or the title, bells,
/// carriage returns) become `?`. Tabs separate the columns, so they go too.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn main() -> ExitCode {
    // Everything the service and its commands create (database, WAL,
    // mail files, backups, exports, folders) is readable by its owner only.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AMBITO_FORMS_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let sources = Sources::load(cli.config.as_deref(), std::env::vars())?;
    let config = Config::from_sources(&sources)?;
    match cli.command {
        Command::Serve => {
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            runtime.block_on(ambito_forms::app::serve(config))?;
        }
        Command::List { status } => {
            let db = Db::open(&config.db)?;
            for s in db.list(status)? {
                let who = s.answers.first().map_or("", |a| a.display.as_str());
                let error = s
                    .last_error
                    .as_deref()
                    .map(|e| format!("  ({e})"))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    printable(s.protocol.as_str()),
                    ambito_forms::mail::italian_datetime(s.received_at),
                    s.status.as_str(),
                    s.attempts,
                    printable(who),
                    printable(&error)
                );
            }
        }
        Command::Export { csv: _, output } => {
            let db = Db::open(&config.db)?;
            let all = db.list(None)?;
            match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    ambito_forms::export::csv(&all, file)?;
                }
                None => ambito_forms::export::csv(&all, std::io::stdout().lock())?,
            }
        }
        Command::Retry { id } => {
            let db = Db::open(&config.db)?;
            let shown = printable(&id);
            if db.retry(&id, clock::now_ms())? {
                println!(
                    "{shown}: queued for delivery (a running service sends it within seconds)"
                );
            } else {
                anyhow::bail!(
                    "{shown}: no pending or failed submission with that receipt number or id"
                );
            }
        }
        Command::Purge { older_than } => {
            let mut db = Db::open(&config.db)?;
            let before = clock::now() - i64::from(older_than) * 86_400;
            let n = ambito_forms::retention::purge(
                &mut db,
                before,
                &config.mail_dir,
                &config.files_dir(),
            )?;
            println!("deleted {n} submissions received more than {older_than} days ago");
        }
        Command::Erase { protocol } => {
            let mut db = Db::open(&config.db)?;
            let shown = printable(&protocol);
            if ambito_forms::retention::erase(
                &mut db,
                &protocol,
                &config.mail_dir,
                &config.files_dir(),
            )? {
                println!("{shown}: deleted from the database and the mail folder");
            } else {
                anyhow::bail!("{shown}: no submission with that receipt number");
            }
        }
        Command::Attachments { protocol, output } => {
            let db = Db::open(&config.db)?;
            let shown = printable(&protocol);
            let files = db.files_of(&protocol)?;
            if files.is_empty() {
                anyhow::bail!("{shown}: no submission with files under that receipt number");
            }
            for written in ambito_forms::upload::copy_out(&config.files_dir(), &files, &output)? {
                println!("{}", printable(&written.display().to_string()));
            }
        }
        Command::Backup { file, files } => {
            let db = Db::open(&config.db)?;
            db.backup(&file)?;
            println!(
                "database copied to {}",
                printable(&file.display().to_string())
            );
            if let Some(dir) = files {
                // The files the copy names, not the live database: files
                // never change once stored, so the copy and these files
                // agree however the service goes on meanwhile.
                let listed = Db::open(&file)?.all_files()?;
                let n = ambito_forms::upload::back_up(&config.files_dir(), &listed, &dir)?;
                println!(
                    "{n} uploaded files copied to {}",
                    printable(&dir.display().to_string())
                );
            }
        }
    }
    Ok(())
}

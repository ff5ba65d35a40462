//! `ambito --help` in the language of the messages. clap's derive gives
//! the structure (commands, arguments, defaults); every text a person reads
//! in the help (descriptions, headings, placeholders, the help and version
//! flags) comes from the message catalogue, in Italian or English.

use crate::msg;
use crate::report::messages::{Lang, Message};
use clap::{Arg, ArgAction, Command};

/// The command line as clap knows it, with its help written in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let t = |m: Message| m.render(lang);
    let cmd = flags(cmd, lang)
        .about(t(msg!(HELP_ABOUT)))
        .override_usage(t(msg!(HELP_USAGE_ROOT)))
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t(msg!(HELP_VERSION))),
        )
        .mut_arg("lang", |a| {
            a.help(t(msg!(HELP_ARG_LANG)))
                .value_name(word(&msg!(HELP_VALUE_LANG), lang))
        });
    cmd.mut_subcommand("build", |c| {
        with_root(flags(c, lang), lang)
            .about(t(msg!(HELP_BUILD)))
            .override_usage(t(msg!(HELP_USAGE_BUILD)))
            .mut_arg("output", |a| {
                a.help(t(msg!(HELP_ARG_OUTPUT)))
                    .value_name(word(&msg!(HELP_VALUE_FOLDER), lang))
            })
            .mut_arg("base_url", |a| {
                a.help(t(msg!(HELP_ARG_BASE_URL)))
                    .value_name(word(&msg!(HELP_VALUE_ADDRESS), lang))
            })
            .mut_arg("forms_endpoint", |a| {
                a.help(t(msg!(HELP_ARG_FORMS_ENDPOINT)))
                    .value_name(word(&msg!(HELP_VALUE_ADDRESS), lang))
            })
            .mut_arg("drafts", |a| a.help(t(msg!(HELP_ARG_DRAFTS))))
            .mut_arg("strict", |a| a.help(t(msg!(HELP_ARG_STRICT))))
    })
    .mut_subcommand("check", |c| {
        with_root(flags(c, lang), lang)
            .about(t(msg!(HELP_CHECK)))
            .override_usage(t(msg!(HELP_USAGE_CHECK)))
            .mut_arg("drafts", |a| a.help(t(msg!(HELP_ARG_DRAFTS_CHECK))))
            .mut_arg("strict", |a| a.help(t(msg!(HELP_ARG_STRICT_CHECK))))
    })
    .mut_subcommand("new", |c| {
        with_root(flags(c, lang), lang)
            .about(t(msg!(HELP_NEW)))
            .override_usage(t(msg!(HELP_USAGE_NEW)))
            .mut_arg("section", |a| {
                a.help(t(msg!(HELP_ARG_SECTION)))
                    .value_name(word(&msg!(HELP_VALUE_SECTION), lang))
                    .display_order(0)
                    .help_heading(word(&msg!(HELP_HEADING_ARGUMENTS), lang))
            })
            .mut_arg("name", |a| {
                a.help(t(msg!(HELP_ARG_NAME)))
                    .value_name(word(&msg!(HELP_VALUE_NAME), lang))
                    .display_order(1)
                    .help_heading(word(&msg!(HELP_HEADING_ARGUMENTS), lang))
            })
    })
    .mut_subcommand("serve", |c| {
        with_root(flags(c, lang), lang)
            .about(t(msg!(HELP_SERVE)))
            .override_usage(t(msg!(HELP_USAGE_SERVE)))
            .mut_arg("port", |a| {
                a.help(t(msg!(HELP_ARG_PORT)))
                    .value_name(word(&msg!(HELP_VALUE_PORT), lang))
                    .hide_default_value(true)
            })
            .mut_arg("bind", |a| {
                a.help(t(msg!(HELP_ARG_BIND)))
                    .value_name(word(&msg!(HELP_VALUE_ADDRESS), lang))
                    .hide_default_value(true)
            })
            .mut_arg("no_drafts", |a| a.help(t(msg!(HELP_ARG_NO_DRAFTS))))
            .mut_arg("admin", |a| a.help(crate::cms::help_admin(lang)))
    })
    .mut_subcommand("cms", |c| {
        let h = |what| crate::cms::help_cms(lang, what);
        let folder = word(&msg!(HELP_VALUE_FOLDER), lang);
        let address = word(&msg!(HELP_VALUE_ADDRESS), lang);
        with_root(flags(c, lang), lang)
            .about(h("about"))
            .override_usage(h("usage"))
            .mut_arg("output", |a| a.help(h("output")).value_name(folder))
            .mut_arg("backend", |a| {
                a.help(h("backend"))
                    .value_name(h("value_forge"))
                    .hide_possible_values(true)
            })
            .mut_arg("repo", |a| a.help(h("repo")).value_name(h("value_repo")))
            .mut_arg("forge_url", |a| a.help(h("forge_url")).value_name(address))
            .mut_arg("branch", |a| {
                a.help(h("branch"))
                    .value_name(h("value_branch"))
                    .hide_default_value(true)
            })
            .mut_arg("app_id", |a| a.help(h("app_id")).value_name(h("value_id")))
    })
}

/// What every command shares: the help template and headings, and a
/// `--help` flag described in `lang`. No `help` subcommand: `--help` is
/// the one way, and clap's own description of it cannot be translated.
fn flags(cmd: Command, lang: Lang) -> Command {
    let t = |m: Message| m.render(lang);
    cmd.help_template(t(msg!(HELP_TEMPLATE)))
        .subcommand_help_heading(word(&msg!(HELP_HEADING_COMMANDS), lang))
        .next_help_heading(word(&msg!(HELP_HEADING_OPTIONS), lang))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t(msg!(HELP_HELP))),
        )
        .mut_args(|a| {
            if a.is_positional() {
                a
            } else {
                a.help_heading(word(&msg!(HELP_HEADING_OPTIONS), lang))
            }
        })
}

/// `--root`, which every subcommand has.
fn with_root(cmd: Command, lang: Lang) -> Command {
    cmd.mut_arg("root", |a| {
        a.help(msg!(HELP_ARG_ROOT).render(lang))
            .value_name(word(&msg!(HELP_VALUE_FOLDER), lang))
            .hide_default_value(true)
    })
}

/// A catalogue text without placeholders, as clap's headings and value
/// names want it: borrowed for the whole run.
fn word(m: &Message, lang: Lang) -> &'static str {
    m.entry().text(lang)
}

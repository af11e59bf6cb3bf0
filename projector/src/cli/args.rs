//! The command line, parsed with clap: `projector` with no subcommand serves,
//! as before; the subcommands are operators' tools. [`parse`] turns what clap
//! read into a [`Command`], checking what clap cannot (a version named twice).

use std::ffi::OsString;
use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use crate::projection::ParsedProjectionId;
use crate::reset::ResetTo;

const AFTER_HELP: &str = "\
The configuration is the serving process's environment (DATABASE_URL, KAFKA_BROKERS,
EVENTS_TOPIC_PREFIX, PROJECTOR_GROUP_PREFIX, ...). Exit status: 0 done, 1 failed or
did not get there, 2 usage error or refused without --yes.
Every command has --help; `projector completions <shell>` prints a completion script,
`projector man [command]` a man page.";

/// Folds the events of Kafka topics into PostgreSQL read models, exactly once
/// per event; with no command it serves (`projector serve`).
#[derive(Debug, Parser)]
#[command(name = "projector", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Run the projection workers and the HTTP endpoints (the default)
    Serve,
    /// Every version of every projection: state, lag, events/s, time to catch up
    ///
    /// Every version of every projection and process manager: kind, state (live,
    /// building, standby, stopped, parked), role, whether it serves, consumers,
    /// parked events, pending commands, lag, events/s and time to catch up; per
    /// topic and partition the checkpoint, high watermark and lag. The rates are
    /// sampled over --sample-ms. With --watch, redrawn every sample until
    /// interrupted.
    Status {
        /// Print the status as JSON
        #[arg(long, overrides_with = "json")]
        json: bool,
        /// How long to sample the rates over, in milliseconds
        #[arg(long = "sample-ms", value_name = "N", default_value_t = 1000)]
        sample_ms: u64,
        /// Keep showing the status, one sample after another, until Ctrl-C
        #[arg(long, overrides_with = "watch")]
        watch: bool,
    },
    /// Build the next version beside the live one, from the start of the log
    ///
    /// Build the next version beside the live one, from the start of the log: its
    /// tables are created like the live one's and it is marked building. The
    /// projectors switch the query API to it once it has caught up; this waits for
    /// that, printing progress, unless --no-wait.
    Rebuild {
        /// The projection (tasks): the version is the next one
        #[arg(value_name = "PROJECTION", value_parser = projection_name)]
        projection: ProjectionArg,
        /// Return once the version is created, without waiting for the switch
        #[arg(long, overrides_with = "no_wait")]
        no_wait: bool,
    },
    /// Switch the query API back to the version that was live before
    ///
    /// Switch the query API back to the standby version that was live last
    /// (`rollback tasks.v3` names one).
    Rollback {
        /// The projection (tasks), or one of its versions (tasks.v3)
        #[arg(value_name = "PROJECTION", value_parser = projection)]
        projection: ProjectionArg,
    },
    /// Delete a version that is not live (default: the standby one)
    ///
    /// Delete a version that is not live (default: the standby one): its tables,
    /// checkpoints, parked events and consumer group. Refuses within 30 s of it
    /// stopping being live unless --force.
    Drop {
        /// The projection (tasks), or one of its versions (tasks.v1)
        #[arg(value_name = "PROJECTION[.vN]", value_parser = projection)]
        projection: ProjectionArg,
        /// The version to drop (the same as naming it tasks.vN)
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        /// Drop it even within 30 s of it stopping being live
        #[arg(long, overrides_with = "force")]
        force: bool,
    },
    /// Move a version's checkpoints back so the log is applied again from there
    ///
    /// Move the checkpoints of a version (default: the live one) back, so the log is
    /// re-applied from there; idempotent projections only. Prints the plan and
    /// changes nothing without --yes (exit status 2).
    Reset(ResetArgs),
    /// The events that could not be decoded, upcast or applied, and those waiting behind them
    ///
    /// The events that could not be decoded, upcast or applied, and those waiting
    /// behind them: list them, retry a stream after a fix, or skip its first one.
    #[command(subcommand_required = true, arg_required_else_help = true)]
    Parked {
        #[command(subcommand)]
        action: ParkedAction,
    },
    /// Print the completion script of a shell
    ///
    /// Print the completion script of a shell, e.g.
    /// `projector completions bash > /etc/bash_completion.d/projector` or
    /// `projector completions zsh > "${fpath[1]}/_projector"`.
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print a man page (roff): of projector, or of one of its commands
    ///
    /// Print a man page (roff): of projector, or of the command named, e.g.
    /// `projector man | man -l -` or `projector man parked skip > projector-parked-skip.1`.
    Man {
        /// The command whose page to print (`reset`, `parked skip`); none: projector's
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("to").required(true).args(["to_offset", "to_time"])))]
struct ResetArgs {
    /// The projection (tasks: the live version), or one of its versions (tasks.v2)
    #[arg(value_name = "PROJECTION[.vN]", value_parser = projection)]
    projection: ProjectionArg,
    /// The version to reset (the same as naming it tasks.vN)
    #[arg(long, value_name = "N")]
    version: Option<u32>,
    /// Re-apply from this offset (of every partition, or of --partition)
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(0..)
    )]
    to_offset: Option<i64>,
    /// Re-apply, per partition, from the first record written at or after this time
    #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
    to_time: Option<DateTime<Utc>>,
    /// Only this partition
    #[arg(long, value_name = "P")]
    partition: Option<i32>,
    /// Move the checkpoints back (without it, only the plan is printed)
    #[arg(long, overrides_with = "yes")]
    yes: bool,
}

#[derive(Debug, Subcommand)]
enum ParkedAction {
    /// The parked events still waiting (--all: resolved ones too)
    List {
        /// Only those of this projection version (tasks.v1)
        #[arg(long, value_name = "PROJECTION.vN")]
        projection: Option<String>,
        /// Resolved (retried, skipped) ones too
        #[arg(long, overrides_with = "all")]
        all: bool,
        /// Print them as JSON, with everything recorded
        #[arg(long, overrides_with = "json")]
        json: bool,
    },
    /// Re-apply the parked events of <ID>'s stream in log order
    ///
    /// Re-apply the parked events of <ID>'s stream in log order, after a fix (for
    /// example a deployed version that can read the event). Exit status 0 when the
    /// stream is unparked.
    Retry {
        /// Any parked event of the stream
        #[arg(value_name = "ID", value_parser = parked_id)]
        id: i64,
    },
    /// Set the stream's first parked event aside for good, recording who and why
    ///
    /// Set the stream's first parked event aside for good, recording who and why,
    /// and re-apply the events parked behind it.
    Skip {
        /// The stream's first parked event
        #[arg(value_name = "ID", value_parser = parked_id)]
        id: i64,
        /// Who skips it
        #[arg(long, value_name = "WHO", value_parser = not_blank)]
        by: String,
        /// Why
        #[arg(long, value_name = "WHY", value_parser = not_blank)]
        reason: String,
    },
}

/// A projection named on the command line: `tasks` or `tasks.v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionArg {
    pub name: String,
    pub version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Serve,
    Status {
        json: bool,
        sample: Duration,
        watch: bool,
    },
    Rebuild {
        projection: ProjectionArg,
        wait: bool,
    },
    Rollback {
        projection: ProjectionArg,
    },
    Drop {
        projection: ProjectionArg,
        force: bool,
    },
    Reset {
        projection: ProjectionArg,
        to: ResetTo,
        partition: Option<i32>,
        yes: bool,
    },
    ParkedList {
        projection: Option<String>,
        all: bool,
        json: bool,
    },
    ParkedRetry {
        id: i64,
    },
    ParkedSkip {
        id: i64,
        by: String,
        reason: String,
    },
    /// Print the completion script of `shell`.
    Completions {
        shell: Shell,
    },
    /// Print the man page of the (sub)command named by the path (`["parked",
    /// "skip"]`; empty: projector's).
    Man {
        command: Vec<String>,
    },
}

/// `tasks` or `tasks.v2`.
fn projection(text: &str) -> Result<ProjectionArg, String> {
    match text.parse::<ParsedProjectionId>() {
        Ok(id) => Ok(ProjectionArg {
            name: id.name,
            version: Some(id.version),
        }),
        Err(_) if !text.is_empty() && !text.contains('.') => Ok(ProjectionArg {
            name: text.to_owned(),
            version: None,
        }),
        Err(error) => Err(error.to_string()),
    }
}

/// `tasks`, not `tasks.v2`.
fn projection_name(text: &str) -> Result<ProjectionArg, String> {
    let projection = projection(text)?;
    if projection.version.is_some() {
        return Err("rebuild takes a projection name (tasks): the version is the next one".into());
    }
    Ok(projection)
}

fn parked_id(text: &str) -> Result<i64, String> {
    text.parse()
        .map_err(|_| format!("a parked event id is a number; got {text:?}"))
}

fn rfc3339(text: &str) -> Result<DateTime<Utc>, String> {
    text.parse()
        .map_err(|_| "an RFC 3339 time, e.g. 2026-01-31T12:00:00Z, is expected".to_owned())
}

fn not_blank(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("must not be blank".into());
    }
    Ok(text.to_owned())
}

/// `projection` with `--version`, which must not name another version.
fn with_version(
    subcommand: &str,
    projection: ProjectionArg,
    version: Option<u32>,
) -> Result<ProjectionArg, clap::Error> {
    match (projection.version, version) {
        (Some(a), Some(b)) if a != b => Err(usage_error(
            &[subcommand],
            ErrorKind::ArgumentConflict,
            format!(
                "{}.v{a} and --version {b} name different versions",
                projection.name
            ),
        )),
        (None, Some(version)) => Ok(ProjectionArg {
            version: Some(version),
            ..projection
        }),
        _ => Ok(projection),
    }
}

/// A usage error of the (sub)command at `path`, with its usage line.
fn usage_error(path: &[&str], kind: ErrorKind, message: impl std::fmt::Display) -> clap::Error {
    let mut command = Cli::command();
    command.build();
    let mut found = &mut command;
    for name in path {
        found = found
            .find_subcommand_mut(name)
            .expect("a subcommand of the command line");
    }
    found.error(kind, message)
}

/// Parses the command line (without the program name). `--help`, `help`
/// and `--version` come back as errors too: [`clap::Error::use_stderr`] is
/// false for them and their exit code is 0.
pub fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let program = std::iter::once(OsString::from("projector"));
    let cli = Cli::try_parse_from(program.chain(args.into_iter().map(Into::into)))?;
    Ok(match cli.command.unwrap_or(Sub::Serve) {
        Sub::Serve => Command::Serve,
        Sub::Status {
            json,
            sample_ms,
            watch,
        } => Command::Status {
            json,
            sample: Duration::from_millis(sample_ms.max(1)),
            watch,
        },
        Sub::Rebuild {
            projection,
            no_wait,
        } => Command::Rebuild {
            projection,
            wait: !no_wait,
        },
        Sub::Rollback { projection } => Command::Rollback { projection },
        Sub::Drop {
            projection,
            version,
            force,
        } => Command::Drop {
            projection: with_version("drop", projection, version)?,
            force,
        },
        Sub::Reset(reset) => Command::Reset {
            projection: with_version("reset", reset.projection, reset.version)?,
            to: match (reset.to_offset, reset.to_time) {
                (Some(offset), None) => ResetTo::Offset(offset),
                (None, Some(time)) => ResetTo::Time(time),
                _ => unreachable!("clap requires exactly one of --to-offset and --to-time"),
            },
            partition: reset.partition,
            yes: reset.yes,
        },
        Sub::Parked { action } => match action {
            ParkedAction::List {
                projection,
                all,
                json,
            } => Command::ParkedList {
                projection,
                all,
                json,
            },
            ParkedAction::Retry { id } => Command::ParkedRetry { id },
            ParkedAction::Skip { id, by, reason } => Command::ParkedSkip { id, by, reason },
        },
        Sub::Completions { shell } => Command::Completions { shell },
        Sub::Man { command } => {
            // Checked here, so that a misspelt command is a usage error.
            man_page_of(&command)?;
            Command::Man { command }
        }
    })
}

/// The (sub)command at `path`, built (so that its name in a man page is
/// `projector-parked-skip`).
fn man_page_of(path: &[String]) -> Result<clap::Command, clap::Error> {
    let mut command = Cli::command();
    command.build();
    for name in path {
        command = command
            .find_subcommand(name)
            .filter(|_| name != "help")
            .cloned()
            .ok_or_else(|| {
                usage_error(
                    &["man"],
                    ErrorKind::InvalidValue,
                    format!("no command {:?} to print the man page of", path.join(" ")),
                )
            })?;
    }
    Ok(command)
}

/// Writes the completion script of `shell` for `projector`.
pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "projector", out);
}

/// Writes the man page (roff) of the (sub)command at `path` (which [`parse`]
/// has checked: an unknown one is an `InvalidInput` error here).
pub fn write_man_page(path: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    let command = man_page_of(path).map_err(|error| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, error.to_string())
    })?;
    clap_mangen::Man::new(command)
        .source(concat!("projector ", env!("CARGO_PKG_VERSION")))
        .render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Command, clap::Error> {
        parse(line.split_whitespace())
    }

    fn named(name: &str, version: Option<u32>) -> ProjectionArg {
        ProjectionArg {
            name: name.into(),
            version,
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_serves() {
        assert_eq!(parse_line("").unwrap(), Command::Serve);
        assert_eq!(parse_line("serve").unwrap(), Command::Serve);
    }

    #[test]
    fn status_parses_with_its_defaults() {
        assert_eq!(
            parse_line("status").unwrap(),
            Command::Status {
                json: false,
                sample: Duration::from_secs(1),
                watch: false,
            }
        );
        assert_eq!(
            parse_line("status --json --sample-ms 200").unwrap(),
            Command::Status {
                json: true,
                sample: Duration::from_millis(200),
                watch: false,
            }
        );
        assert_eq!(
            parse_line("status --sample-ms=50").unwrap(),
            Command::Status {
                json: false,
                sample: Duration::from_millis(50),
                watch: false,
            }
        );
        assert_eq!(
            parse_line("status --watch").unwrap(),
            Command::Status {
                json: false,
                sample: Duration::from_secs(1),
                watch: true,
            }
        );
    }

    #[test]
    fn operator_commands_parse() {
        assert_eq!(
            parse_line("rebuild tasks").unwrap(),
            Command::Rebuild {
                projection: named("tasks", None),
                wait: true
            }
        );
        assert_eq!(
            parse_line("rebuild tasks --no-wait").unwrap(),
            Command::Rebuild {
                projection: named("tasks", None),
                wait: false
            }
        );
        assert_eq!(
            parse_line("rollback tasks").unwrap(),
            Command::Rollback {
                projection: named("tasks", None)
            }
        );
        assert_eq!(
            parse_line("rollback tasks.v3").unwrap(),
            Command::Rollback {
                projection: named("tasks", Some(3))
            }
        );
        assert_eq!(
            parse_line("drop tasks").unwrap(),
            Command::Drop {
                projection: named("tasks", None),
                force: false
            }
        );
        assert_eq!(
            parse_line("drop tasks.v1").unwrap(),
            Command::Drop {
                projection: named("tasks", Some(1)),
                force: false
            }
        );
        assert_eq!(
            parse_line("drop tasks.v2 --force").unwrap(),
            Command::Drop {
                projection: named("tasks", Some(2)),
                force: true
            }
        );
        assert_eq!(
            parse_line("drop tasks --version 2").unwrap(),
            Command::Drop {
                projection: named("tasks", Some(2)),
                force: false
            }
        );
        assert_eq!(
            parse_line("drop tasks.v2 --version 2").unwrap(),
            Command::Drop {
                projection: named("tasks", Some(2)),
                force: false
            }
        );
        assert_eq!(
            parse_line("reset tasks --to-offset 0 --partition 2 --yes").unwrap(),
            Command::Reset {
                projection: named("tasks", None),
                to: ResetTo::Offset(0),
                partition: Some(2),
                yes: true
            }
        );
        assert_eq!(
            parse_line("reset tasks.v2 --to-time=2026-01-31T12:00:00Z").unwrap(),
            Command::Reset {
                projection: named("tasks", Some(2)),
                to: ResetTo::Time("2026-01-31T12:00:00Z".parse().unwrap()),
                partition: None,
                yes: false
            }
        );
        assert_eq!(
            parse_line("reset tasks --version 3 --to-time 2026-11-20T08:00:00+01:00").unwrap(),
            Command::Reset {
                projection: named("tasks", Some(3)),
                to: ResetTo::Time("2026-11-20T07:00:00Z".parse().unwrap()),
                partition: None,
                yes: false
            }
        );
    }

    #[test]
    fn parked_commands_parse() {
        assert_eq!(
            parse_line("parked list").unwrap(),
            Command::ParkedList {
                projection: None,
                all: false,
                json: false
            }
        );
        assert_eq!(
            parse_line("parked list --projection tasks.v1 --all --json").unwrap(),
            Command::ParkedList {
                projection: Some("tasks.v1".into()),
                all: true,
                json: true
            }
        );
        assert_eq!(
            parse_line("parked retry 7").unwrap(),
            Command::ParkedRetry { id: 7 }
        );
        assert_eq!(
            parse([
                "parked",
                "skip",
                "12",
                "--by",
                "ada",
                "--reason",
                "corrupt since 2024"
            ])
            .unwrap(),
            Command::ParkedSkip {
                id: 12,
                by: "ada".into(),
                reason: "corrupt since 2024".into()
            }
        );
        // Options may come before the positional.
        assert_eq!(
            parse_line("parked skip --by=ada --reason why 3").unwrap(),
            Command::ParkedSkip {
                id: 3,
                by: "ada".into(),
                reason: "why".into()
            }
        );
    }

    #[test]
    fn completions_and_man_pages_parse_and_render() {
        assert_eq!(
            parse_line("completions bash").unwrap(),
            Command::Completions { shell: Shell::Bash }
        );
        assert_eq!(parse_line("man").unwrap(), Command::Man { command: vec![] });
        assert_eq!(
            parse_line("man parked skip").unwrap(),
            Command::Man {
                command: vec!["parked".into(), "skip".into()]
            }
        );
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut script = Vec::new();
            write_completions(shell, &mut script);
            let script = String::from_utf8(script).unwrap();
            assert!(script.contains("projector"), "{shell}: {script}");
            assert!(script.contains("sample-ms"), "{shell}: {script}");
        }
        let mut page = Vec::new();
        write_man_page(&[], &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with(".ie"), "{page}");
        assert!(page.contains(".TH projector 1"), "{page}");
        assert!(page.contains("rebuild"), "{page}");
        let mut page = Vec::new();
        write_man_page(&["parked".into(), "skip".into()], &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("projector\\-parked\\-skip"), "{page}");
        assert!(page.contains("\\-\\-reason"), "{page}");
    }

    #[test]
    fn every_command_has_help() {
        let mut paths: Vec<Vec<String>> = vec![vec![]];
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            paths.push(vec![sub.get_name().to_owned()]);
            for action in sub.get_subcommands() {
                paths.push(vec![
                    sub.get_name().to_owned(),
                    action.get_name().to_owned(),
                ]);
            }
        }
        assert!(paths.len() > 12, "{paths:?}");
        for path in paths {
            for help in ["--help", "-h"] {
                let line: Vec<&str> = path.iter().map(String::as_str).chain([help]).collect();
                let error = Cli::command()
                    .try_get_matches_from(std::iter::once("projector").chain(line.clone()))
                    .expect_err("help is shown through an error");
                assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{line:?}");
                assert_eq!(error.exit_code(), 0, "{line:?}");
                assert!(!error.use_stderr(), "{line:?}");
                assert!(error.to_string().contains("Usage: projector"), "{line:?}");
            }
        }
        // `projector help` and `projector help <command>` too.
        for line in ["help", "help status", "help parked skip"] {
            let error = parse_line(line).expect_err(line);
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{line}");
            assert_eq!(error.exit_code(), 0, "{line}");
        }
        let top = parse_line("help").unwrap_err().to_string();
        for command in [
            "serve", "status", "rebuild", "rollback", "drop", "reset", "parked",
        ] {
            assert!(top.contains(command), "{command}: {top}");
        }
        assert!(top.contains("Exit status"), "{top}");
        let version = parse_line("--version").unwrap_err();
        assert_eq!(version.kind(), ErrorKind::DisplayVersion);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for line in [
            "serve now",
            "status --fast",
            "status --sample-ms",
            "status --sample-ms soon",
            "status --sample-ms 1 --sample-ms 2",
            "status extra",
            "rebuild",
            "rebuild tasks.v2",
            "rebuild tasks --force",
            "rollback",
            "rollback tasks.",
            "drop",
            "drop tasks.v1 --version 2",
            "drop tasks --version two",
            "drop tasks tasks.v1",
            "reset tasks --yes",
            "reset tasks --to-offset 1 --to-time 2026-01-01T00:00:00Z",
            "reset tasks --to-offset -1",
            "reset tasks --to-time yesterday",
            "reset tasks --to-offset 0 --partition x",
            "reset tasks.v1 --version 2 --to-offset 0",
            "reset --to-offset 0",
            "parked",
            "parked list extra",
            "parked list --projection",
            "parked retry",
            "parked retry x",
            "parked skip 3 --by ada",
            "parked skip 3 --reason why",
            "parked skip x --by a --reason b",
            "parked forget 3",
            "completions",
            "completions tcsh",
            "man frobnicate",
            "man parked frobnicate",
            "frobnicate",
            "--frobnicate",
        ] {
            let error = parse_line(line).expect_err(line);
            assert!(error.use_stderr(), "{line}: {error}");
            assert_eq!(error.exit_code(), 2, "{line}: {error}");
        }
        // A switch may be repeated (as before clap), an option's value not.
        assert_eq!(
            parse_line("reset tasks --yes --to-offset 0 --yes").unwrap(),
            parse_line("reset tasks --to-offset 0 --yes").unwrap()
        );
        assert!(parse_line("status --json --json").is_ok());
        let blank = parse(["parked", "skip", "3", "--by", " ", "--reason", "why"]).unwrap_err();
        assert_eq!(blank.exit_code(), 2, "{blank}");
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let message = |line: &str| parse_line(line).unwrap_err().to_string();
        assert!(
            message("status --fast").contains("unexpected argument '--fast'"),
            "{}",
            message("status --fast")
        );
        assert!(message("rebuild tasks.v2").contains("the version is the next one"));
        assert!(message("drop tasks.v1 --version 2").contains("name different versions"));
        assert!(message("drop tasks.v1 --version 2").contains("Usage: projector drop"));
        assert!(message("reset tasks --yes").contains("--to-offset"));
        assert!(message("parked skip 3 --by ada").contains("--reason"));
        assert!(
            message("parked skip x --by a --reason b").contains("a parked event id is a number")
        );
    }
}

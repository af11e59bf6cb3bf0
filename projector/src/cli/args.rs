//! The command line: `projector` with no subcommand serves, as before; the
//! subcommands are operators' tools. Plain parsing, no dependency.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::projection::ParsedProjectionId;
use crate::reset::ResetTo;

pub const HELP: &str = "\
usage: projector [serve]
       projector status [--json] [--sample-ms N]
       projector rebuild <projection> [--no-wait]
       projector rollback <projection>
       projector drop <projection>[.vN] [--version N] [--force]
       projector reset <projection>[.vN] [--version N] (--to-offset N | --to-time RFC3339) [--partition P] --yes
       projector parked list [--projection <projection>.vN] [--all] [--json]
       projector parked retry <id>
       projector parked skip <id> --by <who> --reason <why>

  serve     run the projection workers and the HTTP endpoints (the default)
  status    every version of every projection: state (live, building, standby, stopped,
            parked), per-partition checkpoint, high watermark and lag, events/s, time to
            catch up (rates are sampled over --sample-ms, default 1000)
  rebuild   build the next version beside the live one, from the start of the log; the
            projectors switch the query API to it once it has caught up (waits for that
            unless --no-wait)
  rollback  switch the query API back to the version that was live before
  drop      delete a version that is not live (default: the standby one); --force within
            30 s of it stopping being live
  reset     move a version's checkpoints back (default: the live version) so the log is
            applied again from there; idempotent projections only; needs --yes
  parked    the events that could not be decoded, upcast or applied, and those waiting
            behind them: list them, retry a stream after a fix, or skip its first one

The configuration is the serving process's environment (DATABASE_URL, KAFKA_BROKERS,
EVENTS_TOPIC_PREFIX, PROJECTOR_GROUP_PREFIX, ...). Exit status: 0 done, 1 failed,
2 usage error or refused without --yes.";

/// A projection named on the command line: `tasks` or `tasks.v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionArg {
    pub name: String,
    pub version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Serve,
    Help,
    Status {
        json: bool,
        sample: Duration,
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
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}\n\n{HELP}")]
pub struct UsageError(pub String);

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// The positionals, `--name value` (or `--name=value`) options and
/// `--switch`es of a subcommand's arguments.
struct Parsed {
    positionals: Vec<String>,
    values: HashMap<String, String>,
    switches: HashSet<String>,
}

impl Parsed {
    fn split(args: &[String], options: &[&str], switches: &[&str]) -> Result<Self, UsageError> {
        let mut parsed = Parsed {
            positionals: Vec::new(),
            values: HashMap::new(),
            switches: HashSet::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                parsed.positionals.push(arg.clone());
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (flag, None),
            };
            if options.contains(&name) {
                let value = match inline {
                    Some(value) => value,
                    None => args
                        .next()
                        .cloned()
                        .ok_or_else(|| usage(format!("--{name} needs a value")))?,
                };
                if parsed.values.insert(name.to_owned(), value).is_some() {
                    return Err(usage(format!("--{name} is given twice")));
                }
            } else if switches.contains(&name) && inline.is_none() {
                parsed.switches.insert(name.to_owned());
            } else {
                return Err(usage(format!("unknown option --{name}")));
            }
        }
        Ok(parsed)
    }

    fn switch(&self, name: &str) -> bool {
        self.switches.contains(name)
    }

    fn value<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, UsageError> {
        self.values
            .get(name)
            .map(|text| {
                text.parse()
                    .map_err(|_| usage(format!("--{name} must be {what}; got {text:?}")))
            })
            .transpose()
    }

    fn required(&self, name: &str) -> Result<String, UsageError> {
        self.values
            .get(name)
            .filter(|value| !value.trim().is_empty())
            .cloned()
            .ok_or_else(|| usage(format!("--{name} is required")))
    }

    /// The one positional argument, named `name` in messages.
    fn single(&self, name: &str) -> Result<String, UsageError> {
        Ok(self.positionals(&[name])?.remove(0))
    }

    /// Exactly `names.len()` positionals, named `names` in messages.
    fn positionals(&self, names: &[&str]) -> Result<Vec<String>, UsageError> {
        if self.positionals.len() != names.len() {
            return Err(usage(format!(
                "expected {} argument(s): {}; got {:?}",
                names.len(),
                names.join(" "),
                self.positionals
            )));
        }
        Ok(self.positionals.clone())
    }
}

fn projection_arg(text: &str, version: Option<u32>) -> Result<ProjectionArg, UsageError> {
    let named = match text.parse::<ParsedProjectionId>() {
        Ok(id) => ProjectionArg {
            name: id.name,
            version: Some(id.version),
        },
        Err(_) if !text.is_empty() && !text.contains('.') => ProjectionArg {
            name: text.to_owned(),
            version: None,
        },
        Err(error) => return Err(usage(error.to_string())),
    };
    match (named.version, version) {
        (Some(a), Some(b)) if a != b => Err(usage(format!(
            "{text} and --version {b} name different versions"
        ))),
        (None, Some(version)) => Ok(ProjectionArg {
            version: Some(version),
            ..named
        }),
        _ => Ok(named),
    }
}

fn parked_id(text: &str) -> Result<i64, UsageError> {
    text.parse()
        .map_err(|_| usage(format!("a parked event id is a number; got {text:?}")))
}

pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Serve);
    };
    match command.as_str() {
        "serve" => {
            Parsed::split(rest, &[], &[])?.positionals(&[])?;
            Ok(Command::Serve)
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        "status" => {
            let parsed = Parsed::split(rest, &["sample-ms"], &["json"])?;
            parsed.positionals(&[])?;
            let millis: u64 = parsed
                .value("sample-ms", "a number of milliseconds")?
                .unwrap_or(1000);
            Ok(Command::Status {
                json: parsed.switch("json"),
                sample: Duration::from_millis(millis),
            })
        }
        "rebuild" => {
            let parsed = Parsed::split(rest, &[], &["no-wait"])?;
            let projection = parsed.single("<projection>")?;
            let projection = projection_arg(&projection, None)?;
            if projection.version.is_some() {
                return Err(usage(
                    "rebuild takes a projection name (tasks): the version is the next one",
                ));
            }
            Ok(Command::Rebuild {
                projection,
                wait: !parsed.switch("no-wait"),
            })
        }
        "rollback" => {
            let parsed = Parsed::split(rest, &[], &[])?;
            let projection = parsed.single("<projection>")?;
            Ok(Command::Rollback {
                projection: projection_arg(&projection, None)?,
            })
        }
        "drop" => {
            let parsed = Parsed::split(rest, &["version"], &["force"])?;
            let projection = parsed.single("<projection>")?;
            let version = parsed.value("version", "a version number")?;
            Ok(Command::Drop {
                projection: projection_arg(&projection, version)?,
                force: parsed.switch("force"),
            })
        }
        "reset" => {
            let parsed = Parsed::split(
                rest,
                &["version", "to-offset", "to-time", "partition"],
                &["yes"],
            )?;
            let projection = parsed.single("<projection>")?;
            let version = parsed.value("version", "a version number")?;
            let offset: Option<i64> = parsed.value("to-offset", "an offset (a number)")?;
            let time: Option<DateTime<Utc>> =
                parsed.value("to-time", "an RFC 3339 time, e.g. 2026-01-31T12:00:00Z")?;
            let to = match (offset, time) {
                (Some(offset), None) if offset >= 0 => ResetTo::Offset(offset),
                (Some(_), None) => return Err(usage("--to-offset must not be negative")),
                (None, Some(time)) => ResetTo::Time(time),
                _ => return Err(usage("give exactly one of --to-offset and --to-time")),
            };
            Ok(Command::Reset {
                projection: projection_arg(&projection, version)?,
                to,
                partition: parsed.value("partition", "a partition number")?,
                yes: parsed.switch("yes"),
            })
        }
        "parked" => parse_parked(rest),
        other => Err(usage(format!("unknown command {other:?}"))),
    }
}

fn parse_parked(args: &[String]) -> Result<Command, UsageError> {
    let Some((action, rest)) = args.split_first() else {
        return Err(usage("parked needs an action: list, retry or skip"));
    };
    match action.as_str() {
        "list" => {
            let parsed = Parsed::split(rest, &["projection"], &["all", "json"])?;
            parsed.positionals(&[])?;
            Ok(Command::ParkedList {
                projection: parsed.values.get("projection").cloned(),
                all: parsed.switch("all"),
                json: parsed.switch("json"),
            })
        }
        "retry" => {
            let parsed = Parsed::split(rest, &[], &[])?;
            let id = parsed.single("<id>")?;
            Ok(Command::ParkedRetry {
                id: parked_id(&id)?,
            })
        }
        "skip" => {
            let parsed = Parsed::split(rest, &["by", "reason"], &[])?;
            let id = parsed.single("<id>")?;
            Ok(Command::ParkedSkip {
                id: parked_id(&id)?,
                by: parsed.required("by")?,
                reason: parsed.required("reason")?,
            })
        }
        other => Err(usage(format!(
            "unknown parked action {other:?} (list, retry or skip)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Command, UsageError> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn no_subcommand_serves() {
        assert_eq!(parse_line(""), Ok(Command::Serve));
        assert_eq!(parse_line("serve"), Ok(Command::Serve));
    }

    #[test]
    fn operator_commands_parse() {
        assert_eq!(
            parse_line("rebuild tasks --no-wait"),
            Ok(Command::Rebuild {
                projection: ProjectionArg {
                    name: "tasks".into(),
                    version: None
                },
                wait: false
            })
        );
        assert_eq!(
            parse_line("drop tasks.v1"),
            Ok(Command::Drop {
                projection: ProjectionArg {
                    name: "tasks".into(),
                    version: Some(1)
                },
                force: false
            })
        );
        assert_eq!(
            parse_line("reset tasks --to-offset 0 --partition 2 --yes"),
            Ok(Command::Reset {
                projection: ProjectionArg {
                    name: "tasks".into(),
                    version: None
                },
                to: ResetTo::Offset(0),
                partition: Some(2),
                yes: true
            })
        );
        assert!(matches!(
            parse_line("reset tasks.v2 --to-time=2026-01-31T12:00:00Z"),
            Ok(Command::Reset {
                to: ResetTo::Time(_),
                yes: false,
                ..
            })
        ));
        assert_eq!(
            parse(&[
                "parked".into(),
                "skip".into(),
                "12".into(),
                "--by".into(),
                "ada".into(),
                "--reason".into(),
                "corrupt since 2024".into()
            ]),
            Ok(Command::ParkedSkip {
                id: 12,
                by: "ada".into(),
                reason: "corrupt since 2024".into()
            })
        );
        assert_eq!(
            parse_line("parked retry 7"),
            Ok(Command::ParkedRetry { id: 7 })
        );
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for line in [
            "rebuild",
            "rebuild tasks.v2",
            "reset tasks --yes",
            "reset tasks --to-offset 1 --to-time 2026-01-01T00:00:00Z",
            "reset tasks --to-offset -1",
            "drop tasks.v1 --version 2",
            "parked skip 3 --by ada",
            "parked skip x --by a --reason b",
            "parked",
            "status --fast",
            "frobnicate",
        ] {
            assert!(parse_line(line).is_err(), "{line}");
        }
    }
}

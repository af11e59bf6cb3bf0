//! Task aggregate tests, written given/when/then: given past events, when a command is
//! decided, then expect these events (or this error).

mod given;

mod add_tag;
mod archive;
mod assign;
mod change_description;
mod change_priority;
mod complete_and_reopen;
mod create;
mod error_codes;
mod not_found;
mod parse;
mod projects;
mod properties;
mod remove_tag;
mod rename;
mod reschedule;

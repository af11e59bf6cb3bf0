//! Project aggregate tests, written given/when/then: given past events, when a
//! command is decided, then expect these events (or this error).

mod given;

mod archive_and_restore;
mod create;
mod members;
mod parse;
mod rename;

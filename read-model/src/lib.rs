//! The read models' schema, shared by the projector (which writes it) and the
//! query API (which reads it): the migrations, the checkpoint table and its
//! `NOTIFY` channel, `projection_versions`, the parked events, and each
//! projection's table names and row types. Plain PostgreSQL: nothing here
//! knows Kafka or HTTP. See README.md.

pub mod checkpoint;
pub mod history;
pub mod migrations;
pub mod parked;
pub mod process_managers;
pub mod projects;
pub mod tasks;
pub mod versions;

//! The projector binary for tests: serves with no arguments (as a child
//! process the tests SIGKILL or SIGTERM), and runs the operator commands
//! (`rebuild`, `status`, `parked ...`) with arguments, exactly as `projector` does.
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    projector::cli::main(std::env::args().skip(1).collect()).await
}

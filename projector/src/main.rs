use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    projector::cli::main(std::env::args().skip(1).collect()).await
}

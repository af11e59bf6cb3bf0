#[tokio::main]
async fn main() -> anyhow::Result<()> {
    command_api::serve_from_env().await?;
    Ok(())
}

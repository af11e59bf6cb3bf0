#[tokio::main]
async fn main() -> anyhow::Result<()> {
    console_server::serve_from_env().await?;
    Ok(())
}

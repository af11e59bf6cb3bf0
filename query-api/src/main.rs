#[tokio::main]
async fn main() -> anyhow::Result<()> {
    query_api::serve_from_env().await?;
    Ok(())
}

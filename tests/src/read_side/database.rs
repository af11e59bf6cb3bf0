//! One PostgreSQL database per test: read models, checkpoints and
//! notifications of parallel tests never meet.

use std::collections::HashMap;

use sqlx::{Connection, PgConnection, PgPool, Row};

pub struct TestDatabase {
    pub url: String,
    pub name: String,
    admin_url: String,
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
    format!("{prefix}/{database}{query}")
}

impl TestDatabase {
    pub async fn create() -> Self {
        let base = platform::config::database_url();
        let admin_url = with_database(&base, "postgres");
        let name = format!("read_side_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("PostgreSQL is up (scripts/infra.sh up)");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create database");
        Self {
            url: with_database(&base, &name),
            name,
            admin_url,
        }
    }

    pub async fn pool(&self) -> PgPool {
        platform::postgres::connect(&self.url, 4)
            .await
            .expect("connect to the test database")
    }

    /// Drops the database (best effort; a failed test leaves it for inspection).
    pub async fn drop_database(self) {
        if let Ok(mut admin) = PgConnection::connect(&self.admin_url).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .await;
        }
    }
}

/// The stored next offsets of a projection, by partition.
pub async fn checkpoints(pool: &PgPool, projection: &str, topic: &str) -> HashMap<i32, i64> {
    let rows = sqlx::query("SELECT partition, next_offset FROM projection_checkpoints WHERE projection = $1 AND topic = $2")
        .bind(projection)
        .bind(topic)
        .fetch_all(pool)
        .await
        .unwrap_or_default();
    rows.iter().map(|row| (row.get(0), row.get(1))).collect()
}

/// True once every partition's checkpoint has reached its end offset.
pub async fn caught_up(
    pool: &PgPool,
    projection: &str,
    topic: &str,
    ends: &HashMap<i32, i64>,
) -> bool {
    let stored = checkpoints(pool, projection, topic).await;
    ends.iter()
        .all(|(partition, end)| stored.get(partition).is_some_and(|next| next >= end))
}

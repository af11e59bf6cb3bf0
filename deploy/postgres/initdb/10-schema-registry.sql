-- The schema registry keeps its schemas in its own database on the same
-- server. Runs once, when the postgres-data volume is first initialised (an
-- older volume: `CREATE DATABASE registry;` by hand, or `docker compose down -v`).
CREATE DATABASE registry;

// `sqlx::migrate!` embeds read-model/migrations at compile time; rebuild when
// a migration is added or changed (as the sqlx documentation advises).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

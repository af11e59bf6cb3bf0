//! `docker-compose.kafka.yml` validated by a real tool against the Compose
//! Specification's JSON schema: `check-jsonschema --builtin-schema
//! vendor.compose-spec` (the schema ships with the pinned check-jsonschema).
//! `docker compose config` would do more, but there is no Compose plugin on
//! the development machines and CI; `deploy_stack` checks the file against
//! the code.
//!
//! Copies of the file with deliberate mistakes must be refused, so a
//! validator that checks nothing cannot pass.
//!
//! Needs check-jsonschema, which `scripts/test.sh` installs and exports as
//! `CHECK_JSONSCHEMA`:
//! `CHECK_JSONSCHEMA=$(scripts/check-jsonschema.sh) cargo test --workspace --test compose_schema`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const COMPOSE_FILE: &str = "docker-compose.kafka.yml";
const SCHEMA: &str = "vendor.compose-spec";

/// Mistakes the schema must catch: what is replaced in the file, by what,
/// and what the validator's report must then name.
const BREAKAGES: &[(&str, &str, &str, &str)] = &[
    (
        "an unknown depends_on condition",
        "condition: service_healthy",
        "condition: service_healty",
        "service_healty",
    ),
    (
        "a misspelt service key",
        "    healthcheck:\n      test: [\"CMD\", \"probe\", \"8081\"",
        "    helthcheck:\n      test: [\"CMD\", \"probe\", \"8081\"",
        "helthcheck",
    ),
    (
        "a port that is not a port mapping",
        "- \"8082:8082\"",
        "- {published: [8082]}",
        "ports",
    ),
];

#[test]
fn compose_file_matches_the_compose_specification() {
    let output = validate(&root().join(COMPOSE_FILE));
    let report = report(&output);
    assert!(
        output.status.success() && report.contains("ok -- validation done"),
        "{COMPOSE_FILE} does not match the Compose Specification:\n{report}"
    );
}

#[test]
fn broken_compose_files_are_refused() {
    let original = std::fs::read_to_string(root().join(COMPOSE_FILE)).unwrap();
    let dir = std::env::temp_dir().join(format!("compose-schema-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    for (what, from, to, named) in BREAKAGES {
        assert!(
            original.contains(from),
            "{COMPOSE_FILE} no longer contains {from:?}: update the breakage \"{what}\""
        );
        let path = dir.join(COMPOSE_FILE);
        std::fs::write(&path, original.replacen(from, to, 1)).unwrap();
        let output = validate(&path);
        let report = report(&output);
        assert!(
            !output.status.success() && report.contains(named),
            "a compose file with {what} was not refused for {named:?}:\n{report}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The validator: `CHECK_JSONSCHEMA`, exported by scripts/test.sh.
fn check_jsonschema() -> String {
    match std::env::var("CHECK_JSONSCHEMA") {
        Ok(path) if !path.is_empty() => path,
        _ => panic!(
            "CHECK_JSONSCHEMA is not set: run the suite with scripts/test.sh, which installs \
             check-jsonschema (scripts/check-jsonschema.sh) and exports it, or \
             CHECK_JSONSCHEMA=$(scripts/check-jsonschema.sh) cargo test --workspace --test \
             compose_schema"
        ),
    }
}

fn validate(path: &Path) -> Output {
    let validator = check_jsonschema();
    Command::new(&validator)
        .args(["--builtin-schema", SCHEMA])
        .arg(path)
        .output()
        .unwrap_or_else(|error| panic!("running {validator}: {error}"))
}

fn report(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

//! What the deployment checks know about our three services' code: which
//! crate each is, the variable holding its listen address, its sources, and
//! so whether a variable a deployment gives it is one its code reads.
//!
//! Shared by `deploy_stack` (the compose stack) and `helm_chart` (the Helm
//! chart); each test target uses part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One of our services: compose service = cargo package = binary =
/// Dockerfile target = the chart's component and container name.
pub struct OurService {
    pub name: &'static str,
    /// The crate whose sources (with `platform/`) must read its variables.
    pub crate_dir: &'static str,
    /// The variable holding its listen address.
    pub addr_var: &'static str,
}

pub const OUR_SERVICES: [OurService; 3] = [
    OurService {
        name: "command-api",
        crate_dir: "command-api",
        addr_var: "COMMAND_API_ADDR",
    },
    OurService {
        name: "projector",
        crate_dir: "projector",
        addr_var: "PROJECTOR_ADDR",
    },
    OurService {
        name: "query-api",
        crate_dir: "query-api",
        addr_var: "QUERY_API_ADDR",
    },
];

/// A variable read by a library rather than by name in our code.
pub struct LibraryEnv {
    pub name: &'static str,
    /// The file of ours that makes the call...
    pub file: &'static str,
    /// ...through which the library reads the variable.
    pub call: &'static str,
    /// Read only by services whose code reads this variable too (the
    /// library reads it while using that one).
    pub alongside: Option<&'static str>,
}

pub const LIBRARY_ENV: &[LibraryEnv] = &[
    LibraryEnv {
        name: "RUST_LOG",
        file: "platform/src/telemetry.rs",
        call: "EnvFilter::try_from_default_env",
        alongside: None,
    },
    // sqlx parses DATABASE_URL starting from libpq's environment
    // (`PgConnectOptions::new_without_pgpass`), so a URL without a password
    // takes PGPASSWORD: the chart keeps the password out of the URL (in its
    // ConfigMap) and in its Secret.
    LibraryEnv {
        name: "PGPASSWORD",
        file: "platform/src/postgres.rs",
        call: ".connect(url)",
        alongside: Some("DATABASE_URL"),
    },
];

/// How a service's code reads a variable.
#[derive(Debug, PartialEq, Eq)]
pub enum Reading {
    /// By name, in its crate or in `platform/`.
    Code,
    /// Through a library (see [`LIBRARY_ENV`]).
    Library,
    /// Through a library call our code no longer makes.
    LibraryCallGone,
    /// Not at all.
    Nowhere,
}

impl Reading {
    /// Why the variable is not read, for an error message.
    pub fn explain(&self, ours: &OurService) -> String {
        match self {
            Reading::Code | Reading::Library => "is read".to_owned(),
            Reading::LibraryCallGone => {
                "is no longer read through the library call this test expects".to_owned()
            }
            Reading::Nowhere => format!("read nowhere in {}/ or platform/", ours.crate_dir),
        }
    }
}

/// Whether `ours`'s code reads `variable`.
pub fn reading(ours: &OurService, variable: &str) -> Reading {
    if reads_by_name(ours, variable) {
        return Reading::Code;
    }
    let Some(library) = LIBRARY_ENV.iter().find(|library| library.name == variable) else {
        return Reading::Nowhere;
    };
    if library
        .alongside
        .is_some_and(|needed| !reads_by_name(ours, needed))
    {
        return Reading::Nowhere;
    }
    if read(library.file).contains(library.call) {
        Reading::Library
    } else {
        Reading::LibraryCallGone
    }
}

/// The variable's name appears as a string literal in the service's crate or in `platform/`.
fn reads_by_name(ours: &OurService, variable: &str) -> bool {
    let literal = format!("\"{variable}\"");
    sources()[ours.crate_dir].contains(&literal) || sources()["platform"].contains(&literal)
}

pub fn our_service(name: &str) -> Option<&'static OurService> {
    OUR_SERVICES.iter().find(|ours| ours.name == name)
}

// ---------------------------------------------------------------------------
// The repository

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

pub fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|error| panic!("reading {relative}: {error}"))
}

/// The Rust sources of each service crate and of `platform/`, concatenated.
pub fn sources() -> &'static BTreeMap<&'static str, String> {
    static SOURCES: OnceLock<BTreeMap<&'static str, String>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let mut sources = BTreeMap::new();
        for dir in OUR_SERVICES
            .iter()
            .map(|ours| ours.crate_dir)
            .chain(["platform"])
        {
            let mut text = String::new();
            collect_rust(&root().join(dir), &mut text);
            assert!(!text.is_empty(), "no Rust sources under {dir}/");
            sources.insert(dir, text);
        }
        sources
    })
}

fn collect_rust(dir: &Path, text: &mut String) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                collect_rust(&path, text);
            }
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            text.push('\n');
        }
    }
}

/// The default port of a service's listen address in its config code:
/// `env_parse("COMMAND_API_ADDR", "127.0.0.1:8081")`.
pub fn default_port(ours: &OurService) -> u16 {
    let source = &sources()[ours.crate_dir];
    let needle = format!("\"{}\", \"", ours.addr_var);
    let start = source.find(&needle).unwrap_or_else(|| {
        panic!(
            "{}/ reads no {} with a default",
            ours.crate_dir, ours.addr_var
        )
    }) + needle.len();
    let default = &source[start..start + source[start..].find('"').unwrap()];
    default
        .parse::<std::net::SocketAddr>()
        .unwrap_or_else(|error| panic!("default {} {default}: {error}", ours.addr_var))
        .port()
}

/// How long the service's HTTP server waits for requests in flight on
/// SIGTERM: its `shutdown_timeout: Duration::from_secs(N)`.
pub fn shutdown_timeout_seconds(ours: &OurService) -> u64 {
    let source = &sources()[ours.crate_dir];
    let needle = "shutdown_timeout: Duration::from_secs(";
    let start = source
        .find(needle)
        .unwrap_or_else(|| panic!("{}/ sets no {needle}..)", ours.crate_dir))
        + needle.len();
    source[start..start + source[start..].find(')').unwrap()]
        .parse()
        .unwrap_or_else(|error| panic!("{}: shutdown_timeout: {error}", ours.crate_dir))
}

//! The deployable stack checked against the code, without a Docker engine:
//! `docker-compose.kafka.yml`, `deploy/docker/Dockerfile`, the Prometheus
//! configuration and alert rules, and the Grafana provisioning and dashboard.
//!
//! Every service the stack needs exists; our three services build from a
//! stage of the Dockerfile; every environment variable given to them is read
//! by their code; their ports, addresses and the URLs between services agree
//! with the code and with each other; Prometheus scrapes all three; and every
//! metric a dashboard panel or an alert uses is emitted by the code.
//!
//! Needs no broker or database: `cargo test --workspace --test deploy_stack`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};

mod service_code;

use service_code::{OUR_SERVICES, Reading, default_port, read, reading, root, sources};

const COMPOSE_FILE: &str = "docker-compose.kafka.yml";
const PROMETHEUS_CONFIG: &str = "deploy/prometheus/prometheus.yml";
const GRAFANA_DATASOURCES: &str = "deploy/grafana/provisioning/datasources/prometheus.yml";
const GRAFANA_DASHBOARD_PROVIDERS: &str = "deploy/grafana/provisioning/dashboards/platform.yml";
const DASHBOARD: &str = "deploy/grafana/dashboards/platform.json";

/// Every service the stack must have.
const STACK: [&str; 8] = [
    "kafka",
    "schema-registry",
    "postgres",
    "command-api",
    "projector",
    "query-api",
    "prometheus",
    "grafana",
];

/// Environment variables the stack already gives a service whose code does
/// not read them yet, with the work that adds them. When one lands, the test
/// says so: drop it from this list.
const PENDING_ENV: &[(&str, &str, &str)] = &[];

/// Metrics the dashboard and alerts already use but the code does not emit yet.
const PENDING_METRICS: &[(&str, &str)] = &[];

/// Series Prometheus makes itself.
const PROMETHEUS_SERIES: &[&str] = &["up"];

/// `platform/src/telemetry.rs` gives buckets to histograms with these
/// suffixes; other histograms render as summaries, without `_bucket` series.
const BUCKETED_SUFFIXES: &[&str] = &["_seconds", "_size"];

/// What the dashboard must show (issue 4, section 4).
const DASHBOARD_MUST_USE: &[&str] = &[
    "command_api_commands_total",
    "command_api_command_duration_seconds_bucket",
    "projector_partition_lag",
    "projector_events_applied_total",
    "query_api_request_duration_seconds_bucket",
    "projector_parked_events",
];

/// What the alerts must watch (docs/operations.md, "Dashboards and alerts").
const ALERTS_MUST_USE: &[&str] = &[
    "up",
    "command_api_commands_total",
    "command_api_command_duration_seconds_bucket",
    "projector_partition_lag",
    "projector_partition_stopped",
    "projector_parked_events",
];

// ---------------------------------------------------------------------------
// The checks

#[test]
fn compose_has_the_whole_stack() {
    let mut errors = Vec::new();
    let services = services();
    for name in STACK {
        if !services.contains_key(name) {
            errors.push(format!("service {name} is missing"));
        }
    }
    let volumes: BTreeSet<&str> = compose()
        .get("volumes")
        .and_then(Value::as_object)
        .map(|volumes| volumes.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for (name, service) in services {
        if service.get("image").is_none() && service.get("build").is_none() {
            errors.push(format!("{name}: neither image nor build"));
        }
        for dependency in depends_on(service) {
            if !services.contains_key(&dependency) {
                errors.push(format!("{name}: depends on unknown service {dependency}"));
            }
        }
        for mount in mounts(service) {
            match mount {
                Mount::Bind { host, .. } => {
                    if !root().join(&host).exists() {
                        errors.push(format!("{name}: bind-mounts {host}, which does not exist"));
                    }
                }
                Mount::Named { volume, .. } => {
                    if !volumes.contains(volume.as_str()) {
                        errors.push(format!("{name}: volume {volume} is not declared"));
                    }
                }
            }
        }
    }
    assert_no_errors("docker-compose.kafka.yml", errors);
}

#[test]
fn our_services_build_from_the_dockerfile() {
    let mut errors = Vec::new();
    let mut dockerfiles = BTreeSet::new();
    for ours in &OUR_SERVICES {
        let name = ours.name;
        let Some(service) = services().get(name) else {
            errors.push(format!("service {name} is missing"));
            continue;
        };
        let build = service.get("build");
        let context = build
            .and_then(|build| build.get("context"))
            .and_then(Value::as_str)
            .unwrap_or(".");
        let context = root().join(context);
        if context.canonicalize().ok() != root().canonicalize().ok() {
            errors.push(format!(
                "{name}: the build context must be the repository root (the workspace)"
            ));
        }
        let Some(dockerfile) = build
            .and_then(|build| build.get("dockerfile"))
            .and_then(Value::as_str)
        else {
            errors.push(format!("{name}: build.dockerfile is not set"));
            continue;
        };
        let Ok(text) = std::fs::read_to_string(context.join(dockerfile)) else {
            errors.push(format!("{name}: Dockerfile {dockerfile} does not exist"));
            continue;
        };
        dockerfiles.insert(text.clone());
        let dockerfile = Dockerfile::parse(&text);
        let Some(target) = build
            .and_then(|build| build.get("target"))
            .and_then(Value::as_str)
        else {
            errors.push(format!("{name}: build.target is not set"));
            continue;
        };
        if target != name {
            errors.push(format!("{name}: builds target {target}"));
        }
        let Some(stage) = dockerfile.stage(target) else {
            errors.push(format!("{name}: the Dockerfile has no stage {target}"));
            continue;
        };

        let port = default_port(ours);
        let exposed = stage.all("EXPOSE");
        if exposed != [port.to_string()] {
            errors.push(format!(
                "{name}: stage {target} exposes {exposed:?}, the code's port is {port}"
            ));
        }
        match stage_env(stage).get(ours.addr_var) {
            Some(addr) if addr == &format!("0.0.0.0:{port}") => {}
            other => errors.push(format!(
                "{name}: stage {target} sets {}={other:?}, expected 0.0.0.0:{port}",
                ours.addr_var
            )),
        }
        for healthcheck in stage.all("HEALTHCHECK") {
            if !mentions_port(&healthcheck, port) {
                errors.push(format!("{name}: HEALTHCHECK does not probe port {port}"));
            }
        }
        let binary = format!("/usr/local/bin/{name}");
        if !stage
            .all("ENTRYPOINT")
            .iter()
            .any(|entry| entry.contains(&binary))
        {
            errors.push(format!("{name}: ENTRYPOINT does not run {binary}"));
        }
        if !stage
            .all("COPY")
            .iter()
            .any(|copy| copy.starts_with("--from=") && copy.ends_with(&binary))
        {
            errors.push(format!(
                "{name}: stage {target} does not copy its binary to {binary}"
            ));
        }
        match dockerfile.user_of(target) {
            Some(user) if !["root", "0", "0:0"].contains(&user.as_str()) => {}
            other => errors.push(format!("{name}: runs as {other:?}, not as a non-root user")),
        }

        let builds: Vec<&String> = dockerfile
            .instructions()
            .filter(|(keyword, _)| *keyword == "RUN")
            .map(|(_, arguments)| arguments)
            .filter(|run| run.contains("cargo build"))
            .collect();
        let package = format!("-p {name}");
        let built = builds.iter().any(|run| {
            run.contains("--release")
                && run.contains("--locked")
                && run.contains(&package)
                && run.contains(&format!("target/release/{name}"))
        });
        if !built {
            errors.push(format!(
                "{name}: no `cargo build --release --locked {package}` copying target/release/{name}"
            ));
        }
    }

    // The context must carry every workspace member and what COPY names,
    // and leave out the build output.
    let ignore = DockerIgnore::read();
    for required in ["target", ".local"] {
        if !ignore.excludes_exactly(required) {
            errors.push(format!(".dockerignore does not exclude {required}/"));
        }
    }
    let mut needed: Vec<String> = workspace_members();
    needed.extend(["Cargo.toml", "Cargo.lock"].map(String::from));
    for text in &dockerfiles {
        let dockerfile = Dockerfile::parse(text);
        needed.extend(
            dockerfile
                .instructions()
                .filter(|(keyword, arguments)| {
                    *keyword == "COPY" && !arguments.starts_with("--from=")
                })
                .flat_map(|(_, arguments)| {
                    let words: Vec<&str> = arguments.split_whitespace().collect();
                    words[..words.len().saturating_sub(1)]
                        .iter()
                        .filter(|word| !word.starts_with("--") && **word != ".")
                        .map(|word| word.to_string())
                        .collect::<Vec<_>>()
                }),
        );
    }
    for path in needed {
        if ignore.excludes(&path) {
            errors.push(format!(
                ".dockerignore leaves {path} out of the build context"
            ));
        }
    }
    assert_no_errors("the Dockerfile", errors);
}

#[test]
fn service_environment_is_read_by_the_code() {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    for ours in &OUR_SERVICES {
        for variable in environment(&services()[ours.name]).keys() {
            let pending = PENDING_ENV
                .iter()
                .find(|(service, name, _)| *service == ours.name && name == variable);
            match (reading(ours, variable), pending) {
                (Reading::Code, Some((_, _, work))) => notes.push(format!(
                    "{variable} is now read by {} ({work}): remove it from PENDING_ENV",
                    ours.name
                )),
                (Reading::Code | Reading::Library, _) | (Reading::Nowhere, Some(_)) => {}
                (other, _) => errors.push(format!(
                    "{}: {variable} is set in compose but {}",
                    ours.name,
                    other.explain(ours)
                )),
            }
        }
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    assert_no_errors("the services' environment", errors);
}

#[test]
fn ports_and_addresses_agree_with_the_code() {
    let mut errors = Vec::new();
    for ours in &OUR_SERVICES {
        let name = ours.name;
        let service = &services()[name];
        let environment = environment(service);
        let port = service_port(name);
        if let Some(addr) = environment.get(ours.addr_var) {
            match addr.parse::<std::net::SocketAddr>() {
                Ok(addr) if addr.ip().is_unspecified() => {}
                Ok(addr) => errors.push(format!(
                    "{name}: {}={addr} is not reachable from other containers; bind 0.0.0.0",
                    ours.addr_var
                )),
                Err(error) => errors.push(format!("{name}: {}={addr}: {error}", ours.addr_var)),
            }
        }
        let ports = container_ports(service);
        if ports.is_empty() {
            errors.push(format!("{name}: publishes no port"));
        }
        for published in ports {
            if published != port {
                errors.push(format!(
                    "{name}: maps container port {published}, it listens on {port}"
                ));
            }
        }
        if let Some(healthcheck) = service.pointer("/healthcheck/test")
            && !mentions_port(&healthcheck.to_string(), port)
        {
            errors.push(format!(
                "{name}: the healthcheck does not probe port {port}"
            ));
        }

        // Every address it is given names a service on the port it listens on.
        let dependencies = depends_on(service);
        for (variable, value) in &environment {
            for endpoint in endpoints(variable, value) {
                let Endpoint {
                    host,
                    port: target_port,
                    database,
                } = &endpoint;
                let Some(target) = services().get(host) else {
                    errors.push(format!(
                        "{name}: {variable} names {host}, not a compose service"
                    ));
                    continue;
                };
                let Some(target_port) = target_port else {
                    errors.push(format!("{name}: {variable}={value} names no port"));
                    continue;
                };
                let listening = listening_ports(host, target);
                if !listening.contains(target_port) {
                    errors.push(format!(
                        "{name}: {variable} names {host}:{target_port}, which listens on {listening:?}"
                    ));
                }
                if host == name {
                    continue;
                }
                if !dependencies.contains(host) {
                    errors.push(format!(
                        "{name}: uses {host} ({variable}) but does not depend on it"
                    ));
                }
                if let Some(database) = database {
                    let expected = environment_value(target, "POSTGRES_DB");
                    if expected.as_deref() != Some(database.as_str()) {
                        errors.push(format!(
                            "{name}: {variable} names database {database}, {host} creates {expected:?}"
                        ));
                    }
                }
            }
        }
        if name == "command-api" {
            let expected = format!("http://{name}:{port}");
            let advertised = environment.get("COMMAND_API_ADVERTISED_URL");
            if advertised != Some(&expected) {
                errors.push(format!(
                    "{name}: COMMAND_API_ADVERTISED_URL={advertised:?}, peers reach it at {expected}"
                ));
            }
        }
    }
    assert_no_errors("ports and addresses", errors);
}

#[test]
fn prometheus_scrapes_every_service() {
    let mut errors = Vec::new();
    let prometheus = &services()["prometheus"];
    let config_path = prometheus
        .get("command")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|argument| argument.strip_prefix("--config.file="))
        .unwrap_or("/etc/prometheus/prometheus.yml");
    match host_path(prometheus, config_path) {
        Some(path) if path == Path::new(PROMETHEUS_CONFIG) => {}
        other => errors.push(format!(
            "prometheus reads {config_path}, mounted from {other:?}, not {PROMETHEUS_CONFIG}"
        )),
    }

    let config = yaml(PROMETHEUS_CONFIG);
    if !config
        .pointer("/global/scrape_interval")
        .is_some_and(Value::is_string)
    {
        errors.push("global.scrape_interval is not set".into());
    }
    for rule_file in config
        .get("rule_files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let rule_file = rule_file.as_str().unwrap_or_default();
        let path = Path::new(PROMETHEUS_CONFIG).with_file_name(rule_file);
        if !root().join(&path).is_file() {
            errors.push(format!(
                "rule file {rule_file} does not exist beside {PROMETHEUS_CONFIG}"
            ));
        }
    }
    let Some(jobs) = config.get("scrape_configs").and_then(Value::as_array) else {
        panic!("{PROMETHEUS_CONFIG} has no scrape_configs list");
    };
    let mut job_names = BTreeSet::new();
    let mut scraped = BTreeMap::new();
    for job in jobs {
        let Some(job_name) = job.get("job_name").and_then(Value::as_str) else {
            errors.push("a scrape config has no job_name".into());
            continue;
        };
        if !job_names.insert(job_name) {
            errors.push(format!("job {job_name} appears twice"));
        }
        let path = job
            .get("metrics_path")
            .and_then(Value::as_str)
            .unwrap_or("/metrics");
        let targets: Vec<&str> = job
            .get("static_configs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|config| config.get("targets").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if targets.is_empty() {
            errors.push(format!("job {job_name} has no static targets"));
        }
        for target in targets {
            let Some((host, port)) = split_host_port(target) else {
                errors.push(format!("job {job_name}: target {target} is not host:port"));
                continue;
            };
            let Some(service) = services().get(&host) else {
                errors.push(format!(
                    "job {job_name}: target {target} is not a compose service"
                ));
                continue;
            };
            let listening = listening_ports(&host, service);
            if !port.is_some_and(|port| listening.contains(&port)) {
                errors.push(format!(
                    "job {job_name}: {host} listens on {listening:?}, not {target}"
                ));
            }
            scraped.insert(host, (job_name.to_owned(), path.to_owned()));
        }
    }
    let routes = &sources()["platform"];
    for ours in &OUR_SERVICES {
        match scraped.get(ours.name) {
            None => errors.push(format!("{} is not scraped", ours.name)),
            Some((job, path)) => {
                // The dashboard and the alerts select the services by job.
                if job != ours.name {
                    errors.push(format!(
                        "{} is scraped by job {job}, not {}",
                        ours.name, ours.name
                    ));
                }
                let served = routes.contains(&format!(".route(\"{path}\""))
                    || routes.contains(&format!("endpoint(\"{path}\")"));
                if !served {
                    errors.push(format!(
                        "{} is scraped at {path}, which platform does not serve",
                        ours.name
                    ));
                }
            }
        }
    }
    assert_no_errors(PROMETHEUS_CONFIG, errors);
}

#[test]
fn alert_rules_are_valid() {
    let mut errors = Vec::new();
    let config = yaml(PROMETHEUS_CONFIG);
    let mut used = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule_file in config
        .get("rule_files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let path = Path::new(PROMETHEUS_CONFIG).with_file_name(rule_file);
        let rules = yaml(path.to_str().unwrap());
        let Some(groups) = rules.get("groups").and_then(Value::as_array) else {
            errors.push(format!("{rule_file} has no groups"));
            continue;
        };
        for rule in groups
            .iter()
            .filter_map(|group| group.get("rules").and_then(Value::as_array))
            .flatten()
        {
            let name = rule
                .get("alert")
                .or_else(|| rule.get("record"))
                .and_then(Value::as_str)
                .unwrap_or("<unnamed>");
            if !names.insert(name.to_owned()) {
                errors.push(format!("{rule_file}: rule {name} appears twice"));
            }
            if rule.get("alert").is_some() {
                if !rule
                    .pointer("/labels/severity")
                    .is_some_and(Value::is_string)
                {
                    errors.push(format!("{rule_file}: alert {name} has no severity label"));
                }
                if !rule
                    .pointer("/annotations/summary")
                    .is_some_and(Value::is_string)
                {
                    errors.push(format!("{rule_file}: alert {name} has no summary"));
                }
            }
            let Some(expr) = rule.get("expr").and_then(Value::as_str) else {
                errors.push(format!("{rule_file}: rule {name} has no expr"));
                continue;
            };
            for metric in promql_metric_names(expr) {
                if let Err(error) = check_metric(&metric) {
                    errors.push(format!("{rule_file}: alert {name}: {error}"));
                }
                used.insert(metric);
            }
        }
    }
    if names.is_empty() {
        errors.push("no alert rules".into());
    }
    for metric in ALERTS_MUST_USE {
        if !used.contains(*metric) {
            errors.push(format!("no alert watches {metric}"));
        }
    }
    assert_no_errors("the alert rules", errors);
}

#[test]
fn grafana_is_provisioned() {
    let mut errors = Vec::new();
    let grafana = &services()["grafana"];

    let datasources = yaml(GRAFANA_DATASOURCES);
    let prometheus = datasources
        .get("datasources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|datasource| datasource.get("type").and_then(Value::as_str) == Some("prometheus"));
    let Some(prometheus) = prometheus else {
        panic!("{GRAFANA_DATASOURCES} provisions no prometheus datasource");
    };
    let uid = prometheus
        .get("uid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if uid.is_empty() {
        errors.push("the prometheus datasource has no uid for the dashboard to name".into());
    }
    let url = prometheus
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match endpoints("url", url).first() {
        Some(Endpoint {
            host,
            port: Some(port),
            ..
        }) if services()
            .get(host)
            .is_some_and(|service| listening_ports(host, service).contains(port)) => {}
        _ => errors.push(format!(
            "the prometheus datasource's url {url} is not the prometheus service"
        )),
    }

    for (file, container) in [
        (
            GRAFANA_DATASOURCES,
            "/etc/grafana/provisioning/datasources/prometheus.yml",
        ),
        (
            GRAFANA_DASHBOARD_PROVIDERS,
            "/etc/grafana/provisioning/dashboards/platform.yml",
        ),
    ] {
        if host_path(grafana, container).as_deref() != Some(Path::new(file)) {
            errors.push(format!("grafana does not see {file} at {container}"));
        }
    }
    let providers = yaml(GRAFANA_DASHBOARD_PROVIDERS);
    let dashboard_dirs: Vec<PathBuf> = providers
        .get("providers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|provider| provider.pointer("/options/path").and_then(Value::as_str))
        .filter_map(|path| host_path(grafana, path))
        .collect();
    if !dashboard_dirs
        .iter()
        .any(|dir| dir.join("platform.json") == Path::new(DASHBOARD))
    {
        errors.push(format!(
            "no dashboard provider reads {DASHBOARD} (as mounted: {dashboard_dirs:?})"
        ));
    }
    if let Some(home) = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
        && host_path(grafana, home).as_deref() != Some(Path::new(DASHBOARD))
    {
        errors.push(format!("the home dashboard {home} is not {DASHBOARD}"));
    }

    let dashboard = dashboard();
    for field in ["uid", "title"] {
        if !dashboard.get(field).is_some_and(Value::is_string) {
            errors.push(format!("the dashboard has no {field}"));
        }
    }
    let panels = panels(dashboard);
    if panels.iter().filter(|panel| !is_row(panel)).count() < 6 {
        errors.push("the dashboard has fewer than six panels".into());
    }
    let mut ids = BTreeSet::new();
    for panel in panels {
        let title = panel
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("<untitled>");
        match panel.get("id").and_then(Value::as_u64) {
            Some(id) if ids.insert(id) => {}
            id => errors.push(format!("panel {title}: id {id:?} missing or repeated")),
        }
        let x = panel.pointer("/gridPos/x").and_then(Value::as_u64);
        let w = panel.pointer("/gridPos/w").and_then(Value::as_u64);
        if !matches!((x, w), (Some(x), Some(w)) if w > 0 && x + w <= 24) {
            errors.push(format!("panel {title}: gridPos outside the 24 columns"));
        }
        if is_row(panel) {
            continue;
        }
        let targets = panel.get("targets").and_then(Value::as_array);
        if targets.is_none_or(Vec::is_empty) {
            errors.push(format!("panel {title} has no queries"));
        }
        let named_sources = std::iter::once(panel)
            .chain(targets.into_iter().flatten())
            .filter_map(|item| item.pointer("/datasource/uid").and_then(Value::as_str));
        for named in named_sources {
            if named != uid {
                errors.push(format!(
                    "panel {title} uses datasource {named}, provisioned is {uid}"
                ));
            }
        }
        for target in targets.into_iter().flatten() {
            if target
                .get("expr")
                .and_then(Value::as_str)
                .is_none_or(|expr| expr.trim().is_empty())
            {
                errors.push(format!("panel {title}: a query without expr"));
            }
        }
    }
    assert_no_errors(DASHBOARD, errors);
}

#[test]
fn dashboard_metrics_are_emitted_by_the_code() {
    let mut errors = Vec::new();
    let mut used = BTreeSet::new();
    for panel in panels(dashboard()) {
        let title = panel
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("<untitled>");
        let exprs = panel
            .get("targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|target| target.get("expr").and_then(Value::as_str));
        for expr in exprs {
            let names = promql_metric_names(expr);
            if names.is_empty() {
                errors.push(format!("panel {title}: `{expr}` names no metric"));
            }
            for metric in names {
                if let Err(error) = check_metric(&metric) {
                    errors.push(format!("panel {title}: {error}"));
                }
                used.insert(metric);
            }
        }
    }
    for metric in DASHBOARD_MUST_USE {
        if !used.contains(*metric) {
            errors.push(format!("no panel shows {metric}"));
        }
    }
    let telemetry = read("platform/src/telemetry.rs");
    for suffix in BUCKETED_SUFFIXES {
        if !telemetry.contains(&format!("Matcher::Suffix(\"{suffix}\"")) {
            errors.push(format!(
                "platform/src/telemetry.rs no longer gives buckets to *{suffix}: update BUCKETED_SUFFIXES"
            ));
        }
    }
    for (metric, work) in PENDING_METRICS {
        if emitted(metric) {
            eprintln!(
                "note: {metric} is now emitted ({work} landed): remove it from PENDING_METRICS"
            );
        }
    }
    assert_no_errors(DASHBOARD, errors);
}

#[test]
fn promql_metric_names_are_found() {
    let names = |expr: &str| promql_metric_names(expr);
    assert_eq!(
        names(
            r#"histogram_quantile(0.99, sum by (le, command) (rate(a_seconds_bucket{outcome=~"ok|x", job!="b"}[$__rate_interval])))"#
        ),
        ["a_seconds_bucket"]
    );
    assert_eq!(
        names(
            "sum(rate(a_total[5m] offset 1h)) / ignoring (x) group_left (y) b > 0.5 and on (p) c or vector(0)"
        ),
        ["a_total", "b", "c"]
    );
    assert_eq!(
        names("count(up{job=~\"a|b\"} == 0) without (instance)"),
        ["up"]
    );
    assert_eq!(
        names("max by (projection) (x:rate5m) > bool 1e3"),
        ["x:rate5m"]
    );
}

// ---------------------------------------------------------------------------
// Metrics

/// The metric names an expression selects: identifiers that are not
/// functions, aggregations, keywords, label names or values, durations or
/// Grafana variables.
fn promql_metric_names(expr: &str) -> Vec<String> {
    const AGGREGATIONS: &[&str] = &[
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
        "limitk",
        "limit_ratio",
    ];
    const LABEL_LISTS: &[&str] = &[
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];
    const KEYWORDS: &[&str] = &[
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
    ];
    let chars: Vec<char> = expr.chars().collect();
    let identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut names = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            quote @ ('"' | '\'' | '`') => i = skip_string(&chars, i, quote),
            '{' => i = skip_until(&chars, i, '}'),
            '[' => i = skip_until(&chars, i, ']'),
            '#' => {
                i = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |n| i + n)
            }
            c if c.is_ascii_digit() || c == '$' || c == '.' => {
                i += 1;
                while i < chars.len() && (identifier(chars[i]) || chars[i] == '.') {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len() && identifier(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut next = i;
                while next < chars.len() && chars[next].is_whitespace() {
                    next += 1;
                }
                let call = chars.get(next) == Some(&'(');
                let lower = word.to_ascii_lowercase();
                if LABEL_LISTS.contains(&lower.as_str()) {
                    if call {
                        i = skip_until(&chars, next, ')');
                    }
                } else if !call
                    && !AGGREGATIONS.contains(&lower.as_str())
                    && !KEYWORDS.contains(&lower.as_str())
                {
                    names.push(word);
                }
            }
            _ => i += 1,
        }
    }
    names
}

/// The index after the closing quote of the string starting at `start`.
fn skip_string(chars: &[char], start: usize, quote: char) -> usize {
    let mut i = start + 1;
    while i < chars.len() && chars[i] != quote {
        i += if chars[i] == '\\' && quote != '`' {
            2
        } else {
            1
        };
    }
    i + 1
}

/// The index after `close`, skipping strings on the way.
fn skip_until(chars: &[char], start: usize, close: char) -> usize {
    let mut i = start + 1;
    while i < chars.len() && chars[i] != close {
        i = match chars[i] {
            quote @ ('"' | '\'' | '`') => skip_string(chars, i, quote),
            _ => i + 1,
        };
    }
    i + 1
}

/// A metric name appears as a string literal in the services' code.
fn emitted(metric: &str) -> bool {
    let literal = format!("\"{metric}\"");
    sources().values().any(|source| source.contains(&literal))
}

/// Whether the code emits the series `metric` (a histogram's `_bucket`,
/// `_sum` and `_count` count as its own).
fn check_metric(metric: &str) -> Result<(), String> {
    if PROMETHEUS_SERIES.contains(&metric) || emitted(metric) {
        return Ok(());
    }
    let histogram = ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|suffix| metric.strip_suffix(suffix).map(|base| (*suffix, base)));
    if let Some((suffix, base)) = histogram
        && emitted(base)
    {
        if suffix == "_bucket"
            && !BUCKETED_SUFFIXES
                .iter()
                .any(|bucketed| base.ends_with(bucketed))
        {
            return Err(format!(
                "{metric}: {base} gets no buckets (platform/src/telemetry.rs buckets only {BUCKETED_SUFFIXES:?})"
            ));
        }
        return Ok(());
    }
    let base = histogram.map_or(metric, |(_, base)| base);
    if PENDING_METRICS
        .iter()
        .any(|(name, _)| *name == metric || *name == base)
    {
        return Ok(());
    }
    Err(format!("{metric} is emitted nowhere in the code"))
}

// ---------------------------------------------------------------------------
// The compose file

fn compose() -> &'static Value {
    static COMPOSE: OnceLock<Value> = OnceLock::new();
    COMPOSE.get_or_init(|| yaml(COMPOSE_FILE))
}

fn services() -> &'static Map<String, Value> {
    compose()
        .get("services")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("{COMPOSE_FILE} has no services"))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A service's environment, from either the map or the `KEY=value` list form.
fn environment(service: &Value) -> BTreeMap<String, String> {
    match service.get("environment") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| (key.clone(), scalar(value)))
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|item| {
                let item = scalar(item);
                match item.split_once('=') {
                    Some((key, value)) => (key.to_owned(), value.to_owned()),
                    None => (item, String::new()),
                }
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn environment_value(service: &Value, variable: &str) -> Option<String> {
    environment(service).remove(variable)
}

fn depends_on(service: &Value) -> BTreeSet<String> {
    match service.get("depends_on") {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        Some(Value::Array(list)) => list.iter().map(scalar).collect(),
        _ => BTreeSet::new(),
    }
}

/// The container side of `ports` (short and long syntax) and `expose`.
fn container_ports(service: &Value) -> Vec<u16> {
    let mut ports = Vec::new();
    for key in ["ports", "expose"] {
        for entry in service
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let port = match entry {
                Value::Object(long) => long.get("target").map(scalar),
                other => scalar(other)
                    .split('/')
                    .next()
                    .and_then(|mapping| mapping.rsplit(':').next())
                    .map(str::to_owned),
            };
            match port.as_deref().map(str::parse) {
                Some(Ok(port)) => ports.push(port),
                _ => panic!("{key} entry {entry} is not a single port"),
            }
        }
    }
    ports
}

/// The port one of our services listens on: its `*_ADDR` in compose, else the code's default.
fn service_port(name: &str) -> u16 {
    let ours = OUR_SERVICES
        .iter()
        .find(|ours| ours.name == name)
        .expect("one of our services");
    match environment_value(&services()[name], ours.addr_var) {
        Some(addr) => split_host_port(&addr)
            .and_then(|(_, port)| port)
            .unwrap_or_else(|| panic!("{name}: {}={addr} has no port", ours.addr_var)),
        None => default_port(ours),
    }
}

/// The ports a service listens on inside the network.
fn listening_ports(name: &str, service: &Value) -> BTreeSet<u16> {
    if OUR_SERVICES.iter().any(|ours| ours.name == name) {
        return BTreeSet::from([service_port(name)]);
    }
    let mut ports: BTreeSet<u16> = container_ports(service).into_iter().collect();
    // Kafka's listeners: PLAINTEXT://:9092,CONTROLLER://:9093
    if let Some(listeners) = environment_value(service, "KAFKA_LISTENERS") {
        ports.extend(
            listeners
                .split(',')
                .filter_map(|listener| listener.rsplit(':').next()?.parse::<u16>().ok()),
        );
    }
    ports
}

/// `host[:port]`, or `None` for an empty host.
fn split_host_port(text: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port.parse().ok()?)),
        None => (text, None),
    };
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

struct Endpoint {
    host: String,
    port: Option<u16>,
    /// The path's first segment of a `postgres://` URL.
    database: Option<String>,
}

/// The hosts a variable points at: every URL, and the `host:port` list of `*_BROKERS`.
fn endpoints(variable: &str, value: &str) -> Vec<Endpoint> {
    if let Some((scheme, rest)) = value.split_once("://") {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let database = scheme
            .starts_with("postgres")
            .then(|| path.split('?').next().unwrap_or_default().to_owned());
        return split_host_port(authority)
            .map(|(host, port)| Endpoint {
                host,
                port,
                database,
            })
            .into_iter()
            .collect();
    }
    if variable.ends_with("_BROKERS") {
        return value
            .split(',')
            .filter_map(|broker| split_host_port(broker.trim()))
            .map(|(host, port)| Endpoint {
                host,
                port,
                database: None,
            })
            .collect();
    }
    Vec::new()
}

enum Mount {
    /// `./host/path:/container/path[:ro]`, the host path relative to the repository.
    Bind {
        host: String,
        container: String,
    },
    Named {
        volume: String,
    },
}

fn mounts(service: &Value) -> Vec<Mount> {
    let mut mounts = Vec::new();
    for entry in service
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (source, target) = match entry {
            Value::Object(long) => (
                long.get("source").map(scalar).unwrap_or_default(),
                long.get("target").map(scalar).unwrap_or_default(),
            ),
            other => {
                let text = scalar(other);
                let mut parts = text.split(':');
                let source = parts.next().unwrap_or_default().to_owned();
                (source, parts.next().unwrap_or_default().to_owned())
            }
        };
        if source.starts_with('.') || source.starts_with('/') {
            let host = source
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned();
            mounts.push(Mount::Bind {
                host,
                container: target,
            });
        } else if !source.is_empty() {
            mounts.push(Mount::Named { volume: source });
        }
    }
    mounts
}

/// The repository path a container path of a service is bind-mounted from.
fn host_path(service: &Value, container_path: &str) -> Option<PathBuf> {
    mounts(service)
        .into_iter()
        .find_map(|mount| match mount {
            Mount::Bind { host, container } => {
                let rest = container_path.strip_prefix(container.trim_end_matches('/'))?;
                if !rest.is_empty() && !rest.starts_with('/') {
                    return None;
                }
                Some(Path::new(&host).join(rest.trim_start_matches('/')))
            }
            Mount::Named { .. } => None,
        })
        .map(|path| PathBuf::from(path.to_str().unwrap().trim_end_matches('/')))
}

/// A healthcheck or probe command names the port (as a word or after `:`).
fn mentions_port(command: &str, port: u16) -> bool {
    command
        .split(|c: char| !c.is_ascii_digit())
        .any(|word| word == port.to_string())
}

// ---------------------------------------------------------------------------
// The Dockerfile and .dockerignore

struct Stage {
    name: String,
    base: String,
    instructions: Vec<(String, String)>,
}

impl Stage {
    /// The arguments of every instruction with this keyword.
    fn all(&self, keyword: &str) -> Vec<String> {
        self.instructions
            .iter()
            .filter(|(k, _)| k == keyword)
            .map(|(_, arguments)| arguments.clone())
            .collect()
    }
}

struct Dockerfile {
    stages: Vec<Stage>,
}

impl Dockerfile {
    /// Instructions with their continuation lines joined; comments dropped.
    fn parse(text: &str) -> Self {
        let mut stages: Vec<Stage> = Vec::new();
        let mut logical = String::new();
        let mut lines = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            // Docker ignores comment and empty lines, also inside continuations.
            if trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            match trimmed.strip_suffix('\\') {
                Some(part) => {
                    logical.push_str(part);
                    logical.push(' ');
                }
                None => {
                    logical.push_str(trimmed);
                    lines.push(std::mem::take(&mut logical));
                }
            }
        }
        for line in lines {
            let (keyword, arguments) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
            let keyword = keyword.to_ascii_uppercase();
            let arguments = arguments.split_whitespace().collect::<Vec<_>>().join(" ");
            if keyword == "FROM" {
                let words: Vec<&str> = arguments
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let name = match words.as_slice() {
                    [_, r#as, name] if r#as.eq_ignore_ascii_case("as") => name.to_string(),
                    _ => String::new(),
                };
                stages.push(Stage {
                    name,
                    base: words.first().unwrap_or(&"").to_string(),
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push((keyword, arguments));
            }
        }
        Self { stages }
    }

    fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.name == name)
    }

    fn instructions(&self) -> impl Iterator<Item = (&str, &String)> {
        self.stages
            .iter()
            .flat_map(|stage| stage.instructions.iter())
            .map(|(keyword, arguments)| (keyword.as_str(), arguments))
    }

    /// The user a stage runs as: its last USER, else its base stage's.
    fn user_of(&self, name: &str) -> Option<String> {
        let stage = self.stage(name)?;
        stage
            .all("USER")
            .pop()
            .or_else(|| self.user_of(&stage.base))
    }
}

/// The `ENV` a stage sets itself, `KEY=value` form.
fn stage_env(stage: &Stage) -> BTreeMap<String, String> {
    stage
        .all("ENV")
        .iter()
        .flat_map(|arguments| {
            arguments
                .split_whitespace()
                .filter_map(|pair| pair.split_once('='))
                .map(|(key, value)| (key.to_owned(), value.trim_matches('"').to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

struct DockerIgnore {
    patterns: Vec<String>,
}

impl DockerIgnore {
    fn read() -> Self {
        let patterns = read(".dockerignore")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.trim_start_matches('/')
                    .trim_end_matches('/')
                    .to_owned()
            })
            .collect();
        Self { patterns }
    }

    fn excludes_exactly(&self, path: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern == path)
    }

    /// Whether a pattern without wildcards excludes `path` or a parent of it.
    fn excludes(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        self.patterns
            .iter()
            .filter(|pattern| !pattern.contains('*'))
            .any(|pattern| path == pattern || path.starts_with(&format!("{pattern}/")))
    }
}

/// The `members` of the root Cargo.toml.
fn workspace_members() -> Vec<String> {
    let manifest = read("Cargo.toml");
    let start = manifest.find("members").expect("Cargo.toml lists members");
    let list = &manifest[start..];
    let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
    list.split(',')
        .map(|member| member.trim().trim_matches('"').to_owned())
        .filter(|member| !member.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------
// The repository

fn yaml(relative: &str) -> Value {
    serde_yaml_ng::from_str(&read(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn dashboard() -> &'static Value {
    static DASHBOARD_JSON: OnceLock<Value> = OnceLock::new();
    DASHBOARD_JSON.get_or_init(|| {
        serde_json::from_str(&read(DASHBOARD))
            .unwrap_or_else(|error| panic!("{DASHBOARD}: {error}"))
    })
}

/// Every panel, rows' nested panels included.
fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    for panel in dashboard
        .get("panels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        all.push(panel);
        all.extend(
            panel
                .get("panels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    all
}

fn is_row(panel: &Value) -> bool {
    panel.get("type").and_then(Value::as_str) == Some("row")
}

fn assert_no_errors(what: &str, errors: Vec<String>) {
    assert!(
        errors.is_empty(),
        "{what} disagrees with the code:\n  {}",
        errors.join("\n  ")
    );
}

//! The Helm chart `deploy/helm/cqrs-platform` checked by helm itself and
//! against the code: `helm lint --strict`, then `helm template` with the
//! default values and with variations (an HS256 secret and a database
//! password given, a JWKS identity provider, autoscaling off), whose rendered
//! manifests are parsed and checked.
//!
//! Every kind the chart promises is rendered; each Deployment probes
//! `/healthz` and `/readyz` on the port its service's code listens on, runs
//! as non-root on a read-only root filesystem and is given longer to stop
//! than its service's drain; the HPA scales the query API only; every
//! PodDisruptionBudget and Service selects a Deployment's pods, and each
//! Service targets a port they have; every environment variable a container
//! gets is read by its service's code (`service_code`, shared with
//! `deploy_stack`) and comes from a key the ConfigMap or Secret has; and the
//! authentication variables follow the chosen mode.
//!
//! Needs helm, which `scripts/test.sh` installs and exports as `HELM`:
//! `HELM=$(scripts/helm.sh) cargo test --workspace --test helm_chart`.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use std::sync::OnceLock;

use base64::Engine as _;
use serde::Deserialize as _;
use serde_json::Value;

mod service_code;

use service_code::{
    LIBRARY_ENV, OUR_SERVICES, OurService, Reading, default_port, our_service, reading, root,
    shutdown_timeout_seconds,
};

const CHART: &str = "deploy/helm/cqrs-platform";
const RELEASE: &str = "demo";
const NAMESPACE: &str = "cqrs";
/// The Kubernetes version the chart is linted and rendered for, pinned so the
/// checks do not follow helm's default: inside the chart's `kubeVersion`
/// range, with every API version the chart uses.
const KUBE_VERSION: &str = "1.31.0";

/// The kinds the chart must render with its default values, and how many.
const KINDS: &[(&str, usize)] = &[
    ("Deployment", 3),
    ("Service", 3),
    ("ConfigMap", 1),
    ("Secret", 1),
    ("HorizontalPodAutoscaler", 1),
    ("PodDisruptionBudget", 3),
];

/// The chart's pods stay in their Service's endpoints this long after
/// SIGTERM is due (values.yaml, preStopSleepSeconds).
const PRE_STOP_SLEEP_SECONDS: u64 = 5;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Auth {
    Hs256,
    Jwks,
}

/// A set of values the chart is rendered with.
struct Variation {
    name: &'static str,
    sets: &'static [&'static str],
    auth: Auth,
    autoscaling: bool,
}

const JWKS_URL: &str = "https://idp.example.com/.well-known/jwks.json";
const HS256_SECRET: &str = "a-test-secret-of-at-least-32-bytes-0123456789";

const VARIATIONS: &[Variation] = &[
    Variation {
        name: "default values",
        sets: &[],
        auth: Auth::Hs256,
        autoscaling: true,
    },
    Variation {
        name: "HS256 secret and database password given",
        sets: &[
            "auth.hs256.secret=a-test-secret-of-at-least-32-bytes-0123456789",
            "database.password=s3cret",
            "schemaRegistry.url=http://registry.example.com:8080/apis/ccompat/v7",
            "http.corsAllowedOrigins=https://app.example.com",
            "queryApi.autoscaling.enabled=false",
        ],
        auth: Auth::Hs256,
        autoscaling: false,
    },
    Variation {
        name: "JWKS identity provider",
        sets: &[
            "auth.jwks.url=https://idp.example.com/.well-known/jwks.json",
            "auth.issuer=https://idp.example.com/",
            "auth.audience=cqrs-platform",
            "projector.processManager.tokenCommand=/usr/local/bin/fetch-token",
            "database.password=s3cret",
            "projector.projections=tasks",
        ],
        auth: Auth::Jwks,
        autoscaling: true,
    },
];

// ---------------------------------------------------------------------------
// The checks

#[test]
fn chart_lints_strictly() {
    for variation in VARIATIONS {
        let mut args = vec![
            "lint".to_owned(),
            "--strict".to_owned(),
            "--kube-version".to_owned(),
            KUBE_VERSION.to_owned(),
            chart_dir(),
        ];
        args.extend(set_args(variation.sets));
        let output = helm(&args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("0 chart(s) failed"),
            "helm lint --strict ({}) failed:\n{stdout}{}",
            variation.name,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn every_kind_is_rendered() {
    let manifests = rendered(&VARIATIONS[0]);
    let mut errors = Vec::new();
    for (kind, count) in KINDS {
        let found = manifests.of_kind(kind).count();
        if found != *count {
            errors.push(format!("{found} {kind}(s), expected {count}"));
        }
    }
    for ours in &OUR_SERVICES {
        if manifests.deployment_of(ours).is_none() {
            errors.push(format!("no Deployment runs {}", ours.name));
        }
    }
    assert_no_errors("default values", errors);
}

#[test]
fn deployments_probe_health_and_readiness_on_the_code_port() {
    for variation in VARIATIONS {
        let manifests = rendered(variation);
        let mut errors = Vec::new();
        for ours in &OUR_SERVICES {
            let Some(deployment) = manifests.deployment_of(ours) else {
                errors.push(format!("no Deployment runs {}", ours.name));
                continue;
            };
            let container = container_of(deployment, ours).expect("deployment_of found it");
            let port = default_port(ours);
            let name = ours.name;

            if !container_ports(container).values().any(|p| *p == port) {
                errors.push(format!("{name}: no containerPort {port}"));
            }
            match env_value(container, ours.addr_var) {
                Some(addr) if addr == format!("0.0.0.0:{port}") => {}
                other => errors.push(format!(
                    "{name}: {}={other:?}, expected 0.0.0.0:{port}",
                    ours.addr_var
                )),
            }
            for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
                let Some(get) = container.pointer(&format!("/{probe}/httpGet")) else {
                    errors.push(format!("{name}: no {probe} httpGet"));
                    continue;
                };
                if get.get("path").and_then(Value::as_str) != Some(path) {
                    errors.push(format!("{name}: {probe} does not GET {path}"));
                }
                match get.get("port").and_then(|p| resolve_port(container, p)) {
                    Some(probed) if probed == port => {}
                    other => errors.push(format!(
                        "{name}: {probe} probes port {other:?}, it listens on {port}"
                    )),
                }
            }

            let pod = &deployment["spec"]["template"]["spec"];
            let non_root = pod.pointer("/securityContext/runAsNonRoot") == Some(&Value::Bool(true))
                && pod
                    .pointer("/securityContext/runAsUser")
                    .and_then(Value::as_u64)
                    .is_some_and(|uid| uid != 0);
            if !non_root {
                errors.push(format!("{name}: the pod does not run as a non-root uid"));
            }
            for (field, wanted) in [
                ("readOnlyRootFilesystem", true),
                ("allowPrivilegeEscalation", false),
            ] {
                if container.pointer(&format!("/securityContext/{field}"))
                    != Some(&Value::Bool(wanted))
                {
                    errors.push(format!("{name}: securityContext.{field} is not {wanted}"));
                }
            }
            for resource in ["cpu", "memory"] {
                if container
                    .pointer(&format!("/resources/requests/{resource}"))
                    .is_none()
                {
                    errors.push(format!("{name}: no {resource} request"));
                }
            }
            if container.pointer("/resources/limits/memory").is_none() {
                errors.push(format!("{name}: no memory limit"));
            }

            // SIGTERM comes after the preStop sleep; the drain must fit after it.
            let grace = pod
                .get("terminationGracePeriodSeconds")
                .and_then(Value::as_u64)
                .unwrap_or(30);
            let needed = PRE_STOP_SLEEP_SECONDS + shutdown_timeout_seconds(ours);
            if grace <= needed {
                errors.push(format!(
                    "{name}: terminationGracePeriodSeconds {grace} leaves no time after the \
                     preStop sleep and the {}s drain",
                    shutdown_timeout_seconds(ours)
                ));
            }
            let pre_stop = container
                .pointer("/lifecycle/preStop/exec/command")
                .map(Value::to_string)
                .unwrap_or_default();
            if pre_stop != format!("[\"sleep\",\"{PRE_STOP_SLEEP_SECONDS}\"]") {
                errors.push(format!(
                    "{name}: preStop is {pre_stop}, not a {PRE_STOP_SLEEP_SECONDS}s sleep"
                ));
            }
        }
        assert_no_errors(variation.name, errors);
    }
}

#[test]
fn the_query_api_alone_autoscales() {
    for variation in VARIATIONS {
        let manifests = rendered(variation);
        let mut errors = Vec::new();
        let hpas: Vec<&Value> = manifests.of_kind("HorizontalPodAutoscaler").collect();
        let query_api = manifests
            .deployment_of(our_service("query-api").unwrap())
            .expect("a query-api Deployment");
        if variation.autoscaling {
            if hpas.len() != 1 {
                errors.push(format!("{} HPAs, expected one", hpas.len()));
            }
            for hpa in &hpas {
                let target = &hpa["spec"]["scaleTargetRef"];
                if target["kind"] != "Deployment"
                    || target["apiVersion"] != "apps/v1"
                    || target["name"] != query_api["metadata"]["name"]
                {
                    errors.push(format!(
                        "an HPA scales {target}, not the query-api Deployment"
                    ));
                }
                let (min, max) = (
                    hpa["spec"]["minReplicas"].as_u64(),
                    hpa["spec"]["maxReplicas"].as_u64(),
                );
                if !matches!((min, max), (Some(min), Some(max)) if min >= 1 && max >= min) {
                    errors.push(format!("HPA replicas {min:?}..{max:?}"));
                }
            }
            // The HPA owns the count: a fixed one would be reset by every upgrade.
            if query_api["spec"].get("replicas").is_some() {
                errors.push("the autoscaled query-api Deployment sets replicas".into());
            }
        } else {
            if !hpas.is_empty() {
                errors.push("autoscaling is off but an HPA is rendered".into());
            }
            if query_api["spec"].get("replicas").is_none() {
                errors.push("autoscaling is off but query-api sets no replicas".into());
            }
        }
        for ours in OUR_SERVICES.iter().filter(|ours| ours.name != "query-api") {
            let deployment = manifests.deployment_of(ours).unwrap();
            if deployment["spec"].get("replicas").is_none() {
                errors.push(format!("{} sets no replicas", ours.name));
            }
        }
        assert_no_errors(variation.name, errors);
    }
}

#[test]
fn budgets_and_services_select_the_pods() {
    for variation in VARIATIONS {
        let manifests = rendered(variation);
        let mut errors = Vec::new();
        let mut budgeted = BTreeSet::new();
        for pdb in manifests.of_kind("PodDisruptionBudget") {
            let name = name_of(pdb);
            let selected = manifests.selected(&pdb["spec"]["selector"]["matchLabels"]);
            match selected.as_slice() {
                [deployment] => {
                    budgeted.insert(name_of(deployment));
                }
                other => errors.push(format!(
                    "PDB {name} selects the pods of {} Deployments",
                    other.len()
                )),
            }
            let spec = &pdb["spec"];
            if spec.get("minAvailable").is_none() && spec.get("maxUnavailable").is_none() {
                errors.push(format!(
                    "PDB {name} sets neither minAvailable nor maxUnavailable"
                ));
            }
        }
        for ours in &OUR_SERVICES {
            let deployment = manifests.deployment_of(ours).unwrap();
            if !budgeted.contains(&name_of(deployment)) {
                errors.push(format!("no PDB covers {}", ours.name));
            }
        }

        let mut served = BTreeSet::new();
        for service in manifests.of_kind("Service") {
            let name = name_of(service);
            let selected = manifests.selected(&service["spec"]["selector"]);
            let [deployment] = selected.as_slice() else {
                errors.push(format!(
                    "Service {name} selects the pods of {} Deployments",
                    selected.len()
                ));
                continue;
            };
            served.insert(name_of(deployment));
            let containers = deployment["spec"]["template"]["spec"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for port in service["spec"]["ports"].as_array().into_iter().flatten() {
                let target = port.get("targetPort").unwrap_or(&port["port"]);
                if !containers
                    .iter()
                    .any(|container| resolve_port(container, target).is_some())
                {
                    errors.push(format!(
                        "Service {name} targets port {target}, which its pods do not have"
                    ));
                }
            }
        }
        for ours in &OUR_SERVICES {
            let deployment = manifests.deployment_of(ours).unwrap();
            if !served.contains(&name_of(deployment)) {
                errors.push(format!("no Service selects {}", ours.name));
            }
        }
        assert_no_errors(variation.name, errors);
    }
}

#[test]
fn every_variable_is_read_by_the_code_and_defined() {
    for variation in VARIATIONS {
        let manifests = rendered(variation);
        let mut errors = Vec::new();
        let config = manifests.data("ConfigMap");
        let secrets = manifests.data("Secret");
        for ours in &OUR_SERVICES {
            let name = ours.name;
            let container = manifests
                .deployment_of(ours)
                .and_then(|deployment| container_of(deployment, ours))
                .expect("a container per service");
            let env: Vec<&Value> = container["env"].as_array().into_iter().flatten().collect();
            let mut seen = BTreeSet::new();
            for variable in &env {
                let var = variable["name"].as_str().unwrap_or_default();
                if !seen.insert(var) {
                    errors.push(format!("{name}: {var} is set twice"));
                }
                if let Some(from) = variable.pointer("/valueFrom/configMapKeyRef") {
                    let key = from["key"].as_str().unwrap_or_default();
                    match config.get(from["name"].as_str().unwrap_or_default()) {
                        Some(data) if data.contains_key(key) => {}
                        _ => errors.push(format!(
                            "{name}: {var} comes from ConfigMap {} key {key}, which is not rendered",
                            from["name"]
                        )),
                    }
                }
                if let Some(from) = variable.pointer("/valueFrom/secretKeyRef") {
                    let key = from["key"].as_str().unwrap_or_default();
                    match secrets.get(from["name"].as_str().unwrap_or_default()) {
                        Some(data) if data.contains_key(key) => {}
                        _ => errors.push(format!(
                            "{name}: {var} comes from Secret {} key {key}, which is not rendered",
                            from["name"]
                        )),
                    }
                }
                // A library reads it only while using another variable
                // (PGPASSWORD with DATABASE_URL): that one must be given too.
                let needs = LIBRARY_ENV
                    .iter()
                    .find(|library| library.name == var)
                    .and_then(|library| library.alongside);
                if let Some(needed) = needs
                    && env_entry(container, needed).is_none()
                {
                    errors.push(format!(
                        "{name}: {var} is set without {needed}, which it is read with"
                    ));
                }
                match reading(ours, var) {
                    Reading::Code | Reading::Library => {}
                    _ if expanded_helper(variable, &env) => {}
                    other => errors.push(format!(
                        "{name}: {var} is set by the chart but {}",
                        other.explain(ours)
                    )),
                }
            }
        }
        // Where the process managers send their commands: this release's command API.
        let url = config
            .values()
            .find_map(|data| data.get("PROCESS_MANAGER_COMMAND_API_URL"))
            .cloned()
            .unwrap_or_default();
        let command_api = manifests.of_kind("Service").find(|service| {
            service["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("-command-api"))
        });
        let expected = command_api.map(|service| {
            format!(
                "http://{}:{}",
                service["metadata"]["name"].as_str().unwrap(),
                service["spec"]["ports"][0]["port"]
            )
        });
        if Some(&url) != expected.as_ref() {
            errors.push(format!(
                "PROCESS_MANAGER_COMMAND_API_URL={url}, the command API's Service is {expected:?}"
            ));
        }
        assert_no_errors(variation.name, errors);
    }
}

#[test]
fn authentication_follows_the_chosen_mode() {
    for variation in VARIATIONS {
        let manifests = rendered(variation);
        let mut errors = Vec::new();
        let config: BTreeMap<String, String> = manifests
            .data("ConfigMap")
            .into_values()
            .flatten()
            .collect();
        let secrets: BTreeMap<String, String> =
            manifests.data("Secret").into_values().flatten().collect();
        for ours in &OUR_SERVICES {
            let container = manifests
                .deployment_of(ours)
                .and_then(|deployment| container_of(deployment, ours))
                .unwrap();
            let has = |var: &str| env_entry(container, var).is_some();
            let (wanted, unwanted) = match variation.auth {
                Auth::Hs256 => ("AUTH_HS256_SECRET", "AUTH_JWKS_URL"),
                Auth::Jwks => ("AUTH_JWKS_URL", "AUTH_HS256_SECRET"),
            };
            if !has(wanted) {
                errors.push(format!("{}: {wanted} is not given", ours.name));
            }
            if has(unwanted) {
                errors.push(format!("{}: {unwanted} is given too", ours.name));
            }
            if variation.auth == Auth::Hs256
                && env_entry(container, "AUTH_HS256_SECRET")
                    .and_then(|entry| entry.pointer("/valueFrom/secretKeyRef"))
                    .is_none()
            {
                errors.push(format!(
                    "{}: AUTH_HS256_SECRET does not come from a Secret",
                    ours.name
                ));
            }
        }
        match variation.auth {
            Auth::Hs256 => match secrets.get("AUTH_HS256_SECRET") {
                Some(secret) if secret.len() >= 32 => {
                    if variation
                        .sets
                        .iter()
                        .any(|set| set.starts_with("auth.hs256.secret="))
                        && secret != HS256_SECRET
                    {
                        errors.push("the Secret does not hold the given HS256 secret".into());
                    }
                }
                other => errors.push(format!(
                    "the Secret's AUTH_HS256_SECRET is {} bytes, at least 32 are needed",
                    other.map_or(0, String::len)
                )),
            },
            Auth::Jwks => {
                if config.get("AUTH_JWKS_URL").map(String::as_str) != Some(JWKS_URL) {
                    errors.push(format!(
                        "the ConfigMap's AUTH_JWKS_URL is {:?}",
                        config.get("AUTH_JWKS_URL")
                    ));
                }
                if secrets.contains_key("AUTH_HS256_SECRET") {
                    errors.push("the Secret holds an HS256 secret with a JWKS".into());
                }
            }
        }
        // The password never sits in the ConfigMap's DATABASE_URL.
        if let Some(url) = config.get("DATABASE_URL") {
            let authority = url.split('/').nth(2).unwrap_or_default();
            let userinfo = authority
                .rsplit_once('@')
                .map_or("", |(userinfo, _)| userinfo);
            if userinfo.contains(':') {
                errors.push(format!("DATABASE_URL {url} carries a password"));
            }
        }
        if variation
            .sets
            .iter()
            .any(|set| set.starts_with("database.password="))
            && secrets.get("PGPASSWORD").map(String::as_str) != Some("s3cret")
        {
            errors.push("the Secret does not hold the database password".into());
        }
        assert_no_errors(variation.name, errors);
    }
}

#[test]
fn wrong_values_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "auth.jwks.url=https://idp.example.com/jwks.json",
                "auth.hs256.secret=a-test-secret-of-at-least-32-bytes-0123456789",
                "projector.processManager.tokenCommand=/t",
            ],
            "choose one",
        ),
        (
            &["auth.jwks.url=https://idp.example.com/jwks.json"],
            "processManager.tokenCommand",
        ),
        (&["auth.hs256.secret=too-short"], "at least 32 bytes"),
        (&["schemaRegistry.url=https://registry:8080"], "http://"),
        // values.schema.json: a misspelt key, a number that is not one.
        (&["queryApi.autoscalng.enabled=false"], "autoscalng"),
        (&["events.topicPartitions=six"], "topicPartitions"),
    ];
    for (sets, message) in cases {
        let output = template(sets);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(message),
            "helm template {sets:?} should refuse with {message:?}; it said: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------------
// Running helm

/// The helm binary: `HELM`, exported by scripts/test.sh.
fn helm_path() -> &'static str {
    static HELM: OnceLock<String> = OnceLock::new();
    HELM.get_or_init(|| match std::env::var("HELM") {
        Ok(path) if !path.is_empty() => path,
        _ => panic!(
            "HELM is not set: run the suite with scripts/test.sh, which installs helm \
             (scripts/helm.sh) and exports it, or HELM=$(scripts/helm.sh) cargo test \
             --workspace --test helm_chart"
        ),
    })
}

fn helm(args: &[String]) -> Output {
    Command::new(helm_path())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|error| panic!("running {} {args:?}: {error}", helm_path()))
}

fn chart_dir() -> String {
    root().join(CHART).to_string_lossy().into_owned()
}

fn set_args(sets: &[&str]) -> Vec<String> {
    sets.iter()
        .flat_map(|set| ["--set".to_owned(), (*set).to_owned()])
        .collect()
}

fn template(sets: &[&str]) -> Output {
    let mut args: Vec<String> = [
        "template",
        RELEASE,
        "--namespace",
        NAMESPACE,
        "--kube-version",
        KUBE_VERSION,
    ]
    .map(String::from)
    .to_vec();
    args.push(chart_dir());
    args.extend(set_args(sets));
    helm(&args)
}

/// The manifests `helm template` renders for a variation.
struct Manifests(Vec<Value>);

fn rendered(variation: &Variation) -> Manifests {
    let output = template(variation.sets);
    assert!(
        output.status.success(),
        "helm template ({}) failed: {}",
        variation.name,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("helm prints UTF-8");
    let documents = serde_yaml_ng::Deserializer::from_str(&text)
        .map(|document| {
            Value::deserialize(document)
                .unwrap_or_else(|error| panic!("{}: rendered YAML: {error}", variation.name))
        })
        .filter(|document| !document.is_null())
        .collect();
    Manifests(documents)
}

impl Manifests {
    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.0
            .iter()
            .filter(move |manifest| manifest["kind"] == kind)
    }

    /// The Deployment whose pods run `ours` (a container of that name).
    fn deployment_of(&self, ours: &OurService) -> Option<&Value> {
        self.of_kind("Deployment")
            .find(|deployment| container_of(deployment, ours).is_some())
    }

    /// The Deployments whose pod labels include every label of `selector`.
    fn selected(&self, selector: &Value) -> Vec<&Value> {
        let Some(wanted) = selector.as_object().filter(|labels| !labels.is_empty()) else {
            return Vec::new();
        };
        self.of_kind("Deployment")
            .filter(|deployment| {
                let labels = &deployment["spec"]["template"]["metadata"]["labels"];
                wanted
                    .iter()
                    .all(|(key, value)| labels.get(key) == Some(value))
            })
            .collect()
    }

    /// The data of every object of `kind` (ConfigMap or Secret, decoded), by name.
    fn data(&self, kind: &str) -> BTreeMap<String, BTreeMap<String, String>> {
        self.of_kind(kind)
            .map(|object| {
                let name = object["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let data = object["data"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(key, value)| {
                        let text = value.as_str().unwrap_or_default();
                        let text = if kind == "Secret" {
                            let bytes = base64::engine::general_purpose::STANDARD
                                .decode(text)
                                .unwrap_or_else(|error| panic!("Secret {name} {key}: {error}"));
                            String::from_utf8(bytes).expect("a text secret")
                        } else {
                            text.to_owned()
                        };
                        (key.clone(), text)
                    })
                    .collect();
                (name, data)
            })
            .collect()
    }
}

/// An object's `metadata.name`.
fn name_of(object: &Value) -> String {
    object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn container_of<'a>(deployment: &'a Value, ours: &OurService) -> Option<&'a Value> {
    deployment["spec"]["template"]["spec"]["containers"]
        .as_array()?
        .iter()
        .find(|container| container["name"] == ours.name)
}

/// A container's ports by name (unnamed ones under their number).
fn container_ports(container: &Value) -> BTreeMap<String, u16> {
    container["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|port| {
            let number = u16::try_from(port["containerPort"].as_u64()?).ok()?;
            let name = port["name"]
                .as_str()
                .map_or_else(|| number.to_string(), str::to_owned);
            Some((name, number))
        })
        .collect()
}

/// The container port a probe's or Service's port (a name or a number) means.
fn resolve_port(container: &Value, port: &Value) -> Option<u16> {
    let ports = container_ports(container);
    match port {
        Value::String(name) => ports.get(name).copied(),
        Value::Number(number) => {
            let number = u16::try_from(number.as_u64()?).ok()?;
            ports.values().any(|p| *p == number).then_some(number)
        }
        _ => None,
    }
}

fn env_entry<'a>(container: &'a Value, name: &str) -> Option<&'a Value> {
    container["env"]
        .as_array()?
        .iter()
        .find(|entry| entry["name"] == name)
}

fn env_value(container: &Value, name: &str) -> Option<String> {
    env_entry(container, name)?["value"]
        .as_str()
        .map(str::to_owned)
}

/// A variable only the kubelet reads: a downward-API field (the pod's IP)
/// that another variable of the container embeds as `$(NAME)`. That other
/// variable is checked itself.
fn expanded_helper(variable: &Value, env: &[&Value]) -> bool {
    let Some(name) = variable["name"].as_str() else {
        return false;
    };
    let reference = format!("$({name})");
    variable.pointer("/valueFrom/fieldRef").is_some()
        && env.iter().any(|other| {
            other["value"]
                .as_str()
                .is_some_and(|value| value.contains(&reference))
        })
}

fn assert_no_errors(what: &str, errors: Vec<String>) {
    assert!(
        errors.is_empty(),
        "the chart ({what}) disagrees with the code:\n  {}",
        errors.join("\n  ")
    );
}

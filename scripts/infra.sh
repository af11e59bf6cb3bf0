#!/usr/bin/env bash
# Local infrastructure for development and tests: a single-node Apache Kafka
# broker (KRaft, broker+controller in one JVM), PostgreSQL and the schema
# registry docker-compose.kafka.yml ships (Apicurio Registry), all kept under
# <repo>/.local (git-ignored). There is no Docker engine on the development
# machines or CI, so they run as plain processes.
#
#   scripts/infra.sh up       install what is missing, start all three (idempotent)
#   scripts/infra.sh down     stop what this script started
#   scripts/infra.sh status   say what is up (exit 1 if something is down)
#   scripts/infra.sh env      print exports: eval "$(scripts/infra.sh env)"
#   scripts/infra.sh secret   print the local HS256 secret (created once, then reused)
#
# Overrides: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), PGPORT (5432),
# SCHEMA_REGISTRY_PORT (8085), SCHEMA_REGISTRY_MANAGEMENT_PORT (9085),
# KAFKA_HEAP_OPTS (-Xms256m -Xmx1g), SCHEMA_REGISTRY_HEAP_OPTS (-Xms64m -Xmx512m),
# DATABASE_URL (an existing database to use instead of the local cluster, if
# it answers).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=$ROOT/.local
# shellcheck source=lib/kafka.sh
source "$ROOT/scripts/lib/kafka.sh"

KAFKA_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
# The controller endpoint is recorded in the metadata log when the storage is
# formatted (--standalone), so keep it stable for an existing data directory.
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_DIR=$LOCAL/kafka
KAFKA_LIBS=$KAFKA_DIR/libs
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_LOGS=$KAFKA_DIR/logs
KAFKA_PID=$KAFKA_DIR/kafka.pid
KAFKA_PROPS=$KAFKA_DIR/server.properties
KAFKA_POM=$ROOT/infra/kafka/pom.xml
KAFKA_LOG4J=$ROOT/infra/kafka/log4j2.properties
KAFKA_START_TIMEOUT=60

PG_HOST=127.0.0.1
PGPORT=${PGPORT:-5432}
PG_DB=cqrs
DEFAULT_DATABASE_URL="postgres://postgres@$PG_HOST:$PGPORT/$PG_DB"
# Same server, maintenance database: used to create $PG_DB.
PG_ADMIN_URL="postgres://postgres@$PG_HOST:$PGPORT/postgres"

# The schema registry is Apicurio Registry, the product and version that
# docker-compose.kafka.yml ships, run from the built server Apicurio publishes
# on Maven Central (infra/apicurio/pom.xml pins the version), with its default
# in-memory H2 storage. Its Confluent-compatible API (ccompat v7) is what
# SCHEMA_REGISTRY_URL names.
REGISTRY_POM=$ROOT/infra/apicurio/pom.xml
REGISTRY_JAVA_MAJOR=21
REGISTRY_HOST=127.0.0.1
SCHEMA_REGISTRY_PORT=${SCHEMA_REGISTRY_PORT:-8085}
# Quarkus' management interface (health, metrics); see start_registry.
SCHEMA_REGISTRY_MANAGEMENT_PORT=${SCHEMA_REGISTRY_MANAGEMENT_PORT:-9085}
REGISTRY_BASE_URL="http://$REGISTRY_HOST:$SCHEMA_REGISTRY_PORT"
REGISTRY_URL="$REGISTRY_BASE_URL/apis/ccompat/v7"
# Measured: ready in ~10 s, ~270 MB resident with these limits.
REGISTRY_HEAP_OPTS=${SCHEMA_REGISTRY_HEAP_OPTS:--Xms64m -Xmx512m}
REGISTRY_DIR=$LOCAL/schema-registry
REGISTRY_SERVER=$REGISTRY_DIR/server
REGISTRY_PID=$REGISTRY_DIR/registry.pid
REGISTRY_LOG=$REGISTRY_DIR/registry.log
# A JVM with ~450 jars on 2 busy cores: allow for a slow start.
REGISTRY_START_TIMEOUT=120

# --------------------------------------------------------------------------
# helpers

log() { printf '[infra] %s\n' "$*" >&2; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# `as_root CMD...`: apt-get and runuser need root; use sudo when we are not.
as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

# initdb, pg_ctl and postgres refuse to run as root, so run them as the
# `postgres` OS user (as the current user when we are not root).
as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# --------------------------------------------------------------------------
# prerequisites

pkg_installed() {
  [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]
}

# Newest PostgreSQL server bin directory (the Debian packages do not put
# initdb/pg_ctl on PATH).
pg_bin_dir() {
  local dir
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
    [[ -x $dir/initdb && -x $dir/pg_ctl ]] && { echo "$dir"; return 0; }
  done
  return 1
}

# Debian packages missing on this machine, one per line.
missing_packages() {
  local pkg
  # What the Rust crates need to build (rdkafka builds librdkafka, sqlx/reqwest
  # may link OpenSSL).
  for pkg in build-essential pkg-config libssl-dev zlib1g-dev cmake curl; do
    pkg_installed "$pkg" || echo "$pkg"
  done
  command -v java >/dev/null || echo default-jre-headless
  command -v mvn >/dev/null || echo maven
  pg_bin_dir >/dev/null || echo postgresql
  command -v psql >/dev/null || echo postgresql-client
  kcat_cmd >/dev/null || echo kcat
}

install_prerequisites() {
  local -a pkgs
  mapfile -t pkgs < <(missing_packages)
  ((${#pkgs[@]})) || return 0

  log "installing missing packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || die "apt-get update failed"
  # kcat was called kafkacat on older releases.
  local i
  for i in "${!pkgs[@]}"; do
    if [[ ${pkgs[i]} == kcat ]] && ! apt-cache show kcat >/dev/null 2>&1; then pkgs[i]=kafkacat; fi
  done
  mkdir -p "$LOCAL"
  as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >"$LOCAL/apt-get.log" 2>&1 ||
    die "apt-get install ${pkgs[*]} failed; see $LOCAL/apt-get.log"

  # Installing the postgresql package may create and start the distribution's
  # "main" cluster on 5432, which would take our port and reject the
  # password-less default URL. Nothing uses it yet, so stop it and keep it from
  # starting on boot.
  if [[ " ${pkgs[*]} " == *" postgresql "* ]]; then stop_distribution_cluster; fi
}

stop_distribution_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  local ver name port status
  while read -r ver name port status _; do
    [[ $ver =~ ^[0-9]+$ ]] || continue
    if [[ $status == online* ]]; then
      log "stopping the package's default cluster $ver/$name (port $port)"
      as_root pg_ctlcluster "$ver" "$name" stop || true
    fi
    echo manual | as_root tee "/etc/postgresql/$ver/$name/start.conf" >/dev/null || true
  done < <(pg_lsclusters --no-header 2>/dev/null)
}

check_java() {
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ ${major%%.*} -ge 17 ]] 2>/dev/null || die "Kafka 4 needs Java 17 or newer; 'java' is version ${major:-unknown}"
}

# --------------------------------------------------------------------------
# Kafka

# Rewritten on every start so that port overrides take effect.
write_kafka_config() {
  cat >"$KAFKA_PROPS" <<EOF
# Generated by scripts/infra.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# One broker: every internal topic gets a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
EOF
  kafka_shared_properties >>"$KAFKA_PROPS"
}

# The storage tool writes meta.properties and the bootstrap metadata once;
# a second format would fail (and must not wipe data), so check first.
format_kafka_storage() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local cluster_id
  cluster_id=$(kafka_random_uuid)
  log "formatting Kafka storage in $KAFKA_DATA (cluster id $cluster_id)"
  mkdir -p "$KAFKA_DATA"
  kafka_format_storage "$KAFKA_PROPS" "$KAFKA_LOGS/format.log" "$cluster_id" --standalone
}

kafka_pid() {
  [[ -f $KAFKA_PID ]] && cat "$KAFKA_PID"
  return 0
}

kafka_started_here() {
  pid_alive "$(kafka_pid)" "$KAFKA_MAIN"
}

# True once the broker answers a metadata request (kcat); without kcat, once
# its client port accepts connections (a weaker check).
kafka_ready() {
  local kcat
  if kcat=$(kcat_cmd); then
    "$kcat" -b "$KAFKA_HOST:$KAFKA_PORT" -L -m 2 >/dev/null 2>&1
  else
    port_open "$KAFKA_PORT"
  fi
}

start_kafka() {
  log "starting Kafka $(kafka_version) on $KAFKA_HOST:$KAFKA_PORT (logs: $KAFKA_LOGS)"
  kafka_start_process "$KAFKA_PID" "$KAFKA_LOGS" "$KAFKA_PROPS"
}

wait_for_kafka() {
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  until kafka_ready; do
    if ! kafka_started_here; then
      tail -n 20 "$KAFKA_LOGS/kafka.out" "$KAFKA_LOGS/server.log" >&2 2>/dev/null || true
      die "Kafka exited during start-up; see $KAFKA_LOGS/server.log and $KAFKA_LOGS/kafka.out"
    fi
    ((SECONDS < deadline)) ||
      die "Kafka did not answer on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s; see $KAFKA_LOGS/server.log"
    sleep 0.5
  done
}

KAFKA_SUMMARY=""

kafka_up() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  if kafka_started_here; then
    wait_for_kafka
    KAFKA_SUMMARY="already running (pid $(kafka_pid))"
    return 0
  fi
  rm -f "$KAFKA_PID"
  if port_open "$KAFKA_PORT"; then
    # Another worktree's broker, say: use it rather than fail.
    kafka_ready || die "port $KAFKA_PORT is taken by something that is not a Kafka broker (set KAFKA_PORT)"
    KAFKA_SUMMARY="reusing the broker already on port $KAFKA_PORT (not started by this script)"
    return 0
  fi
  port_open "$KAFKA_CONTROLLER_PORT" &&
    die "controller port $KAFKA_CONTROLLER_PORT is taken (set KAFKA_CONTROLLER_PORT)"

  check_java
  ensure_kafka_libs "$KAFKA_LOGS"
  write_kafka_config
  format_kafka_storage
  start_kafka
  wait_for_kafka
  KAFKA_SUMMARY="started (pid $(kafka_pid))"
}

kafka_down() {
  local pid
  pid=$(kafka_pid)
  if ! pid_alive "$pid" "$KAFKA_MAIN"; then
    rm -f "$KAFKA_PID"
    log "kafka: nothing to stop (no broker started by this script is running)"
    return 0
  fi
  log "stopping Kafka (pid $pid)"
  # SIGTERM runs the broker's controlled shutdown; give it time to finish.
  kafka_stop_pids 60 "$pid"
  rm -f "$KAFKA_PID"
}

kafka_status() {
  if kafka_started_here; then
    if kafka_ready; then
      echo "kafka:    up   $KAFKA_HOST:$KAFKA_PORT (pid $(kafka_pid), Kafka $(kafka_version), data $KAFKA_DATA)"
    else
      echo "kafka:    starting or unhealthy (pid $(kafka_pid)); see $KAFKA_LOGS/server.log"
      return 1
    fi
  elif kafka_ready; then
    echo "kafka:    up   $KAFKA_HOST:$KAFKA_PORT (not started by this script)"
  else
    echo "kafka:    down"
    return 1
  fi
}

# --------------------------------------------------------------------------
# PostgreSQL

# True if $1 accepts a connection and a query.
pg_url_ok() {
  command -v psql >/dev/null || return 1
  PGCONNECT_TIMEOUT=3 psql "$1" -XAtqc 'select 1' >/dev/null 2>&1
}

# The externally supplied DATABASE_URL, if there is one and it answers.
external_database_url() {
  [[ -n ${DATABASE_URL:-} && ${DATABASE_URL} != "$DEFAULT_DATABASE_URL" ]] && pg_url_ok "$DATABASE_URL" &&
    echo "$DATABASE_URL"
}

# Where the project-local cluster lives: <repo>/.local/postgres, unless the
# postgres user cannot reach it (a checkout under a private directory such as
# a mktemp dir), then a per-checkout directory under /var/tmp.
pg_cluster_dir() {
  if ((EUID != 0)) || runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
    echo "$LOCAL/postgres"
  else
    echo "/var/tmp/cqrs-postgres-$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
  fi
}

# The bin directory matching an existing cluster's major version.
pg_bin_for() {
  local data=$1 ver
  if [[ -f $data/PG_VERSION ]]; then
    ver=$(<"$data/PG_VERSION")
    [[ -x /usr/lib/postgresql/$ver/bin/pg_ctl ]] ||
      die "$data was created by PostgreSQL $ver, which is not installed; remove that directory to start afresh"
    echo "/usr/lib/postgresql/$ver/bin"
  else
    pg_bin_dir || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
  fi
}

local_pg_running() {
  local data
  data=$(pg_cluster_dir)/data
  [[ -f $data/PG_VERSION ]] || return 1
  as_pg "$(pg_bin_for "$data")/pg_ctl" status -D "$data" >/dev/null 2>&1
}

ensure_postgres_user() {
  ((EUID == 0)) || return 0
  id postgres >/dev/null 2>&1 && return 0
  log "creating the postgres system user"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

init_local_pg() {
  local dir=$1 data=$1/data bin=$2
  [[ -f $data/PG_VERSION ]] && return 0
  log "creating a PostgreSQL cluster in $data"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
  # Development/test cluster: durability is traded for speed (the data can
  # always be recreated), and no Unix socket (its path could exceed the
  # socket-path limit; everything connects over TCP).
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<'EOF'

# --- added by scripts/infra.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_local_pg() {
  local dir bin
  dir=$(pg_cluster_dir)
  mkdir -p "$dir"
  ((EUID == 0)) && chown postgres: "$dir"
  bin=$(pg_bin_for "$dir/data")
  init_local_pg "$dir" "$bin"
  log "starting PostgreSQL on $PG_HOST:$PGPORT (log: $dir/postgres.log)"
  # pg_ctl puts the postmaster in its own session, so it outlives this script.
  as_pg "$bin/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -o "-p $PGPORT" -w -t 60 >/dev/null 9>&- ||
    die "PostgreSQL did not start; see $dir/postgres.log"
}

ensure_database() {
  local exists
  exists=$(psql "$PG_ADMIN_URL" -XAtqc "select 1 from pg_database where datname = '$PG_DB'") ||
    die "cannot query $PG_ADMIN_URL"
  [[ $exists == 1 ]] && return 0
  log "creating database $PG_DB"
  psql "$PG_ADMIN_URL" -XAtqc "create database $PG_DB" >/dev/null
}

PG_SUMMARY=""

postgres_up() {
  if external_database_url >/dev/null; then
    PG_SUMMARY="using DATABASE_URL (external; not managed here)"
    return 0
  fi
  if [[ -n ${DATABASE_URL:-} && ${DATABASE_URL} != "$DEFAULT_DATABASE_URL" ]]; then
    log "warning: DATABASE_URL does not answer; using the project-local cluster instead"
  fi
  # Before pg_cluster_dir, which asks whether this user can reach .local.
  ensure_postgres_user

  if local_pg_running; then
    PG_SUMMARY="already running ($(pg_cluster_dir)/data)"
  elif port_open "$PGPORT"; then
    pg_url_ok "$PG_ADMIN_URL" ||
      die "something on port $PGPORT rejects $PG_ADMIN_URL (another PostgreSQL with password auth?); stop it or set PGPORT"
    PG_SUMMARY="reusing the server already on port $PGPORT (not started by this script)"
  else
    start_local_pg
    PG_SUMMARY="started ($(pg_cluster_dir)/data)"
  fi
  ensure_database
}

postgres_down() {
  local data
  data=$(pg_cluster_dir)/data
  if ! local_pg_running; then
    log "postgres: nothing to stop (the local cluster is not running)"
    return 0
  fi
  log "stopping PostgreSQL ($data)"
  as_pg "$(pg_bin_for "$data")/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
}

postgres_status() {
  if external_database_url >/dev/null; then
    echo "postgres: up   DATABASE_URL (external)"
  elif local_pg_running; then
    echo "postgres: up   $DEFAULT_DATABASE_URL (data $(pg_cluster_dir)/data)"
  elif pg_url_ok "$PG_ADMIN_URL"; then
    echo "postgres: up   $PG_HOST:$PGPORT (not started by this script)"
  else
    echo "postgres: down"
    return 1
  fi
}

database_url() {
  external_database_url || echo "$DEFAULT_DATABASE_URL"
}

# --------------------------------------------------------------------------
# Schema registry (Apicurio Registry)

registry_version() {
  sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' "$REGISTRY_POM"
}

# Java for the registry: the newest of $JAVA_HOME's, `java` and the JDKs under
# /usr/lib/jvm (Kafka is fine with the default Java 17; Apicurio 3.3 is
# compiled for 21). Prints the java binary.
registry_java() {
  local candidate major best="" best_major=0
  for candidate in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    major=$("$candidate" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = //p')
    major=${major%%.*}
    [[ $major =~ ^[0-9]+$ ]] || continue
    if ((major > best_major)); then best=$candidate best_major=$major; fi
  done
  ((best_major >= REGISTRY_JAVA_MAJOR)) ||
    die "Apicurio Registry $(registry_version) needs Java $REGISTRY_JAVA_MAJOR or newer; the newest Java found is ${best:-none}${best:+ (Java $best_major)} (point JAVA_HOME at a JDK $REGISTRY_JAVA_MAJOR+ or install one under /usr/lib/jvm)"
  echo "$best"
}

# Fetch the built server once (~160 MB from Maven Central, seconds). The
# marker records the pom's hash, so a version bump fetches again; otherwise
# Maven is not run at all.
ensure_registry_server() {
  local marker=$REGISTRY_SERVER/.resolved stamp
  stamp="apicurio $(registry_version) pom-sha256 $(sha256sum "$REGISTRY_POM" | cut -d' ' -f1)"
  [[ -f $marker && $(<"$marker") == "$stamp" && -f $REGISTRY_SERVER/quarkus-run.jar ]] && return 0

  log "fetching Apicurio Registry $(registry_version) from Maven Central (first run only)"
  # Unpack into a fresh folder and swap it in: jars of two versions in lib/
  # would make a server that is neither.
  local tmp=$REGISTRY_SERVER.tmp
  rm -rf "$tmp"
  mkdir -p "$REGISTRY_DIR"
  mvn -B -q -f "$REGISTRY_POM" dependency:unpack -Dapicurio.dir="$tmp" \
    >"$REGISTRY_DIR/maven.log" 2>&1 ||
    die "Maven could not fetch Apicurio Registry; see $REGISTRY_DIR/maven.log"
  [[ -f $tmp/quarkus-run.jar ]] || die "Maven finished but $tmp has no quarkus-run.jar"
  echo "$stamp" >"$tmp/.resolved"
  rm -rf "$REGISTRY_SERVER"
  mv "$tmp" "$REGISTRY_SERVER"
}

registry_pid() {
  [[ -f $REGISTRY_PID ]] && cat "$REGISTRY_PID"
  return 0
}

registry_started_here() {
  pid_alive "$(registry_pid)" "$REGISTRY_SERVER/quarkus-run.jar"
}

# True once the port answers as Apicurio Registry of the pinned version with
# its Confluent-compatible API up (the system info answers before the
# storage is ready; the ccompat subjects list does not).
registry_ready() {
  local info subjects
  info=$(curl -fsS --max-time 2 "$REGISTRY_BASE_URL/apis/registry/v3/system/info" 2>/dev/null) &&
    [[ $info == *'"name":"Apicurio Registry'* && $info == *"\"version\":\"$(registry_version)\""* ]] &&
    subjects=$(curl -fsS --max-time 2 "$REGISTRY_URL/subjects" 2>/dev/null) && [[ $subjects == \[* ]]
}

# What answers on the registry's port, for error messages.
registry_identity() {
  curl -fsS --max-time 2 "$REGISTRY_BASE_URL/apis/registry/v3/system/info" 2>/dev/null ||
    echo "not Apicurio Registry"
}

start_registry() {
  local java
  java=$(registry_java)
  log "starting Apicurio Registry $(registry_version) on $REGISTRY_URL (log: $REGISTRY_LOG)"
  rm -f "$REGISTRY_PID"
  # Detached like the broker: it must outlive this script and its terminal.
  # Storage: Apicurio's default, an in-memory H2 database. The management
  # interface (health, metrics) is fixed on at Apicurio's build time, so it
  # cannot be switched off here; keep it on loopback and on our port.
  # SC2016: $$ and $@ belong to the inner shell; SC2086: REGISTRY_HEAP_OPTS
  # is a list of JVM options.
  # shellcheck disable=SC2016,SC2086
  QUARKUS_HTTP_HOST=$REGISTRY_HOST \
    QUARKUS_HTTP_PORT=$SCHEMA_REGISTRY_PORT \
    QUARKUS_MANAGEMENT_HOST=$REGISTRY_HOST \
    QUARKUS_MANAGEMENT_PORT=$SCHEMA_REGISTRY_MANAGEMENT_PORT \
    setsid bash -c 'echo $$ >"$1"; shift; exec nohup "$@"' _ "$REGISTRY_PID" \
    "$java" $REGISTRY_HEAP_OPTS -jar "$REGISTRY_SERVER/quarkus-run.jar" \
    </dev/null >>"$REGISTRY_LOG" 2>&1 9>&- &
  local waited=0
  until [[ -s $REGISTRY_PID ]] || ((waited++ > 50)); do sleep 0.1; done
}

wait_for_registry() {
  local deadline=$((SECONDS + REGISTRY_START_TIMEOUT))
  until registry_ready; do
    if ! registry_started_here; then
      tail -n 20 "$REGISTRY_LOG" >&2 2>/dev/null || true
      die "the schema registry exited during start-up; see $REGISTRY_LOG"
    fi
    ((SECONDS < deadline)) ||
      die "the schema registry did not answer on $REGISTRY_URL within ${REGISTRY_START_TIMEOUT}s; see $REGISTRY_LOG"
    sleep 0.5
  done
}

# Stop the process behind pid file $1 if its command line contains $2.
stop_pid_file() {
  local pid_file=$1 pattern=$2 pid
  pid=$([[ -f $pid_file ]] && cat "$pid_file")
  pid_alive "$pid" "$pattern" || return 1
  kill -TERM "$pid"
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

# Until Apicurio, this checkout ran the rivven-schema crate's server from the
# same pid file; one still running holds the port, so stop it.
stop_legacy_registry() {
  stop_pid_file "$REGISTRY_PID" "rivven-schema serve" &&
    log "stopped the rivven-schema registry an earlier version of this script started"
  return 0
}

REGISTRY_SUMMARY=""

registry_up() {
  mkdir -p "$REGISTRY_DIR"
  if registry_started_here; then
    wait_for_registry
    REGISTRY_SUMMARY="already running (pid $(registry_pid))"
    return 0
  fi
  stop_legacy_registry
  rm -f "$REGISTRY_PID"
  if port_open "$SCHEMA_REGISTRY_PORT"; then
    # Another worktree's registry, say: use it rather than fail, if it is the
    # one the suite tests.
    registry_ready ||
      die "port $SCHEMA_REGISTRY_PORT is taken by something that is not Apicurio Registry $(registry_version) ($(registry_identity)); stop it or set SCHEMA_REGISTRY_PORT"
    REGISTRY_SUMMARY="reusing the registry already on port $SCHEMA_REGISTRY_PORT (not started by this script)"
    return 0
  fi
  port_open "$SCHEMA_REGISTRY_MANAGEMENT_PORT" &&
    die "the registry's management port $SCHEMA_REGISTRY_MANAGEMENT_PORT is taken (set SCHEMA_REGISTRY_MANAGEMENT_PORT)"
  ensure_registry_server
  start_registry
  wait_for_registry
  REGISTRY_SUMMARY="started (pid $(registry_pid))"
}

registry_down() {
  # The in-memory H2 storage goes with the process.
  if stop_pid_file "$REGISTRY_PID" "$REGISTRY_SERVER/quarkus-run.jar"; then
    log "stopped the schema registry; its schemas were in memory and are forgotten"
  elif stop_pid_file "$REGISTRY_PID" "rivven-schema serve"; then
    log "stopped the rivven-schema registry an earlier version of this script started"
  else
    rm -f "$REGISTRY_PID"
    log "schema registry: nothing to stop (no registry started by this script is running)"
  fi
}

registry_status() {
  if registry_started_here; then
    if registry_ready; then
      echo "registry: up   $REGISTRY_URL (pid $(registry_pid), Apicurio Registry $(registry_version), schemas in memory)"
    else
      echo "registry: starting or unhealthy (pid $(registry_pid)); see $REGISTRY_LOG"
      return 1
    fi
  elif registry_ready; then
    echo "registry: up   $REGISTRY_URL (not started by this script)"
  else
    echo "registry: down"
    return 1
  fi
}

# --------------------------------------------------------------------------
# commands

# Serialise `up` and `down` of this checkout (e.g. scripts/test.sh and
# scripts/up.sh started at the same time would both try to start a broker).
lock() {
  mkdir -p "$LOCAL"
  # Whatever we start must not inherit fd 9 (it would hold the lock for as
  # long as it runs): see the `9>&-` on the start commands.
  exec 9>"$LOCAL/infra.lock"
  flock 9
}

cmd_up() {
  local start=$SECONDS
  lock
  install_prerequisites
  kafka_up
  postgres_up
  registry_up
  cat <<EOF
infra is up ($((SECONDS - start))s)
  kafka:    $KAFKA_HOST:$KAFKA_PORT  $KAFKA_SUMMARY
  postgres: $(database_url | sed 's#://\([^:/@]*\):[^@]*@#://\1:***@#')  $PG_SUMMARY
  registry: $REGISTRY_URL  $REGISTRY_SUMMARY
  use:      eval "\$(scripts/infra.sh env)"
EOF
}

cmd_down() {
  lock
  registry_down
  kafka_down
  postgres_down
}

cmd_status() {
  local rc=0
  kafka_status || rc=1
  postgres_status || rc=1
  registry_status || rc=1
  return "$rc"
}

# The HS256 secret the local services verify tokens with and scripts/token.sh
# signs them with: made once from /dev/urandom, kept (mode 600) and reused, so
# tokens minted earlier stay valid across restarts.
AUTH_SECRET_FILE=$LOCAL/auth/hs256.secret

local_secret() {
  if [[ ! -s $AUTH_SECRET_FILE ]]; then
    mkdir -p "$(dirname "$AUTH_SECRET_FILE")"
    (
      umask 077
      head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$AUTH_SECRET_FILE.tmp"
    )
    mv "$AUTH_SECRET_FILE.tmp" "$AUTH_SECRET_FILE"
  fi
  cat "$AUTH_SECRET_FILE"
}

cmd_env() {
  echo "export KAFKA_BROKERS=$(shell_quote "$KAFKA_HOST:$KAFKA_PORT")"
  echo "export DATABASE_URL=$(shell_quote "$(database_url)")"
  echo "export SCHEMA_REGISTRY_URL=$(shell_quote "$REGISTRY_URL")"
  echo "export AUTH_HS256_SECRET=$(shell_quote "$(local_secret)")"
}

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    secret) local_secret ;;
    *) usage ;;
  esac
}

main "$@"

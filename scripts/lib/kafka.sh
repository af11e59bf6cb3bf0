# shellcheck shell=bash
# Apache Kafka (KRaft) as a plain process, shared by scripts/infra.sh (the
# single-node development broker) and scripts/cluster.sh (the 3-node fault
# suite cluster): the jars, the settings both use, formatting a node's storage
# and starting its JVM detached. Sourced, not run.
#
# The caller defines `log` and `die` and sets, before calling:
#   KAFKA_POM    infra/kafka/pom.xml, which pins the version
#   KAFKA_LIBS   where the jars go (<repo>/.local/kafka/libs, shared by both)
#   KAFKA_LOG4J  the broker's log4j2 configuration

KAFKA_MAIN=kafka.Kafka
KAFKA_STORAGE_TOOL=kafka.tools.StorageTool
KAFKA_QUORUM_TOOL=org.apache.kafka.tools.MetadataQuorumCommand

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# True if $1 is the pid of a live process whose command line contains $2
# (guards against a stale pid file whose pid was reused by something else).
pid_alive() {
  local pid=$1 pattern=$2
  # No `| grep -q` here: with pipefail an early grep exit can fail the pipe.
  [[ -n $pid && -r /proc/$pid/cmdline && $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"$pattern"* ]]
}

# Single-quote $1 for the shell, for the `env` output.
shell_quote() {
  local q="'\\''"
  printf "'%s'" "${1//\'/$q}"
}

kcat_cmd() {
  command -v kcat || command -v kafkacat
}

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM"
}

# `ensure_kafka_libs LOG_DIR`: download the broker's jars once (Maven's output
# goes to LOG_DIR/maven.log). The marker records the pom's hash, so a version
# bump in the pom fetches again; otherwise Maven is not run at all.
ensure_kafka_libs() {
  local log_dir=$1 marker=$KAFKA_LIBS/.resolved stamp
  stamp="kafka $(kafka_version) pom-sha256 $(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f $marker && $(<"$marker") == "$stamp" ]] && return 0

  log "resolving Kafka $(kafka_version) jars with Maven (first run only, ~1 min)"
  # Copy into a fresh folder and swap it in: mixing jars of two versions on one
  # classpath would break the broker in odd ways.
  local tmp=$KAFKA_LIBS.tmp
  rm -rf "$tmp"
  mkdir -p "$log_dir"
  mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DoutputDirectory="$tmp" \
    >"$log_dir/maven.log" 2>&1 ||
    die "Maven could not resolve the Kafka jars; see $log_dir/maven.log"
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "Maven finished but $tmp has no kafka_2.13 jar"
  echo "$stamp" >"$tmp/.resolved"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
}

# The server settings of every broker here, after its node and replication
# settings (printed into its server.properties).
kafka_shared_properties() {
  cat <<'EOF'
# Few partitions, so that the first consumer group / transaction is fast.
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4

# Topics are created explicitly by the services and tests.
auto.create.topics.enable=false
num.partitions=1

# Tests: join groups at once and allow short session timeouts.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
group.consumer.min.session.timeout.ms=1000
group.consumer.min.heartbeat.interval.ms=500
# Abort timed-out transactions of dead writers within a second or so of their
# transaction.timeout.ms (default check interval is 10 s).
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
EOF
}

# A random Kafka Uuid (cluster and directory ids): base64url of 128 random
# bits; generating it here saves a JVM start (StorageTool random-uuid). Ids
# starting with '-' are avoided, as Kafka itself does.
kafka_random_uuid() {
  local uuid
  uuid=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  while [[ $uuid == -* ]]; do
    uuid=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  echo "$uuid"
}

# `kafka_format_storage PROPS LOG_FILE CLUSTER_ID QUORUM_ARGS...`: write a
# node's meta.properties and bootstrap metadata (QUORUM_ARGS: --standalone, or
# --initial-controllers ...). The caller checks first that the node is not
# formatted: a second format would fail, and must not wipe data.
kafka_format_storage() {
  local props=$1 log_file=$2 cluster_id=$3
  shift 3
  # (No log4j2 config: the tool's few log lines go to the log file, not server.log.)
  java -cp "$KAFKA_LIBS/*" "$KAFKA_STORAGE_TOOL" format \
    --cluster-id "$cluster_id" --config "$props" "$@" >"$log_file" 2>&1 ||
    die "formatting the Kafka storage failed; see $log_file"
}

# `kafka_start_process PID_FILE LOG_DIR PROPS`: start a broker JVM that
# outlives the caller, its terminal and its process group; its pid goes to
# PID_FILE. KAFKA_HEAP_OPTS (-Xms256m -Xmx1g) sets the heap.
kafka_start_process() {
  local pid_file=$1 log_dir=$2 props=$3
  local -a jvm_opts
  # Word splitting of KAFKA_HEAP_OPTS is intended (it holds several options).
  read -ra jvm_opts <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
  # The G1 settings are the ones bin/kafka-run-class.sh uses.
  jvm_opts+=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    -Dkafka.logs.dir="$log_dir" -Dlog4j2.configurationFile="$KAFKA_LOG4J")
  # setsid + nohup: the broker must outlive this script, its terminal and its
  # process group. The inner shell writes its own pid and then becomes java,
  # which stays right even if setsid has to fork. fd 9 (the callers' lock) is
  # closed, or the broker would hold the lock for as long as it runs.
  rm -f "$pid_file"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec nohup "$@"' _ "$pid_file" \
    java "${jvm_opts[@]}" -cp "$KAFKA_LIBS/*" "$KAFKA_MAIN" "$props" \
    </dev/null >>"$log_dir/kafka.out" 2>&1 9>&- &
  local waited=0
  until [[ -s $pid_file ]] || ((waited++ > 50)); do sleep 0.1; done
}

# `kafka_stop_pids TIMEOUT PID...`: SIGTERM (the brokers' controlled shutdown)
# to all at once, then SIGKILL to those still alive after TIMEOUT seconds.
kafka_stop_pids() {
  local timeout=$1 pid
  shift
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$((SECONDS + timeout)) alive
  while ((SECONDS < deadline)); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.5
  done
  log "Kafka did not stop within ${timeout}s; killing $*"
  kill -KILL "$@" 2>/dev/null || true
}

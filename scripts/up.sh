#!/usr/bin/env bash
# Starts the whole platform locally: Kafka and PostgreSQL (scripts/infra.sh),
# then the service binaries (debug build) and the web console (built with
# scripts/console.sh, served by console-server) in the background, and waits
# until each one reports ready. Idempotent: a service whose pid file points at a live
# process is left alone. Stop everything with scripts/down.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LOG_DIR=$ROOT/.local/logs
PID_DIR=$ROOT/.local/run
BIN_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/debug
READY_TIMEOUT=120
# name:port of each service's HTTP endpoint (/readyz, /healthz, /metrics).
SERVICES=(command-api:8081 projector:8083 query-api:8082 console-server:8084)
CONSOLE_URL=http://127.0.0.1:8084

log() { printf '[up] %s\n' "$*" >&2; }
die() {
  printf '[up] ERROR: %s\n' "$*" >&2
  exit 1
}

# True if the service's pid file names a live process running its binary.
service_running() {
  local name=$1 pid
  pid=$(cat "$PID_DIR/$name.pid" 2>/dev/null) || return 1
  [[ -r /proc/$pid/cmdline && $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"$BIN_DIR/$name"* ]]
}

ready() {
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz"
}

start_service() {
  local name=$1 port=$2
  if service_running "$name"; then
    log "$name already running (pid $(cat "$PID_DIR/$name.pid"))"
    # A rebuilt binary is not picked up by a running process.
    [[ $BIN_DIR/$name -nt $PID_DIR/$name.pid ]] &&
      log "note: $name was rebuilt since it started; scripts/down.sh && scripts/up.sh to restart it"
    return 0
  fi
  rm -f "$PID_DIR/$name.pid"
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    log "something already answers on port $port; assuming it is $name started by hand"
    return 0
  fi
  log "starting $name (log: $LOG_DIR/$name.log)"
  # setsid + nohup: the service must outlive this script, its terminal and
  # its process group. The inner shell writes its own pid, then becomes the
  # service (right even if setsid has to fork).
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec nohup "$@"' _ "$PID_DIR/$name.pid" "$BIN_DIR/$name" \
    </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  local waited=0
  until [[ -s $PID_DIR/$name.pid ]] || ((waited++ > 50)); do sleep 0.1; done
}

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + READY_TIMEOUT))
  until ready "$port"; do
    if [[ -f $PID_DIR/$name.pid ]] && ! service_running "$name"; then
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      die "$name exited; see $LOG_DIR/$name.log"
    fi
    ((SECONDS < deadline)) ||
      die "$name not ready on http://127.0.0.1:$port/readyz after ${READY_TIMEOUT}s; see $LOG_DIR/$name.log"
    sleep 0.5
  done
}

main() {
  scripts/infra.sh up
  # Also AUTH_HS256_SECRET: the services verify tokens with the local secret
  # (made once under .local/auth/, then reused), and scripts/token.sh signs with it.
  eval "$(scripts/infra.sh env)"
  export KAFKA_BROKERS DATABASE_URL AUTH_HS256_SECRET

  log "building the service binaries (cargo build --workspace --bins)"
  cargo build --workspace --bins
  scripts/console.sh build

  # The console's page calls the services from its own origin: they must allow it.
  CORS_ALLOWED_ORIGINS=${CORS_ALLOWED_ORIGINS:+$CORS_ALLOWED_ORIGINS,}$CONSOLE_URL,http://localhost:8084
  CONSOLE_DIST=$ROOT/console/dist
  export CORS_ALLOWED_ORIGINS CONSOLE_DIST
  # The command API's local state store, with the rest of the local state
  # (git-ignored), not in the working directory it would default to.
  COMMAND_STATE_DIR=${COMMAND_STATE_DIR:-$ROOT/.local/command-state}
  export COMMAND_STATE_DIR

  mkdir -p "$LOG_DIR" "$PID_DIR"
  local entry name port
  local -a started=()
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    if [[ -x $BIN_DIR/$name ]]; then
      start_service "$name" "$port"
      started+=("$entry")
    else
      log "skipping $name: no binary at $BIN_DIR/$name"
    fi
  done
  for entry in "${started[@]}"; do
    wait_ready "${entry%%:*}" "${entry##*:}"
  done

  echo "platform is up:"
  for entry in "${started[@]}"; do
    printf '  %-14s http://127.0.0.1:%s  (log: .local/logs/%s.log)\n' "${entry%%:*}" "${entry##*:}" "${entry%%:*}"
  done
  local token
  token=$(scripts/token.sh --tenant demo --sub dev --scope "commands:write queries:read ops:admin")
  cat <<EOF2
authentication is on: a token for tenant "demo" (valid 8 hours; mint others with scripts/token.sh --help):
  export TOKEN=$token
the web console (the link signs you in; the token stays in that browser tab):
  $CONSOLE_URL/#token=$token
try:
  curl -s -XPOST localhost:8081/v1/tasks -H "Authorization: Bearer \$TOKEN" -H 'content-type: application/json' -d '{"title":"Write the docs","priority":"high"}'
  curl -s localhost:8082/v1/tasks -H "Authorization: Bearer \$TOKEN"
stop with scripts/down.sh
EOF2
}

main "$@"

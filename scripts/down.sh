#!/usr/bin/env bash
# Stops the services started by scripts/up.sh, then Kafka and PostgreSQL.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PID_DIR=$ROOT/.local/run
BIN_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/debug
SERVICES=(console-server query-api projector command-api)

log() { printf '[down] %s\n' "$*" >&2; }

stop_service() {
  local name=$1 pidfile=$PID_DIR/$1.pid pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  # Only signal the pid if it still runs our binary (pids get reused).
  if [[ -r /proc/$pid/cmdline && $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"$BIN_DIR/$name"* ]]; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

for name in "${SERVICES[@]}"; do stop_service "$name"; done
scripts/infra.sh down

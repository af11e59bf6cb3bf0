#!/bin/bash
# probe PORT [PATH]: succeeds when http://127.0.0.1:PORT/PATH (default
# /healthz) answers 200. Bash's /dev/tcp, so the runtime image needs no curl.
set -euo pipefail
port=${1:?usage: probe PORT [PATH]}
path=${2:-/healthz}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3
[[ $status == HTTP/1.?\ 200* ]]

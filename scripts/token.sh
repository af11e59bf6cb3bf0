#!/usr/bin/env bash
# Mints an HS256 JWT for local use, signed with the local secret that
# scripts/up.sh and scripts/infra.sh share (.local/auth/hs256.secret, created
# on first use), or with AUTH_HS256_SECRET when it is set.
#
#   scripts/token.sh --tenant acme --sub ada --scope "commands:write queries:read"
#   TOKEN=$(scripts/token.sh --tenant acme --sub ada)
#
# Options (defaults in brackets):
#   --tenant ID     the tenant_id claim [demo]
#   --sub NAME      the subject, recorded as the actor of every event [dev]
#   --scope LIST    space-separated scopes [commands:write queries:read]
#   --ttl SECONDS   lifetime [28800]
#   --aud AUDIENCE  add an aud claim (for services run with AUTH_AUDIENCE)
#   --iss ISSUER    add an iss claim (for services run with AUTH_ISSUER)
#   -h, --help      this text
# Exit codes: 0 printed a token, 1 no secret could be had, 2 bad arguments.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
fail_usage() {
  printf 'token.sh: %s\n' "$1" >&2
  usage >&2
  exit 2
}

tenant=demo sub=dev scope="commands:write queries:read" ttl=28800 aud="" iss=""
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --tenant | --sub | --scope | --ttl | --aud | --iss)
      (($# >= 2)) || fail_usage "$1 needs a value"
      case $1 in
        --tenant) tenant=$2 ;;
        --sub) sub=$2 ;;
        --scope) scope=$2 ;;
        --ttl) ttl=$2 ;;
        --aud) aud=$2 ;;
        --iss) iss=$2 ;;
      esac
      shift 2
      ;;
    *) fail_usage "unknown argument $1" ;;
  esac
done

# The values go into JSON by hand, so keep them to characters that need no escaping.
[[ $tenant =~ ^[A-Za-z0-9._-]{1,64}$ ]] || fail_usage "--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -"
[[ $sub =~ ^[A-Za-z0-9._@+:-]{1,200}$ ]] || fail_usage "--sub must be 1-200 characters of A-Z a-z 0-9 . _ @ + : -"
[[ $scope =~ ^[A-Za-z0-9:._\ -]*$ ]] || fail_usage "--scope must be space-separated scope names"
[[ $ttl =~ ^[0-9]+$ ]] || fail_usage "--ttl must be a whole number of seconds"
[[ $aud =~ ^[A-Za-z0-9:/._-]*$ ]] || fail_usage "--aud must be a plain URL or name"
[[ $iss =~ ^[A-Za-z0-9:/._-]*$ ]] || fail_usage "--iss must be a plain URL or name"

secret=${AUTH_HS256_SECRET:-}
if [[ -z $secret ]]; then
  secret=$("$ROOT/scripts/infra.sh" secret) || {
    echo "token.sh: no AUTH_HS256_SECRET and no local secret" >&2
    exit 1
  }
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
claims="{\"sub\":\"$sub\",\"tenant_id\":\"$tenant\",\"scope\":\"$scope\",\"iat\":$now,\"exp\":$((now + ttl))"
[[ -n $aud ]] && claims+=",\"aud\":\"$aud\""
[[ -n $iss ]] && claims+=",\"iss\":\"$iss\""
claims+="}"

header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"

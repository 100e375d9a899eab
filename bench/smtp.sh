#!/usr/bin/env bash
# SMTP benchmark (docs/performance.md): accepted messages per second on the SMTP bridge's
# submission listener and on the inbound gateway, beside Postfix's smtp-sink (a reference SMTP
# server that accepts and discards: the protocol's cost alone) on the same machine in the same
# run. Builds nothing: run ./mvnw -DskipTests package first. Needs smtp-sink (Debian: postfix),
# curl and python3.
#   bench/smtp.sh [--connections 1,4,16] [--messages 2000] [--warmup 200] [--size 4096]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ ! -f cli/target/sealpost.jar || ! -d bench/target/classes/org/sealpost/bench/smtp ]]; then
  echo "bench/smtp.sh: not built; run ./mvnw -DskipTests package first" >&2
  exit 1
fi
sink="$(command -v smtp-sink || echo /usr/sbin/smtp-sink)"
[[ -x "$sink" ]] || { echo "bench/smtp.sh: smtp-sink not found (Debian package postfix)" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(free_port); imap=$(free_port); smtp=$(free_port); submission=$(free_port); reference=$(free_port)

# Limits raised so that the benchmark measures the listeners, not the rate limiters.
imaps=$(free_port); submissions=$(free_port)
SEALPOST_LIMITS_SUBMISSIONS_PER_MINUTE=1000000 SEALPOST_LIMITS_SUBMISSION_BURST=1000000 \
SEALPOST_LIMITS_INSTALLATION_REQUESTS_PER_SECOND=100000 SEALPOST_LIMITS_INSTALLATION_BURST=1000000 \
SEALPOST_LIMITS_IP_REQUESTS_PER_SECOND=100000 SEALPOST_LIMITS_IP_BURST=1000000 \
  ./sealpost up --data "$work/data" --http-port "$http" --imap-port "$imap" --imaps-port "$imaps" \
  --smtp-port "$smtp" --submission-port "$submission" --submissions-port "$submissions" \
  >"$work/up.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$http/readyz" >/dev/null || { cat "$work/up.log" >&2; exit 1; }

# Two accounts with fresh wallet keys: a sender (submission) and a recipient (both).
create_account() {
  python3 -c 'import secrets; print(secrets.token_hex(32))' >"$work/$1.key"
  ./sealpost account create --data "$work/data" --wallet-key-file "$work/$1.key" >"$work/$1.json"
}
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
create_account sender
create_account recipient
sender_mail=$(json "$work/sender.json" mail)
recipient_mail=$(json "$work/recipient.json" mail)
export SEALPOST_BENCH_PASSWORD
SEALPOST_BENCH_PASSWORD=$(json "$work/sender.json" password)

"$sink" -u postfix 127.0.0.1:"$reference" 256 &
pids+=($!)
sleep 0.5

bench() { java -cp bench/target/classes org.sealpost.bench.smtp.SmtpBench "$@"; }
table=$(
  echo "| listener | connections | messages | accepted/s | p50 / p95 / p99 ms |"
  echo "|---|---:|---:|---:|---:|"
  bench --label "smtp-sink (reference)" --port "$reference" \
    --from someone@legacy.example --to "$recipient_mail" "$@"
  bench --label "Sealpost gateway" --port "$smtp" \
    --from someone@legacy.example --to "$recipient_mail" "$@"
  bench --label "Sealpost submission" --port "$submission" \
    --from "$sender_mail" --to "$recipient_mail" \
    --user "$sender_mail" --password-env SEALPOST_BENCH_PASSWORD "$@"
)

out="bench/results/$(date -u +%F)-smtp.md"
[[ -f "$out" ]] || printf '# SMTP benchmark, %s\n\nWritten by bench/smtp.sh; see docs/performance.md.\n' \
  "$(date -u +%F)" >"$out"
{
  printf '\n## Run started %s\n\n' "$(date -u '+%F %H:%M UTC')"
  printf 'Machine: %s CPUs (%s), load before the run: %s; commit %s; options: `%s`\n\n' \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git rev-parse --short HEAD)" "${*:-defaults}"
  echo "$table"
} >>"$out"
echo "$table"
echo "appended to $out"

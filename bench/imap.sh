#!/usr/bin/env bash
# The IMAP benchmark (docs/performance.md, "IMAP bridge beside Dovecot"): for each mailbox size, a
# fresh `sealpost up` and a private Dovecot on this machine, the same messages in both inboxes,
# and the same load generator against each, one after the other in the same run. Builds nothing:
# run ./mvnw -DskipTests package first.
#
#   bench/imap.sh [--sizes 1000,10000,100000] [--sessions 1,8,32,100] [--phase-seconds 5]
#                 [--warmup-seconds 20] [--idle-pushes 5] [--header-search-sessions N] [--out FILE.md]
#
# Tables go to stdout and are appended to bench/results/<date>-imap.md (or --out).
# JVM options of the load generator: BENCH_JAVA_OPTS (default -Xmx2g); of `up`: SEALPOST_JAVA_OPTS.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

sizes=1000,10000,100000
load_args=()
out="$root/bench/results/$(date -u +%F)-imap.md"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --sessions|--phase-seconds|--warmup-seconds|--idle-pushes|--grace-seconds|--publish-threads|--header-search-sessions)
      load_args+=("$1" "$2"); shift 2 ;;
    *) echo "bench/imap.sh: unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

if [[ ! -f cli/target/sealpost.jar || ! -f bench/target/classes/org/sealpost/bench/imap/ImapMain.class ]]; then
  echo "bench/imap.sh: not built; run ./mvnw -DskipTests package first" >&2
  exit 1
fi
dovecot=/usr/sbin/dovecot
if [[ ! -x $dovecot ]]; then
  echo "bench/imap.sh: $dovecot not found; install Debian's dovecot-imapd" >&2
  exit 1
fi
for tool in python3 setpriv; do
  command -v "$tool" >/dev/null || { echo "bench/imap.sh: $tool is needed" >&2; exit 1; }
done

work="$(mktemp -d /tmp/sealpost-imap-bench.XXXXXX)"
chmod 755 "$work"
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The generator's classpath: its classes and the command line's jar, whose manifest lists every
# other module and library (cli/target/lib), as built by package; ~/.m2 is not involved.
bench() {
  java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "$root/bench/target/classes:$root/cli/target/sealpost.jar" \
    org.sealpost.bench.imap.ImapMain "$@"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

await() { # await DESCRIPTION SECONDS COMMAND...: until COMMAND succeeds
  local what="$1" seconds="$2"; shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench/imap.sh: $what did not happen within $seconds s" >&2
  return 1
}

port_open() {
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# What was measured: the checkout, and the last commit that changed the bridge itself.
commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . ':!bench' ':!docs' || echo ' (with uncommitted changes)')"
bridge_commit="$(git -C "$root" log -1 --format='%h %cs' -- bridge bridge-imap)"
dovecot_version="$($dovecot --version | cut -d' ' -f1)"
tsv="$work/rows.tsv"
mkdir -p "$(dirname "$out")"
{
  if [[ ! -s $out ]]; then
    printf '# IMAP benchmark, %s\n\nWritten by bench/imap.sh; what is measured and how to read it: docs/performance.md, "IMAP bridge beside Dovecot".\n' "$(date -u +%F)"
  fi
  printf '\n## Run started %s\n\n' "$(date -u '+%F %H:%M UTC')"
  printf -- '- Machine: %s CPUs (%s), %s RAM, %s\n' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
    "$(free -h | awk '/^Mem:/ {print $2}')" "$(uname -sr)"
  printf -- '- Sealpost commit %s, bridge last changed in %s (`sealpost up`, embedded H2); Dovecot %s (Debian), Maildir\n' "$commit" "$bridge_commit" "$dovecot_version"
  printf -- '- Java: %s\n' "$(java -version 2>&1 | head -1)"
  printf -- '- Options: sizes %s %s\n' "$sizes" "${load_args[*]:-}"
  printf -- '- Load average at start: %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out"

if [[ $(id -u) -eq 0 ]]; then
  # Dovecot refuses to run mail as root, and a private instance should not be root anyway.
  dovecot_user=nobody dovecot_group="$(id -gn nobody)"
  run_as=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
else
  dovecot_user="$(id -un)" dovecot_group="$(id -gn)"
  run_as=()
fi

IFS=, read -ra size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  # --- Sealpost: up, an account, the messages published through the client API ---
  data="$work/sealpost-$size"
  http_port=$(free_port) imap_port=$(free_port)
  echo "== Sealpost, $size messages (log: $work/up-$size.log)"
  # Rate limits out of the way: the preload publishes from one installation as fast as it can.
  SEALPOST_LIMITS_INSTALLATION_REQUESTS_PER_SECOND=1000000 SEALPOST_LIMITS_INSTALLATION_BURST=1000000 \
  SEALPOST_LIMITS_IP_REQUESTS_PER_SECOND=1000000 SEALPOST_LIMITS_IP_BURST=1000000 \
    ./sealpost up --data "$data" --http-port "$http_port" --imap-port "$imap_port" \
      --imaps-port "$(free_port)" --smtp-port "$(free_port)" --submission-port "$(free_port)" \
      --submissions-port "$(free_port)" >"$work/up-$size.log" 2>&1 &
  server_pid=$!
  await "sealpost up starting" 180 test -f "$data/bridge/admin.json"
  await "the IMAP port opening" 60 port_open "$imap_port"
  key_file="$work/wallet-$size.key"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key_file")
  account="$(./sealpost account create --data "$data" --wallet-key-file "$key_file")"
  mail="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["mail"])' "$account")"
  password="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["password"])' "$account")"
  bench sealpost --name "Sealpost bridge" --http "http://127.0.0.1:$http_port" \
    --port "$imap_port" --user "$mail" --password "$password" --wallet-key-file "$key_file" \
    --pid "$server_pid" --messages "$size" --out "$out" --tsv "$tsv" "${load_args[@]}"
  stop_server
  rm -rf "$data"

  # --- Dovecot: a private instance, the same messages written into its Maildir ---
  dv="$work/dovecot-$size"
  dv_port=$(free_port) dv_password="$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
  mkdir -p "$dv/run" "$dv/state" "$dv/home"
  echo "== Dovecot, $size messages (log: $dv/dovecot.log)"
  bench maildir --maildir "$dv/mail/bench" --messages "$size"
  printf 'bench:{PLAIN}%s\n' "$dv_password" >"$dv/passwd"
  cat >"$dv/dovecot.conf" <<CONF
# A private Dovecot for the benchmark: its own directories, no TLS, one passwd-file user.
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = $dovecot_user
default_internal_group = $dovecot_group
default_login_user = $dovecot_user
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dv/passwd
}
userdb {
  driver = static
  args = uid=$(id -u "$dovecot_user") gid=$(id -g "$dovecot_user") home=$dv/home/%u
}
mail_location = maildir:$dv/mail/%u
# Enough processes and connections for the largest level plus the connection phase.
default_process_limit = 1000
default_client_limit = 4000
protocol imap {
  mail_max_userip_connections = 1000
}
# No chroot: that needs root.
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $dv_port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
  if [[ $(id -u) -eq 0 ]]; then chown -R "$dovecot_user:$dovecot_group" "$dv"; fi
  "${run_as[@]}" "$dovecot" -F -c "$dv/dovecot.conf" >"$dv/stdout.log" 2>&1 &
  server_pid=$!
  await "Dovecot starting" 60 port_open "$dv_port"
  bench dovecot --name "Dovecot $dovecot_version" --maildir "$dv/mail/bench" \
    --port "$dv_port" --user bench --password "$dv_password" \
    --pid "$server_pid" --messages "$size" --out "$out" --tsv "$tsv" "${load_args[@]}"
  stop_server
  rm -rf "$dv"
done

{
  printf '\n### Side by side\n'
  for sessions in 1 32; do
    if grep -qP "^[^\t]*\t[0-9]+\t$sessions\t" "$tsv"; then bench summary --tsv "$tsv" --sessions "$sessions"; fi
  done
  bench summary --tsv "$tsv" --sessions 0 --memory true
  printf '\nLoad average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out"
echo "Appended to $out"

#!/usr/bin/env bash
# Public-site throughput: starts the release server on a fresh demo database (127.0.0.1
# only), runs wrk against one article page and against a search, and prints requests/s and
# p50/p99 latency. Bounded: DURATION (default 10s) per run, CONNECTIONS (default 32).
#
#   scripts/bench-public.sh            # needs wrk (apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
port=${PORT:-18090}

cargo build --release --quiet
dir=$(mktemp -d)
export IMPRIMATUR_DATABASE_URL="sqlite://$dir/bench.db"
export IMPRIMATUR_BIND="127.0.0.1:$port"
export RUST_LOG=warn
./target/release/imprimatur demo >/dev/null
./target/release/imprimatur >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
done

run() {
    local label=$1 path=$2
    local out
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path")
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    printf '%-34s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-no errors}"
}

echo "wrk: $connections connections, 2 threads, $duration per run, $(nproc) cores"
run "article page (cached)" "/articles/can-i-take-ibuprofen-if-i-take-lisinopril-for-high-blood-pressure"
run "index (cached)" "/"
run "search ?q=ibuprofen" "/?q=ibuprofen"

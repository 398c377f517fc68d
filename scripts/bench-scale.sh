#!/usr/bin/env bash
# The workspace at a real archive's size. Fills a database with
# `imprimatur demo --articles N --revisions R` (once; kept under target/bench), then runs
# the `scale` bench: every workspace, admin and public page under 8 concurrent clients
# (p50, p99, requests/s), the server's start-up and peak memory, approvals by 8 reviewers
# at once, saves with 20 references, and `imprimatur audit verify`. Prints figures only.
#
#   scripts/bench-scale.sh [sqlite|postgres]
#
# ARTICLES (default 100000), REVISIONS (10), BENCH_SECONDS per page (3), BENCH_CONNECTIONS
# (8), BENCH_WRITES=0 to skip the writes (they approve waiting revisions: delete the
# accounts file under target/bench to start again from a fresh archive), PG_URL (default
# postgres://postgres@127.0.0.1:5432; the bench creates the database imprimatur_scale_N).
set -euo pipefail
cd "$(dirname "$0")/.."

backend=${1:-sqlite}
articles=${ARTICLES:-100000}
revisions=${REVISIONS:-10}
dir=target/bench
mkdir -p "$dir"
cargo build --release --quiet
cargo bench --bench scale --no-run --quiet
bench=$(ls -t target/release/deps/scale-* | grep -v '\.d$' | head -1)

case "$backend" in
sqlite)
    file="$PWD/$dir/scale-$articles.db"
    url="sqlite://$file"
    reset() { rm -f "$file" "$file-wal" "$file-shm"; }
    ;;
postgres)
    base=${PG_URL:-postgres://postgres@127.0.0.1:5432}
    name="imprimatur_scale_$articles"
    url="$base/$name"
    reset() { psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"; }
    ;;
*)
    echo "usage: $0 [sqlite|postgres]" >&2
    exit 2
    ;;
esac

accounts="$dir/accounts-$backend-$articles.txt"
if [ ! -f "$accounts" ]; then
    reset
    IMPRIMATUR_DATABASE_URL="$url" RUST_LOG=warn \
        target/release/imprimatur demo --articles "$articles" --revisions "$revisions" >"$accounts.tmp"
    head -1 "$accounts.tmp"
    mv "$accounts.tmp" "$accounts"
fi

BENCH_DATABASE_URL="$url" BENCH_ACCOUNTS="$accounts" BENCH_ARTICLES="$articles" \
    BENCH_REVISIONS="$revisions" BENCH_BIN=target/release/imprimatur "$bench"

#!/usr/bin/env bash
# bench/pg-driver/run.sh DATABASE_URL TARGETS [ROUNDS]: the cold series read through each driver
# (see src/main.rs), alternating, ROUNDS times (default 2): req/s, p99, and the CPU time a request
# cost the server and PostgreSQL. DATABASE_URL and TARGETS come from `BENCH_KEEP=1 bench/run.sh`
# (its database chiso_bench, and targets.txt in the directory it keeps).
set -euo pipefail
cd "$(dirname "$0")"
URL="$1" TARGETS="$2" ROUNDS="${3:-2}"
PORT="${BENCH_PORT:-18095}"
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/pg-driver"

source ../cpu.sh

export BENCH_TARGETS="$TARGETS"
printf '| %-8s | %9s | %7s | %6s | %5s |\n' driver "req/s" p99 "us CPU" "pg us"
for _ in $(seq 1 "$ROUNDS"); do
    for mode in blocking async; do
        DATABASE_URL="$URL" "$BIN" "$mode" "127.0.0.1:$PORT" &
        server=$!
        sleep 1
        wrk -t2 -c64 -d2s -s ../random_series.lua "http://127.0.0.1:$PORT/" >/dev/null
        server_before=$(cpu_ticks "$server") pg_before=$(cpu_ticks $(pgrep -x postgres))
        out=$(wrk -t2 -c64 -d6s --latency -s ../random_series.lua "http://127.0.0.1:$PORT/")
        server_after=$(cpu_ticks "$server") pg_after=$(cpu_ticks $(pgrep -x postgres))
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        printf '| %-8s | %9s | %7s | %6s | %5s |\n' "$mode" \
            "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
            "$(per_request $((server_after - server_before)) "$requests")" \
            "$(per_request $((pg_after - pg_before)) "$requests")"
        kill "$server"
        wait "$server" 2>/dev/null || true
    done
done

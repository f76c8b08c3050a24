#!/usr/bin/env bash
# A benchmark anyone can rerun: `bench/run.sh [ROWS]` (default 1000000). Needs wrk and sqlite3
# (apt-get install -y wrk sqlite3). Prints a table per backend; BENCHMARKS.md keeps past runs.
#
# 1. builds chiso and the ceiling (bench/ceiling.rs: a bare actix-web handler that answers the
#    exact bytes chiso answered for the hot series request) in release mode;
# 2. generates ROWS synthetic monthly observations (the 63 provinces x indicators x months of
#    2009-2024) and times `chiso import` of them into a fresh SQLite database, beside the floor:
#    sqlite3 loading the same rows into a table with the same columns and the same indexes;
# 3. serves the database and runs wrk (2 threads, 64 connections) on: the ceiling; a 40-row
#    series (one province and indicator, 2021-09 to 2024-12), the same URL repeated (hot) and a
#    random province, indicator and page size per request (cold); a 63-row ranking; a single
#    item; a 304 revalidation; a 1000-row CSV page; and the cold series again from a server
#    holding no observations in memory (CHISO_MEMORY_ROWS=0), read from the database. It prints
#    req/s, p50, p99, the share of the ceiling, the CPU time each request cost the server (and
#    PostgreSQL) and the server's peak RSS;
# 4. does the same on PostgreSQL when BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres)
#    answers, in a database `chiso_bench` it recreates on the same server, with the same options
#    (`BENCH_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'`, say).
#
# BENCH_KEEP=1 keeps the generated rows and the SQLite database for profiling; BENCH_SKIP_POSTGRES=1
# measures SQLite only.
# BENCH_BIN=path measures another chiso binary (an older commit's) with the same harness.
# This machine is shared and noisy: compare ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-1000000}"
PORT="${BENCH_PORT:-18080}"
CEILING_PORT=$((PORT + 1))
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PG_ADMIN_URL="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d)"
SERVER="" CEILING="" SAMPLER=""
cleanup() {
    for pid in $SERVER $CEILING $SAMPLER; do kill "$pid" 2>/dev/null || true; done
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $WORK (rows, databases, server logs)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for tool in wrk sqlite3 curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install -y $tool" >&2; exit 1; }
done

cargo build --release --quiet --bin chiso --example ceiling
# BENCH_BIN measures another build (an older commit's) with the same harness.
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BENCH_BIN:-$TARGET/release/chiso}"
CEILING_BIN="$TARGET/release/examples/ceiling"
export RUST_LOG=warn

# Rows for chiso (CSV with a Vietnamese decimal) and the same rows for the sqlite3 floor
# (every column of the table, as chiso stores them).
python3 - "$ROWS" "$WORK/rows.csv" "$WORK/floor.csv" "$WORK/targets.txt" <<'PY'
import calendar, csv, os, sys
rows, out, floor, targets = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
provinces = [r["id"] for r in csv.DictReader(open("data/provinces.csv", encoding="utf-8"))
             if r["valid_to"] == "2025-06-30" or (r["valid_to"] == "" and r["valid_from"] != "2025-07-01")]
# Counts and amounts first: the hot series reads the first of them.
indicators = sorted(((r["code"], r["unit"]) for r in csv.DictReader(open(os.environ.get("BENCH_INDICATORS", "data/indicators.csv"), encoding="utf-8"))),
                    key=lambda i: i[1] in ("percent", "rank"))
# Latest months first: at any ROWS (10,000 as at 1,000,000) the hot series' 40 months
# (2021-09 to 2024-12) and the 2024-12 ranking have their rows, so sizes compare like for like.
months = [(y, m) for y in range(2024, 2008, -1) for m in range(12, 0, -1)]
n = 0
used = set()
with open(out, "w", newline="", encoding="utf-8") as f, open(floor, "w", newline="", encoding="utf-8") as g:
    w, fw = csv.writer(f), csv.writer(g)
    w.writerow(["province", "indicator", "period", "value"])
    for indicator, unit in indicators:
        for (y, m) in months:
            for province in provinces:
                if n == rows:
                    break
                value = 1000 + (n * 7919) % 100000
                w.writerow([province, indicator, f"{y}-{m:02d}", f"{value},5"])
                last = calendar.monthrange(y, m)[1]
                fw.writerow([n + 1, province, indicator, f"{y}-{m:02d}", f"{y}-{m:02d}-01",
                             f"{y}-{m:02d}-{last:02d}", value + 0.5, f"{value},5", unit, "final",
                             "", "", "", "", ""])
                used.add((province, indicator))
                n += 1
if n < rows:
    sys.exit(f"only {n} distinct rows can be generated")
with open(targets, "w") as t:
    for province, indicator in sorted(used):
        t.write(f"{province} {indicator}\n")
PY
export BENCH_TARGETS="$WORK/targets.txt"
HOT_PROVINCE=ha-noi
HOT_INDICATOR=$(python3 -c "import csv, os; print([r['code'] for r in csv.DictReader(open(os.environ.get('BENCH_INDICATORS', 'data/indicators.csv'), encoding='utf-8')) if r['unit'] not in ('percent','rank')][0])")
HOT="/api/v1/observations?province=$HOT_PROVINCE&indicator=$HOT_INDICATOR&from=2021-09&to=2024-12"

seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

# The floor: sqlite3 and the same table, indexes and rows.
"$BIN" migrate --database-url "sqlite://$WORK/schema.db" >/dev/null
sqlite3 "$WORK/schema.db" ".schema observations" | grep -v sqlite_sequence >"$WORK/floor.sql"
start=$(date +%s.%N)
sqlite3 "$WORK/floor.db" <<SQL 2>&1 | tail -3
.read $WORK/floor.sql
PRAGMA journal_mode = WAL;
CREATE TEMP TABLE staging (id, province_id, indicator_code, period_id, period_start, period_end,
    value, value_text, unit, status, qualifier, rank_of, denominator, source_id, quote);
.mode csv
.import $WORK/floor.csv staging
INSERT INTO observations SELECT id, province_id, indicator_code, period_id, period_start,
    period_end, value, value_text, unit, status, NULLIF(qualifier, ''), NULLIF(rank_of, ''),
    NULLIF(denominator, ''), NULLIF(source_id, ''), NULLIF(quote, '') FROM staging;
SQL
FLOOR_ROWS=$(sqlite3 "$WORK/floor.db" "SELECT count(*) FROM observations")
[ "$FLOOR_ROWS" = "$ROWS" ] || { echo "the sqlite3 floor loaded $FLOOR_ROWS rows, not $ROWS" >&2; exit 1; }
end=$(date +%s.%N)
FLOOR_SECONDS=$(seconds "$start" "$end")

# rss_peak PID FILE: samples the process's resident memory every 200 ms into FILE, as
# "total anonymous" in kB. On SQLite the total includes the database's memory-mapped pages,
# counted once per connection although they are the kernel's page cache; the anonymous part is
# the server's own memory.
rss_peak() {
    while kill -0 "$1" 2>/dev/null; do
        awk '/^VmRSS/ {t = $2} /^RssAnon/ {a = $2} END {if (t) print t, a}' "/proc/$1/status" 2>/dev/null >>"$2" || true
        sleep 0.2
    done
}

source bench/cpu.sh

# CPU time per request is what a line costs the machine: unlike req/s, it hardly moves when
# another tenant takes a core. PostgreSQL's is that of every `postgres` process (its backends
# and background workers) over the same seconds.
measure() { # NAME URL [wrk args...] -> one table row
    local name="$1" url="$2"; shift 2
    local out rps p50 p99 errors share requests server_before pg_before server_cpu pg_cpu=""
    server_before=$(cpu_ticks "$MEASURED")
    [ "$BACKEND" = postgres ] && pg_before=$(cpu_ticks $(pgrep -x postgres))
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    server_cpu=$(per_request $(($(cpu_ticks "$MEASURED") - server_before)) "$requests")
    [ "$BACKEND" = postgres ] && pg_cpu=$(per_request $(($(cpu_ticks $(pgrep -x postgres)) - pg_before)) "$requests")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$BASE" ] && BASE="$rps"
    share=$(python3 -c "import sys; print(f'{100 * float(sys.argv[1]) / float(sys.argv[2]):.0f}%')" "$rps" "$BASE")
    printf '| %-44s | %9s | %7s | %7s | %6s | %7s | %5s |%s\n' "$name" "$rps" "$p50" "$p99" "$share" "$server_cpu" "$pg_cpu" "${errors:+ $errors non-2xx}"
}

run_backend() { # BACKEND DATABASE_URL
    local backend="$1" url="$2"
    BACKEND="$backend"
    export DATABASE_URL="$url"
    "$BIN" migrate >/dev/null
    local start end
    start=$(date +%s.%N)
    "$BIN" import "$WORK/rows.csv" --actor bench >/dev/null
    end=$(date +%s.%N)
    local import_seconds
    import_seconds=$(seconds "$start" "$end")
    # No VACUUM or ANALYZE of our own: `chiso import` vacuums and analyzes the tables it filled,
    # and that is what is measured.
    # The import's pages, written back now rather than by the kernel during the measurements.
    sync

    CHISO_BIND="127.0.0.1:$PORT" "$BIN" serve >"$WORK/server-$backend.log" 2>&1 &
    SERVER=$!
    : >"$WORK/rss-$backend"
    rss_peak "$SERVER" "$WORK/rss-$backend" &
    SAMPLER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

    local base="http://127.0.0.1:$PORT"
    curl -sf "$base$HOT" -o "$WORK/hot.json"
    local etag id total
    etag=$(curl -sfI "$base$HOT" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
    total=$(curl -sf "$base/api/v1/observations?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['meta']['total'])")
    id=$((total / 2))

    CEILING_BIN_ARGS=("$CEILING_PORT" "$WORK/hot.json")
    "$CEILING_BIN" "${CEILING_BIN_ARGS[@]}" &
    CEILING=$!
    sleep 0.5

    echo
    echo "### $backend: $total observations; import of $ROWS rows ${import_seconds}s (sqlite3 floor ${FLOOR_SECONDS}s)"
    echo
    printf '| %-44s | %9s | %7s | %7s | %6s | %7s | %5s |\n' "request" "req/s" "p50" "p99" "share" "us CPU" "pg us"
    printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "-----------" "---------" "---------" "--------" "---------" "-------"
    BASE=""
    MEASURED="$CEILING"
    measure "ceiling ($(wc -c <"$WORK/hot.json") bytes, no work)" "http://127.0.0.1:$CEILING_PORT$HOT"
    # The same ceiling under the cold lines' script: what wrk's Lua (a new URL a request) costs
    # the two cores, so what the cold lines could reach at best. The shares stay of the line above.
    measure "ceiling under the cold script" "http://127.0.0.1:$CEILING_PORT/" -s bench/random_series.lua
    MEASURED="$SERVER"
    measure "series, 40 rows, hot (same URL)" "$base$HOT"
    measure "series, 40 rows, cold (random per request)" "$base/" -s bench/random_series.lua
    BENCH_LATER_PAGE="$total" measure "series, later page, cold (random cursor)" "$base/" -s bench/random_series.lua
    measure "ranking, 63 rows" "$base/api/v1/indicators/$HOT_INDICATOR/ranking?period=2024-12"
    measure "single item" "$base/api/v1/observations/$id"
    measure "304 revalidation (If-None-Match)" "$base$HOT" -H "If-None-Match: $etag"
    measure "CSV, 1000 rows" "$base/api/v1/observations?limit=1000&format=csv"
    kill "$CEILING" "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    wait "$SAMPLER" 2>/dev/null || true
    # The cold series again from a server that holds no observations in memory: what a series
    # costs read from the database (as when the data outgrows CHISO_MEMORY_ROWS).
    CHISO_MEMORY_ROWS=0 CHISO_BIND="127.0.0.1:$PORT" "$BIN" serve >>"$WORK/server-$backend.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
    MEASURED="$SERVER"
    measure "series, cold, from the database (no replica)" "$base/" -s bench/random_series.lua
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    echo
    echo "peak server RSS: $(sort -n "$WORK/rss-$backend" | tail -1 | awk '{printf "%.0f MB", $1 / 1024}'), of which anonymous: $(sort -n -k2 "$WORK/rss-$backend" | tail -1 | awk '{printf "%.0f MB", $2 / 1024}')"
    SERVER="" CEILING="" SAMPLER=""
}

run_backend sqlite "sqlite://$WORK/bench.db"

if [ -n "${BENCH_SKIP_POSTGRES:-}" ]; then
    echo
    echo "PostgreSQL: skipped (BENCH_SKIP_POSTGRES)"
elif command -v psql >/dev/null && psql "$PG_ADMIN_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
    psql "$PG_ADMIN_URL" -qc 'DROP DATABASE IF EXISTS chiso_bench' -qc 'CREATE DATABASE chiso_bench' >/dev/null
    # The same server and options (`?sslmode=disable`, say), another database.
    pg_base="${PG_ADMIN_URL%%\?*}"
    run_backend postgres "${pg_base%/*}/chiso_bench${PG_ADMIN_URL#"$pg_base"}"
    [ -n "${BENCH_KEEP:-}" ] || psql "$PG_ADMIN_URL" -qc 'DROP DATABASE IF EXISTS chiso_bench' >/dev/null
else
    echo
    echo "PostgreSQL not reachable at $PG_ADMIN_URL: skipped"
fi

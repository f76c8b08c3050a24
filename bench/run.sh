#!/usr/bin/env bash
# A benchmark anyone can rerun: `bench/run.sh [ROWS]` (default 100000).
#
# 1. builds the release binary;
# 2. generates ROWS synthetic monthly observations (63 provinces x indicators x months
#    from 2009, when all 63 units were in force) and times `chiso import` loading them into a fresh SQLite database;
# 3. serves that database and measures requests/second with wrk (2 threads, 32 connections,
#    10 s each) for /healthz, a plain handler that touches no database, and for list pages:
#    the first page, a page deep in the keyset, a filtered page, a descending sort and CSV.
#
# Figures on a shared machine are noisy: compare the ratios to /healthz within one run.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-100000}"
PORT="${BENCH_PORT:-18080}"
DURATION="${BENCH_DURATION:-10s}"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! command -v wrk >/dev/null; then
    echo "wrk is not installed: apt-get install -y wrk" >&2
    exit 1
fi

cargo build --release --quiet
BIN=target/release/chiso
export DATABASE_URL="sqlite://$WORK/bench.db" RUST_LOG=warn

python3 - "$ROWS" "$WORK/rows.csv" <<'PY'
import csv, sys
rows, out = int(sys.argv[1]), sys.argv[2]
provinces = [r["id"] for r in csv.DictReader(open("data/provinces.csv", encoding="utf-8")) if r["valid_to"] == "2025-06-30" or (r["valid_to"] == "" and r["valid_from"] != "2025-07-01")]
indicators = [r["code"] for r in csv.DictReader(open("data/indicators.csv", encoding="utf-8"))]
months = [f"{y}-{m:02d}" for y in range(2009, 2025) for m in range(1, 13)]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["province", "indicator", "period", "value"])
    n = 0
    for indicator in indicators:
        for month in months:
            for province in provinces:
                if n == rows:
                    break
                w.writerow([province, indicator, month, f"{1000 + (n * 7919) % 100000},5"])
                n += 1
    if n < rows:
        sys.exit(f"only {n} distinct rows can be generated")
PY

"$BIN" migrate >/dev/null
start=$(date +%s.%N)
"$BIN" import "$WORK/rows.csv" --actor bench
end=$(date +%s.%N)
import_seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
echo "import: $ROWS rows in ${import_seconds}s ($(python3 -c "print(int($ROWS / ($end - $start)))") rows/s)"

CHISO_BIND="127.0.0.1:$PORT" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

total=$(curl -s "http://127.0.0.1:$PORT/api/v1/observations?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['meta']['total'])")
deep_id=$((total - 200))
deep_cursor=$(python3 -c "import base64,json; print(base64.urlsafe_b64encode(json.dumps({'s':'id','k':$deep_id}).encode()).decode().rstrip('='))")
value_cursor=$(curl -s "http://127.0.0.1:$PORT/api/v1/observations?sort=-value&limit=1000" | python3 -c "import json,sys; print(json.load(sys.stdin)['meta']['next_cursor'])")

declare -a NAMES=(
    "healthz (no database)"
    "first page, limit=100"
    "deep page (keyset near the end)"
    "filtered: province + indicator"
    "sort=-value, second page"
    "single item"
    "CSV, limit=1000"
)
declare -a URLS=(
    "/healthz"
    "/api/v1/observations?limit=100"
    "/api/v1/observations?limit=100&cursor=$deep_cursor"
    "/api/v1/observations?province=ha-noi&indicator=bts_stations&limit=100"
    "/api/v1/observations?sort=-value&limit=100&cursor=$value_cursor"
    "/api/v1/observations/$((total / 2))"
    "/api/v1/observations?limit=1000&format=csv"
)

printf '\n%-36s %12s %12s %10s\n' "request ($total observations)" "req/s" "latency avg" "vs healthz"
base=""
for i in "${!URLS[@]}"; do
    out=$(wrk -t2 -c32 -d"$DURATION" "http://127.0.0.1:$PORT${URLS[$i]}")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    lat=$(awk '/Latency/ {print $2; exit}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$base" ] && base="$rps"
    ratio=$(python3 -c "print(f'{$rps / $base:.2f}')")
    printf '%-36s %12s %12s %10s%s\n' "${NAMES[$i]}" "$rps" "$lat" "$ratio" "${non2xx:+  ($non2xx non-2xx!)}"
done

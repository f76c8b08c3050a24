#!/usr/bin/env bash
# Property-based API test: schemathesis runs every operation of the committed OpenAPI document
# (all four phases: examples, coverage, fuzzing, stateful; every check) against a freshly served
# SQLite database, with an admin token. Any finding fails the run.
#
#   bash .ci/schemathesis.sh
#
# Environment:
#   CHISO_BIN        the binary to test (default target/debug/chiso; a private copy is run)
#   CHISO_OPENAPI    the document to test against (default openapi/openapi.json)
#   ST_SEED          seed (default 20250701): the same seed and binary give the same cases
#   ST_MAX_EXAMPLES  cases per operation and phase (default 40; about 1-2 minutes on 2 cores)
#   ST_PORT          preferred port (default 18091; the next free one up to 18099 is used)
#   ST_TIMEOUT       hard limit for the schemathesis run in seconds (default 420)
# If .ci/schemathesis.toml exists it is passed as the config file (per-check expected statuses,
# per-operation overrides); nothing else is read: the run happens outside the work tree.
# Reports (NDJSON, JUnit) are kept in target/ci-reports/schemathesis/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ci_init schemathesis
ci_venv

SPEC="${CHISO_OPENAPI:-openapi/openapi.json}"
SEED="${ST_SEED:-20250701}"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-40}"
REPORTS="$CI_ROOT/target/ci-reports/schemathesis"

if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$SPEC" 2>/dev/null; then
    echo "schemathesis: $SPEC is not a JSON document (regenerate it with \`chiso openapi\`)" >&2
    exit 2
fi
cp "$SPEC" "$CI_WORK/openapi.json"

PORT="$(ci_port "${ST_PORT:-18091}")"
ci_serve "$CI_WORK/chiso.db" "$PORT"
TOKEN="$(ci_token admin)"
[ -n "$TOKEN" ] || { echo "schemathesis: could not issue a token" >&2; exit 2; }

rm -rf "$REPORTS"
mkdir -p "$REPORTS"
echo "== schemathesis $("$CI_VENV/bin/st" --version 2>/dev/null | awk '{print $NF}') on $SPEC against $CI_URL (seed $SEED, $MAX_EXAMPLES examples)"
CONFIG=()
if [ -f "$CI_ROOT/.ci/schemathesis.toml" ]; then CONFIG=(--config-file "$CI_ROOT/.ci/schemathesis.toml"); fi
set +e
# Run from the scratch directory so nothing (.hypothesis, reports) lands in the work tree.
(
    cd "$CI_WORK"
    timeout --kill-after=10 "${ST_TIMEOUT:-420}" "$CI_VENV/bin/st" "${CONFIG[@]}" run "$CI_WORK/openapi.json" \
        --url "$CI_URL" \
        --header "Authorization: Bearer $TOKEN" \
        --checks all \
        --phases examples,coverage,fuzzing,stateful \
        --seed "$SEED" \
        --max-examples "$MAX_EXAMPLES" \
        --workers 1 \
        --request-timeout 20 \
        --generation-database none \
        --no-color \
        --output-sanitize true \
        --report ndjson,junit \
        --report-ndjson-path "$REPORTS/report.ndjson" \
        --report-junit-path "$REPORTS/junit.xml" \
        >"$REPORTS/output.txt" 2>&1
)
status=$?
set -e

# The full schemathesis output is long (every failure with its curl line): show the summary and
# one example per operation and check, and keep the rest in the report directory.
sed -n '/^=* SUMMARY =*$/,$p' "$REPORTS/output.txt"
if [ -s "$REPORTS/report.ndjson" ]; then
    python3 "$CI_ROOT/.ci/st_summary.py" "$REPORTS/report.ndjson" 1 || true
fi
if grep -q 'panicked' "$CI_WORK"/server-*.log; then
    echo "== the server panicked:" >&2
    grep -A5 'panicked' "$CI_WORK"/server-*.log | head -40 >&2
    status=1
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "schemathesis: timed out after ${ST_TIMEOUT:-420}s" >&2
fi
if [ "$status" -ne 0 ]; then
    echo "schemathesis: FAILED (exit $status); full output: $REPORTS/output.txt" >&2
    exit 1
fi
echo "schemathesis: passed"

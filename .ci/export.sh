#!/usr/bin/env bash
# The data export: GET /api/v1/export and `chiso export FILE` must give a ZIP holding a valid
# Frictionless Data Package (datapackage.json + data/<resource>.csv), foreign keys included, whose
# row counts equal the API's list totals, and `as_of_version=N` must pin the data. Against a freshly
# served SQLite database:
#   1. frictionless (pinned in .ci/requirements.txt) must reject a tiny package with a dangling
#      foreign key and accept its fixed twin, so a frictionless that stopped checking foreign keys
#      cannot pass the export silently;
#   2. GET /api/v1/export: 200, application/zip, a Data-Version header; the entries, datapackage.json
#      and the CSVs as the contract says (.ci/export_check.py), `frictionless validate` clean, and
#      each listed resource's data rows equal to GET /api/v1/<resource>?limit=1 meta.total;
#      as_of_version=0 on the fresh database gives the same data;
#   3. an editor creates one observation; the export pinned with as_of_version=<first Data-Version>
#      gives data CSVs byte-identical to the first export's; the unpinned one has that observation
#      more, and nothing else changed (validated and counted again);
#   4. `chiso export FILE` on the same database file, while the server runs, gives the same data
#      CSVs as the unpinned HTTP export (and with --as-of-version N as the pinned one), without
#      changing the data version.
#
#   bash .ci/export.sh
#
# Environment:
#   CHISO_BIN     the binary to test (default target/debug/chiso; a private copy is run)
#   EXPORT_PORT   preferred port (default 18094; the next free one up to 18099 is used)
#   CI_KEEP_WORK  set to keep the scratch directory (zips, extracted packages, frictionless reports)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ci_init export
ci_venv

FRICTIONLESS="$CI_VENV/bin/frictionless"
CHECK=("$CI_PY" "$CI_ROOT/.ci/export_check.py")
DB="$CI_WORK/chiso.db"

die() {
    echo "export: $*" >&2
    exit 1
}

# validate DIR: frictionless on DIR/datapackage.json, as a package (so foreign keys to the other
# resources are checked: frictionless v5 does it for every foreignKeys entry of a resource read as
# part of a package, with no option needed). Report in DIR.report.txt; returns frictionless's status.
validate() {
    local dir="$1"
    COLUMNS=160 "$FRICTIONLESS" validate --type package "$dir/datapackage.json" >"$dir.report.txt" 2>&1
}

# export_http NAME QUERY: GET /api/v1/export?QUERY into $CI_WORK/NAME.zip, checked and unpacked into
# $CI_WORK/NAME; sets VERSION to its Data-Version header.
export_http() {
    local name="$1" query="$2" out status ctype
    out="$(curl -sS --max-time 120 -o "$CI_WORK/$name.zip" -D "$CI_WORK/$name.headers" \
        -w '%{http_code} %{content_type}' "$CI_URL/api/v1/export${query:+?$query}")" ||
        die "GET /api/v1/export${query:+?$query}: curl failed"
    status="${out%% *}"
    ctype="${out#* }"
    if [ "$status" != 200 ]; then
        head -c 2000 "$CI_WORK/$name.zip" >&2 || true
        echo >&2
        die "GET /api/v1/export${query:+?$query}: HTTP $status (expected 200); body above"
    fi
    [ "${ctype%%;*}" = application/zip ] ||
        die "GET /api/v1/export${query:+?$query}: Content-Type is '$ctype', expected application/zip"
    VERSION="$(tr -d '\r' <"$CI_WORK/$name.headers" |
        awk -F': *' 'tolower($1) == "data-version" { v = $2 } END { print v }')"
    [[ "$VERSION" =~ ^[0-9]+$ ]] ||
        die "GET /api/v1/export${query:+?$query}: Data-Version header is '$VERSION', expected a whole number"
    "${CHECK[@]}" unpack "$CI_WORK/$name.zip" "$CI_WORK/$name"
}

# check_package NAME: the contract checks and frictionless on the extracted $CI_WORK/NAME.
check_package() {
    local name="$1"
    "${CHECK[@]}" contract "$CI_WORK/$name"
    if ! validate "$CI_WORK/$name"; then
        cat "$CI_WORK/$name.report.txt" >&2
        die "frictionless: the $name export is not a valid data package (report above)"
    fi
    echo "ok  frictionless validate: $name is valid"
}

echo "== frictionless $("$FRICTIONLESS" --version 2>/dev/null | tail -n1) checks foreign keys"
"${CHECK[@]}" canary "$CI_WORK/canary"
if ! validate "$CI_WORK/canary/ok"; then
    cat "$CI_WORK/canary/ok.report.txt" >&2
    die "frictionless rejects the valid canary package (report above): the validate command is broken"
fi
if validate "$CI_WORK/canary/dangling"; then
    cat "$CI_WORK/canary/dangling.report.txt" >&2
    die "frictionless accepts a package with a dangling foreign key: it would not catch one in the export"
fi
if ! grep -q 'foreign-key' "$CI_WORK/canary/dangling.report.txt"; then
    cat "$CI_WORK/canary/dangling.report.txt" >&2
    die "frictionless rejects the dangling-key canary, but not with a foreign-key error (report above)"
fi
echo "ok  valid canary passes, dangling foreign key fails"

PORT="$(ci_port "${EXPORT_PORT:-18094}")"
ci_serve "$DB" "$PORT"
TOKEN="$(ci_token editor)"
[ -n "$TOKEN" ] || { echo "export: could not issue a token" >&2; exit 2; }

echo "== GET /api/v1/export on a fresh database ($CI_URL)"
export_http first ""
V1="$VERSION"
echo "    Data-Version: $V1"
check_package first
"${CHECK[@]}" counts "$CI_WORK/first" "$CI_URL"
export_http shipped "as_of_version=0"
[ "$VERSION" = 0 ] || die "as_of_version=0 answered Data-Version: $VERSION"
"${CHECK[@]}" same "$CI_WORK/first" "$CI_WORK/shipped"

echo "== one write, then the pinned and the current export"
NEW_PROVINCE=ha-noi NEW_INDICATOR=phone_subscribers NEW_PERIOD=2031
new_rows() {
    "${CHECK[@]}" rows "$1" observations "province_id=$NEW_PROVINCE" "indicator_code=$NEW_INDICATOR" \
        "period_id=$NEW_PERIOD"
}
[ "$(new_rows "$CI_WORK/first")" = 0 ] ||
    die "$NEW_PROVINCE/$NEW_INDICATOR/$NEW_PERIOD is already in the shipped data: pick another figure"
BODY="$(printf '{"province_id":"%s","indicator_code":"%s","period_id":"%s",%s}' \
    "$NEW_PROVINCE" "$NEW_INDICATOR" "$NEW_PERIOD" '"value":1,"unit":"subscribers","status":"final"')"
status="$(curl -sS --max-time 60 -o "$CI_WORK/post.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H 'X-Change-Reason: CI export check' --data "$BODY" "$CI_URL/api/v1/observations")" ||
    die "POST /api/v1/observations: curl failed"
if [ "$status" != 201 ]; then
    echo "request: $BODY" >&2
    echo "response:" >&2
    head -c 4000 "$CI_WORK/post.json" >&2 || true
    echo >&2
    die "POST /api/v1/observations: HTTP $status (expected 201)"
fi
echo "ok  POST /api/v1/observations: 201"

export_http pinned "as_of_version=$V1"
[ "$VERSION" = "$V1" ] || die "as_of_version=$V1 answered Data-Version: $VERSION"
"${CHECK[@]}" same "$CI_WORK/first" "$CI_WORK/pinned"

export_http current ""
V2="$VERSION"
echo "    Data-Version: $V2"
[ "$V2" -gt "$V1" ] || die "the write did not raise Data-Version ($V1 before, $V2 after)"
check_package current
"${CHECK[@]}" counts "$CI_WORK/current" "$CI_URL"
"${CHECK[@]}" same "$CI_WORK/first" "$CI_WORK/current" --except observations
before="$("${CHECK[@]}" rows "$CI_WORK/first" observations)"
after="$("${CHECK[@]}" rows "$CI_WORK/current" observations)"
[ "$after" -eq $((before + 1)) ] ||
    die "observations: $before rows before the write, $after after (expected $((before + 1)))"
[ "$(new_rows "$CI_WORK/current")" = 1 ] ||
    die "the current export has no observation $NEW_PROVINCE/$NEW_INDICATOR/$NEW_PERIOD"
echo "ok  observations: $before -> $after rows, the new one included"

echo "== chiso export FILE on the served database file"
cli_export() {
    local name="$1"
    shift
    if ! timeout 120 "$CI_BIN" export --database-url "sqlite://$DB" "$@" "$CI_WORK/$name.zip" \
            >"$CI_WORK/$name.log" 2>&1; then
        cat "$CI_WORK/$name.log" >&2
        die "chiso export $* FILE failed (output above)"
    fi
    "${CHECK[@]}" unpack "$CI_WORK/$name.zip" "$CI_WORK/$name"
}
cli_export cli
"${CHECK[@]}" same "$CI_WORK/current" "$CI_WORK/cli"
cli_export cli-pinned --as-of-version "$V1"
"${CHECK[@]}" same "$CI_WORK/first" "$CI_WORK/cli-pinned"
export_http after-cli ""
[ "$VERSION" = "$V2" ] || die "Data-Version went from $V2 to $VERSION during chiso export: an export must not write"

if grep -q 'panicked' "$CI_WORK"/server-*.log; then
    grep -A5 'panicked' "$CI_WORK"/server-*.log | head -40 >&2
    die "the server panicked"
fi
echo "export: passed"

# Shared by the .ci/*.sh scripts: `source "$(dirname "$0")/lib.sh"` after `set -euo pipefail`.
#
# - ci_init NAME       a scratch directory ($CI_WORK), removed with every server we started on exit;
#                      a private copy of the binary ($CI_BIN) from $CHISO_BIN (default
#                      target/debug/chiso), so a rebuild during the run cannot change it under us.
# - ci_venv            the pinned Python tools of .ci/requirements.txt in target/ci-venv, rebuilt only
#                      when that file or the Python version changes; sets $CI_PY.
# - ci_port PREFERRED  the first free loopback port from PREFERRED up to 18099.
# - ci_serve DB PORT   serves sqlite DB on 127.0.0.1:PORT (fresh file: migrated + shipped data),
#                      waits for /readyz; sets $CI_URL and $CI_SERVER_PID. Server log: $CI_WORK/server-PORT.log.
# - ci_stop_server     stops the last server started by ci_serve.
# - ci_token ROLE      a JWT for the role, signed with $CHISO_JWT_SECRET (set by ci_init if unset).

CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CI_PIDS=()

ci_cleanup() {
    local pid
    for pid in "${CI_PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${CI_PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ -n "${CI_WORK:-}" ] && [ -z "${CI_KEEP_WORK:-}" ]; then rm -rf "$CI_WORK"; fi
}

ci_init() {
    local name="$1"
    cd "$CI_ROOT"
    local bin="${CHISO_BIN:-target/debug/chiso}"
    if [ ! -x "$bin" ]; then
        echo "$name: no chiso binary at $bin (build it, or set CHISO_BIN)" >&2
        exit 2
    fi
    CI_WORK="$(mktemp -d "/tmp/chiso-ci-$name.XXXXXX")"
    trap ci_cleanup EXIT
    trap 'exit 130' INT TERM
    cp "$bin" "$CI_WORK/chiso"
    CI_BIN="$CI_WORK/chiso"
    export CHISO_JWT_SECRET="${CHISO_JWT_SECRET:-ci-only-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
    export RUST_LOG="${RUST_LOG:-warn}"
    unset DATABASE_URL CHISO_BIND CHISO_JWT_PUBLIC_KEY CHISO_JWT_PRIVATE_KEY CHISO_JWT_ALGORITHM || true
}

ci_venv() {
    local venv="$CI_ROOT/target/ci-venv"
    local want
    want="$(python3 --version 2>&1) $(sha256sum "$CI_ROOT/.ci/requirements.txt" | cut -c1-16)"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.ci-stamp" 2>/dev/null)" != "$want" ]; then
        echo "== creating $venv ($want)"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$CI_ROOT/.ci/requirements.txt"
        echo "$want" >"$venv/.ci-stamp"
    fi
    CI_VENV="$venv"
    CI_PY="$venv/bin/python"
}

ci_port() {
    python3 - "$1" <<'PY'
import socket, sys
for port in list(range(int(sys.argv[1]), 18100)) + list(range(18080, int(sys.argv[1]))):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        sys.exit(0)
sys.exit("no free port in 18080-18099")
PY
}

ci_serve() {
    local db="$1" port="$2"
    local log="$CI_WORK/server-$port.log"
    "$CI_BIN" serve --database-url "sqlite://$db" --bind "127.0.0.1:$port" >"$log" 2>&1 &
    CI_SERVER_PID=$!
    CI_PIDS+=("$CI_SERVER_PID")
    CI_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do
        if ! kill -0 "$CI_SERVER_PID" 2>/dev/null; then
            echo "server exited during startup; its log:" >&2
            cat "$log" >&2
            return 1
        fi
        if curl -sf -o /dev/null "$CI_URL/readyz"; then return 0; fi
        sleep 0.2
    done
    echo "server did not become ready within 60 s; its log:" >&2
    tail -50 "$log" >&2
    return 1
}

ci_stop_server() {
    kill "$CI_SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$CI_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CI_SERVER_PID" 2>/dev/null || true
    wait "$CI_SERVER_PID" 2>/dev/null || true
}

ci_token() {
    "$CI_BIN" token issue --sub ci --role "$1" --ttl 2h 2>/dev/null
}

#!/usr/bin/env python3
"""Load and crash tests for the SQLite backend (Python standard library only).

    python3 .ci/load_faults.py [load] [kill]      # both by default

(a) load: LOAD_SECONDS (default 60) of mixed reads and writes over LOAD_CONCURRENCY (default 64)
    keep-alive connections against a freshly served SQLite database, with an editor token. Writes
    are POSTs of distinct, valid observations (2008-era provinces x indicators x months 2009-2024,
    a province exists in every such month) and PATCHes of observations the same worker created;
    reads are list pages (filtered, sorted), single items, provinces, indicators, series.
    Fails on any status >= 500, any connection error, or any other unexpected status. Afterwards
    every acknowledged write (201) must be readable at its Location with the last acknowledged
    value, and meta.total must be the shipped count plus the acknowledged creates.
(b) kill: builds KILL_ROWS (default 200000) synthetic observation rows (as bench/run.sh does),
    imports them with `chiso import` into a seeded database once to completion (shipped + rows
    must be reachable), then again on fresh seeded databases killed with SIGKILL at each of
    KILL_POINTS (default "1.5s,85%": seconds, or a share of the full import's duration). After
    each kill the server must start cleanly on the same file, the observation count must be
    exactly shipped or shipped + rows (all or nothing), and PRAGMA integrity_check must say ok.

Environment: CHISO_BIN (default target/debug/chiso; a private copy is run), LOAD_SECONDS,
LOAD_CONCURRENCY, LOAD_PORT (preferred port, default 18093), KILL_ROWS, KILL_POINTS.
Exit status 1 on any failure; prints one summary line per part.
"""
import collections
import csv
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API = "/api/v1"

PROCS = []


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- plumbing


def free_port(preferred):
    for port in list(range(preferred, 18100)) + list(range(18080, preferred)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18080-18099")


class Env:
    def __init__(self):
        src = os.environ.get("CHISO_BIN", os.path.join(ROOT, "target/debug/chiso"))
        if not os.access(src, os.X_OK):
            raise SystemExit(f"load_faults: no chiso binary at {src} (build it, or set CHISO_BIN)")
        self.work = tempfile.mkdtemp(prefix="chiso-ci-load.")
        self.bin = os.path.join(self.work, "chiso")
        shutil.copy2(src, self.bin)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "CHISO_BIND", "CHISO_JWT_PUBLIC_KEY", "CHISO_JWT_PRIVATE_KEY", "CHISO_JWT_ALGORITHM")
        }
        self.env.setdefault("CHISO_JWT_SECRET", "ci-only-secret-" + os.urandom(16).hex())
        self.env.setdefault("RUST_LOG", "warn")

    def run(self, *args, timeout=120):
        return subprocess.run([self.bin, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def token(self, role="editor"):
        out = self.run("token", "issue", "--sub", "ci-load", "--role", role, "--ttl", "2h")
        if out.returncode != 0 or not out.stdout.strip():
            raise SystemExit(f"load_faults: token issue failed: {out.stderr}")
        return out.stdout.strip()

    def seed(self, db):
        out = self.run("seed", "--database-url", f"sqlite://{db}")
        if out.returncode != 0:
            raise SystemExit(f"load_faults: seed failed: {out.stderr}")

    def cleanup(self):
        shutil.rmtree(self.work, ignore_errors=True)


class Server:
    def __init__(self, env, db, port, name):
        self.port = port
        self.log_path = os.path.join(env.work, f"server-{name}.log")
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [env.bin, "serve", "--database-url", f"sqlite://{db}", "--bind", f"127.0.0.1:{port}"],
            env=env.env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        PROCS.append(self.proc)

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return f"server exited with {self.proc.returncode} during startup: {self.log_tail()}"
            try:
                status, _, _ = request(self.port, "GET", "/readyz", timeout=2)
                if status == 200:
                    return None
            except OSError:
                pass
            time.sleep(0.2)
        return f"server not ready after {seconds}s: {self.log_tail()}"

    def log_tail(self, n=2000):
        self.log_file.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()[-n:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


def request(port, method, path, body=None, headers=None, timeout=30, conn=None):
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        if own:
            conn.close()


def total_observations(port):
    status, _, body = request(port, "GET", f"{API}/observations?limit=1")
    if status != 200:
        raise RuntimeError(f"GET observations?limit=1: {status} {body[:300]!r}")
    return json.loads(body)["meta"]["total"]


def era_2008_units():
    """Provinces in force in every month of 2009-2024 (the 63 units), as bench/run.sh picks them."""
    with open(os.path.join(ROOT, "data/provinces.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        r["id"] for r in rows
        if r["valid_to"] == "2025-06-30" or (r["valid_to"] == "" and r["valid_from"] != "2025-07-01")
        if (r["valid_from"] or "0000") <= "2009-01-01"
    ]


def indicators():
    with open(os.path.join(ROOT, "data/indicators.csv"), encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f)]


def shipped_keys():
    with open(os.path.join(ROOT, "data/observations.csv"), encoding="utf-8") as f:
        return {(r["province_id"], r["indicator_code"], r["period_id"]) for r in csv.DictReader(f)}


# ---------------------------------------------------------------- (a) load


class Load:
    def __init__(self, port, token, seconds, concurrency):
        self.port, self.token = port, token
        self.seconds, self.concurrency = seconds, concurrency
        self.lock = threading.Lock()
        self.counts = collections.Counter()      # (kind, status) -> n
        self.statuses = collections.Counter()    # status -> n
        self.samples = collections.OrderedDict()  # (kind, status) -> first body
        self.conn_errors = collections.Counter()
        self.created = {}                        # id -> (location, key, last acknowledged value)
        provinces, codes = era_2008_units(), indicators()
        months = [f"{y}-{m:02d}" for y in range(2009, 2025) for m in range(1, 13)]
        skip = shipped_keys()
        rnd = random.Random(20250701)
        self.provinces, self.indicators = provinces, codes
        # Enough distinct keys for any plausible rate; drawn lazily in a fixed shuffled order.
        self.keys = [(p, i, m) for i in rnd.sample(codes, min(12, len(codes))) for m in months for p in provinces]
        self.keys = [k for k in self.keys if k not in skip]
        rnd.shuffle(self.keys)
        self.next_key = 0
        self.read_ids = []

    def take_key(self):
        with self.lock:
            if self.next_key >= len(self.keys):
                return None
            k = self.keys[self.next_key]
            self.next_key += 1
            return k

    def record(self, kind, status, body):
        with self.lock:
            self.counts[(kind, status)] += 1
            self.statuses[status] += 1
            if (kind, status) not in self.samples and status not in (200, 201):
                self.samples[(kind, status)] = body[:300]

    def read_path(self, rnd):
        r = rnd.random()
        if r < 0.25:
            return "list", f"{API}/observations?limit=100"
        if r < 0.40:
            return "list", f"{API}/observations?province={rnd.choice(self.provinces)}&limit=50"
        if r < 0.50:
            return "list", f"{API}/observations?indicator={rnd.choice(self.indicators)}&sort=-value&limit=20"
        if r < 0.60:
            return "list", f"{API}/provinces"
        if r < 0.67:
            return "list", f"{API}/indicators?limit=200"
        if r < 0.72:
            return "list", f"{API}/series?indicator=internet_subscribers&province=thanh-hoa,bac-giang"
        with self.lock:
            own = rnd.choice(list(self.created)) if self.created and rnd.random() < 0.5 else None
        oid = own if own is not None else rnd.choice(self.read_ids)
        return "item", f"{API}/observations/{oid}"

    def worker(self, n, deadline):
        rnd = random.Random(n)
        auth = {"Authorization": f"Bearer {self.token}", "X-Change-Reason": "ci load test"}
        mine = []
        conn = None
        while time.time() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            r = rnd.random()
            try:
                if r < 0.30:
                    key = self.take_key()
                    if key is None:
                        continue
                    value = float(rnd.randrange(1, 10_000_000))
                    body = {"province_id": key[0], "indicator_code": key[1], "period_id": key[2], "value": value}
                    status, headers, data = request(self.port, "POST", f"{API}/observations", body,
                                                    {**auth, "Content-Type": "application/json"}, conn=conn)
                    self.record("post", status, data)
                    if status == 201:
                        oid = json.loads(data)["id"]
                        with self.lock:
                            self.created[oid] = (headers.get("location"), key, value)
                        mine.append(oid)
                elif r < 0.40 and mine:
                    oid = rnd.choice(mine)
                    value = float(rnd.randrange(1, 10_000_000))
                    status, _, data = request(self.port, "PATCH", f"{API}/observations/{oid}", {"value": value},
                                              {**auth, "Content-Type": "application/merge-patch+json"}, conn=conn)
                    self.record("patch", status, data)
                    if status == 200:
                        with self.lock:
                            loc, key, _ = self.created[oid]
                            self.created[oid] = (loc, key, value)
                else:
                    kind, path = self.read_path(rnd)
                    status, _, data = request(self.port, "GET", path, conn=conn)
                    self.record(kind, status, data)
            except (OSError, http.client.HTTPException) as e:
                with self.lock:
                    self.conn_errors[type(e).__name__] += 1
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def run(self):
        status, _, body = request(self.port, "GET", f"{API}/observations?limit=1000")
        self.read_ids = [o["id"] for o in json.loads(body)["data"]]
        self.shipped = total_observations(self.port)
        start = time.time()
        deadline = start + self.seconds
        threads = [threading.Thread(target=self.worker, args=(n, deadline), daemon=True) for n in range(self.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.seconds + 60)
        self.elapsed = time.time() - start
        return any(t.is_alive() for t in threads)

    def verify(self):
        """Every acknowledged create is at its Location with its last acknowledged value."""
        problems = []
        items = list(self.created.items())
        lock = threading.Lock()

        def check(chunk):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            for oid, (loc, key, value) in chunk:
                try:
                    status, _, data = request(self.port, "GET", loc or f"{API}/observations/{oid}", conn=conn)
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    with lock:
                        problems.append(f"{loc}: {type(e).__name__}")
                    continue
                if status != 200:
                    with lock:
                        problems.append(f"{loc}: {status} {data[:200]!r}")
                    continue
                o = json.loads(data)
                got = (o["province_id"], o["indicator_code"], o["period_id"])
                if got != key or abs(o["value"] - value) > 1e-6 * max(1.0, abs(value)):
                    with lock:
                        problems.append(f"{loc}: {got} value {o['value']}, acknowledged {key} value {value}")
            conn.close()

        chunks = [items[i::8] for i in range(8)]
        threads = [threading.Thread(target=check, args=(c,)) for c in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = total_observations(self.port)
        if total != self.shipped + len(items):
            problems.append(f"meta.total is {total}, expected {self.shipped} shipped + {len(items)} created")
        return problems


def part_load(env):
    seconds = float(os.environ.get("LOAD_SECONDS", "60"))
    concurrency = int(os.environ.get("LOAD_CONCURRENCY", "64"))
    port = free_port(int(os.environ.get("LOAD_PORT", "18093")))
    db = os.path.join(env.work, "load.db")
    log(f"== load: {seconds:g}s, {concurrency} connections, SQLite, port {port}")
    server = Server(env, db, port, "load")
    failures = []
    try:
        err = server.wait_ready()
        if err:
            return [err]
        load = Load(port, env.token("editor"), seconds, concurrency)
        if load.run():
            failures.append("some workers did not finish (hung requests)")
        if server.proc.poll() is not None:
            failures.append(f"the server died during the load: {server.log_tail()}")
            return failures
        problems = load.verify()
        by_kind = collections.Counter()
        for (kind, _), n in load.counts.items():
            by_kind[kind] += n
        n = sum(by_kind.values())
        hist = ", ".join(f"{s}: {c}" for s, c in sorted(load.statuses.items()))
        log(f"load: {n} requests in {load.elapsed:.1f}s ({n / load.elapsed:.0f}/s): "
            + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
            + f"; status {{{hist}}}; connection errors {sum(load.conn_errors.values())}"
            + (f" {dict(load.conn_errors)}" if load.conn_errors else "")
            + f"; {len(load.created)} acknowledged creates verified, {len(problems)} problem(s)")
        for (kind, status), n_ in sorted(load.counts.items()):
            log(f"    {kind:6} {status}: {n_}")
        expected = {"list": 200, "item": 200, "post": 201, "patch": 200}
        for (kind, status), n_ in sorted(load.counts.items()):
            if status >= 500:
                failures.append(f"{n_} x {status} on {kind}: {load.samples.get((kind, status), b'')!r}")
            elif status != expected[kind]:
                failures.append(f"{n_} x unexpected {status} on {kind}: {load.samples.get((kind, status), b'')!r}")
        if load.conn_errors:
            failures.append(f"connection errors: {dict(load.conn_errors)}")
        failures += [f"lost or wrong write: {p}" for p in problems[:10]]
        if len(problems) > 10:
            failures.append(f"... and {len(problems) - 10} more lost or wrong writes")
        if "panicked" in server.log_tail(10**7):
            failures.append("the server log has a panic")
        return failures
    finally:
        server.stop()


# ---------------------------------------------------------------- (b) kill -9


def write_rows(path, rows):
    provinces, codes = era_2008_units(), indicators()
    months = [f"{y}-{m:02d}" for y in range(2009, 2025) for m in range(1, 13)]
    skip = shipped_keys()
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["province", "indicator", "period", "value"])
        for indicator in codes:
            for month in months:
                for province in provinces:
                    if n == rows:
                        return
                    if (province, indicator, month) in skip:
                        continue
                    w.writerow([province, indicator, month, f"{1000 + (n * 7919) % 100000},5"])
                    n += 1
    if n < rows:
        raise SystemExit(f"only {n} distinct rows can be generated")


def after_import(env, db, port, name):
    """Serve DB; return (count, error)."""
    server = Server(env, db, port, name)
    try:
        err = server.wait_ready(120)
        if err:
            return None, err
        try:
            count = total_observations(port)
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            return None, f"count failed: {e}; server log: {server.log_tail()}"
        if "panicked" in server.log_tail(10**7):
            return count, "the server log has a panic"
        return count, None
    finally:
        server.stop()


def integrity(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def part_kill(env):
    rows = int(os.environ.get("KILL_ROWS", "200000"))
    points = [p.strip() for p in os.environ.get("KILL_POINTS", "1.5s,85%").split(",") if p.strip()]
    port = free_port(int(os.environ.get("LOAD_PORT", "18093")) + 1)
    csv_path = os.path.join(env.work, "rows.csv")
    write_rows(csv_path, rows)
    failures, results = [], []

    def fresh_db(name):
        db = os.path.join(env.work, f"{name}.db")
        env.seed(db)
        return db

    # Shipped count, and the full import: shipped + rows must be reachable.
    db = fresh_db("full")
    start = time.time()
    out = subprocess.run([env.bin, "import", csv_path, "--database-url", f"sqlite://{db}", "--actor", "ci-kill"],
                         env=env.env, capture_output=True, text=True, timeout=600)
    full = time.time() - start
    if out.returncode != 0:
        return [f"the full import failed ({out.returncode}): {out.stderr[-1000:]}"]
    base_db = fresh_db("base")
    shipped, err = after_import(env, base_db, port, "base")
    if err:
        return [f"serving a seeded database: {err}"]
    count, err = after_import(env, db, port, "full")
    if err or count != shipped + rows:
        failures.append(f"after the full import: count {count}, expected {shipped} + {rows}; {err or ''}")
    results.append(f"full import {full:.1f}s -> {count}")
    log(f"== kill: {rows} rows, shipped {shipped}, full import {full:.1f}s -> {count} observations")

    for i, point in enumerate(points):
        delay = full * float(point[:-1]) / 100 if point.endswith("%") else float(point.rstrip("s"))
        db = fresh_db(f"kill{i}")
        proc = subprocess.Popen([env.bin, "import", csv_path, "--database-url", f"sqlite://{db}", "--actor", "ci-kill"],
                                env=env.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        PROCS.append(proc)
        time.sleep(delay)
        alive = proc.poll() is None
        if alive:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        leftovers = sorted(os.path.basename(p) for p in os.listdir(env.work) if p.startswith(f"kill{i}.db-"))
        count, err = after_import(env, db, port, f"kill{i}")
        state = "absent" if count == shipped else "present" if count == shipped + rows else "PARTIAL"
        check = integrity(db) if count is not None else "not checked"
        line = (f"kill -9 at {delay:.1f}s ({point}): "
                + ("killed mid-import" if alive else f"import had already exited ({proc.returncode})")
                + f", left {leftovers or 'no journal files'}; server {'started' if not err else 'FAILED'}, "
                f"count {count} (import {state}), integrity {check}")
        log("    " + line)
        results.append(line)
        if err:
            failures.append(f"after kill at {point}: {err}")
        elif state == "PARTIAL":
            failures.append(f"after kill at {point}: count {count} is neither {shipped} nor {shipped + rows}")
        if check not in ("ok", "not checked"):
            failures.append(f"after kill at {point}: integrity_check says {check}")
        os.remove(db)
    log("kill: " + "; ".join(results))
    return failures


# ----------------------------------------------------------------


def main():
    parts = sys.argv[1:] or ["load", "kill"]
    env = Env()
    failures = []
    try:
        if "load" in parts:
            failures += [f"load: {f}" for f in part_load(env)]
        if "kill" in parts:
            failures += [f"kill: {f}" for f in part_kill(env)]
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.environ.get("CI_KEEP_WORK"):
            log(f"work directory kept: {env.work}")
        else:
            env.cleanup()
    for f in failures:
        log(f"FAIL {f}")
    log(f"load_faults: {'FAILED' if failures else 'passed'} ({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())

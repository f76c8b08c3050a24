#!/usr/bin/env python3
"""The checks behind .ci/export.sh that are easier in Python than in the shell; standard library only.

    export_check.py unpack ZIP DIR          check the zip's entries, extract them into DIR
    export_check.py contract DIR            datapackage.json and the CSVs against the export's contract
    export_check.py counts DIR URL          CSV data rows against GET URL/api/v1/<resource>?limit=1 meta.total
    export_check.py same DIR1 DIR2 [--except R ...]
                                            the data CSVs of two extracted exports are byte-identical
    export_check.py rows DIR RESOURCE [COLUMN=VALUE ...]
                                            print how many data rows of RESOURCE match (all, without filters)
    export_check.py canary DIR              write DIR/ok and DIR/dangling: tiny packages in the export's
                                            shape, valid and with a dangling foreign key, so the run can
                                            prove the frictionless in the venv checks foreign keys

The contract (GET /api/v1/export, `chiso export FILE`): a ZIP with datapackage.json at the root and
data/<resource>.csv for each resource below; UTF-8 CSVs without a BOM, comma-separated, a header
row, empty cell = null. Every check exits 1 with a message saying what is wrong; usage errors exit 2.
"""
import csv
import io
import json
import os
import sys
import urllib.error
import urllib.request
import zipfile

RESOURCES = [
    "provinces",
    "province_names",
    "province_lineage",
    "indicators",
    "periods",
    "sources",
    "observations",
    "targets",
    "awards",
]
# Resources with a list endpoint whose meta.total must equal the CSV's data rows.
LISTED = ["provinces", "indicators", "periods", "sources", "observations", "targets", "awards"]
FIELD_TYPES = {"string", "integer", "number", "date", "boolean"}
# Every REFERENCES of the database schema (migrations/*/...core_tables, ...province_names), as
# (resource, fields) -> (resource, fields). frictionless checks only the foreign keys a schema
# declares, so a missing one would leave that reference unchecked: each must be declared.
EXPECTED_FOREIGN_KEYS = {
    ("observations", ("province_id",)): ("provinces", ("id",)),
    ("observations", ("indicator_code",)): ("indicators", ("code",)),
    ("observations", ("period_id",)): ("periods", ("id",)),
    ("observations", ("source_id",)): ("sources", ("id",)),
    ("targets", ("province_id",)): ("provinces", ("id",)),
    ("targets", ("indicator_code",)): ("indicators", ("code",)),
    ("targets", ("period_id",)): ("periods", ("id",)),
    ("targets", ("source_id",)): ("sources", ("id",)),
    ("awards", ("province_id",)): ("provinces", ("id",)),
    ("awards", ("period_id",)): ("periods", ("id",)),
    ("awards", ("source_id",)): ("sources", ("id",)),
    ("province_lineage", ("predecessor_id",)): ("provinces", ("id",)),
    ("province_lineage", ("successor_id",)): ("provinces", ("id",)),
    ("province_names", ("province_id",)): ("provinces", ("id",)),
}

csv.field_size_limit(1 << 30)


def fail(message):
    sys.exit(f"export check: {message}")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def csv_path(root, name):
    return os.path.join(root, "data", f"{name}.csv")


def read_csv(root, name):
    """The rows of data/NAME.csv (header first), or a failure naming what is wrong with the bytes."""
    path = csv_path(root, name)
    try:
        raw = read_bytes(path)
    except OSError as e:
        fail(f"data/{name}.csv: {e}")
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(f"data/{name}.csv starts with a UTF-8 BOM (the contract says none)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"data/{name}.csv is not UTF-8: {e}")
    try:
        # Quoted fields may hold commas and newlines: count records, not lines.
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        fail(f"data/{name}.csv is not well-formed CSV: {e}")
    if not rows:
        fail(f"data/{name}.csv is empty: a header row is required even with no data")
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            fail(f"data/{name}.csv: record {number} is a blank line")
    return rows


def data_rows(root, name):
    return len(read_csv(root, name)) - 1


# --- unpack -----------------------------------------------------------------------------------

def unpack(zip_path, out):
    expected = {"datapackage.json"} | {f"data/{r}.csv" for r in RESOURCES}
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as e:
        fail(f"{zip_path} is not a readable ZIP: {e}")
    with archive:
        names = archive.namelist()
        files = [n for n in names if not n.endswith("/")]
        for n in names:
            if n.startswith("/") or "\\" in n or ".." in n.split("/"):
                fail(f"{zip_path}: unsafe entry name {n!r}")
        duplicates = sorted({n for n in files if files.count(n) > 1})
        missing = sorted(expected - set(files))
        unexpected = sorted(set(files) - expected)
        if duplicates or missing or unexpected:
            fail(
                f"{zip_path}: entries differ from the contract: missing {missing}, "
                f"unexpected {unexpected}, duplicated {duplicates} (entries: {names})"
            )
        bad = archive.testzip()
        if bad is not None:
            fail(f"{zip_path}: entry {bad} fails its CRC check")
        archive.extractall(out)
    print(f"ok  {os.path.basename(zip_path)}: {len(files)} entries ({os.path.getsize(zip_path)} bytes)")


# --- contract ---------------------------------------------------------------------------------

def as_list(value):
    return [value] if isinstance(value, str) else value


def contract(root):
    try:
        package = json.loads(read_bytes(os.path.join(root, "datapackage.json")).decode("utf-8"))
    except (OSError, ValueError) as e:
        fail(f"datapackage.json: {e}")
    problems = []
    if package.get("name") != "chiso":
        problems.append(f'package name is {package.get("name")!r}, not "chiso"')
    if not isinstance(package.get("version"), str) or not package["version"]:
        problems.append(f"package version is {package.get('version')!r}, not a non-empty string")
    resources = package.get("resources")
    if not isinstance(resources, list):
        fail(f"datapackage.json: resources is {type(resources).__name__}, not a list")
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    if sorted(names) != sorted(RESOURCES) or len(names) != len(resources):
        problems.append(f"resources are {names}, expected each of {RESOURCES} once")
    by_name = {r.get("name"): r for r in resources if isinstance(r, dict)}
    fields_of = {}
    for name, res in by_name.items():
        where = f"resource {name}"
        expect = {
            "path": f"data/{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
        }
        for key, want in expect.items():
            if res.get(key) != want:
                problems.append(f"{where}: {key} is {res.get(key)!r}, expected {want!r}")
        if str(res.get("encoding", "")).lower() != "utf-8":
            problems.append(f"{where}: encoding is {res.get('encoding')!r}, expected 'utf-8'")
        schema = res.get("schema")
        if not isinstance(schema, dict):
            problems.append(f"{where}: no inline schema (got {schema!r})")
            continue
        fields = schema.get("fields") or []
        types = {}
        for f in fields:
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                problems.append(f"{where}: field without a name: {f!r}")
                continue
            if f["name"] in types:
                problems.append(f"{where}: field {f['name']} is declared twice")
            if f.get("type") not in FIELD_TYPES:
                problems.append(
                    f"{where}: field {f['name']} has type {f.get('type')!r}, expected one of {sorted(FIELD_TYPES)}"
                )
            types[f["name"]] = f.get("type")
        if not types:
            problems.append(f"{where}: schema has no fields")
        fields_of[name] = types
        pk = as_list(schema.get("primaryKey") or [])
        if not pk:
            problems.append(f"{where}: schema has no primaryKey")
        for k in pk:
            if k not in types:
                problems.append(f"{where}: primaryKey field {k} is not a field")
        if name in by_name and os.path.exists(csv_path(root, name)):
            header = read_csv(root, name)[0]
            if header != list(types):
                problems.append(f"{where}: CSV header {header} differs from the schema's fields {list(types)}")

    declared = {}
    for name, res in by_name.items():
        schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
        fks = schema.get("foreignKeys", [])
        if not isinstance(fks, list):
            problems.append(f"resource {name}: foreignKeys is not a list")
            continue
        for fk in fks:
            try:
                local = tuple(as_list(fk["fields"]))
                target = fk["reference"]["resource"] or name  # "" is a self-reference
                remote = tuple(as_list(fk["reference"]["fields"]))
            except (KeyError, TypeError):
                problems.append(f"resource {name}: malformed foreign key {fk!r}")
                continue
            declared[(name, local)] = (target, remote)
            if target not in fields_of:
                problems.append(f"resource {name}: foreign key {local} names resource {target!r}, not in the package")
                continue
            if len(local) != len(remote):
                problems.append(f"resource {name}: foreign key {local} -> {target}{remote}: lengths differ")
            for lf, rf in zip(local, remote):
                lt, rt = fields_of.get(name, {}).get(lf), fields_of[target].get(rf)
                if lt is None or rt is None:
                    problems.append(f"resource {name}: foreign key {lf} -> {target}.{rf}: no such field")
                elif lt != rt:
                    # frictionless compares typed values: a type mismatch fails every non-null row.
                    problems.append(f"resource {name}: foreign key {lf} ({lt}) -> {target}.{rf} ({rt}): types differ")
    for (name, local), (target, remote) in EXPECTED_FOREIGN_KEYS.items():
        if name in by_name and declared.get((name, local)) != (target, remote):
            problems.append(
                f"resource {name}: foreign key {','.join(local)} -> {target}.{','.join(remote)} is not declared "
                f"(got {declared.get((name, local))}); frictionless checks only declared ones"
            )
    if problems:
        fail("datapackage.json breaks the contract:\n    " + "\n    ".join(problems))
    print(
        f"ok  datapackage.json: name chiso, version {package['version']}, {len(by_name)} resources, "
        f"{len(declared)} foreign keys"
    )


# --- counts -----------------------------------------------------------------------------------

def api_total(url, name):
    request = urllib.request.Request(f"{url}/api/v1/{name}?limit=1", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        fail(f"GET /api/v1/{name}?limit=1: HTTP {e.code}: {e.read()[:500]!r}")
    except OSError as e:
        fail(f"GET /api/v1/{name}?limit=1: {e}")
    try:
        total = json.loads(body)["meta"]["total"]
    except (ValueError, KeyError, TypeError):
        fail(f"GET /api/v1/{name}?limit=1: no meta.total in {body[:500]!r}")
    if not isinstance(total, int):
        fail(f"GET /api/v1/{name}?limit=1: meta.total is {total!r}")
    return total


def counts(root, url):
    mismatches = []
    print(f"    {'resource':<18}{'csv rows':>10}{'api total':>11}")
    for name in RESOURCES:
        rows = data_rows(root, name)
        if name in LISTED:
            total = api_total(url, name)
            mark = "" if rows == total else "   <-- differs"
            if rows != total:
                mismatches.append(name)
            print(f"    {name:<18}{rows:>10}{total:>11}{mark}")
        else:
            print(f"    {name:<18}{rows:>10}{'-':>11}   (no list endpoint)")
    if mismatches:
        fail(f"CSV rows differ from the API's meta.total for {mismatches}")


# --- same, rows, canary -----------------------------------------------------------------------

def same(first, second, excepted):
    differ = []
    for name in RESOURCES:
        if name in excepted:
            continue
        a = read_bytes(csv_path(first, name))
        b = read_bytes(csv_path(second, name))
        if a != b:
            la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
            at = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            x = la[at] if at < len(la) else "<end of file>"
            y = lb[at] if at < len(lb) else "<end of file>"
            col = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            start = max(0, col - 40)
            differ.append(
                f"data/{name}.csv: {len(a)} vs {len(b)} bytes, {len(la)} vs {len(lb)} lines; first difference "
                f"at line {at + 1}, column {col + 1}:\n      {x[start:col + 60]!r}\n      {y[start:col + 60]!r}"
            )
    if differ:
        fail(f"{first} and {second} differ:\n    " + "\n    ".join(differ))
    print(f"ok  {os.path.basename(first)} = {os.path.basename(second)} "
          f"({len(RESOURCES) - len(excepted)} data CSVs byte-identical)")


def rows(root, name, filters):
    table = read_csv(root, name)
    header, body = table[0], table[1:]
    wanted = []
    for f in filters:
        column, _, value = f.partition("=")
        if column not in header:
            fail(f"data/{name}.csv has no column {column} (header: {header})")
        wanted.append((header.index(column), value))
    print(sum(all(r[i] == v for i, v in wanted) for r in body if len(r) == len(header)))


def canary(out):
    """Two tiny packages in the export's shape: `ok` valid, `dangling` with one observation whose
    province_id is in no provinces row. Nullable foreign keys are empty in `ok`: they must pass."""
    def resource(name, fields, pk, fks=()):
        return {
            "name": name, "path": f"data/{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {
                "fields": [{"name": n, "type": t} for n, t in fields],
                "primaryKey": pk,
                "foreignKeys": [{"fields": [f], "reference": {"resource": r, "fields": [rf]}} for f, r, rf in fks],
            },
        }

    resources = [
        resource("provinces", [("id", "string"), ("gso_code", "string"), ("valid_to", "date")], ["id"]),
        resource("periods", [("id", "string"), ("year", "integer"), ("start_date", "date")], ["id"]),
        resource("sources", [("id", "string")], ["id"]),
        resource(
            "observations",
            [("id", "integer"), ("province_id", "string"), ("period_id", "string"), ("value", "number"),
             ("additive", "boolean"), ("source_id", "string"), ("quote", "string")],
            ["id"],
            [("province_id", "provinces", "id"), ("period_id", "periods", "id"), ("source_id", "sources", "id")],
        ),
    ]
    for label, province in (("ok", "ha-noi"), ("dangling", "nowhere")):
        data = {
            "provinces": [["id", "gso_code", "valid_to"], ["ha-noi", "01", ""], ["ha-tay", "", "2008-07-31"]],
            "periods": [["id", "year", "start_date"], ["2031", "2031", "2031-01-01"]],
            "sources": [["id"], ["s1"]],
            "observations": [
                ["id", "province_id", "period_id", "value", "additive", "source_id", "quote"],
                ["1", "ha-noi", "2031", "1850000", "true", "s1", "một, hai\nba"],
                ["2", province, "2031", "0.5", "false", "", ""],
            ],
        }
        root = os.path.join(out, label)
        os.makedirs(os.path.join(root, "data"), exist_ok=True)
        with open(os.path.join(root, "datapackage.json"), "w", encoding="utf-8") as f:
            json.dump({"name": "chiso", "version": "0", "resources": resources}, f, indent=2)
        for name, table in data.items():
            with open(csv_path(root, name), "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(table)


def main(argv):
    usage = __doc__.split("\n\n")[1]
    if len(argv) < 2:
        sys.stderr.write(usage + "\n")
        return 2
    command, args = argv[1], argv[2:]
    if command == "unpack" and len(args) == 2:
        unpack(*args)
    elif command == "contract" and len(args) == 1:
        contract(*args)
    elif command == "counts" and len(args) == 2:
        counts(*args)
    elif command == "same" and len(args) >= 2 and (len(args) == 2 or args[2] == "--except"):
        same(args[0], args[1], set(args[3:]))
    elif command == "rows" and len(args) >= 2:
        rows(args[0], args[1], args[2:])
    elif command == "canary" and len(args) == 1:
        canary(*args)
    else:
        sys.stderr.write(usage + "\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

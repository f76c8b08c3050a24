#!/usr/bin/env python3
"""Consistency checker for the chiso shipped dataset (stdlib only).

Run from anywhere:  python3 data/check.py
Exit status 0 when every check passes, 1 otherwise.

Checks:
  * every CSV has exactly the expected header, UTF-8 without BOM;
  * every source has its text in data/articles/<source-id>.txt and every
    quote occurs verbatim in it (stand-alone: no file outside the repository
    is needed);
  * seed articles (sources with a seed_file): when the seed directory exists
    (/work/shared/seeds or <repo>/../shared/seeds) the copy in data/articles
    must be byte-identical to it; web pages (no seed_file) need a url, and
    their article file starts with the line "# <url>";
  * value_text occurs in the quote and parses (Vietnamese number rules
    re-implemented below) to the shipped value (relative tolerance 1e-9);
    qualifier / rank_of / denominator / status agree with value_text;
  * foreign keys: province_id, indicator_code, source_id exist;
    units equal the indicator's unit;
  * natural keys are unique; period ids are well formed and fall inside the
    province's validity interval;
  * province registry: 86 rows, 34 in force on 2025-07-01, 63 in force on
    2025-06-30, 52 lineage rows, 2-digit GSO codes, unique ISO codes;
  * coverage: every numeric token of every seed article is either inside a
    shipped value_text (or an award recipient_count) or listed in SKIPPED.md
    with the exact number of occurrences.
"""
import csv
import datetime as dt
import io
import os
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

HEADERS = {
    "provinces.csv": "id,gso_code,iso_code,name_vi,name_en,kind,region,valid_from,valid_to",
    "province_lineage.csv": "predecessor_id,successor_id,effective_date",
    "province_names.csv": "province_id,name_vi,name_en,kind,valid_from,valid_to",
    "sources.csv": "id,seed_file,title,publisher,published_on,url,language",
    "indicators.csv": "code,name_vi,name_en,description_vi,description_en,unit,category,direction,additive",
    "observations.csv": "province_id,indicator_code,period_id,value,value_text,unit,status,qualifier,rank_of,denominator,source_id,quote",
    "targets.csv": "province_id,indicator_code,period_id,comparator,target_value,value_text,unit,source_id,quote",
    "awards.csv": "province_id,period_id,awarded_on,award_type,award_name_vi,conferred_by,recipient,recipient_kind,recipient_count,reason,source_id,quote",
}

UNITS = {"subscribers", "per_100_inhabitants", "percent", "VND", "rank", "places",
         "group", "points", "services", "stations", "households", "products",
         "transactions", "count", "teams", "members", "person_times", "copies",
         "visits", "articles"}
CATEGORIES = {"telecom", "postal", "digital_government", "digital_economy",
              "digital_society", "press_publishing", "composite_indices",
              "administration", "it_industry"}
KINDS = {"province", "municipality"}
REGIONS = {"red_river_delta", "northern_midlands_mountains",
           "north_central_central_coast", "central_highlands", "southeast",
           "mekong_delta"}
AWARD_TYPES = {"certificate_of_merit", "certificate_of_commendation",
               "commendation", "reward_unspecified"}
RECIPIENT_KINDS = {"agency", "collective", "individual", "collectives_and_individuals"}
COMPARATORS = {"at_least", "at_most", "equal"}

errors = []


def err(msg):
    errors.append(msg)


# --------------------------------------------------------------------------
# Vietnamese number parsing (independent re-implementation of the rules)
# --------------------------------------------------------------------------
QUALIFIER_WORDS = {
    "ước đạt": ("", True), "ước": ("", True),
    "trên": ("over", False), "hơn": ("over", False),
    "khoảng": ("about", False), "gần": ("nearly", False),
}
SCALES = {"nghìn": Decimal(10) ** 3, "ngàn": Decimal(10) ** 3,
          "triệu": Decimal(10) ** 6, "tỷ": Decimal(10) ** 9}
VT_RE = re.compile(
    r"^(?:(ước đạt|ước|trên|hơn|khoảng|gần)\s+)?"
    r"(\d+(?:[.,]\d+)*)"
    r"(?:\s*(nghìn|ngàn|triệu|tỷ))?"
    r"(?:\s*(đồng))?"
    r"(?:\s*(%))?"
    r"(?:\s*/\s*(\d+))?$"
)


def parse_number(s):
    if s.count(",") > 1:
        raise ValueError("more than one decimal comma: %r" % s)
    if "," in s:
        ip, fp = s.split(",")
        groups = ip.split(".")
        if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):
            raise ValueError("bad thousands grouping: %r" % s)
        return Decimal("".join(groups) + "." + fp)
    parts = s.split(".")
    if len(parts) == 1:
        return Decimal(s)
    if all(len(p) == 3 for p in parts[1:]):
        return Decimal("".join(parts))  # '.' groups thousands
    if len(parts) == 2:
        return Decimal(parts[0] + "." + parts[1])  # '.' as decimal mark
    raise ValueError("ambiguous number: %r" % s)


def parse_value_text(vt):
    """Return dict(value, qualifier, estimated, denominator, percent, dong, scale)."""
    m = VT_RE.match(vt.strip())
    if not m:
        raise ValueError("value_text does not follow the number rules: %r" % vt)
    qword, digits, scale, dong, pct, denom = m.groups()
    value = parse_number(digits)
    if scale:
        value *= SCALES[scale]
    qualifier, estimated = QUALIFIER_WORDS.get(qword, ("", False))
    return {
        "value": value, "qualifier": qualifier, "estimated": estimated,
        "denominator": int(denom) if denom else None, "percent": bool(pct),
        "dong": bool(dong), "scale": scale,
    }


def fmt_decimal(d):
    """Plain decimal string, '.' as decimal mark, no grouping, no exponent."""
    d = d.normalize()
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def close(a, b):
    a, b = float(a), float(b)
    if a == b:
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
ARTICLES = os.path.join(HERE, "articles")
LANGUAGES = {"vi", "en"}


def seeds_dir():
    for cand in ("/work/shared/seeds",
                 os.path.join(REPO, "..", "shared", "seeds"),
                 os.path.join(REPO, "shared", "seeds")):
        if os.path.isdir(cand):
            return os.path.abspath(cand)
    return None


def read_csv(name):
    path = os.path.join(HERE, name)
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        err("%s: starts with a UTF-8 BOM" % name)
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        err("%s: empty" % name)
        return []
    header = ",".join(rows[0])
    if header != HEADERS[name]:
        err("%s: header %r != expected %r" % (name, header, HEADERS[name]))
        return []
    cols = rows[0]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(cols):
            err("%s line %d: %d fields, expected %d" % (name, i, len(r), len(cols)))
            continue
        d = dict(zip(cols, r))
        d["_line"] = i
        out.append(d)
    return out


def parse_date(s, where):
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        err("%s: bad ISO date %r" % (where, s))
        return None


PERIOD_RE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|(0[1-9]|1[0-2])|(0[1-9]|1[0-2])M))?$")


def period_bounds(pid):
    m = PERIOD_RE.match(pid)
    if not m:
        return None
    y = int(m.group(1))
    suf = m.group(2)
    if suf is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if suf.startswith("H"):
        h = int(suf[1])
        return (dt.date(y, 1, 1), dt.date(y, 6, 30)) if h == 1 else (dt.date(y, 7, 1), dt.date(y, 12, 31))
    if suf.startswith("Q"):
        q = int(suf[1])
        start = dt.date(y, 3 * q - 2, 1)
        end_month = 3 * q
    elif suf.endswith("M"):
        start = dt.date(y, 1, 1)
        end_month = int(suf[:-1])
    else:
        start = dt.date(y, int(suf), 1)
        end_month = int(suf)
    nxt = dt.date(y + (end_month == 12), end_month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


TOKEN_RE = re.compile(r"\d+(?:[.,/]\d+)*")


def find_value_span(quote, vt):
    """Offset of the first occurrence of vt in quote that is not part of a larger number."""
    pat = re.compile(r"(?<![\d.,/])" + re.escape(vt) + r"(?![\d])")
    m = pat.search(quote)
    return m.start() if m else None


# --------------------------------------------------------------------------
def main():
    sd = seeds_dir()  # optional: only used to compare the seed copies
    if not os.path.isdir(ARTICLES):
        err("article directory data/articles not found")
    data = {name: read_csv(name) for name in HEADERS}
    if errors:
        return report(data)

    # ---------------- provinces
    provs = {}
    iso_seen = Counter()
    for r in data["provinces.csv"]:
        w = "provinces.csv line %d" % r["_line"]
        pid = r["id"]
        if pid in provs:
            err("%s: duplicate id %s" % (w, pid))
        provs[pid] = r
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", pid):
            err("%s: id %r is not an ASCII slug" % (w, pid))
        if not re.fullmatch(r"\d{2}", r["gso_code"]):
            err("%s: gso_code %r is not 2 digits" % (w, r["gso_code"]))
        if r["iso_code"]:
            if not re.fullmatch(r"VN-(\d{2}|[A-Z]{2})", r["iso_code"]):
                err("%s: bad iso_code %r" % (w, r["iso_code"]))
            iso_seen[r["iso_code"]] += 1
        if r["kind"] not in KINDS:
            err("%s: bad kind %r" % (w, r["kind"]))
        if r["region"] not in REGIONS:
            err("%s: bad region %r" % (w, r["region"]))
        if not r["name_en"].isascii():
            err("%s: name_en not ASCII" % w)
        for f in ("valid_from", "valid_to"):
            if r[f]:
                parse_date(r[f], w)
        if pid.endswith("-2025") and (r["valid_from"] != "2025-07-01" or r["iso_code"]):
            err("%s: merged unit must have valid_from 2025-07-01 and no ISO code" % w)
    for code, n in iso_seen.items():
        if n > 1:
            err("provinces.csv: ISO code %s used %d times" % (code, n))

    def in_force(r, day):
        vf = dt.date.fromisoformat(r["valid_from"]) if r["valid_from"] else dt.date.min
        vt = dt.date.fromisoformat(r["valid_to"]) if r["valid_to"] else dt.date.max
        return vf <= day <= vt

    n_after = sum(in_force(r, dt.date(2025, 7, 1)) for r in provs.values())
    n_before = sum(in_force(r, dt.date(2025, 6, 30)) for r in provs.values())
    if len(provs) != 86:
        err("provinces.csv: %d rows, expected 86" % len(provs))
    if n_after != 34:
        err("provinces.csv: %d units in force on 2025-07-01, expected 34" % n_after)
    if n_before != 63:
        err("provinces.csv: %d units in force on 2025-06-30, expected 63" % n_before)
    codes_after = Counter(r["gso_code"] for r in provs.values() if in_force(r, dt.date(2025, 7, 1)))
    codes_before = Counter(r["gso_code"] for r in provs.values() if in_force(r, dt.date(2025, 6, 30)))
    for lbl, c in (("2025-07-01", codes_after), ("2025-06-30", codes_before)):
        for code, n in c.items():
            if n > 1:
                err("provinces.csv: GSO code %s used %d times among units in force on %s" % (code, n, lbl))

    # ---------------- lineage
    for r in data["province_names.csv"]:
        w = "province_names.csv line %d" % r["_line"]
        if r["province_id"] not in provs:
            err("%s: unknown province %s" % (w, r["province_id"]))
        if r["kind"] not in ("province", "municipality"):
            err("%s: unknown kind %s" % (w, r["kind"]))
        if r["valid_from"] and r["valid_from"] > r["valid_to"]:
            err("%s: ends before it starts" % w)

    lin = data["province_lineage.csv"]
    if len(lin) != 52:
        err("province_lineage.csv: %d rows, expected 52" % len(lin))
    seen_pred = Counter()
    for r in lin:
        w = "province_lineage.csv line %d" % r["_line"]
        p, s = provs.get(r["predecessor_id"]), provs.get(r["successor_id"])
        if p is None or s is None:
            err("%s: unknown province id" % w)
            continue
        seen_pred[r["predecessor_id"]] += 1
        if r["effective_date"] != "2025-07-01":
            err("%s: effective_date must be 2025-07-01" % w)
        if p["valid_to"] != "2025-06-30" or s["valid_from"] != "2025-07-01":
            err("%s: predecessor must end 2025-06-30 and successor start 2025-07-01" % w)
    for k, n in seen_pred.items():
        if n > 1:
            err("province_lineage.csv: %s has %d successors" % (k, n))
    ended = {k for k, r in provs.items() if r["valid_to"] == "2025-06-30"}
    if ended != set(seen_pred):
        err("province_lineage.csv: predecessors %s differ from units ending 2025-06-30"
            % sorted(ended ^ set(seen_pred)))
    succ = {r["successor_id"] for r in lin}
    new_units = {k for k, r in provs.items() if r["valid_from"] == "2025-07-01"}
    if succ != new_units:
        err("province_lineage.csv: successors differ from units starting 2025-07-01: %s"
            % sorted(succ ^ new_units))

    # ---------------- sources
    sources = {}
    seed_text = {}  # source id -> text of data/articles/<id>.txt (seeds and web pages)
    for r in data["sources.csv"]:
        w = "sources.csv line %d" % r["_line"]
        if r["id"] in sources:
            err("%s: duplicate id" % w)
        sources[r["id"]] = r
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r["id"]):
            err("%s: id %r is not an ASCII slug" % (w, r["id"]))
        if r["published_on"]:
            parse_date(r["published_on"], w)
        elif r["seed_file"]:
            err("%s: seed articles must have published_on" % w)
        if r["language"] not in LANGUAGES:
            err("%s: language %r not in %s" % (w, r["language"], sorted(LANGUAGES)))
        if "/" in r["seed_file"]:
            err("%s: seed_file must be a bare file name" % w)
        if not r["seed_file"] and not re.match(r"https?://", r["url"]):
            err("%s: a source without seed_file (web page) needs an http(s) url" % w)
        path = os.path.join(ARTICLES, r["id"] + ".txt")
        if not os.path.isfile(path):
            err("%s: article file %s not found" % (w, path))
            continue
        with open(path, "rb") as fh:
            raw = fh.read()
        try:
            seed_text[r["id"]] = raw.decode("utf-8")
        except UnicodeDecodeError:
            err("%s: %s is not UTF-8" % (w, path))
            continue
        if r["seed_file"]:
            if sd:
                spath = os.path.join(sd, r["seed_file"])
                if not os.path.isfile(spath):
                    err("%s: seed file %s not found" % (w, spath))
                else:
                    with open(spath, "rb") as fh:
                        if fh.read() != raw:
                            err("%s: data/articles/%s.txt differs from the seed %s" % (w, r["id"], spath))
        else:
            first = seed_text[r["id"]].split("\n", 1)[0]
            if first != "# " + r["url"]:
                err("%s: first line of data/articles/%s.txt must be '# %s'" % (w, r["id"], r["url"]))
    if sd and sorted(os.listdir(sd)) != sorted(r["seed_file"] for r in sources.values() if r["seed_file"]):
        err("sources.csv: seed files listed differ from the seed directory")
    if os.path.isdir(ARTICLES):
        extra = sorted(set(os.listdir(ARTICLES)) - {i + ".txt" for i in sources})
        if extra:
            err("data/articles: files without a source row: %s" % extra)

    # ---------------- indicators
    inds = {}
    for r in data["indicators.csv"]:
        w = "indicators.csv line %d" % r["_line"]
        if r["code"] in inds:
            err("%s: duplicate code %s" % (w, r["code"]))
        inds[r["code"]] = r
        if not re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", r["code"]):
            err("%s: code %r not snake_case ASCII" % (w, r["code"]))
        if r["unit"] not in UNITS:
            err("%s: unit %r not in the documented set" % (w, r["unit"]))
        if r["category"] not in CATEGORIES:
            err("%s: category %r" % (w, r["category"]))
        if r["direction"] not in ("higher", "lower"):
            err("%s: direction %r" % (w, r["direction"]))
        if r["additive"] not in ("true", "false"):
            err("%s: additive %r" % (w, r["additive"]))
        for f in ("name_vi", "name_en", "description_vi", "description_en"):
            if not r[f].strip():
                err("%s: empty %s" % (w, f))
        if not r["name_en"].isascii() or not r["description_en"].isascii():
            err("%s: English name/description must be ASCII" % w)
        code = r["code"]
        if code.endswith("_pct") and r["unit"] != "percent":
            err("%s: *_pct indicator must have unit percent" % w)
        if r["unit"] == "percent" and r["additive"] != "false":
            err("%s: percentages cannot be additive" % w)
        if r["unit"] in ("rank", "group", "points", "per_100_inhabitants") and r["additive"] != "false":
            err("%s: %s cannot be additive" % (w, r["unit"]))
        if r["unit"] in ("rank", "group") and r["direction"] != "lower":
            err("%s: ranks and groups are better when lower" % w)

    covered = defaultdict(set)  # source_id -> set of token start offsets in seed

    def check_quote(w, src_id, quote):
        txt = seed_text.get(src_id)
        if txt is None:
            return None
        pos = txt.find(quote)
        if pos < 0:
            err("%s: quote not found verbatim in data/articles/%s.txt: %r" % (w, src_id, quote[:80]))
            return None
        return pos

    def cover(src_id, qpos, quote, vt):
        off = find_value_span(quote, vt)
        if off is None:
            return False
        start, end = qpos + off, qpos + off + len(vt)
        for m in TOKEN_RE.finditer(seed_text[src_id], start, end):
            if m.end() <= end:
                covered[src_id].add(m.start())
        return True

    def check_value_row(w, r, value_field, is_target):
        vt = r["value_text"]
        if not vt:
            err("%s: empty value_text" % w)
            return
        if vt not in r["quote"]:
            err("%s: value_text %r not in quote" % (w, vt))
            return
        try:
            p = parse_value_text(vt)
        except ValueError as e:
            err("%s: %s" % (w, e))
            return
        try:
            v = Decimal(r[value_field])
        except Exception:
            err("%s: %s %r is not a plain decimal" % (w, value_field, r[value_field]))
            return
        if not re.fullmatch(r"-?\d+(?:\.\d+)?", r[value_field]):
            err("%s: %s %r is not a plain decimal without grouping" % (w, value_field, r[value_field]))
        if not close(v, p["value"]):
            err("%s: %s %s != parsed %s from %r" % (w, value_field, r[value_field], p["value"], vt))
        ind = inds.get(r["indicator_code"])
        if ind is None:
            err("%s: unknown indicator %r" % (w, r["indicator_code"]))
        else:
            if r["unit"] != ind["unit"]:
                err("%s: unit %r != indicator unit %r" % (w, r["unit"], ind["unit"]))
            if p["percent"] != (ind["unit"] == "percent"):
                err("%s: '%%' in value_text must match unit percent" % w)
            if p["dong"] != (ind["unit"] == "VND"):
                err("%s: 'đồng' in value_text must match unit VND" % w)
        if not is_target:
            if r["qualifier"] not in ("", "over", "about", "nearly"):
                err("%s: bad qualifier %r" % (w, r["qualifier"]))
            if r["qualifier"] != p["qualifier"]:
                err("%s: qualifier %r does not match value_text %r" % (w, r["qualifier"], vt))
            if r["status"] not in ("final", "estimated"):
                err("%s: bad status %r" % (w, r["status"]))
            if p["estimated"] and r["status"] != "estimated":
                err("%s: 'ước' in value_text but status is not estimated" % w)
            if r["rank_of"] and r["denominator"]:
                err("%s: rank_of and denominator are exclusive" % w)
            for f in ("rank_of", "denominator"):
                if r[f] and not re.fullmatch(r"\d+", r[f]):
                    err("%s: %s %r not an integer" % (w, f, r[f]))
            if p["denominator"] is not None:
                got = r["rank_of"] or r["denominator"]
                if not got or int(got) != p["denominator"]:
                    err("%s: value_text denominator /%d not recorded in rank_of/denominator" % (w, p["denominator"]))
                if ind and ind["unit"] == "rank" and not r["rank_of"]:
                    err("%s: rank printed N/M must fill rank_of" % w)
                if ind and ind["unit"] != "rank" and not r["denominator"]:
                    err("%s: count printed N/M must fill denominator" % w)
            if r["rank_of"] and ind and ind["unit"] != "rank":
                err("%s: rank_of only for rank indicators" % w)

    def check_period(w, r, what="period_id"):
        b = period_bounds(r[what])
        if b is None:
            err("%s: bad %s %r" % (w, what, r[what]))
            return
        pr = provs.get(r["province_id"])
        if pr is None:
            err("%s: unknown province_id %r" % (w, r["province_id"]))
            return
        vf = dt.date.fromisoformat(pr["valid_from"]) if pr["valid_from"] else dt.date.min
        vt = dt.date.fromisoformat(pr["valid_to"]) if pr["valid_to"] else dt.date.max
        if not (vf <= b[0] and b[1] <= vt):
            err("%s: %s %s outside validity of %s" % (w, what, r[what], r["province_id"]))

    # ---------------- observations
    keys = Counter()
    for r in data["observations.csv"]:
        w = "observations.csv line %d" % r["_line"]
        keys[(r["province_id"], r["indicator_code"], r["period_id"])] += 1
        if r["source_id"] not in sources:
            err("%s: unknown source_id %r" % (w, r["source_id"]))
            continue
        check_period(w, r)
        qpos = check_quote(w, r["source_id"], r["quote"])
        check_value_row(w, r, "value", False)
        if qpos is not None and r["value_text"]:
            if not cover(r["source_id"], qpos, r["quote"], r["value_text"]):
                err("%s: value_text %r not found as a whole number in quote" % (w, r["value_text"]))
    for k, n in keys.items():
        if n > 1:
            err("observations.csv: natural key %s repeated %d times" % (k, n))

    # ---------------- targets
    keys = Counter()
    for r in data["targets.csv"]:
        w = "targets.csv line %d" % r["_line"]
        keys[(r["province_id"], r["indicator_code"], r["period_id"])] += 1
        if r["comparator"] not in COMPARATORS:
            err("%s: bad comparator %r" % (w, r["comparator"]))
        if r["source_id"] not in sources:
            err("%s: unknown source_id %r" % (w, r["source_id"]))
            continue
        check_period(w, r)
        qpos = check_quote(w, r["source_id"], r["quote"])
        check_value_row(w, r, "target_value", True)
        if qpos is not None and r["value_text"]:
            if not cover(r["source_id"], qpos, r["quote"], r["value_text"]):
                err("%s: value_text %r not found as a whole number in quote" % (w, r["value_text"]))
    for k, n in keys.items():
        if n > 1:
            err("targets.csv: natural key %s repeated %d times" % (k, n))

    # ---------------- awards
    keys = Counter()
    for r in data["awards.csv"]:
        w = "awards.csv line %d" % r["_line"]
        keys[(r["source_id"], r["quote"], r["recipient_kind"])] += 1
        if r["award_type"] not in AWARD_TYPES:
            err("%s: bad award_type %r" % (w, r["award_type"]))
        if r["recipient_kind"] not in RECIPIENT_KINDS:
            err("%s: bad recipient_kind %r" % (w, r["recipient_kind"]))
        if r["awarded_on"]:
            parse_date(r["awarded_on"], w)
        if r["source_id"] not in sources:
            err("%s: unknown source_id %r" % (w, r["source_id"]))
            continue
        check_period(w, r)
        qpos = check_quote(w, r["source_id"], r["quote"])
        if r["recipient_count"]:
            if not re.fullmatch(r"\d+", r["recipient_count"]):
                err("%s: recipient_count not an integer" % w)
            elif qpos is not None and not cover(r["source_id"], qpos, r["quote"], r["recipient_count"]):
                err("%s: recipient_count %s not printed in quote" % (w, r["recipient_count"]))
        for f in ("award_name_vi", "reason", "recipient", "conferred_by"):
            if r[f] and r[f] not in seed_text.get(r["source_id"], "") and f in ("award_name_vi",):
                err("%s: %s %r not in the article text" % (w, f, r[f]))
    for k, n in keys.items():
        if n > 1:
            err("awards.csv: (source_id, quote, recipient_kind) repeated: %r" % (k,))

    # ---------------- coverage against SKIPPED.md
    skipped = parse_skipped()
    for sid, txt in seed_text.items():
        fname = sources[sid]["seed_file"]
        if not fname:
            continue  # web pages: only the cited lines are stored; see SKIPPED.md
        rest = Counter(m.group() for m in TOKEN_RE.finditer(txt) if m.start() not in covered[sid])
        listed = skipped.get(fname, Counter())
        for tok in sorted(set(rest) | set(listed)):
            if rest[tok] != listed[tok]:
                err("coverage %s: token %r occurs %d time(s) outside shipped value_texts, "
                    "SKIPPED.md lists %d" % (fname, tok, rest[tok], listed[tok]))
    for fname in skipped:
        if fname not in {s["seed_file"] for s in sources.values() if s["seed_file"]}:
            err("SKIPPED.md: unknown file section %s" % fname)

    return report(data)


def parse_skipped():
    """Read the per-file tables of SKIPPED.md: | token | count | context | reason |."""
    path = os.path.join(HERE, "SKIPPED.md")
    out = {}
    if not os.path.isfile(path):
        err("SKIPPED.md missing")
        return out
    current = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r"^##\s+`?([0-9]{3}_[0-9a-f]+\.txt)`?", line)
            if m:
                current = m.group(1)
                out.setdefault(current, Counter())
                continue
            if line.startswith("#"):
                current = None  # any other heading ends the file's table
                continue
            if current and line.startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) < 4 or cells[0] in ("token", "") or set(cells[0]) <= set("-: "):
                    continue
                tok = cells[0].strip("`")
                if not re.fullmatch(r"\d+(?:[.,/]\d+)*", tok):
                    err("SKIPPED.md (%s): bad token cell %r" % (current, cells[0]))
                    continue
                try:
                    out[current][tok] += int(cells[1])
                except ValueError:
                    err("SKIPPED.md (%s): bad count cell %r" % (current, cells[1]))
                if not cells[3]:
                    err("SKIPPED.md (%s): token %s has no reason" % (current, tok))
    return out


def report(data):
    print("chiso data check")
    for name in HEADERS:
        print("  %-22s %4d rows" % (name, len(data.get(name) or [])))
    provs = data.get("provinces.csv") or []
    if provs:
        def n_in(day):
            c = 0
            for r in provs:
                vf = r["valid_from"] or "0000-00-00"
                vt = r["valid_to"] or "9999-99-99"
                c += vf <= day <= vt
            return c
        print("  provinces in force 2025-06-30: %d, 2025-07-01: %d" % (n_in("2025-06-30"), n_in("2025-07-01")))
    if errors:
        print("FAILED: %d problem(s)" % len(errors))
        for e in errors:
            print("  - " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

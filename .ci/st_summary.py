#!/usr/bin/env python3
"""Summarise a schemathesis NDJSON report: failures grouped by check code, with examples.

    python3 .ci/st_summary.py REPORT.ndjson [EXAMPLES_PER_OPERATION]

Prints one block per code (ST201, ST202, ...) listing every operation that failed it, with the
request and response of the first example(s). Exit status 1 when there is any failure.
"""
import base64
import collections
import json
import sys


def short(text, n=240):
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "..."


def body_of(content):
    if not content:
        return ""
    if "$base64" in content:
        try:
            return base64.b64decode(content["$base64"]).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001
            return "<binary>"
    return content.get("body", "") or ""


def main():
    path = sys.argv[1]
    per_op = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    # code -> operation -> list of (message, request, response)
    found = collections.defaultdict(lambda: collections.defaultdict(list))
    titles = {}
    seen = set()
    errors = []
    for line in open(path, encoding="utf-8"):
        event = json.loads(line)
        (kind, data), = event.items()
        if kind == "NonFatalError" or kind == "FatalError":
            errors.append(short(json.dumps(data), 600))
            continue
        if kind != "ScenarioFinished":
            continue
        rec = data.get("recorder") or {}
        cases = rec.get("cases", {})
        for case_id, checks in (rec.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                failure = (check.get("failure_info") or {}).get("failure") or {}
                code = failure.get("code") or check.get("name")
                op = failure.get("operation") or rec.get("label", "?")
                message = failure.get("message", "")
                key = (code, op, message.split("\n")[0], failure.get("title"))
                inter = (rec.get("interactions") or {}).get(case_id) or {}
                req = inter.get("request") or {}
                resp = inter.get("response") or {}
                case = (cases.get(case_id) or {}).get("value") or {}
                dedup = (code, op, req.get("method"), req.get("uri"), message)
                if dedup in seen:
                    continue
                seen.add(dedup)
                titles[code] = failure.get("title", code)
                found[code][op].append(
                    {
                        "message": message,
                        "request": f"{req.get('method', case.get('method', '?'))} {req.get('uri', case.get('path', '?'))}",
                        "body": json.dumps(case.get("body"), ensure_ascii=False)
                        if "body" in case
                        else None,
                        "media_type": case.get("media_type"),
                        "status": resp.get("status_code"),
                        "response": body_of(resp.get("content")),
                        "phase": ((case.get("meta") or {}).get("phase") or {}).get("name"),
                    }
                )
    total = sum(len(v) for ops in found.values() for v in ops.values())
    for code in sorted(found):
        ops = found[code]
        print(f"\n### {code} {titles[code]}: {sum(len(v) for v in ops.values())} failure(s) in {len(ops)} operation(s)")
        for op in sorted(ops):
            for ex in ops[op][:per_op]:
                print(f"- {op} [{ex['phase']}]: {short(ex['message'], 300)}")
                print(f"    request:  {short(ex['request'], 300)}")
                if ex["body"] is not None:
                    print(f"    body ({ex['media_type']}): {short(ex['body'], 300)}")
                print(f"    response: {ex['status']} {short(ex['response'], 300)}")
    for err in errors:
        print(f"\n### schemathesis error: {err}")
    print(f"\nschemathesis: {total} distinct failure(s), {len(errors)} error(s)")
    return 1 if total or errors else 0


if __name__ == "__main__":
    sys.exit(main())

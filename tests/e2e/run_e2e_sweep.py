#!/usr/bin/env python3
"""run_e2e_sweep.py - every catalogued operation, called for real (breadth issues).

Two sweeps over GET /__mock/coverage on a server with the embedded default fixtures:

- **any input:** every operation marked implemented is called with unknown ids in its
  path and an empty JSON object as body; the answer must not be 501 or 5xx, and every
  4xx must carry Asaas's error shape {"errors":[{"code","description"}]}.
- **valid input:** the examples in tests/e2e/sweep/*.json (one file per API area, run in
  file order, each file's steps in order) call operations with valid input and expect
  their status. A step: {"op": operationId, "method", "path", "query"?, "body"?,
  "status": 200, "save"?: {"name": "field.path"}, "expect"?: {"field.path": value},
  "key"?: "{{saved}}" (call with another account's key, e.g. a subaccount's),
  "control"?: true}; a "control" step calls the control API (setup such as a second
  account) and counts for no operation, and so does a step without "op" (setup, such as
  a sandbox action).
  "{{name}}" in path, query or body is replaced by a value saved by an earlier step of
  the same file ("field.path" is dotted: "id", "data.0.id"); "{{today}}" and "{{due}}" (ten
  days later) are the account's dates. A step may send "multipart": {"fields": {name:
  text}, "files": {name: [filename, base64]}} instead of "body". Every implemented
  operation needs at least one example whose status is 2xx.

Usage: run_e2e_sweep.py path/to/asaas-mock [-k PATTERN]
"""

import datetime
import base64
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, TestFailure, check, eq, registry  # noqa: E402
import harness  # noqa: E402

SWEEP_DIR = os.path.join(HERE, "sweep")
DEV_KEY = ("$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAw"
           "MDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0")
UNKNOWN_ID = "unknown_00000000"

TESTS, test = registry()


class Ctx(harness.Ctx):
    def make_shared(self):
        return Server(self.binary, "sweep", root=self.root, use_fixtures=False,
                      default_key=DEV_KEY)


def catalogue(s):
    r = s.control("GET", "/__mock/coverage")
    return r.json()["operations"]


def concrete(path):
    return re.sub(r"\{[^}]+\}", UNKNOWN_ID, path)


def error_shape(r, what):
    try:
        body = r.json()
    except ValueError:
        raise TestFailure(f"{what}: {r.status} body is not JSON: {r.body[:200]!r}")
    errs = body.get("errors") if isinstance(body, dict) else None
    check(isinstance(errs, list) and errs and isinstance(errs[0], dict)
          and isinstance(errs[0].get("code"), str)
          and isinstance(errs[0].get("description"), str),
          f"{what}: {r.status} without Asaas's error shape: {r.body[:300]!r}")


@test("every_implemented_operation_answers_any_input_without_501_or_5xx")
def _(ctx):
    s = ctx.shared
    bad = []
    for op in catalogue(s):
        if not op["implemented"]:
            continue
        method, path = op["method"], concrete(op["path"])
        body = {} if method in ("POST", "PUT") else None
        r = harness.api(s, method, path, body=json.dumps(body) if body is not None else None)
        what = f"{op['operation']} ({method} {path})"
        if r.status == 501 or r.status >= 500:
            bad.append(f"{what}: {r.status} {r.body[:200]!r}")
        elif r.status >= 400:
            try:
                error_shape(r, what)
            except TestFailure as e:
                bad.append(str(e))
    check(not bad, "operations that failed the any-input sweep:\n  " + "\n  ".join(bad))


def dig(obj, dotted):
    for part in dotted.split("."):
        if isinstance(obj, list):
            obj = obj[int(part)]
        elif isinstance(obj, dict):
            obj = obj[part]
        else:
            raise KeyError(dotted)
    return obj


def fill(value, saved):
    if isinstance(value, str):
        def one(m):
            name = m.group(1)
            if name not in saved:
                raise TestFailure(f"placeholder {{{{{name}}}}} not saved by an earlier step")
            return str(saved[name])
        whole = re.fullmatch(r"\{\{(\w+)\}\}", value)
        if whole and not isinstance(saved.get(whole.group(1)), str) and whole.group(1) in saved:
            return saved[whole.group(1)]  # a saved number or object keeps its type
        return re.sub(r"\{\{(\w+)\}\}", one, value)
    if isinstance(value, list):
        return [fill(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, saved) for k, v in value.items()}
    return value


def multipart_body(spec):
    """A step's "multipart": {"fields": {name: text}, "files": {name: [filename, base64]}}
    as a multipart/form-data body and its Content-Type header (uploads: images, documents)."""
    boundary = "sweep0boundary"
    out = b""
    for name, value in (spec.get("fields") or {}).items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    for name, (filename, data) in (spec.get("files") or {}).items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\n\r\n").encode() + base64.b64decode(data) + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, [("Content-Type", f"multipart/form-data; boundary={boundary}")]


def example_files():
    return sorted(glob.glob(os.path.join(SWEEP_DIR, "*.json")))


def run_file(s, path):
    """Runs one example file; returns the operations it answered 2xx."""
    with open(path, encoding="utf-8") as f:
        steps = json.load(f)
    # The dev account runs on real time, in Brasilia (UTC-3, no daylight saving).
    brt = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
    saved = {"today": brt.date().isoformat(),
             "due": (brt.date() + datetime.timedelta(days=10)).isoformat()}
    ok = set()
    name = os.path.basename(path)
    for i, st in enumerate(steps):
        what = f"{name}[{i}] {st.get('op')}"
        p = fill(st["path"], saved)
        q = fill(st.get("query", ""), saved)
        if q:
            p += "?" + q
        body, headers = st.get("body"), ()
        if body is not None:
            body = json.dumps(fill(body, saved))
        if st.get("multipart") is not None:
            body, headers = multipart_body(fill(st["multipart"], saved))
        key = fill(st["key"], saved) if st.get("key") else None  # another account's key
        if st.get("control"):  # setup through the control API (a second account ...)
            r = s.control(st["method"], p, body=body, expect=None)
        else:
            r = harness.api(s, st["method"], p, key=key, body=body, headers=headers)
        eq(r.status, st.get("status", 200), f"{what}: {st['method']} {p} status "
                                             f"(body {r.body[:300]!r})")
        data = None
        if st.get("save") or st.get("expect"):
            data = r.json()
        for key, dotted in (st.get("save") or {}).items():
            saved[key] = dig(data, dotted)
        for dotted, want in (st.get("expect") or {}).items():
            eq(dig(data, dotted), fill(want, saved), f"{what}: {dotted}")
        if 200 <= r.status < 300 and st.get("op") and not st.get("control"):
            ok.add(st["op"])
    return ok


@test("every_implemented_operation_has_a_valid_example_that_passes")
def _(ctx):
    s = ctx.shared
    ops = {op["operation"] for op in catalogue(s) if op["implemented"]}
    known = set()
    for path in example_files():
        known |= run_file(s, path)
    unknown = known - {op["operation"] for op in catalogue(s)}
    check(not unknown, f"examples name operations the catalogue lacks: {sorted(unknown)}")
    missing = sorted(ops - known)
    check(not missing, f"implemented operations without a passing valid example: {missing}")
    print(f"#   {len(known & ops)} of {len(ops)} implemented operations have a valid example",
          flush=True)


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "e2e-sweep-", __doc__)

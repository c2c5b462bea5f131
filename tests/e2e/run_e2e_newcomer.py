#!/usr/bin/env python3
"""run_e2e_newcomer.py - a newcomer's first hour, scripted (issue #17).

The README's "First hour" blocks (fenced code tagged `first-hour`) are extracted from README.md
at test time and run as written, from a directory laid out like the repository root
(build/ca.pem), against the embedded development fixtures; only the port 8443 is swapped for
the test server's. The shell blocks run in one bash session, in order, as a reader pasting
them would; the Python block runs with python3; the Node block runs when node is installed
(offline, no npm). Around them: the behaviour the section and "Troubleshooting" promise
(whoami and --auto-accounts, run-time keys, scripts/chaos's default CA, exact fault seeds,
what each reset form does to ids, a clock advance across restarts, an empty key).

Usage: run_e2e_newcomer.py path/to/asaas-mock [-k PATTERN]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (ABSENT, Server, TestFailure, check, eq, make_key,  # noqa: E402
                     new_cpf, redact, registry)
import harness  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
README = os.path.join(REPO, "README.md")
CHAOS = os.path.join(REPO, "scripts", "chaos")
DEV_KEY = ("$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAw"
           "MDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0")
BLOCK_MARK = "@@first-hour-block@@"

TESTS, test = registry()


class Ctx(harness.Ctx):
    """The servers of the running test (stopped and scanned after it); no shared server."""

    def server(self, name, args=(), **kw):
        return self.own(Server(self.binary, name, args=list(args), root=self.root, **kw))


def dev_server(ctx, name, args=()):
    """A server on the embedded default fixtures: the dev key, account "default"."""
    return ctx.server(name, args=args, use_fixtures=False)


def readme_blocks(tag="first-hour"):
    """[(language, text)] of the README's fenced blocks whose info string carries tag."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    out = []
    for m in re.finditer(r"^```(\S+)[ \t]+([^\n]*)\n(.*?)^```[ \t]*$", text, re.M | re.S):
        if tag in m.group(2).split():
            out.append((m.group(1), m.group(3)))
    return out


def checkout_like(ctx, s):
    """A directory laid out like the repository root after scripts/run: build/ca.pem."""
    d = tempfile.mkdtemp(prefix="checkout-", dir=ctx.root)
    os.makedirs(os.path.join(d, "build"))
    shutil.copy(s.ca, os.path.join(d, "build", "ca.pem"))
    return d


def run_cmd(cmd, cwd, env=None, timeout=60, stdin_text=None):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("ASAAS_") and k not in ("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS")}
    base.update(env or {})
    try:
        return subprocess.run(cmd, cwd=cwd, env=base, capture_output=True, text=True,
                              timeout=timeout, input=stdin_text)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"{cmd[0]}: still running after {timeout}s")


def swap_port(text, port):
    return text.replace("127.0.0.1:8443", f"127.0.0.1:{port}")


def jsons(text):
    """Every JSON value printed on its own or back to back (curl prints no newline)."""
    dec, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        v, i = dec.raw_decode(text, i)
        out.append(v)
    return out


# ---------------------------------------------------------------------------- the README path

@test("readme_first_hour_runs_as_written")
def _(ctx):
    blocks = readme_blocks()
    langs = [lang for lang, _ in blocks]
    eq(langs, ["sh", "python", "js", "sh"], "README first-hour blocks (language, in order)")
    s = dev_server(ctx, "first-hour")
    d = checkout_like(ctx, s)

    # Step 1 (shell): exports, then whoami.
    sh1 = swap_port(blocks[0][1], s.port)
    sh2 = swap_port(blocks[3][1], s.port)
    check("export ASAAS_API_KEY='" + DEV_KEY + "'" in sh1,
          "block 1 exports the development key in single quotes")
    # The shell blocks in one session (variables carry over), a mark after each.
    script = "set -euo pipefail\n" + sh1 + f"\necho; echo {BLOCK_MARK}\n"
    p = run_cmd(["bash", "-c", script], d)
    eq(p.returncode, 0, f"block 1 exit status (stderr {p.stderr!r})")
    out1 = p.stdout.split(BLOCK_MARK)[0]
    who = jsons(out1)
    eq(len(who), 1, f"block 1 prints one answer: {out1!r}")
    eq(who[0]["account"], "default", "whoami account of the development key")
    eq(who[0]["key"]["display"], redact(DEV_KEY), "whoami shows the redacted key")
    check(DEV_KEY[14:] not in out1, "whoami echoed the key")
    today = date.fromisoformat(who[0]["today"])

    # Step 2 (Python), with the variables block 1 exported.
    env = {"ASAAS_API_KEY": DEV_KEY, "ASAAS_URL": f"https://127.0.0.1:{s.port}"}
    with open(os.path.join(d, "first_hour.py"), "w") as f:
        f.write(swap_port(blocks[1][1], s.port))
    p = run_cmd([sys.executable, "first_hour.py"], d, env=env)
    eq(p.returncode, 0, f"Python block exit status (stderr {p.stderr!r})")
    parts = p.stdout.split()
    eq(len(parts), 3, f"Python block prints id, status, dueDate: {p.stdout!r}")
    check(parts[0].startswith("pay_"), f"payment id {parts[0]!r}")
    eq(parts[1:], ["PENDING", (today + timedelta(days=3)).isoformat()],
       "boleto status and due date (account's today + 3)")

    # The Node block: only when node is installed (CI has no node: deps.sh does not add it).
    js = blocks[2][1]
    check("NODE_EXTRA_CA_CERTS=build/ca.pem node first-hour.mjs" in js,
          "the Node block says how to trust the certificate")
    if shutil.which("node"):
        with open(os.path.join(d, "first-hour.mjs"), "w") as f:
            f.write(swap_port(js, s.port))
        p = run_cmd(["node", "first-hour.mjs"], d,
                    env=dict(env, NODE_EXTRA_CA_CERTS="build/ca.pem"))
        eq(p.returncode, 0, f"Node block exit status (stderr {p.stderr[-600:]!r})")
        status, _, body = p.stdout.strip().partition(" ")
        eq(status, "200", f"Node block status: {p.stdout!r}")
        eq(json.loads(body)["totalCount"], 1, "Node block sees the Python block's customer")
    else:
        print("# node not installed: the Node block was not executed", flush=True)

    # Step 3 (shell): advance, overdue list, clock, undo, reset -- in the same session.
    script = ("set -euo pipefail\n" + sh1 + f"\necho; echo {BLOCK_MARK}\n" + sh2 +
              f"\necho; echo {BLOCK_MARK}\n")
    p = run_cmd(["bash", "-c", script], d)
    eq(p.returncode, 0, f"block 3 exit status (stderr {p.stderr!r})")
    answers = jsons(p.stdout.split(BLOCK_MARK)[1])
    eq(len(answers), 5, f"block 3 prints five answers: {answers}")
    advance, overdue, clock, undo, reset = answers
    eq((advance["mode"], advance["offsetDays"]), ("real", 4), "advance: real time, 4 days on")
    check(advance["jobs"]["overdue"] >= 1, f"advance ran the overdue job: {advance}")
    eq([x["id"] for x in overdue["data"]], [parts[0]], "the boleto is OVERDUE")
    eq((clock["mode"], clock["offsetDays"], clock["today"]),
       ("real", 4, (today + timedelta(days=4)).isoformat()), "clock read back")
    eq((undo["mode"], undo["offsetDays"]), ("real", 0), "undo: no offset")
    eq((reset["reset"], reset["account"]), (True, "default"), "reset answer")
    r = s.request("GET", "/v3/customers", key=DEV_KEY)
    eq(r.json()["totalCount"], 0, "the reset emptied account default")


# ---------------------------------------------------------------------------- troubleshooting

@test("empty_key_curl_drops_the_header_raw_clients_get_an_empty_401")
def _(ctx):
    s = dev_server(ctx, "empty-key")
    d = checkout_like(ctx, s)
    # What a shell does to "$aact_..." inside double quotes: the variable is unset -> "".
    script = (f'curl -sS --cacert build/ca.pem https://127.0.0.1:{s.port}/v3/customers '
              f'-H "access_token: $aact_hmlg_000MzkwODA2" -H "User-Agent: my-app" '
              f'-w "\\n%{{http_code}}"')
    p = run_cmd(["bash", "-c", script], d)
    eq(p.returncode, 0, f"curl exit status (stderr {p.stderr!r})")
    body, _, code = p.stdout.rpartition("\n")
    eq(code, "401", "curl with an expanded (empty) key")
    eq(json.loads(body)["errors"][0]["code"], "access_token_not_found",
       "curl drops an empty header")
    # A client that sends the empty header (Node's fetch, http.client) gets the bare 401.
    r = s.request("GET", "/v3/customers", key="")
    eq((r.status, r.body), (401, b""), "an empty access_token header")


# ---------------------------------------------------------------------------- whoami, keys

@test("whoami_auto_accounts_resolve_and_create_before_the_first_call")
def _(ctx):
    s = dev_server(ctx, "auto", args=["--auto-accounts"])
    key = make_key()
    r = s.request("GET", "/__mock/whoami", key=key)
    eq(r.status, 200, f"whoami of a new key (body {r.body[:200]!r})")
    who = r.json()
    check(re.fullmatch(r"auto-[0-9a-f]{16}", who["account"]), f"auto account id {who}")
    eq((who["autoCreated"], who["created"]), (True, True), "created on first mention")
    check(key[14:] not in r.text, "whoami echoed the key")
    aid = who["account"]
    # Configure and reset it before any API call: no more 404.
    s.control("PUT", f"/__mock/accounts/{aid}", body={"name": "suite-a"})
    s.control("POST", f"/__mock/accounts/{aid}/clock/advance", body={"days": 2})
    s.control("POST", "/__mock/reset", body={"account": aid})
    eq(s.control("GET", f"/__mock/accounts/{aid}/clock").json()["offsetDays"], 0,
       "the account reset put its clock back too")
    r = s.request("GET", "/v3/customers", key=key)
    eq(r.status, 200, "first API call")
    r = s.request("GET", "/__mock/whoami", key=key)
    eq((r.json()["account"], r.json()["created"]), (aid, False), "whoami again")
    eq(s.request("GET", "/__mock/whoami", key=ABSENT).status, 400, "whoami without a key")
    r = s.request("GET", "/__mock/whoami", key=make_key("prod"))
    eq(r.json()["errors"][0]["code"], "invalid_environment", "whoami of a production key")
    for path in ("/__mock/journal", "/__mock/accounts"):
        check(key[14:] not in s.control("GET", path).text, f"{path} shows the key")
    check(key[14:] not in s.stdout() + s.stderr(), "the log shows the key")


@test("keys_route_refuses_unknown_fields_and_registers_a_given_key")
def _(ctx):
    s = dev_server(ctx, "keys")
    path = "/__mock/accounts/default/keys"
    r = s.control("POST", path, body={"name": "ci", "expirationDat": "2030-01-01"}, expect=400)
    check("expirationDat" in r.json()["errors"][0]["description"], f"names the field: {r.text}")
    mine = make_key()
    eq(s.request("GET", "/v3/customers", key=mine).status, 401, "before registering")
    r = s.control("POST", path, body={"name": "mine", "key": mine})
    check("apiKey" not in r.json() and mine[14:] not in r.text, f"key shown back: {r.text}")
    eq(r.json()["display"], redact(mine), "display")
    eq(s.request("GET", "/v3/customers", key=mine).status, 200, "registered without restart")
    other = make_key()
    s.control("POST", path, body={"sha256": hashlib.sha256(other.encode()).hexdigest(),
                                  "display": redact(other)})
    eq(s.request("GET", "/v3/customers", key=other).status, 200, "registered by its SHA-256")
    s.control("POST", path, body={"key": mine}, expect=409)
    listing = s.control("GET", path).text
    check(mine[14:] not in listing and other[14:] not in listing, "listing shows a key")
    state = s.control("GET", "/__mock/state").text
    check(mine[14:] not in state, "snapshot shows the key")


# ---------------------------------------------------------------------------- scripts/chaos

@test("chaos_defaults_to_build_ca_pem_and_names_the_option")
def _(ctx):
    s = dev_server(ctx, "chaos")
    d = checkout_like(ctx, s)
    os.makedirs(os.path.join(d, "scripts"))
    shutil.copy(CHAOS, os.path.join(d, "scripts", "chaos"))
    url = f"https://127.0.0.1:{s.port}"
    p = run_cmd([sys.executable, "scripts/chaos", "--url", url, "list"], d)
    eq(p.returncode, 0, f"chaos list with build/ca.pem present (stderr {p.stderr!r})")
    eq(json.loads(p.stdout), {"rules": []}, "chaos list")
    os.remove(os.path.join(d, "build", "ca.pem"))
    p = run_cmd([sys.executable, "scripts/chaos", "--url", url, "list"], d)
    eq(p.returncode, 2, f"chaos without a CA: {p.stdout!r} {p.stderr!r}")
    check("--cacert" in p.stderr and "build/ca.pem" in p.stderr,
          f"the certificate error points to --cacert: {p.stderr!r}")


# ---------------------------------------------------------------------------- faults

def fire_pattern(s, n=64):
    out = []
    for _ in range(n):
        out.append("F" if s.request("GET", "/v3/customers", key=DEV_KEY).status == 503 else ".")
    return "".join(out)


@test("fault_listing_replays_exactly_and_says_retryAfter")
def _(ctx):
    s = dev_server(ctx, "seed", args=["--seed", "4242"])
    rule = {"id": "coin", "match": {"operation": "customers.list"},
            "fault": {"kind": "status", "code": 503, "reset": 7},
            "schedule": {"probability": 0.5}}
    s.control("POST", "/__mock/faults", body=rule)
    text = s.control("GET", "/__mock/faults").text
    m = re.search(r'"seed":\s*([^,}\s]+)', text)
    check(m and re.fullmatch(r"[0-9]+", m.group(1)), f"seed as an integer: {text}")
    listed = json.loads(text)["rules"][0]
    eq(listed["fault"], {"kind": "status", "code": 503, "retryAfter": 7}, "fault as listed")
    first = fire_pattern(s)
    check("F" in first and "." in first, f"probability 0.5: {first}")
    s.control("DELETE", "/__mock/faults")
    s.control("POST", "/__mock/faults", body=listed)
    eq(fire_pattern(s), first, "the listed rule, added back, fires the same sequence")
    r = s.request("GET", "/v3/customers", key=DEV_KEY)
    if r.status == 503:
        eq(r.header("Retry-After"), "7", "Retry-After of retryAfter=7")


# ---------------------------------------------------------------------------- what the docs say

@test("reset_forms_and_ids_as_documented")
def _(ctx):
    s = dev_server(ctx, "reset-ids", args=["--seed", "7"])

    def create():
        r = s.request("POST", "/v3/customers", key=DEV_KEY,
                      body={"name": "Ana", "cpfCnpj": new_cpf()})
        eq(r.status, 200, f"create (body {r.body[:200]!r})")
        return r.json()["id"]

    first = create()
    s.control("POST", "/__mock/reset")
    eq(create(), first, "a full reset rewinds the id generator (ids repeat)")
    s.control("POST", "/__mock/reset", body={"account": "default"})
    check(create() != first, "a per-account reset does not rewind ids")
    # A full reset wipes every account's data, not only the caller's (a shared server).
    other = make_key()
    s.control("POST", "/__mock/accounts", body={"id": "other-suite"})
    s.control("POST", "/__mock/accounts/other-suite/keys", body={"key": other})
    eq(s.request("POST", "/v3/customers", key=other,
                 body={"name": "Bia", "cpfCnpj": new_cpf()}).status, 200, "other suite's create")
    s.control("POST", "/__mock/reset", body={"account": "default"})
    eq(s.control("GET", "/__mock/accounts/other-suite").json()["customerCount"], 1,
       "a per-account reset leaves the other suite alone")
    s.control("POST", "/__mock/reset")
    eq(s.control("GET", "/__mock/accounts/other-suite").json()["customerCount"], 0,
       "a plain reset wiped the other suite's data")
    eq(s.request("GET", "/v3/customers", key=other).status, 200,
       "accounts and keys made at run time survive a reset")


@test("clock_advance_persists_with_state_file_and_goes_back")
def _(ctx):
    state = os.path.join(tempfile.mkdtemp(dir=ctx.root), "state.jsonl")
    s = dev_server(ctx, "clock-1", args=["--state-file", state])
    s.control("POST", "/__mock/accounts/default/clock/advance", body={"days": 3})
    s.stop()
    s2 = dev_server(ctx, "clock-2", args=["--state-file", state])
    c = s2.control("GET", "/__mock/accounts/default/clock").json()
    eq((c["mode"], c["offsetDays"]), ("real", 3), "the advance survived the restart")
    c = s2.control("PUT", "/__mock/accounts/default/clock", body={"mode": "real"}).json()
    eq(c["offsetDays"], 0, "PUT mode real takes the offset away")
    s2.stop()
    s3 = dev_server(ctx, "clock-3")
    c = s3.control("GET", "/__mock/accounts/default/clock").json()
    eq(c["offsetDays"], 0, "without --state-file a restart starts on real time")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-newcomer-", __doc__.split("\n")[0])

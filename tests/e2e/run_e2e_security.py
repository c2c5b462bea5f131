#!/usr/bin/env python3
"""run_e2e_security.py - the integration security report (issue #19), driven by real clients.

Each finding is produced the way an integration would produce it (a TLS 1.2-only client, a
key in the query string, a library's default User-Agent, a POST retried after an ambiguous
fault, requests ignoring a 429, a webhook receiver that ignores the token ...) and the test
asserts its code in GET /__mock/security/report. The README's First-hour path, run as
written, must produce no error-severity finding, and a server started with
--fail-on-findings exits 3 when one exists. Every test ends with the harness's scan of
every output (the report included) for whole keys.

One shared server runs with --auto-accounts --fault-header --plain-port 0: every test takes
a fresh key, so it gets its own account. Standard library only; reuses harness.py, the
webhook receiver of run_e2e_webhooks.py and the README runner of run_e2e_newcomer.py.

Usage: python3 tests/e2e/run_e2e_security.py /path/to/asaas-mock [-k substring]
"""

import http.client
import json
import os
import signal
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ABSENT, Server, check, eq, find_secret, make_key, registry  # noqa: E402
from harness import note_secret, wait_until  # noqa: E402
import harness  # noqa: E402
from run_e2e_newcomer import (BLOCK_MARK, DEV_KEY, checkout_like, readme_blocks,  # noqa: E402
                              run_cmd, swap_port)
from run_e2e_webhooks import Receiver  # noqa: E402

TESTS, test = registry()
UA = "shop-backend/2.3"
CUSTOMER = {"name": "Cliente Seguro", "cpfCnpj": "24971563792"}
TOKEN = "whsec_e2e_security_0123456789abcdef0123"


class Ctx(harness.Ctx):
    SHARED_CHECK = "server_exits_cleanly"

    def __init__(self, binary, root):
        super().__init__(binary, root)
        self.receivers = []

    def make_shared(self):
        return Server(self.binary, "security", root=self.root, accounts=[],
                      args=["--auto-accounts", "--fault-header", "--plain-port", "0",
                            "--webhook-timeout", "2000"])

    def receiver(self, **kw):
        rx = Receiver(**kw)
        self.receivers.append(rx)
        return rx

    def after_test(self):
        for rx in self.receivers:
            rx.close()
        self.receivers = []
        if self._shared is not None and self._shared.alive():
            self._shared.control("DELETE", "/__mock/faults")


class Account:
    """A fresh key on the shared --auto-accounts server, and its account."""

    def __init__(self, server):
        self.server = server
        self.key = make_key()
        who = server.request("GET", "/__mock/whoami", key=self.key).json()
        self.id = who["account"]
        self.key_id = who["key"]["id"]

    def call(self, method, path, body=None, ua=UA, key=None, **kw):
        data = json.dumps(body).encode() if body is not None else None
        return self.server.request(method, path, key=self.key if key is None else key,
                                   ua=ua, body=data, **kw)

    def ok(self, method, path, body=None, status=200, **kw):
        r = self.call(method, path, body, **kw)
        eq(r.status, status, f"{method} {path} status (body {r.body[:300]!r})")
        return r.json() if r.body else None

    def report(self):
        return self.server.control("GET", f"/__mock/security/report?account={self.id}").json()

    def findings(self):
        """{code: finding} of this account."""
        accounts = self.report()["accounts"]
        check(len(accounts) <= 1, f"one account asked, got {len(accounts)}")
        return {f["code"]: f for a in accounts for f in a["findings"]}

    def payment(self, **over):
        cid = self.ok("POST", "/v3/customers", CUSTOMER)["id"]
        body = {"customer": cid, "billingType": "PIX", "value": 42.5, "dueDate": "2030-01-10",
                **over}
        return self.ok("POST", "/v3/payments", body)["id"]


def unattributed(server):
    """{code: finding} of the requests that named no account."""
    for a in server.control("GET", "/__mock/security/report").json()["accounts"]:
        if a["account"] is None:
            return {f["code"]: f for f in a["findings"]}
    return {}


def has(findings, code, severity=None):
    check(code in findings, f"finding {code} not raised; got {sorted(findings)}")
    if severity:
        eq(findings[code]["severity"], severity, f"{code} severity")
    for field in ("evidence", "count", "firstSeen", "lastSeen", "practice", "title"):
        check(field in findings[code], f"{code} has no {field}")
    return findings[code]


def lacks(findings, code):
    check(code not in findings, f"finding {code} raised: {findings.get(code)}")


def plain_port(s):
    fields, _ = s.wait_log(lambda f, ln: f.get("msg") == "listening" and f.get("tls") == "0",
                           what="plaintext listening line")
    return int(fields["port"])


# ---------------------------------------------------------------------------- transport

@test("tls12_only_client_is_advice")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1")
    lacks(a.findings(), "TLS12_NEGOTIATED")
    tls12 = ctx.shared.context()
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    conn = ctx.shared.connect(context=tls12)
    try:
        a.ok("GET", "/v3/customers?limit=1", conn=conn)
        eq(conn.sock.version(), "TLSv1.2", "the client's negotiated version")
    finally:
        conn.close()
    f = has(a.findings(), "TLS12_NEGOTIATED", "advice")
    check("TLSv1.2" in f["evidence"], f"evidence {f['evidence']!r}")


@test("plaintext_listener_request_is_an_error")
def _(ctx):
    a = Account(ctx.shared)
    conn = http.client.HTTPConnection("127.0.0.1", plain_port(ctx.shared), timeout=5)
    try:
        r = harness.send(conn, "GET", "/v3/customers?limit=1",
                         [("access_token", a.key), ("User-Agent", UA)])
    finally:
        conn.close()
    eq(r.status, 200, "request over the plaintext listener")
    f = has(a.findings(), "PLAINTEXT_TRANSPORT", "error")
    check("http://" in f["evidence"], f"evidence {f['evidence']!r}")


@test("webhook_config_with_http_url")
def _(ctx):
    a = Account(ctx.shared)
    rx = ctx.receiver()
    a.ok("POST", "/v3/webhooks", {"name": "plain", "url": rx.url(), "email": "d@example.com",
                                  "sendType": "SEQUENTIALLY", "authToken": TOKEN,
                                  "events": ["PAYMENT_CREATED"]})
    f = has(a.findings(), "WEBHOOK_HTTP_URL", "warning")
    check(rx.url() in f["evidence"], f"evidence {f['evidence']!r}")


# ---------------------------------------------------------------------------- key handling

@test("key_in_query_string")
def _(ctx):
    a = Account(ctx.shared)
    # a client that puts the key in the URL as well as the header (attributed) ...
    a.ok("GET", "/v3/customers?limit=1&access_token=" + a.key.replace("$", "%24"))
    f = has(a.findings(), "KEY_IN_QUERY", "error")
    check(harness.redact(a.key) in f["evidence"], f"evidence {f['evidence']!r}")
    # ... and one that puts it only there (401; no account named it)
    r = a.call("GET", "/v3/customers?access_token=" + a.key, key=ABSENT)
    eq(r.status, 401, "key only in the query string")
    has(unattributed(ctx.shared), "KEY_IN_QUERY", "error")


@test("key_in_path")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers/" + a.key, status=404)
    f = has(a.findings(), "KEY_IN_PATH", "error")
    check(f["evidence"].startswith("GET /v3/customers/$aact_hmlg_..."), f["evidence"])


@test("key_in_json_body_field")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("POST", "/v3/customers", dict(CUSTOMER, apiKey=a.key))
    f = has(a.findings(), "KEY_IN_BODY", "error")
    eq(f["evidence"], "POST /v3/customers: field apiKey", "evidence")


@test("key_shaped_value_in_stored_data")
def _(ctx):
    a = Account(ctx.shared)
    other = make_key()
    a.ok("POST", "/v3/customers", dict(CUSTOMER, observations=f"chave de prod: {other}"))
    f = has(a.findings(), "KEY_IN_STORED_DATA", "error")
    check("observations" in f["evidence"], f"evidence {f['evidence']!r}")
    lacks(a.findings(), "KEY_IN_BODY")


@test("production_key_presented")
def _(ctx):
    prod = make_key("prod")
    r = ctx.shared.request("GET", "/v3/customers", key=prod, ua=UA)
    eq(r.status, 401, "a production key on the sandbox mock")
    f = has(unattributed(ctx.shared), "PRODUCTION_KEY", "error")
    check(harness.redact(prod) in f["evidence"], f"evidence {f['evidence']!r}")


@test("failing_key_retried_in_a_tight_loop")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1")
    ctx.shared.control("POST", f"/__mock/accounts/{a.id}/keys/{a.key_id}/disable")
    for _ in range(3):
        eq(a.call("GET", "/v3/customers").status, 401, "disabled key")
    lacks(a.findings(), "FAILING_KEY_RETRIED")
    for _ in range(3):
        eq(a.call("GET", "/v3/customers").status, 401, "disabled key")
    f = has(a.findings(), "FAILING_KEY_RETRIED", "warning")
    check("disabled_key" in f["evidence"], f"evidence {f['evidence']!r}")


# ---------------------------------------------------------------------------- identification

@test("library_default_and_missing_user_agent")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1", ua="python-requests/2.31.0")
    f = has(a.findings(), "USER_AGENT_LIBRARY_DEFAULT", "warning")
    check("python-requests" in f["evidence"], f"evidence {f['evidence']!r}")
    lacks(a.findings(), "USER_AGENT_MISSING")
    eq(a.call("GET", "/v3/customers", ua=ABSENT).status, 401, "no User-Agent")
    has(a.findings(), "USER_AGENT_MISSING", "error")


# ---------------------------------------------------------------------------- account hygiene

@test("account_hygiene_on_the_account_clock")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1")
    found = a.findings()
    has(found, "NO_IP_ALLOWLIST", "warning")
    lacks(found, "KEY_ROTATION_OVERDUE")
    lacks(found, "MULTIPLE_ACTIVE_KEYS")
    # a second key in active use (advice), then disabled but still present
    k2 = ctx.shared.control("POST", f"/__mock/accounts/{a.id}/keys",
                            body=json.dumps({"name": "second"}).encode()).json()
    note_secret(k2["apiKey"])
    a.ok("GET", "/v3/customers?limit=1", key=k2["apiKey"])
    has(a.findings(), "MULTIPLE_ACTIVE_KEYS", "advice")
    ctx.shared.control("POST", f"/__mock/accounts/{a.id}/keys/{k2['id']}/disable")
    f = has(a.findings(), "STALE_KEY_PRESENT", "warning")
    check("disabled" in f["evidence"], f"evidence {f['evidence']!r}")
    # 91 days later on the account's clock the first key is overdue for rotation
    ctx.shared.control("POST", f"/__mock/accounts/{a.id}/clock/advance",
                       body=json.dumps({"days": 91}).encode())
    f = has(a.findings(), "KEY_ROTATION_OVERDUE", "warning")
    check("rotation period 90 days" in f["evidence"], f"evidence {f['evidence']!r}")


# ---------------------------------------------------------------------------- resilience

@test("duplicate_post_after_ambiguous_fault")
def _(ctx):
    a = Account(ctx.shared)
    cid = a.ok("POST", "/v3/customers", CUSTOMER)["id"]
    body = {"customer": cid, "billingType": "BOLETO", "value": 99.9, "dueDate": "2030-02-01"}
    # a careful client: after the reset it looks the payment up instead of posting again
    careful = dict(body, externalReference="order-careful")
    try:
        a.call("POST", "/v3/payments", careful, headers=[("X-Mock-Fault", "ambiguous")])
        raise AssertionError("ambiguous answered")
    except (OSError, http.client.HTTPException):
        pass
    eq(a.ok("GET", "/v3/payments?externalReference=order-careful")["totalCount"], 1,
       "the ambiguous POST committed")
    lacks(a.findings(), "DUPLICATE_AFTER_AMBIGUOUS")
    # a naive client retries the same POST and gets a second charge
    try:
        a.call("POST", "/v3/payments", body, headers=[("X-Mock-Fault", "ambiguous")])
        raise AssertionError("ambiguous answered")
    except (OSError, http.client.HTTPException):
        pass
    a.ok("POST", "/v3/payments", body)
    f = has(a.findings(), "DUPLICATE_AFTER_AMBIGUOUS", "error")
    check("same customer, value and dueDate" in f["evidence"], f"evidence {f['evidence']!r}")


@test("requests_after_429_before_retry_after")
def _(ctx):
    s = ctx.own(Server(ctx.binary, "ratelimited", root=ctx.root, accounts=[],
                       args=["--auto-accounts", "--rate-limit-quota", "3",
                             "--rate-limit-window", "60"]))
    a = Account(s)
    statuses = [a.call("GET", "/v3/customers?limit=1").status for _ in range(4)]
    eq(statuses, [200, 200, 200, 429], "the quota of 3 per window")
    lacks(a.findings(), "REQUEST_BEFORE_RETRY_AFTER")
    eq(a.call("GET", "/v3/customers?limit=1").status, 429, "still limited")
    f = has(a.findings(), "REQUEST_BEFORE_RETRY_AFTER", "error")
    check("Retry-After" in f["evidence"], f"evidence {f['evidence']!r}")


@test("polling_a_payment_while_a_webhook_covers_it")
def _(ctx):
    a = Account(ctx.shared)
    rx = ctx.receiver()
    pay = a.payment()
    for _ in range(3):
        a.ok("GET", f"/v3/payments/{pay}/status")
    lacks(a.findings(), "POLLING_WITH_WEBHOOK")  # no webhook: polling is the only way
    a.ok("POST", "/v3/webhooks", {"name": "w", "url": rx.url(), "email": "d@example.com",
                                  "sendType": "SEQUENTIALLY", "authToken": TOKEN,
                                  "events": ["PAYMENT_RECEIVED", "PAYMENT_CONFIRMED"]})
    for _ in range(3):
        a.ok("GET", f"/v3/payments/{pay}/status")
    f = has(a.findings(), "POLLING_WITH_WEBHOOK", "warning")
    eq(f["count"], 2, "the second and third read of the status")
    check(pay in f["evidence"], f"evidence {f['evidence']!r}")


# ---------------------------------------------------------------------------- webhook receiver

def webhook_fault(server, account, fault, event="PAYMENT_CREATED"):
    server.control("POST", "/__mock/faults", body=json.dumps(
        {"match": {"account": account.id, "event": event}, "fault": fault}).encode())


@test("receiver_that_ignores_the_token")
def _(ctx):
    a = Account(ctx.shared)
    rx = ctx.receiver()  # answers 200 whatever the token
    webhook_fault(ctx.shared, a, {"kind": "corrupt-token"})
    a.ok("POST", "/v3/webhooks", {"name": "w", "url": rx.url(), "email": "d@example.com",
                                  "sendType": "SEQUENTIALLY", "authToken": TOKEN,
                                  "events": ["PAYMENT_CREATED"]})
    a.payment()
    rx.wait(1)
    check(rx.requests[0]["headers"].get("asaas-access-token") != TOKEN, "the token was wrong")
    f = wait_until(lambda: a.findings().get("RECEIVER_IGNORES_TOKEN"), 5.0,
                   what="RECEIVER_IGNORES_TOKEN")
    eq(f["severity"], "error", "severity")
    check("wrong asaas-access-token" in f["evidence"], f"evidence {f['evidence']!r}")
    check(TOKEN not in json.dumps(a.report()), "the report shows the webhook token")


@test("receiver_answering_204")
def _(ctx):
    a = Account(ctx.shared)
    rx = ctx.receiver(status=204)
    a.ok("POST", "/v3/webhooks", {"name": "w", "url": rx.url(), "email": "d@example.com",
                                  "sendType": "SEQUENTIALLY", "authToken": TOKEN,
                                  "events": ["PAYMENT_CREATED"]})
    a.payment()
    rx.wait(1)
    f = wait_until(lambda: a.findings().get("RECEIVER_NOT_200"), 5.0, what="RECEIVER_NOT_200")
    check("answered 204" in f["evidence"], f"evidence {f['evidence']!r}")
    lacks(a.findings(), "RECEIVER_IGNORES_TOKEN")


# ---------------------------------------------------------------------------- surfaces

@test("markdown_report_and_account_filter")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1", ua="curl/8.5.0")
    r = ctx.shared.control("GET", f"/__mock/security/report?account={a.id}&format=md")
    check(r.header("Content-Type").startswith("text/markdown"), r.header("Content-Type"))
    text = r.text
    check(text.startswith("# Integration security report"), text[:80])
    check(f"## Account `{a.id}`" in text, "account heading")
    check("| warning | `USER_AGENT_LIBRARY_DEFAULT` |" in text, text)
    eq(ctx.shared.control("GET", "/__mock/security/report?account=nobody", expect=404).status,
       404, "unknown account")
    eq(ctx.shared.control("GET", "/__mock/security/report?format=pdf", expect=400).status, 400,
       "unknown format")


@test("findings_reset_with_the_account_and_travel_in_snapshots")
def _(ctx):
    a = Account(ctx.shared)
    a.ok("GET", "/v3/customers?limit=1", ua="axios/1.6.2")
    has(a.findings(), "USER_AGENT_LIBRARY_DEFAULT")
    snap = ctx.shared.control("GET", f"/__mock/state?account={a.id}").json()
    codes = [f["code"] for f in snap["accounts"][0]["data"]["security"]["findings"]]
    eq(codes, ["USER_AGENT_LIBRARY_DEFAULT"], "findings in the snapshot")
    ctx.shared.control("POST", "/__mock/reset", body=json.dumps({"account": a.id}).encode())
    lacks(a.findings(), "USER_AGENT_LIBRARY_DEFAULT")
    ctx.shared.control("PUT", f"/__mock/state?account={a.id}", body=json.dumps(snap).encode())
    has(a.findings(), "USER_AGENT_LIBRARY_DEFAULT")


def stop_expecting(s, code):
    """SIGTERM, and the exit status must be code (then marked as expected)."""
    s.signal(signal.SIGTERM)
    rc = s.wait_exit(harness.STOP_DEADLINE)
    eq(rc, code, f"exit status{s.diagnostics()}")
    s.exit_code = 0


@test("fail_on_findings_exits_3_and_writes_the_report")
def _(ctx):
    s = Server(ctx.binary, "fail-on", root=ctx.root, accounts=[],
               args=["--auto-accounts", "--security-report", "security.json",
                     "--fail-on-findings", "warning"])
    ctx.own(s)
    a = Account(s)
    a.ok("GET", "/v3/customers?limit=1", ua="Go-http-client/1.1")
    a.ok("GET", "/v3/customers?limit=1&access_token=" + a.key)
    report = s.control("GET", "/__mock/security/report").json()
    eq((report["failOn"], report["failed"]), ("warning", True), "failOn / failed")
    stop_expecting(s, 3)
    with open(os.path.join(s.dir, "security.json")) as f:
        text = f.read()
    check(find_secret(text) is None, f"the report file holds a key: {find_secret(text)}")
    written = json.loads(text)
    codes = {f["code"] for acc in written["accounts"] for f in acc["findings"]}
    check({"USER_AGENT_LIBRARY_DEFAULT", "KEY_IN_QUERY"} <= codes, f"codes {codes}")
    check(any(ln for ln in s.log_lines() if "fail_on_findings" in ln), "the log says why")


@test("first_hour_client_has_no_error_finding")
def _(ctx):
    """The README's First-hour blocks as written (newcomer suite's runner) against a server
    that fails on any error finding: the report shows none and the exit status is 0."""
    s = ctx.own(Server(ctx.binary, "first-hour", root=ctx.root, use_fixtures=False,
                       args=["--fail-on-findings", "error", "--security-report", "report.md"]))
    blocks = readme_blocks()
    d = checkout_like(ctx, s)
    env = {"ASAAS_API_KEY": DEV_KEY, "ASAAS_URL": f"https://127.0.0.1:{s.port}"}
    sh1 = swap_port(blocks[0][1], s.port)
    p = run_cmd(["bash", "-c", "set -euo pipefail\n" + sh1], d)
    eq(p.returncode, 0, f"block 1 (stderr {p.stderr!r})")
    with open(os.path.join(d, "first_hour.py"), "w") as f:
        f.write(swap_port(blocks[1][1], s.port))
    p = run_cmd([sys.executable, "first_hour.py"], d, env=env)
    eq(p.returncode, 0, f"Python block (stderr {p.stderr!r})")
    sh2 = swap_port(blocks[3][1], s.port)
    # block 3 up to its reset: a reset would wipe the findings we are here to read
    before_reset = sh2[:sh2.index("curl -fsS --cacert build/ca.pem -X POST \"$ASAAS_URL/__mock/reset\"")]
    p = run_cmd(["bash", "-c", "set -euo pipefail\n" + sh1 + f"\necho {BLOCK_MARK}\n" +
                 before_reset], d)
    eq(p.returncode, 0, f"block 3 (stderr {p.stderr!r})")
    report = s.control("GET", "/__mock/security/report?account=default").json()
    check(report["accounts"], "the First-hour path used account default")
    errors = [f["code"] for acc in report["accounts"] for f in acc["findings"]
              if f["severity"] == "error"]
    eq(errors, [], "error findings of the First-hour client")
    eq(report["failed"], False, "failed")
    s.stop()  # exit 0 under --fail-on-findings error
    with open(os.path.join(s.dir, "report.md")) as f:
        md = f.read()
    check("**0 error**" in md, md[:300])


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-security-", __doc__.split("\n")[0])

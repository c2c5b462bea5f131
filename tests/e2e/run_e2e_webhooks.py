#!/usr/bin/env python3
"""run_e2e_webhooks.py - end-to-end tests of webhook configs and outbound deliveries,
against the real asaas-mock binary and real local receivers started here (HTTP and
HTTPS with a test CA given to the mock through --webhook-ca).

Usage: python3 tests/e2e/run_e2e_webhooks.py /path/to/asaas-mock [-k substring]

One shared server runs with --clock 2026-07-14 --auto-accounts --webhook-ca CA: every test
takes a fresh key, so it gets its own account with a frozen clock; retries are walked by
advancing that clock (seconds), never by sleeping through the schedule. Tests that
restart a server (kill -9) start their own. Standard library only; reuses harness.py.
"""

import argparse
import contextlib
import http.server
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, TestFailure, check, eq, make_key, slack, wait_until  # noqa: E402
from harness import registry  # noqa: E402
import harness  # noqa: E402

CLOCK = "2026-07-14"
TOKEN = "whsec_e2e_0123456789abcdef0123456789abcdef"
CUSTOMER_REQ = {"name": "Cliente Webhook", "cpfCnpj": "24971563792",
                "email": "webhook@example.com", "mobilePhone": "47996321478"}
SCHEDULE = [30, 60, 210, 300, 900, 1500, 3600, 3600, 3600, 3600, 3600, 7200, 7200, 10800]
USER_AGENT = "asaas-mock-webhook/1.0"

TESTS, test = registry()


# ---------------------------------------------------------------------------- receivers

class Receiver:
    """A local HTTP(S) server that records every POST and answers status_for(n) (n = 1 for
    the first request it gets)."""

    def __init__(self, tls_context=None, status=200, delay=0.0):
        self.requests = []
        self.lock = threading.Lock()
        self.status = status
        self.delay = delay
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                                           "body": body, "t": time.monotonic()})
                    status = outer.status(len(outer.requests)) if callable(outer.status) \
                        else outer.status
                if outer.delay:
                    time.sleep(outer.delay)
                answer = b'{"received":true}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls_context is not None else "http"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host="127.0.0.1", path="/hook"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def count(self):
        with self.lock:
            return len(self.requests)

    def events(self):
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests]

    def wait(self, n, what="deliveries", timeout=5.0):
        wait_until(lambda: self.count() >= n, slack(timeout), what=f"{n} {what} "
                   f"(got {self.count()})")

    def quiet(self, seconds=0.3):
        """Nothing more arrives for a while (bounded)."""
        n = self.count()
        time.sleep(seconds)
        eq(self.count(), n, "deliveries while nothing was due")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_test_pki(d):
    """A test CA and a server certificate for localhost (DNS only, no IP SAN)."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "webhook-ca.pem")
    key, csr, crt = (os.path.join(d, n) for n in ("srv.key", "srv.csr", "srv.pem"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True, timeout=30)  # noqa: E731
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=asaas-mock e2e CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", crt, "-days", "2", "-extfile", ext)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(crt, key)
    return ca, sctx


# ---------------------------------------------------------------------------- accounts

class Account:
    """One isolated account: a fresh key on the --auto-accounts server."""

    def __init__(self, server):
        self.server = server
        self.key = make_key()
        before = {a["id"] for a in server.control("GET", "/__mock/accounts").json()["data"]}
        r = self.call("GET", "/v3/customers?limit=1")
        eq(r.status, 200, f"first request of a fresh key (body {r.body[:200]!r})")
        after = {a["id"] for a in server.control("GET", "/__mock/accounts").json()["data"]}
        new = after - before
        eq(len(new), 1, "accounts created by the first request of a fresh key")
        self.id = new.pop()

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        return self.server.request(method, path, key=self.key, body=data)

    def ok(self, method, path, body=None, status=200):
        r = self.call(method, path, body)
        eq(r.status, status, f"{method} {path} status (body {r.body[:400]!r})")
        return r.json() if r.body else None

    def ctl(self, method, sub, body=None, expect=200):
        r = self.server.control(method, f"/__mock/accounts/{self.id}{sub}",
                                body=json.dumps(body).encode() if body is not None else None,
                                expect=expect)
        return r.json() if r.body else None

    def advance(self, seconds):
        self.ctl("POST", "/clock/advance", {"seconds": seconds})

    def webhook(self, url, events, send_type="SEQUENTIALLY", token=TOKEN, **over):
        body = {"name": "e2e", "url": url, "email": "dev@example.com", "sendType": send_type,
                "events": events, **over}
        if token:
            body["authToken"] = token
        return self.ok("POST", "/v3/webhooks", body)

    def pix_charge(self):
        cid = self.ok("POST", "/v3/customers", CUSTOMER_REQ)["id"]
        return self.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX",
                                                "value": 100, "dueDate": "2026-07-19"})["id"]

    def deliveries(self, query=""):
        return self.ctl("GET", "/webhooks/deliveries" + query)


class Ctx(harness.Ctx):
    """One shared --auto-accounts server (each test takes its own account), per-test
    servers (own()) and the receivers of the running test (closed after it)."""

    SHARED_CHECK = "server_exits_cleanly"

    def __init__(self, binary, root):
        super().__init__(binary, root)
        self.receivers = []
        self.pki_dir = tempfile.mkdtemp(prefix="pki-", dir=root)
        self.ca, self.server_tls = make_test_pki(self.pki_dir)

    def make_shared(self):
        return Server(self.binary, "webhooks", root=self.root, accounts=[],
                      args=["--clock", CLOCK, "--auto-accounts",
                            "--webhook-ca", self.ca, "--webhook-timeout", "2000"])

    @property
    def server(self):
        return self.shared

    def account(self):
        return Account(self.server)

    def receiver(self, tls=False, **kw):
        r = Receiver(self.server_tls if tls else None, **kw)
        self.receivers.append(r)
        return r

    def after_test(self):
        for r in self.receivers:
            r.close()
        self.receivers = []


def envelope_ok(ev, name, account_id):
    eq(ev["event"], name, "event name")
    check(ev["id"].startswith("evt_") and "&" in ev["id"], f"event id {ev['id']!r}")
    eq(len(ev["id"].split("&")[0]), 4 + 32, "evt_ + 32 hex")
    eq(len(ev["dateCreated"]), 19, "dateCreated is YYYY-MM-DD HH:MM:SS")
    eq(ev["account"], {"id": account_id, "ownerId": None}, "account")


# ---------------------------------------------------------------------------- tests

@test("pix_confirm_delivers_created_then_received_with_token")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    cfg = a.webhook(rx.url(), ["PAYMENT_CREATED", "PAYMENT_RECEIVED"])
    eq(cfg["hasAuthToken"], True, "hasAuthToken")
    check("authToken" not in cfg and TOKEN not in json.dumps(cfg), "token never rendered")
    pid = a.pix_charge()
    a.ok("POST", f"/v3/sandbox/payment/{pid}/confirm")
    rx.wait(2)
    evs = rx.events()
    eq([e["event"] for e in evs], ["PAYMENT_CREATED", "PAYMENT_RECEIVED"], "events in order")
    for e, name in zip(evs, ["PAYMENT_CREATED", "PAYMENT_RECEIVED"]):
        envelope_ok(e, name, a.id)
        eq(e["payment"]["id"], pid, "payment id in the envelope")
    eq(evs[0]["payment"]["status"], "PENDING", "snapshot at creation")
    eq(evs[1]["payment"]["status"], "RECEIVED", "snapshot at receipt")
    for r in rx.requests:
        eq(r["headers"].get("asaas-access-token"), TOKEN, "asaas-access-token header")
        eq(r["headers"].get("Content-Type"), "application/json", "Content-Type")
        eq(r["headers"].get("User-Agent"), USER_AGENT, "User-Agent")
        eq(r["path"], "/hook", "path")
    d = a.deliveries()
    eq([x["outcome"] for x in d["data"]], ["success", "success"], "deliveries view")
    eq(d["data"][0]["status"], 200, "status in the view")
    check(TOKEN not in json.dumps(d), "token absent from the deliveries view")
    eq(d["queues"][0]["depth"], 0, "queue drained")
    journal = ctx.server.control("GET", "/__mock/journal?limit=50").body.decode()
    check("webhook.PAYMENT_RECEIVED" in journal, "delivery journalled")
    check(TOKEN not in journal, "token absent from the journal")
    check(TOKEN not in ctx.server.stdout() + ctx.server.stderr(), "token absent from the logs")



def tls_refused(account, receiver, what):
    """A Pix charge on account is delivered to receiver over HTTPS and refused by the TLS
    check: one failed attempt whose error names TLS, and nothing reaches the receiver."""
    account.pix_charge()
    wait_until(lambda: account.deliveries()["totalCount"] >= 1, slack(5), what="a failed attempt")
    d = account.deliveries()["data"][0]
    eq(d["outcome"], "failure", what)
    check(d["error"].startswith("tls"), f"error names TLS: {d['error']!r}")
    eq(receiver.count(), 0, "nothing reached the receiver")

@test("https_receiver_verified_with_webhook_ca")
def _(ctx):
    rx = ctx.receiver(tls=True)
    a = ctx.account()
    a.webhook(rx.url(host="localhost"), ["PAYMENT_CREATED"], token=None)
    a.pix_charge()
    rx.wait(1)
    envelope_ok(rx.events()[0], "PAYMENT_CREATED", a.id)
    check("asaas-access-token" not in {k.lower() for k in rx.requests[0]["headers"]},
          "no token header without a token")
    # The certificate names localhost only: by IP the check fails, with a clear reason.
    bad = ctx.receiver(tls=True)
    b = ctx.account()
    cfg = b.webhook(bad.url(host="127.0.0.1"), ["PAYMENT_CREATED"])
    tls_refused(b, bad, "outcome of an unverifiable receiver")
    eq(b.ok("GET", f"/v3/webhooks/{cfg['id']}")["penalizedRequestsCount"], 1, "penalty")


@test("https_receiver_without_webhook_ca_checked_against_the_system_store")
def _(ctx):
    # No --webhook-ca: the client's TLS context is made at this first HTTPS delivery; the
    # test CA is in no system store, so the receiver is refused, with a TLS reason.
    rx = ctx.receiver(tls=True)
    s = Server(ctx.binary, "wh-no-ca", root=ctx.root, accounts=[],
               args=["--clock", CLOCK, "--auto-accounts", "--webhook-timeout", "2000"])
    ctx.own(s)
    a = Account(s)
    a.webhook(rx.url(host="localhost"), ["PAYMENT_CREATED"])
    tls_refused(a, rx, "outcome without the CA")


@test("unreadable_webhook_ca_refuses_to_start")
def _(ctx):
    missing = os.path.join(ctx.root, "no-such-ca.pem")
    r = subprocess.run([ctx.binary, "--port", "0", "--bind", "127.0.0.1", "--webhook-ca", missing],
                       capture_output=True, text=True, timeout=slack(20))
    check(r.returncode != 0, f"exit status {r.returncode}")
    check("what=webhook_ca" in r.stdout + r.stderr, f"reason logged: {(r.stdout + r.stderr)[-300:]!r}")


@test("failing_receiver_retried_on_schedule_interrupted_then_resumes_in_order")
def _(ctx):
    state = {"status": 500}
    rx = ctx.receiver(status=lambda n: state["status"])
    a = ctx.account()
    cfg = a.webhook(rx.url(), ["PAYMENT_CREATED"])
    a.pix_charge()
    a.pix_charge()
    rx.wait(1)
    first = rx.events()[0]["id"]
    for k, delay in enumerate(SCHEDULE):
        if k < 2:
            a.advance(delay - 1)
            rx.quiet(0.3)
            a.advance(1)
        else:
            a.advance(delay)
        rx.wait(k + 2, what=f"attempts after advancing {delay}s")
    eq(rx.count(), 15, "15 attempts")
    eq({e["id"] for e in rx.events()}, {first}, "always the head event, same id (SEQUENTIALLY)")
    got = a.ok("GET", f"/v3/webhooks/{cfg['id']}")
    eq((got["interrupted"], got["penalizedRequestsCount"]), (True, 15), "interrupted after 15")
    a.advance(86400)
    pid3 = a.pix_charge()
    rx.quiet(0.3)
    d = a.deliveries("?outcome=failure")
    eq(d["totalCount"], 15, "15 failures in the view")
    eq([x["attempt"] for x in d["data"]], list(range(1, 16)), "attempt numbers")
    eq(d["queues"][0]["depth"], 3, "backlog keeps queueing while interrupted")
    state["status"] = 200
    a.ok("PUT", f"/v3/webhooks/{cfg['id']}", {"interrupted": False})
    rx.wait(18)
    evs = rx.events()[15:]
    eq([e["payment"]["id"] for e in evs][-1], pid3, "newest last")
    seqs = [int(e["id"].split("&")[1]) for e in evs]
    eq(seqs, sorted(seqs), "backlog in order")
    eq(evs[0]["id"], first, "the head first, same id")
    got = a.ok("GET", f"/v3/webhooks/{cfg['id']}")
    eq((got["interrupted"], got["penalizedRequestsCount"]), (False, 0), "resumed")


@test("config_without_the_event_gets_nothing")
def _(ctx):
    yes, no = ctx.receiver(), ctx.receiver()
    a = ctx.account()
    a.webhook(yes.url(), ["PAYMENT_CREATED", "PAYMENT_RECEIVED"])
    a.webhook(no.url(), ["SUBSCRIPTION_CREATED"])
    off = ctx.receiver()
    a.webhook(off.url(), ["PAYMENT_CREATED"], enabled=False)
    pid = a.pix_charge()
    a.ok("POST", f"/v3/sandbox/payment/{pid}/confirm")
    yes.wait(2)
    no.quiet(0.3)
    eq((no.count(), off.count()), (0, 0), "unsubscribed and disabled configs got nothing")


@test("access_token_events_from_the_key_lifecycle")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    a.webhook(rx.url(), ["ACCESS_TOKEN_CREATED", "ACCESS_TOKEN_DISABLED", "ACCESS_TOKEN_DELETED"])
    k = a.ctl("POST", "/keys", {"name": "ci"})
    a.ctl("POST", f"/keys/{k['id']}/disable")
    a.ctl("DELETE", f"/keys/{k['id']}")
    rx.wait(3)
    eq([e["event"] for e in rx.events()],
       ["ACCESS_TOKEN_CREATED", "ACCESS_TOKEN_DISABLED", "ACCESS_TOKEN_DELETED"], "key events")
    eq(rx.events()[0]["accessToken"]["id"], k["id"], "key id in the envelope")
    check(k["apiKey"] not in json.dumps(rx.events()), "the key itself is never delivered")


@test("config_api_validation_legacy_routes_and_limits")
def _(ctx):
    a = ctx.account()
    base = {"name": "n", "url": "http://127.0.0.1:9/x", "email": "a@b.co",
            "sendType": "SEQUENTIALLY", "events": ["PAYMENT_CREATED"]}

    def refused(body, code):
        r = a.call("POST", "/v3/webhooks", body)
        eq(r.status, 400, f"status for {code}")
        eq(r.json()["errors"][0]["code"], code, "error code")

    refused({k: v for k, v in base.items() if k != "url"}, "invalid_url")
    refused(dict(base, url="ftp://x"), "invalid_url")
    refused({k: v for k, v in base.items() if k != "email"}, "invalid_email")
    refused({k: v for k, v in base.items() if k != "sendType"}, "invalid_sendType")
    refused({k: v for k, v in base.items() if k != "events"}, "invalid_events")
    refused(dict(base, events=["PAYMENT_PAID"]), "invalid_events")
    refused(dict(base, authToken="short"), "invalid_authToken")
    ids = [a.ok("POST", "/api/v3/webhooks" if i % 2 else "/v3/webhooks", base)["id"]
           for i in range(10)]
    refused(base, "invalid_action")
    lst = a.ok("GET", "/v3/webhooks?limit=100")
    eq(lst["totalCount"], 10, "10 configs")
    upd = a.ok("PUT", f"/v3/webhooks/{ids[0]}", {"sendType": "NON_SEQUENTIALLY", "authToken": TOKEN})
    eq((upd["sendType"], upd["hasAuthToken"]), ("NON_SEQUENTIALLY", True), "update")
    eq(a.ok("DELETE", f"/v3/webhooks/{ids[0]}"), {"deleted": True, "id": ids[0]}, "delete")
    eq(a.call("GET", f"/v3/webhooks/{ids[0]}").status, 404, "gone")
    r = a.call("POST", f"/v3/webhooks/{ids[1]}/removeBackoff", {})
    eq((r.status, r.body), (204, b""), "removeBackoff 204")
    for i in ids[1:]:
        a.ok("DELETE", f"/v3/webhooks/{i}")
    eq(a.call("GET", "/v3/webhook").status, 404, "no legacy config yet")
    leg = a.ok("POST", "/v3/webhook", {"url": "http://127.0.0.1:9/l", "email": "a@b.co",
                                        "authToken": TOKEN})
    check("PAYMENT_RECEIVED" in leg["events"] and "INVOICE_CREATED" not in leg["events"],
          "legacy payment config covers PAYMENT_*")
    eq(a.ok("GET", "/api/v3/webhook")["id"], leg["id"], "legacy GET")
    inv = a.ok("POST", "/v3/webhook/invoice", {"url": "http://127.0.0.1:9/i", "email": "a@b.co"})
    eq(set(inv["events"]) - {e for e in inv["events"] if e.startswith("INVOICE_")}, set(),
       "invoice config covers INVOICE_*")
    a.ok("POST", "/v3/webhook/mobilePhoneRecharge", {"url": "http://127.0.0.1:9/m",
                                                     "email": "a@b.co"})
    eq(a.ok("GET", "/v3/webhooks")["totalCount"], 3, "legacy configs are configs")


@test("kill9_with_a_backlog_delivers_it_after_restart")
def _(ctx):
    state = {"status": 500}
    rx = ctx.receiver(status=lambda n: state["status"])
    key = make_key()
    sf = os.path.join(tempfile.mkdtemp(dir=ctx.root), "state.log")
    args = ["--clock", CLOCK, "--auto-accounts", "--state-file", sf]
    s1 = Server(ctx.binary, "wh-kill", root=ctx.root, accounts=[], args=args)
    ctx.own(s1)
    a = Account.__new__(Account)
    a.server, a.key = s1, key
    eq(a.call("GET", "/v3/customers?limit=1").status, 200, "first request")
    a.id = [x["id"] for x in s1.control("GET", "/__mock/accounts").json()["data"]][-1]
    a.webhook(rx.url(), ["PAYMENT_CREATED"])
    pids = [a.pix_charge() for _ in range(3)]
    rx.wait(1)
    s1.kill9()
    state["status"] = 200
    s2 = Server(ctx.binary, "wh-kill2", root=ctx.root, accounts=[], args=args)
    ctx.own(s2)
    wait_until(lambda: {e["payment"]["id"] for e in rx.events()
                        if e["event"] == "PAYMENT_CREATED"} >= set(pids),
               slack(10), what="the backlog after restart")
    ok = [r for r in rx.requests[1:]]
    check(len(ok) >= 3, "three deliveries after restart")


@test("snapshot_reset_and_import_carry_configs_and_backlog")
def _(ctx):
    state = {"status": 500}
    rx = ctx.receiver(status=lambda n: state["status"])
    a = ctx.account()
    cfg = a.webhook(rx.url(), ["PAYMENT_CREATED"])
    a.pix_charge()
    a.pix_charge()
    rx.wait(1)
    snap = ctx.server.control("GET", f"/__mock/state?account={a.id}").json()
    wh = snap["accounts"][0]["data"]["webhooks"]
    eq(wh["configs"][0]["id"], cfg["id"], "config in the snapshot")
    eq(len(wh["configs"][0]["queue"]), 2, "backlog in the snapshot")
    eq(wh["configs"][0]["penalty"], 1, "penalty in the snapshot")
    ctx.server.control("POST", "/__mock/reset", body=json.dumps({"account": a.id}).encode())
    eq(a.ok("GET", "/v3/webhooks")["totalCount"], 0, "reset empties the configs")
    state["status"] = 200
    ctx.server.control("PUT", f"/__mock/state?account={a.id}", body=json.dumps(snap).encode())
    got = a.ok("GET", f"/v3/webhooks/{cfg['id']}")
    eq((got["hasAuthToken"], got["penalizedRequestsCount"]), (True, 1), "config back")
    a.ok("POST", f"/v3/webhooks/{cfg['id']}/removeBackoff", {}, status=204)
    rx.wait(3)
    eq([e["payment"]["id"] for e in rx.events()][1:],
       [q["eventId"] and json.loads(q["body"])["payment"]["id"] for q in wh["configs"][0]["queue"]],
       "the imported backlog, in order")
    eq(rx.requests[-1]["headers"].get("asaas-access-token"), TOKEN, "token survived the snapshot")


@test("flush_redeliver_and_deliveries_filters")
def _(ctx):
    state = {"status": 500}
    rx = ctx.receiver(status=lambda n: state["status"])
    other = ctx.receiver()
    a = ctx.account()
    cfg = a.webhook(rx.url(), ["PAYMENT_CREATED", "PAYMENT_RECEIVED"])
    cfg2 = a.webhook(other.url(), ["PAYMENT_RECEIVED"])
    pid = a.pix_charge()
    rx.wait(1)
    rx.quiet(0.3)
    state["status"] = 200
    eq(a.ctl("POST", "/webhooks/deliveries/flush"), {"due": 1}, "flush: one waiting retry")
    rx.wait(2, what="the retry flushed without moving the clock")
    a.ok("POST", f"/v3/sandbox/payment/{pid}/confirm")
    rx.wait(3)
    other.wait(1)
    first = rx.events()[0]["id"]
    eq(a.ctl("POST", f"/events/{first}/redeliver"), {"queued": 1}, "redeliver to subscribers")
    rx.wait(4)
    eq(rx.events()[3]["id"], first, "a redelivery keeps the id")
    a.ctl("POST", "/events/evt_00000000000000000000000000000000&999/redeliver", expect=404)
    d = a.deliveries("?outcome=failure")
    eq((d["totalCount"], d["data"][0]["status"], d["data"][0]["error"]),
       (1, 500, "HTTP 500 (only 200 counts)"), "failure filter")
    eq(a.deliveries(f"?config={cfg2['id']}")["totalCount"], 1, "config filter")
    eq(a.deliveries("?event=PAYMENT_RECEIVED")["totalCount"], 2, "event filter")
    eq(a.deliveries(f"?config={cfg['id']}&limit=2")["hasMore"], True, "paging")
    a.ctl("GET", "/webhooks/deliveries?limit=0", expect=400)


@test("interruption_survives_kill9")
def _(ctx):
    rx = ctx.receiver(status=500)
    sf = os.path.join(tempfile.mkdtemp(dir=ctx.root), "state.log")
    args = ["--clock", CLOCK, "--auto-accounts", "--state-file", sf]
    s1 = Server(ctx.binary, "wh-int", root=ctx.root, accounts=[], args=args)
    ctx.own(s1)
    a = Account(s1)
    cfg = a.webhook(rx.url(), ["PAYMENT_CREATED"])
    a.pix_charge()
    rx.wait(1)
    for k, delay in enumerate(SCHEDULE):
        a.advance(delay)
        rx.wait(k + 2)
    wait_until(lambda: a.ok("GET", f"/v3/webhooks/{cfg['id']}")["interrupted"], slack(5),
               what="interrupted")
    s1.kill9()
    s2 = Server(ctx.binary, "wh-int2", root=ctx.root, accounts=[], args=args)
    ctx.own(s2)
    a.server = s2
    got = a.ok("GET", f"/v3/webhooks/{cfg['id']}")
    eq((got["interrupted"], got["penalizedRequestsCount"]), (True, 15),
       "still interrupted after kill -9")
    rx.quiet(0.5)
    eq(rx.count(), 15, "no attempt after the restart")


# ---------------------------------------------------------------------------- webhook faults

@contextlib.contextmanager
def fault_rules(ctx, account, *faults):
    """Webhook fault rules on account's deliveries, removed afterwards. Each item is a
    fault object, or (fault, event) to match one event name."""
    ids = []
    try:
        for f in faults:
            fault, event = f if isinstance(f, tuple) else (f, None)
            match = {"account": account.id, **({"event": event} if event else {})}
            r = ctx.server.control("POST", "/__mock/faults",
                                   body=json.dumps({"match": match, "fault": fault}).encode())
            ids.append(r.json()["id"])
        yield
    finally:
        for i in ids:
            ctx.server.control("DELETE", f"/__mock/faults/{i}")


@test("webhook_fault_duplicate_same_id_three_times")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, ({"kind": "duplicate", "copies": 2}, "PAYMENT_CREATED")):
        a.webhook(rx.url(), ["PAYMENT_CREATED"])
        a.pix_charge()
        rx.wait(3)
        rx.quiet(0.3)
        ids = [e["id"] for e in rx.events()]
        eq((len(ids), len(set(ids))), (3, 1), "one event delivered three times, same id")
        d = a.deliveries()
        eq({x["fault"] for x in d["data"]}, {"duplicate"}, "fault named in the view")
        journal = ctx.server.control("GET", "/__mock/journal?limit=20").json()
        check(any(e.get("fault") == "duplicate" for e in journal["data"]), "fault journalled")
        metrics = ctx.server.control("GET", "/__mock/metrics").body.decode()
        check('asaas_mock_webhook_faults_total{kind="duplicate"} 1' in metrics, "fault metric")


@test("webhook_fault_drop_counts_as_sent_without_sending")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, ({"kind": "drop"}, "PAYMENT_CREATED")):
        a.webhook(rx.url(), ["PAYMENT_CREATED", "PAYMENT_RECEIVED"])
        pid = a.pix_charge()
        a.ok("POST", f"/v3/sandbox/payment/{pid}/confirm")
        rx.wait(1)
        rx.quiet(0.3)
        eq([e["event"] for e in rx.events()], ["PAYMENT_RECEIVED"], "the dropped one never came")
        d = a.deliveries()
        eq([x["outcome"] for x in d["data"]], ["dropped", "success"], "outcomes")
        eq(d["queues"][0]["depth"], 0, "nothing left queued")


@test("webhook_fault_corrupt_token_wrong_and_missing")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, ({"kind": "corrupt-token"}, "PAYMENT_CREATED"),
                     ({"kind": "corrupt-token", "missing": 1}, "PAYMENT_RECEIVED")):
        a.webhook(rx.url(), ["PAYMENT_CREATED", "PAYMENT_RECEIVED"])
        pid = a.pix_charge()
        a.ok("POST", f"/v3/sandbox/payment/{pid}/confirm")
        rx.wait(2)
        h1, h2 = (r["headers"] for r in rx.requests[:2])
        check(h1.get("asaas-access-token") not in (None, TOKEN), f"wrong token sent: {h1}")
        check("asaas-access-token" not in {k.lower() for k in h2}, "no token header")


@test("webhook_fault_delay_holds_the_delivery")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, {"kind": "delay", "ms": 400}):
        a.webhook(rx.url(), ["PAYMENT_CREATED"])
        t0 = time.monotonic()
        a.pix_charge()
        rx.wait(1)
        check(rx.requests[0]["t"] - t0 >= 0.4, "delivered no sooner than the delay")


@test("webhook_fault_reorder_shuffles_even_sequentially")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, {"kind": "reorder", "window": 3}):
        a.webhook(rx.url(), ["PAYMENT_CREATED"], send_type="SEQUENTIALLY")
        pids = [a.pix_charge() for _ in range(3)]
        rx.wait(3)
        got = [e["payment"]["id"] for e in rx.events()]
        eq(sorted(got), sorted(pids), "every event arrived")
        check(got != pids, f"order shuffled ({got} vs {pids})")


@test("webhook_fault_burst_delivers_a_backlog_at_once")
def _(ctx):
    rx = ctx.receiver()
    a = ctx.account()
    with fault_rules(ctx, a, {"kind": "burst", "size": 3}):
        a.webhook(rx.url(), ["PAYMENT_CREATED"])
        a.pix_charge()
        a.pix_charge()
        rx.quiet(0.2)
        eq(rx.count(), 0, "held until the burst is full")
        a.pix_charge()
        rx.wait(3)
        ts = [r["t"] for r in rx.requests]
        check(max(ts) - min(ts) < slack(0.2), f"arrived together ({max(ts) - min(ts):.3f}s)")


# ---------------------------------------------------------------------------- main

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-webhooks-", __doc__.split("\n")[0])

#!/usr/bin/env python3
"""run_e2e_faults.py - end-to-end tests of fault injection and rate limits (issue 5).

Usage: python3 tests/e2e/run_e2e_faults.py /path/to/asaas-mock [-k substring]

Every fault kind is observed from a real client socket (http.client, raw TLS sockets with
suppress_ragged_eofs=False, a memory-BIO TLS client that sees the TCP-level RST, and the
plaintext listener); rules, schedules, the --faults file, X-Mock-Fault, Asaas's rate limits
at their exact boundaries, the journal, the metrics and scripts/chaos.

Prints one line per test and ends with "N passed, N failed"; exits 0 only when every
selected test passed. Standard library only; reuses harness.py.
"""

import errno
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (DEFAULT_UA, IO_TIMEOUT, Server, TestFailure,  # noqa: E402
                     check, eq, make_key, new_cpf, wait_until)
from harness import api, registry, slack  # noqa: E402
from harness import err, journal_entry, metric_value, run_binary, timed  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

REPO = os.path.dirname(os.path.dirname(HERE))
CHAOS = os.path.join(REPO, "scripts", "chaos")
SCENARIO = os.path.join(HERE, "fixtures", "chaos-scenario.json")

# ---------------------------------------------------------------------------- expected texts
# src/asaas_facts.h (UNCONFIRMED bodies of injected errors and of the 429, chosen there).

TXT_RATE_QUOTA = ("A cota de requisições da conta para o período atual foi excedida. "
                  "Aguarde o reinício da janela")
TXT_RATE_CONCURRENT = "Limite de requisições GET simultâneas da conta excedido"
TXT_RATE_ENDPOINT = ("Limite de requisições para este endpoint excedido. Aguarde o reinício "
                     "da janela")
STATUS_BODIES = {
    403: ("forbidden", "Acesso negado"),
    429: ("rate_limit_exceeded", TXT_RATE_QUOTA),
    500: ("internal_error", "Ocorreu um erro interno. Tente novamente mais tarde"),
    502: ("bad_gateway", "Falha de comunicação com o servidor de origem"),
    503: ("service_unavailable", "Serviço temporariamente indisponível. Tente novamente mais "
                                 "tarde"),
    504: ("gateway_timeout", "O servidor de origem demorou demais para responder"),
    418: ("request_failed", "A requisição falhou"),
}
MALFORMED_BODY = b'{"object":"payment","id":"pay_'

K = {"default": make_key(), "acc2": make_key()}


def accounts():
    def entry(name):
        return {"name": name, "key": K[name], "enabled": True, "expirationDate": None}
    return [
        {"id": "default", "name": "Default", "requireUserAgent": True, "allowedIps": [],
         "keys": [entry("default")]},
        {"id": "acc2", "name": "Conta 2", "requireUserAgent": True, "allowedIps": [],
         "keys": [entry("acc2")]},
    ]




# ---------------------------------------------------------------------------- runner

TESTS, test = registry()


class Ctx(harness.Ctx):
    """One lazily started shared server (--fault-header, --plain-port 0) whose fault rules
    are cleared after every test, and the per-test servers."""

    SHARED_ARGS = ["--fault-header", "--plain-port", "0"]

    def make_shared(self):
        return Server(self.binary, "faults", args=self.SHARED_ARGS, accounts=accounts(),
                      root=self.root, default_key=K["default"])

    def server(self, name, args=(), **kw):
        return self.own(Server(self.binary, name, args=list(args), accounts=accounts(),
                               root=self.root, default_key=K["default"], **kw))

    def after_test(self):
        """No fault rule may leak into the next test."""
        if self._shared is not None and self._shared.alive():
            try:
                self._shared.control("DELETE", "/__mock/faults")
            except (TestFailure, OSError, http.client.HTTPException) as e:
                raise TestFailure(f"clearing rules: {e}")


# ---------------------------------------------------------------------------- helpers

def expect_status_body(r, status, code, description, what):
    eq(r.status, status, f"{what} status (body {r.body[:300]!r})")
    eq(r.json(), err(code, description), f"{what} body")
    ctype = r.header("Content-Type") or ""
    check(ctype.startswith("application/json"), f"{what} Content-Type {ctype!r}")


def conn_failure(fn):
    """Runs fn, which must fail at the connection level; returns the exception."""
    try:
        r = fn()
    except (OSError, http.client.HTTPException) as e:
        return e
    raise TestFailure(f"expected a connection failure, got an answer: {r!r}")


def plain_port(s):
    fields, _ = s.wait_log(lambda f, ln: f.get("msg") == "listening" and f.get("tls") == "0",
                           what="plaintext listening line")
    return int(fields["port"])


def raw_request(method, path, key, fault=None, body=None, extra=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"access_token: {key}",
             f"User-Agent: {DEFAULT_UA}", "Connection: close"]
    if fault is not None:
        lines.append(f"X-Mock-Fault: {fault}")
    lines += [f"{n}: {v}" for n, v in extra]
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class Raw:
    def __init__(self, data, chunks, exc, elapsed):
        self.data, self.chunks, self.exc, self.elapsed = data, chunks, exc, elapsed

    def __repr__(self):
        return (f"<Raw {len(self.data)} bytes in {self.chunks} reads, {self.elapsed:.2f}s, "
                f"exc={self.exc!r}, data={self.data[:80]!r}>")


def raw_exchange(port, payload, ctx=None, timeout=5.0):
    """Sends payload on a fresh socket (TLS when ctx, ragged EOFs NOT suppressed) and reads
    until EOF or an error. Never raises for what happens after the handshake."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if ctx is not None:
        sock = ctx.wrap_socket(sock, server_hostname="127.0.0.1", suppress_ragged_eofs=False)
    t0 = time.monotonic()
    data, chunks, exc = b"", 0, None
    try:
        sock.sendall(payload)
        while True:
            try:
                c = sock.recv(65536)
            except OSError as e:  # ssl.SSLError, ConnectionResetError, timeout
                exc = e
                break
            if not c:
                break
            data += c
            chunks += 1
    finally:
        sock.close()
    return Raw(data, chunks, exc, time.monotonic() - t0)


def tls_bio_exchange(port, ctx, payload, timeout=5.0):
    """TLS through memory BIOs over a plain socket: the TCP socket stays visible, so a
    reset shows as ConnectionResetError from recv itself. Returns (plaintext, exception
    from recv or None on EOF)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="127.0.0.1")

    def flush():
        pending = out.read()
        if pending:
            sock.sendall(pending)
    try:
        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                flush()
                d = sock.recv(65536)
                check(d, "EOF during the TLS handshake")
                inc.write(d)
        flush()
        obj.write(payload)
        flush()
        plain = b""
        while True:
            try:
                d = sock.recv(65536)
            except OSError as e:
                return plain, e
            if not d:
                return plain, None
            inc.write(d)
            while True:
                try:
                    chunk = obj.read(65536)
                except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                    break
                if not chunk:
                    break
                plain += chunk
    finally:
        sock.close()


def split_http(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    check(sep, f"no end of headers in {data[:200]!r}")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return lines[0], hdrs, body


def is_reset(e):
    return isinstance(e, ConnectionResetError) and e.errno == errno.ECONNRESET


def add_rule(s, rule):
    r = s.control("POST", "/__mock/faults", body=rule)
    return r.json()


def rules_by_id(s):
    return {r["id"]: r for r in s.control("GET", "/__mock/faults").json()["rules"]}


def rid():
    # 20 characters: the journal keeps 23 (a longer sane X-Request-Id is echoed whole but
    # cut short in the journal and the log line: reported separately)
    return uuid.uuid4().hex[:20]


def tag():
    return uuid.uuid4().hex[:12]


def customer_body(ext):
    return {"name": f"Cliente {ext}", "cpfCnpj": new_cpf(), "externalReference": ext}


def count_by_ext(s, resource, ext, key=None):
    r = api(s, "GET", f"/v3/{resource}?externalReference={ext}", key=key)
    eq(r.status, 200, f"list {resource} by externalReference (body {r.body[:200]!r})")
    body = r.json()
    eq(len(body["data"]), body["totalCount"], f"{resource} listing data vs totalCount")
    return body["totalCount"]


def new_customer(s, key=None):
    r = api(s, "POST", "/v3/customers", key=key, body=customer_body("c-" + tag()))
    eq(r.status, 200, f"create customer (body {r.body[:200]!r})")
    return r.json()["id"]


def payment_body(cid, billing, ext):
    due = (date.today() + timedelta(days=20)).isoformat()
    return {"customer": cid, "billingType": billing, "value": 42.5, "dueDate": due,
            "externalReference": ext}


def statuses(s, n, path="/v3/customers", method="GET", **kw):
    """n requests on one keep-alive connection; the list of statuses."""
    conn = s.connect()
    try:
        return [api(s, method, path, conn=conn, **kw).status for _ in range(n)]
    finally:
        conn.close()


# ---------------------------------------------------------------------------- latency

@test("latency_fixed_delays_the_answer")
def _(ctx):
    s = ctx.shared
    r, dt = timed(lambda: api(s, "GET", "/v3/customers?limit=1", fault="latency;ms=300"))
    eq(r.status, 200, "latency answer status")
    eq(r.json()["object"], "list", "latency answer is the real listing")
    check(dt >= 0.300, f"latency;ms=300 answered after {dt * 1000:.0f} ms (< 300)")
    check(dt < 0.300 + slack(1.0), f"latency;ms=300 answered after {dt * 1000:.0f} ms (way over)")


@test("latency_uniform_within_bounds")
def _(ctx):
    s = ctx.shared
    conn = s.connect()
    times = []
    try:
        api(s, "GET", "/v3/customers?limit=1", conn=conn)  # handshake out of the timings
        for _ in range(6):
            r, dt = timed(lambda: api(s, "GET", "/v3/customers?limit=1", conn=conn,
                                      fault="latency;dist=uniform;min=100;max=250"))
            eq(r.status, 200, "uniform latency status")
            times.append(dt)
    finally:
        conn.close()
    ms = [round(t * 1000) for t in times]
    check(all(0.100 <= t <= 0.250 + slack(0.150) for t in times),
          f"uniform 100..250 ms out of bounds: {ms}")
    check(max(times) - min(times) >= 0.010, f"uniform samples all alike: {ms}")


@test("latency_lognormal_completes_under_cap")
def _(ctx):
    s = ctx.shared
    conn = s.connect()
    times = []
    try:
        api(s, "GET", "/v3/customers?limit=1", conn=conn)
        for _ in range(12):
            # sigma 3: without the cap ~1 in 6 samples would exceed 350 ms
            r, dt = timed(lambda: api(s, "GET", "/v3/customers?limit=1", conn=conn,
                                      fault="latency;dist=lognormal;median=30;sigma=3;cap=200"))
            eq(r.status, 200, "lognormal latency status")
            times.append(dt)
    finally:
        conn.close()
    ms = [round(t * 1000) for t in times]
    check(max(times) <= 0.200 + slack(0.150), f"lognormal cap=200 ms not respected: {ms}")


# ---------------------------------------------------------------------------- status

@test("status_faults_answer_asaas_envelope")
def _(ctx):
    s = ctx.shared
    for code in (500, 502, 503, 504, 403, 418):
        r = api(s, "GET", "/v3/customers", fault=f"status;code={code}")
        c, text = STATUS_BODIES[code]
        expect_status_body(r, code, c, text, f"status;code={code}")
        check(r.header("X-Request-Id"), f"{code}: no X-Request-Id")
        if code == 503:
            eq(r.header("Retry-After"), "60", "503 Retry-After")
    r = api(s, "GET", "/v3/customers", fault="status;code=503;reset=7")
    eq(r.header("Retry-After"), "7", "503 reset=7 Retry-After")


@test("status_429_has_ratelimit_headers_and_retry_after")
def _(ctx):
    s = ctx.shared
    r = api(s, "GET", "/v3/customers", fault="status;code=429")
    expect_status_body(r, 429, "rate_limit_exceeded", TXT_RATE_QUOTA, "status;code=429")
    eq(r.header("Retry-After"), "60", "429 Retry-After")
    check(r.header("RateLimit-Limit") and r.header("RateLimit-Limit").isdigit(),
          f"429 RateLimit-Limit {r.header('RateLimit-Limit')!r}")
    # the injected 429 says the limit is exhausted, consistently with Retry-After
    eq(r.header("RateLimit-Remaining"), "0", "429 RateLimit-Remaining")
    eq(r.header("RateLimit-Reset"), "60", "429 RateLimit-Reset")
    r = api(s, "GET", "/v3/customers", fault="status;code=429;reset=5")
    eq((r.header("Retry-After"), r.header("RateLimit-Reset")), ("5", "5"),
       "429 reset=5 Retry-After/RateLimit-Reset")


# ---------------------------------------------------------------------------- wire faults

@test("empty_closes_with_zero_bytes")
def _(ctx):
    s = ctx.shared
    e = conn_failure(lambda: api(s, "GET", "/v3/customers", fault="empty"))
    check(isinstance(e, http.client.RemoteDisconnected), f"http.client saw {e!r}")
    req = raw_request("GET", "/v3/customers", K["default"], fault="empty")
    tls = raw_exchange(s.port, req, ctx=s.context())
    eq(tls.data, b"", f"TLS bytes received {tls!r}")
    check(tls.exc is None or isinstance(tls.exc, (ssl.SSLError, ConnectionResetError)),
          f"TLS read ended with {tls.exc!r}")
    plain = raw_exchange(plain_port(s), req)
    eq(plain.data, b"", f"plaintext bytes received {plain!r}")
    eq(plain.exc, None, "plaintext: a clean close (FIN), not a reset")


@test("reset_is_a_tcp_rst")
def _(ctx):
    s = ctx.shared
    req = raw_request("GET", "/v3/customers", K["default"], fault="reset")
    tls = raw_exchange(s.port, req, ctx=s.context())
    eq(tls.data, b"", f"TLS bytes received {tls!r}")
    check(isinstance(tls.exc, (ssl.SSLError, ConnectionResetError)),
          f"TLS socket (ragged EOFs not suppressed) ended with {tls.exc!r}, want an error")
    plain_bytes, e = tls_bio_exchange(s.port, s.context(), req)
    eq(plain_bytes, b"", "TLS (memory BIO) plaintext received")
    check(is_reset(e), f"TLS over a visible TCP socket: recv gave {e!r}, want ECONNRESET")
    plain = raw_exchange(plain_port(s), req)
    eq(plain.data, b"", f"plaintext bytes received {plain!r}")
    check(is_reset(plain.exc), f"plaintext recv gave {plain.exc!r}, want errno 104")
    e = conn_failure(lambda: api(s, "GET", "/v3/customers", fault="reset"))
    check(isinstance(e, (ConnectionError, http.client.HTTPException, ssl.SSLError)),
          f"http.client saw {e!r}")


@test("garbage_is_not_http_then_close")
def _(ctx):
    s = ctx.shared
    req = raw_request("GET", "/v3/customers", K["default"], fault="garbage")
    for label, port, c in (("TLS", s.port, s.context()), ("plaintext", plain_port(s), None)):
        raw = raw_exchange(port, req, ctx=c)
        check(len(raw.data) > 0, f"{label}: no garbage bytes {raw!r}")
        check(not raw.data.startswith(b"HTTP/"), f"{label}: looks like HTTP {raw!r}")
        check(raw.elapsed < slack(3.0), f"{label}: no close after the garbage {raw!r}")
    e = conn_failure(lambda: api(s, "GET", "/v3/customers", fault="garbage"))
    check(isinstance(e, http.client.HTTPException), f"http.client saw {e!r}")


@test("malformed_json_is_200_unparsable")
def _(ctx):
    s = ctx.shared
    r = api(s, "GET", "/v3/customers", fault="malformed-json")
    eq(r.status, 200, "malformed-json status")
    check((r.header("Content-Type") or "").startswith("application/json"),
          f"malformed-json Content-Type {r.header('Content-Type')!r}")
    eq(r.body, MALFORMED_BODY, "malformed-json body")
    try:
        json.loads(r.body)
    except ValueError:
        return
    raise TestFailure("malformed-json body parses as JSON")


@test("truncate_is_shorter_than_content_length")
def _(ctx):
    s = ctx.shared
    path = f"/v3/customers?externalReference=none-{tag()}"
    full = api(s, "GET", path).body
    e = conn_failure(lambda: api(s, "GET", path, fault="truncate"))
    check(isinstance(e, http.client.IncompleteRead), f"http.client saw {e!r}")
    eq(len(e.partial), len(full) // 2, "default truncate keeps half of the body")
    eq(e.partial, full[:len(full) // 2], "truncated bytes are the real body's")
    for fault, keep in (("truncate", len(full) // 2), ("truncate;bytes=10", 10)):
        raw = raw_exchange(s.port, raw_request("GET", path, K["default"], fault=fault),
                           ctx=s.context())
        status, hdrs, body = split_http(raw.data)
        check(status.startswith("HTTP/1.1 200"), f"{fault}: status line {status!r}")
        eq(int(hdrs.get("content-length", -1)), len(full), f"{fault}: Content-Length")
        eq(body, full[:keep], f"{fault}: bytes received before EOF")


@test("dribble_sends_slowly_and_completely")
def _(ctx):
    s = ctx.shared
    path = f"/v3/customers?externalReference=none-{tag()}"
    full = api(s, "GET", path).body
    raw = raw_exchange(s.port, raw_request("GET", path, K["default"], fault="dribble;bps=200"),
                       ctx=s.context(), timeout=10)
    status, hdrs, body = split_http(raw.data)
    check(status.startswith("HTTP/1.1 200"), f"dribble status line {status!r}")
    eq(body, full, "dribbled body is complete")
    total = len(raw.data)
    check(250 <= total <= 400, f"answer size {total} bytes (want ~300 for this test)")
    check(raw.elapsed >= 1.0, f"{total} bytes at 200 B/s arrived in {raw.elapsed:.2f}s (< 1 s)")
    check(raw.elapsed >= total / 200.0 - 0.3,
          f"{total} bytes at 200 B/s arrived in {raw.elapsed:.2f}s (too fast)")
    check(raw.chunks >= 8, f"dribble arrived in only {raw.chunks} reads")
    r = api(s, "GET", path, fault="dribble;bps=200", timeout=10)
    eq((r.status, r.body), (200, full), "http.client reads a dribbled answer")


@test("blackhole_client_timeout_and_hold_ms")
def _(ctx):
    s = ctx.shared
    t0 = time.monotonic()
    e = conn_failure(lambda: api(s, "GET", "/v3/customers", fault="blackhole", timeout=0.8))
    dt = time.monotonic() - t0
    check(isinstance(e, (socket.timeout, TimeoutError)), f"client saw {e!r}, want a timeout")
    check(0.7 <= dt < slack(2.5), f"timeout fired after {dt:.2f}s")
    raw = raw_exchange(s.port, raw_request("GET", "/v3/customers", K["default"],
                                           fault="blackhole;ms=500"), ctx=s.context())
    eq(raw.data, b"", f"blackhole;ms=500 sent bytes {raw!r}")
    check(not isinstance(raw.exc, (socket.timeout, TimeoutError)),
          f"blackhole;ms=500 never closed {raw!r}")
    check(0.45 <= raw.elapsed <= 0.5 + slack(1.0),
          f"blackhole;ms=500 closed after {raw.elapsed:.2f}s")
    check(s.alive(), "server died after a client gave up on a blackhole")
    eq(api(s, "GET", "/v3/customers?limit=1").status, 200, "server answers after blackholes")


# ---------------------------------------------------------------------------- connection rules

@test("tls_abort_rule_fails_handshake_once")
def _(ctx):
    s = ctx.server("tlsabort")
    rule = add_rule(s, {"id": "abort1", "fault": {"kind": "tls-abort"},
                        "schedule": {"times": 1}})
    eq(rule["stats"], {"matched": 0, "fired": 0}, "new rule stats")
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT) as raw:
            with s.context().wrap_socket(raw, server_hostname="127.0.0.1") as t:
                raise TestFailure(f"handshake succeeded ({t.version()})")
    except ssl.SSLError:
        pass
    eq(api(s, "GET", "/v3/customers?limit=1").status, 200, "next connection works")
    eq(rules_by_id(s)["abort1"]["stats"]["fired"], 1, "tls-abort fired count")
    check(metric_value(s, "asaas_mock_faults_total", {"kind": "tls-abort"}) == 1,
          "asaas_mock_faults_total{kind=tls-abort} != 1")
    r = s.control("POST", "/__mock/faults", expect=400,
                  body={"match": {"path": "/v3/customers"}, "fault": {"kind": "tls-abort"}})
    eq(r.json()["errors"][0]["code"], "invalid_fault_rule", "tls-abort with a match refused")


def _connect(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return None
    except OSError as e:
        return e


@test("refuse_rule_closes_listener_for_seconds")
def _(ctx):
    s = ctx.server("refuse")
    add_rule(s, {"id": "refuse2", "fault": {"kind": "refuse", "seconds": 2},
                 "schedule": {"times": 1}})
    t0 = time.monotonic()
    e = conn_failure(lambda: api(s, "GET", "/v3/customers?limit=1"))
    check(isinstance(e, (ssl.SSLError, ConnectionError)), f"triggering connection saw {e!r}")
    e = _connect(s.port)
    check(isinstance(e, ConnectionRefusedError), f"new connect during refuse: {e!r}")
    wait_until(lambda: _connect(s.port) is None, slack(4.0), interval=0.05,
               what="listener back after refuse")
    dt = time.monotonic() - t0
    check(1.7 <= dt <= 2.0 + slack(1.5), f"refused for {dt:.2f}s (want ~2 s)")
    eq(api(s, "GET", "/v3/customers?limit=1").status, 200, "requests work again")
    eq(rules_by_id(s)["refuse2"]["stats"]["fired"], 1, "refuse fired count")


# ---------------------------------------------------------------------------- ambiguous

@test("ambiguous_customer_create_commits_exactly_once")
def _(ctx):
    s = ctx.shared
    ext = "amb-cus-" + tag()
    req_id = rid()
    e = conn_failure(lambda: api(s, "POST", "/v3/customers", fault="ambiguous",
                                 body=customer_body(ext),
                                 headers=[("X-Request-Id", req_id)]))
    check(isinstance(e, (ConnectionError, http.client.HTTPException, ssl.SSLError)),
          f"client saw {e!r}")
    eq(count_by_ext(s, "customers", ext), 1, "customers with the externalReference")
    j = journal_entry(s, req_id)
    eq((j["fault"], j["status"]), ("ambiguous", 200), "journal fault/status of ambiguous")
    # at TCP level it is a reset, after the commit
    ext2 = "amb-cus-" + tag()
    raw = raw_exchange(plain_port(s), raw_request("POST", "/v3/customers", K["default"],
                                                  fault="ambiguous",
                                                  body=customer_body(ext2)))
    eq(raw.data, b"", f"ambiguous sent bytes {raw!r}")
    check(is_reset(raw.exc), f"ambiguous on plaintext: {raw.exc!r}, want ECONNRESET")
    eq(count_by_ext(s, "customers", ext2), 1, "customers after the plaintext ambiguous")


@test("ambiguous_payment_create_commits_exactly_once")
def _(ctx):
    s = ctx.shared
    cid = new_customer(s)
    ext = "amb-pay-" + tag()
    e = conn_failure(lambda: api(s, "POST", "/v3/payments", fault="ambiguous",
                                 body=payment_body(cid, "BOLETO", ext)))
    check(isinstance(e, (ConnectionError, http.client.HTTPException, ssl.SSLError)),
          f"client saw {e!r}")
    eq(count_by_ext(s, "payments", ext), 1, "payments with the externalReference")
    r = api(s, "GET", f"/v3/payments?externalReference={ext}")
    p = r.json()["data"][0]
    eq((p["customer"], p["value"], p["billingType"]), (cid, 42.5, "BOLETO"),
       "the committed payment")


@test("faults_never_corrupt_state")
def _(ctx):
    s = ctx.shared
    # faults that do not run the operation: nothing is created
    for fault in ("status;code=503", "empty", "reset", "garbage", "malformed-json",
                  "blackhole;ms=100"):
        ext = "nop-" + tag()
        try:
            api(s, "POST", "/v3/customers", fault=fault, body=customer_body(ext))
        except (OSError, http.client.HTTPException):
            pass
        eq(count_by_ext(s, "customers", ext), 0, f"customers after {fault}")
    # faults that run it: created exactly once
    for fault in ("latency;ms=10", "truncate", "dribble;bps=100000", "ambiguous"):
        ext = "run-" + tag()
        try:
            api(s, "POST", "/v3/customers", fault=fault, body=customer_body(ext))
        except (OSError, http.client.HTTPException):
            pass
        eq(count_by_ext(s, "customers", ext), 1, f"customers after {fault}")


# ---------------------------------------------------------------------------- matchers

@test("rule_matches_method_and_path_pattern")
def _(ctx):
    s = ctx.shared
    add_rule(s, {"id": "m-get-one", "match": {"method": "GET", "path": "/v3/customers/*"},
                 "fault": {"kind": "status", "code": 502}})
    add_rule(s, {"id": "m-pay-all", "match": {"method": "GET", "path": "/v3/payments/**"},
                 "fault": {"kind": "status", "code": 504}})
    eq(api(s, "GET", "/v3/customers/cus_000000000001").status, 502, "GET one customer")
    eq(api(s, "GET", "/api/v3/customers/cus_000000000001").status, 502, "legacy /api/v3")
    eq(api(s, "GET", "/v3/customers").status, 200, "GET list: one segment fewer")
    eq(api(s, "DELETE", "/v3/customers/cus_000000000001").status, 404, "DELETE: other method")
    eq(api(s, "GET", "/v3/payments").status, 504, "'**' matches nothing left")
    eq(api(s, "GET", "/v3/payments/pay_x/status").status, 504, "'**' matches two segments")
    eq(api(s, "POST", "/v3/payments", body={}).status, 400, "POST payments: other method")
    st = rules_by_id(s)
    eq(st["m-get-one"]["stats"], {"matched": 2, "fired": 2}, "m-get-one stats")
    eq(st["m-pay-all"]["stats"], {"matched": 2, "fired": 2}, "m-pay-all stats")


@test("rule_matches_operation_account_header")
def _(ctx):
    s = ctx.shared
    add_rule(s, {"id": "m-op", "match": {"operation": "customers.list", "account": "acc2"},
                 "fault": {"kind": "status", "code": 503}})
    add_rule(s, {"id": "m-hdr", "match": {"headers": {"X-Tenant": "blue"}},
                 "fault": {"kind": "status", "code": 500}})
    eq(api(s, "GET", "/v3/customers").status, 200, "customers.list, account default")
    eq(api(s, "GET", "/v3/customers", key=K["acc2"]).status, 503, "customers.list, acc2")
    eq(api(s, "GET", "/v3/customers?limit=2", key=K["acc2"]).status, 503, "with a query")
    eq(api(s, "GET", "/v3/customers/cus_000000000001", key=K["acc2"]).status, 404,
       "customers.get, acc2")
    eq(api(s, "GET", "/v3/customers", headers=[("x-tenant", "blue")]).status, 500,
       "header matches, name case-insensitive")
    eq(api(s, "GET", "/v3/customers", headers=[("X-Tenant", "red")]).status, 200,
       "header other value")
    eq(api(s, "GET", "/v3/payments").status, 200, "header absent")


@test("rule_matches_body_field_pix_not_boleto")
def _(ctx):
    s = ctx.shared
    cid = new_customer(s)
    add_rule(s, {"id": "pix-down", "match": {"method": "POST", "path": "/v3/payments",
                                             "body": {"billingType": "PIX"}},
                 "fault": {"kind": "status", "code": 503}})
    ext_pix, ext_boleto = "pix-" + tag(), "bol-" + tag()
    r = api(s, "POST", "/v3/payments", body=payment_body(cid, "PIX", ext_pix))
    expect_status_body(r, 503, *STATUS_BODIES[503], "PIX payment")
    r = api(s, "POST", "/v3/payments", body=payment_body(cid, "BOLETO", ext_boleto))
    eq(r.status, 200, f"BOLETO payment (body {r.body[:200]!r})")
    eq(count_by_ext(s, "payments", ext_pix), 0, "PIX payment not created")
    eq(count_by_ext(s, "payments", ext_boleto), 1, "BOLETO payment created")
    eq(rules_by_id(s)["pix-down"]["stats"], {"matched": 1, "fired": 1}, "pix-down stats")


# ---------------------------------------------------------------------------- schedules

def fire_sequence(s, rule_id, seed, n=50):
    add_rule(s, {"id": rule_id, "match": {"method": "GET", "path": "/v3/customers"},
                 "fault": {"kind": "status", "code": 503},
                 "schedule": {"probability": 0.5, "seed": seed}})
    seq = statuses(s, n)
    check(set(seq) <= {200, 503}, f"unexpected statuses {seq}")
    return "".join("F" if st == 503 else "." for st in seq)


@test("schedule_same_seed_same_sequence")
def _(ctx):
    a = ctx.server("seed-a")
    b = ctx.server("seed-b")
    sa = fire_sequence(a, "coin", 1234)
    sb = fire_sequence(b, "coin", 1234)
    eq(sb, sa, "fire sequences of two fresh servers with seed 1234")
    check(10 <= sa.count("F") <= 40, f"probability 0.5 fired {sa.count('F')}/50: {sa}")
    b.control("DELETE", "/__mock/faults")
    sc = fire_sequence(b, "coin2", 4321)
    check(sc != sa, f"seed 4321 gave the same sequence as 1234: {sc}")
    eq(rules_by_id(a)["coin"]["stats"], {"matched": 50, "fired": sa.count("F")}, "stats")


@test("schedule_times_skip_sequence")
def _(ctx):
    s = ctx.shared
    cases = [
        ({"times": 2}, [503, 503, 200, 200, 200], {"matched": 5, "fired": 2}),
        ({"skip": 2}, [200, 200, 503, 503, 503], {"matched": 5, "fired": 3}),
        ({"sequence": ["fail", "fail", "pass"]}, [503, 503, 200, 200, 200],
         {"matched": 5, "fired": 2}),
        ({"sequence": ["pass", "fail"]}, [200, 503, 503, 503, 503],
         {"matched": 5, "fired": 4}),
        ({"skip": 1, "times": 1}, [200, 503, 200, 200, 200], {"matched": 5, "fired": 1}),
    ]
    for i, (sched, want, stats) in enumerate(cases):
        s.control("DELETE", "/__mock/faults")
        rule_id = f"sched{i}"
        add_rule(s, {"id": rule_id, "match": {"operation": "customers.list"},
                     "fault": {"kind": "status", "code": 503}, "schedule": sched})
        eq(statuses(s, 5), want, f"schedule {sched}")
        eq(rules_by_id(s)[rule_id]["stats"], stats, f"schedule {sched} stats")


@test("control_api_add_list_remove_errors")
def _(ctx):
    s = ctx.shared
    rule = add_rule(s, {"match": {"method": "DELETE"}, "fault": {"kind": "empty"}})
    check(re.match(r"^flt_\d+$", rule["id"]), f"generated id {rule['id']!r}")
    add_rule(s, {"id": "dup", "fault": {"kind": "status", "code": 500}})
    r = s.control("POST", "/__mock/faults", expect=409,
                  body={"id": "dup", "fault": {"kind": "empty"}})
    eq(r.json()["errors"][0]["code"], "invalid_fault_rule", "duplicate id code")
    for bad in ({"fault": {"kind": "bogus"}}, {"fault": {"kind": "status"}},
                {"fault": {"kind": "empty"}, "matsh": {}},
                {"fault": {"kind": "latency", "ms": 1}, "schedule": {"probability": 2}}):
        r = s.control("POST", "/__mock/faults", body=bad, expect=400)
        eq(r.json()["errors"][0]["code"], "invalid_fault_rule", f"code for {bad}")
    eq(list(rules_by_id(s)), [rule["id"], "dup"], "listing, in insertion order")
    r = s.control("DELETE", "/__mock/faults/dup")
    eq(r.json(), {"deleted": True, "id": "dup"}, "delete answer")
    r = s.control("DELETE", "/__mock/faults/dup", expect=404)
    eq(r.json()["errors"][0]["code"], "not_found", "second delete")
    s.control("DELETE", "/__mock/faults")
    eq(s.control("GET", "/__mock/faults").json(), {"rules": []}, "listing after clear")


@test("control_api_refuses_key_shaped_matchers_so_no_listing_or_error_shows_one")
def _(ctx):
    s = ctx.shared
    key = make_key()
    for bad in ({"match": {"headers": {"X-Tenant": key}}, "fault": {"kind": "empty"}},
                {"match": {"headers": {"X-Tenant": f"Bearer {key}"}}, "fault": {"kind": "empty"}},
                {"match": {"body": {"externalReference": key}}, "fault": {"kind": "empty"}},
                {"description": f"for {key}", "fault": {"kind": "empty"}}):
        r = s.control("POST", "/__mock/faults", body=bad, expect=400)
        eq(r.json()["errors"][0]["code"], "invalid_fault_rule", f"code for {list(bad)}")
        text = r.body.decode()
        check("shaped like an API key" in text, f"reason: {text[:300]!r}")
        check(key[14:40] not in text, "the refusal quotes no part of the key")
    listing = s.control("GET", "/__mock/faults").body.decode()
    check(key[14:40] not in listing, "the listing holds no part of the key")
    # Ordinary values still match.
    add_rule(s, {"id": "tenant", "match": {"headers": {"X-Tenant": "acme"}},
                 "fault": {"kind": "empty"}})
    s.control("DELETE", "/__mock/faults/tenant")


# ---------------------------------------------------------------------------- --faults FILE

RULES_FILE = [
    {"id": "file-503", "description": "first list fails once",
     "match": {"method": "GET", "path": "/v3/customers"},
     "fault": {"kind": "status", "code": 503}, "schedule": {"times": 1}},
    {"id": "file-slow", "match": {"operation": "customers.get"},
     "fault": {"kind": "latency", "ms": 150}},
]


@test("faults_file_loaded_at_start_and_listing_round_trips")
def _(ctx):
    d = tempfile.mkdtemp(prefix="rules-", dir=ctx.root)
    path = os.path.join(d, "rules.json")
    with open(path, "w") as f:
        json.dump({"rules": RULES_FILE}, f)
    s = ctx.server("faultsfile", args=["--faults", path])
    listed = rules_by_id(s)
    eq(list(listed), ["file-503", "file-slow"], "rules loaded from the file")
    eq(listed["file-503"]["stats"], {"matched": 0, "fired": 0}, "stats at start")
    eq(statuses(s, 2), [503, 200], "file-503 fires once")
    r, dt = timed(lambda: api(s, "GET", "/v3/customers/cus_000000000001"))
    eq(r.status, 404, "file-slow runs the operation")
    check(dt >= 0.150, f"file-slow answered after {dt * 1000:.0f} ms")
    # a listing (with stats) saved and loaded back at start
    saved = os.path.join(d, "saved.json")
    with open(saved, "w") as f:
        f.write(s.control("GET", "/__mock/faults").text)
    s2 = ctx.server("faultsfile2", args=["--faults", saved])
    again = rules_by_id(s2)
    eq(list(again), ["file-503", "file-slow"], "reloaded listing")
    eq(again["file-503"]["stats"], {"matched": 0, "fired": 0}, "stats ignored on input")
    eq(statuses(s2, 2), [503, 200], "reloaded rule fires")


@test("faults_file_broken_refuses_to_start")
def _(ctx):
    d = tempfile.mkdtemp(prefix="broken-", dir=ctx.root)
    with open(os.path.join(d, "chaos-broken.json"), "w") as f:
        f.write('[\n {"id":"a",\n  "fault":{"kind":"status" "code":503}}\n]\n')
    with open(os.path.join(d, "chaos-kind.json"), "w") as f:
        json.dump([{"id": "ok", "fault": {"kind": "empty"}}, {"fault": {"kind": "nope"}}], f)
    for fname, where in (("chaos-broken.json", "chaos-broken.json:3:28"),
                         ("chaos-kind.json", "rules[1].fault.kind")):
        p = run_binary(ctx.binary, ["--port", "0", "--faults", fname], cwd=d)
        msg = p.stderr.decode("utf-8", "replace").strip()
        eq(p.returncode, 2, f"{fname}: exit status (stderr {msg!r})")
        check(where in msg, f"{fname}: stderr does not name {where!r}: {msg!r}")
        check(re.search(r"\bfaults\b", msg), f"{fname}: stderr does not name the --faults "
              f"option: {msg!r}")
        check(b"msg=listening" not in p.stdout, f"{fname}: listened anyway")


# ---------------------------------------------------------------------------- X-Mock-Fault

@test("fault_header_ignored_without_flag")
def _(ctx):
    s = ctx.server("nohdr")
    for fault in ("status;code=503", "reset", "bogus"):
        r = api(s, "GET", "/v3/customers", fault=fault)
        eq(r.status, 200, f"X-Mock-Fault: {fault} without --fault-header")
    ext = "nohdr-" + tag()
    r = api(s, "POST", "/v3/customers", fault="ambiguous", body=customer_body(ext))
    eq(r.status, 200, "ambiguous ignored")
    eq(metric_value(s, "asaas_mock_faults_total", {"kind": "status"}), 0.0, "no fault counted")


@test("fault_header_invalid_is_400_and_changes_nothing")
def _(ctx):
    s = ctx.shared
    for bad in ("bogus", "status", "status;code=99", "status;code=503;code=503",
                "latency", "latency;ms=abc", "latency;dist=uniform;min=5", "dribble",
                "tls-abort", "refuse;seconds=1", "empty;x=1"):
        ext = "bad-" + tag()
        r = api(s, "POST", "/v3/customers", fault=bad, body=customer_body(ext))
        eq(r.status, 400, f"X-Mock-Fault: {bad!r} status (body {r.body[:200]!r})")
        body = r.json()
        eq(body["errors"][0]["code"], "invalid_mock_fault", f"{bad!r} code")
        check(body["errors"][0]["description"], f"{bad!r}: empty description")
        eq(count_by_ext(s, "customers", ext), 0, f"{bad!r}: nothing created")


# ---------------------------------------------------------------------------- rate limits

def rl_headers(r):
    return (r.header("RateLimit-Limit"), r.header("RateLimit-Remaining"))


@test("ratelimit_quota_exact_boundary_and_window_reset")
def _(ctx):
    s = ctx.server("quota", args=["--rate-limit-quota", "5", "--rate-limit-window", "60"])
    conn = s.connect()
    try:
        for i in range(5):
            r = api(s, "GET", "/v3/customers", conn=conn)
            eq(r.status, 200, f"request {i + 1} of 5")
            eq(rl_headers(r), ("5", str(4 - i)), f"request {i + 1} RateLimit-Limit/Remaining")
            reset = int(r.header("RateLimit-Reset"))
            check(0 < reset <= 60, f"RateLimit-Reset {reset}")
        req_id = rid()
        r = api(s, "GET", "/v3/customers", conn=conn, headers=[("X-Request-Id", req_id)])
        expect_status_body(r, 429, "rate_limit_exceeded", TXT_RATE_QUOTA, "6th request")
        eq(rl_headers(r), ("5", "0"), "6th RateLimit-Limit/Remaining")
        check(r.header("Retry-After") and 0 < int(r.header("Retry-After")) <= 60,
              f"6th Retry-After {r.header('Retry-After')!r}")
        eq(r.header("Retry-After"), r.header("RateLimit-Reset"), "Retry-After vs Reset")
        ext = "quota-" + tag()
        r = api(s, "POST", "/v3/customers", conn=conn, body=customer_body(ext))
        eq(r.status, 429, "7th request (a POST) refused too")
    finally:
        conn.close()
    j = journal_entry(s, req_id)
    eq((j["status"], j["fault"]), (429, "rate-limit"), "journal of the 429")
    eq(metric_value(s, "asaas_mock_rate_limited_total", {"limit": "quota"}), 2.0,
       "asaas_mock_rate_limited_total{limit=quota}")
    # another account has its own quota
    r = api(s, "GET", "/v3/customers", key=K["acc2"])
    eq((r.status,) + rl_headers(r), (200, "5", "4"), "acc2 has its own window")
    # the window follows the account's clock
    s.control("POST", "/__mock/accounts/default/clock/advance", body={"days": 1})
    r = api(s, "GET", "/v3/customers")
    eq((r.status,) + rl_headers(r), (200, "5", "4"), "after advancing the clock a day")
    eq(count_by_ext(s, "customers", ext), 0, "the refused POST created nothing")


def _get_slowly(s, out, i):
    try:
        out[i] = api(s, "GET", "/v3/customers", fault="latency;ms=800").status
    except Exception as e:  # reported by the test
        out[i] = repr(e)


@test("ratelimit_concurrent_gets")
def _(ctx):
    s = ctx.server("conc", args=["--rate-limit-gets", "2", "--fault-header"])
    out = [None, None]
    threads = [threading.Thread(target=_get_slowly, args=(s, out, i)) for i in range(2)]
    for t in threads:
        t.start()
    try:
        def in_flight():
            usage = s.control("GET", "/__mock/ratelimit").json()["usage"]
            return any(u["account"] == "default" and u["concurrentGets"] == 2 for u in usage)
        wait_until(in_flight, 3.0, what="two GETs in flight")
        r = api(s, "GET", "/v3/customers")
        expect_status_body(r, 429, "rate_limit_exceeded", TXT_RATE_CONCURRENT, "third GET")
        eq((r.header("RateLimit-Limit"), r.header("RateLimit-Remaining"),
            r.header("RateLimit-Reset"), r.header("Retry-After")), ("2", "0", "1", "1"),
           "concurrency 429 headers")
        r = api(s, "POST", "/v3/customers", body=customer_body("conc-" + tag()))
        eq(r.status, 200, f"POST while GETs are held (body {r.body[:200]!r})")
        eq(api(s, "GET", "/v3/customers", key=K["acc2"]).status, 200, "other account's GET")
    finally:
        for t in threads:
            t.join(5)
    eq(out, [200, 200], "the two held GETs")
    eq(api(s, "GET", "/v3/customers").status, 200, "GET after the slots are released")
    eq(metric_value(s, "asaas_mock_rate_limited_total", {"limit": "concurrency"}), 1.0,
       "asaas_mock_rate_limited_total{limit=concurrency}")


@test("ratelimit_endpoint_limit_via_control")
def _(ctx):
    s = ctx.server("endpoint")
    r = s.control("PUT", "/__mock/ratelimit", body={"endpoints": [
        {"operation": "customers.list", "limit": 2, "windowSeconds": 60}]})
    eq(r.json()["endpoints"], [{"operation": "customers.list", "limit": 2,
                                "windowSeconds": 60}], "endpoint config echoed")
    for i in range(2):
        r = api(s, "GET", "/v3/customers")
        eq((r.status,) + rl_headers(r), (200, "2", str(1 - i)), f"list {i + 1} of 2")
    r = api(s, "GET", "/v3/customers")
    expect_status_body(r, 429, "rate_limit_exceeded", TXT_RATE_ENDPOINT, "3rd list")
    eq(rl_headers(r), ("2", "0"), "endpoint 429 headers")
    check(r.header("Retry-After"), "endpoint 429 Retry-After")
    r = api(s, "GET", "/v3/customers/cus_000000000001")
    eq((r.status, r.header("RateLimit-Limit")), (404, "25000"), "other operation: the quota")
    eq(metric_value(s, "asaas_mock_rate_limited_total", {"limit": "endpoint"}), 1.0,
       "asaas_mock_rate_limited_total{limit=endpoint}")
    r = s.control("PUT", "/__mock/ratelimit", expect=400,
                  body={"endpoints": [{"operation": "nope.nope", "limit": 1,
                                       "windowSeconds": 1}]})
    eq(r.json()["errors"][0]["code"], "invalid_ratelimit_config", "bad endpoint refused")
    s.control("PUT", "/__mock/ratelimit", body={"endpoints": []})
    eq(api(s, "GET", "/v3/customers").status, 200, "endpoint limit removed")


@test("ratelimit_off_no_headers_never_429")
def _(ctx):
    s = ctx.server("rloff", args=["--rate-limits", "off", "--rate-limit-quota", "1",
                                  "--rate-limit-gets", "1"])
    conn = s.connect()
    try:
        for i in range(30):
            r = api(s, "GET", "/v3/customers", conn=conn)
            eq(r.status, 200, f"request {i + 1} with limits off")
            for h in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                eq(r.header(h), None, f"request {i + 1} header {h}")
    finally:
        conn.close()
    eq(s.control("GET", "/__mock/ratelimit").json()["enabled"], False, "config enabled")


# ---------------------------------------------------------------------------- visibility

@test("journal_and_metrics_record_faults")
def _(ctx):
    s = ctx.shared
    before = {k: metric_value(s, "asaas_mock_faults_total", {"kind": k})
              for k in ("status", "empty", "latency")}
    add_rule(s, {"id": "jr-502", "match": {"path": "/v3/customers/*"},
                 "fault": {"kind": "status", "code": 502}, "schedule": {"times": 1}})
    id_rule, id_hdr, id_lat = rid(), rid(), rid()
    eq(api(s, "GET", "/v3/customers/cus_000000000009",
           headers=[("X-Request-Id", id_rule)]).status, 502, "rule fault")
    conn_failure(lambda: api(s, "GET", "/v3/customers", fault="empty",
                             headers=[("X-Request-Id", id_hdr)]))
    api(s, "GET", "/v3/customers", fault="latency;ms=5", headers=[("X-Request-Id", id_lat)])
    j = journal_entry(s, id_rule)
    eq((j["status"], j["fault"], j["faultRule"]), (502, "status", "jr-502"), "rule entry")
    j = journal_entry(s, id_hdr)
    eq((j["fault"], j["faultRule"]), ("empty", None), "header entry")
    j = journal_entry(s, id_lat)
    eq((j["status"], j["fault"]), (200, "latency"), "latency entry")
    after = {k: metric_value(s, "asaas_mock_faults_total", {"kind": k}) for k in before}
    eq({k: after[k] - before[k] for k in after}, {"status": 1, "empty": 1, "latency": 1},
       "asaas_mock_faults_total deltas")
    fields, _ = s.wait_log(lambda f, ln: f.get("req_id") == id_rule and f.get("msg") == "request",
                           what="request log line of the rule fault")
    eq(fields.get("fault"), "status", "log line fault=")


# ---------------------------------------------------------------------------- scripts/chaos

def chaos(s, *args, env_extra=None, timeout=30):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASAAS_MOCK_")}
    env.update(env_extra or {})
    cmd = [sys.executable, CHAOS, "--url", f"https://127.0.0.1:{s.port}", "--cacert", s.ca]
    try:
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"chaos {args}: still running after {timeout}s")
    return p.returncode, p.stdout, p.stderr


@test("chaos_cli_add_list_rm_clear_run")
def _(ctx):
    check(os.path.isfile(CHAOS), f"{CHAOS} missing")
    check(os.path.isfile(SCENARIO), f"{SCENARIO} missing")
    s = ctx.server("chaos")
    rule = {"id": "cli-503", "match": {"operation": "customers.list"},
            "fault": {"kind": "status", "code": 503}, "schedule": {"times": 1}}
    rc, out, errs = chaos(s, "add", json.dumps(rule))
    eq(rc, 0, f"chaos add (stderr {errs!r})")
    eq(json.loads(out)["id"], "cli-503", "chaos add prints the rule")
    rc, out, errs = chaos(s, "add", json.dumps({"id": "cli-2", "fault": {"kind": "empty"},
                                                "match": {"method": "DELETE"}}))
    eq(rc, 0, f"chaos add 2 (stderr {errs!r})")
    eq(api(s, "GET", "/v3/customers").status, 503, "the CLI's rule fires")
    rc, out, errs = chaos(s, "list")
    eq(rc, 0, f"chaos list (stderr {errs!r})")
    listed = {r["id"]: r for r in json.loads(out)["rules"]}
    eq(list(listed), ["cli-503", "cli-2"], "chaos list ids")
    eq(listed["cli-503"]["stats"], {"matched": 1, "fired": 1}, "chaos list stats")
    rc, out, errs = chaos(s, "rm", "cli-503")
    eq(rc, 0, f"chaos rm (stderr {errs!r})")
    eq(list(rules_by_id(s)), ["cli-2"], "after chaos rm")
    rc, out, errs = chaos(s, "rm", "cli-503")
    check(rc != 0 and "404" in errs, f"chaos rm of a missing rule: rc {rc}, stderr {errs!r}")
    rc, out, errs = chaos(s, "clear")
    eq(rc, 0, f"chaos clear (stderr {errs!r})")
    eq(rules_by_id(s), {}, "after chaos clear")
    rc, out, errs = chaos(s, "add", '{"fault":{"kind":"bogus"}}')
    check(rc == 2 and "invalid_fault_rule" in errs, f"bad rule: rc {rc}, stderr {errs!r}")
    env = {"ASAAS_API_KEY": K["default"]}
    rc, out, errs = chaos(s, "run", SCENARIO, env_extra=env)
    eq(rc, 0, f"chaos run scenario:\n{out}{errs}")
    check(re.search(r"^\d+ steps, 0 failed expectations$", out, re.M),
          f"scenario summary missing:\n{out}")
    check("FAIL" not in out, f"scenario output has a FAIL:\n{out}")
    eq(rules_by_id(s), {}, "the scenario cleared its rules")
    # a scenario whose expectation fails exits 1
    bad = os.path.join(tempfile.mkdtemp(dir=ctx.root), "bad.json")
    with open(bad, "w") as f:
        json.dump([{"add": {"id": "x", "match": {"operation": "customers.list"},
                            "fault": {"kind": "status", "code": 500}}},
                   {"expect": {"request": {"path": "/v3/customers",
                                           "headers": {"access_token": "${ASAAS_API_KEY}"}},
                               "status": 200}}], f)
    rc, out, errs = chaos(s, "run", bad, env_extra=env)
    eq(rc, 1, f"failing scenario exit status:\n{out}{errs}")
    check("1 failed expectations" in out, f"failing scenario summary:\n{out}")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-faults-", __doc__.split("\n")[0])

#!/usr/bin/env python3
"""run_e2e_edge.py - end-to-end tests of the HTTP edge (issue 11): bytes that are not
UTF-8, slow clients (head and body deadlines, slowloris) and RFC 9112 framing.

Usage: python3 tests/e2e/run_e2e_edge.py /path/to/asaas-mock [-k substring]

Every refusal must be Asaas-shaped JSON with Connection: close, journalled and counted in
asaas_mock_http_refused_total. Standard library only; reuses harness.py. Prints one line
per test and ends with "N passed, N failed".
"""

import argparse
import json
import os
import resource
import selectors
import socket
import ssl
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (IO_TIMEOUT, Server, TestFailure, check, eq, make_key,  # noqa: E402
                     new_cpf, slack)
from harness import registry  # noqa: E402
import harness  # noqa: E402

KEY = make_key()
TESTS, test = registry()


class Ctx(harness.Ctx):
    """The servers of the running test (stopped and scanned after it); no shared server."""

    def server(self, name, args=()):
        return self.own(Server(self.binary, name, use_fixtures=False, root=self.root,
                               args=["--api-key", KEY, "--plain-port", "0"] + list(args)))


def plain_port(s):
    fields, _ = s.wait_log(lambda f, ln: f.get("msg") == "listening" and f.get("tls") == "0",
                           what="plaintext listening line")
    return int(fields["port"])


def tls_sock(s):
    raw = socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT)
    return s.context().wrap_socket(raw, server_hostname="127.0.0.1")


def read_all(sock, timeout=IO_TIMEOUT):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            c = sock.recv(65536)
        except (socket.timeout, ssl.SSLError, ConnectionResetError):
            break
        if not c:
            break
        data += c
    return data


def exchange(s, payload):
    """Sends raw bytes over TLS, reads until the server closes; returns (status, headers,
    body)."""
    with tls_sock(s) as t:
        t.sendall(payload)
        data = read_all(t)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    check(lines and lines[0].startswith("HTTP/1.1 "), f"no status line in {data[:200]!r}")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return status, headers, body


def refused(s, payload, status, code, what):
    got, headers, body = exchange(s, payload)
    eq(got, status, f"{what}: status (body {body[:200]!r})")
    eq(headers.get("connection", "").lower(), "close", f"{what}: Connection: close")
    eq(headers.get("content-type"), "application/json", f"{what}: Content-Type")
    doc = json.loads(body.decode("utf-8"))
    eq(doc["errors"][0]["code"], code, f"{what}: error code")
    return headers


def metric(s, name, label):
    text = s.request("GET", "/__mock/metrics").body.decode()
    for line in text.splitlines():
        if line.startswith(f'{name}{{{label}}} '):
            return int(line.split()[-1])
    return 0


def journal(s):
    return s.request("GET", "/__mock/journal").json()


# ---------------------------------------------------------------------------- UTF-8

@test("invalid_utf8_body_refused_and_every_answer_stays_json")
def _(ctx):
    s = ctx.server("utf8")
    cpf = new_cpf()
    r = s.request("POST", "/v3/customers", key=KEY,
                  body=b'{"name":"bad \xff\xfe\xc0\xaf","cpfCnpj":"' + cpf.encode() + b'"}')
    eq(r.status, 400, f"invalid UTF-8: status ({r.body[:200]!r})")
    eq(r.json()["errors"][0]["code"], "invalid_encoding", "code")
    r = s.request("POST", "/v3/customers", key=KEY,
                  body='{"name":"a\\u0000b","cpfCnpj":"%s"}' % cpf)
    eq(r.status, 400, "\\u0000 in a string: status")
    r = s.request("GET", "/v3/customers?name=%FF", key=KEY)
    eq(r.status, 400, "query value not UTF-8: status")
    r = s.request("GET", "/v3/customers", key=KEY)
    eq(r.status, 200, "list")
    eq(r.json()["totalCount"], 0, "nothing was stored")
    # The journal holds the refused requests and is still valid UTF-8 JSON.
    entries = journal(s)
    check(any(e.get("status") == 400 for e in (entries.get("entries") or entries.get("data")
                                              or [])), f"journal: {str(entries)[:300]}")
    r = s.request("POST", "/v3/customers", key=KEY,
                  body={"name": "José Ação 😀", "cpfCnpj": cpf})
    eq(r.status, 200, f"valid UTF-8: status ({r.body[:200]!r})")
    eq(r.json()["name"], "José Ação 😀", "stored and served as sent")


# ---------------------------------------------------------------------------- deadlines

@test("dribbled_head_closed_by_the_head_deadline")
def _(ctx):
    # Each byte arrives well within the idle timeout (5 s), but the whole head takes longer
    # than --head-timeout 2: closed with a 408, journalled and counted.
    s = ctx.server("dribble", args=["--idle-timeout", "5", "--head-timeout", "2"])
    before = metric(s, "asaas_mock_http_refused_total", 'reason="head_deadline"')
    t0 = time.monotonic()
    with tls_sock(s) as t:
        payload = b"GET /__mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        closed_at = None
        data = b""
        for b in payload:
            try:
                t.sendall(bytes([b]))
            except OSError:
                break
            t.settimeout(0.4)
            try:
                c = t.recv(4096)
                data += c
                if not c or data.count(b"\r\n\r\n"):
                    closed_at = time.monotonic() - t0
                    data += read_all(t, 1)
                    break
            except socket.timeout:
                pass
            except (ssl.SSLError, ConnectionResetError):
                closed_at = time.monotonic() - t0
                break
            if time.monotonic() - t0 > slack(10):
                break
    check(closed_at is not None, "dribbled head still open after 10 s")
    check(closed_at <= slack(5), f"closed after {closed_at:.1f} s, want about 2 s")
    check(data.startswith(b"HTTP/1.1 408"), f"answer: {data[:200]!r}")
    check(b'"request_timeout"' in data, f"answer body: {data[-200:]!r}")
    eq(metric(s, "asaas_mock_http_refused_total", 'reason="head_deadline"'), before + 1,
       "counted")


@test("slow_body_closed_by_the_body_deadline")
def _(ctx):
    s = ctx.server("slowbody", args=["--idle-timeout", "5", "--body-timeout", "2"])
    t0 = time.monotonic()
    with tls_sock(s) as t:
        t.sendall(b"POST /v3/customers HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                  b"access_token: " + KEY.encode() + b"\r\n\r\n{")
        data = b""
        while time.monotonic() - t0 < slack(10):
            try:
                t.sendall(b" ")
            except OSError:
                break
            t.settimeout(0.5)
            try:
                c = t.recv(4096)
            except socket.timeout:
                continue
            except (ssl.SSLError, ConnectionResetError):
                break
            data += c
            if not c or b"\r\n\r\n" in data:
                data += read_all(t, 1)
                break
    elapsed = time.monotonic() - t0
    check(elapsed <= slack(5), f"slow body still open after {elapsed:.1f} s")
    check(data.startswith(b"HTTP/1.1 408"), f"answer: {data[:200]!r}")
    eq(metric(s, "asaas_mock_http_refused_total", 'reason="body_deadline"'), 1, "counted")


@test("thousand_slowloris_connections_all_closed_by_the_head_deadline")
def _(ctx):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1100 + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    n = min(1000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 100)
    s = ctx.server("loris", args=["--idle-timeout", "30", "--head-timeout", "2"])
    port = plain_port(s)
    sel = selectors.DefaultSelector()
    socks = []
    try:
        for _ in range(n):
            c = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
            c.sendall(b"GET / HTTP/1.1\r\nX-a: ")
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ)
            socks.append(c)
        open_ = set(socks)
        t0 = time.monotonic()
        last_dribble = 0
        while open_ and time.monotonic() - t0 < slack(15):
            if time.monotonic() - last_dribble > 1:  # one byte a second: never idle
                last_dribble = time.monotonic()
                for c in list(open_):
                    try:
                        c.send(b"b")
                    except OSError:
                        pass
            for key, _ in sel.select(timeout=0.2):
                c = key.fileobj
                try:
                    while True:
                        d = c.recv(65536)
                        if not d:
                            raise ConnectionResetError
                except BlockingIOError:
                    continue
                except OSError:
                    sel.unregister(c)
                    open_.discard(c)
        eq(len(open_), 0, f"connections still open after {slack(15)} s (of {n})")
    finally:
        for c in socks:
            c.close()
    check(metric(s, "asaas_mock_http_refused_total", 'reason="head_deadline"') >= n,
          "every close counted")
    eq(s.request("GET", "/__mock/health").status, 200, "server still serves")


# ---------------------------------------------------------------------------- RFC 9112

def req(lines, body=b""):
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@test("rfc9112_framing_refused_as_json_journalled_and_counted")
def _(ctx):
    s = ctx.server("rfc")
    h = ["POST /v3/customers HTTP/1.1", "Host: x", f"access_token: {KEY}",
         "User-Agent: e2e", "Content-Type: application/json"]
    refused(s, req(h + ["Content-Length: 2", "Content-Length: 40"], b"{}"), 400,
            "invalid_http_request", "two different Content-Length values")
    refused(s, req(h + ["Transfer-Encoding: gzip"], b"{}"), 501,
            "unsupported_transfer_coding", "Transfer-Encoding: gzip alone")
    refused(s, req(h + ["Transfer-Encoding: chunked"], b"zz\r\n{}\r\n0\r\n\r\n"), 400,
            "invalid_http_request", "malformed chunk size")
    refused(s, req(h + ["Transfer-Encoding: chunked"], b"2;x=1\r\n{}\r\n0\r\n\r\n"), 400,
            "invalid_http_request", "chunk extension")
    refused(s, req(["GET /__mock/health HTTP/1.1", "Host : x"]), 400,
            "invalid_http_request", "space before the colon")
    refused(s, req(["GET /__mock/health HTTP/1.1", "Host: x", "X-A: 1", " folded"]), 400,
            "invalid_http_request", "obs-fold")
    refused(s, req(h + ["Content-Length: 99999999"]), 413, "request_entity_too_large",
            "body over --max-body")
    refused(s, req(["GET /__mock/health HTTP/1.1", "Host: x", "X-Big: " + "a" * 20000]), 431,
            "request_header_fields_too_large", "head over --max-headers")
    refused(s, req(["TRACE / HTTP/1.1", "Host: x"]), 501, "not_implemented", "TRACE")
    refused(s, req(["GET / HTTP/2.0", "Host: x"]), 505, "http_version_not_supported",
            "HTTP/2.0 request line")
    total = sum(metric(s, "asaas_mock_http_refused_total", f'reason="{r}"')
                for r in ("bad_content_length", "unknown_coding", "bad_chunk", "bad_header",
                          "obs_fold", "body_too_large", "head_too_large", "method", "version"))
    eq(total, 10, "every refusal counted")
    entries = journal(s)
    rows = entries.get("entries") or entries.get("data") or []
    statuses = sorted(e.get("status") for e in rows)
    eq([x for x in statuses if x in (400, 413, 431, 501, 505)],
       sorted([400, 501, 400, 400, 400, 400, 413, 431, 501, 505]), "every refusal journalled")
    # What is well-formed still works: chunked, identical duplicate lengths, pipelining.
    cpf = new_cpf()
    body = json.dumps({"name": "Chunk", "cpfCnpj": cpf}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    status, _, b = exchange(s, req(h + ["Transfer-Encoding: chunked", "Connection: close"],
                                   chunked))
    eq(status, 200, f"chunked POST ({b[:200]!r})")
    status, _, b = exchange(s, req(["GET /__mock/health HTTP/1.1", "Host: x"]) +
                            req(["GET /__mock/health HTTP/1.1", "Host: x", "Connection: close"]))
    eq(b.count(b'"status":"ok"'), 2, f"two pipelined answers: {b[:300]!r}")


def read_answer(sock, buf=b"", head=False):
    """Reads one answer with a Content-Length body (none for HEAD) from a keep-alive
    stream; returns (status line, headers, body, what is left over)."""
    sock.settimeout(IO_TIMEOUT)
    while b"\r\n\r\n" not in buf:
        c = sock.recv(65536)
        check(c, f"closed before a head: {buf[:200]!r}")
        buf += c
    top, _, rest = buf.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    n = 0 if head else int(headers.get("content-length", "0"))
    if lines[0].startswith("HTTP/1.1 100"):
        return lines[0], headers, b"", rest
    while len(rest) < n:
        c = sock.recv(65536)
        check(c, "closed inside a body")
        rest += c
    return lines[0], headers, rest[:n], rest[n:]


@test("http1_connection_semantics_as_evhttp_had_them")
def _(ctx):
    """The request loop that replaced evhttp keeps what clients rely on: 100-continue,
    HTTP/1.0 with and without keep-alive, HEAD, a half-closed client, pipelining behind a
    delayed answer, Connection: close echoed."""
    s = ctx.server("h1", ["--fault-header"])
    cpf = new_cpf()
    body = json.dumps({"name": "Continue", "cpfCnpj": cpf}).encode()
    h = ["POST /v3/customers HTTP/1.1", "Host: x", f"access_token: {KEY}", "User-Agent: e2e",
         "Content-Type: application/json", f"Content-Length: {len(body)}"]
    with tls_sock(s) as t:
        t.sendall(req(h + ["Expect: 100-continue"]))
        line, _, _, rest = read_answer(t)
        eq(line, "HTTP/1.1 100 Continue", "the body is asked for")
        t.sendall(body)
        line, hd, b, rest = read_answer(t, rest)
        eq(line, "HTTP/1.1 200 OK", f"then answered ({b[:200]!r} {hd!r})")
        check(b, f"a body: {hd!r}")
        check(hd.get("date"), "Date on HTTP/1.1")
        eq(json.loads(b)["name"], "Continue", "the body arrived whole")
        # HEAD: the GET answer's length, no body; the stream stays in step.
        cid = json.loads(b)["id"]
        get = ["GET /v3/customers/" + cid + " HTTP/1.1", "Host: x", f"access_token: {KEY}",
               "User-Agent: e2e"]
        t.sendall(req(["HEAD" + get[0][3:]] + get[1:]) + req(get))
        line, hd, b, rest = read_answer(t, rest, head=True)
        eq(line, "HTTP/1.1 200 OK", "HEAD")
        n = int(hd["content-length"])
        line, hd2, b2, rest = read_answer(t, rest)
        eq((line, len(b2)), ("HTTP/1.1 200 OK", n), "GET after HEAD: HEAD's length, in step")
        # Pipelined behind a delayed answer: in order.
        slow = get + ["X-Mock-Fault: latency;ms=300"]
        t0 = time.monotonic()
        t.sendall(req(slow) + req(["GET /__mock/health HTTP/1.1", "Host: x"]))
        line, _, b, rest = read_answer(t, rest)
        check(time.monotonic() - t0 >= 0.29, "the first answer waited its 300 ms")
        eq(json.loads(b)["id"], cid, "first answer first")
        line, _, b, rest = read_answer(t, rest)
        check(b'"status":"ok"' in b, f"then the pipelined one: {b[:200]!r}")
        # Connection: close is echoed and the server closes.
        t.sendall(req(["GET /__mock/health HTTP/1.1", "Host: x", "Connection: close"]))
        line, hd, b, rest = read_answer(t, rest)
        eq(hd.get("connection", "").lower(), "close", "Connection: close echoed")
        eq(read_all(t, timeout=5), rest, "then closed")
    # HTTP/1.0: closes unless keep-alive is asked; keep-alive is said back.
    with tls_sock(s) as t:
        t.sendall(req(["GET /__mock/health HTTP/1.0"]))
        data = read_all(t)
        check(data.startswith(b"HTTP/1.0 200 OK\r\n"), f"1.0 answered in 1.0: {data[:100]!r}")
        check(b"\r\nConnection: close\r\n" in data, "1.0 without keep-alive closes")
    with tls_sock(s) as t:
        t.sendall(req(["GET /__mock/health HTTP/1.0", "Connection: keep-alive"]))
        line, hd, _, rest = read_answer(t)
        eq(hd.get("connection", "").lower(), "keep-alive", "1.0 keep-alive said back")
        t.sendall(req(["GET /__mock/health HTTP/1.0"]))
        line, _, b, rest = read_answer(t, rest)
        check(b'"status":"ok"' in b, "a second 1.0 request on the kept connection")
    # A client that half-closes after its request still gets the answer.
    raw = socket.create_connection(("127.0.0.1", plain_port(s)), timeout=IO_TIMEOUT)
    with raw:
        raw.sendall(req(["GET /__mock/health HTTP/1.1", "Host: x"]))
        raw.shutdown(socket.SHUT_WR)
        data = read_all(raw)
        check(data.startswith(b"HTTP/1.1 200 OK") and b'"status":"ok"' in data,
              f"answer after the client's FIN: {data[:200]!r}")


@test("long_customer_id_is_404_not_501")
def _(ctx):
    s = ctx.server("longid")
    r = s.request("GET", "/v3/customers/cus_" + "a" * 1020, key=KEY)
    eq(r.status, 404, f"status ({r.body[:200]!r})")
    eq(r.json()["errors"][0]["code"], "not_found", "code")


# ---------------------------------------------------------------------------- main

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-edge-", __doc__.split("\n")[0] if __doc__ else None)

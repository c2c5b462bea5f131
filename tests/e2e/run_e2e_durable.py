#!/usr/bin/env python3
"""run_e2e_durable.py - an acknowledged write is durable before its answer leaves.

Usage: python3 tests/e2e/run_e2e_durable.py /path/to/asaas-mock /path/to/io_trace.so [-k s]

The server runs with --state-file under the LD_PRELOAD shim tests/seams/io_trace.c, which
writes one trace line per fdatasync/fsync (with the synced file's path, after the sync
returned) and per send on a socket (before the bytes go). On one keep-alive connection
(so the TLS handshake's own sends are over), for each write: note the trace's length,
send the request, and once the answer is in hand read what the trace gained. It must
hold a sync of the state file, before the first send (the answer), and the file must
already hold the entry. A read must add no sync. This kills both "answer sent before the
commit" and "fdatasync skipped", which the state-file content alone cannot tell apart
from a correct server until the machine loses power. With the shim failing fdatasync
(AM_IO_FAIL_SYNC_IF), a write must be answered 503 state_file_failed, never 200: an answer
released before its commit finished would already be a 200.

Prints one line per test and ends with "N passed, N failed". Standard library only.
"""

import argparse
import os
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, TestFailure, check, eq, make_key, new_cpf  # noqa: E402
from harness import registry  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

KEY = make_key()
TESTS, test = registry()


class Ctx(harness.Ctx):
    """Per-test servers under the io_trace shim (SHIM: the suite's second argument)."""

    shim = None

    def server(self, name):
        state = os.path.join(tempfile.mkdtemp(prefix="durable-", dir=self.root), "state.jsonl")
        trace = state + ".trace"
        asan = os.environ.get("ASAN_OPTIONS", "")
        # The shim is preloaded ahead of the sanitizer runtime in the ASan build.
        env = {"LD_PRELOAD": self.shim, "AM_IO_TRACE": trace,
               "AM_IO_FAIL_SYNC_IF": state + ".failsync",
               "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}
        s = Server(self.binary, name, args=["--clock", "2025-03-10", "--state-file", state],
                   env=env, root=self.root,
                   accounts=[{"id": "default", "name": "Default", "requireUserAgent": True,
                              "allowedIps": [],
                              "keys": [{"name": "default", "key": KEY, "enabled": True,
                                        "expirationDate": None}]}])
        self.own(s)
        return s, os.path.realpath(state), trace


def trace_size(trace):
    try:
        return os.path.getsize(trace)
    except FileNotFoundError:
        return 0


def trace_since(trace, mark):
    with open(trace, "rb") as f:
        f.seek(mark)
        return f.read().decode("utf-8", "replace").splitlines()


def durable_before_answer(s, state, trace, conn, method, path, body, must_hold):
    """One write on conn: the trace it added shows the state file synced before any send."""
    mark = trace_size(trace)
    r = s.request(method, path, key=KEY, body=body, conn=conn)
    events = trace_since(trace, mark)  # the answer is in hand: what happened before it
    eq(r.status, 200, f"{method} {path} ({r.body[:200]!r})")
    syncs = [i for i, e in enumerate(events) if e == "sync " + state]
    sends = [i for i, e in enumerate(events) if e.startswith("send ")]
    check(syncs, f"{method} {path}: answered without an fdatasync of {state}; trace: {events}")
    check(sends, f"{method} {path}: the shim saw no send (is it preloaded?); trace: {events}")
    check(syncs[0] < sends[0],
          f"{method} {path}: the answer was sent before the state file was synced: {events}")
    with open(state, encoding="utf-8") as f:
        text = f.read()
    check(must_hold(r) in text, f"{method} {path}: the state file lacks the entry")
    return r


@test("acknowledged_writes_are_synced_to_the_state_file_before_the_answer_is_sent")
def _(ctx):
    s, state, trace = ctx.server("durable")
    conn = s.connect()
    try:
        # Warm up: handshake, session tickets and the day's jobs entry are behind us.
        eq(s.request("GET", "/v3/customers", key=KEY, conn=conn).status, 200, "first GET")
        cpf = new_cpf()
        r = durable_before_answer(s, state, trace, conn, "POST", "/v3/customers",
                                  {"name": "Durável", "cpfCnpj": cpf}, lambda r: cpf)
        cid = r.json()["id"]
        durable_before_answer(s, state, trace, conn, "POST", f"/v3/customers/{cid}",
                              {"name": "Durable Two"}, lambda r: "Durable Two")
        durable_before_answer(s, state, trace, conn, "DELETE", f"/v3/customers/{cid}", None,
                              lambda r: f'"m":"DELETE","p":"/v3/customers/{cid}"')
        # A read changes nothing and waits for nothing.
        mark = trace_size(trace)
        eq(s.request("GET", "/v3/customers", key=KEY, conn=conn).status, 200, "GET")
        events = trace_since(trace, mark)
        check(not [e for e in events if e.startswith("sync ")], f"a GET synced: {events}")
        check([e for e in events if e.startswith("send ")], f"no send traced for a GET: {events}")
    finally:
        conn.close()


@test("a_write_whose_sync_failed_is_answered_503_not_200")
def _(ctx):
    s, state, trace = ctx.server("failsync")
    flag = state + ".failsync"
    conn = s.connect()
    try:
        eq(s.request("GET", "/v3/customers", key=KEY, conn=conn).status, 200, "first GET")
        open(flag, "w").close()
        mark = trace_size(trace)
        r = s.request("POST", "/v3/customers", key=KEY, conn=conn,
                      body={"name": "Never Acknowledged", "cpfCnpj": new_cpf()})
        events = trace_since(trace, mark)
        check([e for e in events if e.startswith("syncfail ")], f"no failed sync: {events}")
        eq(r.status, 503, f"answer to a write whose fdatasync failed ({r.body[:200]!r})")
        eq(r.json()["errors"][0]["code"], "state_file_failed", "error code")
        os.unlink(flag)
        r = s.request("POST", "/v3/customers", key=KEY, conn=conn,
                      body={"name": "Acknowledged", "cpfCnpj": new_cpf()})
        eq(r.status, 200, "the next write, once the disk recovered")
    finally:
        conn.close()
        if os.path.exists(flag):
            os.unlink(flag)


if __name__ == "__main__":
    # BINARY SHIM [options]: the shim is taken off the command line, the rest is harness's.
    if len(sys.argv) < 3 or sys.argv[2].startswith("-"):
        print("usage: run_e2e_durable.py BINARY SHIM [-k NAME] [--shuffle SEED]", flush=True)
        print("0 passed, 1 failed", flush=True)
        sys.exit(1)
    Ctx.shim = os.path.abspath(sys.argv.pop(2))
    harness.run_main(TESTS, Ctx, "asaas-e2e-durable-", __doc__.split("\n")[0])

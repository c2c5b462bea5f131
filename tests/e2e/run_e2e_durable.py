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
released before its commit finished would already be a 200. With many connections writing
at once (the fdatasync runs on a thread while the loop reads the next batch), every 200
survives kill -9, and every write made while the disk fails is a 503.

Prints one line per test and ends with "N passed, N failed". Standard library only.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
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

    def server(self, name, extra=(), sync_delay_us=0):
        state = os.path.join(tempfile.mkdtemp(prefix="durable-", dir=self.root), "state.jsonl")
        trace = state + ".trace"
        asan = os.environ.get("ASAN_OPTIONS", "")
        # The shim is preloaded ahead of the sanitizer runtime in the ASan build.
        env = {"LD_PRELOAD": self.shim, "AM_IO_TRACE": trace,
               "AM_IO_FAIL_SYNC_IF": state + ".failsync",
               "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}
        if sync_delay_us:
            env["AM_IO_SYNC_DELAY_US"] = str(sync_delay_us)
        s = Server(self.binary, name,
                   args=["--clock", "2025-03-10", "--state-file", state, *extra],
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


def concurrent_writes(s, conns, per_conn, tag):
    """per_conn POST /v3/customers on each of conns keep-alive connections at once;
    returns [(status, id or None, name)]."""
    results, lock = [], threading.Lock()

    def writer(i):
        conn = s.connect()
        try:
            for j in range(per_conn):
                name = f"{tag} {i}-{j}"
                r = s.request("POST", "/v3/customers", key=KEY, conn=conn,
                              body={"name": name, "cpfCnpj": new_cpf()})
                cid = r.json().get("id") if r.status == 200 else None
                code = r.json()["errors"][0]["code"] if r.status == 503 else None
                with lock:
                    results.append((r.status, cid, name, code))
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(len(results), conns * per_conn, f"{tag}: answers")
    return results


@test("concurrent_writes_are_acknowledged_only_when_durable_and_survive_kill_9")
def _(ctx):
    s, state, trace = ctx.server("concurrent")
    flag = state + ".failsync"
    try:
        eq(s.request("GET", "/v3/customers", key=KEY).status, 200, "first GET")
        before = concurrent_writes(s, 8, 6, "Before")
        check(all(st == 200 for st, _, _, _ in before), f"a write refused: {before}")
        # The disk fails: every write whose batch it is answers 503, none 200.
        open(flag, "w").close()
        failing = concurrent_writes(s, 8, 3, "Failing")
        check(all(st == 503 and code == "state_file_failed" for st, _, _, code in failing),
              f"writes answered while every fdatasync failed: {failing}")
        os.unlink(flag)
        after = concurrent_writes(s, 8, 6, "After")
        check(all(st == 200 for st, _, _, _ in after), f"a write refused once the disk recovered: {after}")
        with open(trace, encoding="utf-8", errors="replace") as f:
            syncs = sum(1 for line in f if line.strip() == "sync " + state)
        check(syncs < len(before) + len(after),
              f"{syncs} fdatasyncs for {len(before) + len(after)} writes: no group commit")
        s.kill9()
        os.unlink(s.port_file)
        s.start()
        for st, cid, name, _ in before + after:
            r = s.request("GET", f"/v3/customers/{cid}", key=KEY)
            eq(r.status, 200, f"acknowledged {name} ({cid}) after kill -9")
            eq(r.json()["name"], name, f"{cid} name after kill -9")
    finally:
        if os.path.exists(flag):
            os.unlink(flag)


@test("many_writers_batches_started_early_still_sync_before_every_answer")
def _(ctx):
    # 24 writers on a slow disk (each fdatasync takes 20 ms): they all wait for one batch,
    # so the next starts early, at 3/4 of them (server.c, gather). Each connection sends
    # its next write only once it has the previous answer, so between two answers on one
    # connection the server must have synced at least once; and while the disk fails,
    # every answer, early batches' too, is a 503.
    s, state, trace = ctx.server("many", sync_delay_us=20000)
    flag = state + ".failsync"
    conns = [s.connect() for _ in range(24)]

    def round_of(per_conn, tag):
        results, lock, go = [], threading.Lock(), threading.Barrier(len(conns))

        def writer(c, i):
            go.wait()
            for j in range(per_conn):
                r = s.request("POST", "/v3/customers", key=KEY, conn=c,
                              body={"name": f"{tag} {i}-{j}", "cpfCnpj": new_cpf()})
                with lock:
                    results.append((r.status, r.json()["errors"][0]["code"]
                                    if r.status == 503 else None))

        threads = [threading.Thread(target=writer, args=(c, i)) for i, c in enumerate(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(len(results), len(conns) * per_conn, f"{tag}: answers")
        return results

    try:
        for c in conns:  # handshakes, session tickets and a read: no sends left but answers
            eq(s.request("GET", "/v3/customers", key=KEY, conn=c).status, 200, "first GET")
        mark = trace_size(trace)
        results = round_of(5, "Many")
        eq([st for st, _ in results].count(200), len(conns) * 5, f"writes acknowledged: {results}")
        events = trace_since(trace, mark)
        syncs_seen, last, per_fd = 0, {}, {}
        for e in events:
            if e == "sync " + state:
                syncs_seen += 1
            elif e.startswith("send "):
                fd = e.split()[1]
                per_fd[fd] = per_fd.get(fd, 0) + 1
                check(syncs_seen > last.get(fd, 0),
                      f"answer {per_fd[fd]} on fd {fd} left with no fdatasync since the "
                      f"previous one on it: {events}")
                last[fd] = syncs_seen
        eq(sorted(per_fd.values()), [5] * len(conns), f"one send per answer: {per_fd}")
        check(syncs_seen < len(conns) * 5, f"{syncs_seen} fdatasyncs for {len(conns) * 5} "
              "writes: no group commit")
        open(flag, "w").close()
        failing = round_of(3, "Failing")
        check(all(st == 503 and code == "state_file_failed" for st, code in failing),
              f"writes answered while every fdatasync failed: {failing}")
    finally:
        for c in conns:
            c.close()
        if os.path.exists(flag):
            os.unlink(flag)


@test("compaction_in_a_child_loses_no_acknowledged_write_and_survives_kill_9")
def _(ctx):
    # Compacting every 20 entries: the child writes snapshots while 8 connections write on.
    s, state, trace = ctx.server("compacting", extra=["--state-file-compact-entries", "20"])
    eq(s.request("GET", "/v3/customers", key=KEY).status, 200, "first GET")
    written = []
    for k in range(4):
        written += concurrent_writes(s, 8, 8, f"Round {k}")
    check(all(st == 200 for st, _, _, _ in written), f"a write refused: {written}")
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(s.stdout_path, encoding="utf-8", errors="replace") as f:
            done = f.read().count("what=compacted mode=background")
        if done:
            break
        time.sleep(0.05)
    check(done >= 1, "no compaction was made in the background (stdout has no "
                     "what=compacted mode=background)")
    with open(s.stdout_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    check("compaction_failed" not in log, "a background compaction failed")
    # Every write acknowledged, whether the child's snapshot or its copy of the log after the
    # fork holds it, is there after kill -9 and a restart.
    s.kill9()
    os.unlink(s.port_file)
    s.start()
    for st, cid, name, _ in written:
        r = s.request("GET", f"/v3/customers/{cid}", key=KEY)
        eq(r.status, 200, f"acknowledged {name} ({cid}) after kill -9")
        eq(r.json()["name"], name, f"{cid} name after kill -9")
    r = s.request("GET", "/v3/customers?limit=1", key=KEY)
    eq(r.json()["totalCount"], len(written), "customers after kill -9 (none lost, none doubled)")
    check(not os.path.exists(state + ".tmp"), "PATH.tmp left behind after the restart")


if __name__ == "__main__":
    # BINARY SHIM [options]: the shim is taken off the command line, the rest is harness's.
    if len(sys.argv) < 3 or sys.argv[2].startswith("-"):
        print("usage: run_e2e_durable.py BINARY SHIM [-k NAME] [--shuffle SEED]", flush=True)
        print("0 passed, 1 failed", flush=True)
        sys.exit(1)
    Ctx.shim = os.path.abspath(sys.argv.pop(2))
    harness.run_main(TESTS, Ctx, "asaas-e2e-durable-", __doc__.split("\n")[0])

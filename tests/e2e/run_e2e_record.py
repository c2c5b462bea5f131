#!/usr/bin/env python3
"""run_e2e_record.py - end-to-end tests of `asaas-mock record`: record, then replay offline.

Usage: python3 tests/e2e/run_e2e_record.py /path/to/asaas-mock [-k substring]

Upstream B is a second asaas-mock (its own accounts.json with a made key, --clock and
--seed fixed); twin T is an identical server that receives the same requests directly, so
"the recorder returns exactly what B returns" is checked byte for byte on every step
(status, body, headers but Date). The recorder trusts B only through --upstream-ca (B's
--ca-out file, the certificate B also serves at /__mock/ca.pem). After SIGTERM to both,
replay server C gets --fixtures on the recorded folder (plus a copy of accounts.json) and
no upstream at all, and must answer the same sequence with the same statuses and bodies.
The key (and its middle part), the card number and the CVV must appear in no recorded
file and in no recorder log. A recorder without the right CA answers 502
upstream_unavailable and writes nothing.

Prints one line per test and ends with "N passed, N failed"; exits 0 only when every
selected test passed. Standard library only; reuses harness.py.
"""

import json
import os
import re
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, check, eq, make_key, new_cpf, redact  # noqa: E402
from harness import registry, run_binary  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

CLOCK = "2025-03-10"
SEED = "4242"
KEY = make_key()
CARD = "5162306219378829"  # approved by the mock (card-probe capture)
CVV = "9731"
UA = "asaas-mock-e2e-record/1.0"


def accounts():
    return [{"id": "default", "name": "Default", "requireUserAgent": True, "allowedIps": [],
             "keys": [{"name": "default", "key": KEY, "enabled": True,
                       "expirationDate": None}]}]


# ---------------------------------------------------------------------------- servers

class Recorder(Server):
    """`asaas-mock record` on a free port, in front of upstream, writing into out."""

    control_api = False  # /__mock/* is forwarded upstream

    def __init__(self, binary, name, upstream, out, upstream_ca=None, root=None):
        super().__init__(binary, name, root=root, use_fixtures=False)
        self.upstream = upstream
        self.out = out
        self.upstream_ca = upstream_ca

    def command(self):
        cmd = [self.binary, "record", "--port", "0", "--port-file", self.port_file,
               "--ca-out", self.ca, "--upstream", self.upstream, "--out", self.out]
        if self.upstream_ca:
            cmd += ["--upstream-ca", self.upstream_ca]
        return cmd

    def start(self):
        """Waits for the port file and a TLS handshake only: /__mock/health would be
        forwarded (and a recorder that cannot reach its upstream answers 502)."""
        self._spawn()
        self._wait_port()
        conn = self.connect()
        try:
            conn.connect()
        finally:
            conn.close()
        return self

    def logs(self):
        return self.stdout() + self.stderr()


class Ctx(harness.Ctx):
    """Mocks and recorders of the current test (stopped after it); no shared server."""

    def mock(self, name, fixtures=None):
        # One public base for every mock, as the real service answers with its own host
        # whoever asks (else invoiceUrl would name each mock's port).
        s = Server(self.binary, name, args=["--clock", CLOCK, "--seed", SEED,
                                            "--public-url", "https://sandbox.asaas.com"],
                   accounts=accounts(), root=self.root, default_key=KEY)
        if fixtures is not None:
            s.fixtures = fixtures
        return self.own(s)

    def recorder(self, name, upstream, out, upstream_ca=None):
        return self.own(Recorder(self.binary, name, upstream, out, upstream_ca, root=self.root))

    def out_dir(self):
        return tempfile.mkdtemp(prefix="out-", dir=self.root)


TESTS, test = registry()


# ---------------------------------------------------------------------------- helpers

def upstream_url(s):
    return f"https://127.0.0.1:{s.port}"


def call(s, step, n):
    """Sends step (method, path, body) to s with the key and a fixed X-Request-Id."""
    method, path, body = step
    return s.request(method, path, key=KEY, ua=UA, body=body,
                     headers=[("X-Request-Id", f"rec{n:04d}")])


def headers_but_date(r):
    return sorted((k.lower(), v) for k, v in r.headers.items() if k.lower() != "date")


def files_under(d):
    for dirpath, _, names in os.walk(d):
        for n in names:
            yield os.path.join(dirpath, n)


def json_values(node):
    """Every (name, value) pair and scalar in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield ("name", k)
            yield from json_values(v)
    elif isinstance(node, list):
        for v in node:
            yield from json_values(v)
    else:
        yield ("value", node)


def assert_no_secrets(paths, what):
    middle = [KEY[14:30], KEY[-20:-4]]
    cvv_alone = re.compile(r"(?<![0-9])" + CVV + r"(?![0-9])")
    for path in paths:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for needle in [KEY, CARD, " ".join([CARD[i:i + 4] for i in range(0, 16, 4)])] + middle:
            check(needle not in text, f"{what}: {os.path.basename(path)} holds a secret "
                                      f"({needle[:6]}...)")
        check(not cvv_alone.search(text), f"{what}: {os.path.basename(path)} holds the CVV")
        check("access_token" not in text.lower(),
              f"{what}: {os.path.basename(path)} mentions access_token")
        if path.endswith(".json"):
            for kind, v in json_values(json.loads(text)):
                check(not (kind == "name" and isinstance(v, str) and "ccv" in v.lower()),
                      f"{what}: {os.path.basename(path)} has a ccv member")


def the_sequence(cpf1, cpf2):
    """The scripted sequence; "{cus1}" / "{pay}" are filled from earlier answers."""
    card_req = {"customer": "{cus1}", "billingType": "CREDIT_CARD", "value": 100,
                "dueDate": "2025-03-20", "description": "cartao",
                "creditCard": {"holderName": "Ana Record", "number": CARD, "expiryMonth": "05",
                               "expiryYear": "2035", "ccv": CVV},
                "creditCardHolderInfo": {"name": "Ana Record", "email": "ana@example.com",
                                         "cpfCnpj": cpf1, "postalCode": "01310-100",
                                         "addressNumber": "100", "phone": "47999999999"},
                "remoteIp": "127.0.0.1"}
    return [
        ("create_customer", ("POST", "/v3/customers",
                             {"name": "Ana {{today}} Record", "cpfCnpj": cpf1})),
        ("get_customer", ("GET", "/v3/customers/{cus1}", None)),
        ("list_1", ("GET", "/v3/customers", None)),
        ("create_customer_2", ("POST", "/v3/customers", {"name": "Bia Record", "cpfCnpj": cpf2})),
        ("list_2", ("GET", "/v3/customers", None)),
        ("card_payment", ("POST", "/v3/payments", card_req)),
        ("get_payment", ("GET", "/api/v3/payments/{pay}", None)),
        ("validation_400", ("POST", "/v3/customers", {"cpfCnpj": cpf2})),
        ("not_found_404", ("GET", "/v3/customers/cus_000000000000", None)),
        ("list_filtered", ("GET", "/v3/customers?cpfCnpj=" + cpf2, None)),
    ]


def fill(step, ids):
    method, path, body = step
    path = path.replace("{cus1}", ids.get("cus1", "")).replace("{pay}", ids.get("pay", ""))
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace('"{cus1}"', json.dumps(ids.get("cus1", ""))))
    return (method, path, body)


def note_ids(name, r, ids):
    if name == "create_customer":
        ids["cus1"] = r.json()["id"]
    if name == "card_payment":
        ids["pay"] = r.json()["id"]


# ---------------------------------------------------------------------------- tests

@test("record_against_a_mock_then_replay_offline_gives_the_same_answers")
def _(ctx):
    out = ctx.out_dir()
    b = ctx.mock("upstream-b")
    t = ctx.mock("twin-t")
    rec = ctx.recorder("recorder", upstream_url(b), out, upstream_ca=b.ca)
    cpf1, cpf2 = new_cpf(), new_cpf()
    ids, answers = {}, []
    for n, (name, step) in enumerate(the_sequence(cpf1, cpf2)):
        step = fill(step, ids)
        got = call(rec, step, n)
        want = call(t, step, n)
        eq(got.status, want.status, f"{name}: status through the recorder vs the twin "
                                    f"(body {got.body[:200]!r})")
        eq(got.body, want.body, f"{name}: body through the recorder vs the twin")
        eq(got.reason, want.reason, f"{name}: reason phrase")
        eq(headers_but_date(got), headers_but_date(want), f"{name}: headers (but Date)")
        note_ids(name, got, ids)
        answers.append((name, step, got))
    # The sequence covers what it claims to.
    statuses = {name: r.status for name, _, r in answers}
    eq([statuses["validation_400"], statuses["not_found_404"], statuses["card_payment"]],
       [400, 404, 200], "statuses of the scripted errors and the card payment")
    lists = [r.json()["totalCount"] for name, _, r in answers if name.startswith("list_")]
    eq(lists, [1, 2, 1], "the two plain lists differ (1 then 2), the filter finds one")
    check("{{today}}" in answers[0][2].json()["name"], "the name echoes its braces")
    rec.stop()
    b.stop()
    t.stop()

    exchanges = os.path.join(out, "exchanges")
    names = sorted(os.listdir(exchanges))
    eq(names, ["0001-post-v3-customers.json",
               "0002-get-v3-customers-" + ids["cus1"].lower() + ".json",
               "0003-get-v3-customers.json", "0004-post-v3-payments.json",
               "0005-get-v3-payments-" + ids["pay"].lower() + ".json",
               "0006-get-v3-customers-cus_000000000000.json"], "recorded files")
    with open(os.path.join(exchanges, "0003-get-v3-customers.json")) as f:
        lists_file = json.load(f)["exchanges"]
    eq([(x["request"].get("query"), len(x.get("responses", [x.get("response")])))
        for x in lists_file], [({"cpfCnpj": cpf2}, 1), (None, 2)],
       "the filtered list first, then the plain list as a sequence of 2")
    with open(os.path.join(exchanges, "0001-post-v3-customers.json")) as f:
        text = f.read()
    check("{{lbrace}}today}}" in text, "braces in a recorded answer are written {{lbrace}}")
    assert_no_secrets(list(files_under(out)), "recorded folder")
    assert_no_secrets([rec.stdout_path, rec.stderr_path], "recorder logs")
    check("recorded=new" in rec.stdout() and "recorded=appended" in rec.stdout(),
          "the recorder logs one line per exchange")
    check(redact(KEY) in rec.stdout(), "logs show the redacted key only")

    # Replay: C on the recorded folder (plus accounts.json), no upstream anywhere.
    c = ctx.mock("replay-c", fixtures=out)
    for n, (name, step, recorded) in enumerate(answers):
        got = call(c, step, n)
        eq(got.status, recorded.status, f"replay {name}: status (body {got.body[:200]!r})")
        eq(got.body, recorded.body, f"replay {name}: body")
    listed = c.control("GET", "/__mock/exchanges").json()["exchanges"]
    eq(sum(x["calls"] for x in listed), len(answers), "every replayed request hit an exchange")
    # The card request is replayed with the real number and CVV: it matched all the same.
    eq([x["calls"] for x in listed if x["request"]["path"] == "/v3/payments"], [1],
       "the card payment matched its exchange")
    c.stop()
    assert_no_secrets([p for p in files_under(out) if not p.endswith("accounts.json")],
                      "recorded folder after replay")


@test("recorded_folder_replays_as_it_stands_with_embedded_accounts_and_api_key")
def _(ctx):
    # `asaas-mock --fixtures OUT --api-key KEY` on exactly what the recorder wrote: no
    # accounts.json added by hand. The folder has none, so the embedded default accounts
    # are used (the log says so) and --api-key adds the key.
    out = ctx.out_dir()
    b = ctx.mock("upstream-b2")
    rec = ctx.recorder("recorder2", upstream_url(b), out, upstream_ca=b.ca)
    cpf1, cpf2 = new_cpf(), new_cpf()
    ids, answers = {}, []
    for n, (name, step) in enumerate(the_sequence(cpf1, cpf2)[:3]):
        step = fill(step, ids)
        got = call(rec, step, n)
        note_ids(name, got, ids)
        answers.append((name, step, got))
    rec.stop()
    b.stop()
    check(not os.path.exists(os.path.join(out, "accounts.json")),
          "the recorder wrote no accounts.json")
    c = Server(ctx.binary, "replay-c2", use_fixtures=False, root=ctx.root,
               args=["--fixtures", out, "--api-key", KEY, "--clock", CLOCK, "--seed", SEED])
    ctx.own(c)
    for n, (name, step, recorded) in enumerate(answers):
        got = call(c, step, n)
        eq(got.status, recorded.status, f"replay {name}: status (body {got.body[:200]!r})")
        eq(got.body, recorded.body, f"replay {name}: body")
    listed = c.control("GET", "/__mock/exchanges").json()["exchanges"]
    eq(sum(x["calls"] for x in listed), len(answers), "every replayed request hit an exchange")
    check("embedded" in c.stdout(), "the log says the embedded default accounts are used")
    c.stop()


@test("recorder_refuses_bad_http_framing_as_json_and_records_nothing")
def _(ctx):
    # The recorder shares the server's HTTP/1.1 front (src/net/listener.c): a smuggling
    # pattern never reaches the upstream nor the recording.
    import socket
    out = ctx.out_dir()
    b = ctx.mock("upstream-b3")
    rec = ctx.recorder("recorder3", upstream_url(b), out, upstream_ca=b.ca)
    payload = (b"POST /v3/customers HTTP/1.1\r\nHost: x\r\naccess_token: " + KEY.encode() +
               b"\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n{}")
    with socket.create_connection(("127.0.0.1", rec.port), timeout=5) as raw:
        with rec.context().wrap_socket(raw, server_hostname="127.0.0.1") as t:
            t.sendall(payload)
            data = b""
            while True:
                c = t.recv(65536)
                if not c:
                    break
                data += c
    check(data.startswith(b"HTTP/1.1 400"), f"answer: {data[:200]!r}")
    check(b"Connection: close" in data and b'"invalid_http_request"' in data,
          f"JSON refusal with Connection: close: {data!r}")
    rec.stop()
    eq(os.listdir(os.path.join(out, "exchanges")), [], "nothing recorded")
    check("msg=http_refused" in rec.stdout(), "the refusal is logged")


@test("recording_redacts_keys_in_bodies_queries_and_paths")
def _(ctx):
    """Keys a client pasted into a body, a query and a path reach neither the recorded
    files nor the recorder's log whole (Server.assert_no_secret on the --out folder); the
    redacted forms are there, so the requests were recorded (a query parameter holding a
    secret is left out of the matcher)."""
    in_body, in_query, in_path = make_key(), make_key(), make_key()
    b = ctx.mock("upstream-keys")
    out = ctx.out_dir()
    rec = ctx.recorder("recorder-keys", upstream_url(b), out, upstream_ca=b.ca)
    steps = [("POST", "/v3/customers", {"name": f"Ana {in_body}", "cpfCnpj": new_cpf(),
                                         "observations": in_body}),
             ("GET", f"/v3/customers?externalReference={in_query}", None),
             ("GET", f"/v3/customers/{in_path}", None)]
    eq([call(rec, step, 100 + n).status for n, step in enumerate(steps)], [200, 200, 404],
       "statuses through the recorder")
    rec.stop()
    text = "".join(open(p, encoding="utf-8").read() for p in files_under(out))
    check(redact(in_body) in text, "the recorded answer holds the body's key redacted")
    check(redact(in_path) in rec.stdout(), "the log line holds the path's key redacted")
    rec.assert_no_secret()
    assert_no_secrets(list(files_under(out)), "recorded folder")


@test("recorder_without_the_right_ca_answers_502_and_writes_nothing")
def _(ctx):
    b = ctx.mock("upstream-b")
    other = ctx.mock("other-ca")  # a different self-signed certificate
    for label, ca in (("system store", None), ("another CA", other.ca)):
        out = ctx.out_dir()
        rec = ctx.recorder(f"recorder-{label.split()[0]}", upstream_url(b), out, upstream_ca=ca)
        r = call(rec, ("POST", "/v3/customers", {"name": "Ana", "cpfCnpj": new_cpf()}), 1)
        eq(r.status, 502, f"{label}: status")
        eq(r.header("Content-Type"), "application/json", f"{label}: content type")
        body = r.json()
        eq(list(body), ["errors"], f"{label}: Asaas error shape")
        eq(body["errors"][0]["code"], "upstream_unavailable", f"{label}: code")
        check("certificate verification failed" in body["errors"][0]["description"],
              f"{label}: description names the verification: {body!r}")
        rec.stop()
        eq(sorted(os.listdir(out)), ["exchanges"], f"{label}: output folder")
        eq(os.listdir(os.path.join(out, "exchanges")), [], f"{label}: nothing written")
        assert_no_secrets([rec.stdout_path, rec.stderr_path], f"{label}: recorder logs")
    # B never saw a request: the handshake failed first.
    eq(len(b.control("GET", "/__mock/journal?limit=50").json()["data"]), 0,
       "no request reached the upstream")


@test("recorder_answers_502_when_the_upstream_is_gone")
def _(ctx):
    b = ctx.mock("upstream-b")
    url, ca = upstream_url(b), b.ca
    b.stop()
    out = ctx.out_dir()
    rec = ctx.recorder("recorder", url, out, upstream_ca=ca)
    r = call(rec, ("GET", "/v3/customers", None), 1)
    eq(r.status, 502, "status")
    eq(r.json()["errors"][0]["code"], "upstream_unavailable", "code")
    check("cannot connect" in r.json()["errors"][0]["description"], f"description: {r.body!r}")
    rec.stop()
    eq(os.listdir(os.path.join(out, "exchanges")), [], "nothing written")


@test("recorder_refuses_bad_options_and_a_folder_holding_a_recording")
def _(ctx):
    out = ctx.out_dir()
    os.makedirs(os.path.join(out, "exchanges"))
    with open(os.path.join(out, "exchanges", "0001-old.json"), "w") as f:
        f.write("[]")

    def run(args):
        p = run_binary(ctx.binary, ["record"] + args)
        return p.returncode, p.stderr.decode()

    rc, text = run(["--upstream", "https://127.0.0.1:1", "--out", out, "--port", "0"])
    eq(rc, 1, f"existing recording: exit code ({text})")
    check("0001-old.json" in text, f"message names the file: {text}")
    rc, text = run(["--upstream", "http://127.0.0.1:1", "--out", out])
    eq(rc, 2, f"plaintext upstream: exit code ({text})")
    rc, text = run(["--out", out])
    eq(rc, 2, f"no --upstream: exit code ({text})")
    rc, text = run(["--upstream", "https://127.0.0.1:1", "--out", out, "--bogus"])
    eq(rc, 2, f"unknown option: exit code ({text})")
    rc, text = run(["--upstream", "https://127.0.0.1:1", "--out", out, "--port", KEY])
    eq(rc, 2, f"a key in the wrong place: exit code ({text})")
    check(KEY not in text and KEY[14:30] not in text, "a misplaced key is not echoed")
    rc, text = run(["--help"])
    eq(rc, 0, "--help")


# ---------------------------------------------------------------------------- main

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-record-", __doc__.split("\n")[0])

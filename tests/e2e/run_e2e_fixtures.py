#!/usr/bin/env python3
"""run_e2e_fixtures.py - end-to-end tests of fixture folders: seeds, recorded exchanges, reload.

Usage: python3 tests/e2e/run_e2e_fixtures.py /path/to/asaas-mock [-k substring]

Every test writes its own fixtures folder (accounts.json, seed/NAME.json, exchanges/*.json)
and starts its own server with --fixtures on it, then checks from a real HTTPS client:
seeds run through the API (templates, a sandbox confirm), a failing seed step refusing the
start (exit 2), exchange matching (exact and placeholder paths, query, body and header
subsets, sequences, account binding, delays, authentication first), the listing with call
counts, the journal's "exchange" field, and reloads (POST /__mock/fixtures/reload and
SIGHUP, good and broken folders, --api-key keys kept).

Prints one line per test and ends with "N passed, N failed"; exits 0 only when every
selected test passed. Standard library only; reuses harness.py.
"""

import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (ABSENT, Server, check, eq, make_key, new_cpf,  # noqa: E402
                     redact)
from harness import api, registry, slack  # noqa: E402
from harness import err, journal_entry, run_binary, timed  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

# src/asaas_facts.h
TXT_TOKEN_NOT_FOUND = ("O cabeçalho de autenticação 'access_token' é obrigatório e não foi "
                       "encontrado na requisição")
TXT_INVALID_TOKEN = "A chave de API fornecida é inválida"
TXT_USER_AGENT = "O cabeçalho 'User-Agent' é obrigatório e não foi encontrado na requisição"

CLOCK = "2025-03-10"  # a Monday; with --clock every account's today is this date (noon)
K = {"default": make_key(), "acc2": make_key()}


def accounts(default_keys=None):
    def entry(name, key):
        return {"name": name, "key": key, "enabled": True, "expirationDate": None}
    return [
        {"id": "default", "name": "Default", "requireUserAgent": True, "allowedIps": [],
         "keys": [entry("default", k) for k in (default_keys or [K["default"]])]},
        {"id": "acc2", "name": "Conta 2", "requireUserAgent": True, "allowedIps": [],
         "keys": [entry("acc2", K["acc2"])]},
    ]




# ---------------------------------------------------------------------------- runner

TESTS, test = registry()


class Ctx(harness.Ctx):
    """The servers of the current test (stopped after it); no shared server."""

    def server(self, name, seeds=None, exchanges=None, args=(), accounts_list=None,
               start=True):
        """A server on a fresh fixtures folder. seeds / exchanges: {file name: document}
        written to seed/ and exchanges/ before the start (a str is written verbatim)."""
        s = Server(self.binary, name, args=["--clock", CLOCK] + list(args),
                   accounts=accounts_list if accounts_list is not None else accounts(),
                   root=self.root, default_key=K["default"])
        write_docs(os.path.join(s.fixtures, "seed"), seeds)
        write_docs(os.path.join(s.fixtures, "exchanges"), exchanges)
        return self.own(s, start)


def write_docs(folder, docs):
    if not docs:
        return
    os.makedirs(folder, exist_ok=True)
    for name, doc in docs.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc, indent=1))


# ---------------------------------------------------------------------------- helpers

def ok_json(r, what, status=200):
    eq(r.status, status, f"{what} status (body {r.body[:300]!r})")
    return r.json()


def expect_error(r, status, code, description, what):
    eq(r.status, status, f"{what} status (body {r.body[:300]!r})")
    eq(r.json(), err(code, description), f"{what} body")


def exchanges_by_id(s):
    body = s.control("GET", "/__mock/exchanges").json()
    check(isinstance(body.get("exchanges"), list), f"/__mock/exchanges shape: {body!r}")
    return {x["id"]: x for x in body["exchanges"]}


def calls(s, xid):
    listed = exchanges_by_id(s)
    check(xid in listed, f"exchange {xid!r} not listed: {sorted(listed)}")
    return listed[xid]["calls"]


def journal(s, limit=50):
    return s.control("GET", f"/__mock/journal?limit={limit}").json()["data"]


def reload_control(s, expect=200):
    return s.control("POST", "/__mock/fixtures/reload", expect=expect)


def fixture_dir(root, seeds=None, exchanges=None, accounts_list=None):
    d = tempfile.mkdtemp(prefix="fx-", dir=root)
    with open(os.path.join(d, "accounts.json"), "w") as f:
        json.dump({"accounts": accounts_list if accounts_list is not None else accounts()}, f)
    write_docs(os.path.join(d, "seed"), seeds)
    write_docs(os.path.join(d, "exchanges"), exchanges)
    return d


def customer_seed(cpf, extra_steps=(), name="Ana Seed"):
    return {"account": "default",
            "requests": [{"as": "ana", "method": "POST", "path": "/v3/customers",
                          "body": {"name": name, "cpfCnpj": cpf}}] + list(extra_steps)}


def find_customer(s, cpf, key=None):
    body = ok_json(api(s, "GET", f"/v3/customers?cpfCnpj={cpf}", key=key), "customers by cpf")
    return body["data"]


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# ---------------------------------------------------------------------------- seeds


@test("seed_creates_customer_and_confirmed_payment_visible_through_get")
def _(ctx):
    cpf = new_cpf()
    seed = customer_seed(cpf, [
        {"as": "pay", "method": "POST", "path": "/v3/payments",
         "body": {"customer": "${ana.id}", "billingType": "PIX", "value": 100,
                  "dueDate": "${today+10}", "externalReference": "seed-${ana.id}"}},
        {"method": "POST", "path": "/v3/sandbox/payment/${pay.id}/confirm"},
        # "${pay.value}" alone is a number template: the value stays a number
        {"as": "second", "method": "POST", "path": "/v3/payments",
         "body": {"customer": "${ana.id}", "billingType": "BOLETO", "value": "${pay.value}",
                  "dueDate": "${today}"}},
    ])
    s = ctx.server("seed", seeds={"10-basics.json": seed})
    data = find_customer(s, cpf)
    eq(len(data), 1, "seeded customers with that CPF")
    cus = data[0]
    eq((cus["object"], cus["name"], cus["cpfCnpj"]), ("customer", "Ana Seed", cpf),
       "seeded customer")
    check(re.fullmatch(r"cus_\w+", cus["id"]), f"customer id {cus['id']!r}")
    eq(ok_json(api(s, "GET", f"/v3/customers/{cus['id']}"), "GET customer")["id"], cus["id"],
       "GET /v3/customers/{id}")
    pays = ok_json(api(s, "GET", f"/v3/payments?customer={cus['id']}"), "payments")["data"]
    eq(len(pays), 2, f"seeded payments: {pays!r}")
    pix = [p for p in pays if p["billingType"] == "PIX"]
    bol = [p for p in pays if p["billingType"] == "BOLETO"]
    check(len(pix) == 1 and len(bol) == 1, f"billing types: {[p['billingType'] for p in pays]}")
    pix, bol = pix[0], bol[0]
    got = ok_json(api(s, "GET", f"/v3/payments/{pix['id']}"), "GET PIX payment")
    eq(got["status"], "RECEIVED", "PIX payment after the seed's sandbox confirm")
    eq(got["value"], 100, "PIX value")
    eq(got["dueDate"], "2025-03-20", "${today+10} on the --clock date")
    eq(got["customer"], cus["id"], "${ana.id} in the body")
    eq(got["externalReference"], f"seed-{cus['id']}", "template inside a longer string")
    eq(got["paymentDate"], CLOCK, "paymentDate of the confirm")
    got = ok_json(api(s, "GET", f"/v3/payments/{bol['id']}"), "GET BOLETO payment")
    eq((got["status"], got["value"], got["dueDate"]), ("PENDING", 100, CLOCK),
       "second payment (value from \"${pay.value}\", dueDate ${today})")
    events = s.control("GET", "/__mock/accounts/default/events").json()
    text = json.dumps(events)
    for ev in ("PAYMENT_CREATED", "PAYMENT_RECEIVED"):
        check(ev in text, f"{ev} missing from the events of the seeded account")


@test("seed_step_failing_validation_refuses_start_exit_2")
def _(ctx):
    cpf = new_cpf()
    seed = customer_seed(cpf, [
        {"method": "POST", "path": "/v3/payments",
         "body": {"customer": "${ana.id}", "billingType": "PIX", "value": 50,
                  "dueDate": "${today-1}"}}])
    d = fixture_dir(ctx.root, seeds={"00-ok.json": customer_seed(new_cpf()),
                                     "20-past-due.json": seed})
    port_file = os.path.join(d, "port")
    p = run_binary(ctx.binary, ["--port", "0", "--port-file", port_file, "--fixtures", d,
                                "--clock", CLOCK], cwd=d)
    out = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 2, f"exit status (stderr {out!r})")
    check("20-past-due.json" in out, f"stderr does not name the seed file: {out!r}")
    check("requests[1]" in out, f"stderr does not name the step index requests[1]: {out!r}")
    check("invalid_dueDate" in out, f"stderr does not carry the API error code: {out!r}")
    check("400" in out, f"stderr does not carry the API status: {out!r}")
    check(not os.path.exists(port_file), "the refused server wrote its port file")


@test("seed_unknown_step_name_refuses_start_exit_2")
def _(ctx):
    seed = customer_seed(new_cpf(), [
        {"method": "POST", "path": "/v3/payments",
         "body": {"customer": "${bob.id}", "billingType": "PIX", "value": 50,
                  "dueDate": "${today+1}"}}])
    d = fixture_dir(ctx.root, seeds={"bad-name.json": seed})
    p = run_binary(ctx.binary, ["--port", "0", "--fixtures", d], cwd=d)
    out = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 2, f"exit status (stderr {out!r})")
    check("bad-name.json" in out and "requests[1]" in out and "bob" in out,
          f"stderr should name file, step and the unknown name: {out!r}")


# ---------------------------------------------------------------------------- exchanges

@test("exchange_exact_path_answers_with_templates_and_headers")
def _(ctx):
    ex = [{"id": "keys-list", "request": {"method": "GET", "path": "/v3/pix/addressKeys"},
           "response": {"status": 200, "headers": {"X-Trace": "{{uuid}}"},
                        "body": {"object": "list", "id": "{{uuid}}", "cus": "{{customerId}}",
                                 "pay": "{{id \"pay_\" 16}}", "due": "{{today+3}}",
                                 "past": "{{today-10}}", "now": "{{now}}", "n": 1.5}}},
          {"id": "no-body", "request": {"method": "DELETE", "path": "/v3/pix/addressKeys/x"},
           "response": {"status": 204}}]
    s = ctx.server("exact", exchanges={"a.json": ex})
    r = api(s, "GET", "/v3/pix/addressKeys")
    b = ok_json(r, "GET /v3/pix/addressKeys")
    eq(r.header("Content-Type").split(";")[0].strip(), "application/json", "Content-Type")
    check(UUID_RE.match(b["id"] or ""), f"{{{{uuid}}}} rendered {b['id']!r}")
    check(UUID_RE.match(r.header("X-Trace") or ""), f"X-Trace header {r.header('X-Trace')!r}")
    check(re.fullmatch(r"cus_\d{12}", b["cus"]), f"{{{{customerId}}}} rendered {b['cus']!r}")
    check(re.fullmatch(r"pay_[a-z0-9]{16}", b["pay"]), f"{{{{id}}}} rendered {b['pay']!r}")
    eq((b["due"], b["past"], b["now"], b["n"], b["object"]),
       ("2025-03-13", "2025-02-28", "2025-03-10 12:00:00", 1.5, "list"),
       "date templates on the account clock, literals kept")
    b2 = ok_json(api(s, "GET", "/v3/pix/addressKeys"), "second call")
    check(b2["id"] != b["id"] and b2["pay"] != b["pay"], "ids are drawn anew on every call")
    # the legacy prefix is the same path
    ok_json(api(s, "GET", "/api/v3/pix/addressKeys"), "GET /api/v3/pix/addressKeys")
    # date templates follow the account's own clock
    s.control("POST", "/__mock/accounts/default/clock/advance", body={"days": 2})
    b = ok_json(api(s, "GET", "/v3/pix/addressKeys"), "after advancing the clock")
    eq(b["due"], "2025-03-15", "{{today+3}} after advancing the account 2 days")
    # another account's clock did not move
    b = ok_json(api(s, "GET", "/v3/pix/addressKeys", key=K["acc2"]), "acc2")
    eq(b["due"], "2025-03-13", "{{today+3}} on acc2's own clock")
    # method and deeper paths must match exactly
    r = api(s, "POST", "/v3/pix/addressKeys", body={})
    check(r.status != 200 and r.json().get("errors"), f"POST is not the GET exchange: {r!r}")
    r = api(s, "GET", "/v3/pix/addressKeys/extra")
    check(r.status != 200, f"a longer path is not the exchange: {r!r}")
    eq(calls(s, "keys-list"), 5, "calls of keys-list (2 + /api/v3 + advanced + acc2)")
    r = api(s, "DELETE", "/v3/pix/addressKeys/x")
    eq(r.status, 204, f"no-body exchange status {r!r}")
    eq(r.body, b"", "no-body exchange body")
    eq(r.header("Content-Type"), None, "no Content-Type without a body")


@test("exchange_placeholder_path_echoes_capture")
def _(ctx):
    ex = [{"id": "transfer-get", "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "response": {"body": {"object": "transfer", "id": "{{path.id}}",
                                 "label": "t={{path.id}}!", "status": "DONE"}}},
          {"id": "nested", "request": {"method": "GET",
                                       "path": "/v3/customers/{cid}/notifications/{nid}"},
           "response": {"status": 202, "body": {"c": "{{path.cid}}", "n": "{{path.nid}}"}}}]
    s = ctx.server("placeholder", exchanges={"t.json": ex})
    b = ok_json(api(s, "GET", "/v3/transfers/tra_abc123"), "GET /v3/transfers/tra_abc123")
    eq(b, {"object": "transfer", "id": "tra_abc123", "label": "t=tra_abc123!",
           "status": "DONE"}, "echoed body")
    b = ok_json(api(s, "GET", "/api/v3/transfers/xyz"), "legacy prefix")
    eq(b["id"], "xyz", "capture under /api/v3")
    b = ok_json(api(s, "GET", "/v3/customers/cus_1/notifications/not_2"), "two captures", 202)
    eq(b, {"c": "cus_1", "n": "not_2"}, "two captures")
    r = api(s, "GET", "/v3/transfers/a/b")
    check(r.status != 200, f"a placeholder is one segment only: {r!r}")
    r = api(s, "GET", "/v3/transfers/")
    check(r.status != 200 or r.json().get("id") != "", f"an empty segment is no capture: {r!r}")
    # the emulated customer route is untouched by the deeper exchange
    r = api(s, "GET", "/v3/customers/cus_1")
    expect_error(r, 404, "not_found", "O recurso solicitado não existe",
                 "GET unknown customer (emulation)")
    eq(calls(s, "transfer-get"), 2, "calls of transfer-get")


@test("exchange_query_subset_with_decoding")
def _(ctx):
    ex = [{"id": "cus-by-name", "request": {"method": "GET", "path": "/v3/customers",
                                            "query": {"name": "Replay Ltda", "x": "1"}},
           "response": {"body": {"object": "list", "replayed": True,
                                 "limit": "{{query.limit}}", "name": "{{query.name}}"}}}]
    s = ctx.server("query", exchanges={"q.json": ex})
    b = ok_json(api(s, "GET", "/v3/customers?limit=5&name=Replay%20Ltda&x=1"), "query match")
    eq(b, {"object": "list", "replayed": True, "limit": "5", "name": "Replay Ltda"},
       "query subset (extra key ignored, %20 decoded)")
    b = ok_json(api(s, "GET", "/v3/customers?x=1&name=Replay+Ltda"), "'+' decoded")
    eq(b.get("replayed"), True, "'+' as space matches")
    for q in ("name=Replay%20Ltda", "name=Other&x=1", "name=Replay%20Ltda&x=2", ""):
        b = ok_json(api(s, "GET", "/v3/customers" + ("?" + q if q else "")), f"?{q}")
        check("replayed" not in b, f"?{q} should fall through to the emulation: {b!r}")
        eq((b["object"], b["totalCount"]), ("list", 0), f"emulated listing for ?{q}")
    eq(calls(s, "cus-by-name"), 2, "calls of cus-by-name")


@test("exchange_body_subset_pix_matches_boleto_falls_through")
def _(ctx):
    ex = [{"id": "pix-create", "request": {"method": "POST", "path": "/v3/payments",
                                           "body": {"billingType": "PIX"}},
           "response": {"body": {"object": "payment", "id": "{{id \"pay_\" 16}}",
                                 "value": "{{body.value}}", "customer": "{{body.customer}}",
                                 "missing": "{{body.nope}}", "note": "v={{body.value}}",
                                 "billingType": "PIX", "status": "PENDING"}}},
          {"id": "nested", "request": {"method": "POST", "path": "/v3/payments",
                                       "body": {"billingType": "CREDIT_CARD",
                                                "creditCard": {"number": "4000"}}},
           "response": {"status": 402, "body": {"declined": True}}},
          {"id": "echo", "request": {"method": "POST", "path": "/v3/echo"},
           "response": {"body": {"all": "{{body}}", "first": "{{body.items.0.id}}",
                                 "text": "<{{body.items}}>"}}}]
    s = ctx.server("body", exchanges={"p.json": ex})
    b = ok_json(api(s, "POST", "/v3/echo", body={"items": [{"id": 7}], "z": None}), "echo")
    eq(b, {"all": {"items": [{"id": 7}], "z": None}, "first": 7, "text": '<[{"id":7}]>'},
       "{{body}}, array index, compact JSON in text")
    # the customer does not exist: only a replay can answer 200
    b = ok_json(api(s, "POST", "/v3/payments",
                    body={"customer": "cus_000000000001", "billingType": "PIX",
                          "value": 42.5, "dueDate": "2025-03-20"}), "PIX create")
    check(re.fullmatch(r"pay_[a-z0-9]{16}", b["id"]), f"replayed id {b['id']!r}")
    eq((b["value"], b["customer"], b["missing"], b["note"]),
       (42.5, "cus_000000000001", None, "v=42.5"), "body templates")
    r = api(s, "GET", f"/v3/payments/{b['id']}")
    eq(r.status, 404, f"a replayed create does not create state: {r!r}")
    # BOLETO does not match: the emulation answers normally and keeps state
    cus = ok_json(api(s, "POST", "/v3/customers", body={"name": "Bia", "cpfCnpj": new_cpf()}),
                  "create customer")
    pb = ok_json(api(s, "POST", "/v3/payments",
                     body={"customer": cus["id"], "billingType": "BOLETO", "value": 42.5,
                           "dueDate": "2025-03-20"}), "BOLETO create")
    eq((pb["object"], pb["billingType"], pb["status"], pb["customer"], pb["value"]),
       ("payment", "BOLETO", "PENDING", cus["id"], 42.5), "emulated BOLETO payment")
    got = ok_json(api(s, "GET", f"/v3/payments/{pb['id']}"), "GET emulated payment")
    eq(got["id"], pb["id"], "emulated payment is stored")
    # BOLETO for a missing customer: the emulation's own error, not a replay
    r = api(s, "POST", "/v3/payments", body={"customer": "cus_000000000001",
                                             "billingType": "BOLETO", "value": 1,
                                             "dueDate": "2025-03-20"})
    check(r.status in (400, 404) and r.json().get("errors"),
          f"emulation error for an unknown customer: {r!r}")
    # nested subset: extra nested keys ignored, a different nested value falls through
    card = {"holderName": "A", "number": "4000", "expiryMonth": "01", "expiryYear": "2030",
            "ccv": "123"}
    r = api(s, "POST", "/v3/payments", body={"customer": cus["id"],
                                             "billingType": "CREDIT_CARD", "value": 10,
                                             "dueDate": "2025-03-20", "creditCard": card})
    eq((r.status, r.json()), (402, {"declined": True}), "nested body subset matches")
    card["number"] = "4000000000000010"
    r = api(s, "POST", "/v3/payments", body={"customer": cus["id"],
                                             "billingType": "CREDIT_CARD", "value": 10,
                                             "dueDate": "2025-03-20", "creditCard": card})
    check(r.status != 402, f"different nested value should fall through: {r!r}")
    # a body that is not JSON never matches a body matcher
    r = api(s, "POST", "/v3/payments", body="billingType=PIX",
            headers=[("Content-Type", "application/x-www-form-urlencoded")])
    check(r.status != 200, f"non-JSON body matched the PIX exchange: {r!r}")
    listed = exchanges_by_id(s)
    eq((listed["pix-create"]["calls"], listed["nested"]["calls"], listed["echo"]["calls"]),
       (1, 1, 1), "call counts")


@test("exchange_header_match_case_insensitive_name_exact_value")
def _(ctx):
    ex = [{"id": "tenant-balance", "request": {"method": "GET", "path": "/v3/finance/balance",
                                               "headers": {"X-Tenant": "acme"}},
           "response": {"headers": {"X-Echo-Tenant": "{{header.x-tenant}}",
                                    "X-Echo-Token": "[{{header.access_token}}]"},
                        "body": {"balance": 999.99}}}]
    s = ctx.server("header", exchanges={"h.json": ex})
    r = api(s, "GET", "/v3/finance/balance", headers=[("x-tenant", "acme")])
    eq(ok_json(r, "tenant acme"), {"balance": 999.99}, "replayed balance")
    eq(r.header("X-Echo-Tenant"), "acme", "{{header.x-tenant}}")
    eq(r.header("X-Echo-Token"), "[]", "{{header.access_token}} renders empty")
    for hdrs in ([("X-Tenant", "ACME")], [("X-Tenant", "other")], []):
        b = ok_json(api(s, "GET", "/v3/finance/balance", headers=hdrs), f"headers {hdrs}")
        check(b != {"balance": 999.99}, f"{hdrs} should fall through: {b!r}")
        check("balance" in b, f"emulated balance body: {b!r}")
    eq(calls(s, "tenant-balance"), 1, "calls of tenant-balance")


@test("exchange_sequence_a_b_c_then_c_repeats")
def _(ctx):
    ex = {"exchanges": [{"id": "seq", "request": {"method": "POST", "path": "/v3/transfers"},
                         "responses": [{"status": 202, "body": {"step": "A"}},
                                       {"status": 200, "body": {"step": "B"}},
                                       {"status": 201, "body": {"step": "C"},
                                        "headers": {"X-Last": "yes"}}]}]}
    s = ctx.server("sequence", exchanges={"seq.json": ex})
    got = []
    for _i in range(5):
        r = api(s, "POST", "/v3/transfers", body={"value": 1})
        got.append((r.status, r.json()["step"], r.header("X-Last")))
    eq(got, [(202, "A", None), (200, "B", None), (201, "C", "yes"), (201, "C", "yes"),
             (201, "C", "yes")], "sequence A, B, C, C, C")
    x = exchanges_by_id(s)["seq"]
    eq((x["calls"], x["responses"]), (5, 3), "listing calls / responses")


@test("exchange_account_bound_matches_only_that_account")
def _(ctx):
    ex = [{"id": "acc2-only", "account": "acc2",
           "request": {"method": "GET", "path": "/v3/customers"},
           "response": {"body": {"object": "list", "replayedFor": "acc2"}}}]
    s = ctx.server("account", exchanges={"acc.json": ex}, args=["--auto-accounts"])
    eq(ok_json(api(s, "GET", "/v3/customers", key=K["acc2"]), "acc2"),
       {"object": "list", "replayedFor": "acc2"}, "acc2 gets the replay")
    for who, key in (("default", K["default"]), ("auto", make_key())):
        b = ok_json(api(s, "GET", "/v3/customers", key=key), who)
        check("replayedFor" not in b, f"{who} must not match acc2's exchange: {b!r}")
        eq((b["object"], b["totalCount"]), ("list", 0), f"{who} gets the emulation")
    x = exchanges_by_id(s)["acc2-only"]
    eq((x["account"], x["calls"]), ("acc2", 1), "listing account / calls")


@test("exchange_delay_holds_the_answer_without_blocking_others")
def _(ctx):
    # 1 s: long enough that "answered before the delay ended" needs no timing luck.
    ex = [{"id": "slow", "delayMs": 1000,
           "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "responses": [{"body": {"n": 1}}, {"body": {"n": 2}, "delayMs": 0}]}]
    s = ctx.server("delay", exchanges={"d.json": ex})
    api(s, "GET", "/v3/customers?limit=1")  # warm-up
    result = {}

    def slow():
        result["r"], result["dt"] = timed(lambda: api(s, "GET", "/v3/transfers/t1"))
        result["done"] = time.monotonic()
    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.05)
    fast, fast_dt = timed(lambda: api(s, "GET", "/v3/customers?limit=1"))
    fast_done = time.monotonic()
    th.join(timeout=slack(5))
    check(not th.is_alive(), "delayed request never answered")
    eq(ok_json(result["r"], "delayed call"), {"n": 1}, "delayed body")
    check(result["dt"] >= 1.0, f"delayMs 1000 answered after {result['dt'] * 1000:.0f} ms")
    check(result["dt"] < 1.0 + slack(1.0),
          f"delayMs 1000 answered after {result['dt'] * 1000:.0f} ms")
    eq(fast.status, 200, "request during the delay")
    # Order, not a millisecond bound: a blocked loop would answer the fast one after the slow.
    check(fast_done < result["done"], f"a request during the delay took {fast_dt * 1000:.0f} ms"
          " and finished after the delayed one: the delay blocked the server")
    r, dt = timed(lambda: api(s, "GET", "/v3/transfers/t1"))
    eq(ok_json(r, "second call"), {"n": 2}, "second body")
    check(dt < 1.0, f"response delayMs 0 overrides the exchange's 1000: took {dt * 1000:.0f} ms")


@test("exchange_path_still_requires_authentication")
def _(ctx):
    ex = [{"id": "open", "request": {"method": "GET", "path": "/v3/pix/addressKeys"},
           "response": {"body": {"replayed": True}}}]
    s = ctx.server("auth", exchanges={"a.json": ex})
    expect_error(api(s, "GET", "/v3/pix/addressKeys", key=ABSENT), 401,
                 "access_token_not_found", TXT_TOKEN_NOT_FOUND, "no access_token")
    expect_error(api(s, "GET", "/v3/pix/addressKeys", key=make_key()), 401,
                 "invalid_access_token", TXT_INVALID_TOKEN, "unknown key")
    r = api(s, "GET", "/v3/pix/addressKeys", ua=ABSENT)
    expect_error(r, 401, "user_agent_not_found", TXT_USER_AGENT, "no User-Agent")
    e = journal_entry(s, r.header("X-Request-Id"))
    eq((e["status"], e["exchange"]), (401, None), "journal of a refused request")
    expect_error(api(s, "GET", "/v3/pix/addressKeys", body={"a": 1}), 403, "invalid_request",
                 "Requisições GET não podem conter corpo", "GET with a body")
    r = api(s, "GET", "/v3/pix/addressKeys", key="")
    eq((r.status, r.body), (401, b""), "empty access_token: 401, empty body")
    eq(calls(s, "open"), 0, "refused requests are not exchange calls")
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys"), "valid key"), {"replayed": True},
       "valid key gets the replay")


@test("exchanges_listing_in_load_order_with_call_counts")
def _(ctx):
    b_file = [{"request": {"method": "GET", "path": "/v3/transfers/{id}"},
               "response": {"body": {"file": "b"}}},
              {"id": "b-second", "delayMs": 5,
               "request": {"method": "POST", "path": "/v3/transfers",
                           "query": {"dry": "1"}, "headers": {"X-A": "1"},
                           "body": {"value": 1}},
               "response": {"body": {}}}]
    a_file = {"exchanges": [{"id": "a-first", "account": "default",
                             "request": {"method": "GET", "path": "/v3/transfers/{id}"},
                             "response": {"body": {"file": "a"}}}]}
    s = ctx.server("listing", exchanges={"b.json": b_file, "a.json": a_file,
                                         ".hidden.json": "not json", "notes.txt": "x"})
    # a.json sorts before b.json: its exchange wins for the shared path
    eq(ok_json(api(s, "GET", "/v3/transfers/t"), "shared path"), {"file": "a"},
       "first match in load order")
    eq(ok_json(api(s, "GET", "/v3/transfers/t", key=K["acc2"]), "acc2"), {"file": "b"},
       "account-bound a-first skipped for acc2")
    body = s.control("GET", "/__mock/exchanges").json()
    xs = body["exchanges"]
    eq(len(xs), 3, f"listed exchanges: {xs!r}")
    eq(xs[0], {"id": "a-first", "file": "a.json", "account": "default",
               "request": {"method": "GET", "path": "/v3/transfers/{id}"},
               "responses": 1, "delayMs": 0, "calls": 1}, "a-first entry")
    check(xs[1]["id"].startswith("b") and "#0" in xs[1]["id"],
          f"default id of b.json's first exchange: {xs[1]['id']!r}")
    eq({k: v for k, v in xs[1].items() if k != "id"},
       {"file": "b.json", "account": None,
        "request": {"method": "GET", "path": "/v3/transfers/{id}"},
        "responses": 1, "delayMs": 0, "calls": 1}, "b.json#0 entry")
    eq(xs[2], {"id": "b-second", "file": "b.json", "account": None,
               "request": {"method": "POST", "path": "/v3/transfers", "query": {"dry": "1"},
                           "headers": {"X-A": "1"}, "body": {"value": 1}},
               "responses": 1, "delayMs": 5, "calls": 0}, "b-second entry")


@test("journal_entry_of_replayed_request_names_exchange")
def _(ctx):
    ex = [{"id": "jr", "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "response": {"status": 201, "body": {"ok": True}}}]
    s = ctx.server("journal", exchanges={"j.json": ex})
    r = api(s, "GET", "/v3/transfers/abc", headers=[("X-Request-Id", "fx-journal-1")])
    eq(r.status, 201, "replayed status")
    rid = r.header("X-Request-Id")
    check(rid, "no X-Request-Id on a replayed answer")
    e = journal_entry(s, rid)
    eq((e["exchange"], e["status"], e["method"], e["path"], e["account"], e["auth"]),
       ("jr", 201, "GET", "/v3/transfers/abc", "default", "ok"),
       f"journal entry of the replay {e!r}")
    eq(e["key"], redact(K["default"]), "journal key redacted")
    r = api(s, "GET", "/v3/customers")
    e = journal_entry(s, r.header("X-Request-Id"))
    eq(e["exchange"], None, "journal entry of an emulated request")
    # Routine log lines are flushed every 100 ms: wait for it (bounded).
    _, line = s.wait_log(lambda f, ln: "msg=request" in ln and "path=/v3/transfers/abc" in ln,
                         what="access-log line for the replayed request")
    check("exchange=jr" in line, f"access-log line names the exchange: {line}")


@test("delayed_exchange_answer_survives_reload_and_sigterm")
def _(ctx):
    ex = [{"id": "slow-one", "delayMs": 500,
           "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "response": {"headers": {"X-Id": "{{path.id}}"}, "body": {"id": "{{path.id}}"}}}]
    s = ctx.server("delay-reload", exchanges={"s.json": ex})
    result = {}

    def slow(tag):
        try:
            result[tag] = timed(lambda: api(s, "GET", f"/v3/transfers/{tag}"))
        except Exception as e:  # reported below
            result[tag] = e
    th = threading.Thread(target=slow, args=("mid",))
    th.start()
    time.sleep(0.15)
    reload_control(s)  # frees the set the pending answer came from
    th.join(timeout=slack(5))
    check(not th.is_alive(), "the delayed request never answered after a reload")
    check(not isinstance(result["mid"], Exception), f"delayed request: {result['mid']!r}")
    r, dt = result["mid"]
    eq((ok_json(r, "answer pending over a reload"), r.header("X-Id")), ({"id": "mid"}, "mid"),
       "answer rendered before the reload is delivered intact")
    check(dt >= 0.5, f"delay cut short by the reload: {dt * 1000:.0f} ms")
    e = journal_entry(s, r.header("X-Request-Id"))
    eq(e["exchange"], "slow-one", "journal names the exchange of a reply outliving its set")
    th = threading.Thread(target=slow, args=("term",))
    th.start()
    time.sleep(0.15)
    s.signal(signal.SIGTERM)
    th.join(timeout=slack(5))
    check(not th.is_alive(), "the delayed request never answered after SIGTERM")
    check(not isinstance(result["term"], Exception),
          f"delayed request in flight at SIGTERM: {result['term']!r}")
    r, dt = result["term"]
    eq(ok_json(r, "answer in flight at SIGTERM"), {"id": "term"}, "in-flight replay finished")
    eq(s.wait_exit(5), 0, f"exit status after SIGTERM{s.diagnostics()}")


# ---------------------------------------------------------------------------- start-up

@test("broken_exchange_at_start_exits_2_with_file_and_position")
def _(ctx):
    # line 3: `   "response" {...` lacks its ':'; the offending '{' is column 15
    broken = ('[\n  {"request": {"method": "GET", "path": "/v3/x"},\n'
              '   "response" {"status": 200}}\n]\n')
    d = fixture_dir(ctx.root, exchanges={"ok.json": [], "zz-broken.json": broken})
    p = run_binary(ctx.binary, ["--port", "0", "--fixtures", d], cwd=d)
    out = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 2, f"exit status (stderr {out!r})")
    check("zz-broken.json:3:15: invalid JSON" in out,
          f"stderr should name zz-broken.json:3:15: invalid JSON: {out!r}")
    typo = [{"request": {"method": "GET", "path": "/v3/x", "methd": "GET"},
             "response": {}}]
    d = fixture_dir(ctx.root, exchanges={"typo.json": typo})
    p = run_binary(ctx.binary, ["--port", "0", "--fixtures", d], cwd=d)
    out = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 2, f"exit status, unknown field (stderr {out!r})")
    check("typo.json" in out and "[0].request.methd" in out and "unknown field" in out,
          f"stderr should name typo.json, the JSON path and the reason: {out!r}")
    one = [{"id": "dup", "request": {"method": "GET", "path": "/v3/a"}, "response": {}}]
    two = [{"id": "dup", "request": {"method": "GET", "path": "/v3/b"}, "response": {}}]
    d = fixture_dir(ctx.root, exchanges={"one.json": one, "two.json": two})
    p = run_binary(ctx.binary, ["--port", "0", "--fixtures", d], cwd=d)
    out = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 2, f"exit status, duplicate id (stderr {out!r})")
    check("two.json" in out and "[0].id" in out and "dup" in out,
          f"stderr should name two.json, [0].id and the duplicate id: {out!r}")


# ---------------------------------------------------------------------------- reload

@test("reload_control_swaps_exchanges_and_resets_state")
def _(ctx):
    seed_cpf = new_cpf()
    ex_a = [{"id": "x-a", "request": {"method": "GET", "path": "/v3/transfers/{id}"},
             "responses": [{"body": {"n": 1}}, {"body": {"n": 2}}]}]
    s = ctx.server("reload", seeds={"s.json": customer_seed(seed_cpf)},
                   exchanges={"a.json": ex_a})
    seeded = find_customer(s, seed_cpf)
    eq(len(seeded), 1, "seeded customer before the reload")
    eq(ok_json(api(s, "GET", "/v3/transfers/1"), "x-a call 1"), {"n": 1}, "x-a first")
    eq(ok_json(api(s, "GET", "/v3/transfers/1"), "x-a call 2"), {"n": 2}, "x-a second")
    made = ok_json(api(s, "POST", "/v3/customers",
                       body={"name": "Antes do reload", "cpfCnpj": new_cpf()}), "create")
    ok_json(api(s, "GET", f"/v3/customers/{made['id']}"), "created customer before reload")
    s.control("POST", "/__mock/accounts/default/clock/advance", body={"days": 3})
    write_docs(os.path.join(s.fixtures, "exchanges"), {"b.json": [
        {"id": "x-b", "request": {"method": "GET", "path": "/v3/pix/addressKeys"},
         "response": {"body": {"new": True, "today": "{{today}}"}}}]})
    body = reload_control(s).json()
    eq(body, {"reloaded": True, "accounts": 2, "exchanges": 2}, "reload answer")
    eq(sorted(exchanges_by_id(s)), ["x-a", "x-b"], "exchanges after the reload")
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys"), "new exchange"),
       {"new": True, "today": CLOCK}, "new exchange answers (clock back to --clock)")
    eq(ok_json(api(s, "GET", "/v3/transfers/1"), "x-a after reload"), {"n": 1},
       "sequence starts afresh after a reload")
    expect_error(api(s, "GET", f"/v3/customers/{made['id']}"), 404, "not_found",
                 "O recurso solicitado não existe", "customer created before the reload")
    again = find_customer(s, seed_cpf)
    eq(len(again), 1, "the seed ran again after the reload")
    eq(again[0]["name"], "Ana Seed", "re-seeded customer")
    lst = ok_json(api(s, "GET", "/v3/customers"), "all customers")
    eq(lst["totalCount"], 1, f"only the seeded customer after the reload: {lst['data']!r}")


@test("reset_one_account_then_everything_back_to_the_fixtures")
def _(ctx):
    seed_cpf = new_cpf()
    s = ctx.server("reset", seeds={"s.json": customer_seed(seed_cpf)})
    eq(len(find_customer(s, seed_cpf)), 1, "seeded customer at start")
    made = ok_json(api(s, "POST", "/v3/customers",
                       body={"name": "Extra", "cpfCnpj": new_cpf()}), "create")
    s.control("POST", "/__mock/accounts/default/clock/advance", body={"days": 2})
    eq(ok_json(api(s, "GET", "/v3/customers"), "before reset")["totalCount"], 2, "two customers")
    body = s.control("POST", "/__mock/reset", body={"account": "default"}).json()
    check(isinstance(body.pop("durationUs", None), int), f"reset answer has durationUs: {body}")
    check(isinstance(body.pop("standby", None), bool), f"reset answer has standby: {body}")
    eq(body, {"reset": True, "account": "default"}, "reset answer (one account)")
    expect_error(api(s, "GET", f"/v3/customers/{made['id']}"), 404, "not_found",
                 "O recurso solicitado não existe", "customer made before the reset")
    lst = ok_json(api(s, "GET", "/v3/customers"), "after account reset")
    eq(lst["totalCount"], 1, f"only the seeded customer: {lst['data']!r}")
    clock = s.control("GET", "/__mock/accounts/default/clock").json()
    eq(clock["today"], CLOCK, "the account's clock is back at --clock")
    ok_json(api(s, "POST", "/v3/customers", body={"name": "Again", "cpfCnpj": new_cpf()}),
            "create again")
    body = s.control("POST", "/__mock/reset").json()
    check(isinstance(body.pop("durationUs", None), int), f"reset answer has durationUs: {body}")
    check(isinstance(body.pop("standby", None), bool), f"reset answer has standby: {body}")
    eq(body, {"reset": True, "account": None}, "reset answer (everything)")
    eq(ok_json(api(s, "GET", "/v3/customers"), "after full reset")["totalCount"], 1,
       "only the seeded customer after the full reset")
    s.control("POST", "/__mock/reset", body={"account": "nobody"}, expect=404)


@test("reload_control_broken_exchange_rejected_old_set_kept")
def _(ctx):
    ex = [{"id": "keep-me", "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "response": {"body": {"kept": True}}}]
    s = ctx.server("reload-broken", exchanges={"a.json": ex})
    made = ok_json(api(s, "POST", "/v3/customers", body={"name": "Fica", "cpfCnpj": new_cpf()}),
                   "create")
    folder = os.path.join(s.fixtures, "exchanges")
    write_docs(folder, {"b-broken.json": '{"exchanges": [\n  {"request": \n    oops}]}\n',
                        "c-new.json": [{"id": "never", "request": {"method": "GET",
                                                                   "path": "/v3/pix/addressKeys"},
                                        "response": {"body": {}}}]})
    r = reload_control(s, expect=400)
    b = r.json()
    eq(list(b), ["errors"], f"error shape {b!r}")
    eq(b["errors"][0]["code"], "invalid_fixtures", "error code")
    desc = b["errors"][0]["description"]
    check(re.search(r"b-broken\.json:3:5: invalid JSON$", desc),
          f"description should name b-broken.json:3:5 and the reason: {desc!r}")
    eq(sorted(exchanges_by_id(s)), ["keep-me"], "the previous set is still listed")
    eq(ok_json(api(s, "GET", "/v3/transfers/z"), "old exchange"), {"kept": True},
       "old exchange still answers")
    ok_json(api(s, "GET", f"/v3/customers/{made['id']}"), "state kept after a refused reload")
    # a semantic error names the JSON path
    write_docs(folder, {"b-broken.json": [{"request": {"method": "GET", "path": "/v3/a"},
                                           "response": {"body": "{{bogus}}"}}]})
    r = reload_control(s, expect=400)
    desc = r.json()["errors"][0]["description"]
    check("b-broken.json" in desc and "[0].response.body" in desc,
          f"description should name b-broken.json and [0].response.body: {desc!r}")
    os.unlink(os.path.join(folder, "b-broken.json"))
    eq(reload_control(s).json()["exchanges"], 2, "reload after the fix")
    eq(sorted(exchanges_by_id(s)), ["keep-me", "never"], "fixed set")


@test("sighup_broken_accounts_keeps_old_set_and_logs_failure")
def _(ctx):
    ex = [{"id": "hup", "request": {"method": "GET", "path": "/v3/transfers/{id}"},
           "response": {"body": {"hup": "{{path.id}}"}}}]
    s = ctx.server("sighup", exchanges={"h.json": ex})
    made = ok_json(api(s, "POST", "/v3/customers", body={"name": "Hup", "cpfCnpj": new_cpf()}),
                   "create")
    path = os.path.join(s.fixtures, "accounts.json")
    with open(path) as f:
        good = f.read()
    with open(path, "w") as f:
        f.write('{"accounts": [\n  {"id": "default", "keys": [}\n]}\n')
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    fields, line = s.wait_log(lambda f, ln: f.get("msg") == "fixtures_reload_failed",
                              since=mark, what="fixtures_reload_failed")
    eq(fields.get("via"), "SIGHUP", f"via= in {line!r}")
    check("accounts.json:2:30: invalid JSON" in fields.get("error", ""),
          f"error= should name accounts.json:2:30 (the '}}' closing no array): {line!r}")
    check(s.alive(), "server died on a broken SIGHUP reload")
    eq(ok_json(api(s, "GET", "/v3/transfers/t9"), "after failed SIGHUP"), {"hup": "t9"},
       "old exchange still answers")
    ok_json(api(s, "GET", f"/v3/customers/{made['id']}"), "state kept after failed SIGHUP")
    # fixed file + SIGHUP: reloaded, state back to the fixtures
    with open(path, "w") as f:
        f.write(good)
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    fields, line = s.wait_log(lambda f, ln: f.get("msg") in ("fixtures_reloaded",
                                                             "fixtures_reload_failed"),
                              since=mark, what="fixtures_reloaded")
    eq(fields.get("msg"), "fixtures_reloaded", f"second SIGHUP: {line!r}")
    eq(fields.get("via"), "SIGHUP", f"via= in {line!r}")
    expect_error(api(s, "GET", f"/v3/customers/{made['id']}"), 404, "not_found",
                 "O recurso solicitado não existe", "customer after a good SIGHUP reload")
    eq(calls(s, "hup"), 0, "fresh set after the SIGHUP reload")


@test("api_key_flag_survives_reloads")
def _(ctx):
    extra = make_key()
    s = ctx.server("apikey", args=["--api-key", extra], exchanges={"e.json": [
        {"id": "k", "request": {"method": "GET", "path": "/v3/pix/addressKeys"},
         "response": {"body": {"k": 1}}}]})
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys", key=extra), "before"), {"k": 1},
       "--api-key key before reloads")
    reload_control(s)
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys", key=extra), "after control reload"),
       {"k": 1}, "--api-key key after POST /__mock/fixtures/reload")
    b = ok_json(api(s, "GET", "/v3/customers", key=extra), "emulation after reload")
    eq(b["object"], "list", "emulated listing with the --api-key key")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(lambda f, ln: f.get("msg") == "fixtures_reloaded", since=mark,
               what="fixtures_reloaded")
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys", key=extra), "after SIGHUP"), {"k": 1},
       "--api-key key after SIGHUP")
    eq(ok_json(api(s, "GET", "/v3/pix/addressKeys"), "fixture key"), {"k": 1},
       "fixture key after the reloads")
    keys = s.control("GET", "/__mock/accounts/default/keys").json()
    text = json.dumps(keys)
    check(extra not in text, "a whole --api-key key is listed")
    check(redact(extra).split("...")[1] in text,
          f"--api-key key not in the default account's keys after reloads: {text[:400]}")
    check(extra not in s.stdout() and extra not in s.stderr(), "a whole key reached the logs")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-fixtures-", __doc__.split("\n")[0])

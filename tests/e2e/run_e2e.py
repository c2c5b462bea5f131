#!/usr/bin/env python3
"""run_e2e.py - end-to-end tests of the real asaas-mock binary over HTTPS.

Usage: python3 tests/e2e/run_e2e.py /path/to/asaas-mock [-k substring]

Prints one line per test and ends with "N passed, N failed"; exits 0 only when every
selected test passed. Standard library only. Each server runs on a free loopback port
(--port 0 --port-file) with its own temporary fixtures, and is stopped by PID.
"""

from contextlib import closing
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ABSENT, DEFAULT_UA, IO_TIMEOUT, Server, TestFailure,  # noqa: E402
                     check, eq, make_key, new_cnpj, new_cpf, parse_log_line, redact, send,
                     sha256_hex, wait_until)
from harness import api, registry, slack  # noqa: E402
from harness import err, metric_value, run_binary  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

# ---------------------------------------------------------------------------- expected texts
# Asaas codes/descriptions: reference section 1.3 and src/asaas_facts.h.

TXT_TOKEN_NOT_FOUND = ("O cabeçalho de autenticação 'access_token' é obrigatório e não foi "
                       "encontrado na requisição")
TXT_TOKEN_FORMAT = ("O valor fornecido não parece ser uma chave de API válida do Asaas. "
                    "Verifique o formato da sua chave")
TXT_ENVIRONMENT = "A chave de API informada não pertence a este ambiente"
TXT_INVALID_TOKEN = "A chave de API fornecida é inválida"
TXT_USER_AGENT = "O cabeçalho 'User-Agent' é obrigatório e não foi encontrado na requisição"
TXT_IP_NOT_ALLOWED = ("O endereço IP de origem não está autorizado a acessar a API. Verifique "
                      "a whitelist de IPs da conta")
TXT_GET_WITH_BODY = "Requisições GET não podem conter corpo"
TXT_NOT_FOUND = "O recurso solicitado não existe"
TXT_ROUTE_NOT_FOUND = "O endpoint solicitado não existe"
TXT_METHOD = "Método HTTP não permitido para este endpoint"
TXT_JSON = "O corpo da requisição não é um JSON válido"
TXT_LIMIT = "O parâmetro limit deve estar entre 1 e 100"
TXT_CPF_CNPJ = "O CPF/CNPJ informado é inválido."
TXT_NAME = "O nome do cliente deve ser informado."

CUSTOMER_KEYS = [
    "object", "id", "dateCreated", "name", "email", "company", "phone", "mobilePhone",
    "address", "addressNumber", "complement", "province", "postalCode", "cpfCnpj",
    "personType", "deleted", "additionalEmails", "externalReference", "notificationDisabled",
    "observations", "municipalInscription", "stateInscription", "canDelete",
    "cannotBeDeletedReason", "canEdit", "cannotEditReason", "city", "cityName", "state",
    "country",
]
LIST_KEYS = ["object", "hasMore", "totalCount", "limit", "offset", "data"]
CUSTOMER_ID = re.compile(r"^cus_\d{12}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")




# ---------------------------------------------------------------------------- test keys
# Fresh random keys every run, in the real shape.

K = {
    "default": make_key(),
    "main": make_key(),
    "hashed": make_key(),
    "off": make_key(),
    "old": make_key(),
    "future": make_key(),
    "legacy": make_key("legacy"),
    "todelete": make_key(),
    "blocked": make_key(),
    "local_ip": make_key(),
    "noua": make_key(),
    "keys": make_key(),
    "cust": make_key(),
    "unknown": make_key(),
    "prod": make_key("prod"),
    "prod_registered": make_key("prod"),
}


def key_entry(name, **extra):
    entry = {"name": name, "key": K[name], "enabled": True, "expirationDate": None}
    entry.update(extra)
    return entry


def main_accounts():
    return [
        {"id": "default", "name": "Default", "requireUserAgent": True, "allowedIps": [],
         "keys": [key_entry("default")]},
        {"id": "acc1", "name": "Conta 1", "requireUserAgent": True, "allowedIps": ["127.0.0.x"],
         "keys": [
             key_entry("main"),
             {"name": "hashed", "sha256": sha256_hex(K["hashed"]), "display": redact(K["hashed"])},
             key_entry("off", enabled=False),
             key_entry("old", expirationDate="2020-01-01 00:00:00"),
             key_entry("future", expirationDate="2099-12-31 23:59:59"),
             key_entry("legacy"),
             key_entry("todelete"),
         ]},
        {"id": "acc_blocked", "name": "Bloqueada", "requireUserAgent": True,
         "allowedIps": ["10.1.2.x"], "keys": [key_entry("blocked")]},
        {"id": "acc_local", "name": "Local", "requireUserAgent": True,
         "allowedIps": ["10.1.2.x", "127.0.0.x"], "keys": [key_entry("local_ip")]},
        {"id": "acc_noua", "name": "Sem UA", "requireUserAgent": False, "allowedIps": [],
         "keys": [key_entry("noua")]},
        {"id": "acc_keys", "name": "Chaves", "requireUserAgent": True, "allowedIps": [],
         "keys": [key_entry("keys")]},
        {"id": "acc_cust", "name": "Clientes", "requireUserAgent": True, "allowedIps": [],
         "keys": [key_entry("cust")]},
    ]


# ---------------------------------------------------------------------------- runner

TESTS, test = registry()


class Ctx(harness.Ctx):
    """The main shared server (ctx.main) and per-test servers on main_accounts()."""

    def make_shared(self):
        return Server(self.binary, "main", accounts=main_accounts(), root=self.root)

    @property
    def main(self):
        return self.shared

    def server(self, name, args=(), env=None, accounts=None, **kw):
        return self.own(Server(self.binary, name, args=args, env=env,
                               accounts=main_accounts() if accounts is None else accounts,
                               root=self.root, **kw))


# ---------------------------------------------------------------------------- helpers

def expect_error(r, status, code, description, what=""):
    eq(r.status, status, f"{what} status (body {r.body[:300]!r})")
    eq(r.json(), err(code, description), f"{what} body")
    ctype = r.header("Content-Type") or ""
    check(ctype.startswith("application/json"), f"{what} Content-Type {ctype!r}")


def expect_ok(r, what=""):
    eq(r.status, 200, f"{what} status (body {r.body[:300]!r})")
    return r.json()


def key_id_by_name(server, account, name):
    listing = server.control("GET", f"/__mock/accounts/{account}/keys").json()
    for k in listing["data"]:
        if k["name"] == name:
            return k["id"]
    raise TestFailure(f"key named {name!r} not listed for account {account}: {listing}")


def customer_request(tag, cpf=None):
    return {
        "name": f"Maria Souza {tag}", "cpfCnpj": cpf or new_cpf(),
        "email": f"maria.{tag}@example.com", "company": "Souza ME", "phone": "4738010919",
        "mobilePhone": "47998781877", "address": "Av. Paulista", "addressNumber": "150",
        "complement": "Sala 201", "province": "Centro", "postalCode": "01310000",
        "externalReference": f"ext-{tag}", "notificationDisabled": False,
        "additionalEmails": "a@example.com,b@example.com", "municipalInscription": "46683695908",
        "stateInscription": "646681323650", "observations": "ótimo pagador",
        "groupName": f"grp-{tag}", "foreignCustomer": False,
    }


def expected_customer(req, cid, date, person="FISICA", deleted=False):
    exp = {k: None for k in CUSTOMER_KEYS}
    exp.update({k: v for k, v in req.items() if k in exp})
    exp.update({"object": "customer", "id": cid, "dateCreated": date, "personType": person,
                "deleted": deleted, "canDelete": True, "cannotBeDeletedReason": None,
                "canEdit": True, "cannotEditReason": None, "city": None, "cityName": None,
                "state": None, "country": "Brasil"})
    return exp


def check_customer(r, req, person="FISICA", deleted=False, cid=None):
    body = expect_ok(r, "customer")
    eq(r.keys(), CUSTOMER_KEYS, "customer key order")
    check(CUSTOMER_ID.match(str(body.get("id"))), f"customer id shape {body.get('id')!r}")
    if cid is not None:
        eq(body["id"], cid, "customer id")
    check(DATE.match(str(body.get("dateCreated"))), f"dateCreated {body.get('dateCreated')!r}")
    eq(body, expected_customer(req, body["id"], body["dateCreated"], person, deleted),
       "customer body")
    return body


def create_customer(server, key, tag, path="/v3/customers", **overrides):
    req = customer_request(tag)
    req.update(overrides)
    r = api(server, "POST", path, key, body=req)
    return check_customer(r, req), req


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tls_handshake(port, ctx, host="127.0.0.1"):
    """Connects and handshakes; returns the negotiated version (socket closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as raw:
        with ctx.wrap_socket(raw, server_hostname=host) as s:
            return s.version()


def closed_within(sock, timeout):
    """Seconds until the peer closes sock (EOF, reset or TLS error), or None."""
    t0 = time.monotonic()
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                break
    except socket.timeout:
        return None
    except (ssl.SSLError, ConnectionError, OSError):
        pass
    return time.monotonic() - t0


# ---------------------------------------------------------------------------- 1. auth table

@test("auth_absent_token_401_access_token_not_found")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", ABSENT), 401, "access_token_not_found",
                 TXT_TOKEN_NOT_FOUND)


@test("auth_empty_token_401_empty_body")
def _(ctx):
    r = api(ctx.main, "GET", "/v3/customers", "")
    eq(r.status, 401, "status")
    eq(r.body, b"", "body")


@test("auth_bad_format_garbage")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", "not-a-key-at-all-1234567890"), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT)


@test("auth_bad_format_bearer_prefix")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", "Bearer " + K["main"]), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT)


@test("auth_bad_format_extra_characters")
def _(ctx):
    # Whitespace around a header value is not part of it (RFC 9110 OWS: the HTTP parser
    # drops it, as any server's does), so "extra spaces" can only be seen inside the value.
    expect_error(api(ctx.main, "GET", "/v3/customers", K["main"] + " x"), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "trailing space + char")
    expect_error(api(ctx.main, "GET", "/v3/customers", K["main"] + "!"), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "trailing punctuation")


@test("auth_bad_format_embedded_space_and_quotes")
def _(ctx):
    k = K["main"]
    expect_error(api(ctx.main, "GET", "/v3/customers", k[:20] + " " + k[20:]), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "embedded space")
    expect_error(api(ctx.main, "GET", "/v3/customers", '"' + k + '"'), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "quoted")
    expect_error(api(ctx.main, "GET", "/v3/customers", "$aact_hmlg_short"), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "too short")


@test("auth_production_key_on_sandbox_incident")
def _(ctx):
    s = ctx.main
    prod = make_key("prod")  # its own: other tests send prod to this server too
    before_metric = metric_value(s, "asaas_mock_production_key_incidents_total")
    before_list = s.control("GET", "/__mock/incidents").json()["totalCount"]
    mark = s.log_mark()
    expect_error(api(s, "GET", "/v3/customers", prod), 401, "invalid_environment",
                 TXT_ENVIRONMENT)
    fields, line = s.wait_log(lambda f, ln: f.get("msg") == "production_key_incident",
                              since=mark, what="msg=production_key_incident")
    eq(fields.get("level"), "warn", "incident log level")
    eq(fields.get("key"), redact(prod), "incident log key")
    check(prod not in line, "incident log line contains the whole key")
    inc = s.control("GET", "/__mock/incidents").json()
    eq(inc.get("object"), "list", "incidents object")
    eq(inc["totalCount"], before_list + 1, "incidents totalCount")
    ours = [i for i in inc["data"] if i.get("key") == redact(prod)]
    eq(len(ours), 1, f"incidents listing our redacted key ({inc['data']})")
    eq(ours[0].get("clientIp"), "127.0.0.1", "incident clientIp")
    eq(ours[0].get("reason"), "invalid_environment", "incident reason")
    check(ours[0].get("dateCreated"), "incident dateCreated")
    eq(metric_value(s, "asaas_mock_production_key_incidents_total"), before_metric + 1,
       "asaas_mock_production_key_incidents_total")


@test("auth_sandbox_key_on_production_server")
def _(ctx):
    accounts = [{"id": "prodacc", "name": "Prod", "requireUserAgent": True, "allowedIps": [],
                 "keys": [key_entry("prod_registered"), key_entry("main")]}]
    s = ctx.server("production", args=["--environment", "production"], accounts=accounts)
    expect_error(api(s, "GET", "/v3/customers", K["main"]), 401, "invalid_environment",
                 TXT_ENVIRONMENT, "registered sandbox key")
    expect_error(api(s, "GET", "/v3/customers", K["unknown"]), 401, "invalid_environment",
                 TXT_ENVIRONMENT, "unknown sandbox key")
    expect_ok(api(s, "GET", "/v3/customers", K["prod_registered"]), "registered production key")


@test("auth_unknown_key")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["unknown"]), 401,
                 "invalid_access_token", TXT_INVALID_TOKEN)


@test("auth_disabled_key")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["off"]), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN)


@test("auth_expired_key_and_future_expiry_ok")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["old"]), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "expired")
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["future"]), "expires 2099")


@test("auth_deleted_key_via_control_api")
def _(ctx):
    s = ctx.main
    expect_ok(api(s, "GET", "/v3/customers", K["todelete"]), "before delete")
    kid = key_id_by_name(s, "acc1", "todelete")
    s.control("DELETE", f"/__mock/accounts/acc1/keys/{kid}")
    expect_error(api(s, "GET", "/v3/customers", K["todelete"]), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "after delete")


@test("auth_valid_key_and_hashed_fixture_key_ok")
def _(ctx):
    body = expect_ok(api(ctx.main, "GET", "/v3/customers", K["main"]), "plaintext fixture key")
    eq(body.get("object"), "list", "object")
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["hashed"]), "sha256 fixture key")


@test("auth_ip_not_allowlisted_403")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["blocked"]), 403, "ip_not_allowed",
                 TXT_IP_NOT_ALLOWED)


@test("auth_ip_allowlisted_wildcard_ok")
def _(ctx):
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["local_ip"]), "127.0.0.x in list of two")
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["main"]), "127.0.0.x only")


@test("auth_user_agent_absent_401")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["main"], ua=ABSENT), 401,
                 "user_agent_not_found", TXT_USER_AGENT)


@test("auth_user_agent_empty_401")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["main"], ua=""), 401,
                 "user_agent_not_found", TXT_USER_AGENT)


@test("auth_account_without_ua_requirement_ok")
def _(ctx):
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["noua"], ua=ABSENT), "no UA")
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["noua"], ua=""), "empty UA")


# ---------------------------------------------------------------------------- 2. key sources

@test("keys_legacy_key_accepted_when_registered")
def _(ctx):
    check(not K["legacy"].startswith(("$aact_hmlg_", "$aact_prod_")), "legacy shape")
    expect_ok(api(ctx.main, "GET", "/v3/customers", K["legacy"]), "registered legacy key")
    expect_error(api(ctx.main, "GET", "/v3/customers", make_key("legacy")), 401,
                 "invalid_access_token", TXT_INVALID_TOKEN, "unregistered legacy key")


@test("keys_api_key_flag_registers_on_default")
def _(ctx):
    k1, k2 = make_key(), make_key()
    s = ctx.server("apikeyflag", args=["--api-key", k1, "--api-key", k2])
    for k in (k1, k2):
        expect_ok(api(s, "GET", "/v3/customers", k), "--api-key key")
    listing = s.control("GET", "/__mock/accounts/default/keys").json()
    shown = {e.get("display") for e in listing["data"]}
    check({redact(k1), redact(k2)} <= shown, f"flag keys listed on default: {shown}")
    expect_error(api(s, "GET", "/v3/customers", make_key()), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "other key")


@test("keys_env_var_registers_on_default")
def _(ctx):
    k1, k2 = make_key(), make_key()
    s = ctx.server("apikeyenv", env={"ASAAS_MOCK_API_KEYS": f"{k1},{k2}"})
    for k in (k1, k2):
        expect_ok(api(s, "GET", "/v3/customers", k), "ASAAS_MOCK_API_KEYS key")


@test("keys_auto_accounts_isolated")
def _(ctx):
    s = ctx.server("auto", args=["--auto-accounts"])
    ka, kb = make_key(), make_key()
    a, _ = create_customer(s, ka, "autoa")
    lb = expect_ok(api(s, "GET", "/v3/customers", kb), "list b")
    eq(lb["totalCount"], 0, "fresh key b sees no customers")
    b, _ = create_customer(s, kb, "autob")
    la = expect_ok(api(s, "GET", "/v3/customers", ka), "list a")
    eq([c["id"] for c in la["data"]], [a["id"]], "key a sees only its customer")
    lb = expect_ok(api(s, "GET", "/v3/customers", kb), "list b again")
    eq([c["id"] for c in lb["data"]], [b["id"]], "key b sees only its customer")
    expect_error(api(s, "GET", f"/v3/customers/{a['id']}", kb), 404, "not_found", TXT_NOT_FOUND,
                 "b reading a's customer")
    expect_error(api(s, "GET", "/v3/customers", make_key("prod")), 401, "invalid_environment",
                 TXT_ENVIRONMENT, "production key under auto-accounts")
    expect_error(api(s, "GET", "/v3/customers", "$aact_hmlg_bad key"), 401,
                 "invalid_access_token_format", TXT_TOKEN_FORMAT, "malformed under auto-accounts")


# ---------------------------------------------------------------------------- 3. key management

def create_managed_key(s, name):
    r = s.control("POST", "/__mock/accounts/acc_keys/keys", body={"name": name})
    body = r.json()
    key = body.get("apiKey")
    check(isinstance(key, str) and key.startswith("$aact_hmlg_000") and len(key) > 30,
          f"apiKey in create answer: {body}")
    check(body.get("id"), f"key id in create answer: {body}")
    return body["id"], key


@test("keymgmt_create_shown_once_listing_redacted")
def _(ctx):
    s = ctx.main
    kid, key = create_managed_key(s, "e2e-created")
    expect_ok(api(s, "GET", "/v3/customers", key), "new key works")
    r = s.control("GET", "/__mock/accounts/acc_keys/keys")
    check(key not in r.text and key[14:] not in r.text, "listing contains the key")
    listing = r.json()
    eq(listing.get("object"), "list", "listing object")
    eq(listing.get("totalCount"), len(listing.get("data", [])), "listing totalCount")
    ours = [e for e in listing["data"] if e.get("id") == kid]
    eq(len(ours), 1, "created key listed once")
    e = ours[0]
    for field in ("id", "name", "prefix", "last4", "display", "enabled", "expirationDate",
                  "dateCreated", "lastUsedDate"):
        check(field in e, f"listing field {field} missing: {e}")
    check("apiKey" not in e, "listing shows apiKey")
    eq(e["name"], "e2e-created", "name")
    eq(e["prefix"], "$aact_hmlg_", "prefix")
    eq(e["last4"], key[-4:], "last4")
    eq(e["display"], redact(key), "display")
    eq(e["enabled"], True, "enabled")
    eq(e["expirationDate"], None, "expirationDate")
    check(e["lastUsedDate"] is not None, "lastUsedDate set after use")


@test("keymgmt_disable_then_enable_next_request")
def _(ctx):
    s = ctx.main
    kid, key = create_managed_key(s, "e2e-toggle")
    with closing(s.connect()) as conn:  # same keep-alive connection: no caching per connection
        expect_ok(api(s, "GET", "/v3/customers", key, conn=conn), "before")
        s.control("POST", f"/__mock/accounts/acc_keys/keys/{kid}/disable")
        expect_error(api(s, "GET", "/v3/customers", key, conn=conn), 401, "invalid_access_token",
                     TXT_INVALID_TOKEN, "disabled")
        s.control("POST", f"/__mock/accounts/acc_keys/keys/{kid}/enable")
        expect_ok(api(s, "GET", "/v3/customers", key, conn=conn), "re-enabled")
    s.control("DELETE", f"/__mock/accounts/acc_keys/keys/{kid}")


@test("keymgmt_expiry_in_past_then_cleared")
def _(ctx):
    s = ctx.main
    kid, key = create_managed_key(s, "e2e-expiry")
    path = f"/__mock/accounts/acc_keys/keys/{kid}"
    s.control("PUT", path, body={"expirationDate": "2020-01-01 00:00:00"})
    expect_error(api(s, "GET", "/v3/customers", key), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "expired datetime")
    s.control("PUT", path, body={"expirationDate": None})
    expect_ok(api(s, "GET", "/v3/customers", key), "expiry cleared")
    s.control("PUT", path, body={"expirationDate": "2021-06-30"})
    expect_error(api(s, "GET", "/v3/customers", key), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "expired date")
    s.control("PUT", path, body={"expirationDate": "2099-01-01"})
    expect_ok(api(s, "GET", "/v3/customers", key), "future expiry")
    s.control("DELETE", path)


@test("keymgmt_delete")
def _(ctx):
    s = ctx.main
    kid, key = create_managed_key(s, "e2e-delete")
    expect_ok(api(s, "GET", "/v3/customers", key), "before")
    s.control("DELETE", f"/__mock/accounts/acc_keys/keys/{kid}")
    expect_error(api(s, "GET", "/v3/customers", key), 401, "invalid_access_token",
                 TXT_INVALID_TOKEN, "deleted")
    ids = [e["id"] for e in s.control("GET", "/__mock/accounts/acc_keys/keys").json()["data"]]
    check(kid not in ids, "deleted key still listed")


# ---------------------------------------------------------------------------- 4. redaction

@test("redaction_keys_never_whole_anywhere")
def _(ctx):
    flag_key = make_key()
    s = ctx.server("redaction", args=["--api-key", flag_key])
    secrets_ = [K["main"], K["prod"], K["off"], K["unknown"], K["legacy"], K["hashed"],
                K["blocked"], flag_key]
    for key in (K["main"], K["hashed"], K["legacy"], flag_key):
        expect_ok(api(s, "GET", "/v3/customers", key), "ok request")
        create_customer(s, key, "redact")
    api(s, "GET", "/v3/customers", K["prod"])
    api(s, "GET", "/v3/customers", K["off"])
    api(s, "GET", "/v3/customers", K["unknown"])
    api(s, "GET", "/v3/customers", K["blocked"])
    api(s, "GET", "/v3/customers", "Bearer " + K["main"])
    api(s, "GET", "/v3/customers", K["main"], ua=ABSENT)
    api(s, "GET", "/v3/nope", K["main"])
    r = s.control("POST", "/__mock/accounts/acc1/keys", body={"name": "redaction-new"})
    new_key = r.json()["apiKey"]
    secrets_.append(new_key)
    expect_ok(api(s, "GET", "/v3/customers", new_key), "created key")

    acc_list = s.control("GET", "/__mock/accounts").json()["data"]
    ids = [a["id"] for a in acc_list]
    check("acc1" in ids and "default" in ids, f"accounts listed: {ids}")
    # journal, metrics, incidents, every account and its keys, the snapshot: none holds
    # these keys (nor any other of the run) whole or as a body without its prefix
    s.assert_no_secret(secrets_)
    s.stop()
    s.assert_no_secret(secrets_)  # stdout, stderr, --ca-out, --port-file
    check(redact(K["prod"]) in s.stdout(), "redacted production key not logged at all")


@test("redaction_every_mode_auto_accounts_state_file_snapshots_faults_file")
def _(ctx):
    """Keys in every place a client can put one (the header of a fresh --auto-accounts key,
    a production key, a query, a path, JSON bodies) on a server that also writes a
    --state-file and --state-out and loads a --faults file: no output holds one whole -
    the log (account_created included), the journal, metrics, incidents, listings, the
    event log, GET /__mock/state, the state file while running (its log entries) and
    after the exit (its checkpoint), the --state-out file, and again after a replay."""
    state = os.path.join(ctx.root, "redaction.state")
    out = os.path.join(ctx.root, "redaction-out.json")
    rules = os.path.join(ctx.root, "redaction-rules.json")
    with open(rules, "w") as f:
        json.dump({"rules": [{"id": "redaction-503", "match": {"path": "/v3/payments/*"},
                              "fault": {"kind": "status", "code": 503},
                              "schedule": {"times": 1}}]}, f)
    args = ["--auto-accounts", "--state-file", state, "--state-out", out, "--faults", rules]
    s = ctx.server("redaction-modes", args=args, accounts=[])
    owner, in_body, in_query, in_path, prod = (make_key(), make_key(), make_key(),
                                               make_key(), make_key("prod"))
    mark = s.log_mark()
    cust, _ = create_customer(s, owner, "modes", name=f"Ana {in_body}", observations=in_body)
    fields, line = s.wait_log(lambda f, ln: f.get("msg") == "account_created", since=mark,
                              what="account_created line")
    eq(fields.get("key"), redact(owner), f"account_created names the redacted key: {line}")
    pay = api(s, "POST", "/v3/payments", owner, body={
        "customer": cust["id"], "billingType": "PIX", "value": 10, "dueDate": "2099-01-10",
        "description": f"pix {in_body}", "externalReference": in_body})
    expect_ok(pay, "payment with a key in its description")
    expect_ok(api(s, "GET", f"/v3/customers?externalReference={in_query}", owner), "query")
    expect_ok(api(s, "GET", "/v3/customers?name=" + in_query.replace("$", "%24"), owner),
              "percent-encoded query")
    eq(api(s, "GET", f"/v3/customers/{in_path}", owner).status, 404, "key as a path id")
    eq(api(s, "GET", f"/v3/payments/{in_path}", owner).status, 503, "a --faults rule fired")
    eq(api(s, "GET", "/v3/customers", prod).status, 401, "production key")
    with open(state, encoding="utf-8", errors="replace") as f:
        logged = f.read()
    # The entries are there (durable before the answers), with the key concealed
    # reversibly ("~" + hex of the key run + "~": replay gives it back byte for byte).
    concealed = "$~" + in_body[1:].encode().hex() + "~"
    check(concealed in logged,
          f"the state file holds the writes with the key concealed: {logged[-400:]!r}")
    s.assert_no_secret()  # while running: every listing, the snapshot, the state file's log
    snap = s.control("GET", "/__mock/state").text
    check(redact(in_body) in snap, "the snapshot holds the customer with the key redacted")
    s.stop()
    s.assert_no_secret()  # after the exit: the checkpoint, --state-out, the whole log
    with open(out, encoding="utf-8") as f:
        check(redact(in_body) in f.read(), "--state-out holds the redacted form")
    b = ctx.server("redaction-replay", args=args, accounts=[])
    listed = expect_ok(api(b, "GET", f"/v3/customers/{cust['id']}", owner), "after replay")
    # The API gives the client's data back as it was written (replay is byte-identical);
    # only the files and listings above never show it whole.
    eq(listed["observations"], in_body, "the replayed field is the client's data, exactly")
    b.assert_no_secret()


# ---------------------------------------------------------------------------- 5. audit

AUDIT_SEQ = [0]


def failing_request(s, key, ua=DEFAULT_UA):
    """A /v3 request that fails authentication, with a run-unique X-Request-Id (the log
    holds routine lines up to 100 ms, so "the first failure line after a mark" may be an
    earlier request's). Returns (response, request id)."""
    AUDIT_SEQ[0] += 1
    rid = f"audit-{os.getpid()}-{AUDIT_SEQ[0]}"
    r = api(s, "GET", "/v3/customers", key, ua=ua, headers=[("X-Request-Id", rid)])
    eq(r.header("X-Request-Id"), rid, "X-Request-Id echoed")
    return r, rid


def assert_failure_logged(s, mark, rid, key_sent, what):
    """The auth_failure line of request rid: from 127.0.0.1, with a reason, the redacted
    key (when one was sent) and never the whole key. Returns its fields."""
    def pred(f, ln):
        return f.get("req_id") == rid and f.get("msg") == "auth_failure"
    fields, line = s.wait_log(pred, since=mark, what=f"auth_failure line req_id={rid} ({what})")
    reason = fields.get("reason")
    check(reason and reason != "ok", f"{what}: reason {reason!r} in {line}")
    eq(fields.get("ip"), "127.0.0.1", f"{what}: ip in {line}")
    if key_sent not in (ABSENT, "") and len(key_sent) >= 12:
        eq(fields.get("key"), redact(key_sent), f"{what}: key in {line}")
    if key_sent not in (ABSENT, ""):
        check(key_sent not in line, f"{what}: log line has the whole key")
    return fields


@test("audit_each_auth_failure_logged_with_reason_ip_key")
def _(ctx):
    s = ctx.main
    cases = [
        ("absent", ABSENT, DEFAULT_UA, "access_token_not_found"),
        ("empty", "", DEFAULT_UA, "empty_token"),
        ("bearer", "Bearer " + K["main"], DEFAULT_UA, "invalid_access_token_format"),
        ("production", K["prod"], DEFAULT_UA, "invalid_environment"),
        ("unknown", K["unknown"], DEFAULT_UA, "unknown_key"),
        ("disabled", K["off"], DEFAULT_UA, "disabled_key"),
        ("expired", K["old"], DEFAULT_UA, "expired_key"),
        ("ip", K["blocked"], DEFAULT_UA, "ip_not_allowed"),
        ("no-ua", K["main"], ABSENT, "user_agent_not_found"),
    ]
    reasons = {}
    for what, key, ua, _ in cases:
        mark = s.log_mark()
        r, rid = failing_request(s, key, ua)
        check(r.status in (401, 403), f"{what}: status {r.status}")
        reasons[what] = assert_failure_logged(s, mark, rid, key, what)["reason"]
    eq(len(set(reasons.values())), len(cases), f"distinct reasons per failure kind {reasons}")
    eq(reasons, {what: reason for what, _, _, reason in cases}, "reason names")


@test("audit_alert_on_third_failure_from_one_address")
def _(ctx):
    s = ctx.server("alert", args=["--alert-threshold", "3", "--alert-window", "60"])

    def is_alert(f, ln):
        return f.get("msg") == "alert"

    def fail_once(key):
        mark = s.log_mark()
        r, rid = failing_request(s, key)
        eq(r.status, 401, "failure status")
        assert_failure_logged(s, mark, rid, key, "alert-test failure")

    fail_once(K["unknown"])
    fail_once("Bearer " + K["unknown"])
    check(not any(is_alert(parse_log_line(ln), ln) for ln in s.log_lines()),
          "alert before the threshold")
    mark = s.log_mark()
    api(s, "GET", "/v3/customers", make_key())
    fields, line = s.wait_log(is_alert, since=mark, what="msg=alert after the 3rd failure")
    eq(fields.get("level"), "warn", "alert level")
    check("127.0.0.1" in line, f"alert names the address: {line}")
    eq(metric_value(s, "asaas_mock_alerts_total"), 1.0, "asaas_mock_alerts_total")


# ---------------------------------------------------------------------------- 6. TLS

def _make_selfsigned(tmpdir):
    key, cert = os.path.join(tmpdir, "ctl.key"), os.path.join(tmpdir, "ctl.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=10)
    return cert, key


def _old_tls_client(version, cafile):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(cafile)
    c.minimum_version = version
    c.maximum_version = version
    c.set_ciphers("DEFAULT:@SECLEVEL=0")
    return c


def _client_can_offer(version, tmpdir):
    """Control: the same client context completes version against a permissive local
    server, so a refusal by the mock is the mock's doing."""
    cert, key = _make_selfsigned(tmpdir)
    srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv.load_cert_chain(cert, key)
    srv.minimum_version = ssl.TLSVersion.TLSv1
    srv.set_ciphers("DEFAULT:@SECLEVEL=0")
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(IO_TIMEOUT)

    def serve():
        try:
            c, _ = ls.accept()
            c.settimeout(IO_TIMEOUT)
            with srv.wrap_socket(c, server_side=True):
                pass
        except OSError:
            pass
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        return tls_handshake(ls.getsockname()[1], _old_tls_client(version, cert)) is not None
    except (ssl.SSLError, OSError):
        return False
    finally:
        t.join(IO_TIMEOUT)
        ls.close()


@test("tls_1_0_and_1_1_refused")
def _(ctx):
    s = ctx.main
    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        if _client_can_offer(version, s.dir):
            try:
                got = tls_handshake(s.port, _old_tls_client(version, s.ca))
            except (ssl.SSLError, ConnectionError):
                continue
            raise TestFailure(f"{version.name} handshake accepted ({got})")
        # fall back to the openssl CLI when this Python cannot offer the version
        flag = "-tls1" if version == ssl.TLSVersion.TLSv1 else "-tls1_1"
        p = subprocess.run(["openssl", "s_client", flag, "-cipher", "DEFAULT:@SECLEVEL=0",
                            "-connect", f"127.0.0.1:{s.port}", "-CAfile", s.ca],
                           input=b"", capture_output=True, timeout=10)
        check(p.returncode != 0, f"openssl s_client {flag} succeeded")


def serves_tls_1_2_and_1_3(s):
    """s negotiates exactly TLS 1.2 and exactly 1.3, and answers /__mock/health over each."""
    for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
        c = s.context()
        c.minimum_version = version
        c.maximum_version = version
        eq(tls_handshake(s.port, c), name, "negotiated version")
        conn = s.connect(context=c)
        try:
            eq(s.request("GET", "/__mock/health", conn=conn).status, 200, f"health over {name}")
        finally:
            conn.close()


@test("tls_1_2_and_1_3_accepted")
def _(ctx):
    serves_tls_1_2_and_1_3(ctx.main)


_BROKEN_OPENSSL_CNF = """openssl_conf = openssl_init
config_diagnostics = 1
[openssl_init]
providers = provider_sect
[provider_sect]
asaas_mock_no_such_provider = nosuch_sect
[nosuch_sect]
activate = 1
"""


@test("tls_ignores_openssl_cnf")
def _(ctx):
    """main.c initialises OpenSSL without its config file (issue 12: start-up time and
    memory); every TLS setting is the mock's own. A config that breaks OpenSSL for a
    program that reads it leaves the mock serving TLS 1.2 and 1.3."""
    cnf = os.path.join(ctx.main.dir, "broken-openssl.cnf")
    with open(cnf, "w") as f:
        f.write(_BROKEN_OPENSSL_CNF)
    # Control: the file does take effect where OpenSSL reads it (no default provider left).
    plain = subprocess.run(["openssl", "list", "-providers"], capture_output=True, text=True,
                           timeout=10)
    broken = subprocess.run(["openssl", "list", "-providers"], capture_output=True, text=True,
                            timeout=10, env={**os.environ, "OPENSSL_CONF": cnf})
    check("default" in plain.stdout, f"control: default provider listed: {plain.stdout!r}")
    check("default" not in broken.stdout,
          f"control: the broken config still lists the default provider: {broken.stdout!r}")
    serves_tls_1_2_and_1_3(ctx.server("opensslcnf", env={"OPENSSL_CONF": cnf}))


@test("tls_plain_http_gets_no_http_answer")
def _(ctx):
    with socket.create_connection(("127.0.0.1", ctx.main.port), timeout=IO_TIMEOUT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.settimeout(3)
        data = b""
        try:
            while len(data) < 64:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, ConnectionError):
            pass
    check(not data.startswith(b"HTTP/"), f"plain HTTP answered: {data[:80]!r}")


@test("tls_ca_out_verifies_for_ip_and_localhost")
def _(ctx):
    s = ctx.main
    for host in ("127.0.0.1", "localhost"):
        conn = s.connect(host=host)
        try:
            r = s.request("GET", "/__mock/health", conn=conn)
        finally:
            conn.close()
        eq(r.status, 200, f"verified request to {host}")
        eq(r.json().get("status"), "ok", "health status field")
    with open(s.ca) as f:
        pem = f.read()
    check(pem.startswith("-----BEGIN CERTIFICATE-----"), "--ca-out is a PEM certificate")
    r = s.request("GET", "/__mock/ca.pem")
    eq(r.status, 200, "/__mock/ca.pem status")
    eq(r.text.strip(), pem.strip(), "/__mock/ca.pem equals --ca-out")


@test("tls_startup_fingerprint_matches_cert")
def _(ctx):
    s = ctx.main
    with open(s.ca) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    want = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    lines = [parse_log_line(ln) for ln in s.log_lines()]
    listening = [f for f in lines if f.get("msg") == "listening"]
    check(listening, "no msg=listening line")
    elsewhere = [f"msg={f.get('msg')} {k}" for f in lines for k, v in f.items()
                 if k.startswith("fingerprint") and f.get("msg") != "listening"]
    eq(listening[0].get("fingerprint"), want,
       f"fingerprint= on the msg=listening line (found instead in: {elsewhere})")
    eq(listening[0].get("port"), str(s.port), "logged port")
    eq(listening[0].get("tls"), "1", "logged tls")
    check(any(parse_log_line(ln).get("msg") == "ready" for ln in s.log_lines()), "no msg=ready")
    with socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT) as raw:
        with s.context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            eq(tls.getpeercert(binary_form=True), der, "served certificate equals --ca-out")


@test("tls_extra_san_in_certificate")
def _(ctx):
    s = ctx.server("san", args=["--tls-san", "mock.internal"])
    p = subprocess.run(["openssl", "x509", "-in", s.ca, "-noout", "-ext", "subjectAltName"],
                       capture_output=True, timeout=10, text=True)
    eq(p.returncode, 0, f"openssl x509 ({p.stderr.strip()})")
    sans = {x.strip() for x in p.stdout.split("\n", 1)[-1].split(",")}
    for want in ("DNS:mock.internal", "DNS:localhost", "IP Address:127.0.0.1"):
        check(want in sans, f"{want} missing from SAN {sans}")
    conn = s.connect(host="mock.internal")
    try:
        eq(s.request("GET", "/__mock/health", conn=conn).status, 200, "verify as mock.internal")
    finally:
        conn.close()


# ---------------------------------------------------------------------------- 7. idle timeout

@test("idle_tls_keepalive_connection_closed")
def _(ctx):
    s = ctx.server("idle", args=["--idle-timeout", "1"])
    conn = s.connect()
    try:
        eq(s.request("GET", "/__mock/health", conn=conn).status, 200, "first request")
        elapsed = closed_within(conn.sock, slack(4.0))
    finally:
        conn.close()
    check(elapsed is not None, f"idle keep-alive connection still open after {slack(4.0)} s")
    check(0.5 <= elapsed <= slack(3.5), f"closed after {elapsed:.2f}s, want ~1-3 s")
    with socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT) as raw:
        with s.context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            elapsed = closed_within(tls, slack(4.0))
    check(elapsed is not None and elapsed <= slack(3.5),
          f"handshaken connection without request: closed after {elapsed}")


@test("idle_raw_tcp_without_client_hello_closed")
def _(ctx):
    s = ctx.server("idle_raw", args=["--idle-timeout", "1"])
    with socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT) as sock:
        elapsed = closed_within(sock, slack(4.0))
    check(elapsed is not None, f"silent TCP connection still open after {slack(4.0)} s")
    check(elapsed <= slack(3.5), f"closed after {elapsed:.2f}s")
    eq(s.request("GET", "/__mock/health").status, 200, "server still serves")


# ---------------------------------------------------------------------------- 8. keep-alive

@test("keepalive_two_requests_one_socket")
def _(ctx):
    s = ctx.main
    with closing(s.connect()) as conn:
        r1 = api(s, "GET", "/v3/customers", K["main"], conn=conn)
        eq(r1.status, 200, "first")
        check(not r1.will_close, f"first response closes (Connection: {r1.header('Connection')})")
        sock = conn.sock
        r2 = api(s, "GET", "/v3/customers", K["main"], conn=conn)
        eq(r2.status, 200, "second")
        check(conn.sock is sock, "second request used a new socket")


@test("keepalive_survives_json_404_and_401")
def _(ctx):
    s = ctx.main
    with closing(s.connect()) as conn:
        eq(api(s, "GET", "/v3/customers", K["main"], conn=conn).status, 200, "first")
        sock = conn.sock
        r = api(s, "GET", "/v3/customers/cus_000000000000", K["main"], conn=conn)
        expect_error(r, 404, "not_found", TXT_NOT_FOUND)
        check(not r.will_close, "404 closes the connection")
        r = api(s, "GET", "/v3/customers", K["unknown"], conn=conn)
        eq(r.status, 401, "401")
        eq(api(s, "GET", "/v3/customers", K["main"], conn=conn).status, 200, "after errors")
        check(conn.sock is sock, "errors broke keep-alive")


# ---------------------------------------------------------------------------- 9. SIGTERM

def _connect_refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True
    except OSError:
        return False


@test("sigterm_clean_exit_with_open_keepalive")
def _(ctx):
    s = ctx.server("sigterm", args=[])
    conn = s.connect()
    try:
        eq(api(s, "GET", "/v3/customers", K["main"], conn=conn).status, 200, "keep-alive request")
        t0 = time.monotonic()
        s.signal(signal.SIGTERM)
        wait_until(lambda: _connect_refused(s.port), 5, what="listener closed after SIGTERM")
        rc = s.wait_exit(5 - (time.monotonic() - t0))
        check(rc is not None, "still running 5 s after SIGTERM with an idle keep-alive open")
        eq(rc, 0, "exit status after SIGTERM")
        check(_connect_refused(s.port), "new connection accepted after exit")
    finally:
        conn.close()


@test("sigterm_finishes_inflight_request")
def _(ctx):
    s = ctx.server("drain", args=[])
    idle = s.connect()
    eq(api(s, "GET", "/v3/customers", K["main"], conn=idle).status, 200, "idle keep-alive")
    body = json.dumps(customer_request("drain")).encode()
    head = ("POST /v3/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"access_token: {K['main']}\r\nUser-Agent: {DEFAULT_UA}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    raw = socket.create_connection(("127.0.0.1", s.port), timeout=IO_TIMEOUT)
    tls = s.context().wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        tls.sendall(head + body[:10])
        # barrier: a full round trip on another connection after our partial request
        eq(s.request("GET", "/__mock/health").status, 200, "barrier request")
        s.signal(signal.SIGTERM)
        wait_until(lambda: _connect_refused(s.port), 3, what="listener closed after SIGTERM")
        check(s.alive(), "exited with a request in flight")
        tls.sendall(body[10:])
        resp = http.client.HTTPResponse(tls)
        resp.begin()
        data = resp.read()
        eq(resp.status, 200, f"in-flight answer ({data[:200]!r})")
        check(CUSTOMER_ID.match(json.loads(data).get("id", "")), "in-flight customer created")
        eq((resp.getheader("Connection") or "").lower(), "close", "Connection header while draining")
        rc = s.wait_exit(5)
        check(rc is not None, "still running 5 s after the drained request")
        eq(rc, 0, "exit status")
    finally:
        tls.close()
        idle.close()


# ---------------------------------------------------------------------------- 10. customers

@test("customers_create_whole_body_and_key_order")
def _(ctx):
    s = ctx.main
    c, req = create_customer(s, K["cust"], "create")
    req2 = customer_request("createpj", cpf=new_cnpj())
    req2["name"] = "Souza Comércio LTDA"
    r = api(s, "POST", "/v3/customers", K["cust"], body=req2)
    pj = check_customer(r, req2, person="JURIDICA")
    check(pj["id"] != c["id"], "distinct ids")
    minimal = {"name": "Só Nome", "cpfCnpj": new_cpf()}
    r = api(s, "POST", "/v3/customers", K["cust"], body=minimal)
    body = expect_ok(r, "minimal create")
    eq(r.keys(), CUSTOMER_KEYS, "minimal key order")
    exp = expected_customer(minimal, body["id"], body["dateCreated"])
    exp["notificationDisabled"] = body["notificationDisabled"]
    eq(body, exp, "minimal customer: unset fields are null")


@test("customers_get_by_id")
def _(ctx):
    s = ctx.main
    c, req = create_customer(s, K["cust"], "get")
    check_customer(api(s, "GET", f"/v3/customers/{c['id']}", K["cust"]), req, cid=c["id"])
    expect_error(api(s, "GET", f"/v3/customers/{c['id']}", K["main"]), 404, "not_found",
                 TXT_NOT_FOUND, "other account")


@test("customers_list_envelope_and_filters")
def _(ctx):
    s = ctx.main
    tag = f"lf{os.getpid()}"
    a, ra = create_customer(s, K["cust"], tag + "a")
    b, rb = create_customer(s, K["cust"], tag + "b", groupName=f"grp-{tag}-shared")
    r = api(s, "GET", "/v3/customers", K["cust"])
    body = expect_ok(r, "list")
    eq(r.keys(), LIST_KEYS, "envelope key order")
    eq((body["object"], body["limit"], body["offset"]), ("list", 10, 0), "defaults")
    check(body["totalCount"] >= 2, "totalCount")
    first_item = dict(r.ordered())["data"][0]
    eq([k for k, _ in first_item], CUSTOMER_KEYS, "list item key order")
    filters = [
        ("name", ra["name"], a), ("email", rb["email"], b), ("cpfCnpj", ra["cpfCnpj"], a),
        ("externalReference", rb["externalReference"], b), ("groupName", ra["groupName"], a),
        ("groupName", f"grp-{tag}-shared", b),
    ]
    for field, value, want in filters:
        q = urllib_quote(value)
        body = expect_ok(api(s, "GET", f"/v3/customers?{field}={q}", K["cust"]), field)
        eq([c["id"] for c in body["data"]], [want["id"]], f"filter {field}={value}")
        eq((body["totalCount"], body["hasMore"]), (1, False), f"filter {field} counts")
    body = expect_ok(api(s, "GET", "/v3/customers?email=nobody%40example.com", K["cust"]), "none")
    eq((body["totalCount"], body["data"], body["hasMore"]), (0, [], False), "no match")


def urllib_quote(value):
    from urllib.parse import quote
    return quote(value, safe="")


@test("customers_list_limit_out_of_range_400")
def _(ctx):
    s = ctx.main
    for q in ("limit=0", "limit=101"):
        expect_error(api(s, "GET", f"/v3/customers?{q}", K["cust"]), 400, "invalid_limit",
                     TXT_LIMIT, q)
    for q in ("limit=1", "limit=100"):
        eq(expect_ok(api(s, "GET", f"/v3/customers?{q}", K["cust"]), q)["limit"],
           int(q.split("=")[1]), q)


@test("customers_pagination_newest_first_hasmore")
def _(ctx):
    s = ctx.main
    group = f"page{os.getpid()}"
    ids = [create_customer(s, K["cust"], f"page{i}", groupName=group)[0]["id"] for i in range(3)]
    p1 = expect_ok(api(s, "GET", f"/v3/customers?groupName={group}&limit=2", K["cust"]), "p1")
    eq((p1["hasMore"], p1["totalCount"], p1["limit"], p1["offset"]), (True, 3, 2, 0), "page 1")
    p2 = expect_ok(api(s, "GET", f"/v3/customers?groupName={group}&limit=2&offset=2", K["cust"]),
                   "p2")
    eq((p2["hasMore"], p2["totalCount"], p2["limit"], p2["offset"]), (False, 3, 2, 2), "page 2")
    eq([c["id"] for c in p1["data"] + p2["data"]], ids[::-1], "newest first across pages")


@test("customers_update_put_and_legacy_post")
def _(ctx):
    s = ctx.main
    c, req = create_customer(s, K["cust"], "upd")
    req = dict(req, email="novo.email@example.com", phone="1133334444")
    check_customer(api(s, "PUT", f"/v3/customers/{c['id']}", K["cust"],
                       body={"email": req["email"], "phone": req["phone"]}), req, cid=c["id"])
    req = dict(req, name="Maria Legada")
    check_customer(api(s, "POST", f"/v3/customers/{c['id']}", K["cust"],
                       body={"name": req["name"]}), req, cid=c["id"])
    check_customer(api(s, "GET", f"/v3/customers/{c['id']}", K["cust"]), req, cid=c["id"])
    expect_error(api(s, "PUT", f"/v3/customers/{c['id']}", K["cust"],
                     body={"cpfCnpj": "11111111111"}), 400, "invalid_object", TXT_CPF_CNPJ,
                 "update with invalid CPF")


@test("customers_soft_delete_and_restore")
def _(ctx):
    s = ctx.main
    c, req = create_customer(s, K["cust"], "del")
    r = api(s, "DELETE", f"/v3/customers/{c['id']}", K["cust"])
    eq(r.status, 200, "delete status")
    eq(r.ordered(), [("deleted", True), ("id", c["id"])], "delete body and key order")
    check_customer(api(s, "GET", f"/v3/customers/{c['id']}", K["cust"]), req, deleted=True,
                   cid=c["id"])
    check_customer(api(s, "POST", f"/v3/customers/{c['id']}/restore", K["cust"]), req,
                   cid=c["id"])
    check_customer(api(s, "GET", f"/v3/customers/{c['id']}", K["cust"]), req, cid=c["id"])


@test("customers_invalid_cpf_400_invalid_object")
def _(ctx):
    expect_error(api(ctx.main, "POST", "/v3/customers", K["cust"],
                     body={"name": "Fulano", "cpfCnpj": "11111111111"}), 400, "invalid_object",
                 TXT_CPF_CNPJ)
    cpf = new_cpf()
    bad = cpf[:-1] + str((int(cpf[-1]) + 1) % 10)
    expect_error(api(ctx.main, "POST", "/v3/customers", K["cust"],
                     body={"name": "Fulano", "cpfCnpj": bad}), 400, "invalid_object",
                 TXT_CPF_CNPJ, "wrong check digit")


@test("customers_missing_name_400")
def _(ctx):
    expect_error(api(ctx.main, "POST", "/v3/customers", K["cust"], body={"cpfCnpj": new_cpf()}),
                 400, "invalid_name", TXT_NAME)


@test("customers_malformed_json_400_invalid_json")
def _(ctx):
    for raw in ('{"name": "x", ', '{"name":"x"} trailing', "[1,2]"):
        expect_error(api(ctx.main, "POST", "/v3/customers", K["cust"], body=raw), 400,
                     "invalid_json", TXT_JSON, repr(raw))


@test("customers_get_with_body_403_before_auth")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/customers", K["cust"], body="{}"), 403,
                 "invalid_request", TXT_GET_WITH_BODY, "with key")
    expect_error(api(ctx.main, "GET", "/v3/customers", ABSENT, body="{}"), 403,
                 "invalid_request", TXT_GET_WITH_BODY, "without key")


@test("customers_unknown_id_404_json")
def _(ctx):
    for method in ("GET", "PUT", "DELETE"):
        body = {"name": "x"} if method == "PUT" else None
        expect_error(api(ctx.main, method, "/v3/customers/cus_999999999999", K["cust"], body=body),
                     404, "not_found", TXT_NOT_FOUND, method)


@test("unknown_route_404_json")
def _(ctx):
    expect_error(api(ctx.main, "GET", "/v3/nonexistentThing", K["cust"]), 404, "not_found",
                 TXT_ROUTE_NOT_FOUND, "/v3 route")
    expect_error(api(ctx.main, "GET", "/totally/elsewhere", K["cust"]), 404, "not_found",
                 TXT_ROUTE_NOT_FOUND, "outside /v3")


@test("customers_patch_405_json_with_allow")
def _(ctx):
    r = api(ctx.main, "PATCH", "/v3/customers", K["cust"], body={"name": "x"})
    expect_error(r, 405, "method_not_allowed", TXT_METHOD)
    allow = {m.strip() for m in (r.header("Allow") or "").split(",")}
    eq(allow, {"GET", "POST"}, "Allow header")


@test("customers_legacy_api_v3_prefix")
def _(ctx):
    s = ctx.main
    c, req = create_customer(s, K["cust"], "legacyprefix", path="/api/v3/customers")
    check_customer(api(s, "GET", f"/v3/customers/{c['id']}", K["cust"]), req, cid=c["id"])
    check_customer(api(s, "GET", f"/api/v3/customers/{c['id']}", K["cust"]), req, cid=c["id"])
    expect_error(api(s, "GET", "/api/v3/customers", ABSENT), 401, "access_token_not_found",
                 TXT_TOKEN_NOT_FOUND, "auth under /api/v3")


@test("x_request_id_generated_and_echoed")
def _(ctx):
    s = ctx.main
    for r in (api(s, "GET", "/v3/customers", K["cust"]), api(s, "GET", "/v3/customers", ABSENT),
              api(s, "GET", "/v3/nope", K["cust"])):
        rid = r.header("X-Request-Id")
        check(rid and re.match(r"^[A-Za-z0-9._-]{8,}$", rid), f"X-Request-Id {rid!r} ({r.status})")
    a = api(s, "GET", "/v3/customers", K["cust"]).header("X-Request-Id")
    b = api(s, "GET", "/v3/customers", K["cust"]).header("X-Request-Id")
    check(a != b, "generated request ids repeat")
    r = api(s, "GET", "/v3/customers", K["cust"], headers=[("X-Request-Id", "e2e-trace-42")])
    eq(r.header("X-Request-Id"), "e2e-trace-42", "echoed client id")


@test("seed_same_ids_for_same_sequence")
def _(ctx):
    runs = []
    for n, seed in enumerate(("7", "7", "8")):
        s = ctx.server(f"seed{n}", args=["--seed", seed])
        runs.append([create_customer(s, K["cust"], f"seed{i}")[0]["id"] for i in range(3)])
        s.stop()
    eq(runs[1], runs[0], "--seed 7 twice")
    check(runs[2] != runs[0], f"--seed 8 gave the same ids as --seed 7: {runs[0]}")


# ---------------------------------------------------------------------------- 11. CLI, admin

@test("cli_healthcheck_exit_codes")
def _(ctx):
    s = ctx.main
    p = run_binary(ctx.binary, ["--healthcheck", "--port", str(s.port)])
    eq(p.returncode, 0, f"healthcheck against running server ({p.stderr[-300:]!r})")
    # the same port flags the server was started with
    p = run_binary(ctx.binary, ["--healthcheck", "--port", "0", "--port-file", s.port_file])
    eq(p.returncode, 0, f"healthcheck via --port 0 --port-file ({p.stderr[-300:]!r})")
    p = run_binary(ctx.binary, ["--healthcheck"], env={"ASAAS_MOCK_PORT": str(s.port)})
    eq(p.returncode, 0, f"healthcheck via ASAAS_MOCK_PORT ({p.stderr[-300:]!r})")
    p = run_binary(ctx.binary, ["--healthcheck", "--port", str(free_port())])
    eq(p.returncode, 1, "healthcheck against a closed port")


@test("cli_version_exits_0")
def _(ctx):
    p = run_binary(ctx.binary, ["--version"])
    eq(p.returncode, 0, "--version exit")
    check(re.search(rb"\d+\.\d+\.\d+", p.stdout), f"--version output {p.stdout[:200]!r}")


@test("cli_invalid_values_exit_2_naming_option")
def _(ctx):
    for args, name in ((["--port", "abc"], b"port"), (["--port", "70000"], b"port"),
                       (["--environment", "staging"], b"environment"),
                       (["--idle-timeout", "-1"], b"idle-timeout"),
                       (["--no-such-flag"], b"no-such-flag")):
        p = run_binary(ctx.binary, args)
        eq(p.returncode, 2, f"{args} exit status (stderr {p.stderr[-300:]!r})")
        check(name in p.stderr + p.stdout, f"{args}: message does not name {name!r}: "
                                           f"{(p.stderr + p.stdout)[-300:]!r}")


@test("cli_bind_all_without_admin_token_refused")
def _(ctx):
    p = run_binary(ctx.binary, ["--bind", "0.0.0.0", "--port", "0"], timeout=5)
    eq(p.returncode, 2, f"exit status (stderr {p.stderr[-300:]!r})")
    check(b"ASAAS_MOCK_ADMIN_TOKEN" in p.stderr + p.stdout, "message names ASAAS_MOCK_ADMIN_TOKEN")


@test("cli_blank_admin_token_beyond_loopback_refused")
def _(ctx):
    # A blank token could never match (header values arrive trimmed): the control API would
    # refuse everyone on a server reachable from outside. Refused before listening.
    p = run_binary(ctx.binary, ["--bind", "0.0.0.0", "--port", "0"],
                   env={"ASAAS_MOCK_ADMIN_TOKEN": " "}, timeout=5)
    eq(p.returncode, 2, f"exit status (stderr {p.stderr[-300:]!r})")
    check(b"ASAAS_MOCK_ADMIN_TOKEN" in p.stderr + p.stdout, "message names ASAAS_MOCK_ADMIN_TOKEN")


@test("admin_token_enforced_on_control_api")
def _(ctx):
    token = "e2e-admin-" + os.urandom(6).hex()
    s = ctx.server("admin", args=["--bind", "127.0.0.1"],
                   env={"ASAAS_MOCK_ADMIN_TOKEN": token})
    r = s.request("GET", "/__mock/accounts")
    eq(r.status, 401, "no token")
    check(r.json().get("errors"), f"401 is JSON errors: {r.body[:200]!r}")
    eq(s.request("GET", "/__mock/accounts", admin="wrong").status, 401, "wrong token")
    eq(s.request("GET", "/__mock/accounts", admin=token).status, 200, "X-Mock-Admin-Token")
    eq(s.request("GET", "/__mock/accounts", headers=[("Authorization", f"Bearer {token}")])
       .status, 200, "Authorization: Bearer")
    eq(s.request("GET", "/__mock/journal").status, 401, "journal without token")
    eq(s.request("GET", "/__mock/health").status, 200, "health without token")
    eq(s.request("GET", "/__mock/ca.pem").status, 200, "ca.pem without token")
    check(token not in s.stdout() + s.stderr(), "admin token logged")


# ---------------------------------------------------------------------------- 12. journal, metrics

@test("journal_newest_first_redacted_and_clear")
def _(ctx):
    s = ctx.main
    s.control("DELETE", "/__mock/journal")

    def api_entries():
        j = s.control("GET", "/__mock/journal").json()
        eq(j.get("object"), "list", "journal object")
        return [e for e in j["data"] if not e.get("path", "").startswith("/__mock")]

    eq(api_entries(), [], "journal after DELETE")
    api(s, "GET", "/v3/customers", K["cust"])
    api(s, "GET", "/v3/customers/cus_000000000001", K["cust"])
    api(s, "GET", "/v3/customers", K["unknown"])
    entries = api_entries()
    eq([(e.get("method"), e.get("path"), e.get("status")) for e in entries],
       [("GET", "/v3/customers", 401), ("GET", "/v3/customers/cus_000000000001", 404),
        ("GET", "/v3/customers", 200)], "journal newest first")
    eq([e.get("key") for e in entries], [redact(K["unknown"]), redact(K["cust"]),
                                         redact(K["cust"])], "redacted keys")
    for e in entries:
        for field in ("id", "time", "clientIp", "account", "auth", "durationUs"):
            check(field in e, f"journal entry lacks {field}: {e}")
        eq(e["clientIp"], "127.0.0.1", "clientIp")
    eq((entries[2]["account"], entries[2]["auth"]), ("acc_cust", "ok"), "ok entry account/auth")
    text = s.control("GET", "/__mock/journal").text
    check(K["cust"] not in text and K["unknown"] not in text, "journal has whole keys")
    one = s.control("GET", "/__mock/journal?limit=1").json()
    eq(len(one["data"]), 1, "?limit=1")
    s.control("DELETE", "/__mock/journal")
    eq(api_entries(), [], "journal after second DELETE")


@test("metrics_prometheus_text")
def _(ctx):
    s = ctx.main
    before = metric_value(s, "asaas_mock_requests_total", {"status": "200"})
    api(s, "GET", "/v3/customers", K["cust"])
    text = s.control("GET", "/__mock/metrics").text
    check("asaas_mock_requests_total" in text, "asaas_mock_requests_total missing")
    check("asaas_mock_connections_total" in text, "asaas_mock_connections_total missing")
    check(metric_value(s, "asaas_mock_requests_total", {"status": "200"}) >= before + 1,
          "requests_total{status=200} did not grow")
    check(re.search(r'^asaas_mock_auth_failures_total\{reason="[^"]+"\} \d', text, re.M),
          "asaas_mock_auth_failures_total{reason=...} missing")


# ---------------------------------------------------------------------------- main

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-", __doc__.split("\n")[0])

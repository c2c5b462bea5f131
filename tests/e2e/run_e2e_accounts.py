#!/usr/bin/env python3
"""run_e2e_accounts.py - subaccounts and their keys, account info, documents, splits.

Flows of issue #14 on real servers:
- a subaccount created through the API answers a key that works at once: it lists its
  own (empty) customers, is refused on the parent's data and on the parent's subaccount
  routes; the parent manages its keys (create, disable, delete, the 10-key limit);
- a split payment received credits the receiver's wallet (both ledgers ok);
- with --state-file, a kill -9 after minting keys keeps the subaccount and its keys (the
  file holds only their SHA-256) and replays the rest exactly;
- account info, wallets and a multipart document upload.

Usage: run_e2e_accounts.py path/to/asaas-mock [-k PATTERN]
"""

import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, check, eq, make_key, new_cpf, registry  # noqa: E402
import harness  # noqa: E402

KEY = make_key()
TESTS, test = registry()


def accounts():
    return [{"id": "default", "name": "Default", "requireUserAgent": True, "allowedIps": [],
             "keys": [{"name": "default", "key": KEY, "enabled": True,
                       "expirationDate": None}]}]


class Ctx(harness.Ctx):
    def make_shared(self):
        return Server(self.binary, "accounts", args=["--clock", "2025-03-10"],
                      accounts=accounts(), root=self.root, default_key=KEY)

    def with_state(self, state):
        s = Server(self.binary, "accounts-state", root=self.root, default_key=KEY,
                   args=["--clock", "2025-03-10", "--state-file", state], accounts=accounts())
        return self.own(s)


def body(obj):
    return json.dumps(obj)


def sub_body(name="Loja Filha", email=None):
    return {"name": name, "email": email or f"{new_cpf()}@example.com", "cpfCnpj": new_cpf(),
            "mobilePhone": "11987654321", "incomeValue": 5000, "address": "Av. Paulista",
            "addressNumber": "150", "province": "Centro", "postalCode": "01310-000"}


def create_sub(s, key=KEY, **kw):
    r = harness.api(s, "POST", "/v3/accounts", key=key, body=body(sub_body(**kw)))
    eq(r.status, 200, f"create subaccount (body {r.body[:300]!r})")
    sub = r.json()
    api_key = sub["accessToken"]["apiKey"]
    harness.note_secret(api_key)  # shown once: no output may hold it from now on
    return sub, api_key


def ledger_ok(s, account_id):
    r = s.control("GET", f"/__mock/accounts/{account_id}/ledger/check")
    eq(r.json().get("ok"), True, f"ledger of {account_id}: {r.body[:200]!r}")


@test("subaccount_key_lists_own_empty_customers_and_is_refused_on_parent_data")
def _(ctx):
    s = ctx.shared
    cus = harness.api(s, "POST", "/v3/customers",
                      body=body({"name": "Cliente do pai", "cpfCnpj": new_cpf()})).json()["id"]
    sub, sub_key = create_sub(s)
    eq(sub["object"], "account", "object")
    check(len(sub["id"]) == 36 and len(sub["walletId"]) == 36, f"UUIDs: {sub}")
    check(sub_key.startswith("$aact_hmlg_"), "a sandbox key")
    eq(sub["accessToken"]["enabled"], True, "first key enabled")
    # the key works at once, on its own empty data
    r = harness.api(s, "GET", "/v3/customers", key=sub_key)
    eq(r.status, 200, f"sub lists customers {r.body[:200]!r}")
    eq(r.json()["totalCount"], 0, "the subaccount has no customers")
    # and is refused on the parent's
    r = harness.api(s, "GET", f"/v3/customers/{cus}", key=sub_key)
    eq(r.status, 404, "parent's customer is not the subaccount's")
    eq(r.json()["errors"][0]["code"], "not_found", "error code")
    r = harness.api(s, "GET", f"/v3/accounts/{sub['id']}/accessTokens", key=sub_key)
    eq(r.status, 404, "a subaccount does not manage itself")
    r = harness.api(s, "GET", f"/v3/accounts/{sub['id']}", key=sub_key)
    eq(r.status, 404, "nor sees itself as a subaccount")
    # its own identity: own wallet, own account id
    w = harness.api(s, "GET", "/v3/wallets", key=sub_key).json()
    eq(w["data"][0]["id"], sub["walletId"], "wallet of the subaccount")
    st = harness.api(s, "GET", "/v3/myAccount/status", key=sub_key).json()
    eq(st["id"], sub["id"], "myAccount/status id is the subaccount's UUID")
    parent_w = harness.api(s, "GET", "/v3/wallets").json()["data"][0]["id"]
    check(parent_w != sub["walletId"], "parent and subaccount wallets differ")
    # the parent finds it
    r = harness.api(s, "GET", f"/v3/accounts?walletId={sub['walletId']}")
    eq(r.json()["totalCount"], 1, "list filtered by walletId")
    eq(r.json()["data"][0]["id"], sub["id"], "listed subaccount")
    check("accessToken" not in r.json()["data"][0], "the list never shows keys")


@test("parent_manages_subaccount_keys_limit_disable_delete")
def _(ctx):
    s = ctx.shared
    sub, sub_key = create_sub(s)
    base = f"/v3/accounts/{sub['id']}/accessTokens"
    r = harness.api(s, "POST", base, body=body({"name": "integração",
                                                 "expirationDate": "2030-01-01 00:00:00"}))
    eq(r.status, 200, f"new key {r.body[:200]!r}")
    tok = r.json()
    second = tok["apiKey"]
    eq(tok["name"], "integração", "name")
    eq(tok["expirationDate"], "2030-01-01 00:00:00", "expiry")
    eq(harness.api(s, "GET", "/v3/customers", key=second).status, 200, "second key works")
    listed = harness.api(s, "GET", base).json()["accessTokens"]
    eq(len(listed), 2, "two keys")
    check(all("apiKey" not in t for t in listed), "listing never shows a key")
    # disable: refused at once; enable again: works
    r = harness.api(s, "PUT", f"{base}/{tok['id']}",
                    body=body({"name": "x", "enabled": False, "expirationDate": None}))
    eq(r.status, 200, f"disable {r.body[:200]!r}")
    eq(r.json()["disabledReason"], "MANUAL", "disabledReason")
    eq(harness.api(s, "GET", "/v3/customers", key=second).status, 401, "disabled key refused")
    r = harness.api(s, "PUT", f"{base}/{tok['id']}", body=body({"name": "x", "enabled": True}))
    eq(harness.api(s, "GET", "/v3/customers", key=second).status, 200, "enabled again")
    # events of the key owner
    ev = s.control("GET", f"/__mock/accounts/{sub['id']}/events").json()
    names = [e["event"] for e in ev["data"]]
    for want in ("ACCESS_TOKEN_CREATED", "ACCESS_TOKEN_DISABLED", "ACCESS_TOKEN_ENABLED"):
        check(want in names, f"{want} in {names}")
    # delete: 204, the key stops at once
    r = harness.api(s, "DELETE", f"{base}/{tok['id']}")
    eq(r.status, 204, "delete answers 204")
    eq(harness.api(s, "GET", "/v3/customers", key=second).status, 401, "deleted key refused")
    # at most 10 keys
    for i in range(9):
        eq(harness.api(s, "POST", base, body=body({"name": f"k{i}"})).status, 200, f"key {i}")
    r = harness.api(s, "POST", base, body=body({"name": "one too many"}))
    eq(r.status, 400, "11th key refused")
    eq(r.json()["errors"][0]["code"], "invalid_action", "limit code")
    # another account's key cannot manage it
    other, other_key = create_sub(s)
    r = harness.api(s, "POST", base, key=other_key, body=body({"name": "intruso"}))
    eq(r.status, 404, "a sibling cannot mint keys of another subaccount")
    # closing: keys stop, second close refused
    eq(harness.api(s, "DELETE", f"/v3/accounts/{sub['id']}").status, 200, "close")
    eq(harness.api(s, "GET", "/v3/customers", key=sub_key).status, 401, "closed: key refused")
    r = harness.api(s, "DELETE", f"/v3/accounts/{sub['id']}")
    eq(r.status, 400, "second close")
    eq(r.json()["errors"][0]["description"], "A subconta já foi encerrada", "text")


@test("subaccount_create_validation_first_error")
def _(ctx):
    s = ctx.shared
    r = harness.api(s, "POST", "/v3/accounts", body=body({}))
    eq(r.status, 400, "empty body")
    eq(r.json()["errors"][0]["code"], "invalid_name", "first missing field")
    b = sub_body()
    b["cpfCnpj"] = "12345678900"
    r = harness.api(s, "POST", "/v3/accounts", body=body(b))
    eq(r.json()["errors"][0]["description"], "O CPF/CNPJ informado é inválido.", "bad CPF")
    b = sub_body(email="dup@example.com")
    eq(harness.api(s, "POST", "/v3/accounts", body=body(b)).status, 200, "first")
    r = harness.api(s, "POST", "/v3/accounts", body=body(sub_body(email="dup@example.com")))
    eq(r.status, 400, "e-mail in use")


@test("split_payment_received_credits_the_receiver_wallet")
def _(ctx):
    s = ctx.shared
    sub, sub_key = create_sub(s)
    cus = harness.api(s, "POST", "/v3/customers",
                      body=body({"name": "Pagador", "cpfCnpj": new_cpf()})).json()["id"]
    bad = harness.api(s, "POST", "/v3/payments", body=body({
        "customer": cus, "billingType": "PIX", "value": 100, "dueDate": "2025-03-20",
        "split": [{"walletId": "00000000-0000-4000-8000-000000000000", "fixedValue": 5}]}))
    eq(bad.status, 400, "unknown wallet refused")
    eq(bad.json()["errors"][0]["code"], "invalid_split", "code")
    too_much = harness.api(s, "POST", "/v3/payments", body=body({
        "customer": cus, "billingType": "PIX", "value": 100, "dueDate": "2025-03-20",
        "split": [{"walletId": sub["walletId"], "fixedValue": 99}]}))
    eq(too_much.status, 400, "parts above the net value refused")
    before = harness.api(s, "GET", "/v3/finance/balance").json()["balance"]
    pay = harness.api(s, "POST", "/v3/payments", body=body({
        "customer": cus, "billingType": "PIX", "value": 100, "dueDate": "2025-03-20",
        "split": [{"walletId": sub["walletId"], "percentualValue": 10},
                  {"walletId": sub["walletId"], "fixedValue": 5, "externalReference": "x1"}]}))
    eq(pay.status, 200, f"split payment {pay.body[:300]!r}")
    pid = pay.json()["id"]
    eq(harness.api(s, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 0,
       "nothing before the payment is received")
    r = harness.api(s, "POST", f"/v3/sandbox/payment/{pid}/confirm", body="{}")
    eq(r.status, 200, f"confirm {r.body[:200]!r}")
    # net 98.01: 10% = 9.80, + 5.00 fixed = 14.80 to the receiver
    eq(harness.api(s, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 14.8,
       "receiver credited")
    after = harness.api(s, "GET", "/v3/finance/balance").json()["balance"]
    eq(round(after - before, 2), round(98.01 - 14.8, 2), "payer keeps the net minus the parts")
    got = harness.api(s, "GET", f"/v3/payments/splits/received?paymentId={pid}",
                      key=sub_key).json()
    eq(got["totalCount"], 2, "two parts received")
    eq({d["status"] for d in got["data"]}, {"DONE"}, "parts done")
    paid = harness.api(s, "GET", f"/v3/payments/splits/paid?paymentId={pid}").json()
    eq(sorted(d["totalValue"] for d in paid["data"]), [5, 9.8], "paid parts")
    one = harness.api(s, "GET", f"/v3/payments/splits/paid/{paid['data'][0]['id']}").json()
    eq(one["destinationAccountId"], sub["id"], "destination")
    ledger_ok(s, "default")
    ledger_ok(s, sub["id"])
    # a second write does not pay again
    harness.api(s, "POST", "/v3/customers", body=body({"name": "x", "cpfCnpj": new_cpf()}))
    eq(harness.api(s, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 14.8,
       "paid once")


@test("installment_and_subscription_splits_pay_each_credited_payment")
def _(ctx):
    s = ctx.shared
    sub, sub_key = create_sub(s)
    cus = harness.api(s, "POST", "/v3/customers",
                      body=body({"name": "Parcelado", "cpfCnpj": new_cpf()})).json()["id"]
    r = harness.api(s, "POST", "/v3/installments", body=body({
        "customer": cus, "billingType": "PIX", "installmentCount": 3, "totalValue": 300,
        "dueDate": "2025-03-20", "splits": [{"walletId": sub["walletId"], "totalFixedValue": 30}]}))
    eq(r.status, 200, f"installment {r.body[:300]!r}")
    pays = harness.api(s, "GET", f"/v3/installments/{r.json()['id']}/payments").json()["data"]
    eq(len(pays), 3, "three installments")
    pend = harness.api(s, "GET", "/v3/payments/splits/received?status=PENDING", key=sub_key).json()
    eq(pend["totalCount"], 3, "one pending part per installment")
    first = sorted(pays, key=lambda p: p["installmentNumber"])[0]["id"]
    eq(harness.api(s, "POST", f"/v3/sandbox/payment/{first}/confirm", body="{}").status, 200,
       "confirm the first installment")
    eq(harness.api(s, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 10,
       "a third of totalFixedValue per installment")
    r = harness.api(s, "POST", "/v3/subscriptions", body=body({
        "customer": cus, "billingType": "PIX", "value": 50, "cycle": "MONTHLY",
        "nextDueDate": "2025-03-15", "split": [{"walletId": sub["walletId"], "fixedValue": 2}]}))
    eq(r.status, 200, f"subscription {r.body[:300]!r}")
    spay = harness.api(s, "GET", f"/v3/subscriptions/{r.json()['id']}/payments").json()["data"]
    check(spay, "the subscription's first charge exists")
    eq(harness.api(s, "POST", f"/v3/sandbox/payment/{spay[0]['id']}/confirm", body="{}").status,
       200, "confirm the subscription charge")
    eq(harness.api(s, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 12,
       "subscription part paid")
    ledger_ok(s, "default")
    ledger_ok(s, sub["id"])


@test("state_file_kill9_keeps_subaccount_keys_without_plaintext")
def _(ctx):
    state = os.path.join(tempfile.mkdtemp(prefix="accounts-", dir=ctx.root), "state.jsonl")
    s = ctx.with_state(state)
    sub, sub_key = create_sub(s)
    cus = harness.api(s, "POST", "/v3/customers", key=sub_key,
                      body=body({"name": "Da filha", "cpfCnpj": new_cpf()})).json()["id"]
    tok = harness.api(s, "POST", f"/v3/accounts/{sub['id']}/accessTokens",
                      body=body({"name": "segunda"})).json()
    second = tok["apiKey"]
    # writes after the keys were minted are replayed from the log
    harness.api(s, "PUT", f"/v3/customers/{cus}", key=second,
                body=body({"email": "filha@example.com"}))
    pcus = harness.api(s, "POST", "/v3/customers",
                       body=body({"name": "P", "cpfCnpj": new_cpf()})).json()["id"]
    pay = harness.api(s, "POST", "/v3/payments", body=body({
        "customer": pcus, "billingType": "PIX", "value": 50, "dueDate": "2025-03-20",
        "split": [{"walletId": sub["walletId"], "fixedValue": 10}]})).json()["id"]
    harness.api(s, "POST", f"/v3/sandbox/payment/{pay}/confirm", body="{}")
    # the last write before the crash mints a key: nothing after it compacts the log
    last, last_key = create_sub(s)
    with open(state, encoding="utf-8") as f:
        text = f.read()
    for k in (sub_key, second, last_key):
        check(k not in text, "the state file never holds a minted key")
    check(harness.sha256_hex(sub_key) in text, "the state file holds the key's SHA-256")
    s.assert_no_secret()
    s.kill9()
    s2 = ctx.with_state(state)
    r = harness.api(s2, "GET", f"/v3/customers/{cus}", key=sub_key)
    eq(r.status, 200, f"first key after restart {r.body[:200]!r}")
    eq(r.json()["email"], "filha@example.com", "replayed update")
    eq(harness.api(s2, "GET", "/v3/customers", key=second).status, 200, "second key")
    eq(harness.api(s2, "GET", "/v3/customers", key=last_key).status, 200,
       "the key minted just before the crash")
    eq(harness.api(s2, "GET", f"/v3/accounts/{last['id']}").json()["walletId"], last["walletId"],
       "the last subaccount kept")
    eq(harness.api(s2, "GET", "/v3/finance/balance", key=sub_key).json()["balance"], 10,
       "split credit kept")
    ledger_ok(s2, sub["id"])
    ledger_ok(s2, "default")
    eq(len(harness.api(s2, "GET", f"/v3/accounts/{sub['id']}/accessTokens")
           .json()["accessTokens"]), 2, "both keys listed")


@test("account_info_wallets_and_documents")
def _(ctx):
    s = ctx.shared
    info = harness.api(s, "GET", "/v3/myAccount/commercialInfo").json()
    check("status" in info and "commercialInfoExpiration" in info, f"shape {info}")
    r = harness.api(s, "POST", "/v3/myAccount/commercialInfo",
                    body=body({"email": "novo@example.com", "incomeValue": 1200}))
    eq(r.json()["email"], "novo@example.com", "commercial info saved")
    eq(harness.api(s, "GET", "/v3/myAccount/commercialInfo").json()["incomeValue"], 1200,
       "kept")
    num = harness.api(s, "GET", "/v3/myAccount/accountNumber").json()
    eq(num["agency"], "0001", "agency")
    fees = harness.api(s, "GET", "/v3/myAccount/fees").json()
    eq(fees["payment"]["pix"]["fixedFeeValue"], 1.99, "pix fee as charged")
    r = harness.api(s, "POST", "/v3/myAccount/paymentCheckoutConfig",
                    body=body({"logoBackgroundColor": "#00ff00", "infoBackgroundColor": "#ffffff",
                               "fontColor": "#000000"}))
    eq(r.status, 200, f"checkout config {r.body[:200]!r}")
    eq(r.json()["status"], "AWAITING_APPROVAL", "status")
    r = harness.api(s, "POST", "/v3/myAccount/paymentCheckoutConfig",
                    body=body({"logoBackgroundColor": "green", "infoBackgroundColor": "#ffffff",
                               "fontColor": "#000000"}))
    eq(r.status, 400, "bad colour")
    groups = harness.api(s, "GET", "/v3/myAccount/documents").json()["data"]
    gid = groups[0]["id"]
    eq(groups[0]["status"], "NOT_SENT", "nothing sent yet")
    boundary = "amboundary42"
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n"
            f"IDENTIFICATION\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"documentFile\"; filename=\"rg.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            f"conteudo do documento\r\n--{boundary}--\r\n")
    hdr = [("Content-Type", f"multipart/form-data; boundary={boundary}")]
    r = harness.api(s, "POST", f"/v3/myAccount/documents/{gid}", body=form, headers=hdr)
    eq(r.status, 200, f"upload {r.body[:200]!r}")
    fid = r.json()["id"]
    eq(r.json()["status"], "PENDING", "pending")
    groups = harness.api(s, "GET", "/v3/myAccount/documents").json()["data"]
    eq(groups[0]["documents"], [{"id": fid, "status": "PENDING"}], "listed in its group")
    eq(harness.api(s, "GET", f"/v3/myAccount/documents/files/{fid}").json()["id"], fid, "get")
    r = harness.api(s, "POST", f"/v3/myAccount/documents/files/{fid}", body="{}")
    eq(r.status, 400, "update without a file")
    eq(harness.api(s, "POST", f"/v3/myAccount/documents/files/{fid}", body=form,
                   headers=hdr).status, 200, "replace the file")
    eq(harness.api(s, "DELETE", f"/v3/myAccount/documents/files/{fid}").json(),
       {"deleted": True, "id": fid}, "removed")
    eq(harness.api(s, "GET", f"/v3/myAccount/documents/files/{fid}").status, 404, "gone")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "e2e-accounts-", __doc__)

#!/usr/bin/env python3
"""run_e2e_moneyout.py - money out of an account, end to end over HTTPS: transfers to a
Pix key and a bank account, internal transfers between two accounts by walletId, bills,
mobile recharges, anticipations and the escrow account.

Usage: python3 tests/e2e/run_e2e_moneyout.py /path/to/asaas-mock [-k substring]

One server runs with --clock 2026-07-14 --seed 7 --auto-accounts; every test takes a
fresh key (its own account, clock frozen at 2026-07-14 12:00 BRT). A second account for
internal transfers is made through the control API (POST /__mock/accounts). Money comes
in as a received Pix charge (sandbox confirm). Every test ends with every account's
ledger check ok. Standard library only; reuses harness.py.
"""

import http.server
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, check, eq, err, make_key, registry  # noqa: E402
import harness  # noqa: E402

CLOCK = "2026-07-14"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CUSTOMER = {"name": "Cliente Saida", "cpfCnpj": "24971563792", "email": "saida@example.com"}
BANK = {"bank": {"code": "237"}, "accountName": "Conta de teste", "ownerName": "Fulano de Tal",
        "cpfCnpj": "24971563792", "agency": "1234", "account": "123456", "accountDigit": "7",
        "bankAccountType": "CONTA_CORRENTE"}

TESTS, test = registry()


class Account:
    def __init__(self, server, key=None, account_id=None):
        self.server = server
        self.key = key or make_key()
        if account_id is None:
            me = server.request("GET", "/__mock/whoami", key=self.key)
            eq(me.status, 200, f"whoami (body {me.body[:200]!r})")
            account_id = me.json()["account"]
        self.id = account_id
        self.wallet = server.control("GET", f"/__mock/accounts/{self.id}").json()["walletId"]

    def call(self, method, path, body=None):
        return self.server.request(method, path, key=self.key, body=body)

    def ok(self, method, path, body=None):
        r = self.call(method, path, body)
        eq(r.status, 200, f"{method} {path} status (body {r.body[:400]!r})")
        return r.json()

    def fail(self, method, path, body, status, code, text=None):
        r = self.call(method, path, body)
        eq(r.status, status, f"{method} {path} {body!r} status (body {r.body[:300]!r})")
        e = r.json()["errors"]
        eq(len(e), 1, "one error only")
        eq(e[0]["code"], code, f"{method} {path} error code")
        if text is not None:
            eq(e[0]["description"], text, f"{method} {path} error text")
        return e[0]

    def ctl(self, method, sub, body=None):
        return self.server.control(method, f"/__mock/accounts/{self.id}{sub}", body=body).json()

    def advance(self, days=1):
        return self.ctl("POST", "/clock/advance", {"days": days})

    def balance(self):
        return self.ok("GET", "/v3/finance/balance")["balance"]

    def fund(self, value):
        """A Pix charge of value received now: the balance grows by value - 1.99."""
        cid = self.ok("POST", "/v3/customers", CUSTOMER)["id"]
        p = self.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX",
                                             "value": value, "dueDate": "2026-07-20"})
        self.ok("POST", f"/v3/sandbox/payment/{p['id']}/confirm", {})
        return p["id"]

    def ledger_ok(self, balance=None):
        c = self.ctl("GET", "/ledger/check")
        eq(c["ok"], True, f"ledger check of {self.id}: {c}")
        if balance is not None:
            eq(c["balance"], balance, f"balance of {self.id}")
            eq(self.balance(), balance, "GET /v3/finance/balance")
        return c

    def events(self, resource_id=None):
        data = self.server.control("GET", f"/__mock/accounts/{self.id}/events?limit=1000").json()["data"]
        return [e["event"] for e in data if resource_id is None or e["resourceId"] == resource_id]

    def ledger(self):
        return self.ok("GET", "/v3/financialTransactions?limit=100")["data"]


class Ctx(harness.Ctx):
    SHARED_CHECK = "server_exits_cleanly"

    def make_shared(self):
        return Server(self.binary, "moneyout", root=self.root, accounts=[],
                      args=["--clock", CLOCK, "--seed", "7", "--auto-accounts"])

    def account(self):
        return Account(self.shared)

    def control_account(self, name):
        """An account made through the control API, with a generated key."""
        s = self.shared
        s.control("POST", "/__mock/accounts", body={"id": name, "name": name.title()})
        key = s.control("POST", f"/__mock/accounts/{name}/keys", body={"name": "e2e"}).json()["apiKey"]
        harness.note_secret(key)
        return Account(s, key=key, account_id=name)


# ---------------------------------------------------------------------------- transfers

@test("transfer_to_pix_key_pending_bank_processing_done_on_the_clock")
def _(ctx):
    a = ctx.account()
    a.fund(100)
    a.ledger_ok(98.01)
    t = a.ok("POST", "/v3/transfers", {"value": 50, "pixAddressKey": "24971563792",
                                       "pixAddressKeyType": "CPF", "description": "Saque"})
    check(UUID.match(t["id"]), f"transfer id {t['id']!r} is a UUID")
    eq(list(t)[:8], ["object", "id", "type", "dateCreated", "value", "netValue", "status",
                     "transferFee"], "field order")
    eq((t["object"], t["type"], t["operationType"], t["status"], t["value"], t["transferFee"],
        t["dateCreated"], t["scheduleDate"], t["effectiveDate"]),
       ("transfer", "PIX", "PIX", "PENDING", 50, 0, CLOCK, CLOCK, None), "created transfer")
    eq(t["bankAccount"]["pixAddressKey"], "24971563792", "bankAccount.pixAddressKey")
    eq(t["bankAccount"]["cpfCnpj"], "***.715.637-**", "masked owner document")
    check(not any(k.startswith("_") for k in t), "no private member rendered")
    a.ledger_ok(48.01)
    lines = [x for x in a.ledger() if x.get("transferId") == t["id"]]
    eq([(x["type"], x["value"]) for x in lines], [("TRANSFER", -50)], "ledger lines")
    a.advance(1)
    eq(a.ok("GET", f"/v3/transfers/{t['id']}")["status"], "BANK_PROCESSING", "next day")
    a.fail("DELETE", f"/v3/transfers/{t['id']}/cancel", None, 400, "invalid_action")
    a.advance(1)
    done = a.ok("GET", f"/v3/transfers/{t['id']}")
    eq((done["status"], done["effectiveDate"]), ("DONE", "2026-07-16"), "two days later")
    check(re.match(r"^E19540550202607160000[0-9a-z]{11}$", done["endToEndIdentifier"] or ""),
          f"endToEndIdentifier {done['endToEndIdentifier']!r}")
    check(done["transactionReceiptUrl"].startswith("https://sandbox.asaas.com/comprovantes/"),
          "receipt url")
    eq(a.events(t["id"]), ["TRANSFER_CREATED", "TRANSFER_IN_BANK_PROCESSING", "TRANSFER_DONE"],
       "transfer events")
    a.ledger_ok(48.01)


@test("internal_transfer_between_two_accounts_by_wallet_id")
def _(ctx):
    a = ctx.account()
    b = ctx.control_account("moneyout-receiver")
    check(UUID.match(b.wallet), f"walletId {b.wallet!r}")
    a.fund(100)
    t = a.ok("POST", "/v3/transfers/", {"value": 30, "walletId": b.wallet,
                                        "externalReference": "ref-1"})
    eq((t["type"], t["operationType"], t["status"], t["walletId"], t["effectiveDate"],
        t["transferFee"], t["externalReference"]),
       ("INTERNAL", "INTERNAL", "DONE", b.wallet, CLOCK, 0, "ref-1"), "internal transfer")
    eq(t["account"]["name"], "Moneyout-Receiver", "receiver account name")
    check("bankAccount" not in t, "internal transfers carry account, not bankAccount")
    a.ledger_ok(68.01)
    b.ledger_ok(30)
    eq([(x["type"], x["value"], x["transferId"]) for x in b.ledger()],
       [("INTERNAL_TRANSFER_CREDIT", 30, t["id"])], "receiver's statement")
    eq([x["type"] for x in a.ledger() if x.get("transferId") == t["id"]],
       ["INTERNAL_TRANSFER_DEBIT"], "sender's statement")
    eq(a.events(t["id"]), ["TRANSFER_CREATED", "TRANSFER_DONE", "INTERNAL_TRANSFER_DEBIT"],
       "sender events")
    eq(b.events(t["id"]), ["INTERNAL_TRANSFER_CREDIT"], "receiver events")
    # the same body on the route without the slash; the receiver sends money back
    a.ok("POST", "/v3/transfers", {"value": 10, "walletId": b.wallet})
    b.ok("POST", "/v3/transfers", {"value": 15, "walletId": a.wallet})
    a.ledger_ok(73.01)
    b.ledger_ok(25)
    a.fail("POST", "/v3/transfers/", {"value": 1, "walletId": a.wallet}, 400, "invalid_walletId")
    a.fail("POST", "/v3/transfers/", {"value": 1, "walletId": "00000000-0000-4000-8000-000000000000"},
           400, "invalid_walletId")
    a.fail("POST", "/v3/transfers/", {"value": 1}, 400, "invalid_walletId")
    a.fail("POST", "/v3/transfers/", {"value": 1000, "walletId": b.wallet}, 400, "invalid_action",
           "Saldo insuficiente para realizar a transferência.")
    eq(len(a.ok("GET", "/v3/transfers?type=ASAAS_ACCOUNT")["data"]), 2, "ASAAS_ACCOUNT filter")
    eq(len(a.ok("GET", "/v3/transfers?type=PIX")["data"]), 0, "PIX filter")
    a.ledger_ok(73.01)
    b.ledger_ok(25)


@test("transfer_refused_without_balance_and_validated_first_error_only")
def _(ctx):
    a = ctx.account()
    key = {"pixAddressKey": "cliente@example.com", "pixAddressKeyType": "EMAIL"}
    a.fail("POST", "/v3/transfers", dict(key, value=10), 400, "invalid_action",
           "Saldo insuficiente para realizar a transferência.")
    a.fail("POST", "/v3/transfers", {}, 400, "invalid_value", "O campo value deve ser informado")
    a.fail("POST", "/v3/transfers", {"value": 0, **key}, 400, "invalid_value")
    a.fail("POST", "/v3/transfers", {"value": 10}, 400, "invalid_bankAccount")
    a.fail("POST", "/v3/transfers", {"value": 10, "pixAddressKey": "x"}, 400,
           "invalid_pixAddressKeyType")
    a.fail("POST", "/v3/transfers", {"value": 10, "pixAddressKey": "123",
                                     "pixAddressKeyType": "CPF"}, 400, "invalid_pixAddressKey")
    a.fail("POST", "/v3/transfers", {"value": 10, "bankAccount": dict(BANK, agency=None)}, 400,
           "invalid_bankAccount", "O campo bankAccount.agency deve ser informado.")
    a.fail("POST", "/v3/transfers", dict(key, value=10, scheduleDate="2026-07-13"), 400,
           "invalid_scheduleDate")
    a.fail("POST", "/v3/transfers", dict(key, value=10, operationType="DOC"), 400,
           "invalid_operationType")
    a.fail("POST", "/v3/transfers", "not json", 400, "invalid_json")
    a.ledger_ok(0)
    eq(a.ok("GET", "/v3/transfers")["totalCount"], 0, "nothing created")
    eq(a.events(), [], "no events")


@test("transfer_cancel_ted_fee_failure_schedule_duplicate")
def _(ctx):
    a = ctx.account()
    a.fund(200)  # 198.01
    ted = a.ok("POST", "/v3/transfers", {"value": 20, "bankAccount": BANK, "operationType": "TED"})
    eq((ted["type"], ted["transferFee"], ted["bankAccount"]["bank"]["code"],
        ted["bankAccount"]["bank"]["name"], ted["bankAccount"]["cpfCnpj"]),
       ("TED", 5, "237", "Banco Bradesco S.A.", "***.715.637-**"), "TED transfer")
    a.ledger_ok(173.01)
    eq([(x["type"], x["value"]) for x in a.ledger() if x.get("transferId") == ted["id"]],
       [("TRANSFER", -20), ("TRANSFER_FEE", -5)], "value and fee lines")
    # identical transfer within 15 minutes: 409
    a.fail("POST", "/v3/transfers", {"value": 20, "bankAccount": BANK, "operationType": "TED"},
           409, "duplicated_transfer")
    c = a.ok("DELETE", f"/v3/transfers/{ted['id']}/cancel")
    eq(c["status"], "CANCELLED", "cancelled")
    a.ledger_ok(198.01)
    a.fail("DELETE", f"/v3/transfers/{ted['id']}/cancel", None, 400, "invalid_action")
    eq(a.call("DELETE", "/v3/transfers/00000000-0000-4000-8000-000000000000/cancel").status, 404,
       "unknown transfer")
    # a destination the bank refuses: FAILED after BANK_PROCESSING, money back
    bad = a.ok("POST", "/v3/transfers", {"value": 10, "bankAccount": dict(BANK, account="0000000")})
    sched = a.ok("POST", "/v3/transfers", {"value": 5, "pixAddressKey": "+5547999990000",
                                           "pixAddressKeyType": "PHONE", "scheduleDate": "2026-07-20"})
    eq(sched["scheduleDate"], "2026-07-20", "scheduleDate")
    a.ledger_ok(183.01)
    a.advance(2)
    f = a.ok("GET", f"/v3/transfers/{bad['id']}")
    eq((f["status"], f["failReason"]), ("FAILED", "Conta de destino inexistente ou encerrada."),
       "failed transfer")
    eq(a.events(bad["id"])[-1], "TRANSFER_FAILED", "failed event")
    eq(a.ok("GET", f"/v3/transfers/{sched['id']}")["status"], "PENDING", "scheduled still pending")
    a.ledger_ok(193.01)
    a.advance(4)  # 2026-07-20
    eq(a.ok("GET", f"/v3/transfers/{sched['id']}")["status"], "BANK_PROCESSING", "on its day")
    a.advance(1)
    eq(a.ok("GET", f"/v3/transfers/{sched['id']}")["status"], "DONE", "the day after")
    lst = a.ok("GET", "/v3/transfers?transferDate[ge]=2026-07-21&transferDate[le]=2026-07-21")
    eq([x["id"] for x in lst["data"]], [sched["id"]], "transferDate filter")
    eq(a.ok("GET", "/v3/transfers?limit=1")["hasMore"], True, "list envelope")
    a.fail("GET", "/v3/transfers?type=NOPE", None, 400, "invalid_type")
    a.ledger_ok(193.01)


@test("recurring_transfer_makes_one_transfer_per_occurrence")
def _(ctx):
    a = ctx.account()
    a.fund(100)
    t = a.ok("POST", "/v3/transfers", {"value": 10, "pixAddressKey": "cliente@example.com",
                                       "pixAddressKeyType": "EMAIL",
                                       "recurring": {"frequency": "WEEKLY", "quantity": 3}})
    check(UUID.match(t["recurring"] or ""), "recurrence id")
    data = a.ok("GET", "/v3/transfers")["data"]
    eq(sorted(x["scheduleDate"] for x in data), ["2026-07-14", "2026-07-21", "2026-07-28"],
       "weekly occurrences")
    a.ledger_ok(68.01)
    a.fail("POST", "/v3/transfers", {"value": 1, "pixAddressKey": "cliente@example.com",
                                     "pixAddressKeyType": "EMAIL",
                                     "recurring": {"frequency": "MONTHLY", "quantity": 12}},
           400, "invalid_recurring")


@test("internal_transfer_credit_is_delivered_to_the_receivers_webhook")
def _(ctx):
    """The receiver's INTERNAL_TRANSFER_CREDIT reaches its webhook with no request of the
    receiver's and no control call after the transfer."""
    got = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            got.append(json.loads(self.rfile.read(n)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        a = ctx.account()
        b = ctx.control_account("moneyout-hooked")
        b.ok("POST", "/v3/webhooks", {"name": "saida",
                                      "url": f"http://127.0.0.1:{srv.server_address[1]}/hook",
                                      "email": "saida@example.com", "enabled": True,
                                      "interrupted": False, "apiVersion": 3,
                                      "sendType": "SEQUENTIALLY",
                                      "events": ["INTERNAL_TRANSFER_CREDIT"]})
        a.fund(100)
        t = a.ok("POST", "/v3/transfers/", {"value": 5, "walletId": b.wallet})
        harness.wait_until(lambda: got, 5, what="the receiver's webhook delivery")
        eq((got[0]["event"], got[0]["transfer"]["id"], got[0]["transfer"]["value"]),
           ("INTERNAL_TRANSFER_CREDIT", t["id"], 5), "delivered event")
    finally:
        srv.shutdown()


# ---------------------------------------------------------------------------- bills

def _mod10(digits):
    total, weight = 0, 2
    for ch in reversed(digits):
        v = int(ch) * weight
        total += v // 10 + v % 10
        weight = 1 if weight == 2 else 2
    return str((10 - total % 10) % 10)


def _mod11(barcode43):
    total, weight = 0, 2
    for ch in reversed(barcode43):
        total += int(ch) * weight
        weight = 2 if weight == 9 else weight + 1
    dv = 11 - total % 11
    return "1" if dv in (0, 1, 10, 11) else str(dv)


def linha(bank, factor, cents, free="1234567890123456789012345"):
    """A valid 47-digit linha digitável (FEBRABAN check digits)."""
    body = f"{bank}9{factor:04d}{cents:010d}{free}"
    bar = body[:4] + _mod11(body) + body[4:]
    f1 = bar[0:4] + bar[19:24]
    f2, f3 = bar[24:34], bar[34:44]
    return f1 + _mod10(f1) + f2 + _mod10(f2) + f3 + _mod10(f3) + bar[4] + bar[5:19]


@test("bill_of_an_asaas_boleto_paid_other_banks_failed_cancel_gives_money_back")
def _(ctx):
    a = ctx.account()
    a.fund(300)  # 298.01
    cid = a.ok("POST", "/v3/customers", CUSTOMER)["id"]
    boleto = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 50,
                                           "dueDate": "2026-07-30"})
    line = a.ok("GET", f"/v3/payments/{boleto['id']}/identificationField")["identificationField"]
    sim = a.ok("POST", "/v3/bill/simulate", {"identificationField": line})
    eq((sim["minimumScheduleDate"], sim["bankSlipInfo"]["value"], sim["bankSlipInfo"]["dueDate"],
        sim["bankSlipInfo"]["bank"], sim["bankSlipInfo"]["isOverdue"]),
       (CLOCK, 50, "2026-07-30", "461", False), "simulate decodes the line")
    bill = a.ok("POST", "/v3/bill", {"identificationField": line, "description": "Conta"})
    eq(list(bill)[:4], ["object", "id", "status", "value"], "bill field order")
    eq((bill["object"], bill["status"], bill["value"], bill["dueDate"], bill["canBeCancelled"]),
       ("bill", "PENDING", 50, "2026-07-30", True), "bill created")
    check(UUID.match(bill["id"]), "bill id is a UUID")
    a.ledger_ok(248.01)
    eq([(x["type"], x["value"]) for x in a.ledger() if x.get("billId") == bill["id"]],
       [("BILL_PAYMENT", -50)], "bill ledger line")
    other = linha("033", 1300, 4550)  # Santander, R$ 45.50, due 2025-12-19
    foreign = a.ok("POST", "/v3/bill", {"identificationField": other})
    eq(foreign["value"], 45.5, "value from the line")
    gone = a.ok("POST", "/v3/bill", {"identificationField": line, "value": 10})
    c = a.ok("POST", f"/v3/bill/{gone['id']}/cancel", {})
    eq((c["status"], c["canBeCancelled"]), ("CANCELLED", False), "cancelled bill")
    a.ledger_ok(202.51)
    a.advance(1)
    eq(a.ok("GET", f"/v3/bill/{bill['id']}")["status"], "BANK_PROCESSING", "next day")
    a.fail("POST", f"/v3/bill/{bill['id']}/cancel", {}, 400, "invalid_action")
    a.advance(1)
    paid = a.ok("GET", f"/v3/bill/{bill['id']}")
    eq((paid["status"], paid["paymentDate"]), ("PAID", "2026-07-16"), "paid")
    failed = a.ok("GET", f"/v3/bill/{foreign['id']}")
    eq((failed["status"], len(failed["failReasons"])), ("FAILED", 1), "foreign slip failed")
    eq(a.events(bill["id"]), ["BILL_CREATED", "BILL_BANK_PROCESSING", "BILL_PAID"], "bill events")
    eq(a.events(foreign["id"])[-1], "BILL_FAILED", "failed event")
    a.ledger_ok(248.01)
    eq([x["id"] for x in a.ok("GET", "/v3/bill?status=PAID")["data"]], [bill["id"]], "status filter")
    a.fail("GET", "/v3/bill?status=NOPE", None, 400, "invalid_status")
    a.fail("POST", "/v3/bill", {}, 400, "invalid_identificationField")
    a.fail("POST", "/v3/bill", {"identificationField": line[:5] + str((int(line[5]) + 1) % 10) + line[6:]}, 400,
           "invalid_identificationField")
    a.fail("POST", "/v3/bill", {"identificationField": line, "value": 5000}, 400, "invalid_action")
    a.fail("POST", "/v3/bill", {"identificationField": line, "scheduleDate": "2026-07-01"}, 400,
           "invalid_scheduleDate")
    a.ledger_ok(248.01)


# ---------------------------------------------------------------------------- recharges

@test("mobile_recharge_provider_create_cancel_confirm")
def _(ctx):
    a = ctx.account()
    a.fund(100)  # 98.01
    prov = a.ok("GET", "/v3/mobilePhoneRecharges/47996321478/provider")
    check(prov["name"] in ("Vivo", "Claro", "TIM", "Oi"), f"operator {prov['name']!r}")
    eq(prov["values"][0]["name"], "R$ 12,00", "first value")
    a.fail("GET", "/v3/mobilePhoneRecharges/123/provider", None, 400, "invalid_phoneNumber")
    r1 = a.ok("POST", "/v3/mobilePhoneRecharges", {"value": 20, "phoneNumber": "47996321478"})
    eq(list(r1), ["id", "value", "phoneNumber", "status", "canBeCancelled", "operatorName"],
       "recharge fields")
    eq((r1["status"], r1["canBeCancelled"], r1["operatorName"]), ("PENDING", True, prov["name"]),
       "recharge")
    r2 = a.ok("POST", "/v3/mobilePhoneRecharges", {"value": 15, "phoneNumber": "(11) 98765-4321"})
    a.ledger_ok(63.01)
    eq(a.ok("POST", f"/v3/mobilePhoneRecharges/{r2['id']}/cancel", {})["status"], "CANCELLED",
       "cancel")
    a.ledger_ok(78.01)
    a.advance(1)
    eq(a.ok("GET", f"/v3/mobilePhoneRecharges/{r1['id']}")["status"], "CONFIRMED", "confirmed")
    a.fail("POST", f"/v3/mobilePhoneRecharges/{r1['id']}/cancel", {}, 400, "invalid_action")
    eq(a.events(r1["id"]), ["MOBILE_PHONE_RECHARGE_PENDING", "MOBILE_PHONE_RECHARGE_CONFIRMED"],
       "recharge events")
    eq(a.ok("GET", "/v3/mobilePhoneRecharges")["totalCount"], 2, "list")
    a.fail("POST", "/v3/mobilePhoneRecharges", {"phoneNumber": "47996321478"}, 400, "invalid_value")
    a.fail("POST", "/v3/mobilePhoneRecharges", {"value": 5, "phoneNumber": "47996321478"}, 400,
           "invalid_value")
    a.fail("POST", "/v3/mobilePhoneRecharges", {"value": 20}, 400, "invalid_phoneNumber")
    a.fail("POST", "/v3/mobilePhoneRecharges", {"value": 100, "phoneNumber": "47996321478"}, 400,
           "invalid_action")
    a.ledger_ok(78.01)


# ---------------------------------------------------------------------------- anticipations

@test("anticipation_credited_then_debited_when_the_boleto_is_received")
def _(ctx):
    a = ctx.account()
    cid = a.ok("POST", "/v3/customers", CUSTOMER)["id"]
    p = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 100,
                                      "dueDate": "2026-08-13"})
    sim = a.ok("POST", "/v3/anticipations/simulate", {"payment": p["id"]})
    eq((sim["payment"], sim["anticipationDays"], sim["value"], sim["fee"], sim["netValue"],
        sim["totalValue"], sim["dueDate"], sim["isDocumentationRequired"]),
       (p["id"], 30, 98.01, 1.95, 96.06, 100, "2026-08-13", True), "simulation")
    limits = a.ok("GET", "/v3/anticipations/limits")
    eq(limits["bankSlip"], {"total": 50000, "available": 50000}, "limits before")
    boundary = "moneyoutBoundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"payment\"\r\n\r\n{p['id']}\r\n"
            f"--{boundary}--\r\n")
    r = ctx.shared.request("POST", "/v3/anticipations", key=a.key, body=body,
                           headers=[("Content-Type", f"multipart/form-data; boundary={boundary}")])
    eq(r.status, 200, f"multipart request (body {r.body[:300]!r})")
    ant = r.json()
    eq((ant["object"], ant["status"], ant["payment"], ant["fee"], ant["netValue"]),
       ("receivableAnticipation", "PENDING", p["id"], 1.95, 96.06), "requested")
    eq(a.ok("GET", "/v3/anticipations/limits")["bankSlip"]["available"], 49901.99, "limit in use")
    a.fail("POST", "/v3/anticipations", {"payment": p["id"]}, 400, "invalid_action")
    a.ledger_ok(0)
    a.advance(1)
    eq(a.ok("GET", f"/v3/anticipations/{ant['id']}")["status"], "CREDITED", "credited next day")
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["anticipated"], True, "payment anticipated flag")
    a.ledger_ok(96.06)
    eq([(x["type"], x["value"]) for x in a.ledger() if x.get("anticipationId") == ant["id"]],
       [("RECEIVABLE_ANTICIPATION_GROSS_CREDIT", 98.01), ("RECEIVABLE_ANTICIPATION_FEE", -1.95)],
       "credit lines")
    check("PAYMENT_ANTICIPATED" in a.events(p["id"]), "PAYMENT_ANTICIPATED event")
    a.ok("POST", f"/v3/sandbox/payment/{p['id']}/confirm", {})
    for _ in range(5):
        a.advance(1)
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["status"], "RECEIVED", "boleto received")
    eq(a.ok("GET", f"/v3/anticipations/{ant['id']}")["status"], "DEBITED", "debited")
    eq(a.events(ant["id"]), ["RECEIVABLE_ANTICIPATION_PENDING", "RECEIVABLE_ANTICIPATION_CREDITED",
                             "RECEIVABLE_ANTICIPATION_DEBITED"], "anticipation events")
    a.ledger_ok(96.06)
    # a second one cancelled while pending; filters; configuration
    p2 = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 40,
                                       "dueDate": "2026-08-30"})
    ant2 = a.ok("POST", "/v3/anticipations", {"payment": p2["id"]})
    eq(a.ok("POST", f"/v3/anticipations/{ant2['id']}/cancel", {})["status"], "CANCELLED", "cancel")
    a.fail("POST", f"/v3/anticipations/{ant2['id']}/cancel", {}, 400, "invalid_action")
    eq([x["id"] for x in a.ok("GET", f"/v3/anticipations?payment={p2['id']}")["data"]],
       [ant2["id"]], "payment filter")
    eq(a.ok("GET", "/v3/anticipations?status=DEBITED")["totalCount"], 1, "status filter")
    a.fail("POST", "/v3/anticipations", {}, 400, "invalid_payment")
    a.fail("POST", "/v3/anticipations", {"payment": "pay_unknown00000000"}, 400, "invalid_payment")
    eq(a.ok("GET", "/v3/anticipations/configurations"), {"creditCardAutomaticEnabled": False},
       "config default")
    eq(a.ok("PUT", "/v3/anticipations/configurations", {"creditCardAutomaticEnabled": True}),
       {"creditCardAutomaticEnabled": True}, "config saved")
    a.fail("PUT", "/v3/anticipations/configurations", {"creditCardAutomaticEnabled": "x"}, 400,
           "invalid_creditCardAutomaticEnabled")
    a.ledger_ok(96.06)


@test("automatic_anticipation_of_card_charges_confirmed_after_it_is_enabled")
def _(ctx):
    a = ctx.account()
    cid = a.ok("POST", "/v3/customers", CUSTOMER)["id"]
    card = {"customer": cid, "billingType": "CREDIT_CARD", "value": 300, "dueDate": CLOCK,
            "creditCard": {"holderName": "Cliente Saida", "number": "4444444444444444",
                           "expiryMonth": "12", "expiryYear": "2030", "ccv": "123"},
            "creditCardHolderInfo": {"name": "Cliente Saida", "email": "saida@example.com",
                                     "cpfCnpj": "24971563792", "postalCode": "01310-100",
                                     "addressNumber": "100", "phone": "47999999999"},
            "remoteIp": "127.0.0.1"}
    before = a.ok("POST", "/v3/payments", card)
    eq(before["status"], "CONFIRMED", "card charge confirmed")
    a.ok("PUT", "/v3/anticipations/configurations", {"creditCardAutomaticEnabled": True})
    after = a.ok("POST", "/v3/payments", card)
    a.advance(1)
    data = a.ok("GET", "/v3/anticipations")["data"]
    eq([(x["payment"], x["status"]) for x in data], [(after["id"], "PENDING")],
       "only the charge confirmed after enabling")
    a.advance(1)
    ant = a.ok("GET", f"/v3/anticipations/{data[0]['id']}")
    eq(ant["status"], "CREDITED", "credited the next day")
    check(ant["fee"] > 0 and ant["value"] == after["netValue"], f"anticipation {ant}")
    a.ledger_ok()
    lim = a.ok("GET", "/v3/anticipations/limits")["creditCard"]
    eq(lim["available"], round(100000 - after["netValue"], 2), "card limit in use")


@test("anticipation_of_an_installment_covers_its_open_payments")
def _(ctx):
    a = ctx.account()
    cid = a.ok("POST", "/v3/customers", CUSTOMER)["id"]
    first = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO",
                                          "installmentCount": 3, "totalValue": 300,
                                          "dueDate": "2026-08-13"})
    inst = first["installment"]
    pays = a.ok("GET", f"/v3/installments/{inst}/payments")["data"]
    eq(len(pays), 3, "three installments")
    sim = a.ok("POST", "/v3/anticipations/simulate", {"installment": inst})
    eq((sim["installment"], sim["payment"], sim["totalValue"],
        sim["value"]), (inst, None, 300, round(sum(p["netValue"] for p in pays), 2)),
       "the whole installment")
    ant = a.ok("POST", "/v3/anticipations", {"installment": inst})
    eq((ant["installment"], ant["payment"], ant["status"]), (inst, None, "PENDING"), "requested")
    a.fail("POST", "/v3/anticipations", {"payment": pays[0]["id"]}, 400, "invalid_action")
    a.advance(1)
    eq(a.ok("GET", f"/v3/anticipations/{ant['id']}")["status"], "CREDITED", "credited")
    eq([a.ok("GET", f"/v3/payments/{p['id']}")["anticipated"] for p in pays], [True] * 3,
       "every payment anticipated")
    a.ledger_ok(round(sim["netValue"], 2))


# ---------------------------------------------------------------------------- escrow

@test("escrow_holds_received_payments_until_finished_or_expired")
def _(ctx):
    parent = ctx.account()
    sub = ctx.control_account("moneyout-escrow")
    eq(parent.ok("GET", "/v3/accounts/escrow"),
       {"daysToExpire": None, "enabled": False, "isFeePayer": False}, "no default yet")
    eq(parent.ok("POST", "/v3/accounts/escrow", {"daysToExpire": 10}),
       {"daysToExpire": 10, "enabled": True, "isFeePayer": False}, "default saved")
    cfg = parent.ok("POST", f"/v3/accounts/{sub.id}/escrow", {"daysToExpire": 3, "enabled": True})
    eq(cfg, {"daysToExpire": 3, "enabled": True, "isFeePayer": False}, "subaccount config")
    eq(parent.ok("GET", f"/v3/accounts/{sub.id}/escrow"), cfg, "read back")
    parent.fail("POST", f"/v3/accounts/{sub.id}/escrow", {"daysToExpire": 0}, 400,
                "invalid_daysToExpire")
    eq(parent.call("GET", "/v3/accounts/no-such-account/escrow").status, 404, "unknown subaccount")
    p1 = sub.fund(100)
    e1 = sub.ok("GET", f"/v3/payments/{p1}/escrow")
    eq((e1["status"], e1["expirationDate"], e1["finishDate"], e1["finishReason"]),
       ("ACTIVE", "2026-07-17", None, None), "held")
    sub.ledger_ok(0)
    sub.fail("POST", "/v3/transfers/", {"value": 10, "walletId": parent.wallet}, 400,
             "invalid_action")
    done = sub.ok("POST", f"/v3/escrow/{e1['id']}/finish", {})
    eq((done["id"], done["escrow"]["status"], done["escrow"]["finishReason"]),
       (p1, "DONE", "REQUESTED_BY_CUSTOMER"), "finished: the payment with its escrow")
    sub.ledger_ok(98.01)
    sub.fail("POST", f"/v3/escrow/{e1['id']}/finish", {}, 400, "invalid_action")
    p2 = sub.fund(50)
    eq(sub.ok("GET", f"/v3/payments/{p2}/escrow")["status"], "ACTIVE", "held at once")
    sub.advance(3)
    e2 = sub.ok("GET", f"/v3/payments/{p2}/escrow")
    eq((e2["status"], e2["finishReason"], e2["finishDate"]), ("DONE", "EXPIRED", "2026-07-17"),
       "expired")
    sub.ledger_ok(146.02)
    eq(sub.call("GET", "/v3/payments/pay_unknown00000000/escrow").status, 404, "unknown payment")
    parent.ledger_ok(0)


# ---------------------------------------------------------------------------- durability

@test("state_file_replays_money_out_exactly_after_restart")
def _(ctx):
    state = os.path.join(ctx.root, "moneyout.state")
    args = ["--clock", CLOCK, "--seed", "7", "--auto-accounts", "--state-file", state]

    def server(name):
        return ctx.own(Server(ctx.binary, name, root=ctx.root, accounts=[], args=args))

    s1 = server("durable-1")
    a = Account(s1)
    s1.control("POST", "/__mock/accounts", body={"id": "durable-b"})
    key_b = s1.control("POST", "/__mock/accounts/durable-b/keys", body={"name": "k"}).json()["apiKey"]
    harness.note_secret(key_b)
    b = Account(s1, key=key_b, account_id="durable-b")
    a.fund(500)
    a.ok("POST", "/v3/transfers", {"value": 20, "pixAddressKey": "24971563792",
                                   "pixAddressKeyType": "CPF"})
    a.ok("POST", "/v3/transfers/", {"value": 30, "walletId": b.wallet})
    a.ok("POST", "/v3/mobilePhoneRecharges", {"value": 20, "phoneNumber": "47996321478"})
    a.advance(1)
    a.ok("POST", "/v3/transfers", {"value": 11, "bankAccount": BANK})
    before = {k: a.ok("GET", f"/v3/{k}?limit=100") for k in ("transfers", "mobilePhoneRecharges",
                                                               "financialTransactions")}
    before_b = b.ok("GET", "/v3/financialTransactions?limit=100")
    s1.stop()
    s2 = server("durable-2")
    a2 = Account(s2, key=a.key, account_id=a.id)
    b2 = Account(s2, key=key_b, account_id="durable-b")
    for k, v in before.items():
        eq(a2.ok("GET", f"/v3/{k}?limit=100"), v, f"{k} after restart")
    eq(b2.ok("GET", "/v3/financialTransactions?limit=100"), before_b, "receiver after restart")
    a2.ledger_ok(500 - 1.99 - 20 - 30 - 20 - 11)
    b2.ledger_ok(30)
    a2.advance(1)
    eq(sorted(t["status"] for t in a2.ok("GET", "/v3/transfers")["data"]),
       ["BANK_PROCESSING", "DONE", "DONE"], "the clock goes on after the restart")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-moneyout-", __doc__.split("\n")[0])

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

import os
import re
import sys

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


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-moneyout-", __doc__.split("\n")[0])

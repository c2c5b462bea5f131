#!/usr/bin/env python3
"""run_e2e_pix.py - end-to-end flows of Pix: keys, static QR codes, decode and pay, Pix
transactions and the balance, recurring and automatic Pix, against the real binary.

Usage: python3 tests/e2e/run_e2e_pix.py /path/to/asaas-mock [-k substring]

One server runs with --clock 2026-07-14 --seed 7 --auto-accounts (as run_e2e_billing.py);
every test takes its own account (a fresh key), frozen at 2026-07-14 12:00 Brasilia.
Every test ends with GET /__mock/accounts/{id}/ledger/check ok for every account it
touched.
"""

import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, check, eq, registry  # noqa: E402
import harness  # noqa: E402
from run_e2e_billing import CLOCK, SEED, Account  # noqa: E402

TXT_NO_KEY = "Não há nenhuma chave Pix disponível para receber cobranças."
TXT_BALANCE = "Saldo insuficiente para realizar o pagamento do QR Code."
TXT_KEY_INTERVAL = "Aguarde 1 minuto entre a criação de chaves Pix."
TXT_KEY_LIMIT = "A conta atingiu o limite de chaves Pix permitido."
TXT_VALUE_DIFFERS = "O valor informado difere do valor do QR Code."
TXT_NO_RETRY = "A autorização não permite retentativas extradia."

TESTS, test = registry()


class Ctx(harness.Ctx):
    SHARED_CHECK = "server_exits_cleanly"

    def make_shared(self):
        return Server(self.binary, "pix", root=self.root, accounts=[],
                      args=["--clock", CLOCK, "--seed", SEED, "--auto-accounts"])

    def account(self):
        return Account(self.shared)


def crc16(data):
    crc = 0xFFFF
    for b in data.encode():
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def check_brcode(payload, what):
    check(payload.startswith("000201") and "br.gov.bcb.pix" in payload, f"{what}: BR Code {payload!r}")
    eq(payload[-8:-4], "6304", f"{what}: CRC field last")
    eq(int(payload[-4:], 16), crc16(payload[:-4]), f"{what}: CRC16")


def check_png(b64, what):
    raw = base64.b64decode(b64)
    eq(raw[:8], b"\x89PNG\r\n\x1a\n", f"{what}: PNG signature")


def ledger_ok(acct):
    c = acct.ctl("GET", "/ledger/check")
    check(c.get("ok") is True, f"ledger check of {acct.id}: {c}")
    return c["balance"]


def funded(ctx, value=100):
    """An account with value - 1.99 in its balance (a PIX charge received)."""
    a = ctx.account()
    cus = a.customer()
    p = a.ok("POST", "/v3/payments", {"customer": cus, "billingType": "PIX", "value": value,
                                       "dueDate": "2026-07-20"})
    a.ok("POST", f"/v3/sandbox/payment/{p['id']}/confirm")
    a.customer_id = cus
    return a


def balance(acct):
    return acct.ok("GET", "/v3/finance/balance")["balance"]


@test("pix_key_static_qr_pay_transaction_balance_ledger")
def _(ctx):
    a = funded(ctx)
    eq(balance(a), 98.01, "balance after the PIX charge")
    keys = a.ok("GET", "/v3/pix/addressKeys")
    eq(keys["totalCount"], 1, "every account starts with one key")
    initial = keys["data"][0]
    eq((initial["type"], initial["status"], initial["dateCreated"], initial["canBeDeleted"]),
       ("EVP", "ACTIVE", "2024-01-01 00:00:00", True), "the initial key")
    check_brcode(initial["qrCode"]["payload"], "key QR")
    check_png(initial["qrCode"]["encodedImage"], "key QR")
    key = a.ok("POST", "/v3/pix/addressKeys", {"type": "EVP"})
    eq(list(key), ["id", "key", "type", "status", "dateCreated", "canBeDeleted",
                   "cannotBeDeletedReason", "qrCode"], "key field order")
    eq((key["status"], key["dateCreated"]), ("ACTIVE", "2026-07-14 12:00:00"), "new key")
    eq(a.ok("GET", f"/v3/pix/addressKeys/{key['id']}")["key"], key["key"], "get key")
    qr = a.ok("POST", "/v3/pix/qrCodes/static",
              {"addressKey": key["key"], "value": 10, "description": "Cafe",
               "externalReference": "pedido-1", "expirationSeconds": 3600})
    eq(list(qr), ["id", "encodedImage", "payload", "allowsMultiplePayments", "expirationDate",
                  "externalReference", "description"], "static QR field order")
    eq((len(qr["id"]), qr["expirationDate"], qr["externalReference"]),
       (32, "2026-07-14 13:00:00", "pedido-1"), "static QR")
    check_brcode(qr["payload"], "static QR")
    check_png(qr["encodedImage"], "static QR")
    check(key["key"] in qr["payload"] and "540510.00" in qr["payload"], "key and amount in the payload")
    dec = a.ok("POST", "/v3/pix/qrCodes/decode", {"payload": qr["payload"]})
    eq((dec["type"], dec["pixKey"], dec["value"], dec["canBePaid"], dec["conciliationIdentifier"]),
       ("STATIC", key["key"], 10, True, qr["id"][:25]), "decode")
    r = a.post("/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 9})
    eq((r.status, r.json()), (400, harness.err("invalid_action", TXT_VALUE_DIFFERS)), "wrong value")
    tx = a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 10,
                                               "description": "pagando"})
    eq((tx["status"], tx["type"], tx["originType"], tx["value"], tx["effectiveDate"],
        tx["addressKey"], tx["canBeCanceled"]),
       ("DONE", "DEBIT", "STATIC_QRCODE", 10, "2026-07-14 12:00:00", key["key"], False), "paid")
    eq((len(tx["endToEndIdentifier"]), tx["endToEndIdentifier"][:9]), (32, "E19540550"), "e2e id")
    eq(a.ok("GET", f"/v3/pix/transactions/{tx['id']}"), tx, "get transaction")
    debits = a.ok("GET", "/v3/pix/transactions?type=DEBIT&status=DONE")
    eq([t["id"] for t in debits["data"]], [tx["id"]], "filtered list")
    credits = a.ok("GET", "/v3/pix/transactions?type=CREDIT")
    eq(credits["totalCount"], 1, "the account received its own QR code")
    by_e2e = a.ok("GET", f"/v3/pix/transactions?endToEndIdentifier={tx['endToEndIdentifier']}")
    eq(by_e2e["totalCount"], 2, "debit and credit share the endToEndIdentifier")
    received = a.ok("GET", f"/v3/payments/{credits['data'][0]['payment']}")
    eq((received["status"], received["billingType"], received["value"], received["netValue"],
        received["externalReference"]), ("RECEIVED", "PIX", 10, 8.01, "pedido-1"),
       "the charge the QR code created")
    eq(balance(a), 96.02, "98.01 - 10 paid + 8.01 received")
    lines = a.ok("GET", "/v3/financialTransactions?limit=100")["data"]
    check(any(x["type"] == "PIX_TRANSACTION_DEBIT" and x["value"] == -10 for x in lines),
          f"PIX_TRANSACTION_DEBIT line: {[x['type'] for x in lines]}")
    eq(ledger_ok(a), 96.02, "ledger balance")


@test("pix_charge_refused_without_active_key_and_key_states")
def _(ctx):
    a = ctx.account()
    cus = a.customer()
    initial = a.ok("GET", "/v3/pix/addressKeys")["data"][0]
    gone = a.ok("DELETE", f"/v3/pix/addressKeys/{initial['id']}")
    eq((gone["status"], gone["canBeDeleted"], gone["qrCode"]), ("AWAITING_DELETION", False, None),
       "deleted key")
    r = a.call("DELETE", f"/v3/pix/addressKeys/{initial['id']}")
    eq(r.status, 400, "a key awaiting deletion cannot be deleted again")
    body = {"customer": cus, "billingType": "PIX", "value": 50, "dueDate": "2026-07-20"}
    r = a.post("/v3/payments", body)
    eq((r.status, r.json()), (400, harness.err("invalid_billingType", TXT_NO_KEY)), "PIX charge")
    for path in ("/v3/installments", "/v3/subscriptions"):
        r = a.post(path, {"customer": cus, "billingType": "PIX", "value": 50, "installmentCount": 2,
                          "dueDate": "2026-07-20", "nextDueDate": "2026-07-20", "cycle": "MONTHLY"})
        eq((r.status, r.json()), (400, harness.err("invalid_billingType", TXT_NO_KEY)), path)
    a.ok("POST", "/v3/payments", dict(body, billingType="BOLETO"))
    r = a.post("/v3/pix/qrCodes/static", {})
    eq(r.status, 400, "static QR without an active key")
    eq(a.ok("GET", "/v3/pix/addressKeys?status=AWAITING_DELETION")["totalCount"], 1, "filter")
    a.advance(1)
    eq(a.ok("GET", f"/v3/pix/addressKeys/{initial['id']}")["status"], "DELETED", "next day")
    eq(a.ok("GET", "/v3/pix/addressKeys?statusList=ACTIVE,AWAITING_DELETION")["totalCount"], 0,
       "statusList")
    a.ok("POST", "/v3/pix/addressKeys", {"type": "EVP"})
    a.ok("POST", "/v3/payments", body)
    ledger_ok(a)


@test("pix_key_creation_interval_and_limit")
def _(ctx):
    a = ctx.account()
    a.ok("POST", "/v3/pix/addressKeys", {"type": "EVP"})
    r = a.post("/v3/pix/addressKeys", {"type": "EVP"})
    eq((r.status, r.json()), (400, harness.err("invalid_action", TXT_KEY_INTERVAL)), "1 minute")
    r = a.post("/v3/pix/addressKeys", {"type": "EMAIL"})
    eq(r.json()["errors"][0]["code"], "invalid_type", "only EVP")
    for _ in range(18):  # 1 initial + 1 + 18 = 20
        a.ctl("POST", "/clock/advance", {"seconds": 60})
        a.ok("POST", "/v3/pix/addressKeys", {"type": "EVP"})
    a.ctl("POST", "/clock/advance", {"seconds": 60})
    r = a.post("/v3/pix/addressKeys", {"type": "EVP"})
    eq((r.status, r.json()), (400, harness.err("invalid_action", TXT_KEY_LIMIT)), "20 keys")
    eq(a.ok("GET", "/v3/pix/addressKeys?limit=100")["totalCount"], 20, "keys kept")


@test("pix_pay_between_accounts_and_a_charge_qr_code")
def _(ctx):
    payer = funded(ctx)
    rcv = ctx.account()
    rcv_cus = rcv.customer()
    qr = rcv.ok("POST", "/v3/pix/qrCodes/static", {"description": "Doacao", "format": "PAYLOAD"})
    eq(qr["encodedImage"], None, "format PAYLOAD has no image")
    dec = payer.ok("POST", "/v3/pix/qrCodes/decode", {"payload": qr["payload"]})
    eq((dec["receiver"]["name"], dec["value"], dec["canBePaidWithDifferentValue"]),
       (rcv.id, None, True), "decoded open-value QR of another account")
    r = payer.post("/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 500})
    eq((r.status, r.json()), (400, harness.err("invalid_action", TXT_BALANCE)), "balance short")
    tx = payer.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 25})
    eq((tx["externalAccount"]["name"], tx["status"]), (rcv.id, "DONE"), "paid to the other account")
    eq(balance(payer), 73.01, "payer debited")
    eq(balance(rcv), 23.01, "receiver credited (25 - 1.99 fee)")
    credit = rcv.ok("GET", "/v3/pix/transactions?type=CREDIT")["data"][0]
    eq(credit["endToEndIdentifier"], tx["endToEndIdentifier"], "receiver's CREDIT")
    # The dynamic QR code of the receiver's charge, paid by the payer.
    charge = rcv.ok("POST", "/v3/payments", {"customer": rcv_cus, "billingType": "PIX", "value": 30,
                                              "dueDate": "2026-07-20"})
    code = rcv.ok("GET", f"/v3/payments/{charge['id']}/pixQrCode")
    dec = payer.ok("POST", "/v3/pix/qrCodes/decode", {"payload": code["payload"]})
    eq((dec["type"], dec["value"], dec["dueDate"]), ("DYNAMIC", 30, "2026-07-20"), "charge QR")
    payer.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": code["payload"]}, "value": 30})
    eq(rcv.ok("GET", f"/v3/payments/{charge['id']}")["status"], "RECEIVED", "charge received")
    r = payer.post("/v3/pix/qrCodes/pay", {"qrCode": {"payload": code["payload"]}, "value": 30})
    eq(r.status, 400, "a received charge cannot be paid again")
    eq(balance(payer), 43.01, "payer after both")
    eq(balance(rcv), 51.02, "receiver after both")
    ledger_ok(payer)
    ledger_ok(rcv)


@test("pix_scheduled_payment_runs_on_its_day_refused_or_cancelled")
def _(ctx):
    a = funded(ctx)
    qr = a.ok("POST", "/v3/pix/qrCodes/static", {})
    sched = a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 20,
                                                  "scheduleDate": "2026-07-15"})
    eq((sched["status"], sched["scheduledDate"], sched["canBeCanceled"]),
       ("SCHEDULED", "2026-07-15", True), "scheduled")
    big = a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 900,
                                                "scheduleDate": "2026-07-15"})
    other = a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 5,
                                                  "scheduleDate": "2026-07-16"})
    eq(a.ok("POST", f"/v3/pix/transactions/{other['id']}/cancel", {})["status"], "CANCELLED",
       "cancel")
    r = a.post("/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 5,
                                      "scheduleDate": "2026-07-13"})
    eq(r.json()["errors"][0]["code"], "invalid_scheduleDate", "past schedule")
    eq(balance(a), 98.01, "nothing moves before the day")
    a.advance(2)
    done = a.ok("GET", f"/v3/pix/transactions/{sched['id']}")
    eq((done["status"], done["effectiveDate"]), ("DONE", "2026-07-15 00:00:00"), "ran on its day")
    refused = a.ok("GET", f"/v3/pix/transactions/{big['id']}")
    eq((refused["status"], refused["refusalReason"]), ("REFUSED", "Saldo insuficiente."), "refused")
    eq(a.ok("GET", f"/v3/pix/transactions/{other['id']}")["status"], "CANCELLED", "stays cancelled")
    eq(balance(a), 96.02, "20 paid, 18.01 received back")
    ledger_ok(a)


@test("pix_recurring_series_items_debited_cancelled_done")
def _(ctx):
    a = funded(ctx)
    rec = a.ok("POST", "/v3/sandbox/pix/recurrings",
               {"value": 10, "frequency": "WEEKLY", "quantity": 3, "startDate": "2026-07-15",
                "pixAddressKey": "fora@example.com", "name": "Fornecedor"})
    eq((rec["status"], rec["finishDate"], rec["externalAccount"]["pixKey"]),
       ("SCHEDULED", "2026-07-29", "fora@example.com"), "recurrence")
    items = a.ok("GET", f"/v3/pix/transactions/recurrings/{rec['id']}/items")["data"]
    eq([(i["recurrenceNumber"], i["scheduledDate"], i["status"]) for i in items],
       [(1, "2026-07-15", "PENDING"), (2, "2026-07-22", "PENDING"), (3, "2026-07-29", "PENDING")],
       "items")
    a.ok("POST", f"/v3/pix/transactions/recurrings/items/{items[1]['id']}/cancel", {})
    a.advance(15)
    items = a.ok("GET", f"/v3/pix/transactions/recurrings/{rec['id']}/items")["data"]
    eq([i["status"] for i in items], ["DONE", "CANCELLED", "DONE"], "items after the days")
    eq(a.ok("GET", f"/v3/pix/transactions/recurrings/{rec['id']}")["status"], "DONE", "recurrence")
    eq(balance(a), 78.01, "two items of 10 paid")
    r = a.post(f"/v3/pix/transactions/recurrings/{rec['id']}/cancel", {})
    eq(r.status, 400, "a finished recurrence cannot be cancelled")
    ledger_ok(a)


@test("pix_automatic_authorization_activation_instructions_retry_events")
def _(ctx):
    a = funded(ctx)
    auth = a.ok("POST", "/v3/pix/automatic/authorizations",
                {"frequency": "MONTHLY", "contractId": "C-1", "startDate": "2026-07-20",
                 "finishDate": "2026-08-31", "value": 15, "customerId": a.customer_id,
                 "immediateQrCode": {"expirationSeconds": 3600, "originalValue": 15}})
    eq((auth["status"], auth["retryPolicy"], auth["paymentCreationMode"]),
       ("CREATED", "NOT_ALLOWED", "MANUAL"), "created")
    check_brcode(auth["payload"], "authorization QR")
    check_png(auth["encodedImage"], "authorization QR")
    tx = a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": auth["payload"]}, "value": 15})
    eq(tx["originType"], "AUTOMATIC_RECURRING", "paid the authorization's QR code")
    eq(a.ok("GET", f"/v3/pix/automatic/authorizations/{auth['id']}")["status"], "ACTIVE", "active")
    ins = a.ok("GET", f"/v3/pix/automatic/paymentInstructions?authorizationId={auth['id']}")["data"]
    eq([(i["status"], i["dueDate"], i["purpose"]) for i in ins], [("SCHEDULED", "2026-07-20", "SCHEDULE")],
       "first instruction")
    r = a.post(f"/v3/pix/automatic/paymentInstructions/{ins[0]['id']}/retries",
               {"dueDate": "2026-07-25"})
    eq((r.status, r.json()), (400, harness.err("invalid_action", TXT_NO_RETRY)), "no retries")
    a.advance(6)
    ins = a.ok("GET", f"/v3/pix/automatic/paymentInstructions?authorizationId={auth['id']}")["data"]
    eq([(i["status"], i["dueDate"]) for i in ins], [("SCHEDULED", "2026-08-20"), ("DONE", "2026-07-20")],
       "instructions after the due day")
    paid = a.ok("GET", f"/v3/payments/{ins[1]['paymentId']}")
    eq((paid["status"], paid["value"], paid["customer"]), ("RECEIVED", 15, a.customer_id), "charge")
    a.advance(31)
    eq(a.ok("GET", f"/v3/pix/automatic/authorizations/{auth['id']}")["status"], "EXPIRED",
       "past finishDate")
    names = [e["event"] for e in a.events().json()["data"] if e["event"].startswith("PIX_AUTOMATIC")]
    for want in ("AUTHORIZATION_CREATED", "AUTHORIZATION_ACTIVATED", "AUTHORIZATION_EXPIRED",
                 "PAYMENT_INSTRUCTION_CREATED", "PAYMENT_INSTRUCTION_SCHEDULED"):
        check("PIX_AUTOMATIC_RECURRING_" + want in names, f"event {want} in {names}")
    # Refused instructions (mock convention: contractId REFUSE...) can be retried.
    ref = a.ok("POST", "/v3/pix/automatic/authorizations",
               {"frequency": "WEEKLY", "contractId": "REFUSE-2", "startDate": "2026-08-30",
                "customerId": a.customer_id, "retryPolicy": "ALLOW_THREE_IN_SEVEN_DAYS",
                "immediateQrCode": {"expirationSeconds": 60, "originalValue": 5}})
    a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": ref["payload"]}, "value": 5})
    first = a.ok("GET", f"/v3/pix/automatic/paymentInstructions?authorizationId={ref['id']}")["data"][0]
    eq(first["status"], "REFUSED", "refused by the payer")
    r = a.post(f"/v3/pix/automatic/paymentInstructions/{first['id']}/retries", {"dueDate": "2026-09-01"})
    eq((r.status, r.json()["status"], r.json()["retryAttempt"]), (201, "SCHEDULED", 1), "retry")
    gone = a.ok("DELETE", f"/v3/pix/automatic/authorizations/{ref['id']}")
    eq((gone["status"], gone["cancellationDate"]), ("CANCELLED", "2026-08-20"), "cancelled")
    eq(a.ok("GET", f"/v3/pix/automatic/paymentInstructions/{r.json()['id']}")["status"], "CANCELLED",
       "its scheduled retry cancelled")
    # An authorization whose QR code is never paid expires.
    late = a.ok("POST", "/v3/pix/automatic/authorizations",
                {"frequency": "ANNUALLY", "contractId": "C-3", "startDate": "2026-09-01",
                 "customerId": a.customer_id,
                 "immediateQrCode": {"expirationSeconds": 60, "originalValue": 5}})
    a.advance(1)
    eq(a.ok("GET", f"/v3/pix/automatic/authorizations/{late['id']}")["status"], "EXPIRED", "expired")
    ledger_ok(a)


@test("pix_state_survives_a_restart_with_state_file_replay")
def _(ctx):
    state = os.path.join(ctx.root, "pix-state.log")
    args = ["--clock", CLOCK, "--seed", SEED, "--auto-accounts", "--state-file", state]
    s = Server(ctx.binary, "pix-state", root=ctx.root, accounts=[], args=args)
    s.start()
    try:
        a = Account(s)
        a.get("/v3/pix/addressKeys")  # a GET writes the initial key: replay must agree
        cus = a.customer()
        p = a.ok("POST", "/v3/payments", {"customer": cus, "billingType": "PIX", "value": 80,
                                           "dueDate": "2026-07-20"})
        a.ok("POST", f"/v3/sandbox/payment/{p['id']}/confirm")
        initial = a.ok("GET", "/v3/pix/addressKeys")["data"][0]
        a.ok("POST", "/v3/pix/addressKeys", {"type": "EVP"})
        a.ok("DELETE", f"/v3/pix/addressKeys/{initial['id']}")
        qr = a.ok("POST", "/v3/pix/qrCodes/static", {"value": 7})
        a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 7})
        a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": qr["payload"]}, "value": 7,
                                            "scheduleDate": "2026-07-15"})
        auth = a.ok("POST", "/v3/pix/automatic/authorizations",
                    {"frequency": "WEEKLY", "contractId": "S1", "startDate": "2026-07-16",
                     "customerId": cus, "immediateQrCode": {"expirationSeconds": 600, "originalValue": 3}})
        a.ok("POST", "/v3/pix/qrCodes/pay", {"qrCode": {"payload": auth["payload"]}, "value": 3})
        a.advance(3)
        before = {path: a.get(path).body for path in
                  ("/v3/pix/addressKeys?limit=100", "/v3/pix/transactions?limit=100",
                   "/v3/pix/automatic/authorizations", "/v3/pix/automatic/paymentInstructions",
                   "/v3/finance/balance")}
        acct_id, key = a.id, a.key
    finally:
        s.stop()
    s2 = Server(ctx.binary, "pix-state-2", root=ctx.root, accounts=[], args=args)
    s2.start()
    try:
        for path, body in before.items():
            r = s2.request("GET", path, key=key)
            eq(r.body, body, f"{path} after the restart")
        c = s2.control("GET", f"/__mock/accounts/{acct_id}/ledger/check").json()
        check(c.get("ok") is True, f"ledger after the restart: {c}")
    finally:
        s2.stop()


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "e2e-pix-", __doc__)

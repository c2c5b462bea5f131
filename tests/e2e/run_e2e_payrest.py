#!/usr/bin/env python3
"""run_e2e_payrest.py - the "payrest" area end to end (issue #15): customer
notifications, lean payments, payment documents, payment books (PDF read back with
pdftotext), chargebacks and their balance effects, credit bureau reports and the
remaining payment/subscription/installment operations.

Usage: run_e2e_payrest.py path/to/asaas-mock [-k PATTERN]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, TestFailure, check, eq, registry  # noqa: E402
import harness  # noqa: E402

DEV_KEY = ("$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAw"
           "MDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0")

TESTS, test = registry()


class Ctx(harness.Ctx):
    def make_shared(self):
        return Server(self.binary, "payrest", root=self.root, use_fixtures=False,
                      default_key=DEV_KEY)


def call(s, method, path, body=None, status=200, headers=(), raw=None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    r = harness.api(s, method, path, body=data, headers=headers)
    if status is not None:
        eq(r.status, status, f"{method} {path} status (body {r.body[:400]!r})")
    return r


def js(s, method, path, body=None, status=200, **kw):
    return call(s, method, path, body, status, **kw).json()


def error_code(r):
    return r.json()["errors"][0]["code"]


def customer(s, name="Payrest Silva"):
    return js(s, "POST", "/v3/customers", {"name": name, "cpfCnpj": "24971563792"})["id"]


ACCOUNT = "default"  # the account of the development key
CARD = {"holderName": "Cliente Payrest", "number": "4444444444444444", "expiryMonth": "12",
        "expiryYear": "2030", "ccv": "123"}
HOLDER = {"name": "Cliente Payrest", "email": "payrest@example.com", "cpfCnpj": "24971563792",
          "postalCode": "01310-100", "addressNumber": "100", "phone": "47999999999"}


def ctl(s, method, sub, body=None):
    return s.control(method, f"/__mock/accounts/{ACCOUNT}{sub}",
                     body=json.dumps(body) if body is not None else None).json()


def ledger_ok(s):
    r = ctl(s, "GET", "/ledger/check")
    eq(r.get("ok"), True, f"ledger check {r!r}")
    return r


def balance(s):
    return js(s, "GET", "/v3/finance/balance")["balance"]


def charge(s, cus, billing="BOLETO", value=100, due="2031-01-10"):
    return js(s, "POST", "/v3/payments", {"customer": cus, "billingType": billing,
                                          "value": value, "dueDate": due})


def multipart(fields, files):
    """(body bytes, content type) of a multipart/form-data form."""
    boundary = "payrestBoundary7d93a1"
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    for name, filename, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- notifications

@test("notifications_default_set_listed_for_a_new_customer")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    page = js(s, "GET", f"/v3/customers/{cus}/notifications")
    eq(page["object"], "list", "envelope")
    eq(page["totalCount"], 8, "default set size")
    events = [n["event"] for n in page["data"]]
    eq(events.count("PAYMENT_DUEDATE_WARNING"), 2, "two due-date warnings")
    first = page["data"][0]
    eq(list(first.keys()), ["object", "id", "customer", "enabled", "emailEnabledForProvider",
                            "smsEnabledForProvider", "emailEnabledForCustomer",
                            "smsEnabledForCustomer", "phoneCallEnabledForCustomer",
                            "whatsappEnabledForCustomer", "event", "scheduleOffset", "deleted"],
       "key order")
    check(first["id"].startswith("not_") and len(first["id"]) == 16, f"id {first['id']}")
    eq(first["customer"], cus, "customer")
    again = js(s, "GET", f"/v3/customers/{cus}/notifications")
    eq([n["id"] for n in again["data"]], [n["id"] for n in page["data"]], "stable ids")
    call(s, "GET", "/v3/customers/cus_000000000000/notifications", status=404)


@test("notification_update_validates_schedule_offset_per_event")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    data = js(s, "GET", f"/v3/customers/{cus}/notifications", )["data"]
    warn = next(n for n in data if n["event"] == "PAYMENT_DUEDATE_WARNING")
    created = next(n for n in data if n["event"] == "PAYMENT_CREATED")
    r = call(s, "PUT", f"/v3/notifications/{warn['id']}", {"scheduleOffset": 7}, status=400)
    eq(error_code(r), "invalid_scheduleOffset", "7 is not a warning offset")
    r = call(s, "PUT", f"/v3/notifications/{created['id']}", {"scheduleOffset": 5}, status=400)
    eq(error_code(r), "invalid_scheduleOffset", "created has no offset")
    r = call(s, "PUT", f"/v3/notifications/{warn['id']}", {"enabled": "yes"}, status=400)
    eq(error_code(r), "invalid_enabled", "type error")
    n = js(s, "PUT", f"/v3/notifications/{warn['id']}",
           {"scheduleOffset": 15, "smsEnabledForCustomer": False, "whatsappEnabledForCustomer": True})
    eq((n["scheduleOffset"], n["smsEnabledForCustomer"], n["whatsappEnabledForCustomer"]),
       (15, False, True), "updated")
    listed = js(s, "GET", f"/v3/customers/{cus}/notifications")["data"]
    eq(next(x for x in listed if x["id"] == warn["id"])["scheduleOffset"], 15, "kept")
    call(s, "PUT", "/v3/notifications/not_000000000000", {"enabled": False}, status=404)


@test("notifications_batch_update_validated_and_all_or_nothing")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    other = customer(s, "Other Person")
    data = js(s, "GET", f"/v3/customers/{cus}/notifications")["data"]
    foreign = js(s, "GET", f"/v3/customers/{other}/notifications")["data"][0]
    overdue = [n for n in data if n["event"] == "PAYMENT_OVERDUE"]
    r = call(s, "PUT", "/v3/notifications/batch", {"notifications": [{"id": data[0]["id"]}]},
             status=400)
    eq(error_code(r), "invalid_customer", "customer required")
    r = call(s, "PUT", "/v3/notifications/batch", {"customer": cus, "notifications": []},
             status=400)
    eq(error_code(r), "invalid_notifications", "empty list")
    # a valid change followed by a bad one: nothing changes
    r = call(s, "PUT", "/v3/notifications/batch", {"customer": cus, "notifications": [
        {"id": data[0]["id"], "enabled": False},
        {"id": overdue[1]["id"], "scheduleOffset": 10}]}, status=400)
    eq(error_code(r), "invalid_scheduleOffset", "10 is not an overdue offset")
    r = call(s, "PUT", "/v3/notifications/batch", {"customer": cus, "notifications": [
        {"id": foreign["id"], "enabled": False}]}, status=400)
    eq(error_code(r), "invalid_notification", "another customer's notification")
    eq(js(s, "GET", f"/v3/customers/{cus}/notifications")["data"][0]["enabled"], True,
       "refused batch changed nothing")
    out = js(s, "PUT", "/v3/notifications/batch", {"customer": cus, "notifications": [
        {"id": data[0]["id"], "enabled": False, "emailEnabledForProvider": True},
        {"id": overdue[1]["id"], "scheduleOffset": 30}]})
    eq(len(out["notifications"]), 2, "answered both")
    eq(out["notifications"][1]["scheduleOffset"], 30, "offset")
    now = {n["id"]: n for n in js(s, "GET", f"/v3/customers/{cus}/notifications")["data"]}
    eq((now[data[0]["id"]]["enabled"], now[data[0]["id"]]["emailEnabledForProvider"]),
       (False, True), "first changed")
    eq(now[overdue[1]["id"]]["scheduleOffset"], 30, "second changed")


# ---------------------------------------------------------------- lean payments

@test("lean_payments_share_state_with_payments_in_the_summary_shape")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = js(s, "POST", "/v3/lean/payments", {"customer": cus, "billingType": "PIX",
                                            "value": 50, "dueDate": "2031-01-10"})
    check(p["id"].startswith("pay_"), "payment id")
    eq(p["customerId"], cus, "customerId")
    for gone in ("customer", "invoiceUrl", "bankSlipUrl", "nossoNumero", "refunds"):
        check(gone not in p, f"{gone} not in the summary")
    eq(list(p.keys())[:4], ["object", "id", "dateCreated", "customerId"], "order")
    full = js(s, "GET", f"/v3/payments/{p['id']}")
    eq(full["value"], 50, "same charge through /v3/payments")
    got = js(s, "GET", f"/v3/lean/payments/{p['id']}")
    eq(got["id"], p["id"], "get")
    lst = js(s, "GET", f"/v3/lean/payments?customer={cus}")
    eq(lst["totalCount"], 1, "list")
    check("customerId" in lst["data"][0], "list items are summaries")
    up = js(s, "PUT", f"/v3/lean/payments/{p['id']}", {"value": 60})
    eq(up["value"], 60, "update")
    cash = js(s, "POST", f"/v3/lean/payments/{p['id']}/receiveInCash",
              {"paymentDate": full["dueDate"], "value": 60})
    eq(cash["status"], "RECEIVED_IN_CASH", "cash")
    undo = js(s, "POST", f"/v3/lean/payments/{p['id']}/undoReceivedInCash")
    eq(undo["status"], "PENDING", "undo")
    d = js(s, "DELETE", f"/v3/lean/payments/{p['id']}")
    eq(d, {"deleted": True, "id": p["id"]}, "delete")
    eq(js(s, "POST", f"/v3/lean/payments/{p['id']}/restore")["deleted"], False, "restore")
    r = call(s, "POST", "/v3/lean/payments", {"customer": cus}, status=400)
    check(r.json()["errors"][0]["code"], "same validation")
    r = call(s, "POST", f"/v3/lean/payments/{p['id']}/refund", {}, status=400)
    call(s, "POST", f"/v3/lean/payments/{p['id']}/captureAuthorizedPayment", {}, status=400)
    call(s, "GET", "/v3/lean/payments/pay_unknown000000", status=404)


# ---------------------------------------------------------------- payment extras

@test("pay_with_card_maps_the_card_body_and_confirms")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = charge(s, cus, "CREDIT_CARD")
    r = call(s, "POST", f"/v3/payments/{p['id']}/payWithCard", {"card": CARD}, status=400)
    eq(error_code(r), "invalid_cardType", "cardType required")
    holder = {k: HOLDER[k] for k in ("name", "email", "cpfCnpj", "postalCode")}
    r = call(s, "POST", f"/v3/payments/{p['id']}/payWithCard",
             {"cardType": "CREDIT", "card": dict(CARD, number="1234", holder=holder)}, status=400)
    eq(error_code(r), "invalid_creditCard", "card rules of payWithCreditCard")
    got = js(s, "POST", f"/v3/payments/{p['id']}/payWithCard",
             {"cardType": "CREDIT", "card": dict(CARD, holder=holder)})
    eq(got["status"], "CONFIRMED", "paid")
    eq(got["creditCard"]["creditCardNumber"], "4444", "last 4")
    r = call(s, "POST", f"/v3/payments/{p['id']}/payWithCard",
             {"cardType": "CREDIT", "cardToken": got["creditCard"]["creditCardToken"]}, status=400)
    eq(error_code(r), "invalid_action", "already paid")


@test("bank_slip_refund_link_only_for_a_paid_boleto")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = charge(s, cus, "BOLETO")
    r = call(s, "POST", f"/v3/payments/{p['id']}/bankSlip/refund", {}, status=400)
    eq(error_code(r), "invalid_action", "not paid")
    js(s, "POST", f"/v3/sandbox/payment/{p['id']}/confirm", {})
    a = js(s, "POST", f"/v3/payments/{p['id']}/bankSlip/refund", {})
    check(a["requestUrl"].startswith("https://sandbox.asaas.com/solicitar-estorno/"), a)
    eq(js(s, "POST", f"/v3/payments/{p['id']}/bankSlip/refund", {}), a, "same link")
    pix = charge(s, cus, "PIX")
    js(s, "POST", f"/v3/sandbox/payment/{pix['id']}/confirm", {})
    r = call(s, "POST", f"/v3/payments/{pix['id']}/bankSlip/refund", {}, status=400)
    eq(error_code(r), "invalid_action", "not a boleto")
    lst = js(s, "GET", f"/v3/payments/{p['id']}/contractualEffectRestrictions")
    eq((lst["object"], lst["totalCount"]), ("list", 0), "no restrictions")


@test("payment_documents_upload_list_update_delete_with_limits")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = charge(s, cus)
    pdf = b"%PDF-1.4\n\x00\xff\xfe binary \x80\x81 content\n%%EOF\n"
    body, ctype = multipart([("type", "INVOICE"), ("availableAfterPayment", "true")],
                            [("file", "nota fiscal.pdf", "application/pdf", pdf)])
    hdr = [("Content-Type", ctype)]
    d = js(s, "POST", f"/v3/payments/{p['id']}/documents", raw=body, headers=hdr)
    eq(d["object"], "paymentDocument", "object")
    eq((d["name"], d["type"], d["availableAfterPayment"]), ("nota fiscal.pdf", "INVOICE", True),
       "fields")
    eq((d["file"]["size"], d["file"]["extension"]), (len(pdf), "pdf"), "file")
    check(not any(k.startswith("_") for k in d), "no private members")
    lst = js(s, "GET", f"/v3/payments/{p['id']}/documents")
    eq([x["id"] for x in lst["data"]], [d["id"]], "listed")
    eq(js(s, "GET", f"/v3/payments/{p['id']}/documents/{d['id']}")["id"], d["id"], "get")
    up = js(s, "PUT", f"/v3/payments/{p['id']}/documents/{d['id']}",
            {"type": "CONTRACT", "availableAfterPayment": False})
    eq((up["type"], up["availableAfterPayment"]), ("CONTRACT", False), "updated")
    r = call(s, "PUT", f"/v3/payments/{p['id']}/documents/{d['id']}", {"type": "PHOTO",
             "availableAfterPayment": False}, status=400)
    eq(error_code(r), "invalid_type", "bad type")
    bad, ctype2 = multipart([("type", "NOPE"), ("availableAfterPayment", "true")],
                            [("file", "a.pdf", "application/pdf", pdf)])
    r = call(s, "POST", f"/v3/payments/{p['id']}/documents", raw=bad,
             headers=[("Content-Type", ctype2)], status=400)
    eq(error_code(r), "invalid_type", "upload type checked")
    nofile, ctype3 = multipart([("type", "OTHER"), ("availableAfterPayment", "false")], [])
    r = call(s, "POST", f"/v3/payments/{p['id']}/documents", raw=nofile,
             headers=[("Content-Type", ctype3)], status=400)
    eq(error_code(r), "invalid_file", "file required")
    r = call(s, "POST", f"/v3/payments/{p['id']}/documents", {"type": "OTHER"}, status=400)
    eq(error_code(r), "invalid_multipart", "multipart required")
    # a JSON handler fed a "multipart" body that is not UTF-8 stores nothing unreadable
    r = call(s, "POST", "/v3/customers", raw=b'{"name":"\xff\xfe","cpfCnpj":"24971563792"}',
             headers=[("Content-Type", ctype)], status=400)
    eq(error_code(r), "invalid_encoding", "encoding still checked for JSON handlers")
    big, ctype4 = multipart([("type", "OTHER"), ("availableAfterPayment", "false")],
                            [("file", "big.bin", "application/octet-stream",
                              b"x" * (5 * 1024 * 1024 + 1))])
    r = call(s, "POST", f"/v3/payments/{p['id']}/documents", raw=big,
             headers=[("Content-Type", ctype4)], status=None)
    check(r.status in (400, 413), f"oversized refused: {r.status}")
    eq(js(s, "DELETE", f"/v3/payments/{p['id']}/documents/{d['id']}"),
       {"deleted": True, "id": d["id"]}, "deleted")
    call(s, "GET", f"/v3/payments/{p['id']}/documents/{d['id']}", status=404)
    eq(js(s, "GET", f"/v3/payments/{p['id']}/documents")["totalCount"], 0, "gone")


@test("pre_authorization_config_range_and_split_statistics")
def _(ctx):
    s = ctx.shared
    eq(js(s, "GET", "/v3/creditCard/preAuthorization/config"), {"daysToExpire": 7}, "default")
    r = call(s, "POST", "/v3/creditCard/preAuthorization/config", {"daysToExpire": 2}, status=400)
    eq(r.json()["errors"][0]["description"],
       "O prazo de cobranças com pré-autorização deve estar dentro do intervalo de 3 a 25 dias.",
       "range text")
    call(s, "POST", "/v3/creditCard/preAuthorization/config", {}, status=400)
    eq(js(s, "POST", "/v3/creditCard/preAuthorization/config", {"daysToExpire": 12}),
       {"daysToExpire": 12}, "saved")
    eq(js(s, "GET", "/v3/creditCard/preAuthorization/config"), {"daysToExpire": 12}, "kept")
    eq(js(s, "GET", "/v3/finance/split/statistics"), {"income": 0, "value": 0}, "no splits")


@test("uncaptured_pre_authorization_expires_after_days_to_expire")
def _(ctx):
    s = ctx.own(Server(ctx.binary, "payrest-preauth", root=ctx.root, use_fixtures=False,
                       default_key=DEV_KEY))
    cus = customer(s)
    js(s, "POST", "/v3/creditCard/preAuthorization/config", {"daysToExpire": 3})

    def authorized():
        return js(s, "POST", "/v3/payments", {
            "customer": cus, "billingType": "CREDIT_CARD", "value": 15, "dueDate": "2031-01-10",
            "authorizeOnly": True, "creditCard": CARD, "creditCardHolderInfo": HOLDER,
            "remoteIp": "127.0.0.1"})
    a, b = authorized(), authorized()
    eq(a["status"], "AUTHORIZED", "authorized")
    advance(s, 2)
    eq(js(s, "POST", f"/v3/payments/{b['id']}/captureAuthorizedPayment")["status"], "CONFIRMED",
       "captured in time")
    eq(js(s, "GET", f"/v3/payments/{a['id']}")["status"], "AUTHORIZED", "not yet expired")
    advance(s, 1)
    eq(js(s, "GET", f"/v3/payments/{a['id']}")["status"], "REFUNDED", "expired on day 3")
    eq(js(s, "GET", f"/v3/payments/{b['id']}")["status"], "CONFIRMED", "captured one untouched")
    check("PAYMENT_REFUNDED" in events_of(s, a["id"]), "event")
    call(s, "POST", f"/v3/payments/{a['id']}/captureAuthorizedPayment", status=400)
    ledger_ok(s)


# ---------------------------------------------------------------- books, subscriptions

def wallet_of(account_id):
    """The walletId the mock derives from an account id (core/registry.c)."""
    h = [1469598103934665603, 0x9e3779b97f4a7c15]
    b = bytearray(16)
    for k in range(2):
        for c in ("wallet:" + account_id).encode():
            h[k] = ((h[k] ^ c) * 1099511628211) % (1 << 64)
        for i in range(8):
            b[k * 8 + i] = (h[k] >> (8 * i)) & 0xff
    b[6] = (b[6] & 0x0f) | 0x40
    b[8] = (b[8] & 0x3f) | 0x80
    x = b.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def pdftotext(data):
    check(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                             timeout=30)
    eq(out.returncode, 0, f"pdftotext exit ({out.stderr[:200]!r})")
    return out.stdout.decode("utf-8", "replace")


@test("installment_payment_book_is_a_pdf_with_the_installment_values")
def _(ctx):
    s = ctx.shared
    cus = customer(s, "Joana Carnê")
    first = js(s, "POST", "/v3/payments", {"customer": cus, "billingType": "BOLETO",
                                           "installmentCount": 3, "totalValue": 100,
                                           "dueDate": "2031-03-05", "description": "Curso"})
    inst = first["installment"]
    pays = js(s, "GET", f"/v3/installments/{inst}/payments")["data"]
    r = call(s, "GET", f"/v3/installments/{inst}/paymentBook")
    eq(r.headers.get("content-type", r.headers.get("Content-Type")), "application/pdf",
       "content type")
    check(r.body.startswith(b"%PDF-"), "a PDF")
    text = pdftotext(r.body)
    for p in pays:
        brl = f"{p['value']:.2f}".replace(".", ",")
        check(f"R$ {brl}" in text, f"value {brl} in the book: {text[:600]!r}")
        d = p["dueDate"]
        check(f"{d[8:10]}/{d[5:7]}/{d[0:4]}" in text, f"due date {d} in the book")
        check(p["id"] in text, f"payment {p['id']} in the book")
    check("Parcela 1/3" in text and "Parcela 3/3" in text, "numbers")
    check("Joana Carnê" in text, "payer name with its accent")
    desc = pdftotext(call(s, "GET", f"/v3/installments/{inst}/paymentBook?order=desc").body)
    check(desc.index("Parcela 3/3") < desc.index("Parcela 1/3"), "order=desc")
    js(s, "DELETE", f"/v3/payments/{pays[0]['id']}")
    left = pdftotext(call(s, "GET", f"/v3/installments/{inst}/paymentBook").body)
    check(pays[0]["id"] not in left and "Parcela 2/3" in left, "a deleted charge leaves the book")
    r = call(s, "GET", f"/v3/installments/{inst}/paymentBook?order=sideways", status=400)
    call(s, "GET", "/v3/installments/00000000-0000-4000-8000-000000000000/paymentBook",
         status=404)


@test("subscription_book_card_change_and_invoice_settings")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    sub = js(s, "POST", "/v3/subscriptions", {"customer": cus, "billingType": "BOLETO",
                                               "value": 49.9, "nextDueDate": "2031-02-10",
                                               "cycle": "MONTHLY"})
    text = pdftotext(call(s, "GET", f"/v3/subscriptions/{sub['id']}/paymentBook").body)
    check("49,90" in text, f"subscription charge value in the book: {text[:400]!r}")
    call(s, "GET", f"/v3/subscriptions/{sub['id']}/paymentBook?month=13&year=2031", status=400)
    r = call(s, "PUT", f"/v3/subscriptions/{sub['id']}/creditCard",
             {"creditCard": CARD, "creditCardHolderInfo": HOLDER, "remoteIp": "127.0.0.1"},
             status=400)
    eq(error_code(r), "invalid_action", "boleto subscription has no card")
    card_sub = js(s, "POST", "/v3/subscriptions", {
        "customer": cus, "billingType": "CREDIT_CARD", "value": 30, "nextDueDate": "2031-02-10",
        "cycle": "MONTHLY", "creditCard": CARD, "creditCardHolderInfo": HOLDER,
        "remoteIp": "127.0.0.1"})
    r = call(s, "PUT", f"/v3/subscriptions/{card_sub['id']}/creditCard",
             {"creditCard": dict(CARD, number="123"), "creditCardHolderInfo": HOLDER,
              "remoteIp": "127.0.0.1"}, status=400)
    eq(error_code(r), "invalid_creditCard", "card rules")
    up = js(s, "PUT", f"/v3/subscriptions/{card_sub['id']}/creditCard",
            {"creditCard": dict(CARD, number="5162306219378829"), "creditCardHolderInfo": HOLDER,
             "remoteIp": "127.0.0.1"})
    eq(up["id"], card_sub["id"], "subscription answered")
    evs = ctl(s, "GET", "/events?limit=1000")["data"]
    check(any(e["event"] == "SUBSCRIPTION_UPDATED" and e["resourceId"] == card_sub["id"]
              for e in evs), "SUBSCRIPTION_UPDATED emitted")
    # invoice settings
    base = f"/v3/subscriptions/{sub['id']}/invoiceSettings"
    call(s, "GET", base, status=404)
    taxes = {"retainIss": False, "iss": 3, "pis": 0.65, "cofins": 3, "csll": 1, "inss": 0,
             "ir": 1.5}
    r = call(s, "POST", base, {"municipalServiceCode": "1.01", "taxes": taxes,
                               "effectiveDatePeriod": "BEFORE_PAYMENT_DUE_DATE"}, status=400)
    eq(error_code(r), "invalid_daysBeforeDueDate", "days required before due date")
    r = call(s, "POST", base, {"municipalServiceCode": "1.01"}, status=400)
    eq(error_code(r), "invalid_taxes", "taxes required")
    r = call(s, "POST", base, {"taxes": taxes}, status=400)
    eq(error_code(r), "invalid_municipalService", "service required")
    got = js(s, "POST", base, {"municipalServiceCode": "1.01", "municipalServiceName": "Análise",
                               "taxes": taxes, "effectiveDatePeriod": "BEFORE_PAYMENT_DUE_DATE",
                               "daysBeforeDueDate": 10, "deductions": 5})
    eq((got["invoiceCreationPeriod"], got["daysBeforeDueDate"], got["deductions"]),
       ("BEFORE_PAYMENT_DUE_DATE", 10, 5), "settings")
    check("id" not in got, "no id in the settings")
    call(s, "POST", base, {"municipalServiceCode": "1.01", "taxes": taxes}, status=400)
    upd = js(s, "PUT", base, {"taxes": dict(taxes, iss=5), "effectiveDatePeriod": "ON_NEXT_MONTH"})
    eq((upd["taxes"]["iss"], upd["invoiceCreationPeriod"], upd["daysBeforeDueDate"],
        upd["municipalServiceCode"]), (5, "ON_NEXT_MONTH", None, "1.01"), "updated")
    eq(js(s, "GET", base), upd, "get")
    eq(js(s, "GET", f"/v3/subscriptions/{sub['id']}/invoices")["totalCount"], 0, "no invoices")
    eq(js(s, "DELETE", base), {"deleted": True, "id": sub["id"]}, "removed")
    call(s, "GET", base, status=404)


@test("installment_splits_validated_and_stored")
def _(ctx):
    s = ctx.shared
    s.control("POST", "/__mock/accounts", body=json.dumps({"id": "payrest-receiver"}), expect=None)
    cus = customer(s)
    first = js(s, "POST", "/v3/payments", {"customer": cus, "billingType": "PIX",
                                           "installmentCount": 4, "totalValue": 200,
                                           "dueDate": "2031-03-05"})
    inst = first["installment"]
    path = f"/v3/installments/{inst}/splits"
    r = call(s, "PUT", path, {"splits": [{"walletId": wallet_of(ACCOUNT), "fixedValue": 5}]},
             status=400)
    eq(error_code(r), "invalid_split", "own wallet")
    other = wallet_of("payrest-receiver")
    r = call(s, "PUT", path, {"splits": [{"walletId": other, "fixedValue": 5,
                                          "percentualValue": 10}]}, status=400)
    eq(error_code(r), "invalid_split", "one value kind")
    r = call(s, "PUT", path, {"splits": []}, status=400)
    got = js(s, "PUT", path, {"splits": [{"walletId": other, "percentualValue": 10,
                                          "installmentNumber": 2}]})
    sp = got["splits"][0]
    eq((sp["walletId"], sp["percentualValue"], sp["totalValue"], sp["status"],
        sp["installmentNumber"]), (other, 10, 5, "PENDING", 2), "split")


# ---------------------------------------------------------------- chargebacks

def received_card_charge(s, cus, value=200):
    p = js(s, "POST", "/v3/payments", {"customer": cus, "billingType": "CREDIT_CARD",
                                       "value": value, "dueDate": "2031-01-10",
                                       "creditCard": CARD, "creditCardHolderInfo": HOLDER,
                                       "remoteIp": "127.0.0.1"})
    eq(p["status"], "CONFIRMED", "card charge confirmed")
    ctl(s, "POST", "/clock/advance", {"days": 40})
    p = js(s, "GET", f"/v3/payments/{p['id']}")
    eq(p["status"], "RECEIVED", "settled after its credit date")
    return p


def advance(s, days):
    ctl(s, "POST", "/clock/advance", {"days": days})


def events_of(s, pid):
    return [e["event"] for e in ctl(s, "GET", "/events?limit=1000")["data"]
            if e.get("resourceId") == pid]


def dispute(s, cb_id, names=("defesa.pdf",), status=200):
    body, ctype = multipart([], [("files", n, "application/pdf", b"%PDF-1.4 defesa") for n in names])
    return call(s, "POST", f"/v3/chargebacks/{cb_id}/dispute", raw=body,
                headers=[("Content-Type", ctype)], status=status)


@test("chargeback_moves_the_balance_dispute_won_gives_it_back_and_the_ledger_stays_ok")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = received_card_charge(s, cus)
    before = balance(s)
    ledger_ok(s)
    r = call(s, "POST", f"/v3/sandbox/payment/{p['id']}/chargeback", {"reason": "NOPE"}, status=400)
    eq(error_code(r), "invalid_reason", "reason checked")
    cb = js(s, "POST", f"/v3/sandbox/payment/{p['id']}/chargeback",
            {"reason": "CARD_FRAUD", "disputeResult": "ACCEPTED"})
    eq((cb["status"], cb["payment"], cb["reason"], cb["value"], cb["disputeStatus"]),
       ("REQUESTED", p["id"], "CARD_FRAUD", 200, None), "chargeback")
    eq(list(cb.keys()), ["id", "payment", "installment", "customerAccount", "status", "reason",
                         "disputeStartDate", "value", "paymentDate", "creditCard",
                         "disputeStatus", "deadlineToSendDisputeDocuments"], "key order")
    eq(cb["creditCard"]["number"], "4444", "card")
    eq(balance(s), round(before - 200, 2), "the charge's value left the balance")
    ledger_ok(s)
    eq(js(s, "GET", f"/v3/payments/{p['id']}")["status"], "CHARGEBACK_REQUESTED", "payment")
    eq(js(s, "GET", f"/v3/payments/{p['id']}/chargeback")["id"], cb["id"], "payment's chargeback")
    call(s, "POST", f"/v3/sandbox/payment/{p['id']}/chargeback", {}, status=400)
    r = dispute(s, cb["id"], names=("file.png",), status=400)
    eq(r.json()["errors"][0]["description"], "A extensão do arquivo 'file.png' é inválida.",
       "the spec's example")
    d = dispute(s, cb["id"], names=("defesa.pdf", "nota.jpg")).json()
    eq(d, {"chargebackId": cb["id"], "status": "REQUESTED", "files": ["defesa.pdf", "nota.jpg"]},
       "dispute")
    dispute(s, cb["id"], status=400)
    got = js(s, "GET", f"/v3/payments/{p['id']}/chargeback")
    eq((got["status"], got["disputeStatus"]), ("IN_DISPUTE", "REQUESTED"), "in dispute")
    eq(js(s, "GET", f"/v3/payments/{p['id']}")["status"], "CHARGEBACK_DISPUTE", "payment")
    lst = js(s, "GET", "/v3/chargebacks?status=IN_DISPUTE")
    check(cb["id"] in [c["id"] for c in lst["data"]], "listed by status")
    call(s, "GET", "/v3/chargebacks?status=WHATEVER", status=400)
    advance(s, 5)
    got = js(s, "GET", f"/v3/payments/{p['id']}/chargeback")
    eq((got["status"], got["disputeStatus"]), ("REVERSED", "ACCEPTED"), "dispute won")
    eq(js(s, "GET", f"/v3/payments/{p['id']}")["status"], "AWAITING_CHARGEBACK_REVERSAL", "payment")
    advance(s, 1)
    eq(js(s, "GET", f"/v3/payments/{p['id']}")["status"], "RECEIVED", "reversed")
    eq(balance(s), before, "the value came back")
    ledger_ok(s)
    ev = events_of(s, p["id"])
    for name in ("PAYMENT_CHARGEBACK_REQUESTED", "PAYMENT_CHARGEBACK_DISPUTE",
                 "PAYMENT_AWAITING_CHARGEBACK_REVERSAL"):
        check(name in ev, f"{name} emitted: {ev}")
    lines = js(s, "GET", "/v3/financialTransactions?limit=100")["data"]
    types = [l["type"] for l in lines if l.get("paymentId") == p["id"]]
    check("CHARGEBACK" in types and "CHARGEBACK_REVERSAL" in types, f"statement lines {types}")


@test("chargeback_lost_or_undisputed_keeps_the_money_out")
def _(ctx):
    s = ctx.shared
    cus = customer(s)
    p = received_card_charge(s, cus, 80)
    before = balance(s)
    cb = js(s, "POST", f"/v3/sandbox/payment/{p['id']}/chargeback", {"disputeResult": "REJECTED"})
    dispute(s, cb["id"])
    advance(s, 6)
    got = js(s, "GET", f"/v3/payments/{p['id']}/chargeback")
    eq((got["status"], got["disputeStatus"]), ("DISPUTE_LOST", "REJECTED"), "lost")
    eq(js(s, "GET", f"/v3/payments/{p['id']}")["status"], "CHARGEBACK_DISPUTE", "payment stays")
    eq(balance(s), round(before - 80, 2), "money stays out")
    q = received_card_charge(s, cus, 30)
    cb2 = js(s, "POST", f"/v3/sandbox/payment/{q['id']}/chargeback", {})
    advance(s, 11)
    eq(js(s, "GET", f"/v3/payments/{q['id']}/chargeback")["status"], "DONE", "undisputed: done")
    dispute(s, cb2["id"], status=400)
    ledger_ok(s)
    pix = charge(s, cus, "PIX")
    js(s, "POST", f"/v3/sandbox/payment/{pix['id']}/confirm", {})
    r = call(s, "POST", f"/v3/sandbox/payment/{pix['id']}/chargeback", {}, status=400)
    eq(error_code(r), "invalid_action", "only card charges")
    call(s, "GET", f"/v3/payments/{pix['id']}/chargeback", status=404)


# ---------------------------------------------------------------- credit bureau

@test("credit_bureau_report_is_deterministic_and_charged")
def _(ctx):
    s = ctx.shared
    cus = customer(s, "Consulta Serasa")
    before = balance(s)
    r = call(s, "POST", "/v3/creditBureauReport", {}, status=400)
    eq(error_code(r), "invalid_customer", "customer or cpfCnpj")
    r = call(s, "POST", "/v3/creditBureauReport", {"cpfCnpj": "11111111111"}, status=400)
    eq(error_code(r), "invalid_cpfCnpj", "document checked")
    rep = js(s, "POST", "/v3/creditBureauReport", {"customer": cus})
    eq((rep["customer"], rep["cpfCnpj"]), (cus, "24971563792"), "report")
    import base64
    pdf = base64.b64decode(rep["reportFile"])
    text = pdftotext(pdf)
    check("24971563792" in text and "Score:" in text, f"report text {text[:300]!r}")
    again = js(s, "POST", "/v3/creditBureauReport", {"cpfCnpj": "249.715.637-92"})
    score = [l for l in text.splitlines() if "Score" in l]
    eq([l for l in pdftotext(base64.b64decode(again["reportFile"])).splitlines() if "Score" in l],
       score, "same document, same score")
    got = js(s, "GET", f"/v3/creditBureauReport/{rep['id']}")
    check("reportFile" not in got, "reportFile only on creation")
    eq(got["downloadUrl"], rep["downloadUrl"], "get")
    lst = js(s, "GET", "/v3/creditBureauReport")
    check(rep["id"] in [x["id"] for x in lst["data"]], "listed")
    call(s, "GET", "/v3/creditBureauReport?startDate=yesterday", status=400)
    eq(balance(s), round(before - 2 * 16.99, 2), "two consultations charged")
    ledger_ok(s)


# ---------------------------------------------------------------- durability

@test("state_file_replays_uploads_notifications_and_chargebacks")
def _(ctx):
    state = os.path.join(ctx.root, "payrest.state")

    def start(name):
        return ctx.own(Server(ctx.binary, name, args=["--state-file", state], root=ctx.root,
                              use_fixtures=False, default_key=DEV_KEY))
    a = start("payrest-a")
    cus = customer(a)
    notif = js(a, "GET", f"/v3/customers/{cus}/notifications")["data"][3]
    js(a, "PUT", f"/v3/notifications/{notif['id']}", {"scheduleOffset": 30, "enabled": False})
    p = charge(a, cus)
    pdf = bytes(range(256)) * 4 + b"0123456789012345"  # binary, with a card-like digit run
    body, ctype = multipart([("type", "MEDIA"), ("availableAfterPayment", "false")],
                            [("file", "foto.bin", "application/octet-stream", pdf)])
    doc = js(a, "POST", f"/v3/payments/{p['id']}/documents", raw=body,
             headers=[("Content-Type", ctype)])
    card = js(a, "POST", "/v3/payments", {"customer": cus, "billingType": "CREDIT_CARD",
                                          "value": 25, "dueDate": "2031-01-10",
                                          "creditCard": CARD, "creditCardHolderInfo": HOLDER,
                                          "remoteIp": "127.0.0.1"})
    cb = js(a, "POST", f"/v3/sandbox/payment/{card['id']}/chargeback", {})
    a.proc.kill()  # no clean stop: what comes back is what the log replays
    a.proc.wait()
    a.exit_code = 0
    b = start("payrest-b")
    got = {n["id"]: n for n in js(b, "GET", f"/v3/customers/{cus}/notifications")["data"]}
    eq((got[notif["id"]]["scheduleOffset"], got[notif["id"]]["enabled"]), (30, False),
       "notification change kept")
    d = js(b, "GET", f"/v3/payments/{p['id']}/documents/{doc['id']}")
    eq((d["file"]["size"], d["type"]), (len(pdf), "MEDIA"), "document kept")
    eq(js(b, "GET", f"/v3/payments/{card['id']}/chargeback")["id"], cb["id"], "chargeback kept")
    eq(js(b, "GET", f"/v3/payments/{card['id']}")["status"], "CHARGEBACK_REQUESTED", "status kept")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "e2e-payrest-", __doc__)

#!/usr/bin/env python3
"""run_e2e_links.py - payment links, checkouts, invoices and fiscal info, dunning (issue 15).

Flows on one --auto-accounts server with a frozen clock (each test takes its own account):
payment link -> pay (the sandbox-style action standing for the hosted page) -> charge with
paymentLink set -> link viewCount; images over multipart; checkouts ACTIVE -> PAID |
CANCELED | EXPIRED with their CHECKOUT_* events; fiscal info -> invoice for a received
payment -> authorized on the clock -> cancel; dunning request/cancel with its fee in the
ledger. The ledger check stays ok throughout.

Usage: run_e2e_links.py path/to/asaas-mock [-k PATTERN]
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Server, check, eq, registry  # noqa: E402
import harness  # noqa: E402
from run_e2e_billing import Account, CUSTOMER_REQ, CLOCK, SEED, CARD_REQ  # noqa: E402

TESTS, test = registry()

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
HOLDER = {"name": "Cliente Paridade", "email": "paridade@example.com", "cpfCnpj": "24971563792",
          "postalCode": "89223005", "addressNumber": "277", "phone": "4738010919"}


class Ctx(harness.Ctx):
    SHARED_CHECK = "server_exits_cleanly"

    def make_shared(self):
        return Server(self.binary, "links", root=self.root, accounts=[],
                      args=["--clock", CLOCK, "--seed", SEED, "--auto-accounts"])

    def account(self):
        return Account(self.shared)


def multipart(fields, files):
    """A multipart/form-data body: fields {name: text}, files {name: (filename, bytes)}."""
    boundary = "----amlinks7d1f"
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    for name, (filename, data) in files.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, ("Content-Type", f"multipart/form-data; boundary={boundary}")


def error_code(r):
    return r.json()["errors"][0]["code"]


def ledger_ok(a):
    c = a.ctl("GET", "/ledger/check")
    check(c["ok"] is True, f"ledger check: {c}")
    return c


def events_of(a, rid):
    return [e["event"] for e in a.events().json()["data"] if e["resourceId"] == rid]


@test("payment_link_pay_creates_customer_and_charge_with_paymentLink_and_counts_views")
def _(ctx):
    a = ctx.account()
    link = a.ok("POST", "/v3/paymentLinks", {"name": "Curso", "billingType": "PIX",
                                            "chargeType": "DETACHED", "value": 150,
                                            "dueDateLimitDays": 3})
    lid = link["id"]
    check(lid.isdigit() and len(lid) == 12, f"link id {lid!r}: 12 digits")
    eq(list(link.keys()), ["id", "name", "value", "active", "chargeType", "url", "billingType",
                           "subscriptionCycle", "description", "endDate", "deleted", "viewCount",
                           "maxInstallmentCount", "dueDateLimitDays", "notificationEnabled",
                           "isAddressRequired", "externalReference"], "link field order")
    eq((link["url"], link["viewCount"], link["active"]),
       (f"https://127.0.0.1:{a.server.port}/c/" + lid, 0, True),
       "new link (its url is the mock's buyer page under the address the client used)")
    a.ok("POST", f"/v3/sandbox/paymentLinks/{lid}/view")
    pay = a.ok("POST", f"/v3/sandbox/paymentLinks/{lid}/pay",
               {"customerData": {"name": "Pagador Link", "cpfCnpj": "24971563792"}})
    eq((pay["object"], pay["paymentLink"], pay["billingType"], pay["value"], pay["dueDate"]),
       ("payment", lid, "PIX", 150, "2026-07-17"), "charge created by paying the link")
    cust = a.ok("GET", f"/v3/customers/{pay['customer']}")
    eq(cust["name"], "Pagador Link", "payer created as a customer")
    eq(a.ok("GET", f"/v3/payments/{pay['id']}")["paymentLink"], lid, "GET payment paymentLink")
    created = [e for e in a.events().json()["data"] if e["event"] == "PAYMENT_CREATED"
               and e["resourceId"] == pay["id"]]
    eq(len(created), 1, "one PAYMENT_CREATED")
    eq(a.ok("GET", f"/v3/paymentLinks/{lid}")["viewCount"], 2, "viewCount: view + pay")
    # Installment link: every installment carries the link.
    inst = a.ok("POST", "/v3/paymentLinks", {"name": "Parcelado", "billingType": "BOLETO",
                                            "chargeType": "INSTALLMENT", "value": 300,
                                            "maxInstallmentCount": 3})
    r = a.post(f"/v3/sandbox/paymentLinks/{inst['id']}/pay",
               json.dumps({"customer": pay["customer"], "installmentCount": 4}))
    eq((r.status, error_code(r)), (400, "invalid_installmentCount"), "more than the maximum")
    first = a.ok("POST", f"/v3/sandbox/paymentLinks/{inst['id']}/pay",
                 {"customer": pay["customer"], "installmentCount": 3})
    parts = a.ok("GET", f"/v3/installments/{first['installment']}/payments")["data"]
    eq(sorted(p["paymentLink"] for p in parts), [inst["id"]] * 3, "installments carry the link")
    eq(a.ok("GET", f"/v3/installments/{first['installment']}")["paymentLink"], inst["id"],
       "installment paymentLink")
    # Recurrent link: a subscription whose first charge carries the link.
    rec = a.ok("POST", "/v3/paymentLinks", {"name": "Mensal", "billingType": "UNDEFINED",
                                           "chargeType": "RECURRENT", "value": 49.9,
                                           "subscriptionCycle": "MONTHLY"})
    r = a.post(f"/v3/sandbox/paymentLinks/{rec['id']}/pay", json.dumps({"customer": pay["customer"]}))
    eq((r.status, error_code(r)), (400, "invalid_billingType"), "UNDEFINED link: payer chooses")
    sub = a.ok("POST", f"/v3/sandbox/paymentLinks/{rec['id']}/pay",
               {"customer": pay["customer"], "billingType": "PIX"})
    eq((sub["object"], sub["cycle"]), ("subscription", "MONTHLY"), "subscription created")
    eq(sub["paymentLink"], rec["id"], "subscription paymentLink")
    charges = a.ok("GET", f"/v3/subscriptions/{sub['id']}/payments")["data"]
    eq([c["paymentLink"] for c in charges], [rec["id"]], "subscription charge carries the link")
    # Filters, delete / restore, closed link.
    eq(a.ok("GET", "/v3/paymentLinks?name=Parc")["totalCount"], 1, "name filter")
    a.ok("DELETE", f"/v3/paymentLinks/{lid}")
    eq(a.ok("GET", "/v3/paymentLinks")["totalCount"], 2, "deleted left out")
    eq(a.ok("GET", "/v3/paymentLinks?includeDeleted=true")["totalCount"], 3, "includeDeleted")
    r = a.post(f"/v3/sandbox/paymentLinks/{lid}/pay", json.dumps({"customer": pay["customer"]}))
    eq((r.status, error_code(r)), (400, "invalid_action"), "a deleted link cannot be paid")
    eq(a.ok("POST", f"/v3/paymentLinks/{lid}/restore")["deleted"], False, "restored")
    upd = a.ok("PUT", f"/v3/paymentLinks/{lid}", {"active": False, "value": 10})
    eq((upd["active"], upd["value"]), (False, 10), "update")
    r = a.post(f"/v3/sandbox/paymentLinks/{lid}/pay", json.dumps({"customer": pay["customer"]}))
    eq((r.status, error_code(r)), (400, "invalid_action"), "an inactive link cannot be paid")
    # The subscription's later charges (daily job) carry the link too.
    a.ctl("POST", "/clock/advance", {"days": 40})
    charges = a.ok("GET", f"/v3/subscriptions/{sub['id']}/payments")["data"]
    check(len(charges) >= 2, f"later subscription charges generated ({len(charges)})")
    eq({c["paymentLink"] for c in charges}, {rec["id"]}, "every subscription charge carries it")
    ledger_ok(a)


@test("payment_link_validation_first_error")
def _(ctx):
    a = ctx.account()
    cases = [({}, "invalid_name"),
             ({"name": "x"}, "invalid_billingType"),
             ({"name": "x", "billingType": "CASH", "chargeType": "DETACHED"}, "invalid_billingType"),
             ({"name": "x", "billingType": "PIX"}, "invalid_chargeType"),
             ({"name": "x", "billingType": "PIX", "chargeType": "DETACHED", "value": -1},
              "invalid_value"),
             ({"name": "x", "billingType": "PIX", "chargeType": "RECURRENT"},
              "invalid_subscriptionCycle"),
             ({"name": "x", "billingType": "PIX", "chargeType": "INSTALLMENT",
               "maxInstallmentCount": 22}, "invalid_maxInstallmentCount"),
             ({"name": "x", "billingType": "PIX", "chargeType": "DETACHED",
               "endDate": "2020-01-01"}, "invalid_endDate"),
             ({"name": "x", "billingType": "PIX", "chargeType": "DETACHED", "callback": {}},
              "invalid_callback")]
    for body, code in cases:
        r = a.post("/v3/paymentLinks", json.dumps(body))
        eq((r.status, error_code(r)), (400, code), f"create {body}")
    eq(a.ok("GET", "/v3/paymentLinks")["totalCount"], 0, "nothing created")
    lid = a.ok("POST", "/v3/paymentLinks", {"name": "x", "billingType": "PIX",
                                           "chargeType": "DETACHED"})["id"]
    for body, code in [({"name": ""}, "invalid_name"), ({"billingType": None}, "invalid_billingType"),
                       ({"chargeType": "RECURRENT"}, "invalid_subscriptionCycle")]:
        r = a.call("PUT", f"/v3/paymentLinks/{lid}", json.dumps(body))
        eq((r.status, error_code(r)), (400, code), f"update {body}")
    eq(a.ok("GET", f"/v3/paymentLinks/{lid}")["name"], "x", "refused updates change nothing")


@test("payment_link_images_multipart_limits_and_main")
def _(ctx):
    a = ctx.account()
    lid = a.ok("POST", "/v3/paymentLinks", {"name": "Fotos", "billingType": "PIX",
                                           "chargeType": "DETACHED"})["id"]
    body, hdr = multipart({}, {"image": ("a.png", PNG)})
    r = a.post(f"/v3/paymentLinks/{lid}/images", body, headers=[hdr])
    eq(r.status, 200, f"upload (body {r.body[:300]!r})")
    first = r.json()
    eq((first["main"], first["image"]["originalName"], first["image"]["size"],
        first["image"]["extension"]), (True, "a.png", len(PNG), "png"), "first image is main")
    body, hdr = multipart({"main": "true"}, {"image": ("b.png", PNG)})
    second = a.ok("POST", f"/v3/paymentLinks/{lid}/images", body, headers=[hdr])
    eq(second["main"], True, "main=true")
    eq(a.ok("GET", f"/v3/paymentLinks/{lid}/images/{first['id']}")["main"], False, "only one main")
    a.ok("PUT", f"/v3/paymentLinks/{lid}/images/{first['id']}/setAsMain")
    eq([i["main"] for i in a.ok("GET", f"/v3/paymentLinks/{lid}/images")["data"]], [True, False],
       "setAsMain")
    eq(a.ok("DELETE", f"/v3/paymentLinks/{lid}/images/{first['id']}"),
       {"deleted": True, "id": first["id"]}, "delete image")
    eq(a.ok("GET", f"/v3/paymentLinks/{lid}/images/{second['id']}")["main"], True,
       "the remaining image becomes main")
    body, hdr = multipart({}, {"image": ("x.txt", b"not an image")})
    r = a.post(f"/v3/paymentLinks/{lid}/images", body, headers=[hdr])
    eq((r.status, error_code(r)), (400, "invalid_image"), "not an image")
    body, hdr = multipart({}, {"image": ("big.png", PNG + b"\0" * (512 * 1024))})
    r = a.post(f"/v3/paymentLinks/{lid}/images", body, headers=[hdr])
    eq((r.status, error_code(r)), (400, "invalid_image"), "too big")
    r = a.post(f"/v3/paymentLinks/{lid}/images", json.dumps({}))
    eq((r.status, error_code(r)), (400, "invalid_image"), "no image part")
    r = a.post(f"/v3/paymentLinks/{lid}/images", b"--x\r\ngarbage",
               headers=[("Content-Type", "multipart/form-data; boundary=x")])
    eq((r.status, error_code(r)), (400, "invalid_multipart"), "malformed multipart")
    r = a.get(f"/v3/paymentLinks/{lid}/images/{first['id']}")
    eq(r.status, 404, "deleted image")


CHECKOUT = {"billingTypes": ["PIX"], "chargeTypes": ["DETACHED"], "minutesToExpire": 30,
            "callback": {"successUrl": "https://example.com/ok",
                         "cancelUrl": "https://example.com/cancel"},
            "items": [{"name": "Camiseta", "quantity": 2, "value": 25.5, "imageBase64": "aGk="}],
            "customerData": {"name": "Comprador", "cpfCnpj": "24971563792", "addressNumber": 150,
                             "city": 12987382, "postalCode": "89223005"}}


@test("checkout_paid_canceled_expired_with_events")
def _(ctx):
    a = ctx.account()
    co = a.ok("POST", "/v3/checkouts", CHECKOUT)
    eq((co["status"], co["link"]),
       ("ACTIVE", "https://sandbox.asaas.com/checkoutSession/show/" + co["id"]), "new checkout")
    pay = a.ok("POST", f"/v3/sandbox/checkouts/{co['id']}/pay", {})
    eq((pay["checkoutSession"], pay["value"], pay["billingType"], pay["paymentLink"]),
       (co["id"], 51, "PIX", None), "charge of the checkout")
    payer = a.ok("GET", f"/v3/customers/{pay['customer']}")
    eq((payer["name"], payer["addressNumber"]), ("Comprador", "150"),
       "payer from the checkout's customerData")
    rec = a.ok("POST", "/v3/checkouts", dict(CHECKOUT, chargeTypes=["DETACHED", "RECURRENT"],
                                              subscription={"cycle": "MONTHLY",
                                                            "nextDueDate": "2026-08-01"}))
    r = a.post(f"/v3/sandbox/checkouts/{rec['id']}/pay", "{}")
    eq((r.status, error_code(r)), (400, "invalid_chargeType"), "two charge types: payer chooses")
    sub = a.ok("POST", f"/v3/sandbox/checkouts/{rec['id']}/pay", {"chargeType": "RECURRENT"})
    eq((sub["object"], sub["checkoutSession"], sub["nextDueDate"], sub["value"]),
       ("subscription", rec["id"], "2026-09-01", 51), "subscription of the checkout")
    r = a.post(f"/v3/checkouts/{co['id']}/cancel", "{}")
    eq((r.status, error_code(r)), (400, "invalid_action"), "a paid checkout cannot be canceled")
    co2 = a.ok("POST", "/v3/checkouts", CHECKOUT)
    eq(a.ok("POST", f"/v3/checkouts/{co2['id']}/cancel")["status"], "CANCELED", "cancel")
    co3 = a.ok("POST", "/v3/checkouts", CHECKOUT)
    a.ctl("POST", "/clock/advance", {"days": 1})
    r = a.post(f"/v3/checkouts/{co3['id']}/cancel", "{}")
    eq((r.status, error_code(r)), (400, "invalid_action"), "expired")
    eq(events_of(a, co["id"]), ["CHECKOUT_CREATED", "CHECKOUT_PAID"], "paid events")
    eq(events_of(a, co2["id"]), ["CHECKOUT_CREATED", "CHECKOUT_CANCELED"], "canceled events")
    eq(events_of(a, co3["id"]), ["CHECKOUT_CREATED", "CHECKOUT_EXPIRED"], "expired events")
    for body, code in [({}, "invalid_billingTypes"),
                       (dict(CHECKOUT, chargeTypes=["X"]), "invalid_chargeTypes"),
                       (dict(CHECKOUT, minutesToExpire=5), "invalid_minutesToExpire"),
                       (dict(CHECKOUT, callback={}), "invalid_callback"),
                       (dict(CHECKOUT, items=[]), "invalid_items"),
                       (dict(CHECKOUT, chargeTypes=["RECURRENT"]), "invalid_subscription")]:
        r = a.post("/v3/checkouts", json.dumps(body))
        eq((r.status, error_code(r)), (400, code), f"checkout {code}")
    ledger_ok(a)


INVOICE = {"serviceDescription": "Consultoria", "observations": "Mensal", "value": 300,
           "deductions": 0, "effectiveDate": "2026-07-16", "municipalServiceName": "Consultoria",
           "municipalServiceCode": "17.01",
           "taxes": {"retainIss": False, "iss": 2, "pis": 0.65, "cofins": 3, "csll": 0, "inss": 0,
                     "ir": 0}}


@test("fiscal_info_invoice_for_received_payment_authorized_on_the_clock_then_canceled")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pay = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX", "value": 300,
                                        "dueDate": "2026-07-20"})
    a.ok("POST", f"/v3/sandbox/payment/{pay['id']}/confirm")
    # Without fiscal info: GET is 404 and an invoice is refused.
    eq(a.get("/v3/fiscalInfo").status, 404, "no fiscal info yet")
    r = a.post("/v3/invoices", json.dumps(dict(INVOICE, payment=pay["id"])))
    eq((r.status, error_code(r)), (400, "invalid_action"), "invoice without fiscal info")
    opts = a.ok("GET", "/v3/fiscalInfo/municipalOptions")
    check(opts["authenticationType"] in ("CERTIFICATE", "TOKEN", "USER_AND_PASSWORD"),
          "municipal options")
    svc = a.ok("GET", "/v3/fiscalInfo/services?description=1.01")
    eq(svc["data"][0]["id"], "3544", "municipal service found by description")
    r = a.post("/v3/fiscalInfo", json.dumps({"simplesNacional": True}))
    eq((r.status, error_code(r)), (400, "invalid_email"), "fiscal info without email")
    body, hdr = multipart({"email": "nf@example.com", "simplesNacional": "true",
                           "rpsSerie": "E", "rpsNumber": "10", "password": "segredo-nao-guardado"},
                          {"certificateFile": ("cert.pfx", b"\x30\x82\x01\x00binary")})
    fi = a.ok("POST", "/v3/fiscalInfo/", body, headers=[hdr])
    eq((fi["object"], fi["email"], fi["simplesNacional"], fi["passwordSent"], fi["certificateSent"],
        fi["accessTokenSent"]), ("customerFiscalInfo", "nf@example.com", True, True, True, False),
       "fiscal info saved (secrets as flags)")
    check("segredo" not in json.dumps(a.ok("GET", "/v3/fiscalInfo/")), "password never echoed")
    eq(a.ok("GET", "/v3/customerFiscalInfo")["email"], "nf@example.com", "legacy path")
    # Validation, first error only.
    for body_, code in [(dict(INVOICE, payment="pay_unknown0000000"), "invalid_payment"),
                        ({k: v for k, v in INVOICE.items()}, "invalid_customer"),
                        (dict(INVOICE, payment=pay["id"], value=0), "invalid_value"),
                        (dict(INVOICE, payment=pay["id"], effectiveDate="2020-01-01"),
                         "invalid_effectiveDate"),
                        (dict(INVOICE, payment=pay["id"], taxes={"iss": 2}), "invalid_taxes")]:
        r = a.post("/v3/invoices", json.dumps(body_))
        eq((r.status, error_code(r)), (400, code), f"invoice {code}")
    inv = a.ok("POST", "/v3/invoices", dict(INVOICE, payment=pay["id"]))
    iid = inv["id"]
    check(iid.startswith("inv_") and len(iid) == 16 and iid[4:].isdigit(), f"invoice id {iid}")
    eq((inv["status"], inv["customer"], inv["payment"], inv["type"], inv["number"]),
       ("SCHEDULED", cid, pay["id"], "NFS-e", None), "scheduled invoice")
    eq(a.ok("PUT", f"/v3/invoices/{iid}", {"observations": "Alterada"})["observations"], "Alterada",
       "update while scheduled")
    eq(a.ok("GET", f"/v3/invoices?payment={pay['id']}")["totalCount"], 1, "payment filter")
    eq(a.ok("GET", "/v3/invoices?effectiveDate[Ge]=2026-07-17")["totalCount"], 0, "date filter")
    balance = ledger_ok(a)["balance"]
    a.ctl("POST", "/clock/advance", {"days": 1})
    eq(a.ok("GET", f"/v3/invoices/{iid}")["status"], "SCHEDULED", "not before effectiveDate")
    a.ctl("POST", "/clock/advance", {"days": 1})
    got = a.ok("GET", f"/v3/invoices/{iid}")
    eq((got["status"], got["number"], got["rpsSerie"], got["rpsNumber"]),
       ("AUTHORIZED", "1", "E", "11"), "authorized by the daily job on effectiveDate")
    check(got["pdfUrl"] and got["xmlUrl"] and got["validationCode"], "documents of an invoice")
    after = ledger_ok(a)
    eq(round(after["balance"] - balance, 2), -0.49, "INVOICE_FEE debited")
    fees = [t for t in a.ok("GET", "/v3/financialTransactions?limit=100")["data"]
            if t["type"] == "INVOICE_FEE"]
    eq((len(fees), fees[0]["invoiceId"]), (1, iid), "INVOICE_FEE statement line")
    r = a.call("PUT", f"/v3/invoices/{iid}", json.dumps({"observations": "x"}))
    eq((r.status, error_code(r)), (400, "invalid_action"), "no update once authorized")
    eq(a.ok("POST", f"/v3/invoices/{iid}/cancel")["status"], "PROCESSING_CANCELLATION", "cancel")
    a.ctl("POST", "/clock/advance", {"days": 1})
    eq(a.ok("GET", f"/v3/invoices/{iid}")["status"], "CANCELED", "canceled on the next day")
    eq(events_of(a, iid), ["INVOICE_CREATED", "INVOICE_UPDATED", "INVOICE_AUTHORIZED",
                           "INVOICE_PROCESSING_CANCELLATION", "INVOICE_CANCELED"], "invoice events")
    # A standalone invoice issued at once, and one whose payment went away.
    alone = a.ok("POST", "/v3/invoices", dict(INVOICE, customer=cid, effectiveDate="2026-07-17"))
    eq(a.ok("POST", f"/v3/invoices/{alone['id']}/authorize")["status"], "AUTHORIZED", "authorize")
    p2 = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 50,
                                       "dueDate": "2026-07-30"})
    gone = a.ok("POST", "/v3/invoices", dict(INVOICE, payment=p2["id"], effectiveDate="2026-07-18"))
    a.ok("DELETE", f"/v3/payments/{p2['id']}")
    a.ctl("POST", "/clock/advance", {"days": 1})
    got = a.ok("GET", f"/v3/invoices/{gone['id']}")
    eq(got["status"], "ERROR", "payment deleted before issuing")
    check(got["statusDescription"], "ERROR explains itself")
    eq(a.ok("POST", "/v3/fiscalInfo/nationalPortal", {"enabled": True}), {"success": True},
       "national portal")
    ledger_ok(a)


@test("dunning_simulate_request_documents_processed_fee_cancel")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pay = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 200,
                                        "dueDate": "2026-07-15"})
    sim = a.ok("POST", f"/v3/paymentDunnings/simulate?payment={pay['id']}")
    eq(sim["typeSimulations"][0]["isAllowed"], False, "not overdue yet")
    payer = {"payment": pay["id"], "type": "CREDIT_BUREAU", "customerName": "Devedor",
             "customerCpfCnpj": "24971563792", "customerPrimaryPhone": "4738010919",
             "customerPostalCode": "89223005", "customerAddress": "Rua A",
             "customerAddressNumber": "10", "customerProvince": "Centro"}
    r = a.post("/v3/paymentDunnings", json.dumps(payer))
    eq((r.status, error_code(r)), (400, "invalid_payment"), "a pending charge cannot be dunned")
    a.ctl("POST", "/clock/advance", {"days": 2})
    sim = a.ok("POST", f"/v3/paymentDunnings/simulate?payment={pay['id']}")
    eq((sim["value"], sim["typeSimulations"][0]["isAllowed"], sim["typeSimulations"][0]["feeValue"]),
       (200, True, 9.99), "simulation of an overdue charge")
    eq([x["payment"] for x in a.ok("GET", "/v3/paymentDunnings/paymentsAvailableForDunning")["data"]],
       [pay["id"]], "available for dunning")
    r = a.post("/v3/paymentDunnings", json.dumps(dict(payer, customerCpfCnpj="123")))
    eq((r.status, error_code(r)), (400, "invalid_customerCpfCnpj"), "bad CPF")
    r = a.post("/v3/paymentDunnings", json.dumps(dict(payer, customerProvince="")))
    eq((r.status, error_code(r)), (400, "invalid_customerProvince"), "missing province")
    d = a.ok("POST", "/v3/paymentDunnings", payer)
    eq((d["status"], d["isNecessaryResendDocumentation"], d["canBeCancelled"], d["payment"]),
       ("PENDING", True, True, pay["id"]), "requested without documents")
    r = a.post("/v3/paymentDunnings", json.dumps(payer))
    eq((r.status, error_code(r)), (400, "invalid_payment"), "one dunning per charge")
    body, hdr = multipart({}, {"documents": ("nota.pdf", b"%PDF-1.4 fake")})
    d = a.ok("POST", f"/v3/paymentDunnings/{d['id']}/documents", body, headers=[hdr])
    eq((d["status"], d["isNecessaryResendDocumentation"]), ("AWAITING_APPROVAL", False), "documents")
    before = ledger_ok(a)["balance"]
    a.ctl("POST", "/clock/advance", {"days": 1})
    got = a.ok("GET", f"/v3/paymentDunnings/{d['id']}")
    eq(got["status"], "PROCESSED", "processed by the next day's job")
    eq(round(ledger_ok(a)["balance"] - before, 2), -9.99, "dunning fee debited")
    eq([h["status"] for h in a.ok("GET", f"/v3/paymentDunnings/{d['id']}/history")["data"]],
       ["IN_NEGOTIATION"], "history")
    eq(a.ok("GET", f"/v3/paymentDunnings/{d['id']}/partialPayments")["totalCount"], 0, "partials")
    eq(a.ok("POST", f"/v3/paymentDunnings/{d['id']}/cancel")["status"], "AWAITING_CANCELLATION",
       "cancel after processing")
    a.ctl("POST", "/clock/advance", {"days": 1})
    got = a.ok("GET", f"/v3/paymentDunnings/{d['id']}")
    eq((got["status"], got["canBeCancelled"]), ("CANCELLED", False), "cancelled by the job")
    r = a.post(f"/v3/paymentDunnings/{d['id']}/cancel", "{}")
    eq((r.status, error_code(r)), (400, "invalid_action"), "cancel twice")
    eq(a.ok("GET", "/v3/paymentDunnings?status=CANCELLED")["totalCount"], 1, "status filter")
    check("PAYMENT_DUNNING_REQUESTED" in events_of(a, pay["id"]), "dunning event")
    # Multipart request with documents goes straight to AWAITING_APPROVAL, then PAID.
    body, hdr = multipart(payer, {"documents": ("nota.pdf", b"%PDF-1.4 fake")})
    d2 = a.ok("POST", "/v3/paymentDunnings", body, headers=[hdr])
    eq(d2["status"], "AWAITING_APPROVAL", "with documents")
    a.ctl("POST", "/clock/advance", {"days": 1})
    a.ok("POST", f"/v3/payments/{pay['id']}/receiveInCash",
         {"paymentDate": "2026-07-18", "value": 200})
    a.ctl("POST", "/clock/advance", {"days": 1})
    eq(a.ok("GET", f"/v3/paymentDunnings/{d2['id']}")["status"], "PAID", "paid charge")
    ledger_ok(a)


DEV_KEY = ("$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAw"
           "MDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0")


@test("state_file_replays_links_multipart_uploads_and_paid_links")
def _(ctx):
    state = os.path.join(ctx.root, "links.state")

    def start(name):
        return ctx.own(Server(ctx.binary, name, root=ctx.root, use_fixtures=False,
                              default_key=DEV_KEY,
                              # one URL base across restarts on different ports
                              args=["--clock", CLOCK, "--seed", SEED, "--state-file", state,
                                    "--public-url", "https://sandbox.asaas.com"]))

    def ok(s, method, path, body=None, headers=()):
        if isinstance(body, dict):
            body = json.dumps(body)
        r = harness.api(s, method, path, body=body, headers=headers)
        eq(r.status, 200, f"{method} {path} (body {r.body[:300]!r})")
        return r.json()

    s = start("links-state-1")
    lid = ok(s, "POST", "/v3/paymentLinks", {"name": "Durável", "billingType": "PIX",
                                            "chargeType": "DETACHED", "value": 20})["id"]
    body, hdr = multipart({"main": "true"}, {"image": ("a.png", PNG + b"\xff\xfe 12345678901234")})
    img = ok(s, "POST", f"/v3/paymentLinks/{lid}/images", body, headers=[hdr])
    pay = ok(s, "POST", f"/v3/sandbox/paymentLinks/{lid}/pay",
             {"customerData": {"name": "Durável", "cpfCnpj": "24971563792"}})
    body, hdr = multipart({"email": "nf@example.com", "simplesNacional": "false"},
                          {"certificateFile": ("c.pfx", b"\x00\x01binary")})
    ok(s, "POST", "/v3/fiscalInfo", body, headers=[hdr])
    before = [ok(s, "GET", f"/v3/paymentLinks/{lid}"), ok(s, "GET", f"/v3/paymentLinks/{lid}/images"),
              ok(s, "GET", f"/v3/payments/{pay['id']}"), ok(s, "GET", "/v3/fiscalInfo")]
    s.stop()
    s2 = start("links-state-2")
    after = [ok(s2, "GET", f"/v3/paymentLinks/{lid}"), ok(s2, "GET", f"/v3/paymentLinks/{lid}/images"),
             ok(s2, "GET", f"/v3/payments/{pay['id']}"), ok(s2, "GET", "/v3/fiscalInfo")]
    eq(after, before, "state after replaying the --state-file")
    eq(after[1]["data"][0]["id"], img["id"], "the uploaded image replayed")
    eq(after[2]["paymentLink"], lid, "paid link replayed")

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "e2e-links-", __doc__)

#!/usr/bin/env python3
"""run_e2e_billing.py - end-to-end tests of payments, installments, subscriptions, the
per-account clock and finance, against the real asaas-mock binary over HTTPS.

Usage: python3 tests/e2e/run_e2e_billing.py /path/to/asaas-mock [-k substring]

Prints one line per test and ends with "N passed, N failed"; exits 0 only when every
selected test passed. Standard library only; reuses harness.py.

One server runs with --clock 2026-07-14 --seed 7 --auto-accounts. Every test takes a
fresh random key, so it gets its own isolated account whose clock starts frozen at
2026-07-14 12:00 (Brasilia), the anchor date of the real sandbox captures
(theoxys/asaas-mock-server tests/golden/*.json, reference section 6.2). Because the
dates match the captures', bodies are compared WHOLE with only generated values replaced
by placeholders (ids, invoiceNumber, nossoNumero, card token, receipt numbers, QR image
and payload, linha digitavel); everything else, key ORDER included, must be exact.
Where an expected body is a capture, it says so; where the mock differs from a capture,
the test asserts the capture.
"""

import base64
import copy
import datetime
from decimal import ROUND_HALF_UP, Decimal
import json
import os
import re
import struct
import sys
import warnings
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Server, TestFailure, check, eq, make_key, send)  # noqa: E402
from harness import registry  # noqa: E402
from harness import err  # noqa: E402
import harness  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

CLOCK = "2026-07-14"
SEED = "7"

# ---------------------------------------------------------------------------- texts
# Captured texts (reference section 3, card-probe.json, tokenization-probe.json,
# erros-de-validacao.json) and the mock's documented choices (src/asaas_facts.h).

TXT_CARD_DECLINED = ("Transação não autorizada. Verifique os dados do cartão de crédito e "
                     "tente novamente.")
TXT_PAY_CUSTOMER = "Customer inválido ou não informado."
TXT_DUE_DATE_PAST = "Não é permitido data de vencimento inferior a hoje."
TXT_ID_FIELD_NOT_BOLETO = ("Somente é possível obter linha digitável quando a forma de "
                           "pagamento for boleto bancário.")
TXT_NOT_IMPLEMENTED = "Operação ainda não emulada pelo asaas-mock (existe na API real do Asaas)"
TXT_LIMIT = "O parâmetro limit deve estar entre 1 e 100"
TXT_PAY_NOT_DELETED = "Esta cobrança não está removida."
TXT_REFUND_VALUE = ("O valor do estorno não pode ser maior que o valor disponível para "
                    "estorno.")
TXT_CANNOT_REFUND = "Não é possível estornar uma cobrança que não foi paga."




# ---------------------------------------------------------------------------- ordered JSON

class Obj(list):
    """A JSON object as its (key, value) pairs in wire order."""


class AnyBool:
    """Expected value for a field the reference declares not reproducible offline
    (`anticipable`: "depends on the account's anticipation limit and a 90-day horizon").
    Any boolean is accepted; the captured value is kept for the message."""

    def __init__(self, captured):
        self.captured = captured

    def __repr__(self):
        return f"AnyBool(captured={self.captured!r})"


def loads(raw):
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=Obj)
    except (ValueError, UnicodeDecodeError) as e:
        raise TestFailure(f"body is not JSON ({e}): {raw[:300]!r}")


def ordered(x):
    """dict/list expectation (Python dicts keep insertion order) -> Obj form."""
    if isinstance(x, dict):
        return Obj((k, ordered(v)) for k, v in x.items())
    if isinstance(x, list):
        return [ordered(v) for v in x]
    return x


def plain(x):
    """Obj form -> plain dicts (for reading values)."""
    if isinstance(x, Obj):
        return {k: plain(v) for k, v in x}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def short(x):
    s = json.dumps(plain(x), ensure_ascii=False)
    return s if len(s) <= 160 else s[:160] + "..."


def diff(actual, expected, path="$"):
    """First difference between actual and expected (Obj forms), or None. Objects must
    have the same keys in the same order; booleans are not numbers."""
    if isinstance(expected, AnyBool):
        return None if isinstance(actual, bool) else f"{path}: expected a boolean, got {short(actual)}"
    if isinstance(expected, Obj):
        if not isinstance(actual, Obj):
            return f"{path}: expected an object, got {short(actual)}"
        ak, ek = [k for k, _ in actual], [k for k, _ in expected]
        if ak != ek:
            missing = [k for k in ek if k not in ak]
            extra = [k for k in ak if k not in ek]
            if missing or extra:
                return f"{path}: keys differ: missing {missing}, unexpected {extra}"
            i = next(i for i, (a, e) in enumerate(zip(ak, ek)) if a != e)
            return (f"{path}: key order differs at position {i}: got {ak[i]!r}, expected "
                    f"{ek[i]!r} (got {ak}, expected {ek})")
        for (k, av), (_, ev) in zip(actual, expected):
            d = diff(av, ev, f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or isinstance(actual, Obj):
            return f"{path}: expected an array, got {short(actual)}"
        if len(actual) != len(expected):
            return f"{path}: expected {len(expected)} elements, got {len(actual)}: {short(actual)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            d = diff(a, e, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        if type(actual) is not type(expected) or actual != expected:
            return f"{path}: expected {expected!r}, got {actual!r}"
        return None
    if isinstance(expected, (int, float)):
        if not isinstance(actual, (int, float)) or actual != expected:
            return f"{path}: expected {expected!r}, got {actual!r}"
        return None
    if actual != expected:
        return f"{path}: expected {expected!r}, got {actual!r}"
    return None


# ---------------------------------------------------------------------------- normalising

PAY = re.compile(r"^pay_[a-z0-9]{16}$")
CUS = re.compile(r"^cus_\d{12}$")
SUB = re.compile(r"^sub_[a-z0-9]{16}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FTR = re.compile(r"^ftr_\d+$")
EVT = re.compile(r"^evt_[0-9a-f]{32}&\d+$")
EIGHT = re.compile(r"^\d{8}$")
RECEIPT_URL = re.compile(r"^https://sandbox\.asaas\.com/comprovantes/\d{16}$")
RECEIPT = "https://sandbox.asaas.com/comprovantes/<receipt>"
INVOICE_URL = "https://sandbox.asaas.com/i/<pay>"
BANK_SLIP_URL = "https://sandbox.asaas.com/b/pdf/<pay>"

ID_FORMS = ((PAY, "<pay>"), (CUS, "<cus>"), (SUB, "<sub>"), (UUID, "<uuid>"), (FTR, "<ftr>"),
            (EVT, "<evt>"))
FIELD_FORMS = {
    "customer": ((CUS, "<cus>"),),
    "installment": ((UUID, "<installment>"),),
    "subscription": ((SUB, "<sub>"),),
    "invoiceNumber": ((EIGHT, "<invoiceNumber>"),),
    "nossoNumero": ((EIGHT, "<nossoNumero>"),),
    "creditCardToken": ((UUID, "<token>"),),
    "paymentId": ((PAY, "<pay>"),),
    "resourceId": ID_FORMS,
    "transactionReceiptUrl": ((RECEIPT_URL, RECEIPT),),
    "identificationField": ((re.compile(r"^\d{47}$"), "<identificationField>"),),
    "barCode": ((re.compile(r"^\d{44}$"), "<barCode>"),),
}


def _norm_str(key, value, obj_id):
    if key == "id":
        for rx, ph in ID_FORMS:
            if rx.match(value):
                return ph
        return value
    if key in FIELD_FORMS:
        for rx, ph in FIELD_FORMS[key]:
            if rx.match(value):
                return ph
        return value
    if key in ("encodedImage", "payload"):
        return f"<{key}>"  # verified separately (PNG, BR Code CRC)
    # URLs carry the payment's own id: only that id is replaced, the rest stays exact.
    if key == "invoiceUrl" and obj_id and value == "https://sandbox.asaas.com/i/" + obj_id[4:]:
        return INVOICE_URL
    if key == "bankSlipUrl" and obj_id and value == "https://sandbox.asaas.com/b/pdf/" + obj_id[4:]:
        return BANK_SLIP_URL
    if key == "description":
        return re.sub(r"fatura nr\. \d{8}", "fatura nr. <invoiceNumber>", value)
    return value


def norm(x, key=None):
    """Replaces generated values by placeholders; keeps everything else."""
    if isinstance(x, Obj):
        obj_id = next((v for k, v in x if k == "id" and isinstance(v, str) and PAY.match(v)), None)
        return Obj((k, _norm_str(k, v, obj_id) if isinstance(v, str) else norm(v, k))
                   for k, v in x)
    if isinstance(x, list):
        return [norm(v, key) for v in x]
    return x


def assert_body(r, expected, what, status=200):
    """Whole-body check: status, Content-Type, money with at most two decimals, and the
    normalised body equal to expected (key order included). Returns the raw body (plain
    dicts) for reading ids."""
    eq(r.status, status, f"{what} status (body {r.body[:400]!r})")
    ctype = r.header("Content-Type") or ""
    check(ctype.startswith("application/json"), f"{what}: Content-Type {ctype!r}")
    body = loads(r.body)
    check_two_decimals(body, what)
    d = diff(norm(body), ordered(expected))
    if d:
        raise TestFailure(f"{what}: {d}")
    return plain(body)


def check_two_decimals(x, what, path="$"):
    if isinstance(x, Obj):
        for k, v in x:
            check_two_decimals(v, what, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            check_two_decimals(v, what, f"{path}[{i}]")
    elif isinstance(x, float):
        check(abs(round(x, 2) - x) < 1e-9, f"{what}: {path} = {x!r} has more than two decimals")


def with_(base, **changes):
    """A copy of an expected body with some values changed (key positions kept)."""
    out = copy.deepcopy(base)
    for k, v in changes.items():
        check(k in out, f"test bug: {k!r} not in the expected body")
        out[k] = v
    return out


def lst(data, limit=10, offset=0, total=None, has_more=False):
    return {"object": "list", "hasMore": has_more, "totalCount": len(data) if total is None else total,
            "limit": limit, "offset": offset, "data": data}


# ---------------------------------------------------------------------------- expected bodies

ZERO_DISCOUNT = {"value": 0, "limitDate": None, "dueDateLimitDays": 0, "type": "FIXED"}
ZERO_FINE = {"value": 0, "type": "FIXED"}
ZERO_INTEREST = {"value": 0, "type": "PERCENTAGE"}


def payment(billing_type, value, net_value, due_date, **fields):
    """A payment body in the captured key order (pix-recebido, boleto-com-juros-e-multa,
    cartao-a-vista, parcelamento-*, assinatura-mensal): `subscription`/`installment` only
    when given, `canBePaidAfterDueDate` for BOLETO only, `confirmedDate` + `creditCard`
    for CREDIT_CARD only, nossoNumero/bankSlipUrl filled for BOLETO only."""
    b = {"object": "payment", "id": "<pay>", "dateCreated": CLOCK, "customer": "<cus>"}
    if "subscription" in fields:
        b["subscription"] = fields.pop("subscription")
    if "installment" in fields:
        b["installment"] = fields.pop("installment")
    b.update({"checkoutSession": None, "paymentLink": None, "value": value, "netValue": net_value,
              "originalValue": None, "interestValue": None, "description": None,
              "billingType": billing_type})
    if billing_type == "BOLETO":
        b["canBePaidAfterDueDate"] = True
    if billing_type == "CREDIT_CARD":
        b["confirmedDate"] = None
        b["creditCard"] = None
    boleto = billing_type == "BOLETO"
    b.update({"pixTransaction": None, "status": "PENDING", "dueDate": due_date,
              "originalDueDate": due_date, "paymentDate": None, "clientPaymentDate": None,
              "installmentNumber": None, "invoiceUrl": INVOICE_URL,
              "invoiceNumber": "<invoiceNumber>", "externalReference": None, "deleted": False,
              "anticipated": False, "anticipable": False, "creditDate": None,
              "estimatedCreditDate": None, "transactionReceiptUrl": None,
              "nossoNumero": "<nossoNumero>" if boleto else None,
              "bankSlipUrl": BANK_SLIP_URL if boleto else None, "lastInvoiceViewedDate": None,
              "lastBankSlipViewedDate": None, "discount": dict(ZERO_DISCOUNT),
              "fine": dict(ZERO_FINE), "interest": dict(ZERO_INTEREST), "postalService": False,
              "escrow": None, "refunds": None})
    return with_(b, **fields)


CARD_4444 = {"creditCardNumber": "4444", "creditCardBrand": "VISA", "creditCardToken": "<token>"}

# Capture pix-recebido.json, step "cria cobrança Pix de R$ 100" (and the GET after it).
CAPTURE_PIX = payment("PIX", 100, 98.01, "2026-07-19", description="Paridade Pix")

# Capture boleto-com-juros-e-multa.json (create and GET).
CAPTURE_BOLETO = payment(
    "BOLETO", 350, 348.01, "2026-07-24",
    discount={"value": 5, "limitDate": None, "dueDateLimitDays": 0, "type": "PERCENTAGE"},
    fine={"value": 2, "type": "PERCENTAGE"}, interest={"value": 1, "type": "PERCENTAGE"})

# Capture cartao-a-vista.json: CREDIT_CARD charge created WITHOUT card data.
CAPTURE_CARD_NO_DATA = payment("CREDIT_CARD", 100, 96.52, "2026-07-19")

# Capture probes/card-probe.json, an approving number (dueDate = today + 1).
def capture_card_probe(last4, brand, description):
    return payment("CREDIT_CARD", 100, 96.52, "2026-07-15", description=description,
                   confirmedDate=CLOCK,
                   creditCard={"creditCardNumber": last4, "creditCardBrand": brand,
                               "creditCardToken": "<token>"},
                   status="CONFIRMED", clientPaymentDate=CLOCK, creditDate="2026-08-17",
                   estimatedCreditDate="2026-08-17", transactionReceiptUrl=RECEIPT)


# Capture parcelamento-350-em-12x.json: installment body and its 12 payments.
CAPTURE_INSTALLMENT_12X = {
    "object": "installment", "id": "<uuid>", "value": 350, "netValue": 326.12,
    "paymentValue": 29.24, "installmentCount": 12, "billingType": "BOLETO", "paymentDate": None,
    "description": None, "expirationDay": 24, "deleted": False, "dateCreated": CLOCK,
    "checkoutSession": None, "customer": "<cus>", "paymentLink": None,
    "transactionReceiptUrl": None, "creditCard": None, "refunds": None}
DUE_12X = ["2026-07-24", "2026-08-24", "2026-09-24", "2026-10-24", "2026-11-24", "2026-12-24",
           "2027-01-24", "2027-02-24", "2027-03-24", "2027-04-24", "2027-05-24", "2027-06-24"]


def capture_12x_payment(n):
    last = n == 12
    return payment("BOLETO", 29.24 if last else 29.16, 27.25 if last else 27.17, DUE_12X[n - 1],
                   installment="<installment>", description=f"Parcela {n} de 12.",
                   installmentNumber=n,
                   # captured true for 1-3, false for 4-12: not reproducible offline
                   anticipable=AnyBool(True) if n <= 3 else False)


# Capture parcelamento-no-cartao.json: R$ 300 in 3x on the approving test card.
CAPTURE_INSTALLMENT_CARD_3X = {
    "object": "installment", "id": "<uuid>", "value": 300, "netValue": 289.05,
    "paymentValue": 100, "installmentCount": 3, "billingType": "CREDIT_CARD",
    "paymentDate": CLOCK, "description": None, "expirationDay": 24, "deleted": False,
    "dateCreated": CLOCK, "checkoutSession": None, "customer": "<cus>", "paymentLink": None,
    "transactionReceiptUrl": RECEIPT, "creditCard": dict(CARD_4444), "refunds": None}
DUE_3X = {1: ("2026-07-24", "2026-08-17"), 2: ("2026-08-24", "2026-09-16"),
          3: ("2026-09-24", "2026-10-19")}


def capture_3x_payment(n):
    due, credit = DUE_3X[n]
    return payment("CREDIT_CARD", 100, 96.35, due, installment="<installment>",
                   description=f"Parcela {n} de 3.", confirmedDate=CLOCK,
                   creditCard=dict(CARD_4444), status="CONFIRMED", clientPaymentDate=CLOCK,
                   installmentNumber=n, creditDate=credit, estimatedCreditDate=credit,
                   transactionReceiptUrl=RECEIPT)


# Capture assinatura-mensal.json: subscription created with nextDueDate today+60.
CAPTURE_SUBSCRIPTION = {
    "object": "subscription", "id": "<sub>", "dateCreated": CLOCK, "customer": "<cus>",
    "paymentLink": None, "value": 100, "nextDueDate": "2026-10-12", "cycle": "MONTHLY",
    "description": None, "billingType": "BOLETO", "deleted": False, "status": "ACTIVE",
    "externalReference": None, "checkoutSession": None, "sendPaymentByPostalService": False,
    "fine": dict(ZERO_FINE), "interest": dict(ZERO_INTEREST), "split": None}
CAPTURE_SUBSCRIPTION_PAYMENT = payment("BOLETO", 100, 98.01, "2026-09-12", subscription="<sub>")


def ftr(value, balance, type_, date, description):
    return {"object": "financialTransaction", "id": "<ftr>", "value": value, "balance": balance,
            "type": type_, "date": date, "description": description, "paymentId": "<pay>",
            "splitId": None, "transferId": None, "anticipationId": None, "billId": None,
            "invoiceId": None, "paymentDunningId": None, "creditBureauReportId": None}


def refund(value, description, date=CLOCK):
    return {"dateCreated": f"{date} 12:00:00", "status": "DONE", "value": value,
            "endToEndIdentifier": None, "description": description, "effectiveDate": date,
            "transactionReceiptUrl": RECEIPT, "refundedSplits": []}


def jobs(days, overdue=0, settled=0, subs=0, card=0, expired=0):
    return {"days": days, "overdue": overdue, "settled": settled, "subscriptionCharges": subs,
            "cardCharges": card, "expiredSubscriptions": expired}


# ---------------------------------------------------------------------------- request bodies

# The bodies the captures sent.
CUSTOMER_REQ = {"name": "Cliente Paridade", "cpfCnpj": "24971563792",
                "email": "paridade@example.com", "mobilePhone": "47996321478"}
CARD_REQ = {"holderName": "Cliente Paridade", "number": "4444444444444444", "expiryMonth": "12",
            "expiryYear": "2030", "ccv": "123"}
HOLDER_REQ = {"name": "Cliente Paridade", "email": "paridade@example.com",
              "cpfCnpj": "24971563792", "postalCode": "01310-100", "addressNumber": "100",
              "phone": "47999999999"}


def card(number):
    return dict(CARD_REQ, number=number)


FORM_EMPTY = [("Content-Type", "application/x-www-form-urlencoded")]


# ---------------------------------------------------------------------------- accounts

class Account:
    """One isolated account: a fresh key on the --auto-accounts server."""

    def __init__(self, server):
        self.server = server
        self.key = make_key()
        before = {a["id"] for a in server.control("GET", "/__mock/accounts").json()["data"]}
        r = self.get("/v3/customers?limit=1")
        eq(r.status, 200, f"first request of a fresh key (body {r.body[:200]!r})")
        after = {a["id"] for a in server.control("GET", "/__mock/accounts").json()["data"]}
        new = after - before
        eq(len(new), 1, f"accounts created by the first request of a fresh key ({new})")
        self.id = new.pop()

    def call(self, method, path, body=None, headers=()):
        return self.server.request(method, path, key=self.key, body=body, headers=headers)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, headers=()):
        return self.call("POST", path, body, headers)

    def ok(self, method, path, body=None, headers=()):
        r = self.call(method, path, body, headers)
        eq(r.status, 200, f"{method} {path} status (body {r.body[:400]!r})")
        return r.json()

    def customer(self, **over):
        return self.ok("POST", "/v3/customers", dict(CUSTOMER_REQ, **over))["id"]

    def ctl(self, method, sub, body=None):
        return self.server.control(method, f"/__mock/accounts/{self.id}{sub}", body=body).json()

    def advance(self, days, expected_jobs=None, today=None):
        c = self.ctl("POST", "/clock/advance", {"days": days})
        if expected_jobs is not None:
            eq(c.get("jobs"), expected_jobs, f"jobs of advancing {days} day(s)")
        if today is not None:
            eq((c.get("mode"), c.get("today"), c.get("now")), ("frozen", today, f"{today} 12:00:00"),
               f"clock after advancing {days} day(s)")
        return c

    def events(self):
        return self.server.control("GET", f"/__mock/accounts/{self.id}/events?limit=1000")

    def event_names(self, resource_id=None):
        data = self.events().json()["data"]
        return [(e["event"], e["dateCreated"]) for e in data
                if resource_id is None or e["resourceId"] == resource_id]

    def ledger_ok(self, balance, entries):
        eq(self.ctl("GET", "/ledger/check"),
           {"ok": True, "balance": balance, "ledgerSum": balance, "entries": entries}, "ledger check")
        assert_body(self.get("/v3/finance/balance"), {"balance": balance}, "balance")


# ---------------------------------------------------------------------------- Pix BR Code

def crc16_ccitt(data):
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as the BR Code spec requires."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def emv_fields(s, what):
    """EMV TLV string -> list of (tag, value); fails on a malformed length."""
    out, i = [], 0
    while i < len(s):
        check(i + 4 <= len(s), f"{what}: truncated TLV at {i}: {s[i:]!r}")
        tag, n = s[i:i + 2], s[i + 2:i + 4]
        check(tag.isdigit() and n.isdigit(), f"{what}: bad TLV header {s[i:i + 4]!r} at {i}")
        n = int(n)
        check(i + 4 + n <= len(s), f"{what}: field {tag} overruns the payload")
        out.append((tag, s[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def check_brcode(payload, amount, txid_hint=None):
    """A valid dynamic-or-static Pix BR Code: TLV structure, CRC16 computed here."""
    what = "pixQrCode payload"
    check(payload.isascii(), f"{what} is not ASCII")
    fields = emv_fields(payload, what)
    tags = [t for t, _ in fields]
    eq(fields[0], ("00", "01"), f"{what} first field (payload format indicator)")
    eq(tags[-1], "63", f"{what} last tag (CRC)")
    crc = fields[-1][1]
    check(re.match(r"^[0-9A-F]{4}$", crc), f"{what} CRC {crc!r} not 4 upper-case hex digits")
    eq(crc, f"{crc16_ccitt(payload[:-4].encode()):04X}", f"{what} CRC16-CCITT of {payload!r}")
    f = dict(fields)
    check("26" in f, f"{what}: no merchant account field 26")
    gui = dict(emv_fields(f["26"], what + " field 26"))
    eq(gui.get("00"), "br.gov.bcb.pix", f"{what} GUI")
    check("01" in gui or "25" in gui, f"{what}: field 26 has no key (01) nor URL (25): {gui}")
    eq(f.get("52"), "0000", f"{what} merchant category code")
    eq(f.get("53"), "986", f"{what} currency (BRL)")
    eq(f.get("54"), f"{amount:.2f}", f"{what} amount")
    eq(f.get("58"), "BR", f"{what} country")
    check(0 < len(f.get("59", "")) <= 25, f"{what} merchant name {f.get('59')!r}")
    check(0 < len(f.get("60", "")) <= 15, f"{what} merchant city {f.get('60')!r}")
    check("62" in f and "05" in dict(emv_fields(f["62"], what + " field 62")),
          f"{what}: no additional data field 62 with a txid (05)")
    check("63" not in tags[:-1], f"{what}: more than one CRC tag")
    return fields


def check_png(b64, what):
    """encodedImage: base64 of a real PNG (signature, IHDR, chunk CRCs, IDAT inflates to
    the size IHDR announces, IEND)."""
    try:
        png = base64.b64decode(b64, validate=True)
    except ValueError as e:
        raise TestFailure(f"{what}: not base64 ({e})")
    eq(png[:8], b"\x89PNG\r\n\x1a\n", f"{what} PNG signature")
    i, chunks, idat = 8, [], b""
    while i < len(png):
        check(i + 8 <= len(png), f"{what}: truncated chunk header")
        n, ctype = struct.unpack(">I4s", png[i:i + 8])
        data = png[i + 8:i + 8 + n]
        crc, = struct.unpack(">I", png[i + 8 + n:i + 12 + n])
        eq(crc, zlib.crc32(ctype + data) & 0xFFFFFFFF, f"{what} CRC of chunk {ctype!r}")
        chunks.append(ctype)
        if ctype == b"IDAT":
            idat += data
        if ctype == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", data[:10])
        i += 12 + n
    eq(chunks[0], b"IHDR", f"{what} first chunk")
    eq(chunks[-1], b"IEND", f"{what} last chunk")
    check(w == h and w >= 21, f"{what}: a QR code image is square and at least 21 px ({w}x{h})")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    row = (w * channels * depth + 7) // 8 + 1
    eq(len(zlib.decompress(idat)), row * h, f"{what} inflated IDAT size")


# ---------------------------------------------------------------------------- boleto

def mod10(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        p = int(c) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return (10 - total % 10) % 10


def mod11_barcode(digits43):
    total, w = 0, 2
    for c in reversed(digits43):
        total += int(c) * w
        w = 2 if w == 9 else w + 1
    dv = 11 - total % 11
    return 1 if dv in (0, 1, 10, 11) else dv


def due_factor(due):
    """FEBRABAN due-date factor; restarted at 1000 on 2025-02-22."""
    d = datetime.date.fromisoformat(due)
    days = (d - datetime.date(2025, 2, 22)).days
    check(days >= 0, f"test bug: due date {due} before the factor restart")
    return 1000 + days


def check_linha_digitavel(lf, bar, value, due):
    """47-digit linha digitavel with valid mod-10 field DVs, 44-digit barcode with a valid
    mod-11 DV, both describing the same boleto (value and due factor included)."""
    check(re.match(r"^\d{47}$", lf), f"identificationField {lf!r} is not 47 digits")
    check(re.match(r"^\d{44}$", bar), f"barCode {bar!r} is not 44 digits")
    for name, body, dv in (("field 1", lf[0:9], lf[9]), ("field 2", lf[10:20], lf[20]),
                           ("field 3", lf[21:31], lf[31])):
        eq(int(dv), mod10(body), f"identificationField {name} mod-10 DV ({lf})")
    eq(int(bar[4]), mod11_barcode(bar[:4] + bar[5:]), f"barCode mod-11 DV ({bar})")
    eq(bar[0:4], lf[0:4], "barCode bank + currency vs identificationField")
    eq(bar[3], "9", "currency code (real)")
    eq(bar[4], lf[32], "barCode DV vs identificationField general DV")
    eq(bar[5:19], lf[33:47], "barCode factor + value vs identificationField field 5")
    eq(bar[19:44], lf[4:9] + lf[10:20] + lf[21:31], "barCode free field vs identificationField")
    eq(bar[5:9], str(due_factor(due)), f"due factor of {due}")
    eq(bar[9:19], f"{round(value * 100):010d}", f"value field of {value}")


def money(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------- runner

TESTS, test = registry()


class Ctx(harness.Ctx):
    """One shared --auto-accounts server; each test takes its own account (account())."""

    SHARED_CHECK = "server_exits_cleanly"

    def make_shared(self):
        return Server(self.binary, "billing", root=self.root, accounts=[],
                      # The captured bodies carry Asaas's own host: pin it (the pages
                      # suite checks the default, the client's own address).
                      args=["--clock", CLOCK, "--seed", SEED, "--auto-accounts",
                            "--public-url", "https://sandbox.asaas.com"])

    @property
    def server(self):
        return self.shared

    def account(self):
        return Account(self.server)


# ---------------------------------------------------------------------------- Pix

@test("pix_charge_received_brcode_balance_ledger_events")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "PIX", "value": 100, "dueDate": "2026-07-19",
           "description": "Paridade Pix"}
    p = assert_body(a.post("/v3/payments", req), CAPTURE_PIX, "create (capture pix-recebido)")
    pid = p["id"]
    check(PAY.match(pid), f"payment id {pid!r} is not pay_ + 16 lowercase alphanumerics")
    eq(p["customer"], cid, "payment customer")
    eq(p["invoiceUrl"], "https://sandbox.asaas.com/i/" + pid[4:], "invoiceUrl")
    assert_body(a.get(f"/v3/payments/{pid}"), CAPTURE_PIX, "GET (capture pix-recebido)")

    r = a.get(f"/v3/payments/{pid}/pixQrCode")
    qr = assert_body(r, {"success": True, "encodedImage": "<encodedImage>", "payload": "<payload>",
                         "expirationDate": "2027-07-19 23:59:59"}, "pixQrCode")
    check_brcode(qr["payload"], 100)
    check_png(qr["encodedImage"], "pixQrCode encodedImage")

    received = with_(CAPTURE_PIX, status="RECEIVED", paymentDate=CLOCK, clientPaymentDate=CLOCK,
                     creditDate=CLOCK, estimatedCreditDate=CLOCK, transactionReceiptUrl=RECEIPT)
    assert_body(a.post(f"/v3/sandbox/payment/{pid}/confirm"), received,
                "sandbox confirm (Pix goes straight to RECEIVED)")
    assert_body(a.get(f"/v3/payments/{pid}"), received, "GET after confirm")
    assert_body(a.get(f"/v3/payments/{pid}/status"), {"status": "RECEIVED"}, "status")
    a.ledger_ok(98.01, 2)
    fin = assert_body(a.get("/v3/financialTransactions"), lst([
        ftr(100, 100, "PAYMENT_RECEIVED", CLOCK, "Cobrança recebida - fatura nr. <invoiceNumber>"),
        ftr(-1.99, 98.01, "PAYMENT_FEE", CLOCK, "Taxa de Pix - fatura nr. <invoiceNumber>")]),
        "financialTransactions")
    eq({t["paymentId"] for t in fin["data"]}, {pid}, "ledger paymentId")
    eq({t["description"][-8:] for t in fin["data"]}, {p["invoiceNumber"]}, "ledger invoice number")

    ev = a.events()
    body = assert_body(ev, lst([
        {"object": "event", "id": "<evt>", "seq": 1, "event": "PAYMENT_CREATED",
         "dateCreated": f"{CLOCK} 12:00:00", "resourceType": "payment", "resourceId": "<pay>",
         "payment": CAPTURE_PIX},
        {"object": "event", "id": "<evt>", "seq": 2, "event": "PAYMENT_RECEIVED",
         "dateCreated": f"{CLOCK} 12:00:00", "resourceType": "payment", "resourceId": "<pay>",
         "payment": received}], limit=1000), "events")
    eq([e["resourceId"] for e in body["data"]], [pid, pid], "event resource ids")
    eq([e["id"].split("&")[1] for e in body["data"]], ["1", "2"], "event id sequence suffix")


# ---------------------------------------------------------------------------- boleto

@test("boleto_fine_interest_overdue_then_paid")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "BOLETO", "value": 350, "dueDate": "2026-07-24",
           "fine": {"value": 2, "type": "PERCENTAGE"}, "interest": {"value": 1},
           "discount": {"value": 5, "dueDateLimitDays": 0, "type": "PERCENTAGE"}}
    p = assert_body(a.post("/v3/payments", req), CAPTURE_BOLETO,
                    "create (capture boleto-com-juros-e-multa)")
    pid = p["id"]
    eq(p["bankSlipUrl"], "https://sandbox.asaas.com/b/pdf/" + pid[4:], "bankSlipUrl")
    assert_body(a.get(f"/v3/payments/{pid}"), CAPTURE_BOLETO, "GET (capture)")

    idf = assert_body(a.get(f"/v3/payments/{pid}/identificationField"),
                      {"identificationField": "<identificationField>",
                       "nossoNumero": "<nossoNumero>", "barCode": "<barCode>"},
                      "identificationField")
    eq(idf["nossoNumero"], p["nossoNumero"], "identificationField nossoNumero")
    check_linha_digitavel(idf["identificationField"], idf["barCode"], 350, "2026-07-24")
    # captured: the Pix QR code works for boleto charges too
    qr = assert_body(a.get(f"/v3/payments/{pid}/pixQrCode"),
                     {"success": True, "encodedImage": "<encodedImage>", "payload": "<payload>",
                      "expirationDate": "2027-07-24 23:59:59"}, "pixQrCode of a boleto")
    check_brcode(qr["payload"], 350)

    a.advance(10, jobs(10), today="2026-07-24")
    assert_body(a.get(f"/v3/payments/{pid}"), CAPTURE_BOLETO, "on the due date: still PENDING")
    a.advance(1, jobs(1, overdue=1), today="2026-07-25")
    overdue = with_(CAPTURE_BOLETO, status="OVERDUE")
    assert_body(a.get(f"/v3/payments/{pid}"), overdue, "the day after: OVERDUE (daily job)")
    a.advance(9, jobs(9), today="2026-08-03")

    # Paid 10 days late: fine 2% of 350 plus interest 1% a month pro rata die (10/30).
    fine = money(Decimal(350) * Decimal("0.02"))
    interest = money(Decimal(350) * Decimal("0.01") * 10 / 30)
    extra = fine + interest
    eq(str(extra), "8.17", "test arithmetic: fine + interest")
    paid = float(Decimal(350) + extra)
    confirmed = with_(CAPTURE_BOLETO, value=paid, netValue=float(Decimal(str(paid)) - Decimal("1.99")),
                      originalValue=350, interestValue=float(extra), status="CONFIRMED",
                      clientPaymentDate="2026-08-03", creditDate="2026-08-04",
                      estimatedCreditDate="2026-08-04", transactionReceiptUrl=RECEIPT)
    assert_body(a.post(f"/v3/sandbox/payment/{pid}/confirm"), confirmed,
                "sandbox confirm of the overdue boleto")
    a.ledger_ok(0, 0)
    a.advance(1, jobs(1, settled=1), today="2026-08-04")
    received = with_(confirmed, status="RECEIVED", paymentDate="2026-08-04")
    assert_body(a.get(f"/v3/payments/{pid}"), received, "RECEIVED on creditDate")
    a.ledger_ok(356.18, 2)
    assert_body(a.get("/v3/financialTransactions"), lst([
        ftr(358.17, 358.17, "PAYMENT_RECEIVED", "2026-08-04",
            "Cobrança recebida - fatura nr. <invoiceNumber>"),
        ftr(-1.99, 356.18, "PAYMENT_FEE", "2026-08-04",
            "Taxa de boleto - fatura nr. <invoiceNumber>")]), "financialTransactions")
    eq(a.event_names(pid), [("PAYMENT_CREATED", f"{CLOCK} 12:00:00"),
                            ("PAYMENT_OVERDUE", "2026-07-25 00:00:00"),
                            ("PAYMENT_CONFIRMED", "2026-08-03 12:00:00"),
                            ("PAYMENT_RECEIVED", "2026-08-04 00:00:00")], "events")


# ---------------------------------------------------------------------------- cards

@test("card_paid_at_once_then_received_on_credit_date")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "CREDIT_CARD", "value": 100, "dueDate": "2026-07-15",
           "description": "probe 4444", "creditCard": CARD_REQ, "creditCardHolderInfo": HOLDER_REQ,
           "remoteIp": "127.0.0.1"}
    confirmed = capture_card_probe("4444", "VISA", "probe 4444")
    p = assert_body(a.post("/v3/payments", req), confirmed, "create (capture card-probe 4444)")
    pid = p["id"]
    assert_body(a.get(f"/v3/payments/{pid}"), confirmed, "GET")
    a.ledger_ok(0, 0)
    a.advance(33, jobs(33), today="2026-08-16")
    assert_body(a.get(f"/v3/payments/{pid}/status"), {"status": "CONFIRMED"}, "the day before")
    a.advance(1, jobs(1, settled=1), today="2026-08-17")
    received = with_(confirmed, status="RECEIVED", paymentDate="2026-08-17")
    assert_body(a.get(f"/v3/payments/{pid}"), received, "RECEIVED on creditDate 2026-08-17")
    a.ledger_ok(96.52, 2)
    assert_body(a.get("/v3/financialTransactions"), lst([
        ftr(100, 100, "PAYMENT_RECEIVED", "2026-08-17",
            "Cobrança recebida - fatura nr. <invoiceNumber>"),
        ftr(-3.48, 96.52, "PAYMENT_FEE", "2026-08-17",
            "Taxa de cartão de crédito - fatura nr. <invoiceNumber>")]), "financialTransactions")
    eq(a.event_names(pid), [("PAYMENT_CREATED", f"{CLOCK} 12:00:00"),
                            ("PAYMENT_CONFIRMED", f"{CLOCK} 12:00:00"),
                            ("PAYMENT_RECEIVED", "2026-08-17 00:00:00")], "events")


@test("card_probe_numbers_as_captured")
def _(ctx):
    # probes/card-probe.json: only the two documented numbers decline; Stripe-style decline
    # numbers and Luhn-invalid 4444... approve; brand from the prefix.
    a = ctx.account()
    cid = a.customer()
    approved = 0
    for number, brand in (("5162306219378829", "MASTERCARD"), ("4000000000000002", "VISA"),
                          ("4000000000009995", "VISA"), ("4000000000000069", "VISA"),
                          ("4000000000000127", "VISA"), ("4000000000000119", "VISA"),
                          ("4111111111111111", "VISA")):
        desc = f"probe {number[-4:]}"
        req = {"customer": cid, "billingType": "CREDIT_CARD", "value": 100, "dueDate": "2026-07-15",
               "description": desc, "creditCard": card(number), "creditCardHolderInfo": HOLDER_REQ,
               "remoteIp": "127.0.0.1"}
        assert_body(a.post("/v3/payments", req), capture_card_probe(number[-4:], brand, desc),
                    f"card {number} (capture card-probe)")
        approved += 1
    eq(a.get("/v3/payments?limit=100").json()["totalCount"], approved, "charges created")


@test("card_declined_400_as_captured")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    for number in ("5184019740373151", "4916561358240741"):
        req = {"customer": cid, "billingType": "CREDIT_CARD", "value": 100,
               "dueDate": "2026-07-15", "creditCard": card(number),
               "creditCardHolderInfo": HOLDER_REQ, "remoteIp": "127.0.0.1"}
        assert_body(a.post("/v3/payments", req), err("invalid_action", TXT_CARD_DECLINED),
                    f"decline card {number} (capture card-probe)", status=400)
        # tokenization-probe.json: tokenize declines with the same answer
        assert_body(a.post("/v3/creditCard/tokenizeCreditCard",
                           {"customer": cid, "creditCard": card(number),
                            "creditCardHolderInfo": HOLDER_REQ, "remoteIp": "127.0.0.1"}),
                    err("invalid_action", TXT_CARD_DECLINED), f"tokenize {number}", status=400)
    assert_body(a.get("/v3/payments"), lst([]), "no charge left behind by a decline")
    eq(a.event_names(), [], "no events for declined charges")
    a.ledger_ok(0, 0)


@test("card_token_as_captured")
def _(ctx):
    # probes/tokenization-probe.json, made by tools/probe-tokenization.ts: tokenize, then
    # POST /payments/{id}/payWithCreditCard on PENDING card charges (dueDate today + 1).
    a = ctx.account()
    cus_a = a.customer()
    cus_b = a.customer(cpfCnpj="52998224725", name="Outro Cliente")
    ip = "116.213.42.98"
    card_8829 = dict(CARD_REQ, number="5162306219378829", expiryMonth="05", expiryYear="2035",
                     ccv="318")

    def pending(cid):
        return a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "CREDIT_CARD",
                                             "value": 100, "dueDate": "2026-07-15"})["id"]

    tok = assert_body(a.post("/v3/creditCard/tokenizeCreditCard",
                             {"customer": cus_a, "creditCard": card_8829,
                              "creditCardHolderInfo": HOLDER_REQ, "remoteIp": ip}),
                      {"creditCardNumber": "8829", "creditCardBrand": "MASTERCARD",
                       "creditCardToken": "<token>"}, "1. tokenize")["creditCardToken"]
    check(UUID.match(tok), f"token {tok!r} is not a UUID")
    paid = capture_card_probe("8829", "MASTERCARD", None)
    p = assert_body(a.post(f"/v3/payments/{pending(cus_a)}/payWithCreditCard",
                           {"creditCardToken": tok, "remoteIp": ip}),
                    paid, "2. payWithCreditCard with the token only -> CONFIRMED")
    eq(p["creditCard"]["creditCardToken"], tok, "2. token echoed")
    r = a.post(f"/v3/payments/{pending(cus_a)}/payWithCreditCard",
               {"creditCardToken": tok, "creditCard": {"ccv": "318"}, "remoteIp": ip})
    eq(r.status, 400, f"3. token + ccv together (captured 400; body {r.body[:300]!r})")
    assert_body(a.post(f"/v3/payments/{pending(cus_b)}/payWithCreditCard",
                       {"creditCardToken": tok, "remoteIp": ip}),
                err("invalid_creditCard", f"CreditCardToken {tok} não encontrado."),
                "4. token of another customer", status=400)
    cus_c = a.customer(cpfCnpj="11144477735", name="Token C")
    born = a.ok("POST", "/v3/payments", {"customer": cus_c, "billingType": "CREDIT_CARD",
                                         "value": 100, "dueDate": "2026-07-15",
                                         "creditCard": card_8829,
                                         "creditCardHolderInfo": HOLDER_REQ,
                                         "remoteIp": ip})["creditCard"]["creditCardToken"]
    assert_body(a.post(f"/v3/payments/{pending(cus_c)}/payWithCreditCard",
                       {"creditCardToken": born, "remoteIp": ip}),
                paid, "5. the token of a card payment charges again")
    assert_body(a.post(f"/v3/payments/{pending(cus_a)}/payWithCreditCard",
                       {"creditCardToken": "nao-existe-este-token", "remoteIp": ip}),
                err("invalid_creditCard", "CreditCardToken nao-existe-este-token não encontrado."),
                "6. unknown token", status=400)
    assert_body(a.post("/v3/creditCard/tokenizeCreditCard",
                       {"customer": cus_a, "creditCard": dict(card_8829, number="5184019740373151"),
                        "creditCardHolderInfo": HOLDER_REQ, "remoteIp": ip}),
                err("invalid_action", TXT_CARD_DECLINED), "7. tokenize the declining card",
                status=400)


@test("card_charge_without_card_data_pending_as_captured")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "CREDIT_CARD", "value": 100, "dueDate": "2026-07-19"}
    p = assert_body(a.post("/v3/payments", req), CAPTURE_CARD_NO_DATA,
                    "create (capture cartao-a-vista)")
    assert_body(a.get(f"/v3/payments/{p['id']}"), CAPTURE_CARD_NO_DATA, "GET (capture)")
    assert_body(a.get(f"/v3/payments/{p['id']}/identificationField"),
                err("invalid_action", TXT_ID_FIELD_NOT_BOLETO), "identificationField", status=400)


@test("authorize_only_then_capture")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "CREDIT_CARD", "value": 100, "dueDate": "2026-07-15",
           "authorizeOnly": True, "creditCard": CARD_REQ, "creditCardHolderInfo": HOLDER_REQ,
           "remoteIp": "127.0.0.1"}
    authorized = payment("CREDIT_CARD", 100, 96.52, "2026-07-15", creditCard=dict(CARD_4444),
                         status="AUTHORIZED")
    pid = assert_body(a.post("/v3/payments", req), authorized, "authorizeOnly -> AUTHORIZED")["id"]
    assert_body(a.post(f"/v3/payments/{pid}/captureAuthorizedPayment", b"", FORM_EMPTY),
                capture_card_probe("4444", "VISA", None), "capture -> CONFIRMED, D+32")
    eq([n for n, _ in a.event_names(pid)],
       ["PAYMENT_CREATED", "PAYMENT_AUTHORIZED", "PAYMENT_CONFIRMED"], "events")


@test("receive_in_cash_and_undo")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pending = payment("BOLETO", 100, 98.01, "2026-07-19")
    pid = assert_body(a.post("/v3/payments", {"customer": cid, "billingType": "BOLETO",
                                              "value": 100, "dueDate": "2026-07-19"}),
                      pending, "create")["id"]
    assert_body(a.post(f"/v3/payments/{pid}/receiveInCash", {"paymentDate": CLOCK, "value": 100}),
                with_(pending, netValue=100, status="RECEIVED_IN_CASH", paymentDate=CLOCK,
                      clientPaymentDate=CLOCK), "receiveInCash")
    a.ledger_ok(0, 0)  # money received outside Asaas never enters the balance
    assert_body(a.post(f"/v3/payments/{pid}/undoReceivedInCash", b"", FORM_EMPTY), pending,
                "undoReceivedInCash")
    eq([n for n, _ in a.event_names(pid)],
       ["PAYMENT_CREATED", "PAYMENT_RECEIVED", "PAYMENT_RECEIVED_IN_CASH_UNDONE"], "events")


# ---------------------------------------------------------------------------- installments

@test("boleto_350_in_12x_remainder_on_last")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "BOLETO", "installmentCount": 12, "totalValue": 350,
           "dueDate": "2026-07-24"}
    first = assert_body(a.post("/v3/payments", req), capture_12x_payment(1),
                        "POST /v3/payments with installmentCount answers the first installment")
    iid = first["installment"]
    check(UUID.match(iid), f"installment id {iid!r} is not a UUID")
    inst = assert_body(a.get(f"/v3/installments/{iid}"), CAPTURE_INSTALLMENT_12X,
                       "GET /v3/installments/{id} (capture parcelamento-350-em-12x)")
    eq(inst["id"], iid, "installment id")
    expected = lst([capture_12x_payment(n) for n in range(12, 0, -1)], limit=100)
    listing = assert_body(a.get(f"/v3/payments?installment={iid}&limit=100"), expected,
                          "GET /v3/payments?installment= (capture, newest first)")
    data = list(reversed(listing["data"]))
    eq(data[0]["id"], first["id"], "the answer was installment 1")
    eq({d["installment"] for d in data}, {iid}, "every payment's installment")
    # sequential numbers, as captured (15924717..28, 12745150..61)
    inv = [int(d["invoiceNumber"]) for d in data]
    eq(inv, list(range(inv[0], inv[0] + 12)), "invoiceNumber sequence")
    nn = [int(d["nossoNumero"]) for d in data]
    eq(nn, list(range(nn[0], nn[0] + 12)), "nossoNumero sequence")
    eq(sum(Decimal(str(d["value"])) for d in data), Decimal(350), "sum of installments")
    sub = assert_body(a.get(f"/v3/installments/{iid}/payments?limit=100"), expected,
                      "GET /v3/installments/{id}/payments")
    eq([d["id"] for d in sub["data"]], [d["id"] for d in listing["data"]], "same payments")


@test("card_300_in_3x_each_nets_96_35")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "CREDIT_CARD", "installmentCount": 3,
           "totalValue": 300, "dueDate": "2026-07-24", "creditCard": CARD_REQ,
           "creditCardHolderInfo": HOLDER_REQ, "remoteIp": "127.0.0.1"}
    inst = assert_body(a.post("/v3/installments", req), CAPTURE_INSTALLMENT_CARD_3X,
                       "POST /v3/installments (capture parcelamento-no-cartao)")
    iid = inst["id"]
    assert_body(a.get(f"/v3/installments/{iid}"), CAPTURE_INSTALLMENT_CARD_3X, "GET installment")
    listing = assert_body(a.get(f"/v3/payments?installment={iid}&limit=100"),
                          lst([capture_3x_payment(n) for n in (3, 2, 1)], limit=100),
                          "the 3 installments (capture)")
    eq({d["creditCard"]["creditCardToken"] for d in listing["data"]},
       {inst["creditCard"]["creditCardToken"]}, "one card token for all installments")
    eq({d["transactionReceiptUrl"] for d in listing["data"]}, {inst["transactionReceiptUrl"]},
       "one receipt for the whole purchase")
    eq({d["installment"] for d in listing["data"]}, {iid}, "installment ids")
    a.advance(34, jobs(34, settled=1), today="2026-08-17")
    p1 = listing["data"][2]
    assert_body(a.get(f"/v3/payments/{p1['id']}"),
                with_(capture_3x_payment(1), status="RECEIVED", paymentDate="2026-08-17"),
                "installment 1 RECEIVED on its creditDate")
    assert_body(a.get(f"/v3/payments/{listing['data'][1]['id']}/status"),
                {"status": "CONFIRMED"}, "installment 2 still CONFIRMED")
    a.ledger_ok(96.35, 2)


# ---------------------------------------------------------------------------- subscriptions

@test("subscription_monthly_over_three_months")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    req = {"customer": cid, "billingType": "BOLETO", "value": 100, "nextDueDate": "2026-09-12",
           "cycle": "MONTHLY"}
    s = assert_body(a.post("/v3/subscriptions", req), CAPTURE_SUBSCRIPTION,
                    "create (capture assinatura-mensal: nextDueDate already one cycle later)")
    sid = s["id"]
    check(SUB.match(sid), f"subscription id {sid!r}")
    first = CAPTURE_SUBSCRIPTION_PAYMENT
    pays = assert_body(a.get(f"/v3/subscriptions/{sid}/payments"), lst([first]),
                       "its payments right after create (capture: the first charge exists)")
    p1 = pays["data"][0]["id"]
    eq(pays["data"][0]["subscription"], sid, "payment's subscription")

    def charge(due, created):
        # later charges: generated 40 days before their due date by the daily job
        return with_(payment("BOLETO", 100, 98.01, due, subscription="<sub>"), dateCreated=created)

    def state(today, next_due, data, what):
        assert_body(a.get(f"/v3/subscriptions/{sid}"), with_(CAPTURE_SUBSCRIPTION, nextDueDate=next_due),
                    f"{what}: subscription")
        return assert_body(a.get(f"/v3/subscriptions/{sid}/payments"), lst(data),
                           f"{what}: its payments")

    # month 1: 2026-08-13. The 2026-10-12 charge is not due for generation before 09-02.
    a.advance(30, jobs(30), today="2026-08-13")
    state("2026-08-13", "2026-10-12", [first], "month 1")
    conf = with_(first, status="CONFIRMED", clientPaymentDate="2026-08-13",
                 creditDate="2026-08-14", estimatedCreditDate="2026-08-14",
                 transactionReceiptUrl=RECEIPT)
    assert_body(a.post(f"/v3/sandbox/payment/{p1}/confirm", b"", FORM_EMPTY), conf,
                "pay the first charge early (empty form body)")
    # month 2: 2026-09-12. First charge settled 08-14; the 10-12 one generated on 09-02.
    a.advance(30, jobs(30, settled=1, subs=1), today="2026-09-12")
    paid = with_(conf, status="RECEIVED", paymentDate="2026-08-14")
    c2 = charge("2026-10-12", "2026-09-02")
    state("2026-09-12", "2026-11-12", [c2, paid], "month 2")
    # month 3: 2026-10-12. The 11-12 charge generated on 10-03; 10-12 due today.
    a.advance(30, jobs(30, subs=1), today="2026-10-12")
    c3 = charge("2026-11-12", "2026-10-03")
    data = state("2026-10-12", "2026-12-12", [c3, c2, paid], "month 3")["data"]
    a.advance(1, jobs(1, overdue=1), today="2026-10-13")
    state("2026-10-13", "2026-12-12", [c3, with_(c2, status="OVERDUE"), paid], "day after")
    a.ledger_ok(98.01, 2)
    p2, p3 = data[1]["id"], data[0]["id"]
    names = [(e["event"], e["resourceId"], e["dateCreated"]) for e in a.events().json()["data"]]
    eq(names, [("SUBSCRIPTION_CREATED", sid, f"{CLOCK} 12:00:00"),
               ("PAYMENT_CREATED", p1, f"{CLOCK} 12:00:00"),
               ("PAYMENT_CONFIRMED", p1, "2026-08-13 12:00:00"),
               ("PAYMENT_RECEIVED", p1, "2026-08-14 00:00:00"),
               ("PAYMENT_CREATED", p2, "2026-09-02 00:00:00"),
               ("PAYMENT_CREATED", p3, "2026-10-03 00:00:00"),
               ("PAYMENT_OVERDUE", p2, "2026-10-13 00:00:00")], "events")
    ev = a.events().json()["data"][0]
    eq(list(ev.keys()), ["object", "id", "seq", "event", "dateCreated", "resourceType",
                         "resourceId", "subscription"], "subscription event keys")


# ---------------------------------------------------------------------------- refunds

@test("refund_partial_then_full_with_refunds_list")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    p = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX", "value": 100,
                                      "dueDate": "2026-07-19", "description": "Paridade Pix"})
    pid = p["id"]
    received = with_(CAPTURE_PIX, status="RECEIVED", paymentDate=CLOCK, clientPaymentDate=CLOCK,
                     creditDate=CLOCK, estimatedCreditDate=CLOCK, transactionReceiptUrl=RECEIPT)
    assert_body(a.post(f"/v3/sandbox/payment/{pid}/confirm"), received, "confirm")
    r1 = refund(40, "parcial")
    assert_body(a.post(f"/v3/payments/{pid}/refund", {"value": 40, "description": "parcial"}),
                with_(received, refunds=[r1]), "partial refund: status unchanged")
    assert_body(a.get(f"/v3/payments/{pid}/refunds"), lst([r1]), "refunds list after partial")
    assert_body(a.post(f"/v3/payments/{pid}/refund", {"value": 70}),
                err("invalid_value", TXT_REFUND_VALUE), "refund above what is left", status=400)
    a.ledger_ok(58.01, 3)
    r2 = refund(60, None)
    refunded = with_(received, status="REFUNDED", refunds=[r1, r2])
    assert_body(a.post(f"/v3/payments/{pid}/refund", b"", FORM_EMPTY), refunded,
                "refund without value (empty form body) refunds the rest")
    assert_body(a.get(f"/v3/payments/{pid}/refunds"), lst([r1, r2]), "refunds list after full")
    assert_body(a.get(f"/v3/payments/{pid}"), refunded, "GET after full refund")
    assert_body(a.post(f"/v3/payments/{pid}/refund"), err("invalid_action", TXT_CANNOT_REFUND),
                "refund of a refunded charge", status=400)
    a.ledger_ok(-1.99, 4)
    assert_body(a.get("/v3/financialTransactions?limit=100"), lst([
        ftr(100, 100, "PAYMENT_RECEIVED", CLOCK, "Cobrança recebida - fatura nr. <invoiceNumber>"),
        ftr(-1.99, 98.01, "PAYMENT_FEE", CLOCK, "Taxa de Pix - fatura nr. <invoiceNumber>"),
        ftr(-40, 58.01, "PAYMENT_REFUND", CLOCK, "Estorno de cobrança - fatura nr. <invoiceNumber>"),
        ftr(-60, -1.99, "PAYMENT_REFUND", CLOCK, "Estorno de cobrança - fatura nr. <invoiceNumber>")],
        limit=100), "financialTransactions")
    eq([n for n, _ in a.event_names(pid)],
       ["PAYMENT_CREATED", "PAYMENT_RECEIVED", "PAYMENT_PARTIALLY_REFUNDED", "PAYMENT_REFUNDED"],
       "events")


# ---------------------------------------------------------------------------- delete/restore

@test("delete_and_restore")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pending = payment("BOLETO", 50, 48.01, "2026-07-19")
    pid = assert_body(a.post("/v3/payments", {"customer": cid, "billingType": "BOLETO",
                                              "value": 50, "dueDate": "2026-07-19"}),
                      pending, "create")["id"]
    d = assert_body(a.call("DELETE", f"/v3/payments/{pid}"), {"deleted": True, "id": "<pay>"},
                    "DELETE")
    eq(d["id"], pid, "deleted id")
    deleted = with_(pending, deleted=True)
    assert_body(a.get(f"/v3/payments/{pid}"), deleted, "GET of a deleted charge")
    assert_body(a.get("/v3/payments"), lst([]), "list without the deleted charge")
    assert_body(a.post(f"/v3/payments/{pid}/restore", b"", FORM_EMPTY), pending,
                "restore (empty form-urlencoded body)")
    listing = assert_body(a.get("/v3/payments"), lst([pending]), "list after restore")
    eq(listing["data"][0]["id"], pid, "restored id")
    assert_body(a.post(f"/v3/payments/{pid}/restore"), err("invalid_action", TXT_PAY_NOT_DELETED),
                "restore of a charge not deleted", status=400)
    data = a.events().json()["data"]
    eq([(e["event"], e["payment"]["deleted"]) for e in data],
       [("PAYMENT_CREATED", False), ("PAYMENT_DELETED", True), ("PAYMENT_RESTORED", False)],
       "events and their snapshots")


# ---------------------------------------------------------------------------- clock

@test("clock_of_one_account_leaves_the_other_untouched")
def _(ctx):
    a, b = ctx.account(), ctx.account()
    check(a.id != b.id, "two keys got the same account")
    ids = {}
    for acc in (a, b):
        cid = acc.customer()
        ids[acc.id] = acc.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX",
                                                      "value": 10, "dueDate": "2026-07-15"})["id"]
        ids[acc.id + "c"] = cid
    ca, cb = a.ctl("GET", "/clock"), b.ctl("GET", "/clock")
    for c in (ca, cb):
        eq(list(c.keys()), ["mode", "now", "today", "offsetDays"], "clock keys")
        eq((c["mode"], c["now"], c["today"]), ("frozen", f"{CLOCK} 12:00:00", CLOCK), "start clock")
    a.advance(10, jobs(10, overdue=1), today="2026-07-24")
    ca2, cb2 = a.ctl("GET", "/clock"), b.ctl("GET", "/clock")
    eq(cb2, cb, "B's clock after A advanced")
    eq((ca2["today"], ca2["offsetDays"] - ca["offsetDays"]), ("2026-07-24", 10), "A's clock")
    listed = {x["id"]: x["today"] for x in
              a.server.control("GET", "/__mock/accounts").json()["data"]}
    eq((listed[a.id], listed[b.id]), ("2026-07-24", CLOCK), "today in /__mock/accounts")
    assert_body(a.get(f"/v3/payments/{ids[a.id]}/status"), {"status": "OVERDUE"}, "A's charge")
    assert_body(b.get(f"/v3/payments/{ids[b.id]}/status"), {"status": "PENDING"}, "B's charge")
    req = {"billingType": "PIX", "value": 10, "dueDate": "2026-07-20"}
    assert_body(a.post("/v3/payments", dict(req, customer=ids[a.id + "c"])),
                err("invalid_dueDate", TXT_DUE_DATE_PAST), "A: 07-20 is in the past", status=400)
    assert_body(b.post("/v3/payments", dict(req, customer=ids[b.id + "c"])),
                payment("PIX", 10, 8.01, "2026-07-20"), "B: 07-20 is in the future")
    eq([n for n, _ in b.event_names()], ["PAYMENT_CREATED", "PAYMENT_CREATED"], "B's events")
    eq([n for n, _ in a.event_names()], ["PAYMENT_CREATED", "PAYMENT_OVERDUE"], "A's events")


# ---------------------------------------------------------------------------- list filters

@test("list_filters_ranges_order_and_limit")
def _(ctx):
    a = ctx.account()
    c1 = a.customer()
    c2 = a.customer(cpfCnpj="52998224725", name="Outro Cliente")

    def create(cid, bt, value, due):
        return a.ok("POST", "/v3/payments", {"customer": cid, "billingType": bt, "value": value,
                                             "dueDate": due})["id"]

    p1 = create(c1, "PIX", 10, "2026-07-20")
    p2 = create(c1, "BOLETO", 20, "2026-07-25")
    p3 = create(c2, "PIX", 30, "2026-08-30")
    a.advance(2, jobs(2), today="2026-07-16")
    p4 = create(c1, "PIX", 40, "2026-07-18")
    p5 = create(c1, "PIX", 50, "2026-07-30")
    a.ok("POST", f"/v3/sandbox/payment/{p5}/confirm")
    p6 = create(c2, "CREDIT_CARD", 60, "2026-07-31")

    def ids(query, expected, total=None, limit=10, offset=0, has_more=False):
        r = a.get("/v3/payments" + ("?" + query if query else ""))
        eq(r.status, 200, f"?{query} status (body {r.body[:300]!r})")
        body = loads(r.body)
        eq([k for k, _ in body], ["object", "hasMore", "totalCount", "limit", "offset", "data"],
           f"?{query} envelope keys")
        got = plain(body)
        eq(([d["id"] for d in got["data"]], got["totalCount"], got["hasMore"], got["limit"],
            got["offset"]),
           (expected, len(expected) if total is None else total, has_more, limit, offset),
           f"?{query} (ids, totalCount, hasMore, limit, offset)")

    every = [p6, p5, p4, p3, p2, p1]  # newest first
    ids("", every)
    ids("status=PENDING", [p6, p4, p3, p2, p1])
    ids("status=RECEIVED", [p5])
    ids("billingType=PIX", [p5, p4, p3, p1])
    ids("status=PENDING&billingType=PIX", [p4, p3, p1])
    ids(f"customer={c1}", [p5, p4, p2, p1])
    ids("dateCreated[ge]=2026-07-16", [p6, p5, p4])
    ids("dateCreated[le]=2026-07-14", [p3, p2, p1])
    ids("dateCreated%5Bge%5D=2026-07-15&dateCreated%5Ble%5D=2026-07-16", [p6, p5, p4])
    ids("dueDate[le]=2026-07-25", [p4, p2, p1])
    ids("dueDate[ge]=2026-07-30", [p6, p5, p3])
    ids("paymentDate[ge]=2026-07-16", [p5])
    ids(f"status=PENDING&billingType=PIX&customer={c1}&dateCreated[ge]=2026-07-14"
        "&dueDate[le]=2026-07-20", [p4, p1])
    ids("limit=2&offset=1", [p5, p4], total=6, limit=2, offset=1, has_more=True)
    ids("limit=2&offset=4", [p2, p1], total=6, limit=2, offset=4)
    ids("limit=100", every, limit=100)
    for q in ("limit=101", "limit=0"):
        assert_body(a.get("/v3/payments?" + q), err("invalid_limit", TXT_LIMIT), q, status=400)


# ---------------------------------------------------------------------------- coverage

@test("unimplemented_operations_501_and_coverage_consistent")
def _(ctx):
    a = ctx.account()
    cov = a.server.control("GET", "/__mock/coverage").json()
    # A missing operation answers 501 (any one: the breadth issues shrink the list to none).
    missing = [o for o in cov["operations"] if not o["implemented"] and o["method"] == "GET"
               and "{" not in o["path"]]
    if missing:
        assert_body(a.get(missing[0]["path"]), err("not_implemented", TXT_NOT_IMPLEMENTED),
                    f"GET {missing[0]['path']}", status=501)
    eq(list(cov.keys()), ["implemented", "missing", "total", "specOperations", "legacyOperations",
                          "operations"], "coverage keys")
    ops = cov["operations"]
    eq(len(ops), cov["total"], "operations listed vs total")
    eq(cov["implemented"] + cov["missing"], cov["total"], "implemented + missing")
    eq(sum(1 for o in ops if o["implemented"]), cov["implemented"], "implemented count")
    eq(sum(1 for o in ops if o.get("legacy")), cov["legacyOperations"], "legacy count")
    eq(cov["specOperations"] + cov["legacyOperations"], cov["total"], "spec + legacy")
    eq(cov["specOperations"], 213, "spec operations (reference section 5: 213)")
    by_route = {(o["method"], o["path"]): o for o in ops}
    if missing:
        eq(by_route[("GET", missing[0]["path"])]["implemented"], False, "listed as missing")
    for route in (("POST", "/v3/payments"), ("GET", "/v3/payments"),
                  ("POST", "/v3/sandbox/payment/{id}/confirm"), ("GET", "/v3/installments/{id}"),
                  ("POST", "/v3/subscriptions"), ("GET", "/v3/finance/balance")):
        check(route in by_route and by_route[route]["implemented"], f"{route} not implemented")
    # Every listed operation answers as listed: 501 exactly when missing.
    conn, wrong = a.server.connect(), []
    for (method, path), o in by_route.items():
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        hdrs = [("access_token", a.key), ("User-Agent", "e2e")]
        body = None
        if method in ("POST", "PUT"):
            body = b"{}"
            hdrs.append(("Content-Type", "application/json"))
        r = send(conn, method, concrete, hdrs, body)
        if r.will_close:
            conn.close()
            conn = a.server.connect()
        if o["implemented"]:
            ok = r.status != 501
        else:
            ok = r.status == 501 and r.json() == err("not_implemented", TXT_NOT_IMPLEMENTED)
        if not ok:
            wrong.append(f"{method} {concrete} (implemented={o['implemented']}) -> {r.status}")
    conn.close()
    eq(wrong, [], "operations answering differently from /__mock/coverage")


# ---------------------------------------------------------------------------- compatibility

@test("action_post_with_empty_form_body_accepted")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pid = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "PIX", "value": 100,
                                        "dueDate": "2026-07-19", "description": "Paridade Pix"})["id"]
    received = with_(CAPTURE_PIX, status="RECEIVED", paymentDate=CLOCK, clientPaymentDate=CLOCK,
                     creditDate=CLOCK, estimatedCreditDate=CLOCK, transactionReceiptUrl=RECEIPT)
    assert_body(a.post(f"/v3/sandbox/payment/{pid}/confirm", b"", FORM_EMPTY), received,
                "sandbox confirm, Content-Type form-urlencoded, Content-Length 0")
    q = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 50,
                                      "dueDate": "2026-07-19"})["id"]
    a.ok("DELETE", f"/v3/payments/{q}")
    assert_body(a.post(f"/v3/payments/{q}/restore", b"",
                       [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")]),
                payment("BOLETO", 50, 48.01, "2026-07-19"), "restore with charset parameter")
    assert_body(a.post(f"/v3/sandbox/payment/{q}/overdue", b"", FORM_EMPTY),
                payment("BOLETO", 50, 48.01, "2026-07-19", status="OVERDUE"),
                "sandbox overdue with empty form body")


@test("legacy_post_update_of_a_payment")
def _(ctx):
    a = ctx.account()
    cid = a.customer()
    pid = a.ok("POST", "/v3/payments", {"customer": cid, "billingType": "BOLETO", "value": 50,
                                        "dueDate": "2026-07-19"})["id"]
    updated = payment("BOLETO", 60, 58.01, "2026-07-19", dueDate="2026-07-30")
    assert_body(a.post(f"/v3/payments/{pid}", {"dueDate": "2026-07-30", "value": 60}), updated,
                "POST /v3/payments/{id} (originalDueDate stays frozen)")
    assert_body(a.get(f"/v3/payments/{pid}"), updated, "GET after legacy update")
    upd2 = with_(updated, description="via PUT")
    assert_body(a.call("PUT", f"/v3/payments/{pid}", {"description": "via PUT"}), upd2, "PUT")
    assert_body(a.post(f"/v3/payments/{pid}", {"dueDate": "2026-07-13"}),
                err("invalid_dueDate", TXT_DUE_DATE_PAST), "update to a past due date", status=400)
    eq([n for n, _ in a.event_names(pid)], ["PAYMENT_CREATED", "PAYMENT_UPDATED", "PAYMENT_UPDATED"],
       "events")


@test("validation_errors_as_captured")
def _(ctx):
    a = ctx.account()
    # erros-de-validacao.json: an empty body answers one error only.
    assert_body(a.post("/v3/payments", {}), err("invalid_customer", TXT_PAY_CUSTOMER),
                "POST /v3/payments {}", status=400)
    cid = a.customer()
    base = {"customer": cid, "billingType": "PIX", "value": 10}
    assert_body(a.post("/v3/payments", dict(base, dueDate="2026-07-13")),
                err("invalid_dueDate", TXT_DUE_DATE_PAST), "dueDate yesterday", status=400)
    assert_body(a.post("/v3/payments", dict(base, dueDate=CLOCK)),
                payment("PIX", 10, 8.01, CLOCK), "dueDate today is allowed")
    a.ok("DELETE", f"/v3/customers/{cid}")
    assert_body(a.post("/v3/payments", dict(base, dueDate="2026-07-20")),
                err("invalid_customer", TXT_PAY_CUSTOMER), "deleted customer", status=400)


# ---------------------------------------------------------------------------- main

if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-billing-", __doc__.split("\n")[0])

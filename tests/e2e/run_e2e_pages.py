#!/usr/bin/env python3
"""run_e2e_pages.py - end-to-end tests of the hosted pages (invoice, boleto PDF, receipt)
and the dashboard, against the real asaas-mock binary; the browser tests drive Debian's
headless Chromium through chromedriver (browser.py, standard library only).

Usage: python3 tests/e2e/run_e2e_pages.py /path/to/asaas-mock [-k substring]

One shared server runs with --clock 2026-07-14 --auto-accounts: every test takes a fresh
key, so it gets its own account. Tools checked here: pdftotext (poppler-utils) reads the
boleto PDF's line, zbarimg (zbar-tools) decodes the invoice page's QR code and the PDF's
ITF barcode (after pdftoppm). All of them come with scripts/deps.sh test.
"""

import base64
import html as htmllib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, check, eq, make_key, wait_until  # noqa: E402
from harness import registry  # noqa: E402
import browser  # noqa: E402
import harness  # noqa: E402

CLOCK = "2026-07-14"
TESTS, test = registry()
PROBE = '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
CARD = {"holderName": "Ana Silva", "expiryMonth": "12", "expiryYear": "2030", "ccv": "123"}
DECLINE_TEXT = ("Transação não autorizada. Verifique os dados do cartão de crédito e tente "
                "novamente.")


class Receiver:
    """A local HTTP server recording every POST (webhook deliveries)."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with outer.lock:
                    outer.requests.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def events(self):
        with self.lock:
            return [r.get("event") for r in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Account:
    """One isolated account: a fresh key on the --auto-accounts server."""

    def __init__(self, server):
        self.server = server
        self.key = make_key()
        eq(self.call("GET", "/v3/customers?limit=1").status, 200, "first request")
        self.id = server.request("GET", "/__mock/whoami", key=self.key).json()["account"]

    def call(self, method, path, body=None, headers=()):
        data = json.dumps(body).encode() if body is not None else None
        return self.server.request(method, path, key=self.key, body=data, headers=headers)

    def ok(self, method, path, body=None, status=200):
        r = self.call(method, path, body)
        eq(r.status, status, f"{method} {path} status (body {r.body[:400]!r})")
        return r.json() if r.body else None

    def charge(self, billing_type="UNDEFINED", customer=None, **over):
        cus = customer or {"name": "Ana Silva", "cpfCnpj": "24971563792", "email": "ana@example.com"}
        cid = self.ok("POST", "/v3/customers", cus)["id"]
        body = {"customer": cid, "billingType": billing_type, "value": 123.45,
                "dueDate": "2026-07-20", **over}
        return self.ok("POST", "/v3/payments", body)

    def events(self):
        r = self.server.control("GET", f"/__mock/accounts/{self.id}/events?limit=1000")
        return [e["event"] for e in r.json()["data"]]


class Ctx(harness.Ctx):
    SHARED_CHECK = "server_exits_cleanly"

    def __init__(self, binary, root):
        super().__init__(binary, root)
        self.receivers = []

    def make_shared(self):
        return Server(self.binary, "pages", root=self.root, accounts=[],
                      args=["--clock", CLOCK, "--auto-accounts"])

    def account(self):
        return Account(self.shared)

    def receiver(self):
        r = Receiver()
        self.receivers.append(r)
        return r

    def browser(self, **kw):
        missing = browser.available()
        check(missing is None, f"browser tests need Chromium: {missing}")
        return browser.Browser(tempfile.mkdtemp(prefix="chromium-", dir=self.root), **kw)

    def after_test(self):
        for r in self.receivers:
            r.close()
        self.receivers = []


def base(server):
    return f"https://127.0.0.1:{server.port}"


def page(server, path, method="GET", form=None):
    """A page request as a browser sends it (no key, no User-Agent check)."""
    headers = [("Content-Type", "application/x-www-form-urlencoded")] if form else []
    return server.request(method, path, key=harness.ABSENT, body=form, headers=headers)


def tool(name):
    check(shutil.which(name) is not None, f"{name} missing (scripts/deps.sh test)")
    return name


def run_tool(args, data=None):
    r = subprocess.run(args, input=data, capture_output=True, timeout=60)
    return r.stdout.decode(errors="replace")


# ---------------------------------------------------------------------------- HTTP level

@test("urls_point_at_the_mock_under_the_clients_address")
def _(ctx):
    a = ctx.account()
    p = a.charge("BOLETO")
    sfx = p["id"][4:]
    eq(p["invoiceUrl"], f"{base(a.server)}/i/{sfx}", "invoiceUrl")
    eq(p["bankSlipUrl"], f"{base(a.server)}/b/pdf/{sfx}", "bankSlipUrl")
    info = a.ok("GET", f"/v3/payments/{p['id']}/billingInfo")
    eq(info["bankSlip"]["bankSlipUrl"], p["bankSlipUrl"], "billingInfo bankSlipUrl")
    # A client that named the server differently gets URLs under that name.
    conn = a.server.connect()
    conn.putrequest("GET", f"/v3/payments/{p['id']}", skip_host=True, skip_accept_encoding=True)
    for name, value in (("Host", "mock.internal:9000"), ("access_token", a.key),
                        ("User-Agent", "e2e")):
        conn.putheader(name, value)
    conn.endheaders()
    got = json.loads(conn.getresponse().read())
    conn.close()
    eq(got["invoiceUrl"], f"https://mock.internal:9000/i/{sfx}", "invoiceUrl by Host")


@test("public_url_option_overrides_the_host")
def _(ctx):
    s = ctx.own(Server(ctx.binary, "pages-public", root=ctx.root, accounts=[],
                       args=["--clock", CLOCK, "--auto-accounts",
                             "--public-url", "http://asaas-mock:8080/"]))
    p = Account(s).charge("PIX")
    eq(p["invoiceUrl"], f"http://asaas-mock:8080/i/{p['id'][4:]}", "invoiceUrl")
    bad = harness.run_binary(ctx.binary, ["--public-url", "javascript:alert(1)", "--version"])
    check(bad.returncode == 2, f"a bad --public-url exits 2 (got {bad.returncode})")


@test("invoice_page_headers_content_and_view_event")
def _(ctx):
    a = ctx.account()
    p = a.charge("UNDEFINED", fine={"value": 2, "type": "PERCENTAGE"}, interest={"value": 1},
                 discount={"value": 5, "dueDateLimitDays": 0, "type": "FIXED"},
                 description="Mensalidade julho")
    r = page(a.server, f"/i/{p['id'][4:]}")
    eq(r.status, 200, "invoice page status")
    eq(r.header("Content-Type"), "text/html; charset=utf-8", "content type")
    csp = r.header("Content-Security-Policy") or ""
    for part in ("default-src 'none'", "style-src 'self'", "img-src 'self' data:",
                 "form-action 'self'", "frame-ancestors 'none'"):
        check(part in csp, f"CSP has {part!r}: {csp!r}")
    eq(r.header("X-Content-Type-Options"), "nosniff", "nosniff")
    html = htmllib.unescape(r.text)
    for want in ("R$ 123,45", "20/07/2026", "Aguardando pagamento", "Ana Silva", "24971563792",
                 "2% após o vencimento", "1% ao mês", "R$ 5,00 para pagamento até o vencimento",
                 "Mensalidade julho", 'lang="pt-BR"', 'name="viewport"', "Pix copia e cola",
                 "Linha digitável", "Cartão de crédito"):
        check(want in html, f"invoice page shows {want!r}")
    check("<script" not in html, "the payer's page has no script")
    got = a.ok("GET", f"/v3/payments/{p['id']}")
    eq(got["lastInvoiceViewedDate"], f"{CLOCK} 12:00:00", "lastInvoiceViewedDate")
    eq(a.ok("GET", f"/v3/payments/{p['id']}/viewingInfo")["invoiceViewedDate"],
       f"{CLOCK} 12:00:00", "viewingInfo")
    check("PAYMENT_CHECKOUT_VIEWED" in a.events(), "PAYMENT_CHECKOUT_VIEWED emitted")
    eq(page(a.server, "/i/zzzzzzzzzzzzzzzz").status, 404, "unknown invoice")
    eq(page(a.server, "/assets/asaas-mock.css").status, 200, "stylesheet")


@test("payment_link_page_counts_a_view_and_its_form_makes_the_charge")
def _(ctx):
    a = ctx.account()
    link = a.ok("POST", "/v3/paymentLinks", {
        "name": "<script>alert(1)</script> Curso", "description": "Turma <b>noite</b>",
        "billingType": "UNDEFINED", "chargeType": "DETACHED", "value": 80})
    path = f"/c/{link['id']}"
    eq(link["url"], base(a.server) + path, "the link's url is the mock's own page")
    r = page(a.server, path)
    eq(r.status, 200, "link page status")
    check("default-src 'none'" in (r.header("Content-Security-Policy") or ""), "CSP")
    check("<script" not in r.text and "<b>noite" not in r.text, "user text escaped")
    html = htmllib.unescape(r.text)
    for want in ("<script>alert(1)</script> Curso", "Turma <b>noite</b>", "R$ 80,00",
                 'name="billingType"', 'name="cpfCnpj"'):
        check(want in html, f"link page shows {want!r}")
    eq(a.ok("GET", f"/v3/paymentLinks/{link['id']}")["viewCount"], 1, "the view is counted")
    eq(page(a.server, path, method="HEAD").status, 200, "HEAD answers")
    eq(a.ok("GET", f"/v3/paymentLinks/{link['id']}")["viewCount"], 1, "a HEAD is not a view")
    # A refused form comes back with the buyer's fields and the API's error.
    r = page(a.server, path, "POST", b"name=Bia&cpfCnpj=123&billingType=PIX")
    eq(r.status, 400, "refused form status")
    check('value="Bia"' in r.text and 'role="alert"' in r.text, "fields kept, error shown")
    # A good one makes the customer and the charge, then sends the buyer to its invoice.
    r = page(a.server, path, "POST",
             b"name=Bia+Souza&cpfCnpj=24971563792&email=bia%40example.com&billingType=PIX")
    eq(r.status, 303, "paid form redirects")
    loc = r.header("Location") or ""
    check(loc.startswith("../i/"), f"to the invoice page: {loc!r}")
    got = a.ok("GET", f"/v3/payments/pay_{loc[5:]}")
    eq((got["paymentLink"], got["billingType"], got["value"]), (link["id"], "PIX", 80),
       "the charge the link describes")
    eq(page(a.server, f"/i/{loc[5:]}").status, 200, "its invoice page")
    eq(page(a.server, "/c/000000000000").status, 404, "unknown link")


@test("invoice_qr_decodes_to_the_charges_br_code")
def _(ctx):
    zbar = tool("zbarimg")
    a = ctx.account()
    p = a.charge("PIX")
    html = page(a.server, f"/i/{p['id'][4:]}").text
    m = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    check(m is not None, "the page embeds the QR as a data: PNG")
    path = os.path.join(ctx.root, "qr.png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(m.group(1)))
    decoded = run_tool([zbar, "-q", "--raw", path]).strip()
    payload = a.ok("GET", f"/v3/payments/{p['id']}/pixQrCode")["payload"]
    eq(decoded, payload, "zbarimg reads the BR Code of the charge")
    check(payload in html, "the copy-paste code is the same payload")


@test("boleto_pdf_line_and_barcode_read_back")
def _(ctx):
    pdftotext = tool("pdftotext")
    a = ctx.account()
    p = a.charge("BOLETO")
    r = page(a.server, f"/b/pdf/{p['id'][4:]}")
    eq(r.status, 200, "PDF status")
    eq(r.header("Content-Type"), "application/pdf", "PDF content type")
    check(r.body.startswith(b"%PDF-"), "a PDF")
    text = run_tool([pdftotext, "-", "-"], r.body)
    ident = a.ok("GET", f"/v3/payments/{p['id']}/identificationField")
    line = ident["identificationField"]
    printed = (f"{line[0:5]}.{line[5:10]} {line[10:15]}.{line[15:21]} {line[21:26]}."
               f"{line[26:32]} {line[32]} {line[33:]}")
    check(printed in text, f"pdftotext reads the line {printed!r} in {text[:400]!r}")
    check("R$ 123,45" in text and "20/07/2026" in text, "value and due date printed")
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        pdf = os.path.join(ctx.root, "boleto.pdf")
        with open(pdf, "wb") as f:
            f.write(r.body)
        run_tool(["pdftoppm", "-r", "200", "-png", pdf, os.path.join(ctx.root, "boleto")])
        bars = run_tool(["zbarimg", "-q", os.path.join(ctx.root, "boleto-1.png")])
        eq(bars.strip(), "I2/5:" + ident["barCode"], "zbarimg reads the ITF barcode")
    got = a.ok("GET", f"/v3/payments/{p['id']}")
    eq(got["lastBankSlipViewedDate"], f"{CLOCK} 12:00:00", "lastBankSlipViewedDate")
    check("PAYMENT_BANK_SLIP_VIEWED" in a.events(), "PAYMENT_BANK_SLIP_VIEWED emitted")
    pix = a.charge("PIX")
    eq(page(a.server, f"/b/pdf/{pix['id'][4:]}").status, 404, "a Pix charge has no boleto")


@test("pay_forms_post_to_the_api_handlers_and_receipt")
def _(ctx):
    a = ctx.account()
    p = a.charge("CREDIT_CARD")
    path = f"/i/{p['id'][4:]}"
    form = "pay=card&holderName=Ana&number=4916+5613+5824+0741&expiryMonth=12&expiryYear=2030" \
           "&ccv=123&name=Ana&cpfCnpj=24971563792&email=a%40b.co&postalCode=89223005" \
           "&addressNumber=1&phone=4738010919"
    r = page(a.server, path, "POST", form)
    eq(r.status, 400, "declined card")
    check(DECLINE_TEXT in r.text, "the sandbox's decline text")
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["status"], "PENDING", "still pending")
    r = page(a.server, path, "POST", form.replace("4916+5613+5824+0741", "4444+4444+4444+4444"))
    eq(r.status, 200, "approved card")
    got = a.ok("GET", f"/v3/payments/{p['id']}")
    eq(got["status"], "CONFIRMED", "status after the card form")
    eq(got["creditCard"]["creditCardNumber"], "4444", "card last 4")
    receipt = got["transactionReceiptUrl"]
    check(receipt.startswith(base(a.server) + "/comprovantes/"), f"receipt URL {receipt}")
    r = page(a.server, receipt[len(base(a.server)):])
    eq(r.status, 200, "receipt page")
    check("Comprovante de pagamento" in r.text and "R$ 123,45" in r.text, "receipt content")


@test("page_actions_survive_a_restart_with_the_state_file")
def _(ctx):
    state = os.path.join(ctx.root, "pages-state.log")
    args = ["--clock", CLOCK, "--auto-accounts", "--state-file", state]
    s = ctx.own(Server(ctx.binary, "pages-state", root=ctx.root, accounts=[], args=args))
    a = Account(s)
    p = a.charge("PIX")
    eq(page(s, f"/i/{p['id'][4:]}", "POST", "pay=pix").status, 200, "paid on the page")
    s.kill9()
    s = ctx.own(Server(ctx.binary, "pages-state2", root=ctx.root, accounts=[], args=args))
    a.server = s
    got = a.ok("GET", f"/v3/payments/{p['id']}")
    eq(got["status"], "RECEIVED", "status after restart")
    eq(got["invoiceUrl"], f"{base(s)}/i/{p['id'][4:]}", "invoiceUrl under the new port")


@test("dashboard_control_routes_for_payments")
def _(ctx):
    a = ctx.account()
    p = a.charge("PIX")
    r = a.server.control("GET", f"/__mock/accounts/{a.id}/payments")
    eq([x["id"] for x in r.json()["data"]], [p["id"]], "payments listed")
    r = a.server.control("POST", f"/__mock/accounts/{a.id}/payments/{p['id']}/confirm")
    eq(r.json()["status"], "RECEIVED", "confirm through the control API")
    r = a.server.control("POST", f"/__mock/accounts/{a.id}/payments/{p['id']}/refund", body=b"{}")
    eq(r.json()["status"], "REFUNDED", "refund through the control API")
    a.server.control("POST", f"/__mock/accounts/{a.id}/payments/{p['id']}/nope", expect=404)
    r = page(a.server, "/__mock/ui")
    eq(r.status, 200, "dashboard shell")
    check("script-src 'self'" in (r.header("Content-Security-Policy") or ""), "dashboard CSP")


# ---------------------------------------------------------------------------- browser

def assert_local(b, server, what):
    origin = base(server) + "/"
    urls = b.resources()
    check(urls, f"{what}: the resource log is empty")
    outside = [u for u in urls if not (u.startswith(origin) or u.startswith("data:"))]
    check(not outside, f"{what}: requests left the mock: {outside}")


@test("browser_pix_payment_received_and_webhook_delivered")
def _(ctx):
    a = ctx.account()
    rec = ctx.receiver()
    a.ok("POST", "/v3/webhooks", {"name": "pages", "url": rec.url, "email": "dev@example.com",
                                  "sendType": "SEQUENTIALLY",
                                  "events": ["PAYMENT_RECEIVED", "PAYMENT_CHECKOUT_VIEWED"]})
    p = a.charge("PIX")
    with ctx.browser() as b:
        b.get(p["invoiceUrl"])
        eq(b.text("#status"), "Aguardando pagamento", "status on the page")
        check(b.js("return document.getElementById('pix-qr').naturalWidth > 0;"), "QR drawn")
        b.click("#pay-pix")
        b.wait_text("#notice", "Pagamento realizado com sucesso.")
        eq(b.text("#status"), "Recebida", "status after paying")
        check(b.exists("#receipt"), "a receipt link")
        assert_local(b, a.server, "invoice page")
        b.click("#receipt")
        b.wait_text("h1", "Comprovante de pagamento")
        assert_local(b, a.server, "receipt page")
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["status"], "RECEIVED", "API status")
    wait_until(lambda: "PAYMENT_RECEIVED" in rec.events(), 10, what="PAYMENT_RECEIVED delivered")
    check("PAYMENT_CHECKOUT_VIEWED" in rec.events(), "PAYMENT_CHECKOUT_VIEWED delivered")
    # The dashboard's webhook panel shows the delivery.
    with ctx.browser(width=1200, height=1000) as b:
        b.get(base(a.server) + "/__mock/ui")
        b.wait(lambda: b.exists(f"#account-{a.id}"), "the account in the list")
        b.click(f"#account-{a.id}")
        b.wait_text("#deliveries-body", "PAYMENT_RECEIVED")
        check("success 200" in b.text("#deliveries-body"), "delivery outcome shown")


@test("browser_declined_card_shows_the_real_message")
def _(ctx):
    a = ctx.account()
    p = a.charge("UNDEFINED")
    with ctx.browser() as b:
        b.get(p["invoiceUrl"])
        for name, value in CARD.items():
            b.type(f"#{name}", value)
        b.type("#number", "5184 0197 4037 3151")
        b.type("#postalCode", "89223005")
        b.type("#addressNumber", "100")
        b.type("#phone", "4738010919")
        b.click("#pay-card")
        b.wait_text("#notice", DECLINE_TEXT)
        eq(b.text("#status"), "Aguardando pagamento", "still open")
        eq(b.js("return document.getElementById('number').value;"), "", "card not filled back")
        eq(b.js("return document.getElementById('postalCode').value;"), "89223005", "CEP kept")
        # The same form, now with an approved test card.
        for name, value in CARD.items():
            b.type(f"#{name}", value)
        b.type("#number", "4444 4444 4444 4444")
        # The holder fields (CEP, number, phone) came back filled; the card did not.
        b.click("#pay-card")
        b.wait_text("#notice", "Pagamento realizado com sucesso.")
        assert_local(b, a.server, "card payment")
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["status"], "CONFIRMED", "API status")


@test("browser_dashboard_advances_a_clock_and_the_charge_goes_overdue")
def _(ctx):
    a = ctx.account()
    p = a.charge("BOLETO", dueDate=CLOCK)
    with ctx.browser(width=1200, height=1000) as b:
        b.get(base(a.server) + "/__mock/ui")
        b.wait(lambda: b.exists(f"#account-{a.id}"), "the account in the list")
        b.click(f"#account-{a.id}")
        b.wait_text(f"#status-{p['id']}", "PENDING")
        extra = make_key()
        b.type("#new-key", extra)
        b.click("#key-add")
        b.wait_text("#keys-body", harness.redact(extra))
        eq(b.js("return document.getElementById('new-key').value;"), "", "key field cleared")
        b.type("#advance-days", "2")
        b.click("#clock-advance")
        b.wait_text(f"#status-{p['id']}", "OVERDUE")
        check("2026-07-16" in b.text("#clock"), f"clock shown: {b.text('#clock')!r}")
        b.click(f"#confirm-{p['id']}")
        b.wait_text(f"#status-{p['id']}", "CONFIRMED")
        assert_local(b, a.server, "dashboard")
        html = b.js("return document.documentElement.outerHTML;")
        harness.assert_no_secret_in("dashboard DOM", html)
    eq(a.ok("GET", f"/v3/payments/{p['id']}")["status"], "CONFIRMED", "API status")


@test("browser_dashboard_needs_the_admin_token")
def _(ctx):
    token = "adm-" + os.urandom(12).hex()
    s = ctx.own(Server(ctx.binary, "pages-admin", root=ctx.root,
                       args=["--clock", CLOCK], env={"ASAAS_MOCK_ADMIN_TOKEN": token}))
    s.control("POST", "/__mock/accounts", body=json.dumps({"id": "painel", "name": "Painel"}).encode(),
              admin=token)
    with ctx.browser(width=1200, height=1000) as b:
        b.get(base(s) + "/__mock/ui")
        b.wait(lambda: "401" in b.text("#error") or "token" in b.text("#error").lower(),
               "the refusal shown")
        eq(b.text("#accounts-body"), "", "no data without the token")
        b.type("#token", token)
        b.click("#token-save")
        b.wait_text("#status", "atualizado")
        eq(b.js("return document.getElementById('error').hidden;"), True, "no error left")
        b.wait_text("#accounts-body", "painel")
        check(token not in b.js("return document.documentElement.outerHTML;"),
              "the token is not on the page")


@test("browser_xss_probe_in_every_user_field_renders_as_text")
def _(ctx):
    a = ctx.account()
    customer = {"name": "N" + PROBE, "cpfCnpj": "24971563792", "email": "x@example.com",
                "company": "C" + PROBE, "address": "A" + PROBE, "addressNumber": "1" + PROBE,
                "complement": "K" + PROBE, "province": "P" + PROBE, "observations": PROBE,
                "externalReference": PROBE}
    p = a.charge("UNDEFINED", customer=customer, description="D" + PROBE,
                 externalReference="E" + PROBE)
    a.server.control("POST", "/__mock/accounts",
                     body=json.dumps({"id": "xss-" + a.id[:8], "name": PROBE}).encode())
    a.call("GET", "/v3/" + PROBE.replace(" ", "%20"))  # lands in the journal
    with ctx.browser(width=1200, height=1000) as b:
        b.get(p["invoiceUrl"])
        text = b.js("return document.body.innerText;")
        for shown in ("N" + PROBE, "D" + PROBE, "E" + PROBE):
            check(shown in text, f"{shown[:12]!r}... shown as text")
        eq(b.js("return window.__xss === undefined;"), True, "no probe ran on the invoice page")
        eq(b.js("return document.querySelectorAll('img[src=x], main script').length;"), 0,
           "no probe element on the invoice page")
        check(b.js("return document.getElementById('name').value;") == "N" + PROBE,
              "the probe stays a value in the card form")
        b.get(base(a.server) + "/__mock/ui")
        b.wait_text("#accounts-body", "xss-")
        b.wait(lambda: PROBE[:10] in b.text("#journal-body"), "the journal row")
        check(PROBE in b.text("#accounts-body"), "account name shown as text")
        eq(b.js("return window.__xss === undefined;"), True, "no probe ran on the dashboard")
        eq(b.js("return document.querySelectorAll('img[src=x], main script').length;"), 0,
           "no probe element on the dashboard")
        assert_local(b, a.server, "dashboard with probes")


if __name__ == "__main__":
    harness.run_main(TESTS, Ctx, "asaas-e2e-pages-", __doc__.split("\n")[0])

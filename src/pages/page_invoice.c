/* page_invoice.c - the invoice, receipt and message pages (see page_invoice.h). */
#include "page_invoice.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "itf.h"
#include "page_common.h"
#include "strbuf.h"

static void text(struct am_strbuf *b, const char *s)
{
    am_strbuf_str(b, s);
}

static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *m = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

    return cJSON_IsNull(m) ? NULL : m;
}

/* The id without its "pay_" prefix: the capability in the page's URL. */
static const char *suffix_of(const char *id)
{
    return id && strncmp(id, "pay_", 4) == 0 ? id + 4 : (id ? id : "");
}

void am_page_format_line(const char *line, char out[60])
{
    if (!line || strlen(line) != 47) {
        snprintf(out, 60, "%s", line ? line : "");
        return;
    }
    snprintf(out, 60, "%.5s.%.5s %.5s.%.6s %.5s.%.6s %.1s %.14s", line, line + 5, line + 10,
             line + 15, line + 21, line + 26, line + 32, line + 33);
}

/* The ITF barcode of a 44-digit number as inline SVG (no request leaves the page). */
static void barcode_svg(struct am_strbuf *b, const char *digits)
{
    char modules[4 + 9 * 44 + 5 + 1], buf[64];
    int n = am_itf_modules(digits, modules, sizeof(modules));

    if (n < 0)
        return;
    snprintf(buf, sizeof(buf), "<svg class=\"barcode\" viewBox=\"0 0 %d 50\"", n + 20);
    text(b, buf);
    text(b, " preserveAspectRatio=\"none\" role=\"img\" aria-label=\"C&oacute;digo de barras\" "
            "xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"100%\" height=\"100%\" "
            "fill=\"#fff\"/><path fill=\"#000\" d=\"");
    for (int i = 0; i < n;) {
        int run = 0;

        if (modules[i] != '1') {
            i++;
            continue;
        }
        while (i + run < n && modules[i + run] == '1')
            run++;
        snprintf(buf, sizeof(buf), "M%d 0h%dv50h-%dz", 10 + i, run, run);
        text(b, buf);
        i += run;
    }
    text(b, "\"/></svg>");
}

/* 2 -> "2%", 2.5 -> "2,5%" (pt-BR decimal comma). */
static void percent(double v, char out[40])
{
    char *dot;
    size_t n;

    snprintf(out, 40, "%.2f", v);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
    if ((dot = strchr(out, '.')))
        *dot = ',';
    snprintf(out + n, 40 - n, "%%");
}

static void terms(struct am_strbuf *b, const cJSON *p)
{
    char pct[40];
    const cJSON *fine = member(p, "fine"), *interest = member(p, "interest");
    const cJSON *discount = member(p, "discount");
    char money[40], line[160];
    const cJSON *v;

    v = member(fine, "value");
    if (cJSON_IsNumber(v) && v->valuedouble > 0) {
        const char *type = am_page_str(fine, "type");
        if (type && strcmp(type, "PERCENTAGE") == 0)
            percent(v->valuedouble, money);
        else
            am_page_money_json(v, money);
        snprintf(line, sizeof(line), "%s ap\xc3\xb3s o vencimento", money);
        am_page_item(b, "Multa", line);
    }
    v = member(interest, "value");
    if (cJSON_IsNumber(v) && v->valuedouble > 0) {
        percent(v->valuedouble, pct);
        snprintf(line, sizeof(line), "%s ao m\xc3\xaas", pct);
        am_page_item(b, "Juros", line);
    }
    v = member(discount, "value");
    if (cJSON_IsNumber(v) && v->valuedouble > 0) {
        const char *type = am_page_str(discount, "type");
        const cJSON *days = member(discount, "dueDateLimitDays");
        char amount[40];
        int d = cJSON_IsNumber(days) ? days->valueint : 0;

        if (type && strcmp(type, "PERCENTAGE") == 0)
            percent(v->valuedouble, amount);
        else
            am_page_money_json(v, amount);
        if (d > 0)
            snprintf(line, sizeof(line), "%s para pagamento at\xc3\xa9 %d dia%s antes do "
                     "vencimento", amount, d, d == 1 ? "" : "s");
        else
            snprintf(line, sizeof(line), "%s para pagamento at\xc3\xa9 o vencimento", amount);
        am_page_item(b, "Desconto", line);
    }
}

static void summary(struct am_strbuf *b, const struct am_page_invoice *in)
{
    const cJSON *p = in->payment;
    const char *status = am_page_str(p, "status");
    char money[40], date[11], title[80];
    const cJSON *deleted = member(p, "deleted");

    snprintf(title, sizeof(title), "Fatura %s", am_page_str(p, "invoiceNumber") ?
             am_page_str(p, "invoiceNumber") : "");
    text(b, "<section><h1>");
    am_html_text(b, title);
    text(b, "</h1><p class=\"value\" id=\"value\">");
    am_page_money_json(member(p, "value"), money);
    am_html_text(b, money);
    text(b, "</p><p><span id=\"status\" class=\"status ");
    am_html_text(b, status);
    text(b, "\">");
    am_html_text(b, cJSON_IsTrue(deleted) ? "Cobran\xc3\xa7""a removida" : am_page_status_label(status));
    text(b, "</span></p><dl>");
    am_page_date(am_page_str(p, "dueDate"), date);
    am_page_item(b, "Vencimento", date);
    am_page_date(am_page_str(p, "paymentDate") ? am_page_str(p, "paymentDate")
                                               : am_page_str(p, "clientPaymentDate"), date);
    am_page_item(b, "Pago em", date);
    am_page_item(b, "Descri&ccedil;&atilde;o", am_page_str(p, "description"));
    if (in->customer) {
        am_page_item(b, "Pagador", am_page_str(in->customer, "name"));
        am_page_item(b, "CPF/CNPJ", am_page_str(in->customer, "cpfCnpj"));
        am_page_item(b, "E-mail", am_page_str(in->customer, "email"));
    }
    terms(b, p);
    am_page_item(b, "Refer&ecirc;ncia", am_page_str(p, "externalReference"));
    text(b, "</dl>");
    if (am_page_str(p, "transactionReceiptUrl")) {
        const char *url = am_page_str(p, "transactionReceiptUrl");
        const char *tail = strrchr(url, '/');
        text(b, "<p><a class=\"button\" id=\"receipt\" href=\"../comprovantes/");
        am_html_text(b, tail ? tail + 1 : url);
        text(b, "\">Ver comprovante</a></p>");
    }
    text(b, "</section>\n");
}

/* Forms post to the page's own URL (no action attribute): right from /i/<id> and from the
 * answer to a refused payment alike. */
static void pix_section(struct am_strbuf *b, const cJSON *pix)
{
    const char *image = am_page_str(pix, "encodedImage"), *payload = am_page_str(pix, "payload");

    text(b, "<section id=\"pix\"><h2>Pix</h2>");
    if (image) {
        text(b, "<img class=\"qr\" id=\"pix-qr\" alt=\"QR Code Pix\" "
                "src=\"data:image/png;base64,");
        am_html_text(b, image);
        text(b, "\">");
    }
    text(b, "<label for=\"pix-payload\">Pix copia e cola</label><textarea id=\"pix-payload\" "
            "rows=\"4\" readonly>");
    am_html_text(b, payload);
    text(b, "</textarea><form method=\"post\"><input type=\"hidden\" name=\"pay\" "
            "value=\"pix\"><button id=\"pay-pix\" type=\"submit\">Simular pagamento via Pix</button>"
            "</form><p class=\"hint\">Sandbox: o bot&atilde;o faz o que "
            "POST /v3/sandbox/payment/{id}/confirm faz.</p></section>\n");
}

static void slip_section(struct am_strbuf *b, const char *sfx, const cJSON *slip)
{
    const char *line = am_page_str(slip, "identificationField");
    const char *bar = am_page_str(slip, "barCode");
    char pretty[60];

    am_page_format_line(line, pretty);
    text(b, "<section id=\"boleto\"><h2>Boleto banc&aacute;rio</h2>"
            "<p class=\"hint\">Linha digit&aacute;vel</p><p class=\"line\" id=\"boleto-line\">");
    am_html_text(b, pretty);
    text(b, "</p>");
    if (bar)
        barcode_svg(b, bar);
    text(b, "<a class=\"button\" id=\"boleto-pdf\" href=\"../b/pdf/");
    am_html_text(b, sfx);
    text(b, "\">Baixar boleto (PDF)</a></section>\n");
}

static void card_section(struct am_strbuf *b, const cJSON *customer, const cJSON *holder)
{
    const cJSON *h = holder ? holder : customer;
    const char *phone = holder ? am_page_str(holder, "phone") :
                        am_page_str(customer, "mobilePhone") ? am_page_str(customer, "mobilePhone") :
                        am_page_str(customer, "phone");

    text(b, "<section id=\"card\"><h2>Cart&atilde;o de cr&eacute;dito</h2><form method=\"post\" "
            "autocomplete=\"off\"><input type=\"hidden\" name=\"pay\" value=\"card\">");
    am_page_input(b, "holderName", "Nome impresso no cart&atilde;o", NULL, "required maxlength=\"100\"");
    am_page_input(b, "number", "N&uacute;mero do cart&atilde;o", NULL,
          "required inputmode=\"numeric\" maxlength=\"23\"");
    text(b, "<div class=\"row\">");
    am_page_input(b, "expiryMonth", "M&ecirc;s", NULL, "required inputmode=\"numeric\" maxlength=\"2\" "
                                              "placeholder=\"MM\"");
    am_page_input(b, "expiryYear", "Ano", NULL, "required inputmode=\"numeric\" maxlength=\"4\" "
                                        "placeholder=\"AAAA\"");
    am_page_input(b, "ccv", "CVV", NULL, "required inputmode=\"numeric\" maxlength=\"4\"");
    text(b, "</div>");
    am_page_input(b, "name", "Nome do titular", am_page_str(h, "name"), "required maxlength=\"100\"");
    am_page_input(b, "cpfCnpj", "CPF/CNPJ do titular", am_page_str(h, "cpfCnpj"),
          "required inputmode=\"numeric\" maxlength=\"18\"");
    am_page_input(b, "email", "E-mail", am_page_str(h, "email"), "type=\"email\" required");
    text(b, "<div class=\"row\">");
    am_page_input(b, "postalCode", "CEP", am_page_str(h, "postalCode"),
          "required inputmode=\"numeric\" maxlength=\"9\"");
    am_page_input(b, "addressNumber", "N&uacute;mero", am_page_str(h, "addressNumber"),
          "required maxlength=\"10\"");
    am_page_input(b, "phone", "Telefone", phone, "required inputmode=\"tel\" maxlength=\"20\"");
    text(b, "</div><button id=\"pay-card\" type=\"submit\">Pagar com cart&atilde;o</button>"
            "<p class=\"hint\">Sandbox: qualquer cart&atilde;o v&aacute;lido &eacute; aprovado "
            "(ex.: 4444 4444 4444 4444); 5184 0197 4037 3151 e 4916 5613 5824 0741 s&atilde;o "
            "recusados.</p></form></section>\n");
}

char *am_page_invoice_html(const struct am_page_invoice *in, size_t *ret_len)
{
    struct am_strbuf b = {0};
    const cJSON *p = in->payment;
    const char *status = am_page_str(p, "status"), *type = am_page_str(p, "billingType");
    const char *sfx = suffix_of(am_page_str(p, "id"));
    bool open = status && (!strcmp(status, "PENDING") || !strcmp(status, "OVERDUE")) &&
                !cJSON_IsTrue(member(p, "deleted"));
    char title[80], *out;

    snprintf(title, sizeof(title), "Fatura %s - Asaas", am_page_str(p, "invoiceNumber") ?
             am_page_str(p, "invoiceNumber") : "");
    am_page_begin(&b, title);
    if (in->notice && *in->notice) {
        text(&b, in->notice_is_error ? "<p class=\"notice error\" id=\"notice\" role=\"alert\">"
                                     : "<p class=\"notice ok\" id=\"notice\">");
        am_html_text(&b, in->notice);
        text(&b, "</p>");
    }
    summary(&b, in);
    if (open) {
        const cJSON *pix = member(in->billing, "pix"), *slip = member(in->billing, "bankSlip");

        if (pix)
            pix_section(&b, pix);
        if (slip)
            slip_section(&b, sfx, slip);
        if (type && (!strcmp(type, "CREDIT_CARD") || !strcmp(type, "UNDEFINED")))
            card_section(&b, in->customer, in->holder);
    }
    am_page_end(&b);
    *ret_len = b.len;
    out = am_strbuf_take(&b);
    return out;
}

char *am_page_receipt_html(const cJSON *payment, const cJSON *customer, const cJSON *refund,
                           const char *receipt, size_t *ret_len)
{
    static const char *const methods[][2] = {
        {"PIX", "Pix"}, {"BOLETO", "Boleto banc\xc3\xa1rio"},
        {"CREDIT_CARD", "Cart\xc3\xa3o de cr\xc3\xa9" "dito"}, {"UNDEFINED", "Pergunte ao cliente"},
    };
    struct am_strbuf b = {0};
    const char *type = am_page_str(payment, "billingType"), *method = type;
    const cJSON *card = member(payment, "creditCard");
    char money[40], date[11], buf[80];

    for (size_t i = 0; type && i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (!strcmp(type, methods[i][0]))
            method = methods[i][1];
    }
    am_page_begin(&b, refund ? "Comprovante de estorno - Asaas" : "Comprovante de pagamento - Asaas");
    text(&b, "<section id=\"receipt\"><h1>");
    text(&b, refund ? "Comprovante de estorno" : "Comprovante de pagamento");
    text(&b, "</h1><p class=\"value\" id=\"value\">");
    am_page_money_json(member(refund ? refund : payment, "value"), money);
    am_html_text(&b, money);
    text(&b, "</p><dl>");
    am_page_item(&b, "Comprovante", receipt);
    snprintf(buf, sizeof(buf), "%s", am_page_str(payment, "invoiceNumber") ?
             am_page_str(payment, "invoiceNumber") : "");
    am_page_item(&b, "Fatura", buf);
    am_page_item(&b, "Cobran&ccedil;a", am_page_str(payment, "id"));
    if (refund) {
        am_page_date(am_page_str(refund, "effectiveDate") ? am_page_str(refund, "effectiveDate")
                                                          : am_page_str(refund, "dateCreated"), date);
        am_page_item(&b, "Data do estorno", date);
        am_page_item(&b, "Motivo", am_page_str(refund, "description"));
    } else {
        am_page_date(am_page_str(payment, "clientPaymentDate") ?
                     am_page_str(payment, "clientPaymentDate") :
                     am_page_str(payment, "confirmedDate"), date);
        am_page_item(&b, "Data do pagamento", date);
    }
    am_page_item(&b, "Forma de pagamento", method);
    if (card && am_page_str(card, "creditCardNumber")) {
        snprintf(buf, sizeof(buf), "%s final %s", am_page_str(card, "creditCardBrand") ?
                 am_page_str(card, "creditCardBrand") : "", am_page_str(card, "creditCardNumber"));
        am_page_item(&b, "Cart&atilde;o", buf);
    }
    am_page_item(&b, "Descri&ccedil;&atilde;o", am_page_str(payment, "description"));
    if (customer) {
        am_page_item(&b, "Pagador", am_page_str(customer, "name"));
        am_page_item(&b, "CPF/CNPJ", am_page_str(customer, "cpfCnpj"));
    }
    am_page_item(&b, "Recebedor", "asaas-mock (sandbox)");
    text(&b, "</dl></section>\n");
    am_page_end(&b);
    *ret_len = b.len;
    return am_strbuf_take(&b);
}

char *am_page_message_html(const char *title, const char *msg, size_t *ret_len)
{
    struct am_strbuf b = {0};

    am_page_begin(&b, title);
    text(&b, "<section><h1>");
    am_html_text(&b, title);
    text(&b, "</h1><p>");
    am_html_text(&b, msg);
    text(&b, "</p></section>\n");
    am_page_end(&b);
    *ret_len = b.len;
    return am_strbuf_take(&b);
}

/* page_link.c - the buyer's page of a payment link (see page_link.h). */
#include "page_link.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "page_common.h"
#include "strbuf.h"

static void text(struct am_strbuf *b, const char *s)
{
    am_strbuf_str(b, s);
}

static const char *billing_label(const char *type)
{
    if (!type)
        return NULL;
    if (strcmp(type, "PIX") == 0)
        return "Pix";
    if (strcmp(type, "BOLETO") == 0)
        return "Boleto banc\xc3\xa1rio";
    if (strcmp(type, "CREDIT_CARD") == 0)
        return "Cart\xc3\xa3o de cr\xc3\xa9" "dito";
    return "Pix, boleto ou cart\xc3\xa3o";
}

static const char *charge_label(const char *type)
{
    if (type && strcmp(type, "RECURRENT") == 0)
        return "Assinatura";
    if (type && strcmp(type, "INSTALLMENT") == 0)
        return "Parcelado";
    return "Avulso";
}

static void card_fields(struct am_strbuf *b)
{
    text(b, "<fieldset id=\"card\"><legend>Cart&atilde;o de cr&eacute;dito</legend>");
    am_page_input(b, "holderName", "Nome impresso no cart&atilde;o", NULL, "maxlength=\"100\"");
    am_page_input(b, "number", "N&uacute;mero do cart&atilde;o", NULL,
          "inputmode=\"numeric\" maxlength=\"23\"");
    text(b, "<div class=\"row\">");
    am_page_input(b, "expiryMonth", "M&ecirc;s", NULL, "inputmode=\"numeric\" maxlength=\"2\"");
    am_page_input(b, "expiryYear", "Ano", NULL, "inputmode=\"numeric\" maxlength=\"4\"");
    am_page_input(b, "ccv", "CVV", NULL, "inputmode=\"numeric\" maxlength=\"4\"");
    text(b, "</div><p class=\"hint\">Sandbox: 4444 4444 4444 4444 &eacute; aprovado; "
            "5184 0197 4037 3151 e 4916 5613 5824 0741 s&atilde;o recusados.</p></fieldset>");
}

char *am_page_link_html(const cJSON *link, const cJSON *sent, const char *notice,
                        bool notice_is_error, size_t *ret_len)
{
    struct am_strbuf b = {0};
    const char *name = am_page_str(link, "name"), *type = am_page_str(link, "billingType");
    const char *charge = am_page_str(link, "chargeType");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(link, "value");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(link, "maxInstallmentCount");
    bool open = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(link, "active")) &&
                !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(link, "deleted"));
    char money[40] = "", title[160], *out;

    snprintf(title, sizeof(title), "%s - Asaas", name ? name : "Link de pagamento");
    am_page_begin(&b, title);
    if (notice && *notice) {
        text(&b, notice_is_error ? "<p class=\"notice error\" id=\"notice\" role=\"alert\">"
                                 : "<p class=\"notice ok\" id=\"notice\">");
        am_html_text(&b, notice);
        text(&b, "</p>");
    }
    text(&b, "<section id=\"link\"><h1 id=\"link-name\">");
    am_html_text(&b, name ? name : "");
    text(&b, "</h1><dl>");
    am_page_item(&b, "Descri&ccedil;&atilde;o", am_page_str(link, "description"));
    if (cJSON_IsNumber(value))
        am_page_money_json(value, money);
    am_page_item(&b, "Valor", money[0] ? money : "Informado por voc\xc3\xaa");
    am_page_item(&b, "Forma de pagamento", billing_label(type));
    am_page_item(&b, "Tipo de cobran\xc3\xa7" "a", charge_label(charge));
    am_page_item(&b, "Recorr\xc3\xaancia", am_page_str(link, "subscriptionCycle"));
    text(&b, "</dl></section>\n");
    if (!open) {
        text(&b, "<p class=\"notice error\" id=\"closed\">Este link de pagamento n&atilde;o "
                 "est&aacute; mais dispon&iacute;vel.</p>");
        goto end;
    }
    text(&b, "<section><h2>Seus dados</h2><form method=\"post\" autocomplete=\"off\">");
    am_page_input(&b, "name", "Nome completo", am_page_str(sent, "name"), "required maxlength=\"100\"");
    am_page_input(&b, "cpfCnpj", "CPF/CNPJ", am_page_str(sent, "cpfCnpj"),
          "required inputmode=\"numeric\" maxlength=\"18\"");
    am_page_input(&b, "email", "E-mail", am_page_str(sent, "email"), "type=\"email\" maxlength=\"100\"");
    am_page_input(&b, "postalCode", "CEP", am_page_str(sent, "postalCode"),
          "inputmode=\"numeric\" maxlength=\"9\"");
    am_page_input(&b, "addressNumber", "N&uacute;mero", am_page_str(sent, "addressNumber"),
          "maxlength=\"10\"");
    am_page_input(&b, "phone", "Telefone", am_page_str(sent, "phone"),
          "inputmode=\"tel\" maxlength=\"20\"");
    if (!cJSON_IsNumber(value))
        am_page_input(&b, "value", "Valor (R$)", am_page_str(sent, "value"),
              "required inputmode=\"decimal\" maxlength=\"12\"");
    if (!type || strcmp(type, "UNDEFINED") == 0)
        text(&b, "<div><label for=\"billingType\">Forma de pagamento</label><select "
                 "id=\"billingType\" name=\"billingType\"><option value=\"PIX\">Pix</option>"
                 "<option value=\"BOLETO\">Boleto banc&aacute;rio</option><option "
                 "value=\"CREDIT_CARD\">Cart&atilde;o de cr&eacute;dito</option></select></div>");
    if (charge && strcmp(charge, "INSTALLMENT") == 0) {
        char attrs[64];

        snprintf(attrs, sizeof(attrs), "type=\"number\" min=\"1\" max=\"%d\" required",
                 cJSON_IsNumber(max) ? max->valueint : 1);
        am_page_input(&b, "installmentCount", "Parcelas", am_page_str(sent, "installmentCount"), attrs);
    }
    if (!type || strcmp(type, "CREDIT_CARD") == 0 || strcmp(type, "UNDEFINED") == 0)
        card_fields(&b);
    text(&b, "<button id=\"pay-link\" type=\"submit\">Pagar</button></form></section>\n");
end:
    am_page_end(&b);
    *ret_len = b.len;
    out = am_strbuf_take(&b);
    return out;
}

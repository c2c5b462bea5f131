/* page_common.c - what every hosted page shares (see page_common.h). */
#include "page_common.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "money.h"
#include "strbuf.h"

static const char css[] =
    ":root{--fg:#1d2433;--muted:#5b6475;--line:#d9dee8;--accent:#0b5fff;--ok:#0a7a3d;"
    "--bad:#b3261e;--bg:#f4f6fa}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--fg);background:var(--bg)}"
    "header{background:#0d1b3e;color:#fff;padding:12px 16px}"
    "header b{font-size:18px}header span{opacity:.75;margin-left:8px;font-size:13px}"
    "main{max-width:760px;margin:0 auto;padding:16px}"
    "section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px;"
    "margin:0 0 16px}"
    "h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:0 0 12px}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}"
    "dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}"
    ".value{font-size:28px;font-weight:700}"
    ".status{display:inline-block;padding:2px 10px;border-radius:12px;background:#e8edf7;"
    "font-weight:600}"
    ".status.RECEIVED,.status.CONFIRMED,.status.RECEIVED_IN_CASH{background:#dff3e6;"
    "color:var(--ok)}"
    ".status.OVERDUE{background:#fbe3e1;color:var(--bad)}"
    ".notice{padding:12px 16px;border-radius:8px;margin:0 0 16px;font-weight:600}"
    ".notice.error{background:#fbe3e1;color:var(--bad)}.notice.ok{background:#dff3e6;"
    "color:var(--ok)}"
    ".qr{display:block;width:220px;max-width:100%;height:auto;image-rendering:pixelated;"
    "margin:0 auto 12px}"
    "textarea,input,select{width:100%;font:inherit;padding:8px;border:1px solid var(--line);"
    "border-radius:6px}"
    "textarea{font-family:ui-monospace,monospace;font-size:13px;resize:vertical}"
    ".line{font-family:ui-monospace,monospace;font-size:15px;overflow-wrap:anywhere;"
    "background:var(--bg);padding:8px;border-radius:6px}"
    ".barcode{display:block;width:100%;height:64px;margin:12px 0}"
    "label{display:block;margin:8px 0 2px;color:var(--muted);font-size:14px}"
    ".row{display:grid;grid-template-columns:1fr 1fr 1fr;gap:8px}"
    "button,.button{display:inline-block;margin-top:12px;padding:10px 16px;border:0;"
    "border-radius:6px;background:var(--accent);color:#fff;font:inherit;font-weight:600;"
    "text-decoration:none;cursor:pointer}"
    ".hint{color:var(--muted);font-size:13px}"
    "table{width:100%;border-collapse:collapse;font-size:14px}"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top;overflow-wrap:anywhere}"
    "main.wide{max-width:1200px}h3{font-size:16px;margin:16px 0 8px}"
    "td button{margin:2px;padding:4px 8px;font-size:13px}"
    ".bar{display:flex;flex-wrap:wrap;gap:8px;align-items:center}"
    ".bar input{flex:1 1 160px;width:auto}.bar button{margin-top:0}"
    "@media (min-width:1000px){main.wide{display:grid;grid-template-columns:1fr 1fr;gap:0 16px}"
    "main.wide #account,main.wide #journal{grid-column:1/-1}}"
    "footer{text-align:center;color:var(--muted);font-size:12px;padding:16px}"
    "@media (max-width:480px){.row{grid-template-columns:1fr}.value{font-size:24px}"
    "dl{grid-template-columns:1fr}dt{margin-top:6px}}";

const char *am_page_css(void)
{
    return css;
}

void am_page_begin(struct am_strbuf *b, const char *title)
{
    am_strbuf_str(b, "<!doctype html>\n<html lang=\"pt-BR\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                     "<meta name=\"referrer\" content=\"no-referrer\"><link rel=\"icon\" href=\"data:,\"><title>");
    am_html_text(b, title);
    am_strbuf_str(b, "</title><link rel=\"stylesheet\" href=\"" AM_PAGE_CSS_HREF "\"></head>"
                     "<body><header><b>Asaas</b><span>sandbox &middot; asaas-mock</span>"
                     "</header><main>\n");
}

void am_page_end(struct am_strbuf *b)
{
    am_strbuf_str(b, "</main><footer>P&aacute;gina servida pelo asaas-mock (ambiente de "
                     "testes, nenhum pagamento real)</footer></body></html>\n");
}

void am_page_money(int64_t cents, char out[40])
{
    char digits[24], grouped[28]; /* 20 digits and 6 dots at most */
    uint64_t v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    size_t n, g = 0;

    n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = '.';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf(out, 40, "%sR$ %s,%02u", cents < 0 ? "-" : "", grouped, (unsigned)(v % 100));
}

void am_page_money_json(const cJSON *item, char out[40])
{
    int64_t cents = 0;

    out[0] = '\0';
    if (cJSON_IsNumber(item) && item->valuedouble < 0) {
        cJSON *pos = cJSON_CreateNumber(-item->valuedouble);
        if (pos && am_money_from_json(pos, &cents) == 0)
            am_page_money(-cents, out);
        cJSON_Delete(pos);
        return;
    }
    if (am_money_from_json(item, &cents) == 0)
        am_page_money(cents, out);
}

void am_page_date(const char *s, char out[11])
{
    out[0] = '\0';
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return;
    }
    snprintf(out, 11, "%.2s/%.2s/%.4s", s + 8, s + 5, s);
}

const char *am_page_status_label(const char *status)
{
    static const char *const names[][2] = {
        {"PENDING", "Aguardando pagamento"},
        {"RECEIVED", "Recebida"},
        {"CONFIRMED", "Pagamento confirmado"},
        {"OVERDUE", "Vencida"},
        {"REFUNDED", "Estornada"},
        {"RECEIVED_IN_CASH", "Recebida em dinheiro"},
        {"REFUND_REQUESTED", "Estorno solicitado"},
        {"REFUND_IN_PROGRESS", "Estorno em andamento"},
        {"AUTHORIZED", "Autorizada"},
        {"AWAITING_RISK_ANALYSIS", "Em an\xc3\xa1lise"},
    };

    if (!status)
        return "";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(status, names[i][0]) == 0)
            return names[i][1];
    }
    return status;
}

const char *am_page_str(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

void am_page_item(struct am_strbuf *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    am_strbuf_str(b, "<dt>");
    am_strbuf_str(b, label);
    am_strbuf_str(b, "</dt><dd>");
    am_html_text(b, value);
    am_strbuf_str(b, "</dd>");
}

void am_page_input(struct am_strbuf *b, const char *name, const char *label, const char *value,
                   const char *attrs)
{
    am_strbuf_str(b, "<div><label for=\"");
    am_strbuf_str(b, name);
    am_strbuf_str(b, "\">");
    am_strbuf_str(b, label);
    am_strbuf_str(b, "</label><input id=\"");
    am_strbuf_str(b, name);
    am_strbuf_str(b, "\" name=\"");
    am_strbuf_str(b, name);
    am_strbuf_str(b, "\" ");
    am_strbuf_str(b, attrs);
    if (value) {
        am_strbuf_str(b, " value=\"");
        am_html_text(b, value);
        am_strbuf_str(b, "\"");
    }
    am_strbuf_str(b, "></div>");
}

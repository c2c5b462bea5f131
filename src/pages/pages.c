/* pages.c - routing and orchestration of the hosted pages (see pages.h). */
#include "pages.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_iface.h"
#include "asaas_facts.h"
#include "billing.h"
#include "boleto_pdf.h"
#include "clock.h"
#include "page_common.h"
#include "page_dashboard.h"
#include "page_invoice.h"
#include "page_link.h"
#include "links.h"
#include "records.h"
#include "persist.h"
#include "query.h"
#include "subscriptions.h"
#include "webhook_pump.h"

#define HTML "text/html; charset=utf-8"
#define ID_MAX 40

/* ---- answers ---------------------------------------------------------------------- */

static int secure_headers(struct am_response *resp, const char *csp)
{
    int r = am_response_set_header(resp, "Content-Security-Policy", csp);

    if (r == 0)
        r = am_response_set_header(resp, "X-Content-Type-Options", "nosniff");
    if (r == 0)
        r = am_response_set_header(resp, "Referrer-Policy", "no-referrer");
    if (r == 0)
        r = am_response_set_header(resp, "Cache-Control", "no-store");
    return r;
}

/* Takes ownership of body (NULL = out of memory). */
static int answer(struct am_response *resp, int status, const char *type, char *body,
                  size_t len, const char *csp)
{
    if (!body)
        return -ENOMEM;
    free(resp->body);
    resp->status = status;
    resp->body = body;
    resp->body_len = len;
    resp->content_type = type;
    return secure_headers(resp, csp);
}

static int message(struct am_response *resp, int status, const char *title, const char *text)
{
    size_t len = 0;
    char *html = am_page_message_html(title, text, &len);

    return answer(resp, status, HTML, html, len, AM_PAGE_CSP);
}

static int not_found(struct am_response *resp)
{
    return message(resp, 404, "P\xc3\xa1gina n\xc3\xa3o encontrada",
                   "Esta cobran\xc3\xa7""a n\xc3\xa3o existe neste asaas-mock (o id do link "
                   "est\xc3\xa1 certo? O estado foi reiniciado?).");
}

static int static_text(struct am_response *resp, const char *type, const char *text,
                       const char *csp)
{
    int r = am_response_text(resp, 200, type, text, strlen(text));

    return r ? r : secure_headers(resp, csp);
}

/* ---- finding what a URL names ------------------------------------------------------ */

static bool id_ok(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

/* The account holding payment "pay_"+sfx, and the payment; NULL when none. */
static struct am_account *find_payment(struct am_app *app, const char *sfx,
                                       struct am_payment **ret)
{
    struct am_registry *reg = am_app_registry(app);
    char id[ID_MAX + 8];

    *ret = NULL;
    if (!id_ok(sfx, ID_MAX))
        return NULL;
    snprintf(id, sizeof(id), "pay_%s", sfx);
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        struct am_account *a = am_registry_account_at(reg, i);

        if (a && a->billing && (*ret = am_billing_payment_find(a->billing, id)))
            return a;
    }
    return NULL;
}

/* The payment whose receipt (or one of whose refunds' receipt) is digits. */
static struct am_account *find_receipt(struct am_app *app, const char *digits,
                                       struct am_payment **ret, const struct am_refund **refund)
{
    struct am_registry *reg = am_app_registry(app);

    *ret = NULL;
    *refund = NULL;
    if (strlen(digits) != 16 || strspn(digits, "0123456789") != 16)
        return NULL;
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        struct am_account *a = am_registry_account_at(reg, i);

        for (size_t k = 0; a && a->billing && k < am_billing_payment_count(a->billing); k++) {
            struct am_payment *p = am_billing_payment_at(a->billing, k);

            if (strcmp(p->receipt, digits) == 0) {
                *ret = p;
                return a;
            }
            for (size_t j = 0; j < p->n_refunds; j++) {
                if (strcmp(p->refunds[j].receipt, digits) == 0) {
                    *ret = p;
                    *refund = &p->refunds[j];
                    return a;
                }
            }
        }
    }
    return NULL;
}

/* ---- the API, from inside ---------------------------------------------------------- */

/* Runs one /v3 request as account a (am_app_call: the account's jobs, the handler, the
 * webhook queues). A state change is logged to the --state-file exactly as that API
 * request, so a restart replays it. *ret gets the JSON answer (NULL when none). */
static int call(struct am_app *app, struct am_account *a, const struct am_request *outer,
                enum am_method method, const char *path, const char *body, int64_t real_now,
                int *status, cJSON **ret, struct am_response *outer_resp)
{
    struct am_request req;
    struct am_response resp;
    int r;

    *ret = NULL;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.client_ip = outer->client_ip;
    req.request_id = outer->request_id;
    req.tls = outer->tls;
    am_response_init(&resp);
    r = am_app_act(app, a, &req, real_now, &resp);
    if (resp.outcome.durable)
        outer_resp->outcome.durable = true;
    if (r == 0) {
        *status = resp.status;
        if (resp.body_len) {
            *ret = cJSON_ParseWithLength(resp.body, resp.body_len);
            if (!*ret)
                r = -ENOMEM;
        }
    }
    am_response_finish(&resp);
    return r;
}

static int get_json(struct am_app *app, struct am_account *a, const struct am_request *outer,
                    const char *path, int64_t real_now, cJSON **ret, struct am_response *resp)
{
    int status = 0;
    int r = call(app, a, outer, AM_METHOD_GET, path, NULL, real_now, &status, ret, resp);

    if (r == 0 && status != 200) {
        cJSON_Delete(*ret);
        *ret = NULL;
    }
    return r;
}

/* What the page shows: the payment, its billingInfo and its customer (the API's JSON). */
struct view {
    cJSON *payment, *billing, *customer;
};

static void view_free(struct view *v)
{
    cJSON_Delete(v->payment);
    cJSON_Delete(v->billing);
    cJSON_Delete(v->customer);
    memset(v, 0, sizeof(*v));
}

static int load_view(struct am_app *app, struct am_account *a, const struct am_payment *p,
                     const struct am_request *req, int64_t real_now, struct view *v,
                     struct am_response *resp)
{
    char path[128];
    int r;

    memset(v, 0, sizeof(*v));
    snprintf(path, sizeof(path), "/v3/payments/%s", p->id);
    r = get_json(app, a, req, path, real_now, &v->payment, resp);
    if (r == 0 && !v->payment)
        return -ENOENT;
    snprintf(path, sizeof(path), "/v3/payments/%s/billingInfo", p->id);
    if (r == 0)
        r = get_json(app, a, req, path, real_now, &v->billing, resp);
    snprintf(path, sizeof(path), "/v3/customers/%s", p->customer);
    if (r == 0)
        r = get_json(app, a, req, path, real_now, &v->customer, resp);
    return r;
}

/* After a GET that may have changed state (the view marks, the day's jobs): queue the
 * events and, with a --state-file, write a checkpoint (no /v3 request stands for them). */
static int settle(struct am_app *app, struct am_account *a, bool changed)
{
    int r = am_pump_feed(a);

    if (r == 0 && changed && am_app_persist(app))
        r = am_persist_checkpoint(app);
    return r;
}

/* ---- the pages -------------------------------------------------------------------- */

static int render_invoice(struct am_response *resp, int status, const struct view *v,
                          const cJSON *holder, const char *notice, bool error)
{
    struct am_page_invoice in = {
        .payment = v->payment, .billing = v->billing, .customer = v->customer,
        .holder = holder, .notice = notice, .notice_is_error = error,
    };
    size_t len = 0;
    char *html = am_page_invoice_html(&in, &len);

    return answer(resp, status, HTML, html, len, AM_PAGE_CSP);
}

static int invoice_get(struct am_app *app, const struct am_request *req, const char *sfx,
                       int64_t real_now, struct am_response *resp)
{
    struct am_payment *p;
    struct am_account *a = find_payment(app, sfx, &p);
    struct view v;
    int64_t day;
    bool viewed;
    int r;

    if (!a)
        return not_found(resp);
    day = am_recurring_jobs_day(a->recurring);
    /* A HEAD (a link checker) is not a payer opening the page. */
    viewed = !p->deleted && req->method == AM_METHOD_GET;
    r = load_view(app, a, p, req, real_now, &v, resp);
    if (r == 0 && viewed)
        r = am_billing_payment_viewed(a->billing, p, false, am_clock_now(&a->clock, real_now));
    if (r == 0)
        r = settle(app, a, viewed || am_recurring_jobs_day(a->recurring) != day);
    if (r == 0)
        r = render_invoice(resp, 200, &v, NULL, NULL, false);
    view_free(&v);
    return r == -ENOENT ? not_found(resp) : r;
}

/* The card form's fields as payWithCreditCard's body. NULL on OOM. */
static char *card_body(const struct am_query *form)
{
    static const char *const card[] = {"holderName", "number", "expiryMonth", "expiryYear", "ccv"};
    static const char *const holder[] = {"name", "email", "cpfCnpj", "postalCode",
                                         "addressNumber", "phone"};
    cJSON *o = cJSON_CreateObject(), *c, *h;
    char *text = NULL;

    c = o ? cJSON_AddObjectToObject(o, "creditCard") : NULL;
    h = o ? cJSON_AddObjectToObject(o, "creditCardHolderInfo") : NULL;
    if (!c || !h)
        goto out;
    for (size_t i = 0; i < sizeof(card) / sizeof(card[0]); i++) {
        const char *v = am_query_get(form, card[i]);
        char digits[64];
        size_t n = 0;

        if (!v)
            continue;
        if (strcmp(card[i], "number") == 0) {
            /* People type "4444 4444 4444 4444": the API wants the digits. */
            for (const char *s = v; *s && n + 1 < sizeof(digits); s++) {
                if (*s != ' ' && *s != '-')
                    digits[n++] = *s;
            }
            digits[n] = '\0';
            v = digits;
        }
        if (!cJSON_AddStringToObject(c, card[i], v))
            goto out;
    }
    for (size_t i = 0; i < sizeof(holder) / sizeof(holder[0]); i++) {
        const char *v = am_query_get(form, holder[i]);
        if (v && !cJSON_AddStringToObject(h, holder[i], v))
            goto out;
    }
    text = cJSON_PrintUnformatted(o);
out:
    cJSON_Delete(o);
    return text;
}

/* The first error's description of an API answer, or a generic text. */
static const char *error_text(const cJSON *answer_json)
{
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(answer_json, "errors");
    const char *d = am_page_str(cJSON_GetArrayItem(errs, 0), "description");

    return d ? d : "N\xc3\xa3o foi poss\xc3\xadvel concluir o pagamento.";
}

static int invoice_post(struct am_app *app, const struct am_request *req, const char *sfx,
                        int64_t real_now, struct am_response *resp)
{
    struct am_payment *p;
    struct am_account *a = find_payment(app, sfx, &p);
    struct am_query form;
    char *body = NULL, *text = NULL, path[128];
    const char *pay;
    cJSON *result = NULL, *sent = NULL;
    struct view v = {0};
    int status = 0, r;

    if (!a)
        return not_found(resp);
    text = strndup(req->body ? req->body : "", req->body_len);
    if (!text)
        return -ENOMEM;
    r = am_query_parse(text, &form);
    free(text);
    if (r == -E2BIG || r == -EILSEQ)
        return message(resp, 400, "Formul\xc3\xa1rio inv\xc3\xa1lido",
                       "O formul\xc3\xa1rio enviado n\xc3\xa3o p\xc3\xb4" "de ser lido.");
    if (r < 0)
        return r;
    pay = am_query_get(&form, "pay");
    if (pay && strcmp(pay, "pix") == 0) {
        snprintf(path, sizeof(path), "/v3/sandbox/payment/%s/confirm", p->id);
    } else if (pay && strcmp(pay, "card") == 0) {
        snprintf(path, sizeof(path), "/v3/payments/%s/payWithCreditCard", p->id);
        body = card_body(&form);
        if (!body) {
            r = -ENOMEM;
            goto out;
        }
    } else {
        r = message(resp, 400, "Formul\xc3\xa1rio inv\xc3\xa1lido",
                    "Escolha Pix ou cart\xc3\xa3o de cr\xc3\xa9" "dito.");
        goto out;
    }
    r = call(app, a, req, AM_METHOD_POST, path, body, real_now, &status, &result, resp);
    if (r == 0)
        r = load_view(app, a, p, req, real_now, &v, resp);
    /* After a refusal the holder fields come back as typed (never the card itself). */
    if (r == 0 && status != 200 && body && !(sent = cJSON_Parse(body)))
        r = -ENOMEM;
    if (r == 0)
        r = render_invoice(resp, status == 200 ? 200 : 400, &v,
                           cJSON_GetObjectItemCaseSensitive(sent, "creditCardHolderInfo"),
                           status == 200 ? "Pagamento realizado com sucesso." : error_text(result),
                           status != 200);
out:
    view_free(&v);
    cJSON_Delete(result);
    cJSON_Delete(sent);
    free(body);
    am_query_finish(&form);
    return r;
}

static int boleto_pdf(struct am_app *app, const struct am_request *req, const char *sfx,
                      int64_t real_now, struct am_response *resp)
{
    struct am_payment *p;
    struct am_account *a = find_payment(app, sfx, &p);
    const cJSON *slip;
    unsigned char *pdf = NULL;
    size_t len = 0;
    struct view v;
    int r;

    if (!a)
        return not_found(resp);
    r = load_view(app, a, p, req, real_now, &v, resp);
    slip = v.billing ? cJSON_GetObjectItemCaseSensitive(v.billing, "bankSlip") : NULL;
    if (r == 0 && !cJSON_IsObject(slip))
        r = -ENOENT; /* no slip for Pix or card charges (billingInfo says so) */
    if (r == 0 && !p->deleted && req->method == AM_METHOD_GET)
        r = am_billing_payment_viewed(a->billing, p, true, am_clock_now(&a->clock, real_now));
    if (r == 0)
        r = settle(app, a, true);
    if (r == 0)
        r = am_boleto_pdf(v.payment, slip, v.customer, &pdf, &len);
    if (r == 0) {
        r = answer(resp, 200, "application/pdf", (char *)pdf, len, AM_PAGE_CSP);
        if (r == 0)
            r = am_response_set_header(resp, "Content-Disposition", "inline; filename=\"boleto.pdf\"");
    }
    view_free(&v);
    return r == -ENOENT || r == -EINVAL ? not_found(resp) : r;
}

static int receipt(struct am_app *app, const struct am_request *req, const char *digits,
                   int64_t real_now, struct am_response *resp)
{
    struct am_payment *p;
    const struct am_refund *rf;
    struct am_account *a = find_receipt(app, digits, &p, &rf);
    cJSON *refund = NULL;
    struct view v;
    size_t len = 0;
    char *html;
    int r;

    if (!a)
        return message(resp, 404, "Comprovante n\xc3\xa3o encontrado",
                       "Nenhum pagamento deste asaas-mock tem este comprovante.");
    r = load_view(app, a, p, req, real_now, &v, resp);
    if (r == 0 && rf && !(refund = am_refund_to_json(rf)))
        r = -ENOMEM;
    if (r == 0)
        r = settle(app, a, false);
    if (r == 0) {
        html = am_page_receipt_html(v.payment, v.customer, refund, digits, &len);
        r = answer(resp, 200, HTML, html, len, AM_PAGE_CSP);
    }
    cJSON_Delete(refund);
    view_free(&v);
    return r == -ENOENT ? message(resp, 404, "Comprovante n\xc3\xa3o encontrado", "") : r;
}

/* ---- the payment link's page (/c/<id>) --------------------------------------------- */

static struct am_account *find_link(struct am_app *app, const char *id)
{
    struct am_registry *reg = am_app_registry(app);

    if (!id_ok(id, ID_MAX))
        return NULL;
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        struct am_account *a = am_registry_account_at(reg, i);

        if (a && a->records && am_records_find(a->records, AM_LINKS_COLL, id))
            return a;
    }
    return NULL;
}

static int render_link(struct am_response *resp, int status, const cJSON *link,
                       const cJSON *sent, const char *notice, bool error)
{
    size_t len = 0;
    char *html = am_page_link_html(link, sent, notice, error, &len);

    return answer(resp, status, HTML, html, len, AM_PAGE_CSP);
}

static int link_get(struct am_app *app, const struct am_request *req, const char *id,
                    int64_t real_now, struct am_response *resp)
{
    struct am_account *a = find_link(app, id);
    char path[128];
    cJSON *link = NULL, *ignored = NULL;
    int status = 0, r = 0;

    if (!a)
        return not_found(resp);
    /* A buyer opening the page is a view (a HEAD, a link checker, is not). */
    snprintf(path, sizeof(path), "/v3/sandbox/paymentLinks/%s/view", id);
    if (req->method == AM_METHOD_GET)
        r = call(app, a, req, AM_METHOD_POST, path, NULL, real_now, &status, &ignored, resp);
    cJSON_Delete(ignored);
    snprintf(path, sizeof(path), "/v3/paymentLinks/%s", id);
    if (r == 0)
        r = get_json(app, a, req, path, real_now, &link, resp);
    if (r == 0 && !link)
        r = not_found(resp);
    else if (r == 0)
        r = render_link(resp, 200, link, NULL, NULL, false);
    cJSON_Delete(link);
    return r;
}

/* The form as POST /v3/sandbox/paymentLinks/{id}/pay's body; *ret_sent gets the buyer
 * fields to fill the form again (never the card). NULL on OOM. */
static char *link_pay_body(const struct am_query *form, const char *ip, cJSON **ret_sent)
{
    static const char *const buyer[] = {"name", "cpfCnpj", "email", "postalCode",
                                        "addressNumber", "phone"};
    cJSON *o = cJSON_CreateObject(), *cust, *sent = cJSON_CreateObject();
    const char *number = am_query_get(form, "number"), *v;
    char *text = NULL, *card = NULL;

    cust = o ? cJSON_AddObjectToObject(o, "customerData") : NULL;
    if (!cust || !sent)
        goto out;
    for (size_t i = 0; i < sizeof(buyer) / sizeof(buyer[0]); i++) {
        v = am_query_get(form, buyer[i]);
        if (v && *v && (!cJSON_AddStringToObject(cust, buyer[i], v) ||
                        !cJSON_AddStringToObject(sent, buyer[i], v)))
            goto out;
    }
    if ((v = am_query_get(form, "billingType")) && *v &&
        !cJSON_AddStringToObject(o, "billingType", v))
        goto out;
    if ((v = am_query_get(form, "value")) && *v) {
        char *end;
        double d = strtod(v, &end);

        if (!cJSON_AddStringToObject(sent, "value", v) ||
            !(*end ? cJSON_AddStringToObject(o, "value", v) : cJSON_AddNumberToObject(o, "value", d)))
            goto out;
    }
    if ((v = am_query_get(form, "installmentCount")) && *v) {
        char *end;
        long n = strtol(v, &end, 10);

        if (!cJSON_AddStringToObject(sent, "installmentCount", v) ||
            !(*end ? cJSON_AddStringToObject(o, "installmentCount", v)
                   : cJSON_AddNumberToObject(o, "installmentCount", (double)n)))
            goto out;
    }
    /* Card data only when a number was typed: the invoice page's form builder. */
    if (number && *number) {
        cJSON *c;

        card = card_body(form);
        c = card ? cJSON_Parse(card) : NULL;
        if (!c)
            goto out;
        cJSON_AddItemToObject(o, "creditCard",
                              cJSON_DetachItemFromObject(c, "creditCard"));
        cJSON_AddItemToObject(o, "creditCardHolderInfo",
                              cJSON_DetachItemFromObject(c, "creditCardHolderInfo"));
        cJSON_Delete(c);
        if (!cJSON_AddStringToObject(o, "remoteIp", ip && *ip ? ip : "127.0.0.1"))
            goto out;
    }
    text = cJSON_PrintUnformatted(o);
out:
    free(card);
    cJSON_Delete(o);
    if (text)
        *ret_sent = sent;
    else
        cJSON_Delete(sent);
    return text;
}

static int link_post(struct am_app *app, const struct am_request *req, const char *id,
                     int64_t real_now, struct am_response *resp)
{
    struct am_account *a = find_link(app, id);
    struct am_query form;
    char *body = NULL, *text, path[128];
    cJSON *result = NULL, *sent = NULL, *link = NULL;
    int status = 0, r;

    if (!a)
        return not_found(resp);
    text = strndup(req->body ? req->body : "", req->body_len);
    if (!text)
        return -ENOMEM;
    r = am_query_parse(text, &form);
    free(text);
    if (r == -E2BIG || r == -EILSEQ)
        return message(resp, 400, "Formul\xc3\xa1rio inv\xc3\xa1lido",
                       "O formul\xc3\xa1rio enviado n\xc3\xa3o p\xc3\xb4" "de ser lido.");
    if (r < 0)
        return r;
    body = link_pay_body(&form, req->client_ip, &sent);
    if (!body) {
        r = -ENOMEM;
        goto out;
    }
    snprintf(path, sizeof(path), "/v3/sandbox/paymentLinks/%s/pay", id);
    r = call(app, a, req, AM_METHOD_POST, path, body, real_now, &status, &result, resp);
    if (r == 0 && status == 200) {
        const char *obj = am_page_str(result, "object"), *pid = am_page_str(result, "id");

        /* A charge: on to its invoice page, where the buyer pays it. */
        if (obj && strcmp(obj, "payment") == 0 && pid && strncmp(pid, "pay_", 4) == 0) {
            char loc[128];

            snprintf(loc, sizeof(loc), "../i/%s", pid + 4);
            r = message(resp, 303, "Cobran\xc3\xa7" "a criada",
                        "Abrindo a fatura para pagamento.");
            if (r == 0)
                r = am_response_set_header(resp, "Location", loc);
            goto out;
        }
        r = message(resp, 200, "Assinatura criada",
                    "A assinatura foi criada; as cobran\xc3\xa7" "as chegam por e-mail.");
        goto out;
    }
    snprintf(path, sizeof(path), "/v3/paymentLinks/%s", id);
    if (r == 0)
        r = get_json(app, a, req, path, real_now, &link, resp);
    if (r == 0 && !link)
        r = not_found(resp);
    else if (r == 0)
        r = render_link(resp, 400, link, sent, error_text(result), true);
out:
    cJSON_Delete(result);
    cJSON_Delete(sent);
    cJSON_Delete(link);
    free(body);
    am_query_finish(&form);
    return r;
}

/* ---- routing ---------------------------------------------------------------------- */

bool am_pages_is_dashboard(const char *path)
{
    return strcmp(path, AM_PAGE_DASHBOARD_PATH) == 0 ||
           strcmp(path, AM_PAGE_DASHBOARD_JS_PATH) == 0;
}

/* rest after prefix, when path starts with it and rest is one non-empty segment. */
static const char *one_segment(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    const char *rest = path + n;

    if (strncmp(path, prefix, n) != 0 || !*rest || strchr(rest, '/'))
        return NULL;
    return rest;
}

int am_pages_handle(struct am_app *app, const struct am_request *req, int64_t real_now,
                    struct am_response *resp)
{
    bool get = req->method == AM_METHOD_GET || req->method == AM_METHOD_HEAD;
    const char *id;

    if (strcmp(req->path, AM_PAGE_CSS_PATH) == 0 && get)
        return static_text(resp, "text/css; charset=utf-8", am_page_css(), AM_PAGE_CSP);
    if (strcmp(req->path, AM_PAGE_DASHBOARD_PATH) == 0 && get)
        return static_text(resp, HTML, am_page_dashboard_html(), AM_PAGE_CSP_DASHBOARD);
    if (strcmp(req->path, AM_PAGE_DASHBOARD_JS_PATH) == 0 && get)
        return static_text(resp, "text/javascript; charset=utf-8", am_page_dashboard_js(),
                           AM_PAGE_CSP_DASHBOARD);
    if ((id = one_segment(req->path, "/i/"))) {
        if (get)
            return invoice_get(app, req, id, real_now, resp);
        if (req->method == AM_METHOD_POST)
            return invoice_post(app, req, id, real_now, resp);
    } else if ((id = one_segment(req->path, "/c/"))) {
        if (get)
            return link_get(app, req, id, real_now, resp);
        if (req->method == AM_METHOD_POST)
            return link_post(app, req, id, real_now, resp);
    } else if ((id = one_segment(req->path, "/b/pdf/"))) {
        if (get)
            return boleto_pdf(app, req, id, real_now, resp);
    } else if ((id = one_segment(req->path, "/comprovantes/"))) {
        if (get)
            return receipt(app, req, id, real_now, resp);
    } else {
        return am_response_error(resp, 404, AM_ERR_NOT_FOUND, AM_TXT_ROUTE_NOT_FOUND);
    }
    return message(resp, 405, "M\xc3\xa9todo n\xc3\xa3o permitido",
                   "Esta p\xc3\xa1gina s\xc3\xb3 aceita GET (e POST nos formul\xc3\xa1rios).");
}

/* api_sub_extras.c - what installments and subscriptions still lacked: payment books
 * (PDF, paybook.h), a subscription's card change, its invoice settings and invoices,
 * and an installment's splits (see api_payrest.h). */
#include "api_payrest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "customers.h"
#include "input.h"
#include "money.h"
#include "paybook.h"
#include "records.h"
#include "subscriptions.h"

#define INV_SETTINGS "subscriptionInvoiceSettings"
#define INVOICES "invoices" /* the links area's collection */
#define INST_SPLITS "installmentSplits"

/* ---- payment books ---------------------------------------------------------------- */

static int by_due_asc(const void *a, const void *b)
{
    const struct am_payment *p = *(struct am_payment *const *)a;
    const struct am_payment *q = *(struct am_payment *const *)b;

    if (p->due_day != q->due_day)
        return p->due_day < q->due_day ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* sort/order of the query: 0 with *desc, or 1 (answered 400). */
static int read_order(const struct am_ctx *ctx, bool *desc, struct am_response *resp)
{
    const char *sort = am_api_query_value(ctx->query, "sort");
    const char *order = am_api_query_value(ctx->query, "order");

    *desc = false;
    if ((sort && strcmp(sort, "dueDate") != 0) ||
        (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0))
        return am_input_fail(resp, 400, AM_ERR_PAYBOOK_QUERY, AM_TXT_PAYBOOK_QUERY);
    *desc = order && strcmp(order, "desc") == 0;
    return 0;
}

/* Renders the live payments of list (sorted by due date) as a book and answers it. */
static int answer_book(struct am_ctx *ctx, struct am_payment **list, size_t n, int64_t last_day,
                       bool desc, const char *customer, const char *description,
                       const char *title, unsigned count, struct am_response *resp)
{
    const struct am_customer *c = am_customer_store_find(ctx->account->customers, customer);
    struct am_paybook_row *rows = NULL;
    struct am_paybook book;
    uint8_t *pdf = NULL;
    size_t pdf_len = 0, m = 0;
    int r;

    qsort(list, n, sizeof(list[0]), by_due_asc);
    rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct am_payment *p = list[desc ? n - 1 - i : i];

        if (p->deleted || (last_day != AM_NO_DAY && p->due_day > last_day))
            continue;
        rows[m].number = p->installment_number ? p->installment_number : (unsigned)(m + 1);
        rows[m].due_day = p->due_day;
        rows[m].value_cents = p->value_cents;
        rows[m].payment_id = p->id;
        rows[m].invoice_number = p->invoice_number;
        rows[m].status = am_payment_status_name(p->status);
        m++;
    }
    if (m == 0) {
        free(rows);
        return am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAYBOOK_EMPTY);
    }
    memset(&book, 0, sizeof(book));
    book.title = title;
    book.beneficiary = ctx->account->name;
    book.payer = c ? c->name : NULL;
    book.payer_doc = c ? c->cpf_cnpj : NULL;
    book.description = description;
    book.rows = rows;
    book.n_rows = m;
    book.count = count; /* an installment's own count, even with charges deleted */
    r = am_paybook_pdf(&book, &pdf, &pdf_len);
    free(rows);
    if (r < 0)
        return r;
    r = am_response_text(resp, 200, "application/pdf", (const char *)pdf, pdf_len);
    free(pdf);
    return r;
}

int am_api_installments_payment_book(struct am_ctx *ctx, const char *id,
                                     const struct am_request *req, struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0;
    bool desc;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    inst = am_billing_installment_find(ctx->account->billing, id);
    r = am_api_found(ctx, inst, resp);
    if (r)
        return am_input_done(r);
    r = read_order(ctx, &desc, resp);
    if (r)
        return am_input_done(r);
    if (inst->billing_type == AM_BILLING_CREDIT_CARD)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAYBOOK_CARD));
    r = am_billing_payments_of_installment(ctx->account->billing, inst->id, &list, &n);
    if (r < 0)
        return r;
    r = answer_book(ctx, list, n, AM_NO_DAY, desc, inst->customer, inst->description,
                    "Carnê de pagamento - parcelamento", inst->count, resp);
    free(list);
    return am_input_done(r);
}

int am_api_subscriptions_payment_book(struct am_ctx *ctx, const char *id,
                                      const struct am_request *req, struct am_response *resp)
{
    struct am_payment **list = NULL;
    struct am_subscription *s;
    const char *month, *year;
    int64_t last = AM_NO_DAY;
    size_t n = 0;
    bool desc;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    s = am_recurring_find(ctx->account->recurring, id);
    r = am_api_found(ctx, s, resp);
    if (r)
        return am_input_done(r);
    r = read_order(ctx, &desc, resp);
    if (r)
        return am_input_done(r);
    month = am_api_query_value(ctx->query, "month");
    year = am_api_query_value(ctx->query, "year");
    if (month || year) {
        char day[11];
        long m = 0, y = 0;
        cJSON *mj = cJSON_CreateString(month ? month : ""), *yj = cJSON_CreateString(year ? year : "");
        int rm = am_input_int(mj, 1, 12, &m), ry = am_input_int(yj, 1970, 9999, &y);

        cJSON_Delete(mj);
        cJSON_Delete(yj);
        if (rm < 0 || ry < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_PAYBOOK_QUERY, AM_TXT_PAYBOOK_QUERY));
        /* the last day of month/year: the first of the next month, minus one */
        snprintf(day, sizeof(day), "%04ld-%02ld-01", y, m);
        if (am_cal_parse_day(day, &last) < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_PAYBOOK_QUERY, AM_TXT_PAYBOOK_QUERY));
        last = am_cal_add_months(last, 1) - 1;
    }
    r = am_billing_payments_of_subscription(ctx->account->billing, s->id, &list, &n);
    if (r < 0)
        return r;
    r = answer_book(ctx, list, n, last, desc, s->customer, s->description,
                    "Carnê de pagamento - assinatura", 0, resp);
    free(list);
    return am_input_done(r);
}

/* ---- subscription card ------------------------------------------------------------ */

int am_api_subscriptions_credit_card(struct am_ctx *ctx, const char *id,
                                     const struct am_request *req, struct am_response *resp)
{
    struct am_payment **list = NULL;
    struct am_subscription *s;
    struct am_input_card card;
    struct am_billing *b;
    cJSON *json = NULL;
    size_t n = 0;
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    s = am_recurring_find(ctx->account->recurring, id);
    r = am_api_found(ctx, s, resp);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    if (s->deleted) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_SUB_DELETED);
        goto out;
    }
    if (s->billing_type != AM_BILLING_CREDIT_CARD) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_SUB_CARD_TYPE);
        goto out;
    }
    r = am_input_card(b, json, s->customer, am_api_today(ctx), AM_INPUT_CARD_REQUIRED, &card, resp);
    if (r)
        goto out;
    if (am_input_card_declined(&card)) {
        r = am_input_card_decline(resp);
        goto out;
    }
    am_input_card_mint(ctx->ids, &card);
    r = am_input_card_store(b, s->customer, &card);
    if (r < 0)
        goto out;
    card.info.present = true;
    s->card = card.info;
    /* Charges still to be paid are charged on the new card. */
    r = am_billing_payments_of_subscription(b, s->id, &list, &n);
    if (r < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!list[i]->deleted &&
            (list[i]->status == AM_PAY_PENDING || list[i]->status == AM_PAY_OVERDUE))
            list[i]->card = card.info;
    }
    free(list);
    if (!am_subscription_emit(b, "SUBSCRIPTION_UPDATED", s, ctx->now)) {
        r = -ENOMEM;
        goto out;
    }
    r = am_api_answer_json(resp, am_subscription_to_json(s));
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- invoice settings ------------------------------------------------------------- */

static bool period_valid(const char *p)
{
    static const char *const periods[] = {"ON_PAYMENT_CONFIRMATION", "ON_PAYMENT_DUE_DATE",
                                          "BEFORE_PAYMENT_DUE_DATE", "ON_DUE_DATE_MONTH",
                                          "ON_NEXT_MONTH"};

    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
        if (strcmp(p, periods[i]) == 0)
            return true;
    }
    return false;
}

/* The settings' taxes object from the body's: required rates 0..100 and retainIss. */
static int read_taxes(const cJSON *json, cJSON **ret, struct am_response *resp)
{
    static const char *const rates[] = {"iss", "pis", "cofins", "csll", "inss", "ir"};
    static const char *const optional_text[] = {"nbsCode", "taxSituationCode",
                                                "taxClassificationCode", "operationIndicatorCode",
                                                "pisCofinsTaxStatus"};
    const cJSON *t = am_input_field(json, "taxes"), *retain;
    char text[128];
    cJSON *o;

    *ret = NULL;
    if (!cJSON_IsObject(t))
        return am_input_fail(resp, 400, AM_ERR_INV_TAXES, AM_TXT_INV_TAXES);
    retain = cJSON_GetObjectItemCaseSensitive(t, "retainIss");
    if (!cJSON_IsBool(retain))
        return am_input_fail(resp, 400, AM_ERR_INV_TAXES, AM_TXT_INV_TAXES);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    for (size_t i = 0; i < sizeof(optional_text) / sizeof(optional_text[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, optional_text[i]);

        if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
            cJSON_Delete(o);
            return am_input_type_error(resp, optional_text[i]);
        }
        cJSON_AddItemToObject(o, optional_text[i], cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
                                                                     : cJSON_CreateNull());
    }
    cJSON_AddBoolToObject(o, "retainIss", cJSON_IsTrue(retain));
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, rates[i]);

        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 100) {
            cJSON_Delete(o);
            snprintf(text, sizeof(text), AM_TXT_INV_TAX_FMT, rates[i]);
            return am_input_fail(resp, 400, AM_ERR_INV_TAXES, text);
        }
        cJSON_AddNumberToObject(o, rates[i], v->valuedouble);
    }
    *ret = o;
    return 0;
}

/* Reads a settings body over old (NULL on create) into a new settings object. */
static int read_settings(const cJSON *json, const cJSON *old, bool create, cJSON **ret,
                         struct am_response *resp)
{
    static const long days_allowed[] = {5, 10, 15, 30, 60};
    const char *service_id = NULL, *service_code = NULL, *service_name = NULL, *period = NULL;
    const char *observations = NULL;
    const cJSON *item;
    cJSON *o = NULL, *taxes = NULL;
    int64_t deductions = 0;
    long days = -1;
    bool received = false, received_present = false;
    int r;

    *ret = NULL;
    if ((r = am_input_text(json, "municipalServiceId", &service_id, resp)) ||
        (r = am_input_text(json, "municipalServiceCode", &service_code, resp)) ||
        (r = am_input_text(json, "municipalServiceName", &service_name, resp)) ||
        (r = am_input_text(json, "effectiveDatePeriod", &period, resp)) ||
        (r = am_input_text(json, "observations", &observations, resp)))
        return r;
    if (!create) { /* the service is fixed once configured */
        const cJSON *v;

        v = cJSON_GetObjectItemCaseSensitive(old, "municipalServiceId");
        service_id = cJSON_IsString(v) ? v->valuestring : NULL;
        v = cJSON_GetObjectItemCaseSensitive(old, "municipalServiceCode");
        service_code = cJSON_IsString(v) ? v->valuestring : NULL;
        v = cJSON_GetObjectItemCaseSensitive(old, "municipalServiceName");
        service_name = cJSON_IsString(v) ? v->valuestring : NULL;
    }
    if (!service_id && !service_code)
        return am_input_fail(resp, 400, AM_ERR_INV_SERVICE, AM_TXT_INV_SERVICE);
    if ((item = am_input_field(json, "deductions")) &&
        (am_money_from_json(item, &deductions) < 0 || deductions < 0))
        return am_input_fail(resp, 400, AM_ERR_INV_DEDUCTIONS, AM_TXT_INV_DEDUCTIONS);
    if (!item && old) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, "deductions");

        if (cJSON_IsNumber(v))
            am_money_from_json(v, &deductions);
    }
    if (!period && old) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, "invoiceCreationPeriod");

        period = cJSON_IsString(v) ? v->valuestring : NULL;
    }
    if (!period)
        period = "ON_PAYMENT_CONFIRMATION";
    if (!period_valid(period))
        return am_input_fail(resp, 400, AM_ERR_INV_PERIOD, AM_TXT_INV_PERIOD);
    item = am_input_field(json, "daysBeforeDueDate");
    if (item && am_input_int(item, 0, 365, &days) < 0)
        return am_input_fail(resp, 400, AM_ERR_INV_DAYS, AM_TXT_INV_DAYS);
    if (!item && old) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, "daysBeforeDueDate");

        days = cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
    }
    if (strcmp(period, "BEFORE_PAYMENT_DUE_DATE") == 0) {
        bool ok = false;

        for (size_t i = 0; i < sizeof(days_allowed) / sizeof(days_allowed[0]); i++)
            ok = ok || days == days_allowed[i];
        if (!ok)
            return am_input_fail(resp, 400, AM_ERR_INV_DAYS, AM_TXT_INV_DAYS);
    } else {
        days = -1;
    }
    if (am_json_get_bool(json, "receivedOnly", &received, &received_present) < 0)
        return am_input_type_error(resp, "receivedOnly");
    if (!received_present && old)
        received = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(old, "receivedOnly"));
    if (!observations && old) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, "observations");

        observations = cJSON_IsString(v) ? v->valuestring : NULL;
    }
    r = read_taxes(json, &taxes, resp);
    if (r)
        return r;
    o = cJSON_CreateObject();
    if (!o || am_json_add_string_or_null(o, "municipalServiceId", service_id) < 0 ||
        am_json_add_string_or_null(o, "municipalServiceCode", service_code) < 0 ||
        am_json_add_string_or_null(o, "municipalServiceName", service_name) < 0 ||
        am_money_add(o, "deductions", deductions) != 0 ||
        !cJSON_AddStringToObject(o, "invoiceCreationPeriod", period) ||
        !(days >= 0 ? cJSON_AddNumberToObject(o, "daysBeforeDueDate", (double)days)
                    : cJSON_AddNullToObject(o, "daysBeforeDueDate")) ||
        !cJSON_AddBoolToObject(o, "receivedOnly", received) ||
        am_json_add_string_or_null(o, "observations", observations) < 0 ||
        !cJSON_AddItemToObject(o, "taxes", taxes)) {
        cJSON_Delete(o);
        cJSON_Delete(taxes);
        return -ENOMEM;
    }
    *ret = o;
    return 0;
}

/* The live subscription id: 0 with *ret, 1 (answered) or <0. */
static int live_sub(struct am_ctx *ctx, const char *id, struct am_subscription **ret,
                    struct am_response *resp)
{
    int r;

    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    *ret = am_recurring_find(ctx->account->recurring, id);
    r = am_api_found(ctx, *ret, resp);
    if (r)
        return r;
    if ((*ret)->deleted)
        return am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_SUB_DELETED);
    return 0;
}

/* The settings as Asaas renders them: without the id they are stored under. */
static int answer_settings(struct am_response *resp, const cJSON *stored)
{
    cJSON *o = am_records_public(stored);

    if (o)
        cJSON_DeleteItemFromObjectCaseSensitive(o, "id");
    return am_api_answer_json(resp, o);
}

static int save_settings(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp, bool create)
{
    struct am_subscription *s;
    cJSON *json = NULL, *old, *o = NULL;
    int r;

    r = live_sub(ctx, id, &s, resp);
    if (r)
        return am_input_done(r);
    old = am_records_find(ctx->account->records, INV_SETTINGS, s->id);
    if (!create && !old)
        return am_input_done(am_api_not_found(resp));
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    if (create && old) {
        r = am_input_fail(resp, 400, AM_ERR_INV_SETTINGS, AM_TXT_INV_SETTINGS_EXISTS);
        goto out;
    }
    r = read_settings(json, old, create, &o, resp);
    if (r)
        goto out;
    /* stored under the subscription's id (left out of the answer) */
    if (!cJSON_AddStringToObject(o, "id", s->id)) {
        r = -ENOMEM;
        goto out;
    }
    if (old)
        am_records_remove(ctx->account->records, INV_SETTINGS, s->id);
    r = am_records_add(ctx->account->records, INV_SETTINGS, o);
    o = NULL;
    if (r == 0)
        r = answer_settings(resp, am_records_find(ctx->account->records, INV_SETTINGS, s->id));
out:
    cJSON_Delete(o);
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_sub_invoice_settings_create(struct am_ctx *ctx, const char *id,
                                       const struct am_request *req, struct am_response *resp)
{
    return save_settings(ctx, id, req, resp, true);
}

int am_api_sub_invoice_settings_update(struct am_ctx *ctx, const char *id,
                                       const struct am_request *req, struct am_response *resp)
{
    return save_settings(ctx, id, req, resp, false);
}

int am_api_sub_invoice_settings_get(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    struct am_subscription *s;
    cJSON *o;
    int r;

    (void)req;
    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    s = am_recurring_find(ctx->account->recurring, id);
    o = s ? am_records_find(ctx->account->records, INV_SETTINGS, s->id) : NULL;
    r = am_api_found(ctx, o, resp);
    return r ? am_input_done(r) : answer_settings(resp, o);
}

int am_api_sub_invoice_settings_delete(struct am_ctx *ctx, const char *id,
                                       const struct am_request *req, struct am_response *resp)
{
    struct am_subscription *s;
    int r;

    (void)req;
    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    s = am_recurring_find(ctx->account->recurring, id);
    r = am_api_found(ctx, s && am_records_find(ctx->account->records, INV_SETTINGS, s->id) ? s : NULL,
                     resp);
    if (r)
        return am_input_done(r);
    r = am_records_remove(ctx->account->records, INV_SETTINGS, s->id);
    return r < 0 ? r : am_api_answer_deleted(resp, s->id);
}

/* ---- a subscription's invoices ---------------------------------------------------- */

static bool str_member_is(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

int am_api_subscriptions_invoices(struct am_ctx *ctx, const char *id,
                                  const struct am_request *req, struct am_response *resp)
{
    const char *status, *ext, *customer, *ge, *le;
    struct am_subscription *s;
    struct am_records *rec;
    struct am_api_pager pg;
    struct am_page page;
    int64_t ge_day = AM_NO_DAY, le_day = AM_NO_DAY;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    s = am_recurring_find(ctx->account->recurring, id);
    r = am_api_found(ctx, s, resp);
    if (r)
        return am_input_done(r);
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    status = am_api_query_value(ctx->query, "status");
    ext = am_api_query_value(ctx->query, "externalReference");
    customer = am_api_query_value(ctx->query, "customer");
    ge = am_api_query_value(ctx->query, "effectiveDate[ge]");
    le = am_api_query_value(ctx->query, "effectiveDate[le]");
    if ((ge && am_cal_parse_day(ge, &ge_day) < 0) || (le && am_cal_parse_day(le, &le_day) < 0))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAYBOOK_QUERY, AM_TXT_PAYBOOK_QUERY));
    rec = ctx->account->records;
    am_api_pager_init(&pg, &page);
    /* newest first, as every Asaas list */
    for (size_t i = rec ? am_records_count(rec, INVOICES) : 0; i-- > 0;) {
        const cJSON *inv = am_records_at(rec, INVOICES, i);
        const cJSON *pay = cJSON_GetObjectItemCaseSensitive(inv, "payment");
        const cJSON *eff = cJSON_GetObjectItemCaseSensitive(inv, "effectiveDate");
        const struct am_payment *p;
        int64_t day = AM_NO_DAY;

        p = cJSON_IsString(pay) ? am_billing_payment_find(ctx->account->billing, pay->valuestring)
                                : NULL;
        if (!p || strcmp(p->subscription, s->id) != 0)
            continue;
        if ((status && !str_member_is(inv, "status", status)) ||
            (ext && !str_member_is(inv, "externalReference", ext)) ||
            (customer && !str_member_is(inv, "customer", customer)))
            continue;
        if (cJSON_IsString(eff))
            am_cal_parse_day(eff->valuestring, &day);
        if ((ge_day != AM_NO_DAY && (day == AM_NO_DAY || day < ge_day)) ||
            (le_day != AM_NO_DAY && (day == AM_NO_DAY || day > le_day)))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(inv));
    }
    return am_api_pager_answer(&pg, resp);
}

/* ---- installment splits ----------------------------------------------------------- */

/* One split of the body, checked; *ret the rendered split (new). 0, 1 (answered), <0. */
static int read_split(struct am_ctx *ctx, const struct am_installment *inst, const cJSON *item,
                      cJSON **ret, struct am_response *resp)
{
    const char *wallet = NULL, *ext = NULL, *desc = NULL;
    const cJSON *fixed = NULL, *pct = NULL, *total = NULL, *num;
    int64_t fixed_c = 0, total_c = 0, pct_h = 0, value_c;
    long number = 0;
    int sent = 0, r;
    char id[37];
    cJSON *o;

    *ret = NULL;
    if (!cJSON_IsObject(item))
        return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_WALLET);
    if ((r = am_input_text(item, "walletId", &wallet, resp)) ||
        (r = am_input_text(item, "externalReference", &ext, resp)) ||
        (r = am_input_text(item, "description", &desc, resp)))
        return r;
    if (!wallet || !ctx->registry || !am_registry_find_wallet(ctx->registry, wallet))
        return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_WALLET);
    if (strcmp(wallet, ctx->account->wallet_id) == 0)
        return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_OWN_WALLET);
    if ((fixed = am_input_field(item, "fixedValue")) != NULL) {
        sent++;
        if (am_money_from_json(fixed, &fixed_c) < 0 || fixed_c <= 0)
            return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_VALUE);
    }
    if ((total = am_input_field(item, "totalFixedValue")) != NULL) {
        sent++;
        if (am_money_from_json(total, &total_c) < 0 || total_c <= 0)
            return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_VALUE);
    }
    if ((pct = am_input_field(item, "percentualValue")) != NULL) {
        sent++;
        if (am_money_from_json(pct, &pct_h) < 0 || pct_h <= 0 || pct_h > 10000)
            return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_PERCENT);
    }
    if (sent != 1)
        return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_VALUE);
    num = am_input_field(item, "installmentNumber");
    if (num && (total || am_input_int(num, 1, (long)inst->count, &number) < 0))
        return am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_NUMBER);
    /* what one installment sends: a fixed value, its share of the total, or a percentage
     * of the installment's value */
    value_c = fixed ? fixed_c
                    : total ? total_c / (int64_t)(inst->count ? inst->count : 1)
                            : inst->payment_value_cents * pct_h / 10000;
    am_ids_uuid(ctx->ids, id);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "id", id) ||
        !cJSON_AddStringToObject(o, "walletId", wallet) ||
        !(fixed ? am_money_add(o, "fixedValue", fixed_c) == 0
                : cJSON_AddNullToObject(o, "fixedValue") != NULL) ||
        !(pct ? am_money_add(o, "percentualValue", pct_h) == 0
              : cJSON_AddNullToObject(o, "percentualValue") != NULL) ||
        am_money_add(o, "totalValue", value_c) != 0 ||
        !cJSON_AddNullToObject(o, "cancellationReason") ||
        !cJSON_AddStringToObject(o, "status", "PENDING") ||
        am_json_add_string_or_null(o, "externalReference", ext) < 0 ||
        am_json_add_string_or_null(o, "description", desc) < 0 ||
        !(number ? cJSON_AddNumberToObject(o, "installmentNumber", (double)number) != NULL
                 : cJSON_AddNullToObject(o, "installmentNumber") != NULL)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    *ret = o;
    return 0;
}

int am_api_installments_splits(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_installment *inst;
    const cJSON *list, *item;
    cJSON *json = NULL, *doc = NULL, *arr, *out;
    int r;

    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    inst = am_billing_installment_find(ctx->account->billing, id);
    r = am_api_found(ctx, inst, resp);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    list = am_input_field(json, "splits");
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0 || cJSON_GetArraySize(list) > 50) {
        r = am_input_fail(resp, 400, AM_ERR_SPLIT, AM_TXT_SPLIT_LIST);
        goto out;
    }
    doc = cJSON_CreateObject();
    arr = doc && cJSON_AddStringToObject(doc, "id", inst->id) ? cJSON_AddArrayToObject(doc, "splits")
                                                              : NULL;
    if (!arr) {
        r = -ENOMEM;
        goto out;
    }
    cJSON_ArrayForEach(item, list) {
        cJSON *split;

        r = read_split(ctx, inst, item, &split, resp);
        if (r)
            goto out;
        cJSON_AddItemToArray(arr, split);
    }
    /* the new list replaces the old one */
    am_records_remove(ctx->account->records, INST_SPLITS, inst->id);
    r = am_records_add(ctx->account->records, INST_SPLITS, doc);
    doc = NULL;
    if (r < 0)
        goto out;
    out = cJSON_CreateObject();
    item = am_records_find(ctx->account->records, INST_SPLITS, inst->id);
    if (!out || !cJSON_AddItemToObject(out, "splits",
                                       cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(item, "splits"), true))) {
        cJSON_Delete(out);
        r = -ENOMEM;
        goto out;
    }
    r = am_api_answer_json(resp, out);
out:
    cJSON_Delete(doc);
    cJSON_Delete(json);
    return am_input_done(r);
}

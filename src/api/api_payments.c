/* api_payments.c - /v3/payments, /v3/creditCard and the sandbox payment actions (see
 * api_payments.h), on top of the billing domain (billing.h). The read-only views of a
 * payment (QR code, boleto line, billing info...) are in api_payment_info.c.
 *
 * Requests are validated completely before anything is stored, in the order Asaas
 * reports problems, and only the first problem is answered (Asaas short-circuits). A
 * refused request never leaves a half-made payment behind. */
#include "api_payments.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_splits.h"
#include "asaas_facts.h"
#include "billing.h"
#include "boleto.h"
#include "brcode.h"
#include "clock.h"
#include "customers.h"
#include "fees.h"
#include "input.h"
#include "money.h"
#include "qrpng.h"

#define MAX_FILTER_KEY 48

static struct am_billing *billing_of(const struct am_ctx *ctx)
{
    return ctx && ctx->account ? ctx->account->billing : NULL;
}

static int answer_payment(struct am_response *resp, const struct am_payment *p)
{
    struct am_jsonw w = {0};

    am_payment_write(&w, NULL, p);
    return am_response_jsonw(resp, 200, &w);
}

/* The answer to a plain create (no card, no installments) is the snapshot its
 * PAYMENT_CREATED event just rendered: nothing touched the payment since, so the bytes
 * are the same and the payment is rendered once. Anything else renders afresh. */
static int answer_created(struct am_billing *b, struct am_response *resp,
                          const struct am_payment *p)
{
    size_t n = am_billing_events_count(b);
    const struct am_event *e = n ? am_billing_event_at(b, n - 1) : NULL;

    if (e && e->snapshot && strcmp(e->name, "PAYMENT_CREATED") == 0 &&
        strcmp(e->resource_type, "payment") == 0 && strcmp(e->resource_id, p->id) == 0)
        return am_response_text(resp, 200, "application/json", e->snapshot, strlen(e->snapshot));
    return answer_payment(resp, p);
}

/* A dueDate field: 1 with resp filled when missing (if required), malformed or past. */
static int parse_due_date(const cJSON *json, bool required, int64_t today, int64_t *ret,
                          bool *present, struct am_response *resp)
{
    const cJSON *item = am_input_field(json, "dueDate");

    *present = false;
    if (!item || (cJSON_IsString(item) && item->valuestring && !*item->valuestring)) {
        if (required)
            return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_MISSING);
        return 0;
    }
    if (!cJSON_IsString(item) || am_cal_parse_day(item->valuestring, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_INVALID);
    if (*ret < today)
        return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_PAST);
    *present = true;
    return 0;
}

/* Mints and stores a token for a newly seen card of customer (no-op for a token). */
static int issue_token(struct am_ctx *ctx, struct am_billing *b, const char *customer,
                       struct am_input_card *c)
{
    am_input_card_mint(ctx->ids, c);
    return am_input_card_store(b, customer, c);
}

/* ---- create ----------------------------------------------------------------------- */

struct create_req {
    const char *customer;
    enum am_billing_type type;
    int64_t value;       /* per payment (plain) */
    int64_t due_day;
    const char *description;
    const char *external_reference;
    bool postal_service;
    long days_after_due;
    unsigned n;          /* installments; 0 = plain charge */
    int64_t total;       /* installments: total */
    int64_t each;        /* installments: installmentValue, 0 = split the total */
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    struct am_input_card card;
    bool authorize_only;
};

static int validate_create(struct am_ctx *ctx, const cJSON *json, struct create_req *q,
                           struct am_response *resp)
{
    struct am_billing *b = billing_of(ctx);
    const cJSON *item;
    const char *s = NULL;
    struct am_input_terms terms;
    bool present;
    long n = 0;
    int r;

    memset(q, 0, sizeof(*q));
    q->discount.limit_day = AM_NO_DAY;
    q->days_after_due = -1;
    if (am_json_get_string(json, "customer", &s) < 0 || !s || !*s ||
        !am_customer_store_is_active(ctx->account->customers, s))
        return am_input_fail(resp, 400, AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER);
    q->customer = s;
    item = am_input_field(json, "billingType");
    if (!item)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_MISSING);
    if (!cJSON_IsString(item) || am_billing_type_parse(item->valuestring, &q->type) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
    r = am_input_pix_available(ctx, q->type, resp); /* area pix */
    if (r)
        return r;

    r = am_input_int(am_input_field(json, "installmentCount"), 1, 1000, &n);
    if (r == -EINVAL || (r == 0 && (n < 2 || n > (q->type == AM_BILLING_CREDIT_CARD
                                                      ? AM_INSTALLMENTS_MAX_CARD
                                                      : AM_INSTALLMENTS_MAX))))
        return am_input_fail(resp, 400, AM_ERR_INSTALLMENT_COUNT, AM_TXT_INSTALLMENT_COUNT);
    if (r == 0) {
        q->n = (unsigned)n;
        r = am_money_from_json(am_input_field(json, "totalValue"), &q->total);
        if (r == -EINVAL || (r == 0 && q->total <= 0))
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        if (r == -ENOENT) {
            /* installmentValue, else value, is the value of each installment. */
            const cJSON *each = am_input_field(json, "installmentValue");

            r = am_money_from_json(each ? each : am_input_field(json, "value"), &q->each);
            if (r == -ENOENT)
                return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
            if (r < 0 || q->each <= 0)
                return am_input_fail(resp, 400, each ? AM_ERR_INSTALLMENT_VALUE : AM_ERR_PAY_VALUE,
                              each ? AM_TXT_INSTALLMENT_VALUE : AM_TXT_PAY_VALUE_INVALID);
            q->total = q->each * (int64_t)q->n;
        } else if (q->total < (int64_t)q->n) {
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        }
    } else {
        r = am_money_from_json(am_input_field(json, "value"), &q->value);
        if (r == -ENOENT)
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
        if (r < 0 || q->value <= 0)
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
    }
    r = parse_due_date(json, true, am_api_today(ctx), &q->due_day, &present, resp);
    if (r)
        return r;
    if ((r = am_input_text(json, "description", &q->description, resp)) ||
        (r = am_input_text(json, "externalReference", &q->external_reference, resp)))
        return r;
    if (am_json_get_bool(json, "postalService", &q->postal_service, NULL) < 0)
        return am_input_type_error(resp, "postalService");
    r = am_input_int(am_input_field(json, "daysAfterDueDateToRegistrationCancellation"), 0, 3650,
                &q->days_after_due);
    if (r == -EINVAL)
        return am_input_type_error(resp, "daysAfterDueDateToRegistrationCancellation");
    if (r == -ENOENT)
        q->days_after_due = -1;
    r = am_input_terms(json, &terms, resp);
    if (r)
        return r;
    q->discount = terms.discount;
    q->fine = terms.fine;
    q->interest = terms.interest;
    if (am_json_get_bool(json, "authorizeOnly", &q->authorize_only, NULL) < 0)
        return am_input_type_error(resp, "authorizeOnly");
    if (q->type == AM_BILLING_CREDIT_CARD) {
        r = am_input_card(b, json, q->customer, am_api_today(ctx), AM_INPUT_CARD_OPTIONAL, &q->card,
                          resp);
        if (r)
            return r;
        if (am_input_card_declined(&q->card))
            return am_input_card_decline(resp);
    }
    return 0;
}

static void spec_from(const struct create_req *q, struct am_payment_spec *spec)
{
    am_payment_spec_init(spec);
    spec->customer = q->customer;
    spec->billing_type = q->type;
    spec->value_cents = q->value;
    spec->due_day = q->due_day;
    spec->description = q->description;
    spec->external_reference = q->external_reference;
    spec->discount = q->discount;
    spec->fine = q->fine;
    spec->interest = q->interest;
    spec->postal_service = q->postal_service;
    spec->days_after_due_to_cancel = (int32_t)q->days_after_due;
}

static int create_plain(struct am_ctx *ctx, struct am_billing *b, struct create_req *q,
                        struct am_payment **ret)
{
    struct am_payment_spec spec;
    int r;

    spec_from(q, &spec);
    r = am_billing_payment_create(b, ctx->ids, &spec, ctx->now, ret);
    if (r < 0 || !q->card.present)
        return r;
    r = issue_token(ctx, b, q->customer, &q->card);
    if (r < 0)
        return r;
    if (q->authorize_only)
        return am_billing_payment_authorize(b, *ret, &q->card.info, ctx->now);
    return am_billing_payment_pay_card(b, *ret, &q->card.info, 1, NULL, ctx->now);
}

static int create_installments(struct am_ctx *ctx, struct am_billing *b, struct create_req *q,
                               struct am_payment **ret_first)
{
    struct am_installment inst;
    int64_t *values = NULL, *fees = NULL;
    char *desc = NULL;
    size_t desc_len = q->description ? strlen(q->description) + 32 : 32;
    bool card = q->type == AM_BILLING_CREDIT_CARD;
    int r = -ENOMEM;

    values = calloc(q->n, sizeof(*values));
    fees = calloc(q->n, sizeof(*fees));
    desc = malloc(desc_len);
    if (!values || !fees || !desc)
        goto out;
    if (q->each > 0) {
        for (unsigned i = 0; i < q->n; i++)
            values[i] = q->each;
    } else {
        am_installments_split(q->total, q->n, values);
    }
    if (card) {
        am_fee_card_installments(q->total, q->n, fees);
    } else {
        for (unsigned i = 0; i < q->n; i++)
            fees[i] = am_fee_for(q->type, values[i]);
    }
    if (q->card.present) {
        r = issue_token(ctx, b, q->customer, &q->card);
        if (r < 0)
            goto out;
    }

    memset(&inst, 0, sizeof(inst));
    am_ids_uuid(ctx->ids, inst.id);
    inst.created_at = ctx->now;
    snprintf(inst.customer, sizeof(inst.customer), "%s", q->customer);
    inst.billing_type = q->type;
    inst.value_cents = q->total;
    inst.payment_value_cents = values[q->n - 1];
    inst.count = q->n;
    inst.description = (char *)q->description; /* copied by installment_add */
    inst.first_due_day = q->due_day;
    inst.payment_day = AM_NO_DAY;
    if (q->card.present && !q->authorize_only) {
        inst.card = q->card.info;
        am_billing_receipt_id(inst.id, inst.receipt);
        inst.payment_day = am_api_today(ctx);
    } else if (q->card.present) {
        inst.card = q->card.info;
    }
    r = am_billing_installment_add(b, &inst, NULL);
    if (r < 0)
        goto out;

    for (unsigned i = 0; i < q->n; i++) {
        struct am_payment_spec spec;
        struct am_payment *p = NULL;

        spec_from(q, &spec);
        if (q->description)
            snprintf(desc, desc_len, "Parcela %u de %u. %s", i + 1, q->n, q->description);
        else
            snprintf(desc, desc_len, "Parcela %u de %u.", i + 1, q->n);
        spec.description = desc;
        spec.value_cents = values[i];
        spec.fee_cents = fees[i];
        spec.due_day = am_cal_add_months(q->due_day, (int)i);
        spec.installment = inst.id;
        spec.installment_number = i + 1;
        r = am_billing_payment_create(b, ctx->ids, &spec, ctx->now, &p);
        if (r < 0)
            goto out;
        if (q->card.present) {
            if (q->authorize_only)
                r = am_billing_payment_authorize(b, p, &q->card.info, ctx->now);
            else
                r = am_billing_payment_pay_card(b, p, &q->card.info, i + 1, inst.receipt,
                                                ctx->now);
            if (r < 0)
                goto out;
        }
        if (i == 0)
            *ret_first = p;
    }
    r = 0;
out:
    free(values);
    free(fees);
    free(desc);
    return r;
}

int am_api_payments_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_billing *b = billing_of(ctx);
    struct am_payment *p = NULL;
    struct create_req q;
    cJSON *json = NULL;
    int r;

    (void)id;
    if (!b || !ctx->ids || !ctx->account->customers)
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r != 0)
        return am_input_done(r);
    r = validate_create(ctx, json, &q, resp);
    if (r == 0) /* area accounts: split[] against the wallets, before anything is written */
        r = am_api_splits_check(ctx, json, "split", q.n ? (q.each ? q.each : q.total / q.n) : q.value,
                                q.type, q.n ? q.n : 1, resp);
    if (r != 0)
        goto out;
    if (q.n)
        r = create_installments(ctx, b, &q, &p);
    else
        r = create_plain(ctx, b, &q, &p);
    if (r == 0)
        r = am_api_splits_attach(ctx, json, "split", q.n ? "installment" : "payment",
                                 q.n ? p->installment : p->id, q.n ? q.n : 1);
    if (r < 0)
        goto out;
    r = q.n || q.card.present ? answer_payment(resp, p) : answer_created(b, resp, p);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- list ------------------------------------------------------------------------- */

static const char *qv(const struct am_ctx *ctx, const char *key)
{
    const char *v = am_query_get(ctx->query, key);

    return v && *v ? v : NULL; /* "key=" means no filter */
}

/* Reads key, key[ge], key[le] (also [Ge]/[Le]) as inclusive day bounds. Returns 1 with
 * resp filled on a malformed date. */
static int day_bounds(const struct am_ctx *ctx, const char *key, bool exact, int64_t *ge,
                      int64_t *le, struct am_response *resp)
{
    static const char *const suffix_ge[] = {"[ge]", "[Ge]"};
    static const char *const suffix_le[] = {"[le]", "[Le]"};
    char k[MAX_FILTER_KEY], code[MAX_FILTER_KEY + 16];
    const char *v;
    int64_t day;

    snprintf(code, sizeof(code), AM_ERR_FIELD_PREFIX "%s", key);
    if (exact && (v = qv(ctx, key))) {
        if (am_cal_parse_day(v, &day) < 0)
            return am_input_fail(resp, 400, code, AM_TXT_FILTER_DATE);
        *ge = *le = day;
    }
    for (int i = 0; i < 2; i++) {
        snprintf(k, sizeof(k), "%s%s", key, suffix_ge[i]);
        if ((v = qv(ctx, k))) {
            if (am_cal_parse_day(v, &day) < 0)
                return am_input_fail(resp, 400, code, AM_TXT_FILTER_DATE);
            if (*ge == AM_NO_DAY || day > *ge)
                *ge = day;
        }
        snprintf(k, sizeof(k), "%s%s", key, suffix_le[i]);
        if ((v = qv(ctx, k))) {
            if (am_cal_parse_day(v, &day) < 0)
                return am_input_fail(resp, 400, code, AM_TXT_FILTER_DATE);
            if (*le == AM_NO_DAY || day < *le)
                *le = day;
        }
    }
    return 0;
}

struct group_filter {
    const struct am_customer_store *customers;
    const char *group;
};

static bool in_group(const struct am_payment *p, void *arg)
{
    const struct group_filter *g = arg;
    const struct am_customer *c = am_customer_store_find(g->customers, p->customer);

    return c && c->group_name && strcmp(c->group_name, g->group) == 0;
}

static bool match_none(const struct am_payment *p, void *arg)
{
    (void)p;
    (void)arg;
    return false;
}

/* Fills f from the query. Returns 1 with resp filled on a bad filter value. */
static int parse_filter(const struct am_ctx *ctx, struct am_payment_filter *f,
                        struct group_filter *g, struct am_response *resp)
{
    const char *v;
    int r;

    am_payment_filter_init(f);
    f->customer = qv(ctx, "customer");
    f->subscription = qv(ctx, "subscription");
    f->installment = qv(ctx, "installment");
    f->external_reference = qv(ctx, "externalReference");
    if ((v = qv(ctx, "status"))) {
        enum am_payment_status s;

        if (am_payment_status_parse(v, &s) < 0)
            return am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS);
        f->status = (int)s;
    }
    if ((v = qv(ctx, "billingType"))) {
        enum am_billing_type t = _AM_BILLING_MAX;

        for (int i = 0; i < _AM_BILLING_MAX; i++) {
            if (strcmp(v, am_billing_type_name((enum am_billing_type)i)) == 0)
                t = (enum am_billing_type)i;
        }
        if (t == _AM_BILLING_MAX)
            return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
        f->billing_type = (int)t;
    }
    if ((v = qv(ctx, "anticipated")))
        f->anticipated = strcmp(v, "true") == 0;
    if ((r = day_bounds(ctx, "dateCreated", true, &f->created_ge, &f->created_le, resp)) ||
        (r = day_bounds(ctx, "dueDate", true, &f->due_ge, &f->due_le, resp)) ||
        (r = day_bounds(ctx, "paymentDate", true, &f->payment_ge, &f->payment_le, resp)) ||
        (r = day_bounds(ctx, "estimatedCreditDate", true, &f->estimated_credit_ge,
                        &f->estimated_credit_le, resp)))
        return r;
    /* Things no mock payment ever has: a filter on them matches nothing. */
    if (qv(ctx, "pixQrCodeId") || qv(ctx, "checkoutSession") || qv(ctx, "invoiceStatus") ||
        ((v = qv(ctx, "anticipable")) && strcmp(v, "true") == 0)) {
        f->extra = match_none;
        return 0;
    }
    if ((v = qv(ctx, "customerGroupName"))) {
        g->customers = ctx->account->customers;
        g->group = v;
        f->extra = in_group;
        f->extra_arg = g;
    }
    return 0;
}

static int list_payments(struct am_ctx *ctx, struct am_payment_filter *f,
                         const struct am_page *page, struct am_response *resp)
{
    struct am_payment *items[100];
    size_t n = 0, total;

    total = am_billing_payments_query(billing_of(ctx), f, page->offset,
                                      page->limit > 100 ? 100 : page->limit, items, &n);
    return am_api_payments_answer_items(resp, page, total, items, n);
}

int am_api_payments_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    struct am_payment_filter f;
    struct group_filter g = {0};
    struct am_page page;
    int r;

    (void)id;
    (void)req;
    if (!billing_of(ctx))
        return -EINVAL;
    r = am_api_parse_page(ctx->query, resp, &page);
    if (r != 0)
        return am_input_done(r);
    r = parse_filter(ctx, &f, &g, resp);
    if (r != 0)
        return am_input_done(r);
    return list_payments(ctx, &f, &page, resp);
}

/* ---- single payment --------------------------------------------------------------- */

int am_api_payments_find(struct am_ctx *ctx, const char *id, struct am_response *resp,
                         struct am_payment **ret)
{
    struct am_billing *b = billing_of(ctx);

    *ret = NULL;
    if (!b)
        return -EINVAL;
    *ret = am_billing_payment_find(b, id);
    if (!*ret)
        return am_input_fail(resp, 404, AM_ERR_NOT_FOUND, AM_TXT_NOT_FOUND);
    return 0;
}

int am_api_payments_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    struct am_payment *p;
    int r = am_api_payments_find(ctx, id, resp, &p);

    (void)req;
    return r ? am_input_done(r) : answer_payment(resp, p);
}

/* Maps a state-machine refusal to its 400; other errors pass through. */
static int refusal(int r, const char *text, struct am_response *resp)
{
    if (r == -EIDRM)
        return am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED);
    if (r == -EPERM)
        return am_input_fail(resp, 400, AM_ERR_PAY_ACTION, text);
    return r;
}

/* Parses the (possibly empty) body of an action. */
static int action_body(const struct am_request *req, struct am_response *resp, cJSON **json)
{
    return am_api_parse_body(req, resp, true, json);
}

int am_api_payments_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_payment_update u;
    struct am_payment *p;
    const cJSON *item;
    cJSON *json = NULL;
    struct am_input_terms terms;
    bool present;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = action_body(req, resp, &json);
    if (r)
        return am_input_done(r);
    memset(&u, 0, sizeof(u));
    if (p->deleted) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED);
        goto out;
    }
    if (p->status != AM_PAY_PENDING && p->status != AM_PAY_OVERDUE) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_UPDATE);
        goto out;
    }
    if ((item = am_input_field(json, "billingType"))) {
        if (!cJSON_IsString(item) || am_billing_type_parse(item->valuestring, &u.billing_type) < 0) {
            r = am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
            goto out;
        }
        u.has_billing_type = true;
    }
    if ((item = am_input_field(json, "value"))) {
        if (am_money_from_json(item, &u.value_cents) < 0 || u.value_cents <= 0) {
            r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
            goto out;
        }
        u.has_value = true;
    }
    r = parse_due_date(json, false, am_api_today(ctx), &u.due_day, &present, resp);
    if (r)
        goto out;
    u.has_due_day = present;
    if (am_json_member(json, "description")) {
        r = am_input_text(json, "description", &u.description, resp);
        if (r)
            goto out;
        u.has_description = true;
    }
    if (am_json_member(json, "externalReference")) {
        r = am_input_text(json, "externalReference", &u.external_reference, resp);
        if (r)
            goto out;
        u.has_external_reference = true;
    }
    if (am_json_get_bool(json, "postalService", &u.postal_service, &u.has_postal_service) < 0) {
        r = am_input_type_error(resp, "postalService");
        goto out;
    }
    r = am_input_terms(json, &terms, resp);
    if (r)
        goto out;
    am_input_terms_update(&terms, &u);
    r = am_billing_payment_update(billing_of(ctx), p, &u, ctx->now);
    r = refusal(r, AM_TXT_PAY_CANNOT_UPDATE, resp);
    if (r == 0)
        r = answer_payment(resp, p);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_payments_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_payment *p;
    int r;

    (void)req; /* a DELETE body carries nothing */
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_billing_payment_delete(billing_of(ctx), p, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_DELETE));
    if (r < 0 && r != -EIDRM) /* deleting twice answers the same, like customers */
        return r;
    return am_api_answer_deleted(resp, p->id);
}

int am_api_payments_restore(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_payment *p;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_billing_payment_restore(billing_of(ctx), p, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_NOT_DELETED));
    return r < 0 ? r : answer_payment(resp, p);
}

int am_api_payments_refund(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_payment *p;
    const char *desc = NULL;
    const cJSON *item;
    int64_t value = 0;
    cJSON *json = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = action_body(req, resp, &json);
    if (r)
        return am_input_done(r);
    if ((item = am_input_field(json, "value")) && (am_money_from_json(item, &value) < 0 || value <= 0)) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        goto out;
    }
    r = am_input_text(json, "description", &desc, resp);
    if (r)
        goto out;
    r = am_billing_payment_refund(billing_of(ctx), p, value, desc, ctx->now);
    if (r == -EINVAL)
        r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_REFUND_VALUE);
    else
        r = refusal(r, AM_TXT_PAY_CANNOT_REFUND, resp);
    if (r == 0)
        r = answer_payment(resp, p);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_payments_refunds(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_payment *p;
    struct am_page page;
    cJSON *data;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_api_parse_page(ctx->query, resp, &page);
    if (r)
        return am_input_done(r);
    data = cJSON_CreateArray();
    if (!data)
        return -ENOMEM;
    for (size_t i = page.offset; i < p->n_refunds && i - page.offset < page.limit; i++) {
        cJSON *o = am_refund_to_json(&p->refunds[i]);

        if (!o) {
            cJSON_Delete(data);
            return -ENOMEM;
        }
        cJSON_AddItemToArray(data, o);
    }
    return am_api_list_response(resp, &page, p->n_refunds, data);
}

int am_api_payments_receive_in_cash(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    struct am_payment *p;
    const cJSON *item;
    int64_t day = am_api_today(ctx), value = 0;
    cJSON *json = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = action_body(req, resp, &json);
    if (r)
        return am_input_done(r);
    if ((item = am_input_field(json, "paymentDate")) &&
        (!cJSON_IsString(item) || am_cal_parse_day(item->valuestring, &day) < 0)) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_DATE, AM_TXT_PAY_DATE);
        goto out;
    }
    if ((item = am_input_field(json, "value")) && (am_money_from_json(item, &value) < 0 || value <= 0)) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        goto out;
    }
    r = am_billing_payment_receive_in_cash(billing_of(ctx), p, day, value, ctx->now);
    r = refusal(r, AM_TXT_PAY_CANNOT_CASH, resp);
    if (r == 0)
        r = answer_payment(resp, p);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* An action with an (ignored, possibly empty) body and one state transition. */
static int simple_action(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp,
                         int (*fn)(struct am_billing *, struct am_payment *, int64_t),
                         const char *refused_text)
{
    struct am_payment *p;
    cJSON *json = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = action_body(req, resp, &json);
    if (r)
        return am_input_done(r);
    cJSON_Delete(json);
    r = refusal(fn(billing_of(ctx), p, ctx->now), refused_text, resp);
    if (r == 0)
        r = answer_payment(resp, p);
    return am_input_done(r);
}

int am_api_payments_undo_received_in_cash(struct am_ctx *ctx, const char *id,
                                          const struct am_request *req, struct am_response *resp)
{
    return simple_action(ctx, id, req, resp, am_billing_payment_undo_receive_in_cash,
                         AM_TXT_PAY_CANNOT_UNDO_CASH);
}

int am_api_payments_capture(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    return simple_action(ctx, id, req, resp, am_billing_payment_capture,
                         AM_TXT_PAY_CANNOT_CAPTURE);
}

int am_api_sandbox_confirm(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    return simple_action(ctx, id, req, resp, am_billing_payment_confirm,
                         AM_TXT_PAY_CANNOT_CONFIRM);
}

int am_api_sandbox_overdue(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    return simple_action(ctx, id, req, resp, am_billing_payment_overdue,
                         AM_TXT_PAY_CANNOT_OVERDUE);
}

int am_api_payments_pay_with_card(struct am_ctx *ctx, const char *id,
                                  const struct am_request *req, struct am_response *resp)
{
    struct am_billing *b = billing_of(ctx);
    struct am_input_card card;
    struct am_payment *p;
    cJSON *json = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = action_body(req, resp, &json);
    if (r)
        return am_input_done(r);
    if (p->deleted) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED);
        goto out;
    }
    if (p->status != AM_PAY_PENDING && p->status != AM_PAY_OVERDUE) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_PAY_CARD);
        goto out;
    }
    r = am_input_card(b, json, p->customer, am_api_today(ctx),
                      AM_INPUT_CARD_REQUIRED | AM_INPUT_CARD_NO_IP, &card, resp);
    if (r)
        goto out;
    if (am_input_card_declined(&card)) {
        r = am_input_card_decline(resp);
        goto out;
    }
    r = issue_token(ctx, b, p->customer, &card);
    if (r < 0)
        goto out;
    r = am_billing_payment_pay_card(b, p, &card.info, 1, NULL, ctx->now);
    r = refusal(r, AM_TXT_PAY_CANNOT_PAY_CARD, resp);
    if (r == 0)
        r = answer_payment(resp, p);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- tokenize --------------------------------------------------------------------- */

int am_api_credit_card_tokenize(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_billing *b = billing_of(ctx);
    struct am_input_card card;
    const char *customer = NULL;
    cJSON *json = NULL, *o;
    int r;

    (void)id;
    if (!b)
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    if (am_json_get_string(json, "customer", &customer) < 0 || !customer || !*customer ||
        !am_customer_store_is_active(ctx->account->customers, customer)) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER);
        goto out;
    }
    r = am_input_card(b, json, customer, am_api_today(ctx),
                      AM_INPUT_CARD_REQUIRED | AM_INPUT_CARD_DATA_ONLY, &card, resp);
    if (r)
        goto out;
    if (am_input_card_declined(&card)) {
        r = am_input_card_decline(resp);
        goto out;
    }
    r = issue_token(ctx, b, customer, &card);
    if (r < 0)
        goto out;
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "creditCardNumber", card.info.last4) ||
        !cJSON_AddStringToObject(o, "creditCardBrand", card.info.brand) ||
        !cJSON_AddStringToObject(o, "creditCardToken", card.info.token)) {
        cJSON_Delete(o);
        r = -ENOMEM;
        goto out;
    }
    r = am_response_json(resp, 200, o);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- shared with the installment and subscription areas ---------------------------- */

int am_api_payments_answer_page(struct am_ctx *ctx, struct am_payment_filter *f,
                                struct am_response *resp)
{
    struct am_payment *page[100];
    struct am_page pg;
    size_t n = 0, total;
    int r = am_api_payments_status_filter(ctx, f, resp);

    if (r == 0)
        r = am_api_parse_page(ctx->query, resp, &pg);
    if (r != 0)
        return am_input_done(r);
    total = am_billing_payments_query(ctx->account->billing, f, pg.offset, pg.limit, page, &n);
    return am_api_payments_answer_items(resp, &pg, total, page, n);
}

int am_api_payments_answer_items(struct am_response *resp, const struct am_page *page,
                                 size_t total, struct am_payment *const *items, size_t n)
{
    struct am_api_pager pg;

    am_api_pager_init(&pg, page);
    pg.total = total;
    for (size_t i = 0; i < n; i++)
        am_payment_write(am_api_pager_writer(&pg), NULL, items[i]);
    return am_api_pager_answer(&pg, resp);
}

int am_api_billing_type_filter(const struct am_ctx *ctx, int *ret, struct am_response *resp)
{
    const char *v = am_api_query_value(ctx->query, "billingType");
    enum am_billing_type t;

    if (!v)
        return 0;
    if (am_billing_type_parse(v, &t) < 0)
        return am_input_fail(resp, 400, AM_ERR_FILTER_BILLING_TYPE, AM_TXT_FILTER_BILLING_TYPE);
    *ret = (int)t;
    return 0;
}

/* status=... of a payments list. Returns 0, 1 (answered) or <0. */
int am_api_payments_status_filter(const struct am_ctx *ctx, struct am_payment_filter *f,
                                  struct am_response *resp)
{
    const char *s = am_api_query_value(ctx->query, "status");
    enum am_payment_status st;

    if (!s)
        return 0;
    if (am_payment_status_parse(s, &st) < 0)
        return am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS);
    f->status = (int)st;
    return 0;
}

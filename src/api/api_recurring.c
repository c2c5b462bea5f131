/* api_recurring.c - /v3/installments, /v3/subscriptions, finance, account status and
 * the sandbox account approval (see api_recurring.h).
 *
 * Like api_customers.c, requests are validated completely (first error only, as Asaas
 * short-circuits) before anything changes, so a refused request leaves no trace. Charges
 * are created through the billing domain (billing.h), which keeps indexes, ledger and
 * events in step; subscriptions live in the account's am_recurring (subscriptions.h).
 * Choices the reference leaves open are listed in recurring_facts.h. */
#include "api_recurring.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "customers.h"
#include "fees.h"
#include "input.h"
#include "jobs.h"
#include "money.h"
#include "subscriptions.h"

/* Distinct id attempts before giving up (ids come from a seeded generator). */
#define MAX_ID_ATTEMPTS 64

/* ---- small helpers ---------------------------------------------------------------- */

static int answer_json(struct am_response *resp, cJSON *o)
{
    if (!o)
        return -ENOMEM;
    return am_response_json(resp, 200, o);
}

static int answer_deleted(struct am_response *resp, const char *id)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddBoolToObject(o, "deleted", true) || !cJSON_AddStringToObject(o, "id", id)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

static bool ready(const struct am_ctx *ctx)
{
    return ctx && ctx->account && ctx->account->billing && ctx->account->recurring &&
           ctx->account->customers && ctx->ids && ctx->query;
}

static int64_t today_of(const struct am_ctx *ctx)
{
    return am_cal_day_of(ctx->now);
}

/* customer: present, a string, and an active customer of the account. */
static int check_customer(const struct am_ctx *ctx, const cJSON *j, const char **ret,
                          struct am_response *resp)
{
    const char *id = NULL;

    if (am_input_str(j, "customer", &id, NULL) < 0 || !id ||
        strlen(id) >= AM_BILLING_REF_MAX ||
        !am_customer_store_is_active(ctx->account->customers, id))
        return am_input_fail(resp, 400, AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER);
    *ret = id;
    return 0;
}

static int check_billing_type(const cJSON *j, enum am_billing_type *ret, struct am_response *resp)
{
    const char *s = NULL;

    if (am_input_str(j, "billingType", &s, NULL) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
    if (!s)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_MISSING);
    if (am_billing_type_parse(s, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
    return 0;
}

/* creditCardToken or creditCard + holder + remoteIp (input.h); new card data is
 * refused when declined and gets its token now (stored once the request is valid). */
static int read_card(const struct am_ctx *ctx, const cJSON *j, const char *customer,
                     struct am_input_card *ret, struct am_response *resp)
{
    int r = am_input_card(ctx->account->billing, j, customer, today_of(ctx),
                          AM_INPUT_CARD_OPTIONAL, ret, resp);

    if (r)
        return r;
    if (am_input_card_declined(ret))
        return am_input_card_decline(resp);
    am_input_card_mint(ctx->ids, ret);
    return 0;
}

/* ---- pagination over a payment filter --------------------------------------------- */

static int answer_payments(struct am_ctx *ctx, const struct am_payment_filter *f,
                           struct am_response *resp)
{
    struct am_payment *page[100];
    struct am_page pg;
    size_t n = 0, total;
    cJSON *data;
    int r = am_api_parse_page(ctx->query, resp, &pg);

    if (r != 0)
        return am_input_done(r);
    total = am_billing_payments_query(ctx->account->billing, f, pg.offset, pg.limit, page, &n);
    data = cJSON_CreateArray();
    if (!data)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        cJSON *o = am_payment_to_json(page[i]);

        if (!o) {
            cJSON_Delete(data);
            return -ENOMEM;
        }
        cJSON_AddItemToArray(data, o);
    }
    return am_api_list_response(resp, &pg, total, data);
}

static const char *filter_value(const struct am_query *q, const char *key)
{
    const char *v = am_query_get(q, key);

    return v && *v ? v : NULL;
}

/* status=... of a payments list. Returns 0, 1 (answered) or <0. */
static int status_filter(const struct am_ctx *ctx, struct am_payment_filter *f,
                         struct am_response *resp)
{
    const char *s = filter_value(ctx->query, "status");
    enum am_payment_status st;

    if (!s)
        return 0;
    if (am_payment_status_parse(s, &st) < 0)
        return am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS);
    f->status = (int)st;
    return 0;
}

/* ---- installments ----------------------------------------------------------------- */

static int installment_payments(const struct am_ctx *ctx, const struct am_installment *inst,
                                struct am_payment ***ret, size_t *ret_n)
{
    return am_billing_payments_of_installment(ctx->account->billing, inst->id, ret, ret_n);
}

static cJSON *installment_json(const struct am_ctx *ctx, const struct am_installment *inst)
{
    struct am_payment **list = NULL;
    size_t n = 0;
    int64_t net = 0;
    char created[11], url[96];
    cJSON *o = NULL, *card = NULL;
    bool ok;

    if (installment_payments(ctx, inst, &list, &n) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!list[i]->deleted)
            net += list[i]->net_value_cents;
    }
    free(list);
    o = cJSON_CreateObject();
    if (!o)
        return NULL;
    am_clock_format_date(inst->created_at, created);
    ok = cJSON_AddStringToObject(o, "object", "installment") &&
         cJSON_AddStringToObject(o, "id", inst->id) &&
         am_money_add(o, "value", inst->value_cents) == 0 && am_money_add(o, "netValue", net) == 0 &&
         am_money_add(o, "paymentValue", inst->payment_value_cents) == 0 &&
         cJSON_AddNumberToObject(o, "installmentCount", inst->count) &&
         cJSON_AddStringToObject(o, "billingType", am_billing_type_name(inst->billing_type));
    if (ok) {
        char day[11];

        if (inst->payment_day == AM_NO_DAY) {
            ok = cJSON_AddNullToObject(o, "paymentDate") != NULL;
        } else {
            am_cal_format_day(inst->payment_day, day);
            ok = cJSON_AddStringToObject(o, "paymentDate", day) != NULL;
        }
    }
    ok = ok && am_json_add_string_or_null(o, "description", inst->description) == 0 &&
         cJSON_AddNumberToObject(o, "expirationDay", am_sub_mday(inst->first_due_day)) &&
         cJSON_AddBoolToObject(o, "deleted", inst->deleted) &&
         cJSON_AddStringToObject(o, "dateCreated", created) &&
         cJSON_AddNullToObject(o, "checkoutSession") &&
         cJSON_AddStringToObject(o, "customer", inst->customer) &&
         cJSON_AddNullToObject(o, "paymentLink");
    if (ok) {
        if (inst->receipt[0]) {
            snprintf(url, sizeof(url), "https://sandbox.asaas.com/comprovantes/%s", inst->receipt);
            ok = cJSON_AddStringToObject(o, "transactionReceiptUrl", url) != NULL;
        } else {
            ok = cJSON_AddNullToObject(o, "transactionReceiptUrl") != NULL;
        }
    }
    if (ok && inst->card.present) {
        card = cJSON_AddObjectToObject(o, "creditCard");
        ok = card && cJSON_AddStringToObject(card, "creditCardNumber", inst->card.last4) &&
             cJSON_AddStringToObject(card, "creditCardBrand", inst->card.brand) &&
             am_json_add_string_or_null(card, "creditCardToken",
                                        inst->card.token[0] ? inst->card.token : NULL) == 0;
    } else if (ok) {
        ok = cJSON_AddNullToObject(o, "creditCard") != NULL;
    }
    ok = ok && cJSON_AddNullToObject(o, "refunds");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int answer_installment(const struct am_ctx *ctx, const struct am_installment *inst,
                              struct am_response *resp)
{
    return answer_json(resp, installment_json(ctx, inst));
}

/* The validated body of POST /installments (strings borrowed from the JSON). */
struct inst_req {
    const char *customer;
    enum am_billing_type type;
    unsigned count;
    int64_t total_cents;
    bool per_installment; /* value (each) rather than totalValue */
    int64_t each_cents;
    int64_t due_day;
    const char *description;
    const char *external_reference;
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    bool postal_service;
    unsigned days_after_due;
    bool has_days_after_due;
    struct am_input_card card;
    bool authorize_only;
};

static int inst_validate(const struct am_ctx *ctx, const cJSON *j, struct inst_req *q,
                         struct am_response *resp)
{
    struct am_input_terms terms;
    bool present;
    unsigned max;
    int64_t total = 0, each = 0;
    int r;

    memset(q, 0, sizeof(*q));
    q->discount.limit_day = AM_NO_DAY;
    r = check_customer(ctx, j, &q->customer, resp);
    if (r)
        return r;
    r = check_billing_type(j, &q->type, resp);
    if (r)
        return r;
    max = q->type == AM_BILLING_CREDIT_CARD ? AM_INSTALLMENTS_MAX_CARD : AM_INSTALLMENTS_MAX;
    if (am_input_uint(j, "installmentCount", max, &q->count) < 0 || q->count < 1)
        return am_input_fail(resp, 400, AM_ERR_INSTALLMENT_COUNT, AM_TXT_INSTALLMENT_COUNT);
    r = am_money_from_json(cJSON_GetObjectItemCaseSensitive(j, "totalValue"), &total);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
    if (r == 0) {
        if (total < (int64_t)q->count)
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        q->total_cents = total;
    } else {
        r = am_money_from_json(cJSON_GetObjectItemCaseSensitive(j, "value"), &each);
        if (r == -ENOENT)
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
        if (r < 0 || each <= 0)
            return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        q->per_installment = true;
        q->each_cents = each;
        q->total_cents = each * (int64_t)q->count;
    }
    r = am_input_day(j, "dueDate", &q->due_day);
    if (r == -ENOENT)
        return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_MISSING);
    if (r < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_INVALID);
    if (q->due_day < today_of(ctx))
        return am_input_fail(resp, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_PAST);
    if (am_input_str(j, "description", &q->description, NULL) < 0)
        return am_input_type_error(resp, "description");
    if (am_input_str(j, "paymentExternalReference", &q->external_reference, NULL) < 0)
        return am_input_type_error(resp, "paymentExternalReference");
    if (!q->external_reference && am_input_str(j, "externalReference", &q->external_reference, NULL) < 0)
        return am_input_type_error(resp, "externalReference");
    r = am_input_terms(j, &terms, resp);
    if (r)
        return r;
    q->discount = terms.discount;
    q->fine = terms.fine;
    q->interest = terms.interest;
    if (am_json_get_bool(j, "postalService", &q->postal_service, &present) < 0)
        return am_input_type_error(resp, "postalService");
    r = am_input_uint(j, "daysAfterDueDateToRegistrationCancellation", 3650, &q->days_after_due);
    if (r == -EINVAL)
        return am_input_type_error(resp, "daysAfterDueDateToRegistrationCancellation");
    q->has_days_after_due = r == 0;
    if (am_json_get_bool(j, "authorizeOnly", &q->authorize_only, &present) < 0)
        return am_input_type_error(resp, "authorizeOnly");
    if (q->type == AM_BILLING_CREDIT_CARD) {
        r = read_card(ctx, j, q->customer, &q->card, resp);
        if (r)
            return r;
    }
    return 0;
}

static int new_installment_id(const struct am_ctx *ctx, char out[AM_UUID_MAX])
{
    for (int i = 0; i < MAX_ID_ATTEMPTS; i++) {
        am_ids_uuid(ctx->ids, out);
        if (!am_billing_installment_find(ctx->account->billing, out))
            return 0;
    }
    return -EEXIST;
}

int am_api_installments_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_billing *b;
    struct am_installment inst, *stored = NULL;
    struct inst_req q;
    int64_t *values = NULL, *fees = NULL;
    char *desc = NULL;
    cJSON *j = NULL;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = inst_validate(ctx, j, &q, resp);
    if (r != 0) {
        r = am_input_done(r);
        goto out;
    }
    values = calloc(q.count, sizeof(*values));
    fees = calloc(q.count, sizeof(*fees));
    desc = malloc(strlen(q.description ? q.description : "") + 40);
    if (!values || !fees || !desc) {
        r = -ENOMEM;
        goto out;
    }
    if (q.per_installment) {
        for (unsigned i = 0; i < q.count; i++)
            values[i] = q.each_cents;
    } else {
        am_installments_split(q.total_cents, q.count, values);
    }
    if (q.type == AM_BILLING_CREDIT_CARD)
        am_fee_card_installments(q.total_cents, q.count, fees);
    r = am_input_card_store(b, q.customer, &q.card);
    if (r < 0)
        goto out;

    memset(&inst, 0, sizeof(inst));
    r = new_installment_id(ctx, inst.id);
    if (r < 0)
        goto out;
    inst.created_at = ctx->now;
    snprintf(inst.customer, sizeof(inst.customer), "%s", q.customer);
    inst.billing_type = q.type;
    inst.value_cents = q.total_cents;
    inst.payment_value_cents = values[q.count - 1];
    inst.count = q.count;
    inst.description = (char *)q.description; /* copied by installment_add */
    inst.first_due_day = q.due_day;
    inst.payment_day = AM_NO_DAY;
    if (q.card.present) {
        inst.card = q.card.info;
        if (!q.authorize_only) {
            am_billing_receipt_id(inst.id, inst.receipt);
            inst.payment_day = today_of(ctx);
        }
    }
    r = am_billing_installment_add(b, &inst, &stored);
    if (r < 0)
        goto out;

    for (unsigned i = 0; i < q.count; i++) {
        struct am_payment_spec spec;
        struct am_payment *p = NULL;

        am_payment_spec_init(&spec);
        spec.customer = q.customer;
        spec.billing_type = q.type;
        spec.value_cents = values[i];
        spec.due_day = am_cal_add_months(q.due_day, (int)i);
        if (q.description)
            sprintf(desc, "Parcela %u de %u. %s", i + 1, q.count, q.description);
        else
            sprintf(desc, "Parcela %u de %u.", i + 1, q.count);
        spec.description = desc;
        spec.external_reference = q.external_reference;
        spec.installment = stored->id;
        spec.installment_number = i + 1;
        if (q.type == AM_BILLING_CREDIT_CARD)
            spec.fee_cents = fees[i];
        spec.discount = q.discount;
        spec.fine = q.fine;
        spec.interest = q.interest;
        spec.postal_service = q.postal_service;
        spec.days_after_due_to_cancel = q.has_days_after_due ? (int32_t)q.days_after_due : -1;
        r = am_billing_payment_create(b, ctx->ids, &spec, ctx->now, &p);
        if (r < 0)
            goto out;
        if (q.card.present && q.authorize_only)
            r = am_billing_payment_authorize(b, p, &q.card.info, ctx->now);
        else if (q.card.present)
            r = am_billing_payment_pay_card(b, p, &q.card.info, i + 1, stored->receipt, ctx->now);
        if (r < 0)
            goto out;
    }
    r = answer_installment(ctx, stored, resp);
out:
    free(values);
    free(fees);
    free(desc);
    cJSON_Delete(j);
    return r;
}

int am_api_installments_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_billing *b;
    struct am_page pg;
    struct am_api_pager pager;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_page(ctx->query, resp, &pg);
    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pager, &pg);
    for (size_t i = am_billing_installment_count(b); i-- > 0;) {
        const struct am_installment *inst = am_billing_installment_at(b, i);

        if (!inst->deleted && am_api_pager_take(&pager))
            am_api_pager_add(&pager, installment_json(ctx, inst));
    }
    return am_api_pager_answer(&pager, resp);
}

static struct am_installment *find_installment(const struct am_ctx *ctx, const char *id)
{
    return id ? am_billing_installment_find(ctx->account->billing, id) : NULL;
}

int am_api_installments_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_installment *inst;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    inst = find_installment(ctx, id);
    if (!inst)
        return am_api_not_found(resp);
    return answer_installment(ctx, inst, resp);
}

static bool deletable(const struct am_payment *p)
{
    return p->status == AM_PAY_PENDING || p->status == AM_PAY_OVERDUE;
}

/* Paid and not refunded (or card pre-authorised): the installment cannot go while any
 * charge is in this state. Refunded ones stay as they are. */
static bool holds_money(const struct am_payment *p)
{
    return p->status == AM_PAY_RECEIVED || p->status == AM_PAY_CONFIRMED ||
           p->status == AM_PAY_AUTHORIZED;
}

/* Deletes the not-yet-paid charges of a list. Returns 0 or -ENOMEM. */
static int delete_unpaid(struct am_billing *b, struct am_payment **list, size_t n, int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        int r;

        if (list[i]->deleted || !deletable(list[i]))
            continue;
        r = am_billing_payment_delete(b, list[i], now);
        if (r == -ENOMEM)
            return r;
    }
    return 0;
}

int am_api_installments_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    inst = find_installment(ctx, id);
    if (!inst)
        return am_api_not_found(resp);
    if (inst->deleted)
        return answer_deleted(resp, inst->id);
    r = installment_payments(ctx, inst, &list, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        if (!list[i]->deleted && holds_money(list[i])) {
            free(list);
            return am_input_done(am_input_fail(resp, 400, AM_ERR_INST_ACTION, AM_TXT_INST_CANNOT_DELETE));
        }
    }
    r = delete_unpaid(ctx->account->billing, list, n, ctx->now);
    free(list);
    if (r < 0)
        return r;
    inst->deleted = true;
    return answer_deleted(resp, inst->id);
}

int am_api_installments_payments(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                 struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment_filter f;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    inst = find_installment(ctx, id);
    if (!inst)
        return am_api_not_found(resp);
    am_payment_filter_init(&f);
    f.installment = inst->id;
    r = status_filter(ctx, &f, resp);
    if (r != 0)
        return am_input_done(r);
    return answer_payments(ctx, &f, resp);
}

int am_api_installments_delete_payments(struct am_ctx *ctx, const char *id,
                                        const struct am_request *req, struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    inst = find_installment(ctx, id);
    if (!inst)
        return am_api_not_found(resp);
    r = installment_payments(ctx, inst, &list, &n);
    if (r < 0)
        return r;
    r = delete_unpaid(ctx->account->billing, list, n, ctx->now);
    free(list);
    if (r < 0)
        return r;
    return answer_installment(ctx, inst, resp);
}

int am_api_installments_refund(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0, refunded = 0;
    int r;

    (void)req; /* the body (if any) carries nothing we use: the refund is total */
    if (!ready(ctx))
        return -EINVAL;
    inst = find_installment(ctx, id);
    if (!inst)
        return am_api_not_found(resp);
    if (inst->deleted)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_INST_ACTION, AM_TXT_INST_DELETED));
    r = installment_payments(ctx, inst, &list, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        struct am_payment *p = list[i];

        if (p->deleted || (p->status != AM_PAY_RECEIVED && p->status != AM_PAY_CONFIRMED))
            continue;
        r = am_billing_payment_refund(ctx->account->billing, p, 0, NULL, ctx->now);
        if (r == -ENOMEM)
            break;
        refunded += r == 0;
        r = 0;
    }
    free(list);
    if (r < 0)
        return r;
    if (!refunded)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_INST_ACTION, AM_TXT_INST_CANNOT_REFUND));
    return answer_installment(ctx, inst, resp);
}

/* ---- subscriptions ---------------------------------------------------------------- */

/* Validated subscription fields (create: every required one set; update: has_*). */
struct sub_req {
    const char *customer;
    bool has_type;
    enum am_billing_type type;
    bool has_value;
    int64_t value_cents;
    bool has_next_due;
    int64_t next_due_day;
    bool has_cycle;
    enum am_sub_cycle cycle;
    bool has_description;
    const char *description;
    bool has_end;
    int64_t end_day; /* AM_NO_DAY = cleared */
    bool has_max;
    unsigned max_payments; /* 0 = cleared */
    bool has_discount, has_fine, has_interest;
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    bool has_external_reference;
    const char *external_reference;
    const cJSON *split; /* borrowed; NULL when absent */
    bool has_split;
    bool has_status;
    enum am_sub_status status;
    bool update_pending;
    struct am_input_card card;
};

static int sub_validate(const struct am_ctx *ctx, const cJSON *j, bool creating,
                        const struct am_subscription *cur, struct sub_req *q,
                        struct am_response *resp)
{
    const char *s = NULL;
    struct am_input_terms terms;
    bool present;
    int64_t today = today_of(ctx);
    int r;

    memset(q, 0, sizeof(*q));
    q->discount.limit_day = AM_NO_DAY;
    q->end_day = AM_NO_DAY;
    if (creating) {
        r = check_customer(ctx, j, &q->customer, resp);
        if (r)
            return r;
    }
    if (creating || cJSON_GetObjectItemCaseSensitive(j, "billingType")) {
        r = check_billing_type(j, &q->type, resp);
        if (r)
            return r;
        q->has_type = true;
    }
    r = am_money_from_json(cJSON_GetObjectItemCaseSensitive(j, "value"), &q->value_cents);
    if (r == -ENOENT && creating)
        return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
    if (r == -EINVAL || (r == 0 && q->value_cents <= 0))
        return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
    q->has_value = r == 0;
    r = am_input_day(j, "nextDueDate", &q->next_due_day);
    if (r == -ENOENT && creating)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_MISSING);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_INVALID);
    if (r == 0 && q->next_due_day < today)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_PAST);
    q->has_next_due = r == 0;
    if (am_input_str(j, "cycle", &s, &present) < 0)
        return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_INVALID);
    if (!s && creating)
        return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_MISSING);
    if (s) {
        if (am_sub_cycle_parse(s, &q->cycle) < 0)
            return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_INVALID);
        q->has_cycle = true;
    }
    if (am_input_str(j, "description", &q->description, &q->has_description) < 0)
        return am_input_type_error(resp, "description");
    r = am_input_day(j, "endDate", &q->end_day);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_SUB_END_DATE, AM_TXT_SUB_END_DATE);
    q->has_end = cJSON_GetObjectItemCaseSensitive(j, "endDate") != NULL;
    if (r == -ENOENT)
        q->end_day = AM_NO_DAY;
    if (q->end_day != AM_NO_DAY) {
        int64_t next = q->has_next_due ? q->next_due_day : (cur ? cur->next_due_day : today);

        if (q->end_day < next)
            return am_input_fail(resp, 400, AM_ERR_SUB_END_DATE, AM_TXT_SUB_END_DATE);
    }
    r = am_input_uint(j, "maxPayments", 100000, &q->max_payments);
    if (r == -EINVAL || (r == 0 && q->max_payments < 1))
        return am_input_fail(resp, 400, AM_ERR_SUB_MAX_PAYMENTS, AM_TXT_SUB_MAX_PAYMENTS);
    q->has_max = cJSON_GetObjectItemCaseSensitive(j, "maxPayments") != NULL;
    r = am_input_terms(j, &terms, resp);
    if (r)
        return r;
    q->discount = terms.discount;
    q->fine = terms.fine;
    q->interest = terms.interest;
    q->has_discount = terms.has_discount;
    q->has_fine = terms.has_fine;
    q->has_interest = terms.has_interest;
    if (am_input_str(j, "externalReference", &q->external_reference, &q->has_external_reference) < 0)
        return am_input_type_error(resp, "externalReference");
    q->split = cJSON_GetObjectItemCaseSensitive(j, "split");
    q->has_split = q->split != NULL;
    if (q->split && cJSON_IsNull(q->split))
        q->split = NULL;
    if (q->split && !cJSON_IsArray(q->split))
        return am_input_fail(resp, 400, AM_ERR_SUB_SPLIT, AM_TXT_SUB_SPLIT);
    if (!creating) {
        if (am_input_str(j, "status", &s, NULL) < 0)
            return am_input_fail(resp, 400, AM_ERR_SUB_STATUS, AM_TXT_SUB_STATUS);
        if (s) {
            if (am_sub_status_parse(s, &q->status) < 0 || q->status == AM_SUB_EXPIRED)
                return am_input_fail(resp, 400, AM_ERR_SUB_STATUS, AM_TXT_SUB_STATUS);
            q->has_status = true;
        }
        if (am_json_get_bool(j, "updatePendingPayments", &q->update_pending, NULL) < 0)
            return am_input_type_error(resp, "updatePendingPayments");
    }
    if (creating && q->type == AM_BILLING_CREDIT_CARD) {
        r = read_card(ctx, j, q->customer, &q->card, resp);
        if (r)
            return r;
    }
    return 0;
}

static int new_subscription_id(const struct am_ctx *ctx, char out[AM_SUBSCRIPTION_ID_MAX])
{
    for (int i = 0; i < MAX_ID_ATTEMPTS; i++) {
        am_ids_alnum(ctx->ids, "sub_", 16, out);
        if (!am_recurring_find(ctx->account->recurring, out))
            return 0;
    }
    return -EEXIST;
}

static int dup_or_null(const char *s, char **ret)
{
    *ret = NULL;
    if (!s)
        return 0;
    *ret = strdup(s);
    return *ret ? 0 : -ENOMEM;
}

static int answer_subscription(struct am_response *resp, const struct am_subscription *s)
{
    return answer_json(resp, am_subscription_to_json(s));
}

int am_api_subscriptions_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_billing *b;
    struct am_subscription *s = NULL, *stored;
    struct am_subscription snapshot;
    struct am_payment *p = NULL;
    struct sub_req q;
    cJSON *j = NULL;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = sub_validate(ctx, j, true, NULL, &q, resp);
    if (r != 0) {
        r = am_input_done(r);
        goto out;
    }
    s = am_subscription_new();
    if (!s) {
        r = -ENOMEM;
        goto out;
    }
    r = new_subscription_id(ctx, s->id);
    if (r < 0)
        goto out;
    s->created_at = ctx->now;
    snprintf(s->customer, sizeof(s->customer), "%s", q.customer);
    s->value_cents = q.value_cents;
    s->next_due_day = q.next_due_day;
    s->anchor_mday = am_sub_mday(q.next_due_day);
    s->cycle = q.cycle;
    s->billing_type = q.type;
    s->status = AM_SUB_ACTIVE;
    s->end_day = q.end_day;
    s->max_payments = q.max_payments;
    if (q.has_discount)
        s->discount = q.discount;
    if (q.has_fine)
        s->fine = q.fine;
    if (q.has_interest)
        s->interest = q.interest;
    if (q.card.present)
        s->card = q.card.info;
    if (dup_or_null(q.description, &s->description) < 0 ||
        dup_or_null(q.external_reference, &s->external_reference) < 0) {
        r = -ENOMEM;
        goto out;
    }
    if (q.split) {
        s->split = cJSON_Duplicate(q.split, true);
        if (!s->split) {
            r = -ENOMEM;
            goto out;
        }
    }
    r = am_input_card_store(b, q.customer, &q.card);
    if (r < 0)
        goto out;
    r = am_recurring_add(ctx->account->recurring, s);
    s = NULL; /* owned by the store (or freed) */
    if (r < 0)
        goto out;
    stored = am_recurring_at(ctx->account->recurring,
                             am_recurring_count(ctx->account->recurring) - 1);
    /* SUBSCRIPTION_CREATED first, with the state the answer will show (first charge
     * generated, nextDueDate one cycle later). A shallow copy: nothing is freed. */
    snapshot = *stored;
    snapshot.next_due_day = am_sub_cycle_next(stored->next_due_day, stored->cycle,
                                              stored->anchor_mday);
    snapshot.generated = 1;
    am_subscription_emit(b, "SUBSCRIPTION_CREATED", &snapshot, ctx->now);
    r = am_jobs_subscription_charge(b, ctx->ids, stored, ctx->now, &p);
    if (r < 0)
        goto out;
    if (stored->card.present) {
        r = am_billing_payment_pay_card(b, p, &stored->card, 1, NULL, ctx->now);
        if (r < 0)
            goto out;
    }
    am_jobs_subscription_expire(b, stored, ctx->now);
    r = answer_subscription(resp, stored);
out:
    am_subscription_free(s);
    cJSON_Delete(j);
    return r;
}

struct sub_filters {
    const char *customer;
    int billing_type;
    int status;
    bool deleted_only, include_deleted;
    const char *external_reference;
};

static bool query_bool(const struct am_query *q, const char *key)
{
    const char *v = am_query_get(q, key);

    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static bool sub_matches(const struct am_subscription *s, const struct sub_filters *f)
{
    if (f->deleted_only ? !s->deleted : (s->deleted && !f->include_deleted))
        return false;
    if (f->customer && strcmp(s->customer, f->customer) != 0)
        return false;
    if (f->billing_type >= 0 && (int)s->billing_type != f->billing_type)
        return false;
    if (f->status >= 0 && (int)s->status != f->status)
        return false;
    if (f->external_reference &&
        !(s->external_reference && strcmp(s->external_reference, f->external_reference) == 0))
        return false;
    return true;
}

int am_api_subscriptions_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    struct am_recurring *rec;
    struct sub_filters f = {.billing_type = -1, .status = -1};
    struct am_page pg;
    const char *v;
    struct am_api_pager pager;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    rec = ctx->account->recurring;
    r = am_api_parse_page(ctx->query, resp, &pg);
    if (r != 0)
        return am_input_done(r);
    f.customer = filter_value(ctx->query, "customer");
    f.external_reference = filter_value(ctx->query, "externalReference");
    f.deleted_only = query_bool(ctx->query, "deletedOnly");
    f.include_deleted = query_bool(ctx->query, "includeDeleted");
    v = filter_value(ctx->query, "billingType");
    if (v) {
        enum am_billing_type t;

        if (am_billing_type_parse(v, &t) < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_FILTER_BILLING_TYPE, AM_TXT_FILTER_BILLING_TYPE));
        f.billing_type = (int)t;
    }
    v = filter_value(ctx->query, "status");
    if (v) {
        enum am_sub_status st;

        if (am_sub_status_parse(v, &st) < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS));
        f.status = (int)st;
    }
    am_api_pager_init(&pager, &pg);
    for (size_t i = am_recurring_count(rec); i-- > 0;) {
        const struct am_subscription *s = am_recurring_at(rec, i);

        if (sub_matches(s, &f) && am_api_pager_take(&pager))
            am_api_pager_add(&pager, am_subscription_to_json(s));
    }
    return am_api_pager_answer(&pager, resp);
}

static struct am_subscription *find_subscription(const struct am_ctx *ctx, const char *id)
{
    return id ? am_recurring_find(ctx->account->recurring, id) : NULL;
}

int am_api_subscriptions_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_subscription *s;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    s = find_subscription(ctx, id);
    if (!s)
        return am_api_not_found(resp);
    return answer_subscription(resp, s);
}

/* Applies the request's value/billingType/description/discount/fine/interest to the
 * subscription's PENDING charges. Returns 0 or -ENOMEM. */
static int update_pending(const struct am_ctx *ctx, const struct am_subscription *s,
                          const struct sub_req *q)
{
    struct am_payment_update u;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    memset(&u, 0, sizeof(u));
    u.has_value = q->has_value;
    u.value_cents = q->value_cents;
    u.has_billing_type = q->has_type;
    u.billing_type = q->type;
    u.has_description = q->has_description;
    u.description = q->description;
    u.has_discount = q->has_discount;
    u.discount = q->discount;
    u.has_fine = q->has_fine;
    u.fine = q->fine;
    u.has_interest = q->has_interest;
    u.interest = q->interest;
    if (!u.has_value && !u.has_billing_type && !u.has_description && !u.has_discount &&
        !u.has_fine && !u.has_interest)
        return 0;
    r = am_billing_payments_of_subscription(ctx->account->billing, s->id, &list, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        if (list[i]->deleted || list[i]->status != AM_PAY_PENDING)
            continue;
        r = am_billing_payment_update(ctx->account->billing, list[i], &u, ctx->now);
        if (r == -ENOMEM)
            break;
        r = 0;
    }
    free(list);
    return r;
}

int am_api_subscriptions_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_subscription *s;
    struct sub_req q;
    char *desc = NULL, *ext = NULL;
    cJSON *split = NULL, *j = NULL;
    bool inactivated = false;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    s = find_subscription(ctx, id);
    if (!s)
        return am_api_not_found(resp);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (s->deleted) {
        r = am_input_done(am_input_fail(resp, 400, AM_ERR_SUB_ACTION, AM_TXT_SUB_DELETED));
        goto out;
    }
    r = sub_validate(ctx, j, false, s, &q, resp);
    if (r != 0) {
        r = am_input_done(r);
        goto out;
    }
    /* Allocate first so the change is all or nothing. */
    if ((q.has_description && dup_or_null(q.description, &desc) < 0) ||
        (q.has_external_reference && dup_or_null(q.external_reference, &ext) < 0) ||
        (q.split && !(split = cJSON_Duplicate(q.split, true)))) {
        r = -ENOMEM;
        goto out;
    }
    if (q.has_type)
        s->billing_type = q.type;
    if (q.has_value)
        s->value_cents = q.value_cents;
    if (q.has_next_due) {
        s->next_due_day = q.next_due_day;
        s->anchor_mday = am_sub_mday(q.next_due_day);
    }
    if (q.has_cycle)
        s->cycle = q.cycle;
    if (q.has_description) {
        free(s->description);
        s->description = desc;
        desc = NULL;
    }
    if (q.has_external_reference) {
        free(s->external_reference);
        s->external_reference = ext;
        ext = NULL;
    }
    if (q.has_split) {
        cJSON_Delete(s->split);
        s->split = split;
        split = NULL;
    }
    if (q.has_end)
        s->end_day = q.end_day;
    if (q.has_max)
        s->max_payments = q.max_payments;
    if (q.has_discount)
        s->discount = q.discount;
    if (q.has_fine)
        s->fine = q.fine;
    if (q.has_interest)
        s->interest = q.interest;
    if (q.has_status && q.status != s->status) {
        if (q.status == AM_SUB_INACTIVE) {
            inactivated = true;
        } else {
            /* Reactivated: resume from today, never generating charges in the past. */
            int64_t today = today_of(ctx);

            while (s->next_due_day < today)
                s->next_due_day = am_sub_cycle_next(s->next_due_day, s->cycle, s->anchor_mday);
        }
        s->status = q.status;
    } else if (s->status == AM_SUB_EXPIRED && !am_subscription_exhausted(s)) {
        /* A later endDate or a larger maxPayments gives an expired subscription room. */
        s->status = AM_SUB_ACTIVE;
    }
    if (q.update_pending) {
        r = update_pending(ctx, s, &q);
        if (r < 0)
            goto out;
    }
    am_subscription_emit(ctx->account->billing,
                         inactivated ? "SUBSCRIPTION_INACTIVATED" : "SUBSCRIPTION_UPDATED", s,
                         ctx->now);
    am_jobs_subscription_expire(ctx->account->billing, s, ctx->now);
    r = answer_subscription(resp, s);
out:
    free(desc);
    free(ext);
    cJSON_Delete(split);
    cJSON_Delete(j);
    return r;
}

int am_api_subscriptions_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_subscription *s;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    s = find_subscription(ctx, id);
    if (!s)
        return am_api_not_found(resp);
    if (s->deleted)
        return answer_deleted(resp, s->id); /* idempotent, no second event */
    r = am_billing_payments_of_subscription(ctx->account->billing, s->id, &list, &n);
    if (r < 0)
        return r;
    r = delete_unpaid(ctx->account->billing, list, n, ctx->now);
    free(list);
    if (r < 0)
        return r;
    s->deleted = true;
    am_subscription_emit(ctx->account->billing, "SUBSCRIPTION_DELETED", s, ctx->now);
    return answer_deleted(resp, s->id);
}

int am_api_subscriptions_payments(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                  struct am_response *resp)
{
    struct am_subscription *s;
    struct am_payment_filter f;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    s = find_subscription(ctx, id);
    if (!s)
        return am_api_not_found(resp);
    am_payment_filter_init(&f);
    f.subscription = s->id;
    r = status_filter(ctx, &f, resp);
    if (r != 0)
        return am_input_done(r);
    return answer_payments(ctx, &f, resp);
}

/* ---- finance ---------------------------------------------------------------------- */

int am_api_finance_balance(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    cJSON *o;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    o = cJSON_CreateObject();
    if (!o || am_money_add(o, "balance", am_billing_balance(ctx->account->billing)) < 0) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

/* A date query parameter; *ret untouched when absent. Returns 0, 1 (answered) or <0. */
static int query_day(const struct am_ctx *ctx, const char *key, int64_t *ret,
                     struct am_response *resp)
{
    const char *v = filter_value(ctx->query, key);

    if (v && am_cal_parse_day(v, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_FIN_DATE, AM_TXT_FIN_DATE);
    return 0;
}

static cJSON *ledger_json(const struct am_ledger_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    char day[11];
    bool ok;

    if (!o)
        return NULL;
    am_cal_format_day(e->day, day);
    ok = cJSON_AddStringToObject(o, "object", "financialTransaction") &&
         cJSON_AddStringToObject(o, "id", e->id) &&
         am_money_add(o, "value", e->value_cents) == 0 &&
         am_money_add(o, "balance", e->balance_cents) == 0 &&
         cJSON_AddStringToObject(o, "type", am_ledger_type_name(e->type)) &&
         cJSON_AddStringToObject(o, "date", day) &&
         cJSON_AddStringToObject(o, "description", e->description) &&
         am_json_add_string_or_null(o, "paymentId", e->payment_id[0] ? e->payment_id : NULL) == 0 &&
         cJSON_AddNullToObject(o, "splitId") && cJSON_AddNullToObject(o, "transferId") &&
         cJSON_AddNullToObject(o, "anticipationId") && cJSON_AddNullToObject(o, "billId") &&
         cJSON_AddNullToObject(o, "invoiceId") && cJSON_AddNullToObject(o, "paymentDunningId") &&
         cJSON_AddNullToObject(o, "creditBureauReportId");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_api_financial_transactions(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                  struct am_response *resp)
{
    struct am_billing *b;
    struct am_page pg;
    int64_t start = AM_NO_DAY, finish = AM_NO_DAY;
    const char *order;
    bool desc = false;
    size_t n;
    struct am_api_pager pager;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_page(ctx->query, resp, &pg);
    if (r == 0)
        r = query_day(ctx, "startDate", &start, resp);
    if (r == 0)
        r = query_day(ctx, "finishDate", &finish, resp);
    if (r != 0)
        return am_input_done(r);
    order = filter_value(ctx->query, "order");
    if (order) {
        if (strcmp(order, "desc") == 0)
            desc = true;
        else if (strcmp(order, "asc") != 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_FIN_ORDER, AM_TXT_FIN_ORDER));
    }
    am_api_pager_init(&pager, &pg);
    n = am_billing_ledger_count(b);
    for (size_t k = 0; k < n; k++) {
        const struct am_ledger_entry *e = am_billing_ledger_at(b, desc ? n - 1 - k : k);

        if ((start != AM_NO_DAY && e->day < start) || (finish != AM_NO_DAY && e->day > finish))
            continue;
        if (am_api_pager_take(&pager))
            am_api_pager_add(&pager, ledger_json(e));
    }
    return am_api_pager_answer(&pager, resp);
}

/* A bracketed day range key[ge] / key[le] into *ge / *le. */
static int query_range(const struct am_ctx *ctx, const char *key, int64_t *ge, int64_t *le,
                       struct am_response *resp)
{
    char k[64];
    int r;

    snprintf(k, sizeof(k), "%s[ge]", key);
    r = query_day(ctx, k, ge, resp);
    if (r)
        return r;
    snprintf(k, sizeof(k), "%s[le]", key);
    return query_day(ctx, k, le, resp);
}

int am_api_finance_statistics(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    struct am_billing *b;
    struct am_payment_filter f;
    struct am_payment **all = NULL;
    size_t total, n = 0;
    int64_t value = 0, net = 0;
    const char *v;
    cJSON *o;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    am_payment_filter_init(&f);
    f.customer = filter_value(ctx->query, "customer");
    f.external_reference = filter_value(ctx->query, "externalReference");
    v = filter_value(ctx->query, "billingType");
    if (v) {
        enum am_billing_type t;

        if (am_billing_type_parse(v, &t) < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_FILTER_BILLING_TYPE, AM_TXT_FILTER_BILLING_TYPE));
        f.billing_type = (int)t;
    }
    r = status_filter(ctx, &f, resp);
    if (r == 0) {
        v = filter_value(ctx->query, "anticipated");
        if (v)
            f.anticipated = strcmp(v, "true") == 0 ? 1 : 0;
        r = query_range(ctx, "dateCreated", &f.created_ge, &f.created_le, resp);
    }
    if (r == 0)
        r = query_range(ctx, "dueDate", &f.due_ge, &f.due_le, resp);
    if (r == 0)
        r = query_range(ctx, "estimatedCreditDate", &f.estimated_credit_ge,
                        &f.estimated_credit_le, resp);
    if (r != 0)
        return am_input_done(r);
    total = am_billing_payments_query(b, &f, 0, 0, NULL, &n);
    if (total) {
        all = malloc(total * sizeof(*all));
        if (!all)
            return -ENOMEM;
        total = am_billing_payments_query(b, &f, 0, total, all, &n);
        for (size_t i = 0; i < n; i++) {
            value += all[i]->value_cents;
            net += all[i]->net_value_cents;
        }
        free(all);
    }
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddNumberToObject(o, "quantity", (double)total) ||
        am_money_add(o, "value", value) < 0 || am_money_add(o, "netValue", net) < 0) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

/* ---- account status --------------------------------------------------------------- */

static cJSON *kyc_json(const struct am_account *a, const struct am_kyc *k)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "id", a->id) ||
        !cJSON_AddStringToObject(o, "commercialInfo", am_kyc_status_name(k->commercial_info)) ||
        !cJSON_AddStringToObject(o, "bankAccountInfo", am_kyc_status_name(k->bank_account_info)) ||
        !cJSON_AddStringToObject(o, "documentation", am_kyc_status_name(k->documentation)) ||
        !cJSON_AddStringToObject(o, "general", am_kyc_status_name(k->general))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_api_my_account_status(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    return answer_json(resp, kyc_json(ctx->account, am_recurring_kyc(ctx->account->recurring)));
}

int am_api_sandbox_approve(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    static const char *const events[4] = {
        "ACCOUNT_STATUS_COMMERCIAL_INFO_APPROVED",
        "ACCOUNT_STATUS_BANK_ACCOUNT_INFO_APPROVED",
        "ACCOUNT_STATUS_DOCUMENT_APPROVED",
        "ACCOUNT_STATUS_GENERAL_APPROVAL_APPROVED",
    };
    struct am_kyc *k;
    enum am_kyc_status *parts[4];
    cJSON *o;
    char *text;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    k = am_recurring_kyc(ctx->account->recurring);
    parts[0] = &k->commercial_info;
    parts[1] = &k->bank_account_info;
    parts[2] = &k->documentation;
    parts[3] = &k->general;
    for (int i = 0; i < 4; i++) {
        if (*parts[i] == AM_KYC_APPROVED)
            continue;
        *parts[i] = AM_KYC_APPROVED;
        o = kyc_json(ctx->account, k);
        text = o ? cJSON_PrintUnformatted(o) : NULL;
        cJSON_Delete(o);
        if (!text)
            return -ENOMEM;
        am_billing_events_append(ctx->account->billing, events[i], ctx->now, "accountStatus",
                                 ctx->account->id, text);
        free(text);
    }
    return answer_json(resp, kyc_json(ctx->account, k));
}

/* api_installments.c - /v3/installments (see api_recurring.h): create (plain or card),
 * list, get, delete, the group's payments, delete its unpaid payments, refund.
 *
 * Requests are validated completely (first error only, as Asaas short-circuits) before
 * anything changes, so a refused request leaves no trace. Charges are created through
 * the billing domain (billing.h), which keeps indexes, ledger and events in step. */
#include "api_splits.h"
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
#include "public_url.h"
#include "subscriptions.h"

/* Distinct id attempts before giving up (ids come from a seeded generator). */
#define MAX_ID_ATTEMPTS 64

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
    char created[11], url[AM_PUBLIC_URL_MAX + 64];
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
         am_json_add_string_or_null(o, "checkoutSession",
                                    inst->checkout_session[0] ? inst->checkout_session : NULL) == 0 &&
         cJSON_AddStringToObject(o, "customer", inst->customer) &&
         am_json_add_string_or_null(o, "paymentLink",
                                    inst->payment_link[0] ? inst->payment_link : NULL) == 0;
    if (ok) {
        if (inst->receipt[0]) {
            ok = am_public_url_join(url, sizeof(url), "/comprovantes/", inst->receipt) >= 0 &&
                 cJSON_AddStringToObject(o, "transactionReceiptUrl", url) != NULL;
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
    return am_api_answer_json(resp, installment_json(ctx, inst));
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
    r = am_input_customer(ctx, j, &q->customer, resp);
    if (r)
        return r;
    r = am_input_billing_type(j, &q->type, resp);
    if (r == 0)
        r = am_input_pix_available(ctx, q->type, resp); /* area pix */
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
    if (q->due_day < am_api_today(ctx))
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
        r = am_input_charge_card(ctx, j, q->customer, &q->card, resp);
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
    if (!am_api_ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = inst_validate(ctx, j, &q, resp);
    if (r == 0) /* area accounts: splits[] against the wallets */
        r = am_api_splits_check(ctx, j, "splits",
                                q.per_installment ? q.each_cents : q.total_cents / q.count,
                                q.type, q.count, resp);
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
            inst.payment_day = am_api_today(ctx);
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
    r = am_api_splits_attach(ctx, j, "splits", "installment", stored->id, q.count);
    if (r == 0)
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
    r = am_api_list_begin(ctx, resp, &pg);
    if (r != 0)
        return am_input_done(r);
    b = ctx->account->billing;
    am_api_pager_init(&pager, &pg);
    for (size_t i = am_billing_installment_count(b); i-- > 0;) {
        const struct am_installment *inst = am_billing_installment_at(b, i);

        if (!inst->deleted && am_api_pager_take(&pager))
            am_api_pager_add(&pager, installment_json(ctx, inst));
    }
    return am_api_pager_answer(&pager, resp);
}

/* The installment named by id: 0, or the answer to return (-EINVAL before setup, 1 after
 * writing the 404). */
static int find_installment(struct am_ctx *ctx, const char *id, struct am_response *resp,
                            struct am_installment **ret)
{
    *ret = am_api_ready(ctx) && id ? am_billing_installment_find(ctx->account->billing, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_installments_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_installment *inst;
    int r;

    (void)req;
    r = find_installment(ctx, id, resp, &inst);
    if (r)
        return am_input_done(r);
    return answer_installment(ctx, inst, resp);
}

/* Paid and not refunded (or card pre-authorised): the installment cannot go while any
 * charge is in this state. Refunded ones stay as they are. */
static bool holds_money(const struct am_payment *p)
{
    return p->status == AM_PAY_RECEIVED || p->status == AM_PAY_CONFIRMED ||
           p->status == AM_PAY_AUTHORIZED;
}

/* Deletes the installment's unpaid charges. With guard, nothing is deleted while a charge
 * holds money (returns 1, the 400 in resp). Returns 0, 1 or <0. */
static int delete_unpaid(struct am_ctx *ctx, const struct am_installment *inst, bool guard,
                         struct am_response *resp)
{
    struct am_payment **list = NULL;
    size_t n = 0;
    int r = installment_payments(ctx, inst, &list, &n);

    if (r < 0)
        return r;
    for (size_t i = 0; guard && i < n; i++) {
        if (!list[i]->deleted && holds_money(list[i])) {
            free(list);
            return am_input_fail(resp, 400, AM_ERR_INST_ACTION, AM_TXT_INST_CANNOT_DELETE);
        }
    }
    r = am_billing_payments_delete_unpaid(ctx->account->billing, list, n, ctx->now);
    free(list);
    return r;
}

int am_api_installments_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_installment *inst;
    int r;

    (void)req;
    r = find_installment(ctx, id, resp, &inst);
    if (r)
        return am_input_done(r);
    if (inst->deleted)
        return am_api_answer_deleted(resp, inst->id);
    r = delete_unpaid(ctx, inst, true, resp);
    if (r)
        return am_input_done(r);
    inst->deleted = true;
    return am_api_answer_deleted(resp, inst->id);
}

int am_api_installments_payments(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                 struct am_response *resp)
{
    struct am_installment *inst;
    struct am_payment_filter f;
    int r;

    (void)req;
    r = find_installment(ctx, id, resp, &inst);
    if (r)
        return am_input_done(r);
    am_payment_filter_init(&f);
    f.installment = inst->id;
    return am_api_payments_answer_page(ctx, &f, resp);
}

int am_api_installments_delete_payments(struct am_ctx *ctx, const char *id,
                                        const struct am_request *req, struct am_response *resp)
{
    struct am_installment *inst;
    int r;

    (void)req;
    r = find_installment(ctx, id, resp, &inst);
    if (r)
        return am_input_done(r);
    r = delete_unpaid(ctx, inst, false, resp);
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
    r = find_installment(ctx, id, resp, &inst);
    if (r)
        return am_input_done(r);
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

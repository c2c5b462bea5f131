/* api_moneyout.c - /v3/bill, /v3/mobilePhoneRecharges, /v3/anticipations and the escrow
 * account routes (see api_moneyout.h; transfers are in api_transfers.c). */
#include "api_moneyout.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "anticipations.h"
#include "asaas_facts.h"
#include "billing.h"
#include "bills.h"
#include "calendar.h"
#include "escrow.h"
#include "input.h"
#include "money.h"
#include "mo_record.h"
#include "records.h"

/* Answers one records object found by id after an action: 404, the action's refusal
 * (-EPERM -> 400 code/text) or the object. */
typedef int (*action_fn)(struct am_ctx *ctx, cJSON *o);

static int act(struct am_ctx *ctx, const char *coll, const char *id, action_fn fn,
               const char *code, const char *text, struct am_response *resp)
{
    cJSON *o;
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    o = id ? am_records_find(ctx->account->records, coll, id) : NULL;
    r = am_api_found(ctx, o, resp);
    if (r != 0)
        return am_input_done(r);
    r = fn(ctx, o);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, code, text));
    if (r < 0)
        return r;
    return am_api_answer_json(resp, am_records_public(o));
}

/* A list of coll, newest first, filtered by up to two string members given as query
 * parameters of the same names (NULL = none). */
static int list(struct am_ctx *ctx, const char *coll, const char *const *filters, size_t nf,
                struct am_response *resp)
{
    struct am_page pg;
    struct am_api_pager pager;
    size_t n;
    int r = am_api_list_begin(ctx, resp, &pg);

    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pager, &pg);
    n = am_records_count(ctx->account->records, coll);
    for (size_t k = 0; k < n; k++) {
        const cJSON *o = am_records_at(ctx->account->records, coll, n - 1 - k);
        bool ok = true;

        for (size_t f = 0; ok && f < nf; f++) {
            const char *want = am_api_query_value(ctx->query, filters[f]);
            const char *have = am_mo_str(o, filters[f]);

            ok = !want || (have && strcmp(want, have) == 0);
        }
        if (ok && am_api_pager_take(&pager))
            am_api_pager_add(&pager, am_records_public(o));
    }
    return am_api_pager_answer(&pager, resp);
}

/* The status query parameter must be one of allowed (NULL-terminated). 0, 1 or <0. */
static int status_filter(const struct am_ctx *ctx, const char *const *allowed, const char *code,
                         const char *text, struct am_response *resp)
{
    const char *s = am_api_query_value(ctx->query, "status");

    if (!s)
        return 0;
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], s) == 0)
            return 0;
    return am_input_fail(resp, 400, code, text);
}

/* An optional non-negative amount member; *ret 0 when absent. 0, 1 or <0. */
static int opt_money(const cJSON *body, const char *key, int64_t *ret, struct am_response *resp)
{
    const cJSON *v = am_input_field(body, key);

    *ret = 0;
    if (v && am_money_from_json(v, ret) < 0)
        return am_input_type_error(resp, key);
    return 0;
}

/* ---- bills ------------------------------------------------------------------------- */

/* identificationField (or barCode when allowed) decoded into slip. 0, 1 or <0. */
static int bill_slip(const struct am_ctx *ctx, const cJSON *body, bool barcode_too,
                     struct am_bill_slip *slip, const char **ret_text, struct am_response *resp)
{
    const char *text = NULL;
    int r = am_input_text(body, "identificationField", &text, resp);

    if (r == 0 && !text && barcode_too)
        r = am_input_text(body, "barCode", &text, resp);
    if (r != 0)
        return r;
    if (!text)
        return am_input_fail(resp, 400, AM_ERR_BILL_FIELD, AM_TXT_BILL_FIELD_MISSING);
    if (am_bill_decode(text, am_api_today(ctx), slip) < 0)
        return am_input_fail(resp, 400, AM_ERR_BILL_FIELD, AM_TXT_BILL_FIELD_INVALID);
    *ret_text = text;
    return 0;
}

int am_api_bills_simulate(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    struct am_bill_slip slip;
    const char *text;
    cJSON *body = NULL, *o = NULL, *info;
    int64_t today;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &body);
    if (r == 0)
        r = bill_slip(ctx, body, true, &slip, &text, resp);
    if (r != 0)
        goto out;
    today = am_api_today(ctx);
    o = cJSON_CreateObject();
    info = cJSON_CreateObject();
    r = (o && info) ? 0 : -ENOMEM;
    if (r == 0)
        r = am_mo_set_day(o, "minimumScheduleDate", today);
    if (r == 0)
        r = am_mo_set_money(o, "fee", AM_BILL_FEE_CENTS);
    if (r == 0)
        r = cJSON_AddItemToObject(o, "bankSlipInfo", info) ? 0 : -ENOMEM;
    if (r < 0) {
        cJSON_Delete(info);
        goto out;
    }
    r = am_mo_set_str(info, "identificationField", slip.line);
    if (r == 0)
        r = am_mo_set_money(info, "value", slip.value_cents);
    if (r == 0)
        r = am_mo_set_day(info, "dueDate", slip.due_day);
    if (r == 0)
        r = am_mo_set_str(info, "companyName", slip.utility ? AM_BILL_UTILITY_COMPANY : NULL);
    if (r == 0)
        r = am_mo_set_str(info, "bank", slip.utility ? NULL : slip.bank);
    if (r == 0)
        r = am_mo_set_str(info, "beneficiaryCpfCnpj", NULL);
    if (r == 0)
        r = am_mo_set_str(info, "beneficiaryName", NULL);
    if (r == 0)
        r = am_mo_set_bool(info, "allowChangeValue", slip.value_cents == 0);
    if (r == 0)
        r = am_mo_set_money(info, "minValue", slip.value_cents);
    if (r == 0)
        r = am_mo_set_money(info, "maxValue", slip.value_cents);
    const char *zeros[] = {"discountValue", "interestValue", "fineValue"};
    for (size_t i = 0; r == 0 && i < 3; i++)
        r = am_mo_set_money(info, zeros[i], 0);
    if (r == 0)
        r = am_mo_set_money(info, "originalValue", slip.value_cents);
    if (r == 0)
        r = am_mo_set_money(info, "totalDiscountValue", 0);
    if (r == 0)
        r = am_mo_set_money(info, "totalAdditionalValue", 0);
    if (r == 0)
        r = am_mo_set_bool(info, "isOverdue", slip.due_day != AM_NO_DAY && slip.due_day < today);
    if (r == 0) {
        r = am_api_answer_json(resp, o);
        o = NULL;
    }
out:
    cJSON_Delete(o);
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_bills_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    struct am_bill_slip slip;
    struct am_bill_spec spec = {0};
    cJSON *body = NULL, *bill = NULL;
    int64_t today;
    int d, r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    today = am_api_today(ctx);
    r = am_api_parse_body(req, resp, true, &body);
    if (r == 0)
        r = bill_slip(ctx, body, false, &slip, &spec.identification_field, resp);
    if (r != 0)
        goto out;
    spec.slip = &slip;
    spec.value_cents = slip.value_cents;
    if (am_input_field(body, "value") &&
        (am_money_from_json(am_input_field(body, "value"), &spec.value_cents) < 0))
        r = am_input_fail(resp, 400, AM_ERR_BILL_AMOUNT, AM_TXT_BILL_AMOUNT);
    if (r == 0 && spec.value_cents <= 0)
        r = am_input_fail(resp, 400, AM_ERR_BILL_VALUE, AM_TXT_BILL_VALUE);
    if (r == 0)
        r = opt_money(body, "discount", &spec.discount_cents, resp);
    if (r == 0)
        r = opt_money(body, "interest", &spec.interest_cents, resp);
    if (r == 0)
        r = opt_money(body, "fine", &spec.fine_cents, resp);
    if (r == 0) {
        d = am_input_day(body, "dueDate", &spec.due_day);
        if (d == -ENOENT)
            spec.due_day = AM_NO_DAY;
        else if (d < 0)
            r = am_input_type_error(resp, "dueDate");
    }
    if (r == 0) {
        d = am_input_day(body, "scheduleDate", &spec.schedule_day);
        if (d == -ENOENT)
            spec.schedule_day = AM_NO_DAY;
        else if (d < 0 || spec.schedule_day < today)
            r = am_input_fail(resp, 400, AM_ERR_BILL_SCHEDULE, AM_TXT_BILL_SCHEDULE);
    }
    if (r == 0)
        r = am_input_text(body, "description", &spec.description, resp);
    if (r == 0)
        r = am_input_text(body, "externalReference", &spec.external_reference, resp);
    if (r == 0)
        r = am_api_mo_balance(ctx, spec.value_cents + AM_BILL_FEE_CENTS, AM_ERR_BILL_BALANCE,
                              AM_TXT_BILL_BALANCE, resp);
    if (r == 0)
        r = am_bill_create(ctx->account->billing, ctx->account->records, ctx->ids, &spec, today,
                           ctx->now, &bill);
    if (r == 0)
        r = am_api_answer_json(resp, am_records_public(bill));
out:
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_bills_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                      struct am_response *resp)
{
    static const char *const statuses[] = {"PENDING", "BANK_PROCESSING", "PAID", "FAILED",
                                           "CANCELLED", "REFUNDED",
                                           "AWAITING_CHECKOUT_RISK_ANALYSIS_REQUEST", NULL};
    static const char *const filters[] = {"status"};
    int r;

    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = status_filter(ctx, statuses, AM_ERR_BILL_STATUS, AM_TXT_BILL_STATUS, resp);
    if (r != 0)
        return am_input_done(r);
    return list(ctx, AM_BILLS, filters, 1, resp);
}

int am_api_bills_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                     struct am_response *resp)
{
    (void)req;
    return am_api_mo_answer_found(ctx, AM_BILLS, id, resp);
}

static int bill_cancel(struct am_ctx *ctx, cJSON *o)
{
    return am_bill_cancel(ctx->account->billing, o, am_api_today(ctx), ctx->now);
}

int am_api_bills_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    (void)req;
    return act(ctx, AM_BILLS, id, bill_cancel, AM_ERR_BILL_CANCEL, AM_TXT_BILL_CANCEL, resp);
}

/* ---- mobile recharges -------------------------------------------------------------- */

int am_api_recharges_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    cJSON *body = NULL, *o = NULL;
    const char *phone = NULL, *op = NULL;
    char digits[16];
    int64_t cents = 0;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &body);
    if (r == 0)
        r = am_api_mo_value(body, "value", AM_TXT_RECHARGE_VALUE_MISSING, AM_TXT_RECHARGE_VALUE,
                            &cents, resp);
    if (r == 0)
        r = am_input_text(body, "phoneNumber", &phone, resp);
    if (r == 0 && !phone)
        r = am_input_fail(resp, 400, AM_ERR_RECHARGE_PHONE, AM_TXT_RECHARGE_PHONE_MISSING);
    if (r == 0 && !(op = am_recharge_operator(phone, digits)))
        r = am_input_fail(resp, 400, AM_ERR_RECHARGE_PHONE, AM_TXT_RECHARGE_PHONE);
    if (r == 0 && (cents < AM_RECHARGE_MIN_CENTS || cents > AM_RECHARGE_MAX_CENTS))
        r = am_input_fail(resp, 400, AM_ERR_RECHARGE_VALUE, AM_TXT_RECHARGE_VALUE);
    if (r == 0)
        r = am_api_mo_balance(ctx, cents, AM_ERR_RECHARGE_BALANCE, AM_TXT_RECHARGE_BALANCE, resp);
    if (r == 0)
        r = am_recharge_create(ctx->account->billing, ctx->account->records, ctx->ids, digits,
                               op, cents, am_api_today(ctx), ctx->now, &o);
    if (r == 0)
        r = am_api_answer_json(resp, am_records_public(o));
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_recharges_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    (void)id;
    (void)req;
    return list(ctx, AM_RECHARGES, NULL, 0, resp);
}

int am_api_recharges_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    (void)req;
    return am_api_mo_answer_found(ctx, AM_RECHARGES, id, resp);
}

static int recharge_cancel(struct am_ctx *ctx, cJSON *o)
{
    return am_recharge_cancel(ctx->account->billing, o, am_api_today(ctx), ctx->now);
}

int am_api_recharges_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    (void)req;
    return act(ctx, AM_RECHARGES, id, recharge_cancel, AM_ERR_RECHARGE_CANCEL,
               AM_TXT_RECHARGE_CANCEL, resp);
}

int am_api_recharges_provider(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    static const int64_t values[] = {1200, 1500, 2000, 3000, 5000, 10000};
    char digits[16], label[32], desc[64];
    const char *op;
    cJSON *o, *arr;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    op = id ? am_recharge_operator(id, digits) : NULL;
    if (!op)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_RECHARGE_PHONE, AM_TXT_RECHARGE_PHONE));
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    r = (o && arr) ? am_mo_set_str(o, "name", op) : -ENOMEM;
    if (r == 0)
        r = cJSON_AddItemToObject(o, "values", arr) ? 0 : -ENOMEM;
    else
        cJSON_Delete(arr);
    for (size_t i = 0; r == 0 && i < sizeof(values) / sizeof(values[0]); i++) {
        cJSON *v = cJSON_CreateObject();

        snprintf(label, sizeof(label), "R$ %lld,%02lld", (long long)(values[i] / 100),
                 (long long)(values[i] % 100));
        snprintf(desc, sizeof(desc), "Recarga %s de %s", op, label);
        r = v && cJSON_AddItemToArray(arr, v) ? 0 : -ENOMEM;
        if (r < 0)
            cJSON_Delete(v);
        if (r == 0)
            r = am_mo_set_str(v, "name", label);
        if (r == 0)
            r = am_mo_set_str(v, "description", desc);
        if (r == 0)
            r = am_mo_set_str(v, "bonus", "0.0");
        if (r == 0)
            r = am_mo_set_money(v, "minValue", values[i]);
        if (r == 0)
            r = am_mo_set_money(v, "maxValue", values[i]);
    }
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    return am_api_answer_json(resp, o);
}

/* ---- anticipations ----------------------------------------------------------------- */

/* A text field of a multipart/form-data body (RFC 7578), copied into out. Returns true
 * when found. Only what this route needs: the parts' names and short text values. */
static bool form_field(const struct am_request *req, const char *name, char *out, size_t len)
{
    const char *ct = am_request_header(req, "Content-Type");
    const char *b = ct ? strstr(ct, "boundary=") : NULL;
    char delim[96], needle[96];
    const char *p, *end = req->body + req->body_len;
    size_t blen;

    if (!b || !req->body)
        return false;
    b += 9;
    blen = strcspn(b, "; ");
    if (*b == '"')
        blen = strcspn(++b, "\"");
    if (blen == 0 || blen > 70)
        return false;
    snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)blen, b);
    snprintf(needle, sizeof(needle), "name=\"%s\"", name);
    for (p = req->body; p < end; p++) {
        const char *v, *stop;

        if ((size_t)(end - p) < strlen(needle) || memcmp(p, needle, strlen(needle)) != 0)
            continue;
        for (v = p; v + 4 <= end && memcmp(v, "\r\n\r\n", 4) != 0; v++)
            ;
        if (v + 4 > end)
            return false;
        v += 4;
        for (stop = v; stop + strlen(delim) <= end && memcmp(stop, delim, strlen(delim)) != 0;
             stop++)
            ;
        if (stop + strlen(delim) > end || (size_t)(stop - v) >= len)
            return false;
        memcpy(out, v, (size_t)(stop - v));
        out[stop - v] = '\0';
        return true;
    }
    return false;
}

/* payment / installment of a JSON or multipart body. 0, 1 (answered) or <0. */
static int anticipation_target(const struct am_request *req, struct am_response *resp,
                               cJSON **ret_body, const char **ret_payment,
                               const char **ret_installment, char pbuf[64], char ibuf[64])
{
    const char *ct = am_request_header(req, "Content-Type");
    int r;

    *ret_body = NULL;
    *ret_payment = *ret_installment = NULL;
    if (ct && strncmp(ct, "multipart/form-data", 19) == 0) {
        if (form_field(req, "payment", pbuf, 64) && pbuf[0])
            *ret_payment = pbuf;
        if (form_field(req, "installment", ibuf, 64) && ibuf[0])
            *ret_installment = ibuf;
    } else {
        r = am_api_parse_body(req, resp, true, ret_body);
        if (r == 0)
            r = am_input_text(*ret_body, "payment", ret_payment, resp);
        if (r == 0)
            r = am_input_text(*ret_body, "installment", ret_installment, resp);
        if (r != 0)
            return r;
    }
    if (!*ret_payment && !*ret_installment)
        return am_input_fail(resp, 400, AM_ERR_ANTICIPATION_TARGET, AM_TXT_ANTICIPATION_TARGET);
    return 0;
}

static int anticipation_calc(struct am_ctx *ctx, const char *payment, const char *installment,
                             struct am_anticipation_calc *c, struct am_response *resp)
{
    int r = am_anticipation_calc(ctx->account->billing, ctx->account->records, payment,
                                 payment ? NULL : installment, am_api_today(ctx), c);

    if (r == -ENOENT)
        return am_input_fail(resp, 400, AM_ERR_ANTICIPATION_TARGET, AM_TXT_ANTICIPATION_NOT_FOUND);
    if (r == -EPERM)
        return am_input_fail(resp, 400, AM_ERR_ANTICIPATION_ACTION,
                             AM_TXT_ANTICIPATION_NOT_ANTICIPABLE);
    return r;
}

static int64_t limit_of(bool card)
{
    return card ? AM_ANTICIPATION_LIMIT_CARD_CENTS : AM_ANTICIPATION_LIMIT_SLIP_CENTS;
}

int am_api_anticipations_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_anticipation_calc c;
    const char *payment, *installment, *denial = NULL;
    char pbuf[64], ibuf[64];
    cJSON *body = NULL, *o = NULL;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = anticipation_target(req, resp, &body, &payment, &installment, pbuf, ibuf);
    if (r == 0)
        r = anticipation_calc(ctx, payment, installment, &c, resp);
    if (r == 0) {
        if (am_anticipation_used(ctx->account->records, c.card) + c.value_cents > limit_of(c.card))
            denial = AM_TXT_ANTICIPATION_DENIED_LIMIT;
        r = am_anticipation_create(ctx->account->billing, ctx->account->records, ctx->ids,
                                   payment, payment ? NULL : installment, &c, denial,
                                   am_api_today(ctx), ctx->now, &o);
    }
    if (r == 0)
        r = am_api_answer_json(resp, am_records_public(o));
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_anticipations_simulate(struct am_ctx *ctx, const char *id,
                                  const struct am_request *req, struct am_response *resp)
{
    struct am_anticipation_calc c;
    const char *payment, *installment;
    char pbuf[64], ibuf[64];
    cJSON *body = NULL, *o = NULL;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = anticipation_target(req, resp, &body, &payment, &installment, pbuf, ibuf);
    if (r == 0)
        r = anticipation_calc(ctx, payment, installment, &c, resp);
    if (r != 0)
        goto out;
    o = cJSON_CreateObject();
    r = o ? am_mo_set_str(o, "installment", payment ? NULL : installment) : -ENOMEM;
    if (r == 0)
        r = am_mo_set_str(o, "payment", payment);
    if (r == 0)
        r = am_mo_set_day(o, "anticipationDate", am_api_today(ctx));
    if (r == 0)
        r = am_mo_set_day(o, "dueDate", c.due_day);
    if (r == 0)
        r = am_mo_set_money(o, "fee", c.fee_cents);
    if (r == 0)
        r = am_mo_set_int(o, "anticipationDays", c.days);
    if (r == 0)
        r = am_mo_set_money(o, "netValue", c.value_cents - c.fee_cents);
    if (r == 0)
        r = am_mo_set_money(o, "totalValue", c.total_cents);
    if (r == 0)
        r = am_mo_set_money(o, "value", c.value_cents);
    if (r == 0)
        r = am_mo_set_bool(o, "isDocumentationRequired", !c.card);
    if (r == 0) {
        r = am_api_answer_json(resp, o);
        o = NULL;
    }
out:
    cJSON_Delete(o);
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_anticipations_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    static const char *const statuses[] = {"PENDING", "DENIED", "CREDITED", "DEBITED",
                                           "CANCELLED", "OVERDUE", "SCHEDULED", NULL};
    static const char *const filters[] = {"status", "payment", "installment"};
    int r;

    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = status_filter(ctx, statuses, AM_ERR_ANTICIPATION_STATUS, AM_TXT_BILL_STATUS, resp);
    if (r != 0)
        return am_input_done(r);
    return list(ctx, AM_ANTICIPATIONS, filters, 3, resp);
}

int am_api_anticipations_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    (void)req;
    return am_api_mo_answer_found(ctx, AM_ANTICIPATIONS, id, resp);
}

static int anticipation_cancel(struct am_ctx *ctx, cJSON *o)
{
    return am_anticipation_cancel(ctx->account->billing, o, ctx->now);
}

int am_api_anticipations_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    (void)req;
    return act(ctx, AM_ANTICIPATIONS, id, anticipation_cancel, AM_ERR_ANTICIPATION_ACTION,
               AM_TXT_ANTICIPATION_CANCEL, resp);
}

static int add_limit(cJSON *o, const char *key, struct am_records *rec, bool card)
{
    cJSON *l = cJSON_CreateObject();
    int64_t total = limit_of(card), avail = total - am_anticipation_used(rec, card);
    int r = l && cJSON_AddItemToObject(o, key, l) ? 0 : -ENOMEM;

    if (r < 0)
        cJSON_Delete(l);
    if (r == 0)
        r = am_mo_set_money(l, "total", total);
    if (r == 0)
        r = am_mo_set_money(l, "available", avail > 0 ? avail : 0);
    return r;
}

int am_api_anticipations_limits(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    cJSON *o;
    int r;

    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    o = cJSON_CreateObject();
    r = o ? add_limit(o, "creditCard", ctx->account->records, true) : -ENOMEM;
    if (r == 0)
        r = add_limit(o, "bankSlip", ctx->account->records, false);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    return am_api_answer_json(resp, o);
}

static cJSON *anticipation_config(struct am_records *rec)
{
    cJSON *o = cJSON_CreateObject();

    if (o && am_mo_set_bool(o, "creditCardAutomaticEnabled", am_anticipation_automatic(rec)) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_api_anticipations_config_get(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, anticipation_config(ctx->account->records));
}

int am_api_anticipations_config_put(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    cJSON *body = NULL;
    const cJSON *v;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &body);
    if (r != 0)
        return am_input_done(r);
    v = am_input_field(body, "creditCardAutomaticEnabled");
    if (!cJSON_IsBool(v)) {
        r = am_input_fail(resp, 400, AM_ERR_ANTICIPATION_CONFIG, AM_TXT_ANTICIPATION_CONFIG);
        goto out;
    }
    r = am_anticipation_configure(ctx->account->billing, ctx->account->records, cJSON_IsTrue(v));
    if (r == 0)
        r = am_api_answer_json(resp, anticipation_config(ctx->account->records));
out:
    cJSON_Delete(body);
    return am_input_done(r);
}

/* ---- escrow ------------------------------------------------------------------------ */

/* {daysToExpire, enabled, isFeePayer} of doc, or the unconfigured default. */
static cJSON *escrow_config(const cJSON *doc)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *days = cJSON_GetObjectItemCaseSensitive(doc, "daysToExpire");
    int r = o ? 0 : -ENOMEM;

    if (r == 0)
        r = cJSON_IsNumber(days) ? am_mo_set_int(o, "daysToExpire", (int64_t)days->valuedouble)
                                 : am_mo_set_str(o, "daysToExpire", NULL);
    if (r == 0)
        r = am_mo_set_bool(o, "enabled", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "enabled")));
    if (r == 0)
        r = am_mo_set_bool(o, "isFeePayer",
                           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "isFeePayer")));
    if (r < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Validates a config body into *ret (caller owns). 0, 1 or <0. */
static int escrow_body(const struct am_request *req, struct am_response *resp, cJSON **ret)
{
    cJSON *body = NULL, *cfg;
    const cJSON *en, *fee;
    long days;
    int r = am_api_parse_body(req, resp, true, &body);

    *ret = NULL;
    if (r != 0)
        return r;
    en = am_input_field(body, "enabled");
    fee = am_input_field(body, "isFeePayer");
    if (am_input_int(am_input_field(body, "daysToExpire"), 1, AM_ESCROW_DAYS_MAX, &days) < 0)
        r = am_input_fail(resp, 400, AM_ERR_ESCROW_DAYS, AM_TXT_ESCROW_DAYS);
    else if ((en && !cJSON_IsBool(en)) || (fee && !cJSON_IsBool(fee)))
        r = am_input_fail(resp, 400, AM_ERR_ESCROW_BOOL, AM_TXT_ESCROW_BOOL);
    if (r == 0) {
        cfg = cJSON_CreateObject();
        r = cfg ? am_mo_set_int(cfg, "daysToExpire", days) : -ENOMEM;
        if (r == 0)
            r = am_mo_set_bool(cfg, "enabled", !en || cJSON_IsTrue(en));
        if (r == 0)
            r = am_mo_set_bool(cfg, "isFeePayer", cJSON_IsTrue(fee));
        if (r < 0)
            cJSON_Delete(cfg);
        else
            *ret = cfg;
    }
    cJSON_Delete(body);
    return r;
}

int am_api_escrow_default_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, escrow_config(am_records_doc(ctx->account->records,
                                                                 "escrowDefault")));
}

int am_api_escrow_default_save(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    cJSON *cfg;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = escrow_body(req, resp, &cfg);
    if (r != 0)
        return am_input_done(r);
    r = am_records_set_doc(ctx->account->records, "escrowDefault", cfg);
    if (r < 0)
        return r;
    return am_api_answer_json(resp, escrow_config(am_records_doc(ctx->account->records,
                                                                 "escrowDefault")));
}

/* The account of /accounts/{id}/escrow, or NULL after a 404. */
static struct am_account *escrow_target(struct am_ctx *ctx, const char *id,
                                        struct am_response *resp, int *ret)
{
    struct am_account *a = id ? am_registry_find_account(ctx->registry, id) : NULL;

    *ret = 0;
    if (!a)
        *ret = am_input_done(am_api_not_found(resp));
    return a;
}

int am_api_escrow_account_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    struct am_account *a;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    a = escrow_target(ctx, id, resp, &r);
    if (!a)
        return r;
    return am_api_answer_json(resp, escrow_config(am_records_doc(a->records, "escrowConfig")));
}

int am_api_escrow_account_save(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_account *a;
    cJSON *cfg;
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    a = escrow_target(ctx, id, resp, &r);
    if (!a)
        return r;
    r = escrow_body(req, resp, &cfg);
    if (r != 0)
        return am_input_done(r);
    r = am_escrow_configure(a, cfg);
    cJSON_Delete(cfg);
    if (r < 0)
        return r;
    return am_api_answer_json(resp, escrow_config(am_records_doc(a->records, "escrowConfig")));
}

int am_api_escrow_payment_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    cJSON *e;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    r = am_escrow_sync(ctx->account, ctx->ids, am_api_today(ctx), ctx->now);
    if (r < 0)
        return r;
    e = id && am_billing_payment_find(ctx->account->billing, id)
            ? am_escrow_of_payment(ctx->account->records, id)
            : NULL;
    r = am_api_found(ctx, e, resp);
    if (r != 0)
        return am_input_done(r);
    return am_api_answer_json(resp, am_records_public(e));
}

int am_api_escrow_finish(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    struct am_records *rec;
    struct am_payment *p;
    cJSON *e, *o;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    rec = ctx->account->records;
    r = am_escrow_sync(ctx->account, ctx->ids, am_api_today(ctx), ctx->now);
    if (r < 0)
        return r;
    e = id ? am_records_find(rec, AM_ESCROWS, id) : NULL;
    if (!e && id)
        e = am_escrow_of_payment(rec, id);
    p = e ? am_billing_payment_find(ctx->account->billing, am_mo_str(e, "_payment")) : NULL;
    r = am_api_found(ctx, p, resp);
    if (r != 0)
        return am_input_done(r);
    r = am_escrow_finish(ctx->account, e, "REQUESTED_BY_CUSTOMER", am_api_today(ctx), ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_ESCROW_FINISH, AM_TXT_ESCROW_FINISH));
    if (r < 0)
        return r;
    o = am_payment_to_json(p);
    if (o && cJSON_GetObjectItemCaseSensitive(o, "escrow") &&
        !cJSON_ReplaceItemInObjectCaseSensitive(o, "escrow", am_records_public(e))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return am_api_answer_json(resp, o);
}

/* api_finance.c - /v3/finance (balance, statistics), /v3/financialTransactions (the
 * ledger, paged) and /v3/myAccount/status with the sandbox account approval (see
 * api_recurring.h). Read-only views over billing.h, except the approval. */
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

/* ---- finance ---------------------------------------------------------------------- */

int am_api_finance_balance(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    cJSON *o;

    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
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
    const char *v = am_api_query_value(ctx->query, key);

    if (v && am_cal_parse_day(v, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_FIN_DATE, AM_TXT_FIN_DATE);
    return 0;
}

/* The members naming the line's other object, in Asaas's order after paymentId. */
static const char *const ref_keys[] = {"splitId",   "transferId",       "anticipationId",
                                       "billId",    "invoiceId",        "paymentDunningId",
                                       "creditBureauReportId"};

static cJSON *ledger_json(const struct am_ledger_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    const char *payment = e->payment_id[0] ? e->payment_id : NULL;
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
         am_json_add_string_or_null(
             o, "paymentId", strcmp(e->ref_key, "paymentId") == 0 ? e->ref_id : payment) == 0;
    for (size_t i = 0; ok && i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++)
        ok = am_json_add_string_or_null(o, ref_keys[i], strcmp(e->ref_key, ref_keys[i]) == 0
                                                            ? e->ref_id
                                                            : NULL) == 0;
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
    r = am_api_list_begin(ctx, resp, &pg);
    if (r < 0)
        return r;
    b = ctx->account->billing;
    if (r == 0)
        r = query_day(ctx, "startDate", &start, resp);
    if (r == 0)
        r = query_day(ctx, "finishDate", &finish, resp);
    if (r != 0)
        return am_input_done(r);
    order = am_api_query_value(ctx->query, "order");
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
    if (!am_api_ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    am_payment_filter_init(&f);
    f.customer = am_api_query_value(ctx->query, "customer");
    f.external_reference = am_api_query_value(ctx->query, "externalReference");
    r = am_api_billing_type_filter(ctx, &f.billing_type, resp);
    if (r != 0)
        return am_input_done(r);
    r = am_api_payments_status_filter(ctx, &f, resp);
    if (r == 0) {
        v = am_api_query_value(ctx->query, "anticipated");
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

    if (!o || !cJSON_AddStringToObject(o, "id", a->uuid) ||
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
    if (!am_api_ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, kyc_json(ctx->account, am_recurring_kyc(ctx->account->recurring)));
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
    if (!am_api_ready(ctx))
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
                                 ctx->account->uuid, text);
        free(text);
    }
    return am_api_answer_json(resp, kyc_json(ctx->account, k));
}

/* api_dunning.c - payment dunnings (api_dunning.h). First error only (asaas_facts.h,
 * "area links"); a refused request changes nothing. */
#include "api_dunning.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_form.h"
#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "cpfcnpj.h"
#include "dunning.h"
#include "input.h"
#include "links.h"
#include "money.h"
#include "records.h"

static struct am_records *recs(const struct am_ctx *ctx)
{
    return ctx->account->records;
}

static bool ready(const struct am_ctx *ctx)
{
    return am_api_ready(ctx) && ctx->account->records;
}

static int fail(struct am_response *resp, const char *code, const char *text)
{
    return am_input_fail(resp, 400, code, text);
}

/* The payment named by key of obj, or 1 with invalid_payment answered. */
static int payment_of(struct am_ctx *ctx, const char *pid, struct am_response *resp,
                      struct am_payment **ret)
{
    *ret = pid ? am_billing_payment_find(ctx->account->billing, pid) : NULL;
    return *ret ? 0 : fail(resp, AM_ERR_DUNNING_PAYMENT, AM_TXT_DUNNING_PAYMENT);
}

int am_api_dunning_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    static const char *const required[] = {"customerName", "customerCpfCnpj",
                                           "customerPrimaryPhone", "customerPostalCode",
                                           "customerAddress", "customerAddressNumber",
                                           "customerProvince"};
    static const char *const optional[] = {"description", "customerSecondaryPhone",
                                           "customerComplement"};
    struct am_api_form f;
    struct am_payment *p = NULL;
    const char *pid = NULL, *type = NULL, *s = NULL, *why;
    const struct am_multipart_part *doc;
    char digits[15];
    cJSON *d;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_form_read(req, resp, &f);
    if (r != 0)
        goto out;
    if (am_input_str(f.json, "payment", &pid, NULL) < 0) {
        r = fail(resp, AM_ERR_DUNNING_PAYMENT, AM_TXT_DUNNING_PAYMENT);
        goto out;
    }
    r = payment_of(ctx, pid, resp, &p);
    if (r != 0)
        goto out;
    why = am_dunning_not_allowed(recs(ctx), p);
    if (why) {
        r = fail(resp, AM_ERR_DUNNING_PAYMENT, why);
        goto out;
    }
    if (am_input_str(f.json, "type", &type, NULL) < 0 || !type || strcmp(type, "CREDIT_BUREAU")) {
        r = fail(resp, AM_ERR_DUNNING_TYPE, AM_TXT_DUNNING_TYPE);
        goto out;
    }
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (am_input_str(f.json, required[i], &s, NULL) < 0 || !s) {
            char code[64], text[128];

            snprintf(code, sizeof(code), "invalid_%s", required[i]);
            snprintf(text, sizeof(text), AM_TXT_DUNNING_FIELD_FMT, required[i]);
            r = fail(resp, code, text);
            goto out;
        }
        if (i == 1 && am_cpfcnpj_validate(s, digits) == AM_DOC_INVALID) {
            r = fail(resp, AM_ERR_DUNNING_CPF_CNPJ, AM_TXT_DUNNING_CPF_CNPJ);
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
        r = am_input_text(f.json, optional[i], &s, resp);
        if (r != 0)
            goto out;
    }
    doc = am_api_form_file(&f, "documents");
    d = am_dunning_create(recs(ctx), ctx->ids, p, f.json, doc && doc->len > 0,
                          am_api_today(ctx));
    r = d ? am_api_answer_json(resp, am_records_public(d)) : -ENOMEM;
out:
    am_api_form_free(&f);
    return am_input_done(r);
}

int am_api_dunning_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    static const char *const statuses[] = {"PENDING", "AWAITING_APPROVAL",
                                           "AWAITING_CANCELLATION", "PROCESSED", "PAID",
                                           "PARTIALLY_PAID", "DENIED", "CANCELLED", NULL};
    const char *status, *type, *pid, *start, *end;
    int64_t start_day = AM_NO_DAY, end_day = AM_NO_DAY;
    struct am_page page;
    struct am_api_pager pg;
    bool known = false;
    size_t n;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    status = am_api_query_value(ctx->query, "status");
    type = am_api_query_value(ctx->query, "type");
    pid = am_api_query_value(ctx->query, "payment");
    start = am_api_query_value(ctx->query, "requestStartDate");
    end = am_api_query_value(ctx->query, "requestEndDate");
    for (size_t i = 0; status && statuses[i]; i++)
        known = known || strcmp(status, statuses[i]) == 0;
    if (status && !known)
        return am_input_done(fail(resp, AM_ERR_DUNNING_STATUS, "Status inválido."));
    if (type && strcmp(type, "CREDIT_BUREAU") && strcmp(type, "DEBT_RECOVERY_ASSISTANCE"))
        return am_input_done(fail(resp, AM_ERR_DUNNING_TYPE, AM_TXT_DUNNING_TYPE));
    if ((start && am_cal_parse_day(start, &start_day) < 0) ||
        (end && am_cal_parse_day(end, &end_day) < 0))
        return am_input_done(am_input_type_error(resp, start_day == AM_NO_DAY && start
                                                           ? "requestStartDate"
                                                           : "requestEndDate"));
    am_api_pager_init(&pg, &page);
    n = am_records_count(recs(ctx), AM_DUNNINGS_COLL);
    for (size_t i = n; i-- > 0;) {
        cJSON *d = am_records_at(recs(ctx), AM_DUNNINGS_COLL, i);
        int64_t day = AM_NO_DAY;

        am_cal_parse_day(am_link_str(d, "requestDate"), &day);
        if ((status && strcmp(am_link_str(d, "status"), status)) ||
            (type && strcmp(am_link_str(d, "type"), type)) ||
            (pid && strcmp(am_link_str(d, "payment"), pid)) ||
            (start && day < start_day) || (end && day > end_day))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(d));
    }
    return am_api_pager_answer(&pg, resp);
}

static int find_dunning(struct am_ctx *ctx, const char *id, struct am_response *resp,
                        cJSON **ret)
{
    *ret = id ? am_records_find(recs(ctx), AM_DUNNINGS_COLL, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_dunning_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                       struct am_response *resp)
{
    cJSON *d;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_dunning(ctx, id, resp, &d);
    return r != 0 ? am_input_done(r) : am_api_answer_json(resp, am_records_public(d));
}

/* A page of the private array key of the dunning (history, partial payments). */
static int sub_list(struct am_ctx *ctx, const char *id, const char *key, struct am_response *resp)
{
    struct am_page page;
    struct am_api_pager pg;
    cJSON *d, *it;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_dunning(ctx, id, resp, &d);
    if (r == 0)
        r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d, key))
    {
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, cJSON_Duplicate(it, true));
    }
    return am_api_pager_answer(&pg, resp);
}

int am_api_dunning_history(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    (void)req;
    return sub_list(ctx, id, "_history", resp);
}

int am_api_dunning_partial_payments(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    /* No partial payment is ever simulated: the charge is paid whole (PAID). */
    (void)req;
    return sub_list(ctx, id, "_partialPayments", resp);
}

int am_api_dunning_documents(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_api_form f;
    const struct am_multipart_part *doc;
    cJSON *d;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_dunning(ctx, id, resp, &d);
    if (r != 0)
        return am_input_done(r);
    r = am_api_form_read(req, resp, &f);
    if (r != 0)
        goto out;
    doc = am_api_form_file(&f, "documents");
    if (!doc || doc->len == 0) {
        r = fail(resp, AM_ERR_DUNNING_ACTION, AM_TXT_DUNNING_DOCUMENTS_MISSING);
        goto out;
    }
    r = am_dunning_documents(d, am_api_today(ctx));
    if (r == -EPERM)
        r = fail(resp, AM_ERR_DUNNING_ACTION, AM_TXT_DUNNING_NO_DOCUMENTS);
    else if (r == 0)
        r = am_api_answer_json(resp, am_records_public(d));
out:
    am_api_form_free(&f);
    return am_input_done(r);
}

int am_api_dunning_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    cJSON *d;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_dunning(ctx, id, resp, &d);
    if (r != 0)
        return am_input_done(r);
    r = am_dunning_cancel(d, am_api_today(ctx));
    if (r == -EPERM)
        return am_input_done(fail(resp, AM_ERR_DUNNING_ACTION, AM_TXT_DUNNING_NOT_CANCELABLE));
    return r < 0 ? r : am_api_answer_json(resp, am_records_public(d));
}

int am_api_dunning_simulate(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_payment *p;
    cJSON *o, *sims, *sim;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = payment_of(ctx, am_api_query_value(ctx->query, "payment"), resp, &p);
    if (r != 0)
        return am_input_done(r);
    o = cJSON_CreateObject();
    sim = am_dunning_simulation(recs(ctx), p, am_api_today(ctx));
    if (!o || !sim || !cJSON_AddStringToObject(o, "payment", p->id) ||
        am_money_add(o, "value", p->value_cents) < 0 ||
        !(sims = cJSON_AddArrayToObject(o, "typeSimulations")) ||
        !cJSON_AddItemToArray(sims, sim)) {
        cJSON_Delete(o);
        cJSON_Delete(sim);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

int am_api_dunning_available(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_page page;
    struct am_api_pager pg;
    size_t n;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    n = am_billing_payment_count(ctx->account->billing);
    for (size_t i = n; i-- > 0;) {
        struct am_payment *p = am_billing_payment_at(ctx->account->billing, i);
        cJSON *o, *sims;
        char day[11];

        if (am_dunning_not_allowed(recs(ctx), p) || !am_api_pager_take(&pg))
            continue;
        am_cal_format_day(p->due_day, day);
        o = cJSON_CreateObject();
        if (o && (!cJSON_AddStringToObject(o, "payment", p->id) ||
                  !cJSON_AddStringToObject(o, "customer", p->customer) ||
                  am_money_add(o, "value", p->value_cents) < 0 ||
                  !cJSON_AddStringToObject(o, "status", am_payment_status_name(p->status)) ||
                  !cJSON_AddStringToObject(o, "billingType",
                                           am_billing_type_name(p->billing_type)) ||
                  !cJSON_AddStringToObject(o, "dueDate", day) ||
                  !(sims = cJSON_AddArrayToObject(o, "typeSimulations")) ||
                  !cJSON_AddItemToArray(sims, am_dunning_simulation(recs(ctx), p,
                                                                    am_api_today(ctx))))) {
            cJSON_Delete(o);
            o = NULL;
        }
        am_api_pager_add(&pg, o);
    }
    return am_api_pager_answer(&pg, resp);
}

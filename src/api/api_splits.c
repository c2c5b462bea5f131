/* api_splits.c - the split lists and the split[] of charges (see api_splits.h). */
#include "api_splits.h"

#include <errno.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_common.h"
#include "asaas_facts.h"
#include "fees.h"
#include "input.h"
#include "records.h"
#include "splits.h"

static bool in_range(const char *v, const char *ge, const char *le)
{
    if (!ge && !le)
        return true;
    if (!v)
        return false;
    return (!ge || strcmp(v, ge) >= 0) && (!le || strcmp(v, le) <= 0);
}

/* GET /payments/splits/{paid,received}: filters paymentId, status, the dates. */
static int list(struct am_ctx *ctx, const char *coll, struct am_response *resp)
{
    struct am_page page;
    struct am_api_pager pg;
    const struct am_query *q = ctx->query;
    const char *pay, *status;
    size_t n;
    int r;

    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    pay = am_api_query_value(q, "paymentId");
    status = am_api_query_value(q, "status");
    am_api_pager_init(&pg, &page);
    n = am_records_count(ctx->account->records, coll);
    for (size_t i = n; i-- > 0;) {
        const cJSON *o = am_records_at(ctx->account->records, coll, i);
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "payment");
        const char *v;

        v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "_payment"));
        if (pay && (!v || strcmp(v, pay) != 0))
            continue;
        v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "status"));
        if (status && (!v || strcmp(v, status) != 0))
            continue;
        if (!in_range(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "confirmedDate")),
                      am_api_query_value(q, "paymentConfirmedDate[ge]"),
                      am_api_query_value(q, "paymentConfirmedDate[le]")) ||
            !in_range(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "creditDate")),
                      am_api_query_value(q, "creditDate[ge]"),
                      am_api_query_value(q, "creditDate[le]")))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(o));
    }
    return am_api_pager_answer(&pg, resp);
}

static int get(struct am_ctx *ctx, const char *coll, const char *id, struct am_response *resp)
{
    cJSON *o;
    int r;

    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    o = id ? am_records_find(ctx->account->records, coll, id) : NULL;
    r = am_api_found(ctx, o, resp);
    if (r != 0)
        return am_input_done(r);
    return am_api_answer_json(resp, am_records_public(o));
}

int am_api_splits_paid_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                struct am_response *resp)
{
    (void)id;
    (void)req;
    return list(ctx, AM_SPLITS_PAID, resp);
}

int am_api_splits_received_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                struct am_response *resp)
{
    (void)id;
    (void)req;
    return list(ctx, AM_SPLITS_RECEIVED, resp);
}

int am_api_splits_paid_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                struct am_response *resp)
{
    (void)req;
    return get(ctx, AM_SPLITS_PAID, id, resp);
}

int am_api_splits_received_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                struct am_response *resp)
{
    (void)req;
    return get(ctx, AM_SPLITS_RECEIVED, id, resp);
}

int am_api_splits_check(struct am_ctx *ctx, const cJSON *body, const char *key,
                        int64_t value_cents, enum am_billing_type type, unsigned count,
                        struct am_response *resp)
{
    const cJSON *split = am_json_member(body, key);
    const char *text = NULL;
    int64_t net = value_cents - am_fee_for(type, value_cents);

    if (!split || !ctx->registry)
        return 0;
    if (am_splits_check(ctx->account, split, net, count, &text) < 0)
        return am_input_fail(resp, 400, AM_ERR_SPLIT, text);
    return 0;
}

int am_api_splits_attach(struct am_ctx *ctx, const cJSON *body, const char *key, const char *kind,
                         const char *owner_id, unsigned count)
{
    const cJSON *split = am_json_member(body, key);

    if (!split || !ctx->registry)
        return 0;
    return am_splits_attach(ctx->account, kind, owner_id, split, count);
}

int am_api_splits_after(struct am_ctx *ctx)
{
    if (!ctx->account || !ctx->account->records ||
        am_records_count(ctx->account->records, AM_SPLITS_CONFIGS) == 0)
        return 0;
    return am_splits_settle(ctx->account, ctx->ids, ctx->now);
}

/* api_notifications.c - a customer's notification settings: list, update one, update a
 * batch (see api_payrest.h; the objects and rules are in domain/notifications.c). */
#include "api_payrest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asaas_facts.h"
#include "customers.h"
#include "input.h"
#include "notifications.h"
#include "records.h"

/* Every customer's default set exists before any notification is read or changed. */
static int ensure(struct am_ctx *ctx)
{
    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    return am_notif_ensure(ctx->account->records, ctx->account->customers);
}

static int answer_check(const struct am_notif_err *e, struct am_response *resp)
{
    if (e->type_key)
        return am_input_type_error(resp, e->type_key);
    return am_input_fail(resp, 400, e->code, e->text);
}

int am_api_customers_notifications(struct am_ctx *ctx, const char *id,
                                   const struct am_request *req, struct am_response *resp)
{
    cJSON *set[AM_NOTIF_DEFAULTS];
    struct am_api_pager pg;
    struct am_page page;
    size_t n;
    int r;

    (void)req;
    r = ensure(ctx);
    if (r < 0)
        return r;
    r = am_api_found(ctx, am_customer_store_find(ctx->account->customers, id), resp);
    if (r)
        return am_input_done(r);
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    n = am_notif_of_customer(ctx->account->records, id, set);
    am_api_pager_init(&pg, &page);
    for (size_t i = 0; i < n; i++) {
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(set[i]));
    }
    return am_api_pager_answer(&pg, resp);
}

int am_api_notifications_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_notif_err e;
    cJSON *json = NULL, *n;
    int r;

    r = ensure(ctx);
    if (r < 0)
        return r;
    n = am_records_find(ctx->account->records, AM_NOTIF_COLL, id);
    r = am_api_found(ctx, n, resp);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    if (am_notif_check(n, json, &e))
        r = answer_check(&e, resp);
    else if ((r = am_notif_apply(n, json)) == 0)
        r = am_api_answer_json(resp, am_records_public(n));
    cJSON_Delete(json);
    return am_input_done(r);
}

/* Checks one batch item: 0 with *ret the notification, or 1 (answered). */
static int batch_item(struct am_ctx *ctx, const char *customer, const cJSON *item, cJSON **ret,
                      struct am_response *resp)
{
    const cJSON *id = cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "id") : NULL;
    const cJSON *owner;
    struct am_notif_err e;
    char text[160];
    cJSON *n;

    if (!cJSON_IsString(id) || !id->valuestring[0])
        return am_input_fail(resp, 400, AM_ERR_NOTIF_ID, AM_TXT_NOTIF_ID);
    n = am_records_find(ctx->account->records, AM_NOTIF_COLL, id->valuestring);
    owner = n ? cJSON_GetObjectItemCaseSensitive(n, "customer") : NULL;
    if (!cJSON_IsString(owner) || strcmp(owner->valuestring, customer) != 0) {
        /* The id is the client's text: cut it so the message always fits. */
        snprintf(text, sizeof(text), AM_TXT_NOTIF_OTHER_FMT, id->valuestring);
        return am_input_fail(resp, 400, AM_ERR_NOTIF_ID, text);
    }
    if (am_notif_check(n, item, &e))
        return answer_check(&e, resp);
    *ret = n;
    return 0;
}

int am_api_notifications_batch(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    cJSON *targets[AM_NOTIF_BATCH_MAX];
    const cJSON *list, *item;
    const char *customer = NULL;
    cJSON *json = NULL, *out = NULL, *arr;
    size_t n = 0;
    int r;

    (void)id;
    r = ensure(ctx);
    if (r < 0)
        return r;
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    r = am_input_text(json, "customer", &customer, resp);
    if (r)
        goto out;
    if (!customer) {
        r = am_input_fail(resp, 400, AM_ERR_NOTIF_CUSTOMER, AM_TXT_NOTIF_CUSTOMER);
        goto out;
    }
    if (!am_customer_store_find(ctx->account->customers, customer)) {
        r = am_input_fail(resp, 400, AM_ERR_NOTIF_CUSTOMER, AM_TXT_PAY_CUSTOMER);
        goto out;
    }
    list = am_input_field(json, "notifications");
    if (list && !cJSON_IsArray(list)) {
        r = am_input_type_error(resp, "notifications");
        goto out;
    }
    if (!list || cJSON_GetArraySize(list) == 0) {
        r = am_input_fail(resp, 400, AM_ERR_NOTIF_LIST, AM_TXT_NOTIF_LIST);
        goto out;
    }
    if (cJSON_GetArraySize(list) > AM_NOTIF_BATCH_MAX) {
        r = am_input_fail(resp, 400, AM_ERR_NOTIF_LIST, AM_TXT_NOTIF_LIST_MAX);
        goto out;
    }
    /* Everything is checked before anything changes: a refused batch changes nothing. */
    cJSON_ArrayForEach(item, list) {
        r = batch_item(ctx, customer, item, &targets[n], resp);
        if (r)
            goto out;
        n++;
    }
    out = cJSON_CreateObject();
    arr = out ? cJSON_AddArrayToObject(out, "notifications") : NULL;
    if (!arr) {
        r = -ENOMEM;
        goto out;
    }
    n = 0;
    cJSON_ArrayForEach(item, list) {
        r = am_notif_apply(targets[n++], item);
        if (r < 0)
            goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *o = am_records_public(targets[i]);

        if (!o) {
            r = -ENOMEM;
            goto out;
        }
        cJSON_AddItemToArray(arr, o);
    }
    r = am_response_json(resp, 200, out);
    out = NULL;
out:
    cJSON_Delete(out);
    cJSON_Delete(json);
    return am_input_done(r);
}

/* api_webhooks.c - /v3/webhooks handlers (see api_webhooks.h).
 *
 * Before a config is created, changed or removed, the account's event log is fed to the
 * queues as they are: an event belongs to the configs that existed when it happened. */
#include "api_webhooks.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "webhooks.h"

static int done(int r)
{
    return r > 0 ? 0 : r;
}

static int catch_up(struct am_ctx *ctx)
{
    int r = am_webhooks_feed(ctx->account->webhooks, ctx->account->billing, ctx->account->id, NULL);

    return r < 0 ? r : 0;
}

static int answer_config(struct am_response *resp, const struct am_webhook_config *c)
{
    cJSON *o = am_webhooks_render(c);

    if (!o)
        return -ENOMEM;
    return am_response_json(resp, 200, o);
}

static int answer_error(struct am_response *resp, const struct am_webhook_error *err)
{
    return am_response_error(resp, 400, err->code, err->description);
}

int am_api_webhooks_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_webhook_config *c = NULL;
    struct am_webhook_error err;
    char uuid[37];
    cJSON *json = NULL;
    int r;

    (void)id;
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return done(r);
    r = catch_up(ctx);
    if (r < 0)
        goto out;
    do {
        am_ids_uuid(ctx->ids, uuid);
    } while (am_webhooks_find(ctx->account->webhooks, uuid));
    r = am_webhooks_create(ctx->account->webhooks, json, uuid, &err, &c);
    if (r == 1)
        r = answer_error(resp, &err);
    else if (r == 0)
        r = answer_config(resp, c);
out:
    cJSON_Delete(json);
    return r;
}

int am_api_webhooks_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    struct am_webhooks *w = ctx->account->webhooks;
    struct am_page page;
    cJSON *data;
    size_t total = am_webhooks_count(w);
    int r;

    (void)id;
    (void)req;
    r = am_api_parse_page(ctx->query, resp, &page);
    if (r)
        return done(r);
    data = cJSON_CreateArray();
    if (!data)
        return -ENOMEM;
    for (size_t i = page.offset; i < total && i < page.offset + page.limit; i++) {
        cJSON *o = am_webhooks_render(am_webhooks_at(w, i));
        if (!o || !cJSON_AddItemToArray(data, o)) {
            cJSON_Delete(o);
            cJSON_Delete(data);
            return -ENOMEM;
        }
    }
    return am_api_list_response(resp, &page, total, data);
}

int am_api_webhooks_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    struct am_webhook_config *c = am_webhooks_find(ctx->account->webhooks, id);

    (void)req;
    return c ? answer_config(resp, c) : am_api_not_found(resp);
}

int am_api_webhooks_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_webhook_config *c = am_webhooks_find(ctx->account->webhooks, id);
    struct am_webhook_error err;
    cJSON *json = NULL;
    int r;

    if (!c)
        return am_api_not_found(resp);
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return done(r);
    r = catch_up(ctx);
    if (r == 0)
        r = am_webhooks_update(ctx->account->webhooks, c, json, &err);
    if (r == 1)
        r = answer_error(resp, &err);
    else if (r == 0)
        r = answer_config(resp, c);
    cJSON_Delete(json);
    return r;
}

int am_api_webhooks_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    cJSON *o;
    char copy[37];
    int r;

    (void)req;
    if (!am_webhooks_find(ctx->account->webhooks, id))
        return am_api_not_found(resp);
    snprintf(copy, sizeof(copy), "%s", id);
    r = catch_up(ctx);
    if (r < 0)
        return r;
    am_webhooks_delete(ctx->account->webhooks, copy);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddBoolToObject(o, "deleted", true) || !cJSON_AddStringToObject(o, "id", copy)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

int am_api_webhooks_remove_backoff(struct am_ctx *ctx, const char *id,
                                   const struct am_request *req, struct am_response *resp)
{
    struct am_webhook_config *c = am_webhooks_find(ctx->account->webhooks, id);

    (void)req;
    if (!c)
        return am_api_not_found(resp);
    am_webhooks_remove_backoff(c);
    am_response_empty(resp, 204);
    return 0;
}

/* ---- Legacy single-config routes ------------------------------------------------ */

static struct am_webhook_config *legacy_find(struct am_webhooks *w, const char *kind)
{
    for (size_t i = 0; i < am_webhooks_count(w); i++) {
        struct am_webhook_config *c = am_webhooks_at(w, i);
        if (strcmp(c->legacy, kind) == 0)
            return c;
    }
    return NULL;
}

/* The events a legacy kind covers: every name with its prefix. */
static const char *legacy_prefix(const char *kind)
{
    if (strcmp(kind, "invoice") == 0)
        return "INVOICE_";
    if (strcmp(kind, "mobilePhoneRecharge") == 0)
        return "MOBILE_PHONE_RECHARGE_";
    return "PAYMENT_";
}

int am_api_webhook_legacy_get(struct am_ctx *ctx, const char *kind, const struct am_request *req,
                              struct am_response *resp)
{
    struct am_webhook_config *c = legacy_find(ctx->account->webhooks, kind);

    (void)req;
    return c ? answer_config(resp, c) : am_api_not_found(resp);
}

/* Builds the /v3/webhooks body the legacy body means: its fields plus a fixed name,
 * SEQUENTIALLY and every event of the kind. */
static int legacy_body(const cJSON *in, const char *kind, bool create, cJSON **ret)
{
    static const char *const keep[] = {"url", "email", "enabled", "interrupted", "apiVersion",
                                       "authToken", NULL};
    const char *prefix = legacy_prefix(kind);
    cJSON *o = cJSON_CreateObject(), *ev;
    char name[64];

    if (!o)
        return -ENOMEM;
    for (size_t i = 0; keep[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, keep[i]);
        cJSON *dup = v ? cJSON_Duplicate(v, true) : NULL;
        if (v && (!dup || !cJSON_AddItemToObject(o, keep[i], dup))) {
            cJSON_Delete(dup);
            goto oom;
        }
    }
    if (create) {
        snprintf(name, sizeof(name), "Webhook (%s)", kind);
        if (!cJSON_AddStringToObject(o, "name", name) ||
            !cJSON_AddStringToObject(o, "sendType", "SEQUENTIALLY") ||
            !(ev = cJSON_AddArrayToObject(o, "events")))
            goto oom;
        for (int i = 0; i < AM_WEBHOOK_N_EVENTS; i++) {
            const char *n = am_webhook_event_name(i);
            cJSON *s;
            if (strncmp(n, prefix, strlen(prefix)) != 0)
                continue;
            s = cJSON_CreateString(n);
            if (!s || !cJSON_AddItemToArray(ev, s)) {
                cJSON_Delete(s);
                goto oom;
            }
        }
    }
    *ret = o;
    return 0;
oom:
    cJSON_Delete(o);
    return -ENOMEM;
}

int am_api_webhook_legacy_save(struct am_ctx *ctx, const char *kind,
                               const struct am_request *req, struct am_response *resp)
{
    struct am_webhooks *w = ctx->account->webhooks;
    struct am_webhook_config *c = legacy_find(w, kind);
    struct am_webhook_error err;
    cJSON *json = NULL, *body = NULL;
    char uuid[37];
    int r;

    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return done(r);
    r = catch_up(ctx);
    if (r == 0)
        r = legacy_body(json, kind, c == NULL, &body);
    if (r < 0)
        goto out;
    if (c) {
        r = am_webhooks_update(w, c, body, &err);
    } else {
        do {
            am_ids_uuid(ctx->ids, uuid);
        } while (am_webhooks_find(w, uuid));
        r = am_webhooks_create(w, body, uuid, &err, &c);
        if (r == 0)
            snprintf(c->legacy, sizeof(c->legacy), "%s", kind);
    }
    if (r == 1)
        r = answer_error(resp, &err);
    else if (r == 0)
        r = answer_config(resp, c);
out:
    cJSON_Delete(body);
    cJSON_Delete(json);
    return r;
}

/* The legacy routes carry their kind in the path, not as a parameter. */
#define LEGACY_WEBHOOK(name, kind)                                                                \
    int am_api_webhook_legacy_##name##_get(struct am_ctx *ctx, const char *id,                    \
                                           const struct am_request *req,                          \
                                           struct am_response *resp)                              \
    {                                                                                             \
        (void)id;                                                                                 \
        return am_api_webhook_legacy_get(ctx, kind, req, resp);                                   \
    }                                                                                             \
    int am_api_webhook_legacy_##name##_save(struct am_ctx *ctx, const char *id,                   \
                                            const struct am_request *req,                         \
                                            struct am_response *resp)                             \
    {                                                                                             \
        (void)id;                                                                                 \
        return am_api_webhook_legacy_save(ctx, kind, req, resp);                                  \
    }
LEGACY_WEBHOOK(payment, "payment")
LEGACY_WEBHOOK(invoice, "invoice")
LEGACY_WEBHOOK(recharge, "mobilePhoneRecharge")

/* control_webhooks.c - deliveries view, flush and redeliver (see control_webhooks.h). */
#include "control_webhooks.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "query.h"
#include "webhooks.h"

#define DELIVERIES_MAX_LIMIT 1000

static cJSON *attempt_json(const struct am_webhook_attempt *a)
{
    cJSON *o = cJSON_CreateObject();
    char when[32], dt[20];

    if (!o)
        return NULL;
    am_clock_format_datetime(a->started_ms / 1000, dt);
    snprintf(when, sizeof(when), "%s.%03lld", dt, (long long)(a->started_ms % 1000));
    if (!cJSON_AddStringToObject(o, "object", "webhookDelivery") ||
        !cJSON_AddNumberToObject(o, "n", (double)a->n) ||
        !cJSON_AddStringToObject(o, "eventId", a->event_id) ||
        !cJSON_AddStringToObject(o, "event", a->event) ||
        !cJSON_AddStringToObject(o, "config", a->config_id) ||
        !cJSON_AddStringToObject(o, "url", a->url) ||
        !cJSON_AddNumberToObject(o, "attempt", a->attempt) ||
        !cJSON_AddStringToObject(o, "started", when) ||
        !cJSON_AddNumberToObject(o, "latencyMs", (double)a->latency_ms) ||
        !(a->status ? cJSON_AddNumberToObject(o, "status", a->status)
                    : cJSON_AddNullToObject(o, "status")) ||
        !cJSON_AddStringToObject(o, "outcome", a->outcome) ||
        !(a->error[0] ? cJSON_AddStringToObject(o, "error", a->error)
                      : cJSON_AddNullToObject(o, "error")) ||
        !(a->fault[0] ? cJSON_AddStringToObject(o, "fault", a->fault)
                      : cJSON_AddNullToObject(o, "fault")) ||
        !cJSON_AddStringToObject(o, "snippet", a->snippet)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *queues_json(struct am_webhooks *w)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < am_webhooks_count(w); i++) {
        const struct am_webhook_config *c = am_webhooks_at(w, i);
        cJSON *o = cJSON_CreateObject();
        char when[20];

        if (c->penalty && c->next_at)
            am_clock_format_datetime(c->next_at, when);
        if (!o || !cJSON_AddItemToArray(arr, o) || !cJSON_AddStringToObject(o, "id", c->id) ||
            !cJSON_AddNumberToObject(o, "depth", (double)am_webhook_config_depth(c)) ||
            !cJSON_AddBoolToObject(o, "interrupted", c->interrupted) ||
            !cJSON_AddNumberToObject(o, "penalizedRequestsCount", c->penalty) ||
            !(c->penalty && c->next_at && !c->interrupted
                  ? cJSON_AddStringToObject(o, "nextAttempt", when)
                  : cJSON_AddNullToObject(o, "nextAttempt"))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static bool parse_size(const char *s, size_t max, size_t *ret)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-')
        return false;
    v = strtoull(s, &end, 10);
    if (*end || v > max)
        return false;
    *ret = (size_t)v;
    return true;
}

static bool matches(const char *want, const char *have)
{
    return !want || !*want || strcmp(want, have) == 0;
}

static int deliveries(struct am_account *a, const struct am_request *req,
                      struct am_response *resp)
{
    struct am_webhooks *w = a->webhooks;
    struct am_query q;
    const char *config, *event, *outcome, *off, *lim;
    size_t offset = 0, limit = 100, total = 0;
    cJSON *root = NULL, *data = NULL, *queues = NULL;
    int r = am_query_parse(req->query, &q);

    if (r < 0)
        return r == -E2BIG ? am_response_error(resp, 400, "invalid_query", "query grande demais")
                           : r;
    config = am_query_get(&q, "config");
    event = am_query_get(&q, "event");
    outcome = am_query_get(&q, "outcome");
    off = am_query_get(&q, "offset");
    lim = am_query_get(&q, "limit");
    if ((off && !parse_size(off, 1000000000, &offset)) ||
        (lim && (!parse_size(lim, DELIVERIES_MAX_LIMIT, &limit) || limit < 1))) {
        r = am_response_error(resp, 400, "invalid_limit",
                              "offset deve ser >= 0 e limit entre 1 e 1000");
        goto out;
    }
    root = cJSON_CreateObject();
    data = cJSON_CreateArray();
    if (!root || !data)
        goto oom;
    for (size_t i = 0; i < am_webhooks_log_count(w); i++) {
        const struct am_webhook_attempt *at = am_webhooks_log_at(w, i);
        cJSON *o;
        if (!matches(config, at->config_id) || !matches(event, at->event) ||
            !matches(outcome, at->outcome))
            continue;
        if (total++ < offset || (size_t)cJSON_GetArraySize(data) >= limit)
            continue;
        o = attempt_json(at);
        if (!o || !cJSON_AddItemToArray(data, o)) {
            cJSON_Delete(o);
            goto oom;
        }
    }
    queues = queues_json(w);
    if (!queues || !cJSON_AddStringToObject(root, "object", "list") ||
        !cJSON_AddBoolToObject(root, "hasMore", offset + (size_t)cJSON_GetArraySize(data) < total) ||
        !cJSON_AddNumberToObject(root, "totalCount", (double)total) ||
        !cJSON_AddNumberToObject(root, "limit", (double)limit) ||
        !cJSON_AddNumberToObject(root, "offset", (double)offset))
        goto oom;
    cJSON_AddItemToObject(root, "data", data);
    data = NULL;
    cJSON_AddItemToObject(root, "queues", queues);
    queues = NULL;
    r = am_response_json(resp, 200, root);
    root = NULL;
    goto out;
oom:
    r = -ENOMEM;
out:
    cJSON_Delete(root);
    cJSON_Delete(data);
    cJSON_Delete(queues);
    am_query_finish(&q);
    return r;
}

static int answer_count(struct am_response *resp, int status, const char *key, double n)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddNumberToObject(o, key, n)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, status, o);
}

int am_control_webhooks(struct am_app *app, const struct am_route_match *m, struct am_account *a,
                        const struct am_request *req, int64_t real_now, struct am_response *resp)
{
    struct am_webhooks *w = a->webhooks;
    size_t due = 0;
    int r;

    (void)app;
    (void)real_now;
    switch (m->route) {
    case AM_ROUTE_CTL_WEBHOOK_DELIVERIES:
        return deliveries(a, req, resp);
    case AM_ROUTE_CTL_WEBHOOK_FLUSH:
        for (size_t i = 0; i < am_webhooks_count(w); i++) {
            struct am_webhook_config *c = am_webhooks_at(w, i);
            if (!c->enabled || c->interrupted)
                continue;
            c->next_at = 0; /* the penalty count stays: only the wait is skipped */
            due += am_webhook_config_depth(c);
        }
        return answer_count(resp, 200, "due", (double)due);
    case AM_ROUTE_CTL_EVENT_REDELIVER:
        r = am_webhooks_redeliver(w, a->billing, a->id, NULL, m->params[1]);
        if (r < 0)
            return r;
        if (r == 0 && !am_webhooks_known_event(w, a->billing, m->params[1]))
            return am_response_error(resp, 404, "not_found", "Evento não encontrado");
        return answer_count(resp, 200, "queued", r);
    default:
        return am_response_error(resp, 404, "not_found", "Rota de controle não encontrada");
    }
}

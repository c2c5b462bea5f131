/* ratelimit.c - per-account quota, concurrent GETs and endpoint limits (see ratelimit.h). */
#include "ratelimit.h"

#include "errmsg.h"
#include "json_text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "clock.h"
#include "registry.h"

#define N_BUCKETS 1024
#define MAX_LIMIT 1000000000.0
#define MAX_WINDOW 2592000.0 /* 30 days */
#define MAX_GETS 1000000.0

struct window {
    bool started;
    int64_t start;
    uint32_t used;
};

struct acct {
    struct acct *next_in_bucket;
    char id[AM_ACCOUNT_ID_LEN];
    struct window quota;
    struct window ep[AM_RATELIMIT_MAX_ENDPOINTS];
    uint32_t in_flight;
    uint64_t last_seen; /* check counter, for eviction */
};

struct am_ratelimit {
    struct am_ratelimit_config cfg;
    struct acct *buckets[N_BUCKETS];
    struct acct **order; /* first-seen order, for listings and eviction scans */
    size_t n, cap;
    uint64_t ticks;
};

void am_ratelimit_config_defaults(struct am_ratelimit_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->enabled = true;
    cfg->quota = AM_RATELIMIT_DEFAULT_QUOTA;
    cfg->window_s = AM_RATELIMIT_DEFAULT_WINDOW;
    cfg->max_concurrent_gets = AM_RATELIMIT_DEFAULT_MAX_GETS;
}

struct am_ratelimit *am_ratelimit_new(const struct am_ratelimit_config *cfg)
{
    struct am_ratelimit *rl = calloc(1, sizeof(*rl));

    if (!rl)
        return NULL;
    if (cfg)
        rl->cfg = *cfg;
    else
        am_ratelimit_config_defaults(&rl->cfg);
    return rl;
}

void am_ratelimit_free(struct am_ratelimit *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < rl->n; i++)
        free(rl->order[i]);
    free(rl->order);
    free(rl);
}

void am_ratelimit_get_config(const struct am_ratelimit *rl, struct am_ratelimit_config *ret)
{
    *ret = rl->cfg;
}

void am_ratelimit_set_config(struct am_ratelimit *rl, const struct am_ratelimit_config *cfg)
{
    rl->cfg = *cfg;
    /* Endpoint slots are positional: a new list means new counters. */
    for (size_t i = 0; i < rl->n; i++)
        memset(rl->order[i]->ep, 0, sizeof(rl->order[i]->ep));
}

void am_ratelimit_reset(struct am_ratelimit *rl)
{
    for (size_t i = 0; i < rl->n; i++) {
        struct acct *a = rl->order[i];

        memset(&a->quota, 0, sizeof(a->quota));
        memset(a->ep, 0, sizeof(a->ep));
    }
}

static size_t bucket_of(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *id; id++)
        h = (h ^ (uint8_t)*id) * 16777619u;
    return h % N_BUCKETS;
}

static struct acct *find(const struct am_ratelimit *rl, const char *id)
{
    for (struct acct *a = rl->buckets[bucket_of(id)]; a; a = a->next_in_bucket) {
        if (strcmp(a->id, id) == 0)
            return a;
    }
    return NULL;
}

static void unlink_acct(struct am_ratelimit *rl, size_t idx)
{
    struct acct *a = rl->order[idx];
    struct acct **pp = &rl->buckets[bucket_of(a->id)];

    while (*pp != a)
        pp = &(*pp)->next_in_bucket;
    *pp = a->next_in_bucket;
    memmove(&rl->order[idx], &rl->order[idx + 1], (rl->n - idx - 1) * sizeof(rl->order[0]));
    rl->n--;
    free(a);
}

/* Full table: forget the least recently seen account with nothing in flight (its counters
 * restart, which only ever lets a forgotten account through sooner). */
static bool evict_one(struct am_ratelimit *rl)
{
    size_t best = rl->n;

    for (size_t i = 0; i < rl->n; i++) {
        if (rl->order[i]->in_flight == 0 &&
            (best == rl->n || rl->order[i]->last_seen < rl->order[best]->last_seen))
            best = i;
    }
    if (best == rl->n)
        return false;
    unlink_acct(rl, best);
    return true;
}

static struct acct *get_or_add(struct am_ratelimit *rl, const char *id)
{
    struct acct *a = find(rl, id);
    size_t b;

    if (a)
        return a;
    if (strlen(id) >= AM_ACCOUNT_ID_LEN)
        return NULL;
    if (rl->n >= AM_RATELIMIT_MAX_ACCOUNTS && !evict_one(rl))
        return NULL;
    if (rl->n == rl->cap) {
        size_t cap = rl->cap ? rl->cap * 2 : 16;
        struct acct **v = realloc(rl->order, cap * sizeof(*v));

        if (!v)
            return NULL;
        rl->order = v;
        rl->cap = cap;
    }
    a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    memcpy(a->id, id, strlen(id) + 1);
    b = bucket_of(id);
    a->next_in_bucket = rl->buckets[b];
    rl->buckets[b] = a;
    rl->order[rl->n++] = a;
    return a;
}

/* Starts a new window when none is running at now (never started, over, or the account's
 * clock went back before its start). */
static void roll(struct window *w, uint32_t len, int64_t now)
{
    if (!w->started || now < w->start || now - w->start >= (int64_t)len) {
        w->started = true;
        w->start = now;
        w->used = 0;
    }
}

static uint32_t reset_in(const struct window *w, uint32_t len, int64_t now)
{
    int64_t left = w->start + (int64_t)len - now;

    return left < 1 ? 1 : (uint32_t)left;
}

static int endpoint_index(const struct am_ratelimit_config *cfg, enum am_route route)
{
    for (size_t i = 0; i < cfg->n_endpoints; i++) {
        if (cfg->endpoints[i].route == route)
            return (int)i;
    }
    return -1;
}

static bool counts_as_get(enum am_method m)
{
    return m == AM_METHOD_GET || m == AM_METHOD_HEAD;
}

static void set_values(struct am_ratelimit_result *res, uint32_t limit, uint32_t used,
                       uint32_t reset_s)
{
    res->has_headers = true;
    res->limit = limit;
    res->remaining = used >= limit ? 0 : limit - used;
    res->reset_s = reset_s;
}

int am_ratelimit_check(struct am_ratelimit *rl, const char *account_id, enum am_route route,
                       enum am_method method, int64_t now, struct am_ratelimit_result *ret)
{
    const struct am_ratelimit_config *cfg = &rl->cfg;
    struct am_ratelimit_result res;
    struct acct *a;
    int ep = -1;
    bool get = counts_as_get(method);

    memset(&res, 0, sizeof(res));
    res.allowed = true;
    *ret = res;
    if (!cfg->enabled || !account_id)
        return 0;
    if (!(a = get_or_add(rl, account_id)))
        return -ENOMEM;
    a->last_seen = ++rl->ticks;
    if (cfg->quota)
        roll(&a->quota, cfg->window_s, now);
    ep = endpoint_index(cfg, route);
    if (ep >= 0)
        roll(&a->ep[ep], cfg->endpoints[ep].window_s, now);

    /* Every check before any count: a refused request consumes nothing. */
    if (cfg->quota && a->quota.used >= cfg->quota) {
        res.hit = AM_RL_QUOTA;
        set_values(&res, cfg->quota, a->quota.used, reset_in(&a->quota, cfg->window_s, now));
    } else if (ep >= 0 && a->ep[ep].used >= cfg->endpoints[ep].limit) {
        res.hit = AM_RL_ENDPOINT;
        set_values(&res, cfg->endpoints[ep].limit, a->ep[ep].used,
                   reset_in(&a->ep[ep], cfg->endpoints[ep].window_s, now));
    } else if (get && cfg->max_concurrent_gets && a->in_flight >= cfg->max_concurrent_gets) {
        res.hit = AM_RL_CONCURRENCY;
        set_values(&res, cfg->max_concurrent_gets, a->in_flight, 1);
    }
    if (res.hit != AM_RL_NONE) {
        res.allowed = false;
        *ret = res;
        return 0;
    }
    if (cfg->quota)
        a->quota.used++;
    if (ep >= 0) {
        a->ep[ep].used++;
        set_values(&res, cfg->endpoints[ep].limit, a->ep[ep].used,
                   reset_in(&a->ep[ep], cfg->endpoints[ep].window_s, now));
    } else if (cfg->quota) {
        set_values(&res, cfg->quota, a->quota.used, reset_in(&a->quota, cfg->window_s, now));
    }
    /* Tracked even when the concurrency limit is off, so switching it on mid-flight
     * counts the GETs already running. */
    if (get) {
        a->in_flight++;
        res.release = true;
    }
    *ret = res;
    return 0;
}

void am_ratelimit_release(struct am_ratelimit *rl, const char *account_id, enum am_method method)
{
    struct acct *a;

    if (!account_id || !counts_as_get(method))
        return;
    a = find(rl, account_id);
    if (a && a->in_flight > 0)
        a->in_flight--;
}

static int set_num_header(struct am_response *resp, const char *name, uint32_t v)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", v);
    return am_response_set_header(resp, name, buf);
}

int am_ratelimit_set_headers(const struct am_ratelimit_result *res, struct am_response *resp)
{
    int r;

    if (!res->has_headers)
        return 0;
    if ((r = set_num_header(resp, "RateLimit-Limit", res->limit)) < 0 ||
        (r = set_num_header(resp, "RateLimit-Remaining", res->remaining)) < 0 ||
        (r = set_num_header(resp, "RateLimit-Reset", res->reset_s)) < 0)
        return r;
    return 0;
}

int am_ratelimit_respond(const struct am_ratelimit_result *res, struct am_response *resp)
{
    const char *text = AM_TXT_RATE_LIMIT_QUOTA;
    int r;

    if (res->hit == AM_RL_CONCURRENCY)
        text = AM_TXT_RATE_LIMIT_CONCURRENT;
    else if (res->hit == AM_RL_ENDPOINT)
        text = AM_TXT_RATE_LIMIT_ENDPOINT;
    if ((r = am_response_error(resp, 429, AM_ERR_RATE_LIMIT, text)) < 0 ||
        (r = am_ratelimit_set_headers(res, resp)) < 0 ||
        (r = set_num_header(resp, "Retry-After", res->has_headers ? res->reset_s : 1)) < 0)
        return r;
    return 0;
}

/* ---- JSON --------------------------------------------------------------------------- */

#define jerr(err, err_len, ...) am_err_printf(err, err_len, -EINVAL, __VA_ARGS__)

static bool json_uint(const cJSON *item, double min, double max, uint32_t *ret)
{
    double v;

    if (!am_json_integer(item, min, max, &v))
        return false;
    *ret = (uint32_t)v;
    return true;
}

static int parse_endpoints(const cJSON *arr, struct am_ratelimit_config *cfg, char *err,
                           size_t err_len)
{
    size_t n = 0;

    if (!cJSON_IsArray(arr))
        return jerr(err, err_len, "endpoints: must be an array");
    for (const cJSON *e = arr->child; e; e = e->next, n++) {
        struct am_ratelimit_endpoint *ep = &cfg->endpoints[n];
        const cJSON *op, *limit, *win;
        size_t fields = 0;

        if (n == AM_RATELIMIT_MAX_ENDPOINTS)
            return jerr(err, err_len, "endpoints: at most %d", AM_RATELIMIT_MAX_ENDPOINTS);
        if (!cJSON_IsObject(e))
            return jerr(err, err_len, "endpoints[%zu]: must be an object", n);
        op = cJSON_GetObjectItemCaseSensitive(e, "operation");
        limit = cJSON_GetObjectItemCaseSensitive(e, "limit");
        win = cJSON_GetObjectItemCaseSensitive(e, "windowSeconds");
        for (const cJSON *c = e->child; c; c = c->next)
            fields++;
        if (!cJSON_IsString(op) || am_route_parse_api(op->valuestring, &ep->route) < 0)
            return jerr(err, err_len, "endpoints[%zu].operation: unknown operation", n);
        if (!json_uint(limit, 1, MAX_LIMIT, &ep->limit))
            return jerr(err, err_len, "endpoints[%zu].limit: must be an integer in 1..%.0f", n,
                        MAX_LIMIT);
        if (!json_uint(win, 1, MAX_WINDOW, &ep->window_s))
            return jerr(err, err_len,
                        "endpoints[%zu].windowSeconds: must be an integer in 1..%.0f", n,
                        MAX_WINDOW);
        if (fields != 3)
            return jerr(err, err_len,
                        "endpoints[%zu]: only operation, limit and windowSeconds are allowed", n);
        for (size_t i = 0; i < n; i++) {
            if (cfg->endpoints[i].route == ep->route)
                return jerr(err, err_len, "endpoints[%zu].operation: duplicate '%s'", n,
                            op->valuestring);
        }
    }
    cfg->n_endpoints = n;
    return 0;
}

int am_ratelimit_apply_json(struct am_ratelimit *rl, const cJSON *json, char *err,
                            size_t err_len)
{
    static const char *const keys[] = {"enabled", "quota", "windowSeconds", "maxConcurrentGets",
                                       "endpoints", "resetUsage", "usage", NULL};
    struct am_ratelimit_config cfg = rl->cfg;
    const cJSON *it;
    bool reset = false, endpoints_given = false;
    int r;

    if (!cJSON_IsObject(json))
        return jerr(err, err_len, "body must be a JSON object");
    for (const cJSON *c = json->child; c; c = c->next) {
        bool known = false;

        for (size_t i = 0; keys[i]; i++)
            known = known || strcmp(c->string, keys[i]) == 0;
        if (!known)
            return jerr(err, err_len, "%.48s: unknown field", c->string);
        for (const cJSON *d = json->child; d != c; d = d->next) {
            if (strcmp(c->string, d->string) == 0)
                return jerr(err, err_len, "%.48s: duplicate field", c->string);
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "enabled"))) {
        if (!cJSON_IsBool(it))
            return jerr(err, err_len, "enabled: must be a boolean");
        cfg.enabled = cJSON_IsTrue(it);
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "quota")) &&
        !json_uint(it, 0, MAX_LIMIT, &cfg.quota))
        return jerr(err, err_len, "quota: must be an integer in 0..%.0f (0 = off)", MAX_LIMIT);
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "windowSeconds")) &&
        !json_uint(it, 1, MAX_WINDOW, &cfg.window_s))
        return jerr(err, err_len, "windowSeconds: must be an integer in 1..%.0f", MAX_WINDOW);
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "maxConcurrentGets")) &&
        !json_uint(it, 0, MAX_GETS, &cfg.max_concurrent_gets))
        return jerr(err, err_len, "maxConcurrentGets: must be an integer in 0..%.0f (0 = off)",
                    MAX_GETS);
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "endpoints"))) {
        if ((r = parse_endpoints(it, &cfg, err, err_len)) < 0)
            return r;
        endpoints_given = true;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(json, "resetUsage"))) {
        if (!cJSON_IsBool(it))
            return jerr(err, err_len, "resetUsage: must be a boolean");
        reset = cJSON_IsTrue(it);
    }
    if (endpoints_given)
        am_ratelimit_set_config(rl, &cfg);
    else
        rl->cfg = cfg; /* same endpoint list: keep its counters */
    if (reset)
        am_ratelimit_reset(rl);
    return 0;
}

static cJSON *config_json(const struct am_ratelimit_config *cfg)
{
    cJSON *o = cJSON_CreateObject(), *arr;

    if (!o || !cJSON_AddBoolToObject(o, "enabled", cfg->enabled) ||
        !cJSON_AddNumberToObject(o, "quota", cfg->quota) ||
        !cJSON_AddNumberToObject(o, "windowSeconds", cfg->window_s) ||
        !cJSON_AddNumberToObject(o, "maxConcurrentGets", cfg->max_concurrent_gets) ||
        !(arr = cJSON_AddArrayToObject(o, "endpoints")))
        goto fail;
    for (size_t i = 0; i < cfg->n_endpoints; i++) {
        cJSON *e = cJSON_CreateObject();

        if (!e)
            goto fail;
        cJSON_AddItemToArray(arr, e);
        if (!cJSON_AddStringToObject(e, "operation", am_route_name(cfg->endpoints[i].route)) ||
            !cJSON_AddNumberToObject(e, "limit", cfg->endpoints[i].limit) ||
            !cJSON_AddNumberToObject(e, "windowSeconds", cfg->endpoints[i].window_s))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static bool live(const struct window *w, uint32_t len, int64_t now)
{
    return w->started && now >= w->start && now - w->start < (int64_t)len;
}

static uint32_t live_used(const struct window *w, uint32_t len, int64_t now)
{
    return live(w, len, now) ? w->used : 0;
}

static cJSON *usage_json(const struct am_ratelimit_config *cfg, const struct acct *a, int64_t now)
{
    cJSON *o = cJSON_CreateObject(), *eps;
    uint32_t used = live_used(&a->quota, cfg->window_s, now);
    char start[20];

    if (!o || !cJSON_AddStringToObject(o, "account", a->id) ||
        !cJSON_AddNumberToObject(o, "used", used))
        goto fail;
    /* null when the quota is off or no window is running. */
    if (cfg->quota) {
        if (!cJSON_AddNumberToObject(o, "remaining", used >= cfg->quota ? 0 : cfg->quota - used))
            goto fail;
    } else if (!cJSON_AddNullToObject(o, "remaining")) {
        goto fail;
    }
    if (live(&a->quota, cfg->window_s, now)) {
        am_clock_format_datetime(a->quota.start, start);
        if (!cJSON_AddStringToObject(o, "windowStart", start) ||
            !cJSON_AddNumberToObject(o, "resetSeconds", reset_in(&a->quota, cfg->window_s, now)))
            goto fail;
    } else if (!cJSON_AddNullToObject(o, "windowStart") ||
               !cJSON_AddNullToObject(o, "resetSeconds")) {
        goto fail;
    }
    if (!cJSON_AddNumberToObject(o, "concurrentGets", a->in_flight) ||
        !(eps = cJSON_AddArrayToObject(o, "endpoints")))
        goto fail;
    for (size_t i = 0; i < cfg->n_endpoints; i++) {
        const struct am_ratelimit_endpoint *ep = &cfg->endpoints[i];
        uint32_t eu = live_used(&a->ep[i], ep->window_s, now);
        cJSON *e = cJSON_CreateObject();

        if (!e)
            goto fail;
        cJSON_AddItemToArray(eps, e);
        if (!cJSON_AddStringToObject(e, "operation", am_route_name(ep->route)) ||
            !cJSON_AddNumberToObject(e, "used", eu) ||
            !cJSON_AddNumberToObject(e, "remaining", eu >= ep->limit ? 0 : ep->limit - eu) ||
            !(live(&a->ep[i], ep->window_s, now)
                  ? cJSON_AddNumberToObject(e, "resetSeconds",
                                            reset_in(&a->ep[i], ep->window_s, now))
                  : cJSON_AddNullToObject(e, "resetSeconds")))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_ratelimit_to_json(const struct am_ratelimit *rl, am_ratelimit_now_fn now_fn, void *ctx)
{
    cJSON *o = config_json(&rl->cfg), *usage;

    if (!o || !(usage = cJSON_AddArrayToObject(o, "usage")))
        goto fail;
    for (size_t i = 0; i < rl->n; i++) {
        const struct acct *a = rl->order[i];
        cJSON *u = usage_json(&rl->cfg, a, now_fn(ctx, a->id));

        if (!u)
            goto fail;
        cJSON_AddItemToArray(usage, u);
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

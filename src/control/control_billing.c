/* control_billing.c - /__mock/ clock, events and ledger routes of one account (see
 * control_billing.h). */
#include "control_billing.h"
#include "ascii.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_common.h"
#include "billing.h"
#include "clock.h"
#include "jobs.h"
#include "keys.h"
#include "money.h"
#include "query.h"
#include "registry.h"
#include "router.h"
#include "subscriptions.h"

#define EVENTS_DEFAULT_LIMIT 100
#define EVENTS_MAX_LIMIT 1000

static int bad_request(struct am_response *resp, const char *code, const char *text)
{
    return am_response_error(resp, 400, code, text);
}

static cJSON *clock_json(const struct am_account *a, int64_t real_now)
{
    int64_t now = am_clock_now(&a->clock, real_now);
    char when[20], today[11];
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    am_clock_format_datetime(now, when);
    am_clock_format_date(now, today);
    if (!cJSON_AddStringToObject(o, "mode", a->clock.mode == AM_CLOCK_FROZEN ? "frozen" : "real") ||
        !cJSON_AddStringToObject(o, "now", when) || !cJSON_AddStringToObject(o, "today", today) ||
        !cJSON_AddNumberToObject(o, "offsetDays",
                                 (double)(am_cal_day_of(now) - am_cal_day_of(real_now)))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *report_json(const struct am_jobs_report *rep)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    if (!cJSON_AddNumberToObject(o, "days", rep->days) ||
        !cJSON_AddNumberToObject(o, "overdue", (double)rep->overdue) ||
        !cJSON_AddNumberToObject(o, "settled", (double)rep->settled) ||
        !cJSON_AddNumberToObject(o, "subscriptionCharges", (double)rep->subscription_charges) ||
        !cJSON_AddNumberToObject(o, "cardCharges", (double)rep->card_charges) ||
        !cJSON_AddNumberToObject(o, "expiredSubscriptions", (double)rep->expired)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Answers the clock, with the jobs report when rep is given. */
static int answer_clock(const struct am_account *a, int64_t real_now,
                        const struct am_jobs_report *rep, struct am_response *resp)
{
    cJSON *o = clock_json(a, real_now);
    cJSON *jobs;

    if (!o)
        return -ENOMEM;
    if (rep) {
        jobs = report_json(rep);
        if (!jobs || !cJSON_AddItemToObject(o, "jobs", jobs)) {
            cJSON_Delete(jobs);
            cJSON_Delete(o);
            return -ENOMEM;
        }
    }
    return am_response_json(resp, 200, o);
}

static int clock_set(struct am_account *a, const struct am_request *req, int64_t real_now,
                     struct am_ids *ids, struct am_response *resp)
{
    cJSON *body = NULL;
    const cJSON *mode, *date;
    struct am_jobs_report rep;
    int64_t before, t;
    int r = am_api_parse_body(req, resp, false, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    mode = cJSON_GetObjectItemCaseSensitive(body, "mode");
    date = cJSON_GetObjectItemCaseSensitive(body, "date");
    if (!cJSON_IsString(mode) ||
        (strcmp(mode->valuestring, "frozen") != 0 && strcmp(mode->valuestring, "real") != 0)) {
        r = bad_request(resp, "invalid_mode", "mode deve ser \"frozen\" ou \"real\"");
        goto out;
    }
    /* Catch up to the old clock first, so the days before the change run under it. */
    before = am_clock_now(&a->clock, real_now);
    r = am_jobs_catch_up(a, ids, before, NULL);
    if (r < 0)
        goto out;
    if (strcmp(mode->valuestring, "frozen") == 0) {
        if (!cJSON_IsString(date) || am_clock_parse_datetime(date->valuestring, &t) < 0) {
            r = bad_request(resp, "invalid_date",
                            "date deve ser \"AAAA-MM-DD\" ou \"AAAA-MM-DD HH:MM:SS\" (horário de "
                            "Brasília)");
            goto out;
        }
        am_clock_freeze(&a->clock, t);
    } else {
        am_clock_reset(&a->clock);
    }
    r = am_jobs_advance(a, ids, before, am_clock_now(&a->clock, real_now), &rep);
    if (r < 0)
        goto out;
    r = answer_clock(a, real_now, &rep, resp);
out:
    cJSON_Delete(body);
    return r;
}

static int clock_advance(struct am_account *a, const struct am_request *req, int64_t real_now,
                         struct am_ids *ids, struct am_response *resp)
{
    /* Units add up: {"hours":1,"minutes":30}. Seconds let a test walk the webhook retry
     * schedule (30 s, 1 min, 3.5 min...). */
    static const struct {
        const char *key;
        int64_t seconds;
    } units[] = {{"days", 86400}, {"hours", 3600}, {"minutes", 60}, {"seconds", 1}};
    const int64_t max_total = (int64_t)AM_JOBS_MAX_DAYS * 86400;
    cJSON *body = NULL;
    struct am_jobs_report rep;
    int64_t before, total = 0;
    int r = am_api_parse_body(req, resp, false, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, units[i].key);
        char code[32], text[128];

        if (!v)
            continue;
        if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
            v->valuedouble <= (double)(max_total / units[i].seconds) &&
            v->valuedouble == (double)(int64_t)v->valuedouble) {
            total += (int64_t)v->valuedouble * units[i].seconds;
            continue;
        }
        snprintf(code, sizeof(code), "invalid_%s", units[i].key);
        snprintf(text, sizeof(text), "%s deve ser um inteiro entre 0 e %lld", units[i].key,
                 (long long)(max_total / units[i].seconds));
        r = bad_request(resp, code, text);
        goto out;
    }
    if (total < 1 || total > max_total) {
        char text[128];

        snprintf(text, sizeof(text),
                 "days deve ser um inteiro entre 1 e %d",
                 AM_JOBS_MAX_DAYS);
        r = bad_request(resp, "invalid_days", text);
        goto out;
    }
    before = am_clock_now(&a->clock, real_now);
    r = am_jobs_catch_up(a, ids, before, NULL);
    if (r < 0)
        goto out;
    am_clock_advance(&a->clock, total);
    r = am_jobs_advance(a, ids, before, am_clock_now(&a->clock, real_now), &rep);
    if (r < 0)
        goto out;
    r = answer_clock(a, real_now, &rep, resp);
out:
    cJSON_Delete(body);
    return r;
}

static cJSON *event_json(const struct am_event *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *snap = NULL;
    char when[20];

    if (!o)
        return NULL;
    am_clock_format_datetime(e->created_at, when);
    snap = e->snapshot ? cJSON_Parse(e->snapshot) : cJSON_CreateNull();
    if (!snap)
        snap = cJSON_CreateNull();
    if (!snap || !cJSON_AddStringToObject(o, "object", "event") ||
        !cJSON_AddStringToObject(o, "id", e->id) ||
        !cJSON_AddNumberToObject(o, "seq", (double)e->seq) ||
        !cJSON_AddStringToObject(o, "event", e->name) ||
        !cJSON_AddStringToObject(o, "dateCreated", when) ||
        !cJSON_AddStringToObject(o, "resourceType", e->resource_type) ||
        !cJSON_AddStringToObject(o, "resourceId", e->resource_id) ||
        !cJSON_AddItemToObject(o, e->resource_type[0] ? e->resource_type : "resource", snap)) {
        cJSON_Delete(snap);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int events_list(struct am_account *a, const struct am_request *req,
                       struct am_response *resp)
{
    struct am_query q;
    struct am_page page = {.offset = 0, .limit = EVENTS_DEFAULT_LIMIT};
    const char *off, *lim;
    size_t total;
    cJSON *data = NULL;
    int r = am_query_parse(req->query, &q);

    if (r < 0)
        return r == -E2BIG ? bad_request(resp, "invalid_query", "query string grande demais") : r;
    off = am_query_get(&q, "offset");
    lim = am_query_get(&q, "limit");
    if (off && *off && !am_ascii_size(off, 1000000000000ULL, &page.offset)) {
        r = bad_request(resp, "invalid_offset", "offset deve ser um inteiro não negativo");
        goto out;
    }
    if (lim && *lim &&
        (!am_ascii_size(lim, EVENTS_MAX_LIMIT, &page.limit) || page.limit < 1)) {
        r = bad_request(resp, "invalid_limit", "limit deve estar entre 1 e 1000");
        goto out;
    }
    total = am_billing_events_count(a->billing);
    data = cJSON_CreateArray();
    if (!data) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = page.offset; i < total && i - page.offset < page.limit; i++) {
        cJSON *e = event_json(am_billing_event_at(a->billing, i));

        if (!e) {
            cJSON_Delete(data);
            r = -ENOMEM;
            goto out;
        }
        cJSON_AddItemToArray(data, e);
    }
    am_key_scrub_json(data->child); /* a key pasted into a description stays redacted */
    r = am_api_list_response(resp, &page, total, data);
out:
    am_query_finish(&q);
    return r;
}

static int ledger_check(struct am_account *a, struct am_response *resp)
{
    size_t n = am_billing_ledger_count(a->billing), broken = 0;
    int64_t sum = 0, balance = am_billing_balance(a->billing);
    bool ok;
    cJSON *o;

    for (size_t i = 0; i < n; i++)
        sum += am_billing_ledger_at(a->billing, i)->value_cents;
    ok = am_billing_ledger_check(a->billing, &broken) == 0 && sum == balance;
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    if (!cJSON_AddBoolToObject(o, "ok", ok) || am_money_add(o, "balance", balance) < 0 ||
        am_money_add(o, "ledgerSum", sum) < 0 ||
        !cJSON_AddNumberToObject(o, "entries", (double)n) ||
        (!ok && !cJSON_AddNumberToObject(o, "firstBrokenEntry", (double)broken))) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

int am_control_billing_handle(struct am_account *a, int route, const struct am_request *req,
                              int64_t real_now, struct am_ids *ids, struct am_response *resp)
{
    if (!a || !a->billing || !a->recurring)
        return am_response_error(resp, 404, "not_found", "Conta não encontrada");
    switch (route) {
    case AM_ROUTE_CTL_CLOCK_GET:
        return answer_clock(a, real_now, NULL, resp);
    case AM_ROUTE_CTL_CLOCK_SET:
        return clock_set(a, req, real_now, ids, resp);
    case AM_ROUTE_CTL_CLOCK_ADVANCE:
        return clock_advance(a, req, real_now, ids, resp);
    case AM_ROUTE_CTL_EVENTS:
        return events_list(a, req, resp);
    case AM_ROUTE_CTL_LEDGER_CHECK:
        return ledger_check(a, resp);
    default:
        return am_response_error(resp, 404, "not_found", "Rota não encontrada");
    }
}

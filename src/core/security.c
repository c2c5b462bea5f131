/* security.c - the security report fed by the app and rendered for people (security.h). */
#include "security.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app_iface.h"
#include "ascii.h"
#include "asaas_facts.h"
#include "atomic_file.h"
#include "json_text.h"
#include "keys.h"
#include "log.h"
#include "query.h"
#include "router.h"
#include "secreport.h"
#include "state.h"
#include "webhooks.h"

/* The account's store, made on its first finding (most accounts never have one). */
static struct am_secreport *store_of(struct am_account *a)
{
    if (!a->secreport)
        a->secreport = am_secreport_new();
    return a->secreport;
}

/* "GET /v3/customers?x=1", decoded and scrubbed of keys, for evidence. */
static void describe(const struct am_request *req, char *out, size_t out_len)
{
    size_t n = strlen(req->path) + (req->query ? strlen(req->query) : 0) + 16;
    char *all = malloc(n);

    if (!all) {
        snprintf(out, out_len, "%s", am_method_name(req->method));
        return;
    }
    snprintf(all, n, "%s %s%s%s", am_method_name(req->method), req->path,
             req->query ? "?" : "", req->query ? req->query : "");
    /* %XX first: "%24aact_..." must be scrubbed like the plain key */
    am_ascii_percent_decode(all);
    am_secreport_clip(all, out, out_len);
    free(all);
}

/* The request as evidence, made on first use: most requests raise no finding, and this
 * is the costliest part of looking at one (decode, scrub, clip). */
struct what {
    const struct am_request *req;
    char text[AM_SEC_EVIDENCE_MAX / 2];
    bool made;
};

static const char *what_of(struct what *w)
{
    if (!w->made) {
        describe(w->req, w->text, sizeof(w->text));
        w->made = true;
    }
    return w->text;
}

/* The query decoded: "%24aact_..." is a key in the URL too. */
static bool query_has_key(const char *query)
{
    char *copy = query ? strdup(query) : NULL;
    bool found;

    if (!copy)
        return false;
    am_ascii_percent_decode(copy);
    found = am_key_shaped_text(copy);
    free(copy);
    return found;
}

static bool is_create(int route)
{
    return route == AM_ROUTE_CUSTOMERS_CREATE || route == AM_ROUTE_PAYMENTS_CREATE ||
           route == AM_ROUTE_INSTALLMENTS_CREATE || route == AM_ROUTE_SUBSCRIPTIONS_CREATE;
}

/* A webhook config that would tell the client about this payment's status changes. */
static bool webhook_covers_payments(struct am_account *a)
{
    static const char *const events[] = {"PAYMENT_RECEIVED", "PAYMENT_CONFIRMED",
                                         "PAYMENT_OVERDUE", "PAYMENT_UPDATED", NULL};

    for (size_t i = 0; i < am_webhooks_count(a->webhooks); i++) {
        const struct am_webhook_config *c = am_webhooks_at(a->webhooks, i);
        for (size_t e = 0; c->enabled && events[e]; e++) {
            if (am_webhook_config_wants(c, events[e]))
                return true;
        }
    }
    return false;
}

static const char *retry_after(const struct am_response *resp)
{
    for (size_t i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->headers[i].name, "Retry-After") == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

/* Where a request's findings go: its account's store, made on the first finding (most
 * accounts never need one), or the app's store for requests that named no account. */
struct sink {
    struct am_app *app;
    struct am_account *a; /* NULL: unattributed */
    int64_t t;            /* account clock (real time when unattributed) */
};

static struct am_secreport *sink_store(const struct sink *k)
{
    return k->a ? store_of(k->a) : am_app_secreport(k->app);
}

/* The store only if it exists: for checks that need no new one. */
static struct am_secreport *sink_peek(const struct sink *k)
{
    return k->a ? k->a->secreport : am_app_secreport(k->app);
}

static void found(const struct sink *k, enum am_sec_code c, const char *evidence)
{
    am_secreport_record(sink_store(k), c, k->t, evidence); /* NULL store (OOM): dropped */
}

/* What the request itself shows, authenticated or not: transport, where the key went,
 * the User-Agent, and keys that keep failing. */
static void observe_request(const struct sink *k, const char *ip, const struct am_request *req,
                            const struct am_outcome *o, struct what *w, int64_t now_ms)
{
    const char *ua = am_request_header(req, "User-Agent");
    const char *lib;
    char ev[512], field[96];

    if (req->transport == AM_TRANSPORT_PLAIN) {
        snprintf(ev, sizeof(ev), "%s from %s over http://", what_of(w), ip);
        found(k, AM_SEC_PLAINTEXT_TRANSPORT, ev);
    } else if (req->transport == AM_TRANSPORT_TLS12) {
        snprintf(ev, sizeof(ev), "TLSv1.2 negotiated by %s (%s)", ip, what_of(w));
        found(k, AM_SEC_TLS12_NEGOTIATED, ev);
    }
    if (query_has_key(req->query))
        found(k, AM_SEC_KEY_IN_QUERY, what_of(w));
    if (am_key_shaped_text(req->path))
        found(k, AM_SEC_KEY_IN_PATH, what_of(w));
    if (am_secreport_body_key(req->body, req->body_len, field, sizeof(field))) {
        snprintf(ev, sizeof(ev), "%s: %s", what_of(w), field);
        found(k, AM_SEC_KEY_IN_BODY, ev);
    }
    if (!ua || am_json_text_blank(ua, strlen(ua))) {
        snprintf(ev, sizeof(ev), "%s from %s", what_of(w), ip);
        found(k, AM_SEC_USER_AGENT_MISSING, ev);
    } else if ((lib = am_secreport_library_ua(ua)) != NULL) {
        char shown[64];
        am_secreport_clip(ua, shown, sizeof(shown));
        snprintf(ev, sizeof(ev), "User-Agent \"%s\" (%s's default) on %s", shown, lib,
                 what_of(w));
        found(k, AM_SEC_USER_AGENT_LIBRARY_DEFAULT, ev);
    }
    if (strcmp(o->auth_result, "invalid_environment") == 0) {
        snprintf(ev, sizeof(ev), "key %s from %s on a %s server",
                 o->redacted_key ? o->redacted_key : "-", ip,
                 am_environment_name(am_app_environment(k->app)));
        found(k, AM_SEC_PRODUCTION_KEY, ev);
    }
    if (o->redacted_key && strcmp(o->auth_result, "ok") != 0 &&
        am_secreport_note_auth_failure(sink_store(k), o->redacted_key, now_ms)) {
        snprintf(ev, sizeof(ev), "key %s failed (%s) %d+ times within %d s", o->redacted_key,
                 o->auth_result, AM_SEC_LOOP_FAILURES, AM_SEC_LOOP_WINDOW_MS / 1000);
        found(k, AM_SEC_FAILING_KEY_RETRIED, ev);
    }
}

/* What an authenticated request shows about the client's resilience. */
static void observe_resilience(const struct sink *k, const struct am_request *req,
                               const struct am_response *resp, struct what *w, int64_t now_ms)
{
    const struct am_outcome *o = &resp->outcome;
    struct am_route_match m;
    const char *ra;
    char ev[512], why[120];

    if (am_secreport_before_retry_after(sink_peek(k), now_ms)) {
        snprintf(ev, sizeof(ev), "%s while a 429's Retry-After was still running", what_of(w));
        found(k, AM_SEC_REQUEST_BEFORE_RETRY_AFTER, ev);
    }
    if (resp->status == 429) {
        ra = retry_after(resp);
        am_secreport_note_429(sink_store(k), now_ms, ra ? strtoll(ra, NULL, 10) : 1);
    }
    if (req->method == AM_METHOD_POST && is_create(o->route) && resp->status / 100 == 2) {
        if (am_secreport_duplicate(sink_peek(k), o->route, req->body, req->body_len, now_ms,
                                   why, sizeof(why))) {
            snprintf(ev, sizeof(ev), "%s: %s", what_of(w), why);
            found(k, AM_SEC_DUPLICATE_AFTER_AMBIGUOUS, ev);
        }
        if (o->fault && strcmp(o->fault, "ambiguous") == 0)
            am_secreport_note_ambiguous(sink_store(k), o->route, req->body, req->body_len,
                                        now_ms);
    }
    if (req->method == AM_METHOD_GET && resp->status == 200 &&
        (o->route == AM_ROUTE_PAYMENTS_GET || o->route == AM_ROUTE_PAYMENTS_STATUS)) {
        unsigned interval = am_app_config(k->app)->status_poll_interval;
        am_router_match(req->method, req->path, &m);
        if (m.n_params && webhook_covers_payments(k->a) &&
            am_secreport_note_poll(sink_store(k), m.params[0], now_ms,
                                   (int64_t)interval * 1000)) {
            snprintf(ev, sizeof(ev), "%s read again within %u s while a webhook config "
                                     "covers PAYMENT_* events", what_of(w), interval);
            found(k, AM_SEC_POLLING_WITH_WEBHOOK, ev);
        }
    }
}

void am_security_observe(struct am_app *app, const struct am_request *req,
                         const struct am_response *resp, int64_t now_ms)
{
    const struct am_outcome *o = &resp->outcome;
    struct sink k = {app, NULL, now_ms / 1000};
    struct what w = {.req = req};
    const char *path = am_router_normalise_path(req->path);
    char ip[48];
    size_t ip_len;

    /* Only /v3 requests that reached authentication: the integration's own traffic (the
     * router's API scope, checked by prefix: the route is already in o). */
    if (!o->auth_result || (strncmp(path, "/v3/", 4) != 0 && strcmp(path, "/v3") != 0))
        return;
    if (o->account_id[0])
        k.a = am_registry_find_account(am_app_registry(app), o->account_id);
    if (k.a)
        k.t = am_clock_now(&k.a->clock, k.t);
    ip_len = strnlen(req->client_ip ? req->client_ip : "", sizeof(ip) - 1);
    memcpy(ip, req->client_ip ? req->client_ip : "", ip_len);
    ip[ip_len] = '\0';
    observe_request(&k, ip, req, o, &w, now_ms);
    if (k.a && strcmp(o->auth_result, "ok") == 0)
        observe_resilience(&k, req, resp, &w, now_ms);
}

void am_security_webhook(struct am_app *app, const char *account_id, const char *config_id,
                         const char *url, const char *fault, bool token_sent, int status,
                         int64_t real_now_ms)
{
    struct am_account *a = am_registry_find_account(am_app_registry(app), account_id);
    bool ignored = status == 200 && fault && strcmp(fault, "corrupt-token") == 0;
    struct am_secreport *s;
    char ev[512], shown[96];
    int64_t t;

    /* only a finding makes the store: most deliveries are fine */
    if (!a || status / 100 != 2 || (status == 200 && !ignored) || !(s = store_of(a)))
        return;
    t = am_clock_now(&a->clock, real_now_ms / 1000);
    am_secreport_clip(url, shown, sizeof(shown));
    if (ignored) {
        snprintf(ev, sizeof(ev), "config %s (%s) answered 200 to a delivery %s", config_id,
                 shown, token_sent ? "with a wrong asaas-access-token" : "without asaas-access-token");
        am_secreport_record(s, AM_SEC_RECEIVER_IGNORES_TOKEN, t, ev);
    } else {
        snprintf(ev, sizeof(ev), "config %s (%s) answered %d", config_id, shown, status);
        am_secreport_record(s, AM_SEC_RECEIVER_NOT_200, t, ev);
    }
}

/* ---- findings that follow from the account's state ---- */

struct derived {
    struct am_sec_finding f[_AM_SEC_CODE_MAX];
};

static void derive(struct derived *d, enum am_sec_code c, int64_t now, const char *evidence)
{
    struct am_sec_finding *f = &d->f[c];

    if (!f->present) {
        f->present = true;
        f->first_seen = f->last_seen = now;
        am_secreport_clip(evidence, f->evidence, sizeof(f->evidence));
    }
    f->count++;
}

/* Every string (and member name) of the account's stored data that holds key-shaped
 * text: the first one's place is the evidence, the count is how many. */
static void scan_data(struct derived *d, const cJSON *it, const char *path, int64_t now)
{
    for (; it; it = it->next) {
        char here[160], ev[512], shown[96];
        if (it->string) {
            char name[64];
            am_secreport_clip(it->string, name, sizeof(name));
            snprintf(here, sizeof(here), "%s.%s", path, name);
        }
        else
            snprintf(here, sizeof(here), "%s[]", path);
        if ((it->string && am_key_shaped_text(it->string)) ||
            (cJSON_IsString(it) && am_key_shaped_text(it->valuestring))) {
            am_secreport_clip(cJSON_IsString(it) ? it->valuestring : "", shown, sizeof(shown));
            snprintf(ev, sizeof(ev), "%s = \"%s\"", here, shown);
            derive(d, AM_SEC_KEY_IN_STORED_DATA, now, ev);
        }
        if (it->child)
            scan_data(d, it->child, here, now);
    }
}

/* Rotation age is on the account's clock (advancing it ages the keys); expiry and use are
 * real-time facts, as authentication treats them. */
static int derive_account(struct am_app *app, struct am_account *a, int64_t now,
                          int64_t real_now, struct derived *d)
{
    const struct am_sec_options opt = {am_app_config(app)->key_rotation_days,
                                       am_app_config(app)->status_poll_interval};
    int64_t rotation = (int64_t)opt.rotation_days * 86400;
    int64_t unused = (int64_t)AM_SEC_UNUSED_KEY_DAYS * 86400;
    char ev[512], day[11];
    unsigned active_in_use = 0;
    cJSON *data;

    if (a->n_allowed_ips == 0)
        derive(d, AM_SEC_NO_IP_ALLOWLIST, now, "allowedIps is empty");
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        const struct am_api_key *k = &a->keys[i];
        bool expired = k->expires_at != 0 && k->expires_at <= real_now;
        int64_t last = k->last_used_at ? k->last_used_at : k->created_at;

        if (!k->in_use)
            continue;
        if (!k->enabled || expired) {
            snprintf(ev, sizeof(ev), "key %s (%s) is %s", k->display, k->name,
                     expired ? "expired" : "disabled");
            derive(d, AM_SEC_STALE_KEY_PRESENT, now, ev);
            continue;
        }
        if (real_now - last > unused) {
            am_clock_format_date(last, day);
            snprintf(ev, sizeof(ev), "key %s (%s) unused since %s (over %d days)", k->display,
                     k->name, day, AM_SEC_UNUSED_KEY_DAYS);
            derive(d, AM_SEC_STALE_KEY_PRESENT, now, ev);
        } else if (k->last_used_at) {
            active_in_use++;
        }
        if (rotation > 0 && now - k->created_at > rotation) {
            am_clock_format_date(k->created_at, day);
            snprintf(ev, sizeof(ev), "key %s (%s) created %s, %lld days ago (rotation period %u "
                     "days)", k->display, k->name, day,
                     (long long)((now - k->created_at) / 86400), opt.rotation_days);
            derive(d, AM_SEC_KEY_ROTATION_OVERDUE, now, ev);
        }
    }
    if (active_in_use > 1) {
        snprintf(ev, sizeof(ev), "%u enabled keys used in the last %d days", active_in_use,
                 AM_SEC_UNUSED_KEY_DAYS);
        derive(d, AM_SEC_MULTIPLE_ACTIVE_KEYS, now, ev);
        d->f[AM_SEC_MULTIPLE_ACTIVE_KEYS].count = active_in_use;
    }
    for (size_t i = 0; i < am_webhooks_count(a->webhooks); i++) {
        const struct am_webhook_config *c = am_webhooks_at(a->webhooks, i);
        if (c->url && strncasecmp(c->url, "http://", 7) == 0) {
            char name[48], url[100];
            am_secreport_clip(c->name, name, sizeof(name));
            am_secreport_clip(c->url, url, sizeof(url));
            snprintf(ev, sizeof(ev), "config %s (%s): %s", c->id, name, url);
            derive(d, AM_SEC_WEBHOOK_HTTP_URL, now, ev);
        }
    }
    data = am_state_export_data(a);
    if (!data)
        return -ENOMEM;
    /* our own findings (already redacted) are not the client's data */
    cJSON_DeleteItemFromObjectCaseSensitive(data, "security");
    scan_data(d, data->child, "data", now);
    cJSON_Delete(data);
    return 0;
}

/* ---- the report ---- */

static cJSON *render_finding(enum am_sec_code c, const struct am_sec_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    char first[20], last[20];

    if (!o)
        return NULL;
    am_clock_format_datetime(f->first_seen, first);
    am_clock_format_datetime(f->last_seen, last);
    cJSON_AddStringToObject(o, "code", am_sec_code_name(c));
    cJSON_AddStringToObject(o, "severity", am_sec_severity_name(am_sec_code_severity(c)));
    cJSON_AddStringToObject(o, "category", am_sec_code_category(c));
    cJSON_AddStringToObject(o, "title", am_sec_code_title(c));
    cJSON_AddStringToObject(o, "evidence", f->evidence);
    cJSON_AddNumberToObject(o, "count", (double)f->count);
    cJSON_AddStringToObject(o, "firstSeen", first);
    cJSON_AddStringToObject(o, "lastSeen", last);
    cJSON_AddStringToObject(o, "practice", am_sec_code_practice(c));
    return o;
}

/* One account's entry (id NULL: the unattributed store), findings most severe first. */
static cJSON *render_account(const char *id, int64_t today, const struct am_secreport *s,
                             const struct derived *d, unsigned summary[_AM_SEC_SEVERITY_MAX])
{
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "findings") : NULL;
    char day[11];

    if (!list)
        goto oom;
    am_clock_format_date(today, day);
    if (am_json_add_string_or_null(o, "account", id) < 0 ||
        !cJSON_AddStringToObject(o, "today", day))
        goto oom;
    cJSON_DetachItemViaPointer(o, list);
    cJSON_AddItemToObject(o, "findings", list); /* after account and today */
    for (int sev = AM_SEC_ERROR; sev >= AM_SEC_ADVICE; sev--) {
        for (int c = 0; c < _AM_SEC_CODE_MAX; c++) {
            const struct am_sec_finding *f = am_secreport_get(s, (enum am_sec_code)c);
            cJSON *item;
            if (!f && d && d->f[c].present)
                f = &d->f[c];
            if (!f || (int)am_sec_code_severity((enum am_sec_code)c) != sev)
                continue;
            item = render_finding((enum am_sec_code)c, f);
            if (!item)
                goto oom;
            cJSON_AddItemToArray(list, item);
            summary[sev]++;
        }
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static bool account_used(const struct am_account *a)
{
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        if (a->keys[i].in_use && a->keys[i].last_used_at)
            return true;
    }
    return false;
}

struct cJSON *am_security_report(struct am_app *app, int64_t real_now, const char *account_id)
{
    const struct am_config *cfg = am_app_config(app);
    struct am_registry *reg = am_app_registry(app);
    unsigned summary[_AM_SEC_SEVERITY_MAX] = {0};
    cJSON *root = cJSON_CreateObject(), *accounts = NULL, *sum, *item;
    struct derived *d = malloc(sizeof(*d));
    char when[20];
    int max = -1;

    if (!root || !d)
        goto oom;
    am_clock_format_datetime(real_now, when);
    cJSON_AddStringToObject(root, "object", "securityReport");
    cJSON_AddStringToObject(root, "generatedAt", when);
    if (am_json_add_string_or_null(root, "failOn", cfg->fail_on_findings >= 0
                                                       ? am_sec_severity_name(cfg->fail_on_findings)
                                                       : NULL) < 0)
        goto oom;
    accounts = cJSON_CreateArray();
    if (!accounts)
        goto oom;
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        struct am_account *a = am_registry_account_at(reg, i);
        int64_t now = am_clock_now(&a->clock, real_now);

        if (account_id && strcmp(a->id, account_id) != 0)
            continue;
        if (am_secreport_empty(a->secreport) && !account_used(a))
            continue;
        memset(d, 0, sizeof(*d));
        if (derive_account(app, a, now, real_now, d) < 0)
            goto oom;
        item = render_account(a->id, now, a->secreport, d, summary);
        if (!item)
            goto oom;
        cJSON_AddItemToArray(accounts, item);
    }
    if (!account_id && !am_secreport_empty(am_app_secreport(app))) {
        item = render_account(NULL, real_now, am_app_secreport(app), NULL, summary);
        if (!item)
            goto oom;
        cJSON_AddItemToArray(accounts, item);
    }
    for (int s = 0; s < _AM_SEC_SEVERITY_MAX; s++) {
        if (summary[s])
            max = s;
    }
    cJSON_AddBoolToObject(root, "failed", cfg->fail_on_findings >= 0 && max >= cfg->fail_on_findings);
    sum = cJSON_AddObjectToObject(root, "summary");
    if (!sum)
        goto oom;
    cJSON_AddNumberToObject(sum, "error", summary[AM_SEC_ERROR]);
    cJSON_AddNumberToObject(sum, "warning", summary[AM_SEC_WARNING]);
    cJSON_AddNumberToObject(sum, "advice", summary[AM_SEC_ADVICE]);
    cJSON_AddItemToObject(root, "accounts", accounts);
    free(d);
    return root;
oom:
    free(d);
    cJSON_Delete(accounts);
    cJSON_Delete(root);
    return NULL;
}

static char *render_text(const cJSON *report, bool markdown)
{
    return markdown ? am_secreport_markdown(report) : cJSON_Print(report);
}

int am_security_control(struct am_app *app, const struct am_request *req, int64_t real_now,
                        struct am_response *resp)
{
    struct am_query q;
    const char *format, *account;
    bool md;
    cJSON *report;
    char *text;
    int r = am_query_parse(req->query, &q);

    if (r < 0)
        return r == -E2BIG ? am_response_error(resp, 400, "invalid_query",
                                               "query string grande demais")
                           : r;
    format = am_query_get(&q, "format");
    account = am_query_get(&q, "account");
    md = format && (strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0);
    if (format && !md && strcmp(format, "json") != 0) {
        am_query_finish(&q);
        return am_response_error(resp, 400, "invalid_format",
                                 "format deve ser json ou md");
    }
    if (account && !am_registry_find_account(am_app_registry(app), account)) {
        am_query_finish(&q);
        return am_response_error(resp, 404, AM_ERR_NOT_FOUND, "Conta não encontrada");
    }
    report = am_security_report(app, real_now, account);
    am_query_finish(&q);
    if (!report)
        return -ENOMEM;
    if (!md)
        return am_response_json(resp, 200, report);
    text = render_text(report, true);
    cJSON_Delete(report);
    if (!text)
        return -ENOMEM;
    r = am_response_text(resp, 200, "text/markdown; charset=utf-8", text, strlen(text));
    free(text);
    return r;
}

int am_security_shutdown(struct am_app *app, int64_t real_now)
{
    const struct am_config *cfg = am_app_config(app);
    const char *path = cfg->security_report;
    cJSON *report;
    char *text = NULL, why[600];
    size_t n;
    int r = 0, max;

    if (!path && cfg->fail_on_findings < 0)
        return 0;
    report = am_security_report(app, real_now, NULL);
    if (!report) {
        am_log(AM_LOG_ERROR, "security_report", "what=out_of_memory");
        return 1;
    }
    max = am_secreport_max_severity(report);
    if (path) {
        n = strlen(path);
        text = render_text(report, n > 3 && strcmp(path + n - 3, ".md") == 0);
        r = text ? am_atomic_write(path, NULL, text, strlen(text), 0644, why, sizeof(why))
                 : -ENOMEM;
        if (r < 0)
            am_log(AM_LOG_ERROR, "security_report", "what=write_failed error=\"%s\"",
                   r == -ENOMEM ? "out of memory" : why);
        else
            am_log(AM_LOG_INFO, "security_report", "path=%s max_severity=%s", path,
                   max >= 0 ? am_sec_severity_name(max) : "none");
    }
    free(text);
    cJSON_Delete(report);
    if (cfg->fail_on_findings >= 0 && max >= cfg->fail_on_findings) {
        am_log(AM_LOG_WARN, "security_report", "what=fail_on_findings threshold=%s max=%s exit=%d",
               am_sec_severity_name(cfg->fail_on_findings), am_sec_severity_name(max),
               AM_SECURITY_EXIT_FINDINGS);
        return AM_SECURITY_EXIT_FINDINGS;
    }
    return r < 0 ? 1 : 0;
}

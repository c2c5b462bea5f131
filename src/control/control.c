/* control.c - /__mock/ control API handlers (see control.h). */
#include "control.h"

#include "ident.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_common.h"
#include "clock.h"
#include "control_billing.h"
#include "control_payments.h"
#include "control_state.h"
#include "control_webhooks.h"
#include "webhook_pump.h"
#include "coverage.h"
#include "exchanges.h"
#include "fixtures.h"
#include "json_text.h"
#include "log.h"
#include "customers.h"
#include "billing.h"
#include "keys.h"
#include "query.h"
#include "security.h"
#include "strbuf.h"

static int bad_request(struct am_response *resp, const char *code, const char *description)
{
    return am_response_error(resp, 400, code, description);
}

static int not_found(struct am_response *resp, const char *text)
{
    return am_response_error(resp, 404, "not_found", text);
}

static cJSON *datetime_or_null(int64_t t)
{
    char buf[20];

    if (t == 0)
        return cJSON_CreateNull();
    am_clock_format_datetime(t, buf);
    return cJSON_CreateString(buf);
}

static cJSON *render_key(const struct am_api_key *k, int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    char prefix[AM_KEY_REDACTED_LEN] = "", last4[8] = "";
    const char *dots = strstr(k->display, "...");

    if (dots) {
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(dots - k->display), k->display);
        snprintf(last4, sizeof(last4), "%s", dots + 3);
    }
    cJSON_AddStringToObject(o, "object", "accessToken");
    cJSON_AddStringToObject(o, "id", k->id);
    cJSON_AddStringToObject(o, "name", k->name);
    cJSON_AddStringToObject(o, "prefix", prefix);
    cJSON_AddStringToObject(o, "last4", last4);
    cJSON_AddStringToObject(o, "display", k->display);
    cJSON_AddBoolToObject(o, "enabled", k->enabled);
    cJSON_AddBoolToObject(o, "expired", k->expires_at != 0 && k->expires_at <= now);
    cJSON_AddItemToObject(o, "expirationDate", datetime_or_null(k->expires_at));
    cJSON_AddItemToObject(o, "dateCreated", datetime_or_null(k->created_at));
    cJSON_AddItemToObject(o, "lastUsedDate", datetime_or_null(k->last_used_at));
    return o;
}

/* ACCESS_TOKEN_* into the account's event log (the webhook queues read it from there);
 * the snapshot is the key as the listing renders it: redacted, never the key. */
static void key_event(struct am_account *a, const char *name, const struct am_api_key *k,
                      int64_t real_now)
{
    cJSON *o = render_key(k, real_now);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;

    if (text)
        am_billing_events_append(a->billing, name, am_clock_now(&a->clock, real_now),
                                 "accessToken", k->id, text);
    free(text);
    cJSON_Delete(o);
}

static size_t key_count(const struct am_account *a)
{
    return am_registry_key_count(a);
}

static cJSON *render_account(const struct am_account *a, int64_t real_now)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *ips = cJSON_AddArrayToObject(o, "allowedIps");
    char date[11];

    for (size_t i = 0; i < a->n_allowed_ips; i++)
        cJSON_AddItemToArray(ips, cJSON_CreateString(a->allowed_ips[i]));
    cJSON_DetachItemViaPointer(o, ips);
    cJSON_AddStringToObject(o, "object", "account");
    cJSON_AddStringToObject(o, "id", a->id);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddStringToObject(o, "walletId", a->wallet_id); /* transfers between accounts */
    cJSON_AddBoolToObject(o, "requireUserAgent", a->require_user_agent);
    cJSON_AddItemToObject(o, "allowedIps", ips);
    cJSON_AddBoolToObject(o, "autoCreated", a->auto_created);
    cJSON_AddNumberToObject(o, "keyCount", (double)key_count(a));
    cJSON_AddNumberToObject(o, "customerCount",
                            (double)(a->customers ? am_customer_store_count(a->customers) : 0));
    am_clock_format_date(am_clock_now(&a->clock, real_now), date);
    cJSON_AddStringToObject(o, "today", date);
    return o;
}

static int list_envelope(struct am_response *resp, cJSON *data)
{
    cJSON *o = cJSON_CreateObject();

    if (!o) {
        cJSON_Delete(data);
        return -ENOMEM;
    }
    cJSON_AddStringToObject(o, "object", "list");
    cJSON_AddNumberToObject(o, "totalCount", (double)cJSON_GetArraySize(data));
    cJSON_AddItemToObject(o, "data", data);
    return am_response_json(resp, 200, o);
}

/* Applies requireUserAgent / allowedIps / name from body to a. Returns 1 after filling
 * resp with a 400, 0 on success. */
static int apply_account_fields(struct am_account *a, const cJSON *body, struct am_response *resp,
                                int *ret)
{
    const cJSON *ua = cJSON_GetObjectItemCaseSensitive(body, "requireUserAgent");
    const cJSON *ips = cJSON_GetObjectItemCaseSensitive(body, "allowedIps");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
    struct am_account scratch;

    if (ua && !cJSON_IsBool(ua)) {
        *ret = bad_request(resp, "invalid_requireUserAgent", "requireUserAgent deve ser booleano");
        return 1;
    }
    if (name && !cJSON_IsString(name)) {
        *ret = bad_request(resp, "invalid_name", "name deve ser texto");
        return 1;
    }
    if (ips) {
        /* Validate every entry before touching the account: all or nothing. */
        memset(&scratch, 0, sizeof(scratch));
        if (!cJSON_IsArray(ips)) {
            *ret = bad_request(resp, "invalid_allowedIps", "allowedIps deve ser uma lista");
            return 1;
        }
        for (const cJSON *ip = ips->child; ip; ip = ip->next) {
            if (!cJSON_IsString(ip) || am_account_allow_ip(&scratch, ip->valuestring) < 0) {
                *ret = bad_request(resp, "invalid_allowedIps",
                                   "Cada IP deve ser IPv4 (último octeto pode ser x) ou IPv6");
                return 1;
            }
        }
        memcpy(a->allowed_ips, scratch.allowed_ips, sizeof(a->allowed_ips));
        a->n_allowed_ips = scratch.n_allowed_ips;
    }
    if (ua)
        a->require_user_agent = cJSON_IsTrue(ua);
    if (name)
        snprintf(a->name, sizeof(a->name), "%s", name->valuestring);
    return 0;
}

static int accounts_create(struct am_app *app, const struct am_request *req, int64_t real_now,
                           struct am_response *resp)
{
    cJSON *body = NULL;
    const cJSON *id;
    struct am_account *a;
    char gen[AM_ACCOUNT_ID_LEN];
    int r = am_api_parse_body(req, resp, true, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    id = cJSON_GetObjectItemCaseSensitive(body, "id");
    if (id && (!cJSON_IsString(id) || !am_ident_valid(id->valuestring, AM_ACCOUNT_ID_LEN))) {
        r = bad_request(resp, "invalid_id", "id deve ter 1..63 caracteres [A-Za-z0-9._-]");
        goto out;
    }
    if (!id)
        am_ids_uuid(am_app_ids(app), gen);
    else
        snprintf(gen, sizeof(gen), "%s", id->valuestring);
    if (am_registry_find_account(am_app_registry(app), gen)) {
        r = am_response_error(resp, 409, "account_exists", "Já existe uma conta com este id");
        goto out;
    }
    {
        /* Validate on a scratch account first: a refused body creates nothing. */
        struct am_account scratch;
        memset(&scratch, 0, sizeof(scratch));
        scratch.require_user_agent = true;
        snprintf(scratch.name, sizeof(scratch.name), "%s", gen);
        if (apply_account_fields(&scratch, body, resp, &r))
            goto out;
        a = am_registry_add_account(am_app_registry(app), gen);
        if (!a) {
            r = -ENOMEM;
            goto out;
        }
        a->require_user_agent = scratch.require_user_agent;
        memcpy(a->name, scratch.name, sizeof(a->name));
        memcpy(a->allowed_ips, scratch.allowed_ips, sizeof(a->allowed_ips));
        a->n_allowed_ips = scratch.n_allowed_ips;
    }
    r = am_response_json(resp, 200, render_account(a, real_now));
out:
    cJSON_Delete(body);
    return r;
}

static int account_update(struct am_app *app, struct am_account *a, const struct am_request *req,
                          int64_t real_now, struct am_response *resp)
{
    cJSON *body = NULL;
    int r = am_api_parse_body(req, resp, false, &body);

    (void)app;
    if (r != 0)
        return r < 0 ? r : 0;
    if (apply_account_fields(a, body, resp, &r) == 0)
        r = am_response_json(resp, 200, render_account(a, real_now));
    cJSON_Delete(body);
    return r;
}

/* Parses an optional expirationDate (string or null) into *ret. Returns 1 after a 400. */
static int parse_expiry(const cJSON *body, struct am_response *resp, bool *ret_present,
                        int64_t *ret, int *ret_r)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(body, "expirationDate");

    *ret_present = exp != NULL;
    *ret = 0;
    if (!exp || cJSON_IsNull(exp))
        return 0;
    if (!cJSON_IsString(exp) || am_clock_parse_datetime(exp->valuestring, ret) < 0) {
        *ret_r = bad_request(resp, "invalid_expirationDate",
                             "expirationDate deve ser \"AAAA-MM-DD HH:MM:SS\", \"AAAA-MM-DD\" ou "
                             "null");
        return 1;
    }
    return 0;
}

/* POST /__mock/accounts/{id}/keys: the body is one key object of accounts.json, checked by
 * the fixtures loader itself (unknown fields refused). With "key" or "sha256" it registers
 * that key (a user's own sandbox key, no restart), never shown back; without, it generates
 * one and answers it once as apiKey, as the Asaas panel does. */
static int keys_create(struct am_app *app, struct am_account *a, const struct am_request *req,
                       int64_t real_now, struct am_response *resp)
{
    cJSON *body = NULL, *out = NULL;
    const cJSON *given;
    struct am_api_key *slot = NULL;
    char key[AM_KEY_MAX_LEN], err[256];
    bool generated;
    int r = am_api_parse_body(req, resp, true, &body);

    key[0] = '\0';
    if (r != 0)
        return r < 0 ? r : 0;
    if (!cJSON_IsObject(body)) {
        r = bad_request(resp, "invalid_object", "O corpo deve ser um objeto JSON");
        goto out;
    }
    if (key_count(a) >= AM_MAX_KEYS_PER_ACCOUNT) {
        r = bad_request(resp, "invalid_action",
                        "A conta já possui o número máximo de 10 chaves de API");
        goto out;
    }
    given = cJSON_GetObjectItemCaseSensitive(body, "key");
    if (cJSON_IsString(given) && am_key_classify(given->valuestring) != AM_KEY_SHAPE_INVALID &&
        !am_key_shape_matches_env(am_key_classify(given->valuestring), am_app_environment(app))) {
        snprintf(err, sizeof(err), "body: key is not a key of this server's environment (%s)",
                 am_environment_name(am_app_environment(app)));
        r = bad_request(resp, "invalid_environment", err);
        goto out;
    }
    generated = !given && !cJSON_GetObjectItemCaseSensitive(body, "sha256");
    if (generated) {
        r = am_key_generate(am_app_environment(app), key, sizeof(key));
        /* A reference: the tree never copies the key, the wipe below covers it. */
        if (r < 0 || !cJSON_AddItemToObject(body, "key", cJSON_CreateStringReference(key))) {
            r = r < 0 ? r : -ENOMEM;
            goto out;
        }
    }
    if (!cJSON_GetObjectItemCaseSensitive(body, "name") &&
        !cJSON_AddStringToObject(body, "name", "api")) {
        r = -ENOMEM;
        goto out;
    }
    r = am_fixtures_add_key(am_app_registry(app), a, body, false, "body", "", real_now, err, sizeof(err),
                            &slot);
    if (r == -EEXIST)
        r = am_response_error(resp, 409, "key_exists", err);
    else if (r == -EINVAL || r == -ENOSPC)
        r = bad_request(resp, "invalid_object", err);
    if (r != 0 || !slot)
        goto out;
    key_event(a, "ACCESS_TOKEN_CREATED", slot, real_now);
    out = render_key(slot, real_now);
    /* A generated key is shown this one time, as in the Asaas panel; a given one never. */
    if (generated)
        cJSON_AddStringToObject(out, "apiKey", key);
    r = am_response_json(resp, 200, out);
out:
    explicit_bzero(key, sizeof(key));
    cJSON_Delete(body);
    return r;
}

static int key_update(struct am_account *a, struct am_api_key *k, const struct am_request *req,
                      int64_t real_now, struct am_response *resp)
{
    cJSON *body = NULL;
    const cJSON *name, *enabled;
    bool has_exp;
    int64_t exp;
    static const char *const fields[] = {"name", "enabled", "expirationDate", NULL};
    const char *bad;
    bool dup;
    char msg[128];
    int r = am_api_parse_body(req, resp, false, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    /* A typo ("expirationDat") must not pass as "no change". */
    if (cJSON_IsObject(body) && (bad = am_json_bad_key(body, fields, &dup))) {
        snprintf(msg, sizeof(msg), "body: %s field '%.48s'", dup ? "duplicate" : "unknown", bad);
        r = bad_request(resp, "invalid_object", msg);
        goto out;
    }
    name = cJSON_GetObjectItemCaseSensitive(body, "name");
    enabled = cJSON_GetObjectItemCaseSensitive(body, "enabled");
    if ((name && !cJSON_IsString(name)) || (enabled && !cJSON_IsBool(enabled))) {
        r = bad_request(resp, "invalid_object", "name deve ser texto e enabled booleano");
        goto out;
    }
    if (parse_expiry(body, resp, &has_exp, &exp, &r))
        goto out;
    if (name)
        snprintf(k->name, sizeof(k->name), "%s", name->valuestring);
    if (enabled && k->enabled != cJSON_IsTrue(enabled)) {
        k->enabled = cJSON_IsTrue(enabled);
        key_event(a, k->enabled ? "ACCESS_TOKEN_ENABLED" : "ACCESS_TOKEN_DISABLED", k, real_now);
    }
    if (has_exp)
        k->expires_at = exp;
    r = am_response_json(resp, 200, render_key(k, real_now));
out:
    cJSON_Delete(body);
    return r;
}

static int journal_get(struct am_app *app, const struct am_request *req, struct am_response *resp)
{
    struct am_query q;
    const char *lim;
    size_t limit = 100, n = am_journal_count(am_app_journal(app));
    cJSON *data;
    int r = am_query_parse(req->query, &q);

    if (r < 0)
        return r == -E2BIG ? bad_request(resp, "invalid_query", "query string grande demais") : r;
    lim = am_query_get(&q, "limit");
    if (lim) {
        char *end = NULL;
        long v = strtol(lim, &end, 10);
        if (!*lim || *end || v < 1 || v > 1000000) {
            am_query_finish(&q);
            return bad_request(resp, "invalid_limit", "limit deve ser um inteiro positivo");
        }
        limit = (size_t)v;
    }
    am_query_finish(&q);
    data = cJSON_CreateArray();
    for (size_t i = 0; i < n && i < limit; i++) {
        const struct am_journal_entry *e = am_journal_newest(am_app_journal(app), i);
        cJSON *o = cJSON_CreateObject();
        char when[20];

        am_clock_format_datetime(e->time_ms / 1000, when);
        cJSON_AddNumberToObject(o, "seq", (double)e->seq);
        cJSON_AddStringToObject(o, "id", e->request_id);
        cJSON_AddStringToObject(o, "time", when);
        cJSON_AddNumberToObject(o, "timeMs", (double)e->time_ms);
        cJSON_AddStringToObject(o, "method", e->method);
        cJSON_AddStringToObject(o, "path", e->path);
        cJSON_AddStringToObject(o, "operation", e->route);
        cJSON_AddNumberToObject(o, "status", e->status);
        cJSON_AddStringToObject(o, "clientIp", e->client_ip);
        am_json_add_string_or_null(o, "account", *e->account ? e->account : NULL);
        am_json_add_string_or_null(o, "auth", *e->auth ? e->auth : NULL);
        am_json_add_string_or_null(o, "key", *e->key ? e->key : NULL);
        am_json_add_string_or_null(o, "fault", *e->fault ? e->fault : NULL);
        am_json_add_string_or_null(o, "faultRule", *e->fault_rule ? e->fault_rule : NULL);
        am_json_add_string_or_null(o, "exchange", *e->exchange ? e->exchange : NULL);
        cJSON_AddNumberToObject(o, "durationUs", (double)e->duration_us);
        cJSON_AddNumberToObject(o, "bytes", (double)e->bytes);
        cJSON_AddItemToArray(data, o);
    }
    return list_envelope(resp, data);
}

static int incidents_get(struct am_app *app, struct am_response *resp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *data = cJSON_CreateArray();
    size_t n = am_audit_incident_count(am_app_audit(app));

    for (size_t i = n; i-- > 0;) {
        const struct am_incident *inc = am_audit_incident_at(am_app_audit(app), i);
        cJSON *it = cJSON_CreateObject();
        char when[20];

        am_clock_format_datetime(inc->at, when);
        cJSON_AddStringToObject(it, "dateCreated", when);
        cJSON_AddStringToObject(it, "clientIp", inc->client_ip);
        cJSON_AddStringToObject(it, "key", inc->redacted_key);
        cJSON_AddStringToObject(it, "reason", inc->reason);
        cJSON_AddItemToArray(data, it);
    }
    cJSON_AddStringToObject(o, "object", "list");
    cJSON_AddNumberToObject(o, "totalCount", (double)am_audit_incident_total(am_app_audit(app)));
    cJSON_AddItemToObject(o, "data", data);
    return am_response_json(resp, 200, o);
}

static int faults_add(struct am_app *app, const struct am_request *req, struct am_response *resp)
{
    cJSON *body = NULL;
    char id[AM_FAULT_ID_MAX], err[256];
    int r = am_api_parse_body(req, resp, false, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    r = am_fault_rules_add_json(am_app_faults(app), body, id, err, sizeof(err));
    cJSON_Delete(body);
    if (r == -ENOMEM)
        return r;
    if (r == -EEXIST)
        return am_response_error(resp, 409, AM_ERR_FAULT_RULE, err);
    if (r < 0)
        return bad_request(resp, AM_ERR_FAULT_RULE, err);
    return am_response_json(resp, 200, am_fault_rules_get_json(am_app_faults(app), id));
}

/* POST /__mock/reset [{"account": ID}]: one account back to its fixture state, or (no
 * body / no account) everything, by reloading the fixture set. */
static int64_t account_now(void *ctx, const char *account_id)
{
    struct am_app *app = ctx;
    struct am_account *a = am_registry_find_account(am_app_registry(app), account_id);
    int64_t real = (int64_t)time(NULL);

    return a ? am_clock_now(&a->clock, real) : real;
}

static int ratelimit_set(struct am_app *app, const struct am_request *req, struct am_response *resp)
{
    cJSON *body = NULL;
    char err[256];
    int r = am_api_parse_body(req, resp, false, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    r = am_ratelimit_apply_json(am_app_ratelimit(app), body, err, sizeof(err));
    cJSON_Delete(body);
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return bad_request(resp, AM_ERR_RATELIMIT_CONFIG, err);
    return am_response_json(resp, 200, am_ratelimit_to_json(am_app_ratelimit(app), account_now, app));
}

static bool op_implemented(const struct am_coverage_op *op, void *ud)
{
    struct am_route_match m;
    char path[512];

    (void)ud;
    if (am_coverage_sample_path(op, path, sizeof(path)) < 0)
        return false;
    am_router_match(op->method, path, &m);
    return am_app_route_implemented(m.route);
}

int am_control_handle(struct am_app *app, const struct am_route_match *m,
                      const struct am_request *req, int64_t real_now, struct am_response *resp)
{
    struct am_account *a = NULL;
    struct am_api_key *k = NULL;

    if (m->n_params >= 1 && m->route != AM_ROUTE_CTL_FAULT_DELETE) {
        a = am_registry_find_account(am_app_registry(app), m->params[0]);
        if (!a)
            return not_found(resp, "Conta não encontrada");
    }
    if (m->n_params >= 2 && a && m->route != AM_ROUTE_CTL_EVENT_REDELIVER &&
        m->route != AM_ROUTE_CTL_PAYMENT_ACTION) {
        k = am_registry_find_key(a, m->params[1]);
        if (!k)
            return not_found(resp, "Chave de API não encontrada");
    }
    switch (m->route) {
    case AM_ROUTE_CTL_HEALTH: {
        cJSON *o = cJSON_CreateObject();
        bool ready = am_app_tls_ready(app) && am_app_fixtures_ready(app);
        cJSON_AddStringToObject(o, "status", ready ? "ok" : "starting");
        cJSON_AddBoolToObject(o, "tls", am_app_tls_ready(app));
        cJSON_AddBoolToObject(o, "fixtures", am_app_fixtures_ready(app));
        cJSON_AddStringToObject(o, "environment", am_environment_name(am_app_environment(app)));
        cJSON_AddStringToObject(o, "version", AM_VERSION);
        return am_response_json(resp, ready ? 200 : 503, o);
    }
    case AM_ROUTE_CTL_CA_PEM:
        if (!am_app_ca_pem(app))
            return not_found(resp, "Certificado não disponível");
        return am_response_text(resp, 200, "application/x-pem-file", am_app_ca_pem(app),
                                strlen(am_app_ca_pem(app)));
    case AM_ROUTE_CTL_METRICS: {
        char *text = am_metrics_render(am_app_metrics(app), am_registry_count(am_app_registry(app)),
                                       am_journal_count(am_app_journal(app)));
        char *hooks = am_pump_render_metrics(app);
        struct am_strbuf b = {0};
        int r;
        if (text && hooks) {
            am_strbuf_str(&b, text);
            am_strbuf_str(&b, hooks);
        }
        free(text);
        free(hooks);
        text = am_strbuf_take(&b);
        if (!text || !*text) {
            free(text);
            return -ENOMEM;
        }
        r = am_response_text(resp, 200, "text/plain; version=0.0.4", text, strlen(text));
        free(text);
        return r;
    }
    case AM_ROUTE_CTL_JOURNAL_GET:
        return journal_get(app, req, resp);
    case AM_ROUTE_CTL_JOURNAL_CLEAR: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "cleared", (double)am_journal_clear(am_app_journal(app)));
        return am_response_json(resp, 200, o);
    }
    case AM_ROUTE_CTL_INCIDENTS:
        return incidents_get(app, resp);
    case AM_ROUTE_CTL_SECURITY_REPORT:
        return am_security_control(app, req, real_now, resp);
    case AM_ROUTE_CTL_FAULTS_LIST:
        return am_response_json(resp, 200, am_fault_rules_list_json(am_app_faults(app)));
    case AM_ROUTE_CTL_FAULTS_ADD:
        return faults_add(app, req, resp);
    case AM_ROUTE_CTL_FAULTS_CLEAR: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "cleared", (double)am_fault_rules_count(am_app_faults(app)));
        am_fault_rules_clear(am_app_faults(app));
        return am_response_json(resp, 200, o);
    }
    case AM_ROUTE_CTL_FAULT_DELETE: {
        cJSON *o;
        if (am_fault_rules_remove(am_app_faults(app), m->params[0]) < 0)
            return not_found(resp, "Regra de falha não encontrada");
        o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "deleted", true);
        cJSON_AddStringToObject(o, "id", m->params[0]);
        return am_response_json(resp, 200, o);
    }
    case AM_ROUTE_CTL_FIXTURES_RELOAD: {
        char err[512];
        cJSON *o;
        if (am_app_reload(app, real_now, err, sizeof(err)) < 0) {
            am_log(AM_LOG_WARN, "fixtures_reload_failed", "via=control");
            return bad_request(resp, "invalid_fixtures", err);
        }
        am_log(AM_LOG_INFO, "fixtures_reloaded", "via=control accounts=%zu",
               am_registry_count(am_app_registry(app)));
        o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "reloaded", true);
        cJSON_AddNumberToObject(o, "accounts", (double)am_registry_count(am_app_registry(app)));
        cJSON_AddNumberToObject(o, "exchanges",
                                (double)(am_app_exchanges(app) ? am_exchanges_count(am_app_exchanges(app)) : 0));
        return am_response_json(resp, 200, o);
    }
    case AM_ROUTE_CTL_RESET:
    case AM_ROUTE_CTL_STATE_GET:
    case AM_ROUTE_CTL_STATE_PUT:
        return am_control_state_handle(app, m->route, req, real_now, resp);
    case AM_ROUTE_CTL_EXCHANGES:
        if (!am_app_exchanges(app)) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "exchanges", cJSON_CreateArray());
            return am_response_json(resp, 200, o);
        }
        return am_response_json(resp, 200, am_exchanges_list_json(am_app_exchanges(app)));
    case AM_ROUTE_CTL_RATELIMIT_GET:
        return am_response_json(resp, 200, am_ratelimit_to_json(am_app_ratelimit(app), account_now, app));
    case AM_ROUTE_CTL_RATELIMIT_SET:
        return ratelimit_set(app, req, resp);
    case AM_ROUTE_CTL_CLOCK_GET:
    case AM_ROUTE_CTL_CLOCK_SET:
    case AM_ROUTE_CTL_CLOCK_ADVANCE:
    case AM_ROUTE_CTL_EVENTS:
    case AM_ROUTE_CTL_LEDGER_CHECK:
        return am_control_billing_handle(a, m->route, req, real_now, am_app_ids(app), resp);
    case AM_ROUTE_CTL_COVERAGE:
        return am_response_json(resp, 200, am_coverage_render(op_implemented, NULL));
    case AM_ROUTE_CTL_ACCOUNTS_LIST: {
        cJSON *data = cJSON_CreateArray();
        for (size_t i = 0; i < am_registry_count(am_app_registry(app)); i++)
            cJSON_AddItemToArray(data,
                                 render_account(am_registry_account_at(am_app_registry(app), i), real_now));
        return list_envelope(resp, data);
    }
    case AM_ROUTE_CTL_ACCOUNTS_CREATE:
        return accounts_create(app, req, real_now, resp);
    case AM_ROUTE_CTL_ACCOUNT_GET:
        return am_response_json(resp, 200, render_account(a, real_now));
    case AM_ROUTE_CTL_ACCOUNT_UPDATE:
        return account_update(app, a, req, real_now, resp);
    case AM_ROUTE_CTL_KEYS_LIST: {
        cJSON *data = cJSON_CreateArray();
        for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
            if (a->keys[i].in_use)
                cJSON_AddItemToArray(data, render_key(&a->keys[i], real_now));
        }
        return list_envelope(resp, data);
    }
    case AM_ROUTE_CTL_KEYS_CREATE:
        return keys_create(app, a, req, real_now, resp);
    case AM_ROUTE_CTL_KEY_UPDATE:
        return key_update(a, k, req, real_now, resp);
    case AM_ROUTE_CTL_KEY_DISABLE:
    case AM_ROUTE_CTL_KEY_ENABLE:
        if (k->enabled != (m->route == AM_ROUTE_CTL_KEY_ENABLE)) {
            k->enabled = m->route == AM_ROUTE_CTL_KEY_ENABLE;
            key_event(a, k->enabled ? "ACCESS_TOKEN_ENABLED" : "ACCESS_TOKEN_DISABLED", k,
                      real_now);
        }
        return am_response_json(resp, 200, render_key(k, real_now));
    case AM_ROUTE_CTL_KEY_DELETE: {
        cJSON *o = cJSON_CreateObject();
        char id[37];
        snprintf(id, sizeof(id), "%s", k->id);
        key_event(a, "ACCESS_TOKEN_DELETED", k, real_now);
        if (am_registry_delete_key(am_app_registry(app), a, id) < 0) {
            cJSON_Delete(o);
            return not_found(resp, "Chave de API não encontrada");
        }
        cJSON_AddBoolToObject(o, "deleted", true);
        cJSON_AddStringToObject(o, "id", id);
        return am_response_json(resp, 200, o);
    }
    case AM_ROUTE_CTL_WEBHOOK_DELIVERIES:
    case AM_ROUTE_CTL_WEBHOOK_FLUSH:
    case AM_ROUTE_CTL_EVENT_REDELIVER:
        return am_control_webhooks(app, m, a, req, real_now, resp);
    case AM_ROUTE_CTL_PAYMENTS_LIST:
    case AM_ROUTE_CTL_PAYMENT_ACTION:
        return am_control_payments(app, m, a, req, real_now, resp);
    default:
        return not_found(resp, "Rota de controle não encontrada");
    }
}

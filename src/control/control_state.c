/* control_state.c - reset and snapshots over the control API (see control_state.h). */
#include "control_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_common.h"
#include "fixtures.h"
#include "log.h"
#include "persist.h"
#include "query.h"
#include "state.h"

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The account named by ?account= ("" when absent); -EINVAL when unusable. */
static int account_param(const struct am_request *req, char out[AM_ACCOUNT_ID_LEN])
{
    struct am_query q;
    const char *v;
    int r = am_query_parse(req->query, &q);

    out[0] = '\0';
    if (r < 0)
        return r == -ENOMEM ? r : -EINVAL;
    v = am_query_get(&q, "account");
    if (v && (!*v || strlen(v) >= AM_ACCOUNT_ID_LEN))
        r = -EINVAL;
    else if (v)
        snprintf(out, AM_ACCOUNT_ID_LEN, "%s", v);
    am_query_finish(&q);
    return r;
}

static int reset(struct am_app *app, const struct am_request *req, struct am_response *resp)
{
    cJSON *body = NULL, *o;
    const cJSON *id;
    struct am_account *a = NULL;
    char err[512], account[AM_ACCOUNT_ID_LEN] = "";
    bool fast = false;
    int64_t start = mono_us();
    int r = am_api_parse_body(req, resp, true, &body);

    if (r != 0)
        return r < 0 ? r : 0;
    id = cJSON_GetObjectItemCaseSensitive(body, "account");
    if (id && (!cJSON_IsString(id) || strlen(id->valuestring) >= sizeof(account))) {
        cJSON_Delete(body);
        return am_response_error(resp, 400, "invalid_account", "account deve ser o id de uma conta");
    }
    if (id)
        snprintf(account, sizeof(account), "%s", id->valuestring);
    cJSON_Delete(body);
    if (*account) {
        a = am_registry_find_account(am_app_registry(app), account);
        if (!a)
            return am_response_error(resp, 404, "not_found", "Conta não encontrada");
        r = am_app_reset_account(app, a, &fast, err, sizeof(err));
    } else {
        r = am_app_reset_all(app, &fast, err, sizeof(err));
    }
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return am_response_error(resp, 500, "reset_failed", err);
    o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "reset", true);
    am_json_add_string_or_null(o, "account", *account ? account : NULL);
    /* standby false: the copy was not ready (a reset right after another), so this one
     * rebuilt the data on the spot. */
    cJSON_AddBoolToObject(o, "standby", fast);
    cJSON_AddNumberToObject(o, "durationUs", (double)(mono_us() - start));
    return am_response_json(resp, 200, o);
}

static int state_get(struct am_app *app, const struct am_request *req, struct am_response *resp)
{
    char account[AM_ACCOUNT_ID_LEN];
    int r = account_param(req, account);

    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return am_response_error(resp, 400, "invalid_account", "account deve ser o id de uma conta");
    if (*account && !am_registry_find_account(am_app_registry(app), account))
        return am_response_error(resp, 404, "not_found", "Conta não encontrada");
    return am_response_json(resp, 200,
                            am_state_export_public(am_app_registry(app), am_app_ids(app),
                                                   *account ? account : NULL));
}

/* Checks that every key of the new accounts in src can be registered in dst. */
static const char *new_keys_conflict(struct am_registry *dst, struct am_registry *src,
                                     const char *only)
{
    for (size_t i = 0; i < am_registry_count(src); i++) {
        struct am_account *a = am_registry_account_at(src, i);
        if ((*only && strcmp(a->id, only) != 0) || am_registry_find_account(dst, a->id))
            continue;
        for (size_t k = 0; k < AM_MAX_KEYS_PER_ACCOUNT; k++) {
            struct am_api_key *ignored;
            if (a->keys[k].in_use && am_registry_lookup(dst, a->keys[k].sha256, &ignored))
                return a->id;
        }
    }
    return NULL;
}

/* Creates account like src in dst: settings and keys (by hash). */
static int clone_account(struct am_registry *dst, const struct am_account *src,
                         struct am_account **ret)
{
    struct am_account *a = am_registry_add_account(dst, src->id);

    if (!a)
        return -ENOMEM;
    for (size_t k = 0; k < AM_MAX_KEYS_PER_ACCOUNT; k++) {
        const struct am_api_key *key = &src->keys[k];
        struct am_api_key *slot = NULL;
        char hex[2 * AM_SHA256_LEN + 1];
        int r;

        if (!key->in_use)
            continue;
        am_hex(key->sha256, AM_SHA256_LEN, hex);
        r = am_registry_add_key(dst, a, NULL, hex, key->display, key->name, key->created_at,
                                key->expires_at, key->enabled, &slot);
        if (r < 0)
            return r;
        memcpy(slot->id, key->id, sizeof(slot->id));
        slot->last_used_at = key->last_used_at;
    }
    *ret = a;
    return 0;
}

static int state_put(struct am_app *app, const struct am_request *req, int64_t real_now,
                     struct am_response *resp)
{
    struct am_registry *tmp = am_registry_new();
    struct am_clock start = am_registry_initial_clock(am_app_registry(app));
    char account[AM_ACCOUNT_ID_LEN], err[600];
    const char *conflict;
    struct am_ids ids;
    size_t imported = 0;
    cJSON *o, *list;
    int r;

    if (!tmp)
        return -ENOMEM;
    r = account_param(req, account);
    if (r < 0) {
        am_registry_free(tmp);
        return r == -ENOMEM ? r
                            : am_response_error(resp, 400, "invalid_account",
                                                "account deve ser o id de uma conta");
    }
    am_registry_set_initial_clock(tmp, &start);
    r = am_fixtures_load_accounts(tmp, req->body ? req->body : "", req->body_len, "body",
                                  real_now, err, sizeof(err));
    if (r == -ENOMEM)
        goto out;
    if (r < 0) {
        r = am_response_error(resp, 400, "invalid_state", err);
        goto out;
    }
    if (*account && !am_registry_find_account(tmp, account)) {
        r = am_response_error(resp, 400, "invalid_state",
                              "a conta pedida em ?account= não está no corpo");
        goto out;
    }
    conflict = new_keys_conflict(am_app_registry(app), tmp, account);
    if (conflict) {
        snprintf(err, sizeof(err), "account '%s': one of its keys already belongs to another "
                                   "account of this server",
                 conflict);
        r = am_response_error(resp, 409, "key_conflict", err);
        goto out;
    }
    list = cJSON_CreateArray();
    if (!list) {
        r = -ENOMEM;
        goto out;
    }
    /* Validated as a whole above; from here on only allocation can fail. */
    for (size_t i = 0; i < am_registry_count(tmp); i++) {
        struct am_account *src = am_registry_account_at(tmp, i);
        struct am_account *dst = am_registry_find_account(am_app_registry(app), src->id);
        struct am_stores s = {src->customers, src->billing, src->recurring, src->webhooks,
                              src->records, src->secreport};

        if (*account && strcmp(src->id, account) != 0)
            continue;
        if (!dst && (r = clone_account(am_app_registry(app), src, &dst)) < 0) {
            cJSON_Delete(list);
            goto out;
        }
        snprintf(dst->name, sizeof(dst->name), "%s", src->name);
        dst->require_user_agent = src->require_user_agent;
        memcpy(dst->allowed_ips, src->allowed_ips, sizeof(dst->allowed_ips));
        dst->n_allowed_ips = src->n_allowed_ips;
        dst->clock = src->clock;
        am_stores_swap(dst, &s);
        /* tmp now holds dst's old stores and frees them with itself. */
        src->customers = s.customers;
        src->billing = s.billing;
        src->webhooks = s.webhooks;
        src->recurring = s.recurring;
        src->records = s.records;
        src->secreport = s.secreport;
        cJSON_AddItemToArray(list, cJSON_CreateString(dst->id));
        imported++;
    }
    if (!*account && am_registry_loaded_ids(tmp, &ids))
        am_app_adopt_state(app, am_app_registry(app), &ids);
    r = am_persist_checkpoint(app);
    if (r < 0) {
        cJSON_Delete(list);
        r = am_response_error(resp, 503, "state_file_failed",
                              "O estado foi importado, mas o --state-file não pôde ser gravado");
        goto out;
    }
    am_log(AM_LOG_INFO, "state_imported", "accounts=%zu", imported);
    o = cJSON_CreateObject();
    if (!o) {
        cJSON_Delete(list);
        r = -ENOMEM;
        goto out;
    }
    cJSON_AddItemToObject(o, "imported", list);
    r = am_response_json(resp, 200, o);
out:
    am_registry_free(tmp);
    return r;
}

int am_control_state_handle(struct am_app *app, int route, const struct am_request *req,
                            int64_t real_now, struct am_response *resp)
{
    switch (route) {
    case AM_ROUTE_CTL_RESET:
        return reset(app, req, resp);
    case AM_ROUTE_CTL_STATE_GET:
        return state_get(app, req, resp);
    case AM_ROUTE_CTL_STATE_PUT:
        return state_put(app, req, real_now, resp);
    default:
        return am_response_error(resp, 404, "not_found", "Rota de controle desconhecida");
    }
}

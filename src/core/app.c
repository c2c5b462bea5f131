/* app.c - request dispatch: prefix, auth, router, handler, control API (see app.h).
 *
 * Over 1,000 lines on purpose: struct am_app is opaque, so its definition, its lifetime
 * (new, reload, reset, shutdown), its accessors (app_iface.h) and the one request entry
 * point that reads its fields live in this one file; splitting it would mean exposing the
 * struct again to the pieces. */
#include "app.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_common.h"
#include "ascii.h"
#include "api_splits.h"
#include "atomic_file.h"
#include "api_customers.h"
#include "api_payments.h"
#include "api_recurring.h"
#include "asaas_facts.h"
#include "control.h"
#include "coverage.h"
#include "exchanges.h"
#include "billing.h"
#include "customers.h"
#include "fixtures.h"
#include "subscriptions.h"
#include "jobs.h"
#include "log.h"
#include "query.h"
#include "router.h"
#include "secreport.h"
#include "security.h"
#include "persist.h"
#include "pristine.h"
#include "pages.h"
#include "public_url.h"
#include "seed.h"
#include "state.h"
#include "utf8.h"
#include "webhook_pump.h"

/* The whole mock (opaque to everyone but this file: see app_iface.h). */
struct am_app {
    const struct am_config *cfg; /* borrowed */
    struct am_registry *registry;
    struct am_audit *audit;
    struct am_journal *journal;
    struct am_metrics metrics;
    struct am_ids ids;         /* object ids (deterministic with --seed) */
    struct am_ids request_ids; /* request ids: a separate stream */
    struct am_auth_policy policy;
    struct am_exchange_set *exchanges; /* owned: recorded answers replayed first; may be NULL */
    uint64_t reloads;                  /* fixture sets swapped in since start */
    /* --api-key keys as SHA-256 + redacted display: the plaintext is wiped after start, and
     * a reload registers them again from these. */
    uint8_t api_key_hashes[AM_CONFIG_MAX_LIST][AM_SHA256_LEN];
    char api_key_displays[AM_CONFIG_MAX_LIST][AM_KEY_REDACTED_LEN];
    size_t n_api_key_hashes;
    struct am_fault_rules *faults; /* owned: fault-injection rules */
    struct am_ratelimit *ratelimit; /* owned: Asaas's per-account limits */
    char *ca_pem;      /* owned; served at /__mock/ca.pem */
    char fingerprint[96]; /* SHA-256 of the certificate, for the start-up log */
    struct am_pristine *pristine; /* owned: what POST /__mock/reset returns to */
    struct am_persist *persist;   /* owned: --state-file, NULL without one */
    struct am_pump_stats webhook_stats; /* outbound webhook deliveries */
    struct am_secreport *secreport; /* owned: security findings of requests naming no account */
    bool tls_ready;    /* set by the server once the TLS context is built */
    bool fixtures_ready;
};

int am_app_add_api_keys(struct am_app *app, struct am_registry *reg, int64_t real_now,
                        char *err, size_t err_len)
{
    struct am_account *def;
    int r;

    if (!app->n_api_key_hashes)
        return 0;
    def = am_registry_find_account(reg, "default");
    if (!def && !(def = am_registry_add_account(reg, "default")))
        return -ENOMEM;
    for (size_t i = 0; i < app->n_api_key_hashes; i++) {
        char hex[2 * AM_SHA256_LEN + 1];
        am_hex(app->api_key_hashes[i], AM_SHA256_LEN, hex);
        r = am_registry_add_key(reg, def, NULL, hex, app->api_key_displays[i], "api-key",
                                real_now, 0, true, NULL);
        if (r == -EEXIST)
            continue; /* already in the fixtures: same key, nothing to add */
        if (r < 0) {
            snprintf(err, err_len, "--api-key #%zu: %s", i + 1,
                     r == -ENOSPC ? "the default account already has 10 keys"
                                  : "not shaped like an Asaas key");
            return r == -ENOMEM ? r : -EINVAL;
        }
    }
    return 0;
}

/* Builds a whole fixture set: accounts and keys (embedded default or DIR/accounts.json),
 * --api-key keys, the seeds of DIR/seed/ run through the API, and DIR/exchanges/. On
 * success *ret_reg and *ret_ex (NULL when there is none) are new and owned by the caller;
 * on error nothing is returned and err names the file, the place and the reason. */
static int load_fixture_set(struct am_app *app, int64_t real_now, struct am_registry **ret_reg,
                            struct am_exchange_set **ret_ex, char *err, size_t err_len)
{
    const struct am_config *cfg = app->cfg;
    struct am_registry *reg = am_registry_new();
    struct am_exchange_set *ex = NULL;
    char why[400], path[4096];
    int r;

    if (!reg)
        return -ENOMEM;
    if (cfg->clock) {
        struct am_clock start = {0};
        int64_t t = 0;
        /* A bare date means noon, so "today" is that date however the clock is read. */
        am_clock_parse_datetime(cfg->clock, &t);
        am_clock_freeze(&start, t + (strlen(cfg->clock) == 10 ? 12 * 3600 : 0));
        am_registry_set_initial_clock(reg, &start);
    }
    if (cfg->fixtures_dir)
        r = am_fixtures_load_dir(reg, cfg->fixtures_dir, real_now, why, sizeof(why));
    else
        r = am_fixtures_load_accounts(reg, am_fixtures_default_accounts,
                                      strlen(am_fixtures_default_accounts), "(embedded default)",
                                      real_now, why, sizeof(why));
    if (r < 0) {
        snprintf(err, err_len, "--fixtures: %s", why);
        goto fail;
    }
    if (r == 1)
        am_log(AM_LOG_INFO, "fixtures_accounts", "dir=%s source=embedded_default "
               "note=\"no accounts.json in the folder: the embedded default accounts (plus any "
               "--api-key) are used\"", am_log_quote(cfg->fixtures_dir, path, sizeof(path)));
    if (cfg->n_api_keys && app->n_api_key_hashes == 0) {
        /* First load: remember the keys as hashes for later reloads. */
        for (size_t i = 0; i < cfg->n_api_keys; i++) {
            am_sha256(cfg->api_keys[i], strlen(cfg->api_keys[i]), app->api_key_hashes[i]);
            am_key_redact(cfg->api_keys[i], app->api_key_displays[i],
                          sizeof(app->api_key_displays[i]));
        }
        app->n_api_key_hashes = cfg->n_api_keys;
    }
    r = am_app_add_api_keys(app, reg, real_now, err, err_len);
    if (r < 0)
        goto fail;
    if (cfg->fixtures_dir) {
        r = am_seed_apply_dir(app, reg, cfg->fixtures_dir, NULL, real_now, why, sizeof(why));
        if (r < 0) {
            snprintf(err, err_len, "--fixtures: seed: %s", why);
            goto fail;
        }
        snprintf(path, sizeof(path), "%s/exchanges", cfg->fixtures_dir);
        r = am_exchanges_load_dir(path, &ex, why, sizeof(why));
        if (r < 0 && r != -ENOENT) {
            snprintf(err, err_len, "--fixtures: exchanges: %s", why);
            goto fail;
        }
    }
    *ret_reg = reg;
    *ret_ex = ex;
    return 0;
fail:
    am_registry_free(reg);
    am_exchanges_free(ex);
    return r < 0 ? r : -EINVAL;
}

/* After a fixture set is in place: a snapshot's id position continues, and what reset
 * returns to is captured. */
static int adopt_fixture_set(struct am_app *app)
{
    struct am_pristine *p;

    am_registry_loaded_ids(app->registry, &app->ids);
    p = am_pristine_capture(app->registry, &app->ids);
    if (!p)
        return -ENOMEM;
    am_pristine_free(app->pristine);
    app->pristine = p;
    return 0;
}

int am_app_reload(struct am_app *app, int64_t real_now, char *err, size_t err_len)
{
    struct am_registry *reg = NULL;
    struct am_exchange_set *ex = NULL;
    int r = load_fixture_set(app, real_now, &reg, &ex, err, err_len);

    if (r < 0)
        return r;
    am_registry_free(app->registry);
    am_exchanges_free(app->exchanges);
    app->registry = reg;
    app->exchanges = ex;
    app->reloads++;
    /* Limits count per account of the old set; the new set starts afresh. */
    am_ratelimit_reset(app->ratelimit);
    am_secreport_clear(app->secreport);
    r = adopt_fixture_set(app);
    if (r == 0)
        r = am_persist_checkpoint(app);
    if (r < 0)
        snprintf(err, err_len, "the new fixture set is in force, but %s",
                 r == -ENOMEM ? "memory ran out capturing it" : "the state file failed");
    return r;
}

int am_app_reset_account(struct am_app *app, struct am_account *account, bool *ret_fast,
                         char *err, size_t err_len)
{
    struct am_clock start = am_registry_initial_clock(app->registry);
    int r = am_pristine_reset_account(app->pristine, account, &start, ret_fast, err, err_len);

    if (r == 0)
        r = am_persist_checkpoint(app);
    return r;
}

int am_app_reset_all(struct am_app *app, bool *ret_fast, char *err, size_t err_len)
{
    struct am_clock start = am_registry_initial_clock(app->registry);
    bool all_fast = true;

    for (size_t i = 0; i < am_registry_count(app->registry); i++) {
        bool fast = false;
        int r = am_pristine_reset_account(app->pristine, am_registry_account_at(app->registry, i),
                                          &start, &fast, err, err_len);
        if (r < 0)
            return r;
        all_fast &= fast;
    }
    app->ids = am_pristine_ids(app->pristine);
    am_ratelimit_reset(app->ratelimit);
    am_secreport_clear(app->secreport);
    am_exchanges_reset_calls(app->exchanges);
    if (ret_fast)
        *ret_fast = all_fast;
    return am_persist_checkpoint(app);
}

bool am_app_idle_pending(const struct am_app *app)
{
    return (app->pristine && am_pristine_idle_pending(app->pristine)) ||
           am_persist_compacting(app->persist);
}

void am_app_idle(struct am_app *app)
{
    if (app->pristine)
        am_pristine_idle(app->pristine);
    am_persist_poll(app, false); /* a background compaction that ended while no one wrote */
}

bool am_app_commit_pending(const struct am_app *app)
{
    return am_persist_dirty(app->persist);
}

int am_app_commit(struct am_app *app)
{
    return am_persist_commit(app);
}

int am_app_commit_begin(struct am_app *app)
{
    return am_persist_commit_begin(app);
}

int am_app_commit_run(struct am_app *app)
{
    return am_persist_commit_run(app->persist);
}

int am_app_commit_end(struct am_app *app, int r)
{
    return am_persist_commit_end(app, r);
}

/* Below this many writers a batch waits for the idle loop: the fdatasync it would hide is
 * short next to the time they take to serve. */
#define COMMIT_EARLY_MIN_WRITERS 16

size_t am_app_commit_early_at(size_t released, size_t waiting)
{
    size_t writers = released + waiting;

    return writers < COMMIT_EARLY_MIN_WRITERS ? 0 : writers - writers / 4;
}

void am_app_commit_refuse(struct am_response *resp)
{
    bool slot = resp->outcome.release_slot;
    int method = resp->outcome.req_method;
    char account[sizeof(resp->outcome.account_id)];

    memcpy(account, resp->outcome.account_id, sizeof(account));
    am_response_finish(resp);
    am_response_error(resp, 503, "state_file_failed",
                      "A gravação no --state-file falhou; a operação não foi confirmada");
    resp->outcome.release_slot = slot;
    resp->outcome.req_method = method;
    memcpy(resp->outcome.account_id, account, sizeof(account));
}

int am_app_shutdown(struct am_app *app)
{
    int r = 0, r2;

    if (app->cfg->state_out) {
        cJSON *snap = am_state_export_public(app->registry, &app->ids, NULL);
        char *text = snap ? cJSON_Print(snap) : NULL;
        char why[600];

        cJSON_Delete(snap);
        /* 0600: a snapshot holds every object (and key hashes). */
        r = text ? am_atomic_write(app->cfg->state_out, NULL, text, strlen(text), 0600, why,
                                 sizeof(why))
                 : -ENOMEM;
        free(text);
        if (r < 0)
            am_log(AM_LOG_ERROR, "state_out", "what=write_failed error=\"%s\"",
                   r == -ENOMEM ? "out of memory" : why);
        else
            am_log(AM_LOG_INFO, "state_out", "path=%s accounts=%zu", app->cfg->state_out,
                   am_registry_count(app->registry));
    }
    r2 = am_persist_commit(app);
    if (r2 == 0)
        r2 = am_persist_checkpoint(app);
    if (app->persist)
        am_log(r2 < 0 ? AM_LOG_ERROR : AM_LOG_INFO, "state_file_closed",
               "path=%s syncs=%llu entries_total=%llu compacted=%s", am_persist_path(app->persist),
               (unsigned long long)am_persist_syncs(app->persist),
               (unsigned long long)am_persist_entries_total(app->persist), r2 < 0 ? "no" : "yes");
    return r < 0 ? r : r2;
}

struct am_app *am_app_new(const struct am_config *cfg, int64_t real_now, char *err,
                          size_t err_len)
{
    struct am_app *app = calloc(1, sizeof(*app));
    uint64_t seed = cfg->seed;

    am_public_url_set(cfg->public_url);
    if (!app)
        goto oom;
    app->cfg = cfg;
    app->audit = am_audit_new(cfg->alert_threshold, cfg->alert_window, 256);
    app->journal = am_journal_new(cfg->journal_size);
    app->secreport = am_secreport_new();
    if (!app->audit || !app->journal || !app->secreport)
        goto oom;
    if (!cfg->has_seed && am_random_bytes(&seed, sizeof(seed)) < 0) {
        snprintf(err, err_len, "random: the system RNG failed");
        goto fail;
    }
    am_ids_init(&app->ids, seed);
    am_ids_init(&app->request_ids, seed ^ 0x7265717565737473ULL);
    app->faults = am_fault_rules_new(seed ^ 0x6661756c74ULL);
    {
        struct am_ratelimit_config rl;
        am_ratelimit_config_defaults(&rl);
        rl.enabled = cfg->rate_limits;
        rl.quota = cfg->rl_quota;
        rl.window_s = cfg->rl_window;
        rl.max_concurrent_gets = cfg->rl_max_gets;
        app->ratelimit = am_ratelimit_new(&rl);
    }
    if (!app->faults || !app->ratelimit)
        goto oom;
    if (cfg->faults_file) {
        char why[400];
        if (am_fault_rules_load_file(app->faults, cfg->faults_file, why, sizeof(why)) < 0) {
            snprintf(err, err_len, "--faults: %s", why);
            goto fail;
        }
    }
    app->policy.environment = cfg->environment;
    app->policy.auto_accounts = cfg->auto_accounts;
    app->metrics.start_time = real_now;

    if (load_fixture_set(app, real_now, &app->registry, &app->exchanges, err, err_len) < 0)
        goto fail;
    if (adopt_fixture_set(app) < 0)
        goto oom;
    if (cfg->state_file) {
        int r = am_persist_open(app, cfg->state_file, real_now, err, err_len);
        if (r == -ENOMEM)
            goto oom;
        if (r < 0)
            goto fail;
    }
    app->fixtures_ready = true;
    return app;
oom:
    snprintf(err, err_len, "out of memory");
fail:
    am_app_free(app);
    return NULL;
}

void am_app_free(struct am_app *app)
{
    if (!app)
        return;
    am_registry_free(app->registry);
    am_audit_free(app->audit);
    am_journal_free(app->journal);
    am_fault_rules_free(app->faults);
    am_exchanges_free(app->exchanges);
    am_ratelimit_free(app->ratelimit);
    am_pristine_free(app->pristine);
    am_persist_free(app->persist);
    am_secreport_free(app->secreport);
    free(app->ca_pem);
    free(app);
}

static bool request_id_ok(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return n >= 1 && n <= 64;
}

const char *am_app_request_id(struct am_app *app, const struct am_request *req, char *out,
                              size_t out_len)
{
    const char *given = am_request_header(req, "X-Request-Id");
    char gen[17];

    if (given && request_id_ok(given)) {
        am_strbuf_copy(out, out_len, given);
        return out;
    }
    /* Request ids have their own stream: a probe must never shift the --seed object ids. */
    am_ids_request(&app->request_ids, gen);
    am_strbuf_copy(out, out_len, gen);
    return out;
}

static void set_redacted(struct am_response *resp, const char *redacted)
{
    free(resp->outcome.redacted_key);
    resp->outcome.redacted_key = redacted && *redacted ? strdup(redacted) : NULL;
}

/* Logs, counts and lists an authentication failure (audit trail, alert, incident). */
static void record_auth_failure(struct am_app *app, const struct am_request *req,
                                const struct am_auth_result *res, int64_t real_now)
{
    char ip[64];
    const char *reason = am_auth_outcome_name(res->outcome);

    am_log_quote(req->client_ip, ip, sizeof(ip));
    app->metrics.auth_failures[res->outcome]++;
    am_log(AM_LOG_WARN, "auth_failure", "reason=%s ip=%s key=%s account=%s req_id=%s", reason,
           ip, *res->redacted ? res->redacted : "-", res->account ? res->account->id : "-",
           req->request_id ? req->request_id : "-");
    if (res->outcome == AM_AUTH_WRONG_ENV) {
        const char *kind =
            app->policy.environment == AM_ENV_SANDBOX ? "production key on a sandbox server"
                                                      : "sandbox key on a production server";
        app->metrics.production_key_incidents++;
        am_audit_add_incident(app->audit, real_now, req->client_ip, res->redacted, reason);
        am_log(AM_LOG_WARN, "production_key_incident",
               "severity=high ip=%s key=%s what=\"%s: a real credential left its environment; "
               "rotate it in the Asaas panel\"",
               ip, res->redacted, kind);
    }
    if (am_audit_record_failure(app->audit, req->client_ip, real_now)) {
        app->metrics.alerts++;
        am_log(AM_LOG_WARN, "alert", "what=auth_failure_threshold ip=%s failures=%u window_s=%u",
               ip, am_audit_failures(app->audit, req->client_ip, real_now),
               app->cfg->alert_window);
    }
}

static int answer_auth_failure(const struct am_auth_result *res, struct am_response *resp)
{
    if (res->outcome == AM_AUTH_EMPTY_TOKEN) {
        /* What the real service answers (CloudFront): 401 and nothing else. */
        am_response_empty(resp, 401);
        return 0;
    }
    return am_response_error(resp, res->status, res->code, res->description);
}

static int dispatch_api(struct am_app *app, const struct am_route_match *m,
                        const struct am_request *req, struct am_ctx *ctx, struct am_response *resp)
{
    const char *id = m->n_params ? m->params[0] : NULL;

    (void)app;
    am_handler_fn handler = am_route_handler(m->route);

    if (handler) {
        int r = handler(ctx, id, req, resp);

        /* A write may have credited a split payment: pay its parts in the same step,
         * so replay and the live server agree (area accounts). */
        if (r == 0 && req->method != AM_METHOD_GET && req->method != AM_METHOD_HEAD)
            r = am_api_splits_after(ctx);
        return r;
    }
    return am_response_error(resp, 501, AM_ERR_NOT_IMPLEMENTED, AM_TXT_NOT_IMPLEMENTED);
}

bool am_app_route_implemented(int route)
{
    return route > 0 && route < _AM_ROUTE_MAX && am_route_handler((enum am_route)route) != NULL;
}

/* Strips "/v3/" or "/api/v3/" for the coverage catalogue; NULL for other paths. */
static const char *after_v3(const char *path)
{
    if (strncmp(path, "/v3/", 4) == 0)
        return path + 4;
    if (strncmp(path, "/api/v3/", 8) == 0)
        return path + 8;
    return NULL;
}

static int answer_unrouted(const struct am_route_match *m, struct am_response *resp)
{
    int r;

    if (m->path_known) {
        r = am_response_error(resp, 405, AM_ERR_METHOD, AM_TXT_METHOD);
        if (r == 0)
            r = am_response_set_header(resp, "Allow", m->allow);
        return r;
    }
    return am_response_error(resp, 404, AM_ERR_NOT_FOUND, AM_TXT_ROUTE_NOT_FOUND);
}

/* Sets what the fault f asks of the wire; returns true when the operation itself must
 * still run (latency, truncate, dribble, ambiguous: the state change commits). */
static bool apply_fault(const struct am_fault *f, struct am_response *resp, int *ret)
{
    *ret = 0;
    resp->outcome.fault = am_fault_kind_name(f->kind);
    switch (f->kind) {
    case AM_FAULT_LATENCY:
        resp->outcome.delay_ms = f->delay_ms;
        return true;
    case AM_FAULT_STATUS:
        *ret = am_fault_status_response(f, resp);
        return false;
    /* No HTTP answer leaves: status 0 in the journal and the access log says so. */
    case AM_FAULT_EMPTY:
        resp->outcome.wire = AM_WIRE_EMPTY_CLOSE;
        resp->status = 0;
        return false;
    case AM_FAULT_RESET:
        resp->outcome.wire = AM_WIRE_RESET;
        resp->status = 0;
        return false;
    case AM_FAULT_GARBAGE:
        resp->outcome.wire = AM_WIRE_GARBAGE;
        resp->status = 0;
        return false;
    case AM_FAULT_MALFORMED_JSON:
        *ret = am_response_text(resp, 200, "application/json", AM_FAULT_MALFORMED_JSON_BODY,
                                strlen(AM_FAULT_MALFORMED_JSON_BODY));
        return false;
    case AM_FAULT_TRUNCATE:
        resp->outcome.wire = AM_WIRE_TRUNCATE;
        resp->outcome.truncate_bytes = f->bytes;
        return true;
    case AM_FAULT_DRIBBLE:
        resp->outcome.wire = AM_WIRE_DRIBBLE;
        resp->outcome.dribble_bps = f->bps;
        return true;
    case AM_FAULT_BLACKHOLE:
        resp->outcome.wire = AM_WIRE_BLACKHOLE;
        resp->outcome.hold_ms = f->ms;
        resp->status = 0;
        return false;
    case AM_FAULT_AMBIGUOUS:
        resp->outcome.wire = AM_WIRE_RESET;
        return true;
    default:
        resp->outcome.fault = NULL;
        return true;
    }
}

/* An authenticated, routed /v3 request: rate limits, faults, then the operation. */
static int run_api(struct am_app *app, const struct am_route_match *m,
                   const struct am_request *req, struct am_ctx *ctx, struct am_response *resp)
{
    struct am_ratelimit_result rl;
    struct am_fault fault;
    const char *header = app->cfg->fault_header ? am_request_header(req, "X-Mock-Fault") : NULL;
    char rule_id[AM_FAULT_ID_MAX];
    bool fired = false, run = true, checkpoint = false;
    int r;

    struct am_ids before = *ctx->ids;
    int64_t jobs_day = am_recurring_jobs_day(ctx->account->recurring);

    /* A real-time clock crosses midnights too: run the days' jobs (overdue, settlement,
     * subscription charges) that passed since this account's last request. */
    r = am_jobs_catch_up(ctx->account, ctx->ids, ctx->now, NULL);
    if (r < 0)
        return r;
    if (app->persist && am_recurring_jobs_day(ctx->account->recurring) != jobs_day) {
        r = am_persist_note_jobs(app->persist, ctx->account->id, ctx->now, &before);
        if (r < 0)
            return r;
        /* Even a GET: what it shows (charges the day generated) must survive a crash. */
        resp->outcome.durable = true;
    }

    r = am_ratelimit_check(app->ratelimit, ctx->account->id, (enum am_route)m->route, req->method,
                           ctx->now, &rl);
    if (r < 0 && r != -ENOMEM)
        return r;
    if (!rl.allowed) {
        app->metrics.rate_limited[rl.hit & 3]++;
        resp->outcome.fault = "rate-limit";
        return am_ratelimit_respond(&rl, resp);
    }
    resp->outcome.release_slot = rl.release;
    resp->outcome.req_method = req->method;

    rule_id[0] = '\0';
    if (header) {
        char err[160];
        if (am_fault_parse_header(header, &fault, err, sizeof(err)) < 0) {
            am_key_scrub(err); /* the message quotes the header; never a whole key */
            r = am_response_error(resp, 400, AM_ERR_FAULT_HEADER, err);
            goto headers;
        }
        am_faults_resolve(app->faults, &fault);
        fired = true;
    } else if (am_fault_rules_count(app->faults) > 0) {
        struct am_fault_request fin = {
            .method = req->method,
            .path = req->path,
            .route = (enum am_route)m->route,
            .account_id = ctx->account->id,
            .req = req,
            .body = req->body,
            .body_len = req->body_len,
        };
        fired = am_faults_decide(app->faults, &fin, &fault, rule_id) == 1;
    }
    if (fired) {
        app->metrics.faults_fired[fault.kind & 15]++;
        run = apply_fault(&fault, resp, &r);
        snprintf(resp->outcome.fault_rule, sizeof(resp->outcome.fault_rule), "%s", rule_id);
        if (r < 0)
            return r;
    }
    if (run) {
        before = *ctx->ids;
        r = dispatch_api(app, m, req, ctx, resp);
        /* An operation that minted an API key (a subaccount, its keys) cannot be
         * replayed: the key is random and must not reach the file. It is made durable
         * as a checkpoint (the state with the key's SHA-256 only) once it has run. */
        if (app->persist && r == 0 && resp->status < 300 && am_route_mints_key(m->route))
            checkpoint = true;
        /* Reads change nothing; any other operation that ran is logged, whatever it
         * answered, so replay walks exactly the same path. */
        else if (app->persist && req->method != AM_METHOD_GET && req->method != AM_METHOD_HEAD) {
            int pr = am_persist_note_api(app->persist, ctx->account->id, ctx->now, &before, req,
                                             r == 0 ? resp : NULL);
            if (pr < 0)
                return pr;
            resp->outcome.durable = true;
        }
    }
headers:
    /* Whatever ran (the days' jobs included) may have emitted events: queue them now, so
     * a state-file replay rebuilds the queues exactly. */
    if (r == 0)
        r = ctx->others_changed ? am_pump_feed_all(app->registry) : am_pump_feed(ctx->account);
    /* An injected status answer carries its own RateLimit-* and Retry-After (a 429 says
     * Remaining 0): the real limiter must not overwrite them. */
    if (r == 0 && !(fired && fault.kind == AM_FAULT_STATUS))
        r = am_ratelimit_set_headers(&rl, resp);
    if (r == 0 && checkpoint) {
        r = am_persist_checkpoint(app);
        resp->outcome.durable = true;
    }
    return r;
}

int am_app_call(struct am_app *app, struct am_account *account, const struct am_request *req,
                int64_t real_now, struct am_response *resp)
{
    struct am_route_match m;
    struct am_query query;
    struct am_ctx ctx = {0};
    int r;

    am_router_match(req->method, req->path, &m);
    resp->outcome.route = m.route;
    if (m.scope != AM_SCOPE_API || m.route == AM_ROUTE_NONE)
        return answer_unrouted(&m, resp);
    r = am_query_parse(req->query, &query);
    if (r < 0)
        return r;
    ctx.account = account;
    ctx.now = am_clock_now(&account->clock, real_now);
    ctx.ids = &app->ids;
    ctx.query = &query;
    ctx.registry = account->registry;
    ctx.env = app->policy.environment;
    r = am_jobs_catch_up(account, &app->ids, ctx.now, NULL);
    if (r == 0)
        r = dispatch_api(app, &m, req, &ctx, resp);
    if (r == 0)
        r = am_pump_feed(account);
    am_query_finish(&query);
    return r;
}

int am_app_act(struct am_app *app, struct am_account *account, const struct am_request *req,
               int64_t real_now, struct am_response *resp)
{
    struct am_ids before = app->ids;
    int r = am_app_call(app, account, req, real_now, resp);

    if (r == 0 && app->persist && req->method != AM_METHOD_GET && req->method != AM_METHOD_HEAD) {
        r = am_persist_note_api(app->persist, account->id, am_clock_now(&account->clock, real_now),
                                &before, req, resp);
        resp->outcome.durable = true;
    }
    return r;
}

int am_app_replay(struct am_app *app, struct am_account *account, struct am_ids *ids,
                  const struct am_request *req, int64_t now, struct am_response *resp)
{
    struct am_route_match m;
    struct am_query query;
    struct am_ctx ctx = {0};
    int r;

    am_router_match(req->method, req->path, &m);
    resp->outcome.route = m.route;
    if (m.scope != AM_SCOPE_API || m.route == AM_ROUTE_NONE)
        return answer_unrouted(&m, resp);
    r = am_query_parse(req->query, &query);
    if (r == -E2BIG)
        return am_response_error(resp, 400, "invalid_query", "query too large");
    if (r < 0)
        return r;
    ctx.account = account;
    ctx.now = now;
    ctx.ids = ids;
    ctx.query = &query;
    ctx.registry = account->registry;
    ctx.env = app->policy.environment;
    r = am_jobs_catch_up(account, ids, now, NULL);
    if (r == 0)
        r = dispatch_api(app, &m, req, &ctx, resp);
    if (r == 0)
        r = am_pump_feed(account);
    am_query_finish(&query);
    return r;
}

/* Control operations that change state other than through the log (persist.h): the
 * state file takes a checkpoint after each that succeeded. Reset, reload and state
 * imports checkpoint themselves. */
static bool control_changes_state(int route)
{
    switch (route) {
    case AM_ROUTE_CTL_ACCOUNTS_CREATE:
    case AM_ROUTE_CTL_ACCOUNT_UPDATE:
    case AM_ROUTE_CTL_KEYS_CREATE:
    case AM_ROUTE_CTL_KEY_UPDATE:
    case AM_ROUTE_CTL_KEY_DELETE:
    case AM_ROUTE_CTL_KEY_DISABLE:
    case AM_ROUTE_CTL_KEY_ENABLE:
    case AM_ROUTE_CTL_CLOCK_SET:
    case AM_ROUTE_CTL_CLOCK_ADVANCE:
        return true;
    default:
        return false;
    }
}

/* Bookkeeping for an account --auto-accounts just made. Returns 1 after answering 503
 * (the --state-file checkpoint failed), else 0. */
static int auto_account_created(struct am_app *app, const struct am_auth_result *res,
                                struct am_response *resp)
{
    /* A new account and key: state the log cannot rebuild, so checkpoint. */
    if (app->persist && am_persist_checkpoint(app) < 0) {
        am_response_error(resp, 503, "state_file_failed", "O --state-file não pôde ser gravado");
        return 1;
    }
    app->metrics.accounts_auto_created++;
    am_log(AM_LOG_INFO, "account_created", "account=%s key=%s reason=auto-accounts",
           res->account->id, res->redacted);
    return 0;
}

/* GET /__mock/whoami with access_token: the key's account id (creating it first under
 * --auto-accounts, so a suite can reset or configure its account before its first API
 * call). Only the key's redacted form is ever answered. */
static int whoami(struct am_app *app, const struct am_request *req, int64_t real_now,
                  struct am_response *resp)
{
    struct am_auth_result res;
    const struct am_api_key *k;
    char when[20];
    cJSON *o, *key;
    int r = am_auth_identify(app->registry, &app->policy, am_request_header(req, "access_token"),
                             real_now, &res);

    if (r < 0)
        return r;
    set_redacted(resp, res.redacted);
    resp->outcome.auth_result = am_auth_outcome_name(res.outcome);
    if (res.account_created && auto_account_created(app, &res, resp))
        return 0;
    switch (res.outcome) {
    case AM_AUTH_OK:
        break;
    case AM_AUTH_EMPTY_TOKEN:
        return am_response_error(resp, 400, "empty_token",
                                 "O cabeçalho access_token está vazio (uma chave $aact_… "
                                 "expandida pelo shell?)");
    case AM_AUTH_UNKNOWN_KEY:
        return am_response_error(resp, 404, "unknown_key",
                                 app->policy.auto_accounts
                                     ? "Chave não registrada (limite de contas automáticas "
                                       "atingido ou chave excluída)"
                                     : "Chave não registrada em nenhuma conta (registre-a em "
                                       "POST /__mock/accounts/{id}/keys ou use --auto-accounts)");
    default:
        if (res.outcome == AM_AUTH_WRONG_ENV)
            record_auth_failure(app, req, &res, real_now);
        return am_response_error(resp, 400, res.code, res.description);
    }
    k = res.key;
    snprintf(resp->outcome.account_id, sizeof(resp->outcome.account_id), "%s", res.account->id);
    o = cJSON_CreateObject();
    key = cJSON_CreateObject();
    if (!o || !key) {
        cJSON_Delete(o);
        cJSON_Delete(key);
        return -ENOMEM;
    }
    cJSON_AddStringToObject(o, "object", "whoami");
    cJSON_AddStringToObject(o, "account", res.account->id);
    cJSON_AddBoolToObject(o, "autoCreated", res.account->auto_created);
    cJSON_AddBoolToObject(o, "created", res.account_created);
    cJSON_AddStringToObject(key, "id", k->id);
    cJSON_AddStringToObject(key, "name", k->name);
    cJSON_AddStringToObject(key, "display", k->display);
    cJSON_AddBoolToObject(key, "enabled", k->enabled);
    cJSON_AddBoolToObject(key, "expired", k->expires_at != 0 && k->expires_at <= real_now);
    cJSON_AddItemToObject(o, "key", key);
    am_clock_format_date(am_clock_now(&res.account->clock, real_now), when);
    cJSON_AddStringToObject(o, "today", when);
    return am_response_json(resp, 200, o);
}

static bool admin_allowed(struct am_app *app, const struct am_request *req,
                          const struct am_route_match *m)
{
    const char *token = app->cfg->admin_token;
    const char *given, *auth;
    size_t tlen;

    if (!token || m->route == AM_ROUTE_CTL_HEALTH || m->route == AM_ROUTE_CTL_CA_PEM)
        return true;
    tlen = strlen(token);
    given = am_request_header(req, "X-Mock-Admin-Token");
    auth = am_request_header(req, "Authorization");
    if (!given && auth && strncasecmp(auth, "Bearer ", 7) == 0)
        given = auth + 7;
    return given && strlen(given) == tlen && am_ct_equal(given, token, tlen);
}

static int handle(struct am_app *app, const struct am_request *req, int64_t real_now,
                  struct am_response *resp)
{
    struct am_route_match m;
    struct am_auth_policy policy = app->policy;
    struct am_auth_input in;
    struct am_auth_result res;
    struct am_query query;
    struct am_ctx ctx = {0};
    const char *bad_encoding;
    int r;

    am_router_match(req->method, req->path, &m);
    resp->outcome.route = m.route;

    if (req->headers_overflow)
        return am_response_error(resp, 431, "request_header_fields_too_large",
                                 "A requisição tem cabeçalhos demais");
    /* Once, for every handler: nothing stored may make a later answer unreadable. */
    bad_encoding = am_request_encoding_error(req);
    if (bad_encoding)
        return *bad_encoding ? am_response_error(resp, 400, AM_ERR_ENCODING, bad_encoding)
                             : -ENOMEM;

    /* The dashboard's shell carries no data: its script asks the control API, with the
     * token, for everything it shows. */
    if (m.scope == AM_SCOPE_CONTROL && am_pages_is_dashboard(req->path))
        return am_pages_handle(app, req, real_now, resp);
    if (m.scope == AM_SCOPE_CONTROL) {
        if (!admin_allowed(app, req, &m))
            return am_response_error(resp, 401, "invalid_admin_token",
                                     "O controle /__mock/ exige o cabeçalho X-Mock-Admin-Token "
                                     "com o token de ASAAS_MOCK_ADMIN_TOKEN");
        if (m.route == AM_ROUTE_NONE)
            return answer_unrouted(&m, resp);
        if (m.route == AM_ROUTE_CTL_WHOAMI)
            return whoami(app, req, real_now, resp);
        r = am_control_handle(app, &m, req, real_now, resp);
        /* Clock moves run jobs, key changes emit ACCESS_TOKEN_*: queue those events
         * before the checkpoint below records the state. */
        if (r == 0)
            r = am_pump_feed_all(app->registry);
        /* Whatever it answered: a refused clock move may still have run the days up to
         * the old clock, and nothing else would record that. */
        if (r == 0 && app->persist && control_changes_state(m.route) &&
            am_persist_checkpoint(app) < 0) {
            am_response_finish(resp);
            return am_response_error(resp, 503, "state_file_failed",
                                     "A alteração foi aplicada, mas o --state-file não pôde "
                                     "ser gravado");
        }
        return r;
    }
    if (m.scope == AM_SCOPE_NONE)
        return am_pages_handle(app, req, real_now, resp); /* the payer's pages, else 404 */

    /* CloudFront refuses a GET with a body before the API sees the request. */
    if (req->method == AM_METHOD_GET && req->body_len > 0)
        return am_response_error(resp, 403, AM_ERR_GET_WITH_BODY, AM_TXT_GET_WITH_BODY);

    in.access_token = am_request_header(req, "access_token");
    in.user_agent = am_request_header(req, "User-Agent");
    in.client_ip = req->client_ip;
    in.now = real_now;
    r = am_auth_check(app->registry, &policy, &in, &res);
    if (r < 0)
        return r;
    set_redacted(resp, res.redacted);
    resp->outcome.auth_result = am_auth_outcome_name(res.outcome);
    am_strbuf_copy(resp->outcome.account_id, sizeof(resp->outcome.account_id),
               res.account ? res.account->id : "");
    if (res.account_created && auto_account_created(app, &res, resp))
        return 0;
    if (res.outcome != AM_AUTH_OK) {
        record_auth_failure(app, req, &res, real_now);
        return answer_auth_failure(&res, resp);
    }
    /* Precedence: a matching recorded exchange answers first (authentication still
     * applies), otherwise the stateful emulation does. */
    if (app->exchanges) {
        uint32_t delay = 0;
        r = am_exchanges_match(app->exchanges, req, res.account->id,
                               am_clock_now(&res.account->clock, real_now), &app->ids, resp,
                               &delay);
        if (r < 0)
            return r;
        if (r == 1) {
            resp->outcome.delay_ms = delay;
            resp->outcome.fault = NULL;
            snprintf(resp->outcome.exchange, sizeof(resp->outcome.exchange), "%s",
                     am_exchanges_last_id(app->exchanges));
            return 0;
        }
    }
    if (m.route == AM_ROUTE_NONE) {
        const struct am_coverage_op *op = NULL;
        const char *rest = after_v3(req->path);
        /* A real Asaas operation we do not emulate: say so, never invent data. A path too
         * long for the router (an id of 1,000+ characters) names no resource: 404. */
        if (!m.path_known && rest && strlen(rest) < AM_ROUTE_MAX_PATH &&
            am_coverage_match(req->method, rest, &op) == 0)
            return am_response_error(resp, 501, AM_ERR_NOT_IMPLEMENTED, AM_TXT_NOT_IMPLEMENTED);
        return answer_unrouted(&m, resp);
    }

    r = am_query_parse(req->query, &query);
    if (r == -E2BIG)
        return am_response_error(resp, 400, "invalid_query",
                                 "A query string excede o limite de parâmetros ou de tamanho");
    if (r < 0)
        return r;
    ctx.account = res.account;
    ctx.now = am_clock_now(&res.account->clock, real_now);
    ctx.ids = &app->ids;
    ctx.query = &query;
    ctx.registry = res.account->registry;
    ctx.env = app->policy.environment;
    ctx.registry = res.account->registry;
    ctx.registry = res.account->registry;
    r = run_api(app, &m, req, &ctx, resp);
    if (query.n) /* nothing to free otherwise (most requests have no query) */
        am_query_finish(&query);
    return r;
}

/* The base of the URLs this request's answers carry (public_url.h): --public-url, else
 * the address the client used (its Host header, over TLS or not), else Asaas's. */
static void set_public_url(const struct am_app *app, const struct am_request *req)
{
    const char *host = am_request_header(req, "Host");
    char base[AM_PUBLIC_URL_MAX];

    if (app->cfg->public_url || !host || am_public_url_from_host(req->tls, host, base) < 0)
        am_public_url_set(app->cfg->public_url);
    else
        am_public_url_set(base);
}

void am_app_handle(struct am_app *app, const struct am_request *req, int64_t real_now,
                   struct am_response *resp)
{
    int r;

    am_response_init(resp);
    set_public_url(app, req);
    r = handle(app, req, real_now, resp);
    if (r < 0) {
        char path[128], quoted[160];
        snprintf(path, sizeof(path), "%s", req->path);
        am_key_scrub(path);
        am_log(AM_LOG_ERROR, "handler_failed", "errno=%d path=%s req_id=%s", -r,
               am_log_quote(path, quoted, sizeof(quoted)), req->request_id ? req->request_id : "-");
        free(resp->body);
        resp->body = NULL;
        resp->body_len = 0;
        if (am_response_error(resp, 500, "internal_error", "Erro interno do asaas-mock") < 0)
            am_response_empty(resp, 500);
    }
    /* Outside a request (replay, jobs at idle) objects render with the configured base. */
    am_public_url_set(app->cfg->public_url);
}

void am_app_complete(struct am_app *app, const struct am_request *req,
                     const struct am_response *resp, int64_t now_ms, uint64_t duration_us)
{
    const struct am_outcome *o = &resp->outcome;
    struct am_journal_entry e;
    struct am_logline line;
    char path[300], ip[64];
    size_t n;

    am_metrics_count_request(&app->metrics, resp->status, (enum am_route)o->route);
    /* Probes would drown the journal and log; they are still counted. */
    if (o->route == AM_ROUTE_CTL_HEALTH)
        return;
    memset(&e, 0, sizeof(e));
    am_strbuf_copy(e.request_id, sizeof(e.request_id), req->request_id ? req->request_id : "");
    e.time_ms = now_ms;
    am_strbuf_copy(e.method, sizeof(e.method), am_method_name(req->method));
    /* path + "?" + query, truncated to the field */
    am_strbuf_copy(e.path, sizeof(e.path), req->path);
    n = strlen(e.path);
    if (req->query && n < sizeof(e.path) - 1) {
        e.path[n++] = '?';
        am_strbuf_copy(e.path + n, sizeof(e.path) - n, req->query);
    }
    /* Decode first: "%24aact%5Fhmlg%5F..." must be scrubbed like the plain key. */
    if (strchr(e.path, '%'))
        am_ascii_percent_decode(e.path);
    am_utf8_scrub(e.path); /* a refused request is journalled too: keep the journal JSON */
    am_key_scrub(e.path);
    e.status = resp->status;
    am_strbuf_copy(e.client_ip, sizeof(e.client_ip), req->client_ip);
    am_strbuf_copy(e.account, sizeof(e.account), o->account_id);
    am_strbuf_copy(e.auth, sizeof(e.auth), o->auth_result ? o->auth_result : "");
    am_strbuf_copy(e.key, sizeof(e.key), o->redacted_key ? o->redacted_key : "");
    am_strbuf_copy(e.route, sizeof(e.route), am_route_name((enum am_route)o->route));
    am_strbuf_copy(e.fault, sizeof(e.fault), o->fault ? o->fault : "");
    am_strbuf_copy(e.fault_rule, sizeof(e.fault_rule), o->fault_rule);
    am_strbuf_copy(e.exchange, sizeof(e.exchange), o->exchange);
    e.duration_us = duration_us;
    e.bytes = resp->body_len;
    am_journal_add(app->journal, &e);
    am_security_observe(app, req, resp, now_ms);

    /* The access log, built with memcpy: one line per request. */
    if (!am_logline_begin(&line, AM_LOG_INFO, "request"))
        return;
    am_logline_str(&line, "req_id", e.request_id);
    am_logline_str(&line, "ip", am_log_quote(req->client_ip, ip, sizeof(ip)));
    am_logline_str(&line, "method", e.method);
    am_logline_str(&line, "path", am_log_quote(e.path, path, sizeof(path)));
    am_logline_int(&line, "status", resp->status);
    am_logline_u64(&line, "bytes", resp->body_len);
    am_logline_u64(&line, "dur_us", duration_us);
    am_logline_u64(&line, "delay_ms", o->delay_ms);
    am_logline_str(&line, "op", e.route);
    am_logline_str(&line, "account", *e.account ? e.account : "-");
    am_logline_str(&line, "auth", *e.auth ? e.auth : "-");
    am_logline_str(&line, "key", *e.key ? e.key : "-");
    am_logline_str(&line, "fault", *e.fault ? e.fault : "-");
    am_logline_str(&line, "exchange", *e.exchange ? e.exchange : "-");
    am_logline_end(&line);
}

void am_app_release(struct am_app *app, struct am_response *resp)
{
    struct am_outcome *o = &resp->outcome;

    if (o->release_slot && o->account_id[0])
        am_ratelimit_release(app->ratelimit, o->account_id, (enum am_method)o->req_method);
    o->release_slot = false;
}

int am_app_decide_connection(struct am_app *app, struct am_fault *ret)
{
    char rule_id[AM_FAULT_ID_MAX];

    if (am_fault_rules_count(app->faults) == 0 ||
        am_faults_decide_connection(app->faults, ret, rule_id) != 1)
        return 0;
    app->metrics.faults_fired[ret->kind & 15]++;
    am_log(AM_LOG_INFO, "fault", "kind=%s rule=%s scope=connection", am_fault_kind_name(ret->kind),
           rule_id);
    return 1;
}

/* ---- accessors (app_iface.h, app.h) ------------------------------------------------ */

const struct am_config *am_app_config(const struct am_app *app)
{
    return app->cfg;
}

struct am_registry *am_app_registry(const struct am_app *app)
{
    return app->registry;
}

struct am_ids *am_app_ids(struct am_app *app)
{
    return &app->ids;
}

struct am_audit *am_app_audit(const struct am_app *app)
{
    return app->audit;
}

struct am_journal *am_app_journal(const struct am_app *app)
{
    return app->journal;
}

struct am_metrics *am_app_metrics(struct am_app *app)
{
    return &app->metrics;
}

struct am_pump_stats *am_app_webhook_stats(struct am_app *app)
{
    return &app->webhook_stats;
}

struct am_secreport *am_app_secreport(const struct am_app *app)
{
    return app->secreport;
}

struct am_fault_rules *am_app_faults(const struct am_app *app)
{
    return app->faults;
}

struct am_ratelimit *am_app_ratelimit(const struct am_app *app)
{
    return app->ratelimit;
}

struct am_exchange_set *am_app_exchanges(const struct am_app *app)
{
    return app->exchanges;
}

struct am_persist *am_app_persist(const struct am_app *app)
{
    return app->persist;
}

enum am_environment am_app_environment(const struct am_app *app)
{
    return app->policy.environment;
}

const char *am_app_ca_pem(const struct am_app *app)
{
    return app->ca_pem;
}

bool am_app_tls_ready(const struct am_app *app)
{
    return app->tls_ready;
}

bool am_app_fixtures_ready(const struct am_app *app)
{
    return app->fixtures_ready;
}

void am_app_adopt_state(struct am_app *app, struct am_registry *reg, const struct am_ids *ids)
{
    if (reg != app->registry) {
        am_registry_free(app->registry);
        app->registry = reg;
    }
    app->ids = *ids;
}

void am_app_set_persist(struct am_app *app, struct am_persist *p)
{
    app->persist = p;
}

void am_app_set_certificate(struct am_app *app, char *ca_pem, const char *fingerprint)
{
    free(app->ca_pem);
    app->ca_pem = ca_pem;
    snprintf(app->fingerprint, sizeof(app->fingerprint), "%s", fingerprint ? fingerprint : "");
}

const char *am_app_fingerprint(const struct am_app *app)
{
    return app->fingerprint;
}

void am_app_set_tls_ready(struct am_app *app, bool ready)
{
    app->tls_ready = ready;
}

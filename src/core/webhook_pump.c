/* webhook_pump.c - queues to transport and back (see webhook_pump.h). */
#include "webhook_pump.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_iface.h"
#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "faults.h"
#include "journal.h"
#include "keys.h"
#include "log.h"
#include "persist.h"
#include "security.h"
#include "strbuf.h"

static const char *const failure_names[_AM_PUMP_FAIL_MAX] = {"status", "timeout", "connect",
                                                             "tls", "other"};

/* Bounded copy; long values are cut (ids and names here always fit). */
static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = 0;

    for (; n + 1 < cap && src[n]; n++)
        dst[n] = src[n];
    dst[n] = '\0';
}

int am_pump_feed(struct am_account *a)
{
    if (!a->webhooks)
        return 0; /* an account built by hand (tests) has no webhook store */
    /* Cheap when nothing happened: one comparison per account. */
    if (am_webhooks_cursor(a->webhooks) == am_billing_events_last_seq(a->billing))
        return 0;
    if (am_webhooks_count(a->webhooks) == 0) {
        am_webhooks_set_cursor(a->webhooks, am_billing_events_last_seq(a->billing));
        return 0;
    }
    int r = am_webhooks_feed(a->webhooks, a->billing, a->id, NULL);
    return r < 0 ? r : 0;
}

int am_pump_feed_all(struct am_registry *reg)
{
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        int r = am_pump_feed(am_registry_account_at(reg, i));
        if (r < 0)
            return r;
    }
    return 0;
}

void am_pump_job_clear(struct am_pump_job *job)
{
    free(job->body);
    explicit_bzero(job->token, sizeof(job->token));
    memset(job, 0, sizeof(*job));
}

static int fill_job(struct am_pump_job *job, const struct am_account *a,
                    const struct am_webhook_send *s, int64_t started_ms)
{
    memset(job, 0, sizeof(*job));
    job->body = malloc(s->body_len + 1);
    if (!job->body)
        return -ENOMEM;
    memcpy(job->body, s->body, s->body_len);
    job->body[s->body_len] = '\0';
    job->body_len = s->body_len;
    copy(job->account_id, sizeof(job->account_id), a->id);
    copy(job->config_id, sizeof(job->config_id), s->config_id);
    job->item_id = s->item_id;
    copy(job->url_text, sizeof(job->url_text), s->url);
    if (am_webhook_url_parse(s->url, &job->url) < 0)
        job->url.host[0] = '\0'; /* validated on save: cannot happen; fails as "bad url" */
    if (s->auth_token)
        copy(job->token, sizeof(job->token), s->auth_token);
    copy(job->event_id, sizeof(job->event_id), s->event_id);
    copy(job->event, sizeof(job->event), s->event);
    job->attempt = s->attempt;
    job->started_ms = started_ms;
    return 0;
}

/* The account's clock in ms at real_now_ms. */
static int64_t account_ms(const struct am_account *a, int64_t real_now_ms)
{
    return am_clock_now(&a->clock, real_now_ms / 1000) * 1000 + real_now_ms % 1000;
}

/* A webhook fault rule fired for job: note it (journal and metrics follow with the
 * attempt) and set what the transport must do. */
static void apply_fault(struct am_app *app, struct am_pump_job *job, const struct am_fault *f,
                        const char *rule_id)
{
    copy(job->fault, sizeof(job->fault), am_fault_kind_name(f->kind));
    copy(job->fault_rule, sizeof(job->fault_rule), rule_id);
    am_app_webhook_stats(app)->faults[(f->kind - AM_FAULT_WH_DUPLICATE) & 7]++;
    switch (f->kind) {
    case AM_FAULT_WH_DUPLICATE:
        job->copies = f->copies;
        break;
    case AM_FAULT_WH_REORDER:
        job->hold = f->window;
        break;
    case AM_FAULT_WH_BURST:
        job->hold = f->size;
        job->burst = true;
        break;
    case AM_FAULT_WH_DELAY:
        job->delay_ms = f->delay_ms;
        break;
    case AM_FAULT_WH_DROP:
        job->drop = true;
        break;
    case AM_FAULT_WH_CORRUPT_TOKEN:
        explicit_bzero(job->token, sizeof(job->token));
        if (!f->missing)
            copy(job->token, sizeof(job->token), AM_WEBHOOK_CORRUPT_TOKEN);
        break;
    default:
        break;
    }
    am_log(AM_LOG_INFO, "fault", "kind=%s rule=%s scope=webhook account=%s event=%s event_id=%s",
           job->fault, rule_id, job->account_id, job->event, job->event_id);
}

size_t am_pump_take(struct am_app *app, int64_t real_now_ms, struct am_pump_job *jobs,
                    size_t max)
{
    struct am_webhook_send sends[32];
    size_t n = 0;

    for (size_t i = 0; i < am_registry_count(am_app_registry(app)) && n < max; i++) {
        struct am_account *a = am_registry_account_at(am_app_registry(app), i);
        int64_t now;
        size_t got;

        if (am_webhooks_count(a->webhooks) == 0)
            continue;
        if (am_pump_feed(a) < 0)
            continue; /* out of memory: the cursor stays, the next pass retries */
        now = am_clock_now(&a->clock, real_now_ms / 1000);
        am_app_webhook_stats(app)->dropped_events += am_webhooks_expire(a->webhooks, now);
        got = am_webhooks_due(a->webhooks, now, sends,
                              max - n < 32 ? max - n : 32);
        for (size_t k = 0; k < got; k++) {
            struct am_fault f;
            char rule_id[AM_FAULT_ID_MAX];

            if (fill_job(&jobs[n], a, &sends[k], account_ms(a, real_now_ms)) < 0) {
                am_webhooks_unflight(a->webhooks, sends[k].config_id, sends[k].item_id);
                continue;
            }
            if (am_fault_rules_count(am_app_faults(app)) > 0 &&
                am_faults_decide_webhook(am_app_faults(app), a->id, jobs[n].event, &f, rule_id) == 1)
                apply_fault(app, &jobs[n], &f, rule_id);
            n++;
        }
    }
    return n;
}

void am_pump_hand_over(struct am_app *app, const struct am_pump_job *job)
{
    struct am_account *a = am_registry_find_account(am_app_registry(app), job->account_id);

    if (a)
        am_webhooks_report(a->webhooks, job->config_id, job->item_id, true,
                           am_clock_now(&a->clock, job->started_ms / 1000), NULL);
}

void am_pump_abandon(struct am_app *app, const struct am_pump_job *job)
{
    struct am_account *a = am_registry_find_account(am_app_registry(app), job->account_id);

    if (a)
        am_webhooks_unflight(a->webhooks, job->config_id, job->item_id);
}

/* First bytes of the answer, printable, with keys and the config's token masked. */
static void snippet(const struct am_pump_job *job, const char *answer, size_t len, char *out,
                    size_t out_len)
{
    size_t n = len < out_len - 1 ? len : out_len - 1;
    char *hit;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)answer[i];
        out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
    }
    out[n] = '\0';
    am_key_scrub(out);
    /* A receiver that echoes the token must not make the view print it (a search to
     * scrub, not an authentication decision: not-secret). */
    if (job->token[0] && (hit = strstr(out, job->token)) != NULL) /* not-secret: scrub */
        memset(hit, '*', strlen(job->token));
    else if (job->token[0] && strlen(job->token) > 8) {
        /* A cut-off echo at the end of the snippet. */
        for (size_t k = strlen(job->token) - 1; k >= 8; k--) {
            size_t ol = strlen(out);
            if (ol >= k && strncmp(out + ol - k, job->token, k) == 0) { /* not-secret: scrub */
                memset(out + ol - k, '*', k);
                break;
            }
        }
    }
}

static void journal(struct am_app *app, const struct am_pump_job *job, int64_t real_now_ms,
                    int status, const char *outcome, int64_t latency_ms)
{
    struct am_journal_entry e;

    memset(&e, 0, sizeof(e));
    copy(e.request_id, sizeof(e.request_id), job->event_id);
    e.time_ms = real_now_ms;
    snprintf(e.method, sizeof(e.method), "POST");
    copy(e.path, sizeof(e.path), job->url_text);
    am_key_scrub(e.path);
    e.status = status;
    copy(e.client_ip, sizeof(e.client_ip), "outbound");
    copy(e.account, sizeof(e.account), job->account_id);
    copy(e.auth, sizeof(e.auth), outcome);
    snprintf(e.route, sizeof(e.route), "webhook.%.31s", job->event);
    copy(e.fault, sizeof(e.fault), job->fault);
    copy(e.fault_rule, sizeof(e.fault_rule), job->fault_rule);
    e.duration_us = (uint64_t)(latency_ms > 0 ? latency_ms : 0) * 1000;
    e.bytes = job->body_len;
    am_journal_add(am_app_journal(app), &e);
}

void am_pump_done(struct am_app *app, const struct am_pump_job *job, int64_t real_now_ms,
                  int status, enum am_pump_failure why, const char *error, const char *answer,
                  size_t answer_len, int64_t latency_ms)
{
    struct am_account *a = am_registry_find_account(am_app_registry(app), job->account_id);
    struct am_webhook_attempt at;
    struct am_webhook_outcome o = {0};
    bool ok = status == 200 || job->drop;
    char q1[160], q2[200];

    am_app_webhook_stats(app)->attempts++;
    if (ok)
        am_app_webhook_stats(app)->successes++;
    else
        am_app_webhook_stats(app)->failures[(unsigned)why < _AM_PUMP_FAIL_MAX ? why : AM_PUMP_FAIL_OTHER]++;
    if (a)
        am_webhooks_report(a->webhooks, job->config_id, job->item_id, ok,
                           am_clock_now(&a->clock, real_now_ms / 1000), &o);

    memset(&at, 0, sizeof(at));
    copy(at.event_id, sizeof(at.event_id), job->event_id);
    copy(at.event, sizeof(at.event), job->event);
    copy(at.config_id, sizeof(at.config_id), job->config_id);
    copy(at.url, sizeof(at.url), job->url_text);
    am_key_scrub(at.url);
    at.attempt = job->attempt;
    at.started_ms = job->started_ms;
    at.latency_ms = latency_ms;
    at.status = status;
    at.ok = ok;
    snprintf(at.outcome, sizeof(at.outcome), "%s",
             job->drop ? "dropped" : ok ? "success" : "failure");
    if (!ok)
        copy(at.error, sizeof(at.error), error && *error ? error : failure_names[why]);
    copy(at.fault, sizeof(at.fault), job->fault);
    if (answer)
        snippet(job, answer, answer_len, at.snippet, sizeof(at.snippet));
    if (a)
        am_webhooks_log_attempt(a->webhooks, &at);
    journal(app, job, real_now_ms, status, at.outcome, latency_ms);
    am_security_webhook(app, job->account_id, job->config_id, job->url_text, job->fault,
                        job->token[0] != '\0', status, real_now_ms);
    am_log(ok ? AM_LOG_INFO : AM_LOG_WARN, "webhook",
           "account=%s config=%s event=%s event_id=%s attempt=%u status=%d outcome=%s "
           "error=%s latency_ms=%lld fault=%s url=%s",
           job->account_id, job->config_id, job->event, job->event_id, job->attempt, status,
           at.outcome, am_log_quote(at.error[0] ? at.error : "-", q1, sizeof(q1)),
           (long long)latency_ms, job->fault[0] ? job->fault : "-",
           am_log_quote(at.url, q2, sizeof(q2)));
    if (o.became_interrupted) {
        am_log(AM_LOG_WARN, "webhook_interrupted",
               "account=%s config=%s failures=%u (queue paused until PUT interrupted:false "
               "or removeBackoff)",
               job->account_id, job->config_id, o.penalty);
        /* Delivery outcomes are not in the request log, so a replay cannot rebuild the
         * pause: record it now (rare: once per 15 failures). */
        if (am_app_persist(app) && am_persist_checkpoint(app) < 0)
            am_log(AM_LOG_ERROR, "webhook_interrupted", "what=state_file_checkpoint_failed");
    }
}

int64_t am_pump_next_ms(struct am_app *app, int64_t real_now_ms)
{
    int64_t best = -1;

    for (size_t i = 0; i < am_registry_count(am_app_registry(app)); i++) {
        struct am_account *a = am_registry_account_at(am_app_registry(app), i);
        int64_t now, due, wait;

        if (am_webhooks_count(a->webhooks) == 0)
            continue;
        now = am_clock_now(&a->clock, real_now_ms / 1000);
        due = am_webhooks_next_due(a->webhooks, now);
        if (due == INT64_MAX)
            continue;
        if (due > now && a->clock.mode == AM_CLOCK_FROZEN)
            continue; /* only a clock move makes it due */
        wait = due <= now ? 0 : (due - now) * 1000 - real_now_ms % 1000;
        if (wait < 0)
            wait = 0;
        if (best < 0 || wait < best)
            best = wait;
    }
    return best;
}

static void line(struct am_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct am_strbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        am_strbuf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

char *am_pump_render_metrics(struct am_app *app)
{
    const struct am_pump_stats *s = am_app_webhook_stats(app);
    struct am_strbuf b = {0};
    size_t interrupted = 0;

    line(&b, "# HELP asaas_mock_webhook_attempts_total Outbound webhook attempts.\n"
             "# TYPE asaas_mock_webhook_attempts_total counter\n"
             "asaas_mock_webhook_attempts_total %" PRIu64 "\n"
             "# TYPE asaas_mock_webhook_successes_total counter\n"
             "asaas_mock_webhook_successes_total %" PRIu64 "\n"
             "# HELP asaas_mock_webhook_failures_total Failed attempts, by reason.\n"
             "# TYPE asaas_mock_webhook_failures_total counter\n",
         s->attempts, s->successes);
    for (int k = 0; k < _AM_PUMP_FAIL_MAX; k++)
        line(&b, "asaas_mock_webhook_failures_total{reason=\"%s\"} %" PRIu64 "\n",
             failure_names[k], s->failures[k]);
    line(&b, "# HELP asaas_mock_webhook_events_dropped_total Events dropped by the 14-day "
             "retention or the queue bound.\n"
             "# TYPE asaas_mock_webhook_events_dropped_total counter\n"
             "asaas_mock_webhook_events_dropped_total %" PRIu64 "\n"
             "# HELP asaas_mock_webhook_queue_depth Events waiting, per config.\n"
             "# TYPE asaas_mock_webhook_queue_depth gauge\n",
         s->dropped_events);
    for (size_t i = 0; i < am_registry_count(am_app_registry(app)); i++) {
        struct am_account *a = am_registry_account_at(am_app_registry(app), i);
        char acc[AM_ACCOUNT_ID_LEN];
        /* Label-safe account id. */
        for (size_t k = 0; k < sizeof(acc); k++) {
            char ch = a->id[k];
            acc[k] = !ch ? '\0'
                     : ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
                         ? ch
                         : '_';
            if (!ch)
                break;
        }
        for (size_t k = 0; k < am_webhooks_count(a->webhooks); k++) {
            const struct am_webhook_config *c = am_webhooks_at(a->webhooks, k);
            interrupted += c->interrupted;
            line(&b, "asaas_mock_webhook_queue_depth{account=\"%s\",config=\"%s\"} %zu\n",
                 acc, c->id, am_webhook_config_depth(c));
        }
    }
    line(&b, "# HELP asaas_mock_webhook_faults_total Webhook faults fired, by kind.\n"
             "# TYPE asaas_mock_webhook_faults_total counter\n");
    for (int k = AM_FAULT_WH_DUPLICATE; k <= AM_FAULT_WH_BURST; k++)
        line(&b, "asaas_mock_webhook_faults_total{kind=\"%s\"} %" PRIu64 "\n",
             am_fault_kind_name((enum am_fault_kind)k), s->faults[k - AM_FAULT_WH_DUPLICATE]);
    line(&b, "# HELP asaas_mock_webhook_interrupted_configs Configs paused after 15 failures.\n"
             "# TYPE asaas_mock_webhook_interrupted_configs gauge\n"
             "asaas_mock_webhook_interrupted_configs %zu\n",
         interrupted);
    return am_strbuf_take(&b);
}

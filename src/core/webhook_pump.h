/* webhook_pump.h - between the accounts' webhook queues and the transport (pure).
 *
 * The server's webhook client (net/webhook_client.c) asks this module for the sends due
 * now (am_pump_take), makes them, and reports each outcome (am_pump_done), which updates
 * the queue, the attempt log, the journal and the metrics. Events reach the queues from
 * the accounts' event logs (am_pump_feed*), after every request and control change.
 * A job owns copies of what it needs (the receiver may answer after the config changed);
 * its token copy is wiped by am_pump_job_clear(). */
#ifndef AM_WEBHOOK_PUMP_H
#define AM_WEBHOOK_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h" /* enum am_pump_failure, struct am_pump_stats */
#include "registry.h"
#include "webhooks.h"

struct am_app;

/* What a webhook fault asks of one send. */
enum am_pump_token_mode { AM_PUMP_TOKEN_AS_IS, AM_PUMP_TOKEN_WRONG, AM_PUMP_TOKEN_MISSING };

struct am_pump_job {
    char account_id[AM_ACCOUNT_ID_LEN];
    char config_id[37];
    uint64_t item_id;
    struct am_webhook_url url;
    char url_text[AM_WEBHOOK_URL_MAX];
    char token[AM_WEBHOOK_TOKEN_MAX + 1]; /* "" = no asaas-access-token header */
    char *body;                           /* owned */
    size_t body_len;
    char event_id[64];
    char event[64];
    unsigned attempt;
    int64_t started_ms; /* account clock, ms */
    /* Webhook faults decided at take time. */
    char fault[24];     /* kind name, "" = none */
    char fault_rule[64];
    bool drop;          /* count as sent without sending */
    unsigned delay_ms;  /* wait before sending */
    unsigned copies;    /* extra identical sends (duplicate) */
    unsigned hold;      /* reorder/burst: hold until this many are held (then release) */
    bool burst;         /* held ones leave at once (burst) or shuffled (reorder) */
};


/* Feeds one account's new events to its queues. Returns 0 or -ENOMEM. */
int am_pump_feed(struct am_account *a);
/* Every account. */
int am_pump_feed_all(struct am_registry *reg);

/* Takes up to max sends due at real_now_ms (each account on its own clock), feeding
 * first. jobs[i] must be zeroed or cleared; the caller clears each after am_pump_done.
 * Returns how many were written. */
size_t am_pump_take(struct am_app *app, int64_t real_now_ms, struct am_pump_job *jobs,
                    size_t max);

/* Reports the outcome of a job: status is the HTTP status (0 = none), error a short
 * reason ("" on an answer), answer the first bytes of the body (may be NULL; redacted
 * here). Only 200 is success. */
void am_pump_done(struct am_app *app, const struct am_pump_job *job, int64_t real_now_ms,
                  int status, enum am_pump_failure why, const char *error, const char *answer,
                  size_t answer_len, int64_t latency_ms);

/* The queue lets go of a job a reorder/burst fault holds (as if delivered: the fault,
 * not the receiver, now decides when it leaves). Its sends are still reported. */
void am_pump_hand_over(struct am_app *app, const struct am_pump_job *job);

/* Gives a job back untried (shutdown). */
void am_pump_abandon(struct am_app *app, const struct am_pump_job *job);

/* Milliseconds of real time until something may become due (0 = now), -1 = nothing
 * pending that time alone will make due. */
int64_t am_pump_next_ms(struct am_app *app, int64_t real_now_ms);

void am_pump_job_clear(struct am_pump_job *job);

/* Prometheus text for the webhook counters and per-config gauges (new string). */
char *am_pump_render_metrics(struct am_app *app);

#endif

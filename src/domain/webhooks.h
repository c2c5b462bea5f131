/* webhooks.h - webhook configs and their delivery queues (pure).
 *
 * One am_webhooks per account: at most 10 configs, each with its own queue of events
 * waiting to be POSTed. This module decides WHAT to send and WHEN (Asaas's §7.2
 * semantics: 15-step retry schedule, SEQUENTIALLY head-of-line blocking, parallel
 * NON_SEQUENTIALLY, interruption after 15 consecutive failures, 14-day retention);
 * net/webhook_client.c executes the sends and reports outcomes back. Time is the
 * account's clock, so advancing it makes due retries fire at once.
 *
 * Ownership: the set owns its configs, their strings (the authToken included: never
 * rendered, only hasAuthToken), queued envelopes and the attempt log. Pointers returned
 * by lookups stay valid until the config is deleted or the set freed. */
#ifndef AM_WEBHOOKS_H
#define AM_WEBHOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_billing;

#define AM_WEBHOOK_MAX_CONFIGS 10
#define AM_WEBHOOK_N_EVENTS 111
#define AM_WEBHOOK_MAX_ATTEMPTS 15
#define AM_WEBHOOK_RETENTION_SECONDS (14 * 86400)
/* NON_SEQUENTIALLY: deliveries of one config in flight at once (UNCONFIRMED bound). */
#define AM_WEBHOOK_PARALLEL 4
/* Events kept per config queue; beyond it the oldest is dropped (bounded memory). */
#define AM_WEBHOOK_QUEUE_MAX 50000
#define AM_WEBHOOK_TOKEN_MIN 32
#define AM_WEBHOOK_TOKEN_MAX 255
#define AM_WEBHOOK_URL_MAX 512
/* Attempts kept for GET /__mock/accounts/{id}/webhooks/deliveries (a ring). */
#define AM_WEBHOOK_LOG_KEEP 2000

enum am_webhook_send_type { AM_WEBHOOK_SEQUENTIALLY, AM_WEBHOOK_NON_SEQUENTIALLY };

/* One event waiting in one config's queue. */
struct am_webhook_item {
    uint64_t id;          /* handle of this queued delivery, unique in the set */
    uint64_t seq;         /* the event's seq in the account's log (0 = none) */
    char event_id[64];    /* "evt_<32 hex>&<n>": the same on every redelivery */
    char event[64];       /* PAYMENT_RECEIVED ... */
    int64_t created_at;   /* the event's instant: retention counts from it */
    char *body;           /* owned envelope JSON */
    size_t body_len;
    unsigned attempts;    /* made so far */
    bool in_flight;
    bool done;            /* delivered or dropped: skipped, compacted away later */
};

struct am_webhook_config {
    char id[37];
    char *name;
    char *url;
    char *email;
    bool enabled;
    bool interrupted;
    int api_version;
    char *auth_token;     /* owned, NULL = none; never rendered or logged */
    enum am_webhook_send_type send_type;
    unsigned penalty;     /* consecutive failures: penalizedRequestsCount */
    int64_t next_at;      /* no send before this instant while penalised */
    uint8_t events[(AM_WEBHOOK_N_EVENTS + 7) / 8];
    char legacy[24];      /* "" or the legacy single-config kind: "payment", "invoice",
                           * "mobilePhoneRecharge" (/v3/webhook[/kind]) */
    struct am_webhook_item *queue; /* FIFO: [head, n) live, done items skipped */
    size_t head, n, cap;
    size_t pending;       /* items not done */
    size_t in_flight;
};

/* A validation failure in Asaas's shape ({"errors":[{code, description}]}, 400). */
struct am_webhook_error {
    char code[64];
    char description[200];
};

/* One send the core asks the transport to make. Pointers borrow the set: valid until the
 * next call that changes it (copy what outlives the call). */
struct am_webhook_send {
    char config_id[37];
    uint64_t item_id;
    const char *url;
    const char *auth_token; /* NULL = no asaas-access-token header */
    const char *body;
    size_t body_len;
    const char *event_id;
    const char *event;
    unsigned attempt;       /* 1 = first */
};

/* What a reported outcome did. */
struct am_webhook_outcome {
    bool found;             /* the item still existed (config not deleted meanwhile) */
    bool became_interrupted;
    unsigned penalty;
    int64_t next_at;
};

/* One attempt, as the deliveries view shows it (pure data, no secrets). */
struct am_webhook_attempt {
    uint64_t n;             /* 1, 2, ... per set */
    char event_id[64];
    char event[64];
    char config_id[37];
    char url[AM_WEBHOOK_URL_MAX];
    unsigned attempt;
    int64_t started_ms;     /* account clock, milliseconds */
    int64_t latency_ms;
    int status;             /* HTTP status, 0 = none */
    bool ok;
    char outcome[16];       /* "success", "failure", "dropped" */
    char error[96];         /* "" or why it failed (timeout, connect, tls, status) */
    char fault[24];         /* webhook fault that acted on it, "" = none */
    char snippet[129];      /* start of the answer, redacted */
};

/* A parsed receiver URL. host is without brackets for IPv6 literals. */
struct am_webhook_url {
    bool https;
    char host[256];
    unsigned port;
    char path[AM_WEBHOOK_URL_MAX];
};

struct am_webhooks;

struct am_webhooks *am_webhooks_new(void);
void am_webhooks_free(struct am_webhooks *w);

/* ---- Event names ---- */
/* Index of an event name in Asaas's enum (0..110), -1 when unknown. */
int am_webhook_event_index(const char *name);
const char *am_webhook_event_name(int i);

/* Parses an http:// or https:// URL with a host (letters, digits, '.', '-', '_' or an
 * [IPv6] literal), optional port 1..65535 and path. Returns 0 or -EINVAL. */
int am_webhook_url_parse(const char *url, struct am_webhook_url *ret);

/* ---- Configs ---- */
size_t am_webhooks_count(const struct am_webhooks *w);
struct am_webhook_config *am_webhooks_at(struct am_webhooks *w, size_t i);
struct am_webhook_config *am_webhooks_find(struct am_webhooks *w, const char *id);

/* Creates a config from a POST body with the given id (UUID). Returns 0 (*ret set),
 * 1 with err filled on a validation failure (nothing changed), or -ENOMEM. */
int am_webhooks_create(struct am_webhooks *w, const struct cJSON *body, const char *id,
                       struct am_webhook_error *err, struct am_webhook_config **ret);
/* Applies a PUT body (every field optional). "interrupted": false resumes the queue
 * (penalty cleared). Returns 0, 1 with err (nothing changed) or -ENOMEM. */
int am_webhooks_update(struct am_webhooks *w, struct am_webhook_config *c,
                       const struct cJSON *body, struct am_webhook_error *err);
/* Deletes a config and its queue. Returns 0 or -ENOENT. */
int am_webhooks_delete(struct am_webhooks *w, const char *id);
/* Clears the penalty and the interruption: the backlog is sent again, in order. */
void am_webhooks_remove_backoff(struct am_webhook_config *c);
/* The config as GET /v3/webhooks/{id} renders it. NULL on OOM. */
struct cJSON *am_webhooks_render(const struct am_webhook_config *c);
bool am_webhook_config_wants(const struct am_webhook_config *c, const char *event);

/* ---- Queues ---- */
/* Delay before attempt n (1..15) after the previous failure, in seconds (§7.2). */
int64_t am_webhook_retry_delay(unsigned attempt);

/* Queues an envelope on every enabled config subscribed to event (interrupted ones
 * included: they keep queueing). only_config (may be NULL) restricts to one config.
 * Returns how many queues took it, or -ENOMEM. */
int am_webhooks_enqueue(struct am_webhooks *w, const char *only_config, uint64_t seq,
                        const char *event_id, const char *event, int64_t created_at,
                        const char *body, size_t body_len);

/* Feeds every event of billing's log with seq above the set's cursor (the envelope of
 * §7.1 built from the stored snapshot) and moves the cursor. Returns how many deliveries
 * were queued or -ENOMEM (cursor then stays at the last event fully queued). */
int am_webhooks_feed(struct am_webhooks *w, const struct am_billing *billing,
                     const char *account_id, const char *owner_id);
uint64_t am_webhooks_cursor(const struct am_webhooks *w);
void am_webhooks_set_cursor(struct am_webhooks *w, uint64_t seq);

/* Drops events older than 14 days at now (not in flight). Returns how many. */
size_t am_webhooks_expire(struct am_webhooks *w, int64_t now);

/* Sends due at now, oldest first, at most max: each is marked in flight and its attempt
 * counted. Expired events are dropped first. Returns how many were written to out. */
size_t am_webhooks_due(struct am_webhooks *w, int64_t now, struct am_webhook_send *out,
                       size_t max);
/* The earliest instant something becomes due (now when something is due already),
 * INT64_MAX when nothing will be without a change. */
int64_t am_webhooks_next_due(const struct am_webhooks *w, int64_t now);

/* Reports the outcome of an in-flight send: ok = HTTP 200. A failure penalises the
 * config (next attempt after the schedule's delay; interrupted after 15 in a row); a
 * success clears the penalty and removes the item. ret may be NULL. */
void am_webhooks_report(struct am_webhooks *w, const char *config_id, uint64_t item_id, bool ok,
                        int64_t now, struct am_webhook_outcome *ret);
/* Puts back an in-flight send without counting an attempt (the transport gave up before
 * sending, e.g. at shutdown). */
void am_webhooks_unflight(struct am_webhooks *w, const char *config_id, uint64_t item_id);
/* Forgets every in-flight mark (after a restart nothing is in flight). */
void am_webhooks_unflight_all(struct am_webhooks *w);

/* Queued events of c not yet delivered. */
size_t am_webhook_config_depth(const struct am_webhook_config *c);
/* Events dropped by retention or the queue bound since start. */
uint64_t am_webhooks_dropped(const struct am_webhooks *w);

/* Queues event_id again on every enabled config subscribed to it, from the newest
 * delivery of it still known (queued or attempted) or the log. Returns how many queues
 * took it, 0 when the event is unknown, or -ENOMEM. */
int am_webhooks_redeliver(struct am_webhooks *w, const struct am_billing *billing,
                          const char *account_id, const char *owner_id, const char *event_id);

/* True when event_id is queued somewhere or still in billing's log. */
bool am_webhooks_known_event(struct am_webhooks *w, const struct am_billing *billing,
                             const char *event_id);

/* ---- Attempt log ---- */
/* Records an attempt (the set numbers it). */
void am_webhooks_log_attempt(struct am_webhooks *w, const struct am_webhook_attempt *a);
size_t am_webhooks_log_count(const struct am_webhooks *w);
/* i-th kept attempt, 0 = oldest. */
const struct am_webhook_attempt *am_webhooks_log_at(const struct am_webhooks *w, size_t i);
void am_webhooks_log_clear(struct am_webhooks *w);

/* Appends a queued item exactly as given (state import: id, attempts and the body,
 * copied, are kept; in_flight/done ignored). Its id must be above the queue's last one.
 * Returns 0, -EINVAL (id) or -ENOMEM. Borrows it. */
int am_webhooks_restore_item(struct am_webhooks *w, struct am_webhook_config *c,
                             const struct am_webhook_item *it);

/* Next item id (state import keeps handles unique). */
uint64_t am_webhooks_next_item_id(const struct am_webhooks *w);
void am_webhooks_set_next_item_id(struct am_webhooks *w, uint64_t id);

#endif

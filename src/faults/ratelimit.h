/* ratelimit.h - Asaas's per-account limits (pure: counts and decides, the server answers).
 *
 * Three limits, each checked per account and each switchable off:
 *   quota        N requests per window (25,000 per 12 h); the window starts at the
 *                account's first request and ends window seconds later, on the account's
 *                own clock (advancing the clock past the end starts a fresh window; a
 *                clock moved back before the window start also starts a fresh one);
 *   concurrency  at most M GET (and HEAD) requests of the account in flight (50);
 *   endpoints    per-operation limits {operation, limit, windowSeconds}, a window of
 *                their own per account (Asaas has them on "certain endpoints" without a
 *                published list, so none by default).
 * Checks happen before counting: a refused request consumes nothing, so with quota N the
 * N-th request passes with Remaining 0 and the N+1-th gets 429.
 * RateLimit-Limit/-Remaining/-Reset describe the operation's endpoint limit when it has
 * one, else the quota (none when both are off). On 429 they describe the limit that was
 * hit; concurrency uses Limit = M, Remaining 0, Reset 1 (a slot frees when any GET ends).
 * 429 bodies are the Asaas envelope with AM_ERR_RATE_LIMIT (UNCONFIRMED, asaas_facts.h).
 *
 * Config JSON (GET/PUT /__mock/ratelimit; PUT merges the fields given, "endpoints"
 * replaces the list, "resetUsage":true clears the counters, "usage" is ignored):
 *   {"enabled":true,"quota":25000,"windowSeconds":43200,"maxConcurrentGets":50,
 *    "endpoints":[{"operation":"customers.list","limit":100,"windowSeconds":60}]}
 * quota 0 / maxConcurrentGets 0 switch that limit off; enabled false switches all off.
 *
 * State for at most AM_RATELIMIT_MAX_ACCOUNTS accounts; past that the least recently
 * seen idle account's counters are forgotten. Not thread-safe (single-threaded server). */
#ifndef AM_RATELIMIT_H
#define AM_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_types.h"
#include "router.h"

struct cJSON;

#define AM_RATELIMIT_DEFAULT_QUOTA 25000u
#define AM_RATELIMIT_DEFAULT_WINDOW 43200u /* 12 hours */
#define AM_RATELIMIT_DEFAULT_MAX_GETS 50u
#define AM_RATELIMIT_MAX_ENDPOINTS 32
#define AM_RATELIMIT_MAX_ACCOUNTS 4096

/* Control API error code for a bad PUT /__mock/ratelimit body (mock-specific, 400). */
#define AM_ERR_RATELIMIT_CONFIG "invalid_ratelimit_config"

struct am_ratelimit_endpoint {
    enum am_route route;
    uint32_t limit;    /* requests per window, >= 1 */
    uint32_t window_s; /* >= 1 */
};

struct am_ratelimit_config {
    bool enabled;
    uint32_t quota;               /* 0 = no quota */
    uint32_t window_s;            /* quota window, >= 1 */
    uint32_t max_concurrent_gets; /* 0 = unlimited */
    struct am_ratelimit_endpoint endpoints[AM_RATELIMIT_MAX_ENDPOINTS];
    size_t n_endpoints;
};

enum am_ratelimit_hit { AM_RL_NONE, AM_RL_QUOTA, AM_RL_CONCURRENCY, AM_RL_ENDPOINT };

struct am_ratelimit_result {
    bool allowed;
    enum am_ratelimit_hit hit; /* the limit that refused; NONE when allowed */
    bool has_headers;          /* limit/remaining/reset_s are to be sent */
    uint32_t limit, remaining, reset_s;
    bool release; /* a concurrent-GET slot was taken: call am_ratelimit_release() once the
                     reply has been sent (or the connection dropped) */
};

/* Asaas defaults (enabled, 25000 per 43200 s, 50 GETs, no endpoint limits). */
void am_ratelimit_config_defaults(struct am_ratelimit_config *cfg);

struct am_ratelimit;

/* Returns a new limiter with a copy of cfg (NULL = defaults); free with
 * am_ratelimit_free(). NULL on OOM. */
struct am_ratelimit *am_ratelimit_new(const struct am_ratelimit_config *cfg);
void am_ratelimit_free(struct am_ratelimit *rl); /* accepts NULL */

/* Current configuration (a copy). */
void am_ratelimit_get_config(const struct am_ratelimit *rl, struct am_ratelimit_config *ret);
/* Replaces the configuration (no validation: see am_ratelimit_apply_json). Quota windows
 * and in-flight counts carry over; endpoint counters restart. */
void am_ratelimit_set_config(struct am_ratelimit *rl, const struct am_ratelimit_config *cfg);

/* Decides one authenticated /v3 request of account_id (borrowed) at the account's time
 * now (am_clock_now(&account->clock, real_now)) and counts it when allowed. Always fills
 * *ret. Returns 0, or -ENOMEM (then *ret allows the request untracked: fail open). A NULL
 * account_id or a disabled limiter allows without headers. */
int am_ratelimit_check(struct am_ratelimit *rl, const char *account_id, enum am_route route,
                       enum am_method method, int64_t now, struct am_ratelimit_result *ret);

/* Gives back the GET slot taken by a check whose result had release set. method is the
 * request's; other methods are ignored. */
void am_ratelimit_release(struct am_ratelimit *rl, const char *account_id, enum am_method method);

/* Forgets every window and count (in-flight GETs stay counted: their releases come). */
void am_ratelimit_reset(struct am_ratelimit *rl);

/* Adds RateLimit-Limit/-Remaining/-Reset to resp when res->has_headers. 0 or -errno. */
int am_ratelimit_set_headers(const struct am_ratelimit_result *res, struct am_response *resp);

/* Fills resp with the 429 for a refused result: Asaas envelope, RateLimit-* headers and
 * Retry-After. Returns 0 or -errno. */
int am_ratelimit_respond(const struct am_ratelimit_result *res, struct am_response *resp);

/* The account's current time, for rendering usage; ctx is passed through. */
typedef int64_t (*am_ratelimit_now_fn)(void *ctx, const char *account_id);

/* Config plus "usage":[{"account","used","remaining","windowStart","resetSeconds",
 * "concurrentGets","endpoints":[{"operation","used","remaining","resetSeconds"}]}] for
 * each tracked account, in first-seen order. Windows already over show used 0. Returns
 * a new object (cJSON_Delete) or NULL on OOM. */
struct cJSON *am_ratelimit_to_json(const struct am_ratelimit *rl, am_ratelimit_now_fn now_fn,
                                   void *ctx);

/* Validates json (borrowed) as a config update and applies it all-or-nothing. Returns 0,
 * or -EINVAL with "field: reason" in err. */
int am_ratelimit_apply_json(struct am_ratelimit *rl, const struct cJSON *json, char *err,
                            size_t err_len);

#endif

/* faults.h - fault-injection rules and the X-Mock-Fault header (pure: decides, never
 * touches sockets; the server executes what is decided here).
 *
 * A rule = matcher + fault + schedule, as JSON (the same shape for POST /__mock/faults,
 * the --faults file and the listing):
 *   {"id":"pix-down",                       optional; else "flt_<n>"; [A-Za-z0-9._-]{1,63}
 *    "description":"...",                   optional
 *    "match":{"method":"POST",              all optional, all must hold (AND)
 *             "path":"/v3/customers",       a pattern: a segment "*" matches one segment, a
 *                                           final segment "**" anything left (even nothing);
 *                                           "/api/v3/..." is the same as "/v3/..."
 *             "operation":"customers.create",   am_route_name() of the routed request
 *             "account":"default",          authenticated account id
 *             "headers":{"X-Tenant":"a"},   value equality, name case-insensitive (<= 8)
 *             "body":{"billingType":"PIX"}},top-level JSON fields, string/number/bool/null
 *                                           equality (<= 8)
 *    "fault":{"kind":"status","code":503},  kind + its parameters (same names as the header)
 *    "schedule":{"probability":0.5,"seed":42,"times":3,"skip":1,
 *                "sequence":["fail","fail","pass"]},   all optional
 *    "stats":{"matched":0,"fired":0}}       output only; ignored on input so a listing can
 *                                           be saved and loaded back with --faults
 * Unknown fields are rejected so typos never pass silently.
 *
 * Fault kinds and parameters (header "KIND;PARAM=VALUE;...", JSON {"kind":..,PARAM:..}):
 *   latency      ms=N | dist=uniform;min=N;max=N | dist=lognormal;median=N;sigma=X[;cap=N]
 *                (milliseconds <= 600000; sigma 0..5, kept to 6 decimals; cap defaults
 *                to 600000: samples above it are drawn again, like WireMock's maxValue)
 *   status       code=400..599 [;retryAfter=S] (Asaas-shaped body; 429/503 also get
 *                Retry-After/RateLimit-Reset of S seconds, default 60; "reset" is
 *                accepted as an old name of retryAfter)
 *   empty        close with no bytes            reset      TCP RST (SO_LINGER 0)
 *   garbage      random bytes then close        malformed-json  200 + invalid JSON body
 *   truncate     [bytes=N] real reply cut after N bytes (default: half of it)
 *   dribble      bps=N: real reply at N bytes per second
 *   blackhole    [ms=N]: read the request, answer nothing (N ms then close; 0 = never)
 *   ambiguous    run the operation (it is committed), then reset instead of answering
 *   tls-abort    rules only: abort the TLS handshake
 *   refuse       rules only, seconds=N: refuse new connections for N seconds
 * Webhook faults (rules only; "match" may hold only "account" and "event", the webhook
 * event name): they act on outbound deliveries, never on requests:
 *   duplicate     [copies=N] the same event (same id) N more times (default 1)
 *   reorder       [window=N] hold N deliveries, send them shuffled (default 3), even for
 *                 SEQUENTIALLY configs
 *   delay         ms=N | dist=... as latency: wait before sending
 *   drop          count the delivery as sent (success) without sending it
 *   corrupt-token [missing=1] a wrong asaas-access-token, or (missing=1) none
 *   burst         [size=N] hold N deliveries, then send them all at once (default 5)
 * Held deliveries (reorder, burst) leave after at most 1 s even when the window is not
 * full.
 * tls-abort and refuse fire at accept time, before any request exists, so their rules
 * must have an empty "match" (the account is unknown before the handshake).
 *
 * Schedule, evaluated on each match (all matcher conditions held; "matched" counts it):
 *   1. skip N: the first N matches never fire;
 *   2. times N: at most N fires in total;
 *   3. sequence: the k-th match after the skipped ones uses element k ("fail" fires,
 *      "pass"/"succeed" does not); after the last element, the last one repeats for ever;
 *   4. probability p (default 1): a draw from the rule's own RNG, seeded by "seed".
 * Each rule has its own splitmix64 streams (one for fire draws, one for latency samples),
 * so the same seed fires the same sequence whatever other rules do. Without "seed", the
 * seed derives from the set's base seed and the rule's creation number (so --seed makes
 * everything reproducible); the listing always shows the effective seed, as exact integer
 * text (seeds are 0..2^53-1, so every JSON parser reads them back exactly).
 * Rules are evaluated in insertion order; the first that fires wins and later rules do
 * not see the request (their counters do not move).
 *
 * Cost: matchers are compiled at add time (paths: at most 16 segments, each literal
 * hashed). Each rule is filed in an index under one key its match requires (a header
 * name, the account, one literal path segment, the operation, the method, or none), so a
 * request looks up its own few keys and tries only the rules filed there: rules that
 * cannot match cost nothing per rule. A packed prefilter array (method, operation,
 * segment count, hash of the last literal segment) rejects most of those; survivors
 * check account, path bytes, headers, then body. The request path is split and hashed
 * at most once per call; the body is parsed only when a rule reaches its body check, and
 * at most once per call.
 *
 * Not thread-safe (the server is single-threaded). */
#ifndef AM_FAULTS_H
#define AM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_types.h"
#include "router.h"

struct cJSON;

/* Error codes the control API and the server answer with (mock-specific, 400). */
#define AM_ERR_FAULT_RULE "invalid_fault_rule"
#define AM_ERR_FAULT_HEADER "invalid_mock_fault"
#define AM_ERR_FAULT_NOT_FOUND "not_found"

#define AM_FAULT_ID_MAX 64 /* id buffer size, with the NUL */
#define AM_FAULTS_MAX_RULES 1024
#define AM_FAULT_MAX_MS 600000u

/* Body of the malformed-json fault: 200 with Content-Type application/json and this. */
#define AM_FAULT_MALFORMED_JSON_BODY "{\"object\":\"payment\",\"id\":\"pay_"

enum am_fault_kind {
    AM_FAULT_NONE,
    AM_FAULT_LATENCY,
    AM_FAULT_STATUS,
    AM_FAULT_EMPTY,
    AM_FAULT_RESET,
    AM_FAULT_GARBAGE,
    AM_FAULT_MALFORMED_JSON,
    AM_FAULT_TRUNCATE,
    AM_FAULT_DRIBBLE,
    AM_FAULT_BLACKHOLE,
    AM_FAULT_TLS_ABORT,
    AM_FAULT_REFUSE,
    AM_FAULT_AMBIGUOUS,
    /* Webhook faults: rules only, they act on outbound deliveries (webhook_pump.h). */
    AM_FAULT_WH_DUPLICATE,
    AM_FAULT_WH_REORDER,
    AM_FAULT_WH_DELAY,
    AM_FAULT_WH_DROP,
    AM_FAULT_WH_CORRUPT_TOKEN,
    AM_FAULT_WH_BURST,
    _AM_FAULT_KIND_MAX
};

enum am_latency_dist { AM_LATENCY_FIXED, AM_LATENCY_UNIFORM, AM_LATENCY_LOGNORMAL };

/* One fault and its parameters; a plain value. Unused fields are 0. */
struct am_fault {
    enum am_fault_kind kind;
    enum am_latency_dist dist; /* latency */
    uint32_t ms;               /* latency (fixed) or blackhole hold time (0 = forever) */
    uint32_t min_ms, max_ms;   /* latency uniform, inclusive */
    uint32_t median_ms;        /* latency lognormal */
    double sigma;              /* latency lognormal, 0..5 */
    uint32_t cap_ms;           /* latency lognormal resampling cap */
    int code;                  /* status */
    uint32_t reset_s;          /* status: Retry-After / RateLimit-Reset (429, 503) */
    uint32_t bytes;            /* truncate: bytes kept (0 = half of the reply) */
    uint32_t bps;              /* dribble */
    uint32_t seconds;          /* refuse */
    uint32_t delay_ms;         /* latency: the sampled delay to apply (set by decide /
                                  am_faults_resolve); equals ms for fixed latency */
    uint32_t copies;           /* duplicate: extra identical sends (default 1) */
    uint32_t window;           /* reorder: deliveries held and shuffled (default 3) */
    uint32_t size;             /* burst: deliveries held, then sent at once (default 5) */
    uint32_t missing;          /* corrupt-token: 1 = no header, 0 = a wrong token */
};

/* True for the webhook kinds (duplicate, reorder, delay, drop, corrupt-token, burst). */
bool am_fault_is_webhook_kind(enum am_fault_kind k);

/* Kind name ("malformed-json"...). "none" for NONE/out of range. Never NULL. */
const char *am_fault_kind_name(enum am_fault_kind k);
/* Parses an exact kind name. Returns 0 or -EINVAL. */
int am_fault_kind_parse(const char *name, enum am_fault_kind *ret);

/* Parses an X-Mock-Fault value ("status;code=503"). Strict: known kind (not tls-abort or
 * refuse), known parameters, each at most once, required ones present, plain decimal
 * numbers in range; spaces/tabs around ';' and '=' are allowed. Fills *ret (delay_ms
 * not sampled yet: see am_faults_resolve) and returns 0, or writes a reason into err
 * and returns -EINVAL. */
int am_fault_parse_header(const char *value, struct am_fault *ret, char *err, size_t err_len);

/* Writes f in header syntax ("latency;dist=uniform;min=10;max=20"); the output parses
 * back to the same fault (tls-abort/refuse excepted). Truncates to out_len. */
void am_fault_format(const struct am_fault *f, char *out, size_t out_len);

/* Parses a fault JSON object ({"kind":"dribble","bps":100}). where prefixes messages
 * ("fault" gives "fault.kind: unknown kind 'x'"). Returns 0, -EINVAL (err filled). */
int am_fault_from_json(const struct cJSON *obj, const char *where, struct am_fault *ret,
                       char *err, size_t err_len);
/* Renders f as a fault JSON object. Returns a new object (cJSON_Delete) or NULL. */
struct cJSON *am_fault_to_json(const struct am_fault *f);

/* Latency sample in ms for f using the splitmix64 state *rng: fixed -> ms; uniform ->
 * min..max; lognormal -> median*exp(sigma*Z) (Box-Muller), resampled above cap_ms (after
 * 64 tries, cap_ms). 0 for other kinds. */
uint32_t am_fault_latency_ms(const struct am_fault *f, uint64_t *rng);

/* Fills resp with the Asaas-shaped error answer of a status fault (texts in
 * asaas_facts.h); 429 also gets RateLimit-Limit/Remaining(0)/Reset and Retry-After, 503
 * Retry-After. Returns 0 or -ENOMEM. */
int am_fault_status_response(const struct am_fault *f, struct am_response *resp);

struct am_fault_rules;

/* Returns a new empty rule set; base_seed seeds rules without "seed" and header faults.
 * Free with am_fault_rules_free(). NULL on OOM. */
struct am_fault_rules *am_fault_rules_new(uint64_t base_seed);
void am_fault_rules_free(struct am_fault_rules *rules); /* accepts NULL */

size_t am_fault_rules_count(const struct am_fault_rules *rules);

/* Adds one rule from a JSON object (borrowed). On success copies the id into ret_id
 * (may be NULL; AM_FAULT_ID_MAX bytes) and returns 0. Errors, with err filled
 * ("match.path: ..."): -EINVAL bad rule, -EEXIST id taken, -ENOSPC too many rules,
 * -ENOMEM. */
int am_fault_rules_add_json(struct am_fault_rules *rules, const struct cJSON *obj, char *ret_id,
                            char *err, size_t err_len);

/* Removes a rule. Returns 0 or -ENOENT. */
int am_fault_rules_remove(struct am_fault_rules *rules, const char *id);
void am_fault_rules_clear(struct am_fault_rules *rules);

/* {"rules":[rule...]} with each rule's stats, in evaluation order. New object or NULL. */
struct cJSON *am_fault_rules_list_json(const struct am_fault_rules *rules);
/* One rule as JSON (with stats), or NULL when absent / OOM. New object. */
struct cJSON *am_fault_rules_get_json(const struct am_fault_rules *rules, const char *id);

/* Loads rules from JSON text: an array of rules or {"rules":[...]}. All-or-nothing.
 * Errors: "source:line:col: invalid JSON" or "source: rules[2].fault.kind: unknown kind
 * 'x'" in err; returns -EINVAL, -EEXIST, -ENOSPC or -ENOMEM. */
int am_fault_rules_load_text(struct am_fault_rules *rules, const char *text, size_t len,
                             const char *source, char *err, size_t err_len);
/* Reads path and loads it as above; -ENOENT (or another -errno) when unreadable. */
int am_fault_rules_load_file(struct am_fault_rules *rules, const char *path, char *err,
                             size_t err_len);

/* One request as the matchers see it. Everything is borrowed for the call. */
struct am_fault_request {
    enum am_method method;
    const char *path;             /* percent-decoded, no query; NULL never matches a path */
    enum am_route route;          /* AM_ROUTE_NONE when unrouted */
    const char *account_id;       /* NULL before/without authentication */
    const struct am_request *req; /* for header matchers; may be NULL */
    const char *body;             /* not NUL-terminated; may be NULL */
    size_t body_len;
};

/* Request-level decision: evaluates the rules in order (connection kinds skipped) and
 * updates their counters. When one fires, fills *ret (latency already sampled into
 * delay_ms from the rule's stream), copies its id into ret_rule_id (may be NULL; a copy
 * because the rule may be removed before the fault finishes) and returns 1; else 0. */
int am_faults_decide(struct am_fault_rules *rules, const struct am_fault_request *in,
                     struct am_fault *ret, char ret_rule_id[AM_FAULT_ID_MAX]);

/* Connection-level decision at accept time: only tls-abort and refuse rules. Same
 * contract as am_faults_decide. */
int am_faults_decide_connection(struct am_fault_rules *rules, struct am_fault *ret,
                                char ret_rule_id[AM_FAULT_ID_MAX]);

/* Webhook decision for one outbound delivery of event on account: only webhook kinds,
 * same schedule and counters. Same contract as am_faults_decide. */
int am_faults_decide_webhook(struct am_fault_rules *rules, const char *account_id,
                             const char *event, struct am_fault *ret,
                             char ret_rule_id[AM_FAULT_ID_MAX]);

/* Samples f's latency (delay_ms) from the set's own stream, for X-Mock-Fault faults. */
void am_faults_resolve(struct am_fault_rules *rules, struct am_fault *f);

/* How many times a request body was parsed by the matchers (tests and metrics). */
uint64_t am_faults_body_parses(const struct am_fault_rules *rules);

#endif

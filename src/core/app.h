/* app.h - the whole mock as one value: request in, response out (pure).
 *
 * am_app_handle() is the single entry point the server adapter, the unit tests and the
 * fuzzer all drive: prefix -> (GET-with-body check) -> authentication -> router ->
 * handler, or the control API. am_app_complete() records the finished request (access
 * log line, journal, metrics). The app owns the registry, audit, journal and ids; it
 * borrows the config, which must outlive it. */
#ifndef AM_APP_H
#define AM_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "http_types.h"
#include "ids.h"
#include "faults.h"
#include "journal.h"
#include "metrics.h"
#include "ratelimit.h"
#include "registry.h"
#include "webhook_pump.h"

struct am_exchange_set;
struct am_pristine;
struct am_persist;

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
    bool tls_ready;    /* set by the server once the TLS context is built */
    bool fixtures_ready;
};

/* Builds the app: registry from the fixtures (cfg->fixtures_dir or the embedded default),
 * plus cfg->api_keys on account "default". On error writes a reason to err and returns
 * NULL. Free with am_app_free(). */
struct am_app *am_app_new(const struct am_config *cfg, int64_t real_now, char *err,
                          size_t err_len);
void am_app_free(struct am_app *app);

/* Answers one request. real_now: wall-clock Unix seconds. Always fills resp (500 JSON when
 * the server itself failed). */
void am_app_handle(struct am_app *app, const struct am_request *req, int64_t real_now,
                   struct am_response *resp);

/* Records a finished request: access-log line, journal entry, metrics. */
void am_app_complete(struct am_app *app, const struct am_request *req,
                     const struct am_response *resp, int64_t now_ms, uint64_t duration_us);

/* Reloads the fixture set (accounts and keys, seeds, exchanges) from the configured
 * folder into fresh structures and swaps them in atomically: the state goes back to the
 * new fixtures. On any error nothing changes, err says which file, where and why, and
 * -EINVAL (or another -errno) is returned. */
int am_app_reload(struct am_app *app, int64_t real_now, char *err, size_t err_len);

/* Puts one account back to its state right after the fixtures loaded (data and clock;
 * keys and settings unchanged), in microseconds when its standby copy is ready (see
 * pristine.h). *ret_fast (may be NULL) tells which. Returns 0, -ENOMEM or -EINVAL. */
int am_app_reset_account(struct am_app *app, struct am_account *account, bool *ret_fast,
                         char *err, size_t err_len);
/* Every account as above, plus the id generator, rate-limit counters and exchange
 * sequences. Accounts created since the load keep existing, with empty data. */
int am_app_reset_all(struct am_app *app, bool *ret_fast, char *err, size_t err_len);

/* Registers the --api-key keys (kept as hashes) on reg's "default" account. */
int am_app_add_api_keys(struct am_app *app, struct am_registry *reg, int64_t real_now,
                        char *err, size_t err_len);

/* Replays one logged /v3 request (persist.h) as account at instant now with the id
 * generator ids: the daily jobs and the handler, nothing else. resp gets the answer. */
int am_app_replay(struct am_app *app, struct am_account *account, struct am_ids *ids,
                  const struct am_request *req, int64_t now, struct am_response *resp);

/* Group commit: makes the --state-file entries of the answers marked durable hit the
 * disk. The server calls it once per batch, before sending them. 0 or -errno. */
int am_app_commit(struct am_app *app);
bool am_app_commit_pending(const struct am_app *app);

/* Background work the server runs after replies have left: freeing replaced stores and
 * building the next reset standby. */
bool am_app_idle_pending(const struct am_app *app);
void am_app_idle(struct am_app *app);

/* At clean shutdown: --state-out snapshot, final --state-file compaction. Returns 0 or
 * a negative errno (logged). */
int am_app_shutdown(struct am_app *app);

/* Runs one /v3 request as account, inside the mock: no authentication, rate limits or
 * faults (fixture seeds use it, so seeded objects pass the API's own validation).
 * Returns 0 with resp filled, or a negative errno. */
int am_app_call(struct am_app *app, struct am_account *account, const struct am_request *req,
                int64_t real_now, struct am_response *resp);

/* Connection-level fault decision at accept time (tls-abort, refuse). Returns 1 and fills
 * *ret when one fires (counted in metrics), else 0. */
int am_app_decide_connection(struct am_app *app, struct am_fault *ret);

/* Called by the server when resp's reply has left (or was abandoned): releases what the
 * request held, such as its concurrent-GET slot. */
void am_app_release(struct am_app *app, struct am_response *resp);

/* True when route has a handler (an emulated operation), for GET /__mock/coverage. */
bool am_app_route_implemented(int route);

/* Fills out (17 bytes) with the request id to use: the client's X-Request-Id when it is
 * 1..64 chars of [A-Za-z0-9._-] (truncated to 16 in the journal), else a generated one. */
const char *am_app_request_id(struct am_app *app, const struct am_request *req, char *out,
                              size_t out_len);

#endif

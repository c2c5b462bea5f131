/* app_iface.h - the app as control, persistence and seeding see it (pure).
 *
 * The narrow side of the app: struct am_app's fields and the few app operations that
 * the control API (control*.c), the state file (persist.c) and fixture seeds (seed.c)
 * call back into. Those modules include this header, never app.h, so the app can
 * include theirs without an include cycle (tests/lint/include_cycles.py keeps it so).
 * Everything here is implemented in app.c; app.h adds the entry points the server
 * adapter, tests and fuzzers drive. */
#ifndef AM_APP_IFACE_H
#define AM_APP_IFACE_H

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

struct am_exchange_set;
struct am_pristine;
struct am_persist;
struct am_request;
struct am_response;

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

/* Runs one /v3 request as account, inside the mock: no authentication, rate limits or
 * faults (fixture seeds use it, so seeded objects pass the API's own validation).
 * Returns 0 with resp filled, or a negative errno. */
int am_app_call(struct am_app *app, struct am_account *account, const struct am_request *req,
                int64_t real_now, struct am_response *resp);

/* True when route has a handler (an emulated operation), for GET /__mock/coverage. */
bool am_app_route_implemented(int route);

#endif

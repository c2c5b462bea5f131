/* app_iface.h - the app as control, persistence and seeding see it (pure).
 *
 * struct am_app is opaque: its fields live in app.c. This header is the narrow side
 * the control API (control*.c), the state file (persist.c), fixture seeds (seed.c) and
 * the webhook pump use: accessors for what the app holds, the two changes persistence
 * makes, and the app operations they call back into. Those modules include this
 * header, never app.h, so the app can include theirs without an include cycle
 * (tests/lint/include_cycles.py keeps it so). Everything here is implemented in app.c;
 * app.h adds the entry points the server adapter, tests and fuzzers drive. */
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
struct am_secreport;
struct am_pristine;
struct am_persist;
struct am_request;
struct am_response;

/* Opaque: only app.c sees the fields. */
struct am_app;

/* ---- what the app holds (borrowed; valid until the app is freed or, for the registry,
 * exchanges and rules, until a reload swaps them) ---- */
const struct am_config *am_app_config(const struct am_app *app);
struct am_registry *am_app_registry(const struct am_app *app);
struct am_ids *am_app_ids(struct am_app *app); /* object ids (--seed) */
struct am_audit *am_app_audit(const struct am_app *app);
struct am_journal *am_app_journal(const struct am_app *app);
struct am_metrics *am_app_metrics(struct am_app *app);
struct am_pump_stats *am_app_webhook_stats(struct am_app *app); /* outbound deliveries */
/* Security findings of requests that named no account (secreport.h). */
struct am_secreport *am_app_secreport(const struct am_app *app);
struct am_fault_rules *am_app_faults(const struct am_app *app);
struct am_ratelimit *am_app_ratelimit(const struct am_app *app);
struct am_exchange_set *am_app_exchanges(const struct am_app *app); /* may be NULL */
struct am_persist *am_app_persist(const struct am_app *app);        /* NULL without one */
enum am_environment am_app_environment(const struct am_app *app);
const char *am_app_ca_pem(const struct am_app *app); /* NULL before the server set it */
bool am_app_tls_ready(const struct am_app *app);
bool am_app_fixtures_ready(const struct am_app *app);

/* ---- what persistence changes ---- */
/* Replaces the registry (the old one is freed) and the object-id stream with the state a
 * --state-file or POST /__mock/state carried. reg may be the current registry (only the
 * ids change then). */
void am_app_adopt_state(struct am_app *app, struct am_registry *reg, const struct am_ids *ids);
/* Hands the app its --state-file (owned from now on), or NULL to forget a failed one. */
void am_app_set_persist(struct am_app *app, struct am_persist *p);

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

/* am_app_call for an action a person takes outside the API (a payer's page, the
 * dashboard): with a --state-file, a state change is logged as that /v3 request (so a
 * restart replays it) and resp->outcome.durable is set. */
int am_app_act(struct am_app *app, struct am_account *account, const struct am_request *req,
               int64_t real_now, struct am_response *resp);

/* True when route has a handler (an emulated operation), for GET /__mock/coverage. */
bool am_app_route_implemented(int route);

#endif

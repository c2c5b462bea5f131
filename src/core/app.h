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

#include "app_iface.h"

/* The server adapter's side: the certificate (ca_pem owned from now on, served at
 * /__mock/ca.pem; fingerprint copied, for the start-up log), and the TLS context being
 * ready (/__mock/health). */
void am_app_set_certificate(struct am_app *app, char *ca_pem, const char *fingerprint);
const char *am_app_fingerprint(const struct am_app *app);
void am_app_set_tls_ready(struct am_app *app, bool ready);

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

/* Group commit: makes the --state-file entries of the answers marked durable hit the
 * disk. The server calls it once per batch, before sending them. 0 or -errno. */
int am_app_commit(struct am_app *app);
bool am_app_commit_pending(const struct am_app *app);
/* The commit in three steps, so the fdatasync runs off the event loop while it goes on
 * reading requests (net/syncer.h does this). begin takes every entry logged so far as one
 * batch: 1 = a batch to write (run must follow, exactly once), 0 = nothing to write (the
 * answers may go), -ENOMEM. run writes and fdatasyncs it: the only call allowed on another
 * thread (it touches nothing but the state file's writer), 0 or -errno. end, back on the
 * loop, takes run's result (logs a failure, compacts when due) and returns it: the
 * batch's answers go when it is 0 and become am_app_commit_refuse() answers otherwise.
 * A batch at a time: begin, checkpoints and shutdown wait for the one being written. */
int am_app_commit_begin(struct am_app *app);
int am_app_commit_run(struct am_app *app);
int am_app_commit_end(struct am_app *app, int r);
/* When the next batch starts early, before the loop has served every ready connection:
 * the batch just finished let released answers go and waiting more came while it was
 * written. Returns how many waiting answers start the next batch, or 0 for "only when
 * the loop is idle" (few writers: one fdatasync per round of them costs least). With
 * many writers in one batch the loop idles through every fdatasync; starting at three
 * quarters of them leaves the rest to keep it busy meanwhile. */
size_t am_app_commit_early_at(size_t released, size_t waiting);
/* Turns resp, whose --state-file entry failed to reach the disk, into the 503
 * state_file_failed answer: the change is in memory but was never acknowledged. */
void am_app_commit_refuse(struct am_response *resp);

/* Background work the server runs after replies have left: freeing replaced stores and
 * building the next reset standby. */
bool am_app_idle_pending(const struct am_app *app);
void am_app_idle(struct am_app *app);

/* At clean shutdown: --state-out snapshot, final --state-file compaction. Returns 0 or
 * a negative errno (logged). */
int am_app_shutdown(struct am_app *app);

/* Connection-level fault decision at accept time (tls-abort, refuse). Returns 1 and fills
 * *ret when one fires (counted in metrics), else 0. */
int am_app_decide_connection(struct am_app *app, struct am_fault *ret);

/* Called by the server when resp's reply has left (or was abandoned): releases what the
 * request held, such as its concurrent-GET slot. */
void am_app_release(struct am_app *app, struct am_response *resp);

/* Fills out (17 bytes) with the request id to use: the client's X-Request-Id when it is
 * 1..64 chars of [A-Za-z0-9._-] (truncated to 16 in the journal), else a generated one. */
const char *am_app_request_id(struct am_app *app, const struct am_request *req, char *out,
                              size_t out_len);

#endif

/* persist.h - the --state-file: durable writes, replay at start, compaction (pure apart
 * from the file I/O of statelog.h).
 *
 * What is logged. Every state change goes through one of three doors, and each leaves a
 * trace from which replay reproduces it exactly:
 *   - a /v3 request whose operation ran with a method other than GET/HEAD: an "api"
 *     entry with the account, the account-clock instant, the id generator's position
 *     and the request (method, path, query, body). Handlers are deterministic in those
 *     inputs, so replaying the entry recreates the same objects with the same ids;
 *   - the daily jobs moving an account's day (any request, GETs included): a "jobs"
 *     entry with the instant and the id position;
 *   - a /v3 operation that mints an API key (POST /v3/accounts, POST
 *     /v3/accounts/{id}/accessTokens: am_route_mints_key): the key is random, so the
 *     operation cannot be replayed and its answer must not reach the file; it is made
 *     durable as a checkpoint (below), which keeps the key's SHA-256 only;
 *   - everything else that changes state (clock moves, accounts and keys, reset,
 *     PUT /__mock/state, fixture reloads, accounts created by --auto-accounts): a
 *     checkpoint, i.e. a compaction - the whole state written as the new snapshot.
 * Each API entry also records the answer (status, digest of the body): replay refuses to
 * start when it answers otherwise (a forged or re-checksummed file, a changed handler).
 * Secrets never reach the file: card numbers keep only what handlers read (length, first
 * 6, last 4; the sandbox decline numbers whole), CVVs become zeros. Key-shaped text is
 * data that must come back whole (an externalReference): statelog.h conceals it
 * reversibly, so it is neither scrubbed here nor ever literal on disk.
 * A file that fails a check is refused ("PATH:LINE: reason"); with
 * config.state_file_recover it is copied aside and cut before the first bad record.
 * Entries are buffered and made durable in one fdatasync per batch (group commit)
 * before any answer they cover leaves (struct am_response.outcome.durable, am_app_commit()).
 * The log is compacted into the snapshot line when it passes AM_PERSIST_COMPACT_ENTRIES
 * entries or AM_PERSIST_COMPACT_BYTES bytes and is at least AM_PERSIST_COMPACT_GROWTH
 * times as large as the last snapshot (so a large state is not rewritten every 50,000
 * writes): in a child process, so the loop
 * never stops for it; and inline at start, at clean shutdown and for every checkpoint.
 *
 * Not state, so not kept: fault rules, rate-limit counters, the journal, metrics,
 * exchange call counters, and keys' lastUsedAt between checkpoints.
 *
 * Ownership: the app owns its am_persist (app->persist); it borrows the app. */
#ifndef AM_PERSIST_H
#define AM_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_types.h"
#include "ids.h"

#define AM_PERSIST_COMPACT_ENTRIES 50000
#define AM_PERSIST_COMPACT_BYTES (64u << 20)
/* The log grows to this many times the last snapshot before it is compacted (issue 12:
 * at 1, the child's snapshots of a 400k-customer state cost ~1.7 us per logged write). */
#define AM_PERSIST_COMPACT_GROWTH 2

/* The compaction policy: entries and bytes logged since the last snapshot, which was
 * snapshot_len bytes long. */
bool am_persist_compaction_due(size_t entries, uint64_t bytes, uint64_t snapshot_len);

struct am_app;
struct am_persist;

/* Opens path for app (whose fixtures are loaded): when the file exists its snapshot
 * replaces the loaded accounts and its entries are replayed; then it is compacted.
 * Sets app->persist. Returns 0, or a negative errno with err naming the file, the line
 * and the reason (a corrupt file is never half applied: the app keeps its fixtures). */
int am_persist_open(struct am_app *app, const char *path, int64_t real_now, char *err,
                    size_t err_len);
void am_persist_free(struct am_persist *p); /* accepts NULL; does not sync */

/* Buffers an entry (see above). before: the id generator before the change; resp: the
 * answer the operation gave (its status and a digest of its body are logged, and replay
 * refuses to start when it answers otherwise). */
int am_persist_note_api(struct am_persist *p, const char *account_id, int64_t now,
                        const struct am_ids *before, const struct am_request *req,
                        const struct am_response *resp);
int am_persist_note_jobs(struct am_persist *p, const char *account_id, int64_t now,
                         const struct am_ids *before);

/* True when buffered entries wait for am_persist_commit(). */
bool am_persist_dirty(const struct am_persist *p);
/* Makes buffered entries durable (compacting when over the thresholds). 0 or -errno. */
int am_persist_commit(struct am_app *app);
/* The same in three steps, so the write and fdatasync (run) can happen on another thread
 * while the app goes on (statelog.h: am_statelog_sync_begin/run). begin takes the entries
 * buffered so far as one batch: 1 (run must follow, once), 0 (nothing to write) or
 * -ENOMEM. run (any thread; touches only the file's writer) returns 0 or -errno. end (the
 * app's thread) logs a failure or compacts when over the thresholds, and returns r. */
int am_persist_commit_begin(struct am_app *app);
int am_persist_commit_run(struct am_persist *p);
int am_persist_commit_end(struct am_app *app, int r);
/* A compaction due after a commit runs in the background (statelog.h:
 * am_statelog_compact_start); poll finishes it once its child has reported (wait: block
 * until then), and falls back to an inline compaction when it failed. The app's thread. */
bool am_persist_compacting(const struct am_persist *p);
void am_persist_poll(struct am_app *app, bool wait);
/* Writes the whole state as the new snapshot now (a background one is cancelled: this
 * one is newer). 0 or -errno. */
int am_persist_checkpoint(struct am_app *app);

/* For GET /__mock/state/file and the logs: entries since the snapshot, fdatasyncs. */
size_t am_persist_entries(const struct am_persist *p);
uint64_t am_persist_syncs(const struct am_persist *p);
uint64_t am_persist_entries_total(const struct am_persist *p);
const char *am_persist_path(const struct am_persist *p);

#endif

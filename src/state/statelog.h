/* statelog.h - the --state-file on disk: a snapshot record, then an append-only log of
 * entry records (pure: plain file I/O, no sockets).
 *
 * Layout (format 3): line 1 is the snapshot record, every later line one entry record:
 *   {"v":3,"n":0,"r":SNAPSHOT,"h":"<16 hex>"}
 *   {"n":SEQ,"r":ENTRY,"h":"<16 hex>"}
 * The caller hands in and gets back the payloads (SNAPSHOT, ENTRY: compact JSON, state.h
 * and persist.h); the framing is this module's. SEQ counts records from the snapshot (0),
 * so a missing or repeated line is caught; h chains each record to the one before
 * (CRC-32 + Adler-32, see statelog.c), so a changed byte is. Key-shaped text in a payload is
 * concealed (am_key_conceal()) and revealed on reading: the file never holds the literal
 * text of a key, yet the payloads come back byte for byte. Files of the previous formats
 * are still read: format 2 (the same records chained with SHA-256) verified, format 1 (bare
 * JSON lines, no version) unverified; appending to either is refused until it was
 * compacted into format 3.
 *
 * Appends are buffered by am_statelog_append() and made durable by am_statelog_sync()
 * (write + fdatasync) BEFORE the answers they cover leave, so an acknowledged write
 * survives kill -9 and power loss (as far as the disk honours fdatasync). A crash
 * mid-append leaves a last line without its newline: it was never acknowledged, so opening
 * cuts it off and reports its size (am_statelog_torn()). While open, the file also holds
 * zeros written ahead of the records (so an fdatasync writes no new size): the first zero
 * byte ends the log, and close cuts them. Any other bad record stops the
 * open with "PATH:LINE: reason". Compaction writes PATH.tmp (the new snapshot), fsyncs it,
 * renames it over PATH and fsyncs the directory: at every instant PATH holds either the
 * old snapshot + log or the new snapshot, never a mix.
 *
 * Threads: one thread appends (and compacts, closes); am_statelog_sync_run() alone may run
 * on another (a lock guards the file and the batch being written).
 * Ownership: an am_statelog owns its descriptor and buffers; callbacks borrow the lines. */
#ifndef AM_STATELOG_H
#define AM_STATELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_STATELOG_FORMAT 3   /* the format this build writes */
#define AM_STATELOG_HASH_LEN 8  /* bytes of checksum kept per record */

struct am_statelog;

/* CRC-32 then Adler-32 (zlib; 4 bytes each, big-endian) over seed_len bytes of seed (may
 * be NULL when 0) followed by len bytes of text: format 3's record checksum, and the
 * digest of an answer an entry keeps (persist.c). */
void am_statelog_sum(const uint8_t *seed, size_t seed_len, const void *text, size_t len,
                     uint8_t out[AM_STATELOG_HASH_LEN]);

/* Called once with the snapshot payload, then once per entry payload (unframed and
 * revealed; text is NUL-terminated). line_no is 1-based. A negative return stops the reading with
 * that code (the callback writes err). */
typedef int (*am_statelog_line_fn)(void *arg, const char *text, size_t len, size_t line_no,
                                   char *err, size_t err_len);

/* Opens (creating when absent) path for appending, after feeding the existing lines to
 * on_line. *ret_existed tells whether there was a snapshot. Returns 0, -errno (err says
 * what failed) or the callback's code. */
int am_statelog_open(const char *path, am_statelog_line_fn on_line, void *arg,
                     struct am_statelog **ret, bool *ret_existed, char *err, size_t err_len);
/* Closes without syncing what is still buffered. Accepts NULL. */
void am_statelog_close(struct am_statelog *log);

/* Buffers one entry (text must not contain '\n'). Returns 0, -ENOMEM, or -EPROTO on a
 * file of the previous format not yet compacted. */
int am_statelog_append(struct am_statelog *log, const char *text, size_t len);
/* True when buffered entries wait for am_statelog_sync() (or a batch is being written). */
bool am_statelog_dirty(const struct am_statelog *log);
/* Writes what is buffered and fdatasyncs. Returns 0 or -errno (the buffer is kept, so
 * a later sync retries; the failed bytes may be half written: the file is cut back to
 * its last good length first). Same as am_statelog_sync_begin() then, when it returned 1,
 * am_statelog_sync_run(). */
int am_statelog_sync(struct am_statelog *log);
/* The sync in two steps, so the write and fdatasync can run on another thread while the
 * caller goes on appending. begin (the appending thread) takes every entry buffered so
 * far as one batch: returns 1 (then exactly one am_statelog_sync_run() must follow, on
 * any thread), 0 when nothing waits, or -ENOMEM. It waits while an earlier batch is still
 * being written, and so do compact, close and sync: batches land in order. run writes and
 * fdatasyncs the batch: 0 or -errno as am_statelog_sync() (a failed batch is written
 * again, first, by the next one). Appends may run meanwhile; they join the next batch. */
int am_statelog_sync_begin(struct am_statelog *log);
int am_statelog_sync_run(struct am_statelog *log);

/* Replaces the file with snapshot (len bytes, no '\n') atomically (see above); the
 * buffered entries are dropped (the snapshot already holds their effect). Returns 0 or
 * -errno (the old file stays in force). */
int am_statelog_compact(struct am_statelog *log, const char *snapshot, size_t len);

/* Takes the next piece of a snapshot payload. Returns 0 or -errno (the snapshot stops). */
typedef int (*am_statelog_put_fn)(void *put_arg, const char *text, size_t len);
/* Writes the snapshot payload (no '\n') through put, in pieces each cut between two JSON
 * values, never inside a string (key-shaped text is concealed piece by piece). Returns 0
 * or -errno. */
typedef int (*am_statelog_snapshot_fn)(void *arg, am_statelog_put_fn put, void *put_arg);

/* Compaction in the background, for a large state: forks a child that calls snapshot
 * (on its copy of the memory: the state as it is now) and writes PATH.tmp - the snapshot,
 * then the records appended here meanwhile, re-framed onto the new chain and checked
 * against the old one - at a lower priority, holding none of the parent's descriptors.
 * Appends and syncs go on in PATH meanwhile. am_statelog_compact_poll() (the appending
 * thread) finishes it once the child has reported: it copies the last records, re-frames
 * the batches not yet written, fsyncs PATH.tmp and renames it over PATH. Until then PATH
 * is the old file, complete. am_statelog_compact(), close and a failure cancel it (the
 * child is killed, PATH.tmp removed).
 * start returns 0, -EALREADY (one is running), -EPROTO (previous format) or -errno (fork,
 * pipe). poll returns 1 while it runs, 0 when none was running, 2 when it finished now
 * (*ret_snapshot_len, may be NULL, gets the new snapshot record's length) or -errno when
 * it failed now (the old file stays in force). wait: block until the child is done. */
int am_statelog_compact_start(struct am_statelog *log, am_statelog_snapshot_fn snapshot,
                              void *arg);
int am_statelog_compact_poll(struct am_statelog *log, bool wait, uint64_t *ret_snapshot_len);
bool am_statelog_compacting(const struct am_statelog *log);
/* CPU time (user + system, microseconds) of the last background compaction's child. */
uint64_t am_statelog_compaction_cpu_us(const struct am_statelog *log);
/* Catch-up passes the child makes over the records appended meanwhile before it reports
 * (the parent copies the rest); tests set 0 to make the parent copy them all. */
extern int am_statelog_bg_catch_up_passes;

/* Entries and bytes appended since the snapshot (for the compaction policy). */
size_t am_statelog_entries(const struct am_statelog *log);
uint64_t am_statelog_bytes(const struct am_statelog *log);
/* fdatasync calls made so far (one covers a whole batch). */
uint64_t am_statelog_syncs(const struct am_statelog *log);
/* Entries appended since open, across compactions. */
uint64_t am_statelog_entries_total(const struct am_statelog *log);

/* The format of the file as opened: AM_STATELOG_FORMAT, or 1 or 2 (previous ones) until
 * the first compaction. */
int am_statelog_format(const struct am_statelog *log);
/* Bytes of the torn final record cut off at open (0 = none); *ret_line (may be NULL)
 * gets its line number. */
uint64_t am_statelog_torn(const struct am_statelog *log, size_t *ret_line);

/* Recovery (not open): copies path whole to keep_path (atomic_file.h, 0600), then cuts
 * path just before line line_no (1-based), calling on_dropped (may be NULL; its return
 * is ignored) with each line cut, in order. *ret_bytes gets the bytes cut (0 when the file
 * has no such line; then nothing is copied). Returns 0 or -errno with err. */
int am_statelog_cut(const char *path, size_t line_no, const char *keep_path,
                    am_statelog_line_fn on_dropped, void *arg, uint64_t *ret_bytes, char *err,
                    size_t err_len);

#endif

/* statelog.h - the --state-file on disk: a snapshot line, then an append-only log (pure:
 * plain file I/O, no sockets).
 *
 * Layout: line 1 is a snapshot (compact JSON, state.h); every later line is one log
 * entry (compact JSON, persist.h). Appends are buffered by am_statelog_append() and made
 * durable by am_statelog_sync() (write + fdatasync) BEFORE the answers they cover leave,
 * so an acknowledged write survives kill -9 and power loss (as far as the disk honours
 * fdatasync). A crash mid-append leaves a last line without its newline: it was never
 * acknowledged, so opening cuts it off. Compaction writes PATH.tmp (the new snapshot),
 * fsyncs it, renames it over PATH and fsyncs the directory: at every instant PATH holds
 * either the old snapshot + log or the new snapshot, never a mix.
 *
 * Ownership: an am_statelog owns its descriptor and buffer; callbacks borrow the lines. */
#ifndef AM_STATELOG_H
#define AM_STATELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct am_statelog;

/* Called once with the snapshot line, then once per entry line (without the newline;
 * text is NUL-terminated). line_no is 1-based. A negative return stops the reading with
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

/* Buffers one entry (text must not contain '\n'). Returns 0 or -ENOMEM. */
int am_statelog_append(struct am_statelog *log, const char *text, size_t len);
/* True when buffered entries wait for am_statelog_sync(). */
bool am_statelog_dirty(const struct am_statelog *log);
/* Writes what is buffered and fdatasyncs. Returns 0 or -errno (the buffer is kept, so
 * a later sync retries; the failed bytes may be half written: the file is cut back to
 * its last good length first). */
int am_statelog_sync(struct am_statelog *log);

/* Replaces the file with snapshot (len bytes, no '\n') atomically (see above); the
 * buffered entries are dropped (the snapshot already holds their effect). Returns 0 or
 * -errno (the old file stays in force). */
int am_statelog_compact(struct am_statelog *log, const char *snapshot, size_t len);

/* Entries and bytes appended since the snapshot (for the compaction policy). */
size_t am_statelog_entries(const struct am_statelog *log);
uint64_t am_statelog_bytes(const struct am_statelog *log);
/* fdatasync calls made so far (one covers a whole batch). */
uint64_t am_statelog_syncs(const struct am_statelog *log);
/* Entries appended since open, across compactions. */
uint64_t am_statelog_entries_total(const struct am_statelog *log);

#endif

/* journal.h - a bounded ring of recent requests, redacted, for /__mock/journal (pure).
 *
 * Entries are held as packed copies (no pointers into requests; strings back to back, so a
 * typical entry takes ~140 bytes, not the struct's ~720); keys appear only in their
 * redacted form. Owns its memory; free with am_journal_free(). */
#ifndef AM_JOURNAL_H
#define AM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

struct am_journal_entry {
    uint64_t seq;
    char request_id[65]; /* request ids are up to 64 characters */
    int64_t time_ms;    /* Unix milliseconds */
    char method[8];
    char path[192];     /* path + "?" + query, truncated */
    int status;
    char client_ip[46]; /* INET6_ADDRSTRLEN */
    char account[64];
    char auth[32];
    char key[AM_KEY_REDACTED_LEN];
    char route[40];
    char fault[24];      /* fault kind that fired, "" when none */
    char fault_rule[64]; /* its rule id (AM_FAULT_ID_MAX), "" for X-Mock-Fault or none */
    char exchange[64];   /* fixture exchange that answered, "" when none */
    uint64_t duration_us;
    uint64_t bytes;
};

struct am_journal;

/* capacity >= 1. NULL on OOM. */
struct am_journal *am_journal_new(size_t capacity);
void am_journal_free(struct am_journal *j);

/* Copies e into the ring (seq assigned here), overwriting the oldest when full. */
void am_journal_add(struct am_journal *j, const struct am_journal_entry *e);

/* Entries currently held. */
size_t am_journal_count(const struct am_journal *j);
/* i-th newest entry (0 = newest), NULL past the end, unpacked into the journal's one
 * scratch entry: borrowed until the next am_journal_newest or add. */
const struct am_journal_entry *am_journal_newest(const struct am_journal *j, size_t i);
/* Empties the ring; returns how many were dropped. */
size_t am_journal_clear(struct am_journal *j);

#endif

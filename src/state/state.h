/* state.h - whole-account snapshots in the fixtures format (pure).
 *
 * A snapshot is an accounts.json file with more in it: every account keeps its
 * accounts.json members (id, name, requireUserAgent, allowedIps, keys - as sha256 and
 * redacted display only, never a key) and adds "clock" and "data" (its customers,
 * billing and recurring state, exact to the field, except that key-shaped text a client
 * put in a field is scrubbed as in the state file's log entries); the top level adds
 * "ids", the id generator's position. So GET /__mock/state saved as DIR/accounts.json is
 * a fixtures folder, PUT /__mock/state takes the same text, and --state-file keeps it as
 * its base.
 *   {"accounts":[{"id":"default", ..., "keys":[{"id":..,"sha256":..,"display":..}],
 *                 "clock":{"mode":"REAL","frozenAt":null,"offsetSeconds":0},
 *                 "data":{"customers":[...],"billing":{...},"recurring":{...}}}],
 *    "ids":{"state":"123","customerSeq":"456","requestSeq":"0"}}
 * Exporters return new cJSON trees (caller owns, NULL on OOM); importers borrow their
 * input and return 0, -EINVAL with "where.member: reason" in err, or -ENOMEM. */
#ifndef AM_STATE_H
#define AM_STATE_H

#include <stddef.h>

#include "clock.h"
#include "ids.h"
#include "registry.h"

struct cJSON;

/* An account's three stores as one value (each owned by whoever holds the struct). */
struct am_stores {
    struct am_customer_store *customers;
    struct am_billing *billing;
    struct am_recurring *recurring;
    struct am_webhooks *webhooks;
    struct am_records *records;
    struct am_secreport *secreport; /* NULL = no findings */
};

/* Frees the stores and zeroes s. Accepts NULL and empty members. */
void am_stores_free(struct am_stores *s);
/* Exchanges the account's stores with s (s then holds the account's previous ones). */
void am_stores_swap(struct am_account *a, struct am_stores *s);
/* New empty stores for account_id. Returns 0 or -ENOMEM (s left empty). */
int am_stores_new(const char *account_id, struct am_stores *s);

/* The snapshot of one account (account_id) or of all (NULL), with ids when not NULL,
 * exact to the byte (the --state-file keeps it, concealing key-shaped text reversibly).
 * Returns NULL on OOM; an unknown account_id gives {"accounts":[]}. */
struct cJSON *am_state_export(struct am_registry *reg, const struct am_ids *ids,
                              const char *account_id);
/* cJSON_PrintUnformatted(am_state_export(reg, ids, NULL)), the same bytes, printed several
 * times faster for a large state: the customers are written straight to text rather
 * than built as a tree (the --state-file's snapshots). _write hands the text to put (arg
 * passed on) in pieces, each cut between JSON values, never inside a string, so a
 * large state is never one text in memory (the compaction child's); returns 0, -ENOMEM
 * or put's error. _text returns it whole: NULL on OOM; *ret_len (may be NULL) gets the
 * length. */
int am_state_snapshot_write(struct am_registry *reg, const struct am_ids *ids,
                            int (*put)(void *arg, const char *text, size_t len), void *arg);
char *am_state_snapshot_text(struct am_registry *reg, const struct am_ids *ids, size_t *ret_len);
/* The same for outputs a person or another tool reads (GET /__mock/state, --state-out):
 * key-shaped text a client put in a field is scrubbed (am_key_scrub_json), so such a
 * field does not round-trip through them; everything else does. */
struct cJSON *am_state_export_public(struct am_registry *reg, const struct am_ids *ids,
                                     const char *account_id);

/* "data" of one account: {"customers":[...],"billing":{...},"recurring":{...}}. */
struct cJSON *am_state_export_data(const struct am_account *a);
/* Builds new stores from "data" (absent members give empty stores). On success *ret
 * owns them (am_stores_free). */
int am_state_import_data(const struct cJSON *data, const char *account_id, const char *where,
                         struct am_stores *ret, char *err, size_t err_len);

struct cJSON *am_state_export_clock(const struct am_clock *c);
int am_state_import_clock(const struct cJSON *o, const char *where, struct am_clock *ret,
                          char *err, size_t err_len);

struct cJSON *am_state_export_ids(const struct am_ids *ids);
int am_state_import_ids(const struct cJSON *o, const char *where, struct am_ids *ret, char *err,
                        size_t err_len);

#endif

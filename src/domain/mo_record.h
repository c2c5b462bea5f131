/* mo_record.h - what the money-out areas share (pure): transfers, bills, mobile
 * recharges, anticipations and escrow keep their objects as Asaas JSON in the account's
 * records store (records.h); these helpers edit such an object in place, read its
 * private cents, emit its events and walk a collection for a daily job.
 *
 * Ownership: objects are borrowed from the records store; values are copied in. */
#ifndef AM_MO_RECORD_H
#define AM_MO_RECORD_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;
struct am_billing;
struct am_ids;

/* Replaces (or adds) key of o with a string / null (v NULL) / day ("YYYY-MM-DD", null
 * for AM_NO_DAY) / bool / integer / money amount. Return 0 or -ENOMEM. */
int am_mo_set_str(struct cJSON *o, const char *key, const char *v);
int am_mo_set_day(struct cJSON *o, const char *key, int64_t day);
int am_mo_set_bool(struct cJSON *o, const char *key, bool v);
int am_mo_set_int(struct cJSON *o, const char *key, int64_t v);
int am_mo_set_money(struct cJSON *o, const char *key, int64_t cents);

/* An integer member (private cents, days); dflt when absent or not a number. */
int64_t am_mo_int(const struct cJSON *o, const char *key, int64_t dflt);
/* A string member, NULL when absent or not a string. Borrowed. */
const char *am_mo_str(const struct cJSON *o, const char *key);
/* true when o's "status" is s. */
bool am_mo_status_is(const struct cJSON *o, const char *s);

/* Appends event name with o's public JSON (am_records_public) as the snapshot, under
 * resource_type with o's "id". Returns 0 or -ENOMEM. */
int am_mo_emit(struct am_billing *b, const char *name, int64_t now, const char *resource_type,
               const struct cJSON *o);

/* Walks coll from the first object that may still change (a cursor kept in the
 * records document "moneyoutCursors"), calling step on each: step returns 1 when the
 * object is final (it never changes again), 0 when still open, <0 to stop with that
 * error. The cursor moves past the leading final objects, so a day's job costs the
 * open objects, not the whole history. Returns 0 or step's error / -ENOMEM. */
struct am_records;
typedef int (*am_mo_step_fn)(struct cJSON *obj, void *ud);
int am_mo_walk(struct am_records *rec, const char *coll, am_mo_step_fn step, void *ud);


#endif

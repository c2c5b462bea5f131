/* records_state.h - exact export/import of an account's records store (pure).
 *
 * Format: {"collections":{"<name>":[<object>, ...]}, "docs":{"<name>":{...}},
 *          "counters":{"<name>":"<decimal>"}}; every object exactly as stored, private
 * '_' members included. Exporters return a new tree (caller owns, NULL on OOM);
 * the importer borrows its input and returns 0 (*ret owns the store), -EINVAL with
 * "where.member: reason" in err, or -ENOMEM. */
#ifndef AM_RECORDS_STATE_H
#define AM_RECORDS_STATE_H

#include <stddef.h>

struct cJSON;
struct am_records;

struct cJSON *am_records_state_export(const struct am_records *r);
int am_records_state_import(const struct cJSON *o, const char *where, struct am_records **ret,
                            char *err, size_t err_len);

#endif

/* state_codec.h - field codecs shared by the state exporters/importers (pure).
 *
 * A snapshot stores every field of every object exactly (GET /__mock/state, --state-file,
 * reset): money as integer cents, calendar days as "YYYY-MM-DD", instants as
 * "YYYY-MM-DD HH:MM:SS" in Brasilia time (exact to the second, like the account clock),
 * nulls as JSON null. Writers add one member to an object; readers read one member,
 * leave *ret untouched when the member is absent (callers preset defaults), and on a
 * wrong type or range write "where.key: reason" into err and return -EINVAL.
 * Borrow everything; strings returned by am_sc_get_str are new (free()). */
#ifndef AM_STATE_CODEC_H
#define AM_STATE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* Writers: return 0 or -ENOMEM. */
int am_sc_add_str(struct cJSON *o, const char *key, const char *v); /* NULL -> null */
int am_sc_add_int(struct cJSON *o, const char *key, int64_t v);    /* |v| < 2^53 */
int am_sc_add_bool(struct cJSON *o, const char *key, bool v);
int am_sc_add_day(struct cJSON *o, const char *key, int64_t day);  /* AM_NO_DAY -> null */
int am_sc_add_instant(struct cJSON *o, const char *key, int64_t t); /* exact seconds */
/* An instant where 0 means null (lastInvoiceViewedDate, ...). */
int am_sc_add_instant0(struct cJSON *o, const char *key, int64_t t);
/* The same member as am_sc_add_instant, written by a DOM-free writer (util/jsonw.h): the
 * bytes cJSON prints for it. */
struct am_jsonw;
void am_sc_jw_instant(struct am_jsonw *w, const char *key, int64_t t);

/* Checks o is an object whose members are all in allowed (NULL-terminated), unique. */
int am_sc_check_object(const struct cJSON *o, const char *const *allowed, const char *where,
                       char *err, size_t err_len);

/* Readers. *ret is untouched when key is absent. */
int am_sc_get_str(const struct cJSON *o, const char *key, char **ret, const char *where,
                  char *err, size_t err_len); /* null -> NULL; replaces (frees) *ret */
/* Into a fixed buffer: null -> ""; longer than cap - 1 is an error. */
int am_sc_get_buf(const struct cJSON *o, const char *key, char *buf, size_t cap,
                  const char *where, char *err, size_t err_len);
int am_sc_get_int(const struct cJSON *o, const char *key, int64_t min, int64_t max,
                  int64_t *ret, const char *where, char *err, size_t err_len);
int am_sc_get_bool(const struct cJSON *o, const char *key, bool *ret, const char *where,
                   char *err, size_t err_len);
int am_sc_get_day(const struct cJSON *o, const char *key, int64_t *ret, const char *where,
                  char *err, size_t err_len); /* null -> AM_NO_DAY */
int am_sc_get_instant(const struct cJSON *o, const char *key, int64_t *ret, const char *where,
                      char *err, size_t err_len); /* null is an error */
int am_sc_get_instant0(const struct cJSON *o, const char *key, int64_t *ret, const char *where,
                       char *err, size_t err_len); /* null -> 0 */
/* An enum stored by name: name_of(i) for i in [0, count) must give the names. */
int am_sc_get_enum(const struct cJSON *o, const char *key, const char *(*name_of)(int), int count,
                   int *ret, const char *where, char *err, size_t err_len);

/* A 64-bit unsigned number written as decimal text (ids, seeds: a JSON number cannot
 * carry 64 bits). True with *ret set when item is such a string. */
bool am_sc_parse_u64(const struct cJSON *item, uint64_t *ret);
/* Writer and reader of such a member (absent: *ret untouched). */
int am_sc_add_u64(struct cJSON *o, const char *key, uint64_t v);
int am_sc_get_u64(const struct cJSON *o, const char *key, uint64_t *ret, const char *where,
                  char *err, size_t err_len);

/* "where[i]" / "where.key" into out, for nested messages. */
const char *am_sc_where_index(char *out, size_t out_len, const char *where, size_t i);
const char *am_sc_where_key(char *out, size_t out_len, const char *where, const char *key);

#endif

/* pix_json.h - editing the records' JSON objects of the Pix areas in place (pure).
 *
 * The setters replace a member that exists (keeping its position, so Asaas's field
 * order set at creation stays) or append it. They return false on OOM. Getters borrow. */
#ifndef AM_PIX_JSON_H
#define AM_PIX_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;

bool am_pix_set_str(struct cJSON *o, const char *key, const char *value); /* NULL = null */
bool am_pix_set_num(struct cJSON *o, const char *key, double value);
bool am_pix_set_bool(struct cJSON *o, const char *key, bool value);
bool am_pix_set_money(struct cJSON *o, const char *key, int64_t cents);
/* "YYYY-MM-DD HH:MM:SS" of instant t (Brasilia time). */
bool am_pix_set_datetime(struct cJSON *o, const char *key, int64_t t);
/* "YYYY-MM-DD" of day, null for AM_NO_DAY. */
bool am_pix_set_day(struct cJSON *o, const char *key, int64_t day);

/* A string member, NULL when absent or not a string. */
const char *am_pix_str(const struct cJSON *o, const char *key);
/* A number member, dflt when absent or not a number. */
int64_t am_pix_num(const struct cJSON *o, const char *key, int64_t dflt);
/* A money member in cents, 0 when absent. */
int64_t am_pix_money(const struct cJSON *o, const char *key);
/* The string member key equals value. */
bool am_pix_is(const struct cJSON *o, const char *key, const char *value);

#endif

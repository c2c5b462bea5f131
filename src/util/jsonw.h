/* jsonw.h - a DOM-free JSON writer straight into one growable buffer (pure).
 *
 * The hot renders (customers, payments, list envelopes) write their answer here instead of
 * building a cJSON tree only to print it. The bytes are exactly what cJSON_PrintUnformatted
 * prints for the same tree: keys in call order, strings escaped like cJSON (", \, \b \f \n
 * \r \t, other control bytes as \u00xx, everything else raw), numbers as cJSON prints them.
 *
 * Usage: struct am_jsonw w = {0}; am_jsonw_obj(&w, NULL); am_jsonw_str(&w, "id", id); ...
 * am_jsonw_end_obj(&w); then am_jsonw_take() (or hand it to am_response_jsonw()). Every
 * member function takes a key; pass NULL for an array element or the top-level value.
 * An allocation failure is sticky: later calls do nothing and am_jsonw_take() returns NULL,
 * so callers check once at the end. The writer owns its buffer until taken or freed. */
#ifndef AM_JSONW_H
#define AM_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct am_jsonw {
    char *p;
    size_t len, cap;
    bool oom;
    bool comma; /* a value already stands in the current container */
};

void am_jsonw_obj(struct am_jsonw *w, const char *key);
void am_jsonw_end_obj(struct am_jsonw *w);
void am_jsonw_arr(struct am_jsonw *w, const char *key);
void am_jsonw_end_arr(struct am_jsonw *w);

/* A string; NULL writes null. */
void am_jsonw_str(struct am_jsonw *w, const char *key, const char *value);
/* A string of exactly len bytes (may hold NULs, escaped as \u0000). */
void am_jsonw_strn(struct am_jsonw *w, const char *key, const char *value, size_t len);
void am_jsonw_null(struct am_jsonw *w, const char *key);
void am_jsonw_bool(struct am_jsonw *w, const char *key, bool value);
/* An integer, printed as cJSON prints the same number (a double). */
void am_jsonw_int(struct am_jsonw *w, const char *key, int64_t value);
/* A double exactly as cJSON prints it ("%1.15g", else "%1.17g"; NaN/inf as null). */
void am_jsonw_double(struct am_jsonw *w, const char *key, double value);
/* An amount of integer cents as cJSON prints cents/100.0 (9801 -> 98.01, 50 -> 0.5,
 * 10000 -> 100), formatted from the integer without floating point. */
void am_jsonw_cents(struct am_jsonw *w, const char *key, int64_t cents);
/* A value already rendered as JSON text (len bytes), copied as is. */
void am_jsonw_raw(struct am_jsonw *w, const char *key, const char *json, size_t len);

/* Empties the text and keeps the buffer for reuse (a sticky failure is cleared too). */
void am_jsonw_reset(struct am_jsonw *w);
/* The NUL-terminated text (caller frees; *ret_len may be NULL), or NULL after an
 * allocation failure; w is emptied either way. */
char *am_jsonw_take(struct am_jsonw *w, size_t *ret_len);
/* Frees the buffer. */
void am_jsonw_free(struct am_jsonw *w);

#endif

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
 * so callers check once at the end. The writer owns its buffer until taken or freed; while
 * it writes, p[len] is a NUL (once p exists).
 *
 * The member functions are inline wrappers that pass strlen(key) on to the writer: for a
 * literal key the compiler folds it, so a member costs no scan of its constant key beyond
 * the check that it needs no escaping (keys are escaped like values all the same). */
#ifndef AM_JSONW_H
#define AM_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct am_jsonw {
    char *p;
    size_t len, cap;
    bool oom;
    bool comma; /* a value already stands in the current container */
};

/* The writer itself: klen is strlen(key), unused when key is NULL. Call the wrappers. */
void am_jsonw_obj_k(struct am_jsonw *w, const char *key, size_t klen);
void am_jsonw_arr_k(struct am_jsonw *w, const char *key, size_t klen);
void am_jsonw_str_k(struct am_jsonw *w, const char *key, size_t klen, const char *value);
void am_jsonw_strn_k(struct am_jsonw *w, const char *key, size_t klen, const char *value,
                     size_t len);
void am_jsonw_null_k(struct am_jsonw *w, const char *key, size_t klen);
void am_jsonw_bool_k(struct am_jsonw *w, const char *key, size_t klen, bool value);
void am_jsonw_int_k(struct am_jsonw *w, const char *key, size_t klen, int64_t value);
void am_jsonw_double_k(struct am_jsonw *w, const char *key, size_t klen, double value);
void am_jsonw_cents_k(struct am_jsonw *w, const char *key, size_t klen, int64_t cents);
void am_jsonw_raw_k(struct am_jsonw *w, const char *key, size_t klen, const char *json,
                    size_t len);

static inline size_t am_jsonw_klen(const char *key)
{
    return key ? strlen(key) : 0;
}

static inline void am_jsonw_obj(struct am_jsonw *w, const char *key)
{
    am_jsonw_obj_k(w, key, am_jsonw_klen(key));
}

void am_jsonw_end_obj(struct am_jsonw *w);

static inline void am_jsonw_arr(struct am_jsonw *w, const char *key)
{
    am_jsonw_arr_k(w, key, am_jsonw_klen(key));
}

void am_jsonw_end_arr(struct am_jsonw *w);

/* A string; NULL writes null. */
static inline void am_jsonw_str(struct am_jsonw *w, const char *key, const char *value)
{
    am_jsonw_str_k(w, key, am_jsonw_klen(key), value);
}

/* A string of exactly len bytes (may hold NULs, escaped as \u0000). */
static inline void am_jsonw_strn(struct am_jsonw *w, const char *key, const char *value,
                                 size_t len)
{
    am_jsonw_strn_k(w, key, am_jsonw_klen(key), value, len);
}

static inline void am_jsonw_null(struct am_jsonw *w, const char *key)
{
    am_jsonw_null_k(w, key, am_jsonw_klen(key));
}

static inline void am_jsonw_bool(struct am_jsonw *w, const char *key, bool value)
{
    am_jsonw_bool_k(w, key, am_jsonw_klen(key), value);
}

/* An integer, printed as cJSON prints the same number (a double). */
static inline void am_jsonw_int(struct am_jsonw *w, const char *key, int64_t value)
{
    am_jsonw_int_k(w, key, am_jsonw_klen(key), value);
}

/* A double exactly as cJSON prints it ("%1.15g", else "%1.17g"; NaN/inf as null); an
 * integral one below 10^15 takes the integer path, without printf. */
static inline void am_jsonw_double(struct am_jsonw *w, const char *key, double value)
{
    am_jsonw_double_k(w, key, am_jsonw_klen(key), value);
}

/* An amount of integer cents as cJSON prints cents/100.0 (9801 -> 98.01, 50 -> 0.5,
 * 10000 -> 100), formatted from the integer without floating point. */
static inline void am_jsonw_cents(struct am_jsonw *w, const char *key, int64_t cents)
{
    am_jsonw_cents_k(w, key, am_jsonw_klen(key), cents);
}

/* A value already rendered as JSON text (len bytes), copied as is. */
static inline void am_jsonw_raw(struct am_jsonw *w, const char *key, const char *json,
                                size_t len)
{
    am_jsonw_raw_k(w, key, am_jsonw_klen(key), json, len);
}

/* Makes room for n more bytes now (one allocation for a text whose size is known). */
void am_jsonw_reserve(struct am_jsonw *w, size_t n);
/* Empties the text and keeps the buffer for reuse (a sticky failure is cleared too). */
void am_jsonw_reset(struct am_jsonw *w);
/* The NUL-terminated text (caller frees; *ret_len may be NULL), or NULL after an
 * allocation failure; w is emptied either way. */
char *am_jsonw_take(struct am_jsonw *w, size_t *ret_len);
/* Frees the buffer. */
void am_jsonw_free(struct am_jsonw *w);

#endif

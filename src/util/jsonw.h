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

/* The writer's part of the inline fast paths below (not for direct use): the value at o,
 * past "key": with room reserved (len + 2 for a string, 24 for a number), and the end of
 * the member. Integers below 10^15 and cents below 10^13 print without floating point. */
#define AM_JSONW_EXACT_INT 1000000000000000LL
#define AM_JSONW_EXACT_CENTS 10000000000000LL
void am_jsonw_str_at(struct am_jsonw *w, char *o, const char *value, size_t len);
void am_jsonw_int_at(struct am_jsonw *w, char *o, int64_t value);
void am_jsonw_cents_at(struct am_jsonw *w, char *o, int64_t cents);

static inline size_t am_jsonw_klen(const char *key)
{
    return key ? strlen(key) : 0;
}

/* ---- the inline fast path for literal keys --------------------------------------------
 * A member whose key the compiler sees as a literal of at most 32 bytes is written in
 * place: the key's copy and its escaping check work on words loaded from the literal,
 * which the compiler folds into constant stores and a constant "no escape". Anything
 * else (NULL, a variable key, a key to escape, no room, -O0) calls the writer. */

/* Inlined even where the compiler would not: the folding depends on it. */
#define AM_JSONW_INLINE static inline __attribute__((always_inline))
#define AM_JSONW_ONES 0x0101010101010101ULL

/* Bit 7 set in (at least) every byte of x that JSON escapes: below 0x20, '"' or '\\'.
 * Each term is the classic "has a byte below n / equal to c" test: exact in telling
 * whether any byte matches, and (borrows only run towards higher bytes) in which is the
 * lowest one; higher flags may be false. Bytes >= 0x80 (UTF-8) are never flagged: ~x
 * clears their bit 7, and XOR with '"' or '\\' keeps bit 7 as it was. */
AM_JSONW_INLINE uint64_t am_jsonw_unsafe8(uint64_t x)
{
    return ((x - AM_JSONW_ONES * 0x20) | ((x ^ (AM_JSONW_ONES * '"')) - AM_JSONW_ONES) |
            ((x ^ (AM_JSONW_ONES * '\\')) - AM_JSONW_ONES)) &
           ~x & (AM_JSONW_ONES * 0x80);
}

/* Copies the n bytes of str to o (which has room for n) and returns nonzero when one of
 * them needs escaping (o's copy is then to be overwritten). Up to 16 bytes, the common
 * case, cost two loads and stores that may overlap; longer strings a loop of words. */
AM_JSONW_INLINE uint64_t am_jsonw_copy_check(char *o,
                                                                       const char *str,
                                                                       size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    uint64_t x, y;

    if (n >= 8) {
        if (n > 16) {
            uint64_t bad = 0;
            size_t i = 0;

            for (; i + 8 < n; i += 8) {
                memcpy(&x, s + i, 8);
                bad |= am_jsonw_unsafe8(x);
                memcpy(o + i, &x, 8);
            }
            memcpy(&x, s + n - 8, 8);
            memcpy(o + n - 8, &x, 8);
            return bad | am_jsonw_unsafe8(x);
        }
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        memcpy(o, &x, 8);
        memcpy(o + n - 8, &y, 8);
        return am_jsonw_unsafe8(x) | am_jsonw_unsafe8(y);
    }
    if (n >= 4) {
        uint32_t a, b;

        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(o, &a, 4);
        memcpy(o + n - 4, &b, 4);
        return am_jsonw_unsafe8(a | (uint64_t)b << 32);
    }
    if (n) {
        /* 1..3 bytes: first, middle and last cover them; the rest is a safe 'a'. */
        uint64_t a = s[0], b = s[n / 2], c = s[n - 1];

        o[0] = (char)a;
        o[n / 2] = (char)b;
        o[n - 1] = (char)c;
        return am_jsonw_unsafe8(a | b << 8 | c << 16 | (AM_JSONW_ONES * 'a') << 24);
    }
    return 0;
}

/* The compiler sees key as a literal of at most 32 bytes (always false at -O0). */
AM_JSONW_INLINE bool am_jsonw_literal_key(const char *key, size_t klen)
{
    return __builtin_constant_p(key != NULL) && key && __builtin_constant_p(klen) && klen <= 32;
}

/* ,"key": in place for a literal key (am_jsonw_literal_key) when room bytes more fit;
 * NULL: call the writer. */
AM_JSONW_INLINE char *
am_jsonw_literal_member(struct am_jsonw *w, const char *key, size_t klen, size_t room)
{
    char *o;

    if (w->oom || w->len + klen + 4 + room >= w->cap)
        return NULL;
    o = w->p + w->len;
    *o = ',';
    o += w->comma;
    *o++ = '"';
    if (am_jsonw_copy_check(o, key, klen))
        return NULL; /* a key to escape: the writer starts the member again */
    o += klen;
    *o++ = '"';
    *o++ = ':';
    return o;
}

/* Ends an in-place member at o. */
AM_JSONW_INLINE void am_jsonw_literal_end(struct am_jsonw *w, char *o)
{
    *o = '\0';
    w->len = (size_t)(o - w->p);
    w->comma = true;
}

AM_JSONW_INLINE void am_jsonw_obj(struct am_jsonw *w, const char *key)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && (o = am_jsonw_literal_member(w, key, klen, 1))) {
        *o++ = '{';
        am_jsonw_literal_end(w, o);
        w->comma = false;
        return;
    }
    am_jsonw_obj_k(w, key, klen);
}

void am_jsonw_end_obj(struct am_jsonw *w);

static inline void am_jsonw_arr(struct am_jsonw *w, const char *key)
{
    am_jsonw_arr_k(w, key, am_jsonw_klen(key));
}

void am_jsonw_end_arr(struct am_jsonw *w);

/* A string; NULL writes null. */
AM_JSONW_INLINE void am_jsonw_str(struct am_jsonw *w, const char *key, const char *value)
{
    size_t klen = am_jsonw_klen(key), len;
    char *o;

    if (am_jsonw_literal_key(key, klen)) {
        if (!value) {
            if ((o = am_jsonw_literal_member(w, key, klen, 4))) {
                memcpy(o, "null", 4);
                am_jsonw_literal_end(w, o + 4);
                return;
            }
        } else {
            len = strlen(value);
            if ((o = am_jsonw_literal_member(w, key, klen, len + 2))) {
                am_jsonw_str_at(w, o, value, len);
                return;
            }
        }
    }
    am_jsonw_str_k(w, key, klen, value);
}

/* A string of exactly len bytes (may hold NULs, escaped as \u0000). */
AM_JSONW_INLINE void am_jsonw_strn(struct am_jsonw *w, const char *key, const char *value,
                                   size_t len)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && (o = am_jsonw_literal_member(w, key, klen, len + 2))) {
        am_jsonw_str_at(w, o, value, len);
        return;
    }
    am_jsonw_strn_k(w, key, klen, value, len);
}

AM_JSONW_INLINE void am_jsonw_null(struct am_jsonw *w, const char *key)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && (o = am_jsonw_literal_member(w, key, klen, 4))) {
        memcpy(o, "null", 4);
        am_jsonw_literal_end(w, o + 4);
        return;
    }
    am_jsonw_null_k(w, key, klen);
}

AM_JSONW_INLINE void am_jsonw_bool(struct am_jsonw *w, const char *key, bool value)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && (o = am_jsonw_literal_member(w, key, klen, 5))) {
        if (value)
            memcpy(o, "true", 4);
        else
            memcpy(o, "false", 5);
        am_jsonw_literal_end(w, o + (value ? 4 : 5));
        return;
    }
    am_jsonw_bool_k(w, key, klen, value);
}

/* An integer, printed as cJSON prints the same number (a double). */
AM_JSONW_INLINE void am_jsonw_int(struct am_jsonw *w, const char *key, int64_t value)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && value > -AM_JSONW_EXACT_INT &&
        value < AM_JSONW_EXACT_INT && (o = am_jsonw_literal_member(w, key, klen, 24))) {
        am_jsonw_int_at(w, o, value);
        return;
    }
    am_jsonw_int_k(w, key, klen, value);
}

/* A double exactly as cJSON prints it ("%1.15g", else "%1.17g"; NaN/inf as null); an
 * integral one below 10^15 takes the integer path, without printf. */
static inline void am_jsonw_double(struct am_jsonw *w, const char *key, double value)
{
    am_jsonw_double_k(w, key, am_jsonw_klen(key), value);
}

/* An amount of integer cents as cJSON prints cents/100.0 (9801 -> 98.01, 50 -> 0.5,
 * 10000 -> 100), formatted from the integer without floating point. */
AM_JSONW_INLINE void am_jsonw_cents(struct am_jsonw *w, const char *key, int64_t cents)
{
    size_t klen = am_jsonw_klen(key);
    char *o;

    if (am_jsonw_literal_key(key, klen) && cents > -AM_JSONW_EXACT_CENTS &&
        cents < AM_JSONW_EXACT_CENTS && (o = am_jsonw_literal_member(w, key, klen, 24))) {
        am_jsonw_cents_at(w, o, cents);
        return;
    }
    am_jsonw_cents_k(w, key, klen, cents);
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
/* Empties the text but not the writer's place in it (its open containers, a failure):
 * for a long text handed on in pieces, each once written (am_customers_state_write). */
void am_jsonw_cut(struct am_jsonw *w);
/* The NUL-terminated text (caller frees; *ret_len may be NULL), or NULL after an
 * allocation failure; w is emptied either way. */
char *am_jsonw_take(struct am_jsonw *w, size_t *ret_len);
/* Frees the buffer. */
void am_jsonw_free(struct am_jsonw *w);

#endif

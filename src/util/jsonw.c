/* jsonw.c - DOM-free JSON writer with cJSON's exact output (see jsonw.h).
 *
 * Every member is one reservation, the separator, the key and the value written in place.
 * Strings are copied eight bytes at a time while the same words are checked for bytes that
 * need escaping (a bit trick on the word); only a string that holds one takes the escaping
 * path, which still copies the runs between escapes with memcpy. No printf except for a
 * double that is not an integer. */
#include "jsonw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Makes the buffer hold at least need + 1 bytes (the NUL), doubling. False (and sticky
 * oom) when memory ran out. */
static bool grow(struct am_jsonw *w, size_t need)
{
    size_t cap;
    char *np;

    if (w->oom)
        return false;
    if (need + 1 < need) {
        w->oom = true; /* a size no allocation can hold */
        return false;
    }
    cap = w->cap ? w->cap : 1024;
    while (cap < need + 1) {
        if (cap > SIZE_MAX / 2) {
            cap = need + 1;
            break;
        }
        cap *= 2;
    }
    np = realloc(w->p, cap);
    if (!np) {
        w->oom = true;
        return false;
    }
    w->p = np;
    w->cap = cap;
    return true;
}

/* Room for the text to reach end bytes (plus its NUL). */
static inline bool room_to(struct am_jsonw *w, size_t end)
{
    return (end < w->cap && !w->oom) || grow(w, end);
}

void am_jsonw_reserve(struct am_jsonw *w, size_t n)
{
    room_to(w, w->len + n);
}

/* Extra bytes each byte costs in cJSON's print_string_ptr: 1 for the two-character
 * escapes (" \ \b \f \n \r \t), 5 for the other control bytes (\u00xx), 0 otherwise
 * (UTF-8 included, raw). */
static const unsigned char escape_extra[256] = {
    5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, /* \b \t \n \f \r */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

/* ---- eight bytes at a time --------------------------------------------------------- */

static inline uint64_t load64(const unsigned char *s)
{
    uint64_t x;

    memcpy(&x, s, sizeof(x));
    return x;
}

/* The word tests (am_jsonw_unsafe8, am_jsonw_copy_check) are in jsonw.h: the inline fast
 * path uses them too. */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_LITTLE_ENDIAN 1
#else
#define WORDS_LITTLE_ENDIAN 0
#endif

/* Index of the first byte of s[0..n) that needs escaping, n when none. */
static size_t find_unsafe(const unsigned char *s, size_t n)
{
    size_t i = 0;

#if WORDS_LITTLE_ENDIAN
    for (; i + 8 <= n; i += 8) {
        uint64_t f = am_jsonw_unsafe8(load64(s + i));

        if (f)
            return i + (size_t)__builtin_ctzll(f) / 8;
    }
#endif
    for (; i < n; i++)
        if (escape_extra[s[i]])
            return i;
    return n;
}

static size_t escape_cost(const unsigned char *u, size_t n)
{
    size_t extra = 0;

    for (size_t i = 0; i < n; i++)
        extra += escape_extra[u[i]];
    return extra;
}

/* Writes the n bytes of s at o escaped: the runs between escapes with memcpy. Returns the
 * end. o has room for n + escape_cost(s, n). */
static char *put_escaped(char *o, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;

    for (;;) {
        size_t j = find_unsafe(s, n);
        unsigned char c;

        memcpy(o, s, j);
        o += j;
        if (j == n)
            return o;
        c = s[j];
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 0xf];
            o += 5;
        }
        s += j + 1;
        n -= j + 1;
    }
}

/* ---- members ----------------------------------------------------------------------- */

/* A member whose key or string value holds a byte to escape: written again from its
 * separator with exact room for the escapes. Rare (keys are names chosen in code, most
 * values plain text), so out of line. */
static __attribute__((noinline)) void put_escaped_member(struct am_jsonw *w, bool comma,
                                                         const char *key, size_t klen,
                                                         const char *v, size_t vn, bool quote)
{
    size_t need = w->len + 1 + vn + 2;
    char *o;

    if (key)
        need += klen + escape_cost((const unsigned char *)key, klen) + 3;
    if (quote)
        need += escape_cost((const unsigned char *)v, vn);
    if (!room_to(w, need))
        return;
    o = w->p + w->len;
    if (comma)
        *o++ = ',';
    if (key) {
        *o++ = '"';
        o = put_escaped(o, key, klen);
        *o++ = '"';
        *o++ = ':';
    }
    if (quote) {
        *o++ = '"';
        o = put_escaped(o, v, vn);
        *o++ = '"';
    } else {
        memcpy(o, v, vn);
        o += vn;
    }
    w->comma = true;
    w->len = (size_t)(o - w->p);
    *o = '\0';
}

/* One member: the separator, "key": (none for a NULL key) and the value's vn bytes, as a
 * string (quote: quoted and escaped) or as they are (JSON text). One reservation; the key
 * and a string are copied and checked in the same pass. */
static inline void put(struct am_jsonw *w, const char *key, size_t klen, const char *v,
                       size_t vn, bool quote)
{
    bool comma = w->comma;
    uint64_t bad = 0;
    char *o;

    if (!room_to(w, w->len + klen + vn + 6))
        return;
    o = w->p + w->len;
    *o = ',';
    o += comma;
    if (key) {
        *o++ = '"';
        bad = am_jsonw_copy_check(o, key, klen);
        o += klen;
        *o++ = '"';
        *o++ = ':';
    }
    if (quote) {
        *o++ = '"';
        bad |= am_jsonw_copy_check(o, v, vn);
        o += vn;
        *o++ = '"';
    } else {
        memcpy(o, v, vn);
        o += vn;
    }
    if (bad) {
        put_escaped_member(w, comma, key, klen, v, vn, quote);
        return;
    }
    w->comma = true;
    w->len = (size_t)(o - w->p);
    *o = '\0';
}

static void put_c(struct am_jsonw *w, char c)
{
    if (!room_to(w, w->len + 1))
        return;
    w->p[w->len++] = c;
    w->p[w->len] = '\0';
}

void am_jsonw_obj_k(struct am_jsonw *w, const char *key, size_t klen)
{
    put(w, key, klen, "{", 1, false);
    w->comma = false;
}

void am_jsonw_end_obj(struct am_jsonw *w)
{
    put_c(w, '}');
    w->comma = true;
}

void am_jsonw_arr_k(struct am_jsonw *w, const char *key, size_t klen)
{
    put(w, key, klen, "[", 1, false);
    w->comma = false;
}

void am_jsonw_end_arr(struct am_jsonw *w)
{
    put_c(w, ']');
    w->comma = true;
}

void am_jsonw_strn_k(struct am_jsonw *w, const char *key, size_t klen, const char *s,
                     size_t n)
{
    put(w, key, klen, s, n, true);
}

void am_jsonw_str_k(struct am_jsonw *w, const char *key, size_t klen, const char *s)
{
    if (s)
        put(w, key, klen, s, strlen(s), true);
    else
        put(w, key, klen, "null", 4, false);
}

void am_jsonw_str_at(struct am_jsonw *w, char *o, const char *s, size_t n)
{
    /* o is past "key": with room for n + 2 reserved (jsonw.h's literal fast path) */
    *o++ = '"';
    if (am_jsonw_copy_check(o, s, n)) {
        size_t at = (size_t)(o - w->p);

        if (!room_to(w, at + n + escape_cost((const unsigned char *)s, n) + 1))
            return;
        o = put_escaped(w->p + at, s, n);
    } else {
        o += n;
    }
    *o++ = '"';
    w->comma = true;
    w->len = (size_t)(o - w->p);
    *o = '\0';
}

void am_jsonw_null_k(struct am_jsonw *w, const char *key, size_t klen)
{
    put(w, key, klen, "null", 4, false);
}

void am_jsonw_bool_k(struct am_jsonw *w, const char *key, size_t klen, bool b)
{
    if (b)
        put(w, key, klen, "true", 4, false);
    else
        put(w, key, klen, "false", 5, false);
}

/* "00".."99": two decimal digits per division. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal digits of v (no sign) ending at end; returns the first digit. */
static char *digits(uint64_t v, char *end)
{
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);

        v /= 100;
        end -= 2;
        memcpy(end, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* v in decimal ending at end; returns the first byte. */
static char *int_text(int64_t v, char *end)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *s = digits(mag, end);

    if (v < 0)
        *--s = '-';
    return s;
}

/* cents/100 as "%1.15g" prints it (|cents| < AM_JSONW_EXACT_CENTS): the integer part, then
 * the cents without trailing 0s. The text ends before end (3 bytes after it are used). */
static char *cents_text(int64_t cents, char *end, size_t *ret_len)
{
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    unsigned frac = (unsigned)(mag % 100);
    char *s = digits(mag / 100, end);
    size_t tail = 0;

    if (cents < 0)
        *--s = '-';
    if (frac) {
        end[0] = '.';
        memcpy(end + 1, digit_pairs + 2 * frac, 2);
        tail = frac % 10 ? 3 : 2;
    }
    *ret_len = (size_t)(end - s) + tail;
    return s;
}

/* Ends a member whose number text (n <= 24 bytes, in a buffer readable 24 bytes on from
 * s) goes at o, where 24 bytes are reserved: one fixed-size copy. */
static void number_at(struct am_jsonw *w, char *o, const char *s, size_t n)
{
    memcpy(o, s, 24);
    o += n;
    w->comma = true;
    w->len = (size_t)(o - w->p);
    *o = '\0';
}

void am_jsonw_int_at(struct am_jsonw *w, char *o, int64_t v)
{
    char buf[48], *end = buf + 24, *s = int_text(v, end);

    number_at(w, o, s, (size_t)(end - s));
}

void am_jsonw_cents_at(struct am_jsonw *w, char *o, int64_t cents)
{
    char buf[48];
    size_t n;
    const char *s = cents_text(cents, buf + 24, &n);

    number_at(w, o, s, n);
}

static void int_value(struct am_jsonw *w, const char *key, size_t klen, int64_t v)
{
    char buf[24], *end = buf + sizeof(buf), *s = int_text(v, end);

    put(w, key, klen, s, (size_t)(end - s), false);
}

/* cJSON 1.7's print_number for a double that is not an exact small integer. */
static void double_value(struct am_jsonw *w, const char *key, size_t klen, double d)
{
    char buf[32];
    double test = 0.0;
    int n;

    if (isnan(d) || isinf(d)) {
        put(w, key, klen, "null", 4, false);
        return;
    }
    n = snprintf(buf, sizeof(buf), "%1.15g", d);
    if (sscanf(buf, "%lg", &test) != 1 ||
        !(fabs(test - d) <= fmax(fabs(test), fabs(d)) * DBL_EPSILON))
        n = snprintf(buf, sizeof(buf), "%1.17g", d);
    put(w, key, klen, buf, n > 0 ? (size_t)n : 0, false);
}

/* Below 10^15 "%1.15g" prints an integral double as its plain digits. */
#define EXACT_INT_LIMIT AM_JSONW_EXACT_INT

void am_jsonw_int_k(struct am_jsonw *w, const char *key, size_t klen, int64_t v)
{
    if (v > -EXACT_INT_LIMIT && v < EXACT_INT_LIMIT)
        int_value(w, key, klen, v);
    else
        double_value(w, key, klen, (double)v);
}

void am_jsonw_double_k(struct am_jsonw *w, const char *key, size_t klen, double d)
{
    if (d > -EXACT_INT_LIMIT && d < EXACT_INT_LIMIT && d == (double)(int64_t)d)
        int_value(w, key, klen, (int64_t)d);
    else
        double_value(w, key, klen, d);
}

/* Up to 10^13 cents cents/100.0 has at most 13 significant digits, which "%1.15g" prints
 * as the shortest exact decimal. */
void am_jsonw_cents_k(struct am_jsonw *w, const char *key, size_t klen, int64_t cents)
{
    char buf[32];
    size_t n;
    const char *s;

    if (cents <= -AM_JSONW_EXACT_CENTS || cents >= AM_JSONW_EXACT_CENTS) {
        double_value(w, key, klen, (double)cents / 100);
        return;
    }
    s = cents_text(cents, buf + 24, &n);
    put(w, key, klen, s, n, false);
}

void am_jsonw_raw_k(struct am_jsonw *w, const char *key, size_t klen, const char *json,
                    size_t len)
{
    put(w, key, klen, json, len, false);
}

void am_jsonw_reset(struct am_jsonw *w)
{
    w->len = 0;
    w->oom = false;
    w->comma = false;
    if (w->p)
        w->p[0] = '\0';
}

void am_jsonw_cut(struct am_jsonw *w)
{
    w->len = 0;
    if (w->p)
        w->p[0] = '\0';
}

char *am_jsonw_take(struct am_jsonw *w, size_t *ret_len)
{
    char *p = NULL;

    if (!w->oom && !w->p)
        grow(w, 0);
    if (!w->oom) {
        p = w->p;
        w->p[w->len] = '\0';
        if (ret_len)
            *ret_len = w->len;
    } else {
        free(w->p);
    }
    memset(w, 0, sizeof(*w));
    return p;
}

void am_jsonw_free(struct am_jsonw *w)
{
    free(w->p);
    memset(w, 0, sizeof(*w));
}

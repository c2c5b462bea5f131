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

#define ONES 0x0101010101010101ULL
#define HIGHS (ONES * 0x80)

static inline uint64_t load64(const unsigned char *s)
{
    uint64_t x;

    memcpy(&x, s, sizeof(x));
    return x;
}

static inline void store64(char *o, uint64_t x)
{
    memcpy(o, &x, sizeof(x));
}

/* Bit 7 set in (at least) every byte of x that JSON escapes: below 0x20, '"' or '\\'.
 * Each term is the classic "has a byte below n / equal to c" test: exact in telling
 * whether any byte matches, and (borrows only run towards higher bytes) in which is the
 * lowest one; higher flags may be false. Bytes >= 0x80 (UTF-8) are never flagged: ~x
 * clears their bit 7, and XOR with '"' or '\\' keeps bit 7 as it was. */
static inline uint64_t unsafe8(uint64_t x)
{
    return ((x - ONES * 0x20) | ((x ^ (ONES * '"')) - ONES) | ((x ^ (ONES * '\\')) - ONES)) &
           ~x & HIGHS;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_LITTLE_ENDIAN 1
#else
#define WORDS_LITTLE_ENDIAN 0
#endif

/* Copies the n bytes of s to o (which has room for n) and returns nonzero when one of them
 * needs escaping (o's copy is then to be overwritten). Up to 16 bytes, the common case,
 * cost two loads and stores that may overlap; longer strings a loop of words. */
static inline uint64_t copy_check(char *o, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    uint64_t x, y;

    if (n >= 8) {
        if (n > 16) {
            uint64_t bad = 0;
            size_t i = 0;

            for (; i + 8 < n; i += 8) {
                x = load64(s + i);
                bad |= unsafe8(x);
                store64(o + i, x);
            }
            x = load64(s + n - 8);
            store64(o + n - 8, x);
            return bad | unsafe8(x);
        }
        x = load64(s);
        y = load64(s + n - 8);
        store64(o, x);
        store64(o + n - 8, y);
        return unsafe8(x) | unsafe8(y);
    }
    if (n >= 4) {
        uint32_t a, b;

        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(o, &a, 4);
        memcpy(o + n - 4, &b, 4);
        return unsafe8(a | (uint64_t)b << 32);
    }
    if (n) {
        /* 1..3 bytes: first, middle and last cover them; the rest is a safe 'a'. */
        uint64_t a = s[0], b = s[n / 2], c = s[n - 1];

        o[0] = (char)a;
        o[n / 2] = (char)b;
        o[n - 1] = (char)c;
        return unsafe8(a | b << 8 | c << 16 | (ONES * 'a') << 24);
    }
    return 0;
}

/* Index of the first byte of s[0..n) that needs escaping, n when none. */
static size_t find_unsafe(const unsigned char *s, size_t n)
{
    size_t i = 0;

#if WORDS_LITTLE_ENDIAN
    for (; i + 8 <= n; i += 8) {
        uint64_t f = unsafe8(load64(s + i));

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
        bad = copy_check(o, key, klen);
        o += klen;
        *o++ = '"';
        *o++ = ':';
    }
    if (quote) {
        *o++ = '"';
        bad |= copy_check(o, v, vn);
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

static void int_value(struct am_jsonw *w, const char *key, size_t klen, int64_t v)
{
    char buf[24], *end = buf + sizeof(buf), *s;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    s = digits(mag, end);
    if (v < 0)
        *--s = '-';
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
#define EXACT_INT_LIMIT 1000000000000000LL

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
 * as the shortest exact decimal: the integer part, then the cents without trailing 0s. */
#define EXACT_CENTS_LIMIT 10000000000000LL

void am_jsonw_cents_k(struct am_jsonw *w, const char *key, size_t klen, int64_t cents)
{
    char buf[32], *end = buf + sizeof(buf) - 3, *s;
    uint64_t mag;
    unsigned frac;
    size_t tail = 0;

    if (cents <= -EXACT_CENTS_LIMIT || cents >= EXACT_CENTS_LIMIT) {
        double_value(w, key, klen, (double)cents / 100);
        return;
    }
    mag = cents < 0 ? (uint64_t)(-cents) : (uint64_t)cents;
    frac = (unsigned)(mag % 100);
    s = digits(mag / 100, end);
    if (cents < 0)
        *--s = '-';
    if (frac) {
        end[0] = '.';
        memcpy(end + 1, digit_pairs + 2 * frac, 2);
        tail = frac % 10 ? 3 : 2;
    }
    put(w, key, klen, s, (size_t)(end - s) + tail, false);
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

/* jsonw.c - DOM-free JSON writer with cJSON's exact output (see jsonw.h). */
#include "jsonw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes plus a NUL. False (and sticky oom) when memory ran out. */
static bool reserve(struct am_jsonw *w, size_t n)
{
    size_t cap;
    char *np;

    if (w->oom)
        return false;
    if (w->len + n + 1 <= w->cap)
        return true;
    cap = w->cap ? w->cap : 1024;
    while (cap < w->len + n + 1)
        cap *= 2;
    np = realloc(w->p, cap);
    if (!np) {
        w->oom = true;
        return false;
    }
    w->p = np;
    w->cap = cap;
    return true;
}

static void put(struct am_jsonw *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = '\0';
}

static void put_c(struct am_jsonw *w, char c)
{
    if (!reserve(w, 1))
        return;
    w->p[w->len++] = c;
    w->p[w->len] = '\0';
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

/* Writes the escaped body of a string (no quotes) at o; returns the end. */
static char *escape_into(char *o, const unsigned char *u, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];

        if (!escape_extra[c]) {
            *o++ = (char)c;
            continue;
        }
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
    }
    return o;
}

static size_t escape_cost(const unsigned char *u, size_t n)
{
    size_t extra = 0;

    for (size_t i = 0; i < n; i++)
        extra += escape_extra[u[i]];
    return extra;
}

/* A quoted string, escaped like cJSON's print_string_ptr; with colon, a key and ':'. */
static void put_quoted(struct am_jsonw *w, const char *s, size_t n, bool comma, bool colon)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t extra = escape_cost(u, n);
    char *o;

    if (!reserve(w, n + extra + 4))
        return;
    o = w->p + w->len;
    if (comma)
        *o++ = ',';
    *o++ = '"';
    if (extra == 0) {
        memcpy(o, s, n);
        o += n;
    } else {
        o = escape_into(o, u, n);
    }
    *o++ = '"';
    if (colon)
        *o++ = ':';
    w->len = (size_t)(o - w->p);
    w->p[w->len] = '\0';
}

static void put_string(struct am_jsonw *w, const char *s, size_t n)
{
    put_quoted(w, s, n, false, false);
}

/* The separator and the key of the next value, in one reservation. */
static void member(struct am_jsonw *w, const char *key)
{
    bool comma = w->comma;

    w->comma = true;
    if (key)
        put_quoted(w, key, strlen(key), comma, true);
    else if (comma)
        put_c(w, ',');
}

void am_jsonw_obj(struct am_jsonw *w, const char *key)
{
    member(w, key);
    put_c(w, '{');
    w->comma = false;
}

void am_jsonw_end_obj(struct am_jsonw *w)
{
    put_c(w, '}');
    w->comma = true;
}

void am_jsonw_arr(struct am_jsonw *w, const char *key)
{
    member(w, key);
    put_c(w, '[');
    w->comma = false;
}

void am_jsonw_end_arr(struct am_jsonw *w)
{
    put_c(w, ']');
    w->comma = true;
}

void am_jsonw_strn(struct am_jsonw *w, const char *key, const char *value, size_t len)
{
    member(w, key);
    put_string(w, value, len);
}

void am_jsonw_str(struct am_jsonw *w, const char *key, const char *value)
{
    if (!value) {
        am_jsonw_null(w, key);
        return;
    }
    am_jsonw_strn(w, key, value, strlen(value));
}

void am_jsonw_null(struct am_jsonw *w, const char *key)
{
    member(w, key);
    put(w, "null", 4);
}

void am_jsonw_bool(struct am_jsonw *w, const char *key, bool value)
{
    member(w, key);
    if (value)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

/* Decimal digits of v (no sign) into the end of buf; returns the first digit. */
static char *digits(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void put_int(struct am_jsonw *w, int64_t value)
{
    char buf[24], *end = buf + sizeof(buf), *s;
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;

    s = digits(mag, end);
    if (value < 0)
        *--s = '-';
    put(w, s, (size_t)(end - s));
}

/* cJSON 1.7's print_number for a double that is not an exact small integer. */
static void put_double(struct am_jsonw *w, double d)
{
    char buf[32];
    double test = 0.0;
    int n;

    if (isnan(d) || isinf(d)) {
        put(w, "null", 4);
        return;
    }
    n = snprintf(buf, sizeof(buf), "%1.15g", d);
    if (sscanf(buf, "%lg", &test) != 1 ||
        !(fabs(test - d) <= fmax(fabs(test), fabs(d)) * DBL_EPSILON))
        n = snprintf(buf, sizeof(buf), "%1.17g", d);
    if (n > 0)
        put(w, buf, (size_t)n);
}

/* Below 10^15 "%1.15g" prints an integral double as its plain digits. */
#define EXACT_INT_LIMIT 1000000000000000LL

void am_jsonw_int(struct am_jsonw *w, const char *key, int64_t value)
{
    member(w, key);
    if (value > -EXACT_INT_LIMIT && value < EXACT_INT_LIMIT)
        put_int(w, value);
    else
        put_double(w, (double)value);
}

void am_jsonw_double(struct am_jsonw *w, const char *key, double value)
{
    member(w, key);
    if (value > -EXACT_INT_LIMIT && value < EXACT_INT_LIMIT && value == (double)(int64_t)value)
        put_int(w, (int64_t)value);
    else
        put_double(w, value);
}

/* Up to 10^13 cents cents/100.0 has at most 13 significant digits, which "%1.15g" prints
 * as the shortest exact decimal: the integer part, then the cents without trailing 0s. */
#define EXACT_CENTS_LIMIT 10000000000000LL

void am_jsonw_cents(struct am_jsonw *w, const char *key, int64_t cents)
{
    uint64_t mag;
    unsigned frac;

    member(w, key);
    if (cents <= -EXACT_CENTS_LIMIT || cents >= EXACT_CENTS_LIMIT) {
        put_double(w, (double)cents / 100);
        return;
    }
    mag = cents < 0 ? (uint64_t)(-cents) : (uint64_t)cents;
    frac = (unsigned)(mag % 100);
    if (cents < 0)
        put_c(w, '-');
    put_int(w, (int64_t)(mag / 100));
    if (frac) {
        char dec[3] = {'.', (char)('0' + frac / 10), (char)('0' + frac % 10)};

        put(w, dec, frac % 10 ? 3 : 2);
    }
}

void am_jsonw_raw(struct am_jsonw *w, const char *key, const char *json, size_t len)
{
    member(w, key);
    put(w, json, len);
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
        reserve(w, 0);
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

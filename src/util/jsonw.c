/* jsonw.c - DOM-free JSON writer with cJSON's exact output (see jsonw.h). */
#include "jsonw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes plus a NUL. False (and sticky oom) when memory ran out. */
static bool grow(struct am_jsonw *w, size_t n)
{
    size_t cap;
    char *np;

    if (w->oom)
        return false;
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

static inline bool reserve(struct am_jsonw *w, size_t n)
{
    return (!w->oom && w->len + n + 1 <= w->cap) || grow(w, n);
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

/* Length of the NUL-terminated s, and in *extra what escaping adds: one pass. */
static size_t scan(const char *s, size_t *extra)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t x = 0, n = 0;

    for (; u[n]; n++)
        x += escape_extra[u[n]];
    *extra = x;
    return n;
}

static size_t escape_cost(const unsigned char *u, size_t n)
{
    size_t extra = 0;

    for (size_t i = 0; i < n; i++)
        extra += escape_extra[u[i]];
    return extra;
}

/* Writes the n bytes of s at o, escaped (extra: what escape_cost said); returns the end. */
static char *put_escaped(char *o, const char *s, size_t n, size_t extra)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;

    if (extra == 0) {
        memcpy(o, s, n);
        return o + n;
    }
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

/* Starts the next value: the separator and "key": (none for NULL) in one reservation
 * with room bytes more for the value. Returns where the value goes, or NULL (oom). */
static char *begin(struct am_jsonw *w, const char *key, size_t room)
{
    size_t kn = 0, kx = 0;
    char *o;

    if (key)
        kn = scan(key, &kx);
    if (!reserve(w, kn + kx + 4 + room))
        return NULL;
    o = w->p + w->len;
    if (w->comma)
        *o++ = ',';
    w->comma = true;
    if (key) {
        *o++ = '"';
        o = put_escaped(o, key, kn, kx);
        *o++ = '"';
        *o++ = ':';
    }
    return o;
}

/* Ends what begin() started at o (NULL: nothing was written). */
static void end(struct am_jsonw *w, char *o)
{
    if (!o)
        return;
    w->len = (size_t)(o - w->p);
    w->p[w->len] = '\0';
}

/* A value given as its text. */
static void value(struct am_jsonw *w, const char *key, const char *text, size_t n)
{
    char *o = begin(w, key, n);

    if (o) {
        memcpy(o, text, n);
        o += n;
    }
    end(w, o);
}

static void put_c(struct am_jsonw *w, char c)
{
    if (!reserve(w, 1))
        return;
    w->p[w->len++] = c;
    w->p[w->len] = '\0';
}

void am_jsonw_obj(struct am_jsonw *w, const char *key)
{
    value(w, key, "{", 1);
    w->comma = false;
}

void am_jsonw_end_obj(struct am_jsonw *w)
{
    put_c(w, '}');
    w->comma = true;
}

void am_jsonw_arr(struct am_jsonw *w, const char *key)
{
    value(w, key, "[", 1);
    w->comma = false;
}

void am_jsonw_end_arr(struct am_jsonw *w)
{
    put_c(w, ']');
    w->comma = true;
}

static void string_value(struct am_jsonw *w, const char *key, const char *s, size_t n,
                         size_t extra)
{
    char *o = begin(w, key, n + extra + 2);

    if (o) {
        *o++ = '"';
        o = put_escaped(o, s, n, extra);
        *o++ = '"';
    }
    end(w, o);
}

void am_jsonw_strn(struct am_jsonw *w, const char *key, const char *s, size_t len)
{
    string_value(w, key, s, len, escape_cost((const unsigned char *)s, len));
}

void am_jsonw_str(struct am_jsonw *w, const char *key, const char *s)
{
    size_t n, extra;

    if (!s) {
        am_jsonw_null(w, key);
        return;
    }
    n = scan(s, &extra);
    string_value(w, key, s, n, extra);
}

void am_jsonw_null(struct am_jsonw *w, const char *key)
{
    value(w, key, "null", 4);
}

void am_jsonw_bool(struct am_jsonw *w, const char *key, bool b)
{
    if (b)
        value(w, key, "true", 4);
    else
        value(w, key, "false", 5);
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

static void int_value(struct am_jsonw *w, const char *key, int64_t v)
{
    char buf[24], *end = buf + sizeof(buf), *s;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    s = digits(mag, end);
    if (v < 0)
        *--s = '-';
    value(w, key, s, (size_t)(end - s));
}

/* cJSON 1.7's print_number for a double that is not an exact small integer. */
static void double_value(struct am_jsonw *w, const char *key, double d)
{
    char buf[32];
    double test = 0.0;
    int n;

    if (isnan(d) || isinf(d)) {
        value(w, key, "null", 4);
        return;
    }
    n = snprintf(buf, sizeof(buf), "%1.15g", d);
    if (sscanf(buf, "%lg", &test) != 1 ||
        !(fabs(test - d) <= fmax(fabs(test), fabs(d)) * DBL_EPSILON))
        n = snprintf(buf, sizeof(buf), "%1.17g", d);
    value(w, key, buf, n > 0 ? (size_t)n : 0);
}

/* Below 10^15 "%1.15g" prints an integral double as its plain digits. */
#define EXACT_INT_LIMIT 1000000000000000LL

void am_jsonw_int(struct am_jsonw *w, const char *key, int64_t v)
{
    if (v > -EXACT_INT_LIMIT && v < EXACT_INT_LIMIT)
        int_value(w, key, v);
    else
        double_value(w, key, (double)v);
}

void am_jsonw_double(struct am_jsonw *w, const char *key, double d)
{
    if (d > -EXACT_INT_LIMIT && d < EXACT_INT_LIMIT && d == (double)(int64_t)d)
        int_value(w, key, (int64_t)d);
    else
        double_value(w, key, d);
}

/* Up to 10^13 cents cents/100.0 has at most 13 significant digits, which "%1.15g" prints
 * as the shortest exact decimal: the integer part, then the cents without trailing 0s. */
#define EXACT_CENTS_LIMIT 10000000000000LL

void am_jsonw_cents(struct am_jsonw *w, const char *key, int64_t cents)
{
    char buf[32], *end = buf + sizeof(buf) - 3, *s;
    uint64_t mag;
    unsigned frac;
    size_t tail = 0;

    if (cents <= -EXACT_CENTS_LIMIT || cents >= EXACT_CENTS_LIMIT) {
        double_value(w, key, (double)cents / 100);
        return;
    }
    mag = cents < 0 ? (uint64_t)(-cents) : (uint64_t)cents;
    frac = (unsigned)(mag % 100);
    s = digits(mag / 100, end);
    if (cents < 0)
        *--s = '-';
    if (frac) {
        end[0] = '.';
        end[1] = (char)('0' + frac / 10);
        end[2] = (char)('0' + frac % 10);
        tail = frac % 10 ? 3 : 2;
    }
    value(w, key, s, (size_t)(end - s) + tail);
}

void am_jsonw_raw(struct am_jsonw *w, const char *key, const char *json, size_t len)
{
    value(w, key, json, len);
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

/* log.c - key=value log lines to a pluggable sink (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

static am_log_sink_fn sink_fn;
static void *sink_userdata;
static enum am_log_level min_level = AM_LOG_INFO;
static bool deferred_flush, dirty;

void am_log_set_sink(am_log_sink_fn fn, void *userdata)
{
    sink_fn = fn;
    sink_userdata = userdata;
}

void am_log_set_level(enum am_log_level level)
{
    min_level = level;
}

int am_log_parse_level(const char *s, enum am_log_level *ret)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, names[i]) == 0) {
            *ret = (enum am_log_level)i;
            return 0;
        }
    }
    return -1;
}

static const char *level_name(enum am_log_level level)
{
    switch (level) {
    case AM_LOG_DEBUG:
        return "debug";
    case AM_LOG_INFO:
        return "info";
    case AM_LOG_WARN:
        return "warn";
    case AM_LOG_ERROR:
        return "error";
    }
    return "info";
}

/* "ts=YYYY-MM-DDTHH:MM:SS" of sec, formatted once per second. */
static size_t stamp(time_t sec, char *out, size_t out_len)
{
    static time_t cached_sec = (time_t)-1;
    static char cached[32];
    static size_t cached_len;
    struct tm tm;

    if (sec != cached_sec) {
        gmtime_r(&sec, &tm);
        cached_len = strftime(cached, sizeof(cached), "ts=%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = sec;
    }
    if (cached_len > out_len)
        return 0;
    memcpy(out, cached, cached_len);
    return cached_len;
}

/* Appends s to line (of size bytes, n used), truncated so a NUL still fits; new n. */
static size_t cat(char *line, size_t size, size_t n, const char *s)
{
    size_t len = strlen(s);

    if (len > size - 1 - n)
        len = size - 1 - n;
    memcpy(line + n, s, len);
    n += len;
    line[n] = '\0';
    return n;
}

/* "ts=... level=... msg=..." into line (sizeof(struct am_logline).buf); its length. */
static size_t head(char *line, size_t size, enum am_log_level level, const char *msg)
{
    struct timeval tv;
    unsigned ms;
    size_t n;

    gettimeofday(&tv, NULL);
    n = stamp(tv.tv_sec, line, size);
    ms = (unsigned)(tv.tv_usec / 1000);
    line[n++] = '.';
    line[n++] = (char)('0' + ms / 100);
    line[n++] = (char)('0' + ms / 10 % 10);
    line[n++] = (char)('0' + ms % 10);
    line[n] = '\0';
    /* "Z level=%s msg=%s", truncated where snprintf would stop */
    n = cat(line, size, n, "Z level=");
    n = cat(line, size, n, level_name(level));
    n = cat(line, size, n, " msg=");
    return cat(line, size, n, msg);
}

static void emit(enum am_log_level level, const char *line)
{
    if (sink_fn) {
        sink_fn(level, line, sink_userdata);
        return;
    }
    fputs(line, stdout);
    fputc('\n', stdout);
    /* Warnings and errors leave at once; routine lines are flushed by am_log_flush() (the
     * server calls it every 100 ms), saving a write() per request under load. */
    if (level >= AM_LOG_WARN || !deferred_flush)
        fflush(stdout);
    else
        dirty = true;
}

void am_log(enum am_log_level level, const char *msg, const char *fmt, ...)
{
    char line[2048];
    size_t n;
    va_list ap;

    if (level < min_level)
        return;
    n = head(line, sizeof(line), level, msg);
    if (fmt && *fmt && n < sizeof(line) - 2) {
        line[n++] = ' ';
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
        va_end(ap);
    }
    line[sizeof(line) - 1] = '\0';
    emit(level, line);
}

bool am_logline_begin(struct am_logline *l, enum am_log_level level, const char *msg)
{
    if (level < min_level)
        return false;
    l->level = level;
    l->n = head(l->buf, sizeof(l->buf), level, msg);
    return true;
}

/* Appends len bytes, truncated where vsnprintf into the 2048-byte line would stop. */
static void line_add(struct am_logline *l, const char *s, size_t len)
{
    size_t room = sizeof(l->buf) - 1 - l->n;

    if (len > room)
        len = room;
    memcpy(l->buf + l->n, s, len);
    l->n += len;
}

static void line_key(struct am_logline *l, const char *key)
{
    size_t len = strlen(key);

    if (l->n + len + 2 < sizeof(l->buf)) { /* the usual case: it fits, one copy */
        l->buf[l->n] = ' ';
        memcpy(l->buf + l->n + 1, key, len);
        l->buf[l->n + 1 + len] = '=';
        l->n += len + 2;
        return;
    }
    line_add(l, " ", 1);
    line_add(l, key, len);
    line_add(l, "=", 1);
}

void am_logline_str(struct am_logline *l, const char *key, const char *value)
{
    size_t klen = strlen(key), vlen = strlen(value);

    if (l->n + klen + 2 + vlen < sizeof(l->buf)) { /* the usual case: it all fits */
        char *w = l->buf + l->n;
        *w++ = ' ';
        memcpy(w, key, klen);
        w[klen] = '=';
        memcpy(w + klen + 1, value, vlen);
        l->n += klen + 2 + vlen;
        return;
    }
    line_key(l, key);
    line_add(l, value, vlen);
}

/* " key=" + optional '-' + the decimal digits of mag. */
static void line_number(struct am_logline *l, const char *key, bool negative,
                        unsigned long long mag)
{
    char buf[24], *p = buf + sizeof(buf);

    do {
        *--p = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (negative)
        *--p = '-';
    line_key(l, key);
    line_add(l, p, (size_t)(buf + sizeof(buf) - p));
}

void am_logline_u64(struct am_logline *l, const char *key, unsigned long long value)
{
    line_number(l, key, false, value);
}

void am_logline_int(struct am_logline *l, const char *key, long long value)
{
    line_number(l, key, value < 0,
                value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value);
}

void am_logline_end(struct am_logline *l)
{
    l->buf[l->n] = '\0';
    emit(l->level, l->buf);
}

void am_log_defer_flush(bool on)
{
    deferred_flush = on;
    if (!on)
        am_log_flush();
}

void am_log_flush(void)
{
    if (dirty) {
        fflush(stdout);
        dirty = false;
    }
}

/* am_log_quote's view of a byte: QUOTE_WRAP when the value must be wrapped in quotes,
 * QUOTE_ESCAPE when the byte cannot be copied as it is. */
#define QUOTE_WRAP 1
#define QUOTE_ESCAPE 2
static const unsigned char quote_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

const char *am_log_quote(const char *value, char *out, size_t out_len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned flags = 0;
    bool quote, plain;
    size_t o = 0, n;

    if (out_len < 4) {
        if (out_len)
            out[0] = '\0';
        return out;
    }
    if (!value)
        value = "";
    for (n = 0; value[n]; n++)
        flags |= quote_class[(unsigned char)value[n]];
    quote = n == 0 || (flags & QUOTE_WRAP);
    plain = !(flags & QUOTE_ESCAPE);
    if (quote)
        out[o++] = '"';
    if (plain) {
        /* Every character kept as it is (every request's path and address): the loop
         * below would stop where o + 1 + 2 reaches out_len. */
        size_t room = out_len - 3 - o;

        if (n > room)
            n = room;
        memcpy(out + o, value, n);
        o += n;
        goto done;
    }
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        char tmp[4];
        size_t len;

        if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            tmp[0] = (char)*p;
            len = 1;
        } else if (*p == '"' || *p == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)*p;
            len = 2;
        } else {
            tmp[0] = '\\';
            tmp[1] = 'x';
            tmp[2] = hex[*p >> 4];
            tmp[3] = hex[*p & 0xf];
            len = 4;
        }
        if (o + len + 2 >= out_len)
            break;
        memcpy(out + o, tmp, len);
        o += len;
    }
done:
    if (quote)
        out[o++] = '"';
    out[o] = '\0';
    return out;
}

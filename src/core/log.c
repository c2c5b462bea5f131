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

void am_log(enum am_log_level level, const char *msg, const char *fmt, ...)
{
    char line[2048];
    struct timeval tv;
    struct tm tm;
    size_t n;
    va_list ap;

    if (level < min_level)
        return;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03dZ level=%s msg=%s", (int)(tv.tv_usec / 1000),
                          level_name(level), msg);
    if (fmt && *fmt && n < sizeof(line) - 2) {
        line[n++] = ' ';
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
        va_end(ap);
    }
    line[sizeof(line) - 1] = '\0';
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

const char *am_log_quote(const char *value, char *out, size_t out_len)
{
    bool quote = false;
    size_t o = 0;

    if (out_len < 4) {
        if (out_len)
            out[0] = '\0';
        return out;
    }
    if (!value)
        value = "";
    for (const char *p = value; *p; p++) {
        if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\')
            quote = true;
    }
    if (!*value)
        quote = true;
    if (quote)
        out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        char tmp[5];
        size_t len;

        if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            tmp[0] = (char)*p;
            len = 1;
        } else if (*p == '"' || *p == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)*p;
            len = 2;
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
            len = 4;
        }
        if (o + len + 2 >= out_len)
            break;
        memcpy(out + o, tmp, len);
        o += len;
    }
    if (quote)
        out[o++] = '"';
    out[o] = '\0';
    return out;
}

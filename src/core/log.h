/* log.h - structured key=value logging with a pluggable sink.
 *
 * One line per event: "ts=... level=... msg=... k=v ...". Values supplied by clients go
 * through am_log_quote() so a line can never be split or forged. The default sink
 * writes to stdout (container logs); tests install their own to capture lines.
 * Never pass a whole API key to the logger: use am_key_redact() first. */
#ifndef AM_LOG_H
#define AM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum am_log_level { AM_LOG_DEBUG, AM_LOG_INFO, AM_LOG_WARN, AM_LOG_ERROR };

typedef void (*am_log_sink_fn)(enum am_log_level level, const char *line, void *userdata);

/* Installs a sink (NULL restores stdout). Not thread-safe; call at start. */
void am_log_set_sink(am_log_sink_fn fn, void *userdata);
void am_log_set_level(enum am_log_level min_level);
int am_log_parse_level(const char *s, enum am_log_level *ret);

/* With on, info/debug lines to stdout are buffered until am_log_flush() (warnings and
 * errors still flush at once); off flushes and restores line-by-line output. */
void am_log_defer_flush(bool on);
void am_log_flush(void);

/* Formats "ts=.. level=.. msg=<msg> " + fmt. msg must be a bare word. */
void am_log(enum am_log_level level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same line built piece by piece with memcpy, for the one line every request writes:
 *   struct am_logline l;
 *   if (am_logline_begin(&l, AM_LOG_INFO, "request")) {
 *       am_logline_str(&l, "status", "200"); ... am_logline_end(&l);
 *   }
 * begin returns false (write nothing) below the level. Values are written as given: quote
 * client-supplied text with am_log_quote() first. The timestamp is formatted once per
 * second. Lines are truncated at the length am_log() truncates them at. */
struct am_logline {
    char buf[2048];
    size_t n;
    enum am_log_level level;
};

bool am_logline_begin(struct am_logline *l, enum am_log_level level, const char *msg);
/* Appends " key=value". */
void am_logline_str(struct am_logline *l, const char *key, const char *value);
/* Appends " key=<decimal>". */
void am_logline_u64(struct am_logline *l, const char *key, unsigned long long value);
void am_logline_int(struct am_logline *l, const char *key, long long value);
/* Emits the line to the sink (or stdout), like am_log(). */
void am_logline_end(struct am_logline *l);

/* Writes value into out as a safe log token: printable ASCII kept, others as \xNN, and
 * wrapped in double quotes when it contains spaces, quotes or '='; truncated to fit.
 * Returns out. */
const char *am_log_quote(const char *value, char *out, size_t out_len);

#endif

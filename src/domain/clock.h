/* clock.h - per-account virtual time (pure).
 *
 * Every account reads "now" through its own am_clock, so one account's frozen or
 * advanced clock never moves another's. Times are Unix seconds; calendar dates are
 * rendered in Brasilia time (UTC-03:00, no DST since 2019), as Asaas does.
 * Plain values, no ownership. */
#ifndef AM_CLOCK_H
#define AM_CLOCK_H

#include <stdint.h>

#include "calendar.h"

enum am_clock_mode { AM_CLOCK_REAL, AM_CLOCK_FROZEN };

struct am_clock {
    enum am_clock_mode mode;
    int64_t frozen_at; /* AM_CLOCK_FROZEN: the instant shown */
    int64_t offset;    /* seconds added to real time (advance in AM_CLOCK_REAL) */
};

/* The account's current time given the real wall-clock time real_now. */
int64_t am_clock_now(const struct am_clock *c, int64_t real_now);

/* Advances the clock by seconds (frozen clocks move their frozen instant). */
void am_clock_advance(struct am_clock *c, int64_t seconds);

/* Freezes the clock at instant t. */
void am_clock_freeze(struct am_clock *c, int64_t t);

/* Back to real time with no offset. */
void am_clock_reset(struct am_clock *c);

/* "YYYY-MM-DD" (11 bytes with NUL) of instant t in Brasilia time. */
void am_clock_format_date(int64_t t, char out[11]);

/* "YYYY-MM-DD HH:MM:SS" (20 bytes with NUL) of instant t in Brasilia time. */
void am_clock_format_datetime(int64_t t, char out[20]);

/* Parses "YYYY-MM-DD" (a valid calendar date) to the instant of 00:00 Brasilia time.
 * Returns 0 or -EINVAL. */
int am_clock_parse_date(const char *s, int64_t *ret_t);

/* Parses "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (00:00:00) in Brasilia time.
 * Returns 0 or -EINVAL. */
int am_clock_parse_datetime(const char *s, int64_t *ret_t);

/* Days since 1970-01-01 for a proleptic Gregorian date: the older name of
 * am_cal_days_from_civil (calendar.h), kept for existing callers. */
static inline int64_t am_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    return am_cal_days_from_civil(y, m, d);
}

#endif

/* calendar.h - civil-calendar arithmetic on day numbers (pure, no state).
 *
 * The one place that converts between "days since 1970-01-01" and year/month/day
 * (Howard Hinnant's algorithms), rounds division toward minus infinity, and reads and
 * writes "YYYY-MM-DD". Days are local to Brasilia (UTC-03:00, no DST since 2019), as
 * Asaas renders dates. Plain values, no ownership. */
#ifndef AM_CALENDAR_H
#define AM_CALENDAR_H

#include <stdint.h>

/* No date (a JSON null). */
#define AM_NO_DAY INT64_MIN
/* Brasilia's offset from UTC. */
#define AM_BRT_OFFSET_SECONDS (-3 * 3600)
#define AM_SECONDS_PER_DAY 86400

/* a / d rounded toward minus infinity (d != 0). */
int64_t am_cal_floor_div(int64_t a, int64_t d);

/* Day number of y-m-d (m 1..12, d 1..31; proleptic Gregorian). */
int64_t am_cal_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Year, month (1..12) and day (1..31) of a day number. */
void am_cal_civil_from_days(int64_t day, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d);

/* Days in month m (1..12) of year y. */
unsigned am_cal_days_in_month(int64_t y, unsigned m);

/* The Brasilia day of Unix instant t. */
int64_t am_cal_day_of(int64_t t);

/* day + months, clamped to the last day of the target month (Jan 31 + 1 = Feb 28/29). */
int64_t am_cal_add_months(int64_t day, int months);

/* "YYYY-MM-DD" (years outside 0..9999 print as 0000), or "" for AM_NO_DAY. */
void am_cal_format_day(int64_t day, char out[11]);
/* "YYYY-MM-DD" of y in 0..9999, m and d in 0..99 (what "%04d-%02u-%02u" prints). */
void am_cal_format_ymd(int y, unsigned m, unsigned d, char out[11]);

/* Strict "YYYY-MM-DD" (year >= 1900, a real date) into a day number. 0 or -EINVAL. */
int am_cal_parse_day(const char *s, int64_t *ret_day);

#endif

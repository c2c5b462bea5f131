/* clock.c - per-account virtual time and Brasilia-time calendar formatting (pure). */
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

int64_t am_clock_now(const struct am_clock *c, int64_t real_now)
{
    if (c->mode == AM_CLOCK_FROZEN)
        return c->frozen_at;
    return real_now + c->offset;
}

void am_clock_advance(struct am_clock *c, int64_t seconds)
{
    if (c->mode == AM_CLOCK_FROZEN)
        c->frozen_at += seconds;
    else
        c->offset += seconds;
}

void am_clock_freeze(struct am_clock *c, int64_t t)
{
    c->mode = AM_CLOCK_FROZEN;
    c->frozen_at = t;
    c->offset = 0;
}

void am_clock_reset(struct am_clock *c)
{
    memset(c, 0, sizeof(*c));
}

int64_t am_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *ret_y, unsigned *ret_m, unsigned *ret_d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *ret_y = (int)(y + (m <= 2));
    *ret_m = m;
    *ret_d = d;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void am_clock_format_date(int64_t t, char out[11])
{
    int y;
    unsigned m, d;
    int64_t local = t + AM_BRT_OFFSET_SECONDS;

    char tmp[64];

    civil_from_days(floor_div(local, 86400), &y, &m, &d);
    /* A roomy buffer keeps -Wformat-truncation quiet; the value always fits in 10. */
    snprintf(tmp, sizeof(tmp), "%04d-%02u-%02u", y % 10000, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void am_clock_format_datetime(int64_t t, char out[20])
{
    int y;
    unsigned m, d;
    int64_t local = t + AM_BRT_OFFSET_SECONDS;
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;

    char tmp[96];

    civil_from_days(days, &y, &m, &d);
    snprintf(tmp, sizeof(tmp), "%04d-%02u-%02u %02d:%02d:%02d", y % 10000, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, 19);
    out[19] = '\0';
}

static unsigned days_in_month(int y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

int am_clock_parse_date(const char *s, int64_t *ret_t)
{
    int y = 0;
    unsigned m = 0, d = 0;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -EINVAL;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -EINVAL;
    *ret_t = am_days_from_civil(y, m, d) * 86400 - AM_BRT_OFFSET_SECONDS;
    return 0;
}

int am_clock_parse_datetime(const char *s, int64_t *ret_t)
{
    char date[11];
    int64_t t;
    int hh, mm, ss;

    if (!s)
        return -EINVAL;
    if (strlen(s) == 10)
        return am_clock_parse_date(s, ret_t);
    if (strlen(s) != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return -EINVAL;
    for (int i = 11; i < 19; i++) {
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return -EINVAL;
    }
    memcpy(date, s, 10);
    date[10] = '\0';
    if (am_clock_parse_date(date, &t) < 0)
        return -EINVAL;
    hh = (s[11] - '0') * 10 + (s[12] - '0');
    mm = (s[14] - '0') * 10 + (s[15] - '0');
    ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (hh > 23 || mm > 59 || ss > 59)
        return -EINVAL;
    *ret_t = t + hh * 3600 + mm * 60 + ss;
    return 0;
}

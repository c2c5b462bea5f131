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

void am_clock_format_date(int64_t t, char out[11])
{
    int64_t y;
    unsigned m, d;

    char tmp[64];

    am_cal_civil_from_days(am_cal_day_of(t), &y, &m, &d);
    if (y >= 0) {
        am_cal_format_ymd((int)(y % 10000), m, d, out);
        return;
    }
    /* A roomy buffer keeps -Wformat-truncation quiet; the value always fits in 10. */
    snprintf(tmp, sizeof(tmp), "%04d-%02u-%02u", (int)(y % 10000), m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void am_clock_format_datetime(int64_t t, char out[20])
{
    int64_t y;
    unsigned m, d;
    int64_t days = am_cal_day_of(t);
    int64_t secs = t + AM_BRT_OFFSET_SECONDS - days * AM_SECONDS_PER_DAY;

    char tmp[96];

    am_cal_civil_from_days(days, &y, &m, &d);
    if (y >= 0 && secs >= 0 && secs < AM_SECONDS_PER_DAY) {
        int hh = (int)(secs / 3600), mm = (int)(secs / 60 % 60), ss = (int)(secs % 60);

        am_cal_format_ymd((int)(y % 10000), m, d, out);
        out[10] = ' ';
        out[11] = (char)('0' + hh / 10);
        out[12] = (char)('0' + hh % 10);
        out[13] = ':';
        out[14] = (char)('0' + mm / 10);
        out[15] = (char)('0' + mm % 10);
        out[16] = ':';
        out[17] = (char)('0' + ss / 10);
        out[18] = (char)('0' + ss % 10);
        out[19] = '\0';
        return;
    }
    snprintf(tmp, sizeof(tmp), "%04d-%02u-%02u %02d:%02d:%02d", (int)(y % 10000), m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, 19);
    out[19] = '\0';
}

int am_clock_parse_date(const char *s, int64_t *ret_t)
{
    int64_t day;
    int r = am_cal_parse_day(s, &day);

    if (r < 0)
        return r;
    *ret_t = day * AM_SECONDS_PER_DAY - AM_BRT_OFFSET_SECONDS;
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

/* calendar.c - civil-calendar arithmetic on day numbers (see calendar.h). */
#include "calendar.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int64_t am_cal_floor_div(int64_t a, int64_t d)
{
    int64_t q = a / d;

    return (a % d != 0 && (a < 0) != (d < 0)) ? q - 1 : q;
}

int64_t am_cal_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t)doe - 719468;
}

void am_cal_civil_from_days(int64_t day, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
    const int64_t z = day + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;

    *ret_d = doy - (153 * mp + 2) / 5 + 1;
    *ret_m = m;
    *ret_y = (int64_t)yoe + era * 400 + (m <= 2);
}

unsigned am_cal_days_in_month(int64_t y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

int64_t am_cal_day_of(int64_t t)
{
    return am_cal_floor_div(t + AM_BRT_OFFSET_SECONDS, AM_SECONDS_PER_DAY);
}

int64_t am_cal_add_months(int64_t day, int months)
{
    int64_t y, mi;
    unsigned m, d, md;

    am_cal_civil_from_days(day, &y, &m, &d);
    mi = (int64_t)m - 1 + months;
    y += am_cal_floor_div(mi, 12);
    m = (unsigned)(mi - am_cal_floor_div(mi, 12) * 12) + 1;
    md = am_cal_days_in_month(y, m);
    if (d > md)
        d = md;
    return am_cal_days_from_civil(y, m, d);
}

void am_cal_format_day(int64_t day, char out[11])
{
    int64_t y;
    unsigned m, d;

    if (day == AM_NO_DAY) {
        out[0] = '\0';
        return;
    }
    am_cal_civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    am_cal_format_ymd((int)y, m % 100, d % 100, out);
}

void am_cal_format_ymd(int y, unsigned m, unsigned d, char out[11])
{
    /* "%04d-%02u-%02u" by hand, two digits per step: on every rendered date. */
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    unsigned uy = (unsigned)y % 10000;

    memcpy(out, pairs + 2 * (uy / 100), 2);
    memcpy(out + 2, pairs + 2 * (uy % 100), 2);
    out[4] = '-';
    memcpy(out + 5, pairs + 2 * (m % 100), 2);
    out[7] = '-';
    memcpy(out + 8, pairs + 2 * (d % 100), 2);
    out[10] = '\0';
}

int am_cal_parse_day(const char *s, int64_t *ret_day)
{
    unsigned y, m, d;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -EINVAL;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -EINVAL;
    }
    y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > am_cal_days_in_month(y, m))
        return -EINVAL;
    *ret_day = am_cal_days_from_civil(y, m, d);
    return 0;
}

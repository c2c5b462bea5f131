/* bizdays.c - Brazilian business days (see bizdays.h). */
#include "bizdays.h"

#include "calendar.h"

#include <stddef.h>

/* Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
static int64_t easter(int64_t y)
{
    const int64_t a = y % 19, b = y / 100, c = y % 100;
    const int64_t d = b / 4, e = b % 4;
    const int64_t f = (b + 8) / 25, g = (b - f + 1) / 3;
    const int64_t h = (19 * a + b - d - g + 15) % 30;
    const int64_t i = c / 4, k = c % 4;
    const int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int64_t m = (a + 11 * h + 22 * l) / 451;
    const int64_t month = (h + l - 7 * m + 114) / 31;
    const int64_t dom = (h + l - 7 * m + 114) % 31 + 1;

    return am_cal_days_from_civil(y, (unsigned)month, (unsigned)dom);
}

bool am_bizday_is_holiday(int64_t day)
{
    static const struct {
        unsigned char m, d;
        short since; /* first year it is a national holiday */
    } fixed[] = {
        {1, 1, 0},   {4, 21, 0},  {5, 1, 0},    {9, 7, 0},   {10, 12, 0},
        {11, 2, 0},  {11, 15, 0}, {11, 20, 2024}, /* Consciência Negra, Lei 14.759/2023 */
        {12, 25, 0},
    };
    int64_t y, e;
    unsigned m, d;

    am_cal_civil_from_days(day, &y, &m, &d);

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (fixed[i].m == m && fixed[i].d == d && y >= fixed[i].since)
            return true;
    }
    e = easter(y);
    /* Carnival Monday and Tuesday, Good Friday, Corpus Christi: banks close. */
    return day == e - 48 || day == e - 47 || day == e - 2 || day == e + 60;
}

bool am_bizday_is_business(int64_t day)
{
    /* 1970-01-01 (day 0) was a Thursday; 0 = Sunday. */
    int64_t wd = (day + 4) % 7;

    if (wd < 0)
        wd += 7;
    return wd != 0 && wd != 6 && !am_bizday_is_holiday(day);
}

int64_t am_bizday_roll_forward(int64_t day)
{
    while (!am_bizday_is_business(day))
        day++;
    return day;
}

int64_t am_bizday_add(int64_t day, unsigned n)
{
    while (n > 0) {
        day++;
        if (am_bizday_is_business(day))
            n--;
    }
    return day;
}

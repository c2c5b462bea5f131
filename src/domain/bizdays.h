/* bizdays.h - Brazilian business days (pure): weekends and national bank holidays
 * (fixed: 01-01, 04-21, 05-01, 09-07, 10-12, 11-02, 11-15, 11-20 from 2024, 12-25;
 * movable from Easter: Carnival Monday and Tuesday, Good Friday, Corpus Christi).
 * Days are counted as "days since 1970-01-01" (see am_cal_days_from_civil in clock.h). */
#ifndef AM_BIZDAYS_H
#define AM_BIZDAYS_H

#include <stdbool.h>
#include <stdint.h>

bool am_bizday_is_holiday(int64_t day);
bool am_bizday_is_business(int64_t day);
/* day itself when it is a business day, else the next business day. */
int64_t am_bizday_roll_forward(int64_t day);
/* The n-th business day after day (n >= 1). */
int64_t am_bizday_add(int64_t day, unsigned n);

#endif

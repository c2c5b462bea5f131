/* test_calendar.c - day numbers <-> civil dates, floor division, "YYYY-MM-DD". */
#include "test_helpers.h"

#include <errno.h>

#include "calendar.h"

static void test_calendar_round_trips_every_day_of_four_centuries(void **state)
{
    int64_t y;
    unsigned m, d;

    (void)state;
    /* 1900-01-01 .. 2300-01-01 covers the 100/400-year leap rules both ways. */
    for (int64_t day = am_cal_days_from_civil(1900, 1, 1);
         day < am_cal_days_from_civil(2300, 1, 1); day++) {
        am_cal_civil_from_days(day, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= am_cal_days_in_month(y, m));
        assert_int_equal(am_cal_days_from_civil(y, m, d), day);
    }
    assert_int_equal(am_cal_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(am_cal_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(am_cal_days_in_month(2000, 2), 29);
    assert_int_equal(am_cal_days_in_month(2100, 2), 28);
    assert_int_equal(am_cal_days_in_month(2028, 2), 29);
}

static void test_calendar_floor_div_rounds_toward_minus_infinity(void **state)
{
    (void)state;
    assert_int_equal(am_cal_floor_div(7, 2), 3);
    assert_int_equal(am_cal_floor_div(-7, 2), -4);
    assert_int_equal(am_cal_floor_div(-8, 2), -4);
    assert_int_equal(am_cal_floor_div(7, -2), -4);
    assert_int_equal(am_cal_floor_div(0, 5), 0);
}

static void test_calendar_day_of_is_brasilia_local(void **state)
{
    (void)state;
    /* 2026-07-15 02:59:59 UTC is still the 14th in Brasilia; 03:00 UTC is the 15th. */
    int64_t d14 = am_cal_days_from_civil(2026, 7, 14);

    assert_int_equal(am_cal_day_of((d14 + 1) * 86400 + 3 * 3600 - 1), d14);
    assert_int_equal(am_cal_day_of((d14 + 1) * 86400 + 3 * 3600), d14 + 1);
    assert_int_equal(am_cal_day_of(0), -1); /* 1970-01-01 00:00 UTC = Dec 31 21:00 BRT */
}

static void test_calendar_add_months_clamps_to_month_end(void **state)
{
    (void)state;
    assert_int_equal(am_cal_add_months(am_cal_days_from_civil(2026, 1, 31), 1),
                     am_cal_days_from_civil(2026, 2, 28));
    assert_int_equal(am_cal_add_months(am_cal_days_from_civil(2028, 1, 31), 1),
                     am_cal_days_from_civil(2028, 2, 29));
    assert_int_equal(am_cal_add_months(am_cal_days_from_civil(2026, 12, 15), 1),
                     am_cal_days_from_civil(2027, 1, 15));
    assert_int_equal(am_cal_add_months(am_cal_days_from_civil(2026, 1, 15), -1),
                     am_cal_days_from_civil(2025, 12, 15));
}

static void test_calendar_format_and_parse(void **state)
{
    char buf[11];
    int64_t day = 0;

    (void)state;
    am_cal_format_day(am_cal_days_from_civil(2026, 7, 4), buf);
    assert_string_equal(buf, "2026-07-04");
    am_cal_format_day(AM_NO_DAY, buf);
    assert_string_equal(buf, "");
    assert_int_equal(am_cal_parse_day("2028-02-29", &day), 0);
    assert_int_equal(day, am_cal_days_from_civil(2028, 2, 29));
    assert_int_equal(am_cal_parse_day("2026-02-29", &day), -EINVAL);
    assert_int_equal(am_cal_parse_day("2026-13-01", &day), -EINVAL);
    assert_int_equal(am_cal_parse_day("1899-12-31", &day), -EINVAL);
    assert_int_equal(am_cal_parse_day("2026-7-04", &day), -EINVAL);
    assert_int_equal(am_cal_parse_day("2026-07-04 ", &day), -EINVAL);
    assert_int_equal(am_cal_parse_day(NULL, &day), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_round_trips_every_day_of_four_centuries),
        cmocka_unit_test(test_calendar_floor_div_rounds_toward_minus_infinity),
        cmocka_unit_test(test_calendar_day_of_is_brasilia_local),
        cmocka_unit_test(test_calendar_add_months_clamps_to_month_end),
        cmocka_unit_test(test_calendar_format_and_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_bizdays.c - Brazilian business days: weekends, national bank holidays, Easter. */
#include "test_helpers.h"

#include "bizdays.h"
#include "clock.h"

static int64_t D(int64_t y, unsigned m, unsigned d)
{
    return am_days_from_civil(y, m, d);
}

static void test_bizdays_card_credit_date_rolls_saturday_to_monday(void **state)
{
    (void)state;
    /* The captured example: confirmed 2026-07-14, + 32 days = Saturday 2026-08-15. */
    assert_int_equal(D(2026, 7, 14) + 32, D(2026, 8, 15));
    assert_false(am_bizday_is_business(D(2026, 8, 15)));
    assert_false(am_bizday_is_business(D(2026, 8, 16)));
    assert_int_equal(am_bizday_roll_forward(D(2026, 7, 14) + 32), D(2026, 8, 17));
    assert_int_equal(am_bizday_roll_forward(D(2026, 8, 17)), D(2026, 8, 17));
}

static void test_bizdays_2026_movable_holidays(void **state)
{
    (void)state;
    /* Easter 2026 is April 5. */
    assert_true(am_bizday_is_holiday(D(2026, 2, 16)));  /* Carnival Monday */
    assert_true(am_bizday_is_holiday(D(2026, 2, 17)));  /* Carnival Tuesday */
    assert_false(am_bizday_is_holiday(D(2026, 2, 18))); /* Ash Wednesday: banks open */
    assert_false(am_bizday_is_holiday(D(2026, 2, 15)));
    assert_true(am_bizday_is_holiday(D(2026, 4, 3))); /* Good Friday */
    assert_false(am_bizday_is_holiday(D(2026, 4, 2)));
    assert_false(am_bizday_is_holiday(D(2026, 4, 5))); /* Easter is a Sunday anyway */
    assert_true(am_bizday_is_holiday(D(2026, 6, 4))); /* Corpus Christi */
    assert_false(am_bizday_is_holiday(D(2026, 6, 5)));
}

static void test_bizdays_movable_holidays_in_other_years(void **state)
{
    (void)state;
    /* 2024: Easter March 31. */
    assert_true(am_bizday_is_holiday(D(2024, 2, 12)));
    assert_true(am_bizday_is_holiday(D(2024, 2, 13)));
    assert_true(am_bizday_is_holiday(D(2024, 3, 29)));
    assert_true(am_bizday_is_holiday(D(2024, 5, 30)));
    /* 2025: Easter April 20. */
    assert_true(am_bizday_is_holiday(D(2025, 3, 3)));
    assert_true(am_bizday_is_holiday(D(2025, 3, 4)));
    assert_true(am_bizday_is_holiday(D(2025, 4, 18)));
    assert_true(am_bizday_is_holiday(D(2025, 6, 19)));
    assert_false(am_bizday_is_holiday(D(2025, 2, 17)));
    /* 2027: Easter March 28. */
    assert_true(am_bizday_is_holiday(D(2027, 2, 8)));
    assert_true(am_bizday_is_holiday(D(2027, 2, 9)));
    assert_true(am_bizday_is_holiday(D(2027, 3, 26)));
    assert_true(am_bizday_is_holiday(D(2027, 5, 27)));
}

/* Good Friday (Easter - 2) and Corpus Christi (Easter + 60) for known Easter Sundays,
 * including the earliest (March 22) and latest (April 25) possible dates. */
static void test_bizdays_easter_matches_known_dates(void **state)
{
    static const struct {
        int y;
        unsigned m, d;
    } easter[] = {
        {1943, 4, 25}, {1961, 4, 2},  {2000, 4, 23}, {2008, 3, 23}, {2011, 4, 24},
        {2019, 4, 21}, {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28},
        {2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21}, {2038, 4, 25}, {2285, 3, 22},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(easter) / sizeof(easter[0]); i++) {
        const int64_t e = D(easter[i].y, easter[i].m, easter[i].d);

        assert_true(am_bizday_is_holiday(e - 2));
        assert_false(am_bizday_is_holiday(e - 1)); /* e - 3 is 04-21 in 2011 */
        assert_true(am_bizday_is_holiday(e + 60));
        assert_true(am_bizday_is_holiday(e - 48));
        assert_true(am_bizday_is_holiday(e - 47));
        assert_false(am_bizday_is_holiday(e - 46));
        assert_false(am_bizday_is_holiday(e - 49));
    }
}

static void test_bizdays_fixed_holidays_and_consciencia_negra_since_2024(void **state)
{
    static const unsigned fixed[][2] = {
        {1, 1}, {4, 21}, {5, 1}, {9, 7}, {10, 12}, {11, 2}, {11, 15}, {12, 25},
    };

    (void)state;
    for (int y = 2020; y <= 2030; y++) {
        for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
            assert_true(am_bizday_is_holiday(D(y, fixed[i][0], fixed[i][1])));
        assert_int_equal(am_bizday_is_holiday(D(y, 11, 20)), y >= 2024);
        assert_false(am_bizday_is_holiday(D(y, 12, 24)));
        assert_false(am_bizday_is_holiday(D(y, 12, 31)));
    }
    assert_true(am_bizday_is_holiday(D(2026, 11, 20)));
    assert_false(am_bizday_is_business(D(2026, 11, 20))); /* a Friday */
    assert_true(am_bizday_is_business(D(2023, 11, 20)));  /* a Monday, before the law */
}

static void test_bizdays_counts_a_whole_year(void **state)
{
    int holidays = 0, business = 0;

    (void)state;
    for (int64_t d = D(2026, 1, 1); d < D(2027, 1, 1); d++) {
        holidays += am_bizday_is_holiday(d);
        business += am_bizday_is_business(d);
    }
    /* 9 fixed + 4 movable; 104 weekend days; only 11-15 falls on a weekend. */
    assert_int_equal(holidays, 13);
    assert_int_equal(business, 365 - 104 - 12);
    holidays = 0;
    for (int64_t d = D(2023, 1, 1); d < D(2024, 1, 1); d++)
        holidays += am_bizday_is_holiday(d);
    assert_int_equal(holidays, 12);
}

static void test_bizdays_weekends_including_before_1970(void **state)
{
    (void)state;
    assert_true(am_bizday_is_business(D(1970, 1, 2)));   /* Friday */
    assert_false(am_bizday_is_business(D(1970, 1, 3)));  /* Saturday */
    assert_false(am_bizday_is_business(D(1970, 1, 4)));  /* Sunday */
    assert_true(am_bizday_is_business(D(1969, 12, 31))); /* Wednesday */
    assert_false(am_bizday_is_business(D(1969, 12, 28))); /* Sunday */
    assert_false(am_bizday_is_business(D(1969, 12, 27))); /* Saturday */
    assert_true(am_bizday_is_business(D(2026, 7, 14)));  /* Tuesday */
}

static void test_bizdays_roll_forward_skips_weekends_and_holidays(void **state)
{
    (void)state;
    assert_int_equal(am_bizday_roll_forward(D(2026, 2, 14)), D(2026, 2, 18)); /* Carnival */
    assert_int_equal(am_bizday_roll_forward(D(2026, 4, 3)), D(2026, 4, 6));
    assert_int_equal(am_bizday_roll_forward(D(2026, 11, 20)), D(2026, 11, 23));
    assert_int_equal(am_bizday_roll_forward(D(2026, 12, 25)), D(2026, 12, 28));
    assert_int_equal(am_bizday_roll_forward(D(2027, 1, 1)), D(2027, 1, 4));
    assert_int_equal(am_bizday_roll_forward(D(2026, 7, 14)), D(2026, 7, 14));
}

static void test_bizdays_add_counts_business_days_after(void **state)
{
    (void)state;
    assert_int_equal(am_bizday_add(D(2026, 7, 14), 1), D(2026, 7, 15));
    assert_int_equal(am_bizday_add(D(2026, 7, 17), 1), D(2026, 7, 20)); /* Fri -> Mon */
    assert_int_equal(am_bizday_add(D(2026, 7, 18), 1), D(2026, 7, 20)); /* Sat -> Mon */
    assert_int_equal(am_bizday_add(D(2026, 2, 13), 1), D(2026, 2, 18));
    assert_int_equal(am_bizday_add(D(2026, 12, 31), 1), D(2027, 1, 4));
    assert_int_equal(am_bizday_add(D(2026, 7, 14), 5), D(2026, 7, 21));
    assert_int_equal(am_bizday_add(D(2026, 3, 30), 5), D(2026, 4, 7)); /* over Good Friday */
    assert_int_equal(am_bizday_add(D(2026, 1, 1), 249), D(2026, 12, 31));
    assert_int_equal(am_bizday_add(D(2026, 7, 14), 0), D(2026, 7, 14));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bizdays_card_credit_date_rolls_saturday_to_monday),
        cmocka_unit_test(test_bizdays_2026_movable_holidays),
        cmocka_unit_test(test_bizdays_movable_holidays_in_other_years),
        cmocka_unit_test(test_bizdays_easter_matches_known_dates),
        cmocka_unit_test(test_bizdays_fixed_holidays_and_consciencia_negra_since_2024),
        cmocka_unit_test(test_bizdays_counts_a_whole_year),
        cmocka_unit_test(test_bizdays_weekends_including_before_1970),
        cmocka_unit_test(test_bizdays_roll_forward_skips_weekends_and_holidays),
        cmocka_unit_test(test_bizdays_add_counts_business_days_after),
    };

    return cmocka_run_group_tests_name("bizdays", tests, NULL, NULL);
}

/* test_clock.c - Brasilia-time formatting/parsing and per-account virtual clocks. */
#include "test_helpers.h"

#include <errno.h>

#include "clock.h"

#define T_2026_UTC INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC */
#define HOUR 3600
#define DAY 86400

static void expect_datetime(int64_t t, const char *want)
{
    char out[20];

    memset(out, 'Z', sizeof(out));
    am_clock_format_datetime(t, out);
    if (strcmp(out, want) != 0)
        fail_msg("format_datetime(%lld) = '%s', want '%s'", (long long)t, out, want);
}

static void expect_date(int64_t t, const char *want)
{
    char out[11];

    memset(out, 'Z', sizeof(out));
    am_clock_format_date(t, out);
    if (strcmp(out, want) != 0)
        fail_msg("format_date(%lld) = '%s', want '%s'", (long long)t, out, want);
}

static void test_clock_formats_known_instants_in_brasilia_time(void **state)
{
    (void)state;
    expect_datetime(0, "1969-12-31 21:00:00");
    expect_date(0, "1969-12-31");
    expect_datetime(-1, "1969-12-31 20:59:59");
    expect_datetime(3 * HOUR, "1970-01-01 00:00:00");
    expect_date(3 * HOUR, "1970-01-01");
    expect_datetime(INT64_C(1709175600), "2024-02-29 00:00:00"); /* leap day, BRT midnight */
    expect_date(INT64_C(1709175600), "2024-02-29");
    expect_datetime(INT64_C(951868800), "2000-02-29 21:00:00");
    expect_datetime(INT64_C(253402300799), "9999-12-31 20:59:59");
}

/* The hand-written formatting prints what "%04d-%02u-%02u %02d:%02d:%02d" printed. */
static void test_clock_formats_like_printf_across_years(void **state)
{
    (void)state;
    for (int64_t t = -62135596800LL + 86400; t < 253402300799LL; t += 86400LL * 97 + 3607) {
        int64_t y, days = am_cal_day_of(t), secs = t + AM_BRT_OFFSET_SECONDS - days * 86400;
        unsigned m, d;
        char want[96], got[20], day[11];

        am_cal_civil_from_days(days, &y, &m, &d);
        snprintf(want, sizeof(want), "%04d-%02u-%02u %02d:%02d:%02d", (int)(y % 10000), m, d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
        am_clock_format_datetime(t, got);
        assert_string_equal(got, want);
        am_clock_format_date(t, day);
        assert_memory_equal(day, want, 10);
        am_cal_format_day(days, day);
        assert_memory_equal(day, want, 10);
    }
}

static void test_clock_brasilia_date_changes_at_three_utc(void **state)
{
    (void)state;
    /* Midnight UTC is still the previous day in Brasilia. */
    expect_datetime(T_2026_UTC, "2025-12-31 21:00:00");
    expect_date(T_2026_UTC, "2025-12-31");
    expect_datetime(T_2026_UTC - 1, "2025-12-31 20:59:59");
    expect_datetime(T_2026_UTC + 3 * HOUR - 1, "2025-12-31 23:59:59");
    expect_date(T_2026_UTC + 3 * HOUR - 1, "2025-12-31");
    expect_datetime(T_2026_UTC + 3 * HOUR, "2026-01-01 00:00:00");
    expect_date(T_2026_UTC + 3 * HOUR, "2026-01-01");
    expect_datetime(T_2026_UTC + DAY + 3 * HOUR - 1, "2026-01-01 23:59:59");
    expect_date(T_2026_UTC + DAY + 3 * HOUR - 1, "2026-01-01");
}

static void test_clock_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(am_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(am_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(am_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(am_days_from_civil(2026, 1, 1), T_2026_UTC / DAY);
}

static void expect_date_parses(const char *s, int64_t want)
{
    int64_t t = -42;
    int r = am_clock_parse_date(s, &t);

    if (r != 0 || t != want)
        fail_msg("parse_date('%s') = %d, %lld; want 0, %lld", s, r, (long long)t,
                 (long long)want);
}

static void expect_date_invalid(const char *s)
{
    int64_t t = -42;
    int r = am_clock_parse_date(s, &t);

    if (r != -EINVAL || t != -42)
        fail_msg("parse_date('%s') = %d (t %lld); want -EINVAL, untouched", s ? s : "(null)", r,
                 (long long)t);
}

static void test_clock_parse_date_valid(void **state)
{
    (void)state;
    expect_date_parses("2026-01-01", T_2026_UTC + 3 * HOUR);
    expect_date_parses("1970-01-01", 3 * HOUR);
    expect_date_parses("2024-02-29", INT64_C(1709175600));
    expect_date_parses("2000-02-29", am_days_from_civil(2000, 2, 29) * DAY + 3 * HOUR);
    expect_date_parses("2026-12-31", am_days_from_civil(2026, 12, 31) * DAY + 3 * HOUR);
    expect_date_parses("2026-04-30", am_days_from_civil(2026, 4, 30) * DAY + 3 * HOUR);
}

static void test_clock_parse_date_invalid(void **state)
{
    (void)state;
    expect_date_invalid(NULL);
    expect_date_invalid("");
    expect_date_invalid("2023-02-29"); /* not a leap year */
    expect_date_invalid("1900-02-29"); /* century, not a leap year */
    expect_date_invalid("2026-13-01");
    expect_date_invalid("2026-00-10");
    expect_date_invalid("2026-01-00");
    expect_date_invalid("2026-01-32");
    expect_date_invalid("2026-04-31");
    expect_date_invalid("2026-1-01");
    expect_date_invalid("2026-01-1");
    expect_date_invalid("26-01-01");
    expect_date_invalid("2026-01-01x");
    expect_date_invalid("2026-01-01 ");
    expect_date_invalid(" 2026-01-01");
    expect_date_invalid("2026/01/01");
    expect_date_invalid("2026-0a-01");
    expect_date_invalid("+026-01-01");
    expect_date_invalid("-026-01-01");
    expect_date_invalid("2026-01-01 00:00:00");
    expect_date_invalid("01/01/2026");
}

static void expect_datetime_parses(const char *s, int64_t want)
{
    int64_t t = -42;
    int r = am_clock_parse_datetime(s, &t);

    if (r != 0 || t != want)
        fail_msg("parse_datetime('%s') = %d, %lld; want 0, %lld", s, r, (long long)t,
                 (long long)want);
}

static void expect_datetime_invalid(const char *s)
{
    int64_t t = -42;
    int r = am_clock_parse_datetime(s, &t);

    if (r != -EINVAL || t != -42)
        fail_msg("parse_datetime('%s') = %d (t %lld); want -EINVAL, untouched",
                 s ? s : "(null)", r, (long long)t);
}

static void test_clock_parse_datetime_both_forms(void **state)
{
    const int64_t brt_2026 = T_2026_UTC + 3 * HOUR;

    (void)state;
    expect_datetime_parses("2026-01-01", brt_2026);
    expect_datetime_parses("2026-01-01 00:00:00", brt_2026);
    expect_datetime_parses("2026-01-01 23:59:59", brt_2026 + DAY - 1);
    expect_datetime_parses("2026-01-01 12:34:56", brt_2026 + 12 * HOUR + 34 * 60 + 56);
    expect_datetime_parses("2025-12-31 21:00:00", T_2026_UTC);
    expect_datetime_parses("1969-12-31 21:00:00", 0);
}

static void test_clock_parse_datetime_invalid(void **state)
{
    (void)state;
    expect_datetime_invalid(NULL);
    expect_datetime_invalid("");
    expect_datetime_invalid("2026-01-01 24:00:00");
    expect_datetime_invalid("2026-01-01 23:60:00");
    expect_datetime_invalid("2026-01-01 23:59:60");
    expect_datetime_invalid("2026-01-01 99:00:00");
    expect_datetime_invalid("2026-01-01T00:00:00");
    expect_datetime_invalid("2026-01-01 00:00");
    expect_datetime_invalid("2026-01-01 00:00:00Z");
    expect_datetime_invalid("2026-01-01 0a:00:00");
    expect_datetime_invalid("2026-01-01 00-00-00");
    expect_datetime_invalid("2026-01-01 -1:00:00");
    expect_datetime_invalid("2026-02-30 10:00:00");
    expect_datetime_invalid("2026-13-01 10:00:00");
    expect_datetime_invalid("2026-1-01 10:00:00");
    expect_datetime_invalid("2026-01-01 ");
    expect_datetime_invalid("2026-01-01x");
}

static void test_clock_round_trips(void **state)
{
    static const int64_t instants[] = {
        0, 3 * HOUR, T_2026_UTC, T_2026_UTC - 1, T_2026_UTC + 3 * HOUR - 1,
        T_2026_UTC + 3 * HOUR, INT64_C(1709175600), INT64_C(1709175600) + DAY - 1,
        INT64_C(4102444799), INT64_C(253402300799) - 3 * HOUR,
    };
    static const char *const dates[] = {"1970-01-01", "2024-02-29", "2025-12-31", "2026-01-01",
                                        "2100-03-01", "9999-12-31"};
    char buf[20], dbuf[11];
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
        am_clock_format_datetime(instants[i], buf);
        assert_int_equal(am_clock_parse_datetime(buf, &t), 0);
        assert_int_equal(t, instants[i]);
    }
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        assert_int_equal(am_clock_parse_date(dates[i], &t), 0);
        am_clock_format_date(t, dbuf);
        assert_string_equal(dbuf, dates[i]);
        am_clock_format_datetime(t, buf);
        assert_int_equal(strncmp(buf, dates[i], 10), 0);
        assert_string_equal(buf + 10, " 00:00:00");
    }
    /* Every second of a whole Brasilia day, around the UTC date change. */
    for (int64_t s = T_2026_UTC - 4 * HOUR; s < T_2026_UTC + 4 * HOUR; s += 37) {
        am_clock_format_datetime(s, buf);
        assert_int_equal(am_clock_parse_datetime(buf, &t), 0);
        assert_int_equal(t, s);
    }
}

static void test_clock_real_mode_follows_real_time(void **state)
{
    struct am_clock c;

    (void)state;
    memset(&c, 0x5a, sizeof(c));
    am_clock_reset(&c);
    assert_int_equal(c.mode, AM_CLOCK_REAL);
    assert_int_equal(am_clock_now(&c, T_2026_UTC), T_2026_UTC);
    assert_int_equal(am_clock_now(&c, T_2026_UTC + 99), T_2026_UTC + 99);
    am_clock_advance(&c, DAY);
    assert_int_equal(am_clock_now(&c, T_2026_UTC), T_2026_UTC + DAY);
    assert_int_equal(am_clock_now(&c, T_2026_UTC + 5), T_2026_UTC + DAY + 5);
    am_clock_advance(&c, -2 * DAY);
    assert_int_equal(am_clock_now(&c, T_2026_UTC), T_2026_UTC - DAY);
}

static void test_clock_frozen_ignores_real_time_and_advances(void **state)
{
    struct am_clock c;

    (void)state;
    am_clock_reset(&c);
    am_clock_advance(&c, 500);
    am_clock_freeze(&c, T_2026_UTC);
    /* Freezing drops any earlier offset: the frozen instant is shown as given. */
    assert_int_equal(am_clock_now(&c, 0), T_2026_UTC);
    assert_int_equal(am_clock_now(&c, T_2026_UTC + 12345), T_2026_UTC);
    am_clock_advance(&c, 60);
    assert_int_equal(am_clock_now(&c, 1), T_2026_UTC + 60);
    am_clock_advance(&c, -120);
    assert_int_equal(am_clock_now(&c, 1), T_2026_UTC - 60);
    am_clock_reset(&c);
    assert_int_equal(am_clock_now(&c, 777), 777);
}

static void test_clock_accounts_clocks_are_independent(void **state)
{
    struct am_clock a, b, c;
    const int64_t real = T_2026_UTC + 1000;

    (void)state;
    am_clock_reset(&a);
    am_clock_reset(&b);
    am_clock_reset(&c);
    am_clock_freeze(&a, 42);
    am_clock_advance(&b, 7 * DAY);
    assert_int_equal(am_clock_now(&a, real), 42);
    assert_int_equal(am_clock_now(&b, real), real + 7 * DAY);
    assert_int_equal(am_clock_now(&c, real), real);

    am_clock_advance(&a, 8);
    assert_int_equal(am_clock_now(&a, real), 50);
    assert_int_equal(am_clock_now(&b, real), real + 7 * DAY);
    assert_int_equal(am_clock_now(&c, real), real);

    am_clock_reset(&b);
    assert_int_equal(am_clock_now(&a, real), 50);
    assert_int_equal(am_clock_now(&b, real), real);
    assert_int_equal(am_clock_now(&c, real), real);

    am_clock_reset(&a);
    assert_int_equal(am_clock_now(&a, real), real);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_formats_known_instants_in_brasilia_time),
        cmocka_unit_test(test_clock_brasilia_date_changes_at_three_utc),
        cmocka_unit_test(test_clock_formats_like_printf_across_years),
        cmocka_unit_test(test_clock_days_from_civil),
        cmocka_unit_test(test_clock_parse_date_valid),
        cmocka_unit_test(test_clock_parse_date_invalid),
        cmocka_unit_test(test_clock_parse_datetime_both_forms),
        cmocka_unit_test(test_clock_parse_datetime_invalid),
        cmocka_unit_test(test_clock_round_trips),
        cmocka_unit_test(test_clock_real_mode_follows_real_time),
        cmocka_unit_test(test_clock_frozen_ignores_real_time_and_advances),
        cmocka_unit_test(test_clock_accounts_clocks_are_independent),
    };
    return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}

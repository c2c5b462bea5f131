/* test_money.c - amounts as integer cents, parsed and printed exactly. */
#include "test_helpers.h"

#include "money.h"

#include <errno.h>
#include <inttypes.h>

static void expect_parse(const char *text, int rc, int64_t cents)
{
    int64_t got = -12345;

    assert_int_equal(am_money_parse(text, &got), rc);
    assert_int_equal(got, rc == 0 ? cents : -12345);
}

/* The shortest decimal of cents: 9801 -> "98.01", 50 -> "0.5", 10000 -> "100". */
static void shortest_decimal(int64_t cents, char *out, size_t size)
{
    int64_t a = cents < 0 ? -cents : cents;
    const char *sign = cents < 0 ? "-" : "";

    if (a % 100 == 0)
        snprintf(out, size, "%s%" PRId64, sign, a / 100);
    else if (a % 10 == 0)
        snprintf(out, size, "%s%" PRId64 ".%" PRId64, sign, a / 100, (a % 100) / 10);
    else
        snprintf(out, size, "%s%" PRId64 ".%02" PRId64, sign, a / 100, a % 100);
}

static void expect_printed(int64_t cents)
{
    char want[64];
    cJSON *n = am_money_to_json(cents);
    char *got;

    assert_non_null(n);
    got = cJSON_PrintUnformatted(n);
    assert_non_null(got);
    shortest_decimal(cents, want, sizeof(want));
    assert_string_equal(got, want);
    free(got);
    cJSON_Delete(n);
}

static void test_money_parse_accepts_up_to_two_decimals(void **state)
{
    (void)state;
    expect_parse("350", 0, 35000);
    expect_parse("98.01", 0, 9801);
    expect_parse("29.16", 0, 2916);
    expect_parse("0.5", 0, 50);
    expect_parse("0", 0, 0);
    expect_parse("0.01", 0, 1);
    expect_parse("007.10", 0, 710);
    expect_parse("10.010", 0, 1001); /* a trailing zero below the cent is harmless */
    expect_parse("10.00000", 0, 1000);
    expect_parse("100000000000", 0, INT64_C(10000000000000)); /* the ceiling itself */
}

static void test_money_parse_accepts_exponents_exactly(void **state)
{
    (void)state;
    expect_parse("1e2", 0, 10000);
    expect_parse("1E2", 0, 10000);
    expect_parse("1.5e1", 0, 1500);
    expect_parse("1e+2", 0, 10000);
    expect_parse("1234e-2", 0, 1234);
    expect_parse("5e-2", 0, 5);
    expect_parse("0e999", 0, 0);
    expect_parse("5e-3", -EINVAL, 0);
    expect_parse("1e12", -EINVAL, 0);
    expect_parse("1e99999", -EINVAL, 0);
}

static void test_money_parse_rejects_bad_text(void **state)
{
    (void)state;
    expect_parse("10.001", -EINVAL, 0);
    expect_parse("0.30000000000000004", -EINVAL, 0);
    expect_parse("-1", -EINVAL, 0);
    expect_parse("+1", -EINVAL, 0);
    expect_parse("", -EINVAL, 0);
    expect_parse(" 1", -EINVAL, 0);
    expect_parse("1 ", -EINVAL, 0);
    expect_parse("1,50", -EINVAL, 0);
    expect_parse(".5", -EINVAL, 0);
    expect_parse("5.", -EINVAL, 0);
    expect_parse("1e", -EINVAL, 0);
    expect_parse("1e-", -EINVAL, 0);
    expect_parse("abc", -EINVAL, 0);
    expect_parse("NaN", -EINVAL, 0);
    expect_parse("100000000000.01", -EINVAL, 0);
    expect_parse("99999999999999999999999999", -EINVAL, 0);
    expect_parse(NULL, -EINVAL, 0);
}

static void test_money_from_json_reads_numbers_and_strings(void **state)
{
    cJSON *o = cJSON_Parse("{\"a\":98.01,\"b\":350,\"c\":1e2,\"d\":\"29.16\",\"e\":0,"
                           "\"f\":0.1,\"g\":null,\"h\":\"\",\"i\":\"  \",\"j\":99999999999.99}");
    int64_t c = -1;

    (void)state;
    assert_non_null(o);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "a"), &c), 0);
    assert_int_equal(c, 9801);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "b"), &c), 0);
    assert_int_equal(c, 35000);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "c"), &c), 0);
    assert_int_equal(c, 10000);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "d"), &c), 0);
    assert_int_equal(c, 2916);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "e"), &c), 0);
    assert_int_equal(c, 0);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "f"), &c), 0);
    assert_int_equal(c, 10);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "j"), &c), 0);
    assert_int_equal(c, INT64_C(9999999999999));
    c = -1;
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "g"), &c), -ENOENT);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "h"), &c), -ENOENT);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "i"), &c), -ENOENT);
    assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, "missing"), &c), -ENOENT);
    assert_int_equal(am_money_from_json(NULL, &c), -ENOENT);
    assert_int_equal(c, -1);
    cJSON_Delete(o);
}

static void test_money_from_json_rejects_noise_negatives_and_non_numbers(void **state)
{
    cJSON *o = cJSON_Parse("{\"a\":10.001,\"b\":-1,\"c\":0.30000000000000004,\"d\":true,"
                           "\"e\":\"10.001\",\"f\":[1],\"g\":1e300,\"h\":100000000000.01,"
                           "\"i\":-0.01,\"j\":{}}");
    const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    cJSON *sum = cJSON_CreateNumber(0.1 + 0.2);
    int64_t c = -1;

    (void)state;
    assert_non_null(o);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_int_equal(am_money_from_json(cJSON_GetObjectItem(o, keys[i]), &c), -EINVAL);
    assert_int_equal(am_money_from_json(sum, &c), -EINVAL);
    assert_int_equal(c, -1);
    cJSON_Delete(sum);
    cJSON_Delete(o);
}

/* Every amount written with at most two decimals reads back as exactly its cents. */
static void test_money_from_json_round_trips_every_written_amount(void **state)
{
    char text[64];
    int64_t c;

    (void)state;
    for (int64_t cents = 0; cents <= 1000000; cents += 7) {
        cJSON *n;

        snprintf(text, sizeof(text), "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
        n = cJSON_Parse(text);
        assert_non_null(n);
        assert_int_equal(am_money_from_json(n, &c), 0);
        assert_int_equal(c, cents);
        cJSON_Delete(n);
    }
    /* Large amounts, where a double has the fewest digits to spare. */
    for (int64_t cents = INT64_C(9999999999000); cents <= INT64_C(10000000000000);
         cents += 13) {
        cJSON *n;

        snprintf(text, sizeof(text), "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
        n = cJSON_Parse(text);
        assert_non_null(n);
        assert_int_equal(am_money_from_json(n, &c), 0);
        assert_int_equal(c, cents);
        cJSON_Delete(n);
    }
}

static void test_money_to_json_prints_the_shortest_decimal(void **state)
{
    static const struct {
        int64_t cents;
        const char *text;
    } cases[] = {
        {9801, "98.01"}, {10000, "100"}, {50, "0.5"}, {0, "0"}, {1, "0.01"},
        {2916, "29.16"}, {2924, "29.24"}, {34801, "348.01"}, {9652, "96.52"},
        {-199, "-1.99"}, {INT64_C(10000000000000), "100000000000"},
        {INT64_C(9999999999999), "99999999999.99"}, {INT64_C(214748364700), "2147483647"},
        {INT64_C(214748364801), "2147483648.01"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *n = am_money_to_json(cases[i].cents);
        char *got = cJSON_PrintUnformatted(n);

        assert_string_equal(got, cases[i].text);
        free(got);
        cJSON_Delete(n);
    }
    for (int64_t cents = 0; cents <= 100000; cents += 7)
        expect_printed(cents);
    for (int64_t cents = INT64_C(9999999990000); cents <= INT64_C(10000000000000); cents += 11)
        expect_printed(cents);
    for (int64_t cents = -100000; cents < 0; cents += 97)
        expect_printed(cents);
}

static void test_money_add_appends_the_amount(void **state)
{
    cJSON *o = cJSON_CreateObject();
    char *s;

    (void)state;
    assert_int_equal(am_money_add(o, "value", 10000), 0);
    assert_int_equal(am_money_add(o, "netValue", 9801), 0);
    assert_int_equal(am_money_add(o, "interestValue", 0), 0);
    s = cJSON_PrintUnformatted(o);
    assert_string_equal(s, "{\"value\":100,\"netValue\":98.01,\"interestValue\":0}");
    free(s);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_parse_accepts_up_to_two_decimals),
        cmocka_unit_test(test_money_parse_accepts_exponents_exactly),
        cmocka_unit_test(test_money_parse_rejects_bad_text),
        cmocka_unit_test(test_money_from_json_reads_numbers_and_strings),
        cmocka_unit_test(test_money_from_json_rejects_noise_negatives_and_non_numbers),
        cmocka_unit_test(test_money_from_json_round_trips_every_written_amount),
        cmocka_unit_test(test_money_to_json_prints_the_shortest_decimal),
        cmocka_unit_test(test_money_add_appends_the_amount),
    };

    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}

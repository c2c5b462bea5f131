/* test_boleto.c - boleto barcode, due factor and linha digitável check digits. */
#include "test_helpers.h"

#include "boleto.h"
#include "clock.h"

#include <errno.h>

static int64_t D(int64_t y, unsigned m, unsigned d)
{
    return am_days_from_civil(y, m, d);
}

/* The due factor is barcode[5..8]. */
static int factor_of(int64_t due_day)
{
    char b[45];

    assert_int_equal(am_boleto_barcode("461", due_day, 100, "0000000000000000000000000", b),
                     0);
    return atoi((char[5]){b[5], b[6], b[7], b[8], '\0'});
}

static void test_boleto_public_example_barcode_and_linha(void **state)
{
    char b[45], l[48];

    (void)state;
    /* Banco do Brasil, R$ 1,00, due 2007-12-31 (factor 3737). */
    assert_int_equal(am_boleto_barcode("001", D(2007, 12, 31), 100,
                                       "0500940144816060680935031", b),
                     0);
    assert_string_equal(b, "00193373700000001000500940144816060680935031");
    assert_int_equal(am_boleto_linha_digitavel(b, l), 0);
    assert_string_equal(l, "00190500954014481606906809350314337370000000100");
    assert_int_equal(am_boleto_validate_linha(l), 0);
}

static void test_boleto_asaas_bank_461(void **state)
{
    char b[45], l[48];

    (void)state;
    /* Expected values computed independently (Python). */
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 35000,
                                       "0000100000000000012345678", b),
                     0);
    assert_string_equal(b, "46195154100000350000000100000000000012345678");
    assert_int_equal(am_boleto_linha_digitavel(b, l), 0);
    assert_string_equal(l, "46190000130000000000000123456782515410000035000");
    assert_int_equal(am_boleto_validate_linha(l), 0);

    assert_int_equal(am_boleto_barcode("461", D(2026, 7, 14), 2916,
                                       "1234567890123456789012345", b),
                     0);
    assert_string_equal(b, "46191150700000029161234567890123456789012345");
    assert_int_equal(am_boleto_linha_digitavel(b, l), 0);
    assert_string_equal(l, "46191234506789012345767890123457115070000002916");
}

static void test_boleto_due_factor_rolls_over_on_2025_02_22(void **state)
{
    (void)state;
    assert_int_equal(factor_of(D(1997, 10, 8)), 1);
    assert_int_equal(factor_of(D(2000, 7, 3)), 1000);
    assert_int_equal(factor_of(D(2007, 12, 31)), 3737);
    assert_int_equal(factor_of(D(2025, 2, 21)), 9999);
    assert_int_equal(factor_of(D(2025, 2, 22)), 1000);
    assert_int_equal(factor_of(D(2025, 2, 23)), 1001);
    assert_int_equal(factor_of(D(2026, 8, 17)), 1541);
    /* The next cycle: 9000 days later it wraps again. */
    assert_int_equal(factor_of(D(2049, 10, 13)), 9999);
    assert_int_equal(factor_of(D(2049, 10, 14)), 1000);
}

static void test_boleto_general_digit_0_10_11_become_1(void **state)
{
    char b[45];

    (void)state;
    /* 11 - sum % 11 is 11, 1 and 10 for these free fields respectively. */
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 35000,
                                       "0000000000000000000000001", b),
                     0);
    assert_int_equal(b[4], '1');
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 35000,
                                       "0000000000000000000000006", b),
                     0);
    assert_int_equal(b[4], '1');
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 35000,
                                       "0000000000000000000000007", b),
                     0);
    assert_int_equal(b[4], '1');
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 35000,
                                       "0000000000000000000000002", b),
                     0);
    assert_int_equal(b[4], '9');
}

static void test_boleto_rejects_bad_input(void **state)
{
    char b[45] = "unchanged", l[48];

    (void)state;
    assert_int_equal(am_boleto_barcode(NULL, D(2026, 8, 17), 1, "0000000000000000000000000", b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("46", D(2026, 8, 17), 1, "0000000000000000000000000", b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("4610", D(2026, 8, 17), 1, "0000000000000000000000000",
                                       b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("46a", D(2026, 8, 17), 1, "0000000000000000000000000", b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 1, "000000000000000000000000", b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 1, "00000000000000000000000000",
                                       b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), 1, NULL, b), -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), -1, "0000000000000000000000000",
                                       b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), INT64_C(10000000000),
                                       "0000000000000000000000000", b),
                     -EINVAL);
    assert_int_equal(am_boleto_barcode("461", D(1997, 10, 7), 1, "0000000000000000000000000", b),
                     -EINVAL);
    assert_string_equal(b, "unchanged");
    assert_int_equal(am_boleto_barcode("461", D(2026, 8, 17), INT64_C(9999999999),
                                       "0000000000000000000000000", b),
                     0);
    assert_memory_equal(b + 9, "9999999999", 10);

    assert_int_equal(am_boleto_linha_digitavel(NULL, l), -EINVAL);
    assert_int_equal(am_boleto_linha_digitavel("0019337370000000100050094014481606068093503", l),
                     -EINVAL);
    assert_int_equal(am_boleto_linha_digitavel("001933737000000010005009401448160606809350311",
                                               l),
                     -EINVAL);
    assert_int_equal(am_boleto_linha_digitavel("0019337370000000100050094014481606068093503x",
                                               l),
                     -EINVAL);
}

static void test_boleto_validate_rejects_any_single_changed_digit(void **state)
{
    const char *good = "00190500954014481606906809350314337370000000100";
    char l[48];

    (void)state;
    for (size_t i = 0; i < 47; i++) {
        for (char d = 1; d <= 9; d++) {
            memcpy(l, good, 48);
            l[i] = (char)('0' + (good[i] - '0' + d) % 10);
            assert_int_equal(am_boleto_validate_linha(l), -EINVAL);
        }
    }
    assert_int_equal(am_boleto_validate_linha(NULL), -EINVAL);
    assert_int_equal(am_boleto_validate_linha(""), -EINVAL);
    assert_int_equal(am_boleto_validate_linha("0019050095401448160690680935031433737000000010"),
                     -EINVAL);
    assert_int_equal(am_boleto_validate_linha("001905009540144816069068093503143373700000001000"),
                     -EINVAL);
    assert_int_equal(am_boleto_validate_linha("00190.50095 40144.816069 06809.350314 3 "
                                              "37370000000100"),
                     -EINVAL); /* digits only */
}

/* Many generated barcodes: the line always validates and carries the barcode's digits. */
static void test_boleto_round_trips(void **state)
{
    uint64_t seed = 42;
    char free25[26], b[45], l[48];

    (void)state;
    for (int n = 0; n < 2000; n++) {
        int64_t amount, due;

        for (int i = 0; i < 25; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            free25[i] = (char)('0' + (seed >> 33) % 10);
        }
        free25[25] = '\0';
        amount = (int64_t)((seed >> 20) % INT64_C(10000000000));
        due = D(2025, 1, 1) + (int64_t)((seed >> 40) % 3000);
        assert_int_equal(am_boleto_barcode("461", due, amount, free25, b), 0);
        assert_int_equal(strlen(b), 44);
        assert_int_equal(am_boleto_linha_digitavel(b, l), 0);
        assert_int_equal(strlen(l), 47);
        assert_int_equal(am_boleto_validate_linha(l), 0);
        assert_memory_equal(l, "4619", 4);
        assert_memory_equal(l + 4, free25, 5);
        assert_memory_equal(l + 10, free25 + 5, 10);
        assert_memory_equal(l + 21, free25 + 15, 10);
        assert_int_equal(l[32], b[4]);
        assert_memory_equal(l + 33, b + 5, 14);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boleto_public_example_barcode_and_linha),
        cmocka_unit_test(test_boleto_asaas_bank_461),
        cmocka_unit_test(test_boleto_due_factor_rolls_over_on_2025_02_22),
        cmocka_unit_test(test_boleto_general_digit_0_10_11_become_1),
        cmocka_unit_test(test_boleto_rejects_bad_input),
        cmocka_unit_test(test_boleto_validate_rejects_any_single_changed_digit),
        cmocka_unit_test(test_boleto_round_trips),
    };

    return cmocka_run_group_tests_name("boleto", tests, NULL, NULL);
}

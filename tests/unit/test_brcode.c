/* test_brcode.c - Pix BR Code payloads and their CRC16. */
#include "test_helpers.h"

#include "brcode.h"

#include <errno.h>

/* The example from the BCB "Manual de Padrões para Iniciação do Pix". */
static const char bcb_example[] =
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802"
    "BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

/* Appends "6304" and the CRC to body (which must have room for 9 more bytes). */
static void seal(char *body)
{
    size_t n = strlen(body);

    memcpy(body + n, "6304", 5);
    snprintf(body + n + 4, 5, "%04X", (unsigned)am_crc16_ccitt(body, n + 4));
}

static void test_brcode_crc16_check_value(void **state)
{
    (void)state;
    assert_int_equal(am_crc16_ccitt("123456789", 9), 0x29B1);
    assert_int_equal(am_crc16_ccitt("", 0), 0xFFFF);
    assert_int_equal(am_crc16_ccitt(bcb_example, sizeof(bcb_example) - 1 - 4), 0x1D3D);
}

static void test_brcode_validates_the_bcb_example(void **state)
{
    char lower[sizeof(bcb_example)];

    (void)state;
    assert_int_equal(am_brcode_validate(bcb_example), 0);
    memcpy(lower, bcb_example, sizeof(lower));
    lower[sizeof(lower) - 2] = 'd'; /* hex digits in either case */
    lower[sizeof(lower) - 4] = 'd';
    assert_int_equal(am_brcode_validate(lower), 0);
}

static void test_brcode_rejects_any_single_changed_character(void **state)
{
    char p[sizeof(bcb_example)];

    (void)state;
    for (size_t i = 0; i < sizeof(bcb_example) - 1; i++) {
        memcpy(p, bcb_example, sizeof(p));
        p[i] = p[i] == '0' ? '1' : '0';
        assert_int_equal(am_brcode_validate(p), -EINVAL);
    }
}

static void test_brcode_rejects_broken_structure(void **state)
{
    char p[256];

    (void)state;
    assert_int_equal(am_brcode_validate(NULL), -EINVAL);
    assert_int_equal(am_brcode_validate(""), -EINVAL);
    assert_int_equal(am_brcode_validate("63041D3D"), -EINVAL);
    /* Truncated and extended. */
    snprintf(p, sizeof(p), "%.*s", (int)sizeof(bcb_example) - 2, bcb_example);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    snprintf(p, sizeof(p), "%s0", bcb_example);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    /* Correct CRC but no format indicator first. */
    snprintf(p, sizeof(p), "010212000201");
    seal(p);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    /* Correct CRC, but a length that overruns the payload. */
    snprintf(p, sizeof(p), "0002015999Fulano");
    seal(p);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    /* Correct CRC, but the merchant template's inner length is wrong. */
    snprintf(p, sizeof(p), "000201260800149999");
    seal(p);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    /* Correct CRC, but "6304" hidden inside field 62 rather than a field of its own:
     * the CRC is computed over the prefix up to and including that "6304". */
    snprintf(p, sizeof(p), "000201621205086304");
    snprintf(p + strlen(p), 5, "%04X", (unsigned)am_crc16_ccitt(p, strlen(p)));
    assert_int_equal(strlen(p), 22);
    assert_int_equal(am_brcode_validate(p), -EINVAL);
    /* The same bytes as a real CRC field validate. */
    snprintf(p, sizeof(p), "000201");
    seal(p);
    assert_int_equal(am_brcode_validate(p), 0);
    /* Non-hex CRC. */
    snprintf(p, sizeof(p), "0002016304ZZZZ");
    assert_int_equal(am_brcode_validate(p), -EINVAL);
}

static void test_brcode_builds_the_exact_dynamic_payload(void **state)
{
    char *p;

    (void)state;
    p = am_brcode_payload("abc123", 10000, "ASAAS MOCK LTDA", "JOINVILLE");
    assert_non_null(p);
    /* Expected text computed independently (Python), CRC included. */
    assert_string_equal(p, "00020101021226510014br.gov.bcb.pix2529pix.asaas.mock/qr/cobv/"
                           "abc1235204000053039865406100.005802BR5915ASAAS MOCK LTDA6009"
                           "JOINVILLE62100506abc1236304B421");
    assert_int_equal(am_brcode_validate(p), 0);
    free(p);
}

static void test_brcode_amount_field_formatting(void **state)
{
    char *p;

    (void)state;
    p = am_brcode_payload("T1", 0, "A", "B");
    assert_non_null(p);
    assert_null(strstr(p, "5303986" "54")); /* no amount field for 0 */
    assert_non_null(strstr(p, "53039865802BR"));
    assert_int_equal(am_brcode_validate(p), 0);
    free(p);
    p = am_brcode_payload("T1", 1, "A", "B");
    assert_non_null(strstr(p, "54040.01"));
    assert_int_equal(am_brcode_validate(p), 0);
    free(p);
    p = am_brcode_payload("T1", 2916, "A", "B");
    assert_non_null(strstr(p, "540529.16"));
    free(p);
    p = am_brcode_payload("T1", INT64_C(999999999999), "A", "B");
    assert_non_null(strstr(p, "54139999999999.99"));
    assert_int_equal(am_brcode_validate(p), 0);
    free(p);
    assert_null(am_brcode_payload("T1", INT64_C(1000000000000), "A", "B")); /* 14 chars */
    assert_null(am_brcode_payload("T1", -1, "A", "B"));
}

static void test_brcode_longest_fields_still_validate(void **state)
{
    char *p = am_brcode_payload("ABCDEFGHIJKLMNOPQRSTUVWXY", 123456, "ABCDEFGHIJKLMNOPQRSTUVWXY",
                                "ABCDEFGHIJKLMNO");

    (void)state;
    assert_non_null(p);
    assert_non_null(strstr(p, "5925ABCDEFGHIJKLMNOPQRSTUVWXY6015ABCDEFGHIJKLMNO6229"
                              "0525ABCDEFGHIJKLMNOPQRSTUVWXY6304"));
    assert_int_equal(am_brcode_validate(p), 0);
    free(p);
}

static void test_brcode_refuses_invalid_fields(void **state)
{
    (void)state;
    assert_null(am_brcode_payload(NULL, 100, "A", "B"));
    assert_null(am_brcode_payload("", 100, "A", "B"));
    assert_null(am_brcode_payload("abc-123", 100, "A", "B"));
    assert_null(am_brcode_payload("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 100, "A", "B")); /* 26 */
    assert_null(am_brcode_payload("T1", 100, NULL, "B"));
    assert_null(am_brcode_payload("T1", 100, "", "B"));
    assert_null(am_brcode_payload("T1", 100, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "B"));
    assert_null(am_brcode_payload("T1", 100, "Jo\xc3\xa3o", "B")); /* not ASCII */
    assert_null(am_brcode_payload("T1", 100, "A", NULL));
    assert_null(am_brcode_payload("T1", 100, "A", "ABCDEFGHIJKLMNOP")); /* 16 */
    assert_null(am_brcode_payload("T1", 100, "A", "S\xc3\xa3o Paulo"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brcode_crc16_check_value),
        cmocka_unit_test(test_brcode_validates_the_bcb_example),
        cmocka_unit_test(test_brcode_rejects_any_single_changed_character),
        cmocka_unit_test(test_brcode_rejects_broken_structure),
        cmocka_unit_test(test_brcode_builds_the_exact_dynamic_payload),
        cmocka_unit_test(test_brcode_amount_field_formatting),
        cmocka_unit_test(test_brcode_longest_fields_still_validate),
        cmocka_unit_test(test_brcode_refuses_invalid_fields),
    };

    return cmocka_run_group_tests_name("brcode", tests, NULL, NULL);
}

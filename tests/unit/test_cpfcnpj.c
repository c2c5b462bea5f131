/* test_cpfcnpj.c - CPF/CNPJ check digits. */
#include "test_helpers.h"

#include "cpfcnpj.h"

static void expect_doc(const char *doc, enum am_doc_kind kind, const char *digits)
{
    char out[15];

    memset(out, 'X', sizeof(out));
    assert_int_equal(am_cpfcnpj_validate(doc, out), kind);
    assert_string_equal(out, digits);
}

static void test_cpfcnpj_accepts_valid_cpfs(void **state)
{
    (void)state;
    expect_doc("24971563792", AM_DOC_CPF, "24971563792");
    expect_doc("529.982.247-25", AM_DOC_CPF, "52998224725");
    expect_doc(" 529 982 247 25 ", AM_DOC_CPF, "52998224725");
    expect_doc("11144477735", AM_DOC_CPF, "11144477735");
    /* Check digits of 0 (remainder < 2), both and only the first. */
    expect_doc("98765432100", AM_DOC_CPF, "98765432100");
    expect_doc("12345678909", AM_DOC_CPF, "12345678909");
    expect_doc("98765432101", AM_DOC_INVALID, "98765432101");
}

static void test_cpfcnpj_accepts_valid_cnpjs(void **state)
{
    (void)state;
    expect_doc("11.222.333/0001-81", AM_DOC_CNPJ, "11222333000181");
    expect_doc("19131243000197", AM_DOC_CNPJ, "19131243000197");
}

static void test_cpfcnpj_rejects_wrong_check_digits(void **state)
{
    (void)state;
    expect_doc("24971563793", AM_DOC_INVALID, "24971563793");
    expect_doc("24971563782", AM_DOC_INVALID, "24971563782");
    expect_doc("11222333000182", AM_DOC_INVALID, "11222333000182");
    expect_doc("11222333000171", AM_DOC_INVALID, "11222333000171");
}

static void test_cpfcnpj_rejects_repeated_digits(void **state)
{
    char doc[15];

    (void)state;
    for (char d = '0'; d <= '9'; d++) {
        memset(doc, d, 11);
        doc[11] = '\0';
        expect_doc(doc, AM_DOC_INVALID, doc);
        memset(doc, d, 14);
        doc[14] = '\0';
        expect_doc(doc, AM_DOC_INVALID, doc);
    }
}

static void test_cpfcnpj_rejects_wrong_lengths_and_characters(void **state)
{
    (void)state;
    expect_doc("", AM_DOC_INVALID, "");
    expect_doc("2497156379", AM_DOC_INVALID, "2497156379");
    expect_doc("249715637920", AM_DOC_INVALID, "249715637920");
    expect_doc("1122233300018", AM_DOC_INVALID, "1122233300018");
    expect_doc("112223330001811", AM_DOC_INVALID, "");
    expect_doc("11222333000181000000000", AM_DOC_INVALID, "");
    expect_doc("249715637a92", AM_DOC_INVALID, "");
    expect_doc("249_715_637_92", AM_DOC_INVALID, "");
    expect_doc(NULL, AM_DOC_INVALID, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpfcnpj_accepts_valid_cpfs),
        cmocka_unit_test(test_cpfcnpj_accepts_valid_cnpjs),
        cmocka_unit_test(test_cpfcnpj_rejects_wrong_check_digits),
        cmocka_unit_test(test_cpfcnpj_rejects_repeated_digits),
        cmocka_unit_test(test_cpfcnpj_rejects_wrong_lengths_and_characters),
    };

    return cmocka_run_group_tests_name("cpfcnpj", tests, NULL, NULL);
}

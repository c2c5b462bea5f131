/* test_fees.c - the fees observed in the real sandbox and installment splits. */
#include "test_helpers.h"

#include "fees.h"

#include <errno.h>

static void test_fees_pix_and_boleto_are_fixed_1_99(void **state)
{
    (void)state;
    assert_int_equal(am_fee_for(AM_BILLING_PIX, 10000), 199);
    assert_int_equal(10000 - am_fee_for(AM_BILLING_PIX, 10000), 9801);
    assert_int_equal(am_fee_for(AM_BILLING_PIX, 500), 199);
    assert_int_equal(am_fee_for(AM_BILLING_BOLETO, 35000), 199);
    assert_int_equal(35000 - am_fee_for(AM_BILLING_BOLETO, 35000), 34801);
    assert_int_equal(am_fee_for(AM_BILLING_BOLETO, 100000000), 199);
    /* UNDEFINED is priced as boleto until the payer chooses. */
    assert_int_equal(am_fee_for(AM_BILLING_UNDEFINED, 35000), 199);
}

static void test_fees_card_is_0_49_plus_2_99_percent_rounded_half_up(void **state)
{
    (void)state;
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 10000), 348);
    assert_int_equal(10000 - am_fee_for(AM_BILLING_CREDIT_CARD, 10000), 9652);
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 30000), 946);
    /* 2.99% of 50.00 = 1.495 -> 1.50 (half-up); of 10.01 = 0.299299 -> 0.30. */
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 5000), 49 + 150);
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 1001), 49 + 30);
    /* 2.99% of 0.16 = 0.004784 -> 0.00. */
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 16), 49);
    assert_int_equal(am_fee_for(AM_BILLING_CREDIT_CARD, 0), 49);
}

static void test_fees_transfer_and_deposit_are_free(void **state)
{
    (void)state;
    assert_int_equal(am_fee_for(AM_BILLING_TRANSFER, 10000), 0);
    assert_int_equal(am_fee_for(AM_BILLING_DEPOSIT, 10000), 0);
}

static void test_fees_boleto_350_in_12_puts_remainder_last(void **state)
{
    int64_t out[12];

    (void)state;
    am_installments_split(35000, 12, out);
    for (int i = 0; i < 11; i++)
        assert_int_equal(out[i], 2916);
    assert_int_equal(out[11], 2924);
}

static void test_fees_split_edge_cases(void **state)
{
    int64_t out[7];
    int64_t sum = 0;

    (void)state;
    am_installments_split(10000, 1, out);
    assert_int_equal(out[0], 10000);
    am_installments_split(30000, 3, out);
    assert_int_equal(out[0], 10000);
    assert_int_equal(out[1], 10000);
    assert_int_equal(out[2], 10000);
    am_installments_split(100, 7, out);
    for (int i = 0; i < 6; i++)
        assert_int_equal(out[i], 14);
    assert_int_equal(out[6], 16);
    for (int i = 0; i < 7; i++)
        sum += out[i];
    assert_int_equal(sum, 100);
    out[0] = -7;
    am_installments_split(100, 0, out); /* nothing to write */
    assert_int_equal(out[0], -7);
}

static void test_fees_card_3x_of_300_divides_fee_on_total_truncating(void **state)
{
    int64_t out[3];
    int64_t out12[12];

    (void)state;
    /* Captured sandbox: 300.00 in 3x on a card, every installment nets 96.35. */
    am_fee_card_installments(30000, 3, out);
    assert_int_equal(out[0], 365);
    assert_int_equal(out[1], 365);
    assert_int_equal(out[2], 365);
    /* 7-12x tier: 0.49 + 3.99% of 1200.00 = 48.37, / 12 truncated = 4.03. */
    am_fee_card_installments(120000, 12, out12);
    assert_int_equal(out12[0], 403);
    assert_int_equal(out12[11], 403);
}

static void test_fees_billing_type_names_and_parse(void **state)
{
    enum am_billing_type t = AM_BILLING_DEPOSIT;

    (void)state;
    assert_string_equal(am_billing_type_name(AM_BILLING_UNDEFINED), "UNDEFINED");
    assert_string_equal(am_billing_type_name(AM_BILLING_BOLETO), "BOLETO");
    assert_string_equal(am_billing_type_name(AM_BILLING_CREDIT_CARD), "CREDIT_CARD");
    assert_string_equal(am_billing_type_name(AM_BILLING_PIX), "PIX");
    assert_string_equal(am_billing_type_name(AM_BILLING_DEBIT_CARD), "DEBIT_CARD");
    assert_string_equal(am_billing_type_name(AM_BILLING_TRANSFER), "TRANSFER");
    assert_string_equal(am_billing_type_name(AM_BILLING_DEPOSIT), "DEPOSIT");
    assert_null(am_billing_type_name(_AM_BILLING_MAX));

    assert_int_equal(am_billing_type_parse("PIX", &t), 0);
    assert_int_equal(t, AM_BILLING_PIX);
    assert_int_equal(am_billing_type_parse("BOLETO", &t), 0);
    assert_int_equal(t, AM_BILLING_BOLETO);
    assert_int_equal(am_billing_type_parse("CREDIT_CARD", &t), 0);
    assert_int_equal(t, AM_BILLING_CREDIT_CARD);
    assert_int_equal(am_billing_type_parse("UNDEFINED", &t), 0);
    assert_int_equal(t, AM_BILLING_UNDEFINED);
    /* Response-only types and anything else are refused. */
    t = AM_BILLING_PIX;
    assert_int_equal(am_billing_type_parse("DEBIT_CARD", &t), -EINVAL);
    assert_int_equal(am_billing_type_parse("TRANSFER", &t), -EINVAL);
    assert_int_equal(am_billing_type_parse("DEPOSIT", &t), -EINVAL);
    assert_int_equal(am_billing_type_parse("pix", &t), -EINVAL);
    assert_int_equal(am_billing_type_parse("", &t), -EINVAL);
    assert_int_equal(am_billing_type_parse(NULL, &t), -EINVAL);
    assert_int_equal(t, AM_BILLING_PIX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fees_pix_and_boleto_are_fixed_1_99),
        cmocka_unit_test(test_fees_card_is_0_49_plus_2_99_percent_rounded_half_up),
        cmocka_unit_test(test_fees_transfer_and_deposit_are_free),
        cmocka_unit_test(test_fees_boleto_350_in_12_puts_remainder_last),
        cmocka_unit_test(test_fees_split_edge_cases),
        cmocka_unit_test(test_fees_card_3x_of_300_divides_fee_on_total_truncating),
        cmocka_unit_test(test_fees_billing_type_names_and_parse),
    };

    return cmocka_run_group_tests_name("fees", tests, NULL, NULL);
}

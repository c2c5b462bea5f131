/* test_subscriptions.c - the per-account recurring state: cycle arithmetic, the
 * subscription store and its index, exhaustion rules, KYC defaults and the rendered
 * subscription object (asserted whole). */
#include "test_helpers.h"

#include <errno.h>

#include "clock.h"
#include "subscriptions.h"

static int64_t D(int y, unsigned m, unsigned d)
{
    return am_days_from_civil(y, m, d);
}

/* Noon in Brasilia of a date. */
static int64_t noon(int y, unsigned m, unsigned d)
{
    return D(y, m, d) * 86400 + 15 * 3600;
}

static char *render(const struct am_subscription *s)
{
    cJSON *o = am_subscription_to_json(s);
    char *text;

    assert_non_null(o);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(text);
    return text;
}

static void test_subscriptions_cycle_names_round_trip(void **state)
{
    enum am_sub_cycle c;
    enum am_sub_status s;

    (void)state;
    for (unsigned i = 0; i < _AM_CYCLE_MAX; i++) {
        assert_int_equal(am_sub_cycle_parse(am_sub_cycle_name((enum am_sub_cycle)i), &c), 0);
        assert_int_equal(c, i);
    }
    assert_string_equal(am_sub_cycle_name(AM_CYCLE_SEMIANNUALLY), "SEMIANNUALLY");
    assert_int_equal(am_sub_cycle_parse("monthly", &c), -EINVAL);
    assert_int_equal(am_sub_cycle_parse("DAILY", &c), -EINVAL);
    assert_int_equal(am_sub_cycle_parse(NULL, &c), -EINVAL);
    assert_int_equal(am_sub_status_parse("INACTIVE", &s), 0);
    assert_int_equal(s, AM_SUB_INACTIVE);
    assert_int_equal(am_sub_status_parse("CANCELLED", &s), -EINVAL);
    assert_string_equal(am_sub_status_name(AM_SUB_EXPIRED), "EXPIRED");
    assert_string_equal(am_kyc_status_name(AM_KYC_AWAITING_APPROVAL), "AWAITING_APPROVAL");
}

static void test_subscriptions_weekly_cycles_add_days(void **state)
{
    (void)state;
    assert_int_equal(am_sub_cycle_next(D(2026, 12, 29), AM_CYCLE_WEEKLY, 0), D(2027, 1, 5));
    assert_int_equal(am_sub_cycle_next(D(2026, 2, 20), AM_CYCLE_BIWEEKLY, 0), D(2026, 3, 6));
}

static void test_subscriptions_month_cycles_clamp_without_drift(void **state)
{
    int64_t d;

    (void)state;
    d = am_sub_cycle_next(D(2026, 1, 31), AM_CYCLE_MONTHLY, 31);
    assert_int_equal(d, D(2026, 2, 28));
    d = am_sub_cycle_next(d, AM_CYCLE_MONTHLY, 31);
    assert_int_equal(d, D(2026, 3, 31)); /* the anchor comes back after February */
    d = am_sub_cycle_next(d, AM_CYCLE_MONTHLY, 31);
    assert_int_equal(d, D(2026, 4, 30));
    assert_int_equal(am_sub_cycle_next(D(2028, 1, 31), AM_CYCLE_MONTHLY, 0), D(2028, 2, 29));
    assert_int_equal(am_sub_cycle_next(D(2026, 12, 31), AM_CYCLE_BIMONTHLY, 31), D(2027, 2, 28));
    assert_int_equal(am_sub_cycle_next(D(2026, 11, 30), AM_CYCLE_QUARTERLY, 30), D(2027, 2, 28));
    assert_int_equal(am_sub_cycle_next(D(2026, 8, 31), AM_CYCLE_SEMIANNUALLY, 0), D(2027, 2, 28));
    assert_int_equal(am_sub_cycle_next(D(2026, 12, 15), AM_CYCLE_MONTHLY, 15), D(2027, 1, 15));
    d = am_sub_cycle_next(D(2028, 2, 29), AM_CYCLE_YEARLY, 29);
    assert_int_equal(d, D(2029, 2, 28));
    d = am_sub_cycle_next(D(2031, 2, 28), AM_CYCLE_YEARLY, 29);
    assert_int_equal(d, D(2032, 2, 29));
    assert_int_equal(am_sub_mday(D(2026, 7, 19)), 19);
}

static struct am_subscription *make(const char *id)
{
    struct am_subscription *s = am_subscription_new();

    assert_non_null(s);
    snprintf(s->id, sizeof(s->id), "%s", id);
    s->created_at = noon(2026, 6, 1);
    snprintf(s->customer, sizeof(s->customer), "cus_000000000001");
    s->value_cents = 4990;
    s->next_due_day = D(2026, 7, 1);
    s->anchor_mday = 1;
    s->cycle = AM_CYCLE_MONTHLY;
    s->billing_type = AM_BILLING_BOLETO;
    return s;
}

static void test_subscriptions_store_indexes_by_id(void **state)
{
    struct am_recurring *r = am_recurring_new();
    char id[24];

    (void)state;
    assert_non_null(r);
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof(id), "sub_%016d", i);
        assert_int_equal(am_recurring_add(r, make(id)), 0);
    }
    assert_int_equal(am_recurring_count(r), 300);
    assert_int_equal(am_recurring_add(r, make("sub_0000000000000007")), -EEXIST);
    assert_int_equal(am_recurring_count(r), 300);
    for (int i = 0; i < 300; i++) {
        struct am_subscription *s;

        snprintf(id, sizeof(id), "sub_%016d", i);
        s = am_recurring_find(r, id);
        assert_non_null(s);
        assert_string_equal(s->id, id);
        assert_int_equal(s->seq, (size_t)i);
        assert_ptr_equal(am_recurring_at(r, (size_t)i), s);
    }
    assert_null(am_recurring_find(r, "sub_missing"));
    assert_null(am_recurring_at(r, 300));
    {
        struct am_subscription *bad = am_subscription_new();

        assert_int_equal(am_recurring_add(r, bad), -EINVAL); /* no id: refused and freed */
    }
    am_recurring_free(r);
}

static void test_subscriptions_state_defaults_pending_and_never_ran(void **state)
{
    struct am_recurring *r = am_recurring_new();
    struct am_kyc *k;

    (void)state;
    assert_non_null(r);
    k = am_recurring_kyc(r);
    assert_int_equal(k->commercial_info, AM_KYC_PENDING);
    assert_int_equal(k->bank_account_info, AM_KYC_PENDING);
    assert_int_equal(k->documentation, AM_KYC_PENDING);
    assert_int_equal(k->general, AM_KYC_PENDING);
    assert_true(am_recurring_jobs_day(r) == AM_NO_DAY);
    am_recurring_set_jobs_day(r, D(2026, 6, 1));
    assert_int_equal(am_recurring_jobs_day(r), D(2026, 6, 1));
    assert_int_equal(am_recurring_count(r), 0);
    am_recurring_free(r);
    am_recurring_free(NULL);
}

static void test_subscriptions_exhausted_by_max_payments_or_end_date(void **state)
{
    struct am_subscription *s = make("sub_x");

    (void)state;
    assert_false(am_subscription_exhausted(s));
    s->max_payments = 2;
    s->generated = 1;
    assert_false(am_subscription_exhausted(s));
    s->generated = 2;
    assert_true(am_subscription_exhausted(s));
    s->max_payments = 0;
    s->end_day = D(2026, 7, 1);
    assert_false(am_subscription_exhausted(s)); /* due on the end date is still allowed */
    s->next_due_day = D(2026, 7, 2);
    assert_true(am_subscription_exhausted(s));
    am_subscription_free(s);
}

static void test_subscriptions_render_captured_key_order(void **state)
{
    struct am_subscription *s = make("sub_q2wj21zdr7fbj53v");
    char *text;

    (void)state;
    text = render(s);
    assert_string_equal(
        text, "{\"object\":\"subscription\",\"id\":\"sub_q2wj21zdr7fbj53v\",\"dateCreated\":"
              "\"2026-06-01\",\"customer\":\"cus_000000000001\",\"paymentLink\":null,\"value\":"
              "49.9,\"nextDueDate\":\"2026-07-01\",\"cycle\":\"MONTHLY\",\"description\":null,"
              "\"billingType\":\"BOLETO\",\"deleted\":false,\"status\":\"ACTIVE\","
              "\"externalReference\":null,\"checkoutSession\":null,"
              "\"sendPaymentByPostalService\":false,\"fine\":{\"value\":0,\"type\":\"FIXED\"},"
              "\"interest\":{\"value\":0,\"type\":\"PERCENTAGE\"},\"split\":null}");
    free(text);
    am_subscription_free(s);
}

static void test_subscriptions_render_optional_fields_after_split(void **state)
{
    struct am_subscription *s = make("sub_q2wj21zdr7fbj53v");
    char *text;

    (void)state;
    s->description = strdup("Plano Pro");
    s->external_reference = strdup("ext-1");
    s->status = AM_SUB_EXPIRED;
    s->deleted = true;
    s->cycle = AM_CYCLE_YEARLY;
    s->billing_type = AM_BILLING_PIX;
    s->fine.value = 200;
    s->fine.type = AM_AMOUNT_PERCENTAGE;
    s->interest.value = 150;
    s->split = cJSON_Parse("[{\"walletId\":\"w1\",\"fixedValue\":5}]");
    s->end_day = D(2027, 6, 1);
    s->max_payments = 12;
    s->discount.value = 1000;
    s->discount.due_date_limit_days = 5;
    s->discount.type = AM_AMOUNT_FIXED;
    text = render(s);
    assert_string_equal(
        text, "{\"object\":\"subscription\",\"id\":\"sub_q2wj21zdr7fbj53v\",\"dateCreated\":"
              "\"2026-06-01\",\"customer\":\"cus_000000000001\",\"paymentLink\":null,\"value\":"
              "49.9,\"nextDueDate\":\"2026-07-01\",\"cycle\":\"YEARLY\",\"description\":"
              "\"Plano Pro\",\"billingType\":\"PIX\",\"deleted\":true,\"status\":\"EXPIRED\","
              "\"externalReference\":\"ext-1\",\"checkoutSession\":null,"
              "\"sendPaymentByPostalService\":false,\"fine\":{\"value\":2,\"type\":"
              "\"PERCENTAGE\"},\"interest\":{\"value\":1.5,\"type\":\"PERCENTAGE\"},\"split\":"
              "[{\"walletId\":\"w1\",\"fixedValue\":5}],\"endDate\":\"2027-06-01\","
              "\"maxPayments\":12,\"discount\":{\"value\":10,\"limitDate\":null,"
              "\"dueDateLimitDays\":5,\"type\":\"FIXED\"}}");
    free(text);
    am_subscription_free(s);
}

static void test_subscriptions_emit_appends_snapshot_event(void **state)
{
    struct am_billing *b = am_billing_new("acc");
    struct am_subscription *s = make("sub_q2wj21zdr7fbj53v");
    const struct am_event *e;
    uint64_t seq;

    (void)state;
    assert_non_null(b);
    seq = am_subscription_emit(b, "SUBSCRIPTION_CREATED", s, noon(2026, 6, 1));
    assert_int_equal(seq, 1);
    e = am_billing_event_by_seq(b, seq);
    assert_non_null(e);
    assert_string_equal(e->name, "SUBSCRIPTION_CREATED");
    assert_string_equal(e->resource_type, "subscription");
    assert_string_equal(e->resource_id, "sub_q2wj21zdr7fbj53v");
    assert_non_null(strstr(e->snapshot, "\"id\":\"sub_q2wj21zdr7fbj53v\""));
    assert_int_equal(e->created_at, noon(2026, 6, 1));
    am_subscription_free(s);
    am_billing_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subscriptions_cycle_names_round_trip),
        cmocka_unit_test(test_subscriptions_weekly_cycles_add_days),
        cmocka_unit_test(test_subscriptions_month_cycles_clamp_without_drift),
        cmocka_unit_test(test_subscriptions_store_indexes_by_id),
        cmocka_unit_test(test_subscriptions_state_defaults_pending_and_never_ran),
        cmocka_unit_test(test_subscriptions_exhausted_by_max_payments_or_end_date),
        cmocka_unit_test(test_subscriptions_render_captured_key_order),
        cmocka_unit_test(test_subscriptions_render_optional_fields_after_split),
        cmocka_unit_test(test_subscriptions_emit_appends_snapshot_event),
    };

    return cmocka_run_group_tests_name("subscriptions", tests, NULL, NULL);
}

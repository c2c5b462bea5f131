/* test_billing.c - the billing domain: payment store and indexes, the state machine,
 * the ledger invariant, the event log and the daily jobs. now = 2026-07-14 12:00 BRT
 * (a Tuesday), the day the reference's sandbox captures were taken. */
#include "test_helpers.h"

#include <errno.h>

#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "ids.h"

#define NOW 1784041200LL /* 2026-07-14 12:00:00 BRT */
#define DAY 86400LL
#define TODAY 20648LL /* days since 1970-01-01 of 2026-07-14 */

struct fx {
    struct am_billing *b;
    struct am_ids ids;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->b = am_billing_new("acc_test");
    assert_non_null(f->b);
    am_ids_init(&f->ids, 42);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_billing_free(f->b);
    free(f);
    return 0;
}

static struct am_payment *make(struct fx *f, enum am_billing_type t, int64_t cents,
                               int64_t due_day, const char *customer)
{
    struct am_payment_spec spec;
    struct am_payment *p = NULL;

    am_payment_spec_init(&spec);
    spec.customer = customer;
    spec.billing_type = t;
    spec.value_cents = cents;
    spec.due_day = due_day;
    assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW, &p), 0);
    assert_non_null(p);
    return p;
}

static const char *day_str(int64_t day)
{
    static char buf[11];

    am_billing_format_day(day, buf);
    return buf;
}

static const struct am_event *last_event(struct fx *f)
{
    return am_billing_event_at(f->b, am_billing_events_count(f->b) - 1);
}

static void test_billing_calendar_helpers(void **state)
{
    int64_t d;

    (void)state;
    assert_int_equal(am_billing_day_of(NOW), TODAY);
    /* 02:59 UTC on the 15th is still the 14th in Brasilia. */
    assert_int_equal(am_billing_day_of(TODAY * DAY + DAY + 2 * 3600 + 59 * 60), TODAY);
    assert_string_equal(day_str(TODAY), "2026-07-14");
    assert_int_equal(am_billing_parse_day("2026-07-14", &d), 0);
    assert_int_equal(d, TODAY);
    assert_int_equal(am_billing_parse_day("2026-02-30", &d), -EINVAL);
    assert_int_equal(am_billing_parse_day("14/07/2026", &d), -EINVAL);
    assert_int_equal(am_billing_parse_day("2027-01-31", &d), 0);
    assert_string_equal(day_str(am_billing_add_months(d, 1)), "2027-02-28");
    assert_string_equal(day_str(am_billing_add_months(d, 13)), "2028-02-29");
    assert_string_equal(day_str(am_billing_add_months(TODAY + 10, 11)), "2027-06-24");
}

static void test_billing_card_brand_from_prefix(void **state)
{
    (void)state;
    assert_string_equal(am_card_brand("4444 4444 4444 4444"), "VISA");
    assert_string_equal(am_card_brand("5162306219378829"), "MASTERCARD");
    assert_string_equal(am_card_brand("2221000000000009"), "MASTERCARD");
    assert_string_equal(am_card_brand("378282246310005"), "AMEX");
    assert_string_equal(am_card_brand("6011111111111117"), "DISCOVER");
    assert_string_equal(am_card_brand("5067000000000000"), "ELO");
    assert_string_equal(am_card_brand("9"), "UNKNOWN");
}

static void test_billing_create_pix_defaults_and_event(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_PIX, 10000, TODAY + 5, "cus_000000000001");
    const struct am_event *e;

    assert_int_equal(strlen(p->id), 20);
    assert_memory_equal(p->id, "pay_", 4);
    assert_int_equal(p->status, AM_PAY_PENDING);
    assert_int_equal(p->net_value_cents, 9801);
    assert_string_equal(p->nosso_numero, "");
    assert_int_equal(strlen(p->invoice_number), 8);
    assert_ptr_equal(am_billing_payment_find(f->b, p->id), p);
    assert_null(am_billing_payment_find(f->b, "pay_unknown"));
    e = last_event(f);
    assert_string_equal(e->name, "PAYMENT_CREATED");
    assert_string_equal(e->resource_type, "payment");
    assert_string_equal(e->resource_id, p->id);
    assert_int_equal(e->seq, 1);
    assert_int_equal(strlen(e->id), 4 + 32 + 2);
    assert_memory_equal(e->id, "evt_", 4);
    assert_string_equal(e->id + 36, "&1");
    assert_non_null(strstr(e->snapshot, "\"status\":\"PENDING\""));
}

static void test_billing_sequences_are_sequential(void **state)
{
    struct fx *f = *state;
    struct am_payment *a = make(f, AM_BILLING_BOLETO, 35000, TODAY, "cus_1");
    struct am_payment *b = make(f, AM_BILLING_BOLETO, 35000, TODAY, "cus_1");
    struct am_payment *c = make(f, AM_BILLING_PIX, 35000, TODAY, "cus_1");

    assert_int_equal(atol(b->invoice_number), atol(a->invoice_number) + 1);
    assert_int_equal(atol(c->invoice_number), atol(b->invoice_number) + 1);
    assert_int_equal(strlen(a->nosso_numero), 8);
    assert_int_equal(atol(b->nosso_numero), atol(a->nosso_numero) + 1);
    assert_int_equal(a->net_value_cents, 34801);
}

static void test_billing_create_rejects_bad_spec(void **state)
{
    struct fx *f = *state;
    struct am_payment_spec spec;

    am_payment_spec_init(&spec);
    spec.customer = "cus_1";
    spec.value_cents = 100;
    assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW, NULL), -EINVAL);
    spec.due_day = TODAY;
    spec.value_cents = 0;
    assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW, NULL), -EINVAL);
    assert_int_equal(am_billing_payment_count(f->b), 0);
}

static void test_billing_pix_confirm_goes_straight_to_received(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_PIX, 10000, TODAY + 5, "cus_1");

    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
    assert_int_equal(p->status, AM_PAY_RECEIVED);
    assert_int_equal(p->payment_day, TODAY);
    assert_int_equal(p->client_payment_day, TODAY);
    assert_int_equal(p->credit_day, TODAY);
    assert_int_equal(strlen(p->receipt), 16);
    assert_string_equal(last_event(f)->name, "PAYMENT_RECEIVED");
    assert_int_equal(am_billing_ledger_count(f->b), 2);
    assert_int_equal(am_billing_ledger_at(f->b, 0)->type, AM_LEDGER_PAYMENT_RECEIVED);
    assert_int_equal(am_billing_ledger_at(f->b, 0)->value_cents, 10000);
    assert_int_equal(am_billing_ledger_at(f->b, 1)->type, AM_LEDGER_PAYMENT_FEE);
    assert_int_equal(am_billing_ledger_at(f->b, 1)->value_cents, -199);
    assert_int_equal(am_billing_balance(f->b), 9801);
    assert_int_equal(am_billing_ledger_check(f->b, NULL), 0);
    /* Paying twice is refused. */
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), -EPERM);
}

static void test_billing_boleto_confirm_then_settles_next_business_day(void **state)
{
    struct fx *f = *state;
    /* Friday 2026-07-17: the next business day is Monday the 20th. */
    int64_t friday = TODAY + 3;
    struct am_payment *p = make(f, AM_BILLING_BOLETO, 35000, TODAY + 10, "cus_1");

    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW + 3 * DAY), 0);
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
    assert_string_equal(day_str(p->client_payment_day), "2026-07-17");
    assert_string_equal(day_str(p->credit_day), "2026-07-20");
    assert_int_equal(p->payment_day, AM_NO_DAY);
    assert_int_equal(am_billing_balance(f->b), 0);
    assert_string_equal(last_event(f)->name, "PAYMENT_CONFIRMED");
    assert_int_equal(am_billing_job_settle(f->b, friday + 2, NOW + 5 * DAY), 0);
    assert_int_equal(am_billing_job_settle(f->b, friday + 3, NOW + 6 * DAY), 1);
    assert_int_equal(p->status, AM_PAY_RECEIVED);
    assert_string_equal(day_str(p->payment_day), "2026-07-20");
    assert_int_equal(am_billing_balance(f->b), 34801);
    assert_string_equal(last_event(f)->name, "PAYMENT_RECEIVED");
    assert_int_equal(am_billing_ledger_check(f->b, NULL), 0);
}

static void test_billing_card_credit_date_is_d32_rolled_forward(void **state)
{
    struct fx *f = *state;
    struct am_card_info card = {.present = true, .last4 = "4444", .brand = "VISA",
                                .token = "00fcba92-d490-42d5-96a8-0db4b48f95a1"};
    struct am_payment *p1 = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY + 10, "cus_1");
    struct am_payment *p2 = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY + 41, "cus_1");
    struct am_payment *p3 = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY + 72, "cus_1");

    assert_int_equal(am_billing_payment_pay_card(f->b, p1, &card, 1, "0242986318583656", NOW), 0);
    assert_int_equal(am_billing_payment_pay_card(f->b, p2, &card, 2, "0242986318583656", NOW), 0);
    assert_int_equal(am_billing_payment_pay_card(f->b, p3, &card, 3, "0242986318583656", NOW), 0);
    /* The captured 3x card installments: 08-17, 09-16, 10-19. */
    assert_string_equal(day_str(p1->credit_day), "2026-08-17");
    assert_string_equal(day_str(p2->credit_day), "2026-09-16");
    assert_string_equal(day_str(p3->credit_day), "2026-10-19");
    assert_int_equal(p1->status, AM_PAY_CONFIRMED);
    assert_int_equal(p1->confirmed_day, TODAY);
    assert_string_equal(p1->receipt, "0242986318583656");
    assert_string_equal(p1->card.last4, "4444");
    assert_int_equal(p1->net_value_cents, 9652);
}

static void test_billing_overdue_job_only_past_due_pending(void **state)
{
    struct fx *f = *state;
    struct am_payment *due_today = make(f, AM_BILLING_BOLETO, 1000, TODAY, "cus_1");
    struct am_payment *due_tomorrow = make(f, AM_BILLING_BOLETO, 1000, TODAY + 1, "cus_1");
    struct am_payment *paid = make(f, AM_BILLING_PIX, 1000, TODAY, "cus_1");
    struct am_payment *gone = make(f, AM_BILLING_PIX, 1000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_confirm(f->b, paid, NOW), 0);
    assert_int_equal(am_billing_payment_delete(f->b, gone, NOW), 0);
    assert_int_equal(am_billing_job_overdue(f->b, TODAY, NOW), 0);
    assert_int_equal(am_billing_job_overdue(f->b, TODAY + 1, NOW + DAY), 1);
    assert_int_equal(due_today->status, AM_PAY_OVERDUE);
    assert_int_equal(due_tomorrow->status, AM_PAY_PENDING);
    assert_string_equal(last_event(f)->name, "PAYMENT_OVERDUE");
    assert_int_equal(am_billing_job_overdue(f->b, TODAY + 2, NOW + 2 * DAY), 1);
    assert_int_equal(due_tomorrow->status, AM_PAY_OVERDUE);
    assert_int_equal(gone->status, AM_PAY_PENDING);
    assert_int_equal(am_billing_payment_overdue(f->b, paid, NOW), -EPERM);
    assert_int_equal(am_billing_payment_overdue(f->b, gone, NOW), -EIDRM);
}

static void test_billing_late_boleto_pays_fine_and_interest(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_BOLETO, 35000, TODAY, "cus_1");

    p->fine.value = 200; /* 2% */
    p->fine.type = AM_AMOUNT_PERCENTAGE;
    p->interest.value = 100; /* 1% a month */
    assert_int_equal(am_billing_job_overdue(f->b, TODAY + 1, NOW + DAY), 1);
    /* Paid 30 days late: 2% fine (7.00) + 1% interest (3.50). */
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW + 30 * DAY), 0);
    assert_int_equal(p->original_value_cents, 35000);
    assert_int_equal(p->interest_value_cents, 1050);
    assert_int_equal(p->value_cents, 36050);
    assert_int_equal(p->net_value_cents, 35851);
}

static void test_billing_early_payment_gets_discount(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_BOLETO, 35000, TODAY + 10, "cus_1");

    p->discount.value = 500; /* 5% */
    p->discount.type = AM_AMOUNT_PERCENTAGE;
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
    assert_int_equal(p->original_value_cents, 35000);
    assert_int_equal(p->interest_value_cents, -1);
    assert_int_equal(p->value_cents, 33250);
}

static void test_billing_refund_partial_then_full(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_PIX, 10000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW), -EPERM);
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 3000, "parcial", NOW), 0);
    assert_int_equal(p->status, AM_PAY_RECEIVED);
    assert_int_equal(p->n_refunds, 1);
    assert_string_equal(p->refunds[0].description, "parcial");
    assert_string_equal(last_event(f)->name, "PAYMENT_PARTIALLY_REFUNDED");
    assert_int_equal(am_billing_balance(f->b), 6801);
    assert_int_equal(am_billing_payment_refund(f->b, p, 7001, NULL, NOW), -EINVAL);
    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW), 0);
    assert_int_equal(p->status, AM_PAY_REFUNDED);
    assert_int_equal(p->refunds[1].value_cents, 7000);
    assert_int_equal(p->refunded_cents, 10000);
    assert_string_equal(last_event(f)->name, "PAYMENT_REFUNDED");
    assert_int_equal(am_billing_balance(f->b), -199); /* the fee is not given back */
    assert_int_equal(am_billing_ledger_at(f->b, 3)->type, AM_LEDGER_PAYMENT_REFUND);
    assert_int_equal(am_billing_ledger_check(f->b, NULL), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW), -EPERM);
}

static void test_billing_refund_before_credit_is_netted_at_settlement(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_pay_card(f->b, p, NULL, 1, NULL, NOW), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 2500, NULL, NOW), 0);
    assert_int_equal(am_billing_ledger_count(f->b), 0);
    assert_int_equal(am_billing_job_settle(f->b, p->credit_day, NOW + 40 * DAY), 1);
    /* 100.00 - 3.48 fee - 25.00 refunded. */
    assert_int_equal(am_billing_balance(f->b), 7152);
    assert_int_equal(am_billing_ledger_count(f->b), 3);
    assert_int_equal(am_billing_ledger_check(f->b, NULL), 0);
}

static void test_billing_full_refund_of_confirmed_card_cancels_credit(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_pay_card(f->b, p, NULL, 1, NULL, NOW), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW), 0);
    assert_int_equal(p->status, AM_PAY_REFUNDED);
    assert_int_equal(am_billing_job_settle(f->b, p->credit_day, NOW + 40 * DAY), 0);
    assert_int_equal(am_billing_balance(f->b), 0);
}

static void test_billing_receive_in_cash_and_undo(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_BOLETO, 35000, TODAY + 1, "cus_1");

    assert_int_equal(am_billing_payment_receive_in_cash(f->b, p, TODAY, 30000, NOW), 0);
    assert_int_equal(p->status, AM_PAY_RECEIVED_IN_CASH);
    assert_int_equal(p->value_cents, 30000);
    assert_int_equal(p->net_value_cents, 30000);
    assert_int_equal(p->payment_day, TODAY);
    assert_string_equal(last_event(f)->name, AM_EVENT_RECEIVED_IN_CASH);
    assert_int_equal(am_billing_ledger_count(f->b), 0);
    assert_int_equal(am_billing_payment_receive_in_cash(f->b, p, TODAY, 0, NOW), -EPERM);
    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW), -EPERM);
    /* Undone two days later, after the due date: back to OVERDUE. */
    assert_int_equal(am_billing_payment_undo_receive_in_cash(f->b, p, NOW + 2 * DAY), 0);
    assert_int_equal(p->status, AM_PAY_OVERDUE);
    assert_int_equal(p->value_cents, 35000);
    assert_int_equal(p->net_value_cents, 34801);
    assert_int_equal(p->payment_day, AM_NO_DAY);
    assert_string_equal(last_event(f)->name, "PAYMENT_RECEIVED_IN_CASH_UNDONE");
    assert_int_equal(am_billing_payment_undo_receive_in_cash(f->b, p, NOW), -EPERM);
}

static void test_billing_delete_and_restore_rules(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_PIX, 1000, TODAY, "cus_1");
    struct am_payment *paid = make(f, AM_BILLING_PIX, 1000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_restore(f->b, p, NOW), -EPERM);
    assert_int_equal(am_billing_payment_delete(f->b, p, NOW), 0);
    assert_true(p->deleted);
    assert_string_equal(last_event(f)->name, "PAYMENT_DELETED");
    assert_int_equal(am_billing_payment_delete(f->b, p, NOW), -EIDRM);
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), -EIDRM);
    assert_int_equal(am_billing_payment_restore(f->b, p, NOW), 0);
    assert_false(p->deleted);
    assert_string_equal(last_event(f)->name, "PAYMENT_RESTORED");
    assert_int_equal(am_billing_payment_confirm(f->b, paid, NOW), 0);
    assert_int_equal(am_billing_payment_delete(f->b, paid, NOW), -EPERM);
}

static void test_billing_authorize_then_capture(void **state)
{
    struct fx *f = *state;
    struct am_card_info card = {.present = true, .last4 = "1111", .brand = "VISA"};
    struct am_payment *p = make(f, AM_BILLING_CREDIT_CARD, 10000, TODAY, "cus_1");

    assert_int_equal(am_billing_payment_capture(f->b, p, NOW), -EPERM);
    assert_int_equal(am_billing_payment_authorize(f->b, p, &card, NOW), 0);
    assert_int_equal(p->status, AM_PAY_AUTHORIZED);
    assert_string_equal(last_event(f)->name, "PAYMENT_AUTHORIZED");
    assert_int_equal(am_billing_payment_capture(f->b, p, NOW), 0);
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
    assert_string_equal(day_str(p->credit_day), "2026-08-17");
    assert_string_equal(last_event(f)->name, "PAYMENT_CONFIRMED");
}

static void test_billing_update_changes_fields_and_reindexes(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = make(f, AM_BILLING_PIX, 1000, TODAY, "cus_1");
    struct am_payment_update u = {0};
    struct am_payment_filter flt;
    struct am_payment *page[4];
    size_t n;

    assert_int_equal(am_billing_job_overdue(f->b, TODAY + 1, NOW + DAY), 1);
    u.has_billing_type = true;
    u.billing_type = AM_BILLING_BOLETO;
    u.has_value = true;
    u.value_cents = 5000;
    u.has_due_day = true;
    u.due_day = TODAY + 5;
    u.has_description = true;
    u.description = "nova";
    assert_int_equal(am_billing_payment_update(f->b, p, &u, NOW + DAY), 0);
    assert_int_equal(p->status, AM_PAY_PENDING);
    assert_int_equal(p->net_value_cents, 4801);
    assert_int_equal(p->due_day, TODAY + 5);
    assert_int_equal(p->original_due_day, TODAY);
    assert_string_equal(p->description, "nova");
    assert_int_equal(strlen(p->nosso_numero), 8);
    assert_string_equal(last_event(f)->name, "PAYMENT_UPDATED");
    am_payment_filter_init(&flt);
    flt.billing_type = AM_BILLING_PIX;
    assert_int_equal(am_billing_payments_query(f->b, &flt, 0, 4, page, &n), 0);
    flt.billing_type = AM_BILLING_BOLETO;
    flt.status = AM_PAY_PENDING;
    assert_int_equal(am_billing_payments_query(f->b, &flt, 0, 4, page, &n), 1);
    assert_ptr_equal(page[0], p);
}

/* Brute force reference for the indexed query. */
static size_t brute(struct am_billing *b, const struct am_payment_filter *fl, size_t offset,
                    size_t limit, struct am_payment **page, size_t *ret_n)
{
    size_t total = 0, n = 0;

    for (size_t i = am_billing_payment_count(b); i-- > 0;) {
        struct am_payment *p = am_billing_payment_at(b, i);
        int64_t created = am_billing_day_of(p->created_at);

        if ((!fl->include_deleted && p->deleted) ||
            (fl->status >= 0 && (int)p->status != fl->status) ||
            (fl->billing_type >= 0 && (int)p->billing_type != fl->billing_type) ||
            (fl->customer && strcmp(fl->customer, p->customer) != 0) ||
            (fl->subscription && strcmp(fl->subscription, p->subscription) != 0) ||
            (fl->created_ge != AM_NO_DAY && created < fl->created_ge) ||
            (fl->due_le != AM_NO_DAY && p->due_day > fl->due_le))
            continue;
        if (total >= offset && total - offset < limit)
            page[n++] = p;
        total++;
    }
    *ret_n = n;
    return total;
}

static void test_billing_query_matches_brute_force(void **state)
{
    struct fx *f = *state;
    static const char *const customers[] = {"cus_a", "cus_b", "cus_c"};
    struct am_payment *got[100], *want[100];
    size_t ng, nw;

    for (int i = 0; i < 700; i++) {
        struct am_payment_spec spec;
        struct am_payment *p = NULL;

        am_payment_spec_init(&spec);
        spec.customer = customers[i % 3];
        spec.billing_type = (enum am_billing_type)(i % 4);
        spec.value_cents = 1000 + i;
        spec.due_day = TODAY + i % 30;
        spec.subscription = i % 7 == 0 ? "sub_x" : NULL;
        assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW + (i / 100) * DAY,
                                                   &p),
                         0);
        if (i % 5 == 0)
            assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
        if (i % 11 == 0)
            (void)am_billing_payment_delete(f->b, p, NOW);
    }
    for (int k = 0; k < 12; k++) {
        struct am_payment_filter fl;
        size_t offsets[] = {0, 3, 64, 650};

        am_payment_filter_init(&fl);
        if (k & 1)
            fl.status = AM_PAY_PENDING;
        if (k & 2)
            fl.billing_type = AM_BILLING_PIX;
        if (k == 4 || k == 5)
            fl.customer = "cus_b";
        if (k == 6 || k == 7)
            fl.subscription = "sub_x";
        if (k == 8)
            fl.created_ge = TODAY + 3;
        if (k == 9)
            fl.due_le = TODAY + 4;
        if (k == 10)
            fl.include_deleted = true;
        for (size_t o = 0; o < 4; o++) {
            size_t tg = am_billing_payments_query(f->b, &fl, offsets[o], 100, got, &ng);
            size_t tw = brute(f->b, &fl, offsets[o], 100, want, &nw);

            assert_int_equal(tg, tw);
            assert_int_equal(ng, nw);
            for (size_t i = 0; i < ng; i++)
                assert_ptr_equal(got[i], want[i]);
        }
    }
    /* An unknown customer matches nothing without scanning. */
    {
        struct am_payment_filter fl;

        am_payment_filter_init(&fl);
        fl.customer = "cus_zzz";
        assert_int_equal(am_billing_payments_query(f->b, &fl, 0, 10, got, &ng), 0);
        assert_int_equal(ng, 0);
    }
}

static void test_billing_groups_list_oldest_first(void **state)
{
    struct fx *f = *state;
    struct am_payment_spec spec;
    struct am_payment **list = NULL, *p[3];
    size_t n;

    for (int i = 0; i < 3; i++) {
        am_payment_spec_init(&spec);
        spec.customer = "cus_1";
        spec.billing_type = AM_BILLING_BOLETO;
        spec.value_cents = 100;
        spec.due_day = TODAY;
        spec.installment = "857d8e6a-f6c7-489b-b86e-8399d55405f6";
        spec.installment_number = (unsigned)i + 1;
        assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW, &p[i]), 0);
    }
    assert_int_equal(am_billing_payments_of_installment(f->b, "857d8e6a-f6c7-489b-b86e-8399d55405f6",
                                                        &list, &n),
                     0);
    assert_int_equal(n, 3);
    assert_ptr_equal(list[0], p[0]);
    assert_ptr_equal(list[2], p[2]);
    free(list);
    assert_int_equal(am_billing_payments_of_subscription(f->b, "sub_none", &list, &n), 0);
    assert_int_equal(n, 0);
    assert_null(list);
}

static void test_billing_installments_and_tokens_store(void **state)
{
    struct fx *f = *state;
    struct am_installment inst = {0}, *got = NULL;
    struct am_card_token t = {.token = "69eb5386-2535-460e-8781-5e1f5684e2fe",
                              .customer = "cus_1", .last4 = "4444", .brand = "VISA"};

    snprintf(inst.id, sizeof(inst.id), "857d8e6a-f6c7-489b-b86e-8399d55405f6");
    snprintf(inst.customer, sizeof(inst.customer), "cus_1");
    inst.count = 12;
    inst.value_cents = 35000;
    inst.payment_value_cents = 2924;
    inst.description = "doze";
    assert_int_equal(am_billing_installment_add(f->b, &inst, &got), 0);
    assert_ptr_equal(am_billing_installment_find(f->b, inst.id), got);
    assert_ptr_not_equal(got->description, inst.description);
    assert_string_equal(got->description, "doze");
    assert_int_equal(am_billing_installment_add(f->b, &inst, NULL), -EEXIST);
    assert_int_equal(am_billing_installment_count(f->b), 1);
    assert_int_equal(am_billing_token_add(f->b, &t), 0);
    assert_int_equal(am_billing_token_add(f->b, &t), -EEXIST);
    assert_string_equal(am_billing_token_find(f->b, t.token)->last4, "4444");
    assert_null(am_billing_token_find(f->b, "nope"));
}

static void test_billing_ledger_check_detects_a_broken_running_balance(void **state)
{
    struct fx *f = *state;
    struct am_ledger_entry *e;
    size_t at = 99;

    assert_int_equal(am_billing_ledger_append(f->b, AM_LEDGER_PAYMENT_RECEIVED, 1000, TODAY, NOW,
                                              "a", NULL),
                     0);
    assert_int_equal(am_billing_ledger_append(f->b, AM_LEDGER_PAYMENT_FEE, -199, TODAY, NOW,
                                              "b", "pay_x"),
                     0);
    assert_int_equal(am_billing_ledger_check(f->b, &at), 0);
    assert_int_equal(am_billing_ledger_at(f->b, 1)->balance_cents, 801);
    assert_string_equal(am_ledger_type_name(am_billing_ledger_at(f->b, 1)->type), "PAYMENT_FEE");
    e = (struct am_ledger_entry *)am_billing_ledger_at(f->b, 1);
    e->value_cents = -200;
    assert_int_equal(am_billing_ledger_check(f->b, &at), -EFAULT);
    assert_int_equal(at, 1);
}

static void test_billing_event_log_keeps_the_newest(void **state)
{
    struct fx *f = *state;
    size_t extra = 5;

    for (size_t i = 0; i < AM_BILLING_EVENTS_KEEP + extra; i++)
        assert_int_not_equal(am_billing_events_append(f->b, "SUBSCRIPTION_CREATED", NOW,
                                                      "subscription", "sub_1", "{}"),
                             0);
    assert_int_equal(am_billing_events_count(f->b), AM_BILLING_EVENTS_KEEP);
    assert_int_equal(am_billing_events_last_seq(f->b), AM_BILLING_EVENTS_KEEP + extra);
    assert_int_equal(am_billing_event_at(f->b, 0)->seq, extra + 1);
    assert_null(am_billing_event_by_seq(f->b, extra));
    assert_int_equal(am_billing_event_by_seq(f->b, extra + 7)->seq, extra + 7);
    assert_int_equal(am_billing_event_at(f->b, AM_BILLING_EVENTS_KEEP - 1)->seq,
                     AM_BILLING_EVENTS_KEEP + extra);
    assert_string_equal(am_billing_event_at(f->b, 3)->snapshot, "{}");
}

static void test_billing_status_names_round_trip(void **state)
{
    enum am_payment_status s;

    (void)state;
    for (int i = 0; i < _AM_PAY_STATUS_MAX; i++) {
        assert_int_equal(am_payment_status_parse(am_payment_status_name((enum am_payment_status)i),
                                                 &s),
                         0);
        assert_int_equal(s, i);
    }
    assert_int_equal(am_payment_status_parse("pending", &s), -EINVAL);
    assert_string_equal(am_payment_status_name(AM_PAY_RECEIVED_IN_CASH), "RECEIVED_IN_CASH");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_billing_calendar_helpers),
        T(test_billing_card_brand_from_prefix),
        T(test_billing_create_pix_defaults_and_event),
        T(test_billing_sequences_are_sequential),
        T(test_billing_create_rejects_bad_spec),
        T(test_billing_pix_confirm_goes_straight_to_received),
        T(test_billing_boleto_confirm_then_settles_next_business_day),
        T(test_billing_card_credit_date_is_d32_rolled_forward),
        T(test_billing_overdue_job_only_past_due_pending),
        T(test_billing_late_boleto_pays_fine_and_interest),
        T(test_billing_early_payment_gets_discount),
        T(test_billing_refund_partial_then_full),
        T(test_billing_refund_before_credit_is_netted_at_settlement),
        T(test_billing_full_refund_of_confirmed_card_cancels_credit),
        T(test_billing_receive_in_cash_and_undo),
        T(test_billing_delete_and_restore_rules),
        T(test_billing_authorize_then_capture),
        T(test_billing_update_changes_fields_and_reindexes),
        T(test_billing_query_matches_brute_force),
        T(test_billing_groups_list_oldest_first),
        T(test_billing_installments_and_tokens_store),
        T(test_billing_ledger_check_detects_a_broken_running_balance),
        T(test_billing_event_log_keeps_the_newest),
        T(test_billing_status_names_round_trip),
    };
#undef T
    return cmocka_run_group_tests_name("billing", tests, NULL, NULL);
}

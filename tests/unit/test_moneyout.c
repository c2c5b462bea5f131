/* test_moneyout.c - the money-out domain: transfers, bills, recharges, anticipations and
 * escrow on an account's records store and ledger, and the router's trailing slash. */
#include "test_helpers.h"

#include <errno.h>

#include "anticipations.h"
#include "asaas_facts.h"
#include "billing.h"
#include "bills.h"
#include "boleto.h"
#include "calendar.h"
#include "escrow.h"
#include "ids.h"
#include "mo_record.h"
#include "moneyout.h"
#include "records.h"
#include "registry.h"
#include "router.h"
#include "transfers.h"

/* 2026-07-14 12:00 BRT */
#define NOW 1784041200
#define DAY_SECONDS 86400

static int64_t today(void)
{
    return am_cal_day_of(NOW);
}

struct fx {
    struct am_registry *reg;
    struct am_account *a;
    struct am_ids ids;
};

static struct fx setup_fx(void)
{
    struct fx f;

    f.reg = am_registry_new();
    f.a = am_registry_add_account(f.reg, "moneyout-a");
    am_ids_init(&f.ids, 7);
    assert_non_null(f.a);
    return f;
}

/* Credits cents through a received Pix charge (fee 1.99 goes with it). */
static struct am_payment *fund(struct fx *f, int64_t cents, enum am_billing_type type)
{
    struct am_payment_spec spec;
    struct am_payment *p = NULL;

    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = type;
    spec.value_cents = cents;
    spec.due_day = today() + 30;
    assert_int_equal(am_billing_payment_create(f->a->billing, &f->ids, &spec, NOW, &p), 0);
    if (type == AM_BILLING_PIX)
        assert_int_equal(am_billing_payment_confirm(f->a->billing, p, NOW), 0);
    return p;
}

static void ledger_ok(const struct am_billing *b, int64_t balance)
{
    assert_int_equal(am_billing_ledger_check(b, NULL), 0);
    assert_int_equal(am_billing_balance(b), balance);
}

static const char *status(const cJSON *o)
{
    return am_mo_str(o, "status");
}

static size_t count_events(const struct am_billing *b, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < am_billing_events_count(b); i++)
        n += strcmp(am_billing_event_at(b, i)->name, name) == 0;
    return n;
}

static void run_days(struct fx *f, int64_t from, int64_t to)
{
    for (int64_t d = from; d <= to; d++)
        assert_int_equal(am_moneyout_job(f->a, &f->ids, d, NOW + (d - today()) * DAY_SECONDS), 0);
}

static struct am_transfer_spec pix_spec(int64_t cents, const char *dest, bool fails)
{
    struct am_transfer_spec s = {0};

    s.op = AM_TRANSFER_PIX;
    s.value_cents = cents;
    s.schedule_day = AM_NO_DAY;
    s.dest = dest;
    s.fails = fails;
    s.bank_account = cJSON_CreateObject();
    return s;
}

static void test_transfer_lifecycle_and_ledger(void **state)
{
    struct fx f = setup_fx();
    struct am_billing *b = f.a->billing;
    struct am_transfer_spec s = pix_spec(5000, "pix:a@b.c", false);
    cJSON *t = NULL, *bad = NULL, *pub;

    (void)state;
    fund(&f, 10000, AM_BILLING_PIX); /* 98.01 */
    ledger_ok(b, 9801);
    assert_int_equal(am_transfer_create(b, f.a->records, &f.ids, &s, today(), NOW, &t), 0);
    assert_null(s.bank_account); /* taken */
    assert_string_equal(status(t), "PENDING");
    ledger_ok(b, 4801);
    pub = am_records_public(t);
    assert_null(cJSON_GetObjectItem(pub, "_valueCents"));
    assert_string_equal(cJSON_GetObjectItem(pub, "object")->valuestring, "transfer");
    cJSON_Delete(pub);
    /* the same destination and value within 15 minutes is a duplicate; later it is not */
    assert_ptr_equal(am_transfer_duplicate(f.a->records, "pix:a@b.c", 5000, NOW + 60), t);
    assert_null(am_transfer_duplicate(f.a->records, "pix:a@b.c", 5001, NOW + 60));
    assert_null(am_transfer_duplicate(f.a->records, "pix:a@b.c", 5000,
                                      NOW + AM_TRANSFER_DUPLICATE_SECONDS));
    s = pix_spec(1000, "pix:x@fail.test", true);
    assert_int_equal(am_transfer_create(b, f.a->records, &f.ids, &s, today(), NOW, &bad), 0);
    ledger_ok(b, 3801);
    /* the creation day's job (already run) changes nothing; then one step per day */
    run_days(&f, today(), today());
    assert_string_equal(status(t), "PENDING");
    run_days(&f, today() + 1, today() + 1);
    assert_string_equal(status(t), "BANK_PROCESSING");
    assert_int_equal(am_transfer_cancel(b, t, today() + 1, NOW), -EPERM);
    run_days(&f, today() + 1, today() + 2); /* day 1 again: idempotent */
    assert_string_equal(status(t), "DONE");
    assert_string_equal(am_mo_str(t, "effectiveDate"), "2026-07-16");
    assert_non_null(am_mo_str(t, "endToEndIdentifier"));
    assert_string_equal(status(bad), "FAILED");
    ledger_ok(b, 4801); /* the failed one came back */
    assert_int_equal(count_events(b, "TRANSFER_DONE"), 1);
    assert_int_equal(count_events(b, "TRANSFER_FAILED"), 1);
    assert_int_equal(count_events(b, "TRANSFER_IN_BANK_PROCESSING"), 2);
    /* the cursor moved past both final transfers */
    assert_int_equal(am_mo_int(am_records_doc(f.a->records, "moneyoutCursors"), "transfers", 0), 2);
    am_registry_free(f.reg);
}

static void test_transfer_cancel_fee_and_schedule(void **state)
{
    struct fx f = setup_fx();
    struct am_billing *b = f.a->billing;
    struct am_transfer_spec s = pix_spec(2000, "bank:1", false);
    cJSON *t = NULL;

    (void)state;
    fund(&f, 10000, AM_BILLING_PIX);
    s.op = AM_TRANSFER_TED;
    s.schedule_day = today() + 5;
    assert_int_equal(am_transfer_fee(AM_TRANSFER_TED, 2000), AM_TRANSFER_FEE_TED_CENTS);
    assert_int_equal(am_transfer_create(b, f.a->records, &f.ids, &s, today(), NOW, &t), 0);
    ledger_ok(b, 9801 - 2000 - AM_TRANSFER_FEE_TED_CENTS);
    run_days(&f, today() + 1, today() + 4);
    assert_string_equal(status(t), "PENDING"); /* waits for its scheduleDate */
    assert_int_equal(am_transfer_cancel(b, t, today() + 4, NOW), 0);
    assert_string_equal(status(t), "CANCELLED");
    assert_int_equal(am_transfer_cancel(b, t, today() + 4, NOW), -EPERM);
    ledger_ok(b, 9801);
    run_days(&f, today() + 5, today() + 7);
    assert_string_equal(status(t), "CANCELLED");
    assert_int_equal(count_events(b, "TRANSFER_CANCELLED"), 1);
    am_registry_free(f.reg);
}

static void test_transfer_internal_both_ledgers(void **state)
{
    struct fx f = setup_fx();
    struct am_account *b2 = am_registry_add_account(f.reg, "moneyout-b");
    struct am_transfer_spec s = {0};
    cJSON *t = NULL;

    (void)state;
    fund(&f, 10000, AM_BILLING_PIX);
    assert_ptr_equal(am_registry_find_wallet(f.reg, b2->wallet_id), b2);
    s.op = AM_TRANSFER_INTERNAL;
    s.value_cents = 3000;
    s.schedule_day = AM_NO_DAY;
    s.wallet_id = b2->wallet_id;
    s.account = cJSON_CreateObject();
    s.dest = "wallet";
    assert_int_equal(am_transfer_create(f.a->billing, f.a->records, &f.ids, &s, today(), NOW, &t),
                     0);
    assert_int_equal(am_transfer_credit_internal(b2->billing, t, today(), NOW), 0);
    assert_string_equal(status(t), "DONE");
    assert_string_equal(am_mo_str(t, "walletId"), b2->wallet_id);
    ledger_ok(f.a->billing, 6801);
    ledger_ok(b2->billing, 3000);
    assert_int_equal(am_billing_ledger_at(b2->billing, 0)->type, AM_LEDGER_INTERNAL_TRANSFER_CREDIT);
    assert_string_equal(am_billing_ledger_at(b2->billing, 0)->ref_id, am_mo_str(t, "id"));
    assert_int_equal(count_events(b2->billing, "INTERNAL_TRANSFER_CREDIT"), 1);
    assert_int_equal(count_events(f.a->billing, "INTERNAL_TRANSFER_DEBIT"), 1);
    assert_int_equal(am_transfer_cancel(f.a->billing, t, today(), NOW), -EPERM);
    am_registry_free(f.reg);
}

static void test_bill_decode(void **state)
{
    char bar[45], line[48], text[80];
    struct am_bill_slip s;

    (void)state;
    assert_int_equal(am_boleto_barcode("461", today() + 10, 12345, "1234567890123456789012345",
                                       bar), 0);
    assert_int_equal(am_boleto_linha_digitavel(bar, line), 0);
    assert_int_equal(am_bill_decode(line, today(), &s), 0);
    assert_string_equal(s.bank, "461");
    assert_int_equal(s.value_cents, 12345);
    assert_int_equal(s.due_day, today() + 10); /* the factor's current cycle */
    assert_true(am_bill_payable(&s));
    /* punctuation is ignored; the barcode decodes to the same line */
    snprintf(text, sizeof(text), "%.5s.%.5s %.5s.%.6s %.5s.%.6s %c %.14s", line, line + 5,
             line + 10, line + 15, line + 21, line + 26, line[32], line + 33);
    assert_int_equal(am_bill_decode(text, today(), &s), 0);
    assert_string_equal(s.line, line);
    assert_int_equal(am_bill_decode(bar, today(), &s), 0);
    assert_string_equal(s.line, line);
    line[3] = line[3] == '9' ? '8' : '9'; /* broken check digit */
    assert_int_equal(am_bill_decode(line, today(), &s), -EINVAL);
    assert_int_equal(am_bill_decode("12345", today(), &s), -EINVAL);
    assert_int_equal(am_bill_decode("abc", today(), &s), -EINVAL);
    assert_int_equal(am_boleto_barcode("033", today() - 3, 500, "1234567890123456789012345", bar), 0);
    assert_int_equal(am_boleto_linha_digitavel(bar, line), 0);
    assert_int_equal(am_bill_decode(line, today(), &s), 0);
    assert_int_equal(s.due_day, today() - 3);
    assert_false(am_bill_payable(&s)); /* the sandbox pays only Asaas's boletos */
    /* a 48-digit utility slip: value in the barcode's digits 5-15 */
    assert_int_equal(am_bill_decode("836200000005 667800481000 180975657313 001589636081",
                                    today(), &s), 0);
    assert_true(s.utility);
    assert_int_equal(s.value_cents, 6678); /* R$ 66.78 */
}

static void test_bill_and_recharge_lifecycle(void **state)
{
    struct fx f = setup_fx();
    struct am_billing *b = f.a->billing;
    struct am_bill_slip slip = {.bank = "461", .due_day = AM_NO_DAY};
    struct am_bill_slip foreign = {.bank = "033", .due_day = AM_NO_DAY};
    struct am_bill_spec spec = {.slip = &slip, .identification_field = "x", .value_cents = 1000,
                                .due_day = AM_NO_DAY, .schedule_day = AM_NO_DAY};
    cJSON *paid = NULL, *failed = NULL, *cancelled = NULL, *r1 = NULL, *r2 = NULL;
    char digits[16];
    const char *op;

    (void)state;
    fund(&f, 10000, AM_BILLING_PIX);
    assert_int_equal(am_bill_create(b, f.a->records, &f.ids, &spec, today(), NOW, &paid), 0);
    spec.slip = &foreign;
    assert_int_equal(am_bill_create(b, f.a->records, &f.ids, &spec, today(), NOW, &failed), 0);
    assert_int_equal(am_bill_create(b, f.a->records, &f.ids, &spec, today(), NOW, &cancelled), 0);
    ledger_ok(b, 9801 - 3000);
    assert_int_equal(am_bill_cancel(b, cancelled, today(), NOW), 0);
    ledger_ok(b, 9801 - 2000);
    op = am_recharge_operator("+55 (47) 99632-1478", digits);
    assert_non_null(op);
    assert_string_equal(digits, "47996321478");
    assert_null(am_recharge_operator("4733221100", digits)); /* landline */
    assert_null(am_recharge_operator("0799632147", digits));
    assert_null(am_recharge_operator("4799632147a", digits));
    assert_int_equal(am_recharge_create(b, f.a->records, &f.ids, digits, op, 2000, today(), NOW,
                                        &r1), 0);
    assert_int_equal(am_recharge_create(b, f.a->records, &f.ids, digits, op, 1500, today(), NOW,
                                        &r2), 0);
    assert_int_equal(am_recharge_cancel(b, r2, today(), NOW), 0);
    ledger_ok(b, 9801 - 4000);
    run_days(&f, today() + 1, today() + 2);
    assert_string_equal(status(paid), "PAID");
    assert_string_equal(am_mo_str(paid, "paymentDate"), "2026-07-16");
    assert_string_equal(status(failed), "FAILED");
    assert_string_equal(status(cancelled), "CANCELLED");
    assert_string_equal(status(r1), "CONFIRMED");
    assert_int_equal(am_recharge_cancel(b, r1, today(), NOW), -EPERM);
    assert_int_equal(am_bill_cancel(b, paid, today(), NOW), -EPERM);
    ledger_ok(b, 9801 - 3000); /* 10.00 bill + 20.00 recharge */
    assert_int_equal(count_events(b, "BILL_PAID"), 1);
    assert_int_equal(count_events(b, "BILL_FAILED"), 1);
    assert_int_equal(count_events(b, "MOBILE_PHONE_RECHARGE_CONFIRMED"), 1);
    am_registry_free(f.reg);
}

static void test_anticipation_credit_debit_deny(void **state)
{
    struct fx f = setup_fx();
    struct am_billing *b = f.a->billing;
    struct am_payment *p = fund(&f, 10000, AM_BILLING_BOLETO);
    struct am_payment *q = fund(&f, 5000, AM_BILLING_BOLETO);
    struct am_anticipation_calc c;
    cJSON *a1 = NULL, *a2 = NULL;

    (void)state;
    assert_int_equal(am_anticipation_calc(b, f.a->records, p->id, NULL, today(), &c), 0);
    assert_int_equal(c.days, 30);
    assert_int_equal(c.value_cents, p->net_value_cents);
    /* 98.01 x 1.99% x 30/30 = 1.95 (half up) */
    assert_int_equal(c.fee_cents, 195);
    assert_false(c.card);
    assert_int_equal(am_anticipation_calc(b, f.a->records, "pay_nope", NULL, today(), &c), -ENOENT);
    assert_int_equal(am_anticipation_calc(b, f.a->records, NULL, "nope", today(), &c), -ENOENT);
    assert_int_equal(am_anticipation_calc(b, f.a->records, p->id, NULL, today(), &c), 0);
    assert_int_equal(am_anticipation_create(b, f.a->records, &f.ids, p->id, NULL, &c, NULL, today(),
                                            NOW, &a1), 0);
    assert_int_equal(am_anticipation_used(f.a->records, false), p->net_value_cents);
    assert_int_equal(am_anticipation_calc(b, f.a->records, p->id, NULL, today(), &c), -EPERM);
    assert_int_equal(am_anticipation_calc(b, f.a->records, q->id, NULL, today(), &c), 0);
    assert_int_equal(am_anticipation_create(b, f.a->records, &f.ids, q->id, NULL, &c, NULL, today(),
                                            NOW, &a2), 0);
    /* q is paid before the analysis: denied */
    assert_int_equal(am_billing_payment_confirm(b, q, NOW), 0);
    run_days(&f, today() + 1, today() + 1);
    assert_string_equal(status(a1), "CREDITED");
    assert_string_equal(status(a2), "DENIED");
    assert_true(p->anticipated);
    assert_false(q->anticipated);
    ledger_ok(b, 9801 - 195);
    assert_int_equal(am_anticipation_cancel(b, a1, NOW), -EPERM);
    /* p paid and received: the credit is debited back */
    assert_int_equal(am_billing_payment_confirm(b, p, NOW), 0);
    assert_int_equal(am_billing_payment_receive(b, p, NOW), 0);
    run_days(&f, today() + 2, today() + 2);
    assert_string_equal(status(a1), "DEBITED");
    ledger_ok(b, am_billing_balance(b));
    assert_int_equal(count_events(b, "RECEIVABLE_ANTICIPATION_DEBITED"), 1);
    assert_int_equal(count_events(b, "PAYMENT_ANTICIPATED"), 1);
    am_registry_free(f.reg);
}

static void test_anticipation_automatic_for_card_charges(void **state)
{
    struct fx f = setup_fx();
    struct am_billing *b = f.a->billing;
    struct am_payment *old, *p, *q;

    (void)state;
    old = fund(&f, 10000, AM_BILLING_CREDIT_CARD);
    assert_int_equal(am_billing_payment_confirm(b, old, NOW), 0);
    assert_false(am_anticipation_automatic(f.a->records));
    assert_int_equal(am_anticipation_configure(b, f.a->records, true), 0);
    assert_true(am_anticipation_automatic(f.a->records));
    p = fund(&f, 20000, AM_BILLING_CREDIT_CARD);
    assert_int_equal(am_billing_payment_confirm(b, p, NOW), 0);
    run_days(&f, today() + 1, today() + 1);
    assert_int_equal(am_records_count(f.a->records, AM_ANTICIPATIONS), 1);
    assert_string_equal(am_mo_str(am_records_at(f.a->records, AM_ANTICIPATIONS, 0), "payment"),
                        p->id);
    run_days(&f, today() + 1, today() + 2); /* idempotent; credited the next day */
    assert_int_equal(am_records_count(f.a->records, AM_ANTICIPATIONS), 1);
    assert_true(p->anticipated);
    assert_false(old->anticipated);
    /* off: later confirmations stay as they are */
    assert_int_equal(am_anticipation_configure(b, f.a->records, false), 0);
    q = fund(&f, 5000, AM_BILLING_CREDIT_CARD);
    assert_int_equal(am_billing_payment_confirm(b, q, NOW), 0);
    run_days(&f, today() + 3, today() + 3);
    assert_int_equal(am_records_count(f.a->records, AM_ANTICIPATIONS), 1);
    assert_int_equal(am_billing_ledger_check(b, NULL), 0);
    am_registry_free(f.reg);
}

static void test_escrow_hold_finish_expire(void **state)
{
    struct fx f = setup_fx();
    cJSON *cfg = cJSON_Parse("{\"daysToExpire\":2,\"enabled\":true,\"isFeePayer\":false}");
    struct am_payment *before, *p1, *p2;
    cJSON *e1, *e2;

    (void)state;
    before = fund(&f, 1000, AM_BILLING_PIX); /* received before the config: not held */
    assert_int_equal(am_escrow_configure(f.a, cfg), 0);
    cJSON_Delete(cfg);
    p1 = fund(&f, 10000, AM_BILLING_PIX);
    p2 = fund(&f, 5000, AM_BILLING_PIX);
    assert_int_equal(am_escrow_sync(f.a, &f.ids, today(), NOW), 0);
    assert_int_equal(am_escrow_sync(f.a, &f.ids, today(), NOW), 0); /* idempotent */
    assert_null(am_escrow_of_payment(f.a->records, before->id));
    e1 = am_escrow_of_payment(f.a->records, p1->id);
    e2 = am_escrow_of_payment(f.a->records, p2->id);
    assert_non_null(e1);
    assert_non_null(e2);
    assert_int_equal(am_records_count(f.a->records, AM_ESCROWS), 2);
    ledger_ok(f.a->billing, 801);
    assert_int_equal(am_escrow_finish(f.a, e1, "REQUESTED_BY_CUSTOMER", today(), NOW), 0);
    assert_int_equal(am_escrow_finish(f.a, e1, "REQUESTED_BY_CUSTOMER", today(), NOW), -EPERM);
    ledger_ok(f.a->billing, 801 + 9801);
    run_days(&f, today() + 1, today() + 1);
    assert_string_equal(status(e2), "ACTIVE");
    run_days(&f, today() + 2, today() + 2);
    assert_string_equal(status(e2), "DONE");
    assert_string_equal(am_mo_str(e2, "finishReason"), "EXPIRED");
    ledger_ok(f.a->billing, 801 + 9801 + 4801);
    assert_int_equal(count_events(f.a->billing, "BALANCE_VALUE_BLOCKED"), 2);
    assert_int_equal(count_events(f.a->billing, "BALANCE_VALUE_UNBLOCKED"), 2);
    am_registry_free(f.reg);
}

static void test_router_trailing_slash(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_POST, "/v3/transfers/", &m);
    assert_int_equal(m.route, AM_ROUTE_TRANSFERS_CREATE_INTERNAL);
    am_router_match(AM_METHOD_POST, "/v3/transfers", &m);
    assert_int_equal(m.route, AM_ROUTE_TRANSFERS_CREATE);
    am_router_match(AM_METHOD_POST, "/api/v3/transfers/", &m);
    assert_int_equal(m.route, AM_ROUTE_TRANSFERS_CREATE_INTERNAL);
    /* a slash only where the pattern has one: other routes stay unmatched */
    am_router_match(AM_METHOD_GET, "/v3/transfers/", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    am_router_match(AM_METHOD_GET, "/v3/customers/", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    am_router_match(AM_METHOD_POST, "/v3/transfers//", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    am_router_match(AM_METHOD_GET, "/v3/transfers/abc", &m);
    assert_int_equal(m.route, AM_ROUTE_TRANSFERS_GET);
    assert_string_equal(m.params[0], "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_lifecycle_and_ledger),
        cmocka_unit_test(test_transfer_cancel_fee_and_schedule),
        cmocka_unit_test(test_transfer_internal_both_ledgers),
        cmocka_unit_test(test_bill_decode),
        cmocka_unit_test(test_bill_and_recharge_lifecycle),
        cmocka_unit_test(test_anticipation_credit_debit_deny),
        cmocka_unit_test(test_anticipation_automatic_for_card_charges),
        cmocka_unit_test(test_escrow_hold_finish_expire),
        cmocka_unit_test(test_router_trailing_slash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

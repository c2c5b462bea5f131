/* test_jobs.c - the daily job runner (order of jobs, catch-up bookkeeping, subscription
 * lead time, maxPayments/endDate expiry, card charges on their due day) and the
 * /__mock/ clock, events and ledger helpers of control_billing.c, including that one
 * account's clock never moves another's. Dates are Brasilia days; 2026-06-01 is a
 * Monday. */
#include "test_helpers.h"

#include <errno.h>

#include "billing.h"
#include "clock.h"
#include "control_billing.h"
#include "customers.h"
#include "ids.h"
#include "jobs.h"
#include "registry.h"
#include "router.h"
#include "subscriptions.h"

static int64_t D(int y, unsigned m, unsigned d)
{
    return am_days_from_civil(y, m, d);
}

/* hh:00 in Brasilia of a date. */
static int64_t at(int y, unsigned m, unsigned d, int hh)
{
    return D(y, m, d) * 86400 + (3 + hh) * 3600;
}

struct fx {
    struct am_account a, b;
    struct am_ids ids;
    struct am_response resp;
};

static void account_init(struct am_account *a, const char *id)
{
    snprintf(a->id, sizeof(a->id), "%s", id);
    a->billing = am_billing_new(id);
    a->recurring = am_recurring_new();
    a->customers = am_customer_store_new();
    assert_non_null(a->billing);
    assert_non_null(a->recurring);
    assert_non_null(a->customers);
}

static void account_fini(struct am_account *a)
{
    am_billing_free(a->billing);
    am_recurring_free(a->recurring);
    am_customer_store_free(a->customers);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    account_init(&f->a, "acc-a");
    account_init(&f->b, "acc-b");
    am_ids_init(&f->ids, 42);
    am_response_init(&f->resp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    account_fini(&f->a);
    account_fini(&f->b);
    am_response_finish(&f->resp);
    free(f);
    return 0;
}

static struct am_payment *charge(struct fx *f, enum am_billing_type t, int64_t cents, int64_t due,
                                 int64_t now)
{
    struct am_payment_spec spec;
    struct am_payment *p = NULL;

    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = t;
    spec.value_cents = cents;
    spec.due_day = due;
    assert_int_equal(am_billing_payment_create(f->a.billing, &f->ids, &spec, now, &p), 0);
    return p;
}

static struct am_subscription *subscribe(struct fx *f, const char *id, enum am_sub_cycle cycle,
                                         int64_t next_due)
{
    struct am_subscription *s = am_subscription_new();

    assert_non_null(s);
    snprintf(s->id, sizeof(s->id), "%s", id);
    s->created_at = at(2026, 6, 1, 9);
    snprintf(s->customer, sizeof(s->customer), "cus_000000000001");
    s->value_cents = 10000;
    s->next_due_day = next_due;
    s->anchor_mday = am_sub_mday(next_due);
    s->cycle = cycle;
    s->billing_type = AM_BILLING_PIX;
    s->status = AM_SUB_ACTIVE;
    assert_int_equal(am_recurring_add(f->a.recurring, s), 0);
    return am_recurring_find(f->a.recurring, id);
}

static size_t count_of_subscription(struct fx *f, const char *sub_id)
{
    struct am_payment **list = NULL;
    size_t n = 0;

    assert_int_equal(am_billing_payments_of_subscription(f->a.billing, sub_id, &list, &n), 0);
    free(list);
    return n;
}

static struct am_payment *nth_of_subscription(struct fx *f, const char *sub_id, size_t i)
{
    struct am_payment **list = NULL, *p;
    size_t n = 0;

    assert_int_equal(am_billing_payments_of_subscription(f->a.billing, sub_id, &list, &n), 0);
    assert_true(i < n);
    p = list[i];
    free(list);
    return p;
}

static void test_jobs_first_catch_up_only_remembers_today(void **state)
{
    struct fx *f = *state;
    struct am_jobs_report rep;

    charge(f, AM_BILLING_PIX, 5000, D(2026, 5, 20), at(2026, 5, 20, 9));
    assert_int_equal(am_jobs_catch_up(&f->a, &f->ids, at(2026, 6, 1, 10), &rep), 0);
    assert_int_equal(rep.days, 0);
    assert_int_equal(rep.overdue, 0);
    assert_int_equal(am_recurring_jobs_day(f->a.recurring), D(2026, 6, 1));
    /* Same day again: nothing. */
    assert_int_equal(am_jobs_catch_up(&f->a, &f->ids, at(2026, 6, 1, 23), &rep), 0);
    assert_int_equal(rep.days, 0);
    /* Two days later: both days run, the old charge goes overdue once. */
    assert_int_equal(am_jobs_catch_up(&f->a, &f->ids, at(2026, 6, 3, 8), &rep), 0);
    assert_int_equal(rep.days, 2);
    assert_int_equal(rep.overdue, 1);
    assert_int_equal(am_recurring_jobs_day(f->a.recurring), D(2026, 6, 3));
}

static void test_jobs_day_runs_overdue_then_settlement_at_day_start(void **state)
{
    struct fx *f = *state;
    struct am_payment *late, *paid;
    struct am_jobs_report rep;
    size_t n;
    const struct am_event *e1, *e2;

    late = charge(f, AM_BILLING_BOLETO, 10000, D(2026, 6, 1), at(2026, 6, 1, 9));
    paid = charge(f, AM_BILLING_BOLETO, 35000, D(2026, 6, 10), at(2026, 6, 1, 9));
    assert_int_equal(am_billing_payment_confirm(f->a.billing, paid, at(2026, 6, 1, 10)), 0);
    assert_int_equal(paid->status, AM_PAY_CONFIRMED);
    assert_int_equal(paid->credit_day, D(2026, 6, 2));
    n = am_billing_events_count(f->a.billing);

    assert_int_equal(am_jobs_advance(&f->a, &f->ids, at(2026, 6, 1, 11), at(2026, 6, 2, 11), &rep),
                     0);
    assert_int_equal(rep.days, 1);
    assert_int_equal(rep.overdue, 1);
    assert_int_equal(rep.settled, 1);
    assert_int_equal(late->status, AM_PAY_OVERDUE);
    assert_int_equal(paid->status, AM_PAY_RECEIVED);
    assert_int_equal(am_billing_events_count(f->a.billing), n + 2);
    e1 = am_billing_event_at(f->a.billing, n);
    e2 = am_billing_event_at(f->a.billing, n + 1);
    assert_string_equal(e1->name, "PAYMENT_OVERDUE");
    assert_string_equal(e1->resource_id, late->id);
    assert_string_equal(e2->name, "PAYMENT_RECEIVED");
    assert_string_equal(e2->resource_id, paid->id);
    assert_int_equal(e1->created_at, at(2026, 6, 2, 0));
    /* Boleto fee R$1.99 debited after the receipt. */
    assert_int_equal(am_billing_balance(f->a.billing), 35000 - 199);
    assert_int_equal(am_billing_ledger_check(f->a.billing, NULL), 0);
}

static void test_jobs_subscription_charges_generated_forty_days_ahead(void **state)
{
    struct fx *f = *state;
    struct am_subscription *s = subscribe(f, "sub_monthly", AM_CYCLE_MONTHLY, D(2026, 7, 1));
    struct am_jobs_report rep;
    struct am_payment *p;

    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    /* 07-01 - 40 = 05-22: due at the first job day. 08-01 - 40 = 06-22. */
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 21, 12), &rep), 0);
    assert_int_equal(rep.days, 20);
    assert_int_equal(rep.subscription_charges, 1);
    assert_int_equal(s->next_due_day, D(2026, 8, 1));
    assert_int_equal(s->generated, 1);
    p = nth_of_subscription(f, "sub_monthly", 0);
    assert_int_equal(p->due_day, D(2026, 7, 1));
    assert_int_equal(p->created_at, at(2026, 6, 2, 0));
    assert_int_equal(p->status, AM_PAY_PENDING);
    assert_int_equal(p->value_cents, 10000);
    assert_int_equal(p->net_value_cents, 10000 - 199);
    assert_string_equal(p->subscription, "sub_monthly");

    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 22, 0), &rep), 0);
    assert_int_equal(rep.days, 1);
    assert_int_equal(rep.subscription_charges, 1);
    assert_int_equal(s->next_due_day, D(2026, 9, 1));
    assert_int_equal(nth_of_subscription(f, "sub_monthly", 1)->due_day, D(2026, 8, 1));
    assert_int_equal(s->status, AM_SUB_ACTIVE);
}

static void test_jobs_max_payments_expires_subscription(void **state)
{
    struct fx *f = *state;
    struct am_subscription *s = subscribe(f, "sub_weekly", AM_CYCLE_WEEKLY, D(2026, 6, 8));
    struct am_jobs_report rep;
    const struct am_event *e;

    s->max_payments = 3;
    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 2, 0), &rep), 0);
    assert_int_equal(rep.subscription_charges, 3);
    assert_int_equal(rep.expired, 1);
    assert_int_equal(s->status, AM_SUB_EXPIRED);
    assert_int_equal(s->generated, 3);
    assert_int_equal(count_of_subscription(f, "sub_weekly"), 3);
    assert_int_equal(nth_of_subscription(f, "sub_weekly", 2)->due_day, D(2026, 6, 22));
    e = am_billing_event_at(f->a.billing, am_billing_events_count(f->a.billing) - 1);
    assert_string_equal(e->name, "SUBSCRIPTION_UPDATED");
    assert_non_null(strstr(e->snapshot, "\"status\":\"EXPIRED\""));
    /* Nothing more, ever. */
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 9, 1, 0), &rep), 0);
    assert_int_equal(rep.subscription_charges, 0);
    assert_int_equal(rep.expired, 0);
}

static void test_jobs_end_date_limits_charges(void **state)
{
    struct fx *f = *state;
    struct am_subscription *s = subscribe(f, "sub_end", AM_CYCLE_MONTHLY, D(2026, 7, 1));
    struct am_jobs_report rep;

    s->end_day = D(2026, 8, 15);
    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 22, 0), &rep), 0);
    assert_int_equal(rep.subscription_charges, 2);
    assert_int_equal(rep.expired, 1);
    assert_int_equal(s->status, AM_SUB_EXPIRED);
    assert_int_equal(s->next_due_day, D(2026, 9, 1));
    assert_int_equal(count_of_subscription(f, "sub_end"), 2);
}

static void test_jobs_inactive_and_deleted_subscriptions_stay_still(void **state)
{
    struct fx *f = *state;
    struct am_subscription *s1 = subscribe(f, "sub_inactive", AM_CYCLE_WEEKLY, D(2026, 6, 8));
    struct am_subscription *s2 = subscribe(f, "sub_deleted", AM_CYCLE_WEEKLY, D(2026, 6, 8));
    struct am_jobs_report rep;

    s1->status = AM_SUB_INACTIVE;
    s2->deleted = true;
    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 7, 1, 0), &rep), 0);
    assert_int_equal(rep.subscription_charges, 0);
    assert_int_equal(am_billing_payment_count(f->a.billing), 0);
    assert_int_equal(s1->next_due_day, D(2026, 6, 8));
}

static void test_jobs_card_subscription_charged_on_due_day(void **state)
{
    struct fx *f = *state;
    struct am_subscription *s = subscribe(f, "sub_card", AM_CYCLE_MONTHLY, D(2026, 6, 10));
    struct am_jobs_report rep;
    struct am_payment *p;

    s->billing_type = AM_BILLING_CREDIT_CARD;
    s->card.present = true;
    snprintf(s->card.last4, sizeof(s->card.last4), "4444");
    snprintf(s->card.brand, sizeof(s->card.brand), "VISA");
    snprintf(s->card.token, sizeof(s->card.token), "tok");
    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 9, 12), &rep), 0);
    p = nth_of_subscription(f, "sub_card", 0);
    assert_int_equal(p->status, AM_PAY_PENDING);
    assert_int_equal(rep.card_charges, 0);
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 10, 12), &rep), 0);
    assert_int_equal(rep.card_charges, 1);
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
    assert_string_equal(p->card.last4, "4444");
    assert_int_equal(p->confirmed_day, D(2026, 6, 10));
    /* 100.00 card: R$0.49 + 2.99% = 3.48 fee. */
    assert_int_equal(p->net_value_cents, 10000 - 348);
}

static void test_jobs_long_jump_runs_at_most_max_days(void **state)
{
    struct fx *f = *state;
    struct am_jobs_report rep;

    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 1));
    assert_int_equal(am_jobs_advance(&f->a, &f->ids, 0, at(2026, 6, 1, 0) + 5000LL * 86400, &rep),
                     0);
    assert_int_equal(rep.days, AM_JOBS_MAX_DAYS);
    assert_int_equal(am_recurring_jobs_day(f->a.recurring), D(2026, 6, 1) + 5000);
}

static void test_jobs_clock_moved_back_drags_the_day(void **state)
{
    struct fx *f = *state;
    struct am_jobs_report rep;

    am_recurring_set_jobs_day(f->a.recurring, D(2026, 6, 10));
    assert_int_equal(am_jobs_catch_up(&f->a, &f->ids, at(2026, 6, 5, 12), &rep), 0);
    assert_int_equal(rep.days, 0);
    assert_int_equal(am_recurring_jobs_day(f->a.recurring), D(2026, 6, 5));
    assert_int_equal(am_jobs_catch_up(&f->a, &f->ids, at(2026, 6, 6, 12), &rep), 0);
    assert_int_equal(rep.days, 1);
    assert_int_equal(am_jobs_advance(NULL, &f->ids, 0, 0, &rep), -EINVAL);
}

/* ---- control_billing ------------------------------------------------------------- */

static int ctl(struct fx *f, struct am_account *a, int route, const char *body, const char *query,
               int64_t real_now)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.method = AM_METHOD_GET;
    req.path = "/__mock/x";
    req.query = query;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.client_ip = "127.0.0.1";
    am_response_finish(&f->resp);
    assert_int_equal(am_control_billing_handle(a, route, &req, real_now, &f->ids, &f->resp), 0);
    return f->resp.status;
}

static void assert_body_has(struct fx *f, const char *part)
{
    char *body = strndup(f->resp.body, f->resp.body_len);

    assert_non_null(body);
    if (!strstr(body, part))
        fail_msg("'%s' lacks '%s'", body, part);
    free(body);
}

static void assert_body(struct fx *f, const char *expected)
{
    char *body = strndup(f->resp.body, f->resp.body_len);

    assert_non_null(body);
    assert_string_equal(body, expected);
    free(body);
}

#define REAL_NOW at(2026, 6, 1, 12)

static void test_control_clock_get_real_by_default(void **state)
{
    struct fx *f = *state;

    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_GET, NULL, NULL, REAL_NOW), 200);
    assert_body(f, "{\"mode\":\"real\",\"now\":\"2026-06-01 12:00:00\",\"today\":\"2026-06-01\","
                   "\"offsetDays\":0}");
}

static void test_control_clock_of_one_account_leaves_another_untouched(void **state)
{
    struct fx *f = *state;

    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_SET,
                         "{\"mode\":\"frozen\",\"date\":\"2026-07-15 08:30:00\"}", NULL, REAL_NOW),
                     200);
    assert_body(f, "{\"mode\":\"frozen\",\"now\":\"2026-07-15 08:30:00\",\"today\":\"2026-07-15\","
                   "\"offsetDays\":44,\"jobs\":{\"days\":44,\"overdue\":0,\"settled\":0,"
                   "\"subscriptionCharges\":0,\"cardCharges\":0,\"expiredSubscriptions\":0}}");
    assert_int_equal(ctl(f, &f->b, AM_ROUTE_CTL_CLOCK_GET, NULL, NULL, REAL_NOW), 200);
    assert_body(f, "{\"mode\":\"real\",\"now\":\"2026-06-01 12:00:00\",\"today\":\"2026-06-01\","
                   "\"offsetDays\":0}");
    assert_true(am_recurring_jobs_day(f->b.recurring) == AM_NO_DAY);
    /* A frozen clock does not move with real time. */
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_GET, NULL, NULL, REAL_NOW + 7200), 200);
    assert_body(f, "{\"mode\":\"frozen\",\"now\":\"2026-07-15 08:30:00\",\"today\":\"2026-07-15\","
                   "\"offsetDays\":44}");
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_SET, "{\"mode\":\"real\"}", NULL, REAL_NOW),
                     200);
    assert_body(f, "{\"mode\":\"real\",\"now\":\"2026-06-01 12:00:00\",\"today\":\"2026-06-01\","
                   "\"offsetDays\":0,\"jobs\":{\"days\":0,\"overdue\":0,\"settled\":0,"
                   "\"subscriptionCharges\":0,\"cardCharges\":0,\"expiredSubscriptions\":0}}");
    assert_int_equal(am_recurring_jobs_day(f->a.recurring), D(2026, 6, 1));
}

static void test_control_clock_advance_runs_each_day(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;

    p = charge(f, AM_BILLING_PIX, 5000, D(2026, 6, 2), at(2026, 6, 1, 9));
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_ADVANCE, "{\"days\":3}", NULL, REAL_NOW), 200);
    assert_body(f, "{\"mode\":\"real\",\"now\":\"2026-06-04 12:00:00\",\"today\":\"2026-06-04\","
                   "\"offsetDays\":3,\"jobs\":{\"days\":3,\"overdue\":1,\"settled\":0,"
                   "\"subscriptionCharges\":0,\"cardCharges\":0,\"expiredSubscriptions\":0}}");
    assert_int_equal(p->status, AM_PAY_OVERDUE);
    assert_int_equal(f->b.clock.offset, 0);

    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_ADVANCE, "{\"days\":0}", NULL, REAL_NOW), 400);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_days\",\"description\":\"days deve ser um "
                   "inteiro entre 1 e 3660\"}]}");
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_ADVANCE, "{\"days\":1.5}", NULL, REAL_NOW),
                     400);
    /* Smaller units add up (webhook retry delays are seconds to hours). */
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_ADVANCE,
                         "{\"hours\":1,\"minutes\":30,\"seconds\":5}", NULL, REAL_NOW), 200);
    assert_int_equal(f->b.clock.offset, 0);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_GET, NULL, NULL, REAL_NOW), 200);
    assert_body_has(f, "\"now\":\"2026-06-04 13:30:05\"");
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_ADVANCE, "{\"seconds\":-1}", NULL, REAL_NOW),
                     400);
    assert_body_has(f, "invalid_seconds");
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_SET, "{\"mode\":\"slow\"}", NULL, REAL_NOW),
                     400);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_SET, "{\"mode\":\"frozen\",\"date\":\"x\"}",
                         NULL, REAL_NOW),
                     400);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_CLOCK_SET, "{", NULL, REAL_NOW), 400);
}

static void test_control_events_oldest_first_with_snapshots(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;
    cJSON *root, *data, *e;
    char *body;

    p = charge(f, AM_BILLING_PIX, 5000, D(2026, 6, 2), at(2026, 6, 1, 9));
    assert_int_equal(am_billing_payment_confirm(f->a.billing, p, at(2026, 6, 1, 10)), 0);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_EVENTS, NULL, "offset=1&limit=5", REAL_NOW), 200);
    body = strndup(f->resp.body, f->resp.body_len);
    root = cJSON_Parse(body);
    free(body);
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 2);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(root, "hasMore")));
    data = cJSON_GetObjectItem(root, "data");
    assert_int_equal(cJSON_GetArraySize(data), 1);
    e = cJSON_GetArrayItem(data, 0);
    assert_string_equal(cJSON_GetObjectItem(e, "object")->valuestring, "event");
    assert_string_equal(cJSON_GetObjectItem(e, "event")->valuestring, "PAYMENT_RECEIVED");
    assert_int_equal(cJSON_GetObjectItem(e, "seq")->valueint, 2);
    assert_string_equal(cJSON_GetObjectItem(e, "dateCreated")->valuestring, "2026-06-01 10:00:00");
    assert_string_equal(cJSON_GetObjectItem(e, "resourceType")->valuestring, "payment");
    assert_string_equal(cJSON_GetObjectItem(e, "resourceId")->valuestring, p->id);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(e, "payment"), "status")->valuestring, "RECEIVED");
    cJSON_Delete(root);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_EVENTS, NULL, "limit=0", REAL_NOW), 400);
}

static void test_control_ledger_check_reports_invariant(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;

    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_LEDGER_CHECK, NULL, NULL, REAL_NOW), 200);
    assert_body(f, "{\"ok\":true,\"balance\":0,\"ledgerSum\":0,\"entries\":0}");
    p = charge(f, AM_BILLING_PIX, 10000, D(2026, 6, 2), at(2026, 6, 1, 9));
    assert_int_equal(am_billing_payment_confirm(f->a.billing, p, at(2026, 6, 1, 10)), 0);
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_LEDGER_CHECK, NULL, NULL, REAL_NOW), 200);
    assert_body(f, "{\"ok\":true,\"balance\":98.01,\"ledgerSum\":98.01,\"entries\":2}");
    assert_int_equal(ctl(f, &f->a, AM_ROUTE_CTL_KEYS_LIST, NULL, NULL, REAL_NOW), 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jobs_first_catch_up_only_remembers_today, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jobs_day_runs_overdue_then_settlement_at_day_start,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_subscription_charges_generated_forty_days_ahead,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_max_payments_expires_subscription, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jobs_end_date_limits_charges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_inactive_and_deleted_subscriptions_stay_still,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_card_subscription_charged_on_due_day, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jobs_long_jump_runs_at_most_max_days, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jobs_clock_moved_back_drags_the_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_clock_get_real_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_control_clock_of_one_account_leaves_another_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_clock_advance_runs_each_day, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_control_events_oldest_first_with_snapshots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_control_ledger_check_reports_invariant, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}

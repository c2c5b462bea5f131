/* test_billing_state.c - exact export/import of a billing state: a realistic store (every
 * status, refunds, card data, installments, tokens, deleted payments, subscription events,
 * a full event ring) round-trips to byte-identical text, identical rendered payments,
 * identical listings, events, ledger and sequences; bad snapshots fail with exact
 * messages; 10k payments import fast. now = 2026-07-14 12:00 BRT. */
#include "test_helpers.h"

#include <errno.h>
#include <time.h>

#include "billing.h"
#include "billing_state.h"
#include "ids.h"

#define NOW 1784041200LL /* 2026-07-14 12:00:00 BRT */
#define DAY 86400LL
#define TODAY 20648LL
#define ACC "acc_state_test"
#define WHERE "accounts[0].data.billing"
/* The 10k import takes ~50-100 ms optimised on a busy 2-core machine (10k payments, 12k
 * events with their snapshots, 1k ledger entries); 200 ms cannot flake there and still
 * catches quadratic work. Sanitizers and -O0 slow every access and malloc ~3-5x. */
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
#define IMPORT_10K_MAX_MS 1500.0
#else
#define IMPORT_10K_MAX_MS 200.0
#endif

struct fx {
    struct am_billing *b;
    struct am_ids ids;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->b = am_billing_new(ACC);
    assert_non_null(f->b);
    am_ids_init(&f->ids, 7);
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

static struct am_payment *make_at(struct fx *f, enum am_billing_type t, int64_t cents,
                                  int64_t due_day, const char *customer, const char *sub,
                                  int64_t now)
{
    struct am_payment_spec spec;
    struct am_payment *p = NULL;

    am_payment_spec_init(&spec);
    spec.customer = customer;
    spec.billing_type = t;
    spec.value_cents = cents;
    spec.due_day = due_day;
    spec.subscription = sub;
    assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, now, &p), 0);
    assert_non_null(p);
    return p;
}

static struct am_payment *make(struct fx *f, enum am_billing_type t, int64_t cents,
                               int64_t due_day, const char *customer)
{
    return make_at(f, t, cents, due_day, customer, NULL, NOW);
}

/* A store with every kind of payment and every kind of record. */
static void build_realistic(struct fx *f)
{
    struct am_card_info card = {.present = true, .last4 = "4444", .brand = "VISA",
                                .token = "2c7e5b46-8d5e-4a0c-9a3c-1b2f0e6d9a11"};
    struct am_card_token tok = {.token = "2c7e5b46-8d5e-4a0c-9a3c-1b2f0e6d9a11",
                                .customer = "cus_000000000002", .last4 = "4444",
                                .brand = "VISA"};
    struct am_card_token tok2 = {.token = "9b1d0c1e-0000-4000-8000-000000000002",
                                 .customer = "cus_000000000003", .last4 = "1111",
                                 .brand = "MASTERCARD"};
    struct am_installment inst;
    struct am_payment_update u;
    struct am_payment_spec spec;
    struct am_payment *p;

    /* PIX received, then partially refunded (ledger: credit, fee, refund). */
    p = make(f, AM_BILLING_PIX, 10000, TODAY + 5, "cus_000000000001");
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 2500, "parcial", NOW + 60), 0);
    p->last_invoice_viewed_at = NOW + 30;
    /* Boleto confirmed then settled by the job. */
    p = make(f, AM_BILLING_BOLETO, 35000, TODAY + 10, "cus_000000000001");
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW + 3 * DAY), 0);
    assert_int_equal(am_billing_job_settle(f->b, TODAY + 6, NOW + 6 * DAY), 1);
    p->last_bank_slip_viewed_at = NOW + 90;
    p->anticipable = true;
    /* Card confirmed and fully refunded before credit. */
    p = make(f, AM_BILLING_CREDIT_CARD, 5000, TODAY + 1, "cus_000000000002");
    assert_int_equal(am_billing_payment_pay_card(f->b, p, &card, 1, NULL, NOW), 0);
    assert_int_equal(am_billing_payment_refund(f->b, p, 0, NULL, NOW + 120), 0);
    /* Authorized card. */
    p = make(f, AM_BILLING_CREDIT_CARD, 7000, TODAY + 2, "cus_000000000002");
    assert_int_equal(am_billing_payment_authorize(f->b, p, &card, NOW), 0);
    /* Received in cash, and one undone. */
    p = make(f, AM_BILLING_BOLETO, 30000, TODAY + 3, "cus_000000000003");
    assert_int_equal(am_billing_payment_receive_in_cash(f->b, p, TODAY, 29000, NOW), 0);
    p = make(f, AM_BILLING_UNDEFINED, 12345, TODAY + 3, "cus_000000000003");
    assert_int_equal(am_billing_payment_receive_in_cash(f->b, p, TODAY, 0, NOW), 0);
    assert_int_equal(am_billing_payment_undo_receive_in_cash(f->b, p, NOW + DAY), 0);
    /* Deleted, and deleted then restored. */
    p = make(f, AM_BILLING_PIX, 999, TODAY + 4, "cus_000000000003");
    assert_int_equal(am_billing_payment_delete(f->b, p, NOW), 0);
    p = make(f, AM_BILLING_PIX, 998, TODAY + 4, "cus_000000000003");
    assert_int_equal(am_billing_payment_delete(f->b, p, NOW), 0);
    assert_int_equal(am_billing_payment_restore(f->b, p, NOW + 1), 0);
    /* Updated terms, texts and type; then overdue by the job. */
    p = make(f, AM_BILLING_BOLETO, 20000, TODAY, "cus_000000000004");
    memset(&u, 0, sizeof(u));
    u.has_description = true;
    u.description = "Pedido 42 — açaí";
    u.has_external_reference = true;
    u.external_reference = "ext-42";
    u.has_discount = true;
    u.discount = (struct am_discount){.value = 500, .limit_day = TODAY - 1,
                                      .due_date_limit_days = 2, .type = AM_AMOUNT_PERCENTAGE};
    u.has_fine = true;
    u.fine = (struct am_fine){.value = 200, .type = AM_AMOUNT_FIXED};
    u.has_interest = true;
    u.interest = (struct am_interest){.value = 100};
    u.has_postal_service = true;
    u.postal_service = true;
    assert_int_equal(am_billing_payment_update(f->b, p, &u, NOW), 0);
    assert_int_equal(am_billing_job_overdue(f->b, TODAY + 1, NOW + DAY), 1);
    /* Paid late: fine + interest applied (originalValue / interestValue set). */
    p = make(f, AM_BILLING_PIX, 10000, TODAY - 3, "cus_000000000004");
    p->fine = (struct am_fine){.value = 200, .type = AM_AMOUNT_PERCENTAGE};
    p->interest = (struct am_interest){.value = 100};
    assert_int_equal(am_billing_payment_confirm(f->b, p, NOW), 0);
    p->anticipated = true;
    /* Subscription payments, one created "earlier" so creation days are not sorted. */
    make_at(f, AM_BILLING_BOLETO, 4990, TODAY + 30, "cus_000000000005", "sub_000000000001", NOW);
    make_at(f, AM_BILLING_BOLETO, 4990, TODAY + 60, "cus_000000000005", "sub_000000000001",
            NOW - 5 * DAY);
    am_billing_events_append(f->b, "SUBSCRIPTION_CREATED", NOW, "subscription",
                             "sub_000000000001", "{\"id\":\"sub_000000000001\"}");
    /* An installment of 3 by card, with its grouping and token. */
    memset(&inst, 0, sizeof(inst));
    snprintf(inst.id, sizeof(inst.id), "%s", "5a2c1f3e-7b4d-4e8a-9c6f-0d1e2f3a4b5c");
    inst.created_at = NOW;
    snprintf(inst.customer, sizeof(inst.customer), "%s", "cus_000000000002");
    inst.billing_type = AM_BILLING_CREDIT_CARD;
    inst.value_cents = 30000;
    inst.payment_value_cents = 10000;
    inst.count = 3;
    inst.description = "Curso";
    inst.first_due_day = TODAY;
    inst.card = card;
    snprintf(inst.receipt, sizeof(inst.receipt), "%s", "0242986318583656");
    inst.payment_day = TODAY;
    assert_int_equal(am_billing_installment_add(f->b, &inst, NULL), 0);
    assert_int_equal(am_billing_token_add(f->b, &tok), 0);
    assert_int_equal(am_billing_token_add(f->b, &tok2), 0);
    for (unsigned i = 0; i < 3; i++) {
        am_payment_spec_init(&spec);
        spec.customer = "cus_000000000002";
        spec.billing_type = AM_BILLING_CREDIT_CARD;
        spec.value_cents = 10000;
        spec.fee_cents = 398;
        spec.due_day = am_billing_add_months(TODAY, (int)i);
        spec.installment = inst.id;
        spec.installment_number = i + 1;
        spec.description = "Parcela";
        assert_int_equal(am_billing_payment_create(f->b, &f->ids, &spec, NOW, &p), 0);
        assert_int_equal(am_billing_payment_pay_card(f->b, p, &card, i + 1, inst.receipt, NOW),
                         0);
    }
    /* A second installment grouping without card (deleted). */
    memset(&inst, 0, sizeof(inst));
    snprintf(inst.id, sizeof(inst.id), "%s", "6b3d2a4f-8c5e-4f9b-8d7a-1e2f3a4b5c6d");
    inst.created_at = NOW + 5;
    snprintf(inst.customer, sizeof(inst.customer), "%s", "cus_000000000001");
    inst.billing_type = AM_BILLING_BOLETO;
    inst.value_cents = 1000;
    inst.payment_value_cents = 500;
    inst.count = 2;
    inst.first_due_day = TODAY + 7;
    inst.payment_day = AM_NO_DAY;
    inst.deleted = true;
    assert_int_equal(am_billing_installment_add(f->b, &inst, NULL), 0);
    assert_int_equal(am_billing_ledger_check(f->b, NULL), 0);
}

static char *export_text(const struct am_billing *b)
{
    cJSON *o = am_billing_state_export(b);
    char *text;

    assert_non_null(o);
    text = cJSON_PrintUnformatted(o);
    assert_non_null(text);
    cJSON_Delete(o);
    return text;
}

static struct am_billing *import_text(const char *text)
{
    cJSON *o = cJSON_Parse(text);
    struct am_billing *b = NULL;
    char err[256] = "";

    assert_non_null(o);
    if (am_billing_state_import(o, ACC, WHERE, &b, err, sizeof(err)) != 0)
        fail_msg("import failed: %s", err);
    cJSON_Delete(o);
    assert_non_null(b);
    return b;
}

static char *payment_text(const struct am_payment *p)
{
    cJSON *o = am_payment_to_json(p);
    char *text;

    assert_non_null(o);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(text);
    return text;
}

/* The same filter on both stores gives the same total and the same ids in order. */
static void assert_same_query(const struct am_billing *a, const struct am_billing *b,
                              const struct am_payment_filter *flt, size_t offset, size_t limit,
                              size_t expect_total)
{
    struct am_payment *pa[64], *pb[64];
    size_t na = 0, nb = 0;
    size_t ta = am_billing_payments_query(a, flt, offset, limit, pa, &na);
    size_t tb = am_billing_payments_query(b, flt, offset, limit, pb, &nb);

    assert_int_equal(ta, expect_total);
    assert_int_equal(tb, ta);
    assert_int_equal(nb, na);
    for (size_t i = 0; i < na; i++)
        assert_string_equal(pb[i]->id, pa[i]->id);
}

static void assert_same_events(const struct am_billing *a, const struct am_billing *b)
{
    assert_int_equal(am_billing_events_count(b), am_billing_events_count(a));
    assert_int_equal(am_billing_events_last_seq(b), am_billing_events_last_seq(a));
    for (size_t i = 0; i < am_billing_events_count(a); i++) {
        const struct am_event *x = am_billing_event_at(a, i), *y = am_billing_event_at(b, i);

        assert_int_equal(y->seq, x->seq);
        assert_string_equal(y->id, x->id);
        assert_string_equal(y->name, x->name);
        assert_int_equal(y->created_at, x->created_at);
        assert_string_equal(y->resource_type, x->resource_type);
        assert_string_equal(y->resource_id, x->resource_id);
        assert_string_equal(y->snapshot, x->snapshot);
        assert_ptr_equal(am_billing_event_by_seq(b, x->seq), y);
    }
}

static void assert_same_ledger(const struct am_billing *a, const struct am_billing *b)
{
    assert_int_equal(am_billing_ledger_count(b), am_billing_ledger_count(a));
    for (size_t i = 0; i < am_billing_ledger_count(a); i++) {
        const struct am_ledger_entry *x = am_billing_ledger_at(a, i);
        const struct am_ledger_entry *y = am_billing_ledger_at(b, i);

        assert_string_equal(y->id, x->id);
        assert_int_equal(y->value_cents, x->value_cents);
        assert_int_equal(y->balance_cents, x->balance_cents);
        assert_int_equal(y->type, x->type);
        assert_int_equal(y->day, x->day);
        assert_int_equal(y->created_at, x->created_at);
        assert_string_equal(y->description, x->description);
        assert_string_equal(y->payment_id, x->payment_id);
    }
    assert_int_equal(am_billing_balance(b), am_billing_balance(a));
    assert_int_equal(am_billing_ledger_check(b, NULL), 0);
}

static void test_billing_state_round_trip_is_exact(void **state)
{
    struct fx *f = *state;
    struct am_billing *b2;
    struct am_payment_filter flt;
    char *t1, *t2, n1[9], n2[9];

    build_realistic(f);
    t1 = export_text(f->b);
    b2 = import_text(t1);
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    free(t2);

    /* Every payment renders identically and is found by id. */
    assert_int_equal(am_billing_payment_count(b2), am_billing_payment_count(f->b));
    assert_int_equal(am_billing_payment_count(b2), 15);
    for (size_t i = 0; i < am_billing_payment_count(f->b); i++) {
        const struct am_payment *x = am_billing_payment_at(f->b, i);
        const struct am_payment *y = am_billing_payment_find(b2, x->id);
        char *tx = payment_text(x), *ty;

        assert_non_null(y);
        assert_ptr_equal(y, am_billing_payment_at(b2, i));
        ty = payment_text(y);
        assert_string_equal(ty, tx);
        assert_int_equal(y->seq, x->seq);
        assert_int_equal(y->fee_cents, x->fee_cents);
        assert_int_equal(y->refunded_cents, x->refunded_cents);
        assert_int_equal(y->cash_saved_value_cents, x->cash_saved_value_cents);
        assert_int_equal(y->credited, x->credited);
        assert_int_equal(y->created_at, x->created_at);
        free(tx);
        free(ty);
    }
    assert_null(am_billing_payment_find(b2, "pay_unknown"));

    /* Listings: same totals, same pages, same order. */
    am_payment_filter_init(&flt);
    assert_same_query(f->b, b2, &flt, 0, 64, 14);
    assert_same_query(f->b, b2, &flt, 3, 4, 14);
    flt.include_deleted = true;
    assert_same_query(f->b, b2, &flt, 0, 64, 15);
    am_payment_filter_init(&flt);
    flt.customer = "cus_000000000002";
    assert_same_query(f->b, b2, &flt, 0, 64, 5);
    am_payment_filter_init(&flt);
    flt.status = AM_PAY_CONFIRMED;
    assert_same_query(f->b, b2, &flt, 0, 64, 3);
    flt.billing_type = AM_BILLING_CREDIT_CARD;
    assert_same_query(f->b, b2, &flt, 1, 1, 3);
    am_payment_filter_init(&flt);
    flt.status = AM_PAY_RECEIVED_IN_CASH;
    assert_same_query(f->b, b2, &flt, 0, 64, 1);
    am_payment_filter_init(&flt);
    flt.subscription = "sub_000000000001";
    assert_same_query(f->b, b2, &flt, 0, 64, 2);
    am_payment_filter_init(&flt);
    flt.installment = "5a2c1f3e-7b4d-4e8a-9c6f-0d1e2f3a4b5c";
    assert_same_query(f->b, b2, &flt, 0, 64, 3);
    am_payment_filter_init(&flt);
    flt.created_ge = TODAY - 5;
    flt.created_le = TODAY - 1;
    assert_same_query(f->b, b2, &flt, 0, 64, 1);
    am_payment_filter_init(&flt);
    flt.due_ge = TODAY;
    flt.due_le = TODAY + 4;
    flt.billing_type = AM_BILLING_PIX;
    assert_same_query(f->b, b2, &flt, 0, 64, 1);
    am_payment_filter_init(&flt);
    flt.payment_ge = TODAY;
    assert_same_query(f->b, b2, &flt, 0, 64, 4);
    am_payment_filter_init(&flt);
    flt.external_reference = "ext-42";
    assert_same_query(f->b, b2, &flt, 0, 64, 1);
    am_payment_filter_init(&flt);
    flt.anticipated = 1;
    assert_same_query(f->b, b2, &flt, 0, 64, 1);

    /* Installments and tokens. */
    assert_int_equal(am_billing_installment_count(b2), 2);
    assert_string_equal(am_billing_installment_at(b2, 0)->card.token,
                        "2c7e5b46-8d5e-4a0c-9a3c-1b2f0e6d9a11");
    assert_string_equal(am_billing_installment_at(b2, 0)->description, "Curso");
    assert_true(am_billing_installment_at(b2, 1)->deleted);
    assert_false(am_billing_installment_at(b2, 1)->card.present);
    assert_non_null(am_billing_installment_find(b2, "6b3d2a4f-8c5e-4f9b-8d7a-1e2f3a4b5c6d"));
    assert_int_equal(am_billing_token_count(b2), 2);
    assert_string_equal(am_billing_token_find(b2, "9b1d0c1e-0000-4000-8000-000000000002")->brand,
                        "MASTERCARD");

    assert_same_events(f->b, b2);
    assert_same_ledger(f->b, b2);
    assert_int_equal(am_billing_ledger_count(b2), 7);

    /* Later behaviour is the same: sequences, event ids, ledger ids. */
    am_billing_next_invoice_number(f->b, n1);
    am_billing_next_invoice_number(b2, n2);
    assert_string_equal(n2, n1);
    am_billing_next_nosso_numero(f->b, n1);
    am_billing_next_nosso_numero(b2, n2);
    assert_string_equal(n2, n1);
    assert_int_equal(am_billing_events_append(b2, "X", NOW, "payment", "pay_x", NULL),
                     am_billing_events_append(f->b, "X", NOW, "payment", "pay_x", NULL));
    assert_int_equal(am_billing_ledger_append(b2, AM_LEDGER_PAYMENT_FEE, -10, TODAY, NOW, "t", NULL),
                     0);
    assert_int_equal(
        am_billing_ledger_append(f->b, AM_LEDGER_PAYMENT_FEE, -10, TODAY, NOW, "t", NULL), 0);
    assert_same_events(f->b, b2);
    assert_same_ledger(f->b, b2);
    t1 = (free(t1), export_text(f->b));
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    free(t1);
    free(t2);
    am_billing_free(b2);
}

static void test_billing_state_import_under_other_account_keeps_salt(void **state)
{
    struct fx *f = *state;
    cJSON *o;
    struct am_billing *b2 = NULL;
    char err[256] = "", *t1, *t2;

    build_realistic(f);
    t1 = export_text(f->b);
    o = cJSON_Parse(t1);
    assert_int_equal(am_billing_state_import(o, "acc_other", WHERE, &b2, err, sizeof(err)), 0);
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    assert_int_equal(am_billing_events_append(b2, "X", NOW, "payment", "pay_x", NULL),
                     am_billing_events_append(f->b, "X", NOW, "payment", "pay_x", NULL));
    assert_string_equal(am_billing_event_at(b2, am_billing_events_count(b2) - 1)->id,
                        am_billing_event_at(f->b, am_billing_events_count(f->b) - 1)->id);
    cJSON_Delete(o);
    free(t1);
    free(t2);
    am_billing_free(b2);
}

static void test_billing_state_empty_store_round_trips(void **state)
{
    struct fx *f = *state;
    struct am_billing *b2;
    char *t1 = export_text(f->b), *t2, n1[9], n2[9];

    b2 = import_text(t1);
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    assert_non_null(strstr(t1, "\"payments\":[],\"installments\":[],\"cardTokens\":[],"
                               "\"events\":[],\"ledger\":[]}"));
    am_billing_next_invoice_number(f->b, n1);
    am_billing_next_invoice_number(b2, n2);
    assert_string_equal(n2, n1);
    free(t1);
    free(t2);
    am_billing_free(b2);
}

/* A full ring (older events dropped) keeps dropping the same way after import. */
static void test_billing_state_full_event_ring_round_trips(void **state)
{
    struct fx *f = *state;
    struct am_billing *b2;
    char *t1, *t2;

    for (int i = 0; i < AM_BILLING_EVENTS_KEEP + 37; i++)
        assert_int_not_equal(am_billing_events_append(f->b, "ACCOUNT_STATUS", NOW + i,
                                                      "accountStatus", "acc", "{}"),
                             0);
    t1 = export_text(f->b);
    b2 = import_text(t1);
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    free(t2);
    assert_int_equal(am_billing_events_count(b2), AM_BILLING_EVENTS_KEEP);
    assert_int_equal(am_billing_event_at(b2, 0)->seq, 38);
    assert_null(am_billing_event_by_seq(b2, 37));
    assert_int_equal(am_billing_events_append(b2, "E", NOW, "payment", "p", NULL),
                     AM_BILLING_EVENTS_KEEP + 38);
    assert_int_equal(am_billing_events_append(f->b, "E", NOW, "payment", "p", NULL),
                     AM_BILLING_EVENTS_KEEP + 38);
    assert_same_events(f->b, b2);
    assert_int_equal(am_billing_event_at(b2, 0)->seq, 39);
    free(t1);
    am_billing_free(b2);
}

/* ---- negative cases ---------------------------------------------------------------- */

/* Imports the exported state of f after mutate() changed it; expects -EINVAL and msg. */
static void expect_error(struct fx *f, void (*mutate)(cJSON *root), const char *msg)
{
    char *text = export_text(f->b);
    cJSON *o = cJSON_Parse(text);
    struct am_billing *b2 = (struct am_billing *)&b2; /* must be reset to NULL */
    char err[256] = "";

    assert_non_null(o);
    mutate(o);
    assert_int_equal(am_billing_state_import(o, ACC, WHERE, &b2, err, sizeof(err)), -EINVAL);
    assert_null(b2);
    assert_string_equal(err, msg);
    cJSON_Delete(o);
    free(text);
}

static cJSON *pay(cJSON *root, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(root, "payments"), i);
}

static void set(cJSON *o, const char *key, cJSON *v)
{
    assert_non_null(v);
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        assert_true(cJSON_ReplaceItemInObjectCaseSensitive(o, key, v));
    else
        assert_true(cJSON_AddItemToObject(o, key, v));
}

static void m_payments_object(cJSON *r)
{
    set(r, "payments", cJSON_CreateObject());
}
static void m_unknown_member(cJSON *r)
{
    cJSON_AddTrueToObject(pay(r, 2), "bogus");
}
static void m_repeated_member(cJSON *r)
{
    cJSON_AddStringToObject(pay(r, 0), "status", "PENDING");
}
static void m_bad_status(cJSON *r)
{
    set(pay(r, 1), "status", cJSON_CreateString("PAID"));
}
static void m_long_id(cJSON *r)
{
    set(pay(r, 0), "id", cJSON_CreateString("pay_0123456789abcdefghijk"));
}
static void m_duplicate_id(cJSON *r)
{
    set(pay(r, 1), "id", cJSON_CreateString(cJSON_GetObjectItem(pay(r, 0), "id")->valuestring));
}
static void m_seq(cJSON *r)
{
    set(pay(r, 3), "seq", cJSON_CreateNumber(4));
}
static void m_value_string(cJSON *r)
{
    set(pay(r, 0), "valueCents", cJSON_CreateString("100.00"));
}
static void m_value_fraction(cJSON *r)
{
    set(pay(r, 0), "valueCents", cJSON_CreateNumber(100.5));
}
static void m_due_null(cJSON *r)
{
    set(pay(r, 4), "dueDate", cJSON_CreateNull());
}
static void m_bad_day(cJSON *r)
{
    set(pay(r, 4), "paymentDate", cJSON_CreateString("2026-02-30"));
}
static void m_unknown_installment(cJSON *r)
{
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(r, "installments"), 0);
}
static void m_refund_too_big(cJSON *r)
{
    set(cJSON_GetArrayItem(cJSON_GetObjectItem(pay(r, 0), "refunds"), 0), "valueCents",
        cJSON_CreateNumber(10001));
}
static void m_percent(cJSON *r)
{
    set(cJSON_GetObjectItem(pay(r, 8), "discount"), "valueHundredths", cJSON_CreateNumber(10001));
}
static void m_card_type(cJSON *r)
{
    set(cJSON_GetObjectItem(pay(r, 2), "creditCard"), "creditCardNumber", cJSON_CreateNumber(4444));
}
static void m_ledger_balance(cJSON *r)
{
    set(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "ledger"), 1), "balanceCents",
        cJSON_CreateNumber(9800));
}
static void m_ledger_payment(cJSON *r)
{
    set(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "ledger"), 0), "paymentId",
        cJSON_CreateString("pay_nowhere"));
}
static void m_event_gap(cJSON *r)
{
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(r, "events"), 2);
}
static void m_last_event_seq(cJSON *r)
{
    set(r, "lastEventSeq", cJSON_CreateNumber(3));
}
static void m_snapshot_null(cJSON *r)
{
    set(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "events"), 0), "snapshot", cJSON_CreateNull());
}
static void m_salt(cJSON *r)
{
    set(r, "salt", cJSON_CreateString("xyz"));
}
static void m_duplicate_token(cJSON *r)
{
    cJSON *tokens = cJSON_GetObjectItem(r, "cardTokens");

    cJSON_AddItemToArray(tokens, cJSON_Duplicate(cJSON_GetArrayItem(tokens, 0), true));
}
static void m_ledger_type(cJSON *r)
{
    set(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "ledger"), 2), "type",
        cJSON_CreateString("payment_refund"));
}
static void m_top_unknown(cJSON *r)
{
    cJSON_AddNullToObject(r, "subscriptions");
}
static void m_instant(cJSON *r)
{
    set(pay(r, 0), "dateCreated", cJSON_CreateNull());
}

static void test_billing_state_import_rejects_bad_snapshots(void **state)
{
    struct fx *f = *state;
    struct am_billing *b2 = NULL;
    cJSON *arr;
    char err[256] = "";

    build_realistic(f);
    expect_error(f, m_payments_object, WHERE ".payments: must be an array");
    expect_error(f, m_unknown_member, WHERE ".payments[2]: unknown field 'bogus'");
    expect_error(f, m_repeated_member, WHERE ".payments[0]: repeated field 'status'");
    expect_error(f, m_bad_status,
                 WHERE ".payments[1].status: must be one of the documented names (e.g. "
                       "\"PENDING\")");
    expect_error(f, m_long_id, WHERE ".payments[0].id: longer than 23 characters");
    {
        char msg[160];

        snprintf(msg, sizeof(msg), WHERE ".payments[1].id: duplicate id '%s'",
                 am_billing_payment_at(f->b, 0)->id);
        expect_error(f, m_duplicate_id, msg);
    }
    expect_error(f, m_seq, WHERE ".payments[3].seq: must be its position 3");
    expect_error(f, m_value_string,
                 WHERE ".payments[0].valueCents: must be an integer in [1, 9007199254740991]");
    expect_error(f, m_value_fraction,
                 WHERE ".payments[0].valueCents: must be an integer in [1, 9007199254740991]");
    expect_error(f, m_due_null, WHERE ".payments[4].dueDate: must not be null");
    expect_error(f, m_bad_day,
                 WHERE ".payments[4].paymentDate: must be \"YYYY-MM-DD\" or null");
    expect_error(f, m_unknown_installment,
                 WHERE ".payments[12].installment: unknown installment "
                       "'5a2c1f3e-7b4d-4e8a-9c6f-0d1e2f3a4b5c'");
    expect_error(f, m_refund_too_big,
                 WHERE ".payments[0].refunds[0].valueCents: refunds add up to more than the "
                       "payment value");
    expect_error(f, m_percent,
                 WHERE ".payments[8].discount.valueHundredths: a percentage must be at most "
                       "10000 (100%)");
    expect_error(f, m_card_type,
                 WHERE ".payments[2].creditCard.creditCardNumber: must be a string or null");
    expect_error(f, m_ledger_balance,
                 WHERE ".ledger[1].balanceCents: must be the running balance 9801");
    expect_error(f, m_ledger_payment, WHERE ".ledger[0].paymentId: unknown payment 'pay_nowhere'");
    expect_error(f, m_event_gap,
                 WHERE ".events[2].seq: must be 3 (kept events are consecutive)");
    expect_error(f, m_last_event_seq,
                 WHERE ".lastEventSeq: must be the newest kept event's seq 35");
    expect_error(f, m_snapshot_null, WHERE ".events[0].snapshot: must be a string");
    expect_error(f, m_salt, WHERE ".salt: must be 16 lowercase hex digits");
    expect_error(f, m_duplicate_token,
                 WHERE ".cardTokens[2].creditCardToken: duplicate token "
                       "'2c7e5b46-8d5e-4a0c-9a3c-1b2f0e6d9a11'");
    expect_error(f, m_ledger_type,
                 WHERE ".ledger[2].type: must be one of the documented names (e.g. "
                       "\"PAYMENT_RECEIVED\")");
    expect_error(f, m_top_unknown, WHERE ": unknown field 'subscriptions'");
    expect_error(f, m_instant,
                 WHERE ".payments[0].dateCreated: must be \"YYYY-MM-DD HH:MM:SS\"");

    /* Not an object at all, and too many events. */
    arr = cJSON_CreateArray();
    assert_int_equal(am_billing_state_import(arr, ACC, WHERE, &b2, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, WHERE ": must be an object");
    cJSON_Delete(arr);
    assert_null(b2);
}

static void test_billing_state_import_rejects_too_many_events(void **state)
{
    struct fx *f = *state;
    cJSON *o, *events, *first;
    struct am_billing *b2 = NULL;
    char err[256] = "", *text;

    for (int i = 0; i < AM_BILLING_EVENTS_KEEP; i++)
        am_billing_events_append(f->b, "E", NOW, "payment", "p", "{}");
    text = export_text(f->b);
    o = cJSON_Parse(text);
    events = cJSON_GetObjectItem(o, "events");
    first = cJSON_Duplicate(cJSON_GetArrayItem(events, 0), true);
    cJSON_AddItemToArray(events, first);
    assert_int_equal(am_billing_state_import(o, ACC, WHERE, &b2, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, WHERE ".events: more than 20000 elements");
    assert_null(b2);
    cJSON_Delete(o);
    free(text);
}

/* Every member and element of a realistic snapshot, set to 0.5 (a wrong type or a
 * fraction for every field), fails with a message naming exactly that member: each
 * error path runs (under ASan: no leak, no crash, nothing returned). */
struct sweep {
    cJSON *root;
    size_t tried;
};

static void sweep_one(struct sweep *sw, cJSON *node, const char *path)
{
    cJSON saved = *node;
    struct am_billing *b2 = NULL;
    char err[512] = "", want[600];
    int rc;

    node->type = cJSON_Number;
    node->child = NULL;
    node->valuestring = NULL;
    node->valuedouble = 0.5;
    node->valueint = 0;
    rc = am_billing_state_import(sw->root, ACC, WHERE, &b2, err, sizeof(err));
    node->type = saved.type;
    node->child = saved.child;
    node->valuestring = saved.valuestring;
    node->valuedouble = saved.valuedouble;
    node->valueint = saved.valueint;
    snprintf(want, sizeof(want), "%s%s: ", WHERE, path);
    if (rc != -EINVAL || strncmp(err, want, strlen(want)) != 0)
        fail_msg("%s: rc %d, err '%s'", path, rc, err);
    assert_null(b2);
    sw->tried++;
}

static void sweep_tree(struct sweep *sw, cJSON *parent, const char *path)
{
    size_t i = 0;

    for (cJSON *c = parent->child; c; c = c->next, i++) {
        char sub[512];

        if (cJSON_IsObject(parent))
            snprintf(sub, sizeof(sub), "%s.%s", path, c->string);
        else
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        sweep_one(sw, c, sub);
        if (cJSON_IsObject(c) || cJSON_IsArray(c))
            sweep_tree(sw, c, sub);
    }
}

static void test_billing_state_every_member_rejects_a_wrong_value(void **state)
{
    struct fx *f = *state;
    struct sweep sw = {0};
    char *text;

    build_realistic(f);
    text = export_text(f->b);
    sw.root = cJSON_Parse(text);
    assert_non_null(sw.root);
    sweep_tree(&sw, sw.root, "");
    assert_true(sw.tried > 900);
    cJSON_Delete(sw.root);
    free(text);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_billing_state_imports_10k_payments_fast(void **state)
{
    static const enum am_billing_type types[] = {AM_BILLING_PIX, AM_BILLING_BOLETO,
                                                 AM_BILLING_CREDIT_CARD, AM_BILLING_UNDEFINED};
    struct fx *f = *state;
    struct am_billing *b2 = NULL;
    struct am_payment_filter flt;
    struct timespec t0;
    char cus[32], err[256] = "", *t1, *t2;
    cJSON *o;
    double ms = 0, first = 0;

    for (int i = 0; i < 10000; i++) {
        struct am_payment *p;

        snprintf(cus, sizeof(cus), "cus_%012d", i % 97);
        p = make_at(f, types[i % 4], 1000 + i, TODAY + i % 40, cus, NULL, NOW + i);
        if (i % 5 == 0)
            assert_int_equal(am_billing_payment_confirm(f->b, p, NOW + i), 0);
    }
    t1 = export_text(f->b);
    o = cJSON_Parse(t1);
    assert_non_null(o);
    /* Best of 3 (the first also pays the page faults of fresh memory; shown too). */
    for (int run = 0; run < 3; run++) {
        double t;

        am_billing_free(b2);
        b2 = NULL;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(am_billing_state_import(o, ACC, WHERE, &b2, err, sizeof(err)), 0);
        t = ms_since(&t0);
        if (run == 0)
            first = t;
        if (run == 0 || t < ms)
            ms = t;
    }
    print_message("billing_state: imported 10000 payments, %zu events, %zu ledger entries in "
                  "%.1f ms (best of 3; first %.1f ms)\n",
                  am_billing_events_count(b2), am_billing_ledger_count(b2), ms, first);
    assert_true(ms < IMPORT_10K_MAX_MS * am_test_time_scale()); /* AM_TIME_SCALE: loaded machines */
    t2 = export_text(b2);
    assert_string_equal(t2, t1);
    am_payment_filter_init(&flt);
    flt.customer = "cus_000000000042";
    assert_same_query(f->b, b2, &flt, 10, 20, 103);
    am_payment_filter_init(&flt);
    flt.status = AM_PAY_RECEIVED;
    assert_same_query(f->b, b2, &flt, 100, 50, 500);
    cJSON_Delete(o);
    free(t1);
    free(t2);
    am_billing_free(b2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_billing_state_round_trip_is_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_import_under_other_account_keeps_salt,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_empty_store_round_trips, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_full_event_ring_round_trips, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_import_rejects_bad_snapshots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_import_rejects_too_many_events, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_every_member_rejects_a_wrong_value,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_billing_state_imports_10k_payments_fast, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("billing_state", tests, NULL, NULL);
}

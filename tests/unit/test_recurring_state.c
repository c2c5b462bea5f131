/* test_recurring_state.c - exact export/import of one account's recurring state:
 * subscriptions made through the /v3/subscriptions handlers (every cycle/status/billing
 * type, card, split, discount/fine/interest, endDate, maxPayments, deleted) plus hand-set
 * edge values round-trip to byte-identical text, identical rendered objects and API
 * answers; bad snapshots are refused with exact messages. The clock starts at
 * 2026-06-01 09:00 Brasilia. */
#include "test_helpers.h"

#include <errno.h>
#include <time.h>

#include "api_recurring.h"
#include "billing.h"
#include "clock.h"
#include "customers.h"
#include "ids.h"
#include "jobs.h"
#include "recurring_state.h"
#include "registry.h"
#include "subscriptions.h"

#define CUS "cus_000000000001"
#define WHERE "accounts[0].recurring"

static int64_t D(int y, unsigned m, unsigned d)
{
    return am_days_from_civil(y, m, d);
}

static int64_t at(int y, unsigned m, unsigned d, int hh)
{
    return D(y, m, d) * 86400 + (3 + hh) * 3600;
}

struct fx {
    struct am_account account;
    struct am_ids ids;
    struct am_query query;
    struct am_ctx ctx;
    struct am_response resp;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct am_customer *c = am_customer_new();

    assert_non_null(f);
    assert_non_null(c);
    snprintf(f->account.id, sizeof(f->account.id), "acc-test");
    f->account.customers = am_customer_store_new();
    f->account.billing = am_billing_new("acc-test");
    f->account.recurring = am_recurring_new();
    assert_non_null(f->account.customers);
    assert_non_null(f->account.billing);
    assert_non_null(f->account.recurring);
    snprintf(c->id, sizeof(c->id), "%s", CUS);
    c->name = strdup("Maria");
    snprintf(c->cpf_cnpj, sizeof(c->cpf_cnpj), "24971563792");
    assert_int_equal(am_customer_store_insert(f->account.customers, c), 0);
    am_ids_init(&f->ids, 42);
    f->ctx.account = &f->account;
    f->ctx.now = at(2026, 6, 1, 9);
    f->ctx.ids = &f->ids;
    f->ctx.query = &f->query;
    am_response_init(&f->resp);
    am_recurring_set_jobs_day(f->account.recurring, D(2026, 6, 1));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    am_query_finish(&f->query);
    am_customer_store_free(f->account.customers);
    am_billing_free(f->account.billing);
    am_recurring_free(f->account.recurring);
    free(f);
    return 0;
}

typedef int (*handler)(struct am_ctx *, const char *, const struct am_request *,
                       struct am_response *);

/* Runs h against the recurring state rec; returns the body (new string; free()). */
static char *call(struct fx *f, struct am_recurring *rec, handler h, const char *id,
                  const char *body, const char *query, int want_status)
{
    struct am_recurring *saved = f->account.recurring;
    struct am_request req;
    char *out;

    memset(&req, 0, sizeof(req));
    req.path = "/v3/x";
    req.client_ip = "127.0.0.1";
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    am_query_finish(&f->query);
    assert_int_equal(am_query_parse(query, &f->query), 0);
    am_response_finish(&f->resp);
    f->account.recurring = rec;
    assert_int_equal(h(&f->ctx, id, &req, &f->resp), 0);
    f->account.recurring = saved;
    assert_int_equal(f->resp.status, want_status);
    out = strndup(f->resp.body ? f->resp.body : "", f->resp.body_len);
    assert_non_null(out);
    return out;
}

static void run(struct fx *f, handler h, const char *id, const char *body)
{
    free(call(f, f->account.recurring, h, id, body, NULL, 200));
}

static char *export_text(const struct am_recurring *r)
{
    cJSON *o = am_recurring_state_export(r);
    char *text;

    assert_non_null(o);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(text);
    return text;
}

static struct am_recurring *import_text(const char *text)
{
    cJSON *o = cJSON_Parse(text);
    struct am_recurring *r = NULL;
    char err[256] = "";

    assert_non_null(o);
    assert_int_equal(am_recurring_state_import(o, WHERE, &r, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    cJSON_Delete(o);
    assert_non_null(r);
    return r;
}

#define CARD_OK                                                                                   \
    "\"creditCard\":{\"holderName\":\"Maria\",\"number\":\"4444 4444 4444 4444\","                \
    "\"expiryMonth\":\"12\",\"expiryYear\":\"2030\",\"ccv\":\"123\"},"                            \
    "\"creditCardHolderInfo\":{\"name\":\"Maria\",\"email\":\"m@example.com\",\"cpfCnpj\":"       \
    "\"24971563792\",\"postalCode\":\"89223005\",\"addressNumber\":\"277\",\"phone\":"            \
    "\"4738010919\"},\"remoteIp\":\"116.213.42.532\""

/* What the API cannot produce but the struct can hold: a card that is not present but
 * keeps a token, a response-only billing type, days and instants outside 0001..9999
 * (exported as numbers), counters at their limits, a discount limit date. */
static void add_edge(struct am_recurring *r)
{
    struct am_subscription *s = am_subscription_new();

    assert_non_null(s);
    snprintf(s->id, sizeof(s->id), "sub_edge_0123456789ab"); /* 21 chars */
    s->created_at = -70000000000LL;
    snprintf(s->customer, sizeof(s->customer), "cus_legacy_shape_0123456789abcdefghijk");
    s->value_cents = 10000000000000LL;
    s->next_due_day = 3000000;
    s->anchor_mday = 31;
    s->cycle = AM_CYCLE_SEMIANNUALLY;
    s->description = strdup("\"quoted\" \\ ünïcode\t");
    s->billing_type = AM_BILLING_DEBIT_CARD;
    s->status = AM_SUB_INACTIVE;
    s->deleted = true;
    s->external_reference = strdup("");
    s->discount.value = 250;
    s->discount.limit_day = D(2026, 12, 24);
    s->discount.due_date_limit_days = 3650;
    s->discount.type = AM_AMOUNT_FIXED;
    s->fine.value = 10000;
    s->fine.type = AM_AMOUNT_PERCENTAGE;
    s->interest.value = 1;
    s->split = cJSON_Parse("[]");
    assert_non_null(s->split);
    s->end_day = -800000;
    s->max_payments = 100000;
    s->generated = 4294967295U;
    s->card.present = false;
    snprintf(s->card.token, sizeof(s->card.token), "2b7c7bde-0c34-4b6b-9b4d-1f0c4d6b2e11");
    assert_int_equal(am_recurring_add(r, s), 0);
}

/* Every kind of subscription, through the handlers, then a month of daily jobs. */
static void build_realistic(struct fx *f)
{
    struct am_kyc *k;

    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":49.9,"
        "\"nextDueDate\":\"2026-06-05\",\"cycle\":\"MONTHLY\",\"description\":\"Plano mensal\"}");
    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
        "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"WEEKLY\",\"maxPayments\":1}");
    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,"
        "\"nextDueDate\":\"2026-06-01\",\"cycle\":\"BIMONTHLY\"," CARD_OK "}");
    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":1234.56,"
        "\"nextDueDate\":\"2026-08-31\",\"cycle\":\"QUARTERLY\",\"endDate\":\"2027-12-31\","
        "\"externalReference\":\"ext-4\",\"discount\":{\"value\":5.5,\"dueDateLimitDays\":3,"
        "\"type\":\"PERCENTAGE\"},\"fine\":{\"value\":2,\"type\":\"PERCENTAGE\"},"
        "\"interest\":{\"value\":1.25},\"split\":[{\"walletId\":\"w-1\",\"percentualValue\":"
        "20.5,\"extra\":{\"list\":[1,2.25,\"x\",null,true,-0.1,1e300],\"s\":\"\\u00e9\"}}]}");
    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"UNDEFINED\",\"value\":7,"
        "\"nextDueDate\":\"2026-07-01\",\"cycle\":\"YEARLY\"}");
    run(f, am_api_subscriptions_create, NULL,
        "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":3,"
        "\"nextDueDate\":\"2026-06-15\",\"cycle\":\"BIWEEKLY\"}");
    assert_int_equal(am_recurring_count(f->account.recurring), 6);
    run(f, am_api_subscriptions_update, am_recurring_at(f->account.recurring, 4)->id,
        "{\"status\":\"INACTIVE\"}");
    run(f, am_api_subscriptions_delete, am_recurring_at(f->account.recurring, 5)->id, NULL);
    f->ctx.now = at(2026, 7, 2, 9);
    assert_int_equal(am_jobs_catch_up(&f->account, &f->ids, f->ctx.now, NULL), 0);
    k = am_recurring_kyc(f->account.recurring);
    k->commercial_info = AM_KYC_APPROVED;
    k->bank_account_info = AM_KYC_REJECTED;
    k->documentation = AM_KYC_AWAITING_APPROVAL;
    add_edge(f->account.recurring);
}

static void test_recurring_state_round_trip_is_byte_identical(void **state)
{
    struct fx *f = *state;
    struct am_recurring *copy;
    char *a, *b;

    build_realistic(f);
    assert_true(am_recurring_at(f->account.recurring, 2)->card.present);
    assert_non_null(am_recurring_at(f->account.recurring, 3)->split);
    assert_int_equal(am_recurring_at(f->account.recurring, 1)->status, AM_SUB_EXPIRED);
    a = export_text(f->account.recurring);
    copy = import_text(a);
    b = export_text(copy);
    assert_string_equal(a, b);
    assert_int_equal(am_recurring_count(copy), 7);
    assert_int_equal(am_recurring_jobs_day(copy), D(2026, 7, 2));
    assert_memory_equal(am_recurring_kyc(copy), am_recurring_kyc(f->account.recurring),
                        sizeof(struct am_kyc));
    free(a);
    free(b);
    am_recurring_free(copy);
}

static void test_recurring_state_round_trip_keeps_every_field_and_answer(void **state)
{
    struct fx *f = *state;
    static const char *const queries[] = {
        NULL, "includeDeleted=true", "deletedOnly=true", "status=INACTIVE",
        "billingType=CREDIT_CARD", "limit=2&offset=1", "externalReference=ext-4",
    };
    struct am_recurring *copy;
    char *text;

    build_realistic(f);
    text = export_text(f->account.recurring);
    copy = import_text(text);
    free(text);
    for (size_t i = 0; i < am_recurring_count(f->account.recurring); i++) {
        const struct am_subscription *s = am_recurring_at(f->account.recurring, i);
        const struct am_subscription *t = am_recurring_at(copy, i);
        cJSON *js = am_subscription_to_json(s), *jt = am_subscription_to_json(t);
        char *ws, *wt;

        assert_non_null(js);
        assert_non_null(jt);
        ws = cJSON_PrintUnformatted(js);
        wt = cJSON_PrintUnformatted(jt);
        assert_string_equal(wt, ws);
        free(ws);
        free(wt);
        cJSON_Delete(js);
        cJSON_Delete(jt);
        assert_ptr_equal(am_recurring_find(copy, s->id), t);
        assert_int_equal(t->seq, i);
        /* Internal fields no rendering shows. */
        assert_int_equal(t->anchor_mday, s->anchor_mday);
        assert_int_equal(t->generated, s->generated);
        assert_int_equal(t->created_at, s->created_at);
        assert_int_equal(t->discount.limit_day, s->discount.limit_day);
        assert_int_equal(t->card.present, s->card.present);
        assert_string_equal(t->card.last4, s->card.last4);
        assert_string_equal(t->card.brand, s->card.brand);
        assert_string_equal(t->card.token, s->card.token);
        assert_int_equal(t->split == NULL, s->split == NULL);
    }
    assert_null(am_recurring_find(copy, "sub_nope"));
    for (size_t i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
        char *want = call(f, f->account.recurring, am_api_subscriptions_list, NULL, NULL,
                          queries[i], 200);
        char *got = call(f, copy, am_api_subscriptions_list, NULL, NULL, queries[i], 200);

        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    {
        char *want = call(f, f->account.recurring, am_api_my_account_status, NULL, NULL, NULL, 200);
        char *got = call(f, copy, am_api_my_account_status, NULL, NULL, NULL, 200);

        assert_string_equal(got, want);
        assert_non_null(strstr(got, "\"commercialInfo\":\"APPROVED\""));
        free(want);
        free(got);
    }
    am_recurring_free(copy);
}

static void test_recurring_state_export_format_is_pinned(void **state)
{
    struct am_recurring *r = am_recurring_new();
    struct am_subscription *s = am_subscription_new();
    char *text;

    (void)state;
    assert_non_null(r);
    text = export_text(r);
    assert_string_equal(text, "{\"subscriptions\":[],\"kyc\":{\"commercialInfo\":\"PENDING\","
                              "\"bankAccountInfo\":\"PENDING\",\"documentation\":\"PENDING\","
                              "\"general\":\"PENDING\"},\"jobsDay\":null}");
    free(text);
    assert_non_null(s);
    snprintf(s->id, sizeof(s->id), "sub_0000000000000001");
    s->created_at = at(2026, 6, 1, 9);
    snprintf(s->customer, sizeof(s->customer), CUS);
    s->value_cents = 4990;
    s->next_due_day = D(2026, 7, 5);
    s->anchor_mday = 5;
    s->cycle = AM_CYCLE_MONTHLY;
    s->billing_type = AM_BILLING_CREDIT_CARD;
    s->generated = 1;
    s->card.present = true;
    snprintf(s->card.last4, sizeof(s->card.last4), "4444");
    snprintf(s->card.brand, sizeof(s->card.brand), "VISA");
    snprintf(s->card.token, sizeof(s->card.token), "TOKEN");
    s->split = cJSON_Parse("[{\"walletId\":\"w\",\"fixedValue\":1.5}]");
    assert_non_null(s->split);
    assert_int_equal(am_recurring_add(r, s), 0);
    am_recurring_kyc(r)->general = AM_KYC_APPROVED;
    am_recurring_set_jobs_day(r, D(2026, 6, 1));
    text = export_text(r);
    assert_string_equal(
        text,
        "{\"subscriptions\":[{\"id\":\"sub_0000000000000001\",\"seq\":0,"
        "\"dateCreated\":\"2026-06-01 09:00:00\",\"customer\":\"" CUS "\",\"valueCents\":4990,"
        "\"nextDueDate\":\"2026-07-05\",\"anchorMday\":5,\"cycle\":\"MONTHLY\","
        "\"description\":null,\"billingType\":\"CREDIT_CARD\",\"deleted\":false,"
        "\"status\":\"ACTIVE\",\"externalReference\":null,\"discount\":{\"value\":0,"
        "\"limitDate\":null,\"dueDateLimitDays\":0,\"type\":\"FIXED\"},\"fine\":{\"value\":0,"
        "\"type\":\"FIXED\"},\"interest\":{\"value\":0},\"split\":[{\"walletId\":\"w\","
        "\"fixedValue\":1.5}],\"endDate\":null,\"maxPayments\":0,\"generated\":1,"
        "\"card\":{\"present\":true,\"last4\":\"4444\",\"brand\":\"VISA\",\"token\":\"TOKEN\"}}],"
        "\"kyc\":{\"commercialInfo\":\"PENDING\",\"bankAccountInfo\":\"PENDING\","
        "\"documentation\":\"PENDING\",\"general\":\"APPROVED\"},\"jobsDay\":\"2026-06-01\"}");
    free(text);
    am_recurring_free(r);
}

static void test_recurring_state_absent_members_take_fresh_defaults(void **state)
{
    struct am_recurring *r = import_text("{\"subscriptions\":[{\"id\":\"sub_1\"},"
                                         "{\"id\":\"sub_2\",\"card\":null,\"split\":null}]}");
    const struct am_subscription *s = am_recurring_find(r, "sub_2");

    (void)state;
    assert_int_equal(am_recurring_count(r), 2);
    assert_non_null(s);
    assert_int_equal(s->seq, 1);
    assert_int_equal(s->next_due_day, AM_NO_DAY);
    assert_int_equal(s->end_day, AM_NO_DAY);
    assert_int_equal(s->discount.limit_day, AM_NO_DAY);
    assert_false(s->card.present);
    assert_null(s->split);
    assert_int_equal(am_recurring_jobs_day(r), AM_NO_DAY);
    assert_int_equal(am_recurring_kyc(r)->general, AM_KYC_PENDING);
    am_recurring_free(r);
}

struct bad_case {
    const char *json;
    const char *err;
};

#define SUB0 WHERE ".subscriptions[0]"
#define SUB1 WHERE ".subscriptions[1]"
#define S(members) "{\"subscriptions\":[{\"id\":\"sub_1\"" members "}]}"

static void test_recurring_state_import_refuses_bad_input_with_exact_message(void **state)
{
    static const struct bad_case cases[] = {
        {"[]", WHERE ": must be an object"},
        {"{\"subs\":[]}", WHERE ": unknown field 'subs'"},
        {"{\"jobsDay\":null,\"jobsDay\":null}", WHERE ": repeated field 'jobsDay'"},
        {"{\"subscriptions\":{}}", WHERE ".subscriptions: must be an array"},
        {"{\"subscriptions\":[null]}", SUB0 ": must be an object"},
        {"{\"subscriptions\":[{\"seq\":0}]}", SUB0 ".id: missing"},
        {S(",\"id\":\"sub_2\""), SUB0 ": repeated field 'id'"},
        {"{\"subscriptions\":[{\"id\":\"\"}]}", SUB0 ".id: must be a non-empty string"},
        {"{\"subscriptions\":[{\"id\":\"sub_01234567890123456789\"}]}",
         SUB0 ".id: longer than 23 characters"},
        {"{\"subscriptions\":[{\"id\":\"sub_1\"},{\"id\":\"sub_2\",\"seq\":0}]}",
         SUB1 ".seq: must be 1 (its position)"},
        {"{\"subscriptions\":[{\"id\":\"sub_1\"},{\"id\":\"sub_1\"}]}",
         SUB1 ".id: duplicate id \"sub_1\""},
        {S(",\"cycle\":\"MONTHLYY\""),
         SUB0 ".cycle: must be one of the documented names (e.g. \"WEEKLY\")"},
        {S(",\"status\":\"CANCELLED\""),
         SUB0 ".status: must be one of the documented names (e.g. \"ACTIVE\")"},
        {S(",\"billingType\":\"CASH\""),
         SUB0 ".billingType: must be one of the documented names (e.g. \"UNDEFINED\")"},
        {S(",\"valueCents\":-1"), SUB0 ".valueCents: must be an integer in [0, 10000000000000]"},
        {S(",\"valueCents\":1.5"), SUB0 ".valueCents: must be an integer in [0, 10000000000000]"},
        {S(",\"anchorMday\":32"), SUB0 ".anchorMday: must be an integer in [0, 31]"},
        {S(",\"maxPayments\":4294967296"),
         SUB0 ".maxPayments: must be an integer in [0, 4294967295]"},
        {S(",\"nextDueDate\":\"2026-02-30\""),
         SUB0 ".nextDueDate: must be \"YYYY-MM-DD\" or null"},
        {S(",\"dateCreated\":null"), SUB0 ".dateCreated: must be \"YYYY-MM-DD HH:MM:SS\""},
        {S(",\"customer\":\"cus_0123456789012345678901234567890123456\""),
         SUB0 ".customer: longer than 39 characters"},
        {S(",\"description\":false"), SUB0 ".description: must be a string or null"},
        {S(",\"discount\":null"), SUB0 ".discount: must be an object"},
        {S(",\"discount\":{\"type\":\"PERCENT\"}"),
         SUB0 ".discount.type: must be one of the documented names (e.g. \"FIXED\")"},
        {S(",\"discount\":{\"dueDateLimitDays\":-1}"),
         SUB0 ".discount.dueDateLimitDays: must be an integer in [0, 2147483647]"},
        {S(",\"fine\":{\"value\":1,\"valueCents\":1}"), SUB0 ".fine: unknown field 'valueCents'"},
        {S(",\"interest\":{\"value\":\"1\"}"),
         SUB0 ".interest.value: must be an integer in [0, 10000000000000]"},
        {S(",\"split\":{}"), SUB0 ".split: must be an array or null"},
        {S(",\"card\":[]"), SUB0 ".card: must be an object"},
        {S(",\"card\":{\"last4\":\"44444\"}"), SUB0 ".card.last4: longer than 4 characters"},
        {S(",\"card\":{\"present\":1}"), SUB0 ".card.present: must be true or false"},
        {"{\"kyc\":{\"general\":\"OK\"}}",
         WHERE ".kyc.general: must be one of the documented names (e.g. \"PENDING\")"},
        {"{\"kyc\":{\"generalStatus\":\"PENDING\"}}", WHERE ".kyc: unknown field 'generalStatus'"},
        {"{\"jobsDay\":\"2026-6-1\"}", WHERE ".jobsDay: must be \"YYYY-MM-DD\" or null"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        cJSON *in = cJSON_Parse(cases[i].json);
        struct am_recurring *r = (struct am_recurring *)&r; /* poison: must become NULL */
        char err[256] = "";

        assert_non_null(in);
        assert_int_equal(am_recurring_state_import(in, WHERE, &r, err, sizeof(err)), -EINVAL);
        assert_null(r);
        assert_string_equal(err, cases[i].err);
        cJSON_Delete(in);
    }
}

static void test_recurring_state_imports_10k_subscriptions_fast(void **state)
{
    struct am_recurring *big = am_recurring_new(), *copy = NULL;
    struct timespec t0, t1;
    char err[256] = "";
    cJSON *o;
    char *a, *b;
    double ms = 0;

    (void)state;
    assert_non_null(big);
    for (int i = 0; i < 10000; i++) {
        struct am_subscription *s = am_subscription_new();

        assert_non_null(s);
        snprintf(s->id, sizeof(s->id), "sub_%016d", i);
        s->created_at = at(2026, 6, 1, 9) + i;
        snprintf(s->customer, sizeof(s->customer), "cus_%012d", i / 3);
        s->value_cents = 4990 + i;
        s->next_due_day = D(2026, 7, 5) + i % 300;
        s->anchor_mday = 5;
        s->cycle = (enum am_sub_cycle)(i % _AM_CYCLE_MAX);
        s->billing_type = (enum am_billing_type)(i % 4);
        s->description = strdup("Plano mensal");
        s->generated = 1;
        s->deleted = i % 9 == 0;
        assert_int_equal(am_recurring_add(big, s), 0);
    }
    o = am_recurring_state_export(big);
    assert_non_null(o);
    /* Best of three, so a busy CI machine (or a sanitizer build) does not flake. */
    for (int run = 0; run < 3; run++) {
        double t;

        am_recurring_free(copy);
        copy = NULL;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(am_recurring_state_import(o, WHERE, &copy, err, sizeof(err)), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        t = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        ms = run == 0 || t < ms ? t : ms;
    }
    cJSON_Delete(o);
    print_message("10k subscriptions imported in %.1f ms (best of 3)\n", ms);
    assert_true(ms < 200.0 * am_test_time_scale());
    assert_int_equal(am_recurring_count(copy), 10000);
    assert_ptr_equal(am_recurring_find(copy, "sub_0000000000009999"), am_recurring_at(copy, 9999));
    a = export_text(big);
    b = export_text(copy);
    assert_string_equal(a, b);
    free(a);
    free(b);
    am_recurring_free(big);
    am_recurring_free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recurring_state_round_trip_is_byte_identical, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_recurring_state_round_trip_keeps_every_field_and_answer, setup, teardown),
        cmocka_unit_test(test_recurring_state_export_format_is_pinned),
        cmocka_unit_test(test_recurring_state_absent_members_take_fresh_defaults),
        cmocka_unit_test(test_recurring_state_import_refuses_bad_input_with_exact_message),
        cmocka_unit_test(test_recurring_state_imports_10k_subscriptions_fast),
    };

    return cmocka_run_group_tests_name("recurring_state", tests, NULL, NULL);
}

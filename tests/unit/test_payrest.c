/* test_payrest.c - the payrest area's pure modules: multipart forms, notification sets,
 * the lean payment shape, payment-book PDFs, chargebacks (billing states, ledger, daily
 * job) and credit bureau facts. */
#include "test_helpers.h"

#include <cjson/cJSON.h>
#include <errno.h>

#include "billing.h"
#include "calendar.h"
#include "chargebacks.h"
#include "credit_bureau.h"
#include "customers.h"
#include "ids.h"
#include "multipart.h"
#include "notifications.h"
#include "paybook.h"
#include "payment_lean.h"
#include "records.h"
#include "registry.h"

#define NOW 1893456000 /* 2030-01-01 00:00 UTC */
#define FORM "multipart/form-data; boundary=XyZ"

/* ---- multipart ------------------------------------------------------------------------ */

static void test_multipart_parts_and_errors(void **state)
{
    static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n"
                               "INVOICE\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                               "filename=\"a b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                               "%PDF\0\xff\r\n--XyZ--\r\n";
    struct am_multipart m;
    const struct am_multipart_part *f;
    char err[128];

    (void)state;
    assert_true(am_multipart_is(FORM));
    assert_false(am_multipart_is("application/json"));
    assert_false(am_multipart_is(NULL));
    assert_int_equal(am_multipart_parse(FORM, body, sizeof(body) - 1, &m, err, sizeof(err)), 0);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.parts[0].name, "type");
    assert_false(m.parts[0].is_file);
    assert_int_equal(m.parts[0].len, 7);
    assert_memory_equal(m.parts[0].data, "INVOICE", 7);
    f = am_multipart_find(&m, "file");
    assert_non_null(f);
    assert_true(f->is_file);
    assert_string_equal(f->filename, "a b.pdf");
    assert_string_equal(f->content_type, "application/pdf");
    assert_int_equal(f->len, 6); /* binary bytes kept, NUL included */
    assert_memory_equal(f->data, "%PDF\0\xff", 6);
    assert_null(am_multipart_find(&m, "nope"));
    /* no closing delimiter, another boundary, no boundary at all */
    assert_int_equal(am_multipart_parse(FORM, body, 60, &m, err, sizeof(err)), -EINVAL);
    assert_int_equal(am_multipart_parse("multipart/form-data; boundary=Other", body,
                                        sizeof(body) - 1, &m, err, sizeof(err)), -EINVAL);
    assert_int_equal(am_multipart_parse("multipart/form-data", body, sizeof(body) - 1, &m, err,
                                        sizeof(err)), -EINVAL);
}

/* ---- notifications -------------------------------------------------------------------- */

static void add_customer(struct am_customer_store *cs, const char *id)
{
    struct am_customer *c = am_customer_new();

    assert_non_null(c);
    snprintf(c->id, sizeof(c->id), "%s", id);
    snprintf(c->cpf_cnpj, sizeof(c->cpf_cnpj), "24971563792");
    assert_int_equal(am_customer_store_insert(cs, c), 0);
}

static void test_notifications_default_set_lazy_and_stable(void **state)
{
    struct am_customer_store *cs = am_customer_store_new();
    struct am_records *r = am_records_new();
    cJSON *set[AM_NOTIF_DEFAULTS];
    char id[AM_NOTIF_ID_LEN + 1], id2[AM_NOTIF_ID_LEN + 1];

    (void)state;
    add_customer(cs, "cus_000000000001");
    assert_int_equal(am_notif_ensure(r, cs), 0);
    assert_int_equal(am_records_count(r, AM_NOTIF_COLL), 8);
    assert_int_equal(am_notif_ensure(r, cs), 0); /* idempotent */
    assert_int_equal(am_records_count(r, AM_NOTIF_COLL), 8);
    add_customer(cs, "cus_000000000002");
    assert_int_equal(am_notif_ensure(r, cs), 0);
    assert_int_equal(am_records_count(r, AM_NOTIF_COLL), 16);
    assert_int_equal(am_notif_of_customer(r, "cus_000000000002", set), 8);
    assert_string_equal(cJSON_GetObjectItem(set[0], "customer")->valuestring, "cus_000000000002");
    assert_int_equal(am_notif_of_customer(r, "cus_000000000009", set), 0);
    am_notif_id("cus_000000000001", 3, id);
    am_notif_id("cus_000000000001", 3, id2);
    assert_string_equal(id, id2);
    assert_int_equal(strlen(id), 16);
    assert_memory_equal(id, "not_", 4);
    am_notif_id("cus_000000000001", 4, id2);
    assert_string_not_equal(id, id2);
    am_records_free(r);
    am_customer_store_free(cs);
}

static cJSON *notif_with(const char *event, int offset)
{
    cJSON *n = cJSON_CreateObject();

    cJSON_AddStringToObject(n, "event", event);
    cJSON_AddNumberToObject(n, "scheduleOffset", offset);
    cJSON_AddBoolToObject(n, "enabled", true);
    return n;
}

static int check(cJSON *n, const char *changes_json, struct am_notif_err *e)
{
    cJSON *c = cJSON_Parse(changes_json);
    int r = am_notif_check(n, c, e);

    if (r == 0)
        assert_int_equal(am_notif_apply(n, c), 0);
    cJSON_Delete(c);
    return r;
}

static void test_notifications_offsets_per_event(void **state)
{
    cJSON *warn = notif_with("PAYMENT_DUEDATE_WARNING", 10);
    cJSON *overdue = notif_with("PAYMENT_OVERDUE", 0);
    cJSON *created = notif_with("PAYMENT_CREATED", 0);
    struct am_notif_err e;

    (void)state;
    assert_int_equal(check(warn, "{\"scheduleOffset\":7}", &e), 1);
    assert_string_equal(e.code, "invalid_scheduleOffset");
    assert_int_equal(check(warn, "{\"scheduleOffset\":\"15\",\"enabled\":false}", &e), 0);
    assert_int_equal(cJSON_GetObjectItem(warn, "scheduleOffset")->valueint, 15);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(warn, "enabled")));
    assert_int_equal(check(overdue, "{\"scheduleOffset\":0}", &e), 0); /* its own value */
    assert_int_equal(check(overdue, "{\"scheduleOffset\":5}", &e), 1);
    assert_int_equal(check(overdue, "{\"scheduleOffset\":30}", &e), 0);
    assert_int_equal(check(created, "{\"scheduleOffset\":1}", &e), 1);
    assert_int_equal(check(created, "{\"scheduleOffset\":-1}", &e), 1);
    assert_string_equal(e.type_key, "scheduleOffset");
    assert_int_equal(check(created, "{\"smsEnabledForCustomer\":1}", &e), 1);
    assert_string_equal(e.type_key, "smsEnabledForCustomer");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(created, "enabled"))); /* refused: unchanged */
    cJSON_Delete(warn);
    cJSON_Delete(overdue);
    cJSON_Delete(created);
}

/* ---- lean payments -------------------------------------------------------------------- */

static void test_lean_shape_and_answers(void **state)
{
    struct am_billing *b = am_billing_new("acc_lean");
    struct am_payment_spec spec;
    struct am_payment *p = NULL;
    struct am_ids ids;
    cJSON *full, *lean, *list, *data, *out, *del;

    (void)state;
    am_ids_init(&ids, 7);
    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = AM_BILLING_BOLETO;
    spec.value_cents = 12345;
    spec.due_day = am_cal_day_of(NOW) + 5;
    assert_int_equal(am_billing_payment_create(b, &ids, &spec, NOW, &p), 0);
    full = am_payment_to_json(p);
    lean = am_payment_lean(full, false);
    assert_non_null(lean);
    assert_string_equal(cJSON_GetObjectItem(lean, "customerId")->valuestring, "cus_000000000001");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(lean, "subscriptionId")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(lean, "canBePaidAfterDueDate")));
    assert_null(cJSON_GetObjectItem(lean, "customer"));
    assert_null(cJSON_GetObjectItem(lean, "bankSlipUrl"));
    assert_null(cJSON_GetObjectItem(lean, "creditCard"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(lean, "discount"), "limitDate"));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(lean, "discount"), "dueDateLimitDays"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(lean, "fine"), "type"));
    assert_string_equal(lean->child->string, "object");
    /* a list envelope: every item summarised; other answers untouched */
    list = cJSON_CreateObject();
    cJSON_AddStringToObject(list, "object", "list");
    data = cJSON_AddArrayToObject(list, "data");
    cJSON_AddItemToArray(data, cJSON_Duplicate(full, true));
    out = am_payment_lean_answer(list, false);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "data"), 0),
                                        "customerId"));
    del = cJSON_Parse("{\"deleted\":true,\"id\":\"pay_1\"}");
    cJSON_Delete(out);
    out = am_payment_lean_answer(del, false);
    assert_true(cJSON_Compare(out, del, true));
    cJSON_Delete(out);
    cJSON_Delete(del);
    cJSON_Delete(list);
    cJSON_Delete(lean);
    cJSON_Delete(full);
    am_billing_free(b);
}

/* ---- payment books -------------------------------------------------------------------- */

static void test_paybook_pdf_and_money(void **state)
{
    struct am_paybook_row rows[7];
    struct am_paybook book;
    uint8_t *pdf = NULL;
    size_t len = 0;
    char brl[32];

    (void)state;
    am_paybook_format_brl(123456789, brl);
    assert_string_equal(brl, "1.234.567,89");
    am_paybook_format_brl(5, brl);
    assert_string_equal(brl, "0,05");
    am_paybook_format_brl(-1050, brl);
    assert_string_equal(brl, "-10,50");
    memset(&book, 0, sizeof(book));
    book.title = "Carnê";
    assert_int_equal(am_paybook_pdf(&book, &pdf, &len), -EINVAL);
    for (unsigned i = 0; i < 7; i++) {
        rows[i].number = i + 1;
        rows[i].due_day = am_cal_day_of(NOW) + 30 * i;
        rows[i].value_cents = 3333;
        rows[i].payment_id = "pay_x";
        rows[i].invoice_number = "00000001";
        rows[i].status = "PENDING";
    }
    book.rows = rows;
    book.n_rows = 7; /* two pages */
    book.payer = "José — Ω"; /* outside Latin-1 becomes '?' */
    assert_int_equal(am_paybook_pdf(&book, &pdf, &len), 0);
    assert_true(len > 500);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
}

/* ---- chargebacks ---------------------------------------------------------------------- */

static void test_chargeback_ledger_dispute_and_job(void **state)
{
    struct am_registry *reg = am_registry_new();
    struct am_account *a = am_registry_add_account(reg, "acc_cb");
    struct am_card_info card = {true, "4444", "VISA", "tok"};
    struct am_payment_spec spec;
    struct am_payment *p = NULL;
    struct am_ids ids;
    const char *files[] = {"a.pdf"};
    int64_t today = am_cal_day_of(NOW), before;
    cJSON *cb = NULL;
    size_t idx;

    (void)state;
    assert_non_null(a);
    am_ids_init(&ids, 9);
    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = AM_BILLING_CREDIT_CARD;
    spec.value_cents = 10000;
    spec.due_day = today;
    assert_int_equal(am_billing_payment_create(a->billing, &ids, &spec, NOW, &p), 0);
    /* not paid yet: refused, nothing stored */
    assert_int_equal(am_chargeback_open(a->records, a->billing, &ids, p, "FRAUD", true, NOW, &cb),
                     -EPERM);
    assert_int_equal(am_records_count(a->records, AM_CHARGEBACK_COLL), 0);
    assert_int_equal(am_billing_payment_pay_card(a->billing, p, &card, 1, NULL, NOW), 0);
    assert_int_equal(am_billing_payment_receive(a->billing, p, NOW), 0);
    before = am_billing_balance(a->billing);
    assert_int_equal(am_chargeback_open(a->records, a->billing, &ids, p, "FRAUD", true, NOW, &cb), 0);
    assert_int_equal(p->status, AM_PAY_CHARGEBACK_REQUESTED);
    assert_int_equal(am_billing_balance(a->billing), before - 10000);
    assert_int_equal(am_billing_ledger_check(a->billing, &idx), 0);
    assert_ptr_equal(am_chargeback_of_payment(a->records, p->id), cb);
    assert_true(am_chargeback_reason_valid("WARNING_BULLETIN_FILE"));
    assert_false(am_chargeback_reason_valid("fraud"));
    assert_int_equal(am_chargeback_dispute(a->records, a->billing, cb, files, 1, NOW), 0);
    assert_int_equal(p->status, AM_PAY_CHARGEBACK_DISPUTE);
    assert_int_equal(am_chargeback_dispute(a->records, a->billing, cb, files, 1, NOW), -EPERM);
    /* the decision waits its days; then won, reversal the next day */
    assert_int_equal(am_chargebacks_job(a, &ids, today + 1, NOW + 86400), 0);
    assert_string_equal(cJSON_GetObjectItem(cb, "status")->valuestring, "IN_DISPUTE");
    assert_int_equal(am_chargebacks_job(a, &ids, today + 5, NOW + 5 * 86400), 0);
    assert_string_equal(cJSON_GetObjectItem(cb, "status")->valuestring, "REVERSED");
    assert_int_equal(p->status, AM_PAY_AWAITING_CHARGEBACK_REVERSAL);
    assert_int_equal(am_chargebacks_job(a, &ids, today + 6, NOW + 6 * 86400), 0);
    assert_int_equal(p->status, AM_PAY_RECEIVED);
    assert_int_equal(am_billing_balance(a->billing), before);
    assert_int_equal(am_billing_ledger_check(a->billing, &idx), 0);
    /* a second run changes nothing (the job is idempotent) */
    assert_int_equal(am_chargebacks_job(a, &ids, today + 6, NOW + 6 * 86400), 0);
    assert_int_equal(am_billing_balance(a->billing), before);
    am_registry_free(reg);
}

static void test_credit_bureau_facts_deterministic(void **state)
{
    struct am_bureau_facts f1, f2, f3;
    uint8_t *pdf = NULL;
    size_t len = 0;

    (void)state;
    am_credit_bureau_facts("24971563792", &f1);
    am_credit_bureau_facts("24971563792", &f2);
    assert_memory_equal(&f1, &f2, sizeof(f1));
    assert_true(f1.score <= 1000);
    assert_true(f1.restrictions == 0 ? f1.debt_cents == 0 : f1.debt_cents > 0);
    am_credit_bureau_facts("11222333000181", &f3);
    assert_true(f3.score <= 1000);
    assert_int_equal(am_credit_bureau_pdf("24971563792", "Ana", am_cal_day_of(NOW), &pdf, &len), 0);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multipart_parts_and_errors),
        cmocka_unit_test(test_notifications_default_set_lazy_and_stable),
        cmocka_unit_test(test_notifications_offsets_per_event),
        cmocka_unit_test(test_lean_shape_and_answers),
        cmocka_unit_test(test_paybook_pdf_and_money),
        cmocka_unit_test(test_chargeback_ledger_dispute_and_job),
        cmocka_unit_test(test_credit_bureau_facts_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

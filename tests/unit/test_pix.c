/* test_pix.c - Pix keys, static QR codes, payments between accounts, scheduled and
 * recurring Pix, automatic Pix (domain/pix.c, pix_auto.c) and the BR Code reader. */
#include "test_helpers.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "brcode.h"
#include "calendar.h"
#include "clock.h"
#include "cpfcnpj.h"
#include "customers.h"
#include "ids.h"
#include "pix.h"
#include "pix_auto.h"
#include "pix_json.h"
#include "records.h"
#include "registry.h"

#define NOW 1784041200 /* 2026-07-14 12:00 Brasilia */

struct fx {
    struct am_registry *reg;
    struct am_account *a, *b;
    struct am_ids ids;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    f->reg = am_registry_new();
    f->a = am_registry_add_account(f->reg, "acct-a");
    f->b = am_registry_add_account(f->reg, "acct-b");
    am_ids_init(&f->ids, 7);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_registry_free(f->reg);
    free(f);
    return 0;
}

static void fund(struct am_account *a, int64_t cents)
{
    assert_int_equal(am_billing_ledger_append(a->billing, AM_LEDGER_CREDIT, cents,
                                              am_cal_day_of(NOW), NOW, "fund", NULL),
                     0);
}

static void test_brcode_static_round_trip(void **state)
{
    struct am_brcode_info i;
    char *p;

    (void)state;
    p = am_brcode_static_payload("chave@example.com", "Cafe", 1050, "TX1", "ASAAS MOCK", "JOINVILLE");
    assert_non_null(p);
    assert_int_equal(am_brcode_validate(p), 0);
    assert_int_equal(am_brcode_parse(p, &i), 0);
    assert_true(i.is_static);
    assert_string_equal(i.key, "chave@example.com");
    assert_string_equal(i.description, "Cafe");
    assert_int_equal(i.amount_cents, 1050);
    assert_string_equal(i.txid, "TX1");
    assert_string_equal(i.name, "ASAAS MOCK");
    /* A changed byte breaks the CRC; parse refuses it. */
    p[30] = p[30] == 'a' ? 'b' : 'a';
    assert_int_equal(am_brcode_parse(p, &i), -EINVAL);
    free(p);
    /* Open value and the "no identifier" txid; dynamic payloads carry their location. */
    p = am_brcode_static_payload("k", NULL, 0, "***", "N", "C");
    assert_int_equal(am_brcode_parse(p, &i), 0);
    assert_int_equal(i.amount_cents, -1);
    free(p);
    assert_null(am_brcode_static_payload("k", NULL, 0, "bad txid!", "N", "C"));
    p = am_brcode_payload("abc123", 990, "N", "C");
    assert_int_equal(am_brcode_parse(p, &i), 0);
    assert_false(i.is_static);
    assert_string_equal(i.url, "pix.asaas.mock/qr/cobv/abc123");
    assert_int_equal(i.amount_cents, 990);
    free(p);
}

static void test_pix_initial_key_is_derived_and_written_once(void **state)
{
    struct fx *f = *state;
    struct am_records *r = f->a->records;
    cJSON *k;
    char key[64];

    assert_true(am_pix_has_active_key(r)); /* before anything is written */
    assert_int_equal(am_records_count(r, AM_PIX_KEYS), 0);
    assert_int_equal(am_pix_init(r, f->a->id), 0);
    assert_int_equal(am_pix_init(r, f->a->id), 0);
    assert_int_equal(am_records_count(r, AM_PIX_KEYS), 1);
    k = am_pix_key_first_active(r);
    assert_string_equal(am_pix_str(k, "dateCreated"), AM_PIX_INITIAL_KEY_CREATED);
    snprintf(key, sizeof(key), "%s", am_pix_str(k, "key"));
    /* Same account id, same key, whenever it is written. */
    {
        struct am_records *other = am_records_new();

        am_pix_init(other, "acct-a");
        assert_string_equal(am_pix_str(am_pix_key_first_active(other), "key"), key);
        am_pix_init(f->b->records, "acct-b");
        assert_string_not_equal(am_pix_str(am_pix_key_first_active(f->b->records), "key"), key);
        am_records_free(other);
    }
}

static void test_pix_key_limit_interval_delete_job(void **state)
{
    struct fx *f = *state;
    struct am_records *r = f->a->records;
    cJSON *k = NULL, *json;
    int64_t t = NOW;

    assert_int_equal(am_pix_key_create(r, f->a->id, &f->ids, t, &k), 0);
    assert_string_equal(am_pix_str(k, "status"), "ACTIVE");
    assert_int_equal(am_pix_key_create(r, f->a->id, &f->ids, t + 59, NULL), -EAGAIN);
    for (int i = 2; i < AM_PIX_KEYS_MAX; i++) {
        t += AM_PIX_KEY_INTERVAL_SECONDS;
        assert_int_equal(am_pix_key_create(r, f->a->id, &f->ids, t, NULL), 0);
    }
    t += AM_PIX_KEY_INTERVAL_SECONDS;
    assert_int_equal(am_pix_key_create(r, f->a->id, &f->ids, t, NULL), -ENOSPC);
    /* Deleting: AWAITING_DELETION, not deletable again, DELETED by the next day's job. */
    assert_int_equal(am_pix_key_delete(k, t), 0);
    assert_int_equal(am_pix_key_delete(k, t), -EPERM);
    json = am_pix_key_to_json(k);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "qrCode")));
    assert_null(cJSON_GetObjectItem(json, "_deletedAt"));
    cJSON_Delete(json);
    assert_int_equal(am_pix_job(f->a, &f->ids, am_cal_day_of(t), t), 0);
    assert_string_equal(am_pix_str(k, "status"), "AWAITING_DELETION");
    assert_int_equal(am_pix_job(f->a, &f->ids, am_cal_day_of(t) + 1, t + 86400), 0);
    assert_string_equal(am_pix_str(k, "status"), "DELETED");
    /* A DELETED key frees its slot. */
    assert_int_equal(am_pix_key_create(r, f->a->id, &f->ids, t + 86400, NULL), 0);
}

static void test_pix_no_active_key_blocks_charges_view(void **state)
{
    struct fx *f = *state;
    struct am_records *r = f->a->records;

    am_pix_init(r, f->a->id);
    assert_int_equal(am_pix_key_delete(am_pix_key_first_active(r), NOW), 0);
    assert_false(am_pix_has_active_key(r));
    assert_null(am_pix_key_first_active(r));
}

static cJSON *static_qr(struct fx *f, struct am_account *a, int64_t value, bool multiple)
{
    struct am_pix_qr_spec s = {0};
    cJSON *qr = NULL;

    am_pix_init(a->records, a->id);
    s.key = am_pix_str(am_pix_key_first_active(a->records), "key");
    s.value_cents = value;
    s.allows_multiple_payments = multiple;
    s.description = "Teste";
    assert_int_equal(am_pix_qr_create(a->records, &f->ids, &s, NOW, &qr), 0);
    return qr;
}

static void test_pix_pay_static_qr_of_another_account(void **state)
{
    struct fx *f = *state;
    cJSON *qr = static_qr(f, f->b, 2500, false), *tx = NULL, *json;
    struct am_pix_target t;
    struct am_pix_pay_spec s = {.value_cents = 2500, .schedule_day = AM_NO_DAY};

    s.payload = am_pix_str(qr, "payload");
    assert_int_equal(am_pix_resolve(f->reg, s.payload, &t), 0);
    assert_int_equal(t.kind, AM_PIX_TARGET_KEY);
    assert_ptr_equal(t.receiver, f->b);
    assert_ptr_equal(t.qr, qr);
    assert_null(am_pix_target_refusal(&t, 2500, NOW));
    assert_string_equal(am_pix_target_refusal(&t, 2400, NOW), AM_TXT_PIX_VALUE_DIFFERS);
    /* No balance: refused, nothing written. */
    assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, &tx), -ENOSPC);
    assert_int_equal(am_records_count(f->a->records, AM_PIX_TRANSACTIONS), 0);
    fund(f->a, 10000);
    assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, &tx), 0);
    assert_string_equal(am_pix_str(tx, "status"), "DONE");
    assert_int_equal(am_billing_balance(f->a->billing), 7500);
    /* The receiver: a PIX charge received (fee 1.99) and a CREDIT transaction. */
    assert_int_equal(am_billing_balance(f->b->billing), 2500 - 199);
    assert_int_equal(am_records_count(f->b->records, AM_PIX_TRANSACTIONS), 1);
    {
        /* The customer standing for the payer has a valid document (snapshots need one). */
        struct am_customer *c = am_customer_store_at(f->b->customers, 0);
        char digits[15];

        assert_int_equal(am_cpfcnpj_validate(c->cpf_cnpj, digits), AM_DOC_CPF);
        assert_string_equal(c->name, "acct-a");
    }
    assert_int_equal(am_billing_ledger_check(f->a->billing, NULL), 0);
    assert_int_equal(am_billing_ledger_check(f->b->billing, NULL), 0);
    /* Single use: paid once. */
    assert_string_equal(am_pix_target_refusal(&t, 2500, NOW), AM_TXT_PIX_QR_ALREADY_PAID);
    json = am_pix_transaction_to_json(tx);
    assert_null(cJSON_GetObjectItem(json, "_payload"));
    assert_string_equal(cJSON_GetObjectItem(json, "type")->valuestring, "DEBIT");
    cJSON_Delete(json);
    /* Deleted and expired QR codes. */
    am_pix_qr_delete(qr);
    assert_string_equal(am_pix_qr_unpayable(qr, NOW), AM_TXT_PIX_QR_DELETED);
    assert_int_equal(am_pix_resolve(f->reg, "000201junk", &t), -EINVAL);
}

static void test_pix_external_key_and_charge_qr(void **state)
{
    struct fx *f = *state;
    struct am_pix_target t;
    struct am_payment_spec spec;
    struct am_payment *p;
    struct am_customer *c = am_customer_new();
    char *pl;

    pl = am_brcode_static_payload("someone@bank.example", NULL, 0, "***", "FULANO", "RIO");
    assert_int_equal(am_pix_resolve(f->reg, pl, &t), 0);
    assert_int_equal(t.kind, AM_PIX_TARGET_EXTERNAL);
    free(pl);
    /* The dynamic QR code of b's charge. */
    snprintf(c->id, sizeof(c->id), "cus_000000000001");
    c->name = strdup("Cliente");
    assert_int_equal(am_customer_store_insert(f->b->customers, c), 0);
    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = AM_BILLING_PIX;
    spec.value_cents = 3000;
    spec.due_day = am_cal_day_of(NOW) + 3;
    assert_int_equal(am_billing_payment_create(f->b->billing, &f->ids, &spec, NOW, &p), 0);
    pl = am_brcode_payload(p->id + 4, p->value_cents, "N", "C");
    assert_int_equal(am_pix_resolve(f->reg, pl, &t), 0);
    assert_int_equal(t.kind, AM_PIX_TARGET_CHARGE);
    assert_ptr_equal(t.payment, p);
    fund(f->a, 3000);
    {
        struct am_pix_pay_spec s = {.payload = pl, .value_cents = 3000, .schedule_day = AM_NO_DAY};

        assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, NULL), 0);
    }
    assert_int_equal(p->status, AM_PAY_RECEIVED);
    assert_string_equal(am_pix_target_refusal(&t, 3000, NOW), AM_TXT_PIX_CHARGE_NOT_PAYABLE);
    free(pl);
    pl = am_brcode_payload("doesnotexist", 100, "N", "C");
    assert_int_equal(am_pix_resolve(f->reg, pl, &t), -ENOENT);
    free(pl);
}

static void test_pix_scheduled_payment_done_refused_cancelled(void **state)
{
    struct fx *f = *state;
    cJSON *qr = static_qr(f, f->a, 0, true), *ok = NULL, *big = NULL, *later = NULL;
    struct am_pix_target t;
    int64_t day = am_cal_day_of(NOW);
    struct am_pix_pay_spec s = {.value_cents = 1000, .schedule_day = day + 1};

    s.payload = am_pix_str(qr, "payload");
    assert_int_equal(am_pix_resolve(f->reg, s.payload, &t), 0);
    fund(f->a, 1500);
    assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, &ok), 0);
    s.value_cents = 99900;
    assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, &big), 0); /* checked on its day */
    s.schedule_day = day + 2;
    assert_int_equal(am_pix_pay(f->a, &f->ids, &s, &t, NOW, &later), 0);
    assert_string_equal(am_pix_str(ok, "status"), "SCHEDULED");
    assert_int_equal(am_pix_transaction_cancel(f->a->records, later, NOW), 0);
    assert_int_equal(am_pix_transaction_cancel(f->a->records, later, NOW), -EPERM);
    assert_int_equal(am_pix_job(f->a, &f->ids, day + 1, NOW + 86400), 0);
    assert_string_equal(am_pix_str(ok, "status"), "DONE");
    assert_string_equal(am_pix_str(big, "status"), "REFUSED");
    assert_string_equal(am_pix_str(big, "refusalReason"), AM_TXT_PIX_REFUSED_BALANCE);
    assert_int_equal(am_pix_transaction_cancel(f->a->records, ok, NOW), -EPERM);
    /* Idempotent: running the day again changes nothing. */
    assert_int_equal(am_pix_job(f->a, &f->ids, day + 1, NOW + 86400), 0);
    assert_int_equal(am_billing_balance(f->a->billing), 1500 - 1000 + 1000 - 199);
    assert_int_equal(am_billing_ledger_check(f->a->billing, NULL), 0);
    /* Every transaction's records tag follows its status and type. */
    {
        size_t n;
        uint32_t *tags = am_records_tags(f->a->records, AM_PIX_TRANSACTIONS, &n);

        assert_int_equal(n, 4); /* 3 debits and the credit of the one that ran */
        for (size_t i = 0; i < n; i++)
            assert_int_equal(tags[i], am_pix_tx_tag(am_records_at(f->a->records,
                                                                 AM_PIX_TRANSACTIONS, i)));
        assert_int_equal(am_pix_tag_status(am_pix_tx_tag(big)),
                         am_pix_name_index(am_pix_tx_statuses, "REFUSED"));
        assert_int_equal(am_pix_tag_type(tags[3]), am_pix_name_index(am_pix_tx_types, "CREDIT"));
        /* A removed object takes its tag along; new objects start at 0. */
        assert_int_equal(am_records_remove(f->a->records, AM_PIX_TRANSACTIONS,
                                           am_pix_str(ok, "id")), 0);
        tags = am_records_tags(f->a->records, AM_PIX_TRANSACTIONS, &n);
        assert_int_equal(n, 3);
        assert_int_equal(tags[0], am_pix_tx_tag(big));
        assert_int_equal(am_records_set_tag(f->a->records, AM_PIX_TRANSACTIONS, "nope", 1),
                         -ENOENT);
    }
}

static void test_pix_recurring_items(void **state)
{
    struct fx *f = *state;
    struct am_records *r = f->a->records;
    int64_t day = am_cal_day_of(NOW);
    struct am_pix_recurring_spec s = {.value_cents = 500, .monthly = true, .quantity = 3,
                                      .start_day = day + 1, .name = "X", .pix_key = "k"};
    cJSON *rec = NULL, *items[3];

    assert_int_equal(am_pix_recurring_create(r, &f->ids, &s, NOW, &rec), 0);
    s.quantity = 0;
    assert_int_equal(am_pix_recurring_create(r, &f->ids, &s, NOW, NULL), -EINVAL);
    for (int i = 0; i < 3; i++)
        items[i] = am_records_at(r, AM_PIX_RECURRING_ITEMS, (size_t)i);
    assert_string_equal(am_pix_str(items[2], "scheduledDate"), "2026-09-15");
    fund(f->a, 700);
    assert_int_equal(am_pix_auto_job(f->a, &f->ids, day + 1, NOW), 0);
    assert_string_equal(am_pix_str(items[0], "status"), "DONE");
    assert_int_equal(am_pix_recurring_item_cancel(r, items[0]), -EPERM);
    assert_int_equal(am_pix_auto_job(f->a, &f->ids, day + 40, NOW), 0);
    assert_string_equal(am_pix_str(items[1], "status"), "REFUSED"); /* 200 left < 500 */
    assert_string_equal(am_pix_str(rec, "status"), "SCHEDULED");
    assert_int_equal(am_pix_recurring_cancel(r, rec), 0);
    assert_string_equal(am_pix_str(items[2], "status"), "CANCELLED");
    assert_string_equal(am_pix_str(rec, "status"), "CANCELLED");
    assert_int_equal(am_pix_recurring_cancel(r, rec), -EPERM);
    assert_int_equal(am_billing_balance(f->a->billing), 200);
}

static size_t events_named(struct am_billing *b, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < am_billing_events_count(b); i++)
        n += strcmp(am_billing_event_at(b, i)->name, name) == 0;
    return n;
}

static void test_pix_automatic_authorization_lifecycle(void **state)
{
    struct fx *f = *state;
    struct am_customer *c = am_customer_new();
    int64_t day = am_cal_day_of(NOW);
    struct am_pix_auth_spec s = {.frequency = "MONTHLY", .contract_id = "C1",
                                 .start_day = day + 2, .finish_day = AM_NO_DAY,
                                 .value_cents = 1000, .customer_id = "cus_000000000009",
                                 .qr_expiration_seconds = 3600, .qr_original_cents = 1000,
                                 .payment_creation_mode = "MANUAL",
                                 .retry_policy = "NOT_ALLOWED"};
    cJSON *auth = NULL, *in, *retry = NULL;
    struct am_pix_target t;

    snprintf(c->id, sizeof(c->id), "cus_000000000009");
    c->name = strdup("Assinante");
    assert_int_equal(am_customer_store_insert(f->b->customers, c), 0);
    assert_int_equal(am_pix_auth_create(f->b, &f->ids, &s, NOW, &auth), 0);
    assert_string_equal(am_pix_str(auth, "status"), "CREATED");
    assert_int_equal(events_named(f->b->billing, "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_CREATED"), 1);
    /* a pays the authorization's QR code: b's authorization becomes ACTIVE. */
    assert_int_equal(am_pix_resolve(f->reg, am_pix_str(auth, "payload"), &t), 0);
    assert_int_equal(t.kind, AM_PIX_TARGET_AUTHORIZATION);
    assert_string_equal(am_pix_target_refusal(&t, 999, NOW), AM_TXT_PIX_VALUE_DIFFERS);
    fund(f->a, 1000);
    {
        struct am_pix_pay_spec p = {.payload = am_pix_str(auth, "payload"), .value_cents = 1000,
                                    .schedule_day = AM_NO_DAY};

        assert_int_equal(am_pix_pay(f->a, &f->ids, &p, &t, NOW, NULL), 0);
    }
    assert_string_equal(am_pix_str(auth, "status"), "ACTIVE");
    assert_non_null(am_pix_target_refusal(&t, 1000, NOW));
    in = am_records_at(f->b->records, AM_PIX_INSTRUCTIONS, 0);
    assert_string_equal(am_pix_str(in, "status"), "SCHEDULED");
    assert_string_equal(am_pix_str(in, "dueDate"), "2026-07-16");
    assert_int_equal(am_pix_instr_retry(f->b, &f->ids, in, day + 3, NOW, &retry), -EPERM);
    assert_int_equal(am_pix_auto_job(f->b, &f->ids, day + 2, NOW), 0);
    assert_string_equal(am_pix_str(in, "status"), "DONE");
    assert_non_null(am_pix_str(in, "paymentId"));
    assert_int_equal(am_records_count(f->b->records, AM_PIX_INSTRUCTIONS), 2);
    assert_int_equal(am_pix_auth_cancel(f->b, auth, NOW), 0);
    assert_int_equal(am_pix_auth_cancel(f->b, auth, NOW), -EPERM);
    assert_string_equal(am_pix_str(am_records_at(f->b->records, AM_PIX_INSTRUCTIONS, 1), "status"),
                        "CANCELLED");
    assert_int_equal(events_named(f->b->billing, "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_CANCELLED"), 1);
    assert_int_equal(am_billing_ledger_check(f->b->billing, NULL), 0);
    /* Refused by the payer (mock convention), then retried up to 3 times. */
    s.contract_id = AM_PIX_AUTO_REFUSE_PREFIX "-1";
    s.retry_policy = "ALLOW_THREE_IN_SEVEN_DAYS";
    assert_int_equal(am_pix_auth_create(f->b, &f->ids, &s, NOW, &auth), 0);
    assert_int_equal(am_pix_auth_activate(f->b, &f->ids, auth, NOW), 0);
    in = am_records_at(f->b->records, AM_PIX_INSTRUCTIONS, 2);
    assert_string_equal(am_pix_str(in, "status"), "REFUSED");
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(am_pix_instr_retry(f->b, &f->ids, in, day + 3, NOW, &retry), 0);
        assert_int_equal(am_pix_num(retry, "retryAttempt", 0), i);
        assert_string_equal(am_pix_str(retry, "status"), "SCHEDULED");
    }
    assert_int_equal(am_pix_instr_retry(f->b, &f->ids, in, day + 3, NOW, &retry), -EBUSY);
    assert_int_equal(am_pix_instr_retry(f->b, &f->ids, retry, day + 3, NOW, NULL), -EBUSY);
    /* An unpaid authorization expires with its QR code. */
    s.contract_id = "C3";
    assert_int_equal(am_pix_auth_create(f->b, &f->ids, &s, NOW, &auth), 0);
    assert_int_equal(am_pix_auto_job(f->b, &f->ids, day + 1, NOW + 86400), 0);
    assert_string_equal(am_pix_str(auth, "status"), "EXPIRED");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brcode_static_round_trip),
        cmocka_unit_test_setup_teardown(test_pix_initial_key_is_derived_and_written_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pix_key_limit_interval_delete_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pix_no_active_key_blocks_charges_view, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pix_pay_static_qr_of_another_account, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pix_external_key_and_charge_qr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pix_scheduled_payment_done_refused_cancelled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pix_recurring_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pix_automatic_authorization_lifecycle, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

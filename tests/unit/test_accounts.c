/* test_accounts.c - the accounts area: subaccounts and their keys, account number and
 * documents, multipart parsing, payment splits. Handlers run on a real registry (the
 * parent "default" and the subaccounts it creates), with fake requests. */
#include "test_helpers.h"

#include <errno.h>

#include <cjson/cJSON.h>

#include "api_accounts.h"
#include "api_customers.h"
#include "api_splits.h"
#include "billing.h"
#include "crypto.h"
#include "ids.h"
#include "keys.h"
#include "multipart.h"
#include "my_account.h"
#include "records.h"
#include "registry.h"
#include "splits.h"

struct fx {
    struct am_registry *reg;
    struct am_account *parent;
    struct am_ids ids;
    struct am_query query;
    struct am_ctx ctx;
    struct am_response resp;
    cJSON *json; /* last answer parsed (NULL when not JSON) */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct am_clock c = {.mode = AM_CLOCK_FROZEN, .frozen_at = 1741608000}; /* 2025-03-10 */

    assert_non_null(f);
    f->reg = am_registry_new();
    am_registry_set_initial_clock(f->reg, &c);
    f->parent = am_registry_add_account(f->reg, "default");
    assert_non_null(f->parent);
    am_ids_init(&f->ids, 7);
    f->ctx.account = f->parent;
    f->ctx.now = c.frozen_at;
    f->ctx.ids = &f->ids;
    f->ctx.query = &f->query;
    f->ctx.registry = f->reg;
    f->ctx.env = AM_ENV_SANDBOX;
    am_response_init(&f->resp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    am_query_finish(&f->query);
    cJSON_Delete(f->json);
    am_registry_free(f->reg);
    free(f);
    return 0;
}

typedef int (*handler)(struct am_ctx *, const char *, const struct am_request *,
                       struct am_response *);

/* Runs h as account a; returns the status, the answer parsed in f->json. */
static int call_as(struct fx *f, struct am_account *a, handler h, const char *path, const char *id,
                   const char *body, const char *query)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.path = path;
    req.client_ip = "127.0.0.1";
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.method = body ? AM_METHOD_POST : AM_METHOD_GET;
    am_query_finish(&f->query);
    assert_int_equal(am_query_parse(query, &f->query), 0);
    am_response_finish(&f->resp);
    f->ctx.account = a;
    assert_int_equal(h(&f->ctx, id, &req, &f->resp), 0);
    f->ctx.account = f->parent;
    cJSON_Delete(f->json);
    f->json = f->resp.body ? cJSON_ParseWithLength(f->resp.body, f->resp.body_len) : NULL;
    return f->resp.status;
}

static int call(struct fx *f, handler h, const char *id, const char *body)
{
    return call_as(f, f->parent, h, "/v3/x", id, body, NULL);
}

static const char *str(const cJSON *o, const char *path)
{
    char buf[128], *save = NULL;

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_GetStringValue(o);
}

static const char *first_error(const struct fx *f)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f->json, "errors"), 0), "code"));
}

#define SUB_BODY(email)                                                                          \
    "{\"name\":\"Filha\",\"email\":\"" email "\",\"cpfCnpj\":\"24971563792\","                  \
    "\"mobilePhone\":\"11987654321\",\"incomeValue\":5000,\"address\":\"Rua A\","               \
    "\"addressNumber\":\"1\",\"province\":\"Centro\",\"postalCode\":\"01310-000\"}"

/* Creates a subaccount; returns it, its key copied to key. */
static struct am_account *create_sub(struct fx *f, const char *body, char key[AM_KEY_MAX_LEN])
{
    struct am_account *a;

    assert_int_equal(call(f, am_api_accounts_create, NULL, body), 200);
    snprintf(key, AM_KEY_MAX_LEN, "%s", str(f->json, "accessToken.apiKey"));
    a = am_registry_find_account(f->reg, str(f->json, "id"));
    assert_non_null(a);
    return a;
}

static void test_account_uuid_and_number(void **state)
{
    struct fx *f = *state;
    struct am_account *u = am_registry_add_account(f->reg, "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
    char agency[5], number[9], digit[2], again[9];

    assert_int_equal(strlen(f->parent->uuid), 36);
    assert_string_not_equal(f->parent->uuid, f->parent->wallet_id);
    assert_string_equal(u->uuid, "1b4e28ba-2fa1-41d2-883f-0016d3cca427"); /* kept as given */
    am_my_account_number(f->parent->uuid, agency, number, digit);
    am_my_account_number(f->parent->uuid, agency, again, digit);
    assert_string_equal(agency, "0001");
    assert_int_equal(strlen(number), 6);
    assert_string_equal(number, again);
    am_my_account_number(u->uuid, agency, again, digit);
    assert_string_not_equal(number, again);
}

static void test_multipart_find(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nRG\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=\"documentFile\"; "
                       "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nab\r\ncd\r\n--XyZ--\r\n";
    struct am_multipart_part p;

    (void)state;
    assert_int_equal(am_multipart_get(ct, body, strlen(body), "documentFile", &p), 0);
    assert_int_equal(p.len, 6);
    assert_memory_equal(p.data, "ab\r\ncd", 6);
    assert_string_equal(p.filename, "a.png");
    assert_string_equal(p.content_type, "image/png");
    assert_int_equal(am_multipart_get(ct, body, strlen(body), "type", &p), 0);
    assert_memory_equal(p.data, "RG", 2);
    assert_int_equal(am_multipart_get(ct, body, strlen(body), "nope", &p), -ENOENT);
    assert_int_equal(am_multipart_get("application/json", body, strlen(body), "type", &p), -EINVAL);
    assert_int_equal(am_multipart_get(ct, body, 30, "documentFile", &p), -EINVAL); /* cut */
    assert_int_equal(am_multipart_get(ct, "{}", 2, "type", &p), -EINVAL);
}

static void test_subaccount_create_mints_a_working_key(void **state)
{
    struct fx *f = *state;
    char key[AM_KEY_MAX_LEN];
    uint8_t h[AM_SHA256_LEN];
    struct am_api_key *k = NULL;
    struct am_account *sub = create_sub(f, SUB_BODY("a@example.com"), key);

    assert_int_equal(am_key_classify(key), AM_KEY_SHAPE_SANDBOX);
    am_sha256(key, strlen(key), h);
    assert_ptr_equal(am_registry_lookup(f->reg, h, &k), sub); /* authenticates as the child */
    assert_true(k->enabled);
    assert_string_equal(str(f->json, "walletId"), sub->wallet_id);
    assert_string_equal(str(f->json, "personType"), "FISICA");
    assert_int_equal(sub->clock.frozen_at, f->parent->clock.frozen_at);
    /* the key's event never holds the key */
    assert_int_equal(am_billing_events_count(sub->billing), 1);
    assert_string_equal(am_billing_event_at(sub->billing, 0)->name, "ACCESS_TOKEN_CREATED");
    assert_null(strstr(am_billing_event_at(sub->billing, 0)->snapshot, key));
    /* the parent keeps the object; the list never shows a key */
    assert_int_equal(am_records_count(f->parent->records, "accounts"), 1);
    assert_int_equal(call(f, am_api_accounts_list, NULL, NULL), 200);
    assert_null(strstr(f->resp.body, "apiKey"));
    /* the same login e-mail again: refused, nothing created */
    assert_int_equal(call(f, am_api_accounts_create, NULL, SUB_BODY("a@example.com")), 400);
    assert_string_equal(first_error(f), "invalid_email");
    assert_int_equal(am_registry_count(f->reg), 2);
    /* first error only, in the spec's order */
    assert_int_equal(call(f, am_api_accounts_create, NULL, "{\"email\":\"x@y.z\"}"), 400);
    assert_string_equal(first_error(f), "invalid_name");
}

static void test_only_the_parent_manages_keys(void **state)
{
    struct fx *f = *state;
    char key[AM_KEY_MAX_LEN], path[160], tid[40];
    struct am_account *sub = create_sub(f, SUB_BODY("b@example.com"), key);

    /* the subaccount itself is not its parent */
    assert_int_equal(call_as(f, sub, am_api_access_tokens_list, "/v3/x", sub->id, NULL, NULL), 404);
    assert_int_equal(call_as(f, sub, am_api_accounts_get, "/v3/x", sub->id, NULL, NULL), 404);
    for (int i = 1; i < AM_MAX_KEYS_PER_ACCOUNT; i++)
        assert_int_equal(call(f, am_api_access_tokens_create, sub->id, "{\"name\":\"k\"}"), 200);
    snprintf(tid, sizeof(tid), "%s", str(f->json, "id"));
    assert_int_equal(call(f, am_api_access_tokens_create, sub->id, "{}"), 400);
    assert_string_equal(first_error(f), "invalid_action");
    assert_int_equal(am_registry_key_count(sub), AM_MAX_KEYS_PER_ACCOUNT);
    snprintf(path, sizeof(path), "/v3/accounts/%s/accessTokens/%s", sub->id, tid);
    assert_int_equal(call_as(f, f->parent, am_api_access_tokens_update, path, sub->id,
                             "{\"name\":\"off\",\"enabled\":false}", NULL),
                     200);
    assert_false(am_registry_find_key(sub, tid)->enabled);
    assert_string_equal(am_billing_event_at(sub->billing, am_billing_events_count(sub->billing) - 1)->name,
                        "ACCESS_TOKEN_DISABLED");
    assert_int_equal(call_as(f, f->parent, am_api_access_tokens_delete, path, sub->id, NULL, NULL),
                     204);
    assert_null(am_registry_find_key(sub, tid));
    assert_int_equal(call_as(f, f->parent, am_api_access_tokens_delete, path, sub->id, NULL, NULL),
                     404);
    /* closing disables every key; twice is refused */
    assert_int_equal(call(f, am_api_accounts_delete, sub->id, NULL), 200);
    for (int i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++)
        assert_false(sub->keys[i].in_use && sub->keys[i].enabled);
    assert_int_equal(call(f, am_api_accounts_delete, sub->id, NULL), 400);
}

static void test_document_groups_and_upload(void **state)
{
    struct fx *f = *state;
    char gid[37];
    const char *ct_body = "--b1\r\nContent-Disposition: form-data; name=\"documentFile\"; "
                          "filename=\"rg.txt\"\r\n\r\nRG\r\n--b1--\r\n";
    struct am_request req;

    assert_int_equal(am_my_account_group_id(f->parent->uuid, "IDENTIFICATION", gid), 0);
    assert_string_equal(am_my_account_group_type(f->parent->uuid, gid), "IDENTIFICATION");
    assert_null(am_my_account_group_type(f->parent->uuid, "nope"));
    assert_int_equal(am_my_account_group_id(f->parent->uuid, "NOPE", gid), -EINVAL);
    memset(&req, 0, sizeof(req));
    req.path = "/v3/x";
    req.method = AM_METHOD_POST;
    req.body = ct_body;
    req.body_len = strlen(ct_body);
    assert_int_equal(am_request_add_header(&req, "Content-Type", "multipart/form-data; boundary=b1"),
                     0);
    am_response_finish(&f->resp);
    assert_int_equal(am_api_documents_send(&f->ctx, gid, &req, &f->resp), 0);
    assert_int_equal(f->resp.status, 200);
    assert_int_equal(am_records_count(f->parent->records, AM_MY_ACCOUNT_DOCS_COLL), 1);
    assert_null(strstr(f->resp.body, "_size")); /* private members stay private */
    /* a JSON body is no upload */
    assert_int_equal(call(f, am_api_documents_send, gid, "{}"), 400);
    assert_int_equal(call(f, am_api_documents_send, "unknown-group", "{}"), 404);
}

static const char *make_customer(struct fx *f)
{
    assert_int_equal(call(f, am_api_customers_create, NULL,
                          "{\"name\":\"Pagador\",\"cpfCnpj\":\"24971563792\"}"),
                     200);
    return str(f->json, "id");
}

static void test_split_check_refusals(void **state)
{
    struct fx *f = *state;
    char key[AM_KEY_MAX_LEN], body[512];
    struct am_account *sub = create_sub(f, SUB_BODY("c@example.com"), key);
    const char *text = NULL;
    cJSON *s;

    s = cJSON_Parse("[{\"walletId\":\"nope\",\"fixedValue\":1}]");
    assert_int_equal(am_splits_check(f->parent, s, 9801, 1, &text), -EINVAL);
    assert_string_equal(text, "A carteira (walletId) informada no split não existe.");
    cJSON_Delete(s);
    snprintf(body, sizeof(body), "[{\"walletId\":\"%s\",\"fixedValue\":1}]", f->parent->wallet_id);
    s = cJSON_Parse(body);
    assert_int_equal(am_splits_check(f->parent, s, 9801, 1, &text), -EINVAL); /* own wallet */
    cJSON_Delete(s);
    snprintf(body, sizeof(body), "[{\"walletId\":\"%s\",\"fixedValue\":1,\"percentualValue\":2}]",
             sub->wallet_id);
    s = cJSON_Parse(body);
    assert_int_equal(am_splits_check(f->parent, s, 9801, 1, &text), -EINVAL); /* two kinds */
    cJSON_Delete(s);
    snprintf(body, sizeof(body),
             "[{\"walletId\":\"%s\",\"percentualValue\":60},{\"walletId\":\"%s\",\"percentualValue\":41}]",
             sub->wallet_id, sub->wallet_id);
    s = cJSON_Parse(body);
    assert_int_equal(am_splits_check(f->parent, s, 9801, 1, &text), -EINVAL); /* above 100% */
    assert_string_equal(text, "O valor total do split excede o valor a receber da cobrança.");
    cJSON_Delete(s);
    snprintf(body, sizeof(body), "[{\"walletId\":\"%s\",\"totalFixedValue\":30}]", sub->wallet_id);
    s = cJSON_Parse(body);
    assert_int_equal(am_splits_check(f->parent, s, 1000, 3, &text), 0); /* 10.00 each of 3 */
    assert_int_equal(am_splits_check(f->parent, s, 999, 3, &text), -EINVAL);
    cJSON_Delete(s);
}

static void test_split_paid_once_when_credited(void **state)
{
    struct fx *f = *state;
    char key[AM_KEY_MAX_LEN], body[512], pid[64];
    struct am_account *sub = create_sub(f, SUB_BODY("d@example.com"), key);
    const char *cus = make_customer(f);
    int64_t before;

    snprintf(body, sizeof(body),
             "{\"customer\":\"%s\",\"billingType\":\"PIX\",\"value\":100,\"dueDate\":\"2025-03-20\","
             "\"split\":[{\"walletId\":\"%s\",\"percentualValue\":10},"
             "{\"walletId\":\"%s\",\"fixedValue\":5}]}",
             cus, sub->wallet_id, sub->wallet_id);
    assert_int_equal(call(f, am_api_payments_create, NULL, body), 200);
    snprintf(pid, sizeof(pid), "%s", str(f->json, "id"));
    assert_int_equal(am_api_splits_after(&f->ctx), 0); /* not credited: PENDING, no money */
    assert_int_equal(am_billing_balance(sub->billing), 0);
    assert_int_equal(call_as(f, sub, am_api_splits_received_list, "/v3/x", NULL, NULL,
                             "status=PENDING"),
                     200);
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f->json, "totalCount")), 2);
    before = am_billing_balance(f->parent->billing);
    assert_int_equal(call(f, am_api_sandbox_confirm, pid, "{}"), 200);
    assert_int_equal(am_api_splits_after(&f->ctx), 0);
    assert_int_equal(am_billing_balance(sub->billing), 980 + 500);
    assert_int_equal(am_billing_balance(f->parent->billing) - before, 9801 - 1480);
    assert_int_equal(am_billing_ledger_check(sub->billing, NULL), 0);
    assert_int_equal(am_billing_ledger_check(f->parent->billing, NULL), 0);
    assert_string_equal(am_billing_ledger_at(sub->billing, 0)->ref_key, "splitId");
    assert_int_equal(am_records_count(sub->records, AM_SPLITS_RECEIVED), 2);
    assert_int_equal(am_records_count(f->parent->records, AM_SPLITS_PAID), 2);
    /* idempotent: a later write pays nothing again; the daily job neither */
    assert_int_equal(am_api_splits_after(&f->ctx), 0);
    assert_int_equal(am_splits_job(f->parent, &f->ids, 0, f->ctx.now), 0);
    assert_int_equal(am_billing_balance(sub->billing), 1480);
    /* the lists filter by payment */
    assert_int_equal(call_as(f, sub, am_api_splits_received_list, "/v3/x", NULL, NULL, "status=DONE"),
                     200);
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f->json, "totalCount")), 2);
    assert_null(strstr(f->resp.body, "_payment"));
    assert_int_equal(call_as(f, f->parent, am_api_splits_paid_list, "/v3/x", NULL, NULL,
                             "paymentId=pay_other"),
                     200);
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f->json, "totalCount")), 0);
}

static void test_split_cancelled_when_payment_deleted(void **state)
{
    struct fx *f = *state;
    char key[AM_KEY_MAX_LEN], body[512], pid[64];
    struct am_account *sub = create_sub(f, SUB_BODY("e@example.com"), key);
    const char *cus = make_customer(f);

    snprintf(body, sizeof(body),
             "{\"customer\":\"%s\",\"billingType\":\"BOLETO\",\"value\":100,"
             "\"dueDate\":\"2025-03-20\",\"split\":[{\"walletId\":\"%s\",\"fixedValue\":5}]}",
             cus, sub->wallet_id);
    assert_int_equal(call(f, am_api_payments_create, NULL, body), 200);
    snprintf(pid, sizeof(pid), "%s", str(f->json, "id"));
    assert_int_equal(am_api_splits_after(&f->ctx), 0);
    assert_int_equal(call(f, am_api_payments_delete, pid, NULL), 200);
    assert_int_equal(am_api_splits_after(&f->ctx), 0);
    assert_int_equal(call_as(f, sub, am_api_splits_received_list, "/v3/x", NULL, NULL, NULL), 200);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f->json, "data"), 0),
                            "status"),
                        "CANCELLED");
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f->json, "data"), 0),
                            "cancellationReason"),
                        "PAYMENT_DELETED");
    assert_string_equal(am_billing_event_at(f->parent->billing,
                                            am_billing_events_count(f->parent->billing) - 1)
                            ->name,
                        "PAYMENT_SPLIT_CANCELLED");
    /* final: restoring the payment does not bring the part back */
    assert_int_equal(call(f, am_api_payments_restore, pid, "{}"), 200);
    assert_int_equal(am_api_splits_after(&f->ctx), 0);
    assert_int_equal(am_billing_balance(sub->billing), 0);
    assert_int_equal(am_billing_ledger_check(f->parent->billing, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_account_uuid_and_number, setup, teardown),
        cmocka_unit_test(test_multipart_find),
        cmocka_unit_test_setup_teardown(test_subaccount_create_mints_a_working_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_the_parent_manages_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_groups_and_upload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_check_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_paid_once_when_credited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_cancelled_when_payment_deleted, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_coverage.c - the Asaas v3 operation catalogue, its matcher and its rendering. */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>

#include "coverage.h"

#define G AM_METHOD_GET
#define P AM_METHOD_POST
#define U AM_METHOD_PUT
#define D AM_METHOD_DELETE

static const char *match_name(enum am_method m, const char *path)
{
    const struct am_coverage_op *op = NULL;

    if (am_coverage_match(m, path, &op) != 0)
        return NULL;
    assert_non_null(op);
    return op->operation;
}

static void test_coverage_matches_known_operations_in_every_section(void **state)
{
    static const struct {
        enum am_method m;
        const char *path;
        const char *op;
    } cases[] = {
        {P, "customers", "create-new-customer"},
        {U, "customers/cus_000005401844", "update-existing-customer"},
        {G, "customers/cus_000005401844/notifications", "retrieve-notifications-from-a-customer"},
        {U, "notifications/batch", "update-existing-notifications-in-batch"},
        {P, "payments", "create-new-payment"},
        {P, "payments/pay_080225913252/refund", "refund-payment"},
        {P, "payments/pay_1/bankSlip/refund", "refund-bank-slip"},
        {G, "payments/pay_1/pixQrCode", "get-qr-code-for-pix-payments"},
        {D, "payments/pay_1/documents/doc_9", "delete-document-from-a-payment"},
        {G, "payments/splits/received/spl_1", "retrieve-a-single-received-split"},
        {P, "lean/payments", "create-new-payment-with-summary-data-in-response"},
        {P, "lean/payments/pay_1/undoReceivedInCash", "undo-cash-receipt-confirmation-with-summary-data-in-response"},
        {P, "sandbox/payment/pay_1/overdue", "force-expire"},
        {P, "sandbox/myAccount/approve", "approve-account"},
        {D, "subscriptions/sub_1/invoiceSettings", "remove-configuration-for-issuance-of-invoices"},
        {G, "subscriptions/sub_1/paymentBook", "generate-subscription-booklet"},
        {D, "installments/ins_1/payments", "cancel-charges-of-an-installment"},
        {U, "installments/ins_1/splits", "update-installment-splits"},
        {P, "pix/qrCodes/static", "create-static-qrcode"},
        {D, "pix/qrCodes/static/QRC1", "delete-static-qrcode"},
        {P, "pix/transactions/recurrings/items/it_1/cancel", "cancel-a-recurrence-item"},
        {P, "pix/automatic/paymentInstructions/pi_1/retries", "create-automatic-pix-payment-instruction-retry"},
        {D, "transfers/tra_1/cancel", "cancel-a-transfer"},
        {G, "finance/payment/statistics", "billing-statistics"},
        {G, "financialTransactions", "retrieve-extract"},
        {D, "myAccount", "Delete-white-label-subaccount"},
        {P, "myAccount/documents/files/f_1", "update-sent-document"},
        {G, "wallets", "retrieve-walletid"},
        {P, "webhooks/wh_1/removeBackoff", "remove-webhook-backoff"},
        {G, "webhook/invoice", "legacy-get-invoice-webhook"},
        {U, "paymentLinks/pl_1/images/img_2/setAsMain", "set-payments-link-main-image"},
        {P, "checkouts/chk_1/cancel", "cancel-a-checkout"},
        {P, "creditCard/tokenizeCreditCard", "credit-card-tokenization"},
        {P, "bill/simulate", "simulate-a-bill-payment"},
        {P, "invoices/inv_1/authorize", "issue-an-invoice"},
        {G, "fiscalInfo/taxSituationCodes", "list-tax-situation-codes"},
        {D, "accounts/acc_1/accessTokens/tok_1", "delete-api-key-for-a-subaccount"},
        {P, "escrow/pay_1/finish", "finish-payment-escrow-in-the-escrow-account"},
        {U, "anticipations/configurations", "update-status-of-automatic-anticipation"},
        {P, "chargebacks/chb_1/dispute", "create-a-chargeback-dispute"},
        {G, "paymentDunnings/dun_1/partialPayments", "list-payments-received"},
        {G, "creditBureauReport/cbr_1", "retrieve-a-credit-bureau-report"},
        {G, "mobilePhoneRecharges/47998765432/provider", "search-for-cell-phone-provider"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = match_name(cases[i].m, cases[i].path);
        if (!got || strcmp(got, cases[i].op) != 0)
            fail_msg("%s %s: got %s, want %s", am_method_name(cases[i].m), cases[i].path,
                     got ? got : "(none)", cases[i].op);
    }
}

static void test_coverage_literal_segment_beats_parameter(void **state)
{
    (void)state;
    assert_string_equal(match_name(G, "payments/limits"), "recovering-payment-limits");
    assert_string_equal(match_name(G, "payments/pay_123"), "retrieve-a-single-payment");
    assert_string_equal(match_name(G, "pix/transactions/recurrings"), "list-recurrences");
    assert_string_equal(match_name(G, "pix/transactions/pixtx_1"), "retrieve-a-single-transaction");
    assert_string_equal(match_name(G, "pix/addressKeys/external"), "check-pix-key");
    assert_string_equal(match_name(G, "accounts/escrow"), "retrieve-default-escrow-account-configuration");
    assert_string_equal(match_name(G, "accounts/acc_1"), "retrieve-a-single-subaccount");
    assert_string_equal(match_name(G, "paymentDunnings/paymentsAvailableForDunning"),
                        "list-payments-available-for-payment-dunning");
    assert_string_equal(match_name(G, "anticipations/limits"), "retrieve-anticipation-limits");
    assert_string_equal(match_name(G, "anticipations/configurations"),
                        "retrieve-status-of-automatic-anticipation");
    assert_string_equal(match_name(G, "anticipations/ant_1"), "retrieve-a-single-anticipation");
    /* A literal only wins for its own method: there is no PUT payments/limits, so the
     * parameter route answers. */
    assert_string_equal(match_name(U, "payments/limits"), "update-existing-payment");
}

static void test_coverage_tolerates_one_leading_slash(void **state)
{
    (void)state;
    assert_string_equal(match_name(G, "/payments/limits"), "recovering-payment-limits");
    assert_null(match_name(G, "//payments/limits"));
}

static void test_coverage_unknown_paths_do_not_match(void **state)
{
    const struct am_coverage_op *op = NULL;
    static const char *const paths[] = {
        "", "/", "payments/", "payments/x/", "payments//refund", "nope", "Payments",
        "payments/x/refund/extra", "v3/payments", "lean", "pix", "webhook/transfer",
        "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        for (int m = 0; m < _AM_METHOD_MAX; m++) {
            if (am_coverage_match((enum am_method)m, paths[i], &op) != -ENOENT)
                fail_msg("%s '%s' matched", am_method_name((enum am_method)m), paths[i]);
        }
    }
    /* Known path, unknown method. */
    assert_int_equal(am_coverage_match(G, "payments/x/refund", &op), -ENOENT);
    assert_int_equal(am_coverage_match(AM_METHOD_PATCH, "payments/x", &op), -ENOENT);
    assert_int_equal(am_coverage_match(D, "transfers/x", &op), -ENOENT);
}

static void test_coverage_match_rejects_null_arguments(void **state)
{
    const struct am_coverage_op *op = NULL;

    (void)state;
    assert_int_equal(am_coverage_match(G, NULL, &op), -EINVAL);
    assert_int_equal(am_coverage_match(G, "payments", NULL), -EINVAL);
}

/* Pattern with every {param} written as {}, so /a/{id} and /a/{x} compare equal. */
static void normalise(const char *pattern, char *out, size_t len)
{
    size_t o = 0;

    for (const char *c = pattern; *c && o + 1 < len; c++) {
        out[o++] = *c;
        if (*c == '{') {
            c = strchr(c, '}');
            assert_non_null(c);
            out[o++] = '}';
        }
    }
    out[o] = '\0';
}

static void test_coverage_table_has_no_duplicate_routes_or_names(void **state)
{
    size_t n = 0;
    const struct am_coverage_op *ops = am_coverage_ops(&n);
    char a[256], b[256];

    (void)state;
    for (size_t i = 0; i < n; i++) {
        normalise(ops[i].path, a, sizeof(a));
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(ops[i].operation, ops[j].operation) == 0)
                fail_msg("duplicate operation %s", ops[i].operation);
            if (ops[i].variant_of || ops[j].variant_of || ops[i].method != ops[j].method)
                continue;
            normalise(ops[j].path, b, sizeof(b));
            if (strcmp(a, b) == 0)
                fail_msg("duplicate route %s %s (%s, %s)", am_method_name(ops[i].method),
                         ops[i].path, ops[i].operation, ops[j].operation);
        }
    }
}

static void test_coverage_variants_share_the_route_of_a_canonical_operation(void **state)
{
    size_t n = 0, variants = 0;
    const struct am_coverage_op *ops = am_coverage_ops(&n);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        if (!ops[i].variant_of)
            continue;
        variants++;
        const struct am_coverage_op *canon = NULL;
        char sample[256];
        assert_int_equal(am_coverage_sample_path(&ops[i], sample, sizeof(sample)), 0);
        assert_int_equal(am_coverage_match(ops[i].method, sample + 3, &canon), 0);
        assert_string_equal(canon->operation, ops[i].variant_of);
        assert_string_equal(canon->path, ops[i].path);
        assert_null(canon->variant_of);
    }
    assert_int_equal(variants, 5);
}

static void test_coverage_counts_match_the_spec(void **state)
{
    size_t n = 0, spec = 0, legacy = 0;
    size_t by_method[_AM_METHOD_MAX] = {0};
    const struct am_coverage_op *ops = am_coverage_ops(&n);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].legacy)
            legacy++;
        else
            spec++;
        by_method[ops[i].method]++;
        assert_true(ops[i].path[0] == '/');
        assert_non_null(ops[i].resource);
    }
    assert_int_equal(spec, AM_COVERAGE_SPEC_OPERATIONS);
    assert_int_equal(spec, 213);
    assert_int_equal(legacy, 9);
    assert_int_equal(n, 222);
    /* Spec: 99 GET, 79 POST, 16 PUT, 19 DELETE; legacy adds 4 GET and 5 POST. */
    assert_int_equal(by_method[AM_METHOD_GET], 103);
    assert_int_equal(by_method[AM_METHOD_POST], 84);
    assert_int_equal(by_method[AM_METHOD_PUT], 16);
    assert_int_equal(by_method[AM_METHOD_DELETE], 19);
    assert_int_equal(by_method[AM_METHOD_PATCH], 0);
}

static void test_coverage_every_operation_matches_its_own_sample_path(void **state)
{
    size_t n = 0;
    const struct am_coverage_op *ops = am_coverage_ops(&n);
    char sample[256];

    (void)state;
    for (size_t i = 0; i < n; i++) {
        const struct am_coverage_op *got = NULL;
        if (ops[i].variant_of)
            continue;
        assert_int_equal(am_coverage_sample_path(&ops[i], sample, sizeof(sample)), 0);
        assert_memory_equal(sample, "/v3/", 4);
        assert_null(strchr(sample, '{'));
        assert_int_equal(am_coverage_match(ops[i].method, sample + 3, &got), 0);
        if (got != &ops[i])
            fail_msg("%s %s matched %s", am_method_name(ops[i].method), sample, got->operation);
    }
}

static void test_coverage_sample_path_replaces_params_with_x(void **state)
{
    const struct am_coverage_op *op = NULL;
    char buf[64];

    (void)state;
    assert_int_equal(am_coverage_match(P, "payments/pay_1/refund", &op), 0);
    assert_int_equal(am_coverage_sample_path(op, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/v3/payments/x/refund");

    assert_int_equal(am_coverage_match(U, "paymentLinks/a/images/b/setAsMain", &op), 0);
    assert_int_equal(am_coverage_sample_path(op, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/v3/paymentLinks/x/images/x/setAsMain");

    /* "/v3/payments/x/refund" is 21 characters: 22 bytes fit, 21 truncate. */
    assert_int_equal(am_coverage_match(P, "payments/pay_1/refund", &op), 0);
    assert_int_equal(am_coverage_sample_path(op, buf, 22), 0);
    assert_string_equal(buf, "/v3/payments/x/refund");
    assert_int_equal(am_coverage_sample_path(op, buf, 21), -ENOSPC);
    assert_string_equal(buf, "/v3/payments/x/refun");
    assert_int_equal(am_coverage_sample_path(op, buf, 3), -ENOSPC);
    assert_string_equal(buf, "/v");
    assert_int_equal(am_coverage_sample_path(op, buf, 0), -EINVAL);
    assert_int_equal(am_coverage_sample_path(NULL, buf, sizeof(buf)), -EINVAL);
}

struct impl_ud {
    size_t calls;
};

/* Pretends the mock implements every non-legacy customer operation. */
static bool customers_only(const struct am_coverage_op *op, void *ud)
{
    ((struct impl_ud *)ud)->calls++;
    return strcmp(op->resource, "Customer") == 0 && !op->legacy;
}

static const cJSON *find_op(const cJSON *list, const char *operation)
{
    const cJSON *o;

    cJSON_ArrayForEach(o, list) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "operation");
        if (cJSON_IsString(name) && strcmp(name->valuestring, operation) == 0)
            return o;
    }
    return NULL;
}

static void test_coverage_render_counts_and_rows(void **state)
{
    struct impl_ud ud = {0};
    cJSON *j = am_coverage_render(customers_only, &ud);
    char *first = NULL;

    (void)state;
    assert_non_null(j);
    assert_int_equal(ud.calls, 222);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "implemented")->valueint, 7);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "missing")->valueint, 215);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "total")->valueint, 222);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "specOperations")->valueint, 213);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "legacyOperations")->valueint, 9);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "operations");
    assert_true(cJSON_IsArray(list));
    assert_int_equal(cJSON_GetArraySize(list), 222);

    first = cJSON_PrintUnformatted(cJSON_GetArrayItem(list, 0));
    assert_string_equal(first, "{\"method\":\"POST\",\"path\":\"/v3/customers\","
                               "\"operation\":\"create-new-customer\",\"resource\":\"Customer\","
                               "\"implemented\":true}");
    free(first);

    const cJSON *v = find_op(list, "transfer-to-asaas-account");
    assert_non_null(v);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "variantOf")->valuestring,
                        "transfer-to-another-institution-account-or-pix-key");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "path")->valuestring, "/v3/transfers");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(v, "implemented")));
    assert_null(cJSON_GetObjectItemCaseSensitive(v, "legacy"));

    const cJSON *l = find_op(list, "legacy-update-customer");
    assert_non_null(l);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "legacy")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(l, "implemented")));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(l, "path")->valuestring,
                        "/v3/customers/{id}");
    cJSON_Delete(j);
}

static void test_coverage_render_without_callback_marks_everything_missing(void **state)
{
    cJSON *j = am_coverage_render(NULL, NULL);

    (void)state;
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "implemented")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "missing")->valueint, 222);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage_matches_known_operations_in_every_section),
        cmocka_unit_test(test_coverage_literal_segment_beats_parameter),
        cmocka_unit_test(test_coverage_tolerates_one_leading_slash),
        cmocka_unit_test(test_coverage_unknown_paths_do_not_match),
        cmocka_unit_test(test_coverage_match_rejects_null_arguments),
        cmocka_unit_test(test_coverage_table_has_no_duplicate_routes_or_names),
        cmocka_unit_test(test_coverage_variants_share_the_route_of_a_canonical_operation),
        cmocka_unit_test(test_coverage_counts_match_the_spec),
        cmocka_unit_test(test_coverage_every_operation_matches_its_own_sample_path),
        cmocka_unit_test(test_coverage_sample_path_replaces_params_with_x),
        cmocka_unit_test(test_coverage_render_counts_and_rows),
        cmocka_unit_test(test_coverage_render_without_callback_marks_everything_missing),
    };
    return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}

/* fuzz_payments.c - arbitrary bytes as the body of POST /v3/payments against a fresh
 * account with one customer. Every answer must be 200 (a payment) or 400 (the error
 * envelope); a created payment must then survive confirm, refund, list and get, and the
 * ledger invariant must hold. Nothing may leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_payments.h"
#include "billing.h"
#include "customers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1784041200LL /* 2026-07-14 12:00:00 BRT */

static void check_answer(const struct am_response *resp)
{
    if (resp->status != 200 && resp->status != 400)
        abort();
    if (!resp->body || resp->body_len == 0)
        abort();
    if (resp->status == 400 && strncmp(resp->body, "{\"errors\":[{\"code\":", 19) != 0)
        abort();
}

static void run(struct am_ctx *ctx, AM_HANDLER((*h)), const char *id, const char *body,
                const char *query)
{
    struct am_request req = {.method = AM_METHOD_POST, .path = "/v3/payments",
                             .client_ip = "127.0.0.1", .query = query};
    struct am_query q;
    struct am_response resp;

    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    if (am_query_parse(query, &q) != 0)
        abort();
    ctx->query = &q;
    am_response_init(&resp);
    if (h(ctx, id, &req, &resp) != 0)
        abort();
    check_answer(&resp);
    am_response_finish(&resp);
    am_query_finish(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_account account;
    struct am_customer *c;
    struct am_ids ids;
    struct am_query q;
    struct am_ctx ctx;
    struct am_request req = {.method = AM_METHOD_POST, .path = "/v3/payments",
                             .client_ip = "127.0.0.1"};
    struct am_response resp;
    uint8_t *copy = malloc(size ? size : 1);
    size_t n;

    if (!copy)
        return 0;
    memcpy(copy, data, size); /* exact size: ASan sees any read past the end */
    memset(&account, 0, sizeof(account));
    account.customers = am_customer_store_new();
    account.billing = am_billing_new("acc_fuzz");
    c = am_customer_new();
    if (!account.customers || !account.billing || !c)
        abort();
    memcpy(c->id, "cus_000008392496", 17);
    memcpy(c->cpf_cnpj, "24971563792", 12);
    if (am_customer_store_insert(account.customers, c) != 0)
        abort();
    am_ids_init(&ids, 1);
    memset(&q, 0, sizeof(q));
    ctx.account = &account;
    ctx.now = NOW;
    ctx.ids = &ids;
    ctx.query = &q;
    req.body = (const char *)copy;
    req.body_len = size;
    am_response_init(&resp);
    if (am_api_payments_create(&ctx, NULL, &req, &resp) != 0)
        abort();
    check_answer(&resp);
    n = am_billing_payment_count(account.billing);
    if ((resp.status == 200) != (n > 0))
        abort();
    am_response_finish(&resp);
    if (n > 0) {
        const char *id = am_billing_payment_at(account.billing, 0)->id;

        run(&ctx, am_api_sandbox_confirm, id, "", NULL);
        run(&ctx, am_api_payments_refund, id, "{\"value\":0.01}", NULL);
        run(&ctx, am_api_payments_get, id, NULL, NULL);
        run(&ctx, am_api_payments_list, NULL, NULL, "limit=100&customer=cus_000008392496");
        am_billing_job_overdue(account.billing, am_billing_day_of(NOW) + 400, NOW + 400 * 86400);
        am_billing_job_settle(account.billing, am_billing_day_of(NOW) + 400, NOW + 400 * 86400);
        if (am_billing_ledger_check(account.billing, NULL) != 0)
            abort();
    }
    am_billing_free(account.billing);
    am_customer_store_free(account.customers);
    free(copy);
    return 0;
}

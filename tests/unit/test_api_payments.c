/* test_api_payments.c - the /v3/payments handlers driven through fake requests; response
 * bodies are asserted whole against the sandbox captures of the reference (ids, invoice
 * numbers and tokens substituted). now = 2026-07-14 12:00 BRT, the captures' day. */
#include "test_helpers.h"

#include <errno.h>

#include "api_payments.h"
#include "asaas_facts.h"
#include "billing.h"
#include "boleto.h"
#include "brcode.h"
#include "customers.h"

#define NOW 1784041200LL /* 2026-07-14 12:00:00 BRT */
#define DAY 86400LL
#define CUS "cus_000008392496"
#define CUS2 "cus_000008392497"

struct fx {
    struct am_account account;
    struct am_ids ids;
    struct am_query query;
    struct am_ctx ctx;
    struct am_response resp;
};

static void add_customer(struct fx *f, const char *id, bool deleted)
{
    struct am_customer *c = am_customer_new();

    assert_non_null(c);
    snprintf(c->id, sizeof(c->id), "%s", id);
    c->created_at = NOW;
    c->name = strdup("Cliente Paridade");
    c->group_name = strdup(deleted ? "B" : "A");
    snprintf(c->cpf_cnpj, sizeof(c->cpf_cnpj), "24971563792");
    c->deleted = deleted;
    assert_int_equal(am_customer_store_insert(f->account.customers, c), 0);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->account.customers = am_customer_store_new();
    f->account.billing = am_billing_new("acc_test");
    assert_non_null(f->account.customers);
    assert_non_null(f->account.billing);
    add_customer(f, CUS, false);
    add_customer(f, CUS2, false);
    add_customer(f, "cus_000000000009", true);
    am_ids_init(&f->ids, 42);
    f->ctx.account = &f->account;
    f->ctx.now = NOW;
    f->ctx.ids = &f->ids;
    f->ctx.query = &f->query;
    am_response_init(&f->resp);
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
    free(f);
    return 0;
}

typedef int (*handler_fn)(struct am_ctx *, const char *, const struct am_request *,
                          struct am_response *);

/* Runs a handler with body (NULL = none) in an exact-size, non-terminated buffer so ASan
 * catches reads past body_len. */
static void call(struct fx *f, handler_fn h, const char *id, const char *query, const char *body)
{
    struct am_request req = {.path = "/v3/payments", .client_ip = "127.0.0.1"};
    size_t len = body ? strlen(body) : 0;
    char *copy = NULL;

    if (body) {
        copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, body, len);
        req.body = copy;
        req.body_len = len;
    }
    req.method = body ? AM_METHOD_POST : AM_METHOD_GET;
    req.query = query;
    am_query_finish(&f->query);
    assert_int_equal(am_query_parse(query, &f->query), 0);
    am_response_finish(&f->resp);
    assert_int_equal(h(&f->ctx, id, &req, &f->resp), 0);
    free(copy);
}

static void expect(const struct fx *f, int status, const char *body)
{
    assert_int_equal(f->resp.status, status);
    assert_non_null(f->resp.body);
    assert_string_equal(f->resp.body, body);
    assert_int_equal(f->resp.body_len, strlen(body));
}

static void expect_error(const struct fx *f, int status, const char *code, const char *text)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "{\"errors\":[{\"code\":\"%s\",\"description\":\"%s\"}]}", code,
             text);
    expect(f, status, buf);
}

/* Replaces every placeholder of tmpl with p's values: $ID, $SFX (id without pay_), $INV,
 * $NN (nossoNumero), $TOK (card token), $RCPT (receipt), $INST (installment id). */
static char *fill(const char *tmpl, const struct am_payment *p)
{
    const struct {
        const char *key;
        const char *value;
    } subst[] = {{"$ID", p->id},           {"$SFX", p->id + 4},      {"$INV", p->invoice_number},
                 {"$NN", p->nosso_numero}, {"$TOK", p->card.token},  {"$RCPT", p->receipt},
                 {"$INST", p->installment}};
    size_t cap = strlen(tmpl) * 2 + 256, n = 0;
    char *out = malloc(cap);

    assert_non_null(out);
    while (*tmpl) {
        bool hit = false;

        for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]) && !hit; i++) {
            size_t kl = strlen(subst[i].key);

            if (strncmp(tmpl, subst[i].key, kl) == 0 &&
                !(tmpl[kl] >= 'A' && tmpl[kl] <= 'Z')) {
                size_t vl = strlen(subst[i].value);

                assert_true(n + vl < cap);
                memcpy(out + n, subst[i].value, vl);
                n += vl;
                tmpl += kl;
                hit = true;
            }
        }
        if (!hit) {
            assert_true(n + 1 < cap);
            out[n++] = *tmpl++;
        }
    }
    out[n] = '\0';
    return out;
}

static void expect_payment(const struct fx *f, const char *tmpl, const struct am_payment *p)
{
    char *want = fill(tmpl, p);

    expect(f, 200, want);
    free(want);
}

static struct am_payment *nth(const struct fx *f, size_t i)
{
    struct am_payment *p = am_billing_payment_at(f->account.billing, i);

    assert_non_null(p);
    return p;
}

static struct am_payment *last(const struct fx *f)
{
    return nth(f, am_billing_payment_count(f->account.billing) - 1);
}

#define TERMS_DEFAULT                                                                             \
    "\"discount\":{\"value\":0,\"limitDate\":null,\"dueDateLimitDays\":0,\"type\":\"FIXED\"},"    \
    "\"fine\":{\"value\":0,\"type\":\"FIXED\"},\"interest\":{\"value\":0,\"type\":\"PERCENTAGE\"},"
#define TAIL_NO_REFUNDS "\"postalService\":false,\"escrow\":null,\"refunds\":null}"

/* The captured pix-recebido answer, PENDING. */
#define PIX_PENDING                                                                               \
    "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS     \
    "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,\"netValue\":98.01,"          \
    "\"originalValue\":null,\"interestValue\":null,\"description\":\"Paridade Pix\","             \
    "\"billingType\":\"PIX\",\"pixTransaction\":null,\"status\":\"PENDING\",\"dueDate\":"          \
    "\"2026-07-19\",\"originalDueDate\":\"2026-07-19\",\"paymentDate\":null,"                      \
    "\"clientPaymentDate\":null,\"installmentNumber\":null,\"invoiceUrl\":"                        \
    "\"https://sandbox.asaas.com/i/$SFX\",\"invoiceNumber\":\"$INV\",\"externalReference\":null,"  \
    "\"deleted\":false,\"anticipated\":false,\"anticipable\":false,\"creditDate\":null,"           \
    "\"estimatedCreditDate\":null,\"transactionReceiptUrl\":null,\"nossoNumero\":null,"            \
    "\"bankSlipUrl\":null,\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null,"         \
    TERMS_DEFAULT TAIL_NO_REFUNDS

#define PIX_BODY                                                                                  \
    "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":100,\"dueDate\":\"2026-07-19\","  \
    "\"description\":\"Paridade Pix\"}"

static void test_payments_create_pix_answers_captured_object(void **state)
{
    struct fx *f = *state;
    const struct am_event *e;

    call(f, am_api_payments_create, NULL, NULL, PIX_BODY);
    assert_int_equal(am_billing_payment_count(f->account.billing), 1);
    expect_payment(f, PIX_PENDING, last(f));
    call(f, am_api_payments_get, last(f)->id, NULL, NULL);
    expect_payment(f, PIX_PENDING, last(f));
    e = am_billing_event_at(f->account.billing, 0);
    assert_string_equal(e->name, "PAYMENT_CREATED");
    {
        char *want = fill(PIX_PENDING, last(f));

        assert_string_equal(e->snapshot, want);
        free(want);
    }
}

static void test_payments_pix_confirm_is_received_at_once(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;

    call(f, am_api_payments_create, NULL, NULL, PIX_BODY);
    p = last(f);
    /* An action POST with an empty form-encoded body is accepted. */
    call(f, am_api_sandbox_confirm, p->id, NULL, "");
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,\"netValue\":98.01,"
        "\"originalValue\":null,\"interestValue\":null,\"description\":\"Paridade Pix\","
        "\"billingType\":\"PIX\",\"pixTransaction\":null,\"status\":\"RECEIVED\",\"dueDate\":"
        "\"2026-07-19\",\"originalDueDate\":\"2026-07-19\",\"paymentDate\":\"2026-07-14\","
        "\"clientPaymentDate\":\"2026-07-14\",\"installmentNumber\":null,\"invoiceUrl\":"
        "\"https://sandbox.asaas.com/i/$SFX\",\"invoiceNumber\":\"$INV\",\"externalReference\":null,"
        "\"deleted\":false,\"anticipated\":false,\"anticipable\":false,\"creditDate\":\"2026-07-14\","
        "\"estimatedCreditDate\":\"2026-07-14\",\"transactionReceiptUrl\":"
        "\"https://sandbox.asaas.com/comprovantes/$RCPT\",\"nossoNumero\":null,"
        "\"bankSlipUrl\":null,\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null,"
        TERMS_DEFAULT TAIL_NO_REFUNDS,
        p);
    assert_int_equal(am_billing_balance(f->account.billing), 9801);
    call(f, am_api_sandbox_confirm, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_CONFIRM);
}

static void test_payments_create_boleto_with_terms_answers_captured_object(void **state)
{
    struct fx *f = *state;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":350,\"dueDate\":"
         "\"2026-07-24\",\"fine\":{\"value\":2,\"type\":\"PERCENTAGE\"},\"interest\":{\"value\":1},"
         "\"discount\":{\"value\":5,\"dueDateLimitDays\":0,\"type\":\"PERCENTAGE\"}}");
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":350,\"netValue\":348.01,"
        "\"originalValue\":null,\"interestValue\":null,\"description\":null,"
        "\"billingType\":\"BOLETO\",\"canBePaidAfterDueDate\":true,\"pixTransaction\":null,"
        "\"status\":\"PENDING\",\"dueDate\":\"2026-07-24\",\"originalDueDate\":\"2026-07-24\","
        "\"paymentDate\":null,\"clientPaymentDate\":null,\"installmentNumber\":null,\"invoiceUrl\":"
        "\"https://sandbox.asaas.com/i/$SFX\",\"invoiceNumber\":\"$INV\",\"externalReference\":null,"
        "\"deleted\":false,\"anticipated\":false,\"anticipable\":false,\"creditDate\":null,"
        "\"estimatedCreditDate\":null,\"transactionReceiptUrl\":null,\"nossoNumero\":\"$NN\","
        "\"bankSlipUrl\":\"https://sandbox.asaas.com/b/pdf/$SFX\",\"lastInvoiceViewedDate\":null,"
        "\"lastBankSlipViewedDate\":null,\"discount\":{\"value\":5,\"limitDate\":null,"
        "\"dueDateLimitDays\":0,\"type\":\"PERCENTAGE\"},\"fine\":{\"value\":2,\"type\":"
        "\"PERCENTAGE\"},\"interest\":{\"value\":1,\"type\":\"PERCENTAGE\"}," TAIL_NO_REFUNDS,
        last(f));
    assert_int_equal(strlen(last(f)->nosso_numero), 8);
}

static void test_payments_card_without_card_data_stays_pending(void **state)
{
    struct fx *f = *state;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-19\"}");
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,\"netValue\":96.52,"
        "\"originalValue\":null,\"interestValue\":null,\"description\":null,"
        "\"billingType\":\"CREDIT_CARD\",\"confirmedDate\":null,\"creditCard\":null,"
        "\"pixTransaction\":null,\"status\":\"PENDING\",\"dueDate\":\"2026-07-19\","
        "\"originalDueDate\":\"2026-07-19\",\"paymentDate\":null,\"clientPaymentDate\":null,"
        "\"installmentNumber\":null,\"invoiceUrl\":\"https://sandbox.asaas.com/i/$SFX\","
        "\"invoiceNumber\":\"$INV\",\"externalReference\":null,\"deleted\":false,"
        "\"anticipated\":false,\"anticipable\":false,\"creditDate\":null,"
        "\"estimatedCreditDate\":null,\"transactionReceiptUrl\":null,\"nossoNumero\":null,"
        "\"bankSlipUrl\":null,\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null,"
        TERMS_DEFAULT TAIL_NO_REFUNDS,
        last(f));
}

#define CARD_JSON(number)                                                                         \
    "\"creditCard\":{\"holderName\":\"Cliente Paridade\",\"number\":\"" number "\","              \
    "\"expiryMonth\":\"12\",\"expiryYear\":\"2030\",\"ccv\":\"123\"},\"creditCardHolderInfo\":"    \
    "{\"name\":\"Cliente Paridade\",\"email\":\"paridade@example.com\",\"cpfCnpj\":"              \
    "\"24971563792\",\"postalCode\":\"01310-100\",\"addressNumber\":\"100\",\"phone\":"           \
    "\"4738010919\"},\"remoteIp\":\"127.0.0.1\""

#define CARD_CONFIRMED(last4, brand, desc)                                                        \
    "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS     \
    "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,\"netValue\":96.52,"          \
    "\"originalValue\":null,\"interestValue\":null,\"description\":\"" desc "\","                 \
    "\"billingType\":\"CREDIT_CARD\",\"confirmedDate\":\"2026-07-14\",\"creditCard\":{"           \
    "\"creditCardNumber\":\"" last4 "\",\"creditCardBrand\":\"" brand "\",\"creditCardToken\":"   \
    "\"$TOK\"},\"pixTransaction\":null,\"status\":\"CONFIRMED\",\"dueDate\":\"2026-07-15\","       \
    "\"originalDueDate\":\"2026-07-15\",\"paymentDate\":null,\"clientPaymentDate\":"              \
    "\"2026-07-14\",\"installmentNumber\":null,\"invoiceUrl\":\"https://sandbox.asaas.com/i/$SFX\"," \
    "\"invoiceNumber\":\"$INV\",\"externalReference\":null,\"deleted\":false,"                     \
    "\"anticipated\":false,\"anticipable\":false,\"creditDate\":\"2026-08-17\","                  \
    "\"estimatedCreditDate\":\"2026-08-17\",\"transactionReceiptUrl\":"                           \
    "\"https://sandbox.asaas.com/comprovantes/$RCPT\",\"nossoNumero\":null,\"bankSlipUrl\":null," \
    "\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null," TERMS_DEFAULT TAIL_NO_REFUNDS

static void test_payments_card_approved_is_confirmed_at_once(void **state)
{
    struct fx *f = *state;
    const struct am_card_token *t;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-15\",\"description\":\"probe 8829\"," CARD_JSON("5162306219378829") "}");
    expect_payment(f, CARD_CONFIRMED("8829", "MASTERCARD", "probe 8829"), last(f));
    t = am_billing_token_find(f->account.billing, last(f)->card.token);
    assert_non_null(t);
    assert_string_equal(t->customer, CUS);
    assert_int_equal(strlen(last(f)->card.token), 36);
    assert_int_equal(strlen(last(f)->receipt), 16);
}

static void test_payments_card_declined_numbers_fail_without_a_payment(void **state)
{
    struct fx *f = *state;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-15\"," CARD_JSON("5184019740373151") "}");
    expect_error(f, 400, AM_ERR_CARD_DECLINED, AM_TXT_CARD_DECLINED);
    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-15\"," CARD_JSON("4916 5613 5824 0741") "}");
    expect_error(f, 400, AM_ERR_CARD_DECLINED, AM_TXT_CARD_DECLINED);
    assert_int_equal(am_billing_payment_count(f->account.billing), 0);
    /* A Stripe-style decline number approves, like the real sandbox. */
    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-15\",\"description\":\"probe 0002\"," CARD_JSON("4000000000000002") "}");
    expect_payment(f, CARD_CONFIRMED("0002", "VISA", "probe 0002"), last(f));
}

static void test_payments_tokenize_then_pay_with_token(void **state)
{
    struct fx *f = *state;
    char body[512], token[40], text[160];
    cJSON *json;

    call(f, am_api_credit_card_tokenize, NULL, NULL, "{\"customer\":\"" CUS "\"," CARD_JSON("4444444444444444") "}");
    assert_int_equal(f->resp.status, 200);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    snprintf(token, sizeof(token), "%s",
             cJSON_GetObjectItem(json, "creditCardToken")->valuestring);
    cJSON_Delete(json);
    snprintf(body, sizeof(body),
             "{\"creditCardNumber\":\"4444\",\"creditCardBrand\":\"VISA\",\"creditCardToken\":\"%s\"}",
             token);
    expect(f, 200, body);
    snprintf(body, sizeof(body),
             "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,"
             "\"dueDate\":\"2026-07-15\",\"description\":\"tok\",\"creditCardToken\":\"%s\"}",
             token);
    call(f, am_api_payments_create, NULL, NULL, body);
    expect_payment(f, CARD_CONFIRMED("4444", "VISA", "tok"), last(f));
    assert_string_equal(last(f)->card.token, token);
    /* Another customer's token is unknown to them. */
    snprintf(body, sizeof(body),
             "{\"customer\":\"" CUS2 "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,"
             "\"dueDate\":\"2026-07-15\",\"creditCardToken\":\"%s\"}",
             token);
    call(f, am_api_payments_create, NULL, NULL, body);
    snprintf(text, sizeof(text), AM_TXT_CARD_TOKEN_FMT, token);
    expect_error(f, 400, AM_ERR_CARD_TOKEN, text);
    call(f, am_api_credit_card_tokenize, NULL, NULL, "{\"customer\":\"" CUS "\"," CARD_JSON("5184019740373151") "}");
    expect_error(f, 400, AM_ERR_CARD_DECLINED, AM_TXT_CARD_DECLINED);
}

static void test_payments_boleto_350_in_12_installments(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    struct am_payment *first;
    cJSON *json, *data;
    char query[128];

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"installmentCount\":12,"
         "\"totalValue\":350,\"dueDate\":\"2026-07-24\"}");
    assert_int_equal(am_billing_payment_count(f->account.billing), 12);
    first = nth(f, 0);
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"installment\":\"$INST\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":29.16,"
        "\"netValue\":27.17,\"originalValue\":null,\"interestValue\":null,\"description\":"
        "\"Parcela 1 de 12.\",\"billingType\":\"BOLETO\",\"canBePaidAfterDueDate\":true,"
        "\"pixTransaction\":null,\"status\":\"PENDING\",\"dueDate\":\"2026-07-24\","
        "\"originalDueDate\":\"2026-07-24\",\"paymentDate\":null,\"clientPaymentDate\":null,"
        "\"installmentNumber\":1,\"invoiceUrl\":\"https://sandbox.asaas.com/i/$SFX\","
        "\"invoiceNumber\":\"$INV\",\"externalReference\":null,\"deleted\":false,"
        "\"anticipated\":false,\"anticipable\":false,\"creditDate\":null,"
        "\"estimatedCreditDate\":null,\"transactionReceiptUrl\":null,\"nossoNumero\":\"$NN\","
        "\"bankSlipUrl\":\"https://sandbox.asaas.com/b/pdf/$SFX\",\"lastInvoiceViewedDate\":null,"
        "\"lastBankSlipViewedDate\":null," TERMS_DEFAULT TAIL_NO_REFUNDS,
        first);
    inst = am_billing_installment_find(f->account.billing, first->installment);
    assert_non_null(inst);
    assert_int_equal(inst->count, 12);
    assert_int_equal(inst->value_cents, 35000);
    assert_int_equal(inst->payment_value_cents, 2924);
    assert_int_equal(inst->first_due_day, first->due_day);
    /* Newest first: the 12th (29.24, due 2027-06-24) leads the list. */
    snprintf(query, sizeof(query), "installment=%s&limit=100", first->installment);
    call(f, am_api_payments_list, NULL, query, NULL);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    assert_int_equal(cJSON_GetObjectItem(json, "totalCount")->valueint, 12);
    data = cJSON_GetObjectItem(json, "data");
    assert_int_equal(cJSON_GetArraySize(data), 12);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "description")->valuestring,
                        "Parcela 12 de 12.");
    assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "value")->valuedouble == 29.24);
    assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "netValue")->valuedouble == 27.25);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "dueDate")->valuestring,
                        "2027-06-24");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 6), "dueDate")->valuestring,
                        "2026-12-24");
    cJSON_Delete(json);
    /* nossoNumero and invoiceNumber run sequentially across the installments. */
    assert_int_equal(atol(nth(f, 11)->nosso_numero), atol(first->nosso_numero) + 11);
    assert_int_equal(atol(nth(f, 11)->invoice_number), atol(first->invoice_number) + 11);
}

static void test_payments_card_in_3_installments_all_confirmed(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    struct am_payment *first;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"installmentCount\":3,"
         "\"totalValue\":300,\"dueDate\":\"2026-07-24\"," CARD_JSON("4444444444444444") "}");
    assert_int_equal(am_billing_payment_count(f->account.billing), 3);
    first = nth(f, 0);
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"installment\":\"$INST\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,"
        "\"netValue\":96.35,\"originalValue\":null,\"interestValue\":null,\"description\":"
        "\"Parcela 1 de 3.\",\"billingType\":\"CREDIT_CARD\",\"confirmedDate\":\"2026-07-14\","
        "\"creditCard\":{\"creditCardNumber\":\"4444\",\"creditCardBrand\":\"VISA\","
        "\"creditCardToken\":\"$TOK\"},\"pixTransaction\":null,\"status\":\"CONFIRMED\","
        "\"dueDate\":\"2026-07-24\",\"originalDueDate\":\"2026-07-24\",\"paymentDate\":null,"
        "\"clientPaymentDate\":\"2026-07-14\",\"installmentNumber\":1,\"invoiceUrl\":"
        "\"https://sandbox.asaas.com/i/$SFX\",\"invoiceNumber\":\"$INV\",\"externalReference\":null,"
        "\"deleted\":false,\"anticipated\":false,\"anticipable\":false,\"creditDate\":\"2026-08-17\","
        "\"estimatedCreditDate\":\"2026-08-17\",\"transactionReceiptUrl\":"
        "\"https://sandbox.asaas.com/comprovantes/$RCPT\",\"nossoNumero\":null,\"bankSlipUrl\":null,"
        "\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null," TERMS_DEFAULT
            TAIL_NO_REFUNDS,
        first);
    /* Captured: every installment nets 96.35 (3.49% + 0.49 on the total for 2-6x, divided
     * truncating, no remainder on the last). */
    assert_int_equal(nth(f, 2)->net_value_cents, 9635);
    assert_int_equal(nth(f, 1)->status, AM_PAY_CONFIRMED);
    assert_int_equal(nth(f, 2)->status, AM_PAY_CONFIRMED);
    assert_int_equal(nth(f, 1)->credit_day, first->credit_day + 30); /* 09-16 */
    assert_int_equal(nth(f, 2)->credit_day, first->credit_day + 63); /* 10-19 */
    assert_string_equal(nth(f, 2)->receipt, first->receipt);
    assert_string_equal(nth(f, 2)->card.token, first->card.token);
    inst = am_billing_installment_find(f->account.billing, first->installment);
    assert_non_null(inst);
    assert_string_equal(inst->receipt, first->receipt);
    assert_int_equal(inst->payment_day, first->confirmed_day);
    assert_int_equal(inst->payment_value_cents, 10000);
}

static void test_payments_refund_partial_then_full(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;
    char *refund1 = NULL, *want = NULL;

    call(f, am_api_payments_create, NULL, NULL, PIX_BODY);
    p = last(f);
    call(f, am_api_payments_refund, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_REFUND);
    call(f, am_api_sandbox_confirm, p->id, NULL, NULL);
    call(f, am_api_payments_refund, p->id, NULL, "{\"value\":30,\"description\":\"parcial\"}");
    assert_int_equal(f->resp.status, 200);
    assert_int_equal(asprintf(&refund1,
                              "{\"dateCreated\":\"2026-07-14 12:00:00\",\"status\":\"DONE\","
                              "\"value\":30,\"endToEndIdentifier\":null,\"description\":"
                              "\"parcial\",\"effectiveDate\":\"2026-07-14\","
                              "\"transactionReceiptUrl\":\"https://sandbox.asaas.com/"
                              "comprovantes/%s\",\"refundedSplits\":[]}",
                              p->refunds[0].receipt) > 0,
                     true);
    assert_non_null(strstr(f->resp.body, "\"status\":\"RECEIVED\""));
    assert_int_equal(asprintf(&want, "\"refunds\":[%s]}", refund1) > 0, true);
    assert_non_null(strstr(f->resp.body, want));
    free(want);
    call(f, am_api_payments_refund, p->id, NULL, "{\"value\":70.01}");
    expect_error(f, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_REFUND_VALUE);
    call(f, am_api_payments_refund, p->id, NULL, "{}");
    assert_int_equal(f->resp.status, 200);
    assert_non_null(strstr(f->resp.body, "\"status\":\"REFUNDED\""));
    call(f, am_api_payments_refunds, p->id, NULL, NULL);
    assert_int_equal(asprintf(&want,
                              "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":2,"
                              "\"limit\":10,\"offset\":0,\"data\":[%s,{\"dateCreated\":"
                              "\"2026-07-14 12:00:00\",\"status\":\"DONE\",\"value\":70,"
                              "\"endToEndIdentifier\":null,\"description\":null,\"effectiveDate\":"
                              "\"2026-07-14\",\"transactionReceiptUrl\":\"https://sandbox.asaas.com/"
                              "comprovantes/%s\",\"refundedSplits\":[]}]}",
                              refund1, p->refunds[1].receipt) > 0,
                     true);
    expect(f, 200, want);
    free(want);
    free(refund1);
    assert_int_equal(am_billing_balance(f->account.billing), -199);
    assert_int_equal(am_billing_ledger_check(f->account.billing, NULL), 0);
    call(f, am_api_payments_refund, p->id, NULL, "{}");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_REFUND);
}

static void test_payments_receive_in_cash_then_undo(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;

    call(f, am_api_payments_create, NULL, NULL, PIX_BODY);
    p = last(f);
    call(f, am_api_payments_receive_in_cash, p->id, NULL, "{\"paymentDate\":\"2026-07-13\",\"value\":100}");
    expect_payment(
        f,
        "{\"object\":\"payment\",\"id\":\"$ID\",\"dateCreated\":\"2026-07-14\",\"customer\":\"" CUS
        "\",\"checkoutSession\":null,\"paymentLink\":null,\"value\":100,\"netValue\":100,"
        "\"originalValue\":null,\"interestValue\":null,\"description\":\"Paridade Pix\","
        "\"billingType\":\"PIX\",\"pixTransaction\":null,\"status\":\"RECEIVED_IN_CASH\",\"dueDate\":"
        "\"2026-07-19\",\"originalDueDate\":\"2026-07-19\",\"paymentDate\":\"2026-07-13\","
        "\"clientPaymentDate\":\"2026-07-13\",\"installmentNumber\":null,\"invoiceUrl\":"
        "\"https://sandbox.asaas.com/i/$SFX\",\"invoiceNumber\":\"$INV\",\"externalReference\":null,"
        "\"deleted\":false,\"anticipated\":false,\"anticipable\":false,\"creditDate\":null,"
        "\"estimatedCreditDate\":null,\"transactionReceiptUrl\":null,\"nossoNumero\":null,"
        "\"bankSlipUrl\":null,\"lastInvoiceViewedDate\":null,\"lastBankSlipViewedDate\":null,"
        TERMS_DEFAULT TAIL_NO_REFUNDS,
        p);
    call(f, am_api_payments_receive_in_cash, p->id, NULL, "{}");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_CASH);
    call(f, am_api_payments_undo_received_in_cash, p->id, NULL, "");
    expect_payment(f, PIX_PENDING, p);
    call(f, am_api_payments_undo_received_in_cash, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_UNDO_CASH);
    call(f, am_api_payments_receive_in_cash, p->id, NULL, "{\"paymentDate\":\"13/07/2026\"}");
    expect_error(f, 400, AM_ERR_PAY_DATE, AM_TXT_PAY_DATE);
}

static void test_payments_delete_and_restore(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;
    char want[128];

    call(f, am_api_payments_create, NULL, NULL, PIX_BODY);
    p = last(f);
    call(f, am_api_payments_restore, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_NOT_DELETED);
    call(f, am_api_payments_delete, p->id, NULL, NULL);
    snprintf(want, sizeof(want), "{\"deleted\":true,\"id\":\"%s\"}", p->id);
    expect(f, 200, want);
    call(f, am_api_payments_delete, p->id, NULL, NULL);
    expect(f, 200, want);
    call(f, am_api_payments_list, NULL, NULL, NULL);
    expect(f, 200, "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,\"limit\":10,"
                   "\"offset\":0,\"data\":[]}");
    call(f, am_api_payments_get, p->id, NULL, NULL);
    assert_int_equal(f->resp.status, 200);
    assert_non_null(strstr(f->resp.body, "\"deleted\":true"));
    call(f, am_api_sandbox_confirm, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED);
    call(f, am_api_payments_restore, p->id, NULL, "");
    expect_payment(f, PIX_PENDING, p);
    assert_string_equal(am_billing_event_at(f->account.billing,
                                            am_billing_events_count(f->account.billing) - 1)
                            ->name,
                        "PAYMENT_RESTORED");
    /* A received payment cannot be deleted. */
    call(f, am_api_sandbox_confirm, p->id, NULL, "");
    call(f, am_api_payments_delete, p->id, NULL, NULL);
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_DELETE);
}

static void test_payments_unknown_id_is_404(void **state)
{
    struct fx *f = *state;

    call(f, am_api_payments_get, "pay_nope", NULL, NULL);
    expect_error(f, 404, AM_ERR_NOT_FOUND, AM_TXT_NOT_FOUND);
    call(f, am_api_payments_refund, "pay_nope", NULL, "{}");
    expect_error(f, 404, AM_ERR_NOT_FOUND, AM_TXT_NOT_FOUND);
    call(f, am_api_sandbox_overdue, "pay_nope", NULL, "");
    expect_error(f, 404, AM_ERR_NOT_FOUND, AM_TXT_NOT_FOUND);
}

/* Creates a payment with the given fields at the fixture's current clock. */
static struct am_payment *create(struct fx *f, const char *customer, const char *type,
                                 const char *due)
{
    char body[256];

    snprintf(body, sizeof(body),
             "{\"customer\":\"%s\",\"billingType\":\"%s\",\"value\":10,\"dueDate\":\"%s\"}",
             customer, type, due);
    call(f, am_api_payments_create, NULL, NULL, body);
    assert_int_equal(f->resp.status, 200);
    return last(f);
}

/* The ids of the last list answer, comma-separated, and its totalCount. */
static int list_ids(struct fx *f, const char *query, char *out, size_t outsz)
{
    cJSON *json, *item;
    int total;
    size_t n = 0;

    call(f, am_api_payments_list, NULL, query, NULL);
    assert_int_equal(f->resp.status, 200);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    total = cJSON_GetObjectItem(json, "totalCount")->valueint;
    out[0] = '\0';
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(json, "data")) {
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", n ? "," : "",
                              cJSON_GetObjectItem(item, "id")->valuestring);
    }
    cJSON_Delete(json);
    return total;
}

static void test_payments_list_filters_and_paging(void **state)
{
    struct fx *f = *state;
    struct am_payment *a, *b, *c, *d;
    char got[512], want[512];

    a = create(f, CUS, "PIX", "2026-07-20");
    b = create(f, CUS2, "BOLETO", "2026-07-25");
    f->ctx.now = NOW + 2 * DAY; /* 2026-07-16 */
    c = create(f, CUS, "BOLETO", "2026-07-30");
    d = create(f, CUS, "PIX", "2026-08-10");
    call(f, am_api_sandbox_confirm, d->id, NULL, "");

    assert_int_equal(list_ids(f, NULL, got, sizeof(got)), 4);
    snprintf(want, sizeof(want), "%s,%s,%s,%s", d->id, c->id, b->id, a->id);
    assert_string_equal(got, want);
    assert_int_equal(list_ids(f, "dateCreated%5Bge%5D=2026-07-15", got, sizeof(got)), 2);
    snprintf(want, sizeof(want), "%s,%s", d->id, c->id);
    assert_string_equal(got, want);
    assert_int_equal(list_ids(f, "dateCreated[le]=2026-07-14", got, sizeof(got)), 2);
    assert_int_equal(list_ids(f, "dueDate[le]=2026-07-25", got, sizeof(got)), 2);
    snprintf(want, sizeof(want), "%s,%s", b->id, a->id);
    assert_string_equal(got, want);
    assert_int_equal(list_ids(f, "dueDate[ge]=2026-07-21&dueDate[le]=2026-07-30", got,
                              sizeof(got)),
                     2);
    assert_int_equal(list_ids(f, "status=RECEIVED", got, sizeof(got)), 1);
    assert_string_equal(got, d->id);
    assert_int_equal(list_ids(f, "status=PENDING&customer=" CUS, got, sizeof(got)), 2);
    snprintf(want, sizeof(want), "%s,%s", c->id, a->id);
    assert_string_equal(got, want);
    assert_int_equal(list_ids(f, "billingType=BOLETO", got, sizeof(got)), 2);
    assert_int_equal(list_ids(f, "customer=" CUS2, got, sizeof(got)), 1);
    assert_string_equal(got, b->id);
    assert_int_equal(list_ids(f, "paymentDate=2026-07-16", got, sizeof(got)), 1);
    assert_int_equal(list_ids(f, "customerGroupName=A&billingType=PIX", got, sizeof(got)), 2);
    assert_int_equal(list_ids(f, "limit=2&offset=1", got, sizeof(got)), 4);
    snprintf(want, sizeof(want), "%s,%s", c->id, b->id);
    assert_string_equal(got, want);
    assert_int_equal(list_ids(f, "customer=cus_000000000404", got, sizeof(got)), 0);
    call(f, am_api_payments_list, NULL, "limit=1&offset=3&customer=" CUS2, NULL);
    expect(f, 200, "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":1,\"limit\":1,"
                   "\"offset\":3,\"data\":[]}");
    call(f, am_api_payments_list, NULL, "limit=1", NULL);
    {
        cJSON *json = cJSON_Parse(f->resp.body);

        assert_non_null(json);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(json, "hasMore")));
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(json, "data"), 0), "id")->valuestring, d->id);
        cJSON_Delete(json);
    }
    call(f, am_api_payments_list, NULL, "limit=101", NULL);
    expect_error(f, 400, AM_ERR_LIMIT, AM_TXT_LIMIT);
    call(f, am_api_payments_list, NULL, "status=pending", NULL);
    expect_error(f, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS);
    call(f, am_api_payments_list, NULL, "dueDate[ge]=2026-13-01", NULL);
    expect_error(f, 400, "invalid_dueDate", AM_TXT_FILTER_DATE);
}

static void test_payments_create_validation_first_error_only(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *body;
        const char *code;
        const char *text;
    } cases[] = {
        {"{}", AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER},
        {"", AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER},
        {"{\"customer\":\"cus_000000000404\",\"billingType\":\"XX\"}", AM_ERR_PAY_CUSTOMER,
         AM_TXT_PAY_CUSTOMER},
        {"{\"customer\":\"cus_000000000009\",\"billingType\":\"PIX\"}", AM_ERR_PAY_CUSTOMER,
         AM_TXT_PAY_CUSTOMER},
        {"{\"customer\":12}", AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER},
        {"{\"customer\":\"" CUS "\"}", AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_MISSING},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"DEBIT_CARD\"}", AM_ERR_PAY_BILLING_TYPE,
         AM_TXT_PAY_BILLING_TYPE_INVALID},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\"}", AM_ERR_PAY_VALUE,
         AM_TXT_PAY_VALUE_MISSING},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":0}", AM_ERR_PAY_VALUE,
         AM_TXT_PAY_VALUE_INVALID},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":1.001}", AM_ERR_PAY_VALUE,
         AM_TXT_PAY_VALUE_INVALID},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10}", AM_ERR_PAY_DUE_DATE,
         AM_TXT_PAY_DUE_DATE_MISSING},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,\"dueDate\":\"2026-07-13\"}",
         AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_PAST},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,\"dueDate\":\"19/07/2026\"}",
         AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_INVALID},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,\"dueDate\":\"2026-07-19\","
         "\"description\":5}",
         "invalid_description", "O campo description possui um tipo inválido."},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,\"dueDate\":\"2026-07-19\","
         "\"fine\":{\"value\":2,\"type\":\"X\"}}",
         AM_ERR_FINE, AM_TXT_FINE},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"installmentCount\":1,"
         "\"totalValue\":10,\"dueDate\":\"2026-07-19\"}",
         AM_ERR_INSTALLMENT_COUNT, AM_TXT_INSTALLMENT_COUNT},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"installmentCount\":22,"
         "\"totalValue\":100,\"dueDate\":\"2026-07-19\"}",
         AM_ERR_INSTALLMENT_COUNT, AM_TXT_INSTALLMENT_COUNT},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":10,"
         "\"dueDate\":\"2026-07-19\",\"creditCard\":{\"holderName\":\"A\"}}",
         AM_ERR_CARD, AM_TXT_CARD_NUMBER},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":10,"
         "\"dueDate\":\"2026-07-19\",\"creditCard\":{\"holderName\":\"A\",\"number\":"
         "\"4111111111111111\",\"expiryMonth\":\"13\",\"expiryYear\":\"2030\",\"ccv\":\"1\"}}",
         AM_ERR_CARD, AM_TXT_CARD_EXPIRY},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":10,"
         "\"dueDate\":\"2026-07-19\",\"creditCard\":{\"holderName\":\"A\",\"number\":"
         "\"4111111111111111\",\"expiryMonth\":12,\"expiryYear\":2030,\"ccv\":\"123\"}}",
         AM_ERR_CARD_HOLDER, AM_TXT_CARD_HOLDER},
        {"{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":10,"
         "\"dueDate\":\"2026-07-19\",\"creditCardToken\":\"abc\"}",
         AM_ERR_CARD_TOKEN, "CreditCardToken abc não encontrado."},
        {"{\"customer\":", AM_ERR_JSON, AM_TXT_JSON},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        call(f, am_api_payments_create, NULL, NULL, cases[i].body);
        expect_error(f, 400, cases[i].code, cases[i].text);
    }
    assert_int_equal(am_billing_payment_count(f->account.billing), 0);
    /* Due today is allowed. */
    create(f, CUS, "PIX", "2026-07-14");
}

static void test_payments_pix_qrcode_is_a_valid_brcode_and_png(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = create(f, CUS, "PIX", "2026-07-19");
    cJSON *json;
    const char *payload;

    call(f, am_api_payments_pix_qrcode, p->id, NULL, NULL);
    assert_int_equal(f->resp.status, 200);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(json, "success")));
    payload = cJSON_GetObjectItem(json, "payload")->valuestring;
    assert_int_equal(am_brcode_validate(payload), 0);
    assert_memory_equal(payload, "000201", 6);
    assert_memory_equal(cJSON_GetObjectItem(json, "encodedImage")->valuestring, "iVBORw0KGgo", 11);
    assert_string_equal(cJSON_GetObjectItem(json, "expirationDate")->valuestring,
                        "2027-07-19 23:59:59");
    cJSON_Delete(json);
    p = create(f, CUS, "CREDIT_CARD", "2026-07-19");
    call(f, am_api_payments_pix_qrcode, p->id, NULL, NULL);
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_PIX_NOT_AVAILABLE);
}

static void test_payments_identification_field_only_for_boleto(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = create(f, CUS, "BOLETO", "2026-07-24");
    cJSON *json;
    const char *line, *bar;

    call(f, am_api_payments_identification_field, p->id, NULL, NULL);
    assert_int_equal(f->resp.status, 200);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    line = cJSON_GetObjectItem(json, "identificationField")->valuestring;
    bar = cJSON_GetObjectItem(json, "barCode")->valuestring;
    assert_int_equal(strlen(line), 47);
    assert_int_equal(strlen(bar), 44);
    assert_int_equal(am_boleto_validate_linha(line), 0);
    assert_memory_equal(bar, AM_BOLETO_BANK "9", 4);
    assert_string_equal(cJSON_GetObjectItem(json, "nossoNumero")->valuestring, p->nosso_numero);
    /* The amount sits at the end of the barcode: 10 digits of cents. */
    assert_memory_equal(bar + 9, "0000001000", 10);
    cJSON_Delete(json);
    p = create(f, CUS, "PIX", "2026-07-24");
    call(f, am_api_payments_identification_field, p->id, NULL, NULL);
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_ID_FIELD_NOT_BOLETO);
}

static void test_payments_status_viewing_and_billing_info(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = create(f, CUS, "CREDIT_CARD", "2026-07-24");
    cJSON *json;

    call(f, am_api_payments_status, p->id, NULL, NULL);
    expect(f, 200, "{\"status\":\"PENDING\"}");
    call(f, am_api_payments_viewing_info, p->id, NULL, NULL);
    expect(f, 200, "{\"invoiceViewedDate\":null,\"boletoViewedDate\":null}");
    call(f, am_api_payments_pay_with_card, p->id, NULL, "{" CARD_JSON("4111111111111111") "}");
    assert_int_equal(f->resp.status, 200);
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
    call(f, am_api_payments_billing_info, p->id, NULL, NULL);
    {
        char want[256];

        snprintf(want, sizeof(want),
                 "{\"pix\":null,\"creditCard\":{\"creditCardNumber\":\"1111\",\"creditCardBrand\":"
                 "\"VISA\",\"creditCardToken\":\"%s\"},\"bankSlip\":null}",
                 p->card.token);
        expect(f, 200, want);
    }
    call(f, am_api_payments_pay_with_card, p->id, NULL, "{" CARD_JSON("4111111111111111") "}");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_PAY_CARD);
    p = create(f, CUS, "BOLETO", "2026-07-24");
    call(f, am_api_payments_billing_info, p->id, NULL, NULL);
    json = cJSON_Parse(f->resp.body);
    assert_non_null(json);
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(json, "pix")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "creditCard")));
    assert_int_equal(strlen(cJSON_GetObjectItem(cJSON_GetObjectItem(json, "bankSlip"),
                                                "identificationField")
                                ->valuestring),
                     47);
    cJSON_Delete(json);
}

static void test_payments_overdue_then_update_due_date(void **state)
{
    struct fx *f = *state;
    struct am_payment *p = create(f, CUS, "BOLETO", "2026-07-24");

    call(f, am_api_sandbox_overdue, p->id, NULL, "");
    assert_int_equal(f->resp.status, 200);
    assert_non_null(strstr(f->resp.body, "\"status\":\"OVERDUE\""));
    call(f, am_api_sandbox_overdue, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_OVERDUE);
    call(f, am_api_payments_update, p->id, NULL, "{\"dueDate\":\"2026-07-01\"}");
    expect_error(f, 400, AM_ERR_PAY_DUE_DATE, AM_TXT_PAY_DUE_DATE_PAST);
    call(f, am_api_payments_update, p->id, NULL, "{\"dueDate\":\"2026-07-30\",\"value\":12.5}");
    assert_int_equal(f->resp.status, 200);
    assert_non_null(strstr(f->resp.body, "\"value\":12.5,\"netValue\":10.51,"));
    assert_non_null(strstr(f->resp.body, "\"status\":\"PENDING\",\"dueDate\":\"2026-07-30\","
                                         "\"originalDueDate\":\"2026-07-24\""));
    assert_string_equal(am_billing_event_at(f->account.billing,
                                            am_billing_events_count(f->account.billing) - 1)
                            ->name,
                        "PAYMENT_UPDATED");
}

static void test_payments_authorize_only_then_capture(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;

    call(f, am_api_payments_create, NULL, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,\"dueDate\":"
         "\"2026-07-15\",\"authorizeOnly\":true," CARD_JSON("4111111111111111") "}");
    p = last(f);
    assert_non_null(strstr(f->resp.body, "\"status\":\"AUTHORIZED\""));
    call(f, am_api_payments_capture, p->id, NULL, "");
    assert_non_null(strstr(f->resp.body, "\"status\":\"CONFIRMED\""));
    call(f, am_api_payments_capture, p->id, NULL, "");
    expect_error(f, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_CAPTURE);
}

static void test_payments_simulate_and_limits(void **state)
{
    struct fx *f = *state;

    call(f, am_api_payments_simulate, NULL, NULL,
         "{\"value\":100,\"billingTypes\":[\"PIX\",\"CREDIT_CARD\"]}");
    expect(f, 200,
           "{\"value\":100,\"creditCard\":{\"netValue\":96.52,\"feePercentage\":2.99,"
           "\"operationFee\":0.49,\"installment\":{\"paymentNetValue\":96.52,\"paymentValue\":100}},"
           "\"pix\":{\"netValue\":98.01,\"feeValue\":1.99,\"installment\":{\"paymentNetValue\":"
           "98.01,\"paymentValue\":100}}}");
    call(f, am_api_payments_simulate, NULL, NULL, "{}");
    expect_error(f, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
    create(f, CUS, "PIX", "2026-07-19");
    call(f, am_api_payments_limits, NULL, NULL, NULL);
    expect(f, 200, "{\"creation\":{\"daily\":{\"limit\":200000,\"used\":1,\"wasReached\":false}}}");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_payments_create_pix_answers_captured_object),
        T(test_payments_pix_confirm_is_received_at_once),
        T(test_payments_create_boleto_with_terms_answers_captured_object),
        T(test_payments_card_without_card_data_stays_pending),
        T(test_payments_card_approved_is_confirmed_at_once),
        T(test_payments_card_declined_numbers_fail_without_a_payment),
        T(test_payments_tokenize_then_pay_with_token),
        T(test_payments_boleto_350_in_12_installments),
        T(test_payments_card_in_3_installments_all_confirmed),
        T(test_payments_refund_partial_then_full),
        T(test_payments_receive_in_cash_then_undo),
        T(test_payments_delete_and_restore),
        T(test_payments_unknown_id_is_404),
        T(test_payments_list_filters_and_paging),
        T(test_payments_create_validation_first_error_only),
        T(test_payments_pix_qrcode_is_a_valid_brcode_and_png),
        T(test_payments_identification_field_only_for_boleto),
        T(test_payments_status_viewing_and_billing_info),
        T(test_payments_overdue_then_update_due_date),
        T(test_payments_authorize_only_then_capture),
        T(test_payments_simulate_and_limits),
    };
#undef T
    return cmocka_run_group_tests_name("api_payments", tests, NULL, NULL);
}

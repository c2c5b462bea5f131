/* test_api_recurring.c - /v3/installments, /v3/subscriptions, finance and account status
 * handlers driven through fake requests, with the daily jobs run in between as the app
 * and the /__mock/ clock do. Bodies of our own objects are asserted whole, with
 * generated ids replaced by placeholders. The account's clock starts at 2026-06-01
 * 09:00 Brasilia (a Monday). */
#include "test_helpers.h"

#include <errno.h>

#include "api_recurring.h"
#include "billing.h"
#include "clock.h"
#include "customers.h"
#include "ids.h"
#include "jobs.h"
#include "subscriptions.h"

#define CUS "cus_000000000001"
#define CUS_DELETED "cus_000000000002"

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
    char *body; /* last response body, NUL-terminated */
};

static void add_customer(struct am_customer_store *store, const char *id, bool deleted)
{
    struct am_customer *c = am_customer_new();

    assert_non_null(c);
    snprintf(c->id, sizeof(c->id), "%s", id);
    c->name = strdup("Maria");
    snprintf(c->cpf_cnpj, sizeof(c->cpf_cnpj), "24971563792");
    c->deleted = deleted;
    assert_int_equal(am_customer_store_insert(store, c), 0);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->account.id, sizeof(f->account.id), "acc-test");
    /* myAccount/status answers the account's UUID (registry.c derives it for real ones). */
    snprintf(f->account.uuid, sizeof(f->account.uuid), "0d9c6f3e-55b1-4c1e-9a8e-acc000000001");
    f->account.customers = am_customer_store_new();
    f->account.billing = am_billing_new("acc-test");
    f->account.recurring = am_recurring_new();
    assert_non_null(f->account.customers);
    assert_non_null(f->account.billing);
    assert_non_null(f->account.recurring);
    add_customer(f->account.customers, CUS, false);
    add_customer(f->account.customers, CUS_DELETED, true);
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
    free(f->body);
    free(f);
    return 0;
}

typedef int (*handler)(struct am_ctx *, const char *, const struct am_request *,
                       struct am_response *);

/* Runs h with body (NULL = none) in an exact-size, non-terminated buffer and query. */
static int call(struct fx *f, handler h, const char *id, const char *body, const char *query)
{
    struct am_request req;
    char *copy = NULL;
    size_t len = body ? strlen(body) : 0;

    memset(&req, 0, sizeof(req));
    req.path = "/v3/x";
    req.client_ip = "127.0.0.1";
    if (len) {
        copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, body, len);
    }
    req.body = copy;
    req.body_len = len;
    am_query_finish(&f->query);
    assert_int_equal(am_query_parse(query, &f->query), 0);
    am_response_finish(&f->resp);
    assert_int_equal(h(&f->ctx, id, &req, &f->resp), 0);
    free(copy);
    free(f->body);
    f->body = strndup(f->resp.body ? f->resp.body : "", f->resp.body_len);
    assert_non_null(f->body);
    return f->resp.status;
}

/* Replaces every occurrence of what in f->body with with. */
static void normalise(struct fx *f, const char *what, const char *with)
{
    char *p;

    while ((p = strstr(f->body, what))) {
        size_t head = (size_t)(p - f->body), wl = strlen(what), nl = strlen(with);
        char *out = malloc(strlen(f->body) - wl + nl + 1);

        assert_non_null(out);
        memcpy(out, f->body, head);
        memcpy(out + head, with, nl);
        strcpy(out + head + nl, p + wl);
        free(f->body);
        f->body = out;
    }
}

static cJSON *parsed(struct fx *f)
{
    cJSON *o = cJSON_Parse(f->body);

    assert_non_null(o);
    return o;
}

/* Moves the account clock to t and runs the days passed, as the app does. */
static void move_to(struct fx *f, int64_t t)
{
    f->ctx.now = t;
    assert_int_equal(am_jobs_catch_up(&f->account, &f->ids, t, NULL), 0);
}

static void assert_error(struct fx *f, int status, const char *code, const char *text)
{
    char expected[512];

    snprintf(expected, sizeof(expected), "{\"errors\":[{\"code\":\"%s\",\"description\":\"%s\"}]}",
             code, text);
    assert_int_equal(f->resp.status, status);
    assert_string_equal(f->body, expected);
}

/* ---- installments ---------------------------------------------------------------- */

static void test_installments_boleto_350_in_12(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    cJSON *root, *data, *first;
    struct am_payment **list = NULL;
    size_t n = 0;

    assert_int_equal(call(f, am_api_installments_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\","
                          "\"installmentCount\":12,\"totalValue\":350,\"dueDate\":\"2026-06-10\"}",
                          NULL),
                     200);
    inst = am_billing_installment_at(f->account.billing, 0);
    assert_non_null(inst);
    normalise(f, inst->id, "INST");
    assert_string_equal(
        f->body, "{\"object\":\"installment\",\"id\":\"INST\",\"value\":350,\"netValue\":326.12,"
                 "\"paymentValue\":29.24,\"installmentCount\":12,\"billingType\":\"BOLETO\","
                 "\"paymentDate\":null,\"description\":null,\"expirationDay\":10,\"deleted\":false,"
                 "\"dateCreated\":\"2026-06-01\",\"checkoutSession\":null,\"customer\":\"" CUS
                 "\",\"paymentLink\":null,\"transactionReceiptUrl\":null,\"creditCard\":null,"
                 "\"refunds\":null}");
    assert_int_equal(am_billing_payments_of_installment(f->account.billing, inst->id, &list, &n), 0);
    assert_int_equal(n, 12);
    for (size_t i = 0; i < 11; i++)
        assert_int_equal(list[i]->value_cents, 2916);
    assert_int_equal(list[11]->value_cents, 2924);
    assert_int_equal(list[11]->due_day, D(2027, 5, 10));
    assert_string_equal(list[0]->description, "Parcela 1 de 12.");
    free(list);

    /* Its payments: newest first, so installment 12 leads. */
    assert_int_equal(call(f, am_api_installments_payments, inst->id, NULL, "limit=2"), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 12);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(root, "hasMore")));
    data = cJSON_GetObjectItem(root, "data");
    assert_int_equal(cJSON_GetArraySize(data), 2);
    first = cJSON_GetArrayItem(data, 0);
    assert_int_equal(cJSON_GetObjectItem(first, "installmentNumber")->valueint, 12);
    assert_string_equal(cJSON_GetObjectItem(first, "description")->valuestring,
                        "Parcela 12 de 12.");
    assert_string_equal(cJSON_GetObjectItem(first, "installment")->valuestring, inst->id);
    assert_string_equal(cJSON_GetObjectItem(first, "dueDate")->valuestring, "2027-05-10");
    cJSON_Delete(root);

    /* Listing and getting. */
    assert_int_equal(call(f, am_api_installments_list, NULL, NULL, NULL), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 1);
    cJSON_Delete(root);
    assert_int_equal(call(f, am_api_installments_get, inst->id, NULL, NULL), 200);
    assert_int_equal(call(f, am_api_installments_get, "nope", NULL, NULL), 404);
}

#define CARD_OK                                                                                   \
    "\"creditCard\":{\"holderName\":\"Maria\",\"number\":\"4444 4444 4444 4444\","                \
    "\"expiryMonth\":\"12\",\"expiryYear\":\"2030\",\"ccv\":\"123\"},"                            \
    "\"creditCardHolderInfo\":{\"name\":\"Maria\",\"email\":\"m@example.com\",\"cpfCnpj\":"       \
    "\"24971563792\",\"postalCode\":\"89223005\",\"addressNumber\":\"277\",\"phone\":"            \
    "\"4738010919\"},\"remoteIp\":\"116.213.42.532\""

static void test_installments_card_in_3_confirmed_at_once(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0;
    char expected[1024];

    assert_int_equal(call(f, am_api_installments_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\","
                          "\"installmentCount\":3,\"totalValue\":300,\"dueDate\":\"2026-06-01\","
                          "\"description\":\"Curso\"," CARD_OK "}",
                          NULL),
                     200);
    inst = am_billing_installment_at(f->account.billing, 0);
    assert_non_null(inst);
    assert_true(inst->card.present);
    assert_non_null(am_billing_token_find(f->account.billing, inst->card.token));
    normalise(f, inst->id, "INST");
    normalise(f, inst->card.token, "TOKEN");
    snprintf(expected, sizeof(expected),
             "{\"object\":\"installment\",\"id\":\"INST\",\"value\":300,\"netValue\":289.05,"
             "\"paymentValue\":100,\"installmentCount\":3,\"billingType\":\"CREDIT_CARD\","
             "\"paymentDate\":\"2026-06-01\",\"description\":\"Curso\",\"expirationDay\":1,"
             "\"deleted\":false,\"dateCreated\":\"2026-06-01\",\"checkoutSession\":null,"
             "\"customer\":\"" CUS "\",\"paymentLink\":null,\"transactionReceiptUrl\":"
             "\"https://sandbox.asaas.com/comprovantes/%s\",\"creditCard\":{\"creditCardNumber\":"
             "\"4444\",\"creditCardBrand\":\"VISA\",\"creditCardToken\":\"TOKEN\"},"
             "\"refunds\":null}",
             inst->receipt);
    assert_string_equal(f->body, expected);
    assert_int_equal(am_billing_payments_of_installment(f->account.billing, inst->id, &list, &n), 0);
    assert_int_equal(n, 3);
    /* Captured sandbox: 0.49 + 3.49% of the total = 10.96, divided truncating: every
     * installment nets 96.35 (the lost cent is never charged). */
    assert_int_equal(list[0]->net_value_cents, 9635);
    assert_int_equal(list[1]->net_value_cents, 9635);
    assert_int_equal(list[2]->net_value_cents, 9635);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(list[i]->status, AM_PAY_CONFIRMED);
    assert_string_equal(list[2]->description, "Parcela 3 de 3. Curso");
    free(list);
}

static void test_installments_declined_card_creates_nothing(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        call(f, am_api_installments_create, NULL,
             "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"installmentCount\":2,"
             "\"value\":50,\"dueDate\":\"2026-06-01\",\"creditCard\":{\"holderName\":\"M\","
             "\"number\":\"5184019740373151\",\"expiryMonth\":\"1\",\"expiryYear\":\"2031\","
             "\"ccv\":\"321\"},\"creditCardHolderInfo\":{\"name\":\"M\",\"email\":\"m@x.com\","
             "\"cpfCnpj\":\"24971563792\",\"postalCode\":\"1\",\"addressNumber\":\"1\","
             "\"phone\":\"1\"},\"remoteIp\":\"1.2.3.4\"}",
             NULL),
        400);
    assert_error(f, 400, "invalid_action",
                 "Transação não autorizada. Verifique os dados do cartão de crédito e tente "
                 "novamente.");
    assert_int_equal(am_billing_installment_count(f->account.billing), 0);
    assert_int_equal(am_billing_payment_count(f->account.billing), 0);
}

static void test_installments_validation_first_error_only(void **state)
{
    struct fx *f = *state;

    call(f, am_api_installments_create, NULL, "{}", NULL);
    assert_error(f, 400, "invalid_customer", "Customer inválido ou não informado.");
    call(f, am_api_installments_create, NULL, "{\"customer\":\"" CUS_DELETED "\"}", NULL);
    assert_error(f, 400, "invalid_customer", "Customer inválido ou não informado.");
    call(f, am_api_installments_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"installmentCount\":0}", NULL);
    assert_error(f, 400, "invalid_installmentCount", "O número de parcelas informado é inválido.");
    call(f, am_api_installments_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"installmentCount\":2}", NULL);
    assert_error(f, 400, "invalid_value", "O campo value deve ser informado");
    call(f, am_api_installments_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"installmentCount\":2,\"value\":10,"
         "\"dueDate\":\"2026-05-31\"}",
         NULL);
    assert_error(f, 400, "invalid_dueDate", "Não é permitido data de vencimento inferior a hoje.");
    assert_int_equal(am_billing_payment_count(f->account.billing), 0);
}

static void test_installments_delete_removes_charges_with_events(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    size_t before;
    char expected[128];
    struct am_payment **list = NULL;
    size_t n = 0;

    assert_int_equal(call(f, am_api_installments_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\","
                          "\"installmentCount\":3,\"value\":20,\"dueDate\":\"2026-06-05\"}",
                          NULL),
                     200);
    inst = am_billing_installment_at(f->account.billing, 0);
    assert_int_equal(am_billing_payments_of_installment(f->account.billing, inst->id, &list, &n), 0);
    /* One paid charge blocks the delete. */
    assert_int_equal(am_billing_payment_confirm(f->account.billing, list[0], f->ctx.now), 0);
    call(f, am_api_installments_delete, inst->id, NULL, NULL);
    assert_error(f, 400, "invalid_action",
                 "Não é possível remover um parcelamento que possui cobranças pagas. Estorne-as "
                 "antes.");
    assert_int_equal(call(f, am_api_installments_refund, inst->id, NULL, NULL), 200);
    assert_int_equal(list[0]->status, AM_PAY_REFUNDED);

    before = am_billing_events_count(f->account.billing);
    assert_int_equal(call(f, am_api_installments_delete, inst->id, NULL, NULL), 200);
    snprintf(expected, sizeof(expected), "{\"deleted\":true,\"id\":\"%s\"}", inst->id);
    assert_string_equal(f->body, expected);
    assert_true(inst->deleted);
    assert_true(list[1]->deleted);
    assert_true(list[2]->deleted);
    assert_int_equal(am_billing_events_count(f->account.billing), before + 2);
    assert_string_equal(am_billing_event_at(f->account.billing, before)->name, "PAYMENT_DELETED");
    assert_string_equal(am_billing_event_at(f->account.billing, before + 1)->name,
                        "PAYMENT_DELETED");
    free(list);
    assert_int_equal(call(f, am_api_installments_list, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,"
                                 "\"limit\":10,\"offset\":0,\"data\":[]}");
}

static void test_installments_delete_pending_payments_keeps_paid(void **state)
{
    struct fx *f = *state;
    const struct am_installment *inst;
    struct am_payment **list = NULL;
    size_t n = 0;
    cJSON *root;

    assert_int_equal(call(f, am_api_installments_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\","
                          "\"installmentCount\":2,\"value\":20,\"dueDate\":\"2026-06-05\"}",
                          NULL),
                     200);
    inst = am_billing_installment_at(f->account.billing, 0);
    assert_int_equal(am_billing_payments_of_installment(f->account.billing, inst->id, &list, &n), 0);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, list[0], f->ctx.now), 0);
    assert_int_equal(call(f, am_api_installments_delete_payments, inst->id, NULL, NULL), 200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "object")->valuestring, "installment");
    /* netValue now counts only the charge left: 20.00 - 1.99. */
    assert_true(cJSON_GetObjectItem(root, "netValue")->valuedouble == 18.01);
    cJSON_Delete(root);
    assert_false(list[0]->deleted);
    assert_true(list[1]->deleted);
    free(list);
    assert_int_equal(call(f, am_api_installments_payments, inst->id, NULL, "status=CONFIRMED"),
                     200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 1);
    cJSON_Delete(root);
    call(f, am_api_installments_payments, inst->id, NULL, "status=PAID");
    assert_int_equal(f->resp.status, 400);
}

/* ---- subscriptions --------------------------------------------------------------- */

static const char *sub_id(struct fx *f, size_t i)
{
    const struct am_subscription *s = am_recurring_at(f->account.recurring, i);

    assert_non_null(s);
    return s->id;
}

static void test_subscriptions_monthly_over_three_months(void **state)
{
    struct fx *f = *state;
    const char *id;
    struct am_payment **list = NULL;
    size_t n = 0;
    static const char *const names[] = {
        "SUBSCRIPTION_CREATED", "PAYMENT_CREATED", "PAYMENT_CREATED", "PAYMENT_RECEIVED",
        "PAYMENT_CREATED",      "PAYMENT_OVERDUE", "PAYMENT_CREATED", "PAYMENT_OVERDUE",
        "PAYMENT_CREATED",
    };
    cJSON *root;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":49.9,"
                          "\"nextDueDate\":\"2026-06-05\",\"cycle\":\"MONTHLY\","
                          "\"description\":\"Plano mensal\"}",
                          NULL),
                     200);
    id = sub_id(f, 0);
    assert_int_equal(strlen(id), 20);
    assert_memory_equal(id, "sub_", 4);
    normalise(f, id, "SUB");
    assert_string_equal(
        f->body, "{\"object\":\"subscription\",\"id\":\"SUB\",\"dateCreated\":\"2026-06-01\","
                 "\"customer\":\"" CUS "\",\"paymentLink\":null,\"value\":49.9,\"nextDueDate\":"
                 "\"2026-07-05\",\"cycle\":\"MONTHLY\",\"description\":\"Plano mensal\","
                 "\"billingType\":\"PIX\",\"deleted\":false,\"status\":\"ACTIVE\","
                 "\"externalReference\":null,\"checkoutSession\":null,"
                 "\"sendPaymentByPostalService\":false,\"fine\":{\"value\":0,\"type\":\"FIXED\"},"
                 "\"interest\":{\"value\":0,\"type\":\"PERCENTAGE\"},\"split\":null}");
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0]->due_day, D(2026, 6, 5));
    assert_int_equal(list[0]->value_cents, 4990);
    assert_string_equal(list[0]->description, "Plano mensal");
    free(list);

    /* Month 1: paid on its due day (Pix -> RECEIVED). The July charge is generated at
     * the first job (07-05 - 40 days has passed). */
    move_to(f, at(2026, 6, 5, 10));
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, list[0], f->ctx.now), 0);
    free(list);
    /* Months 2 and 3 go unpaid. */
    move_to(f, at(2026, 8, 31, 10));
    assert_int_equal(call(f, am_api_subscriptions_get, id, NULL, NULL), 200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "nextDueDate")->valuestring, "2026-11-05");
    cJSON_Delete(root);
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 5); /* 40 days ahead: October's charge exists on 08-31 */
    assert_int_equal(list[1]->due_day, D(2026, 7, 5));
    assert_int_equal(list[2]->due_day, D(2026, 8, 5));
    assert_int_equal(list[3]->due_day, D(2026, 9, 5));
    assert_int_equal(list[0]->status, AM_PAY_RECEIVED);
    assert_int_equal(list[1]->status, AM_PAY_OVERDUE);
    assert_int_equal(list[2]->status, AM_PAY_OVERDUE);
    assert_int_equal(list[3]->status, AM_PAY_PENDING);
    assert_int_equal(list[4]->due_day, D(2026, 10, 5));
    assert_int_equal(list[4]->created_at, at(2026, 8, 26, 0));
    free(list);

    assert_int_equal(am_billing_events_count(f->account.billing), sizeof(names) / sizeof(*names));
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        assert_string_equal(am_billing_event_at(f->account.billing, i)->name, names[i]);

    assert_int_equal(call(f, am_api_subscriptions_payments, id, NULL, "status=OVERDUE"), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 2);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0), "dueDate")
            ->valuestring,
        "2026-08-05");
    cJSON_Delete(root);
    assert_int_equal(call(f, am_api_subscriptions_payments, id, NULL, NULL), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 5);
    cJSON_Delete(root);
}

static void test_subscriptions_max_payments_and_end_date(void **state)
{
    struct fx *f = *state;
    cJSON *root;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
                          "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"WEEKLY\","
                          "\"maxPayments\":1}",
                          NULL),
                     200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "status")->valuestring, "EXPIRED");
    assert_int_equal(cJSON_GetObjectItem(root, "maxPayments")->valueint, 1);
    cJSON_Delete(root);
    move_to(f, at(2026, 7, 1, 9));
    assert_int_equal(am_billing_payment_count(f->account.billing), 1);

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
                          "\"nextDueDate\":\"2026-07-10\",\"cycle\":\"BIWEEKLY\","
                          "\"endDate\":\"2026-08-07\"}",
                          NULL),
                     200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "status")->valuestring, "ACTIVE");
    assert_string_equal(cJSON_GetObjectItem(root, "endDate")->valuestring, "2026-08-07");
    cJSON_Delete(root);
    move_to(f, at(2026, 7, 2, 9)); /* 07-24 and 08-07 fall within the 40 days */
    assert_int_equal(call(f, am_api_subscriptions_get, sub_id(f, 1), NULL, NULL), 200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "status")->valuestring, "EXPIRED");
    assert_string_equal(cJSON_GetObjectItem(root, "nextDueDate")->valuestring, "2026-08-21");
    cJSON_Delete(root);
    assert_int_equal(am_billing_payment_count(f->account.billing), 4);

    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
         "\"nextDueDate\":\"2026-07-10\",\"cycle\":\"MONTHLY\",\"endDate\":\"2026-07-09\"}",
         NULL);
    assert_error(f, 400, "invalid_endDate",
                 "A data de término deve ser igual ou posterior ao próximo vencimento.");
    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
         "\"nextDueDate\":\"2026-07-10\",\"cycle\":\"MONTHLY\",\"maxPayments\":0}",
         NULL);
    assert_error(f, 400, "invalid_maxPayments",
                 "O número máximo de cobranças deve ser maior que zero.");
}

static void test_subscriptions_validation_first_error_only(void **state)
{
    struct fx *f = *state;

    call(f, am_api_subscriptions_create, NULL, "{}", NULL);
    assert_error(f, 400, "invalid_customer", "Customer inválido ou não informado.");
    call(f, am_api_subscriptions_create, NULL, "{\"customer\":\"" CUS "\"}", NULL);
    assert_error(f, 400, "invalid_billingType", "O campo billingType deve ser informado.");
    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":5}", NULL);
    assert_error(f, 400, "invalid_nextDueDate", "O campo nextDueDate deve ser informado.");
    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":5,"
         "\"nextDueDate\":\"2026-05-30\",\"cycle\":\"MONTHLY\"}",
         NULL);
    assert_error(f, 400, "invalid_nextDueDate",
                 "Não é permitido data de vencimento inferior a hoje.");
    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":5,"
         "\"nextDueDate\":\"2026-06-01\",\"cycle\":\"DAILY\"}",
         NULL);
    assert_error(f, 400, "invalid_cycle", "Periodicidade inválida.");
    call(f, am_api_subscriptions_create, NULL,
         "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":5,"
         "\"nextDueDate\":\"2026-06-01\",\"cycle\":\"MONTHLY\",\"fine\":{\"value\":-1}}",
         NULL);
    assert_error(f, 400, "invalid_fine", "A multa informada é inválida.");
    assert_int_equal(am_recurring_count(f->account.recurring), 0);
    assert_int_equal(am_billing_events_count(f->account.billing), 0);
}

static void test_subscriptions_card_first_charge_confirmed(void **state)
{
    struct fx *f = *state;
    struct am_payment *p;
    const struct am_subscription *s;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"CREDIT_CARD\",\"value\":100,"
                          "\"nextDueDate\":\"2026-06-01\",\"cycle\":\"MONTHLY\"," CARD_OK "}",
                          NULL),
                     200);
    s = am_recurring_at(f->account.recurring, 0);
    assert_true(s->card.present);
    assert_string_equal(s->card.last4, "4444");
    p = am_billing_payment_at(f->account.billing, 0);
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
    assert_int_equal(p->net_value_cents, 9652);
    /* The next charge is paid by the job on its due day. */
    move_to(f, at(2026, 7, 1, 9));
    p = am_billing_payment_at(f->account.billing, 1);
    assert_int_equal(p->due_day, D(2026, 7, 1));
    assert_int_equal(p->status, AM_PAY_CONFIRMED);
}

static void test_subscriptions_update_pending_payments_and_inactivate(void **state)
{
    struct fx *f = *state;
    const char *id;
    struct am_payment **list = NULL;
    size_t n = 0;
    cJSON *root;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,"
                          "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"WEEKLY\"}",
                          NULL),
                     200);
    id = sub_id(f, 0);
    move_to(f, at(2026, 6, 2, 9)); /* generates 06-17 .. 07-08 */
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, list[0], f->ctx.now), 0);
    free(list);
    assert_int_equal(call(f, am_api_subscriptions_update, id,
                          "{\"value\":12.5,\"description\":\"Novo\",\"updatePendingPayments\":true}",
                          NULL),
                     200);
    root = parsed(f);
    assert_true(cJSON_GetObjectItem(root, "value")->valuedouble == 12.5);
    assert_string_equal(cJSON_GetObjectItem(root, "description")->valuestring, "Novo");
    cJSON_Delete(root);
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(list[0]->value_cents, 1000); /* paid: untouched */
    for (size_t i = 1; i < n; i++) {
        assert_int_equal(list[i]->value_cents, 1250);
        assert_string_equal(list[i]->description, "Novo");
    }
    free(list);
    assert_string_equal(am_billing_event_at(f->account.billing,
                                            am_billing_events_count(f->account.billing) - 1)
                            ->name,
                        "SUBSCRIPTION_UPDATED");

    assert_int_equal(call(f, am_api_subscriptions_update, id, "{\"status\":\"INACTIVE\"}", NULL),
                     200);
    assert_string_equal(am_billing_event_at(f->account.billing,
                                            am_billing_events_count(f->account.billing) - 1)
                            ->name,
                        "SUBSCRIPTION_INACTIVATED");
    move_to(f, at(2026, 7, 20, 9));
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 5);
    free(list);
    call(f, am_api_subscriptions_update, id, "{\"status\":\"EXPIRED\"}", NULL);
    assert_error(f, 400, "invalid_status", "Situação inválida: informe ACTIVE ou INACTIVE.");
    /* Reactivated: resumes from today, never in the past. */
    assert_int_equal(call(f, am_api_subscriptions_update, id, "{\"status\":\"ACTIVE\"}", NULL),
                     200);
    root = parsed(f);
    assert_string_equal(cJSON_GetObjectItem(root, "nextDueDate")->valuestring, "2026-07-22");
    cJSON_Delete(root);
}

static void test_subscriptions_delete_takes_pending_charges(void **state)
{
    struct fx *f = *state;
    const char *id;
    struct am_payment **list = NULL;
    size_t n = 0, before;
    char expected[128];
    cJSON *root;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,"
                          "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"BIWEEKLY\","
                          "\"externalReference\":\"ref-9\"}",
                          NULL),
                     200);
    id = sub_id(f, 0);
    move_to(f, at(2026, 6, 2, 9)); /* 06-24 and 07-08 */
    assert_int_equal(am_billing_payments_of_subscription(f->account.billing, id, &list, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, list[0], f->ctx.now), 0);
    before = am_billing_events_count(f->account.billing);
    assert_int_equal(call(f, am_api_subscriptions_delete, id, NULL, NULL), 200);
    snprintf(expected, sizeof(expected), "{\"deleted\":true,\"id\":\"%s\"}", id);
    assert_string_equal(f->body, expected);
    assert_false(list[0]->deleted);
    assert_true(list[1]->deleted);
    assert_true(list[2]->deleted);
    free(list);
    assert_int_equal(am_billing_events_count(f->account.billing), before + 3);
    assert_string_equal(am_billing_event_at(f->account.billing, before)->name, "PAYMENT_DELETED");
    assert_string_equal(am_billing_event_at(f->account.billing, before + 1)->name,
                        "PAYMENT_DELETED");
    assert_string_equal(am_billing_event_at(f->account.billing, before + 2)->name,
                        "SUBSCRIPTION_DELETED");
    /* Idempotent, no more events; no more charges. */
    assert_int_equal(call(f, am_api_subscriptions_delete, id, NULL, NULL), 200);
    assert_int_equal(am_billing_events_count(f->account.billing), before + 3);
    move_to(f, at(2026, 8, 1, 9));
    assert_int_equal(am_billing_payment_count(f->account.billing), 3);

    assert_int_equal(call(f, am_api_subscriptions_list, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,"
                                 "\"limit\":10,\"offset\":0,\"data\":[]}");
    assert_int_equal(call(f, am_api_subscriptions_list, NULL, NULL,
                          "deletedOnly=true&externalReference=ref-9"),
                     200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 1);
    cJSON_Delete(root);
    call(f, am_api_subscriptions_update, id, "{\"value\":1}", NULL);
    assert_error(f, 400, "invalid_action", "Não é possível alterar uma assinatura removida.");
    assert_int_equal(call(f, am_api_subscriptions_get, "sub_nope", NULL, NULL), 404);
}

static void test_subscriptions_list_filters(void **state)
{
    struct fx *f = *state;
    cJSON *root;

    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"PIX\",\"value\":10,"
                          "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"YEARLY\"}",
                          NULL),
                     200);
    assert_int_equal(call(f, am_api_subscriptions_create, NULL,
                          "{\"customer\":\"" CUS "\",\"billingType\":\"BOLETO\",\"value\":10,"
                          "\"nextDueDate\":\"2026-06-10\",\"cycle\":\"QUARTERLY\"}",
                          NULL),
                     200);
    assert_int_equal(call(f, am_api_subscriptions_list, NULL, NULL, "billingType=BOLETO"), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 1);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0), "cycle")
            ->valuestring,
        "QUARTERLY");
    cJSON_Delete(root);
    assert_int_equal(call(f, am_api_subscriptions_list, NULL, NULL,
                          "customer=" CUS "&status=ACTIVE&limit=1"),
                     200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 2);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(root, "hasMore")));
    /* Newest first. */
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0), "id")
            ->valuestring,
        sub_id(f, 1));
    cJSON_Delete(root);
    call(f, am_api_subscriptions_list, NULL, NULL, "status=CANCELLED");
    assert_int_equal(f->resp.status, 400);
}

/* ---- finance and account --------------------------------------------------------- */

static void test_finance_balance_equals_ledger_sum(void **state)
{
    struct fx *f = *state;
    struct am_payment_spec spec;
    struct am_payment *pix = NULL, *boleto = NULL;
    int64_t sum = 0;
    cJSON *root, *data;

    assert_int_equal(call(f, am_api_finance_balance, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"balance\":0}");
    am_payment_spec_init(&spec);
    spec.customer = CUS;
    spec.billing_type = AM_BILLING_PIX;
    spec.value_cents = 10000;
    spec.due_day = D(2026, 6, 5);
    assert_int_equal(am_billing_payment_create(f->account.billing, &f->ids, &spec, f->ctx.now, &pix),
                     0);
    spec.billing_type = AM_BILLING_BOLETO;
    spec.value_cents = 35000;
    assert_int_equal(
        am_billing_payment_create(f->account.billing, &f->ids, &spec, f->ctx.now, &boleto), 0);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, pix, f->ctx.now), 0);
    assert_int_equal(am_billing_payment_confirm(f->account.billing, boleto, f->ctx.now), 0);
    move_to(f, at(2026, 6, 3, 9)); /* the boleto settles on 06-02 */
    assert_int_equal(boleto->status, AM_PAY_RECEIVED);
    assert_int_equal(am_billing_payment_refund(f->account.billing, pix, 3000, "parcial", f->ctx.now),
                     0);

    for (size_t i = 0; i < am_billing_ledger_count(f->account.billing); i++)
        sum += am_billing_ledger_at(f->account.billing, i)->value_cents;
    assert_int_equal(sum, 10000 - 199 + 35000 - 199 - 3000);
    assert_int_equal(call(f, am_api_finance_balance, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"balance\":416.02}");

    assert_int_equal(call(f, am_api_financial_transactions, NULL, NULL, "order=desc&limit=1"), 200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint,
                     (int)am_billing_ledger_count(f->account.billing));
    data = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0);
    assert_string_equal(cJSON_GetObjectItem(data, "object")->valuestring, "financialTransaction");
    assert_true(cJSON_GetObjectItem(data, "value")->valuedouble == -30);
    assert_true(cJSON_GetObjectItem(data, "balance")->valuedouble == 416.02);
    assert_string_equal(cJSON_GetObjectItem(data, "paymentId")->valuestring, pix->id);
    assert_string_equal(cJSON_GetObjectItem(data, "date")->valuestring, "2026-06-03");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(data, "transferId")));
    cJSON_Delete(root);
    assert_int_equal(call(f, am_api_financial_transactions, NULL, NULL,
                          "startDate=2026-06-02&finishDate=2026-06-02"),
                     200);
    root = parsed(f);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valueint, 2); /* boleto + fee */
    cJSON_Delete(root);
    call(f, am_api_financial_transactions, NULL, NULL, "order=up");
    assert_error(f, 400, "invalid_order", "O parâmetro order deve ser asc ou desc.");
    call(f, am_api_financial_transactions, NULL, NULL, "startDate=01/06/2026");
    assert_int_equal(f->resp.status, 400);

    assert_int_equal(call(f, am_api_finance_statistics, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"quantity\":2,\"value\":450,\"netValue\":446.02}");
    assert_int_equal(call(f, am_api_finance_statistics, NULL, NULL,
                          "billingType=BOLETO&dueDate%5Bge%5D=2026-06-05"),
                     200);
    assert_string_equal(f->body, "{\"quantity\":1,\"value\":350,\"netValue\":348.01}");
    assert_int_equal(call(f, am_api_finance_statistics, NULL, NULL, "status=PENDING"), 200);
    assert_string_equal(f->body, "{\"quantity\":0,\"value\":0,\"netValue\":0}");
}

static void test_account_status_pending_until_sandbox_approve(void **state)
{
    struct fx *f = *state;

    assert_int_equal(call(f, am_api_my_account_status, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"id\":\"0d9c6f3e-55b1-4c1e-9a8e-acc000000001\",\"commercialInfo\":\"PENDING\","
                                 "\"bankAccountInfo\":\"PENDING\",\"documentation\":\"PENDING\","
                                 "\"general\":\"PENDING\"}");
    assert_int_equal(call(f, am_api_sandbox_approve, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"id\":\"0d9c6f3e-55b1-4c1e-9a8e-acc000000001\",\"commercialInfo\":\"APPROVED\","
                                 "\"bankAccountInfo\":\"APPROVED\",\"documentation\":\"APPROVED\","
                                 "\"general\":\"APPROVED\"}");
    assert_int_equal(am_billing_events_count(f->account.billing), 4);
    assert_string_equal(am_billing_event_at(f->account.billing, 3)->name,
                        "ACCOUNT_STATUS_GENERAL_APPROVAL_APPROVED");
    assert_int_equal(call(f, am_api_sandbox_approve, NULL, NULL, NULL), 200);
    assert_int_equal(am_billing_events_count(f->account.billing), 4);
    assert_int_equal(call(f, am_api_my_account_status, NULL, NULL, NULL), 200);
    assert_string_equal(f->body, "{\"id\":\"0d9c6f3e-55b1-4c1e-9a8e-acc000000001\",\"commercialInfo\":\"APPROVED\","
                                 "\"bankAccountInfo\":\"APPROVED\",\"documentation\":\"APPROVED\","
                                 "\"general\":\"APPROVED\"}");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_installments_boleto_350_in_12),
        T(test_installments_card_in_3_confirmed_at_once),
        T(test_installments_declined_card_creates_nothing),
        T(test_installments_validation_first_error_only),
        T(test_installments_delete_removes_charges_with_events),
        T(test_installments_delete_pending_payments_keeps_paid),
        T(test_subscriptions_monthly_over_three_months),
        T(test_subscriptions_max_payments_and_end_date),
        T(test_subscriptions_validation_first_error_only),
        T(test_subscriptions_card_first_charge_confirmed),
        T(test_subscriptions_update_pending_payments_and_inactivate),
        T(test_subscriptions_delete_takes_pending_charges),
        T(test_subscriptions_list_filters),
        T(test_finance_balance_equals_ledger_sum),
        T(test_account_status_pending_until_sandbox_approve),
    };

    return cmocka_run_group_tests_name("api_recurring", tests, NULL, NULL);
}

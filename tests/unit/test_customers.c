/* test_customers.c - the customer store and the /v3/customers handlers, driven through
 * fake requests; every response body is asserted whole. Ids come from am_ids seeded
 * with 42 (first customer cus_000004275413) and now = 1780000000 (2026-05-28 BRT). */
#include "test_helpers.h"

#include <errno.h>

#include "api_customers.h"
#include "asaas_facts.h"
#include "customers.h"

#define NOW 1780000000
#define ID1 "cus_000004275413"
#define ID2 "cus_000004275414"
#define ID3 "cus_000004275415"

#define CPF1 "24971563792"
#define CPF2 "52998224725"
#define CNPJ1 "11222333000181"
#define CNPJ2 "19131243000197"

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

    assert_non_null(f);
    f->account.customers = am_customer_store_new();
    assert_non_null(f->account.customers);
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
    free(f);
    return 0;
}

enum op { OP_CREATE, OP_LIST, OP_GET, OP_UPDATE, OP_DELETE, OP_RESTORE };

/* Runs one handler with body (NULL = none) copied into an exact-size, non-terminated
 * buffer so ASan catches any read past body_len, and query (NULL = none). */
static void call(struct fx *f, enum op op, const char *id, const char *query, const char *body,
                 size_t body_len)
{
    struct am_request req = {.path = "/v3/customers", .client_ip = "127.0.0.1"};
    char *copy = NULL;
    int r = -1;

    if (body) {
        copy = malloc(body_len ? body_len : 1);
        assert_non_null(copy);
        memcpy(copy, body, body_len);
        req.body = copy;
        req.body_len = body_len;
    }
    req.query = query;
    am_query_finish(&f->query);
    assert_int_equal(am_query_parse(query, &f->query), 0);
    am_response_finish(&f->resp);
    switch (op) {
    case OP_CREATE:
        req.method = AM_METHOD_POST;
        r = am_api_customers_create(&f->ctx, NULL, &req, &f->resp);
        break;
    case OP_LIST:
        req.method = AM_METHOD_GET;
        r = am_api_customers_list(&f->ctx, NULL, &req, &f->resp);
        break;
    case OP_GET:
        req.method = AM_METHOD_GET;
        r = am_api_customers_get(&f->ctx, id, &req, &f->resp);
        break;
    case OP_UPDATE:
        req.method = AM_METHOD_PUT;
        r = am_api_customers_update(&f->ctx, id, &req, &f->resp);
        break;
    case OP_DELETE:
        req.method = AM_METHOD_DELETE;
        r = am_api_customers_delete(&f->ctx, id, &req, &f->resp);
        break;
    case OP_RESTORE:
        req.method = AM_METHOD_POST;
        r = am_api_customers_restore(&f->ctx, id, &req, &f->resp);
        break;
    }
    free(copy);
    assert_int_equal(r, 0);
}

/* call() with a NUL-terminated body (or NULL for none). */
static void CALL(struct fx *f, enum op op, const char *id, const char *query, const char *body)
{
    call(f, op, id, query, body, body ? strlen(body) : 0);
}

static void expect(const struct fx *f, int status, const char *body)
{
    assert_int_equal(f->resp.status, status);
    assert_non_null(f->resp.body);
    assert_string_equal(f->resp.body, body);
    assert_int_equal(f->resp.body_len, strlen(body));
    assert_string_equal(f->resp.content_type, "application/json");
}

static void expect_error(const struct fx *f, int status, const char *code, const char *text)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "{\"errors\":[{\"code\":\"%s\",\"description\":\"%s\"}]}", code,
             text);
    expect(f, status, buf);
}

/* The object of a customer created with only name and cpfCnpj. */
static const char *minimal(const char *id, const char *name, const char *doc, bool deleted)
{
    static char buf[4][1024];
    static int next;
    char *out = buf[next++ % 4];

    snprintf(out, 1024,
             "{\"object\":\"customer\",\"id\":\"%s\",\"dateCreated\":\"2026-05-28\","
             "\"name\":\"%s\",\"email\":null,\"company\":null,\"phone\":null,"
             "\"mobilePhone\":null,\"address\":null,\"addressNumber\":null,"
             "\"complement\":null,\"province\":null,\"postalCode\":null,\"cpfCnpj\":\"%s\","
             "\"personType\":\"%s\",\"deleted\":%s,\"additionalEmails\":null,"
             "\"externalReference\":null,\"notificationDisabled\":false,"
             "\"observations\":null,\"municipalInscription\":null,\"stateInscription\":null,"
             "\"canDelete\":true,\"cannotBeDeletedReason\":null,\"canEdit\":true,"
             "\"cannotEditReason\":null,\"city\":null,\"cityName\":null,\"state\":null,"
             "\"country\":\"Brasil\"}",
             id, name, doc, strlen(doc) == 14 ? "JURIDICA" : "FISICA", deleted ? "true" : "false");
    return out;
}

static void create_ok(struct fx *f, const char *name, const char *doc)
{
    char body[256];

    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"cpfCnpj\":\"%s\"}", name, doc);
    CALL(f, OP_CREATE, NULL, NULL, body);
    assert_int_equal(f->resp.status, 200);
}

/* ---- create ---- */

static void test_customers_create_minimal_answers_whole_object(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_CREATE, NULL, NULL, "{\"name\":\"Marcelo Almeida\",\"cpfCnpj\":\"24971563792\"}");
    expect(f, 200,
           "{\"object\":\"customer\",\"id\":\"cus_000004275413\",\"dateCreated\":\"2026-05-28\","
           "\"name\":\"Marcelo Almeida\",\"email\":null,\"company\":null,\"phone\":null,"
           "\"mobilePhone\":null,\"address\":null,\"addressNumber\":null,\"complement\":null,"
           "\"province\":null,\"postalCode\":null,\"cpfCnpj\":\"24971563792\","
           "\"personType\":\"FISICA\",\"deleted\":false,\"additionalEmails\":null,"
           "\"externalReference\":null,\"notificationDisabled\":false,\"observations\":null,"
           "\"municipalInscription\":null,\"stateInscription\":null,\"canDelete\":true,"
           "\"cannotBeDeletedReason\":null,\"canEdit\":true,\"cannotEditReason\":null,"
           "\"city\":null,\"cityName\":null,\"state\":null,\"country\":\"Brasil\"}");
    assert_int_equal(am_customer_store_count(f->account.customers), 1);
    assert_true(am_customer_store_is_active(f->account.customers, ID1));
}

static void test_customers_create_all_fields_trimmed_cnpj_is_juridica(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_CREATE, NULL, NULL,
         "{\"name\":\"  Padaria São João Ltda \",\"cpfCnpj\":\"11.222.333/0001-81\","
         "\"email\":\"contato@padaria.com.br\",\"phone\":\"4738010919\","
         "\"mobilePhone\":\"4799376637\",\"address\":\"Av. Paulista\","
         "\"addressNumber\":\"150\",\"complement\":\"Sala 201\",\"province\":\"Centro\","
         "\"postalCode\":\"01310-000\",\"externalReference\":\"ext-1\","
         "\"notificationDisabled\":true,\"additionalEmails\":\"a@b.com,c@d.com\","
         "\"municipalInscription\":\"46683695908\",\"stateInscription\":\"646681195275\","
         "\"observations\":\"ótimo pagador\",\"groupName\":\"VIP\",\"company\":\"Padaria\","
         "\"foreignCustomer\":true,\"unknownField\":123}\r\n");
    expect(f, 200,
           "{\"object\":\"customer\",\"id\":\"cus_000004275413\",\"dateCreated\":\"2026-05-28\","
           "\"name\":\"Padaria São João Ltda\",\"email\":\"contato@padaria.com.br\","
           "\"company\":\"Padaria\",\"phone\":\"4738010919\",\"mobilePhone\":\"4799376637\","
           "\"address\":\"Av. Paulista\",\"addressNumber\":\"150\",\"complement\":\"Sala 201\","
           "\"province\":\"Centro\",\"postalCode\":\"01310-000\",\"cpfCnpj\":\"11222333000181\","
           "\"personType\":\"JURIDICA\",\"deleted\":false,"
           "\"additionalEmails\":\"a@b.com,c@d.com\",\"externalReference\":\"ext-1\","
           "\"notificationDisabled\":true,\"observations\":\"ótimo pagador\","
           "\"municipalInscription\":\"46683695908\",\"stateInscription\":\"646681195275\","
           "\"canDelete\":true,\"cannotBeDeletedReason\":null,\"canEdit\":true,"
           "\"cannotEditReason\":null,\"city\":null,\"cityName\":null,\"state\":null,"
           "\"country\":\"Brasil\"}");
    assert_string_equal(am_customer_store_find(f->account.customers, ID1)->group_name, "VIP");
}

static void test_customers_create_empty_strings_and_nulls_render_null(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_CREATE, NULL, NULL,
         "{\"name\":\"Ana\",\"cpfCnpj\":\"529.982.247-25\",\"email\":\"\",\"phone\":null,"
         "\"company\":\"   \",\"notificationDisabled\":null}");
    expect(f, 200, minimal(ID1, "Ana", CPF2, false));
}

static void test_customers_create_ids_are_sequential(void **state)
{
    struct fx *f = *state;

    create_ok(f, "A", CPF1);
    expect(f, 200, minimal(ID1, "A", CPF1, false));
    create_ok(f, "B", CNPJ2);
    expect(f, 200, minimal(ID2, "B", CNPJ2, false));
    assert_int_equal(am_customer_store_count(f->account.customers), 2);
}

static void test_customers_create_requires_name(void **state)
{
    static const char *const bodies[] = {
        "",
        "   \n",
        "{}",
        "{\"cpfCnpj\":\"11111111111\"}",
        "{\"name\":null,\"cpfCnpj\":\"24971563792\"}",
        "{\"name\":\"\",\"cpfCnpj\":\"24971563792\"}",
        "{\"name\":\" \\t \",\"cpfCnpj\":\"24971563792\"}",
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        CALL(f, OP_CREATE, NULL, NULL, bodies[i]);
        expect_error(f, 400, "invalid_name", "O nome do cliente deve ser informado.");
    }
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_create_requires_cpf_cnpj(void **state)
{
    static const char *const bodies[] = {
        "{\"name\":\"Ana\"}",
        "{\"name\":\"Ana\",\"cpfCnpj\":null}",
        "{\"name\":\"Ana\",\"cpfCnpj\":\"\"}",
        "{\"name\":\"Ana\",\"cpfCnpj\":\"  \"}",
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        CALL(f, OP_CREATE, NULL, NULL, bodies[i]);
        expect_error(f, 400, "invalid_cpfCnpj", "O CPF/CNPJ deve ser informado.");
    }
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_create_rejects_bad_check_digits_as_invalid_object(void **state)
{
    static const char *const docs[] = {
        "11111111111", "24971563793", "2497156379", "249715637921", "11222333000182",
        "00000000000000", "abc", "249.715.637-9x",
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        char body[128];

        snprintf(body, sizeof(body), "{\"name\":\"Ana\",\"cpfCnpj\":\"%s\"}", docs[i]);
        CALL(f, OP_CREATE, NULL, NULL, body);
        expect_error(f, 400, "invalid_object", "O CPF/CNPJ informado é inválido.");
    }
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_create_rejects_bad_email(void **state)
{
    static const char *const emails[] = {
        "ana", "ana@", "@x.com", "ana@x", "ana@@x.com", "ana@x..com", "ana@.x.com",
        "ana@x.com.", "ana maria@x.com", "a@b.com,c@d.com",
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
        char body[160];

        snprintf(body, sizeof(body), "{\"name\":\"Ana\",\"cpfCnpj\":\"%s\",\"email\":\"%s\"}",
                 CPF1, emails[i]);
        CALL(f, OP_CREATE, NULL, NULL, body);
        expect_error(f, 400, "invalid_email", "O email informado é inválido.");
    }
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_create_rejects_wrong_json_types(void **state)
{
    static const char *const string_keys[] = {
        "name", "cpfCnpj", "email", "phone", "mobilePhone", "address", "addressNumber",
        "complement", "province", "postalCode", "externalReference", "additionalEmails",
        "municipalInscription", "stateInscription", "observations", "groupName", "company",
    };
    static const char *const bool_keys[] = {"notificationDisabled", "foreignCustomer"};
    struct fx *f = *state;
    char body[256], code[64], text[128];

    for (size_t i = 0; i < sizeof(string_keys) / sizeof(string_keys[0]); i++) {
        /* Each body is valid except for the one mistyped field. */
        if (strcmp(string_keys[i], "name") == 0)
            snprintf(body, sizeof(body), "{\"name\":42,\"cpfCnpj\":\"%s\"}", CPF1);
        else if (strcmp(string_keys[i], "cpfCnpj") == 0)
            snprintf(body, sizeof(body), "{\"name\":\"Ana\",\"cpfCnpj\":24971563792}");
        else
            snprintf(body, sizeof(body), "{\"name\":\"Ana\",\"cpfCnpj\":\"%s\",\"%s\":[\"x\"]}",
                     CPF1, string_keys[i]);
        CALL(f, OP_CREATE, NULL, NULL, body);
        snprintf(code, sizeof(code), "invalid_%s", string_keys[i]);
        snprintf(text, sizeof(text), "O campo %s possui um tipo inválido.", string_keys[i]);
        expect_error(f, 400, code, text);
    }
    for (size_t i = 0; i < 2; i++) {
        snprintf(body, sizeof(body), "{\"name\":\"Ana\",\"cpfCnpj\":\"%s\",\"%s\":\"true\"}",
                 CPF1, bool_keys[i]);
        CALL(f, OP_CREATE, NULL, NULL, body);
        snprintf(code, sizeof(code), "invalid_%s", bool_keys[i]);
        snprintf(text, sizeof(text), "O campo %s possui um tipo inválido.", bool_keys[i]);
        expect_error(f, 400, code, text);
    }
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_create_reports_only_the_first_error(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_CREATE, NULL, NULL, "{\"name\":1,\"cpfCnpj\":\"111\",\"email\":\"x\"}");
    expect_error(f, 400, "invalid_name", "O campo name possui um tipo inválido.");
    CALL(f, OP_CREATE, NULL, NULL, "{\"cpfCnpj\":\"111\",\"email\":\"x\",\"phone\":1}");
    expect_error(f, 400, "invalid_name", "O nome do cliente deve ser informado.");
    CALL(f, OP_CREATE, NULL, NULL, "{\"name\":\"A\",\"cpfCnpj\":\"111\",\"email\":\"x\"}");
    expect_error(f, 400, "invalid_object", "O CPF/CNPJ informado é inválido.");
    CALL(f, OP_CREATE, NULL, NULL,
         "{\"name\":\"A\",\"cpfCnpj\":\"24971563792\",\"email\":\"x\",\"phone\":1}");
    expect_error(f, 400, "invalid_email", "O email informado é inválido.");
}

static void test_customers_create_rejects_malformed_json(void **state)
{
    static const char *const bodies[] = {
        "{", "[]", "\"x\"", "null", "42", "{} x", "{}{}", "{\"name\":\"A\",}", "nope",
        "{\"name\":\"A\"} ]",
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        CALL(f, OP_CREATE, NULL, NULL, bodies[i]);
        expect_error(f, 400, "invalid_json", "O corpo da requisição não é um JSON válido");
    }
    /* A NUL byte followed by garbage is trailing data too. */
    call(f, OP_CREATE, NULL, NULL, "{}\0x", 4);
    expect_error(f, 400, "invalid_json", "O corpo da requisição não é um JSON válido");
    assert_int_equal(am_customer_store_count(f->account.customers), 0);
}

static void test_customers_handlers_need_a_store(void **state)
{
    struct fx *f = *state;
    struct am_request req = {.method = AM_METHOD_POST, .path = "/v3/customers",
                             .client_ip = ""};
    struct am_customer_store *store = f->account.customers;

    f->account.customers = NULL;
    assert_int_equal(am_api_customers_create(&f->ctx, NULL, &req, &f->resp), -EINVAL);
    assert_int_equal(am_api_customers_list(&f->ctx, NULL, &req, &f->resp), -EINVAL);
    assert_int_equal(am_api_customers_get(&f->ctx, ID1, &req, &f->resp), -EINVAL);
    assert_int_equal(am_api_customers_update(&f->ctx, ID1, &req, &f->resp), -EINVAL);
    assert_int_equal(am_api_customers_delete(&f->ctx, ID1, &req, &f->resp), -EINVAL);
    assert_int_equal(am_api_customers_restore(&f->ctx, ID1, &req, &f->resp), -EINVAL);
    f->account.customers = store;
}

/* ---- get ---- */

static void test_customers_get_returns_object_or_404(void **state)
{
    struct fx *f = *state;

    create_ok(f, "Ana", CPF1);
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, false));
    CALL(f, OP_GET, "cus_000000000000", NULL, NULL);
    expect_error(f, 404, "not_found", "O recurso solicitado não existe");
    CALL(f, OP_GET, "", NULL, NULL);
    expect_error(f, 404, "not_found", "O recurso solicitado não existe");
}

/* ---- list ---- */

static void test_customers_list_empty(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect(f, 200,
           "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,\"limit\":10,\"offset\":0,"
           "\"data\":[]}");
}

static void expect_list(const struct fx *f, bool has_more, int total, int limit, int offset,
                        const char *items)
{
    char buf[8192];

    snprintf(buf, sizeof(buf),
             "{\"object\":\"list\",\"hasMore\":%s,\"totalCount\":%d,\"limit\":%d,"
             "\"offset\":%d,\"data\":[%s]}",
             has_more ? "true" : "false", total, limit, offset, items);
    expect(f, 200, buf);
}

static void test_customers_list_newest_first_and_paginates(void **state)
{
    struct fx *f = *state;
    char items[4096];

    create_ok(f, "A", CPF1);
    create_ok(f, "B", CPF2);
    create_ok(f, "C", CNPJ1);

    CALL(f, OP_LIST, NULL, NULL, NULL);
    snprintf(items, sizeof(items), "%s,%s,%s", minimal(ID3, "C", CNPJ1, false),
             minimal(ID2, "B", CPF2, false), minimal(ID1, "A", CPF1, false));
    expect_list(f, false, 3, 10, 0, items);

    CALL(f, OP_LIST, NULL, "limit=2", NULL);
    snprintf(items, sizeof(items), "%s,%s", minimal(ID3, "C", CNPJ1, false),
             minimal(ID2, "B", CPF2, false));
    expect_list(f, true, 3, 2, 0, items);

    CALL(f, OP_LIST, NULL, "limit=2&offset=2", NULL);
    expect_list(f, false, 3, 2, 2, minimal(ID1, "A", CPF1, false));

    CALL(f, OP_LIST, NULL, "offset=1&limit=1", NULL);
    expect_list(f, true, 3, 1, 1, minimal(ID2, "B", CPF2, false));

    CALL(f, OP_LIST, NULL, "offset=3", NULL);
    expect_list(f, false, 3, 10, 3, "");

    CALL(f, OP_LIST, NULL, "offset=500&limit=100", NULL);
    expect_list(f, false, 3, 100, 500, "");

    /* An empty value is treated as absent. */
    CALL(f, OP_LIST, NULL, "limit=&offset=", NULL);
    snprintf(items, sizeof(items), "%s,%s,%s", minimal(ID3, "C", CNPJ1, false),
             minimal(ID2, "B", CPF2, false), minimal(ID1, "A", CPF1, false));
    expect_list(f, false, 3, 10, 0, items);
}

static void test_customers_list_rejects_bad_pagination(void **state)
{
    static const char *const bad_limits[] = {"limit=0", "limit=101", "limit=abc", "limit=-1",
                                              "limit=1.5", "limit=%2B5", "limit=99999999999999999999"};
    static const char *const bad_offsets[] = {"offset=-1", "offset=abc", "offset=1e3",
                                              "offset=+1", "offset=%201"};
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof(bad_limits) / sizeof(bad_limits[0]); i++) {
        CALL(f, OP_LIST, NULL, bad_limits[i], NULL);
        expect_error(f, 400, "invalid_limit", "O parâmetro limit deve estar entre 1 e 100");
    }
    for (size_t i = 0; i < sizeof(bad_offsets) / sizeof(bad_offsets[0]); i++) {
        CALL(f, OP_LIST, NULL, bad_offsets[i], NULL);
        expect_error(f, 400, "invalid_offset",
                     "O parâmetro offset deve ser um número inteiro não negativo");
    }
    /* offset is checked before limit */
    CALL(f, OP_LIST, NULL, "limit=0&offset=x", NULL);
    expect_error(f, 400, "invalid_offset",
                 "O parâmetro offset deve ser um número inteiro não negativo");
}

/* The first customer of test_customers_list_filters (groupName is kept, not rendered). */
#define JOAO1                                                                                \
    "{\"object\":\"customer\",\"id\":\"cus_000004275413\",\"dateCreated\":\"2026-05-28\","   \
    "\"name\":\"João Silva\",\"email\":\"Joao@X.com\",\"company\":null,\"phone\":null,"        \
    "\"mobilePhone\":null,\"address\":null,\"addressNumber\":null,\"complement\":null,"         \
    "\"province\":null,\"postalCode\":null,\"cpfCnpj\":\"24971563792\","                       \
    "\"personType\":\"FISICA\",\"deleted\":false,\"additionalEmails\":null,"                   \
    "\"externalReference\":\"r1\",\"notificationDisabled\":false,\"observations\":null,"       \
    "\"municipalInscription\":null,\"stateInscription\":null,\"canDelete\":true,"              \
    "\"cannotBeDeletedReason\":null,\"canEdit\":true,\"cannotEditReason\":null,"               \
    "\"city\":null,\"cityName\":null,\"state\":null,\"country\":\"Brasil\"}"

static void test_customers_list_filters(void **state)
{
    struct fx *f = *state;
    char items[4096];

    CALL(f, OP_CREATE, NULL, NULL,
         "{\"name\":\"João Silva\",\"cpfCnpj\":\"24971563792\",\"email\":\"Joao@X.com\","
         "\"externalReference\":\"r1\",\"groupName\":\"VIP\"}");
    assert_int_equal(f->resp.status, 200);
    create_ok(f, "Maria Souza", CPF2);
    create_ok(f, "JOÃO Pereira", CNPJ1);

    /* name: case-insensitive substring, Latin-1 accents folded too */
    CALL(f, OP_LIST, NULL, "name=jo%C3%A3o", NULL);
    snprintf(items, sizeof(items), "%s," JOAO1, minimal(ID3, "JOÃO Pereira", CNPJ1, false));
    expect_list(f, false, 2, 10, 0, items);

    CALL(f, OP_LIST, NULL, "name=SOUZA", NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID2, "Maria Souza", CPF2, false));

    CALL(f, OP_LIST, NULL, "name=Pereira+X", NULL);
    expect_list(f, false, 0, 10, 0, "");

    /* cpfCnpj: punctuation ignored */
    CALL(f, OP_LIST, NULL, "cpfCnpj=11.222.333%2F0001-81", NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID3, "JOÃO Pereira", CNPJ1, false));
    CALL(f, OP_LIST, NULL, "cpfCnpj=abc", NULL);
    expect_list(f, false, 0, 10, 0, "");

    /* email: exact, case-insensitive; externalReference and groupName exact */
    CALL(f, OP_LIST, NULL, "email=joao%40x.COM", NULL);
    expect_list(f, false, 1, 10, 0, JOAO1);
    CALL(f, OP_LIST, NULL, "email=joao", NULL);
    expect_list(f, false, 0, 10, 0, "");
    CALL(f, OP_LIST, NULL, "externalReference=r1&groupName=VIP&name=silva", NULL);
    expect_list(f, false, 1, 10, 0, JOAO1);
    CALL(f, OP_LIST, NULL, "externalReference=R1", NULL);
    expect_list(f, false, 0, 10, 0, "");
    CALL(f, OP_LIST, NULL, "groupName=vip", NULL);
    expect_list(f, false, 0, 10, 0, "");
    CALL(f, OP_LIST, NULL, "groupName=VIP&name=maria", NULL);
    expect_list(f, false, 0, 10, 0, "");

    /* empty filter values are ignored */
    CALL(f, OP_LIST, NULL, "name=&email=&limit=1", NULL);
    expect_list(f, true, 3, 1, 0, minimal(ID3, "JOÃO Pereira", CNPJ1, false));
}

static void test_customers_list_excludes_deleted(void **state)
{
    struct fx *f = *state;

    create_ok(f, "A", CPF1);
    create_ok(f, "B", CPF2);
    CALL(f, OP_DELETE, ID2, NULL, NULL);
    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID1, "A", CPF1, false));
    CALL(f, OP_LIST, NULL, "name=B", NULL);
    expect_list(f, false, 0, 10, 0, "");
}

/* ---- update ---- */

static void test_customers_update_changes_only_given_fields(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_CREATE, NULL, NULL,
         "{\"name\":\"Ana\",\"cpfCnpj\":\"24971563792\",\"phone\":\"4738010919\","
         "\"email\":\"ana@x.com\"}");
    assert_int_equal(f->resp.status, 200);
    f->ctx.now = NOW + 5 * 86400; /* an update never moves dateCreated */
    CALL(f, OP_UPDATE, ID1, NULL,
         "{\"email\":\"ana.nova@x.com\",\"phone\":null,\"cpfCnpj\":\"19.131.243/0001-97\","
         "\"notificationDisabled\":true}");
    expect(f, 200,
           "{\"object\":\"customer\",\"id\":\"cus_000004275413\",\"dateCreated\":\"2026-05-28\","
           "\"name\":\"Ana\",\"email\":\"ana.nova@x.com\",\"company\":null,\"phone\":null,"
           "\"mobilePhone\":null,\"address\":null,\"addressNumber\":null,\"complement\":null,"
           "\"province\":null,\"postalCode\":null,\"cpfCnpj\":\"19131243000197\","
           "\"personType\":\"JURIDICA\",\"deleted\":false,\"additionalEmails\":null,"
           "\"externalReference\":null,\"notificationDisabled\":true,\"observations\":null,"
           "\"municipalInscription\":null,\"stateInscription\":null,\"canDelete\":true,"
           "\"cannotBeDeletedReason\":null,\"canEdit\":true,\"cannotEditReason\":null,"
           "\"city\":null,\"cityName\":null,\"state\":null,\"country\":\"Brasil\"}");

    /* An empty body changes nothing and answers the object. */
    CALL(f, OP_UPDATE, ID1, NULL, "{\"email\":\"\",\"notificationDisabled\":false}");
    CALL(f, OP_UPDATE, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CNPJ2, false));
    CALL(f, OP_UPDATE, ID1, NULL, "{\"cpfCnpj\":\"249.715.637-92\",\"name\":\" Ana B \"}");
    expect(f, 200, minimal(ID1, "Ana B", CPF1, false));
}

static void test_customers_update_refusals_leave_customer_unchanged(void **state)
{
    struct fx *f = *state;

    create_ok(f, "Ana", CPF1);
    CALL(f, OP_UPDATE, ID1, NULL, "{\"email\":\"x@y.com\",\"cpfCnpj\":\"11111111111\"}");
    expect_error(f, 400, "invalid_object", "O CPF/CNPJ informado é inválido.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"\"}");
    expect_error(f, 400, "invalid_name", "O nome do cliente deve ser informado.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":null}");
    expect_error(f, 400, "invalid_name", "O nome do cliente deve ser informado.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"cpfCnpj\":\"\"}");
    expect_error(f, 400, "invalid_cpfCnpj", "O CPF/CNPJ deve ser informado.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"B\",\"email\":\"bad\"}");
    expect_error(f, 400, "invalid_email", "O email informado é inválido.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"B\",\"foreignCustomer\":1}");
    expect_error(f, 400, "invalid_foreignCustomer",
                 "O campo foreignCustomer possui um tipo inválido.");
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"B\"");
    expect_error(f, 400, "invalid_json", "O corpo da requisição não é um JSON válido");
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, false));
}

static void test_customers_update_unknown_is_404_and_deleted_is_invalid_action(void **state)
{
    struct fx *f = *state;

    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"B\"}");
    expect_error(f, 404, "not_found", "O recurso solicitado não existe");
    create_ok(f, "Ana", CPF1);
    CALL(f, OP_DELETE, ID1, NULL, NULL);
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"B\"}");
    expect_error(f, 400, "invalid_action", "Não é possível alterar um cliente removido.");
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, true));
}

/* ---- delete / restore ---- */

static void test_customers_delete_is_soft_and_idempotent(void **state)
{
    struct fx *f = *state;

    create_ok(f, "Ana", CPF1);
    CALL(f, OP_DELETE, ID1, NULL, NULL);
    expect(f, 200, "{\"deleted\":true,\"id\":\"cus_000004275413\"}");
    assert_false(am_customer_store_is_active(f->account.customers, ID1));
    CALL(f, OP_DELETE, ID1, NULL, "garbage is ignored");
    expect(f, 200, "{\"deleted\":true,\"id\":\"cus_000004275413\"}");
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, true));
    CALL(f, OP_DELETE, "cus_999999999999", NULL, NULL);
    expect_error(f, 404, "not_found", "O recurso solicitado não existe");
    assert_int_equal(am_customer_store_count(f->account.customers), 1);
}

static void test_customers_restore_undoes_delete(void **state)
{
    struct fx *f = *state;

    create_ok(f, "Ana", CPF1);
    CALL(f, OP_RESTORE, ID1, NULL, NULL);
    expect_error(f, 400, "invalid_action", "O cliente informado não está removido.");
    CALL(f, OP_DELETE, ID1, NULL, NULL);
    CALL(f, OP_RESTORE, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, false));
    assert_true(am_customer_store_is_active(f->account.customers, ID1));
    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID1, "Ana", CPF1, false));
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"Ana B\"}");
    expect(f, 200, minimal(ID1, "Ana B", CPF1, false));
    CALL(f, OP_RESTORE, "cus_nope", NULL, NULL);
    expect_error(f, 404, "not_found", "O recurso solicitado não existe");
}

/* ---- the rendered object is kept between reads and dropped on every change ---- */

static void test_customers_rendering_is_kept_until_a_change(void **state)
{
    struct fx *f = *state;
    struct am_customer *c;
    const char *kept;

    create_ok(f, "Ana", CPF1);
    c = am_customer_store_find(f->account.customers, ID1);
    assert_non_null(c);
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana", CPF1, false));
    kept = c->json;
    assert_non_null(kept);
    assert_string_equal(kept, minimal(ID1, "Ana", CPF1, false));
    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID1, "Ana", CPF1, false));
    assert_ptr_equal(c->json, kept); /* read twice, rendered once */

    /* each change shows in the very next read, by GET and by list */
    CALL(f, OP_UPDATE, ID1, NULL, "{\"name\":\"Ana B\"}");
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana B", CPF1, false));
    CALL(f, OP_DELETE, ID1, NULL, NULL);
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana B", CPF1, true));
    CALL(f, OP_RESTORE, ID1, NULL, NULL);
    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect_list(f, false, 1, 10, 0, minimal(ID1, "Ana B", CPF1, false));
    CALL(f, OP_DELETE, ID1, NULL, NULL);
    CALL(f, OP_LIST, NULL, NULL, NULL);
    expect_list(f, false, 0, 10, 0, "");
    CALL(f, OP_RESTORE, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana B", CPF1, false));
    CALL(f, OP_GET, ID1, NULL, NULL);
    expect(f, 200, minimal(ID1, "Ana B", CPF1, false));
}

/* ---- store ---- */

static struct am_customer *customer_with_id(const char *id)
{
    struct am_customer *c = am_customer_new();

    assert_non_null(c);
    snprintf(c->id, sizeof(c->id), "%s", id);
    return c;
}

static void test_customers_store_indexes_100k_customers(void **state)
{
    struct am_customer_store *s = am_customer_store_new();
    char id[AM_CUSTOMER_ID_MAX];

    (void)state;
    assert_non_null(s);
    for (int i = 0; i < 100000; i++) {
        snprintf(id, sizeof(id), "cus_%012d", i * 7);
        assert_int_equal(am_customer_store_insert(s, customer_with_id(id)), 0);
    }
    assert_int_equal(am_customer_store_count(s), 100000);
    for (int i = 0; i < 100000; i++) {
        snprintf(id, sizeof(id), "cus_%012d", i * 7);
        assert_ptr_equal(am_customer_store_find(s, id), am_customer_store_at(s, (size_t)i));
    }
    assert_null(am_customer_store_find(s, "cus_000000000001"));
    assert_null(am_customer_store_at(s, 100000));
    assert_int_equal(am_customer_store_insert(s, customer_with_id("cus_000000000007")), -EEXIST);
    assert_int_equal(am_customer_store_insert(s, customer_with_id("")), -EINVAL);
    assert_int_equal(am_customer_store_insert(s, NULL), -EINVAL);
    assert_int_equal(am_customer_store_count(s), 100000);
    am_customer_store_at(s, 3)->deleted = true;
    assert_false(am_customer_store_is_active(s, "cus_000000000021"));
    assert_true(am_customer_store_is_active(s, "cus_000000000028"));
    assert_false(am_customer_store_is_active(s, "cus_000000000022"));
    assert_false(am_customer_store_is_active(NULL, "cus_000000000028"));
    assert_int_equal(am_customer_store_count(NULL), 0);
    am_customer_store_free(s);
    am_customer_store_free(NULL);
    am_customer_free(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_customers_create_minimal_answers_whole_object),
        T(test_customers_create_all_fields_trimmed_cnpj_is_juridica),
        T(test_customers_create_empty_strings_and_nulls_render_null),
        T(test_customers_create_ids_are_sequential),
        T(test_customers_create_requires_name),
        T(test_customers_create_requires_cpf_cnpj),
        T(test_customers_create_rejects_bad_check_digits_as_invalid_object),
        T(test_customers_create_rejects_bad_email),
        T(test_customers_create_rejects_wrong_json_types),
        T(test_customers_create_reports_only_the_first_error),
        T(test_customers_create_rejects_malformed_json),
        T(test_customers_handlers_need_a_store),
        T(test_customers_get_returns_object_or_404),
        T(test_customers_list_empty),
        T(test_customers_list_newest_first_and_paginates),
        T(test_customers_list_rejects_bad_pagination),
        T(test_customers_list_filters),
        T(test_customers_list_excludes_deleted),
        T(test_customers_update_changes_only_given_fields),
        T(test_customers_update_refusals_leave_customer_unchanged),
        T(test_customers_update_unknown_is_404_and_deleted_is_invalid_action),
        T(test_customers_delete_is_soft_and_idempotent),
        T(test_customers_restore_undoes_delete),
        T(test_customers_rendering_is_kept_until_a_change),
        cmocka_unit_test(test_customers_store_indexes_100k_customers),
    };

    return cmocka_run_group_tests_name("customers", tests, NULL, NULL);
}

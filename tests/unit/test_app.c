/* test_app.c - the whole mock driven through am_app_handle/am_app_complete: auth rows,
 * routing errors, the control API key lifecycle, admin token, redaction and alerts. */
#include "test_helpers.h"

#include <stdbool.h>
#include <strings.h>

#include "app.h"
#include "log.h"

#define NOW INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC */
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define DEV_KEY_SECRET_PART "000MzkwODA2MWY2OGM3" /* must never appear outside requests */
#define DEV_KEY_REDACTED "$aact_hmlg_...cmV0"
#define PROD_KEY "$aact_prod_000UHJvZHVjdGlvbktleUZvclRlc3RzT25seVgxMjM0NTY3ODkw"
#define PROD_KEY_REDACTED "$aact_prod_...ODkw"
#define UNKNOWN_KEY "$aact_hmlg_000VW5rbm93bktleU5vdFJlZ2lzdGVyZWRBbnl3aGVyZQ"
#define UA "asaas-mock-tests/1.0"
#define ADMIN "adm-t0ken-for-tests"

#define MAX_LOG_LINES 512

struct log_capture {
    size_t n;
    char *lines[MAX_LOG_LINES];
};

static struct log_capture logs;

static void capture_sink(enum am_log_level level, const char *line, void *userdata)
{
    struct log_capture *c = userdata;

    (void)level;
    if (c->n < MAX_LOG_LINES)
        c->lines[c->n++] = strdup(line);
}

static void logs_clear(void)
{
    for (size_t i = 0; i < logs.n; i++)
        free(logs.lines[i]);
    logs.n = 0;
}

struct fx {
    struct am_config cfg;
    struct am_app *app;
    struct am_response resp;
    char err[256];
};

static bool setup_auto_accounts; /* the next setup_with() turns --auto-accounts on */

static int setup_with(void **state, const char *admin_token)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    am_config_defaults(&f->cfg);
    f->cfg.has_seed = true;
    f->cfg.seed = 7;
    f->cfg.environment = AM_ENV_SANDBOX;
    f->cfg.alert_threshold = 3;
    f->cfg.alert_window = 60;
    if (admin_token)
        f->cfg.admin_token = strdup(admin_token);
    f->cfg.auto_accounts = setup_auto_accounts;
    setup_auto_accounts = false;
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    if (!f->app) {
        fprintf(stderr, "am_app_new: %s\n", f->err);
        am_config_finish(&f->cfg);
        free(f);
        return -1;
    }
    am_app_set_tls_ready(f->app, true); /* what the server sets once TLS is up */
    am_response_init(&f->resp);
    logs_clear();
    am_log_set_level(AM_LOG_INFO);
    am_log_set_sink(capture_sink, &logs);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL);
}

static int setup_admin(void **state)
{
    return setup_with(state, ADMIN);
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_log_set_sink(NULL, NULL);
    logs_clear();
    am_response_finish(&f->resp);
    am_app_free(f->app);
    am_config_finish(&f->cfg);
    free(f);
    return 0;
}

static void req_init(struct am_request *req, enum am_method method, const char *path)
{
    memset(req, 0, sizeof(*req));
    req->method = method;
    req->path = path;
    req->client_ip = "127.0.0.1";
    req->request_id = "req-test";
}

static void req_body(struct am_request *req, const char *body)
{
    req->body = body;
    req->body_len = strlen(body);
}

/* Handles and completes req; the answer stays in f->resp until the next call. */
static int run(struct fx *f, const struct am_request *req)
{
    am_response_finish(&f->resp);
    am_app_handle(f->app, req, NOW, &f->resp);
    am_app_complete(f->app, req, &f->resp, NOW * 1000, 10);
    return f->resp.status;
}

/* Authenticated API request with the given key and a User-Agent. */
static int api(struct fx *f, enum am_method method, const char *path, const char *key,
               const char *body)
{
    struct am_request req;

    req_init(&req, method, path);
    if (key)
        am_request_add_header(&req, "access_token", key);
    am_request_add_header(&req, "User-Agent", UA);
    if (body)
        req_body(&req, body);
    return run(f, &req);
}

/* Control request (sends the admin token when the fixture has one). */
static int ctl(struct fx *f, enum am_method method, const char *path, const char *query,
               const char *body)
{
    struct am_request req;

    req_init(&req, method, path);
    req.query = query;
    if (f->cfg.admin_token)
        am_request_add_header(&req, "X-Mock-Admin-Token", f->cfg.admin_token);
    if (body)
        req_body(&req, body);
    return run(f, &req);
}

static const char *body(const struct fx *f)
{
    return f->resp.body ? f->resp.body : "";
}

static void assert_body(const struct fx *f, const char *want)
{
    if (!f->resp.body || strcmp(f->resp.body, want) != 0 || f->resp.body_len != strlen(want))
        fail_msg("body\n  %s\nwant\n  %s", body(f), want);
}

static cJSON *parse(const struct fx *f)
{
    cJSON *j = cJSON_ParseWithLength(body(f), f->resp.body_len);

    if (!j)
        fail_msg("not JSON: %s", body(f));
    return j;
}

static const char *resp_header(const struct am_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

static void assert_no_secret(const char *text, const char *what)
{
    if (strstr(text, DEV_KEY) || strstr(text, DEV_KEY_SECRET_PART) || strstr(text, PROD_KEY) ||
        strstr(text, PROD_KEY + 11) || strstr(text, UNKNOWN_KEY + 11))
        fail_msg("%s leaks a key:\n%s", what, text);
}

/* ---- authentication rows ---- */

static void test_app_missing_access_token_is_401_not_found(void **state)
{
    struct fx *f = *state;
    struct am_request req;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 401);
    assert_string_equal(f->resp.content_type, "application/json");
    assert_body(f, "{\"errors\":[{\"code\":\"access_token_not_found\",\"description\":\"O "
                   "cabeçalho de autenticação 'access_token' é obrigatório e não foi encontrado "
                   "na requisição\"}]}");
    assert_string_equal(f->resp.outcome.auth_result, "access_token_not_found");
    assert_int_equal(am_app_metrics(f->app)->auth_failures[AM_AUTH_NO_TOKEN], 1);
}

static void test_app_empty_access_token_is_401_empty_body(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", "", NULL), 401);
    assert_null(f->resp.body);
    assert_int_equal(f->resp.body_len, 0);
    assert_null(f->resp.content_type);
    assert_int_equal(am_app_metrics(f->app)->auth_failures[AM_AUTH_EMPTY_TOKEN], 1);
}

static void test_app_bad_format_token(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", "Bearer " DEV_KEY, NULL), 401);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_access_token_format\",\"description\":\"O "
                   "valor fornecido não parece ser uma chave de API válida do Asaas. Verifique o "
                   "formato da sua chave\"}]}");
}

static void test_app_production_key_is_an_incident(void **state)
{
    struct fx *f = *state;
    cJSON *j, *item;
    bool logged = false;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", PROD_KEY, NULL), 401);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_environment\",\"description\":\"A chave de "
                   "API informada não pertence a este ambiente\"}]}");
    assert_int_equal(am_app_metrics(f->app)->production_key_incidents, 1);
    for (size_t i = 0; i < logs.n; i++) {
        if (strstr(logs.lines[i], "level=warn msg=production_key_incident ") &&
            strstr(logs.lines[i], "key=" PROD_KEY_REDACTED))
            logged = true;
    }
    assert_true(logged);

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/incidents", NULL, NULL), 200);
    assert_no_secret(body(f), "incidents");
    j = parse(f);
    assert_string_equal(cJSON_GetObjectItem(j, "object")->valuestring, "list");
    assert_int_equal(cJSON_GetObjectItem(j, "totalCount")->valueint, 1);
    item = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    assert_non_null(item);
    assert_string_equal(cJSON_GetObjectItem(item, "key")->valuestring, PROD_KEY_REDACTED);
    assert_string_equal(cJSON_GetObjectItem(item, "reason")->valuestring, "invalid_environment");
    assert_string_equal(cJSON_GetObjectItem(item, "clientIp")->valuestring, "127.0.0.1");
    assert_string_equal(cJSON_GetObjectItem(item, "dateCreated")->valuestring,
                        "2025-12-31 21:00:00");
    cJSON_Delete(j);

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/metrics", NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\nasaas_mock_production_key_incidents_total 1\n"));
    assert_non_null(
        strstr(body(f), "\nasaas_mock_auth_failures_total{reason=\"invalid_environment\"} 1\n"));
    assert_no_secret(body(f), "metrics");
}

static void test_app_default_dev_key_with_user_agent_is_200(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", DEV_KEY, NULL), 200);
    assert_string_equal(f->resp.content_type, "application/json");
    assert_body(f, "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,\"limit\":10,"
                   "\"offset\":0,\"data\":[]}");
    assert_string_equal(f->resp.outcome.auth_result, "ok");
    assert_string_equal(f->resp.outcome.account_id, "default");
    assert_string_equal(f->resp.outcome.redacted_key, DEV_KEY_REDACTED);
    assert_int_equal(f->resp.outcome.route, AM_ROUTE_CUSTOMERS_LIST);
    /* Same through the legacy prefix, and HEAD is answered like GET. */
    assert_int_equal(api(f, AM_METHOD_GET, "/api/v3/customers", DEV_KEY, NULL), 200);
    assert_int_equal(api(f, AM_METHOD_HEAD, "/v3/customers", DEV_KEY, NULL), 200);
}

static void test_app_missing_user_agent_is_401(void **state)
{
    struct fx *f = *state;
    struct am_request req;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    am_request_add_header(&req, "access_token", DEV_KEY);
    assert_int_equal(run(f, &req), 401);
    assert_body(f, "{\"errors\":[{\"code\":\"user_agent_not_found\",\"description\":\"O "
                   "cabeçalho 'User-Agent' é obrigatório e não foi encontrado na "
                   "requisição\"}]}");
    /* Blank counts as missing. */
    am_request_add_header(&req, "User-Agent", "  ");
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(am_app_metrics(f->app)->auth_failures[AM_AUTH_NO_USER_AGENT], 2);
}

static void test_app_get_with_body_is_403_before_auth(void **state)
{
    struct fx *f = *state;
    struct am_request req;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req_body(&req, "{}");
    assert_int_equal(run(f, &req), 403);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_request\",\"description\":\"Requisições GET "
                   "não podem conter corpo\"}]}");
    /* Even with a production key: refused before auth, so no incident. */
    am_request_add_header(&req, "access_token", PROD_KEY);
    assert_int_equal(run(f, &req), 403);
    assert_int_equal(am_app_metrics(f->app)->production_key_incidents, 0);
    assert_int_equal(am_app_metrics(f->app)->auth_failures[AM_AUTH_WRONG_ENV], 0);
    assert_int_equal(am_app_metrics(f->app)->auth_failures[AM_AUTH_NO_TOKEN], 0);
}

static void test_app_unknown_api_route_is_404_after_auth(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/notifications", DEV_KEY, NULL), 404);
    assert_string_equal(f->resp.content_type, "application/json");
    assert_body(f, "{\"errors\":[{\"code\":\"not_found\",\"description\":\"O endpoint "
                   "solicitado não existe\"}]}");
    /* Authentication comes first: without a key the answer is 401. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/notifications", NULL, NULL), 401);
    /* Outside every prefix: 404 JSON, no auth. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v2/customers", NULL, NULL), 404);
    assert_body(f, "{\"errors\":[{\"code\":\"not_found\",\"description\":\"O endpoint "
                   "solicitado não existe\"}]}");
}

static void test_app_wrong_method_is_405_with_allow(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_PATCH, "/v3/customers", DEV_KEY, "{}"), 405);
    assert_string_equal(resp_header(&f->resp, "Allow"), "GET, POST");
    assert_body(f, "{\"errors\":[{\"code\":\"method_not_allowed\",\"description\":\"Método HTTP "
                   "não permitido para este endpoint\"}]}");
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers/cus_1/restore", DEV_KEY, NULL), 405);
    assert_string_equal(resp_header(&f->resp, "Allow"), "POST");
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/health", NULL, NULL), 405);
    assert_string_equal(resp_header(&f->resp, "Allow"), "GET");
}

static void test_app_customer_create_is_deterministic_with_seed(void **state)
{
    struct fx *f = *state;
    struct am_config cfg2;
    struct am_app *app2;
    struct am_request req;
    struct am_response r2;
    char err[128];
    cJSON *j;
    char id1[32];

    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"Maria\",\"cpfCnpj\":\"52998224725\"}"),
                     200);
    j = parse(f);
    snprintf(id1, sizeof(id1), "%s", cJSON_GetObjectItem(j, "id")->valuestring);
    cJSON_Delete(j);
    assert_int_equal(strlen(id1), 16);
    assert_memory_equal(id1, "cus_", 4);

    /* A second app with the same seed hands out the same id. */
    am_config_defaults(&cfg2);
    cfg2.has_seed = true;
    cfg2.seed = 7;
    app2 = am_app_new(&cfg2, NOW, err, sizeof(err));
    assert_non_null(app2);
    req_init(&req, AM_METHOD_POST, "/v3/customers");
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    req_body(&req, "{\"name\":\"Maria\",\"cpfCnpj\":\"52998224725\"}");
    am_app_handle(app2, &req, NOW, &r2);
    assert_int_equal(r2.status, 200);
    assert_non_null(strstr(r2.body, id1));
    am_response_finish(&r2);
    am_app_free(app2);
    am_config_finish(&cfg2);

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", DEV_KEY, NULL), 200);
    assert_non_null(strstr(body(f), id1));
}

/* ---- encoding at the edge ---- */

static void assert_error_code(const struct fx *f, const char *code)
{
    cJSON *j = parse(f);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "errors"), 0);
    const char *got = cJSON_GetStringValue(cJSON_GetObjectItem(e, "code"));

    if (!got || strcmp(got, code) != 0)
        fail_msg("error code %s, want %s: %s", got ? got : "(none)", code, body(f));
    cJSON_Delete(j);
}

static size_t customers_total(struct fx *f)
{
    cJSON *j;
    size_t n;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", DEV_KEY, NULL), 200);
    j = parse(f);
    n = (size_t)cJSON_GetObjectItem(j, "totalCount")->valuedouble;
    cJSON_Delete(j);
    return n;
}

/* Invalid UTF-8 in a body, a query value or the path is refused before any handler, so
 * nothing stored can make a later answer invalid JSON. */
static void test_app_invalid_utf8_refused_at_the_edge(void **state)
{
    struct fx *f = *state;
    struct am_request req;

    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"bad \xff\xfe\xc0\xaf\",\"cpfCnpj\":\"52998224725\"}"),
                     400);
    assert_error_code(f, "invalid_encoding");
    /* Overlong, surrogate and truncated sequences too. */
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"x \xed\xa0\x80\",\"cpfCnpj\":\"52998224725\"}"),
                     400);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"x\",\"cpfCnpj\":\"52998224725\",\"email\":\"\xe2\x82\"}"),
                     400);
    assert_int_equal(customers_total(f), 0);

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req.query = "name=%FFx";
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 400);
    assert_error_code(f, "invalid_encoding");
    req.query = "na%C0%AFme=x";
    assert_int_equal(run(f, &req), 400);
    req.query = "name=Jos%C3%A9";
    assert_int_equal(run(f, &req), 200);

    req_init(&req, AM_METHOD_GET, "/v3/customers/cus_\xff");
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 400);
    assert_error_code(f, "invalid_encoding");

    /* The control API's bodies are checked the same way. */
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts", NULL, "{\"id\":\"\xff\"}"), 400);
    assert_error_code(f, "invalid_encoding");

    /* Valid text in every script gets through, stored and served as sent. */
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"Jos\xc3\xa9 A\xc3\xa7\xc3\xa3o \xf0\x9f\x98\x80\","
                         "\"cpfCnpj\":\"52998224725\"}"),
                     200);
    assert_non_null(strstr(body(f), "Jos\xc3\xa9 A\xc3\xa7\xc3\xa3o \xf0\x9f\x98\x80"));
    assert_int_equal(customers_total(f), 1);
}

/* "\u0000" would silently cut a C string: refused, never truncated. An escaped backslash
 * followed by "u0000" is ordinary text. */
static void test_app_json_nul_escape_refused(void **state)
{
    struct fx *f = *state;

    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"Maria\\u0000 Silva\",\"cpfCnpj\":\"52998224725\"}"),
                     400);
    assert_error_code(f, "invalid_encoding");
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\\u0000x\":\"Maria\",\"cpfCnpj\":\"52998224725\"}"),
                     400);
    assert_int_equal(customers_total(f), 0);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", DEV_KEY,
                         "{\"name\":\"Maria \\\\u0000 Silva\",\"cpfCnpj\":\"52998224725\"}"),
                     200);
    assert_non_null(strstr(body(f), "Maria \\\\u0000 Silva"));
}

/* ---- control API ---- */

static void test_app_health(void **state)
{
    struct fx *f = *state;
    size_t journal_before;

    journal_before = am_journal_count(am_app_journal(f->app));
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/health", NULL, NULL), 200);
    assert_body(f, "{\"status\":\"ok\",\"tls\":true,\"fixtures\":true,\"environment\":\"sandbox\","
                   "\"version\":\"" AM_VERSION "\"}");
    /* Probes are counted, not journaled. */
    assert_int_equal(am_journal_count(am_app_journal(f->app)), journal_before);
    assert_int_equal(am_app_metrics(f->app)->requests_by_route[AM_ROUTE_CTL_HEALTH], 1);
    assert_int_equal(ctl(f, AM_METHOD_HEAD, "/__mock/health", NULL, NULL), 200);

    /* Before TLS is ready the mock says so. */
    am_app_set_tls_ready(f->app, false);
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/health", NULL, NULL), 503);
    assert_non_null(strstr(body(f), "\"status\":\"starting\""));
}

static void test_app_unknown_control_route_is_404(void **state)
{
    struct fx *f = *state;

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/nope", NULL, NULL), 404);
    assert_string_equal(f->resp.content_type, "application/json");
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/accounts/ghost/keys", NULL, NULL), 404);
    /* "Conta" and "Chave" are feminine: "não encontrada" (as control_billing.c says). */
    assert_body(f, "{\"errors\":[{\"code\":\"not_found\",\"description\":\"Conta não "
                   "encontrada\"}]}");
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/keys/ghost/disable", NULL,
                         NULL),
                     404);
    assert_body(f, "{\"errors\":[{\"code\":\"not_found\",\"description\":\"Chave de API não "
                   "encontrada\"}]}");
}

static void copy_string(const cJSON *obj, const char *name, char *out, size_t out_len)
{
    const cJSON *it = cJSON_GetObjectItem(obj, name);

    if (!cJSON_IsString(it))
        fail_msg("field %s is not a string", name);
    snprintf(out, out_len, "%s", it->valuestring);
}

static void test_app_key_lifecycle_through_control_api(void **state)
{
    struct fx *f = *state;
    char key[600], key_id[64], path[256], display[64];
    cJSON *j;

    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/keys", NULL,
                         "{\"name\":\"ci\"}"),
                     200);
    j = parse(f);
    copy_string(j, "apiKey", key, sizeof(key));
    copy_string(j, "id", key_id, sizeof(key_id));
    copy_string(j, "display", display, sizeof(display));
    assert_string_equal(cJSON_GetObjectItem(j, "name")->valuestring, "ci");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "enabled")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "expirationDate")));
    cJSON_Delete(j);
    assert_int_equal(strncmp(key, "$aact_hmlg_000", 14), 0);
    /* display = prefix + "..." + last 4 of the key. */
    assert_int_equal(strncmp(display, "$aact_hmlg_...", 14), 0);
    assert_string_equal(display + 14, key + strlen(key) - 4);

    /* Listings never show the key again. */
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/accounts/default/keys", NULL, NULL), 200);
    assert_null(strstr(body(f), key));
    assert_null(strstr(body(f), key + 14));
    assert_null(strstr(body(f), "apiKey"));
    j = parse(f);
    assert_int_equal(cJSON_GetObjectItem(j, "totalCount")->valueint, 2);
    cJSON_Delete(j);

    /* The new key works at once. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 200);
    assert_string_equal(f->resp.outcome.account_id, "default");

    snprintf(path, sizeof(path), "/__mock/accounts/default/keys/%s/disable", key_id);
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\"enabled\":false"));
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 401);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_access_token\",\"description\":\"A chave "
                   "de API fornecida é inválida\"}]}");
    assert_string_equal(f->resp.outcome.auth_result, "disabled_key");

    snprintf(path, sizeof(path), "/__mock/accounts/default/keys/%s/enable", key_id);
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL, NULL), 200);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 200);

    snprintf(path, sizeof(path), "/__mock/accounts/default/keys/%s", key_id);
    assert_int_equal(ctl(f, AM_METHOD_PUT, path, NULL,
                         "{\"expirationDate\":\"2025-12-31 20:00:00\"}"),
                     200);
    assert_non_null(strstr(body(f), "\"expirationDate\":\"2025-12-31 20:00:00\""));
    assert_non_null(strstr(body(f), "\"expired\":true"));
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 401);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_access_token\""));
    assert_string_equal(f->resp.outcome.auth_result, "expired_key");

    /* A future expiry (Brasilia time) and null both make it valid again. */
    assert_int_equal(ctl(f, AM_METHOD_PUT, path, NULL, "{\"expirationDate\":\"2026-01-02\"}"),
                     200);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 200);
    assert_int_equal(ctl(f, AM_METHOD_PUT, path, NULL, "{\"expirationDate\":null}"), 200);
    assert_non_null(strstr(body(f), "\"expirationDate\":null"));
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 200);
    assert_int_equal(ctl(f, AM_METHOD_PUT, path, NULL, "{\"expirationDate\":\"2026-02-30\"}"),
                     400);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_expirationDate\""));

    assert_int_equal(ctl(f, AM_METHOD_DELETE, path, NULL, NULL), 200);
    {
        char want[160];
        snprintf(want, sizeof(want), "{\"deleted\":true,\"id\":\"%s\"}", key_id);
        assert_body(f, want);
    }
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 401);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_access_token\""));
    assert_string_equal(f->resp.outcome.auth_result, "unknown_key");
    assert_int_equal(ctl(f, AM_METHOD_DELETE, path, NULL, NULL), 404);
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/accounts/default/keys", NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\"totalCount\":1"));

    /* Nothing the mock recorded holds the new key. */
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", NULL, NULL), 200);
    assert_null(strstr(body(f), key + 11));
    for (size_t i = 0; i < logs.n; i++)
        assert_null(strstr(logs.lines[i], key + 11));
    explicit_bzero(key, sizeof(key));
}

static void test_app_key_created_disabled_with_expiry(void **state)
{
    struct fx *f = *state;
    char key[600];
    cJSON *j;

    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/keys", NULL,
                         "{\"name\":\"later\",\"enabled\":false,"
                         "\"expirationDate\":\"2026-06-30 12:00:00\"}"),
                     200);
    j = parse(f);
    copy_string(j, "apiKey", key, sizeof(key));
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "enabled")));
    assert_string_equal(cJSON_GetObjectItem(j, "expirationDate")->valuestring,
                        "2026-06-30 12:00:00");
    cJSON_Delete(j);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", key, NULL), 401);
    assert_string_equal(f->resp.outcome.auth_result, "disabled_key");
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/keys", NULL, "{\"name\":5}"),
                     400);
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/keys", NULL, "{nope"), 400);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_json\""));
}

/* POST .../keys takes accounts.json's key object: unknown fields are refused (a typo in
 * expirationDate must not make a key that never expires), a given key (or its SHA-256) is
 * registered at run time and never shown back. */
static void test_app_key_create_refuses_unknown_fields_and_registers_given_keys(void **state)
{
    struct fx *f = *state;
    const char *path = "/__mock/accounts/default/keys";
    char want[256];

    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL,
                         "{\"name\":\"typo\",\"expirationDat\":\"2026-01-02\"}"),
                     400);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_object\",\"description\":\"body: unknown "
                   "field 'expirationDat'\"}]}");
    /* Snapshot-only fields are not the route's to set. */
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL,
                         "{\"createdAt\":\"2020-01-01 00:00:00\"}"),
                     400);
    assert_non_null(strstr(body(f), "unknown field 'createdAt'"));
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL, "{\"key\":\"$aact_hmlg_short\"}"), 400);
    assert_non_null(strstr(body(f), "key is not shaped like an Asaas key"));
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL, "{\"key\":\"" PROD_KEY "\"}"), 400);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_environment\""));
    assert_no_secret(body(f), "refused production key");
    assert_int_equal(ctl(f, AM_METHOD_GET, path, NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\"totalCount\":1")); /* nothing was created */

    /* A given key: works at once, never shown back. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", UNKNOWN_KEY, NULL), 401);
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL,
                         "{\"name\":\"mine\",\"key\":\"" UNKNOWN_KEY "\"}"),
                     200);
    assert_null(strstr(body(f), "apiKey"));
    assert_no_secret(body(f), "answer to a registered key");
    assert_non_null(strstr(body(f), "\"display\":\"$aact_hmlg_...VyZQ\""));
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", UNKNOWN_KEY, NULL), 200);
    assert_string_equal(f->resp.outcome.account_id, "default");
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL, "{\"key\":\"" UNKNOWN_KEY "\"}"), 409);
    assert_non_null(strstr(body(f), "\"code\":\"key_exists\""));
    assert_no_secret(body(f), "409 answer");

    /* By SHA-256 only (any 64 hex digits), with a redacted display. */
    assert_int_equal(ctl(f, AM_METHOD_POST, path, NULL,
                         "{\"name\":\"ci\",\"sha256\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                         "aaaaaaaaaaaaaaaaaaaaa\",\"display\":\"$aact_hmlg_...abcd\","
                         "\"enabled\":false}"),
                     200);
    assert_null(strstr(body(f), "apiKey"));
    assert_non_null(strstr(body(f), "\"display\":\"$aact_hmlg_...abcd\""));
    assert_non_null(strstr(body(f), "\"enabled\":false"));

    /* PUT refuses typos too. */
    assert_int_equal(ctl(f, AM_METHOD_GET, path, NULL, NULL), 200);
    {
        cJSON *j = parse(f), *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
        char kid[64];

        copy_string(first, "id", kid, sizeof(kid));
        cJSON_Delete(j);
        snprintf(want, sizeof(want), "%s/%s", path, kid);
    }
    assert_int_equal(ctl(f, AM_METHOD_PUT, want, NULL, "{\"enabled\":true,\"expiration\":null}"),
                     400);
    assert_body(f, "{\"errors\":[{\"code\":\"invalid_object\",\"description\":\"body: unknown "
                   "field 'expiration'\"}]}");
    for (size_t i = 0; i < logs.n; i++)
        assert_no_secret(logs.lines[i], "log line");
}

/* GET /__mock/whoami with access_token from a request built here (ctl() sends none). */
static int whoami(struct am_app *app, const char *key, struct am_response *resp)
{
    struct am_request req;

    req_init(&req, AM_METHOD_GET, "/__mock/whoami");
    if (key)
        am_request_add_header(&req, "access_token", key);
    am_response_finish(resp);
    am_app_handle(app, &req, NOW, resp);
    am_app_complete(app, &req, resp, NOW * 1000, 10);
    return resp->status;
}

static void test_app_whoami_resolves_a_key_without_echoing_it(void **state)
{
    struct fx *f = *state;

    assert_int_equal(whoami(f->app, DEV_KEY, &f->resp), 200);
    assert_non_null(strstr(body(f), "\"object\":\"whoami\",\"account\":\"default\","
                                    "\"autoCreated\":false,\"created\":false,\"key\":{"));
    assert_non_null(strstr(body(f), "\"display\":\"" DEV_KEY_REDACTED "\""));
    assert_non_null(strstr(body(f), "\"today\":\"2025-12-31\""));
    assert_no_secret(body(f), "whoami answer");
    /* Not an API use: the key's lastUsedDate stays empty. */
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/accounts/default/keys", NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\"lastUsedDate\":null"));

    assert_int_equal(whoami(f->app, NULL, &f->resp), 400);
    assert_non_null(strstr(body(f), "\"code\":\"access_token_not_found\""));
    assert_int_equal(whoami(f->app, "", &f->resp), 400);
    assert_non_null(strstr(body(f), "\"code\":\"empty_token\""));
    assert_int_equal(whoami(f->app, "Bearer x", &f->resp), 400);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_access_token_format\""));
    assert_int_equal(whoami(f->app, PROD_KEY, &f->resp), 400);
    assert_non_null(strstr(body(f), "\"code\":\"invalid_environment\""));
    assert_int_equal(whoami(f->app, UNKNOWN_KEY, &f->resp), 404);
    assert_non_null(strstr(body(f), "\"code\":\"unknown_key\""));
    assert_no_secret(body(f), "whoami 404");
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", NULL, NULL), 200);
    assert_no_secret(body(f), "journal");
    for (size_t i = 0; i < logs.n; i++)
        assert_no_secret(logs.lines[i], "log line");
}

/* Under --auto-accounts the first mention of a key, by whoami, creates its account, so a
 * suite can configure or reset it before its first API call. */
static void test_app_whoami_creates_the_auto_account(void **state)
{
    struct am_config cfg;
    struct am_app *app;
    struct am_request req;
    struct am_response resp;
    char err[128], id[64], path[128], *p;

    (void)state;
    am_config_defaults(&cfg);
    cfg.auto_accounts = true;
    app = am_app_new(&cfg, NOW, err, sizeof(err));
    assert_non_null(app);
    am_response_init(&resp);
    assert_int_equal(whoami(app, UNKNOWN_KEY, &resp), 200);
    assert_non_null(strstr(resp.body, "\"autoCreated\":true,\"created\":true"));
    p = strstr(resp.body, "\"account\":\"auto-");
    assert_non_null(p);
    snprintf(id, sizeof(id), "%.21s", p + 11);
    assert_int_equal(strlen(id), 21);
    assert_no_secret(resp.body, "whoami answer");

    /* The account exists before any API call: configure it, reset it. */
    snprintf(path, sizeof(path), "/__mock/accounts/%s", id);
    req_init(&req, AM_METHOD_PUT, path);
    req.body = "{\"name\":\"suite-a\"}";
    req.body_len = strlen(req.body);
    am_response_finish(&resp);
    am_app_handle(app, &req, NOW, &resp);
    assert_int_equal(resp.status, 200);
    req_init(&req, AM_METHOD_POST, "/__mock/reset");
    snprintf(path, sizeof(path), "{\"account\":\"%s\"}", id);
    req.body = path;
    req.body_len = strlen(path);
    am_response_finish(&resp);
    am_app_handle(app, &req, NOW, &resp);
    assert_int_equal(resp.status, 200);

    /* The first API call lands in that account; whoami again creates nothing. */
    req_init(&req, AM_METHOD_GET, "/v3/customers");
    am_request_add_header(&req, "access_token", UNKNOWN_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    am_response_finish(&resp);
    am_app_handle(app, &req, NOW, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.outcome.account_id, id);
    assert_int_equal(whoami(app, UNKNOWN_KEY, &resp), 200);
    assert_non_null(strstr(resp.body, "\"autoCreated\":true,\"created\":false"));
    assert_int_equal(am_app_metrics(app)->accounts_auto_created, 1);
    am_response_finish(&resp);
    am_app_free(app);
    am_config_finish(&cfg);
}

/* ---- admin token ---- */

static void test_app_admin_token_required_when_configured(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    const char *want = "{\"errors\":[{\"code\":\"invalid_admin_token\",\"description\":\"O "
                       "controle /__mock/ exige o cabeçalho X-Mock-Admin-Token com o token de "
                       "ASAAS_MOCK_ADMIN_TOKEN\"}]}";

    req_init(&req, AM_METHOD_GET, "/__mock/journal");
    assert_int_equal(run(f, &req), 401);
    assert_body(f, want);

    am_request_add_header(&req, "X-Mock-Admin-Token", "wrong");
    assert_int_equal(run(f, &req), 401);
    req.n_headers = 0;
    am_request_add_header(&req, "X-Mock-Admin-Token", ADMIN "x");
    assert_int_equal(run(f, &req), 401);
    req.n_headers = 0;
    am_request_add_header(&req, "X-Mock-Admin-Token", "");
    assert_int_equal(run(f, &req), 401);
    req.n_headers = 0;
    am_request_add_header(&req, "Authorization", "Basic " ADMIN);
    assert_int_equal(run(f, &req), 401);

    req.n_headers = 0;
    am_request_add_header(&req, "x-mock-admin-token", ADMIN);
    assert_int_equal(run(f, &req), 200);
    req.n_headers = 0;
    am_request_add_header(&req, "Authorization", "Bearer " ADMIN);
    assert_int_equal(run(f, &req), 200);

    /* Unknown control paths do not reveal themselves without the token. */
    req_init(&req, AM_METHOD_GET, "/__mock/secret-route");
    assert_int_equal(run(f, &req), 401);
    /* Key creation is protected too. */
    req_init(&req, AM_METHOD_POST, "/__mock/accounts/default/keys");
    req_body(&req, "{\"name\":\"x\"}");
    assert_int_equal(run(f, &req), 401);
    assert_null(strstr(body(f), "apiKey"));
}

static void test_app_admin_token_exempts_health_and_ca(void **state)
{
    struct fx *f = *state;
    struct am_request req;

    req_init(&req, AM_METHOD_GET, "/__mock/health");
    assert_int_equal(run(f, &req), 200);
    req_init(&req, AM_METHOD_GET, "/__mock/ca.pem");
    assert_int_equal(run(f, &req), 404); /* no certificate in unit tests, but not 401 */
    am_app_set_certificate(f->app, strdup("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), "");
    assert_int_equal(run(f, &req), 200);
    assert_string_equal(f->resp.content_type, "application/x-pem-file");
    assert_string_equal(body(f), am_app_ca_pem(f->app));
    /* The API itself never looks at the admin token. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", DEV_KEY, NULL), 200);
}

/* ---- journal, metrics, redaction, alerts ---- */

static void test_app_journal_entries_are_redacted(void **state)
{
    struct fx *f = *state;
    cJSON *j, *data, *e;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", DEV_KEY, NULL), 200);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", PROD_KEY, NULL), 401);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", UNKNOWN_KEY, NULL), 401);
    {
        struct am_request req;
        req_init(&req, AM_METHOD_GET, "/v3/customers");
        req.query = "offset=0&limit=5";
        req.request_id = "rid-42";
        am_request_add_header(&req, "access_token", DEV_KEY);
        am_request_add_header(&req, "User-Agent", UA);
        assert_int_equal(run(f, &req), 200);
    }

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", NULL, NULL), 200);
    assert_no_secret(body(f), "journal");
    j = parse(f);
    assert_int_equal(cJSON_GetObjectItem(j, "totalCount")->valueint, 4);
    data = cJSON_GetObjectItem(j, "data");
    /* Newest first. */
    e = cJSON_GetArrayItem(data, 0);
    assert_string_equal(cJSON_GetObjectItem(e, "id")->valuestring, "rid-42");
    assert_string_equal(cJSON_GetObjectItem(e, "path")->valuestring,
                        "/v3/customers?offset=0&limit=5");
    assert_string_equal(cJSON_GetObjectItem(e, "method")->valuestring, "GET");
    assert_int_equal(cJSON_GetObjectItem(e, "status")->valueint, 200);
    assert_string_equal(cJSON_GetObjectItem(e, "account")->valuestring, "default");
    assert_string_equal(cJSON_GetObjectItem(e, "auth")->valuestring, "ok");
    assert_string_equal(cJSON_GetObjectItem(e, "key")->valuestring, DEV_KEY_REDACTED);
    assert_string_equal(cJSON_GetObjectItem(e, "clientIp")->valuestring, "127.0.0.1");
    assert_string_equal(cJSON_GetObjectItem(e, "time")->valuestring, "2025-12-31 21:00:00");
    assert_int_equal(cJSON_GetObjectItem(e, "durationUs")->valueint, 10);
    e = cJSON_GetArrayItem(data, 1);
    assert_string_equal(cJSON_GetObjectItem(e, "auth")->valuestring, "unknown_key");
    assert_int_equal(cJSON_GetObjectItem(e, "status")->valueint, 401);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "account")));
    e = cJSON_GetArrayItem(data, 2);
    assert_string_equal(cJSON_GetObjectItem(e, "key")->valuestring, PROD_KEY_REDACTED);
    assert_string_equal(cJSON_GetObjectItem(e, "auth")->valuestring, "invalid_environment");
    cJSON_Delete(j);

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", "limit=1", NULL), 200);
    j = parse(f);
    assert_int_equal(cJSON_GetObjectItem(j, "totalCount")->valueint, 1);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    /* The previous journal read is itself the newest entry now. */
    assert_string_equal(cJSON_GetObjectItem(e, "path")->valuestring, "/__mock/journal");
    cJSON_Delete(j);
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", "limit=0", NULL), 400);

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/metrics", NULL, NULL), 200);
    assert_string_equal(f->resp.content_type, "text/plain; version=0.0.4");
    assert_no_secret(body(f), "metrics");
    assert_non_null(strstr(body(f), "\nasaas_mock_requests_total{status=\"401\"} 2\n"));
    assert_non_null(strstr(body(f), "\nasaas_mock_auth_failures_total{reason=\"unknown_key\"} 1\n"));

    assert_int_equal(ctl(f, AM_METHOD_DELETE, "/__mock/journal", NULL, NULL), 200);
    assert_body(f, "{\"cleared\":8}");
    assert_int_equal(am_journal_count(am_app_journal(f->app)), 1); /* the DELETE itself */

    for (size_t i = 0; i < logs.n; i++)
        assert_no_secret(logs.lines[i], "log line");
}

static void test_app_alert_after_threshold_failures(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    size_t alerts = 0;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req.client_ip = "203.0.113.9";
    am_request_add_header(&req, "access_token", UNKNOWN_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(am_app_metrics(f->app)->alerts, 0);
    /* Failures from another address do not count towards this one. */
    req.client_ip = "198.51.100.1";
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(am_app_metrics(f->app)->alerts, 0);
    req.client_ip = "203.0.113.9";
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(am_app_metrics(f->app)->alerts, 1);
    /* One alert per crossing, not one per further failure. */
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(am_app_metrics(f->app)->alerts, 1);

    for (size_t i = 0; i < logs.n; i++) {
        if (strstr(logs.lines[i], " level=warn msg=alert ")) {
            alerts++;
            assert_non_null(strstr(logs.lines[i], "ip=203.0.113.9"));
            assert_non_null(strstr(logs.lines[i], "failures=3"));
        }
        assert_no_secret(logs.lines[i], "log line");
    }
    assert_int_equal(alerts, 1);

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/metrics", NULL, NULL), 200);
    assert_non_null(strstr(body(f), "\nasaas_mock_alerts_total 1\n"));
}

static void test_app_access_log_line_is_redacted_and_quoted(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    bool found = false;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req.query = "name=a b\nlevel=error msg=forged";
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 200);
    for (size_t i = 0; i < logs.n; i++) {
        assert_null(strchr(logs.lines[i], '\n'));
        assert_no_secret(logs.lines[i], "log line");
        if (strstr(logs.lines[i], " level=info msg=request ")) {
            found = true;
            assert_non_null(strstr(logs.lines[i], " req_id=req-test "));
            assert_non_null(strstr(logs.lines[i], " status=200 "));
            assert_non_null(strstr(logs.lines[i], " account=default "));
            assert_non_null(strstr(logs.lines[i], " key=" DEV_KEY_REDACTED));
            assert_non_null(
                strstr(logs.lines[i], " path=\"/v3/customers?name=a b\\x0alevel=error msg=forged\" "));
        }
    }
    assert_true(found);
}

static void test_app_key_in_query_or_path_is_scrubbed(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    cJSON *j, *data;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req.query = "access_token=" DEV_KEY "&limit=1";
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 200);
    req_init(&req, AM_METHOD_GET, "/v3/customers/" DEV_KEY);
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 404);
    assert_no_secret(body(f), "404 body");

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/journal", NULL, NULL), 200);
    assert_no_secret(body(f), "journal");
    j = parse(f);
    data = cJSON_GetObjectItem(j, "data");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "path")->valuestring,
                        "/v3/customers/" DEV_KEY_REDACTED);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(data, 1), "path")->valuestring,
                        "/v3/customers?access_token=" DEV_KEY_REDACTED "&limit=1");
    cJSON_Delete(j);
    for (size_t i = 0; i < logs.n; i++)
        assert_no_secret(logs.lines[i], "log line");
}

static void test_app_request_id(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    char out[17], long_id[80];

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    am_app_request_id(f->app, &req, out, sizeof(out));
    assert_int_equal(strlen(out), 16);
    assert_int_equal(strspn(out, "0123456789abcdef"), 16);

    am_request_add_header(&req, "X-Request-Id", "abc-123_X.y");
    assert_string_equal(am_app_request_id(f->app, &req, out, sizeof(out)), "abc-123_X.y");

    req.n_headers = 0;
    am_request_add_header(&req, "x-request-id", "bad id\n");
    am_app_request_id(f->app, &req, out, sizeof(out));
    assert_int_equal(strspn(out, "0123456789abcdef"), 16);

    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    req.n_headers = 0;
    am_request_add_header(&req, "X-Request-Id", long_id);
    am_app_request_id(f->app, &req, out, sizeof(out));
    assert_int_equal(strspn(out, "0123456789abcdef"), 16);
    assert_string_not_equal(out, "aaaaaaaaaaaaaaaa");

    req.n_headers = 0;
    am_request_add_header(&req, "X-Request-Id", "");
    am_app_request_id(f->app, &req, out, sizeof(out));
    assert_int_equal(strlen(out), 16);
}

static void test_app_api_keys_from_config_are_registered(void **state)
{
    struct am_config cfg;
    struct am_app *app;
    struct am_request req;
    struct am_response resp;
    char err[128];

    (void)state;
    am_config_defaults(&cfg);
    cfg.api_keys[cfg.n_api_keys++] = strdup(UNKNOWN_KEY);
    cfg.api_keys[cfg.n_api_keys++] = strdup(DEV_KEY); /* already in fixtures: fine */
    app = am_app_new(&cfg, NOW, err, sizeof(err));
    assert_non_null(app);
    req_init(&req, AM_METHOD_GET, "/v3/customers");
    am_request_add_header(&req, "access_token", UNKNOWN_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    am_app_handle(app, &req, NOW, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.outcome.account_id, "default");
    am_response_finish(&resp);
    am_app_free(app);
    am_config_finish(&cfg);

    /* A broken fixtures dir fails with a message. */
    am_config_defaults(&cfg);
    cfg.fixtures_dir = strdup("/nonexistent-fixtures");
    err[0] = '\0';
    assert_null(am_app_new(&cfg, NOW, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent-fixtures/accounts.json"));
    am_config_finish(&cfg);
}

static int setup_auto(void **state)
{
    setup_auto_accounts = true;
    return setup_with(state, NULL);
}

/* The log line of the given msg= (NULL when absent). */
static const char *log_line(const char *msg)
{
    char want[96];

    snprintf(want, sizeof(want), " msg=%s ", msg);
    for (size_t i = 0; i < logs.n; i++) {
        if (strstr(logs.lines[i], want))
            return logs.lines[i];
    }
    return NULL;
}

/* --auto-accounts: the new account's log line names the key redacted, never whole. */
static void test_app_auto_account_created_line_is_redacted(void **state)
{
    struct fx *f = *state;
    const char *line;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", UNKNOWN_KEY, NULL), 200);
    line = log_line("account_created");
    if (!line)
        fail_msg("no account_created line");
    assert_non_null(strstr(line, "key=$aact_hmlg_..."));
    assert_non_null(strstr(line, "reason=auto-accounts"));
    for (size_t i = 0; i < logs.n; i++)
        assert_no_secret(logs.lines[i], "log line");
}

/* An empty access_token still leaves its audit line (the answer is a bare 401), naming
 * this request: the line is for it, not a neighbour's. */
static void test_app_empty_key_leaves_an_audit_line(void **state)
{
    struct fx *f = *state;
    struct am_request req;
    const char *line;

    req_init(&req, AM_METHOD_GET, "/v3/customers");
    req.request_id = "req-empty-key";
    am_request_add_header(&req, "access_token", "");
    am_request_add_header(&req, "User-Agent", UA);
    assert_int_equal(run(f, &req), 401);
    assert_int_equal(f->resp.body_len, 0);
    line = log_line("auth_failure");
    if (!line)
        fail_msg("no auth_failure line for an empty key");
    assert_non_null(strstr(line, "reason=empty_token"));
    assert_non_null(strstr(line, "req_id=req-empty-key"));
}

/* Group commit's early start: few writers wait for the idle loop; many start the next
 * batch at three quarters of those the last batch saw (released + waiting). */
static void test_app_commit_starts_early_only_under_many_writers(void **state)
{
    (void)state;
    assert_int_equal(am_app_commit_early_at(0, 0), 0);
    assert_int_equal(am_app_commit_early_at(1, 0), 0);
    assert_int_equal(am_app_commit_early_at(10, 5), 0);
    assert_int_equal(am_app_commit_early_at(16, 0), 12);
    assert_int_equal(am_app_commit_early_at(48, 16), 48);
    assert_int_equal(am_app_commit_early_at(64, 0), 48);
    assert_int_equal(am_app_commit_early_at(0, 64), 48);
    assert_int_equal(am_app_commit_early_at(1000, 0), 750);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_app_missing_access_token_is_401_not_found, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_empty_access_token_is_401_empty_body, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_bad_format_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_production_key_is_an_incident, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_default_dev_key_with_user_agent_is_200, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_missing_user_agent_is_401, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_get_with_body_is_403_before_auth, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_unknown_api_route_is_404_after_auth, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_wrong_method_is_405_with_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_customer_create_is_deterministic_with_seed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_health, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_unknown_control_route_is_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_key_lifecycle_through_control_api, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_key_created_disabled_with_expiry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_app_key_create_refuses_unknown_fields_and_registers_given_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_whoami_resolves_a_key_without_echoing_it, setup,
                                        teardown),
        cmocka_unit_test(test_app_whoami_creates_the_auto_account),
        cmocka_unit_test(test_app_commit_starts_early_only_under_many_writers),
        cmocka_unit_test_setup_teardown(test_app_admin_token_required_when_configured,
                                        setup_admin, teardown),
        cmocka_unit_test_setup_teardown(test_app_admin_token_exempts_health_and_ca, setup_admin,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_journal_entries_are_redacted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_alert_after_threshold_failures, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_access_log_line_is_redacted_and_quoted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_key_in_query_or_path_is_scrubbed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_request_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_invalid_utf8_refused_at_the_edge, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_app_json_nul_escape_refused, setup, teardown),
        cmocka_unit_test(test_app_api_keys_from_config_are_registered),
        cmocka_unit_test_setup_teardown(test_app_auto_account_created_line_is_redacted,
                                        setup_auto, teardown),
        cmocka_unit_test_setup_teardown(test_app_empty_key_leaves_an_audit_line, setup, teardown),
    };
    return cmocka_run_group_tests_name("app", tests, NULL, NULL);
}

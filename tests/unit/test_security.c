/* test_security.c - the security report driven through the app: each observation point
 * (requests via am_app_handle/am_app_complete, webhook outcomes), the findings derived from
 * an account's state, reset and snapshots, the control route and the shutdown file and
 * exit status (security.c). */
#include "test_helpers.h"

#include <stdbool.h>
#include <fcntl.h>
#include <unistd.h>

#include "app.h"
#include "app_iface.h"
#include "log.h"
#include "secreport.h"
#include "security.h"

#define NOW INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC */
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define DEV_KEY_PART "MzkwODA2MWY2OGM3"
#define PROD_KEY "$aact_prod_000UHJvZHVjdGlvbktleUZvclRlc3RzT25seVgxMjM0NTY3ODkw"
#define PROD_KEY_PART "UHJvZHVjdGlvbktleUZvc"
#define UNKNOWN_KEY "$aact_hmlg_000VW5rbm93bktleU5vdFJlZ2lzdGVyZWRBbnl3aGVyZQ"
#define SECOND_KEY "$aact_hmlg_000U2Vjb25kS2V5T2ZUaGVEZWZhdWx0QWNjb3VudDEyMzQ1Njc4OQ"
#define UA "my-app/1.0"

struct fx {
    struct am_config cfg;
    struct am_app *app;
    struct am_response resp;
    char err[256];
    int64_t now_ms; /* real time of the next request */
};

static void discard(enum am_log_level level, const char *line, void *userdata)
{
    (void)level;
    (void)line;
    (void)userdata;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    am_config_defaults(&f->cfg);
    f->cfg.has_seed = true;
    f->cfg.seed = 11;
    f->cfg.fault_header = true;
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    if (!f->app) {
        fprintf(stderr, "am_app_new: %s\n", f->err);
        return -1;
    }
    am_app_set_tls_ready(f->app, true);
    am_response_init(&f->resp);
    am_log_set_sink(discard, NULL);
    f->now_ms = NOW * 1000;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_log_set_sink(NULL, NULL);
    am_response_finish(&f->resp);
    am_app_free(f->app);
    am_config_finish(&f->cfg);
    free(f);
    return 0;
}

struct call {
    enum am_method method;
    const char *path, *query, *body, *key, *ua, *fault;
    enum am_transport transport;
};

static int run(struct fx *f, const struct call *c)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.method = c->method;
    req.path = c->path;
    req.query = c->query;
    req.client_ip = "127.0.0.1";
    req.request_id = "req-sec";
    req.transport = c->transport ? c->transport : AM_TRANSPORT_TLS13;
    if (c->key)
        am_request_add_header(&req, "access_token", c->key);
    if (c->ua)
        am_request_add_header(&req, "User-Agent", c->ua);
    if (c->fault)
        am_request_add_header(&req, "X-Mock-Fault", c->fault);
    if (c->body) {
        req.body = c->body;
        req.body_len = strlen(c->body);
    }
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, f->now_ms / 1000, &f->resp);
    am_app_complete(f->app, &req, &f->resp, f->now_ms, 10);
    f->now_ms += 100;
    return f->resp.status;
}

/* An authenticated request of the development key from a well-behaved client. */
static int api(struct fx *f, enum am_method method, const char *path, const char *body)
{
    struct call c = {.method = method, .path = path, .body = body, .key = DEV_KEY, .ua = UA};

    return run(f, &c);
}

static int ctl(struct fx *f, enum am_method method, const char *path, const char *query,
               const char *body)
{
    struct call c = {.method = method, .path = path, .query = query, .body = body};

    return run(f, &c);
}

/* The report as JSON (f->resp keeps the text). */
static cJSON *report(struct fx *f, const char *query)
{
    cJSON *r;

    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/security/report", query, NULL), 200);
    if (strstr(f->resp.body, DEV_KEY_PART) || strstr(f->resp.body, PROD_KEY_PART) ||
        strstr(f->resp.body, UNKNOWN_KEY + 14))
        fail_msg("the report holds a key:\n%s", f->resp.body);
    r = cJSON_ParseWithLength(f->resp.body, f->resp.body_len);
    assert_non_null(r);
    return r;
}

/* The finding code of account (NULL: the unattributed entry) in r, or NULL. */
static const cJSON *finding(const cJSON *r, const char *account, const char *code)
{
    const cJSON *a, *x;

    cJSON_ArrayForEach(a, cJSON_GetObjectItem(r, "accounts"))
    {
        const cJSON *id = cJSON_GetObjectItem(a, "account");
        if (account ? !(cJSON_IsString(id) && strcmp(id->valuestring, account) == 0)
                    : !cJSON_IsNull(id))
            continue;
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(a, "findings"))
        {
            if (strcmp(cJSON_GetObjectItem(x, "code")->valuestring, code) == 0)
                return x;
        }
    }
    return NULL;
}

static const char *field(const cJSON *x, const char *name)
{
    const cJSON *it = cJSON_GetObjectItem(x, name);

    assert_true(cJSON_IsString(it));
    return it->valuestring;
}

static double count(const cJSON *x)
{
    return cJSON_GetObjectItem(x, "count")->valuedouble;
}

static void test_clean_client_has_no_error(void **state)
{
    struct fx *f = *state;
    cJSON *r;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", NULL), 200);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers",
                         "{\"name\":\"Maria\",\"cpfCnpj\":\"24971563792\"}"),
                     200);
    /* no finding, no store: 10,000 clean accounts cost nothing */
    assert_null(am_registry_find_account(am_app_registry(f->app), "default")->secreport);
    r = report(f, NULL);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "summary"), "error")->valueint, 0);
    assert_true(am_secreport_max_severity(r) < AM_SEC_ERROR);
    /* the account was used, so its hygiene shows */
    assert_non_null(finding(r, "default", "NO_IP_ALLOWLIST"));
    assert_null(finding(r, "default", "TLS12_NEGOTIATED"));
    assert_string_equal(field(r, "object"), "securityReport");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "failOn")));
    cJSON_Delete(r);
}

static void test_unused_accounts_are_not_listed(void **state)
{
    struct fx *f = *state;
    cJSON *r = report(f, NULL);

    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "accounts")), 0);
    cJSON_Delete(r);
}

static void test_transport_findings(void **state)
{
    struct fx *f = *state;
    struct call plain = {AM_METHOD_GET, "/v3/customers", NULL, NULL, DEV_KEY, UA, NULL,
                         AM_TRANSPORT_PLAIN};
    struct call tls12 = plain, unknown = plain;
    const cJSON *x;
    cJSON *r;

    tls12.transport = AM_TRANSPORT_TLS12;
    unknown.transport = AM_TRANSPORT_UNKNOWN; /* run() makes it TLS 1.3 */
    assert_int_equal(run(f, &plain), 200);
    assert_int_equal(run(f, &tls12), 200);
    assert_int_equal(run(f, &tls12), 200);
    assert_int_equal(run(f, &unknown), 200);
    r = report(f, "account=default");
    x = finding(r, "default", "PLAINTEXT_TRANSPORT");
    assert_non_null(x);
    assert_string_equal(field(x, "severity"), "error");
    assert_int_equal(count(x), 1);
    x = finding(r, "default", "TLS12_NEGOTIATED");
    assert_non_null(x);
    assert_string_equal(field(x, "severity"), "advice");
    assert_int_equal(count(x), 2);
    assert_string_equal(field(x, "firstSeen"), "2025-12-31 21:00:00"); /* account clock */
    cJSON_Delete(r);
}

static void test_key_in_query_path_and_body(void **state)
{
    struct fx *f = *state;
    struct call q = {.method = AM_METHOD_GET, .path = "/v3/customers",
                     .query = "limit=1&access_token=%24aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3"
                              "MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRhYWNoX2RldmVsb3Bt"
                              "ZW50LWtleS1ub3Qtc2VjcmV0",
                     .key = DEV_KEY, .ua = UA};
    struct call only_query = q;
    struct call p = {.method = AM_METHOD_GET, .path = "/v3/customers/" DEV_KEY, .key = DEV_KEY,
                     .ua = UA};
    struct call b = {.method = AM_METHOD_POST, .path = "/v3/customers",
                     .body = "{\"name\":\"A\",\"cpfCnpj\":\"24971563792\",\"access_token\":\"" DEV_KEY
                             "\"}",
                     .key = DEV_KEY, .ua = UA};
    const cJSON *x;
    cJSON *r;

    only_query.key = NULL;
    run(f, &q);
    run(f, &only_query); /* no header: 401, no account */
    run(f, &p);
    run(f, &b);
    r = report(f, NULL);
    x = finding(r, "default", "KEY_IN_QUERY");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "access_token=$aact_hmlg_...cmV0"));
    assert_non_null(finding(r, NULL, "KEY_IN_QUERY"));
    x = finding(r, "default", "KEY_IN_PATH");
    assert_non_null(x);
    assert_string_equal(field(x, "evidence"), "GET /v3/customers/$aact_hmlg_...cmV0");
    x = finding(r, "default", "KEY_IN_BODY");
    assert_non_null(x);
    assert_string_equal(field(x, "evidence"), "POST /v3/customers: field access_token");
    cJSON_Delete(r);
}

static void test_key_in_stored_data(void **state)
{
    struct fx *f = *state;
    const cJSON *x;
    cJSON *r;

    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers",
                         "{\"name\":\"A\",\"cpfCnpj\":\"24971563792\",\"observations\":\"key: " DEV_KEY
                         "\"}"),
                     200);
    r = report(f, NULL);
    x = finding(r, "default", "KEY_IN_STORED_DATA");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "data.customers"));
    assert_non_null(strstr(field(x, "evidence"), "observations = \"key: $aact_hmlg_...cmV0\""));
    /* not sent as a field of its own */
    assert_null(finding(r, "default", "KEY_IN_BODY"));
    cJSON_Delete(r);
}

static void test_production_key_and_failing_loop_have_no_account(void **state)
{
    struct fx *f = *state;
    struct call prod = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = PROD_KEY,
                        .ua = UA};
    struct call unknown = prod;
    const cJSON *x;
    cJSON *r;

    unknown.key = UNKNOWN_KEY;
    assert_int_equal(run(f, &prod), 401);
    for (int i = 0; i < AM_SEC_LOOP_FAILURES + 1; i++)
        assert_int_equal(run(f, &unknown), 401);
    r = report(f, NULL);
    x = finding(r, NULL, "PRODUCTION_KEY");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "$aact_prod_...ODkw"));
    x = finding(r, NULL, "FAILING_KEY_RETRIED");
    assert_non_null(x);
    assert_int_equal(count(x), 2); /* the 5th and the 6th failure */
    assert_null(finding(r, NULL, "USER_AGENT_MISSING"));
    cJSON_Delete(r);
}

static void test_user_agent_findings(void **state)
{
    struct fx *f = *state;
    struct call none = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = DEV_KEY};
    struct call lib = none, blank = none;
    const cJSON *x;
    cJSON *r;

    lib.ua = "python-requests/2.31.0";
    blank.ua = "  ";
    assert_int_equal(run(f, &none), 401);
    assert_int_equal(run(f, &blank), 401);
    assert_int_equal(run(f, &lib), 200);
    r = report(f, NULL);
    x = finding(r, "default", "USER_AGENT_MISSING");
    assert_non_null(x);
    assert_int_equal(count(x), 2);
    x = finding(r, "default", "USER_AGENT_LIBRARY_DEFAULT");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "python-requests/2.31.0"));
    cJSON_Delete(r);
}

static void test_duplicate_after_ambiguous(void **state)
{
    struct fx *f = *state;
    const char *body = "{\"name\":\"A\",\"cpfCnpj\":\"24971563792\",\"externalReference\":\"o-1\"}";
    struct call amb = {.method = AM_METHOD_POST, .path = "/v3/customers", .body = body,
                       .key = DEV_KEY, .ua = UA, .fault = "ambiguous"};
    const cJSON *x;
    cJSON *r;

    assert_int_equal(run(f, &amb), 200); /* committed, then reset on the wire */
    assert_int_equal(f->resp.outcome.wire, AM_WIRE_RESET);
    r = report(f, NULL);
    assert_null(finding(r, "default", "DUPLICATE_AFTER_AMBIGUOUS"));
    cJSON_Delete(r);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", body), 200);
    r = report(f, NULL);
    x = finding(r, "default", "DUPLICATE_AFTER_AMBIGUOUS");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "same externalReference"));
    cJSON_Delete(r);
}

static void test_requests_before_retry_after(void **state)
{
    struct fx *f = *state;
    struct call limited = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = DEV_KEY,
                           .ua = UA, .fault = "status;code=429;reset=5"};
    cJSON *r;

    assert_int_equal(run(f, &limited), 429);
    f->now_ms += 6000; /* waited the 5 s: fine */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", NULL), 200);
    r = report(f, NULL);
    assert_null(finding(r, "default", "REQUEST_BEFORE_RETRY_AFTER"));
    cJSON_Delete(r);
    assert_int_equal(run(f, &limited), 429);
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", NULL), 200);
    r = report(f, NULL);
    assert_non_null(finding(r, "default", "REQUEST_BEFORE_RETRY_AFTER"));
    cJSON_Delete(r);
}

static char *created_id(struct fx *f)
{
    cJSON *j = cJSON_ParseWithLength(f->resp.body, f->resp.body_len);
    char *id;

    assert_non_null(j);
    id = strdup(cJSON_GetObjectItem(j, "id")->valuestring);
    cJSON_Delete(j);
    return id;
}

static void test_polling_while_a_webhook_covers_the_payment(void **state)
{
    struct fx *f = *state;
    char path[128], body[256], *cus, *pay;
    const cJSON *x;
    cJSON *r;

    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers",
                         "{\"name\":\"A\",\"cpfCnpj\":\"24971563792\"}"),
                     200);
    cus = created_id(f);
    snprintf(body, sizeof(body), "{\"customer\":\"%s\",\"billingType\":\"PIX\",\"value\":10,"
                                 "\"dueDate\":\"2026-01-10\"}", cus);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/payments", body), 200);
    pay = created_id(f);
    snprintf(path, sizeof(path), "/v3/payments/%s/status", pay);
    /* no webhook config yet: reading twice is fine */
    assert_int_equal(api(f, AM_METHOD_GET, path, NULL), 200);
    assert_int_equal(api(f, AM_METHOD_GET, path, NULL), 200);
    r = report(f, NULL);
    assert_null(finding(r, "default", "POLLING_WITH_WEBHOOK"));
    assert_null(finding(r, "default", "WEBHOOK_HTTP_URL"));
    cJSON_Delete(r);
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/webhooks",
                         "{\"name\":\"w\",\"url\":\"http://127.0.0.1:9/hook\",\"email\":"
                         "\"a@example.com\",\"sendType\":\"SEQUENTIALLY\",\"events\":"
                         "[\"PAYMENT_RECEIVED\"]}"),
                     200);
    assert_int_equal(api(f, AM_METHOD_GET, path, NULL), 200);
    assert_int_equal(api(f, AM_METHOD_GET, path, NULL), 200);
    r = report(f, NULL);
    x = finding(r, "default", "POLLING_WITH_WEBHOOK");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), pay));
    x = finding(r, "default", "WEBHOOK_HTTP_URL");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "http://127.0.0.1:9/hook"));
    cJSON_Delete(r);
    free(cus);
    free(pay);
}

static void test_webhook_receiver_findings(void **state)
{
    struct fx *f = *state;
    const cJSON *x;
    cJSON *r;

    /* failures and ordinary 200s are the queue's business, not findings (not even a store) */
    am_security_webhook(f->app, "default", "cfg-1", "https://rx.example/hook", "", true, 500,
                        f->now_ms);
    am_security_webhook(f->app, "default", "cfg-1", "https://rx.example/hook", "", true, 200,
                        f->now_ms);
    am_security_webhook(f->app, "nobody", "cfg-1", "https://rx.example/hook", "", true, 204,
                        f->now_ms);
    assert_null(am_registry_find_account(am_app_registry(f->app), "default")->secreport);
    am_security_webhook(f->app, "default", "cfg-1", "https://rx.example/hook", "corrupt-token",
                        true, 200, f->now_ms);
    am_security_webhook(f->app, "default", "cfg-1", "https://rx.example/hook", "", true, 204,
                        f->now_ms);
    r = report(f, NULL);
    x = finding(r, "default", "RECEIVER_IGNORES_TOKEN");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "with a wrong asaas-access-token"));
    x = finding(r, "default", "RECEIVER_NOT_200");
    assert_non_null(x);
    assert_int_equal(count(x), 1);
    assert_non_null(strstr(field(x, "evidence"), "answered 204"));
    cJSON_Delete(r);
}

static void test_key_hygiene_on_the_account_clock(void **state)
{
    struct fx *f = *state;
    struct am_account *a = am_registry_find_account(am_app_registry(f->app), "default");
    struct call second = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = SECOND_KEY,
                          .ua = UA};
    struct am_api_key *k = NULL;
    const cJSON *x;
    cJSON *r;

    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", NULL), 200);
    r = report(f, NULL);
    assert_null(finding(r, "default", "KEY_ROTATION_OVERDUE"));
    assert_null(finding(r, "default", "STALE_KEY_PRESENT"));
    assert_null(finding(r, "default", "MULTIPLE_ACTIVE_KEYS"));
    cJSON_Delete(r);
    /* a second key in use: advice */
    assert_int_equal(am_registry_add_key(am_app_registry(f->app), a, SECOND_KEY, NULL, NULL,
                                         "second", NOW, 0, true, NULL), 0);
    assert_int_equal(run(f, &second), 200);
    /* an expired key and a key unused for 40 days (real time) */
    assert_int_equal(am_registry_add_key(am_app_registry(f->app), a, UNKNOWN_KEY, NULL, NULL,
                                         "old", NOW - 50 * 86400, NOW - 86400, true, &k), 0);
    r = report(f, NULL);
    x = finding(r, "default", "MULTIPLE_ACTIVE_KEYS");
    assert_non_null(x);
    assert_string_equal(field(x, "severity"), "advice");
    x = finding(r, "default", "STALE_KEY_PRESENT");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "expired"));
    cJSON_Delete(r);
    k->expires_at = 0;
    k->last_used_at = NOW - 40 * 86400;
    r = report(f, NULL);
    x = finding(r, "default", "STALE_KEY_PRESENT");
    assert_non_null(x);
    assert_non_null(strstr(field(x, "evidence"), "unused since 2025-11-21"));
    cJSON_Delete(r);
    /* 91 days on the account's clock make the keys overdue (--key-rotation-days 90) */
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/accounts/default/clock/advance", NULL,
                         "{\"days\":91}"),
                     200);
    r = report(f, NULL);
    x = finding(r, "default", "KEY_ROTATION_OVERDUE");
    assert_non_null(x);
    assert_string_equal(field(x, "severity"), "warning");
    assert_int_equal(count(x), 3); /* the development key, second and old */
    cJSON_Delete(r);
    /* an allowlist removes the IP finding */
    assert_int_equal(am_account_allow_ip(a, "127.0.0.1"), 0);
    r = report(f, NULL);
    assert_null(finding(r, "default", "NO_IP_ALLOWLIST"));
    cJSON_Delete(r);
}

static void test_findings_reset_with_the_account_and_live_in_snapshots(void **state)
{
    struct fx *f = *state;
    struct call lib = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = DEV_KEY,
                       .ua = "curl/8.5.0"};
    char *snapshot;
    cJSON *r;

    assert_int_equal(run(f, &lib), 200);
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/state", NULL, NULL), 200);
    assert_non_null(strstr(f->resp.body, "\"security\":{\"findings\":[{\"code\":"
                                         "\"USER_AGENT_LIBRARY_DEFAULT\""));
    snapshot = strdup(f->resp.body);
    assert_int_equal(ctl(f, AM_METHOD_POST, "/__mock/reset", NULL, "{\"account\":\"default\"}"),
                     200);
    r = report(f, NULL);
    assert_null(finding(r, "default", "USER_AGENT_LIBRARY_DEFAULT"));
    cJSON_Delete(r);
    /* a snapshot brings them back */
    assert_int_equal(ctl(f, AM_METHOD_PUT, "/__mock/state", NULL, snapshot), 200);
    r = report(f, NULL);
    assert_non_null(finding(r, "default", "USER_AGENT_LIBRARY_DEFAULT"));
    cJSON_Delete(r);
    free(snapshot);
}

static void test_control_route_formats_and_errors(void **state)
{
    struct fx *f = *state;
    struct call plain = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = DEV_KEY,
                         .ua = UA, .transport = AM_TRANSPORT_PLAIN};

    run(f, &plain);
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/security/report", "format=md", NULL), 200);
    assert_string_equal(f->resp.content_type, "text/markdown; charset=utf-8");
    assert_non_null(strstr(f->resp.body, "# Integration security report"));
    assert_non_null(strstr(f->resp.body, "| error | `PLAINTEXT_TRANSPORT` |"));
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/security/report", "format=xml", NULL), 400);
    assert_non_null(strstr(f->resp.body, "invalid_format"));
    assert_int_equal(ctl(f, AM_METHOD_GET, "/__mock/security/report", "account=nope", NULL), 404);
}

static void test_shutdown_writes_the_file_and_fails_on_findings(void **state)
{
    struct fx *f = *state;
    struct call lib = {.method = AM_METHOD_GET, .path = "/v3/customers", .key = DEV_KEY,
                       .ua = "axios/1.6.0"};
    char path[] = "/tmp/am-secreport-XXXXXX.md";
    int fd = mkstemps(path, 3);
    char buf[8192];
    ssize_t n;

    assert_true(fd >= 0);
    close(fd);
    /* nothing asked: nothing written, exit 0 */
    assert_int_equal(am_security_shutdown(f->app, NOW), 0);
    f->cfg.security_report = strdup(path);
    f->cfg.fail_on_findings = AM_SEC_ERROR;
    assert_int_equal(am_security_shutdown(f->app, NOW), 0);
    assert_int_equal(run(f, &lib), 200);
    assert_int_equal(am_security_shutdown(f->app, NOW), 0); /* a warning is below error */
    f->cfg.fail_on_findings = AM_SEC_WARNING;
    assert_int_equal(am_security_shutdown(f->app, NOW), AM_SECURITY_EXIT_FINDINGS);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "`USER_AGENT_LIBRARY_DEFAULT`"));
    assert_non_null(strstr(buf, "**fails** (exit status 3 at shutdown)"));
    unlink(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_clean_client_has_no_error),
        T(test_unused_accounts_are_not_listed),
        T(test_transport_findings),
        T(test_key_in_query_path_and_body),
        T(test_key_in_stored_data),
        T(test_production_key_and_failing_loop_have_no_account),
        T(test_user_agent_findings),
        T(test_duplicate_after_ambiguous),
        T(test_requests_before_retry_after),
        T(test_polling_while_a_webhook_covers_the_payment),
        T(test_webhook_receiver_findings),
        T(test_key_hygiene_on_the_account_clock),
        T(test_findings_reset_with_the_account_and_live_in_snapshots),
        T(test_control_route_formats_and_errors),
        T(test_shutdown_writes_the_file_and_fails_on_findings),
    };
    return cmocka_run_group_tests_name("security", tests, NULL, NULL);
}

/* test_ratelimit.c - Asaas quota, concurrent GETs, endpoint limits, headers and the
 * control API config. */
#include "test_helpers.h"

#include <errno.h>

#include "clock.h"
#include "ratelimit.h"

#define T0 1750000000 /* an account-clock instant */

static struct am_ratelimit *limiter(uint32_t quota, uint32_t max_gets)
{
    struct am_ratelimit_config cfg;

    am_ratelimit_config_defaults(&cfg);
    cfg.quota = quota;
    cfg.max_concurrent_gets = max_gets;
    return am_ratelimit_new(&cfg);
}

static struct am_ratelimit_result check(struct am_ratelimit *rl, const char *account,
                                        enum am_method m, int64_t now)
{
    struct am_ratelimit_result res;

    assert_int_equal(am_ratelimit_check(rl, account, AM_ROUTE_CUSTOMERS_CREATE, m, now, &res), 0);
    return res;
}

static char *json_text(cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);

    assert_non_null(s);
    cJSON_Delete(obj);
    return s;
}

static int apply(struct am_ratelimit *rl, const char *json, char *err, size_t err_len)
{
    cJSON *obj = cJSON_Parse(json);
    int r;

    assert_non_null(obj);
    r = am_ratelimit_apply_json(rl, obj, err, err_len);
    cJSON_Delete(obj);
    return r;
}

static int64_t fixed_now(void *ctx, const char *account_id)
{
    (void)account_id;
    return *(const int64_t *)ctx;
}

static void test_ratelimit_defaults_are_asaas(void **state)
{
    struct am_ratelimit_config cfg;

    (void)state;
    am_ratelimit_config_defaults(&cfg);
    assert_true(cfg.enabled);
    assert_int_equal(cfg.quota, 25000);
    assert_int_equal(cfg.window_s, 43200);
    assert_int_equal(cfg.max_concurrent_gets, 50);
    assert_int_equal(cfg.n_endpoints, 0);
}

static void test_ratelimit_quota_exact_at_boundary(void **state)
{
    struct am_ratelimit *rl = limiter(5, 50);
    struct am_ratelimit_result res;

    (void)state;
    for (uint32_t i = 1; i <= 5; i++) {
        res = check(rl, "acme", AM_METHOD_POST, T0 + i);
        assert_true(res.allowed);
        assert_int_equal(res.hit, AM_RL_NONE);
        assert_true(res.has_headers);
        assert_int_equal(res.limit, 5);
        assert_int_equal(res.remaining, 5 - i);
        /* The window started at the first request (T0 + 1) and lasts 43200 s. */
        assert_int_equal(res.reset_s, 43200 - (i - 1));
        assert_false(res.release);
    }
    res = check(rl, "acme", AM_METHOD_POST, T0 + 100);
    assert_false(res.allowed);
    assert_int_equal(res.hit, AM_RL_QUOTA);
    assert_int_equal(res.limit, 5);
    assert_int_equal(res.remaining, 0);
    assert_int_equal(res.reset_s, 43200 - 99);
    /* A refused GET takes no slot. */
    res = check(rl, "acme", AM_METHOD_GET, T0 + 100);
    assert_false(res.allowed);
    assert_false(res.release);
    am_ratelimit_free(rl);
}

static void test_ratelimit_window_resets_with_the_account_clock(void **state)
{
    struct am_ratelimit *rl = limiter(2, 50);
    struct am_clock clock = {AM_CLOCK_FROZEN, T0, 0};
    struct am_ratelimit_result res;

    (void)state;
    assert_true(check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0)).allowed);
    assert_true(check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0)).allowed);
    assert_false(check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0)).allowed);
    am_clock_advance(&clock, 43199);
    res = check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0));
    assert_false(res.allowed);
    assert_int_equal(res.reset_s, 1);
    am_clock_advance(&clock, 1); /* exactly 12 h after the first request */
    res = check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0));
    assert_true(res.allowed);
    assert_int_equal(res.remaining, 1);
    assert_int_equal(res.reset_s, 43200);
    /* A clock moved back before the window start also starts a fresh window. */
    assert_true(check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0)).allowed);
    assert_false(check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0)).allowed);
    am_clock_freeze(&clock, T0);
    res = check(rl, "acme", AM_METHOD_POST, am_clock_now(&clock, 0));
    assert_true(res.allowed);
    assert_int_equal(res.remaining, 1);
    am_ratelimit_free(rl);
}

static void test_ratelimit_concurrent_gets(void **state)
{
    struct am_ratelimit *rl = limiter(25000, 50);
    struct am_ratelimit_result res;

    (void)state;
    for (int i = 0; i < 50; i++) {
        res = check(rl, "acme", i % 5 ? AM_METHOD_GET : AM_METHOD_HEAD, T0);
        assert_true(res.allowed);
        assert_true(res.release);
    }
    res = check(rl, "acme", AM_METHOD_GET, T0);
    assert_false(res.allowed);
    assert_int_equal(res.hit, AM_RL_CONCURRENCY);
    assert_int_equal(res.limit, 50);
    assert_int_equal(res.remaining, 0);
    assert_int_equal(res.reset_s, 1);
    assert_false(res.release);
    /* POSTs do not count against concurrency. */
    res = check(rl, "acme", AM_METHOD_POST, T0);
    assert_true(res.allowed);
    assert_false(res.release);
    assert_int_equal(res.remaining, 25000 - 51); /* 50 GETs + 1 POST; the refused GET is free */
    /* Another account has its own slots. */
    assert_true(check(rl, "other", AM_METHOD_GET, T0).allowed);
    am_ratelimit_release(rl, "acme", AM_METHOD_POST); /* ignored */
    assert_false(check(rl, "acme", AM_METHOD_GET, T0).allowed);
    am_ratelimit_release(rl, "acme", AM_METHOD_GET);
    res = check(rl, "acme", AM_METHOD_GET, T0);
    assert_true(res.allowed);
    assert_true(res.release);
    assert_false(check(rl, "acme", AM_METHOD_GET, T0).allowed);
    am_ratelimit_free(rl);
}

static void test_ratelimit_endpoint_limit(void **state)
{
    struct am_ratelimit *rl = limiter(1000, 50);
    struct am_ratelimit_result res;
    char err[128] = "";

    (void)state;
    assert_int_equal(apply(rl, "{\"endpoints\":[{\"operation\":\"customers.list\",\"limit\":3,"
                               "\"windowSeconds\":60}]}",
                           err, sizeof(err)),
                     0);
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(
            am_ratelimit_check(rl, "acme", AM_ROUTE_CUSTOMERS_LIST, AM_METHOD_GET, T0 + 10, &res),
            0);
        assert_true(res.allowed);
        assert_int_equal(res.limit, 3); /* headers describe the endpoint limit */
        assert_int_equal(res.remaining, 3 - i);
        assert_int_equal(res.reset_s, 60);
        am_ratelimit_release(rl, "acme", AM_METHOD_GET);
    }
    assert_int_equal(
        am_ratelimit_check(rl, "acme", AM_ROUTE_CUSTOMERS_LIST, AM_METHOD_GET, T0 + 40, &res), 0);
    assert_false(res.allowed);
    assert_int_equal(res.hit, AM_RL_ENDPOINT);
    assert_int_equal(res.remaining, 0);
    assert_int_equal(res.reset_s, 30);
    /* Other operations are unaffected and report the quota. */
    res = check(rl, "acme", AM_METHOD_POST, T0 + 40);
    assert_true(res.allowed);
    assert_int_equal(res.limit, 1000);
    assert_int_equal(res.remaining, 1000 - 4);
    /* The endpoint window ends 60 s after its first request. */
    assert_int_equal(
        am_ratelimit_check(rl, "acme", AM_ROUTE_CUSTOMERS_LIST, AM_METHOD_GET, T0 + 70, &res), 0);
    assert_true(res.allowed);
    assert_int_equal(res.remaining, 2);
    am_ratelimit_free(rl);
}

static void test_ratelimit_disabled_and_switched_off_limits(void **state)
{
    struct am_ratelimit *rl = limiter(1, 1);
    struct am_ratelimit_result res;
    char err[128] = "";

    (void)state;
    assert_int_equal(apply(rl, "{\"enabled\":false}", err, sizeof(err)), 0);
    for (int i = 0; i < 100; i++) {
        res = check(rl, "acme", AM_METHOD_GET, T0);
        assert_true(res.allowed);
        assert_false(res.has_headers);
        assert_false(res.release);
    }
    /* quota 0 and maxConcurrentGets 0 switch those limits off. */
    assert_int_equal(apply(rl, "{\"enabled\":true,\"quota\":0,\"maxConcurrentGets\":0}", err,
                           sizeof(err)),
                     0);
    for (int i = 0; i < 100; i++) {
        res = check(rl, "acme", AM_METHOD_GET, T0);
        assert_true(res.allowed);
        assert_false(res.has_headers);
        assert_true(res.release); /* GETs stay tracked */
    }
    /* Switching concurrency back on counts the 100 GETs still in flight. */
    assert_int_equal(apply(rl, "{\"maxConcurrentGets\":100}", err, sizeof(err)), 0);
    assert_false(check(rl, "acme", AM_METHOD_GET, T0).allowed);
    /* Unauthenticated requests are never limited. */
    assert_int_equal(am_ratelimit_check(rl, NULL, AM_ROUTE_NONE, AM_METHOD_GET, T0, &res), 0);
    assert_true(res.allowed);
    assert_false(res.has_headers);
    am_ratelimit_free(rl);
}

static void test_ratelimit_accounts_are_independent_and_reset_clears(void **state)
{
    struct am_ratelimit *rl = limiter(1, 50);

    (void)state;
    assert_true(check(rl, "a", AM_METHOD_POST, T0).allowed);
    assert_false(check(rl, "a", AM_METHOD_POST, T0).allowed);
    assert_true(check(rl, "b", AM_METHOD_POST, T0).allowed);
    assert_false(check(rl, "b", AM_METHOD_POST, T0).allowed);
    am_ratelimit_reset(rl);
    assert_true(check(rl, "a", AM_METHOD_POST, T0).allowed);
    assert_true(check(rl, "b", AM_METHOD_POST, T0).allowed);
    am_ratelimit_free(rl);
}

static void test_ratelimit_many_accounts_evict_idle_ones(void **state)
{
    struct am_ratelimit *rl = limiter(1, 50);
    char id[32];

    (void)state;
    for (int i = 0; i < AM_RATELIMIT_MAX_ACCOUNTS + 10; i++) {
        snprintf(id, sizeof(id), "acct%d", i);
        assert_true(check(rl, id, AM_METHOD_POST, T0).allowed);
    }
    /* The most recent accounts are still tracked. */
    assert_false(check(rl, id, AM_METHOD_POST, T0).allowed);
    /* acct0 was the least recently seen: forgotten, so it passes again. */
    assert_true(check(rl, "acct0", AM_METHOD_POST, T0).allowed);
    am_ratelimit_free(rl);
}

static void test_ratelimit_headers_and_429_body(void **state)
{
    struct am_ratelimit *rl = limiter(1, 50);
    struct am_ratelimit_result res;
    struct am_response resp;

    (void)state;
    am_response_init(&resp);
    res = check(rl, "acme", AM_METHOD_POST, T0);
    assert_int_equal(am_ratelimit_set_headers(&res, &resp), 0);
    assert_int_equal(resp.n_headers, 3);
    assert_string_equal(resp.headers[0].name, "RateLimit-Limit");
    assert_string_equal(resp.headers[0].value, "1");
    assert_string_equal(resp.headers[1].name, "RateLimit-Remaining");
    assert_string_equal(resp.headers[1].value, "0");
    assert_string_equal(resp.headers[2].name, "RateLimit-Reset");
    assert_string_equal(resp.headers[2].value, "43200");
    am_response_finish(&resp);

    res = check(rl, "acme", AM_METHOD_POST, T0 + 200);
    assert_false(res.allowed);
    assert_int_equal(am_ratelimit_respond(&res, &resp), 0);
    assert_int_equal(resp.status, 429);
    assert_string_equal(resp.body,
                        "{\"errors\":[{\"code\":\"rate_limit_exceeded\",\"description\":\"A cota "
                        "de requisições da conta para o período atual foi excedida. Aguarde o "
                        "reinício da janela\"}]}");
    assert_int_equal(resp.n_headers, 4);
    assert_string_equal(resp.headers[2].value, "43000");
    assert_string_equal(resp.headers[3].name, "Retry-After");
    assert_string_equal(resp.headers[3].value, "43000");
    am_response_finish(&resp);
    am_ratelimit_free(rl);
}

static void test_ratelimit_config_json_round_trips_with_usage(void **state)
{
    struct am_ratelimit *rl = limiter(10, 50);
    struct am_ratelimit_result res;
    int64_t now = T0 + 5;
    char err[128] = "", *text;

    (void)state;
    assert_int_equal(apply(rl, "{\"windowSeconds\":3600,\"endpoints\":[{\"operation\":"
                               "\"customers.create\",\"limit\":4,\"windowSeconds\":60}]}",
                           err, sizeof(err)),
                     0);
    res = check(rl, "acme", AM_METHOD_POST, T0);
    assert_true(res.allowed);
    res = check(rl, "acme", AM_METHOD_GET, T0);
    assert_true(res.release);
    text = json_text(am_ratelimit_to_json(rl, fixed_now, &now));
    assert_string_equal(
        text,
        "{\"enabled\":true,\"quota\":10,\"windowSeconds\":3600,\"maxConcurrentGets\":50,"
        "\"endpoints\":[{\"operation\":\"customers.create\",\"limit\":4,\"windowSeconds\":60}],"
        "\"usage\":[{\"account\":\"acme\",\"used\":2,\"remaining\":8,\"windowStart\":"
        "\"2025-06-15 12:06:40\",\"resetSeconds\":3595,\"concurrentGets\":1,\"endpoints\":[{"
        "\"operation\":\"customers.create\",\"used\":2,\"remaining\":2,\"resetSeconds\":55}]}]}");
    /* The rendered document (usage ignored) applies back unchanged. */
    {
        cJSON *doc = cJSON_Parse(text);
        char *again;

        assert_int_equal(am_ratelimit_apply_json(rl, doc, err, sizeof(err)), 0);
        cJSON_Delete(doc);
        again = json_text(am_ratelimit_to_json(rl, fixed_now, &now));
        /* Re-applying "endpoints" restarts the endpoint counters only. */
        assert_non_null(strstr(again, "\"used\":2,\"remaining\":8"));
        assert_non_null(strstr(again, "\"used\":0,\"remaining\":4,\"resetSeconds\":null"));
        free(again);
    }
    free(text);
    /* resetUsage clears the windows; in-flight GETs stay. */
    assert_int_equal(apply(rl, "{\"resetUsage\":true}", err, sizeof(err)), 0);
    text = json_text(am_ratelimit_to_json(rl, fixed_now, &now));
    assert_non_null(strstr(text, "\"used\":0,\"remaining\":10,\"windowStart\":null,"
                                 "\"resetSeconds\":null,\"concurrentGets\":1"));
    free(text);
    am_ratelimit_free(rl);
}

static void test_ratelimit_apply_json_validates_all_or_nothing(void **state)
{
    static const char *const cases[][2] = {
        {"[]", "body must be a JSON object"},
        {"{\"quota\":-1}", "quota: must be an integer in 0..1000000000 (0 = off)"},
        {"{\"quota\":1.5}", "quota: must be an integer in 0..1000000000 (0 = off)"},
        {"{\"quota\":\"5\"}", "quota: must be an integer in 0..1000000000 (0 = off)"},
        {"{\"windowSeconds\":0}", "windowSeconds: must be an integer in 1..2592000"},
        {"{\"maxConcurrentGets\":true}",
         "maxConcurrentGets: must be an integer in 0..1000000 (0 = off)"},
        {"{\"enabled\":1}", "enabled: must be a boolean"},
        {"{\"resetUsage\":\"yes\"}", "resetUsage: must be a boolean"},
        {"{\"quotas\":5}", "quotas: unknown field"},
        {"{\"quota\":5,\"quota\":6}", "quota: duplicate field"},
        {"{\"endpoints\":{}}", "endpoints: must be an array"},
        {"{\"endpoints\":[1]}", "endpoints[0]: must be an object"},
        {"{\"endpoints\":[{\"operation\":\"x.y\",\"limit\":1,\"windowSeconds\":1}]}",
         "endpoints[0].operation: unknown operation"},
        {"{\"endpoints\":[{\"operation\":\"mock.health\",\"limit\":1,\"windowSeconds\":1}]}",
         "endpoints[0].operation: unknown operation"},
        {"{\"endpoints\":[{\"operation\":\"customers.get\",\"limit\":0,\"windowSeconds\":1}]}",
         "endpoints[0].limit: must be an integer in 1..1000000000"},
        {"{\"endpoints\":[{\"operation\":\"customers.get\",\"limit\":1}]}",
         "endpoints[0].windowSeconds: must be an integer in 1..2592000"},
        {"{\"endpoints\":[{\"operation\":\"customers.get\",\"limit\":1,\"windowSeconds\":1,"
         "\"x\":1}]}",
         "endpoints[0]: only operation, limit and windowSeconds are allowed"},
        {"{\"endpoints\":[{\"operation\":\"customers.get\",\"limit\":1,\"windowSeconds\":1},"
         "{\"operation\":\"customers.get\",\"limit\":2,\"windowSeconds\":1}]}",
         "endpoints[1].operation: duplicate 'customers.get'"},
        {"{\"enabled\":false,\"quota\":-5}", "quota: must be an integer in 0..1000000000 (0 = off)"},
    };
    struct am_ratelimit *rl = limiter(25000, 50);
    struct am_ratelimit_config cfg;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[128] = "";

        assert_int_equal(apply(rl, cases[i][0], err, sizeof(err)), -EINVAL);
        if (strcmp(err, cases[i][1]) != 0)
            fail_msg("%s: got '%s'", cases[i][0], err);
    }
    /* Nothing was applied, not even the valid "enabled":false of the last case. */
    am_ratelimit_get_config(rl, &cfg);
    assert_true(cfg.enabled);
    assert_int_equal(cfg.quota, 25000);
    am_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratelimit_defaults_are_asaas),
        cmocka_unit_test(test_ratelimit_quota_exact_at_boundary),
        cmocka_unit_test(test_ratelimit_window_resets_with_the_account_clock),
        cmocka_unit_test(test_ratelimit_concurrent_gets),
        cmocka_unit_test(test_ratelimit_endpoint_limit),
        cmocka_unit_test(test_ratelimit_disabled_and_switched_off_limits),
        cmocka_unit_test(test_ratelimit_accounts_are_independent_and_reset_clears),
        cmocka_unit_test(test_ratelimit_many_accounts_evict_idle_ones),
        cmocka_unit_test(test_ratelimit_headers_and_429_body),
        cmocka_unit_test(test_ratelimit_config_json_round_trips_with_usage),
        cmocka_unit_test(test_ratelimit_apply_json_validates_all_or_nothing),
    };

    return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}

/* test_router.c - (method, path) -> route, params, 405 Allow lists and hostile paths. */
#include "test_helpers.h"

#include "router.h"

struct route_case {
    enum am_method method;
    const char *rest; /* path after the prefix */
    enum am_route route;
    size_t n_params;
    const char *p0, *p1;
};

static const struct route_case api_cases[] = {
    {AM_METHOD_GET, "customers", AM_ROUTE_CUSTOMERS_LIST, 0, NULL, NULL},
    {AM_METHOD_POST, "customers", AM_ROUTE_CUSTOMERS_CREATE, 0, NULL, NULL},
    {AM_METHOD_GET, "customers/cus_000005219613", AM_ROUTE_CUSTOMERS_GET, 1,
     "cus_000005219613", NULL},
    {AM_METHOD_PUT, "customers/cus_1", AM_ROUTE_CUSTOMERS_UPDATE, 1, "cus_1", NULL},
    {AM_METHOD_POST, "customers/cus_2", AM_ROUTE_CUSTOMERS_UPDATE, 1, "cus_2", NULL},
    {AM_METHOD_DELETE, "customers/cus_3", AM_ROUTE_CUSTOMERS_DELETE, 1, "cus_3", NULL},
    {AM_METHOD_POST, "customers/cus_4/restore", AM_ROUTE_CUSTOMERS_RESTORE, 1, "cus_4", NULL},
};

static const struct route_case ctl_cases[] = {
    {AM_METHOD_GET, "health", AM_ROUTE_CTL_HEALTH, 0, NULL, NULL},
    {AM_METHOD_GET, "ca.pem", AM_ROUTE_CTL_CA_PEM, 0, NULL, NULL},
    {AM_METHOD_GET, "metrics", AM_ROUTE_CTL_METRICS, 0, NULL, NULL},
    {AM_METHOD_GET, "journal", AM_ROUTE_CTL_JOURNAL_GET, 0, NULL, NULL},
    {AM_METHOD_DELETE, "journal", AM_ROUTE_CTL_JOURNAL_CLEAR, 0, NULL, NULL},
    {AM_METHOD_GET, "incidents", AM_ROUTE_CTL_INCIDENTS, 0, NULL, NULL},
    {AM_METHOD_GET, "accounts", AM_ROUTE_CTL_ACCOUNTS_LIST, 0, NULL, NULL},
    {AM_METHOD_POST, "accounts", AM_ROUTE_CTL_ACCOUNTS_CREATE, 0, NULL, NULL},
    {AM_METHOD_GET, "accounts/acme", AM_ROUTE_CTL_ACCOUNT_GET, 1, "acme", NULL},
    {AM_METHOD_PUT, "accounts/acme", AM_ROUTE_CTL_ACCOUNT_UPDATE, 1, "acme", NULL},
    {AM_METHOD_GET, "accounts/acme/keys", AM_ROUTE_CTL_KEYS_LIST, 1, "acme", NULL},
    {AM_METHOD_POST, "accounts/acme/keys", AM_ROUTE_CTL_KEYS_CREATE, 1, "acme", NULL},
    {AM_METHOD_PUT, "accounts/acme/keys/k-1", AM_ROUTE_CTL_KEY_UPDATE, 2, "acme", "k-1"},
    {AM_METHOD_DELETE, "accounts/acme/keys/k-1", AM_ROUTE_CTL_KEY_DELETE, 2, "acme", "k-1"},
    {AM_METHOD_POST, "accounts/acme/keys/k-1/disable", AM_ROUTE_CTL_KEY_DISABLE, 2, "acme",
     "k-1"},
    {AM_METHOD_POST, "accounts/acme/keys/k-1/enable", AM_ROUTE_CTL_KEY_ENABLE, 2, "acme", "k-1"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Params must point into the match's own buffer (the path may be freed afterwards). */
static void assert_param_in_buf(const struct am_route_match *m, const char *p)
{
    assert_non_null(p);
    assert_true(p >= m->buf && p < m->buf + sizeof(m->buf));
}

static void check_case(const char *prefix, const struct route_case *c, enum am_route_scope scope)
{
    char path[256];
    struct am_route_match m;

    snprintf(path, sizeof(path), "%s%s", prefix, c->rest);
    am_router_match(c->method, path, &m);
    if (m.route != c->route)
        fail_msg("%s %s: route %d, want %d", am_method_name(c->method), path, m.route, c->route);
    assert_int_equal(m.scope, scope);
    assert_int_equal(m.n_params, c->n_params);
    if (c->n_params >= 1) {
        assert_param_in_buf(&m, m.params[0]);
        assert_string_equal(m.params[0], c->p0);
    }
    if (c->n_params >= 2) {
        assert_param_in_buf(&m, m.params[1]);
        assert_string_equal(m.params[1], c->p1);
    }
}

static void test_router_matches_every_api_route_under_v3(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++)
        check_case("/v3/", &api_cases[i], AM_SCOPE_API);
}

static void test_router_matches_every_api_route_under_legacy_api_v3(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++)
        check_case("/api/v3/", &api_cases[i], AM_SCOPE_API);
}

static void test_router_matches_every_control_route(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(ctl_cases); i++)
        check_case("/__mock/", &ctl_cases[i], AM_SCOPE_CONTROL);
}

static void test_router_control_routes_not_under_api_prefix(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_GET, "/v3/health", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_API);
    assert_false(m.path_known);
    am_router_match(AM_METHOD_GET, "/__mock/customers", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_CONTROL);
    assert_false(m.path_known);
}

static void test_router_head_matches_get_routes(void **state)
{
    struct am_route_match m;

    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++) {
        struct route_case c = api_cases[i];
        if (c.method != AM_METHOD_GET)
            continue;
        c.method = AM_METHOD_HEAD;
        check_case("/v3/", &c, AM_SCOPE_API);
        check_case("/api/v3/", &c, AM_SCOPE_API);
    }
    for (size_t i = 0; i < N_OF(ctl_cases); i++) {
        struct route_case c = ctl_cases[i];
        if (c.method != AM_METHOD_GET)
            continue;
        c.method = AM_METHOD_HEAD;
        check_case("/__mock/", &c, AM_SCOPE_CONTROL);
    }
    /* HEAD on a POST-only path is a 405, not a match. */
    am_router_match(AM_METHOD_HEAD, "/v3/customers/cus_1/restore", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_true(m.path_known);
    assert_string_equal(m.allow, "POST");
}

struct allow_case {
    enum am_method method;
    const char *path;
    const char *allow;
};

static void test_router_wrong_method_reports_exact_allow(void **state)
{
    static const struct allow_case cases[] = {
        {AM_METHOD_PATCH, "/v3/customers", "GET, POST"},
        {AM_METHOD_DELETE, "/v3/customers", "GET, POST"},
        {AM_METHOD_PUT, "/api/v3/customers", "GET, POST"},
        {AM_METHOD_PATCH, "/v3/customers/cus_1", "GET, PUT, POST, DELETE"},
        {AM_METHOD_OPTIONS, "/api/v3/customers/cus_1", "GET, PUT, POST, DELETE"},
        {AM_METHOD_GET, "/v3/customers/cus_1/restore", "POST"},
        {AM_METHOD_DELETE, "/v3/customers/cus_1/restore", "POST"},
        {AM_METHOD_POST, "/__mock/health", "GET"},
        {AM_METHOD_PUT, "/__mock/journal", "GET, DELETE"},
        {AM_METHOD_DELETE, "/__mock/metrics", "GET"},
        {AM_METHOD_PATCH, "/__mock/accounts", "GET, POST"},
        {AM_METHOD_DELETE, "/__mock/accounts/acme", "GET, PUT"},
        {AM_METHOD_DELETE, "/__mock/accounts/acme/keys", "GET, POST"},
        {AM_METHOD_GET, "/__mock/accounts/acme/keys/k1", "PUT, DELETE"},
        {AM_METHOD_OTHER, "/__mock/accounts/acme/keys/k1", "PUT, DELETE"},
        {AM_METHOD_GET, "/__mock/accounts/acme/keys/k1/disable", "POST"},
        {AM_METHOD_PUT, "/__mock/accounts/acme/keys/k1/enable", "POST"},
    };
    struct am_route_match m;

    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        am_router_match(cases[i].method, cases[i].path, &m);
        if (m.route != AM_ROUTE_NONE || !m.path_known || strcmp(m.allow, cases[i].allow) != 0)
            fail_msg("%s %s: route %d path_known %d allow '%s', want NONE/true/'%s'",
                     am_method_name(cases[i].method), cases[i].path, m.route, m.path_known,
                     m.allow, cases[i].allow);
    }
}

static void test_router_unknown_path_is_not_path_known(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_GET, "/v3/payments", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_API);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
    assert_int_equal(m.n_params, 0);

    am_router_match(AM_METHOD_GET, "/v3/customers/cus_1/restore/extra", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_false(m.path_known);

    am_router_match(AM_METHOD_PATCH, "/__mock/nothing", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_CONTROL);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
}

static void expect_none(enum am_method method, const char *path, enum am_route_scope scope)
{
    struct am_route_match m;

    am_router_match(method, path, &m);
    if (m.route != AM_ROUTE_NONE || m.scope != scope || m.path_known || m.n_params != 0)
        fail_msg("'%.80s': route %d scope %d path_known %d n_params %zu, want NONE/%d/0/0", path,
                 m.route, m.scope, m.path_known, m.n_params, scope);
}

static void test_router_malformed_paths_match_nothing(void **state)
{
    (void)state;
    expect_none(AM_METHOD_GET, "/v3/customers/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3//customers", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/customers//", AM_SCOPE_API);
    expect_none(AM_METHOD_POST, "/v3/customers//restore", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/customers/cus_1/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3//customers", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/__mock/health/", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/__mock//health", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/__mock/accounts//keys", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/v3/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/__mock/", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/v3/CUSTOMERS", AM_SCOPE_API);
}

static void test_router_bare_prefix_and_unknown_prefix(void **state)
{
    (void)state;
    expect_none(AM_METHOD_GET, "/v3", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/v2/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/V3/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/v3customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "v3/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/api/v4/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/__mock", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/__mockhealth", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "//v3/customers", AM_SCOPE_NONE);
}

static void test_router_long_path_boundary(void **state)
{
    /* The segments buffer holds AM_ROUTE_MAX_PATH bytes with the NUL: a rest of 1023
     * bytes still matches, 1024 and beyond match nothing. */
    static char path[4 * AM_ROUTE_MAX_PATH];
    static char want_id[AM_ROUTE_MAX_PATH];
    const size_t fixed = strlen("customers/");
    struct am_route_match m;

    (void)state;
    memset(want_id, 'a', AM_ROUTE_MAX_PATH - 1 - fixed);
    want_id[AM_ROUTE_MAX_PATH - 1 - fixed] = '\0';
    snprintf(path, sizeof(path), "/v3/customers/%s", want_id);
    assert_int_equal(strlen(path) - 4, AM_ROUTE_MAX_PATH - 1);
    am_router_match(AM_METHOD_GET, path, &m);
    assert_int_equal(m.route, AM_ROUTE_CUSTOMERS_GET);
    assert_int_equal(m.n_params, 1);
    assert_string_equal(m.params[0], want_id);

    strcat(path, "a");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);

    memset(path, 'x', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    memcpy(path, "/v3/", 4);
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    memcpy(path, "/__mock/", 8);
    expect_none(AM_METHOD_GET, path, AM_SCOPE_CONTROL);
}

static void test_router_too_many_segments(void **state)
{
    char path[256] = "/v3";
    struct am_route_match m;

    (void)state;
    /* 16 segments: split succeeds, nothing matches. */
    for (int i = 0; i < 16; i++)
        strcat(path, "/s");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    /* 17 and many more: refused without overrunning the segment array. */
    strcat(path, "/s");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    for (int i = 0; i < 60; i++)
        strcat(path, "/s");
    expect_none(AM_METHOD_POST, path, AM_SCOPE_API);

    /* A real route followed by padding segments is not that route. */
    snprintf(path, sizeof(path), "/__mock/accounts/a/keys/k/disable");
    for (int i = 0; i < 20; i++)
        strcat(path, "/x");
    am_router_match(AM_METHOD_POST, path, &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_false(m.path_known);
}

static void test_router_match_resets_previous_result(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_PUT, "/__mock/accounts/a/keys/k", &m);
    assert_int_equal(m.route, AM_ROUTE_CTL_KEY_UPDATE);
    assert_int_equal(m.n_params, 2);
    am_router_match(AM_METHOD_PATCH, "/v3/customers", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.n_params, 0);
    assert_string_equal(m.allow, "GET, POST");
    am_router_match(AM_METHOD_GET, "/v3/nope", &m);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
}

static void test_router_params_survive_path_being_freed(void **state)
{
    char *path = strdup("/api/v3/customers/cus_000000000042/restore");
    struct am_route_match m;

    (void)state;
    assert_non_null(path);
    am_router_match(AM_METHOD_POST, path, &m);
    memset(path, 'Z', strlen(path));
    free(path);
    assert_int_equal(m.route, AM_ROUTE_CUSTOMERS_RESTORE);
    assert_string_equal(m.params[0], "cus_000000000042");
}

static void test_route_names(void **state)
{
    static const struct {
        enum am_route r;
        const char *name;
    } names[] = {
        {AM_ROUTE_NONE, "none"},
        {AM_ROUTE_CUSTOMERS_LIST, "customers.list"},
        {AM_ROUTE_CUSTOMERS_CREATE, "customers.create"},
        {AM_ROUTE_CUSTOMERS_GET, "customers.get"},
        {AM_ROUTE_CUSTOMERS_UPDATE, "customers.update"},
        {AM_ROUTE_CUSTOMERS_DELETE, "customers.delete"},
        {AM_ROUTE_CUSTOMERS_RESTORE, "customers.restore"},
        {AM_ROUTE_CTL_HEALTH, "mock.health"},
        {AM_ROUTE_CTL_CA_PEM, "mock.ca"},
        {AM_ROUTE_CTL_METRICS, "mock.metrics"},
        {AM_ROUTE_CTL_JOURNAL_GET, "mock.journal.get"},
        {AM_ROUTE_CTL_JOURNAL_CLEAR, "mock.journal.clear"},
        {AM_ROUTE_CTL_INCIDENTS, "mock.incidents"},
        {AM_ROUTE_CTL_ACCOUNTS_LIST, "mock.accounts.list"},
        {AM_ROUTE_CTL_ACCOUNTS_CREATE, "mock.accounts.create"},
        {AM_ROUTE_CTL_ACCOUNT_GET, "mock.account.get"},
        {AM_ROUTE_CTL_ACCOUNT_UPDATE, "mock.account.update"},
        {AM_ROUTE_CTL_KEYS_LIST, "mock.keys.list"},
        {AM_ROUTE_CTL_KEYS_CREATE, "mock.keys.create"},
        {AM_ROUTE_CTL_KEY_UPDATE, "mock.key.update"},
        {AM_ROUTE_CTL_KEY_DELETE, "mock.key.delete"},
        {AM_ROUTE_CTL_KEY_DISABLE, "mock.key.disable"},
        {AM_ROUTE_CTL_KEY_ENABLE, "mock.key.enable"},
        {_AM_ROUTE_MAX, "none"},
    };

    (void)state;
    assert_int_equal(N_OF(names), _AM_ROUTE_MAX + 1);
    for (size_t i = 0; i < N_OF(names); i++)
        assert_string_equal(am_route_name(names[i].r), names[i].name);
    assert_string_equal(am_route_name((enum am_route)-1), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_matches_every_api_route_under_v3),
        cmocka_unit_test(test_router_matches_every_api_route_under_legacy_api_v3),
        cmocka_unit_test(test_router_matches_every_control_route),
        cmocka_unit_test(test_router_control_routes_not_under_api_prefix),
        cmocka_unit_test(test_router_head_matches_get_routes),
        cmocka_unit_test(test_router_wrong_method_reports_exact_allow),
        cmocka_unit_test(test_router_unknown_path_is_not_path_known),
        cmocka_unit_test(test_router_malformed_paths_match_nothing),
        cmocka_unit_test(test_router_bare_prefix_and_unknown_prefix),
        cmocka_unit_test(test_router_long_path_boundary),
        cmocka_unit_test(test_router_too_many_segments),
        cmocka_unit_test(test_router_match_resets_previous_result),
        cmocka_unit_test(test_router_params_survive_path_being_freed),
        cmocka_unit_test(test_route_names),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}

/* test_metrics.c - request/auth counters and their Prometheus text rendering. */
#include "test_helpers.h"

#include <ctype.h>
#include <stdbool.h>

#include "metrics.h"

static void assert_has_line(const char *text, const char *line)
{
    char want[256];

    /* A whole line: preceded by a newline (or the start) and ending with one. */
    snprintf(want, sizeof(want), "\n%s\n", line);
    if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)) != 0)
        fail_msg("missing line '%s' in:\n%s", line, text);
}

static void assert_no_text(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("unexpected '%s' in:\n%s", needle, text);
}

/* Every line is a comment or "name[{labels}] integer". */
static void assert_prometheus_shape(const char *text)
{
    const char *p = text;

    assert_true(*text != '\0');
    assert_int_equal(text[strlen(text) - 1], '\n');
    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *sp;

        assert_non_null(nl);
        if (*p != '#') {
            sp = memchr(p, ' ', (size_t)(nl - p));
            assert_non_null(sp);
            assert_memory_equal(p, "asaas_mock_", 11);
            for (const char *q = sp + 1; q < nl; q++) {
                if (!isdigit((unsigned char)*q) && !(q == sp + 1 && *q == '-'))
                    fail_msg("bad sample value in line '%.*s'", (int)(nl - p), p);
            }
        }
        p = nl + 1;
    }
}

static void test_metrics_count_request_ignores_out_of_range(void **state)
{
    struct am_metrics m;

    (void)state;
    memset(&m, 0, sizeof(m));
    am_metrics_count_request(&m, 200, AM_ROUTE_CUSTOMERS_LIST);
    am_metrics_count_request(&m, 99, AM_ROUTE_NONE);
    am_metrics_count_request(&m, 600, AM_ROUTE_NONE);
    am_metrics_count_request(&m, -1, _AM_ROUTE_MAX);
    am_metrics_count_request(&m, 404, (enum am_route)5000);
    assert_int_equal(m.requests_by_status[200], 1);
    assert_int_equal(m.requests_by_status[404], 1);
    assert_int_equal(m.requests_by_status[99], 0);
    assert_int_equal(m.requests_by_route[AM_ROUTE_CUSTOMERS_LIST], 1);
    assert_int_equal(m.requests_by_route[AM_ROUTE_NONE], 2);
}

static void test_metrics_render_exact_counter_lines(void **state)
{
    struct am_metrics m;
    char *text;

    (void)state;
    memset(&m, 0, sizeof(m));
    am_metrics_count_request(&m, 200, AM_ROUTE_CUSTOMERS_LIST);
    am_metrics_count_request(&m, 200, AM_ROUTE_CUSTOMERS_LIST);
    am_metrics_count_request(&m, 401, AM_ROUTE_NONE);
    am_metrics_count_request(&m, 405, AM_ROUTE_NONE);
    am_metrics_count_request(&m, 200, AM_ROUTE_CTL_HEALTH);
    m.auth_failures[AM_AUTH_WRONG_ENV] = 2;
    m.auth_failures[AM_AUTH_NO_TOKEN] = 5;
    m.production_key_incidents = 2;
    m.alerts = 1;
    m.connections_total = 17;
    m.accounts_auto_created = 4;
    m.start_time = 1767225600;

    text = am_metrics_render(&m, 6, 9);
    assert_non_null(text);
    assert_prometheus_shape(text);
    assert_has_line(text, "# TYPE asaas_mock_requests_total counter");
    assert_has_line(text, "asaas_mock_requests_total{status=\"200\"} 3");
    assert_has_line(text, "asaas_mock_requests_total{status=\"401\"} 1");
    assert_has_line(text, "asaas_mock_requests_total{status=\"405\"} 1");
    /* Statuses never seen are not rendered. */
    assert_no_text(text, "status=\"404\"");
    assert_no_text(text, "status=\"500\"");
    /* Ordered by status. */
    assert_true(strstr(text, "status=\"200\"") < strstr(text, "status=\"401\""));
    assert_true(strstr(text, "status=\"401\"") < strstr(text, "status=\"405\""));

    assert_has_line(text, "asaas_mock_route_requests_total{operation=\"customers.list\"} 2");
    assert_has_line(text, "asaas_mock_route_requests_total{operation=\"mock.health\"} 1");
    assert_has_line(text, "asaas_mock_route_requests_total{operation=\"none\"} 2");
    assert_no_text(text, "operation=\"customers.create\"");

    /* Every failure reason is rendered, zero or not; "ok" is not a failure. */
    assert_has_line(text, "# TYPE asaas_mock_auth_failures_total counter");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"access_token_not_found\"} 5");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"empty_token\"} 0");
    assert_has_line(text,
                    "asaas_mock_auth_failures_total{reason=\"invalid_access_token_format\"} 0");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"invalid_environment\"} 2");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"unknown_key\"} 0");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"disabled_key\"} 0");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"expired_key\"} 0");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"ip_not_allowed\"} 0");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"user_agent_not_found\"} 0");
    assert_no_text(text, "reason=\"ok\"");

    assert_has_line(text, "asaas_mock_production_key_incidents_total 2");
    assert_has_line(text, "asaas_mock_alerts_total 1");
    assert_has_line(text, "asaas_mock_connections_total 17");
    assert_has_line(text, "asaas_mock_accounts_auto_created_total 4");
    assert_has_line(text, "asaas_mock_accounts 6");
    assert_has_line(text, "asaas_mock_journal_entries 9");
    assert_has_line(text, "asaas_mock_start_time_seconds 1767225600");
    free(text);
}

static void test_metrics_render_zero_state(void **state)
{
    struct am_metrics m;
    char *text;

    (void)state;
    memset(&m, 0, sizeof(m));
    text = am_metrics_render(&m, 0, 0);
    assert_non_null(text);
    assert_prometheus_shape(text);
    assert_no_text(text, "asaas_mock_requests_total{");
    assert_no_text(text, "asaas_mock_route_requests_total{");
    assert_has_line(text, "asaas_mock_auth_failures_total{reason=\"invalid_environment\"} 0");
    assert_has_line(text, "asaas_mock_production_key_incidents_total 0");
    assert_has_line(text, "asaas_mock_alerts_total 0");
    free(text);
}

static void test_metrics_render_grows_past_initial_buffer(void **state)
{
    static struct am_metrics m;
    char *text;
    char line[96];

    (void)state;
    memset(&m, 0, sizeof(m));
    for (int s = 100; s < 600; s++)
        m.requests_by_status[s] = UINT64_C(18446744073709551615);
    text = am_metrics_render(&m, 0, 0);
    assert_non_null(text);
    assert_true(strlen(text) > 4096);
    assert_prometheus_shape(text);
    for (int s = 100; s < 600; s += 37) {
        snprintf(line, sizeof(line), "asaas_mock_requests_total{status=\"%d\"} 18446744073709551615",
                 s);
        assert_has_line(text, line);
    }
    assert_has_line(text, "asaas_mock_requests_total{status=\"599\"} 18446744073709551615");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_count_request_ignores_out_of_range),
        cmocka_unit_test(test_metrics_render_exact_counter_lines),
        cmocka_unit_test(test_metrics_render_zero_state),
        cmocka_unit_test(test_metrics_render_grows_past_initial_buffer),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}

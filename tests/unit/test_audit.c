/* test_audit.c - failure window, alert crossing and re-arm, bounds, incidents. */
#include "test_helpers.h"

#include "audit.h"

#define IP "198.51.100.10"

static void test_audit_alerts_once_when_threshold_is_reached(void **state)
{
    struct am_audit *a = am_audit_new(3, 60, 8);

    (void)state;
    assert_non_null(a);
    assert_false(am_audit_record_failure(a, IP, 100));
    assert_false(am_audit_record_failure(a, IP, 101));
    assert_true(am_audit_record_failure(a, IP, 102));
    assert_false(am_audit_record_failure(a, IP, 103));
    assert_false(am_audit_record_failure(a, IP, 103));
    assert_int_equal(am_audit_failures(a, IP, 103), 5);
    am_audit_free(a);
}

static void test_audit_counts_only_failures_inside_window(void **state)
{
    struct am_audit *a = am_audit_new(100, 60, 8);

    (void)state;
    am_audit_record_failure(a, IP, 100);
    am_audit_record_failure(a, IP, 130);
    am_audit_record_failure(a, IP, 130);
    assert_int_equal(am_audit_failures(a, IP, 130), 3);
    assert_int_equal(am_audit_failures(a, IP, 159), 3); /* 100 is still within (99, 159] */
    assert_int_equal(am_audit_failures(a, IP, 160), 2); /* 100 has left (100, 160] */
    assert_int_equal(am_audit_failures(a, IP, 189), 2);
    assert_int_equal(am_audit_failures(a, IP, 190), 0);
    assert_int_equal(am_audit_failures(a, "203.0.113.1", 130), 0);
    am_audit_free(a);
}

static void test_audit_spread_out_failures_never_alert(void **state)
{
    struct am_audit *a = am_audit_new(3, 10, 8);

    (void)state;
    for (int64_t t = 0; t < 1000; t += 5) /* at most 2 per 10 s */
        assert_false(am_audit_record_failure(a, IP, t));
    assert_int_equal(am_audit_failures(a, IP, 995), 2);
    am_audit_free(a);
}

static void test_audit_rearms_after_dropping_below_threshold(void **state)
{
    struct am_audit *a = am_audit_new(3, 60, 8);

    (void)state;
    assert_false(am_audit_record_failure(a, IP, 0));
    assert_false(am_audit_record_failure(a, IP, 1));
    assert_true(am_audit_record_failure(a, IP, 2));
    /* Sliding: at 61 only the failure at 2 is left in (1, 61], so it re-arms; then
     * (3, 63] holds 61, 62 and 63. */
    assert_false(am_audit_record_failure(a, IP, 61));
    assert_false(am_audit_record_failure(a, IP, 62));
    assert_true(am_audit_record_failure(a, IP, 63));
    assert_false(am_audit_record_failure(a, IP, 64));
    /* A long pause then a new burst alerts again. */
    assert_false(am_audit_record_failure(a, IP, 1000));
    assert_false(am_audit_record_failure(a, IP, 1000));
    assert_true(am_audit_record_failure(a, IP, 1000));
    am_audit_free(a);
}

static void test_audit_stays_quiet_while_above_threshold(void **state)
{
    struct am_audit *a = am_audit_new(3, 10, 8);
    int alerts = 0;

    (void)state;
    /* One failure per second never drops below 3 within 10 s: a single alert. */
    for (int64_t t = 0; t < 500; t++)
        alerts += am_audit_record_failure(a, IP, t);
    assert_int_equal(alerts, 1);
    assert_int_equal(am_audit_failures(a, IP, 499), 10);
    am_audit_free(a);
}

static void test_audit_tracks_addresses_independently(void **state)
{
    struct am_audit *a = am_audit_new(2, 60, 8);

    (void)state;
    assert_false(am_audit_record_failure(a, "10.0.0.1", 10));
    assert_false(am_audit_record_failure(a, "10.0.0.2", 10));
    assert_false(am_audit_record_failure(a, "2001:db8::1", 10));
    assert_true(am_audit_record_failure(a, "10.0.0.1", 11));
    assert_true(am_audit_record_failure(a, "10.0.0.2", 11));
    assert_int_equal(am_audit_failures(a, "10.0.0.1", 11), 2);
    assert_int_equal(am_audit_failures(a, "2001:db8::1", 11), 1);
    assert_false(am_audit_record_failure(a, NULL, 11)); /* unknown address is one bucket */
    assert_true(am_audit_record_failure(a, NULL, 11));
    assert_int_equal(am_audit_failures(a, NULL, 11), 2);
    am_audit_free(a);
}

static void test_audit_threshold_zero_never_alerts_and_one_alerts_at_once(void **state)
{
    struct am_audit *off = am_audit_new(0, 60, 8), *one = am_audit_new(1, 60, 8);

    (void)state;
    for (int i = 0; i < 10; i++)
        assert_false(am_audit_record_failure(off, IP, 5));
    assert_int_equal(am_audit_failures(off, IP, 5), 10);
    assert_true(am_audit_record_failure(one, IP, 5));
    assert_false(am_audit_record_failure(one, IP, 6));
    assert_true(am_audit_record_failure(one, IP, 200));
    am_audit_free(off);
    am_audit_free(one);
}

static void test_audit_long_window_keeps_counting(void **state)
{
    struct am_audit *a = am_audit_new(1000, 3600, 8);
    unsigned n;

    (void)state;
    /* One failure every 10 s for an hour: all 360 are inside the window. */
    for (int64_t t = 10000; t < 10000 + 3600; t += 10)
        am_audit_record_failure(a, IP, t);
    assert_int_equal(am_audit_failures(a, IP, 13599), 360);
    /* Wide buckets may keep a failure up to one bucket width (59 s here) longer. */
    n = am_audit_failures(a, IP, 13599 + 600);
    assert_in_range(n, 300, 306);
    assert_int_equal(am_audit_failures(a, IP, 13599 + 3600 + 60), 0);
    am_audit_free(a);
}

static void test_audit_evicts_least_recently_seen_address(void **state)
{
    struct am_audit *a = am_audit_new(100, 1000000, 8);
    char ip[48];

    (void)state;
    am_audit_record_failure(a, "10.9.9.9", 1);  /* oldest */
    am_audit_record_failure(a, "10.8.8.8", 2);
    for (int i = 0; i < AM_AUDIT_MAX_TRACKED - 2; i++) {
        snprintf(ip, sizeof(ip), "172.16.%d.%d", i / 256, i % 256);
        am_audit_record_failure(a, ip, 10);
    }
    am_audit_record_failure(a, "10.9.9.9", 20); /* refreshed: 10.8.8.8 is now the oldest */
    assert_int_equal(am_audit_failures(a, "10.9.9.9", 20), 2);
    am_audit_record_failure(a, "192.0.2.1", 30); /* one more than fits */
    assert_int_equal(am_audit_failures(a, "10.8.8.8", 30), 0);
    assert_int_equal(am_audit_failures(a, "10.9.9.9", 30), 2);
    assert_int_equal(am_audit_failures(a, "192.0.2.1", 30), 1);
    for (int i = 0; i < AM_AUDIT_MAX_TRACKED - 2; i++) {
        snprintf(ip, sizeof(ip), "172.16.%d.%d", i / 256, i % 256);
        assert_int_equal(am_audit_failures(a, ip, 30), 1);
    }
    am_audit_free(a);
}

static void test_audit_survives_many_more_addresses_than_tracked(void **state)
{
    struct am_audit *a = am_audit_new(100, 1000000, 8);
    char ip[48];
    const int total = 5 * AM_AUDIT_MAX_TRACKED + 17;

    (void)state;
    for (int i = 0; i < total; i++) {
        snprintf(ip, sizeof(ip), "2001:db8::%x", i);
        am_audit_record_failure(a, ip, i);
    }
    /* Exactly the most recent AM_AUDIT_MAX_TRACKED are remembered. */
    for (int i = 0; i < total; i++) {
        snprintf(ip, sizeof(ip), "2001:db8::%x", i);
        assert_int_equal(am_audit_failures(a, ip, total),
                         i >= total - AM_AUDIT_MAX_TRACKED ? 1 : 0);
    }
    am_audit_free(a);
}

static void test_audit_incident_list_is_bounded(void **state)
{
    struct am_audit *a = am_audit_new(3, 60, 3);
    const struct am_incident *inc;
    char ip[48];

    (void)state;
    assert_int_equal(am_audit_incident_count(a), 0);
    assert_null(am_audit_incident_at(a, 0));
    for (int i = 0; i < 5; i++) {
        snprintf(ip, sizeof(ip), "10.0.0.%d", i);
        am_audit_add_incident(a, 1000 + i, ip, "$aact_prod_...9f3a", "invalid_environment");
    }
    assert_int_equal(am_audit_incident_count(a), 3);
    assert_int_equal(am_audit_incident_total(a), 5);
    for (int i = 0; i < 3; i++) {
        inc = am_audit_incident_at(a, (size_t)i);
        assert_non_null(inc);
        snprintf(ip, sizeof(ip), "10.0.0.%d", i + 2); /* oldest kept first */
        assert_int_equal(inc->at, 1002 + i);
        assert_string_equal(inc->client_ip, ip);
        assert_string_equal(inc->redacted_key, "$aact_prod_...9f3a");
        assert_string_equal(inc->reason, "invalid_environment");
    }
    assert_null(am_audit_incident_at(a, 3));
    am_audit_free(a);
}

static void test_audit_incident_copies_and_truncates_strings(void **state)
{
    struct am_audit *a = am_audit_new(3, 60, 2);
    const struct am_incident *inc;
    char reason[100], ip[100];

    (void)state;
    memset(reason, 'r', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    memset(ip, '1', sizeof(ip) - 1);
    ip[sizeof(ip) - 1] = '\0';
    am_audit_add_incident(a, 7, ip, NULL, reason);
    reason[0] = 'X'; /* the audit holds its own copy */
    inc = am_audit_incident_at(a, 0);
    assert_int_equal(strlen(inc->reason), sizeof(inc->reason) - 1);
    assert_int_equal(inc->reason[0], 'r');
    assert_int_equal(strlen(inc->client_ip), sizeof(inc->client_ip) - 1);
    assert_string_equal(inc->redacted_key, "");
    am_audit_free(a);
}

static void test_audit_zero_incident_capacity_still_counts_total(void **state)
{
    struct am_audit *a = am_audit_new(3, 60, 0);

    (void)state;
    assert_non_null(a);
    am_audit_add_incident(a, 1, "10.0.0.1", "...", "invalid_environment");
    assert_int_equal(am_audit_incident_count(a), 0);
    assert_int_equal(am_audit_incident_total(a), 1);
    assert_null(am_audit_incident_at(a, 0));
    am_audit_free(a);
}

static void test_audit_null_is_harmless(void **state)
{
    (void)state;
    assert_false(am_audit_record_failure(NULL, IP, 1));
    assert_int_equal(am_audit_failures(NULL, IP, 1), 0);
    am_audit_add_incident(NULL, 1, IP, "...", "x");
    assert_int_equal(am_audit_incident_count(NULL), 0);
    assert_int_equal(am_audit_incident_total(NULL), 0);
    assert_null(am_audit_incident_at(NULL, 0));
    am_audit_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_alerts_once_when_threshold_is_reached),
        cmocka_unit_test(test_audit_counts_only_failures_inside_window),
        cmocka_unit_test(test_audit_spread_out_failures_never_alert),
        cmocka_unit_test(test_audit_rearms_after_dropping_below_threshold),
        cmocka_unit_test(test_audit_stays_quiet_while_above_threshold),
        cmocka_unit_test(test_audit_tracks_addresses_independently),
        cmocka_unit_test(test_audit_threshold_zero_never_alerts_and_one_alerts_at_once),
        cmocka_unit_test(test_audit_long_window_keeps_counting),
        cmocka_unit_test(test_audit_evicts_least_recently_seen_address),
        cmocka_unit_test(test_audit_survives_many_more_addresses_than_tracked),
        cmocka_unit_test(test_audit_incident_list_is_bounded),
        cmocka_unit_test(test_audit_incident_copies_and_truncates_strings),
        cmocka_unit_test(test_audit_zero_incident_capacity_still_counts_total),
        cmocka_unit_test(test_audit_null_is_harmless),
    };

    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}

/* test_secreport.c - the findings store, its detectors, its Markdown and its snapshot
 * codec (secreport.c, secreport_state.c). */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>

#include "secreport.h"
#include "secreport_state.h"

#define KEY "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh"
#define KEY_PART "MzkwODA2MWY2OGM3"

static void test_catalogue_names_are_stable_and_unique(void **state)
{
    (void)state;
    assert_string_equal(am_sec_code_name(AM_SEC_KEY_IN_QUERY), "KEY_IN_QUERY");
    assert_string_equal(am_sec_code_name(AM_SEC_TLS12_NEGOTIATED), "TLS12_NEGOTIATED");
    assert_string_equal(am_sec_code_name(AM_SEC_RECEIVER_IGNORES_TOKEN), "RECEIVER_IGNORES_TOKEN");
    for (int c = 0; c < _AM_SEC_CODE_MAX; c++) {
        assert_int_equal(am_sec_code_parse(am_sec_code_name(c)), c);
        assert_true(strlen(am_sec_code_title(c)) > 0);
        assert_non_null(strstr(am_sec_code_practice(c), "Asaas"));
        for (int d = 0; d < c; d++)
            assert_string_not_equal(am_sec_code_name(c), am_sec_code_name(d));
    }
    assert_int_equal(am_sec_code_parse("NOPE"), -1);
    assert_int_equal(am_sec_code_severity(AM_SEC_TLS12_NEGOTIATED), AM_SEC_ADVICE);
    assert_int_equal(am_sec_code_severity(AM_SEC_MULTIPLE_ACTIVE_KEYS), AM_SEC_ADVICE);
    assert_int_equal(am_sec_code_severity(AM_SEC_KEY_IN_QUERY), AM_SEC_ERROR);
    assert_int_equal(am_sec_code_severity(AM_SEC_NO_IP_ALLOWLIST), AM_SEC_WARNING);
}

static void test_severity_parse(void **state)
{
    enum am_sec_severity s;

    (void)state;
    assert_int_equal(am_sec_severity_parse("warning", &s), 0);
    assert_int_equal(s, AM_SEC_WARNING);
    assert_int_equal(am_sec_severity_parse("ERROR", &s), 0);
    assert_int_equal(s, AM_SEC_ERROR);
    assert_int_equal(am_sec_severity_parse("advice", &s), 0);
    assert_int_equal(s, AM_SEC_ADVICE);
    assert_int_equal(am_sec_severity_parse("high", &s), -EINVAL);
    assert_int_equal(am_sec_severity_parse(NULL, &s), -EINVAL);
}

static void test_record_counts_and_keeps_first_evidence_redacted(void **state)
{
    struct am_secreport *s = am_secreport_new();
    const struct am_sec_finding *f;

    (void)state;
    assert_true(am_secreport_empty(s));
    assert_null(am_secreport_get(s, AM_SEC_KEY_IN_QUERY));
    am_secreport_record(s, AM_SEC_KEY_IN_QUERY, 100, "GET /v3/customers?access_token=" KEY);
    am_secreport_record(s, AM_SEC_KEY_IN_QUERY, 250, "second");
    f = am_secreport_get(s, AM_SEC_KEY_IN_QUERY);
    assert_non_null(f);
    assert_int_equal(f->count, 2);
    assert_int_equal(f->first_seen, 100);
    assert_int_equal(f->last_seen, 250);
    assert_null(strstr(f->evidence, KEY_PART));
    assert_non_null(strstr(f->evidence, "access_token=$aact_hmlg_..."));
    assert_false(am_secreport_empty(s));
    am_secreport_clear(s);
    assert_true(am_secreport_empty(s));
    am_secreport_free(s);
    assert_true(am_secreport_empty(NULL));
}

/* A key cut by the evidence limit must still be scrubbed: scrub first, then cut. */
static void test_clip_scrubs_before_cutting(void **state)
{
    char out[24], long_text[300];

    (void)state;
    snprintf(long_text, sizeof(long_text), "0123456789%s", KEY);
    am_secreport_clip(long_text, out, sizeof(out));
    assert_null(strstr(out, "000Mzkw"));
    assert_string_equal(out, "0123456789$aact_hmlg_..");
    /* "ção" cut after the first byte of "ç": no half character left */
    am_secreport_clip("ab\xc3\xa7\xc3\xa3o", out, 4);
    assert_string_equal(out, "ab?");
    am_secreport_clip(NULL, out, sizeof(out));
    assert_string_equal(out, "");
}

static void test_library_user_agents(void **state)
{
    (void)state;
    assert_string_equal(am_secreport_library_ua("python-requests/2.31.0"), "python-requests");
    assert_string_equal(am_secreport_library_ua("axios/1.6.2"), "axios");
    assert_string_equal(am_secreport_library_ua("node-fetch"), "node-fetch");
    assert_string_equal(am_secreport_library_ua("Go-http-client/1.1"), "go-http-client");
    assert_string_equal(am_secreport_library_ua("curl/8.5.0"), "curl");
    assert_string_equal(am_secreport_library_ua("okhttp/4.12.0"), "okhttp");
    assert_string_equal(am_secreport_library_ua("Java/17.0.2"), "java");
    assert_string_equal(am_secreport_library_ua("Python-urllib/3.11"), "python-urllib");
    assert_null(am_secreport_library_ua("my-app/1.0"));
    assert_null(am_secreport_library_ua("curly-shop/2.0")); /* a prefix is not a name */
    assert_null(am_secreport_library_ua("asaas-mock-e2e/1.0"));
    assert_null(am_secreport_library_ua(NULL));
}

static void test_body_key_finds_a_key_field(void **state)
{
    char out[96];
    const char *body = "{\"name\":\"x\",\"auth\":{\"access_token\":\"" KEY "\"}}";
    const char *prose = "{\"observations\":\"my key is " KEY "\"}";

    (void)state;
    assert_true(am_secreport_body_key(body, strlen(body), out, sizeof(out)));
    assert_string_equal(out, "field auth.access_token");
    /* key-shaped text inside prose is stored data, not a key sent as a field */
    assert_false(am_secreport_body_key(prose, strlen(prose), out, sizeof(out)));
    assert_false(am_secreport_body_key("not json", 8, out, sizeof(out)));
    assert_false(am_secreport_body_key(NULL, 0, out, sizeof(out)));
}

static void test_failing_key_loop_needs_five_within_the_window(void **state)
{
    struct am_secreport *s = am_secreport_new();

    (void)state;
    for (int i = 0; i < AM_SEC_LOOP_FAILURES - 1; i++)
        assert_false(am_secreport_note_auth_failure(s, "$aact_hmlg_...abcd", 1000 + i * 100));
    /* another key does not add to this one */
    assert_false(am_secreport_note_auth_failure(s, "$aact_hmlg_...wxyz", 1500));
    assert_true(am_secreport_note_auth_failure(s, "$aact_hmlg_...abcd", 1600));
    /* slow retries (one per 11 s) are not a tight loop */
    for (int i = 0; i < 10; i++)
        assert_false(am_secreport_note_auth_failure(s, "$aact_hmlg_...slow", 100000 + i * 11000));
    assert_false(am_secreport_note_auth_failure(s, "", 1));
    am_secreport_free(s);
}

static void test_retry_after_window(void **state)
{
    struct am_secreport *s = am_secreport_new();

    (void)state;
    assert_false(am_secreport_before_retry_after(s, 1000));
    am_secreport_note_429(s, 1000, 2);
    assert_true(am_secreport_before_retry_after(s, 1500));
    assert_true(am_secreport_before_retry_after(s, 2999));
    assert_false(am_secreport_before_retry_after(s, 3000));
    am_secreport_note_429(s, 5000, 0); /* no Retry-After: one second */
    assert_true(am_secreport_before_retry_after(s, 5999));
    assert_false(am_secreport_before_retry_after(s, 6000));
    am_secreport_free(s);
}

static void test_poll_interval(void **state)
{
    struct am_secreport *s = am_secreport_new();

    (void)state;
    assert_false(am_secreport_note_poll(s, "pay_1", 0, 30000));
    assert_true(am_secreport_note_poll(s, "pay_1", 5000, 30000));
    assert_false(am_secreport_note_poll(s, "pay_2", 6000, 30000));
    assert_false(am_secreport_note_poll(s, "pay_1", 40000, 30000));
    assert_false(am_secreport_note_poll(s, "pay_1", 41000, 0)); /* 0 = never polling */
    /* many payments: each tracked on its own, the least recent reused */
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof(id), "pay_x%d", i);
        assert_false(am_secreport_note_poll(s, id, 50000 + i, 30000));
    }
    assert_true(am_secreport_note_poll(s, "pay_x39", 50100, 30000));
    am_secreport_free(s);
}

static void test_duplicate_after_ambiguous(void **state)
{
    struct am_secreport *s = am_secreport_new();
    const char *pay = "{\"customer\":\"cus_1\",\"value\":42.5,\"dueDate\":\"2026-07-20\","
                      "\"billingType\":\"PIX\"}";
    const char *other = "{\"customer\":\"cus_1\",\"value\":43,\"dueDate\":\"2026-07-20\"}";
    const char *ext = "{\"name\":\"A\",\"externalReference\":\"order-7\"}";
    char why[120];

    (void)state;
    /* nothing remembered: nothing is a duplicate */
    assert_false(am_secreport_duplicate(s, 24, pay, strlen(pay), 1000, why, sizeof(why)));
    am_secreport_note_ambiguous(s, 24, pay, strlen(pay), 1000);
    /* another route, another value: not the same object */
    assert_false(am_secreport_duplicate(s, 17, pay, strlen(pay), 2000, why, sizeof(why)));
    assert_false(am_secreport_duplicate(s, 24, other, strlen(other), 2000, why, sizeof(why)));
    assert_true(am_secreport_duplicate(s, 24, pay, strlen(pay), 3000, why, sizeof(why)));
    assert_string_equal(why, "same customer, value and dueDate 2 s after the ambiguous answer");
    /* reported once, then forgotten */
    assert_false(am_secreport_duplicate(s, 24, pay, strlen(pay), 4000, why, sizeof(why)));
    am_secreport_note_ambiguous(s, 17, ext, strlen(ext), 10000);
    assert_true(am_secreport_duplicate(s, 17, ext, strlen(ext), 11000, why, sizeof(why)));
    assert_non_null(strstr(why, "same externalReference"));
    /* outside the window it is a new object */
    am_secreport_note_ambiguous(s, 17, ext, strlen(ext), 20000);
    assert_false(am_secreport_duplicate(s, 17, ext, strlen(ext),
                                        20001 + AM_SEC_AMBIGUOUS_WINDOW_MS, why, sizeof(why)));
    am_secreport_free(s);
}

static void test_state_round_trip(void **state)
{
    struct am_secreport *s = am_secreport_new(), *back = NULL;
    const struct am_sec_finding *f;
    char err[256];
    cJSON *o;

    (void)state;
    am_secreport_record(s, AM_SEC_USER_AGENT_MISSING, 1767225600, "GET /v3/customers");
    am_secreport_record(s, AM_SEC_USER_AGENT_MISSING, 1767225660, NULL);
    am_secreport_record(s, AM_SEC_KEY_IN_PATH, 1767225600, "GET /v3/customers/" KEY);
    o = am_secreport_state_export(s);
    assert_non_null(o);
    {
        char *text = cJSON_PrintUnformatted(o);
        assert_null(strstr(text, KEY_PART));
        free(text);
    }
    assert_int_equal(am_secreport_state_import(o, "security", &back, err, sizeof(err)), 0);
    f = am_secreport_get(back, AM_SEC_USER_AGENT_MISSING);
    assert_non_null(f);
    assert_int_equal(f->count, 2);
    assert_int_equal(f->first_seen, 1767225600);
    assert_int_equal(f->last_seen, 1767225660);
    assert_string_equal(f->evidence, "GET /v3/customers");
    assert_non_null(am_secreport_get(back, AM_SEC_KEY_IN_PATH));
    assert_null(am_secreport_get(back, AM_SEC_KEY_IN_QUERY));
    am_secreport_free(back);
    cJSON_Delete(o);
    am_secreport_free(s);
}

static void test_state_import_refuses_bad_input(void **state)
{
    static const char *const bad[] = {
        "{\"findings\":[{\"code\":\"NOPE\",\"count\":\"1\",\"firstSeen\":\"2026-01-01 00:00:00\","
        "\"lastSeen\":\"2026-01-01 00:00:00\",\"evidence\":\"\"}]}",
        "{\"findings\":[{\"code\":\"KEY_IN_PATH\",\"count\":\"0\",\"firstSeen\":\"2026-01-01 "
        "00:00:00\",\"lastSeen\":\"2026-01-01 00:00:00\",\"evidence\":\"\"}]}",
        "{\"findings\":{}}",
        "{\"other\":1}",
        "{\"findings\":[{\"code\":\"KEY_IN_PATH\",\"count\":\"1\",\"firstSeen\":\"x\","
        "\"lastSeen\":\"2026-01-01 00:00:00\",\"evidence\":\"\"}]}",
    };
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *o = cJSON_Parse(bad[i]);
        struct am_secreport *s = NULL;
        assert_non_null(o);
        err[0] = '\0';
        assert_int_equal(am_secreport_state_import(o, "data.security", &s, err, sizeof(err)),
                         -EINVAL);
        assert_null(s);
        assert_non_null(strstr(err, "data.security"));
        cJSON_Delete(o);
    }
}

static void test_markdown_renders_a_report(void **state)
{
    const char *json =
        "{\"object\":\"securityReport\",\"generatedAt\":\"2026-01-01 00:00:00\",\"failOn\":"
        "\"error\",\"failed\":true,\"summary\":{\"error\":1,\"warning\":0,\"advice\":0},"
        "\"accounts\":[{\"account\":\"default\",\"today\":\"2026-01-01\",\"findings\":[{\"code\":"
        "\"KEY_IN_QUERY\",\"severity\":\"error\",\"category\":\"key handling\",\"title\":\"t\","
        "\"evidence\":\"a|b\",\"count\":3,\"firstSeen\":\"f\",\"lastSeen\":\"l\",\"practice\":"
        "\"p\"}]},{\"account\":null,\"today\":\"2026-01-01\",\"findings\":[]}]}";
    cJSON *r = cJSON_Parse(json);
    char *md;

    (void)state;
    assert_non_null(r);
    md = am_secreport_markdown(r);
    assert_non_null(md);
    assert_non_null(strstr(md, "# Integration security report"));
    assert_non_null(strstr(md, "**1 error**"));
    assert_non_null(strstr(md, "**fails**"));
    assert_non_null(strstr(md, "## Account `default`"));
    assert_non_null(strstr(md, "| error | `KEY_IN_QUERY` | t | a\\|b | 3 | f | l | p |"));
    assert_non_null(strstr(md, "## Requests that named no account"));
    assert_int_equal(am_secreport_max_severity(r), AM_SEC_ERROR);
    free(md);
    cJSON_Delete(r);
}

/* Only names starting with the UA's first letter are compared: either case, after
 * spaces, and nothing for a first character that is no letter. */
static void test_library_ua_first_letter_filter(void **state)
{
    (void)state;
    assert_string_equal(am_secreport_library_ua("AXIOS/1.6.2"), "axios");
    assert_string_equal(am_secreport_library_ua("Apache-HttpClient/4.5"), "apache-httpclient");
    assert_string_equal(am_secreport_library_ua("  PHP/8.3"), "php");
    assert_string_equal(am_secreport_library_ua("PostmanRuntime/7.36.0"), "postmanruntime");
    assert_string_equal(am_secreport_library_ua("node"), "node");
    assert_string_equal(am_secreport_library_ua("Node/20 (linux)"), "node");
    assert_string_equal(am_secreport_library_ua("libwww-perl/6.72"), "libwww-perl");
    assert_string_equal(am_secreport_library_ua("Wget"), "wget");
    assert_null(am_secreport_library_ua("asaas-instr"));
    assert_null(am_secreport_library_ua("@curl/8"));
    assert_null(am_secreport_library_ua("\xc3" "curl/8"));
    assert_null(am_secreport_library_ua("node-red/3"));
    assert_null(am_secreport_library_ua(""));
    assert_null(am_secreport_library_ua("   "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_ua_first_letter_filter),
        cmocka_unit_test(test_catalogue_names_are_stable_and_unique),
        cmocka_unit_test(test_severity_parse),
        cmocka_unit_test(test_record_counts_and_keeps_first_evidence_redacted),
        cmocka_unit_test(test_clip_scrubs_before_cutting),
        cmocka_unit_test(test_library_user_agents),
        cmocka_unit_test(test_body_key_finds_a_key_field),
        cmocka_unit_test(test_failing_key_loop_needs_five_within_the_window),
        cmocka_unit_test(test_retry_after_window),
        cmocka_unit_test(test_poll_interval),
        cmocka_unit_test(test_duplicate_after_ambiguous),
        cmocka_unit_test(test_state_round_trip),
        cmocka_unit_test(test_state_import_refuses_bad_input),
        cmocka_unit_test(test_markdown_renders_a_report),
    };
    return cmocka_run_group_tests_name("secreport", tests, NULL, NULL);
}

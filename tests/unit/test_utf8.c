/* test_utf8.c - the strict UTF-8 checks every body, query value, path and fixture file
 * passes (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
#include "test_helpers.h"

#include "utf8.h"

static void test_utf8_valid_and_invalid(void **state)
{
    const char *all = "Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";
    size_t bad = 99;

    (void)state;
    assert_true(am_utf8_valid("", 0, NULL));
    assert_true(am_utf8_valid("ascii", 5, NULL));
    assert_true(am_utf8_valid(all, strlen(all), NULL));
    assert_false(am_utf8_valid("ab\xff", 3, &bad));
    assert_int_equal(bad, 2);
    assert_false(am_utf8_valid("\xc0\xaf", 2, &bad)); /* overlong '/' */
    assert_int_equal(bad, 0);
    assert_false(am_utf8_valid("\xe0\x80\xaf", 3, NULL)); /* overlong */
    assert_false(am_utf8_valid("\xed\xa0\x80", 3, NULL)); /* surrogate */
    assert_false(am_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* above U+10FFFF */
    assert_false(am_utf8_valid("x\xe2\x82", 3, &bad)); /* truncated */
    assert_int_equal(bad, 1);
    assert_false(am_utf8_valid("\x80", 1, NULL)); /* a lone continuation byte */
    /* The length is honoured: a NUL is data, and bytes past len are not read. */
    assert_true(am_utf8_valid("a\0b", 3, NULL));
    assert_true(am_utf8_valid("ab\xff", 2, NULL));
}

static void test_utf8_json_nul(void **state)
{
    size_t at = 0;
    const char *a = "{\"a\":\"x\\u0000\"}";
    const char *b = "{\"a\":\"x\\\\u0000\"}";
    const char *c = "{\"\\u0000\":1}";
    const char *d = "{\"a\":\"\\\"\\u0000\"}";
    const char *e = "{\"a\":1}\\u0000";

    (void)state;
    assert_true(am_utf8_json_has_nul(a, strlen(a), &at));
    assert_int_equal(at, 7);
    assert_false(am_utf8_json_has_nul(b, strlen(b), NULL));
    assert_true(am_utf8_json_has_nul(c, strlen(c), NULL));
    assert_true(am_utf8_json_has_nul(d, strlen(d), NULL));
    assert_false(am_utf8_json_has_nul(e, strlen(e), NULL)); /* not in a string */
    assert_false(am_utf8_json_has_nul("\"\\u000", 6, NULL)); /* cut short */
    /* The shortest hit (quote + six bytes), and one past a long run of plain text. */
    assert_true(am_utf8_json_has_nul("\"\\u0000", 7, &at));
    assert_int_equal(at, 1);
    assert_false(am_utf8_json_has_nul("\"\\u0000", 6, NULL));
    assert_false(am_utf8_json_has_nul(NULL, 0, NULL));
    {
        const char *f = "{\"description\":\"a long enough value to pass a few words\\u0000\"}";
        const char *g = "{\"description\":\"a long enough value, no escape at all\"}";
        assert_true(am_utf8_json_has_nul(f, strlen(f), &at));
        assert_int_equal(at, (size_t)(strstr(f, "\\u0000") - f));
        assert_false(am_utf8_json_has_nul(g, strlen(g), NULL));
    }
}

static void test_utf8_scrub(void **state)
{
    char s[] = "/v3/x\xff\xc3\xa9\xe2\x82";

    (void)state;
    am_utf8_scrub(s);
    assert_string_equal(s, "/v3/x?\xc3\xa9??");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid_and_invalid),
        cmocka_unit_test(test_utf8_json_nul),
        cmocka_unit_test(test_utf8_scrub),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}

/* test_query.c - the URL query decoder. */
#include "test_helpers.h"

#include <errno.h>

#include "query.h"

static void assert_param(const struct am_query *q, size_t i, const char *key, const char *value)
{
    assert_true(i < q->n);
    assert_string_equal(q->params[i].key, key);
    assert_string_equal(q->params[i].value, value);
}

static void test_query_null_and_empty_give_no_params(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse(NULL, &q), 0);
    assert_int_equal(q.n, 0);
    assert_null(am_query_get(&q, "a"));
    am_query_finish(&q);
    assert_int_equal(am_query_parse("", &q), 0);
    assert_int_equal(q.n, 0);
    am_query_finish(&q);
    assert_int_equal(am_query_parse("&&&", &q), 0);
    assert_int_equal(q.n, 0);
    am_query_finish(&q);
}

static void test_query_splits_on_ampersand_in_order(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse("limit=10&offset=20&&name=Ana&", &q), 0);
    assert_int_equal(q.n, 3);
    assert_param(&q, 0, "limit", "10");
    assert_param(&q, 1, "offset", "20");
    assert_param(&q, 2, "name", "Ana");
    assert_string_equal(am_query_get(&q, "offset"), "20");
    assert_null(am_query_get(&q, "Offset")); /* keys are case-sensitive */
    am_query_finish(&q);
    assert_int_equal(q.n, 0);
}

static void test_query_decodes_plus_and_percent_in_keys_and_values(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(
        am_query_parse("dateCreated%5Bge%5D=2026-01-01&name=Jo%C3%A3o+da+Silva&a+b=c%2Bd", &q), 0);
    assert_int_equal(q.n, 3);
    assert_param(&q, 0, "dateCreated[ge]", "2026-01-01");
    assert_param(&q, 1, "name", "João da Silva");
    assert_param(&q, 2, "a b", "c+d");
    assert_string_equal(am_query_get(&q, "dateCreated[ge]"), "2026-01-01");
    am_query_finish(&q);
}

static void test_query_key_without_equals_has_empty_value(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse("flag&x=&=v&a==b", &q), 0);
    assert_int_equal(q.n, 4);
    assert_param(&q, 0, "flag", "");
    assert_param(&q, 1, "x", "");
    assert_param(&q, 2, "", "v");
    assert_param(&q, 3, "a", "=b");
    am_query_finish(&q);
}

static void test_query_keeps_invalid_escapes_literally(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse("a=%&b=%4&c=%zz&d=100%&e=%00x&f=%4a%4A", &q), 0);
    assert_int_equal(q.n, 6);
    assert_param(&q, 0, "a", "%");
    assert_param(&q, 1, "b", "%4");
    assert_param(&q, 2, "c", "%zz");
    assert_param(&q, 3, "d", "100%");
    assert_param(&q, 4, "e", "%00x"); /* a NUL cannot live in a C string: kept literal */
    assert_param(&q, 5, "f", "JJ");
    am_query_finish(&q);
}

static void test_query_get_returns_first_of_duplicates(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse("s=PENDING&s=RECEIVED", &q), 0);
    assert_int_equal(q.n, 2);
    assert_string_equal(am_query_get(&q, "s"), "PENDING");
    assert_null(am_query_get(NULL, "s"));
    assert_null(am_query_get(&q, NULL));
    am_query_finish(&q);
    am_query_finish(NULL);
}

static void test_query_caps_param_count(void **state)
{
    struct am_query q;
    char buf[1024] = "";

    (void)state;
    for (int i = 0; i < AM_QUERY_MAX_PARAMS; i++)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "k%d=v&", i);
    assert_int_equal(am_query_parse(buf, &q), 0);
    assert_int_equal(q.n, AM_QUERY_MAX_PARAMS);
    assert_param(&q, 63, "k63", "v");
    am_query_finish(&q);
    strcat(buf, "one=more");
    assert_int_equal(am_query_parse(buf, &q), -E2BIG);
    assert_int_equal(q.n, 0);
    am_query_finish(&q);
}

/* Decoded keys and values are UTF-8 or the whole query is refused (-EILSEQ). */
static void test_query_refuses_decoded_invalid_utf8(void **state)
{
    struct am_query q;

    (void)state;
    assert_int_equal(am_query_parse("a=1&name=%FF", &q), -EILSEQ);
    assert_int_equal(q.n, 0);
    assert_int_equal(am_query_parse("n%C0%AFme=1", &q), -EILSEQ);
    assert_int_equal(am_query_parse("name=%ED%A0%80", &q), -EILSEQ); /* a surrogate */
    assert_int_equal(am_query_parse("name=\xe2\x82", &q), -EILSEQ); /* raw, truncated */
    assert_int_equal(am_query_parse("name=Jos%C3%A9+%E2%82%AC", &q), 0);
    assert_param(&q, 0, "name", "Jos\xc3\xa9 \xe2\x82\xac");
    am_query_finish(&q);
}

static void test_query_caps_length(void **state)
{
    struct am_query q;
    char *buf = malloc(AM_QUERY_MAX_LEN + 2);

    (void)state;
    assert_non_null(buf);
    memset(buf, 'a', AM_QUERY_MAX_LEN);
    buf[0] = 'k';
    buf[1] = '=';
    buf[AM_QUERY_MAX_LEN] = '\0';
    assert_int_equal(am_query_parse(buf, &q), 0);
    assert_int_equal(q.n, 1);
    assert_int_equal(strlen(am_query_get(&q, "k")), AM_QUERY_MAX_LEN - 2);
    am_query_finish(&q);
    buf[AM_QUERY_MAX_LEN] = 'a';
    buf[AM_QUERY_MAX_LEN + 1] = '\0';
    assert_int_equal(am_query_parse(buf, &q), -E2BIG);
    assert_int_equal(q.n, 0);
    am_query_finish(&q);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_null_and_empty_give_no_params),
        cmocka_unit_test(test_query_splits_on_ampersand_in_order),
        cmocka_unit_test(test_query_decodes_plus_and_percent_in_keys_and_values),
        cmocka_unit_test(test_query_key_without_equals_has_empty_value),
        cmocka_unit_test(test_query_keeps_invalid_escapes_literally),
        cmocka_unit_test(test_query_get_returns_first_of_duplicates),
        cmocka_unit_test(test_query_caps_param_count),
        cmocka_unit_test(test_query_caps_length),
        cmocka_unit_test(test_query_refuses_decoded_invalid_utf8),
    };

    return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}

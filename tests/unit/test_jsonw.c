/* test_jsonw.c - the DOM-free writer prints exactly what cJSON_PrintUnformatted prints. */
#include "test_helpers.h"

#include <math.h>

#include "jsonw.h"

/* cJSON's text of tree (freed here) must equal the writer's text (taken here). */
static void assert_same(cJSON *tree, struct am_jsonw *w)
{
    char *want = cJSON_PrintUnformatted(tree);
    size_t len = 0;
    char *got = am_jsonw_take(w, &len);

    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(want);
    free(got);
    cJSON_Delete(tree);
}

static void test_jsonw_strings_escape_every_byte_like_cjson(void **state)
{
    char s[256];
    struct am_jsonw w = {0};
    cJSON *tree = cJSON_CreateObject();

    (void)state;
    for (int i = 1; i < 256; i++)
        s[i - 1] = (char)i;
    s[255] = '\0';
    am_jsonw_obj(&w, NULL);
    am_jsonw_str(&w, "all", s);
    cJSON_AddStringToObject(tree, "all", s);
    am_jsonw_str(&w, "k\"e\\y\n", "plain");
    cJSON_AddStringToObject(tree, "k\"e\\y\n", "plain");
    am_jsonw_str(&w, "empty", "");
    cJSON_AddStringToObject(tree, "empty", "");
    am_jsonw_str(&w, "utf8", "S\xc3\xa3o Jo\xc3\xa3o / \xe2\x82\xac");
    cJSON_AddStringToObject(tree, "utf8", "S\xc3\xa3o Jo\xc3\xa3o / \xe2\x82\xac");
    am_jsonw_str(&w, "none", NULL);
    cJSON_AddNullToObject(tree, "none");
    am_jsonw_end_obj(&w);
    assert_same(tree, &w);
}

static void test_jsonw_numbers_and_cents_print_like_cjson(void **state)
{
    static const int64_t ints[] = {0, 1, -1, 10, 2147483647LL, 2147483648LL, -2147483649LL,
                                   999999999999999LL, 1000000000000000LL, -1000000000000000LL,
                                   123456789012345678LL};
    static const int64_t cents[] = {0, 1, 5, 10, 50, 99, 100, 101, 110, 9801, 10000, -1, -50,
                                    -12345, 123456789, 999999999999LL, 9999999999999LL,
                                    10000000000000LL, 123456789012345LL, -10000000000001LL};
    static const double doubles[] = {0.0, 1.5, -2.25, 0.1, 1.0 / 3, 1e300, -1e-300, 12345.678,
                                     3.0, 1e15, 1e16, 2.5e-7};
    struct am_jsonw w = {0};
    cJSON *tree = cJSON_CreateArray();

    (void)state;
    am_jsonw_arr(&w, NULL);
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        am_jsonw_int(&w, NULL, ints[i]);
        cJSON_AddItemToArray(tree, cJSON_CreateNumber((double)ints[i]));
    }
    for (size_t i = 0; i < sizeof(cents) / sizeof(cents[0]); i++) {
        am_jsonw_cents(&w, NULL, cents[i]);
        cJSON_AddItemToArray(tree, cJSON_CreateNumber((double)cents[i] / 100));
    }
    for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
        am_jsonw_double(&w, NULL, doubles[i]);
        cJSON_AddItemToArray(tree, cJSON_CreateNumber(doubles[i]));
    }
    am_jsonw_double(&w, NULL, NAN);
    cJSON_AddItemToArray(tree, cJSON_CreateNumber(NAN));
    am_jsonw_end_arr(&w);
    assert_same(tree, &w);
}

static void test_jsonw_every_cents_value_up_to_a_thousand(void **state)
{
    (void)state;
    for (int64_t c = -100000; c <= 100000; c += 7) {
        struct am_jsonw w = {0};

        am_jsonw_cents(&w, NULL, c);
        assert_same(cJSON_CreateNumber((double)c / 100), &w);
    }
}

static void test_jsonw_nesting_raw_and_empty_containers(void **state)
{
    struct am_jsonw w = {0};
    cJSON *tree = cJSON_CreateObject(), *o;

    (void)state;
    am_jsonw_obj(&w, NULL);
    am_jsonw_arr(&w, "empty");
    am_jsonw_end_arr(&w);
    cJSON_AddArrayToObject(tree, "empty");
    am_jsonw_obj(&w, "inner");
    am_jsonw_bool(&w, "t", true);
    am_jsonw_bool(&w, "f", false);
    am_jsonw_obj(&w, "none");
    am_jsonw_end_obj(&w);
    am_jsonw_end_obj(&w);
    o = cJSON_AddObjectToObject(tree, "inner");
    cJSON_AddBoolToObject(o, "t", true);
    cJSON_AddBoolToObject(o, "f", false);
    cJSON_AddObjectToObject(o, "none");
    am_jsonw_raw(&w, "raw", "[1,{\"a\":null}]", 14);
    cJSON_AddItemToObject(tree, "raw", cJSON_Parse("[1,{\"a\":null}]"));
    am_jsonw_strn(&w, "nul", "a\0b", 3);
    am_jsonw_end_obj(&w);
    cJSON_AddStringToObject(tree, "nul", "a"); /* cJSON stops at the NUL: compare apart */
    {
        char *got = am_jsonw_take(&w, NULL);
        char *want = cJSON_PrintUnformatted(tree);

        assert_non_null(strstr(got, "\"nul\":\"a\\u0000b\"}"));
        /* everything before the NUL member is identical */
        assert_memory_equal(got, want, strlen(want) - strlen("\"nul\":\"a\"}"));
        free(got);
        free(want);
    }
    cJSON_Delete(tree);
}

static void test_jsonw_reset_reuses_and_take_of_nothing_is_empty(void **state)
{
    struct am_jsonw w = {0};
    char *p;

    (void)state;
    p = am_jsonw_take(&w, NULL);
    assert_string_equal(p, "");
    free(p);
    am_jsonw_str(&w, NULL, "x");
    am_jsonw_reset(&w);
    am_jsonw_int(&w, NULL, 7);
    p = am_jsonw_take(&w, NULL);
    assert_string_equal(p, "7");
    free(p);
    am_jsonw_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonw_strings_escape_every_byte_like_cjson),
        cmocka_unit_test(test_jsonw_numbers_and_cents_print_like_cjson),
        cmocka_unit_test(test_jsonw_every_cents_value_up_to_a_thousand),
        cmocka_unit_test(test_jsonw_nesting_raw_and_empty_containers),
        cmocka_unit_test(test_jsonw_reset_reuses_and_take_of_nothing_is_empty),
    };
    return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}

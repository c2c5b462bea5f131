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

/* One member {key: s} through the writer and through cJSON, at a given fill of the buffer
 * (pad bytes of a raw member first, so the member straddles a growth of the buffer). */
static void check_member(const char *key, const char *s, size_t pad)
{
    struct am_jsonw w = {0};
    cJSON *tree = cJSON_CreateObject();
    char *fill = malloc(pad + 3);

    assert_non_null(fill);
    fill[0] = '"';
    memset(fill + 1, 'p', pad);
    fill[pad + 1] = '"';
    fill[pad + 2] = '\0';
    am_jsonw_obj(&w, NULL);
    am_jsonw_raw(&w, "pad", fill, pad + 2);
    cJSON_AddItemToObject(tree, "pad", cJSON_Parse(fill));
    am_jsonw_str(&w, key, s);
    cJSON_AddStringToObject(tree, key, s);
    am_jsonw_end_obj(&w);
    assert_same(tree, &w);
    free(fill);
}

static void test_jsonw_escapes_at_every_position_of_short_strings(void **state)
{
    static const char specials[] = {'"', '\\', '\n', '\t', '\b', '\f', '\r', 0x01, 0x1f, 0x7f};
    char s[48];

    (void)state;
    /* every length from 0 to 40 (the byte, 4-byte and 8-byte paths and their overlaps),
     * one special byte at every position, as value and as key */
    for (size_t n = 0; n <= 40; n++) {
        memset(s, 'x', n);
        s[n] = '\0';
        check_member("k", s, 0);
        check_member(s, "v", 0);
        for (size_t at = 0; at < n; at++) {
            for (size_t c = 0; c < sizeof(specials); c++) {
                s[at] = specials[c];
                check_member("k", s, 0);
                check_member(s, "v", 0);
            }
            s[at] = 'x';
        }
    }
}

static void test_jsonw_utf8_and_high_bytes_stay_raw_across_word_boundaries(void **state)
{
    static const char *const seqs[] = {"\xc3\xa3", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
                                       "\xff", "\xa2", "\xdc"}; /* 0xa2/0xdc: '"'/'\\' + 0x80 */
    char s[64];

    (void)state;
    for (size_t q = 0; q < sizeof(seqs) / sizeof(seqs[0]); q++) {
        for (size_t at = 0; at < 20; at++) {
            size_t sl = strlen(seqs[q]);

            memset(s, 'a', at);
            memcpy(s + at, seqs[q], sl);
            /* a quote right after the sequence: the escape must still be found */
            s[at + sl] = '"';
            memcpy(s + at + sl + 1, seqs[q], sl);
            s[at + 2 * sl + 1] = '\0';
            check_member("utf8", s, 0);
            s[at + sl] = '\0';
            check_member("utf8", s, 0);
            check_member(s, "v", 0);
        }
    }
}

static void test_jsonw_long_strings_and_growth_mid_member(void **state)
{
    size_t n = 300000;
    char *s = malloc(n + 1);

    (void)state;
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    check_member("plain", s, 0);
    /* escapes sprinkled, the last one at the very end, the first at 0 */
    for (size_t i = 0; i < n; i += 997)
        s[i] = "\"\\\n\x01"[i % 4];
    s[n - 1] = '\x1e';
    check_member("escaped", s, 0);
    /* only quotes: the escaped text is twice as long */
    memset(s, '"', 5000);
    s[5000] = '\0';
    check_member("quotes", s, 0);
    /* the buffer fills up just before, inside and after a member with escapes */
    for (size_t pad = 990; pad < 1030; pad++) {
        check_member("grow", "a\"b\\c\nd\x01 long enough to need some room", pad);
        check_member("grow\n key", "v", pad);
        check_member("grow", "no escapes at all here", pad);
    }
    free(s);
}

static void test_jsonw_money_edges(void **state)
{
    static const struct {
        int64_t cents;
        const char *text;
    } cases[] = {
        {1, "0.01"},           {-1, "-0.01"},          {10, "0.1"},
        {99, "0.99"},          {100, "1"},             {100000050, "1000000.5"},
        {-100000050, "-1000000.5"}, {100000001, "1000000.01"}, {-9801, "-98.01"},
        {0, "0"},              {-100, "-1"},           {9999999999999LL, "99999999999.99"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_jsonw w = {0};
        char *got;

        am_jsonw_cents(&w, NULL, cases[i].cents);
        got = am_jsonw_take(&w, NULL);
        assert_string_equal(got, cases[i].text);
        free(got);
        am_jsonw_cents(&w, NULL, cases[i].cents);
        assert_same(cJSON_CreateNumber((double)cases[i].cents / 100), &w);
    }
}

/* Literal keys take jsonw.h's in-place path (key folded into constant stores) while the
 * buffer has room, the writer when it does not: many rounds cross every growth, with
 * values that need escaping, numbers at the edges of the integer paths, and literal keys
 * of every size class and one that needs escaping itself. */
static void test_jsonw_literal_keys_in_place_match_cjson(void **state)
{
    static const char *const values[] = {"", "a", "ab\"", "plain text", "tab\there", "\x01",
                                         "S\xc3\xa3o Jo\xc3\xa3o", "0123456789abcdef0123",
                                         "quote at the end of a long string: \""};
    static const int64_t numbers[] = {0, 1, -1, 5, 99, 100, 9801, -9801, 100000050, -100000050,
                                      9999999999999LL, 10000000000000LL, -10000000000000LL,
                                      999999999999999LL, 1000000000000000LL, INT64_MIN + 1};
    struct am_jsonw w = {0};
    cJSON *tree = cJSON_CreateArray();

    (void)state;
    am_jsonw_arr(&w, NULL);
    for (int round = 0; round < 60; round++) {
        size_t v = (size_t)round % (sizeof(values) / sizeof(values[0]));
        int64_t n = numbers[(size_t)round % (sizeof(numbers) / sizeof(numbers[0]))];
        cJSON *o = cJSON_CreateObject(), *inner;

        am_jsonw_obj(&w, NULL);
        am_jsonw_str(&w, "s", values[v]);
        cJSON_AddStringToObject(o, "s", values[v]);
        am_jsonw_str(&w, "four", values[v]);
        cJSON_AddStringToObject(o, "four", values[v]);
        am_jsonw_str(&w, "eightchr", NULL);
        cJSON_AddNullToObject(o, "eightchr");
        am_jsonw_null(&w, "nineteen_characters");
        cJSON_AddNullToObject(o, "nineteen_characters");
        am_jsonw_bool(&w, "a_key_of_exactly_thirty_two_byte", round % 2);
        cJSON_AddBoolToObject(o, "a_key_of_exactly_thirty_two_byte", round % 2);
        am_jsonw_bool(&w, "a key longer than thirty-two bytes", round % 3 == 0);
        cJSON_AddBoolToObject(o, "a key longer than thirty-two bytes", round % 3 == 0);
        am_jsonw_cents(&w, "value", n);
        cJSON_AddNumberToObject(o, "value", (double)n / 100);
        am_jsonw_int(&w, "count", n);
        cJSON_AddNumberToObject(o, "count", (double)n);
        am_jsonw_null(&w, "needs\tescape");
        cJSON_AddNullToObject(o, "needs\tescape");
        am_jsonw_obj(&w, "inner");
        inner = cJSON_AddObjectToObject(o, "inner");
        am_jsonw_str(&w, "q\"", values[v]);
        cJSON_AddStringToObject(inner, "q\"", values[v]);
        am_jsonw_end_obj(&w);
        am_jsonw_end_obj(&w);
        cJSON_AddItemToArray(tree, o);
    }
    am_jsonw_end_arr(&w);
    assert_same(tree, &w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonw_strings_escape_every_byte_like_cjson),
        cmocka_unit_test(test_jsonw_numbers_and_cents_print_like_cjson),
        cmocka_unit_test(test_jsonw_every_cents_value_up_to_a_thousand),
        cmocka_unit_test(test_jsonw_nesting_raw_and_empty_containers),
        cmocka_unit_test(test_jsonw_reset_reuses_and_take_of_nothing_is_empty),
        cmocka_unit_test(test_jsonw_escapes_at_every_position_of_short_strings),
        cmocka_unit_test(test_jsonw_utf8_and_high_bytes_stay_raw_across_word_boundaries),
        cmocka_unit_test(test_jsonw_long_strings_and_growth_mid_member),
        cmocka_unit_test(test_jsonw_money_edges),
        cmocka_unit_test(test_jsonw_literal_keys_in_place_match_cjson),
    };
    return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}

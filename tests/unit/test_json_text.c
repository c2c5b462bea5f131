/* test_json_text.c - located JSON parse errors shared by every fixture loader. */
#include "test_helpers.h"

#include "json_text.h"

static void test_json_text_parses_a_document_without_nul(void **state)
{
    const char text[] = {'{', '"', 'a', '"', ':', '1', '}', 'X'}; /* no NUL, junk after len */
    char err[128] = "";
    bool oom = true;
    cJSON *root = am_json_text_parse(text, 7, "f.json", err, sizeof(err), &oom);

    (void)state;
    assert_non_null(root);
    assert_false(oom);
    assert_int_equal(cJSON_GetObjectItem(root, "a")->valueint, 1);
    assert_string_equal(err, "");
    cJSON_Delete(root);
}

static void test_json_text_locates_a_syntax_error(void **state)
{
    const char *text = "{\n  \"a\": 1\n  \"b\": 2\n}\n";
    char err[128];
    bool oom = true;

    (void)state;
    assert_null(am_json_text_parse(text, strlen(text), "f.json", err, sizeof(err), &oom));
    assert_false(oom);
    assert_string_equal(err, "f.json:3:3: invalid JSON");
}

static void test_json_text_points_at_trailing_garbage(void **state)
{
    const char *text = "[1, 2]\n\n   x";
    char err[128];

    (void)state;
    assert_null(am_json_text_parse(text, strlen(text), "g.json", err, sizeof(err), NULL));
    assert_string_equal(err, "g.json:3:4: invalid JSON");
}

static void test_json_text_accepts_trailing_whitespace_and_empty_is_an_error(void **state)
{
    char err[128];
    cJSON *root = am_json_text_parse("[]\r\n\t ", 6, "h", err, sizeof(err), NULL);

    (void)state;
    assert_non_null(root);
    cJSON_Delete(root);
    assert_null(am_json_text_parse("", 0, "e.json", err, sizeof(err), NULL));
    assert_string_equal(err, "e.json:1:1: invalid JSON");
    assert_true(am_json_text_blank(" \t\r\n", 4));
    assert_false(am_json_text_blank(" x", 2));
}

/* Every fixture loader (accounts, seeds, exchanges, fault rules) parses through here:
 * invalid UTF-8 and "\u0000" never get into the mock from a file. */
static void test_json_text_refuses_invalid_utf8_and_nul_escapes(void **state)
{
    const char *bad = "{\n  \"a\": \"ok \xc3\xa9\",\n  \"b\": \"x\xff\"\n}\n";
    const char *nul = "{\"a\": \"x\\u0000y\"}";
    const char *fine = "{\"a\": \"x\\\\u0000y \xe2\x82\xac\"}";
    char err[128];
    cJSON *root;

    (void)state;
    assert_null(am_json_text_parse(bad, strlen(bad), "f.json", err, sizeof(err), NULL));
    assert_string_equal(err, "f.json:3:10: invalid UTF-8");
    assert_null(am_json_text_parse(nul, strlen(nul), "n.json", err, sizeof(err), NULL));
    assert_string_equal(err, "n.json:1:9: \\u0000 is not accepted in a string");
    root = am_json_text_parse(fine, strlen(fine), "ok.json", err, sizeof(err), NULL);
    assert_non_null(root);
    cJSON_Delete(root);
}

static bool cmp(bool (*f)(const cJSON *, const cJSON *), const char *a, const char *b)
{
    cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
    bool r;

    assert_non_null(x);
    assert_non_null(y);
    r = f(x, y);
    cJSON_Delete(x);
    cJSON_Delete(y);
    return r;
}

static void test_json_equal_and_subset(void **state)
{
    (void)state;
    assert_true(cmp(am_json_equal, "{\"a\":1,\"b\":[1,\"x\",null,true]}",
                    "{\"b\":[1,\"x\",null,true],\"a\":1.0}"));
    assert_false(cmp(am_json_equal, "{\"a\":1}", "{\"a\":1,\"b\":2}"));
    assert_false(cmp(am_json_equal, "[1,2]", "[2,1]"));
    assert_false(cmp(am_json_equal, "[1,2]", "[1,2,3]"));
    assert_false(cmp(am_json_equal, "\"1\"", "1"));
    assert_false(cmp(am_json_equal, "true", "false"));
    assert_true(cmp(am_json_subset, "{\"a\":{\"b\":1}}", "{\"a\":{\"b\":1,\"c\":2},\"d\":3}"));
    assert_false(cmp(am_json_subset, "{\"a\":{\"b\":1}}", "{\"a\":{\"b\":2}}"));
    assert_false(cmp(am_json_subset, "{\"a\":[1]}", "{\"a\":[1,2]}")); /* arrays exact */
    assert_false(cmp(am_json_subset, "{\"a\":1}", "[1]"));
    assert_true(cmp(am_json_subset, "{}", "{\"a\":1}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_text_parses_a_document_without_nul),
        cmocka_unit_test(test_json_equal_and_subset),
        cmocka_unit_test(test_json_text_locates_a_syntax_error),
        cmocka_unit_test(test_json_text_points_at_trailing_garbage),
        cmocka_unit_test(test_json_text_accepts_trailing_whitespace_and_empty_is_an_error),
        cmocka_unit_test(test_json_text_refuses_invalid_utf8_and_nul_escapes),
    };
    return cmocka_run_group_tests_name("json_text", tests, NULL, NULL);
}

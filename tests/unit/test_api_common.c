/* test_api_common.c - body parsing, pagination, list envelope and JSON getters. */
#include "test_helpers.h"

#include <errno.h>

#include "api_common.h"

#define JSON_ERROR                                                                                \
    "{\"errors\":[{\"code\":\"invalid_json\",\"description\":\"O corpo da requisição não é um " \
    "JSON válido\"}]}"
#define LIMIT_ERROR                                                                               \
    "{\"errors\":[{\"code\":\"invalid_limit\",\"description\":\"O parâmetro limit deve estar " \
    "entre 1 e 100\"}]}"
#define OFFSET_ERROR                                                                              \
    "{\"errors\":[{\"code\":\"invalid_offset\",\"description\":\"O parâmetro offset deve ser "  \
    "um número inteiro não negativo\"}]}"

/* Parses body (len bytes, copied to an exact-size buffer so ASan sees over-reads).
 * Returns the handler result; *ret_json is set on 0. */
static int parse(const char *body, size_t len, bool allow_empty, struct am_response *resp,
                 cJSON **ret_json)
{
    struct am_request req = {.method = AM_METHOD_POST, .path = "/v3/x", .client_ip = ""};
    char *copy = NULL;
    int r;

    if (body) {
        copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, body, len);
        req.body = copy;
        req.body_len = len;
    }
    r = am_api_parse_body(&req, resp, allow_empty, ret_json);
    free(copy);
    return r;
}

static void expect_body(const struct am_response *resp, int status, const char *body)
{
    assert_int_equal(resp->status, status);
    assert_non_null(resp->body);
    assert_string_equal(resp->body, body);
    assert_string_equal(resp->content_type, "application/json");
}

static void test_api_parse_body_accepts_object_with_trailing_whitespace(void **state)
{
    static const char body[] = "  {\"a\":1,\"b\":{\"c\":[true]}} \r\n\t";
    struct am_response resp;
    cJSON *json = NULL;
    char *text;

    (void)state;
    am_response_init(&resp);
    assert_int_equal(parse(body, strlen(body), false, &resp, &json), 0);
    assert_non_null(json);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(text, "{\"a\":1,\"b\":{\"c\":[true]}}");
    free(text);
    cJSON_Delete(json);
    assert_null(resp.body); /* untouched on success */
    am_response_finish(&resp);
}

static void test_api_parse_body_empty_gives_empty_object_only_when_allowed(void **state)
{
    static const char *const empties[] = {NULL, "", " \n\t\r "};
    struct am_response resp;

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        cJSON *json = NULL;
        char *text;
        size_t len = empties[i] ? strlen(empties[i]) : 0;

        am_response_init(&resp);
        assert_int_equal(parse(empties[i], len, true, &resp, &json), 0);
        text = cJSON_PrintUnformatted(json);
        assert_string_equal(text, "{}");
        free(text);
        cJSON_Delete(json);
        assert_null(resp.body);

        json = NULL;
        assert_int_equal(parse(empties[i], len, false, &resp, &json), 1);
        assert_null(json);
        expect_body(&resp, 400, JSON_ERROR);
        am_response_finish(&resp);
    }
}

static void test_api_parse_body_rejects_non_objects_and_garbage(void **state)
{
    static const char *const bad[] = {
        "[]", "[{}]", "\"str\"", "1", "true", "null", "{", "}", "{\"a\":}", "{\"a\":1,}",
        "{} {}", "{}x", "{'a':1}", "\xEF", "{\"a\":\"\xEF\xBB", "-", "1e",
    };
    struct am_response resp;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *json = NULL;

        am_response_init(&resp);
        assert_int_equal(parse(bad[i], strlen(bad[i]), true, &resp, &json), 1);
        assert_null(json);
        expect_body(&resp, 400, JSON_ERROR);
        am_response_finish(&resp);
    }
    /* Bytes after an embedded NUL are trailing garbage as well. */
    {
        cJSON *json = NULL;

        am_response_init(&resp);
        assert_int_equal(parse("{}\0{}", 5, true, &resp, &json), 1);
        expect_body(&resp, 400, JSON_ERROR);
        am_response_finish(&resp);
    }
}

static int page(const char *query, struct am_response *resp, struct am_page *ret)
{
    struct am_query q;
    int r;

    assert_int_equal(am_query_parse(query, &q), 0);
    r = am_api_parse_page(&q, resp, ret);
    am_query_finish(&q);
    return r;
}

static void test_api_parse_page_defaults_and_bounds(void **state)
{
    struct am_response resp;
    struct am_page p;

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_api_parse_page(NULL, &resp, &p), 0);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.limit, 10);
    assert_int_equal(page("other=1", &resp, &p), 0);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.limit, 10);
    assert_int_equal(page("limit=1&offset=7", &resp, &p), 0);
    assert_int_equal(p.offset, 7);
    assert_int_equal(p.limit, 1);
    assert_int_equal(page("limit=100&offset=0", &resp, &p), 0);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.limit, 100);
    assert_int_equal(page("limit=007&offset=1000000000000000", &resp, &p), 0);
    assert_int_equal(p.offset, 1000000000000000ULL);
    assert_int_equal(p.limit, 7);
    assert_int_equal(page("limit=&offset=", &resp, &p), 0); /* empty = absent */
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.limit, 10);
    assert_null(resp.body);
    am_response_finish(&resp);
}

static void test_api_parse_page_rejects_bad_values(void **state)
{
    static const char *const bad_limit[] = {"limit=0", "limit=101", "limit=abc", "limit=-5",
                                            "limit= 5", "limit=5x", "limit=18446744073709551626"};
    static const char *const bad_offset[] = {"offset=-1", "offset=abc", "offset=1.0",
                                             "offset=1000000000000001",
                                             "offset=99999999999999999999999"};
    struct am_response resp;
    struct am_page p = {.offset = 123, .limit = 45};

    (void)state;
    for (size_t i = 0; i < sizeof(bad_limit) / sizeof(bad_limit[0]); i++) {
        am_response_init(&resp);
        assert_int_equal(page(bad_limit[i], &resp, &p), 1);
        expect_body(&resp, 400, LIMIT_ERROR);
        am_response_finish(&resp);
    }
    for (size_t i = 0; i < sizeof(bad_offset) / sizeof(bad_offset[0]); i++) {
        am_response_init(&resp);
        assert_int_equal(page(bad_offset[i], &resp, &p), 1);
        expect_body(&resp, 400, OFFSET_ERROR);
        am_response_finish(&resp);
    }
    assert_int_equal(p.offset, 123); /* untouched on failure */
    assert_int_equal(p.limit, 45);
}

static void list(size_t offset, size_t limit, size_t total, const char *expected)
{
    struct am_response resp;
    struct am_page p = {.offset = offset, .limit = limit};
    cJSON *data = cJSON_CreateArray();

    am_response_init(&resp);
    cJSON_AddItemToArray(data, cJSON_CreateNumber(1));
    assert_int_equal(am_api_list_response(&resp, &p, total, data), 0);
    expect_body(&resp, 200, expected);
    am_response_finish(&resp);
}

static void test_api_list_response_envelope_and_has_more(void **state)
{
    (void)state;
    list(0, 10, 12,
         "{\"object\":\"list\",\"hasMore\":true,\"totalCount\":12,\"limit\":10,\"offset\":0,"
         "\"data\":[1]}");
    list(10, 10, 12,
         "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":12,\"limit\":10,\"offset\":10,"
         "\"data\":[1]}");
    list(2, 10, 12,
         "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":12,\"limit\":10,\"offset\":2,"
         "\"data\":[1]}");
    list(1, 10, 12,
         "{\"object\":\"list\",\"hasMore\":true,\"totalCount\":12,\"limit\":10,\"offset\":1,"
         "\"data\":[1]}");
    list(50, 10, 12,
         "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":12,\"limit\":10,\"offset\":50,"
         "\"data\":[1]}");
    list(0, 10, 0,
         "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":0,\"limit\":10,\"offset\":0,"
         "\"data\":[1]}");
}

static void test_api_list_response_without_data_is_enomem(void **state)
{
    struct am_response resp;
    struct am_page p = {.offset = 0, .limit = 10};

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_api_list_response(&resp, &p, 0, NULL), -ENOMEM);
    assert_null(resp.body);
}

static void test_api_not_found_body(void **state)
{
    struct am_response resp;

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_api_not_found(&resp), 0);
    expect_body(&resp, 404,
                "{\"errors\":[{\"code\":\"not_found\",\"description\":\"O recurso solicitado "
                "não existe\"}]}");
    am_response_finish(&resp);
}

static void test_api_json_add_string_or_null(void **state)
{
    cJSON *o = cJSON_CreateObject();
    char *text;

    (void)state;
    assert_int_equal(am_json_add_string_or_null(o, "a", "x"), 0);
    assert_int_equal(am_json_add_string_or_null(o, "b", NULL), 0);
    assert_int_equal(am_json_add_string_or_null(o, "c", ""), 0);
    text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"a\":\"x\",\"b\":null,\"c\":\"\"}");
    free(text);
    cJSON_Delete(o);
}

static void test_api_json_get_string_types(void **state)
{
    cJSON *o = cJSON_Parse("{\"s\":\"v\",\"n\":null,\"i\":1,\"b\":true,\"a\":[],\"o\":{},"
                           "\"S\":\"upper\"}");
    const char *v = "sentinel";

    (void)state;
    assert_non_null(o);
    assert_int_equal(am_json_get_string(o, "s", &v), 0);
    assert_string_equal(v, "v");
    assert_int_equal(am_json_get_string(o, "n", &v), 0);
    assert_null(v);
    v = "sentinel";
    assert_int_equal(am_json_get_string(o, "missing", &v), 0);
    assert_null(v);
    v = "sentinel";
    assert_int_equal(am_json_get_string(o, "i", &v), -EINVAL);
    assert_int_equal(am_json_get_string(o, "b", &v), -EINVAL);
    assert_int_equal(am_json_get_string(o, "a", &v), -EINVAL);
    assert_int_equal(am_json_get_string(o, "o", &v), -EINVAL);
    assert_string_equal(v, "sentinel");
    assert_int_equal(am_json_get_string(o, "S", &v), 0); /* case-sensitive keys */
    assert_string_equal(v, "upper");
    cJSON_Delete(o);
}

static void test_api_json_get_bool_types(void **state)
{
    cJSON *o = cJSON_Parse("{\"t\":true,\"f\":false,\"n\":null,\"s\":\"true\",\"i\":1}");
    bool v = true, present = true;

    (void)state;
    assert_non_null(o);
    assert_int_equal(am_json_get_bool(o, "f", &v, &present), 0);
    assert_false(v);
    assert_true(present);
    assert_int_equal(am_json_get_bool(o, "t", &v, &present), 0);
    assert_true(v);
    assert_true(present);
    assert_int_equal(am_json_get_bool(o, "n", &v, &present), 0);
    assert_true(v); /* untouched */
    assert_false(present);
    present = true;
    assert_int_equal(am_json_get_bool(o, "missing", &v, &present), 0);
    assert_true(v);
    assert_false(present);
    assert_int_equal(am_json_get_bool(o, "s", &v, &present), -EINVAL);
    assert_int_equal(am_json_get_bool(o, "i", &v, NULL), -EINVAL);
    assert_true(v);
    assert_int_equal(am_json_get_bool(o, "f", &v, NULL), 0);
    assert_false(v);
    cJSON_Delete(o);
}

static void test_api_pager_counts_all_and_renders_the_page(void **state)
{
    struct am_page page = {.offset = 2, .limit = 3};
    struct am_api_pager pg;
    struct am_response resp;
    cJSON *root;

    (void)state;
    am_response_init(&resp);
    am_api_pager_init(&pg, &page);
    for (int i = 0; i < 10; i++) {
        if (i % 2 == 0 && am_api_pager_take(&pg)) /* 5 matches: 0 2 4 6 8 */
            am_api_pager_add(&pg, cJSON_CreateNumber(i));
    }
    assert_int_equal(am_api_pager_answer(&pg, &resp), 0);
    root = cJSON_Parse(resp.body);
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "totalCount")->valuedouble, 5);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(root, "hasMore")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "data")), 3);
    assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "data"), 0)->valuedouble, 4);
    cJSON_Delete(root);
    am_response_finish(&resp);
    /* A failed render answers -ENOMEM and frees what was built. */
    am_api_pager_init(&pg, &page);
    for (int i = 0; i < 5; i++) {
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, i == 3 ? NULL : cJSON_CreateNumber(i));
    }
    assert_int_equal(am_api_pager_answer(&pg, &resp), -ENOMEM);
    am_response_finish(&resp);
}

static void test_api_json_member_finds_what_cjson_finds(void **state)
{
    static const char *const keys[] = {"value", "valueX", "v", "vx", "", "dueDate", "due",
                                       "description", "missing", "VALUE", "x"};
    cJSON *o = cJSON_Parse("{\"value\":1,\"valueX\":2,\"v\":3,\"\":4,\"dueDate\":5,"
                           "\"value\":6,\"description\":7,\"x\":null}");
    cJSON *arr = cJSON_Parse("[1,2]");
    cJSON *str = cJSON_CreateString("value");

    (void)state;
    assert_non_null(o);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        /* the same item (the first of a duplicated name) or NULL */
        assert_ptr_equal(am_json_member(o, keys[i]), cJSON_GetObjectItemCaseSensitive(o, keys[i]));
        assert_ptr_equal(am_json_member(arr, keys[i]), NULL);
        assert_ptr_equal(am_json_member(str, keys[i]), NULL);
    }
    assert_int_equal(am_json_member(o, "value")->valueint, 1);
    assert_int_equal(am_json_member(o, "")->valueint, 4);
    assert_null(am_json_member(o, "VALUE"));
    assert_null(am_json_member(NULL, "value"));
    assert_null(am_json_member(o, NULL));
    cJSON_Delete(o);
    cJSON_Delete(arr);
    cJSON_Delete(str);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_parse_body_accepts_object_with_trailing_whitespace),
        cmocka_unit_test(test_api_parse_body_empty_gives_empty_object_only_when_allowed),
        cmocka_unit_test(test_api_parse_body_rejects_non_objects_and_garbage),
        cmocka_unit_test(test_api_parse_page_defaults_and_bounds),
        cmocka_unit_test(test_api_pager_counts_all_and_renders_the_page),
        cmocka_unit_test(test_api_parse_page_rejects_bad_values),
        cmocka_unit_test(test_api_list_response_envelope_and_has_more),
        cmocka_unit_test(test_api_list_response_without_data_is_enomem),
        cmocka_unit_test(test_api_not_found_body),
        cmocka_unit_test(test_api_json_add_string_or_null),
        cmocka_unit_test(test_api_json_get_string_types),
        cmocka_unit_test(test_api_json_get_bool_types),
        cmocka_unit_test(test_api_json_member_finds_what_cjson_finds),
    };

    return cmocka_run_group_tests_name("api_common", tests, NULL, NULL);
}

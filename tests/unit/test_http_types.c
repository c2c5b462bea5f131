/* test_http_types.c - request headers, response bodies/headers and their ownership. */
#include "test_helpers.h"

#include <errno.h>

#include "http_types.h"

static void test_http_method_names(void **state)
{
    (void)state;
    assert_string_equal(am_method_name(AM_METHOD_GET), "GET");
    assert_string_equal(am_method_name(AM_METHOD_POST), "POST");
    assert_string_equal(am_method_name(AM_METHOD_PUT), "PUT");
    assert_string_equal(am_method_name(AM_METHOD_DELETE), "DELETE");
    assert_string_equal(am_method_name(AM_METHOD_PATCH), "PATCH");
    assert_string_equal(am_method_name(AM_METHOD_HEAD), "HEAD");
    assert_string_equal(am_method_name(AM_METHOD_OPTIONS), "OPTIONS");
    assert_string_equal(am_method_name(AM_METHOD_OTHER), "OTHER");
    assert_string_equal(am_method_name(_AM_METHOD_MAX), "OTHER");
    assert_string_equal(am_method_name((enum am_method)1000), "OTHER");
}

static void test_http_header_lookup_is_case_insensitive(void **state)
{
    struct am_request req;

    (void)state;
    memset(&req, 0, sizeof(req));
    assert_null(am_request_header(&req, "User-Agent"));
    assert_int_equal(am_request_add_header(&req, "User-Agent", "curl/8"), 0);
    assert_int_equal(am_request_add_header(&req, "access_token", "tok-1"), 0);
    assert_int_equal(am_request_add_header(&req, "ACCESS_TOKEN", "tok-2"), 0);
    assert_int_equal(req.n_headers, 3);
    assert_string_equal(am_request_header(&req, "user-agent"), "curl/8");
    assert_string_equal(am_request_header(&req, "USER-AGENT"), "curl/8");
    assert_string_equal(am_request_header(&req, "uSeR-aGeNt"), "curl/8");
    /* Duplicates: the first value wins. */
    assert_string_equal(am_request_header(&req, "Access_Token"), "tok-1");
    assert_null(am_request_header(&req, "User-Agen"));
    assert_null(am_request_header(&req, "User-Agent2"));
    assert_null(am_request_header(&req, ""));
}

static void test_http_add_header_capacity(void **state)
{
    static char names[AM_REQUEST_MAX_HEADERS + 1][16];
    struct am_request req;

    (void)state;
    memset(&req, 0, sizeof(req));
    for (int i = 0; i < AM_REQUEST_MAX_HEADERS; i++) {
        snprintf(names[i], sizeof(names[i]), "X-H%d", i);
        assert_int_equal(am_request_add_header(&req, names[i], "v"), 0);
    }
    assert_int_equal(req.n_headers, AM_REQUEST_MAX_HEADERS);
    assert_int_equal(am_request_add_header(&req, "X-Over", "v"), -ENOSPC);
    assert_int_equal(req.n_headers, AM_REQUEST_MAX_HEADERS);
    assert_null(am_request_header(&req, "X-Over"));
    assert_string_equal(am_request_header(&req, "x-h63"), "v");
}

static void test_http_response_init_defaults(void **state)
{
    struct am_response resp;

    (void)state;
    memset(&resp, 0x5a, sizeof(resp));
    am_response_init(&resp);
    assert_int_equal(resp.status, 200);
    assert_null(resp.body);
    assert_int_equal(resp.body_len, 0);
    assert_null(resp.content_type);
    assert_int_equal(resp.n_headers, 0);
    assert_string_equal(resp.outcome.account_id, "");
    assert_null(resp.outcome.auth_result);
    assert_int_equal(resp.outcome.route, 0);
    assert_null(resp.outcome.redacted_key);
}

static void test_http_response_error_body_is_exact(void **state)
{
    struct am_response resp;
    const char *want = "{\"errors\":[{\"code\":\"invalid_object\","
                       "\"description\":\"O CPF/CNPJ informado é inválido.\"}]}";

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_response_error(&resp, 400, "invalid_object",
                                       "O CPF/CNPJ informado é inválido."),
                     0);
    assert_int_equal(resp.status, 400);
    assert_string_equal(resp.content_type, "application/json");
    assert_string_equal(resp.body, want);
    assert_int_equal(resp.body_len, strlen(want));

    /* A second body replaces the first (no leak: checked by ASan). Quotes are escaped. */
    assert_int_equal(am_response_error(&resp, 404, "not_found", "say \"hi\"\n"), 0);
    assert_int_equal(resp.status, 404);
    assert_string_equal(resp.body,
                        "{\"errors\":[{\"code\":\"not_found\",\"description\":\"say \\\"hi\\\"\\n\"}]}");
    am_response_finish(&resp);
}

static void test_http_response_json_takes_ownership(void **state)
{
    struct am_response resp;
    cJSON *o = cJSON_CreateObject();

    (void)state;
    am_response_init(&resp);
    cJSON_AddStringToObject(o, "b", "1");
    cJSON_AddNumberToObject(o, "a", 2);
    assert_int_equal(am_response_json(&resp, 201, o), 0);
    assert_int_equal(resp.status, 201);
    assert_string_equal(resp.body, "{\"b\":\"1\",\"a\":2}");
    assert_int_equal(resp.body_len, 15);
    assert_int_equal(am_response_json(&resp, 200, NULL), -ENOMEM);
    am_response_finish(&resp);
}

static void test_http_response_text_copies_with_length(void **state)
{
    struct am_response resp;
    char src[] = "abc\0def";

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_response_text(&resp, 200, "text/plain", src, 7), 0);
    src[0] = 'X';
    assert_int_equal(resp.body_len, 7);
    assert_memory_equal(resp.body, "abc\0def", 7);
    assert_int_equal(resp.body[7], '\0');
    assert_string_equal(resp.content_type, "text/plain");
    assert_int_equal(am_response_text(&resp, 204, "text/plain", "", 0), 0);
    assert_int_equal(resp.body_len, 0);
    assert_string_equal(resp.body, "");
    am_response_finish(&resp);
}

static void test_http_set_header_adds_and_replaces(void **state)
{
    struct am_response resp;
    char value[] = "GET, POST";

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_response_set_header(&resp, "Allow", value), 0);
    value[0] = 'X'; /* the header holds a copy */
    assert_int_equal(am_response_set_header(&resp, "X-Request-Id", "abc"), 0);
    assert_int_equal(resp.n_headers, 2);
    assert_string_equal(resp.headers[0].name, "Allow");
    assert_string_equal(resp.headers[0].value, "GET, POST");
    /* Same name in another case replaces the value in place, keeping the first name. */
    assert_int_equal(am_response_set_header(&resp, "allow", "DELETE"), 0);
    assert_int_equal(resp.n_headers, 2);
    assert_string_equal(resp.headers[0].name, "Allow");
    assert_string_equal(resp.headers[0].value, "DELETE");
    assert_string_equal(resp.headers[1].value, "abc");
    am_response_finish(&resp);
}

static void test_http_set_header_capacity(void **state)
{
    static const char *const names[AM_RESPONSE_MAX_HEADERS] = {
        "H0", "H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "H10", "H11"};
    struct am_response resp;

    (void)state;
    am_response_init(&resp);
    for (int i = 0; i < AM_RESPONSE_MAX_HEADERS; i++)
        assert_int_equal(am_response_set_header(&resp, names[i], "v"), 0);
    assert_int_equal(am_response_set_header(&resp, "H12", "v"), -ENOSPC);
    assert_int_equal(resp.n_headers, AM_RESPONSE_MAX_HEADERS);
    /* Replacing still works when full. */
    assert_int_equal(am_response_set_header(&resp, "h11", "new"), 0);
    assert_string_equal(resp.headers[11].value, "new");
    am_response_finish(&resp);
}

static void test_http_response_empty_drops_body(void **state)
{
    struct am_response resp;

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_response_error(&resp, 400, "x", "y"), 0);
    assert_int_equal(am_response_set_header(&resp, "Allow", "GET"), 0);
    am_response_empty(&resp, 401);
    assert_int_equal(resp.status, 401);
    assert_null(resp.body);
    assert_int_equal(resp.body_len, 0);
    assert_null(resp.content_type);
    /* Headers are not the body: they stay. */
    assert_int_equal(resp.n_headers, 1);
    am_response_finish(&resp);
}

static void test_http_finish_frees_and_reinitialises(void **state)
{
    struct am_response resp;

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_response_error(&resp, 500, "internal_error", "x"), 0);
    assert_int_equal(am_response_set_header(&resp, "Allow", "GET"), 0);
    assert_int_equal(am_response_set_header(&resp, "X-Request-Id", "r"), 0);
    resp.outcome.redacted_key = strdup("$aact_hmlg_...abcd");
    snprintf(resp.outcome.account_id, sizeof(resp.outcome.account_id), "%s", "default");
    resp.outcome.auth_result = "ok";
    resp.outcome.route = 3;
    am_response_finish(&resp);
    assert_int_equal(resp.status, 200);
    assert_null(resp.body);
    assert_int_equal(resp.body_len, 0);
    assert_null(resp.content_type);
    assert_int_equal(resp.n_headers, 0);
    assert_null(resp.outcome.redacted_key);
    assert_string_equal(resp.outcome.account_id, "");
    assert_null(resp.outcome.auth_result);
    assert_int_equal(resp.outcome.route, 0);
    /* Finishing twice is harmless. */
    am_response_finish(&resp);
    assert_int_equal(resp.status, 200);
}

/* The encoding check: a query without '%' is judged on its raw bytes, one with '%' on
 * its decoded keys and values; either way the same answers as decoding every time. */
static void test_http_encoding_error_query(void **state)
{
    static const struct {
        const char *query;
        bool bad;
    } cases[] = {
        {NULL, false},
        {"", false},
        {"limit=10&offset=0", false},
        {"name=Jo%C3%A3o+Silva", false},
        {"name=Jo\xc3\xa3o", false},
        {"name=\xc3", true},
        {"name=%C3", true},
        {"%FF=1", true},
        {"a=%00&b=%zz", false},
        {"a=1&&b=+", false},
        {"x=\xed\xa0\x80", true}, /* a surrogate */
    };
    struct am_request req;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err;

        memset(&req, 0, sizeof(req));
        req.path = "/v3/customers";
        req.query = cases[i].query;
        req.client_ip = "";
        err = am_request_encoding_error(&req);
        if (cases[i].bad)
            assert_string_equal(err, "Um parâmetro da query string não é UTF-8 válido");
        else
            assert_null(err);
    }
}

/* Names that share a first letter (in either case) and names that do not. */
static void test_http_header_lookup_first_letter(void **state)
{
    struct am_request req;

    (void)state;
    memset(&req, 0, sizeof(req));
    assert_int_equal(am_request_add_header(&req, "Accept", "a"), 0);
    assert_int_equal(am_request_add_header(&req, "accept-encoding", "b"), 0);
    assert_int_equal(am_request_add_header(&req, "ACCESS_TOKEN", "c"), 0);
    assert_int_equal(am_request_add_header(&req, "-x", "d"), 0);
    assert_int_equal(am_request_add_header(&req, "\r", "e"), 0);
    assert_string_equal(am_request_header(&req, "access_token"), "c");
    assert_string_equal(am_request_header(&req, "Accept-Encoding"), "b");
    assert_string_equal(am_request_header(&req, "aCCEPT"), "a");
    assert_string_equal(am_request_header(&req, "-X"), "d");
    assert_null(am_request_header(&req, "\rx")); /* "\\r" | 0x20 is "-": strcasecmp decides */
    assert_string_equal(am_request_header(&req, "\r"), "e");
    assert_null(am_request_header(&req, "Mccess_token"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_encoding_error_query),
        cmocka_unit_test(test_http_header_lookup_first_letter),
        cmocka_unit_test(test_http_method_names),
        cmocka_unit_test(test_http_header_lookup_is_case_insensitive),
        cmocka_unit_test(test_http_add_header_capacity),
        cmocka_unit_test(test_http_response_init_defaults),
        cmocka_unit_test(test_http_response_error_body_is_exact),
        cmocka_unit_test(test_http_response_json_takes_ownership),
        cmocka_unit_test(test_http_response_text_copies_with_length),
        cmocka_unit_test(test_http_set_header_adds_and_replaces),
        cmocka_unit_test(test_http_set_header_capacity),
        cmocka_unit_test(test_http_response_empty_drops_body),
        cmocka_unit_test(test_http_finish_frees_and_reinitialises),
    };
    return cmocka_run_group_tests_name("http_types", tests, NULL, NULL);
}

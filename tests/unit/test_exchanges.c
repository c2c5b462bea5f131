/* test_exchanges.c - recorded exchanges: matchers, sequences, templates, loading. */
#include "test_helpers.h"

#include <errno.h>
#include <strings.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "exchanges.h"
#include "http_types.h"
#include "ids.h"

/* 2024-06-15 02:30:00 UTC = 2024-06-14 23:30:00 in Brasilia: "today" is the 14th. */
#define NOW 1718418600

struct fx {
    struct am_exchange_set *set;
    struct am_request req;
    struct am_response resp;
    struct am_ids ids;
    uint32_t delay;
};

static struct am_exchange_set *load(const char *json)
{
    struct am_exchange_set *set = am_exchanges_new();
    char err[512] = "";
    int r;

    assert_non_null(set);
    r = am_exchanges_load_text(set, json, strlen(json), "t.json", err, sizeof(err));
    if (r != 0)
        fail_msg("load failed: %s", err);
    return set;
}

static void req_init(struct am_request *req, enum am_method m, const char *path, const char *query,
                     const char *body)
{
    memset(req, 0, sizeof(*req));
    req->method = m;
    req->path = path;
    req->query = query;
    req->body = body;
    req->body_len = body ? strlen(body) : 0;
    req->client_ip = "127.0.0.1";
}

/* Runs one match; returns its result and leaves the response in f->resp. */
static int run(struct fx *f, const char *account)
{
    am_response_finish(&f->resp);
    f->delay = 12345;
    return am_exchanges_match(f->set, &f->req, account, NOW, &f->ids, &f->resp, &f->delay);
}

static void fx_init(struct fx *f, const char *json)
{
    memset(f, 0, sizeof(*f));
    f->set = load(json);
    am_response_init(&f->resp);
    am_ids_init(&f->ids, 42);
}

static void fx_done(struct fx *f)
{
    am_response_finish(&f->resp);
    am_exchanges_free(f->set);
}

static const char *header_of(const struct am_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

static int load_error(const char *json, char *err, size_t err_len)
{
    struct am_exchange_set *set = am_exchanges_new();
    int r;

    assert_non_null(set);
    err[0] = '\0';
    r = am_exchanges_load_text(set, json, strlen(json), "dir/t.json", err, err_len);
    assert_int_equal(am_exchanges_count(set), 0);
    am_exchanges_free(set);
    return r;
}

#define ONE(req_json, resp_json) "[{\"request\":" req_json ",\"response\":" resp_json "}]"

/* ---- matchers ---------------------------------------------------------------------- */

static void test_exchanges_match_method_and_exact_path(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/pix/addressKeys\"}",
                    "{\"status\":200,\"body\":{\"object\":\"list\"}}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys", NULL, NULL);
    assert_int_equal(run(&f, "default"), 1);
    assert_int_equal(f.resp.status, 200);
    assert_string_equal(f.resp.body, "{\"object\":\"list\"}");
    assert_int_equal(f.resp.body_len, strlen("{\"object\":\"list\"}"));
    assert_string_equal(f.resp.content_type, "application/json");
    assert_int_equal(f.delay, 0);
    assert_string_equal(am_exchanges_last_id(f.set), "t.json#0");

    req_init(&f.req, AM_METHOD_POST, "/v3/pix/addressKeys", NULL, NULL);
    assert_int_equal(run(&f, "default"), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys/x", NULL, NULL);
    assert_int_equal(run(&f, "default"), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys/", NULL, NULL);
    assert_int_equal(run(&f, "default"), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addresskeys", NULL, NULL);
    assert_int_equal(run(&f, "default"), 0);
    fx_done(&f);
}

static void test_exchanges_no_match_leaves_response_untouched(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}", "{\"status\":201}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/b", NULL, NULL);
    am_response_finish(&f.resp);
    f.resp.status = 299;
    f.delay = 7;
    assert_int_equal(am_exchanges_match(f.set, &f.req, "default", NOW, &f.ids, &f.resp,
                                        &f.delay), 0);
    assert_int_equal(f.resp.status, 299);
    assert_null(f.resp.body);
    assert_int_equal(f.resp.n_headers, 0);
    assert_int_equal(f.delay, 7);
    assert_null(am_exchanges_last_id(f.set));
    /* An empty set or no set never matches. */
    assert_int_equal(am_exchanges_match(NULL, &f.req, "default", NOW, &f.ids, &f.resp, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_placeholder_captures_one_segment(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/transfers/{id}/items/{n}\"}",
                    "{\"body\":{\"id\":\"{{path.id}}\",\"n\":\"{{path.n}}\",\"both\":"
                    "\"{{path.id}}-{{path.n}}\"}}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/transfers/abc-123/items/7", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "{\"id\":\"abc-123\",\"n\":\"7\",\"both\":\"abc-123-7\"}");
    /* One segment only, never empty. */
    req_init(&f.req, AM_METHOD_GET, "/v3/transfers/a/b/items/7", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/transfers//items/7", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/transfers/x/other/7", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_api_v3_prefix_is_the_same_as_v3(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, "[{\"request\":{\"method\":\"GET\",\"path\":\"/api/v3/a/{x}\"},"
                "\"response\":{\"body\":\"{{path.x}}\"}},"
                "{\"request\":{\"method\":\"GET\",\"path\":\"/v3/b\"},"
                "\"response\":{\"status\":204}}]");
    req_init(&f.req, AM_METHOD_GET, "/v3/a/1", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "\"1\"");
    req_init(&f.req, AM_METHOD_GET, "/api/v3/a/2", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "\"2\"");
    req_init(&f.req, AM_METHOD_GET, "/api/v3/b", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 204);
    assert_null(f.resp.body);
    assert_null(f.resp.content_type);
    req_init(&f.req, AM_METHOD_GET, "/api/v3x/b", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_query_is_a_subset_with_exact_decoded_values(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/pix/addressKeys\",\"query\":"
                    "{\"status\":\"ACTIVE\",\"dateCreated[ge]\":\"2024-01-01\"}}",
                    "{\"status\":200}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys",
             "limit=5&dateCreated%5Bge%5D=2024-01-01&status=ACTIVE", NULL);
    assert_int_equal(run(&f, NULL), 1);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys", "status=ACTIVE", NULL);
    assert_int_equal(run(&f, NULL), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys",
             "status=active&dateCreated[ge]=2024-01-01", NULL);
    assert_int_equal(run(&f, NULL), 0);
    req_init(&f.req, AM_METHOD_GET, "/v3/pix/addressKeys", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_header_names_are_case_insensitive_values_exact(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/a\",\"headers\":{\"X-Tenant\":\"acme\"}}",
                    "{\"status\":200}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/a", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    am_request_add_header(&f.req, "x-tenant", "acme");
    assert_int_equal(run(&f, NULL), 1);
    req_init(&f.req, AM_METHOD_GET, "/v3/a", NULL, NULL);
    am_request_add_header(&f.req, "X-TENANT", "Acme");
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_body_is_a_nested_subset_arrays_exact(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"POST\",\"path\":\"/v3/transfers\",\"body\":"
                    "{\"operationType\":\"PIX\",\"value\":10,"
                    "\"bankAccount\":{\"bank\":{\"code\":\"001\"}},\"tags\":[1,{\"a\":true}]}}",
                    "{\"status\":200}"));
    req_init(&f.req, AM_METHOD_POST, "/v3/transfers", NULL, NULL);
    f.req.body = "{\"value\":10.0,\"operationType\":\"PIX\",\"extra\":null,"
                 "\"bankAccount\":{\"agency\":\"1\",\"bank\":{\"code\":\"001\",\"ispb\":\"0\"}},"
                 "\"tags\":[1,{\"a\":true}]}";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 1);

    /* Nested value differs. */
    f.req.body = "{\"value\":10,\"operationType\":\"PIX\","
                 "\"bankAccount\":{\"bank\":{\"code\":\"341\"}},\"tags\":[1,{\"a\":true}]}";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    /* Arrays compare exactly: an extra element, or an extra key inside one, fails. */
    f.req.body = "{\"value\":10,\"operationType\":\"PIX\","
                 "\"bankAccount\":{\"bank\":{\"code\":\"001\"}},\"tags\":[1,{\"a\":true},2]}";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    f.req.body = "{\"value\":10,\"operationType\":\"PIX\","
                 "\"bankAccount\":{\"bank\":{\"code\":\"001\"}},\"tags\":[1,{\"a\":true,\"b\":1}]}";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    /* Type matters: "10" is not 10. */
    f.req.body = "{\"value\":\"10\",\"operationType\":\"PIX\","
                 "\"bankAccount\":{\"bank\":{\"code\":\"001\"}},\"tags\":[1,{\"a\":true}]}";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    /* Invalid JSON and trailing bytes never match. */
    f.req.body = "{\"value\":10,";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    f.req.body = "{\"value\":10,\"operationType\":\"PIX\","
                 "\"bankAccount\":{\"bank\":{\"code\":\"001\"}},\"tags\":[1,{\"a\":true}]} x";
    f.req.body_len = strlen(f.req.body);
    assert_int_equal(run(&f, NULL), 0);
    f.req.body = NULL;
    f.req.body_len = 0;
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

static void test_exchanges_account_restricts_to_that_account(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, "[{\"account\":\"acme\",\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                "\"response\":{\"status\":201}},"
                "{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},\"response\":{\"status\":202}}]");
    req_init(&f.req, AM_METHOD_GET, "/v3/a", NULL, NULL);
    assert_int_equal(run(&f, "acme"), 1);
    assert_int_equal(f.resp.status, 201);
    assert_int_equal(run(&f, "other"), 1);
    assert_int_equal(f.resp.status, 202);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 202);
    fx_done(&f);
}

static void test_exchanges_first_in_load_order_wins(void **state)
{
    struct fx f;
    char err[256];

    (void)state;
    fx_init(&f, "[{\"id\":\"specific\",\"request\":{\"method\":\"POST\",\"path\":\"/v3/t\","
                "\"body\":{\"value\":0}},\"response\":{\"status\":400}},"
                "{\"id\":\"general\",\"request\":{\"method\":\"POST\",\"path\":\"/v3/t\"},"
                "\"response\":{\"status\":200}}]");
    /* A later text appends after: its catch-all never shadows the earlier ones. */
    assert_int_equal(am_exchanges_load_text(f.set, "[{\"id\":\"late\",\"request\":{\"method\":"
                                                   "\"POST\",\"path\":\"/v3/{any}\"},"
                                                   "\"response\":{\"status\":500}}]",
                                            strlen("[{\"id\":\"late\",\"request\":{\"method\":"
                                                   "\"POST\",\"path\":\"/v3/{any}\"},"
                                                   "\"response\":{\"status\":500}}]"),
                                            "u.json", err, sizeof(err)),
                     0);
    req_init(&f.req, AM_METHOD_POST, "/v3/t", NULL, "{\"value\":0}");
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 400);
    assert_string_equal(am_exchanges_last_id(f.set), "specific");
    req_init(&f.req, AM_METHOD_POST, "/v3/t", NULL, "{\"value\":5}");
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 200);
    assert_string_equal(am_exchanges_last_id(f.set), "general");
    req_init(&f.req, AM_METHOD_POST, "/v3/u", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 500);
    assert_string_equal(am_exchanges_last_id(f.set), "late");
    fx_done(&f);
}

/* ---- sequences and delays ------------------------------------------------------------ */

static void test_exchanges_sequence_answers_a_b_then_c_for_ever(void **state)
{
    static const char *const want[] = {"\"A\"", "\"B\"", "\"C\"", "\"C\"", "\"C\""};
    static const int want_status[] = {201, 202, 203, 203, 203};
    struct fx f;
    cJSON *list;
    char *text;

    (void)state;
    fx_init(&f, "[{\"id\":\"seq\",\"request\":{\"method\":\"POST\",\"path\":\"/v3/transfers\"},"
                "\"responses\":[{\"status\":201,\"body\":\"A\"},{\"status\":202,\"body\":\"B\"},"
                "{\"status\":203,\"body\":\"C\"}]}]");
    req_init(&f.req, AM_METHOD_POST, "/v3/transfers", NULL, NULL);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(run(&f, NULL), 1);
        assert_int_equal(f.resp.status, want_status[i]);
        assert_string_equal(f.resp.body, want[i]);
    }
    list = am_exchanges_list_json(f.set);
    text = cJSON_PrintUnformatted(list);
    assert_string_equal(text, "{\"exchanges\":[{\"id\":\"seq\",\"file\":\"t.json\",\"account\":null,"
                              "\"request\":{\"method\":\"POST\",\"path\":\"/v3/transfers\"},"
                              "\"responses\":3,\"delayMs\":0,\"calls\":5}]}");
    free(text);
    cJSON_Delete(list);
    am_exchanges_reset_calls(f.set);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "\"A\"");
    fx_done(&f);
}

static void test_exchanges_delay_per_exchange_and_per_response(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, "[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},\"delayMs\":250,"
                "\"responses\":[{\"status\":200},{\"status\":200,\"delayMs\":0},"
                "{\"status\":200,\"delayMs\":600000}]}]");
    req_init(&f.req, AM_METHOD_GET, "/v3/a", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.delay, 250);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.delay, 0);
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.delay, 600000);
    fx_done(&f);
}

/* ---- templates --------------------------------------------------------------------- */

static void test_exchanges_template_request_values(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"POST\",\"path\":\"/v3/p/{id}\"}",
                    "{\"status\":201,\"headers\":{\"X-Echo\":\"{{header.x-tenant}}|{{query.q}}|"
                    "{{query.none}}|{{header.Missing}}\"},"
                    "\"body\":{\"id\":\"{{path.id}}\",\"q\":\"{{query.q}}\","
                    "\"key\":\"[{{header.access_token}}]\",\"ua\":\"{{ header.User-Agent }}\"}}"));
    req_init(&f.req, AM_METHOD_POST, "/v3/p/pay_1", "q=a%20b&x=1", NULL);
    am_request_add_header(&f.req, "X-Tenant", "acme");
    am_request_add_header(&f.req, "User-Agent", "app/1.0");
    am_request_add_header(&f.req, "access_token", "$aact_hmlg_secretsecretsecret1234");
    assert_int_equal(run(&f, NULL), 1);
    assert_int_equal(f.resp.status, 201);
    assert_string_equal(f.resp.body,
                        "{\"id\":\"pay_1\",\"q\":\"a b\",\"key\":\"[]\",\"ua\":\"app/1.0\"}");
    assert_int_equal(f.resp.n_headers, 1);
    assert_string_equal(f.resp.headers[0].name, "X-Echo");
    assert_string_equal(f.resp.headers[0].value, "acme|a b||");
    fx_done(&f);
}

static void test_exchanges_template_body_values_keep_their_json_type(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"POST\",\"path\":\"/v3/t\"}",
                    "{\"body\":{\"value\":\"{{body.value}}\",\"text\":\"R$ {{body.value}}\","
                    "\"desc\":\"{{body.description}}\",\"bank\":\"{{body.bank}}\","
                    "\"bankText\":\"b={{body.bank}}\",\"code\":\"{{body.bank.code}}\","
                    "\"second\":\"{{body.items.1.id}}\",\"missing\":\"{{body.nope.x}}\","
                    "\"missingText\":\"<{{body.nope}}>\",\"flag\":\"{{body.flag}}\","
                    "\"all\":[\"{{body}}\"]}}"));
    req_init(&f.req, AM_METHOD_POST, "/v3/t", NULL,
             "{\"value\":150.5,\"description\":\"aluguel\",\"bank\":{\"code\":\"001\"},"
             "\"items\":[{\"id\":\"a\"},{\"id\":7}],\"flag\":false}");
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(
        f.resp.body,
        "{\"value\":150.5,\"text\":\"R$ 150.5\",\"desc\":\"aluguel\",\"bank\":{\"code\":\"001\"},"
        "\"bankText\":\"b={\\\"code\\\":\\\"001\\\"}\",\"code\":\"001\",\"second\":7,"
        "\"missing\":null,\"missingText\":\"<>\",\"flag\":false,"
        "\"all\":[{\"value\":150.5,\"description\":\"aluguel\",\"bank\":{\"code\":\"001\"},"
        "\"items\":[{\"id\":\"a\"},{\"id\":7}],\"flag\":false}]}");
    fx_done(&f);
}

static void test_exchanges_template_whole_body_string_is_the_value(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"POST\",\"path\":\"/v3/t\"}", "{\"body\":\"{{body.value}}\"}"));
    req_init(&f.req, AM_METHOD_POST, "/v3/t", NULL, "{\"value\":42}");
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "42");
    req_init(&f.req, AM_METHOD_POST, "/v3/t", NULL, "not json");
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "null");
    fx_done(&f);
}

static void test_exchanges_template_ids_come_from_the_seeded_generator(void **state)
{
    struct fx f;
    struct am_ids twin;
    char pay[32], uuid[37], cus[17], bare[8], want[256];

    (void)state;
    fx_init(&f, ONE("{\"method\":\"POST\",\"path\":\"/v3/payments\"}",
                    "{\"headers\":{\"X-Request\":\"{{uuid}}\"},"
                    "\"body\":{\"id\":\"{{id \\\"pay_\\\" 16}}\",\"customer\":\"{{customerId}}\","
                    "\"code\":\"{{id \\\"\\\" 5}}\"}}"));
    am_ids_init(&twin, 42);
    /* Document order: body first, then headers. */
    am_ids_alnum(&twin, "pay_", 16, pay);
    am_ids_customer(&twin, cus);
    am_ids_alnum(&twin, "", 5, bare);
    am_ids_uuid(&twin, uuid);
    snprintf(want, sizeof(want), "{\"id\":\"%s\",\"customer\":\"%s\",\"code\":\"%s\"}", pay, cus,
             bare);
    req_init(&f.req, AM_METHOD_POST, "/v3/payments", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, want);
    assert_string_equal(header_of(&f.resp, "X-Request"), uuid);
    assert_int_equal(strlen(pay), 20);
    assert_memory_equal(pay, "pay_", 4);
    /* The next call draws fresh ids. */
    am_ids_alnum(&twin, "pay_", 16, pay);
    assert_int_equal(run(&f, NULL), 1);
    assert_non_null(strstr(f.resp.body, pay));
    fx_done(&f);
}

static void test_exchanges_template_dates_follow_the_account_clock(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/d\"}",
                    "{\"headers\":{\"X-Now\":\"{{now}}\"},"
                    "\"body\":[\"{{today}}\",\"{{today+1}}\",\"{{today-30}}\",\"{{ today + 365 }}\","
                    "\"{{now}}\",\"{{today+0}}\"]}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/d", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body, "[\"2024-06-14\",\"2024-06-15\",\"2024-05-15\","
                                     "\"2025-06-14\",\"2024-06-14 23:30:00\",\"2024-06-14\"]");
    assert_string_equal(header_of(&f.resp, "X-Now"), "2024-06-14 23:30:00");
    fx_done(&f);
}

/* {{lbrace}} is how recorded text containing "{{" survives: it renders the two braces
 * literally, in body strings (also as a whole string) and header values. */
static void test_exchanges_template_lbrace_renders_two_literal_braces(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/b\"}",
                    "{\"headers\":{\"X-T\":\"{{lbrace}}x}}\"},"
                    "\"body\":{\"a\":\"{{lbrace}}uuid}}\",\"b\":\"{{lbrace}}\","
                    "\"c\":\"x{{lbrace}}{{lbrace}}{y}\",\"d\":\"{{ lbrace }}{\"}}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/b", NULL, NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.body,
                        "{\"a\":\"{{uuid}}\",\"b\":\"{{\",\"c\":\"x{{{{{y}\",\"d\":\"{{{\"}");
    assert_string_equal(header_of(&f.resp, "X-T"), "{{x}}");
    fx_done(&f);
}

static void test_exchanges_response_headers_content_type_and_scrubbing(void **state)
{
    struct fx f;

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/csv\"}",
                    "{\"status\":200,\"headers\":{\"Content-Type\":\"text/csv\","
                    "\"X-Echo\":\"{{query.v}}\",\"Retry-After\":\"5\"},\"body\":\"a,b\"}"));
    req_init(&f.req, AM_METHOD_GET, "/v3/csv", "v=a%0D%0ASet-Cookie:%20x", NULL);
    assert_int_equal(run(&f, NULL), 1);
    assert_string_equal(f.resp.content_type, "text/csv");
    assert_string_equal(f.resp.body, "\"a,b\"");
    assert_int_equal(f.resp.n_headers, 2);
    /* Request bytes never smuggle a header line. */
    assert_string_equal(header_of(&f.resp, "X-Echo"), "a  Set-Cookie: x");
    assert_string_equal(header_of(&f.resp, "Retry-After"), "5");
    fx_done(&f);
}

/* ---- load errors ------------------------------------------------------------------- */

static void test_exchanges_load_reports_syntax_position(void **state)
{
    char err[256];

    (void)state;
    /* Points at the unquoted GET. */
    assert_int_equal(load_error("[\n  {\"request\": {\n    \"method\": GET,\n", err,
                                sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json:3:15: invalid JSON");
    assert_int_equal(load_error("[]\n  x", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "dir/t.json:2:3: invalid JSON");
    assert_int_equal(load_error("{\"rules\":[]}", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "dir/t.json: expected an array of exchanges or {\"exchanges\":[...]}");
}

static void test_exchanges_load_rejects_unknown_fields(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(load_error("{\"exchanges\":[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"response\":{}},{\"request\":{\"methd\":\"GET\"},"
                                "\"response\":{}}]}",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[1].request.methd: unknown field");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}", "{\"stauts\":200}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.stauts: unknown field");
}

static void test_exchanges_load_refuses_access_token_matcher(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\",\"headers\":"
                                    "{\"Access_Token\":\"$aact_x\"}}",
                                    "{}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].request.headers.Access_Token: not allowed "
                             "(authentication runs before exchanges; match \"account\" instead)");
}

static void test_exchanges_load_rejects_unknown_templates(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}",
                                    "{\"body\":{\"data\":[{\"id\":\"x-{{ randomId }}\"}]}}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.body.data[0].id: unknown template "
                             "'{{randomId}}'");
    assert_int_equal(load_error("[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"responses\":[{},{\"headers\":{\"X-A\":\"{{today+x}}\"}}]}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].responses[1].headers.X-A: unknown template "
                             "'{{today+x}}'");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a/{id}\"}",
                                    "{\"body\":\"{{path.other}}\"}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.body: template '{{path.other}}': "
                             "the path has no {other}");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}",
                                    "{\"body\":\"{{uuid\"}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.body: unterminated template "
                             "(\"{{\" without \"}}\")");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}",
                                    "{\"body\":\"{{id \\\"pay_\\\" 65}}\"}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.body: unknown template "
                             "'{{id \"pay_\" 65}}'");
}

static void test_exchanges_load_rejects_bad_status_and_shapes(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(load_error("[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"responses\":[{\"status\":200},{\"status\":600}]}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].responses[1].status: must be an integer "
                             "100..599");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}", "{\"status\":\"200\"}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.status: must be an integer "
                             "100..599");
    assert_int_equal(load_error("[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"response\":{},\"responses\":[{}]}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0]: give \"response\" or \"responses\", not both");
    assert_int_equal(load_error("[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"}}]", err,
                                sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0]: \"response\" or \"responses\" is required");
    assert_int_equal(load_error("[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"responses\":[]}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].responses: must be an array of 1..64 "
                             "responses");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/customers\"}", "{}"), err,
                                sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].request.path: must start with /v3/ or "
                             "/api/v3/");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a/x{id}\"}", "{}"), err,
                                sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].request.path: a placeholder must be a "
                             "whole segment \"{name}\"");
    assert_int_equal(load_error(ONE("{\"method\":\"FETCH\",\"path\":\"/v3/a\"}", "{}"), err,
                                sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].request.method: must be GET, POST, PUT, "
                             "DELETE, PATCH, HEAD or OPTIONS");
    assert_int_equal(load_error(ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}",
                                    "{\"headers\":{\"Content-Length\":\"3\"}}"),
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].response.headers.Content-Length: set by the "
                             "server, not allowed here");
    assert_int_equal(load_error("[{\"delayMs\":600001,\"request\":{\"method\":\"GET\",\"path\":"
                                "\"/v3/a\"},\"response\":{}}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[0].delayMs: must be an integer 0..600000");
    assert_int_equal(load_error("[{\"id\":\"x\",\"request\":{\"method\":\"GET\",\"path\":\"/v3/a\"},"
                                "\"response\":{}},{\"id\":\"x\",\"request\":{\"method\":\"GET\","
                                "\"path\":\"/v3/b\"},\"response\":{}}]",
                                err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "dir/t.json: exchanges[1].id: duplicate id 'x'");
}

static void test_exchanges_failed_load_leaves_the_set_unchanged(void **state)
{
    struct fx f;
    char err[256];
    const char *bad = "[{\"id\":\"new\",\"request\":{\"method\":\"GET\",\"path\":\"/v3/b\"},"
                      "\"response\":{}},{\"request\":{}}]";

    (void)state;
    fx_init(&f, ONE("{\"method\":\"GET\",\"path\":\"/v3/a\"}", "{\"status\":201}"));
    assert_int_equal(am_exchanges_load_text(f.set, bad, strlen(bad), "bad.json", err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "bad.json: exchanges[1].request.method: required");
    assert_int_equal(am_exchanges_count(f.set), 1);
    req_init(&f.req, AM_METHOD_GET, "/v3/b", NULL, NULL);
    assert_int_equal(run(&f, NULL), 0);
    fx_done(&f);
}

/* ---- directories ------------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void remove_tree(const char *dir)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_exchanges_dir_loads_files_in_name_order(void **state)
{
    char dir[] = "/tmp/am_exchanges_XXXXXX";
    struct am_exchange_set *set = NULL;
    struct am_request req;
    struct am_response resp;
    struct am_ids ids;
    char err[512], sub[600];

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_file(dir, "b.json", "[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/x\"},"
                              "\"response\":{\"status\":202}}]");
    write_file(dir, "a.json", "{\"exchanges\":[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/x\"},"
                              "\"response\":{\"status\":201}}]}");
    write_file(dir, ".hidden.json", "broken");
    write_file(dir, "notes.txt", "broken");
    snprintf(sub, sizeof(sub), "%s/c.json", dir);
    assert_int_equal(mkdir(sub, 0700), 0);

    assert_int_equal(am_exchanges_load_dir(dir, &set, err, sizeof(err)), 0);
    assert_non_null(set);
    assert_int_equal(am_exchanges_count(set), 2);
    am_ids_init(&ids, 1);
    am_response_init(&resp);
    req_init(&req, AM_METHOD_GET, "/v3/x", NULL, NULL);
    assert_int_equal(am_exchanges_match(set, &req, NULL, NOW, &ids, &resp, NULL), 1);
    assert_int_equal(resp.status, 201);
    assert_string_equal(am_exchanges_last_id(set), "a.json#0");
    am_response_finish(&resp);
    am_exchanges_free(set);

    /* One file is also a valid source. */
    snprintf(sub, sizeof(sub), "%s/b.json", dir);
    assert_int_equal(am_exchanges_load_dir(sub, &set, err, sizeof(err)), 0);
    assert_int_equal(am_exchanges_count(set), 1);
    am_exchanges_free(set);
    remove_tree(dir);
}

static void test_exchanges_dir_is_all_or_nothing(void **state)
{
    char dir[] = "/tmp/am_exchanges_XXXXXX";
    struct am_exchange_set *set = (struct am_exchange_set *)&set; /* poison: must be reset */
    char err[512], want[600];

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_file(dir, "a.json", "[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/x\"},"
                              "\"response\":{\"status\":201}}]");
    write_file(dir, "b.json", "[\n{\"request\":{\"method\":\"GET\",\"path\":\"/v3/x\"},\n"
                              "\"response\":{\"status\":201}},\n]\n");
    assert_int_equal(am_exchanges_load_dir(dir, &set, err, sizeof(err)), -EINVAL);
    assert_null(set);
    snprintf(want, sizeof(want), "%s/b.json:4:1: invalid JSON", dir);
    assert_string_equal(err, want);

    write_file(dir, "b.json", "[{\"request\":{\"method\":\"GET\",\"path\":\"/v3/x\"},"
                              "\"response\":{\"body\":\"{{tomorrow}}\"}}]");
    set = (struct am_exchange_set *)&set;
    assert_int_equal(am_exchanges_load_dir(dir, &set, err, sizeof(err)), -EINVAL);
    assert_null(set);
    snprintf(want, sizeof(want),
             "%s/b.json: exchanges[0].response.body: unknown template '{{tomorrow}}'", dir);
    assert_string_equal(err, want);
    remove_tree(dir);

    assert_int_equal(am_exchanges_load_dir(dir, &set, err, sizeof(err)), -ENOENT);
    assert_null(set);
    snprintf(want, sizeof(want), "%s: No such file or directory", dir);
    assert_string_equal(err, want);
}

static void test_exchanges_example_fixture_loads_and_answers(void **state)
{
    struct am_exchange_set *set = NULL;
    struct am_request req;
    struct am_response resp;
    struct am_ids ids;
    uint32_t delay = 0;
    char err[512];
    cJSON *body;
    const char *tbody = "{\"value\":150.5,\"operationType\":\"PIX\",\"pixAddressKey\":"
                        "\"dev@example.com\",\"pixAddressKeyType\":\"EMAIL\"}";

    (void)state;
    if (am_exchanges_load_dir(am_test_source_path("fixtures/exchanges"), &set, err,
                              sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(am_exchanges_count(set), 4);
    am_ids_init(&ids, 7);
    am_response_init(&resp);

    req_init(&req, AM_METHOD_GET, "/v3/pix/addressKeys", NULL, NULL);
    assert_int_equal(am_exchanges_match(set, &req, "default", NOW, &ids, &resp, &delay), 1);
    body = cJSON_Parse(resp.body);
    assert_non_null(body);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(body, "data"), 0),
                                            "dateCreated")->valuestring,
                        "2024-05-15 09:15:00");
    cJSON_Delete(body);
    am_response_finish(&resp);

    req_init(&req, AM_METHOD_POST, "/api/v3/transfers", NULL, tbody);
    assert_int_equal(am_exchanges_match(set, &req, "default", NOW, &ids, &resp, &delay), 1);
    assert_int_equal(delay, 120);
    body = cJSON_Parse(resp.body);
    assert_string_equal(cJSON_GetObjectItem(body, "status")->valuestring, "PENDING");
    assert_true(cJSON_GetObjectItem(body, "value")->valuedouble == 150.5);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(body, "externalReference")));
    cJSON_Delete(body);
    am_response_finish(&resp);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(am_exchanges_match(set, &req, "default", NOW, &ids, &resp, &delay), 1);
        body = cJSON_Parse(resp.body);
        assert_string_equal(cJSON_GetObjectItem(body, "status")->valuestring, "DONE");
        assert_int_equal(strlen(cJSON_GetObjectItem(body, "endToEndIdentifier")->valuestring), 32);
        assert_string_equal(header_of(&resp, "X-Replayed-Exchange"), "transfer-pix");
        cJSON_Delete(body);
        am_response_finish(&resp);
    }

    req_init(&req, AM_METHOD_POST, "/v3/transfers", NULL, "{\"value\":0,\"operationType\":\"PIX\"}");
    assert_int_equal(am_exchanges_match(set, &req, "default", NOW, &ids, &resp, &delay), 1);
    assert_int_equal(resp.status, 400);
    assert_string_equal(am_exchanges_last_id(set), "transfer-zero-value");
    am_response_finish(&resp);

    req_init(&req, AM_METHOD_GET, "/v3/transfers/0e1f2a3b-aaaa-4bbb-8ccc-000000000001", NULL, NULL);
    assert_int_equal(am_exchanges_match(set, &req, "default", NOW, &ids, &resp, &delay), 1);
    assert_non_null(strstr(resp.body, "\"id\":\"0e1f2a3b-aaaa-4bbb-8ccc-000000000001\""));
    am_response_finish(&resp);
    am_exchanges_free(set);
}

static void test_exchanges_list_shows_matchers_without_secrets(void **state)
{
    struct am_exchange_set *set;
    cJSON *list;
    char *text;

    (void)state;
    set = load("[{\"id\":\"k\",\"account\":\"acme\",\"delayMs\":5,\"request\":{\"method\":\"PUT\","
               "\"path\":\"/api/v3/a/{id}\",\"query\":{\"x\":\"1\"},\"headers\":{\"X-T\":\"v\"},"
               "\"body\":{\"a\":[1]}},\"response\":{}}]");
    list = am_exchanges_list_json(set);
    text = cJSON_PrintUnformatted(list);
    assert_string_equal(text, "{\"exchanges\":[{\"id\":\"k\",\"file\":\"t.json\",\"account\":\"acme\","
                              "\"request\":{\"method\":\"PUT\",\"path\":\"/api/v3/a/{id}\","
                              "\"query\":{\"x\":\"1\"},\"headers\":{\"X-T\":\"v\"},"
                              "\"body\":{\"a\":[1]}},\"responses\":1,\"delayMs\":5,\"calls\":0}]}");
    free(text);
    cJSON_Delete(list);
    am_exchanges_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchanges_match_method_and_exact_path),
        cmocka_unit_test(test_exchanges_no_match_leaves_response_untouched),
        cmocka_unit_test(test_exchanges_placeholder_captures_one_segment),
        cmocka_unit_test(test_exchanges_api_v3_prefix_is_the_same_as_v3),
        cmocka_unit_test(test_exchanges_query_is_a_subset_with_exact_decoded_values),
        cmocka_unit_test(test_exchanges_header_names_are_case_insensitive_values_exact),
        cmocka_unit_test(test_exchanges_body_is_a_nested_subset_arrays_exact),
        cmocka_unit_test(test_exchanges_account_restricts_to_that_account),
        cmocka_unit_test(test_exchanges_first_in_load_order_wins),
        cmocka_unit_test(test_exchanges_sequence_answers_a_b_then_c_for_ever),
        cmocka_unit_test(test_exchanges_delay_per_exchange_and_per_response),
        cmocka_unit_test(test_exchanges_template_request_values),
        cmocka_unit_test(test_exchanges_template_body_values_keep_their_json_type),
        cmocka_unit_test(test_exchanges_template_whole_body_string_is_the_value),
        cmocka_unit_test(test_exchanges_template_ids_come_from_the_seeded_generator),
        cmocka_unit_test(test_exchanges_template_dates_follow_the_account_clock),
        cmocka_unit_test(test_exchanges_template_lbrace_renders_two_literal_braces),
        cmocka_unit_test(test_exchanges_response_headers_content_type_and_scrubbing),
        cmocka_unit_test(test_exchanges_load_reports_syntax_position),
        cmocka_unit_test(test_exchanges_load_rejects_unknown_fields),
        cmocka_unit_test(test_exchanges_load_refuses_access_token_matcher),
        cmocka_unit_test(test_exchanges_load_rejects_unknown_templates),
        cmocka_unit_test(test_exchanges_load_rejects_bad_status_and_shapes),
        cmocka_unit_test(test_exchanges_failed_load_leaves_the_set_unchanged),
        cmocka_unit_test(test_exchanges_dir_loads_files_in_name_order),
        cmocka_unit_test(test_exchanges_dir_is_all_or_nothing),
        cmocka_unit_test(test_exchanges_example_fixture_loads_and_answers),
        cmocka_unit_test(test_exchanges_list_shows_matchers_without_secrets),
    };

    return cmocka_run_group_tests_name("exchanges", tests, NULL, NULL);
}

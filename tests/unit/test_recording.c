/* test_recording.c - proxied pairs -> exchange files: grouping into sequences, ordering,
 * masking, naming, "{{" handling, exact file text, and replay through the real loader. */
#include "test_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exchanges.h"
#include "http_types.h"
#include "ids.h"
#include "recording.h"

#define KEY "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMjk2ZjE3OGZhNmQ0NTRiNDg6OjAwMDAwMDAwMDAwMDAwMDAwOjokYWFjaF8x"
#define CARD "4111111111111111"

static struct am_recording_result add(struct am_recording *rec, enum am_method m,
                                      const char *path, const char *query, const char *body,
                                      int status, const char *ct, const char *resp_body)
{
    struct am_recording_pair p;
    struct am_recording_result res;

    memset(&p, 0, sizeof(p));
    p.method = m;
    p.path = path;
    p.query = query;
    p.req_body = body;
    p.req_body_len = body ? strlen(body) : 0;
    p.access_token = KEY;
    p.status = status;
    p.content_type = ct;
    p.resp_body = resp_body;
    p.resp_body_len = resp_body ? strlen(resp_body) : 0;
    assert_int_equal(am_recording_add(rec, &p, &res), 0);
    return res;
}

static void assert_recorded(struct am_recording_result res, enum am_recording_outcome o,
                            size_t file, size_t call)
{
    if (res.outcome == AM_RECORDING_SKIPPED)
        fail_msg("skipped: %s: %s", res.reason, res.detail);
    assert_int_equal(res.outcome, o);
    assert_int_equal(res.file, file);
    assert_int_equal(res.call, call);
}

static void assert_skipped(struct am_recording_result res, const char *reason)
{
    assert_int_equal(res.outcome, AM_RECORDING_SKIPPED);
    assert_string_equal(res.reason, reason);
    assert_true(res.detail[0] != '\0');
}

static void assert_text(const struct am_recording *rec, size_t i, const char *want)
{
    char *text = am_recording_file_text(rec, i);

    assert_non_null(text);
    assert_string_equal(text, want);
    free(text);
}

/* Every file loaded into one set, as `asaas-mock --fixtures` would. */
static struct am_exchange_set *load_all(const struct am_recording *rec)
{
    struct am_exchange_set *set = am_exchanges_new();
    char err[512] = "";

    assert_non_null(set);
    for (size_t i = 0; i < am_recording_file_count(rec); i++) {
        char *text = am_recording_file_text(rec, i);

        assert_non_null(text);
        if (am_exchanges_load_text(set, text, strlen(text), am_recording_file_name(rec, i), err,
                                   sizeof(err)) != 0)
            fail_msg("file %zu does not load: %s\n%s", i, err, text);
        free(text);
    }
    return set;
}

/* One replayed request: the body it answers (or "<none>"), status in *status. */
static char *replay(struct am_exchange_set *set, enum am_method m, const char *path,
                    const char *query, const char *body, int *status)
{
    struct am_request req;
    struct am_response resp;
    struct am_ids ids;
    char *out;

    memset(&req, 0, sizeof(req));
    req.method = m;
    req.path = path;
    req.query = query;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.client_ip = "127.0.0.1";
    am_response_init(&resp);
    am_ids_init(&ids, 1);
    if (am_exchanges_match(set, &req, "default", 0, &ids, &resp, NULL) != 1) {
        am_response_finish(&resp);
        return strdup("<no match>");
    }
    *status = resp.status;
    out = strdup(resp.body ? resp.body : "<none>");
    am_response_finish(&resp);
    return out;
}

static void assert_replay(struct am_exchange_set *set, enum am_method m, const char *path,
                          const char *query, const char *body, int status, const char *want)
{
    int got_status = 0;
    char *got = replay(set, m, path, query, body, &got_status);

    assert_string_equal(got, want);
    assert_int_equal(got_status, status);
    free(got);
}

/* ---- grouping ------------------------------------------------------------------------- */

static void test_recording_identical_matchers_grow_one_sequence_in_call_order(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set;

    (void)state;
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "application/json",
                        "{\"totalCount\":0}"),
                    AM_RECORDING_NEW, 0, 1);
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "application/json",
                        "{\"totalCount\":1}"),
                    AM_RECORDING_APPENDED, 0, 2);
    /* "/api/v3" is the same endpoint; an empty body is no body. */
    assert_recorded(add(rec, AM_METHOD_GET, "/api/v3/customers", "", "  ", 200, NULL,
                        "{\"totalCount\":2}"),
                    AM_RECORDING_APPENDED, 0, 3);
    assert_int_equal(am_recording_file_count(rec), 1);
    assert_int_equal(am_recording_exchange_count(rec), 1);
    assert_string_equal(am_recording_file_name(rec, 0), "0001-get-v3-customers.json");
    assert_text(rec, 0,
                "{\n"
                "  \"exchanges\": [\n"
                "    {\n"
                "      \"id\": \"0001-get-v3-customers.1\",\n"
                "      \"request\": {\n"
                "        \"method\": \"GET\",\n"
                "        \"path\": \"/v3/customers\"\n"
                "      },\n"
                "      \"responses\": [\n"
                "        {\n"
                "          \"status\": 200,\n"
                "          \"body\": {\n"
                "            \"totalCount\": 0\n"
                "          }\n"
                "        },\n"
                "        {\n"
                "          \"status\": 200,\n"
                "          \"body\": {\n"
                "            \"totalCount\": 1\n"
                "          }\n"
                "        },\n"
                "        {\n"
                "          \"status\": 200,\n"
                "          \"body\": {\n"
                "            \"totalCount\": 2\n"
                "          }\n"
                "        }\n"
                "      ]\n"
                "    }\n"
                "  ]\n"
                "}\n");
    set = load_all(rec);
    assert_replay(set, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "{\"totalCount\":0}");
    assert_replay(set, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "{\"totalCount\":1}");
    assert_replay(set, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "{\"totalCount\":2}");
    assert_replay(set, AM_METHOD_GET, "/v3/customers", NULL, NULL, 200, "{\"totalCount\":2}");
    am_exchanges_free(set);
    am_recording_free(rec);
}

static void test_recording_one_exchange_writes_response_query_and_body(void **state)
{
    struct am_recording *rec = am_recording_new();

    (void)state;
    assert_recorded(add(rec, AM_METHOD_POST, "/v3/customers", "a=1&b=x%20y&a=2&=z",
                        "{\"name\":\"Ana\",\"n\":[1,2.5,true,null]}", 400,
                        "application/json; charset=utf-8",
                        "{\"errors\":[{\"code\":\"invalid_cpfCnpj\",\"description\":\"\\\"x\\\"\"}]}"),
                    AM_RECORDING_NEW, 0, 1);
    assert_text(rec, 0,
                "{\n"
                "  \"exchanges\": [\n"
                "    {\n"
                "      \"id\": \"0001-post-v3-customers.1\",\n"
                "      \"request\": {\n"
                "        \"method\": \"POST\",\n"
                "        \"path\": \"/v3/customers\",\n"
                "        \"query\": {\n"
                "          \"a\": \"1\",\n"
                "          \"b\": \"x y\"\n"
                "        },\n"
                "        \"body\": {\n"
                "          \"name\": \"Ana\",\n"
                "          \"n\": [\n"
                "            1,\n"
                "            2.5,\n"
                "            true,\n"
                "            null\n"
                "          ]\n"
                "        }\n"
                "      },\n"
                "      \"response\": {\n"
                "        \"status\": 400,\n"
                "        \"headers\": {\n"
                "          \"Content-Type\": \"application/json; charset=utf-8\"\n"
                "        },\n"
                "        \"body\": {\n"
                "          \"errors\": [\n"
                "            {\n"
                "              \"code\": \"invalid_cpfCnpj\",\n"
                "              \"description\": \"\\\"x\\\"\"\n"
                "            }\n"
                "          ]\n"
                "        }\n"
                "      }\n"
                "    }\n"
                "  ]\n"
                "}\n");
    am_recording_free(rec);
}

/* The recorded request is the most specific matcher of its endpoint: a more general one
 * (recorded before or after) never shadows it, so each replays its own answer. */
static void test_recording_more_specific_matchers_come_first(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set;
    char *text;

    (void)state;
    add(rec, AM_METHOD_GET, "/v3/payments", NULL, NULL, 200, NULL, "\"all\"");
    add(rec, AM_METHOD_GET, "/v3/payments", "status=PENDING", NULL, 200, NULL, "\"pending\"");
    add(rec, AM_METHOD_GET, "/v3/payments", "status=PENDING&offset=10", NULL, 200, NULL,
        "\"pending10\"");
    add(rec, AM_METHOD_GET, "/v3/payments", "offset=10", NULL, 200, NULL, "\"all10\"");
    add(rec, AM_METHOD_POST, "/v3/payments", NULL, "{\"a\":1}", 200, NULL, "\"a\"");
    add(rec, AM_METHOD_POST, "/v3/payments", NULL, "{\"a\":1,\"b\":{\"c\":2}}", 200, NULL,
        "\"ab\"");
    add(rec, AM_METHOD_POST, "/v3/payments", NULL, "not json", 200, NULL, "\"any\"");
    assert_int_equal(am_recording_file_count(rec), 2);
    assert_int_equal(am_recording_exchange_count(rec), 7);
    /* Ids keep first-seen numbers whatever the order in the file. */
    text = am_recording_file_text(rec, 0);
    assert_non_null(text);
    assert_true(strstr(text, "\"0001-get-v3-payments.3\"") < strstr(text, "\"0001-get-v3-payments.2\""));
    assert_true(strstr(text, "\"0001-get-v3-payments.2\"") < strstr(text, "\"0001-get-v3-payments.1\""));
    assert_true(strstr(text, "\"0001-get-v3-payments.4\"") < strstr(text, "\"0001-get-v3-payments.1\""));
    free(text);
    set = load_all(rec);
    assert_replay(set, AM_METHOD_GET, "/v3/payments", NULL, NULL, 200, "\"all\"");
    assert_replay(set, AM_METHOD_GET, "/v3/payments", "status=PENDING", NULL, 200, "\"pending\"");
    assert_replay(set, AM_METHOD_GET, "/v3/payments", "offset=10&status=PENDING", NULL, 200,
                  "\"pending10\"");
    assert_replay(set, AM_METHOD_GET, "/v3/payments", "offset=10", NULL, 200, "\"all10\"");
    assert_replay(set, AM_METHOD_POST, "/v3/payments", NULL, "{\"a\":1}", 200, "\"a\"");
    assert_replay(set, AM_METHOD_POST, "/v3/payments", NULL, "{\"b\":{\"c\":2},\"a\":1}", 200,
                  "\"ab\"");
    assert_replay(set, AM_METHOD_POST, "/v3/payments", NULL, "not json", 200, "\"any\"");
    am_exchanges_free(set);
    am_recording_free(rec);
}

/* ---- naming ----------------------------------------------------------------------------- */

static void test_recording_files_are_named_per_endpoint_in_first_seen_order(void **state)
{
    struct am_recording *rec = am_recording_new();

    (void)state;
    assert_recorded(add(rec, AM_METHOD_POST, "/v3/customers", NULL, "{\"name\":\"A\"}", 200, NULL,
                        "{}"),
                    AM_RECORDING_NEW, 0, 1);
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/customers/cus_000000000001", NULL, NULL, 200,
                        NULL, "{}"),
                    AM_RECORDING_NEW, 1, 1);
    assert_recorded(add(rec, AM_METHOD_POST, "/api/v3/customers", NULL, "{\"name\":\"B\"}", 200,
                        NULL, "{}"),
                    AM_RECORDING_NEW, 0, 1);
    assert_recorded(add(rec, AM_METHOD_DELETE, "/v3/Payments/pay.X-1/a%b/c", NULL, NULL, 200,
                        NULL, "{}"),
                    AM_RECORDING_NEW, 2, 1);
    assert_recorded(add(rec, AM_METHOD_GET,
                        "/v3/a-very-long-resource-name/another-long-segment/and-more", NULL,
                        NULL, 200, NULL, "{}"),
                    AM_RECORDING_NEW, 3, 1);
    assert_int_equal(am_recording_file_count(rec), 4);
    assert_string_equal(am_recording_file_name(rec, 0), "0001-post-v3-customers.json");
    assert_string_equal(am_recording_file_name(rec, 1),
                        "0002-get-v3-customers-cus_000000000001.json");
    assert_string_equal(am_recording_file_name(rec, 2), "0003-delete-v3-payments-pay-x-1-a-b-c.json");
    /* 40 characters of slug at most. */
    assert_string_equal(am_recording_file_name(rec, 3),
                        "0004-get-v3-a-very-long-resource-name-another.json");
    assert_null(am_recording_file_name(rec, 4));
    am_recording_free(rec);
}

/* ---- masking ---------------------------------------------------------------------------- */

static void test_recording_drops_card_number_and_ccv_from_the_matcher(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set;
    char *text;
    const char *req =
        "{\"billingType\":\"CREDIT_CARD\",\"description\":\"card " CARD "\","
        "\"creditCard\":{\"holderName\":\"Ana\",\"number\":\"" CARD "\",\"expiryMonth\":\"05\","
        "\"ccv\":\"318\",\"cardNumber\":4111111111111111},"
        "\"extra\":{\"creditCardNumber\":\"5162 3062 1937 8829\",\"CCV\":\"999\",\"creditCardCcv\":1},"
        "\"dup\":1,\"dup\":2}";
    const char *resp =
        "{\"id\":\"pay_1\",\"creditCard\":{\"creditCardNumber\":\"1111\",\"creditCardBrand\":\"VISA\","
        "\"number\":\"" CARD "\",\"ccv\":\"318\"},\"echo\":\"5162306219378829 and " CARD "\","
        "\"creditCardNumber\":\"" CARD "\"}";

    (void)state;
    assert_recorded(add(rec, AM_METHOD_POST, "/v3/payments", NULL, req, 200, "application/json",
                        resp),
                    AM_RECORDING_NEW, 0, 1);
    assert_text(rec, 0,
                "{\n"
                "  \"exchanges\": [\n"
                "    {\n"
                "      \"id\": \"0001-post-v3-payments.1\",\n"
                "      \"request\": {\n"
                "        \"method\": \"POST\",\n"
                "        \"path\": \"/v3/payments\",\n"
                "        \"body\": {\n"
                "          \"billingType\": \"CREDIT_CARD\",\n"
                "          \"creditCard\": {\n"
                "            \"holderName\": \"Ana\",\n"
                "            \"expiryMonth\": \"05\"\n"
                "          },\n"
                "          \"extra\": {},\n"
                "          \"dup\": 1\n"
                "        }\n"
                "      },\n"
                "      \"response\": {\n"
                "        \"status\": 200,\n"
                "        \"body\": {\n"
                "          \"id\": \"pay_1\",\n"
                "          \"creditCard\": {\n"
                "            \"creditCardNumber\": \"1111\",\n"
                "            \"creditCardBrand\": \"VISA\",\n"
                "            \"number\": \"************1111\"\n"
                "          },\n"
                "          \"echo\": \"************8829 and ************1111\",\n"
                "          \"creditCardNumber\": \"************1111\"\n"
                "        }\n"
                "      }\n"
                "    }\n"
                "  ]\n"
                "}\n");
    text = am_recording_file_text(rec, 0);
    assert_null(strstr(text, CARD));
    assert_null(strstr(text, "318"));
    assert_null(strstr(text, "999"));
    assert_null(strstr(text, "1937"));
    free(text);
    /* The same request with the real card replays the recorded answer. */
    set = load_all(rec);
    assert_replay(set, AM_METHOD_POST, "/v3/payments", NULL, req, 200,
                  "{\"id\":\"pay_1\",\"creditCard\":{\"creditCardNumber\":\"1111\","
                  "\"creditCardBrand\":\"VISA\",\"number\":\"************1111\"},"
                  "\"echo\":\"************8829 and ************1111\","
                  "\"creditCardNumber\":\"************1111\"}");
    am_exchanges_free(set);
    am_recording_free(rec);
}

static void test_recording_never_writes_the_access_token(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set;
    char *text;

    (void)state;
    assert_recorded(add(rec, AM_METHOD_POST, "/v3/x/" KEY, "k=" KEY,
                        "{\"apiKey\":\"" KEY "\",\"other\":\"$aact_prod_000SOMEOTHERKEYVALUEabcd1234\"}",
                        401, NULL, "{\"echo\":\"" KEY "\",\"" KEY "\":1}"),
                    AM_RECORDING_NEW, 0, 1);
    text = am_recording_file_text(rec, 0);
    assert_null(strstr(text, "MzkwODA2MWY2OGM3"));
    assert_null(strstr(text, "SOMEOTHERKEY"));
    assert_null(strstr(text, "access_token"));
    /* The path is rewritten; a matcher's query parameter or body member holding a key is
     * left out (the replayed request still carries it); the answer is rewritten. */
    assert_non_null(strstr(text, "\"path\": \"/v3/x/$aact_hmlg_...aF8x\",\n"
                                 "        \"body\": {}\n"));
    assert_non_null(strstr(text, "\"echo\": \"$aact_hmlg_...aF8x\",\n"
                                 "          \"$aact_hmlg_...aF8x\": 1\n"));
    free(text);
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/y", "token=" KEY "&status=PENDING", NULL, 200,
                        NULL, "{\"ok\":true}"),
                    AM_RECORDING_NEW, 1, 1);
    text = am_recording_file_text(rec, 1);
    assert_non_null(strstr(text, "\"query\": {\n          \"status\": \"PENDING\"\n        }\n"));
    assert_null(strstr(text, "aact"));
    free(text);
    set = load_all(rec);
    assert_replay(set, AM_METHOD_GET, "/v3/y", "status=PENDING&token=" KEY, NULL, 200,
                  "{\"ok\":true}");
    am_exchanges_free(set);
    am_recording_free(rec);
}

/* ---- "{{" ----------------------------------------------------------------------------- */

static void test_recording_braces_in_answers_replay_literally(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set;
    char *text;
    const char *resp = "{\"a\":\"{{uuid}}\",\"b\":\"x{{{y}}}\",\"c\":[\"{{\",\"{{{{\"],"
                       "\"{{k}}\":\"}}{\"}";

    (void)state;
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/t", NULL, NULL, 200, NULL, resp),
                    AM_RECORDING_NEW, 0, 1);
    text = am_recording_file_text(rec, 0);
    assert_non_null(strstr(text, "\"a\": \"{{lbrace}}uuid}}\""));
    assert_non_null(strstr(text, "\"b\": \"x{{lbrace}}{y}}}\""));
    assert_non_null(strstr(text, "\"{{lbrace}}\",\n"));
    assert_non_null(strstr(text, "\"{{lbrace}}{{lbrace}}\"\n"));
    /* Names are never templates: kept as they are. */
    assert_non_null(strstr(text, "\"{{k}}\": \"}}{\""));
    free(text);
    set = load_all(rec);
    assert_replay(set, AM_METHOD_GET, "/v3/t", NULL, NULL, 200, resp);
    am_exchanges_free(set);
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/t2", NULL, NULL, 200, NULL, "\"{{today}}\""),
                    AM_RECORDING_NEW, 1, 1);
    set = load_all(rec);
    assert_replay(set, AM_METHOD_GET, "/v3/t2", NULL, NULL, 200, "\"{{today}}\"");
    am_exchanges_free(set);
    am_recording_free(rec);
}

/* ---- answers -------------------------------------------------------------------------- */

static void test_recording_content_type_kept_only_when_not_json(void **state)
{
    struct am_recording *rec = am_recording_new();
    char *text;

    (void)state;
    add(rec, AM_METHOD_GET, "/v3/a", NULL, NULL, 200, " Application/JSON ", "{}");
    add(rec, AM_METHOD_GET, "/v3/b", NULL, NULL, 200, "text/plain", "[1]");
    add(rec, AM_METHOD_DELETE, "/v3/c", NULL, NULL, 204, "text/plain", "");
    add(rec, AM_METHOD_GET, "/v3/d", NULL, NULL, 200, "text/{{x}}", "[2]");
    text = am_recording_file_text(rec, 0);
    assert_null(strstr(text, "headers"));
    free(text);
    text = am_recording_file_text(rec, 1);
    assert_non_null(strstr(text, "\"headers\": {\n          \"Content-Type\": \"text/plain\"\n"));
    free(text);
    assert_text(rec, 2,
                "{\n"
                "  \"exchanges\": [\n"
                "    {\n"
                "      \"id\": \"0003-delete-v3-c.1\",\n"
                "      \"request\": {\n"
                "        \"method\": \"DELETE\",\n"
                "        \"path\": \"/v3/c\"\n"
                "      },\n"
                "      \"response\": {\n"
                "        \"status\": 204\n"
                "      }\n"
                "    }\n"
                "  ]\n"
                "}\n");
    /* A Content-Type the loader would refuse is left out rather than lose the answer. */
    text = am_recording_file_text(rec, 3);
    assert_null(strstr(text, "headers"));
    free(text);
    am_recording_free(rec);
}

static void test_recording_skips_what_a_replay_cannot_answer(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_recording_result res;
    char path[600] = "/v3/";

    (void)state;
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/x", NULL, NULL, 200, "text/html", "<html>"),
                   "non_json_body");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/x", NULL, NULL, 200, NULL, "{} trailing"),
                   "non_json_body");
    assert_skipped(add(rec, AM_METHOD_GET, "/__mock/health", NULL, NULL, 200, NULL, "{}"),
                   "not_v3");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3", NULL, NULL, 200, NULL, "{}"), "not_v3");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/a//b", NULL, NULL, 200, NULL, "{}"), "path");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/a/", NULL, NULL, 200, NULL, "{}"), "path");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/{id}", NULL, NULL, 200, NULL, "{}"), "path");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", NULL,
                       NULL, 200, NULL, "{}"),
                   "path");
    assert_skipped(add(rec, AM_METHOD_OTHER, "/v3/x", NULL, NULL, 200, NULL, "{}"), "method");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/x", NULL, NULL, 600, NULL, "{}"), "status");
    memset(path + 4, 'a', 520);
    path[524] = '\0';
    assert_skipped(add(rec, AM_METHOD_GET, path, NULL, NULL, 200, NULL, "{}"), "path");
    assert_int_equal(am_recording_file_count(rec), 0);
    for (int i = 0; i < AM_RECORDING_MAX_RESPONSES; i++)
        assert_recorded(add(rec, AM_METHOD_GET, "/v3/seq", NULL, NULL, 200, NULL, "{}"),
                        i == 0 ? AM_RECORDING_NEW : AM_RECORDING_APPENDED, 0, (size_t)i + 1);
    res = add(rec, AM_METHOD_GET, "/v3/seq", NULL, NULL, 200, NULL, "{}");
    assert_skipped(res, "sequence_full");
    assert_int_equal(am_recording_exchange_count(rec), 1);
    am_recording_free(rec);
}

/* The loader refuses a file over 16 MiB (and with it the whole folder): the response
 * that would cross the limit is left out, the file stays as it was. */
static void test_recording_keeps_every_file_loadable_under_16_mib(void **state)
{
    struct am_recording *rec = am_recording_new();
    size_t big = 3u << 20;
    char *body = malloc(big + 3);
    char *text;
    int i;

    (void)state;
    assert_non_null(body);
    body[0] = '"';
    memset(body + 1, 'x', big);
    body[big + 1] = '"';
    body[big + 2] = '\0';
    for (i = 0; i < 5; i++)
        assert_recorded(add(rec, AM_METHOD_GET, "/v3/big", NULL, NULL, 200, NULL, body),
                        i == 0 ? AM_RECORDING_NEW : AM_RECORDING_APPENDED, 0, (size_t)i + 1);
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/big", NULL, NULL, 200, NULL, body), "too_big");
    assert_skipped(add(rec, AM_METHOD_GET, "/v3/big", "other=1", NULL, 200, NULL, body),
                   "too_big");
    assert_int_equal(am_recording_exchange_count(rec), 1);
    text = am_recording_file_text(rec, 0);
    assert_true(strlen(text) > 15u * (1u << 20) && strlen(text) <= 16u << 20);
    free(text);
    /* A new endpoint starts a new file. */
    assert_recorded(add(rec, AM_METHOD_GET, "/v3/big2", NULL, NULL, 200, NULL, body),
                    AM_RECORDING_NEW, 1, 1);
    free(body);
    am_recording_free(rec);
}

/* ---- files ---------------------------------------------------------------------------- */

static void test_recording_prepare_and_save_write_whole_files_once_loadable(void **state)
{
    struct am_recording *rec = am_recording_new();
    struct am_exchange_set *set = NULL;
    char root[] = "/tmp/test-recording-XXXXXX", out[128], ex[256], err[512], path[512];
    char buf[4096];
    FILE *f;
    size_t n;
    char *text;
    DIR *d;
    struct dirent *e;
    int files = 0;

    (void)state;
    assert_non_null(mkdtemp(root));
    snprintf(out, sizeof(out), "%s/out", root);
    assert_int_equal(am_recording_prepare_dir(out, ex, sizeof(ex), err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/out/exchanges", root);
    assert_string_equal(ex, path);
    add(rec, AM_METHOD_GET, "/v3/a", NULL, NULL, 200, NULL, "{\"n\":1}");
    assert_int_equal(am_recording_save(rec, 0, ex, err, sizeof(err)), 0);
    add(rec, AM_METHOD_GET, "/v3/a", NULL, NULL, 200, NULL, "{\"n\":2}");
    assert_int_equal(am_recording_save(rec, 0, ex, err, sizeof(err)), 0);
    assert_int_equal(am_recording_save(rec, 1, ex, err, sizeof(err)), -EINVAL);
    snprintf(path, sizeof(path), "%s/0001-get-v3-a.json", ex);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    text = am_recording_file_text(rec, 0);
    assert_string_equal(buf, text);
    free(text);
    /* No temp file is left behind. */
    d = opendir(ex);
    assert_non_null(d);
    while ((e = readdir(d))) {
        if (e->d_name[0] != '.') {
            assert_string_equal(e->d_name, "0001-get-v3-a.json");
            files++;
        } else {
            assert_true(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0);
        }
    }
    closedir(d);
    assert_int_equal(files, 1);
    assert_int_equal(am_exchanges_load_dir(ex, &set, err, sizeof(err)), 0);
    assert_int_equal(am_exchanges_count(set), 1);
    am_exchanges_free(set);
    /* A folder that already holds a recording is refused. */
    assert_int_equal(am_recording_prepare_dir(out, ex, sizeof(ex), err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, "0001-get-v3-a.json"));
    unlink(path);
    rmdir(ex);
    snprintf(path, sizeof(path), "%s/file", root);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(am_recording_prepare_dir(path, ex, sizeof(ex), err, sizeof(err)), -ENOTDIR);
    unlink(path);
    rmdir(out);
    rmdir(root);
    am_recording_free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_identical_matchers_grow_one_sequence_in_call_order),
        cmocka_unit_test(test_recording_one_exchange_writes_response_query_and_body),
        cmocka_unit_test(test_recording_more_specific_matchers_come_first),
        cmocka_unit_test(test_recording_files_are_named_per_endpoint_in_first_seen_order),
        cmocka_unit_test(test_recording_drops_card_number_and_ccv_from_the_matcher),
        cmocka_unit_test(test_recording_never_writes_the_access_token),
        cmocka_unit_test(test_recording_braces_in_answers_replay_literally),
        cmocka_unit_test(test_recording_content_type_kept_only_when_not_json),
        cmocka_unit_test(test_recording_skips_what_a_replay_cannot_answer),
        cmocka_unit_test(test_recording_keeps_every_file_loadable_under_16_mib),
        cmocka_unit_test(test_recording_prepare_and_save_write_whole_files_once_loadable),
    };

    return cmocka_run_group_tests_name("recording", tests, NULL, NULL);
}

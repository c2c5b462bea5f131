/* test_faults.c - fault kinds, X-Mock-Fault parsing, rule parsing, matchers, schedules and
 * latency distributions. */
#include "test_helpers.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "faults.h"

/* ---- helpers ---------------------------------------------------------------------- */

static void add_rule(struct am_fault_rules *rules, const char *json, char id[AM_FAULT_ID_MAX])
{
    char err[256] = "";
    cJSON *obj = cJSON_Parse(json);
    int r;

    assert_non_null(obj);
    r = am_fault_rules_add_json(rules, obj, id, err, sizeof(err));
    if (r != 0)
        fail_msg("add_rule(%s): %d %s", json, r, err);
    cJSON_Delete(obj);
}

/* Adds and expects failure r with message msg. */
static void add_rule_fails(const char *json, int want_r, const char *want_msg)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char err[256] = "";
    cJSON *obj = cJSON_Parse(json);

    assert_non_null(obj);
    assert_int_equal(am_fault_rules_add_json(rules, obj, NULL, err, sizeof(err)), want_r);
    assert_string_equal(err, want_msg);
    assert_int_equal(am_fault_rules_count(rules), 0);
    cJSON_Delete(obj);
    am_fault_rules_free(rules);
}

static struct am_fault_request req_of(enum am_method m, const char *path, enum am_route route,
                                      const char *account)
{
    struct am_fault_request in;

    memset(&in, 0, sizeof(in));
    in.method = m;
    in.path = path;
    in.route = route;
    in.account_id = account;
    return in;
}

/* 1 when a fault fires for (method, path); the rule id goes to id (may be NULL). */
static int fires(struct am_fault_rules *rules, enum am_method m, const char *path,
                 enum am_route route, const char *account, char *id)
{
    struct am_fault_request in = req_of(m, path, route, account);
    struct am_fault f;

    return am_faults_decide(rules, &in, &f, id);
}

static int fires_body(struct am_fault_rules *rules, const char *body)
{
    struct am_fault_request in =
        req_of(AM_METHOD_POST, "/v3/payments", AM_ROUTE_NONE, "default");
    struct am_fault f;

    in.body = body;
    in.body_len = body ? strlen(body) : 0;
    return am_faults_decide(rules, &in, &f, NULL);
}

static char *json_text(cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);

    assert_non_null(s);
    cJSON_Delete(obj);
    return s;
}

/* ---- kinds ------------------------------------------------------------------------ */

static void test_faults_kind_names_round_trip(void **state)
{
    static const char *const names[] = {"latency",   "status",   "empty",          "reset",
                                        "garbage",   "malformed-json", "truncate", "dribble",
                                        "blackhole", "tls-abort", "refuse",        "ambiguous",
                                        "duplicate", "reorder", "delay", "drop",
                                        "corrupt-token", "burst"};
    enum am_fault_kind k;

    (void)state;
    assert_int_equal(sizeof(names) / sizeof(names[0]), _AM_FAULT_KIND_MAX - 1);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_int_equal(am_fault_kind_parse(names[i], &k), 0);
        assert_int_equal(k, (enum am_fault_kind)(i + 1));
        assert_string_equal(am_fault_kind_name(k), names[i]);
    }
    assert_int_equal(am_fault_kind_parse("Latency", &k), -EINVAL);
    assert_int_equal(am_fault_kind_parse("none", &k), -EINVAL);
    assert_int_equal(am_fault_kind_parse("", &k), -EINVAL);
    assert_string_equal(am_fault_kind_name((enum am_fault_kind)999), "none");
}

/* ---- X-Mock-Fault header ------------------------------------------------------------ */

static void test_faults_header_parses_every_kind_and_formats_back(void **state)
{
    /* input, canonical format */
    static const char *const cases[][2] = {
        {"latency;ms=250", "latency;ms=250"},
        {"latency ; ms = 0", "latency;ms=0"},
        {"latency;dist=uniform;min=10;max=20", "latency;dist=uniform;min=10;max=20"},
        {"latency;max=20;dist=uniform;min=20", "latency;dist=uniform;min=20;max=20"},
        {"latency;dist=lognormal;median=80;sigma=0.4",
         "latency;dist=lognormal;median=80;sigma=0.4;cap=600000"},
        {"latency;dist=lognormal;median=80;sigma=1.25;cap=500",
         "latency;dist=lognormal;median=80;sigma=1.25;cap=500"},
        {"status;code=503", "status;code=503;retryAfter=60"},
        {"status;code=429;retryAfter=30", "status;code=429;retryAfter=30"},
        {"status;code=429;reset=30", "status;code=429;retryAfter=30"}, /* the old name */
        {"empty", "empty"},
        {"reset", "reset"},
        {"garbage", "garbage"},
        {"malformed-json", "malformed-json"},
        {"truncate", "truncate"},
        {"truncate;bytes=10", "truncate;bytes=10"},
        {"dribble;bps=100", "dribble;bps=100"},
        {"blackhole", "blackhole"},
        {"blackhole;ms=5000", "blackhole;ms=5000"},
        {"ambiguous", "ambiguous"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_fault f, g;
        char err[128] = "", text[128], text2[128];

        if (am_fault_parse_header(cases[i][0], &f, err, sizeof(err)) != 0)
            fail_msg("%s: %s", cases[i][0], err);
        am_fault_format(&f, text, sizeof(text));
        assert_string_equal(text, cases[i][1]);
        assert_int_equal(am_fault_parse_header(text, &g, err, sizeof(err)), 0);
        am_fault_format(&g, text2, sizeof(text2));
        assert_string_equal(text2, text);
        assert_int_equal(f.kind, g.kind);
        assert_int_equal(f.dist, g.dist);
        assert_int_equal(f.ms, g.ms);
        assert_int_equal(f.min_ms, g.min_ms);
        assert_int_equal(f.max_ms, g.max_ms);
        assert_int_equal(f.median_ms, g.median_ms);
        assert_true(f.sigma == g.sigma);
        assert_int_equal(f.cap_ms, g.cap_ms);
        assert_int_equal(f.code, g.code);
        assert_int_equal(f.reset_s, g.reset_s);
        assert_int_equal(f.bytes, g.bytes);
        assert_int_equal(f.bps, g.bps);
        assert_int_equal(f.delay_ms, g.delay_ms);
    }
}

static void test_faults_header_fields_are_exact(void **state)
{
    struct am_fault f;
    char err[128];

    (void)state;
    assert_int_equal(am_fault_parse_header("latency;dist=lognormal;median=80;sigma=0.4;cap=900",
                                           &f, err, sizeof(err)),
                     0);
    assert_int_equal(f.kind, AM_FAULT_LATENCY);
    assert_int_equal(f.dist, AM_LATENCY_LOGNORMAL);
    assert_int_equal(f.median_ms, 80);
    assert_true(f.sigma == 0.4);
    assert_int_equal(f.cap_ms, 900);
    assert_int_equal(am_fault_parse_header("latency;ms=250", &f, err, sizeof(err)), 0);
    assert_int_equal(f.dist, AM_LATENCY_FIXED);
    assert_int_equal(f.ms, 250);
    assert_int_equal(f.delay_ms, 250);
    assert_int_equal(am_fault_parse_header("dribble;bps=7", &f, err, sizeof(err)), 0);
    assert_int_equal(f.kind, AM_FAULT_DRIBBLE);
    assert_int_equal(f.bps, 7);
    assert_int_equal(am_fault_parse_header("status;code=502", &f, err, sizeof(err)), 0);
    assert_int_equal(f.code, 502);
    assert_int_equal(f.reset_s, 60);
}

static void test_faults_header_rejects_bad_values(void **state)
{
    static const char *const cases[][2] = {
        {"", "X-Mock-Fault: missing fault kind"},
        {"  ", "X-Mock-Fault: missing fault kind"},
        {"explode", "X-Mock-Fault: unknown kind 'explode'"},
        {"STATUS;code=500", "X-Mock-Fault: unknown kind 'STATUS'"},
        {"tls-abort", "X-Mock-Fault: 'tls-abort' is only available in rules"},
        {"refuse;seconds=5", "X-Mock-Fault: 'refuse' is only available in rules"},
        {"status", "X-Mock-Fault: status needs code"},
        {"dribble", "X-Mock-Fault: dribble needs bps"},
        {"latency", "X-Mock-Fault: latency takes ms=N or dist=uniform|lognormal"},
        {"latency;ms=10;min=5", "X-Mock-Fault: latency takes ms=N or dist=uniform|lognormal"},
        {"latency;dist=uniform;min=5", "X-Mock-Fault: dist=uniform takes exactly min and max"},
        {"latency;dist=uniform;min=9;max=5", "X-Mock-Fault: min must not exceed max"},
        {"latency;dist=lognormal;median=80",
         "X-Mock-Fault: dist=lognormal takes median and sigma (and cap)"},
        {"latency;dist=lognormal;median=80;sigma=0.5;cap=10",
         "X-Mock-Fault: cap must not be below median"},
        {"latency;dist=normal;ms=1", "X-Mock-Fault: dist must be uniform or lognormal"},
        {"status;code=200", "X-Mock-Fault: code must be an integer in 400..599"},
        {"status;code=5O3", "X-Mock-Fault: code must be an integer in 400..599"},
        {"status;code=503.0", "X-Mock-Fault: code must be an integer in 400..599"},
        {"status;code=-503", "X-Mock-Fault: code must be an integer in 400..599"},
        {"status;code=+503", "X-Mock-Fault: code must be an integer in 400..599"},
        {"latency;ms=1e3", "X-Mock-Fault: ms must be an integer in 0..600000"},
        {"latency;ms=600001", "X-Mock-Fault: ms must be an integer in 0..600000"},
        {"latency;ms=99999999999999999999", "X-Mock-Fault: ms must be an integer in 0..600000"},
        {"latency;dist=lognormal;median=80;sigma=nan", "X-Mock-Fault: sigma must be a number in 0..5"},
        {"latency;dist=lognormal;median=80;sigma=.5", "X-Mock-Fault: sigma must be a number in 0..5"},
        {"latency;dist=lognormal;median=80;sigma=5.5", "X-Mock-Fault: sigma must be a number in 0..5"},
        {"dribble;bps=0", "X-Mock-Fault: bps must be an integer in 1..1000000000"},
        {"status;code=503;code=500", "X-Mock-Fault: duplicate parameter 'code'"},
        {"status;code=503;", "X-Mock-Fault: empty parameter"},
        {"status;;code=503", "X-Mock-Fault: empty parameter"},
        {"status;code", "X-Mock-Fault: expected PARAM=VALUE, got 'code'"},
        {"status;code=", "X-Mock-Fault: expected PARAM=VALUE"},
        {"status;=503", "X-Mock-Fault: expected PARAM=VALUE"},
        {"status;code=503;bps=4", "X-Mock-Fault: parameter 'bps' not allowed for kind 'status'"},
        {"empty;ms=4", "X-Mock-Fault: parameter 'ms' not allowed for kind 'empty'"},
        {"status;code=503 x", "X-Mock-Fault: code must be an integer in 400..599"},
        {"status code=503", "X-Mock-Fault: unknown kind 'status code=503'"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_fault f;
        char err[128] = "";

        if (am_fault_parse_header(cases[i][0], &f, err, sizeof(err)) != -EINVAL)
            fail_msg("accepted '%s'", cases[i][0]);
        if (strcmp(err, cases[i][1]) != 0)
            fail_msg("'%s': got '%s', want '%s'", cases[i][0], err, cases[i][1]);
    }
}

static void test_faults_header_rejects_overlong_value(void **state)
{
    char big[700];
    struct am_fault f;
    char err[128];

    (void)state;
    memset(big, ' ', sizeof(big) - 1);
    memcpy(big, "empty", 5);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(am_fault_parse_header(big, &f, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "X-Mock-Fault: value too long");
}

/* ---- fault JSON --------------------------------------------------------------------- */

static void test_faults_fault_json_round_trips(void **state)
{
    static const char *const cases[] = {
        "{\"kind\":\"latency\",\"ms\":250}",
        "{\"kind\":\"latency\",\"dist\":\"uniform\",\"min\":10,\"max\":20}",
        "{\"kind\":\"latency\",\"dist\":\"lognormal\",\"median\":80,\"sigma\":0.4,\"cap\":2000}",
        "{\"kind\":\"status\",\"code\":429,\"retryAfter\":30}",
        "{\"kind\":\"refuse\",\"seconds\":5}",
        "{\"kind\":\"tls-abort\"}",
        "{\"kind\":\"dribble\",\"bps\":64}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *in = cJSON_Parse(cases[i]);
        struct am_fault f;
        char err[128] = "", *out;

        assert_non_null(in);
        if (am_fault_from_json(in, "fault", &f, err, sizeof(err)) != 0)
            fail_msg("%s: %s", cases[i], err);
        out = json_text(am_fault_to_json(&f));
        assert_string_equal(out, cases[i]);
        free(out);
        cJSON_Delete(in);
    }
}

static void test_faults_fault_json_rejects_bad_params(void **state)
{
    static const char *const cases[][2] = {
        {"{\"kind\":\"status\",\"code\":\"503\"}", "fault.code: must be an integer in 400..599"},
        {"{\"kind\":\"status\",\"code\":503.5}", "fault.code: must be an integer in 400..599"},
        {"{\"kind\":\"status\"}", "fault: status needs code"},
        {"{\"kind\":\"x\"}", "fault.kind: unknown kind 'x'"},
        {"{\"code\":500}", "fault.kind: required string"},
        {"{\"kind\":\"empty\",\"ms\":3}", "fault.ms: not a parameter of kind 'empty'"},
        {"{\"kind\":\"status\",\"code\":500,\"code\":501}", "fault.code: duplicate field"},
        {"{\"kind\":\"empty\",\"kind\":\"reset\"}", "fault.kind: duplicate field"},
        {"{\"kind\":\"latency\",\"dist\":1,\"min\":1,\"max\":2}",
         "fault.dist: must be \"uniform\" or \"lognormal\""},
        {"[1]", "fault: must be an object"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *in = cJSON_Parse(cases[i][0]);
        struct am_fault f;
        char err[128] = "";

        assert_non_null(in);
        assert_int_equal(am_fault_from_json(in, "fault", &f, err, sizeof(err)), -EINVAL);
        if (strcmp(err, cases[i][1]) != 0)
            fail_msg("%s: got '%s'", cases[i][0], err);
        cJSON_Delete(in);
    }
}

static void test_faults_status_response_is_asaas_shaped(void **state)
{
    struct am_response resp;
    struct am_fault f;
    char err[64];

    (void)state;
    am_response_init(&resp);
    assert_int_equal(am_fault_parse_header("status;code=503;reset=7", &f, err, sizeof(err)), 0);
    assert_int_equal(am_fault_status_response(&f, &resp), 0);
    assert_int_equal(resp.status, 503);
    assert_string_equal(resp.body, "{\"errors\":[{\"code\":\"service_unavailable\",\"description\":"
                                   "\"Serviço temporariamente indisponível. Tente novamente mais "
                                   "tarde\"}]}");
    assert_int_equal(resp.n_headers, 1);
    assert_string_equal(resp.headers[0].name, "Retry-After");
    assert_string_equal(resp.headers[0].value, "7");
    am_response_finish(&resp);

    assert_int_equal(am_fault_parse_header("status;code=429", &f, err, sizeof(err)), 0);
    assert_int_equal(am_fault_status_response(&f, &resp), 0);
    assert_int_equal(resp.status, 429);
    assert_non_null(strstr(resp.body, "\"code\":\"rate_limit_exceeded\""));
    assert_int_equal(resp.n_headers, 4);
    assert_string_equal(resp.headers[0].name, "RateLimit-Limit");
    assert_string_equal(resp.headers[0].value, "25000");
    assert_string_equal(resp.headers[1].name, "RateLimit-Remaining");
    assert_string_equal(resp.headers[1].value, "0");
    assert_string_equal(resp.headers[2].name, "RateLimit-Reset");
    assert_string_equal(resp.headers[2].value, "60");
    assert_string_equal(resp.headers[3].name, "Retry-After");
    assert_string_equal(resp.headers[3].value, "60");
    am_response_finish(&resp);

    assert_int_equal(am_fault_parse_header("status;code=418", &f, err, sizeof(err)), 0);
    assert_int_equal(am_fault_status_response(&f, &resp), 0);
    assert_int_equal(resp.status, 418);
    assert_string_equal(resp.body, "{\"errors\":[{\"code\":\"request_failed\",\"description\":"
                                   "\"A requisição falhou\"}]}");
    assert_int_equal(resp.n_headers, 0);
    am_response_finish(&resp);
}

/* ---- rule set management ------------------------------------------------------------ */

static void test_faults_rules_get_ids_and_render_with_stats(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(7);
    char id1[AM_FAULT_ID_MAX], id2[AM_FAULT_ID_MAX], *text;

    (void)state;
    add_rule(rules,
             "{\"description\":\"pix down\",\"match\":{\"method\":\"POST\",\"path\":\"/v3/payments\","
             "\"account\":\"default\",\"headers\":{\"X-Tenant\":\"a\"},\"body\":{\"billingType\":"
             "\"PIX\",\"value\":10,\"postalService\":false}},\"fault\":{\"kind\":\"status\","
             "\"code\":503},\"schedule\":{\"probability\":0.5,\"seed\":42,\"times\":3,\"skip\":1,"
             "\"sequence\":[\"fail\",\"succeed\"]}}",
             id1);
    add_rule(rules, "{\"id\":\"slow\",\"fault\":{\"kind\":\"latency\",\"ms\":5}}", id2);
    assert_string_equal(id1, "flt_1");
    assert_string_equal(id2, "slow");
    assert_int_equal(am_fault_rules_count(rules), 2);

    text = json_text(am_fault_rules_get_json(rules, "flt_1"));
    assert_string_equal(
        text,
        "{\"id\":\"flt_1\",\"description\":\"pix down\",\"match\":{\"method\":\"POST\",\"path\":"
        "\"/v3/payments\",\"account\":\"default\",\"headers\":{\"X-Tenant\":\"a\"},\"body\":{"
        "\"billingType\":\"PIX\",\"value\":10,\"postalService\":false}},\"fault\":{\"kind\":"
        "\"status\",\"code\":503,\"retryAfter\":60},\"schedule\":{\"probability\":0.5,\"seed\":42,"
        "\"times\":3,\"skip\":1,\"sequence\":[\"fail\",\"pass\"]},\"stats\":{\"matched\":0,"
        "\"fired\":0}}");
    free(text);
    assert_null(am_fault_rules_get_json(rules, "nope"));

    text = json_text(am_fault_rules_list_json(rules));
    assert_non_null(strstr(text, "{\"rules\":[{\"id\":\"flt_1\""));
    assert_non_null(strstr(text, "{\"id\":\"slow\",\"match\":{},\"fault\":{\"kind\":\"latency\","
                                 "\"ms\":5},\"schedule\":{\"seed\":"));
    free(text);

    assert_int_equal(am_fault_rules_remove(rules, "flt_1"), 0);
    assert_int_equal(am_fault_rules_remove(rules, "flt_1"), -ENOENT);
    assert_int_equal(am_fault_rules_count(rules), 1);
    add_rule(rules, "{\"fault\":{\"kind\":\"empty\"}}", id1);
    assert_string_equal(id1, "flt_2"); /* ids are never reused */
    am_fault_rules_clear(rules);
    assert_int_equal(am_fault_rules_count(rules), 0);
    text = json_text(am_fault_rules_list_json(rules));
    assert_string_equal(text, "{\"rules\":[]}");
    free(text);
    am_fault_rules_free(rules);
}

static void test_faults_rules_reject_duplicate_and_colliding_ids(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char id[AM_FAULT_ID_MAX], err[128] = "";
    cJSON *dup = cJSON_Parse("{\"id\":\"x\",\"fault\":{\"kind\":\"empty\"}}");

    (void)state;
    add_rule(rules, "{\"id\":\"x\",\"fault\":{\"kind\":\"empty\"}}", id);
    assert_int_equal(am_fault_rules_add_json(rules, dup, NULL, err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "id 'x' already exists");
    /* A user-chosen "flt_1" makes the generator skip to flt_2. */
    add_rule(rules, "{\"id\":\"flt_1\",\"fault\":{\"kind\":\"empty\"}}", id);
    add_rule(rules, "{\"fault\":{\"kind\":\"empty\"}}", id);
    assert_string_equal(id, "flt_2");
    cJSON_Delete(dup);
    am_fault_rules_free(rules);
}

static void test_faults_rules_reject_bad_rules_with_field_paths(void **state)
{
    (void)state;
    add_rule_fails("{\"fault\":{\"kind\":\"x\"}}", -EINVAL, "fault.kind: unknown kind 'x'");
    add_rule_fails("{}", -EINVAL, "fault: required");
    add_rule_fails("[]", -EINVAL, "a rule must be an object");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"extra\":1}", -EINVAL, "extra: unknown field");
    add_rule_fails("{\"id\":\"a b\",\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "id: must be 1..63 characters [A-Za-z0-9._-]");
    add_rule_fails("{\"match\":{\"verb\":\"GET\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.verb: unknown field");
    add_rule_fails("{\"match\":{\"method\":\"get\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.method: must be GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS");
    add_rule_fails("{\"match\":{\"path\":\"v3/x\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.path: must start with '/'");
    add_rule_fails("{\"match\":{\"path\":\"/v3//x\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.path: empty segment");
    add_rule_fails("{\"match\":{\"path\":\"/v3/cus_*\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.path: '*' must be a whole segment");
    add_rule_fails("{\"match\":{\"path\":\"/v3/**/x\"},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.path: '**' must be the last segment");
    add_rule_fails("{\"match\":{\"path\":\"/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p\"},\"fault\":{"
                   "\"kind\":\"empty\"}}",
                   -EINVAL, "match.path: more than 16 segments");
    add_rule_fails("{\"match\":{\"operation\":\"payments.fly\"},\"fault\":{\"kind\":\"empty\"}}",
                   -EINVAL, "match.operation: unknown operation 'payments.fly'");
    add_rule_fails("{\"match\":{\"operation\":\"mock.health\"},\"fault\":{\"kind\":\"empty\"}}",
                   -EINVAL, "match.operation: unknown operation 'mock.health'");
    add_rule_fails("{\"match\":{\"body\":{\"a\":[1]}},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.body: 'a' must be a string, number, boolean or null");
    add_rule_fails("{\"match\":{\"headers\":{\"X-A\":1}},\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "match.headers: 'X-A' needs a token name and a string value");
    add_rule_fails("{\"match\":{\"account\":\"default\"},\"fault\":{\"kind\":\"tls-abort\"}}",
                   -EINVAL,
                   "match: 'tls-abort' fires before any request is read: its match must be empty");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":1.5}}", -EINVAL,
                   "schedule.probability: must be a number in 0..1");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"seed\":-1}}", -EINVAL,
                   "schedule.seed: must be an integer in 0..2^53-1");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"times\":0}}", -EINVAL,
                   "schedule.times: must be a positive integer");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"sequence\":[]}}", -EINVAL,
                   "schedule.sequence: must be a non-empty array");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"sequence\":[\"boom\"]}}",
                   -EINVAL, "schedule.sequence: unknown element 'boom' (fail or pass)");
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"skip\":1,\"skip\":2}}",
                   -EINVAL, "schedule.skip: duplicate field");
}

static void test_faults_rules_refuse_key_shaped_matchers_and_descriptions(void **state)
{
#define KEY "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAw"
#define WHY "holds text shaped like an API key; rules are listed back whole, so they never hold " \
            "one (match the account instead)"
    (void)state;
    add_rule_fails("{\"match\":{\"headers\":{\"X-Tenant\":\"" KEY "\"}},\"fault\":{\"kind\":"
                   "\"empty\"}}",
                   -EINVAL, "match.headers: " WHY);
    add_rule_fails("{\"match\":{\"headers\":{\"" KEY "\":\"x\"}},\"fault\":{\"kind\":\"empty\"}}",
                   -EINVAL, "match.headers: " WHY);
    add_rule_fails("{\"match\":{\"body\":{\"externalReference\":\"ref " KEY "\"}},\"fault\":{"
                   "\"kind\":\"empty\"}}",
                   -EINVAL, "match.body: " WHY);
    add_rule_fails("{\"description\":\"" KEY "\",\"fault\":{\"kind\":\"empty\"}}", -EINVAL,
                   "description: " WHY);
#undef KEY
#undef WHY
}

static void test_faults_load_text_accepts_both_shapes_and_saved_listings(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(3), *again = am_fault_rules_new(3);
    char err[256] = "", *saved, *reloaded;
    const char *arr = "[{\"fault\":{\"kind\":\"empty\"}},{\"id\":\"b\",\"fault\":{\"kind\":"
                      "\"reset\"},\"schedule\":{\"times\":2}}]";

    (void)state;
    assert_int_equal(am_fault_rules_load_text(rules, arr, strlen(arr), "a.json", err, sizeof(err)),
                     0);
    assert_int_equal(am_fault_rules_count(rules), 2);
    saved = json_text(am_fault_rules_list_json(rules));
    /* A saved listing ({"rules":[...]} with stats) loads back to the same rules. */
    assert_int_equal(am_fault_rules_load_text(again, saved, strlen(saved), "saved", err,
                                              sizeof(err)),
                     0);
    reloaded = json_text(am_fault_rules_list_json(again));
    assert_string_equal(reloaded, saved);
    free(saved);
    free(reloaded);
    am_fault_rules_free(rules);
    am_fault_rules_free(again);
}

static void test_faults_load_text_reports_position_and_adds_nothing(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(3);
    char err[256] = "";
    const char *bad_kind = "{\"rules\":[{\"fault\":{\"kind\":\"empty\"}},{\"fault\":{\"kind\":"
                           "\"empty\"}},{\"fault\":{\"kind\":\"x\"}}]}";
    const char *bad_json = "[\n  {\"fault\": }\n]";
    const char *dup = "[{\"id\":\"a\",\"fault\":{\"kind\":\"empty\"}},{\"id\":\"a\",\"fault\":"
                      "{\"kind\":\"empty\"}}]";
    const char *shape = "{\"rule\":[]}";

    (void)state;
    assert_int_equal(am_fault_rules_load_text(rules, bad_kind, strlen(bad_kind), "f.json", err,
                                              sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "f.json: rules[2].fault.kind: unknown kind 'x'");
    assert_int_equal(am_fault_rules_count(rules), 0);
    assert_int_equal(am_fault_rules_load_text(rules, bad_json, strlen(bad_json), "f.json", err,
                                              sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "f.json:2:13: invalid JSON");
    assert_int_equal(am_fault_rules_load_text(rules, dup, strlen(dup), "f.json", err, sizeof(err)),
                     -EEXIST);
    assert_string_equal(err, "f.json: id 'a' already exists");
    assert_int_equal(am_fault_rules_count(rules), 0);
    assert_int_equal(am_fault_rules_load_text(rules, shape, strlen(shape), "f.json", err,
                                              sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "f.json: rule: unknown field");
    assert_int_equal(am_fault_rules_load_text(rules, "[] x", 4, "f.json", err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "f.json:1:4: invalid JSON");
    am_fault_rules_free(rules);
}

static void test_faults_load_file_reads_and_reports_missing(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(3);
    char path[] = "/tmp/am_test_faults_XXXXXX", err[256] = "";
    const char *text = "[{\"fault\":{\"kind\":\"garbage\"}}]";
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(am_fault_rules_load_file(rules, path, err, sizeof(err)), 0);
    assert_int_equal(am_fault_rules_count(rules), 1);
    unlink(path);
    assert_int_equal(am_fault_rules_load_file(rules, path, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "No such file"));
    am_fault_rules_free(rules);
}

/* ---- matchers ----------------------------------------------------------------------- */

static void test_faults_match_method_and_operation(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char id[AM_FAULT_ID_MAX];

    (void)state;
    add_rule(rules, "{\"match\":{\"method\":\"DELETE\"},\"fault\":{\"kind\":\"empty\"}}", id);
    add_rule(rules, "{\"match\":{\"operation\":\"customers.create\"},\"fault\":{\"kind\":\"reset\"}}",
             NULL);
    assert_int_equal(fires(rules, AM_METHOD_GET, "/v3/customers", AM_ROUTE_CUSTOMERS_LIST, NULL, id),
                     0);
    assert_int_equal(
        fires(rules, AM_METHOD_DELETE, "/v3/customers/x", AM_ROUTE_CUSTOMERS_DELETE, NULL, id), 1);
    assert_string_equal(id, "flt_1");
    assert_int_equal(
        fires(rules, AM_METHOD_POST, "/v3/customers", AM_ROUTE_CUSTOMERS_CREATE, NULL, id), 1);
    assert_string_equal(id, "flt_2");
    assert_int_equal(
        fires(rules, AM_METHOD_POST, "/v3/customers/x", AM_ROUTE_CUSTOMERS_UPDATE, NULL, id), 0);
    am_fault_rules_free(rules);
}

static void test_faults_match_path_patterns(void **state)
{
    static const struct {
        const char *pattern, *path;
        int want;
    } cases[] = {
        {"/v3/payments/*/refund", "/v3/payments/pay_1/refund", 1},
        {"/v3/payments/*/refund", "/api/v3/payments/pay_1/refund", 1},
        {"/api/v3/payments/*/refund", "/v3/payments/pay_1/refund", 1},
        {"/v3/payments/*/refund", "/v3/payments/refund", 0},
        {"/v3/payments/*/refund", "/v3/payments//refund", 0},
        {"/v3/payments/*/refund", "/v3/payments/pay_1/refund/x", 0},
        {"/v3/payments/*", "/v3/payments/pay_1", 1},
        {"/v3/payments/*", "/v3/payments", 0},
        {"/v3/payments/*", "/v3/payments/", 0},
        {"/v3/payments", "/v3/payments/", 0},
        {"/v3/payments", "/v3/payment", 0},
        {"/v3/payments", "/v3/paymentsX", 0},
        {"/v3/**", "/v3/payments/pay_1/refund", 1},
        {"/v3/**", "/v3", 1},
        {"/v3/**", "/api/v3/customers", 1},
        {"/v3/**", "/__mock/faults", 0},
        {"/v3/payments/**", "/v3/customers/x", 0},
        {"/**", "/anything/at/all", 1},
        {"/api/v3x/a", "/api/v3x/a", 1},
        {"/v3/a", "/api/v3x/a", 0},
        /* Paths longer than any pattern (16 segments) only match a '**' pattern. */
        {"/v3/**", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", 1},
        {"/v3/*/b/**", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", 1},
        {"/v3/*/c/**", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", 0},
        {"/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", 1},
        {"/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", 0},
        {"/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/**", "/v3/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", 1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct am_fault_rules *rules = am_fault_rules_new(1);
        char json[256];

        snprintf(json, sizeof(json), "{\"match\":{\"path\":\"%s\"},\"fault\":{\"kind\":\"empty\"}}",
                 cases[i].pattern);
        add_rule(rules, json, NULL);
        if (fires(rules, AM_METHOD_GET, cases[i].path, AM_ROUTE_NONE, NULL, NULL) != cases[i].want)
            fail_msg("pattern %s path %s: want %d", cases[i].pattern, cases[i].path,
                     cases[i].want);
        am_fault_rules_free(rules);
    }
}

static void test_faults_match_account_and_headers(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    struct am_request req;
    struct am_fault_request in = req_of(AM_METHOD_GET, "/v3/customers", AM_ROUTE_NONE, "acme");
    struct am_fault f;

    (void)state;
    add_rule(rules, "{\"match\":{\"account\":\"acme\",\"headers\":{\"x-tenant\":\"blue\","
                    "\"X-Env\":\"ci\"}},\"fault\":{\"kind\":\"empty\"}}",
             NULL);
    memset(&req, 0, sizeof(req));
    in.req = &req;
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0); /* no headers */
    am_request_add_header(&req, "X-Tenant", "blue");
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0); /* one of two */
    am_request_add_header(&req, "x-env", "ci");
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 1);
    assert_int_equal(f.kind, AM_FAULT_EMPTY);
    in.account_id = "other";
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0);
    in.account_id = NULL;
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0);
    in.account_id = "acme";
    req.headers[0].value = "Blue"; /* values compare exactly */
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0);
    in.req = NULL;
    assert_int_equal(am_faults_decide(rules, &in, &f, NULL), 0);
    am_fault_rules_free(rules);
}

static void test_faults_match_body_fields(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);

    (void)state;
    add_rule(rules, "{\"match\":{\"body\":{\"billingType\":\"PIX\",\"value\":10.5,"
                    "\"postalService\":true,\"externalReference\":null}},\"fault\":{\"kind\":"
                    "\"empty\"}}",
             NULL);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"PIX\",\"value\":10.5,\"postalService\":"
                                       "true,\"externalReference\":null,\"other\":[1]}"),
                     1);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"BOLETO\",\"value\":10.5,"
                                       "\"postalService\":true,\"externalReference\":null}"),
                     0);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"PIX\",\"value\":\"10.5\","
                                       "\"postalService\":true,\"externalReference\":null}"),
                     0);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"PIX\",\"value\":10.5,"
                                       "\"postalService\":1,\"externalReference\":null}"),
                     0);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"PIX\",\"value\":10.5,"
                                       "\"postalService\":true}"),
                     0);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"PIX\""), 0); /* invalid JSON */
    assert_int_equal(fires_body(rules, "[\"PIX\"]"), 0);
    assert_int_equal(fires_body(rules, NULL), 0);
    am_fault_rules_free(rules);
}

static void test_faults_body_parsed_at_most_once_per_decide(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char id[AM_FAULT_ID_MAX];

    (void)state;
    for (int i = 0; i < 50; i++)
        add_rule(rules, "{\"match\":{\"body\":{\"billingType\":\"CREDIT_CARD\"}},\"fault\":{"
                        "\"kind\":\"empty\"}}",
                 NULL);
    add_rule(rules, "{\"match\":{\"body\":{\"billingType\":\"PIX\"}},\"fault\":{\"kind\":"
                    "\"reset\"}}",
             NULL);
    assert_int_equal(am_faults_body_parses(rules), 0);
    assert_int_equal(fires_body(rules, "{\"billingType\":\"BOLETO\"}"), 0);
    assert_int_equal(am_faults_body_parses(rules), 1);
    {
        struct am_fault_request in =
            req_of(AM_METHOD_POST, "/v3/payments", AM_ROUTE_NONE, "default");
        struct am_fault f;

        in.body = "{\"billingType\":\"PIX\"}";
        in.body_len = strlen(in.body);
        assert_int_equal(am_faults_decide(rules, &in, &f, id), 1);
        assert_string_equal(id, "flt_51");
        assert_int_equal(f.kind, AM_FAULT_RESET);
    }
    assert_int_equal(am_faults_body_parses(rules), 2);
    am_fault_rules_free(rules);

    /* A body rule that fails its cheap checks never parses. */
    rules = am_fault_rules_new(1);
    add_rule(rules, "{\"match\":{\"method\":\"GET\",\"body\":{\"a\":1}},\"fault\":{\"kind\":"
                    "\"empty\"}}",
             NULL);
    assert_int_equal(fires_body(rules, "{\"a\":1}"), 0);
    assert_int_equal(am_faults_body_parses(rules), 0);
    am_fault_rules_free(rules);
}

static void test_faults_hundred_non_matching_rules_then_a_match(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char id[AM_FAULT_ID_MAX];

    (void)state;
    for (int i = 0; i < 100; i++) {
        char json[256];

        snprintf(json, sizeof(json),
                 "{\"match\":{\"method\":\"%s\",\"path\":\"/v3/payments/*/r%d\"},\"fault\":{"
                 "\"kind\":\"status\",\"code\":500}}",
                 i % 2 ? "POST" : "GET", i);
        add_rule(rules, json, NULL);
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(
            fires(rules, AM_METHOD_GET, "/v3/customers", AM_ROUTE_CUSTOMERS_LIST, "d", NULL), 0);
    assert_int_equal(fires(rules, AM_METHOD_POST, "/v3/payments/x/r99", AM_ROUTE_NONE, "d", id), 1);
    assert_string_equal(id, "flt_100");
    assert_int_equal(am_faults_body_parses(rules), 0);
    am_fault_rules_free(rules);
}

/* Rules filed under every kind of index key (header, account, path segment, operation,
 * method, none) all match one request: they must still fire in insertion order, across
 * bitmap words, and a change to the set must reach the next decide. */
static void test_faults_index_keeps_rule_order_across_anchors(void **state)
{
    static const char *const matching[] = {
        "{\"id\":\"by-header\",\"match\":{\"headers\":{\"X-Tenant\":\"blue\"}},",
        "{\"id\":\"by-none\",\"match\":{},",
        "{\"id\":\"by-segment\",\"match\":{\"path\":\"/v3/customers/*\"},",
        "{\"id\":\"by-account\",\"match\":{\"account\":\"acme\",\"path\":\"/v3/**\"},",
        "{\"id\":\"by-method\",\"match\":{\"method\":\"GET\"},",
        "{\"id\":\"by-operation\",\"match\":{\"operation\":\"customers.get\"},",
    };
    struct am_fault_rules *rules = am_fault_rules_new(1);
    struct am_request req;
    struct am_fault_request in =
        req_of(AM_METHOD_GET, "/v3/customers/cus_1", AM_ROUTE_CUSTOMERS_GET, "acme");
    struct am_fault f;
    char id[AM_FAULT_ID_MAX], json[256];
    size_t n = sizeof(matching) / sizeof(matching[0]);

    (void)state;
    memset(&req, 0, sizeof(req));
    am_request_add_header(&req, "x-tenant", "blue");
    in.req = &req;
    for (int i = 0; i < 61; i++) { /* never match: the matching ones straddle words 0 and 1 */
        snprintf(json, sizeof(json),
                 "{\"match\":{\"path\":\"/v3/customers/other%d\"},\"fault\":{\"kind\":"
                 "\"empty\"}}", i);
        add_rule(rules, json, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(json, sizeof(json), "%s\"fault\":{\"kind\":\"status\",\"code\":503}}",
                 matching[i]);
        add_rule(rules, json, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        const char *want = strstr(matching[i], "by-");
        size_t len = strcspn(want, "\"");

        assert_int_equal(am_faults_decide(rules, &in, &f, id), 1);
        assert_int_equal(strlen(id), len);
        assert_memory_equal(id, want, len);
        assert_int_equal(am_fault_rules_remove(rules, id), 0);
    }
    assert_int_equal(am_faults_decide(rules, &in, &f, id), 0);
    /* A path too long to split still reaches the rules that a full check would match. */
    add_rule(rules, "{\"id\":\"deep\",\"match\":{\"path\":\"/v3/customers/**\"},"
                    "\"fault\":{\"kind\":\"empty\"}}", NULL);
    in.path = "/v3/customers/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r";
    assert_int_equal(am_faults_decide(rules, &in, &f, id), 1);
    assert_string_equal(id, "deep");
    in.path = "/v3/payments/a";
    assert_int_equal(am_faults_decide(rules, &in, &f, id), 0);
    am_fault_rules_clear(rules);
    in.path = "/v3/customers/a";
    assert_int_equal(am_faults_decide(rules, &in, &f, id), 0);
    am_fault_rules_free(rules);
}

static void test_faults_first_firing_rule_wins(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char id[AM_FAULT_ID_MAX], *text;

    (void)state;
    add_rule(rules, "{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"skip\":1}}", NULL);
    add_rule(rules, "{\"fault\":{\"kind\":\"reset\"}}", NULL);
    assert_int_equal(fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, id), 1);
    assert_string_equal(id, "flt_2"); /* flt_1 skipped its first match */
    assert_int_equal(fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, id), 1);
    assert_string_equal(id, "flt_1");
    text = json_text(am_fault_rules_list_json(rules));
    assert_non_null(strstr(text, "\"stats\":{\"matched\":2,\"fired\":1}}"));
    assert_non_null(strstr(text, "\"stats\":{\"matched\":1,\"fired\":1}}"));
    free(text);
    am_fault_rules_free(rules);
}

/* ---- schedules ---------------------------------------------------------------------- */

/* Fire pattern of one rule over n identical requests, as '1'/'0'. */
static void pattern_of(const char *rule_json, uint64_t base_seed, size_t n, char *out)
{
    struct am_fault_rules *rules = am_fault_rules_new(base_seed);

    add_rule(rules, rule_json, NULL);
    for (size_t i = 0; i < n; i++)
        out[i] = fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, NULL) ? '1' : '0';
    out[n] = '\0';
    am_fault_rules_free(rules);
}

static void test_faults_same_seed_fires_same_sequence(void **state)
{
    const char *r42 = "{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":0.5,\"seed\":42}}";
    const char *r43 = "{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":0.5,\"seed\":43}}";
    char a[201], b[201], c[201];
    size_t ones = 0;

    (void)state;
    pattern_of(r42, 1, 200, a);
    pattern_of(r42, 999, 200, b); /* the explicit seed wins over the base seed */
    pattern_of(r43, 1, 200, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    for (size_t i = 0; i < 200; i++)
        ones += a[i] == '1';
    assert_in_range(ones, 70, 130);

    /* The same seed gives the same sequence whatever other rules (and their draws) do. */
    {
        struct am_fault_rules *rules = am_fault_rules_new(5);
        char d[201], id[AM_FAULT_ID_MAX];

        add_rule(rules, "{\"match\":{\"path\":\"/v3/other\"},\"fault\":{\"kind\":\"reset\"},"
                        "\"schedule\":{\"probability\":0.3,\"seed\":1}}",
                 NULL);
        add_rule(rules, "{\"match\":{\"path\":\"/v3/x\"},\"fault\":{\"kind\":\"empty\"},"
                        "\"schedule\":{\"probability\":0.5,\"seed\":42}}",
                 NULL);
        for (size_t i = 0; i < 200; i++) {
            fires(rules, AM_METHOD_GET, "/v3/other", AM_ROUTE_NONE, NULL, NULL);
            d[i] = fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, id) ? '1' : '0';
        }
        d[200] = '\0';
        assert_string_equal(d, a);
        am_fault_rules_free(rules);
    }
}

static void test_faults_default_seed_follows_base_seed(void **state)
{
    const char *r = "{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":0.5}}";
    char a[101], b[101], c[101];

    (void)state;
    pattern_of(r, 77, 100, a);
    pattern_of(r, 77, 100, b);
    pattern_of(r, 78, 100, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

/* A seed above 10^15 must come back digit for digit: cJSON prints such doubles with 15
 * significant digits, which once turned 5275563004262941 into 5.27556300426294e+15. */
static void test_faults_listing_prints_seeds_exactly(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char *text;

    (void)state;
    add_rule(rules, "{\"id\":\"big\",\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"seed\":"
                    "5275563004262941}}",
             NULL);
    add_rule(rules, "{\"id\":\"max\",\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"seed\":"
                    "9007199254740991}}",
             NULL);
    text = json_text(am_fault_rules_list_json(rules));
    assert_non_null(strstr(text, "\"schedule\":{\"seed\":5275563004262941}"));
    assert_non_null(strstr(text, "\"schedule\":{\"seed\":9007199254740991}"));
    assert_null(strstr(text, "e+"));
    free(text);
    am_fault_rules_free(rules);
    add_rule_fails("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"seed\":9007199254740992}}",
                   -EINVAL, "schedule.seed: must be an integer in 0..2^53-1");
}

/* A rule copied from the listing (default seed: 53 random bits, usually 16 digits) and
 * added to a fresh set fires the same sequence as the original. */
static void test_faults_listed_rule_replays_its_sequence(void **state)
{
    (void)state;
    for (uint64_t base = 1; base <= 20; base++) {
        struct am_fault_rules *rules = am_fault_rules_new(base), *copy = am_fault_rules_new(999);
        cJSON *listing, *rule;
        char a[129], b[129], err[256] = "";

        add_rule(rules, "{\"id\":\"coin\",\"fault\":{\"kind\":\"empty\"},\"schedule\":"
                        "{\"probability\":0.5}}",
                 NULL);
        /* Through text, as a client saving the listing does. */
        {
            char *text = json_text(am_fault_rules_list_json(rules));
            listing = cJSON_Parse(text);
            free(text);
        }
        assert_non_null(listing);
        rule = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(listing, "rules"), 0);
        assert_non_null(rule);
        if (am_fault_rules_add_json(copy, rule, NULL, err, sizeof(err)) != 0)
            fail_msg("re-adding the listed rule: %s", err);
        cJSON_Delete(listing);
        for (size_t i = 0; i < 128; i++) {
            a[i] = fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, NULL) ? '1' : '0';
            b[i] = fires(copy, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL, NULL) ? '1' : '0';
        }
        a[128] = b[128] = '\0';
        assert_string_equal(b, a);
        am_fault_rules_free(rules);
        am_fault_rules_free(copy);
    }
}

/* "reset" was the first name of retryAfter: still accepted, always listed as retryAfter. */
static void test_faults_status_reset_is_an_alias_of_retry_after(void **state)
{
    cJSON *in = cJSON_Parse("{\"kind\":\"status\",\"code\":503,\"reset\":7}");
    struct am_fault f;
    char err[128] = "", *out;

    (void)state;
    assert_non_null(in);
    assert_int_equal(am_fault_from_json(in, "fault", &f, err, sizeof(err)), 0);
    cJSON_Delete(in);
    assert_int_equal(f.reset_s, 7);
    out = json_text(am_fault_to_json(&f));
    assert_string_equal(out, "{\"kind\":\"status\",\"code\":503,\"retryAfter\":7}");
    free(out);
    in = cJSON_Parse("{\"kind\":\"status\",\"code\":503,\"reset\":7,\"retryAfter\":8}");
    assert_int_equal(am_fault_from_json(in, "fault", &f, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "fault.retryAfter: duplicate field");
    cJSON_Delete(in);
}

static void test_faults_times_skip_and_sequence(void **state)
{
    char p[13];

    (void)state;
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"times\":3}}", 1, 8, p);
    assert_string_equal(p, "11100000");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"skip\":2}}", 1, 6, p);
    assert_string_equal(p, "001111");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"skip\":2,\"times\":2}}", 1, 6, p);
    assert_string_equal(p, "001100");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"sequence\":[\"fail\",\"fail\","
               "\"pass\"]}}",
               1, 6, p);
    assert_string_equal(p, "110000");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"sequence\":[\"pass\",\"fail\"]}}",
               1, 5, p);
    assert_string_equal(p, "01111");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"skip\":1,\"sequence\":[\"fail\","
               "\"pass\",\"fail\"],\"times\":3}}",
               1, 12, p);
    assert_string_equal(p, "010110000000");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":0}}", 1, 5, p);
    assert_string_equal(p, "00000");
    pattern_of("{\"fault\":{\"kind\":\"empty\"},\"schedule\":{\"probability\":1}}", 1, 5, p);
    assert_string_equal(p, "11111");
}

static void test_faults_connection_rules_fire_only_at_accept(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    struct am_fault f;
    char id[AM_FAULT_ID_MAX];

    (void)state;
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 0);
    add_rule(rules, "{\"match\":{},\"fault\":{\"kind\":\"tls-abort\"},\"schedule\":{\"times\":2}}",
             NULL);
    add_rule(rules, "{\"id\":\"down\",\"fault\":{\"kind\":\"refuse\",\"seconds\":5},"
                    "\"schedule\":{\"skip\":2,\"times\":1}}",
             NULL);
    assert_int_equal(fires(rules, AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, "a", NULL), 0);
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 1);
    assert_int_equal(f.kind, AM_FAULT_TLS_ABORT);
    assert_string_equal(id, "flt_1");
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 1);
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 0); /* refuse skips 1st */
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 0); /* ... and 2nd */
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 1);
    assert_int_equal(f.kind, AM_FAULT_REFUSE);
    assert_int_equal(f.seconds, 5);
    assert_string_equal(id, "down");
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 0);
    assert_int_equal(am_fault_rules_remove(rules, "down"), 0);
    assert_int_equal(am_fault_rules_remove(rules, "flt_1"), 0);
    assert_int_equal(am_faults_decide_connection(rules, &f, id), 0);
    am_fault_rules_free(rules);
}

/* ---- latency ------------------------------------------------------------------------ */

static void test_faults_uniform_latency_stays_in_bounds(void **state)
{
    struct am_fault f;
    char err[64];
    uint64_t rng = 12345;
    bool saw_min = false, saw_max = false;

    (void)state;
    assert_int_equal(am_fault_parse_header("latency;dist=uniform;min=10;max=20", &f, err,
                                           sizeof(err)),
                     0);
    for (int i = 0; i < 10000; i++) {
        uint32_t ms = am_fault_latency_ms(&f, &rng);

        assert_in_range(ms, 10, 20);
        saw_min = saw_min || ms == 10;
        saw_max = saw_max || ms == 20;
    }
    assert_true(saw_min && saw_max);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static void test_faults_lognormal_latency_median_and_cap(void **state)
{
    static uint32_t v[10000];
    struct am_fault f;
    char err[64];
    uint64_t rng = 42;

    (void)state;
    assert_int_equal(am_fault_parse_header("latency;dist=lognormal;median=100;sigma=0.5", &f, err,
                                           sizeof(err)),
                     0);
    for (int i = 0; i < 10000; i++)
        v[i] = am_fault_latency_ms(&f, &rng);
    qsort(v, 10000, sizeof(v[0]), cmp_u32);
    assert_in_range(v[5000], 95, 105);
    /* sigma 0.5: the 84th percentile sits near median * e^0.5 = 165. */
    assert_in_range(v[8413], 155, 175);

    assert_int_equal(am_fault_parse_header("latency;dist=lognormal;median=100;sigma=2;cap=150",
                                           &f, err, sizeof(err)),
                     0);
    for (int i = 0; i < 10000; i++)
        assert_true(am_fault_latency_ms(&f, &rng) <= 150);
    assert_int_equal(am_fault_parse_header("latency;dist=lognormal;median=100;sigma=0", &f, err,
                                           sizeof(err)),
                     0);
    assert_int_equal(am_fault_latency_ms(&f, &rng), 100);
}

static void test_faults_decide_samples_latency_from_the_rule_seed(void **state)
{
    struct am_fault_rules *a = am_fault_rules_new(1), *b = am_fault_rules_new(2);
    const char *r = "{\"fault\":{\"kind\":\"latency\",\"dist\":\"uniform\",\"min\":0,\"max\":"
                    "100000},\"schedule\":{\"seed\":9}}";
    struct am_fault fa, fb, h;
    struct am_fault_request in = req_of(AM_METHOD_GET, "/v3/x", AM_ROUTE_NONE, NULL);
    char err[64];
    bool differ = false;
    uint32_t first = 0;

    (void)state;
    add_rule(a, r, NULL);
    add_rule(b, r, NULL);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(am_faults_decide(a, &in, &fa, NULL), 1);
        assert_int_equal(am_faults_decide(b, &in, &fb, NULL), 1);
        assert_int_equal(fa.delay_ms, fb.delay_ms);
        if (i == 0)
            first = fa.delay_ms;
        else if (fa.delay_ms != first)
            differ = true;
    }
    assert_true(differ);
    /* Header faults sample from the set's own stream. */
    assert_int_equal(am_fault_parse_header("latency;ms=33", &h, err, sizeof(err)), 0);
    am_faults_resolve(a, &h);
    assert_int_equal(h.delay_ms, 33);
    am_fault_rules_free(a);
    am_fault_rules_free(b);
}


/* ---- webhook faults ---------------------------------------------------------------- */

/* Adds and expects -EINVAL with part in the message. */
static void webhook_rule_fails(const char *json, const char *part)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    char err[256] = "";
    cJSON *obj = cJSON_Parse(json);

    assert_non_null(obj);
    assert_int_equal(am_fault_rules_add_json(rules, obj, NULL, err, sizeof(err)), -EINVAL);
    if (!strstr(err, part))
        fail_msg("'%s' lacks '%s'", err, part);
    cJSON_Delete(obj);
    am_fault_rules_free(rules);
}

static void test_faults_webhook_rules_act_only_on_deliveries(void **state)
{
    struct am_fault_rules *rules = am_fault_rules_new(1);
    struct am_fault_request in = {.method = AM_METHOD_POST, .path = "/v3/payments",
                                  .route = AM_ROUTE_PAYMENTS_CREATE, .account_id = "acc"};
    struct am_fault f;
    char id[AM_FAULT_ID_MAX], err[160];
    (void)state;

    add_rule(rules, "{\"id\":\"dup\",\"match\":{\"account\":\"acc\",\"event\":"
                    "\"PAYMENT_RECEIVED\"},\"fault\":{\"kind\":\"duplicate\",\"copies\":2},"
                    "\"schedule\":{\"times\":1}}", id);
    add_rule(rules, "{\"fault\":{\"kind\":\"delay\",\"ms\":250}}", id);
    /* Requests never see webhook rules. */
    assert_int_equal(am_faults_decide(rules, &in, &f, id), 0);
    /* Deliveries: the first matching rule fires, within its schedule. */
    assert_int_equal(am_faults_decide_webhook(rules, "acc", "PAYMENT_RECEIVED", &f, id), 1);
    assert_int_equal(f.kind, AM_FAULT_WH_DUPLICATE);
    assert_int_equal(f.copies, 2);
    assert_string_equal(id, "dup");
    assert_int_equal(am_faults_decide_webhook(rules, "acc", "PAYMENT_RECEIVED", &f, id), 1);
    assert_int_equal(f.kind, AM_FAULT_WH_DELAY);
    assert_int_equal(f.delay_ms, 250);
    assert_int_equal(am_faults_decide_webhook(rules, "other", "PAYMENT_CREATED", &f, id), 1);
    assert_int_equal(f.kind, AM_FAULT_WH_DELAY);
    /* Defaults and the header refusing them. */
    add_rule(rules, "{\"fault\":{\"kind\":\"reorder\"}}", id);
    add_rule(rules, "{\"fault\":{\"kind\":\"burst\"}}", id);
    add_rule(rules, "{\"fault\":{\"kind\":\"corrupt-token\",\"missing\":1}}", id);
    assert_int_equal(am_fault_parse_header("drop", &f, err, sizeof(err)), -EINVAL);
    am_fault_rules_free(rules);
    webhook_rule_fails("{\"match\":{\"path\":\"/v3/x\"},\"fault\":{\"kind\":\"drop\"}}", "match only");
    webhook_rule_fails("{\"match\":{\"event\":\"PAYMENT_PAID\"},\"fault\":{\"kind\":\"drop\"}}", "unknown webhook event");
    webhook_rule_fails("{\"match\":{\"event\":\"PAYMENT_CREATED\"},\"fault\":{\"kind\":"
                   "\"status\",\"code\":500}}", "only for webhook faults");
    webhook_rule_fails("{\"fault\":{\"kind\":\"reorder\",\"window\":1}}", "window");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_kind_names_round_trip),
        cmocka_unit_test(test_faults_webhook_rules_act_only_on_deliveries),
        cmocka_unit_test(test_faults_header_parses_every_kind_and_formats_back),
        cmocka_unit_test(test_faults_header_fields_are_exact),
        cmocka_unit_test(test_faults_header_rejects_bad_values),
        cmocka_unit_test(test_faults_header_rejects_overlong_value),
        cmocka_unit_test(test_faults_fault_json_round_trips),
        cmocka_unit_test(test_faults_fault_json_rejects_bad_params),
        cmocka_unit_test(test_faults_status_response_is_asaas_shaped),
        cmocka_unit_test(test_faults_rules_get_ids_and_render_with_stats),
        cmocka_unit_test(test_faults_rules_reject_duplicate_and_colliding_ids),
        cmocka_unit_test(test_faults_rules_reject_bad_rules_with_field_paths),
        cmocka_unit_test(test_faults_rules_refuse_key_shaped_matchers_and_descriptions),
        cmocka_unit_test(test_faults_load_text_accepts_both_shapes_and_saved_listings),
        cmocka_unit_test(test_faults_load_text_reports_position_and_adds_nothing),
        cmocka_unit_test(test_faults_load_file_reads_and_reports_missing),
        cmocka_unit_test(test_faults_match_method_and_operation),
        cmocka_unit_test(test_faults_match_path_patterns),
        cmocka_unit_test(test_faults_match_account_and_headers),
        cmocka_unit_test(test_faults_match_body_fields),
        cmocka_unit_test(test_faults_body_parsed_at_most_once_per_decide),
        cmocka_unit_test(test_faults_hundred_non_matching_rules_then_a_match),
        cmocka_unit_test(test_faults_index_keeps_rule_order_across_anchors),
        cmocka_unit_test(test_faults_first_firing_rule_wins),
        cmocka_unit_test(test_faults_same_seed_fires_same_sequence),
        cmocka_unit_test(test_faults_default_seed_follows_base_seed),
        cmocka_unit_test(test_faults_listing_prints_seeds_exactly),
        cmocka_unit_test(test_faults_listed_rule_replays_its_sequence),
        cmocka_unit_test(test_faults_status_reset_is_an_alias_of_retry_after),
        cmocka_unit_test(test_faults_times_skip_and_sequence),
        cmocka_unit_test(test_faults_connection_rules_fire_only_at_accept),
        cmocka_unit_test(test_faults_uniform_latency_stays_in_bounds),
        cmocka_unit_test(test_faults_lognormal_latency_median_and_cap),
        cmocka_unit_test(test_faults_decide_samples_latency_from_the_rule_seed),
    };

    return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}

/* test_webhooks.c - the webhook queue state machine, driven by a fake clock and a fake
 * transport: validation, the §7.2 schedule, penalty, interruption, resume, retention,
 * sequential blocking, parallel sends and the §7.1 envelope fed from the event log. */
#include "test_helpers.h"

#include <errno.h>

#include "billing.h"
#include "webhooks.h"
#include "webhooks_state.h"

#define T0 INT64_C(1780000000)
#define TOKEN "whsec_0123456789abcdef0123456789abcdef"

/* The fake clock. */
static int64_t now_s;

static cJSON *body_of(const char *json)
{
    cJSON *b = cJSON_Parse(json);
    assert_non_null(b);
    return b;
}

/* Creates a config from json; asserts it was accepted. */
static struct am_webhook_config *make(struct am_webhooks *w, const char *id, const char *json)
{
    struct am_webhook_config *c = NULL;
    struct am_webhook_error err;
    cJSON *b = body_of(json);
    int r = am_webhooks_create(w, b, id, &err, &c);

    cJSON_Delete(b);
    if (r != 0)
        fail_msg("create refused: %s %s", err.code, err.description);
    return c;
}

static void expect_refused(struct am_webhooks *w, const char *json, const char *code,
                           const char *text_part)
{
    struct am_webhook_error err;
    cJSON *b = body_of(json);
    int r = am_webhooks_create(w, b, "x", &err, NULL);

    cJSON_Delete(b);
    assert_int_equal(r, 1);
    assert_string_equal(err.code, code);
    if (text_part && !strstr(err.description, text_part))
        fail_msg("'%s' lacks '%s'", err.description, text_part);
}

#define SEQ_BODY(events)                                                                          \
    "{\"name\":\"n\",\"url\":\"http://127.0.0.1:9/hook\",\"email\":\"a@b.co\","                   \
    "\"sendType\":\"SEQUENTIALLY\",\"authToken\":\"" TOKEN "\",\"events\":[" events "]}"
#define NONSEQ_BODY(events)                                                                       \
    "{\"name\":\"n\",\"url\":\"https://hooks.local:8443/x\",\"email\":\"a@b.co\","                \
    "\"sendType\":\"NON_SEQUENTIALLY\",\"events\":[" events "]}"

static void enqueue(struct am_webhooks *w, uint64_t seq, const char *event, int64_t at)
{
    char id[64], body[128];

    snprintf(id, sizeof(id), "evt_%032llx&%llu", (unsigned long long)seq, (unsigned long long)seq);
    snprintf(body, sizeof(body), "{\"id\":\"%s\",\"event\":\"%s\"}", id, event);
    assert_true(am_webhooks_enqueue(w, NULL, seq, id, event, at, body, strlen(body)) >= 0);
}

/* The fake transport: takes every due send, answers them all ok or all failed. */
static size_t deliver(struct am_webhooks *w, bool ok, struct am_webhook_send *out, size_t max)
{
    size_t n = am_webhooks_due(w, now_s, out, max);

    for (size_t i = 0; i < n; i++)
        am_webhooks_report(w, out[i].config_id, out[i].item_id, ok, now_s, NULL);
    return n;
}

static void test_webhooks_validation_in_asaas_shape(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    (void)state;

    expect_refused(w, "{\"name\":\"n\",\"email\":\"a@b.co\",\"sendType\":\"SEQUENTIALLY\","
                      "\"events\":[\"PAYMENT_CREATED\"]}", "invalid_url", "informada");
    expect_refused(w, "{\"name\":\"n\",\"url\":\"ftp://x/\",\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\",\"events\":[\"PAYMENT_CREATED\"]}",
                   "invalid_url", "inválida");
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://x y/\",\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\",\"events\":[\"PAYMENT_CREATED\"]}",
                   "invalid_url", NULL);
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"sendType\":\"SEQUENTIALLY\","
                      "\"events\":[\"PAYMENT_CREATED\"]}", "invalid_email", NULL);
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"email\":\"nope\","
                      "\"sendType\":\"SEQUENTIALLY\",\"events\":[\"PAYMENT_CREATED\"]}",
                   "invalid_email", "inválido");
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"email\":\"a@b.co\","
                      "\"events\":[\"PAYMENT_CREATED\"]}", "invalid_sendType", NULL);
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\"}", "invalid_events", NULL);
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\",\"events\":[\"PAYMENT_PAID\"]}",
                   "invalid_events", "PAYMENT_PAID");
    expect_refused(w, "{\"name\":\"n\",\"url\":\"http://h/\",\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\",\"authToken\":\"short\","
                      "\"events\":[\"PAYMENT_CREATED\"]}", "invalid_authToken", NULL);
    expect_refused(w, "{\"name\":\"n\",\"url\":1,\"email\":\"a@b.co\","
                      "\"sendType\":\"SEQUENTIALLY\",\"events\":[\"PAYMENT_CREATED\"]}",
                   "invalid_url", "tipo");
    assert_int_equal(am_webhooks_count(w), 0);

    for (int i = 0; i < AM_WEBHOOK_MAX_CONFIGS; i++) {
        char id[8];
        snprintf(id, sizeof(id), "c%d", i);
        make(w, id, SEQ_BODY("\"PAYMENT_CREATED\""));
    }
    expect_refused(w, SEQ_BODY("\"PAYMENT_CREATED\""), "invalid_action", "10");
    assert_int_equal(am_webhooks_count(w), AM_WEBHOOK_MAX_CONFIGS);
    assert_int_equal(am_webhooks_delete(w, "c3"), 0);
    assert_int_equal(am_webhooks_delete(w, "c3"), -ENOENT);
    make(w, "c10", SEQ_BODY("\"PAYMENT_CREATED\""));
    am_webhooks_free(w);
}

static void test_webhooks_render_never_shows_the_token(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_config *c = make(w, "id-1", SEQ_BODY("\"PAYMENT_CREATED\",\"PAYMENT_RECEIVED\""));
    cJSON *o = am_webhooks_render(c);
    char *text = cJSON_PrintUnformatted(o);
    (void)state;

    assert_null(strstr(text, TOKEN));
    assert_null(strstr(text, "authToken"));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "hasAuthToken")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "enabled")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "interrupted")));
    assert_int_equal(cJSON_GetObjectItem(o, "apiVersion")->valueint, 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "events")), 2);
    assert_string_equal(cJSON_GetObjectItem(o, "sendType")->valuestring, "SEQUENTIALLY");
    free(text);
    cJSON_Delete(o);
    am_webhooks_free(w);
}

static void test_webhooks_url_parse(void **state)
{
    struct am_webhook_url u;
    (void)state;

    assert_int_equal(am_webhook_url_parse("https://receiver:8443/a/b?x=1", &u), 0);
    assert_true(u.https);
    assert_string_equal(u.host, "receiver");
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.path, "/a/b?x=1");
    assert_int_equal(am_webhook_url_parse("http://[::1]/", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 80);
    assert_int_equal(am_webhook_url_parse("http://localhost", &u), 0);
    assert_string_equal(u.path, "/");
    assert_int_equal(am_webhook_url_parse("http://h:0/", &u), -EINVAL);
    assert_int_equal(am_webhook_url_parse("http://h:70000/", &u), -EINVAL);
    assert_int_equal(am_webhook_url_parse("http:///x", &u), -EINVAL);
    assert_int_equal(am_webhook_url_parse("http://h/#frag", &u), -EINVAL);
    assert_int_equal(am_webhook_url_parse("mailto:a@b", &u), -EINVAL);
}

/* Walks the whole §7.2 schedule: each retry fires exactly at its delay, not a second
 * before; the 15th failure interrupts; events keep queueing; resume sends in order. */
static void test_webhooks_schedule_penalty_interruption_resume(void **state)
{
    static const int64_t delays[] = {30, 60, 210, 300, 900, 1500, 3600, 3600,
                                     3600, 3600, 3600, 7200, 7200, 10800};
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_config *c = make(w, "cfg", SEQ_BODY("\"PAYMENT_CREATED\",\"PAYMENT_RECEIVED\""));
    struct am_webhook_send out[8];
    (void)state;

    now_s = T0;
    enqueue(w, 1, "PAYMENT_CREATED", now_s);
    enqueue(w, 2, "PAYMENT_RECEIVED", now_s);
    /* Attempt 1 at once. */
    assert_int_equal(am_webhooks_due(w, now_s, out, 8), 1);
    assert_int_equal(out[0].attempt, 1);
    assert_string_equal(out[0].event, "PAYMENT_CREATED");
    assert_string_equal(out[0].auth_token, TOKEN);
    am_webhooks_report(w, "cfg", out[0].item_id, false, now_s, NULL);
    assert_int_equal(c->penalty, 1);

    for (unsigned k = 0; k < 14; k++) {
        struct am_webhook_outcome o;
        assert_int_equal(am_webhooks_next_due(w, now_s), now_s + delays[k]);
        now_s += delays[k] - 1;
        assert_int_equal(am_webhooks_due(w, now_s, out, 8), 0);
        now_s += 1;
        /* Head-of-line: always the first event, never the second. */
        assert_int_equal(am_webhooks_due(w, now_s, out, 8), 1);
        assert_string_equal(out[0].event, "PAYMENT_CREATED");
        assert_int_equal(out[0].attempt, k + 2);
        am_webhooks_report(w, "cfg", out[0].item_id, false, now_s, &o);
        assert_true(o.found);
        assert_int_equal(o.penalty, k + 2);
        assert_int_equal(o.became_interrupted, k == 13);
    }
    assert_true(c->interrupted);
    assert_int_equal(am_webhooks_next_due(w, now_s), INT64_MAX);
    now_s += 86400;
    enqueue(w, 3, "PAYMENT_CREATED", now_s);
    assert_int_equal(am_webhook_config_depth(c), 3);
    assert_int_equal(am_webhooks_due(w, now_s, out, 8), 0);
    {
        cJSON *o = am_webhooks_render(c);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "interrupted")));
        assert_int_equal(cJSON_GetObjectItem(o, "penalizedRequestsCount")->valueint, 15);
        cJSON_Delete(o);
    }

    /* PUT {"interrupted": false}: the backlog goes out in order. */
    {
        struct am_webhook_error err;
        cJSON *b = body_of("{\"interrupted\":false}");
        assert_int_equal(am_webhooks_update(w, c, b, &err), 0);
        cJSON_Delete(b);
    }
    assert_false(c->interrupted);
    assert_int_equal(c->penalty, 0);
    for (uint64_t want = 1; want <= 3; want++) {
        assert_int_equal(am_webhooks_due(w, now_s, out, 8), 1);
        assert_int_equal(strtoull(strchr(out[0].event_id, '&') + 1, NULL, 10), want);
        am_webhooks_report(w, "cfg", out[0].item_id, true, now_s, NULL);
    }
    assert_int_equal(am_webhook_config_depth(c), 0);
    am_webhooks_free(w);
}

static void test_webhooks_success_clears_penalty_and_remove_backoff_resumes(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_config *c = make(w, "cfg", SEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_send out[4];
    (void)state;

    now_s = T0;
    enqueue(w, 1, "PAYMENT_CREATED", now_s);
    assert_int_equal(deliver(w, false, out, 4), 1);
    assert_int_equal(deliver(w, false, out, 4), 0); /* 30 s not over */
    now_s += 30;
    assert_int_equal(deliver(w, true, out, 4), 1);
    assert_int_equal(c->penalty, 0);
    assert_int_equal(am_webhook_config_depth(c), 0);

    enqueue(w, 2, "PAYMENT_CREATED", now_s);
    assert_int_equal(deliver(w, false, out, 4), 1);
    assert_int_equal(c->penalty, 1);
    am_webhooks_remove_backoff(c);
    assert_int_equal(deliver(w, true, out, 4), 1); /* no wait after removeBackoff */
    am_webhooks_free(w);
}

static void test_webhooks_sequential_blocks_non_sequential_parallel(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_config *seq = make(w, "seq", SEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_config *par = make(w, "par", NONSEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_send out[16];
    size_t n, n_seq = 0, n_par = 0;
    (void)state;

    now_s = T0;
    for (uint64_t i = 1; i <= 6; i++)
        enqueue(w, i, "PAYMENT_CREATED", now_s);
    n = am_webhooks_due(w, now_s, out, 16);
    for (size_t i = 0; i < n; i++)
        strcmp(out[i].config_id, "seq") == 0 ? n_seq++ : n_par++;
    assert_int_equal(n_seq, 1);
    assert_int_equal(n_par, AM_WEBHOOK_PARALLEL);
    assert_null(out[n - 1].auth_token); /* the NON_SEQUENTIALLY config has none */
    /* Nothing more while those are in flight. */
    assert_int_equal(am_webhooks_due(w, now_s, out + n, 16 - n), 0);
    for (size_t i = 0; i < n; i++)
        am_webhooks_report(w, out[i].config_id, out[i].item_id, true, now_s, NULL);
    assert_int_equal(am_webhook_config_depth(seq), 5);
    assert_int_equal(am_webhook_config_depth(par), 2);
    /* A penalised NON_SEQUENTIALLY config probes one at a time. */
    n = am_webhooks_due(w, now_s, out, 16);
    for (size_t i = 0; i < n; i++)
        am_webhooks_report(w, out[i].config_id, out[i].item_id, false, now_s, NULL);
    /* par failed twice in a row (two were in flight): attempt 3's delay, 60 s. */
    assert_int_equal(par->penalty, 2);
    now_s += 30;
    n = am_webhooks_due(w, now_s, out, 16);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].config_id, "seq");
    am_webhooks_report(w, "seq", out[0].item_id, false, now_s, NULL);
    now_s += 30;
    n = am_webhooks_due(w, now_s, out, 16);
    /* par: one probe although two wait; seq waits for its own 60 s (until +90). */
    assert_int_equal(n, 1);
    assert_string_equal(out[0].config_id, "par");
    am_webhooks_free(w);
}

static void test_webhooks_retention_and_filters(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_config *a = make(w, "a", SEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_config *b = make(w, "b", SEQ_BODY("\"PAYMENT_RECEIVED\""));
    struct am_webhook_config *d = make(w, "d", SEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_send out[4];
    struct am_webhook_error err;
    cJSON *off = body_of("{\"enabled\":false}");
    (void)state;

    assert_int_equal(am_webhooks_update(w, d, off, &err), 0);
    cJSON_Delete(off);
    now_s = T0;
    enqueue(w, 1, "PAYMENT_CREATED", now_s);
    assert_int_equal(am_webhook_config_depth(a), 1);
    assert_int_equal(am_webhook_config_depth(b), 0); /* not subscribed */
    assert_int_equal(am_webhook_config_depth(d), 0); /* disabled */
    /* Interrupt a, let 14 days pass: the event is dropped, never sent. */
    a->interrupted = true;
    now_s += AM_WEBHOOK_RETENTION_SECONDS;
    assert_int_equal(am_webhooks_expire(w, now_s), 0);
    enqueue(w, 2, "PAYMENT_CREATED", now_s);
    now_s += 1;
    assert_int_equal(am_webhooks_expire(w, now_s), 1);
    assert_int_equal(am_webhook_config_depth(a), 1);
    assert_int_equal(am_webhooks_dropped(w), 1);
    am_webhooks_remove_backoff(a);
    assert_int_equal(am_webhooks_due(w, now_s, out, 4), 1);
    assert_int_equal(out[0].event_id[strlen(out[0].event_id) - 1], '2');
    am_webhooks_free(w);
}

static void test_webhooks_feed_builds_the_envelope(void **state)
{
    struct am_billing *bl = am_billing_new("acc-1");
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_send out[4];
    const struct am_event *e;
    cJSON *env;
    (void)state;

    /* An event before any config is not delivered to configs made later. */
    assert_true(am_billing_events_append(bl, "PAYMENT_CREATED", T0, "payment", "pay_1",
                                         "{\"id\":\"pay_1\"}") > 0);
    assert_int_equal(am_webhooks_feed(w, bl, "acc-1", NULL), 0);
    make(w, "cfg", SEQ_BODY("\"PAYMENT_RECEIVED\""));
    assert_true(am_billing_events_append(bl, "PAYMENT_CREATED", T0, "payment", "pay_2", "{}") > 0);
    assert_true(am_billing_events_append(bl, "PAYMENT_RECEIVED", T0 + 5, "payment", "pay_2",
                                         "{\"id\":\"pay_2\",\"status\":\"RECEIVED\"}") > 0);
    assert_int_equal(am_webhooks_feed(w, bl, "acc-1", NULL), 1);
    assert_int_equal(am_webhooks_cursor(w), 3);
    assert_int_equal(am_webhooks_feed(w, bl, "acc-1", NULL), 0);

    assert_int_equal(am_webhooks_due(w, T0 + 5, out, 4), 1);
    e = am_billing_event_by_seq(bl, 3);
    env = cJSON_Parse(out[0].body);
    assert_non_null(env);
    assert_string_equal(cJSON_GetObjectItem(env, "id")->valuestring, e->id);
    assert_string_equal(out[0].event_id, e->id);
    assert_true(strncmp(e->id, "evt_", 4) == 0 && strchr(e->id, '&'));
    assert_string_equal(cJSON_GetObjectItem(env, "event")->valuestring, "PAYMENT_RECEIVED");
    assert_int_equal(strlen(cJSON_GetObjectItem(env, "dateCreated")->valuestring), 19);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(env, "account"), "id")->valuestring,
                        "acc-1");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(env, "account"), "ownerId")));
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(env, "payment"), "status")->valuestring,
        "RECEIVED");
    cJSON_Delete(env);
    am_webhooks_report(w, "cfg", out[0].item_id, true, T0 + 5, NULL);

    /* A redelivery keeps the id. */
    assert_int_equal(am_webhooks_redeliver(w, bl, "acc-1", NULL, e->id), 1);
    assert_int_equal(am_webhooks_due(w, T0 + 6, out, 4), 1);
    assert_string_equal(out[0].event_id, e->id);
    assert_int_equal(am_webhooks_redeliver(w, bl, "acc-1", NULL, "evt_nope&1"), 0);
    am_webhooks_free(w);
    am_billing_free(bl);
}

static void test_webhooks_attempt_log_is_a_ring(void **state)
{
    struct am_webhooks *w = am_webhooks_new();
    struct am_webhook_attempt a;
    (void)state;

    memset(&a, 0, sizeof(a));
    for (int i = 0; i < AM_WEBHOOK_LOG_KEEP + 5; i++) {
        a.attempt = (unsigned)i;
        am_webhooks_log_attempt(w, &a);
    }
    assert_int_equal(am_webhooks_log_count(w), AM_WEBHOOK_LOG_KEEP);
    assert_int_equal(am_webhooks_log_at(w, 0)->attempt, 5);
    assert_int_equal(am_webhooks_log_at(w, 0)->n, 6);
    am_webhooks_log_clear(w);
    assert_int_equal(am_webhooks_log_count(w), 0);
    am_webhooks_free(w);
}

/* A snapshot carries configs (token included: needed to deliver after a restart), the
 * queues with their attempt counts, the penalty and the cursor, exactly. */
static void test_webhooks_state_round_trip(void **state)
{
    struct am_webhooks *w = am_webhooks_new(), *back = NULL;
    struct am_webhook_config *c = make(w, "cfg-1", SEQ_BODY("\"PAYMENT_CREATED\""));
    struct am_webhook_send out[2];
    char err[256] = "", *t1, *t2;
    cJSON *o, *o2;
    (void)state;

    make(w, "cfg-2", NONSEQ_BODY("\"PAYMENT_RECEIVED\""));
    now_s = T0;
    enqueue(w, 7, "PAYMENT_CREATED", now_s);
    enqueue(w, 8, "PAYMENT_CREATED", now_s + 1);
    deliver(w, false, out, 2);
    am_webhooks_set_cursor(w, 8);
    o = am_webhooks_state_export(w);
    assert_non_null(o);
    t1 = cJSON_PrintUnformatted(o);
    /* Kept for deliveries after a restart, never written whole: hex of the token. */
    assert_null(strstr(t1, TOKEN));
    assert_non_null(strstr(t1, "\"authTokenHex\":\""));
    assert_int_equal(am_webhooks_state_import(o, "webhooks", &back, err, sizeof(err)), 0);
    assert_string_equal(am_webhooks_find(back, "cfg-1")->auth_token, TOKEN);
    o2 = am_webhooks_state_export(back);
    t2 = cJSON_PrintUnformatted(o2);
    assert_string_equal(t1, t2);
    assert_int_equal(am_webhooks_cursor(back), 8);
    assert_int_equal(am_webhook_config_depth(am_webhooks_find(back, "cfg-1")), 2);
    assert_int_equal(am_webhooks_find(back, "cfg-1")->penalty, c->penalty);
    /* The restored head keeps its attempt count: the next one is attempt 2. */
    now_s += 30;
    assert_int_equal(am_webhooks_due(back, now_s, out, 2), 1);
    assert_int_equal(out[0].attempt, 2);
    free(t1);
    free(t2);
    cJSON_Delete(o2);
    /* A broken snapshot is refused with where and why. */
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "configs"), 0), "url",
                              cJSON_CreateString("gopher://x"));
    am_webhooks_free(back);
    back = NULL;
    assert_int_equal(am_webhooks_state_import(o, "webhooks", &back, err, sizeof(err)), -EINVAL);
    assert_null(back);
    assert_non_null(strstr(err, "webhooks.configs[0]"));
    cJSON_Delete(o);
    am_webhooks_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webhooks_validation_in_asaas_shape),
        cmocka_unit_test(test_webhooks_render_never_shows_the_token),
        cmocka_unit_test(test_webhooks_url_parse),
        cmocka_unit_test(test_webhooks_schedule_penalty_interruption_resume),
        cmocka_unit_test(test_webhooks_success_clears_penalty_and_remove_backoff_resumes),
        cmocka_unit_test(test_webhooks_sequential_blocks_non_sequential_parallel),
        cmocka_unit_test(test_webhooks_retention_and_filters),
        cmocka_unit_test(test_webhooks_feed_builds_the_envelope),
        cmocka_unit_test(test_webhooks_attempt_log_is_a_ring),
        cmocka_unit_test(test_webhooks_state_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

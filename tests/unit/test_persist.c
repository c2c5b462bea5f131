/* test_persist.c - the --state-file through the whole app: writes are marked durable and
 * reach the file on am_app_commit(), an app freed without shutdown (a crash) comes back
 * with the same customers and ids, twice; unacknowledged and torn entries are not
 * replayed; corrupt files are refused with "path:line: reason" and left untouched. */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "persist.h"
#include "statefile_frame.h"
#include "sync_seam.h"

#define NOW INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC */
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define DEV_KEY_SECRET_PART "000MzkwODA2MWY2OGM3"
#define UA "asaas-mock-tests/1.0"
#define MARIA "{\"name\":\"Maria Silva\",\"cpfCnpj\":\"24971563792\"}"
#define ACME "{\"name\":\"Acme Ltda\",\"cpfCnpj\":\"11222333000181\",\"email\":\"a@acme.test\"}"
#define JOAO "{\"name\":\"Jo\\u00e3o\",\"cpfCnpj\":\"24971563792\",\"externalReference\":\"j1\"}"

struct fx {
    char dir[64];
    char path[128];
    struct am_config cfg;
    struct am_app *app;
    struct am_response resp;
    char err[512];
};

static void discard_log(enum am_log_level level, const char *line, void *userdata)
{
    (void)level;
    (void)line;
    (void)userdata;
}

/* The log lines seen while capture_log() is on (concatenated, "\n" after each). */
static char captured[8192];

static void capture_sink(enum am_log_level level, const char *line, void *userdata)
{
    size_t n = strlen(captured);

    (void)level;
    (void)userdata;
    snprintf(captured + n, sizeof(captured) - n, "%s\n", line);
}

static void capture_log(void)
{
    captured[0] = '\0';
    am_log_set_sink(capture_sink, NULL);
}

static void config_init(struct am_config *cfg, const char *state_file)
{
    am_config_defaults(cfg);
    cfg->has_seed = true;
    cfg->seed = 7;
    cfg->environment = AM_ENV_SANDBOX;
    if (state_file) {
        cfg->state_file = strdup(state_file);
        assert_non_null(cfg->state_file);
    }
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/am_persist_XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/state.jsonl", f->dir);
    config_init(&f->cfg, f->path);
    am_response_init(&f->resp);
    am_log_set_sink(discard_log, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char tmp[160];

    am_log_set_sink(NULL, NULL);
    am_response_finish(&f->resp);
    am_app_free(f->app);
    am_config_finish(&f->cfg);
    snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
    unlink(tmp);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Builds f->app on f->cfg (the state file), failing the test on error. */
static void start(struct fx *f, int64_t real_now)
{
    f->err[0] = '\0';
    f->app = am_app_new(&f->cfg, real_now, f->err, sizeof(f->err));
    if (!f->app)
        fail_msg("am_app_new: %s", f->err);
    am_app_set_tls_ready(f->app, true);
}

/* Frees the app as a crash would: no am_app_shutdown(), nothing more synced. */
static void crash(struct fx *f)
{
    am_app_free(f->app);
    f->app = NULL;
}

static int api_at(struct fx *f, enum am_method method, const char *path, const char *body,
                  int64_t real_now)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.client_ip = "127.0.0.1";
    req.request_id = "req-test";
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    if (body) {
        req.body = body;
        req.body_len = strlen(body);
    }
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, real_now, &f->resp);
    am_app_complete(f->app, &req, &f->resp, real_now * 1000, 10);
    return f->resp.status;
}

static int api(struct fx *f, enum am_method method, const char *path, const char *body)
{
    return api_at(f, method, path, body, NOW);
}

static const char *body(const struct fx *f)
{
    return f->resp.body ? f->resp.body : "";
}

/* POSTs a customer, checks 200 + durable (with a state file), and copies its id. */
static void create_customer(struct fx *f, const char *json, char id[32])
{
    cJSON *o;
    const cJSON *it;

    if (api(f, AM_METHOD_POST, "/v3/customers", json) != 200)
        fail_msg("POST /v3/customers: %d %s", f->resp.status, body(f));
    assert_int_equal(f->resp.outcome.durable, am_app_persist(f->app) != NULL);
    o = cJSON_Parse(body(f));
    assert_non_null(o);
    it = cJSON_GetObjectItemCaseSensitive(o, "id");
    assert_true(cJSON_IsString(it));
    snprintf(id, 32, "%s", it->valuestring);
    cJSON_Delete(o);
}

/* The current answer body (new string; free()). */
static char *take_body(const struct fx *f)
{
    char *s = strdup(body(f));

    assert_non_null(s);
    return s;
}

static char *get_body(struct fx *f, const char *path)
{
    if (api(f, AM_METHOD_GET, path, NULL) != 200)
        fail_msg("GET %s: %d %s", path, f->resp.status, body(f));
    assert_false(f->resp.outcome.durable);
    return take_body(f);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static size_t count_lines(const char *text)
{
    size_t n = 0;

    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static size_t file_lines(const char *path)
{
    char *text = read_file(path);
    size_t n = count_lines(text);

    free(text);
    return n;
}

/* Start + two customers committed, then a crash. Leaves the list body in *ret_list. */
static void session_with_two_customers(struct fx *f, char id1[32], char id2[32],
                                       char **ret_list)
{
    start(f, NOW);
    create_customer(f, MARIA, id1);
    create_customer(f, ACME, id2);
    assert_int_equal(am_app_commit(f->app), 0);
    *ret_list = get_body(f, "/v3/customers");
    crash(f);
}

/* ---- a fresh file --------------------------------------------------------------- */

static void test_persist_new_file_gets_a_snapshot_line(void **state)
{
    struct fx *f = *state;
    struct stat st;
    char *text;

    assert_int_equal(stat(f->path, &st), -1);
    start(f, NOW);
    assert_non_null(am_app_persist(f->app));
    assert_string_equal(am_persist_path(am_app_persist(f->app)), f->path);
    assert_int_equal(am_persist_entries(am_app_persist(f->app)), 0);
    assert_false(am_app_commit_pending(f->app));
    text = read_file(f->path);
    assert_int_equal(count_lines(text), 1);
    assert_true(strncmp(text, "{\"v\":3,\"n\":0,\"r\":{\"accounts\":[{\"id\":\"default\"", 45) == 0);
    assert_non_null(strstr(text, "\"ids\":{\"state\":\""));
    /* The snapshot holds the key as sha256 + display only. */
    assert_null(strstr(text, DEV_KEY));
    assert_null(strstr(text, DEV_KEY_SECRET_PART));
    free(text);
}

static void test_persist_no_state_file_means_no_persist(void **state)
{
    struct am_config cfg;
    struct am_app *app;
    char err[256] = "";

    (void)state;
    config_init(&cfg, NULL);
    app = am_app_new(&cfg, NOW, err, sizeof(err));
    assert_non_null(app);
    assert_null(am_app_persist(app));
    assert_false(am_app_commit_pending(app));
    assert_int_equal(am_app_commit(app), 0);
    am_app_free(app);
    am_config_finish(&cfg);
}

/* ---- durable writes ------------------------------------------------------------- */

static void test_persist_writes_are_durable_only_after_commit(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32];
    uint64_t syncs;

    start(f, NOW);
    syncs = am_persist_syncs(am_app_persist(f->app));
    create_customer(f, MARIA, id1);
    create_customer(f, ACME, id2);
    assert_true(am_app_commit_pending(f->app));
    assert_int_equal(file_lines(f->path), 1); /* still buffered */
    assert_int_equal(am_app_commit(f->app), 0);
    assert_false(am_app_commit_pending(f->app));
    /* Snapshot + two api entries (at most one jobs entry for the day's first request). */
    assert_true(file_lines(f->path) >= 3 && file_lines(f->path) <= 4);
    assert_int_equal(am_persist_entries(am_app_persist(f->app)), file_lines(f->path) - 1);
    assert_int_equal(am_persist_syncs(am_app_persist(f->app)), syncs + 1); /* one for the batch */
    /* Nothing to commit: no fdatasync. */
    assert_int_equal(am_app_commit(f->app), 0);
    assert_int_equal(am_persist_syncs(am_app_persist(f->app)), syncs + 1);
}

/* The commit is a real fdatasync of the state file, made after the batch reached it
 * (sync_seam.h); a failed one is reported and the batch waits for the next commit. */
static void test_persist_commit_fdatasyncs_the_state_file(void **state)
{
    struct fx *f = *state;
    char id[32], *text;
    struct stat st;

    start(f, NOW);
    sync_seam_reset();
    create_customer(f, MARIA, id);
    assert_true(f->resp.outcome.durable);
    assert_int_equal(sync_seam.calls, 0); /* the answer is held; nothing synced yet */
    sync_seam.fail_errno = EIO;
    assert_true(am_app_commit(f->app) < 0);
    assert_int_equal(sync_seam.calls, 1);
    assert_true(am_app_commit_pending(f->app)); /* not acknowledged, not dropped */
    sync_seam.fail_errno = 0;
    assert_int_equal(am_app_commit(f->app), 0);
    assert_int_equal(sync_seam.calls, 2);
    if (!sync_seam_was(f->path))
        fail_msg("fdatasync of '%s', want the state file %s", sync_seam.path, f->path);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(sync_seam.size, (long long)st.st_size);
    text = read_file(f->path);
    assert_non_null(strstr(text, "Maria Silva"));
    free(text);
}

/* A key pasted into a body, a path or a query is scrubbed before the entry is written
 * (the request still replays: handlers never read a key from those places). */
static void test_persist_key_pasted_into_body_path_or_query_never_reaches_the_file(void **state)
{
    struct fx *f = *state;
    char id[32], *text;
    struct am_request req;

    start(f, NOW);
    create_customer(f, "{\"name\":\"Ana\",\"cpfCnpj\":\"24971563792\",\"observations\":"
                       "\"" DEV_KEY "\"}", id);
    memset(&req, 0, sizeof(req));
    req.method = AM_METHOD_POST;
    req.path = "/v3/customers/" DEV_KEY;
    req.query = "note=" DEV_KEY;
    req.client_ip = "127.0.0.1";
    req.request_id = "req-test";
    req.body = "{}";
    req.body_len = 2;
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, NOW, &f->resp);
    am_app_complete(f->app, &req, &f->resp, NOW * 1000, 10);
    assert_true(f->resp.outcome.durable); /* it ran (a 404), so it is logged */
    assert_int_equal(am_app_commit(f->app), 0);
    text = read_file(f->path);
    assert_true(count_lines(text) >= 3);
    assert_null(strstr(text, DEV_KEY_SECRET_PART));
    free(text);
}

static void test_persist_entries_hold_the_request_but_never_the_key(void **state)
{
    struct fx *f = *state;
    char id[32], *text;

    start(f, NOW);
    create_customer(f, MARIA, id);
    assert_int_equal(am_app_commit(f->app), 0);
    text = read_file(f->path);
    assert_non_null(strstr(text, "\"m\":\"POST\",\"p\":\"/v3/customers\""));
    assert_non_null(strstr(text, "\"b\":\"{\\\"name\\\":\\\"Maria Silva\\\""));
    assert_non_null(strstr(text, "\"a\":\"default\""));
    assert_null(strstr(text, DEV_KEY_SECRET_PART));
    assert_null(strstr(text, UA)); /* headers are not state */
    free(text);
}

static void test_persist_reads_and_unrun_requests_are_not_logged(void **state)
{
    struct fx *f = *state;
    char id[32];
    struct am_request req;

    start(f, NOW);
    create_customer(f, MARIA, id);
    assert_int_equal(am_app_commit(f->app), 0);
    /* GET and HEAD change nothing. */
    assert_int_equal(api(f, AM_METHOD_GET, "/v3/customers", NULL), 200);
    assert_false(f->resp.outcome.durable);
    assert_int_equal(api(f, AM_METHOD_HEAD, "/v3/customers", NULL), 200);
    assert_false(f->resp.outcome.durable);
    assert_false(am_app_commit_pending(f->app));
    /* A request refused before any handler ran (no key) leaves no entry. */
    memset(&req, 0, sizeof(req));
    req.method = AM_METHOD_POST;
    req.path = "/v3/customers";
    req.client_ip = "127.0.0.1";
    req.body = MARIA;
    req.body_len = strlen(MARIA);
    am_request_add_header(&req, "User-Agent", UA);
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, NOW, &f->resp);
    assert_int_equal(f->resp.status, 401);
    assert_false(f->resp.outcome.durable);
    assert_false(am_app_commit_pending(f->app));
}

static void test_persist_a_write_that_failed_validation_is_still_logged(void **state)
{
    struct fx *f = *state;

    start(f, NOW);
    /* The handler ran (and answered 400): replay must walk the same path. */
    assert_int_equal(api(f, AM_METHOD_POST, "/v3/customers", "{\"name\":\"Sem documento\"}"),
                     400);
    assert_true(f->resp.outcome.durable);
    assert_true(am_app_commit_pending(f->app));
    assert_int_equal(am_app_commit(f->app), 0);
}

/* ---- crash and restart ---------------------------------------------------------- */

static void test_persist_customers_survive_a_crash_with_the_same_ids(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], *before, *after, *one_before, *one_after, *text;
    char path1[64];

    session_with_two_customers(f, id1, id2, &before);
    /* Restarted an hour later: replay uses the logged instants, not the new time. */
    start(f, NOW + 3600);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    snprintf(path1, sizeof(path1), "/v3/customers/%s", id1);
    one_after = get_body(f, path1);
    assert_non_null(strstr(one_after, id1));
    assert_non_null(strstr(one_after, "\"name\":\"Maria Silva\""));
    /* Opening compacted the log into the snapshot. */
    assert_int_equal(am_persist_entries(am_app_persist(f->app)), 0);
    text = read_file(f->path);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, id1));
    assert_non_null(strstr(text, id2));
    free(text);
    one_before = strdup(one_after);
    crash(f);
    /* A second restart (from the compacted snapshot alone) still has them. */
    start(f, NOW + 7200);
    free(after);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    free(one_after);
    one_after = get_body(f, path1);
    assert_string_equal(one_after, one_before);
    free(one_before);
    free(one_after);
    free(after);
    free(before);
}

static void test_persist_ids_continue_the_same_stream_after_restart(void **state)
{
    struct fx *f = *state;
    struct fx ref = {0};
    char id1[32], id2[32], id3[32], r1[32], r2[32], r3[32], *list;

    session_with_two_customers(f, id1, id2, &list);
    free(list);
    start(f, NOW);
    create_customer(f, JOAO, id3);
    assert_int_equal(am_app_commit(f->app), 0);
    /* The same requests to an app that never restarted give the same ids. */
    config_init(&ref.cfg, NULL);
    am_response_init(&ref.resp);
    start(&ref, NOW);
    create_customer(&ref, MARIA, r1);
    create_customer(&ref, ACME, r2);
    create_customer(&ref, JOAO, r3);
    assert_string_equal(id1, r1);
    assert_string_equal(id2, r2);
    assert_string_equal(id3, r3);
    assert_string_not_equal(id1, id2);
    assert_string_not_equal(id2, id3);
    am_response_finish(&ref.resp);
    am_app_free(ref.app);
    am_config_finish(&ref.cfg);
}

static void test_persist_updates_and_deletes_replay(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], path1[64], path2[64], *before, *after, *list;

    session_with_two_customers(f, id1, id2, &list);
    free(list);
    start(f, NOW);
    snprintf(path1, sizeof(path1), "/v3/customers/%s", id1);
    snprintf(path2, sizeof(path2), "/v3/customers/%s", id2);
    assert_int_equal(api(f, AM_METHOD_PUT, path1, "{\"email\":\"maria@example.com\"}"), 200);
    assert_true(f->resp.outcome.durable);
    assert_int_equal(api(f, AM_METHOD_DELETE, path2, NULL), 200);
    assert_true(f->resp.outcome.durable);
    assert_int_equal(am_app_commit(f->app), 0);
    before = get_body(f, "/v3/customers");
    free(get_body(f, path2));
    assert_non_null(strstr(body(f), "\"deleted\":true"));
    crash(f);
    start(f, NOW);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    assert_non_null(strstr(after, "maria@example.com"));
    assert_null(strstr(after, id2)); /* deleted customers leave the list */
    free(get_body(f, path2));
    assert_non_null(strstr(body(f), "\"deleted\":true"));
    free(after);
    free(before);
}

static void test_persist_daily_jobs_entries_replay(void **state)
{
    struct fx *f = *state;
    char id1[32], *before, *after, *text;
    const int64_t later = NOW + 2 * 86400;

    start(f, NOW);
    create_customer(f, MARIA, id1);
    assert_int_equal(am_app_commit(f->app), 0);
    /* The first request of a later day runs the daily jobs: a "jobs" entry, even for a
     * GET. */
    assert_int_equal(api_at(f, AM_METHOD_GET, "/v3/customers", NULL, later), 200);
    assert_true(am_app_commit_pending(f->app));
    assert_int_equal(api_at(f, AM_METHOD_POST, "/v3/customers", ACME, later), 200);
    assert_true(f->resp.outcome.durable);
    assert_int_equal(am_app_commit(f->app), 0);
    text = read_file(f->path);
    assert_non_null(strstr(text, ",\"jobs\":true}"));
    free(text);
    assert_int_equal(api_at(f, AM_METHOD_GET, "/v3/customers", NULL, later), 200);
    before = take_body(f);
    crash(f);
    start(f, later);
    assert_int_equal(api_at(f, AM_METHOD_GET, "/v3/customers", NULL, later), 200);
    after = take_body(f);
    assert_string_equal(after, before);
    /* Replay brought the jobs day forward too: no new jobs entry for the same day. */
    assert_false(am_app_commit_pending(f->app));
    free(after);
    free(before);
}

static void test_persist_uncommitted_write_is_lost_in_a_crash(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], id3[32], path3[64], *before, *after;

    session_with_two_customers(f, id1, id2, &before);
    start(f, NOW);
    create_customer(f, JOAO, id3); /* never committed: its answer never left */
    crash(f);
    start(f, NOW);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    snprintf(path3, sizeof(path3), "/v3/customers/%s", id3);
    assert_int_equal(api(f, AM_METHOD_GET, path3, NULL), 404);
    free(after);
    free(before);
}

/* A large state is not rewritten every AM_PERSIST_COMPACT_ENTRIES writes: the log must
 * first be twice as large as the snapshot it replaces; a small one keeps the fixed
 * thresholds. */
static void test_persist_compaction_waits_for_a_log_twice_the_snapshot(void **state)
{
    (void)state;
    assert_int_equal(AM_PERSIST_COMPACT_GROWTH, 2);
    assert_false(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES - 1, 1000, 100));
    assert_true(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES, 1000, 100));
    assert_true(am_persist_compaction_due(10, AM_PERSIST_COMPACT_BYTES, 100));
    assert_false(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES, 30u << 20, 80u << 20));
    assert_false(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES, 80u << 20, 80u << 20));
    assert_false(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES, (160u << 20) - 1,
                                           80u << 20));
    assert_true(am_persist_compaction_due(AM_PERSIST_COMPACT_ENTRIES, 160u << 20, 80u << 20));
    assert_false(am_persist_compaction_due(10, 200u << 20, 200u << 20));
    assert_false(am_persist_compaction_due(10, (400u << 20) - 2, 200u << 20));
    assert_true(am_persist_compaction_due(10, 400u << 20, 200u << 20));
}

static void test_persist_clean_shutdown_compacts(void **state)
{
    struct fx *f = *state;
    char id[32], *text;

    start(f, NOW);
    create_customer(f, MARIA, id);
    /* Shutdown commits what is buffered and writes one snapshot line. */
    assert_int_equal(am_app_shutdown(f->app), 0);
    assert_int_equal(am_persist_entries(am_app_persist(f->app)), 0);
    text = read_file(f->path);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, id));
    free(text);
    crash(f);
    start(f, NOW);
    free(get_body(f, "/v3/customers"));
    assert_non_null(strstr(body(f), id));
}

static void test_persist_torn_last_entry_is_dropped(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], *before, *after, *text, *torn;
    size_t len;

    session_with_two_customers(f, id1, id2, &before);
    /* The process died mid-append: half an entry, no newline. */
    text = read_file(f->path);
    len = strlen(text);
    torn = malloc(len + 64);
    assert_non_null(torn);
    snprintf(torn, len + 64, "%s{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1", text);
    write_file(f->path, torn);
    capture_log();
    start(f, NOW);
    {
        /* Cut with a warning that says where and how much. */
        char want[256];
        snprintf(want, sizeof(want), "what=torn_final_record path=%s:%zu dropped_bytes=%zu ",
                 f->path, count_lines(text) + 1, strlen(torn) - len);
        if (!strstr(captured, want))
            fail_msg("no '%s' in:\n%s", want, captured);
        assert_non_null(strstr(captured, "level=warn"));
    }
    am_log_set_sink(discard_log, NULL);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    free(after);
    free(torn);
    free(text);
    free(before);
}

/* ---- refused files -------------------------------------------------------------- */

/* Replaces line n (1-based) of the file with repl; returns the new content (free()). */
static char *replace_line(const char *path, size_t n, const char *repl)
{
    char *text = read_file(path), *out = malloc(strlen(text) + strlen(repl) + 2);
    const char *p = text;
    size_t line = 1, o = 0;

    assert_non_null(out);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (line == n) {
            memcpy(out + o, repl, strlen(repl));
            o += strlen(repl);
        } else {
            memcpy(out + o, p, l);
            o += l;
        }
        if (nl)
            out[o++] = '\n';
        p += l + (nl ? 1 : 0);
        line++;
    }
    out[o] = '\0';
    free(text);
    write_file(path, out);
    return out;
}

/* Starting on a bad file fails with want (path prefixed), and the file is unchanged. */
static void assert_refused(struct fx *f, const char *content, const char *want_after_path)
{
    char want[512], *now;

    f->err[0] = '\0';
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    assert_null(f->app);
    snprintf(want, sizeof(want), "%s%s", f->path, want_after_path);
    if (strncmp(f->err, want, strlen(want)) != 0)
        fail_msg("err '%s', want it to start '%s'", f->err, want);
    now = read_file(f->path);
    assert_string_equal(now, content);
    free(now);
}

static void test_persist_corrupt_middle_line_fails_start_with_path_and_line(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], *content;
    size_t lines;

    /* Keep the log: crash without the compaction a restart would do. */
    start(f, NOW);
    create_customer(f, MARIA, id1);
    create_customer(f, ACME, id2);
    assert_int_equal(am_app_commit(f->app), 0);
    crash(f);
    lines = file_lines(f->path);
    assert_true(lines >= 3);
    content = replace_line(f->path, lines - 1, "{\"a\":\"default\",\"t\":1,");
    {
        char want[64];
        snprintf(want, sizeof(want), ":%zu: not a state-file record", lines - 1);
        assert_refused(f, content, want);
    }
    free(content);
}

static void test_persist_bad_entries_are_refused_with_reasons(void **state)
{
    static const struct {
        const char *entry;
        const char *want;
    } rows[] = {
        {"[]", ":2: entry without a, t or i"},
        {"{\"a\":\"default\",\"t\":1767225600}", ":2: entry without a, t or i"},
        {"{\"a\":\"default\",\"t\":1.5,\"i\":[\"1\",\"2\",\"3\"]}", ":2: entry without a, t or i"},
        {"{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"-3\"]}",
         ":2: entry without a, t or i"},
        {"{\"a\":\"nobody\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"3\"],\"m\":\"POST\","
         "\"p\":\"/v3/customers\"}",
         ":2: entry for an account the snapshot lacks"},
        {"{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"3\"],\"m\":\"FETCH\","
         "\"p\":\"/v3/customers\"}",
         ":2: malformed request entry"},
        {"{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"3\"],\"m\":\"POST\"}",
         ":2: malformed request entry"},
        {"{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"3\"],\"m\":\"POST\","
         "\"p\":\"/v3/customers\",\"bx\":\"abc\"}",
         ":2: malformed request entry"},
        {"{\"a\":\"default\",\"t\":1767225600,\"i\":[\"1\",\"2\",\"3\"],\"m\":\"POST\","
         "\"p\":\"/v3/customers\",\"bx\":\"zz\"}",
         ":2: bx is not hex"},
    };
    struct fx *f = *state;
    char *snapshot;

    start(f, NOW);
    crash(f);
    snapshot = read_file(f->path); /* one record, with its newline */
    assert_int_equal(count_lines(snapshot), 1);
    /* Its payload: between the head and ,"h":"<16 hex>"}\n. */
    snapshot[strlen(snapshot) - 25] = '\0';
    memmove(snapshot, snapshot + 17, strlen(snapshot + 17) + 1);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        /* Framed right: what is refused is the entry itself. */
        char *content = tsf_file((const char *const[]){snapshot, rows[i].entry, NULL});
        write_file(f->path, content);
        assert_refused(f, content, rows[i].want);
        free(content);
    }
    free(snapshot);
}

static void test_persist_corrupt_snapshot_line_is_refused(void **state)
{
    struct fx *f = *state;
    static const char bad_ids[] = "{\"accounts\":[],\"ids\":{\"state\":7}}\n";
    char want[256];

    write_file(f->path, "{\"accounts\":[\n");
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    assert_null(f->app);
    snprintf(want, sizeof(want), "%s:", f->path);
    if (strncmp(f->err, want, strlen(want)) != 0)
        fail_msg("err '%s' does not name the file", f->err);
    write_file(f->path, bad_ids);
    assert_refused(f, bad_ids,
                   ":1: snapshot: ids: state must be a decimal string of a 64-bit unsigned number");
}

static void test_persist_binary_body_round_trips_as_hex(void **state)
{
    struct fx *f = *state;
    static const char raw[] = "{\"name\":\"A\0B\"}";
    struct am_request req;
    char *text, *before, *after;

    start(f, NOW);
    memset(&req, 0, sizeof(req));
    req.method = AM_METHOD_POST;
    req.path = "/v3/customers";
    req.client_ip = "127.0.0.1";
    req.body = raw;
    req.body_len = sizeof(raw) - 1;
    am_request_add_header(&req, "access_token", DEV_KEY);
    am_request_add_header(&req, "User-Agent", UA);
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, NOW, &f->resp);
    assert_true(f->resp.outcome.durable);
    assert_int_equal(am_app_commit(f->app), 0);
    text = read_file(f->path);
    assert_non_null(strstr(text, "\"bx\":\"7b226e616d65223a22410042227d\""));
    free(text);
    before = get_body(f, "/v3/customers");
    crash(f);
    start(f, NOW);
    after = get_body(f, "/v3/customers");
    assert_string_equal(after, before);
    free(after);
    free(before);
}

/* ---- records that lie: answers, recovery -------------------------------------------- */

/* The payloads of the file's records (unframed; no concealed text in these tests), as a
 * NULL-terminated array of new strings. */
static char **payloads_of(const char *path)
{
    char *text = read_file(path), *p = text, **out = calloc(count_lines(text) + 1, sizeof(*out));
    size_t n = 0;

    assert_non_null(out);
    for (char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        char *r = strstr(p, ",\"r\":");
        assert_true(r && r < nl && nl - p > 24);
        out[n] = strndup(r + 5, (size_t)(nl - 24 - (r + 5)));
        assert_non_null(out[n++]);
    }
    free(text);
    return out;
}

static void free_payloads(char **v)
{
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

static void test_persist_replay_must_give_the_recorded_answer(void **state)
{
    struct fx *f = *state;
    char id[32], **pl, *content, *at, want[300], *answer, sha_hex[17];
    uint8_t sha[AM_SHA256_LEN];
    size_t last;

    start(f, NOW);
    create_customer(f, MARIA, id);
    answer = take_body(f);
    assert_int_equal(am_app_commit(f->app), 0);
    crash(f);
    pl = payloads_of(f->path);
    for (last = 0; pl[last + 1]; last++)
        ;
    /* The entry records the answer: status 200 and a digest of the body. */
    at = strstr(pl[last], ",\"s\":200,\"c\":\"");
    assert_non_null(at);
    /* A file whose checksums are right but whose recorded answer is not what the request
     * gives (a changed handler, or a forged file): refused, not replayed. */
    at[7] = '1';
    content = tsf_file((const char *const *)pl);
    write_file(f->path, content);
    snprintf(want, sizeof(want), ":%zu: replay diverged: answered 200 where the original answered 201",
             last + 1);
    assert_refused(f, content, want);
    free(content);
    at[7] = '0';
    at[14] = at[14] == '0' ? '1' : '0'; /* one digit of the body digest */
    content = tsf_file((const char *const *)pl);
    write_file(f->path, content);
    snprintf(want, sizeof(want), ":%zu: replay diverged: the answer's body differs from the original's",
             last + 1);
    assert_refused(f, content, want);
    free(content);
    /* The same digest under "d" is read as the SHA-256 digest of earlier builds: refused. */
    at[14] = at[14] == '0' ? '1' : '0';
    at[10] = 'd';
    content = tsf_file((const char *const *)pl);
    write_file(f->path, content);
    assert_refused(f, content, want);
    free(content);
    /* An entry of an earlier build ("d": SHA-256 of the body) still replays. */
    am_sha256(answer, strlen(answer), sha);
    am_hex(sha, 8, sha_hex);
    memcpy(at + 14, sha_hex, 16);
    content = tsf_file((const char *const *)pl);
    write_file(f->path, content);
    start(f, NOW);
    snprintf(want, sizeof(want), "/v3/customers/%s", id);
    at = get_body(f, want);
    assert_string_equal(at, answer);
    free(at);
    free(content);
    free(answer);
    free_payloads(pl);
}

static void test_persist_recover_cuts_at_the_first_bad_record_and_keeps_a_copy(void **state)
{
    struct fx *f = *state;
    char id1[32], id2[32], id3[32], keep[200], *orig, *kept;
    char **pl;
    size_t n;

    start(f, NOW);
    create_customer(f, MARIA, id1);
    create_customer(f, ACME, id2);
    create_customer(f, JOAO, id3);
    assert_int_equal(am_app_commit(f->app), 0);
    crash(f);
    pl = payloads_of(f->path);
    for (n = 0; pl[n]; n++)
        ;
    free_payloads(pl);
    /* The record for ACME (the last but one) altered. */
    orig = read_file(f->path);
    *strstr(orig, "Acme") = 'X';
    write_file(f->path, orig);
    f->cfg.state_file_recover = true;
    capture_log();
    start(f, NOW);
    am_log_set_sink(discard_log, NULL);
    free(get_body(f, "/v3/customers"));
    assert_non_null(strstr(body(f), id1));
    assert_null(strstr(body(f), id2));
    assert_null(strstr(body(f), id3));
    snprintf(keep, sizeof(keep), "%s.before-recover.%lld", f->path, (long long)NOW);
    kept = read_file(keep);
    assert_string_equal(kept, orig);
    {
        char want[200];
        snprintf(want, sizeof(want), "first_bad_line=%zu ", n - 1);
        assert_non_null(strstr(captured, want));
        assert_non_null(strstr(captured, "dropped_lines=2 "));
        snprintf(want, sizeof(want), "what=recover_dropped line=%zu ", n);
        assert_non_null(strstr(captured, want));
    }
    unlink(keep);
    free(kept);
    free(orig);
}

static void test_persist_recover_never_drops_the_snapshot(void **state)
{
    struct fx *f = *state;
    char *content;

    start(f, NOW);
    crash(f);
    content = read_file(f->path);
    content[30] ^= 1;
    write_file(f->path, content);
    f->cfg.state_file_recover = true;
    assert_refused(f, content, ":1: checksum mismatch");
    assert_non_null(strstr(f->err, "nothing to keep"));
    free(content);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_persist_new_file_gets_a_snapshot_line),
        cmocka_unit_test(test_persist_no_state_file_means_no_persist),
        T(test_persist_writes_are_durable_only_after_commit),
        T(test_persist_commit_fdatasyncs_the_state_file),
        T(test_persist_key_pasted_into_body_path_or_query_never_reaches_the_file),
        T(test_persist_entries_hold_the_request_but_never_the_key),
        T(test_persist_reads_and_unrun_requests_are_not_logged),
        T(test_persist_a_write_that_failed_validation_is_still_logged),
        T(test_persist_customers_survive_a_crash_with_the_same_ids),
        T(test_persist_ids_continue_the_same_stream_after_restart),
        T(test_persist_updates_and_deletes_replay),
        T(test_persist_daily_jobs_entries_replay),
        T(test_persist_uncommitted_write_is_lost_in_a_crash),
        T(test_persist_clean_shutdown_compacts),
        T(test_persist_compaction_waits_for_a_log_twice_the_snapshot),
        T(test_persist_torn_last_entry_is_dropped),
        T(test_persist_corrupt_middle_line_fails_start_with_path_and_line),
        T(test_persist_bad_entries_are_refused_with_reasons),
        T(test_persist_corrupt_snapshot_line_is_refused),
        T(test_persist_binary_body_round_trips_as_hex),
        T(test_persist_replay_must_give_the_recorded_answer),
        T(test_persist_recover_cuts_at_the_first_bad_record_and_keeps_a_copy),
        T(test_persist_recover_never_drops_the_snapshot),
    };
#undef T

    return cmocka_run_group_tests_name("persist", tests, NULL, NULL);
}

/* test_journal.c - the bounded request ring: wraparound, newest-first order, clear. */
#include "test_helpers.h"

#include "journal.h"

static struct am_journal_entry entry(const char *path, int status)
{
    struct am_journal_entry e;

    memset(&e, 0, sizeof(e));
    snprintf(e.path, sizeof(e.path), "%s", path);
    snprintf(e.method, sizeof(e.method), "GET");
    snprintf(e.key, sizeof(e.key), "$aact_hmlg_...abcd");
    e.status = status;
    e.seq = 999; /* ignored: the journal assigns seq */
    return e;
}

static void test_journal_rejects_zero_capacity(void **state)
{
    (void)state;
    assert_null(am_journal_new(0));
    am_journal_free(NULL);
}

static void test_journal_empty(void **state)
{
    struct am_journal *j = am_journal_new(3);

    (void)state;
    assert_non_null(j);
    assert_int_equal(am_journal_count(j), 0);
    assert_null(am_journal_newest(j, 0));
    assert_int_equal(am_journal_clear(j), 0);
    am_journal_free(j);
}

static void test_journal_copies_entries(void **state)
{
    struct am_journal *j = am_journal_new(4);
    struct am_journal_entry e = entry("/v3/customers", 200);
    const struct am_journal_entry *got;

    (void)state;
    e.time_ms = 1767225600123;
    e.duration_us = 42;
    snprintf(e.client_ip, sizeof(e.client_ip), "203.0.113.7");
    am_journal_add(j, &e);
    /* Changing the caller's copy does not change the journal. */
    snprintf(e.path, sizeof(e.path), "/changed");
    e.status = 500;
    got = am_journal_newest(j, 0);
    assert_non_null(got);
    assert_int_equal(got->seq, 1);
    assert_string_equal(got->path, "/v3/customers");
    assert_int_equal(got->status, 200);
    assert_int_equal(got->time_ms, 1767225600123);
    assert_int_equal(got->duration_us, 42);
    assert_string_equal(got->client_ip, "203.0.113.7");
    assert_string_equal(got->key, "$aact_hmlg_...abcd");
    assert_null(am_journal_newest(j, 1));
    am_journal_free(j);
}

static void test_journal_newest_first_and_wraparound(void **state)
{
    struct am_journal *j = am_journal_new(3);
    char path[32];

    (void)state;
    for (int i = 1; i <= 7; i++) {
        snprintf(path, sizeof(path), "/r%d", i);
        struct am_journal_entry e = entry(path, 200 + i);
        am_journal_add(j, &e);
        assert_int_equal(am_journal_count(j), i < 3 ? i : 3);
        assert_string_equal(am_journal_newest(j, 0)->path, path);
    }
    assert_int_equal(am_journal_count(j), 3);
    assert_string_equal(am_journal_newest(j, 0)->path, "/r7");
    assert_int_equal(am_journal_newest(j, 0)->seq, 7);
    assert_int_equal(am_journal_newest(j, 0)->status, 207);
    assert_string_equal(am_journal_newest(j, 1)->path, "/r6");
    assert_int_equal(am_journal_newest(j, 1)->seq, 6);
    assert_string_equal(am_journal_newest(j, 2)->path, "/r5");
    assert_int_equal(am_journal_newest(j, 2)->seq, 5);
    assert_null(am_journal_newest(j, 3));
    assert_null(am_journal_newest(j, 1000));
    am_journal_free(j);
}

static void test_journal_capacity_one(void **state)
{
    struct am_journal *j = am_journal_new(1);
    struct am_journal_entry a = entry("/a", 200), b = entry("/b", 201);

    (void)state;
    am_journal_add(j, &a);
    am_journal_add(j, &b);
    assert_int_equal(am_journal_count(j), 1);
    assert_string_equal(am_journal_newest(j, 0)->path, "/b");
    assert_int_equal(am_journal_newest(j, 0)->seq, 2);
    assert_null(am_journal_newest(j, 1));
    am_journal_free(j);
}

static void test_journal_clear_then_reuse(void **state)
{
    struct am_journal *j = am_journal_new(3);
    char path[32];

    (void)state;
    for (int i = 1; i <= 5; i++) {
        snprintf(path, sizeof(path), "/r%d", i);
        struct am_journal_entry e = entry(path, 200);
        am_journal_add(j, &e);
    }
    assert_int_equal(am_journal_clear(j), 3);
    assert_int_equal(am_journal_count(j), 0);
    assert_null(am_journal_newest(j, 0));
    assert_int_equal(am_journal_clear(j), 0);

    struct am_journal_entry x = entry("/x", 200), y = entry("/y", 200);
    am_journal_add(j, &x);
    am_journal_add(j, &y);
    assert_int_equal(am_journal_count(j), 2);
    assert_string_equal(am_journal_newest(j, 0)->path, "/y");
    assert_string_equal(am_journal_newest(j, 1)->path, "/x");
    /* Sequence numbers keep counting across a clear, so clients can spot the gap. */
    assert_int_equal(am_journal_newest(j, 0)->seq, 7);
    assert_int_equal(am_journal_newest(j, 1)->seq, 6);
    assert_null(am_journal_newest(j, 2));
    am_journal_free(j);
}

/* Every field at its longest round-trips exactly (the packed copy spills out of its slot),
 * and a slot reused by a short entry gives back what it spilled (ASan's leak check). */
static void test_journal_longest_fields_round_trip(void **state)
{
    struct am_journal *j = am_journal_new(2);
    struct am_journal_entry e, small = entry("/s", 200);
    const struct am_journal_entry *got;

    (void)state;
    memset(&e, 0, sizeof(e));
#define FILL(f, c) (memset(e.f, c, sizeof(e.f) - 1), e.f[sizeof(e.f) - 1] = '\0')
    FILL(request_id, 'r');
    FILL(method, 'm');
    FILL(path, 'p');
    FILL(client_ip, 'i');
    FILL(account, 'a');
    FILL(auth, 'u');
    FILL(key, 'k');
    FILL(route, 'o');
    FILL(fault, 'f');
    FILL(fault_rule, 'g');
    FILL(exchange, 'x');
#undef FILL
    e.status = 418;
    e.bytes = 123456789;
    am_journal_add(j, &e);
    am_journal_add(j, &small);
    got = am_journal_newest(j, 1);
    assert_memory_equal(got->request_id, e.request_id, sizeof(e.request_id));
    assert_memory_equal(got->method, e.method, sizeof(e.method));
    assert_memory_equal(got->path, e.path, sizeof(e.path));
    assert_memory_equal(got->client_ip, e.client_ip, sizeof(e.client_ip));
    assert_memory_equal(got->account, e.account, sizeof(e.account));
    assert_memory_equal(got->auth, e.auth, sizeof(e.auth));
    assert_memory_equal(got->key, e.key, sizeof(e.key));
    assert_memory_equal(got->route, e.route, sizeof(e.route));
    assert_memory_equal(got->fault, e.fault, sizeof(e.fault));
    assert_memory_equal(got->fault_rule, e.fault_rule, sizeof(e.fault_rule));
    assert_memory_equal(got->exchange, e.exchange, sizeof(e.exchange));
    assert_int_equal(got->status, 418);
    assert_int_equal(got->bytes, 123456789);
    assert_string_equal(am_journal_newest(j, 0)->path, "/s");
    assert_string_equal(am_journal_newest(j, 0)->exchange, "");
    /* Overwrite the spilled slot with short entries: nothing leaks, nothing stale shows. */
    am_journal_add(j, &small);
    am_journal_add(j, &small);
    assert_string_equal(am_journal_newest(j, 1)->path, "/s");
    assert_string_equal(am_journal_newest(j, 1)->request_id, "");
    am_journal_add(j, &e);
    am_journal_clear(j);
    am_journal_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_rejects_zero_capacity),
        cmocka_unit_test(test_journal_empty),
        cmocka_unit_test(test_journal_copies_entries),
        cmocka_unit_test(test_journal_longest_fields_round_trip),
        cmocka_unit_test(test_journal_newest_first_and_wraparound),
        cmocka_unit_test(test_journal_capacity_one),
        cmocka_unit_test(test_journal_clear_then_reuse),
    };
    return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}

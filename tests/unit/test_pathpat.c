/* test_pathpat.c - the one path-pattern language of exchanges and fault rules. */
#include "test_helpers.h"

#include <errno.h>

#include "pathpat.h"

static bool matches(const char *pattern, enum am_pathpat_syntax syn, const char *path)
{
    struct am_pathpat pp;
    struct am_pathpat_split sp = {0};
    char err[128];
    bool r;

    memset(&pp, 0, sizeof(pp));
    assert_int_equal(am_pathpat_compile(pattern, syn, &pp, err, sizeof(err)), 0);
    r = am_pathpat_match(&pp, path, &sp);
    am_pathpat_free(&pp);
    return r;
}

static int compile_error(const char *pattern, enum am_pathpat_syntax syn, char *err, size_t n)
{
    struct am_pathpat pp;
    int r;

    memset(&pp, 0, sizeof(pp));
    r = am_pathpat_compile(pattern, syn, &pp, err, n);
    am_pathpat_free(&pp);
    return r;
}

static void test_pathpat_placeholders(void **state)
{
    struct am_pathpat pp;
    char err[128];

    (void)state;
    assert_true(matches("/v3/payments/{id}", AM_PATHPAT_PLACEHOLDERS, "/v3/payments/pay_1"));
    assert_true(matches("/api/v3/payments/{id}", AM_PATHPAT_PLACEHOLDERS, "/v3/payments/x"));
    assert_false(matches("/v3/payments/{id}", AM_PATHPAT_PLACEHOLDERS, "/v3/payments/"));
    assert_false(matches("/v3/payments/{id}", AM_PATHPAT_PLACEHOLDERS, "/v3/payments/a/b"));
    assert_false(matches("/v3/payments/{id}", AM_PATHPAT_PLACEHOLDERS, "/v3/customers/a"));
    /* "*" is a literal in placeholder syntax. */
    assert_false(matches("/v3/payments/*", AM_PATHPAT_PLACEHOLDERS, "/v3/payments/a"));
    memset(&pp, 0, sizeof(pp));
    assert_int_equal(am_pathpat_compile("/v3/payments/{id}/refund/{rid}", AM_PATHPAT_PLACEHOLDERS,
                                        &pp, err, sizeof(err)),
                     0);
    assert_int_equal(am_pathpat_param(&pp, "id", 2), 2);
    assert_int_equal(am_pathpat_param(&pp, "rid", 3), 4);
    assert_int_equal(am_pathpat_param(&pp, "refund", 6), -1);
    am_pathpat_free(&pp);
    assert_int_equal(compile_error("/v3/a{id}", AM_PATHPAT_PLACEHOLDERS, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "a placeholder must be a whole segment \"{name}\"");
    assert_int_equal(compile_error("/v3/{id}/{id}", AM_PATHPAT_PLACEHOLDERS, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "duplicate placeholder 'id'");
    assert_int_equal(compile_error("/v3/{a-b}", AM_PATHPAT_PLACEHOLDERS, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(compile_error("/v3//x", AM_PATHPAT_PLACEHOLDERS, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "empty segment");
}

static void test_pathpat_wildcards(void **state)
{
    char err[128], longpath[600];

    (void)state;
    assert_true(matches("/v3/payments/*", AM_PATHPAT_WILDCARDS, "/v3/payments/pay_1"));
    assert_false(matches("/v3/payments/*", AM_PATHPAT_WILDCARDS, "/v3/payments/a/refund"));
    assert_true(matches("/v3/**", AM_PATHPAT_WILDCARDS, "/v3/payments/a/refund"));
    assert_true(matches("/v3/**", AM_PATHPAT_WILDCARDS, "/v3"));
    assert_false(matches("/v3/**", AM_PATHPAT_WILDCARDS, "/v4/x"));
    assert_true(matches("/v3/*/refund", AM_PATHPAT_WILDCARDS, "/v3/x/refund"));
    /* More segments than a split holds: a '**' pattern still decides on its prefix. */
    snprintf(longpath, sizeof(longpath), "/v3");
    for (int i = 0; i < 20; i++)
        strcat(longpath, "/s");
    assert_true(matches("/v3/s/**", AM_PATHPAT_WILDCARDS, longpath));
    assert_false(matches("/v3/t/**", AM_PATHPAT_WILDCARDS, longpath));
    assert_int_equal(compile_error("/v3/**/x", AM_PATHPAT_WILDCARDS, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "'**' must be the last segment");
    assert_int_equal(compile_error("/v3/a*", AM_PATHPAT_WILDCARDS, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "'*' must be a whole segment");
}

static void test_pathpat_one_split_serves_many_patterns(void **state)
{
    struct am_pathpat a, b;
    struct am_pathpat_split sp;
    char err[64];

    (void)state;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    assert_int_equal(am_pathpat_compile("/v3/x", AM_PATHPAT_WILDCARDS, &a, err, sizeof(err)), 0);
    assert_int_equal(am_pathpat_compile("/v3/*", AM_PATHPAT_WILDCARDS, &b, err, sizeof(err)), 0);
    am_pathpat_split("/v3/y", &sp);
    assert_true(sp.done && sp.valid);
    assert_int_equal(sp.n, 2);
    assert_false(am_pathpat_match(&a, "/v3/y", &sp));
    assert_true(am_pathpat_match(&b, "/v3/y", &sp));
    assert_int_equal(am_pathpat_hash("ab", 2), am_pathpat_hash("abc", 2));
    am_pathpat_free(&a);
    am_pathpat_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pathpat_placeholders),
        cmocka_unit_test(test_pathpat_wildcards),
        cmocka_unit_test(test_pathpat_one_split_serves_many_patterns),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

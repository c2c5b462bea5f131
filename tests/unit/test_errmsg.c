/* test_errmsg.c - the one "where: what went wrong" formatter. */
#include "test_helpers.h"

#include <errno.h>

#include "errmsg.h"

static void test_errmsg_prefix_shapes(void **state)
{
    char err[64];

    (void)state;
    assert_int_equal(am_err_prefixed(err, sizeof(err), -EINVAL, "customers", ".", "name",
                                     "must be %s", "a string"),
                     -EINVAL);
    assert_string_equal(err, "customers.name: must be a string");
    am_err_prefixed(err, sizeof(err), -EINVAL, "seed.json", ": ", "ana", "unknown key");
    assert_string_equal(err, "seed.json: ana: unknown key");
    am_err_prefixed(err, sizeof(err), -EINVAL, "x", ".", NULL, "bad");
    assert_string_equal(err, "x: bad");
    am_err_prefixed(err, sizeof(err), -EINVAL, "", ".", "field", "bad");
    assert_string_equal(err, "field: bad");
    am_err_prefixed(err, sizeof(err), -EINVAL, "", ".", "", "just %d", 7);
    assert_string_equal(err, "just 7");
    assert_int_equal(am_err_printf(err, sizeof(err), -ENOENT, "no %s", "file"), -ENOENT);
    assert_string_equal(err, "no file");
}

static void test_errmsg_truncates_and_accepts_no_buffer(void **state)
{
    char err[8];

    (void)state;
    am_err_prefixed(err, sizeof(err), -EINVAL, "a-long-prefix", ".", "key", "message");
    assert_int_equal(strlen(err), sizeof(err) - 1);
    am_err_prefixed(err, 3, -EINVAL, NULL, NULL, NULL, "message");
    assert_string_equal(err, "me");
    assert_int_equal(am_err_prefixed(NULL, 0, -EINVAL, "a", ".", "b", "x"), -EINVAL);
    assert_int_equal(am_err_printf(err, 0, 5, "x"), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errmsg_prefix_shapes),
        cmocka_unit_test(test_errmsg_truncates_and_accepts_no_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

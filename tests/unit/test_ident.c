/* test_ident.c - the one rule for user-chosen ids (faults, exchanges, accounts). */
#include "test_helpers.h"

#include "ident.h"

static void test_ident_valid(void **state)
{
    (void)state;
    assert_true(am_ident_valid("a", 2));
    assert_true(am_ident_valid("Rule-1_x.y", 64));
    assert_false(am_ident_valid("", 64));
    assert_false(am_ident_valid(NULL, 64));
    assert_false(am_ident_valid("ab", 2)); /* needs room for the NUL */
    assert_false(am_ident_valid("a b", 64));
    assert_false(am_ident_valid("a/b", 64));
    assert_false(am_ident_valid("é", 64));
    assert_false(am_ident_valid("a\"b", 64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ident_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

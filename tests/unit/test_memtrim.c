/* test_memtrim.c - am_mem_trim() hands the chunks parked in this thread's malloc tcache
 * back to the arena (plain malloc_trim() leaves them counted as in use and, after a burst
 * of connections, scattered over the heap with their pages resident). */
#include "test_helpers.h"

#include <malloc.h>

#include "memtrim.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void test_memtrim_empties_tcache(void **state)
{
    enum { N = 7, SIZE = 200 };
    void *p[N];
    size_t before, after;

    (void)state;
#ifdef UNDER_ASAN
    skip(); /* ASan's allocator has no tcache and mallinfo2() reports nothing */
#endif
    /* Once first: its helper thread's arena is created on the first call and counted. */
    (void)am_mem_trim();
    for (int i = 0; i < N; i++) {
        p[i] = malloc(SIZE);
        assert_non_null(p[i]);
    }
    for (int i = 0; i < N; i++)
        free(p[i]); /* glibc parks them in this thread's tcache: still "in use" */
    before = mallinfo2().uordblks;
    malloc_trim(0);
    /* Control: malloc_trim() alone gives none of them back. */
    assert_true(mallinfo2().uordblks + (size_t)N * SIZE > before);
    (void)am_mem_trim();
    after = mallinfo2().uordblks;
    assert_true(after + (size_t)N * SIZE <= before);
    /* The heap still works afterwards. */
    for (int i = 0; i < N; i++) {
        p[i] = malloc(SIZE);
        assert_non_null(p[i]);
        memset(p[i], 0xab, SIZE);
    }
    for (int i = 0; i < N; i++)
        free(p[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memtrim_empties_tcache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_helpers.h - include this first in every cmocka unit test.
 *
 * Does cmocka's include dance. Leaks are caught by the AddressSanitizer build (LSan), not
 * by cJSON hooks: the core frees printed JSON with free(), which must match malloc(). */
#ifndef AM_TEST_HELPERS_H
#define AM_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path under the source tree (AM_SOURCE_ROOT is set by meson). Static buffer. */
static inline const char *am_test_source_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("AM_SOURCE_ROOT");
    snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", rel);
    return buf;
}

/* Multiplier for upper wall-clock bounds (AM_TIME_SCALE, set by meson: 4 under
 * sanitizers, else 1). Lower bounds are never scaled. */
static inline double am_test_time_scale(void)
{
    const char *v = getenv("AM_TIME_SCALE");
    double f = v ? strtod(v, NULL) : 1.0;
    return f >= 1.0 ? f : 1.0;
}

#endif

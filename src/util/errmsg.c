/* errmsg.c - "where: what went wrong" messages (see errmsg.h). */
#include "errmsg.h"

#include <stdbool.h>
#include <stdio.h>

int am_err_vprefixed(char *err, size_t err_len, int rc, const char *a, const char *sep,
                     const char *b, const char *fmt, va_list ap)
{
    bool has_a = a && *a, has_b = b && *b;
    int n = 0;

    if (!err || !err_len)
        return rc;
    if (has_a && has_b)
        n = snprintf(err, err_len, "%s%s%s: ", a, sep ? sep : "", b);
    else if (has_a || has_b)
        n = snprintf(err, err_len, "%s: ", has_a ? a : b);
    else
        err[0] = '\0';
    if (n >= 0 && (size_t)n < err_len)
        vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
    return rc;
}

int am_err_prefixed(char *err, size_t err_len, int rc, const char *a, const char *sep,
                    const char *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    am_err_vprefixed(err, err_len, rc, a, sep, b, fmt, ap);
    va_end(ap);
    return rc;
}

int am_err_printf(char *err, size_t err_len, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    am_err_vprefixed(err, err_len, rc, NULL, NULL, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

/* itf.c - Interleaved 2 of 5 (see itf.h). */
#include "itf.h"

#include <errno.h>
#include <string.h>

/* Widths of the five elements of each digit: 'n' narrow, 'w' wide (the standard table). */
static const char *const pattern[10] = {
    "nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn",
};

static size_t put(char *out, size_t at, char module, char width)
{
    size_t n = width == 'w' ? 3 : 1;

    memset(out + at, module, n);
    return at + n;
}

int am_itf_modules(const char *digits, char *out, size_t out_len)
{
    size_t n = digits ? strlen(digits) : 0, at = 0;

    if (n < 2 || n % 2)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return -EINVAL;
    }
    if (out_len < AM_ITF_START_MODULES + n / 2 * AM_ITF_PAIR_MODULES + AM_ITF_STOP_MODULES + 1)
        return -ENOSPC;
    memcpy(out, "1010", 4);
    at = 4;
    for (size_t i = 0; i < n; i += 2) {
        const char *bars = pattern[digits[i] - '0'], *spaces = pattern[digits[i + 1] - '0'];

        for (int k = 0; k < 5; k++) {
            at = put(out, at, '1', bars[k]);
            at = put(out, at, '0', spaces[k]);
        }
    }
    memcpy(out + at, "11101", 5);
    at += 5;
    out[at] = '\0';
    return (int)at;
}

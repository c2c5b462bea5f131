/* ascii.c - hex digits and decimal counts (see ascii.h). */
#include "ascii.h"

int am_ascii_hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool am_ascii_size(const char *s, unsigned long long max, size_t *ret)
{
    unsigned long long v = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long long)(*s - '0');
        if (v > max)
            return false;
    }
    *ret = (size_t)v;
    return true;
}

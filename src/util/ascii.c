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

void am_ascii_percent_decode(char *s)
{
    char *w = s;

    for (const char *r = s; *r; r++) {
        int hi = r[0] == '%' ? am_ascii_hex((unsigned char)r[1]) : -1;
        int lo = hi >= 0 ? am_ascii_hex((unsigned char)r[2]) : -1;
        if (lo >= 0) {
            char c = (char)(hi * 16 + lo);
            *w++ = c ? c : '?';
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

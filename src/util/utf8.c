/* utf8.c - strict UTF-8 checks (see utf8.h). */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed sequence at s (at most len bytes), 0 when there is none. */
static size_t seq_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0;
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    return n;
}

/* True when the next eight bytes (of len left) are all ASCII. */
static bool ascii8(const char *s, size_t len)
{
    uint64_t w;

    if (len < 8)
        return false;
    memcpy(&w, s, 8);
    return !(w & 0x8080808080808080ULL);
}

bool am_utf8_valid(const char *s, size_t len, size_t *ret_bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n;

        if (ascii8(s + i, len - i)) { /* the common case, eight bytes at a time */
            i += 8;
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        n = seq_len(u + i, len - i);
        if (n == 0) {
            if (ret_bad)
                *ret_bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

bool am_utf8_json_has_nul(const char *s, size_t len, size_t *ret_at)
{
    bool in_string = false;

    /* Every request body passes here: without the six bytes "\u0000" anywhere there is
     * nothing to find, and memmem looks faster than the walk below. */
    if (len < 7 || !memmem(s, len, "\\u0000", 6)) /* and an opening quote */
        return false;

    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = s[i] == '"';
            continue;
        }
        if (s[i] == '"') {
            in_string = false;
        } else if (s[i] == '\\') {
            if (i + 5 < len && s[i + 1] == 'u' && memcmp(s + i + 2, "0000", 4) == 0) {
                if (ret_at)
                    *ret_at = i;
                return true;
            }
            i++; /* the escaped character, whatever it is */
        }
    }
    return false;
}

void am_utf8_scrub(char *s)
{
    size_t len = strlen(s), i = 0;

    while (i < len) {
        size_t n;

        if (ascii8(s + i, len - i)) { /* ASCII: nothing to scrub */
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = seq_len((const unsigned char *)s + i, len - i);

        if (n == 0) {
            s[i++] = '?';
            continue;
        }
        i += n;
    }
}

/* ident.c - user-chosen identifiers (see ident.h). */
#include "ident.h"

#include <string.h>

bool am_ident_valid(const char *s, size_t size)
{
    size_t n;

    if (!s)
        return false;
    n = strlen(s);
    if (n == 0 || n >= size)
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

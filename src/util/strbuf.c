/* strbuf.c - growable text buffer (see strbuf.h). */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void am_strbuf_add(struct am_strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *np;

        while (cap < b->len + n + 1)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void am_strbuf_str(struct am_strbuf *b, const char *s)
{
    am_strbuf_add(b, s, strlen(s));
}

char *am_strbuf_take(struct am_strbuf *b)
{
    char *p;

    if (!b->oom && !b->p)
        am_strbuf_add(b, "", 0);
    p = b->oom ? NULL : b->p;
    if (b->oom)
        free(b->p);
    memset(b, 0, sizeof(*b));
    return p;
}

/* query.c - URL query string decoder (see query.h). */
#include "query.h"
#include "ascii.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Decodes s[0..len) into a new NUL-terminated string. "%00" stays literal: a C string
 * cannot carry the byte, and silently truncating a filter value would be worse. */
static char *decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < len && am_ascii_hex(s[i + 1]) >= 0 &&
                   am_ascii_hex(s[i + 2]) >= 0) {
            int byte = am_ascii_hex(s[i + 1]) * 16 + am_ascii_hex(s[i + 2]);

            if (byte == 0) {
                out[o++] = s[i];
                continue;
            }
            out[o++] = (char)byte;
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

int am_query_parse(const char *query, struct am_query *q)
{
    const char *p;
    size_t total;
    int r = 0;

    memset(q, 0, sizeof(*q));
    if (!query)
        return 0;
    total = strnlen(query, AM_QUERY_MAX_LEN + 1);
    if (total > AM_QUERY_MAX_LEN)
        return -E2BIG;
    p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        const char *eq;
        size_t seg_len = end ? (size_t)(end - p) : strlen(p);
        struct am_query_param *param;

        if (seg_len == 0)
            goto next; /* "a=1&&b=2": empty segments are noise, not parameters */
        if (q->n >= AM_QUERY_MAX_PARAMS) {
            r = -E2BIG;
            goto fail;
        }
        eq = memchr(p, '=', seg_len);
        param = &q->params[q->n];
        param->key = decode(p, eq ? (size_t)(eq - p) : seg_len);
        param->value = eq ? decode(eq + 1, seg_len - (size_t)(eq - p) - 1) : strdup("");
        q->n++; /* counted even when half-built so am_query_finish frees it */
        if (!param->key || !param->value) {
            r = -ENOMEM;
            goto fail;
        }
        if (!am_utf8_valid(param->key, strlen(param->key), NULL) ||
            !am_utf8_valid(param->value, strlen(param->value), NULL)) {
            r = -EILSEQ;
            goto fail;
        }
    next:
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
fail:
    am_query_finish(q);
    return r;
}

const char *am_query_get(const struct am_query *q, const char *key)
{
    if (!q || !key)
        return NULL;
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->params[i].key, key) == 0)
            return q->params[i].value;
    }
    return NULL;
}

void am_query_finish(struct am_query *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->params[i].key);
        free(q->params[i].value);
    }
    memset(q, 0, sizeof(*q));
}

/* multipart.c - one part of a multipart/form-data body (see multipart.h). */
#include "multipart.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 */

static const char *find(const char *hay, size_t len, const char *needle, size_t nlen)
{
    if (nlen == 0 || len < nlen)
        return NULL;
    for (size_t i = 0; i + nlen <= len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

/* The boundary parameter of content_type into out ("--" + boundary). */
static int boundary(const char *ct, char *out, size_t *ret_len)
{
    const char *b;
    size_t n;

    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return -EINVAL;
    b = strstr(ct, "boundary=");
    if (!b)
        return -EINVAL;
    b += 9;
    if (*b == '"') {
        b++;
        n = strcspn(b, "\"");
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n > BOUNDARY_MAX)
        return -EINVAL;
    out[0] = out[1] = '-';
    memcpy(out + 2, b, n);
    *ret_len = n + 2;
    return 0;
}

/* The value of param (name= or filename=) in a header line [h, end), or NULL. */
static const char *param(const char *h, const char *end, const char *key, size_t *ret_len)
{
    size_t klen = strlen(key);

    for (const char *p = h; p + klen + 1 < end; p++) {
        if ((p == h || p[-1] == ' ' || p[-1] == ';') && strncasecmp(p, key, klen) == 0 &&
            p[klen] == '=' && p[klen + 1] == '"') {
            const char *v = p + klen + 2;
            const char *q = memchr(v, '"', (size_t)(end - v));

            if (!q)
                return NULL;
            *ret_len = (size_t)(q - v);
            return v;
        }
    }
    return NULL;
}

int am_multipart_find(const char *content_type, const char *body, size_t len, const char *name,
                      struct am_multipart_part *ret)
{
    char delim[BOUNDARY_MAX + 3];
    size_t dlen, nlen = strlen(name);
    const char *p, *end = body + len;

    if (!body || boundary(content_type, delim, &dlen) < 0)
        return -EINVAL;
    p = find(body, len, delim, dlen);
    if (!p)
        return -EINVAL;
    for (;;) {
        const char *head, *head_end, *next, *data, *line;
        bool match = false;

        p += dlen;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return -ENOENT; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -EINVAL;
        head = p + 2;
        head_end = find(head, (size_t)(end - head), "\r\n\r\n", 4);
        if (!head_end)
            return -EINVAL;
        data = head_end + 4;
        next = find(data, (size_t)(end - data), delim, dlen);
        if (!next || next - data < 2 || next[-2] != '\r' || next[-1] != '\n')
            return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        for (line = head; line < head_end;) {
            const char *eol = find(line, (size_t)(head_end + 2 - line), "\r\n", 2);
            size_t vlen;
            const char *v;

            if (!eol)
                eol = head_end;
            if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
                v = param(line, eol, "name", &vlen);
                match = v && vlen == nlen && memcmp(v, name, nlen) == 0;
                ret->filename = param(line, eol, "filename", &ret->filename_len);
            } else if (strncasecmp(line, "Content-Type:", 13) == 0) {
                for (v = line + 13; v < eol && (*v == ' ' || *v == '\t'); v++)
                    ;
                ret->type = v;
                ret->type_len = (size_t)(eol - v);
            }
            line = eol + 2;
        }
        if (match) {
            ret->data = data;
            ret->len = (size_t)(next - 2 - data);
            return 0;
        }
        p = next;
    }
}

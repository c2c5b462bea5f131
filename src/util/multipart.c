/* multipart.c - multipart/form-data splitting (see multipart.h). */
#include "multipart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errmsg.h"

#define BOUNDARY_MAX 70 /* RFC 2046 */

bool am_multipart_is(const char *ct)
{
    return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

/* memmem without relying on _GNU_SOURCE. */
static const char *find(const char *hay, size_t hay_len, const char *needle, size_t n)
{
    if (n == 0 || hay_len < n)
        return NULL;
    for (size_t i = 0; i + n <= hay_len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

/* Copies the value of param (name="..." or name=token) found in header text h[0..len)
 * into out. Returns true when present. */
static bool header_param(const char *h, size_t len, const char *param, char *out, size_t out_len)
{
    size_t plen = strlen(param);

    for (size_t i = 0; i + plen + 1 < len; i++) {
        size_t j, k = 0;
        bool quoted;

        if (strncasecmp(h + i, param, plen) != 0 || h[i + plen] != '=')
            continue;
        /* Only at a parameter start: after ';' or whitespace. */
        if (i > 0 && h[i - 1] != ';' && h[i - 1] != ' ' && h[i - 1] != '\t')
            continue;
        j = i + plen + 1;
        quoted = j < len && h[j] == '"';
        if (quoted)
            j++;
        while (j < len && h[j] != '\r' && h[j] != '\n') {
            if (quoted ? h[j] == '"' : (h[j] == ';' || h[j] == ' '))
                break;
            if (quoted && h[j] == '\\' && j + 1 < len)
                j++;
            if (k + 1 < out_len)
                out[k++] = h[j];
            j++;
        }
        out[k] = '\0';
        return true;
    }
    return false;
}

/* Parses one part's headers h[0..len) into part. */
static int part_headers(const char *h, size_t len, struct am_multipart_part *part)
{
    bool disposition = false;
    size_t i = 0;

    while (i < len) {
        const char *eol = find(h + i, len - i, "\r\n", 2);
        size_t line_len = eol ? (size_t)(eol - (h + i)) : len - i;
        const char *line = h + i;

        if (line_len > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
            const char *v = line + 20;
            size_t vlen = line_len - 20;

            while (vlen && (*v == ' ' || *v == '\t')) {
                v++;
                vlen--;
            }
            if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0)
                return -EINVAL;
            disposition = true;
            header_param(v, vlen, "name", part->name, sizeof(part->name));
            part->is_file = header_param(v, vlen, "filename", part->filename,
                                         sizeof(part->filename));
        } else if (line_len > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
            const char *v = line + 13;
            size_t vlen = line_len - 13, k;

            while (vlen && (*v == ' ' || *v == '\t')) {
                v++;
                vlen--;
            }
            k = vlen < sizeof(part->content_type) - 1 ? vlen : sizeof(part->content_type) - 1;
            memcpy(part->content_type, v, k);
            part->content_type[k] = '\0';
        }
        i += line_len + 2;
    }
    return disposition ? 0 : -EINVAL;
}

int am_multipart_parse(const char *ct, const char *body, size_t len, struct am_multipart *ret,
                       char *err, size_t err_len)
{
    char boundary[BOUNDARY_MAX + 1], delim[BOUNDARY_MAX + 5];
    size_t dlen, pos;
    const char *p;

    memset(ret, 0, sizeof(*ret));
    if (!am_multipart_is(ct) ||
        !header_param(ct, strlen(ct), "boundary", boundary, sizeof(boundary)) || !boundary[0] ||
        strlen(boundary) >= BOUNDARY_MAX)
        return am_err_printf(err, err_len, -EINVAL, "multipart body without a boundary");
    dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
    /* The first delimiter may open the body without the leading CRLF. */
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        pos = dlen - 2;
    } else {
        p = body ? find(body, len, delim, dlen) : NULL;
        if (!p)
            return am_err_printf(err, err_len, -EINVAL, "multipart boundary not found");
        pos = (size_t)(p - body) + dlen;
    }
    for (;;) {
        const char *hdr_end, *next;
        struct am_multipart_part *part;

        if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0)
            return 0; /* closing delimiter */
        if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0)
            return am_err_printf(err, err_len, -EINVAL, "malformed multipart delimiter");
        pos += 2;
        if (ret->n == AM_MULTIPART_MAX_PARTS)
            return am_err_printf(err, err_len, -EINVAL, "more than %d multipart parts",
                                 AM_MULTIPART_MAX_PARTS);
        part = &ret->parts[ret->n];
        hdr_end = find(body + pos, len - pos, "\r\n\r\n", 4);
        if (!hdr_end)
            return am_err_printf(err, err_len, -EINVAL, "multipart part without headers");
        if (part_headers(body + pos, (size_t)(hdr_end - (body + pos)) + 2, part) < 0)
            return am_err_printf(err, err_len, -EINVAL,
                                 "multipart part without Content-Disposition: form-data");
        pos = (size_t)(hdr_end - body) + 4;
        next = find(body + pos, len - pos, delim, dlen);
        if (!next)
            return am_err_printf(err, err_len, -EINVAL, "multipart body not terminated");
        part->data = body + pos;
        part->len = (size_t)(next - (body + pos));
        ret->n++;
        pos = (size_t)(next - body) + dlen;
    }
}

const struct am_multipart_part *am_multipart_find(const struct am_multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->parts[i].name, name) == 0)
            return &m->parts[i];
    }
    return NULL;
}

int am_multipart_get(const char *content_type, const char *body, size_t len, const char *name,
                     struct am_multipart_part *ret)
{
    struct am_multipart *m = malloc(sizeof(*m));
    const struct am_multipart_part *p;
    char err[128];
    int r;

    if (!m)
        return -ENOMEM;
    r = am_multipart_parse(content_type, body, len, m, err, sizeof(err));
    if (r == 0) {
        p = am_multipart_find(m, name);
        if (p)
            *ret = *p;
        else
            r = -ENOENT;
    }
    free(m);
    return r < 0 && r != -ENOENT && r != -ENOMEM ? -EINVAL : r;
}

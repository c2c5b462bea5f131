/* multipart.c - multipart/form-data splitting (see multipart.h). */
#include "multipart.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 */

/* Copies the boundary parameter of content_type into out (without quotes). */
static bool boundary_of(const char *content_type, char out[BOUNDARY_MAX + 1])
{
    const char *p;
    size_t n = 0;

    if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0)
        return false;
    p = strcasestr(content_type, "boundary=");
    if (!p)
        return false;
    p += 9;
    if (*p == '"') {
        p++;
        while (p[n] && p[n] != '"')
            n++;
    } else {
        while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t')
            n++;
    }
    if (n == 0 || n > BOUNDARY_MAX)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

bool am_multipart_is_form(const char *content_type)
{
    char b[BOUNDARY_MAX + 1];

    return boundary_of(content_type, b);
}

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

/* Copies the value of parameter key (name= or filename=) of a Content-Disposition line
 * [v, end) into out. Returns 1 when found, 0 when absent, -EINVAL when too long. */
static int disposition_param(const char *v, const char *end, const char *key, char *out,
                             size_t out_len)
{
    size_t klen = strlen(key);

    for (const char *p = v; p + klen < end; p++) {
        size_t n = 0;
        const char *s;

        /* key must start a parameter: after ';' or whitespace */
        if (strncasecmp(p, key, klen) != 0 || p[klen] != '=' ||
            (p > v && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t'))
            continue;
        s = p + klen + 1;
        if (s < end && *s == '"') {
            s++;
            while (s + n < end && s[n] != '"')
                n++;
        } else {
            while (s + n < end && s[n] != ';')
                n++;
        }
        if (n >= out_len)
            return -EINVAL;
        memcpy(out, s, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

/* Reads the header block [h, end) of one part into part. */
static int read_headers(const char *h, const char *end, struct am_mp_part *part)
{
    while (h < end) {
        const char *eol = find(h, (size_t)(end - h), "\r\n", 2);
        const char *colon, *v;

        if (!eol)
            eol = end;
        colon = memchr(h, ':', (size_t)(eol - h));
        if (!colon)
            return -EINVAL;
        v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        if ((size_t)(colon - h) == 19 && strncasecmp(h, "Content-Disposition", 19) == 0) {
            int r = disposition_param(v, eol, "name", part->name, sizeof(part->name));

            if (r < 0)
                return r;
            r = disposition_param(v, eol, "filename", part->filename, sizeof(part->filename));
            if (r < 0)
                return r;
            part->is_file = r == 1;
        } else if ((size_t)(colon - h) == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
            size_t n = (size_t)(eol - v);

            if (n >= sizeof(part->content_type))
                n = sizeof(part->content_type) - 1;
            memcpy(part->content_type, v, n);
            part->content_type[n] = '\0';
        }
        h = eol + 2;
    }
    return 0;
}

int am_multipart_parse(const char *content_type, const char *body, size_t len,
                       struct am_mp_part *parts, size_t max, size_t *ret_n)
{
    char boundary[BOUNDARY_MAX + 1];
    char delim[BOUNDARY_MAX + 5]; /* "\r\n--" + boundary */
    const char *p, *end = body + len;
    size_t dlen, n = 0;

    *ret_n = 0;
    if (!body || !boundary_of(content_type, boundary))
        return -EINVAL;
    dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
    /* The first delimiter may start the body (no CRLF before it). */
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        p = body + dlen - 2;
    } else {
        p = find(body, len, delim, dlen);
        if (!p)
            return -EINVAL;
        p += dlen;
    }
    for (;;) {
        const char *hdr_end, *next;
        struct am_mp_part part;
        int r;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* close delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -EINVAL;
        p += 2;
        memset(&part, 0, sizeof(part));
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hdr_end = p; /* no headers at all */
        } else {
            hdr_end = find(p, (size_t)(end - p), "\r\n\r\n", 4);
            if (!hdr_end)
                return -EINVAL;
        }
        r = read_headers(p, hdr_end, &part);
        if (r < 0)
            return r;
        p = hdr_end + (hdr_end == p ? 2 : 4);
        next = find(p, (size_t)(end - p), delim, dlen);
        if (!next)
            return -EINVAL;
        part.data = p;
        part.len = (size_t)(next - p);
        if (n == max)
            return -E2BIG;
        parts[n++] = part;
        p = next + dlen;
    }
    *ret_n = n;
    return 0;
}

const struct am_mp_part *am_multipart_find(const struct am_mp_part *parts, size_t n,
                                           const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    }
    return NULL;
}

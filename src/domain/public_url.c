/* public_url.c - the base of the URLs objects carry (see public_url.h). */
#include "public_url.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static char current[AM_PUBLIC_URL_MAX] = AM_PUBLIC_URL_DEFAULT;

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-';
}

/* host[:port] with host a name/IPv4 or "[hex:...]". */
static bool authority_ok(const char *s, size_t n)
{
    size_t i = 0, host_len;

    if (n == 0 || n > 255)
        return false;
    if (s[0] == '[') {
        for (i = 1; i < n && s[i] != ']'; i++) {
            char c = s[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == ':' || c == '.'))
                return false;
        }
        if (i >= n || i == 1)
            return false;
        i++;
    } else {
        while (i < n && host_char(s[i]))
            i++;
        if (i == 0)
            return false;
    }
    host_len = i;
    if (i == n)
        return true;
    if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
        return false;
    for (i = host_len + 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

int am_public_url_check(const char *base)
{
    const char *auth, *slash;
    size_t len;

    if (!base)
        return -EINVAL;
    len = strlen(base);
    if (len >= AM_PUBLIC_URL_MAX)
        return -EINVAL;
    if (strncmp(base, "https://", 8) == 0)
        auth = base + 8;
    else if (strncmp(base, "http://", 7) == 0)
        auth = base + 7;
    else
        return -EINVAL;
    slash = strchr(auth, '/');
    if (!authority_ok(auth, slash ? (size_t)(slash - auth) : strlen(auth)))
        return -EINVAL;
    for (const char *p = slash ? slash : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* A path only: what could break out of an HTML attribute or a JSON string, or
         * start a query or fragment, is refused. */
        if (c <= ' ' || c >= 0x7f || strchr("\"'<>\\`?#", c))
            return -EINVAL;
    }
    return 0;
}

int am_public_url_set(const char *base)
{
    size_t len;

    if (!base || !*base) {
        memcpy(current, AM_PUBLIC_URL_DEFAULT, sizeof(AM_PUBLIC_URL_DEFAULT));
        return 0;
    }
    if (am_public_url_check(base) < 0)
        return -EINVAL;
    len = strlen(base); /* < AM_PUBLIC_URL_MAX: checked above */
    while (len > 0 && base[len - 1] == '/')
        len--;
    memcpy(current, base, len); /* set on every request: no format engine */
    current[len] = '\0';
    return 0;
}

const char *am_public_url_base(void)
{
    return current;
}

int am_public_url_from_host(bool tls, const char *host, char out[AM_PUBLIC_URL_MAX])
{
    const char *scheme = tls ? "https://" : "http://";
    size_t scheme_len = strlen(scheme), len;

    if (!host)
        return -EINVAL;
    len = strlen(host);
    if (!authority_ok(host, len))
        return -EINVAL;
    /* snprintf("%s%s")'s truncation (an authority is at most 255), without the format */
    if (len > AM_PUBLIC_URL_MAX - 1 - scheme_len)
        len = AM_PUBLIC_URL_MAX - 1 - scheme_len;
    memcpy(out, scheme, scheme_len);
    memcpy(out + scheme_len, host, len);
    out[scheme_len + len] = '\0';
    return 0;
}

int am_public_url_join(char *out, size_t out_len, const char *path, const char *suffix)
{
    size_t a = strlen(current), b = strlen(path), c = suffix ? strlen(suffix) : 0;
    int n;

    /* Every object's URLs come here: three copies, no format engine. */
    if (a + b + c < out_len && a + b + c <= INT_MAX) {
        memcpy(out, current, a);
        memcpy(out + a, path, b);
        if (c)
            memcpy(out + a + b, suffix, c);
        out[a + b + c] = '\0';
        return (int)(a + b + c);
    }
    /* Too long: what snprintf leaves (the cut text) and -ENOSPC. */
    n = snprintf(out, out_len, "%s%s%s", current, path, suffix ? suffix : "");
    return n < 0 || (size_t)n >= out_len ? -ENOSPC : n;
}

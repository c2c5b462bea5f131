/* pathpat.c - compiled path patterns (see pathpat.h). */
#include "pathpat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "router.h"

uint32_t am_pathpat_hash(const char *p, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* "{name}" -> "name" in place (p[seg_len - 1] cleared); 0 or -EINVAL with err. */
static int placeholder(const struct am_pathpat *pp, char **pseg, size_t *plen, char *err,
                       size_t err_len)
{
    char *p = *pseg;
    size_t seg_len = *plen, nlen = seg_len - 2;

    if (seg_len < 3 || p[0] != '{' || p[seg_len - 1] != '}')
        return am_err_printf(err, err_len, -EINVAL,
                             "a placeholder must be a whole segment \"{name}\"");
    if (nlen > AM_PATHPAT_MAX_NAME)
        return am_err_printf(err, err_len, -EINVAL, "placeholder name longer than %d",
                             AM_PATHPAT_MAX_NAME);
    for (size_t i = 1; i <= nlen; i++) {
        if (!is_name_char(p[i]))
            return am_err_printf(err, err_len, -EINVAL, "placeholder names are [A-Za-z0-9_]");
    }
    p[seg_len - 1] = '\0';
    p++;
    if (am_pathpat_param(pp, p, nlen) >= 0)
        return am_err_printf(err, err_len, -EINVAL, "duplicate placeholder '%s'", p);
    *pseg = p;
    *plen = nlen;
    return 0;
}

int am_pathpat_compile(const char *text, enum am_pathpat_syntax syntax, struct am_pathpat *pp,
                       char *err, size_t err_len)
{
    const char *norm = am_router_normalise_path(text);
    size_t len = strlen(norm);
    char *p;
    int r;

    if (strlen(text) > AM_PATHPAT_MAX_LEN)
        return am_err_printf(err, err_len, -EINVAL, "longer than %d characters",
                             AM_PATHPAT_MAX_LEN);
    pp->text = strdup(text);
    pp->buf = malloc(len + 1);
    if (!pp->text || !pp->buf)
        return -ENOMEM;
    memcpy(pp->buf, norm, len + 1);
    p = pp->buf + (*norm == '/');
    for (;;) {
        char *slash = strchr(p, '/');
        size_t seg_len = slash ? (size_t)(slash - p) : strlen(p);

        if (seg_len == 0)
            return am_err_printf(err, err_len, -EINVAL, "empty segment");
        if (pp->n == AM_PATHPAT_MAX_SEGS)
            return am_err_printf(err, err_len, -EINVAL, "more than %d segments",
                                 AM_PATHPAT_MAX_SEGS);
        if (pp->globstar)
            return am_err_printf(err, err_len, -EINVAL, "'**' must be the last segment");
        if (slash)
            *slash = '\0';
        if (syntax == AM_PATHPAT_PLACEHOLDERS) {
            if (memchr(p, '{', seg_len) || memchr(p, '}', seg_len)) {
                if ((r = placeholder(pp, &p, &seg_len, err, err_len)) < 0)
                    return r;
                pp->wild |= 1u << pp->n;
            }
        } else {
            if (memchr(p, '*', seg_len) && strcmp(p, "*") != 0 && strcmp(p, "**") != 0)
                return am_err_printf(err, err_len, -EINVAL, "'*' must be a whole segment");
            pp->globstar = strcmp(p, "**") == 0;
            if (strcmp(p, "*") == 0)
                pp->wild |= 1u << pp->n;
        }
        pp->segs[pp->n] = p;
        pp->lens[pp->n] = (uint32_t)seg_len;
        pp->hash[pp->n] = am_pathpat_hash(p, seg_len);
        pp->n++;
        if (!slash)
            break;
        p = slash + 1;
    }
    return 0;
}

void am_pathpat_free(struct am_pathpat *pp)
{
    free(pp->text);
    free(pp->buf);
    pp->text = pp->buf = NULL;
}

void am_pathpat_split(const char *path, struct am_pathpat_split *sp)
{
    const char *p = path;

    sp->done = true;
    sp->valid = false;
    sp->n = 0;
    if (!path || *p != '/')
        return;
    p++;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (sp->n == AM_PATHPAT_MAX_SEGS || len > UINT32_MAX)
            return;
        sp->segs[sp->n] = p;
        sp->lens[sp->n] = (uint32_t)len;
        sp->hash[sp->n] = am_pathpat_hash(p, len);
        sp->n++;
        if (!slash)
            break;
        p = slash + 1;
    }
    sp->valid = true;
}

/* Walks the raw path for a '**' pattern's fixed prefix (paths too long to split). */
static bool match_long(const struct am_pathpat *pp, const char *path)
{
    const char *p = path;
    uint32_t fixed = pp->n - 1;

    if (!pp->globstar || !path || *p != '/')
        return false;
    p++;
    for (uint32_t i = 0; i < fixed; i++) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if ((pp->wild >> i) & 1) {
            if (len == 0)
                return false;
        } else if (len != pp->lens[i] || memcmp(p, pp->segs[i], len) != 0) {
            return false;
        }
        if (!slash)
            return i + 1 == fixed;
        p = slash + 1;
    }
    return true;
}

bool am_pathpat_match(const struct am_pathpat *pp, const char *path, struct am_pathpat_split *sp)
{
    uint32_t fixed = pp->globstar ? pp->n - 1 : pp->n;

    if (!sp->done)
        am_pathpat_split(path, sp);
    if (!sp->valid)
        return match_long(pp, path);
    if (pp->globstar ? sp->n < fixed : sp->n != fixed)
        return false;
    /* Integers first, last segment first ("/v3" is common to all; ids and actions
     * differ at the end), bytes only once every hash agreed. */
    for (uint32_t i = fixed; i-- > 0;) {
        if ((pp->wild >> i) & 1) {
            if (sp->lens[i] == 0)
                return false;
        } else if (sp->hash[i] != pp->hash[i] || sp->lens[i] != pp->lens[i]) {
            return false;
        }
    }
    for (uint32_t i = 0; i < fixed; i++) {
        if (!((pp->wild >> i) & 1) && memcmp(sp->segs[i], pp->segs[i], sp->lens[i]) != 0)
            return false;
    }
    return true;
}

int am_pathpat_param(const struct am_pathpat *pp, const char *name, size_t len)
{
    for (uint32_t i = 0; i < pp->n; i++) {
        if (((pp->wild >> i) & 1) && pp->lens[i] == len && memcmp(pp->segs[i], name, len) == 0)
            return (int)i;
    }
    return -1;
}

/* exchanges.c - recorded exchanges: loading, matching, templating (see exchanges.h). */
#include "exchanges.h"
#include "strbuf.h"
#include "json_text.h"
#include "router.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "clock.h"
#include "query.h"

#define MAX_SEGS 16
#define MAX_PATTERN_LEN 512
#define MAX_PARAM_NAME 32
#define MAX_MATCH_QUERY 16
#define MAX_MATCH_HEADERS 16
#define MAX_RESP_HEADERS 8
#define MAX_RESPONSES 64
#define MAX_ID_PREFIX 32
#define MAX_ID_LEN 64
#define MAX_DAYS 36500
#define MAX_FILE_BYTES (16u << 20)
#define WHERE_MAX 256

/* ---- small helpers ------------------------------------------------------------------ */

/* Writes "where: message" into err and returns -EINVAL. */
static int xerr(char *err, size_t err_len, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int xerr(char *err, size_t err_len, const char *where, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (err && err_len)
        snprintf(err, err_len, "%s: %s", where, msg);
    return -EINVAL;
}

/* Appends s to the NUL-terminated text in buf (capacity cap), truncating silently:
 * paths are for humans. No snprintf: gcc's truncation warnings at -O2. */
static void append(char *buf, size_t cap, const char *s)
{
    size_t len = strnlen(buf, cap);
    size_t n = strlen(s);

    if (len + 1 >= cap)
        return;
    if (n > cap - len - 1)
        n = cap - len - 1;
    memcpy(buf + len, s, n);
    buf[len + n] = '\0';
}

/* "where.field" into out. */
static void join(char *out, size_t out_len, const char *where, const char *field)
{
    out[0] = '\0';
    append(out, out_len, where);
    append(out, out_len, ".");
    append(out, out_len, field);
}

/* "where[i]" appended after where (already in out). */
static void append_index(char *out, size_t out_len, size_t i)
{
    char idx[32];

    snprintf(idx, sizeof(idx), "[%zu]", i);
    append(out, out_len, idx);
}

/* Rejects unknown and duplicate keys of obj. allowed is NULL-terminated. */
static int check_keys(const cJSON *obj, const char *const *allowed, const char *where, char *err,
                      size_t err_len)
{
    char w[WHERE_MAX];
    bool dup;
    const char *bad = am_json_bad_key(obj, allowed, &dup);

    if (!bad)
        return 0;
    join(w, sizeof(w), where, bad);
    return xerr(err, err_len, w, dup ? "duplicate field" : "unknown field");
}

static bool valid_token(const char *s, size_t len)
{
    if (len == 0 || len > 128)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c <= ' ' || c >= 127 || strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    }
    return true;
}

static bool valid_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= AM_EXCHANGE_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- interned strings ---------------------------------------------------------------- */

/* am_response wants static header names; a delayed reply may outlive a reloaded set. So
 * names live as long as the process, reachable from here (not leaks). */
static char *interned[AM_EXCHANGES_MAX_NAMES];
static size_t n_interned;

static const char *intern(const char *s)
{
    for (size_t i = 0; i < n_interned; i++) {
        if (strcmp(interned[i], s) == 0)
            return interned[i];
    }
    if (n_interned == AM_EXCHANGES_MAX_NAMES)
        return NULL;
    if (!(interned[n_interned] = strdup(s)))
        return NULL;
    return interned[n_interned++];
}

/* ---- path patterns -------------------------------------------------------------------- */

struct pattern {
    char *text; /* as given, for listings */
    char *buf;  /* normalised copy, '/' replaced by NUL; placeholder names without braces */
    uint32_t n;
    uint32_t params; /* bit i: segment i is a placeholder */
    const char *segs[MAX_SEGS];
    uint32_t lens[MAX_SEGS];
};

/* "/api/v3/x" -> "/v3/x": the legacy prefix is the same API. */
static int compile_path(const char *text, struct pattern *pp, const char *where, char *err,
                        size_t err_len)
{
    const char *norm = am_router_normalise_path(text);
    size_t len = strlen(norm);
    char *p;

    if (strlen(text) > MAX_PATTERN_LEN)
        return xerr(err, err_len, where, "longer than %d characters", MAX_PATTERN_LEN);
    if (strncmp(norm, "/v3/", 4) != 0 || norm[4] == '\0')
        return xerr(err, err_len, where, "must start with /v3/ or /api/v3/");
    if (strpbrk(norm, "?#"))
        return xerr(err, err_len, where, "must not contain '?' or '#' (use \"query\")");
    pp->text = strdup(text);
    pp->buf = malloc(len + 1);
    if (!pp->text || !pp->buf)
        return -ENOMEM;
    memcpy(pp->buf, norm, len + 1);
    p = pp->buf + 1;
    for (;;) {
        char *slash = strchr(p, '/');
        size_t seg_len = slash ? (size_t)(slash - p) : strlen(p);

        if (seg_len == 0)
            return xerr(err, err_len, where, "empty segment");
        if (pp->n == MAX_SEGS)
            return xerr(err, err_len, where, "more than %d segments", MAX_SEGS);
        if (slash)
            *slash = '\0';
        if (memchr(p, '{', seg_len) || memchr(p, '}', seg_len)) {
            size_t nlen = seg_len - 2;

            if (seg_len < 3 || p[0] != '{' || p[seg_len - 1] != '}')
                return xerr(err, err_len, where, "a placeholder must be a whole segment "
                                                 "\"{name}\"");
            if (nlen > MAX_PARAM_NAME)
                return xerr(err, err_len, where, "placeholder name longer than %d",
                            MAX_PARAM_NAME);
            for (size_t i = 1; i <= nlen; i++) {
                if (!is_name_char(p[i]))
                    return xerr(err, err_len, where, "placeholder names are [A-Za-z0-9_]");
            }
            p[seg_len - 1] = '\0';
            p++;
            seg_len = nlen;
            for (uint32_t i = 0; i < pp->n; i++) {
                if (((pp->params >> i) & 1) && pp->lens[i] == seg_len &&
                    memcmp(pp->segs[i], p, seg_len) == 0)
                    return xerr(err, err_len, where, "duplicate placeholder '%s'", p);
            }
            pp->params |= 1u << pp->n;
        }
        pp->segs[pp->n] = p;
        pp->lens[pp->n] = (uint32_t)seg_len;
        pp->n++;
        if (!slash)
            break;
        p = slash + 1;
    }
    return 0;
}

/* Index of placeholder name (len bytes) in pp, or -1. */
static int pattern_param(const struct pattern *pp, const char *name, size_t len)
{
    for (uint32_t i = 0; i < pp->n; i++) {
        if (((pp->params >> i) & 1) && pp->lens[i] == len && memcmp(pp->segs[i], name, len) == 0)
            return (int)i;
    }
    return -1;
}

/* ---- templates ------------------------------------------------------------------------ */

enum tpl_kind { T_PATH, T_QUERY, T_HEADER, T_BODY, T_ID, T_UUID, T_CUSTOMER, T_TODAY, T_NOW,
                T_LBRACE };

struct tpl {
    enum tpl_kind kind;
    const char *arg; /* path name, query key, header name, body path ("" = whole body) */
    size_t arg_len;
    const char *prefix; /* id */
    size_t prefix_len;
    unsigned n;
    int days;
};

enum { TPL_OK, TPL_UNTERMINATED, TPL_UNKNOWN };

static bool word_is(const char *s, size_t len, const char *w)
{
    return len == strlen(w) && memcmp(s, w, len) == 0;
}

static bool starts(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && memcmp(s, w, n) == 0;
}

/* Decimal digits s[0..len) as a value <= max. */
static bool parse_small(const char *s, size_t len, unsigned max, unsigned *ret)
{
    unsigned v = 0;

    if (len == 0 || len > 6)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return false;
    *ret = v;
    return true;
}

static int classify(const char *c, size_t len, struct tpl *t)
{
    memset(t, 0, sizeof(*t));
    if (word_is(c, len, "lbrace")) {
        t->kind = T_LBRACE; /* a literal "{{": recorded text that would open a template */
    } else if (word_is(c, len, "uuid")) {
        t->kind = T_UUID;
    } else if (word_is(c, len, "customerId")) {
        t->kind = T_CUSTOMER;
    } else if (word_is(c, len, "now")) {
        t->kind = T_NOW;
    } else if (starts(c, len, "today")) {
        size_t i = 5;
        unsigned n;
        int sign;

        t->kind = T_TODAY;
        if (i == len)
            return TPL_OK;
        while (i < len && is_space(c[i]))
            i++;
        if (i == len || (c[i] != '+' && c[i] != '-'))
            return TPL_UNKNOWN;
        sign = c[i] == '-' ? -1 : 1;
        i++;
        while (i < len && is_space(c[i]))
            i++;
        if (!parse_small(c + i, len - i, MAX_DAYS, &n))
            return TPL_UNKNOWN;
        t->days = sign * (int)n;
    } else if (starts(c, len, "path.")) {
        t->kind = T_PATH;
        t->arg = c + 5;
        t->arg_len = len - 5;
        if (t->arg_len == 0 || t->arg_len > MAX_PARAM_NAME)
            return TPL_UNKNOWN;
        for (size_t i = 0; i < t->arg_len; i++) {
            if (!is_name_char(t->arg[i]))
                return TPL_UNKNOWN;
        }
    } else if (starts(c, len, "query.")) {
        t->kind = T_QUERY;
        t->arg = c + 6;
        t->arg_len = len - 6;
        if (t->arg_len == 0 || t->arg_len > 128)
            return TPL_UNKNOWN;
        for (size_t i = 0; i < t->arg_len; i++) {
            if ((unsigned char)t->arg[i] <= ' ')
                return TPL_UNKNOWN;
        }
    } else if (starts(c, len, "header.")) {
        t->kind = T_HEADER;
        t->arg = c + 7;
        t->arg_len = len - 7;
        if (!valid_token(t->arg, t->arg_len))
            return TPL_UNKNOWN;
    } else if (word_is(c, len, "body") || starts(c, len, "body.")) {
        t->kind = T_BODY;
        t->arg = len > 4 ? c + 5 : c + 4;
        t->arg_len = len > 4 ? len - 5 : 0;
        if (len > 4 && t->arg_len == 0)
            return TPL_UNKNOWN;
        if (t->arg_len > 256)
            return TPL_UNKNOWN;
        for (size_t i = 0; i < t->arg_len; i++) {
            bool edge = i == 0 || i + 1 == t->arg_len;

            if ((unsigned char)t->arg[i] <= ' ' ||
                (t->arg[i] == '.' && (edge || t->arg[i + 1] == '.')))
                return TPL_UNKNOWN;
        }
    } else if (starts(c, len, "id") && len > 2 && is_space(c[2])) {
        size_t i = 2;
        const char *q;

        t->kind = T_ID;
        while (i < len && is_space(c[i]))
            i++;
        if (i == len || c[i] != '"')
            return TPL_UNKNOWN;
        i++;
        q = memchr(c + i, '"', len - i);
        if (!q)
            return TPL_UNKNOWN;
        t->prefix = c + i;
        t->prefix_len = (size_t)(q - (c + i));
        if (t->prefix_len > MAX_ID_PREFIX)
            return TPL_UNKNOWN;
        for (size_t k = 0; k < t->prefix_len; k++) {
            if ((unsigned char)t->prefix[k] < ' ' || t->prefix[k] == '\\')
                return TPL_UNKNOWN;
        }
        i = (size_t)(q - c) + 1;
        if (i == len || !is_space(c[i]))
            return TPL_UNKNOWN;
        while (i < len && is_space(c[i]))
            i++;
        if (!parse_small(c + i, len - i, MAX_ID_LEN, &t->n) || t->n == 0)
            return TPL_UNKNOWN;
    } else {
        return TPL_UNKNOWN;
    }
    return TPL_OK;
}

/* s points at "{{". Parses one template; *ret_end is just past its "}}". On
 * TPL_UNKNOWN, *ret_end still points past "}}" and [*ret_c, +*ret_len) is its text. */
static int tpl_parse(const char *s, struct tpl *t, const char **ret_end, const char **ret_c,
                     size_t *ret_len)
{
    const char *c = s + 2;
    const char *close = strstr(c, "}}");
    size_t len;

    if (!close)
        return TPL_UNTERMINATED;
    *ret_end = close + 2;
    len = (size_t)(close - c);
    while (len && is_space(*c)) {
        c++;
        len--;
    }
    while (len && is_space(c[len - 1]))
        len--;
    *ret_c = c;
    *ret_len = len;
    return classify(c, len, t);
}

/* Load-time check of every template in s. where names the string's JSON path. */
static int tpl_validate(const char *s, const struct pattern *pp, const char *where, char *err,
                        size_t err_len)
{
    const char *p = s;

    while ((p = strstr(p, "{{"))) {
        struct tpl t;
        const char *end = NULL, *c = NULL;
        size_t len = 0;
        int r = tpl_parse(p, &t, &end, &c, &len);

        if (r == TPL_UNTERMINATED)
            return xerr(err, err_len, where, "unterminated template (\"{{\" without \"}}\")");
        if (r == TPL_UNKNOWN)
            return xerr(err, err_len, where, "unknown template '{{%.*s}}'",
                        (int)(len > 64 ? 64 : len), c);
        if (t.kind == T_PATH && pattern_param(pp, t.arg, t.arg_len) < 0)
            return xerr(err, err_len, where, "template '{{%.*s}}': the path has no {%.*s}",
                        (int)(len > 64 ? 64 : len), c, (int)t.arg_len, t.arg);
        p = end;
    }
    return 0;
}

/* Checks every string of a response body; wbuf holds the path, grown and restored. */
static int validate_body(const cJSON *item, const struct pattern *pp, char *wbuf, size_t wlen,
                         bool *has_tpl, char *err, size_t err_len)
{
    size_t base = strlen(wbuf);
    int r = 0;
    size_t i = 0;

    if (cJSON_IsString(item)) {
        if (strstr(item->valuestring, "{{")) {
            *has_tpl = true;
            return tpl_validate(item->valuestring, pp, wbuf, err, err_len);
        }
        return 0;
    }
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return 0;
    for (const cJSON *c = item->child; c && r == 0; c = c->next, i++) {
        if (cJSON_IsArray(item)) {
            append_index(wbuf, wlen, i);
        } else {
            append(wbuf, wlen, ".");
            append(wbuf, wlen, c->string);
        }
        r = validate_body(c, pp, wbuf, wlen, has_tpl, err, err_len);
        wbuf[base] = '\0';
    }
    return r;
}

/* ---- JSON comparison ----------------------------------------------------------------- */

static bool json_equal(const cJSON *a, const cJSON *b);

static bool json_subset(const cJSON *want, const cJSON *got)
{
    if (cJSON_IsObject(want)) {
        if (!cJSON_IsObject(got))
            return false;
        for (const cJSON *w = want->child; w; w = w->next) {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);

            if (!g || !json_subset(w, g))
                return false;
        }
        return true;
    }
    return json_equal(want, got);
}

static size_t child_count(const cJSON *a)
{
    size_t n = 0;

    for (const cJSON *c = a->child; c; c = c->next)
        n++;
    return n;
}

/* Exact equality (objects: same members, any order). */
static bool json_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsString(a))
        return cJSON_IsString(b) && strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsNumber(a))
        return cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
    if (cJSON_IsBool(a))
        return cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
    if (cJSON_IsNull(a))
        return cJSON_IsNull(b);
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y;

        if (!cJSON_IsArray(b))
            return false;
        for (y = b->child; x && y; x = x->next, y = y->next) {
            if (!json_equal(x, y))
                return false;
        }
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        if (!cJSON_IsObject(b) || child_count(a) != child_count(b))
            return false;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);

            if (!y || !json_equal(x, y))
                return false;
        }
        return true;
    }
    return false;
}

/* Rejects duplicate keys anywhere in a matcher body (the subset would be ambiguous). */
static int check_no_dup_keys(const cJSON *item, char *wbuf, size_t wlen, char *err,
                             size_t err_len)
{
    size_t base = strlen(wbuf);
    size_t i = 0;
    int r = 0;

    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return 0;
    for (const cJSON *c = item->child; c && r == 0; c = c->next, i++) {
        if (cJSON_IsArray(item)) {
            append_index(wbuf, wlen, i);
        } else {
            append(wbuf, wlen, ".");
            append(wbuf, wlen, c->string);
            for (const cJSON *d = item->child; d != c; d = d->next) {
                if (strcmp(d->string, c->string) == 0)
                    r = xerr(err, err_len, wbuf, "duplicate field");
            }
        }
        if (r == 0)
            r = check_no_dup_keys(c, wbuf, wlen, err, err_len);
        wbuf[base] = '\0';
    }
    return r;
}

/* ---- exchanges ------------------------------------------------------------------------ */

struct resp_def {
    int status;
    bool has_delay;
    uint32_t delay_ms;
    cJSON *body; /* NULL = empty body */
    bool body_tpl;
    const char *content_type; /* interned; NULL = application/json */
    size_t n_headers;
    const char *hname[MAX_RESP_HEADERS]; /* interned */
    char *hvalue[MAX_RESP_HEADERS];      /* template text */
};

struct exchange {
    enum am_method method;
    char *account;
    struct pattern path;
    cJSON *query;   /* object key -> string, or NULL */
    cJSON *headers; /* object name -> string, or NULL */
    cJSON *body;    /* subset matcher, or NULL */
    struct resp_def *resps;
    size_t n_resps;
    uint32_t delay_ms;
    uint64_t calls;
    char *id;
    char *file;
};

struct am_exchange_set {
    struct exchange **v;
    size_t n, cap;
    const struct exchange *last;
};

static void resp_def_clear(struct resp_def *d)
{
    cJSON_Delete(d->body);
    for (size_t i = 0; i < d->n_headers; i++)
        free(d->hvalue[i]);
}

static void exchange_free(struct exchange *x)
{
    if (!x)
        return;
    free(x->account);
    free(x->path.text);
    free(x->path.buf);
    cJSON_Delete(x->query);
    cJSON_Delete(x->headers);
    cJSON_Delete(x->body);
    for (size_t i = 0; i < x->n_resps; i++)
        resp_def_clear(&x->resps[i]);
    free(x->resps);
    free(x->id);
    free(x->file);
    free(x);
}

static int parse_method(const char *s, enum am_method *ret)
{
    for (int m = 0; m < _AM_METHOD_MAX; m++) {
        if (m != AM_METHOD_OTHER && strcmp(s, am_method_name((enum am_method)m)) == 0) {
            *ret = (enum am_method)m;
            return 0;
        }
    }
    return -EINVAL;
}

/* An object of string values, at most max, names checked by token (headers) or not. */
static int parse_string_map(const cJSON *it, size_t max, bool header_names, const char *where,
                            cJSON **ret, char *err, size_t err_len)
{
    char w[WHERE_MAX];
    size_t n = 0;

    if (!cJSON_IsObject(it))
        return xerr(err, err_len, where, "must be an object");
    for (const cJSON *h = it->child; h; h = h->next, n++) {
        join(w, sizeof(w), where, h->string);
        if (n == max)
            return xerr(err, err_len, where, "at most %zu entries", max);
        if (header_names) {
            if (strcasecmp(h->string, "access_token") == 0)
                return xerr(err, err_len, w, "not allowed (authentication runs before "
                                             "exchanges; match \"account\" instead)");
            if (!valid_token(h->string, strlen(h->string)))
                return xerr(err, err_len, w, "not a valid header name");
        } else if (!*h->string) {
            return xerr(err, err_len, w, "empty name");
        }
        if (!cJSON_IsString(h))
            return xerr(err, err_len, w, "must be a string");
        for (const cJSON *d = it->child; d != h; d = d->next) {
            if (header_names ? strcasecmp(d->string, h->string) == 0
                             : strcmp(d->string, h->string) == 0)
                return xerr(err, err_len, w, "duplicate");
        }
    }
    if (n && !(*ret = cJSON_Duplicate(it, true)))
        return -ENOMEM;
    return 0;
}

static int parse_request(const cJSON *m, struct exchange *x, const char *where, char *err,
                         size_t err_len)
{
    static const char *const keys[] = {"method", "path", "query", "headers", "body", NULL};
    char w[WHERE_MAX];
    const cJSON *it;
    int rc;

    if (!cJSON_IsObject(m))
        return xerr(err, err_len, where, "must be an object");
    if ((rc = check_keys(m, keys, where, err, err_len)) < 0)
        return rc;
    join(w, sizeof(w), where, "method");
    it = cJSON_GetObjectItemCaseSensitive(m, "method");
    if (!it)
        return xerr(err, err_len, w, "required");
    if (!cJSON_IsString(it) || parse_method(it->valuestring, &x->method) < 0)
        return xerr(err, err_len, w, "must be GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS");
    join(w, sizeof(w), where, "path");
    it = cJSON_GetObjectItemCaseSensitive(m, "path");
    if (!it)
        return xerr(err, err_len, w, "required");
    if (!cJSON_IsString(it))
        return xerr(err, err_len, w, "must be a string");
    if ((rc = compile_path(it->valuestring, &x->path, w, err, err_len)) < 0)
        return rc;
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "query"))) {
        join(w, sizeof(w), where, "query");
        if ((rc = parse_string_map(it, MAX_MATCH_QUERY, false, w, &x->query, err, err_len)) < 0)
            return rc;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "headers"))) {
        join(w, sizeof(w), where, "headers");
        if ((rc = parse_string_map(it, MAX_MATCH_HEADERS, true, w, &x->headers, err, err_len)) <
            0)
            return rc;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "body"))) {
        char wb[WHERE_MAX];

        join(wb, sizeof(wb), where, "body");
        if ((rc = check_no_dup_keys(it, wb, sizeof(wb), err, err_len)) < 0)
            return rc;
        if (!(x->body = cJSON_Duplicate(it, true)))
            return -ENOMEM;
    }
    return 0;
}

static int parse_delay(const cJSON *it, const char *where, uint32_t *ret, char *err,
                       size_t err_len)
{
    double v;

    if (!am_json_integer(it, 0, AM_EXCHANGE_MAX_DELAY_MS, &v))
        return xerr(err, err_len, where, "must be an integer 0..%u", AM_EXCHANGE_MAX_DELAY_MS);
    *ret = (uint32_t)v;
    return 0;
}

static int parse_response(const cJSON *r, const struct pattern *pp, struct resp_def *d,
                          const char *where, char *err, size_t err_len)
{
    static const char *const keys[] = {"status", "headers", "body", "delayMs", NULL};
    char w[WHERE_MAX];
    const cJSON *it;
    double v;
    int rc;

    d->status = 200;
    if (!cJSON_IsObject(r))
        return xerr(err, err_len, where, "must be an object");
    if ((rc = check_keys(r, keys, where, err, err_len)) < 0)
        return rc;
    if ((it = cJSON_GetObjectItemCaseSensitive(r, "status"))) {
        join(w, sizeof(w), where, "status");
        if (!am_json_integer(it, 100, 599, &v))
            return xerr(err, err_len, w, "must be an integer 100..599");
        d->status = (int)v;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(r, "delayMs"))) {
        join(w, sizeof(w), where, "delayMs");
        if ((rc = parse_delay(it, w, &d->delay_ms, err, err_len)) < 0)
            return rc;
        d->has_delay = true;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(r, "headers"))) {
        char wh[WHERE_MAX];

        join(wh, sizeof(wh), where, "headers");
        if (!cJSON_IsObject(it))
            return xerr(err, err_len, wh, "must be an object");
        for (const cJSON *h = it->child; h; h = h->next) {
            const char *v2;

            join(w, sizeof(w), wh, h->string);
            if (d->n_headers == MAX_RESP_HEADERS)
                return xerr(err, err_len, wh, "at most %d headers", MAX_RESP_HEADERS);
            if (!valid_token(h->string, strlen(h->string)))
                return xerr(err, err_len, w, "not a valid header name");
            if (!cJSON_IsString(h))
                return xerr(err, err_len, w, "must be a string");
            for (const cJSON *e = it->child; e != h; e = e->next) {
                if (strcasecmp(e->string, h->string) == 0)
                    return xerr(err, err_len, w, "duplicate");
            }
            if (strcasecmp(h->string, "Content-Length") == 0 ||
                strcasecmp(h->string, "Transfer-Encoding") == 0 ||
                strcasecmp(h->string, "Connection") == 0)
                return xerr(err, err_len, w, "set by the server, not allowed here");
            v2 = h->valuestring;
            for (const char *c = v2; *c; c++) {
                if ((unsigned char)*c < ' ' && *c != '\t')
                    return xerr(err, err_len, w, "control characters are not allowed");
            }
            if (strcasecmp(h->string, "Content-Type") == 0) {
                if (!*v2 || strstr(v2, "{{"))
                    return xerr(err, err_len, w, "must be a literal media type");
                if (!(d->content_type = intern(v2)))
                    return xerr(err, err_len, w, "more than %d distinct header names and "
                                                 "content types since start",
                                AM_EXCHANGES_MAX_NAMES);
                continue;
            }
            if ((rc = tpl_validate(v2, pp, w, err, err_len)) < 0)
                return rc;
            if (!(d->hname[d->n_headers] = intern(h->string)))
                return xerr(err, err_len, w, "more than %d distinct header names and content "
                                             "types since start", AM_EXCHANGES_MAX_NAMES);
            if (!(d->hvalue[d->n_headers] = strdup(v2)))
                return -ENOMEM;
            d->n_headers++;
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(r, "body"))) {
        char wb[WHERE_MAX];

        join(wb, sizeof(wb), where, "body");
        if ((rc = validate_body(it, pp, wb, sizeof(wb), &d->body_tpl, err, err_len)) < 0)
            return rc;
        if (!(d->body = cJSON_Duplicate(it, true)))
            return -ENOMEM;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int parse_exchange(const cJSON *obj, const char *file, size_t index, const char *where,
                          struct exchange **ret, char *err, size_t err_len)
{
    static const char *const keys[] = {"id", "description", "account", "request", "response",
                                       "responses", "delayMs", NULL};
    struct exchange *x = calloc(1, sizeof(*x));
    const cJSON *it, *one, *many;
    char w[WHERE_MAX];
    int rc;

    if (!x)
        return -ENOMEM;
    if (!cJSON_IsObject(obj)) {
        rc = xerr(err, err_len, where, "must be an object");
        goto fail;
    }
    if ((rc = check_keys(obj, keys, where, err, err_len)) < 0)
        goto fail;
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "id"))) {
        join(w, sizeof(w), where, "id");
        if (!cJSON_IsString(it) || !valid_id(it->valuestring)) {
            rc = xerr(err, err_len, w, "must be 1-63 characters of [A-Za-z0-9._-]");
            goto fail;
        }
        x->id = strdup(it->valuestring);
    } else {
        char id[300] = "", num[32];

        snprintf(num, sizeof(num), "#%zu", index);
        append(id, sizeof(id), file);
        append(id, sizeof(id), num);
        x->id = strdup(id);
    }
    if (!x->id || !(x->file = strdup(file))) {
        rc = -ENOMEM;
        goto fail;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "description")) && !cJSON_IsString(it)) {
        join(w, sizeof(w), where, "description");
        rc = xerr(err, err_len, w, "must be a string");
        goto fail;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "account"))) {
        join(w, sizeof(w), where, "account");
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > 63) {
            rc = xerr(err, err_len, w, "must be an account id");
            goto fail;
        }
        if (!(x->account = strdup(it->valuestring))) {
            rc = -ENOMEM;
            goto fail;
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "delayMs"))) {
        join(w, sizeof(w), where, "delayMs");
        if ((rc = parse_delay(it, w, &x->delay_ms, err, err_len)) < 0)
            goto fail;
    }
    join(w, sizeof(w), where, "request");
    if (!(it = cJSON_GetObjectItemCaseSensitive(obj, "request"))) {
        rc = xerr(err, err_len, w, "required");
        goto fail;
    }
    if ((rc = parse_request(it, x, w, err, err_len)) < 0)
        goto fail;
    one = cJSON_GetObjectItemCaseSensitive(obj, "response");
    many = cJSON_GetObjectItemCaseSensitive(obj, "responses");
    if (!one == !many) {
        rc = xerr(err, err_len, where, one ? "give \"response\" or \"responses\", not both"
                                           : "\"response\" or \"responses\" is required");
        goto fail;
    }
    if (one) {
        if (!(x->resps = calloc(1, sizeof(*x->resps)))) {
            rc = -ENOMEM;
            goto fail;
        }
        x->n_resps = 1;
        join(w, sizeof(w), where, "response");
        if ((rc = parse_response(one, &x->path, &x->resps[0], w, err, err_len)) < 0)
            goto fail;
    } else {
        size_t n = cJSON_IsArray(many) ? (size_t)cJSON_GetArraySize(many) : 0, i = 0;

        join(w, sizeof(w), where, "responses");
        if (n == 0 || n > MAX_RESPONSES) {
            rc = xerr(err, err_len, w, "must be an array of 1..%d responses", MAX_RESPONSES);
            goto fail;
        }
        if (!(x->resps = calloc(n, sizeof(*x->resps)))) {
            rc = -ENOMEM;
            goto fail;
        }
        x->n_resps = n;
        for (const cJSON *r = many->child; r; r = r->next, i++) {
            char wr[WHERE_MAX];

            join(wr, sizeof(wr), where, "responses");
            append_index(wr, sizeof(wr), i);
            if ((rc = parse_response(r, &x->path, &x->resps[i], wr, err, err_len)) < 0)
                goto fail;
        }
    }
    *ret = x;
    return 0;
fail:
    exchange_free(x);
    return rc;
}

/* ---- sets and loading ------------------------------------------------------------------ */

struct am_exchange_set *am_exchanges_new(void)
{
    return calloc(1, sizeof(struct am_exchange_set));
}

void am_exchanges_free(struct am_exchange_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        exchange_free(set->v[i]);
    free(set->v);
    free(set);
}

size_t am_exchanges_count(const struct am_exchange_set *set)
{
    return set ? set->n : 0;
}

/* True when id is used by a loaded exchange or an earlier one of this batch. */
static bool id_taken(const struct am_exchange_set *set, struct exchange *const *batch, size_t nb,
                     const char *id)
{
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->v[i]->id, id) == 0)
            return true;
    }
    for (size_t i = 0; i < nb; i++) {
        if (strcmp(batch[i]->id, id) == 0)
            return true;
    }
    return false;
}

int am_exchanges_load_text(struct am_exchange_set *set, const char *text, size_t len,
                           const char *source, char *err, size_t err_len)
{
    const char *file = base_name(source);
    cJSON *root = NULL;
    const cJSON *arr;
    struct exchange **batch = NULL;
    size_t nb = 0, n;
    char msg[512];
    int rc = 0;

    {
        bool oom;
        root = am_json_text_parse(text, len, source, err, err_len, &oom);
        if (!root) {
            rc = oom ? -ENOMEM : -EINVAL;
            goto out;
        }
    }
    arr = root;
    if (cJSON_IsObject(root)) {
        const cJSON *c = root->child;

        if (!c || c->next || strcmp(c->string, "exchanges") != 0)
            arr = NULL;
        else
            arr = c;
    }
    if (!cJSON_IsArray(arr)) {
        if (err && err_len)
            snprintf(err, err_len, "%s: expected an array of exchanges or "
                                   "{\"exchanges\":[...]}", source);
        rc = -EINVAL;
        goto out;
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > AM_EXCHANGES_MAX || set->n + n > AM_EXCHANGES_MAX) {
        if (err && err_len)
            snprintf(err, err_len, "%s: more than %d exchanges in the set", source,
                     AM_EXCHANGES_MAX);
        rc = -ENOSPC;
        goto out;
    }
    batch = calloc(n + 1, sizeof(*batch));
    if (!batch) {
        rc = -ENOMEM;
        goto out;
    }
    for (const cJSON *it = arr->child; it; it = it->next) {
        char where[32];
        struct exchange *x = NULL;

        snprintf(where, sizeof(where), "exchanges[%zu]", nb);
        rc = parse_exchange(it, file, nb, where, &x, msg, sizeof(msg));
        if (rc == 0 && id_taken(set, batch, nb, x->id)) {
            char w[64];

            snprintf(w, sizeof(w), "%s.id", where);
            rc = xerr(msg, sizeof(msg), w, "duplicate id '%s'", x->id);
            exchange_free(x);
        }
        if (rc < 0) {
            if (err && err_len && rc == -EINVAL)
                snprintf(err, err_len, "%s: %s", source, msg);
            else if (err && err_len)
                snprintf(err, err_len, "%s: %s", source, strerror(-rc));
            goto out;
        }
        batch[nb++] = x;
    }
    if (set->n + nb > set->cap) {
        size_t cap = set->cap ? set->cap : 16;
        struct exchange **nv;

        while (cap < set->n + nb)
            cap *= 2;
        nv = realloc(set->v, cap * sizeof(*nv));
        if (!nv) {
            rc = -ENOMEM;
            goto out;
        }
        set->v = nv;
        set->cap = cap;
    }
    if (nb)
        memcpy(set->v + set->n, batch, nb * sizeof(*batch));
    set->n += nb;
    nb = 0; /* owned by the set now */
out:
    for (size_t i = 0; i < nb; i++)
        exchange_free(batch[i]);
    free(batch);
    cJSON_Delete(root);
    return rc;
}

/* Reads a whole file (NUL-terminated for convenience). */
static int read_file(const char *path, char **ret, size_t *ret_len, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;

    if (!f) {
        rc = -errno;
        if (err && err_len)
            snprintf(err, err_len, "%s: %s", path, strerror(-rc));
        return rc;
    }
    for (;;) {
        size_t got;

        if (len > MAX_FILE_BYTES) {
            if (err && err_len)
                snprintf(err, err_len, "%s: file too large (over %u bytes)", path,
                         MAX_FILE_BYTES);
            rc = -EFBIG;
            goto out;
        }
        if (len + 1 >= cap) {
            char *nbuf;

            cap = cap ? cap * 2 : 4096;
            nbuf = realloc(buf, cap);
            if (!nbuf) {
                rc = -ENOMEM;
                goto out;
            }
            buf = nbuf;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = -EIO;
        if (err && err_len)
            snprintf(err, err_len, "%s: read error", path);
        goto out;
    }
    buf[len] = '\0';
    *ret = buf;
    *ret_len = len;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

static int load_one(struct am_exchange_set *set, const char *path, char *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_file(path, &text, &len, err, err_len);

    if (rc == 0)
        rc = am_exchanges_load_text(set, text, len, path, err, err_len);
    free(text);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool json_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

int am_exchanges_load_dir(const char *path, struct am_exchange_set **ret, char *err,
                          size_t err_len)
{
    struct am_exchange_set *set = NULL;
    DIR *dir = NULL;
    char **names = NULL;
    size_t n = 0;
    struct stat st;
    int rc = 0;

    *ret = NULL;
    if (stat(path, &st) < 0) {
        rc = -errno;
        if (err && err_len)
            snprintf(err, err_len, "%s: %s", path, strerror(-rc));
        return rc;
    }
    if (!(set = am_exchanges_new()))
        return -ENOMEM;
    if (S_ISREG(st.st_mode)) {
        rc = load_one(set, path, err, err_len);
        goto out;
    }
    if (!S_ISDIR(st.st_mode)) {
        /* A FIFO or device would block or never end: refuse it. */
        if (err && err_len)
            snprintf(err, err_len, "%s: not a directory or a regular file", path);
        rc = -EINVAL;
        goto out;
    }
    if (!(dir = opendir(path))) {
        rc = -errno;
        if (err && err_len)
            snprintf(err, err_len, "%s: %s", path, strerror(-rc));
        goto out;
    }
    names = calloc(AM_EXCHANGES_MAX_FILES, sizeof(*names));
    if (!names) {
        rc = -ENOMEM;
        goto out;
    }
    for (struct dirent *de; (de = readdir(dir));) {
        if (!json_name(de->d_name))
            continue;
        if (n == AM_EXCHANGES_MAX_FILES) {
            if (err && err_len)
                snprintf(err, err_len, "%s: more than %d *.json files", path,
                         AM_EXCHANGES_MAX_FILES);
            rc = -ENOSPC;
            goto out;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = -ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(path);
        bool slash = plen > 0 && path[plen - 1] == '/';
        char *full = malloc(plen + strlen(names[i]) + 2);

        if (!full) {
            rc = -ENOMEM;
            goto out;
        }
        sprintf(full, "%s%s%s", path, slash ? "" : "/", names[i]);
        /* Directories named x.json and dangling links are not fixtures. */
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            rc = load_one(set, full, err, err_len);
        free(full);
        if (rc < 0)
            goto out;
    }
out:
    if (dir)
        closedir(dir);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0) {
        am_exchanges_free(set);
        return rc;
    }
    *ret = set;
    return 0;
}

/* ---- matching ------------------------------------------------------------------------- */

/* The request as the matchers see it; query and body decoded on first need. */
struct req_view {
    const struct am_request *req;
    bool path_ok;
    uint32_t n;
    const char *segs[MAX_SEGS];
    uint32_t lens[MAX_SEGS];
    int query_state; /* 0 untried, 1 decoded, -1 undecodable */
    struct am_query query;
    bool body_tried;
    cJSON *body;
};

static void view_split(struct req_view *rv, const char *path)
{
    const char *p;

    rv->path_ok = false;
    rv->n = 0;
    if (!path || *path != '/')
        return;
    p = am_router_normalise_path(path) + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (rv->n == MAX_SEGS || len > MAX_PATTERN_LEN)
            return;
        rv->segs[rv->n] = p;
        rv->lens[rv->n] = (uint32_t)len;
        rv->n++;
        if (!slash)
            break;
        p = slash + 1;
    }
    rv->path_ok = true;
}

static const struct am_query *view_query(struct req_view *rv)
{
    if (rv->query_state == 0)
        rv->query_state = am_query_parse(rv->req->query, &rv->query) == 0 ? 1 : -1;
    return rv->query_state == 1 ? &rv->query : NULL;
}

static const cJSON *view_body(struct req_view *rv)
{
    const struct am_request *req = rv->req;
    const char *end = NULL;
    char *copy;

    if (rv->body_tried)
        return rv->body;
    rv->body_tried = true;
    if (!req->body || req->body_len == 0)
        return NULL;
    if (!(copy = malloc(req->body_len + 1)))
        return NULL;
    memcpy(copy, req->body, req->body_len);
    copy[req->body_len] = '\0';
    rv->body = cJSON_ParseWithLengthOpts(copy, req->body_len, &end, false);
    if (rv->body && (!end || !am_json_text_blank(end, req->body_len - (size_t)(end - copy)))) {
        cJSON_Delete(rv->body);
        rv->body = NULL;
    }
    free(copy);
    return rv->body;
}

static void view_finish(struct req_view *rv)
{
    if (rv->query_state == 1)
        am_query_finish(&rv->query);
    cJSON_Delete(rv->body);
}

static bool path_match(const struct pattern *pp, const struct req_view *rv)
{
    if (!rv->path_ok || rv->n != pp->n)
        return false;
    /* Last segment first: "/v3" is common to all, resources differ at the end. */
    for (uint32_t i = pp->n; i-- > 0;) {
        if ((pp->params >> i) & 1) {
            if (rv->lens[i] == 0)
                return false;
        } else if (rv->lens[i] != pp->lens[i] || memcmp(rv->segs[i], pp->segs[i], pp->lens[i])) {
            return false;
        }
    }
    return true;
}

static bool exchange_matches(const struct exchange *x, struct req_view *rv,
                             const char *account_id)
{
    if (x->method != rv->req->method || !path_match(&x->path, rv))
        return false;
    if (x->account && (!account_id || strcmp(x->account, account_id) != 0))
        return false;
    if (x->query) {
        const struct am_query *q = view_query(rv);

        if (!q)
            return false;
        for (const cJSON *k = x->query->child; k; k = k->next) {
            const char *v = am_query_get(q, k->string);

            if (!v || strcmp(v, k->valuestring) != 0)
                return false;
        }
    }
    if (x->headers) {
        for (const cJSON *h = x->headers->child; h; h = h->next) {
            const char *v = am_request_header(rv->req, h->string);

            if (!v || strcmp(v, h->valuestring) != 0)
                return false;
        }
    }
    if (x->body) {
        const cJSON *b = view_body(rv);

        if (!b || !json_subset(x->body, b))
            return false;
    }
    return true;
}

/* ---- rendering ------------------------------------------------------------------------ */

struct render {
    const struct exchange *x;
    struct req_view *rv;
    int64_t now;
    struct am_ids *ids;
};

/* Request body value at a dotted path ("" = the whole body); NULL when absent. */
static const cJSON *body_lookup(struct req_view *rv, const char *p, size_t len)
{
    const cJSON *node = view_body(rv);
    size_t i = 0;

    while (node && i < len) {
        const char *dot = memchr(p + i, '.', len - i);
        size_t seg = dot ? (size_t)(dot - (p + i)) : len - i;
        char key[260];

        if (seg >= sizeof(key))
            return NULL;
        memcpy(key, p + i, seg);
        key[seg] = '\0';
        if (cJSON_IsObject(node)) {
            node = cJSON_GetObjectItemCaseSensitive(node, key);
        } else if (cJSON_IsArray(node)) {
            unsigned idx;

            if (!parse_small(key, seg, 999999, &idx))
                return NULL;
            node = cJSON_GetArrayItem(node, (int)idx);
        } else {
            return NULL;
        }
        i += seg + (dot ? 1 : 0);
    }
    return node;
}

static void render_tpl(struct render *rc, const struct tpl *t, struct am_strbuf *out)
{
    char buf[128];

    switch (t->kind) {
    case T_PATH: {
        int i = pattern_param(&rc->x->path, t->arg, t->arg_len);

        if (i >= 0)
            am_strbuf_add(out, rc->rv->segs[i], rc->rv->lens[i]);
        break;
    }
    case T_QUERY: {
        const struct am_query *q = view_query(rc->rv);
        char key[130];
        const char *v;

        memcpy(key, t->arg, t->arg_len);
        key[t->arg_len] = '\0';
        if (q && (v = am_query_get(q, key)))
            am_strbuf_str(out, v);
        break;
    }
    case T_HEADER: {
        char name[130];
        const char *v;

        memcpy(name, t->arg, t->arg_len);
        name[t->arg_len] = '\0';
        /* The key is a secret: never echoed, whatever a fixture asks. */
        if (strcasecmp(name, "access_token") == 0)
            break;
        if ((v = am_request_header(rc->rv->req, name)))
            am_strbuf_str(out, v);
        break;
    }
    case T_BODY: {
        const cJSON *v = body_lookup(rc->rv, t->arg, t->arg_len);
        char *text;

        if (!v)
            break;
        if (cJSON_IsString(v)) {
            am_strbuf_str(out, v->valuestring);
            break;
        }
        if (!(text = cJSON_PrintUnformatted(v))) {
            out->oom = true;
            break;
        }
        am_strbuf_str(out, text);
        free(text);
        break;
    }
    case T_ID: {
        char prefix[MAX_ID_PREFIX + 1];

        memcpy(prefix, t->prefix, t->prefix_len);
        prefix[t->prefix_len] = '\0';
        am_ids_alnum(rc->ids, prefix, t->n, buf);
        am_strbuf_str(out, buf);
        break;
    }
    case T_UUID:
        am_ids_uuid(rc->ids, buf);
        am_strbuf_str(out, buf);
        break;
    case T_CUSTOMER:
        am_ids_customer(rc->ids, buf);
        am_strbuf_str(out, buf);
        break;
    case T_TODAY:
        am_clock_format_date(rc->now + (int64_t)t->days * 86400, buf);
        am_strbuf_str(out, buf);
        break;
    case T_NOW:
        am_clock_format_datetime(rc->now, buf);
        am_strbuf_str(out, buf);
        break;
    case T_LBRACE:
        am_strbuf_add(out, "{{", 2);
        break;
    }
}

/* Renders template text s (validated at load) into a new string; NULL on OOM. */
static char *render_text(struct render *rc, const char *s)
{
    struct am_strbuf out = {NULL, 0, 0, false};
    const char *p = s, *open;

    while ((open = strstr(p, "{{"))) {
        struct tpl t;
        const char *end = NULL, *c = NULL;
        size_t len = 0;

        am_strbuf_add(&out, p, (size_t)(open - p));
        if (tpl_parse(open, &t, &end, &c, &len) != TPL_OK) {
            /* Cannot happen after validation; keep the text rather than guess. */
            am_strbuf_str(&out, open);
            p = open + strlen(open);
            break;
        }
        render_tpl(rc, &t, &out);
        p = end;
    }
    am_strbuf_str(&out, p);
    return am_strbuf_take(&out);
}

/* Puts with in place of item (in parent, or as the root), keeping item's key. */
static void replace_node(cJSON *parent, cJSON *item, cJSON *with, cJSON **root)
{
    if (with->string && !(with->type & cJSON_StringIsConst))
        cJSON_free(with->string);
    with->string = item->string;
    with->type = (with->type & ~cJSON_StringIsConst) | (item->type & cJSON_StringIsConst);
    item->string = NULL;
    if (!parent) {
        cJSON_Delete(item);
        *root = with;
        return;
    }
    cJSON_ReplaceItemViaPointer(parent, item, with);
}

static int render_node(struct render *rc, cJSON *item, cJSON *parent, cJSON **root)
{
    if (cJSON_IsString(item) && strstr(item->valuestring, "{{")) {
        const char *s = item->valuestring;
        struct tpl t;
        const char *end = NULL, *c = NULL;
        size_t len = 0;
        char *text;

        /* Exactly one body template: the JSON value itself (a number stays a number). */
        if (strncmp(s, "{{", 2) == 0 && tpl_parse(s, &t, &end, &c, &len) == TPL_OK &&
            t.kind == T_BODY && *end == '\0') {
            const cJSON *v = body_lookup(rc->rv, t.arg, t.arg_len);
            cJSON *with = v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();

            if (!with)
                return -ENOMEM;
            replace_node(parent, item, with, root);
            return 0;
        }
        if (!(text = render_text(rc, s)))
            return -ENOMEM;
        cJSON_free(item->valuestring);
        item->valuestring = text;
        return 0;
    }
    if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        cJSON *c = item->child;

        while (c) {
            cJSON *next = c->next; /* c may be replaced */
            int r = render_node(rc, c, item, root);

            if (r < 0)
                return r;
            c = next;
        }
    }
    return 0;
}

/* Header values come from request data too: no CR/LF may reach the wire. */
static void scrub_controls(char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < ' ' || *s == 127)
            *s = ' ';
    }
}

static int render_response(struct render *rc, const struct resp_def *d, struct am_response *resp)
{
    char *text = NULL;
    int r = 0;

    if (d->body) {
        if (d->body_tpl) {
            cJSON *copy = cJSON_Duplicate(d->body, true);

            if (!copy)
                return -ENOMEM;
            r = render_node(rc, copy, NULL, &copy);
            if (r == 0 && !(text = cJSON_PrintUnformatted(copy)))
                r = -ENOMEM;
            cJSON_Delete(copy);
        } else if (!(text = cJSON_PrintUnformatted(d->body))) {
            r = -ENOMEM;
        }
        if (r < 0)
            return r;
        free(resp->body);
        resp->body = text;
        resp->body_len = strlen(text);
        resp->status = d->status;
        resp->content_type = d->content_type ? d->content_type : "application/json";
    } else {
        am_response_empty(resp, d->status);
        resp->content_type = d->content_type;
    }
    for (size_t i = 0; i < d->n_headers; i++) {
        char *v = render_text(rc, d->hvalue[i]);

        if (!v)
            return -ENOMEM;
        scrub_controls(v);
        r = am_response_set_header(resp, d->hname[i], v);
        free(v);
        if (r < 0)
            return r;
    }
    return 0;
}

int am_exchanges_match(struct am_exchange_set *set, const struct am_request *req,
                       const char *account_id, int64_t account_now, struct am_ids *ids,
                       struct am_response *resp, uint32_t *ret_delay_ms)
{
    struct req_view rv;
    struct exchange *hit = NULL;
    const struct resp_def *d;
    struct render rc;
    int r;

    if (!set || set->n == 0 || !req)
        return 0;
    memset(&rv, 0, sizeof(rv));
    rv.req = req;
    view_split(&rv, req->path);
    if (!rv.path_ok) {
        view_finish(&rv);
        return 0;
    }
    for (size_t i = 0; i < set->n && !hit; i++) {
        if (exchange_matches(set->v[i], &rv, account_id))
            hit = set->v[i];
    }
    if (!hit) {
        view_finish(&rv);
        return 0;
    }
    d = &hit->resps[hit->calls < hit->n_resps ? hit->calls : hit->n_resps - 1];
    hit->calls++;
    set->last = hit;
    rc.x = hit;
    rc.rv = &rv;
    rc.now = account_now;
    rc.ids = ids;
    r = render_response(&rc, d, resp);
    if (ret_delay_ms)
        *ret_delay_ms = d->has_delay ? d->delay_ms : hit->delay_ms;
    view_finish(&rv);
    return r < 0 ? r : 1;
}

const char *am_exchanges_last_id(const struct am_exchange_set *set)
{
    return set && set->last ? set->last->id : NULL;
}

void am_exchanges_reset_calls(struct am_exchange_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        set->v[i]->calls = 0;
}

/* ---- listing --------------------------------------------------------------------------- */

/* Adds a copy of v (when not NULL) under key. */
static bool add_copy(cJSON *obj, const char *key, const cJSON *v)
{
    cJSON *d;

    if (!v)
        return true;
    if (!(d = cJSON_Duplicate(v, true)))
        return false;
    if (!cJSON_AddItemToObject(obj, key, d)) {
        cJSON_Delete(d);
        return false;
    }
    return true;
}

static cJSON *exchange_json(const struct exchange *x)
{
    cJSON *o = cJSON_CreateObject(), *rq = NULL;
    bool ok = o != NULL;

    ok = ok && cJSON_AddStringToObject(o, "id", x->id);
    ok = ok && cJSON_AddStringToObject(o, "file", x->file);
    ok = ok && (x->account ? cJSON_AddStringToObject(o, "account", x->account) != NULL
                           : cJSON_AddNullToObject(o, "account") != NULL);
    ok = ok && (rq = cJSON_AddObjectToObject(o, "request"));
    ok = ok && cJSON_AddStringToObject(rq, "method", am_method_name(x->method));
    ok = ok && cJSON_AddStringToObject(rq, "path", x->path.text);
    ok = ok && add_copy(rq, "query", x->query);
    ok = ok && add_copy(rq, "headers", x->headers);
    ok = ok && add_copy(rq, "body", x->body);
    ok = ok && cJSON_AddNumberToObject(o, "responses", (double)x->n_resps);
    ok = ok && cJSON_AddNumberToObject(o, "delayMs", (double)x->delay_ms);
    ok = ok && cJSON_AddNumberToObject(o, "calls", (double)x->calls);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *am_exchanges_list_json(const struct am_exchange_set *set)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "exchanges") : NULL;

    if (!arr) {
        cJSON_Delete(root);
        return NULL;
    }
    for (size_t i = 0; set && i < set->n; i++) {
        cJSON *o = exchange_json(set->v[i]);

        if (!o) {
            cJSON_Delete(root);
            return NULL;
        }
        cJSON_AddItemToArray(arr, o);
    }
    return root;
}

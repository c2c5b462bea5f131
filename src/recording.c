/* recording.c - proxied pairs -> exchange fixture files (see recording.h). */
#include "recording.h"
#include "atomic_file.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exchanges.h"
#include "json_text.h"
#include "keys.h"
#include "query.h"
#include "router.h"

#define MAX_QUERY 16     /* the loader's query matcher limit */
#define MAX_SEGS 16      /* ... path segments */
#define MAX_PATH_LEN 512 /* ... path length */
#define MAX_SLUG 40
#define MIN_SECRET 8 /* shorter values would be replaced inside unrelated text */
#define MAX_SECRETS 16
#define MAX_FILE_BYTES (16u << 20) /* the loader refuses a bigger file (and its folder) */

struct rec_exchange {
    unsigned seq;     /* the n of its id */
    cJSON *query;     /* object of strings; NULL = no query matcher */
    cJSON *body;      /* masked matcher body; NULL = none */
    cJSON *responses; /* array of {"status","headers"?,"body"?} in call order */
};

struct rec_file {
    char name[64]; /* "0001-post-v3-customers.json" */
    char stem[56]; /* the name without ".json" */
    enum am_method method;
    char *path; /* normalised and scrubbed "/v3/..." */
    struct rec_exchange **v; /* most specific first */
    size_t n, cap;
    unsigned next_seq;
};

struct am_recording {
    struct rec_file **files; /* first-seen order = name order */
    size_t n, cap;
    size_t n_exchanges;
};

/* Values never written, each with what is written instead. */
struct secrets {
    char *value[MAX_SECRETS];
    char *shown[MAX_SECRETS];
    size_t n;
};

/* ---- small helpers ------------------------------------------------------------------ */

static void skip(struct am_recording_result *res, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void skip(struct am_recording_result *res, const char *reason, const char *fmt, ...)
{
    va_list ap;

    res->outcome = AM_RECORDING_SKIPPED;
    res->reason = reason;
    va_start(ap, fmt);
    vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
    va_end(ap);
}

static bool recordable_method(enum am_method m)
{
    return m == AM_METHOD_GET || m == AM_METHOD_POST || m == AM_METHOD_PUT ||
           m == AM_METHOD_DELETE || m == AM_METHOD_PATCH || m == AM_METHOD_HEAD ||
           m == AM_METHOD_OPTIONS;
}

/* ---- secrets -------------------------------------------------------------------------- */

static void secrets_free(struct secrets *s)
{
    for (size_t i = 0; i < s->n; i++) {
        explicit_bzero(s->value[i], strlen(s->value[i]));
        free(s->value[i]);
        free(s->shown[i]);
    }
    s->n = 0;
}

/* Adds value (when long enough and new). card: shown as '*'s + the last 4 characters;
 * otherwise the key display form (prefix + "..." + last 4). Returns 0 or -ENOMEM. */
static int secrets_add(struct secrets *s, const char *value, bool card)
{
    size_t len = value ? strlen(value) : 0;
    char *v = NULL, *shown = NULL;

    if (len < MIN_SECRET || s->n == MAX_SECRETS)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->value[i], value) == 0)
            return 0;
    }
    v = strdup(value);
    shown = malloc(len > AM_KEY_REDACTED_LEN ? len + 1 : AM_KEY_REDACTED_LEN);
    if (!v || !shown) {
        free(v);
        free(shown);
        return -ENOMEM;
    }
    if (card) {
        memset(shown, '*', len - 4);
        memcpy(shown + len - 4, value + len - 4, 5);
    } else {
        am_key_redact(value, shown, AM_KEY_REDACTED_LEN);
    }
    s->value[s->n] = v;
    s->shown[s->n] = shown;
    s->n++;
    return 0;
}

/* A card number as given and in its digits-only form ("4111 1111 ..." is echoed as
 * "41111111..." by some answers). */
static int secrets_add_card(struct secrets *s, const cJSON *v)
{
    char text[64], digits[64];
    size_t nd = 0;
    int r;

    if (cJSON_IsString(v)) {
        snprintf(text, sizeof(text), "%s", v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        snprintf(text, sizeof(text), "%.0f", v->valuedouble);
    } else {
        return 0;
    }
    for (const char *c = text; *c && nd + 1 < sizeof(digits); c++) {
        if (*c >= '0' && *c <= '9')
            digits[nd++] = *c;
    }
    digits[nd] = '\0';
    r = secrets_add(s, text, true);
    if (r == 0 && nd >= MIN_SECRET)
        r = secrets_add(s, digits, true);
    explicit_bzero(text, sizeof(text));
    explicit_bzero(digits, sizeof(digits));
    return r;
}

/* Returns a new copy of s with every secret replaced and key-shaped runs redacted;
 * NULL on OOM. */
static char *scrub_text(const struct secrets *sec, const char *s)
{
    char *cur = strdup(s);

    for (size_t i = 0; cur && i < sec->n; i++) {
        struct am_strbuf b = {NULL, 0, 0, false};
        const char *p = cur, *hit;
        size_t vlen = strlen(sec->value[i]);

        if (!strstr(cur, sec->value[i]))
            continue;
        while ((hit = strstr(p, sec->value[i]))) {
            am_strbuf_add(&b, p, (size_t)(hit - p));
            am_strbuf_str(&b, sec->shown[i]);
            p = hit + vlen;
        }
        am_strbuf_str(&b, p);
        explicit_bzero(cur, strlen(cur));
        free(cur);
        cur = am_strbuf_take(&b);
    }
    if (cur)
        am_key_scrub(cur);
    return cur;
}

/* Scrubs every string value and member name under item, in place. */
static int scrub_tree(const struct secrets *sec, cJSON *item)
{
    if (item->string && !(item->type & cJSON_StringIsConst)) {
        char *n = scrub_text(sec, item->string);

        if (!n)
            return -ENOMEM;
        cJSON_free(item->string);
        item->string = n;
    }
    if (cJSON_IsString(item)) {
        char *v = scrub_text(sec, item->valuestring);

        if (!v)
            return -ENOMEM;
        cJSON_free(item->valuestring);
        item->valuestring = v;
        return 0;
    }
    for (cJSON *c = item->child; c; c = c->next) {
        int r = scrub_tree(sec, c);

        if (r < 0)
            return r;
    }
    return 0;
}

/* Matcher body: a member whose name or string value holds a secret is dropped rather
 * than rewritten, so the matcher stays a subset of the real request (which still carries
 * the secret) and a replay still matches. Array elements compare exactly and cannot be
 * dropped: they are rewritten (such a request will not match on replay). */
static int scrub_matcher(const struct secrets *sec, cJSON *item)
{
    cJSON *c = item->child;

    if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
        return scrub_tree(sec, item);
    while (c) {
        cJSON *next = c->next;
        int r;

        if (cJSON_IsObject(item)) {
            char *n = scrub_text(sec, c->string);
            char *v = cJSON_IsString(c) ? scrub_text(sec, c->valuestring) : NULL;
            bool oom = !n || (cJSON_IsString(c) && !v);
            bool changed = !oom && (strcmp(n, c->string) != 0 ||
                                    (v && strcmp(v, c->valuestring) != 0));

            free(n);
            free(v);
            if (oom)
                return -ENOMEM;
            if (changed) {
                cJSON_Delete(cJSON_DetachItemViaPointer(item, c));
                c = next;
                continue;
            }
        }
        if ((r = scrub_matcher(sec, c)) < 0)
            return r;
        c = next;
    }
    return 0;
}

/* ---- masking -------------------------------------------------------------------------- */

static bool name_is(const char *n, const char *w)
{
    return n && strcasecmp(n, w) == 0;
}

static bool name_has(const char *n, const char *w)
{
    return n && strcasestr(n, w) != NULL;
}

static bool is_code_name(const char *n)
{
    return name_has(n, "ccv") || name_has(n, "cvv");
}

/* Collects the card numbers under a dropped member (a string, a number, or anything
 * nested) as secrets. */
static int collect_cards(struct secrets *sec, const cJSON *v)
{
    if (cJSON_IsString(v) || cJSON_IsNumber(v))
        return secrets_add_card(sec, v);
    for (const cJSON *c = v->child; c; c = c->next) {
        int r = collect_cards(sec, c);

        if (r < 0)
            return r;
    }
    return 0;
}

static bool earlier_sibling_named(const cJSON *parent, const cJSON *c)
{
    for (const cJSON *d = parent->child; d && d != c; d = d->next) {
        if (d->string && c->string && strcmp(d->string, c->string) == 0)
            return true;
    }
    return false;
}

/* Matcher body: drops card numbers and security codes (see recording.h) and repeated
 * member names (the loader refuses them; a request lookup sees the first anyway). */
static int mask_request(struct secrets *sec, cJSON *item, bool in_card)
{
    cJSON *c = item->child;

    while (c) {
        cJSON *next = c->next;
        bool drop = false;
        int r;

        if (cJSON_IsObject(item)) {
            bool number = name_is(c->string, "creditCardNumber") ||
                          (in_card && name_has(c->string, "number"));

            drop = number || is_code_name(c->string) || earlier_sibling_named(item, c);
            if (number && (r = collect_cards(sec, c)) < 0)
                return r;
        }
        if (drop) {
            cJSON_Delete(cJSON_DetachItemViaPointer(item, c));
        } else if ((r = mask_request(sec, c, in_card || (cJSON_IsObject(item) &&
                                                         name_is(c->string, "creditCard")))) < 0) {
            return r;
        }
        c = next;
    }
    return 0;
}

/* "************1234" for a value longer than 4 characters; NULL when nothing to hide
 * or on OOM (*oom tells). */
static char *last4(const cJSON *v, bool *oom)
{
    char text[64];
    size_t len;
    char *out;

    if (cJSON_IsString(v))
        snprintf(text, sizeof(text), "%s", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(text, sizeof(text), "%.0f", v->valuedouble);
    else
        return NULL;
    len = strlen(text);
    if (len <= 4)
        return NULL;
    if (!(out = strdup(text))) {
        *oom = true;
        return NULL;
    }
    memset(out, '*', len - 4);
    explicit_bzero(text, sizeof(text));
    return out;
}

/* Response body: drops security codes; a card number keeps its last 4 characters only
 * (Asaas answers carry just those, so real answers replay unchanged). */
static int mask_response(cJSON *item, bool in_card)
{
    cJSON *c = item->child;

    while (c) {
        cJSON *next = c->next;
        bool obj = cJSON_IsObject(item);
        int r;

        if (obj && is_code_name(c->string)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(item, c));
        } else if (obj && (name_is(c->string, "creditCardNumber") ||
                           (in_card && name_has(c->string, "number"))) &&
                   !cJSON_IsObject(c) && !cJSON_IsArray(c)) {
            bool oom = false;
            char *masked = last4(c, &oom);

            if (oom)
                return -ENOMEM;
            if (masked) {
                cJSON *with = cJSON_CreateString(masked);

                free(masked);
                if (!with)
                    return -ENOMEM;
                /* The member keeps its name and place. */
                with->string = c->string;
                with->type |= c->type & cJSON_StringIsConst;
                c->string = NULL;
                cJSON_ReplaceItemViaPointer(item, c, with);
            }
        } else if ((r = mask_response(c, in_card || (obj && name_is(c->string, "creditCard")))) <
                   0) {
            return r;
        }
        c = next;
    }
    return 0;
}

/* "{{" in a response string would open a template on replay: each one (taken left to
 * right, so "{{{" is "{{" + "{") becomes {{lbrace}}, which renders "{{". */
static int escape_braces(cJSON *item)
{
    if (cJSON_IsString(item) && strstr(item->valuestring, "{{")) {
        struct am_strbuf b = {NULL, 0, 0, false};
        const char *p = item->valuestring, *hit;
        char *text;

        while ((hit = strstr(p, "{{"))) {
            am_strbuf_add(&b, p, (size_t)(hit - p));
            am_strbuf_str(&b, "{{lbrace}}");
            p = hit + 2;
        }
        am_strbuf_str(&b, p);
        if (!(text = am_strbuf_take(&b)))
            return -ENOMEM;
        cJSON_free(item->valuestring);
        item->valuestring = text;
        return 0;
    }
    for (cJSON *c = item->child; c; c = c->next) {
        int r = escape_braces(c);

        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- the parts of one pair ------------------------------------------------------------ */

/* The matcher body, or NULL when the request body is empty or not JSON. */
static int build_body(const struct am_recording_pair *p, struct secrets *sec, cJSON **ret)
{
    bool oom = false;
    cJSON *body;
    int r;

    *ret = NULL;
    if (!p->req_body || p->req_body_len == 0 || am_json_text_blank(p->req_body, p->req_body_len))
        return 0;
    body = am_json_text_parse(p->req_body, p->req_body_len, "request", NULL, 0, &oom);
    if (!body)
        return oom ? -ENOMEM : 0;
    r = mask_request(sec, body, false);
    if (r < 0) {
        cJSON_Delete(body);
        return r;
    }
    *ret = body;
    return 0;
}

/* Normalised, scrubbed path; *ret NULL (res filled) when it cannot be a matcher. */
static int build_path(const struct am_recording_pair *p, const struct secrets *sec, char **ret,
                      struct am_recording_result *res)
{
    const char *norm = am_router_normalise_path(p->path);
    char *path;
    unsigned segs = 0;

    *ret = NULL;
    if (strncmp(norm, "/v3/", 4) != 0 || norm[4] == '\0') {
        skip(res, "not_v3", "only /v3 and /api/v3 requests are replayed from exchanges");
        return 0;
    }
    if (!(path = scrub_text(sec, norm)))
        return -ENOMEM;
    for (const char *c = path; *c; c++)
        segs += *c == '/';
    if (strlen(path) > MAX_PATH_LEN || segs > MAX_SEGS || strpbrk(path, "{}?#") ||
        strstr(path, "//") || path[strlen(path) - 1] == '/') {
        skip(res, "path", "the path cannot be an exchange matcher (empty segment, '{', '}', "
                          "more than %d segments or %d characters)", MAX_SEGS, MAX_PATH_LEN);
        free(path);
        return 0;
    }
    *ret = path;
    return 0;
}

/* {"key":"first value",...} (at most 16, empty names dropped), or NULL when empty. */
static int build_query(const struct am_recording_pair *p, const struct secrets *sec,
                       cJSON **ret)
{
    struct am_query q;
    cJSON *obj = NULL;
    size_t n = 0;
    int r;

    *ret = NULL;
    if (!p->query || !*p->query)
        return 0;
    r = am_query_parse(p->query, &q);
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return 0; /* too long to decode: no query matcher (it then matches any query) */
    for (size_t i = 0; i < q.n && n < MAX_QUERY; i++) {
        char *k, *v;
        bool ok;

        if (!*q.params[i].key)
            continue;
        k = scrub_text(sec, q.params[i].key);
        v = scrub_text(sec, q.params[i].value);
        ok = k && v && (obj || (obj = cJSON_CreateObject()));
        /* A parameter holding a secret is left out (as in scrub_matcher). */
        if (ok && strcmp(k, q.params[i].key) == 0 && strcmp(v, q.params[i].value) == 0 &&
            !cJSON_GetObjectItemCaseSensitive(obj, k)) {
            ok = cJSON_AddStringToObject(obj, k, v) != NULL;
            n++;
        }
        free(k);
        free(v);
        if (!ok) {
            r = -ENOMEM;
            goto out;
        }
    }
    if (obj && obj->child) {
        *ret = obj;
        obj = NULL;
    }
    r = 0;
out:
    cJSON_Delete(obj);
    am_query_finish(&q);
    return r;
}

static bool is_default_type(const char *ct)
{
    size_t len;

    while (*ct == ' ' || *ct == '\t')
        ct++;
    len = strlen(ct);
    while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
        len--;
    return len == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

/* A Content-Type the loader accepts as a literal: no control characters, no "{{". */
static bool literal_type(const char *ct)
{
    if (!*ct || strstr(ct, "{{"))
        return false;
    for (const char *c = ct; *c; c++) {
        if ((unsigned char)*c < ' ' && *c != '\t')
            return false;
    }
    return true;
}

/* {"status":N,"headers":{"Content-Type":...}?,"body":...?}; *ret NULL (res filled) when
 * the answer cannot be written. */
static int build_response(const struct am_recording_pair *p, const struct secrets *sec,
                          cJSON **ret, struct am_recording_result *res)
{
    cJSON *resp = NULL, *body = NULL, *headers;
    bool oom = false;
    int r = -ENOMEM;

    *ret = NULL;
    if (p->status < 100 || p->status > 599) {
        skip(res, "status", "status %d is outside 100..599", p->status);
        return 0;
    }
    if (p->resp_body && p->resp_body_len &&
        !am_json_text_blank(p->resp_body, p->resp_body_len)) {
        body = am_json_text_parse(p->resp_body, p->resp_body_len, "response", NULL, 0, &oom);
        if (!body) {
            if (oom)
                return -ENOMEM;
            skip(res, "non_json_body", "the response body (%zu bytes) is not JSON",
                 p->resp_body_len);
            return 0;
        }
        if ((r = mask_response(body, false)) < 0 || (r = scrub_tree(sec, body)) < 0 ||
            (r = escape_braces(body)) < 0)
            goto out;
        r = -ENOMEM;
    }
    if (!(resp = cJSON_CreateObject()) || !cJSON_AddNumberToObject(resp, "status", p->status))
        goto out;
    if (body && p->content_type && !is_default_type(p->content_type) &&
        literal_type(p->content_type)) {
        if (!(headers = cJSON_AddObjectToObject(resp, "headers")) ||
            !cJSON_AddStringToObject(headers, "Content-Type", p->content_type))
            goto out;
    }
    if (body) {
        if (!cJSON_AddItemToObject(resp, "body", body))
            goto out;
        body = NULL;
    }
    *ret = resp;
    resp = NULL;
    r = 0;
out:
    cJSON_Delete(body);
    cJSON_Delete(resp);
    return r;
}

/* ---- comparing matchers ------------------------------------------------------------- */

static bool json_equal(const cJSON *a, const cJSON *b);

/* The loader's subset rule: objects recursively, arrays and scalars exactly. */
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

static bool json_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsObject(a))
        return cJSON_IsObject(b) && json_subset(a, b) && json_subset(b, a);
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
    if (cJSON_IsString(a))
        return cJSON_IsString(b) && strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsNumber(a))
        return cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
    if (cJSON_IsBool(a))
        return cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
    return cJSON_IsNull(a) && cJSON_IsNull(b);
}

/* True when every request matching (sq, sb) also matches (gq, gb): g is as general. */
static bool covers(const cJSON *gq, const cJSON *gb, const cJSON *sq, const cJSON *sb)
{
    if (gq && (!sq || !json_subset(gq, sq)))
        return false;
    if (gb && (!sb || !json_subset(gb, sb)))
        return false;
    return true;
}

static bool same_matcher(const struct rec_exchange *x, const cJSON *q, const cJSON *b)
{
    return covers(x->query, x->body, q, b) && covers(q, b, x->query, x->body);
}

/* ---- file text ------------------------------------------------------------------------- */

/* A JSON string literal, escaped as cJSON prints it. */
static void put_string(struct am_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    am_strbuf_add(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        const unsigned char *run = c;
        char esc[7];

        while (*c >= 0x20 && *c != '"' && *c != '\\')
            c++;
        am_strbuf_add(b, (const char *)run, (size_t)(c - run));
        if (!*c)
            break;
        switch (*c) {
        case '"':
            am_strbuf_add(b, "\\\"", 2);
            break;
        case '\\':
            am_strbuf_add(b, "\\\\", 2);
            break;
        case '\b':
            am_strbuf_add(b, "\\b", 2);
            break;
        case '\f':
            am_strbuf_add(b, "\\f", 2);
            break;
        case '\n':
            am_strbuf_add(b, "\\n", 2);
            break;
        case '\r':
            am_strbuf_add(b, "\\r", 2);
            break;
        case '\t':
            am_strbuf_add(b, "\\t", 2);
            break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*c >> 4];
            esc[5] = hex[*c & 15];
            am_strbuf_add(b, esc, 6);
        }
    }
    am_strbuf_add(b, "\"", 1);
}

static void indent(struct am_strbuf *b, int depth)
{
    static const char spaces[] = "                                ";

    for (int i = 0; i < depth; i++)
        am_strbuf_add(b, spaces, 2);
}

/* Indented by 2 spaces per level, "name": value, scalars as cJSON prints them. */
static void pretty(struct am_strbuf *b, const cJSON *item, int depth)
{
    bool obj = cJSON_IsObject(item);

    if (obj || cJSON_IsArray(item)) {
        if (!item->child) {
            am_strbuf_str(b, obj ? "{}" : "[]");
            return;
        }
        am_strbuf_str(b, obj ? "{\n" : "[\n");
        for (const cJSON *c = item->child; c; c = c->next) {
            indent(b, depth + 1);
            if (obj) {
                put_string(b, c->string ? c->string : "");
                am_strbuf_str(b, ": ");
            }
            pretty(b, c, depth + 1);
            am_strbuf_str(b, c->next ? ",\n" : "\n");
        }
        indent(b, depth);
        am_strbuf_str(b, obj ? "}" : "]");
    } else if (cJSON_IsString(item)) {
        put_string(b, item->valuestring);
    } else {
        char *text = cJSON_PrintUnformatted(item);

        if (!text) {
            b->oom = true;
            return;
        }
        am_strbuf_str(b, text);
        free(text);
    }
}

/* {"id","request":{...},"response"|"responses"} borrowing everything (references), so
 * deleting the result frees nothing of the recording. */
static cJSON *exchange_json(const char *id, enum am_method m, const char *path,
                            const cJSON *query, const cJSON *body, const cJSON *responses)
{
    cJSON *x = cJSON_CreateObject(), *req;
    bool ok = x && cJSON_AddStringToObject(x, "id", id) &&
              (req = cJSON_AddObjectToObject(x, "request")) &&
              cJSON_AddStringToObject(req, "method", am_method_name(m)) &&
              cJSON_AddStringToObject(req, "path", path) &&
              (!query || cJSON_AddItemReferenceToObject(req, "query", (cJSON *)query)) &&
              (!body || cJSON_AddItemReferenceToObject(req, "body", (cJSON *)body));

    if (ok && cJSON_GetArraySize(responses) == 1)
        ok = cJSON_AddItemReferenceToObject(x, "response", responses->child);
    else if (ok)
        ok = cJSON_AddItemReferenceToObject(x, "responses", (cJSON *)responses);
    if (!ok) {
        cJSON_Delete(x);
        return NULL;
    }
    return x;
}

/* Test-loads one exchange as the replay server would. 1 = loads, 0 = refused (detail
 * filled), -ENOMEM. */
static int trial_load(const char *id, enum am_method m, const char *path, const cJSON *query,
                      const cJSON *body, cJSON *response, struct am_recording_result *res)
{
    cJSON *one = cJSON_CreateArray(), *doc = cJSON_CreateArray(), *x = NULL;
    struct am_exchange_set *set = am_exchanges_new();
    char *text = NULL, err[224];
    int r = -ENOMEM;

    if (!one || !doc || !set || !cJSON_AddItemReferenceToArray(one, response))
        goto out;
    if (!(x = exchange_json(id, m, path, query, body, one)))
        goto out;
    if (!cJSON_AddItemToArray(doc, x)) {
        cJSON_Delete(x);
        goto out;
    }
    if (!(text = cJSON_PrintUnformatted(doc)))
        goto out;
    err[0] = '\0';
    r = am_exchanges_load_text(set, text, strlen(text), "recorded", err, sizeof(err));
    if (r == -ENOMEM)
        goto out;
    if (r < 0) {
        skip(res, "invalid", "the fixture loader refuses it: %s", err);
        r = 0;
    } else {
        r = 1;
    }
out:
    am_exchanges_free(set);
    free(text);
    cJSON_Delete(doc);
    cJSON_Delete(one);
    return r;
}

/* ---- the recording ------------------------------------------------------------------ */

struct am_recording *am_recording_new(void)
{
    return calloc(1, sizeof(struct am_recording));
}

static void exchange_free(struct rec_exchange *x)
{
    if (!x)
        return;
    cJSON_Delete(x->query);
    cJSON_Delete(x->body);
    cJSON_Delete(x->responses);
    free(x);
}

static void file_free(struct rec_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        exchange_free(f->v[i]);
    free(f->v);
    free(f->path);
    free(f);
}

void am_recording_free(struct am_recording *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < rec->n; i++)
        file_free(rec->files[i]);
    free(rec->files);
    free(rec);
}

size_t am_recording_file_count(const struct am_recording *rec)
{
    return rec ? rec->n : 0;
}

size_t am_recording_exchange_count(const struct am_recording *rec)
{
    return rec ? rec->n_exchanges : 0;
}

const char *am_recording_file_name(const struct am_recording *rec, size_t i)
{
    return rec && i < rec->n ? rec->files[i]->name : NULL;
}

/* "0001-post-v3-customers": number, method, path as [a-z0-9_] runs joined by '-'. */
static void make_stem(char *out, size_t out_len, size_t number, enum am_method m,
                      const char *path)
{
    char slug[MAX_SLUG + 1];
    size_t n = 0;
    bool dash = false;

    for (const char *c = am_method_name(m); *c && n < MAX_SLUG; c++)
        slug[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    for (const char *c = path; *c && n < MAX_SLUG; c++) {
        char ch = *c;

        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
            if (dash && n + 1 >= MAX_SLUG)
                break;
            if (dash)
                slug[n++] = '-';
            dash = false;
            slug[n++] = ch;
        } else {
            dash = true;
        }
    }
    slug[n] = '\0';
    snprintf(out, out_len, "%04zu-%s", number, slug);
}

static struct rec_file *find_file(const struct am_recording *rec, enum am_method m,
                                  const char *path)
{
    for (size_t i = 0; i < rec->n; i++) {
        if (rec->files[i]->method == m && strcmp(rec->files[i]->path, path) == 0)
            return rec->files[i];
    }
    return NULL;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *nv;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 8;
    nv = realloc(*v, ncap * size);
    if (!nv)
        return -ENOMEM;
    *v = nv;
    *cap = ncap;
    return 0;
}

static size_t index_of_file(const struct am_recording *rec, const struct rec_file *f)
{
    size_t i = 0;

    while (i < rec->n && rec->files[i] != f)
        i++;
    return i;
}

/* 1 when file f still loads after a change, 0 when it grew past the loader's limit (res
 * filled: the caller undoes the change), -ENOMEM. */
static int check_size(const struct am_recording *rec, const struct rec_file *f,
                      struct am_recording_result *res)
{
    size_t i = index_of_file(rec, f), len;
    char *text = am_recording_file_text(rec, i);

    if (!text)
        return -ENOMEM;
    len = strlen(text);
    free(text);
    if (len <= MAX_FILE_BYTES)
        return 1;
    skip(res, "too_big", "%s would grow to %zu bytes (the loader's limit is %u)", f->name, len,
         MAX_FILE_BYTES);
    return 0;
}

/* Appends resp (taken on success) to x's sequence. */
static int append_response(const struct am_recording *rec, struct rec_file *f,
                           struct rec_exchange *x, cJSON **resp, struct am_recording_result *res)
{
    char id[AM_EXCHANGE_ID_MAX];
    int n = cJSON_GetArraySize(x->responses), r;

    if (n >= AM_RECORDING_MAX_RESPONSES) {
        skip(res, "sequence_full", "exchange %s.%u already holds %d responses (the last "
                                   "one repeats on replay)", f->stem, x->seq, n);
        return 0;
    }
    snprintf(id, sizeof(id), "%s.%u", f->stem, x->seq);
    if ((r = trial_load(id, f->method, f->path, x->query, x->body, *resp, res)) <= 0)
        return r;
    cJSON_AddItemToArray(x->responses, *resp);
    *resp = NULL;
    if ((r = check_size(rec, f, res)) <= 0) {
        cJSON_Delete(cJSON_DetachItemFromArray(x->responses, n));
        return r;
    }
    res->outcome = AM_RECORDING_APPENDED;
    res->file = index_of_file(rec, f);
    res->call = (size_t)n + 1;
    return 0;
}

/* A new exchange (and file when f is NULL); takes query, body and resp on success. */
static int add_exchange(struct am_recording *rec, struct rec_file *f, enum am_method m,
                        char **path, cJSON **query, cJSON **body, cJSON **resp,
                        struct am_recording_result *res)
{
    struct rec_file *nf = NULL;
    struct rec_exchange *x = NULL;
    char stem[sizeof(nf->stem)], id[AM_EXCHANGE_ID_MAX];
    size_t at;
    int r;

    if ((!f && rec->n >= AM_EXCHANGES_MAX_FILES) || rec->n_exchanges >= AM_EXCHANGES_MAX) {
        skip(res, "full", "the recording already holds %zu files and %zu exchanges (the "
                          "replay limits are %d and %d)", rec->n, rec->n_exchanges,
             AM_EXCHANGES_MAX_FILES, AM_EXCHANGES_MAX);
        return 0;
    }
    if (f)
        snprintf(stem, sizeof(stem), "%s", f->stem);
    else
        make_stem(stem, sizeof(stem), rec->n + 1, m, *path);
    snprintf(id, sizeof(id), "%s.%u", stem, f ? f->next_seq + 1 : 1);
    if ((r = trial_load(id, m, *path, *query, *body, *resp, res)) <= 0)
        return r;

    if (!(x = calloc(1, sizeof(*x))) || !(x->responses = cJSON_CreateArray()))
        goto oom;
    if (!f) {
        if (!(nf = calloc(1, sizeof(*nf))) ||
            grow((void **)&rec->files, &rec->cap, rec->n, sizeof(*rec->files)) < 0)
            goto oom;
        snprintf(nf->stem, sizeof(nf->stem), "%s", stem);
        snprintf(nf->name, sizeof(nf->name), "%s.json", stem);
        nf->method = m;
        f = nf;
    }
    if (grow((void **)&f->v, &f->cap, f->n, sizeof(*f->v)) < 0)
        goto oom;
    /* Committed from here on: nothing below fails. */
    if (nf) {
        nf->path = *path;
        *path = NULL;
        rec->files[rec->n++] = nf;
    }
    x->seq = ++f->next_seq;
    x->query = *query;
    x->body = *body;
    *query = *body = NULL;
    cJSON_AddItemToArray(x->responses, *resp);
    *resp = NULL;
    /* Before the first exchange that is at least as general: it would shadow x. */
    for (at = 0; at < f->n; at++) {
        if (covers(f->v[at]->query, f->v[at]->body, x->query, x->body))
            break;
    }
    memmove(f->v + at + 1, f->v + at, (f->n - at) * sizeof(*f->v));
    f->v[at] = x;
    f->n++;
    rec->n_exchanges++;
    if ((r = check_size(rec, f, res)) <= 0) {
        /* Undo: the exchange, and the file when it was new. */
        memmove(f->v + at, f->v + at + 1, (f->n - at - 1) * sizeof(*f->v));
        f->n--;
        f->next_seq--;
        rec->n_exchanges--;
        exchange_free(x);
        if (nf) {
            rec->n--;
            file_free(nf);
        }
        return r;
    }
    res->outcome = AM_RECORDING_NEW;
    res->file = index_of_file(rec, f);
    res->call = 1;
    return 0;
oom:
    if (nf)
        file_free(nf);
    exchange_free(x);
    return -ENOMEM;
}

int am_recording_add(struct am_recording *rec, const struct am_recording_pair *pair,
                     struct am_recording_result *res)
{
    struct secrets sec;
    cJSON *query = NULL, *body = NULL, *resp = NULL;
    char *path = NULL;
    struct rec_file *f;
    int r;

    memset(res, 0, sizeof(*res));
    memset(&sec, 0, sizeof(sec));
    if (!recordable_method(pair->method)) {
        skip(res, "method", "method %s is not replayable", am_method_name(pair->method));
        return 0;
    }
    /* The body first: the card numbers it drops are scrubbed from everything else. */
    if ((r = secrets_add(&sec, pair->access_token, false)) < 0 ||
        (r = build_body(pair, &sec, &body)) < 0 || (r = build_path(pair, &sec, &path, res)) < 0)
        goto out;
    if (!path)
        goto out;
    if ((r = build_query(pair, &sec, &query)) < 0 ||
        (body && (r = scrub_matcher(&sec, body)) < 0) ||
        (r = build_response(pair, &sec, &resp, res)) < 0)
        goto out;
    if (!resp)
        goto out;
    f = find_file(rec, pair->method, path);
    for (size_t i = 0; f && i < f->n; i++) {
        if (same_matcher(f->v[i], query, body)) {
            r = append_response(rec, f, f->v[i], &resp, res);
            goto out;
        }
    }
    r = add_exchange(rec, f, pair->method, &path, &query, &body, &resp, res);
out:
    secrets_free(&sec);
    cJSON_Delete(query);
    cJSON_Delete(body);
    cJSON_Delete(resp);
    free(path);
    if (r < 0)
        memset(res, 0, sizeof(*res));
    return r;
}

char *am_recording_file_text(const struct am_recording *rec, size_t i)
{
    const struct rec_file *f;
    struct am_strbuf b = {NULL, 0, 0, false};

    if (!rec || i >= rec->n)
        return NULL;
    f = rec->files[i];
    am_strbuf_str(&b, "{\n  \"exchanges\": [\n");
    for (size_t k = 0; k < f->n; k++) {
        const struct rec_exchange *x = f->v[k];
        char id[AM_EXCHANGE_ID_MAX];
        cJSON *doc;

        snprintf(id, sizeof(id), "%s.%u", f->stem, x->seq);
        doc = exchange_json(id, f->method, f->path, x->query, x->body, x->responses);
        if (!doc) {
            b.oom = true;
            break;
        }
        indent(&b, 2);
        pretty(&b, doc, 2);
        am_strbuf_str(&b, k + 1 < f->n ? ",\n" : "\n");
        cJSON_Delete(doc);
    }
    am_strbuf_str(&b, "  ]\n}\n");
    return am_strbuf_take(&b);
}

/* ---- files ------------------------------------------------------------------------------ */

static int set_err(char *err, size_t err_len, int r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int set_err(char *err, size_t err_len, int r, const char *fmt, ...)
{
    va_list ap;

    if (err && err_len) {
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return r;
}

static int make_dir(const char *path, char *err, size_t err_len)
{
    struct stat st;

    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return set_err(err, err_len, -errno, "creating %s: %s", path, strerror(errno));
    if (stat(path, &st) < 0)
        return set_err(err, err_len, -errno, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return set_err(err, err_len, -ENOTDIR, "%s: not a directory", path);
    return 0;
}

int am_recording_prepare_dir(const char *out_dir, char *exchanges_dir, size_t exchanges_dir_len,
                             char *err, size_t err_len)
{
    DIR *d;
    struct dirent *e;
    int n, r;

    if (!out_dir || !*out_dir)
        return set_err(err, err_len, -EINVAL, "--out: a folder is required");
    n = snprintf(exchanges_dir, exchanges_dir_len, "%s/exchanges", out_dir);
    if (n < 0 || (size_t)n >= exchanges_dir_len)
        return set_err(err, err_len, -ENAMETOOLONG, "--out %s: path too long", out_dir);
    if ((r = make_dir(out_dir, err, err_len)) < 0 ||
        (r = make_dir(exchanges_dir, err, err_len)) < 0)
        return r;
    if (!(d = opendir(exchanges_dir)))
        return set_err(err, err_len, -errno, "%s: %s", exchanges_dir, strerror(errno));
    r = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);

        if (e->d_name[0] != '.' && len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            r = set_err(err, err_len, -EEXIST,
                        "%s already holds recorded files (%s): record into a new folder",
                        exchanges_dir, e->d_name);
            break;
        }
    }
    closedir(d);
    return r;
}

int am_recording_save(const struct am_recording *rec, size_t i, const char *exchanges_dir,
                      char *err, size_t err_len)
{
    char path[4096];
    char *text;
    int n, r;

    if (!rec || i >= rec->n)
        return set_err(err, err_len, -EINVAL, "no recorded file #%zu", i);
    n = snprintf(path, sizeof(path), "%s/%s", exchanges_dir, rec->files[i]->name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return set_err(err, err_len, -ENAMETOOLONG, "%s: path too long", exchanges_dir);
    text = am_recording_file_text(rec, i);
    if (!text)
        return set_err(err, err_len, -ENOMEM, "preparing %s: out of memory", path);
    /* The temp name does not end in .json: the loader skips one a crash leaves behind. */
    r = am_atomic_write(path, NULL, text, strlen(text), 0644, err, err_len);
    free(text);
    return r;
}

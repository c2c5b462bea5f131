/* httphead.c - HTTP/1.1 request framing and head validation (see httphead.h). */
#include "httphead.h"
#include "ascii.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"

static const struct am_httphead_error_info infos[_AM_HH_MAX] = {
    [AM_HH_OK] = {0, "", "", "ok"},
    [AM_HH_BAD_REQUEST_LINE] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_REQUEST_LINE,
                                "bad_request_line"},
    [AM_HH_BAD_HEADER] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_HEADER, "bad_header"},
    [AM_HH_OBS_FOLD] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_OBS_FOLD, "obs_fold"},
    [AM_HH_BAD_LENGTH] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_LENGTH, "bad_content_length"},
    [AM_HH_BAD_FRAMING] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_FRAMING, "bad_framing"},
    [AM_HH_UNKNOWN_CODING] = {501, AM_ERR_HTTP_CODING, AM_TXT_HTTP_CODING, "unknown_coding"},
    [AM_HH_BAD_CHUNK] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_CHUNK, "bad_chunk"},
    [AM_HH_DUPLICATE_HOST] = {400, AM_ERR_HTTP_BAD_REQUEST, AM_TXT_HTTP_HOST, "duplicate_host"},
    [AM_HH_METHOD] = {501, AM_ERR_HTTP_METHOD, AM_TXT_HTTP_METHOD, "method"},
    [AM_HH_VERSION] = {505, AM_ERR_HTTP_VERSION, AM_TXT_HTTP_VERSION, "version"},
    [AM_HH_EXPECT] = {417, AM_ERR_HTTP_EXPECT, AM_TXT_HTTP_EXPECT, "expect"},
    [AM_HH_HEAD_TOO_LARGE] = {431, AM_ERR_HTTP_HEAD_SIZE, AM_TXT_HTTP_HEAD_SIZE, "head_too_large"},
    [AM_HH_BODY_TOO_LARGE] = {413, AM_ERR_HTTP_BODY_SIZE, AM_TXT_HTTP_BODY_SIZE, "body_too_large"},
    [AM_HH_HEAD_TIMEOUT] = {408, AM_ERR_HTTP_TIMEOUT, AM_TXT_HTTP_HEAD_TIMEOUT, "head_deadline"},
    [AM_HH_BODY_TIMEOUT] = {408, AM_ERR_HTTP_TIMEOUT, AM_TXT_HTTP_BODY_TIMEOUT, "body_deadline"},
};

const struct am_httphead_error_info *am_httphead_error_info(enum am_httphead_error e)
{
    return (unsigned)e < _AM_HH_MAX ? &infos[e] : &infos[AM_HH_BAD_REQUEST_LINE];
}

/* Chunked body states. */
enum { CS_SIZE, CS_DATA, CS_DATA_CR, CS_DATA_LF, CS_TL_START, CS_TL_NAME, CS_TL_VALUE, CS_TL_LF,
       CS_TL_END_LF };

#define CHUNK_LINE_MAX 64

void am_httphead_init(struct am_httphead *h, size_t max_head, size_t max_body)
{
    memset(h, 0, sizeof(*h));
    h->max_head = max_head;
    h->max_body = max_body;
}

void am_httphead_finish(struct am_httphead *h)
{
    free(h->head);
    h->head = NULL;
    h->head_len = h->head_cap = 0;
}

/* RFC 9110 tchar, and field-value bytes (HT, SP, VCHAR and obs-text; no other control
 * byte), as 256-bit sets: a head's every byte is checked, so a bit test per byte. */
static const uint64_t tchar_set[4] = {0x03ff6cfa00000000ULL, 0x57ffffffc7fffffeULL, 0, 0};
static const uint64_t value_set[4] = {0xffffffff00000200ULL, 0x7fffffffffffffffULL,
                                      0xffffffffffffffffULL, 0xffffffffffffffffULL};

static inline bool in_set(const uint64_t set[4], unsigned char c)
{
    return (set[c >> 6] >> (c & 63)) & 1;
}

static inline bool is_tchar(unsigned char c)
{
    return in_set(tchar_set, c);
}

static inline bool is_value_byte(unsigned char c)
{
    return in_set(value_set, c);
}

static const struct {
    const char *name;
    enum am_method method;
} methods[] = {
    {"GET", AM_METHOD_GET},     {"POST", AM_METHOD_POST},   {"PUT", AM_METHOD_PUT},
    {"DELETE", AM_METHOD_DELETE}, {"PATCH", AM_METHOD_PATCH}, {"HEAD", AM_METHOD_HEAD},
    {"OPTIONS", AM_METHOD_OPTIONS},
};

static enum am_httphead_error check_request_line(struct am_httphead *h, const char *s, size_t len)
{
    const char *sp1 = memchr(s, ' ', len), *sp2, *v;
    size_t mlen, vlen;
    bool known = false;

    if (!sp1 || sp1 == s)
        return AM_HH_BAD_REQUEST_LINE;
    mlen = (size_t)(sp1 - s);
    for (size_t i = 0; i < mlen; i++) {
        if (!is_tchar((unsigned char)s[i]))
            return AM_HH_BAD_REQUEST_LINE;
    }
    sp2 = memchr(sp1 + 1, ' ', len - mlen - 1);
    if (!sp2 || sp2 == sp1 + 1)
        return AM_HH_BAD_REQUEST_LINE;
    /* request-target: visible ASCII only (no space, no control, no raw UTF-8). */
    for (const char *t = sp1 + 1; t < sp2; t++) {
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return AM_HH_BAD_REQUEST_LINE;
    }
    v = sp2 + 1;
    vlen = len - (size_t)(v - s);
    if (vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
        v[7] < '0' || v[7] > '9')
        return AM_HH_BAD_REQUEST_LINE;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strlen(methods[i].name) == mlen && memcmp(methods[i].name, s, mlen) == 0) {
            h->method = methods[i].method;
            known = true;
        }
    }
    if (!known)
        return AM_HH_METHOD;
    if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
        return AM_HH_VERSION;
    h->http10 = v[7] == '0';
    return AM_HH_OK;
}

/* Trims the value as evhttp does (leading spaces, trailing SP/HT) into [*b, *e). */
static void trim(const char **b, const char **e)
{
    while (*b < *e && **b == ' ')
        (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

static bool name_is(const char *name, size_t nlen, const char *want)
{
    return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

enum am_httphead_error am_httphead_check(struct am_httphead *h, const char *head, size_t len)
{
    const char *p = head, *end = head + len;
    bool first = true, have_length = false, have_te = false, http10;
    int hosts = 0;
    uint64_t length = 0;
    enum am_httphead_error e;

    h->chunked = false;
    h->left = 0;
    h->method = AM_METHOD_OTHER;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end, *colon, *vb, *ve;
        size_t nlen;

        if (!nl)
            return first ? AM_HH_BAD_REQUEST_LINE : AM_HH_BAD_HEADER; /* no final empty line */
        if (le > p && le[-1] == '\r')
            le--;
        /* A bare CR left inside the line fails below: it is no tchar, no value byte, no
         * target byte and no part of "HTTP/1.x". */
        if (first) {
            e = check_request_line(h, p, (size_t)(le - p));
            if (e != AM_HH_OK)
                return e;
            first = false;
            p = nl + 1;
            continue;
        }
        if (le == p) { /* the empty line: the head ends here */
            if (nl + 1 != end)
                return AM_HH_BAD_HEADER;
            break;
        }
        if (*p == ' ' || *p == '\t')
            return AM_HH_OBS_FOLD;
        colon = memchr(p, ':', (size_t)(le - p));
        if (!colon || colon == p)
            return AM_HH_BAD_HEADER;
        nlen = (size_t)(colon - p);
        for (size_t i = 0; i < nlen; i++) {
            if (!is_tchar((unsigned char)p[i]))
                return AM_HH_BAD_HEADER; /* includes a space before the colon */
        }
        for (const char *q = colon + 1; q < le; q++) {
            if (!is_value_byte((unsigned char)*q))
                return AM_HH_BAD_HEADER;
        }
        vb = colon + 1;
        ve = le;
        trim(&vb, &ve);
        if (name_is(p, nlen, "Content-Length")) {
            uint64_t v = 0;
            size_t n = (size_t)(ve - vb);

            if (n == 0 || n > 19)
                return AM_HH_BAD_LENGTH;
            for (size_t i = 0; i < n; i++) {
                if (vb[i] < '0' || vb[i] > '9')
                    return AM_HH_BAD_LENGTH;
                v = v * 10 + (uint64_t)(vb[i] - '0');
            }
            if (have_length && v != length)
                return AM_HH_BAD_LENGTH; /* a smuggling pattern behind any proxy */
            have_length = true;
            length = v;
        } else if (name_is(p, nlen, "Transfer-Encoding")) {
            /* evhttp trims only spaces: "\tchunked" would not be chunked to it. */
            if (have_te || (vb < ve && *vb == '\t'))
                return AM_HH_BAD_FRAMING;
            have_te = true;
            if ((size_t)(ve - vb) != 7 || strncasecmp(vb, "chunked", 7) != 0)
                return AM_HH_UNKNOWN_CODING;
        } else if (name_is(p, nlen, "Host")) {
            if (++hosts > 1)
                return AM_HH_DUPLICATE_HOST;
        } else if (name_is(p, nlen, "Expect")) {
            if ((size_t)(ve - vb) != 12 || strncasecmp(vb, "100-continue", 12) != 0)
                return AM_HH_EXPECT;
        }
        p = nl + 1;
    }
    if (first)
        return AM_HH_BAD_REQUEST_LINE;
    http10 = h->http10;
    if (have_te && (have_length || http10))
        return AM_HH_BAD_FRAMING;
    if (have_length && length > h->max_body)
        return AM_HH_BODY_TOO_LARGE;
    /* Frame exactly as evhttp does: HEAD has no body; no length and no coding, none. */
    if (h->method == AM_METHOD_HEAD)
        return AM_HH_OK;
    h->chunked = have_te;
    h->left = have_length ? length : 0;
    return AM_HH_OK;
}

static int append(struct am_httphead *h, const char *data, size_t n)
{
    if (h->head_len + n > h->head_cap) {
        size_t cap = h->head_cap ? h->head_cap : 512;
        char *grown;

        while (cap < h->head_len + n)
            cap *= 2;
        if (cap > h->max_head + 1)
            cap = h->max_head + 1;
        grown = realloc(h->head, cap);
        if (!grown)
            return -1;
        h->head = grown;
        h->head_cap = cap;
    }
    memcpy(h->head + h->head_len, data, n);
    h->head_len += n;
    return 0;
}

static enum am_httphead_step fail(struct am_httphead *h, enum am_httphead_error e)
{
    h->error = e;
    return AM_HH_ERROR;
}

/* One byte of a trailer section (after the last chunk). Returns 1 at its end, 0 to go
 * on, -1 on a malformed line. */
static int trailer_byte(struct am_httphead *h, unsigned char c)
{
    switch (h->cstate) {
    case CS_TL_START:
        if (c == '\r') {
            h->cstate = CS_TL_END_LF;
            return 0;
        }
        if (c == '\n')
            return 1;
        if (!is_tchar(c))
            return -1; /* obs-fold or a bad name */
        h->cstate = CS_TL_NAME;
        return 0;
    case CS_TL_NAME:
        if (c == ':')
            h->cstate = CS_TL_VALUE;
        else if (!is_tchar(c))
            return -1;
        return 0;
    case CS_TL_VALUE:
        if (c == '\r')
            h->cstate = CS_TL_LF;
        else if (c == '\n')
            h->cstate = CS_TL_START;
        else if (!is_value_byte(c))
            return -1;
        return 0;
    case CS_TL_LF:
        if (c != '\n')
            return -1;
        h->cstate = CS_TL_START;
        return 0;
    case CS_TL_END_LF:
        return c == '\n' ? 1 : -1;
    default:
        return -1;
    }
}

static void message_done(struct am_httphead *h)
{
    h->phase = AM_HH_IDLE;
}

/* Chunked body: consumes what it can; *used counts every byte (framing included). */
static enum am_httphead_step chunked(struct am_httphead *h, const char *data, size_t len,
                                     size_t *used)
{
    size_t i = 0;

    h->payload = false;
    while (i < len && h->phase == AM_HH_IN_BODY) {
        unsigned char c = (unsigned char)data[i];

        /* Chunk data comes back on its own step, so the caller can keep just the payload. */
        if (h->cstate == CS_DATA && i > 0)
            break;
        switch (h->cstate) {
        case CS_SIZE:
            if (++h->line_len > CHUNK_LINE_MAX)
                return fail(h, AM_HH_BAD_CHUNK);
            i++;
            if (h->seen_cr && c != '\n')
                return fail(h, AM_HH_BAD_CHUNK); /* a bare CR */
            if (c == '\n') {
                if (h->hexdigits == 0)
                    return fail(h, AM_HH_BAD_CHUNK);
                if (h->chunk_left > h->max_body || h->body_total + h->chunk_left > h->max_body)
                    return fail(h, AM_HH_BODY_TOO_LARGE);
                h->body_total += h->chunk_left;
                h->line_len = 0;
                h->hexdigits = 0;
                h->seen_space = false;
                h->seen_cr = false;
                h->cstate = h->chunk_left ? CS_DATA : CS_TL_START;
                h->trailer_len = 0;
            } else if (c == '\r' && h->hexdigits > 0) {
                h->seen_cr = true;
            } else if (am_ascii_hex(c) >= 0 && !h->seen_space) {
                if (++h->hexdigits > 16)
                    return fail(h, AM_HH_BAD_CHUNK);
                h->chunk_left = h->chunk_left * 16 + (uint64_t)am_ascii_hex(c);
            } else if (c == ' ' && h->hexdigits > 0) {
                h->seen_space = true; /* evhttp ignores spaces after the size, nothing else */
            } else {
                return fail(h, AM_HH_BAD_CHUNK); /* not hex, or an extension (';') */
            }
            break;
        case CS_DATA: {
            size_t n = len - i;

            if (n > h->chunk_left)
                n = (size_t)h->chunk_left;
            h->chunk_left -= n;
            i += n;
            if (h->chunk_left == 0)
                h->cstate = CS_DATA_CR;
            h->payload = true;
            *used = i;
            return AM_HH_BODY;
        }
        case CS_DATA_CR:
            i++;
            if (c == '\r')
                h->cstate = CS_DATA_LF;
            else if (c == '\n')
                h->cstate = CS_SIZE;
            else
                return fail(h, AM_HH_BAD_CHUNK);
            break;
        case CS_DATA_LF:
            i++;
            if (c != '\n')
                return fail(h, AM_HH_BAD_CHUNK);
            h->cstate = CS_SIZE;
            break;
        default: { /* the trailer section */
            int r;

            i++;
            if (++h->trailer_len > h->max_head)
                return fail(h, AM_HH_HEAD_TOO_LARGE);
            r = trailer_byte(h, c);
            if (r < 0)
                return fail(h, AM_HH_BAD_CHUNK);
            if (r == 1)
                message_done(h);
            break;
        }
        }
    }
    *used = i;
    return AM_HH_BODY;
}

enum am_httphead_step am_httphead_feed(struct am_httphead *h, const char *data, size_t len,
                                       size_t *ret_used)
{
    size_t i = 0;

    *ret_used = 0;
    if (h->error != AM_HH_OK)
        return AM_HH_ERROR;
    if (h->phase == AM_HH_IN_BODY) {
        if (h->chunked)
            return chunked(h, data, len, ret_used);
        *ret_used = len < h->left ? len : (size_t)h->left;
        h->left -= *ret_used;
        h->payload = true;
        if (h->left == 0)
            message_done(h);
        return AM_HH_BODY;
    }
    if (h->phase == AM_HH_IDLE) {
        /* Blank lines before a request line are ignored (RFC 9112 section 2.2). */
        while (i < len && (data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i == len) {
            *ret_used = len;
            return AM_HH_ABSORBED;
        }
        h->phase = AM_HH_IN_HEAD;
        h->head_len = 0;
        h->scan = 0;
    }
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t take = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
        size_t line;

        if (h->head_len + take > h->max_head) {
            /* Keep what fits, so a refusal can still name the method and target. */
            if (h->head_len < h->max_head && append(h, data + i, h->max_head - h->head_len) < 0)
                return fail(h, AM_HH_HEAD_TOO_LARGE);
            return fail(h, AM_HH_HEAD_TOO_LARGE);
        }
        if (append(h, data + i, take) < 0)
            return fail(h, AM_HH_HEAD_TOO_LARGE);
        i += take;
        if (!nl)
            break;
        line = h->head_len - h->scan;
        if (h->scan > 0 && (line == 1 || (line == 2 && h->head[h->scan] == '\r'))) {
            enum am_httphead_error e = am_httphead_check(h, h->head, h->head_len);

            if (e != AM_HH_OK)
                return fail(h, e);
            *ret_used = i;
            return AM_HH_HEAD;
        }
        h->scan = h->head_len;
    }
    *ret_used = len;
    return AM_HH_ABSORBED;
}

void am_httphead_taken(struct am_httphead *h)
{
    h->head_len = 0;
    h->scan = 0;
    if (h->chunked || h->left > 0) {
        h->phase = AM_HH_IN_BODY;
        h->cstate = CS_SIZE;
        h->chunk_left = 0;
        h->body_total = 0;
        h->line_len = 0;
        h->hexdigits = 0;
        h->seen_space = false;
        h->seen_cr = false;
    } else {
        message_done(h);
    }
}

void am_httphead_release(struct am_httphead *h)
{
    if (h->head_cap > 4096 && h->phase != AM_HH_IN_HEAD) {
        free(h->head);
        h->head = NULL;
        h->head_cap = 0;
    }
}

/* evhttp_uridecode(s, 0): %XX with two hex digits is decoded, anything else kept. Returns
 * false when a NUL was decoded. */
static bool decode_path(char *s, size_t len)
{
    char *w = s;
    bool nul = false;

    for (size_t i = 0; i < len; i++) {
        int hi, lo;

        if (s[i] == '%' && i + 2 < len && (hi = am_ascii_hex((unsigned char)s[i + 1])) >= 0 &&
            (lo = am_ascii_hex((unsigned char)s[i + 2])) >= 0) {
            *w = (char)(hi * 16 + lo);
            nul |= *w == '\0';
            w++;
            i += 2;
        } else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return !nul;
}

int am_httphead_parse(struct am_httphead *h, struct am_request *req, const char **ret_target)
{
    char *s, *end, *sp1, *t, *sp2, *path, *p, *copy;
    size_t tlen, plen, line_end;

    /* The raw target is kept as a copy after the head (the recorder forwards it); the
     * head itself is cut into NUL-terminated pieces. */
    sp1 = memchr(h->head, ' ', h->head_len);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', h->head_len - (size_t)(sp1 + 1 - h->head)) : NULL;
    if (!sp2)
        return -EINVAL; /* not a head am_httphead_check accepted */
    tlen = (size_t)(sp2 - (sp1 + 1));
    if (h->head_len + tlen + 1 > h->head_cap) {
        size_t off1 = (size_t)(sp1 - h->head), off2 = (size_t)(sp2 - h->head);
        char *grown = realloc(h->head, h->head_len + tlen + 1);

        if (!grown)
            return -ENOMEM;
        h->head = grown;
        h->head_cap = h->head_len + tlen + 1;
        sp1 = grown + off1;
        sp2 = grown + off2;
    }
    s = h->head;
    end = s + h->head_len;
    t = sp1 + 1;
    copy = end;
    memcpy(copy, t, tlen);
    copy[tlen] = '\0';
    *ret_target = copy;

    req->method = h->method;
    /* origin-form "/p?q"; absolute-form "http://host/p?q" names its path after the
     * authority (none: "/"); "*" stays itself. */
    path = t;
    if (*t != '/' && *t != '*') {
        char *scheme = memchr(t, ':', tlen);
        char *slash = (scheme && (size_t)(sp2 - scheme) > 3 && scheme[1] == '/' && scheme[2] == '/')
                          ? memchr(scheme + 3, '/', (size_t)(sp2 - (scheme + 3)))
                          : NULL;
        path = slash ? slash : NULL;
    }
    if (path) {
        plen = strcspn(path, "?# ");
        if (path[plen] == '?') {
            char *q = path + plen + 1;

            req->query = q;
            q[strcspn(q, "# ")] = '\0';
        } else {
            req->query = NULL;
        }
        if (!decode_path(path, plen))
            path = NULL;
    } else {
        req->query = NULL;
    }
    req->path = path && *path ? path : "/";

    p = memchr(sp2, '\n', (size_t)(end - sp2));
    req->n_headers = 0;
    req->headers_overflow = false;
    while (p && ++p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *colon, *vb, *ve;

        if (!nl)
            break;
        line_end = (size_t)(nl - p);
        if (line_end > 0 && p[line_end - 1] == '\r')
            line_end--;
        if (line_end == 0)
            break; /* the empty line */
        colon = memchr(p, ':', line_end);
        if (!colon)
            break;
        *colon = '\0';
        vb = colon + 1;
        ve = p + line_end;
        trim((const char **)&vb, (const char **)&ve);
        *ve = '\0';
        if (am_request_add_header(req, p, vb) < 0) {
            req->headers_overflow = true;
            break;
        }
        p = nl;
    }
    return 0;
}

void am_httphead_describe(const struct am_httphead *h, enum am_method *ret_method, char *target,
                          size_t target_len)
{
    const char *s = h->head, *sp1, *end;
    size_t n = h->head_len;

    *ret_method = AM_METHOD_OTHER;
    if (target_len)
        target[0] = '\0';
    if (!s || !n)
        return;
    sp1 = memchr(s, ' ', n);
    if (!sp1)
        return;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        size_t ml = strlen(methods[i].name);
        if ((size_t)(sp1 - s) == ml && memcmp(s, methods[i].name, ml) == 0)
            *ret_method = methods[i].method;
    }
    end = sp1 + 1;
    while (end < s + n && *end != ' ' && *end != '\r' && *end != '\n')
        end++;
    if (target_len) {
        size_t tl = (size_t)(end - (sp1 + 1));
        if (tl >= target_len)
            tl = target_len - 1;
        memcpy(target, sp1 + 1, tl);
        target[tl] = '\0';
    }
}

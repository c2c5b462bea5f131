/* fuzz_exchanges.c - the exchange loader, matcher and template renderer over arbitrary
 * bytes. The input is loaded as an exchange file; when accepted, every listed exchange is
 * replayed with a request built from its own matcher (placeholders filled, its query,
 * headers and body), so matching and rendering are reached, plus the input as a body.
 * Invariants: a failed load adds nothing; the listing has one entry per exchange; an
 * answer has a status in 100..599, a body that is valid JSON of body_len bytes, and header
 * values free of control characters; no leaks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exchanges.h"
#include "http_types.h"
#include "ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const struct am_response *resp)
{
    cJSON *parsed;

    if (resp->status < 100 || resp->status > 599)
        abort();
    if (resp->body) {
        if (strlen(resp->body) != resp->body_len || !resp->content_type)
            abort();
        parsed = cJSON_ParseWithLength(resp->body, resp->body_len);
        if (!parsed)
            abort();
        cJSON_Delete(parsed);
    }
    for (size_t i = 0; i < resp->n_headers; i++) {
        for (const char *c = resp->headers[i].value; *c; c++) {
            if ((unsigned char)*c < ' ' || *c == 127)
                abort();
        }
    }
}

/* "/v3/a/{id}" -> "/v3/a/x" into out. */
static void fill_path(const char *pattern, char *out, size_t out_len)
{
    size_t o = 0;

    for (const char *p = pattern; *p && o + 2 < out_len; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');

            if (close) {
                out[o++] = 'x';
                p = close;
                continue;
            }
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

static void add_escaped(char *out, size_t out_len, size_t *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s && *o + 4 < out_len; s++) {
        out[(*o)++] = '%';
        out[(*o)++] = hex[(unsigned char)*s >> 4];
        out[(*o)++] = hex[(unsigned char)*s & 15];
    }
    out[*o] = '\0';
}

static void build_query(const cJSON *q, char *out, size_t out_len)
{
    size_t o = 0;

    out[0] = '\0';
    for (const cJSON *k = q ? q->child : NULL; k; k = k->next) {
        if (o && o + 1 < out_len)
            out[o++] = '&';
        add_escaped(out, out_len, &o, k->string);
        if (o + 1 < out_len)
            out[o++] = '=';
        out[o] = '\0';
        if (cJSON_IsString(k))
            add_escaped(out, out_len, &o, k->valuestring);
    }
}

static int method_of(const char *name)
{
    for (int m = 0; m < _AM_METHOD_MAX; m++) {
        if (strcmp(name, am_method_name((enum am_method)m)) == 0)
            return m;
    }
    return AM_METHOD_OTHER;
}

static void replay(struct am_exchange_set *set, const cJSON *entry, const uint8_t *data,
                   size_t size, struct am_ids *ids)
{
    const cJSON *rq = cJSON_GetObjectItemCaseSensitive(entry, "request");
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(entry, "account");
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(rq, "headers");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(rq, "body");
    char path[1100], query[4096];
    char *body_text = body ? cJSON_PrintUnformatted(body) : NULL;
    struct am_request req;
    struct am_response resp;

    memset(&req, 0, sizeof(req));
    req.method = (enum am_method)method_of(
        cJSON_GetObjectItemCaseSensitive(rq, "method")->valuestring);
    fill_path(cJSON_GetObjectItemCaseSensitive(rq, "path")->valuestring, path, sizeof(path));
    build_query(cJSON_GetObjectItemCaseSensitive(rq, "query"), query, sizeof(query));
    req.path = path;
    req.query = query;
    req.client_ip = "127.0.0.1";
    for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next)
        (void)am_request_add_header(&req, h->string, h->valuestring);
    (void)am_request_add_header(&req, "access_token", "$aact_hmlg_notasecretnotasecret");
    for (int round = 0; round < 4; round++) {
        uint32_t delay = 0;
        int r;

        /* Its own body first (a hit), then the raw input as the body. */
        req.body = round < 3 ? body_text : (const char *)data;
        req.body_len = round < 3 ? (body_text ? strlen(body_text) : 0) : size;
        am_response_init(&resp);
        r = am_exchanges_match(set, &req, cJSON_IsString(acc) ? acc->valuestring : NULL,
                               1718418600 + round * 86400, ids, &resp, &delay);
        if (r == 1) {
            check_answer(&resp);
            if (delay > AM_EXCHANGE_MAX_DELAY_MS)
                abort();
        } else if (r != 0 && r != -ENOMEM && r != -ENOSPC) {
            abort();
        }
        am_response_finish(&resp);
    }
    free(body_text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_exchange_set *set = am_exchanges_new();
    struct am_ids ids;
    cJSON *list = NULL;
    const cJSON *arr;
    char err[512] = "";
    int n = 0, rc;

    if (!set)
        return 0;
    am_ids_init(&ids, 7);
    rc = am_exchanges_load_text(set, (const char *)data, size, "fuzz.json", err, sizeof(err));
    if (rc != 0) {
        if (am_exchanges_count(set) != 0 || (rc == -EINVAL && !err[0]))
            abort();
        goto out;
    }
    list = am_exchanges_list_json(set);
    if (!list)
        goto out;
    arr = cJSON_GetObjectItemCaseSensitive(list, "exchanges");
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, n++)
        replay(set, e, data, size, &ids);
    if ((size_t)n != am_exchanges_count(set))
        abort();
    am_exchanges_reset_calls(set);
out:
    cJSON_Delete(list);
    am_exchanges_free(set);
    return 0;
}

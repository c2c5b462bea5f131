/* api_common.c - body parsing, pagination, list envelope and JSON getters shared by the
 * /v3 handlers (see api_common.h). */
#include "api_common.h"
#include "ascii.h"

#include "calendar.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "multipart.h"
#include "utf8.h"

#define PAGE_DEFAULT_LIMIT 10
#define PAGE_MAX_LIMIT 100
/* Offsets beyond this are refused rather than risking size_t overflow in offset+limit. */
#define PAGE_MAX_OFFSET 1000000000000000ULL

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool only_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!is_json_space(s[i]))
            return false;
    }
    return true;
}

static int bad_json(struct am_response *resp)
{
    int r = am_response_error(resp, 400, AM_ERR_JSON, AM_TXT_JSON);

    return r < 0 ? r : 1;
}

int am_api_parse_body(const struct am_request *req, struct am_response *resp, bool allow_empty,
                      cJSON **ret_json)
{
    const char *body = req->body;
    size_t len = body ? req->body_len : 0;
    const char *end = NULL;
    char *copy = NULL;
    cJSON *json = NULL;

    /* Uploads skip the app's encoding check (their files are raw bytes); a JSON handler
     * reading one must still never store text that is not UTF-8. */
    if (len && am_multipart_is(am_request_header(req, "Content-Type")) &&
        (!am_utf8_valid(body, len, NULL) || am_utf8_json_has_nul(body, len, NULL))) {
        int r = am_response_error(resp, 400, AM_ERR_ENCODING, AM_TXT_ENCODING_BODY);

        return r < 0 ? r : 1;
    }
    if (only_space(body, len)) {
        if (!allow_empty) {
            resp->outcome.body_json = -1;
            return bad_json(resp);
        }
        json = cJSON_CreateObject();
        if (!json)
            return -ENOMEM;
        resp->outcome.body_json = 1;
        *ret_json = json;
        return 0;
    }
    /* The body is not NUL-terminated and cJSON's BOM/number scanners may peek a byte
     * or two ahead, so parse a terminated copy by length and check the end ourselves:
     * "{} x" and "{}\0x" are refused like any other trailing garbage. */
    copy = malloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, body, len);
    copy[len] = '\0';
    json = cJSON_ParseWithLengthOpts(copy, len, &end, false);
    if (!json || !cJSON_IsObject(json) || !end || end < copy || end > copy + len ||
        !only_space(end, len - (size_t)(end - copy))) {
        cJSON_Delete(json);
        free(copy);
        resp->outcome.body_json = -1;
        return bad_json(resp);
    }
    free(copy);
    resp->outcome.body_json = 1;
    *ret_json = json;
    return 0;
}

/* Parses a plain non-negative decimal (no sign, no spaces). Returns false when s is not
 * one or exceeds max. */
int am_api_parse_page(const struct am_query *q, struct am_response *resp, struct am_page *ret)
{
    const char *offset = am_query_get(q, "offset");
    const char *limit = am_query_get(q, "limit");
    struct am_page page = {.offset = 0, .limit = PAGE_DEFAULT_LIMIT};
    int r;

    /* An empty value ("limit=") is what form encoders send for an unset field: default. */
    if (offset && *offset && !am_ascii_size(offset, PAGE_MAX_OFFSET, &page.offset)) {
        r = am_response_error(resp, 400, AM_ERR_OFFSET, AM_TXT_OFFSET);
        return r < 0 ? r : 1;
    }
    if (limit && *limit &&
        (!am_ascii_size(limit, PAGE_MAX_LIMIT, &page.limit) || page.limit < 1)) {
        r = am_response_error(resp, 400, AM_ERR_LIMIT, AM_TXT_LIMIT);
        return r < 0 ? r : 1;
    }
    *ret = page;
    return 0;
}

/* The envelope around data, the page's items already rendered as a JSON array. */
static int list_answer(struct am_response *resp, const struct am_page *page, size_t total,
                       const char *data, size_t data_len)
{
    struct am_jsonw w = {0};

    am_jsonw_reserve(&w, data_len + 192); /* one allocation: the envelope is shorter */
    am_jsonw_obj(&w, NULL);
    am_jsonw_str(&w, "object", "list");
    am_jsonw_bool(&w, "hasMore", page->offset < total && total - page->offset > page->limit);
    am_jsonw_int(&w, "totalCount", (int64_t)total);
    am_jsonw_int(&w, "limit", (int64_t)page->limit);
    am_jsonw_int(&w, "offset", (int64_t)page->offset);
    am_jsonw_raw(&w, "data", data, data_len);
    am_jsonw_end_obj(&w);
    return am_response_jsonw(resp, 200, &w);
}

int am_api_list_response(struct am_response *resp, const struct am_page *page, size_t total,
                         cJSON *data)
{
    char *text;
    int r;

    if (!data)
        return -ENOMEM;
    text = cJSON_PrintUnformatted(data);
    cJSON_Delete(data);
    if (!text)
        return -ENOMEM;
    r = list_answer(resp, page, total, text, strlen(text));
    free(text);
    return r;
}

void am_api_pager_init(struct am_api_pager *pg, const struct am_page *page)
{
    pg->page = *page;
    pg->total = 0;
    memset(&pg->items, 0, sizeof(pg->items));
    am_jsonw_arr(&pg->items, NULL);
    pg->failed = pg->items.oom;
}

bool am_api_pager_take(struct am_api_pager *pg)
{
    size_t i = pg->total++;

    return !pg->failed && i >= pg->page.offset && i - pg->page.offset < pg->page.limit;
}

void am_api_pager_add(struct am_api_pager *pg, cJSON *item)
{
    char *text = item && !pg->failed ? cJSON_PrintUnformatted(item) : NULL;

    cJSON_Delete(item);
    if (!text) {
        pg->failed = true;
        return;
    }
    am_jsonw_raw(&pg->items, NULL, text, strlen(text));
    free(text);
}

struct am_jsonw *am_api_pager_writer(struct am_api_pager *pg)
{
    return &pg->items;
}

int am_api_pager_answer(struct am_api_pager *pg, struct am_response *resp)
{
    int r = -ENOMEM;

    am_jsonw_end_arr(&pg->items);
    if (!pg->failed && !pg->items.oom)
        r = list_answer(resp, &pg->page, pg->total, pg->items.p, pg->items.len);
    am_jsonw_free(&pg->items);
    return r;
}

int am_api_not_found(struct am_response *resp)
{
    return am_response_error(resp, 404, AM_ERR_NOT_FOUND, AM_TXT_NOT_FOUND);
}

int am_api_list_begin(const struct am_ctx *ctx, struct am_response *resp, struct am_page *pg)
{
    if (!am_api_ready(ctx))
        return -EINVAL;
    return am_api_parse_page(ctx->query, resp, pg);
}

int am_api_found(const struct am_ctx *ctx, const void *found, struct am_response *resp)
{
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    if (found)
        return 0;
    r = am_api_not_found(resp);
    return r < 0 ? r : 1;
}

const cJSON *am_json_member(const cJSON *obj, const char *key)
{
    if (!obj || !key)
        return NULL;
    /* cJSON's own walk: stops at a member without a name (an array's items) */
    for (const cJSON *it = obj->child; it && it->string; it = it->next)
        if (it->string[0] == key[0] && strcmp(it->string, key) == 0)
            return it;
    return NULL;
}

int am_json_get_string(const cJSON *obj, const char *key, const char **ret)
{
    const cJSON *item = am_json_member(obj, key);

    if (!item || cJSON_IsNull(item)) {
        *ret = NULL;
        return 0;
    }
    if (!cJSON_IsString(item) || !item->valuestring)
        return -EINVAL;
    *ret = item->valuestring;
    return 0;
}

int am_json_get_bool(const cJSON *obj, const char *key, bool *ret, bool *ret_present)
{
    const cJSON *item = am_json_member(obj, key);

    if (ret_present)
        *ret_present = false;
    if (!item || cJSON_IsNull(item))
        return 0;
    if (!cJSON_IsBool(item))
        return -EINVAL;
    *ret = cJSON_IsTrue(item);
    if (ret_present)
        *ret_present = true;
    return 0;
}

bool am_api_ready(const struct am_ctx *ctx)
{
    return ctx && ctx->account && ctx->account->billing && ctx->account->recurring &&
           ctx->account->customers && ctx->ids && ctx->query;
}

int64_t am_api_today(const struct am_ctx *ctx)
{
    return am_cal_day_of(ctx->now);
}

const char *am_api_query_value(const struct am_query *q, const char *key)
{
    const char *v = am_query_get(q, key);

    return v && *v ? v : NULL;
}

int am_api_answer_json(struct am_response *resp, cJSON *o)
{
    if (!o)
        return -ENOMEM;
    return am_response_json(resp, 200, o);
}

int am_api_answer_deleted(struct am_response *resp, const char *id)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddBoolToObject(o, "deleted", true) || !cJSON_AddStringToObject(o, "id", id)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

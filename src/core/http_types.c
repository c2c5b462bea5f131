/* http_types.c - request/response helpers shared by every handler (pure). */
#include "http_types.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"
#include "multipart.h"
#include "jsonw.h"
#include "query.h"
#include "utf8.h"

const char *am_method_name(enum am_method m)
{
    static const char *const names[_AM_METHOD_MAX] = {
        [AM_METHOD_GET] = "GET",         [AM_METHOD_POST] = "POST",
        [AM_METHOD_PUT] = "PUT",         [AM_METHOD_DELETE] = "DELETE",
        [AM_METHOD_PATCH] = "PATCH",     [AM_METHOD_HEAD] = "HEAD",
        [AM_METHOD_OPTIONS] = "OPTIONS", [AM_METHOD_OTHER] = "OTHER",
    };
    if ((unsigned)m >= _AM_METHOD_MAX)
        return "OTHER";
    return names[m];
}

const char *am_request_encoding_error(const struct am_request *req)
{
    struct am_query q;
    int r;

    if (!am_utf8_valid(req->path, strlen(req->path), NULL))
        return AM_TXT_ENCODING_PATH;
    /* A multipart body carries files (images, documents): its text parts are checked
     * where they are read (api_form.c). */
    const char *ct = am_request_header(req, "Content-Type");
    bool multipart = ct && strncasecmp(ct, "multipart/form-data", 19) == 0;

    if (req->body_len && !multipart && !am_utf8_valid(req->body, req->body_len, NULL))
        return AM_TXT_ENCODING_BODY;
    if (req->body_len && !multipart && am_utf8_json_has_nul(req->body, req->body_len, NULL))
        return AM_TXT_ENCODING_NUL;
    /* Without a '%' the decoded keys and values are the raw bytes ('+' becomes a space):
     * the query's own check answers for them, without decoding a copy. */
    if (!req->query || (!strchr(req->query, '%') &&
                        am_utf8_valid(req->query, strlen(req->query), NULL)))
        return NULL;
    r = am_query_parse(req->query, &q);
    am_query_finish(&q);
    if (r == -EILSEQ)
        return AM_TXT_ENCODING_QUERY;
    return r == -ENOMEM ? "" : NULL;
}

const char *am_request_header(const struct am_request *req, const char *name)
{
    /* Several lookups per request, each over every header: the first character rules most
     * out before strcasecmp (| 0x20 puts both cases of a letter together, so names equal
     * without case always pass). */
    unsigned char first = (unsigned char)name[0] | 0x20;

    for (size_t i = 0; i < req->n_headers; i++) {
        const char *h = req->headers[i].name;

        if (((unsigned char)h[0] | 0x20) == first && strcasecmp(h, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

int am_request_add_header(struct am_request *req, const char *name, const char *value)
{
    if (req->n_headers >= AM_REQUEST_MAX_HEADERS)
        return -ENOSPC;
    req->headers[req->n_headers].name = name;
    req->headers[req->n_headers].value = value;
    req->n_headers++;
    return 0;
}

void am_response_init(struct am_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    resp->status = 200;
}

void am_response_finish(struct am_response *resp)
{
    free(resp->body);
    for (size_t i = 0; i < resp->n_headers; i++)
        free(resp->headers[i].value);
    free(resp->outcome.redacted_key);
    am_response_init(resp);
}

static void set_body(struct am_response *resp, char *body, size_t len)
{
    free(resp->body);
    resp->body = body;
    resp->body_len = len;
}

int am_response_json(struct am_response *resp, int status, cJSON *json)
{
    char *text = NULL;

    if (!json)
        return -ENOMEM;
    text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (!text)
        return -ENOMEM;
    resp->status = status;
    resp->content_type = "application/json";
    set_body(resp, text, strlen(text));
    return 0;
}

int am_response_jsonw(struct am_response *resp, int status, struct am_jsonw *w)
{
    size_t len = 0;
    char *text = am_jsonw_take(w, &len);

    if (!text)
        return -ENOMEM;
    resp->status = status;
    resp->content_type = "application/json";
    set_body(resp, text, len);
    return 0;
}

int am_response_text(struct am_response *resp, int status, const char *content_type,
                     const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return -ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    resp->status = status;
    resp->content_type = content_type;
    set_body(resp, copy, len);
    return 0;
}

int am_response_error(struct am_response *resp, int status, const char *code,
                      const char *description)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(root, "errors");
    cJSON *err = cJSON_CreateObject();

    if (!root || !errors || !err) {
        cJSON_Delete(err);
        cJSON_Delete(root);
        return -ENOMEM;
    }
    cJSON_AddItemToArray(errors, err);
    if (!cJSON_AddStringToObject(err, "code", code) ||
        !cJSON_AddStringToObject(err, "description", description)) {
        cJSON_Delete(root);
        return -ENOMEM;
    }
    return am_response_json(resp, status, root);
}

void am_response_empty(struct am_response *resp, int status)
{
    set_body(resp, NULL, 0);
    resp->status = status;
    resp->content_type = NULL;
}

int am_response_set_header(struct am_response *resp, const char *static_name, const char *value)
{
    char *copy = strdup(value);
    size_t i;

    if (!copy)
        return -ENOMEM;
    for (i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->headers[i].name, static_name) == 0) {
            free(resp->headers[i].value);
            resp->headers[i].value = copy;
            return 0;
        }
    }
    if (resp->n_headers >= AM_RESPONSE_MAX_HEADERS) {
        free(copy);
        return -ENOSPC;
    }
    resp->headers[resp->n_headers].name = static_name;
    resp->headers[resp->n_headers].value = copy;
    resp->n_headers++;
    return 0;
}

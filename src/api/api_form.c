/* api_form.c - JSON or multipart bodies, path parameters, in-process calls (api_form.h). */
#include "api_form.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "asaas_facts.h"
#include "input.h"
#include "utf8.h"

int am_api_form_read(const struct am_request *req, struct am_response *resp,
                     struct am_api_form *ret)
{
    const char *ct = am_request_header(req, "Content-Type");
    char err[160];

    memset(ret, 0, sizeof(*ret));
    if (!am_multipart_is(ct))
        return am_api_parse_body(req, resp, true, &ret->json);
    ret->multipart = true;
    if (am_multipart_parse(ct, req->body, req->body_len, &ret->parts, err, sizeof(err)) < 0)
        return am_input_fail(resp, 400, AM_ERR_MULTIPART, err);
    ret->json = cJSON_CreateObject();
    if (!ret->json)
        return -ENOMEM;
    for (size_t i = 0; i < ret->parts.n; i++) {
        const struct am_multipart_part *p = &ret->parts.parts[i];
        char *text;

        if (p->is_file || !p->name[0] || cJSON_GetObjectItemCaseSensitive(ret->json, p->name))
            continue;
        if (!am_utf8_valid(p->data, p->len, NULL) || memchr(p->data, '\0', p->len))
            return am_input_fail(resp, 400, AM_ERR_ENCODING, AM_TXT_ENCODING_BODY);
        text = malloc(p->len + 1);
        if (!text)
            return -ENOMEM;
        memcpy(text, p->data, p->len);
        text[p->len] = '\0';
        if (!cJSON_AddStringToObject(ret->json, p->name, text)) {
            free(text);
            return -ENOMEM;
        }
        free(text);
    }
    return 0;
}

void am_api_form_free(struct am_api_form *f)
{
    cJSON_Delete(f->json);
    f->json = NULL;
}

const struct am_multipart_part *am_api_form_file(const struct am_api_form *f, const char *name)
{
    for (size_t i = 0; i < f->parts.n; i++) {
        if (f->parts.parts[i].is_file && strcmp(f->parts.parts[i].name, name) == 0)
            return &f->parts.parts[i];
    }
    return NULL;
}

void am_api_path_segment(const struct am_request *req, size_t n, char *out, size_t out_len)
{
    const char *p = req->path;
    size_t len;

    if (strncmp(p, "/api/v3/", 8) == 0)
        p += 8;
    else if (strncmp(p, "/v3/", 4) == 0)
        p += 4;
    for (; n > 0 && p; n--) {
        p = strchr(p, '/');
        p = p ? p + 1 : NULL;
    }
    len = p ? strcspn(p, "/") : 0;
    snprintf(out, out_len, "%.*s", (int)len, p ? p : "");
}

int am_api_call(struct am_ctx *ctx, const struct am_request *outer, am_api_handler handler,
                const char *path, const cJSON *body, struct am_response *resp,
                cJSON **ret_json)
{
    struct am_request in;
    struct am_response tmp;
    char *text = cJSON_PrintUnformatted(body);
    int r;

    *ret_json = NULL;
    if (!text)
        return -ENOMEM;
    memset(&in, 0, sizeof(in));
    in.method = AM_METHOD_POST;
    in.path = path;
    in.body = text;
    in.body_len = strlen(text);
    in.client_ip = outer->client_ip;
    in.request_id = outer->request_id;
    am_response_init(&tmp);
    r = handler(ctx, NULL, &in, &tmp);
    if (r == 0 && tmp.status == 200) {
        *ret_json = cJSON_ParseWithLength(tmp.body, tmp.body_len);
        r = *ret_json ? 0 : -ENOMEM;
    } else if (r == 0) {
        r = am_response_text(resp, tmp.status, tmp.content_type, tmp.body, tmp.body_len);
        r = r < 0 ? r : 1;
    }
    am_response_finish(&tmp);
    free(text);
    return r;
}

int am_api_form_bool(const cJSON *o, const char *key, bool *ret)
{
    const cJSON *v = am_input_field(o, key);

    if (!v)
        return 0;
    if (cJSON_IsBool(v)) {
        *ret = cJSON_IsTrue(v);
        return 0;
    }
    if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false"))) {
        *ret = v->valuestring[0] == 't';
        return 0;
    }
    return -EINVAL;
}

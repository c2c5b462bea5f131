/* json_text.c - JSON documents from file text with located errors (see json_text.h). */
#include "json_text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

bool am_json_text_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    }
    return true;
}

static void line_col(const char *text, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

cJSON *am_json_text_parse(const char *text, size_t len, const char *source, char *err,
                          size_t err_len, bool *ret_oom)
{
    char *copy = malloc(len + 1);
    const char *end = NULL;
    cJSON *root;
    size_t line, col, off;

    if (ret_oom)
        *ret_oom = false;
    if (!copy) {
        if (ret_oom)
            *ret_oom = true;
        if (err && err_len)
            snprintf(err, err_len, "%s: out of memory", source);
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    /* Whatever a file holds is served again as JSON: refuse what no client could read,
     * and "\u0000", which would silently cut the string. */
    if (!am_utf8_valid(copy, len, &off) || am_utf8_json_has_nul(copy, len, &off)) {
        bool nul = am_utf8_valid(copy, len, NULL);
        line_col(copy, off, &line, &col);
        if (err && err_len)
            snprintf(err, err_len, "%s:%zu:%zu: %s", source, line, col,
                     nul ? "\\u0000 is not accepted in a string" : "invalid UTF-8");
        free(copy);
        return NULL;
    }
    root = cJSON_ParseWithLengthOpts(copy, len, &end, false);
    if (root && end && end >= copy && end <= copy + len &&
        am_json_text_blank(end, len - (size_t)(end - copy))) {
        free(copy);
        return root;
    }
    off = end && end >= copy && end <= copy + len ? (size_t)(end - copy) : 0;
    /* Trailing garbage: point at it, not at the whitespace before it. */
    while (root && off < len && am_json_text_blank(copy + off, 1))
        off++;
    line_col(copy, off, &line, &col);
    if (err && err_len)
        snprintf(err, err_len, "%s:%zu:%zu: invalid JSON", source, line, col);
    cJSON_Delete(root);
    free(copy);
    return NULL;
}

const char *am_json_bad_key(const cJSON *obj, const char *const *allowed, bool *ret_duplicate)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool known = false;

        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(c->string, allowed[i]) == 0;
        *ret_duplicate = false;
        if (!known)
            return c->string;
        for (const cJSON *d = obj->child; d != c; d = d->next) {
            if (strcmp(c->string, d->string) == 0) {
                *ret_duplicate = true;
                return c->string;
            }
        }
    }
    return NULL;
}

bool am_json_integer(const cJSON *item, double min, double max, double *ret)
{
    double v;

    if (!cJSON_IsNumber(item))
        return false;
    v = item->valuedouble;
    if (!isfinite(v) || v != floor(v) || v < min || v > max)
        return false;
    *ret = v;
    return true;
}

bool am_json_subset(const cJSON *want, const cJSON *got)
{
    if (cJSON_IsObject(want)) {
        if (!cJSON_IsObject(got))
            return false;
        for (const cJSON *w = want->child; w; w = w->next) {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);

            if (!g || !am_json_subset(w, g))
                return false;
        }
        return true;
    }
    return am_json_equal(want, got);
}

static size_t child_count(const cJSON *a)
{
    size_t n = 0;

    for (const cJSON *c = a->child; c; c = c->next)
        n++;
    return n;
}

/* Exact equality (objects: same members, any order). */
bool am_json_equal(const cJSON *a, const cJSON *b)
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
            if (!am_json_equal(x, y))
                return false;
        }
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        if (!cJSON_IsObject(b) || child_count(a) != child_count(b))
            return false;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);

            if (!y || !am_json_equal(x, y))
                return false;
        }
        return true;
    }
    return false;
}

int am_json_add_string_or_null(cJSON *obj, const char *key, const char *value)
{
    cJSON *item = value ? cJSON_CreateString(value) : cJSON_CreateNull();

    if (!item)
        return -ENOMEM;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return -ENOMEM;
    }
    return 0;
}

int am_json_text_load(const char *text, size_t len, const char *source, char *err,
                      size_t err_len, cJSON **ret)
{
    bool oom = false;

    *ret = am_json_text_parse(text, len, source, err, err_len, &oom);
    if (*ret)
        return 0;
    return oom ? -ENOMEM : -EINVAL;
}

/* records_state.c - snapshot codec of the records store (see records_state.h). */
#include "records_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>

#include "records.h"
#include "state_codec.h"

cJSON *am_records_state_export(const struct am_records *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *colls = cJSON_AddObjectToObject(o, "collections");
    cJSON *docs = cJSON_AddObjectToObject(o, "docs");
    cJSON *counters = cJSON_AddObjectToObject(o, "counters");
    const char *name;
    size_t count;
    const cJSON *doc;
    uint64_t value;

    if (!o || !colls || !docs || !counters)
        goto oom;
    for (size_t i = 0; am_records_collection_at(r, i, &name, &count); i++) {
        cJSON *arr = cJSON_AddArrayToObject(colls, name);

        if (!arr)
            goto oom;
        for (size_t k = 0; k < count; k++) {
            cJSON *copy = cJSON_Duplicate(am_records_at((struct am_records *)r, name, k), 1);

            if (!copy || !cJSON_AddItemToArray(arr, copy)) {
                cJSON_Delete(copy);
                goto oom;
            }
        }
    }
    for (size_t i = 0; am_records_doc_at(r, i, &name, &doc); i++) {
        cJSON *copy = cJSON_Duplicate(doc, 1);

        if (!copy || !cJSON_AddItemToObject(docs, name, copy)) {
            cJSON_Delete(copy);
            goto oom;
        }
    }
    for (size_t i = 0; am_records_counter_at(r, i, &name, &value); i++)
        if (am_sc_add_u64(counters, name, value) < 0)
            goto oom;
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static int bad(char *err, size_t err_len, const char *where, const char *why)
{
    snprintf(err, err_len, "%s: %s", where, why);
    return -EINVAL;
}

int am_records_state_import(const cJSON *o, const char *where, struct am_records **ret,
                            char *err, size_t err_len)
{
    static const char *const allowed[] = {"collections", "docs", "counters", NULL};
    struct am_records *r = NULL;
    const cJSON *part, *it;
    char sub[256], sub2[256];
    int rc = am_sc_check_object(o, allowed, where, err, err_len);

    if (rc < 0)
        return rc;
    r = am_records_new();
    if (!r)
        return -ENOMEM;
    part = cJSON_GetObjectItemCaseSensitive(o, "collections");
    if (part && !cJSON_IsObject(part)) {
        rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), where, "collections"),
                 "must be an object");
        goto fail;
    }
    cJSON_ArrayForEach(it, part) {
        const cJSON *obj;
        size_t i = 0;

        am_sc_where_key(sub, sizeof(sub), am_sc_where_key(sub2, sizeof(sub2), where,
                                                          "collections"), it->string);
        if (!cJSON_IsArray(it)) {
            rc = bad(err, err_len, sub, "must be an array");
            goto fail;
        }
        cJSON_ArrayForEach(obj, it) {
            cJSON *copy = cJSON_Duplicate(obj, 1);

            if (!copy) {
                rc = -ENOMEM;
                goto fail;
            }
            rc = am_records_add(r, it->string, copy);
            if (rc == -ENOMEM)
                goto fail;
            if (rc < 0) {
                rc = bad(err, err_len, am_sc_where_index(sub2, sizeof(sub2), sub, i),
                         rc == -EEXIST ? "duplicate id" : "must be an object with a string id");
                goto fail;
            }
            i++;
        }
    }
    part = cJSON_GetObjectItemCaseSensitive(o, "docs");
    if (part && !cJSON_IsObject(part)) {
        rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), where, "docs"),
                 "must be an object");
        goto fail;
    }
    cJSON_ArrayForEach(it, part) {
        cJSON *copy = cJSON_Duplicate(it, 1);

        if (!copy) {
            rc = -ENOMEM;
            goto fail;
        }
        rc = am_records_set_doc(r, it->string, copy);
        if (rc == -ENOMEM)
            goto fail;
        if (rc < 0) {
            am_sc_where_key(sub2, sizeof(sub2), where, "docs");
            rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), sub2, it->string),
                     "must be an object");
            goto fail;
        }
    }
    part = cJSON_GetObjectItemCaseSensitive(o, "counters");
    if (part && !cJSON_IsObject(part)) {
        rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), where, "counters"),
                 "must be an object");
        goto fail;
    }
    cJSON_ArrayForEach(it, part) {
        uint64_t v;

        am_sc_where_key(sub2, sizeof(sub2), where, "counters");
        if (!am_sc_parse_u64(it, &v)) {
            rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), sub2, it->string),
                     "must be a decimal string");
            goto fail;
        }
        rc = am_records_set_counter(r, it->string, v);
        if (rc == -EINVAL)
            rc = bad(err, err_len, am_sc_where_key(sub, sizeof(sub), sub2, it->string),
                     "bad counter name");
        if (rc < 0)
            goto fail;
    }
    *ret = r;
    return 0;
fail:
    am_records_free(r);
    return rc;
}

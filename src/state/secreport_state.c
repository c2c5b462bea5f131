/* secreport_state.c - export/import of an account's security findings (see
 * secreport_state.h). */
#include "secreport_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "secreport.h"
#include "state_codec.h"

struct cJSON *am_secreport_state_export(const struct am_secreport *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "findings") : NULL;

    if (!list)
        goto oom;
    for (int c = 0; c < _AM_SEC_CODE_MAX; c++) {
        const struct am_sec_finding *f = am_secreport_get(s, (enum am_sec_code)c);
        cJSON *item;
        if (!f)
            continue;
        item = cJSON_CreateObject();
        if (!item || !cJSON_AddItemToArray(list, item)) {
            cJSON_Delete(item);
            goto oom;
        }
        if (am_sc_add_str(item, "code", am_sec_code_name((enum am_sec_code)c)) < 0 ||
            am_sc_add_u64(item, "count", f->count) < 0 ||
            am_sc_add_instant(item, "firstSeen", f->first_seen) < 0 ||
            am_sc_add_instant(item, "lastSeen", f->last_seen) < 0 ||
            am_sc_add_str(item, "evidence", f->evidence) < 0)
            goto oom;
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static int import_finding(const cJSON *it, const char *where, struct am_secreport *s, char *err,
                          size_t err_len)
{
    static const char *const allowed[] = {"code", "count", "firstSeen", "lastSeen", "evidence",
                                          NULL};
    struct am_sec_finding f;
    char code[40];
    int c = -1, r;

    memset(&f, 0, sizeof(f));
    code[0] = '\0';
    r = am_sc_check_object(it, allowed, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(it, "code", code, sizeof(code), where, err, err_len);
    if (r == 0 && (c = am_sec_code_parse(code)) < 0) {
        snprintf(err, err_len, "%s.code: unknown finding code '%s'", where, code);
        return -EINVAL;
    }
    if (r == 0)
        r = am_sc_get_u64(it, "count", &f.count, where, err, err_len);
    if (r == 0)
        r = am_sc_get_instant(it, "firstSeen", &f.first_seen, where, err, err_len);
    if (r == 0)
        r = am_sc_get_instant(it, "lastSeen", &f.last_seen, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(it, "evidence", f.evidence, sizeof(f.evidence), where, err, err_len);
    if (r < 0)
        return r;
    if (f.count == 0) {
        snprintf(err, err_len, "%s.count: must be at least 1", where);
        return -EINVAL;
    }
    if (am_secreport_get(s, (enum am_sec_code)c)) {
        snprintf(err, err_len, "%s.code: '%s' appears twice", where, code);
        return -EINVAL;
    }
    am_secreport_put(s, (enum am_sec_code)c, &f);
    return 0;
}

int am_secreport_state_import(const struct cJSON *o, const char *where,
                              struct am_secreport **ret, char *err, size_t err_len)
{
    static const char *const allowed[] = {"findings", NULL};
    const cJSON *list, *it;
    struct am_secreport *s;
    char sub[256], base[240];
    size_t i = 0;
    int r = am_sc_check_object(o, allowed, where, err, err_len);

    if (r < 0)
        return r;
    list = cJSON_GetObjectItemCaseSensitive(o, "findings");
    if (list && !cJSON_IsArray(list)) {
        snprintf(err, err_len, "%s.findings: must be an array", where);
        return -EINVAL;
    }
    am_sc_where_key(base, sizeof(base), where, "findings");
    s = am_secreport_new();
    if (!s)
        return -ENOMEM;
    cJSON_ArrayForEach(it, list)
    {
        r = import_finding(it, am_sc_where_index(sub, sizeof(sub), base, i++), s, err,
                           err_len);
        if (r < 0) {
            am_secreport_free(s);
            return r;
        }
    }
    *ret = s;
    return 0;
}

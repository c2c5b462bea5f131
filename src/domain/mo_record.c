/* mo_record.c - helpers shared by the money-out areas (see mo_record.h). */
#include "mo_record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "money.h"
#include "records.h"

static int put(cJSON *o, const char *key, cJSON *v)
{
    if (!v)
        return -ENOMEM;
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, v) ? 0 : -ENOMEM;
    return cJSON_AddItemToObject(o, key, v) ? 0 : -ENOMEM;
}

int am_mo_set_str(cJSON *o, const char *key, const char *v)
{
    return put(o, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

int am_mo_set_day(cJSON *o, const char *key, int64_t day)
{
    char d[11];

    if (day == AM_NO_DAY)
        return put(o, key, cJSON_CreateNull());
    am_cal_format_day(day, d);
    return put(o, key, cJSON_CreateString(d));
}

int am_mo_set_bool(cJSON *o, const char *key, bool v)
{
    return put(o, key, cJSON_CreateBool(v));
}

int am_mo_set_int(cJSON *o, const char *key, int64_t v)
{
    return put(o, key, cJSON_CreateNumber((double)v));
}

int am_mo_set_money(cJSON *o, const char *key, int64_t cents)
{
    return put(o, key, am_money_to_json(cents));
}

int64_t am_mo_int(const cJSON *o, const char *key, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : dflt;
}

const char *am_mo_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool am_mo_status_is(const cJSON *o, const char *s)
{
    const char *st = am_mo_str(o, "status");

    return st && strcmp(st, s) == 0;
}

int am_mo_emit(struct am_billing *b, const char *name, int64_t now, const char *resource_type,
               const cJSON *o)
{
    cJSON *pub = am_records_public(o);
    char *text = pub ? cJSON_PrintUnformatted(pub) : NULL;
    uint64_t seq = 0;

    if (text)
        seq = am_billing_events_append(b, name, now, resource_type, am_mo_str(o, "id"), text);
    free(text);
    cJSON_Delete(pub);
    return seq ? 0 : -ENOMEM;
}

int am_mo_walk(struct am_records *rec, const char *coll, am_mo_step_fn step, void *ud)
{
    cJSON *cursors = am_records_doc(rec, "moneyoutCursors");
    size_t n = am_records_count(rec, coll);
    size_t start = 0, next;
    bool leading = true;
    int r;

    if (cursors)
        start = (size_t)am_mo_int(cursors, coll, 0);
    next = start;
    for (size_t i = start; i < n; i++) {
        r = step(am_records_at(rec, coll, i), ud);
        if (r < 0)
            return r;
        if (leading && r == 1)
            next = i + 1;
        else
            leading = false;
    }
    if (next == start)
        return 0;
    if (!cursors) {
        cursors = cJSON_CreateObject();
        if (!cursors || am_records_set_doc(rec, "moneyoutCursors", cursors) < 0)
            return -ENOMEM;
        cursors = am_records_doc(rec, "moneyoutCursors");
    }
    return am_mo_set_int(cursors, coll, (int64_t)next);
}

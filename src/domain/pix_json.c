/* pix_json.c - in-place JSON edits for the Pix areas (see pix_json.h). */
#include "pix_json.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "money.h"

/* Takes v (also on failure). */
static bool put(cJSON *o, const char *key, cJSON *v)
{
    if (!o || !v) {
        cJSON_Delete(v);
        return false;
    }
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    if (!cJSON_AddItemToObject(o, key, v)) {
        cJSON_Delete(v);
        return false;
    }
    return true;
}

bool am_pix_set_str(cJSON *o, const char *key, const char *value)
{
    return put(o, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

bool am_pix_set_num(cJSON *o, const char *key, double value)
{
    return put(o, key, cJSON_CreateNumber(value));
}

bool am_pix_set_bool(cJSON *o, const char *key, bool value)
{
    return put(o, key, cJSON_CreateBool(value));
}

bool am_pix_set_money(cJSON *o, const char *key, int64_t cents)
{
    return put(o, key, am_money_to_json(cents));
}

bool am_pix_set_datetime(cJSON *o, const char *key, int64_t t)
{
    char buf[20];

    am_clock_format_datetime(t, buf);
    return am_pix_set_str(o, key, buf);
}

bool am_pix_set_day(cJSON *o, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY)
        return am_pix_set_str(o, key, NULL);
    am_cal_format_day(day, buf);
    return am_pix_set_str(o, key, buf);
}

const char *am_pix_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t am_pix_num(const cJSON *o, const char *key, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : dflt;
}

int64_t am_pix_money(const cJSON *o, const char *key)
{
    int64_t c = 0;

    if (am_money_from_json(cJSON_GetObjectItemCaseSensitive(o, key), &c) < 0)
        return 0;
    return c;
}

bool am_pix_is(const cJSON *o, const char *key, const char *value)
{
    const char *s = am_pix_str(o, key);

    return s && value && strcmp(s, value) == 0;
}

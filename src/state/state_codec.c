/* state_codec.c - exact field codecs for snapshots (see state_codec.h). */
#include "state_codec.h"

#include "errmsg.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "clock.h"
#include "json_text.h"
#include "jsonw.h"

/* Largest integer a JSON number (double) carries exactly. */
#define SC_EXACT 9007199254740991.0
/* Instants / days outside 1900..9999 (what am_clock_parse_date reads back) are written
 * as plain numbers, so export is exact for any value the stores can hold. */
#define SC_MIN_INSTANT (-2208988800LL + 3 * 3600)
#define SC_MAX_INSTANT (253402300799LL + 3 * 3600)
#define SC_MIN_DAY (-25567LL)
#define SC_MAX_DAY (2932896LL)

/* "where.key: message" (errmsg.h). */
#define bad(err, err_len, where, key, ...)                                                       \
    am_err_prefixed(err, err_len, -EINVAL, where, ".", key, __VA_ARGS__)

static int added(const cJSON *item)
{
    return item ? 0 : -ENOMEM;
}

int am_sc_add_str(cJSON *o, const char *key, const char *v)
{
    return added(v ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key));
}

/* Numbers cJSON prints exactly (%1.15g); larger magnitudes go out as decimal text. */
#define SC_PRINT_EXACT 1e15

int am_sc_add_int(cJSON *o, const char *key, int64_t v)
{
    char buf[24];

    if ((double)v > -SC_PRINT_EXACT && (double)v < SC_PRINT_EXACT)
        return added(cJSON_AddNumberToObject(o, key, (double)v));
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return added(cJSON_AddStringToObject(o, key, buf));
}

/* An integer written by am_sc_add_int: a JSON number, or decimal text. */
static bool read_int(const cJSON *it, int64_t *ret)
{
    double v;
    char *end = NULL;
    long long n;

    if (am_json_integer(it, -SC_EXACT, SC_EXACT, &v)) {
        *ret = (int64_t)v;
        return true;
    }
    if (!cJSON_IsString(it) || !*it->valuestring ||
        strspn(it->valuestring + (it->valuestring[0] == '-'), "0123456789") !=
            strlen(it->valuestring + (it->valuestring[0] == '-')))
        return false;
    errno = 0;
    n = strtoll(it->valuestring, &end, 10);
    /* Only what am_sc_add_int writes as text: "3" stays a type error. */
    if (errno == ERANGE || ((double)n > -SC_PRINT_EXACT && (double)n < SC_PRINT_EXACT))
        return false;
    *ret = n;
    return true;
}

int am_sc_add_bool(cJSON *o, const char *key, bool v)
{
    return added(cJSON_AddBoolToObject(o, key, v));
}

int am_sc_add_day(cJSON *o, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY)
        return added(cJSON_AddNullToObject(o, key));
    if (day < SC_MIN_DAY || day > SC_MAX_DAY)
        return am_sc_add_int(o, key, day);
    am_cal_format_day(day, buf);
    return added(cJSON_AddStringToObject(o, key, buf));
}

int am_sc_add_instant(cJSON *o, const char *key, int64_t t)
{
    char buf[20];

    if (t < SC_MIN_INSTANT || t > SC_MAX_INSTANT)
        return am_sc_add_int(o, key, t);
    am_clock_format_datetime(t, buf);
    return added(cJSON_AddStringToObject(o, key, buf));
}

void am_sc_jw_instant(struct am_jsonw *w, const char *key, int64_t t)
{
    char buf[24];

    if (t >= SC_MIN_INSTANT && t <= SC_MAX_INSTANT) {
        am_clock_format_datetime(t, buf);
        am_jsonw_str(w, key, buf);
    } else if ((double)t > -SC_PRINT_EXACT && (double)t < SC_PRINT_EXACT) {
        am_jsonw_int(w, key, t); /* am_sc_add_int's number */
    } else {
        snprintf(buf, sizeof(buf), "%" PRId64, t); /* and its decimal text */
        am_jsonw_str(w, key, buf);
    }
}

int am_sc_add_instant0(cJSON *o, const char *key, int64_t t)
{
    return t == 0 ? added(cJSON_AddNullToObject(o, key)) : am_sc_add_instant(o, key, t);
}

int am_sc_check_object(const cJSON *o, const char *const *allowed, const char *where, char *err,
                       size_t err_len)
{
    const char *b;
    bool dup = false;

    if (!cJSON_IsObject(o))
        return bad(err, err_len, where, NULL, "must be an object");
    b = am_json_bad_key(o, allowed, &dup);
    if (b)
        return bad(err, err_len, where, NULL, "%s field '%s'", dup ? "repeated" : "unknown", b);
    return 0;
}

int am_sc_get_str(const cJSON *o, const char *key, char **ret, const char *where, char *err,
                  size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    char *copy = NULL;

    if (!it)
        return 0;
    if (!cJSON_IsNull(it)) {
        if (!cJSON_IsString(it))
            return bad(err, err_len, where, key, "must be a string or null");
        copy = strdup(it->valuestring);
        if (!copy)
            return -ENOMEM;
    }
    free(*ret);
    *ret = copy;
    return 0;
}

int am_sc_get_buf(const cJSON *o, const char *key, char *buf, size_t cap, const char *where,
                  char *err, size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return 0;
    if (cJSON_IsNull(it)) {
        buf[0] = '\0';
        return 0;
    }
    if (!cJSON_IsString(it))
        return bad(err, err_len, where, key, "must be a string or null");
    if (strlen(it->valuestring) >= cap)
        return bad(err, err_len, where, key, "longer than %zu characters", cap - 1);
    memcpy(buf, it->valuestring, strlen(it->valuestring) + 1);
    return 0;
}

int am_sc_get_int(const cJSON *o, const char *key, int64_t min, int64_t max, int64_t *ret,
                  const char *where, char *err, size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    int64_t v;

    if (!it)
        return 0;
    if (!read_int(it, &v) || v < min || v > max) {
        /* A JSON number is exact up to 2^53: say so rather than promise INT64_MAX. */
        long long lo = (double)min < -SC_EXACT ? -(long long)SC_EXACT : (long long)min;
        long long hi = (double)max > SC_EXACT ? (long long)SC_EXACT : (long long)max;
        return bad(err, err_len, where, key, "must be an integer in [%lld, %lld]", lo, hi);
    }
    *ret = v;
    return 0;
}

int am_sc_get_bool(const cJSON *o, const char *key, bool *ret, const char *where, char *err,
                   size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return 0;
    if (!cJSON_IsBool(it))
        return bad(err, err_len, where, key, "must be true or false");
    *ret = cJSON_IsTrue(it);
    return 0;
}

int am_sc_get_day(const cJSON *o, const char *key, int64_t *ret, const char *where, char *err,
                  size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return 0;
    if (cJSON_IsNull(it)) {
        *ret = AM_NO_DAY;
        return 0;
    }
    if (read_int(it, ret))
        return 0;
    if (!cJSON_IsString(it) || strlen(it->valuestring) != 10 ||
        am_cal_parse_day(it->valuestring, ret) < 0)
        return bad(err, err_len, where, key, "must be \"YYYY-MM-DD\" or null");
    return 0;
}

static int get_instant(const cJSON *o, const char *key, int64_t *ret, bool null_is_zero,
                       const char *where, char *err, size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return 0;
    if (null_is_zero && cJSON_IsNull(it)) {
        *ret = 0;
        return 0;
    }
    if (read_int(it, ret))
        return 0;
    if (!cJSON_IsString(it) || strlen(it->valuestring) != 19 ||
        am_clock_parse_datetime(it->valuestring, ret) < 0)
        return bad(err, err_len, where, key, "must be \"YYYY-MM-DD HH:MM:SS\"%s",
                   null_is_zero ? " or null" : "");
    return 0;
}

int am_sc_get_instant(const cJSON *o, const char *key, int64_t *ret, const char *where, char *err,
                      size_t err_len)
{
    return get_instant(o, key, ret, false, where, err, err_len);
}

int am_sc_get_instant0(const cJSON *o, const char *key, int64_t *ret, const char *where,
                       char *err, size_t err_len)
{
    return get_instant(o, key, ret, true, where, err, err_len);
}

int am_sc_get_enum(const cJSON *o, const char *key, const char *(*name_of)(int), int count,
                   int *ret, const char *where, char *err, size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return 0;
    if (cJSON_IsString(it)) {
        for (int i = 0; i < count; i++) {
            const char *n = name_of(i);
            if (n && strcmp(n, it->valuestring) == 0) {
                *ret = i;
                return 0;
            }
        }
    }
    return bad(err, err_len, where, key, "must be one of the documented names (e.g. \"%s\")",
               name_of(0) ? name_of(0) : "?");
}

bool am_sc_parse_u64(const cJSON *item, uint64_t *ret)
{
    const char *s;

    if (!cJSON_IsString(item))
        return false;
    s = item->valuestring;
    if (!*s || strlen(s) > 20 || strspn(s, "0123456789") != strlen(s))
        return false;
    errno = 0;
    *ret = strtoull(s, NULL, 10);
    return errno == 0;
}

int am_sc_add_u64(cJSON *o, const char *key, uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return am_sc_add_str(o, key, buf);
}

int am_sc_get_u64(const cJSON *o, const char *key, uint64_t *ret, const char *where, char *err,
                  size_t err_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it || am_sc_parse_u64(it, ret))
        return 0;
    return bad(err, err_len, where, NULL, "%s must be a decimal string of a 64-bit unsigned number",
               key);
}

const char *am_sc_where_index(char *out, size_t out_len, const char *where, size_t i)
{
    snprintf(out, out_len, "%s[%zu]", where, i);
    return out;
}

const char *am_sc_where_key(char *out, size_t out_len, const char *where, const char *key)
{
    snprintf(out, out_len, "%s.%s", where, key);
    return out;
}

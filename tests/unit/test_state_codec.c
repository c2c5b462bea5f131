/* test_state_codec.c - snapshot field codecs: every writer/reader pair round-trips exactly
 * (in-range values as text, out-of-range ones as numbers), readers leave *ret alone when
 * the member is absent, and wrong types/ranges/members give exact "where.key: reason"
 * messages with -EINVAL and *ret untouched. */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>

#include "billing.h"
#include "clock.h"
#include "state_codec.h"

#define W "accounts[0].x"
#define T_2026 INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC = 2025-12-31 21:00:00 BRT */
#define MIN_INSTANT (INT64_C(-2208988800) + 3 * 3600) /* 1900-01-01 00:00:00 BRT */
#define MAX_INSTANT (INT64_C(253402300799) + 3 * 3600) /* 9999-12-31 23:59:59 BRT */
#define MIN_DAY INT64_C(-25567)                        /* 1900-01-01 */
#define MAX_DAY INT64_C(2932896)                       /* 9999-12-31 */
#define DAY_1900 INT64_C(-25567)                       /* 1900-01-01 */
#define INSTANT_1900 (INT64_C(-2208988800) + 3 * 3600) /* 1900-01-01 00:00:00 BRT */

static char *print(const cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);

    assert_non_null(s);
    return s;
}

static void assert_printed(const cJSON *o, const char *want)
{
    char *s = print(o);

    if (strcmp(s, want) != 0) {
        char copy[1024];
        snprintf(copy, sizeof(copy), "%s", s);
        free(s);
        fail_msg("printed\n  %s\nwant\n  %s", copy, want);
    }
    free(s);
}

static cJSON *parse(const char *text)
{
    cJSON *o = cJSON_Parse(text);

    if (!o)
        fail_msg("test JSON does not parse: %s", text);
    return o;
}

/* ---- writers -------------------------------------------------------------------- */

static void test_sc_writers_render_each_kind_exactly(void **state)
{
    cJSON *o = cJSON_CreateObject();

    (void)state;
    assert_int_equal(am_sc_add_str(o, "s", "Jo\u00e3o \"x\""), 0);
    assert_int_equal(am_sc_add_str(o, "n", NULL), 0);
    assert_int_equal(am_sc_add_int(o, "i", -42), 0);
    assert_int_equal(am_sc_add_int(o, "big", INT64_C(999999999999999)), 0);
    assert_int_equal(am_sc_add_bool(o, "t", true), 0);
    assert_int_equal(am_sc_add_bool(o, "f", false), 0);
    assert_int_equal(am_sc_add_day(o, "d", am_days_from_civil(2024, 2, 29)), 0);
    assert_int_equal(am_sc_add_day(o, "dn", AM_NO_DAY), 0);
    assert_int_equal(am_sc_add_instant(o, "at", T_2026), 0);
    assert_int_equal(am_sc_add_instant0(o, "z", 0), 0);
    assert_int_equal(am_sc_add_instant0(o, "nz", T_2026 + 59), 0);
    assert_printed(o, "{\"s\":\"Jo\u00e3o \\\"x\\\"\",\"n\":null,\"i\":-42,"
                      "\"big\":999999999999999,\"t\":true,\"f\":false,\"d\":\"2024-02-29\","
                      "\"dn\":null,\"at\":\"2025-12-31 21:00:00\",\"z\":null,"
                      "\"nz\":\"2025-12-31 21:00:59\"}");
    cJSON_Delete(o);
}

static void test_sc_out_of_range_day_and_instant_are_written_as_numbers(void **state)
{
    cJSON *o = cJSON_CreateObject();

    (void)state;
    assert_int_equal(am_sc_add_day(o, "lo", MIN_DAY), 0);
    assert_int_equal(am_sc_add_day(o, "hi", MAX_DAY), 0);
    assert_int_equal(am_sc_add_day(o, "below", MIN_DAY - 1), 0);
    assert_int_equal(am_sc_add_day(o, "above", MAX_DAY + 1), 0);
    assert_int_equal(am_sc_add_instant(o, "tlo", MIN_INSTANT), 0);
    assert_int_equal(am_sc_add_instant(o, "thi", MAX_INSTANT), 0);
    assert_int_equal(am_sc_add_instant(o, "tbelow", MIN_INSTANT - 1), 0);
    assert_int_equal(am_sc_add_instant(o, "tabove", MAX_INSTANT + 1), 0);
    assert_int_equal(am_sc_add_instant0(o, "t0above", MAX_INSTANT + 1), 0);
    assert_printed(o, "{\"lo\":\"1900-01-01\",\"hi\":\"9999-12-31\",\"below\":-25568,"
                      "\"above\":2932897,\"tlo\":\"1900-01-01 00:00:00\","
                      "\"thi\":\"9999-12-31 23:59:59\",\"tbelow\":-2208978001,"
                      "\"tabove\":253402311600,\"t0above\":253402311600}");
    cJSON_Delete(o);
}

/* Writes each value and reads it back through the matching reader. */
static void test_sc_days_round_trip_including_out_of_range(void **state)
{
    const int64_t days[] = {AM_NO_DAY,   0,           -1,        19782,    DAY_1900,
                            MAX_DAY,     MIN_DAY - 1, MAX_DAY + 1, -50000000, 900000000,
                            INT64_C(-999999999999999)};
    char err[128] = "";

    (void)state;
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        cJSON *o = cJSON_CreateObject();
        char *text;
        cJSON *back;
        int64_t got = 12345;

        assert_int_equal(am_sc_add_day(o, "d", days[i]), 0);
        text = print(o);
        back = parse(text);
        assert_int_equal(am_sc_get_day(back, "d", &got, W, err, sizeof(err)), 0);
        if (got != days[i])
            fail_msg("day %lld came back as %lld via %s", (long long)days[i], (long long)got,
                     text);
        free(text);
        cJSON_Delete(back);
        cJSON_Delete(o);
    }
    assert_string_equal(err, "");
}

static void test_sc_instants_round_trip_including_out_of_range(void **state)
{
    const int64_t ts[] = {1,
                          -1,
                          T_2026,
                          T_2026 + 86399,
                          INSTANT_1900,
                          MAX_INSTANT,
                          MIN_INSTANT - 1,
                          MAX_INSTANT + 1,
                          INT64_C(-999999999999999),
                          INT64_C(999999999999999)};
    char err[128] = "";

    (void)state;
    for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        cJSON *o = cJSON_CreateObject();
        char *text;
        cJSON *back;
        int64_t got = 777, got0 = 777;

        assert_int_equal(am_sc_add_instant(o, "t", ts[i]), 0);
        assert_int_equal(am_sc_add_instant0(o, "t0", ts[i]), 0);
        text = print(o);
        back = parse(text);
        assert_int_equal(am_sc_get_instant(back, "t", &got, W, err, sizeof(err)), 0);
        assert_int_equal(am_sc_get_instant0(back, "t0", &got0, W, err, sizeof(err)), 0);
        if (got != ts[i] || got0 != ts[i])
            fail_msg("instant %lld came back as %lld / %lld via %s", (long long)ts[i],
                     (long long)got, (long long)got0, text);
        free(text);
        cJSON_Delete(back);
        cJSON_Delete(o);
    }
    assert_string_equal(err, "");
}

/* state_codec.h promises exact integers for |v| < 2^53; cJSON prints with %1.15g and a
 * loose comparison, which rounds 16-digit values such as 2^53 - 1. */
static void test_sc_add_int_is_exact_up_to_2_pow_53(void **state)
{
    const int64_t vals[] = {INT64_C(9007199254740991), INT64_C(-9007199254740991),
                            INT64_C(4503599627370497), INT64_C(1000000000000001)};
    char err[128] = "", msg[256] = "";

    (void)state;
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        cJSON *o = cJSON_CreateObject();
        char *text;
        cJSON *back;
        int64_t got = 0, t = 0;

        assert_int_equal(am_sc_add_int(o, "i", vals[i]), 0);
        assert_int_equal(am_sc_add_instant(o, "t", vals[i]), 0);
        text = print(o);
        back = parse(text);
        assert_int_equal(am_sc_get_int(back, "i", INT64_MIN, INT64_MAX, &got, W, err,
                                       sizeof(err)), 0);
        assert_int_equal(am_sc_get_instant(back, "t", &t, W, err, sizeof(err)), 0);
        if (!msg[0] && (got != vals[i] || t != vals[i]))
            snprintf(msg, sizeof(msg), "%lld came back as %lld / %lld via %s",
                     (long long)vals[i], (long long)got, (long long)t, text);
        free(text);
        cJSON_Delete(back);
        cJSON_Delete(o);
    }
    if (msg[0])
        fail_msg("%s", msg);
}

/* Years 0001..1899 are written as text (in the writers' range), so the readers must
 * take them back. */
static void test_sc_days_and_instants_before_1900_round_trip(void **state)
{
    const int64_t days[] = {MIN_DAY, DAY_1900 - 1};
    const int64_t ts[] = {MIN_INSTANT, INSTANT_1900 - 1};
    char err[128] = "", msg[256] = "";

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        cJSON *o = cJSON_CreateObject();
        char *text;
        cJSON *back;
        int64_t d = 0, t = 0;

        assert_int_equal(am_sc_add_day(o, "d", days[i]), 0);
        assert_int_equal(am_sc_add_instant(o, "t", ts[i]), 0);
        text = print(o);
        back = parse(text);
        err[0] = '\0';
        if (!msg[0] && (am_sc_get_day(back, "d", &d, W, err, sizeof(err)) != 0 ||
                        am_sc_get_instant(back, "t", &t, W, err, sizeof(err)) != 0 ||
                        d != days[i] || t != ts[i]))
            snprintf(msg, sizeof(msg), "%s did not come back (%s)", text, err);
        free(text);
        cJSON_Delete(back);
        cJSON_Delete(o);
    }
    if (msg[0])
        fail_msg("%s", msg);
}

static void test_sc_instant0_zero_is_null_and_reads_back_as_zero(void **state)
{
    cJSON *o = cJSON_CreateObject();
    char err[128] = "";
    int64_t t = 99;

    (void)state;
    assert_int_equal(am_sc_add_instant0(o, "k", 0), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "k")));
    assert_int_equal(am_sc_get_instant0(o, "k", &t, W, err, sizeof(err)), 0);
    assert_int_equal(t, 0);
    /* The plain reader refuses null: a required instant. */
    t = 99;
    assert_int_equal(am_sc_get_instant(o, "k", &t, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".k: must be \"YYYY-MM-DD HH:MM:SS\"");
    assert_int_equal(t, 99);
    cJSON_Delete(o);
}

static void test_sc_int_str_bool_buf_round_trip(void **state)
{
    cJSON *o = cJSON_CreateObject(), *back;
    char err[128] = "", buf[8] = "old", *s = NULL, *n = strdup("previous");
    char *text;
    int64_t i = 0, neg = 0;
    bool b = false, f = true;

    (void)state;
    assert_int_equal(am_sc_add_int(o, "i", INT64_C(-999999999999999)), 0);
    assert_int_equal(am_sc_add_int(o, "neg", -3), 0);
    assert_int_equal(am_sc_add_str(o, "s", "a\tb\u00e7"), 0);
    assert_int_equal(am_sc_add_str(o, "n", NULL), 0);
    assert_int_equal(am_sc_add_str(o, "buf", "1234567"), 0);
    assert_int_equal(am_sc_add_bool(o, "b", true), 0);
    assert_int_equal(am_sc_add_bool(o, "f", false), 0);
    text = print(o);
    back = parse(text);
    assert_int_equal(am_sc_get_int(back, "i", INT64_MIN, INT64_MAX, &i, W, err, sizeof(err)), 0);
    assert_int_equal(i, INT64_C(-999999999999999));
    assert_int_equal(am_sc_get_int(back, "neg", -3, -3, &neg, W, err, sizeof(err)), 0);
    assert_int_equal(neg, -3);
    assert_int_equal(am_sc_get_str(back, "s", &s, W, err, sizeof(err)), 0);
    assert_string_equal(s, "a\tb\u00e7");
    /* null replaces (and frees) what *ret held. */
    assert_int_equal(am_sc_get_str(back, "n", &n, W, err, sizeof(err)), 0);
    assert_null(n);
    assert_int_equal(am_sc_get_buf(back, "buf", buf, sizeof(buf), W, err, sizeof(err)), 0);
    assert_string_equal(buf, "1234567");
    assert_int_equal(am_sc_get_buf(back, "n", buf, sizeof(buf), W, err, sizeof(err)), 0);
    assert_string_equal(buf, "");
    assert_int_equal(am_sc_get_bool(back, "b", &b, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_bool(back, "f", &f, W, err, sizeof(err)), 0);
    assert_true(b);
    assert_false(f);
    assert_string_equal(err, "");
    free(s);
    free(text);
    cJSON_Delete(back);
    cJSON_Delete(o);
}

/* ---- enums ---------------------------------------------------------------------- */

static const char *color_name(int i)
{
    static const char *const names[] = {"RED", "GREEN", NULL, "BLUE"};

    return i >= 0 && i < 4 ? names[i] : NULL;
}

static void test_sc_enum_reads_by_name(void **state)
{
    cJSON *o = parse("{\"a\":\"RED\",\"b\":\"BLUE\",\"c\":\"GREEN\"}");
    char err[128] = "";
    int v = -1;

    (void)state;
    assert_int_equal(am_sc_get_enum(o, "a", color_name, 4, &v, W, err, sizeof(err)), 0);
    assert_int_equal(v, 0);
    /* A NULL name in the middle (a gap in the enum) is skipped, not a crash. */
    assert_int_equal(am_sc_get_enum(o, "b", color_name, 4, &v, W, err, sizeof(err)), 0);
    assert_int_equal(v, 3);
    assert_int_equal(am_sc_get_enum(o, "c", color_name, 4, &v, W, err, sizeof(err)), 0);
    assert_int_equal(v, 1);
    v = 42;
    assert_int_equal(am_sc_get_enum(o, "absent", color_name, 4, &v, W, err, sizeof(err)), 0);
    assert_int_equal(v, 42);
    assert_string_equal(err, "");
    cJSON_Delete(o);
}

static void test_sc_enum_rejects_unknown_name_case_and_non_string(void **state)
{
    cJSON *o = parse("{\"a\":\"PURPLE\",\"b\":\"red\",\"c\":1,\"d\":null,\"e\":\"BLUE\"}");
    const char *bad[] = {"a", "b", "c", "d"};
    char err[128];
    int v;

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        v = 7;
        err[0] = '\0';
        assert_int_equal(am_sc_get_enum(o, bad[i], color_name, 4, &v, W, err, sizeof(err)),
                         -EINVAL);
        assert_int_equal(v, 7);
        char want[128];
        snprintf(want, sizeof(want),
                 W ".%s: must be one of the documented names (e.g. \"RED\")", bad[i]);
        assert_string_equal(err, want);
    }
    /* count limits the names looked at: BLUE is index 3, outside count 3. */
    v = 7;
    assert_int_equal(am_sc_get_enum(o, "e", color_name, 3, &v, W, err, sizeof(err)), -EINVAL);
    assert_int_equal(v, 7);
    cJSON_Delete(o);
}

/* ---- absent members ------------------------------------------------------------- */

static void test_sc_readers_leave_ret_untouched_when_absent(void **state)
{
    cJSON *o = parse("{\"other\":1}");
    char err[64] = "", buf[8] = "keep", *s = strdup("keep");
    int64_t i = 5, d = 6, t = 7, t0 = 8;
    bool b = true;
    int e = 9;

    (void)state;
    assert_int_equal(am_sc_get_str(o, "k", &s, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_buf(o, "k", buf, sizeof(buf), W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_int(o, "k", 0, 10, &i, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_bool(o, "k", &b, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_day(o, "k", &d, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_instant(o, "k", &t, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_instant0(o, "k", &t0, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_get_enum(o, "k", color_name, 4, &e, W, err, sizeof(err)), 0);
    assert_string_equal(s, "keep");
    assert_string_equal(buf, "keep");
    assert_int_equal(i, 5);
    assert_true(b);
    assert_int_equal(d, 6);
    assert_int_equal(t, 7);
    assert_int_equal(t0, 8);
    assert_int_equal(e, 9);
    assert_string_equal(err, "");
    /* Keys are case-sensitive: "K" is not "k". */
    cJSON_Delete(o);
    o = parse("{\"K\":3}");
    assert_int_equal(am_sc_get_int(o, "k", 0, 10, &i, W, err, sizeof(err)), 0);
    assert_int_equal(i, 5);
    free(s);
    cJSON_Delete(o);
}

/* ---- wrong types and ranges ----------------------------------------------------- */

static void test_sc_str_and_buf_reject_non_strings_and_overlong(void **state)
{
    cJSON *o = parse("{\"num\":1,\"arr\":[],\"long\":\"12345678\",\"fits\":\"1234567\"}");
    char err[128], buf[8] = "keep", *s = strdup("keep");

    (void)state;
    assert_int_equal(am_sc_get_str(o, "num", &s, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".num: must be a string or null");
    assert_int_equal(am_sc_get_str(o, "arr", &s, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".arr: must be a string or null");
    assert_string_equal(s, "keep");
    assert_int_equal(am_sc_get_buf(o, "num", buf, sizeof(buf), W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".num: must be a string or null");
    assert_int_equal(am_sc_get_buf(o, "long", buf, sizeof(buf), W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".long: longer than 7 characters");
    assert_string_equal(buf, "keep");
    assert_int_equal(am_sc_get_buf(o, "fits", buf, sizeof(buf), W, err, sizeof(err)), 0);
    assert_string_equal(buf, "1234567");
    free(s);
    cJSON_Delete(o);
}

static void test_sc_int_rejects_fractions_strings_and_out_of_range(void **state)
{
    cJSON *o = parse("{\"frac\":1.5,\"str\":\"3\",\"hi\":11,\"lo\":-1,\"null\":null,"
                     "\"huge\":9007199254740992,\"edge\":10}");
    char err[128];
    int64_t v = 77;

    (void)state;
    assert_int_equal(am_sc_get_int(o, "frac", 0, 10, &v, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".frac: must be an integer in [0, 10]");
    assert_int_equal(am_sc_get_int(o, "str", 0, 10, &v, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".str: must be an integer in [0, 10]");
    assert_int_equal(am_sc_get_int(o, "hi", 0, 10, &v, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".hi: must be an integer in [0, 10]");
    assert_int_equal(am_sc_get_int(o, "lo", 0, 10, &v, W, err, sizeof(err)), -EINVAL);
    assert_int_equal(am_sc_get_int(o, "null", 0, 10, &v, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ".null: must be an integer in [0, 10]");
    /* Bounds wider than a double carries exactly are clamped to +-(2^53 - 1). */
    assert_int_equal(am_sc_get_int(o, "huge", INT64_MIN, INT64_MAX, &v, W, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, W ".huge: must be an integer in [-9007199254740991, "
                               "9007199254740991]");
    assert_int_equal(v, 77);
    assert_int_equal(am_sc_get_int(o, "edge", 0, 10, &v, W, err, sizeof(err)), 0);
    assert_int_equal(v, 10);
    cJSON_Delete(o);
}

static void test_sc_bool_rejects_non_booleans(void **state)
{
    cJSON *o = parse("{\"n\":0,\"s\":\"true\",\"z\":null}");
    const char *keys[] = {"n", "s", "z"};
    char err[128], want[128];
    bool b = true;

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(am_sc_get_bool(o, keys[i], &b, W, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), W ".%s: must be true or false", keys[i]);
        assert_string_equal(err, want);
        assert_true(b);
    }
    cJSON_Delete(o);
}

static void test_sc_day_rejects_bad_dates(void **state)
{
    cJSON *o = parse("{\"a\":\"2024-02-30\",\"b\":\"2024-2-3\",\"c\":\"2024-02-29 00:00:00\","
                     "\"d\":true,\"e\":1.5,\"f\":\"\",\"g\":\"2024-13-01\"}");
    const char *keys[] = {"a", "b", "c", "d", "e", "f", "g"};
    char err[128], want[128];
    int64_t d = 5;

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        assert_int_equal(am_sc_get_day(o, keys[i], &d, W, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), W ".%s: must be \"YYYY-MM-DD\" or null", keys[i]);
        assert_string_equal(err, want);
        assert_int_equal(d, 5);
    }
    cJSON_Delete(o);
}

static void test_sc_instant_rejects_bad_instants(void **state)
{
    cJSON *o = parse("{\"a\":\"2025-12-31\",\"b\":\"2025-12-31 24:00:00\",\"c\":\"x\","
                     "\"d\":false,\"e\":0.5,\"f\":\"2025-12-31T21:00:00\",\"g\":{}}");
    const char *keys[] = {"a", "b", "c", "d", "e", "f", "g"};
    char err[128], want[128];
    int64_t t = 5, t0 = 6;

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        assert_int_equal(am_sc_get_instant(o, keys[i], &t, W, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), W ".%s: must be \"YYYY-MM-DD HH:MM:SS\"", keys[i]);
        assert_string_equal(err, want);
        assert_int_equal(am_sc_get_instant0(o, keys[i], &t0, W, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), W ".%s: must be \"YYYY-MM-DD HH:MM:SS\" or null", keys[i]);
        assert_string_equal(err, want);
        assert_int_equal(t, 5);
        assert_int_equal(t0, 6);
    }
    cJSON_Delete(o);
}

/* ---- members -------------------------------------------------------------------- */

static void test_sc_check_object_accepts_known_unique_members(void **state)
{
    static const char *const allowed[] = {"id", "name", NULL};
    cJSON *o = parse("{\"name\":\"x\",\"id\":\"y\"}");
    cJSON *empty = parse("{}");
    char err[128] = "";

    (void)state;
    assert_int_equal(am_sc_check_object(o, allowed, W, err, sizeof(err)), 0);
    assert_int_equal(am_sc_check_object(empty, allowed, W, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    cJSON_Delete(o);
    cJSON_Delete(empty);
}

static void test_sc_check_object_rejects_unknown_repeated_and_non_objects(void **state)
{
    static const char *const allowed[] = {"id", "name", NULL};
    cJSON *unknown = parse("{\"id\":\"y\",\"Name\":\"x\"}");
    cJSON *repeated = parse("{\"id\":\"y\",\"name\":\"x\",\"id\":\"z\"}");
    cJSON *arr = parse("[]");
    cJSON *str = parse("\"{}\"");
    char err[128];

    (void)state;
    assert_int_equal(am_sc_check_object(unknown, allowed, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ": unknown field 'Name'");
    assert_int_equal(am_sc_check_object(repeated, allowed, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ": repeated field 'id'");
    assert_int_equal(am_sc_check_object(arr, allowed, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ": must be an object");
    assert_int_equal(am_sc_check_object(str, allowed, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ": must be an object");
    assert_int_equal(am_sc_check_object(NULL, allowed, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, W ": must be an object");
    cJSON_Delete(unknown);
    cJSON_Delete(repeated);
    cJSON_Delete(arr);
    cJSON_Delete(str);
}

static void test_sc_error_message_is_truncated_to_err_len(void **state)
{
    cJSON *o = parse("{\"flag\":1}");
    char err[8];
    bool b = false;

    (void)state;
    memset(err, 'X', sizeof(err));
    assert_int_equal(am_sc_get_bool(o, "flag", &b, W, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "account");
    cJSON_Delete(o);
}

static void test_sc_where_helpers_compose_paths(void **state)
{
    char a[64], b[64], small[6];

    (void)state;
    assert_ptr_equal(am_sc_where_index(a, sizeof(a), "accounts", 12), a);
    assert_string_equal(a, "accounts[12]");
    assert_ptr_equal(am_sc_where_key(b, sizeof(b), a, "data"), b);
    assert_string_equal(b, "accounts[12].data");
    assert_string_equal(am_sc_where_key(small, sizeof(small), "abc", "def"), "abc.d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc_writers_render_each_kind_exactly),
        cmocka_unit_test(test_sc_out_of_range_day_and_instant_are_written_as_numbers),
        cmocka_unit_test(test_sc_days_round_trip_including_out_of_range),
        cmocka_unit_test(test_sc_instants_round_trip_including_out_of_range),
        cmocka_unit_test(test_sc_add_int_is_exact_up_to_2_pow_53),
        cmocka_unit_test(test_sc_days_and_instants_before_1900_round_trip),
        cmocka_unit_test(test_sc_instant0_zero_is_null_and_reads_back_as_zero),
        cmocka_unit_test(test_sc_int_str_bool_buf_round_trip),
        cmocka_unit_test(test_sc_enum_reads_by_name),
        cmocka_unit_test(test_sc_enum_rejects_unknown_name_case_and_non_string),
        cmocka_unit_test(test_sc_readers_leave_ret_untouched_when_absent),
        cmocka_unit_test(test_sc_str_and_buf_reject_non_strings_and_overlong),
        cmocka_unit_test(test_sc_int_rejects_fractions_strings_and_out_of_range),
        cmocka_unit_test(test_sc_bool_rejects_non_booleans),
        cmocka_unit_test(test_sc_day_rejects_bad_dates),
        cmocka_unit_test(test_sc_instant_rejects_bad_instants),
        cmocka_unit_test(test_sc_check_object_accepts_known_unique_members),
        cmocka_unit_test(test_sc_check_object_rejects_unknown_repeated_and_non_objects),
        cmocka_unit_test(test_sc_error_message_is_truncated_to_err_len),
        cmocka_unit_test(test_sc_where_helpers_compose_paths),
    };

    return cmocka_run_group_tests_name("state_codec", tests, NULL, NULL);
}

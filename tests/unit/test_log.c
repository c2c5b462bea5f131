/* test_log.c - the log sink, level filter and am_log_quote's escaping/truncation. */
#include "test_helpers.h"

#include <ctype.h>
#include <stdbool.h>

#include "log.h"

#define MAX_LINES 16

struct capture {
    int n;
    enum am_log_level levels[MAX_LINES];
    char lines[MAX_LINES][2100];
};

static void capture_sink(enum am_log_level level, const char *line, void *userdata)
{
    struct capture *c = userdata;

    if (c->n < MAX_LINES) {
        c->levels[c->n] = level;
        snprintf(c->lines[c->n], sizeof(c->lines[c->n]), "%s", line);
    }
    c->n++;
}

static int setup_capture(void **state)
{
    struct capture *c = calloc(1, sizeof(*c));

    if (!c)
        return -1;
    am_log_set_sink(capture_sink, c);
    am_log_set_level(AM_LOG_INFO);
    *state = c;
    return 0;
}

static int teardown_capture(void **state)
{
    am_log_set_sink(NULL, NULL);
    am_log_set_level(AM_LOG_INFO);
    free(*state);
    return 0;
}

/* "ts=YYYY-MM-DDTHH:MM:SS.mmmZ " then the rest. */
static const char *after_timestamp(const char *line)
{
    static const char shape[] = "ts=dddd-dd-ddTdd:dd:dd.dddZ ";

    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'd' ? !isdigit((unsigned char)line[i]) : line[i] != shape[i])
            fail_msg("line does not start with a timestamp: '%s'", line);
    }
    return line + sizeof(shape) - 1;
}

static void test_log_sink_receives_formatted_line(void **state)
{
    struct capture *c = *state;

    am_log(AM_LOG_INFO, "request", "status=%d path=%s", 200, "/v3/customers");
    am_log(AM_LOG_WARN, "alert", "%s", "ip=1.2.3.4");
    am_log(AM_LOG_ERROR, "boom", NULL);
    assert_int_equal(c->n, 3);
    assert_int_equal(c->levels[0], AM_LOG_INFO);
    assert_string_equal(after_timestamp(c->lines[0]),
                        "level=info msg=request status=200 path=/v3/customers");
    assert_int_equal(c->levels[1], AM_LOG_WARN);
    assert_string_equal(after_timestamp(c->lines[1]), "level=warn msg=alert ip=1.2.3.4");
    assert_int_equal(c->levels[2], AM_LOG_ERROR);
    /* No fields (NULL format): no trailing space. */
    assert_string_equal(after_timestamp(c->lines[2]), "level=error msg=boom");
}

static void test_log_level_filter(void **state)
{
    struct capture *c = *state;

    am_log(AM_LOG_DEBUG, "hidden", "a=1");
    assert_int_equal(c->n, 0);
    am_log_set_level(AM_LOG_DEBUG);
    am_log(AM_LOG_DEBUG, "shown", "a=1");
    assert_int_equal(c->n, 1);
    assert_string_equal(after_timestamp(c->lines[0]), "level=debug msg=shown a=1");
    am_log_set_level(AM_LOG_WARN);
    am_log(AM_LOG_INFO, "hidden", "a=2");
    am_log(AM_LOG_DEBUG, "hidden", "a=3");
    assert_int_equal(c->n, 1);
    am_log(AM_LOG_WARN, "w", "a=4");
    am_log(AM_LOG_ERROR, "e", "a=5");
    assert_int_equal(c->n, 3);
    am_log_set_level(AM_LOG_ERROR);
    am_log(AM_LOG_WARN, "hidden", "a=6");
    assert_int_equal(c->n, 3);
}

static void test_log_parse_level(void **state)
{
    enum am_log_level l = AM_LOG_ERROR;

    (void)state;
    assert_int_equal(am_log_parse_level("debug", &l), 0);
    assert_int_equal(l, AM_LOG_DEBUG);
    assert_int_equal(am_log_parse_level("INFO", &l), 0);
    assert_int_equal(l, AM_LOG_INFO);
    assert_int_equal(am_log_parse_level("Warn", &l), 0);
    assert_int_equal(l, AM_LOG_WARN);
    assert_int_equal(am_log_parse_level("error", &l), 0);
    assert_int_equal(l, AM_LOG_ERROR);
    assert_int_equal(am_log_parse_level("verbose", &l), -1);
    assert_int_equal(am_log_parse_level("", &l), -1);
    assert_int_equal(am_log_parse_level("warning", &l), -1);
    assert_int_equal(l, AM_LOG_ERROR);
}

static void test_log_very_long_line_is_truncated_not_overflowed(void **state)
{
    struct capture *c = *state;
    char *big = malloc(5000);

    assert_non_null(big);
    memset(big, 'v', 4999);
    big[4999] = '\0';
    am_log(AM_LOG_INFO, "big", "value=%s", big);
    free(big);
    assert_int_equal(c->n, 1);
    assert_true(strlen(c->lines[0]) <= 2047);
    assert_true(strlen(c->lines[0]) > 2000);
    assert_non_null(strstr(c->lines[0], " level=info msg=big value=vvvv"));
    assert_null(strchr(c->lines[0], '\n'));
}

static const char *quote(const char *v, size_t n)
{
    static char out[512];

    assert_true(n <= sizeof(out));
    return am_log_quote(v, out, n);
}

static void test_log_quote_plain_values_unchanged(void **state)
{
    (void)state;
    assert_string_equal(quote("127.0.0.1", 64), "127.0.0.1");
    assert_string_equal(quote("/v3/customers?offset", 64), "/v3/customers?offset");
    assert_string_equal(quote("curl/8.1", 64), "curl/8.1");
    assert_string_equal(quote("a'b", 64), "a'b");
}

static void test_log_quote_wraps_and_escapes(void **state)
{
    (void)state;
    assert_string_equal(quote("a b", 64), "\"a b\"");
    assert_string_equal(quote("Mozilla/5.0 (X11)", 64), "\"Mozilla/5.0 (X11)\"");
    assert_string_equal(quote("a=b", 64), "\"a=b\"");
    assert_string_equal(quote("/v3/customers?offset=0", 64), "\"/v3/customers?offset=0\"");
    assert_string_equal(quote("say \"hi\"", 64), "\"say \\\"hi\\\"\"");
    assert_string_equal(quote("back\\slash", 64), "\"back\\\\slash\"");
    assert_string_equal(quote("", 64), "\"\"");
    assert_string_equal(quote(NULL, 64), "\"\"");
}

static void test_log_quote_escapes_control_and_high_bytes(void **state)
{
    (void)state;
    assert_string_equal(quote("a\nb", 64), "a\\x0ab");
    assert_string_equal(quote("a\r\nlevel=error msg=forged", 64),
                        "\"a\\x0d\\x0alevel=error msg=forged\"");
    assert_string_equal(quote("\t", 64), "\\x09");
    assert_string_equal(quote("\x7f", 64), "\\x7f");
    assert_string_equal(quote("\x1b[31m", 64), "\\x1b[31m");
    assert_string_equal(quote("n\xc3\xa3o", 64), "n\\xc3\\xa3o");
    assert_string_equal(quote("\xff", 64), "\\xff");
}

/* Checks out is a well-formed token: NUL-terminated within out_len, no raw control or
 * high bytes, every backslash starts a complete escape, quotes balanced. */
static void check_token(const char *out, size_t out_len, const char *input)
{
    size_t len = strnlen(out, out_len), end;
    bool quoted;

    if (len >= out_len)
        fail_msg("not NUL-terminated within %zu bytes", out_len);
    quoted = len > 0 && out[0] == '"';
    if (quoted && (len < 2 || out[len - 1] != '"'))
        fail_msg("unbalanced quotes in '%s' (out_len %zu)", out, out_len);
    end = quoted ? len - 1 : len;
    for (size_t i = quoted ? 1 : 0; i < end; i++) {
        unsigned char ch = (unsigned char)out[i];

        if (ch < 0x20 || ch >= 0x7f)
            fail_msg("raw byte 0x%02x in output for input of %zu bytes", ch, strlen(input));
        if (ch == '"')
            fail_msg("unescaped quote in '%s'", out);
        if (ch == '\\') {
            if (i + 1 >= end)
                fail_msg("dangling backslash in '%s' (out_len %zu)", out, out_len);
            if (out[i + 1] == '"' || out[i + 1] == '\\') {
                i++;
            } else if (out[i + 1] == 'x' && i + 3 < end &&
                       isxdigit((unsigned char)out[i + 2]) &&
                       isxdigit((unsigned char)out[i + 3])) {
                i += 3;
            } else {
                fail_msg("broken escape in '%s' (out_len %zu)", out, out_len);
            }
        }
    }
    if (!quoted && len > 0 && (strchr(out, ' ') || strchr(out, '=')))
        fail_msg("unquoted value with space or '=': '%s'", out);
}

static void test_log_quote_never_emits_raw_newline_any_byte(void **state)
{
    char in[8], out[64];

    (void)state;
    for (int b = 1; b < 256; b++) {
        snprintf(in, sizeof(in), "a%cb", b);
        am_log_quote(in, out, sizeof(out));
        check_token(out, sizeof(out), in);
        assert_null(strchr(out, '\n'));
        assert_null(strchr(out, '\r'));
    }
}

static void test_log_quote_truncation_is_safe_for_tiny_buffers(void **state)
{
    static const char *const inputs[] = {
        "plain-value-that-is-long",
        "with spaces and \"quotes\" and \\back",
        "\n\n\n\n\n\n\n\n\n\n",
        "a\x01\x02\x03\x04\x05\x06",
        "\"\"\"\"\"\"\"\"",
        "\\\\\\\\\\\\\\\\",
        "k=v k=v k=v",
        "",
    };
    char buf[48];

    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t n = 1; n <= 40; n++) {
            memset(buf, '#', sizeof(buf));
            const char *r = am_log_quote(inputs[i], buf, n);
            assert_ptr_equal(r, buf);
            check_token(buf, n, inputs[i]);
            /* Nothing written past out_len. */
            for (size_t k = n; k < sizeof(buf); k++)
                assert_int_equal(buf[k], '#');
        }
    }
    /* out_len 0 writes nothing at all. */
    memset(buf, '#', sizeof(buf));
    am_log_quote("x", buf, 0);
    assert_int_equal(buf[0], '#');
    /* Below 4 bytes the result is empty. */
    am_log_quote("abc", buf, 3);
    assert_string_equal(buf, "");
}

/* The memcpy-built line says exactly what am_log() says (after the timestamp's millis,
 * which may differ between the two calls), truncation included. */
static void test_logline_matches_am_log(void **state)
{
    struct capture *c = *state;
    struct am_logline l;
    char big[3000];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (int round = 0; round < 2; round++) {
        const char *v = round ? big : "abc";

        c->n = 0;
        am_log(AM_LOG_INFO, "request", "a=%s n=%d u=%llu z=%lld", v, -42, 18446744073709551615ULL,
               0LL);
        assert_true(am_logline_begin(&l, AM_LOG_INFO, "request"));
        am_logline_str(&l, "a", v);
        am_logline_int(&l, "n", -42);
        am_logline_u64(&l, "u", 18446744073709551615ULL);
        am_logline_int(&l, "z", 0);
        am_logline_end(&l);
        assert_int_equal(c->n, 2);
        assert_int_equal(strlen(c->lines[0]), strlen(c->lines[1]));
        /* "ts=YYYY-MM-DDTHH:MM:SS.mmm" is 26 bytes; the rest is identical */
        assert_string_equal(c->lines[0] + 26, c->lines[1] + 26);
        assert_memory_equal(c->lines[0], c->lines[1], 19);
    }
    am_log_set_level(AM_LOG_WARN);
    assert_false(am_logline_begin(&l, AM_LOG_INFO, "request"));
}

/* am_log_quote as it was built first (character by character, snprintf for escapes): the
 * reference the fast path must match byte for byte. */
static const char *reference_quote(const char *value, char *out, size_t out_len)
{
    bool quote = false;
    size_t o = 0;

    if (out_len < 4) {
        if (out_len)
            out[0] = '\0';
        return out;
    }
    for (const char *p = value; *p; p++) {
        if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\')
            quote = true;
    }
    if (!*value)
        quote = true;
    if (quote)
        out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        char tmp[5];
        size_t len;

        if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            tmp[0] = (char)*p;
            len = 1;
        } else if (*p == '"' || *p == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)*p;
            len = 2;
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
            len = 4;
        }
        if (o + len + 2 >= out_len)
            break;
        memcpy(out + o, tmp, len);
        o += len;
    }
    if (quote)
        out[o++] = '"';
    out[o] = '\0';
    return out;
}

static void test_log_quote_matches_reference(void **state)
{
    static const char *const inputs[] = {
        "", "a", "/v3/customers/cus_000000000001", "127.0.0.1", "::1", "with space",
        "k=v", "q\"uote", "back\\slash", "tab\there", "\x7f\x80\xff", "caf\xc3\xa9",
        "=", " ", "a-very-long-plain-value-that-will-be-cut-somewhere-0123456789",
        "long value with spaces that will be cut somewhere too 0123456789",
    };
    char got[80], want[80];

    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t n = 0; n <= sizeof(got); n++) {
            memset(got, '#', sizeof(got));
            memset(want, '#', sizeof(want));
            am_log_quote(inputs[i], got, n);
            reference_quote(inputs[i], want, n);
            assert_memory_equal(got, want, sizeof(got));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_quote_matches_reference),
        cmocka_unit_test_setup_teardown(test_log_sink_receives_formatted_line, setup_capture,
                                        teardown_capture),
        cmocka_unit_test_setup_teardown(test_log_level_filter, setup_capture, teardown_capture),
        cmocka_unit_test(test_log_parse_level),
        cmocka_unit_test_setup_teardown(test_logline_matches_am_log, setup_capture,
                                        teardown_capture),
        cmocka_unit_test_setup_teardown(test_log_very_long_line_is_truncated_not_overflowed,
                                        setup_capture, teardown_capture),
        cmocka_unit_test(test_log_quote_plain_values_unchanged),
        cmocka_unit_test(test_log_quote_wraps_and_escapes),
        cmocka_unit_test(test_log_quote_escapes_control_and_high_bytes),
        cmocka_unit_test(test_log_quote_never_emits_raw_newline_any_byte),
        cmocka_unit_test(test_log_quote_truncation_is_safe_for_tiny_buffers),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}

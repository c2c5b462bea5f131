/* test_keys.c - key shapes, environment match, redaction and generation. */
#include "test_helpers.h"

#include <ctype.h>
#include <errno.h>

#include <cjson/cJSON.h>

#include "keys.h"

#define SB_KEY "$aact_hmlg_000YTU5YTA1X3B5T7C9YZabcdef0123456789+/=="
#define PROD_KEY "$aact_prod_000YTU5YTE0M2M2N2I4MTabcdef0123456789+/9f3a"
#define LEGACY_KEY                                                                                \
    "$aact_YTU5YTE0M2M2N2I4MTliZGYxYTZkNzgzMmQ1OGJlNTMwMTc6OjAwMDAwMDAwMDAwMDAwNjI4OTY6OiRhYWNo" \
    "XzE5ZDcxMzRmLTAzOWUtNDhkZi05YmE1LWU1MDhiZmI0Nzk4Mw=="

static void test_keys_classifies_sandbox_production_and_legacy(void **state)
{
    (void)state;
    assert_int_equal(am_key_classify(SB_KEY), AM_KEY_SHAPE_SANDBOX);
    assert_int_equal(am_key_classify(PROD_KEY), AM_KEY_SHAPE_PRODUCTION);
    assert_int_equal(am_key_classify(LEGACY_KEY), AM_KEY_SHAPE_LEGACY);
    /* URL-safe base64 characters are accepted too. */
    assert_int_equal(am_key_classify("$aact_hmlg_abc-def_ghi-jkl_mn"), AM_KEY_SHAPE_SANDBOX);
}

static void test_keys_rejects_bearer_prefix(void **state)
{
    (void)state;
    assert_int_equal(am_key_classify("Bearer " SB_KEY), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("bearer" SB_KEY), AM_KEY_SHAPE_INVALID);
}

static void test_keys_rejects_surrounding_spaces_and_quotes(void **state)
{
    (void)state;
    assert_int_equal(am_key_classify(" " SB_KEY), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify(SB_KEY " "), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify(SB_KEY "\t"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("\"" SB_KEY "\""), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("'" SB_KEY "'"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_000YTU5YTA1X3B5 T7C9YZ"), AM_KEY_SHAPE_INVALID);
}

static void test_keys_rejects_other_shapes(void **state)
{
    (void)state;
    assert_int_equal(am_key_classify(NULL), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify(""), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("aact_hmlg_000YTU5YTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$AACT_hmlg_000YTU5YTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aach_000YTU5YTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_000YTU5\nYTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_000YTU5%YTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_000YTU5\xc3\xa9YTA1X3B5T7C9"),
                     AM_KEY_SHAPE_INVALID);
    /* Shell interpolation ate the "$aact" part. */
    assert_int_equal(am_key_classify("_hmlg_000YTU5YTA1X3B5T7C9YZ"), AM_KEY_SHAPE_INVALID);
}

static void test_keys_requires_sixteen_body_characters(void **state)
{
    (void)state;
    assert_int_equal(am_key_classify("$aact_hmlg_0123456789abcde"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_hmlg_0123456789abcdef"), AM_KEY_SHAPE_SANDBOX);
    assert_int_equal(am_key_classify("$aact_prod_0123456789abcde"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_prod_0123456789abcdef"), AM_KEY_SHAPE_PRODUCTION);
    assert_int_equal(am_key_classify("$aact_0123456789abcde"), AM_KEY_SHAPE_INVALID);
    assert_int_equal(am_key_classify("$aact_0123456789abcdef"), AM_KEY_SHAPE_LEGACY);
}

static void test_keys_limits_total_length(void **state)
{
    char buf[AM_KEY_MAX_LEN + 2];

    (void)state;
    memcpy(buf, "$aact_hmlg_", 11);
    memset(buf + 11, 'A', AM_KEY_MAX_LEN - 11);
    buf[AM_KEY_MAX_LEN] = '\0';
    assert_int_equal(strlen(buf), AM_KEY_MAX_LEN);
    assert_int_equal(am_key_classify(buf), AM_KEY_SHAPE_SANDBOX);
    buf[AM_KEY_MAX_LEN] = 'A';
    buf[AM_KEY_MAX_LEN + 1] = '\0';
    assert_int_equal(am_key_classify(buf), AM_KEY_SHAPE_INVALID);
}

static void test_keys_shape_matches_env(void **state)
{
    (void)state;
    assert_true(am_key_shape_matches_env(AM_KEY_SHAPE_SANDBOX, AM_ENV_SANDBOX));
    assert_false(am_key_shape_matches_env(AM_KEY_SHAPE_SANDBOX, AM_ENV_PRODUCTION));
    assert_true(am_key_shape_matches_env(AM_KEY_SHAPE_PRODUCTION, AM_ENV_PRODUCTION));
    assert_false(am_key_shape_matches_env(AM_KEY_SHAPE_PRODUCTION, AM_ENV_SANDBOX));
    assert_true(am_key_shape_matches_env(AM_KEY_SHAPE_LEGACY, AM_ENV_SANDBOX));
    assert_true(am_key_shape_matches_env(AM_KEY_SHAPE_LEGACY, AM_ENV_PRODUCTION));
    assert_false(am_key_shape_matches_env(AM_KEY_SHAPE_INVALID, AM_ENV_SANDBOX));
    assert_false(am_key_shape_matches_env(AM_KEY_SHAPE_INVALID, AM_ENV_PRODUCTION));
}

static void redact(const char *key, char *out)
{
    am_key_redact(key, out, AM_KEY_REDACTED_LEN);
}

static void test_keys_redacts_keys_to_prefix_and_last_four(void **state)
{
    char out[AM_KEY_REDACTED_LEN];

    (void)state;
    redact(SB_KEY, out);
    assert_string_equal(out, "$aact_hmlg_...+/==");
    redact(PROD_KEY, out);
    assert_string_equal(out, "$aact_prod_...9f3a");
    redact(LEGACY_KEY, out);
    assert_string_equal(out, "$aact_...Mw==");
}

static void test_keys_redacts_short_and_absent_values(void **state)
{
    char out[AM_KEY_REDACTED_LEN];

    (void)state;
    memset(out, 'Z', sizeof(out));
    redact(NULL, out);
    assert_string_equal(out, "");
    redact("", out);
    assert_string_equal(out, "...");
    redact("a", out);
    assert_string_equal(out, "...");
    redact("$aact_hmlg_", out); /* 11 chars */
    assert_string_equal(out, "...");
    redact("abcdefghijk", out); /* 11 chars */
    assert_string_equal(out, "...");
}

static void test_keys_redacts_non_keys_to_last_four(void **state)
{
    char out[AM_KEY_REDACTED_LEN];

    (void)state;
    redact("abcdefghijkl", out); /* 12 chars */
    assert_string_equal(out, "...ijkl");
    redact("Bearer " SB_KEY, out);
    assert_string_equal(out, "...+/==");
    assert_int_equal(strlen(out), 7);
    /* A broken key (space) is not a key: no prefix is shown either. */
    redact("$aact_hmlg_000YTU5 YTA1X3B5T7C9YZ", out);
    assert_string_equal(out, "...C9YZ");
}

static void test_keys_redacts_600_char_value(void **state)
{
    char big[601], out[AM_KEY_REDACTED_LEN];

    (void)state;
    memcpy(big, "$aact_hmlg_", 11);
    memset(big + 11, 'Q', 600 - 11 - 4);
    memcpy(big + 596, "WXYZ", 4);
    big[600] = '\0';
    redact(big, out);
    assert_string_equal(out, "...WXYZ");
}

static void test_keys_redaction_never_carries_newlines(void **state)
{
    char out[AM_KEY_REDACTED_LEN];

    (void)state;
    redact("$aact_hmlg_000YTU5YTA1X3B5T7C9YZ\nab", out);
    assert_string_equal(out, "...Z?ab");
    redact("$aact_hmlg_000YTU5YTA1X3B5T\nC9YZ", out);
    assert_string_equal(out, "...C9YZ");
    redact("0123456789\r\n\"\\", out);
    assert_string_equal(out, "...????");
    redact("0123456789ab\xc3\xa9", out);
    assert_string_equal(out, "...ab??");
}

static void test_keys_redact_truncates_to_small_buffer(void **state)
{
    char out[8];

    (void)state;
    am_key_redact(SB_KEY, out, sizeof(out));
    assert_string_equal(out, "$aact_h");
    out[0] = 'Z';
    am_key_redact(SB_KEY, out, 0); /* nothing written */
    assert_int_equal(out[0], 'Z');
}

/* Many shapes and lengths: never more than 4 characters after the shown prefix. */
static void test_keys_redaction_shows_at_most_four_secret_chars(void **state)
{
    static const char *prefixes[] = { "$aact_hmlg_", "$aact_prod_", "$aact_", "", "x y " };
    char key[700], out[AM_KEY_REDACTED_LEN];

    (void)state;
    for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
        for (size_t body = 0; body < 620; body += 7) {
            size_t plen = strlen(prefixes[p]), dots;
            const char *tail;

            memcpy(key, prefixes[p], plen);
            for (size_t i = 0; i < body; i++)
                key[plen + i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[i % 62];
            key[plen + body] = '\0';
            redact(key, out);
            assert_true(strlen(out) < AM_KEY_REDACTED_LEN);
            tail = strstr(out, "...");
            assert_non_null(tail);
            dots = (size_t)(tail - out);
            /* The part before "..." is only ever a recognised prefix. */
            assert_true(dots == 0 || dots == 6 || dots == 11);
            assert_true(strlen(tail + 3) <= 4);
            if (plen + body < 12)
                assert_string_equal(out, "...");
            else
                assert_memory_equal(tail + 3, key + plen + body - 4, 4);
        }
    }
}

/* Minimal base64 decoder for checking generated keys (tests never include OpenSSL). */
static size_t b64_decode(const char *in, char *out)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;

    for (; *in && *in != '='; in++) {
        const char *p = strchr(alpha, *in);

        assert_non_null(p);
        acc = acc << 6 | (unsigned)(p - alpha);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return n;
}

static void check_generated(enum am_environment env, const char *prefix,
                            enum am_key_shape shape, char *key)
{
    char decoded[256];
    const char *p;

    assert_int_equal(am_key_generate(env, key, AM_KEY_MAX_LEN), 0);
    assert_int_equal(am_key_classify(key), shape);
    assert_true(am_key_shape_matches_env(am_key_classify(key), env));
    assert_memory_equal(key, prefix, strlen(prefix));
    assert_int_equal(b64_decode(key + strlen(prefix), decoded), 97);
    p = decoded;
    for (int i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", p[i]));
    assert_memory_equal(p + 32, "::", 2);
    for (int i = 34; i < 53; i++)
        assert_true(isdigit((unsigned char)p[i]));
    assert_memory_equal(p + 53, "::$aach_", 8);
    p += 61; /* uuid v4 */
    assert_int_equal(strlen(p), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(p[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", p[i]));
    }
    assert_int_equal(p[14], '4');
    assert_non_null(strchr("89ab", p[19]));
}

static void test_keys_generates_sandbox_key_in_real_format(void **state)
{
    char a[AM_KEY_MAX_LEN], b[AM_KEY_MAX_LEN];

    (void)state;
    check_generated(AM_ENV_SANDBOX, "$aact_hmlg_000", AM_KEY_SHAPE_SANDBOX, a);
    check_generated(AM_ENV_SANDBOX, "$aact_hmlg_000", AM_KEY_SHAPE_SANDBOX, b);
    assert_string_not_equal(a, b);
}

static void test_keys_generates_production_key_in_real_format(void **state)
{
    char a[AM_KEY_MAX_LEN];

    (void)state;
    check_generated(AM_ENV_PRODUCTION, "$aact_prod_000", AM_KEY_SHAPE_PRODUCTION, a);
}

static void test_keys_generate_rejects_small_buffer(void **state)
{
    char small[64];

    (void)state;
    assert_int_equal(am_key_generate(AM_ENV_SANDBOX, small, sizeof(small)), -EINVAL);
    assert_int_equal(am_key_generate(AM_ENV_SANDBOX, NULL, AM_KEY_MAX_LEN), -EINVAL);
}

static void test_keys_scrub_json_reaches_names_values_and_nesting(void **state)
{
    const char *key = "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGRhZDE6OjAw";
    char text[512], *out;
    cJSON *doc;

    (void)state;
    snprintf(text, sizeof(text),
             "{\"a\":\"x %s y\",\"%s\":1,\"n\":[{\"deep\":[\"%s\"]}],\"k\":5}", key,
             key, key);
    doc = cJSON_Parse(text);
    assert_non_null(doc);
    am_key_scrub_json(doc);
    out = cJSON_PrintUnformatted(doc);
    assert_non_null(out);
    assert_null(strstr(out, key + 14)); /* no whole key, not even its body */
    assert_string_equal(out, "{\"a\":\"x $aact_hmlg_...OjAw y\",\"$aact_hmlg_...OjAw\":1,"
                             "\"n\":[{\"deep\":[\"$aact_hmlg_...OjAw\"]}],\"k\":5}");
    free(out);
    cJSON_Delete(doc);
}

static void test_keys_parses_environment_names(void **state)
{
    enum am_environment env = AM_ENV_PRODUCTION;

    (void)state;
    assert_int_equal(am_environment_parse("sandbox", &env), 0);
    assert_int_equal(env, AM_ENV_SANDBOX);
    assert_int_equal(am_environment_parse("production", &env), 0);
    assert_int_equal(env, AM_ENV_PRODUCTION);
    assert_int_equal(am_environment_parse("Sandbox", &env), -EINVAL);
    assert_int_equal(am_environment_parse("prod", &env), -EINVAL);
    assert_int_equal(am_environment_parse("", &env), -EINVAL);
    assert_int_equal(am_environment_parse(NULL, &env), -EINVAL);
    assert_int_equal(env, AM_ENV_PRODUCTION); /* untouched on failure */
    assert_string_equal(am_environment_name(AM_ENV_SANDBOX), "sandbox");
    assert_string_equal(am_environment_name(AM_ENV_PRODUCTION), "production");
}

/* ---- scrub, conceal, reveal ------------------------------------------------------- */

#define LONG_KEY                                                                                  \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"

static void test_keys_scrub_shortens_every_key_run(void **state)
{
    char s[512];

    (void)state;
    snprintf(s, sizeof(s), "/v3/x/%s?k=aact_abcdefghij&short=aact_abc&p=$aact_prod_ABCDEFGHIJ", LONG_KEY);
    am_key_scrub(s);
    assert_string_equal(s, "/v3/x/$aact_hmlg_...cmV0?k=aact_...ghij&short=aact_abc&p=$aact_prod_...GHIJ");
}

/* conceal then reveal gives the input back, and the concealed form holds no key run. */
static void round_trip(const char *in, size_t len)
{
    char *c = NULL, *r = NULL, scrubbed[1024];
    size_t clen = 0, rlen = 0;

    assert_int_equal(am_key_conceal(in, len, &c, &clen), 0);
    assert_int_equal(c[clen], '\0');
    /* Scrubbing finds nothing left to shorten. */
    assert_true(clen < sizeof(scrubbed));
    memcpy(scrubbed, c, clen + 1);
    am_key_scrub(scrubbed);
    assert_memory_equal(scrubbed, c, clen);
    assert_int_equal(am_key_reveal(c, clen, &r, &rlen), 0);
    assert_int_equal(rlen, len);
    assert_memory_equal(r, in, len);
    free(c);
    free(r);
}

static void test_keys_conceal_and_reveal_round_trip(void **state)
{
    static const char *const cases[] = {
        "", "plain text", "~", "~~", "~7e~", "a~b~~c~~~", "aact_", "aact_short", "$aact_abcdefgh",
        LONG_KEY, "{\"externalReference\":\"" LONG_KEY "\",\"x\":\"~" LONG_KEY "~\"}",
        "aact_aact_hmlg_abcdefghijkl", "%24aact_prod_QUJDREVGR0hJSktMTU5PUA%3D%3D&x=1",
    };
    static const char nul[] = "a\0aact_abcdefghij\0~";

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        round_trip(cases[i], strlen(cases[i]));
    round_trip(nul, sizeof(nul) - 1);
}

static void test_keys_conceal_leaves_no_literal_key_text(void **state)
{
    char *c = NULL;
    size_t clen;

    (void)state;
    assert_int_equal(am_key_conceal("ref " LONG_KEY " end ~", strlen("ref " LONG_KEY " end ~"), &c,
                                    &clen),
                     0);
    assert_null(strstr(c, "aact_"));
    assert_null(strstr(c, "MzkwODA2MWY2OGM3"));
    assert_true(strncmp(c, "ref $~616163745f686d6c675f", 26) == 0);
    assert_string_equal(c + clen - 8, "~ end ~~");
    free(c);
}

static void test_keys_reveal_refuses_what_conceal_never_writes(void **state)
{
    static const char *const bad[] = {"~", "a~", "~~~", "~6~", "~zz~", "~6g~", "~61", "x~61~~"};
    char *r = (char *)"untouched";
    size_t rlen;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(am_key_reveal(bad[i], strlen(bad[i]), &r, &rlen), -EINVAL);
}

/* Every byte, in every position of the body (the classification reads eight at a time
 * and then the rest): only A-Z a-z 0-9 + - / = _ keep a key valid. */
static void test_key_classify_every_byte_everywhere(void **state)
{
    char key[64];

    (void)state;
    for (int c = 1; c < 256; c++) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '/' || c == '=' || c == '_';
        for (size_t at = 0; at < 27; at++) {
            memcpy(key, "$aact_hmlg_", 11);
            memset(key + 11, 'A', 27);
            key[38] = '\0';
            key[11 + at] = (char)c;
            assert_int_equal(am_key_classify(key), ok ? AM_KEY_SHAPE_SANDBOX : AM_KEY_SHAPE_INVALID);
        }
    }
}

/* The conceal of before issue 12, byte by byte, as keys.h describes it: the reference the
 * memchr-driven one must match. */
static bool ref_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '=' || c == '_' || c == '-' || c == '%';
}

static size_t ref_conceal(const char *s, size_t len, char *out)
{
    static const char hexd[] = "0123456789abcdef";
    size_t n = 0;

    for (size_t p = 0; p < len;) {
        size_t run = p + 5, end;

        if (len - p >= 5 && memcmp(s + p, "aact_", 5) == 0) {
            if (len - run >= 5 && (memcmp(s + run, "hmlg_", 5) == 0 || memcmp(s + run, "prod_", 5) == 0))
                run += 5;
            for (end = run; end < len && s[end] && ref_key_char(s[end]); end++)
                ;
            if (end - run >= 8) {
                out[n++] = '~';
                for (size_t i = p; i < end; i++) {
                    out[n++] = hexd[(unsigned char)s[i] >> 4];
                    out[n++] = hexd[(unsigned char)s[i] & 15];
                }
                out[n++] = '~';
                p = end;
                continue;
            }
        }
        if (s[p] == '~')
            out[n++] = '~';
        out[n++] = s[p++];
    }
    return n;
}

/* Random texts made of the pieces that matter ("aact_", environments, '_', '~', NUL, key
 * characters, quotes), so key-shaped runs start, end and break at every position: the fast
 * conceal writes what the byte-by-byte one did, within AM_KEY_CONCEALED_MAX (the output
 * buffer is exactly that big, so ASan catches an overrun). */
static void test_keys_conceal_matches_the_byte_by_byte_reference(void **state)
{
    static const char *const pieces[] = {"aact_", "aact", "hmlg_", "prod_", "_", "~", "a", "Z9",
                                         "abcdefgh", "\"", " ", "%3D", "$", "\0", "act_", "x_y", "aac", "c", "t"};
    uint32_t x = 7;

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        char in[200], ref[600], *out;
        size_t len = 0, want, got;
        int n;

        x = x * 1103515245u + 12345u;
        n = (int)((x >> 16) % 24);
        for (int i = 0; i < n; i++) {
            const char *piece;
            size_t plen;

            x = x * 1103515245u + 12345u;
            piece = pieces[(x >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
            plen = piece[0] ? strlen(piece) : 1; /* the "\0" piece is one NUL byte */
            if (len + plen > sizeof(in))
                break;
            memcpy(in + len, piece, plen);
            len += plen;
        }
        want = ref_conceal(in, len, ref);
        out = malloc(AM_KEY_CONCEALED_MAX(len));
        assert_non_null(out);
        got = am_key_conceal_to(in, len, out);
        assert_true(got < AM_KEY_CONCEALED_MAX(len));
        assert_int_equal(out[got], '\0');
        if (got != want || memcmp(out, ref, want) != 0)
            fail_msg("iteration %d: conceal of %zu bytes differs from the reference", iter, len);
        free(out);
    }
}

/* The bound holds for the inputs that grow most: only "~", and minimal keys each ended by a "~". */
static void test_keys_conceal_bound_holds_for_the_worst_inputs(void **state)
{
    char in[14 * 20], *out;
    size_t got;

    (void)state;
    for (size_t i = 0; i < 20; i++)
        memcpy(in + 14 * i, "aact_abcdefgh~", 14);
    out = malloc(AM_KEY_CONCEALED_MAX(sizeof(in)));
    assert_non_null(out);
    got = am_key_conceal_to(in, sizeof(in), out);
    assert_int_equal(got, 20 * (2 * 13 + 2 + 2)); /* each: "~" 26 hex "~" then "~~" */
    assert_true(got < AM_KEY_CONCEALED_MAX(sizeof(in)));
    free(out);
    memset(in, '~', sizeof(in));
    out = malloc(AM_KEY_CONCEALED_MAX(sizeof(in)));
    assert_non_null(out);
    assert_int_equal(am_key_conceal_to(in, sizeof(in), out), 2 * sizeof(in));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_classify_every_byte_everywhere),
        cmocka_unit_test(test_keys_classifies_sandbox_production_and_legacy),
        cmocka_unit_test(test_keys_rejects_bearer_prefix),
        cmocka_unit_test(test_keys_rejects_surrounding_spaces_and_quotes),
        cmocka_unit_test(test_keys_rejects_other_shapes),
        cmocka_unit_test(test_keys_requires_sixteen_body_characters),
        cmocka_unit_test(test_keys_limits_total_length),
        cmocka_unit_test(test_keys_shape_matches_env),
        cmocka_unit_test(test_keys_redacts_keys_to_prefix_and_last_four),
        cmocka_unit_test(test_keys_redacts_short_and_absent_values),
        cmocka_unit_test(test_keys_redacts_non_keys_to_last_four),
        cmocka_unit_test(test_keys_redacts_600_char_value),
        cmocka_unit_test(test_keys_redaction_never_carries_newlines),
        cmocka_unit_test(test_keys_redact_truncates_to_small_buffer),
        cmocka_unit_test(test_keys_redaction_shows_at_most_four_secret_chars),
        cmocka_unit_test(test_keys_generates_sandbox_key_in_real_format),
        cmocka_unit_test(test_keys_generates_production_key_in_real_format),
        cmocka_unit_test(test_keys_generate_rejects_small_buffer),
        cmocka_unit_test(test_keys_scrub_json_reaches_names_values_and_nesting),
        cmocka_unit_test(test_keys_parses_environment_names),
        cmocka_unit_test(test_keys_scrub_shortens_every_key_run),
        cmocka_unit_test(test_keys_conceal_and_reveal_round_trip),
        cmocka_unit_test(test_keys_conceal_leaves_no_literal_key_text),
        cmocka_unit_test(test_keys_reveal_refuses_what_conceal_never_writes),
        cmocka_unit_test(test_keys_conceal_matches_the_byte_by_byte_reference),
        cmocka_unit_test(test_keys_conceal_bound_holds_for_the_worst_inputs),
    };

    return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}

/* test_crypto.c - src/net/crypto.c: digests, hex, base64, and the one comparison of
 * secrets.
 *
 * Constant time is checked without a stopwatch. Every comparison of secrets goes through
 * am_ct_equal() (tests/check_secret_compare.py fails the build on any other), and this
 * executable is linked with -Wl,--wrap=am_ct_equal,--wrap=CRYPTO_memcmp (tests/meson.build):
 * calls from the library land in the __wrap_ functions below, which record them and
 * forward to the real ones. So the tests can assert that am_ct_equal is CRYPTO_memcmp
 * (OpenSSL's constant-time compare) and that the auth paths (API key lookup, admin
 * token) really call it with the secret. */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>

#include "app.h"
#include "crypto.h"
#include "log.h"

#define NOW INT64_C(1767225600)
/* The development key of the default fixtures (see test_app.c). */
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define ADMIN "adm-t0ken-for-crypto-tests"

/* ---- the seam: counted, forwarding wrappers ---- */

bool __real_am_ct_equal(const void *a, const void *b, size_t len);
bool __wrap_am_ct_equal(const void *a, const void *b, size_t len);
int __real_CRYPTO_memcmp(const void *a, const void *b, size_t len);
int __wrap_CRYPTO_memcmp(const void *a, const void *b, size_t len);

#define MAX_CALLS 64
struct ct_call {
    uint8_t a[64], b[64];
    size_t len;
};
static struct {
    size_t ct_calls, memcmp_calls;
    struct ct_call calls[MAX_CALLS];
} seen;

bool __wrap_am_ct_equal(const void *a, const void *b, size_t len)
{
    if (seen.ct_calls < MAX_CALLS) {
        struct ct_call *c = &seen.calls[seen.ct_calls];
        size_t n = len < sizeof(c->a) ? len : sizeof(c->a);
        memcpy(c->a, a, n);
        memcpy(c->b, b, n);
        c->len = len;
    }
    seen.ct_calls++;
    return __real_am_ct_equal(a, b, len);
}

int __wrap_CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
    seen.memcmp_calls++;
    return __real_CRYPTO_memcmp(a, b, len);
}

static void seen_reset(void)
{
    memset(&seen, 0, sizeof(seen));
}

/* True when one recorded am_ct_equal call compared want (len bytes) with something. */
static bool compared(const void *want, size_t len)
{
    for (size_t i = 0; i < seen.ct_calls && i < MAX_CALLS; i++) {
        const struct ct_call *c = &seen.calls[i];
        if (c->len == len && len <= sizeof(c->a) &&
            (memcmp(c->a, want, len) == 0 || memcmp(c->b, want, len) == 0))
            return true;
    }
    return false;
}

/* ---- am_ct_equal ---- */

static void test_ct_equal_answers_like_equality(void **state)
{
    uint8_t a[AM_SHA256_LEN], b[AM_SHA256_LEN];

    (void)state;
    for (size_t i = 0; i < sizeof(a); i++)
        a[i] = b[i] = (uint8_t)(i * 7 + 1);
    assert_true(am_ct_equal(a, b, sizeof(a)));
    assert_true(am_ct_equal(a, b, 0)); /* nothing to differ */
    for (size_t i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x80; /* a difference anywhere counts, first and last byte included */
        assert_false(am_ct_equal(a, b, sizeof(a)));
        b[i] ^= 0x80;
        b[i] ^= 0x01;
        assert_false(am_ct_equal(a, b, sizeof(a)));
        b[i] ^= 0x01;
    }
    assert_true(am_ct_equal(a, b, sizeof(a)));
}

static void test_ct_equal_is_crypto_memcmp(void **state)
{
    const char x[] = "0123456789abcdef", y[] = "0123456789abcdeF";

    (void)state;
    seen_reset();
    assert_false(am_ct_equal(x, y, 16));
    assert_true(am_ct_equal(x, x, 16));
    /* Each call went through OpenSSL's constant-time compare: a memcmp() (which stops at
     * the first difference) in its place is what this test exists to catch. */
    assert_int_equal(seen.memcmp_calls, 2);
}

/* ---- the auth paths call it with the secret ---- */

struct fx {
    struct am_config cfg;
    struct am_app *app;
    struct am_response resp;
    char err[256];
};

static int setup_with(void **state, const char *admin)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    am_config_defaults(&f->cfg);
    f->cfg.has_seed = true;
    f->cfg.seed = 7;
    f->cfg.environment = AM_ENV_SANDBOX;
    if (admin)
        f->cfg.admin_token = strdup(admin);
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    if (!f->app) {
        fprintf(stderr, "am_app_new: %s\n", f->err);
        am_config_finish(&f->cfg);
        free(f);
        return -1;
    }
    am_app_set_tls_ready(f->app, true);
    am_response_init(&f->resp);
    am_log_set_level(AM_LOG_ERROR);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL);
}

static int setup_admin(void **state)
{
    return setup_with(state, ADMIN);
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    am_app_free(f->app);
    am_config_finish(&f->cfg);
    free(f);
    return 0;
}

static int run(struct fx *f, const char *path, const char *header, const char *value)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.method = AM_METHOD_GET;
    req.path = path;
    req.client_ip = "127.0.0.1";
    req.request_id = "req-crypto";
    if (header)
        am_request_add_header(&req, header, value);
    am_request_add_header(&req, "User-Agent", "asaas-mock-tests/1.0");
    am_response_finish(&f->resp);
    am_response_init(&f->resp);
    am_app_handle(f->app, &req, NOW, &f->resp);
    am_app_complete(f->app, &req, &f->resp, NOW * 1000, 10);
    return f->resp.status;
}

static void test_api_key_lookup_compares_hashes_in_constant_time(void **state)
{
    struct fx *f = *state;
    uint8_t want[AM_SHA256_LEN];

    am_sha256(DEV_KEY, strlen(DEV_KEY), want);
    seen_reset();
    assert_int_equal(run(f, "/v3/customers", "access_token", DEV_KEY), 200);
    assert_true(seen.ct_calls >= 1);
    /* The stored hash was compared with the hash of the presented key, in full. */
    assert_true(compared(want, AM_SHA256_LEN));
    assert_true(seen.memcmp_calls >= 1);
}

static void test_admin_token_compared_in_constant_time(void **state)
{
    struct fx *f = *state;

    seen_reset();
    assert_int_equal(run(f, "/__mock/accounts", "X-Mock-Admin-Token", ADMIN), 200);
    assert_true(compared(ADMIN, strlen(ADMIN)));
    seen_reset();
    /* Same length, last byte differs: refused, and still through am_ct_equal. */
    assert_int_equal(run(f, "/__mock/accounts", "X-Mock-Admin-Token", "adm-t0ken-for-crypto-testz"),
                     401);
    assert_true(compared(ADMIN, strlen(ADMIN)));
    seen_reset();
    assert_int_equal(run(f, "/__mock/accounts", "Authorization", "Bearer " ADMIN), 200);
    assert_true(compared(ADMIN, strlen(ADMIN)));
}

/* ---- the other primitives ---- */

static void test_sha256_known_vectors(void **state)
{
    uint8_t out[AM_SHA256_LEN];
    char hex[2 * AM_SHA256_LEN + 1];

    (void)state;
    am_sha256("abc", 3, out);
    am_hex(out, sizeof(out), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    am_sha256("", 0, out);
    am_hex(out, sizeof(out), hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_hex_round_trip_and_refusals(void **state)
{
    const uint8_t data[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    uint8_t back[sizeof(data)];
    char hex[2 * sizeof(data) + 1];

    (void)state;
    am_hex(data, sizeof(data), hex);
    assert_string_equal(hex, "00017f80abff");
    assert_int_equal(am_unhex(hex, back, sizeof(back)), 0);
    assert_memory_equal(back, data, sizeof(data));
    assert_int_equal(am_unhex("00017F80ABFF", back, sizeof(back)), 0); /* either case */
    assert_memory_equal(back, data, sizeof(data));
    assert_int_equal(am_unhex("00017f80abf", back, sizeof(back)), -EINVAL);   /* short */
    assert_int_equal(am_unhex("00017f80abff0", back, sizeof(back)), -EINVAL); /* long */
    assert_int_equal(am_unhex("00017f80abfg", back, sizeof(back)), -EINVAL);  /* not hex */
}

static void test_base64_rfc4648_vectors(void **state)
{
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
             {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    char out[16];

    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        am_base64((const uint8_t *)v[i].in, strlen(v[i].in), out);
        assert_string_equal(out, v[i].out);
    }
}

static void test_random_bytes_fill_and_differ(void **state)
{
    uint8_t a[32] = {0}, b[32] = {0};

    (void)state;
    assert_int_equal(am_random_bytes(a, sizeof(a)), 0);
    assert_int_equal(am_random_bytes(b, sizeof(b)), 0);
    assert_memory_not_equal(a, b, sizeof(a)); /* 2^-256 chance of a false failure */
}

/* The memo answers exactly what am_sha256 does: first sight, repeats, and after more
 * distinct texts than it has slots (evictions). */
static void test_sha256_memo_matches_sha256(void **state)
{
    uint8_t want[AM_SHA256_LEN], got[AM_SHA256_LEN];
    char text[64];
    char hex[2 * AM_SHA256_LEN + 1];

    (void)state;
    am_sha256_memo("abc", 3, got);
    am_hex(got, sizeof(got), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    am_sha256_memo("", 0, got);
    am_hex(got, sizeof(got), hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 300; i++) {
            int n = snprintf(text, sizeof(text), "$aact_hmlg_000key-%d", i % (round + 1) ? i : 7 * i);
            am_sha256(text, (size_t)n, want);
            am_sha256_memo(text, (size_t)n, got);
            assert_memory_equal(got, want, sizeof(want));
            am_sha256_memo(text, (size_t)n, got); /* a repeat: from the memo */
            assert_memory_equal(got, want, sizeof(want));
        }
    }
    /* Texts that differ only in their last byte never share a digest. */
    am_sha256_memo("$aact_hmlg_000aaaa", 18, want);
    am_sha256_memo("$aact_hmlg_000aaab", 18, got);
    assert_memory_not_equal(got, want, sizeof(want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_memo_matches_sha256),
        cmocka_unit_test(test_ct_equal_answers_like_equality),
        cmocka_unit_test(test_ct_equal_is_crypto_memcmp),
        cmocka_unit_test_setup_teardown(test_api_key_lookup_compares_hashes_in_constant_time,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_token_compared_in_constant_time, setup_admin,
                                        teardown),
        cmocka_unit_test(test_sha256_known_vectors),
        cmocka_unit_test(test_hex_round_trip_and_refusals),
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_random_bytes_fill_and_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

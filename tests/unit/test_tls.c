#include "test_helpers.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* ---- helpers ------------------------------------------------------------------------ */

struct tmpdir {
    char path[64];
};

static void tmpdir_make(struct tmpdir *d)
{
    snprintf(d->path, sizeof(d->path), "/tmp/am_test_tls.XXXXXX");
    assert_non_null(mkdtemp(d->path));
}

/* Removes every file in the directory, then the directory. */
static void tmpdir_remove(struct tmpdir *d)
{
    DIR *dir = opendir(d->path);
    struct dirent *e;
    char p[512];

    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", d->path, e->d_name);
        assert_int_equal(unlink(p), 0);
    }
    closedir(dir);
    assert_int_equal(rmdir(d->path), 0);
}

static int tmpdir_count(const struct tmpdir *d)
{
    DIR *dir = opendir(d->path);
    struct dirent *e;
    int n = 0;

    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dir);
    return n;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static SSL_CTX *generate(const char *const *sans, size_t n, const char *ca_out,
                         struct am_tls_info *info)
{
    struct am_tls_options o = {.extra_sans = sans, .n_extra_sans = n, .ca_out_path = ca_out};
    char err[256] = "";
    SSL_CTX *ctx;

    memset(info, 0, sizeof(*info));
    ctx = am_tls_ctx_new(&o, info, err, sizeof(err));
    if (!ctx)
        fail_msg("am_tls_ctx_new failed: %s", err);
    assert_string_equal(err, "");
    return ctx;
}

/* SAN entries as "DNS:name" / "IP:addr" strings, in certificate order. Returns the count. */
static int san_list(X509 *x, char out[][64], int max)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n;

    assert_non_null(gens);
    n = sk_GENERAL_NAME_num(gens);
    assert_true(n <= max);
    for (int i = 0; i < n; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        int type = 0;
        const ASN1_STRING *v = GENERAL_NAME_get0_value(g, &type);
        char addr[INET6_ADDRSTRLEN];

        if (type == GEN_DNS) {
            snprintf(out[i], 64, "DNS:%.*s", ASN1_STRING_length(v),
                     (const char *)ASN1_STRING_get0_data(v));
        } else if (type == GEN_IPADD) {
            int len = ASN1_STRING_length(v);

            assert_true(len == 4 || len == 16);
            assert_non_null(inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(v),
                                      addr, sizeof(addr)));
            snprintf(out[i], 64, "IP:%s", addr);
        } else {
            fail_msg("unexpected GENERAL_NAME type %d", type);
        }
    }
    GENERAL_NAMES_free(gens);
    return n;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- generated certificate ---------------------------------------------------------- */

static void test_tls_generated_cert_has_exactly_default_and_extra_sans(void **state)
{
    static const char *const sans[] = {"mock", "10.0.0.5"};
    struct am_tls_info info;
    SSL_CTX *ctx = generate(sans, 2, NULL, &info);
    char got[8][64];
    int n = san_list(SSL_CTX_get0_certificate(ctx), got, 8);

    (void)state;
    assert_int_equal(n, 5);
    assert_string_equal(got[0], "DNS:localhost");
    assert_string_equal(got[1], "IP:127.0.0.1");
    assert_string_equal(got[2], "IP:::1");
    assert_string_equal(got[3], "DNS:mock");
    assert_string_equal(got[4], "IP:10.0.0.5");
    assert_int_equal(info.generated, 1);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_extra_sans_classify_ipv6_wildcard_and_skip_duplicates(void **state)
{
    static const char *const sans[] = {"fd00::5", "*.mock.test", "LOCALHOST", "0:0::1",
                                       "127.0.0.1", "api.mock.test"};
    struct am_tls_info info;
    SSL_CTX *ctx = generate(sans, 6, NULL, &info);
    char got[8][64];
    int n = san_list(SSL_CTX_get0_certificate(ctx), got, 8);

    (void)state;
    assert_int_equal(n, 6);
    assert_string_equal(got[0], "DNS:localhost");
    assert_string_equal(got[1], "IP:127.0.0.1");
    assert_string_equal(got[2], "IP:::1");
    assert_string_equal(got[3], "IP:fd00::5");
    assert_string_equal(got[4], "DNS:*.mock.test");
    assert_string_equal(got[5], "DNS:api.mock.test");
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_generated_key_matches_and_self_signature_verifies(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    X509 *x = SSL_CTX_get0_certificate(ctx);
    EVP_PKEY *key = SSL_CTX_get0_privatekey(ctx);

    (void)state;
    assert_non_null(x);
    assert_non_null(key);
    assert_int_equal(SSL_CTX_check_private_key(ctx), 1);
    assert_int_equal(X509_check_private_key(x, key), 1);
    assert_int_equal(X509_verify(x, X509_get0_pubkey(x)), 1);
    assert_true(EVP_PKEY_is_a(key, "EC"));
    assert_int_equal(EVP_PKEY_get_bits(key), 256);
    assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
    /* Self-issued: issuer == subject == CN=asaas-mock. */
    assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(x)), 0);
    {
        char cn[64] = "";

        assert_int_equal(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
                                                   cn, sizeof(cn)),
                         10);
        assert_string_equal(cn, "asaas-mock");
    }
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_generated_cert_fields_validity_serial_and_extensions(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    X509 *x = SSL_CTX_get0_certificate(ctx);
    int days = -1, secs = -1, idx;
    time_t now = time(NULL);
    time_t lo = now - 310, hi = now - 290;
    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    uint32_t flags;

    (void)state;
    assert_int_equal(X509_get_version(x), X509_VERSION_3);
    /* notBefore is ~300 s in the past, notAfter 825 days after now. */
    assert_int_equal(X509_cmp_time(X509_get0_notBefore(x), &lo), 1);
    assert_int_equal(X509_cmp_time(X509_get0_notBefore(x), &hi), -1);
    assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)),
                     1);
    assert_int_equal(days, 825);
    assert_in_range(secs, 300, 301);

    assert_non_null(serial);
    assert_false(BN_is_negative(serial));
    assert_true(BN_num_bits(serial) >= 64);
    BN_free(serial);

    flags = X509_get_extension_flags(x);
    assert_true(flags & EXFLAG_CA);
    assert_true(flags & EXFLAG_SS);
    assert_int_equal(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN);
    assert_int_equal(X509_get_extended_key_usage(x), XKU_SSL_SERVER);
    assert_non_null(X509_get0_subject_key_id(x));
    idx = X509_get_ext_by_NID(x, NID_basic_constraints, -1);
    assert_true(idx >= 0);
    assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x, idx)), 1);
    idx = X509_get_ext_by_NID(x, NID_key_usage, -1);
    assert_true(idx >= 0);
    assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x, idx)), 1);
    idx = X509_get_ext_by_NID(x, NID_subject_alt_name, -1);
    assert_true(idx >= 0);
    assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x, idx)), 0);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_generated_serials_differ(void **state)
{
    struct am_tls_info a, b;
    SSL_CTX *ca = generate(NULL, 0, NULL, &a);
    SSL_CTX *cb = generate(NULL, 0, NULL, &b);

    (void)state;
    assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(SSL_CTX_get0_certificate(ca)),
                                          X509_get0_serialNumber(SSL_CTX_get0_certificate(cb))),
                         0);
    assert_string_not_equal(a.fingerprint_sha256, b.fingerprint_sha256);
    free(a.cert_pem);
    free(b.cert_pem);
    SSL_CTX_free(ca);
    SSL_CTX_free(cb);
}

static void test_tls_ctx_allows_only_tls12_and_tls13_with_hardening_options(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);

    (void)state;
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    assert_int_equal(SSL_CTX_get_max_proto_version(ctx), TLS1_3_VERSION);
    assert_true(SSL_CTX_get_options(ctx) & SSL_OP_NO_COMPRESSION);
    assert_true(SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION);
    assert_true(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_fingerprint_is_colon_hex_sha256_of_der_and_pem_is_leaf(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    X509 *x = SSL_CTX_get0_certificate(ctx);
    unsigned char md[32];
    unsigned int mdlen = 0;
    char expect[96];
    BIO *b;
    X509 *parsed;

    (void)state;
    assert_int_equal(strlen(info.fingerprint_sha256), 95);
    for (int i = 0; i < 95; i++) {
        char c = info.fingerprint_sha256[i];

        if (i % 3 == 2)
            assert_int_equal(c, ':');
        else
            assert_true((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
    }
    assert_int_equal(X509_digest(x, EVP_sha256(), md, &mdlen), 1);
    assert_int_equal(mdlen, 32);
    for (int i = 0; i < 32; i++)
        snprintf(expect + 3 * i, sizeof(expect) - 3 * (size_t)i, i < 31 ? "%02X:" : "%02X",
                 md[i]);
    assert_string_equal(info.fingerprint_sha256, expect);

    assert_non_null(info.cert_pem);
    assert_non_null(strstr(info.cert_pem, "-----BEGIN CERTIFICATE-----\n"));
    assert_null(strstr(info.cert_pem, "PRIVATE KEY"));
    b = BIO_new_mem_buf(info.cert_pem, -1);
    parsed = PEM_read_bio_X509(b, NULL, NULL, NULL);
    assert_non_null(parsed);
    assert_int_equal(X509_cmp(parsed, x), 0);
    X509_free(parsed);
    BIO_free(b);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

/* ---- ca_out ------------------------------------------------------------------------- */

static void test_tls_writes_ca_out_pem_0644_without_key_or_temp_files(void **state)
{
    struct tmpdir d;
    char path[128];
    struct am_tls_info info;
    SSL_CTX *ctx;
    struct stat st;
    char *content;
    FILE *f;
    X509 *parsed;

    (void)state;
    tmpdir_make(&d);
    snprintf(path, sizeof(path), "%s/ca.pem", d.path);
    write_text(path, "stale content to be replaced\n");
    ctx = generate(NULL, 0, path, &info);

    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    content = read_file(path);
    assert_string_equal(content, info.cert_pem);
    assert_null(strstr(content, "PRIVATE KEY"));
    f = fopen(path, "r");
    assert_non_null(f);
    parsed = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(parsed);
    assert_int_equal(X509_cmp(parsed, SSL_CTX_get0_certificate(ctx)), 0);
    assert_int_equal(tmpdir_count(&d), 1);

    X509_free(parsed);
    free(content);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
    tmpdir_remove(&d);
}

static void test_tls_unwritable_ca_out_fails_with_path_in_message(void **state)
{
    struct am_tls_options o = {.ca_out_path = "/nonexistent-dir-am/ca.pem"};
    struct am_tls_info info = {.generated = 42};
    char err[256] = "";

    (void)state;
    assert_null(am_tls_ctx_new(&o, &info, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent-dir-am/ca.pem"));
    assert_non_null(strstr(err, "No such file or directory"));
    assert_int_equal(info.generated, 42); /* untouched on failure */
    assert_null(info.cert_pem);
}

/* ---- SAN validation ----------------------------------------------------------------- */

static void expect_bad_san(const char *san, const char *fragment)
{
    const char *sans[] = {"good.example", san};
    struct tmpdir d;
    char path[128];
    struct am_tls_options o = {.extra_sans = sans, .n_extra_sans = 2};
    struct am_tls_info info = {0};
    char err[256] = "";

    tmpdir_make(&d);
    snprintf(path, sizeof(path), "%s/ca.pem", d.path);
    o.ca_out_path = path;
    assert_null(am_tls_ctx_new(&o, &info, err, sizeof(err)));
    if (!strstr(err, fragment))
        fail_msg("error \"%s\" lacks \"%s\"", err, fragment);
    assert_null(strchr(err, '\n'));
    assert_null(info.cert_pem);
    assert_int_equal(tmpdir_count(&d), 0); /* nothing written on failure */
    assert_int_equal(ERR_peek_error(), 0);
    tmpdir_remove(&d);
}

static void test_tls_rejects_san_with_space(void **state)
{
    (void)state;
    expect_bad_san("a b", "extra SAN \"a b\": invalid character at offset 1");
}

static void test_tls_rejects_san_config_injection(void **state)
{
    (void)state;
    expect_bad_san("x,DNS:evil", "extra SAN \"x,DNS:evil\": invalid character at offset 1");
}

static void test_tls_rejects_malformed_san_names(void **state)
{
    (void)state;
    expect_bad_san("", "extra SAN \"\": must be 1 to 253 characters");
    expect_bad_san("host:8443", "extra SAN \"host:8443\": ':' is only valid in an IPv6 address");
    expect_bad_san("a.*.b", "'*' is only valid as a leading \"*.\" label");
    expect_bad_san("a..b", "empty DNS label");
    expect_bad_san("fe80::1%eth0", "invalid character at offset 7");
    expect_bad_san("tab\there", "extra SAN \"tab?here\": invalid character at offset 3");
}

/* ---- loading from files ------------------------------------------------------------- */

static void write_key(const char *path, EVP_PKEY *key)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(fclose(f), 0);
}

static void test_tls_loads_certificate_and_key_files(void **state)
{
    struct tmpdir d;
    char cert_path[128], key_path[128];
    struct am_tls_info gen, loaded = {0};
    SSL_CTX *src, *ctx;
    struct am_tls_options o = {0};
    char err[256] = "";

    (void)state;
    tmpdir_make(&d);
    src = generate(NULL, 0, NULL, &gen);
    snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", d.path);
    snprintf(key_path, sizeof(key_path), "%s/key.pem", d.path);
    write_text(cert_path, gen.cert_pem);
    write_key(key_path, SSL_CTX_get0_privatekey(src));

    o.cert_path = cert_path;
    o.key_path = key_path;
    ctx = am_tls_ctx_new(&o, &loaded, err, sizeof(err));
    if (!ctx)
        fail_msg("load failed: %s", err);
    assert_int_equal(loaded.generated, 0);
    assert_string_equal(loaded.fingerprint_sha256, gen.fingerprint_sha256);
    assert_string_equal(loaded.cert_pem, gen.cert_pem);
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    assert_int_equal(X509_cmp(SSL_CTX_get0_certificate(ctx), SSL_CTX_get0_certificate(src)), 0);

    free(loaded.cert_pem);
    free(gen.cert_pem);
    SSL_CTX_free(ctx);
    SSL_CTX_free(src);
    tmpdir_remove(&d);
}

static void test_tls_mismatched_key_file_fails(void **state)
{
    struct tmpdir d;
    char cert_path[128], key_path[128];
    struct am_tls_info a, b, loaded = {0};
    SSL_CTX *ca, *cb;
    struct am_tls_options o = {0};
    char err[256] = "";

    (void)state;
    tmpdir_make(&d);
    ca = generate(NULL, 0, NULL, &a);
    cb = generate(NULL, 0, NULL, &b);
    snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", d.path);
    snprintf(key_path, sizeof(key_path), "%s/key.pem", d.path);
    write_text(cert_path, a.cert_pem);
    write_key(key_path, SSL_CTX_get0_privatekey(cb));

    o.cert_path = cert_path;
    o.key_path = key_path;
    assert_null(am_tls_ctx_new(&o, &loaded, err, sizeof(err)));
    /* OpenSSL notices the mismatch already when the key is installed. */
    if (!strstr(err, "key values mismatch"))
        fail_msg("unexpected error: %s", err);
    assert_null(loaded.cert_pem);
    assert_int_equal(ERR_peek_error(), 0);

    free(a.cert_pem);
    free(b.cert_pem);
    SSL_CTX_free(ca);
    SSL_CTX_free(cb);
    tmpdir_remove(&d);
}

/* Loads the generated certificate with the key file `write` makes; returns the context or NULL
 * with the error in err. */
static SSL_CTX *load_with_key(void (*write)(const char *path, EVP_PKEY *own), char *err,
                              size_t err_len)
{
    struct tmpdir d;
    char cert_path[128], key_path[128];
    struct am_tls_info gen, loaded = {0};
    struct am_tls_options o = {0};
    SSL_CTX *src, *ctx;

    tmpdir_make(&d);
    src = generate(NULL, 0, NULL, &gen);
    snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", d.path);
    snprintf(key_path, sizeof(key_path), "%s/key.pem", d.path);
    write_text(cert_path, gen.cert_pem);
    write(key_path, SSL_CTX_get0_privatekey(src));
    o.cert_path = cert_path;
    o.key_path = key_path;
    err[0] = '\0';
    ctx = am_tls_ctx_new(&o, &loaded, err, err_len);
    assert_int_equal(ERR_peek_error(), 0);
    if (!ctx)
        assert_null(loaded.cert_pem);
    free(loaded.cert_pem);
    free(gen.cert_pem);
    SSL_CTX_free(src);
    tmpdir_remove(&d);
    return ctx;
}

static void write_traditional_key(const char *path, EVP_PKEY *own)
{
    BIO *b = BIO_new_file(path, "wb");

    assert_non_null(b);
    assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, own, NULL, NULL, 0, NULL, NULL), 1);
    BIO_free(b);
}

static void write_rsa_key(const char *path, EVP_PKEY *own)
{
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);

    (void)own;
    assert_non_null(rsa);
    write_key(path, rsa);
    EVP_PKEY_free(rsa);
}

static void write_garbage_key(const char *path, EVP_PKEY *own)
{
    (void)own;
    write_text(path, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
}

/* The key is read for the certificate's key type first (tls.c, issue 12's start-up); a key
 * file that way does not read goes OpenSSL's generic way: these are that fallback's cases. */
static void test_tls_loads_traditional_ec_key_file(void **state)
{
    char err[256];
    SSL_CTX *ctx;

    (void)state;
    ctx = load_with_key(write_traditional_key, err, sizeof(err));
    if (!ctx)
        fail_msg("load failed: %s", err);
    SSL_CTX_free(ctx);
}

static void test_tls_key_of_another_type_fails_as_mismatch(void **state)
{
    char err[256];

    (void)state;
    /* The generic reader takes it (into the RSA slot): the check against the certificate
     * refuses it, as before the typed read. */
    assert_null(load_with_key(write_rsa_key, err, sizeof(err)));
    if (strncmp(err, "private key does not match certificate", 38) != 0)
        fail_msg("unexpected error: %s", err);
}

static void test_tls_garbage_key_file_fails_with_path(void **state)
{
    char err[256];

    (void)state;
    assert_null(load_with_key(write_garbage_key, err, sizeof(err)));
    if (strncmp(err, "loading private key ", 20) != 0 || !strstr(err, "/key.pem: "))
        fail_msg("unexpected error: %s", err);
}

static void test_tls_missing_key_file_fails_with_message(void **state)
{
    struct tmpdir d;
    char cert_path[128];
    struct am_tls_info gen, info = {0};
    struct am_tls_options o = {.key_path = "/nonexistent-am/key.pem"};
    char err[256] = "";
    SSL_CTX *src;

    (void)state;
    tmpdir_make(&d);
    src = generate(NULL, 0, NULL, &gen);
    snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", d.path);
    write_text(cert_path, gen.cert_pem);
    o.cert_path = cert_path;
    assert_null(am_tls_ctx_new(&o, &info, err, sizeof(err)));
    if (strncmp(err, "loading private key /nonexistent-am/key.pem: ", 45) != 0 ||
        !strstr(err, "No such file or directory"))
        fail_msg("unexpected error: %s", err);
    assert_int_equal(ERR_peek_error(), 0);
    free(gen.cert_pem);
    SSL_CTX_free(src);
    tmpdir_remove(&d);
}

static void test_tls_missing_certificate_file_fails_with_message(void **state)
{
    struct am_tls_options o = {.cert_path = "/nonexistent-am/cert.pem",
                               .key_path = "/nonexistent-am/key.pem"};
    struct am_tls_info info = {0};
    char err[256] = "";

    (void)state;
    assert_null(am_tls_ctx_new(&o, &info, err, sizeof(err)));
    if (strncmp(err, "loading certificate chain /nonexistent-am/cert.pem: ", 52) != 0 ||
        !strstr(err, "No such file or directory"))
        fail_msg("unexpected error: %s", err);
    assert_null(strchr(err, '\n'));
    assert_null(info.cert_pem);
    assert_int_equal(ERR_peek_error(), 0);
}

static void test_tls_cert_without_key_is_rejected(void **state)
{
    struct am_tls_options o = {.cert_path = "/tmp/cert.pem"};
    struct am_tls_options k = {.key_path = "/tmp/key.pem"};
    struct am_tls_info info = {0};
    char err[256] = "";

    (void)state;
    assert_null(am_tls_ctx_new(&o, &info, err, sizeof(err)));
    assert_string_equal(err, "TLS setup: certificate file given without key file");
    assert_null(am_tls_ctx_new(&k, &info, err, sizeof(err)));
    assert_string_equal(err, "TLS setup: key file given without certificate file");
}

/* ---- healthcheck -------------------------------------------------------------------- */

/* A one-connection test server on 127.0.0.1: accepts, (TLS handshake when ctx is set),
 * reads the request head, answers `response` (or nothing when NULL) and closes. */
struct test_server {
    int lfd;
    int port;
    SSL_CTX *ctx;
    const char *response;
    int max_version; /* 0, or a client version ceiling to check refusal */
    char request[512];
    int handshake_ok;
    char sni[64]; /* server name the client sent, "" for none */
    unsigned long accept_reason;
    pthread_t th;
};

static void *server_main(void *arg)
{
    struct test_server *s = arg;
    struct pollfd p = {.fd = s->lfd, .events = POLLIN};
    struct timeval tv = {.tv_sec = 5};
    SSL *ssl = NULL;
    size_t got = 0;
    int fd;

    if (poll(&p, 1, 5000) != 1)
        return NULL;
    fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (s->ctx) {
        ssl = SSL_new(s->ctx);
        if (!ssl || SSL_set_fd(ssl, fd) != 1)
            goto out;
        if (SSL_accept(ssl) != 1) {
            s->accept_reason = ERR_GET_REASON(ERR_peek_error());
            ERR_clear_error();
            goto out;
        }
        s->handshake_ok = 1;
        if (SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
            snprintf(s->sni, sizeof(s->sni), "%s",
                     SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
    }
    while (got + 1 < sizeof(s->request)) {
        size_t n = 0;
        ssize_t r;

        if (ssl) {
            r = SSL_read_ex(ssl, s->request + got, sizeof(s->request) - 1 - got, &n) == 1
                    ? (ssize_t)n
                    : -1;
        } else {
            r = recv(fd, s->request + got, sizeof(s->request) - 1 - got, 0);
        }
        if (r <= 0)
            break;
        got += (size_t)r;
        s->request[got] = '\0';
        if (strstr(s->request, "\r\n\r\n"))
            break;
    }
    if (s->response) {
        size_t len = strlen(s->response), n = 0;

        if (ssl)
            (void)SSL_write_ex(ssl, s->response, len, &n);
        else
            (void)send(fd, s->response, len, MSG_NOSIGNAL);
    } else {
        char c;

        /* Silent: hold the connection until the client gives up. */
        if (ssl)
            (void)SSL_read_ex(ssl, &c, 1, &got);
        else
            (void)recv(fd, &c, 1, 0);
    }
    if (ssl)
        (void)SSL_shutdown(ssl);
out:
    SSL_free(ssl);
    ERR_clear_error();
    close(fd);
    return NULL;
}

static void server_start(struct test_server *s, SSL_CTX *ctx, const char *response)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);

    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    s->response = response;
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s->lfd >= 0);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->lfd, 4), 0);
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &alen), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->th, NULL, server_main, s), 0);
}

static void server_join(struct test_server *s)
{
    assert_int_equal(pthread_join(s->th, NULL), 0);
    close(s->lfd);
}

static const char expected_request[] = "GET /__mock/health HTTP/1.1\r\n"
                                       "Host: 127.0.0.1\r\n"
                                       "User-Agent: asaas-mock-healthcheck\r\n"
                                       "Connection: close\r\n\r\n";

static void test_tls_healthcheck_closed_port_fails_within_timeout(void **state)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int64_t t0;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    close(fd);

    t0 = mono_ms();
    assert_int_equal(am_tls_healthcheck("127.0.0.1", ntohs(a.sin_port), 0, 2000), 1);
    assert_int_equal(am_tls_healthcheck("127.0.0.1", ntohs(a.sin_port), 1, 2000), 1);
    assert_true(mono_ms() - t0 < 2000 * am_test_time_scale());
}

static void test_tls_healthcheck_rejects_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(am_tls_healthcheck(NULL, 443, 0, 100), 1);
    assert_int_equal(am_tls_healthcheck("127.0.0.1", 0, 0, 100), 1);
    assert_int_equal(am_tls_healthcheck("127.0.0.1", 65536, 0, 100), 1);
    assert_int_equal(am_tls_healthcheck("127.0.0.1", 443, 0, 0), 1);
}

static void test_tls_healthcheck_succeeds_against_tls_200(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    struct test_server s;

    (void)state;
    server_start(&s, ctx, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 0, 5000), 0);
    server_join(&s);
    assert_int_equal(s.handshake_ok, 1);
    assert_string_equal(s.sni, ""); /* no SNI for an IP literal (RFC 6066) */
    assert_string_equal(s.request, expected_request);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

/* A name goes through getaddrinfo (localhost may resolve to ::1 first, where nothing
 * listens: the next address must be tried) and is sent as SNI and Host. */
static void test_tls_healthcheck_resolves_name_and_sends_sni(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    struct test_server s;

    (void)state;
    server_start(&s, ctx, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("localhost", s.port, 0, 5000), 0);
    server_join(&s);
    assert_string_equal(s.sni, "localhost");
    assert_string_equal(s.request, "GET /__mock/health HTTP/1.1\r\n"
                                   "Host: localhost\r\n"
                                   "User-Agent: asaas-mock-healthcheck\r\n"
                                   "Connection: close\r\n\r\n");
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_healthcheck_succeeds_against_plaintext_200(void **state)
{
    struct test_server s;

    (void)state;
    server_start(&s, NULL, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 1, 5000), 0);
    server_join(&s);
    assert_string_equal(s.request, expected_request);
}

static void test_tls_healthcheck_fails_on_non_200(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    struct test_server s;

    (void)state;
    server_start(&s, ctx, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 0, 5000), 1);
    server_join(&s);
    /* "200" must be the status code, not a prefix of it. */
    server_start(&s, NULL, "HTTP/1.1 2000 Odd\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 1, 5000), 1);
    server_join(&s);
    server_start(&s, NULL, "HTTP/1.0 200 OK\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 1, 5000), 1);
    server_join(&s);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

static void test_tls_healthcheck_tls_against_plaintext_server_fails(void **state)
{
    struct test_server s;

    (void)state;
    server_start(&s, NULL, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 0, 500), 1);
    server_join(&s);
}

static void test_tls_healthcheck_silent_server_times_out(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    struct test_server s;
    int64_t t0, dt;

    (void)state;
    server_start(&s, ctx, NULL);
    t0 = mono_ms();
    assert_int_equal(am_tls_healthcheck("127.0.0.1", s.port, 0, 300), 1);
    dt = mono_ms() - t0;
    server_join(&s);
    assert_true(dt >= 250);
    assert_true(dt < 1000 * am_test_time_scale());
    assert_int_equal(s.handshake_ok, 1);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

/* The server must refuse a client that tops out at TLS 1.1 (the client is allowed to
 * offer it at security level 0, so the refusal is the server's). */
static void test_tls_server_refuses_tls11_client(void **state)
{
    struct am_tls_info info;
    SSL_CTX *ctx = generate(NULL, 0, NULL, &info);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct test_server s;
    struct timeval tv = {.tv_sec = 5};
    SSL *ssl;
    int fd;

    (void)state;
    assert_non_null(cctx);
    SSL_CTX_set_security_level(cctx, 0);
    assert_int_equal(SSL_CTX_set_cipher_list(cctx, "DEFAULT:@SECLEVEL=0"), 1);
    assert_int_equal(SSL_CTX_set_min_proto_version(cctx, TLS1_VERSION), 1);
    assert_int_equal(SSL_CTX_set_max_proto_version(cctx, TLS1_1_VERSION), 1);
    server_start(&s, ctx, "HTTP/1.1 200 OK\r\n\r\n");
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    a.sin_port = htons((uint16_t)s.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ssl = SSL_new(cctx);
    assert_non_null(ssl);
    assert_int_equal(SSL_set_fd(ssl, fd), 1);
    assert_int_not_equal(SSL_connect(ssl), 1);
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
    server_join(&s);
    assert_int_equal(s.handshake_ok, 0);
    assert_int_equal(s.accept_reason, SSL_R_UNSUPPORTED_PROTOCOL);
    SSL_CTX_free(cctx);
    free(info.cert_pem);
    SSL_CTX_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_generated_cert_has_exactly_default_and_extra_sans),
        cmocka_unit_test(test_tls_extra_sans_classify_ipv6_wildcard_and_skip_duplicates),
        cmocka_unit_test(test_tls_generated_key_matches_and_self_signature_verifies),
        cmocka_unit_test(test_tls_generated_cert_fields_validity_serial_and_extensions),
        cmocka_unit_test(test_tls_generated_serials_differ),
        cmocka_unit_test(test_tls_ctx_allows_only_tls12_and_tls13_with_hardening_options),
        cmocka_unit_test(test_tls_fingerprint_is_colon_hex_sha256_of_der_and_pem_is_leaf),
        cmocka_unit_test(test_tls_writes_ca_out_pem_0644_without_key_or_temp_files),
        cmocka_unit_test(test_tls_unwritable_ca_out_fails_with_path_in_message),
        cmocka_unit_test(test_tls_rejects_san_with_space),
        cmocka_unit_test(test_tls_rejects_san_config_injection),
        cmocka_unit_test(test_tls_rejects_malformed_san_names),
        cmocka_unit_test(test_tls_loads_certificate_and_key_files),
        cmocka_unit_test(test_tls_mismatched_key_file_fails),
        cmocka_unit_test(test_tls_loads_traditional_ec_key_file),
        cmocka_unit_test(test_tls_key_of_another_type_fails_as_mismatch),
        cmocka_unit_test(test_tls_garbage_key_file_fails_with_path),
        cmocka_unit_test(test_tls_missing_key_file_fails_with_message),
        cmocka_unit_test(test_tls_missing_certificate_file_fails_with_message),
        cmocka_unit_test(test_tls_cert_without_key_is_rejected),
        cmocka_unit_test(test_tls_healthcheck_closed_port_fails_within_timeout),
        cmocka_unit_test(test_tls_healthcheck_rejects_bad_arguments),
        cmocka_unit_test(test_tls_healthcheck_succeeds_against_tls_200),
        cmocka_unit_test(test_tls_healthcheck_resolves_name_and_sends_sni),
        cmocka_unit_test(test_tls_healthcheck_succeeds_against_plaintext_200),
        cmocka_unit_test(test_tls_healthcheck_fails_on_non_200),
        cmocka_unit_test(test_tls_healthcheck_tls_against_plaintext_server_fails),
        cmocka_unit_test(test_tls_healthcheck_silent_server_times_out),
        cmocka_unit_test(test_tls_server_refuses_tls11_client),
    };

    return cmocka_run_group_tests_name("tls", tests, NULL, NULL);
}

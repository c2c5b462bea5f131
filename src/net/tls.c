/* tls.c - the server's SSL_CTX (loaded or self-signed certificate) and the healthcheck
 * client. See tls.h. */
#include "tls.h"

#include "errmsg.h"

#include "atomic_file.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CERT_CN "asaas-mock"
#define CERT_DAYS 825L
#define CERT_BACKDATE_SECS 300L
#define SERIAL_BITS 127 /* top bit forced: always 16 DER bytes, always positive */
#define MAX_SAN_LEN 253 /* longest DNS name */

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    if (!err || err_len == 0)
        return;
    va_start(ap, fmt);
    am_err_vprefixed(err, err_len, 0, NULL, NULL, NULL, fmt, ap);
    va_end(ap);
    /* One line, whatever OpenSSL's data strings contained. */
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

/* "what: reason (data)" from the oldest queued error (the root cause), then empties the
 * queue so a stale error cannot mislead a later SSL_get_error on this thread. */
static void set_openssl_err(char *err, size_t err_len, const char *what)
{
    const char *data = NULL;
    int flags = 0;
    unsigned long code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
    const char *reason = NULL;
    char fallback[32];
    int has_data = data && (flags & ERR_TXT_STRING) && data[0] != '\0';

    if (code != 0) {
        reason = ERR_reason_error_string(code);
        if (!reason && ERR_SYSTEM_ERROR(code))
            reason = strerror(ERR_GET_REASON(code));
        if (!reason) {
            snprintf(fallback, sizeof(fallback), "error %08lX", code);
            reason = fallback;
        }
    } else {
        reason = "unknown error";
    }
    set_err(err, err_len, "%s: %s%s%s%s", what, reason, has_data ? " (" : "",
            has_data ? data : "", has_data ? ")" : "");
    ERR_clear_error();
}

/* Copy of s for messages: printable ASCII only, truncated. */
static void printable_copy(const char *s, char *out, size_t out_len)
{
    size_t i = 0;

    for (; s[i] && i + 1 < out_len; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[i] = '\0';
}

/* ---- subjectAltName ------------------------------------------------------------------ */

/* Checks one extra SAN and classifies it. The SAN extension is built from GENERAL_NAME
 * objects, not from an OpenSSL config string, so "x,DNS:evil" could not inject anyway;
 * the character check still rejects it with a clear message. */
static int classify_san(const char *s, int *ret_type, unsigned char ip[16], int *ret_iplen,
                        char *err, size_t err_len)
{
    char shown[72];
    size_t len = strlen(s);

    printable_copy(s, shown, sizeof(shown));
    if (len == 0 || len > MAX_SAN_LEN) {
        set_err(err, err_len, "extra SAN \"%s\": must be 1 to %d characters", shown,
                MAX_SAN_LEN);
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '*' || c == ':';

        if (!ok) {
            set_err(err, err_len,
                    "extra SAN \"%s\": invalid character at offset %zu "
                    "(allowed: letters, digits, '.', '-', '*', ':')",
                    shown, i);
            return -EINVAL;
        }
    }
    if (inet_pton(AF_INET, s, ip) == 1) {
        *ret_type = GEN_IPADD;
        *ret_iplen = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, s, ip) == 1) {
        *ret_type = GEN_IPADD;
        *ret_iplen = 16;
        return 0;
    }
    if (strchr(s, ':')) {
        set_err(err, err_len, "extra SAN \"%s\": ':' is only valid in an IPv6 address", shown);
        return -EINVAL;
    }
    /* Wildcard only as the whole leftmost label, as certificate verifiers expect. */
    if (strchr(s + 1, '*') || (s[0] == '*' && s[1] != '.')) {
        set_err(err, err_len, "extra SAN \"%s\": '*' is only valid as a leading \"*.\" label",
                shown);
        return -EINVAL;
    }
    if (s[0] == '.' || s[len - 1] == '.' || strstr(s, "..")) {
        set_err(err, err_len, "extra SAN \"%s\": empty DNS label", shown);
        return -EINVAL;
    }
    *ret_type = GEN_DNS;
    *ret_iplen = 0;
    return 0;
}

static int gens_contains(const GENERAL_NAMES *gens, int type, const unsigned char *data,
                         int len)
{
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        int gtype = 0;
        const ASN1_STRING *v = GENERAL_NAME_get0_value(g, &gtype);

        if (gtype != type || ASN1_STRING_length(v) != len)
            continue;
        if (type == GEN_DNS ? strncasecmp((const char *)ASN1_STRING_get0_data(v),
                                          (const char *)data, (size_t)len) == 0
                            : memcmp(ASN1_STRING_get0_data(v), data, (size_t)len) == 0)
            return 1;
    }
    return 0;
}

/* Appends a DNS (data = name) or IP (data = 4/16 octets) entry unless already present.
 * Returns 0 or -ENOMEM. */
static int gens_add(GENERAL_NAMES *gens, int type, const void *data, int len)
{
    GENERAL_NAME *g = NULL;
    ASN1_STRING *v = NULL;

    if (gens_contains(gens, type, data, len))
        return 0;
    v = type == GEN_DNS ? ASN1_IA5STRING_new() : ASN1_OCTET_STRING_new();
    if (!v || !ASN1_STRING_set(v, data, len))
        goto fail;
    g = GENERAL_NAME_new();
    if (!g)
        goto fail;
    GENERAL_NAME_set0_value(g, type, v);
    v = NULL;
    if (!sk_GENERAL_NAME_push(gens, g))
        goto fail;
    return 0;
fail:
    ASN1_STRING_free(v);
    GENERAL_NAME_free(g);
    return -ENOMEM;
}

static int add_san_ext(X509 *x, const struct am_tls_options *opts, char *err, size_t err_len)
{
    static const unsigned char lo4[4] = {127, 0, 0, 1};
    static const unsigned char lo6[16] = {[15] = 1};
    GENERAL_NAMES *gens = NULL;
    int r = -ENOMEM;

    gens = sk_GENERAL_NAME_new_null();
    if (!gens)
        goto oom;
    if (gens_add(gens, GEN_DNS, "localhost", 9) < 0 || gens_add(gens, GEN_IPADD, lo4, 4) < 0 ||
        gens_add(gens, GEN_IPADD, lo6, 16) < 0)
        goto oom;
    for (size_t i = 0; i < opts->n_extra_sans; i++) {
        const char *s = opts->extra_sans[i];
        unsigned char ip[16];
        int type = 0, iplen = 0;

        if (!s) {
            set_err(err, err_len, "extra SAN #%zu is NULL", i);
            r = -EINVAL;
            goto out;
        }
        r = classify_san(s, &type, ip, &iplen, err, err_len);
        if (r < 0)
            goto out;
        r = type == GEN_DNS ? gens_add(gens, GEN_DNS, s, (int)strlen(s))
                            : gens_add(gens, GEN_IPADD, ip, iplen);
        if (r < 0)
            goto oom;
    }
    if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) != 1) {
        set_openssl_err(err, err_len, "adding subjectAltName");
        r = -EIO;
        goto out;
    }
    r = 0;
    goto out;
oom:
    set_openssl_err(err, err_len, "building subjectAltName");
    r = -ENOMEM;
out:
    GENERAL_NAMES_free(gens);
    return r;
}

/* ---- self-signed certificate ------------------------------------------------------- */

static int add_conf_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value, char *err,
                        size_t err_len)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, v3, nid, value);
    int r = 0;

    if (!ext || X509_add_ext(x, ext, -1) != 1) {
        char what[96];

        snprintf(what, sizeof(what), "adding %s", OBJ_nid2sn(nid));
        set_openssl_err(err, err_len, what);
        r = -EIO;
    }
    X509_EXTENSION_free(ext);
    return r;
}

/* Builds a self-signed CA:TRUE certificate (clients trust it directly with --cacert).
 * On success *ret_pkey and *ret_cert are new objects owned by the caller. */
static int generate_cert(const struct am_tls_options *opts, EVP_PKEY **ret_pkey,
                         X509 **ret_cert, char *err, size_t err_len)
{
    EVP_PKEY *pkey = NULL;
    X509 *x = NULL;
    BIGNUM *bn = NULL;
    ASN1_INTEGER *serial = NULL;
    X509_NAME *name = NULL;
    X509V3_CTX v3;
    int r = -EIO;

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!pkey) {
        set_openssl_err(err, err_len, "generating EC P-256 key");
        goto out;
    }
    x = X509_new();
    bn = BN_new();
    if (!x || !bn) {
        set_openssl_err(err, err_len, "allocating certificate");
        goto out;
    }
    if (X509_set_version(x, X509_VERSION_3) != 1) {
        set_openssl_err(err, err_len, "setting certificate version");
        goto out;
    }
    /* Random serial: NSS rejects a reused issuer+serial with a different key. */
    if (BN_rand(bn, SERIAL_BITS, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
        !(serial = BN_to_ASN1_INTEGER(bn, NULL)) || X509_set_serialNumber(x, serial) != 1) {
        set_openssl_err(err, err_len, "setting certificate serial");
        goto out;
    }
    /* Backdated a little to absorb clock skew between containers. */
    if (!X509_gmtime_adj(X509_getm_notBefore(x), -CERT_BACKDATE_SECS) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), CERT_DAYS * 86400L)) {
        set_openssl_err(err, err_len, "setting certificate validity");
        goto out;
    }
    if (X509_set_pubkey(x, pkey) != 1) {
        set_openssl_err(err, err_len, "setting certificate public key");
        goto out;
    }
    name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)CERT_CN,
                                   -1, -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1) {
        set_openssl_err(err, err_len, "setting certificate name");
        goto out;
    }
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    r = add_san_ext(x, opts, err, err_len);
    if (r < 0)
        goto out;
    r = -EIO;
    if (add_conf_ext(x, &v3, NID_basic_constraints, "critical,CA:TRUE", err, err_len) < 0 ||
        add_conf_ext(x, &v3, NID_key_usage, "critical,digitalSignature,keyCertSign", err,
                     err_len) < 0 ||
        add_conf_ext(x, &v3, NID_ext_key_usage, "serverAuth", err, err_len) < 0 ||
        add_conf_ext(x, &v3, NID_subject_key_identifier, "hash", err, err_len) < 0)
        goto out;
    if (X509_sign(x, pkey, EVP_sha256()) <= 0) {
        set_openssl_err(err, err_len, "signing certificate");
        goto out;
    }
    *ret_pkey = pkey;
    *ret_cert = x;
    pkey = NULL;
    x = NULL;
    r = 0;
out:
    ASN1_INTEGER_free(serial);
    BN_free(bn);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return r;
}

/* ---- export ------------------------------------------------------------------------ */

/* Returns a new NUL-terminated PEM string (free()), or NULL. */
static char *cert_to_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data = NULL, *pem = NULL;
    long len;

    if (!b || PEM_write_bio_X509(b, x) != 1)
        goto out;
    len = BIO_get_mem_data(b, &data);
    if (len <= 0)
        goto out;
    pem = malloc((size_t)len + 1);
    if (!pem)
        goto out;
    memcpy(pem, data, (size_t)len);
    pem[len] = '\0';
out:
    BIO_free(b);
    return pem;
}

static int fingerprint_sha256(const X509 *x, char out[96])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const char digits[] = "0123456789ABCDEF";

    if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n != 32)
        return -EIO;
    for (unsigned int i = 0; i < n; i++) {
        out[3 * i] = digits[md[i] >> 4];
        out[3 * i + 1] = digits[md[i] & 0xf];
        out[3 * i + 2] = i + 1 < n ? ':' : '\0';
    }
    return 0;
}

/* ---- context ----------------------------------------------------------------------- */

/* The key file for the certificate already in ctx. OpenSSL's generic PEM reader tries the
 * decoders of every key type (~4 M instructions, a quarter of the start-up before the first
 * answer, issue 12); asking only for the certificate's key type costs ~1 M. Whatever that
 * does not read (another type, an encrypted key) goes the generic way, so every error
 * reads as before. */
static int use_private_key_file(SSL_CTX *ctx, const char *path)
{
    X509 *leaf = SSL_CTX_get0_certificate(ctx);
    EVP_PKEY *pub = leaf ? X509_get0_pubkey(leaf) : NULL;
    const char *type = pub ? EVP_PKEY_get0_type_name(pub) : NULL;
    OSSL_DECODER_CTX *dctx = NULL;
    EVP_PKEY *pkey = NULL;
    BIO *in = NULL;
    int ok = 0;

    if (type) {
        ERR_set_mark();
        in = BIO_new_file(path, "r");
        dctx = in ? OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, type, EVP_PKEY_KEYPAIR,
                                                  NULL, NULL)
                  : NULL;
        ok = dctx && OSSL_DECODER_from_bio(dctx, in) == 1 && pkey &&
             SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
        OSSL_DECODER_CTX_free(dctx);
        BIO_free(in);
        EVP_PKEY_free(pkey);
        ERR_pop_to_mark();
    }
    return ok ? 1 : SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM);
}

SSL_CTX *am_tls_ctx_new(const struct am_tls_options *opts, struct am_tls_info *info, char *err,
                        size_t err_len)
{
    SSL_CTX *ctx = NULL, *ret = NULL;
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    X509 *leaf = NULL; /* borrowed from ctx */
    struct am_tls_info out = {0};
    char what[512];

    if (err && err_len)
        err[0] = '\0';
    if (!opts || !info) {
        set_err(err, err_len, "TLS setup: missing options");
        return NULL;
    }
    if (!opts->cert_path != !opts->key_path) {
        set_err(err, err_len, "TLS setup: %s given without %s",
                opts->cert_path ? "certificate file" : "key file",
                opts->cert_path ? "key file" : "certificate file");
        return NULL;
    }
    if (opts->n_extra_sans > 0 && !opts->extra_sans) {
        set_err(err, err_len, "TLS setup: extra SAN list is NULL");
        return NULL;
    }
    ERR_clear_error();

    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        set_openssl_err(err, err_len, "creating SSL_CTX");
        goto out;
    }
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
        set_openssl_err(err, err_len, "restricting TLS versions");
        goto out;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    /* Idle connections give their read/write buffers back: idle RSS matters. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

    if (opts->cert_path) {
        if (SSL_CTX_use_certificate_chain_file(ctx, opts->cert_path) != 1) {
            snprintf(what, sizeof(what), "loading certificate chain %s", opts->cert_path);
            set_openssl_err(err, err_len, what);
            goto out;
        }
        if (use_private_key_file(ctx, opts->key_path) != 1) {
            snprintf(what, sizeof(what), "loading private key %s", opts->key_path);
            set_openssl_err(err, err_len, what);
            goto out;
        }
    } else {
        if (generate_cert(opts, &pkey, &cert, err, err_len) < 0)
            goto out;
        if (SSL_CTX_use_certificate(ctx, cert) != 1) {
            set_openssl_err(err, err_len, "installing generated certificate");
            goto out;
        }
        if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1) {
            set_openssl_err(err, err_len, "installing generated key");
            goto out;
        }
        out.generated = 1;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        set_openssl_err(err, err_len, "private key does not match certificate");
        goto out;
    }
    leaf = SSL_CTX_get0_certificate(ctx);
    if (!leaf || fingerprint_sha256(leaf, out.fingerprint_sha256) < 0) {
        set_openssl_err(err, err_len, "computing certificate fingerprint");
        goto out;
    }
    out.cert_pem = cert_to_pem(leaf);
    if (!out.cert_pem) {
        set_openssl_err(err, err_len, "encoding certificate as PEM");
        goto out;
    }
    /* Mode 0644: the certificate is public. */
    if (opts->ca_out_path && am_atomic_write(opts->ca_out_path, NULL, out.cert_pem,
                                             strlen(out.cert_pem), 0644, err, err_len) < 0)
        goto out;

    *info = out;
    out.cert_pem = NULL;
    ret = ctx;
    ctx = NULL;
out:
    free(out.cert_pem);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return ret;
}

/* ---- healthcheck client ------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - now_ms();

    return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* Waits for events on fd until the deadline. Returns 1 when ready, 0 on timeout/error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int left = remaining_ms(deadline);
        int n;

        if (left == 0)
            return 0;
        n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        return n > 0;
    }
}

/* Returns a connected non-blocking socket, or -1. */
static int connect_deadline(const char *host, int port, int64_t deadline)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char service[8];
    int fd = -1;

    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        int soerr = 0;
        socklen_t slen = sizeof(soerr);

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == 0 && soerr == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Drives one SSL call that wants I/O until the deadline. Returns the call's result (> 0)
 * or -1. */
static int ssl_wait(SSL *ssl, int fd, int rc, int64_t deadline)
{
    switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        return wait_fd(fd, POLLIN, deadline) ? 0 : -1;
    case SSL_ERROR_WANT_WRITE:
        return wait_fd(fd, POLLOUT, deadline) ? 0 : -1;
    default:
        return -1;
    }
}

/* Sends the request and reads the start of the answer into buf (NUL-terminated).
 * Returns bytes read, or -1. */
static int exchange(SSL *ssl, int fd, const char *req, size_t req_len, char *buf,
                    size_t buf_len, int64_t deadline)
{
    size_t off = 0, got = 0;

    if (ssl) {
        int rc;

        ERR_clear_error();
        while ((rc = SSL_connect(ssl)) != 1)
            if (ssl_wait(ssl, fd, rc, deadline) < 0)
                return -1;
    }
    while (off < req_len) {
        ssize_t w;

        if (ssl) {
            size_t n = 0;
            int rc = SSL_write_ex(ssl, req + off, req_len - off, &n);

            if (rc != 1) {
                if (ssl_wait(ssl, fd, rc, deadline) < 0)
                    return -1;
                continue;
            }
            w = (ssize_t)n;
        } else {
            w = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_fd(fd, POLLOUT, deadline))
                    return -1;
                continue;
            }
            if (w <= 0)
                return -1;
        }
        off += (size_t)w;
    }
    /* The status line is all we need: stop at its end or when the buffer is full. */
    while (got + 1 < buf_len && !memchr(buf, '\n', got)) {
        ssize_t r;

        if (ssl) {
            size_t n = 0;
            int rc = SSL_read_ex(ssl, buf + got, buf_len - 1 - got, &n);

            if (rc != 1) {
                int e = SSL_get_error(ssl, rc);

                if (e == SSL_ERROR_ZERO_RETURN)
                    break;
                if (ssl_wait(ssl, fd, rc, deadline) < 0)
                    break;
                continue;
            }
            r = (ssize_t)n;
        } else {
            r = recv(fd, buf + got, buf_len - 1 - got, 0);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_fd(fd, POLLIN, deadline))
                    break;
                continue;
            }
            if (r <= 0)
                break;
        }
        got += (size_t)r;
    }
    buf[got] = '\0';
    return (int)got;
}

int am_tls_healthcheck(const char *host, int port, int plaintext, int timeout_ms)
{
    static const char path[] = "/__mock/health";
    int64_t deadline;
    SSL_CTX *cctx = NULL;
    SSL *ssl = NULL;
    char *req = NULL;
    char buf[64];
    unsigned char ipbuf[16];
    sigset_t block, old, pending;
    int fd = -1, n, req_len, result = 1, had_sigpipe = 0;

    if (!host || !*host || port <= 0 || port > 65535 || timeout_ms <= 0)
        return 1;
    deadline = now_ms() + timeout_ms;

    /* OpenSSL writes with write(): keep a closed peer from killing us with SIGPIPE,
     * without touching the process-wide disposition. */
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigpending(&pending);
    had_sigpipe = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);

    req_len = asprintf(&req,
                       "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: asaas-mock-healthcheck\r\n"
                       "Connection: close\r\n\r\n",
                       path, host);
    if (req_len < 0) {
        req = NULL;
        goto out;
    }
    fd = connect_deadline(host, port, deadline);
    if (fd < 0)
        goto out;
    if (!plaintext) {
        cctx = SSL_CTX_new(TLS_client_method());
        if (!cctx || SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION) != 1)
            goto out;
        /* Only asks whether our own server is up: no verification by design. */
        SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
        ssl = SSL_new(cctx);
        if (!ssl || SSL_set_fd(ssl, fd) != 1)
            goto out;
        /* RFC 6066: SNI carries host names only, never IP literals. */
        if (inet_pton(AF_INET, host, ipbuf) != 1 && inet_pton(AF_INET6, host, ipbuf) != 1 &&
            SSL_set_tlsext_host_name(ssl, host) != 1)
            goto out;
    }
    n = exchange(ssl, fd, req, (size_t)req_len, buf, sizeof(buf), deadline);
    if (n >= 13 && memcmp(buf, "HTTP/1.1 200", 12) == 0 && (buf[12] == ' ' || buf[12] == '\r'))
        result = 0;
    if (ssl && result == 0)
        (void)SSL_shutdown(ssl); /* polite close_notify; never waits */
out:
    SSL_free(ssl);
    SSL_CTX_free(cctx);
    if (fd >= 0)
        close(fd);
    free(req);
    ERR_clear_error();
    if (!had_sigpipe) {
        struct timespec zero = {0, 0};

        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE))
            (void)sigtimedwait(&block, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return result;
}

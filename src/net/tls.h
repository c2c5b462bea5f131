/* tls.h - the server's TLS context and certificate, and the healthcheck client
 * (adapter layer: the only module besides server.c and crypto.c that includes OpenSSL).
 *
 * am_tls_ctx_new() returns an SSL_CTX restricted to TLS 1.2 and 1.3 with either the given
 * certificate/key files or a freshly generated self-signed EC P-256 certificate whose
 * SANs are localhost, 127.0.0.1, ::1 plus the extra names. The caller owns the returned
 * SSL_CTX (SSL_CTX_free). */
#ifndef AM_TLS_H
#define AM_TLS_H

#include <stddef.h>

typedef struct ssl_ctx_st SSL_CTX;

struct am_tls_options {
    const char *cert_path; /* both set: load these; both NULL: generate */
    const char *key_path;
    const char *const *extra_sans; /* extra DNS names or IP literals */
    size_t n_extra_sans;
    const char *ca_out_path; /* where to write the certificate PEM, or NULL */
};

struct am_tls_info {
    char fingerprint_sha256[96]; /* "AB:CD:..." of the leaf certificate */
    char *cert_pem;              /* the certificate in PEM (owned; free()) */
    int generated;               /* 1 when generated at start */
};

/* Builds the context. On failure writes a one-line reason (OpenSSL's queue drained)
 * into err and returns NULL. info is filled on success; free info->cert_pem. */
SSL_CTX *am_tls_ctx_new(const struct am_tls_options *opts, struct am_tls_info *info, char *err,
                        size_t err_len);

/* Healthcheck client: TLS connect to host:port (no certificate verification: it only
 * asks whether our own server is up), send "GET /__mock/health", return 0 when the
 * answer is HTTP 200 within timeout_ms, 1 otherwise. plaintext = 1 speaks plain HTTP. */
int am_tls_healthcheck(const char *host, int port, int plaintext, int timeout_ms);

#endif

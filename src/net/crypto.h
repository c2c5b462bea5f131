/* crypto.h - the few primitives the pure core needs, backed by OpenSSL (adapter layer).
 *
 * Pure modules call these instead of including <openssl/...>, so unit tests and fuzzers
 * link them like any other function. Nothing the caller gets is owned: the hashing keeps
 * per-thread state (a digest context, am_sha256_memo's table) allocated once, until exit. */
#ifndef AM_CRYPTO_H
#define AM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_SHA256_LEN 32

/* SHA-256 of data into out. */
void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN]);

/* am_sha256() for a secret presented again and again (an API key on every request):
 * the digest is remembered under a keyed SipHash-128 tag of the text, never the text,
 * in a small per-thread table, so a repeat costs a SipHash (~1.5k instructions) instead
 * of a SHA-256 (~6.5k). Same digest as am_sha256() in every case. */
void am_sha256_memo(const void *data, size_t len, uint8_t out[AM_SHA256_LEN]);

/* Constant-time equality of two buffers of the same length. */
bool am_ct_equal(const void *a, const void *b, size_t len);

/* Cryptographically random bytes. Returns 0, or -EIO when the RNG fails. */
int am_random_bytes(void *buf, size_t len);

/* Lower-case hex of len bytes into out (2*len+1 bytes, NUL-terminated). */
void am_hex(const uint8_t *data, size_t len, char *out);

/* Parses exactly 2*len hex digits (either case). Returns 0 or -EINVAL. */
int am_unhex(const char *hex, uint8_t *out, size_t len);

/* Standard base64 (with padding) of len bytes. out must hold 4*((len+2)/3)+1 bytes. */
void am_base64(const uint8_t *data, size_t len, char *out);

#endif

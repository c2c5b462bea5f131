/* crypto.c - OpenSSL-backed primitives for the pure core (see crypto.h). */
#include "crypto.h"
#include "ascii.h"

#include <errno.h>
#include <pthread.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* SHA256() fetches the algorithm from the provider store on every call (a locked name
 * lookup, most of its cost for short inputs); fetch it once. Immutable once fetched, so
 * threads may share it; it lives until exit. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN])
{
    pthread_once(&sha256_once, sha256_fetch);
    if (!sha256_md || EVP_Digest(data, len, out, NULL, sha256_md, NULL) != 1)
        SHA256(data, len, out); /* the one-shot path: same digest, slower */
}

bool am_ct_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

int am_random_bytes(void *buf, size_t len)
{
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

void am_hex(const uint8_t *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0xf];
    }
    out[2 * len] = '\0';
}

int am_unhex(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = am_ascii_hex(hex[2 * i]);
        int lo = hi < 0 ? -1 : am_ascii_hex(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[2 * len] == '\0' ? 0 : -EINVAL;
}

void am_base64(const uint8_t *data, size_t len, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
}

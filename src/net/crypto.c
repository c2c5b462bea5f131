/* crypto.c - OpenSSL-backed primitives for the pure core (see crypto.h). */
#include "crypto.h"
#include "ascii.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* SHA256() fetches the algorithm from the provider store on every call (a locked name
 * lookup, most of its cost for short inputs); fetch it once. Immutable once fetched, so
 * threads may share it; it lives until exit. Each thread reuses one digest context too
 * (EVP_Digest() would allocate and free one per call). */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static __thread EVP_MD_CTX *sha256_ctx;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN])
{
    pthread_once(&sha256_once, sha256_fetch);
    if (sha256_md && !sha256_ctx)
        sha256_ctx = EVP_MD_CTX_new();
    if (!sha256_md || !sha256_ctx || EVP_DigestInit_ex2(sha256_ctx, sha256_md, NULL) != 1 ||
        EVP_DigestUpdate(sha256_ctx, data, len) != 1 ||
        EVP_DigestFinal_ex(sha256_ctx, out, NULL) != 1)
        SHA256(data, len, out); /* the one-shot path: same digest, slower */
}

/* The memo of am_sha256_memo(): a direct-mapped table of (SipHash-128 tag, digest) per
 * thread. The SipHash key is random per process, so a tag says nothing about the text
 * and cannot be aimed at: finding another text with a remembered tag means breaking
 * SipHash as a PRF, a 2^-128 guess per try. The texts themselves are never kept. */
#define MEMO_SLOTS 64
#define MEMO_TAG_LEN 16

struct memo_slot {
    uint8_t tag[MEMO_TAG_LEN];
    uint8_t digest[AM_SHA256_LEN];
    bool used;
};

struct memo {
    EVP_MAC_CTX *mac; /* keyed once; every tag starts from it again */
    bool broken;      /* no MAC or no random key: always hash */
    struct memo_slot slot[MEMO_SLOTS];
};

static __thread struct memo *memo;

static struct memo *memo_get(void)
{
    static const size_t tag_len = MEMO_TAG_LEN;
    uint8_t key[16];
    EVP_MAC *sip;
    OSSL_PARAM params[2];

    if (memo)
        return memo->broken ? NULL : memo;
    memo = calloc(1, sizeof(*memo));
    if (!memo)
        return NULL;
    params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, (size_t *)&tag_len);
    params[1] = OSSL_PARAM_construct_end();
    sip = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
    memo->mac = sip ? EVP_MAC_CTX_new(sip) : NULL;
    EVP_MAC_free(sip); /* the context holds its own reference */
    if (!memo->mac || RAND_bytes(key, sizeof(key)) != 1 ||
        EVP_MAC_init(memo->mac, key, sizeof(key), params) != 1)
        memo->broken = true;
    OPENSSL_cleanse(key, sizeof(key));
    return memo->broken ? NULL : memo;
}

void am_sha256_memo(const void *data, size_t len, uint8_t out[AM_SHA256_LEN])
{
    struct memo *m = memo_get();
    uint8_t tag[MEMO_TAG_LEN];
    struct memo_slot *s;
    size_t tag_out = 0;

    /* A NULL key resets the context to the key set at start (the SipHash state is
     * copied again), cheaper than a new context per call. */
    if (!m || EVP_MAC_init(m->mac, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(m->mac, data, len) != 1 ||
        EVP_MAC_final(m->mac, tag, &tag_out, sizeof(tag)) != 1 || tag_out != sizeof(tag)) {
        am_sha256(data, len, out);
        return;
    }
    s = &m->slot[tag[0] % MEMO_SLOTS];
    if (s->used && CRYPTO_memcmp(s->tag, tag, sizeof(tag)) == 0) {
        memcpy(out, s->digest, AM_SHA256_LEN);
        return;
    }
    am_sha256(data, len, out);
    memcpy(s->tag, tag, sizeof(tag));
    memcpy(s->digest, out, AM_SHA256_LEN);
    s->used = true;
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

/* ids.c - splitmix64-based deterministic ids (see ids.h). */
#include "ids.h"

#include <stdio.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void am_ids_init(struct am_ids *ids, uint64_t seed)
{
    ids->state = seed;
    /* Customer numbers look like the real sandbox's (global, 7-9 digits). */
    ids->customer_seq = 1000000 + splitmix64(&ids->state) % 8000000;
    ids->request_seq = 0;
}

uint64_t am_ids_next(struct am_ids *ids)
{
    return splitmix64(&ids->state);
}

void am_ids_customer(struct am_ids *ids, char out[17])
{
    snprintf(out, 17, "cus_%012llu", (unsigned long long)(ids->customer_seq++ % 1000000000000ULL));
}

void am_ids_alnum(struct am_ids *ids, const char *prefix, unsigned n, char *out)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    size_t p = 0;

    while (prefix[p]) {
        out[p] = prefix[p];
        p++;
    }
    for (unsigned i = 0; i < n; i++)
        out[p + i] = alphabet[am_ids_next(ids) % 36];
    out[p + n] = '\0';
}

void am_ids_uuid(struct am_ids *ids, char out[37])
{
    uint64_t hi = am_ids_next(ids), lo = am_ids_next(ids);

    hi = (hi & ~0xf000ULL) | 0x4000ULL;                       /* version 4 */
    lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);       /* RFC 4122 variant */
    snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
             (unsigned long long)((hi >> 16) & 0xffff), (unsigned long long)(hi & 0xffff),
             (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffULL));
}

void am_ids_request(struct am_ids *ids, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    uint64_t v = am_ids_next(ids);

    /* "%016llx" by hand: one per request. */
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 0xf];
    out[16] = '\0';
    ids->request_seq++;
}

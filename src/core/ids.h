/* ids.h - deterministic id and randomness source (pure).
 *
 * With a seed, the same request sequence yields the same ids (--seed N); without one the
 * generator is seeded from the OS. splitmix64, not for secrets (keys use crypto.h).
 * Owned by the app; plain value type. */
#ifndef AM_IDS_H
#define AM_IDS_H

#include <stdint.h>

struct am_ids {
    uint64_t state;
    uint64_t customer_seq; /* next customer number (cus_ + 12 digits) */
    uint64_t request_seq;
};

/* Seeds the generator; the customer sequence starts at a seed-derived base. */
void am_ids_init(struct am_ids *ids, uint64_t seed);

uint64_t am_ids_next(struct am_ids *ids);

/* "cus_" + 12 zero-padded digits; out holds 17 bytes. */
void am_ids_customer(struct am_ids *ids, char out[17]);

/* prefix + n lowercase alphanumerics (pay_/sub_ use 16); out holds strlen(prefix)+n+1. */
void am_ids_alnum(struct am_ids *ids, const char *prefix, unsigned n, char *out);

/* UUID v4 text (37 bytes with NUL). */
void am_ids_uuid(struct am_ids *ids, char out[37]);

/* Request id: 16 lowercase hex digits (17 bytes with NUL). */
void am_ids_request(struct am_ids *ids, char out[17]);

#endif

/* audit.c - authentication-failure tracking and the incident list (see audit.h).
 *
 * Each tracked address keeps a small ring of (time bucket, count) pairs. Buckets are one
 * second wide while the window fits in the ring (exact counts); longer windows use
 * wider buckets, so a failure may be counted up to one bucket width longer than the
 * window. Memory is fixed at creation: AM_AUDIT_MAX_TRACKED addresses plus the incident
 * ring. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define RING 64
#define IP_LEN 48
#define HASH_CAP (2 * AM_AUDIT_MAX_TRACKED) /* power of two, load <= 1/2 */

struct bucket {
    int64_t idx;    /* time / granularity */
    uint32_t count;
};

struct tracked {
    char ip[IP_LEN];
    int64_t last_seen;
    bool alerted; /* crossed the threshold and has not dropped below it since */
    unsigned head, n;
    struct bucket ring[RING];
};

struct am_audit {
    unsigned threshold;
    int64_t window;
    int64_t granularity;

    struct tracked *addrs; /* AM_AUDIT_MAX_TRACKED slots, n_addrs in use */
    size_t n_addrs;
    uint16_t hash[HASH_CAP]; /* index + 1 into addrs, 0 = empty */

    struct am_incident *incidents;
    size_t max_incidents, incident_head, incident_count;
    uint64_t incident_total;
};

static size_t ip_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return (size_t)(h & (HASH_CAP - 1));
}

struct am_audit *am_audit_new(unsigned threshold, unsigned window_seconds, size_t max_incidents)
{
    struct am_audit *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->threshold = threshold;
    a->window = window_seconds ? window_seconds : 1;
    /* Ring of RING buckets must span the window plus the two partial buckets at its ends. */
    a->granularity = (a->window + (RING - 2) - 1) / (RING - 2);
    if (a->granularity < 1)
        a->granularity = 1;
    a->max_incidents = max_incidents;
    a->addrs = calloc(AM_AUDIT_MAX_TRACKED, sizeof(*a->addrs));
    if (max_incidents)
        a->incidents = calloc(max_incidents, sizeof(*a->incidents));
    if (!a->addrs || (max_incidents && !a->incidents)) {
        am_audit_free(a);
        return NULL;
    }
    return a;
}

void am_audit_free(struct am_audit *audit)
{
    if (!audit)
        return;
    free(audit->addrs);
    free(audit->incidents);
    free(audit);
}

/* Position in the hash table of ip, or of the empty slot where it would go. */
static size_t hash_probe(const struct am_audit *a, const char *ip)
{
    size_t j = ip_hash(ip);

    while (a->hash[j] && strcmp(a->addrs[a->hash[j] - 1].ip, ip) != 0)
        j = (j + 1) & (HASH_CAP - 1);
    return j;
}

/* Backward-shift deletion keeps linear-probe chains intact without tombstones. */
static void hash_remove(struct am_audit *a, size_t j)
{
    size_t i = j;

    a->hash[i] = 0;
    for (;;) {
        size_t home;

        j = (j + 1) & (HASH_CAP - 1);
        if (!a->hash[j])
            return;
        home = ip_hash(a->addrs[a->hash[j] - 1].ip);
        /* Move the entry back when its home is not cyclically in (i, j]. */
        if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
            a->hash[i] = a->hash[j];
            a->hash[j] = 0;
            i = j;
        }
    }
}

static const struct tracked *find(const struct am_audit *a, const char *ip)
{
    size_t j = hash_probe(a, ip);

    return a->hash[j] ? &a->addrs[a->hash[j] - 1] : NULL;
}

/* The tracked entry for ip, created (evicting the least recently seen when full). */
static struct tracked *find_or_add(struct am_audit *a, const char *ip)
{
    size_t j = hash_probe(a, ip), slot;
    struct tracked *t;

    if (a->hash[j])
        return &a->addrs[a->hash[j] - 1];
    if (a->n_addrs < AM_AUDIT_MAX_TRACKED) {
        slot = a->n_addrs++;
    } else {
        slot = 0;
        for (size_t i = 1; i < AM_AUDIT_MAX_TRACKED; i++) {
            if (a->addrs[i].last_seen < a->addrs[slot].last_seen)
                slot = i;
        }
        hash_remove(a, hash_probe(a, a->addrs[slot].ip));
        /* Removal may have shifted ip's probe position. */
        j = hash_probe(a, ip);
    }
    t = &a->addrs[slot];
    memset(t, 0, sizeof(*t));
    snprintf(t->ip, sizeof(t->ip), "%s", ip);
    a->hash[j] = (uint16_t)(slot + 1);
    return t;
}

static unsigned count_in_window(const struct am_audit *a, const struct tracked *t, int64_t now)
{
    int64_t lo = am_cal_floor_div(now - a->window + 1, a->granularity);
    uint64_t sum = 0;

    for (unsigned k = 0; k < t->n; k++) {
        const struct bucket *b = &t->ring[(t->head + k) % RING];

        if (b->idx >= lo)
            sum += b->count;
    }
    return sum > 0xffffffffu ? 0xffffffffu : (unsigned)sum;
}

bool am_audit_record_failure(struct am_audit *audit, const char *ip, int64_t now)
{
    char key[IP_LEN];
    struct tracked *t;
    int64_t cur;
    unsigned before;

    if (!audit)
        return false;
    /* Bound the key like the stored copy so lookups and inserts agree. */
    snprintf(key, sizeof(key), "%s", ip ? ip : "");
    t = find_or_add(audit, key);
    t->last_seen = now;
    before = count_in_window(audit, t, now);
    if (before < audit->threshold)
        t->alerted = false; /* re-arm */

    cur = am_cal_floor_div(now, audit->granularity);
    if (t->n > 0 && t->ring[(t->head + t->n - 1) % RING].idx >= cur) {
        /* Same bucket (or a clock that stepped back): count it with the newest. */
        struct bucket *last = &t->ring[(t->head + t->n - 1) % RING];

        if (last->count < UINT32_MAX)
            last->count++;
    } else {
        if (t->n == RING) {
            t->head = (t->head + 1) % RING;
            t->n--;
        }
        t->ring[(t->head + t->n) % RING] = (struct bucket){ .idx = cur, .count = 1 };
        t->n++;
    }

    if (audit->threshold == 0 || t->alerted || count_in_window(audit, t, now) < audit->threshold)
        return false;
    t->alerted = true;
    return true;
}

unsigned am_audit_failures(const struct am_audit *audit, const char *ip, int64_t now)
{
    char key[IP_LEN];
    const struct tracked *t;

    if (!audit)
        return 0;
    snprintf(key, sizeof(key), "%s", ip ? ip : "");
    t = find(audit, key);
    return t ? count_in_window(audit, t, now) : 0;
}

void am_audit_add_incident(struct am_audit *audit, int64_t at, const char *ip,
                           const char *redacted_key, const char *reason)
{
    struct am_incident *inc;

    if (!audit)
        return;
    audit->incident_total++;
    if (audit->max_incidents == 0)
        return;
    if (audit->incident_count == audit->max_incidents) {
        inc = &audit->incidents[audit->incident_head];
        audit->incident_head = (audit->incident_head + 1) % audit->max_incidents;
    } else {
        inc = &audit->incidents[(audit->incident_head + audit->incident_count) %
                                audit->max_incidents];
        audit->incident_count++;
    }
    memset(inc, 0, sizeof(*inc));
    inc->at = at;
    snprintf(inc->client_ip, sizeof(inc->client_ip), "%s", ip ? ip : "");
    snprintf(inc->redacted_key, sizeof(inc->redacted_key), "%s", redacted_key ? redacted_key : "");
    snprintf(inc->reason, sizeof(inc->reason), "%s", reason ? reason : "");
}

size_t am_audit_incident_count(const struct am_audit *audit)
{
    return audit ? audit->incident_count : 0;
}

uint64_t am_audit_incident_total(const struct am_audit *audit)
{
    return audit ? audit->incident_total : 0;
}

const struct am_incident *am_audit_incident_at(const struct am_audit *audit, size_t i)
{
    if (!audit || i >= audit->incident_count)
        return NULL;
    return &audit->incidents[(audit->incident_head + i) % audit->max_incidents];
}

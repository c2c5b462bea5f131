/* billing_impl.h - the inside of struct am_billing, shared by the billing*.c files only.
 *
 * Nothing outside src/domain/billing*.c includes this: everyone else goes through
 * billing.h. billing.c owns the state (create, free, events, ledger, storage,
 * installments, tokens, snapshots); billing_query.c the list queries; billing_render.c
 * the JSON rendering; billing_machine.c the payment state machine and the daily jobs.
 * The small containers below (vectors, string maps, group indexes and bitmaps over
 * payment seqs) are static inline here. The indexes are explained at the top of billing.c. */
#ifndef AM_BILLING_IMPL_H
#define AM_BILLING_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"

struct vec {
    size_t *v;
    size_t n, cap;
};

/* String -> size_t hash map. Keys are borrowed from objects that outlive the map. */
struct map_slot {
    const char *key;
    size_t val;
};

struct map {
    struct map_slot *slots;
    size_t nslots; /* power of two or 0 */
    size_t n;
};

/* A group index: key -> vector of payment seqs (ascending). */
struct group_index {
    struct map map; /* key -> index into groups */
    struct vec *groups;
    size_t n, cap;
};

/* A bitmap over payment seqs. */
struct bitmap {
    uint64_t *w;
    size_t nwords;
};

/* The dates a listing filters on, per payment seq, so range filters scan a dense array
 * instead of touching every payment. */
struct hot {
    int64_t created_day;
    int64_t due_day;
    int64_t payment_day;
    int64_t estimated_credit_day;
};


struct am_billing {
    struct am_payment **payments;
    size_t n, cap;
    struct map by_id;
    struct group_index by_customer;
    struct group_index by_subscription;
    struct group_index by_installment;
    struct bitmap by_status[_AM_PAY_STATUS_MAX];
    size_t status_count[_AM_PAY_STATUS_MAX];
    struct bitmap by_type[_AM_BILLING_MAX];
    size_t type_count[_AM_BILLING_MAX];
    struct bitmap live; /* not deleted */
    struct hot *hot;    /* per seq: the dates list filters compare, packed for scans */
    size_t hot_cap;
    bool created_sorted; /* creation days never went backwards: binary-searchable */

    struct am_installment **installments;
    size_t n_inst, cap_inst;
    struct map inst_by_id;

    struct am_card_token **tokens;
    size_t n_tokens, cap_tokens;
    struct map token_by_id;

    uint64_t salt;
    char origin_link[AM_BILLING_REF_MAX]; /* am_billing_set_origin */
    char origin_checkout[AM_UUID_MAX];
    uint64_t invoice_seq;
    uint64_t nosso_seq;

    struct am_event *events; /* ring once full */
    size_t ev_n, ev_cap, ev_start;
    uint64_t ev_seq;

    struct am_ledger_entry *ledger;
    size_t led_n, led_cap;
    int64_t balance;
};

/* ---- containers ---- */

/* static inline on purpose: these run in every id lookup, index update and list query;
 * without LTO a call per probe would cost the benchmark what a separate .c saves. */
static inline int am_bidx_vec_push(struct vec *vec, size_t x)
{
    if (vec->n == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2 : 4;
        size_t *v = realloc(vec->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        vec->v = v;
        vec->cap = cap;
    }
    vec->v[vec->n++] = x;
    return 0;
}

static inline uint64_t am_bidx_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static inline struct map_slot *am_bidx_map_probe(const struct map *m, const char *key)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)am_bidx_hash(key) & mask;

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return &m->slots[i];
}

static inline const size_t *am_bidx_map_get(const struct map *m, const char *key)
{
    struct map_slot *s;

    if (!m->nslots || !key)
        return NULL;
    s = am_bidx_map_probe(m, key);
    return s->key ? &s->val : NULL;
}

static inline int am_bidx_map_put(struct map *m, const char *key, size_t val)
{
    struct map_slot *s;

    if (m->nslots == 0 || (m->n + 1) * 4 > m->nslots * 3) {
        size_t nslots = m->nslots ? m->nslots * 2 : 64;
        struct map_slot *old = m->slots;
        size_t oldn = m->nslots;

        m->slots = calloc(nslots, sizeof(*m->slots));
        if (!m->slots) {
            m->slots = old;
            return -ENOMEM;
        }
        m->nslots = nslots;
        for (size_t i = 0; i < oldn; i++) {
            if (old[i].key)
                *am_bidx_map_probe(m, old[i].key) = old[i];
        }
        free(old);
    }
    s = am_bidx_map_probe(m, key);
    if (s->key)
        return -EEXIST;
    s->key = key;
    s->val = val;
    m->n++;
    return 0;
}

static inline const struct vec *am_bidx_group_get(const struct group_index *g, const char *key)
{
    const size_t *i = am_bidx_map_get(&g->map, key);

    return i ? &g->groups[*i] : NULL;
}

/* key must outlive the index (it is a payment's own field). */
static inline int am_bidx_group_add(struct group_index *g, const char *key, size_t seq)
{
    const size_t *i = am_bidx_map_get(&g->map, key);
    int r;

    if (i)
        return am_bidx_vec_push(&g->groups[*i], seq);
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct vec *groups = realloc(g->groups, cap * sizeof(*groups));

        if (!groups)
            return -ENOMEM;
        g->groups = groups;
        g->cap = cap;
    }
    memset(&g->groups[g->n], 0, sizeof(g->groups[g->n]));
    r = am_bidx_vec_push(&g->groups[g->n], seq);
    if (r < 0)
        return r;
    r = am_bidx_map_put(&g->map, key, g->n);
    if (r < 0) {
        free(g->groups[g->n].v);
        return r;
    }
    g->n++;
    return 0;
}

static inline void am_bidx_group_free(struct group_index *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->groups[i].v);
    free(g->groups);
    free(g->map.slots);
}

static inline int am_bidx_bitmap_reserve(struct bitmap *bm, size_t nbits)
{
    size_t need = (nbits + 63) / 64;

    if (need > bm->nwords) {
        size_t nwords = bm->nwords ? bm->nwords * 2 : 16;
        uint64_t *w;

        while (nwords < need)
            nwords *= 2;
        w = realloc(bm->w, nwords * sizeof(*w));
        if (!w)
            return -ENOMEM;
        memset(w + bm->nwords, 0, (nwords - bm->nwords) * sizeof(*w));
        bm->w = w;
        bm->nwords = nwords;
    }
    return 0;
}

static inline void am_bidx_bitmap_set(struct bitmap *bm, size_t i, bool on)
{
    if (on)
        bm->w[i / 64] |= 1ULL << (i % 64);
    else
        bm->w[i / 64] &= ~(1ULL << (i % 64));
}

/* ---- shared by the billing*.c files (billing.c) ---- */

/* Emits event name for p (every state change ends here, so the packed dates are
 * refreshed too). Returns 0 or -ENOMEM (the state change stays done). */
int am_billing_emit(struct am_billing *b, const char *name, const struct am_payment *p,
                    int64_t now);
/* Change a payment's status / billing type / deleted flag, keeping the bitmaps and
 * counts in step. */
void am_billing_set_status(struct am_billing *b, struct am_payment *p, enum am_payment_status s);
void am_billing_set_type(struct am_billing *b, struct am_payment *p, enum am_billing_type t);
void am_billing_set_deleted(struct am_billing *b, struct am_payment *p, bool deleted);
/* BOLETO and UNDEFINED charges carry a bank slip. */
bool am_billing_is_bank_slip(enum am_billing_type t);
/* *ret = strdup(s), or NULL for NULL. Returns 0 or -ENOMEM. */
int am_billing_dup_opt(const char *s, char **ret);

#endif

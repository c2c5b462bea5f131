/* billing_index.c - the small containers behind struct am_billing's indexes (see
 * billing_impl.h): size_t vectors, an open-addressing string map, group indexes (key ->
 * ascending seqs) and bitmaps over payment seqs. */
#include "billing_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int am_bidx_vec_push(struct vec *vec, size_t x)
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

uint64_t am_bidx_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static struct map_slot *map_probe(const struct map *m, const char *key)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)am_bidx_hash(key) & mask;

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return &m->slots[i];
}

const size_t *am_bidx_map_get(const struct map *m, const char *key)
{
    struct map_slot *s;

    if (!m->nslots || !key)
        return NULL;
    s = map_probe(m, key);
    return s->key ? &s->val : NULL;
}

int am_bidx_map_put(struct map *m, const char *key, size_t val)
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
                *map_probe(m, old[i].key) = old[i];
        }
        free(old);
    }
    s = map_probe(m, key);
    if (s->key)
        return -EEXIST;
    s->key = key;
    s->val = val;
    m->n++;
    return 0;
}

const struct vec *am_bidx_group_get(const struct group_index *g, const char *key)
{
    const size_t *i = am_bidx_map_get(&g->map, key);

    return i ? &g->groups[*i] : NULL;
}

/* key must outlive the index (it is a payment's own field). */
int am_bidx_group_add(struct group_index *g, const char *key, size_t seq)
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

void am_bidx_group_free(struct group_index *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->groups[i].v);
    free(g->groups);
    free(g->map.slots);
}

int am_bidx_bitmap_reserve(struct bitmap *bm, size_t nbits)
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

void am_bidx_bitmap_set(struct bitmap *bm, size_t i, bool on)
{
    if (on)
        bm->w[i / 64] |= 1ULL << (i % 64);
    else
        bm->w[i / 64] &= ~(1ULL << (i % 64));
}

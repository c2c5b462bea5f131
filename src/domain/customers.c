/* customers.c - per-account customer store: an array in creation order plus an
 * open-addressing hash index by id (see customers.h). */
#include "customers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 64 /* power of two */

struct am_customer_store {
    struct am_customer **items; /* creation order */
    size_t n;
    size_t cap;
    size_t *slots; /* index + 1 into items, 0 = empty; size nslots (power of two) */
    size_t nslots;
};

/* FNV-1a: ids are short and mostly differ in their last digits. */
static uint64_t hash_id(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 0x100000001b3ULL;
    }
    return h;
}

struct am_customer *am_customer_new(void)
{
    return calloc(1, sizeof(struct am_customer));
}

void am_customer_free(struct am_customer *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->email);
    free(c->company);
    free(c->phone);
    free(c->mobile_phone);
    free(c->address);
    free(c->address_number);
    free(c->complement);
    free(c->province);
    free(c->postal_code);
    free(c->additional_emails);
    free(c->external_reference);
    free(c->observations);
    free(c->municipal_inscription);
    free(c->state_inscription);
    free(c->group_name);
    free(c->json);
    free(c);
}

void am_customer_changed(struct am_customer *c)
{
    free(c->json);
    c->json = NULL;
    c->json_len = 0;
}

struct am_customer_store *am_customer_store_new(void)
{
    struct am_customer_store *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->slots = calloc(INITIAL_SLOTS, sizeof(*s->slots));
    if (!s->slots) {
        free(s);
        return NULL;
    }
    s->nslots = INITIAL_SLOTS;
    return s;
}

void am_customer_store_free(struct am_customer_store *store)
{
    if (!store)
        return;
    for (size_t i = 0; i < store->n; i++)
        am_customer_free(store->items[i]);
    free(store->items);
    free(store->slots);
    free(store);
}

size_t am_customer_store_count(const struct am_customer_store *store)
{
    return store ? store->n : 0;
}

/* Slot holding id, or the empty slot where it would go. */
static size_t probe(const struct am_customer_store *s, const char *id)
{
    size_t mask = s->nslots - 1;
    size_t i = (size_t)hash_id(id) & mask;

    while (s->slots[i] && strcmp(s->items[s->slots[i] - 1]->id, id) != 0)
        i = (i + 1) & mask;
    return i;
}

static int grow_index(struct am_customer_store *s)
{
    size_t nslots = s->nslots * 2;
    size_t *slots = calloc(nslots, sizeof(*slots));
    size_t *old = s->slots;

    if (!slots)
        return -ENOMEM;
    s->slots = slots;
    s->nslots = nslots;
    for (size_t i = 0; i < s->n; i++)
        s->slots[probe(s, s->items[i]->id)] = i + 1;
    free(old);
    return 0;
}

int am_customer_store_insert(struct am_customer_store *store, struct am_customer *c)
{
    size_t len, slot;
    int r;

    if (!store || !c) {
        am_customer_free(c);
        return -EINVAL;
    }
    len = strnlen(c->id, AM_CUSTOMER_ID_MAX);
    if (len == 0 || len >= AM_CUSTOMER_ID_MAX) {
        r = -EINVAL;
        goto fail;
    }
    if (store->slots[probe(store, c->id)]) {
        r = -EEXIST;
        goto fail;
    }
    /* Keep the load factor under 1/2 so probes stay short. */
    if ((store->n + 1) * 2 > store->nslots) {
        r = grow_index(store);
        if (r < 0)
            goto fail;
    }
    if (store->n == store->cap) {
        size_t cap = store->cap ? store->cap * 2 : 16;
        struct am_customer **items = realloc(store->items, cap * sizeof(*items));

        if (!items) {
            r = -ENOMEM;
            goto fail;
        }
        store->items = items;
        store->cap = cap;
    }
    slot = probe(store, c->id);
    store->items[store->n++] = c;
    store->slots[slot] = store->n;
    return 0;
fail:
    am_customer_free(c);
    return r;
}

struct am_customer *am_customer_store_find(const struct am_customer_store *store,
                                           const char *id)
{
    size_t slot;

    if (!store || !id)
        return NULL;
    slot = probe(store, id);
    return store->slots[slot] ? store->items[store->slots[slot] - 1] : NULL;
}

struct am_customer *am_customer_store_at(const struct am_customer_store *store, size_t i)
{
    if (!store || i >= store->n)
        return NULL;
    return store->items[i];
}

bool am_customer_store_is_active(const struct am_customer_store *store, const char *id)
{
    const struct am_customer *c = am_customer_store_find(store, id);

    return c && !c->deleted;
}

/* records.c - per-account collections of Asaas JSON objects (see records.h).
 *
 * A collection is a vector of trees in creation order plus an open-addressing index
 * from id to position (linear probing, at most half full). Removal shifts the vector
 * and rebuilds the index: areas remove rarely (most Asaas deletes are soft). */
#include "records.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct collection {
    char name[AM_RECORDS_NAME_MAX + 1];
    cJSON **items;
    size_t n, cap;
    size_t *slots; /* position + 1; 0 = empty */
    size_t n_slots;
    uint32_t *tags; /* one per item (am_records_tags), tag_cap >= cap */
    size_t tag_cap;
};

struct named_doc {
    char name[AM_RECORDS_NAME_MAX + 1];
    cJSON *doc;
};

struct counter {
    char name[AM_RECORDS_NAME_MAX + 1];
    uint64_t value;
};

struct am_records {
    struct collection *colls;
    size_t n_colls, cap_colls;
    struct named_doc *docs;
    size_t n_docs, cap_docs;
    struct counter *counters;
    size_t n_counters, cap_counters;
};

static bool good_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    return len > 0 && len <= AM_RECORDS_NAME_MAX;
}

/* Grows *v (elements of size each) to hold one more. 0 or -ENOMEM. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    size_t want;
    void *p;

    if (n < *cap)
        return 0;
    want = *cap ? *cap * 2 : 8;
    p = realloc(*v, want * size);
    if (!p)
        return -ENOMEM;
    *v = p;
    *cap = want;
    return 0;
}

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static const char *id_of(const cJSON *obj)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");

    return cJSON_IsString(id) ? id->valuestring : NULL;
}

/* Slot holding id, or the empty slot where it would go. n_slots is a power of two. */
static size_t probe(const struct collection *c, const char *id)
{
    size_t mask = c->n_slots - 1;
    size_t i = (size_t)hash_id(id) & mask;

    while (c->slots[i] && strcmp(id_of(c->items[c->slots[i] - 1]), id) != 0)
        i = (i + 1) & mask;
    return i;
}

static int reindex(struct collection *c, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof(*slots));

    if (!slots)
        return -ENOMEM;
    free(c->slots);
    c->slots = slots;
    c->n_slots = n_slots;
    for (size_t k = 0; k < c->n; k++)
        c->slots[probe(c, id_of(c->items[k]))] = k + 1;
    return 0;
}

static struct collection *find_coll(const struct am_records *r, const char *name)
{
    for (size_t i = 0; r && name && i < r->n_colls; i++)
        if (strcmp(r->colls[i].name, name) == 0)
            return &r->colls[i];
    return NULL;
}

static struct collection *get_coll(struct am_records *r, const char *name)
{
    struct collection *c = find_coll(r, name);

    if (c)
        return c;
    if (!good_name(name) ||
        grow((void **)&r->colls, &r->cap_colls, r->n_colls, sizeof(*r->colls)) < 0)
        return NULL;
    c = &r->colls[r->n_colls];
    memset(c, 0, sizeof(*c));
    strcpy(c->name, name);
    if (reindex(c, 16) < 0)
        return NULL;
    r->n_colls++;
    return c;
}

struct am_records *am_records_new(void)
{
    return calloc(1, sizeof(struct am_records));
}

void am_records_free(struct am_records *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_colls; i++) {
        for (size_t k = 0; k < r->colls[i].n; k++)
            cJSON_Delete(r->colls[i].items[k]);
        free(r->colls[i].items);
        free(r->colls[i].slots);
        free(r->colls[i].tags);
    }
    for (size_t i = 0; i < r->n_docs; i++)
        cJSON_Delete(r->docs[i].doc);
    free(r->colls);
    free(r->docs);
    free(r->counters);
    free(r);
}

bool am_records_empty(const struct am_records *r)
{
    if (!r)
        return true;
    for (size_t i = 0; i < r->n_colls; i++)
        if (r->colls[i].n)
            return false;
    return r->n_docs == 0 && r->n_counters == 0;
}

int am_records_add(struct am_records *r, const char *coll, cJSON *obj)
{
    struct collection *c;
    const char *id = id_of(obj);
    size_t slot;
    int rc = -EINVAL;

    if (!r || !cJSON_IsObject(obj) || !id || !good_name(coll))
        goto fail;
    rc = -ENOMEM;
    c = get_coll(r, coll);
    if (!c)
        goto fail;
    slot = probe(c, id);
    if (c->slots[slot]) {
        rc = -EEXIST;
        goto fail;
    }
    if (grow((void **)&c->items, &c->cap, c->n, sizeof(*c->items)) < 0 ||
        grow((void **)&c->tags, &c->tag_cap, c->n, sizeof(*c->tags)) < 0)
        goto fail;
    if (2 * (c->n + 1) > c->n_slots) {
        if (reindex(c, c->n_slots * 2) < 0)
            goto fail;
        slot = probe(c, id);
    }
    c->tags[c->n] = 0;
    c->items[c->n++] = obj;
    c->slots[slot] = c->n;
    return 0;
fail:
    cJSON_Delete(obj);
    return rc;
}

cJSON *am_records_find(struct am_records *r, const char *coll, const char *id)
{
    struct collection *c = find_coll(r, coll);
    size_t slot;

    if (!c || !id)
        return NULL;
    slot = probe(c, id);
    return c->slots[slot] ? c->items[c->slots[slot] - 1] : NULL;
}

size_t am_records_count(const struct am_records *r, const char *coll)
{
    const struct collection *c = find_coll(r, coll);

    return c ? c->n : 0;
}

cJSON *am_records_at(struct am_records *r, const char *coll, size_t i)
{
    struct collection *c = find_coll(r, coll);

    return c && i < c->n ? c->items[i] : NULL;
}

int am_records_remove(struct am_records *r, const char *coll, const char *id)
{
    struct collection *c = find_coll(r, coll);
    size_t slot, pos;

    if (!c || !id)
        return -ENOENT;
    slot = probe(c, id);
    if (!c->slots[slot])
        return -ENOENT;
    pos = c->slots[slot] - 1;
    cJSON_Delete(c->items[pos]);
    memmove(&c->items[pos], &c->items[pos + 1], (c->n - pos - 1) * sizeof(*c->items));
    memmove(&c->tags[pos], &c->tags[pos + 1], (c->n - pos - 1) * sizeof(*c->tags));
    c->n--;
    /* Same size: cannot fail for want of memory once rebuilt in place. */
    memset(c->slots, 0, c->n_slots * sizeof(*c->slots));
    for (size_t k = 0; k < c->n; k++)
        c->slots[probe(c, id_of(c->items[k]))] = k + 1;
    return 0;
}

uint32_t *am_records_tags(struct am_records *r, const char *coll, size_t *ret_n)
{
    struct collection *c = find_coll(r, coll);

    *ret_n = c ? c->n : 0;
    return c && c->n ? c->tags : NULL;
}

int am_records_set_tag(struct am_records *r, const char *coll, const char *id, uint32_t tag)
{
    struct collection *c = find_coll(r, coll);
    size_t slot;

    if (!c || !id)
        return -ENOENT;
    slot = probe(c, id);
    if (!c->slots[slot])
        return -ENOENT;
    c->tags[c->slots[slot] - 1] = tag;
    return 0;
}

static struct named_doc *find_doc(const struct am_records *r, const char *name)
{
    for (size_t i = 0; r && name && i < r->n_docs; i++)
        if (strcmp(r->docs[i].name, name) == 0)
            return &r->docs[i];
    return NULL;
}

cJSON *am_records_doc(struct am_records *r, const char *name)
{
    struct named_doc *d = find_doc(r, name);

    return d ? d->doc : NULL;
}

int am_records_set_doc(struct am_records *r, const char *name, cJSON *doc)
{
    struct named_doc *d;

    if (!r || !good_name(name) || (doc && !cJSON_IsObject(doc))) {
        cJSON_Delete(doc);
        return -EINVAL;
    }
    d = find_doc(r, name);
    if (d && !doc) {
        size_t pos = (size_t)(d - r->docs);

        cJSON_Delete(d->doc);
        memmove(d, d + 1, (r->n_docs - pos - 1) * sizeof(*d));
        r->n_docs--;
        return 0;
    }
    if (d) {
        cJSON_Delete(d->doc);
        d->doc = doc;
        return 0;
    }
    if (!doc)
        return 0;
    if (grow((void **)&r->docs, &r->cap_docs, r->n_docs, sizeof(*r->docs)) < 0) {
        cJSON_Delete(doc);
        return -ENOMEM;
    }
    d = &r->docs[r->n_docs++];
    strcpy(d->name, name);
    d->doc = doc;
    return 0;
}

static struct counter *get_counter(struct am_records *r, const char *name)
{
    struct counter *k;

    for (size_t i = 0; i < r->n_counters; i++)
        if (strcmp(r->counters[i].name, name) == 0)
            return &r->counters[i];
    if (!good_name(name) ||
        grow((void **)&r->counters, &r->cap_counters, r->n_counters, sizeof(*r->counters)) < 0)
        return NULL;
    k = &r->counters[r->n_counters++];
    strcpy(k->name, name);
    k->value = 0;
    return k;
}

uint64_t am_records_next(struct am_records *r, const char *counter)
{
    struct counter *k = r ? get_counter(r, counter) : NULL;

    return k ? ++k->value : 0;
}

int am_records_set_counter(struct am_records *r, const char *counter, uint64_t value)
{
    struct counter *k;

    if (!r || !good_name(counter))
        return -EINVAL;
    k = get_counter(r, counter);
    if (!k)
        return -ENOMEM;
    k->value = value;
    return 0;
}

static void strip_private(cJSON *o)
{
    cJSON *it = o ? o->child : NULL;

    while (it) {
        cJSON *next = it->next;

        if (cJSON_IsObject(o) && it->string && it->string[0] == '_')
            cJSON_Delete(cJSON_DetachItemViaPointer(o, it));
        else
            strip_private(it);
        it = next;
    }
}

cJSON *am_records_public(const cJSON *obj)
{
    cJSON *copy = cJSON_Duplicate(obj, 1);

    strip_private(copy);
    return copy;
}

bool am_records_collection_at(const struct am_records *r, size_t i, const char **ret_name,
                              size_t *ret_count)
{
    if (!r || i >= r->n_colls)
        return false;
    *ret_name = r->colls[i].name;
    *ret_count = r->colls[i].n;
    return true;
}

bool am_records_doc_at(const struct am_records *r, size_t i, const char **ret_name,
                       const cJSON **ret_doc)
{
    if (!r || i >= r->n_docs)
        return false;
    *ret_name = r->docs[i].name;
    *ret_doc = r->docs[i].doc;
    return true;
}

bool am_records_counter_at(const struct am_records *r, size_t i, const char **ret_name,
                           uint64_t *ret_value)
{
    if (!r || i >= r->n_counters)
        return false;
    *ret_name = r->counters[i].name;
    *ret_value = r->counters[i].value;
    return true;
}

/* journal.c - bounded request ring (see journal.h). */
#include "journal.h"

#include <stdlib.h>
#include <string.h>

/* Entries are kept packed: the numbers as they are, the strings back to back (each with
 * its NUL) in a slot of INLINE bytes, or in an allocation of their own for the rare entry
 * with long ids or a long path. A typical entry packs in ~140 bytes where the full struct
 * takes ~720: the default 500 entries hold ~120 KB instead of ~350 KB of resident memory. */
#define INLINE 192
#define N_STRINGS 11

struct slot {
    uint64_t seq, duration_us, bytes;
    int64_t time_ms;
    int status;
    uint16_t len;   /* packed bytes */
    char *spill;    /* owned, when len > INLINE */
    char text[INLINE];
};

struct am_journal {
    struct slot *ring;
    size_t capacity, head, count; /* head = next slot to write */
    uint64_t seq;
    struct am_journal_entry out; /* what am_journal_newest unpacks into */
};

/* The entry's strings in packing order, with their sizes. */
#define FIELDS(e)                                                                          \
    {(e)->request_id, sizeof((e)->request_id)}, {(e)->method, sizeof((e)->method)},        \
        {(e)->path, sizeof((e)->path)}, {(e)->client_ip, sizeof((e)->client_ip)},          \
        {(e)->account, sizeof((e)->account)}, {(e)->auth, sizeof((e)->auth)},              \
        {(e)->key, sizeof((e)->key)}, {(e)->route, sizeof((e)->route)},                    \
        {(e)->fault, sizeof((e)->fault)}, {(e)->fault_rule, sizeof((e)->fault_rule)},      \
        {(e)->exchange, sizeof((e)->exchange)}

struct field {
    char *p;
    size_t size;
};

struct am_journal *am_journal_new(size_t capacity)
{
    struct am_journal *j = calloc(1, sizeof(*j));

    if (!j || capacity == 0)
        goto fail;
    j->ring = calloc(capacity, sizeof(*j->ring));
    if (!j->ring)
        goto fail;
    j->capacity = capacity;
    return j;
fail:
    free(j);
    return NULL;
}

void am_journal_free(struct am_journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->capacity; i++)
        free(j->ring[i].spill);
    free(j->ring);
    free(j);
}

void am_journal_add(struct am_journal *j, const struct am_journal_entry *e)
{
    struct am_journal_entry *m = (struct am_journal_entry *)e; /* read only below */
    const struct field f[N_STRINGS] = {FIELDS(m)};
    struct slot *s = &j->ring[j->head];
    char packed[sizeof(struct am_journal_entry)];
    size_t len = 0;

    for (size_t i = 0; i < N_STRINGS; i++) {
        size_t n = strnlen(f[i].p, f[i].size - 1);

        memcpy(packed + len, f[i].p, n);
        packed[len + n] = '\0';
        len += n + 1;
    }
    free(s->spill);
    s->spill = NULL;
    if (len > INLINE && !(s->spill = malloc(len))) {
        /* Out of memory: keep what fits of the strings, cut at a NUL. */
        len = INLINE;
        packed[INLINE - 1] = '\0';
    }
    memcpy(s->spill ? s->spill : s->text, packed, len);
    s->len = (uint16_t)len;
    s->seq = ++j->seq;
    s->duration_us = e->duration_us;
    s->bytes = e->bytes;
    s->time_ms = e->time_ms;
    s->status = e->status;
    j->head = (j->head + 1) % j->capacity;
    if (j->count < j->capacity)
        j->count++;
}

size_t am_journal_count(const struct am_journal *j)
{
    return j->count;
}

const struct am_journal_entry *am_journal_newest(const struct am_journal *j, size_t i)
{
    struct am_journal *w = (struct am_journal *)j; /* the unpacked copy is a cache */
    struct am_journal_entry *o = &w->out;
    const struct field f[N_STRINGS] = {FIELDS(o)};
    const struct slot *s;
    const char *p, *end;

    if (i >= j->count)
        return NULL;
    s = &j->ring[(j->head + j->capacity - 1 - i) % j->capacity];
    p = s->spill ? s->spill : s->text;
    end = p + s->len;
    for (size_t k = 0; k < N_STRINGS; k++) {
        size_t stored = p < end ? strnlen(p, (size_t)(end - p)) : 0;
        size_t n;

        if (f[k].size == 0) /* never: every field is an array; tells the compiler so */
            continue;
        n = stored < f[k].size ? stored : f[k].size - 1;

        memcpy(f[k].p, p, n);
        f[k].p[n] = '\0';
        p += p < end ? stored + 1 : 0;
    }
    o->seq = s->seq;
    o->duration_us = s->duration_us;
    o->bytes = s->bytes;
    o->time_ms = s->time_ms;
    o->status = s->status;
    return o;
}

size_t am_journal_clear(struct am_journal *j)
{
    size_t n = j->count;

    for (size_t i = 0; i < j->capacity; i++) {
        free(j->ring[i].spill);
        j->ring[i].spill = NULL;
    }
    j->count = 0;
    j->head = 0;
    return n;
}

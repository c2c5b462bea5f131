/* journal.c - bounded request ring (see journal.h). */
#include "journal.h"

#include <stdlib.h>

struct am_journal {
    struct am_journal_entry *ring;
    size_t capacity, head, count; /* head = next slot to write */
    uint64_t seq;
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
    free(j->ring);
    free(j);
}

void am_journal_add(struct am_journal *j, const struct am_journal_entry *e)
{
    j->ring[j->head] = *e;
    j->ring[j->head].seq = ++j->seq;
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
    if (i >= j->count)
        return NULL;
    return &j->ring[(j->head + j->capacity - 1 - i) % j->capacity];
}

size_t am_journal_clear(struct am_journal *j)
{
    size_t n = j->count;

    j->count = 0;
    j->head = 0;
    return n;
}

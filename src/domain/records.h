/* records.h - an account's collections of API objects kept as their Asaas JSON (pure).
 *
 * The API areas that need no typed store of their own (Pix keys, transfers, bills,
 * payment links, invoices, ...) keep each object as the cJSON tree of its Asaas
 * representation, in a collection named after the area ("pixKeys", "transfers").
 * Members whose names start with '_' are private state (a due instant, a parent id ...):
 * am_records_public() leaves them out of what a client sees, and snapshots keep them.
 * Objects keep creation order and are found by their "id" member in O(1).
 * An account also keeps named documents (one object each: "fiscalInfo",
 * "escrowConfig") and named counters (sequences for numbers an area hands out).
 *
 * Snapshots, --state-file compaction and reset carry all of it with no code in the
 * area: state/records_state.c exports and imports the whole store.
 *
 * Ownership: an am_records owns every tree added to it (add/set take ownership, also on
 * failure); getters return borrowed pointers, valid until that object is removed or
 * replaced or the store is freed. Callers may edit a found object in place. */
#ifndef AM_RECORDS_H
#define AM_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_records;

/* Longest collection, document or counter name (bytes, without the NUL). */
#define AM_RECORDS_NAME_MAX 47

struct am_records *am_records_new(void);
void am_records_free(struct am_records *r);
/* True when the store holds no object, document or counter. */
bool am_records_empty(const struct am_records *r);

/* Appends obj (an object with a string "id") to coll. Takes ownership of obj.
 * Returns 0, -EEXIST (id already in coll), -EINVAL (not an object, no string id, bad
 * name) or -ENOMEM. */
int am_records_add(struct am_records *r, const char *coll, struct cJSON *obj);
/* The object of coll with that id, or NULL. */
struct cJSON *am_records_find(struct am_records *r, const char *coll, const char *id);
/* Number of objects in coll (0 for an unknown collection). */
size_t am_records_count(const struct am_records *r, const char *coll);
/* i-th object of coll in creation order (0 = oldest), NULL past the end. */
struct cJSON *am_records_at(struct am_records *r, const char *coll, size_t i);
/* Removes (and frees) the object; 0 or -ENOENT. Later objects keep their order. */
int am_records_remove(struct am_records *r, const char *coll, const char *id);

/* Tags: one uint32 per object that an area may keep for fast filtering of long
 * collections (a packed status and type, say), contiguous in creation order. New objects
 * get 0 ("not computed"); snapshots do not keep tags, so an area treats 0 as "derive it
 * from the object" and sets it again. am_records_tags returns the array (borrowed until
 * the next add or remove of coll; writable) and its length, NULL when coll is empty. */
uint32_t *am_records_tags(struct am_records *r, const char *coll, size_t *ret_n);
/* Sets the tag of the object of coll with that id. 0 or -ENOENT. */
int am_records_set_tag(struct am_records *r, const char *coll, const char *id, uint32_t tag);

/* The named document, or NULL. */
struct cJSON *am_records_doc(struct am_records *r, const char *name);
/* Replaces the named document (NULL removes it). Takes ownership of doc.
 * Returns 0, -EINVAL (bad name, not an object) or -ENOMEM. */
int am_records_set_doc(struct am_records *r, const char *name, struct cJSON *doc);

/* The next value of a named counter: 1, 2, 3 ... Returns 0 on OOM or bad name. */
uint64_t am_records_next(struct am_records *r, const char *counter);

/* A copy of obj without its '_' members, at every depth (caller owns; NULL on OOM). */
struct cJSON *am_records_public(const struct cJSON *obj);

/* Walk for snapshots: the i-th collection / document / counter by name order of
 * creation. Each returns false past the end. Borrowed. */
bool am_records_collection_at(const struct am_records *r, size_t i, const char **ret_name,
                              size_t *ret_count);
bool am_records_doc_at(const struct am_records *r, size_t i, const char **ret_name,
                       const struct cJSON **ret_doc);
bool am_records_counter_at(const struct am_records *r, size_t i, const char **ret_name,
                           uint64_t *ret_value);
/* Sets a counter's current value (snapshot import). 0, -EINVAL or -ENOMEM. */
int am_records_set_counter(struct am_records *r, const char *counter, uint64_t value);

#endif

/* links.h - payment links and checkout sessions of one account (pure).
 *
 * Both live in the account's records store (records.h) as their Asaas JSON:
 * "paymentLinks" (numeric ids, soft-deleted, restorable), "paymentLinkImages" (one object
 * per uploaded image with its owner in "_link" and its bytes base64 in "_data") and
 * "checkouts" (UUIDs; ACTIVE -> PAID | CANCELED | EXPIRED, CHECKOUT_* events, the expiry
 * instant in "_expiresAt"). The API layer (api_links.c) parses and validates; this
 * module builds the objects, moves their states and emits their events.
 *
 * Ownership: functions borrow everything; objects returned are borrowed from the store
 * (valid until removed) unless the comment says the caller owns them. */
#ifndef AM_LINKS_H
#define AM_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_records;
struct am_billing;
struct am_ids;

#define AM_LINKS_COLL "paymentLinks"
#define AM_LINK_IMAGES_COLL "paymentLinkImages"
#define AM_CHECKOUTS_COLL "checkouts"

/* Appends event (resource type, e.g. "checkout", "invoice") with obj's public JSON as
 * its snapshot, at instant at. Shared by the records-based areas (links, invoices, dunning). */
void am_links_emit(struct am_billing *b, const char *event, int64_t at, const char *type,
                   const struct cJSON *obj);

/* Building blocks of the records-based areas' objects (each returns a new item or NULL on
 * OOM): am_links_put replaces (keeping its place) or appends key with item, false on
 * OOM; am_links_copy is a copy of body[key] or null; am_links_money body[key] as Asaas
 * renders money or null; am_links_bool_or a boolean (also "true"/"false") or dflt;
 * am_links_int_or a whole number (also digit strings) or dflt (null when dflt < 0). */
bool am_links_put(struct cJSON *o, const char *key, struct cJSON *item);
struct cJSON *am_links_copy(const struct cJSON *body, const char *key);
struct cJSON *am_links_money(const struct cJSON *body, const char *key);
struct cJSON *am_links_bool_or(const struct cJSON *body, const char *key, bool dflt);
struct cJSON *am_links_int_or(const struct cJSON *body, const char *key, long dflt);

/* ---- payment links -------------------------------------------------------------- */

/* A 12-digit payment link id (out holds 13 bytes) not yet used in r. */
void am_link_new_id(struct am_records *r, struct am_ids *ids, char out[13]);

/* Builds a new link object in Asaas's field order from a validated create body (id,
 * url from id; active true, deleted false, viewCount 0; absent optional fields null,
 * notificationEnabled default true, maxInstallmentCount default 1 for INSTALLMENT).
 * Adds it to r; returns the stored object or NULL on OOM. */
struct cJSON *am_link_create(struct am_records *r, const char *id, const struct cJSON *body);

/* Applies the members of a validated update body that the link has (order kept). 0 or
 * -ENOMEM. */
int am_link_update(struct cJSON *link, const struct cJSON *body);

/* Soft delete (deleted true, active false) / restore (deleted false, active true). */
void am_link_set_deleted(struct cJSON *link, bool deleted);

/* viewCount + 1 (a payer opened the link's page). */
void am_link_count_view(struct cJSON *link);

/* Reads a member: string (NULL when absent/null), bool, whole number. */
const char *am_link_str(const struct cJSON *o, const char *key);
bool am_link_bool(const struct cJSON *o, const char *key);
long am_link_int(const struct cJSON *o, const char *key, long dflt);

/* ---- images ---------------------------------------------------------------------- */

/* Image limits (asaas_facts.h names them as our choice). */
#define AM_LINK_IMAGE_MAX_BYTES (512 * 1024)
#define AM_LINK_IMAGES_MAX 5

/* The image's extension ("jpg", "png", "gif", "webp") from its magic bytes, or NULL when
 * the bytes are no image format Asaas takes. */
const char *am_link_image_kind(const unsigned char *data, size_t len);

/* Number of images of link_id. */
size_t am_link_image_count(struct am_records *r, const char *link_id);

/* Stores a new image of link_id (uuid from ids): {id, main, image{originalName, size,
 * extension, previewUrl, downloadUrl}} plus _link and _data (base64). main true (or the
 * link's first image) makes it the only main one. Returns the stored object or NULL. */
struct cJSON *am_link_image_add(struct am_records *r, struct am_ids *ids, const char *link_id,
                                const char *original_name, const char *ext,
                                const unsigned char *data, size_t len, bool main);

/* The image id of link_id, NULL when unknown or of another link. */
struct cJSON *am_link_image_find(struct am_records *r, const char *link_id, const char *id);

/* Makes img its link's only main image. */
void am_link_image_set_main(struct am_records *r, struct cJSON *img);

/* Removes an image; when it was the main one the oldest remaining image becomes main.
 * 0 or -ENOENT. */
int am_link_image_remove(struct am_records *r, const char *link_id, const char *id);

/* ---- checkouts ------------------------------------------------------------------- */

/* Builds and stores a checkout from a validated create body (uuid from ids; status
 * ACTIVE; expires minutesToExpire (default AM_CHECKOUT_DEFAULT_MINUTES) after now),
 * emits CHECKOUT_CREATED. Returns the stored object or NULL on OOM. */
#define AM_CHECKOUT_DEFAULT_MINUTES 60
struct cJSON *am_checkout_create(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                                 const struct cJSON *body, int64_t now);

/* ACTIVE -> status (CANCELED, PAID or EXPIRED) with its CHECKOUT_<status> event at at.
 * Returns 0, -EPERM (not ACTIVE) or -ENOMEM. */
int am_checkout_move(struct am_billing *b, struct cJSON *co, const char *status, int64_t at);

/* Expires every ACTIVE checkout whose expiry instant is <= now (the event carries the
 * expiry instant). Returns how many expired. */
size_t am_checkouts_expire_due(struct am_records *r, struct am_billing *b, int64_t now);

/* The area's daily job (am_jobs_area_fn): expires the checkouts due by now. */
struct am_account;
int am_links_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

/* The checkout's total: sum of its items' value * quantity, in cents. */
int64_t am_checkout_total_cents(const struct cJSON *co);

#endif

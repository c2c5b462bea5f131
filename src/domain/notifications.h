/* notifications.h - a customer's notification settings (pure).
 *
 * Every customer has Asaas's default set of AM_NOTIF_DEFAULTS notifications (which
 * event, how many days before/after, which channels). They live in the account's
 * records store, collection "notifications", as their Asaas JSON. Customer code stays
 * untouched: am_notif_ensure() gives every customer created since its last call its
 * set, so the first notification access after a customer's creation finds it (the
 * records document "notificationSync" counts the customers already given theirs).
 * Ids are derived from the customer id and the position in the set, so the set is the
 * same however late it is made, and replaying a --state-file gives the same ids
 * without drawing from the request id sequence (a GET may create them).
 *
 * Ownership: every object is owned by the records store; pointers handed out are
 * borrowed until the store changes. */
#ifndef AM_NOTIFICATIONS_H
#define AM_NOTIFICATIONS_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct am_records;
struct am_customer_store;

#define AM_NOTIF_COLL "notifications"
#define AM_NOTIF_DEFAULTS 8
#define AM_NOTIF_ID_LEN 16 /* "not_" + 12 alphanumerics */

/* Gives every customer of cs that has no set yet its default set. 0 or -ENOMEM. */
int am_notif_ensure(struct am_records *r, const struct am_customer_store *cs);

/* The id of the i-th default notification of customer (out holds 17 bytes). */
void am_notif_id(const char *customer, unsigned i, char out[AM_NOTIF_ID_LEN + 1]);

/* The customer's notifications in set order into out (borrowed); returns how many
 * (0 when it has none yet). */
size_t am_notif_of_customer(struct am_records *r, const char *customer,
                            struct cJSON *out[AM_NOTIF_DEFAULTS]);

/* A refused change: Asaas's code and text (static strings). */
struct am_notif_err {
    const char *code;
    const char *text;
    const char *type_key; /* set instead of text for "O campo %s possui um tipo inválido." */
};

/* Checks changes (a PUT body or one item of a batch) against notif: each channel flag a
 * boolean, scheduleOffset one of the values allowed for the notification's event.
 * Returns 0, or 1 with *err filled (the first problem). */
int am_notif_check(const struct cJSON *notif, const struct cJSON *changes,
                   struct am_notif_err *err);

/* Applies checked changes to notif (flags and scheduleOffset sent). 0 or -ENOMEM. */
int am_notif_apply(struct cJSON *notif, const struct cJSON *changes);

#endif

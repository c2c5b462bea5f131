/* webhooks_state.h - exact export/import of an account's webhooks (pure).
 *
 * Format: {"cursor":"<seq>","nextItem":"<n>","configs":[{id, name, url, email, enabled,
 * interrupted, apiVersion, authToken (string or null: kept, since deliveries after a
 * restart need it), sendType, events[], penalty, nextAt (instant or null),
 * queue:[{id, seq, eventId, event, createdAt, attempts, body}]}]}. Nothing is in flight
 * after an import. The attempt log (deliveries view) is not part of the state. */
#ifndef AM_WEBHOOKS_STATE_H
#define AM_WEBHOOKS_STATE_H

#include <stddef.h>

struct cJSON;
struct am_webhooks;

/* Returns a new JSON object (caller owns) or NULL on OOM. */
struct cJSON *am_webhooks_state_export(const struct am_webhooks *w);

/* Builds a new set from o. Returns 0 (*ret owns it), -EINVAL with err, or -ENOMEM. */
int am_webhooks_state_import(const struct cJSON *o, const char *where, struct am_webhooks **ret,
                             char *err, size_t err_len);

#endif

/* secreport_state.h - export/import of an account's security findings (pure).
 *
 * Format: {"findings":[{"code":"KEY_IN_QUERY","count":"3","firstSeen":instant,
 * "lastSeen":instant,"evidence":"..."}]}, in code order. Only the findings: the transient
 * trackers (failing keys, Retry-After, polls, ambiguous POSTs) start empty after an
 * import. Evidence is already redacted. */
#ifndef AM_SECREPORT_STATE_H
#define AM_SECREPORT_STATE_H

#include <stddef.h>

struct cJSON;
struct am_secreport;

/* Returns a new JSON object (caller owns) or NULL on OOM. */
struct cJSON *am_secreport_state_export(const struct am_secreport *s);

/* Builds a new store from o. Returns 0 (*ret owns it), -EINVAL with err, or -ENOMEM. */
int am_secreport_state_import(const struct cJSON *o, const char *where,
                              struct am_secreport **ret, char *err, size_t err_len);

#endif

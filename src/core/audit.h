/* audit.h - authentication-failure tracking and the production-key incident list (pure).
 *
 * Counts failures per client address in a sliding window and says when an address
 * crosses the alert threshold; keeps a bounded list of production-key incidents with
 * redacted keys only. Owns its memory; free with am_audit_free(). */
#ifndef AM_AUDIT_H
#define AM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

struct am_audit;

/* Addresses tracked at once; the least recently seen is forgotten beyond this. */
#define AM_AUDIT_MAX_TRACKED 1024

struct am_incident {
    int64_t at;          /* Unix seconds */
    char client_ip[48];
    char redacted_key[AM_KEY_REDACTED_LEN];
    char reason[40];     /* e.g. "invalid_environment" */
};

/* threshold failures from one address within window_seconds trigger an alert.
 * max_incidents bounds the incident list (oldest dropped). NULL on OOM. */
struct am_audit *am_audit_new(unsigned threshold, unsigned window_seconds, size_t max_incidents);
void am_audit_free(struct am_audit *audit);

/* Records one failure from ip at now. Returns true exactly when this failure makes the
 * address reach the threshold within the window (one alert per crossing; it re-arms
 * once the address's count in the window drops below the threshold). Tracks at most a
 * bounded number of addresses (least recently seen evicted). */
bool am_audit_record_failure(struct am_audit *audit, const char *ip, int64_t now);

/* Failures recorded for ip within the window ending at now. */
unsigned am_audit_failures(const struct am_audit *audit, const char *ip, int64_t now);

/* Appends a production-key incident (copies strings, truncating). */
void am_audit_add_incident(struct am_audit *audit, int64_t at, const char *ip,
                           const char *redacted_key, const char *reason);
size_t am_audit_incident_count(const struct am_audit *audit);
/* Total ever recorded (the list itself is bounded). */
uint64_t am_audit_incident_total(const struct am_audit *audit);
/* i-th incident, oldest first; NULL past the end. Borrowed until the next add. */
const struct am_incident *am_audit_incident_at(const struct am_audit *audit, size_t i);

#endif

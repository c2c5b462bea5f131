/* metrics.h - process counters rendered in Prometheus text format (pure).
 *
 * Plain counters in a struct owned by the app; rendering returns a new string (free()).
 * Labels never carry keys, only outcome names and status codes. */
#ifndef AM_METRICS_H
#define AM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "httphead.h"
#include "router.h"

struct am_metrics {
    uint64_t requests_by_status[600];
    uint64_t requests_by_route[_AM_ROUTE_MAX];
    uint64_t auth_failures[_AM_AUTH_OUTCOME_MAX];
    uint64_t production_key_incidents;
    uint64_t alerts;
    uint64_t connections_total;
    uint64_t accounts_auto_created;
    uint64_t faults_fired[16];  /* by enum am_fault_kind */
    uint64_t rate_limited[4];   /* by enum am_ratelimit_hit */
    /* Requests refused by the HTTP/1.1 framer (deadlines included), by enum
     * am_httphead_error; each is also journalled with its status. */
    uint64_t http_refused[_AM_HH_MAX];
    int64_t start_time; /* Unix seconds */
};

void am_metrics_count_request(struct am_metrics *m, int status, enum am_route route);

/* Renders every counter (text/plain; version=0.0.4). Returns a new string or NULL. */
char *am_metrics_render(const struct am_metrics *m, size_t accounts, size_t journal_entries);

/* Outbound webhook deliveries (webhook_pump.c counts them, the app holds them). */
/* Why a webhook attempt failed. */
enum am_pump_failure {
    AM_PUMP_FAIL_STATUS,  /* answered, but not 200 */
    AM_PUMP_FAIL_TIMEOUT,
    AM_PUMP_FAIL_CONNECT, /* refused, unreachable, resolution */
    AM_PUMP_FAIL_TLS,     /* handshake or certificate verification */
    AM_PUMP_FAIL_OTHER,
    _AM_PUMP_FAIL_MAX
};

struct am_pump_stats {
    uint64_t attempts;
    uint64_t successes;
    uint64_t failures[_AM_PUMP_FAIL_MAX];
    uint64_t dropped_events; /* retention or queue bound */
    uint64_t faults[8];      /* webhook faults fired, by kind - AM_FAULT_WH_DUPLICATE */
};

#endif

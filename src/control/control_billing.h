/* control_billing.h - the /__mock/ control routes of one account's clock, event log and
 * ledger (pure). control.c finds the account and calls am_control_billing_handle() for
 * AM_ROUTE_CTL_CLOCK_GET/_SET/_ADVANCE, AM_ROUTE_CTL_EVENTS and
 * AM_ROUTE_CTL_LEDGER_CHECK:
 *
 *   GET  /__mock/accounts/{id}/clock   -> {"mode":"real"|"frozen","now":"YYYY-MM-DD
 *        HH:MM:SS","today":"YYYY-MM-DD","offsetDays":n}
 *   PUT  /__mock/accounts/{id}/clock   {"mode":"frozen","date":"YYYY-MM-DD[ HH:MM:SS]"}
 *        or {"mode":"real"} -> the clock (+ "jobs" when days were run)
 *   POST /__mock/accounts/{id}/clock/advance {"days":N} (1..AM_JOBS_MAX_DAYS; "hours",
 *        "minutes" and "seconds" add to it, the total at most AM_JOBS_MAX_DAYS days) -> the
 *        clock + "jobs":{days, overdue, settled, subscriptionCharges, cardCharges,
 *        expiredSubscriptions}
 *   GET  /__mock/accounts/{id}/events?offset&limit (limit 1..1000, default 100; offset
 *        counts from the oldest event still kept) -> list envelope, oldest first, each {object:"event", id, seq, event, dateCreated, resourceType,
 *        resourceId, <resourceType>: snapshot}
 *   GET  /__mock/accounts/{id}/ledger/check -> {"ok", "balance", "ledgerSum", "entries"}
 *
 * A clock change affects only that account; moving it forward runs the jobs of the
 * days passed (jobs.h). Borrows everything. */
#ifndef AM_CONTROL_BILLING_H
#define AM_CONTROL_BILLING_H

#include <stdint.h>

#include "http_types.h"

struct am_account;
struct am_ids;

/* route is an enum am_route value. Returns 0 with resp filled (400/404 included), or
 * -ENOMEM. An account without billing state answers 404. */
int am_control_billing_handle(struct am_account *a, int route, const struct am_request *req,
                              int64_t real_now, struct am_ids *ids, struct am_response *resp);

#endif

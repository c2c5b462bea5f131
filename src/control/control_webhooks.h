/* control_webhooks.h - /__mock/ routes of an account's webhook deliveries (pure).
 *
 *   GET  /__mock/accounts/{id}/webhooks/deliveries?config=&event=&outcome=&offset=&limit=
 *        -> list envelope of attempts, oldest first: {object:"webhookDelivery", n,
 *        eventId, event, config, url, attempt, started, latencyMs, status, outcome
 *        ("success"|"failure"|"dropped"), error, fault, snippet}, plus "queues": per
 *        config {id, depth, interrupted, penalizedRequestsCount, nextAttempt}
 *   POST /__mock/accounts/{id}/webhooks/deliveries/flush -> {"due": n}: every waiting
 *        retry of a non-interrupted config becomes due now (the server sends at once)
 *   POST /__mock/accounts/{id}/events/{eventId}/redeliver -> {"queued": n} (404 when
 *        the event is neither queued nor in the log)
 * Never shows an authToken. Borrows everything. */
#ifndef AM_CONTROL_WEBHOOKS_H
#define AM_CONTROL_WEBHOOKS_H

#include <stdint.h>

#include "app_iface.h"
#include "router.h"

int am_control_webhooks(struct am_app *app, const struct am_route_match *m, struct am_account *a,
                        const struct am_request *req, int64_t real_now, struct am_response *resp);

#endif

/* control_payments.h - one account's payments and the operator's actions on them, for
 * the dashboard (pure, through app_iface.h):
 *
 *   GET  /__mock/accounts/{id}/payments[?offset&limit&status...] -> what GET /v3/payments
 *        answers for that account (the same list, the same filters)
 *   POST /__mock/accounts/{id}/payments/{payment}/{action}, action one of
 *        confirm  -> POST /v3/sandbox/payment/{payment}/confirm
 *        overdue  -> POST /v3/sandbox/payment/{payment}/overdue
 *        refund   -> POST /v3/payments/{payment}/refund (the request body is passed on)
 *        and the /v3 answer as it is (same events, webhooks, errors; logged to the
 *        --state-file as that /v3 request).
 * Borrows everything. */
#ifndef AM_CONTROL_PAYMENTS_H
#define AM_CONTROL_PAYMENTS_H

#include <stdint.h>

struct am_app;
struct am_account;
struct am_request;
struct am_response;
struct am_route_match;

/* Returns 0 with resp filled (404 for an unknown action), or a negative errno. */
int am_control_payments(struct am_app *app, const struct am_route_match *m,
                        struct am_account *a, const struct am_request *req, int64_t real_now,
                        struct am_response *resp);

#endif

/* router.h - (method, path) -> route and path parameters (pure, table-driven, fuzzed).
 *
 * API routes live under "/v3/" and the legacy sandbox prefix "/api/v3/"; control routes
 * under "/__mock/". Parameters point into a copy owned by the match; free nothing. */
#ifndef AM_ROUTER_H
#define AM_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http_types.h"

enum am_route {
    AM_ROUTE_NONE,
    /* /v3 API */
    AM_ROUTE_CUSTOMERS_LIST,
    AM_ROUTE_CUSTOMERS_CREATE,
    AM_ROUTE_CUSTOMERS_GET,
    AM_ROUTE_CUSTOMERS_UPDATE,
    AM_ROUTE_CUSTOMERS_DELETE,
    AM_ROUTE_CUSTOMERS_RESTORE,
    AM_ROUTE_PAYMENTS_SIMULATE,
    AM_ROUTE_PAYMENTS_LIMITS,
    AM_ROUTE_PAYMENTS_CREATE,
    AM_ROUTE_PAYMENTS_LIST,
    AM_ROUTE_PAYMENTS_GET,
    AM_ROUTE_PAYMENTS_UPDATE,
    AM_ROUTE_PAYMENTS_DELETE,
    AM_ROUTE_PAYMENTS_RESTORE,
    AM_ROUTE_PAYMENTS_REFUND,
    AM_ROUTE_PAYMENTS_REFUNDS,
    AM_ROUTE_PAYMENTS_RECEIVE_IN_CASH,
    AM_ROUTE_PAYMENTS_UNDO_RECEIVED_IN_CASH,
    AM_ROUTE_PAYMENTS_CAPTURE,
    AM_ROUTE_PAYMENTS_PAY_WITH_CARD,
    AM_ROUTE_PAYMENTS_PIX_QRCODE,
    AM_ROUTE_PAYMENTS_IDENTIFICATION_FIELD,
    AM_ROUTE_PAYMENTS_STATUS,
    AM_ROUTE_PAYMENTS_BILLING_INFO,
    AM_ROUTE_PAYMENTS_VIEWING_INFO,
    AM_ROUTE_CREDIT_CARD_TOKENIZE,
    AM_ROUTE_SANDBOX_CONFIRM,
    AM_ROUTE_SANDBOX_OVERDUE,
    AM_ROUTE_SANDBOX_APPROVE,
    AM_ROUTE_INSTALLMENTS_CREATE,
    AM_ROUTE_INSTALLMENTS_LIST,
    AM_ROUTE_INSTALLMENTS_GET,
    AM_ROUTE_INSTALLMENTS_DELETE,
    AM_ROUTE_INSTALLMENTS_PAYMENTS,
    AM_ROUTE_INSTALLMENTS_DELETE_PAYMENTS,
    AM_ROUTE_INSTALLMENTS_REFUND,
    AM_ROUTE_SUBSCRIPTIONS_CREATE,
    AM_ROUTE_SUBSCRIPTIONS_LIST,
    AM_ROUTE_SUBSCRIPTIONS_GET,
    AM_ROUTE_SUBSCRIPTIONS_UPDATE,
    AM_ROUTE_SUBSCRIPTIONS_DELETE,
    AM_ROUTE_SUBSCRIPTIONS_PAYMENTS,
    AM_ROUTE_FINANCE_BALANCE,
    AM_ROUTE_FINANCIAL_TRANSACTIONS,
    AM_ROUTE_FINANCE_STATISTICS,
    AM_ROUTE_MY_ACCOUNT_STATUS,
    AM_ROUTE_WEBHOOKS_CREATE,
    AM_ROUTE_WEBHOOKS_LIST,
    AM_ROUTE_WEBHOOKS_GET,
    AM_ROUTE_WEBHOOKS_UPDATE,
    AM_ROUTE_WEBHOOKS_DELETE,
    AM_ROUTE_WEBHOOKS_REMOVE_BACKOFF,
    AM_ROUTE_WEBHOOK_LEGACY_GET,
    AM_ROUTE_WEBHOOK_LEGACY_SAVE,
    AM_ROUTE_WEBHOOK_LEGACY_INVOICE_GET,
    AM_ROUTE_WEBHOOK_LEGACY_INVOICE_SAVE,
    AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_GET,
    AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_SAVE,
    /* /__mock control API */
    AM_ROUTE_CTL_HEALTH,
    AM_ROUTE_CTL_CA_PEM,
    AM_ROUTE_CTL_METRICS,
    AM_ROUTE_CTL_JOURNAL_GET,
    AM_ROUTE_CTL_JOURNAL_CLEAR,
    AM_ROUTE_CTL_INCIDENTS,
    AM_ROUTE_CTL_ACCOUNTS_LIST,
    AM_ROUTE_CTL_ACCOUNTS_CREATE,
    AM_ROUTE_CTL_ACCOUNT_GET,
    AM_ROUTE_CTL_ACCOUNT_UPDATE,
    AM_ROUTE_CTL_KEYS_LIST,
    AM_ROUTE_CTL_KEYS_CREATE,
    AM_ROUTE_CTL_KEY_UPDATE,
    AM_ROUTE_CTL_KEY_DELETE,
    AM_ROUTE_CTL_KEY_DISABLE,
    AM_ROUTE_CTL_KEY_ENABLE,
    AM_ROUTE_CTL_CLOCK_GET,
    AM_ROUTE_CTL_CLOCK_SET,
    AM_ROUTE_CTL_CLOCK_ADVANCE,
    AM_ROUTE_CTL_EVENTS,
    AM_ROUTE_CTL_LEDGER_CHECK,
    AM_ROUTE_CTL_COVERAGE,
    AM_ROUTE_CTL_FAULTS_LIST,
    AM_ROUTE_CTL_FAULTS_ADD,
    AM_ROUTE_CTL_FAULTS_CLEAR,
    AM_ROUTE_CTL_FAULT_DELETE,
    AM_ROUTE_CTL_RATELIMIT_GET,
    AM_ROUTE_CTL_RATELIMIT_SET,
    AM_ROUTE_CTL_FIXTURES_RELOAD,
    AM_ROUTE_CTL_EXCHANGES,
    AM_ROUTE_CTL_RESET,
    AM_ROUTE_CTL_STATE_GET,
    AM_ROUTE_CTL_STATE_PUT,
    AM_ROUTE_CTL_WHOAMI,
    AM_ROUTE_CTL_WEBHOOK_DELIVERIES,
    AM_ROUTE_CTL_WEBHOOK_FLUSH,
    AM_ROUTE_CTL_EVENT_REDELIVER,
    AM_ROUTE_CTL_PAYMENTS_LIST,
    AM_ROUTE_CTL_PAYMENT_ACTION,
    _AM_ROUTE_MAX
};

enum am_route_scope { AM_SCOPE_NONE, AM_SCOPE_API, AM_SCOPE_CONTROL };

#define AM_ROUTE_MAX_PARAMS 4
#define AM_ROUTE_MAX_PATH 1024

struct am_route_match {
    enum am_route route;         /* AM_ROUTE_NONE when nothing matched */
    enum am_route_scope scope;   /* from the prefix, even when no route matched */
    bool path_known;             /* some route has this path with another method */
    char allow[64];              /* "GET, POST" for a 405 Allow header */
    const char *params[AM_ROUTE_MAX_PARAMS];
    size_t n_params;
    char buf[AM_ROUTE_MAX_PATH]; /* the path's segments, NUL-separated */
};

struct am_ctx;
/* The one handler shape of every /v3 operation (src/api): 0 with resp filled (API errors
 * are data) or a negative errno (rendered 500). id is the first path parameter. */
typedef int (*am_handler_fn)(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp);

/* The handler of an API route (its row in router.c's table), NULL when the operation is
 * routed but not emulated (answered 501) or r is not an API route. */
am_handler_fn am_route_handler(enum am_route r);

/* Matches method and path. Always fills *m (route NONE when unmatched). */
void am_router_match(enum am_method method, const char *path, struct am_route_match *m);

/* The path with the legacy "/api/v3" prefix read as "/v3" (a suffix of p, borrowed). */
const char *am_router_normalise_path(const char *p);

/* Stable operation name of a route, e.g. "customers.create"; "none" for NONE. */
const char *am_route_name(enum am_route r);

/* The /v3 operation named s (as am_route_name spells it); the control API's "mock.*"
 * operations are refused (-EINVAL), so faults and limits can never lock the operator out. */
int am_route_parse_api(const char *s, enum am_route *ret);

#endif

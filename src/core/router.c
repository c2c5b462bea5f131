/* router.c - table-driven matcher for /v3, /api/v3 and /__mock paths (see router.h). */
#include "router.h"

#include <errno.h>
#include <string.h>

#include "api_customers.h"
#include "api_payments.h"
#include "api_recurring.h"
#include "api_webhooks.h"

struct route_def {
    enum am_route route;
    enum am_route_scope scope;
    enum am_method method;
    const char *pattern; /* segments after the prefix; "*" is a parameter */
    const char *name;
    am_handler_fn handler; /* API routes: the handler; NULL = routed, not emulated (501) */
};

static const struct route_def routes[] = {
    {AM_ROUTE_CUSTOMERS_LIST, AM_SCOPE_API, AM_METHOD_GET, "customers", "customers.list", am_api_customers_list},
    {AM_ROUTE_CUSTOMERS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "customers", "customers.create", am_api_customers_create},
    {AM_ROUTE_CUSTOMERS_GET, AM_SCOPE_API, AM_METHOD_GET, "customers/*", "customers.get", am_api_customers_get},
    {AM_ROUTE_CUSTOMERS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "customers/*", "customers.update", am_api_customers_update},
    /* Compatibility: the legacy Postman collection and some client libraries update with
     * POST /customers/{id}. */
    {AM_ROUTE_CUSTOMERS_UPDATE, AM_SCOPE_API, AM_METHOD_POST, "customers/*", "customers.update", am_api_customers_update},
    {AM_ROUTE_CUSTOMERS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "customers/*", "customers.delete", am_api_customers_delete},
    {AM_ROUTE_CUSTOMERS_RESTORE, AM_SCOPE_API, AM_METHOD_POST, "customers/*/restore",
     "customers.restore", am_api_customers_restore},
    {AM_ROUTE_PAYMENTS_SIMULATE, AM_SCOPE_API, AM_METHOD_POST, "payments/simulate", "payments.simulate", am_api_payments_simulate},
    {AM_ROUTE_PAYMENTS_LIMITS, AM_SCOPE_API, AM_METHOD_GET, "payments/limits", "payments.limits", am_api_payments_limits},
    {AM_ROUTE_PAYMENTS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "payments", "payments.create", am_api_payments_create},
    {AM_ROUTE_PAYMENTS_LIST, AM_SCOPE_API, AM_METHOD_GET, "payments", "payments.list", am_api_payments_list},
    {AM_ROUTE_PAYMENTS_GET, AM_SCOPE_API, AM_METHOD_GET, "payments/*", "payments.get", am_api_payments_get},
    {AM_ROUTE_PAYMENTS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "payments/*", "payments.update", am_api_payments_update},
    {AM_ROUTE_PAYMENTS_UPDATE, AM_SCOPE_API, AM_METHOD_POST, "payments/*", "payments.update", am_api_payments_update},
    {AM_ROUTE_PAYMENTS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "payments/*", "payments.delete", am_api_payments_delete},
    {AM_ROUTE_PAYMENTS_RESTORE, AM_SCOPE_API, AM_METHOD_POST, "payments/*/restore", "payments.restore", am_api_payments_restore},
    {AM_ROUTE_PAYMENTS_REFUND, AM_SCOPE_API, AM_METHOD_POST, "payments/*/refund", "payments.refund", am_api_payments_refund},
    {AM_ROUTE_PAYMENTS_REFUNDS, AM_SCOPE_API, AM_METHOD_GET, "payments/*/refunds", "payments.refunds", am_api_payments_refunds},
    {AM_ROUTE_PAYMENTS_RECEIVE_IN_CASH, AM_SCOPE_API, AM_METHOD_POST, "payments/*/receiveInCash", "payments.receiveInCash", am_api_payments_receive_in_cash},
    {AM_ROUTE_PAYMENTS_UNDO_RECEIVED_IN_CASH, AM_SCOPE_API, AM_METHOD_POST, "payments/*/undoReceivedInCash", "payments.undoReceivedInCash", am_api_payments_undo_received_in_cash},
    {AM_ROUTE_PAYMENTS_CAPTURE, AM_SCOPE_API, AM_METHOD_POST, "payments/*/captureAuthorizedPayment", "payments.captureAuthorizedPayment", am_api_payments_capture},
    {AM_ROUTE_PAYMENTS_PAY_WITH_CARD, AM_SCOPE_API, AM_METHOD_POST, "payments/*/payWithCreditCard", "payments.payWithCreditCard", am_api_payments_pay_with_card},
    {AM_ROUTE_PAYMENTS_PIX_QRCODE, AM_SCOPE_API, AM_METHOD_GET, "payments/*/pixQrCode", "payments.pixQrCode", am_api_payments_pix_qrcode},
    {AM_ROUTE_PAYMENTS_IDENTIFICATION_FIELD, AM_SCOPE_API, AM_METHOD_GET, "payments/*/identificationField", "payments.identificationField", am_api_payments_identification_field},
    {AM_ROUTE_PAYMENTS_STATUS, AM_SCOPE_API, AM_METHOD_GET, "payments/*/status", "payments.status", am_api_payments_status},
    {AM_ROUTE_PAYMENTS_BILLING_INFO, AM_SCOPE_API, AM_METHOD_GET, "payments/*/billingInfo", "payments.billingInfo", am_api_payments_billing_info},
    {AM_ROUTE_PAYMENTS_VIEWING_INFO, AM_SCOPE_API, AM_METHOD_GET, "payments/*/viewingInfo", "payments.viewingInfo", am_api_payments_viewing_info},
    {AM_ROUTE_CREDIT_CARD_TOKENIZE, AM_SCOPE_API, AM_METHOD_POST, "creditCard/tokenizeCreditCard", "creditCard.tokenize", am_api_credit_card_tokenize},
    {AM_ROUTE_SANDBOX_CONFIRM, AM_SCOPE_API, AM_METHOD_POST, "sandbox/payment/*/confirm", "sandbox.payment.confirm", am_api_sandbox_confirm},
    {AM_ROUTE_SANDBOX_OVERDUE, AM_SCOPE_API, AM_METHOD_POST, "sandbox/payment/*/overdue", "sandbox.payment.overdue", am_api_sandbox_overdue},
    {AM_ROUTE_SANDBOX_APPROVE, AM_SCOPE_API, AM_METHOD_POST, "sandbox/myAccount/approve", "sandbox.myAccount.approve", am_api_sandbox_approve},
    {AM_ROUTE_INSTALLMENTS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "installments", "installments.create", am_api_installments_create},
    {AM_ROUTE_INSTALLMENTS_LIST, AM_SCOPE_API, AM_METHOD_GET, "installments", "installments.list", am_api_installments_list},
    {AM_ROUTE_INSTALLMENTS_GET, AM_SCOPE_API, AM_METHOD_GET, "installments/*", "installments.get", am_api_installments_get},
    {AM_ROUTE_INSTALLMENTS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "installments/*", "installments.delete", am_api_installments_delete},
    {AM_ROUTE_INSTALLMENTS_PAYMENTS, AM_SCOPE_API, AM_METHOD_GET, "installments/*/payments", "installments.payments", am_api_installments_payments},
    {AM_ROUTE_INSTALLMENTS_DELETE_PAYMENTS, AM_SCOPE_API, AM_METHOD_DELETE, "installments/*/payments", "installments.deletePayments", am_api_installments_delete_payments},
    {AM_ROUTE_INSTALLMENTS_REFUND, AM_SCOPE_API, AM_METHOD_POST, "installments/*/refund", "installments.refund", am_api_installments_refund},
    {AM_ROUTE_SUBSCRIPTIONS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "subscriptions", "subscriptions.create", am_api_subscriptions_create},
    {AM_ROUTE_SUBSCRIPTIONS_LIST, AM_SCOPE_API, AM_METHOD_GET, "subscriptions", "subscriptions.list", am_api_subscriptions_list},
    {AM_ROUTE_SUBSCRIPTIONS_GET, AM_SCOPE_API, AM_METHOD_GET, "subscriptions/*", "subscriptions.get", am_api_subscriptions_get},
    {AM_ROUTE_SUBSCRIPTIONS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "subscriptions/*", "subscriptions.update", am_api_subscriptions_update},
    {AM_ROUTE_SUBSCRIPTIONS_UPDATE, AM_SCOPE_API, AM_METHOD_POST, "subscriptions/*", "subscriptions.update", am_api_subscriptions_update},
    {AM_ROUTE_SUBSCRIPTIONS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "subscriptions/*", "subscriptions.delete", am_api_subscriptions_delete},
    {AM_ROUTE_SUBSCRIPTIONS_PAYMENTS, AM_SCOPE_API, AM_METHOD_GET, "subscriptions/*/payments", "subscriptions.payments", am_api_subscriptions_payments},
    {AM_ROUTE_FINANCE_BALANCE, AM_SCOPE_API, AM_METHOD_GET, "finance/balance", "finance.balance", am_api_finance_balance},
    {AM_ROUTE_FINANCIAL_TRANSACTIONS, AM_SCOPE_API, AM_METHOD_GET, "financialTransactions", "financialTransactions.list", am_api_financial_transactions},
    {AM_ROUTE_FINANCE_STATISTICS, AM_SCOPE_API, AM_METHOD_GET, "finance/payment/statistics", "finance.payment.statistics", am_api_finance_statistics},
    {AM_ROUTE_MY_ACCOUNT_STATUS, AM_SCOPE_API, AM_METHOD_GET, "myAccount/status", "myAccount.status", am_api_my_account_status},
    {AM_ROUTE_WEBHOOKS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "webhooks", "webhooks.create", am_api_webhooks_create},
    {AM_ROUTE_WEBHOOKS_LIST, AM_SCOPE_API, AM_METHOD_GET, "webhooks", "webhooks.list", am_api_webhooks_list},
    {AM_ROUTE_WEBHOOKS_GET, AM_SCOPE_API, AM_METHOD_GET, "webhooks/*", "webhooks.get", am_api_webhooks_get},
    {AM_ROUTE_WEBHOOKS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "webhooks/*", "webhooks.update", am_api_webhooks_update},
    {AM_ROUTE_WEBHOOKS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "webhooks/*", "webhooks.delete", am_api_webhooks_delete},
    {AM_ROUTE_WEBHOOKS_REMOVE_BACKOFF, AM_SCOPE_API, AM_METHOD_POST, "webhooks/*/removeBackoff", "webhooks.removeBackoff", am_api_webhooks_remove_backoff},
    {AM_ROUTE_WEBHOOK_LEGACY_GET, AM_SCOPE_API, AM_METHOD_GET, "webhook", "webhook.legacy.get", am_api_webhook_legacy_payment_get},
    {AM_ROUTE_WEBHOOK_LEGACY_SAVE, AM_SCOPE_API, AM_METHOD_POST, "webhook", "webhook.legacy.save", am_api_webhook_legacy_payment_save},
    {AM_ROUTE_WEBHOOK_LEGACY_INVOICE_GET, AM_SCOPE_API, AM_METHOD_GET, "webhook/invoice", "webhook.legacy.invoice.get", am_api_webhook_legacy_invoice_get},
    {AM_ROUTE_WEBHOOK_LEGACY_INVOICE_SAVE, AM_SCOPE_API, AM_METHOD_POST, "webhook/invoice", "webhook.legacy.invoice.save", am_api_webhook_legacy_invoice_save},
    {AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_GET, AM_SCOPE_API, AM_METHOD_GET, "webhook/mobilePhoneRecharge", "webhook.legacy.mobilePhoneRecharge.get", am_api_webhook_legacy_recharge_get},
    {AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_SAVE, AM_SCOPE_API, AM_METHOD_POST, "webhook/mobilePhoneRecharge", "webhook.legacy.mobilePhoneRecharge.save", am_api_webhook_legacy_recharge_save},

    {AM_ROUTE_CTL_HEALTH, AM_SCOPE_CONTROL, AM_METHOD_GET, "health", "mock.health", NULL},
    {AM_ROUTE_CTL_CA_PEM, AM_SCOPE_CONTROL, AM_METHOD_GET, "ca.pem", "mock.ca", NULL},
    {AM_ROUTE_CTL_METRICS, AM_SCOPE_CONTROL, AM_METHOD_GET, "metrics", "mock.metrics", NULL},
    {AM_ROUTE_CTL_JOURNAL_GET, AM_SCOPE_CONTROL, AM_METHOD_GET, "journal", "mock.journal.get", NULL},
    {AM_ROUTE_CTL_JOURNAL_CLEAR, AM_SCOPE_CONTROL, AM_METHOD_DELETE, "journal",
     "mock.journal.clear", NULL},
    {AM_ROUTE_CTL_INCIDENTS, AM_SCOPE_CONTROL, AM_METHOD_GET, "incidents", "mock.incidents", NULL},
    {AM_ROUTE_CTL_ACCOUNTS_LIST, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts",
     "mock.accounts.list", NULL},
    {AM_ROUTE_CTL_ACCOUNTS_CREATE, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts",
     "mock.accounts.create", NULL},
    {AM_ROUTE_CTL_ACCOUNT_GET, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*", "mock.account.get", NULL},
    {AM_ROUTE_CTL_ACCOUNT_UPDATE, AM_SCOPE_CONTROL, AM_METHOD_PUT, "accounts/*",
     "mock.account.update", NULL},
    {AM_ROUTE_CTL_KEYS_LIST, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/keys", "mock.keys.list", NULL},
    {AM_ROUTE_CTL_KEYS_CREATE, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/keys",
     "mock.keys.create", NULL},
    {AM_ROUTE_CTL_KEY_UPDATE, AM_SCOPE_CONTROL, AM_METHOD_PUT, "accounts/*/keys/*",
     "mock.key.update", NULL},
    {AM_ROUTE_CTL_KEY_DELETE, AM_SCOPE_CONTROL, AM_METHOD_DELETE, "accounts/*/keys/*",
     "mock.key.delete", NULL},
    {AM_ROUTE_CTL_KEY_DISABLE, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/keys/*/disable",
     "mock.key.disable", NULL},
    {AM_ROUTE_CTL_KEY_ENABLE, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/keys/*/enable",
     "mock.key.enable", NULL},
    {AM_ROUTE_CTL_CLOCK_GET, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/clock", "mock.clock.get", NULL},
    {AM_ROUTE_CTL_CLOCK_SET, AM_SCOPE_CONTROL, AM_METHOD_PUT, "accounts/*/clock", "mock.clock.set", NULL},
    {AM_ROUTE_CTL_CLOCK_ADVANCE, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/clock/advance", "mock.clock.advance", NULL},
    {AM_ROUTE_CTL_EVENTS, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/events", "mock.events", NULL},
    {AM_ROUTE_CTL_LEDGER_CHECK, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/ledger/check", "mock.ledger.check", NULL},
    {AM_ROUTE_CTL_COVERAGE, AM_SCOPE_CONTROL, AM_METHOD_GET, "coverage", "mock.coverage", NULL},
    {AM_ROUTE_CTL_FAULTS_LIST, AM_SCOPE_CONTROL, AM_METHOD_GET, "faults", "mock.faults.list", NULL},
    {AM_ROUTE_CTL_FAULTS_ADD, AM_SCOPE_CONTROL, AM_METHOD_POST, "faults", "mock.faults.add", NULL},
    {AM_ROUTE_CTL_FAULTS_CLEAR, AM_SCOPE_CONTROL, AM_METHOD_DELETE, "faults", "mock.faults.clear", NULL},
    {AM_ROUTE_CTL_FAULT_DELETE, AM_SCOPE_CONTROL, AM_METHOD_DELETE, "faults/*", "mock.fault.delete", NULL},
    {AM_ROUTE_CTL_RATELIMIT_GET, AM_SCOPE_CONTROL, AM_METHOD_GET, "ratelimit", "mock.ratelimit.get", NULL},
    {AM_ROUTE_CTL_RATELIMIT_SET, AM_SCOPE_CONTROL, AM_METHOD_PUT, "ratelimit", "mock.ratelimit.set", NULL},
    {AM_ROUTE_CTL_FIXTURES_RELOAD, AM_SCOPE_CONTROL, AM_METHOD_POST, "fixtures/reload",
     "mock.fixtures.reload", NULL},
    {AM_ROUTE_CTL_EXCHANGES, AM_SCOPE_CONTROL, AM_METHOD_GET, "exchanges", "mock.exchanges", NULL},
    {AM_ROUTE_CTL_RESET, AM_SCOPE_CONTROL, AM_METHOD_POST, "reset", "mock.reset", NULL},
    {AM_ROUTE_CTL_STATE_GET, AM_SCOPE_CONTROL, AM_METHOD_GET, "state", "mock.state.get", NULL},
    {AM_ROUTE_CTL_STATE_PUT, AM_SCOPE_CONTROL, AM_METHOD_PUT, "state", "mock.state.put", NULL},
    {AM_ROUTE_CTL_WHOAMI, AM_SCOPE_CONTROL, AM_METHOD_GET, "whoami", "mock.whoami", NULL},
    {AM_ROUTE_CTL_WEBHOOK_DELIVERIES, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/webhooks/deliveries", "mock.webhooks.deliveries", NULL},
    {AM_ROUTE_CTL_WEBHOOK_FLUSH, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/webhooks/deliveries/flush", "mock.webhooks.flush", NULL},
    {AM_ROUTE_CTL_EVENT_REDELIVER, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/events/*/redeliver", "mock.events.redeliver", NULL},
    {AM_ROUTE_CTL_PAYMENTS_LIST, AM_SCOPE_CONTROL, AM_METHOD_GET, "accounts/*/payments", "mock.payments.list", NULL},
    {AM_ROUTE_CTL_PAYMENT_ACTION, AM_SCOPE_CONTROL, AM_METHOD_POST, "accounts/*/payments/*/*", "mock.payment.action", NULL},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))
#define MAX_SEGMENTS 16

am_handler_fn am_route_handler(enum am_route r)
{
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (routes[i].route == r)
            return routes[i].handler;
    }
    return NULL;
}

int am_route_parse_api(const char *s, enum am_route *ret)
{
    if (strncmp(s, "mock.", 5) == 0)
        return -EINVAL;
    for (int r = AM_ROUTE_NONE + 1; r < _AM_ROUTE_MAX; r++) {
        if (strcmp(s, am_route_name((enum am_route)r)) == 0) {
            *ret = (enum am_route)r;
            return 0;
        }
    }
    return -EINVAL;
}

const char *am_route_name(enum am_route r)
{
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (routes[i].route == r)
            return routes[i].name;
    }
    return "none";
}

/* Splits rest ("a/b/c", no leading slash) into NUL-terminated segments inside buf.
 * Returns the count, or -1 when empty segments ("a//b", trailing "/") or too many. */
static int split(const char *rest, char *buf, size_t buf_len, const char **segs)
{
    size_t len = strlen(rest);
    int n = 0;

    if (len == 0 || len >= buf_len)
        return -1;
    memcpy(buf, rest, len + 1);
    for (char *p = buf;;) {
        char *slash = strchr(p, '/');

        if (n == MAX_SEGMENTS)
            return -1;
        if (slash)
            *slash = '\0';
        if (*p == '\0')
            return -1;
        segs[n++] = p;
        if (!slash)
            break;
        p = slash + 1;
    }
    return n;
}

/* Returns true and fills params when segs match pattern. */
static bool pattern_match(const char *pattern, const char **segs, int n, struct am_route_match *m)
{
    const char *p = pattern;
    int i = 0;
    size_t np = 0;
    const char *params[AM_ROUTE_MAX_PARAMS];

    while (*p) {
        const char *slash = strchr(p, '/');
        size_t plen = slash ? (size_t)(slash - p) : strlen(p);

        if (i >= n)
            return false;
        if (plen == 1 && *p == '*') {
            if (np == AM_ROUTE_MAX_PARAMS)
                return false;
            params[np++] = segs[i];
        } else if (strlen(segs[i]) != plen || strncmp(segs[i], p, plen) != 0) {
            return false;
        }
        i++;
        p += plen;
        if (*p == '/')
            p++;
    }
    if (i != n)
        return false;
    if (m) {
        memcpy(m->params, params, np * sizeof(params[0]));
        m->n_params = np;
    }
    return true;
}

static void allow_add(struct am_route_match *m, enum am_method method)
{
    const char *name = am_method_name(method);

    if (strstr(m->allow, name))
        return;
    if (m->allow[0])
        strncat(m->allow, ", ", sizeof(m->allow) - strlen(m->allow) - 1);
    strncat(m->allow, name, sizeof(m->allow) - strlen(m->allow) - 1);
}

void am_router_match(enum am_method method, const char *path, struct am_route_match *m)
{
    const char *segs[MAX_SEGMENTS];
    const char *rest = NULL;
    int n;

    memset(m, 0, sizeof(*m));
    if (strncmp(path, "/v3/", 4) == 0) {
        m->scope = AM_SCOPE_API;
        rest = path + 4;
    } else if (strncmp(path, "/api/v3/", 8) == 0) {
        m->scope = AM_SCOPE_API;
        rest = path + 8;
    } else if (strcmp(path, "/v3") == 0 || strcmp(path, "/api/v3") == 0) {
        m->scope = AM_SCOPE_API;
        return;
    } else if (strncmp(path, "/__mock/", 8) == 0) {
        m->scope = AM_SCOPE_CONTROL;
        rest = path + 8;
    } else {
        return;
    }
    n = split(rest, m->buf, sizeof(m->buf), segs);
    if (n <= 0)
        return;
    for (size_t i = 0; i < N_ROUTES; i++) {
        const struct route_def *r = &routes[i];

        if (r->scope != m->scope)
            continue;
        if (r->method != method && !(method == AM_METHOD_HEAD && r->method == AM_METHOD_GET)) {
            if (pattern_match(r->pattern, segs, n, NULL)) {
                m->path_known = true;
                allow_add(m, r->method);
            }
            continue;
        }
        if (pattern_match(r->pattern, segs, n, m)) {
            m->route = r->route;
            return;
        }
    }
}

const char *am_router_normalise_path(const char *p)
{
    if (strncmp(p, "/api/v3", 7) == 0 && (p[7] == '/' || p[7] == '\0'))
        return p + 4;
    return p;
}

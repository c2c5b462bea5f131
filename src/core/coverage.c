/* coverage.c - the Asaas v3 operation catalogue and its matcher (see coverage.h).
 *
 * Source of the rows: the operationId/method/path triples of the official OpenAPI spec as
 * vendored by theoxys/asaas-mock-server (213 operations), cross-checked against
 * asaas-v3-reference.md §5; legacy rows come from §5.1, §5.9 and §5.10 of that file. */
#include "coverage.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#define G AM_METHOD_GET
#define P AM_METHOD_POST
#define U AM_METHOD_PUT
#define D AM_METHOD_DELETE

/* One line per operation: method, path (relative to /v3), operationId, tag. */
#define OP(m, path, op, tag) {m, path, op, tag, NULL, false}
/* Same method+path as canon: the spec documents a second body shape separately. */
#define VAR(m, path, op, tag, canon) {m, path, op, tag, canon, false}
#define LEGACY(m, path, op, tag) {m, path, op, tag, NULL, true}

static const struct am_coverage_op ops[] = {
    /* §5.1 Customers, notifications */
    OP(P, "/customers", "create-new-customer", "Customer"),
    OP(G, "/customers", "list-customers", "Customer"),
    OP(G, "/customers/{id}", "retrieve-a-single-customer", "Customer"),
    OP(U, "/customers/{id}", "update-existing-customer", "Customer"),
    OP(D, "/customers/{id}", "remove-customer", "Customer"),
    OP(P, "/customers/{id}/restore", "restore-removed-customer", "Customer"),
    OP(G, "/customers/{id}/notifications", "retrieve-notifications-from-a-customer", "Customer"),
    LEGACY(P, "/customers/{id}", "legacy-update-customer", "Customer"),
    OP(U, "/notifications/{id}", "update-existing-notification", "Notification"),
    OP(U, "/notifications/batch", "update-existing-notifications-in-batch", "Notification"),

    /* §5.2 Payments */
    OP(P, "/payments", "create-new-payment", "Payment"),
    VAR(P, "/payments", "create-new-payment-with-credit-card", "Payment", "create-new-payment"),
    OP(G, "/payments", "list-payments", "Payment"),
    OP(G, "/payments/{id}", "retrieve-a-single-payment", "Payment"),
    OP(U, "/payments/{id}", "update-existing-payment", "Payment"),
    OP(D, "/payments/{id}", "delete-payment", "Payment"),
    OP(P, "/payments/{id}/restore", "restore-removed-payment", "Payment"),
    OP(P, "/payments/{id}/refund", "refund-payment", "Payment"),
    OP(P, "/payments/{id}/receiveInCash", "confirm-cash-receipt", "Payment"),
    OP(P, "/payments/{id}/undoReceivedInCash", "undo-cash-receipt-confirmation", "Payment"),
    OP(P, "/payments/{id}/captureAuthorizedPayment", "capture-payment-with-pre-authorization", "Payment"),
    OP(P, "/payments/{id}/payWithCreditCard", "pay-a-charge-with-credit-card", "Payment"),
    OP(P, "/payments/{id}/payWithCard", "pay-a-charge-with-card", "Payment"),
    OP(G, "/payments/{id}/pixQrCode", "get-qr-code-for-pix-payments", "Payment"),
    OP(G, "/payments/{id}/identificationField", "get-digitable-bill-line", "Payment"),
    OP(G, "/payments/{id}/status", "retrieve-status-of-a-payment", "Payment"),
    OP(G, "/payments/{id}/billingInfo", "retrieve-payment-billing-information", "Payment"),
    OP(G, "/payments/{id}/viewingInfo", "payment-viewing-information", "Payment"),
    OP(G, "/payments/limits", "recovering-payment-limits", "Payment"),
    OP(P, "/payments/simulate", "sales-simulator", "Payment"),
    OP(G, "/payments/{id}/refunds", "retrieve-refunds-of-a-single-payment", "Payment Refund"),
    OP(P, "/payments/{id}/bankSlip/refund", "refund-bank-slip", "Payment Refund"),
    OP(G, "/payments/{id}/chargeback", "retrieve-a-single-chargeback", "Chargeback"),
    OP(G, "/payments/{id}/escrow", "retrieve-payment-escrow-in-the-escrow-account", "Escrow Account"),
    OP(G, "/payments/{id}/contractualEffectRestrictions", "retrieve-contract-effect-blocking-payment-anticipation", "Receivable Registration"),
    OP(P, "/payments/{id}/documents", "upload-payment-documents", "Payment Document"),
    OP(G, "/payments/{id}/documents", "list-documents-of-a-payment", "Payment Document"),
    OP(G, "/payments/{id}/documents/{documentId}", "retrieve-a-single-document-of-a-payment", "Payment Document"),
    OP(U, "/payments/{id}/documents/{documentId}", "update-settings-of-a-document-of-a-payment", "Payment Document"),
    OP(D, "/payments/{id}/documents/{documentId}", "delete-document-from-a-payment", "Payment Document"),
    OP(G, "/payments/splits/paid", "list-paid-splits", "Payment Split"),
    OP(G, "/payments/splits/paid/{id}", "retrieve-a-single-paid-split", "Payment Split"),
    OP(G, "/payments/splits/received", "list-received-splits", "Payment Split"),
    OP(G, "/payments/splits/received/{id}", "retrieve-a-single-received-split", "Payment Split"),

    /* §5.2 (+lean): the same operations returning a summarised payment */
    OP(P, "/lean/payments", "create-new-payment-with-summary-data-in-response", "Payment with summary data"),
    VAR(P, "/lean/payments", "create-new-payment-with-credit-card-with-summary-data-in-response", "Payment with summary data", "create-new-payment-with-summary-data-in-response"),
    OP(G, "/lean/payments", "list-payments-with-summary-data", "Payment with summary data"),
    OP(G, "/lean/payments/{id}", "retrieve-a-single-payment-with-summary-data", "Payment with summary data"),
    OP(U, "/lean/payments/{id}", "update-existing-payment-with-summary-data-in-response", "Payment with summary data"),
    OP(D, "/lean/payments/{id}", "delete-payment-with-summary-data", "Payment with summary data"),
    OP(P, "/lean/payments/{id}/restore", "restore-removed-payment-with-summary-data-in-response", "Payment with summary data"),
    OP(P, "/lean/payments/{id}/refund", "refund-payment-with-summary-data-in-response", "Payment with summary data"),
    OP(P, "/lean/payments/{id}/receiveInCash", "confirm-cash-receipt-with-summary-data-in-response", "Payment with summary data"),
    OP(P, "/lean/payments/{id}/undoReceivedInCash", "undo-cash-receipt-confirmation-with-summary-data-in-response", "Payment with summary data"),
    OP(P, "/lean/payments/{id}/captureAuthorizedPayment", "capture-payment-with-pre-authorization-with-summary-data-in-response", "Payment with summary data"),

    /* §5.3 Sandbox-only actions */
    OP(P, "/sandbox/payment/{id}/confirm", "confirm-payment", "Sandbox Actions"),
    OP(P, "/sandbox/payment/{id}/overdue", "force-expire", "Sandbox Actions"),
    OP(P, "/sandbox/myAccount/approve", "approve-account", "Sandbox Actions"),

    /* §5.4 Subscriptions */
    OP(P, "/subscriptions", "create-new-subscription", "Subscription"),
    VAR(P, "/subscriptions", "create-subscription-with-credit-card", "Subscription", "create-new-subscription"),
    OP(G, "/subscriptions", "list-subscriptions", "Subscription"),
    OP(G, "/subscriptions/{id}", "retrieve-a-single-subscription", "Subscription"),
    OP(U, "/subscriptions/{id}", "update-existing-subscription", "Subscription"),
    OP(D, "/subscriptions/{id}", "remove-subscription", "Subscription"),
    OP(G, "/subscriptions/{id}/payments", "list-payments-of-a-subscription", "Subscription"),
    OP(G, "/subscriptions/{id}/paymentBook", "generate-subscription-booklet", "Subscription"),
    OP(U, "/subscriptions/{id}/creditCard", "update-subscription-credit-card", "Subscription"),
    OP(G, "/subscriptions/{id}/invoices", "list-invoices-for-subscription-charges", "Subscription"),
    OP(P, "/subscriptions/{id}/invoiceSettings", "create-configuration-for-issuance-of-invoices", "Subscription"),
    OP(G, "/subscriptions/{id}/invoiceSettings", "retrieve-configuration-for-issuance-of-invoices", "Subscription"),
    OP(U, "/subscriptions/{id}/invoiceSettings", "update-configuration-for-issuance-of-invoices", "Subscription"),
    OP(D, "/subscriptions/{id}/invoiceSettings", "remove-configuration-for-issuance-of-invoices", "Subscription"),

    /* §5.5 Installments */
    OP(P, "/installments", "create-installment", "Installment"),
    VAR(P, "/installments", "create-installment-with-credit-card", "Installment", "create-installment"),
    OP(G, "/installments", "list-installments", "Installment"),
    OP(G, "/installments/{id}", "retrieve-a-single-installment", "Installment"),
    OP(D, "/installments/{id}", "remove-installment", "Installment"),
    OP(G, "/installments/{id}/payments", "list-payments-of-a-installment", "Installment"),
    OP(D, "/installments/{id}/payments", "cancel-charges-of-an-installment", "Installment"),
    OP(G, "/installments/{id}/paymentBook", "generate-installment-booklet", "Installment"),
    OP(P, "/installments/{id}/refund", "refund-installment", "Installment"),
    OP(U, "/installments/{id}/splits", "update-installment-splits", "Installment"),

    /* §5.6 Pix: keys and QR codes */
    OP(P, "/pix/addressKeys", "create-a-key", "Pix"),
    OP(G, "/pix/addressKeys", "list-keys", "Pix"),
    OP(G, "/pix/addressKeys/{id}", "retrieve-a-single-key", "Pix"),
    OP(D, "/pix/addressKeys/{id}", "remove-key", "Pix"),
    OP(G, "/pix/addressKeys/external", "check-pix-key", "Pix"),
    OP(G, "/pix/tokenBucket/addressKey", "available-token-bucket-check", "Pix"),
    OP(P, "/pix/qrCodes/static", "create-static-qrcode", "Pix"),
    OP(D, "/pix/qrCodes/static/{id}", "delete-static-qrcode", "Pix"),
    /* §5.6 Pix transactions */
    OP(P, "/pix/qrCodes/decode", "decode-a-qrcode-for-payment", "Pix Transaction"),
    OP(P, "/pix/qrCodes/pay", "pay-a-qrcode", "Pix Transaction"),
    OP(G, "/pix/transactions", "list-transactions", "Pix Transaction"),
    OP(G, "/pix/transactions/{id}", "retrieve-a-single-transaction", "Pix Transaction"),
    OP(P, "/pix/transactions/{id}/cancel", "cancel-a-scheduled-transaction", "Pix Transaction"),
    /* §5.6 Recurring Pix */
    OP(G, "/pix/transactions/recurrings", "list-recurrences", "Recurring Pix"),
    OP(G, "/pix/transactions/recurrings/{id}", "retrieve-a-single-recurrence", "Recurring Pix"),
    OP(P, "/pix/transactions/recurrings/{id}/cancel", "cancel-a-recurrence", "Recurring Pix"),
    OP(G, "/pix/transactions/recurrings/{id}/items", "list-recurrence-items", "Recurring Pix"),
    OP(P, "/pix/transactions/recurrings/items/{id}/cancel", "cancel-a-recurrence-item", "Recurring Pix"),
    /* §5.6 Pix Automático */
    OP(P, "/pix/automatic/authorizations", "create-an-automatic-pix-authorization", "Automatic Pix"),
    OP(G, "/pix/automatic/authorizations", "list-automatic-pix-authorizations", "Automatic Pix"),
    OP(G, "/pix/automatic/authorizations/{id}", "retrieve-a-single-automatic-pix-authorization", "Automatic Pix"),
    OP(D, "/pix/automatic/authorizations/{id}", "cancel-an-automatic-pix-authorization", "Automatic Pix"),
    OP(G, "/pix/automatic/paymentInstructions", "list-automatic-pix-payment-instructions", "Automatic Pix"),
    OP(G, "/pix/automatic/paymentInstructions/{id}", "retrieve-a-single-automatic-pix-payment-instruction", "Automatic Pix"),
    OP(P, "/pix/automatic/paymentInstructions/{id}/retries", "create-automatic-pix-payment-instruction-retry", "Automatic Pix"),

    /* §5.7 Transfers */
    OP(P, "/transfers", "transfer-to-another-institution-account-or-pix-key", "Transfer"),
    VAR(P, "/transfers", "transfer-to-asaas-account", "Transfer", "transfer-to-another-institution-account-or-pix-key"),
    OP(G, "/transfers", "list-transfers", "Transfer"),
    OP(G, "/transfers/{id}", "retrieve-a-single-transfer", "Transfer"),
    OP(D, "/transfers/{id}/cancel", "cancel-a-transfer", "Transfer"),

    /* §5.8 Finance, statement, account */
    OP(G, "/finance/balance", "retrieve-account-balance", "Finance"),
    OP(G, "/finance/payment/statistics", "billing-statistics", "Finance"),
    OP(G, "/finance/split/statistics", "retrieve-split-values", "Finance"),
    OP(G, "/financialTransactions", "retrieve-extract", "Financial Transaction"),
    OP(G, "/myAccount/status", "check-account-registration-status", "Account info"),
    OP(G, "/myAccount/commercialInfo", "retrieve-business-data", "Account info"),
    OP(P, "/myAccount/commercialInfo", "update-business-data", "Account info"),
    OP(G, "/myAccount/fees", "retrieve-account-fees", "Account info"),
    OP(G, "/myAccount/accountNumber", "retrieve-asaas-account-number", "Account info"),
    OP(G, "/myAccount/paymentCheckoutConfig", "retrieve-personalization-settings", "Account info"),
    OP(P, "/myAccount/paymentCheckoutConfig", "save-payment-checkout-personalization", "Account info"),
    OP(D, "/myAccount", "Delete-white-label-subaccount", "Account info"),
    OP(G, "/wallets", "retrieve-walletid", "Account info"),
    OP(G, "/myAccount/documents", "check-pending-documents", "Account Document"),
    OP(P, "/myAccount/documents/{id}", "send-documents", "Account Document"),
    OP(G, "/myAccount/documents/files/{id}", "view-document-sent", "Account Document"),
    OP(P, "/myAccount/documents/files/{id}", "update-sent-document", "Account Document"),
    OP(D, "/myAccount/documents/files/{id}", "remove-sent-document", "Account Document"),

    /* §5.9 Webhook configuration */
    OP(P, "/webhooks", "create-new-webhook", "Webhook"),
    OP(G, "/webhooks", "list-webhooks", "Webhook"),
    OP(G, "/webhooks/{id}", "retrieve-a-single-webhook", "Webhook"),
    OP(U, "/webhooks/{id}", "update-existing-webhook", "Webhook"),
    OP(D, "/webhooks/{id}", "remove-webhook", "Webhook"),
    OP(P, "/webhooks/{id}/removeBackoff", "remove-webhook-backoff", "Webhook"),
    /* §5.9 legacy single-config endpoints (old Postman collection): POST creates or
     * replaces the config, GET returns it */
    LEGACY(P, "/webhook", "legacy-save-payment-webhook", "Webhook (legacy)"),
    LEGACY(G, "/webhook", "legacy-get-payment-webhook", "Webhook (legacy)"),
    LEGACY(P, "/webhook/invoice", "legacy-save-invoice-webhook", "Webhook (legacy)"),
    LEGACY(G, "/webhook/invoice", "legacy-get-invoice-webhook", "Webhook (legacy)"),
    LEGACY(P, "/webhook/mobilePhoneRecharge", "legacy-save-mobile-recharge-webhook", "Webhook (legacy)"),
    LEGACY(G, "/webhook/mobilePhoneRecharge", "legacy-get-mobile-recharge-webhook", "Webhook (legacy)"),

    /* §5.10 Payment links */
    OP(P, "/paymentLinks", "create-a-payments-link", "Payment Link"),
    OP(G, "/paymentLinks", "list-payments-links", "Payment Link"),
    OP(G, "/paymentLinks/{id}", "retrieve-a-single-payments-link", "Payment Link"),
    OP(U, "/paymentLinks/{id}", "update-a-payments-link", "Payment Link"),
    OP(D, "/paymentLinks/{id}", "remove-a-payments-link", "Payment Link"),
    OP(P, "/paymentLinks/{id}/restore", "restore-a-payments-link", "Payment Link"),
    OP(P, "/paymentLinks/{id}/images", "add-an-image-to-a-payments-link", "Payment Link"),
    OP(G, "/paymentLinks/{id}/images", "list-images-from-a-payments-link", "Payment Link"),
    OP(G, "/paymentLinks/{paymentLinkId}/images/{imageId}", "retrieve-a-single-payments-link-image", "Payment Link"),
    OP(D, "/paymentLinks/{paymentLinkId}/images/{imageId}", "remove-an-image-from-payments-link", "Payment Link"),
    OP(U, "/paymentLinks/{paymentLinkId}/images/{imageId}/setAsMain", "set-payments-link-main-image", "Payment Link"),

    /* §5.10 Checkout, credit card */
    OP(P, "/checkouts", "create-new-checkout", "Checkout"),
    OP(P, "/checkouts/{id}/cancel", "cancel-a-checkout", "Checkout"),
    OP(P, "/creditCard/tokenizeCreditCard", "credit-card-tokenization", "Credit Card"),
    OP(G, "/creditCard/preAuthorization/config", "retrieve-pre-authorization-configuration", "Credit Card"),
    OP(P, "/creditCard/preAuthorization/config", "save-or-update-pre-authorization-configuration", "Credit Card"),

    /* §5.10 Bill payment */
    OP(P, "/bill", "create-a-bill-payment", "Bill"),
    OP(G, "/bill", "list-bill-payments", "Bill"),
    OP(G, "/bill/{id}", "retrieve-a-single-bill-payment", "Bill"),
    OP(P, "/bill/simulate", "simulate-a-bill-payment", "Bill"),
    OP(P, "/bill/{id}/cancel", "cancel-bill-payment", "Bill"),

    /* §5.10 Invoices (NFS-e) and fiscal info */
    OP(P, "/invoices", "schedule-invoice", "Invoice"),
    OP(G, "/invoices", "list-invoices", "Invoice"),
    OP(G, "/invoices/{id}", "retrieve-a-single-invoice", "Invoice"),
    OP(U, "/invoices/{id}", "update-invoice", "Invoice"),
    OP(P, "/invoices/{id}/authorize", "issue-an-invoice", "Invoice"),
    OP(P, "/invoices/{id}/cancel", "cancel-an-invoice", "Invoice"),
    OP(G, "/fiscalInfo", "retrieve-tax-information", "Fiscal Info"),
    OP(P, "/fiscalInfo", "create-and-update-tax-information", "Fiscal Info"),
    OP(G, "/fiscalInfo/municipalOptions", "list-municipal-configurations", "Fiscal Info"),
    OP(G, "/fiscalInfo/services", "list-municipal-services", "Fiscal Info"),
    OP(G, "/fiscalInfo/nbsCodes", "list-nbs-codes", "Fiscal Info"),
    OP(G, "/fiscalInfo/federalServiceCodes", "list-federal-service-codes", "Fiscal Info"),
    OP(G, "/fiscalInfo/operationIndicatorCodes", "list-operation-indicator-codes", "Fiscal Info"),
    OP(G, "/fiscalInfo/taxClassificationCodes", "list-tax-classification-codes", "Fiscal Info"),
    OP(G, "/fiscalInfo/taxSituationCodes", "list-tax-situation-codes", "Fiscal Info"),
    OP(P, "/fiscalInfo/nationalPortal", "configure-invoice-issuing-portal", "Fiscal Info"),
    LEGACY(G, "/customerFiscalInfo", "legacy-retrieve-tax-information", "Fiscal Info"),
    LEGACY(P, "/customerFiscalInfo", "legacy-create-and-update-tax-information", "Fiscal Info"),

    /* §5.10 Subaccounts, their API keys (§1.4) and escrow */
    OP(P, "/accounts", "create-subaccount", "Subaccount"),
    OP(G, "/accounts", "list-subaccounts", "Subaccount"),
    OP(G, "/accounts/{id}", "retrieve-a-single-subaccount", "Subaccount"),
    OP(D, "/accounts/{id}", "close-non-baas-subaccount", "Subaccount"),
    OP(P, "/accounts/{id}/resendActivationLink", "resend-activation-link-for-non-baas-subaccount", "Subaccount"),
    OP(G, "/accounts/{id}/accessTokens", "list-api-keys-for-subaccount", "Subaccount"),
    OP(P, "/accounts/{id}/accessTokens", "create-api-key-for-subaccount", "Subaccount"),
    OP(U, "/accounts/{id}/accessTokens/{accessTokenId}", "update-api-key-for-a-subaccount", "Subaccount"),
    OP(D, "/accounts/{id}/accessTokens/{accessTokenId}", "delete-api-key-for-a-subaccount", "Subaccount"),
    OP(G, "/accounts/escrow", "retrieve-default-escrow-account-configuration", "Escrow Account"),
    OP(P, "/accounts/escrow", "create-default-escrow-account-configuration-to-all-subaccounts", "Escrow Account"),
    OP(G, "/accounts/{id}/escrow", "reterive-escrow-account-configuration-for-subaccount", "Escrow Account"),
    OP(P, "/accounts/{id}/escrow", "save-or-update-escrow-account-configuration-for-subaccount", "Escrow Account"),
    OP(P, "/escrow/{id}/finish", "finish-payment-escrow-in-the-escrow-account", "Escrow Account"),

    /* §5.10 Anticipations */
    OP(P, "/anticipations", "request-anticipation", "Anticipation"),
    OP(G, "/anticipations", "list-anticipations", "Anticipation"),
    OP(G, "/anticipations/{id}", "retrieve-a-single-anticipation", "Anticipation"),
    OP(P, "/anticipations/{id}/cancel", "cancel-anticipation", "Anticipation"),
    OP(P, "/anticipations/simulate", "simulate-anticipation", "Anticipation"),
    OP(G, "/anticipations/limits", "retrieve-anticipation-limits", "Anticipation"),
    OP(G, "/anticipations/configurations", "retrieve-status-of-automatic-anticipation", "Anticipation"),
    OP(U, "/anticipations/configurations", "update-status-of-automatic-anticipation", "Anticipation"),

    /* §5.10 Chargebacks */
    OP(G, "/chargebacks", "list-chargebacks", "Chargeback"),
    OP(P, "/chargebacks/{id}/dispute", "create-a-chargeback-dispute", "Chargeback"),

    /* §5.10 Payment dunning */
    OP(P, "/paymentDunnings", "create-a-payment-dunning", "Payment Dunning"),
    OP(G, "/paymentDunnings", "list-payment-dunnings", "Payment Dunning"),
    OP(G, "/paymentDunnings/{id}", "recover-a-single-payment-dunning", "Payment Dunning"),
    OP(G, "/paymentDunnings/{id}/history", "event-history-lists", "Payment Dunning"),
    OP(G, "/paymentDunnings/{id}/partialPayments", "list-payments-received", "Payment Dunning"),
    OP(P, "/paymentDunnings/{id}/documents", "resend-documents", "Payment Dunning"),
    OP(P, "/paymentDunnings/{id}/cancel", "cancel-payment-dunning", "Payment Dunning"),
    OP(P, "/paymentDunnings/simulate", "simulate-a-payment-dunning", "Payment Dunning"),
    OP(G, "/paymentDunnings/paymentsAvailableForDunning", "list-payments-available-for-payment-dunning", "Payment Dunning"),

    /* §5.10 Credit bureau, mobile recharge */
    OP(P, "/creditBureauReport", "make-consultation", "Credit Bureau Report"),
    OP(G, "/creditBureauReport", "list-credit-bureau-reports", "Credit Bureau Report"),
    OP(G, "/creditBureauReport/{id}", "retrieve-a-credit-bureau-report", "Credit Bureau Report"),
    OP(P, "/mobilePhoneRecharges", "request-recharge", "Mobile Phone Recharge"),
    OP(G, "/mobilePhoneRecharges", "list-mobile-recharges", "Mobile Phone Recharge"),
    OP(G, "/mobilePhoneRecharges/{id}", "recover-a-single-cellphone-recharge", "Mobile Phone Recharge"),
    OP(P, "/mobilePhoneRecharges/{id}/cancel", "cancel-a-cellphone-recharge", "Mobile Phone Recharge"),
    OP(G, "/mobilePhoneRecharges/{phoneNumber}/provider", "search-for-cell-phone-provider", "Mobile Phone Recharge"),
};

#undef OP
#undef VAR
#undef LEGACY
#undef G
#undef P
#undef U
#undef D

#define N_OPS (sizeof(ops) / sizeof(ops[0]))
/* Deepest pattern has 6 segments; a longer request path cannot match anything. */
#define MAX_SEGMENTS 8

const struct am_coverage_op *am_coverage_ops(size_t *n_out)
{
    if (n_out)
        *n_out = N_OPS;
    return ops;
}

static bool is_param(const char *seg, size_t len)
{
    return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

/* Matches one pattern against the request path. On success stores a bit mask with bit
 * (MAX_SEGMENTS - 1 - i) set when pattern segment i is a parameter, so that the smaller
 * mask is the one with a literal at the first position where two candidates differ. */
static bool pattern_matches(const char *pattern, const char *path, unsigned *mask_out)
{
    const char *p = pattern + 1; /* patterns start with '/' */
    const char *s = path;
    unsigned mask = 0;

    for (int i = 0;; i++) {
        size_t plen = strcspn(p, "/");
        size_t slen = strcspn(s, "/");

        if (i >= MAX_SEGMENTS || slen == 0)
            return false;
        if (is_param(p, plen))
            mask |= 1u << (MAX_SEGMENTS - 1 - i);
        else if (plen != slen || memcmp(p, s, slen) != 0)
            return false;
        p += plen;
        s += slen;
        if (*p == '\0' || *s == '\0') {
            if (*p != *s)
                return false; /* different segment counts */
            *mask_out = mask;
            return true;
        }
        p++; /* skip '/' in both */
        s++;
    }
}

int am_coverage_match(enum am_method m, const char *path_after_v3,
                      const struct am_coverage_op **ret)
{
    const struct am_coverage_op *best = NULL;
    unsigned best_mask = UINT_MAX;

    if (!path_after_v3 || !ret)
        return -EINVAL;
    if (*path_after_v3 == '/')
        path_after_v3++;
    for (size_t i = 0; i < N_OPS; i++) {
        unsigned mask;

        if (ops[i].method != m || ops[i].variant_of)
            continue;
        if (pattern_matches(ops[i].path, path_after_v3, &mask) && mask < best_mask) {
            best = &ops[i];
            best_mask = mask;
        }
    }
    if (!best)
        return -ENOENT;
    *ret = best;
    return 0;
}

int am_coverage_sample_path(const struct am_coverage_op *op, char *out, size_t len)
{
    size_t o = 0;
    int rc = 0;

    if (!op || !out || len == 0)
        return -EINVAL;
    /* Build "/v3" + pattern, replacing each {param} by "x"; stop at the buffer's end. */
    const char *prefix = "/v3";
    for (const char *c = prefix; *c; c++) {
        if (o + 1 >= len) {
            rc = -ENOSPC;
            goto out;
        }
        out[o++] = *c;
    }
    for (const char *c = op->path; *c; c++) {
        char ch = *c;

        if (ch == '{') {
            const char *end = strchr(c, '}');
            if (end) {
                c = end;
                ch = 'x';
            }
        }
        if (o + 1 >= len) {
            rc = -ENOSPC;
            goto out;
        }
        out[o++] = ch;
    }
out:
    out[o] = '\0';
    return rc;
}

static cJSON *render_op(const struct am_coverage_op *op, bool implemented)
{
    cJSON *o = cJSON_CreateObject();
    char path[256];

    if (!o)
        return NULL;
    /* Paths are short literals; the "/v3" prefix always fits. */
    snprintf(path, sizeof(path), "/v3%s", op->path);
    if (!cJSON_AddStringToObject(o, "method", am_method_name(op->method)) ||
        !cJSON_AddStringToObject(o, "path", path) ||
        !cJSON_AddStringToObject(o, "operation", op->operation) ||
        !cJSON_AddStringToObject(o, "resource", op->resource) ||
        !cJSON_AddBoolToObject(o, "implemented", implemented) ||
        (op->variant_of && !cJSON_AddStringToObject(o, "variantOf", op->variant_of)) ||
        (op->legacy && !cJSON_AddBoolToObject(o, "legacy", true))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *am_coverage_render(bool (*is_implemented)(const struct am_coverage_op *op, void *ud),
                          void *ud)
{
    cJSON *root = NULL;
    cJSON *list = NULL;
    size_t n_impl = 0;
    size_t n_legacy = 0;

    root = cJSON_CreateObject();
    list = cJSON_CreateArray();
    if (!root || !list)
        goto fail;
    for (size_t i = 0; i < N_OPS; i++) {
        bool impl = is_implemented ? is_implemented(&ops[i], ud) : false;
        cJSON *o = render_op(&ops[i], impl);

        if (!o || !cJSON_AddItemToArray(list, o)) {
            cJSON_Delete(o);
            goto fail;
        }
        n_impl += impl;
        n_legacy += ops[i].legacy;
    }
    /* Counts first so that a reader of the raw JSON sees them before 200+ rows. */
    if (!cJSON_AddNumberToObject(root, "implemented", (double)n_impl) ||
        !cJSON_AddNumberToObject(root, "missing", (double)(N_OPS - n_impl)) ||
        !cJSON_AddNumberToObject(root, "total", (double)N_OPS) ||
        !cJSON_AddNumberToObject(root, "specOperations", AM_COVERAGE_SPEC_OPERATIONS) ||
        !cJSON_AddNumberToObject(root, "legacyOperations", (double)n_legacy))
        goto fail;
    if (!cJSON_AddItemToObject(root, "operations", list))
        goto fail; /* not attached on failure: list is still ours */
    return root;
fail:
    cJSON_Delete(list);
    cJSON_Delete(root);
    return NULL;
}

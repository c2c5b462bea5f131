/* router.c - table-driven matcher for /v3, /api/v3 and /__mock paths (see router.h). */
#include "router.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "api_customers.h"
#include "api_payments.h"
#include "api_recurring.h"
#include "api_webhooks.h"
/* area pix headers */
#include "api_pix.h"
/* area moneyout headers */
#include "api_moneyout.h"
/* area accounts headers */
#include "api_accounts.h"
#include "api_splits.h"
/* area links headers */
#include "api_dunning.h"
#include "api_invoices.h"
#include "api_links.h"
/* area payrest headers */
#include "api_payrest.h"

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
    /* area pix */
    {AM_ROUTE_PIX_KEYS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "pix/addressKeys", "pix.addressKeys.create", am_api_pix_keys_create},
    {AM_ROUTE_PIX_KEYS_LIST, AM_SCOPE_API, AM_METHOD_GET, "pix/addressKeys", "pix.addressKeys.list", am_api_pix_keys_list},
    {AM_ROUTE_PIX_KEYS_EXTERNAL, AM_SCOPE_API, AM_METHOD_GET, "pix/addressKeys/external", "pix.addressKeys.external", am_api_pix_keys_external},
    {AM_ROUTE_PIX_KEYS_GET, AM_SCOPE_API, AM_METHOD_GET, "pix/addressKeys/*", "pix.addressKeys.get", am_api_pix_keys_get},
    {AM_ROUTE_PIX_KEYS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "pix/addressKeys/*", "pix.addressKeys.delete", am_api_pix_keys_delete},
    {AM_ROUTE_PIX_TOKEN_BUCKET, AM_SCOPE_API, AM_METHOD_GET, "pix/tokenBucket/addressKey", "pix.tokenBucket.addressKey", am_api_pix_token_bucket},
    {AM_ROUTE_PIX_QR_STATIC_CREATE, AM_SCOPE_API, AM_METHOD_POST, "pix/qrCodes/static", "pix.qrCodes.static.create", am_api_pix_qr_static_create},
    {AM_ROUTE_PIX_QR_STATIC_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "pix/qrCodes/static/*", "pix.qrCodes.static.delete", am_api_pix_qr_static_delete},
    {AM_ROUTE_PIX_QR_DECODE, AM_SCOPE_API, AM_METHOD_POST, "pix/qrCodes/decode", "pix.qrCodes.decode", am_api_pix_qr_decode},
    {AM_ROUTE_PIX_QR_PAY, AM_SCOPE_API, AM_METHOD_POST, "pix/qrCodes/pay", "pix.qrCodes.pay", am_api_pix_qr_pay},
    {AM_ROUTE_PIX_REC_LIST, AM_SCOPE_API, AM_METHOD_GET, "pix/transactions/recurrings", "pix.recurrings.list", am_api_pix_rec_list},
    {AM_ROUTE_PIX_REC_ITEM_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "pix/transactions/recurrings/items/*/cancel", "pix.recurrings.items.cancel", am_api_pix_rec_item_cancel},
    {AM_ROUTE_PIX_REC_GET, AM_SCOPE_API, AM_METHOD_GET, "pix/transactions/recurrings/*", "pix.recurrings.get", am_api_pix_rec_get},
    {AM_ROUTE_PIX_REC_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "pix/transactions/recurrings/*/cancel", "pix.recurrings.cancel", am_api_pix_rec_cancel},
    {AM_ROUTE_PIX_REC_ITEMS, AM_SCOPE_API, AM_METHOD_GET, "pix/transactions/recurrings/*/items", "pix.recurrings.items", am_api_pix_rec_items},
    {AM_ROUTE_PIX_TX_LIST, AM_SCOPE_API, AM_METHOD_GET, "pix/transactions", "pix.transactions.list", am_api_pix_tx_list},
    {AM_ROUTE_PIX_TX_GET, AM_SCOPE_API, AM_METHOD_GET, "pix/transactions/*", "pix.transactions.get", am_api_pix_tx_get},
    {AM_ROUTE_PIX_TX_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "pix/transactions/*/cancel", "pix.transactions.cancel", am_api_pix_tx_cancel},
    {AM_ROUTE_PIX_AUTH_CREATE, AM_SCOPE_API, AM_METHOD_POST, "pix/automatic/authorizations", "pix.automatic.authorizations.create", am_api_pix_auth_create},
    {AM_ROUTE_PIX_AUTH_LIST, AM_SCOPE_API, AM_METHOD_GET, "pix/automatic/authorizations", "pix.automatic.authorizations.list", am_api_pix_auth_list},
    {AM_ROUTE_PIX_AUTH_GET, AM_SCOPE_API, AM_METHOD_GET, "pix/automatic/authorizations/*", "pix.automatic.authorizations.get", am_api_pix_auth_get},
    {AM_ROUTE_PIX_AUTH_CANCEL, AM_SCOPE_API, AM_METHOD_DELETE, "pix/automatic/authorizations/*", "pix.automatic.authorizations.cancel", am_api_pix_auth_cancel},
    {AM_ROUTE_PIX_INSTR_LIST, AM_SCOPE_API, AM_METHOD_GET, "pix/automatic/paymentInstructions", "pix.automatic.paymentInstructions.list", am_api_pix_instr_list},
    {AM_ROUTE_PIX_INSTR_GET, AM_SCOPE_API, AM_METHOD_GET, "pix/automatic/paymentInstructions/*", "pix.automatic.paymentInstructions.get", am_api_pix_instr_get},
    {AM_ROUTE_PIX_INSTR_RETRY, AM_SCOPE_API, AM_METHOD_POST, "pix/automatic/paymentInstructions/*/retries", "pix.automatic.paymentInstructions.retry", am_api_pix_instr_retry},
    /* Mock-only sandbox action (not an Asaas operation): a recurring Pix series, as a Pix
     * transfer with "recurring" makes it. */
    {AM_ROUTE_SANDBOX_PIX_RECURRINGS, AM_SCOPE_API, AM_METHOD_POST, "sandbox/pix/recurrings", "sandbox.pix.recurrings", am_api_pix_rec_sandbox_create},
    /* area moneyout */
    {AM_ROUTE_TRANSFERS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "transfers", "transfers.create", am_api_transfers_create},
    /* The spec's own spelling of the transfer to another Asaas account (trailing slash). */
    {AM_ROUTE_TRANSFERS_CREATE_INTERNAL, AM_SCOPE_API, AM_METHOD_POST, "transfers/", "transfers.createInternal", am_api_transfers_create_internal},
    {AM_ROUTE_TRANSFERS_LIST, AM_SCOPE_API, AM_METHOD_GET, "transfers", "transfers.list", am_api_transfers_list},
    {AM_ROUTE_TRANSFERS_GET, AM_SCOPE_API, AM_METHOD_GET, "transfers/*", "transfers.get", am_api_transfers_get},
    {AM_ROUTE_TRANSFERS_CANCEL, AM_SCOPE_API, AM_METHOD_DELETE, "transfers/*/cancel", "transfers.cancel", am_api_transfers_cancel},
    {AM_ROUTE_BILLS_SIMULATE, AM_SCOPE_API, AM_METHOD_POST, "bill/simulate", "bill.simulate", am_api_bills_simulate},
    {AM_ROUTE_BILLS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "bill", "bill.create", am_api_bills_create},
    {AM_ROUTE_BILLS_LIST, AM_SCOPE_API, AM_METHOD_GET, "bill", "bill.list", am_api_bills_list},
    {AM_ROUTE_BILLS_GET, AM_SCOPE_API, AM_METHOD_GET, "bill/*", "bill.get", am_api_bills_get},
    {AM_ROUTE_BILLS_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "bill/*/cancel", "bill.cancel", am_api_bills_cancel},
    {AM_ROUTE_RECHARGES_CREATE, AM_SCOPE_API, AM_METHOD_POST, "mobilePhoneRecharges", "mobilePhoneRecharges.create", am_api_recharges_create},
    {AM_ROUTE_RECHARGES_LIST, AM_SCOPE_API, AM_METHOD_GET, "mobilePhoneRecharges", "mobilePhoneRecharges.list", am_api_recharges_list},
    {AM_ROUTE_RECHARGES_GET, AM_SCOPE_API, AM_METHOD_GET, "mobilePhoneRecharges/*", "mobilePhoneRecharges.get", am_api_recharges_get},
    {AM_ROUTE_RECHARGES_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "mobilePhoneRecharges/*/cancel", "mobilePhoneRecharges.cancel", am_api_recharges_cancel},
    {AM_ROUTE_RECHARGES_PROVIDER, AM_SCOPE_API, AM_METHOD_GET, "mobilePhoneRecharges/*/provider", "mobilePhoneRecharges.provider", am_api_recharges_provider},
    {AM_ROUTE_ANTICIPATIONS_SIMULATE, AM_SCOPE_API, AM_METHOD_POST, "anticipations/simulate", "anticipations.simulate", am_api_anticipations_simulate},
    {AM_ROUTE_ANTICIPATIONS_LIMITS, AM_SCOPE_API, AM_METHOD_GET, "anticipations/limits", "anticipations.limits", am_api_anticipations_limits},
    {AM_ROUTE_ANTICIPATIONS_CONFIG_GET, AM_SCOPE_API, AM_METHOD_GET, "anticipations/configurations", "anticipations.configurations.get", am_api_anticipations_config_get},
    {AM_ROUTE_ANTICIPATIONS_CONFIG_PUT, AM_SCOPE_API, AM_METHOD_PUT, "anticipations/configurations", "anticipations.configurations.update", am_api_anticipations_config_put},
    {AM_ROUTE_ANTICIPATIONS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "anticipations", "anticipations.create", am_api_anticipations_create},
    {AM_ROUTE_ANTICIPATIONS_LIST, AM_SCOPE_API, AM_METHOD_GET, "anticipations", "anticipations.list", am_api_anticipations_list},
    {AM_ROUTE_ANTICIPATIONS_GET, AM_SCOPE_API, AM_METHOD_GET, "anticipations/*", "anticipations.get", am_api_anticipations_get},
    {AM_ROUTE_ANTICIPATIONS_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "anticipations/*/cancel", "anticipations.cancel", am_api_anticipations_cancel},
    {AM_ROUTE_ESCROW_DEFAULT_GET, AM_SCOPE_API, AM_METHOD_GET, "accounts/escrow", "accounts.escrow.get", am_api_escrow_default_get},
    {AM_ROUTE_ESCROW_DEFAULT_SAVE, AM_SCOPE_API, AM_METHOD_POST, "accounts/escrow", "accounts.escrow.save", am_api_escrow_default_save},
    {AM_ROUTE_ESCROW_ACCOUNT_GET, AM_SCOPE_API, AM_METHOD_GET, "accounts/*/escrow", "accounts.subaccountEscrow.get", am_api_escrow_account_get},
    {AM_ROUTE_ESCROW_ACCOUNT_SAVE, AM_SCOPE_API, AM_METHOD_POST, "accounts/*/escrow", "accounts.subaccountEscrow.save", am_api_escrow_account_save},
    {AM_ROUTE_ESCROW_FINISH, AM_SCOPE_API, AM_METHOD_POST, "escrow/*/finish", "escrow.finish", am_api_escrow_finish},
    {AM_ROUTE_ESCROW_PAYMENT_GET, AM_SCOPE_API, AM_METHOD_GET, "payments/*/escrow", "payments.escrow", am_api_escrow_payment_get},
    /* area accounts */
    {AM_ROUTE_ACCOUNTS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "accounts", "accounts.create", am_api_accounts_create},
    {AM_ROUTE_ACCOUNTS_LIST, AM_SCOPE_API, AM_METHOD_GET, "accounts", "accounts.list", am_api_accounts_list},
    {AM_ROUTE_ACCOUNTS_GET, AM_SCOPE_API, AM_METHOD_GET, "accounts/*", "accounts.get", am_api_accounts_get},
    {AM_ROUTE_ACCOUNTS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "accounts/*", "accounts.delete", am_api_accounts_delete},
    {AM_ROUTE_ACCOUNTS_RESEND_LINK, AM_SCOPE_API, AM_METHOD_POST, "accounts/*/resendActivationLink", "accounts.resendActivationLink", am_api_accounts_resend_link},
    {AM_ROUTE_ACCESS_TOKENS_LIST, AM_SCOPE_API, AM_METHOD_GET, "accounts/*/accessTokens", "accounts.accessTokens.list", am_api_access_tokens_list},
    {AM_ROUTE_ACCESS_TOKENS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "accounts/*/accessTokens", "accounts.accessTokens.create", am_api_access_tokens_create},
    {AM_ROUTE_ACCESS_TOKENS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "accounts/*/accessTokens/*", "accounts.accessTokens.update", am_api_access_tokens_update},
    {AM_ROUTE_ACCESS_TOKENS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "accounts/*/accessTokens/*", "accounts.accessTokens.delete", am_api_access_tokens_delete},
    {AM_ROUTE_MY_ACCOUNT_COMMERCIAL_GET, AM_SCOPE_API, AM_METHOD_GET, "myAccount/commercialInfo", "myAccount.commercialInfo.get", am_api_my_account_commercial_get},
    {AM_ROUTE_MY_ACCOUNT_COMMERCIAL_SAVE, AM_SCOPE_API, AM_METHOD_POST, "myAccount/commercialInfo", "myAccount.commercialInfo.save", am_api_my_account_commercial_save},
    {AM_ROUTE_MY_ACCOUNT_FEES, AM_SCOPE_API, AM_METHOD_GET, "myAccount/fees", "myAccount.fees", am_api_my_account_fees},
    {AM_ROUTE_MY_ACCOUNT_NUMBER, AM_SCOPE_API, AM_METHOD_GET, "myAccount/accountNumber", "myAccount.accountNumber", am_api_my_account_number},
    {AM_ROUTE_MY_ACCOUNT_CHECKOUT_GET, AM_SCOPE_API, AM_METHOD_GET, "myAccount/paymentCheckoutConfig", "myAccount.paymentCheckoutConfig.get", am_api_my_account_checkout_get},
    {AM_ROUTE_MY_ACCOUNT_CHECKOUT_SAVE, AM_SCOPE_API, AM_METHOD_POST, "myAccount/paymentCheckoutConfig", "myAccount.paymentCheckoutConfig.save", am_api_my_account_checkout_save},
    {AM_ROUTE_MY_ACCOUNT_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "myAccount", "myAccount.delete", am_api_my_account_delete},
    {AM_ROUTE_WALLETS_LIST, AM_SCOPE_API, AM_METHOD_GET, "wallets", "wallets.list", am_api_wallets_list},
    {AM_ROUTE_DOCUMENTS_LIST, AM_SCOPE_API, AM_METHOD_GET, "myAccount/documents", "myAccount.documents.list", am_api_documents_list},
    {AM_ROUTE_DOCUMENT_FILE_GET, AM_SCOPE_API, AM_METHOD_GET, "myAccount/documents/files/*", "myAccount.documents.files.get", am_api_document_file_get},
    {AM_ROUTE_DOCUMENT_FILE_UPDATE, AM_SCOPE_API, AM_METHOD_POST, "myAccount/documents/files/*", "myAccount.documents.files.update", am_api_document_file_update},
    {AM_ROUTE_DOCUMENT_FILE_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "myAccount/documents/files/*", "myAccount.documents.files.delete", am_api_document_file_delete},
    {AM_ROUTE_DOCUMENTS_SEND, AM_SCOPE_API, AM_METHOD_POST, "myAccount/documents/*", "myAccount.documents.send", am_api_documents_send},
    {AM_ROUTE_SPLITS_PAID_LIST, AM_SCOPE_API, AM_METHOD_GET, "payments/splits/paid", "payments.splits.paid.list", am_api_splits_paid_list},
    {AM_ROUTE_SPLITS_PAID_GET, AM_SCOPE_API, AM_METHOD_GET, "payments/splits/paid/*", "payments.splits.paid.get", am_api_splits_paid_get},
    {AM_ROUTE_SPLITS_RECEIVED_LIST, AM_SCOPE_API, AM_METHOD_GET, "payments/splits/received", "payments.splits.received.list", am_api_splits_received_list},
    {AM_ROUTE_SPLITS_RECEIVED_GET, AM_SCOPE_API, AM_METHOD_GET, "payments/splits/received/*", "payments.splits.received.get", am_api_splits_received_get},
    /* area links */
    {AM_ROUTE_LINKS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "paymentLinks", "paymentLinks.create", am_api_links_create},
    {AM_ROUTE_LINKS_LIST, AM_SCOPE_API, AM_METHOD_GET, "paymentLinks", "paymentLinks.list", am_api_links_list},
    {AM_ROUTE_LINKS_GET, AM_SCOPE_API, AM_METHOD_GET, "paymentLinks/*", "paymentLinks.get", am_api_links_get},
    {AM_ROUTE_LINKS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "paymentLinks/*", "paymentLinks.update", am_api_links_update},
    {AM_ROUTE_LINKS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "paymentLinks/*", "paymentLinks.delete", am_api_links_delete},
    {AM_ROUTE_LINKS_RESTORE, AM_SCOPE_API, AM_METHOD_POST, "paymentLinks/*/restore", "paymentLinks.restore", am_api_links_restore},
    {AM_ROUTE_LINK_IMAGES_ADD, AM_SCOPE_API, AM_METHOD_POST, "paymentLinks/*/images", "paymentLinks.images.add", am_api_link_images_add},
    {AM_ROUTE_LINK_IMAGES_LIST, AM_SCOPE_API, AM_METHOD_GET, "paymentLinks/*/images", "paymentLinks.images.list", am_api_link_images_list},
    {AM_ROUTE_LINK_IMAGE_GET, AM_SCOPE_API, AM_METHOD_GET, "paymentLinks/*/images/*", "paymentLinks.images.get", am_api_link_image_get},
    {AM_ROUTE_LINK_IMAGE_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "paymentLinks/*/images/*", "paymentLinks.images.delete", am_api_link_image_delete},
    {AM_ROUTE_LINK_IMAGE_SET_MAIN, AM_SCOPE_API, AM_METHOD_PUT, "paymentLinks/*/images/*/setAsMain", "paymentLinks.images.setAsMain", am_api_link_image_set_main},
    {AM_ROUTE_CHECKOUTS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "checkouts", "checkouts.create", am_api_checkouts_create},
    {AM_ROUTE_CHECKOUTS_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "checkouts/*/cancel", "checkouts.cancel", am_api_checkouts_cancel},
    {AM_ROUTE_SANDBOX_LINK_VIEW, AM_SCOPE_API, AM_METHOD_POST, "sandbox/paymentLinks/*/view", "sandbox.paymentLink.view", am_api_sandbox_link_view},
    {AM_ROUTE_SANDBOX_LINK_PAY, AM_SCOPE_API, AM_METHOD_POST, "sandbox/paymentLinks/*/pay", "sandbox.paymentLink.pay", am_api_sandbox_link_pay},
    {AM_ROUTE_SANDBOX_CHECKOUT_PAY, AM_SCOPE_API, AM_METHOD_POST, "sandbox/checkouts/*/pay", "sandbox.checkout.pay", am_api_sandbox_checkout_pay},
    {AM_ROUTE_FISCAL_GET, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo", "fiscalInfo.get", am_api_fiscal_get},
    {AM_ROUTE_FISCAL_GET, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/", "fiscalInfo.get", am_api_fiscal_get},
    {AM_ROUTE_FISCAL_SAVE, AM_SCOPE_API, AM_METHOD_POST, "fiscalInfo", "fiscalInfo.save", am_api_fiscal_save},
    {AM_ROUTE_FISCAL_SAVE, AM_SCOPE_API, AM_METHOD_POST, "fiscalInfo/", "fiscalInfo.save", am_api_fiscal_save},
    {AM_ROUTE_FISCAL_MUNICIPAL_OPTIONS, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/municipalOptions", "fiscalInfo.municipalOptions", am_api_fiscal_municipal_options},
    {AM_ROUTE_FISCAL_SERVICES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/services", "fiscalInfo.services", am_api_fiscal_services},
    {AM_ROUTE_FISCAL_NBS_CODES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/nbsCodes", "fiscalInfo.nbsCodes", am_api_fiscal_nbs_codes},
    {AM_ROUTE_FISCAL_FEDERAL_CODES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/federalServiceCodes", "fiscalInfo.federalServiceCodes", am_api_fiscal_federal_codes},
    {AM_ROUTE_FISCAL_INDICATOR_CODES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/operationIndicatorCodes", "fiscalInfo.operationIndicatorCodes", am_api_fiscal_indicator_codes},
    {AM_ROUTE_FISCAL_CLASSIFICATION_CODES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/taxClassificationCodes", "fiscalInfo.taxClassificationCodes", am_api_fiscal_classification_codes},
    {AM_ROUTE_FISCAL_SITUATION_CODES, AM_SCOPE_API, AM_METHOD_GET, "fiscalInfo/taxSituationCodes", "fiscalInfo.taxSituationCodes", am_api_fiscal_situation_codes},
    {AM_ROUTE_FISCAL_NATIONAL_PORTAL, AM_SCOPE_API, AM_METHOD_POST, "fiscalInfo/nationalPortal", "fiscalInfo.nationalPortal", am_api_fiscal_national_portal},
    {AM_ROUTE_FISCAL_LEGACY_GET, AM_SCOPE_API, AM_METHOD_GET, "customerFiscalInfo", "customerFiscalInfo.get", am_api_fiscal_get},
    {AM_ROUTE_FISCAL_LEGACY_SAVE, AM_SCOPE_API, AM_METHOD_POST, "customerFiscalInfo", "customerFiscalInfo.save", am_api_fiscal_save},
    {AM_ROUTE_INVOICES_CREATE, AM_SCOPE_API, AM_METHOD_POST, "invoices", "invoices.create", am_api_invoices_create},
    {AM_ROUTE_INVOICES_LIST, AM_SCOPE_API, AM_METHOD_GET, "invoices", "invoices.list", am_api_invoices_list},
    {AM_ROUTE_INVOICES_GET, AM_SCOPE_API, AM_METHOD_GET, "invoices/*", "invoices.get", am_api_invoices_get},
    {AM_ROUTE_INVOICES_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "invoices/*", "invoices.update", am_api_invoices_update},
    {AM_ROUTE_INVOICES_AUTHORIZE, AM_SCOPE_API, AM_METHOD_POST, "invoices/*/authorize", "invoices.authorize", am_api_invoices_authorize},
    {AM_ROUTE_INVOICES_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "invoices/*/cancel", "invoices.cancel", am_api_invoices_cancel},
    {AM_ROUTE_DUNNINGS_SIMULATE, AM_SCOPE_API, AM_METHOD_POST, "paymentDunnings/simulate", "paymentDunnings.simulate", am_api_dunning_simulate},
    {AM_ROUTE_DUNNINGS_AVAILABLE, AM_SCOPE_API, AM_METHOD_GET, "paymentDunnings/paymentsAvailableForDunning", "paymentDunnings.paymentsAvailableForDunning", am_api_dunning_available},
    {AM_ROUTE_DUNNINGS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "paymentDunnings", "paymentDunnings.create", am_api_dunning_create},
    {AM_ROUTE_DUNNINGS_LIST, AM_SCOPE_API, AM_METHOD_GET, "paymentDunnings", "paymentDunnings.list", am_api_dunning_list},
    {AM_ROUTE_DUNNINGS_GET, AM_SCOPE_API, AM_METHOD_GET, "paymentDunnings/*", "paymentDunnings.get", am_api_dunning_get},
    {AM_ROUTE_DUNNINGS_HISTORY, AM_SCOPE_API, AM_METHOD_GET, "paymentDunnings/*/history", "paymentDunnings.history", am_api_dunning_history},
    {AM_ROUTE_DUNNINGS_PARTIAL_PAYMENTS, AM_SCOPE_API, AM_METHOD_GET, "paymentDunnings/*/partialPayments", "paymentDunnings.partialPayments", am_api_dunning_partial_payments},
    {AM_ROUTE_DUNNINGS_DOCUMENTS, AM_SCOPE_API, AM_METHOD_POST, "paymentDunnings/*/documents", "paymentDunnings.documents", am_api_dunning_documents},
    {AM_ROUTE_DUNNINGS_CANCEL, AM_SCOPE_API, AM_METHOD_POST, "paymentDunnings/*/cancel", "paymentDunnings.cancel", am_api_dunning_cancel},
    /* area payrest */
    {AM_ROUTE_CUSTOMERS_NOTIFICATIONS, AM_SCOPE_API, AM_METHOD_GET, "customers/*/notifications", "customers.notifications", am_api_customers_notifications},
    {AM_ROUTE_NOTIFICATIONS_BATCH, AM_SCOPE_API, AM_METHOD_PUT, "notifications/batch", "notifications.batch", am_api_notifications_batch},
    {AM_ROUTE_NOTIFICATIONS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "notifications/*", "notifications.update", am_api_notifications_update},
    {AM_ROUTE_LEAN_CREATE, AM_SCOPE_API, AM_METHOD_POST, "lean/payments", "lean.payments.create", am_api_lean_create},
    {AM_ROUTE_LEAN_LIST, AM_SCOPE_API, AM_METHOD_GET, "lean/payments", "lean.payments.list", am_api_lean_list},
    {AM_ROUTE_LEAN_GET, AM_SCOPE_API, AM_METHOD_GET, "lean/payments/*", "lean.payments.get", am_api_lean_get},
    {AM_ROUTE_LEAN_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "lean/payments/*", "lean.payments.update", am_api_lean_update},
    {AM_ROUTE_LEAN_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "lean/payments/*", "lean.payments.delete", am_api_lean_delete},
    {AM_ROUTE_LEAN_RESTORE, AM_SCOPE_API, AM_METHOD_POST, "lean/payments/*/restore", "lean.payments.restore", am_api_lean_restore},
    {AM_ROUTE_LEAN_REFUND, AM_SCOPE_API, AM_METHOD_POST, "lean/payments/*/refund", "lean.payments.refund", am_api_lean_refund},
    {AM_ROUTE_LEAN_RECEIVE_IN_CASH, AM_SCOPE_API, AM_METHOD_POST, "lean/payments/*/receiveInCash", "lean.payments.receiveInCash", am_api_lean_receive_in_cash},
    {AM_ROUTE_LEAN_UNDO_RECEIVED_IN_CASH, AM_SCOPE_API, AM_METHOD_POST, "lean/payments/*/undoReceivedInCash", "lean.payments.undoReceivedInCash", am_api_lean_undo_received_in_cash},
    {AM_ROUTE_LEAN_CAPTURE, AM_SCOPE_API, AM_METHOD_POST, "lean/payments/*/captureAuthorizedPayment", "lean.payments.captureAuthorizedPayment", am_api_lean_capture},
    {AM_ROUTE_PAYMENTS_PAY_WITH_CARD_V2, AM_SCOPE_API, AM_METHOD_POST, "payments/*/payWithCard", "payments.payWithCard", am_api_payments_pay_with_card_v2},
    {AM_ROUTE_PAYMENTS_BANK_SLIP_REFUND, AM_SCOPE_API, AM_METHOD_POST, "payments/*/bankSlip/refund", "payments.bankSlip.refund", am_api_payments_bank_slip_refund},
    {AM_ROUTE_PAYMENTS_RESTRICTIONS, AM_SCOPE_API, AM_METHOD_GET, "payments/*/contractualEffectRestrictions", "payments.contractualEffectRestrictions", am_api_payments_restrictions},
    {AM_ROUTE_PAYMENT_DOCUMENTS_UPLOAD, AM_SCOPE_API, AM_METHOD_POST, "payments/*/documents", "payments.documents.upload", am_api_payment_documents_upload},
    {AM_ROUTE_PAYMENT_DOCUMENTS_LIST, AM_SCOPE_API, AM_METHOD_GET, "payments/*/documents", "payments.documents.list", am_api_payment_documents_list},
    {AM_ROUTE_PAYMENT_DOCUMENT_GET, AM_SCOPE_API, AM_METHOD_GET, "payments/*/documents/*", "payments.documents.get", am_api_payment_document_get},
    {AM_ROUTE_PAYMENT_DOCUMENT_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "payments/*/documents/*", "payments.documents.update", am_api_payment_document_update},
    {AM_ROUTE_PAYMENT_DOCUMENT_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "payments/*/documents/*", "payments.documents.delete", am_api_payment_document_delete},
    {AM_ROUTE_PREAUTH_CONFIG_GET, AM_SCOPE_API, AM_METHOD_GET, "creditCard/preAuthorization/config", "creditCard.preAuthorization.config.get", am_api_preauth_config_get},
    {AM_ROUTE_PREAUTH_CONFIG_SAVE, AM_SCOPE_API, AM_METHOD_POST, "creditCard/preAuthorization/config", "creditCard.preAuthorization.config.save", am_api_preauth_config_save},
    {AM_ROUTE_FINANCE_SPLIT_STATISTICS, AM_SCOPE_API, AM_METHOD_GET, "finance/split/statistics", "finance.split.statistics", am_api_finance_split_statistics},
    {AM_ROUTE_INSTALLMENTS_PAYMENT_BOOK, AM_SCOPE_API, AM_METHOD_GET, "installments/*/paymentBook", "installments.paymentBook", am_api_installments_payment_book},
    {AM_ROUTE_INSTALLMENTS_SPLITS, AM_SCOPE_API, AM_METHOD_PUT, "installments/*/splits", "installments.splits", am_api_installments_splits},
    {AM_ROUTE_SUBSCRIPTIONS_PAYMENT_BOOK, AM_SCOPE_API, AM_METHOD_GET, "subscriptions/*/paymentBook", "subscriptions.paymentBook", am_api_subscriptions_payment_book},
    {AM_ROUTE_SUBSCRIPTIONS_CREDIT_CARD, AM_SCOPE_API, AM_METHOD_PUT, "subscriptions/*/creditCard", "subscriptions.creditCard", am_api_subscriptions_credit_card},
    {AM_ROUTE_SUBSCRIPTIONS_INVOICES, AM_SCOPE_API, AM_METHOD_GET, "subscriptions/*/invoices", "subscriptions.invoices", am_api_subscriptions_invoices},
    {AM_ROUTE_SUB_INVOICE_SETTINGS_CREATE, AM_SCOPE_API, AM_METHOD_POST, "subscriptions/*/invoiceSettings", "subscriptions.invoiceSettings.create", am_api_sub_invoice_settings_create},
    {AM_ROUTE_SUB_INVOICE_SETTINGS_GET, AM_SCOPE_API, AM_METHOD_GET, "subscriptions/*/invoiceSettings", "subscriptions.invoiceSettings.get", am_api_sub_invoice_settings_get},
    {AM_ROUTE_SUB_INVOICE_SETTINGS_UPDATE, AM_SCOPE_API, AM_METHOD_PUT, "subscriptions/*/invoiceSettings", "subscriptions.invoiceSettings.update", am_api_sub_invoice_settings_update},
    {AM_ROUTE_SUB_INVOICE_SETTINGS_DELETE, AM_SCOPE_API, AM_METHOD_DELETE, "subscriptions/*/invoiceSettings", "subscriptions.invoiceSettings.delete", am_api_sub_invoice_settings_delete},
    {AM_ROUTE_PAYMENTS_CHARGEBACK, AM_SCOPE_API, AM_METHOD_GET, "payments/*/chargeback", "payments.chargeback", am_api_payments_chargeback},
    {AM_ROUTE_CHARGEBACKS_LIST, AM_SCOPE_API, AM_METHOD_GET, "chargebacks", "chargebacks.list", am_api_chargebacks_list},
    {AM_ROUTE_CHARGEBACKS_DISPUTE, AM_SCOPE_API, AM_METHOD_POST, "chargebacks/*/dispute", "chargebacks.dispute", am_api_chargebacks_dispute},
    {AM_ROUTE_SANDBOX_CHARGEBACK, AM_SCOPE_API, AM_METHOD_POST, "sandbox/payment/*/chargeback", "sandbox.payment.chargeback", am_api_sandbox_chargeback},
    {AM_ROUTE_CREDIT_BUREAU_CREATE, AM_SCOPE_API, AM_METHOD_POST, "creditBureauReport", "creditBureauReport.create", am_api_credit_bureau_create},
    {AM_ROUTE_CREDIT_BUREAU_LIST, AM_SCOPE_API, AM_METHOD_GET, "creditBureauReport", "creditBureauReport.list", am_api_credit_bureau_list},
    {AM_ROUTE_CREDIT_BUREAU_GET, AM_SCOPE_API, AM_METHOD_GET, "creditBureauReport/*", "creditBureauReport.get", am_api_credit_bureau_get},

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
    {AM_ROUTE_CTL_SECURITY_REPORT, AM_SCOPE_CONTROL, AM_METHOD_GET, "security/report", "mock.security.report", NULL},
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
 * Returns the count, or -1 when empty segments ("a//b", a leading one) or too many. A
 * trailing "/" gives a last empty segment: the spec spells some paths that way
 * ("/v3/fiscalInfo/"), and only a pattern ending in "/" matches it. */
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
        if (*p == '\0' && (slash || n == 0))
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
    size_t len;
    bool trailing;

    /* Most patterns differ from the path in the first letter: say so before the walk
     * (segs[0] is never empty, and a '*' pattern segment matches any). */
    if (n > 0 && pattern[0] != '*' && pattern[0] != segs[0][0])
        return false;
    len = strlen(pattern);
    trailing = len > 0 && pattern[len - 1] == '/';

    while (*p) {
        const char *slash = strchr(p, '/');
        size_t plen = slash ? (size_t)(slash - p) : strlen(p);

        if (i >= n)
            return false;
        if (plen == 1 && *p == '*') {
            if (np == AM_ROUTE_MAX_PARAMS || !segs[i][0]) /* never an empty parameter */
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
    if (trailing) { /* "x/": one last empty segment */
        if (i >= n || segs[i][0])
            return false;
        i++;
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

/* How many path segments routes[i]'s pattern takes ("a/b" 2, "a/" 2, "" 0): a path with
 * another count cannot match it. Counted once, on the first request. */
static int segments_of(size_t i)
{
    static int count[N_ROUTES];
    static bool counted;

    if (!counted) {
        for (size_t k = 0; k < N_ROUTES; k++) {
            const char *p = routes[k].pattern;
            count[k] = *p ? 1 : 0;
            for (; *p; p++)
                count[k] += *p == '/';
        }
        counted = true;
    }
    return count[i];
}

void am_router_match(enum am_method method, const char *path, struct am_route_match *m)
{
    const char *segs[MAX_SEGMENTS];
    const char *rest = NULL;
    int n;

    /* Not the 1 KiB segment buffer: split() fills what the params point into. */
    memset(m, 0, offsetof(struct am_route_match, buf));
    m->buf[0] = '\0';
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
    /* A trailing slash is an empty last segment: it matches only a pattern spelled with
     * it (the spec's POST /v3/transfers/ is another operation than POST /v3/transfers). */
    n = split(rest, m->buf, sizeof(m->buf), segs);
    if (n <= 0)
        return;
    for (size_t i = 0; i < N_ROUTES; i++) {
        const struct route_def *r = &routes[i];

        if (r->scope != m->scope || segments_of(i) != n)
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

bool am_route_mints_key(enum am_route r)
{
    return r == AM_ROUTE_ACCOUNTS_CREATE || r == AM_ROUTE_ACCESS_TOKENS_CREATE;
}

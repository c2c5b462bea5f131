/* test_router.c - (method, path) -> route, params, 405 Allow lists and hostile paths. */
#include "test_helpers.h"

#include <errno.h>

#include <stdbool.h>

#include "router.h"

#include "api_customers.h"
#include "api_recurring.h"

struct route_case {
    enum am_method method;
    const char *rest; /* path after the prefix */
    enum am_route route;
    const char *name; /* am_route_name(route) */
    size_t n_params;
    const char *p0, *p1;
};

#define P0(x) 1, x, NULL
#define NOP 0, NULL, NULL

static const struct route_case api_cases[] = {
    {AM_METHOD_GET, "customers", AM_ROUTE_CUSTOMERS_LIST, "customers.list", NOP},
    {AM_METHOD_POST, "customers", AM_ROUTE_CUSTOMERS_CREATE, "customers.create", NOP},
    {AM_METHOD_GET, "customers/cus_000005219613", AM_ROUTE_CUSTOMERS_GET, "customers.get",
     P0("cus_000005219613")},
    {AM_METHOD_PUT, "customers/cus_1", AM_ROUTE_CUSTOMERS_UPDATE, "customers.update",
     P0("cus_1")},
    {AM_METHOD_POST, "customers/cus_2", AM_ROUTE_CUSTOMERS_UPDATE, "customers.update",
     P0("cus_2")},
    {AM_METHOD_DELETE, "customers/cus_3", AM_ROUTE_CUSTOMERS_DELETE, "customers.delete",
     P0("cus_3")},
    {AM_METHOD_POST, "customers/cus_4/restore", AM_ROUTE_CUSTOMERS_RESTORE, "customers.restore",
     P0("cus_4")},
    {AM_METHOD_POST, "payments/simulate", AM_ROUTE_PAYMENTS_SIMULATE, "payments.simulate", NOP},
    {AM_METHOD_GET, "payments/limits", AM_ROUTE_PAYMENTS_LIMITS, "payments.limits", NOP},
    {AM_METHOD_POST, "payments", AM_ROUTE_PAYMENTS_CREATE, "payments.create", NOP},
    {AM_METHOD_GET, "payments", AM_ROUTE_PAYMENTS_LIST, "payments.list", NOP},
    {AM_METHOD_GET, "payments/pay_1", AM_ROUTE_PAYMENTS_GET, "payments.get", P0("pay_1")},
    {AM_METHOD_PUT, "payments/pay_1", AM_ROUTE_PAYMENTS_UPDATE, "payments.update", P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1", AM_ROUTE_PAYMENTS_UPDATE, "payments.update", P0("pay_1")},
    {AM_METHOD_DELETE, "payments/pay_1", AM_ROUTE_PAYMENTS_DELETE, "payments.delete",
     P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/restore", AM_ROUTE_PAYMENTS_RESTORE, "payments.restore",
     P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/refund", AM_ROUTE_PAYMENTS_REFUND, "payments.refund",
     P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/refunds", AM_ROUTE_PAYMENTS_REFUNDS, "payments.refunds",
     P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/receiveInCash", AM_ROUTE_PAYMENTS_RECEIVE_IN_CASH,
     "payments.receiveInCash", P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/undoReceivedInCash",
     AM_ROUTE_PAYMENTS_UNDO_RECEIVED_IN_CASH, "payments.undoReceivedInCash", P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/captureAuthorizedPayment", AM_ROUTE_PAYMENTS_CAPTURE,
     "payments.captureAuthorizedPayment", P0("pay_1")},
    {AM_METHOD_POST, "payments/pay_1/payWithCreditCard", AM_ROUTE_PAYMENTS_PAY_WITH_CARD,
     "payments.payWithCreditCard", P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/pixQrCode", AM_ROUTE_PAYMENTS_PIX_QRCODE,
     "payments.pixQrCode", P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/identificationField",
     AM_ROUTE_PAYMENTS_IDENTIFICATION_FIELD, "payments.identificationField", P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/status", AM_ROUTE_PAYMENTS_STATUS, "payments.status",
     P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/billingInfo", AM_ROUTE_PAYMENTS_BILLING_INFO,
     "payments.billingInfo", P0("pay_1")},
    {AM_METHOD_GET, "payments/pay_1/viewingInfo", AM_ROUTE_PAYMENTS_VIEWING_INFO,
     "payments.viewingInfo", P0("pay_1")},
    {AM_METHOD_POST, "creditCard/tokenizeCreditCard", AM_ROUTE_CREDIT_CARD_TOKENIZE,
     "creditCard.tokenize", NOP},
    {AM_METHOD_POST, "sandbox/payment/pay_9/confirm", AM_ROUTE_SANDBOX_CONFIRM,
     "sandbox.payment.confirm", P0("pay_9")},
    {AM_METHOD_POST, "sandbox/payment/pay_9/overdue", AM_ROUTE_SANDBOX_OVERDUE,
     "sandbox.payment.overdue", P0("pay_9")},
    {AM_METHOD_POST, "sandbox/myAccount/approve", AM_ROUTE_SANDBOX_APPROVE,
     "sandbox.myAccount.approve", NOP},
    /* area moneyout */
    {AM_METHOD_POST, "transfers", AM_ROUTE_TRANSFERS_CREATE, "transfers.create", NOP},
    {AM_METHOD_POST, "transfers/", AM_ROUTE_TRANSFERS_CREATE_INTERNAL, "transfers.createInternal", NOP},
    {AM_METHOD_GET, "transfers", AM_ROUTE_TRANSFERS_LIST, "transfers.list", NOP},
    {AM_METHOD_GET, "transfers/t1", AM_ROUTE_TRANSFERS_GET, "transfers.get", P0("t1")},
    {AM_METHOD_DELETE, "transfers/t1/cancel", AM_ROUTE_TRANSFERS_CANCEL, "transfers.cancel", P0("t1")},
    {AM_METHOD_POST, "bill/simulate", AM_ROUTE_BILLS_SIMULATE, "bill.simulate", NOP},
    {AM_METHOD_POST, "bill", AM_ROUTE_BILLS_CREATE, "bill.create", NOP},
    {AM_METHOD_GET, "bill", AM_ROUTE_BILLS_LIST, "bill.list", NOP},
    {AM_METHOD_GET, "bill/b1", AM_ROUTE_BILLS_GET, "bill.get", P0("b1")},
    {AM_METHOD_POST, "bill/b1/cancel", AM_ROUTE_BILLS_CANCEL, "bill.cancel", P0("b1")},
    {AM_METHOD_POST, "mobilePhoneRecharges", AM_ROUTE_RECHARGES_CREATE, "mobilePhoneRecharges.create", NOP},
    {AM_METHOD_GET, "mobilePhoneRecharges", AM_ROUTE_RECHARGES_LIST, "mobilePhoneRecharges.list", NOP},
    {AM_METHOD_GET, "mobilePhoneRecharges/r1", AM_ROUTE_RECHARGES_GET, "mobilePhoneRecharges.get", P0("r1")},
    {AM_METHOD_POST, "mobilePhoneRecharges/r1/cancel", AM_ROUTE_RECHARGES_CANCEL,
     "mobilePhoneRecharges.cancel", P0("r1")},
    {AM_METHOD_GET, "mobilePhoneRecharges/47996321478/provider", AM_ROUTE_RECHARGES_PROVIDER,
     "mobilePhoneRecharges.provider", P0("47996321478")},
    {AM_METHOD_POST, "anticipations/simulate", AM_ROUTE_ANTICIPATIONS_SIMULATE, "anticipations.simulate", NOP},
    {AM_METHOD_GET, "anticipations/limits", AM_ROUTE_ANTICIPATIONS_LIMITS, "anticipations.limits", NOP},
    {AM_METHOD_GET, "anticipations/configurations", AM_ROUTE_ANTICIPATIONS_CONFIG_GET,
     "anticipations.configurations.get", NOP},
    {AM_METHOD_PUT, "anticipations/configurations", AM_ROUTE_ANTICIPATIONS_CONFIG_PUT,
     "anticipations.configurations.update", NOP},
    {AM_METHOD_POST, "anticipations", AM_ROUTE_ANTICIPATIONS_CREATE, "anticipations.create", NOP},
    {AM_METHOD_GET, "anticipations", AM_ROUTE_ANTICIPATIONS_LIST, "anticipations.list", NOP},
    {AM_METHOD_GET, "anticipations/a1", AM_ROUTE_ANTICIPATIONS_GET, "anticipations.get", P0("a1")},
    {AM_METHOD_POST, "anticipations/a1/cancel", AM_ROUTE_ANTICIPATIONS_CANCEL, "anticipations.cancel",
     P0("a1")},
    {AM_METHOD_GET, "accounts/escrow", AM_ROUTE_ESCROW_DEFAULT_GET, "accounts.escrow.get", NOP},
    {AM_METHOD_POST, "accounts/escrow", AM_ROUTE_ESCROW_DEFAULT_SAVE, "accounts.escrow.save", NOP},
    {AM_METHOD_GET, "accounts/acc1/escrow", AM_ROUTE_ESCROW_ACCOUNT_GET, "accounts.subaccountEscrow.get",
     P0("acc1")},
    {AM_METHOD_POST, "accounts/acc1/escrow", AM_ROUTE_ESCROW_ACCOUNT_SAVE,
     "accounts.subaccountEscrow.save", P0("acc1")},
    {AM_METHOD_POST, "escrow/e1/finish", AM_ROUTE_ESCROW_FINISH, "escrow.finish", P0("e1")},
    {AM_METHOD_GET, "payments/pay_1/escrow", AM_ROUTE_ESCROW_PAYMENT_GET, "payments.escrow", P0("pay_1")},
    {AM_METHOD_POST, "installments", AM_ROUTE_INSTALLMENTS_CREATE, "installments.create", NOP},
    {AM_METHOD_GET, "installments", AM_ROUTE_INSTALLMENTS_LIST, "installments.list", NOP},
    {AM_METHOD_GET, "installments/ins_1", AM_ROUTE_INSTALLMENTS_GET, "installments.get",
     P0("ins_1")},
    {AM_METHOD_DELETE, "installments/ins_1", AM_ROUTE_INSTALLMENTS_DELETE, "installments.delete",
     P0("ins_1")},
    {AM_METHOD_GET, "installments/ins_1/payments", AM_ROUTE_INSTALLMENTS_PAYMENTS,
     "installments.payments", P0("ins_1")},
    {AM_METHOD_DELETE, "installments/ins_1/payments", AM_ROUTE_INSTALLMENTS_DELETE_PAYMENTS,
     "installments.deletePayments", P0("ins_1")},
    {AM_METHOD_POST, "installments/ins_1/refund", AM_ROUTE_INSTALLMENTS_REFUND,
     "installments.refund", P0("ins_1")},
    {AM_METHOD_POST, "subscriptions", AM_ROUTE_SUBSCRIPTIONS_CREATE, "subscriptions.create",
     NOP},
    {AM_METHOD_GET, "subscriptions", AM_ROUTE_SUBSCRIPTIONS_LIST, "subscriptions.list", NOP},
    {AM_METHOD_GET, "subscriptions/sub_1", AM_ROUTE_SUBSCRIPTIONS_GET, "subscriptions.get",
     P0("sub_1")},
    {AM_METHOD_PUT, "subscriptions/sub_1", AM_ROUTE_SUBSCRIPTIONS_UPDATE, "subscriptions.update",
     P0("sub_1")},
    {AM_METHOD_POST, "subscriptions/sub_1", AM_ROUTE_SUBSCRIPTIONS_UPDATE,
     "subscriptions.update", P0("sub_1")},
    {AM_METHOD_DELETE, "subscriptions/sub_1", AM_ROUTE_SUBSCRIPTIONS_DELETE,
     "subscriptions.delete", P0("sub_1")},
    {AM_METHOD_GET, "subscriptions/sub_1/payments", AM_ROUTE_SUBSCRIPTIONS_PAYMENTS,
     "subscriptions.payments", P0("sub_1")},
    {AM_METHOD_GET, "finance/balance", AM_ROUTE_FINANCE_BALANCE, "finance.balance", NOP},
    {AM_METHOD_GET, "financialTransactions", AM_ROUTE_FINANCIAL_TRANSACTIONS,
     "financialTransactions.list", NOP},
    {AM_METHOD_GET, "finance/payment/statistics", AM_ROUTE_FINANCE_STATISTICS,
     "finance.payment.statistics", NOP},
    {AM_METHOD_GET, "myAccount/status", AM_ROUTE_MY_ACCOUNT_STATUS, "myAccount.status", NOP},
    {AM_METHOD_POST, "webhooks", AM_ROUTE_WEBHOOKS_CREATE, "webhooks.create", NOP},
    {AM_METHOD_GET, "webhooks", AM_ROUTE_WEBHOOKS_LIST, "webhooks.list", NOP},
    {AM_METHOD_GET, "webhooks/w-1", AM_ROUTE_WEBHOOKS_GET, "webhooks.get", P0("w-1")},
    {AM_METHOD_PUT, "webhooks/w-1", AM_ROUTE_WEBHOOKS_UPDATE, "webhooks.update", P0("w-1")},
    {AM_METHOD_DELETE, "webhooks/w-1", AM_ROUTE_WEBHOOKS_DELETE, "webhooks.delete", P0("w-1")},
    {AM_METHOD_POST, "webhooks/w-1/removeBackoff", AM_ROUTE_WEBHOOKS_REMOVE_BACKOFF,
     "webhooks.removeBackoff", P0("w-1")},
    {AM_METHOD_GET, "webhook", AM_ROUTE_WEBHOOK_LEGACY_GET, "webhook.legacy.get", NOP},
    {AM_METHOD_POST, "webhook", AM_ROUTE_WEBHOOK_LEGACY_SAVE, "webhook.legacy.save", NOP},
    {AM_METHOD_GET, "webhook/invoice", AM_ROUTE_WEBHOOK_LEGACY_INVOICE_GET,
     "webhook.legacy.invoice.get", NOP},
    {AM_METHOD_POST, "webhook/invoice", AM_ROUTE_WEBHOOK_LEGACY_INVOICE_SAVE,
     "webhook.legacy.invoice.save", NOP},
    {AM_METHOD_GET, "webhook/mobilePhoneRecharge", AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_GET,
     "webhook.legacy.mobilePhoneRecharge.get", NOP},
    {AM_METHOD_POST, "webhook/mobilePhoneRecharge", AM_ROUTE_WEBHOOK_LEGACY_RECHARGE_SAVE,
     "webhook.legacy.mobilePhoneRecharge.save", NOP},
    /* area links */
    {AM_METHOD_POST, "paymentLinks", AM_ROUTE_LINKS_CREATE, "paymentLinks.create", NOP},
    {AM_METHOD_GET, "paymentLinks", AM_ROUTE_LINKS_LIST, "paymentLinks.list", NOP},
    {AM_METHOD_GET, "paymentLinks/725104409743", AM_ROUTE_LINKS_GET, "paymentLinks.get", P0("725104409743")},
    {AM_METHOD_PUT, "paymentLinks/725104409743", AM_ROUTE_LINKS_UPDATE, "paymentLinks.update", P0("725104409743")},
    {AM_METHOD_DELETE, "paymentLinks/725104409743", AM_ROUTE_LINKS_DELETE, "paymentLinks.delete", P0("725104409743")},
    {AM_METHOD_POST, "paymentLinks/725104409743/restore", AM_ROUTE_LINKS_RESTORE, "paymentLinks.restore", P0("725104409743")},
    {AM_METHOD_POST, "paymentLinks/1/images", AM_ROUTE_LINK_IMAGES_ADD, "paymentLinks.images.add", P0("1")},
    {AM_METHOD_GET, "paymentLinks/1/images", AM_ROUTE_LINK_IMAGES_LIST, "paymentLinks.images.list", P0("1")},
    {AM_METHOD_GET, "paymentLinks/1/images/img-1", AM_ROUTE_LINK_IMAGE_GET, "paymentLinks.images.get", 2, "1", "img-1"},
    {AM_METHOD_DELETE, "paymentLinks/1/images/img-1", AM_ROUTE_LINK_IMAGE_DELETE, "paymentLinks.images.delete", 2, "1", "img-1"},
    {AM_METHOD_PUT, "paymentLinks/1/images/img-1/setAsMain", AM_ROUTE_LINK_IMAGE_SET_MAIN, "paymentLinks.images.setAsMain", 2, "1", "img-1"},
    {AM_METHOD_POST, "checkouts", AM_ROUTE_CHECKOUTS_CREATE, "checkouts.create", NOP},
    {AM_METHOD_POST, "checkouts/co-1/cancel", AM_ROUTE_CHECKOUTS_CANCEL, "checkouts.cancel", P0("co-1")},
    {AM_METHOD_POST, "sandbox/paymentLinks/1/view", AM_ROUTE_SANDBOX_LINK_VIEW, "sandbox.paymentLink.view", P0("1")},
    {AM_METHOD_POST, "sandbox/paymentLinks/1/pay", AM_ROUTE_SANDBOX_LINK_PAY, "sandbox.paymentLink.pay", P0("1")},
    {AM_METHOD_POST, "sandbox/checkouts/co-1/pay", AM_ROUTE_SANDBOX_CHECKOUT_PAY, "sandbox.checkout.pay", P0("co-1")},
    {AM_METHOD_GET, "fiscalInfo", AM_ROUTE_FISCAL_GET, "fiscalInfo.get", NOP},
    {AM_METHOD_GET, "fiscalInfo/", AM_ROUTE_FISCAL_GET, "fiscalInfo.get", NOP},
    {AM_METHOD_POST, "fiscalInfo", AM_ROUTE_FISCAL_SAVE, "fiscalInfo.save", NOP},
    {AM_METHOD_POST, "fiscalInfo/", AM_ROUTE_FISCAL_SAVE, "fiscalInfo.save", NOP},
    {AM_METHOD_GET, "fiscalInfo/municipalOptions", AM_ROUTE_FISCAL_MUNICIPAL_OPTIONS, "fiscalInfo.municipalOptions", NOP},
    {AM_METHOD_GET, "fiscalInfo/services", AM_ROUTE_FISCAL_SERVICES, "fiscalInfo.services", NOP},
    {AM_METHOD_GET, "fiscalInfo/nbsCodes", AM_ROUTE_FISCAL_NBS_CODES, "fiscalInfo.nbsCodes", NOP},
    {AM_METHOD_GET, "fiscalInfo/federalServiceCodes", AM_ROUTE_FISCAL_FEDERAL_CODES, "fiscalInfo.federalServiceCodes", NOP},
    {AM_METHOD_GET, "fiscalInfo/operationIndicatorCodes", AM_ROUTE_FISCAL_INDICATOR_CODES, "fiscalInfo.operationIndicatorCodes", NOP},
    {AM_METHOD_GET, "fiscalInfo/taxClassificationCodes", AM_ROUTE_FISCAL_CLASSIFICATION_CODES, "fiscalInfo.taxClassificationCodes", NOP},
    {AM_METHOD_GET, "fiscalInfo/taxSituationCodes", AM_ROUTE_FISCAL_SITUATION_CODES, "fiscalInfo.taxSituationCodes", NOP},
    {AM_METHOD_POST, "fiscalInfo/nationalPortal", AM_ROUTE_FISCAL_NATIONAL_PORTAL, "fiscalInfo.nationalPortal", NOP},
    {AM_METHOD_GET, "customerFiscalInfo", AM_ROUTE_FISCAL_LEGACY_GET, "customerFiscalInfo.get", NOP},
    {AM_METHOD_POST, "customerFiscalInfo", AM_ROUTE_FISCAL_LEGACY_SAVE, "customerFiscalInfo.save", NOP},
    {AM_METHOD_POST, "invoices", AM_ROUTE_INVOICES_CREATE, "invoices.create", NOP},
    {AM_METHOD_GET, "invoices", AM_ROUTE_INVOICES_LIST, "invoices.list", NOP},
    {AM_METHOD_GET, "invoices/inv_000000000232", AM_ROUTE_INVOICES_GET, "invoices.get", P0("inv_000000000232")},
    {AM_METHOD_PUT, "invoices/inv_1", AM_ROUTE_INVOICES_UPDATE, "invoices.update", P0("inv_1")},
    {AM_METHOD_POST, "invoices/inv_1/authorize", AM_ROUTE_INVOICES_AUTHORIZE, "invoices.authorize", P0("inv_1")},
    {AM_METHOD_POST, "invoices/inv_1/cancel", AM_ROUTE_INVOICES_CANCEL, "invoices.cancel", P0("inv_1")},
    {AM_METHOD_POST, "paymentDunnings/simulate", AM_ROUTE_DUNNINGS_SIMULATE, "paymentDunnings.simulate", NOP},
    {AM_METHOD_GET, "paymentDunnings/paymentsAvailableForDunning", AM_ROUTE_DUNNINGS_AVAILABLE, "paymentDunnings.paymentsAvailableForDunning", NOP},
    {AM_METHOD_POST, "paymentDunnings", AM_ROUTE_DUNNINGS_CREATE, "paymentDunnings.create", NOP},
    {AM_METHOD_GET, "paymentDunnings", AM_ROUTE_DUNNINGS_LIST, "paymentDunnings.list", NOP},
    {AM_METHOD_GET, "paymentDunnings/d-1", AM_ROUTE_DUNNINGS_GET, "paymentDunnings.get", P0("d-1")},
    {AM_METHOD_GET, "paymentDunnings/d-1/history", AM_ROUTE_DUNNINGS_HISTORY, "paymentDunnings.history", P0("d-1")},
    {AM_METHOD_GET, "paymentDunnings/d-1/partialPayments", AM_ROUTE_DUNNINGS_PARTIAL_PAYMENTS, "paymentDunnings.partialPayments", P0("d-1")},
    {AM_METHOD_POST, "paymentDunnings/d-1/documents", AM_ROUTE_DUNNINGS_DOCUMENTS, "paymentDunnings.documents", P0("d-1")},
    {AM_METHOD_POST, "paymentDunnings/d-1/cancel", AM_ROUTE_DUNNINGS_CANCEL, "paymentDunnings.cancel", P0("d-1")},
    /* area accounts */
    {AM_METHOD_POST, "accounts", AM_ROUTE_ACCOUNTS_CREATE, "accounts.create", NOP},
    {AM_METHOD_GET, "accounts", AM_ROUTE_ACCOUNTS_LIST, "accounts.list", NOP},
    {AM_METHOD_GET, "accounts/a1", AM_ROUTE_ACCOUNTS_GET, "accounts.get", P0("a1")},
    {AM_METHOD_DELETE, "accounts/a1", AM_ROUTE_ACCOUNTS_DELETE, "accounts.delete", P0("a1")},
    {AM_METHOD_POST, "accounts/a1/resendActivationLink", AM_ROUTE_ACCOUNTS_RESEND_LINK, "accounts.resendActivationLink", P0("a1")},
    {AM_METHOD_GET, "accounts/a1/accessTokens", AM_ROUTE_ACCESS_TOKENS_LIST, "accounts.accessTokens.list", P0("a1")},
    {AM_METHOD_POST, "accounts/a1/accessTokens", AM_ROUTE_ACCESS_TOKENS_CREATE, "accounts.accessTokens.create", P0("a1")},
    {AM_METHOD_PUT, "accounts/a1/accessTokens/t1", AM_ROUTE_ACCESS_TOKENS_UPDATE, "accounts.accessTokens.update", 2, "a1", "t1"},
    {AM_METHOD_DELETE, "accounts/a1/accessTokens/t1", AM_ROUTE_ACCESS_TOKENS_DELETE, "accounts.accessTokens.delete", 2, "a1", "t1"},
    {AM_METHOD_GET, "myAccount/commercialInfo", AM_ROUTE_MY_ACCOUNT_COMMERCIAL_GET, "myAccount.commercialInfo.get", NOP},
    {AM_METHOD_POST, "myAccount/commercialInfo", AM_ROUTE_MY_ACCOUNT_COMMERCIAL_SAVE, "myAccount.commercialInfo.save", NOP},
    {AM_METHOD_GET, "myAccount/fees", AM_ROUTE_MY_ACCOUNT_FEES, "myAccount.fees", NOP},
    {AM_METHOD_GET, "myAccount/accountNumber", AM_ROUTE_MY_ACCOUNT_NUMBER, "myAccount.accountNumber", NOP},
    {AM_METHOD_GET, "myAccount/paymentCheckoutConfig", AM_ROUTE_MY_ACCOUNT_CHECKOUT_GET, "myAccount.paymentCheckoutConfig.get", NOP},
    {AM_METHOD_POST, "myAccount/paymentCheckoutConfig", AM_ROUTE_MY_ACCOUNT_CHECKOUT_SAVE, "myAccount.paymentCheckoutConfig.save", NOP},
    {AM_METHOD_DELETE, "myAccount", AM_ROUTE_MY_ACCOUNT_DELETE, "myAccount.delete", NOP},
    {AM_METHOD_GET, "wallets", AM_ROUTE_WALLETS_LIST, "wallets.list", NOP},
    {AM_METHOD_GET, "myAccount/documents", AM_ROUTE_DOCUMENTS_LIST, "myAccount.documents.list", NOP},
    {AM_METHOD_POST, "myAccount/documents/g1", AM_ROUTE_DOCUMENTS_SEND, "myAccount.documents.send", P0("g1")},
    {AM_METHOD_GET, "myAccount/documents/files/f1", AM_ROUTE_DOCUMENT_FILE_GET, "myAccount.documents.files.get", P0("f1")},
    {AM_METHOD_POST, "myAccount/documents/files/f1", AM_ROUTE_DOCUMENT_FILE_UPDATE, "myAccount.documents.files.update", P0("f1")},
    {AM_METHOD_DELETE, "myAccount/documents/files/f1", AM_ROUTE_DOCUMENT_FILE_DELETE, "myAccount.documents.files.delete", P0("f1")},
    {AM_METHOD_GET, "payments/splits/paid", AM_ROUTE_SPLITS_PAID_LIST, "payments.splits.paid.list", NOP},
    {AM_METHOD_GET, "payments/splits/paid/s1", AM_ROUTE_SPLITS_PAID_GET, "payments.splits.paid.get", P0("s1")},
    {AM_METHOD_GET, "payments/splits/received", AM_ROUTE_SPLITS_RECEIVED_LIST, "payments.splits.received.list", NOP},
    {AM_METHOD_GET, "payments/splits/received/s1", AM_ROUTE_SPLITS_RECEIVED_GET, "payments.splits.received.get", P0("s1")},
    /* area pix */
    {AM_METHOD_POST, "pix/addressKeys", AM_ROUTE_PIX_KEYS_CREATE, "pix.addressKeys.create", NOP},
    {AM_METHOD_GET, "pix/addressKeys", AM_ROUTE_PIX_KEYS_LIST, "pix.addressKeys.list", NOP},
    {AM_METHOD_GET, "pix/addressKeys/external", AM_ROUTE_PIX_KEYS_EXTERNAL, "pix.addressKeys.external", NOP},
    {AM_METHOD_GET, "pix/addressKeys/k1", AM_ROUTE_PIX_KEYS_GET, "pix.addressKeys.get", P0("k1")},
    {AM_METHOD_DELETE, "pix/addressKeys/k1", AM_ROUTE_PIX_KEYS_DELETE, "pix.addressKeys.delete", P0("k1")},
    {AM_METHOD_GET, "pix/tokenBucket/addressKey", AM_ROUTE_PIX_TOKEN_BUCKET, "pix.tokenBucket.addressKey", NOP},
    {AM_METHOD_POST, "pix/qrCodes/static", AM_ROUTE_PIX_QR_STATIC_CREATE, "pix.qrCodes.static.create", NOP},
    {AM_METHOD_DELETE, "pix/qrCodes/static/q1", AM_ROUTE_PIX_QR_STATIC_DELETE, "pix.qrCodes.static.delete", P0("q1")},
    {AM_METHOD_POST, "pix/qrCodes/decode", AM_ROUTE_PIX_QR_DECODE, "pix.qrCodes.decode", NOP},
    {AM_METHOD_POST, "pix/qrCodes/pay", AM_ROUTE_PIX_QR_PAY, "pix.qrCodes.pay", NOP},
    {AM_METHOD_GET, "pix/transactions/recurrings", AM_ROUTE_PIX_REC_LIST, "pix.recurrings.list", NOP},
    {AM_METHOD_POST, "pix/transactions/recurrings/items/i1/cancel", AM_ROUTE_PIX_REC_ITEM_CANCEL, "pix.recurrings.items.cancel", P0("i1")},
    {AM_METHOD_GET, "pix/transactions/recurrings/r1", AM_ROUTE_PIX_REC_GET, "pix.recurrings.get", P0("r1")},
    {AM_METHOD_POST, "pix/transactions/recurrings/r1/cancel", AM_ROUTE_PIX_REC_CANCEL, "pix.recurrings.cancel", P0("r1")},
    {AM_METHOD_GET, "pix/transactions/recurrings/r1/items", AM_ROUTE_PIX_REC_ITEMS, "pix.recurrings.items", P0("r1")},
    {AM_METHOD_GET, "pix/transactions", AM_ROUTE_PIX_TX_LIST, "pix.transactions.list", NOP},
    {AM_METHOD_GET, "pix/transactions/t1", AM_ROUTE_PIX_TX_GET, "pix.transactions.get", P0("t1")},
    {AM_METHOD_POST, "pix/transactions/t1/cancel", AM_ROUTE_PIX_TX_CANCEL, "pix.transactions.cancel", P0("t1")},
    {AM_METHOD_POST, "pix/automatic/authorizations", AM_ROUTE_PIX_AUTH_CREATE, "pix.automatic.authorizations.create", NOP},
    {AM_METHOD_GET, "pix/automatic/authorizations", AM_ROUTE_PIX_AUTH_LIST, "pix.automatic.authorizations.list", NOP},
    {AM_METHOD_GET, "pix/automatic/authorizations/a1", AM_ROUTE_PIX_AUTH_GET, "pix.automatic.authorizations.get", P0("a1")},
    {AM_METHOD_DELETE, "pix/automatic/authorizations/a1", AM_ROUTE_PIX_AUTH_CANCEL, "pix.automatic.authorizations.cancel", P0("a1")},
    {AM_METHOD_GET, "pix/automatic/paymentInstructions", AM_ROUTE_PIX_INSTR_LIST, "pix.automatic.paymentInstructions.list", NOP},
    {AM_METHOD_GET, "pix/automatic/paymentInstructions/p1", AM_ROUTE_PIX_INSTR_GET, "pix.automatic.paymentInstructions.get", P0("p1")},
    {AM_METHOD_POST, "pix/automatic/paymentInstructions/p1/retries", AM_ROUTE_PIX_INSTR_RETRY, "pix.automatic.paymentInstructions.retry", P0("p1")},
    {AM_METHOD_POST, "sandbox/pix/recurrings", AM_ROUTE_SANDBOX_PIX_RECURRINGS, "sandbox.pix.recurrings", NOP},
    /* area payrest */
    {AM_METHOD_GET, "customers/id_1/notifications", AM_ROUTE_CUSTOMERS_NOTIFICATIONS, "customers.notifications", P0("id_1")},
    {AM_METHOD_PUT, "notifications/batch", AM_ROUTE_NOTIFICATIONS_BATCH, "notifications.batch", NOP},
    {AM_METHOD_PUT, "notifications/id_1", AM_ROUTE_NOTIFICATIONS_UPDATE, "notifications.update", P0("id_1")},
    {AM_METHOD_POST, "lean/payments", AM_ROUTE_LEAN_CREATE, "lean.payments.create", NOP},
    {AM_METHOD_GET, "lean/payments", AM_ROUTE_LEAN_LIST, "lean.payments.list", NOP},
    {AM_METHOD_GET, "lean/payments/id_1", AM_ROUTE_LEAN_GET, "lean.payments.get", P0("id_1")},
    {AM_METHOD_PUT, "lean/payments/id_1", AM_ROUTE_LEAN_UPDATE, "lean.payments.update", P0("id_1")},
    {AM_METHOD_DELETE, "lean/payments/id_1", AM_ROUTE_LEAN_DELETE, "lean.payments.delete", P0("id_1")},
    {AM_METHOD_POST, "lean/payments/id_1/restore", AM_ROUTE_LEAN_RESTORE, "lean.payments.restore", P0("id_1")},
    {AM_METHOD_POST, "lean/payments/id_1/refund", AM_ROUTE_LEAN_REFUND, "lean.payments.refund", P0("id_1")},
    {AM_METHOD_POST, "lean/payments/id_1/receiveInCash", AM_ROUTE_LEAN_RECEIVE_IN_CASH, "lean.payments.receiveInCash", P0("id_1")},
    {AM_METHOD_POST, "lean/payments/id_1/undoReceivedInCash", AM_ROUTE_LEAN_UNDO_RECEIVED_IN_CASH, "lean.payments.undoReceivedInCash", P0("id_1")},
    {AM_METHOD_POST, "lean/payments/id_1/captureAuthorizedPayment", AM_ROUTE_LEAN_CAPTURE, "lean.payments.captureAuthorizedPayment", P0("id_1")},
    {AM_METHOD_POST, "payments/id_1/payWithCard", AM_ROUTE_PAYMENTS_PAY_WITH_CARD_V2, "payments.payWithCard", P0("id_1")},
    {AM_METHOD_POST, "payments/id_1/bankSlip/refund", AM_ROUTE_PAYMENTS_BANK_SLIP_REFUND, "payments.bankSlip.refund", P0("id_1")},
    {AM_METHOD_GET, "payments/id_1/contractualEffectRestrictions", AM_ROUTE_PAYMENTS_RESTRICTIONS, "payments.contractualEffectRestrictions", P0("id_1")},
    {AM_METHOD_POST, "payments/id_1/documents", AM_ROUTE_PAYMENT_DOCUMENTS_UPLOAD, "payments.documents.upload", P0("id_1")},
    {AM_METHOD_GET, "payments/id_1/documents", AM_ROUTE_PAYMENT_DOCUMENTS_LIST, "payments.documents.list", P0("id_1")},
    {AM_METHOD_GET, "payments/id_1/documents/d-2", AM_ROUTE_PAYMENT_DOCUMENT_GET, "payments.documents.get", 2, "id_1", "d-2"},
    {AM_METHOD_PUT, "payments/id_1/documents/d-2", AM_ROUTE_PAYMENT_DOCUMENT_UPDATE, "payments.documents.update", 2, "id_1", "d-2"},
    {AM_METHOD_DELETE, "payments/id_1/documents/d-2", AM_ROUTE_PAYMENT_DOCUMENT_DELETE, "payments.documents.delete", 2, "id_1", "d-2"},
    {AM_METHOD_GET, "creditCard/preAuthorization/config", AM_ROUTE_PREAUTH_CONFIG_GET, "creditCard.preAuthorization.config.get", NOP},
    {AM_METHOD_POST, "creditCard/preAuthorization/config", AM_ROUTE_PREAUTH_CONFIG_SAVE, "creditCard.preAuthorization.config.save", NOP},
    {AM_METHOD_GET, "finance/split/statistics", AM_ROUTE_FINANCE_SPLIT_STATISTICS, "finance.split.statistics", NOP},
    {AM_METHOD_GET, "installments/id_1/paymentBook", AM_ROUTE_INSTALLMENTS_PAYMENT_BOOK, "installments.paymentBook", P0("id_1")},
    {AM_METHOD_PUT, "installments/id_1/splits", AM_ROUTE_INSTALLMENTS_SPLITS, "installments.splits", P0("id_1")},
    {AM_METHOD_GET, "subscriptions/id_1/paymentBook", AM_ROUTE_SUBSCRIPTIONS_PAYMENT_BOOK, "subscriptions.paymentBook", P0("id_1")},
    {AM_METHOD_PUT, "subscriptions/id_1/creditCard", AM_ROUTE_SUBSCRIPTIONS_CREDIT_CARD, "subscriptions.creditCard", P0("id_1")},
    {AM_METHOD_GET, "subscriptions/id_1/invoices", AM_ROUTE_SUBSCRIPTIONS_INVOICES, "subscriptions.invoices", P0("id_1")},
    {AM_METHOD_POST, "subscriptions/id_1/invoiceSettings", AM_ROUTE_SUB_INVOICE_SETTINGS_CREATE, "subscriptions.invoiceSettings.create", P0("id_1")},
    {AM_METHOD_GET, "subscriptions/id_1/invoiceSettings", AM_ROUTE_SUB_INVOICE_SETTINGS_GET, "subscriptions.invoiceSettings.get", P0("id_1")},
    {AM_METHOD_PUT, "subscriptions/id_1/invoiceSettings", AM_ROUTE_SUB_INVOICE_SETTINGS_UPDATE, "subscriptions.invoiceSettings.update", P0("id_1")},
    {AM_METHOD_DELETE, "subscriptions/id_1/invoiceSettings", AM_ROUTE_SUB_INVOICE_SETTINGS_DELETE, "subscriptions.invoiceSettings.delete", P0("id_1")},
    {AM_METHOD_GET, "payments/id_1/chargeback", AM_ROUTE_PAYMENTS_CHARGEBACK, "payments.chargeback", P0("id_1")},
    {AM_METHOD_GET, "chargebacks", AM_ROUTE_CHARGEBACKS_LIST, "chargebacks.list", NOP},
    {AM_METHOD_POST, "chargebacks/id_1/dispute", AM_ROUTE_CHARGEBACKS_DISPUTE, "chargebacks.dispute", P0("id_1")},
    {AM_METHOD_POST, "sandbox/payment/id_1/chargeback", AM_ROUTE_SANDBOX_CHARGEBACK, "sandbox.payment.chargeback", P0("id_1")},
    {AM_METHOD_POST, "creditBureauReport", AM_ROUTE_CREDIT_BUREAU_CREATE, "creditBureauReport.create", NOP},
    {AM_METHOD_GET, "creditBureauReport", AM_ROUTE_CREDIT_BUREAU_LIST, "creditBureauReport.list", NOP},
    {AM_METHOD_GET, "creditBureauReport/id_1", AM_ROUTE_CREDIT_BUREAU_GET, "creditBureauReport.get", P0("id_1")},
};

static const struct route_case ctl_cases[] = {
    {AM_METHOD_GET, "health", AM_ROUTE_CTL_HEALTH, "mock.health", NOP},
    {AM_METHOD_GET, "ca.pem", AM_ROUTE_CTL_CA_PEM, "mock.ca", NOP},
    {AM_METHOD_GET, "metrics", AM_ROUTE_CTL_METRICS, "mock.metrics", NOP},
    {AM_METHOD_GET, "journal", AM_ROUTE_CTL_JOURNAL_GET, "mock.journal.get", NOP},
    {AM_METHOD_DELETE, "journal", AM_ROUTE_CTL_JOURNAL_CLEAR, "mock.journal.clear", NOP},
    {AM_METHOD_GET, "incidents", AM_ROUTE_CTL_INCIDENTS, "mock.incidents", NOP},
    {AM_METHOD_GET, "accounts", AM_ROUTE_CTL_ACCOUNTS_LIST, "mock.accounts.list", NOP},
    {AM_METHOD_POST, "accounts", AM_ROUTE_CTL_ACCOUNTS_CREATE, "mock.accounts.create", NOP},
    {AM_METHOD_GET, "accounts/acme", AM_ROUTE_CTL_ACCOUNT_GET, "mock.account.get", P0("acme")},
    {AM_METHOD_PUT, "accounts/acme", AM_ROUTE_CTL_ACCOUNT_UPDATE, "mock.account.update",
     P0("acme")},
    {AM_METHOD_GET, "accounts/acme/keys", AM_ROUTE_CTL_KEYS_LIST, "mock.keys.list", P0("acme")},
    {AM_METHOD_POST, "accounts/acme/keys", AM_ROUTE_CTL_KEYS_CREATE, "mock.keys.create",
     P0("acme")},
    {AM_METHOD_PUT, "accounts/acme/keys/k-1", AM_ROUTE_CTL_KEY_UPDATE, "mock.key.update", 2,
     "acme", "k-1"},
    {AM_METHOD_DELETE, "accounts/acme/keys/k-1", AM_ROUTE_CTL_KEY_DELETE, "mock.key.delete", 2,
     "acme", "k-1"},
    {AM_METHOD_POST, "accounts/acme/keys/k-1/disable", AM_ROUTE_CTL_KEY_DISABLE,
     "mock.key.disable", 2, "acme", "k-1"},
    {AM_METHOD_POST, "accounts/acme/keys/k-1/enable", AM_ROUTE_CTL_KEY_ENABLE, "mock.key.enable",
     2, "acme", "k-1"},
    {AM_METHOD_GET, "accounts/acme/clock", AM_ROUTE_CTL_CLOCK_GET, "mock.clock.get", P0("acme")},
    {AM_METHOD_PUT, "accounts/acme/clock", AM_ROUTE_CTL_CLOCK_SET, "mock.clock.set", P0("acme")},
    {AM_METHOD_POST, "accounts/acme/clock/advance", AM_ROUTE_CTL_CLOCK_ADVANCE,
     "mock.clock.advance", P0("acme")},
    {AM_METHOD_GET, "accounts/acme/events", AM_ROUTE_CTL_EVENTS, "mock.events", P0("acme")},
    {AM_METHOD_GET, "accounts/acme/ledger/check", AM_ROUTE_CTL_LEDGER_CHECK, "mock.ledger.check",
     P0("acme")},
    {AM_METHOD_GET, "coverage", AM_ROUTE_CTL_COVERAGE, "mock.coverage", NOP},
    {AM_METHOD_GET, "faults", AM_ROUTE_CTL_FAULTS_LIST, "mock.faults.list", NOP},
    {AM_METHOD_POST, "faults", AM_ROUTE_CTL_FAULTS_ADD, "mock.faults.add", NOP},
    {AM_METHOD_DELETE, "faults", AM_ROUTE_CTL_FAULTS_CLEAR, "mock.faults.clear", NOP},
    {AM_METHOD_DELETE, "faults/f-1", AM_ROUTE_CTL_FAULT_DELETE, "mock.fault.delete", P0("f-1")},
    {AM_METHOD_GET, "ratelimit", AM_ROUTE_CTL_RATELIMIT_GET, "mock.ratelimit.get", NOP},
    {AM_METHOD_PUT, "ratelimit", AM_ROUTE_CTL_RATELIMIT_SET, "mock.ratelimit.set", NOP},
    {AM_METHOD_POST, "fixtures/reload", AM_ROUTE_CTL_FIXTURES_RELOAD, "mock.fixtures.reload", NOP},
    {AM_METHOD_GET, "exchanges", AM_ROUTE_CTL_EXCHANGES, "mock.exchanges", NOP},
    {AM_METHOD_POST, "reset", AM_ROUTE_CTL_RESET, "mock.reset", NOP},
    {AM_METHOD_GET, "state", AM_ROUTE_CTL_STATE_GET, "mock.state.get", NOP},
    {AM_METHOD_PUT, "state", AM_ROUTE_CTL_STATE_PUT, "mock.state.put", NOP},
    {AM_METHOD_GET, "whoami", AM_ROUTE_CTL_WHOAMI, "mock.whoami", NOP},
    {AM_METHOD_GET, "accounts/acme/webhooks/deliveries", AM_ROUTE_CTL_WEBHOOK_DELIVERIES,
     "mock.webhooks.deliveries", P0("acme")},
    {AM_METHOD_POST, "accounts/acme/webhooks/deliveries/flush", AM_ROUTE_CTL_WEBHOOK_FLUSH,
     "mock.webhooks.flush", P0("acme")},
    {AM_METHOD_POST, "accounts/acme/events/evt_1/redeliver", AM_ROUTE_CTL_EVENT_REDELIVER,
     "mock.events.redeliver", 2, "acme", "evt_1"},
    {AM_METHOD_GET, "security/report", AM_ROUTE_CTL_SECURITY_REPORT, "mock.security.report", NOP},
    {AM_METHOD_GET, "accounts/acme/payments", AM_ROUTE_CTL_PAYMENTS_LIST, "mock.payments.list",
     P0("acme")},
    /* The third parameter (the action) is checked by the test of control_payments. */
    {AM_METHOD_POST, "accounts/acme/payments/pay_1/confirm", AM_ROUTE_CTL_PAYMENT_ACTION,
     "mock.payment.action", 3, "acme", "pay_1"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Params must point into the match's own buffer (the path may be freed afterwards). */
static void assert_param_in_buf(const struct am_route_match *m, const char *p)
{
    assert_non_null(p);
    assert_true(p >= m->buf && p < m->buf + sizeof(m->buf));
}

static void check_case(const char *prefix, const struct route_case *c, enum am_route_scope scope)
{
    char path[256];
    struct am_route_match m;

    snprintf(path, sizeof(path), "%s%s", prefix, c->rest);
    am_router_match(c->method, path, &m);
    if (m.route != c->route)
        fail_msg("%s %s: route %d, want %d", am_method_name(c->method), path, m.route, c->route);
    assert_int_equal(m.scope, scope);
    assert_int_equal(m.n_params, c->n_params);
    if (c->n_params >= 1) {
        assert_param_in_buf(&m, m.params[0]);
        assert_string_equal(m.params[0], c->p0);
    }
    if (c->n_params >= 2) {
        assert_param_in_buf(&m, m.params[1]);
        assert_string_equal(m.params[1], c->p1);
    }
}

static void test_router_matches_every_api_route_under_v3(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++)
        check_case("/v3/", &api_cases[i], AM_SCOPE_API);
}

static void test_router_matches_every_api_route_under_legacy_api_v3(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++)
        check_case("/api/v3/", &api_cases[i], AM_SCOPE_API);
}

static void test_router_matches_every_control_route(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(ctl_cases); i++)
        check_case("/__mock/", &ctl_cases[i], AM_SCOPE_CONTROL);
}

static void test_router_control_routes_not_under_api_prefix(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_GET, "/v3/health", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_API);
    assert_false(m.path_known);
    am_router_match(AM_METHOD_GET, "/__mock/customers", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_CONTROL);
    assert_false(m.path_known);
}

static void test_router_head_matches_get_routes(void **state)
{
    struct am_route_match m;

    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++) {
        struct route_case c = api_cases[i];
        if (c.method != AM_METHOD_GET)
            continue;
        c.method = AM_METHOD_HEAD;
        check_case("/v3/", &c, AM_SCOPE_API);
        check_case("/api/v3/", &c, AM_SCOPE_API);
    }
    for (size_t i = 0; i < N_OF(ctl_cases); i++) {
        struct route_case c = ctl_cases[i];
        if (c.method != AM_METHOD_GET)
            continue;
        c.method = AM_METHOD_HEAD;
        check_case("/__mock/", &c, AM_SCOPE_CONTROL);
    }
    /* HEAD on a POST-only path is a 405, not a match. */
    am_router_match(AM_METHOD_HEAD, "/v3/customers/cus_1/restore", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_true(m.path_known);
    assert_string_equal(m.allow, "POST");
}

struct allow_case {
    enum am_method method;
    const char *path;
    const char *allow;
};

static void test_router_wrong_method_reports_exact_allow(void **state)
{
    static const struct allow_case cases[] = {
        {AM_METHOD_PATCH, "/v3/customers", "GET, POST"},
        {AM_METHOD_DELETE, "/v3/customers", "GET, POST"},
        {AM_METHOD_PUT, "/api/v3/customers", "GET, POST"},
        {AM_METHOD_PATCH, "/v3/customers/cus_1", "GET, PUT, POST, DELETE"},
        {AM_METHOD_OPTIONS, "/api/v3/customers/cus_1", "GET, PUT, POST, DELETE"},
        {AM_METHOD_GET, "/v3/customers/cus_1/restore", "POST"},
        {AM_METHOD_DELETE, "/v3/customers/cus_1/restore", "POST"},
        {AM_METHOD_POST, "/__mock/health", "GET"},
        {AM_METHOD_PUT, "/__mock/journal", "GET, DELETE"},
        {AM_METHOD_DELETE, "/__mock/metrics", "GET"},
        {AM_METHOD_PATCH, "/__mock/accounts", "GET, POST"},
        {AM_METHOD_DELETE, "/__mock/accounts/acme", "GET, PUT"},
        {AM_METHOD_DELETE, "/__mock/accounts/acme/keys", "GET, POST"},
        {AM_METHOD_GET, "/__mock/accounts/acme/keys/k1", "PUT, DELETE"},
        {AM_METHOD_OTHER, "/__mock/accounts/acme/keys/k1", "PUT, DELETE"},
        {AM_METHOD_GET, "/__mock/accounts/acme/keys/k1/disable", "POST"},
        {AM_METHOD_PUT, "/__mock/accounts/acme/keys/k1/enable", "POST"},
        /* Methods are listed in route-table order. */
        {AM_METHOD_PATCH, "/v3/payments", "POST, GET"},
        {AM_METHOD_PATCH, "/v3/payments/pay_1", "GET, PUT, POST, DELETE"},
        {AM_METHOD_GET, "/v3/payments/pay_1/refund", "POST"},
        {AM_METHOD_POST, "/v3/payments/pay_1/refunds", "GET"},
        {AM_METHOD_POST, "/v3/installments/ins_1/payments", "GET, DELETE"},
        {AM_METHOD_DELETE, "/api/v3/finance/balance", "GET"},
        {AM_METHOD_GET, "/v3/sandbox/payment/pay_1/confirm", "POST"},
        {AM_METHOD_PUT, "/__mock/faults", "GET, POST, DELETE"},
        {AM_METHOD_GET, "/__mock/faults/f-1", "DELETE"},
        {AM_METHOD_POST, "/__mock/ratelimit", "GET, PUT"},
        {AM_METHOD_DELETE, "/__mock/accounts/acme/clock", "GET, PUT"},
    };
    struct am_route_match m;

    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        am_router_match(cases[i].method, cases[i].path, &m);
        if (m.route != AM_ROUTE_NONE || !m.path_known || strcmp(m.allow, cases[i].allow) != 0)
            fail_msg("%s %s: route %d path_known %d allow '%s', want NONE/true/'%s'",
                     am_method_name(cases[i].method), cases[i].path, m.route, m.path_known,
                     m.allow, cases[i].allow);
    }
}

static void test_router_unknown_path_is_not_path_known(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_GET, "/v3/notifications", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_API);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
    assert_int_equal(m.n_params, 0);

    am_router_match(AM_METHOD_GET, "/v3/customers/cus_1/restore/extra", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_false(m.path_known);

    am_router_match(AM_METHOD_PATCH, "/__mock/nothing", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.scope, AM_SCOPE_CONTROL);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
}

static void expect_none(enum am_method method, const char *path, enum am_route_scope scope)
{
    struct am_route_match m;

    am_router_match(method, path, &m);
    if (m.route != AM_ROUTE_NONE || m.scope != scope || m.path_known || m.n_params != 0)
        fail_msg("'%.80s': route %d scope %d path_known %d n_params %zu, want NONE/%d/0/0", path,
                 m.route, m.scope, m.path_known, m.n_params, scope);
}

static void test_router_malformed_paths_match_nothing(void **state)
{
    (void)state;
    expect_none(AM_METHOD_GET, "/v3/customers/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3//customers", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/customers//", AM_SCOPE_API);
    expect_none(AM_METHOD_POST, "/v3/customers//restore", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/customers/cus_1/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3//customers", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/__mock/health/", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/__mock//health", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/__mock/accounts//keys", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/v3/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/__mock/", AM_SCOPE_CONTROL);
    expect_none(AM_METHOD_GET, "/v3/CUSTOMERS", AM_SCOPE_API);
    /* A trailing slash matches only a pattern spelled with it (fiscalInfo/). */
    expect_none(AM_METHOD_GET, "/v3/invoices/", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/fiscalInfo//", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/v3/fiscalInfo/services/", AM_SCOPE_API);
}

static void test_router_bare_prefix_and_unknown_prefix(void **state)
{
    (void)state;
    expect_none(AM_METHOD_GET, "/v3", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "/api/v3", AM_SCOPE_API);
    expect_none(AM_METHOD_GET, "", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/v2/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/V3/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/v3customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "v3/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/api/v4/customers", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/__mock", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "/__mockhealth", AM_SCOPE_NONE);
    expect_none(AM_METHOD_GET, "//v3/customers", AM_SCOPE_NONE);
}

static void test_router_long_path_boundary(void **state)
{
    /* The segments buffer holds AM_ROUTE_MAX_PATH bytes with the NUL: a rest of 1023
     * bytes still matches, 1024 and beyond match nothing. */
    static char path[4 * AM_ROUTE_MAX_PATH];
    static char want_id[AM_ROUTE_MAX_PATH];
    const size_t fixed = strlen("customers/");
    struct am_route_match m;

    (void)state;
    memset(want_id, 'a', AM_ROUTE_MAX_PATH - 1 - fixed);
    want_id[AM_ROUTE_MAX_PATH - 1 - fixed] = '\0';
    snprintf(path, sizeof(path), "/v3/customers/%s", want_id);
    assert_int_equal(strlen(path) - 4, AM_ROUTE_MAX_PATH - 1);
    am_router_match(AM_METHOD_GET, path, &m);
    assert_int_equal(m.route, AM_ROUTE_CUSTOMERS_GET);
    assert_int_equal(m.n_params, 1);
    assert_string_equal(m.params[0], want_id);

    strcat(path, "a");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);

    memset(path, 'x', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    memcpy(path, "/v3/", 4);
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    memcpy(path, "/__mock/", 8);
    expect_none(AM_METHOD_GET, path, AM_SCOPE_CONTROL);
}

static void test_router_too_many_segments(void **state)
{
    char path[256] = "/v3";
    struct am_route_match m;

    (void)state;
    /* 16 segments: split succeeds, nothing matches. */
    for (int i = 0; i < 16; i++)
        strcat(path, "/s");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    /* 17 and many more: refused without overrunning the segment array. */
    strcat(path, "/s");
    expect_none(AM_METHOD_GET, path, AM_SCOPE_API);
    for (int i = 0; i < 60; i++)
        strcat(path, "/s");
    expect_none(AM_METHOD_POST, path, AM_SCOPE_API);

    /* A real route followed by padding segments is not that route. */
    snprintf(path, sizeof(path), "/__mock/accounts/a/keys/k/disable");
    for (int i = 0; i < 20; i++)
        strcat(path, "/x");
    am_router_match(AM_METHOD_POST, path, &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_false(m.path_known);
}

static void test_router_match_resets_previous_result(void **state)
{
    struct am_route_match m;

    (void)state;
    am_router_match(AM_METHOD_PUT, "/__mock/accounts/a/keys/k", &m);
    assert_int_equal(m.route, AM_ROUTE_CTL_KEY_UPDATE);
    assert_int_equal(m.n_params, 2);
    am_router_match(AM_METHOD_PATCH, "/v3/customers", &m);
    assert_int_equal(m.route, AM_ROUTE_NONE);
    assert_int_equal(m.n_params, 0);
    assert_string_equal(m.allow, "GET, POST");
    am_router_match(AM_METHOD_GET, "/v3/nope", &m);
    assert_false(m.path_known);
    assert_string_equal(m.allow, "");
}

static void test_router_params_survive_path_being_freed(void **state)
{
    char *path = strdup("/api/v3/customers/cus_000000000042/restore");
    struct am_route_match m;

    (void)state;
    assert_non_null(path);
    am_router_match(AM_METHOD_POST, path, &m);
    memset(path, 'Z', strlen(path));
    free(path);
    assert_int_equal(m.route, AM_ROUTE_CUSTOMERS_RESTORE);
    assert_string_equal(m.params[0], "cus_000000000042");
}

static void test_route_names(void **state)
{
    (void)state;
    assert_string_equal(am_route_name(AM_ROUTE_NONE), "none");
    assert_string_equal(am_route_name(_AM_ROUTE_MAX), "none");
    assert_string_equal(am_route_name((enum am_route)-1), "none");
    for (size_t i = 0; i < N_OF(api_cases); i++)
        assert_string_equal(am_route_name(api_cases[i].route), api_cases[i].name);
    for (size_t i = 0; i < N_OF(ctl_cases); i++)
        assert_string_equal(am_route_name(ctl_cases[i].route), ctl_cases[i].name);
}

/* Faults and rate-limit rules name /v3 operations; control ones are refused. */
static void test_route_parse_api(void **state)
{
    enum am_route r = AM_ROUTE_NONE;

    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++) {
        assert_int_equal(am_route_parse_api(api_cases[i].name, &r), 0);
        assert_int_equal(r, api_cases[i].route);
    }
    for (size_t i = 0; i < N_OF(ctl_cases); i++)
        assert_int_equal(am_route_parse_api(ctl_cases[i].name, &r), -EINVAL);
    assert_int_equal(am_route_parse_api("none", &r), -EINVAL);
    assert_int_equal(am_route_parse_api("customers.nope", &r), -EINVAL);
    assert_int_equal(am_route_parse_api("", &r), -EINVAL);
}

/* Every route in the enum has a case above (add one when adding a route), and names are
 * unique so metrics labels never merge two operations. */
static void test_router_cases_cover_every_route(void **state)
{
    bool seen[_AM_ROUTE_MAX] = {false};

    (void)state;
    for (size_t i = 0; i < N_OF(api_cases); i++)
        seen[api_cases[i].route] = true;
    for (size_t i = 0; i < N_OF(ctl_cases); i++)
        seen[ctl_cases[i].route] = true;
    for (int r = 1; r < _AM_ROUTE_MAX; r++) {
        if (!seen[r])
            fail_msg("route %d (%s) has no test case", r, am_route_name((enum am_route)r));
        for (int q = 1; q < r; q++) {
            if (strcmp(am_route_name((enum am_route)r), am_route_name((enum am_route)q)) == 0)
                fail_msg("routes %d and %d share the name %s", q, r,
                         am_route_name((enum am_route)r));
        }
    }
}

/* The router's row is the one registration of an API operation: it names the handler. */
static void test_router_rows_name_the_handlers(void **state)
{
    struct am_route_match m;

    (void)state;
    assert_ptr_equal(am_route_handler(AM_ROUTE_CUSTOMERS_CREATE), am_api_customers_create);
    assert_ptr_equal(am_route_handler(AM_ROUTE_SUBSCRIPTIONS_LIST), am_api_subscriptions_list);
    assert_ptr_equal(am_route_handler(AM_ROUTE_MY_ACCOUNT_STATUS), am_api_my_account_status);
    assert_null(am_route_handler(AM_ROUTE_CTL_HEALTH)); /* control routes dispatch elsewhere */
    assert_null(am_route_handler(AM_ROUTE_NONE));
    /* A matched path leads to its row's handler. */
    am_router_match(AM_METHOD_POST, "/v3/payments/x/payWithCreditCard", &m);
    assert_int_equal(m.route, AM_ROUTE_PAYMENTS_PAY_WITH_CARD);
    assert_ptr_equal(am_route_handler(m.route), am_api_payments_pay_with_card);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_matches_every_api_route_under_v3),
        cmocka_unit_test(test_router_rows_name_the_handlers),
        cmocka_unit_test(test_router_matches_every_api_route_under_legacy_api_v3),
        cmocka_unit_test(test_router_matches_every_control_route),
        cmocka_unit_test(test_router_control_routes_not_under_api_prefix),
        cmocka_unit_test(test_router_head_matches_get_routes),
        cmocka_unit_test(test_router_wrong_method_reports_exact_allow),
        cmocka_unit_test(test_router_unknown_path_is_not_path_known),
        cmocka_unit_test(test_router_malformed_paths_match_nothing),
        cmocka_unit_test(test_router_bare_prefix_and_unknown_prefix),
        cmocka_unit_test(test_router_long_path_boundary),
        cmocka_unit_test(test_router_too_many_segments),
        cmocka_unit_test(test_router_match_resets_previous_result),
        cmocka_unit_test(test_router_params_survive_path_being_freed),
        cmocka_unit_test(test_route_names),
        cmocka_unit_test(test_route_parse_api),
        cmocka_unit_test(test_router_cases_cover_every_route),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}

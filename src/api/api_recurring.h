/* api_recurring.h - /v3/installments (api_installments.c), /v3/subscriptions
 * (api_subscriptions.c), finance, account status and the sandbox account approval
 * (api_finance.c); pure. Same handler shape as api_payments.h. */
#ifndef AM_API_RECURRING_H
#define AM_API_RECURRING_H

#include "api_payments.h"

AM_HANDLER(am_api_installments_create);          /* POST /installments */
AM_HANDLER(am_api_installments_list);            /* GET /installments */
AM_HANDLER(am_api_installments_get);             /* GET /installments/{id} */
AM_HANDLER(am_api_installments_delete);          /* DELETE /installments/{id} */
AM_HANDLER(am_api_installments_payments);        /* GET /installments/{id}/payments */
AM_HANDLER(am_api_installments_delete_payments); /* DELETE /installments/{id}/payments */
AM_HANDLER(am_api_installments_refund);          /* POST /installments/{id}/refund */
AM_HANDLER(am_api_subscriptions_create);   /* POST /subscriptions */
AM_HANDLER(am_api_subscriptions_list);     /* GET /subscriptions */
AM_HANDLER(am_api_subscriptions_get);      /* GET /subscriptions/{id} */
AM_HANDLER(am_api_subscriptions_update);   /* PUT /subscriptions/{id} (and POST, compatibility) */
AM_HANDLER(am_api_subscriptions_delete);   /* DELETE /subscriptions/{id} */
AM_HANDLER(am_api_subscriptions_payments); /* GET /subscriptions/{id}/payments */
AM_HANDLER(am_api_finance_balance);        /* GET /finance/balance */
AM_HANDLER(am_api_financial_transactions); /* GET /financialTransactions */
AM_HANDLER(am_api_finance_statistics);     /* GET /finance/payment/statistics */
AM_HANDLER(am_api_my_account_status);      /* GET /myAccount/status */
AM_HANDLER(am_api_sandbox_approve);        /* POST /sandbox/myAccount/approve */

#endif

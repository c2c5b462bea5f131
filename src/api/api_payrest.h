/* api_payrest.h - the "payrest" area's /v3 handlers (pure): customer notifications,
 * lean payments, payment documents, chargebacks, credit bureau reports, payment books,
 * and the remaining payment, installment, subscription, finance and credit-card
 * operations. Implemented in api_notifications.c, api_lean.c, api_payment_extras.c,
 * api_chargebacks.c and api_sub_extras.c. Every handler has the one shape of
 * router.h (am_handler_fn): 0 with resp filled (API errors are data) or a negative
 * errno (500). Objects live in the account's records store (records.h). */
#ifndef AM_API_PAYREST_H
#define AM_API_PAYREST_H

#include "api_payments.h"

/* api_notifications.c */
AM_HANDLER(am_api_customers_notifications); /* GET /customers/{id}/notifications */
AM_HANDLER(am_api_notifications_update);    /* PUT /notifications/{id} */
AM_HANDLER(am_api_notifications_batch);     /* PUT /notifications/batch */

/* api_lean.c: the payment operations answering the summary shape */
AM_HANDLER(am_api_lean_create);             /* POST /lean/payments */
AM_HANDLER(am_api_lean_list);               /* GET /lean/payments */
AM_HANDLER(am_api_lean_get);                /* GET /lean/payments/{id} */
AM_HANDLER(am_api_lean_update);             /* PUT /lean/payments/{id} */
AM_HANDLER(am_api_lean_delete);             /* DELETE /lean/payments/{id} */
AM_HANDLER(am_api_lean_restore);            /* POST /lean/payments/{id}/restore */
AM_HANDLER(am_api_lean_refund);             /* POST /lean/payments/{id}/refund */
AM_HANDLER(am_api_lean_receive_in_cash);    /* POST /lean/payments/{id}/receiveInCash */
AM_HANDLER(am_api_lean_undo_received_in_cash); /* POST /lean/payments/{id}/undoReceivedInCash */
AM_HANDLER(am_api_lean_capture);            /* POST /lean/payments/{id}/captureAuthorizedPayment */

/* api_payment_extras.c */
AM_HANDLER(am_api_payments_pay_with_card_v2); /* POST /payments/{id}/payWithCard */
AM_HANDLER(am_api_payments_bank_slip_refund); /* POST /payments/{id}/bankSlip/refund */
AM_HANDLER(am_api_payments_restrictions);   /* GET /payments/{id}/contractualEffectRestrictions */
AM_HANDLER(am_api_payment_documents_upload); /* POST /payments/{id}/documents */
AM_HANDLER(am_api_payment_documents_list);  /* GET /payments/{id}/documents */
AM_HANDLER(am_api_payment_document_get);    /* GET /payments/{id}/documents/{documentId} */
AM_HANDLER(am_api_payment_document_update); /* PUT /payments/{id}/documents/{documentId} */
AM_HANDLER(am_api_payment_document_delete); /* DELETE /payments/{id}/documents/{documentId} */
AM_HANDLER(am_api_preauth_config_get);      /* GET /creditCard/preAuthorization/config */
AM_HANDLER(am_api_preauth_config_save);     /* POST /creditCard/preAuthorization/config */
AM_HANDLER(am_api_finance_split_statistics); /* GET /finance/split/statistics */

/* api_sub_extras.c */
AM_HANDLER(am_api_installments_payment_book); /* GET /installments/{id}/paymentBook */
AM_HANDLER(am_api_subscriptions_payment_book); /* GET /subscriptions/{id}/paymentBook */
AM_HANDLER(am_api_subscriptions_credit_card); /* PUT /subscriptions/{id}/creditCard */
AM_HANDLER(am_api_sub_invoice_settings_create); /* POST /subscriptions/{id}/invoiceSettings */
AM_HANDLER(am_api_sub_invoice_settings_get);  /* GET /subscriptions/{id}/invoiceSettings */
AM_HANDLER(am_api_sub_invoice_settings_update); /* PUT /subscriptions/{id}/invoiceSettings */
AM_HANDLER(am_api_sub_invoice_settings_delete); /* DELETE /subscriptions/{id}/invoiceSettings */
AM_HANDLER(am_api_subscriptions_invoices);    /* GET /subscriptions/{id}/invoices */
AM_HANDLER(am_api_installments_splits);       /* PUT /installments/{id}/splits */

/* api_chargebacks.c */
AM_HANDLER(am_api_payments_chargeback);     /* GET /payments/{id}/chargeback */
AM_HANDLER(am_api_chargebacks_list);        /* GET /chargebacks */
AM_HANDLER(am_api_chargebacks_dispute);     /* POST /chargebacks/{id}/dispute */
AM_HANDLER(am_api_sandbox_chargeback);      /* POST /sandbox/payment/{id}/chargeback */
AM_HANDLER(am_api_credit_bureau_create);    /* POST /creditBureauReport */
AM_HANDLER(am_api_credit_bureau_list);      /* GET /creditBureauReport */
AM_HANDLER(am_api_credit_bureau_get);       /* GET /creditBureauReport/{id} */

#endif

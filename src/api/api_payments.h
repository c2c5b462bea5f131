/* api_payments.h - /v3/payments, /v3/creditCard handlers (pure). Implemented in
 * api_payments.c on top of the billing domain (billing.h). Every handler has the same
 * shape: id is the path parameter (NULL when the route has none). Returns 0 with resp
 * filled (API errors are data) or a negative errno (the app answers 500). */
#ifndef AM_API_PAYMENTS_H
#define AM_API_PAYMENTS_H

#include "api_common.h"

#define AM_HANDLER(name)                                                                          \
    int name(struct am_ctx *ctx, const char *id, const struct am_request *req,                   \
             struct am_response *resp)

AM_HANDLER(am_api_payments_create);       /* POST /payments (plain, card, installments) */
AM_HANDLER(am_api_payments_list);         /* GET /payments */
AM_HANDLER(am_api_payments_get);          /* GET /payments/{id} */
AM_HANDLER(am_api_payments_update);       /* PUT /payments/{id} (and POST, compatibility) */
AM_HANDLER(am_api_payments_delete);       /* DELETE /payments/{id} */
AM_HANDLER(am_api_payments_restore);      /* POST /payments/{id}/restore */
AM_HANDLER(am_api_payments_refund);       /* POST /payments/{id}/refund */
AM_HANDLER(am_api_payments_refunds);      /* GET /payments/{id}/refunds */
AM_HANDLER(am_api_payments_receive_in_cash);      /* POST /payments/{id}/receiveInCash */
AM_HANDLER(am_api_payments_undo_received_in_cash); /* POST /payments/{id}/undoReceivedInCash */
AM_HANDLER(am_api_payments_capture);      /* POST /payments/{id}/captureAuthorizedPayment */
AM_HANDLER(am_api_payments_pay_with_card); /* POST /payments/{id}/payWithCreditCard */
AM_HANDLER(am_api_payments_pix_qrcode);   /* GET /payments/{id}/pixQrCode */
AM_HANDLER(am_api_payments_identification_field); /* GET /payments/{id}/identificationField */
AM_HANDLER(am_api_payments_status);       /* GET /payments/{id}/status */
AM_HANDLER(am_api_payments_billing_info); /* GET /payments/{id}/billingInfo */
AM_HANDLER(am_api_payments_viewing_info); /* GET /payments/{id}/viewingInfo */
AM_HANDLER(am_api_payments_simulate);     /* POST /payments/simulate */
AM_HANDLER(am_api_payments_limits);       /* GET /payments/limits */
AM_HANDLER(am_api_credit_card_tokenize);  /* POST /creditCard/tokenizeCreditCard */
AM_HANDLER(am_api_sandbox_confirm);       /* POST /sandbox/payment/{id}/confirm */
AM_HANDLER(am_api_sandbox_overdue);       /* POST /sandbox/payment/{id}/overdue */

struct am_payment;
struct am_payment_filter;

/* Shared by the payment files (api_payments.c, api_payment_info.c) and the installment
 * and subscription areas: */
/* Looks payment id up; on failure resp holds the 404 (returns 1) and *ret is NULL.
 * Returns 0, 1 or -EINVAL (no account). */
int am_api_payments_find(struct am_ctx *ctx, const char *id, struct am_response *resp,
                         struct am_payment **ret);
/* Answers one page (offset/limit of ctx->query) of the payments matching f narrowed by
 * the query's status= (a bad status answers 400). */
int am_api_payments_answer_page(struct am_ctx *ctx, struct am_payment_filter *f,
                                struct am_response *resp);
/* Answers the list envelope around n payments already paged out of total matches. */
int am_api_payments_answer_items(struct am_response *resp, const struct am_page *page,
                                 size_t total, struct am_payment *const *items, size_t n);
/* Reads billingType=... of a list query into *ret (untouched when absent). 0, 1 (answered
 * 400) or <0. */
int am_api_billing_type_filter(const struct am_ctx *ctx, int *ret, struct am_response *resp);
/* Reads status=... of a payments list into f. 0, 1 (answered 400) or <0. */
int am_api_payments_status_filter(const struct am_ctx *ctx, struct am_payment_filter *f,
                                  struct am_response *resp);

#endif

/* api_moneyout.h - the money-out handlers (pure): /v3/transfers, /v3/bill,
 * /v3/mobilePhoneRecharges, /v3/anticipations and the escrow account routes. The
 * objects live in the account's records store through the domain modules transfers.h,
 * bills.h, anticipations.h and escrow.h. Same shape as every handler: id is the first
 * path parameter; 0 with resp filled (API errors are data) or a negative errno (500). */
#ifndef AM_API_MONEYOUT_H
#define AM_API_MONEYOUT_H

#include "api_payments.h"

AM_HANDLER(am_api_transfers_create);          /* POST /transfers (bank, Pix key or walletId) */
AM_HANDLER(am_api_transfers_create_internal); /* POST /transfers/ (walletId) */
AM_HANDLER(am_api_transfers_list);            /* GET /transfers */
AM_HANDLER(am_api_transfers_get);             /* GET /transfers/{id} */
AM_HANDLER(am_api_transfers_cancel);          /* DELETE /transfers/{id}/cancel */

AM_HANDLER(am_api_bills_create);   /* POST /bill */
AM_HANDLER(am_api_bills_list);     /* GET /bill */
AM_HANDLER(am_api_bills_get);      /* GET /bill/{id} */
AM_HANDLER(am_api_bills_simulate); /* POST /bill/simulate */
AM_HANDLER(am_api_bills_cancel);   /* POST /bill/{id}/cancel */

AM_HANDLER(am_api_recharges_create);   /* POST /mobilePhoneRecharges */
AM_HANDLER(am_api_recharges_list);     /* GET /mobilePhoneRecharges */
AM_HANDLER(am_api_recharges_get);      /* GET /mobilePhoneRecharges/{id} */
AM_HANDLER(am_api_recharges_cancel);   /* POST /mobilePhoneRecharges/{id}/cancel */
AM_HANDLER(am_api_recharges_provider); /* GET /mobilePhoneRecharges/{phoneNumber}/provider */

AM_HANDLER(am_api_anticipations_create);     /* POST /anticipations (JSON or multipart) */
AM_HANDLER(am_api_anticipations_list);       /* GET /anticipations */
AM_HANDLER(am_api_anticipations_get);        /* GET /anticipations/{id} */
AM_HANDLER(am_api_anticipations_cancel);     /* POST /anticipations/{id}/cancel */
AM_HANDLER(am_api_anticipations_simulate);   /* POST /anticipations/simulate */
AM_HANDLER(am_api_anticipations_limits);     /* GET /anticipations/limits */
AM_HANDLER(am_api_anticipations_config_get); /* GET /anticipations/configurations */
AM_HANDLER(am_api_anticipations_config_put); /* PUT /anticipations/configurations */

AM_HANDLER(am_api_escrow_default_get);     /* GET /accounts/escrow */
AM_HANDLER(am_api_escrow_default_save);    /* POST /accounts/escrow */
AM_HANDLER(am_api_escrow_account_get);     /* GET /accounts/{id}/escrow */
AM_HANDLER(am_api_escrow_account_save);    /* POST /accounts/{id}/escrow */
AM_HANDLER(am_api_escrow_finish);          /* POST /escrow/{id}/finish */
AM_HANDLER(am_api_escrow_payment_get);     /* GET /payments/{id}/escrow */

/* Shared by the money-out handler files (api_transfers.c, api_moneyout.c). */
/* A records object by id in coll, answered public (200) or 404. */
int am_api_mo_answer_found(struct am_ctx *ctx, const char *coll, const char *id,
                           struct am_response *resp);
/* The money member key: absent -> 400 invalid_<key> missing text, not a positive amount
 * -> 400 invalid text. 0 (cents in *ret), 1 (answered) or <0. */
int am_api_mo_value(const struct cJSON *body, const char *key, const char *missing,
                    const char *invalid, int64_t *ret, struct am_response *resp);
/* 400 when cents exceed the balance (code/text given), after taking the escrow holds
 * due (escrow.h). 0, 1 (answered) or <0. */
int am_api_mo_balance(struct am_ctx *ctx, int64_t cents, const char *code,
                      const char *text, struct am_response *resp);

#endif

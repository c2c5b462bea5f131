/* api_pix.h - /v3/pix: keys, static QR codes, decode and pay, Pix transactions
 * (api_pix.c), recurring and automatic Pix (api_pix_auto.c); pure. Same handler shape
 * as api_payments.h; objects and states in domain/pix.h and domain/pix_auto.h. */
#ifndef AM_API_PIX_H
#define AM_API_PIX_H

#include <stdbool.h>

#include "api_payments.h"
#include "api_common.h"

AM_HANDLER(am_api_pix_keys_create);      /* POST /pix/addressKeys */
AM_HANDLER(am_api_pix_keys_list);        /* GET /pix/addressKeys */
AM_HANDLER(am_api_pix_keys_get);         /* GET /pix/addressKeys/{id} */
AM_HANDLER(am_api_pix_keys_delete);      /* DELETE /pix/addressKeys/{id} */
AM_HANDLER(am_api_pix_keys_external);    /* GET /pix/addressKeys/external */
AM_HANDLER(am_api_pix_token_bucket);     /* GET /pix/tokenBucket/addressKey */
AM_HANDLER(am_api_pix_qr_static_create); /* POST /pix/qrCodes/static */
AM_HANDLER(am_api_pix_qr_static_delete); /* DELETE /pix/qrCodes/static/{id} */
AM_HANDLER(am_api_pix_qr_decode);        /* POST /pix/qrCodes/decode */
AM_HANDLER(am_api_pix_qr_pay);           /* POST /pix/qrCodes/pay */
AM_HANDLER(am_api_pix_tx_list);          /* GET /pix/transactions */
AM_HANDLER(am_api_pix_tx_get);           /* GET /pix/transactions/{id} */
AM_HANDLER(am_api_pix_tx_cancel);        /* POST /pix/transactions/{id}/cancel */

AM_HANDLER(am_api_pix_rec_list);         /* GET /pix/transactions/recurrings */
AM_HANDLER(am_api_pix_rec_get);          /* GET /pix/transactions/recurrings/{id} */
AM_HANDLER(am_api_pix_rec_cancel);       /* POST /pix/transactions/recurrings/{id}/cancel */
AM_HANDLER(am_api_pix_rec_items);        /* GET /pix/transactions/recurrings/{id}/items */
AM_HANDLER(am_api_pix_rec_item_cancel);  /* POST /pix/transactions/recurrings/items/{id}/cancel */
AM_HANDLER(am_api_pix_auth_create);      /* POST /pix/automatic/authorizations */
AM_HANDLER(am_api_pix_auth_list);        /* GET /pix/automatic/authorizations */
AM_HANDLER(am_api_pix_auth_get);         /* GET /pix/automatic/authorizations/{id} */
AM_HANDLER(am_api_pix_auth_cancel);      /* DELETE /pix/automatic/authorizations/{id} */
AM_HANDLER(am_api_pix_instr_list);       /* GET /pix/automatic/paymentInstructions */
AM_HANDLER(am_api_pix_instr_get);        /* GET /pix/automatic/paymentInstructions/{id} */
AM_HANDLER(am_api_pix_instr_retry);      /* POST /pix/automatic/paymentInstructions/{id}/retries */

AM_HANDLER(am_api_pix_rec_sandbox_create); /* POST /sandbox/pix/recurrings (mock only) */

/* Shared by api_pix.c and api_pix_auto.c. */
struct cJSON;
typedef bool (*am_api_pix_match_fn)(const struct cJSON *o, const struct am_query *q,
                                    const void *arg);
typedef struct cJSON *(*am_api_pix_render_fn)(const struct cJSON *o);
/* ctx is ready and the account has a records store. */
bool am_api_pix_ready(const struct am_ctx *ctx);
/* value is one of the NULL-terminated names. */
bool am_api_pix_in_list(const char *value, const char *const *names);
/* The query parameter key, when sent, is one of names (else 400 invalid_status).
 * 0, 1 (answered) or <0. */
int am_api_pix_enum_filter(const struct am_ctx *ctx, const char *key, const char *const *names,
                           struct am_response *resp);
/* Answers one page of the records collection coll (newest or oldest first) of the
 * objects match accepts (NULL = all; arg is handed to it), rendered by render. 0 or <0. */
int am_api_pix_list(struct am_ctx *ctx, struct am_response *resp, const char *coll,
                    am_api_pix_match_fn match, const void *arg, am_api_pix_render_fn render,
                    bool newest_first);

#endif

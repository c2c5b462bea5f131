/* api_splits.h - payment splits in the /v3 API: the split lists and the split[] of the
 * charges that carry one (payments, installments, subscriptions); pure.
 *
 * The money and the state live in domain/splits.c; this is the request side. Explicit
 * prototypes (no AM_HANDLER) so that the payment handlers can include this header
 * without an include cycle. Everything is borrowed from ctx for the call. */
#ifndef AM_API_SPLITS_H
#define AM_API_SPLITS_H

#include <stdint.h>

#include "api_common.h"
#include "fees.h"

struct cJSON;

int am_api_splits_paid_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp); /* GET /payments/splits/paid */
int am_api_splits_paid_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp); /* GET /payments/splits/paid/{id} */
int am_api_splits_received_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp); /* GET /payments/splits/received */
int am_api_splits_received_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp); /* .../received/{id} */

/* The split[] of a charge being created or updated (key "split", or "splits" for
 * installments), checked (splits.h) before anything is written, for count payments of
 * value_cents of billing type type: 0, 1 (resp holds the first error) or a negative
 * errno. Absent: 0. */
int am_api_splits_check(struct am_ctx *ctx, const struct cJSON *body, const char *key,
                        int64_t value_cents, enum am_billing_type type, unsigned count,
                        struct am_response *resp);
/* After the charge owner_id of kind "payment", "installment" or "subscription" was
 * created: keeps its checked split[] so each of its payments carries the parts.
 * 0, -EEXIST (already a split charge) or -ENOMEM. */
int am_api_splits_attach(struct am_ctx *ctx, const struct cJSON *body, const char *key,
                         const char *kind, const char *owner_id, unsigned count);
/* After every write operation (app.c): brings the parts of the account's split payments
 * to where the payments stand (am_splits_settle). 0 or -errno. */
int am_api_splits_after(struct am_ctx *ctx);

#endif

/* api_webhooks.h - /v3/webhooks and the legacy /v3/webhook handlers (pure).
 *
 * Configs live in the account's am_webhooks (webhooks.h); these handlers parse, answer in
 * Asaas's shape and never render the authToken (only hasAuthToken). Returns 0 with resp
 * filled or -ENOMEM. */
#ifndef AM_API_WEBHOOKS_H
#define AM_API_WEBHOOKS_H

#include "api_common.h"

int am_api_webhooks_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp);
int am_api_webhooks_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp);
int am_api_webhooks_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp);
int am_api_webhooks_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp);
int am_api_webhooks_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp);
int am_api_webhooks_remove_backoff(struct am_ctx *ctx, const char *id,
                                   const struct am_request *req, struct am_response *resp);
/* Legacy single-config routes; kind is "payment", "invoice" or "mobilePhoneRecharge". */
int am_api_webhook_legacy_get(struct am_ctx *ctx, const char *kind, const struct am_request *req,
                              struct am_response *resp);
int am_api_webhook_legacy_save(struct am_ctx *ctx, const char *kind,
                               const struct am_request *req, struct am_response *resp);
/* The same as route handlers (the router row names them): the kind is in the path. */
#define AM_API_WEBHOOK_LEGACY_DECL(name)                                                          \
    int am_api_webhook_legacy_##name##_get(struct am_ctx *ctx, const char *id,                    \
                                           const struct am_request *req,                          \
                                           struct am_response *resp);                             \
    int am_api_webhook_legacy_##name##_save(struct am_ctx *ctx, const char *id,                   \
                                            const struct am_request *req,                         \
                                            struct am_response *resp);
AM_API_WEBHOOK_LEGACY_DECL(payment)
AM_API_WEBHOOK_LEGACY_DECL(invoice)
AM_API_WEBHOOK_LEGACY_DECL(recharge)

#endif

/* api_customers.h - /v3/customers handlers (pure).
 *
 * Each handler answers exactly like the real API (see the reference's section 6.1 for
 * the object's key order): creates return 200, delete is soft, restore undoes it,
 * CPF/CNPJ check digits are validated. Returns 0 with resp filled or -ENOMEM. */
#ifndef AM_API_CUSTOMERS_H
#define AM_API_CUSTOMERS_H

#include "api_common.h"

int am_api_customers_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp);
int am_api_customers_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp);
int am_api_customers_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp);
int am_api_customers_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp);
int am_api_customers_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp);
int am_api_customers_restore(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp);

#endif

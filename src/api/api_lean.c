/* api_lean.c - /v3/lean/payments: the payment handlers themselves (same state,
 * validation and errors), their answer turned into the summary shape (payment_lean.h). */
#include "api_payrest.h"

#include <cjson/cJSON.h>
#include <errno.h>

#include "payment_lean.h"

/* Runs the payment handler fn, then rewrites a 200 JSON answer as its summary. */
static int lean(int (*fn)(struct am_ctx *, const char *, const struct am_request *,
                          struct am_response *),
                struct am_ctx *ctx, const char *id, const struct am_request *req,
                struct am_response *resp, bool with_card)
{
    cJSON *full, *summary;
    int r = fn(ctx, id, req, resp);

    if (r < 0 || resp->status != 200 || !resp->body)
        return r;
    full = cJSON_ParseWithLength(resp->body, resp->body_len);
    if (!full)
        return -ENOMEM; /* our own rendering always parses: only memory can fail */
    summary = am_payment_lean_answer(full, with_card);
    cJSON_Delete(full);
    return am_response_json(resp, 200, summary);
}

#define LEAN(name, fn, card)                                                                      \
    int name(struct am_ctx *ctx, const char *id, const struct am_request *req,                   \
             struct am_response *resp)                                                            \
    {                                                                                             \
        return lean(fn, ctx, id, req, resp, card);                                                \
    }

LEAN(am_api_lean_create, am_api_payments_create, true)
LEAN(am_api_lean_list, am_api_payments_list, false)
LEAN(am_api_lean_get, am_api_payments_get, false)
LEAN(am_api_lean_update, am_api_payments_update, false)
LEAN(am_api_lean_delete, am_api_payments_delete, false)
LEAN(am_api_lean_restore, am_api_payments_restore, false)
LEAN(am_api_lean_refund, am_api_payments_refund, false)
LEAN(am_api_lean_receive_in_cash, am_api_payments_receive_in_cash, false)
LEAN(am_api_lean_undo_received_in_cash, am_api_payments_undo_received_in_cash, false)
LEAN(am_api_lean_capture, am_api_payments_capture, false)

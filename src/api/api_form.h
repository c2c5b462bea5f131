/* api_form.h - what the links, invoices and dunning handlers share (pure): bodies sent
 * as JSON or multipart/form-data, the second path parameter, and calling another
 * handler of this account in-process (paying a link creates the customer and charge
 * through the ordinary payments/subscriptions handlers, with their validation).
 *
 * Ownership: am_api_form owns its JSON (text fields of a multipart body become string
 * members) and borrows the request's body for the file parts; release it with
 * am_api_form_free(). */
#ifndef AM_API_FORM_H
#define AM_API_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "api_common.h"
#include "multipart.h"

struct cJSON;

struct am_api_form {
    struct cJSON *json;       /* owned: the JSON body, or the text parts as strings */
    struct am_multipart parts; /* multipart only (n = 0 otherwise) */
    bool multipart;
};

/* Reads a JSON or multipart/form-data body (an empty body gives {}). On a malformed body
 * fills resp with 400 invalid_json / invalid_multipart and returns 1. 0, 1 or -ENOMEM. */
int am_api_form_read(const struct am_request *req, struct am_response *resp,
                     struct am_api_form *ret);
void am_api_form_free(struct am_api_form *f);

/* The first file part named name, or NULL. */
const struct am_multipart_part *am_api_form_file(const struct am_api_form *f, const char *name);

/* The n-th segment (0-based) of req's path after its "/v3/" or "/api/v3/" prefix,
 * copied into out ("" when absent): "paymentLinks/1/images/abc" has "abc" at 3. */
void am_api_path_segment(const struct am_request *req, size_t n, char *out, size_t out_len);

/* The handler shape of router.h's am_handler_fn (spelled out: no include cycle). */
typedef int (*am_api_handler)(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp);

/* Calls handler for this account as a POST of body (compact JSON of it) to path. On a
 * 200 answer *ret_json (caller owns) is its JSON body and 0 is returned; otherwise the
 * answer is copied into resp and 1 returned (the caller returns it). <0 on failure. */
int am_api_call(struct am_ctx *ctx, const struct am_request *outer, am_api_handler handler,
                const char *path, const struct cJSON *body, struct am_response *resp,
                struct cJSON **ret_json);

/* A boolean member: JSON true/false or the strings "true"/"false" (forms). 0 with *ret
 * (untouched when absent/null), -EINVAL for another value. */
int am_api_form_bool(const struct cJSON *o, const char *key, bool *ret);

#endif

/* api_common.h - what every /v3 resource handler shares (pure).
 *
 * The handler context, strict JSON body parsing, pagination and the list envelope, and
 * the common error answers. Handlers return 0 with resp filled (API errors are data) or
 * a negative errno when the server itself failed (rendered as 500). */
#ifndef AM_API_COMMON_H
#define AM_API_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_types.h"
#include "json_text.h"
#include "ids.h"
#include "jsonw.h"
#include "query.h"
#include "registry.h"

struct cJSON;

/* Borrowed view handed to a handler for one request. */
struct am_ctx {
    struct am_account *account; /* authenticated account */
    int64_t now;                /* the account's clock, Unix seconds */
    struct am_ids *ids;
    const struct am_query *query; /* decoded query parameters */
    /* Every account, for the operations that reach another one (transfers by walletId,
     * split receivers, subaccounts). NULL in unit tests that need none. */
    struct am_registry *registry;
    /* The server's environment: keys minted through the API (subaccounts) are of it. */
    enum am_environment env;
    /* Set by a handler that changed another account (an internal transfer's receiver):
     * the app then queues the new events of every account for its webhooks. */
    bool others_changed;
};

/* Parses the request body as one JSON object. An empty body (or only whitespace) gives
 * an empty object when allow_empty is set. On malformed JSON, a non-object, or trailing
 * bytes, fills resp with 400 invalid_json and returns 1 (caller returns 0 at once).
 * Returns 0 with *ret_json (caller owns; cJSON_Delete) or -ENOMEM. */
int am_api_parse_body(const struct am_request *req, struct am_response *resp, bool allow_empty,
                      struct cJSON **ret_json);

struct am_page {
    size_t offset;
    size_t limit;
};

/* Reads offset (default 0) and limit (default 10, 1..100). On a bad value fills resp
 * with 400 invalid_offset/invalid_limit and returns 1; returns 0 on success. */
int am_api_parse_page(const struct am_query *q, struct am_response *resp, struct am_page *ret);
/* The start of a list handler: -EINVAL before setup, else am_api_parse_page's result. */
int am_api_list_begin(const struct am_ctx *ctx, struct am_response *resp, struct am_page *pg);

/* Builds {"object":"list","hasMore":..,"totalCount":..,"limit":..,"offset":..,"data":data}
 * and answers 200. Takes ownership of data (a cJSON array of the page's items). */
int am_api_list_response(struct am_response *resp, const struct am_page *page, size_t total,
                         struct cJSON *data);

/* One page of a list walk: count every match for totalCount, render only the page.
 *   am_api_pager_init(&pg, &page);
 *   for (each item, newest first) {
 *       if (!matches(item)) continue;
 *       if (am_api_pager_take(&pg)) am_api_pager_add(&pg, render(item));
 *   }
 *   return am_api_pager_answer(&pg, resp);
 * A render that writes text instead of a cJSON tree writes the item (key NULL) into
 * am_api_pager_writer(&pg) in place of am_api_pager_add. Items are kept as text in one
 * buffer. An allocation failure anywhere makes answer return -ENOMEM (nothing leaks). */
struct am_api_pager {
    struct am_page page;
    size_t total;
    struct am_jsonw items; /* the data array's text so far; owned until answered */
    bool failed;
};

void am_api_pager_init(struct am_api_pager *pg, const struct am_page *page);
/* Counts one match; true when it falls on the page (render it and add it). */
bool am_api_pager_take(struct am_api_pager *pg);
/* Adds a rendered item (owned; NULL records an allocation failure). */
void am_api_pager_add(struct am_api_pager *pg, struct cJSON *item);
/* The writer to render one item into (as an array element, key NULL). Borrowed. */
struct am_jsonw *am_api_pager_writer(struct am_api_pager *pg);
/* Answers the list envelope (am_api_list_response) or returns -ENOMEM. */
int am_api_pager_answer(struct am_api_pager *pg, struct am_response *resp);

/* True when ctx has everything a handler may touch (account with billing, recurring
 * and customers, ids, query); handlers answer -EINVAL (500) otherwise. */
bool am_api_ready(const struct am_ctx *ctx);

/* The account's today (a Brasilia day number, calendar.h). */
int64_t am_api_today(const struct am_ctx *ctx);

/* A query parameter, NULL when absent or "" ("name=" means no filter, as form encoders
 * send it). */
const char *am_api_query_value(const struct am_query *q, const char *key);

/* Answers 200 with o (owned; NULL gives -ENOMEM). */
int am_api_answer_json(struct am_response *resp, struct cJSON *o);

/* Answers 200 {"deleted":true,"id":id}. */
int am_api_answer_deleted(struct am_response *resp, const char *id);

/* 404 not_found in Asaas's shape. */
int am_api_not_found(struct am_response *resp);
/* After a lookup by id: 0 when found is non-NULL, else 1 with the 404 in resp; -EINVAL
 * when ctx is not ready (look up only when am_api_ready). */
int am_api_found(const struct am_ctx *ctx, const void *found, struct am_response *resp);

/* am_json_add_string_or_null: see json_text.h (included above). */

/* cJSON_GetObjectItemCaseSensitive(obj, key) (the first member named key, NULL when none or
 * obj is not an object) without a strcmp call per member: request bodies are looked up
 * a dozen times each, mostly for absent keys. */
const struct cJSON *am_json_member(const struct cJSON *obj, const char *key);

/* Typed getter: *ret = string value (borrowed), NULL when absent or JSON null.
 * Returns 0, or -EINVAL when present with another type. */
int am_json_get_string(const struct cJSON *obj, const char *key, const char **ret);

/* Typed getter for booleans; absent/null leaves *ret untouched and returns 0. */
int am_json_get_bool(const struct cJSON *obj, const char *key, bool *ret, bool *ret_present);

#endif

/* webhooks_state.c - exact export/import of an account's webhooks (see webhooks_state.h).
 *
 * Import goes through am_webhooks_create, so a snapshot can never hold a config the API
 * would refuse; the queue state (penalty, items) is then restored field by field. */
#include "webhooks_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "state_codec.h"
#include "webhooks.h"

#define TRY(x)                                                                                    \
    do {                                                                                          \
        if ((x) < 0)                                                                              \
            goto oom;                                                                             \
    } while (0)

static cJSON *export_item(const struct am_webhook_item *it)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_u64(o, "id", it->id));
    TRY(am_sc_add_u64(o, "seq", it->seq));
    TRY(am_sc_add_str(o, "eventId", it->event_id));
    TRY(am_sc_add_str(o, "event", it->event));
    TRY(am_sc_add_instant(o, "createdAt", it->created_at));
    TRY(am_sc_add_int(o, "attempts", it->attempts));
    TRY(am_sc_add_str(o, "body", it->body));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *export_config(const struct am_webhook_config *c)
{
    cJSON *o = am_webhooks_render(c), *q;

    if (!o)
        return NULL;
    /* The rendered API object minus what is derived, plus the private state. */
    cJSON_DeleteItemFromObjectCaseSensitive(o, "object");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "hasAuthToken");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "penalizedRequestsCount");
    /* Kept (deliveries after a restart need it) but never printed whole: hex, as the
     * state file conceals key-shaped text. A hand-written fixture may give authToken. */
    if (c->auth_token) {
        char hex[2 * AM_WEBHOOK_TOKEN_MAX + 1];
        size_t n = strlen(c->auth_token);

        am_hex((const uint8_t *)c->auth_token, n < AM_WEBHOOK_TOKEN_MAX ? n : AM_WEBHOOK_TOKEN_MAX,
               hex);
        TRY(am_sc_add_str(o, "authTokenHex", hex));
    }
    TRY(am_sc_add_int(o, "penalty", c->penalty));
    TRY(am_sc_add_instant0(o, "nextAt", c->next_at));
    if (c->legacy[0])
        TRY(am_sc_add_str(o, "legacy", c->legacy));
    q = cJSON_AddArrayToObject(o, "queue");
    if (!q)
        goto oom;
    for (size_t i = c->head; i < c->n; i++) {
        cJSON *it;
        if (c->queue[i].done)
            continue;
        it = export_item(&c->queue[i]);
        if (!it || !cJSON_AddItemToArray(q, it)) {
            cJSON_Delete(it);
            goto oom;
        }
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_webhooks_state_export(const struct am_webhooks *w)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    struct am_webhooks *mw = (struct am_webhooks *)w; /* am_webhooks_at is not const */

    if (!o)
        return NULL;
    TRY(am_sc_add_u64(o, "cursor", am_webhooks_cursor(w)));
    TRY(am_sc_add_u64(o, "nextItem", am_webhooks_next_item_id(w)));
    arr = cJSON_AddArrayToObject(o, "configs");
    if (!arr)
        goto oom;
    for (size_t i = 0; i < am_webhooks_count(w); i++) {
        cJSON *c = export_config(am_webhooks_at(mw, i));
        if (!c || !cJSON_AddItemToArray(arr, c)) {
            cJSON_Delete(c);
            goto oom;
        }
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static int bad(char *err, size_t err_len, const char *where, const char *why)
{
    snprintf(err, err_len, "%s: %s", where, why);
    return -EINVAL;
}

static int import_item(struct am_webhooks *w, struct am_webhook_config *c, const cJSON *o,
                       const char *where, char *err, size_t err_len)
{
    static const char *const allowed[] = {"id", "seq", "eventId", "event", "createdAt",
                                          "attempts", "body", NULL};
    struct am_webhook_item it;
    int64_t attempts = 0;
    char *body = NULL;
    int r;

    memset(&it, 0, sizeof(it));
    r = am_sc_check_object(o, allowed, where, err, err_len);
    if (r == 0)
        r = am_sc_get_u64(o, "id", &it.id, where, err, err_len);
    if (r == 0)
        r = am_sc_get_u64(o, "seq", &it.seq, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(o, "eventId", it.event_id, sizeof(it.event_id), where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(o, "event", it.event, sizeof(it.event), where, err, err_len);
    if (r == 0)
        r = am_sc_get_instant(o, "createdAt", &it.created_at, where, err, err_len);
    if (r == 0)
        r = am_sc_get_int(o, "attempts", 0, 1000000, &attempts, where, err, err_len);
    if (r == 0)
        r = am_sc_get_str(o, "body", &body, where, err, err_len);
    if (r == 0 && (it.id == 0 || !body || am_webhook_event_index(it.event) < 0 ||
                   strncmp(it.event_id, "evt_", 4) != 0))
        r = bad(err, err_len, where, "id, a known event, eventId (evt_...) and body are required");
    if (r == 0) {
        it.attempts = (unsigned)attempts;
        it.body = body;
        it.body_len = strlen(body);
        r = am_webhooks_restore_item(w, c, &it);
        if (r == -EINVAL)
            r = bad(err, err_len, where, "id must be above the previous item's");
    }
    free(body);
    return r;
}

/* o with "authTokenHex" decoded into "authToken" (*ret a new copy, NULL when o has no
 * authTokenHex). Returns 0, -EINVAL (err filled) or -ENOMEM. */
static int with_token(const cJSON *o, const char *where, char *err, size_t err_len, cJSON **ret)
{
    const cJSON *hex = cJSON_GetObjectItemCaseSensitive(o, "authTokenHex");
    char token[AM_WEBHOOK_TOKEN_MAX + 1];
    size_t n;

    *ret = NULL;
    if (!hex)
        return 0;
    if (cJSON_GetObjectItemCaseSensitive(o, "authToken"))
        return bad(err, err_len, where, "authToken and authTokenHex are exclusive");
    n = cJSON_IsString(hex) ? strlen(hex->valuestring) : 0;
    if (n == 0 || n % 2 || n / 2 > AM_WEBHOOK_TOKEN_MAX ||
        am_unhex(hex->valuestring, (uint8_t *)token, n / 2) < 0 ||
        memchr(token, '\0', n / 2))
        return bad(err, err_len, where, "authTokenHex must be the hex of a token");
    token[n / 2] = '\0';
    *ret = cJSON_Duplicate(o, true);
    if (!*ret)
        return -ENOMEM;
    cJSON_DeleteItemFromObjectCaseSensitive(*ret, "authTokenHex");
    if (!cJSON_AddStringToObject(*ret, "authToken", token)) {
        cJSON_Delete(*ret);
        *ret = NULL;
        return -ENOMEM;
    }
    return 0;
}

static int import_config(struct am_webhooks *w, const cJSON *o, const char *where, char *err,
                         size_t err_len)
{
    static const char *const allowed[] = {"id", "name", "url", "email", "enabled", "interrupted",
                                          "apiVersion", "authToken", "authTokenHex", "sendType",
                                          "events",
                                          "penalty", "nextAt", "legacy", "queue", NULL};
    struct am_webhook_config *c = NULL;
    struct am_webhook_error verr;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const cJSON *q, *it;
    cJSON *plain = NULL;
    int64_t penalty = 0, next_at = 0;
    char sub[256], msg[300];
    size_t i = 0;
    int r = am_sc_check_object(o, allowed, where, err, err_len);

    if (r < 0)
        return r;
    if (!cJSON_IsString(id) || strlen(id->valuestring) == 0 || strlen(id->valuestring) > 36)
        return bad(err, err_len, where, "id must be a string of 1..36 characters");
    if (am_webhooks_find(w, id->valuestring))
        return bad(err, err_len, where, "duplicate id");
    r = with_token(o, where, err, err_len, &plain);
    if (r < 0)
        return r;
    r = am_webhooks_create(w, plain ? plain : o, id->valuestring, &verr, &c);
    cJSON_Delete(plain);
    if (r == 1) {
        snprintf(msg, sizeof(msg), "%s (%s)", verr.description, verr.code);
        return bad(err, err_len, where, msg);
    }
    if (r < 0)
        return r;
    r = am_sc_get_int(o, "penalty", 0, AM_WEBHOOK_MAX_ATTEMPTS, &penalty, where, err, err_len);
    if (r == 0)
        r = am_sc_get_instant0(o, "nextAt", &next_at, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(o, "legacy", c->legacy, sizeof(c->legacy), where, err, err_len);
    if (r < 0)
        return r;
    c->penalty = (unsigned)penalty;
    c->next_at = next_at;
    q = cJSON_GetObjectItemCaseSensitive(o, "queue");
    if (q && !cJSON_IsArray(q))
        return bad(err, err_len, where, "queue must be an array");
    cJSON_ArrayForEach(it, q) {
        r = import_item(w, c, it, am_sc_where_index(sub, sizeof(sub), where, i++), err, err_len);
        if (r < 0)
            return r;
    }
    return 0;
}

int am_webhooks_state_import(const cJSON *o, const char *where, struct am_webhooks **ret,
                             char *err, size_t err_len)
{
    static const char *const allowed[] = {"cursor", "nextItem", "configs", NULL};
    struct am_webhooks *w = NULL;
    const cJSON *arr, *c;
    uint64_t cursor = 0, next_item = 1;
    char sub[256], sub2[256];
    size_t i = 0;
    int r = am_sc_check_object(o, allowed, where, err, err_len);

    if (r < 0)
        return r;
    if ((r = am_sc_get_u64(o, "cursor", &cursor, where, err, err_len)) < 0 ||
        (r = am_sc_get_u64(o, "nextItem", &next_item, where, err, err_len)) < 0)
        return r;
    arr = cJSON_GetObjectItemCaseSensitive(o, "configs");
    if (arr && !cJSON_IsArray(arr))
        return bad(err, err_len, where, "configs must be an array");
    if (cJSON_GetArraySize(arr) > AM_WEBHOOK_MAX_CONFIGS)
        return bad(err, err_len, where, "at most 10 configs");
    w = am_webhooks_new();
    if (!w)
        return -ENOMEM;
    am_webhooks_set_cursor(w, cursor);
    am_webhooks_set_next_item_id(w, next_item);
    cJSON_ArrayForEach(c, arr) {
        am_sc_where_key(sub2, sizeof(sub2), where, "configs");
        r = import_config(w, c, am_sc_where_index(sub, sizeof(sub), sub2, i++), err, err_len);
        if (r < 0) {
            am_webhooks_free(w);
            return r;
        }
    }
    *ret = w;
    return 0;
}

/* links.c - payment links, their images and checkout sessions (see links.h). */
#include "links.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "billing.h"
#include "crypto.h"
#include "public_url.h"
#include "ids.h"
#include "money.h"
#include "records.h"
#include "registry.h"

#define SANDBOX "https://sandbox.asaas.com"

const char *am_link_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool am_link_bool(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

long am_link_int(const cJSON *o, const char *key, long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

/* Replaces (or appends) key with item, keeping its place. false on OOM (item freed). */
bool am_links_put(cJSON *o, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
    if (!cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

/* A copy of body's member key, or null (absent or null). */
cJSON *am_links_copy(const cJSON *body, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    return v && !cJSON_IsNull(v) ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
}

/* A money member of body as Asaas renders money (null when absent). */
cJSON *am_links_money(const cJSON *body, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    int64_t cents;
    cJSON *tmp, *out;

    if (!v || cJSON_IsNull(v) || am_money_from_json(v, &cents) < 0)
        return cJSON_CreateNull();
    tmp = cJSON_CreateObject();
    if (!tmp || am_money_add(tmp, "v", cents) < 0) {
        cJSON_Delete(tmp);
        return NULL;
    }
    out = cJSON_DetachItemFromObject(tmp, "v");
    cJSON_Delete(tmp);
    return out;
}

/* A boolean member ("true"/"false" strings from forms too), dflt when absent. */
cJSON *am_links_bool_or(const cJSON *body, const char *key, bool dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    if (cJSON_IsBool(v))
        return cJSON_CreateBool(cJSON_IsTrue(v));
    if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false")))
        return cJSON_CreateBool(v->valuestring[0] == 't');
    return cJSON_CreateBool(dflt);
}

/* A whole-number member (numbers or digit strings), dflt (or null when dflt < 0). */
cJSON *am_links_int_or(const cJSON *body, const char *key, long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    if (cJSON_IsNumber(v))
        return cJSON_CreateNumber((double)(long)v->valuedouble);
    if (cJSON_IsString(v) && v->valuestring[0])
        return cJSON_CreateNumber((double)strtol(v->valuestring, NULL, 10));
    return dflt < 0 ? cJSON_CreateNull() : cJSON_CreateNumber((double)dflt);
}

void am_link_new_id(struct am_records *r, struct am_ids *ids, char out[13])
{
    do {
        snprintf(out, 13, "%012" PRIu64, (uint64_t)(am_ids_next(ids) % UINT64_C(1000000000000)));
    } while (am_records_find(r, AM_LINKS_COLL, out));
}

cJSON *am_link_create(struct am_records *r, const char *id, const cJSON *body)
{
    cJSON *o = cJSON_CreateObject();
    const char *ct = am_link_str(body, "chargeType");
    char url[AM_PUBLIC_URL_MAX + 64];
    bool installment = ct && strcmp(ct, "INSTALLMENT") == 0;

    /* The buyer's page (pages.c serves /c/<id>) under the base clients used. */
    if (am_public_url_join(url, sizeof(url), "/c/", id) < 0)
        snprintf(url, sizeof(url), SANDBOX "/c/%s", id);
    if (!o || !am_links_put(o, "id", cJSON_CreateString(id)) || !am_links_put(o, "name", am_links_copy(body, "name")) ||
        !am_links_put(o, "value", am_links_money(body, "value")) || !am_links_put(o, "active", cJSON_CreateTrue()) ||
        !am_links_put(o, "chargeType", am_links_copy(body, "chargeType")) ||
        !am_links_put(o, "url", cJSON_CreateString(url)) ||
        !am_links_put(o, "billingType", am_links_copy(body, "billingType")) ||
        !am_links_put(o, "subscriptionCycle", am_links_copy(body, "subscriptionCycle")) ||
        !am_links_put(o, "description", am_links_copy(body, "description")) ||
        !am_links_put(o, "endDate", am_links_copy(body, "endDate")) ||
        !am_links_put(o, "deleted", cJSON_CreateFalse()) || !am_links_put(o, "viewCount", cJSON_CreateNumber(0)) ||
        !am_links_put(o, "maxInstallmentCount", am_links_int_or(body, "maxInstallmentCount", installment ? 1 : -1)) ||
        !am_links_put(o, "dueDateLimitDays", am_links_int_or(body, "dueDateLimitDays", -1)) ||
        !am_links_put(o, "notificationEnabled", am_links_bool_or(body, "notificationEnabled", true)) ||
        !am_links_put(o, "isAddressRequired", am_links_bool_or(body, "isAddressRequired", false)) ||
        !am_links_put(o, "externalReference", am_links_copy(body, "externalReference"))) {
        cJSON_Delete(o);
        return NULL;
    }
    /* The callback is kept (the hosted page redirects to it) but Asaas does not render it. */
    if (cJSON_GetObjectItemCaseSensitive(body, "callback") &&
        !am_links_put(o, "_callback", am_links_copy(body, "callback"))) {
        cJSON_Delete(o);
        return NULL;
    }
    if (am_records_add(r, AM_LINKS_COLL, o) < 0)
        return NULL;
    return am_records_find(r, AM_LINKS_COLL, id);
}

int am_link_update(cJSON *link, const cJSON *body)
{
    static const char *const plain[] = {"name", "billingType", "chargeType", "subscriptionCycle",
                                        "description", "endDate", "externalReference"};
    bool ok = true;

    for (size_t i = 0; ok && i < sizeof(plain) / sizeof(plain[0]); i++) {
        if (cJSON_GetObjectItemCaseSensitive(body, plain[i]))
            ok = am_links_put(link, plain[i], am_links_copy(body, plain[i]));
    }
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "value"))
        ok = am_links_put(link, "value", am_links_money(body, "value"));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "active"))
        ok = am_links_put(link, "active", am_links_bool_or(body, "active", true));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "notificationEnabled"))
        ok = am_links_put(link, "notificationEnabled", am_links_bool_or(body, "notificationEnabled", true));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "isAddressRequired"))
        ok = am_links_put(link, "isAddressRequired", am_links_bool_or(body, "isAddressRequired", false));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "maxInstallmentCount"))
        ok = am_links_put(link, "maxInstallmentCount", am_links_int_or(body, "maxInstallmentCount", 1));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "dueDateLimitDays"))
        ok = am_links_put(link, "dueDateLimitDays", am_links_int_or(body, "dueDateLimitDays", -1));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "callback"))
        ok = am_links_put(link, "_callback", am_links_copy(body, "callback"));
    return ok ? 0 : -ENOMEM;
}

void am_link_set_deleted(cJSON *link, bool deleted)
{
    am_links_put(link, "deleted", cJSON_CreateBool(deleted));
    am_links_put(link, "active", cJSON_CreateBool(!deleted));
}

void am_link_count_view(cJSON *link)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(link, "viewCount");

    if (cJSON_IsNumber(v))
        cJSON_SetNumberValue(v, v->valuedouble + 1);
}

/* ---- images ------------------------------------------------------------------------ */

const char *am_link_image_kind(const unsigned char *d, size_t len)
{
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "jpg";
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
        return "gif";
    if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return "webp";
    return NULL;
}

static bool image_of(const cJSON *img, const char *link_id)
{
    const char *l = am_link_str(img, "_link");

    return l && strcmp(l, link_id) == 0;
}

size_t am_link_image_count(struct am_records *r, const char *link_id)
{
    size_t n = 0, total = am_records_count(r, AM_LINK_IMAGES_COLL);

    for (size_t i = 0; i < total; i++)
        n += image_of(am_records_at(r, AM_LINK_IMAGES_COLL, i), link_id);
    return n;
}

static void set_main_only(struct am_records *r, const char *link_id, const cJSON *main_img)
{
    size_t total = am_records_count(r, AM_LINK_IMAGES_COLL);

    for (size_t i = 0; i < total; i++) {
        cJSON *img = am_records_at(r, AM_LINK_IMAGES_COLL, i);

        if (image_of(img, link_id))
            am_links_put(img, "main", cJSON_CreateBool(img == main_img));
    }
}

cJSON *am_link_image_add(struct am_records *r, struct am_ids *ids, const char *link_id,
                         const char *original_name, const char *ext, const unsigned char *data,
                         size_t len, bool main)
{
    char id[37], url[160];
    cJSON *o = NULL, *im, *stored;
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    bool first = am_link_image_count(r, link_id) == 0;

    if (!b64)
        return NULL;
    am_base64(data, len, b64);
    do {
        am_ids_uuid(ids, id);
    } while (am_records_find(r, AM_LINK_IMAGES_COLL, id));
    o = cJSON_CreateObject();
    if (!o || !am_links_put(o, "id", cJSON_CreateString(id)) ||
        !am_links_put(o, "main", cJSON_CreateBool(main || first)) ||
        !(im = cJSON_AddObjectToObject(o, "image")) ||
        !am_links_put(im, "originalName", cJSON_CreateString(original_name)) ||
        !am_links_put(im, "size", cJSON_CreateNumber((double)len)) ||
        !am_links_put(im, "extension", cJSON_CreateString(ext)))
        goto fail;
    snprintf(url, sizeof(url), SANDBOX "/paymentLinkFile/preview/%s", id);
    if (!am_links_put(im, "previewUrl", cJSON_CreateString(url)))
        goto fail;
    snprintf(url, sizeof(url), SANDBOX "/paymentLinkFile/download/%s", id);
    if (!am_links_put(im, "downloadUrl", cJSON_CreateString(url)) ||
        !am_links_put(o, "_link", cJSON_CreateString(link_id)) || !am_links_put(o, "_data", cJSON_CreateString(b64)))
        goto fail;
    free(b64);
    if (am_records_add(r, AM_LINK_IMAGES_COLL, o) < 0)
        return NULL;
    stored = am_records_find(r, AM_LINK_IMAGES_COLL, id);
    if (stored && (main || first))
        set_main_only(r, link_id, stored);
    return stored;
fail:
    free(b64);
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_link_image_find(struct am_records *r, const char *link_id, const char *id)
{
    cJSON *img = am_records_find(r, AM_LINK_IMAGES_COLL, id);

    return img && image_of(img, link_id) ? img : NULL;
}

void am_link_image_set_main(struct am_records *r, cJSON *img)
{
    set_main_only(r, am_link_str(img, "_link"), img);
}

int am_link_image_remove(struct am_records *r, const char *link_id, const char *id)
{
    cJSON *img = am_link_image_find(r, link_id, id);
    bool was_main;
    size_t total;

    if (!img)
        return -ENOENT;
    was_main = am_link_bool(img, "main");
    am_records_remove(r, AM_LINK_IMAGES_COLL, id);
    if (!was_main)
        return 0;
    total = am_records_count(r, AM_LINK_IMAGES_COLL);
    for (size_t i = 0; i < total; i++) {
        cJSON *other = am_records_at(r, AM_LINK_IMAGES_COLL, i);

        if (image_of(other, link_id)) {
            set_main_only(r, link_id, other);
            break;
        }
    }
    return 0;
}

/* ---- checkouts --------------------------------------------------------------------- */

void am_links_emit(struct am_billing *b, const char *event, int64_t at, const char *type,
                   const cJSON *obj)
{
    cJSON *pub = am_records_public(obj);
    char *text = pub ? cJSON_PrintUnformatted(pub) : NULL;

    am_billing_events_append(b, event, at, type, am_link_str(obj, "id"), text);
    free(text);
    cJSON_Delete(pub);
}

cJSON *am_checkout_create(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                          const cJSON *body, int64_t now)
{
    static const char *const keys[] = {"billingTypes", "chargeTypes", "minutesToExpire",
                                       "externalReference", "callback", "items", "customerData",
                                       "subscription", "installment"};
    char id[37], url[128];
    cJSON *o = cJSON_CreateObject(), *stored;
    long minutes = am_link_int(body, "minutesToExpire", AM_CHECKOUT_DEFAULT_MINUTES);

    do {
        am_ids_uuid(ids, id);
    } while (am_records_find(r, AM_CHECKOUTS_COLL, id));
    snprintf(url, sizeof(url), SANDBOX "/checkoutSession/show/%s", id);
    if (!o || !am_links_put(o, "id", cJSON_CreateString(id)) || !am_links_put(o, "link", cJSON_CreateString(url)) ||
        !am_links_put(o, "status", cJSON_CreateString("ACTIVE")))
        goto fail;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        cJSON *v = i == 2 ? cJSON_CreateNumber((double)minutes) : am_links_copy(body, keys[i]);

        if (!am_links_put(o, keys[i], v))
            goto fail;
    }
    /* The request's "splits" is rendered as "split" (as the spec's response names it). */
    if (!am_links_put(o, "split", am_links_copy(body, "splits")) ||
        !am_links_put(o, "_expiresAt", cJSON_CreateNumber((double)(now + minutes * 60))))
        goto fail;
    if (am_records_add(r, AM_CHECKOUTS_COLL, o) < 0)
        return NULL;
    stored = am_records_find(r, AM_CHECKOUTS_COLL, id);
    if (stored)
        am_links_emit(b, "CHECKOUT_CREATED", now, "checkout", stored);
    return stored;
fail:
    cJSON_Delete(o);
    return NULL;
}

int am_checkout_move(struct am_billing *b, cJSON *co, const char *status, int64_t at)
{
    const char *cur = am_link_str(co, "status");
    char event[40];

    if (!cur || strcmp(cur, "ACTIVE") != 0)
        return -EPERM;
    if (!am_links_put(co, "status", cJSON_CreateString(status)))
        return -ENOMEM;
    snprintf(event, sizeof(event), "CHECKOUT_%s", status);
    am_links_emit(b, event, at, "checkout", co);
    return 0;
}

size_t am_checkouts_expire_due(struct am_records *r, struct am_billing *b, int64_t now)
{
    size_t n = 0, total = am_records_count(r, AM_CHECKOUTS_COLL);

    for (size_t i = 0; i < total; i++) {
        cJSON *co = am_records_at(r, AM_CHECKOUTS_COLL, i);
        const char *st = am_link_str(co, "status");
        long at = am_link_int(co, "_expiresAt", 0);

        if (st && strcmp(st, "ACTIVE") == 0 && at <= now &&
            am_checkout_move(b, co, "EXPIRED", at) == 0)
            n++;
    }
    return n;
}

int64_t am_checkout_total_cents(const cJSON *co)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(co, "items"), *it;
    int64_t total = 0;

    cJSON_ArrayForEach(it, items)
    {
        int64_t v = 0;

        if (am_money_from_json(cJSON_GetObjectItemCaseSensitive(it, "value"), &v) == 0)
            total += v * am_link_int(it, "quantity", 1);
    }
    return total;
}

int am_links_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    (void)ids;
    (void)day;
    if (a->records)
        am_checkouts_expire_due(a->records, a->billing, now);
    return 0;
}

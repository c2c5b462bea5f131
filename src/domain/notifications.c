/* notifications.c - default notification sets, their checks and changes (see
 * notifications.h). */
#include "notifications.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "customers.h"
#include "records.h"

#define SYNC_DOC "notificationSync"

struct default_notif {
    const char *event;
    int offset;
    bool email_provider, sms_provider, email_customer, sms_customer;
};

/* AM_NOTIF_DEFAULTS rows, in the order Asaas lists a new customer's set (asaas_facts.h). */
static const struct default_notif defaults[AM_NOTIF_DEFAULTS] = {
    {"PAYMENT_CREATED", 0, false, false, true, true},
    {"PAYMENT_UPDATED", 0, false, false, true, true},
    {"PAYMENT_DUEDATE_WARNING", 10, false, false, true, true},
    {"PAYMENT_DUEDATE_WARNING", 0, false, false, true, true},
    {"SEND_LINHA_DIGITAVEL", 0, false, false, true, true},
    {"PAYMENT_OVERDUE", 0, true, false, true, true},
    {"PAYMENT_OVERDUE", 7, false, false, true, true},
    {"PAYMENT_RECEIVED", 0, true, false, true, false},
};

/* The channel flags a change may carry, in the object's key order. */
static const char *const flags[] = {
    "enabled", "emailEnabledForProvider", "smsEnabledForProvider", "emailEnabledForCustomer",
    "smsEnabledForCustomer", "phoneCallEnabledForCustomer", "whatsappEnabledForCustomer",
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void am_notif_id(const char *customer, unsigned i, char out[AM_NOTIF_ID_LEN + 1])
{
    static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the customer id, then the index */

    for (const char *c = customer; *c; c++)
        h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
    h = mix(h ^ (uint64_t)(i + 1));
    memcpy(out, "not_", 4);
    for (unsigned k = 0; k < 12; k++) {
        if (k == 6)
            h = mix(h);
        out[4 + k] = alnum[h % 62];
        h /= 62;
    }
    out[AM_NOTIF_ID_LEN] = '\0';
}

static cJSON *make(const char *customer, unsigned i)
{
    const struct default_notif *d = &defaults[i];
    char id[AM_NOTIF_ID_LEN + 1];
    cJSON *o = cJSON_CreateObject();
    bool ok;

    if (!o)
        return NULL;
    am_notif_id(customer, i, id);
    ok = cJSON_AddStringToObject(o, "object", "notification") &&
         cJSON_AddStringToObject(o, "id", id) && cJSON_AddStringToObject(o, "customer", customer) &&
         cJSON_AddBoolToObject(o, "enabled", true) &&
         cJSON_AddBoolToObject(o, "emailEnabledForProvider", d->email_provider) &&
         cJSON_AddBoolToObject(o, "smsEnabledForProvider", d->sms_provider) &&
         cJSON_AddBoolToObject(o, "emailEnabledForCustomer", d->email_customer) &&
         cJSON_AddBoolToObject(o, "smsEnabledForCustomer", d->sms_customer) &&
         cJSON_AddBoolToObject(o, "phoneCallEnabledForCustomer", false) &&
         cJSON_AddBoolToObject(o, "whatsappEnabledForCustomer", false) &&
         cJSON_AddStringToObject(o, "event", d->event) &&
         cJSON_AddNumberToObject(o, "scheduleOffset", d->offset) &&
         cJSON_AddBoolToObject(o, "deleted", false);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_notif_ensure(struct am_records *r, const struct am_customer_store *cs)
{
    cJSON *sync = am_records_doc(r, SYNC_DOC);
    size_t done = 0, total = am_customer_store_count(cs);
    int rc = 0;

    if (sync) {
        cJSON *n = cJSON_GetObjectItemCaseSensitive(sync, "customers");

        if (cJSON_IsNumber(n) && n->valuedouble > 0)
            done = (size_t)n->valuedouble;
    }
    if (done >= total)
        return 0;
    for (size_t c = done; c < total; c++) {
        const struct am_customer *cust = am_customer_store_at(cs, c);

        for (unsigned i = 0; cust && i < AM_NOTIF_DEFAULTS; i++) {
            cJSON *o = make(cust->id, i);

            if (!o)
                return -ENOMEM;
            rc = am_records_add(r, AM_NOTIF_COLL, o);
            if (rc == -EEXIST)
                rc = 0; /* made before a snapshot restored a shorter count: keep it */
            if (rc < 0)
                return rc;
        }
    }
    sync = cJSON_CreateObject();
    if (!sync || !cJSON_AddNumberToObject(sync, "customers", (double)total)) {
        cJSON_Delete(sync);
        return -ENOMEM;
    }
    return am_records_set_doc(r, SYNC_DOC, sync);
}

size_t am_notif_of_customer(struct am_records *r, const char *customer,
                            cJSON *out[AM_NOTIF_DEFAULTS])
{
    size_t n = 0;

    for (unsigned i = 0; i < AM_NOTIF_DEFAULTS; i++) {
        char id[AM_NOTIF_ID_LEN + 1];
        cJSON *o;

        am_notif_id(customer, i, id);
        o = am_records_find(r, AM_NOTIF_COLL, id);
        if (o)
            out[n++] = o;
    }
    return n;
}

static bool offset_allowed(const char *event, long current, long v, const char **text)
{
    static const long warning[] = {0, 5, 10, 15, 30};
    static const long overdue[] = {1, 7, 15, 30};
    const long *set = NULL;
    size_t n = 0;

    if (v == current)
        return true;
    if (strcmp(event, "PAYMENT_DUEDATE_WARNING") == 0) {
        set = warning;
        n = sizeof(warning) / sizeof(warning[0]);
        *text = AM_TXT_NOTIF_OFFSET_WARNING;
    } else if (strcmp(event, "PAYMENT_OVERDUE") == 0) {
        set = overdue;
        n = sizeof(overdue) / sizeof(overdue[0]);
        *text = AM_TXT_NOTIF_OFFSET_OVERDUE;
    } else {
        *text = AM_TXT_NOTIF_OFFSET_FIXED;
    }
    for (size_t i = 0; i < n; i++) {
        if (set[i] == v)
            return true;
    }
    return false;
}

/* scheduleOffset as a whole number (JSON number or decimal string), -1 when unusable. */
static long offset_of(const cJSON *item)
{
    if (cJSON_IsNumber(item) && item->valuedouble == (double)(long)item->valuedouble &&
        item->valuedouble >= 0 && item->valuedouble <= 365)
        return (long)item->valuedouble;
    if (cJSON_IsString(item) && item->valuestring[0] && strlen(item->valuestring) <= 3 &&
        strspn(item->valuestring, "0123456789") == strlen(item->valuestring))
        return strtol(item->valuestring, NULL, 10);
    return -1;
}

int am_notif_check(const cJSON *notif, const cJSON *changes, struct am_notif_err *err)
{
    const cJSON *off, *event, *cur;

    memset(err, 0, sizeof(*err));
    for (size_t i = 0; i < N_FLAGS; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(changes, flags[i]);

        if (item && !cJSON_IsNull(item) && !cJSON_IsBool(item)) {
            err->code = "invalid_object";
            err->type_key = flags[i];
            return 1;
        }
    }
    off = cJSON_GetObjectItemCaseSensitive(changes, "scheduleOffset");
    if (!off || cJSON_IsNull(off))
        return 0;
    event = cJSON_GetObjectItemCaseSensitive(notif, "event");
    cur = cJSON_GetObjectItemCaseSensitive(notif, "scheduleOffset");
    {
        long v = offset_of(off);
        const char *text = AM_TXT_NOTIF_OFFSET_FIXED;

        if (v < 0 || !cJSON_IsString(event) || !cJSON_IsNumber(cur) ||
            !offset_allowed(event->valuestring, (long)cur->valuedouble, v, &text)) {
            if (v < 0) {
                err->code = "invalid_object";
                err->type_key = "scheduleOffset";
            } else {
                err->code = AM_ERR_NOTIF_OFFSET;
                err->text = text;
            }
            return 1;
        }
    }
    return 0;
}

int am_notif_apply(cJSON *notif, const cJSON *changes)
{
    const cJSON *off;

    for (size_t i = 0; i < N_FLAGS; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(changes, flags[i]);
        cJSON *b;

        if (!cJSON_IsBool(item))
            continue;
        b = cJSON_CreateBool(cJSON_IsTrue(item));
        if (!b || !cJSON_ReplaceItemInObjectCaseSensitive(notif, flags[i], b)) {
            cJSON_Delete(b);
            return -ENOMEM;
        }
    }
    off = cJSON_GetObjectItemCaseSensitive(changes, "scheduleOffset");
    if (off && !cJSON_IsNull(off)) {
        cJSON *n = cJSON_CreateNumber((double)offset_of(off));

        if (!n || !cJSON_ReplaceItemInObjectCaseSensitive(notif, "scheduleOffset", n)) {
            cJSON_Delete(n);
            return -ENOMEM;
        }
    }
    return 0;
}

/* state.c - whole-account snapshots in the fixtures format (see state.h). */
#include "state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "billing_state.h"
#include "crypto.h"
#include "customers.h"
#include "customers_state.h"
#include "keys.h"
#include "recurring_state.h"
#include "secreport.h"
#include "secreport_state.h"
#include "state_codec.h"
#include "strbuf.h"
#include "subscriptions.h"
#include "records.h"
#include "records_state.h"
#include "webhooks.h"
#include "webhooks_state.h"

void am_stores_free(struct am_stores *s)
{
    if (!s)
        return;
    am_customer_store_free(s->customers);
    am_billing_free(s->billing);
    am_recurring_free(s->recurring);
    am_webhooks_free(s->webhooks);
    am_records_free(s->records);
    am_secreport_free(s->secreport);
    memset(s, 0, sizeof(*s));
}

void am_stores_swap(struct am_account *a, struct am_stores *s)
{
    struct am_stores old = {a->customers, a->billing, a->recurring, a->webhooks, a->records,
                            a->secreport};

    a->customers = s->customers;
    a->billing = s->billing;
    a->recurring = s->recurring;
    a->webhooks = s->webhooks;
    a->records = s->records;
    a->secreport = s->secreport;
    *s = old;
}

int am_stores_new(const char *account_id, struct am_stores *s)
{
    s->customers = am_customer_store_new();
    s->billing = am_billing_new(account_id);
    s->recurring = am_recurring_new();
    s->webhooks = am_webhooks_new();
    s->records = am_records_new();
    s->secreport = NULL; /* made on the first finding */
    if (s->customers && s->billing && s->recurring && s->webhooks && s->records)
        return 0;
    am_stores_free(s);
    return -ENOMEM;
}

static int bad(char *err, size_t err_len, const char *where, const char *why)
{
    snprintf(err, err_len, "%s: %s", where, why);
    return -EINVAL;
}

/* ---- clock and ids ------------------------------------------------------------------ */

struct cJSON *am_state_export_clock(const struct am_clock *c)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || am_sc_add_str(o, "mode", c->mode == AM_CLOCK_FROZEN ? "FROZEN" : "REAL") < 0 ||
        (c->mode == AM_CLOCK_FROZEN ? am_sc_add_instant(o, "frozenAt", c->frozen_at)
                                    : am_sc_add_str(o, "frozenAt", NULL)) < 0 ||
        am_sc_add_int(o, "offsetSeconds", c->offset) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_state_import_clock(const cJSON *o, const char *where, struct am_clock *ret, char *err,
                          size_t err_len)
{
    static const char *const allowed[] = {"mode", "frozenAt", "offsetSeconds", NULL};
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(o, "mode");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "frozenAt");
    struct am_clock c = {0};
    int r;

    r = am_sc_check_object(o, allowed, where, err, err_len);
    if (r < 0)
        return r;
    if (!cJSON_IsString(mode) ||
        (strcmp(mode->valuestring, "REAL") != 0 && strcmp(mode->valuestring, "FROZEN") != 0))
        return bad(err, err_len, where, "mode must be \"REAL\" or \"FROZEN\"");
    c.mode = strcmp(mode->valuestring, "FROZEN") == 0 ? AM_CLOCK_FROZEN : AM_CLOCK_REAL;
    if (c.mode == AM_CLOCK_FROZEN && (!at || cJSON_IsNull(at)))
        return bad(err, err_len, where, "a FROZEN clock needs frozenAt");
    if (c.mode == AM_CLOCK_FROZEN)
        r = am_sc_get_instant(o, "frozenAt", &c.frozen_at, where, err, err_len);
    if (r == 0)
        r = am_sc_get_int(o, "offsetSeconds", -(INT64_C(1) << 40), INT64_C(1) << 40, &c.offset,
                          where, err, err_len);
    if (r == 0)
        *ret = c;
    return r;
}

struct cJSON *am_state_export_ids(const struct am_ids *ids)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || am_sc_add_u64(o, "state", ids->state) < 0 ||
        am_sc_add_u64(o, "customerSeq", ids->customer_seq) < 0 ||
        am_sc_add_u64(o, "requestSeq", ids->request_seq) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_state_import_ids(const cJSON *o, const char *where, struct am_ids *ret, char *err,
                        size_t err_len)
{
    static const char *const allowed[] = {"state", "customerSeq", "requestSeq", NULL};
    struct am_ids ids = {0};
    int r = am_sc_check_object(o, allowed, where, err, err_len);

    if (r == 0 && !cJSON_GetObjectItemCaseSensitive(o, "state"))
        r = bad(err, err_len, where, "state is required");
    if (r == 0)
        r = am_sc_get_u64(o, "state", &ids.state, where, err, err_len);
    if (r == 0)
        r = am_sc_get_u64(o, "customerSeq", &ids.customer_seq, where, err, err_len);
    if (r == 0)
        r = am_sc_get_u64(o, "requestSeq", &ids.request_seq, where, err, err_len);
    if (r == 0)
        *ret = ids;
    return r;
}

/* ---- data --------------------------------------------------------------------------- */

/* The customers of each account written straight to text, for am_state_snapshot_write():
 * the tree holds a one-byte placeholder for each (a raw \x01, which cJSON never prints
 * itself: it escapes control bytes in strings), where their text goes once printed. */
struct spliced {
    const struct am_customer_store **stores;
    size_t n, cap;
};

#define SPLICE_MARK "\x01"

static cJSON *splice_part(struct spliced *sp, const struct am_customer_store *store)
{
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? 2 * sp->cap : 4;
        const struct am_customer_store **stores = realloc(sp->stores, cap * sizeof(*stores));

        if (!stores)
            return NULL;
        sp->stores = stores;
        sp->cap = cap;
    }
    sp->stores[sp->n++] = store;
    return cJSON_CreateRaw(SPLICE_MARK);
}

/* sp: the customers as a placeholder, their store kept in sp (NULL: the plain tree). */
static cJSON *export_data(const struct am_account *a, struct spliced *sp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *c = sp ? splice_part(sp, a->customers) : am_customers_state_export(a->customers);
    cJSON *b = am_billing_state_export(a->billing);
    cJSON *r = am_recurring_state_export(a->recurring);

    if (!o || !c || !b || !r)
        goto oom;
    cJSON_AddItemToObject(o, "customers", c);
    c = NULL;
    cJSON_AddItemToObject(o, "billing", b);
    b = NULL;
    cJSON_AddItemToObject(o, "recurring", r);
    r = NULL;
    /* Only with configs: snapshots of accounts without webhooks stay as they were. */
    if (am_webhooks_count(a->webhooks) > 0) {
        r = am_webhooks_state_export(a->webhooks);
        if (!r)
            goto oom;
        cJSON_AddItemToObject(o, "webhooks", r);
        r = NULL;
    }
    /* Likewise only when an area keeps something there. */
    if (!am_records_empty(a->records)) {
        r = am_records_state_export(a->records);
        if (!r)
            goto oom;
        cJSON_AddItemToObject(o, "records", r);
        r = NULL;
    }
    /* Only with findings, likewise. */
    if (!am_secreport_empty(a->secreport)) {
        r = am_secreport_state_export(a->secreport);
        if (!r)
            goto oom;
        cJSON_AddItemToObject(o, "security", r);
    }
    return o;
oom:
    cJSON_Delete(o);
    cJSON_Delete(c);
    cJSON_Delete(b);
    cJSON_Delete(r);
    return NULL;
}

int am_state_import_data(const cJSON *data, const char *account_id, const char *where,
                         struct am_stores *ret, char *err, size_t err_len)
{
    static const char *const allowed[] = {"customers", "billing", "recurring", "webhooks",
                                          "records",   "security", NULL};
    struct am_stores s = {0};
    const cJSON *it;
    char sub[256];
    int r = am_sc_check_object(data, allowed, where, err, err_len);

    if (r < 0)
        return r;
    it = cJSON_GetObjectItemCaseSensitive(data, "customers");
    r = it ? am_customers_state_import(it, am_sc_where_key(sub, sizeof(sub), where, "customers"),
                                       &s.customers, err, err_len)
           : ((s.customers = am_customer_store_new()) ? 0 : -ENOMEM);
    if (r < 0)
        goto fail;
    it = cJSON_GetObjectItemCaseSensitive(data, "billing");
    r = it ? am_billing_state_import(it, account_id,
                                     am_sc_where_key(sub, sizeof(sub), where, "billing"),
                                     &s.billing, err, err_len)
           : ((s.billing = am_billing_new(account_id)) ? 0 : -ENOMEM);
    if (r < 0)
        goto fail;
    it = cJSON_GetObjectItemCaseSensitive(data, "recurring");
    r = it ? am_recurring_state_import(it, am_sc_where_key(sub, sizeof(sub), where, "recurring"),
                                       &s.recurring, err, err_len)
           : ((s.recurring = am_recurring_new()) ? 0 : -ENOMEM);
    if (r < 0)
        goto fail;
    it = cJSON_GetObjectItemCaseSensitive(data, "webhooks");
    r = it ? am_webhooks_state_import(it, am_sc_where_key(sub, sizeof(sub), where, "webhooks"),
                                      &s.webhooks, err, err_len)
           : ((s.webhooks = am_webhooks_new()) ? 0 : -ENOMEM);
    if (r < 0)
        goto fail;
    /* Events already in the log were emitted before any config here: never deliver them. */
    if (!it)
        am_webhooks_set_cursor(s.webhooks, am_billing_events_last_seq(s.billing));
    it = cJSON_GetObjectItemCaseSensitive(data, "records");
    r = it ? am_records_state_import(it, am_sc_where_key(sub, sizeof(sub), where, "records"),
                                     &s.records, err, err_len)
           : ((s.records = am_records_new()) ? 0 : -ENOMEM);
    if (r < 0)
        goto fail;
    it = cJSON_GetObjectItemCaseSensitive(data, "security");
    if (it) {
        r = am_secreport_state_import(it, am_sc_where_key(sub, sizeof(sub), where, "security"),
                                      &s.secreport, err, err_len);
        if (r < 0)
            goto fail;
    }
    *ret = s;
    return 0;
fail:
    am_stores_free(&s);
    return r;
}

/* ---- accounts ----------------------------------------------------------------------- */

static cJSON *export_key(const struct am_api_key *k)
{
    char hex[2 * AM_SHA256_LEN + 1];
    cJSON *o = cJSON_CreateObject();

    am_hex(k->sha256, AM_SHA256_LEN, hex);
    if (!o || am_sc_add_str(o, "id", k->id) < 0 || am_sc_add_str(o, "name", k->name) < 0 ||
        am_sc_add_str(o, "sha256", hex) < 0 || am_sc_add_str(o, "display", k->display) < 0 ||
        am_sc_add_bool(o, "enabled", k->enabled) < 0 ||
        am_sc_add_instant0(o, "expirationDate", k->expires_at) < 0 ||
        am_sc_add_instant(o, "createdAt", k->created_at) < 0 ||
        am_sc_add_instant0(o, "lastUsedAt", k->last_used_at) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct cJSON *am_state_export_data(const struct am_account *a)
{
    return export_data(a, NULL);
}

static cJSON *export_account(const struct am_account *a, struct spliced *sp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *ips, *keys, *item;

    if (!o || am_sc_add_str(o, "id", a->id) < 0 || am_sc_add_str(o, "name", a->name) < 0 ||
        am_sc_add_bool(o, "requireUserAgent", a->require_user_agent) < 0)
        goto oom;
    ips = cJSON_AddArrayToObject(o, "allowedIps");
    if (!ips)
        goto oom;
    for (size_t i = 0; i < a->n_allowed_ips; i++) {
        item = cJSON_CreateString(a->allowed_ips[i]);
        if (!item)
            goto oom;
        cJSON_AddItemToArray(ips, item);
    }
    keys = cJSON_AddArrayToObject(o, "keys");
    if (!keys)
        goto oom;
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        if (!a->keys[i].in_use)
            continue;
        item = export_key(&a->keys[i]);
        if (!item)
            goto oom;
        cJSON_AddItemToArray(keys, item);
    }
    item = am_state_export_clock(&a->clock);
    if (!item)
        goto oom;
    cJSON_AddItemToObject(o, "clock", item);
    item = export_data(a, sp);
    if (!item)
        goto oom;
    cJSON_AddItemToObject(o, "data", item);
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *export_all(struct am_registry *reg, const struct am_ids *ids,
                         const char *account_id, struct spliced *sp)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *accounts = root ? cJSON_AddArrayToObject(root, "accounts") : NULL;

    if (!accounts)
        goto oom;
    for (size_t i = 0; i < am_registry_count(reg); i++) {
        const struct am_account *a = am_registry_account_at(reg, i);
        cJSON *item;

        if (account_id && strcmp(a->id, account_id) != 0)
            continue;
        item = export_account(a, sp);
        if (!item)
            goto oom;
        cJSON_AddItemToArray(accounts, item);
    }
    if (ids) {
        cJSON *item = am_state_export_ids(ids);
        if (!item)
            goto oom;
        cJSON_AddItemToObject(root, "ids", item);
    }
    return root;
oom:
    cJSON_Delete(root);
    return NULL;
}

struct cJSON *am_state_export(struct am_registry *reg, const struct am_ids *ids,
                              const char *account_id)
{
    return export_all(reg, ids, account_id, NULL);
}

int am_state_snapshot_write(struct am_registry *reg, const struct am_ids *ids,
                            int (*put)(void *arg, const char *text, size_t len), void *arg)
{
    struct spliced sp = {0};
    cJSON *snap = export_all(reg, ids, NULL, &sp);
    char *skeleton = snap ? cJSON_PrintUnformatted(snap) : NULL;
    const char *p = skeleton, *mark;
    int r = -ENOMEM;

    cJSON_Delete(snap);
    if (!skeleton)
        goto out;
    /* Each piece ends before a value (a placeholder) or after one: never in a string. */
    for (size_t k = 0; k < sp.n; k++, p = mark + 1) {
        mark = strchr(p, SPLICE_MARK[0]);
        if (!mark) {
            r = -EINVAL; /* cannot happen: one mark per part */
            goto out;
        }
        r = put(arg, p, (size_t)(mark - p));
        if (r == 0)
            r = am_customers_state_write(sp.stores[k], put, arg);
        if (r < 0)
            goto out;
    }
    r = put(arg, p, strlen(p));
out:
    free(skeleton);
    free(sp.stores);
    return r;
}

static int put_text(void *arg, const char *piece, size_t len)
{
    struct am_strbuf *b = arg;

    am_strbuf_add(b, piece, len);
    return b->oom ? -ENOMEM : 0;
}

char *am_state_snapshot_text(struct am_registry *reg, const struct am_ids *ids, size_t *ret_len)
{
    struct am_strbuf b = {0};
    int r = am_state_snapshot_write(reg, ids, put_text, &b);
    size_t len = b.len;
    char *text = am_strbuf_take(&b);

    if (r < 0) {
        free(text);
        return NULL;
    }
    if (text && ret_len)
        *ret_len = len;
    return text;
}

struct cJSON *am_state_export_public(struct am_registry *reg, const struct am_ids *ids,
                                     const char *account_id)
{
    cJSON *snap = am_state_export(reg, ids, account_id);

    /* A key pasted into a text field never leaves in a snapshot whole (the state file
     * conceals it reversibly instead: persist.h). */
    if (snap)
        am_key_scrub_json(snap->child);
    return snap;
}

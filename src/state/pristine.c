/* pristine.c - reset targets with standby copies (see pristine.h). */
#include "pristine.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "customers.h"
#include "state.h"
#include "subscriptions.h"

struct entry {
    char id[AM_ACCOUNT_ID_LEN];
    char *data_text;        /* exported "data", compact JSON */
    struct am_clock clock;
    struct am_stores standby;
    bool standby_ready;
};

struct am_pristine {
    struct entry *entries;
    size_t n;
    struct am_ids ids;
    size_t objects;
    size_t unready;           /* entries whose standby is not built: O(1) idle check */
    struct am_stores *parked; /* replaced stores waiting for am_pristine_idle */
    size_t n_parked, cap_parked;
};

struct am_pristine *am_pristine_capture(struct am_registry *reg, const struct am_ids *ids)
{
    struct am_pristine *p = calloc(1, sizeof(*p));
    size_t n = am_registry_count(reg);

    if (!p)
        return NULL;
    p->ids = *ids;
    p->entries = calloc(n ? n : 1, sizeof(*p->entries));
    if (!p->entries)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        struct am_account *a = am_registry_account_at(reg, i);
        struct entry *e = &p->entries[i];
        cJSON *data = am_state_export_data(a);

        if (!data)
            goto oom;
        e->data_text = cJSON_PrintUnformatted(data);
        cJSON_Delete(data);
        if (!e->data_text)
            goto oom;
        snprintf(e->id, sizeof(e->id), "%s", a->id);
        e->clock = a->clock;
        p->n++;
        p->unready++;
        p->objects += am_customer_store_count(a->customers) +
                      am_billing_payment_count(a->billing) + am_recurring_count(a->recurring);
    }
    return p;
oom:
    am_pristine_free(p);
    return NULL;
}

void am_pristine_free(struct am_pristine *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->entries[i].data_text);
        am_stores_free(&p->entries[i].standby);
    }
    for (size_t i = 0; i < p->n_parked; i++)
        am_stores_free(&p->parked[i]);
    free(p->parked);
    free(p->entries);
    free(p);
}

static struct entry *find(struct am_pristine *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->entries[i].id, id) == 0)
            return &p->entries[i];
    }
    return NULL;
}

static int build(const struct entry *e, struct am_stores *ret, char *err, size_t err_len)
{
    cJSON *data = cJSON_Parse(e->data_text);
    int r;

    if (!data)
        return -ENOMEM; /* our own text: only an allocation can fail here */
    r = am_state_import_data(data, e->id, "pristine", ret, err, err_len);
    cJSON_Delete(data);
    return r;
}

static int park(struct am_pristine *p, struct am_stores *s)
{
    if (p->n_parked == p->cap_parked) {
        size_t cap = p->cap_parked ? 2 * p->cap_parked : 8;
        struct am_stores *grown = realloc(p->parked, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        p->parked = grown;
        p->cap_parked = cap;
    }
    p->parked[p->n_parked++] = *s;
    memset(s, 0, sizeof(*s));
    return 0;
}

int am_pristine_reset_account(struct am_pristine *p, struct am_account *account,
                              const struct am_clock *fallback_clock, bool *ret_fast, char *err,
                              size_t err_len)
{
    struct entry *e = find(p, account->id);
    struct am_stores fresh = {0};
    bool fast = false;
    int r;

    if (e && e->standby_ready) {
        fresh = e->standby;
        memset(&e->standby, 0, sizeof(e->standby));
        e->standby_ready = false;
        p->unready++;
        fast = true;
    } else if (e) {
        r = build(e, &fresh, err, err_len);
        if (r < 0)
            return r;
    } else {
        r = am_stores_new(account->id, &fresh);
        if (r < 0)
            return r;
        fast = true;
    }
    am_stores_swap(account, &fresh);
    account->clock = e ? e->clock : *fallback_clock;
    /* Freeing 10k objects costs as much as building them: later, after the reply. */
    if (park(p, &fresh) < 0)
        am_stores_free(&fresh);
    if (ret_fast)
        *ret_fast = fast;
    return 0;
}

struct am_ids am_pristine_ids(const struct am_pristine *p)
{
    return p->ids;
}

bool am_pristine_idle_pending(const struct am_pristine *p)
{
    /* Runs after every request: no walk over the accounts. */
    return p->n_parked || p->unready;
}

/* Frees the parked stores, then builds the standby of up to max unready entries, stopping
 * at the first failure (OOM: the next reset builds on the spot). */
static void prepare(struct am_pristine *p, size_t max)
{
    char err[256];

    for (size_t i = 0; i < p->n_parked; i++)
        am_stores_free(&p->parked[i]);
    p->n_parked = 0;
    for (size_t i = 0; i < p->n && max > 0; i++) {
        struct entry *e = &p->entries[i];
        if (e->standby_ready)
            continue;
        max--;
        if (build(e, &e->standby, err, sizeof(err)) < 0)
            return;
        e->standby_ready = true;
        p->unready--;
    }
}

void am_pristine_idle(struct am_pristine *p)
{
    prepare(p, 1); /* one per call: keep each pause of the event loop short */
}

void am_pristine_prepare_all(struct am_pristine *p)
{
    prepare(p, SIZE_MAX);
}

size_t am_pristine_objects(const struct am_pristine *p)
{
    return p->objects;
}

/* subscriptions.c - per-account subscriptions, KYC state and jobs day (see
 * subscriptions.h). Subscriptions live in a creation-ordered array with an
 * open-addressing hash index by id. */
#include "subscriptions.h"

#include "calendar.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "clock.h"
#include "money.h"

struct am_recurring {
    struct am_subscription **subs;
    size_t n, cap;
    size_t *index; /* slot -> position + 1 (0 = empty) */
    size_t index_cap; /* power of two */
    struct am_kyc kyc;
    int64_t jobs_day;
};

static const char *const cycle_names[_AM_CYCLE_MAX] = {
    [AM_CYCLE_WEEKLY] = "WEEKLY",       [AM_CYCLE_BIWEEKLY] = "BIWEEKLY",
    [AM_CYCLE_MONTHLY] = "MONTHLY",     [AM_CYCLE_BIMONTHLY] = "BIMONTHLY",
    [AM_CYCLE_QUARTERLY] = "QUARTERLY", [AM_CYCLE_SEMIANNUALLY] = "SEMIANNUALLY",
    [AM_CYCLE_YEARLY] = "YEARLY",
};

static const char *const status_names[_AM_SUB_STATUS_MAX] = {
    [AM_SUB_ACTIVE] = "ACTIVE",
    [AM_SUB_INACTIVE] = "INACTIVE",
    [AM_SUB_EXPIRED] = "EXPIRED",
};

const char *am_sub_cycle_name(enum am_sub_cycle c)
{
    return (unsigned)c < _AM_CYCLE_MAX ? cycle_names[c] : "UNKNOWN";
}

const char *am_sub_status_name(enum am_sub_status s)
{
    return (unsigned)s < _AM_SUB_STATUS_MAX ? status_names[s] : "UNKNOWN";
}

int am_sub_cycle_parse(const char *s, enum am_sub_cycle *ret)
{
    if (!s)
        return -EINVAL;
    for (unsigned i = 0; i < _AM_CYCLE_MAX; i++) {
        if (strcmp(s, cycle_names[i]) == 0) {
            *ret = (enum am_sub_cycle)i;
            return 0;
        }
    }
    return -EINVAL;
}

int am_sub_status_parse(const char *s, enum am_sub_status *ret)
{
    if (!s)
        return -EINVAL;
    for (unsigned i = 0; i < _AM_SUB_STATUS_MAX; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *ret = (enum am_sub_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *am_kyc_status_name(enum am_kyc_status s)
{
    switch (s) {
    case AM_KYC_PENDING:
        return "PENDING";
    case AM_KYC_APPROVED:
        return "APPROVED";
    case AM_KYC_REJECTED:
        return "REJECTED";
    case AM_KYC_AWAITING_APPROVAL:
        return "AWAITING_APPROVAL";
    }
    return "PENDING";
}

unsigned am_sub_mday(int64_t day)
{
    int64_t y;
    unsigned m, d;

    am_cal_civil_from_days(day, &y, &m, &d);
    return d;
}

static int64_t add_months_anchored(int64_t day, unsigned months, unsigned anchor)
{
    int64_t y;
    unsigned m, d, dim;
    int64_t idx;

    am_cal_civil_from_days(day, &y, &m, &d);
    if (anchor == 0 || anchor > 31)
        anchor = d;
    idx = y * 12 + (int64_t)(m - 1) + (int64_t)months;
    y = idx / 12;
    m = (unsigned)(idx % 12) + 1;
    dim = am_cal_days_in_month(y, m);
    return am_cal_days_from_civil(y, m, anchor < dim ? anchor : dim);
}

int64_t am_sub_cycle_next(int64_t day, enum am_sub_cycle c, unsigned anchor_mday)
{
    switch (c) {
    case AM_CYCLE_WEEKLY:
        return day + 7;
    case AM_CYCLE_BIWEEKLY:
        return day + 14;
    case AM_CYCLE_MONTHLY:
        return add_months_anchored(day, 1, anchor_mday);
    case AM_CYCLE_BIMONTHLY:
        return add_months_anchored(day, 2, anchor_mday);
    case AM_CYCLE_QUARTERLY:
        return add_months_anchored(day, 3, anchor_mday);
    case AM_CYCLE_SEMIANNUALLY:
        return add_months_anchored(day, 6, anchor_mday);
    case AM_CYCLE_YEARLY:
        return add_months_anchored(day, 12, anchor_mday);
    case _AM_CYCLE_MAX:
        break;
    }
    return day + 30;
}

struct am_subscription *am_subscription_new(void)
{
    struct am_subscription *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->end_day = AM_NO_DAY;
    s->next_due_day = AM_NO_DAY;
    s->discount.limit_day = AM_NO_DAY;
    return s;
}

void am_subscription_free(struct am_subscription *s)
{
    if (!s)
        return;
    free(s->description);
    free(s->external_reference);
    cJSON_Delete(s->split);
    free(s);
}

struct am_recurring *am_recurring_new(void)
{
    struct am_recurring *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->jobs_day = AM_NO_DAY;
    /* KYC starts PENDING (calloc); POST /sandbox/myAccount/approve approves it. */
    return r;
}

void am_recurring_free(struct am_recurring *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        am_subscription_free(r->subs[i]);
    free(r->subs);
    free(r->index);
    free(r);
}

/* FNV-1a 64. */
static uint64_t hash_id(const char *id)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 1099511628211ULL;
    }
    return h;
}

static void index_put(size_t *index, size_t cap, const char *id, size_t pos)
{
    size_t mask = cap - 1;
    size_t i = (size_t)hash_id(id) & mask;

    while (index[i])
        i = (i + 1) & mask;
    index[i] = pos + 1;
}

/* Keeps the index at most half full. */
static int index_grow(struct am_recurring *r)
{
    size_t cap = r->index_cap ? r->index_cap * 2 : 64;
    size_t *index;

    if ((r->n + 1) * 2 <= r->index_cap)
        return 0;
    index = calloc(cap, sizeof(*index));
    if (!index)
        return -ENOMEM;
    for (size_t i = 0; i < r->n; i++)
        index_put(index, cap, r->subs[i]->id, i);
    free(r->index);
    r->index = index;
    r->index_cap = cap;
    return 0;
}

struct am_subscription *am_recurring_find(const struct am_recurring *r, const char *id)
{
    size_t mask, i;

    if (!r || !id || !r->index_cap)
        return NULL;
    mask = r->index_cap - 1;
    i = (size_t)hash_id(id) & mask;
    while (r->index[i]) {
        struct am_subscription *s = r->subs[r->index[i] - 1];

        if (strcmp(s->id, id) == 0)
            return s;
        i = (i + 1) & mask;
    }
    return NULL;
}

int am_recurring_add(struct am_recurring *r, struct am_subscription *s)
{
    int ret;

    if (!r || !s || !s->id[0] || strnlen(s->id, AM_SUBSCRIPTION_ID_MAX) >= AM_SUBSCRIPTION_ID_MAX) {
        am_subscription_free(s);
        return -EINVAL;
    }
    if (am_recurring_find(r, s->id)) {
        am_subscription_free(s);
        return -EEXIST;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct am_subscription **subs = realloc(r->subs, cap * sizeof(*subs));

        if (!subs) {
            am_subscription_free(s);
            return -ENOMEM;
        }
        r->subs = subs;
        r->cap = cap;
    }
    ret = index_grow(r);
    if (ret < 0) {
        am_subscription_free(s);
        return ret;
    }
    s->seq = r->n;
    r->subs[r->n] = s;
    index_put(r->index, r->index_cap, s->id, r->n);
    r->n++;
    return 0;
}

size_t am_recurring_count(const struct am_recurring *r)
{
    return r ? r->n : 0;
}

struct am_subscription *am_recurring_at(const struct am_recurring *r, size_t i)
{
    return r && i < r->n ? r->subs[i] : NULL;
}

struct am_kyc *am_recurring_kyc(struct am_recurring *r)
{
    return &r->kyc;
}

int64_t am_recurring_jobs_day(const struct am_recurring *r)
{
    return r->jobs_day;
}

void am_recurring_set_jobs_day(struct am_recurring *r, int64_t day)
{
    r->jobs_day = day;
}

cJSON *am_subscription_to_json(const struct am_subscription *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *fine = NULL, *interest = NULL, *split = NULL, *discount = NULL;
    char created[11];
    bool ok;

    if (!o)
        return NULL;
    am_clock_format_date(s->created_at, created);
    ok = cJSON_AddStringToObject(o, "object", "subscription") &&
         cJSON_AddStringToObject(o, "id", s->id) &&
         cJSON_AddStringToObject(o, "dateCreated", created) &&
         cJSON_AddStringToObject(o, "customer", s->customer) &&
         am_json_add_string_or_null(o, "paymentLink",
                                    s->payment_link[0] ? s->payment_link : NULL) == 0 &&
         am_money_add(o, "value", s->value_cents) == 0 &&
         am_billing_add_day(o, "nextDueDate", s->next_due_day) &&
         cJSON_AddStringToObject(o, "cycle", am_sub_cycle_name(s->cycle)) &&
         am_json_add_string_or_null(o, "description", s->description) == 0 &&
         cJSON_AddStringToObject(o, "billingType", am_billing_type_name(s->billing_type)) &&
         cJSON_AddBoolToObject(o, "deleted", s->deleted) &&
         cJSON_AddStringToObject(o, "status", am_sub_status_name(s->status)) &&
         am_json_add_string_or_null(o, "externalReference", s->external_reference) == 0 &&
         am_json_add_string_or_null(o, "checkoutSession",
                                    s->checkout_session[0] ? s->checkout_session : NULL) == 0 &&
         cJSON_AddBoolToObject(o, "sendPaymentByPostalService", false);
    if (!ok)
        goto fail;
    fine = cJSON_AddObjectToObject(o, "fine");
    if (!fine || am_money_add(fine, "value", s->fine.value) < 0 ||
        !cJSON_AddStringToObject(fine, "type", am_billing_amount_type_name(s->fine.type)))
        goto fail;
    interest = cJSON_AddObjectToObject(o, "interest");
    if (!interest || am_money_add(interest, "value", s->interest.value) < 0 ||
        !cJSON_AddStringToObject(interest, "type", "PERCENTAGE"))
        goto fail;
    if (s->split) {
        split = cJSON_Duplicate(s->split, true);
        if (!split || !cJSON_AddItemToObject(o, "split", split)) {
            cJSON_Delete(split);
            goto fail;
        }
    } else if (!cJSON_AddNullToObject(o, "split")) {
        goto fail;
    }
    if (s->end_day != AM_NO_DAY && !am_billing_add_day(o, "endDate", s->end_day))
        goto fail;
    if (s->max_payments && !cJSON_AddNumberToObject(o, "maxPayments", s->max_payments))
        goto fail;
    if (s->discount.value != 0) {
        discount = cJSON_AddObjectToObject(o, "discount");
        if (!discount || am_money_add(discount, "value", s->discount.value) < 0 ||
            !am_billing_add_day(discount, "limitDate", s->discount.limit_day) ||
            !cJSON_AddNumberToObject(discount, "dueDateLimitDays",
                                     s->discount.due_date_limit_days) ||
            !cJSON_AddStringToObject(discount, "type", am_billing_amount_type_name(s->discount.type)))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

bool am_subscription_exhausted(const struct am_subscription *s)
{
    if (s->max_payments && s->generated >= s->max_payments)
        return true;
    return s->end_day != AM_NO_DAY && s->next_due_day > s->end_day;
}

uint64_t am_subscription_emit(struct am_billing *b, const char *name,
                              const struct am_subscription *s, int64_t now)
{
    cJSON *o = am_subscription_to_json(s);
    char *text;
    uint64_t seq;

    if (!o)
        return 0;
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return 0;
    seq = am_billing_events_append(b, name, now, "subscription", s->id, text);
    free(text);
    return seq;
}

/* api_subscriptions.c - /v3/subscriptions (see api_recurring.h): create (plain or card),
 * list with filters, get, update (optionally the pending payments), delete, payments.
 *
 * Validated completely before anything changes, like every area. Subscriptions live in
 * the account's am_recurring (subscriptions.h); their charges in billing.h. */
#include "api_splits.h"
#include "api_recurring.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "customers.h"
#include "fees.h"
#include "input.h"
#include "jobs.h"
#include "money.h"
#include "subscriptions.h"

/* Distinct id attempts before giving up (ids come from a seeded generator). */
#define MAX_ID_ATTEMPTS 64

/* ---- subscriptions ---------------------------------------------------------------- */

/* Validated subscription fields (create: every required one set; update: has_*). */
struct sub_req {
    const char *customer;
    bool has_type;
    enum am_billing_type type;
    bool has_value;
    int64_t value_cents;
    bool has_next_due;
    int64_t next_due_day;
    bool has_cycle;
    enum am_sub_cycle cycle;
    bool has_description;
    const char *description;
    bool has_end;
    int64_t end_day; /* AM_NO_DAY = cleared */
    bool has_max;
    unsigned max_payments; /* 0 = cleared */
    struct am_input_terms terms; /* discount, fine, interest: those sent */
    bool has_external_reference;
    const char *external_reference;
    const cJSON *split; /* borrowed; NULL when absent */
    bool has_split;
    bool has_status;
    enum am_sub_status status;
    bool update_pending;
    struct am_input_card card;
};

static int sub_validate(const struct am_ctx *ctx, const cJSON *j, bool creating,
                        const struct am_subscription *cur, struct sub_req *q,
                        struct am_response *resp)
{
    const char *s = NULL;
    bool present;
    int64_t today = am_api_today(ctx);
    int r;

    memset(q, 0, sizeof(*q));
    q->terms.discount.limit_day = AM_NO_DAY;
    q->end_day = AM_NO_DAY;
    if (creating) {
        r = am_input_customer(ctx, j, &q->customer, resp);
        if (r)
            return r;
    }
    if (creating || cJSON_GetObjectItemCaseSensitive(j, "billingType")) {
        r = am_input_billing_type(j, &q->type, resp);
        if (r == 0)
            r = am_input_pix_available(ctx, q->type, resp); /* area pix */
        if (r)
            return r;
        q->has_type = true;
    }
    r = am_money_from_json(cJSON_GetObjectItemCaseSensitive(j, "value"), &q->value_cents);
    if (r == -ENOENT && creating)
        return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
    if (r == -EINVAL || (r == 0 && q->value_cents <= 0))
        return am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
    q->has_value = r == 0;
    r = am_input_day(j, "nextDueDate", &q->next_due_day);
    if (r == -ENOENT && creating)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_MISSING);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_INVALID);
    if (r == 0 && q->next_due_day < today)
        return am_input_fail(resp, 400, AM_ERR_SUB_NEXT_DUE_DATE, AM_TXT_SUB_NEXT_DUE_DATE_PAST);
    q->has_next_due = r == 0;
    if (am_input_str(j, "cycle", &s, &present) < 0)
        return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_INVALID);
    if (!s && creating)
        return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_MISSING);
    if (s) {
        if (am_sub_cycle_parse(s, &q->cycle) < 0)
            return am_input_fail(resp, 400, AM_ERR_SUB_CYCLE, AM_TXT_SUB_CYCLE_INVALID);
        q->has_cycle = true;
    }
    if (am_input_str(j, "description", &q->description, &q->has_description) < 0)
        return am_input_type_error(resp, "description");
    r = am_input_day(j, "endDate", &q->end_day);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_SUB_END_DATE, AM_TXT_SUB_END_DATE);
    q->has_end = cJSON_GetObjectItemCaseSensitive(j, "endDate") != NULL;
    if (r == -ENOENT)
        q->end_day = AM_NO_DAY;
    if (q->end_day != AM_NO_DAY) {
        int64_t next = q->has_next_due ? q->next_due_day : (cur ? cur->next_due_day : today);

        if (q->end_day < next)
            return am_input_fail(resp, 400, AM_ERR_SUB_END_DATE, AM_TXT_SUB_END_DATE);
    }
    r = am_input_uint(j, "maxPayments", 100000, &q->max_payments);
    if (r == -EINVAL || (r == 0 && q->max_payments < 1))
        return am_input_fail(resp, 400, AM_ERR_SUB_MAX_PAYMENTS, AM_TXT_SUB_MAX_PAYMENTS);
    q->has_max = cJSON_GetObjectItemCaseSensitive(j, "maxPayments") != NULL;
    r = am_input_terms(j, &q->terms, resp);
    if (r)
        return r;
    if (am_input_str(j, "externalReference", &q->external_reference, &q->has_external_reference) < 0)
        return am_input_type_error(resp, "externalReference");
    q->split = cJSON_GetObjectItemCaseSensitive(j, "split");
    q->has_split = q->split != NULL;
    if (q->split && cJSON_IsNull(q->split))
        q->split = NULL;
    if (q->split && !cJSON_IsArray(q->split))
        return am_input_fail(resp, 400, AM_ERR_SUB_SPLIT, AM_TXT_SUB_SPLIT);
    if (!creating) {
        if (am_input_str(j, "status", &s, NULL) < 0)
            return am_input_fail(resp, 400, AM_ERR_SUB_STATUS, AM_TXT_SUB_STATUS);
        if (s) {
            if (am_sub_status_parse(s, &q->status) < 0 || q->status == AM_SUB_EXPIRED)
                return am_input_fail(resp, 400, AM_ERR_SUB_STATUS, AM_TXT_SUB_STATUS);
            q->has_status = true;
        }
        if (am_json_get_bool(j, "updatePendingPayments", &q->update_pending, NULL) < 0)
            return am_input_type_error(resp, "updatePendingPayments");
    }
    if (creating && q->type == AM_BILLING_CREDIT_CARD) {
        r = am_input_charge_card(ctx, j, q->customer, &q->card, resp);
        if (r)
            return r;
    }
    return 0;
}

static int new_subscription_id(const struct am_ctx *ctx, char out[AM_SUBSCRIPTION_ID_MAX])
{
    for (int i = 0; i < MAX_ID_ATTEMPTS; i++) {
        am_ids_alnum(ctx->ids, "sub_", 16, out);
        if (!am_recurring_find(ctx->account->recurring, out))
            return 0;
    }
    return -EEXIST;
}

static int dup_or_null(const char *s, char **ret)
{
    *ret = NULL;
    if (!s)
        return 0;
    *ret = strdup(s);
    return *ret ? 0 : -ENOMEM;
}

static int answer_subscription(struct am_response *resp, const struct am_subscription *s)
{
    return am_api_answer_json(resp, am_subscription_to_json(s));
}

int am_api_subscriptions_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_billing *b;
    struct am_subscription *s = NULL, *stored;
    struct am_subscription snapshot;
    struct am_payment *p = NULL;
    struct sub_req q;
    cJSON *j = NULL;
    int r;

    (void)id;
    if (!am_api_ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = sub_validate(ctx, j, true, NULL, &q, resp);
    if (r == 0) /* area accounts: split[] against the wallets */
        r = am_api_splits_check(ctx, j, "split", q.value_cents, q.type, 1, resp);
    if (r != 0) {
        r = am_input_done(r);
        goto out;
    }
    s = am_subscription_new();
    if (!s) {
        r = -ENOMEM;
        goto out;
    }
    r = new_subscription_id(ctx, s->id);
    if (r < 0)
        goto out;
    s->created_at = ctx->now;
    snprintf(s->customer, sizeof(s->customer), "%s", q.customer);
    /* Paid through a payment link or checkout (api_links.c sets the origin). */
    snprintf(s->payment_link, sizeof(s->payment_link), "%s", am_billing_origin_link(b));
    snprintf(s->checkout_session, sizeof(s->checkout_session), "%s",
             am_billing_origin_checkout(b));
    s->value_cents = q.value_cents;
    s->next_due_day = q.next_due_day;
    s->anchor_mday = am_sub_mday(q.next_due_day);
    s->cycle = q.cycle;
    s->billing_type = q.type;
    s->status = AM_SUB_ACTIVE;
    s->end_day = q.end_day;
    s->max_payments = q.max_payments;
    am_input_terms_apply(&q.terms, &s->discount, &s->fine, &s->interest);
    if (q.card.present)
        s->card = q.card.info;
    if (dup_or_null(q.description, &s->description) < 0 ||
        dup_or_null(q.external_reference, &s->external_reference) < 0) {
        r = -ENOMEM;
        goto out;
    }
    if (q.split) {
        s->split = cJSON_Duplicate(q.split, true);
        if (!s->split) {
            r = -ENOMEM;
            goto out;
        }
    }
    r = am_input_card_store(b, q.customer, &q.card);
    if (r < 0)
        goto out;
    r = am_recurring_add(ctx->account->recurring, s);
    s = NULL; /* owned by the store (or freed) */
    if (r < 0)
        goto out;
    stored = am_recurring_at(ctx->account->recurring,
                             am_recurring_count(ctx->account->recurring) - 1);
    r = am_api_splits_attach(ctx, j, "split", "subscription", stored->id, 1);
    if (r < 0)
        goto out;
    /* SUBSCRIPTION_CREATED first, with the state the answer will show (first charge
     * generated, nextDueDate one cycle later). A shallow copy: nothing is freed. */
    snapshot = *stored;
    snapshot.next_due_day = am_sub_cycle_next(stored->next_due_day, stored->cycle,
                                              stored->anchor_mday);
    snapshot.generated = 1;
    am_subscription_emit(b, "SUBSCRIPTION_CREATED", &snapshot, ctx->now);
    r = am_jobs_subscription_charge(b, ctx->ids, stored, ctx->now, &p);
    if (r < 0)
        goto out;
    if (stored->card.present) {
        r = am_billing_payment_pay_card(b, p, &stored->card, 1, NULL, ctx->now);
        if (r < 0)
            goto out;
    }
    am_jobs_subscription_expire(b, stored, ctx->now);
    r = answer_subscription(resp, stored);
out:
    am_subscription_free(s);
    cJSON_Delete(j);
    return r;
}

struct sub_filters {
    const char *customer;
    int billing_type;
    int status;
    bool deleted_only, include_deleted;
    const char *external_reference;
};

static bool query_bool(const struct am_query *q, const char *key)
{
    const char *v = am_query_get(q, key);

    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static bool sub_matches(const struct am_subscription *s, const struct sub_filters *f)
{
    if (f->deleted_only ? !s->deleted : (s->deleted && !f->include_deleted))
        return false;
    if (f->customer && strcmp(s->customer, f->customer) != 0)
        return false;
    if (f->billing_type >= 0 && (int)s->billing_type != f->billing_type)
        return false;
    if (f->status >= 0 && (int)s->status != f->status)
        return false;
    if (f->external_reference &&
        !(s->external_reference && strcmp(s->external_reference, f->external_reference) == 0))
        return false;
    return true;
}

int am_api_subscriptions_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    struct am_recurring *rec;
    struct sub_filters f = {.billing_type = -1, .status = -1};
    struct am_page pg;
    const char *v;
    struct am_api_pager pager;
    int r;

    (void)id;
    (void)req;
    r = am_api_list_begin(ctx, resp, &pg);
    if (r != 0)
        return am_input_done(r);
    rec = ctx->account->recurring;
    f.customer = am_api_query_value(ctx->query, "customer");
    f.external_reference = am_api_query_value(ctx->query, "externalReference");
    f.deleted_only = query_bool(ctx->query, "deletedOnly");
    f.include_deleted = query_bool(ctx->query, "includeDeleted");
    r = am_api_billing_type_filter(ctx, &f.billing_type, resp);
    if (r != 0)
        return am_input_done(r);
    v = am_api_query_value(ctx->query, "status");
    if (v) {
        enum am_sub_status st;

        if (am_sub_status_parse(v, &st) < 0)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS));
        f.status = (int)st;
    }
    am_api_pager_init(&pager, &pg);
    for (size_t i = am_recurring_count(rec); i-- > 0;) {
        const struct am_subscription *s = am_recurring_at(rec, i);

        if (sub_matches(s, &f) && am_api_pager_take(&pager))
            am_api_pager_add(&pager, am_subscription_to_json(s));
    }
    return am_api_pager_answer(&pager, resp);
}

/* The subscription named by id: 0, or the answer to return (-EINVAL before setup, 1 after
 * writing the 404). */
static int find_subscription(struct am_ctx *ctx, const char *id, struct am_response *resp,
                             struct am_subscription **ret)
{
    *ret = am_api_ready(ctx) && id ? am_recurring_find(ctx->account->recurring, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_subscriptions_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_subscription *s;
    int r;

    (void)req;
    r = find_subscription(ctx, id, resp, &s);
    if (r)
        return am_input_done(r);
    return answer_subscription(resp, s);
}

/* Applies the request's value/billingType/description/discount/fine/interest to the
 * subscription's PENDING charges. Returns 0 or -ENOMEM. */
static int update_pending(const struct am_ctx *ctx, const struct am_subscription *s,
                          const struct sub_req *q)
{
    struct am_payment_update u;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    memset(&u, 0, sizeof(u));
    u.has_value = q->has_value;
    u.value_cents = q->value_cents;
    u.has_billing_type = q->has_type;
    u.billing_type = q->type;
    u.has_description = q->has_description;
    u.description = q->description;
    am_input_terms_update(&q->terms, &u);
    if (!u.has_value && !u.has_billing_type && !u.has_description && !u.has_discount &&
        !u.has_fine && !u.has_interest)
        return 0;
    r = am_billing_payments_of_subscription(ctx->account->billing, s->id, &list, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        if (list[i]->deleted || list[i]->status != AM_PAY_PENDING)
            continue;
        r = am_billing_payment_update(ctx->account->billing, list[i], &u, ctx->now);
        if (r == -ENOMEM)
            break;
        r = 0;
    }
    free(list);
    return r;
}

int am_api_subscriptions_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_subscription *s;
    struct sub_req q;
    char *desc = NULL, *ext = NULL;
    cJSON *split = NULL, *j = NULL;
    bool inactivated = false;
    int r;

    r = find_subscription(ctx, id, resp, &s);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (s->deleted) {
        r = am_input_done(am_input_fail(resp, 400, AM_ERR_SUB_ACTION, AM_TXT_SUB_DELETED));
        goto out;
    }
    r = sub_validate(ctx, j, false, s, &q, resp);
    if (r == 0) /* area accounts: a new split[] against the wallets */
        r = am_api_splits_check(ctx, j, "split", q.has_value ? q.value_cents : s->value_cents,
                                q.has_type ? q.type : s->billing_type, 1, resp);
    if (r != 0) {
        r = am_input_done(r);
        goto out;
    }
    /* Allocate first so the change is all or nothing. */
    if ((q.has_description && dup_or_null(q.description, &desc) < 0) ||
        (q.has_external_reference && dup_or_null(q.external_reference, &ext) < 0) ||
        (q.split && !(split = cJSON_Duplicate(q.split, true)))) {
        r = -ENOMEM;
        goto out;
    }
    if (q.has_type)
        s->billing_type = q.type;
    if (q.has_value)
        s->value_cents = q.value_cents;
    if (q.has_next_due) {
        s->next_due_day = q.next_due_day;
        s->anchor_mday = am_sub_mday(q.next_due_day);
    }
    if (q.has_cycle)
        s->cycle = q.cycle;
    if (q.has_description) {
        free(s->description);
        s->description = desc;
        desc = NULL;
    }
    if (q.has_external_reference) {
        free(s->external_reference);
        s->external_reference = ext;
        ext = NULL;
    }
    if (q.has_split) {
        cJSON_Delete(s->split);
        s->split = split;
        split = NULL;
    }
    if (q.has_end)
        s->end_day = q.end_day;
    if (q.has_max)
        s->max_payments = q.max_payments;
    am_input_terms_apply(&q.terms, &s->discount, &s->fine, &s->interest);
    if (q.has_status && q.status != s->status) {
        if (q.status == AM_SUB_INACTIVE) {
            inactivated = true;
        } else {
            /* Reactivated: resume from today, never generating charges in the past. */
            int64_t today = am_api_today(ctx);

            while (s->next_due_day < today)
                s->next_due_day = am_sub_cycle_next(s->next_due_day, s->cycle, s->anchor_mday);
        }
        s->status = q.status;
    } else if (s->status == AM_SUB_EXPIRED && !am_subscription_exhausted(s)) {
        /* A later endDate or a larger maxPayments gives an expired subscription room. */
        s->status = AM_SUB_ACTIVE;
    }
    if (q.update_pending) {
        r = update_pending(ctx, s, &q);
        if (r < 0)
            goto out;
    }
    am_subscription_emit(ctx->account->billing,
                         inactivated ? "SUBSCRIPTION_INACTIVATED" : "SUBSCRIPTION_UPDATED", s,
                         ctx->now);
    am_jobs_subscription_expire(ctx->account->billing, s, ctx->now);
    /* area accounts: a split given later makes the subscription a split charge */
    r = s->split ? am_api_splits_attach(ctx, j, "split", "subscription", s->id, 1) : 0;
    if (r == -EEXIST)
        r = 0;
    if (r == 0)
        r = answer_subscription(resp, s);
out:
    free(desc);
    free(ext);
    cJSON_Delete(split);
    cJSON_Delete(j);
    return r;
}

int am_api_subscriptions_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    struct am_subscription *s;
    struct am_payment **list = NULL;
    size_t n = 0;
    int r;

    (void)req;
    r = find_subscription(ctx, id, resp, &s);
    if (r)
        return am_input_done(r);
    if (s->deleted)
        return am_api_answer_deleted(resp, s->id); /* idempotent, no second event */
    r = am_billing_payments_of_subscription(ctx->account->billing, s->id, &list, &n);
    if (r < 0)
        return r;
    r = am_billing_payments_delete_unpaid(ctx->account->billing, list, n, ctx->now);
    free(list);
    if (r < 0)
        return r;
    s->deleted = true;
    am_subscription_emit(ctx->account->billing, "SUBSCRIPTION_DELETED", s, ctx->now);
    return am_api_answer_deleted(resp, s->id);
}

int am_api_subscriptions_payments(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                  struct am_response *resp)
{
    struct am_subscription *s;
    struct am_payment_filter f;
    int r;

    (void)req;
    r = find_subscription(ctx, id, resp, &s);
    if (r)
        return am_input_done(r);
    am_payment_filter_init(&f);
    f.subscription = s->id;
    return am_api_payments_answer_page(ctx, &f, resp);
}

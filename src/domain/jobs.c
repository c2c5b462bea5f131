/* jobs.c - the per-account daily job runner (see jobs.h). */
#include "jobs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "clock.h"
#include "registry.h"
#include "subscriptions.h"
/* area pix headers */
#include "pix.h"
#include "pix_auto.h"
/* area moneyout headers */
#include "moneyout.h"
/* area accounts headers */
#include "splits.h"
/* area links headers */
#include "dunning.h"
#include "invoices.h"
#include "links.h"
/* area payrest headers */
#include "chargebacks.h"
#include "preauth.h"

/* 00:00 Brasilia time of a day: the instant a day's jobs are stamped with. */
static int64_t day_start(int64_t day)
{
    return day * 86400 - AM_BRT_OFFSET_SECONDS;
}

int am_jobs_subscription_charge(struct am_billing *b, struct am_ids *ids,
                                struct am_subscription *s, int64_t now, struct am_payment **ret_p)
{
    struct am_payment_spec spec;
    struct am_payment *p = NULL;
    int r;

    am_payment_spec_init(&spec);
    spec.customer = s->customer;
    spec.billing_type = s->billing_type;
    spec.value_cents = s->value_cents;
    spec.due_day = s->next_due_day;
    spec.description = s->description;
    spec.external_reference = s->external_reference;
    spec.subscription = s->id;
    spec.payment_link = s->payment_link[0] ? s->payment_link : NULL;
    spec.checkout_session = s->checkout_session[0] ? s->checkout_session : NULL;
    spec.discount = s->discount;
    spec.fine = s->fine;
    spec.interest = s->interest;
    r = am_billing_payment_create(b, ids, &spec, now, &p);
    if (r < 0)
        return r;
    s->generated++;
    s->next_due_day = am_sub_cycle_next(s->next_due_day, s->cycle, s->anchor_mday);
    if (ret_p)
        *ret_p = p;
    return 0;
}

bool am_jobs_subscription_expire(struct am_billing *b, struct am_subscription *s, int64_t now)
{
    if (s->deleted || s->status != AM_SUB_ACTIVE || !am_subscription_exhausted(s))
        return false;
    s->status = AM_SUB_EXPIRED;
    am_subscription_emit(b, "SUBSCRIPTION_UPDATED", s, now);
    return true;
}

/* Charges the stored card for the subscription's charges due up to day. */
static int pay_due_card_charges(struct am_billing *b, const struct am_subscription *s, int64_t day,
                                int64_t now, struct am_jobs_report *rep)
{
    struct am_payment **list = NULL;
    size_t n = 0;
    int r = am_billing_payments_of_subscription(b, s->id, &list, &n);

    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        struct am_payment *p = list[i];

        if (p->deleted || p->billing_type != AM_BILLING_CREDIT_CARD || p->due_day > day ||
            (p->status != AM_PAY_PENDING && p->status != AM_PAY_OVERDUE))
            continue;
        r = am_billing_payment_pay_card(b, p, &s->card, 1, NULL, now);
        if (r == -ENOMEM)
            break;
        if (r == 0)
            rep->card_charges++;
        r = 0;
    }
    free(list);
    return r;
}

int am_jobs_subscriptions_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now,
                              struct am_jobs_report *ret)
{
    struct am_jobs_report scratch = {0};
    struct am_jobs_report *rep = ret ? ret : &scratch;
    struct am_billing *b = a->billing;
    struct am_recurring *rec = a->recurring;
    size_t n;
    int r;

    if (!b || !rec)
        return -EINVAL;
    n = am_recurring_count(rec);
    for (size_t i = 0; i < n; i++) {
        struct am_subscription *s = am_recurring_at(rec, i);

        if (s->deleted || s->status != AM_SUB_ACTIVE)
            continue;
        /* next_due_day strictly grows with each charge, so this ends. */
        while (!am_subscription_exhausted(s) &&
               s->next_due_day - AM_SUBSCRIPTION_LEAD_DAYS <= day) {
            r = am_jobs_subscription_charge(b, ids, s, now, NULL);
            if (r < 0)
                return r;
            rep->subscription_charges++;
        }
        if (s->card.present && s->billing_type == AM_BILLING_CREDIT_CARD) {
            r = pay_due_card_charges(b, s, day, now, rep);
            if (r < 0)
                return r;
        }
        if (am_jobs_subscription_expire(b, s, now))
            rep->expired++;
    }
    return 0;
}

/* The other API areas' daily jobs (am_jobs_area_fn), run after billing's and the
 * subscriptions' of the same day, in this order. */
static const am_jobs_area_fn area_jobs[] = {
    /* area pix */
    am_pix_job,
    am_pix_auto_job,
    /* area moneyout */
    am_moneyout_job,
    /* area accounts */
    am_splits_job,
    /* area links */
    am_links_job_day,
    am_invoices_job_day,
    am_dunning_job_day,
    /* area payrest */
    am_chargebacks_job,
    am_preauth_job,
    NULL,
};

static int run_day(struct am_account *a, struct am_ids *ids, int64_t day,
                   struct am_jobs_report *rep)
{
    int64_t now = day_start(day);
    int r;

    rep->overdue += am_billing_job_overdue(a->billing, day, now);
    rep->settled += am_billing_job_settle(a->billing, day, now);
    rep->days++;
    r = am_jobs_subscriptions_day(a, ids, day, now, rep);
    for (size_t i = 0; r == 0 && area_jobs[i]; i++)
        r = area_jobs[i](a, ids, day, now);
    return r;
}

int am_jobs_advance(struct am_account *a, struct am_ids *ids, int64_t from_now, int64_t to_now,
                    struct am_jobs_report *ret)
{
    struct am_jobs_report scratch;
    struct am_jobs_report *rep = ret ? ret : &scratch;
    int64_t last, to_day;
    int r = 0;

    memset(rep, 0, sizeof(*rep));
    if (!a || !a->billing || !a->recurring)
        return -EINVAL;
    last = am_recurring_jobs_day(a->recurring);
    to_day = am_cal_day_of(to_now);
    if (last == AM_NO_DAY)
        last = am_cal_day_of(from_now);
    if (last >= to_day) {
        /* Nothing to run; a clock moved backwards drags the remembered day along. */
        am_recurring_set_jobs_day(a->recurring, to_day);
        return 0;
    }
    if (to_day - last > AM_JOBS_MAX_DAYS)
        last = to_day - AM_JOBS_MAX_DAYS;
    for (int64_t day = last + 1; day <= to_day; day++) {
        r = run_day(a, ids, day, rep);
        am_recurring_set_jobs_day(a->recurring, day);
        if (r < 0)
            break;
    }
    return r;
}

int am_jobs_catch_up(struct am_account *a, struct am_ids *ids, int64_t now,
                     struct am_jobs_report *ret)
{
    return am_jobs_advance(a, ids, now, now, ret);
}

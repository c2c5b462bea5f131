/* billing_query.c - list queries over one account's payments (see billing.h): the smallest
 * candidate set first, then status/type/live bitmaps ANDed a word at a time and the
 * packed per-seq dates. */
#include "billing_impl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "bizdays.h"
#include "clock.h"
#include "ids.h"
#include "money.h"

/* ---- query ------------------------------------------------------------------------ */

static bool in_range(int64_t day, int64_t ge, int64_t le)
{
    if (ge != AM_NO_DAY && (day == AM_NO_DAY || day < ge))
        return false;
    if (le != AM_NO_DAY && (day == AM_NO_DAY || day > le))
        return false;
    return true;
}

/* The date predicates, on the packed array. */
static bool hot_matches(const struct am_billing *b, size_t seq, const struct am_payment_filter *f)
{
    const struct hot *h = &b->hot[seq];

    return in_range(h->created_day, f->created_ge, f->created_le) &&
           in_range(h->due_day, f->due_ge, f->due_le) &&
           in_range(h->payment_day, f->payment_ge, f->payment_le) &&
           in_range(h->estimated_credit_day, f->estimated_credit_ge, f->estimated_credit_le);
}

/* The predicates that need the payment itself. */
static bool cold_matches(const struct am_payment *p, const struct am_payment_filter *f)
{
    if (f->customer && strcmp(p->customer, f->customer) != 0)
        return false;
    if (f->subscription && strcmp(p->subscription, f->subscription) != 0)
        return false;
    if (f->installment && strcmp(p->installment, f->installment) != 0)
        return false;
    if (f->external_reference &&
        !(p->external_reference && strcmp(p->external_reference, f->external_reference) == 0))
        return false;
    if (f->anticipated >= 0 && p->anticipated != (f->anticipated != 0))
        return false;
    return !f->extra || f->extra(p, f->extra_arg);
}

static bool matches(const struct am_billing *b, const struct am_payment *p,
                    const struct am_payment_filter *f)
{
    if (!f->include_deleted && p->deleted)
        return false;
    if (f->status >= 0 && (int)p->status != f->status)
        return false;
    if (f->billing_type >= 0 && (int)p->billing_type != f->billing_type)
        return false;
    return hot_matches(b, p->seq, f) && cold_matches(p, f);
}

static bool needs_hot(const struct am_payment_filter *f)
{
    return f->created_ge != AM_NO_DAY || f->created_le != AM_NO_DAY || f->due_ge != AM_NO_DAY ||
           f->due_le != AM_NO_DAY || f->payment_ge != AM_NO_DAY || f->payment_le != AM_NO_DAY ||
           f->estimated_credit_ge != AM_NO_DAY || f->estimated_credit_le != AM_NO_DAY;
}

static bool needs_cold(const struct am_payment_filter *f)
{
    return f->customer || f->subscription || f->installment || f->external_reference ||
           f->anticipated >= 0 || f->extra;
}

struct collector {
    size_t offset, limit, total, n;
    struct am_payment **page;
};

static void collect(struct collector *c, struct am_payment *p)
{
    if (c->total >= c->offset && c->total - c->offset < c->limit)
        c->page[c->n++] = p;
    c->total++;
}

/* First seq whose creation day is >= day (the days are sorted). */
static size_t created_lower_bound(const struct am_billing *b, int64_t day)
{
    size_t lo = 0, hi = b->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b->hot[mid].created_day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Mask of the bits of word w that lie in [lo, hi). */
static uint64_t range_mask(size_t w, size_t lo, size_t hi)
{
    size_t first = w * 64, last = first + 64;
    uint64_t m = ~0ULL;

    if (lo > first)
        m &= lo - first >= 64 ? 0 : ~0ULL << (lo - first);
    if (hi < last)
        m &= hi <= first ? 0 : (hi - first >= 64 ? ~0ULL : (1ULL << (hi - first)) - 1);
    return m;
}

size_t am_billing_payments_query(const struct am_billing *b, const struct am_payment_filter *f,
                                 size_t offset, size_t limit, struct am_payment **page,
                                 size_t *ret_n)
{
    struct collector c = {.offset = offset, .limit = limit, .page = page};
    const struct vec *best = NULL;
    size_t best_n = b ? b->n : 0, lo = 0, hi;
    const char *keys[3];
    const struct group_index *groups[3];
    bool hot, cold;

    *ret_n = 0;
    if (!b || b->n == 0)
        return 0;
    keys[0] = f->customer;
    groups[0] = &b->by_customer;
    keys[1] = f->subscription;
    groups[1] = &b->by_subscription;
    keys[2] = f->installment;
    groups[2] = &b->by_installment;
    for (int i = 0; i < 3; i++) {
        const struct vec *v;

        if (!keys[i])
            continue;
        v = am_bidx_group_get(groups[i], keys[i]);
        if (!v)
            return 0; /* nothing has that key */
        if (!best || v->n < best->n) {
            best = v;
            best_n = v->n;
        }
    }
    if (best && (f->status < 0 || best_n <= b->status_count[f->status]) &&
        (f->billing_type < 0 || best_n <= b->type_count[f->billing_type])) {
        for (size_t i = best->n; i-- > 0;) {
            struct am_payment *p = b->payments[best->v[i]];

            if (matches(b, p, f))
                collect(&c, p);
        }
        *ret_n = c.n;
        return c.total;
    }
    /* Bitmap walk, newest first, over the creation window when it is known. */
    hi = b->n;
    if (b->created_sorted) {
        if (f->created_ge != AM_NO_DAY)
            lo = created_lower_bound(b, f->created_ge);
        if (f->created_le != AM_NO_DAY && f->created_le < INT64_MAX)
            hi = created_lower_bound(b, f->created_le + 1);
    }
    hot = needs_hot(f);
    cold = needs_cold(f);
    for (size_t w = hi ? (hi - 1) / 64 + 1 : 0; lo < hi && w-- > lo / 64;) {
        uint64_t word = range_mask(w, lo, hi);

        if (!f->include_deleted)
            word &= b->live.w[w];
        if (f->status >= 0)
            word &= b->by_status[f->status].w[w];
        if (f->billing_type >= 0)
            word &= b->by_type[f->billing_type].w[w];
        if (!word)
            continue;
        if (!hot && !cold) {
            size_t cnt = (size_t)__builtin_popcountll(word);
            bool page_full = c.total >= c.offset && c.total - c.offset >= c.limit;

            /* A whole word before or after the page: count without touching payments. */
            if (page_full || c.total + cnt <= c.offset) {
                c.total += cnt;
                continue;
            }
        }
        while (word) {
            int bit = 63 - __builtin_clzll(word);
            size_t seq = w * 64 + (size_t)bit;

            word &= ~(1ULL << bit);
            if (hot && !hot_matches(b, seq, f))
                continue;
            if (cold && !cold_matches(b->payments[seq], f))
                continue;
            collect(&c, b->payments[seq]);
        }
    }
    *ret_n = c.n;
    return c.total;
}

static int group_list(const struct am_billing *b, const struct group_index *g, const char *key,
                      struct am_payment ***ret, size_t *ret_n)
{
    const struct vec *v = key ? am_bidx_group_get(g, key) : NULL;
    struct am_payment **out;

    *ret = NULL;
    *ret_n = 0;
    if (!v || v->n == 0)
        return 0;
    out = malloc(v->n * sizeof(*out));
    if (!out)
        return -ENOMEM;
    for (size_t i = 0; i < v->n; i++)
        out[i] = b->payments[v->v[i]];
    *ret = out;
    *ret_n = v->n;
    return 0;
}

int am_billing_payments_of_subscription(const struct am_billing *b, const char *sub_id,
                                        struct am_payment ***ret, size_t *ret_n)
{
    return group_list(b, &b->by_subscription, sub_id, ret, ret_n);
}

int am_billing_payments_of_installment(const struct am_billing *b, const char *inst_id,
                                       struct am_payment ***ret, size_t *ret_n)
{
    return group_list(b, &b->by_installment, inst_id, ret, ret_n);
}


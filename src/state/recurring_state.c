/* recurring_state.c - exact export/import of one account's recurring state (see
 * recurring_state.h). */
#include "recurring_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "state_codec.h"
#include "subscriptions.h"

/* The API never stores more (am_money_from_json's ceiling); a bound also keeps later
 * arithmetic on imported values far from overflow. */
#define MONEY_MAX 10000000000000LL

/* Subscription members in export order. */
enum {
    S_ID, S_SEQ, S_CREATED, S_CUSTOMER, S_VALUE, S_NEXT_DUE, S_ANCHOR, S_CYCLE,
    S_DESCRIPTION, S_BILLING, S_DELETED, S_STATUS, S_EXT_REF, S_DISCOUNT, S_FINE,
    S_INTEREST, S_SPLIT, S_END, S_MAX_PAYMENTS, S_GENERATED, S_CARD, S_PAYMENT_LINK,
    S_CHECKOUT_SESSION, S_COUNT
};
static const char *const sub_keys[S_COUNT + 1] = {
    [S_ID] = "id",
    [S_SEQ] = "seq",
    [S_CREATED] = "dateCreated",
    [S_CUSTOMER] = "customer",
    [S_VALUE] = "valueCents",
    [S_NEXT_DUE] = "nextDueDate",
    [S_ANCHOR] = "anchorMday",
    [S_CYCLE] = "cycle",
    [S_DESCRIPTION] = "description",
    [S_BILLING] = "billingType",
    [S_DELETED] = "deleted",
    [S_STATUS] = "status",
    [S_EXT_REF] = "externalReference",
    [S_DISCOUNT] = "discount",
    [S_FINE] = "fine",
    [S_INTEREST] = "interest",
    [S_SPLIT] = "split",
    [S_END] = "endDate",
    [S_MAX_PAYMENTS] = "maxPayments",
    [S_GENERATED] = "generated",
    [S_CARD] = "card",
    [S_PAYMENT_LINK] = "paymentLink",
    [S_CHECKOUT_SESSION] = "checkoutSession",
    [S_COUNT] = NULL,
};
_Static_assert(S_COUNT <= 32, "index_members' bit set");
static const char *const discount_keys[] = {"value", "limitDate", "dueDateLimitDays", "type",
                                            NULL};
static const char *const fine_keys[] = {"value", "type", NULL};
static const char *const interest_keys[] = {"value", NULL};
static const char *const card_keys[] = {"present", "last4", "brand", "token", NULL};
static const char *const kyc_keys[] = {"commercialInfo", "bankAccountInfo", "documentation",
                                       "general", NULL};
static const char *const top_keys[] = {"subscriptions", "kyc", "jobsDay", NULL};

/* Name functions with the int signature am_sc_get_enum calls through. */
static const char *cycle_name(int i)
{
    return am_sub_cycle_name((enum am_sub_cycle)i);
}

static const char *status_name(int i)
{
    return am_sub_status_name((enum am_sub_status)i);
}

static const char *billing_name(int i)
{
    return am_billing_type_name((enum am_billing_type)i);
}

static const char *kyc_name(int i)
{
    return am_kyc_status_name((enum am_kyc_status)i);
}

#define KYC_COUNT (AM_KYC_AWAITING_APPROVAL + 1)

static const char *amount_type_name(int i)
{
    return i == AM_AMOUNT_FIXED ? "FIXED" : i == AM_AMOUNT_PERCENTAGE ? "PERCENTAGE" : NULL;
}

static int fail(char *err, size_t err_len, const char *where, const char *key, const char *why)
{
    if (err && err_len && key)
        snprintf(err, err_len, "%s.%s: %s", where, key, why);
    else if (err && err_len)
        snprintf(err, err_len, "%s: %s", where, why);
    return -EINVAL;
}

/* ---- Export ---------------------------------------------------------------------- */

/* Adds key: a new object; NULL on OOM. */
static cJSON *add_obj(cJSON *o, const char *key)
{
    return cJSON_AddObjectToObject(o, key);
}

static bool card_empty(const struct am_card_info *c)
{
    return !c->present && !c->last4[0] && !c->brand[0] && !c->token[0];
}

static int export_card(cJSON *o, const struct am_card_info *card)
{
    cJSON *c;
    int r;

    if (card_empty(card))
        return am_sc_add_str(o, "card", NULL);
    c = add_obj(o, "card");
    if (!c)
        return -ENOMEM;
    r = am_sc_add_bool(c, "present", card->present);
    if (r == 0)
        r = am_sc_add_str(c, "last4", card->last4);
    if (r == 0)
        r = am_sc_add_str(c, "brand", card->brand);
    if (r == 0)
        r = am_sc_add_str(c, "token", card->token);
    return r;
}

static int export_charges(cJSON *o, const struct am_subscription *s)
{
    cJSON *d = add_obj(o, "discount"), *f = NULL, *in = NULL;
    int r;

    if (!d)
        return -ENOMEM;
    r = am_sc_add_int(d, "value", s->discount.value);
    if (r == 0)
        r = am_sc_add_day(d, "limitDate", s->discount.limit_day);
    if (r == 0)
        r = am_sc_add_int(d, "dueDateLimitDays", s->discount.due_date_limit_days);
    if (r == 0)
        r = am_sc_add_str(d, "type", amount_type_name((int)s->discount.type));
    if (r == 0 && !(f = add_obj(o, "fine")))
        r = -ENOMEM;
    if (r == 0)
        r = am_sc_add_int(f, "value", s->fine.value);
    if (r == 0)
        r = am_sc_add_str(f, "type", amount_type_name((int)s->fine.type));
    if (r == 0 && !(in = add_obj(o, "interest")))
        r = -ENOMEM;
    if (r == 0)
        r = am_sc_add_int(in, "value", s->interest.value);
    return r;
}

static int export_split(cJSON *o, const cJSON *split)
{
    cJSON *copy;

    if (!split)
        return am_sc_add_str(o, "split", NULL);
    copy = cJSON_Duplicate(split, true);
    if (!copy || !cJSON_AddItemToObject(o, "split", copy)) {
        cJSON_Delete(copy);
        return -ENOMEM;
    }
    return 0;
}

static cJSON *export_sub(const struct am_subscription *s)
{
    cJSON *o = cJSON_CreateObject();
    int r;

    if (!o)
        return NULL;
    r = am_sc_add_str(o, "id", s->id);
    if (r == 0)
        r = am_sc_add_int(o, "seq", (int64_t)s->seq);
    if (r == 0)
        r = am_sc_add_instant(o, "dateCreated", s->created_at);
    if (r == 0)
        r = am_sc_add_str(o, "customer", s->customer);
    if (r == 0)
        r = am_sc_add_int(o, "valueCents", s->value_cents);
    if (r == 0)
        r = am_sc_add_day(o, "nextDueDate", s->next_due_day);
    if (r == 0)
        r = am_sc_add_int(o, "anchorMday", s->anchor_mday);
    if (r == 0)
        r = am_sc_add_str(o, "cycle", am_sub_cycle_name(s->cycle));
    if (r == 0)
        r = am_sc_add_str(o, "description", s->description);
    if (r == 0)
        r = am_sc_add_str(o, "billingType", am_billing_type_name(s->billing_type));
    if (r == 0)
        r = am_sc_add_bool(o, "deleted", s->deleted);
    if (r == 0)
        r = am_sc_add_str(o, "status", am_sub_status_name(s->status));
    if (r == 0)
        r = am_sc_add_str(o, "externalReference", s->external_reference);
    if (r == 0)
        r = export_charges(o, s);
    if (r == 0)
        r = export_split(o, s->split);
    if (r == 0)
        r = am_sc_add_day(o, "endDate", s->end_day);
    if (r == 0)
        r = am_sc_add_int(o, "maxPayments", s->max_payments);
    if (r == 0)
        r = am_sc_add_int(o, "generated", s->generated);
    if (r == 0)
        r = export_card(o, &s->card);
    /* Only when set: snapshots of other subscriptions are unchanged. */
    if (r == 0 && s->payment_link[0])
        r = am_sc_add_str(o, "paymentLink", s->payment_link);
    if (r == 0 && s->checkout_session[0])
        r = am_sc_add_str(o, "checkoutSession", s->checkout_session);
    if (r < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *am_recurring_state_export(const struct am_recurring *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *subs, *kyc;
    const struct am_subscription *s;
    /* am_recurring_kyc hands out a mutable view; export only reads it. */
    const struct am_kyc *k = am_recurring_kyc((struct am_recurring *)r);
    int ret = 0;

    if (!o)
        return NULL;
    subs = cJSON_AddArrayToObject(o, "subscriptions");
    if (!subs)
        goto fail;
    for (size_t i = 0; (s = am_recurring_at(r, i)) != NULL; i++) {
        cJSON *item = export_sub(s);

        if (!item || !cJSON_AddItemToArray(subs, item)) {
            cJSON_Delete(item);
            goto fail;
        }
    }
    kyc = add_obj(o, "kyc");
    if (!kyc)
        goto fail;
    ret = am_sc_add_str(kyc, "commercialInfo", kyc_name((int)k->commercial_info));
    if (ret == 0)
        ret = am_sc_add_str(kyc, "bankAccountInfo", kyc_name((int)k->bank_account_info));
    if (ret == 0)
        ret = am_sc_add_str(kyc, "documentation", kyc_name((int)k->documentation));
    if (ret == 0)
        ret = am_sc_add_str(kyc, "general", kyc_name((int)k->general));
    if (ret == 0)
        ret = am_sc_add_day(o, "jobsDay", am_recurring_jobs_day(r));
    if (ret < 0)
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* ---- Import ---------------------------------------------------------------------- */

/* Finds the member of o for each of the n keys (at[i], NULL = absent). Snapshots list
 * members in export order, so the expected name is tried first: about one strcmp per
 * member, where am_sc_check_object plus a lookup per key cost ~30 and dominated a 10k
 * import. Anything unusual goes to am_sc_check_object, which words the error. */
static int index_members(const cJSON *o, const char *const *keys, size_t n, const cJSON **at,
                         const char *where, char *err, size_t err_len)
{
    uint32_t seen = 0;
    size_t k = 0;
    int r;

    memset(at, 0, n * sizeof(*at));
    if (!cJSON_IsObject(o))
        goto slow;
    for (const cJSON *m = o->child; m; m = m->next, k++) {
        size_t j = k;

        if (!m->string)
            goto slow;
        if (k >= n || strcmp(m->string, keys[k]) != 0) {
            for (j = 0; j < n && strcmp(m->string, keys[j]) != 0; j++)
                ;
            if (j == n)
                goto slow;
        }
        if (seen & (UINT32_C(1) << j))
            goto slow;
        seen |= UINT32_C(1) << j;
        at[j] = m;
    }
    return 0;
slow:
    r = am_sc_check_object(o, keys, where, err, err_len);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        at[i] = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
    return 0;
}

/* An object whose first member is m (NULL = none): a codec reader looking up m's own
 * key finds it at once instead of walking the members before it (keys are unique). */
static const cJSON *view(cJSON *v, const cJSON *m)
{
    memset(v, 0, sizeof(*v));
    v->type = cJSON_Object;
    v->child = (cJSON *)m;
    return v;
}

/* A nested object member (discount, fine, interest): 0 with *ret NULL when absent. */
static int nested(const cJSON *m, const char *key, const char *const *keys, const cJSON **ret,
                  char *w, size_t w_len, const char *where, char *err, size_t err_len)
{
    *ret = m;
    am_sc_where_key(w, w_len, where, key);
    return m ? am_sc_check_object(m, keys, w, err, err_len) : 0;
}

static int get_enum_into(const cJSON *o, const char *key, const char *(*name_of)(int), int count,
                         int cur, int *ret, const char *where, char *err, size_t err_len)
{
    *ret = cur;
    return am_sc_get_enum(o, key, name_of, count, ret, where, err, err_len);
}

static int import_charges(const cJSON *const *at, struct am_subscription *s, const char *where,
                          char *err, size_t err_len)
{
    const cJSON *d, *f, *in;
    char w[320];
    int64_t v;
    int e, r;

    r = nested(at[S_DISCOUNT], sub_keys[S_DISCOUNT], discount_keys, &d, w, sizeof(w), where,
               err, err_len);
    if (r < 0)
        return r;
    if (d) {
        v = s->discount.due_date_limit_days;
        r = am_sc_get_int(d, "value", 0, MONEY_MAX, &s->discount.value, w, err, err_len);
        if (r == 0)
            r = am_sc_get_day(d, "limitDate", &s->discount.limit_day, w, err, err_len);
        if (r == 0)
            r = am_sc_get_int(d, "dueDateLimitDays", 0, INT32_MAX, &v, w, err, err_len);
        if (r == 0)
            r = get_enum_into(d, "type", amount_type_name, 2, (int)s->discount.type, &e, w, err,
                              err_len);
        if (r < 0)
            return r;
        s->discount.due_date_limit_days = (int32_t)v;
        s->discount.type = (enum am_amount_type)e;
    }
    r = nested(at[S_FINE], sub_keys[S_FINE], fine_keys, &f, w, sizeof(w), where, err, err_len);
    if (r < 0)
        return r;
    if (f) {
        r = am_sc_get_int(f, "value", 0, MONEY_MAX, &s->fine.value, w, err, err_len);
        if (r == 0)
            r = get_enum_into(f, "type", amount_type_name, 2, (int)s->fine.type, &e, w, err,
                              err_len);
        if (r < 0)
            return r;
        s->fine.type = (enum am_amount_type)e;
    }
    r = nested(at[S_INTEREST], sub_keys[S_INTEREST], interest_keys, &in, w, sizeof(w), where,
               err, err_len);
    if (r == 0 && in)
        r = am_sc_get_int(in, "value", 0, MONEY_MAX, &s->interest.value, w, err, err_len);
    return r;
}

static int import_card(const cJSON *it, struct am_card_info *card, const char *where, char *err,
                       size_t err_len)
{
    char w[320];
    int r;

    if (!it || cJSON_IsNull(it))
        return 0;
    am_sc_where_key(w, sizeof(w), where, sub_keys[S_CARD]);
    r = am_sc_check_object(it, card_keys, w, err, err_len);
    if (r == 0)
        r = am_sc_get_bool(it, "present", &card->present, w, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(it, "last4", card->last4, sizeof(card->last4), w, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(it, "brand", card->brand, sizeof(card->brand), w, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(it, "token", card->token, sizeof(card->token), w, err, err_len);
    return r;
}

static int import_split(const cJSON *it, struct am_subscription *s, const char *where, char *err,
                        size_t err_len)
{
    if (!it || cJSON_IsNull(it))
        return 0;
    /* The API only ever stores a request's split array. */
    if (!cJSON_IsArray(it))
        return fail(err, err_len, where, sub_keys[S_SPLIT], "must be an array or null");
    s->split = cJSON_Duplicate(it, true);
    return s->split ? 0 : -ENOMEM;
}

/* Member i of the subscription for a codec reader: the (object, key) argument pair. */
#define M(i) view(&v, at[i]), sub_keys[i]

/* Reads the i-th exported subscription into s (fresh from am_subscription_new). */
static int import_sub(const cJSON *o, size_t i, struct am_subscription *s, const char *where,
                      char *err, size_t err_len)
{
    const cJSON *at[S_COUNT];
    int64_t seq = (int64_t)i, n;
    cJSON v;
    int e, r;

    r = index_members(o, sub_keys, S_COUNT, at, where, err, err_len);
    if (r < 0)
        return r;
    if (!at[S_ID])
        return fail(err, err_len, where, sub_keys[S_ID], "missing");
    r = am_sc_get_buf(M(S_ID), s->id, sizeof(s->id), where, err, err_len);
    if (r < 0)
        return r;
    if (!s->id[0])
        return fail(err, err_len, where, sub_keys[S_ID], "must be a non-empty string");
    r = am_sc_get_int(M(S_SEQ), 0, INT64_MAX, &seq, where, err, err_len);
    if (r < 0)
        return r;
    /* am_recurring_add numbers subscriptions by position; any other seq could not be
     * rebuilt, so it is a corrupt file rather than something to renumber silently. */
    if (seq != (int64_t)i) {
        char why[64];

        snprintf(why, sizeof(why), "must be %zu (its position)", i);
        return fail(err, err_len, where, sub_keys[S_SEQ], why);
    }
    r = am_sc_get_instant(M(S_CREATED), &s->created_at, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(M(S_CUSTOMER), s->customer, sizeof(s->customer), where, err, err_len);
    if (r == 0)
        r = am_sc_get_int(M(S_VALUE), 0, MONEY_MAX, &s->value_cents, where, err, err_len);
    if (r == 0)
        r = am_sc_get_day(M(S_NEXT_DUE), &s->next_due_day, where, err, err_len);
    n = s->anchor_mday;
    if (r == 0)
        r = am_sc_get_int(M(S_ANCHOR), 0, 31, &n, where, err, err_len);
    s->anchor_mday = (unsigned)n;
    if (r == 0)
        r = get_enum_into(M(S_CYCLE), cycle_name, _AM_CYCLE_MAX, (int)s->cycle, &e, where, err,
                          err_len);
    if (r < 0)
        return r;
    s->cycle = (enum am_sub_cycle)e;
    r = am_sc_get_str(M(S_DESCRIPTION), &s->description, where, err, err_len);
    if (r == 0)
        r = get_enum_into(M(S_BILLING), billing_name, _AM_BILLING_MAX, (int)s->billing_type, &e,
                          where, err, err_len);
    if (r < 0)
        return r;
    s->billing_type = (enum am_billing_type)e;
    r = am_sc_get_bool(M(S_DELETED), &s->deleted, where, err, err_len);
    if (r == 0)
        r = get_enum_into(M(S_STATUS), status_name, _AM_SUB_STATUS_MAX, (int)s->status, &e,
                          where, err, err_len);
    if (r < 0)
        return r;
    s->status = (enum am_sub_status)e;
    r = am_sc_get_str(M(S_EXT_REF), &s->external_reference, where, err, err_len);
    if (r == 0)
        r = import_charges(at, s, where, err, err_len);
    if (r == 0)
        r = import_split(at[S_SPLIT], s, where, err, err_len);
    if (r == 0)
        r = am_sc_get_day(M(S_END), &s->end_day, where, err, err_len);
    n = s->max_payments;
    if (r == 0)
        r = am_sc_get_int(M(S_MAX_PAYMENTS), 0, UINT_MAX, &n, where, err, err_len);
    s->max_payments = (unsigned)n;
    n = s->generated;
    if (r == 0)
        r = am_sc_get_int(M(S_GENERATED), 0, UINT_MAX, &n, where, err, err_len);
    s->generated = (unsigned)n;
    if (r == 0)
        r = import_card(at[S_CARD], &s->card, where, err, err_len);
    if (r == 0)
        r = am_sc_get_buf(M(S_PAYMENT_LINK), s->payment_link, sizeof(s->payment_link), where,
                          err, err_len);
    if (r == 0)
        r = am_sc_get_buf(M(S_CHECKOUT_SESSION), s->checkout_session,
                          sizeof(s->checkout_session), where, err, err_len);
    return r;
}

#undef M

static int import_kyc(const cJSON *o, struct am_kyc *k, const char *where, char *err,
                      size_t err_len)
{
    const cJSON *it;
    char w[320];
    int e, r;

    r = nested(cJSON_GetObjectItemCaseSensitive(o, "kyc"), "kyc", kyc_keys, &it, w, sizeof(w),
               where, err, err_len);
    if (r < 0 || !it)
        return r;
    r = get_enum_into(it, "commercialInfo", kyc_name, KYC_COUNT, (int)k->commercial_info, &e, w,
                      err, err_len);
    if (r < 0)
        return r;
    k->commercial_info = (enum am_kyc_status)e;
    r = get_enum_into(it, "bankAccountInfo", kyc_name, KYC_COUNT, (int)k->bank_account_info, &e,
                      w, err, err_len);
    if (r < 0)
        return r;
    k->bank_account_info = (enum am_kyc_status)e;
    r = get_enum_into(it, "documentation", kyc_name, KYC_COUNT, (int)k->documentation, &e, w,
                      err, err_len);
    if (r < 0)
        return r;
    k->documentation = (enum am_kyc_status)e;
    r = get_enum_into(it, "general", kyc_name, KYC_COUNT, (int)k->general, &e, w, err, err_len);
    if (r < 0)
        return r;
    k->general = (enum am_kyc_status)e;
    return 0;
}

int am_recurring_state_import(const cJSON *obj, const char *where, struct am_recurring **ret,
                              char *err, size_t err_len)
{
    struct am_recurring *rec = NULL;
    struct am_subscription *s = NULL;
    const cJSON *subs, *item;
    char id[AM_SUBSCRIPTION_ID_MAX];
    char ws[288], w[300];
    int64_t jobs_day;
    size_t i = 0;
    int r;

    *ret = NULL;
    r = am_sc_check_object(obj, top_keys, where, err, err_len);
    if (r < 0)
        return r;
    rec = am_recurring_new();
    if (!rec)
        return -ENOMEM;
    subs = cJSON_GetObjectItemCaseSensitive(obj, "subscriptions");
    am_sc_where_key(ws, sizeof(ws), where, "subscriptions");
    if (subs && !cJSON_IsArray(subs)) {
        r = fail(err, err_len, ws, NULL, "must be an array");
        goto out;
    }
    cJSON_ArrayForEach(item, subs) {
        am_sc_where_index(w, sizeof(w), ws, i);
        s = am_subscription_new();
        if (!s) {
            r = -ENOMEM;
            goto out;
        }
        r = import_sub(item, i, s, w, err, err_len);
        if (r < 0)
            goto out;
        memcpy(id, s->id, sizeof(id));
        r = am_recurring_add(rec, s);
        s = NULL; /* the state took it (freed on error) */
        if (r == -EEXIST) {
            char why[AM_SUBSCRIPTION_ID_MAX + 32];

            snprintf(why, sizeof(why), "duplicate id \"%s\"", id);
            r = fail(err, err_len, w, "id", why);
        }
        if (r < 0)
            goto out;
        i++;
    }
    r = import_kyc(obj, am_recurring_kyc(rec), where, err, err_len);
    if (r < 0)
        goto out;
    jobs_day = am_recurring_jobs_day(rec);
    r = am_sc_get_day(obj, "jobsDay", &jobs_day, where, err, err_len);
    if (r < 0)
        goto out;
    am_recurring_set_jobs_day(rec, jobs_day);
    *ret = rec;
    rec = NULL;
out:
    am_subscription_free(s);
    am_recurring_free(rec);
    return r;
}

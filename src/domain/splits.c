/* splits.c - payment splits (see splits.h). */
#include "splits.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "json_text.h"
#include "money.h"
#include "records.h"
#include "registry.h"
#include "subscriptions.h"

/* The cents of a money member (absent/null = 0); -EINVAL when not a positive amount. */
static int part_money(const cJSON *o, const char *key, int64_t *ret, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    *ret = 0;
    *present = v && !cJSON_IsNull(v);
    if (!*present)
        return 0;
    if (am_money_from_json(v, ret) < 0 || *ret <= 0)
        return -EINVAL;
    return 0;
}

/* The percentage in hundredths of a percent (12.5 -> 1250); -EINVAL out of (0, 100]. */
static int part_percent(const cJSON *o, int64_t *ret, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "percentualValue");

    *ret = 0;
    *present = v && !cJSON_IsNull(v);
    if (!*present)
        return 0;
    if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || v->valuedouble > 100)
        return -EINVAL;
    *ret = (int64_t)llround(v->valuedouble * 100);
    return 0;
}

/* The cents of one part for a payment netting net_cents, the number-th (1-based) of count. */
static int64_t part_cents(const cJSON *part, int64_t net_cents, unsigned number, unsigned count)
{
    int64_t fixed, pct, total;
    bool has;

    if (part_money(part, "fixedValue", &fixed, &has) == 0 && has)
        return fixed;
    if (part_percent(part, &pct, &has) == 0 && has)
        return (net_cents * pct + 5000) / 10000; /* half-up to the cent */
    if (part_money(part, "totalFixedValue", &total, &has) == 0 && has && count > 0) {
        int64_t each = total / count;
        return number == count ? total - each * (count - 1) : each;
    }
    return 0;
}

int am_splits_check(struct am_account *payer, const cJSON *split, int64_t net_cents,
                    unsigned count, const char **ret_text)
{
    const cJSON *part;
    int64_t sum_first = 0, sum_last = 0;

    if (!split || cJSON_IsNull(split))
        return 0;
    *ret_text = AM_TXT_SPLIT_SHAPE;
    if (!cJSON_IsArray(split))
        return -EINVAL;
    cJSON_ArrayForEach(part, split)
    {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(part, "walletId");
        struct am_account *to;
        int64_t v;
        bool f, p, t;

        *ret_text = AM_TXT_SPLIT_SHAPE;
        if (!cJSON_IsObject(part) || !cJSON_IsString(w))
            return -EINVAL;
        to = am_registry_find_wallet(payer->registry, w->valuestring);
        *ret_text = to == payer ? AM_TXT_SPLIT_SELF : AM_TXT_SPLIT_WALLET;
        if (!to || to == payer)
            return -EINVAL;
        *ret_text = AM_TXT_SPLIT_VALUE;
        if (part_money(part, "fixedValue", &v, &f) < 0 || part_percent(part, &v, &p) < 0 ||
            part_money(part, "totalFixedValue", &v, &t) < 0 || f + p + t != 1)
            return -EINVAL;
        sum_first += part_cents(part, net_cents, 1, count ? count : 1);
        sum_last += part_cents(part, net_cents, count ? count : 1, count ? count : 1);
    }
    *ret_text = AM_TXT_SPLIT_EXCEEDS;
    if (sum_first > net_cents || sum_last > net_cents)
        return -EINVAL;
    return 0;
}

int am_splits_attach(struct am_account *payer, const char *kind, const char *owner_id,
                     const cJSON *split, unsigned count)
{
    cJSON *o;

    if (!split || cJSON_IsNull(split) || cJSON_GetArraySize(split) == 0)
        return 0;
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "id", owner_id) ||
        !cJSON_AddStringToObject(o, "kind", kind) ||
        !cJSON_AddNumberToObject(o, "count", count) ||
        !cJSON_AddItemToObject(o, "split", cJSON_Duplicate(split, true))) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_records_add(payer->records, AM_SPLITS_CONFIGS, o);
}

static void add_copy(cJSON *o, const char *key, const cJSON *from)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

    cJSON_AddItemToObject(o, key, v && !cJSON_IsNull(v) ? cJSON_Duplicate(v, true)
                                                        : cJSON_CreateNull());
}

/* PaymentSplitGetResponseDTO of one part (+ _payment), PENDING until paid. */
static cJSON *split_object(const char *sid, const cJSON *part, int64_t cents,
                           const struct am_account *payer, const struct am_account *to,
                           const struct am_payment *p)
{
    cJSON *o = cJSON_CreateObject(), *pay;

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", sid);
    cJSON_AddStringToObject(o, "walletId", to->wallet_id);
    add_copy(o, "fixedValue", part);
    add_copy(o, "percentualValue", part);
    am_money_add(o, "totalValue", cents);
    cJSON_AddNullToObject(o, "cancellationReason");
    cJSON_AddStringToObject(o, "status", "PENDING");
    add_copy(o, "externalReference", part);
    add_copy(o, "description", part);
    cJSON_AddStringToObject(o, "originAccountId", payer->uuid);
    cJSON_AddStringToObject(o, "destinationAccountId", to->uuid);
    cJSON_AddNullToObject(o, "creditDate");
    pay = cJSON_AddObjectToObject(o, "payment");
    cJSON_AddNullToObject(pay, "confirmedDate");
    cJSON_AddStringToObject(pay, "invoiceNumber", p->invoice_number);
    am_json_add_string_or_null(pay, "externalReference", p->external_reference);
    cJSON_AddStringToObject(o, "_payment", p->id);
    cJSON_AddNumberToObject(o, "_cents", (double)cents);
    if (!pay || !cJSON_GetObjectItemCaseSensitive(o, "_cents")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The parts of payment p become split objects (PENDING) on both sides; its record in
 * AM_SPLITS_SETTLED lists them ("parts": [[split id, receiver account id]...]). */
static int materialise(struct am_account *payer, struct am_ids *ids, const cJSON *cfg,
                       const struct am_payment *p, unsigned count)
{
    const cJSON *part, *split = cJSON_GetObjectItemCaseSensitive(cfg, "split");
    const struct am_subscription *sub = NULL;
    unsigned number = p->installment_number ? p->installment_number : 1;
    cJSON *mark = cJSON_CreateObject(), *parts;
    int r;

    /* A subscription's charges take its split as it is when they are made (PUT may
     * change it, or remove it). */
    if (p->subscription[0] && payer->recurring &&
        (sub = am_recurring_find(payer->recurring, p->subscription)) &&
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "kind")), "subscription") == 0)
        split = sub->split;
    if (!mark || !cJSON_AddStringToObject(mark, "id", p->id) ||
        !cJSON_AddStringToObject(mark, "state", "PENDING") ||
        !(parts = cJSON_AddArrayToObject(mark, "parts"))) {
        cJSON_Delete(mark);
        return -ENOMEM;
    }
    cJSON_ArrayForEach(part, split)
    {
        const char *w = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "walletId"));
        struct am_account *to = am_registry_find_wallet(payer->registry, w);
        int64_t cents = part_cents(part, p->net_value_cents, number, count ? count : 1);
        cJSON *o, *copy, *pair;
        char sid[37];

        if (!to || cents <= 0)
            continue; /* checked at creation; accounts are never removed */
        am_ids_uuid(ids, sid);
        o = split_object(sid, part, cents, payer, to, p);
        copy = o ? cJSON_Duplicate(o, true) : NULL;
        pair = cJSON_CreateArray();
        if (!copy || !pair || !cJSON_AddItemToArray(parts, pair) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(sid)) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(to->id))) {
            cJSON_Delete(o);
            cJSON_Delete(copy);
            cJSON_Delete(mark);
            return -ENOMEM;
        }
        r = am_records_add(payer->records, AM_SPLITS_PAID, o);
        if (r == 0)
            r = am_records_add(to->records, AM_SPLITS_RECEIVED, copy);
        else
            cJSON_Delete(copy);
        if (r < 0) {
            cJSON_Delete(mark);
            return r;
        }
    }
    return am_records_add(payer->records, AM_SPLITS_SETTLED, mark);
}

static void set_member(cJSON *o, const char *key, cJSON *v)
{
    if (!v)
        return;
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

/* Moves both copies of a part to status (reason: cancellationReason or NULL; day: the
 * creditDate or NULL; confirmed: the payment's confirmedDate or NULL). */
static void part_status(cJSON *obj, const char *status, const char *reason, const char *day,
                        const char *confirmed)
{
    set_member(obj, "status", cJSON_CreateString(status));
    set_member(obj, "cancellationReason", reason ? cJSON_CreateString(reason) : cJSON_CreateNull());
    if (day)
        set_member(obj, "creditDate", cJSON_CreateString(day));
    if (confirmed)
        set_member(cJSON_GetObjectItemCaseSensitive(obj, "payment"), "confirmedDate",
                   cJSON_CreateString(confirmed));
}

/* Where payment p stands for its parts: the state its record should reach (NULL: no
 * change) and, when cancelled, why. */
static const char *target(const struct am_payment *p, const char **reason)
{
    *reason = NULL;
    if (p->credited && !p->deleted)
        return "DONE";
    if (p->deleted)
        *reason = "PAYMENT_DELETED";
    else if (p->status == AM_PAY_RECEIVED_IN_CASH)
        *reason = "PAYMENT_RECEIVED_IN_CASH";
    else if (p->status == AM_PAY_REFUNDED)
        *reason = "PAYMENT_REFUNDED";
    if (*reason)
        return "CANCELLED";
    if (p->status == AM_PAY_RECEIVED || p->status == AM_PAY_CONFIRMED)
        return "AWAITING_CREDIT";
    return "PENDING";
}

/* Brings payment p's parts to where the payment stands: pays them (ledgers, DONE) once it
 * is credited, cancels them when it is deleted, refunded or received in cash before. A
 * paid or cancelled part never moves again. */
static int advance(struct am_account *payer, int64_t now, cJSON *mark, const struct am_payment *p)
{
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mark, "state"));
    const char *reason, *want = target(p, &reason);
    int64_t today = am_billing_day_of(now);
    char day[11], confirmed[11], desc[160];
    const cJSON *pair;
    bool pay = strcmp(want, "DONE") == 0;
    int r;

    if (!state || strcmp(state, "DONE") == 0 || strcmp(state, "CANCELLED") == 0 ||
        strcmp(state, want) == 0)
        return 0;
    am_billing_format_day(today, day);
    if (p->payment_day != AM_NO_DAY)
        am_billing_format_day(p->payment_day, confirmed);
    snprintf(desc, sizeof(desc), "Split de cobrança - fatura nr. %s", p->invoice_number);
    cJSON_ArrayForEach(pair, cJSON_GetObjectItemCaseSensitive(mark, "parts"))
    {
        const char *sid = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 0));
        const char *acc = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 1));
        struct am_account *to = am_registry_find_account(payer->registry, acc);
        cJSON *mine = sid ? am_records_find(payer->records, AM_SPLITS_PAID, sid) : NULL;
        cJSON *theirs = to && sid ? am_records_find(to->records, AM_SPLITS_RECEIVED, sid) : NULL;
        int64_t cents = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(mine, "_cents"));

        if (!mine || !theirs)
            continue;
        if (pay) {
            r = am_billing_ledger_append_ref(payer->billing, AM_LEDGER_DEBIT, -cents, today, now,
                                             desc, p->id, "splitId", sid);
            if (r == 0)
                r = am_billing_ledger_append_ref(to->billing, AM_LEDGER_CREDIT, cents, today, now,
                                                 desc, NULL, "splitId", sid);
            if (r < 0)
                return r;
        }
        part_status(mine, want, reason, pay ? day : NULL,
                    p->payment_day != AM_NO_DAY ? confirmed : NULL);
        part_status(theirs, want, reason, pay ? day : NULL,
                    p->payment_day != AM_NO_DAY ? confirmed : NULL);
    }
    /* A PAYMENT_* event: the payment is the snapshot, as for the other payment events. */
    if (reason && !am_billing_events_append_payment(payer->billing, "PAYMENT_SPLIT_CANCELLED", p, now))
        return -ENOMEM;
    set_member(mark, "state", cJSON_CreateString(want));
    return 0;
}

int am_splits_settle(struct am_account *payer, struct am_ids *ids, int64_t now)
{
    size_t n = payer && payer->records ? am_records_count(payer->records, AM_SPLITS_CONFIGS) : 0;
    int r = 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        const cJSON *cfg = am_records_at(payer->records, AM_SPLITS_CONFIGS, i);
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "kind"));
        const char *owner = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "id"));
        unsigned count = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cfg, "count"));
        struct am_payment **list = NULL, *one = NULL;
        size_t m = 0;

        if (!kind || !owner)
            continue;
        if (strcmp(kind, "payment") == 0) {
            one = am_billing_payment_find(payer->billing, owner);
            list = one ? &one : NULL;
            m = one ? 1 : 0;
        } else if (strcmp(kind, "installment") == 0) {
            r = am_billing_payments_of_installment(payer->billing, owner, &list, &m);
        } else {
            r = am_billing_payments_of_subscription(payer->billing, owner, &list, &m);
        }
        for (size_t j = 0; r == 0 && j < m; j++) {
            cJSON *mark = am_records_find(payer->records, AM_SPLITS_SETTLED, list[j]->id);

            if (!mark) {
                r = materialise(payer, ids, cfg, list[j], count);
                mark = r == 0 ? am_records_find(payer->records, AM_SPLITS_SETTLED, list[j]->id)
                              : NULL;
            }
            if (r == 0 && mark)
                r = advance(payer, now, mark, list[j]);
        }
        if (list != &one)
            free(list);
    }
    return r;
}

int am_splits_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    (void)day;
    return am_splits_settle(a, ids, now);
}

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

/* PaymentSplitGetResponseDTO of one paid part (+ _payment). */
static cJSON *split_object(const char *sid, const cJSON *part, int64_t cents,
                           const struct am_account *payer, const struct am_account *to,
                           const struct am_payment *p, const char *day)
{
    cJSON *o = cJSON_CreateObject(), *pay;
    char confirmed[11];

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", sid);
    cJSON_AddStringToObject(o, "walletId", to->wallet_id);
    add_copy(o, "fixedValue", part);
    add_copy(o, "percentualValue", part);
    am_money_add(o, "totalValue", cents);
    cJSON_AddNullToObject(o, "cancellationReason");
    cJSON_AddStringToObject(o, "status", "DONE");
    add_copy(o, "externalReference", part);
    add_copy(o, "description", part);
    cJSON_AddStringToObject(o, "originAccountId", payer->uuid);
    cJSON_AddStringToObject(o, "destinationAccountId", to->uuid);
    cJSON_AddStringToObject(o, "creditDate", day);
    pay = cJSON_AddObjectToObject(o, "payment");
    if (p->payment_day != AM_NO_DAY) {
        am_billing_format_day(p->payment_day, confirmed);
        cJSON_AddStringToObject(pay, "confirmedDate", confirmed);
    } else {
        cJSON_AddStringToObject(pay, "confirmedDate", day);
    }
    cJSON_AddStringToObject(pay, "invoiceNumber", p->invoice_number);
    am_json_add_string_or_null(pay, "externalReference", p->external_reference);
    cJSON_AddStringToObject(o, "_payment", p->id);
    if (!pay || !cJSON_GetObjectItemCaseSensitive(o, "_payment")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Pays the parts of payment p (credited, not split yet) of config cfg. */
static int settle_payment(struct am_account *payer, struct am_ids *ids, int64_t now,
                          const cJSON *cfg, const struct am_payment *p, unsigned count)
{
    const cJSON *part;
    int64_t today = am_billing_day_of(now);
    char day[11], desc[160];
    unsigned number = p->installment_number ? p->installment_number : 1;
    cJSON *mark;
    int r;

    am_billing_format_day(today, day);
    cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(cfg, "split"))
    {
        const char *w = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "walletId"));
        struct am_account *to = am_registry_find_wallet(payer->registry, w);
        int64_t cents = part_cents(part, p->net_value_cents, number, count ? count : 1);
        cJSON *o, *copy;
        char sid[37];

        if (!to || cents <= 0)
            continue; /* the receiver vanished (never: accounts are not removed) */
        am_ids_uuid(ids, sid);
        snprintf(desc, sizeof(desc), "Split de cobrança - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append_ref(payer->billing, AM_LEDGER_DEBIT, -cents, today, now, desc,
                                         p->id, "splitId", sid);
        if (r == 0)
            r = am_billing_ledger_append_ref(to->billing, AM_LEDGER_CREDIT, cents, today, now,
                                             desc, NULL, "splitId", sid);
        if (r < 0)
            return r;
        o = split_object(sid, part, cents, payer, to, p, day);
        copy = o ? cJSON_Duplicate(o, true) : NULL;
        if (!copy) {
            cJSON_Delete(o);
            return -ENOMEM;
        }
        r = am_records_add(payer->records, AM_SPLITS_PAID, o);
        if (r == 0)
            r = am_records_add(to->records, AM_SPLITS_RECEIVED, copy);
        else
            cJSON_Delete(copy);
        if (r < 0)
            return r;
    }
    mark = cJSON_CreateObject();
    if (!mark || !cJSON_AddStringToObject(mark, "id", p->id)) {
        cJSON_Delete(mark);
        return -ENOMEM;
    }
    return am_records_add(payer->records, AM_SPLITS_SETTLED, mark);
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
            if (list[j]->credited && !list[j]->deleted &&
                !am_records_find(payer->records, AM_SPLITS_SETTLED, list[j]->id))
                r = settle_payment(payer, ids, now, cfg, list[j], count);
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

/* anticipations.c - receivable anticipations (see anticipations.h). */
#include "anticipations.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "ids.h"
#include "mo_record.h"
#include "records.h"

/* The payment is in a PENDING or CREDITED anticipation already. */
static bool in_open_anticipation(struct am_records *rec, const char *pay_id)
{
    size_t n = am_records_count(rec, AM_ANTICIPATIONS);

    for (size_t i = 0; i < n; i++) {
        const cJSON *o = am_records_at(rec, AM_ANTICIPATIONS, i);
        const cJSON *id;

        if (!am_mo_status_is(o, "PENDING") && !am_mo_status_is(o, "CREDITED"))
            continue;
        cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(o, "_payments"))
            if (cJSON_IsString(id) && strcmp(id->valuestring, pay_id) == 0)
                return true;
    }
    return false;
}

/* The day the payment's money would arrive, or AM_NO_DAY when it is not anticipable. */
static int64_t anticipable_until(const struct am_payment *p, int64_t today)
{
    int64_t due = AM_NO_DAY;

    if (p->deleted || p->anticipated)
        return AM_NO_DAY;
    if (p->billing_type == AM_BILLING_CREDIT_CARD && p->status == AM_PAY_CONFIRMED)
        due = p->credit_day != AM_NO_DAY ? p->credit_day : p->estimated_credit_day;
    else if ((p->billing_type == AM_BILLING_BOLETO || p->billing_type == AM_BILLING_UNDEFINED) &&
             p->status == AM_PAY_PENDING)
        due = p->due_day;
    return due != AM_NO_DAY && due > today ? due : AM_NO_DAY;
}

static int64_t fee_of(int64_t cents, int64_t days, bool card)
{
    int64_t bp = card ? AM_ANTICIPATION_CARD_BP_30D : AM_ANTICIPATION_SLIP_BP_30D;

    /* half up, integer only */
    return (cents * bp * days + 150000) / 300000;
}

static int add(struct am_anticipation_calc *c, const struct am_payment *p, int64_t due,
               int64_t today)
{
    bool card = p->billing_type == AM_BILLING_CREDIT_CARD;

    if (c->n == AM_ANTICIPATION_MAX_PAYMENTS || (c->n > 0 && c->card != card))
        return 0;
    c->card = card;
    c->payments[c->n++] = p->id;
    c->total_cents += p->value_cents;
    c->value_cents += p->net_value_cents;
    c->fee_cents += fee_of(p->net_value_cents, due - today, card);
    if (c->due_day == AM_NO_DAY || due > c->due_day)
        c->due_day = due;
    c->days = c->due_day - today;
    return 0;
}

int am_anticipation_calc(struct am_billing *b, struct am_records *rec, const char *payment,
                         const char *installment, int64_t today, struct am_anticipation_calc *c)
{
    struct am_payment **list = NULL;
    size_t n = 0;
    int r = 0;

    memset(c, 0, sizeof(*c));
    c->due_day = AM_NO_DAY;
    if (payment) {
        struct am_payment *p = am_billing_payment_find(b, payment);
        int64_t due;

        if (!p || p->deleted)
            return -ENOENT;
        due = anticipable_until(p, today);
        if (due == AM_NO_DAY || in_open_anticipation(rec, p->id))
            return -EPERM;
        return add(c, p, due, today);
    }
    if (!installment || !am_billing_installment_find(b, installment))
        return -ENOENT;
    r = am_billing_payments_of_installment(b, installment, &list, &n);
    for (size_t i = 0; r == 0 && i < n; i++) {
        int64_t due = anticipable_until(list[i], today);

        if (due != AM_NO_DAY && !in_open_anticipation(rec, list[i]->id))
            r = add(c, list[i], due, today);
    }
    free(list);
    if (r == 0 && c->n == 0)
        r = -EPERM;
    return r;
}

int64_t am_anticipation_used(struct am_records *rec, bool card)
{
    size_t n = am_records_count(rec, AM_ANTICIPATIONS);
    int64_t sum = 0;

    for (size_t i = 0; i < n; i++) {
        const cJSON *o = am_records_at(rec, AM_ANTICIPATIONS, i);

        if ((am_mo_status_is(o, "PENDING") || am_mo_status_is(o, "CREDITED")) &&
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "_card")) == card)
            sum += am_mo_int(o, "_valueCents", 0);
    }
    return sum;
}

int am_anticipation_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                           const char *payment, const char *installment,
                           const struct am_anticipation_calc *c, const char *denial,
                           int64_t today, int64_t now, cJSON **ret)
{
    cJSON *o, *pays;
    char id[37];
    int r;

    if (!b || !rec || !ids || !c || c->n == 0)
        return -EINVAL;
    am_ids_uuid(ids, id);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    r = am_mo_set_str(o, "object", "receivableAnticipation");
    if (r == 0)
        r = am_mo_set_str(o, "id", id);
    if (r == 0)
        r = am_mo_set_str(o, "installment", installment);
    if (r == 0)
        r = am_mo_set_str(o, "payment", payment);
    if (r == 0)
        r = am_mo_set_str(o, "status", denial ? "DENIED" : "PENDING");
    if (r == 0)
        r = am_mo_set_day(o, "anticipationDate", today);
    if (r == 0)
        r = am_mo_set_day(o, "dueDate", c->due_day);
    if (r == 0)
        r = am_mo_set_day(o, "requestDate", today);
    if (r == 0)
        r = am_mo_set_money(o, "fee", c->fee_cents);
    if (r == 0)
        r = am_mo_set_int(o, "anticipationDays", c->days);
    if (r == 0)
        r = am_mo_set_money(o, "netValue", c->value_cents - c->fee_cents);
    if (r == 0)
        r = am_mo_set_money(o, "totalValue", c->total_cents);
    if (r == 0)
        r = am_mo_set_money(o, "value", c->value_cents);
    if (r == 0)
        r = am_mo_set_str(o, "denialObservation", denial);
    pays = r == 0 ? cJSON_AddArrayToObject(o, "_payments") : NULL;
    if (r == 0 && !pays)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < c->n; i++)
        r = cJSON_AddItemToArray(pays, cJSON_CreateString(c->payments[i])) ? 0 : -ENOMEM;
    if (r == 0)
        r = am_mo_set_bool(o, "_card", c->card);
    if (r == 0)
        r = am_mo_set_int(o, "_valueCents", c->value_cents);
    if (r == 0)
        r = am_mo_set_int(o, "_feeCents", c->fee_cents);
    if (r == 0)
        r = am_mo_set_int(o, "_createdDay", today);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    r = am_records_add(rec, AM_ANTICIPATIONS, o);
    if (r < 0)
        return r;
    o = am_records_find(rec, AM_ANTICIPATIONS, id);
    r = am_mo_emit(b, denial ? "RECEIVABLE_ANTICIPATION_DENIED" : "RECEIVABLE_ANTICIPATION_PENDING",
                   now, "anticipation", o);
    if (r == 0 && ret)
        *ret = o;
    return r;
}

int am_anticipation_cancel(struct am_billing *b, cJSON *o, int64_t now)
{
    int r;

    if (!am_mo_status_is(o, "PENDING"))
        return -EPERM;
    r = am_mo_set_str(o, "status", "CANCELLED");
    return r ? r : am_mo_emit(b, "RECEIVABLE_ANTICIPATION_CANCELLED", now, "anticipation", o);
}

struct day {
    struct am_billing *b;
    int64_t day, now;
};

static int line(struct day *j, const cJSON *o, enum am_ledger_type type, int64_t cents,
                const char *desc)
{
    if (cents == 0)
        return 0;
    return am_billing_ledger_append_ref(j->b, type, cents, j->day, j->now, desc,
                                        am_mo_str(o, "payment"), "anticipationId",
                                        am_mo_str(o, "id"));
}

static int credit(struct day *j, cJSON *o)
{
    const cJSON *id;
    int r;

    /* every payment must still be anticipable, else the analysis denies it */
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(o, "_payments")) {
        struct am_payment *p = am_billing_payment_find(j->b, id->valuestring);

        if (!p || anticipable_until(p, j->day - 1) == AM_NO_DAY) {
            r = am_mo_set_str(o, "status", "DENIED");
            if (r == 0)
                r = am_mo_set_str(o, "denialObservation", AM_TXT_ANTICIPATION_DENIED_PAID);
            return r ? r : am_mo_emit(j->b, "RECEIVABLE_ANTICIPATION_DENIED", j->now,
                                      "anticipation", o);
        }
    }
    r = am_mo_set_str(o, "status", "CREDITED");
    if (r == 0)
        r = line(j, o, AM_LEDGER_RECEIVABLE_ANTICIPATION_GROSS_CREDIT,
                 am_mo_int(o, "_valueCents", 0), AM_TXT_ANTICIPATION_LEDGER);
    if (r == 0)
        r = line(j, o, AM_LEDGER_RECEIVABLE_ANTICIPATION_FEE, -am_mo_int(o, "_feeCents", 0),
                 AM_TXT_ANTICIPATION_LEDGER_FEE);
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(o, "_payments")) {
        struct am_payment *p = am_billing_payment_find(j->b, id->valuestring);

        if (r == 0 && p) {
            p->anticipated = true;
            if (!am_billing_events_append_payment(j->b, "PAYMENT_ANTICIPATED", p, j->now))
                r = -ENOMEM;
        }
    }
    return r ? r : am_mo_emit(j->b, "RECEIVABLE_ANTICIPATION_CREDITED", j->now, "anticipation", o);
}

/* CREDITED: 0 while waiting, 1 when debited (received) or overdue. */
static int settle(struct day *j, cJSON *o)
{
    const cJSON *id;
    bool all_received = true, broken = false;
    int r;

    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(o, "_payments")) {
        const struct am_payment *p = am_billing_payment_find(j->b, id->valuestring);

        if (!p || p->deleted || p->status == AM_PAY_OVERDUE || p->status == AM_PAY_REFUNDED)
            broken = true;
        else if (!p->credited)
            all_received = false;
    }
    if (!broken && !all_received)
        return 0;
    r = am_mo_set_str(o, "status", broken ? "OVERDUE" : "DEBITED");
    if (r == 0)
        r = line(j, o, AM_LEDGER_RECEIVABLE_ANTICIPATION_DEBIT, -am_mo_int(o, "_valueCents", 0),
                 AM_TXT_ANTICIPATION_LEDGER_DEBIT);
    if (r == 0)
        r = am_mo_emit(j->b, broken ? "RECEIVABLE_ANTICIPATION_OVERDUE"
                                    : "RECEIVABLE_ANTICIPATION_DEBITED",
                       j->now, "anticipation", o);
    return r < 0 ? r : 1;
}

static int step(cJSON *o, void *ud)
{
    struct day *j = ud;
    int r;

    if (am_mo_status_is(o, "PENDING")) {
        if (j->day <= am_mo_int(o, "_createdDay", 0))
            return 0;
        r = credit(j, o);
        if (r < 0)
            return r;
        if (!am_mo_status_is(o, "CREDITED"))
            return 1;
    }
    if (am_mo_status_is(o, "CREDITED"))
        return settle(j, o);
    return 1;
}

#define CONFIG_DOC "anticipationConfig"
#define CURSOR_DOC "anticipationCursor"

bool am_anticipation_automatic(struct am_records *rec)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(am_records_doc(rec, CONFIG_DOC),
                                                         "creditCardAutomaticEnabled"));
}

/* The event seq the automatic anticipation has read up to. */
static int set_cursor(struct am_records *rec, uint64_t seq)
{
    cJSON *c = cJSON_CreateObject();

    if (!c || am_mo_set_int(c, "seq", (int64_t)seq) < 0) {
        cJSON_Delete(c);
        return -ENOMEM;
    }
    return am_records_set_doc(rec, CURSOR_DOC, c);
}

int am_anticipation_configure(struct am_billing *b, struct am_records *rec, bool automatic)
{
    bool was = am_anticipation_automatic(rec);
    cJSON *doc = cJSON_CreateObject();
    int r;

    if (!doc || am_mo_set_bool(doc, "creditCardAutomaticEnabled", automatic) < 0) {
        cJSON_Delete(doc);
        return -ENOMEM;
    }
    r = am_records_set_doc(rec, CONFIG_DOC, doc);
    if (r == 0 && automatic && !was)
        r = set_cursor(rec, am_billing_events_last_seq(b));
    return r;
}

/* Automatic anticipation: the card charges confirmed since the cursor. */
static int automatic(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                     int64_t day, int64_t now)
{
    uint64_t last = am_billing_events_last_seq(b);
    uint64_t seq = (uint64_t)am_mo_int(am_records_doc(rec, CURSOR_DOC), "seq", (int64_t)last);
    int r = 0;

    if (!am_anticipation_automatic(rec) || seq >= last)
        return 0;
    for (uint64_t s = seq + 1; r == 0 && s <= last; s++) {
        const struct am_event *ev = am_billing_event_by_seq(b, s);
        const struct am_payment *p = ev && strcmp(ev->name, "PAYMENT_CONFIRMED") == 0
                                         ? am_billing_payment_find(b, ev->resource_id)
                                         : NULL;
        struct am_anticipation_calc c;

        if (!p || p->billing_type != AM_BILLING_CREDIT_CARD ||
            am_anticipation_calc(b, rec, p->id, NULL, day, &c) != 0 ||
            am_anticipation_used(rec, true) + c.value_cents > AM_ANTICIPATION_LIMIT_CARD_CENTS)
            continue;
        r = am_anticipation_create(b, rec, ids, p->id, NULL, &c, NULL, day, now, NULL);
    }
    /* the anticipations' own events are past the cursor too */
    return r ? r : set_cursor(rec, am_billing_events_last_seq(b));
}

int am_anticipations_job(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                         int64_t day, int64_t now)
{
    struct day j = {b, day, now};
    int r = automatic(b, rec, ids, day, now);

    return r ? r : am_mo_walk(rec, AM_ANTICIPATIONS, step, &j);
}

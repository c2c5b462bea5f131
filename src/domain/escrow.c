/* escrow.c - the escrow account (see escrow.h). */
#include "escrow.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "ids.h"
#include "mo_record.h"
#include "records.h"
#include "registry.h"

#define CURSOR_DOC "escrowCursor"

static int set_cursor(struct am_records *rec, uint64_t seq)
{
    cJSON *c = cJSON_CreateObject();

    if (!c || am_mo_set_int(c, "seq", (int64_t)seq) < 0) {
        cJSON_Delete(c);
        return -ENOMEM;
    }
    return am_records_set_doc(rec, CURSOR_DOC, c);
}

int am_escrow_configure(struct am_account *a, const cJSON *cfg)
{
    cJSON *copy = cJSON_Duplicate(cfg, true);
    int r;

    if (!copy)
        return -ENOMEM;
    r = am_records_set_doc(a->records, "escrowConfig", copy);
    if (r == 0 && !am_records_doc(a->records, CURSOR_DOC))
        r = set_cursor(a->records, am_billing_events_last_seq(a->billing));
    return r;
}

cJSON *am_escrow_of_payment(struct am_records *rec, const char *payment_id)
{
    size_t n = am_records_count(rec, AM_ESCROWS);

    for (size_t i = 0; payment_id && i < n; i++) {
        cJSON *e = am_records_at(rec, AM_ESCROWS, n - 1 - i);
        const char *p = am_mo_str(e, "_payment");

        if (p && strcmp(p, payment_id) == 0)
            return e;
    }
    return NULL;
}

static int hold(struct am_account *a, struct am_ids *ids, const cJSON *cfg,
                const struct am_payment *p, int64_t today, int64_t now)
{
    cJSON *e = cJSON_CreateObject();
    char id[37];
    int r;

    if (!e)
        return -ENOMEM;
    am_ids_uuid(ids, id);
    r = am_mo_set_str(e, "id", id);
    if (r == 0)
        r = am_mo_set_str(e, "status", "ACTIVE");
    if (r == 0)
        r = am_mo_set_day(e, "expirationDate", today + am_mo_int(cfg, "daysToExpire", 30));
    if (r == 0)
        r = am_mo_set_day(e, "finishDate", AM_NO_DAY);
    if (r == 0)
        r = am_mo_set_str(e, "finishReason", NULL);
    if (r == 0)
        r = am_mo_set_str(e, "_payment", p->id);
    if (r == 0)
        r = am_mo_set_int(e, "_cents", p->net_value_cents);
    if (r < 0) {
        cJSON_Delete(e);
        return r;
    }
    r = am_records_add(a->records, AM_ESCROWS, e);
    if (r < 0)
        return r;
    e = am_records_find(a->records, AM_ESCROWS, id);
    r = am_billing_ledger_append_ref(a->billing, AM_LEDGER_PAYMENT_CUSTODY_BLOCK,
                                     -p->net_value_cents, today, now, AM_TXT_ESCROW_LEDGER,
                                     p->id, NULL, NULL);
    return r ? r : am_mo_emit(a->billing, "BALANCE_VALUE_BLOCKED", now, "escrow", e);
}

int am_escrow_sync(struct am_account *a, struct am_ids *ids, int64_t today, int64_t now)
{
    const cJSON *cfg = am_records_doc(a->records, "escrowConfig");
    cJSON *cur = am_records_doc(a->records, CURSOR_DOC);
    uint64_t last = am_billing_events_last_seq(a->billing), seq;
    int r = 0;

    if (!cur)
        return 0;
    seq = (uint64_t)am_mo_int(cur, "seq", 0);
    if (seq >= last)
        return 0;
    for (uint64_t s = seq + 1; r == 0 && s <= last; s++) {
        const struct am_event *ev = am_billing_event_by_seq(a->billing, s);
        struct am_payment *p;

        if (!ev || strcmp(ev->name, "PAYMENT_RECEIVED") != 0 ||
            !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "enabled")))
            continue;
        p = am_billing_payment_find(a->billing, ev->resource_id);
        if (p && p->credited && !am_escrow_of_payment(a->records, p->id))
            r = hold(a, ids, cfg, p, today, now);
    }
    /* the holds' own events are past the cursor too */
    return r ? r : am_mo_set_int(cur, "seq", (int64_t)am_billing_events_last_seq(a->billing));
}

int am_escrow_finish(struct am_account *a, cJSON *e, const char *reason, int64_t today,
                     int64_t now)
{
    int r;

    if (!am_mo_status_is(e, "ACTIVE"))
        return -EPERM;
    r = am_mo_set_str(e, "status", "DONE");
    if (r == 0)
        r = am_mo_set_day(e, "finishDate", today);
    if (r == 0)
        r = am_mo_set_str(e, "finishReason", reason);
    if (r == 0)
        r = am_billing_ledger_append_ref(a->billing, AM_LEDGER_PAYMENT_CUSTODY_BLOCK_REVERSAL,
                                         am_mo_int(e, "_cents", 0), today, now,
                                         AM_TXT_ESCROW_LEDGER_BACK, am_mo_str(e, "_payment"),
                                         NULL, NULL);
    return r ? r : am_mo_emit(a->billing, "BALANCE_VALUE_UNBLOCKED", now, "escrow", e);
}

struct day {
    struct am_account *a;
    int64_t day, now;
};

static int step(cJSON *e, void *ud)
{
    struct day *j = ud;
    const char *exp = am_mo_str(e, "expirationDate");
    int64_t d;

    if (!am_mo_status_is(e, "ACTIVE"))
        return 1;
    if (!exp || am_cal_parse_day(exp, &d) < 0 || d > j->day)
        return 0;
    return am_escrow_finish(j->a, e, "EXPIRED", j->day, j->now) < 0 ? -ENOMEM : 1;
}

int am_escrow_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    struct day j = {a, day, now};
    int r = am_escrow_sync(a, ids, day, now);

    return r ? r : am_mo_walk(a->records, AM_ESCROWS, step, &j);
}

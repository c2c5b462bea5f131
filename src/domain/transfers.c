/* transfers.c - transfers out of an account (see transfers.h). */
#include "transfers.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "ids.h"
#include "money.h"
#include "mo_record.h"
#include "records.h"

const char *am_transfer_op_name(enum am_transfer_op op)
{
    switch (op) {
    case AM_TRANSFER_PIX:
        return "PIX";
    case AM_TRANSFER_TED:
        return "TED";
    case AM_TRANSFER_INTERNAL:
        break;
    }
    return "INTERNAL";
}

int64_t am_transfer_fee(enum am_transfer_op op, int64_t value_cents)
{
    (void)value_cents;
    if (op == AM_TRANSFER_TED)
        return AM_TRANSFER_FEE_TED_CENTS;
    if (op == AM_TRANSFER_PIX)
        return AM_TRANSFER_FEE_PIX_CENTS;
    return 0;
}

static int debit(struct am_billing *b, enum am_ledger_type type, int64_t cents, int64_t today,
                 int64_t now, const char *what, const char *id)
{
    char desc[160];

    if (cents == 0)
        return 0;
    snprintf(desc, sizeof(desc), "%s", what);
    return am_billing_ledger_append_ref(b, type, cents, today, now, desc, NULL, "transferId", id);
}

/* The object in Asaas's field order (TransferGetResponseDTO). */
static cJSON *render(const char *id, struct am_transfer_spec *s, int64_t fee, int64_t today,
                     int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    const char *op = am_transfer_op_name(s->op);
    bool internal = s->op == AM_TRANSFER_INTERNAL;
    int r;

    if (!o)
        return NULL;
    /* private members first: the duplicate check reads them on the newest transfers */
    r = am_mo_set_int(o, "_createdAt", now);
    if (r == 0)
        r = am_mo_set_int(o, "_valueCents", s->value_cents);
    if (r == 0)
        r = am_mo_set_int(o, "_feeCents", fee);
    if (r == 0)
        r = am_mo_set_int(o, "_createdDay", today);
    if (r == 0)
        r = am_mo_set_int(o, "_processDay",
                           s->schedule_day == AM_NO_DAY ? today : s->schedule_day);
    if (r == 0)
        r = am_mo_set_str(o, "_dest", s->dest ? s->dest : "");
    if (r == 0)
        r = am_mo_set_bool(o, "_fails", s->fails);
    if (r == 0)
        r = am_mo_set_str(o, "object", "transfer");
    if (r == 0)
        r = am_mo_set_str(o, "id", id);
    if (r == 0)
        r = am_mo_set_str(o, "type", op);
    if (r == 0)
        r = am_mo_set_day(o, "dateCreated", today);
    if (r == 0)
        r = am_mo_set_money(o, "value", s->value_cents);
    if (r == 0)
        r = am_mo_set_money(o, "netValue", s->value_cents);
    if (r == 0)
        r = am_mo_set_str(o, "status", internal ? "DONE" : "PENDING");
    if (r == 0)
        r = am_mo_set_money(o, "transferFee", fee);
    if (r == 0)
        r = am_mo_set_day(o, "effectiveDate", internal ? today : AM_NO_DAY);
    if (r == 0)
        r = am_mo_set_day(o, "scheduleDate", s->schedule_day == AM_NO_DAY ? today : s->schedule_day);
    if (r == 0)
        r = am_mo_set_str(o, "endToEndIdentifier", NULL);
    if (r == 0)
        r = am_mo_set_bool(o, "authorized", true);
    if (r == 0)
        r = am_mo_set_str(o, "failReason", NULL);
    if (r == 0)
        r = am_mo_set_str(o, "externalReference", s->external_reference);
    if (r == 0)
        r = am_mo_set_str(o, "transactionReceiptUrl", NULL);
    if (r == 0)
        r = am_mo_set_str(o, "operationType", op);
    if (r == 0)
        r = am_mo_set_str(o, "description", s->description);
    if (r == 0)
        r = am_mo_set_str(o, "recurring", s->recurring);
    if (internal) {
        if (r == 0)
            r = am_mo_set_str(o, "walletId", s->wallet_id);
        if (r == 0) {
            r = cJSON_AddItemToObject(o, "account", s->account) ? 0 : -ENOMEM;
            if (r == 0)
                s->account = NULL;
        }
    } else if (r == 0) {
        r = cJSON_AddItemToObject(o, "bankAccount", s->bank_account) ? 0 : -ENOMEM;
        if (r == 0)
            s->bank_account = NULL;
    }
    if (r < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_transfer_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                       struct am_transfer_spec *spec, int64_t today, int64_t now, cJSON **ret)
{
    char id[37];
    int64_t fee;
    cJSON *o;
    int r;

    if (!b || !rec || !ids || !spec || spec->value_cents <= 0) {
        r = -EINVAL;
        goto out;
    }
    fee = am_transfer_fee(spec->op, spec->value_cents);
    am_ids_uuid(ids, id);
    o = render(id, spec, fee, today, now);
    if (!o) {
        r = -ENOMEM;
        goto out;
    }
    r = am_records_add(rec, AM_TRANSFERS, o);
    if (r < 0)
        goto out;
    o = am_records_find(rec, AM_TRANSFERS, id);
    if (spec->op == AM_TRANSFER_INTERNAL) {
        r = debit(b, AM_LEDGER_INTERNAL_TRANSFER_DEBIT, -spec->value_cents, today, now,
                  AM_TXT_TRANSFER_LEDGER_INTERNAL, id);
        if (r == 0)
            r = am_mo_emit(b, "TRANSFER_CREATED", now, "transfer", o);
        if (r == 0)
            r = am_mo_emit(b, "TRANSFER_DONE", now, "transfer", o);
        if (r == 0)
            r = am_mo_emit(b, "INTERNAL_TRANSFER_DEBIT", now, "transfer", o);
    } else {
        r = debit(b, AM_LEDGER_TRANSFER, -spec->value_cents, today, now,
                  AM_TXT_TRANSFER_LEDGER, id);
        if (r == 0)
            r = debit(b, AM_LEDGER_TRANSFER_FEE, -fee, today, now,
                       AM_TXT_TRANSFER_LEDGER_FEE, id);
        if (r == 0)
            r = am_mo_emit(b, "TRANSFER_CREATED", now, "transfer", o);
    }
    if (r == 0 && ret)
        *ret = o;
out:
    if (spec) {
        cJSON_Delete(spec->bank_account);
        cJSON_Delete(spec->account);
        spec->bank_account = spec->account = NULL;
    }
    return r;
}

int am_transfer_credit_internal(struct am_billing *recv, const cJSON *t, int64_t today,
                                int64_t now)
{
    int r = am_billing_ledger_append_ref(recv, AM_LEDGER_INTERNAL_TRANSFER_CREDIT,
                                         am_mo_int(t, "_valueCents", 0), today, now,
                                         AM_TXT_TRANSFER_LEDGER_INTERNAL_IN, NULL, "transferId",
                                         am_mo_str(t, "id"));

    return r ? r : am_mo_emit(recv, "INTERNAL_TRANSFER_CREDIT", now, "transfer", t);
}

/* The money of t back on the balance (cancelled or failed). */
static int give_back(struct am_billing *b, const cJSON *t, int64_t today, int64_t now)
{
    const char *id = am_mo_str(t, "id");
    int r = debit(b, AM_LEDGER_TRANSFER_REVERSAL, am_mo_int(t, "_valueCents", 0), today, now,
                  AM_TXT_TRANSFER_LEDGER_REVERSAL, id);

    return r ? r : debit(b, AM_LEDGER_TRANSFER_REVERSAL, am_mo_int(t, "_feeCents", 0), today, now,
                      AM_TXT_TRANSFER_LEDGER_FEE_REVERSAL, id);
}

int am_transfer_cancel(struct am_billing *b, cJSON *t, int64_t today, int64_t now)
{
    int r;

    if (!am_mo_status_is(t, "PENDING"))
        return -EPERM;
    r = am_mo_set_str(t, "status", "CANCELLED");
    if (r == 0)
        r = give_back(b, t, today, now);
    return r ? r : am_mo_emit(b, "TRANSFER_CANCELLED", now, "transfer", t);
}

cJSON *am_transfer_duplicate(struct am_records *rec, const char *dest, int64_t value_cents,
                             int64_t now)
{
    size_t n = am_records_count(rec, AM_TRANSFERS);

    for (size_t k = 0; k < n && k < AM_TRANSFER_DUPLICATE_SCAN; k++) {
        cJSON *t = am_records_at(rec, AM_TRANSFERS, n - 1 - k);
        const char *d = am_mo_str(t, "_dest");

        if (am_mo_int(t, "_createdAt", 0) <= now - AM_TRANSFER_DUPLICATE_SECONDS)
            break;
        if (am_mo_int(t, "_valueCents", -1) != value_cents || !d || !dest || strcmp(d, dest) != 0)
            continue;
        if (!am_mo_status_is(t, "CANCELLED") && !am_mo_status_is(t, "FAILED"))
            return t;
    }
    return NULL;
}

struct job {
    struct am_billing *b;
    struct am_ids *ids;
    int64_t day, now;
};

static int finish(struct job *j, cJSON *t)
{
    const char *id = am_mo_str(t, "id");
    char e2e[40], rnd[12], receipt[17], url[80], stamp[11];
    unsigned y, m, d;
    int64_t yy;
    int r;

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "_fails"))) {
        r = am_mo_set_str(t, "status", "FAILED");
        if (r == 0)
            r = am_mo_set_str(t, "failReason", AM_TXT_TRANSFER_FAIL_REASON);
        if (r == 0)
            r = give_back(j->b, t, j->day, j->now);
        return r ? r : am_mo_emit(j->b, "TRANSFER_FAILED", j->now, "transfer", t);
    }
    r = am_mo_set_str(t, "status", "DONE");
    if (r == 0)
        r = am_mo_set_day(t, "effectiveDate", j->day);
    if (r == 0 && am_mo_str(t, "operationType") &&
        strcmp(am_mo_str(t, "operationType"), "PIX") == 0) {
        /* E + Asaas's ISPB + yyyyMMddHHmm + 11 characters, as Pix end-to-end ids are. */
        am_cal_civil_from_days(j->day, &yy, &m, &d);
        y = (unsigned)(yy % 10000);
        am_ids_alnum(j->ids, "", 11, rnd);
        snprintf(stamp, sizeof(stamp), "%04u%02u%02u", y, m, d);
        snprintf(e2e, sizeof(e2e), "E%s%s0000%s", AM_ASAAS_ISPB, stamp, rnd);
        r = am_mo_set_str(t, "endToEndIdentifier", e2e);
    }
    am_billing_receipt_id(id ? id : "", receipt);
    snprintf(url, sizeof(url), "https://sandbox.asaas.com/comprovantes/%s", receipt);
    if (r == 0)
        r = am_mo_set_str(t, "transactionReceiptUrl", url);
    return r ? r : am_mo_emit(j->b, "TRANSFER_DONE", j->now, "transfer", t);
}

static int step(cJSON *t, void *ud)
{
    struct job *j = ud;
    int r;

    if (am_mo_status_is(t, "PENDING")) {
        if (j->day < am_mo_int(t, "_processDay", 0) || j->day <= am_mo_int(t, "_createdDay", 0))
            return 0;
        r = am_mo_set_str(t, "status", "BANK_PROCESSING");
        if (r == 0)
            r = am_mo_set_int(t, "_bankDay", j->day);
        if (r == 0)
            r = am_mo_emit(j->b, "TRANSFER_IN_BANK_PROCESSING", j->now, "transfer", t);
        return r < 0 ? r : 0;
    }
    if (am_mo_status_is(t, "BANK_PROCESSING")) {
        if (j->day <= am_mo_int(t, "_bankDay", 0))
            return 0;
        r = finish(j, t);
        return r < 0 ? r : 1;
    }
    return 1; /* DONE, FAILED, CANCELLED */
}

int am_transfers_job(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                     int64_t day, int64_t now)
{
    struct job j = {b, ids, day, now};

    return am_mo_walk(rec, AM_TRANSFERS, step, &j);
}

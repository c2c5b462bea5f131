/* pix_auto.c - recurring Pix and automatic Pix (see pix_auto.h). */
#include "pix_auto.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "brcode.h"
#include "calendar.h"
#include "ids.h"
#include "pix_json.h"
#include "qrpng.h"
#include "records.h"
#include "registry.h"

#define QR_SCALE 4

/* ---- recurring Pix ------------------------------------------------------------------ */

static cJSON *external_account(const char *name, const char *key)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !am_pix_set_str(o, "name", name) ||
        !am_pix_set_str(o, "financialInstitutionName", AM_PIX_ASAAS_ISPB_NAME) ||
        !am_pix_set_str(o, "cpfCnpj", NULL) || !am_pix_set_str(o, "pixKey", key)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int64_t step_day(int64_t start, bool monthly, unsigned i)
{
    return monthly ? am_cal_add_months(start, (int)i) : start + 7 * (int64_t)i;
}

int am_pix_recurring_create(struct am_records *r, struct am_ids *ids,
                            const struct am_pix_recurring_spec *s, int64_t now,
                            struct cJSON **ret)
{
    char id[37];
    cJSON *rec, *ext;

    if (!r || !ids || !s || s->value_cents <= 0 || s->quantity < 1 ||
        s->quantity > AM_PIX_RECURRING_MAX)
        return -EINVAL;
    am_ids_uuid(ids, id);
    rec = cJSON_CreateObject();
    ext = external_account(s->name, s->pix_key);
    if (!ext) {
        cJSON_Delete(rec);
        return -ENOMEM;
    }
    if (!rec || !am_pix_set_str(rec, "id", id) ||
        !am_pix_set_str(rec, "status", "SCHEDULED") || !am_pix_set_str(rec, "origin", "PIX") ||
        !am_pix_set_money(rec, "value", s->value_cents) ||
        !am_pix_set_str(rec, "frequency", s->monthly ? "MONTHLY" : "WEEKLY") ||
        !am_pix_set_num(rec, "quantity", s->quantity) ||
        !am_pix_set_day(rec, "startDate", s->start_day) ||
        !am_pix_set_day(rec, "finishDate", step_day(s->start_day, s->monthly, s->quantity - 1)) ||
        !am_pix_set_bool(rec, "canBeCancelled", true) ||
        !cJSON_AddItemToObject(rec, "externalAccount", ext)) {
        cJSON_Delete(rec);
        cJSON_Delete(ext);
        return -ENOMEM;
    }
    /* rec owns ext from here on. */
    if (!am_pix_set_num(rec, "_createdAt", (double)now)) {
        cJSON_Delete(rec);
        return -ENOMEM;
    }
    if (am_records_add(r, AM_PIX_RECURRINGS, rec) < 0)
        return -ENOMEM;
    for (unsigned i = 0; i < s->quantity; i++) {
        char item_id[37];
        cJSON *it = cJSON_CreateObject(), *e = external_account(s->name, s->pix_key);
        int64_t day = step_day(s->start_day, s->monthly, i);

        am_ids_uuid(ids, item_id);
        if (!it || !e) {
            cJSON_Delete(it);
            cJSON_Delete(e);
            return -ENOMEM;
        }
        if (!am_pix_set_str(it, "id", item_id) ||
            !am_pix_set_str(it, "status", "PENDING") || !am_pix_set_day(it, "scheduledDate", day) ||
            !am_pix_set_bool(it, "canBeCancelled", true) ||
            !am_pix_set_num(it, "recurrenceNumber", i + 1) ||
            !am_pix_set_num(it, "quantity", s->quantity) ||
            !am_pix_set_money(it, "value", s->value_cents) ||
            !am_pix_set_str(it, "refusalReasonDescription", NULL) ||
            !cJSON_AddItemToObject(it, "externalAccount", e)) {
            cJSON_Delete(it);
            cJSON_Delete(e);
            return -ENOMEM;
        }
        if (!am_pix_set_str(it, "_recurrence", id) || !am_pix_set_num(it, "_day", (double)day)) {
            cJSON_Delete(it);
            return -ENOMEM;
        }
        if (am_records_add(r, AM_PIX_RECURRING_ITEMS, it) < 0)
            return -ENOMEM;
    }
    if (ret)
        *ret = am_records_find(r, AM_PIX_RECURRINGS, id);
    return 0;
}

const char *am_pix_recurring_of(const struct cJSON *item)
{
    return am_pix_str(item, "_recurrence");
}

/* After an item changed: the recurrence is DONE (or CANCELLED when nothing was paid)
 * once none is PENDING. */
static bool settle_recurrence(struct am_records *r, const char *rec_id)
{
    cJSON *rec = am_records_find(r, AM_PIX_RECURRINGS, rec_id);
    size_t n = am_records_count(r, AM_PIX_RECURRING_ITEMS);
    bool pending = false, paid = false;

    if (!rec)
        return true;
    for (size_t i = 0; i < n; i++) {
        cJSON *it = am_records_at(r, AM_PIX_RECURRING_ITEMS, i);

        if (!am_pix_is(it, "_recurrence", rec_id))
            continue;
        pending = pending || am_pix_is(it, "status", "PENDING");
        paid = paid || am_pix_is(it, "status", "DONE");
    }
    if (pending || am_pix_is(rec, "status", "CANCELLED"))
        return true;
    return am_pix_set_str(rec, "status", paid ? "DONE" : "CANCELLED") &&
           am_pix_set_bool(rec, "canBeCancelled", false);
}

static bool cancel_item(cJSON *it)
{
    return am_pix_set_str(it, "status", "CANCELLED") && am_pix_set_bool(it, "canBeCancelled", false);
}

int am_pix_recurring_cancel(struct am_records *r, struct cJSON *rec)
{
    const char *id = am_pix_str(rec, "id");
    size_t n = am_records_count(r, AM_PIX_RECURRING_ITEMS);

    if (!am_pix_is(rec, "status", "SCHEDULED") && !am_pix_is(rec, "status", "PENDING"))
        return -EPERM;
    for (size_t i = 0; i < n; i++) {
        cJSON *it = am_records_at(r, AM_PIX_RECURRING_ITEMS, i);

        if (am_pix_is(it, "_recurrence", id) && am_pix_is(it, "status", "PENDING") &&
            !cancel_item(it))
            return -ENOMEM;
    }
    if (!am_pix_set_str(rec, "status", "CANCELLED") || !am_pix_set_bool(rec, "canBeCancelled", false))
        return -ENOMEM;
    return 0;
}

int am_pix_recurring_item_cancel(struct am_records *r, struct cJSON *item)
{
    if (!am_pix_is(item, "status", "PENDING"))
        return -EPERM;
    if (!cancel_item(item) || !settle_recurrence(r, am_pix_recurring_of(item)))
        return -ENOMEM;
    return 0;
}

static int run_items(struct am_account *a, int64_t day, int64_t now)
{
    size_t n = am_records_count(a->records, AM_PIX_RECURRING_ITEMS);

    for (size_t i = 0; i < n; i++) {
        cJSON *it = am_records_at(a->records, AM_PIX_RECURRING_ITEMS, i);
        int64_t value = am_pix_money(it, "value");
        const char *id = am_pix_str(it, "id");
        bool ok;

        if (!am_pix_is(it, "status", "PENDING") || am_pix_num(it, "_day", AM_NO_DAY) > day)
            continue;
        if (am_billing_balance(a->billing) < value) {
            ok = am_pix_set_str(it, "status", "REFUSED") &&
                 am_pix_set_str(it, "refusalReasonDescription", AM_TXT_PIX_REFUSED_BALANCE);
        } else {
            if (am_billing_ledger_append_ref(a->billing, AM_LEDGER_PIX_TRANSACTION_DEBIT, -value,
                                             day, now, "Transação Pix recorrente", NULL,
                                             "pixTransactionId", id) < 0)
                return -ENOMEM;
            ok = am_pix_set_str(it, "status", "DONE");
        }
        if (!ok || !am_pix_set_bool(it, "canBeCancelled", false) ||
            !settle_recurrence(a->records, am_pix_recurring_of(it)))
            return -ENOMEM;
    }
    return 0;
}

/* ---- automatic Pix ------------------------------------------------------------------ */

/* Emits name with the authorization or instruction's public snapshot. */
static int emit(struct am_account *a, const char *name, const cJSON *o, const char *type,
                int64_t now)
{
    cJSON *pub = am_records_public(o);
    char *text = pub ? cJSON_PrintUnformatted(pub) : NULL;
    uint64_t seq = text ? am_billing_events_append(a->billing, name, now, type,
                                                   am_pix_str(o, "id"), text)
                        : 0;

    free(text);
    cJSON_Delete(pub);
    return seq ? 0 : -ENOMEM;
}

#define EV_AUTH "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_"
#define EV_INSTR "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_"
#define RT_AUTH "authorization" /* resource_type is at most 23 bytes */
#define RT_INSTR "paymentInstruction"

int am_pix_auth_create(struct am_account *a, struct am_ids *ids, const struct am_pix_auth_spec *s,
                       int64_t now, struct cJSON **ret)
{
    char id[37], e2e[30], txid[26], url[80];
    cJSON *o = NULL, *iq = NULL;
    char *payload = NULL, *png = NULL;
    int rc = -ENOMEM;

    if (!a || !a->records || !a->billing || !s || !s->customer_id)
        return -EINVAL;
    am_ids_uuid(ids, id);
    am_ids_alnum(ids, "", 25, txid);
    /* "RR" + Asaas's ISPB + yyyyMMdd + 11 alphanumerics, as the spec's example. */
    {
        char day[11], tail[12];

        am_cal_format_day(am_cal_day_of(now), day);
        am_ids_alnum(ids, "", 11, tail);
        snprintf(e2e, sizeof(e2e), "RR%s%.4s%.2s%.2s%s", AM_PIX_ASAAS_ISPB, day, day + 5,
                 day + 8, tail);
    }
    snprintf(url, sizeof(url), "pix.asaas.mock/qr/rec/%s", id);
    payload = am_brcode_location_payload(url, txid, s->qr_original_cents, AM_PIX_MERCHANT_NAME,
                                         AM_PIX_MERCHANT_CITY);
    png = payload ? am_qrpng_base64(payload, QR_SCALE) : NULL;
    o = cJSON_CreateObject();
    iq = cJSON_CreateObject();
    if (!payload || !png || !o || !iq ||
        !am_pix_set_str(iq, "conciliationIdentifier", txid) ||
        !am_pix_set_datetime(iq, "expirationDate", now + s->qr_expiration_seconds))
        goto out;
    if (!am_pix_set_str(o, "id", id) ||
        !(s->min_limit_cents ? am_pix_set_money(o, "minLimitValue", s->min_limit_cents)
                             : am_pix_set_str(o, "minLimitValue", NULL)) ||
        !am_pix_set_str(o, "cancellationDate", NULL) ||
        !am_pix_set_str(o, "cancellationReason", NULL) ||
        !am_pix_set_str(o, "contractId", s->contract_id) ||
        !am_pix_set_str(o, "customerId", s->customer_id) ||
        !am_pix_set_str(o, "description", s->description) ||
        !am_pix_set_day(o, "finishDate", s->finish_day) ||
        !am_pix_set_str(o, "frequency", s->frequency) ||
        !am_pix_set_str(o, "endToEndIdentifier", e2e) ||
        !am_pix_set_day(o, "startDate", s->start_day) || !am_pix_set_str(o, "status", "CREATED") ||
        !(s->value_cents ? am_pix_set_money(o, "value", s->value_cents)
                         : am_pix_set_str(o, "value", NULL)) ||
        !am_pix_set_str(o, "payload", payload) || !am_pix_set_str(o, "encodedImage", png) ||
        !cJSON_AddItemToObject(o, "immediateQrCode", iq))
        goto out;
    iq = NULL;
    if (!am_pix_set_str(o, "originType", "IMMEDIATE_PAYMENT_AND_RECURRING_QR_CODE") ||
        !am_pix_set_str(o, "subscriptionId", NULL) ||
        !am_pix_set_str(o, "paymentCreationMode", s->payment_creation_mode) ||
        !am_pix_set_str(o, "retryPolicy", s->retry_policy) ||
        !am_pix_set_money(o, "_qrValue", s->qr_original_cents) ||
        !am_pix_set_num(o, "_qrExpiresAt", (double)(now + s->qr_expiration_seconds)))
        goto out;
    rc = am_records_add(a->records, AM_PIX_AUTHORIZATIONS, o);
    o = NULL;
    if (rc < 0)
        goto out;
    o = am_records_find(a->records, AM_PIX_AUTHORIZATIONS, id);
    rc = emit(a, EV_AUTH "CREATED", o, RT_AUTH, now);
    if (rc == 0 && ret)
        *ret = o;
    o = NULL;
out:
    free(payload);
    free(png);
    cJSON_Delete(iq);
    cJSON_Delete(o);
    return rc;
}

struct cJSON *am_pix_auth_find(struct am_records *r, const char *id)
{
    return am_records_find(r, AM_PIX_AUTHORIZATIONS, id);
}

int64_t am_pix_auth_qr_value(const struct cJSON *auth)
{
    return am_pix_money(auth, "_qrValue");
}

const char *am_pix_auth_unpayable(const struct cJSON *auth, int64_t now)
{
    if (!am_pix_is(auth, "status", "CREATED"))
        return AM_TXT_PIX_AUTO_NOT_PAYABLE;
    if (now > am_pix_num(auth, "_qrExpiresAt", 0))
        return AM_TXT_PIX_QR_EXPIRED;
    return NULL;
}

/* The instruction's due day after day for the authorization's frequency. */
static int64_t next_due(const cJSON *auth, int64_t day)
{
    static const struct {
        const char *name;
        int months;
    } f[] = {{"MONTHLY", 1}, {"QUARTERLY", 3}, {"SEMIANNUALLY", 6}, {"ANNUALLY", 12}};

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (am_pix_is(auth, "frequency", f[i].name))
            return am_cal_add_months(day, f[i].months);
    return day + 7;
}

/* The mock convention: the payer's bank refuses the scheduled instructions (not the
 * retries) of a contractId starting with AM_PIX_AUTO_REFUSE_PREFIX. */
static bool refused_by_payer(const cJSON *auth)
{
    const char *contract = am_pix_str(auth, "contractId");

    return contract && strncmp(contract, AM_PIX_AUTO_REFUSE_PREFIX,
                               strlen(AM_PIX_AUTO_REFUSE_PREFIX)) == 0;
}

static int instr_new(struct am_account *a, struct am_ids *ids, const cJSON *auth,
                     int64_t due_day, const char *purpose, int64_t attempt, int64_t now,
                     cJSON **ret)
{
    char id[37];
    cJSON *o = cJSON_CreateObject(), *ref = cJSON_CreateObject();
    int r;

    am_ids_uuid(ids, id);
    if (!o || !ref || !am_pix_set_str(ref, "id", am_pix_str(auth, "id")) ||
        !am_pix_set_str(ref, "endToEndIdentifier", am_pix_str(auth, "endToEndIdentifier")) ||
        !am_pix_set_str(ref, "customerId", am_pix_str(auth, "customerId")) ||
        !am_pix_set_str(o, "id", id) || !am_pix_set_str(o, "endToEndIdentifier", NULL) ||
        !cJSON_AddItemToObject(o, "authorization", ref)) {
        cJSON_Delete(o);
        cJSON_Delete(ref);
        return -ENOMEM;
    }
    /* o owns ref from here on. */
    if (!am_pix_set_day(o, "dueDate", due_day) || !am_pix_set_str(o, "status", "SCHEDULED") ||
        !am_pix_set_str(o, "paymentId", NULL) || !am_pix_set_str(o, "purpose", purpose) ||
        !am_pix_set_str(o, "refusalReason", NULL) || !am_pix_set_num(o, "retryAttempt", (double)attempt) ||
        !am_pix_set_num(o, "_day", (double)due_day) || !am_pix_set_num(o, "_createdAt", (double)now)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    r = am_records_add(a->records, AM_PIX_INSTRUCTIONS, o);
    if (r < 0)
        return r;
    o = am_records_find(a->records, AM_PIX_INSTRUCTIONS, id);
    r = emit(a, EV_INSTR "CREATED", o, RT_INSTR, now);
    if (r == 0 && attempt == 0 && refused_by_payer(auth)) {
        if (!am_pix_set_str(o, "status", "REFUSED") ||
            !am_pix_set_str(o, "refusalReason", AM_TXT_PIX_AUTO_REFUSED))
            return -ENOMEM;
        r = emit(a, EV_INSTR "REFUSED", o, RT_INSTR, now);
    } else if (r == 0) {
        r = emit(a, EV_INSTR "SCHEDULED", o, RT_INSTR, now);
    }
    if (r == 0 && ret)
        *ret = o;
    return r;
}

int am_pix_auth_activate(struct am_account *a, struct am_ids *ids, struct cJSON *auth,
                         int64_t now)
{
    int64_t today = am_cal_day_of(now), start = am_pix_num(auth, "_startDay", AM_NO_DAY);
    int64_t due;
    int r;

    if (!am_pix_is(auth, "status", "CREATED"))
        return -EPERM;
    if (start == AM_NO_DAY) {
        const char *s = am_pix_str(auth, "startDate");

        if (!s || am_cal_parse_day(s, &start) < 0)
            start = today;
    }
    if (!am_pix_set_str(auth, "status", "ACTIVE"))
        return -ENOMEM;
    r = emit(a, EV_AUTH "ACTIVATED", auth, RT_AUTH, now);
    if (r < 0)
        return r;
    /* The first recurring charge is due on startDate (the immediate one was just paid). */
    due = start > today ? start : next_due(auth, today);
    return instr_new(a, ids, auth, due, "SCHEDULE", 0, now, NULL);
}

static int cancel_instr(struct am_account *a, cJSON *in, int64_t now)
{
    if (!am_pix_set_str(in, "status", "CANCELLED"))
        return -ENOMEM;
    return emit(a, EV_INSTR "CANCELLED", in, RT_INSTR, now);
}

static bool instr_of(const cJSON *in, const char *auth_id)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(in, "authorization");

    return am_pix_is(ref, "id", auth_id);
}

int am_pix_auth_cancel(struct am_account *a, struct cJSON *auth, int64_t now)
{
    const char *id = am_pix_str(auth, "id");
    size_t n = am_records_count(a->records, AM_PIX_INSTRUCTIONS);
    int r;

    if (!am_pix_is(auth, "status", "CREATED") && !am_pix_is(auth, "status", "ACTIVE"))
        return -EPERM;
    if (!am_pix_set_str(auth, "status", "CANCELLED") ||
        !am_pix_set_day(auth, "cancellationDate", am_cal_day_of(now)) ||
        !am_pix_set_str(auth, "cancellationReason", AM_PIX_AUTO_CANCEL_REASON))
        return -ENOMEM;
    r = emit(a, EV_AUTH "CANCELLED", auth, RT_AUTH, now);
    for (size_t i = 0; r == 0 && i < n; i++) {
        cJSON *in = am_records_at(a->records, AM_PIX_INSTRUCTIONS, i);

        if (instr_of(in, id) && am_pix_is(in, "status", "SCHEDULED"))
            r = cancel_instr(a, in, now);
    }
    return r;
}

int am_pix_instr_retry(struct am_account *a, struct am_ids *ids, struct cJSON *instr,
                       int64_t due_day, int64_t now, struct cJSON **ret)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(instr, "authorization");
    cJSON *auth = am_pix_auth_find(a->records, am_pix_str(ref, "id")), *made = NULL;
    const char *id = am_pix_str(instr, "id");
    size_t n = am_records_count(a->records, AM_PIX_INSTRUCTIONS);
    int64_t attempt = 1;
    int r;

    if (!auth || !am_pix_is(auth, "retryPolicy", "ALLOW_THREE_IN_SEVEN_DAYS"))
        return -EPERM;
    for (size_t i = 0; i < n; i++)
        if (am_pix_is(am_records_at(a->records, AM_PIX_INSTRUCTIONS, i), "_retryOf", id))
            attempt++;
    if (!am_pix_is(instr, "status", "REFUSED") || !am_pix_is(auth, "status", "ACTIVE") ||
        attempt > 3)
        return -EBUSY;
    r = instr_new(a, ids, auth, due_day, "RETRY_AFTER_DUE_DATE", attempt, now, &made);
    if (r == 0 && !am_pix_set_str(made, "_retryOf", id))
        r = -ENOMEM;
    if (r == 0 && ret)
        *ret = made;
    return r;
}

/* An instruction due today: the customer's PIX charge, received (DONE), or REFUSED by
 * the mock convention; then the next period's instruction. */
static int run_instruction(struct am_account *a, struct am_ids *ids, cJSON *in, int64_t day,
                           int64_t now)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(in, "authorization");
    cJSON *auth = am_pix_auth_find(a->records, am_pix_str(ref, "id"));
    int64_t value, finish = AM_NO_DAY, next;
    struct am_payment_spec spec;
    struct am_payment *p = NULL;
    const char *fs;
    int r;

    if (!auth || !am_pix_is(auth, "status", "ACTIVE"))
        return cancel_instr(a, in, now);
    value = am_pix_money(auth, "value");
    if (value <= 0)
        value = am_pix_auth_qr_value(auth);
    am_payment_spec_init(&spec);
    spec.customer = am_pix_str(auth, "customerId");
    spec.billing_type = AM_BILLING_PIX;
    spec.value_cents = value;
    spec.due_day = day;
    spec.description = am_pix_str(auth, "description");
    r = am_billing_payment_create(a->billing, ids, &spec, now, &p);
    if (r == 0)
        r = am_billing_payment_confirm(a->billing, p, now);
    if (r < 0)
        return r;
    {
        char e2e[33], tail[16], d[11];

        am_cal_format_day(day, d);
        am_ids_alnum(ids, "", 15, tail);
        snprintf(e2e, sizeof(e2e), "E%s%.4s%.2s%.2s%s", AM_PIX_ASAAS_ISPB, d, d + 5, d + 8, tail);
        if (!am_pix_set_str(in, "status", "DONE") || !am_pix_set_str(in, "paymentId", p->id) ||
            !am_pix_set_str(in, "endToEndIdentifier", e2e))
            return -ENOMEM;
    }
    if (am_pix_is(in, "purpose", "RETRY_AFTER_DUE_DATE"))
        return 0;
    next = next_due(auth, day);
    fs = am_pix_str(auth, "finishDate");
    if (fs)
        am_cal_parse_day(fs, &finish);
    if (finish != AM_NO_DAY && next > finish) {
        if (!am_pix_set_str(auth, "status", "EXPIRED"))
            return -ENOMEM;
        return emit(a, EV_AUTH "EXPIRED", auth, RT_AUTH, now);
    }
    return instr_new(a, ids, auth, next, "SCHEDULE", 0, now, NULL);
}

int am_pix_auto_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    size_t n;
    int r;

    if (!a || !a->records || !a->billing)
        return 0;
    r = run_items(a, day, now);
    if (r < 0)
        return r;
    n = am_records_count(a->records, AM_PIX_AUTHORIZATIONS);
    for (size_t i = 0; i < n; i++) {
        cJSON *auth = am_records_at(a->records, AM_PIX_AUTHORIZATIONS, i);

        if (am_pix_is(auth, "status", "CREATED") && now > am_pix_num(auth, "_qrExpiresAt", 0)) {
            if (!am_pix_set_str(auth, "status", "EXPIRED"))
                return -ENOMEM;
            r = emit(a, EV_AUTH "EXPIRED", auth, RT_AUTH, now);
            if (r < 0)
                return r;
        }
    }
    /* New instructions are appended while walking: the count is taken first. */
    n = am_records_count(a->records, AM_PIX_INSTRUCTIONS);
    for (size_t i = 0; i < n; i++) {
        cJSON *in = am_records_at(a->records, AM_PIX_INSTRUCTIONS, i);

        if (am_pix_is(in, "status", "SCHEDULED") && am_pix_num(in, "_day", AM_NO_DAY) <= day) {
            r = run_instruction(a, ids, in, day, now);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

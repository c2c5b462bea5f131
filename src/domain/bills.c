/* bills.c - bill payments and mobile recharges (see bills.h). */
#include "bills.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "boleto.h"
#include "calendar.h"
#include "ids.h"
#include "mo_record.h"
#include "records.h"

/* ---- slips ------------------------------------------------------------------------- */

static int64_t digits_value(const char *s, size_t n)
{
    int64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The due day of a factor (0 = none): of its two cycles, the one nearer today. */
static int64_t factor_day(int64_t factor, int64_t today)
{
    const int64_t base = am_cal_days_from_civil(1997, 10, 7);
    int64_t best = AM_NO_DAY;

    if (factor == 0)
        return AM_NO_DAY;
    for (int64_t k = 0; k < 4; k++) {
        int64_t d = k == 0 ? base + factor : base + 10000 + (factor - 1000) + 9000 * (k - 1);

        if (k > 0 && factor < 1000)
            break;
        if (best == AM_NO_DAY || llabs(d - today) < llabs(best - today))
            best = d;
    }
    return best;
}

int am_bill_decode(const char *text, int64_t today, struct am_bill_slip *ret)
{
    char d[64];
    size_t n = 0;
    char bar[45];

    if (!text || !ret)
        return -EINVAL;
    memset(ret, 0, sizeof(*ret));
    for (const char *p = text; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof(d))
                return -EINVAL;
            d[n++] = *p;
        } else if (*p != ' ' && *p != '.' && *p != '-') {
            return -EINVAL;
        }
    }
    d[n] = '\0';
    if (n == 48 && d[0] == '8') {
        /* four blocks of 11 digits + a check digit each */
        for (int i = 0; i < 4; i++)
            memcpy(bar + 11 * i, d + 12 * i, 11);
        ret->utility = true;
        ret->due_day = AM_NO_DAY;
        ret->value_cents = (bar[2] == '6' || bar[2] == '8') ? digits_value(bar + 4, 11) : 0;
        memcpy(ret->line, d, 49);
        return 0;
    }
    if (n == 44) {
        if (am_boleto_linha_digitavel(d, ret->line) < 0)
            return -EINVAL;
        memcpy(d, ret->line, 48);
        n = 47;
    }
    if (n != 47 || am_boleto_validate_linha(d) < 0)
        return -EINVAL;
    memcpy(ret->line, d, 48);
    memcpy(ret->bank, d, 3);
    ret->value_cents = digits_value(d + 37, 10);
    ret->due_day = factor_day(digits_value(d + 33, 4), today);
    return 0;
}

bool am_bill_payable(const struct am_bill_slip *s)
{
    return s->utility || strcmp(s->bank, AM_BILL_ASAAS_BANK) == 0;
}

/* ---- bills ------------------------------------------------------------------------- */

static int ledger(struct am_billing *b, enum am_ledger_type type, int64_t cents, int64_t today,
                  int64_t now, const char *desc, const char *ref_key, const char *id)
{
    if (cents == 0)
        return 0;
    return am_billing_ledger_append_ref(b, type, cents, today, now, desc, NULL, ref_key, id);
}

int am_bill_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                   const struct am_bill_spec *s, int64_t today, int64_t now, cJSON **ret)
{
    cJSON *o;
    char id[37];
    int64_t sched;
    int r;

    if (!b || !rec || !ids || !s || !s->slip || s->value_cents <= 0)
        return -EINVAL;
    sched = s->schedule_day == AM_NO_DAY ? today : s->schedule_day;
    am_ids_uuid(ids, id);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    r = am_mo_set_str(o, "object", "bill");
    if (r == 0)
        r = am_mo_set_str(o, "id", id);
    if (r == 0)
        r = am_mo_set_str(o, "status", "PENDING");
    if (r == 0)
        r = am_mo_set_money(o, "value", s->value_cents);
    if (r == 0)
        r = am_mo_set_money(o, "discount", s->discount_cents);
    if (r == 0)
        r = am_mo_set_money(o, "interest", s->interest_cents);
    if (r == 0)
        r = am_mo_set_money(o, "fine", s->fine_cents);
    if (r == 0)
        r = am_mo_set_str(o, "identificationField", s->identification_field);
    if (r == 0)
        r = am_mo_set_day(o, "dueDate", s->due_day != AM_NO_DAY ? s->due_day : s->slip->due_day);
    if (r == 0)
        r = am_mo_set_day(o, "scheduleDate", sched);
    if (r == 0)
        r = am_mo_set_day(o, "paymentDate", AM_NO_DAY);
    if (r == 0)
        r = am_mo_set_money(o, "fee", AM_BILL_FEE_CENTS);
    if (r == 0)
        r = am_mo_set_str(o, "description", s->description);
    if (r == 0)
        r = am_mo_set_str(o, "companyName", s->slip->utility ? AM_BILL_UTILITY_COMPANY : NULL);
    if (r == 0)
        r = am_mo_set_str(o, "transactionReceiptUrl", NULL);
    if (r == 0)
        r = am_mo_set_bool(o, "canBeCancelled", true);
    if (r == 0)
        r = am_mo_set_str(o, "externalReference", s->external_reference);
    if (r == 0)
        r = cJSON_AddItemToObject(o, "failReasons", cJSON_CreateNull()) ? 0 : -ENOMEM;
    if (r == 0)
        r = am_mo_set_int(o, "_valueCents", s->value_cents);
    if (r == 0)
        r = am_mo_set_int(o, "_feeCents", AM_BILL_FEE_CENTS);
    if (r == 0)
        r = am_mo_set_int(o, "_createdDay", today);
    if (r == 0)
        r = am_mo_set_int(o, "_processDay", sched);
    if (r == 0)
        r = am_mo_set_bool(o, "_fails", !am_bill_payable(s->slip));
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    r = am_records_add(rec, AM_BILLS, o);
    if (r < 0)
        return r;
    o = am_records_find(rec, AM_BILLS, id);
    r = ledger(b, AM_LEDGER_BILL_PAYMENT, -s->value_cents, today, now, AM_TXT_BILL_LEDGER,
               "billId", id);
    if (r == 0)
        r = ledger(b, AM_LEDGER_BILL_PAYMENT_FEE, -AM_BILL_FEE_CENTS, today, now,
                   AM_TXT_BILL_LEDGER_FEE, "billId", id);
    if (r == 0)
        r = am_mo_emit(b, "BILL_CREATED", now, "bill", o);
    if (r == 0 && ret)
        *ret = o;
    return r;
}

/* The money of a bill back (cancelled or failed). */
static int bill_give_back(struct am_billing *b, const cJSON *o, int64_t today, int64_t now)
{
    const char *id = am_mo_str(o, "id");
    int r = ledger(b, AM_LEDGER_BILL_PAYMENT_CANCELLED, am_mo_int(o, "_valueCents", 0), today,
                   now, AM_TXT_BILL_LEDGER_BACK, "billId", id);

    if (r == 0)
        r = ledger(b, AM_LEDGER_BILL_PAYMENT_FEE_CANCELLED, am_mo_int(o, "_feeCents", 0), today,
                   now, AM_TXT_BILL_LEDGER_FEE_BACK, "billId", id);
    return r;
}

int am_bill_cancel(struct am_billing *b, cJSON *o, int64_t today, int64_t now)
{
    int r;

    if (!am_mo_status_is(o, "PENDING"))
        return -EPERM;
    r = am_mo_set_str(o, "status", "CANCELLED");
    if (r == 0)
        r = am_mo_set_bool(o, "canBeCancelled", false);
    if (r == 0)
        r = bill_give_back(b, o, today, now);
    return r ? r : am_mo_emit(b, "BILL_CANCELLED", now, "bill", o);
}

struct day {
    struct am_billing *b;
    int64_t day, now;
};

static int bill_finish(struct day *j, cJSON *o)
{
    char receipt[17], url[80];
    cJSON *reasons;
    int r;

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "_fails"))) {
        reasons = cJSON_CreateArray();
        if (!reasons || !cJSON_AddItemToArray(reasons, cJSON_CreateString(AM_TXT_BILL_FAIL_REASON)) ||
            !cJSON_ReplaceItemInObjectCaseSensitive(o, "failReasons", reasons)) {
            cJSON_Delete(reasons);
            return -ENOMEM;
        }
        r = am_mo_set_str(o, "status", "FAILED");
        if (r == 0)
            r = bill_give_back(j->b, o, j->day, j->now);
        return r ? r : am_mo_emit(j->b, "BILL_FAILED", j->now, "bill", o);
    }
    am_billing_receipt_id(am_mo_str(o, "id") ? am_mo_str(o, "id") : "", receipt);
    snprintf(url, sizeof(url), "https://sandbox.asaas.com/comprovantes/%s", receipt);
    r = am_mo_set_str(o, "status", "PAID");
    if (r == 0)
        r = am_mo_set_day(o, "paymentDate", j->day);
    if (r == 0)
        r = am_mo_set_str(o, "transactionReceiptUrl", url);
    return r ? r : am_mo_emit(j->b, "BILL_PAID", j->now, "bill", o);
}

static int bill_step(cJSON *o, void *ud)
{
    struct day *j = ud;
    int r;

    if (am_mo_status_is(o, "PENDING")) {
        if (j->day < am_mo_int(o, "_processDay", 0) || j->day <= am_mo_int(o, "_createdDay", 0))
            return 0;
        r = am_mo_set_str(o, "status", "BANK_PROCESSING");
        if (r == 0)
            r = am_mo_set_bool(o, "canBeCancelled", false);
        if (r == 0)
            r = am_mo_set_int(o, "_bankDay", j->day);
        if (r == 0)
            r = am_mo_emit(j->b, "BILL_BANK_PROCESSING", j->now, "bill", o);
        return r < 0 ? r : 0;
    }
    if (am_mo_status_is(o, "BANK_PROCESSING")) {
        if (j->day <= am_mo_int(o, "_bankDay", 0))
            return 0;
        r = bill_finish(j, o);
        return r < 0 ? r : 1;
    }
    return 1;
}

int am_bills_job(struct am_billing *b, struct am_records *rec, int64_t day, int64_t now)
{
    struct day j = {b, day, now};

    return am_mo_walk(rec, AM_BILLS, bill_step, &j);
}

/* ---- mobile recharges -------------------------------------------------------------- */

const char *am_recharge_operator(const char *phone, char digits[16])
{
    static const char *const operators[] = {"Vivo", "Claro", "TIM", "Oi"};
    size_t n = 0;
    unsigned sum = 0;

    if (!phone)
        return NULL;
    if (phone[0] == '+')
        phone++;
    for (const char *p = phone; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n >= 13)
                return NULL;
            digits[n++] = *p;
        } else if (!strchr(" ()-", *p)) {
            return NULL;
        }
    }
    digits[n] = '\0';
    if (n >= 12 && digits[0] == '5' && digits[1] == '5') {
        memmove(digits, digits + 2, n - 1);
        n -= 2;
    }
    /* DDD 11-99 (no zero digit), then a 9-digit mobile number starting with 9 */
    if (n != 11 || digits[0] == '0' || digits[1] == '0' || digits[2] != '9')
        return NULL;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned)(digits[i] - '0');
    return operators[sum % 4];
}

int am_recharge_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                       const char *digits, const char *operator_name, int64_t value_cents,
                       int64_t today, int64_t now, cJSON **ret)
{
    cJSON *o;
    char id[37];
    int r;

    if (!b || !rec || !ids || !digits || !operator_name || value_cents <= 0)
        return -EINVAL;
    am_ids_uuid(ids, id);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    r = am_mo_set_str(o, "id", id);
    if (r == 0)
        r = am_mo_set_money(o, "value", value_cents);
    if (r == 0)
        r = am_mo_set_str(o, "phoneNumber", digits);
    if (r == 0)
        r = am_mo_set_str(o, "status", "PENDING");
    if (r == 0)
        r = am_mo_set_bool(o, "canBeCancelled", true);
    if (r == 0)
        r = am_mo_set_str(o, "operatorName", operator_name);
    if (r == 0)
        r = am_mo_set_int(o, "_valueCents", value_cents);
    if (r == 0)
        r = am_mo_set_int(o, "_createdDay", today);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    r = am_records_add(rec, AM_RECHARGES, o);
    if (r < 0)
        return r;
    o = am_records_find(rec, AM_RECHARGES, id);
    r = ledger(b, AM_LEDGER_MOBILE_PHONE_RECHARGE, -value_cents, today, now,
               AM_TXT_RECHARGE_LEDGER, NULL, NULL);
    if (r == 0)
        r = am_mo_emit(b, "MOBILE_PHONE_RECHARGE_PENDING", now, "mobilePhoneRecharge", o);
    if (r == 0 && ret)
        *ret = o;
    return r;
}

int am_recharge_cancel(struct am_billing *b, cJSON *o, int64_t today, int64_t now)
{
    int r;

    if (!am_mo_status_is(o, "PENDING"))
        return -EPERM;
    r = am_mo_set_str(o, "status", "CANCELLED");
    if (r == 0)
        r = am_mo_set_bool(o, "canBeCancelled", false);
    if (r == 0)
        r = ledger(b, AM_LEDGER_REFUND_MOBILE_PHONE_RECHARGE, am_mo_int(o, "_valueCents", 0),
                   today, now, AM_TXT_RECHARGE_LEDGER_BACK, NULL, NULL);
    return r ? r : am_mo_emit(b, "MOBILE_PHONE_RECHARGE_CANCELLED", now, "mobilePhoneRecharge", o);
}

static int recharge_step(cJSON *o, void *ud)
{
    struct day *j = ud;
    int r;

    if (!am_mo_status_is(o, "PENDING"))
        return 1;
    if (j->day <= am_mo_int(o, "_createdDay", 0))
        return 0;
    r = am_mo_set_str(o, "status", "CONFIRMED");
    if (r == 0)
        r = am_mo_set_bool(o, "canBeCancelled", false);
    if (r == 0)
        r = am_mo_emit(j->b, "MOBILE_PHONE_RECHARGE_CONFIRMED", j->now, "mobilePhoneRecharge", o);
    return r < 0 ? r : 1;
}

int am_recharges_job(struct am_billing *b, struct am_records *rec, int64_t day, int64_t now)
{
    struct day j = {b, day, now};

    return am_mo_walk(rec, AM_RECHARGES, recharge_step, &j);
}

/* bills.h - paying bills (boletos and utility slips) and mobile phone recharges out of
 * an account's balance (pure).
 *
 * Bills live in the records collection "bills", recharges in "mobilePhoneRecharges",
 * as their Asaas JSON with private _valueCents, _feeCents, _createdDay, _processDay,
 * _bankDay, _fails. Money leaves when the object is created (BILL_PAYMENT and
 * BILL_PAYMENT_FEE, or MOBILE_PHONE_RECHARGE) and comes back when it is cancelled or
 * fails. Bills: PENDING -> BANK_PROCESSING (first daily job on or after scheduleDate,
 * after the creation day) -> PAID, or FAILED for a slip not issued by Asaas (the
 * sandbox pays only its own boletos). Recharges: PENDING -> CONFIRMED on the next day.
 *
 * Ownership: objects belong to the records store; spec strings are copied. */
#ifndef AM_BILLS_H
#define AM_BILLS_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;
struct am_billing;
struct am_ids;
struct am_records;

#define AM_BILLS "bills"
#define AM_RECHARGES "mobilePhoneRecharges"

/* What a typed line or barcode tells. */
struct am_bill_slip {
    char line[49];       /* digits of the line (47 bank, 48 utility) */
    char bank[4];        /* bank code ("" for utility slips) */
    int64_t value_cents; /* 0 = not in the slip */
    int64_t due_day;     /* AM_NO_DAY = none */
    bool utility;        /* 48-digit slip of a utility company (starts with 8) */
};

/* Decodes a linha digitável (47 digits, check digits verified; punctuation ignored), a
 * 44-digit barcode, or a 48-digit utility line. The due factor's two cycles (it
 * restarted at 1000 on 2025-02-22) are told apart by the one nearer today. Returns 0
 * or -EINVAL. */
int am_bill_decode(const char *text, int64_t today, struct am_bill_slip *ret);

/* "YYYY-MM-DD"-free facts for a slip: Asaas pays it (bank 461 or utility) or fails. */
bool am_bill_payable(const struct am_bill_slip *s);

struct am_bill_spec {
    const struct am_bill_slip *slip;
    const char *identification_field; /* as sent */
    int64_t value_cents;
    int64_t discount_cents, interest_cents, fine_cents;
    int64_t due_day;      /* AM_NO_DAY = from the slip */
    int64_t schedule_day; /* AM_NO_DAY = today */
    const char *description, *external_reference;
};

/* Creates a PENDING bill, debits value and fee, emits BILL_CREATED. *ret may be NULL.
 * Returns 0, -EINVAL or -ENOMEM. */
int am_bill_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                   const struct am_bill_spec *spec, int64_t today, int64_t now,
                   struct cJSON **ret);
/* PENDING -> CANCELLED with the money back and BILL_CANCELLED; -EPERM otherwise. */
int am_bill_cancel(struct am_billing *b, struct cJSON *bill, int64_t today, int64_t now);
/* The day's job of the bills (idempotent). */
int am_bills_job(struct am_billing *b, struct am_records *rec, int64_t day, int64_t now);

/* Mobile recharges. */
/* The operator of a Brazilian mobile number (10-11 digits with DDD; a leading +55 or
 * 55 is dropped into digits, 16 bytes). NULL when the number is not a mobile number. */
const char *am_recharge_operator(const char *phone, char digits[16]);
/* PENDING recharge, MOBILE_PHONE_RECHARGE debit, MOBILE_PHONE_RECHARGE_PENDING event. */
int am_recharge_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                       const char *digits, const char *operator_name, int64_t value_cents,
                       int64_t today, int64_t now, struct cJSON **ret);
/* PENDING -> CANCELLED, REFUND_MOBILE_PHONE_RECHARGE credit, event; -EPERM otherwise. */
int am_recharge_cancel(struct am_billing *b, struct cJSON *r, int64_t today, int64_t now);
/* The day's job of the recharges: PENDING ones of earlier days are CONFIRMED. */
int am_recharges_job(struct am_billing *b, struct am_records *rec, int64_t day, int64_t now);

#endif

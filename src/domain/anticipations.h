/* anticipations.h - receivable anticipations of card and boleto payments (pure).
 *
 * An anticipation lives in the records collection "anticipations" as its Asaas JSON
 * (object receivableAnticipation) with private _payments (the payment ids it covers),
 * _card, _valueCents, _feeCents, _createdDay. Requested PENDING; the next daily job
 * CREDITS it (RECEIVABLE_ANTICIPATION_GROSS_CREDIT + RECEIVABLE_ANTICIPATION_FEE, the
 * payments' anticipated flag, PAYMENT_ANTICIPATED) or DENIES it when a payment is no
 * longer anticipable; once every payment is received the value is DEBITED back
 * (RECEIVABLE_ANTICIPATION_DEBIT); a payment that goes overdue, is refunded or deleted
 * makes it OVERDUE with the same debit. PENDING ones may be cancelled. With automatic
 * anticipation on, the daily job requests one for each card charge confirmed since.
 *
 * Ownership: objects belong to the records store; payments are borrowed from billing. */
#ifndef AM_ANTICIPATIONS_H
#define AM_ANTICIPATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_billing;
struct am_ids;
struct am_records;

#define AM_ANTICIPATIONS "anticipations"
#define AM_ANTICIPATION_MAX_PAYMENTS 24

struct am_anticipation_calc {
    int64_t total_cents; /* the payments' value */
    int64_t value_cents; /* their net value: what is credited */
    int64_t fee_cents;
    int64_t due_day;     /* latest due / credit day */
    int64_t days;        /* anticipationDays (to due_day) */
    bool card;           /* credit card receivables (else bank slip) */
    size_t n;
    const char *payments[AM_ANTICIPATION_MAX_PAYMENTS]; /* borrowed ids */
};

/* What anticipating the payment (or every open payment of the installment) gives today.
 * Returns 0, -ENOENT (unknown payment/installment), -EPERM (nothing anticipable: paid,
 * deleted, already anticipated, other billing type, due today or earlier). */
int am_anticipation_calc(struct am_billing *b, struct am_records *rec, const char *payment,
                         const char *installment, int64_t today,
                         struct am_anticipation_calc *ret);

/* The value of the PENDING and CREDITED anticipations of one kind (limits' use). */
int64_t am_anticipation_used(struct am_records *rec, bool card);

/* Creates the anticipation (PENDING, or DENIED with observation when denial is not
 * NULL), emits RECEIVABLE_ANTICIPATION_PENDING / _DENIED. Returns 0 or -ENOMEM. */
int am_anticipation_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                           const char *payment, const char *installment,
                           const struct am_anticipation_calc *c, const char *denial,
                           int64_t today, int64_t now, struct cJSON **ret);

/* PENDING -> CANCELLED (RECEIVABLE_ANTICIPATION_CANCELLED); -EPERM otherwise. */
int am_anticipation_cancel(struct am_billing *b, struct cJSON *o, int64_t now);

/* Saves the automatic anticipation setting (records document "anticipationConfig");
 * when it turns on, card charges confirmed from now on are anticipated by the daily job.
 * Returns 0 or -ENOMEM. */
int am_anticipation_configure(struct am_billing *b, struct am_records *rec, bool automatic);
/* Whether automatic anticipation of card charges is on. */
bool am_anticipation_automatic(struct am_records *rec);

/* The day's job (idempotent): with automatic anticipation on, every card charge
 * confirmed since the last run gets a PENDING anticipation (within the limit); then
 * PENDING ones are credited or denied, CREDITED ones debited or overdue. */
int am_anticipations_job(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                         int64_t day, int64_t now);

#endif

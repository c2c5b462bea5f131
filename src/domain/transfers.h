/* transfers.h - transfers out of an account: to a bank account or a Pix key, and to
 * another Asaas account by walletId (pure).
 *
 * A transfer is its Asaas JSON in the account's records store, collection "transfers",
 * with private members _valueCents, _feeCents, _createdDay, _processDay (the day it goes
 * to the bank: scheduleDate or the creation day), _bankDay, _dest and _fails.
 * Money leaves the balance when the transfer is created (TRANSFER and TRANSFER_FEE
 * lines) and comes back when it is cancelled or fails (TRANSFER_REVERSAL lines).
 * External transfers move PENDING -> BANK_PROCESSING (the first daily job after their
 * day) -> DONE or FAILED (the next daily job); internal transfers are DONE at once
 * (INTERNAL_TRANSFER_DEBIT here, INTERNAL_TRANSFER_CREDIT on the receiver).
 *
 * Ownership: objects belong to the records store; spec strings are copied; spec's
 * destination objects are taken (also on failure). */
#ifndef AM_TRANSFERS_H
#define AM_TRANSFERS_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;
struct am_billing;
struct am_ids;
struct am_records;

#define AM_TRANSFERS "transfers"

enum am_transfer_op { AM_TRANSFER_PIX, AM_TRANSFER_TED, AM_TRANSFER_INTERNAL };

/* "PIX", "TED", "INTERNAL". */
const char *am_transfer_op_name(enum am_transfer_op op);
/* The fee of one transfer (asaas_facts.h: AM_TRANSFER_FEE_*). */
int64_t am_transfer_fee(enum am_transfer_op op, int64_t value_cents);

struct am_transfer_spec {
    enum am_transfer_op op;
    int64_t value_cents;
    int64_t schedule_day;           /* AM_NO_DAY = today */
    const char *description;        /* NULL = null */
    const char *external_reference; /* NULL = null */
    const char *recurring;          /* recurrence id, NULL = null */
    const char *dest;               /* the destination as one text (duplicate check) */
    bool fails;                     /* the destination bank refuses it (FAILED) */
    struct cJSON *bank_account;     /* PIX/TED: the rendered bankAccount (taken) */
    const char *wallet_id;          /* INTERNAL: the receiver's walletId */
    struct cJSON *account;          /* INTERNAL: the rendered receiver account (taken) */
};

/* Creates the transfer (uuid from ids), debits the balance, emits TRANSFER_CREATED (and
 * for INTERNAL: TRANSFER_DONE and INTERNAL_TRANSFER_DEBIT). *ret (may be NULL) gets the
 * borrowed object. today is the account's day. Does not check the balance. Returns 0,
 * -EINVAL or -ENOMEM. */
int am_transfer_create(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                       struct am_transfer_spec *spec, int64_t today, int64_t now,
                       struct cJSON **ret);

/* The receiver's side of an internal transfer t: INTERNAL_TRANSFER_CREDIT line and
 * event on its billing. Returns 0 or -ENOMEM. */
int am_transfer_credit_internal(struct am_billing *recv, const struct cJSON *t, int64_t today,
                                int64_t now);

/* PENDING -> CANCELLED: the money comes back, TRANSFER_CANCELLED. Returns 0 or -EPERM
 * (not PENDING), -ENOMEM. */
int am_transfer_cancel(struct am_billing *b, struct cJSON *t, int64_t today, int64_t now);

/* A transfer to the same destination with the same value created less than
 * AM_TRANSFER_DUPLICATE_SECONDS before now and not cancelled or failed, among the
 * newest AM_TRANSFER_DUPLICATE_SCAN ones; NULL when none. Borrowed. */
struct cJSON *am_transfer_duplicate(struct am_records *rec, const char *dest,
                                    int64_t value_cents, int64_t now);

/* The day's job: PENDING transfers whose day came go to BANK_PROCESSING, those in
 * BANK_PROCESSING since an earlier day end DONE (or FAILED, money back). Idempotent.
 * Returns 0 or -ENOMEM. */
int am_transfers_job(struct am_billing *b, struct am_records *rec, struct am_ids *ids,
                     int64_t day, int64_t now);

#endif

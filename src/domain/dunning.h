/* dunning.h - payment dunnings ("negativação" at the credit bureau) of one account (pure).
 *
 * Kept in the records collection "paymentDunnings" as Asaas's JSON with private members:
 * "_history" (the event history list), "_payer" (the debtor data sent), "_day" (the day of
 * the last move). States: PENDING (documents missing) -> AWAITING_APPROVAL (documents
 * sent) -> PROCESSED (next day's job: the request fee PAYMENT_DUNNING_REQUEST_FEE, event
 * PAYMENT_DUNNING_REQUESTED) -> PAID (the job sees the charge paid: PAYMENT_DUNNING_
 * RECEIVED). Cancel: PENDING / AWAITING_APPROVAL -> CANCELLED at once; PROCESSED ->
 * AWAITING_CANCELLATION -> CANCELLED (next day's job).
 *
 * Ownership: everything is borrowed; objects returned are borrowed from the store. */
#ifndef AM_DUNNING_H
#define AM_DUNNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_records;
struct am_billing;
struct am_ids;
struct am_account;
struct am_payment;

#define AM_DUNNINGS_COLL "paymentDunnings"
/* The credit bureau request fee (our choice, asaas_facts.h). */
#define AM_DUNNING_FEE_CENTS 999

/* NULL when p may get a dunning now, else why not (static text). */
const char *am_dunning_not_allowed(struct am_records *r, const struct am_payment *p);

/* {type, isAllowed, notAllowedReason, feeValue, netValue, startDate} for p (caller owns). */
struct cJSON *am_dunning_simulation(struct am_records *r, const struct am_payment *p,
                                    int64_t today);

/* Creates a dunning for p from a validated body (payer data), with documents sent or
 * not. Returns the stored object or NULL on OOM. */
struct cJSON *am_dunning_create(struct am_records *r, struct am_ids *ids,
                                const struct am_payment *p, const struct cJSON *body,
                                bool documents, int64_t today);

/* Documents sent later: PENDING with isNecessaryResendDocumentation -> AWAITING_APPROVAL.
 * -EPERM when no documents are awaited. */
int am_dunning_documents(struct cJSON *d, int64_t today);

/* Cancel as the header says; -EPERM when canBeCancelled is false. */
int am_dunning_cancel(struct cJSON *d, int64_t today);

/* The area's daily job (am_jobs_area_fn). */
int am_dunning_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

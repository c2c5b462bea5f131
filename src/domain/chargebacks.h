/* chargebacks.h - chargebacks of card charges and their disputes (pure).
 *
 * A chargeback is kept as its Asaas JSON (PaymentChargebackResponseDTO) in the
 * account's records store, collection "chargebacks", with private members for what
 * the daily job needs: the dispute's decided outcome and days, and what the ledger
 * gave back. The charge's own states, ledger lines and PAYMENT_CHARGEBACK_* events are
 * billing's (billing_chargeback.c); this module keeps both in step. Rules and
 * unconfirmed choices: asaas_facts.h (Chargebacks).
 *
 * Ownership: objects belong to the records store; pointers handed out are borrowed. */
#ifndef AM_CHARGEBACKS_H
#define AM_CHARGEBACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_account;
struct am_billing;
struct am_ids;
struct am_payment;
struct am_records;

#define AM_CHARGEBACK_COLL "chargebacks"

/* True for one of the 32 reasons of PaymentChargebackResponseChargebackReason. */
bool am_chargeback_reason_valid(const char *reason);

/* Opens a chargeback on p (billing's transition first, then the object): reason valid,
 * accept true when a dispute will be won. *ret (may be NULL) is the new object.
 * Returns 0, billing's -EIDRM/-EPERM, or -ENOMEM. */
int am_chargeback_open(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                       struct am_payment *p, const char *reason, bool accept, int64_t now,
                       struct cJSON **ret);

/* The newest chargeback of payment_id, NULL when none. */
struct cJSON *am_chargeback_of_payment(struct am_records *r, const char *payment_id);

/* Starts the dispute of cb with the n file names (copied): REQUESTED -> IN_DISPUTE,
 * disputeStatus REQUESTED, the charge CHARGEBACK_DISPUTE. Returns 0, -EPERM (not
 * REQUESTED, or past its deadline) or -ENOMEM. */
int am_chargeback_dispute(struct am_records *r, struct am_billing *b, struct cJSON *cb,
                          const char *const *files, size_t n, int64_t now);

/* The daily job (jobs.h am_jobs_area_fn): deadlines, decisions and reversals due on day. */
int am_chargebacks_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

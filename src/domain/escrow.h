/* escrow.h - the escrow account ("Conta Escrow"): received payments held until
 * released (pure).
 *
 * The config an account's payments follow is its records document "escrowConfig"
 * ({daysToExpire, enabled, isFeePayer}, saved by its parent through
 * POST /v3/accounts/{id}/escrow); "escrowDefault" is the default a parent keeps for its
 * subaccounts. While enabled, each payment the account receives is held: an escrow in
 * the records collection "escrows" ({id, status ACTIVE, expirationDate, finishDate,
 * finishReason} + private _payment, _cents) and a PAYMENT_CUSTODY_BLOCK debit of its
 * net value. Finishing it (by request, or on expirationDate by the daily job) gives the
 * value back (PAYMENT_CUSTODY_BLOCK_REVERSAL). Holds are taken by am_escrow_sync from
 * the PAYMENT_RECEIVED events after the config was saved.
 *
 * Ownership: objects belong to the records store; the account is borrowed. */
#ifndef AM_ESCROW_H
#define AM_ESCROW_H

#include <stdint.h>

struct cJSON;
struct am_account;
struct am_ids;
struct am_records;

#define AM_ESCROWS "escrows"

/* Saves the account's own config (copy of cfg) and starts holding the payments it
 * receives from now on. Returns 0 or -ENOMEM. */
int am_escrow_configure(struct am_account *a, const struct cJSON *cfg);

/* Holds the payments received since the last sync while the config is enabled.
 * Returns 0 or -ENOMEM. */
int am_escrow_sync(struct am_account *a, struct am_ids *ids, int64_t today, int64_t now);

/* The escrow of a payment, or NULL. Borrowed. */
struct cJSON *am_escrow_of_payment(struct am_records *rec, const char *payment_id);

/* ACTIVE -> DONE with reason (REQUESTED_BY_CUSTOMER, EXPIRED ...), value back.
 * Returns 0, -EPERM (not ACTIVE) or -ENOMEM. */
int am_escrow_finish(struct am_account *a, struct cJSON *e, const char *reason, int64_t today,
                     int64_t now);

/* The day's job: sync, then expire the ACTIVE escrows whose expirationDate came. */
int am_escrow_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

/* billing_state.h - exact export/import of one account's billing state (pure).
 *
 * Export writes everything an am_billing holds: payments (every field, refunds, card
 * info), installment groupings, card tokens, the kept event log (with its snapshots and
 * the seq counter), the ledger, and the invoiceNumber / nossoNumero sequences, in the
 * snapshot codecs of state_codec.h (layout at the top of billing_state.c). Import
 * rebuilds an identical state (indexes included), so export(import(export(b))) is the
 * same text and every API answer, list and filter the same. The id salt is stored too,
 * so event and ledger ids continue the exported sequence whatever account_id is given.
 * Absent members take the defaults of a freshly created object. Import validates types,
 * ranges and references (installments of payments, payments of ledger entries, running
 * balances, consecutive event seqs) and reports "where.payments[i].field: reason". */
#ifndef AM_BILLING_STATE_H
#define AM_BILLING_STATE_H

#include <stddef.h>

struct cJSON;
struct am_billing;

/* Returns a new JSON object (caller owns) or NULL on OOM. Borrows b. */
struct cJSON *am_billing_state_export(const struct am_billing *b);

/* Builds a new billing state for account_id (borrowed, as am_billing_new) from obj
 * (borrowed). On success *ret owns it (am_billing_free). Returns 0, -EINVAL with err
 * set, or -ENOMEM. */
int am_billing_state_import(const struct cJSON *obj, const char *account_id, const char *where,
                            struct am_billing **ret, char *err, size_t err_len);

#endif

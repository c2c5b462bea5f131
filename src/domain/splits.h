/* splits.h - payment splits: check a charge's split[], remember it, pay the parts when
 * each payment is credited (pure; reaches other accounts through the registry).
 *
 * Kept in records stores (records.h): the payer's "splitConfigs" (one object per split
 * charge, id = the payment, installment or subscription id), its "splits" (the parts it
 * pays) and "splitSettled" (per payment: where its parts stand and which they are), and
 * each receiver's "splitsReceived" (a copy of each part). A payment's parts appear
 * PENDING when the payment exists, AWAITING_CREDIT once it is received, DONE when it is
 * credited (money moves: the payer's ledger gets a DEBIT and the receiver's a CREDIT
 * line, both naming the split, ref "splitId"), or CANCELLED (PAYMENT_DELETED,
 * PAYMENT_REFUNDED, PAYMENT_RECEIVED_IN_CASH) when that comes first, with a
 * PAYMENT_SPLIT_CANCELLED event (the payment as snapshot) in the payer's log. DONE and CANCELLED are final. Choices: asaas_facts.h "area accounts". */
#ifndef AM_SPLITS_H
#define AM_SPLITS_H

#include <stddef.h>
#include <stdint.h>

#include "ids.h"

struct cJSON;
struct am_account;

#define AM_SPLITS_CONFIGS "splitConfigs"
#define AM_SPLITS_PAID "splits"
#define AM_SPLITS_RECEIVED "splitsReceived"
#define AM_SPLITS_SETTLED "splitSettled"

/* Checks split (a JSON array, or NULL = no split) for payments of value_cents each
 * netting net_cents, count payments: every item an object with a walletId of another
 * existing account, and fixedValue, percentualValue or totalFixedValue; the parts of one
 * payment at most net_cents. On a refusal returns -EINVAL with *ret_text set to the
 * asaas_facts.h text (code AM_ERR_SPLIT). 0 when fine. */
int am_splits_check(struct am_account *payer, const struct cJSON *split, int64_t net_cents,
                    unsigned count, const char **ret_text);

/* Remembers a checked split for the charge owner_id ("payment", "installment" or
 * "subscription" kind) of payer. Copies split. 0, -EEXIST or -ENOMEM. */
int am_splits_attach(struct am_account *payer, const char *kind, const char *owner_id,
                     const struct cJSON *split, unsigned count);

/* Brings the parts of every payment of payer's split charges to where the payment stands
 * (above), at instant now. Idempotent. 0 or -errno. */
int am_splits_settle(struct am_account *payer, struct am_ids *ids, int64_t now);

/* am_jobs_area_fn: the daily form of am_splits_settle. */
int am_splits_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

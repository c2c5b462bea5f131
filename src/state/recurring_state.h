/* recurring_state.h - exact export/import of one account's recurring state (pure).
 *
 * Export writes every subscription (every field, split copy and card info included),
 * the KYC statuses and the last day the daily jobs ran, in the snapshot codecs of
 * state_codec.h. Import rebuilds an identical state, so export(import(export(r))) is the
 * same text and every API answer the same. Errors: "where.subscriptions[i].field: why".
 *
 * Format: {"subscriptions": [...creation order...], "kyc": {commercialInfo,
 * bankAccountInfo, documentation, general: "PENDING"|"APPROVED"|"REJECTED"|
 * "AWAITING_APPROVAL"}, "jobsDay": "YYYY-MM-DD"|null}. A subscription has, in this order:
 * id, seq (must equal its position: am_recurring_add numbers them), dateCreated
 * (instant), customer, valueCents, nextDueDate, anchorMday (0..31), cycle, description,
 * billingType, deleted, status, externalReference, discount {value, limitDate,
 * dueDateLimitDays, type}, fine {value, type}, interest {value} (values are the stored
 * integer hundredths: cents when FIXED, 1/100 % when PERCENTAGE; type "FIXED" or
 * "PERCENTAGE"), split (the stored JSON array itself, or null), endDate, maxPayments and
 * generated (0..2^32-1), card (null when empty, else {present, last4, brand, token}).
 * Only id is required; absent members keep a new subscription's defaults. */
#ifndef AM_RECURRING_STATE_H
#define AM_RECURRING_STATE_H

#include <stddef.h>

struct cJSON;
struct am_recurring;

/* Returns a new JSON object (caller owns) or NULL on OOM. Borrows r. */
struct cJSON *am_recurring_state_export(const struct am_recurring *r);

/* Builds a new recurring state from obj (borrowed). On success *ret owns it
 * (am_recurring_free). Returns 0, -EINVAL with err set, or -ENOMEM. */
int am_recurring_state_import(const struct cJSON *obj, const char *where,
                              struct am_recurring **ret, char *err, size_t err_len);

#endif

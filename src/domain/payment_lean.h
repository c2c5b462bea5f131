/* payment_lean.h - a payment in Asaas's summary shape (PaymentLeanGetResponseDTO), made
 * from its full rendering (pure).
 *
 * The /v3/lean/payments operations are the payment operations with another answer: the
 * same handlers run and the full object they answer is turned into the summary shape
 * here (ids under *Id names, customerPaymentDate, no URLs, boleto or view fields). */
#ifndef AM_PAYMENT_LEAN_H
#define AM_PAYMENT_LEAN_H

#include <stdbool.h>

struct cJSON;

/* The summary of full (a payment object as am_payment_to_json renders it; borrowed).
 * with_card keeps creditCard (the create-with-card answer). New object (caller owns) or
 * NULL on OOM. */
struct cJSON *am_payment_lean(const struct cJSON *full, bool with_card);

/* Rewrites a whole answer body: a payment object, or a list envelope of payments,
 * becomes its summary; anything else (errors, {"deleted":true,...}) is returned as a
 * copy. New object or NULL on OOM. */
struct cJSON *am_payment_lean_answer(const struct cJSON *body, bool with_card);

#endif

/* fees.h - the fees the real sandbox charges, as observed (pure).
 *
 * Pix R$1.99 fixed; boleto R$1.99 fixed; credit card R$0.49 + 2.99% of the value.
 * Card installments: one fee on the total at the tier's rate (2-6x 3.49%, 7-12x 3.99%,
 * 13-21x 4.29% unconfirmed) + R$0.49, divided by N truncating cents; the lost cents are
 * not charged (captured: 300.00 in 3x nets 96.35 each). Percentages round half-up to the
 * cent. These numbers live only here. */
#ifndef AM_FEES_H
#define AM_FEES_H

#include <stdint.h>

enum am_billing_type {
    AM_BILLING_UNDEFINED,
    AM_BILLING_BOLETO,
    AM_BILLING_CREDIT_CARD,
    AM_BILLING_PIX,
    AM_BILLING_DEBIT_CARD, /* appear in responses only */
    AM_BILLING_TRANSFER,
    AM_BILLING_DEPOSIT,
    _AM_BILLING_MAX
};

const char *am_billing_type_name(enum am_billing_type t);
/* Parses a request billingType (only UNDEFINED, BOLETO, CREDIT_CARD, PIX). 0 / -EINVAL. */
int am_billing_type_parse(const char *s, enum am_billing_type *ret);

/* Fee in cents for one charge of value_cents (UNDEFINED is charged as boleto until the
 * payer chooses). */
int64_t am_fee_for(enum am_billing_type t, int64_t value_cents);

/* Splits total_cents into n installments: each gets total/n truncated and the last one
 * takes the remainder (350.00 in 12 -> 11 x 29.16 + 29.24). out has n entries. */
void am_installments_split(int64_t total_cents, unsigned n, int64_t *out);

/* The card rate in basis points for a purchase in n installments (1 -> 299, 2-6 -> 349,
 * 7-12 -> 399, more -> 429). */
int64_t am_fee_card_rate_bp(unsigned n);

/* Per-installment fees for a card purchase of total_cents in n installments: the fee on
 * the total, divided truncating (no remainder). out has n entries. */
void am_fee_card_installments(int64_t total_cents, unsigned n, int64_t *out);

#endif

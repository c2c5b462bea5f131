/* fees.c - observed sandbox fees (see fees.h). */
#include "fees.h"

#include <errno.h>
#include <string.h>

/* Observed in the sandbox (reference §6.2): 100.00 Pix -> 98.01, 350.00 boleto ->
 * 348.01, 100.00 card -> 96.52. */
#define FEE_PIX_CENTS 199
#define FEE_BOLETO_CENTS 199
#define FEE_CARD_FIXED_CENTS 49
#define FEE_CARD_PERCENT_BP 299 /* 2.99% in basis points */

static const char *const billing_names[_AM_BILLING_MAX] = {
    [AM_BILLING_UNDEFINED] = "UNDEFINED",     [AM_BILLING_BOLETO] = "BOLETO",
    [AM_BILLING_CREDIT_CARD] = "CREDIT_CARD", [AM_BILLING_PIX] = "PIX",
    [AM_BILLING_DEBIT_CARD] = "DEBIT_CARD",   [AM_BILLING_TRANSFER] = "TRANSFER",
    [AM_BILLING_DEPOSIT] = "DEPOSIT",
};

const char *am_billing_type_name(enum am_billing_type t)
{
    if ((unsigned)t >= _AM_BILLING_MAX)
        return NULL;
    return billing_names[t];
}

int am_billing_type_parse(const char *s, enum am_billing_type *ret)
{
    /* Only what a create request may carry; the rest appear in responses only. */
    static const enum am_billing_type accepted[] = {
        AM_BILLING_UNDEFINED, AM_BILLING_BOLETO, AM_BILLING_CREDIT_CARD, AM_BILLING_PIX,
    };

    if (!s)
        return -EINVAL;
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        if (strcmp(s, billing_names[accepted[i]]) == 0) {
            *ret = accepted[i];
            return 0;
        }
    }
    return -EINVAL;
}

/* value * bp / 10000 rounded half-up to the cent. */
static int64_t percent_bp(int64_t value_cents, int64_t bp)
{
    return (value_cents * bp + 5000) / 10000;
}

int64_t am_fee_for(enum am_billing_type t, int64_t value_cents)
{
    if (value_cents < 0)
        value_cents = 0;
    switch (t) {
    case AM_BILLING_PIX:
        return FEE_PIX_CENTS;
    case AM_BILLING_UNDEFINED: /* charged as boleto until the payer chooses */
    case AM_BILLING_BOLETO:
        return FEE_BOLETO_CENTS;
    case AM_BILLING_CREDIT_CARD:
    case AM_BILLING_DEBIT_CARD: /* never created here; priced as a card (UNCONFIRMED) */
        return FEE_CARD_FIXED_CENTS + percent_bp(value_cents, FEE_CARD_PERCENT_BP);
    case AM_BILLING_TRANSFER:
    case AM_BILLING_DEPOSIT:
    case _AM_BILLING_MAX:
        break;
    }
    return 0;
}

void am_installments_split(int64_t total_cents, unsigned n, int64_t *out)
{
    int64_t each;

    if (n == 0)
        return;
    each = total_cents / (int64_t)n;
    for (unsigned i = 0; i + 1 < n; i++)
        out[i] = each;
    out[n - 1] = total_cents - each * (int64_t)(n - 1);
}

/* Card rate by number of installments (Asaas price list: 1x 2.99%, 2-6x 3.49%,
 * 7-12x 3.99%; 13-21x UNCONFIRMED, we use 4.29%). The 3.49% tier is confirmed by the
 * captured 300.00 in 3x: every installment nets 96.35. */
int64_t am_fee_card_rate_bp(unsigned n)
{
    if (n <= 1)
        return FEE_CARD_PERCENT_BP;
    if (n <= 6)
        return 349;
    if (n <= 12)
        return 399;
    return 429;
}

void am_fee_card_installments(int64_t total_cents, unsigned n, int64_t *out)
{
    int64_t fee;

    if (n == 0)
        return;
    /* One fee on the total, divided truncating; the lost cents are never charged
     * (captured: 3 x 3.65 = 10.95 of a 10.96 fee). */
    fee = FEE_CARD_FIXED_CENTS + percent_bp(total_cents, am_fee_card_rate_bp(n));
    for (unsigned i = 0; i < n; i++)
        out[i] = fee / (int64_t)n;
}

/* billing_chargeback.c - a card charge's chargeback states, with their ledger lines and
 * events, and the expiry of an uncaptured pre-authorization (see billing.h). Kept apart
 * from billing_machine.c: the payrest area owns it. */
#include "billing_impl.h"

#include <errno.h>
#include <stdio.h>

int am_billing_payment_chargeback(struct am_billing *b, struct am_payment *p, int64_t now,
                                  int64_t *ret_debited)
{
    int64_t kept = p->value_cents - p->refunded_cents;
    char text[160];
    int r;

    if (ret_debited)
        *ret_debited = 0;
    if (p->deleted)
        return -EIDRM;
    if (p->billing_type != AM_BILLING_CREDIT_CARD ||
        (p->status != AM_PAY_CONFIRMED && p->status != AM_PAY_RECEIVED) || kept <= 0)
        return -EPERM;
    if (p->credited) {
        snprintf(text, sizeof(text), "Chargeback - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_CHARGEBACK, -kept, am_cal_day_of(now), now,
                                     text, p->id);
        if (r < 0)
            return r;
        if (ret_debited)
            *ret_debited = kept;
    }
    am_billing_set_status(b, p, AM_PAY_CHARGEBACK_REQUESTED);
    return am_billing_emit(b, "PAYMENT_CHARGEBACK_REQUESTED", p, now);
}

int am_billing_payment_chargeback_dispute(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_CHARGEBACK_REQUESTED)
        return -EPERM;
    am_billing_set_status(b, p, AM_PAY_CHARGEBACK_DISPUTE);
    return am_billing_emit(b, "PAYMENT_CHARGEBACK_DISPUTE", p, now);
}

int am_billing_payment_chargeback_won(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_CHARGEBACK_DISPUTE)
        return -EPERM;
    am_billing_set_status(b, p, AM_PAY_AWAITING_CHARGEBACK_REVERSAL);
    return am_billing_emit(b, "PAYMENT_AWAITING_CHARGEBACK_REVERSAL", p, now);
}

int am_billing_payment_chargeback_reverse(struct am_billing *b, struct am_payment *p,
                                          int64_t debited_cents, int64_t now)
{
    char text[160];
    int r;

    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_AWAITING_CHARGEBACK_REVERSAL || debited_cents < 0)
        return -EPERM;
    if (!p->credited) {
        am_billing_set_status(b, p, AM_PAY_CONFIRMED);
        return am_billing_emit(b, "PAYMENT_CONFIRMED", p, now);
    }
    if (debited_cents > 0) {
        snprintf(text, sizeof(text), "Estorno de chargeback - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_CHARGEBACK_REVERSAL, debited_cents,
                                     am_cal_day_of(now), now, text, p->id);
        if (r < 0)
            return r;
    }
    am_billing_set_status(b, p, AM_PAY_RECEIVED);
    return am_billing_emit(b, "PAYMENT_RECEIVED", p, now);
}

int am_billing_payment_authorization_expire(struct am_billing *b, struct am_payment *p,
                                            int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_AUTHORIZED)
        return -EPERM;
    am_billing_set_status(b, p, AM_PAY_REFUNDED);
    return am_billing_emit(b, "PAYMENT_REFUNDED", p, now);
}

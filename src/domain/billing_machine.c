/* billing_machine.c - the payment state machine (confirm, receive, refund, overdue, delete,
 * restore, ...) with its ledger entries and events, and the daily jobs (see billing.h). */
#include "billing_impl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "bizdays.h"
#include "clock.h"
#include "ids.h"
#include "money.h"

/* ---- state machine ---------------------------------------------------------------- */

static bool awaiting(const struct am_payment *p)
{
    return p->status == AM_PAY_PENDING || p->status == AM_PAY_OVERDUE;
}

static const char *fee_label(enum am_billing_type t)
{
    switch (t) {
    case AM_BILLING_PIX:
        return "Pix";
    case AM_BILLING_CREDIT_CARD:
        return "cartão de crédito";
    default:
        return "boleto";
    }
}

/* Credits the payment into the ledger: value, fee, and any refund made before credit. */
static int credit_ledger(struct am_billing *b, struct am_payment *p, int64_t day, int64_t now)
{
    char text[160];
    int r;

    snprintf(text, sizeof(text), "Cobrança recebida - fatura nr. %s", p->invoice_number);
    r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_RECEIVED, p->value_cents, day, now, text,
                                 p->id);
    if (r == 0 && p->fee_cents > 0) {
        snprintf(text, sizeof(text), "Taxa de %s - fatura nr. %s", fee_label(p->billing_type),
                 p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_FEE, -p->fee_cents, day, now, text,
                                     p->id);
    }
    if (r == 0 && p->refunded_cents > 0) {
        snprintf(text, sizeof(text), "Estorno de cobrança - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_REFUND, -p->refunded_cents, day, now,
                                     text, p->id);
    }
    if (r == 0)
        p->credited = true;
    return r;
}

/* Rounds num/den half-up for non-negative values. */
static int64_t div_round(int64_t num, int64_t den)
{
    return (num + den / 2) / den;
}

/* Applies discount (paid early enough) or fine + interest (paid late) to the amount the
 * payer pays on day. */
static void apply_terms_on_payment(struct am_payment *p, int64_t day)
{
    int64_t base = p->value_cents, extra = 0, off = 0;

    if (day > p->due_day) {
        if (p->fine.value > 0)
            extra += p->fine.type == AM_AMOUNT_PERCENTAGE ? div_round(base * p->fine.value, 10000)
                                                         : p->fine.value;
        if (p->interest.value > 0)
            extra += div_round(base * p->interest.value * (day - p->due_day), 10000 * 30);
    } else if (p->discount.value > 0 &&
               day <= p->due_day - p->discount.due_date_limit_days) {
        off = p->discount.type == AM_AMOUNT_PERCENTAGE ? div_round(base * p->discount.value, 10000)
                                                       : p->discount.value;
        if (off >= base)
            off = 0;
    }
    if (extra == 0 && off == 0)
        return;
    p->original_value_cents = base;
    if (extra > 0)
        p->interest_value_cents = extra;
    p->value_cents = base + extra - off;
    p->net_value_cents = p->value_cents - p->fee_cents;
}

static int64_t card_credit_day(int64_t today, unsigned factor)
{
    return am_bizday_roll_forward(today + (int64_t)AM_CARD_CREDIT_DAYS * (factor ? factor : 1));
}

int am_billing_payment_confirm(struct am_billing *b, struct am_payment *p, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int r;

    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    apply_terms_on_payment(p, today);
    p->client_payment_day = today;
    am_billing_receipt_id(p->id, p->receipt);
    if (p->billing_type == AM_BILLING_PIX) {
        /* Pix never shows CONFIRMED: the money is in the account at once. */
        p->payment_day = today;
        p->credit_day = p->estimated_credit_day = today;
        am_billing_set_status(b, p, AM_PAY_RECEIVED);
        r = credit_ledger(b, p, today, now);
        return r < 0 ? r : am_billing_emit(b, "PAYMENT_RECEIVED", p, now);
    }
    if (p->billing_type == AM_BILLING_CREDIT_CARD) {
        p->confirmed_day = today;
        p->credit_day = p->estimated_credit_day = card_credit_day(today, 1);
    } else {
        p->credit_day = p->estimated_credit_day =
            am_bizday_add(today, AM_BOLETO_CREDIT_BUSINESS_DAYS);
    }
    am_billing_set_status(b, p, AM_PAY_CONFIRMED);
    return am_billing_emit(b, "PAYMENT_CONFIRMED", p, now);
}

static void confirm_card(struct am_billing *b, struct am_payment *p, unsigned factor,
                         const char *receipt, int64_t today)
{
    if (p->billing_type != AM_BILLING_CREDIT_CARD) {
        am_billing_set_type(b, p, AM_BILLING_CREDIT_CARD);
        p->fee_cents = am_fee_for(AM_BILLING_CREDIT_CARD, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
        p->nosso_numero[0] = '\0';
    }
    p->confirmed_day = today;
    p->client_payment_day = today;
    p->credit_day = p->estimated_credit_day = card_credit_day(today, factor);
    if (receipt && *receipt)
        snprintf(p->receipt, sizeof(p->receipt), "%s", receipt);
    else
        am_billing_receipt_id(p->id, p->receipt);
    am_billing_set_status(b, p, AM_PAY_CONFIRMED);
}

int am_billing_payment_pay_card(struct am_billing *b, struct am_payment *p,
                                const struct am_card_info *card, unsigned credit_factor,
                                const char *receipt, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if (card) {
        p->card = *card;
        p->card.present = true;
    }
    confirm_card(b, p, credit_factor, receipt, am_cal_day_of(now));
    return am_billing_emit(b, "PAYMENT_CONFIRMED", p, now);
}

int am_billing_payment_authorize(struct am_billing *b, struct am_payment *p,
                                 const struct am_card_info *card, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_PENDING)
        return -EPERM;
    if (card) {
        p->card = *card;
        p->card.present = true;
    }
    if (p->billing_type != AM_BILLING_CREDIT_CARD) {
        am_billing_set_type(b, p, AM_BILLING_CREDIT_CARD);
        p->fee_cents = am_fee_for(AM_BILLING_CREDIT_CARD, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
        p->nosso_numero[0] = '\0';
    }
    am_billing_set_status(b, p, AM_PAY_AUTHORIZED);
    return am_billing_emit(b, "PAYMENT_AUTHORIZED", p, now);
}

int am_billing_payment_capture(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_AUTHORIZED)
        return -EPERM;
    confirm_card(b, p, p->installment_number ? p->installment_number : 1, NULL,
                 am_cal_day_of(now));
    return am_billing_emit(b, "PAYMENT_CONFIRMED", p, now);
}

int am_billing_payment_receive(struct am_billing *b, struct am_payment *p, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int64_t day;
    int r;

    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_CONFIRMED)
        return -EPERM;
    day = p->credit_day != AM_NO_DAY && p->credit_day <= today ? p->credit_day : today;
    p->payment_day = day;
    p->credit_day = day;
    if (!p->receipt[0])
        am_billing_receipt_id(p->id, p->receipt);
    am_billing_set_status(b, p, AM_PAY_RECEIVED);
    r = credit_ledger(b, p, day, now);
    return r < 0 ? r : am_billing_emit(b, "PAYMENT_RECEIVED", p, now);
}

int am_billing_payment_overdue(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_PENDING)
        return -EPERM;
    am_billing_set_status(b, p, AM_PAY_OVERDUE);
    return am_billing_emit(b, "PAYMENT_OVERDUE", p, now);
}

int am_billing_payment_refund(struct am_billing *b, struct am_payment *p, int64_t value_cents,
                              const char *description, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int64_t refundable = p->value_cents - p->refunded_cents;
    struct am_refund *rf, *arr;
    char seed[64], text[160];
    int r = 0;

    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_RECEIVED && p->status != AM_PAY_CONFIRMED)
        return -EPERM;
    if (value_cents <= 0)
        value_cents = refundable;
    if (value_cents > refundable || value_cents <= 0)
        return -EINVAL;
    arr = realloc(p->refunds, (p->n_refunds + 1) * sizeof(*arr));
    if (!arr)
        return -ENOMEM;
    p->refunds = arr;
    rf = &p->refunds[p->n_refunds];
    memset(rf, 0, sizeof(*rf));
    if (am_billing_dup_opt(description, &rf->description) < 0)
        return -ENOMEM;
    p->n_refunds++;
    rf->created_at = now;
    rf->value_cents = value_cents;
    rf->effective_day = today;
    rf->done = true;
    snprintf(seed, sizeof(seed), "%s/refund/%zu", p->id, p->n_refunds);
    am_billing_receipt_id(seed, rf->receipt);
    p->refunded_cents += value_cents;
    if (p->credited) {
        snprintf(text, sizeof(text), "Estorno de cobrança - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_REFUND, -value_cents, today, now, text,
                                     p->id);
        if (r < 0)
            return r;
    }
    if (p->refunded_cents == p->value_cents) {
        am_billing_set_status(b, p, AM_PAY_REFUNDED);
        return am_billing_emit(b, "PAYMENT_REFUNDED", p, now);
    }
    return am_billing_emit(b, "PAYMENT_PARTIALLY_REFUNDED", p, now);
}

int am_billing_payment_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                       int64_t day, int64_t value_cents, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if (day == AM_NO_DAY)
        return -EINVAL;
    p->cash_saved_value_cents = p->value_cents;
    if (value_cents > 0)
        p->value_cents = value_cents;
    p->net_value_cents = p->value_cents;
    p->payment_day = p->client_payment_day = day;
    am_billing_set_status(b, p, AM_PAY_RECEIVED_IN_CASH);
    return am_billing_emit(b, AM_EVENT_RECEIVED_IN_CASH, p, now);
}

int am_billing_payment_undo_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                            int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_RECEIVED_IN_CASH)
        return -EPERM;
    if (p->cash_saved_value_cents > 0)
        p->value_cents = p->cash_saved_value_cents;
    p->cash_saved_value_cents = -1;
    p->net_value_cents = p->value_cents - p->fee_cents;
    p->payment_day = p->client_payment_day = AM_NO_DAY;
    am_billing_set_status(b, p, p->due_day < am_cal_day_of(now) ? AM_PAY_OVERDUE : AM_PAY_PENDING);
    return am_billing_emit(b, "PAYMENT_RECEIVED_IN_CASH_UNDONE", p, now);
}

int am_billing_payment_delete(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p) && p->status != AM_PAY_RECEIVED_IN_CASH)
        return -EPERM;
    am_billing_set_deleted(b, p, true);
    return am_billing_emit(b, "PAYMENT_DELETED", p, now);
}

int am_billing_payment_restore(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (!p->deleted)
        return -EPERM;
    am_billing_set_deleted(b, p, false);
    return am_billing_emit(b, "PAYMENT_RESTORED", p, now);
}

int am_billing_payment_update(struct am_billing *b, struct am_payment *p,
                              const struct am_payment_update *u, int64_t now)
{
    char *desc = NULL, *ext = NULL;

    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if ((u->has_value && u->value_cents <= 0) ||
        (u->has_billing_type && (unsigned)u->billing_type >= _AM_BILLING_MAX) ||
        (u->has_due_day && u->due_day == AM_NO_DAY))
        return -EINVAL;
    /* Copies first so an OOM leaves p untouched. */
    if ((u->has_description && am_billing_dup_opt(u->description, &desc) < 0) ||
        (u->has_external_reference && am_billing_dup_opt(u->external_reference, &ext) < 0)) {
        free(desc);
        return -ENOMEM;
    }
    if (u->has_description) {
        free(p->description);
        p->description = desc;
    }
    if (u->has_external_reference) {
        free(p->external_reference);
        p->external_reference = ext;
    }
    if (u->has_billing_type && u->billing_type != p->billing_type) {
        am_billing_set_type(b, p, u->billing_type);
        if (am_billing_is_bank_slip(p->billing_type) && !p->nosso_numero[0])
            am_billing_next_nosso_numero(b, p->nosso_numero);
        if (!am_billing_is_bank_slip(p->billing_type))
            p->nosso_numero[0] = '\0';
    }
    if (u->has_value)
        p->value_cents = u->value_cents;
    if (u->has_value || u->has_billing_type) {
        if (!p->installment[0])
            p->fee_cents = am_fee_for(p->billing_type, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
    }
    if (u->has_due_day) {
        p->due_day = u->due_day;
        if (p->status == AM_PAY_OVERDUE && p->due_day >= am_cal_day_of(now))
            am_billing_set_status(b, p, AM_PAY_PENDING);
    }
    if (u->has_discount)
        p->discount = u->discount;
    if (u->has_fine)
        p->fine = u->fine;
    if (u->has_interest)
        p->interest = u->interest;
    if (u->has_postal_service)
        p->postal_service = u->postal_service;
    return am_billing_emit(b, "PAYMENT_UPDATED", p, now);
}

/* ---- jobs ------------------------------------------------------------------------- */

size_t am_billing_job_overdue(struct am_billing *b, int64_t day, int64_t now)
{
    size_t changed = 0, nwords = (b->n + 63) / 64;

    for (size_t w = 0; w < nwords; w++) {
        uint64_t word = b->by_status[AM_PAY_PENDING].w[w] & b->live.w[w];

        while (word) {
            int bit = __builtin_ctzll(word);
            struct am_payment *p = b->payments[w * 64 + (size_t)bit];

            word &= word - 1;
            if (p->due_day < day && am_billing_payment_overdue(b, p, now) != -EPERM)
                changed++;
        }
    }
    return changed;
}

size_t am_billing_job_settle(struct am_billing *b, int64_t day, int64_t now)
{
    size_t changed = 0, nwords = (b->n + 63) / 64;

    for (size_t w = 0; w < nwords; w++) {
        uint64_t word = b->by_status[AM_PAY_CONFIRMED].w[w] & b->live.w[w];

        while (word) {
            int bit = __builtin_ctzll(word);
            struct am_payment *p = b->payments[w * 64 + (size_t)bit];

            word &= word - 1;
            if (p->credit_day != AM_NO_DAY && p->credit_day <= day) {
                /* Settle on the credit day itself, whatever day the job runs for. */
                int64_t t = now;

                if (am_billing_payment_receive(b, p, t) != -EPERM)
                    changed++;
            }
        }
    }
    return changed;
}

/* Not yet paid: still deletable. */
static bool deletable(const struct am_payment *p)
{
    return p->status == AM_PAY_PENDING || p->status == AM_PAY_OVERDUE;
}

int am_billing_payments_delete_unpaid(struct am_billing *b, struct am_payment **list, size_t n,
                                      int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        int r;

        if (list[i]->deleted || !deletable(list[i]))
            continue;
        r = am_billing_payment_delete(b, list[i], now);
        if (r == -ENOMEM)
            return r;
    }
    return 0;
}

int am_billing_payment_viewed(struct am_billing *b, struct am_payment *p, bool bank_slip,
                              int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (bank_slip)
        p->last_bank_slip_viewed_at = now;
    else
        p->last_invoice_viewed_at = now;
    return am_billing_emit(b, bank_slip ? AM_EVT_BANK_SLIP_VIEWED : AM_EVT_CHECKOUT_VIEWED, p, now);
}

/* billing_render.c - payments, refunds, installments and events as Asaas JSON (see billing.h). */
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
#include "jsonw.h"
#include "money.h"
#include "public_url.h"

/* ---- rendering -------------------------------------------------------------------- */

bool am_billing_add_day(cJSON *o, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY)
        return cJSON_AddNullToObject(o, key) != NULL;
    am_cal_format_day(day, buf);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

/* ---- text rendering (util/jsonw.h): the hot path, no DOM ---------------------------- */

/* The helpers below are inlined where they are called, so that their literal keys take
 * jsonw.h's in-place path. */
#define RENDER_INLINE static inline __attribute__((always_inline))

RENDER_INLINE void write_day(struct am_jsonw *w, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY) {
        am_jsonw_null(w, key);
        return;
    }
    am_cal_format_day(day, buf);
    am_jsonw_strn(w, key, buf, 10); /* always "YYYY-MM-DD" (calendar.h) */
}

RENDER_INLINE void write_instant(struct am_jsonw *w, const char *key, int64_t t)
{
    char buf[20];

    if (t == 0) {
        am_jsonw_null(w, key);
        return;
    }
    am_clock_format_datetime(t, buf);
    am_jsonw_str(w, key, buf);
}

RENDER_INLINE void write_money_or_null(struct am_jsonw *w, const char *key,
                                       int64_t cents)
{
    if (cents < 0)
        am_jsonw_null(w, key);
    else
        am_jsonw_cents(w, key, cents);
}

/* The page's URL: base (public_url.h: the address clients used) + path + suffix; null
 * when there is no suffix. */
RENDER_INLINE void write_url(struct am_jsonw *w, const char *key, const char *path,
                             const char *suffix)
{
    char buf[AM_PUBLIC_URL_MAX + 64];
    int n;

    if (!suffix || !*suffix) {
        am_jsonw_null(w, key);
        return;
    }
    n = am_public_url_join(buf, sizeof(buf), path, suffix);
    if (n < 0) {
        am_jsonw_null(w, key); /* cannot happen: suffixes are short ids */
        return;
    }
    am_jsonw_strn(w, key, buf, (size_t)n);
}

const char *am_billing_amount_type_name(enum am_amount_type t)
{
    return t == AM_AMOUNT_PERCENTAGE ? "PERCENTAGE" : "FIXED";
}

static void write_card(struct am_jsonw *w, const struct am_payment *p)
{
    write_day(w, "confirmedDate", p->confirmed_day);
    if (!p->card.present) {
        am_jsonw_null(w, "creditCard");
        return;
    }
    am_jsonw_obj(w, "creditCard");
    am_jsonw_str(w, "creditCardNumber", p->card.last4);
    am_jsonw_str(w, "creditCardBrand", p->card.brand);
    am_jsonw_str(w, "creditCardToken", p->card.token[0] ? p->card.token : NULL);
    am_jsonw_end_obj(w);
}

void am_refund_write(struct am_jsonw *w, const char *key, const struct am_refund *rf)
{
    am_jsonw_obj(w, key);
    write_instant(w, "dateCreated", rf->created_at);
    am_jsonw_str(w, "status", rf->done ? "DONE" : "PENDING");
    am_jsonw_cents(w, "value", rf->value_cents);
    am_jsonw_null(w, "endToEndIdentifier");
    am_jsonw_str(w, "description", rf->description);
    write_day(w, "effectiveDate", rf->effective_day);
    write_url(w, "transactionReceiptUrl", "/comprovantes/", rf->receipt);
    am_jsonw_arr(w, "refundedSplits");
    am_jsonw_end_arr(w);
    am_jsonw_end_obj(w);
}

static void write_refunds(struct am_jsonw *w, const struct am_payment *p)
{
    if (p->n_refunds == 0) {
        am_jsonw_null(w, "refunds");
        return;
    }
    am_jsonw_arr(w, "refunds");
    for (size_t i = 0; i < p->n_refunds; i++)
        am_refund_write(w, NULL, &p->refunds[i]);
    am_jsonw_end_arr(w);
}

static void write_terms(struct am_jsonw *w, const struct am_payment *p)
{
    am_jsonw_obj(w, "discount");
    am_jsonw_cents(w, "value", p->discount.value);
    write_day(w, "limitDate", p->discount.limit_day);
    am_jsonw_int(w, "dueDateLimitDays", p->discount.due_date_limit_days);
    am_jsonw_str(w, "type", am_billing_amount_type_name(p->discount.type));
    am_jsonw_end_obj(w);
    am_jsonw_obj(w, "fine");
    am_jsonw_cents(w, "value", p->fine.value);
    am_jsonw_str(w, "type", am_billing_amount_type_name(p->fine.type));
    am_jsonw_end_obj(w);
    am_jsonw_obj(w, "interest");
    am_jsonw_cents(w, "value", p->interest.value);
    am_jsonw_str(w, "type", "PERCENTAGE");
    am_jsonw_end_obj(w);
}

void am_payment_write(struct am_jsonw *w, const char *key, const struct am_payment *p)
{
    const char *suffix = strncmp(p->id, "pay_", 4) == 0 ? p->id + 4 : p->id;
    char created[11];

    am_cal_format_day(am_cal_day_of(p->created_at), created);
    am_jsonw_obj(w, key);
    am_jsonw_str(w, "object", "payment");
    am_jsonw_str(w, "id", p->id);
    am_jsonw_str(w, "dateCreated", created);
    am_jsonw_str(w, "customer", p->customer);
    if (p->subscription[0])
        am_jsonw_str(w, "subscription", p->subscription);
    if (p->installment[0])
        am_jsonw_str(w, "installment", p->installment);
    am_jsonw_str(w, "checkoutSession", p->checkout_session[0] ? p->checkout_session : NULL);
    am_jsonw_str(w, "paymentLink", p->payment_link[0] ? p->payment_link : NULL);
    am_jsonw_cents(w, "value", p->value_cents);
    am_jsonw_cents(w, "netValue", p->net_value_cents);
    write_money_or_null(w, "originalValue", p->original_value_cents);
    write_money_or_null(w, "interestValue", p->interest_value_cents);
    am_jsonw_str(w, "description", p->description);
    am_jsonw_str(w, "billingType", am_billing_type_name(p->billing_type));
    if (p->billing_type == AM_BILLING_BOLETO)
        am_jsonw_bool(w, "canBePaidAfterDueDate", p->can_be_paid_after_due_date);
    if (p->billing_type == AM_BILLING_CREDIT_CARD)
        write_card(w, p);
    am_jsonw_null(w, "pixTransaction");
    am_jsonw_str(w, "status", am_payment_status_name(p->status));
    write_day(w, "dueDate", p->due_day);
    write_day(w, "originalDueDate", p->original_due_day);
    write_day(w, "paymentDate", p->payment_day);
    write_day(w, "clientPaymentDate", p->client_payment_day);
    if (p->installment_number)
        am_jsonw_int(w, "installmentNumber", p->installment_number);
    else
        am_jsonw_null(w, "installmentNumber");
    write_url(w, "invoiceUrl", "/i/", suffix);
    am_jsonw_str(w, "invoiceNumber", p->invoice_number);
    am_jsonw_str(w, "externalReference", p->external_reference);
    am_jsonw_bool(w, "deleted", p->deleted);
    am_jsonw_bool(w, "anticipated", p->anticipated);
    am_jsonw_bool(w, "anticipable", p->anticipable);
    write_day(w, "creditDate", p->credit_day);
    write_day(w, "estimatedCreditDate", p->estimated_credit_day);
    write_url(w, "transactionReceiptUrl", "/comprovantes/", p->receipt);
    am_jsonw_str(w, "nossoNumero", p->nosso_numero[0] ? p->nosso_numero : NULL);
    write_url(w, "bankSlipUrl", "/b/pdf/",
              am_billing_is_bank_slip(p->billing_type) ? suffix : NULL);
    write_instant(w, "lastInvoiceViewedDate", p->last_invoice_viewed_at);
    write_instant(w, "lastBankSlipViewedDate", p->last_bank_slip_viewed_at);
    write_terms(w, p);
    am_jsonw_bool(w, "postalService", p->postal_service);
    am_jsonw_null(w, "escrow");
    write_refunds(w, p);
    am_jsonw_end_obj(w);
}

/* ---- the cJSON forms, for callers that still build a tree around them -------------- */

/* Parses what write() rendered into a tree. NULL on OOM. */
static cJSON *tree_of(struct am_jsonw *w)
{
    char *text = am_jsonw_take(w, NULL);
    cJSON *o = text ? cJSON_Parse(text) : NULL;

    free(text);
    return o;
}

cJSON *am_refund_to_json(const struct am_refund *rf)
{
    struct am_jsonw w = {0};

    am_refund_write(&w, NULL, rf);
    return tree_of(&w);
}

cJSON *am_payment_to_json(const struct am_payment *p)
{
    struct am_jsonw w = {0};

    am_payment_write(&w, NULL, p);
    return tree_of(&w);
}

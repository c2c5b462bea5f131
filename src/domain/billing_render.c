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

static bool add_instant(cJSON *o, const char *key, int64_t t)
{
    char buf[20];

    if (t == 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    am_clock_format_datetime(t, buf);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static bool add_money_or_null(cJSON *o, const char *key, int64_t cents)
{
    if (cents < 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    return am_money_add(o, key, cents) == 0;
}

static bool add_url(cJSON *o, const char *key, const char *prefix, const char *suffix)
{
    char buf[AM_PUBLIC_URL_MAX + 64];

    if (!suffix || !*suffix)
        return cJSON_AddNullToObject(o, key) != NULL;
    /* prefix is the page's path: the base is the address clients used (public_url.h). */
    if (am_public_url_join(buf, sizeof(buf), prefix, suffix) < 0)
        return false;
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static int add_str_or_null(cJSON *o, const char *key, const char *value)
{
    cJSON *item = value ? cJSON_CreateString(value) : cJSON_CreateNull();

    if (!item)
        return -ENOMEM;
    if (!cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        return -ENOMEM;
    }
    return 0;
}

const char *am_billing_amount_type_name(enum am_amount_type t)
{
    return t == AM_AMOUNT_PERCENTAGE ? "PERCENTAGE" : "FIXED";
}

static cJSON *card_json(const struct am_card_info *card)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    if (!cJSON_AddStringToObject(o, "creditCardNumber", card->last4) ||
        !cJSON_AddStringToObject(o, "creditCardBrand", card->brand) ||
        add_str_or_null(o, "creditCardToken",
                                         card->token[0] ? card->token : NULL) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *am_refund_to_json(const struct am_refund *rf)
{
    cJSON *o = cJSON_CreateObject();
    bool ok;

    if (!o)
        return NULL;
    ok = add_instant(o, "dateCreated", rf->created_at) &&
         cJSON_AddStringToObject(o, "status", rf->done ? "DONE" : "PENDING") &&
         am_money_add(o, "value", rf->value_cents) == 0 &&
         cJSON_AddNullToObject(o, "endToEndIdentifier") &&
         add_str_or_null(o, "description", rf->description) == 0 &&
         am_billing_add_day(o, "effectiveDate", rf->effective_day) &&
         add_url(o, "transactionReceiptUrl", "/comprovantes/",
                 rf->receipt) &&
         cJSON_AddArrayToObject(o, "refundedSplits");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static bool add_refunds(cJSON *o, const struct am_payment *p)
{
    cJSON *arr;

    if (p->n_refunds == 0)
        return cJSON_AddNullToObject(o, "refunds") != NULL;
    arr = cJSON_AddArrayToObject(o, "refunds");
    if (!arr)
        return false;
    for (size_t i = 0; i < p->n_refunds; i++) {
        cJSON *item = am_refund_to_json(&p->refunds[i]);

        if (!item)
            return false;
        cJSON_AddItemToArray(arr, item);
    }
    return true;
}

static bool add_card(cJSON *o, const struct am_payment *p)
{
    cJSON *card;

    if (!am_billing_add_day(o, "confirmedDate", p->confirmed_day))
        return false;
    if (!p->card.present)
        return cJSON_AddNullToObject(o, "creditCard") != NULL;
    card = card_json(&p->card);
    if (!card)
        return false;
    if (!cJSON_AddItemToObject(o, "creditCard", card)) {
        cJSON_Delete(card);
        return false;
    }
    return true;
}

static bool add_terms(cJSON *o, const struct am_payment *p)
{
    cJSON *d = cJSON_AddObjectToObject(o, "discount");
    cJSON *f, *i;

    if (!d || am_money_add(d, "value", p->discount.value) != 0 ||
        !am_billing_add_day(d, "limitDate", p->discount.limit_day) ||
        !cJSON_AddNumberToObject(d, "dueDateLimitDays", p->discount.due_date_limit_days) ||
        !cJSON_AddStringToObject(d, "type", am_billing_amount_type_name(p->discount.type)))
        return false;
    f = cJSON_AddObjectToObject(o, "fine");
    if (!f || am_money_add(f, "value", p->fine.value) != 0 ||
        !cJSON_AddStringToObject(f, "type", am_billing_amount_type_name(p->fine.type)))
        return false;
    i = cJSON_AddObjectToObject(o, "interest");
    return i && am_money_add(i, "value", p->interest.value) == 0 &&
           cJSON_AddStringToObject(i, "type", "PERCENTAGE");
}

cJSON *am_payment_to_json(const struct am_payment *p)
{
    const char *suffix = strncmp(p->id, "pay_", 4) == 0 ? p->id + 4 : p->id;
    cJSON *o = cJSON_CreateObject();
    char date[11];
    bool ok;

    if (!o)
        return NULL;
    am_cal_format_day(am_cal_day_of(p->created_at), date);
    ok = cJSON_AddStringToObject(o, "object", "payment") &&
         cJSON_AddStringToObject(o, "id", p->id) &&
         cJSON_AddStringToObject(o, "dateCreated", date) &&
         cJSON_AddStringToObject(o, "customer", p->customer) &&
         (!p->subscription[0] || cJSON_AddStringToObject(o, "subscription", p->subscription)) &&
         (!p->installment[0] || cJSON_AddStringToObject(o, "installment", p->installment)) &&
         cJSON_AddNullToObject(o, "checkoutSession") &&
         cJSON_AddNullToObject(o, "paymentLink") &&
         am_money_add(o, "value", p->value_cents) == 0 &&
         am_money_add(o, "netValue", p->net_value_cents) == 0 &&
         add_money_or_null(o, "originalValue", p->original_value_cents) &&
         add_money_or_null(o, "interestValue", p->interest_value_cents) &&
         add_str_or_null(o, "description", p->description) == 0 &&
         cJSON_AddStringToObject(o, "billingType", am_billing_type_name(p->billing_type)) &&
         (p->billing_type != AM_BILLING_BOLETO ||
          cJSON_AddBoolToObject(o, "canBePaidAfterDueDate", p->can_be_paid_after_due_date)) &&
         (p->billing_type != AM_BILLING_CREDIT_CARD || add_card(o, p)) &&
         cJSON_AddNullToObject(o, "pixTransaction") &&
         cJSON_AddStringToObject(o, "status", am_payment_status_name(p->status)) &&
         am_billing_add_day(o, "dueDate", p->due_day) &&
         am_billing_add_day(o, "originalDueDate", p->original_due_day) &&
         am_billing_add_day(o, "paymentDate", p->payment_day) &&
         am_billing_add_day(o, "clientPaymentDate", p->client_payment_day) &&
         (p->installment_number
              ? cJSON_AddNumberToObject(o, "installmentNumber", p->installment_number) != NULL
              : cJSON_AddNullToObject(o, "installmentNumber") != NULL) &&
         add_url(o, "invoiceUrl", "/i/", suffix) &&
         cJSON_AddStringToObject(o, "invoiceNumber", p->invoice_number) &&
         add_str_or_null(o, "externalReference", p->external_reference) == 0 &&
         cJSON_AddBoolToObject(o, "deleted", p->deleted) &&
         cJSON_AddBoolToObject(o, "anticipated", p->anticipated) &&
         cJSON_AddBoolToObject(o, "anticipable", p->anticipable) &&
         am_billing_add_day(o, "creditDate", p->credit_day) &&
         am_billing_add_day(o, "estimatedCreditDate", p->estimated_credit_day) &&
         add_url(o, "transactionReceiptUrl", "/comprovantes/",
                 p->receipt) &&
         add_str_or_null(o, "nossoNumero", p->nosso_numero[0] ? p->nosso_numero : NULL) == 0 &&
         add_url(o, "bankSlipUrl", "/b/pdf/",
                 am_billing_is_bank_slip(p->billing_type) ? suffix : NULL) &&
         add_instant(o, "lastInvoiceViewedDate", p->last_invoice_viewed_at) &&
         add_instant(o, "lastBankSlipViewedDate", p->last_bank_slip_viewed_at) &&
         add_terms(o, p) && cJSON_AddBoolToObject(o, "postalService", p->postal_service) &&
         cJSON_AddNullToObject(o, "escrow") && add_refunds(o, p);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}


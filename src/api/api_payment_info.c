/* api_payment_info.c - what /v3/payments/{id} offers besides its state changes (see
 * api_payments.h): the Pix QR code, the boleto line, status, billing and viewing info,
 * and the account-level simulate and limits. Read-only views over billing.h. */
#include "api_payments.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "boleto.h"
#include "brcode.h"
#include "clock.h"
#include "customers.h"
#include "fees.h"
#include "input.h"
#include "money.h"
#include "public_url.h"
#include "qrpng.h"

#define QR_SCALE 5

/* ---- sub-resources ---------------------------------------------------------------- */

/* The payment's BR Code payload (new string) or NULL on OOM. */
static char *pix_payload(const struct am_payment *p)
{
    const char *txid = strncmp(p->id, "pay_", 4) == 0 ? p->id + 4 : p->id;

    return am_brcode_payload(txid, p->value_cents, AM_PIX_MERCHANT_NAME, AM_PIX_MERCHANT_CITY);
}

/* {encodedImage, payload, expirationDate} added to o. Returns 0 or -ENOMEM. */
static int add_pix(cJSON *o, const struct am_payment *p)
{
    char *payload = pix_payload(p);
    char *image = payload ? am_qrpng_base64(payload, QR_SCALE) : NULL;
    char day[11], exp[24];
    int r = -ENOMEM;

    if (!payload || !image)
        goto out;
    am_cal_format_day(am_cal_add_months(p->due_day, 12 * AM_PIX_QR_EXPIRATION_YEARS), day);
    snprintf(exp, sizeof(exp), "%s 23:59:59", day);
    if (cJSON_AddStringToObject(o, "encodedImage", image) &&
        cJSON_AddStringToObject(o, "payload", payload) &&
        cJSON_AddStringToObject(o, "expirationDate", exp))
        r = 0;
out:
    free(payload);
    free(image);
    return r;
}

static bool pix_capable(const struct am_payment *p)
{
    return p->billing_type == AM_BILLING_PIX || p->billing_type == AM_BILLING_BOLETO ||
           p->billing_type == AM_BILLING_UNDEFINED;
}

static bool slip_capable(const struct am_payment *p)
{
    return p->billing_type == AM_BILLING_BOLETO || p->billing_type == AM_BILLING_UNDEFINED;
}

/* The payment, when it can answer this view; else the answer is written (returns != 0). */
static int find_capable(struct am_ctx *ctx, const char *id, struct am_response *resp,
                        bool (*capable)(const struct am_payment *), const char *refusal,
                        struct am_payment **p)
{
    int r = am_api_payments_find(ctx, id, resp, p);

    if (r)
        return r;
    if (!capable(*p))
        return am_input_fail(resp, 400, AM_ERR_PAY_ACTION, refusal);
    return 0;
}

int am_api_payments_pix_qrcode(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_payment *p;
    cJSON *o;
    int r;

    (void)req;
    r = find_capable(ctx, id, resp, pix_capable, AM_TXT_PAY_PIX_NOT_AVAILABLE, &p);
    if (r)
        return am_input_done(r);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddBoolToObject(o, "success", true) || add_pix(o, p) < 0) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

/* Barcode and linha digitável of a bank slip. Returns 0 or -EINVAL. */
static int slip_numbers(const struct am_payment *p, char barcode[45], char line[48])
{
    char free25[26];
    int r;

    /* agency 0001 + nossoNumero + invoiceNumber + padding: 25 digits. */
    snprintf(free25, sizeof(free25), "0001%.8s%.8s00000", p->nosso_numero[0] ? p->nosso_numero : "00000000",
             p->invoice_number);
    r = am_boleto_barcode(AM_BOLETO_BANK, p->due_day, p->value_cents, free25, barcode);
    return r < 0 ? r : am_boleto_linha_digitavel(barcode, line);
}

static int add_slip(cJSON *o, const struct am_payment *p, bool with_url)
{
    char barcode[45], line[48], url[AM_PUBLIC_URL_MAX + 64];

    if (slip_numbers(p, barcode, line) < 0)
        return -EINVAL;
    am_public_url_join(url, sizeof(url), "/b/pdf/", strncmp(p->id, "pay_", 4) == 0 ? p->id + 4 : p->id);
    if (!cJSON_AddStringToObject(o, "identificationField", line) ||
        !cJSON_AddStringToObject(o, "nossoNumero", p->nosso_numero) ||
        !cJSON_AddStringToObject(o, "barCode", barcode))
        return -ENOMEM;
    if (with_url &&
        (!cJSON_AddStringToObject(o, "bankSlipUrl", url) ||
         !(p->days_after_due_to_cancel >= 0
               ? cJSON_AddNumberToObject(o, "daysAfterDueDateToRegistrationCancellation",
                                         p->days_after_due_to_cancel)
               : cJSON_AddNullToObject(o, "daysAfterDueDateToRegistrationCancellation"))))
        return -ENOMEM;
    return 0;
}

int am_api_payments_identification_field(struct am_ctx *ctx, const char *id,
                                         const struct am_request *req, struct am_response *resp)
{
    struct am_payment *p;
    cJSON *o;
    int r;

    (void)req;
    r = find_capable(ctx, id, resp, slip_capable, AM_TXT_PAY_ID_FIELD_NOT_BOLETO, &p);
    if (r)
        return am_input_done(r);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    r = add_slip(o, p, false);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    return am_response_json(resp, 200, o);
}

int am_api_payments_status(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_payment *p;
    cJSON *o;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "status", am_payment_status_name(p->status))) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

int am_api_payments_billing_info(struct am_ctx *ctx, const char *id,
                                 const struct am_request *req, struct am_response *resp)
{
    struct am_payment *p;
    cJSON *o, *sub;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    r = -ENOMEM;
    if (pix_capable(p)) {
        sub = cJSON_AddObjectToObject(o, "pix");
        if (!sub || add_pix(sub, p) < 0)
            goto fail;
    } else if (!cJSON_AddNullToObject(o, "pix")) {
        goto fail;
    }
    if (p->card.present) {
        sub = cJSON_AddObjectToObject(o, "creditCard");
        if (!sub || !cJSON_AddStringToObject(sub, "creditCardNumber", p->card.last4) ||
            !cJSON_AddStringToObject(sub, "creditCardBrand", p->card.brand) ||
            am_json_add_string_or_null(sub, "creditCardToken",
                                       p->card.token[0] ? p->card.token : NULL) < 0)
            goto fail;
    } else if (!cJSON_AddNullToObject(o, "creditCard")) {
        goto fail;
    }
    if (slip_capable(p)) {
        sub = cJSON_AddObjectToObject(o, "bankSlip");
        if (!sub || (r = add_slip(sub, p, true)) < 0)
            goto fail;
    } else if (!cJSON_AddNullToObject(o, "bankSlip")) {
        goto fail;
    }
    return am_response_json(resp, 200, o);
fail:
    cJSON_Delete(o);
    return r < 0 ? r : -ENOMEM;
}

int am_api_payments_viewing_info(struct am_ctx *ctx, const char *id,
                                 const struct am_request *req, struct am_response *resp)
{
    struct am_payment *p;
    char buf[20];
    cJSON *o;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    if (p->last_invoice_viewed_at) {
        am_clock_format_datetime(p->last_invoice_viewed_at, buf);
        r = am_json_add_string_or_null(o, "invoiceViewedDate", buf);
    } else {
        r = am_json_add_string_or_null(o, "invoiceViewedDate", NULL);
    }
    if (r == 0 && p->last_bank_slip_viewed_at) {
        am_clock_format_datetime(p->last_bank_slip_viewed_at, buf);
        r = am_json_add_string_or_null(o, "boletoViewedDate", buf);
    } else if (r == 0) {
        r = am_json_add_string_or_null(o, "boletoViewedDate", NULL);
    }
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    return am_response_json(resp, 200, o);
}

/* ---- simulate / limits ------------------------------------------------------------ */

static int add_simulation(cJSON *root, const char *key, enum am_billing_type t, int64_t total,
                          unsigned n)
{
    int64_t *values = calloc(n, sizeof(*values));
    int64_t *fees = calloc(n, sizeof(*fees));
    int64_t fee_total = 0;
    cJSON *o, *inst;
    int r = -ENOMEM;

    if (!values || !fees)
        goto out;
    am_installments_split(total, n, values);
    if (t == AM_BILLING_CREDIT_CARD && n > 1) {
        am_fee_card_installments(total, n, fees);
    } else {
        for (unsigned i = 0; i < n; i++)
            fees[i] = am_fee_for(t, values[i]);
    }
    for (unsigned i = 0; i < n; i++)
        fee_total += fees[i];
    o = cJSON_AddObjectToObject(root, key);
    if (!o || am_money_add(o, "netValue", total - fee_total) < 0)
        goto out;
    if (t == AM_BILLING_CREDIT_CARD) {
        if (!cJSON_AddNumberToObject(o, "feePercentage",
                                     (double)am_fee_card_rate_bp(n ? n : 1) / 100.0) ||
            am_money_add(o, "operationFee", 49) < 0)
            goto out;
    } else if (am_money_add(o, "feeValue", fee_total) < 0) {
        goto out;
    }
    inst = cJSON_AddObjectToObject(o, "installment");
    if (!inst || am_money_add(inst, "paymentNetValue", values[0] - fees[0]) < 0 ||
        am_money_add(inst, "paymentValue", values[0]) < 0)
        goto out;
    r = 0;
out:
    free(values);
    free(fees);
    return r;
}

int am_api_payments_simulate(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    static const struct {
        const char *name;
        const char *key;
        enum am_billing_type type;
    } kinds[] = {
        {"CREDIT_CARD", "creditCard", AM_BILLING_CREDIT_CARD},
        {"BOLETO", "bankSlip", AM_BILLING_BOLETO},
        {"PIX", "pix", AM_BILLING_PIX},
    };
    const cJSON *types;
    cJSON *json = NULL, *root = NULL;
    int64_t value = 0;
    long n = 1;
    int r;

    (void)ctx;
    (void)id;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = am_money_from_json(am_input_field(json, "value"), &value);
    if (r == -ENOENT) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_MISSING);
        goto out;
    }
    if (r < 0 || value <= 0) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_VALUE, AM_TXT_PAY_VALUE_INVALID);
        goto out;
    }
    r = am_input_int(am_input_field(json, "installmentCount"), 1, AM_INSTALLMENTS_MAX, &n);
    if (r == -EINVAL || (r == 0 && value < n)) {
        r = am_input_fail(resp, 400, AM_ERR_INSTALLMENT_COUNT, AM_TXT_INSTALLMENT_COUNT);
        goto out;
    }
    if (r == -ENOENT)
        n = 1;
    types = am_input_field(json, "billingTypes");
    if (types && !cJSON_IsArray(types)) {
        r = am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
        goto out;
    }
    root = cJSON_CreateObject();
    if (!root || am_money_add(root, "value", value) < 0) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        bool wanted = !types || cJSON_GetArraySize(types) == 0;
        const cJSON *t;

        cJSON_ArrayForEach(t, types) {
            if (cJSON_IsString(t) && strcmp(t->valuestring, kinds[k].name) == 0)
                wanted = true;
        }
        if (!wanted)
            continue;
        r = add_simulation(root, kinds[k].key, kinds[k].type, value, (unsigned)n);
        if (r < 0)
            goto out;
    }
    r = am_response_json(resp, 200, root);
    root = NULL;
out:
    cJSON_Delete(root);
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_payments_limits(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_billing *b = ctx && ctx->account ? ctx->account->billing : NULL;
    struct am_payment_filter f;
    struct am_payment *dummy[1];
    size_t n = 0, used;
    cJSON *root, *creation, *daily;

    (void)id;
    (void)req;
    if (!b)
        return -EINVAL;
    am_payment_filter_init(&f);
    f.include_deleted = true;
    f.created_ge = f.created_le = am_api_today(ctx);
    used = am_billing_payments_query(b, &f, 0, 0, dummy, &n);
    root = cJSON_CreateObject();
    creation = root ? cJSON_AddObjectToObject(root, "creation") : NULL;
    daily = creation ? cJSON_AddObjectToObject(creation, "daily") : NULL;
    if (!daily || !cJSON_AddNumberToObject(daily, "limit", AM_PAY_LIMIT_DAILY) ||
        !cJSON_AddNumberToObject(daily, "used", (double)used) ||
        !cJSON_AddBoolToObject(daily, "wasReached", used >= AM_PAY_LIMIT_DAILY)) {
        cJSON_Delete(root);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, root);
}

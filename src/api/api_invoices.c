/* api_invoices.c - fiscal info, its code catalogues and NFS-e invoices (api_invoices.h).
 *
 * Validation answers the first problem only (asaas_facts.h, "area links"); a refused
 * request changes nothing. An invoice needs the account's fiscal info first. */
#include "api_invoices.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_form.h"
#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "customers.h"
#include "input.h"
#include "invoices.h"
#include "links.h"
#include "money.h"
#include "records.h"

static struct am_records *recs(const struct am_ctx *ctx)
{
    return ctx->account->records;
}

static bool ready(const struct am_ctx *ctx)
{
    return am_api_ready(ctx) && ctx->account->records;
}

static int fail(struct am_response *resp, const char *code, const char *text)
{
    return am_input_fail(resp, 400, code, text);
}

/* ---- fiscal info ------------------------------------------------------------------- */

int am_api_fiscal_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                      struct am_response *resp)
{
    cJSON *o;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    if (!am_records_doc(recs(ctx), AM_FISCAL_DOC))
        return am_api_not_found(resp);
    o = am_fiscal_public(recs(ctx));
    return am_api_answer_json(resp, o);
}

int am_api_fiscal_save(struct am_ctx *ctx, const char *id, const struct am_request *req,
                       struct am_response *resp)
{
    struct am_api_form f;
    const char *email = NULL, *s;
    bool b = false, had = am_records_doc(recs(ctx), AM_FISCAL_DOC) != NULL;
    static const char *const texts[] = {"municipalInscription", "cnae", "specialTaxRegime",
                                        "serviceListItem", "nbsCode", "rpsSerie", "username",
                                        "password", "accessToken", "certificatePassword",
                                        "nationalPortalTaxCalculationRegime"};
    long n;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_form_read(req, resp, &f);
    if (r != 0)
        goto out;
    if (am_input_str(f.json, "email", &email, NULL) < 0 || (!email && !had) ||
        (email && !strchr(email, '@'))) {
        r = fail(resp, AM_ERR_FISCAL_EMAIL, AM_TXT_FISCAL_EMAIL);
        goto out;
    }
    if (am_api_form_bool(f.json, "simplesNacional", &b) < 0 ||
        (!had && !am_input_field(f.json, "simplesNacional"))) {
        r = fail(resp, AM_ERR_FISCAL_SIMPLES, AM_TXT_FISCAL_SIMPLES);
        goto out;
    }
    if (am_api_form_bool(f.json, "culturalProjectsPromoter", &b) < 0) {
        r = am_input_type_error(resp, "culturalProjectsPromoter");
        goto out;
    }
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        r = am_input_text(f.json, texts[i], &s, resp);
        if (r != 0)
            goto out;
    }
    if ((am_input_field(f.json, "rpsNumber") &&
         am_input_int(am_input_field(f.json, "rpsNumber"), 0, 999999999, &n) < 0)) {
        r = am_input_type_error(resp, "rpsNumber");
        goto out;
    }
    if ((am_input_field(f.json, "loteNumber") &&
         am_input_int(am_input_field(f.json, "loteNumber"), 0, 999999999, &n) < 0)) {
        r = am_input_type_error(resp, "loteNumber");
        goto out;
    }
    /* A certificate is a file part; only the fact that it was sent is kept. */
    if (am_api_form_file(&f, "certificateFile") &&
        !cJSON_AddStringToObject(f.json, "certificateFile", "sent")) {
        r = -ENOMEM;
        goto out;
    }
    r = am_fiscal_save(recs(ctx), f.json) ? am_api_answer_json(resp, am_fiscal_public(recs(ctx)))
                                          : -ENOMEM;
out:
    am_api_form_free(&f);
    return am_input_done(r);
}

int am_api_fiscal_municipal_options(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, am_fiscal_municipal_options());
}

/* Case-insensitive substring (filters are typed by people). */
static bool contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; hay && *hay; hay++) {
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    }
    return !needle[0];
}

/* One catalogue page, filtered by query keys (each: the item member it searches). */
static int catalogue_page(struct am_ctx *ctx, const char *name, const char *const (*filters)[2],
                          size_t n_filters, bool offset_is_page, struct am_response *resp)
{
    struct am_page page;
    struct am_api_pager pg;
    cJSON *items, *it;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    /* /fiscalInfo/services takes offset as a page number (reference §2.3). */
    if (offset_is_page)
        page.offset *= page.limit;
    items = am_fiscal_catalogue(name);
    if (!items)
        return -ENOMEM;
    am_api_pager_init(&pg, &page);
    cJSON_ArrayForEach(it, items)
    {
        bool match = true;

        for (size_t i = 0; match && i < n_filters; i++) {
            const char *want = am_api_query_value(ctx->query, filters[i][0]);

            match = !want || contains(am_link_str(it, filters[i][1]), want);
        }
        if (match && am_api_pager_take(&pg))
            am_api_pager_add(&pg, cJSON_Duplicate(it, true));
    }
    cJSON_Delete(items);
    r = am_api_pager_answer(&pg, resp);
    return r;
}

static const char *const code_desc[][2] = {{"code", "code"}, {"description", "description"}};

int am_api_fiscal_services(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    static const char *const f[][2] = {{"description", "description"}};

    (void)id;
    (void)req;
    return catalogue_page(ctx, "services", f, 1, true, resp);
}

int am_api_fiscal_nbs_codes(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    static const char *const f[][2] = {{"codeDescription", "codeDescription"}};

    (void)id;
    (void)req;
    return catalogue_page(ctx, "nbsCodes", f, 1, false, resp);
}

int am_api_fiscal_federal_codes(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    (void)id;
    (void)req;
    return catalogue_page(ctx, "federalServiceCodes", code_desc, 2, false, resp);
}

int am_api_fiscal_indicator_codes(struct am_ctx *ctx, const char *id,
                                  const struct am_request *req, struct am_response *resp)
{
    (void)id;
    (void)req;
    return catalogue_page(ctx, "operationIndicatorCodes", code_desc, 2, false, resp);
}

int am_api_fiscal_classification_codes(struct am_ctx *ctx, const char *id,
                                       const struct am_request *req, struct am_response *resp)
{
    static const char *const f[][2] = {{"code", "code"}, {"description", "description"}};

    (void)id;
    (void)req;
    /* taxSituationCode filters on the nested taxSituation.code: same codes here. */
    return catalogue_page(ctx, "taxClassificationCodes", f, 2, false, resp);
}

int am_api_fiscal_situation_codes(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                  struct am_response *resp)
{
    (void)id;
    (void)req;
    return catalogue_page(ctx, "taxSituationCodes", code_desc, 2, false, resp);
}

int am_api_fiscal_national_portal(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                  struct am_response *resp)
{
    cJSON *j = NULL, *doc, *o;
    bool enabled = false;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (!cJSON_IsBool(am_input_field(j, "enabled")) ||
        am_api_form_bool(j, "enabled", &enabled) < 0) {
        r = fail(resp, AM_ERR_FISCAL_ENABLED, AM_TXT_FISCAL_ENABLED);
        goto out;
    }
    doc = am_records_doc(recs(ctx), AM_FISCAL_DOC);
    if (!doc) {
        r = fail(resp, AM_ERR_INVOICE_NO_FISCAL, AM_TXT_INVOICE_NO_FISCAL);
        goto out;
    }
    if (!am_links_put(doc, "_nationalPortal", cJSON_CreateBool(enabled))) {
        r = -ENOMEM;
        goto out;
    }
    o = cJSON_CreateObject();
    r = o && cJSON_AddBoolToObject(o, "success", true) ? am_api_answer_json(resp, o) : -ENOMEM;
    if (r == -ENOMEM)
        cJSON_Delete(o);
out:
    cJSON_Delete(j);
    return am_input_done(r);
}

/* ---- invoices ---------------------------------------------------------------------- */

static int field_missing(struct am_response *resp, const char *key)
{
    char code[64], text[128];

    snprintf(code, sizeof(code), "invalid_%s", key);
    snprintf(text, sizeof(text), AM_TXT_INVOICE_FIELD_FMT, key);
    return fail(resp, code, text);
}

static bool rate_ok(const cJSON *t, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, key);

    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 100;
}

/* The invoice body rules; create needs every required field, update what is sent. */
static int invoice_validate(const struct am_ctx *ctx, const cJSON *j, bool create,
                            struct am_response *resp)
{
    static const char *const required[] = {"serviceDescription", "observations"};
    static const char *const rates[] = {"iss", "pis", "cofins", "csll", "inss", "ir"};
    const char *s = NULL;
    const cJSON *v, *t;
    int64_t value = 0, deductions = 0, day;
    bool b;

    for (size_t i = 0; i < 2; i++) {
        if (am_input_str(j, required[i], &s, NULL) < 0 || (create && !s))
            return field_missing(resp, required[i]);
    }
    v = am_input_field(j, "value");
    if ((create && !v) || (v && (am_money_from_json(v, &value) < 0 || value <= 0)))
        return fail(resp, AM_ERR_INVOICE_VALUE, AM_TXT_INVOICE_VALUE);
    v = am_input_field(j, "deductions");
    if ((create && !v) || (v && (am_money_from_json(v, &deductions) < 0 || deductions < 0 ||
                                 (value > 0 && deductions >= value))))
        return fail(resp, AM_ERR_INVOICE_DEDUCTIONS, AM_TXT_INVOICE_DEDUCTIONS);
    v = am_input_field(j, "effectiveDate");
    if ((create && !v) || (v && (am_input_day(j, "effectiveDate", &day) < 0 ||
                                 day < am_api_today(ctx))))
        return fail(resp, AM_ERR_INVOICE_EFFECTIVE_DATE, AM_TXT_INVOICE_EFFECTIVE_DATE);
    if (am_input_str(j, "municipalServiceName", &s, NULL) < 0 || (create && !s))
        return field_missing(resp, "municipalServiceName");
    t = am_input_field(j, "taxes");
    if (create || t) {
        if (!cJSON_IsObject(t) || !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(t, "retainIss")))
            return fail(resp, AM_ERR_INVOICE_TAXES, AM_TXT_INVOICE_TAXES);
        for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
            if (!rate_ok(t, rates[i]))
                return fail(resp, AM_ERR_INVOICE_TAXES, AM_TXT_INVOICE_TAXES);
        }
    }
    if (am_input_text(j, "externalReference", &s, resp) ||
        am_input_text(j, "municipalServiceId", &s, resp) ||
        am_input_text(j, "municipalServiceCode", &s, resp))
        return 1;
    if (am_api_form_bool(j, "updatePayment", &b) < 0)
        return am_input_type_error(resp, "updatePayment");
    return 0;
}

int am_api_invoices_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    const char *pay_id = NULL, *inst_id = NULL, *customer = NULL;
    const struct am_payment *p = NULL;
    const struct am_installment *in = NULL;
    cJSON *j = NULL, *inv;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (!am_records_doc(recs(ctx), AM_FISCAL_DOC)) {
        r = fail(resp, AM_ERR_INVOICE_NO_FISCAL, AM_TXT_INVOICE_NO_FISCAL);
        goto out;
    }
    if (am_input_str(j, "payment", &pay_id, NULL) < 0 ||
        (pay_id && (!(p = am_billing_payment_find(ctx->account->billing, pay_id)) || p->deleted))) {
        r = fail(resp, AM_ERR_INVOICE_PAYMENT, AM_TXT_INVOICE_PAYMENT);
        goto out;
    }
    if (am_input_str(j, "installment", &inst_id, NULL) < 0 ||
        (inst_id &&
         (!(in = am_billing_installment_find(ctx->account->billing, inst_id)) || in->deleted))) {
        r = fail(resp, AM_ERR_INVOICE_INSTALLMENT, AM_TXT_INVOICE_INSTALLMENT);
        goto out;
    }
    if (p) {
        customer = p->customer;
    } else if (in) {
        customer = in->customer;
    } else if (am_input_field(j, "customer")) {
        r = am_input_customer(ctx, j, &customer, resp);
        if (r != 0)
            goto out;
    } else {
        r = fail(resp, AM_ERR_INVOICE_CUSTOMER, AM_TXT_INVOICE_ORIGIN);
        goto out;
    }
    r = invoice_validate(ctx, j, true, resp);
    if (r != 0)
        goto out;
    inv = am_invoice_create(recs(ctx), ctx->account->billing, ctx->ids, j, customer, pay_id,
                            inst_id, am_api_today(ctx), ctx->now);
    r = inv ? am_api_answer_json(resp, am_records_public(inv)) : -ENOMEM;
out:
    cJSON_Delete(j);
    return am_input_done(r);
}

/* effectiveDate[Ge] as the spec spells it, or [ge] as the other lists do. */
static const char *either(const struct am_ctx *ctx, const char *a, const char *b)
{
    const char *v = am_api_query_value(ctx->query, a);

    return v ? v : am_api_query_value(ctx->query, b);
}

static bool eq_or_absent(const cJSON *o, const char *key, const char *want)
{
    const char *v = am_link_str(o, key);

    return !want || (v && strcmp(v, want) == 0);
}

int am_api_invoices_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    static const char *const statuses[] = {"SCHEDULED", "AUTHORIZED", "PROCESSING_CANCELLATION",
                                           "CANCELED", "CANCELLATION_DENIED", "ERROR"};
    static const char *const keys[] = {"payment", "installment", "externalReference", "status",
                                       "customer"};
    const char *want[5], *ge, *le;
    int64_t ge_day = AM_NO_DAY, le_day = AM_NO_DAY;
    struct am_page page;
    struct am_api_pager pg;
    size_t n;
    bool known = false;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    for (size_t i = 0; i < 5; i++)
        want[i] = am_api_query_value(ctx->query, keys[i]);
    for (size_t i = 0; want[3] && i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known = known || strcmp(want[3], statuses[i]) == 0;
    if (want[3] && !known)
        return am_input_done(fail(resp, AM_ERR_INVOICE_STATUS, AM_TXT_INVOICE_STATUS));
    ge = either(ctx, "effectiveDate[Ge]", "effectiveDate[ge]");
    le = either(ctx, "effectiveDate[Le]", "effectiveDate[le]");
    if ((ge && am_cal_parse_day(ge, &ge_day) < 0) || (le && am_cal_parse_day(le, &le_day) < 0))
        return am_input_done(fail(resp, AM_ERR_INVOICE_EFFECTIVE_DATE,
                                  AM_TXT_INVOICE_EFFECTIVE_DATE));
    am_api_pager_init(&pg, &page);
    n = am_records_count(recs(ctx), AM_INVOICES_COLL);
    for (size_t i = n; i-- > 0;) {
        cJSON *inv = am_records_at(recs(ctx), AM_INVOICES_COLL, i);
        int64_t day = AM_NO_DAY;
        bool match = true;

        for (size_t k = 0; match && k < 5; k++)
            match = eq_or_absent(inv, keys[k], want[k]);
        if (match && (ge || le)) {
            match = am_link_str(inv, "effectiveDate") &&
                    am_cal_parse_day(am_link_str(inv, "effectiveDate"), &day) == 0 &&
                    (!ge || day >= ge_day) && (!le || day <= le_day);
        }
        if (match && am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(inv));
    }
    return am_api_pager_answer(&pg, resp);
}

static int find_invoice(struct am_ctx *ctx, const char *id, struct am_response *resp,
                        cJSON **ret)
{
    *ret = id ? am_records_find(recs(ctx), AM_INVOICES_COLL, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_invoices_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    cJSON *inv;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_invoice(ctx, id, resp, &inv);
    return r != 0 ? am_input_done(r) : am_api_answer_json(resp, am_records_public(inv));
}

int am_api_invoices_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    cJSON *inv, *j = NULL;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_invoice(ctx, id, resp, &inv);
    if (r != 0)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = invoice_validate(ctx, j, false, resp);
    if (r == 0) {
        r = am_invoice_update(ctx->account->billing, inv, j, ctx->now);
        if (r == -EPERM)
            r = fail(resp, AM_ERR_INVOICE_ACTION, AM_TXT_INVOICE_NOT_SCHEDULED);
        else if (r == 0)
            r = am_api_answer_json(resp, am_records_public(inv));
    }
    cJSON_Delete(j);
    return am_input_done(r);
}

int am_api_invoices_authorize(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    cJSON *inv;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_invoice(ctx, id, resp, &inv);
    if (r != 0)
        return am_input_done(r);
    r = am_invoice_authorize(recs(ctx), ctx->account->billing, inv, am_api_today(ctx), ctx->now);
    if (r == -EPERM)
        return am_input_done(fail(resp, AM_ERR_INVOICE_ACTION, AM_TXT_INVOICE_NOT_SCHEDULED));
    return r < 0 ? r : am_api_answer_json(resp, am_records_public(inv));
}

int am_api_invoices_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    cJSON *inv, *j = NULL;
    bool only = false;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_invoice(ctx, id, resp, &inv);
    if (r != 0)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (am_api_form_bool(j, "cancelOnlyOnAsaas", &only) < 0) {
        r = am_input_type_error(resp, "cancelOnlyOnAsaas");
    } else {
        r = am_invoice_cancel(ctx->account->billing, inv, only, am_api_today(ctx), ctx->now);
        if (r == -EPERM)
            r = fail(resp, AM_ERR_INVOICE_ACTION, AM_TXT_INVOICE_NOT_CANCELABLE);
        else if (r == 0)
            r = am_api_answer_json(resp, am_records_public(inv));
    }
    cJSON_Delete(j);
    return am_input_done(r);
}

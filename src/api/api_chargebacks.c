/* api_chargebacks.c - chargebacks (the sandbox action that opens one, a payment's
 * chargeback, the list, disputes with files) and credit bureau reports (see
 * api_payrest.h; the rules live in domain/chargebacks.c and domain/credit_bureau.c). */
#include "api_payrest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"
#include "billing.h"
#include "chargebacks.h"
#include "cpfcnpj.h"
#include "credit_bureau.h"
#include "crypto.h"
#include "customers.h"
#include "input.h"
#include "multipart.h"
#include "records.h"
#include "utf8.h"

#define BUREAU "creditBureauReports"

static int answer_public(struct am_response *resp, const cJSON *o)
{
    return am_api_answer_json(resp, am_records_public(o));
}

/* ---- chargebacks ------------------------------------------------------------------ */

int am_api_sandbox_chargeback(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    const char *reason = NULL, *result = NULL;
    struct am_payment *p;
    cJSON *json = NULL, *cb = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    if (!ctx->account->records)
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    if ((r = am_input_text(json, "reason", &reason, resp)) ||
        (r = am_input_text(json, "disputeResult", &result, resp)))
        goto out;
    if (!reason)
        reason = AM_CHARGEBACK_DEFAULT_REASON;
    if (!am_chargeback_reason_valid(reason)) {
        r = am_input_fail(resp, 400, AM_ERR_CHARGEBACK_REASON, AM_TXT_CHARGEBACK_REASON);
        goto out;
    }
    if (result && strcmp(result, "ACCEPTED") != 0 && strcmp(result, "REJECTED") != 0) {
        r = am_input_fail(resp, 400, AM_ERR_CHARGEBACK_RESULT, AM_TXT_CHARGEBACK_RESULT);
        goto out;
    }
    r = am_chargeback_open(ctx->account->records, ctx->account->billing, ctx->ids, p, reason,
                           !result || strcmp(result, "ACCEPTED") == 0, ctx->now, &cb);
    if (r == -EIDRM)
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED);
    else if (r == -EPERM)
        r = am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_CHARGEBACK_NOT_CARD);
    else if (r == 0)
        r = answer_public(resp, cb);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_payments_chargeback(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_payment *p;
    cJSON *cb;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    cb = ctx->account->records ? am_chargeback_of_payment(ctx->account->records, p->id) : NULL;
    r = am_api_found(ctx, cb, resp);
    return r ? am_input_done(r) : answer_public(resp, cb);
}

/* A [ge, le] day filter pair of the query: 0, or 1 (answered 400). */
static int day_range(const struct am_ctx *ctx, const char *name, int64_t *ge, int64_t *le,
                     struct am_response *resp)
{
    char key[64];
    const char *v;

    *ge = *le = AM_NO_DAY;
    snprintf(key, sizeof(key), "%s[ge]", name);
    if ((v = am_api_query_value(ctx->query, key)) && am_cal_parse_day(v, ge) < 0)
        return am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILTER, AM_TXT_CHARGEBACK_FILTER);
    snprintf(key, sizeof(key), "%s[le]", name);
    if ((v = am_api_query_value(ctx->query, key)) && am_cal_parse_day(v, le) < 0)
        return am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILTER, AM_TXT_CHARGEBACK_FILTER);
    return 0;
}

static bool in_range(int64_t day, int64_t ge, int64_t le)
{
    if (ge == AM_NO_DAY && le == AM_NO_DAY)
        return true;
    return day != AM_NO_DAY && (ge == AM_NO_DAY || day >= ge) && (le == AM_NO_DAY || day <= le);
}

static int64_t day_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    int64_t day = AM_NO_DAY;

    if (cJSON_IsString(v))
        am_cal_parse_day(v->valuestring, &day);
    else if (cJSON_IsNumber(v))
        day = (int64_t)v->valuedouble;
    return day;
}

int am_api_chargebacks_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    static const char *const statuses[] = {"REQUESTED", "IN_DISPUTE", "DISPUTE_LOST", "REVERSED",
                                           "DONE"};
    int64_t dge, dle, tge, tle;
    const char *status, *brand;
    struct am_records *rec;
    struct am_api_pager pg;
    struct am_page page;
    bool known = false;
    int r;

    (void)id;
    (void)req;
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    if ((r = day_range(ctx, "originDisputeDate", &dge, &dle, resp)) ||
        (r = day_range(ctx, "originTransactionDate", &tge, &tle, resp)))
        return am_input_done(r);
    status = am_api_query_value(ctx->query, "status");
    brand = am_api_query_value(ctx->query, "creditCardBrand");
    for (size_t i = 0; status && i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known = known || strcmp(status, statuses[i]) == 0;
    if (status && !known)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILTER, AM_TXT_CHARGEBACK_FILTER));
    rec = ctx->account->records;
    am_api_pager_init(&pg, &page);
    for (size_t i = rec ? am_records_count(rec, AM_CHARGEBACK_COLL) : 0; i-- > 0;) {
        const cJSON *cb = am_records_at(rec, AM_CHARGEBACK_COLL, i);
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(cb, "status");
        const cJSON *card = cJSON_GetObjectItemCaseSensitive(cb, "creditCard");
        const cJSON *br = cJSON_GetObjectItemCaseSensitive(card, "brand");

        if ((status && (!cJSON_IsString(st) || strcmp(st->valuestring, status) != 0)) ||
            (brand && (!cJSON_IsString(br) || strcmp(br->valuestring, brand) != 0)) ||
            !in_range(day_member(cb, "_createdDay"), dge, dle) ||
            !in_range(day_member(cb, "paymentDate"), tge, tle))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(cb));
    }
    return am_api_pager_answer(&pg, resp);
}

static bool dispute_ext_ok(const char *name)
{
    static const char *const ok[] = {"pdf", "jpg", "jpeg", "doc", "docx"};
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strcasecmp(dot + 1, ok[i]) == 0)
            return true;
    }
    return false;
}

int am_api_chargebacks_dispute(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    struct am_multipart parts;
    const char *names[AM_CHARGEBACK_FILES_MAX];
    char text[sizeof(parts.parts[0].filename) + 64];
    size_t n_parts = 0, n = 0;
    cJSON *cb, *o, *files;
    int r;

    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    cb = am_records_find(ctx->account->records, AM_CHARGEBACK_COLL, id);
    r = am_api_found(ctx, cb, resp);
    if (r)
        return am_input_done(r);
    r = am_multipart_parse(am_request_header(req, "Content-Type"), req->body, req->body_len,
                           &parts, NULL, 0);
    if (r < 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_MULTIPART, AM_TXT_MULTIPART));
    n_parts = parts.n;
    for (size_t i = 0; i < n_parts; i++) {
        const struct am_multipart_part *f = &parts.parts[i];

        if (!f->is_file || strncmp(f->name, "files", 5) != 0)
            continue;
        if (n == AM_CHARGEBACK_FILES_MAX)
            return am_input_done(am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILE, AM_TXT_CHARGEBACK_FILES));
        if (!am_utf8_valid(f->filename, strlen(f->filename), NULL) || !dispute_ext_ok(f->filename) ||
            f->len == 0) {
            snprintf(text, sizeof(text), AM_TXT_CHARGEBACK_EXT_FMT,
                     am_utf8_valid(f->filename, strlen(f->filename), NULL) ? f->filename : "?");
            return am_input_done(am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILE, text));
        }
        names[n++] = f->filename;
    }
    if (n == 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILE, AM_TXT_CHARGEBACK_FILES));
    r = am_chargeback_dispute(ctx->account->records, ctx->account->billing, cb, names, n, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_CHARGEBACK_NO_DISPUTE));
    if (r < 0)
        return r;
    o = cJSON_CreateObject();
    files = o ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cb, "_files"), true) : NULL;
    if (!files || !cJSON_AddStringToObject(o, "chargebackId", id) ||
        !cJSON_AddStringToObject(o, "status", "REQUESTED") ||
        !cJSON_AddItemToObject(o, "files", files)) {
        if (o && !cJSON_GetObjectItemCaseSensitive(o, "files"))
            cJSON_Delete(files);
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

/* ---- credit bureau reports -------------------------------------------------------- */

int am_api_credit_bureau_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    const struct am_customer *c = NULL;
    const char *customer = NULL, *doc_in = NULL;
    char doc[15], rid[37], url[128], date[11];
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    char *b64 = NULL;
    cJSON *json = NULL, *o = NULL, *answer;
    int r;

    (void)id;
    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    if ((r = am_input_text(json, "customer", &customer, resp)) ||
        (r = am_input_text(json, "cpfCnpj", &doc_in, resp)))
        goto out;
    if (!customer && !doc_in) {
        r = am_input_fail(resp, 400, AM_ERR_BUREAU_CUSTOMER, AM_TXT_BUREAU_MISSING);
        goto out;
    }
    if (customer) {
        c = am_customer_store_find(ctx->account->customers, customer);
        if (!c || c->deleted) {
            r = am_input_fail(resp, 400, AM_ERR_BUREAU_CUSTOMER, AM_TXT_PAY_CUSTOMER);
            goto out;
        }
    }
    if (doc_in ? am_cpfcnpj_validate(doc_in, doc) == AM_DOC_INVALID
               : (snprintf(doc, sizeof(doc), "%s", c->cpf_cnpj), !doc[0])) {
        r = am_input_fail(resp, 400, AM_ERR_BUREAU_DOC, AM_TXT_CPF_CNPJ);
        goto out;
    }
    r = am_credit_bureau_pdf(doc, c ? c->name : NULL, am_api_today(ctx), &pdf, &pdf_len);
    if (r < 0)
        goto out;
    b64 = malloc(4 * ((pdf_len + 2) / 3) + 1);
    if (!b64) {
        r = -ENOMEM;
        goto out;
    }
    am_base64(pdf, pdf_len, b64);
    am_ids_uuid(ctx->ids, rid);
    snprintf(url, sizeof(url), "%s%s", AM_CREDIT_BUREAU_URL, rid);
    am_cal_format_day(am_api_today(ctx), date);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "id", rid) ||
        !cJSON_AddStringToObject(o, "dateCreated", date) ||
        !cJSON_AddStringToObject(o, "cpfCnpj", doc) ||
        am_json_add_string_or_null(o, "customer", c ? c->id : NULL) < 0 ||
        !cJSON_AddStringToObject(o, "downloadUrl", url)) {
        r = -ENOMEM;
        goto out;
    }
    answer = cJSON_Duplicate(o, true);
    if (!answer || !cJSON_AddStringToObject(answer, "reportFile", b64)) {
        cJSON_Delete(answer);
        r = -ENOMEM;
        goto out;
    }
    /* The consultation's fee, on the statement line that names the report. */
    r = am_billing_ledger_append_ref(ctx->account->billing, AM_LEDGER_CREDIT_BUREAU_REPORT,
                                     -AM_CREDIT_BUREAU_FEE_CENTS, am_api_today(ctx), ctx->now,
                                     "Consulta Serasa", NULL, "creditBureauReportId", rid);
    if (r == 0) {
        r = am_records_add(ctx->account->records, BUREAU, o);
        o = NULL;
    }
    if (r < 0) {
        cJSON_Delete(answer);
        goto out;
    }
    r = am_api_answer_json(resp, answer);
out:
    free(b64);
    free(pdf);
    cJSON_Delete(o);
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_credit_bureau_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    const char *start, *end;
    int64_t ge = AM_NO_DAY, le = AM_NO_DAY;
    struct am_records *rec;
    struct am_api_pager pg;
    struct am_page page;
    int r;

    (void)id;
    (void)req;
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    start = am_api_query_value(ctx->query, "startDate");
    end = am_api_query_value(ctx->query, "endDate");
    if ((start && am_cal_parse_day(start, &ge) < 0) || (end && am_cal_parse_day(end, &le) < 0))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_CHARGEBACK_FILTER, AM_TXT_BUREAU_FILTER));
    rec = ctx->account->records;
    am_api_pager_init(&pg, &page);
    for (size_t i = rec ? am_records_count(rec, BUREAU) : 0; i-- > 0;) {
        const cJSON *o = am_records_at(rec, BUREAU, i);

        if (!in_range(day_member(o, "dateCreated"), ge, le))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(o));
    }
    return am_api_pager_answer(&pg, resp);
}

int am_api_credit_bureau_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    cJSON *o;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    o = ctx->account->records ? am_records_find(ctx->account->records, BUREAU, id) : NULL;
    r = am_api_found(ctx, o, resp);
    return r ? am_input_done(r) : answer_public(resp, o);
}

/* api_payment_extras.c - the remaining payment operations: payWithCard, the boleto
 * refund link, contractual-effect restrictions, payment documents, the card
 * pre-authorization config and the split statistics (see api_payrest.h). */
#include "api_payrest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "crypto.h"
#include "input.h"
#include "money.h"
#include "multipart.h"
#include "preauth.h"
#include "records.h"
#include "utf8.h"

#define DOCS "paymentDocuments"

/* The last segment of the request path (the second path parameter of
 * /payments/{id}/documents/{documentId}); borrowed. */
static const char *last_segment(const struct am_request *req)
{
    const char *slash = strrchr(req->path, '/');

    return slash ? slash + 1 : req->path;
}

/* ---- payWithCard ------------------------------------------------------------------ */

/* The payWithCard body in payWithCreditCard's terms: card -> creditCard, card.holder ->
 * creditCardHolderInfo (addressNumber and phone, which this operation does not require,
 * filled in when absent), cardToken -> creditCardToken. New object or NULL (OOM). */
static cJSON *as_credit_card_body(const cJSON *json)
{
    const cJSON *card = am_input_field(json, "card");
    const cJSON *token = am_input_field(json, "cardToken");
    cJSON *out = cJSON_CreateObject();

    if (!out)
        return NULL;
    if (token && !cJSON_AddItemToObject(out, "creditCardToken", cJSON_Duplicate(token, true)))
        goto fail;
    if (cJSON_IsObject(card)) {
        cJSON *cc = cJSON_Duplicate(card, true);
        cJSON *holder;

        if (!cc || !cJSON_AddItemToObject(out, "creditCard", cc)) {
            cJSON_Delete(cc);
            goto fail;
        }
        holder = cJSON_DetachItemFromObjectCaseSensitive(cc, "holder");
        if (cJSON_IsObject(holder)) {
            const cJSON *mobile = cJSON_GetObjectItemCaseSensitive(holder, "mobilePhone");

            if (!cJSON_GetObjectItemCaseSensitive(holder, "addressNumber"))
                cJSON_AddStringToObject(holder, "addressNumber", "S/N");
            if (!cJSON_GetObjectItemCaseSensitive(holder, "phone"))
                cJSON_AddItemToObject(holder, "phone",
                                      mobile ? cJSON_Duplicate(mobile, true)
                                             : cJSON_CreateString("0000000000"));
        }
        if (holder && !cJSON_AddItemToObject(out, "creditCardHolderInfo", holder)) {
            cJSON_Delete(holder);
            goto fail;
        }
    } else if (card && !cJSON_AddItemToObject(out, "creditCard", cJSON_Duplicate(card, true))) {
        goto fail;
    }
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

int am_api_payments_pay_with_card_v2(struct am_ctx *ctx, const char *id,
                                     const struct am_request *req, struct am_response *resp)
{
    struct am_request inner;
    struct am_payment *p;
    const char *type = NULL;
    cJSON *json = NULL, *mapped = NULL;
    char *text = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = am_input_text(json, "cardType", &type, resp);
    if (r)
        goto out;
    if (!type || (strcmp(type, "CREDIT") != 0 && strcmp(type, "VOUCHER") != 0)) {
        r = am_input_fail(resp, 400, AM_ERR_CARD_TYPE, AM_TXT_CARD_TYPE);
        goto out;
    }
    mapped = as_credit_card_body(json);
    text = mapped ? cJSON_PrintUnformatted(mapped) : NULL;
    if (!text) {
        r = -ENOMEM;
        goto out;
    }
    /* The card rules, decline numbers and state change are payWithCreditCard's own. */
    inner = *req;
    inner.body = text;
    inner.body_len = strlen(text);
    r = am_api_payments_pay_with_card(ctx, id, &inner, resp);
out:
    free(text);
    cJSON_Delete(mapped);
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- boleto refund link ----------------------------------------------------------- */

int am_api_payments_bank_slip_refund(struct am_ctx *ctx, const char *id,
                                     const struct am_request *req, struct am_response *resp)
{
    struct am_payment *p;
    char token[17], url[96];
    cJSON *json = NULL, *o;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &json);
    cJSON_Delete(json);
    if (r)
        return am_input_done(r);
    if (p->deleted)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED));
    if (p->billing_type != AM_BILLING_BOLETO && p->billing_type != AM_BILLING_UNDEFINED)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_BANK_SLIP_REFUND_TYPE));
    if (p->status != AM_PAY_RECEIVED && p->status != AM_PAY_CONFIRMED)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_CANNOT_REFUND));
    /* The link is derived from the payment: asking again gives the same one. */
    am_billing_receipt_id(p->id, token);
    snprintf(url, sizeof(url), "%s%s", AM_BANK_SLIP_REFUND_URL, token);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "requestUrl", url)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

/* ---- contractual-effect restrictions ---------------------------------------------- */

int am_api_payments_restrictions(struct am_ctx *ctx, const char *id,
                                 const struct am_request *req, struct am_response *resp)
{
    struct am_api_pager pg;
    struct am_payment *p;
    struct am_page page;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    /* No receivable of the mock is ever registered with a contractual effect (no
     * registry of receivables exists offline): the list is always empty. */
    am_api_pager_init(&pg, &page);
    return am_api_pager_answer(&pg, resp);
}

/* ---- payment documents ------------------------------------------------------------ */

static bool doc_type_valid(const char *t)
{
    static const char *const types[] = {"INVOICE", "CONTRACT", "MEDIA",  "DOCUMENT",
                                        "SPREADSHEET", "PROGRAM", "OTHER"};

    for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(t, types[i]) == 0)
            return true;
    }
    return false;
}

static bool of_payment(const cJSON *doc, const char *payment)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "_payment");

    return cJSON_IsString(p) && strcmp(p->valuestring, payment) == 0;
}

static size_t count_docs(struct am_records *r, const char *payment)
{
    size_t n = 0;

    for (size_t i = 0; i < am_records_count(r, DOCS); i++)
        n += of_payment(am_records_at(r, DOCS, i), payment);
    return n;
}

/* A text part as a short NUL-terminated copy; false when absent, too long or not UTF-8. */
static bool part_text(const struct am_multipart_part *part, char *out, size_t out_len)
{
    if (!part || part->is_file || part->len >= out_len || !am_utf8_valid(part->data, part->len, NULL))
        return false;
    memcpy(out, part->data, part->len);
    out[part->len] = '\0';
    return true;
}

static cJSON *new_document(struct am_ctx *ctx, const char *payment, const char *type,
                           bool available, const struct am_multipart_part *file)
{
    char id[37], url[128];
    const char *dot = strrchr(file->filename, '.');
    char *b64 = malloc(4 * ((file->len + 2) / 3) + 1);
    cJSON *o = cJSON_CreateObject(), *f;
    bool ok;

    if (!b64 || !o)
        goto fail;
    am_ids_uuid(ctx->ids, id);
    am_base64((const uint8_t *)file->data, file->len, b64);
    snprintf(url, sizeof(url), "%s%s", AM_PAYMENT_DOCUMENT_URL, id);
    ok = cJSON_AddStringToObject(o, "object", "paymentDocument") &&
         cJSON_AddStringToObject(o, "id", id) &&
         cJSON_AddStringToObject(o, "name", file->filename) &&
         cJSON_AddStringToObject(o, "type", type) &&
         cJSON_AddBoolToObject(o, "availableAfterPayment", available) &&
         (f = cJSON_AddObjectToObject(o, "file")) != NULL &&
         cJSON_AddStringToObject(f, "publicId", id) &&
         cJSON_AddStringToObject(f, "originalName", file->filename) &&
         cJSON_AddNumberToObject(f, "size", (double)file->len) &&
         (dot && dot[1] ? cJSON_AddStringToObject(f, "extension", dot + 1)
                        : cJSON_AddNullToObject(f, "extension")) &&
         cJSON_AddStringToObject(f, "previewUrl", url) &&
         cJSON_AddStringToObject(f, "downloadUrl", url) &&
         cJSON_AddBoolToObject(o, "deleted", false) &&
         cJSON_AddStringToObject(o, "_payment", payment) &&
         cJSON_AddStringToObject(o, "_content", b64) &&
         cJSON_AddStringToObject(o, "_contentType", file->content_type);
    free(b64);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
fail:
    free(b64);
    cJSON_Delete(o);
    return NULL;
}

int am_api_payment_documents_upload(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    struct am_multipart parts;
    const struct am_multipart_part *file;
    char type[16], available[8], doc_id[37];
    struct am_payment *p;
    cJSON *doc;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    if (!ctx->account->records)
        return -EINVAL;
    if (am_multipart_parse(am_request_header(req, "Content-Type"), req->body, req->body_len,
                           &parts, NULL, 0) < 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_MULTIPART, AM_TXT_MULTIPART));
    if (p->deleted)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PAY_DELETED));
    if (!part_text(am_multipart_find(&parts, "type"), type, sizeof(type)) ||
        !doc_type_valid(type))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_DOC_TYPE, AM_TXT_DOC_TYPE));
    if (!part_text(am_multipart_find(&parts, "availableAfterPayment"), available,
                   sizeof(available)) ||
        (strcmp(available, "true") != 0 && strcmp(available, "false") != 0))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_DOC_AVAILABLE, AM_TXT_DOC_AVAILABLE));
    file = am_multipart_find(&parts, "file");
    if (!file || !file->is_file || file->len == 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_DOC_FILE, AM_TXT_DOC_FILE));
    if (file->len > AM_PAYMENT_DOCUMENT_MAX_BYTES)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_DOC_FILE, AM_TXT_DOC_FILE_SIZE));
    if (!file->filename[0] || !am_utf8_valid(file->filename, strlen(file->filename), NULL) ||
        !am_utf8_valid(file->content_type, strlen(file->content_type), NULL))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_DOC_FILE, AM_TXT_DOC_FILE_NAME));
    if (count_docs(ctx->account->records, p->id) >= AM_PAYMENT_DOCUMENTS_MAX)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_DOC_MAX));
    doc = new_document(ctx, p->id, type, available[0] == 't', file);
    if (!doc)
        return -ENOMEM;
    snprintf(doc_id, sizeof(doc_id), "%s", cJSON_GetObjectItemCaseSensitive(doc, "id")->valuestring);
    r = am_records_add(ctx->account->records, DOCS, doc);
    if (r < 0)
        return r;
    return am_api_answer_json(resp, am_records_public(am_records_find(ctx->account->records, DOCS,
                                                                      doc_id)));
}

int am_api_payment_documents_list(struct am_ctx *ctx, const char *id,
                                  const struct am_request *req, struct am_response *resp)
{
    struct am_api_pager pg;
    struct am_payment *p;
    struct am_page page;
    struct am_records *rec;
    int r;

    (void)req;
    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return am_input_done(r);
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    rec = ctx->account->records;
    am_api_pager_init(&pg, &page);
    for (size_t i = 0; rec && i < am_records_count(rec, DOCS); i++) {
        const cJSON *d = am_records_at(rec, DOCS, i);

        if (of_payment(d, p->id) && am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(d));
    }
    return am_api_pager_answer(&pg, resp);
}

/* The document named by the path of payment id: 0 with *ret, 1 (404 answered) or <0. */
static int find_doc(struct am_ctx *ctx, const char *id, const struct am_request *req,
                    struct am_response *resp, cJSON **ret)
{
    struct am_payment *p;
    cJSON *d = NULL;
    int r;

    r = am_api_payments_find(ctx, id, resp, &p);
    if (r)
        return r;
    if (ctx->account->records)
        d = am_records_find(ctx->account->records, DOCS, last_segment(req));
    if (d && !of_payment(d, p->id))
        d = NULL;
    *ret = d;
    return am_api_found(ctx, d, resp);
}

int am_api_payment_document_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    cJSON *d;
    int r = find_doc(ctx, id, req, resp, &d);

    return r ? am_input_done(r) : am_api_answer_json(resp, am_records_public(d));
}

int am_api_payment_document_update(struct am_ctx *ctx, const char *id,
                                   const struct am_request *req, struct am_response *resp)
{
    const char *type = NULL;
    cJSON *d, *json = NULL;
    bool available = false, present = false;
    int r;

    r = find_doc(ctx, id, req, resp, &d);
    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    r = am_input_text(json, "type", &type, resp);
    if (r)
        goto out;
    if (!doc_type_valid(type)) {
        r = am_input_fail(resp, 400, AM_ERR_DOC_TYPE, AM_TXT_DOC_TYPE);
        goto out;
    }
    if (am_json_get_bool(json, "availableAfterPayment", &available, &present) < 0) {
        r = am_input_type_error(resp, "availableAfterPayment");
        goto out;
    }
    if (!present) {
        r = am_input_fail(resp, 400, AM_ERR_DOC_AVAILABLE, AM_TXT_DOC_AVAILABLE);
        goto out;
    }
    if (!cJSON_ReplaceItemInObjectCaseSensitive(d, "type", cJSON_CreateString(type)) ||
        !cJSON_ReplaceItemInObjectCaseSensitive(d, "availableAfterPayment",
                                                cJSON_CreateBool(available))) {
        r = -ENOMEM;
        goto out;
    }
    r = am_api_answer_json(resp, am_records_public(d));
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

int am_api_payment_document_delete(struct am_ctx *ctx, const char *id,
                                   const struct am_request *req, struct am_response *resp)
{
    char doc_id[64];
    cJSON *d;
    int r;

    r = find_doc(ctx, id, req, resp, &d);
    if (r)
        return am_input_done(r);
    snprintf(doc_id, sizeof(doc_id), "%s", cJSON_GetObjectItemCaseSensitive(d, "id")->valuestring);
    r = am_records_remove(ctx->account->records, DOCS, doc_id);
    return r < 0 ? r : am_api_answer_deleted(resp, doc_id);
}

/* ---- credit-card pre-authorization config ---------------------------------------- */

static cJSON *preauth_render(struct am_records *r)
{
    cJSON *o = cJSON_CreateObject();

    if (o && !cJSON_AddNumberToObject(o, "daysToExpire", (double)am_preauth_days(r))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_api_preauth_config_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                              struct am_response *resp)
{
    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, preauth_render(ctx->account->records));
}

int am_api_preauth_config_save(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    cJSON *json = NULL, *doc;
    long days;
    int r;

    (void)id;
    if (!am_api_ready(ctx) || !ctx->account->records)
        return -EINVAL;
    r = am_api_parse_body(req, resp, false, &json);
    if (r)
        return am_input_done(r);
    r = am_input_int(am_input_field(json, "daysToExpire"), -1000000, 1000000, &days);
    cJSON_Delete(json);
    if (r == -ENOENT)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PREAUTH_MISSING, AM_TXT_PREAUTH_MISSING));
    if (r < 0)
        return am_input_done(am_input_type_error(resp, "daysToExpire"));
    if (days < AM_PREAUTH_DAYS_MIN || days > AM_PREAUTH_DAYS_MAX)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PAY_ACTION, AM_TXT_PREAUTH_RANGE));
    doc = cJSON_CreateObject();
    if (!doc || !cJSON_AddNumberToObject(doc, "daysToExpire", (double)days)) {
        cJSON_Delete(doc);
        return -ENOMEM;
    }
    r = am_records_set_doc(ctx->account->records, AM_PREAUTH_DOC, doc);
    if (r < 0)
        return r;
    return am_api_answer_json(resp, preauth_render(ctx->account->records));
}

/* ---- split statistics ------------------------------------------------------------- */

int am_api_finance_split_statistics(struct am_ctx *ctx, const char *id,
                                    const struct am_request *req, struct am_response *resp)
{
    struct am_billing *b;
    int64_t income = 0, paid = 0;
    cJSON *o;

    (void)id;
    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    b = ctx->account->billing;
    /* What the statement holds for splits: lines naming a split, credits received from
     * other accounts' charges (income) and debits sent to other wallets (value). */
    for (size_t i = 0; i < am_billing_ledger_count(b); i++) {
        const struct am_ledger_entry *e = am_billing_ledger_at(b, i);

        if (strcmp(e->ref_key, "splitId") != 0)
            continue;
        if (e->value_cents > 0)
            income += e->value_cents;
        else
            paid -= e->value_cents;
    }
    o = cJSON_CreateObject();
    if (!o || am_money_add(o, "income", income) != 0 || am_money_add(o, "value", paid) != 0) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

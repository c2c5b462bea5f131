/* api_my_account.c - account info, wallets and account documents (see api_accounts.h).
 *
 * What an account says about itself lives in its records store (my_account.h names the
 * documents); the number and the fees are derived. */
#include "api_accounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_common.h"
#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"
#include "cpfcnpj.h"
#include "input.h"
#include "money.h"
#include "multipart.h"
#include "my_account.h"
#include "records.h"
#include "registry.h"
#include "subscriptions.h"

static bool ready(const struct am_ctx *ctx)
{
    return am_api_ready(ctx) && ctx->account->records;
}

static int fail(struct am_response *resp, const char *code, const char *text)
{
    return am_input_done(am_input_fail(resp, 400, code, text));
}

/* ---- commercial info ------------------------------------------------------------- */

/* The account's commercial info document, made from its name on first use. */
static cJSON *commercial_doc(struct am_ctx *ctx)
{
    cJSON *d = am_records_doc(ctx->account->records, AM_MY_ACCOUNT_COMMERCIAL_DOC);

    if (d)
        return d;
    d = cJSON_CreateObject();
    if (!d)
        return NULL;
    cJSON_AddStringToObject(d, "personType", "JURIDICA");
    cJSON_AddNullToObject(d, "cpfCnpj");
    cJSON_AddStringToObject(d, "name", ctx->account->name);
    if (am_records_set_doc(ctx->account->records, AM_MY_ACCOUNT_COMMERCIAL_DOC, d) < 0)
        return NULL;
    return am_records_doc(ctx->account->records, AM_MY_ACCOUNT_COMMERCIAL_DOC);
}

/* AccountInfoGetResponseDTO in the spec's order from the stored fields. */
static cJSON *render_commercial(const struct am_ctx *ctx, const cJSON *d)
{
    static const char *const order[] = {"personType", "cpfCnpj", "name", "birthDate",
                                        "companyName", "companyType", "incomeValue", "email",
                                        "phone", "mobilePhone", "postalCode", "address",
                                        "addressNumber", "complement", "province"};
    cJSON *o = cJSON_CreateObject(), *exp;
    const struct am_kyc *k = am_recurring_kyc(ctx->account->recurring);
    char when[20];

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "status", k && k->commercial_info == AM_KYC_APPROVED ? "APPROVED"
                                                                                  : "PENDING");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, order[i]);
        cJSON *c = v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();

        if (!c || !cJSON_AddItemToObject(o, order[i], c)) {
            cJSON_Delete(c);
            cJSON_Delete(o);
            return NULL;
        }
    }
    cJSON_AddNullToObject(o, "city");
    cJSON_AddNullToObject(o, "denialReason");
    cJSON_AddNullToObject(o, "tradingName");
    am_json_add_string_or_null(o, "site",
                               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "site")));
    cJSON_AddItemToObject(o, "availableCompanyNames", cJSON_CreateArray());
    exp = cJSON_AddObjectToObject(o, "commercialInfoExpiration");
    cJSON_AddBoolToObject(exp, "isExpired", false);
    am_clock_format_datetime(ctx->now + AM_COMMERCIAL_INFO_VALID_DAYS * 86400, when);
    cJSON_AddStringToObject(exp, "scheduledDate", when);
    return o;
}

AM_HANDLER(am_api_my_account_commercial_get)
{
    cJSON *d;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    d = commercial_doc(ctx);
    return d ? am_api_answer_json(resp, render_commercial(ctx, d)) : -ENOMEM;
}

AM_HANDLER(am_api_my_account_commercial_save)
{
    static const char *const text_fields[] = {"cpfCnpj", "birthDate", "companyType",
                                              "companyName", "email", "phone", "mobilePhone",
                                              "site", "postalCode", "address", "addressNumber",
                                              "complement", "province"};
    cJSON *body = NULL, *d, *next = NULL;
    const char *v;
    int64_t cents, day;
    char doc[15];
    enum am_doc_kind kind = AM_DOC_INVALID;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, false, &body);
    if (r != 0)
        return am_input_done(r);
    d = commercial_doc(ctx);
    next = d ? cJSON_Duplicate(d, true) : NULL;
    if (!next) {
        r = -ENOMEM;
        goto out;
    }
    /* Validate everything first: a refused request changes nothing. */
    r = am_input_text(body, "personType", &v, resp);
    if (r == 0 && v && strcmp(v, "FISICA") != 0 && strcmp(v, "JURIDICA") != 0)
        r = am_input_fail(resp, 400, "invalid_personType", "Tipo de pessoa inválido.");
    if (r == 0 && v) {
        cJSON_DeleteItemFromObjectCaseSensitive(next, "personType");
        cJSON_AddStringToObject(next, "personType", v);
    }
    for (size_t i = 0; r == 0 && i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
        r = am_input_text(body, text_fields[i], &v, resp);
        if (r != 0 || !v)
            continue;
        if (strcmp(text_fields[i], "cpfCnpj") == 0) {
            kind = am_cpfcnpj_validate(v, doc);
            if (kind == AM_DOC_INVALID) {
                r = am_input_fail(resp, 400, AM_ERR_CPF_CNPJ, AM_TXT_CPF_CNPJ);
                break;
            }
            v = doc;
        }
        if (strcmp(text_fields[i], "birthDate") == 0 && am_billing_parse_day(v, &day) < 0) {
            r = am_input_fail(resp, 400, "invalid_birthDate", AM_TXT_SUBACCOUNT_BIRTH_DATE);
            break;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(next, text_fields[i]);
        cJSON_AddStringToObject(next, text_fields[i], v);
    }
    if (r == 0 && am_input_field(body, "incomeValue")) {
        if (am_money_from_json(am_input_field(body, "incomeValue"), &cents) < 0 || cents < 0) {
            r = am_input_fail(resp, 400, "invalid_incomeValue", AM_TXT_SUBACCOUNT_INCOME);
        } else {
            cJSON_DeleteItemFromObjectCaseSensitive(next, "incomeValue");
            am_money_add(next, "incomeValue", cents);
        }
    }
    if (r != 0)
        goto out;
    r = am_records_set_doc(ctx->account->records, AM_MY_ACCOUNT_COMMERCIAL_DOC, next);
    next = NULL;
    if (r == 0)
        r = am_api_answer_json(resp, render_commercial(
                                         ctx, am_records_doc(ctx->account->records,
                                                             AM_MY_ACCOUNT_COMMERCIAL_DOC)));
out:
    cJSON_Delete(next);
    cJSON_Delete(body);
    return am_input_done(r);
}

/* ---- fees, number, wallets, status ------------------------------------------------------ */

AM_HANDLER(am_api_my_account_fees)
{
    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    return am_api_answer_json(resp, am_my_account_fees());
}

AM_HANDLER(am_api_my_account_number)
{
    cJSON *o;
    char agency[5], number[9], digit[2];

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    am_my_account_number(ctx->account->uuid, agency, number, digit);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "agency", agency) ||
        !cJSON_AddStringToObject(o, "account", number) ||
        !cJSON_AddStringToObject(o, "accountDigit", digit)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

/* GET /v3/wallets: the account's own wallet (one per account). */
AM_HANDLER(am_api_wallets_list)
{
    struct am_page page;
    struct am_api_pager pg;
    cJSON *w;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    if (am_api_pager_take(&pg)) {
        w = cJSON_CreateObject();
        if (w && (!cJSON_AddStringToObject(w, "object", "wallet") ||
                  !cJSON_AddStringToObject(w, "id", ctx->account->wallet_id))) {
            cJSON_Delete(w);
            w = NULL;
        }
        am_api_pager_add(&pg, w);
    }
    return am_api_pager_answer(&pg, resp);
}

/* DELETE /v3/myAccount?removeReason=: the account's keys stop working. */
AM_HANDLER(am_api_my_account_delete)
{
    const char *reason = am_api_query_value(ctx->query, "removeReason");
    cJSON *o, *doc;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    if (!am_records_doc(ctx->account->records, AM_MY_ACCOUNT_PARENT_DOC))
        return fail(resp, "invalid_action", AM_TXT_MY_ACCOUNT_NOT_SUBACCOUNT);
    if (!reason)
        return fail(resp, "invalid_removeReason", AM_TXT_MY_ACCOUNT_REMOVE_REASON);
    doc = cJSON_CreateObject();
    if (!doc || !cJSON_AddStringToObject(doc, "removeReason", reason) ||
        am_records_set_doc(ctx->account->records, AM_MY_ACCOUNT_DISABLED_DOC, doc) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        struct am_api_key *k = &ctx->account->keys[i];

        if (!k->in_use || !k->enabled)
            continue;
        k->enabled = false;
        if (am_api_access_token_event(ctx->account, "ACCESS_TOKEN_DISABLED", k, ctx->now) < 0)
            return -ENOMEM;
    }
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "observations", AM_TXT_MY_ACCOUNT_DISABLED)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

/* ---- checkout personalization ---------------------------------------------------------- */

static cJSON *checkout_render(const cJSON *d)
{
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = {"logoBackgroundColor", "infoBackgroundColor", "fontColor"};

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "object", "paymentCheckoutConfig");
    for (size_t i = 0; i < 3; i++)
        am_json_add_string_or_null(
            o, keys[i], cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, keys[i])));
    cJSON_AddBoolToObject(o, "enabled",
                          !d || !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(d, "enabled")));
    cJSON_AddNullToObject(o, "logoUrl");
    cJSON_AddNullToObject(o, "observations");
    am_json_add_string_or_null(
        o, "status",
        d ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "status")) : NULL);
    return o;
}

AM_HANDLER(am_api_my_account_checkout_get)
{
    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    return am_api_answer_json(
        resp, checkout_render(am_records_doc(ctx->account->records, AM_MY_ACCOUNT_CHECKOUT_DOC)));
}

static bool hex_color(const char *s)
{
    if (!s || s[0] != '#' || strlen(s) != 7)
        return false;
    for (int i = 1; i < 7; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    return true;
}

/* A form field's value as a new NUL-terminated string, NULL when absent. */
static char *form_field(const char *ct, const struct am_request *req, const char *name)
{
    struct am_multipart_part part;
    char *s;

    if (am_multipart_get(ct, req->body, req->body_len, name, &part) < 0)
        return NULL;
    s = malloc(part.len + 1);
    if (s) {
        memcpy(s, part.data, part.len);
        s[part.len] = '\0';
    }
    return s;
}

/* Accepts multipart/form-data (as the spec) or JSON (as most clients send). */
AM_HANDLER(am_api_my_account_checkout_save)
{
    static const char *const keys[] = {"logoBackgroundColor", "infoBackgroundColor", "fontColor"};
    const char *ct = am_request_header(req, "Content-Type");
    bool multipart = ct && strncmp(ct, "multipart/", 10) == 0;
    cJSON *body = NULL, *doc = NULL;
    char *vals[4] = {NULL, NULL, NULL, NULL};
    struct am_multipart_part logo;
    int r = 0;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    if (multipart) {
        for (size_t i = 0; i < 3; i++)
            vals[i] = form_field(ct, req, keys[i]);
        vals[3] = form_field(ct, req, "enabled");
        if (am_multipart_get(ct, req->body, req->body_len, "logoFile", &logo) == 0 &&
            logo.len > AM_MY_ACCOUNT_FILE_MAX)
            r = am_input_fail(resp, 400, "invalid_logoFile", AM_TXT_DOCUMENT_SIZE);
    } else {
        r = am_api_parse_body(req, resp, false, &body);
        for (size_t i = 0; r == 0 && i < 3; i++) {
            const char *v;
            r = am_input_text(body, keys[i], &v, resp);
            if (r == 0 && v)
                vals[i] = strdup(v);
        }
        if (r == 0 && cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(body, "enabled")))
            vals[3] = strdup(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "enabled"))
                                 ? "true"
                                 : "false");
    }
    for (size_t i = 0; r == 0 && i < 3; i++) {
        if (!hex_color(vals[i])) {
            char code[48];
            snprintf(code, sizeof(code), "invalid_%s", keys[i]);
            r = am_input_fail(resp, 400, code, AM_TXT_CHECKOUT_COLOR);
        }
    }
    if (r != 0)
        goto out;
    doc = cJSON_CreateObject();
    for (size_t i = 0; doc && i < 3; i++)
        cJSON_AddStringToObject(doc, keys[i], vals[i]);
    if (!doc || !cJSON_AddBoolToObject(doc, "enabled", !vals[3] || strcmp(vals[3], "false") != 0) ||
        !cJSON_AddStringToObject(doc, "status", "AWAITING_APPROVAL")) {
        r = -ENOMEM;
        goto out;
    }
    r = am_records_set_doc(ctx->account->records, AM_MY_ACCOUNT_CHECKOUT_DOC, doc);
    doc = NULL;
    if (r == 0)
        r = am_api_answer_json(resp, checkout_render(am_records_doc(ctx->account->records,
                                                                    AM_MY_ACCOUNT_CHECKOUT_DOC)));
out:
    for (size_t i = 0; i < 4; i++)
        free(vals[i]);
    cJSON_Delete(doc);
    cJSON_Delete(body);
    return am_input_done(r);
}

/* ---- documents ------------------------------------------------------------------------ */

AM_HANDLER(am_api_documents_list)
{
    size_t n;
    const cJSON **sent;
    cJSON *o, *groups;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    n = am_records_count(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL);
    sent = calloc(n ? n : 1, sizeof(*sent));
    if (!sent)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        sent[i] = am_records_at(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL, i);
    groups = am_my_account_document_groups(ctx->account->uuid, sent, n);
    free(sent);
    o = cJSON_CreateObject();
    if (!o || !groups || !cJSON_AddNullToObject(o, "rejectReasons") ||
        !cJSON_AddItemToObject(o, "data", groups)) {
        cJSON_Delete(groups);
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_api_answer_json(resp, o);
}

/* The documentFile part of a multipart body: 0, 1 (answered) or <0. */
static int read_file(const struct am_request *req, struct am_response *resp,
                     struct am_multipart_part *part)
{
    const char *ct = am_request_header(req, "Content-Type");

    if (am_multipart_get(ct, req->body, req->body_len, "documentFile", part) < 0 || part->len == 0)
        return am_input_fail(resp, 400, "invalid_documentFile", AM_TXT_DOCUMENT_FILE);
    if (part->len > AM_MY_ACCOUNT_FILE_MAX)
        return am_input_fail(resp, 400, "invalid_documentFile", AM_TXT_DOCUMENT_SIZE);
    return 0;
}

/* Sets the stored facts of an upload on file (name, type, size). */
static int file_facts(cJSON *file, const struct am_multipart_part *part)
{
    char name[128], type[96];

    snprintf(name, sizeof(name), "%.127s", part->filename);
    snprintf(type, sizeof(type), "%.95s", part->content_type);
    cJSON_DeleteItemFromObjectCaseSensitive(file, "_fileName");
    cJSON_DeleteItemFromObjectCaseSensitive(file, "_contentType");
    cJSON_DeleteItemFromObjectCaseSensitive(file, "_size");
    if (!cJSON_AddStringToObject(file, "_fileName", name) ||
        !cJSON_AddStringToObject(file, "_contentType", type) ||
        !cJSON_AddNumberToObject(file, "_size", (double)part->len))
        return -ENOMEM;
    return 0;
}

static int answer_file(struct am_response *resp, const cJSON *file)
{
    return am_api_answer_json(resp, am_records_public(file));
}

/* POST /v3/myAccount/documents/{groupId}: a new file in that group (PENDING). */
AM_HANDLER(am_api_documents_send)
{
    struct am_multipart_part part;
    const char *group_type = am_api_ready(ctx) ? am_my_account_group_type(ctx->account->uuid, id)
                                               : NULL;
    cJSON *file;
    char fid[37];
    int r;

    if (!ready(ctx))
        return -EINVAL;
    if (!group_type)
        return am_input_done(am_api_not_found(resp) < 0 ? -ENOMEM : 1);
    r = read_file(req, resp, &part);
    if (r != 0)
        return am_input_done(r);
    am_ids_uuid(ctx->ids, fid);
    file = cJSON_CreateObject();
    if (!file || !cJSON_AddStringToObject(file, "id", fid) ||
        !cJSON_AddStringToObject(file, "status", "PENDING") ||
        !cJSON_AddStringToObject(file, "_group", id) || file_facts(file, &part) < 0) {
        cJSON_Delete(file);
        return -ENOMEM;
    }
    r = am_records_add(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL, file);
    if (r < 0)
        return r;
    return answer_file(resp, am_records_find(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL, fid));
}

static int find_file(struct am_ctx *ctx, const char *id, struct am_response *resp, cJSON **ret)
{
    *ret = id ? am_records_find(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL, id) : NULL;
    if (!*ret)
        return am_api_not_found(resp) < 0 ? -ENOMEM : 1;
    return 0;
}

AM_HANDLER(am_api_document_file_get)
{
    cJSON *file;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_file(ctx, id, resp, &file);
    return r != 0 ? am_input_done(r) : answer_file(resp, file);
}

static bool approved(const cJSON *file)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(file, "status"));

    return s && strcmp(s, "APPROVED") == 0;
}

AM_HANDLER(am_api_document_file_update)
{
    struct am_multipart_part part;
    cJSON *file;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_file(ctx, id, resp, &file);
    if (r == 0 && approved(file))
        r = am_input_fail(resp, 400, "invalid_action", AM_TXT_DOCUMENT_APPROVED);
    if (r == 0)
        r = read_file(req, resp, &part);
    if (r == 0)
        r = file_facts(file, &part);
    if (r == 0) {
        cJSON_ReplaceItemInObjectCaseSensitive(file, "status", cJSON_CreateString("PENDING"));
        r = answer_file(resp, file);
    }
    return am_input_done(r);
}

AM_HANDLER(am_api_document_file_delete)
{
    cJSON *file;
    char fid[64];
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_file(ctx, id, resp, &file);
    if (r == 0 && approved(file))
        r = am_input_fail(resp, 400, "invalid_action", AM_TXT_DOCUMENT_APPROVED);
    if (r != 0)
        return am_input_done(r);
    snprintf(fid, sizeof(fid), "%s", id);
    r = am_records_remove(ctx->account->records, AM_MY_ACCOUNT_DOCS_COLL, fid);
    return r < 0 ? r : am_api_answer_deleted(resp, fid);
}

/* api_pix.c - /v3/pix keys, static QR codes, decode, pay and Pix transactions (see
 * api_pix.h). Validation answers the first problem only; a refused request changes
 * nothing. */
#include "api_pix.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_common.h"
#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "clock.h"
#include "cpfcnpj.h"
#include "input.h"
#include "money.h"
#include "pix.h"
#include "pix_json.h"
#include "records.h"
#include "registry.h"

/* ---- shared ------------------------------------------------------------------------- */

bool am_api_pix_ready(const struct am_ctx *ctx)
{
    return am_api_ready(ctx) && ctx->account->records;
}

/* Pix state of the account, initial key written (see pix.h). 0 or <0. */
static int pix_state(struct am_ctx *ctx)
{
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    return am_pix_init(ctx->account->records, ctx->account->id);
}

bool am_api_pix_in_list(const char *value, const char *const *names)
{
    for (; value && *names; names++)
        if (strcmp(value, *names) == 0)
            return true;
    return false;
}

/* A comma-separated list contains value. */
static bool in_csv(const char *csv, const char *value)
{
    size_t n = strlen(value);

    for (const char *p = csv; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len == n && strncmp(p, value, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

int am_api_pix_list(struct am_ctx *ctx, struct am_response *resp, const char *coll,
                    am_api_pix_match_fn match, const void *arg, am_api_pix_render_fn render,
                    bool newest_first)
{
    struct am_page page;
    struct am_api_pager pg;
    size_t n;
    int r = am_api_list_begin(ctx, resp, &page);

    if (r)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    n = am_records_count(ctx->account->records, coll);
    for (size_t k = 0; k < n; k++) {
        const cJSON *o = am_records_at(ctx->account->records, coll, newest_first ? n - 1 - k : k);

        if (match && !match(o, ctx->query, arg))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, render(o));
    }
    return am_api_pager_answer(&pg, resp);
}

/* The status filter's value is one of names (else 400 invalid_status). 0, 1 or <0. */
int am_api_pix_enum_filter(const struct am_ctx *ctx, const char *key, const char *const *names,
                             struct am_response *resp)
{
    const char *v = am_api_query_value(ctx->query, key);

    if (v && !am_api_pix_in_list(v, names))
        return am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS);
    return 0;
}

/* ---- keys --------------------------------------------------------------------------- */

static const char *const key_statuses[] = {"AWAITING_ACTIVATION", "ACTIVE", "AWAITING_DELETION",
                                           "AWAITING_ACCOUNT_DELETION", "DELETED", "ERROR",
                                           NULL};

AM_HANDLER(am_api_pix_keys_create)
{
    cJSON *json = NULL, *key = NULL;
    const char *type = NULL;
    int r;

    (void)id;
    r = pix_state(ctx);
    if (r < 0)
        return r;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    if (am_input_str(json, "type", &type, NULL) < 0 || !type || strcmp(type, "EVP") != 0) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_KEY_TYPE, AM_TXT_PIX_KEY_TYPE);
        goto out;
    }
    r = am_pix_key_create(ctx->account->records, ctx->account->id, ctx->ids, ctx->now, &key);
    if (r == -ENOSPC)
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_KEY_LIMIT);
    else if (r == -EAGAIN)
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_KEY_INTERVAL);
    else if (r == 0)
        r = am_api_answer_json(resp, am_pix_key_to_json(key));
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

static bool key_match(const cJSON *k, const struct am_query *q, const void *arg)
{
    const char *status = am_api_query_value(q, "status");
    const char *list = am_api_query_value(q, "statusList");
    const char *s = am_pix_str(k, "status");

    if (status && (!s || strcmp(s, status) != 0))
        return false;
    return !list || (s && in_csv(list, s));
}

AM_HANDLER(am_api_pix_keys_list)
{
    int r = pix_state(ctx);

    (void)id;
    (void)req;
    if (r < 0)
        return r;
    r = am_api_pix_enum_filter(ctx, "status", key_statuses, resp);
    if (r)
        return am_input_done(r);
    return am_api_pix_list(ctx, resp, AM_PIX_KEYS, key_match, NULL, am_pix_key_to_json, true);
}

static cJSON *find_key(struct am_ctx *ctx, const char *id)
{
    return id ? am_records_find(ctx->account->records, AM_PIX_KEYS, id) : NULL;
}

AM_HANDLER(am_api_pix_keys_get)
{
    cJSON *k;
    int r = pix_state(ctx);

    (void)req;
    if (r < 0)
        return r;
    k = find_key(ctx, id);
    r = am_api_found(ctx, k, resp);
    if (r)
        return am_input_done(r);
    return am_api_answer_json(resp, am_pix_key_to_json(k));
}

AM_HANDLER(am_api_pix_keys_delete)
{
    cJSON *k;
    int r = pix_state(ctx);

    (void)req;
    if (r < 0)
        return r;
    k = find_key(ctx, id);
    r = am_api_found(ctx, k, resp);
    if (r)
        return am_input_done(r);
    r = am_pix_key_delete(k, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_KEY_NOT_DELETABLE));
    if (r < 0)
        return r;
    return am_api_answer_json(resp, am_pix_key_to_json(k));
}

static const char *const key_types[] = {"CPF", "CNPJ", "EMAIL", "PHONE", "EVP", NULL};

/* The key has the shape its type asks for. */
static bool key_shape_ok(const char *type, const char *key)
{
    size_t n = strlen(key);

    if (strcmp(type, "CPF") == 0 || strcmp(type, "CNPJ") == 0) {
        char digits[15];

        return am_cpfcnpj_validate(key, digits) ==
               (strcmp(type, "CPF") == 0 ? AM_DOC_CPF : AM_DOC_CNPJ);
    }
    if (strcmp(type, "EMAIL") == 0)
        return n <= 77 && strchr(key, '@') && strchr(strchr(key, '@'), '.');
    if (strcmp(type, "PHONE") == 0) {
        size_t i = key[0] == '+' ? 1 : 0;

        if (n - i < 10 || n - i > 13)
            return false;
        for (; i < n; i++)
            if (key[i] < '0' || key[i] > '9')
                return false;
        return true;
    }
    return n == 36 && key[8] == '-' && key[13] == '-' && key[18] == '-' && key[23] == '-';
}

/* One lookup from the DICT token bucket (a window per minute). Returns the tokens left
 * before it, or -ENOMEM. */
static long bucket_take(struct am_records *r, int64_t now, bool take)
{
    cJSON *doc = am_records_doc(r, "pixTokenBucket");
    long minute = (long)(now / 60), used = 0;
    const cJSON *m = doc ? cJSON_GetObjectItemCaseSensitive(doc, "minute") : NULL;
    const cJSON *u = doc ? cJSON_GetObjectItemCaseSensitive(doc, "used") : NULL;
    long left;

    if (cJSON_IsNumber(m) && (long)m->valuedouble == minute && cJSON_IsNumber(u))
        used = (long)u->valuedouble;
    left = AM_PIX_TOKEN_BUCKET_CAPACITY - used;
    if (take && left > 0) {
        cJSON *nd = cJSON_CreateObject();

        if (!nd || !cJSON_AddNumberToObject(nd, "minute", (double)minute) ||
            !cJSON_AddNumberToObject(nd, "used", (double)(used + 1))) {
            cJSON_Delete(nd);
            return -ENOMEM;
        }
        if (am_records_set_doc(r, "pixTokenBucket", nd) < 0)
            return -ENOMEM;
    }
    return left;
}

AM_HANDLER(am_api_pix_keys_external)
{
    const char *type, *key;
    struct am_pix_target t;
    cJSON *o = NULL, *fi = NULL, *owner = NULL, *bank = NULL;
    char payload_key[80];
    long left;
    int r;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    type = am_api_query_value(ctx->query, "type");
    key = am_api_query_value(ctx->query, "key");
    if (!type || !am_api_pix_in_list(type, key_types))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_EXT_TYPE, AM_TXT_PIX_EXT_TYPE));
    if (!key || !key_shape_ok(type, key))
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_EXT_KEY, AM_TXT_PIX_EXT_KEY));
    left = bucket_take(ctx->account->records, ctx->now, true);
    if (left < 0)
        return (int)left;
    if (left == 0)
        return am_input_done(am_response_error(resp, 429, "too_many_requests",
                                               "Limite de consultas de chaves Pix atingido."));
    /* Only the keys of the mock's accounts (EVP) are known; the rest are not found. */
    snprintf(payload_key, sizeof(payload_key), "%s", key);
    memset(&t, 0, sizeof(t));
    {
        char *pl = am_brcode_static_payload(payload_key, NULL, 0, "***", AM_PIX_MERCHANT_NAME,
                                            AM_PIX_MERCHANT_CITY);

        r = pl && ctx->registry ? am_pix_resolve(ctx->registry, pl, &t) : -ENOENT;
        free(pl);
    }
    if (r < 0 || t.kind != AM_PIX_TARGET_KEY || strcmp(type, "EVP") != 0)
        return am_input_done(am_api_not_found(resp));
    o = cJSON_CreateObject();
    fi = cJSON_CreateObject();
    owner = cJSON_CreateObject();
    bank = cJSON_CreateObject();
    r = -ENOMEM;
    if (!o || !fi || !owner || !bank || !cJSON_AddStringToObject(bank, "object", "bank") ||
        !cJSON_AddNumberToObject(bank, "id", 461) ||
        !cJSON_AddStringToObject(bank, "code", AM_BOLETO_BANK) ||
        !cJSON_AddStringToObject(bank, "name", AM_PIX_ASAAS_ISPB_NAME) ||
        !cJSON_AddNumberToObject(fi, "id", 461) ||
        !cJSON_AddStringToObject(fi, "name", AM_PIX_ASAAS_ISPB_NAME) ||
        !cJSON_AddStringToObject(fi, "code", AM_BOLETO_BANK) ||
        !cJSON_AddStringToObject(owner, "name", t.receiver->name) ||
        !cJSON_AddNullToObject(owner, "cpfCnpj"))
        goto fail;
    /* Each subtree is handed over once; from then on its parent owns it. */
    if (!cJSON_AddItemToObject(fi, "bank", bank))
        goto fail;
    bank = NULL;
    if (!cJSON_AddStringToObject(o, "type", type) || !cJSON_AddStringToObject(o, "key", key) ||
        !cJSON_AddStringToObject(o, "ispb", AM_PIX_ASAAS_ISPB) ||
        !cJSON_AddStringToObject(o, "ispbName", AM_PIX_ASAAS_ISPB_NAME) ||
        !cJSON_AddItemToObject(o, "financialInstitution", fi))
        goto fail;
    fi = NULL;
    if (!cJSON_AddItemToObject(o, "owner", owner))
        goto fail;
    return am_response_json(resp, 200, o);
fail:
    cJSON_Delete(bank);
    cJSON_Delete(fi);
    cJSON_Delete(owner);
    cJSON_Delete(o);
    return r;
}

AM_HANDLER(am_api_pix_token_bucket)
{
    cJSON *o;
    long left;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    left = bucket_take(ctx->account->records, ctx->now, false);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddNumberToObject(o, "capacity", AM_PIX_TOKEN_BUCKET_CAPACITY) ||
        !cJSON_AddNumberToObject(o, "remaining", (double)left)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

/* ---- static QR codes ---------------------------------------------------------------- */

static int validate_qr(struct am_ctx *ctx, const cJSON *json, struct am_pix_qr_spec *s,
                       struct am_response *resp)
{
    const char *fmt = NULL, *exp = NULL;
    const cJSON *item;
    bool present;
    long secs = 0;
    int r;

    memset(s, 0, sizeof(*s));
    s->allows_multiple_payments = true;
    if ((r = am_input_text(json, "addressKey", &s->key, resp)))
        return r;
    if (s->key) {
        cJSON *k = am_pix_key_by_value(ctx->account->records, s->key);
        const char *st = k ? am_pix_str(k, "status") : NULL;

        if (!st || strcmp(st, "ACTIVE") != 0)
            return am_input_fail(resp, 400, AM_ERR_PIX_ADDRESS_KEY, AM_TXT_PIX_ADDRESS_KEY);
    } else {
        cJSON *k = am_pix_key_first_active(ctx->account->records);

        if (!k)
            return am_input_fail(resp, 400, AM_ERR_PIX_ADDRESS_KEY, AM_TXT_PIX_NO_KEY);
        s->key = am_pix_str(k, "key");
    }
    if ((r = am_input_text(json, "description", &s->description, resp)))
        return r;
    if (s->description && strlen(s->description) > 140)
        return am_input_type_error(resp, "description");
    item = am_input_field(json, "value");
    if (item) {
        r = am_money_from_json(item, &s->value_cents);
        if (r < 0 || s->value_cents < 0)
            return am_input_fail(resp, 400, AM_ERR_PIX_VALUE, AM_TXT_PIX_VALUE);
    }
    if ((r = am_input_text(json, "format", &fmt, resp)))
        return r;
    if (fmt) {
        if (strcmp(fmt, "ALL") == 0)
            s->format = AM_PIX_QR_ALL;
        else if (strcmp(fmt, "IMAGE") == 0)
            s->format = AM_PIX_QR_IMAGE;
        else if (strcmp(fmt, "PAYLOAD") == 0)
            s->format = AM_PIX_QR_PAYLOAD;
        else
            return am_input_fail(resp, 400, AM_ERR_PIX_FORMAT, AM_TXT_PIX_FORMAT);
    }
    if ((r = am_input_text(json, "expirationDate", &exp, resp)))
        return r;
    if (exp && (am_clock_parse_datetime(exp, &s->expires_at) < 0 || s->expires_at <= ctx->now))
        return am_input_fail(resp, 400, AM_ERR_PIX_EXPIRATION, AM_TXT_PIX_EXPIRATION);
    r = am_input_int(am_input_field(json, "expirationSeconds"), -2147483647L, 2147483647L, &secs);
    if (r == -EINVAL || (r == 0 && secs <= 0))
        return am_input_fail(resp, 400, AM_ERR_PIX_EXPIRATION_SECONDS,
                             AM_TXT_PIX_EXPIRATION_SECONDS);
    if (r == 0 && !exp)
        s->expires_at = ctx->now + secs;
    if (am_json_get_bool(json, "allowsMultiplePayments", &s->allows_multiple_payments,
                         &present) < 0)
        return am_input_type_error(resp, "allowsMultiplePayments");
    if ((r = am_input_text(json, "externalReference", &s->external_reference, resp)))
        return r;
    if (s->external_reference && strlen(s->external_reference) > 100)
        return am_input_fail(resp, 400, AM_ERR_PIX_EXTERNAL_REFERENCE,
                             AM_TXT_PIX_EXTERNAL_REFERENCE);
    return 0;
}

AM_HANDLER(am_api_pix_qr_static_create)
{
    struct am_pix_qr_spec s;
    cJSON *json = NULL, *qr = NULL;
    int r;

    (void)id;
    r = pix_state(ctx);
    if (r < 0)
        return r;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = validate_qr(ctx, json, &s, resp);
    if (r == 0) {
        r = am_pix_qr_create(ctx->account->records, ctx->ids, &s, ctx->now, &qr);
        if (r == -EINVAL)
            r = am_input_fail(resp, 400, AM_ERR_PIX_ADDRESS_KEY, AM_TXT_PIX_ADDRESS_KEY);
        else if (r == 0)
            r = am_api_answer_json(resp, am_pix_qr_to_json(qr));
    }
    cJSON_Delete(json);
    return am_input_done(r);
}

AM_HANDLER(am_api_pix_qr_static_delete)
{
    cJSON *qr, *o;
    int r;

    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    qr = id ? am_records_find(ctx->account->records, AM_PIX_QRCODES, id) : NULL;
    if (qr && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qr, "_deleted")))
        qr = NULL;
    r = am_api_found(ctx, qr, resp);
    if (r)
        return am_input_done(r);
    am_pix_qr_delete(qr);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "id", id) || !cJSON_AddTrueToObject(o, "deleted")) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

/* ---- decode and pay ----------------------------------------------------------------- */

/* Reads qrCode.payload (pay) or payload (decode) and resolves it. 0, 1 or <0. */
static int read_payload(struct am_ctx *ctx, const cJSON *obj, const char **ret,
                        struct am_pix_target *t, struct am_response *resp)
{
    int r = am_input_text(obj, "payload", ret, resp);

    if (r)
        return r;
    if (!*ret)
        return am_input_fail(resp, 400, AM_ERR_PIX_PAYLOAD, AM_TXT_PIX_PAYLOAD_MISSING);
    if (!ctx->registry)
        return -EINVAL;
    r = am_pix_resolve(ctx->registry, *ret, t);
    if (r == -EINVAL)
        return am_input_fail(resp, 400, AM_ERR_PIX_PAYLOAD, AM_TXT_PIX_PAYLOAD);
    if (r == -ENOENT)
        return am_input_fail(resp, 400, AM_ERR_PIX_PAYLOAD, AM_TXT_PIX_QR_NOT_FOUND);
    return r;
}

static bool add_money_or_null(cJSON *o, const char *key, int64_t cents, bool present)
{
    if (!present)
        return cJSON_AddNullToObject(o, key) != NULL;
    return am_money_add(o, key, cents) == 0;
}

static cJSON *decode_json(const struct am_ctx *ctx, const char *payload,
                          const struct am_pix_target *t)
{
    cJSON *o = cJSON_CreateObject(), *rcv = NULL, *payer = NULL;
    const struct am_payment *p = t->payment;
    int64_t value = p ? p->value_cents : (t->info.amount_cents > 0 ? t->info.amount_cents : 0);
    const char *why = am_pix_target_refusal(t, value, ctx->now);
    bool is_static = t->kind != AM_PIX_TARGET_CHARGE && t->info.is_static;
    const char *name = t->receiver ? t->receiver->name : t->info.name;
    char due[11] = "";
    bool ok;

    if (p)
        am_cal_format_day(p->due_day, due);
    if (t->kind == AM_PIX_TARGET_EXTERNAL)
        why = NULL;
    ok = o && cJSON_AddStringToObject(o, "payload", payload) &&
         cJSON_AddStringToObject(o, "type", is_static ? "STATIC" : "DYNAMIC") &&
         cJSON_AddStringToObject(o, "transactionOriginType",
                                 is_static ? "STATIC_QRCODE" : "DYNAMIC_QRCODE") &&
         am_json_add_string_or_null(o, "pixKey", t->info.key[0] ? t->info.key : NULL) == 0 &&
         am_json_add_string_or_null(o, "conciliationIdentifier",
                                    t->info.txid[0] && strcmp(t->info.txid, "***") != 0
                                        ? t->info.txid
                                        : NULL) == 0 &&
         am_json_add_string_or_null(o, "dueDate", p ? due : NULL) == 0 &&
         cJSON_AddNullToObject(o, "expirationDate") && cJSON_AddNullToObject(o, "finality") &&
         add_money_or_null(o, "value", value, value > 0) &&
         cJSON_AddNullToObject(o, "changeValue") && am_money_add(o, "interest", 0) == 0 &&
         am_money_add(o, "fine", 0) == 0 && am_money_add(o, "discount", 0) == 0 &&
         add_money_or_null(o, "totalValue", value, value > 0) &&
         cJSON_AddBoolToObject(o, "canBePaidWithDifferentValue", value == 0) &&
         cJSON_AddFalseToObject(o, "canBeModifyChangeValue");
    rcv = ok ? cJSON_CreateObject() : NULL;
    ok = rcv && cJSON_AddStringToObject(rcv, "ispb", AM_PIX_ASAAS_ISPB) &&
         cJSON_AddStringToObject(rcv, "ispbName", AM_PIX_ASAAS_ISPB_NAME) &&
         am_json_add_string_or_null(rcv, "name", name[0] ? name : NULL) == 0 &&
         am_json_add_string_or_null(rcv, "tradingName", name[0] ? name : NULL) == 0 &&
         cJSON_AddNullToObject(rcv, "cpfCnpj") &&
         cJSON_AddStringToObject(rcv, "personType", "JURIDICA") &&
         cJSON_AddStringToObject(rcv, "accountType", "PAYMENT_ACCOUNT") &&
         cJSON_AddItemToObject(o, "receiver", rcv);
    if (!ok)
        cJSON_Delete(rcv);
    payer = ok ? cJSON_CreateObject() : NULL;
    ok = payer && cJSON_AddStringToObject(payer, "name", ctx->account->name) &&
         cJSON_AddNullToObject(payer, "cpfCnpj") && cJSON_AddItemToObject(o, "payer", payer);
    if (!ok)
        cJSON_Delete(payer);
    ok = ok &&
         am_json_add_string_or_null(o, "description",
                                    p ? p->description
                                      : (t->info.description[0] ? t->info.description : NULL)) ==
             0 &&
         cJSON_AddBoolToObject(o, "canBePaid", why == NULL) &&
         am_json_add_string_or_null(o, "cannotBePaidReason", why) == 0;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

AM_HANDLER(am_api_pix_qr_decode)
{
    cJSON *json = NULL;
    struct am_pix_target t;
    const char *payload = NULL;
    int r;

    (void)id;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = read_payload(ctx, json, &payload, &t, resp);
    if (r == 0)
        r = am_api_answer_json(resp, decode_json(ctx, payload, &t));
    cJSON_Delete(json);
    return am_input_done(r);
}

AM_HANDLER(am_api_pix_qr_pay)
{
    cJSON *json = NULL, *tx = NULL;
    const cJSON *qr;
    struct am_pix_target t;
    struct am_pix_pay_spec s = {.schedule_day = AM_NO_DAY};
    const char *why;
    int r;

    (void)id;
    r = pix_state(ctx);
    if (r < 0)
        return r;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    qr = am_input_field(json, "qrCode");
    if (!qr) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_QRCODE, AM_TXT_PIX_QRCODE_MISSING);
        goto out;
    }
    if (!cJSON_IsObject(qr)) {
        r = am_input_type_error(resp, "qrCode");
        goto out;
    }
    r = read_payload(ctx, qr, &s.payload, &t, resp);
    if (r)
        goto out;
    r = am_money_from_json(am_input_field(json, "value"), &s.value_cents);
    if (r == -ENOENT) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_VALUE, AM_TXT_PIX_VALUE_MISSING);
        goto out;
    }
    if (r < 0 || s.value_cents <= 0) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_VALUE, AM_TXT_PIX_VALUE);
        goto out;
    }
    if ((r = am_input_text(json, "description", &s.description, resp)))
        goto out;
    r = am_input_day(json, "scheduleDate", &s.schedule_day);
    if (r == -ENOENT)
        s.schedule_day = AM_NO_DAY;
    if (r == -EINVAL || (r == 0 && s.schedule_day < am_api_today(ctx))) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_SCHEDULE, AM_TXT_PIX_SCHEDULE);
        goto out;
    }
    /* The sandbox answers 404 to a payer with no Pix key of its own. */
    if (!am_pix_has_active_key(ctx->account->records)) {
        r = am_api_not_found(resp);
        goto out;
    }
    why = am_pix_target_refusal(&t, s.value_cents, ctx->now);
    if (why) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, why);
        goto out;
    }
    r = am_pix_pay(ctx->account, ctx->ids, &s, &t, ctx->now, &tx);
    if (r == -ENOSPC)
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_BALANCE);
    else if (r == 0)
        r = am_api_answer_json(resp, am_pix_transaction_to_json(tx));
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- transactions ------------------------------------------------------------------- */

/* The list walks the records tags (status and type packed, contiguous), not the JSON:
 * a filtered page over 100k transactions touches only the tags and the page's objects. */
AM_HANDLER(am_api_pix_tx_list)
{
    struct am_records *rec;
    const char *status, *type, *e2e;
    int want_status = -1, want_type = -1, r;
    struct am_page page;
    struct am_api_pager pg;
    uint32_t *tags;
    size_t n;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    rec = ctx->account->records;
    status = am_api_query_value(ctx->query, "status");
    type = am_api_query_value(ctx->query, "type");
    e2e = am_api_query_value(ctx->query, "endToEndIdentifier");
    if (status && (want_status = am_pix_name_index(am_pix_tx_statuses, status)) < 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_FILTER_STATUS, AM_TXT_FILTER_STATUS));
    if (type && (want_type = am_pix_name_index(am_pix_tx_types, type)) < 0)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_EXT_TYPE, AM_TXT_FILTER_STATUS));
    r = am_api_list_begin(ctx, resp, &page);
    if (r)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    tags = am_records_tags(rec, AM_PIX_TRANSACTIONS, &n);
    for (size_t k = n; k-- > 0;) {
        uint32_t tag = tags[k];

        if (!tag) /* not derived yet (a snapshot import) */
            tag = tags[k] = am_pix_tx_tag(am_records_at(rec, AM_PIX_TRANSACTIONS, k));
        if ((want_status >= 0 && am_pix_tag_status(tag) != want_status) ||
            (want_type >= 0 && am_pix_tag_type(tag) != want_type))
            continue;
        if (e2e && !am_pix_is(am_records_at(rec, AM_PIX_TRANSACTIONS, k), "endToEndIdentifier", e2e))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_pix_transaction_to_json(am_records_at(rec, AM_PIX_TRANSACTIONS, k)));
    }
    return am_api_pager_answer(&pg, resp);
}

static cJSON *find_tx(struct am_ctx *ctx, const char *id)
{
    return id ? am_records_find(ctx->account->records, AM_PIX_TRANSACTIONS, id) : NULL;
}

AM_HANDLER(am_api_pix_tx_get)
{
    cJSON *tx;
    int r;

    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    tx = find_tx(ctx, id);
    r = am_api_found(ctx, tx, resp);
    if (r)
        return am_input_done(r);
    return am_api_answer_json(resp, am_pix_transaction_to_json(tx));
}

AM_HANDLER(am_api_pix_tx_cancel)
{
    cJSON *tx;
    int r;

    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    tx = find_tx(ctx, id);
    r = am_api_found(ctx, tx, resp);
    if (r)
        return am_input_done(r);
    r = am_pix_transaction_cancel(ctx->account->records, tx, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_CANCEL));
    if (r < 0)
        return r;
    return am_api_answer_json(resp, am_pix_transaction_to_json(tx));
}

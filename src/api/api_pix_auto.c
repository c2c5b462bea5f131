/* api_pix_auto.c - /v3/pix/transactions/recurrings (recurring Pix) and
 * /v3/pix/automatic (automatic Pix authorizations and payment instructions); see
 * api_pix.h and domain/pix_auto.h. */
#include "api_pix.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "calendar.h"
#include "customers.h"
#include "input.h"
#include "money.h"
#include "pix_auto.h"
#include "pix_json.h"
#include "records.h"

/* 400 invalid_<field> "O campo <field> é inválido ou não foi informado." */
static int field_error(struct am_response *resp, const char *field)
{
    char code[64], text[128];

    snprintf(code, sizeof(code), AM_ERR_PIX_AUTO_FIELD_FMT, field);
    snprintf(text, sizeof(text), AM_TXT_PIX_AUTO_FIELD_FMT, field);
    return am_input_fail(resp, 400, code, text);
}

static cJSON *render_public(const cJSON *o)
{
    return am_records_public(o);
}

/* Looks id up in coll: 0 with *ret, 1 (answered 404) or <0. */
static int lookup(struct am_ctx *ctx, const char *coll, const char *id, cJSON **ret,
                  struct am_response *resp)
{
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    *ret = id ? am_records_find(ctx->account->records, coll, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

static int answer(struct am_response *resp, int status, const cJSON *o)
{
    cJSON *pub = am_records_public(o);

    if (!pub)
        return -ENOMEM;
    return am_response_json(resp, status, pub);
}

/* ---- recurring Pix ------------------------------------------------------------------ */

static const char *const rec_statuses[] = {"AWAITING_CRITICAL_ACTION_AUTHORIZATION", "PENDING",
                                           "SCHEDULED", "CANCELLED", "DONE", NULL};

static bool rec_match(const cJSON *rec, const struct am_query *q, const void *arg)
{
    const char *status = am_api_query_value(q, "status");
    const char *value = am_api_query_value(q, "value");
    const char *text = am_api_query_value(q, "searchText");
    int64_t cents;

    if (status && !am_pix_is(rec, "status", status))
        return false;
    if (value && (am_money_parse(value, &cents) < 0 || am_pix_money(rec, "value") != cents))
        return false;
    if (text) {
        const cJSON *ext = cJSON_GetObjectItemCaseSensitive(rec, "externalAccount");
        const char *name = am_pix_str(ext, "name"), *key = am_pix_str(ext, "pixKey");

        return (name && strstr(name, text)) || (key && strstr(key, text));
    }
    return true;
}

AM_HANDLER(am_api_pix_rec_list)
{
    int r;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_pix_enum_filter(ctx, "status", rec_statuses, resp);
    if (r)
        return am_input_done(r);
    return am_api_pix_list(ctx, resp, AM_PIX_RECURRINGS, rec_match, NULL, render_public, true);
}

AM_HANDLER(am_api_pix_rec_get)
{
    cJSON *rec;
    int r = lookup(ctx, AM_PIX_RECURRINGS, id, &rec, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    return answer(resp, 200, rec);
}

AM_HANDLER(am_api_pix_rec_cancel)
{
    cJSON *rec;
    int r = lookup(ctx, AM_PIX_RECURRINGS, id, &rec, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    r = am_pix_recurring_cancel(ctx->account->records, rec);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_REC_CANCEL));
    if (r < 0)
        return r;
    return answer(resp, 200, rec);
}

/* arg: the recurrence id. */
static bool item_match(const cJSON *it, const struct am_query *q, const void *arg)
{
    (void)q;
    return am_pix_is(it, "_recurrence", arg);
}

AM_HANDLER(am_api_pix_rec_items)
{
    cJSON *rec;
    int r = lookup(ctx, AM_PIX_RECURRINGS, id, &rec, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    return am_api_pix_list(ctx, resp, AM_PIX_RECURRING_ITEMS, item_match, id, render_public,
                           false);
}

AM_HANDLER(am_api_pix_rec_item_cancel)
{
    cJSON *it;
    int r = lookup(ctx, AM_PIX_RECURRING_ITEMS, id, &it, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    r = am_pix_recurring_item_cancel(ctx->account->records, it);
    if (r == -EPERM)
        return am_input_done(
            am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_REC_ITEM_CANCEL));
    if (r < 0)
        return r;
    return answer(resp, 200, it);
}

/* Mock-only sandbox action: a recurrence as a Pix transfer with "recurring" makes it. */
AM_HANDLER(am_api_pix_rec_sandbox_create)
{
    struct am_pix_recurring_spec s = {0};
    cJSON *json = NULL, *rec = NULL;
    const char *freq = NULL;
    long qty = 0;
    int r;

    (void)id;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = am_money_from_json(am_input_field(json, "value"), &s.value_cents);
    if (r < 0 || s.value_cents <= 0) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_VALUE,
                          r == -ENOENT ? AM_TXT_PIX_VALUE_MISSING : AM_TXT_PIX_VALUE);
        goto out;
    }
    if ((r = am_input_text(json, "frequency", &freq, resp)))
        goto out;
    if (!freq || (strcmp(freq, "WEEKLY") != 0 && strcmp(freq, "MONTHLY") != 0)) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_REC_FREQUENCY, AM_TXT_PIX_REC_FREQUENCY);
        goto out;
    }
    s.monthly = strcmp(freq, "MONTHLY") == 0;
    r = am_input_int(am_input_field(json, "quantity"), 1,
                     s.monthly ? AM_PIX_RECURRING_MAX_MONTHLY : AM_PIX_RECURRING_MAX, &qty);
    if (r < 0) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_REC_QUANTITY, AM_TXT_PIX_REC_QUANTITY);
        goto out;
    }
    s.quantity = (unsigned)qty;
    r = am_input_day(json, "startDate", &s.start_day);
    if (r == -ENOENT)
        s.start_day = am_api_today(ctx);
    else if (r < 0 || s.start_day < am_api_today(ctx)) {
        r = am_input_fail(resp, 400, AM_ERR_PIX_SCHEDULE, AM_TXT_PIX_SCHEDULE);
        goto out;
    }
    if ((r = am_input_text(json, "pixAddressKey", &s.pix_key, resp)) ||
        (r = am_input_text(json, "name", &s.name, resp)))
        goto out;
    r = am_pix_recurring_create(ctx->account->records, ctx->ids, &s, ctx->now, &rec);
    if (r == 0)
        r = answer(resp, 200, rec);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

/* ---- automatic Pix: authorizations -------------------------------------------------- */

static const char *const frequencies[] = {"WEEKLY", "MONTHLY", "QUARTERLY", "SEMIANNUALLY",
                                          "ANNUALLY", NULL};
static const char *const creation_modes[] = {"MANUAL", "SUBSCRIPTION", NULL};
static const char *const retry_policies[] = {"ALLOW_THREE_IN_SEVEN_DAYS", "NOT_ALLOWED", NULL};
static const char *const auth_statuses[] = {"CREATED", "ACTIVE", "CANCELLED", "REFUSED",
                                            "EXPIRED", NULL};
static const char *const instr_statuses[] = {"AWAITING_REQUEST", "SCHEDULED", "DONE",
                                             "CANCELLED", "REFUSED", NULL};

/* An optional text of at most max bytes: 0, 1 (answered) or <0. */
static int short_text(const cJSON *obj, const char *key, size_t max, const char **ret,
                      struct am_response *resp)
{
    int r = am_input_text(obj, key, ret, resp);

    if (r)
        return r;
    if (*ret && strlen(*ret) > max)
        return field_error(resp, key);
    return 0;
}

/* A positive amount; *ret 0 when absent. 0, 1 or <0. */
static int amount(const cJSON *obj, const char *key, int64_t *ret, struct am_response *resp)
{
    int r = am_money_from_json(am_input_field(obj, key), ret);

    if (r == -ENOENT) {
        *ret = 0;
        return 0;
    }
    if (r < 0 || *ret <= 0)
        return field_error(resp, key);
    return 0;
}

static int enum_field(const cJSON *obj, const char *key, const char *const *names, bool required,
                      const char **ret, struct am_response *resp)
{
    int r = am_input_text(obj, key, ret, resp);

    if (r)
        return r;
    if ((!*ret && required) || (*ret && !am_api_pix_in_list(*ret, names)))
        return field_error(resp, key);
    return 0;
}

static int validate_auth(struct am_ctx *ctx, const cJSON *json, struct am_pix_auth_spec *s,
                         struct am_response *resp)
{
    const cJSON *iq;
    long secs = 0;
    int r;

    memset(s, 0, sizeof(*s));
    s->finish_day = AM_NO_DAY;
    if ((r = enum_field(json, "frequency", frequencies, true, &s->frequency, resp)) ||
        (r = short_text(json, "contractId", 35, &s->contract_id, resp)))
        return r;
    if (!s->contract_id)
        return field_error(resp, "contractId");
    r = am_input_day(json, "startDate", &s->start_day);
    if (r < 0 || s->start_day < am_api_today(ctx))
        return field_error(resp, "startDate");
    r = am_input_day(json, "finishDate", &s->finish_day);
    if (r == -ENOENT)
        s->finish_day = AM_NO_DAY;
    else if (r < 0 || s->finish_day < s->start_day)
        return field_error(resp, "finishDate");
    if ((r = amount(json, "value", &s->value_cents, resp)) ||
        (r = short_text(json, "description", 35, &s->description, resp)) ||
        (r = am_input_text(json, "customerId", &s->customer_id, resp)))
        return r;
    if (!s->customer_id || !am_customer_store_is_active(ctx->account->customers, s->customer_id))
        return am_input_fail(resp, 400, AM_ERR_PIX_AUTO_CUSTOMER, AM_TXT_PIX_AUTO_CUSTOMER);
    iq = am_input_field(json, "immediateQrCode");
    if (!cJSON_IsObject(iq))
        return field_error(resp, "immediateQrCode");
    r = am_input_int(am_input_field(iq, "expirationSeconds"), 1, 2147483647L, &secs);
    if (r < 0)
        return field_error(resp, "expirationSeconds");
    s->qr_expiration_seconds = secs;
    if ((r = amount(iq, "originalValue", &s->qr_original_cents, resp)))
        return r;
    if (!s->qr_original_cents)
        return field_error(resp, "originalValue");
    if ((r = short_text(iq, "description", 140, &s->qr_description, resp)) ||
        (r = amount(json, "minLimitValue", &s->min_limit_cents, resp)))
        return r;
    if (s->min_limit_cents && s->value_cents)
        return field_error(resp, "minLimitValue");
    if ((r = enum_field(json, "paymentCreationMode", creation_modes, false,
                        &s->payment_creation_mode, resp)) ||
        (r = enum_field(json, "retryPolicy", retry_policies, false, &s->retry_policy, resp)))
        return r;
    if (!s->payment_creation_mode)
        s->payment_creation_mode = "MANUAL";
    if (strcmp(s->payment_creation_mode, "SUBSCRIPTION") == 0 && !s->value_cents)
        return field_error(resp, "paymentCreationMode");
    if (!s->retry_policy)
        s->retry_policy = "NOT_ALLOWED";
    return 0;
}

AM_HANDLER(am_api_pix_auth_create)
{
    struct am_pix_auth_spec s;
    cJSON *json = NULL, *auth = NULL;
    int r;

    (void)id;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = validate_auth(ctx, json, &s, resp);
    if (r == 0)
        r = am_pix_auth_create(ctx->account, ctx->ids, &s, ctx->now, &auth);
    if (r == 0)
        r = answer(resp, 200, auth);
    cJSON_Delete(json);
    return am_input_done(r);
}

static bool auth_match(const cJSON *a, const struct am_query *q, const void *arg)
{
    const char *status = am_api_query_value(q, "status");
    const char *customer = am_api_query_value(q, "customerId");

    return (!status || am_pix_is(a, "status", status)) &&
           (!customer || am_pix_is(a, "customerId", customer));
}

AM_HANDLER(am_api_pix_auth_list)
{
    int r;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_pix_enum_filter(ctx, "status", auth_statuses, resp);
    if (r)
        return am_input_done(r);
    return am_api_pix_list(ctx, resp, AM_PIX_AUTHORIZATIONS, auth_match, NULL, render_public, true);
}

AM_HANDLER(am_api_pix_auth_get)
{
    cJSON *auth;
    int r = lookup(ctx, AM_PIX_AUTHORIZATIONS, id, &auth, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    return answer(resp, 200, auth);
}

AM_HANDLER(am_api_pix_auth_cancel)
{
    cJSON *auth;
    int r = lookup(ctx, AM_PIX_AUTHORIZATIONS, id, &auth, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    r = am_pix_auth_cancel(ctx->account, auth, ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_AUTO_CANCEL));
    if (r < 0)
        return r;
    return answer(resp, 200, auth);
}

/* ---- automatic Pix: payment instructions -------------------------------------------- */

static bool instr_match(const cJSON *in, const struct am_query *q, const void *arg)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(in, "authorization");
    const char *auth = am_api_query_value(q, "authorizationId");
    const char *customer = am_api_query_value(q, "customerId");
    const char *payment = am_api_query_value(q, "paymentId");
    const char *status = am_api_query_value(q, "status");

    return (!auth || am_pix_is(ref, "id", auth)) &&
           (!customer || am_pix_is(ref, "customerId", customer)) &&
           (!payment || am_pix_is(in, "paymentId", payment)) &&
           (!status || am_pix_is(in, "status", status));
}

AM_HANDLER(am_api_pix_instr_list)
{
    int r;

    (void)id;
    (void)req;
    if (!am_api_pix_ready(ctx))
        return -EINVAL;
    r = am_api_pix_enum_filter(ctx, "status", instr_statuses, resp);
    if (r)
        return am_input_done(r);
    return am_api_pix_list(ctx, resp, AM_PIX_INSTRUCTIONS, instr_match, NULL, render_public, true);
}

AM_HANDLER(am_api_pix_instr_get)
{
    cJSON *in;
    int r = lookup(ctx, AM_PIX_INSTRUCTIONS, id, &in, resp);

    (void)req;
    if (r)
        return am_input_done(r);
    return answer(resp, 200, in);
}

AM_HANDLER(am_api_pix_instr_retry)
{
    cJSON *in, *json = NULL, *retry = NULL;
    int64_t due;
    int r = lookup(ctx, AM_PIX_INSTRUCTIONS, id, &in, resp);

    if (r)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &json);
    if (r)
        return am_input_done(r);
    r = am_input_day(json, "dueDate", &due);
    if (r < 0 || due < am_api_today(ctx)) {
        r = field_error(resp, "dueDate");
        goto out;
    }
    r = am_pix_instr_retry(ctx->account, ctx->ids, in, due, ctx->now, &retry);
    if (r == -EPERM)
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_AUTO_NO_RETRY);
    else if (r == -EBUSY)
        r = am_input_fail(resp, 400, AM_ERR_PIX_ACTION, AM_TXT_PIX_AUTO_RETRY_STATE);
    else if (r == 0)
        r = answer(resp, 201, retry);
out:
    cJSON_Delete(json);
    return am_input_done(r);
}

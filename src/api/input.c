/* input.c - request-body parsing shared by the /v3 API areas (see input.h). */
#include "input.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_common.h"
#include "asaas_facts.h"
#include "calendar.h"
#include "customers.h"
#include "money.h"
#include "pix.h"

/* Percentages are hundredths of a percent: 100% = 10000. */
#define PERCENT_MAX 10000
/* dueDateLimitDays upper bound (ten years): anything larger is a client mistake. */
#define LIMIT_DAYS_MAX 3650

int am_input_fail(struct am_response *resp, int status, const char *code, const char *text)
{
    int r = am_response_error(resp, status, code, text);

    return r < 0 ? r : 1;
}

int am_input_type_error(struct am_response *resp, const char *key)
{
    char code[64], text[128];

    snprintf(code, sizeof(code), AM_ERR_FIELD_PREFIX "%s", key);
    snprintf(text, sizeof(text), AM_TXT_FIELD_TYPE_FMT, key);
    return am_input_fail(resp, 400, code, text);
}

const cJSON *am_input_field(const cJSON *obj, const char *key)
{
    const cJSON *item = am_json_member(obj, key);

    return item && !cJSON_IsNull(item) ? item : NULL;
}

int am_input_str(const cJSON *obj, const char *key, const char **ret, bool *ret_present)
{
    const char *v = NULL;
    int r = am_json_get_string(obj, key, &v);

    if (ret_present)
        *ret_present = am_json_member(obj, key) != NULL;
    if (r < 0)
        return r;
    *ret = v && *v ? v : NULL;
    return 0;
}

int am_input_text(const cJSON *obj, const char *key, const char **ret, struct am_response *resp)
{
    if (am_input_str(obj, key, ret, NULL) < 0)
        return am_input_type_error(resp, key);
    return 0;
}

static bool digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

int am_input_int(const cJSON *item, long min, long max, long *ret)
{
    double d;

    if (!item || cJSON_IsNull(item) || (cJSON_IsString(item) && !item->valuestring[0]))
        return -ENOENT;
    if (cJSON_IsString(item)) {
        const char *s = item->valuestring;
        long v;

        /* Strict: an optional '-' and at most 18 digits (no spaces, '+' or hex). */
        if (!digits(s + (*s == '-'), 1, 18))
            return -EINVAL;
        v = strtol(s, NULL, 10);
        if (v < min || v > max)
            return -EINVAL;
        *ret = v;
        return 0;
    }
    if (!cJSON_IsNumber(item))
        return -EINVAL;
    d = item->valuedouble;
    if (d != d || d < (double)min || d > (double)max || d != (double)(long)d)
        return -EINVAL;
    *ret = (long)d;
    return 0;
}

int am_input_uint(const cJSON *obj, const char *key, unsigned max, unsigned *ret)
{
    long v;
    int r = am_input_int(am_input_field(obj, key), 0, (long)max, &v);

    if (r == 0)
        *ret = (unsigned)v;
    return r;
}

int am_input_day(const cJSON *obj, const char *key, int64_t *ret)
{
    const cJSON *it = am_json_member(obj, key);

    if (!it || cJSON_IsNull(it) || (cJSON_IsString(it) && !it->valuestring[0]))
        return -ENOENT;
    if (!cJSON_IsString(it) || am_cal_parse_day(it->valuestring, ret) < 0)
        return -EINVAL;
    return 0;
}

/* ---- discount / fine / interest ----------------------------------------------------- */

/* type: FIXED (default, also for null) or PERCENTAGE. 0 / -EINVAL. */
static int amount_type(const cJSON *o, enum am_amount_type *ret)
{
    const cJSON *t = am_input_field(o, "type");

    *ret = AM_AMOUNT_FIXED;
    if (!t)
        return 0;
    if (!cJSON_IsString(t))
        return -EINVAL;
    if (strcmp(t->valuestring, "FIXED") == 0)
        *ret = AM_AMOUNT_FIXED;
    else if (strcmp(t->valuestring, "PERCENTAGE") == 0)
        *ret = AM_AMOUNT_PERCENTAGE;
    else
        return -EINVAL;
    return 0;
}

/* The object's optional money "value" (absent = 0). 0 / -EINVAL. */
static int amount_value(const cJSON *o, int64_t *ret)
{
    *ret = 0;
    return am_money_from_json(am_input_field(o, "value"), ret) == -EINVAL ? -EINVAL : 0;
}

static int read_discount(const cJSON *o, struct am_discount *d)
{
    long days = 0;
    int r;

    d->limit_day = AM_NO_DAY;
    if (!cJSON_IsObject(o) || amount_type(o, &d->type) < 0 || amount_value(o, &d->value) < 0)
        return -EINVAL;
    r = am_input_int(am_input_field(o, "dueDateLimitDays"), 0, LIMIT_DAYS_MAX, &days);
    if (r == -EINVAL)
        return r;
    d->due_date_limit_days = r == 0 ? (int32_t)days : 0;
    return d->type == AM_AMOUNT_PERCENTAGE && d->value > PERCENT_MAX ? -EINVAL : 0;
}

static int read_fine(const cJSON *o, struct am_fine *f)
{
    if (!cJSON_IsObject(o) || amount_type(o, &f->type) < 0 || amount_value(o, &f->value) < 0)
        return -EINVAL;
    return f->type == AM_AMOUNT_PERCENTAGE && f->value > PERCENT_MAX ? -EINVAL : 0;
}

/* interest{value}: a monthly percentage. */
static int read_interest(const cJSON *o, struct am_interest *in)
{
    if (!cJSON_IsObject(o) || amount_value(o, &in->value) < 0)
        return -EINVAL;
    return in->value > PERCENT_MAX ? -EINVAL : 0;
}

int am_input_terms(const cJSON *obj, struct am_input_terms *ret, struct am_response *resp)
{
    const cJSON *o;

    memset(ret, 0, sizeof(*ret));
    ret->discount.limit_day = AM_NO_DAY;
    if ((o = am_input_field(obj, "discount"))) {
        if (read_discount(o, &ret->discount) < 0)
            return am_input_fail(resp, 400, AM_ERR_DISCOUNT, AM_TXT_DISCOUNT);
        ret->has_discount = true;
    }
    if ((o = am_input_field(obj, "fine"))) {
        if (read_fine(o, &ret->fine) < 0)
            return am_input_fail(resp, 400, AM_ERR_FINE, AM_TXT_FINE);
        ret->has_fine = true;
    }
    if ((o = am_input_field(obj, "interest"))) {
        if (read_interest(o, &ret->interest) < 0)
            return am_input_fail(resp, 400, AM_ERR_INTEREST, AM_TXT_INTEREST);
        ret->has_interest = true;
    }
    return 0;
}

void am_input_terms_apply(const struct am_input_terms *t, struct am_discount *discount,
                          struct am_fine *fine, struct am_interest *interest)
{
    if (t->has_discount)
        *discount = t->discount;
    if (t->has_fine)
        *fine = t->fine;
    if (t->has_interest)
        *interest = t->interest;
}

void am_input_terms_update(const struct am_input_terms *t, struct am_payment_update *u)
{
    u->discount = t->discount;
    u->fine = t->fine;
    u->interest = t->interest;
    u->has_discount = t->has_discount;
    u->has_fine = t->has_fine;
    u->has_interest = t->has_interest;
}

/* ---- credit card ------------------------------------------------------------------ */

/* Digits of a card number (spaces and dashes dropped): 13 to 19 of them. */
static bool card_digits(const char *s, char out[20])
{
    size_t n = 0;

    for (; *s; s++) {
        if (*s == ' ' || *s == '-')
            continue;
        if (*s < '0' || *s > '9' || n >= 19)
            return false;
        out[n++] = *s;
    }
    out[n] = '\0';
    return n >= 13;
}

/* A non-empty string, or a JSON number (phones, CEPs and documents often are). */
static bool filled(const cJSON *o, const char *key)
{
    const cJSON *it = am_json_member(o, key);

    if (cJSON_IsNumber(it))
        return true;
    return cJSON_IsString(it) && it->valuestring[0];
}

/* expiryMonth 1..12 and expiryYear (2-digit years are 20YY), strings or numbers, not
 * before the month of today (AM_CARD_RULES). */
static bool expiry_ok(const cJSON *card, int64_t today)
{
    long month, year;
    int64_t ty;
    unsigned tm, td;

    if (am_input_int(am_input_field(card, "expiryMonth"), 1, 12, &month) < 0 ||
        am_input_int(am_input_field(card, "expiryYear"), 0, 9999, &year) < 0)
        return false;
    if (year < 100)
        year += 2000;
    am_cal_civil_from_days(today, &ty, &tm, &td);
    return year > ty || (year == ty && month >= tm);
}

/* ccv: 3 or 4 digits, as a string or a JSON number (AM_CARD_RULES). */
static bool ccv_ok(const cJSON *card)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(card, "ccv");
    long v;

    if (cJSON_IsString(it))
        return digits(it->valuestring, 3, 4);
    return cJSON_IsNumber(it) && am_input_int(it, 100, 9999, &v) == 0;
}

static int read_token(const struct am_billing *b, const cJSON *obj, const char *token,
                      const char *customer, struct am_input_card *c, struct am_response *resp)
{
    const struct am_card_token *t = am_billing_token_find(b, token);
    const cJSON *card = am_input_field(obj, "creditCard");
    char text[160];

    if (!t || (customer && strcmp(t->customer, customer) != 0)) {
        snprintf(text, sizeof(text), AM_TXT_CARD_TOKEN_FMT, token);
        return am_input_fail(resp, 400, AM_ERR_CARD_TOKEN, text);
    }
    /* Captured: a token together with a security code is refused (400). */
    if (cJSON_IsObject(card) && cJSON_GetObjectItemCaseSensitive(card, "ccv"))
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_TOKEN_WITH_CCV);
    c->present = c->from_token = true;
    c->info.present = true;
    snprintf(c->info.last4, sizeof(c->info.last4), "%s", t->last4);
    snprintf(c->info.brand, sizeof(c->info.brand), "%s", t->brand);
    snprintf(c->info.token, sizeof(c->info.token), "%s", t->token);
    return 0;
}

static int read_card_data(const cJSON *obj, int64_t today, bool require_ip,
                          struct am_input_card *c, struct am_response *resp)
{
    static const char *const holder_keys[] = {"name",       "email",         "cpfCnpj",
                                              "postalCode", "addressNumber", "phone"};
    const cJSON *card = am_input_field(obj, "creditCard");
    const cJSON *holder = am_input_field(obj, "creditCardHolderInfo");
    const cJSON *it;
    const char *ip = NULL;
    size_t len;

    if (!cJSON_IsObject(card))
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_MISSING);
    it = cJSON_GetObjectItemCaseSensitive(card, "holderName");
    if (!cJSON_IsString(it) || !it->valuestring[0])
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_HOLDER_NAME);
    it = cJSON_GetObjectItemCaseSensitive(card, "number");
    if (!cJSON_IsString(it) || !card_digits(it->valuestring, c->number))
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_NUMBER);
    if (!expiry_ok(card, today))
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_EXPIRY);
    if (!ccv_ok(card))
        return am_input_fail(resp, 400, AM_ERR_CARD, AM_TXT_CARD_CCV);
    if (!cJSON_IsObject(holder))
        return am_input_fail(resp, 400, AM_ERR_CARD_HOLDER, AM_TXT_CARD_HOLDER);
    for (size_t i = 0; i < sizeof(holder_keys) / sizeof(holder_keys[0]); i++) {
        if (!filled(holder, holder_keys[i]))
            return am_input_fail(resp, 400, AM_ERR_CARD_HOLDER, AM_TXT_CARD_HOLDER);
    }
    if (require_ip && (am_input_str(obj, "remoteIp", &ip, NULL) < 0 || !ip))
        return am_input_fail(resp, 400, AM_ERR_REMOTE_IP, AM_TXT_REMOTE_IP);
    len = strlen(c->number);
    c->present = c->is_new = true;
    c->info.present = true;
    snprintf(c->info.last4, sizeof(c->info.last4), "%s", c->number + len - 4);
    snprintf(c->info.brand, sizeof(c->info.brand), "%s", am_card_brand(c->number));
    return 0;
}

int am_input_card(const struct am_billing *b, const cJSON *obj, const char *customer,
                  int64_t today, int flags, struct am_input_card *ret, struct am_response *resp)
{
    const char *token = NULL;

    memset(ret, 0, sizeof(*ret));
    if (!(flags & AM_INPUT_CARD_DATA_ONLY)) {
        if (am_input_str(obj, "creditCardToken", &token, NULL) < 0)
            return am_input_type_error(resp, "creditCardToken");
        if (token)
            return read_token(b, obj, token, customer, ret, resp);
        if (!am_input_field(obj, "creditCard") && !(flags & AM_INPUT_CARD_REQUIRED))
            return 0;
    }
    return read_card_data(obj, today, !(flags & AM_INPUT_CARD_NO_IP), ret, resp);
}

bool am_input_card_declined(const struct am_input_card *c)
{
    return c->is_new &&
           (strcmp(c->number, AM_CARD_DECLINE_1) == 0 || strcmp(c->number, AM_CARD_DECLINE_2) == 0);
}

int am_input_card_decline(struct am_response *resp)
{
    return am_input_fail(resp, 400, AM_ERR_CARD_DECLINED, AM_TXT_CARD_DECLINED);
}

void am_input_card_mint(struct am_ids *ids, struct am_input_card *c)
{
    if (c->is_new && !c->info.token[0])
        am_ids_uuid(ids, c->info.token);
}

int am_input_card_store(struct am_billing *b, const char *customer, const struct am_input_card *c)
{
    struct am_card_token t;
    int r;

    if (!c->is_new)
        return 0;
    memset(&t, 0, sizeof(t));
    memcpy(t.token, c->info.token, sizeof(t.token));
    snprintf(t.customer, sizeof(t.customer), "%s", customer);
    memcpy(t.last4, c->info.last4, sizeof(t.last4));
    memcpy(t.brand, c->info.brand, sizeof(t.brand));
    r = am_billing_token_add(b, &t);
    return r == -EEXIST ? 0 : r;
}

int am_input_customer(const struct am_ctx *ctx, const cJSON *obj, const char **ret,
                      struct am_response *resp)
{
    const char *id = NULL;

    if (am_input_str(obj, "customer", &id, NULL) < 0 || !id ||
        strlen(id) >= AM_BILLING_REF_MAX ||
        !am_customer_store_is_active(ctx->account->customers, id))
        return am_input_fail(resp, 400, AM_ERR_PAY_CUSTOMER, AM_TXT_PAY_CUSTOMER);
    *ret = id;
    return 0;
}

int am_input_billing_type(const cJSON *obj, enum am_billing_type *ret, struct am_response *resp)
{
    const char *s = NULL;

    if (am_input_str(obj, "billingType", &s, NULL) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
    if (!s)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_MISSING);
    if (am_billing_type_parse(s, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PAY_BILLING_TYPE_INVALID);
    return 0;
}

int am_input_pix_available(const struct am_ctx *ctx, enum am_billing_type type,
                           struct am_response *resp)
{
    if (type != AM_BILLING_PIX || !ctx->account->records ||
        am_pix_has_active_key(ctx->account->records))
        return 0;
    return am_input_fail(resp, 400, AM_ERR_PAY_BILLING_TYPE, AM_TXT_PIX_NO_KEY);
}

int am_input_charge_card(const struct am_ctx *ctx, const cJSON *obj, const char *customer,
                         struct am_input_card *ret, struct am_response *resp)
{
    int r = am_input_card(ctx->account->billing, obj, customer, am_cal_day_of(ctx->now),
                          AM_INPUT_CARD_OPTIONAL, ret, resp);

    if (r)
        return r;
    if (am_input_card_declined(ret))
        return am_input_card_decline(resp);
    am_input_card_mint(ctx->ids, ret);
    return 0;
}

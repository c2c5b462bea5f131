/* billing_state.c - exact export/import of one account's billing state (see
 * billing_state.h). Over 1,000 lines on purpose: export and import of every member
 * stay side by side so the format has one readable definition.
 *
 * Layout (members in this fixed order):
 *   {"salt": "16 hex", "invoiceNumberSeq", "nossoNumeroSeq", "lastEventSeq",
 *    "payments": [...creation order...], "installments": [...], "cardTokens": [...],
 *    "events": [...oldest kept first...], "ledger": [...oldest first...]}
 * Import rebuilds installments and tokens first (payments reference installments),
 * then payments through am_billing_payment_insert (which rebuilds every index), then
 * the events and the ledger (running balances checked).
 *
 * Speed: a payment has ~40 members; looking each one up by name (and checking the
 * members with am_sc_check_object, quadratic) costs ~3000 strcmp per payment. A reader
 * instead walks the members once, mapping each to its slot (the export order makes the
 * next slot the usual hit), and hands the am_sc_* readers a one-member view of the slot,
 * so every lookup is O(1). On an unknown or repeated member it defers to
 * am_sc_check_object for the exact message. */
#include "billing_state.h"

#include "errmsg.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "fees.h"
#include "state_codec.h"

#define EXACT_MAX INT64_C(9007199254740991) /* 2^53 - 1: what a JSON number carries */
#define PERCENT_MAX 10000                   /* 100.00% in hundredths */
#define WHERE_MAX 256

/* ---- enum names for am_sc_get_enum ------------------------------------------------- */

static const char *status_name(int i)
{
    return am_payment_status_name((enum am_payment_status)i);
}

static const char *type_name(int i)
{
    return am_billing_type_name((enum am_billing_type)i);
}

static const char *ledger_name(int i)
{
    return am_ledger_type_name((enum am_ledger_type)i);
}

static const char *amount_name(int i)
{
    return i == AM_AMOUNT_PERCENTAGE ? "PERCENTAGE" : i == AM_AMOUNT_FIXED ? "FIXED" : NULL;
}

static const char *refund_status_name(int i)
{
    return i == 0 ? "PENDING" : i == 1 ? "DONE" : NULL;
}

/* "where.key: message" (errmsg.h). */
#define fail(err, err_len, where, key, ...)                                                      \
    am_err_prefixed(err, err_len, -EINVAL, where, ".", key, __VA_ARGS__)

/* "where.key" and "where[i]", the text of am_sc_where_key / am_sc_where_index, without
 * printf: they run for every element and nested object, where snprintf took a tenth of
 * an import. Truncate like snprintf. */
static size_t put(char *out, size_t cap, size_t at, const char *s, size_t len)
{
    if (at + 1 >= cap)
        return at;
    if (len > cap - 1 - at)
        len = cap - 1 - at;
    memcpy(out + at, s, len);
    out[at + len] = '\0';
    return at + len;
}

static const char *where_key(char *out, size_t cap, const char *where, const char *key)
{
    size_t at;

    out[0] = '\0';
    at = put(out, cap, 0, where, strlen(where));
    at = put(out, cap, at, ".", 1);
    put(out, cap, at, key, strlen(key));
    return out;
}

static const char *where_index(char *out, size_t cap, const char *where, size_t i)
{
    char digits[24];
    size_t n = sizeof(digits), at;

    digits[--n] = ']';
    do {
        digits[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    digits[--n] = '[';
    out[0] = '\0';
    at = put(out, cap, 0, where, strlen(where));
    put(out, cap, at, digits + n, sizeof(digits) - n);
    return out;
}

/* ---- the one-pass member reader ---------------------------------------------------- */

#define RD_MAX 48

struct rd {
    cJSON view; /* an object whose first member is the slot asked for */
    const cJSON *item[RD_MAX];
    const char *const *names; /* NULL-terminated, at most RD_MAX */
    const char *where;
    char *err;
    size_t err_len;
};

/* Maps o's members to the slots of names. 0, or -EINVAL with the message of
 * am_sc_check_object (not an object, unknown or repeated member). */
static int rd_bind(struct rd *r, const cJSON *o, const char *const *names, const char *where,
                   char *err, size_t err_len)
{
    size_t n = 0, hint = 0;

    while (names[n])
        n++;
    if (n > RD_MAX) /* a programming error in the key tables below */
        return fail(err, err_len, where, NULL, "internal: too many members");
    memset(&r->view, 0, sizeof(r->view));
    memset(r->item, 0, n * sizeof(r->item[0])); /* only the slots in use: this runs a lot */
    r->view.type = cJSON_Object;
    r->names = names;
    r->where = where;
    r->err = err;
    r->err_len = err_len;
    if (!cJSON_IsObject(o))
        goto slow;
    for (const cJSON *c = o->child; c; c = c->next) {
        size_t i = hint < n && c->string && strcmp(c->string, names[hint]) == 0 ? hint : n;

        for (size_t k = 0; i == n && c->string && k < n; k++) {
            if (strcmp(c->string, names[k]) == 0)
                i = k;
        }
        if (i == n || r->item[i])
            goto slow;
        r->item[i] = c;
        hint = i + 1;
    }
    return 0;
slow:
    if (am_sc_check_object(o, names, where, err, err_len) < 0)
        return -EINVAL;
    return fail(err, err_len, where, NULL, "malformed object");
}

/* The view of slot i for an am_sc_* reader (absent member: an empty object). */
static const cJSON *rd_view(struct rd *r, size_t i)
{
    r->view.child = (cJSON *)r->item[i];
    return &r->view;
}

/* "o, key" arguments of the am_sc_* readers for slot i. */
#define AT(r, i) rd_view((r), (i)), (r)->names[(i)]
/* "where, err, err_len" of a reader. */
#define CTX(r) (r)->where, (r)->err, (r)->err_len

static bool rd_has(const struct rd *r, size_t i)
{
    return r->item[i] != NULL;
}

static bool rd_null(const struct rd *r, size_t i)
{
    return r->item[i] && cJSON_IsNull(r->item[i]);
}

/* An integer in [min, max], or null meaning null_value. */
static int rd_int_or_null(struct rd *r, size_t i, int64_t min, int64_t max, int64_t null_value,
                          int64_t *ret)
{
    if (rd_null(r, i)) {
        *ret = null_value;
        return 0;
    }
    return am_sc_get_int(AT(r, i), min, max, ret, CTX(r));
}

static int rd_enum(struct rd *r, size_t i, const char *(*name_of)(int), int count, int *ret)
{
    return am_sc_get_enum(AT(r, i), name_of, count, ret, CTX(r));
}

static int rd_required(struct rd *r, size_t i)
{
    if (rd_has(r, i))
        return 0;
    return fail(r->err, r->err_len, r->where, r->names[i], "is required");
}

/* A member that must be an array (absent = empty): its first element in *ret. */
static int rd_array(struct rd *r, size_t i, const cJSON **ret)
{
    *ret = NULL;
    if (!rd_has(r, i))
        return 0;
    if (!cJSON_IsArray(r->item[i]))
        return fail(r->err, r->err_len, r->where, r->names[i], "must be an array");
    *ret = r->item[i]->child;
    return 0;
}

/* ---- export ------------------------------------------------------------------------ */

#define TRY(x)                                                                                \
    do {                                                                                      \
        if ((x) < 0)                                                                          \
            goto oom;                                                                         \
    } while (0)

static int add_int_or_null(cJSON *o, const char *key, int64_t v, int64_t null_value)
{
    if (v == null_value)
        return cJSON_AddNullToObject(o, key) ? 0 : -ENOMEM;
    return am_sc_add_int(o, key, v);
}

static int add_buf(cJSON *o, const char *key, const char *s)
{
    return am_sc_add_str(o, key, s[0] ? s : NULL);
}

/* null when absent. */
static int add_card(cJSON *o, const char *key, const struct am_card_info *card)
{
    cJSON *c;

    if (!card->present)
        return cJSON_AddNullToObject(o, key) ? 0 : -ENOMEM;
    c = cJSON_AddObjectToObject(o, key);
    if (!c || am_sc_add_str(c, "creditCardNumber", card->last4) < 0 ||
        am_sc_add_str(c, "creditCardBrand", card->brand) < 0 ||
        add_buf(c, "creditCardToken", card->token) < 0)
        return -ENOMEM;
    return 0;
}

static cJSON *refund_export(const struct am_refund *rf)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_instant(o, "dateCreated", rf->created_at));
    TRY(am_sc_add_int(o, "valueCents", rf->value_cents));
    TRY(am_sc_add_str(o, "description", rf->description));
    TRY(am_sc_add_day(o, "effectiveDate", rf->effective_day));
    TRY(am_sc_add_str(o, "status", refund_status_name(rf->done)));
    TRY(add_buf(o, "transactionReceipt", rf->receipt));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *payment_export(const struct am_payment *p)
{
    cJSON *o = cJSON_CreateObject(), *x, *arr;

    if (!o)
        return NULL;
    TRY(am_sc_add_str(o, "id", p->id));
    TRY(am_sc_add_int(o, "seq", (int64_t)p->seq));
    TRY(am_sc_add_instant(o, "dateCreated", p->created_at));
    TRY(am_sc_add_str(o, "customer", p->customer));
    TRY(add_buf(o, "subscription", p->subscription));
    TRY(add_buf(o, "installment", p->installment));
    TRY(am_sc_add_int(o, "valueCents", p->value_cents));
    TRY(am_sc_add_int(o, "netValueCents", p->net_value_cents));
    TRY(add_int_or_null(o, "originalValueCents", p->original_value_cents, -1));
    TRY(add_int_or_null(o, "interestValueCents", p->interest_value_cents, -1));
    TRY(am_sc_add_str(o, "description", p->description));
    TRY(am_sc_add_str(o, "billingType", am_billing_type_name(p->billing_type)));
    TRY(am_sc_add_bool(o, "canBePaidAfterDueDate", p->can_be_paid_after_due_date));
    TRY(am_sc_add_day(o, "confirmedDate", p->confirmed_day));
    TRY(add_card(o, "creditCard", &p->card));
    TRY(am_sc_add_str(o, "status", am_payment_status_name(p->status)));
    TRY(am_sc_add_day(o, "dueDate", p->due_day));
    TRY(am_sc_add_day(o, "originalDueDate", p->original_due_day));
    TRY(am_sc_add_day(o, "paymentDate", p->payment_day));
    TRY(am_sc_add_day(o, "clientPaymentDate", p->client_payment_day));
    TRY(add_int_or_null(o, "installmentNumber", p->installment_number, 0));
    TRY(add_buf(o, "invoiceNumber", p->invoice_number));
    TRY(am_sc_add_str(o, "externalReference", p->external_reference));
    TRY(am_sc_add_bool(o, "deleted", p->deleted));
    TRY(am_sc_add_bool(o, "anticipated", p->anticipated));
    TRY(am_sc_add_bool(o, "anticipable", p->anticipable));
    TRY(am_sc_add_day(o, "creditDate", p->credit_day));
    TRY(am_sc_add_day(o, "estimatedCreditDate", p->estimated_credit_day));
    TRY(add_buf(o, "transactionReceipt", p->receipt));
    TRY(add_buf(o, "nossoNumero", p->nosso_numero));
    TRY(am_sc_add_instant0(o, "lastInvoiceViewedDate", p->last_invoice_viewed_at));
    TRY(am_sc_add_instant0(o, "lastBankSlipViewedDate", p->last_bank_slip_viewed_at));
    x = cJSON_AddObjectToObject(o, "discount");
    if (!x)
        goto oom;
    TRY(am_sc_add_int(x, "valueHundredths", p->discount.value));
    TRY(am_sc_add_day(x, "limitDate", p->discount.limit_day));
    TRY(am_sc_add_int(x, "dueDateLimitDays", p->discount.due_date_limit_days));
    TRY(am_sc_add_str(x, "type", amount_name(p->discount.type)));
    x = cJSON_AddObjectToObject(o, "fine");
    if (!x)
        goto oom;
    TRY(am_sc_add_int(x, "valueHundredths", p->fine.value));
    TRY(am_sc_add_str(x, "type", amount_name(p->fine.type)));
    x = cJSON_AddObjectToObject(o, "interest");
    if (!x)
        goto oom;
    TRY(am_sc_add_int(x, "valueHundredths", p->interest.value));
    TRY(am_sc_add_bool(o, "postalService", p->postal_service));
    TRY(add_int_or_null(o, "daysAfterDueDateToRegistrationCancellation",
                        p->days_after_due_to_cancel, -1));
    arr = cJSON_AddArrayToObject(o, "refunds");
    if (!arr)
        goto oom;
    for (size_t i = 0; i < p->n_refunds; i++) {
        cJSON *rf = refund_export(&p->refunds[i]);

        if (!rf)
            goto oom;
        cJSON_AddItemToArray(arr, rf);
    }
    TRY(am_sc_add_int(o, "feeCents", p->fee_cents));
    TRY(add_int_or_null(o, "cashSavedValueCents", p->cash_saved_value_cents, -1));
    TRY(am_sc_add_bool(o, "credited", p->credited));
    /* Only when set (snapshots of other charges are unchanged), last as in payment_keys
     * (the reader's hint stays O(1)). */
    if (p->payment_link[0])
        TRY(add_buf(o, "paymentLink", p->payment_link));
    if (p->checkout_session[0])
        TRY(add_buf(o, "checkoutSession", p->checkout_session));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *installment_export(const struct am_installment *in)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_str(o, "id", in->id));
    TRY(am_sc_add_instant(o, "dateCreated", in->created_at));
    TRY(am_sc_add_str(o, "customer", in->customer));
    TRY(am_sc_add_str(o, "billingType", am_billing_type_name(in->billing_type)));
    TRY(am_sc_add_int(o, "valueCents", in->value_cents));
    TRY(am_sc_add_int(o, "paymentValueCents", in->payment_value_cents));
    TRY(am_sc_add_int(o, "installmentCount", in->count));
    TRY(am_sc_add_str(o, "description", in->description));
    TRY(am_sc_add_day(o, "firstDueDate", in->first_due_day));
    TRY(add_card(o, "creditCard", &in->card));
    TRY(add_buf(o, "transactionReceipt", in->receipt));
    TRY(am_sc_add_day(o, "paymentDate", in->payment_day));
    TRY(am_sc_add_bool(o, "deleted", in->deleted));
    if (in->payment_link[0]) /* only when set: other snapshots are unchanged */
        TRY(add_buf(o, "paymentLink", in->payment_link));
    if (in->checkout_session[0])
        TRY(add_buf(o, "checkoutSession", in->checkout_session));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *token_export(const struct am_card_token *t)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_str(o, "creditCardToken", t->token));
    TRY(am_sc_add_str(o, "customer", t->customer));
    TRY(am_sc_add_str(o, "creditCardNumber", t->last4));
    TRY(am_sc_add_str(o, "creditCardBrand", t->brand));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *event_export(const struct am_event *e)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_int(o, "seq", (int64_t)e->seq));
    TRY(am_sc_add_str(o, "id", e->id));
    TRY(am_sc_add_str(o, "event", e->name));
    TRY(am_sc_add_instant(o, "dateCreated", e->created_at));
    TRY(am_sc_add_str(o, "resourceType", e->resource_type));
    TRY(am_sc_add_str(o, "resourceId", e->resource_id));
    TRY(am_sc_add_str(o, "snapshot", e->snapshot ? e->snapshot : "null"));
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *ledger_export(const struct am_ledger_entry *e)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    TRY(am_sc_add_str(o, "id", e->id));
    TRY(am_sc_add_int(o, "valueCents", e->value_cents));
    TRY(am_sc_add_int(o, "balanceCents", e->balance_cents));
    TRY(am_sc_add_str(o, "type", am_ledger_type_name(e->type)));
    TRY(am_sc_add_day(o, "date", e->day));
    TRY(am_sc_add_instant(o, "dateCreated", e->created_at));
    TRY(am_sc_add_str(o, "description", e->description));
    TRY(add_buf(o, "paymentId", e->payment_id));
    /* Only when set: snapshots of payment-only ledgers stay as they were. */
    if (e->ref_key[0]) {
        TRY(am_sc_add_str(o, "refKey", e->ref_key));
        TRY(am_sc_add_str(o, "refId", e->ref_id));
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_billing_state_export(const struct am_billing *b)
{
    struct am_billing_counters c;
    cJSON *o = cJSON_CreateObject(), *arr;
    char salt[17];

    if (!o)
        return NULL;
    am_billing_counters_get(b, &c);
    snprintf(salt, sizeof(salt), "%016llx", (unsigned long long)c.salt);
    TRY(am_sc_add_str(o, "salt", salt));
    TRY(am_sc_add_int(o, "invoiceNumberSeq", (int64_t)c.invoice_seq));
    TRY(am_sc_add_int(o, "nossoNumeroSeq", (int64_t)c.nosso_seq));
    TRY(am_sc_add_int(o, "lastEventSeq", (int64_t)am_billing_events_last_seq(b)));

    if (!(arr = cJSON_AddArrayToObject(o, "payments")))
        goto oom;
    for (size_t i = 0; i < am_billing_payment_count(b); i++) {
        cJSON *x = payment_export(am_billing_payment_at(b, i));

        if (!x)
            goto oom;
        cJSON_AddItemToArray(arr, x);
    }
    if (!(arr = cJSON_AddArrayToObject(o, "installments")))
        goto oom;
    for (size_t i = 0; i < am_billing_installment_count(b); i++) {
        cJSON *x = installment_export(am_billing_installment_at(b, i));

        if (!x)
            goto oom;
        cJSON_AddItemToArray(arr, x);
    }
    if (!(arr = cJSON_AddArrayToObject(o, "cardTokens")))
        goto oom;
    for (size_t i = 0; i < am_billing_token_count(b); i++) {
        cJSON *x = token_export(am_billing_token_at(b, i));

        if (!x)
            goto oom;
        cJSON_AddItemToArray(arr, x);
    }
    if (!(arr = cJSON_AddArrayToObject(o, "events")))
        goto oom;
    for (size_t i = 0; i < am_billing_events_count(b); i++) {
        cJSON *x = event_export(am_billing_event_at(b, i));

        if (!x)
            goto oom;
        cJSON_AddItemToArray(arr, x);
    }
    if (!(arr = cJSON_AddArrayToObject(o, "ledger")))
        goto oom;
    for (size_t i = 0; i < am_billing_ledger_count(b); i++) {
        cJSON *x = ledger_export(am_billing_ledger_at(b, i));

        if (!x)
            goto oom;
        cJSON_AddItemToArray(arr, x);
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

/* ---- import ------------------------------------------------------------------------ */

static const char *const card_keys[] = {"creditCardNumber", "creditCardBrand", "creditCardToken",
                                        NULL};
enum { C_NUMBER, C_BRAND, C_TOKEN };

/* Slot i of r: null (no card) or {creditCardNumber, creditCardBrand, creditCardToken}. */
static int card_import(struct rd *r, size_t i, struct am_card_info *card)
{
    char where[WHERE_MAX];
    struct rd c;
    int rc;

    memset(card, 0, sizeof(*card));
    if (!rd_has(r, i) || rd_null(r, i))
        return 0;
    where_key(where, sizeof(where), r->where, r->names[i]);
    rc = rd_bind(&c, r->item[i], card_keys, where, r->err, r->err_len);
    if (rc == 0)
        rc = am_sc_get_buf(AT(&c, C_NUMBER), card->last4, sizeof(card->last4), CTX(&c));
    if (rc == 0)
        rc = am_sc_get_buf(AT(&c, C_BRAND), card->brand, sizeof(card->brand), CTX(&c));
    if (rc == 0)
        rc = am_sc_get_buf(AT(&c, C_TOKEN), card->token, sizeof(card->token), CTX(&c));
    card->present = true;
    return rc;
}

static const char *const refund_keys[] = {"dateCreated",   "valueCents", "description",
                                          "effectiveDate", "status",     "transactionReceipt",
                                          NULL};
enum { R_CREATED, R_VALUE, R_DESCRIPTION, R_EFFECTIVE, R_STATUS, R_RECEIPT };

static int refund_import(const cJSON *o, const char *where, struct am_refund *rf, char *err,
                         size_t err_len)
{
    struct rd r;
    int64_t v = 0;
    int done = 1;
    int rc = rd_bind(&r, o, refund_keys, where, err, err_len);

    rf->effective_day = AM_NO_DAY;
    if (rc == 0)
        rc = am_sc_get_instant(AT(&r, R_CREATED), &rf->created_at, CTX(&r));
    if (rc == 0)
        rc = am_sc_get_int(AT(&r, R_VALUE), 1, EXACT_MAX, &v, CTX(&r));
    if (rc == 0)
        rc = rd_required(&r, R_VALUE);
    if (rc == 0)
        rc = am_sc_get_str(AT(&r, R_DESCRIPTION), &rf->description, CTX(&r));
    if (rc == 0)
        rc = am_sc_get_day(AT(&r, R_EFFECTIVE), &rf->effective_day, CTX(&r));
    if (rc == 0)
        rc = rd_enum(&r, R_STATUS, refund_status_name, 2, &done);
    if (rc == 0)
        rc = am_sc_get_buf(AT(&r, R_RECEIPT), rf->receipt, sizeof(rf->receipt), CTX(&r));
    rf->value_cents = v;
    rf->done = done == 1;
    return rc;
}

static const char *const discount_keys[] = {"valueHundredths", "limitDate", "dueDateLimitDays",
                                            "type", NULL};
enum { D_VALUE, D_LIMIT, D_DAYS, D_TYPE };
static const char *const fine_keys[] = {"valueHundredths", "type", NULL};
enum { F_VALUE, F_TYPE };
static const char *const interest_keys[] = {"valueHundredths", NULL};
enum { I_VALUE };

/* A percentage above 100% is not something the API lets a payment hold. */
static int check_percent(struct rd *r, size_t i, int64_t value, int type)
{
    if (type == AM_AMOUNT_PERCENTAGE && value > PERCENT_MAX)
        return fail(r->err, r->err_len, r->where, r->names[i],
                    "a percentage must be at most %d (100%%)", PERCENT_MAX);
    return 0;
}

/* discount / fine / interest of a payment (slots of r). */
static int terms_import(struct rd *r, size_t di, size_t fi, size_t ii, struct am_payment *p)
{
    char where[WHERE_MAX];
    struct rd t;
    int64_t v;
    int type, rc = 0;

    if (rd_has(r, di)) {
        where_key(where, sizeof(where), r->where, r->names[di]);
        v = 0;
        type = AM_AMOUNT_FIXED;
        rc = rd_bind(&t, r->item[di], discount_keys, where, r->err, r->err_len);
        if (rc == 0)
            rc = am_sc_get_int(AT(&t, D_VALUE), 0, EXACT_MAX, &v, CTX(&t));
        if (rc == 0)
            rc = am_sc_get_day(AT(&t, D_LIMIT), &p->discount.limit_day, CTX(&t));
        if (rc == 0) {
            int64_t days = 0;

            rc = am_sc_get_int(AT(&t, D_DAYS), 0, INT32_MAX, &days, CTX(&t));
            p->discount.due_date_limit_days = (int32_t)days;
        }
        if (rc == 0)
            rc = rd_enum(&t, D_TYPE, amount_name, 2, &type);
        if (rc == 0)
            rc = check_percent(&t, D_VALUE, v, type);
        p->discount.value = v;
        p->discount.type = (enum am_amount_type)type;
        if (rc < 0)
            return rc;
    }
    if (rd_has(r, fi)) {
        where_key(where, sizeof(where), r->where, r->names[fi]);
        v = 0;
        type = AM_AMOUNT_FIXED;
        rc = rd_bind(&t, r->item[fi], fine_keys, where, r->err, r->err_len);
        if (rc == 0)
            rc = am_sc_get_int(AT(&t, F_VALUE), 0, EXACT_MAX, &v, CTX(&t));
        if (rc == 0)
            rc = rd_enum(&t, F_TYPE, amount_name, 2, &type);
        if (rc == 0)
            rc = check_percent(&t, F_VALUE, v, type);
        p->fine.value = v;
        p->fine.type = (enum am_amount_type)type;
        if (rc < 0)
            return rc;
    }
    if (rd_has(r, ii)) {
        where_key(where, sizeof(where), r->where, r->names[ii]);
        v = 0;
        rc = rd_bind(&t, r->item[ii], interest_keys, where, r->err, r->err_len);
        if (rc == 0)
            rc = am_sc_get_int(AT(&t, I_VALUE), 0, PERCENT_MAX, &v, CTX(&t));
        p->interest.value = v;
    }
    return rc;
}

static const char *const payment_keys[] = {"id",
                                           "seq",
                                           "dateCreated",
                                           "customer",
                                           "subscription",
                                           "installment",
                                           "valueCents",
                                           "netValueCents",
                                           "originalValueCents",
                                           "interestValueCents",
                                           "description",
                                           "billingType",
                                           "canBePaidAfterDueDate",
                                           "confirmedDate",
                                           "creditCard",
                                           "status",
                                           "dueDate",
                                           "originalDueDate",
                                           "paymentDate",
                                           "clientPaymentDate",
                                           "installmentNumber",
                                           "invoiceNumber",
                                           "externalReference",
                                           "deleted",
                                           "anticipated",
                                           "anticipable",
                                           "creditDate",
                                           "estimatedCreditDate",
                                           "transactionReceipt",
                                           "nossoNumero",
                                           "lastInvoiceViewedDate",
                                           "lastBankSlipViewedDate",
                                           "discount",
                                           "fine",
                                           "interest",
                                           "postalService",
                                           "daysAfterDueDateToRegistrationCancellation",
                                           "refunds",
                                           "feeCents",
                                           "cashSavedValueCents",
                                           "credited",
                                           "paymentLink",
                                           "checkoutSession",
                                           NULL};
enum {
    P_ID,
    P_SEQ,
    P_CREATED,
    P_CUSTOMER,
    P_SUBSCRIPTION,
    P_INSTALLMENT,
    P_VALUE,
    P_NET,
    P_ORIGINAL,
    P_INTEREST_VALUE,
    P_DESCRIPTION,
    P_TYPE,
    P_AFTER_DUE,
    P_CONFIRMED,
    P_CARD,
    P_STATUS,
    P_DUE,
    P_ORIGINAL_DUE,
    P_PAYMENT_DATE,
    P_CLIENT_PAYMENT_DATE,
    P_INSTALLMENT_NUMBER,
    P_INVOICE_NUMBER,
    P_EXTERNAL_REFERENCE,
    P_DELETED,
    P_ANTICIPATED,
    P_ANTICIPABLE,
    P_CREDIT,
    P_ESTIMATED_CREDIT,
    P_RECEIPT,
    P_NOSSO,
    P_INVOICE_VIEWED,
    P_SLIP_VIEWED,
    P_DISCOUNT,
    P_FINE,
    P_INTEREST,
    P_POSTAL,
    P_DAYS_TO_CANCEL,
    P_REFUNDS,
    P_FEE,
    P_CASH_SAVED,
    P_CREDITED,
    P_PAYMENT_LINK,
    P_CHECKOUT_SESSION,
};

/* The defaults of a payment fresh from am_billing_payment_create_quiet. */
static void payment_defaults(struct am_payment *p, size_t seq)
{
    p->seq = seq;
    p->original_value_cents = -1;
    p->interest_value_cents = -1;
    p->billing_type = AM_BILLING_UNDEFINED;
    p->can_be_paid_after_due_date = true;
    p->confirmed_day = AM_NO_DAY;
    p->status = AM_PAY_PENDING;
    p->due_day = p->original_due_day = AM_NO_DAY;
    p->payment_day = p->client_payment_day = AM_NO_DAY;
    p->credit_day = p->estimated_credit_day = AM_NO_DAY;
    p->discount.limit_day = AM_NO_DAY;
    p->discount.type = AM_AMOUNT_FIXED;
    p->fine.type = AM_AMOUNT_FIXED;
    p->days_after_due_to_cancel = -1;
    p->cash_saved_value_cents = -1;
}

static int refunds_import(struct rd *r, struct am_payment *p)
{
    char where[WHERE_MAX], at[WHERE_MAX];
    const cJSON *first;
    size_t n = 0;
    int rc = rd_array(r, P_REFUNDS, &first);

    if (rc < 0 || !first)
        return rc;
    for (const cJSON *c = first; c; c = c->next)
        n++;
    p->refunds = calloc(n, sizeof(*p->refunds));
    if (!p->refunds)
        return -ENOMEM;
    where_key(where, sizeof(where), r->where, r->names[P_REFUNDS]);
    for (const cJSON *c = first; c; c = c->next) {
        struct am_refund *rf = &p->refunds[p->n_refunds++];

        where_index(at, sizeof(at), where, p->n_refunds - 1);
        rc = refund_import(c, at, rf, r->err, r->err_len);
        if (rc < 0)
            return rc;
        /* The store only refunds what is refundable: the sum never passes the value. */
        p->refunded_cents += rf->value_cents;
        if (p->refunded_cents > p->value_cents)
            return fail(r->err, r->err_len, at, "valueCents",
                        "refunds add up to more than the payment value");
    }
    return 0;
}

static int payment_import(const cJSON *o, const char *where, struct am_billing *b, size_t seq,
                          struct am_payment *p, char *err, size_t err_len)
{
    struct rd r;
    int64_t v;
    int e, rc = rd_bind(&r, o, payment_keys, where, err, err_len);

    payment_defaults(p, seq);
    if (rc < 0)
        return rc;
    if ((rc = rd_required(&r, P_ID)) < 0 ||
        (rc = am_sc_get_buf(AT(&r, P_ID), p->id, sizeof(p->id), CTX(&r))) < 0)
        return rc;
    if (!p->id[0])
        return fail(err, err_len, where, "id", "must not be empty");
    /* A duplicate id is reported by am_billing_payment_insert (one hash lookup, not two). */
    v = (int64_t)seq;
    if ((rc = am_sc_get_int(AT(&r, P_SEQ), 0, EXACT_MAX, &v, CTX(&r))) < 0)
        return rc;
    if (v != (int64_t)seq)
        return fail(err, err_len, where, "seq", "must be its position %zu", seq);
    if ((rc = rd_required(&r, P_CREATED)) < 0 ||
        (rc = am_sc_get_instant(AT(&r, P_CREATED), &p->created_at, CTX(&r))) < 0)
        return rc;
    if ((rc = am_sc_get_buf(AT(&r, P_CUSTOMER), p->customer, sizeof(p->customer), CTX(&r))) < 0)
        return rc;
    if (!p->customer[0])
        return fail(err, err_len, where, "customer", "is required");
    if ((rc = am_sc_get_buf(AT(&r, P_SUBSCRIPTION), p->subscription, sizeof(p->subscription),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, P_INSTALLMENT), p->installment, sizeof(p->installment),
                            CTX(&r))) < 0)
        return rc;
    if (p->installment[0] && !am_billing_installment_find(b, p->installment))
        return fail(err, err_len, where, "installment", "unknown installment '%s'",
                    p->installment);
    if ((rc = rd_required(&r, P_VALUE)) < 0 ||
        (rc = am_sc_get_int(AT(&r, P_VALUE), 1, EXACT_MAX, &p->value_cents, CTX(&r))) < 0)
        return rc;
    e = (int)p->billing_type;
    if ((rc = rd_enum(&r, P_TYPE, type_name, _AM_BILLING_MAX, &e)) < 0)
        return rc;
    p->billing_type = (enum am_billing_type)e;
    /* Absent fee / netValue: what creation would have computed. */
    p->fee_cents = am_fee_for(p->billing_type, p->value_cents);
    if ((rc = am_sc_get_int(AT(&r, P_FEE), 0, EXACT_MAX, &p->fee_cents, CTX(&r))) < 0)
        return rc;
    p->net_value_cents = p->value_cents - p->fee_cents;
    if ((rc = am_sc_get_int(AT(&r, P_NET), -EXACT_MAX, EXACT_MAX, &p->net_value_cents,
                            CTX(&r))) < 0 ||
        (rc = rd_int_or_null(&r, P_ORIGINAL, 0, EXACT_MAX, -1, &p->original_value_cents)) < 0 ||
        (rc = rd_int_or_null(&r, P_INTEREST_VALUE, 0, EXACT_MAX, -1,
                             &p->interest_value_cents)) < 0 ||
        (rc = am_sc_get_str(AT(&r, P_DESCRIPTION), &p->description, CTX(&r))) < 0 ||
        (rc = am_sc_get_bool(AT(&r, P_AFTER_DUE), &p->can_be_paid_after_due_date, CTX(&r))) <
            0 ||
        (rc = am_sc_get_day(AT(&r, P_CONFIRMED), &p->confirmed_day, CTX(&r))) < 0 ||
        (rc = card_import(&r, P_CARD, &p->card)) < 0)
        return rc;
    e = (int)p->status;
    if ((rc = rd_enum(&r, P_STATUS, status_name, _AM_PAY_STATUS_MAX, &e)) < 0)
        return rc;
    p->status = (enum am_payment_status)e;
    if ((rc = rd_required(&r, P_DUE)) < 0 ||
        (rc = am_sc_get_day(AT(&r, P_DUE), &p->due_day, CTX(&r))) < 0)
        return rc;
    if (p->due_day == AM_NO_DAY)
        return fail(err, err_len, where, "dueDate", "must not be null");
    p->original_due_day = p->due_day;
    if ((rc = am_sc_get_day(AT(&r, P_ORIGINAL_DUE), &p->original_due_day, CTX(&r))) < 0 ||
        (rc = am_sc_get_day(AT(&r, P_PAYMENT_DATE), &p->payment_day, CTX(&r))) < 0 ||
        (rc = am_sc_get_day(AT(&r, P_CLIENT_PAYMENT_DATE), &p->client_payment_day, CTX(&r))) <
            0)
        return rc;
    v = 0;
    if ((rc = rd_int_or_null(&r, P_INSTALLMENT_NUMBER, 1, UINT_MAX, 0, &v)) < 0)
        return rc;
    p->installment_number = (unsigned)v;
    if ((rc = am_sc_get_buf(AT(&r, P_INVOICE_NUMBER), p->invoice_number,
                            sizeof(p->invoice_number), CTX(&r))) < 0 ||
        (rc = am_sc_get_str(AT(&r, P_EXTERNAL_REFERENCE), &p->external_reference, CTX(&r))) <
            0 ||
        (rc = am_sc_get_bool(AT(&r, P_DELETED), &p->deleted, CTX(&r))) < 0 ||
        (rc = am_sc_get_bool(AT(&r, P_ANTICIPATED), &p->anticipated, CTX(&r))) < 0 ||
        (rc = am_sc_get_bool(AT(&r, P_ANTICIPABLE), &p->anticipable, CTX(&r))) < 0 ||
        (rc = am_sc_get_day(AT(&r, P_CREDIT), &p->credit_day, CTX(&r))) < 0 ||
        (rc = am_sc_get_day(AT(&r, P_ESTIMATED_CREDIT), &p->estimated_credit_day, CTX(&r))) <
            0 ||
        (rc = am_sc_get_buf(AT(&r, P_RECEIPT), p->receipt, sizeof(p->receipt), CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, P_NOSSO), p->nosso_numero, sizeof(p->nosso_numero),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_instant0(AT(&r, P_INVOICE_VIEWED), &p->last_invoice_viewed_at,
                                 CTX(&r))) < 0 ||
        (rc = am_sc_get_instant0(AT(&r, P_SLIP_VIEWED), &p->last_bank_slip_viewed_at,
                                 CTX(&r))) < 0 ||
        (rc = terms_import(&r, P_DISCOUNT, P_FINE, P_INTEREST, p)) < 0 ||
        (rc = am_sc_get_bool(AT(&r, P_POSTAL), &p->postal_service, CTX(&r))) < 0)
        return rc;
    v = -1;
    if ((rc = rd_int_or_null(&r, P_DAYS_TO_CANCEL, 0, INT32_MAX, -1, &v)) < 0)
        return rc;
    p->days_after_due_to_cancel = (int32_t)v;
    if ((rc = refunds_import(&r, p)) < 0 ||
        (rc = rd_int_or_null(&r, P_CASH_SAVED, 1, EXACT_MAX, -1, &p->cash_saved_value_cents)) <
            0 ||
        (rc = am_sc_get_bool(AT(&r, P_CREDITED), &p->credited, CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, P_PAYMENT_LINK), p->payment_link, sizeof(p->payment_link),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, P_CHECKOUT_SESSION), p->checkout_session,
                            sizeof(p->checkout_session), CTX(&r))) < 0)
        return rc;
    return 0;
}

static const char *const installment_keys[] = {
    "id",           "dateCreated", "customer",   "billingType",        "valueCents",
    "paymentValueCents", "installmentCount", "description", "firstDueDate", "creditCard",
    "transactionReceipt", "paymentDate", "deleted", "paymentLink", "checkoutSession", NULL};
enum {
    N_ID,
    N_CREATED,
    N_CUSTOMER,
    N_TYPE,
    N_VALUE,
    N_PAYMENT_VALUE,
    N_COUNT,
    N_DESCRIPTION,
    N_FIRST_DUE,
    N_CARD,
    N_RECEIPT,
    N_PAYMENT_DATE,
    N_DELETED,
    N_PAYMENT_LINK,
    N_CHECKOUT_SESSION,
};

static int installment_import(const cJSON *o, const char *where, struct am_billing *b, char *err,
                              size_t err_len)
{
    struct am_installment in;
    struct rd r;
    int64_t v;
    int e = AM_BILLING_UNDEFINED, rc = rd_bind(&r, o, installment_keys, where, err, err_len);

    memset(&in, 0, sizeof(in));
    in.first_due_day = in.payment_day = AM_NO_DAY;
    if (rc < 0)
        return rc;
    if ((rc = rd_required(&r, N_ID)) < 0 ||
        (rc = am_sc_get_buf(AT(&r, N_ID), in.id, sizeof(in.id), CTX(&r))) < 0)
        return rc;
    if (!in.id[0])
        return fail(err, err_len, where, "id", "must not be empty");
    if (am_billing_installment_find(b, in.id))
        return fail(err, err_len, where, "id", "duplicate id '%s'", in.id);
    if ((rc = rd_required(&r, N_CREATED)) < 0 ||
        (rc = am_sc_get_instant(AT(&r, N_CREATED), &in.created_at, CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, N_CUSTOMER), in.customer, sizeof(in.customer), CTX(&r))) <
            0)
        return rc;
    if (!in.customer[0])
        return fail(err, err_len, where, "customer", "is required");
    if ((rc = rd_enum(&r, N_TYPE, type_name, _AM_BILLING_MAX, &e)) < 0 ||
        (rc = am_sc_get_int(AT(&r, N_VALUE), 0, EXACT_MAX, &in.value_cents, CTX(&r))) < 0 ||
        (rc = am_sc_get_int(AT(&r, N_PAYMENT_VALUE), 0, EXACT_MAX, &in.payment_value_cents,
                            CTX(&r))) < 0)
        return rc;
    in.billing_type = (enum am_billing_type)e;
    v = 0;
    if ((rc = am_sc_get_int(AT(&r, N_COUNT), 0, UINT_MAX, &v, CTX(&r))) < 0)
        return rc;
    in.count = (unsigned)v;
    if ((rc = am_sc_get_str(AT(&r, N_DESCRIPTION), &in.description, CTX(&r))) < 0)
        return rc;
    if ((rc = am_sc_get_day(AT(&r, N_FIRST_DUE), &in.first_due_day, CTX(&r))) < 0 ||
        (rc = card_import(&r, N_CARD, &in.card)) < 0 ||
        (rc = am_sc_get_buf(AT(&r, N_RECEIPT), in.receipt, sizeof(in.receipt), CTX(&r))) < 0 ||
        (rc = am_sc_get_day(AT(&r, N_PAYMENT_DATE), &in.payment_day, CTX(&r))) < 0 ||
        (rc = am_sc_get_bool(AT(&r, N_DELETED), &in.deleted, CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, N_PAYMENT_LINK), in.payment_link, sizeof(in.payment_link),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, N_CHECKOUT_SESSION), in.checkout_session,
                            sizeof(in.checkout_session), CTX(&r))) < 0)
        goto out;
    rc = am_billing_installment_add(b, &in, NULL); /* copies the description */
out:
    free(in.description);
    return rc;
}

static const char *const token_keys[] = {"creditCardToken", "customer", "creditCardNumber",
                                         "creditCardBrand", NULL};
enum { T_TOKEN, T_CUSTOMER, T_NUMBER, T_BRAND };

static int token_import(const cJSON *o, const char *where, struct am_billing *b, char *err,
                        size_t err_len)
{
    struct am_card_token t;
    struct rd r;
    int rc = rd_bind(&r, o, token_keys, where, err, err_len);

    memset(&t, 0, sizeof(t));
    if (rc < 0)
        return rc;
    if ((rc = rd_required(&r, T_TOKEN)) < 0 ||
        (rc = am_sc_get_buf(AT(&r, T_TOKEN), t.token, sizeof(t.token), CTX(&r))) < 0)
        return rc;
    if (!t.token[0])
        return fail(err, err_len, where, "creditCardToken", "must not be empty");
    if (am_billing_token_find(b, t.token))
        return fail(err, err_len, where, "creditCardToken", "duplicate token '%s'", t.token);
    if ((rc = am_sc_get_buf(AT(&r, T_CUSTOMER), t.customer, sizeof(t.customer), CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, T_NUMBER), t.last4, sizeof(t.last4), CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, T_BRAND), t.brand, sizeof(t.brand), CTX(&r))) < 0)
        return rc;
    return am_billing_token_add(b, &t);
}

static const char *const event_keys[] = {"seq",          "id",         "event",    "dateCreated",
                                         "resourceType", "resourceId", "snapshot", NULL};
enum { E_SEQ, E_ID, E_NAME, E_CREATED, E_RTYPE, E_RID, E_SNAPSHOT };

/* expected_seq: 0 for the first kept event (any seq >= 1), else the only valid one. */
static int event_import(const cJSON *o, const char *where, struct am_billing *b,
                        uint64_t expected_seq, char *err, size_t err_len)
{
    struct am_event e;
    struct rd r;
    int64_t seq = 0;
    int rc = rd_bind(&r, o, event_keys, where, err, err_len);

    memset(&e, 0, sizeof(e));
    if (rc < 0)
        return rc;
    if ((rc = rd_required(&r, E_SEQ)) < 0 ||
        (rc = am_sc_get_int(AT(&r, E_SEQ), 1, EXACT_MAX, &seq, CTX(&r))) < 0)
        return rc;
    if (expected_seq && (uint64_t)seq != expected_seq)
        return fail(err, err_len, where, "seq", "must be %llu (kept events are consecutive)",
                    (unsigned long long)expected_seq);
    e.seq = (uint64_t)seq;
    if ((rc = am_sc_get_buf(AT(&r, E_ID), e.id, sizeof(e.id), CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, E_NAME), e.name, sizeof(e.name), CTX(&r))) < 0 ||
        (rc = rd_required(&r, E_CREATED)) < 0 ||
        (rc = am_sc_get_instant(AT(&r, E_CREATED), &e.created_at, CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, E_RTYPE), e.resource_type, sizeof(e.resource_type),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, E_RID), e.resource_id, sizeof(e.resource_id), CTX(&r))) < 0)
        return rc;
    /* The snapshot is kept as the exact text the store held (a string, never null). */
    if (rd_has(&r, E_SNAPSHOT) && !cJSON_IsString(r.item[E_SNAPSHOT]))
        return fail(err, err_len, where, "snapshot", "must be a string");
    e.snapshot = rd_has(&r, E_SNAPSHOT) ? r.item[E_SNAPSHOT]->valuestring : NULL;
    rc = am_billing_events_restore(b, &e);
    if (rc == -EINVAL) /* not consecutive with what is already restored */
        return fail(err, err_len, where, "seq", "out of order");
    return rc;
}

static const char *const ledger_keys[] = {"id",   "valueCents",  "balanceCents", "type",
                                          "date", "dateCreated", "description",  "paymentId",
                                          "refKey", "refId", NULL};
enum { L_ID, L_VALUE, L_BALANCE, L_TYPE, L_DATE, L_CREATED, L_DESCRIPTION, L_PAYMENT, L_REF_KEY,
       L_REF_ID };

static int ledger_import(const cJSON *o, const char *where, struct am_billing *b, char *err,
                         size_t err_len)
{
    struct am_ledger_entry e;
    struct rd r;
    int64_t balance = am_billing_balance(b);
    int type = 0, rc = rd_bind(&r, o, ledger_keys, where, err, err_len);

    memset(&e, 0, sizeof(e));
    e.day = AM_NO_DAY;
    if (rc < 0)
        return rc;
    if ((rc = am_sc_get_buf(AT(&r, L_ID), e.id, sizeof(e.id), CTX(&r))) < 0 ||
        (rc = rd_required(&r, L_VALUE)) < 0 ||
        (rc = am_sc_get_int(AT(&r, L_VALUE), -EXACT_MAX, EXACT_MAX, &e.value_cents, CTX(&r))) <
            0)
        return rc;
    /* |balance| and |value| are below 2^53: the sum cannot overflow. */
    e.balance_cents = balance + e.value_cents;
    if ((rc = am_sc_get_int(AT(&r, L_BALANCE), -EXACT_MAX, EXACT_MAX, &e.balance_cents,
                            CTX(&r))) < 0)
        return rc;
    if (e.balance_cents != balance + e.value_cents)
        return fail(err, err_len, where, "balanceCents", "must be the running balance %lld",
                    (long long)(balance + e.value_cents));
    if ((rc = rd_enum(&r, L_TYPE, ledger_name, _AM_LEDGER_MAX, &type)) < 0 ||
        (rc = rd_required(&r, L_DATE)) < 0 ||
        (rc = am_sc_get_day(AT(&r, L_DATE), &e.day, CTX(&r))) < 0)
        return rc;
    if (e.day == AM_NO_DAY)
        return fail(err, err_len, where, "date", "must not be null");
    e.type = (enum am_ledger_type)type;
    if ((rc = rd_required(&r, L_CREATED)) < 0 ||
        (rc = am_sc_get_instant(AT(&r, L_CREATED), &e.created_at, CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, L_DESCRIPTION), e.description, sizeof(e.description),
                            CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, L_PAYMENT), e.payment_id, sizeof(e.payment_id), CTX(&r))) <
            0 ||
        (rc = am_sc_get_buf(AT(&r, L_REF_KEY), e.ref_key, sizeof(e.ref_key), CTX(&r))) < 0 ||
        (rc = am_sc_get_buf(AT(&r, L_REF_ID), e.ref_id, sizeof(e.ref_id), CTX(&r))) < 0)
        return rc;
    if (e.payment_id[0] && !am_billing_payment_find(b, e.payment_id))
        return fail(err, err_len, where, "paymentId", "unknown payment '%s'", e.payment_id);
    return am_billing_ledger_restore(b, &e);
}

static const char *const top_keys[] = {"salt",     "invoiceNumberSeq", "nossoNumeroSeq",
                                       "lastEventSeq", "payments",     "installments",
                                       "cardTokens",   "events",       "ledger",
                                       NULL};
enum { S_SALT, S_INVOICE, S_NOSSO, S_LAST_EVENT, S_PAYMENTS, S_INSTALLMENTS, S_TOKENS, S_EVENTS,
       S_LEDGER };

static int salt_import(struct rd *r, uint64_t *salt)
{
    char buf[17] = "";
    char *end = NULL;
    int rc;

    if (!rd_has(r, S_SALT))
        return 0;
    rc = am_sc_get_buf(AT(r, S_SALT), buf, sizeof(buf), CTX(r));
    if (rc < 0)
        return rc;
    if (strlen(buf) != 16 || strspn(buf, "0123456789abcdef") != 16)
        return fail(r->err, r->err_len, r->where, "salt", "must be 16 lowercase hex digits");
    *salt = strtoull(buf, &end, 16);
    return 0;
}

static int counters_import(struct rd *r, struct am_billing *b)
{
    struct am_billing_counters c;
    int64_t v;
    int rc;

    am_billing_counters_get(b, &c);
    if ((rc = salt_import(r, &c.salt)) < 0)
        return rc;
    v = (int64_t)c.invoice_seq;
    if ((rc = am_sc_get_int(AT(r, S_INVOICE), 0, EXACT_MAX, &v, CTX(r))) < 0)
        return rc;
    c.invoice_seq = (uint64_t)v;
    v = (int64_t)c.nosso_seq;
    if ((rc = am_sc_get_int(AT(r, S_NOSSO), 0, EXACT_MAX, &v, CTX(r))) < 0)
        return rc;
    c.nosso_seq = (uint64_t)v;
    am_billing_counters_set(b, &c);
    return 0;
}

/* Each element of array slot i of r through one(), with "where.key[j]". */
typedef int (*element_fn)(const cJSON *o, const char *where, struct am_billing *b, size_t j,
                          char *err, size_t err_len);

static int each(struct rd *r, size_t i, struct am_billing *b, element_fn one, size_t max)
{
    char where[WHERE_MAX], at[WHERE_MAX];
    const cJSON *c;
    size_t j = 0;
    int rc = rd_array(r, i, &c);

    if (rc < 0)
        return rc;
    where_key(where, sizeof(where), r->where, r->names[i]);
    for (; c; c = c->next, j++) {
        if (j == max)
            return fail(r->err, r->err_len, r->where, r->names[i], "more than %zu elements", max);
        rc = one(c, where_index(at, sizeof(at), where, j), b, j, r->err, r->err_len);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int one_installment(const cJSON *o, const char *where, struct am_billing *b, size_t j,
                           char *err, size_t err_len)
{
    (void)j;
    return installment_import(o, where, b, err, err_len);
}

static int one_token(const cJSON *o, const char *where, struct am_billing *b, size_t j, char *err,
                     size_t err_len)
{
    (void)j;
    return token_import(o, where, b, err, err_len);
}

static int one_payment(const cJSON *o, const char *where, struct am_billing *b, size_t j,
                       char *err, size_t err_len)
{
    struct am_payment *p = calloc(1, sizeof(*p));
    char id[AM_PAYMENT_ID_MAX];
    int rc;

    if (!p)
        return -ENOMEM;
    rc = payment_import(o, where, b, j, p, err, err_len);
    if (rc < 0) {
        am_billing_payment_discard(p);
        return rc;
    }
    memcpy(id, p->id, sizeof(id));
    rc = am_billing_payment_insert(b, p); /* takes p on all paths */
    if (rc == -EEXIST)
        return fail(err, err_len, where, "id", "duplicate id '%s'", id);
    return rc;
}

static int one_event(const cJSON *o, const char *where, struct am_billing *b, size_t j,
                     char *err, size_t err_len)
{
    uint64_t expected = j ? am_billing_events_last_seq(b) + 1 : 0;

    return event_import(o, where, b, expected, err, err_len);
}

static int one_ledger(const cJSON *o, const char *where, struct am_billing *b, size_t j,
                      char *err, size_t err_len)
{
    (void)j;
    return ledger_import(o, where, b, err, err_len);
}

static int last_event_import(struct rd *r, struct am_billing *b)
{
    uint64_t newest = am_billing_events_last_seq(b);
    int64_t v = (int64_t)newest;
    int rc = am_sc_get_int(AT(r, S_LAST_EVENT), 0, EXACT_MAX, &v, CTX(r));

    if (rc < 0)
        return rc;
    if (am_billing_events_count(b) > 0 && (uint64_t)v != newest)
        return fail(r->err, r->err_len, r->where, "lastEventSeq",
                    "must be the newest kept event's seq %llu", (unsigned long long)newest);
    return am_billing_events_set_last_seq(b, (uint64_t)v);
}

int am_billing_state_import(const cJSON *obj, const char *account_id, const char *where,
                            struct am_billing **ret, char *err, size_t err_len)
{
    struct am_billing *b = NULL;
    struct rd r;
    int rc;

    *ret = NULL;
    if (err && err_len)
        err[0] = '\0';
    if (!where)
        where = "billing";
    rc = rd_bind(&r, obj, top_keys, where, err, err_len);
    if (rc < 0)
        return rc;
    b = am_billing_new(account_id);
    if (!b)
        return -ENOMEM;
    if ((rc = counters_import(&r, b)) < 0 ||
        (rc = each(&r, S_INSTALLMENTS, b, one_installment, SIZE_MAX)) < 0 ||
        (rc = each(&r, S_TOKENS, b, one_token, SIZE_MAX)) < 0 ||
        (rc = each(&r, S_PAYMENTS, b, one_payment, SIZE_MAX)) < 0 ||
        (rc = each(&r, S_EVENTS, b, one_event, AM_BILLING_EVENTS_KEEP)) < 0 ||
        (rc = last_event_import(&r, b)) < 0 || (rc = each(&r, S_LEDGER, b, one_ledger, SIZE_MAX)) < 0)
        goto out;
    *ret = b;
    b = NULL;
out:
    am_billing_free(b);
    return rc;
}

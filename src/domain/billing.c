/* billing.c - one account's payments, installments, tokens, events and ledger
 * (see billing.h).
 *
 * Indexes: payments live in an array in creation order (seq); an open-addressing hash
 * maps ids to seqs; customer, subscription and installment ids map to ascending seq
 * vectors; status, billing type and "not deleted" are bitmaps over seq. A list query
 * starts from the smallest candidate set and ANDs the bitmaps a 64-bit word at a time,
 * so a filtered listing over 100k payments touches only what can match.
 *
 * This file owns the state: creation and release, sequences, the event log, the ledger,
 * payment storage, installments, tokens and snapshot support. Queries, rendering, the
 * state machine and the containers live in billing_query.c, billing_render.c,
 * billing_machine.c and billing_index.c (all sharing billing_impl.h). */
#include "billing.h"
#include "billing_impl.h"
#include "jsonw.h"

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
#include "strbuf.h"

#define MAX_ID_ATTEMPTS 64

/* ---- the billing state ------------------------------------------------------------ */


/* Room for item n in the array *vecp (item bytes each, *cap allocated): doubles from
 * first, never beyond max (0 = no bound). On failure nothing changed. */
static int grow(void *vecp, size_t n, size_t *cap, size_t item, size_t first, size_t max)
{
    void *v;
    size_t c;

    if (n < *cap)
        return 0;
    c = *cap ? *cap * 2 : first;
    if (max && c > max)
        c = max;
    memcpy(&v, vecp, sizeof(v));
    v = realloc(v, c * item);
    if (!v)
        return -ENOMEM;
    memcpy(vecp, &v, sizeof(v));
    *cap = c;
    return 0;
}
static const char *const status_names[_AM_PAY_STATUS_MAX] = {
    [AM_PAY_PENDING] = "PENDING",
    [AM_PAY_RECEIVED] = "RECEIVED",
    [AM_PAY_CONFIRMED] = "CONFIRMED",
    [AM_PAY_OVERDUE] = "OVERDUE",
    [AM_PAY_REFUNDED] = "REFUNDED",
    [AM_PAY_RECEIVED_IN_CASH] = "RECEIVED_IN_CASH",
    [AM_PAY_REFUND_REQUESTED] = "REFUND_REQUESTED",
    [AM_PAY_REFUND_IN_PROGRESS] = "REFUND_IN_PROGRESS",
    [AM_PAY_CHARGEBACK_REQUESTED] = "CHARGEBACK_REQUESTED",
    [AM_PAY_CHARGEBACK_DISPUTE] = "CHARGEBACK_DISPUTE",
    [AM_PAY_AWAITING_CHARGEBACK_REVERSAL] = "AWAITING_CHARGEBACK_REVERSAL",
    [AM_PAY_DUNNING_REQUESTED] = "DUNNING_REQUESTED",
    [AM_PAY_DUNNING_RECEIVED] = "DUNNING_RECEIVED",
    [AM_PAY_AWAITING_RISK_ANALYSIS] = "AWAITING_RISK_ANALYSIS",
    [AM_PAY_AUTHORIZED] = "AUTHORIZED",
};

const char *am_payment_status_name(enum am_payment_status s)
{
    return (unsigned)s < _AM_PAY_STATUS_MAX ? status_names[s] : "UNKNOWN";
}

int am_payment_status_parse(const char *s, enum am_payment_status *ret)
{
    if (!s)
        return -EINVAL;
    for (int i = 0; i < _AM_PAY_STATUS_MAX; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *ret = (enum am_payment_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

static const char *const ledger_names[_AM_LEDGER_MAX] = {
    [AM_LEDGER_PAYMENT_RECEIVED] = "PAYMENT_RECEIVED",
    [AM_LEDGER_PAYMENT_FEE] = "PAYMENT_FEE",
    [AM_LEDGER_PAYMENT_REFUND] = "PAYMENT_REFUND",
    [AM_LEDGER_PAYMENT_REVERSAL] = "PAYMENT_REVERSAL",
    [AM_LEDGER_PAYMENT_FEE_REVERSAL] = "PAYMENT_FEE_REVERSAL",
    [AM_LEDGER_TRANSFER] = "TRANSFER",
    [AM_LEDGER_TRANSFER_FEE] = "TRANSFER_FEE",
    [AM_LEDGER_TRANSFER_REVERSAL] = "TRANSFER_REVERSAL",
    [AM_LEDGER_INTERNAL_TRANSFER_DEBIT] = "INTERNAL_TRANSFER_DEBIT",
    [AM_LEDGER_INTERNAL_TRANSFER_CREDIT] = "INTERNAL_TRANSFER_CREDIT",
    [AM_LEDGER_INTERNAL_TRANSFER_REVERSAL] = "INTERNAL_TRANSFER_REVERSAL",
    [AM_LEDGER_PIX_TRANSACTION_DEBIT] = "PIX_TRANSACTION_DEBIT",
    [AM_LEDGER_PIX_TRANSACTION_CREDIT] = "PIX_TRANSACTION_CREDIT",
    [AM_LEDGER_PIX_TRANSACTION_DEBIT_FEE] = "PIX_TRANSACTION_DEBIT_FEE",
    [AM_LEDGER_PIX_TRANSACTION_DEBIT_REFUND] = "PIX_TRANSACTION_DEBIT_REFUND",
    [AM_LEDGER_BILL_PAYMENT] = "BILL_PAYMENT",
    [AM_LEDGER_BILL_PAYMENT_FEE] = "BILL_PAYMENT_FEE",
    [AM_LEDGER_BILL_PAYMENT_CANCELLED] = "BILL_PAYMENT_CANCELLED",
    [AM_LEDGER_BILL_PAYMENT_FEE_CANCELLED] = "BILL_PAYMENT_FEE_CANCELLED",
    [AM_LEDGER_BILL_PAYMENT_REFUNDED] = "BILL_PAYMENT_REFUNDED",
    [AM_LEDGER_MOBILE_PHONE_RECHARGE] = "MOBILE_PHONE_RECHARGE",
    [AM_LEDGER_REFUND_MOBILE_PHONE_RECHARGE] = "REFUND_MOBILE_PHONE_RECHARGE",
    [AM_LEDGER_RECEIVABLE_ANTICIPATION_GROSS_CREDIT] = "RECEIVABLE_ANTICIPATION_GROSS_CREDIT",
    [AM_LEDGER_RECEIVABLE_ANTICIPATION_FEE] = "RECEIVABLE_ANTICIPATION_FEE",
    [AM_LEDGER_RECEIVABLE_ANTICIPATION_DEBIT] = "RECEIVABLE_ANTICIPATION_DEBIT",
    [AM_LEDGER_CHARGEBACK] = "CHARGEBACK",
    [AM_LEDGER_CHARGEBACK_REVERSAL] = "CHARGEBACK_REVERSAL",
    [AM_LEDGER_PAYMENT_CUSTODY_BLOCK] = "PAYMENT_CUSTODY_BLOCK",
    [AM_LEDGER_PAYMENT_CUSTODY_BLOCK_REVERSAL] = "PAYMENT_CUSTODY_BLOCK_REVERSAL",
    [AM_LEDGER_PAYMENT_DUNNING_REQUEST_FEE] = "PAYMENT_DUNNING_REQUEST_FEE",
    [AM_LEDGER_PAYMENT_DUNNING_RECEIVED_FEE] = "PAYMENT_DUNNING_RECEIVED_FEE",
    [AM_LEDGER_PAYMENT_DUNNING_CANCELLATION_FEE] = "PAYMENT_DUNNING_CANCELLATION_FEE",
    [AM_LEDGER_INVOICE_FEE] = "INVOICE_FEE",
    [AM_LEDGER_CREDIT_BUREAU_REPORT] = "CREDIT_BUREAU_REPORT",
    [AM_LEDGER_CREDIT] = "CREDIT",
    [AM_LEDGER_DEBIT] = "DEBIT",
};

const char *am_ledger_type_name(enum am_ledger_type t)
{
    return (unsigned)t < _AM_LEDGER_MAX ? ledger_names[t] : "UNKNOWN";
}

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct am_billing *am_billing_new(const char *account_id)
{
    struct am_billing *b = calloc(1, sizeof(*b));

    if (!b)
        return NULL;
    b->salt = am_bidx_hash(account_id ? account_id : "");
    /* 8-digit numbers that look like the sandbox's global ones, stable per account. */
    b->invoice_seq = 10000000 + mix64(b->salt) % 80000000;
    b->nosso_seq = 10000000 + mix64(b->salt ^ 0x5a5a5a5aULL) % 80000000;
    b->created_sorted = true;
    return b;
}

static void payment_free(struct am_payment *p)
{
    if (!p)
        return;
    free(p->description);
    free(p->external_reference);
    for (size_t i = 0; i < p->n_refunds; i++)
        free(p->refunds[i].description);
    free(p->refunds);
    free(p);
}

void am_billing_free(struct am_billing *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        payment_free(b->payments[i]);
    free(b->payments);
    free(b->by_id.slots);
    am_bidx_group_free(&b->by_customer);
    am_bidx_group_free(&b->by_subscription);
    am_bidx_group_free(&b->by_installment);
    for (int i = 0; i < _AM_PAY_STATUS_MAX; i++)
        free(b->by_status[i].w);
    for (int i = 0; i < _AM_BILLING_MAX; i++)
        free(b->by_type[i].w);
    free(b->live.w);
    free(b->hot);
    for (size_t i = 0; i < b->n_inst; i++) {
        free(b->installments[i]->description);
        free(b->installments[i]);
    }
    free(b->installments);
    free(b->inst_by_id.slots);
    for (size_t i = 0; i < b->n_tokens; i++)
        free(b->tokens[i]);
    free(b->tokens);
    free(b->token_by_id.slots);
    for (size_t i = 0; i < b->ev_n; i++)
        free(b->events[i].snapshot);
    free(b->events);
    free(b->ledger);
    free(b);
}

/* ---- calendar --------------------------------------------------------------------- */

/* ---- sequences -------------------------------------------------------------------- */

/* v's last width decimal digits, zero-padded ("%0<width>llu" of v below 10^width),
 * NUL-terminated. */
static void zero_padded(char *out, unsigned width, uint64_t v)
{
    out[width] = '\0';
    while (width-- > 0) {
        out[width] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* v as 16 lowercase hex digits ("%016llx"), not terminated. */
static void hex16(char *out, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";

    for (int i = 15; i >= 0; i--) {
        out[i] = hex[v & 0xf];
        v >>= 4;
    }
}

void am_billing_next_invoice_number(struct am_billing *b, char out[9])
{
    zero_padded(out, 8, b->invoice_seq++ % 100000000ULL);
}

void am_billing_next_nosso_numero(struct am_billing *b, char out[9])
{
    zero_padded(out, 8, b->nosso_seq++ % 100000000ULL);
}

void am_billing_receipt_id(const char *seed, char out[17])
{
    uint64_t h = mix64(am_bidx_hash(seed ? seed : ""));

    zero_padded(out, 16, h % 10000000000000000ULL);
}

/* ---- event log -------------------------------------------------------------------- */

static struct am_event *event_slot(const struct am_billing *b, size_t i)
{
    return &b->events[(b->ev_start + i) % (b->ev_cap ? b->ev_cap : 1)];
}

/* am_billing_events_append with snap already owned (freed here on failure). */
static uint64_t events_append_owned(struct am_billing *b, const char *name, int64_t now,
                                    const char *resource_type, const char *resource_id,
                                    char *snap)
{
    struct am_event *e;
    uint64_t seq, h1, h2, v;
    char digits[20], *d; /* seq in decimal: at most 20 digits */

    if (!snap)
        return 0;
    if (b->ev_cap < AM_BILLING_EVENTS_KEEP) {
        /* ev_start is 0 until the ring is full */
        if (grow(&b->events, b->ev_n, &b->ev_cap, sizeof(*b->events), 64,
                 AM_BILLING_EVENTS_KEEP) < 0) {
            free(snap);
            return 0;
        }
    }
    if (b->ev_n == b->ev_cap) {
        /* Full: the oldest goes. */
        e = &b->events[b->ev_start];
        free(e->snapshot);
        b->ev_start = (b->ev_start + 1) % b->ev_cap;
    } else {
        e = event_slot(b, b->ev_n);
        b->ev_n++;
    }
    seq = ++b->ev_seq;
    memset(e, 0, sizeof(*e));
    e->seq = seq;
    h1 = mix64(b->salt ^ seq);
    h2 = mix64(h1 ^ 0xa0761d6478bd642fULL);
    /* "evt_%016llx%016llx&%llu" (at most 57 bytes: fits id[64]) */
    memcpy(e->id, "evt_", 4);
    hex16(e->id + 4, h1);
    hex16(e->id + 20, h2);
    e->id[36] = '&';
    d = digits + sizeof(digits);
    v = seq;
    do {
        *--d = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(e->id + 37, d, (size_t)(digits + sizeof(digits) - d));
    e->id[37 + (digits + sizeof(digits) - d)] = '\0';
    am_strbuf_copy(e->name, sizeof(e->name), name ? name : "");
    e->created_at = now;
    am_strbuf_copy(e->resource_type, sizeof(e->resource_type), resource_type ? resource_type : "");
    am_strbuf_copy(e->resource_id, sizeof(e->resource_id), resource_id ? resource_id : "");
    e->snapshot = snap;
    return seq;
}

uint64_t am_billing_events_append(struct am_billing *b, const char *name, int64_t now,
                                  const char *resource_type, const char *resource_id,
                                  const char *snapshot_json)
{
    return events_append_owned(b, name, now, resource_type, resource_id,
                               strdup(snapshot_json ? snapshot_json : "null"));
}

uint64_t am_billing_events_append_payment(struct am_billing *b, const char *name,
                                          const struct am_payment *p, int64_t now)
{
    struct am_jsonw w = {0};

    /* The rendering becomes the snapshot itself: no copy. */
    am_payment_write(&w, NULL, p);
    return events_append_owned(b, name, now, "payment", p->id, am_jsonw_take(&w, NULL));
}

size_t am_billing_events_count(const struct am_billing *b)
{
    return b ? b->ev_n : 0;
}

const struct am_event *am_billing_event_at(const struct am_billing *b, size_t i)
{
    if (!b || i >= b->ev_n)
        return NULL;
    return event_slot(b, i);
}

const struct am_event *am_billing_event_by_seq(const struct am_billing *b, uint64_t seq)
{
    uint64_t first;

    if (!b || b->ev_n == 0 || seq == 0 || seq > b->ev_seq)
        return NULL;
    first = b->ev_seq - b->ev_n + 1;
    if (seq < first)
        return NULL;
    return event_slot(b, (size_t)(seq - first));
}

uint64_t am_billing_events_last_seq(const struct am_billing *b)
{
    return b ? b->ev_seq : 0;
}

static void sync_hot(struct am_billing *b, const struct am_payment *p)
{
    struct hot *h = &b->hot[p->seq];

    h->created_day = am_cal_day_of(p->created_at);
    h->due_day = p->due_day;
    h->payment_day = p->payment_day;
    h->estimated_credit_day = p->estimated_credit_day;
}

/* Emits an event for p (every state change ends here, so the packed dates are refreshed
 * too); OOM in the log is reported but leaves the state change done. */
int am_billing_emit(struct am_billing *b, const char *name, const struct am_payment *p, int64_t now)
{
    sync_hot(b, p);
    return am_billing_events_append_payment(b, name, p, now) ? 0 : -ENOMEM;
}

/* ---- ledger ----------------------------------------------------------------------- */

int am_billing_ledger_append(struct am_billing *b, enum am_ledger_type type, int64_t value_cents,
                             int64_t day, int64_t now, const char *description,
                             const char *payment_id)
{
    return am_billing_ledger_append_ref(b, type, value_cents, day, now, description, payment_id,
                                        NULL, NULL);
}

int am_billing_ledger_append_ref(struct am_billing *b, enum am_ledger_type type,
                                 int64_t value_cents, int64_t day, int64_t now,
                                 const char *description, const char *payment_id,
                                 const char *ref_key, const char *ref_id)
{
    struct am_ledger_entry *e;

    if (grow(&b->ledger, b->led_n, &b->led_cap, sizeof(*b->ledger), 64, 0) < 0)
        return -ENOMEM;
    e = &b->ledger[b->led_n];
    memset(e, 0, sizeof(*e));
    snprintf(e->id, sizeof(e->id), "ftr_%012llu",
             (unsigned long long)((b->salt % 1000000ULL) * 1000000ULL + b->led_n + 1));
    b->balance += value_cents;
    e->value_cents = value_cents;
    e->balance_cents = b->balance;
    e->type = type;
    e->day = day;
    e->created_at = now;
    snprintf(e->description, sizeof(e->description), "%s", description ? description : "");
    snprintf(e->payment_id, sizeof(e->payment_id), "%s", payment_id ? payment_id : "");
    if (ref_key && ref_id) {
        snprintf(e->ref_key, sizeof(e->ref_key), "%s", ref_key);
        snprintf(e->ref_id, sizeof(e->ref_id), "%s", ref_id);
    }
    b->led_n++;
    return 0;
}

size_t am_billing_ledger_count(const struct am_billing *b)
{
    return b ? b->led_n : 0;
}

const struct am_ledger_entry *am_billing_ledger_at(const struct am_billing *b, size_t i)
{
    return b && i < b->led_n ? &b->ledger[i] : NULL;
}

int64_t am_billing_balance(const struct am_billing *b)
{
    return b ? b->balance : 0;
}

int am_billing_ledger_check(const struct am_billing *b, size_t *ret_index)
{
    int64_t sum = 0;

    for (size_t i = 0; i < b->led_n; i++) {
        sum += b->ledger[i].value_cents;
        if (sum != b->ledger[i].balance_cents) {
            if (ret_index)
                *ret_index = i;
            return -EFAULT;
        }
    }
    if (sum != b->balance) {
        if (ret_index)
            *ret_index = b->led_n;
        return -EFAULT;
    }
    return 0;
}

/* ---- payments: storage ------------------------------------------------------------ */

void am_payment_spec_init(struct am_payment_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->billing_type = AM_BILLING_UNDEFINED;
    spec->due_day = AM_NO_DAY;
    spec->fee_cents = -1;
    spec->discount.limit_day = AM_NO_DAY;
    spec->discount.type = AM_AMOUNT_FIXED;
    spec->fine.type = AM_AMOUNT_FIXED;
    spec->days_after_due_to_cancel = -1;
}

void am_billing_set_origin(struct am_billing *b, const char *payment_link,
                           const char *checkout_session)
{
    snprintf(b->origin_link, sizeof(b->origin_link), "%s", payment_link ? payment_link : "");
    snprintf(b->origin_checkout, sizeof(b->origin_checkout), "%s",
             checkout_session ? checkout_session : "");
}

const char *am_billing_origin_link(const struct am_billing *b)
{
    return b->origin_link;
}

const char *am_billing_origin_checkout(const struct am_billing *b)
{
    return b->origin_checkout;
}

void am_payment_filter_init(struct am_payment_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->status = -1;
    f->billing_type = -1;
    f->created_ge = f->created_le = AM_NO_DAY;
    f->due_ge = f->due_le = AM_NO_DAY;
    f->payment_ge = f->payment_le = AM_NO_DAY;
    f->estimated_credit_ge = f->estimated_credit_le = AM_NO_DAY;
    f->anticipated = -1;
}

void am_billing_set_status(struct am_billing *b, struct am_payment *p, enum am_payment_status s)
{
    am_bidx_bitmap_set(&b->by_status[p->status], p->seq, false);
    b->status_count[p->status]--;
    p->status = s;
    am_bidx_bitmap_set(&b->by_status[s], p->seq, true);
    b->status_count[s]++;
}

void am_billing_set_type(struct am_billing *b, struct am_payment *p, enum am_billing_type t)
{
    am_bidx_bitmap_set(&b->by_type[p->billing_type], p->seq, false);
    b->type_count[p->billing_type]--;
    p->billing_type = t;
    am_bidx_bitmap_set(&b->by_type[t], p->seq, true);
    b->type_count[t]++;
}

void am_billing_set_deleted(struct am_billing *b, struct am_payment *p, bool deleted)
{
    p->deleted = deleted;
    am_bidx_bitmap_set(&b->live, p->seq, !deleted);
}

bool am_billing_is_bank_slip(enum am_billing_type t)
{
    return t == AM_BILLING_BOLETO || t == AM_BILLING_UNDEFINED;
}

static int reserve_all(struct am_billing *b, size_t nbits)
{
    int r = am_bidx_bitmap_reserve(&b->live, nbits);

    for (int i = 0; r == 0 && i < _AM_PAY_STATUS_MAX; i++)
        r = am_bidx_bitmap_reserve(&b->by_status[i], nbits);
    for (int i = 0; r == 0 && i < _AM_BILLING_MAX; i++)
        r = am_bidx_bitmap_reserve(&b->by_type[i], nbits);
    return r;
}

/* Room for one more payment: the pointer array, every bitmap and the hot rows. */
static int reserve_payment(struct am_billing *b)
{
    int r;

    if (grow(&b->payments, b->n, &b->cap, sizeof(*b->payments), 64, 0) < 0)
        return -ENOMEM;
    r = reserve_all(b, b->n + 1);
    if (r < 0)
        return r;
    return grow(&b->hot, b->n, &b->hot_cap, sizeof(*b->hot), 64, 0);
}

int am_billing_dup_opt(const char *s, char **ret)
{
    *ret = NULL;
    if (!s)
        return 0;
    *ret = strdup(s);
    return *ret ? 0 : -ENOMEM;
}

int am_billing_payment_create_quiet(struct am_billing *b, struct am_ids *ids,
                                    const struct am_payment_spec *spec, int64_t now,
                                    struct am_payment **ret)
{
    struct am_payment *p = NULL;
    int r, attempts;

    if (!b || !ids || !spec || !spec->customer || !*spec->customer ||
        strlen(spec->customer) >= AM_BILLING_REF_MAX || spec->value_cents <= 0 ||
        spec->due_day == AM_NO_DAY || (unsigned)spec->billing_type >= _AM_BILLING_MAX ||
        (spec->subscription && strlen(spec->subscription) >= AM_BILLING_REF_MAX) ||
        (spec->installment && strlen(spec->installment) >= AM_UUID_MAX))
        return -EINVAL;
    r = reserve_payment(b);
    if (r < 0)
        return r;
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    for (attempts = 0; attempts < MAX_ID_ATTEMPTS; attempts++) {
        am_ids_alnum(ids, "pay_", 16, p->id);
        if (!am_bidx_map_get(&b->by_id, p->id))
            break;
    }
    if (attempts == MAX_ID_ATTEMPTS) {
        r = -EEXIST;
        goto fail;
    }
    if (am_billing_dup_opt(spec->description, &p->description) < 0 ||
        am_billing_dup_opt(spec->external_reference, &p->external_reference) < 0) {
        r = -ENOMEM;
        goto fail;
    }
    p->seq = b->n;
    p->created_at = now;
    am_strbuf_copy(p->customer, sizeof(p->customer), spec->customer);
    if (spec->subscription)
        am_strbuf_copy(p->subscription, sizeof(p->subscription), spec->subscription);
    if (spec->installment)
        am_strbuf_copy(p->installment, sizeof(p->installment), spec->installment);
    am_strbuf_copy(p->payment_link, sizeof(p->payment_link),
                   spec->payment_link ? spec->payment_link : b->origin_link);
    am_strbuf_copy(p->checkout_session, sizeof(p->checkout_session),
                   spec->checkout_session ? spec->checkout_session : b->origin_checkout);
    p->value_cents = spec->value_cents;
    p->fee_cents = spec->fee_cents >= 0 ? spec->fee_cents
                                        : am_fee_for(spec->billing_type, spec->value_cents);
    p->net_value_cents = p->value_cents - p->fee_cents;
    p->original_value_cents = -1;
    p->interest_value_cents = -1;
    p->billing_type = spec->billing_type;
    p->can_be_paid_after_due_date = true;
    p->confirmed_day = AM_NO_DAY;
    p->status = AM_PAY_PENDING;
    p->due_day = p->original_due_day = spec->due_day;
    p->payment_day = p->client_payment_day = AM_NO_DAY;
    p->installment_number = spec->installment_number;
    am_billing_next_invoice_number(b, p->invoice_number);
    p->credit_day = p->estimated_credit_day = AM_NO_DAY;
    if (am_billing_is_bank_slip(p->billing_type))
        am_billing_next_nosso_numero(b, p->nosso_numero);
    p->discount = spec->discount;
    p->fine = spec->fine;
    p->interest = spec->interest;
    p->postal_service = spec->postal_service;
    p->days_after_due_to_cancel = spec->days_after_due_to_cancel;
    p->cash_saved_value_cents = -1;

    r = am_bidx_map_put(&b->by_id, p->id, p->seq);
    if (r < 0)
        goto fail;
    b->payments[b->n++] = p;
    if (p->seq > 0 && am_cal_day_of(now) < b->hot[p->seq - 1].created_day)
        b->created_sorted = false;
    sync_hot(b, p);
    /* From here p is in the store; a failing secondary index only loses findability by
     * that key (reported as -ENOMEM), never memory. */
    am_bidx_bitmap_set(&b->by_status[p->status], p->seq, true);
    b->status_count[p->status]++;
    am_bidx_bitmap_set(&b->by_type[p->billing_type], p->seq, true);
    b->type_count[p->billing_type]++;
    am_bidx_bitmap_set(&b->live, p->seq, true);
    r = am_bidx_group_add(&b->by_customer, p->customer, p->seq);
    if (r == 0 && p->subscription[0])
        r = am_bidx_group_add(&b->by_subscription, p->subscription, p->seq);
    if (r == 0 && p->installment[0])
        r = am_bidx_group_add(&b->by_installment, p->installment, p->seq);
    if (ret)
        *ret = p;
    return r;
fail:
    payment_free(p);
    return r;
}

int am_billing_payment_create(struct am_billing *b, struct am_ids *ids,
                              const struct am_payment_spec *spec, int64_t now,
                              struct am_payment **ret)
{
    struct am_payment *p = NULL;
    int r = am_billing_payment_create_quiet(b, ids, spec, now, &p);

    if (p && r == 0)
        r = am_billing_emit(b, "PAYMENT_CREATED", p, now);
    if (ret)
        *ret = p;
    return r;
}

struct am_payment *am_billing_payment_find(const struct am_billing *b, const char *id)
{
    const size_t *i;

    if (!b || !id)
        return NULL;
    i = am_bidx_map_get(&b->by_id, id);
    return i ? b->payments[*i] : NULL;
}

size_t am_billing_payment_count(const struct am_billing *b)
{
    return b ? b->n : 0;
}

struct am_payment *am_billing_payment_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n ? b->payments[i] : NULL;
}

/* ---- installments ----------------------------------------------------------------- */

int am_billing_installment_add(struct am_billing *b, const struct am_installment *inst,
                               struct am_installment **ret)
{
    struct am_installment *copy;
    int r;

    if (!inst->id[0] || !inst->customer[0])
        return -EINVAL;
    if (am_bidx_map_get(&b->inst_by_id, inst->id))
        return -EEXIST;
    if (grow(&b->installments, b->n_inst, &b->cap_inst, sizeof(*b->installments), 16, 0) < 0)
        return -ENOMEM;
    copy = malloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *inst;
    copy->description = NULL;
    if (!copy->payment_link[0])
        snprintf(copy->payment_link, sizeof(copy->payment_link), "%s", b->origin_link);
    if (!copy->checkout_session[0])
        snprintf(copy->checkout_session, sizeof(copy->checkout_session), "%s",
                 b->origin_checkout);
    if (am_billing_dup_opt(inst->description, &copy->description) < 0) {
        free(copy);
        return -ENOMEM;
    }
    r = am_bidx_map_put(&b->inst_by_id, copy->id, b->n_inst);
    if (r < 0) {
        free(copy->description);
        free(copy);
        return r;
    }
    b->installments[b->n_inst++] = copy;
    if (ret)
        *ret = copy;
    return 0;
}

struct am_installment *am_billing_installment_find(const struct am_billing *b, const char *id)
{
    const size_t *i = b && id ? am_bidx_map_get(&b->inst_by_id, id) : NULL;

    return i ? b->installments[*i] : NULL;
}

size_t am_billing_installment_count(const struct am_billing *b)
{
    return b ? b->n_inst : 0;
}

struct am_installment *am_billing_installment_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n_inst ? b->installments[i] : NULL;
}

/* ---- tokens ----------------------------------------------------------------------- */

int am_billing_token_add(struct am_billing *b, const struct am_card_token *t)
{
    struct am_card_token *copy;
    int r;

    if (!t->token[0])
        return -EINVAL;
    if (am_bidx_map_get(&b->token_by_id, t->token))
        return -EEXIST;
    if (grow(&b->tokens, b->n_tokens, &b->cap_tokens, sizeof(*b->tokens), 16, 0) < 0)
        return -ENOMEM;
    copy = malloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *t;
    r = am_bidx_map_put(&b->token_by_id, copy->token, b->n_tokens);
    if (r < 0) {
        free(copy);
        return r;
    }
    b->tokens[b->n_tokens++] = copy;
    return 0;
}

const struct am_card_token *am_billing_token_find(const struct am_billing *b, const char *token)
{
    const size_t *i = b && token ? am_bidx_map_get(&b->token_by_id, token) : NULL;

    return i ? b->tokens[*i] : NULL;
}

/* ---- snapshot support ------------------------------------------------------------- */

void am_billing_counters_get(const struct am_billing *b, struct am_billing_counters *ret)
{
    ret->salt = b->salt;
    ret->invoice_seq = b->invoice_seq;
    ret->nosso_seq = b->nosso_seq;
}

void am_billing_counters_set(struct am_billing *b, const struct am_billing_counters *c)
{
    b->salt = c->salt;
    b->invoice_seq = c->invoice_seq;
    b->nosso_seq = c->nosso_seq;
}

void am_billing_payment_discard(struct am_payment *p)
{
    payment_free(p);
}

/* Mirrors the index work of am_billing_payment_create_quiet for a payment whose fields
 * are all set, so a restored store answers every query like the exported one. */
int am_billing_payment_insert(struct am_billing *b, struct am_payment *p)
{
    int r;

    if (!b || !p || p->seq != b->n || !p->id[0] || (unsigned)p->status >= _AM_PAY_STATUS_MAX ||
        (unsigned)p->billing_type >= _AM_BILLING_MAX) {
        r = -EINVAL;
        goto fail;
    }
    if (am_bidx_map_get(&b->by_id, p->id)) {
        r = -EEXIST;
        goto fail;
    }
    r = reserve_payment(b);
    if (r < 0)
        goto fail;
    r = am_bidx_map_put(&b->by_id, p->id, p->seq);
    if (r < 0)
        goto fail;
    b->payments[b->n++] = p;
    if (p->seq > 0 && am_cal_day_of(p->created_at) < b->hot[p->seq - 1].created_day)
        b->created_sorted = false;
    sync_hot(b, p);
    am_bidx_bitmap_set(&b->by_status[p->status], p->seq, true);
    b->status_count[p->status]++;
    am_bidx_bitmap_set(&b->by_type[p->billing_type], p->seq, true);
    b->type_count[p->billing_type]++;
    am_bidx_bitmap_set(&b->live, p->seq, !p->deleted);
    r = am_bidx_group_add(&b->by_customer, p->customer, p->seq);
    if (r == 0 && p->subscription[0])
        r = am_bidx_group_add(&b->by_subscription, p->subscription, p->seq);
    if (r == 0 && p->installment[0])
        r = am_bidx_group_add(&b->by_installment, p->installment, p->seq);
    return r; /* p belongs to the store from here on */
fail:
    payment_free(p);
    return r;
}

int am_billing_events_restore(struct am_billing *b, const struct am_event *e)
{
    struct am_event *slot;
    char *snap;

    if (e->seq == 0 || e->seq <= b->ev_seq || (b->ev_n > 0 && e->seq != b->ev_seq + 1))
        return -EINVAL;
    if (b->ev_n >= AM_BILLING_EVENTS_KEEP)
        return -ENOSPC;
    snap = strdup(e->snapshot ? e->snapshot : "null");
    if (!snap)
        return -ENOMEM;
    /* Same growth as am_billing_events_append; ev_start stays 0 while not full. */
    if (grow(&b->events, b->ev_n, &b->ev_cap, sizeof(*b->events), 64,
             AM_BILLING_EVENTS_KEEP) < 0) {
        free(snap);
        return -ENOMEM;
    }
    slot = event_slot(b, b->ev_n);
    *slot = *e;
    slot->id[sizeof(slot->id) - 1] = '\0';
    slot->name[sizeof(slot->name) - 1] = '\0';
    slot->resource_type[sizeof(slot->resource_type) - 1] = '\0';
    slot->resource_id[sizeof(slot->resource_id) - 1] = '\0';
    slot->snapshot = snap;
    b->ev_n++;
    b->ev_seq = e->seq;
    return 0;
}

int am_billing_events_set_last_seq(struct am_billing *b, uint64_t seq)
{
    if (seq < b->ev_seq || (b->ev_n > 0 && seq != b->ev_seq))
        return -EINVAL;
    b->ev_seq = seq;
    return 0;
}

int am_billing_ledger_restore(struct am_billing *b, const struct am_ledger_entry *e)
{
    int64_t balance;

    if ((unsigned)e->type >= _AM_LEDGER_MAX ||
        __builtin_add_overflow(b->balance, e->value_cents, &balance) ||
        balance != e->balance_cents)
        return -EINVAL;
    if (grow(&b->ledger, b->led_n, &b->led_cap, sizeof(*b->ledger), 64, 0) < 0)
        return -ENOMEM;
    b->ledger[b->led_n] = *e;
    b->ledger[b->led_n].id[sizeof(e->id) - 1] = '\0';
    b->ledger[b->led_n].description[sizeof(e->description) - 1] = '\0';
    b->ledger[b->led_n].payment_id[sizeof(e->payment_id) - 1] = '\0';
    b->led_n++;
    b->balance = balance;
    return 0;
}

size_t am_billing_token_count(const struct am_billing *b)
{
    return b ? b->n_tokens : 0;
}

const struct am_card_token *am_billing_token_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n_tokens ? b->tokens[i] : NULL;
}


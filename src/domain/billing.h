/* STABLE: others build on this header */
/* billing.h - one account's billing state (pure): payments with their indexes and state
 * machine, installment groupings, card tokens, the event log and the ledger.
 *
 * Ownership: an am_billing owns every payment, installment, token, event and ledger
 * entry in it; pointers handed out (struct am_payment *, ...) are borrowed and stay
 * valid until am_billing_free() (nothing is ever removed: payments are soft-deleted).
 * The registry owns one am_billing per account (struct am_account.billing).
 *
 * Rules for callers: read any field of a payment freely, but change status, billing
 * type, deleted, value or dates only through the functions below, which keep the
 * indexes, the ledger and the event log in step. Money is int64 cents; calendar dates
 * are "days since 1970-01-01" (see calendar.h) with AM_NO_DAY for
 * null; instants are Unix seconds of the account clock. */
#ifndef AM_BILLING_H
#define AM_BILLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "card_brand.h"
#include "fees.h"

struct cJSON;
struct am_ids;

#define AM_PAYMENT_ID_MAX 24      /* "pay_" + 16 */
#define AM_BILLING_REF_MAX 40     /* customer / subscription ids */
#define AM_UUID_MAX 37            /* installment ids, card tokens */

enum am_payment_status {
    AM_PAY_PENDING,
    AM_PAY_RECEIVED,
    AM_PAY_CONFIRMED,
    AM_PAY_OVERDUE,
    AM_PAY_REFUNDED,
    AM_PAY_RECEIVED_IN_CASH,
    AM_PAY_REFUND_REQUESTED,
    AM_PAY_REFUND_IN_PROGRESS,
    AM_PAY_CHARGEBACK_REQUESTED,
    AM_PAY_CHARGEBACK_DISPUTE,
    AM_PAY_AWAITING_CHARGEBACK_REVERSAL,
    AM_PAY_DUNNING_REQUESTED,
    AM_PAY_DUNNING_RECEIVED,
    AM_PAY_AWAITING_RISK_ANALYSIS,
    AM_PAY_AUTHORIZED,
    _AM_PAY_STATUS_MAX
};

/* "PENDING"...; never NULL. */
const char *am_payment_status_name(enum am_payment_status s);
/* Exact, case-sensitive. Returns 0 or -EINVAL. */
int am_payment_status_parse(const char *s, enum am_payment_status *ret);

enum am_amount_type { AM_AMOUNT_FIXED, AM_AMOUNT_PERCENTAGE };

/* discount/fine/interest. value is hundredths: cents when FIXED, 1/100 of a percent
 * when PERCENTAGE (both rendered with at most two decimals). */
struct am_discount {
    int64_t value;
    int64_t limit_day;      /* limitDate, AM_NO_DAY = null */
    int32_t due_date_limit_days;
    enum am_amount_type type;
};
struct am_fine {
    int64_t value;
    enum am_amount_type type;
};
struct am_interest {
    int64_t value; /* monthly percent in hundredths; type is always PERCENTAGE */
};

/* Card data kept for a payment / token: never the full number. */
struct am_card_info {
    bool present;
    char last4[5];
    char brand[16]; /* VISA, MASTERCARD, ... */
    char token[AM_UUID_MAX];
};

struct am_refund {
    int64_t created_at;    /* instant */
    int64_t value_cents;
    char *description;     /* owned, may be NULL */
    int64_t effective_day; /* AM_NO_DAY = null */
    bool done;             /* status DONE (else PENDING) */
    char receipt[17];      /* transactionReceiptUrl suffix (16 digits), "" = null */
};

struct am_payment {
    char id[AM_PAYMENT_ID_MAX];
    size_t seq;            /* creation index in the store (0 = oldest) */
    int64_t created_at;    /* instant; dateCreated is its date */
    char customer[AM_BILLING_REF_MAX];
    char subscription[AM_BILLING_REF_MAX]; /* "" = none (key omitted) */
    char installment[AM_UUID_MAX];         /* "" = none (key omitted) */
    char payment_link[AM_BILLING_REF_MAX]; /* paymentLink, "" = null */
    char checkout_session[AM_UUID_MAX];    /* checkoutSession, "" = null */
    int64_t value_cents;
    int64_t net_value_cents;
    int64_t original_value_cents; /* -1 = null */
    int64_t interest_value_cents; /* -1 = null */
    char *description;            /* owned, may be NULL */
    enum am_billing_type billing_type;
    bool can_be_paid_after_due_date; /* boleto only */
    int64_t confirmed_day;           /* card only; AM_NO_DAY = null */
    struct am_card_info card;        /* card only; !present = null */
    enum am_payment_status status;
    int64_t due_day;
    int64_t original_due_day;
    int64_t payment_day;        /* AM_NO_DAY = null */
    int64_t client_payment_day; /* AM_NO_DAY = null */
    unsigned installment_number; /* 0 = null */
    char invoice_number[9];      /* 8 digits */
    char *external_reference;    /* owned, may be NULL */
    bool deleted;
    bool anticipated;
    bool anticipable;
    int64_t credit_day;           /* AM_NO_DAY = null */
    int64_t estimated_credit_day; /* AM_NO_DAY = null */
    char receipt[17];             /* transactionReceiptUrl suffix, "" = null */
    char nosso_numero[9];         /* "" = null (boleto / undefined only) */
    int64_t last_invoice_viewed_at;   /* instant, 0 = null */
    int64_t last_bank_slip_viewed_at; /* instant, 0 = null */
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    bool postal_service;
    int32_t days_after_due_to_cancel; /* daysAfterDueDateToRegistrationCancellation, -1 */
    struct am_refund *refunds;        /* owned array */
    size_t n_refunds;
    int64_t refunded_cents;           /* sum of refunds */
    int64_t fee_cents;                /* value - netValue at creation */
    int64_t cash_saved_value_cents;   /* value before receiveInCash (-1 = none) */
    bool credited;                    /* the ledger holds its receipt */
};

/* What a new payment is made from (already validated by the caller). Strings are
 * borrowed (copied in). */
struct am_payment_spec {
    const char *customer;
    enum am_billing_type billing_type;
    int64_t value_cents;
    int64_t due_day;
    const char *description;        /* NULL = null */
    const char *external_reference; /* NULL = null */
    const char *subscription;       /* NULL = none */
    const char *installment;        /* NULL = none */
    const char *payment_link;       /* NULL = the origin's (am_billing_set_origin) */
    const char *checkout_session;   /* NULL = the origin's */
    unsigned installment_number;    /* 0 = none */
    int64_t fee_cents;              /* -1 = am_fee_for(billing_type, value) */
    struct am_discount discount;    /* zero = defaults {0, null, 0, FIXED} */
    struct am_fine fine;
    struct am_interest interest;
    bool postal_service;
    int32_t days_after_due_to_cancel; /* -1 = null */
};

/* Initialises spec with the defaults (no discount/fine/interest, fee -1, ...). */
void am_payment_spec_init(struct am_payment_spec *spec);

struct am_billing;

/* Returns a new empty billing state; free with am_billing_free(). account_id (borrowed)
 * seeds the invoiceNumber/nossoNumero sequences and event ids deterministically.
 * NULL on OOM. */
struct am_billing *am_billing_new(const char *account_id);
/* Frees everything. Accepts NULL. */
void am_billing_free(struct am_billing *b);

/* ---- Calendar helpers ------------------------------------------------------------- */

/* Older names of the calendar.h functions, kept for existing callers; new code calls
 * am_cal_day_of, am_cal_format_day, am_cal_parse_day and am_cal_add_months. */
static inline int64_t am_billing_day_of(int64_t t)
{
    return am_cal_day_of(t);
}
static inline void am_billing_format_day(int64_t day, char out[11])
{
    am_cal_format_day(day, out);
}
static inline int am_billing_parse_day(const char *s, int64_t *ret_day)
{
    return am_cal_parse_day(s, ret_day);
}
static inline int64_t am_billing_add_months(int64_t day, int months)
{
    return am_cal_add_months(day, months);
}

/* ---- Payments --------------------------------------------------------------------- */

/* Creates a PENDING payment from spec (ids draws the pay_ id), emits PAYMENT_CREATED.
 * *ret (may be NULL) receives the borrowed payment. Returns 0, -EINVAL (bad spec) or
 * -ENOMEM. */
int am_billing_payment_create(struct am_billing *b, struct am_ids *ids,
                              const struct am_payment_spec *spec, int64_t now,
                              struct am_payment **ret);

/* Same without the PAYMENT_CREATED event (callers that emit it after finishing the
 * payment, e.g. a card charge confirmed in the same request). */
int am_billing_payment_create_quiet(struct am_billing *b, struct am_ids *ids,
                                    const struct am_payment_spec *spec, int64_t now,
                                    struct am_payment **ret);

/* The payment link / checkout whose payer is being charged: payments created while it is
 * set (through any path: plain, installment, subscription) carry it as paymentLink /
 * checkoutSession unless their spec names one. NULL or "" clears; copied. Callers set it
 * around one request and clear it after. */
void am_billing_set_origin(struct am_billing *b, const char *payment_link,
                           const char *checkout_session);
/* The origin set now ("" when none). Borrowed. */
const char *am_billing_origin_link(const struct am_billing *b);
const char *am_billing_origin_checkout(const struct am_billing *b);

/* Payment by id (deleted ones included), NULL when unknown. O(1) average. */
struct am_payment *am_billing_payment_find(const struct am_billing *b, const char *id);

size_t am_billing_payment_count(const struct am_billing *b);
/* i-th payment in creation order (0 = oldest), NULL past the end. */
struct am_payment *am_billing_payment_at(const struct am_billing *b, size_t i);

/* Listing filter. NULL strings / AM_NO_DAY bounds / -1 enums mean "no filter". Day
 * bounds are inclusive. */
struct am_payment_filter {
    const char *customer;
    const char *subscription;
    const char *installment;
    const char *external_reference;
    int status;       /* enum am_payment_status or -1 */
    int billing_type; /* enum am_billing_type or -1 */
    int64_t created_ge, created_le;
    int64_t due_ge, due_le;
    int64_t payment_ge, payment_le; /* paymentDate; a null paymentDate never matches */
    int64_t estimated_credit_ge, estimated_credit_le;
    int anticipated; /* -1 any, 0 false, 1 true */
    bool include_deleted;
    /* Optional extra predicate (e.g. customerGroupName), checked last; NULL = none. */
    bool (*extra)(const struct am_payment *p, void *arg);
    void *extra_arg;
};

void am_payment_filter_init(struct am_payment_filter *f);

/* Matches of f, newest first: fills page[0..*ret_n) (borrowed) with at most limit
 * matches after skipping offset, and returns the total number of matches. Uses the
 * most selective index (customer / subscription / installment / status / billingType)
 * and checks the remaining predicates on that candidate set. */
size_t am_billing_payments_query(const struct am_billing *b, const struct am_payment_filter *f,
                                 size_t offset, size_t limit, struct am_payment **page,
                                 size_t *ret_n);

/* Every payment of a subscription or an installment, oldest first (by creation). Returns
 * a new array (free()) in *ret (NULL when none) and the count. -ENOMEM on OOM. */
int am_billing_payments_of_subscription(const struct am_billing *b, const char *sub_id,
                                        struct am_payment ***ret, size_t *ret_n);
int am_billing_payments_of_installment(const struct am_billing *b, const char *inst_id,
                                       struct am_payment ***ret, size_t *ret_n);

/* Renders the payment object in the captured key order (§6.2). Returns a new cJSON
 * object (caller owns) or NULL on OOM. */
struct cJSON *am_payment_to_json(const struct am_payment *p);

/* The same payment object written as text into w (util/jsonw.h; key NULL for an array
 * element or the top level): the hot path, no DOM. am_payment_to_json parses this text. */
struct am_jsonw;
void am_payment_write(struct am_jsonw *w, const char *key, const struct am_payment *p);

/* Renders one refund {dateCreated, status, value, endToEndIdentifier, description,
 * effectiveDate, transactionReceiptUrl, refundedSplits}. New object or NULL (OOM). */
struct cJSON *am_refund_to_json(const struct am_refund *rf);

/* Rendering pieces shared with the subscriptions: "PERCENTAGE" or "FIXED"; and
 * key: "YYYY-MM-DD" (null for AM_NO_DAY) added to o, false when out of memory. */
void am_refund_write(struct am_jsonw *w, const char *key, const struct am_refund *rf);

const char *am_billing_amount_type_name(enum am_amount_type t);
bool am_billing_add_day(struct cJSON *o, const char *key, int64_t day);

/* ---- State machine ---------------------------------------------------------------- *
 * Each returns 0, or -EIDRM (payment deleted), -EPERM (its status forbids the action),
 * -EINVAL (bad argument such as a refund above the refundable amount) or -ENOMEM.
 * now is the account clock (instant); every success appends its event(s). */

/* Payer paid (sandbox confirm / Pix paid / boleto paid): PENDING|OVERDUE ->
 * PIX: RECEIVED at once (ledger credit + fee); BOLETO/UNDEFINED: CONFIRMED with
 * creditDate = AM_BOLETO_CREDIT_BUSINESS_DAYS business days later; CREDIT_CARD:
 * CONFIRMED with creditDate D+32 rolled forward. */
int am_billing_payment_confirm(struct am_billing *b, struct am_payment *p, int64_t now);

/* A card charge paid with card (create with card data, payWithCreditCard): stores card,
 * sets CONFIRMED, confirmedDate/clientPaymentDate today, creditDate = today + 32 *
 * credit_months_factor (1 for a single charge, n for installment n) rolled to a business
 * day, and transactionReceiptUrl (receipt may be NULL: derived from the id). Allowed
 * from PENDING/OVERDUE. Emits PAYMENT_CONFIRMED. */
int am_billing_payment_pay_card(struct am_billing *b, struct am_payment *p,
                                const struct am_card_info *card, unsigned credit_factor,
                                const char *receipt, int64_t now);

/* Card pre-authorisation: PENDING -> AUTHORIZED (PAYMENT_AUTHORIZED), keeps the card. */
int am_billing_payment_authorize(struct am_billing *b, struct am_payment *p,
                                 const struct am_card_info *card, int64_t now);
/* AUTHORIZED -> CONFIRMED (PAYMENT_CONFIRMED), credit date as pay_card. */
int am_billing_payment_capture(struct am_billing *b, struct am_payment *p, int64_t now);

/* Deletes the not-yet-paid (PENDING or OVERDUE, not deleted) payments of list, as when
 * an installment or subscription goes. Returns 0 or -ENOMEM. */
int am_billing_payments_delete_unpaid(struct am_billing *b, struct am_payment **list, size_t n,
                                      int64_t now);

/* CONFIRMED -> RECEIVED (settlement on creditDate): paymentDate = creditDate, ledger
 * credit of the value and debit of the fee, PAYMENT_RECEIVED. */
int am_billing_payment_receive(struct am_billing *b, struct am_payment *p, int64_t now);

/* PENDING -> OVERDUE (daily job / sandbox overdue), PAYMENT_OVERDUE. */
int am_billing_payment_overdue(struct am_billing *b, struct am_payment *p, int64_t now);

/* Refund value_cents (<= 0 means everything still refundable) from RECEIVED, CONFIRMED
 * or (already partially refunded) payments. Full -> REFUNDED + PAYMENT_REFUNDED; partial
 * -> status unchanged + PAYMENT_PARTIALLY_REFUNDED. Ledger PAYMENT_REFUND debit for
 * what had been credited. description borrowed (copied). */
int am_billing_payment_refund(struct am_billing *b, struct am_payment *p, int64_t value_cents,
                              const char *description, int64_t now);

/* PENDING|OVERDUE -> RECEIVED_IN_CASH with paymentDate = day and value (<= 0 keeps the
 * value); netValue = value (no fee, no ledger: the money never went through Asaas). */
int am_billing_payment_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                       int64_t day, int64_t value_cents, int64_t now);
/* RECEIVED_IN_CASH -> PENDING (or OVERDUE when past due), restores value/netValue,
 * PAYMENT_RECEIVED_IN_CASH_UNDONE. */
int am_billing_payment_undo_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                            int64_t now);

/* Soft delete (PAYMENT_DELETED): refused (-EPERM) when money moved (RECEIVED, CONFIRMED,
 * REFUNDED, AUTHORIZED, ...); -EIDRM when already deleted. */
int am_billing_payment_delete(struct am_billing *b, struct am_payment *p, int64_t now);
/* Undo a delete (PAYMENT_RESTORED); -EPERM when not deleted. */
int am_billing_payment_restore(struct am_billing *b, struct am_payment *p, int64_t now);

/* Changes to a PENDING/OVERDUE payment (PUT). Fields with their has_ flag false are
 * kept. A new value recomputes netValue with the current fee rule; a new dueDate that
 * is >= today brings an OVERDUE payment back to PENDING. Emits PAYMENT_UPDATED. */
struct am_payment_update {
    bool has_billing_type;
    enum am_billing_type billing_type;
    bool has_value;
    int64_t value_cents;
    bool has_due_day;
    int64_t due_day;
    bool has_description;
    const char *description; /* borrowed; NULL = null */
    bool has_external_reference;
    const char *external_reference;
    bool has_discount;
    struct am_discount discount;
    bool has_fine;
    struct am_fine fine;
    bool has_interest;
    struct am_interest interest;
    bool has_postal_service;
    bool postal_service;
};
int am_billing_payment_update(struct am_billing *b, struct am_payment *p,
                              const struct am_payment_update *u, int64_t now);

/* Chargebacks of card charges (billing_chargeback.c; the chargeback objects themselves
 * are chargebacks.c's). Same return codes as above.
 * - chargeback: CONFIRMED|RECEIVED card charge -> CHARGEBACK_REQUESTED
 *   (PAYMENT_CHARGEBACK_REQUESTED); a credited charge gives back what it kept (value less
 *   refunds) as a CHARGEBACK debit, reported in *ret_debited (0 when nothing was credited).
 * - dispute: CHARGEBACK_REQUESTED -> CHARGEBACK_DISPUTE (PAYMENT_CHARGEBACK_DISPUTE).
 * - won: CHARGEBACK_DISPUTE -> AWAITING_CHARGEBACK_REVERSAL
 *   (PAYMENT_AWAITING_CHARGEBACK_REVERSAL).
 * - reverse: AWAITING_CHARGEBACK_REVERSAL -> RECEIVED with a CHARGEBACK_REVERSAL credit of
 *   debited_cents (PAYMENT_RECEIVED) when it had been credited, else CONFIRMED
 *   (PAYMENT_CONFIRMED). */
int am_billing_payment_chargeback(struct am_billing *b, struct am_payment *p, int64_t now,
                                  int64_t *ret_debited);
int am_billing_payment_chargeback_dispute(struct am_billing *b, struct am_payment *p, int64_t now);
int am_billing_payment_chargeback_won(struct am_billing *b, struct am_payment *p, int64_t now);
int am_billing_payment_chargeback_reverse(struct am_billing *b, struct am_payment *p,
                                          int64_t debited_cents, int64_t now);

/* A pre-authorization not captured in time (billing_chargeback.c, beside the other card
 * after-life states): AUTHORIZED -> REFUNDED (PAYMENT_REFUNDED); no ledger line, as
 * nothing was credited. */
int am_billing_payment_authorization_expire(struct am_billing *b, struct am_payment *p,
                                            int64_t now);

/* ---- Daily jobs (one simulated day each, in this order) ---------------------------- */

/* PENDING payments with dueDate < day -> OVERDUE. Returns how many changed. */
size_t am_billing_job_overdue(struct am_billing *b, int64_t day, int64_t now);
/* CONFIRMED payments with creditDate <= day -> RECEIVED. Returns how many changed. */
size_t am_billing_job_settle(struct am_billing *b, int64_t day, int64_t now);

/* ---- Installment groupings -------------------------------------------------------- */

struct am_installment {
    char id[AM_UUID_MAX];
    int64_t created_at;
    char customer[AM_BILLING_REF_MAX];
    enum am_billing_type billing_type;
    int64_t value_cents;         /* total */
    int64_t payment_value_cents; /* the last installment's value (as captured) */
    unsigned count;
    char *description;           /* owned; the request's description, may be NULL */
    int64_t first_due_day;       /* expirationDay is its day of month */
    struct am_card_info card;
    char receipt[17];            /* shared card receipt, "" = null */
    int64_t payment_day;         /* card: confirmation day; AM_NO_DAY = null */
    bool deleted;
    char payment_link[AM_BILLING_REF_MAX]; /* "" = null; the origin's when added */
    char checkout_session[AM_UUID_MAX];
};

/* Adds an installment grouping (copied; description copied). *ret borrowed. Returns 0,
 * -EEXIST, -EINVAL or -ENOMEM. */
int am_billing_installment_add(struct am_billing *b, const struct am_installment *inst,
                               struct am_installment **ret);
struct am_installment *am_billing_installment_find(const struct am_billing *b, const char *id);
size_t am_billing_installment_count(const struct am_billing *b);
/* i-th installment in creation order (0 = oldest), NULL past the end. */
struct am_installment *am_billing_installment_at(const struct am_billing *b, size_t i);

/* ---- Card tokens ------------------------------------------------------------------ */

struct am_card_token {
    char token[AM_UUID_MAX];
    char customer[AM_BILLING_REF_MAX];
    char last4[5];
    char brand[16];
};

/* Stores a token (copied). Returns 0, -EEXIST or -ENOMEM. */
int am_billing_token_add(struct am_billing *b, const struct am_card_token *t);
/* Token by its UUID, NULL when unknown. Borrowed. */
const struct am_card_token *am_billing_token_find(const struct am_billing *b, const char *token);

/* am_card_brand: see card_brand.h (included above). */

/* ---- Sequences -------------------------------------------------------------------- */

/* Next 8-digit invoiceNumber / nossoNumero of this account (out holds 9 bytes). */
void am_billing_next_invoice_number(struct am_billing *b, char out[9]);
void am_billing_next_nosso_numero(struct am_billing *b, char out[9]);
/* A 16-digit transaction receipt id derived from seed text (out holds 17 bytes). */
/* The payer opened the invoice page (bank_slip false: lastInvoiceViewedDate,
 * PAYMENT_CHECKOUT_VIEWED) or the boleto (lastBankSlipViewedDate,
 * PAYMENT_BANK_SLIP_VIEWED): every opening, whatever the status. -EIDRM when deleted. */
int am_billing_payment_viewed(struct am_billing *b, struct am_payment *p, bool bank_slip,
                              int64_t now);

void am_billing_receipt_id(const char *seed, char out[17]);

/* ---- Event log -------------------------------------------------------------------- */

struct am_event {
    uint64_t seq;                       /* 1, 2, ... per account */
    char id[64];                        /* "evt_" + 32 hex + "&" + seq */
    char name[64];                      /* PAYMENT_CREATED ... */
    int64_t created_at;                 /* instant (dateCreated) */
    char resource_type[24];             /* "payment", "subscription", ... */
    char resource_id[AM_BILLING_REF_MAX];
    char *snapshot;                     /* owned JSON text of the resource at emit time */
};

/* The log keeps the newest AM_BILLING_EVENTS_KEEP events (older ones are dropped, as
 * Asaas drops events after 14 days); seq keeps counting. */
#define AM_BILLING_EVENTS_KEEP 20000

/* Appends an event; snapshot_json (borrowed text, copied; NULL = "null"). Returns the
 * new event's seq (>= 1) or 0 on OOM. */
uint64_t am_billing_events_append(struct am_billing *b, const char *name, int64_t now,
                                  const char *resource_type, const char *resource_id,
                                  const char *snapshot_json);
/* Appends an event whose snapshot is p rendered now. Returns seq or 0 on OOM. */
uint64_t am_billing_events_append_payment(struct am_billing *b, const char *name,
                                          const struct am_payment *p, int64_t now);
/* Number of events kept, and the i-th kept one (0 = oldest kept). Borrowed. */
size_t am_billing_events_count(const struct am_billing *b);
const struct am_event *am_billing_event_at(const struct am_billing *b, size_t i);
/* Event by seq if still kept, else NULL. */
const struct am_event *am_billing_event_by_seq(const struct am_billing *b, uint64_t seq);
/* seq of the newest event (0 = none yet). */
uint64_t am_billing_events_last_seq(const struct am_billing *b);

/* ---- Ledger (financial transactions) ---------------------------------------------- */

enum am_ledger_type {
    AM_LEDGER_PAYMENT_RECEIVED, /* credit of the payment value */
    AM_LEDGER_PAYMENT_FEE,      /* debit of the fee */
    AM_LEDGER_PAYMENT_REFUND,   /* debit of a refund after credit */
    AM_LEDGER_PAYMENT_REVERSAL, /* debit reversing a credit (e.g. chargeback) */
    AM_LEDGER_PAYMENT_FEE_REVERSAL, /* credit giving a fee back */
    /* The other areas' statement lines, named as Asaas's financialTransaction type. */
    AM_LEDGER_TRANSFER,
    AM_LEDGER_TRANSFER_FEE,
    AM_LEDGER_TRANSFER_REVERSAL,
    AM_LEDGER_INTERNAL_TRANSFER_DEBIT,
    AM_LEDGER_INTERNAL_TRANSFER_CREDIT,
    AM_LEDGER_INTERNAL_TRANSFER_REVERSAL,
    AM_LEDGER_PIX_TRANSACTION_DEBIT,
    AM_LEDGER_PIX_TRANSACTION_CREDIT,
    AM_LEDGER_PIX_TRANSACTION_DEBIT_FEE,
    AM_LEDGER_PIX_TRANSACTION_DEBIT_REFUND,
    AM_LEDGER_BILL_PAYMENT,
    AM_LEDGER_BILL_PAYMENT_FEE,
    AM_LEDGER_BILL_PAYMENT_CANCELLED,
    AM_LEDGER_BILL_PAYMENT_FEE_CANCELLED,
    AM_LEDGER_BILL_PAYMENT_REFUNDED,
    AM_LEDGER_MOBILE_PHONE_RECHARGE,
    AM_LEDGER_REFUND_MOBILE_PHONE_RECHARGE,
    AM_LEDGER_RECEIVABLE_ANTICIPATION_GROSS_CREDIT,
    AM_LEDGER_RECEIVABLE_ANTICIPATION_FEE,
    AM_LEDGER_RECEIVABLE_ANTICIPATION_DEBIT,
    AM_LEDGER_CHARGEBACK,
    AM_LEDGER_CHARGEBACK_REVERSAL,
    AM_LEDGER_PAYMENT_CUSTODY_BLOCK,
    AM_LEDGER_PAYMENT_CUSTODY_BLOCK_REVERSAL,
    AM_LEDGER_PAYMENT_DUNNING_REQUEST_FEE,
    AM_LEDGER_PAYMENT_DUNNING_RECEIVED_FEE,
    AM_LEDGER_PAYMENT_DUNNING_CANCELLATION_FEE,
    AM_LEDGER_INVOICE_FEE,
    AM_LEDGER_CREDIT_BUREAU_REPORT,
    AM_LEDGER_CREDIT,
    AM_LEDGER_DEBIT,
    _AM_LEDGER_MAX
};

/* "PAYMENT_RECEIVED", ... never NULL. */
const char *am_ledger_type_name(enum am_ledger_type t);

struct am_ledger_entry {
    char id[24];             /* "ftr_" + 12 digits */
    int64_t value_cents;     /* signed: credits > 0, debits < 0 */
    int64_t balance_cents;   /* running balance after this entry */
    enum am_ledger_type type;
    int64_t day;             /* date */
    int64_t created_at;      /* instant */
    char description[160];
    char payment_id[AM_PAYMENT_ID_MAX]; /* "" = null */
    /* The other object the line belongs to, as the financialTransaction member that
     * names it ("transferId", "billId", "anticipationId", "splitId", "invoiceId",
     * "paymentDunningId", "creditBureauReportId"); "" = none. A payment of another
     * account (a split's receiver) goes here too, as "paymentId" is checked locally. */
    char ref_key[24];
    char ref_id[64];
};

/* Appends an entry (description borrowed, truncated to fit; payment_id may be NULL).
 * Returns 0 or -ENOMEM. */
int am_billing_ledger_append(struct am_billing *b, enum am_ledger_type type, int64_t value_cents,
                             int64_t day, int64_t now, const char *description,
                             const char *payment_id);
/* Same, naming the other object of the line (ref_key/ref_id as in am_ledger_entry; both
 * NULL = none; truncated to fit). */
int am_billing_ledger_append_ref(struct am_billing *b, enum am_ledger_type type,
                                 int64_t value_cents, int64_t day, int64_t now,
                                 const char *description, const char *payment_id,
                                 const char *ref_key, const char *ref_id);
size_t am_billing_ledger_count(const struct am_billing *b);
/* i-th entry, oldest first. Borrowed. */
const struct am_ledger_entry *am_billing_ledger_at(const struct am_billing *b, size_t i);
/* Current balance in cents (= sum of the ledger). */
int64_t am_billing_balance(const struct am_billing *b);
/* Verifies the invariant: every running balance equals the prefix sum and the balance
 * equals the total. Returns 0 or -EFAULT (with the first broken index in *ret_index,
 * may be NULL). */
int am_billing_ledger_check(const struct am_billing *b, size_t *ret_index);

/* ---- Snapshot support (used by billing_state.c) ------------------------------------ *
 * Exact restore of a state exported field by field: the store is rebuilt in creation
 * order through these, and every index, the ring of kept events and the running
 * balance come out as the live functions would have left them. */

/* The internal seeds and counters: salt derives event and ledger ids (from the account
 * id at am_billing_new); the sequences give the next invoiceNumber / nossoNumero. */
struct am_billing_counters {
    uint64_t salt;
    uint64_t invoice_seq;
    uint64_t nosso_seq;
};
void am_billing_counters_get(const struct am_billing *b, struct am_billing_counters *ret);
void am_billing_counters_set(struct am_billing *b, const struct am_billing_counters *c);

/* Inserts a fully formed payment (allocated with malloc/calloc, strings and refunds
 * owned) as the newest one: p->seq must equal am_billing_payment_count(b), the id must
 * be new and non-empty, status and billing type in range; p->refunded_cents is taken
 * as given. Every index (id, customer, subscription, installment, status, type, live,
 * dates) is updated as creation would. Takes ownership of p on all paths (freed on
 * failure). Returns 0, -EINVAL, -EEXIST (id taken) or -ENOMEM (p may then already be
 * in the store, findable by id; the caller frees the whole state). */
int am_billing_payment_insert(struct am_billing *b, struct am_payment *p);
/* Frees a payment that is in no store (its strings and refunds too). Accepts NULL. */
void am_billing_payment_discard(struct am_payment *p);

/* Appends a kept event exactly as given (every field copied, snapshot text copied;
 * NULL snapshot = "null"). e->seq must be >= 1 and, when the log already holds events,
 * last_seq + 1; otherwise above last_seq. Returns 0, -EINVAL (seq), -ENOSPC (the log
 * already holds AM_BILLING_EVENTS_KEEP events) or -ENOMEM. Borrows e. */
int am_billing_events_restore(struct am_billing *b, const struct am_event *e);
/* Sets the seq of the newest event: seq >= last_seq, and equal to it while the log
 * holds events (the kept events are always the newest). Returns 0 or -EINVAL. */
int am_billing_events_set_last_seq(struct am_billing *b, uint64_t seq);

/* Appends a ledger entry exactly as given (id, day, description... copied; borrowed
 * e). e->balance_cents must equal the current balance + e->value_cents. Returns 0,
 * -EINVAL (broken running balance or type) or -ENOMEM. */
int am_billing_ledger_restore(struct am_billing *b, const struct am_ledger_entry *e);

/* Number of stored card tokens, and the i-th one (0 = oldest; NULL past the end).
 * Borrowed. */
size_t am_billing_token_count(const struct am_billing *b);
const struct am_card_token *am_billing_token_at(const struct am_billing *b, size_t i);

#endif

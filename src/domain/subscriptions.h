/* subscriptions.h - one account's recurring state (pure): its subscriptions, its KYC
 * ("myAccount/status") state and the last simulated day its daily jobs ran.
 *
 * Ownership: an am_recurring owns every subscription in it; pointers handed out are
 * borrowed and stay valid until am_recurring_free() (subscriptions are soft-deleted,
 * never removed). The registry owns one am_recurring per account
 * (struct am_account.recurring).
 *
 * Calendar dates are "days since 1970-01-01" with AM_NO_DAY for null, as in billing.h. */
#ifndef AM_SUBSCRIPTIONS_H
#define AM_SUBSCRIPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "billing.h"

struct cJSON;

/* Charges of a subscription are generated this many days before their due date
 * (docs.asaas.com "Subscriptions" FAQ: "charges are always generated 40 days in
 * advance"); the first one is generated at once on create. */
#define AM_SUBSCRIPTION_LEAD_DAYS 40

#define AM_SUBSCRIPTION_ID_MAX 24 /* "sub_" + 16 */

enum am_sub_cycle {
    AM_CYCLE_WEEKLY,
    AM_CYCLE_BIWEEKLY,
    AM_CYCLE_MONTHLY,
    AM_CYCLE_BIMONTHLY,
    AM_CYCLE_QUARTERLY,
    AM_CYCLE_SEMIANNUALLY,
    AM_CYCLE_YEARLY,
    _AM_CYCLE_MAX
};

enum am_sub_status { AM_SUB_ACTIVE, AM_SUB_INACTIVE, AM_SUB_EXPIRED, _AM_SUB_STATUS_MAX };

/* "WEEKLY"... / "ACTIVE"...; never NULL for valid values. */
const char *am_sub_cycle_name(enum am_sub_cycle c);
const char *am_sub_status_name(enum am_sub_status s);
/* Exact, case-sensitive. Return 0 or -EINVAL. */
int am_sub_cycle_parse(const char *s, enum am_sub_cycle *ret);
int am_sub_status_parse(const char *s, enum am_sub_status *ret);

/* The due date one cycle after day. Weekly cycles add 7/14 days; month-based cycles
 * keep the anchor day of month (1..31) and clamp it to the month's end, so an anchor of
 * 31 gives Jan 31 -> Feb 28/29 -> Mar 31 (the clamp never drifts the anchor).
 * anchor_mday 0 means "the day of month of day". */
int64_t am_sub_cycle_next(int64_t day, enum am_sub_cycle c, unsigned anchor_mday);

/* Day of month (1..31) of a day. */
unsigned am_sub_mday(int64_t day);

struct am_subscription {
    char id[AM_SUBSCRIPTION_ID_MAX];
    size_t seq;          /* creation index (0 = oldest) */
    int64_t created_at;  /* instant; dateCreated is its date */
    char customer[AM_BILLING_REF_MAX];
    int64_t value_cents;
    int64_t next_due_day; /* the due date of the next charge still to generate */
    unsigned anchor_mday; /* day of month month-based cycles aim for */
    enum am_sub_cycle cycle;
    char *description;    /* owned, may be NULL */
    enum am_billing_type billing_type;
    bool deleted;
    enum am_sub_status status;
    char *external_reference; /* owned, may be NULL */
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    struct cJSON *split;   /* owned copy of the request's split array, NULL = null */
    int64_t end_day;       /* endDate, AM_NO_DAY = none */
    unsigned max_payments; /* 0 = unlimited */
    unsigned generated;    /* charges generated so far */
    struct am_card_info card; /* card subscriptions: charged on each due date */
    char payment_link[AM_BILLING_REF_MAX]; /* paymentLink, "" = null (its charges carry it) */
    char checkout_session[AM_UUID_MAX];    /* checkoutSession, "" = null */
};

/* Returns a new zeroed subscription (end_day = AM_NO_DAY); free with
 * am_subscription_free() or hand it to am_recurring_add(). NULL on OOM. */
struct am_subscription *am_subscription_new(void);
/* Frees s and what it owns. Accepts NULL. */
void am_subscription_free(struct am_subscription *s);

/* True when s can generate no further charge: maxPayments reached, or its next due
 * date falls after endDate. */
bool am_subscription_exhausted(const struct am_subscription *s);

/* Appends event name (SUBSCRIPTION_CREATED, ...) with s rendered now as the snapshot.
 * Returns the event's seq, 0 on OOM. */
uint64_t am_subscription_emit(struct am_billing *b, const char *name,
                              const struct am_subscription *s, int64_t now);

/* KYC state of one part of the account (GET /myAccount/status). */
enum am_kyc_status { AM_KYC_PENDING, AM_KYC_APPROVED, AM_KYC_REJECTED, AM_KYC_AWAITING_APPROVAL };
const char *am_kyc_status_name(enum am_kyc_status s);

struct am_recurring;

/* Returns a new empty state (KYC all PENDING, jobs never ran); free with
 * am_recurring_free(). NULL on OOM. */
struct am_recurring *am_recurring_new(void);
/* Frees the state and every subscription. Accepts NULL. */
void am_recurring_free(struct am_recurring *r);

/* Adds s (its id must be set). Takes ownership of s on all paths. Returns 0, -EEXIST
 * (id taken; s freed), -EINVAL or -ENOMEM. s->seq is set here. */
int am_recurring_add(struct am_recurring *r, struct am_subscription *s);
/* Subscription by id (deleted included), NULL when unknown. O(1) average. Borrowed. */
struct am_subscription *am_recurring_find(const struct am_recurring *r, const char *id);
size_t am_recurring_count(const struct am_recurring *r);
/* i-th subscription in creation order (0 = oldest), NULL past the end. Borrowed. */
struct am_subscription *am_recurring_at(const struct am_recurring *r, size_t i);

/* KYC: commercialInfo, bankAccountInfo, documentation, general. */
struct am_kyc {
    enum am_kyc_status commercial_info;
    enum am_kyc_status bank_account_info;
    enum am_kyc_status documentation;
    enum am_kyc_status general;
};
/* Borrowed, mutable view of the account's KYC state. */
struct am_kyc *am_recurring_kyc(struct am_recurring *r);

/* The last simulated day the daily jobs ran (AM_NO_DAY = never). */
int64_t am_recurring_jobs_day(const struct am_recurring *r);
void am_recurring_set_jobs_day(struct am_recurring *r, int64_t day);

/* Renders s in the captured key order (§6.3): object, id, dateCreated, customer,
 * paymentLink, value, nextDueDate, cycle, description, billingType, deleted, status,
 * externalReference, checkoutSession, sendPaymentByPostalService, fine, interest,
 * split; then, only when set (the capture had none of them), endDate, maxPayments and
 * discount. Returns a new object (caller owns) or NULL on OOM. */
struct cJSON *am_subscription_to_json(const struct am_subscription *s);

#endif

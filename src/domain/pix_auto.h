/* pix_auto.h - recurring Pix (scheduled series of outgoing Pix payments) and automatic
 * Pix (Pix Automático: authorizations and payment instructions) of an account (pure).
 *
 * Objects live in the account's records store as their Asaas JSON with private '_'
 * members: "pixRecurrings" and "pixRecurringItems"; "pixAutomaticAuthorizations" and
 * "pixAutomaticInstructions".
 *
 * Recurring Pix: a recurrence (SCHEDULED) owns quantity items (PENDING) one period
 * apart; the daily job pays each item on its day (DONE with a PIX_TRANSACTION_DEBIT,
 * or REFUSED when the balance is short); the recurrence is DONE once no item is
 * PENDING (CANCELLED when cancelled). Recurrences are made by am_pix_recurring_create
 * (the transfers area, for a Pix transfer with "recurring", and the mock's sandbox route).
 *
 * Automatic Pix: an authorization is CREATED with an immediate QR code (payload of
 * "pix.asaas.mock/qr/rec/<id>"); paying that QR code (POST /pix/qrCodes/pay) activates
 * it (ACTIVE) and schedules its first payment instruction; CREATED ones expire
 * (EXPIRED) when their immediate QR code does; DELETE cancels (CANCELLED). An
 * instruction is SCHEDULED for its dueDate; the job of that day creates the customer's
 * PIX charge and receives it (DONE), and schedules the next period's instruction until
 * finishDate. Mock convention: the payer's bank refuses (REFUSED, when scheduled) every
 * scheduled instruction of an authorization whose contractId starts with
 * AM_PIX_AUTO_REFUSE_PREFIX, so retries (RETRY_AFTER_DUE_DATE, never refused) can be
 * exercised. Every transition emits its PIX_AUTOMATIC_RECURRING_* event.
 *
 * Ownership: objects returned are borrowed from the store; *_to_json return new trees. */
#ifndef AM_PIX_AUTO_H
#define AM_PIX_AUTO_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;
struct am_records;
struct am_account;
struct am_ids;
struct am_billing;

#define AM_PIX_RECURRINGS "pixRecurrings"
#define AM_PIX_RECURRING_ITEMS "pixRecurringItems"
#define AM_PIX_AUTHORIZATIONS "pixAutomaticAuthorizations"
#define AM_PIX_INSTRUCTIONS "pixAutomaticInstructions"

/* ---- recurring Pix ------------------------------------------------------------------ */

struct am_pix_recurring_spec {
    int64_t value_cents;
    bool monthly;          /* else WEEKLY */
    unsigned quantity;     /* items, 1..AM_PIX_RECURRING_MAX */
    int64_t start_day;     /* first item's day */
    const char *name;      /* receiver's name, may be NULL */
    const char *pix_key;   /* receiver's key, may be NULL */
};

/* Creates a recurrence and its items. 0 with *ret, -EINVAL or -ENOMEM. */
int am_pix_recurring_create(struct am_records *r, struct am_ids *ids,
                            const struct am_pix_recurring_spec *s, int64_t now,
                            struct cJSON **ret);
/* Cancels the recurrence and its PENDING items. 0 or -EPERM (nothing left to cancel). */
int am_pix_recurring_cancel(struct am_records *r, struct cJSON *rec);
/* Cancels one PENDING item. 0 or -EPERM. */
int am_pix_recurring_item_cancel(struct am_records *r, struct cJSON *item);
/* The recurrence whose id is the item's "_recurrence". */
const char *am_pix_recurring_of(const struct cJSON *item);

/* ---- automatic Pix ------------------------------------------------------------------ */

struct am_pix_auth_spec {
    const char *frequency;       /* WEEKLY|MONTHLY|QUARTERLY|SEMIANNUALLY|ANNUALLY */
    const char *contract_id;
    int64_t start_day;
    int64_t finish_day;          /* AM_NO_DAY = none */
    int64_t value_cents;         /* 0 = null (variable) */
    int64_t min_limit_cents;     /* 0 = null */
    const char *description;     /* may be NULL */
    const char *customer_id;
    int64_t qr_expiration_seconds;
    int64_t qr_original_cents;
    const char *qr_description;  /* may be NULL */
    const char *payment_creation_mode; /* MANUAL|SUBSCRIPTION */
    const char *retry_policy;    /* ALLOW_THREE_IN_SEVEN_DAYS|NOT_ALLOWED */
};

/* Creates a CREATED authorization (PIX_AUTOMATIC_RECURRING_AUTHORIZATION_CREATED).
 * 0 with *ret, -EINVAL or -ENOMEM. */
int am_pix_auth_create(struct am_account *a, struct am_ids *ids, const struct am_pix_auth_spec *s,
                       int64_t now, struct cJSON **ret);
/* CREATED|ACTIVE -> CANCELLED, its SCHEDULED instructions CANCELLED. 0 or -EPERM. */
int am_pix_auth_cancel(struct am_account *a, struct cJSON *auth, int64_t now);
/* The authorization of the mock's payload id, or NULL. */
struct cJSON *am_pix_auth_find(struct am_records *r, const char *id);
/* The immediate QR code's value (what the payer pays to authorize). */
int64_t am_pix_auth_qr_value(const struct cJSON *auth);
/* Why the authorization's QR code cannot be paid now, or NULL. */
const char *am_pix_auth_unpayable(const struct cJSON *auth, int64_t now);
/* Paid: CREATED -> ACTIVE (ACTIVATED) and the first instruction SCHEDULED. The caller
 * received the immediate charge. 0, -EPERM or -ENOMEM. */
int am_pix_auth_activate(struct am_account *a, struct am_ids *ids, struct cJSON *auth,
                         int64_t now);
/* A retry of a REFUSED instruction on due_day (201 in the API). 0 with *ret, -EPERM
 * (policy forbids: AM_TXT_PIX_AUTO_NO_RETRY), -EBUSY (not REFUSED / retries used up), or
 * -ENOMEM. */
int am_pix_instr_retry(struct am_account *a, struct am_ids *ids, struct cJSON *instr,
                       int64_t due_day, int64_t now, struct cJSON **ret);

/* The daily job (jobs.h am_jobs_area_fn): recurring items and automatic Pix. */
int am_pix_auto_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

/* input.h - request-body parsing shared by every /v3 API area (pure).
 *
 * Typed getters, the "answer an error" helpers, and the validators more than one area
 * reads: discount/fine/interest and credit card/holder/token. One copy, so the payments,
 * installments and subscriptions endpoints cannot drift apart again; each rule that the
 * reference leaves open is named in asaas_facts.h (AM_CARD_RULES) and pinned by
 * tests/unit/test_input.c.
 *
 * Conventions: functions that may answer return 1 after filling resp with an API error
 * (the caller returns at once), 0 on success, or a negative errno when the server itself
 * failed. Getters never answer; they return 0, -ENOENT (absent, JSON null or "") or
 * -EINVAL (present with a wrong type or value). Every string handed back is borrowed
 * from the cJSON tree. */
#ifndef AM_INPUT_H
#define AM_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "billing.h"
#include "http_types.h"
#include "ids.h"

struct am_ctx;
struct cJSON;

/* Fills resp with {"errors":[{code,text}]} and returns 1 (or a negative errno). */
int am_input_fail(struct am_response *resp, int status, const char *code, const char *text);

/* 400 invalid_<key> "O campo <key> possui um tipo inválido." Returns 1 (or <0). */
int am_input_type_error(struct am_response *resp, const char *key);

/* Handlers return 0 after an API error: maps the 1 of the helpers above to 0. */
static inline int am_input_done(int r)
{
    return r > 0 ? 0 : r;
}

/* The member key of obj, or NULL when absent or JSON null. */
const struct cJSON *am_input_field(const struct cJSON *obj, const char *key);

/* An optional string: *ret NULL when absent, null or "" (form clients send "" for
 * unset). *ret_present (may be NULL) tells whether the key was sent at all. Returns 0
 * or -EINVAL (another JSON type). */
int am_input_str(const struct cJSON *obj, const char *key, const char **ret, bool *ret_present);

/* am_input_str that answers a type error itself: 0, 1 (answered) or <0. */
int am_input_text(const struct cJSON *obj, const char *key, const char **ret,
                  struct am_response *resp);

/* A whole number sent as a JSON number or a decimal string ("-"? digits), within
 * [min, max]. item may be NULL. 0, -ENOENT (NULL, null or "") or -EINVAL. */
int am_input_int(const struct cJSON *item, long min, long max, long *ret);

/* am_input_int of obj's member key within [0, max], as an unsigned. */
int am_input_uint(const struct cJSON *obj, const char *key, unsigned max, unsigned *ret);

/* A "YYYY-MM-DD" day (days since 1970-01-01) of obj's member key. 0, -ENOENT, -EINVAL. */
int am_input_day(const struct cJSON *obj, const char *key, int64_t *ret);

/* customer: a string naming an active customer of ctx's account (400 invalid_customer
 * otherwise). 0, 1 (answered) or <0. */
int am_input_customer(const struct am_ctx *ctx, const struct cJSON *obj, const char **ret,
                      struct am_response *resp);

/* billingType: present and one of the billing types. 0, 1 (answered) or <0. */
int am_input_billing_type(const struct cJSON *obj, enum am_billing_type *ret,
                          struct am_response *resp);

/* A PIX charge (payment, installment, subscription) needs an ACTIVE Pix key of ctx's
 * account (domain/pix.h; every account starts with one): else 400 invalid_billingType.
 * Other types pass. 0, 1 (answered) or <0. */
int am_input_pix_available(const struct am_ctx *ctx, enum am_billing_type type,
                           struct am_response *resp);

/* ---- discount / fine / interest ----------------------------------------------------- */

struct am_input_terms {
    struct am_discount discount;
    struct am_fine fine;
    struct am_interest interest;
    bool has_discount, has_fine, has_interest;
};

/* Reads discount{value,dueDateLimitDays,type}, fine{value,type} and interest{value} of a
 * create/update body, in that order (type defaults to FIXED; percentages at most
 * 100%). An absent or null object leaves its has_ flag false and its value zeroed.
 * Returns 0, 1 (answered invalid_discount/fine/interest) or <0. */
int am_input_terms(const struct cJSON *obj, struct am_input_terms *ret,
                   struct am_response *resp);

/* Sets the terms that were sent on a stored charge or subscription; the rest keep theirs. */
void am_input_terms_apply(const struct am_input_terms *t, struct am_discount *discount,
                          struct am_fine *fine, struct am_interest *interest);

/* The terms as a payment update (sent ones flagged). */
void am_input_terms_update(const struct am_input_terms *t, struct am_payment_update *u);

/* ---- credit card ------------------------------------------------------------------ */

struct am_input_card {
    bool present;    /* creditCardToken or creditCard was sent */
    bool from_token; /* an existing token of the customer */
    bool is_new;     /* new card data: mint and store a token once the request is valid */
    struct am_card_info info; /* last4 and brand; token for from_token or after minting */
    char number[20];          /* digits of new card data (never stored) */
};

enum am_input_card_need {
    AM_INPUT_CARD_OPTIONAL = 0,   /* neither token nor card: *ret->present false */
    AM_INPUT_CARD_REQUIRED = 1,   /* neither: 400 invalid_creditCard */
    AM_INPUT_CARD_NO_IP = 2,      /* flag: remoteIp not required (payWithCreditCard) */
    AM_INPUT_CARD_DATA_ONLY = 4,  /* flag: creditCardToken not read (tokenize) */
};

/* Reads creditCardToken, else creditCard + creditCardHolderInfo (+ remoteIp), with the
 * rules in asaas_facts.h (AM_CARD_RULES): the first problem is answered in the order
 * token, holderName, number, expiry (not before the month of today), ccv, holder
 * fields, remoteIp. A token must belong to customer. A declined test card is NOT
 * answered here (callers decide when; see am_input_card_declined). flags: an
 * enum am_input_card_need value or'ed with its flags. Returns 0, 1 (answered) or <0. */
int am_input_card(const struct am_billing *b, const struct cJSON *obj, const char *customer,
                  int64_t today, int flags, struct am_input_card *ret,
                  struct am_response *resp);

/* am_input_card for a new charge (installments, subscriptions): optional, a declined
 * test card is answered, and new card data gets its token from ctx->ids at once (the
 * caller stores it with am_input_card_store once the whole request is valid). */
int am_input_charge_card(const struct am_ctx *ctx, const struct cJSON *obj, const char *customer,
                         struct am_input_card *ret, struct am_response *resp);

/* True for new card data with one of the sandbox's two decline numbers. */
bool am_input_card_declined(const struct am_input_card *c);

/* Answers the card-declined error: returns 1 (or <0). */
int am_input_card_decline(struct am_response *resp);

/* Gives new card data (is_new, no token yet) a token from ids. No-op otherwise. */
void am_input_card_mint(struct am_ids *ids, struct am_input_card *c);

/* Stores the minted token of a new card for customer (an existing equal token is fine).
 * No-op unless c->is_new. Returns 0 or a negative errno. */
int am_input_card_store(struct am_billing *b, const char *customer,
                        const struct am_input_card *c);

#endif

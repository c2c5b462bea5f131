/* billing_impl.h - the inside of struct am_billing, shared by the billing*.c files only.
 *
 * Nothing outside src/domain/billing*.c includes this: everyone else goes through
 * billing.h. billing.c owns the state (create, free, events, ledger, storage,
 * installments, tokens, snapshots); billing_query.c the list queries; billing_render.c
 * the JSON rendering; billing_machine.c the payment state machine and the daily jobs;
 * billing_index.c the small containers below (vectors, string maps, group indexes and
 * bitmaps over payment seqs). The indexes are explained at the top of billing.c. */
#ifndef AM_BILLING_IMPL_H
#define AM_BILLING_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "billing.h"

struct vec {
    size_t *v;
    size_t n, cap;
};

/* String -> size_t hash map. Keys are borrowed from objects that outlive the map. */
struct map_slot {
    const char *key;
    size_t val;
};

struct map {
    struct map_slot *slots;
    size_t nslots; /* power of two or 0 */
    size_t n;
};

/* A group index: key -> vector of payment seqs (ascending). */
struct group_index {
    struct map map; /* key -> index into groups */
    struct vec *groups;
    size_t n, cap;
};

/* A bitmap over payment seqs. */
struct bitmap {
    uint64_t *w;
    size_t nwords;
};

/* The dates a listing filters on, per payment seq, so range filters scan a dense array
 * instead of touching every payment. */
struct hot {
    int64_t created_day;
    int64_t due_day;
    int64_t payment_day;
    int64_t estimated_credit_day;
};


struct am_billing {
    struct am_payment **payments;
    size_t n, cap;
    struct map by_id;
    struct group_index by_customer;
    struct group_index by_subscription;
    struct group_index by_installment;
    struct bitmap by_status[_AM_PAY_STATUS_MAX];
    size_t status_count[_AM_PAY_STATUS_MAX];
    struct bitmap by_type[_AM_BILLING_MAX];
    size_t type_count[_AM_BILLING_MAX];
    struct bitmap live; /* not deleted */
    struct hot *hot;    /* per seq: the dates list filters compare, packed for scans */
    size_t hot_cap;
    bool created_sorted; /* creation days never went backwards: binary-searchable */

    struct am_installment **installments;
    size_t n_inst, cap_inst;
    struct map inst_by_id;

    struct am_card_token **tokens;
    size_t n_tokens, cap_tokens;
    struct map token_by_id;

    uint64_t salt;
    uint64_t invoice_seq;
    uint64_t nosso_seq;

    struct am_event *events; /* ring once full */
    size_t ev_n, ev_cap, ev_start;
    uint64_t ev_seq;

    struct am_ledger_entry *ledger;
    size_t led_n, led_cap;
    int64_t balance;
};

/* ---- containers (billing_index.c) ---- */

int am_bidx_vec_push(struct vec *vec, size_t x);
uint64_t am_bidx_hash(const char *s);
const size_t *am_bidx_map_get(const struct map *m, const char *key);
int am_bidx_map_put(struct map *m, const char *key, size_t val);
const struct vec *am_bidx_group_get(const struct group_index *g, const char *key);
int am_bidx_group_add(struct group_index *g, const char *key, size_t seq);
void am_bidx_group_free(struct group_index *g);
int am_bidx_bitmap_reserve(struct bitmap *bm, size_t nbits);
void am_bidx_bitmap_set(struct bitmap *bm, size_t i, bool on);

/* ---- shared by the billing*.c files (billing.c) ---- */

/* Emits event name for p (every state change ends here, so the packed dates are
 * refreshed too). Returns 0 or -ENOMEM (the state change stays done). */
int am_billing_emit(struct am_billing *b, const char *name, const struct am_payment *p,
                    int64_t now);
/* Change a payment's status / billing type / deleted flag, keeping the bitmaps and
 * counts in step. */
void am_billing_set_status(struct am_billing *b, struct am_payment *p, enum am_payment_status s);
void am_billing_set_type(struct am_billing *b, struct am_payment *p, enum am_billing_type t);
void am_billing_set_deleted(struct am_billing *b, struct am_payment *p, bool deleted);
/* BOLETO and UNDEFINED charges carry a bank slip. */
bool am_billing_is_bank_slip(enum am_billing_type t);
/* *ret = strdup(s), or NULL for NULL. Returns 0 or -ENOMEM. */
int am_billing_dup_opt(const char *s, char **ret);

#endif

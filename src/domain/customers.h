/* customers.h - the per-account customer store (pure).
 *
 * Owns its customers; an account owns one store (created by the registry). Customers
 * are soft-deleted like Asaas (deleted flag, restorable), never removed. Ids are
 * indexed for O(1)-ish lookup; listing is newest first. */
#ifndef AM_CUSTOMERS_H
#define AM_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct am_customer_store;

/* Returns a new empty store; free with am_customer_store_free(). NULL on OOM. */
struct am_customer_store *am_customer_store_new(void);
void am_customer_store_free(struct am_customer_store *store);

/* Number of customers, deleted included. */
size_t am_customer_store_count(const struct am_customer_store *store);

/* True when id names a customer of this store that is not deleted (payments will need
 * this for invalid_customer). */
bool am_customer_store_is_active(const struct am_customer_store *store, const char *id);

#define AM_CUSTOMER_ID_MAX 40 /* "cus_" + 12 digits today; room for older id shapes */

/* One customer. Every char * is owned by the customer (NULL = unset, rendered null);
 * free with am_customer_free(), or hand to a store, which then owns it. */
struct am_customer {
    char id[AM_CUSTOMER_ID_MAX];
    int64_t created_at; /* Unix seconds (account clock) */
    char *name;
    char *email;
    char *company;
    char *phone;
    char *mobile_phone;
    char *address;
    char *address_number;
    char *complement;
    char *province;
    char *postal_code;
    char cpf_cnpj[15]; /* digits only: 11 (CPF) or 14 (CNPJ) */
    bool is_company;   /* personType JURIDICA (CNPJ) rather than FISICA (CPF) */
    bool deleted;
    char *additional_emails;
    char *external_reference;
    bool notification_disabled;
    char *observations;
    char *municipal_inscription;
    char *state_inscription;
    char *group_name; /* accepted and filterable, not part of the rendered object */
    bool foreign_customer;
    /* The rendered object (api_customers.c renders it once, every read copies it), NULL
     * until then; owned. Whoever changes a field above calls am_customer_changed(). */
    char *json;
    size_t json_len;
};

/* Returns a new zeroed customer; free with am_customer_free(). NULL on OOM. */
struct am_customer *am_customer_new(void);
/* Frees c and every string it owns. Accepts NULL. */
void am_customer_free(struct am_customer *c);
/* Drops c's rendered object after a change to c, so the next read renders afresh. */
void am_customer_changed(struct am_customer *c);

/* Adds c (its id must be set, 1..AM_CUSTOMER_ID_MAX-1 chars). Takes ownership of c on
 * all paths. Returns 0, -EEXIST (id already in the store; c is freed), -EINVAL or
 * -ENOMEM. */
int am_customer_store_insert(struct am_customer_store *store, struct am_customer *c);

/* Customer by id, deleted ones included; NULL when unknown. Borrowed: valid until the
 * store is freed (customers are never removed). O(1) average. */
struct am_customer *am_customer_store_find(const struct am_customer_store *store,
                                           const char *id);

/* i-th customer in creation order (0 = oldest), NULL past the end. Borrowed. */
struct am_customer *am_customer_store_at(const struct am_customer_store *store, size_t i);

#endif

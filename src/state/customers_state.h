/* customers_state.h - exact export/import of a customer store (pure).
 *
 * Export writes every field of every customer (deleted ones included), oldest first, in
 * the snapshot codecs of state_codec.h; import rebuilds an identical store, so
 * export(import(export(s))) is the same text and every API answer is the same.
 * Import validates each field (types, lengths, CPF/CNPJ digits, unique ids) and reports
 * "where[i].field: reason"; it never creates a customer the store could not hold.
 *
 * Format: an array (creation order, oldest first) of objects with, in this order, id,
 * dateCreated (instant "YYYY-MM-DD HH:MM:SS" Brasilia), name, email, company, phone,
 * mobilePhone, address, addressNumber, complement, province, postalCode (strings or
 * null), cpfCnpj (11 or 14 digits), personType ("FISICA"/"JURIDICA": is_company as
 * stored, not re-derived), deleted, additionalEmails, externalReference,
 * notificationDisabled, observations, municipalInscription, stateInscription, groupName,
 * foreignCustomer. id and cpfCnpj are required; an absent member keeps a new
 * customer's default (personType absent: JURIDICA for 14 digits). */
#ifndef AM_CUSTOMERS_STATE_H
#define AM_CUSTOMERS_STATE_H

#include <stddef.h>

struct cJSON;
struct am_customer_store;

/* Returns a new JSON array (caller owns) or NULL on OOM. Borrows store. */
struct cJSON *am_customers_state_export(const struct am_customer_store *store);

/* The same array as JSON text, exactly as cJSON_PrintUnformatted prints the export, written
 * without building it and handed to put (arg passed on) in pieces of about 256 KB, each cut
 * after a whole customer (never inside a string). For snapshots (state.h:
 * am_state_snapshot_write): thousands of customers print several times faster, and a
 * large store is never held as one text. Returns 0, -ENOMEM or put's error (it stops). */
int am_customers_state_write(const struct am_customer_store *store,
                             int (*put)(void *arg, const char *text, size_t len), void *arg);

/* Builds a new store from arr (borrowed; an array as exported). On success *ret owns a
 * new store (am_customer_store_free). Returns 0, -EINVAL with err set, or -ENOMEM. */
int am_customers_state_import(const struct cJSON *arr, const char *where,
                              struct am_customer_store **ret, char *err, size_t err_len);

#endif

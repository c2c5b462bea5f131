/* my_account.h - what an account tells about itself: account number, fees, commercial
 * info defaults, checkout personalization and KYC documents (pure).
 *
 * Everything is derived from the account's UUID or kept in its records store (named
 * documents below), so snapshots carry it with no code here. Builders return a new tree
 * the caller owns (NULL on OOM). */
#ifndef AM_MY_ACCOUNT_H
#define AM_MY_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* Records documents of an account (records.h). */
#define AM_MY_ACCOUNT_COMMERCIAL_DOC "commercialInfo"
#define AM_MY_ACCOUNT_CHECKOUT_DOC "paymentCheckoutConfig"
#define AM_MY_ACCOUNT_DOCS_COLL "accountDocuments" /* sent files, by file id */
#define AM_MY_ACCOUNT_DISABLED_DOC "disabled"      /* DELETE /v3/myAccount */
#define AM_MY_ACCOUNT_PARENT_DOC "parentAccount"   /* subaccounts: {id, account} */

/* A stable account number from seed (the account UUID): agency "0001", 6 digits and a
 * mod-11 check digit. */
void am_my_account_number(const char *seed, char agency[5], char account[9], char digit[2]);

/* GET /v3/myAccount/fees: the fees fees.c charges, in the spec's shape. */
struct cJSON *am_my_account_fees(void);

/* The document groups an account must send (GET /v3/myAccount/documents "data"), each
 * with a stable id derived from seed; sent: the account's sent-file collection, whose
 * objects carry "_group" (a group id) and "status". */
struct cJSON *am_my_account_document_groups(const char *seed, const struct cJSON *const *sent,
                                            size_t n_sent);
/* The group id of type (one of the group types) for seed into out (37 bytes); -EINVAL
 * for an unknown type. */
int am_my_account_group_id(const char *seed, const char *type, char out[37]);
/* The type of group id for seed, NULL when id is none of its groups. */
const char *am_my_account_group_type(const char *seed, const char *id);

#endif

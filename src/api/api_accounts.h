/* api_accounts.h - subaccounts and their API keys, account info, wallets, account
 * documents and payment splits (the /v3 handlers of the accounts area; pure).
 *
 * A subaccount is a real account of the registry (its own walletId, data, clock and
 * keys), registered under its UUID; its parent keeps the Asaas object in its records
 * store (collection "accounts"), which is what makes it the parent's: only the parent's
 * keys find it there. Keys minted here are shown once and kept as SHA-256 only; the
 * --state-file checkpoints after such an operation (am_route_mints_key, app.c).
 * Handlers borrow everything from ctx for the call. */
#ifndef AM_API_ACCOUNTS_H
#define AM_API_ACCOUNTS_H

#include "api_payments.h" /* AM_HANDLER */

/* Subaccounts (api_accounts.c) */
AM_HANDLER(am_api_accounts_create);        /* POST /accounts */
AM_HANDLER(am_api_accounts_list);          /* GET /accounts */
AM_HANDLER(am_api_accounts_get);           /* GET /accounts/{id} */
AM_HANDLER(am_api_accounts_delete);        /* DELETE /accounts/{id} */
AM_HANDLER(am_api_accounts_resend_link);   /* POST /accounts/{id}/resendActivationLink */
AM_HANDLER(am_api_access_tokens_list);     /* GET /accounts/{id}/accessTokens */
AM_HANDLER(am_api_access_tokens_create);   /* POST /accounts/{id}/accessTokens */
AM_HANDLER(am_api_access_tokens_update);   /* PUT /accounts/{id}/accessTokens/{tokenId} */
AM_HANDLER(am_api_access_tokens_delete);   /* DELETE /accounts/{id}/accessTokens/{tokenId} */

/* Account info and documents (api_my_account.c) */
AM_HANDLER(am_api_my_account_commercial_get);  /* GET /myAccount/commercialInfo */
AM_HANDLER(am_api_my_account_commercial_save); /* POST /myAccount/commercialInfo */
AM_HANDLER(am_api_my_account_fees);            /* GET /myAccount/fees */
AM_HANDLER(am_api_my_account_number);          /* GET /myAccount/accountNumber */
AM_HANDLER(am_api_my_account_checkout_get);    /* GET /myAccount/paymentCheckoutConfig */
AM_HANDLER(am_api_my_account_checkout_save);   /* POST /myAccount/paymentCheckoutConfig */
AM_HANDLER(am_api_my_account_delete);          /* DELETE /myAccount */
AM_HANDLER(am_api_wallets_list);               /* GET /wallets */
AM_HANDLER(am_api_documents_list);             /* GET /myAccount/documents */
AM_HANDLER(am_api_documents_send);             /* POST /myAccount/documents/{id} */
AM_HANDLER(am_api_document_file_get);          /* GET /myAccount/documents/files/{id} */
AM_HANDLER(am_api_document_file_update);       /* POST /myAccount/documents/files/{id} */
AM_HANDLER(am_api_document_file_delete);       /* DELETE /myAccount/documents/files/{id} */

/* ACCESS_TOKEN_* (name) for key k in its owner's event log, stamped now; the snapshot is
 * the key as the API lists it, never the key. 0 or -ENOMEM. */
struct am_api_key;
int am_api_access_token_event(struct am_account *owner, const char *name,
                              const struct am_api_key *k, int64_t now);

/* Payment splits: api_splits.h. */

#endif

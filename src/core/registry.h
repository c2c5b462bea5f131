/* registry.h - accounts and their API keys (pure).
 *
 * The registry owns every account; an account owns its keys (as SHA-256 only), its IP
 * allowlist, its clock and its resource stores. Lookups by key hash compare in
 * constant time. Accounts live until am_registry_free(); pointers to them stay valid
 * for the registry's lifetime (accounts are never removed while running). */
#ifndef AM_REGISTRY_H
#define AM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "ids.h"
#include "crypto.h"
#include "keys.h"

#define AM_MAX_KEYS_PER_ACCOUNT 10
#define AM_MAX_ALLOWED_IPS 32
#define AM_ACCOUNT_ID_LEN 64

struct am_customer_store;
struct am_billing;
struct am_recurring;
struct am_webhooks;
struct am_secreport;

struct am_api_key {
    bool in_use;            /* slot holds a key (deleted keys free their slot) */
    char id[37];            /* UUID v4 string, the key's public handle */
    char name[64];
    uint8_t sha256[AM_SHA256_LEN];
    char display[AM_KEY_REDACTED_LEN]; /* prefix + "..." + last 4, never the key */
    int64_t created_at;     /* Unix seconds */
    int64_t expires_at;     /* Unix seconds; 0 = never expires */
    int64_t last_used_at;   /* 0 = never */
    bool enabled;
};

struct am_account {
    char id[AM_ACCOUNT_ID_LEN];
    char name[128];
    /* The account's walletId (a UUID): transfers between accounts and split receivers
     * name the account by it. Derived from id, so it survives snapshots unchanged. */
    char wallet_id[37];
    /* The account's Asaas id (a UUID, GET /v3/myAccount/status, subaccount ids): the id
     * itself when it is a UUID (subaccounts), else derived from it like wallet_id. */
    char uuid[37];
    bool require_user_agent; /* true for every account created since 13/06/2024 */
    bool auto_created;       /* made by --auto-accounts */
    char allowed_ips[AM_MAX_ALLOWED_IPS][48]; /* "203.0.113.7" or "192.168.1.x" */
    size_t n_allowed_ips;
    struct am_api_key keys[AM_MAX_KEYS_PER_ACCOUNT];
    struct am_clock clock;
    struct am_customer_store *customers; /* owned */
    struct am_billing *billing;          /* owned: payments, installments, events, ledger */
    struct am_recurring *recurring;      /* owned: subscriptions, account status, jobs */
    struct am_webhooks *webhooks;        /* owned: webhook configs and delivery queues */
    struct am_records *records;          /* owned: the other API areas' objects (records.h) */
    struct am_registry *registry;        /* borrowed: the registry holding this account */
    struct am_secreport *secreport;      /* owned: security findings; NULL = none yet */
};

struct am_registry;

/* Returns a new empty registry; free with am_registry_free(). NULL on OOM. */
struct am_registry *am_registry_new(void);
/* The clock every account created from now on starts with (default: real time). */
void am_registry_set_initial_clock(struct am_registry *reg, const struct am_clock *clock);

/* The clock new accounts start with. */
struct am_clock am_registry_initial_clock(const struct am_registry *reg);

/* The id generator state a snapshot carried ("ids" in accounts.json), so loading a
 * snapshot continues the same id stream. Returns true and fills *ret when one was set. */
void am_registry_set_loaded_ids(struct am_registry *reg, const struct am_ids *ids);
bool am_registry_loaded_ids(const struct am_registry *reg, struct am_ids *ret);

/* Frees the registry, every account and their stores. Accepts NULL. */
void am_registry_free(struct am_registry *reg);

/* Creates an account with the given id (must be unique, 1..63 chars). Defaults:
 * require_user_agent = true, no allowlist, real clock, empty stores.
 * Returns the account (owned by the registry), or NULL on OOM / duplicate id. */
struct am_account *am_registry_add_account(struct am_registry *reg, const char *id);

struct am_account *am_registry_find_account(struct am_registry *reg, const char *id);
/* The account whose walletId is wallet_id, or NULL. */
struct am_account *am_registry_find_wallet(struct am_registry *reg, const char *wallet_id);
size_t am_registry_count(const struct am_registry *reg);
/* Number of key slots of account in use (0..AM_MAX_KEYS_PER_ACCOUNT). */
size_t am_registry_key_count(const struct am_account *account);
/* i-th account in creation order, NULL past the end. */
struct am_account *am_registry_account_at(struct am_registry *reg, size_t i);

/* Registers a key on account from its plaintext (hashed here, never stored) or, when
 * plaintext is NULL, from sha256_hex (64 hex chars) plus display (the redacted form to
 * show, may be NULL -> "(hash)"). name may be NULL. expires_at 0 = never.
 * On success writes the key's slot to *ret_key (may be NULL) and returns 0.
 * Errors: -ENOSPC (10 keys already), -EEXIST (same key already registered anywhere),
 * -EINVAL (bad hex / shape), -ENOMEM. */
int am_registry_add_key(struct am_registry *reg, struct am_account *account,
                        const char *plaintext, const char *sha256_hex, const char *display,
                        const char *name, int64_t created_at, int64_t expires_at, bool enabled,
                        struct am_api_key **ret_key);

/* Removes a key (irreversible, like Asaas). Returns 0 or -ENOENT. */
int am_registry_delete_key(struct am_registry *reg, struct am_account *account,
                           const char *key_id);

/* Finds a key slot of account by its id, NULL when absent. */
struct am_api_key *am_registry_find_key(struct am_account *account, const char *key_id);

/* Finds the account and slot whose key hashes to sha256 (constant-time compare of the
 * candidates). Returns the account and sets *ret_key, or NULL when unknown. Disabled
 * and expired keys are still found: callers decide. */
struct am_account *am_registry_lookup(struct am_registry *reg, const uint8_t sha256[AM_SHA256_LEN],
                                      struct am_api_key **ret_key);

/* True when ip matches an allowlist entry (exact, or "a.b.c.x" for the last octet),
 * or when the account has no allowlist. IPv4-mapped IPv6 ("::ffff:1.2.3.4") is
 * compared as IPv4. */
bool am_account_ip_allowed(const struct am_account *account, const char *ip);

/* Adds an allowlist entry after validating it (IPv4 dotted quad with optional "x" last
 * octet, or an IPv6 literal). Returns 0, -EINVAL or -ENOSPC. */
int am_account_allow_ip(struct am_account *account, const char *entry);

#endif

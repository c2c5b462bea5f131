/* registry.c - accounts and their API keys (see registry.h).
 *
 * Accounts are allocated one by one (stable pointers) and listed in an array of
 * pointers that grows. Two open-addressing indexes (linear probing, tombstones) keep
 * lookups O(1)-ish even with many auto-created accounts: one from key hash to key
 * slot, one from account id to account. */
#include "registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "records.h"
#include "secreport.h"
#include "webhooks.h"
#include "customers.h"
#include "subscriptions.h"

#define INDEX_MIN_CAP 64

enum slot_state { SLOT_EMPTY, SLOT_FULL, SLOT_TOMB };

struct key_slot {
    enum slot_state state;
    struct am_account *account;
    struct am_api_key *key;
};

struct acct_slot {
    enum slot_state state;
    struct am_account *account;
};

struct am_registry {
    struct am_account **accounts;
    size_t n_accounts, cap_accounts;

    struct key_slot *keys; /* cap_keys is a power of two */
    size_t cap_keys, used_keys, live_keys; /* used = live + tombstones */

    struct acct_slot *ids;
    size_t cap_ids, used_ids;

    struct am_clock initial_clock; /* every new account starts with this clock (--clock) */
    bool has_loaded_ids;
    struct am_ids loaded_ids;
};

/* The key index is keyed by SHA-256 output, which is already uniform: its first 8
 * bytes are the hash. */
static uint64_t key_hash(const uint8_t sha256[AM_SHA256_LEN])
{
    uint64_t h = 0;

    for (size_t i = 0; i < 8; i++)
        h = h << 8 | sha256[i];
    return h;
}

/* FNV-1a for account ids. */
static uint64_t id_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int keys_rehash(struct am_registry *reg, size_t new_cap)
{
    struct key_slot *slots = calloc(new_cap, sizeof(*slots));

    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < reg->cap_keys; i++) {
        size_t j;

        if (reg->keys[i].state != SLOT_FULL)
            continue;
        j = key_hash(reg->keys[i].key->sha256) & (new_cap - 1);
        while (slots[j].state == SLOT_FULL)
            j = (j + 1) & (new_cap - 1);
        slots[j] = reg->keys[i];
    }
    free(reg->keys);
    reg->keys = slots;
    reg->cap_keys = new_cap;
    reg->used_keys = 0;
    for (size_t i = 0; i < new_cap; i++)
        reg->used_keys += slots[i].state == SLOT_FULL;
    return 0;
}

static int ids_rehash(struct am_registry *reg, size_t new_cap)
{
    struct acct_slot *slots = calloc(new_cap, sizeof(*slots));

    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < reg->cap_ids; i++) {
        size_t j;

        if (reg->ids[i].state != SLOT_FULL)
            continue;
        j = id_hash(reg->ids[i].account->id) & (new_cap - 1);
        while (slots[j].state == SLOT_FULL)
            j = (j + 1) & (new_cap - 1);
        slots[j] = reg->ids[i];
    }
    free(reg->ids);
    reg->ids = slots;
    reg->cap_ids = new_cap;
    reg->used_ids = 0;
    for (size_t i = 0; i < new_cap; i++)
        reg->used_ids += slots[i].state == SLOT_FULL;
    return 0;
}

/* Capacity after a rehash: live entries fill at most a quarter, so many inserts (and
 * tombstones) fit before the next one. */
static size_t cap_for(size_t live)
{
    size_t cap = INDEX_MIN_CAP;

    while ((live + 1) * 4 > cap)
        cap *= 2;
    return cap;
}

static struct key_slot *key_find_slot(struct am_registry *reg, const uint8_t sha256[AM_SHA256_LEN])
{
    size_t mask, j;

    if (reg->cap_keys == 0)
        return NULL;
    mask = reg->cap_keys - 1;
    j = key_hash(sha256) & mask;
    for (size_t probes = 0; probes < reg->cap_keys; probes++, j = (j + 1) & mask) {
        struct key_slot *s = &reg->keys[j];

        if (s->state == SLOT_EMPTY)
            return NULL;
        if (s->state == SLOT_FULL && am_ct_equal(s->key->sha256, sha256, AM_SHA256_LEN))
            return s;
    }
    return NULL;
}

static int key_index_insert(struct am_registry *reg, struct am_account *account,
                            struct am_api_key *key)
{
    size_t mask, j;
    int r;

    /* Keep probes short: load (tombstones included) never above one half. */
    if ((reg->used_keys + 1) * 2 > reg->cap_keys) {
        r = keys_rehash(reg, cap_for(reg->live_keys));
        if (r < 0)
            return r;
    }
    mask = reg->cap_keys - 1;
    j = key_hash(key->sha256) & mask;
    while (reg->keys[j].state == SLOT_FULL)
        j = (j + 1) & mask;
    if (reg->keys[j].state == SLOT_EMPTY)
        reg->used_keys++;
    reg->keys[j] = (struct key_slot){ .state = SLOT_FULL, .account = account, .key = key };
    reg->live_keys++;
    return 0;
}

static struct acct_slot *id_find_slot(struct am_registry *reg, const char *id)
{
    size_t mask, j;

    if (reg->cap_ids == 0)
        return NULL;
    mask = reg->cap_ids - 1;
    j = id_hash(id) & mask;
    for (size_t probes = 0; probes < reg->cap_ids; probes++, j = (j + 1) & mask) {
        struct acct_slot *s = &reg->ids[j];

        if (s->state == SLOT_EMPTY)
            return NULL;
        if (s->state == SLOT_FULL && strcmp(s->account->id, id) == 0)
            return s;
    }
    return NULL;
}

static int id_index_insert(struct am_registry *reg, struct am_account *account)
{
    size_t mask, j;
    int r;

    if ((reg->used_ids + 1) * 2 > reg->cap_ids) {
        r = ids_rehash(reg, cap_for(reg->n_accounts));
        if (r < 0)
            return r;
    }
    mask = reg->cap_ids - 1;
    j = id_hash(account->id) & mask;
    while (reg->ids[j].state == SLOT_FULL)
        j = (j + 1) & mask;
    if (reg->ids[j].state == SLOT_EMPTY)
        reg->used_ids++;
    reg->ids[j] = (struct acct_slot){ .state = SLOT_FULL, .account = account };
    return 0;
}

/* A stable UUID (version 4 layout) from tag + the account id: FNV-1a over two seeds. */
static void derive_uuid(const char *tag, const char *id, char out[37])
{
    uint64_t h[2] = {1469598103934665603ULL, 0x9e3779b97f4a7c15ULL};
    unsigned char b[16];

    for (int k = 0; k < 2; k++) {
        for (const char *s = tag; *s; s++)
            h[k] = (h[k] ^ (unsigned char)*s) * 1099511628211ULL;
        for (const char *s = id; *s; s++)
            h[k] = (h[k] ^ (unsigned char)*s) * 1099511628211ULL;
        for (int i = 0; i < 8; i++)
            b[k * 8 + i] = (unsigned char)(h[k] >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

/* True when s is a UUID in lower-case text (what am_ids_uuid makes). */
static bool is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return s[36] == '\0';
}

size_t am_registry_key_count(const struct am_account *account)
{
    size_t n = 0;

    for (size_t i = 0; account && i < AM_MAX_KEYS_PER_ACCOUNT; i++)
        n += account->keys[i].in_use;
    return n;
}

struct am_account *am_registry_find_wallet(struct am_registry *reg, const char *wallet_id)
{
    for (size_t i = 0; reg && wallet_id && i < reg->n_accounts; i++)
        if (strcmp(reg->accounts[i]->wallet_id, wallet_id) == 0)
            return reg->accounts[i];
    return NULL;
}

struct am_registry *am_registry_new(void)
{
    return calloc(1, sizeof(struct am_registry));
}

static void account_free(struct am_account *account)
{
    if (!account)
        return;
    am_customer_store_free(account->customers);
    am_billing_free(account->billing);
    am_recurring_free(account->recurring);
    am_webhooks_free(account->webhooks);
    am_records_free(account->records);
    am_secreport_free(account->secreport);
    /* Key hashes are not secrets, but there is no reason to leave them in freed memory. */
    explicit_bzero(account->keys, sizeof(account->keys));
    free(account);
}

void am_registry_free(struct am_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_accounts; i++)
        account_free(reg->accounts[i]);
    free(reg->accounts);
    free(reg->keys);
    free(reg->ids);
    free(reg);
}

struct am_account *am_registry_add_account(struct am_registry *reg, const char *id)
{
    struct am_account *account = NULL;
    size_t len;

    if (!reg || !id)
        return NULL;
    len = strlen(id);
    if (len == 0 || len >= AM_ACCOUNT_ID_LEN || id_find_slot(reg, id))
        return NULL;
    if (reg->n_accounts == reg->cap_accounts) {
        size_t cap = reg->cap_accounts ? reg->cap_accounts * 2 : 16;
        struct am_account **grown = realloc(reg->accounts, cap * sizeof(*grown));

        if (!grown)
            return NULL;
        reg->accounts = grown;
        reg->cap_accounts = cap;
    }
    account = calloc(1, sizeof(*account));
    if (!account)
        goto fail;
    memcpy(account->id, id, len + 1);
    /* Spec silent on names: default to the id so listings never show an empty name. */
    memcpy(account->name, id, len + 1);
    derive_uuid("wallet:", id, account->wallet_id);
    /* Subaccounts made through the API are registered under their UUID; other ids
     * ("default", fixtures) get a stable one, as the wallet does. */
    if (is_uuid(id))
        memcpy(account->uuid, id, 37);
    else
        derive_uuid("account:", id, account->uuid);
    account->require_user_agent = true;
    account->registry = reg;
    account->clock = reg->initial_clock;
    account->customers = am_customer_store_new();
    account->billing = am_billing_new(account->id);
    account->recurring = am_recurring_new();
    account->webhooks = am_webhooks_new();
    account->records = am_records_new();
    if (!account->customers || !account->billing || !account->recurring || !account->webhooks ||
        !account->records)
        goto fail;
    if (id_index_insert(reg, account) < 0)
        goto fail;
    reg->accounts[reg->n_accounts++] = account;
    return account;
fail:
    account_free(account);
    return NULL;
}

void am_registry_set_loaded_ids(struct am_registry *reg, const struct am_ids *ids)
{
    reg->has_loaded_ids = true;
    reg->loaded_ids = *ids;
}

bool am_registry_loaded_ids(const struct am_registry *reg, struct am_ids *ret)
{
    if (reg->has_loaded_ids)
        *ret = reg->loaded_ids;
    return reg->has_loaded_ids;
}

struct am_account *am_registry_find_account(struct am_registry *reg, const char *id)
{
    struct acct_slot *s;

    if (!reg || !id)
        return NULL;
    s = id_find_slot(reg, id);
    return s ? s->account : NULL;
}

size_t am_registry_count(const struct am_registry *reg)
{
    return reg ? reg->n_accounts : 0;
}

struct am_account *am_registry_account_at(struct am_registry *reg, size_t i)
{
    if (!reg || i >= reg->n_accounts)
        return NULL;
    return reg->accounts[i];
}

static int random_uuid(char out[37])
{
    uint8_t u[16];
    int r = am_random_bytes(u, sizeof(u));

    if (r < 0)
        return r;
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
    return 0;
}

static bool display_ok(const char *d)
{
    const char *dots = d ? strstr(d, "...") : NULL;
    size_t prefix;

    if (!dots || strlen(dots + 3) > 4 || strstr(dots + 3, "..."))
        return false;
    prefix = (size_t)(dots - d);
    return (prefix == 11 && (strncmp(d, "$aact_hmlg_", 11) == 0 ||
                             strncmp(d, "$aact_prod_", 11) == 0)) ||
           (prefix == 6 && strncmp(d, "$aact_", 6) == 0) || prefix == 0;
}

int am_registry_add_key(struct am_registry *reg, struct am_account *account,
                        const char *plaintext, const char *sha256_hex, const char *display,
                        const char *name, int64_t created_at, int64_t expires_at, bool enabled,
                        struct am_api_key **ret_key)
{
    uint8_t sha[AM_SHA256_LEN];
    char shown[AM_KEY_REDACTED_LEN];
    struct am_api_key *slot = NULL;
    int r;

    if (!reg || !account)
        return -EINVAL;
    if (plaintext) {
        if (am_key_classify(plaintext) == AM_KEY_SHAPE_INVALID)
            return -EINVAL;
        am_sha256(plaintext, strlen(plaintext), sha);
        am_key_redact(plaintext, shown, sizeof(shown));
    } else {
        if (!sha256_hex || strlen(sha256_hex) != 2 * AM_SHA256_LEN ||
            am_unhex(sha256_hex, sha, AM_SHA256_LEN) < 0)
            return -EINVAL;
        /* A display is shown in listings: accept only the redacted shape (a known prefix,
         * "...", at most 4 characters), so a fixture can never make us list a key. */
        snprintf(shown, sizeof(shown), "%s", display_ok(display) ? display : "(hash)");
    }
    if (key_find_slot(reg, sha))
        return -EEXIST;
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        if (!account->keys[i].in_use) {
            slot = &account->keys[i];
            break;
        }
    }
    if (!slot)
        return -ENOSPC;

    memset(slot, 0, sizeof(*slot));
    r = random_uuid(slot->id);
    if (r < 0)
        return r;
    memcpy(slot->sha256, sha, sizeof(sha));
    r = key_index_insert(reg, account, slot);
    if (r < 0) {
        memset(slot, 0, sizeof(*slot));
        return r;
    }
    slot->in_use = true;
    snprintf(slot->name, sizeof(slot->name), "%s", name ? name : "");
    memcpy(slot->display, shown, sizeof(shown));
    slot->created_at = created_at;
    slot->expires_at = expires_at;
    slot->last_used_at = 0;
    slot->enabled = enabled;
    if (ret_key)
        *ret_key = slot;
    return 0;
}

int am_registry_delete_key(struct am_registry *reg, struct am_account *account,
                           const char *key_id)
{
    struct am_api_key *key = am_registry_find_key(account, key_id);
    struct key_slot *s;

    if (!reg || !key)
        return -ENOENT;
    s = key_find_slot(reg, key->sha256);
    if (s && s->key == key) {
        s->state = SLOT_TOMB;
        s->account = NULL;
        s->key = NULL;
        reg->live_keys--;
    }
    explicit_bzero(key, sizeof(*key));
    return 0;
}

struct am_api_key *am_registry_find_key(struct am_account *account, const char *key_id)
{
    if (!account || !key_id)
        return NULL;
    for (size_t i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        if (account->keys[i].in_use && strcmp(account->keys[i].id, key_id) == 0)
            return &account->keys[i];
    }
    return NULL;
}

struct am_account *am_registry_lookup(struct am_registry *reg, const uint8_t sha256[AM_SHA256_LEN],
                                      struct am_api_key **ret_key)
{
    struct key_slot *s;

    if (!reg || !sha256)
        return NULL;
    s = key_find_slot(reg, sha256);
    if (ret_key)
        *ret_key = s ? s->key : NULL;
    return s ? s->account : NULL;
}

/* A parsed address: IPv4 (mapped IPv6 included) as 4 bytes, else IPv6 as 16. */
struct addr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t b[16];
};

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool parse_addr(const char *s, struct addr *ret)
{
    struct addr a = { 0 };

    if (inet_pton(AF_INET, s, a.b) == 1) {
        a.family = AF_INET;
    } else if (inet_pton(AF_INET6, s, a.b) == 1) {
        a.family = AF_INET6;
        if (memcmp(a.b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
            memmove(a.b, a.b + 12, 4);
            memset(a.b + 4, 0, 12);
            a.family = AF_INET;
        }
    } else {
        return false;
    }
    *ret = a;
    return true;
}

/* "a.b.c.x" (or "X"): writes the three fixed octets. */
static bool parse_wildcard(const char *s, uint8_t ret_prefix[3])
{
    char buf[48];
    uint8_t b[4];
    size_t len = strlen(s);

    if (len < 4 || len >= sizeof(buf) || s[len - 2] != '.' ||
        (s[len - 1] != 'x' && s[len - 1] != 'X'))
        return false;
    memcpy(buf, s, len - 1);
    buf[len - 1] = '0';
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, b) != 1)
        return false;
    memcpy(ret_prefix, b, 3);
    return true;
}

bool am_account_ip_allowed(const struct am_account *account, const char *ip)
{
    struct addr client;

    if (!account || account->n_allowed_ips == 0)
        return true;
    if (!ip || !parse_addr(ip, &client))
        return false;
    for (size_t i = 0; i < account->n_allowed_ips; i++) {
        const char *entry = account->allowed_ips[i];
        uint8_t prefix[3];
        struct addr a;

        if (parse_wildcard(entry, prefix)) {
            if (client.family == AF_INET && memcmp(client.b, prefix, 3) == 0)
                return true;
        } else if (parse_addr(entry, &a)) {
            if (a.family == client.family && memcmp(a.b, client.b, sizeof(a.b)) == 0)
                return true;
        }
    }
    return false;
}

int am_account_allow_ip(struct am_account *account, const char *entry)
{
    uint8_t prefix[3];
    struct addr a;

    if (!account || !entry || strlen(entry) >= sizeof(account->allowed_ips[0]))
        return -EINVAL;
    if (!parse_wildcard(entry, prefix) && !parse_addr(entry, &a))
        return -EINVAL;
    for (size_t i = 0; i < account->n_allowed_ips; i++) {
        if (strcmp(account->allowed_ips[i], entry) == 0)
            return 0; /* already there: adding twice is harmless */
    }
    if (account->n_allowed_ips >= AM_MAX_ALLOWED_IPS)
        return -ENOSPC;
    snprintf(account->allowed_ips[account->n_allowed_ips++], sizeof(account->allowed_ips[0]), "%s",
             entry);
    return 0;
}

void am_registry_set_initial_clock(struct am_registry *reg, const struct am_clock *clock)
{
    reg->initial_clock = *clock;
}

struct am_clock am_registry_initial_clock(const struct am_registry *reg)
{
    return reg->initial_clock;
}

/* fixtures.c - accounts.json loader (see fixtures.h). */
#include "fixtures.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json_text.h"
#include "keys.h"
#include "state.h"

/* The development key below is public on purpose (README): it only ever works against a
 * local mock. Keep in sync with fixtures/accounts.json (tests/unit/test_fixtures.c). */
const char am_fixtures_default_accounts[] =
    "{\n"
    "  \"accounts\": [\n"
    "    {\n"
    "      \"id\": \"default\",\n"
    "      \"name\": \"Conta de desenvolvimento\",\n"
    "      \"requireUserAgent\": true,\n"
    "      \"allowedIps\": [],\n"
    "      \"keys\": [\n"
    "        {\n"
    "          \"name\": \"development\",\n"
    "          \"key\": \"$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0\",\n"
    "          \"enabled\": true,\n"
    "          \"expirationDate\": null\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static int fail(char *err, size_t err_len, const char *source, const char *where,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t err_len, const char *source, const char *where,
                const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, err_len, "%s: %s: ", source, where);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < err_len)
        vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static bool only_keys(const cJSON *obj, const char *const *allowed, const char **ret_bad)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, it->string) == 0)
                ok = true;
        }
        if (!ok) {
            *ret_bad = it->string;
            return false;
        }
    }
    return true;
}

static int load_key(struct am_registry *reg, struct am_account *acc, const cJSON *k,
                    const char *where, const char *source, int64_t now, char *err, size_t err_len)
{
    /* id, createdAt and lastUsedAt come from snapshots (GET /__mock/state). */
    static const char *const allowed[] = {"name",      "key",       "sha256",     "display",
                                          "enabled",   "expirationDate", "id", "createdAt",
                                          "lastUsedAt", NULL};
    const char *bad = NULL;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(k, "name");
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(k, "key");
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(k, "sha256");
    const cJSON *display = cJSON_GetObjectItemCaseSensitive(k, "display");
    const cJSON *enabled = cJSON_GetObjectItemCaseSensitive(k, "enabled");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(k, "expirationDate");
    const cJSON *kid = cJSON_GetObjectItemCaseSensitive(k, "id");
    const cJSON *created = cJSON_GetObjectItemCaseSensitive(k, "createdAt");
    const cJSON *used = cJSON_GetObjectItemCaseSensitive(k, "lastUsedAt");
    int64_t expires_at = 0, created_at = now, last_used_at = 0;
    struct am_api_key *slot = NULL;
    int r;

    if (!cJSON_IsObject(k))
        return fail(err, err_len, source, where, "must be an object");
    if (!only_keys(k, allowed, &bad))
        return fail(err, err_len, source, where, "unknown field '%s'", bad);
    if (name && !cJSON_IsString(name))
        return fail(err, err_len, source, where, "name must be a string");
    if (enabled && !cJSON_IsBool(enabled))
        return fail(err, err_len, source, where, "enabled must be true or false");
    if (display && !cJSON_IsString(display))
        return fail(err, err_len, source, where, "display must be a string");
    if (exp && !cJSON_IsNull(exp)) {
        if (!cJSON_IsString(exp) || am_clock_parse_datetime(exp->valuestring, &expires_at) < 0)
            return fail(err, err_len, source, where,
                        "expirationDate must be \"YYYY-MM-DD HH:MM:SS\", \"YYYY-MM-DD\" or null");
    }
    if (kid && (!cJSON_IsString(kid) || strlen(kid->valuestring) != 36 ||
                strspn(kid->valuestring, "0123456789abcdef-") != 36))
        return fail(err, err_len, source, where, "id must be a lowercase UUID");
    if (created && (!cJSON_IsString(created) ||
                    am_clock_parse_datetime(created->valuestring, &created_at) < 0))
        return fail(err, err_len, source, where, "createdAt must be \"YYYY-MM-DD HH:MM:SS\"");
    if (used && !cJSON_IsNull(used) &&
        (!cJSON_IsString(used) || am_clock_parse_datetime(used->valuestring, &last_used_at) < 0))
        return fail(err, err_len, source, where,
                    "lastUsedAt must be \"YYYY-MM-DD HH:MM:SS\" or null");
    if ((key != NULL) == (hash != NULL))
        return fail(err, err_len, source, where, "give exactly one of key or sha256");
    if (key && !cJSON_IsString(key))
        return fail(err, err_len, source, where, "key must be a string");
    if (hash && (!cJSON_IsString(hash) || strlen(hash->valuestring) != 64))
        return fail(err, err_len, source, where, "sha256 must be 64 hex characters");
    r = am_registry_add_key(reg, acc, key ? key->valuestring : NULL,
                            hash ? hash->valuestring : NULL,
                            display ? display->valuestring : NULL,
                            name ? name->valuestring : NULL, created_at, expires_at,
                            enabled ? cJSON_IsTrue(enabled) : true, &slot);
    switch (r) {
    case 0:
        if (kid)
            memcpy(slot->id, kid->valuestring, 37);
        slot->last_used_at = last_used_at;
        return 0;
    case -ENOSPC:
        return fail(err, err_len, source, where, "more than %d keys on one account",
                    AM_MAX_KEYS_PER_ACCOUNT);
    case -EEXIST:
        return fail(err, err_len, source, where, "this key is already registered");
    case -EINVAL:
        return fail(err, err_len, source, where,
                    key ? "key is not shaped like an Asaas key ($aact_...)"
                        : "sha256 is not valid hex");
    default:
        return -ENOMEM;
    }
}

static int load_account(struct am_registry *reg, const cJSON *a, size_t index,
                        const char *source, int64_t now, char *err, size_t err_len)
{
    /* clock and data come from snapshots (see state.h). */
    static const char *const allowed[] = {"id",   "name", "requireUserAgent", "allowedIps",
                                          "keys", "clock", "data", NULL};
    const char *bad = NULL;
    char where[96];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "id");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "name");
    const cJSON *ua = cJSON_GetObjectItemCaseSensitive(a, "requireUserAgent");
    const cJSON *ips = cJSON_GetObjectItemCaseSensitive(a, "allowedIps");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(a, "keys");
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(a, "clock");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(a, "data");
    struct am_stores stores = {0};
    struct am_account *acc;
    size_t i;
    int r;

    snprintf(where, sizeof(where), "accounts[%zu]", index);
    if (!cJSON_IsObject(a))
        return fail(err, err_len, source, where, "must be an object");
    if (!only_keys(a, allowed, &bad))
        return fail(err, err_len, source, where, "unknown field '%s'", bad);
    if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) >= AM_ACCOUNT_ID_LEN)
        return fail(err, err_len, source, where, "id must be a string of 1..%d characters",
                    AM_ACCOUNT_ID_LEN - 1);
    for (const char *p = id->valuestring; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return fail(err, err_len, source, where, "id may only use letters, digits, . _ -");
    }
    if (name && !cJSON_IsString(name))
        return fail(err, err_len, source, where, "name must be a string");
    if (ua && !cJSON_IsBool(ua))
        return fail(err, err_len, source, where, "requireUserAgent must be true or false");
    if (ips && !cJSON_IsArray(ips))
        return fail(err, err_len, source, where, "allowedIps must be an array of strings");
    if (keys && !cJSON_IsArray(keys))
        return fail(err, err_len, source, where, "keys must be an array");
    if (am_registry_find_account(reg, id->valuestring))
        return fail(err, err_len, source, where, "duplicate account id '%s'", id->valuestring);
    acc = am_registry_add_account(reg, id->valuestring);
    if (!acc)
        return -ENOMEM;
    if (name)
        snprintf(acc->name, sizeof(acc->name), "%s", name->valuestring);
    if (ua)
        acc->require_user_agent = cJSON_IsTrue(ua);
    i = 0;
    for (const cJSON *ip = ips ? ips->child : NULL; ip; ip = ip->next, i++) {
        snprintf(where, sizeof(where), "accounts[%zu].allowedIps[%zu]", index, i);
        if (!cJSON_IsString(ip) || am_account_allow_ip(acc, ip->valuestring) < 0)
            return fail(err, err_len, source, where,
                        "must be an IPv4 address (last octet may be x) or an IPv6 address");
    }
    i = 0;
    for (const cJSON *k = keys ? keys->child : NULL; k; k = k->next, i++) {
        snprintf(where, sizeof(where), "accounts[%zu].keys[%zu]", index, i);
        r = load_key(reg, acc, k, where, source, now, err, err_len);
        if (r < 0)
            return r;
    }
    if (clock) {
        char why[300];
        snprintf(where, sizeof(where), "accounts[%zu].clock", index);
        r = am_state_import_clock(clock, where, &acc->clock, why, sizeof(why));
        if (r < 0)
            return r == -EINVAL ? fail(err, err_len, source, "snapshot", "%s", why) : r;
    }
    if (data) {
        char why[300];
        snprintf(where, sizeof(where), "accounts[%zu].data", index);
        r = am_state_import_data(data, acc->id, where, &stores, why, sizeof(why));
        if (r < 0)
            return r == -EINVAL ? fail(err, err_len, source, "snapshot", "%s", why) : r;
        am_stores_swap(acc, &stores);
        am_stores_free(&stores); /* the empty ones the account was created with */
    }
    return 0;
}

int am_fixtures_load_accounts(struct am_registry *reg, const char *text, size_t len,
                              const char *source, int64_t now, char *err, size_t err_len)
{
    bool oom = false;
    cJSON *root = am_json_text_parse(text, len, source, err, err_len, &oom);
    const cJSON *accounts;
    size_t i = 0;
    int r = 0;

    if (!root)
        return oom ? -ENOMEM : -EINVAL;
    if (!cJSON_IsObject(root)) {
        r = fail(err, err_len, source, "top level", "must be an object with \"accounts\"");
        goto out;
    }
    for (const cJSON *it = root->child; it; it = it->next) {
        if (strcmp(it->string, "accounts") != 0 && strcmp(it->string, "ids") != 0) {
            r = fail(err, err_len, source, "top level", "unknown field '%s'", it->string);
            goto out;
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "ids")) {
        /* A snapshot's id generator position: loading it continues the same stream. */
        struct am_ids ids;
        char why[300];
        r = am_state_import_ids(cJSON_GetObjectItemCaseSensitive(root, "ids"), "ids", &ids, why,
                                sizeof(why));
        if (r < 0) {
            if (r == -EINVAL)
                r = fail(err, err_len, source, "snapshot", "%s", why);
            goto out;
        }
        am_registry_set_loaded_ids(reg, &ids);
    }
    accounts = cJSON_GetObjectItemCaseSensitive(root, "accounts");
    if (!cJSON_IsArray(accounts)) {
        r = fail(err, err_len, source, "accounts", "must be an array");
        goto out;
    }
    for (const cJSON *a = accounts->child; a; a = a->next, i++) {
        r = load_account(reg, a, i, source, now, err, err_len);
        if (r < 0)
            goto out;
    }
out:
    cJSON_Delete(root);
    return r;
}

int am_fixtures_load_dir(struct am_registry *reg, const char *dir, int64_t now, char *err,
                         size_t err_len)
{
    char path[4096];
    FILE *f;
    char *buf = NULL;
    long len;
    int r = -ENOENT;

    snprintf(path, sizeof(path), "%s/accounts.json", dir);
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return -ENOENT;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (16 << 20) ||
        fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, err_len, "%s: cannot read (or larger than 16 MiB)", path);
        goto out;
    }
    buf = malloc((size_t)len + 1);
    if (!buf) {
        r = -ENOMEM;
        goto out;
    }
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        snprintf(err, err_len, "%s: short read", path);
        goto out;
    }
    buf[len] = '\0';
    r = am_fixtures_load_accounts(reg, buf, (size_t)len, path, now, err, err_len);
out:
    if (buf)
        explicit_bzero(buf, (size_t)len);
    free(buf);
    fclose(f);
    return r;
}

/* auth.c - the Asaas authentication decision for one API request (see auth.h). */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asaas_facts.h"
#include "crypto.h"

#define AUTO_ACCOUNT_PREFIX "auto-"
#define AUTO_ACCOUNT_HEX 16

static const char *const outcome_names[_AM_AUTH_OUTCOME_MAX] = {
    [AM_AUTH_OK] = "ok",
    [AM_AUTH_NO_TOKEN] = "access_token_not_found",
    [AM_AUTH_EMPTY_TOKEN] = "empty_token",
    [AM_AUTH_BAD_FORMAT] = "invalid_access_token_format",
    [AM_AUTH_WRONG_ENV] = "invalid_environment",
    [AM_AUTH_UNKNOWN_KEY] = "unknown_key",
    [AM_AUTH_DISABLED_KEY] = "disabled_key",
    [AM_AUTH_EXPIRED_KEY] = "expired_key",
    [AM_AUTH_IP_DENIED] = "ip_not_allowed",
    [AM_AUTH_NO_USER_AGENT] = "user_agent_not_found",
};

const char *am_auth_outcome_name(enum am_auth_outcome o)
{
    if ((unsigned)o >= _AM_AUTH_OUTCOME_MAX || !outcome_names[o])
        return "unknown";
    return outcome_names[o];
}

static void deny(struct am_auth_result *ret, enum am_auth_outcome o, int status,
                 const char *code, const char *description)
{
    ret->outcome = o;
    ret->status = status;
    ret->code = code;
    ret->description = description;
}

/* "Missing" for the User-Agent rule: absent, empty or only whitespace. */
static bool blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++) {
        if (!strchr(" \t\r\n\v\f", *s))
            return false;
    }
    return true;
}

/* Gives an unknown key of this environment its own account. A second request with the
 * same key finds it through the key index; if the account exists but the key does not,
 * the key was deleted there, and deleted keys stay invalid. */
static int auto_account(struct am_registry *reg, const char *token,
                        const uint8_t sha[AM_SHA256_LEN], int64_t now,
                        struct am_account **ret_account, struct am_api_key **ret_key)
{
    char hex[2 * AM_SHA256_LEN + 1], id[sizeof(AUTO_ACCOUNT_PREFIX) + AUTO_ACCOUNT_HEX];
    struct am_account *account;
    int r;

    am_hex(sha, AM_SHA256_LEN, hex);
    snprintf(id, sizeof(id), "%s%.*s", AUTO_ACCOUNT_PREFIX, AUTO_ACCOUNT_HEX, hex);
    if (am_registry_find_account(reg, id))
        return -ENOENT;
    account = am_registry_add_account(reg, id);
    if (!account)
        return -ENOMEM;
    account->auto_created = true;
    r = am_registry_add_key(reg, account, token, NULL, NULL, "auto", now, 0, true, ret_key);
    if (r < 0)
        return r; /* -ENOMEM, or -EIO when the RNG fails (key id) */
    *ret_account = account;
    return 0;
}

int am_auth_identify(struct am_registry *reg, const struct am_auth_policy *policy,
                     const char *token, int64_t now, struct am_auth_result *ret)
{
    uint8_t sha[AM_SHA256_LEN];
    struct am_account *account = NULL;
    struct am_api_key *key = NULL;
    enum am_key_shape shape;
    int r;

    if (!reg || !policy || !ret)
        return -EINVAL;
    memset(ret, 0, sizeof(*ret));
    shape = am_key_classify(token); /* once: the redaction needs it too */
    am_key_redact_shaped(token, shape, ret->redacted, sizeof(ret->redacted));

    if (!token) {
        deny(ret, AM_AUTH_NO_TOKEN, 401, AM_ERR_TOKEN_NOT_FOUND, AM_TXT_TOKEN_NOT_FOUND);
        return 0;
    }
    if (token[0] == '\0') {
        /* Real Asaas: CloudFront answers 401 with no body at all. */
        deny(ret, AM_AUTH_EMPTY_TOKEN, 401, NULL, NULL);
        return 0;
    }
    if (shape == AM_KEY_SHAPE_INVALID) {
        deny(ret, AM_AUTH_BAD_FORMAT, 401, AM_ERR_TOKEN_FORMAT, AM_TXT_TOKEN_FORMAT);
        return 0;
    }
    if (!am_key_shape_matches_env(shape, policy->environment)) {
        deny(ret, AM_AUTH_WRONG_ENV, 401, AM_ERR_ENVIRONMENT, AM_TXT_ENVIRONMENT);
        return 0;
    }

    am_sha256_memo(token, strlen(token), sha);
    account = am_registry_lookup(reg, sha, &key);
    if (!account && policy->auto_accounts && am_registry_count(reg) < AM_AUTO_ACCOUNTS_MAX) {
        r = auto_account(reg, token, sha, now, &account, &key);
        if (r < 0 && r != -ENOENT)
            return r;
        ret->account_created = r == 0;
    }
    if (!account || !key) {
        deny(ret, AM_AUTH_UNKNOWN_KEY, 401, AM_ERR_INVALID_TOKEN, AM_TXT_INVALID_TOKEN);
        return 0;
    }
    ret->account = account;
    ret->key = key;
    ret->outcome = AM_AUTH_OK;
    ret->status = 200;
    return 0;
}

int am_auth_check(struct am_registry *reg, const struct am_auth_policy *policy,
                  const struct am_auth_input *in, struct am_auth_result *ret)
{
    struct am_api_key *key;
    int r;

    if (!reg || !policy || !in || !ret)
        return -EINVAL;
    r = am_auth_identify(reg, policy, in->access_token, in->now, ret);
    if (r < 0 || ret->outcome != AM_AUTH_OK)
        return r;
    key = ret->key;
    if (!key->enabled) {
        deny(ret, AM_AUTH_DISABLED_KEY, 401, AM_ERR_INVALID_TOKEN, AM_TXT_INVALID_TOKEN);
        return 0;
    }
    if (key->expires_at != 0 && key->expires_at <= in->now) {
        deny(ret, AM_AUTH_EXPIRED_KEY, 401, AM_ERR_INVALID_TOKEN, AM_TXT_INVALID_TOKEN);
        return 0;
    }
    if (!am_account_ip_allowed(ret->account, in->client_ip)) {
        deny(ret, AM_AUTH_IP_DENIED, 403, AM_ERR_IP_NOT_ALLOWED, AM_TXT_IP_NOT_ALLOWED);
        return 0;
    }
    if (ret->account->require_user_agent && blank(in->user_agent)) {
        deny(ret, AM_AUTH_NO_USER_AGENT, 401, AM_ERR_USER_AGENT, AM_TXT_USER_AGENT);
        return 0;
    }
    key->last_used_at = in->now;
    return 0;
}

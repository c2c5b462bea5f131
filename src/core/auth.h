/* auth.h - the Asaas authentication decision for one API request (pure).
 *
 * Order of checks (documented in the README): access_token absent -> present but empty
 * -> not shaped like a key -> key of the other environment -> unknown / disabled /
 * expired key (or auto-created account) -> IP allowlist -> User-Agent requirement.
 * The result carries the HTTP status and Asaas error code/description to answer with;
 * the caller renders it. No ownership: the result points into the registry. */
#ifndef AM_AUTH_H
#define AM_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "registry.h"

enum am_auth_outcome {
    AM_AUTH_OK,
    AM_AUTH_NO_TOKEN,      /* 401 access_token_not_found */
    AM_AUTH_EMPTY_TOKEN,   /* 401, empty body */
    AM_AUTH_BAD_FORMAT,    /* 401 invalid_access_token_format */
    AM_AUTH_WRONG_ENV,     /* 401 invalid_environment (the production-key tripwire) */
    AM_AUTH_UNKNOWN_KEY,   /* 401 invalid_access_token */
    AM_AUTH_DISABLED_KEY,  /* 401 invalid_access_token */
    AM_AUTH_EXPIRED_KEY,   /* 401 invalid_access_token */
    AM_AUTH_IP_DENIED,     /* 403 ip_not_allowed */
    AM_AUTH_NO_USER_AGENT, /* 401 user_agent_not_found */
    _AM_AUTH_OUTCOME_MAX
};

/* Auto-accounts stop here, so a client cycling through random keys cannot grow memory
 * without bound; further unknown keys are invalid_access_token. */
#define AM_AUTO_ACCOUNTS_MAX 10000

struct am_auth_policy {
    enum am_environment environment;
    bool auto_accounts; /* unknown well-formed keys of this environment get an account */
};

struct am_auth_input {
    const char *access_token; /* header value, NULL when the header is absent */
    const char *user_agent;   /* NULL when absent */
    const char *client_ip;
    int64_t now;              /* real Unix seconds (key expiry follows real time) */
};

struct am_auth_result {
    enum am_auth_outcome outcome;
    int status;              /* 200 for OK, else 401/403 */
    const char *code;        /* Asaas error code, NULL for OK and EMPTY_TOKEN */
    const char *description; /* pt-BR text, NULL for OK and EMPTY_TOKEN */
    struct am_account *account; /* set for OK, IP_DENIED, NO_USER_AGENT, DISABLED, EXPIRED */
    struct am_api_key *key;
    bool account_created;    /* auto-accounts made a new account for this key */
    char redacted[AM_KEY_REDACTED_LEN]; /* redacted token for logs ("" when absent) */
};

/* Decides. Returns 0 with *ret filled, or -ENOMEM (auto-account creation failed). On OK
 * the key's last_used_at is updated. */
int am_auth_check(struct am_registry *reg, const struct am_auth_policy *policy,
                  const struct am_auth_input *in, struct am_auth_result *ret);

/* The key steps of am_auth_check alone (presence, shape, environment, lookup, and the
 * --auto-accounts creation), for resolving a key to its account (GET /__mock/whoami)
 * without the per-request checks and without marking the key used. OK means the key is
 * registered, even when disabled or expired (ret->key tells). Returns as am_auth_check. */
int am_auth_identify(struct am_registry *reg, const struct am_auth_policy *policy,
                     const char *token, int64_t now, struct am_auth_result *ret);

/* Stable short name of an outcome ("ok", "access_token_not_found", "empty_token", ...),
 * used in logs, the journal and metrics labels. */
const char *am_auth_outcome_name(enum am_auth_outcome o);

#endif

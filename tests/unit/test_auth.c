/* test_auth.c - every row of the authentication decision table. */
#include "test_helpers.h"

#include <errno.h>

#include "asaas_facts.h"
#include "auth.h"
#include "crypto.h"

#define NOW 1750000000
#define SB_KEY "$aact_hmlg_000YTU5YTA1X3B5T7C9YZsandboxKey0001"
#define SB_KEY2 "$aact_hmlg_000YTU5YTA1X3B5T7C9YZsandboxKey0002"
#define PROD_KEY "$aact_prod_000YTU5YTE0M2M2N2I4MTprodKey000001"
#define LEGACY_KEY "$aact_YTU5YTE0M2M2N2I4MTliZGYxYTZkNzgzMmQ1OGJlNTMw"
#define UNKNOWN_SB "$aact_hmlg_000ZZZZZZZZZZZZZZZZZZunknown00001"
#define UNKNOWN_SB2 "$aact_hmlg_000ZZZZZZZZZZZZZZZZZZunknown00002"
#define UNKNOWN_PROD "$aact_prod_000ZZZZZZZZZZZZZZZZZZunknown00003"
#define UNKNOWN_LEGACY "$aact_ZZZZZZZZZZZZZZZZZZZZlegacyUnknown0004"

struct fixture {
    struct am_registry *reg;
    struct am_account *acc;  /* sandbox account: SB_KEY, LEGACY_KEY */
    struct am_account *prod; /* holds PROD_KEY (a server may be started on either env) */
    struct am_api_key *sb_key, *legacy_key, *prod_key;
    struct am_auth_policy policy;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    f->reg = am_registry_new();
    f->acc = am_registry_add_account(f->reg, "acc1");
    f->prod = am_registry_add_account(f->reg, "accp");
    if (!f->acc || !f->prod ||
        am_registry_add_key(f->reg, f->acc, SB_KEY, NULL, NULL, "sb", NOW - 100, 0, true,
                            &f->sb_key) < 0 ||
        am_registry_add_key(f->reg, f->acc, LEGACY_KEY, NULL, NULL, "old", NOW - 100, 0, true,
                            &f->legacy_key) < 0 ||
        am_registry_add_key(f->reg, f->prod, PROD_KEY, NULL, NULL, "prod", NOW - 100, 0, true,
                            &f->prod_key) < 0)
        return -1;
    f->policy.environment = AM_ENV_SANDBOX;
    f->policy.auto_accounts = false;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    am_registry_free(f->reg);
    free(f);
    return 0;
}

static struct am_auth_result check_ua(struct fixture *f, const char *token, const char *ua,
                                      const char *ip)
{
    struct am_auth_input in = { .access_token = token, .user_agent = ua, .client_ip = ip,
                                .now = NOW };
    struct am_auth_result r;

    memset(&r, 0xa5, sizeof(r)); /* every field must be written */
    assert_int_equal(am_auth_check(f->reg, &f->policy, &in, &r), 0);
    return r;
}

static struct am_auth_result check(struct fixture *f, const char *token)
{
    return check_ua(f, token, "my-app/1.0", "198.51.100.10");
}

/* Identical string literals are one object only when the linker merges them, which the
 * ASan build does not do, so texts are compared by content (NULL by pointer). */
static void assert_text(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void assert_denied(const struct am_auth_result *r, enum am_auth_outcome o, int status,
                          const char *code, const char *description)
{
    assert_int_equal(r->outcome, o);
    assert_int_equal(r->status, status);
    assert_text(r->code, code);
    assert_text(r->description, description);
    assert_false(r->account_created);
}

static void assert_invalid_token(const struct am_auth_result *r, enum am_auth_outcome o)
{
    assert_denied(r, o, 401, AM_ERR_INVALID_TOKEN, AM_TXT_INVALID_TOKEN);
}

static void assert_ok(const struct am_auth_result *r, const struct am_account *acc,
                      const struct am_api_key *key)
{
    assert_int_equal(r->outcome, AM_AUTH_OK);
    assert_int_equal(r->status, 200);
    assert_null(r->code);
    assert_null(r->description);
    assert_ptr_equal(r->account, acc);
    assert_ptr_equal(r->key, key);
}

static void test_auth_missing_header_is_token_not_found(void **state)
{
    struct am_auth_result r = check(*state, NULL);

    assert_denied(&r, AM_AUTH_NO_TOKEN, 401, AM_ERR_TOKEN_NOT_FOUND, AM_TXT_TOKEN_NOT_FOUND);
    assert_null(r.account);
    assert_null(r.key);
    assert_string_equal(r.redacted, "");
}

static void test_auth_empty_header_has_empty_body(void **state)
{
    struct am_auth_result r = check(*state, "");

    assert_denied(&r, AM_AUTH_EMPTY_TOKEN, 401, NULL, NULL);
    assert_null(r.account);
    assert_string_equal(r.redacted, "...");
}

static void test_auth_rejects_values_not_shaped_like_keys(void **state)
{
    static const char *bad[] = { "Bearer " SB_KEY, " " SB_KEY, SB_KEY " ", "\"" SB_KEY "\"",
                                 "   ", "abc", "$aact_", "_hmlg_000YTU5YTA1X3B5T7C9YZsandbox",
                                 SB_KEY "\n" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct am_auth_result r = check(*state, bad[i]);
        char expected[AM_KEY_REDACTED_LEN];

        assert_denied(&r, AM_AUTH_BAD_FORMAT, 401, AM_ERR_TOKEN_FORMAT, AM_TXT_TOKEN_FORMAT);
        assert_null(r.account);
        am_key_redact(bad[i], expected, sizeof(expected));
        assert_string_equal(r.redacted, expected);
    }
}

static void test_auth_production_key_on_sandbox_is_wrong_environment(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    /* Registered or not, the environment check comes first. */
    r = check(f, PROD_KEY);
    assert_denied(&r, AM_AUTH_WRONG_ENV, 401, AM_ERR_ENVIRONMENT, AM_TXT_ENVIRONMENT);
    assert_null(r.account);
    assert_null(r.key);
    assert_string_equal(r.redacted, "$aact_prod_...0001");
    r = check(f, UNKNOWN_PROD);
    assert_denied(&r, AM_AUTH_WRONG_ENV, 401, AM_ERR_ENVIRONMENT, AM_TXT_ENVIRONMENT);
}

static void test_auth_sandbox_key_on_production_is_wrong_environment(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->policy.environment = AM_ENV_PRODUCTION;
    r = check(f, SB_KEY);
    assert_denied(&r, AM_AUTH_WRONG_ENV, 401, AM_ERR_ENVIRONMENT, AM_TXT_ENVIRONMENT);
    assert_null(r.account);
    assert_string_equal(r.redacted, "$aact_hmlg_...0001");
    /* and the production key is fine there */
    r = check(f, PROD_KEY);
    assert_ok(&r, f->prod, f->prod_key);
}

static void test_auth_wrong_environment_never_creates_accounts(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->policy.auto_accounts = true;
    r = check(f, UNKNOWN_PROD);
    assert_int_equal(r.outcome, AM_AUTH_WRONG_ENV);
    f->policy.environment = AM_ENV_PRODUCTION;
    r = check(f, UNKNOWN_SB);
    assert_int_equal(r.outcome, AM_AUTH_WRONG_ENV);
    assert_int_equal(am_registry_count(f->reg), 2);
}

static void test_auth_legacy_key_works_on_both_environments(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    r = check(f, LEGACY_KEY);
    assert_ok(&r, f->acc, f->legacy_key);
    assert_string_equal(r.redacted, "$aact_...NTMw");
    f->policy.environment = AM_ENV_PRODUCTION;
    r = check(f, LEGACY_KEY);
    assert_ok(&r, f->acc, f->legacy_key);
}

static void test_auth_unknown_key_is_invalid_token(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r = check(f, UNKNOWN_SB);

    assert_invalid_token(&r, AM_AUTH_UNKNOWN_KEY);
    assert_null(r.account);
    assert_null(r.key);
    r = check(f, UNKNOWN_LEGACY);
    assert_invalid_token(&r, AM_AUTH_UNKNOWN_KEY);
    assert_int_equal(am_registry_count(f->reg), 2);
}

static void test_auth_disabled_key_is_invalid_token(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->sb_key->enabled = false;
    r = check(f, SB_KEY);
    assert_invalid_token(&r, AM_AUTH_DISABLED_KEY);
    assert_ptr_equal(r.account, f->acc);
    assert_ptr_equal(r.key, f->sb_key);
    assert_int_equal(f->sb_key->last_used_at, 0);
    f->sb_key->enabled = true; /* re-enabling restores it, like Asaas */
    r = check(f, SB_KEY);
    assert_ok(&r, f->acc, f->sb_key);
}

static void test_auth_expired_key_is_invalid_token(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->sb_key->expires_at = NOW; /* expires_at <= now is expired */
    r = check(f, SB_KEY);
    assert_invalid_token(&r, AM_AUTH_EXPIRED_KEY);
    assert_ptr_equal(r.account, f->acc);
    assert_ptr_equal(r.key, f->sb_key);
    f->sb_key->expires_at = NOW - 1;
    r = check(f, SB_KEY);
    assert_int_equal(r.outcome, AM_AUTH_EXPIRED_KEY);
    f->sb_key->expires_at = NOW + 1;
    r = check(f, SB_KEY);
    assert_ok(&r, f->acc, f->sb_key);
}

static void test_auth_deleted_key_is_invalid_token(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    assert_int_equal(am_registry_delete_key(f->reg, f->acc, f->sb_key->id), 0);
    r = check(f, SB_KEY);
    assert_invalid_token(&r, AM_AUTH_UNKNOWN_KEY);
    assert_null(r.account);
}

static void test_auth_ip_allowlist_denies_other_addresses(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    assert_int_equal(am_account_allow_ip(f->acc, "203.0.113.7"), 0);
    assert_int_equal(am_account_allow_ip(f->acc, "192.168.1.x"), 0);
    r = check_ua(f, SB_KEY, "app", "198.51.100.10");
    assert_denied(&r, AM_AUTH_IP_DENIED, 403, AM_ERR_IP_NOT_ALLOWED, AM_TXT_IP_NOT_ALLOWED);
    assert_ptr_equal(r.account, f->acc);
    assert_ptr_equal(r.key, f->sb_key);
    assert_int_equal(f->sb_key->last_used_at, 0);
    r = check_ua(f, SB_KEY, "app", NULL);
    assert_int_equal(r.outcome, AM_AUTH_IP_DENIED);

    r = check_ua(f, SB_KEY, "app", "203.0.113.7"); /* exact */
    assert_ok(&r, f->acc, f->sb_key);
    r = check_ua(f, SB_KEY, "app", "192.168.1.200"); /* wildcard */
    assert_ok(&r, f->acc, f->sb_key);
    r = check_ua(f, SB_KEY, "app", "::ffff:192.168.1.3"); /* mapped */
    assert_ok(&r, f->acc, f->sb_key);
    r = check_ua(f, SB_KEY, "app", "192.168.2.3");
    assert_int_equal(r.outcome, AM_AUTH_IP_DENIED);
}

static void test_auth_key_checks_come_before_ip_and_ip_before_user_agent(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    assert_int_equal(am_account_allow_ip(f->acc, "203.0.113.7"), 0);
    f->sb_key->enabled = false;
    r = check_ua(f, SB_KEY, NULL, "198.51.100.10");
    assert_int_equal(r.outcome, AM_AUTH_DISABLED_KEY);
    f->sb_key->enabled = true;
    r = check_ua(f, SB_KEY, NULL, "198.51.100.10");
    assert_int_equal(r.outcome, AM_AUTH_IP_DENIED);
    r = check_ua(f, SB_KEY, NULL, "203.0.113.7");
    assert_int_equal(r.outcome, AM_AUTH_NO_USER_AGENT);
}

static void test_auth_user_agent_absent_empty_or_blank_is_rejected(void **state)
{
    struct fixture *f = *state;
    static const char *missing[] = { NULL, "", " ", " \t\r\n" };

    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        struct am_auth_result r = check_ua(f, SB_KEY, missing[i], "198.51.100.10");

        assert_denied(&r, AM_AUTH_NO_USER_AGENT, 401, AM_ERR_USER_AGENT, AM_TXT_USER_AGENT);
        assert_ptr_equal(r.account, f->acc);
        assert_ptr_equal(r.key, f->sb_key);
    }
    assert_int_equal(f->sb_key->last_used_at, 0);
}

static void test_auth_user_agent_not_required_when_account_opts_out(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->acc->require_user_agent = false;
    r = check_ua(f, SB_KEY, NULL, "198.51.100.10");
    assert_ok(&r, f->acc, f->sb_key);
    r = check_ua(f, SB_KEY, "  ", "198.51.100.10");
    assert_ok(&r, f->acc, f->sb_key);
    /* other accounts still require it */
    f->policy.environment = AM_ENV_PRODUCTION;
    r = check_ua(f, PROD_KEY, NULL, "198.51.100.10");
    assert_int_equal(r.outcome, AM_AUTH_NO_USER_AGENT);
}

static void test_auth_ok_updates_last_used_and_redacts(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r = check(f, SB_KEY);

    assert_ok(&r, f->acc, f->sb_key);
    assert_false(r.account_created);
    assert_int_equal(f->sb_key->last_used_at, NOW);
    assert_string_equal(r.redacted, "$aact_hmlg_...0001");
    assert_null(strstr(r.redacted, &SB_KEY[11]));
}

static void test_auth_accepts_key_registered_by_hash(void **state)
{
    struct fixture *f = *state;
    struct am_api_key *k = NULL;
    struct am_auth_result r;
    uint8_t sha[AM_SHA256_LEN];
    char hex[65];

    am_sha256(SB_KEY2, strlen(SB_KEY2), sha);
    am_hex(sha, sizeof(sha), hex);
    assert_int_equal(am_registry_add_key(f->reg, f->prod, NULL, hex, NULL, "ci", 0, 0, true, &k),
                     0);
    r = check(f, SB_KEY2);
    assert_ok(&r, f->prod, k);
    assert_string_equal(r.redacted, "$aact_hmlg_...0002");
}

static void test_auth_auto_accounts_creates_account_for_unknown_key(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;
    uint8_t sha[AM_SHA256_LEN];
    char hex[65], id[32];

    f->policy.auto_accounts = true;
    r = check(f, UNKNOWN_SB);
    assert_int_equal(r.outcome, AM_AUTH_OK);
    assert_int_equal(r.status, 200);
    assert_null(r.code);
    assert_true(r.account_created);
    assert_non_null(r.account);
    am_sha256(UNKNOWN_SB, strlen(UNKNOWN_SB), sha);
    am_hex(sha, sizeof(sha), hex);
    snprintf(id, sizeof(id), "auto-%.16s", hex);
    assert_string_equal(r.account->id, id);
    assert_true(r.account->auto_created);
    assert_true(r.account->require_user_agent);
    assert_int_equal(r.account->n_allowed_ips, 0);
    assert_non_null(r.account->customers);
    assert_string_equal(r.key->name, "auto");
    assert_string_equal(r.key->display, "$aact_hmlg_...0001");
    assert_int_equal(r.key->created_at, NOW);
    assert_int_equal(r.key->expires_at, 0);
    assert_int_equal(r.key->last_used_at, NOW);
    assert_true(r.key->enabled);
    assert_ptr_equal(am_registry_find_account(f->reg, id), r.account);
    assert_int_equal(am_registry_count(f->reg), 3);
    /* Only the hash was kept. */
    assert_null(memmem(r.account, sizeof(*r.account), &UNKNOWN_SB[11], strlen(UNKNOWN_SB) - 11));
}

static void test_auth_auto_accounts_reuses_account_for_same_key(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result first, again;

    f->policy.auto_accounts = true;
    first = check(f, UNKNOWN_SB);
    assert_true(first.account_created);
    again = check(f, UNKNOWN_SB);
    assert_ok(&again, first.account, first.key);
    assert_false(again.account_created);
    assert_int_equal(am_registry_count(f->reg), 3);
}

static void test_auth_auto_accounts_isolates_distinct_keys(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result a, b;

    f->policy.auto_accounts = true;
    a = check(f, UNKNOWN_SB);
    b = check(f, UNKNOWN_SB2);
    assert_true(a.account_created);
    assert_true(b.account_created);
    assert_ptr_not_equal(a.account, b.account);
    assert_ptr_not_equal(a.account->customers, b.account->customers);
    assert_string_not_equal(a.account->id, b.account->id);
    assert_int_equal(am_registry_count(f->reg), 4);
    /* Registered keys keep going to their own accounts. */
    a = check(f, SB_KEY);
    assert_ok(&a, f->acc, f->sb_key);
    assert_false(a.account_created);
}

static void test_auth_auto_accounts_accepts_legacy_keys(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->policy.auto_accounts = true;
    f->policy.environment = AM_ENV_PRODUCTION;
    r = check(f, UNKNOWN_LEGACY);
    assert_int_equal(r.outcome, AM_AUTH_OK);
    assert_true(r.account_created);
    assert_string_equal(r.redacted, "$aact_...0004");
    r = check(f, UNKNOWN_PROD);
    assert_int_equal(r.outcome, AM_AUTH_OK);
    assert_true(r.account_created);
    assert_int_equal(am_registry_count(f->reg), 4);
}

static void test_auth_auto_account_still_requires_user_agent(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->policy.auto_accounts = true;
    r = check_ua(f, UNKNOWN_SB, NULL, "198.51.100.10");
    assert_int_equal(r.outcome, AM_AUTH_NO_USER_AGENT);
    assert_int_equal(r.status, 401);
    assert_text(r.code, AM_ERR_USER_AGENT);
    assert_true(r.account_created); /* the account exists from now on */
    r = check(f, UNKNOWN_SB);
    assert_int_equal(r.outcome, AM_AUTH_OK);
    assert_false(r.account_created);
}

static void test_auth_auto_accounts_keeps_deleted_keys_invalid(void **state)
{
    struct fixture *f = *state;
    struct am_auth_result r;

    f->policy.auto_accounts = true;
    r = check(f, UNKNOWN_SB);
    assert_int_equal(am_registry_delete_key(f->reg, r.account, r.key->id), 0);
    r = check(f, UNKNOWN_SB);
    assert_invalid_token(&r, AM_AUTH_UNKNOWN_KEY);
    assert_int_equal(am_registry_count(f->reg), 3);
}

static void test_auth_rejects_null_arguments(void **state)
{
    struct fixture *f = *state;
    struct am_auth_input in = { .access_token = SB_KEY, .user_agent = "a", .now = NOW };
    struct am_auth_result r;

    assert_int_equal(am_auth_check(NULL, &f->policy, &in, &r), -EINVAL);
    assert_int_equal(am_auth_check(f->reg, NULL, &in, &r), -EINVAL);
    assert_int_equal(am_auth_check(f->reg, &f->policy, NULL, &r), -EINVAL);
    assert_int_equal(am_auth_check(f->reg, &f->policy, &in, NULL), -EINVAL);
}

static void test_auth_outcome_names_are_distinct(void **state)
{
    (void)state;
    assert_string_equal(am_auth_outcome_name(AM_AUTH_OK), "ok");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_NO_TOKEN), "access_token_not_found");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_EMPTY_TOKEN), "empty_token");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_BAD_FORMAT), "invalid_access_token_format");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_WRONG_ENV), "invalid_environment");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_UNKNOWN_KEY), "unknown_key");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_DISABLED_KEY), "disabled_key");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_EXPIRED_KEY), "expired_key");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_IP_DENIED), "ip_not_allowed");
    assert_string_equal(am_auth_outcome_name(AM_AUTH_NO_USER_AGENT), "user_agent_not_found");
    assert_string_equal(am_auth_outcome_name(_AM_AUTH_OUTCOME_MAX), "unknown");
    for (int i = 0; i < _AM_AUTH_OUTCOME_MAX; i++) {
        for (int j = i + 1; j < _AM_AUTH_OUTCOME_MAX; j++)
            assert_string_not_equal(am_auth_outcome_name((enum am_auth_outcome)i),
                                    am_auth_outcome_name((enum am_auth_outcome)j));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_auth_missing_header_is_token_not_found),
        T(test_auth_empty_header_has_empty_body),
        T(test_auth_rejects_values_not_shaped_like_keys),
        T(test_auth_production_key_on_sandbox_is_wrong_environment),
        T(test_auth_sandbox_key_on_production_is_wrong_environment),
        T(test_auth_wrong_environment_never_creates_accounts),
        T(test_auth_legacy_key_works_on_both_environments),
        T(test_auth_unknown_key_is_invalid_token),
        T(test_auth_disabled_key_is_invalid_token),
        T(test_auth_expired_key_is_invalid_token),
        T(test_auth_deleted_key_is_invalid_token),
        T(test_auth_ip_allowlist_denies_other_addresses),
        T(test_auth_key_checks_come_before_ip_and_ip_before_user_agent),
        T(test_auth_user_agent_absent_empty_or_blank_is_rejected),
        T(test_auth_user_agent_not_required_when_account_opts_out),
        T(test_auth_ok_updates_last_used_and_redacts),
        T(test_auth_accepts_key_registered_by_hash),
        T(test_auth_auto_accounts_creates_account_for_unknown_key),
        T(test_auth_auto_accounts_reuses_account_for_same_key),
        T(test_auth_auto_accounts_isolates_distinct_keys),
        T(test_auth_auto_accounts_accepts_legacy_keys),
        T(test_auth_auto_account_still_requires_user_agent),
        T(test_auth_auto_accounts_keeps_deleted_keys_invalid),
        T(test_auth_rejects_null_arguments),
        T(test_auth_outcome_names_are_distinct),
#undef T
    };

    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}

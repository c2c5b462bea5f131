/* test_registry.c - accounts, key registration and lookup, IP allowlists. */
#include "test_helpers.h"

#include <ctype.h>
#include <errno.h>

#include "crypto.h"
#include "registry.h"

#define KEY_A "$aact_hmlg_000AAAAAAAAAAAAAAAAAAAAAAAAAAAA1111"
#define KEY_B "$aact_hmlg_000BBBBBBBBBBBBBBBBBBBBBBBBBBBB2222"
#define KEY_LEGACY "$aact_YTU5YTE0M2M2N2I4MTliZGYxYTZkNzgzMmQ1OGJlNTMw"

static int setup(void **state)
{
    *state = am_registry_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    am_registry_free(*state);
    return 0;
}

static void sha_hex(const char *key, char out[65])
{
    uint8_t sha[AM_SHA256_LEN];

    am_sha256(key, strlen(key), sha);
    am_hex(sha, sizeof(sha), out);
}

static void assert_uuid_v4(const char *s)
{
    assert_int_equal(strlen(s), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(s[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", s[i]));
    }
    assert_int_equal(s[14], '4');
    assert_non_null(strchr("89ab", s[19]));
}

static void test_registry_new_account_has_defaults(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");

    assert_non_null(a);
    assert_string_equal(a->id, "acc1");
    assert_string_equal(a->name, "acc1");
    assert_true(a->require_user_agent);
    assert_false(a->auto_created);
    assert_int_equal(a->n_allowed_ips, 0);
    assert_int_equal(a->clock.mode, AM_CLOCK_REAL);
    assert_int_equal(a->clock.offset, 0);
    assert_non_null(a->customers);
    for (int i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++)
        assert_false(a->keys[i].in_use);
    assert_int_equal(am_registry_count(reg), 1);
    assert_ptr_equal(am_registry_find_account(reg, "acc1"), a);
    assert_null(am_registry_find_account(reg, "acc2"));
}

static void test_registry_rejects_duplicate_and_bad_ids(void **state)
{
    struct am_registry *reg = *state;
    char id63[64], id64[65];

    memset(id63, 'a', 63);
    id63[63] = '\0';
    memset(id64, 'b', 64);
    id64[64] = '\0';
    assert_non_null(am_registry_add_account(reg, "acc1"));
    assert_null(am_registry_add_account(reg, "acc1"));
    assert_null(am_registry_add_account(reg, ""));
    assert_null(am_registry_add_account(reg, NULL));
    assert_null(am_registry_add_account(reg, id64));
    assert_non_null(am_registry_add_account(reg, id63));
    assert_int_equal(am_registry_count(reg), 2);
}

static void test_registry_keeps_creation_order_and_stable_pointers(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *first = am_registry_add_account(reg, "acct-0");
    char id[32];

    for (int i = 1; i < 3000; i++) {
        snprintf(id, sizeof(id), "acct-%d", i);
        assert_non_null(am_registry_add_account(reg, id));
    }
    assert_int_equal(am_registry_count(reg), 3000);
    assert_ptr_equal(am_registry_account_at(reg, 0), first);
    assert_string_equal(first->id, "acct-0");
    for (int i = 0; i < 3000; i++) {
        struct am_account *a = am_registry_account_at(reg, (size_t)i);

        snprintf(id, sizeof(id), "acct-%d", i);
        assert_string_equal(a->id, id);
        assert_ptr_equal(am_registry_find_account(reg, id), a);
    }
    assert_null(am_registry_account_at(reg, 3000));
    assert_null(am_registry_find_account(reg, "acct-3000"));
}

static void test_registry_adds_key_from_plaintext_keeping_only_hash(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    struct am_api_key *k = NULL, *found = NULL;
    uint8_t sha[AM_SHA256_LEN];

    assert_int_equal(am_registry_add_key(reg, a, KEY_A, NULL, NULL, "main", 1000, 2000, true, &k),
                     0);
    assert_non_null(k);
    assert_true(k->in_use);
    assert_uuid_v4(k->id);
    assert_string_equal(k->name, "main");
    assert_string_equal(k->display, "$aact_hmlg_...1111");
    assert_int_equal(k->created_at, 1000);
    assert_int_equal(k->expires_at, 2000);
    assert_int_equal(k->last_used_at, 0);
    assert_true(k->enabled);
    am_sha256(KEY_A, strlen(KEY_A), sha);
    assert_memory_equal(k->sha256, sha, sizeof(sha));
    /* The plaintext is nowhere in the account. */
    assert_null(memmem(a, sizeof(*a), &KEY_A[11], strlen(KEY_A) - 11));

    assert_ptr_equal(am_registry_lookup(reg, sha, &found), a);
    assert_ptr_equal(found, k);
    assert_ptr_equal(am_registry_find_key(a, k->id), k);
}

static void test_registry_adds_key_from_sha256_hex(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    struct am_api_key *k = NULL, *k2 = NULL, *found = NULL;
    uint8_t sha[AM_SHA256_LEN];
    char hex[65];

    sha_hex(KEY_A, hex);
    assert_int_equal(am_registry_add_key(reg, a, NULL, hex, NULL, NULL, 0, 0, true, &k), 0);
    assert_string_equal(k->display, "(hash)");
    assert_string_equal(k->name, "");
    sha_hex(KEY_B, hex);
    for (int i = 0; hex[i]; i++) /* upper-case hex is accepted too */
        hex[i] = (char)toupper((unsigned char)hex[i]);
    assert_int_equal(
        am_registry_add_key(reg, a, NULL, hex, "$aact_hmlg_...2222", "ci", 0, 0, false, &k2), 0);
    assert_string_equal(k2->display, "$aact_hmlg_...2222");
    assert_false(k2->enabled);

    am_sha256(KEY_A, strlen(KEY_A), sha);
    assert_ptr_equal(am_registry_lookup(reg, sha, &found), a);
    assert_ptr_equal(found, k);
    am_sha256(KEY_B, strlen(KEY_B), sha);
    assert_ptr_equal(am_registry_lookup(reg, sha, &found), a);
    assert_ptr_equal(found, k2);
}

static void test_registry_rejects_bad_key_material(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    char hex[66];

    assert_int_equal(am_registry_add_key(reg, a, "Bearer " KEY_A, NULL, NULL, NULL, 0, 0, true,
                                         NULL),
                     -EINVAL);
    assert_int_equal(am_registry_add_key(reg, a, " " KEY_A, NULL, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    assert_int_equal(am_registry_add_key(reg, a, NULL, NULL, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    sha_hex(KEY_A, hex);
    hex[63] = '\0'; /* 63 digits */
    assert_int_equal(am_registry_add_key(reg, a, NULL, hex, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    sha_hex(KEY_A, hex);
    strcat(hex, "0"); /* 65 digits */
    assert_int_equal(am_registry_add_key(reg, a, NULL, hex, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    sha_hex(KEY_A, hex);
    hex[10] = 'g';
    assert_int_equal(am_registry_add_key(reg, a, NULL, hex, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    assert_int_equal(am_registry_add_key(reg, NULL, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL),
                     -EINVAL);
    for (int i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++)
        assert_false(a->keys[i].in_use);
}

static void test_registry_rejects_duplicate_key_anywhere(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    struct am_account *b = am_registry_add_account(reg, "acc2");
    char hex[65];

    assert_int_equal(am_registry_add_key(reg, a, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL), 0);
    assert_int_equal(am_registry_add_key(reg, a, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL),
                     -EEXIST);
    assert_int_equal(am_registry_add_key(reg, b, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL),
                     -EEXIST);
    sha_hex(KEY_A, hex);
    assert_int_equal(am_registry_add_key(reg, b, NULL, hex, NULL, NULL, 0, 0, true, NULL),
                     -EEXIST);
    assert_int_equal(am_registry_add_key(reg, b, KEY_B, NULL, NULL, NULL, 0, 0, true, NULL), 0);
}

static void test_registry_rejects_eleventh_key(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    struct am_api_key *k = NULL;
    char key[64];

    for (int i = 0; i < AM_MAX_KEYS_PER_ACCOUNT; i++) {
        snprintf(key, sizeof(key), "$aact_hmlg_000CCCCCCCCCCCCCCCCCCCCCC%02d", i);
        assert_int_equal(am_registry_add_key(reg, a, key, NULL, NULL, NULL, 0, 0, true, &k), 0);
    }
    assert_int_equal(
        am_registry_add_key(reg, a, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL), -ENOSPC);
    /* Deleting one frees its slot. */
    assert_int_equal(am_registry_delete_key(reg, a, k->id), 0);
    assert_int_equal(am_registry_add_key(reg, a, KEY_A, NULL, NULL, NULL, 0, 0, true, NULL), 0);
}

static void test_registry_deletes_key_for_good(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *a = am_registry_add_account(reg, "acc1");
    struct am_account *b = am_registry_add_account(reg, "acc2");
    struct am_api_key *k = NULL, *found = (struct am_api_key *)1;
    uint8_t sha[AM_SHA256_LEN];
    char id[37];

    assert_int_equal(am_registry_add_key(reg, a, KEY_A, NULL, NULL, NULL, 0, 0, true, &k), 0);
    memcpy(id, k->id, sizeof(id));
    assert_int_equal(am_registry_delete_key(reg, b, id), -ENOENT); /* other account */
    assert_int_equal(am_registry_delete_key(reg, a, "nope"), -ENOENT);
    assert_int_equal(am_registry_delete_key(reg, a, id), 0);
    assert_int_equal(am_registry_delete_key(reg, a, id), -ENOENT);
    assert_false(k->in_use);
    assert_null(am_registry_find_key(a, id));
    am_sha256(KEY_A, strlen(KEY_A), sha);
    assert_null(am_registry_lookup(reg, sha, &found));
    assert_null(found);
    /* The same key may be registered again (even elsewhere) once deleted. */
    assert_int_equal(am_registry_add_key(reg, b, KEY_A, NULL, NULL, NULL, 0, 0, true, &k), 0);
    assert_ptr_equal(am_registry_lookup(reg, sha, &found), b);
    assert_ptr_equal(found, k);
}

static void test_registry_lookup_survives_churn(void **state)
{
    struct am_registry *reg = *state;
    struct am_account *accts[200];
    struct am_api_key *found;
    uint8_t sha[AM_SHA256_LEN];
    char id[32], key[64];

    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof(id), "a%d", i);
        accts[i] = am_registry_add_account(reg, id);
        assert_non_null(accts[i]);
    }
    /* Add and delete many keys so the index fills with tombstones and rehashes. */
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 200; i++) {
            struct am_api_key *k;

            snprintf(key, sizeof(key), "$aact_hmlg_000DDDDDDDDDDDDDDDDD%03d%03d", round, i);
            assert_int_equal(
                am_registry_add_key(reg, accts[i], key, NULL, NULL, NULL, 0, 0, true, &k), 0);
            if (round < 19)
                assert_int_equal(am_registry_delete_key(reg, accts[i], k->id), 0);
        }
    }
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 200; i++) {
            snprintf(key, sizeof(key), "$aact_hmlg_000DDDDDDDDDDDDDDDDD%03d%03d", round, i);
            am_sha256(key, strlen(key), sha);
            found = NULL;
            if (round < 19) {
                assert_null(am_registry_lookup(reg, sha, &found));
            } else {
                assert_ptr_equal(am_registry_lookup(reg, sha, &found), accts[i]);
                assert_non_null(found);
                assert_memory_equal(found->sha256, sha, sizeof(sha));
            }
        }
    }
}

static void test_registry_lookup_of_unknown_key_is_null(void **state)
{
    struct am_registry *reg = *state;
    struct am_api_key *found = (struct am_api_key *)1;
    uint8_t sha[AM_SHA256_LEN];

    am_sha256(KEY_B, strlen(KEY_B), sha);
    assert_null(am_registry_lookup(reg, sha, &found)); /* empty registry */
    assert_null(found);
    assert_non_null(am_registry_add_account(reg, "acc1"));
    assert_int_equal(am_registry_add_key(reg, am_registry_find_account(reg, "acc1"), KEY_LEGACY,
                                         NULL, NULL, NULL, 0, 0, true, NULL),
                     0);
    found = (struct am_api_key *)1;
    assert_null(am_registry_lookup(reg, sha, &found));
    assert_null(found);
}

static void test_registry_no_allowlist_allows_everyone(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");

    assert_true(am_account_ip_allowed(a, "203.0.113.7"));
    assert_true(am_account_ip_allowed(a, "2001:db8::1"));
    assert_true(am_account_ip_allowed(a, NULL));
}

static void test_registry_allowlist_validates_entries(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");
    static const char *bad[] = { "", "192.168.1", "192.168.1.256", "192.168.x.1", "x.x.x.x",
                                 "1.2.3.4 ", " 1.2.3.4", "hello", "1.2.3.4/24", "192.168.1.xx",
                                 "::ffff:1.2.3.x", "2001:db8::g",
                                 "0000:0000:0000:0000:0000:0000:0000:0000:0000:0001" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(am_account_allow_ip(a, bad[i]), -EINVAL);
    assert_int_equal(am_account_allow_ip(a, NULL), -EINVAL);
    assert_int_equal(a->n_allowed_ips, 0);
    assert_int_equal(am_account_allow_ip(a, "203.0.113.7"), 0);
    assert_int_equal(am_account_allow_ip(a, "192.168.1.x"), 0);
    assert_int_equal(am_account_allow_ip(a, "2001:db8::1"), 0);
    assert_int_equal(am_account_allow_ip(a, "203.0.113.7"), 0); /* duplicate: no new slot */
    assert_int_equal(a->n_allowed_ips, 3);
    assert_string_equal(a->allowed_ips[1], "192.168.1.x");
}

static void test_registry_allowlist_is_bounded(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");
    char ip[32];

    for (int i = 0; i < AM_MAX_ALLOWED_IPS; i++) {
        snprintf(ip, sizeof(ip), "10.0.0.%d", i);
        assert_int_equal(am_account_allow_ip(a, ip), 0);
    }
    assert_int_equal(am_account_allow_ip(a, "10.0.1.1"), -ENOSPC);
    assert_int_equal(a->n_allowed_ips, AM_MAX_ALLOWED_IPS);
}

static void test_registry_allowlist_matches_exact_ipv4(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");

    assert_int_equal(am_account_allow_ip(a, "203.0.113.7"), 0);
    assert_true(am_account_ip_allowed(a, "203.0.113.7"));
    assert_false(am_account_ip_allowed(a, "203.0.113.8"));
    assert_false(am_account_ip_allowed(a, "203.0.113.70"));
    assert_false(am_account_ip_allowed(a, "203.0.113.7 "));
    assert_false(am_account_ip_allowed(a, ""));
    assert_false(am_account_ip_allowed(a, NULL));
    assert_false(am_account_ip_allowed(a, "not-an-ip"));
}

static void test_registry_allowlist_matches_last_octet_wildcard(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");

    assert_int_equal(am_account_allow_ip(a, "192.168.1.x"), 0);
    assert_true(am_account_ip_allowed(a, "192.168.1.0"));
    assert_true(am_account_ip_allowed(a, "192.168.1.77"));
    assert_true(am_account_ip_allowed(a, "192.168.1.255"));
    assert_false(am_account_ip_allowed(a, "192.168.2.1"));
    assert_false(am_account_ip_allowed(a, "192.168.10.1"));
    assert_false(am_account_ip_allowed(a, "2001:db8::1"));
}

static void test_registry_allowlist_compares_mapped_ipv6_as_ipv4(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");

    assert_int_equal(am_account_allow_ip(a, "192.168.1.x"), 0);
    assert_int_equal(am_account_allow_ip(a, "203.0.113.7"), 0);
    assert_int_equal(am_account_allow_ip(a, "::ffff:10.0.0.1"), 0);
    assert_true(am_account_ip_allowed(a, "::ffff:192.168.1.77"));
    assert_true(am_account_ip_allowed(a, "::FFFF:203.0.113.7"));
    assert_true(am_account_ip_allowed(a, "10.0.0.1"));
    assert_false(am_account_ip_allowed(a, "::ffff:203.0.113.8"));
    /* Not mapped: an IPv4-compatible or plain IPv6 address is not the IPv4 one. */
    assert_false(am_account_ip_allowed(a, "::203.0.113.7"));
}

static void test_registry_allowlist_matches_ipv6_after_normalising(void **state)
{
    struct am_account *a = am_registry_add_account(*state, "acc1");

    assert_int_equal(am_account_allow_ip(a, "2001:db8::1"), 0);
    assert_true(am_account_ip_allowed(a, "2001:db8::1"));
    assert_true(am_account_ip_allowed(a, "2001:0DB8:0000:0000:0000:0000:0000:0001"));
    assert_false(am_account_ip_allowed(a, "2001:db8::2"));
    assert_false(am_account_ip_allowed(a, "127.0.0.1"));
    assert_false(am_account_ip_allowed(a, "::1"));
}

static void test_registry_wallet_ids_are_stable_uuids(void **state)
{
    struct am_registry *reg = *state, *other = am_registry_new();
    struct am_account *a = am_registry_add_account(reg, "default");
    struct am_account *b = am_registry_add_account(reg, "acc_b");
    struct am_account *again = am_registry_add_account(other, "default");

    assert_int_equal(strlen(a->wallet_id), 36);
    assert_int_equal(a->wallet_id[8], '-');
    assert_int_equal(a->wallet_id[14], '4');
    assert_string_not_equal(a->wallet_id, b->wallet_id);
    /* Same id, same wallet: a snapshot restored elsewhere keeps it. */
    assert_string_equal(a->wallet_id, again->wallet_id);
    assert_ptr_equal(am_registry_find_wallet(reg, b->wallet_id), b);
    assert_null(am_registry_find_wallet(reg, "00000000-0000-4000-8000-000000000000"));
    assert_null(am_registry_find_wallet(reg, NULL));
    am_registry_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_registry_new_account_has_defaults),
        T(test_registry_wallet_ids_are_stable_uuids),
        T(test_registry_rejects_duplicate_and_bad_ids),
        T(test_registry_keeps_creation_order_and_stable_pointers),
        T(test_registry_adds_key_from_plaintext_keeping_only_hash),
        T(test_registry_adds_key_from_sha256_hex),
        T(test_registry_rejects_bad_key_material),
        T(test_registry_rejects_duplicate_key_anywhere),
        T(test_registry_rejects_eleventh_key),
        T(test_registry_deletes_key_for_good),
        T(test_registry_lookup_survives_churn),
        T(test_registry_lookup_of_unknown_key_is_null),
        T(test_registry_no_allowlist_allows_everyone),
        T(test_registry_allowlist_validates_entries),
        T(test_registry_allowlist_is_bounded),
        T(test_registry_allowlist_matches_exact_ipv4),
        T(test_registry_allowlist_matches_last_octet_wildcard),
        T(test_registry_allowlist_compares_mapped_ipv6_as_ipv4),
        T(test_registry_allowlist_matches_ipv6_after_normalising),
#undef T
    };

    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}

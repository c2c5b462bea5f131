/* test_fixtures.c - accounts.json loading: the embedded default, and every error message. */
#include "test_helpers.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "crypto.h"
#include "fixtures.h"
#include "registry.h"

#define NOW INT64_C(1767225600)
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define KEY_A "$aact_hmlg_AAAAAAAAAAAAAAAAAAAAAAAA"
#define KEY_B "$aact_hmlg_BBBBBBBBBBBBBBBBBBBBBBBB"

static char err[512];

static char *read_all(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[len] = '\0';
    fclose(f);
    *ret_len = (size_t)len;
    return buf;
}

/* Loads text into a fresh registry; returns the result code, registry in *ret_reg. */
static int load(const char *text, struct am_registry **ret_reg)
{
    struct am_registry *reg = am_registry_new();
    int r;

    assert_non_null(reg);
    err[0] = '\0';
    r = am_fixtures_load_accounts(reg, text, strlen(text), "fx.json", NOW, err, sizeof(err));
    if (ret_reg)
        *ret_reg = reg;
    else
        am_registry_free(reg);
    return r;
}

static void expect_error(const char *text, const char *want)
{
    int r = load(text, NULL);

    if (r != -EINVAL || strcmp(err, want) != 0)
        fail_msg("got %d '%s'\nwant -EINVAL '%s'", r, err, want);
}

static struct am_account *lookup(struct am_registry *reg, const char *plaintext,
                                 struct am_api_key **ret_key)
{
    uint8_t sha[AM_SHA256_LEN];

    am_sha256(plaintext, strlen(plaintext), sha);
    return am_registry_lookup(reg, sha, ret_key);
}

static void test_fixtures_embedded_default_matches_repo_file(void **state)
{
    size_t len = 0;
    char *file = read_all(am_test_source_path("fixtures/accounts.json"), &len);

    (void)state;
    if (!file)
        fail_msg("cannot read %s (is AM_SOURCE_ROOT set?)",
                 am_test_source_path("fixtures/accounts.json"));
    assert_int_equal(len, strlen(am_fixtures_default_accounts));
    assert_memory_equal(file, am_fixtures_default_accounts, len);
    free(file);
}

static void test_fixtures_embedded_default_loads(void **state)
{
    struct am_registry *reg = NULL;
    struct am_account *acc;
    struct am_api_key *key = NULL;

    (void)state;
    assert_int_equal(load(am_fixtures_default_accounts, &reg), 0);
    assert_int_equal(am_registry_count(reg), 1);
    acc = am_registry_find_account(reg, "default");
    assert_non_null(acc);
    assert_string_equal(acc->name, "Conta de desenvolvimento");
    assert_true(acc->require_user_agent);
    assert_int_equal(acc->n_allowed_ips, 0);
    assert_ptr_equal(lookup(reg, DEV_KEY, &key), acc);
    assert_non_null(key);
    assert_string_equal(key->name, "development");
    assert_true(key->enabled);
    assert_int_equal(key->expires_at, 0);
    assert_int_equal(key->created_at, NOW);
    assert_string_equal(key->display, "$aact_hmlg_...cmV0");
    am_registry_free(reg);
}

static void test_fixtures_load_dir_reads_repo_fixtures(void **state)
{
    struct am_registry *reg = am_registry_new();

    (void)state;
    assert_int_equal(am_fixtures_load_dir(reg, am_test_source_path("fixtures"), NOW, err,
                                          sizeof(err)),
                     0);
    assert_non_null(am_registry_find_account(reg, "default"));
    assert_non_null(lookup(reg, DEV_KEY, NULL));
    am_registry_free(reg);
}

static void test_fixtures_load_dir_missing(void **state)
{
    struct am_registry *reg = am_registry_new();

    (void)state;
    assert_int_equal(am_fixtures_load_dir(reg, "/nonexistent-dir", NOW, err, sizeof(err)),
                     -ENOENT);
    assert_string_equal(err, "/nonexistent-dir/accounts.json: cannot open: No such file or directory");
    am_registry_free(reg);
}

/* A folder without accounts.json (what `asaas-mock record --out` writes) replays with the
 * embedded default accounts; the return value 1 tells the caller to say so. */
static void test_fixtures_load_dir_without_accounts_uses_embedded_default(void **state)
{
    char dir[] = "/tmp/am_test_fixtures_XXXXXX";
    struct am_registry *reg = am_registry_new();

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(am_fixtures_load_dir(reg, dir, NOW, err, sizeof(err)), 1);
    assert_non_null(am_registry_find_account(reg, "default"));
    assert_non_null(lookup(reg, DEV_KEY, NULL));
    rmdir(dir);
    am_registry_free(reg);
}

static void test_fixtures_load_dir_error_names_the_file(void **state)
{
    char dir[] = "/tmp/am_test_fixtures_XXXXXX";
    char path[128], want[256];
    struct am_registry *reg = am_registry_new();
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/accounts.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"accounts\": [\n  {\"id\": \"a\", \"bogus\": 1}\n]}\n", f);
    fclose(f);
    assert_int_equal(am_fixtures_load_dir(reg, dir, NOW, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s: accounts[0]: unknown field 'bogus'", path);
    assert_string_equal(err, want);
    unlink(path);
    rmdir(dir);
    am_registry_free(reg);
}

/* Text that is not UTF-8 (or a "\u0000") never gets into the registry from a file. */
static void test_fixtures_invalid_utf8_refused_with_its_place(void **state)
{
    (void)state;
    expect_error("{\"accounts\": [\n  {\"id\": \"a\", \"name\": \"Jo\xe3o\"}\n]}\n",
                 "fx.json:2:26: invalid UTF-8");
    expect_error("{\"accounts\": [{\"id\": \"a\\u0000b\"}]}",
                 "fx.json:1:24: \\u0000 is not accepted in a string");
}

static void test_fixtures_invalid_json_reports_line_and_column(void **state)
{
    (void)state;
    /* Missing comma: the offending '"' is on line 3, column 16. */
    expect_error("{\n"
                 "  \"accounts\": [\n"
                 "    {\"id\": \"a\" \"name\": \"x\"}\n"
                 "  ]\n"
                 "}\n",
                 "fx.json:3:16: invalid JSON");
    /* Trailing comma in an object: cJSON points just past the '}' (line 2, column 12), so
     * only the line is pinned here. */
    assert_int_equal(load("{\"accounts\": [\n"
                          "{\"id\": \"a\",}]}",
                          NULL),
                     -EINVAL);
    assert_int_equal(strncmp(err, "fx.json:2:", 10), 0);
    assert_non_null(strstr(err, ": invalid JSON"));
    expect_error("x", "fx.json:1:1: invalid JSON");
    expect_error("", "fx.json:1:1: invalid JSON");
    expect_error("\n\n   @", "fx.json:3:4: invalid JSON");
}

static void test_fixtures_top_level_errors(void **state)
{
    (void)state;
    expect_error("[]", "fx.json: top level: must be an object with \"accounts\"");
    expect_error("{\"accounts\": [], \"extra\": 1}", "fx.json: top level: unknown field 'extra'");
    expect_error("{}", "fx.json: accounts: must be an array");
    expect_error("{\"accounts\": {}}", "fx.json: accounts: must be an array");
}

static void test_fixtures_account_errors(void **state)
{
    (void)state;
    expect_error("{\"accounts\": [{\"id\": \"a\", \"nmae\": \"x\"}]}",
                 "fx.json: accounts[0]: unknown field 'nmae'");
    expect_error("{\"accounts\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"a\"}]}",
                 "fx.json: accounts[2]: duplicate account id 'a'");
    expect_error("{\"accounts\": [1]}", "fx.json: accounts[0]: must be an object");
    expect_error("{\"accounts\": [{\"name\": \"x\"}]}",
                 "fx.json: accounts[0]: id must be a string of 1..63 characters");
    expect_error("{\"accounts\": [{\"id\": \"\"}]}",
                 "fx.json: accounts[0]: id must be a string of 1..63 characters");
    expect_error("{\"accounts\": [{\"id\": \"a/b\"}]}",
                 "fx.json: accounts[0]: id may only use letters, digits, . _ -");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"requireUserAgent\": \"yes\"}]}",
                 "fx.json: accounts[0]: requireUserAgent must be true or false");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"allowedIps\": \"1.2.3.4\"}]}",
                 "fx.json: accounts[0]: allowedIps must be an array of strings");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": {}}]}",
                 "fx.json: accounts[0]: keys must be an array");
}

static void test_fixtures_bad_allowed_ip_names_its_path(void **state)
{
    (void)state;
    expect_error("{\"accounts\": [{\"id\": \"a\", \"allowedIps\": [\"10.0.0.1\", \"300.1.1.1\"]}]}",
                 "fx.json: accounts[0].allowedIps[1]: must be an IPv4 address (last octet may be "
                 "x) or an IPv6 address");
    expect_error("{\"accounts\": [{\"id\": \"z\"}, {\"id\": \"a\", \"allowedIps\": [5]}]}",
                 "fx.json: accounts[1].allowedIps[0]: must be an IPv4 address (last octet may be "
                 "x) or an IPv6 address");
}

static void test_fixtures_key_errors(void **state)
{
    (void)state;
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\", \"secret\": 1}]}]}",
                 "fx.json: accounts[0].keys[0]: unknown field 'secret'");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\"}, {\"name\": \"n\"}]}]}",
                 "fx.json: accounts[0].keys[1]: give exactly one of key or sha256");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\", \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000"
                 "\"}]}]}",
                 "fx.json: accounts[0].keys[0]: give exactly one of key or sha256");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"sha256\": \"abc\"}]}]}",
                 "fx.json: accounts[0].keys[0]: sha256 must be 64 hex characters");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"sha256\": "
                 "\"g000000000000000000000000000000000000000000000000000000000000000\"}]}]}",
                 "fx.json: accounts[0].keys[0]: sha256 is not valid hex");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"notakey\"}]}]}",
                 "fx.json: accounts[0].keys[0]: key is not shaped like an Asaas key ($aact_...)");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"Bearer " KEY_A "\"}]}]}",
                 "fx.json: accounts[0].keys[0]: key is not shaped like an Asaas key ($aact_...)");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": 5}]}]}",
                 "fx.json: accounts[0].keys[0]: key must be a string");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\", \"enabled\": 1}]}]}",
                 "fx.json: accounts[0].keys[0]: enabled must be true or false");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [7]}]}",
                 "fx.json: accounts[0].keys[0]: must be an object");
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A "\"}]},"
                 " {\"id\": \"b\", \"keys\": [{\"key\": \"" KEY_A "\"}]}]}",
                 "fx.json: accounts[1].keys[0]: this key is already registered");
}

static void test_fixtures_key_error_never_echoes_the_key(void **state)
{
    (void)state;
    assert_int_equal(load("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                          " \"}]}]}",
                          NULL),
                     -EINVAL);
    assert_null(strstr(err, "AAAAAAAA"));
    assert_int_equal(load("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                          "\"}, {\"key\": \"" KEY_A "\"}]}]}",
                          NULL),
                     -EINVAL);
    assert_null(strstr(err, "AAAAAAAA"));
}

static void test_fixtures_bad_expiration_date(void **state)
{
    static const char *const bad[] = {"2026-02-30", "2026-13-01", "tomorrow", "2026-01-01T00:00:00"};
    char text[512];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text),
                 "{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\", \"expirationDate\": \"%s\"}]}]}",
                 bad[i]);
        expect_error(text, "fx.json: accounts[0].keys[0]: expirationDate must be \"YYYY-MM-DD "
                           "HH:MM:SS\", \"YYYY-MM-DD\" or null");
    }
    expect_error("{\"accounts\": [{\"id\": \"a\", \"keys\": [{\"key\": \"" KEY_A
                 "\", \"expirationDate\": 20260101}]}]}",
                 "fx.json: accounts[0].keys[0]: expirationDate must be \"YYYY-MM-DD HH:MM:SS\", "
                 "\"YYYY-MM-DD\" or null");
}

static void test_fixtures_eleven_keys_rejected(void **state)
{
    char text[4096];
    size_t n;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "{\"accounts\": [{\"id\": \"a\", \"keys\": [");
    for (int i = 0; i < 11; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"key\": \"$aact_hmlg_KEYKEYKEYKEYKEY%02d\"}", i ? ", " : "", i);
    snprintf(text + n, sizeof(text) - n, "]}]}");
    expect_error(text, "fx.json: accounts[0].keys[10]: more than 10 keys on one account");

    /* Exactly 10 is fine. */
    n = (size_t)snprintf(text, sizeof(text), "{\"accounts\": [{\"id\": \"a\", \"keys\": [");
    for (int i = 0; i < 10; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"key\": \"$aact_hmlg_KEYKEYKEYKEYKEY%02d\"}", i ? ", " : "", i);
    snprintf(text + n, sizeof(text) - n, "]}]}");
    assert_int_equal(load(text, NULL), 0);
}

static void test_fixtures_full_account_fields(void **state)
{
    struct am_registry *reg = NULL;
    struct am_account *a, *b;
    struct am_api_key *k = NULL;
    int64_t want_exp;

    (void)state;
    assert_int_equal(load("{\"accounts\": ["
                          "{\"id\": \"shop-1\", \"name\": \"Loja\", \"requireUserAgent\": false,"
                          " \"allowedIps\": [\"203.0.113.7\", \"192.168.1.x\", \"::1\"],"
                          " \"keys\": [{\"name\": \"ci\", \"key\": \"" KEY_A "\","
                          " \"enabled\": false, \"expirationDate\": \"2026-06-30 18:00:00\"}]},"
                          "{\"id\": \"b\"}]}",
                          &reg),
                     0);
    assert_int_equal(am_registry_count(reg), 2);
    a = am_registry_find_account(reg, "shop-1");
    assert_non_null(a);
    assert_ptr_equal(am_registry_account_at(reg, 0), a);
    assert_string_equal(a->name, "Loja");
    assert_false(a->require_user_agent);
    assert_int_equal(a->n_allowed_ips, 3);
    assert_string_equal(a->allowed_ips[1], "192.168.1.x");
    assert_ptr_equal(lookup(reg, KEY_A, &k), a);
    assert_string_equal(k->name, "ci");
    assert_false(k->enabled);
    assert_int_equal(am_clock_parse_datetime("2026-06-30 18:00:00", &want_exp), 0);
    assert_int_equal(k->expires_at, want_exp);
    /* Defaults for an account with only an id. */
    b = am_registry_find_account(reg, "b");
    assert_non_null(b);
    assert_true(b->require_user_agent);
    assert_int_equal(b->n_allowed_ips, 0);
    am_registry_free(reg);
}

static void test_fixtures_hashed_key_authenticates(void **state)
{
    uint8_t sha[AM_SHA256_LEN];
    char hex[2 * AM_SHA256_LEN + 1], text[1024];
    struct am_registry *reg = NULL;
    struct am_api_key *k = NULL;
    struct am_account *acc;

    (void)state;
    am_sha256(KEY_B, strlen(KEY_B), sha);
    am_hex(sha, sizeof(sha), hex);
    snprintf(text, sizeof(text),
             "{\"accounts\": [{\"id\": \"ci\", \"keys\": [{\"name\": \"pipeline\","
             " \"sha256\": \"%s\", \"display\": \"$aact_hmlg_...BBBB\"}]}]}",
             hex);
    assert_int_equal(load(text, &reg), 0);
    acc = lookup(reg, KEY_B, &k);
    assert_non_null(acc);
    assert_string_equal(acc->id, "ci");
    assert_string_equal(k->name, "pipeline");
    assert_string_equal(k->display, "$aact_hmlg_...BBBB");
    assert_true(k->enabled);
    assert_null(lookup(reg, KEY_A, NULL));
    am_registry_free(reg);

    /* Upper-case hex is the same hash; no display gives a neutral placeholder. */
    for (char *p = hex; *p; p++) {
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    }
    snprintf(text, sizeof(text),
             "{\"accounts\": [{\"id\": \"ci\", \"keys\": [{\"sha256\": \"%s\"}]}]}", hex);
    assert_int_equal(load(text, &reg), 0);
    acc = lookup(reg, KEY_B, &k);
    assert_non_null(acc);
    assert_string_equal(k->display, "(hash)");
    am_registry_free(reg);
}

/* A fixture (or a snapshot, which is the same format) cannot make a whole key a display:
 * only the redacted shape is kept, anything else becomes "(hash)", so listings and every
 * snapshot (GET /__mock/state, --state-out, the --state-file) never hold it. */
static void test_fixtures_display_holding_a_whole_key_is_replaced(void **state)
{
    uint8_t sha[AM_SHA256_LEN];
    char hex[2 * AM_SHA256_LEN + 1], text[1024];
    struct am_registry *reg = NULL;
    struct am_api_key *k = NULL;

    (void)state;
    am_sha256(KEY_B, strlen(KEY_B), sha);
    am_hex(sha, sizeof(sha), hex);
    snprintf(text, sizeof(text),
             "{\"accounts\": [{\"id\": \"ci\", \"keys\": [{\"sha256\": \"%s\","
             " \"display\": \"%s\"}]}]}",
             hex, KEY_B);
    assert_int_equal(load(text, &reg), 0);
    assert_non_null(lookup(reg, KEY_B, &k));
    assert_string_equal(k->display, "(hash)");
    am_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_display_holding_a_whole_key_is_replaced),
        cmocka_unit_test(test_fixtures_embedded_default_matches_repo_file),
        cmocka_unit_test(test_fixtures_embedded_default_loads),
        cmocka_unit_test(test_fixtures_load_dir_reads_repo_fixtures),
        cmocka_unit_test(test_fixtures_load_dir_missing),
        cmocka_unit_test(test_fixtures_load_dir_without_accounts_uses_embedded_default),
        cmocka_unit_test(test_fixtures_invalid_utf8_refused_with_its_place),
        cmocka_unit_test(test_fixtures_load_dir_error_names_the_file),
        cmocka_unit_test(test_fixtures_invalid_json_reports_line_and_column),
        cmocka_unit_test(test_fixtures_top_level_errors),
        cmocka_unit_test(test_fixtures_account_errors),
        cmocka_unit_test(test_fixtures_bad_allowed_ip_names_its_path),
        cmocka_unit_test(test_fixtures_key_errors),
        cmocka_unit_test(test_fixtures_key_error_never_echoes_the_key),
        cmocka_unit_test(test_fixtures_bad_expiration_date),
        cmocka_unit_test(test_fixtures_eleven_keys_rejected),
        cmocka_unit_test(test_fixtures_full_account_fields),
        cmocka_unit_test(test_fixtures_hashed_key_authenticates),
    };
    return cmocka_run_group_tests_name("fixtures", tests, NULL, NULL);
}

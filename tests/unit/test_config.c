/* test_config.c - defaults, config file < environment < flags, and validation messages. */
#include "test_helpers.h"

#include <errno.h>
#include <getopt.h>
#include <unistd.h>

#include "config.h"

#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define KEY_B "$aact_hmlg_BBBBBBBBBBBBBBBBBBBBBBBB"
#define KEY_C "$aact_hmlg_CCCCCCCCCCCCCCCCCCCCCCCC"
#define KEY_D "$aact_prod_DDDDDDDDDDDDDDDDDDDDDDDD"

static char err[512];

/* getopt keeps a pointer into the last argv it scanned; point it at static storage so
 * freeing our argv copies can never leave it dangling for the next test. */
static void reset_getopt(void)
{
    static char prog[] = "x";
    static char *argv[] = {prog, NULL};

    optind = 0;
    (void)getopt(1, argv, "");
    optind = 1;
}

/* Runs am_config_load on writable copies of args (after argv[0]) and env. */
static int load(struct am_config *cfg, const char *const *args, const char *const *env)
{
    char *argv[128], *envp[64];
    int argc = 0, nenv = 0, r;

    argv[argc++] = strdup("asaas-mock");
    for (; args && *args; args++)
        argv[argc++] = strdup(*args);
    argv[argc] = NULL;
    for (; env && *env; env++)
        envp[nenv++] = strdup(*env);
    envp[nenv] = NULL;
    err[0] = '\0';
    r = am_config_load(cfg, argc, argv, envp, err, sizeof(err));
    reset_getopt();
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    for (int i = 0; i < nenv; i++)
        free(envp[i]);
    return r;
}

/* Runs am_config_load_record on writable copies of args (after argv[0] "record"). */
static int load_record(struct am_config *cfg, const char *const *args)
{
    char *argv[64];
    int argc = 0, r;

    argv[argc++] = strdup("record");
    for (; args && *args; args++)
        argv[argc++] = strdup(*args);
    argv[argc] = NULL;
    err[0] = '\0';
    am_config_defaults(cfg);
    r = am_config_load_record(cfg, argc, argv, err, sizeof(err));
    reset_getopt();
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return r;
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/am_test_config_XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void remove_temp(char *path)
{
    unlink(path);
    free(path);
}

/* Loads expecting -EINVAL with an error that starts with prefix. */
static void expect_invalid(const char *const *args, const char *const *env, const char *prefix)
{
    struct am_config cfg;
    int r;

    am_config_defaults(&cfg);
    r = load(&cfg, args, env);
    if (r != -EINVAL || strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("got %d '%s', want -EINVAL and an error starting with '%s'", r, err, prefix);
    am_config_finish(&cfg);
}

static void test_config_defaults(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(cfg.port, 8443);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_int_equal(cfg.plain_port, -1);
    assert_null(cfg.port_file);
    assert_null(cfg.tls_cert);
    assert_null(cfg.tls_key);
    assert_int_equal(cfg.n_tls_sans, 0);
    assert_null(cfg.ca_out);
    assert_int_equal(cfg.environment, AM_ENV_SANDBOX);
    assert_null(cfg.fixtures_dir);
    assert_int_equal(cfg.n_api_keys, 0);
    assert_false(cfg.auto_accounts);
    assert_false(cfg.has_seed);
    assert_int_equal(cfg.idle_timeout, 30);
    assert_int_equal(cfg.max_body, 1048576);
    assert_int_equal(cfg.max_headers, 16384);
    assert_int_equal(cfg.alert_threshold, 10);
    assert_int_equal(cfg.alert_window, 60);
    assert_int_equal(cfg.journal_size, 500);
    assert_null(cfg.admin_token);
    assert_false(cfg.healthcheck);
    assert_false(cfg.show_version);
    assert_false(cfg.show_help);
    am_config_finish(&cfg);
}

static void test_config_load_nothing_keeps_defaults(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, NULL), 0);
    assert_int_equal(cfg.port, 8443);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_int_equal(cfg.idle_timeout, 30);
    /* Unrelated environment variables are ignored. */
    assert_int_equal(load(&cfg, NULL, (const char *const[]){"PATH=/bin", "ASAAS_MOCK=1",
                                                             "ASAAS_MOCK_PORTX=1", NULL}),
                     0);
    assert_int_equal(cfg.port, 8443);
    am_config_finish(&cfg);
}

static void test_config_every_flag(void **state)
{
    static const char *const args[] = {
        "--port", "0", "--bind", "0.0.0.0", "--plain-port", "8080", "--port-file", "/tmp/pf",
        "--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--ca-out", "/ca.pem", "--environment",
        "production", "--fixtures", "/fx", "--auto-accounts", "--seed", "18446744073709551615",
        "--idle-timeout", "5", "--max-body", "2048", "--max-headers", "4096",
        "--alert-threshold", "3", "--alert-window", "10", "--journal-size", "7",
        "--shutdown-grace-ms", "0", "--log-level", "debug", "--healthcheck", "--version",
        "--help", NULL};
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, args, NULL), 0);
    assert_int_equal(cfg.port, 0);
    assert_string_equal(cfg.bind, "0.0.0.0");
    assert_int_equal(cfg.plain_port, 8080);
    assert_string_equal(cfg.port_file, "/tmp/pf");
    assert_string_equal(cfg.tls_cert, "/c.pem");
    assert_string_equal(cfg.tls_key, "/k.pem");
    assert_string_equal(cfg.ca_out, "/ca.pem");
    assert_int_equal(cfg.environment, AM_ENV_PRODUCTION);
    assert_string_equal(cfg.fixtures_dir, "/fx");
    assert_true(cfg.auto_accounts);
    assert_true(cfg.has_seed);
    assert_true(cfg.seed == UINT64_MAX);
    assert_int_equal(cfg.idle_timeout, 5);
    assert_int_equal(cfg.max_body, 2048);
    assert_int_equal(cfg.max_headers, 4096);
    assert_int_equal(cfg.alert_threshold, 3);
    assert_int_equal(cfg.alert_window, 10);
    assert_int_equal(cfg.journal_size, 7);
    assert_int_equal(cfg.shutdown_grace_ms, 0);
    assert_string_equal(cfg.log_level, "debug");
    assert_true(cfg.healthcheck);
    assert_true(cfg.show_version);
    assert_true(cfg.show_help);
    am_config_finish(&cfg);
}

static void test_config_flag_equals_form_and_short_options(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--port=9001", "-V", "-h", NULL}, NULL), 0);
    assert_int_equal(cfg.port, 9001);
    assert_true(cfg.show_version);
    assert_true(cfg.show_help);
    am_config_finish(&cfg);
}

static void test_config_webhook_options(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(cfg.webhook_timeout_ms, 10000);
    assert_null(cfg.webhook_ca);
    assert_int_equal(load(&cfg, (const char *const[]){"--webhook-ca", "/ca.pem",
                                                      "--webhook-timeout=2500", NULL},
                          NULL), 0);
    assert_string_equal(cfg.webhook_ca, "/ca.pem");
    assert_int_equal(cfg.webhook_timeout_ms, 2500);
    am_config_finish(&cfg);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--webhook-timeout=0", NULL}, NULL),
                     -EINVAL);
    am_config_finish(&cfg);
}

static void test_config_security_report_options(void **state)
{
    static const char *const env[] = {"ASAAS_MOCK_FAIL_ON_FINDINGS=advice",
                                      "ASAAS_MOCK_KEY_ROTATION_DAYS=30", NULL};
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_null(cfg.security_report);
    assert_int_equal(cfg.fail_on_findings, -1);
    assert_int_equal(cfg.key_rotation_days, 90);
    assert_int_equal(cfg.status_poll_interval, 30);
    assert_int_equal(load(&cfg, (const char *const[]){"--security-report", "/r.md",
                                                      "--fail-on-findings", "warning",
                                                      "--status-poll-interval=0", NULL},
                          env),
                     0);
    assert_string_equal(cfg.security_report, "/r.md");
    assert_int_equal(cfg.fail_on_findings, 1); /* the flag wins over the environment */
    assert_int_equal(cfg.key_rotation_days, 30);
    assert_int_equal(cfg.status_poll_interval, 0);
    am_config_finish(&cfg);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--fail-on-findings", "high", NULL}, NULL),
                     -EINVAL);
    assert_non_null(strstr(err, "--fail-on-findings"));
    assert_non_null(strstr(err, "advice, warning or error"));
    am_config_finish(&cfg);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--key-rotation-days=0", NULL}, NULL),
                     -EINVAL);
    am_config_finish(&cfg);
}

static void test_config_every_environment_variable(void **state)
{
    static const char *const env[] = {
        "ASAAS_MOCK_PORT=0", "ASAAS_MOCK_BIND=::1", "ASAAS_MOCK_PLAIN_PORT=8081",
        "ASAAS_MOCK_PORT_FILE=/pf", "ASAAS_MOCK_TLS_CERT=/c", "ASAAS_MOCK_TLS_KEY=/k",
        "ASAAS_MOCK_CA_OUT=/ca", "ASAAS_MOCK_ENVIRONMENT=production", "ASAAS_MOCK_FIXTURES=/fx",
        "ASAAS_MOCK_AUTO_ACCOUNTS=1", "ASAAS_MOCK_SEED=7", "ASAAS_MOCK_IDLE_TIMEOUT=9",
        "ASAAS_MOCK_MAX_BODY=4096", "ASAAS_MOCK_MAX_HEADERS=8192",
        "ASAAS_MOCK_ALERT_THRESHOLD=4", "ASAAS_MOCK_ALERT_WINDOW=30",
        "ASAAS_MOCK_JOURNAL_SIZE=50", "ASAAS_MOCK_ADMIN_TOKEN=adm-secret",
        "ASAAS_MOCK_LOG_LEVEL=warn", NULL};
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, env), 0);
    assert_int_equal(cfg.port, 0);
    assert_string_equal(cfg.bind, "::1");
    assert_int_equal(cfg.plain_port, 8081);
    assert_string_equal(cfg.port_file, "/pf");
    assert_string_equal(cfg.tls_cert, "/c");
    assert_string_equal(cfg.tls_key, "/k");
    assert_string_equal(cfg.ca_out, "/ca");
    assert_int_equal(cfg.environment, AM_ENV_PRODUCTION);
    assert_string_equal(cfg.fixtures_dir, "/fx");
    assert_true(cfg.auto_accounts);
    assert_true(cfg.has_seed);
    assert_int_equal(cfg.seed, 7);
    assert_int_equal(cfg.idle_timeout, 9);
    assert_int_equal(cfg.max_body, 4096);
    assert_int_equal(cfg.max_headers, 8192);
    assert_int_equal(cfg.alert_threshold, 4);
    assert_int_equal(cfg.alert_window, 30);
    assert_int_equal(cfg.journal_size, 50);
    assert_string_equal(cfg.admin_token, "adm-secret");
    assert_string_equal(cfg.log_level, "warn");
    am_config_finish(&cfg);
}

static void test_config_flags_override_env_override_file(void **state)
{
    char *path = write_temp("{\"port\": 1111, \"bind\": \"127.0.0.2\", \"idleTimeout\": 11,"
                            " \"journalSize\": 12, \"environment\": \"production\"}");
    char env_config[128], flag_config[128];
    struct am_config cfg;

    (void)state;
    snprintf(env_config, sizeof(env_config), "ASAAS_MOCK_CONFIG=%s", path);
    snprintf(flag_config, sizeof(flag_config), "--config=%s", path);

    /* File alone. */
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, (const char *const[]){env_config, NULL}), 0);
    assert_int_equal(cfg.port, 1111);
    assert_string_equal(cfg.bind, "127.0.0.2");
    assert_int_equal(cfg.idle_timeout, 11);
    assert_int_equal(cfg.journal_size, 12);
    assert_int_equal(cfg.environment, AM_ENV_PRODUCTION);
    am_config_finish(&cfg);

    /* Environment beats the file; flags beat both; untouched keys keep the file's value. */
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--port", "3333", NULL},
                          (const char *const[]){env_config, "ASAAS_MOCK_PORT=2222",
                                                "ASAAS_MOCK_BIND=127.0.0.3",
                                                "ASAAS_MOCK_IDLE_TIMEOUT=22", NULL}),
                     0);
    assert_int_equal(cfg.port, 3333);
    assert_string_equal(cfg.bind, "127.0.0.3");
    assert_int_equal(cfg.idle_timeout, 22);
    assert_int_equal(cfg.journal_size, 12);
    am_config_finish(&cfg);

    /* --config given as a flag works the same, and still sits below the environment. */
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){flag_config, "--environment", "sandbox",
                                                      NULL},
                          (const char *const[]){"ASAAS_MOCK_JOURNAL_SIZE=99", NULL}),
                     0);
    assert_int_equal(cfg.port, 1111);
    assert_int_equal(cfg.journal_size, 99);
    assert_int_equal(cfg.environment, AM_ENV_SANDBOX);
    am_config_finish(&cfg);
    remove_temp(path);
}

static void test_config_file_accepts_lists_bools_and_admin_token(void **state)
{
    char *path = write_temp("{\"apiKeys\": [\"" KEY_B "\", \"" KEY_C "\"],"
                            " \"tlsSans\": [\"mock.local\"], \"autoAccounts\": true,"
                            " \"adminToken\": \"from-file\", \"seed\": 5, \"maxBody\": 4096}");
    char env_config[128];
    struct am_config cfg;

    (void)state;
    snprintf(env_config, sizeof(env_config), "ASAAS_MOCK_CONFIG=%s", path);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, (const char *const[]){env_config, NULL}), 0);
    assert_int_equal(cfg.n_api_keys, 2);
    assert_string_equal(cfg.api_keys[0], KEY_B);
    assert_string_equal(cfg.api_keys[1], KEY_C);
    assert_int_equal(cfg.n_tls_sans, 1);
    assert_string_equal(cfg.tls_sans[0], "mock.local");
    assert_true(cfg.auto_accounts);
    assert_string_equal(cfg.admin_token, "from-file");
    assert_true(cfg.has_seed);
    assert_int_equal(cfg.seed, 5);
    assert_int_equal(cfg.max_body, 4096);
    am_config_finish(&cfg);

    /* ASAAS_MOCK_API_KEYS replaces the file's keys rather than adding to them. */
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, (const char *const[]){env_config,
                                                            "ASAAS_MOCK_API_KEYS=" DEV_KEY,
                                                            NULL}),
                     0);
    assert_int_equal(cfg.n_api_keys, 1);
    assert_string_equal(cfg.api_keys[0], DEV_KEY);
    am_config_finish(&cfg);
    remove_temp(path);
}

static void test_config_comma_lists_in_environment(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL,
                          (const char *const[]){"ASAAS_MOCK_API_KEYS=" KEY_B ", " KEY_C ",,",
                                                "ASAAS_MOCK_TLS_SANS=mock.local, 10.0.0.5 ,::2",
                                                NULL}),
                     0);
    assert_int_equal(cfg.n_api_keys, 2);
    assert_string_equal(cfg.api_keys[0], KEY_B);
    assert_string_equal(cfg.api_keys[1], KEY_C);
    assert_int_equal(cfg.n_tls_sans, 3);
    assert_string_equal(cfg.tls_sans[0], "mock.local");
    assert_string_equal(cfg.tls_sans[1], "10.0.0.5");
    assert_string_equal(cfg.tls_sans[2], "::2");
    am_config_finish(&cfg);
}

static void test_config_repeated_flags_accumulate(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg,
                          (const char *const[]){"--api-key", KEY_B, "--tls-san", "a.local",
                                                "--api-key", KEY_C, "--tls-san", "b.local",
                                                "--api-key", DEV_KEY, NULL},
                          NULL),
                     0);
    assert_int_equal(cfg.n_api_keys, 3);
    assert_string_equal(cfg.api_keys[0], KEY_B);
    assert_string_equal(cfg.api_keys[1], KEY_C);
    assert_string_equal(cfg.api_keys[2], DEV_KEY);
    assert_int_equal(cfg.n_tls_sans, 2);
    assert_string_equal(cfg.tls_sans[0], "a.local");
    assert_string_equal(cfg.tls_sans[1], "b.local");
    /* A flag value is one item even with a comma in it. */
    am_config_finish(&cfg);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--tls-san", "x,y", NULL}, NULL), 0);
    assert_int_equal(cfg.n_tls_sans, 1);
    assert_string_equal(cfg.tls_sans[0], "x,y");
    am_config_finish(&cfg);
}

static void test_config_list_limit(void **state)
{
    const char *args[2 * AM_CONFIG_MAX_LIST + 3];
    struct am_config cfg;
    int n = 0;

    (void)state;
    for (int i = 0; i <= AM_CONFIG_MAX_LIST; i++) {
        args[n++] = "--tls-san";
        args[n++] = "h.local";
    }
    args[n] = NULL;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, args, NULL), -EINVAL);
    assert_string_equal(err, "--tls-san: at most 32 values");
    am_config_finish(&cfg);
}

static void test_config_invalid_flag_values_name_the_option(void **state)
{
    (void)state;
    expect_invalid((const char *const[]){"--port", "abc", NULL}, NULL, "--port: 'abc'");
    expect_invalid((const char *const[]){"--port", "70000", NULL}, NULL, "--port: '70000'");
    expect_invalid((const char *const[]){"--port", "-1", NULL}, NULL, "--port: '-1'");
    expect_invalid((const char *const[]){"--port", "80x", NULL}, NULL, "--port: '80x'");
    expect_invalid((const char *const[]){"--port", "", NULL}, NULL, "--port: ''");
    expect_invalid((const char *const[]){"--environment", "staging", NULL}, NULL,
                   "--environment: 'staging' is not sandbox or production");
    expect_invalid((const char *const[]){"--idle-timeout", "0", NULL}, NULL,
                   "--idle-timeout: '0' is not an integer in 1..3600");
    expect_invalid((const char *const[]){"--max-body", "10", NULL}, NULL, "--max-body: '10'");
    expect_invalid((const char *const[]){"--alert-threshold", "0", NULL}, NULL,
                   "--alert-threshold: '0'");
    expect_invalid((const char *const[]){"--journal-size", "0", NULL}, NULL,
                   "--journal-size: '0'");
    expect_invalid((const char *const[]){"--seed", "-3", NULL}, NULL, "--seed: '-3'");
    expect_invalid((const char *const[]){"--seed", "12a", NULL}, NULL, "--seed: '12a'");
    expect_invalid((const char *const[]){"--log-level", "loud", NULL}, NULL,
                   "--log-level: 'loud'");
    expect_invalid((const char *const[]){"--bind", "", NULL}, NULL, "--bind: must not be empty");
    expect_invalid((const char *const[]){"--api-key", "notakey", NULL}, NULL,
                   "--api-key: value #1 is not shaped like an Asaas key");
    expect_invalid((const char *const[]){"--api-key", KEY_B, "--api-key", "Bearer " KEY_C, NULL},
                   NULL, "--api-key: value #2 ");
    expect_invalid((const char *const[]){"--tls-cert", "/c.pem", NULL}, NULL,
                   "--tls-cert/--tls-key: give both or neither");
    expect_invalid((const char *const[]){"--tls-key", "/k.pem", NULL}, NULL,
                   "--tls-cert/--tls-key: give both or neither");
    expect_invalid((const char *const[]){"--port", "9000", "--plain-port", "9000", NULL}, NULL,
                   "--plain-port: must differ from --port");
}

static void test_config_invalid_value_error_does_not_echo_keys(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--api-key", KEY_B "!", NULL}, NULL),
                     -EINVAL);
    assert_null(strstr(err, "BBBBBBBBBBBB"));
    am_config_finish(&cfg);
}

static void test_config_unknown_flag_and_stray_argument(void **state)
{
    (void)state;
    expect_invalid((const char *const[]){"--bogus", NULL}, NULL,
                   "--bogus: unknown option or missing value");
    expect_invalid((const char *const[]){"--port", "1", "--por", NULL}, NULL, "--por: ");
    expect_invalid((const char *const[]){"-x", NULL}, NULL, "-x: unknown option");
    expect_invalid((const char *const[]){"--port", NULL}, NULL,
                   "--port: unknown option or missing value");
    expect_invalid((const char *const[]){"--help=yes", NULL}, NULL, "--help=yes: ");
    /* The admin token is a secret: no flag, so it never shows in `ps`. */
    expect_invalid((const char *const[]){"--admin-token", "t", NULL}, NULL, "--admin-token: ");
    expect_invalid((const char *const[]){"stray", NULL}, NULL, "stray: unexpected argument");
    /* getopt moves non-options to the end; the stray one is still named. */
    expect_invalid((const char *const[]){"stray", "--port", "1", NULL}, NULL,
                   "stray: unexpected argument");
    expect_invalid((const char *const[]){"--port", "1", "--", "after", NULL}, NULL,
                   "after: unexpected argument");
}

static void test_config_invalid_environment_values_name_the_variable(void **state)
{
    (void)state;
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_PORT=abc", NULL},
                   "ASAAS_MOCK_PORT: 'abc'");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ENVIRONMENT=staging", NULL},
                   "ASAAS_MOCK_ENVIRONMENT: 'staging'");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_AUTO_ACCOUNTS=maybe", NULL},
                   "ASAAS_MOCK_AUTO_ACCOUNTS: 'maybe' is not a boolean");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_IDLE_TIMEOUT=0", NULL},
                   "ASAAS_MOCK_IDLE_TIMEOUT: '0'");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_API_KEYS=" KEY_B ",nope", NULL},
                   "--api-key: value #2 ");
    /* A bad environment value is reported even when a flag would override it. */
    expect_invalid((const char *const[]){"--port", "1", NULL},
                   (const char *const[]){"ASAAS_MOCK_PORT=x", NULL}, "ASAAS_MOCK_PORT: 'x'");
}

static void test_config_file_errors(void **state)
{
    char *unknown = write_temp("{\"port\": 1, \"porrt\": 2}");
    char *notobj = write_temp("[1, 2]");
    char *broken = write_temp("{\"port\": ");
    char *badtype = write_temp("{\"port\": [1]}");
    char *badval = write_temp("{\"idleTimeout\": 0}");
    char *badlist = write_temp("{\"tlsSans\": [\"a\", 3]}");
    char *nokey = write_temp("{\"config\": \"/x\"}");
    char env[128], prefix[256];

    (void)state;
    snprintf(env, sizeof(env), "ASAAS_MOCK_CONFIG=%s", unknown);
    expect_invalid(NULL, (const char *const[]){env, NULL}, "config key 'porrt': unknown option");

    snprintf(env, sizeof(env), "--config=%s", notobj);
    snprintf(prefix, sizeof(prefix), "--config: '%s' is not a JSON object", notobj);
    expect_invalid((const char *const[]){env, NULL}, NULL, prefix);

    snprintf(env, sizeof(env), "--config=%s", broken);
    snprintf(prefix, sizeof(prefix), "--config: '%s' is not a JSON object", broken);
    expect_invalid((const char *const[]){env, NULL}, NULL, prefix);

    snprintf(env, sizeof(env), "--config=%s", badtype);
    expect_invalid((const char *const[]){env, NULL}, NULL,
                   "config key 'port': unsupported JSON type");

    snprintf(env, sizeof(env), "--config=%s", badval);
    expect_invalid((const char *const[]){env, NULL}, NULL, "config key 'idleTimeout': '0'");

    snprintf(env, sizeof(env), "--config=%s", badlist);
    expect_invalid((const char *const[]){env, NULL}, NULL,
                   "config key 'tlsSans': must be a list of strings");

    snprintf(env, sizeof(env), "--config=%s", nokey);
    expect_invalid((const char *const[]){env, NULL}, NULL, "config key 'config': unknown option");

    expect_invalid((const char *const[]){"--config", "/nonexistent/asaas-mock.json", NULL}, NULL,
                   "--config: cannot read '/nonexistent/asaas-mock.json'");

    remove_temp(unknown);
    remove_temp(notobj);
    remove_temp(broken);
    remove_temp(badtype);
    remove_temp(badval);
    remove_temp(badlist);
    remove_temp(nokey);
}

static void test_config_is_loopback(void **state)
{
    (void)state;
    assert_true(am_config_is_loopback("127.0.0.1"));
    assert_true(am_config_is_loopback("127.1.2.3"));
    assert_true(am_config_is_loopback("::1"));
    assert_true(am_config_is_loopback("localhost"));
    assert_true(am_config_is_loopback("::ffff:127.0.0.1"));
    assert_false(am_config_is_loopback("0.0.0.0"));
    assert_false(am_config_is_loopback("::"));
    assert_false(am_config_is_loopback("10.0.0.1"));
    assert_false(am_config_is_loopback("192.168.0.127"));
    assert_false(am_config_is_loopback("1270.0.0.1"));
    assert_false(am_config_is_loopback("::2"));
    assert_false(am_config_is_loopback(""));
}

static void test_config_is_loopback_rejects_hostnames_starting_with_127(void **state)
{
    /* evhttp resolves --bind with getaddrinfo, so a DNS name such as "127.example.com" can
     * point anywhere; it must not count as loopback (that would skip the admin-token
     * requirement for a public listener). */
    (void)state;
    assert_false(am_config_is_loopback("127.example.com"));
    assert_false(am_config_is_loopback("127."));
    assert_false(am_config_is_loopback("127.0.0.1.attacker.example"));
}

static void test_config_finish_clears_everything(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, (const char *const[]){"--api-key", KEY_B, "--tls-san", "a", NULL},
                          (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN=t0k", NULL}),
                     0);
    am_config_finish(&cfg);
    assert_null(cfg.bind);
    assert_null(cfg.admin_token);
    assert_int_equal(cfg.n_api_keys, 0);
    assert_null(cfg.api_keys[0]);
    assert_int_equal(cfg.n_tls_sans, 0);
    /* An empty admin token means "none". */
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN=", NULL}), 0);
    assert_null(cfg.admin_token);
    am_config_finish(&cfg);
}

/* A blank token (or one with surrounding whitespace) could never match: header values
 * arrive trimmed, so the control API would refuse every caller. */
static void test_config_blank_admin_token_refused(void **state)
{
    (void)state;
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN= ", NULL},
                   "ASAAS_MOCK_ADMIN_TOKEN: ");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN=\t \t", NULL},
                   "ASAAS_MOCK_ADMIN_TOKEN: ");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN= tok", NULL},
                   "ASAAS_MOCK_ADMIN_TOKEN: ");
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN=tok\n", NULL},
                   "ASAAS_MOCK_ADMIN_TOKEN: ");
    /* The message never echoes the token. */
    expect_invalid(NULL, (const char *const[]){"ASAAS_MOCK_ADMIN_TOKEN=secret ", NULL},
                   "ASAAS_MOCK_ADMIN_TOKEN: ");
    assert_null(strstr(err, "secret"));
}

/* The slowloris deadlines: sane defaults, each settable by flag, variable and file. */
static void test_config_head_and_body_deadlines(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(cfg.head_timeout, 10);
    assert_int_equal(cfg.body_timeout, 30);
    assert_int_equal(load(&cfg, (const char *const[]){"--head-timeout", "3", NULL},
                          (const char *const[]){"ASAAS_MOCK_BODY_TIMEOUT=7", NULL}),
                     0);
    assert_int_equal(cfg.head_timeout, 3);
    assert_int_equal(cfg.body_timeout, 7);
    am_config_finish(&cfg);
    expect_invalid((const char *const[]){"--head-timeout", "0", NULL}, NULL, "--head-timeout: ");
    expect_invalid((const char *const[]){"--body-timeout", "x", NULL}, NULL, "--body-timeout: ");
}

static void test_config_usage_mentions_every_flag(void **state)
{
    static const char *const flags[] = {
        "--port", "--bind", "--port-file", "--plain-port", "--tls-cert", "--tls-key",
        "--tls-san", "--ca-out", "--environment", "--fixtures", "--api-key", "--auto-accounts",
        "--seed", "--idle-timeout", "--head-timeout", "--body-timeout", "--max-body", "--max-headers", "--alert-threshold",
        "--alert-window", "--journal-size", "--config", "--healthcheck", "--version", "--help",
        "ASAAS_MOCK_ADMIN_TOKEN"};
    const char *u = am_config_usage();

    (void)state;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (!strstr(u, flags[i]))
            fail_msg("usage does not mention %s", flags[i]);
    }
}

/* A one-off repair: a command-line flag, never read from the environment. */
static void test_config_state_file_recover_is_a_flag_only(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_false(cfg.state_file_recover);
    assert_int_equal(load(&cfg, NULL, (const char *const[]){"ASAAS_MOCK_STATE_FILE_RECOVER=1",
                                                            NULL}),
                     0);
    assert_false(cfg.state_file_recover);
    assert_int_equal(load(&cfg, (const char *const[]){"--state-file-recover", NULL}, NULL), 0);
    assert_true(cfg.state_file_recover);
    assert_non_null(strstr(am_config_usage(), "--state-file-recover"));
    am_config_finish(&cfg);
}

/* How often the --state-file is compacted: flag, environment; 0 is refused. */
static void test_config_state_file_compact_entries(void **state)
{
    struct am_config cfg;

    (void)state;
    am_config_defaults(&cfg);
    assert_int_equal(cfg.state_compact_entries, 0); /* persist.c's default */
    assert_int_equal(load(&cfg, (const char *const[]){"--state-file-compact-entries", "20", NULL},
                          NULL),
                     0);
    assert_int_equal(cfg.state_compact_entries, 20);
    am_config_finish(&cfg);
    am_config_defaults(&cfg);
    assert_int_equal(load(&cfg, NULL,
                          (const char *const[]){"ASAAS_MOCK_STATE_FILE_COMPACT_ENTRIES=500", NULL}),
                     0);
    assert_int_equal(cfg.state_compact_entries, 500);
    am_config_finish(&cfg);
    expect_invalid((const char *const[]){"--state-file-compact-entries", "0", NULL}, NULL,
                   "--state-file-compact-entries");
    assert_non_null(strstr(am_config_usage(), "--state-file-compact-entries"));
}

static void test_config_record_every_option(void **state)
{
    struct am_config cfg;

    (void)state;
    assert_int_equal(load_record(&cfg, (const char *const[]){"--upstream", "https://up.example:8443/base",
                     "--out", "/tmp/rec", "--upstream-ca", "ca.pem", "--upstream-timeout", "7",
                     "--port", "0", "--bind", "::1", "--port-file", "pf", "--tls-cert", "c.pem",
                     "--tls-key", "k.pem", "--tls-san", "a.test", "--tls-san=b.test",
                     "--ca-out", "ca-out.pem", "--idle-timeout", "5", "--max-body", "2048",
                     "--shutdown-grace-ms", "250", "--log-level", "warn", NULL}), 0);
    assert_string_equal(cfg.upstream, "https://up.example:8443/base");
    assert_string_equal(cfg.out, "/tmp/rec");
    assert_string_equal(cfg.upstream_ca, "ca.pem");
    assert_int_equal(cfg.upstream_timeout, 7);
    assert_int_equal(cfg.port, 0);
    assert_string_equal(cfg.bind, "::1");
    assert_string_equal(cfg.port_file, "pf");
    assert_string_equal(cfg.tls_cert, "c.pem");
    assert_string_equal(cfg.tls_key, "k.pem");
    assert_int_equal(cfg.n_tls_sans, 2);
    assert_string_equal(cfg.tls_sans[1], "b.test");
    assert_string_equal(cfg.ca_out, "ca-out.pem");
    assert_int_equal(cfg.idle_timeout, 5);
    assert_int_equal(cfg.max_body, 2048);
    assert_int_equal(cfg.shutdown_grace_ms, 250);
    assert_string_equal(cfg.log_level, "warn");
    assert_false(cfg.show_help);
    am_config_finish(&cfg);
}

static void test_config_record_defaults_and_help(void **state)
{
    struct am_config cfg;

    (void)state;
    assert_int_equal(load_record(&cfg, (const char *const[]){"--upstream", "https://x", "--out",
                                                             "d", NULL}), 0);
    assert_int_equal(cfg.port, 8443);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_int_equal(cfg.upstream_timeout, 30);
    assert_int_equal(cfg.idle_timeout, 30);
    assert_int_equal(cfg.max_body, 1 << 20);
    assert_int_equal(cfg.shutdown_grace_ms, 10000);
    assert_null(cfg.upstream_ca);
    am_config_finish(&cfg);
    /* --help (or -h) needs nothing else. */
    assert_int_equal(load_record(&cfg, (const char *const[]){"--help", NULL}), 0);
    assert_true(cfg.show_help);
    am_config_finish(&cfg);
    assert_int_equal(load_record(&cfg, (const char *const[]){"-h", NULL}), 0);
    assert_true(cfg.show_help);
    am_config_finish(&cfg);
    for (const char *const *f = (const char *const[]){"--upstream ", "--out ", "--upstream-ca",
                                                      "--upstream-timeout", "--port ", "--bind",
                                                      "--port-file", "--tls-cert", "--tls-key",
                                                      "--tls-san", "--ca-out", "--idle-timeout",
                                                      "--max-body", "--shutdown-grace-ms",
                                                      "--log-level", "--help", NULL};
         *f; f++) {
        if (!strstr(am_config_record_usage(), *f))
            fail_msg("record usage does not mention %s", *f);
    }
}

static void test_config_record_refusals(void **state)
{
    static const struct {
        const char *args[8];
        const char *prefix;
    } cases[] = {
        {{"--out", "d", NULL}, "--upstream: https://HOST[:PORT][/BASE] is required"},
        {{"--upstream", "https://x", NULL}, "--out: DIR is required"},
        {{"--upstream", "https://x", "--out", "d", "--bogus", NULL},
         "--bogus: unknown option or missing value (see record --help)"},
        {{"--upstream", "https://x", "--out", NULL}, "--out: unknown option or missing value"},
        /* Server-only options are unknown here, and the reverse (below). */
        {{"--upstream", "https://x", "--out", "d", "--fixtures", "f", NULL}, "--fixtures: unknown"},
        {{"--upstream", "https://x", "--out", "d", "-V", NULL}, "-V: unknown"},
        {{"--upstream", "https://x", "--out", "d", "stray", NULL}, "stray: unexpected argument"},
        {{"--upstream", "https://x", "--out", "d", "--port", "65536", NULL},
         "--port: '65536' is not an integer in 0..65535"},
        {{"--upstream", "https://x", "--out", "d", "--upstream-timeout", "0", NULL},
         "--upstream-timeout: '0' is not an integer in 1..3600"},
        {{"--upstream", "https://x", "--out", "d", "--max-body", "10", NULL}, "--max-body: "},
        {{"--upstream", "https://x", "--out", "d", "--shutdown-grace-ms", "-1", NULL},
         "--shutdown-grace-ms: "},
        {{"--upstream", "https://x", "--out", "d", "--bind", "", NULL}, "--bind: must not be empty"},
        {{"--upstream", "https://x", "--out", "d", "--log-level", "loud", NULL}, "--log-level: "},
        {{"--upstream", "https://x", "--out", "d", "--tls-cert", "c", NULL},
         "--tls-cert/--tls-key: give both or neither"},
        {{"--upstream", "https://x", "--out", "d", "--port", KEY_B, NULL}, "--port: "},
    };
    struct am_config cfg;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (load_record(&cfg, cases[i].args) != -EINVAL || strncmp(err, cases[i].prefix,
                                                                   strlen(cases[i].prefix)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, err, cases[i].prefix);
        /* A key pasted into the wrong option is never echoed whole. */
        assert_null(strstr(err, "BBBBBBBBBBBBBBBB"));
        am_config_finish(&cfg);
    }
    assert_int_equal(load(&cfg, (const char *const[]){"--upstream", "https://x", NULL}, NULL),
                     -EINVAL);
    assert_non_null(strstr(err, "--upstream: unknown option"));
    am_config_finish(&cfg);
}

/* The recorder reads flags only: the server's ASAAS_MOCK_* variables, exported in the same
 * shell, must not move it (the record parser takes no environment at all). */
static void test_config_record_ignores_environment(void **state)
{
    struct am_config cfg;
    char port[] = "ASAAS_MOCK_PORT=9999", cfgfile[] = "ASAAS_MOCK_CONFIG=/nonexistent";

    (void)state;
    assert_int_equal(putenv(port), 0);
    assert_int_equal(putenv(cfgfile), 0);
    assert_int_equal(load_record(&cfg, (const char *const[]){"--upstream", "https://x", "--out",
                                                             "d", NULL}), 0);
    assert_int_equal(cfg.port, 8443);
    am_config_finish(&cfg);
    unsetenv("ASAAS_MOCK_PORT");
    unsetenv("ASAAS_MOCK_CONFIG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_state_file_recover_is_a_flag_only),
        cmocka_unit_test(test_config_state_file_compact_entries),
        cmocka_unit_test(test_config_load_nothing_keeps_defaults),
        cmocka_unit_test(test_config_every_flag),
        cmocka_unit_test(test_config_flag_equals_form_and_short_options),
        cmocka_unit_test(test_config_webhook_options),
        cmocka_unit_test(test_config_security_report_options),
        cmocka_unit_test(test_config_every_environment_variable),
        cmocka_unit_test(test_config_flags_override_env_override_file),
        cmocka_unit_test(test_config_file_accepts_lists_bools_and_admin_token),
        cmocka_unit_test(test_config_comma_lists_in_environment),
        cmocka_unit_test(test_config_repeated_flags_accumulate),
        cmocka_unit_test(test_config_list_limit),
        cmocka_unit_test(test_config_invalid_flag_values_name_the_option),
        cmocka_unit_test(test_config_invalid_value_error_does_not_echo_keys),
        cmocka_unit_test(test_config_unknown_flag_and_stray_argument),
        cmocka_unit_test(test_config_invalid_environment_values_name_the_variable),
        cmocka_unit_test(test_config_file_errors),
        cmocka_unit_test(test_config_is_loopback),
        cmocka_unit_test(test_config_is_loopback_rejects_hostnames_starting_with_127),
        cmocka_unit_test(test_config_finish_clears_everything),
        cmocka_unit_test(test_config_blank_admin_token_refused),
        cmocka_unit_test(test_config_head_and_body_deadlines),
        cmocka_unit_test(test_config_usage_mentions_every_flag),
        cmocka_unit_test(test_config_record_every_option),
        cmocka_unit_test(test_config_record_defaults_and_help),
        cmocka_unit_test(test_config_record_refusals),
        cmocka_unit_test(test_config_record_ignores_environment),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}

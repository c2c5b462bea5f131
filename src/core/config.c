/* config.c - defaults, JSON file, ASAAS_MOCK_* environment and flags (see config.h). */
#include "config.h"

#include "errmsg.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"
#include "clock.h"
#include "log.h"
#include "secreport.h"
#include "public_url.h"

/* One table drives the flag names, environment names and config-file keys, so the three
 * sources can never disagree. */
enum opt_kind { OPT_INT, OPT_STR, OPT_LIST, OPT_BOOL, OPT_ENV, OPT_SIZE, OPT_SEED, OPT_FLAG };

struct opt {
    const char *flag; /* long option without dashes */
    const char *env;  /* environment variable, NULL = none */
    const char *key;  /* config-file key, NULL = none */
    enum opt_kind kind;
    long min, max;
    int has_arg;
    unsigned modes; /* AM_CONFIG_SERVER and/or AM_CONFIG_RECORD; 0 = the server only */
};

#define BOTH (AM_CONFIG_SERVER | AM_CONFIG_RECORD)

enum {
    O_PORT, O_BIND, O_PLAIN_PORT, O_PORT_FILE, O_TLS_CERT, O_TLS_KEY, O_TLS_SAN, O_CA_OUT,
    O_ENVIRONMENT, O_FIXTURES, O_API_KEY, O_AUTO_ACCOUNTS, O_SEED, O_IDLE_TIMEOUT, O_HEAD_TIMEOUT, O_BODY_TIMEOUT, O_MAX_BODY,
    O_MAX_HEADERS, O_ALERT_THRESHOLD, O_ALERT_WINDOW, O_JOURNAL_SIZE, O_SHUTDOWN_GRACE,
    O_LOG_LEVEL, O_CLOCK, O_FAULTS, O_FAULT_HEADER, O_RATE_LIMITS, O_RL_QUOTA, O_RL_WINDOW,
    O_RL_GETS, O_STATE_FILE, O_STATE_FILE_RECOVER, O_STATE_COMPACT, O_STATE_OUT, O_WEBHOOK_CA, O_WEBHOOK_TIMEOUT, O_SECURITY_REPORT, O_FAIL_ON_FINDINGS,
    O_KEY_ROTATION_DAYS, O_STATUS_POLL_INTERVAL, O_PUBLIC_URL, O_ADMIN_TOKEN, O_CONFIG, O_HEALTHCHECK, O_VERSION, O_HELP,
    O_UPSTREAM, O_OUT, O_UPSTREAM_CA, O_UPSTREAM_TIMEOUT, _O_MAX
};

static const struct opt opts[_O_MAX] = {
    [O_PORT] = {"port", "ASAAS_MOCK_PORT", "port", OPT_INT, 0, 65535, 1, BOTH},
    [O_BIND] = {"bind", "ASAAS_MOCK_BIND", "bind", OPT_STR, 0, 0, 1, BOTH},
    [O_PLAIN_PORT] = {"plain-port", "ASAAS_MOCK_PLAIN_PORT", "plainPort", OPT_INT, 0, 65535, 1},
    [O_PORT_FILE] = {"port-file", "ASAAS_MOCK_PORT_FILE", "portFile", OPT_STR, 0, 0, 1, BOTH},
    [O_TLS_CERT] = {"tls-cert", "ASAAS_MOCK_TLS_CERT", "tlsCert", OPT_STR, 0, 0, 1, BOTH},
    [O_TLS_KEY] = {"tls-key", "ASAAS_MOCK_TLS_KEY", "tlsKey", OPT_STR, 0, 0, 1, BOTH},
    [O_TLS_SAN] = {"tls-san", "ASAAS_MOCK_TLS_SANS", "tlsSans", OPT_LIST, 0, 0, 1, BOTH},
    [O_CA_OUT] = {"ca-out", "ASAAS_MOCK_CA_OUT", "caOut", OPT_STR, 0, 0, 1, BOTH},
    [O_ENVIRONMENT] = {"environment", "ASAAS_MOCK_ENVIRONMENT", "environment", OPT_ENV, 0, 0, 1},
    [O_FIXTURES] = {"fixtures", "ASAAS_MOCK_FIXTURES", "fixtures", OPT_STR, 0, 0, 1},
    [O_API_KEY] = {"api-key", "ASAAS_MOCK_API_KEYS", "apiKeys", OPT_LIST, 0, 0, 1},
    [O_AUTO_ACCOUNTS] = {"auto-accounts", "ASAAS_MOCK_AUTO_ACCOUNTS", "autoAccounts", OPT_BOOL, 0, 0, 0},
    [O_SEED] = {"seed", "ASAAS_MOCK_SEED", "seed", OPT_SEED, 0, 0, 1},
    [O_IDLE_TIMEOUT] = {"idle-timeout", "ASAAS_MOCK_IDLE_TIMEOUT", "idleTimeout", OPT_INT, 1, 3600, 1, BOTH},
    [O_HEAD_TIMEOUT] = {"head-timeout", "ASAAS_MOCK_HEAD_TIMEOUT", "headTimeout", OPT_INT, 1, 3600, 1},
    [O_BODY_TIMEOUT] = {"body-timeout", "ASAAS_MOCK_BODY_TIMEOUT", "bodyTimeout", OPT_INT, 1, 3600, 1},
    [O_MAX_BODY] = {"max-body", "ASAAS_MOCK_MAX_BODY", "maxBody", OPT_SIZE, 1024, 64L << 20, 1, BOTH},
    [O_MAX_HEADERS] = {"max-headers", "ASAAS_MOCK_MAX_HEADERS", "maxHeaders", OPT_SIZE, 1024, 1L << 20, 1},
    [O_ALERT_THRESHOLD] = {"alert-threshold", "ASAAS_MOCK_ALERT_THRESHOLD", "alertThreshold", OPT_INT, 1, 1000000, 1},
    [O_ALERT_WINDOW] = {"alert-window", "ASAAS_MOCK_ALERT_WINDOW", "alertWindow", OPT_INT, 1, 86400, 1},
    [O_JOURNAL_SIZE] = {"journal-size", "ASAAS_MOCK_JOURNAL_SIZE", "journalSize", OPT_SIZE, 1, 1000000, 1},
    [O_SHUTDOWN_GRACE] = {"shutdown-grace-ms", "ASAAS_MOCK_SHUTDOWN_GRACE_MS", "shutdownGraceMs", OPT_INT, 0, 600000, 1, BOTH},
    [O_LOG_LEVEL] = {"log-level", "ASAAS_MOCK_LOG_LEVEL", "logLevel", OPT_STR, 0, 0, 1, BOTH},
    [O_CLOCK] = {"clock", "ASAAS_MOCK_CLOCK", "clock", OPT_STR, 0, 0, 1},
    [O_FAULTS] = {"faults", "ASAAS_MOCK_FAULTS", "faults", OPT_STR, 0, 0, 1},
    [O_FAULT_HEADER] = {"fault-header", "ASAAS_MOCK_FAULT_HEADER", "faultHeader", OPT_BOOL, 0, 0, 0},
    [O_RATE_LIMITS] = {"rate-limits", "ASAAS_MOCK_RATE_LIMITS", "rateLimits", OPT_BOOL, 0, 0, 1},
    [O_RL_QUOTA] = {"rate-limit-quota", "ASAAS_MOCK_RATE_LIMIT_QUOTA", "rateLimitQuota", OPT_INT, 0, 2000000000, 1},
    [O_RL_WINDOW] = {"rate-limit-window", "ASAAS_MOCK_RATE_LIMIT_WINDOW", "rateLimitWindow", OPT_INT, 1, 31536000, 1},
    [O_RL_GETS] = {"rate-limit-gets", "ASAAS_MOCK_RATE_LIMIT_GETS", "rateLimitGets", OPT_INT, 0, 1000000, 1},
    [O_STATE_FILE] = {"state-file", "ASAAS_MOCK_STATE_FILE", "stateFile", OPT_STR, 0, 0, 1},
    /* A one-off repair, so a flag only: no variable or config key that would stick. */
    [O_STATE_FILE_RECOVER] = {"state-file-recover", NULL, NULL, OPT_FLAG, 0, 0, 0},
    [O_STATE_COMPACT] = {"state-file-compact-entries", "ASAAS_MOCK_STATE_FILE_COMPACT_ENTRIES", "stateFileCompactEntries", OPT_INT, 1, 100000000, 1},
    [O_STATE_OUT] = {"state-out", "ASAAS_MOCK_STATE_OUT", "stateOut", OPT_STR, 0, 0, 1},
    /* The admin token is a secret: no flag, so it never shows up in `ps`. */
    [O_WEBHOOK_CA] = {"webhook-ca", "ASAAS_MOCK_WEBHOOK_CA", "webhookCa", OPT_STR, 0, 0, 1},
    [O_WEBHOOK_TIMEOUT] = {"webhook-timeout", "ASAAS_MOCK_WEBHOOK_TIMEOUT", "webhookTimeout", OPT_INT, 1, 600000, 1},
    [O_SECURITY_REPORT] = {"security-report", "ASAAS_MOCK_SECURITY_REPORT", "securityReport", OPT_STR, 0, 0, 1},
    [O_FAIL_ON_FINDINGS] = {"fail-on-findings", "ASAAS_MOCK_FAIL_ON_FINDINGS", "failOnFindings", OPT_STR, 0, 0, 1},
    [O_KEY_ROTATION_DAYS] = {"key-rotation-days", "ASAAS_MOCK_KEY_ROTATION_DAYS", "keyRotationDays", OPT_INT, 1, 36500, 1},
    [O_STATUS_POLL_INTERVAL] = {"status-poll-interval", "ASAAS_MOCK_STATUS_POLL_INTERVAL", "statusPollInterval", OPT_INT, 0, 86400, 1},
    [O_PUBLIC_URL] = {"public-url", "ASAAS_MOCK_PUBLIC_URL", "publicUrl", OPT_STR, 0, 0, 1},
    [O_ADMIN_TOKEN] = {NULL, "ASAAS_MOCK_ADMIN_TOKEN", "adminToken", OPT_STR, 0, 0, 1},
    [O_CONFIG] = {"config", "ASAAS_MOCK_CONFIG", NULL, OPT_STR, 0, 0, 1},
    [O_HEALTHCHECK] = {"healthcheck", NULL, NULL, OPT_FLAG, 0, 0, 0},
    [O_VERSION] = {"version", NULL, NULL, OPT_FLAG, 0, 0, 0},
    [O_HELP] = {"help", NULL, NULL, OPT_FLAG, 0, 0, 0, BOTH},
    /* `asaas-mock record` only; it reads no environment (a server's ASAAS_MOCK_PORT
     * exported in the same shell must not move the recorder) and no config file. */
    [O_UPSTREAM] = {"upstream", NULL, NULL, OPT_STR, 0, 0, 1, AM_CONFIG_RECORD},
    [O_OUT] = {"out", NULL, NULL, OPT_STR, 0, 0, 1, AM_CONFIG_RECORD},
    [O_UPSTREAM_CA] = {"upstream-ca", NULL, NULL, OPT_STR, 0, 0, 1, AM_CONFIG_RECORD},
    [O_UPSTREAM_TIMEOUT] = {"upstream-timeout", NULL, NULL, OPT_INT, 1, 3600, 1, AM_CONFIG_RECORD},
};

static bool in_mode(int o, unsigned mode)
{
    return (opts[o].modes ? opts[o].modes : AM_CONFIG_SERVER) & mode;
}

void am_config_defaults(struct am_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->port = 8443;
    cfg->bind = strdup("127.0.0.1");
    cfg->plain_port = -1;
    cfg->environment = AM_ENV_SANDBOX;
    cfg->idle_timeout = 30;
    /* Whole-head and whole-body deadlines, from their first byte (slowloris). */
    cfg->head_timeout = AM_HEAD_TIMEOUT_DEFAULT;
    cfg->body_timeout = AM_BODY_TIMEOUT_DEFAULT;
    cfg->max_body = 1 << 20;
    cfg->max_headers = 16 << 10;
    cfg->alert_threshold = 10;
    cfg->alert_window = 60;
    cfg->journal_size = 500; /* packed: ~120 KB resident (journal.c) */
    cfg->shutdown_grace_ms = 10000;
    cfg->webhook_timeout_ms = AM_WEBHOOK_TIMEOUT_DEFAULT_MS;
    /* Asaas's documented limits (reference section 4). */
    cfg->rate_limits = true;
    cfg->rl_quota = 25000;
    cfg->rl_window = 43200;
    cfg->rl_max_gets = 50;
    cfg->upstream_timeout = 30;
    cfg->fail_on_findings = -1;
    cfg->key_rotation_days = AM_SEC_ROTATION_DAYS_DEFAULT;
    cfg->status_poll_interval = AM_SEC_POLL_INTERVAL_DEFAULT_S;
}

static void free_list(char **list, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        if (list[i])
            explicit_bzero(list[i], strlen(list[i]));
        free(list[i]);
        list[i] = NULL;
    }
    *n = 0;
}

void am_config_finish(struct am_config *cfg)
{
    free(cfg->bind);
    free(cfg->port_file);
    free(cfg->tls_cert);
    free(cfg->tls_key);
    free_list(cfg->tls_sans, &cfg->n_tls_sans);
    free(cfg->ca_out);
    free(cfg->fixtures_dir);
    free_list(cfg->api_keys, &cfg->n_api_keys);
    if (cfg->admin_token)
        explicit_bzero(cfg->admin_token, strlen(cfg->admin_token));
    free(cfg->admin_token);
    free(cfg->public_url);
    free(cfg->log_level);
    free(cfg->clock);
    free(cfg->faults_file);
    free(cfg->state_file);
    free(cfg->state_out);
    free(cfg->webhook_ca);
    free(cfg->security_report);
    free(cfg->upstream);
    free(cfg->out);
    free(cfg->upstream_ca);
    memset(cfg, 0, sizeof(*cfg));
}

static int fail(char *err, size_t err_len, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t err_len, const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    am_err_vprefixed(err, err_len, -EINVAL, name, NULL, NULL, fmt, ap);
    va_end(ap);
    /* Messages quote values and option names; a key given in the wrong place (or as
     * "--api-keys=KEY") must still never be printed whole. */
    am_key_scrub(err);
    return -EINVAL;
}

static bool has_control(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    }
    return false;
}

static int parse_long(const char *s, long min, long max, long *ret)
{
    char *end = NULL;
    long v;

    if (!s || !*s)
        return -EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int parse_bool(const char *s, bool *ret)
{
    if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
        !strcasecmp(s, "on")) {
        *ret = true;
        return 0;
    }
    if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no") ||
        !strcasecmp(s, "off") || !*s) {
        *ret = false;
        return 0;
    }
    return -EINVAL;
}

static int set_str(char **slot, const char *value)
{
    char *copy = strdup(value);

    if (!copy)
        return -ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

static int list_add(char **list, size_t *n, const char *value)
{
    if (*n >= AM_CONFIG_MAX_LIST)
        return -E2BIG;
    list[*n] = strdup(value);
    if (!list[*n])
        return -ENOMEM;
    (*n)++;
    return 0;
}

/* Comma-separated list (environment form); replace=true clears earlier values. */
static int list_add_csv(char **list, size_t *n, const char *csv)
{
    char *copy = strdup(csv), *save = NULL, *tok;
    int r = 0;

    if (!copy)
        return -ENOMEM;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = '\0';
        if (!*tok)
            continue;
        r = list_add(list, n, tok);
        if (r < 0)
            break;
    }
    explicit_bzero(copy, strlen(csv));
    free(copy);
    return r;
}

/* Applies one textual value of option o. from_list_flag: a repeatable flag adds one item,
 * the environment form is comma-separated. */
static int apply(struct am_config *cfg, int o, const char *value, bool csv, const char *name,
                 char *err, size_t err_len)
{
    const struct opt *op = &opts[o];
    long v = 0;
    bool b = false;
    int r = 0;

    switch (op->kind) {
    case OPT_INT:
    case OPT_SIZE:
        if (parse_long(value, op->min, op->max, &v) < 0)
            return fail(err, err_len, name, "'%s' is not an integer in %ld..%ld", value, op->min,
                        op->max);
        break;
    case OPT_BOOL:
        if (parse_bool(value, &b) < 0)
            return fail(err, err_len, name, "'%s' is not a boolean (true/false)", value);
        break;
    case OPT_ENV: {
        enum am_environment env;
        if (am_environment_parse(value, &env) < 0)
            return fail(err, err_len, name, "'%s' is not sandbox or production", value);
        cfg->environment = env;
        return 0;
    }
    case OPT_SEED: {
        char *end = NULL;
        unsigned long long s;
        errno = 0;
        s = strtoull(value, &end, 10);
        if (errno || !*value || *end || *value == '-')
            return fail(err, err_len, name, "'%s' is not a non-negative integer", value);
        cfg->seed = s;
        cfg->has_seed = true;
        return 0;
    }
    default:
        break;
    }
    switch (o) {
    case O_PORT:
        cfg->port = (int)v;
        break;
    case O_PLAIN_PORT:
        cfg->plain_port = (int)v;
        break;
    case O_HEAD_TIMEOUT:
        cfg->head_timeout = (int)v;
        break;
    case O_BODY_TIMEOUT:
        cfg->body_timeout = (int)v;
        break;
    case O_IDLE_TIMEOUT:
        cfg->idle_timeout = (int)v;
        break;
    case O_MAX_BODY:
        cfg->max_body = (size_t)v;
        break;
    case O_MAX_HEADERS:
        cfg->max_headers = (size_t)v;
        break;
    case O_ALERT_THRESHOLD:
        cfg->alert_threshold = (unsigned)v;
        break;
    case O_ALERT_WINDOW:
        cfg->alert_window = (unsigned)v;
        break;
    case O_JOURNAL_SIZE:
        cfg->journal_size = (size_t)v;
        break;
    case O_SHUTDOWN_GRACE:
        cfg->shutdown_grace_ms = (int)v;
        break;
    case O_AUTO_ACCOUNTS:
        cfg->auto_accounts = b;
        break;
    case O_FAULT_HEADER:
        cfg->fault_header = b;
        break;
    case O_RATE_LIMITS:
        cfg->rate_limits = b;
        break;
    case O_RL_QUOTA:
        cfg->rl_quota = (unsigned)v;
        break;
    case O_RL_WINDOW:
        cfg->rl_window = (unsigned)v;
        break;
    case O_RL_GETS:
        cfg->rl_max_gets = (unsigned)v;
        break;
    case O_FAULTS:
        r = set_str(&cfg->faults_file, value);
        break;
    case O_STATE_FILE:
        r = set_str(&cfg->state_file, value);
        break;
    case O_STATE_COMPACT:
        cfg->state_compact_entries = (unsigned)v;
        break;
    case O_STATE_OUT:
        r = set_str(&cfg->state_out, value);
        break;
    case O_WEBHOOK_CA:
        r = set_str(&cfg->webhook_ca, value);
        break;
    case O_WEBHOOK_TIMEOUT:
        cfg->webhook_timeout_ms = (int)v;
        break;
    case O_SECURITY_REPORT:
        r = set_str(&cfg->security_report, value);
        break;
    case O_FAIL_ON_FINDINGS: {
        enum am_sec_severity sev;
        if (am_sec_severity_parse(value, &sev) < 0)
            return fail(err, err_len, name, "'%s' is not advice, warning or error", value);
        cfg->fail_on_findings = (int)sev;
        break;
    }
    case O_KEY_ROTATION_DAYS:
        cfg->key_rotation_days = (unsigned)v;
        break;
    case O_STATUS_POLL_INTERVAL:
        cfg->status_poll_interval = (unsigned)v;
        break;
    case O_PUBLIC_URL:
        if (am_public_url_check(value) < 0)
            return fail(err, err_len, name, "'%s' is not http(s)://HOST[:PORT][/PATH] (no query, "
                        "quotes or spaces)", value);
        r = set_str(&cfg->public_url, value);
        break;
    case O_UPSTREAM:
        r = set_str(&cfg->upstream, value);
        break;
    case O_OUT:
        r = set_str(&cfg->out, value);
        break;
    case O_UPSTREAM_CA:
        r = set_str(&cfg->upstream_ca, value);
        break;
    case O_UPSTREAM_TIMEOUT:
        cfg->upstream_timeout = (int)v;
        break;
    case O_BIND:
        if (!*value)
            return fail(err, err_len, name, "must not be empty");
        r = set_str(&cfg->bind, value);
        break;
    case O_PORT_FILE:
        r = set_str(&cfg->port_file, value);
        break;
    case O_TLS_CERT:
        r = set_str(&cfg->tls_cert, value);
        break;
    case O_TLS_KEY:
        r = set_str(&cfg->tls_key, value);
        break;
    case O_CA_OUT:
        r = set_str(&cfg->ca_out, value);
        break;
    case O_FIXTURES:
        r = set_str(&cfg->fixtures_dir, value);
        break;
    case O_ADMIN_TOKEN:
        /* Header values arrive trimmed: a blank token, or one with surrounding whitespace
         * or a control byte, could never match, and /__mock/ would refuse every caller. */
        if (*value && (strspn(value, " \t") == strlen(value) || value[0] == ' ' ||
                       value[0] == '\t' || value[strlen(value) - 1] == ' ' ||
                       value[strlen(value) - 1] == '\t' || has_control(value)))
            return fail(err, err_len, name, "a blank token, or one with leading or trailing "
                                            "whitespace or a control character, can never match");
        r = *value ? set_str(&cfg->admin_token, value) : 0;
        break;
    case O_CLOCK: {
        int64_t t;
        if (am_clock_parse_datetime(value, &t) < 0)
            return fail(err, err_len, name, "'%s' is not YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\"",
                        value);
        r = set_str(&cfg->clock, value);
        break;
    }
    case O_LOG_LEVEL: {
        enum am_log_level lvl;
        if (am_log_parse_level(value, &lvl) < 0)
            return fail(err, err_len, name, "'%s' is not debug, info, warn or error", value);
        r = set_str(&cfg->log_level, value);
        break;
    }
    case O_TLS_SAN:
        r = csv ? list_add_csv(cfg->tls_sans, &cfg->n_tls_sans, value)
                : list_add(cfg->tls_sans, &cfg->n_tls_sans, value);
        break;
    case O_API_KEY:
        r = csv ? list_add_csv(cfg->api_keys, &cfg->n_api_keys, value)
                : list_add(cfg->api_keys, &cfg->n_api_keys, value);
        break;
    default:
        break;
    }
    if (r == -E2BIG)
        return fail(err, err_len, name, "at most %d values", AM_CONFIG_MAX_LIST);
    if (r < 0)
        return fail(err, err_len, name, "out of memory");
    return 0;
}

static const char *env_get(char **envp, const char *name)
{
    size_t len = strlen(name);

    for (char **e = envp; e && *e; e++) {
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return *e + len + 1;
    }
    return NULL;
}

static char *read_file(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long len;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (8 << 20) ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)len + 1);
    if (!buf)
        goto out;
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[len] = '\0';
    *ret_len = (size_t)len;
out:
    fclose(f);
    return buf;
}

static int apply_file(struct am_config *cfg, const char *path, char *err, size_t err_len)
{
    size_t len = 0;
    char *text = read_file(path, &len);
    cJSON *root = NULL;
    const char *end = NULL;
    int r = 0;

    if (!text)
        return fail(err, err_len, "--config", "cannot read '%s'", path);
    root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root || !cJSON_IsObject(root)) {
        r = fail(err, err_len, "--config", "'%s' is not a JSON object (near byte %ld)", path,
                 end ? (long)(end - text) : 0L);
        goto out;
    }
    for (cJSON *item = root->child; item; item = item->next) {
        int o;
        char name[96];

        for (o = 0; o < _O_MAX; o++) {
            if (opts[o].key && strcmp(opts[o].key, item->string) == 0)
                break;
        }
        snprintf(name, sizeof(name), "config key '%s'", item->string);
        if (o == _O_MAX) {
            r = fail(err, err_len, name, "unknown option");
            goto out;
        }
        if (cJSON_IsArray(item) && opts[o].kind == OPT_LIST) {
            for (cJSON *el = item->child; el; el = el->next) {
                if (!cJSON_IsString(el)) {
                    r = fail(err, err_len, name, "must be a list of strings");
                    goto out;
                }
                if ((r = apply(cfg, o, el->valuestring, false, name, err, err_len)) < 0)
                    goto out;
            }
            continue;
        }
        char buf[64];
        const char *value;
        if (cJSON_IsString(item))
            value = item->valuestring;
        else if (cJSON_IsBool(item))
            value = cJSON_IsTrue(item) ? "true" : "false";
        else if (cJSON_IsNumber(item)) {
            snprintf(buf, sizeof(buf), "%.0f", item->valuedouble);
            value = buf;
        } else {
            r = fail(err, err_len, name, "unsupported JSON type");
            goto out;
        }
        if ((r = apply(cfg, o, value, true, name, err, err_len)) < 0)
            goto out;
    }
out:
    cJSON_Delete(root);
    if (text)
        explicit_bzero(text, len);
    free(text);
    return r;
}

/* getopt's table for the options of one mode. longopts holds _O_MAX + 1 entries. */
static void build_longopts(struct option *longopts, unsigned mode)
{
    size_t n = 0;

    for (int o = 0; o < _O_MAX; o++) {
        if (!opts[o].flag || !in_mode(o, mode))
            continue;
        longopts[n].name = opts[o].flag;
        longopts[n].has_arg = opts[o].has_arg ? required_argument : no_argument;
        longopts[n].flag = NULL;
        longopts[n].val = 1000 + o;
        n++;
    }
    memset(&longopts[n], 0, sizeof(longopts[n]));
}

/* The command-line pass, the last and strongest source. */
static int apply_flags(struct am_config *cfg, unsigned mode, int argc, char **argv,
                       const struct option *longopts, char *err, size_t err_len)
{
    const char *shortopts = mode == AM_CONFIG_RECORD ? "h" : "hV";
    int r, c, idx;

    opterr = 0;
    optind = 0; /* 0, not 1: glibc then also forgets its pointer into the previous argv */
    while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
        char name[64];
        int o = c - 1000;

        if (c == 'h') {
            cfg->show_help = true;
            continue;
        }
        if (c == 'V') {
            cfg->show_version = true;
            continue;
        }
        if (c == '?' || c == ':' || o < 0 || o >= _O_MAX) {
            const char *bad = (optind - 1 < argc && optind > 0) ? argv[optind - 1] : "?";
            return fail(err, err_len, bad, "unknown option or missing value (see %s--help)",
                        mode == AM_CONFIG_RECORD ? "record " : "");
        }
        snprintf(name, sizeof(name), "--%s", opts[o].flag);
        switch (o) {
        case O_CONFIG:
            break;
        case O_HEALTHCHECK:
            cfg->healthcheck = true;
            break;
        case O_STATE_FILE_RECOVER:
            cfg->state_file_recover = true;
            break;
        case O_VERSION:
            cfg->show_version = true;
            break;
        case O_HELP:
            cfg->show_help = true;
            break;
        case O_AUTO_ACCOUNTS:
            cfg->auto_accounts = true;
            break;
        case O_FAULT_HEADER:
            cfg->fault_header = true;
            break;
        default:
            if ((r = apply(cfg, o, optarg, false, name, err, err_len)) < 0)
                return r;
        }
    }
    if (optind < argc)
        return fail(err, err_len, argv[optind], "unexpected argument");
    if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
        return fail(err, err_len, "--tls-cert/--tls-key", "give both or neither");
    return 0;
}

int am_config_load(struct am_config *cfg, int argc, char **argv, char **envp, char *err,
                   size_t err_len)
{
    struct option longopts[_O_MAX + 1];
    const char *config_path = env_get(envp, "ASAAS_MOCK_CONFIG");
    int r, c, idx;

    build_longopts(longopts, AM_CONFIG_SERVER);
    /* Pass 1: find --config so the file applies below the environment and flags. */
    opterr = 0;
    optind = 0; /* 0, not 1: glibc then also forgets its pointer into the previous argv */
    while ((c = getopt_long(argc, argv, "hV", longopts, &idx)) != -1) {
        if (c == 1000 + O_CONFIG)
            config_path = optarg;
    }
    if (config_path && (r = apply_file(cfg, config_path, err, err_len)) < 0)
        return r;

    for (int o = 0; o < _O_MAX; o++) {
        const char *v;
        if (!opts[o].env || o == O_CONFIG || !(v = env_get(envp, opts[o].env)))
            continue;
        if (opts[o].kind == OPT_LIST && o == O_API_KEY)
            free_list(cfg->api_keys, &cfg->n_api_keys);
        if ((r = apply(cfg, o, v, true, opts[o].env, err, err_len)) < 0)
            return r;
    }

    if ((r = apply_flags(cfg, AM_CONFIG_SERVER, argc, argv, longopts, err, err_len)) < 0)
        return r;
    if (cfg->plain_port >= 0 && cfg->plain_port == cfg->port && cfg->port != 0)
        return fail(err, err_len, "--plain-port", "must differ from --port");
    for (size_t i = 0; i < cfg->n_api_keys; i++) {
        if (am_key_classify(cfg->api_keys[i]) == AM_KEY_SHAPE_INVALID)
            return fail(err, err_len, "--api-key",
                        "value #%zu is not shaped like an Asaas key ($aact_...)", i + 1);
    }
    return 0;
}

int am_config_load_record(struct am_config *cfg, int argc, char **argv, char *err,
                          size_t err_len)
{
    struct option longopts[_O_MAX + 1];
    int r;

    build_longopts(longopts, AM_CONFIG_RECORD);
    if ((r = apply_flags(cfg, AM_CONFIG_RECORD, argc, argv, longopts, err, err_len)) < 0)
        return r;
    if (cfg->show_help)
        return 0;
    if (!cfg->upstream)
        return fail(err, err_len, "--upstream", "https://HOST[:PORT][/BASE] is required");
    if (!cfg->out)
        return fail(err, err_len, "--out", "DIR is required");
    return 0;
}

void am_config_forget_keys(struct am_config *cfg)
{
    free_list(cfg->api_keys, &cfg->n_api_keys);
}

bool am_config_is_loopback(const char *addr)
{
    struct in_addr v4;
    struct in6_addr v6;

    if (strcmp(addr, "localhost") == 0)
        return true;
    /* Parse, never prefix-match: "127.evil.example" is a name, not a loopback address. */
    if (inet_pton(AF_INET, addr, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &v6) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (IN6_IS_ADDR_LOOPBACK(&v6))
            return true;
        return memcmp(v6.s6_addr, mapped, 12) == 0 && v6.s6_addr[12] == 127;
    }
    return false;
}

const char *am_config_usage(void)
{
    return "Usage: asaas-mock [options]\n"
           "An offline HTTPS stand-in for the Asaas API v3.\n\n"
           "Options (each also read from ASAAS_MOCK_<NAME>; flags win over the environment,\n"
           "which wins over --config FILE):\n"
           "  --port N               HTTPS port (default 8443; 0 picks a free port)\n"
           "  --bind ADDR            listen address (default 127.0.0.1)\n"
           "  --port-file PATH       write the bound port here once listening\n"
           "  --plain-port N         also listen for plaintext HTTP on N (off by default)\n"
           "  --tls-cert PATH --tls-key PATH   serve this certificate instead of a generated one\n"
           "  --tls-san NAME         extra SAN for the generated certificate (repeatable;\n"
           "                         ASAAS_MOCK_TLS_SANS is comma-separated)\n"
           "  --ca-out PATH          write the certificate PEM here for clients to trust\n"
           "  --environment ENV      sandbox (default) or production\n"
           "  --fixtures DIR         load DIR/accounts.json instead of the embedded default\n"
           "  --api-key KEY          register KEY on the default account (repeatable;\n"
           "                         ASAAS_MOCK_API_KEYS is comma-separated)\n"
           "  --auto-accounts        any well-formed key of the environment gets its own account\n"
           "                         (GET /__mock/whoami with access_token names it, creating it)\n"
           "  --seed N               deterministic ids for the same request sequence\n"
           "  --clock DATE           every account's clock starts frozen at DATE\n"
           "                         (YYYY-MM-DD, 12:00 Brasilia; or \"YYYY-MM-DD HH:MM:SS\")\n"
           "  --faults FILE          fault-injection rules loaded at start (JSON)\n"
           "  --state-file PATH      durable state: every acknowledged write is in PATH before\n"
           "                         the answer leaves; a restart continues from it\n"
           "  --state-file-recover   cut a damaged --state-file at its first bad record (a copy\n"
           "                         of the original is kept as PATH.before-recover.TIME)\n"
           "  --state-file-compact-entries N  compact the --state-file once N entries (50000)\n"
           "                         and the snapshot's size were logged since the last one\n"
           "  --state-out PATH       write a snapshot (GET /__mock/state) to PATH at shutdown\n"
           "  --fault-header         honour the X-Mock-Fault request header\n"
           "  --rate-limits on|off   Asaas's per-account limits (default on)\n"
           "  --rate-limit-quota N   requests per account per window (25000; 0 = no quota)\n"
           "  --rate-limit-window S  quota window in seconds (43200 = 12 h)\n"
           "  --rate-limit-gets N    concurrent GETs per account (50; 0 = unlimited)\n"
           "  --idle-timeout SECS    idle/handshake/read timeout (default 30)\n"
           "  --head-timeout SECS    whole request head, from its first byte (default 10)\n"
           "  --body-timeout SECS    whole request body, from its first byte (default 30)\n"
           "  --max-body BYTES       request body limit (default 1048576)\n"
           "  --max-headers BYTES    request header limit (default 16384)\n"
           "  --alert-threshold N    auth failures from one address that raise an alert (10)\n"
           "  --alert-window SECS    window for the alert threshold (60)\n"
           "  --journal-size N       requests kept in the journal (500)\n"
           "  --shutdown-grace-ms N  how long SIGTERM waits for in-flight requests (10000)\n"
           "  --webhook-ca FILE      extra CA (PEM) trusted for https:// webhook receivers\n"
           "  --webhook-timeout MS   webhook delivery timeout (10000; no answer = failure)\n"
           "  --security-report FILE write the integration security report at shutdown\n"
           "                         (Markdown when FILE ends in .md, else JSON)\n"
           "  --fail-on-findings SEV exit 3 at shutdown when a finding of SEV (advice, warning,\n"
           "                         error) or worse exists\n"
           "  --key-rotation-days N  keys older than N days are rotation-overdue (90)\n"
           "  --status-poll-interval S  reads of one payment closer than S seconds while a\n"
           "                         webhook covers it are polling (30; 0 = never)\n"
           "  --public-url URL       base of invoiceUrl, bankSlipUrl... (default: the address\n"
           "                         the client used, from its Host header)\n"
           "  --log-level LEVEL      debug, info (default), warn, error\n"
           "  --config FILE          JSON file with the same options in camelCase\n"
           "  --healthcheck          probe the configured running server; exit 0 healthy, 1 not\n"
           "  --version, --help\n\n"
           "ASAAS_MOCK_ADMIN_TOKEN protects /__mock/ (required when binding beyond loopback).\n";
}

const char *am_config_record_usage(void)
{
    return "Usage: asaas-mock record --upstream https://HOST[:PORT][/BASE] --out DIR [options]\n"
           "A recording proxy: forwards every request to the upstream over verified TLS, returns\n"
           "its answer unchanged and writes DIR/exchanges/*.json for `asaas-mock --fixtures DIR`\n"
           "(without DIR/accounts.json the replay uses the embedded default accounts plus --api-key).\n\n"
           "  --upstream URL          https://host[:port][/base] (the base prefixes every path)\n"
           "  --out DIR               output folder (created; its exchanges/ must hold no *.json)\n"
           "  --upstream-ca FILE      trust only these PEM certificates for the upstream\n"
           "                          (default: the system's trust store)\n"
           "  --upstream-timeout SECS connect/answer timeout towards the upstream (default 30)\n"
           "  --port N                HTTPS port (default 8443; 0 picks a free port)\n"
           "  --bind ADDR             listen address (default 127.0.0.1)\n"
           "  --port-file PATH        write the bound port here once listening\n"
           "  --tls-cert PATH --tls-key PATH   serve this certificate instead of a generated one\n"
           "  --tls-san NAME          extra SAN for the generated certificate (repeatable)\n"
           "  --ca-out PATH           write the certificate PEM here for clients to trust\n"
           "  --idle-timeout SECS     client idle/handshake/read timeout (default 30)\n"
           "  --max-body BYTES        request body limit (default 1048576)\n"
           "  --shutdown-grace-ms N   how long SIGTERM waits for in-flight exchanges (10000)\n"
           "  --log-level LEVEL       debug, info (default), warn, error\n"
           "  --help\n"
           "The recorder reads no ASAAS_MOCK_* variable and no --config file: flags only.\n";
}

/* config.h - the server's configuration: one struct, one defaults function.
 *
 * Sources apply in a fixed order: defaults < JSON config file < ASAAS_MOCK_* environment <
 * command-line flags. Validation names the offending option. The config owns its
 * strings; free with am_config_finish(). Immutable once the server starts. */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define AM_CONFIG_MAX_LIST 32

/* Which command an option belongs to (one table serves both parsers). */
#define AM_CONFIG_SERVER 1u
#define AM_CONFIG_RECORD 2u

struct am_config {
    int port;                 /* 0 = ephemeral */
    char *bind;               /* listen address */
    int plain_port;           /* -1 = no plaintext listener */
    char *port_file;
    char *tls_cert, *tls_key;
    char *tls_sans[AM_CONFIG_MAX_LIST];
    size_t n_tls_sans;
    char *ca_out;
    enum am_environment environment;
    char *fixtures_dir;       /* NULL = embedded default fixtures */
    char *api_keys[AM_CONFIG_MAX_LIST]; /* secrets: never log these */
    size_t n_api_keys;
    bool auto_accounts;
    char *clock;              /* --clock "YYYY-MM-DD[ HH:MM:SS]": every account frozen there */
    char *faults_file;        /* --faults FILE: fault rules loaded at start */
    char *state_file;         /* --state-file PATH: snapshot + durable log (persist.h) */
    bool state_file_recover;  /* --state-file-recover: cut a damaged file at its first bad record */
    unsigned state_compact_entries; /* --state-file-compact-entries (0 = the default, 50000) */
    char *state_out;          /* --state-out PATH: snapshot written at shutdown */
    bool fault_header;        /* honour X-Mock-Fault (off unless asked) */
    bool rate_limits;         /* Asaas's limits on (default) */
    unsigned rl_quota;        /* requests per window per account (0 = no quota) */
    unsigned rl_window;       /* seconds */
    unsigned rl_max_gets;     /* concurrent GETs per account (0 = unlimited) */
    bool has_seed;
    uint64_t seed;
    int idle_timeout;         /* seconds */
    int head_timeout;         /* seconds for a whole request head, from its first byte */
#define AM_HEAD_TIMEOUT_DEFAULT 10
#define AM_BODY_TIMEOUT_DEFAULT 30
    int body_timeout;         /* seconds for a whole request body, from its first byte */
    size_t max_body;
    size_t max_headers;
    unsigned alert_threshold;
    unsigned alert_window;    /* seconds */
    size_t journal_size;
    int shutdown_grace_ms;
    char *webhook_ca;         /* --webhook-ca FILE: extra trust for https receivers */
    int webhook_timeout_ms;   /* --webhook-timeout: no answer within it = failed attempt */
    char *security_report;    /* --security-report FILE: the report, written at shutdown */
    int fail_on_findings;     /* --fail-on-findings: enum am_sec_severity, -1 = off */
    unsigned key_rotation_days;    /* --key-rotation-days: rotation period of a key */
    unsigned status_poll_interval; /* --status-poll-interval: seconds (0 = never polling) */
    char *public_url;         /* --public-url: base of the pages' URLs, NULL = from Host */
    char *admin_token;        /* from ASAAS_MOCK_ADMIN_TOKEN / config file only; secret */
    char *log_level;
    /* `asaas-mock record` only (flags only; see am_config_load_record). */
    char *upstream;           /* --upstream https://HOST[:PORT][/BASE] */
    char *out;                /* --out DIR */
    char *upstream_ca;        /* --upstream-ca FILE, NULL = the system's trust store */
    int upstream_timeout;     /* seconds */
    bool healthcheck;         /* run as a healthcheck client */
    bool show_version, show_help;
};

void am_config_defaults(struct am_config *cfg);
void am_config_finish(struct am_config *cfg);

/* Applies every source in order. envp: NULL-terminated "K=V" array (environ in main).
 * On error writes "option: reason" into err and returns -EINVAL (exit code 2). */
int am_config_load(struct am_config *cfg, int argc, char **argv, char **envp, char *err,
                   size_t err_len);

/* `asaas-mock record`'s options (argv[0] is "record"): the same table, flags only (no
 * environment, no config file), the record-only options added and the server-only ones
 * unknown. Requires --upstream and --out unless --help. Errors as am_config_load. */
int am_config_load_record(struct am_config *cfg, int argc, char **argv, char *err,
                          size_t err_len);

/* Wipes and frees the API keys held by the config (once they are registered as hashes). */
void am_config_forget_keys(struct am_config *cfg);

/* True when addr is a loopback address (127.0.0.0/8, ::1, localhost). */
bool am_config_is_loopback(const char *addr);

/* Usage text for --help. Static string. */
const char *am_config_usage(void);
const char *am_config_record_usage(void);

#endif

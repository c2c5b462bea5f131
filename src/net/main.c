/* main.c - argv -> config -> app + TLS -> server; exit codes: 0 ok, 1 runtime failure,
 * 2 bad configuration, 3 a security finding at or above --fail-on-findings. Nothing else lives here. */
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "record.h"
#include "security.h"
#include "server.h"
#include "tls.h"

extern char **environ;

static int read_port_file(const char *path)
{
    FILE *f = fopen(path, "r");
    int port = -1;

    if (!f)
        return -1;
    if (fscanf(f, "%d", &port) != 1)
        port = -1;
    fclose(f);
    return port;
}

/* Keys given as flags or environment are registered as SHA-256 by now: blank the
 * plaintext in argv and environ (so /proc/PID/cmdline and /proc/PID/environ no longer show
 * it) and in our own copies. */
static void wipe_key_arguments(struct am_config *cfg, int argc, char **argv)
{
    static const char env_name[] = "ASAAS_MOCK_API_KEYS=";

    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strncmp(a, "--api-key=", 10) == 0)
            a += 10;
        if (strncmp(a, "$aact_", 6) == 0)
            explicit_bzero(a, strlen(a));
    }
    static const char token_name[] = "ASAAS_MOCK_ADMIN_TOKEN=";

    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, env_name, sizeof(env_name) - 1) == 0)
            explicit_bzero(*e + sizeof(env_name) - 1, strlen(*e + sizeof(env_name) - 1));
        /* The config holds its own copy of the admin token. */
        if (strncmp(*e, token_name, sizeof(token_name) - 1) == 0)
            explicit_bzero(*e + sizeof(token_name) - 1, strlen(*e + sizeof(token_name) - 1));
    }
    am_config_forget_keys(cfg);
}

/* Probes the server this same configuration describes: its port (or port file) on
 * loopback when it listens on every interface. */
static int run_healthcheck(const struct am_config *cfg)
{
    const char *host = cfg->bind;
    int port = cfg->port;

    if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0)
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0)
        host = "::1";
    /* A port file names the port actually bound (the only way to find a --port 0 server). */
    if (cfg->port_file && read_port_file(cfg->port_file) > 0)
        port = read_port_file(cfg->port_file);
    if (port <= 0) {
        fprintf(stderr, "asaas-mock: --healthcheck: no port to probe (set --port or --port-file)\n");
        return 1;
    }
    return am_tls_healthcheck(host, port, 0, 2000) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct am_config cfg;
    struct am_app *app = NULL;
    struct am_tls_info info;
    struct am_tls_options topts;
    SSL_CTX *ssl_ctx = NULL;
    char err[512];
    int rc = 2;

    /* Before any OpenSSL call: no openssl.cnf. Every TLS setting the mock uses is set in
     * code (tls.c), and reading and applying the file cost ~0.3 ms and ~0.2 MB at every
     * start (issue 12); OPENSSL_CONF is therefore not read. Error strings stay loaded:
     * they make the TLS setup errors readable. */
    if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1) {
        fprintf(stderr, "asaas-mock: tls: OpenSSL initialisation failed\n");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "record") == 0)
        return am_record_main(argc - 1, argv + 1);
    /* Fully buffered: the logger flushes (every warning at once, routine lines every
     * 100 ms while serving), instead of one write() per line. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    memset(&info, 0, sizeof(info));
    am_config_defaults(&cfg);
    if (am_config_load(&cfg, argc, argv, environ, err, sizeof(err)) < 0) {
        fprintf(stderr, "asaas-mock: %s\n", err);
        goto out;
    }
    if (cfg.show_help) {
        fputs(am_config_usage(), stdout);
        rc = 0;
        goto out;
    }
    if (cfg.show_version) {
        printf("asaas-mock %s (libevent %s, %s)\n", AM_VERSION, event_get_version(),
               OpenSSL_version(OPENSSL_VERSION));
        rc = 0;
        goto out;
    }
    if (cfg.healthcheck) {
        rc = run_healthcheck(&cfg);
        goto out;
    }
    if (cfg.log_level) {
        enum am_log_level lvl;
        if (am_log_parse_level(cfg.log_level, &lvl) == 0)
            am_log_set_level(lvl);
    }
    if (!am_config_is_loopback(cfg.bind) && !cfg.admin_token) {
        fprintf(stderr, "asaas-mock: --bind %s: listening beyond loopback requires "
                        "ASAAS_MOCK_ADMIN_TOKEN to protect /__mock/\n", cfg.bind);
        goto out;
    }
    app = am_app_new(&cfg, time(NULL), err, sizeof(err));
    if (!app) {
        fprintf(stderr, "asaas-mock: %s\n", err);
        goto out;
    }
    wipe_key_arguments(&cfg, argc, argv);
    memset(&topts, 0, sizeof(topts));
    topts.cert_path = cfg.tls_cert;
    topts.key_path = cfg.tls_key;
    topts.extra_sans = (const char *const *)cfg.tls_sans;
    topts.n_extra_sans = cfg.n_tls_sans;
    topts.ca_out_path = cfg.ca_out;
    ssl_ctx = am_tls_ctx_new(&topts, &info, err, sizeof(err));
    if (!ssl_ctx) {
        fprintf(stderr, "asaas-mock: tls: %s\n", err);
        rc = 1;
        goto out;
    }
    am_app_set_certificate(app, info.cert_pem, info.fingerprint_sha256);
    info.cert_pem = NULL;
    am_log(AM_LOG_INFO, "tls", "certificate=%s fingerprint_sha256=%s ca_out=%s",
           info.generated ? "generated" : "loaded", info.fingerprint_sha256,
           cfg.ca_out ? cfg.ca_out : "-");
    rc = am_server_run(&cfg, app, ssl_ctx);
    if (rc == 0) /* --security-report, --fail-on-findings */
        rc = am_security_shutdown(app, time(NULL));
out:
    free(info.cert_pem);
    SSL_CTX_free(ssl_ctx);
    am_app_free(app);
    am_config_finish(&cfg);
    return rc;
}

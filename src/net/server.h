/* server.h - the libevent/OpenSSL adapter: listeners, TLS connections (on http1.c),
 * am_request/am_response, wire faults, signals and graceful drain. The only module (with tls.c and crypto.c)
 * that includes libevent or OpenSSL headers. */
#ifndef AM_SERVER_H
#define AM_SERVER_H

#include "app.h"
#include "config.h"

typedef struct ssl_ctx_st SSL_CTX;

/* Serves until SIGTERM/SIGINT. Borrows cfg, app and ssl_ctx (all must outlive the call).
 * Returns 0 after a clean drain, or a process exit code (1 start-up failure). */
int am_server_run(const struct am_config *cfg, struct am_app *app, SSL_CTX *ssl_ctx);

#endif

/* record.c - the recording proxy: http1.c connections in front, evhttp client over
 * verified TLS behind, recording.c for the files (see record.h). */
#include "record.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "http_types.h"
#include "keys.h"
#include "http1.h"
#include "listener.h"
#include "log.h"
#include "recording.h"
#include "tls.h"

#define UPSTREAM_MAX_BODY (64L << 20) /* an answer bigger than this is a 502, not a file */

struct upstream {
    char host[256];     /* name or IP literal, without brackets */
    char host_hdr[280]; /* Host header: "[::1]:8443", "api.example" */
    char base[512];     /* path prefix without a trailing '/', may be "" */
    int port;
    bool is_ip;
};

struct forward;

struct rec {
    const struct am_config *o; /* am_config_load_record's options */
    struct upstream up;
    struct event_base *base;
    struct am_http1_set *conns;     /* client connections */
    struct evconnlistener *handle;
    SSL_CTX *server_ctx, *client_ctx;
    struct am_recording *recording;
    char exchanges_dir[4096];
    struct am_listener_drain drain; /* SIGTERM/SIGINT: stop accepting, wait, exit */
    struct am_http1_opts front; /* the HTTP/1.1 framer's limits, our callbacks */
    struct forward *forwards; /* in flight or waiting for their cleanup */
    int inflight;
    unsigned long recorded, skipped, failed;
};

/* One client request on its way to the upstream and back. Owns copies of everything the
 * recording needs, because the client request is gone once answered. */
struct forward {
    struct rec *r;
    struct forward *next, *prev;
    struct am_http1_conn *client;    /* NULL once answered */
    struct evhttp_connection *evcon; /* ours: freed by the cleanup event */
    struct event *cleanup;
    enum am_method method;
    char *path, *query, *body, *token;
    size_t body_len;
    int64_t start_us;
    bool starting;      /* inside evhttp_make_request: a callback now must not finish us */
    bool failed_early;  /* the done callback fired while starting */
    bool handshake_done;
    int verify_error;   /* first X509 error seen while verifying, 0 = none */
    char alert[96];     /* TLS alert the upstream sent, "" = none */
    int req_error;      /* enum evhttp_request_error + 1, 0 = none */
};

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- options (parsed by config.c's table: am_config_load_record) ------------------------ */

static int bad(const char *what, const char *value)
{
    char shown[128];

    /* A key pasted into the wrong option must not be echoed whole. */
    snprintf(shown, sizeof(shown), "%s", value ? value : "");
    am_key_scrub(shown);
    fprintf(stderr, "asaas-mock record: %s%s%s%s\n", what, value ? " '" : "", shown,
            value ? "'" : "");
    return 2;
}

/* https://host[:port][/base]: a bracketed IPv6 literal, an IPv4 literal or a DNS name. */
static int parse_upstream(const char *url, struct upstream *up)
{
    const char *p, *host, *host_end, *rest;
    unsigned char ip[16];
    size_t hlen, blen;
    long port = 443;

    memset(up, 0, sizeof(*up));
    if (strncasecmp(url, "https://", 8) != 0)
        return -EINVAL; /* plaintext upstreams are not an option: the key would travel bare */
    p = url + 8;
    if (*p == '[') {
        host = p + 1;
        host_end = strchr(host, ']');
        if (!host_end)
            return -EINVAL;
        rest = host_end + 1;
    } else {
        host = p;
        host_end = host + strcspn(host, ":/?#");
        rest = host_end;
    }
    hlen = (size_t)(host_end - host);
    if (hlen == 0 || hlen >= sizeof(up->host))
        return -EINVAL;
    memcpy(up->host, host, hlen);
    up->host[hlen] = '\0';
    for (const char *c = up->host; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == ':'))
            return -EINVAL;
    }
    up->is_ip = inet_pton(AF_INET, up->host, ip) == 1 || inet_pton(AF_INET6, up->host, ip) == 1;
    if (strchr(up->host, ':') && !(up->is_ip && *p == '['))
        return -EINVAL;
    if (*rest == ':') {
        char digits[8];
        size_t n = strspn(rest + 1, "0123456789");

        if (n == 0 || n >= sizeof(digits))
            return -EINVAL;
        memcpy(digits, rest + 1, n);
        digits[n] = '\0';
        port = strtol(digits, NULL, 10); /* digits only, at most 7 */
        if (port < 1 || port > 65535)
            return -EINVAL;
        rest += 1 + n;
    }
    if (*rest && *rest != '/')
        return -EINVAL;
    if (strpbrk(rest, "?# \t\r\n"))
        return -EINVAL;
    blen = strlen(rest);
    while (blen && rest[blen - 1] == '/')
        blen--;
    if (blen >= sizeof(up->base))
        return -EINVAL;
    memcpy(up->base, rest, blen);
    up->base[blen] = '\0';
    up->port = (int)port;
    snprintf(up->host_hdr, sizeof(up->host_hdr), "%s%s%s", strchr(up->host, ':') ? "[" : "",
             up->host, strchr(up->host, ':') ? "]" : "");
    if (port != 443) {
        size_t l = strlen(up->host_hdr);
        snprintf(up->host_hdr + l, sizeof(up->host_hdr) - l, ":%d", up->port);
    }
    return 0;
}

/* ---- upstream TLS ------------------------------------------------------------------------ */

static int verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct forward *f = ssl ? SSL_get_app_data(ssl) : NULL;

    if (!ok && f && !f->verify_error)
        f->verify_error = X509_STORE_CTX_get_error(store);
    return ok;
}

static void info_cb(const SSL *ssl, int where, int ret)
{
    struct forward *f = SSL_get_app_data(ssl);

    if (!f)
        return;
    if (where & SSL_CB_HANDSHAKE_DONE)
        f->handshake_done = true;
    if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ) && !f->alert[0])
        snprintf(f->alert, sizeof(f->alert), "%s", SSL_alert_desc_string_long(ret));
}

static SSL_CTX *client_ctx_new(const char *ca_file, char *err, size_t err_len)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    const char *reason;
    unsigned long e;

    ERR_clear_error();
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        goto fail;
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_info_callback(ctx, info_cb);
    if (ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1
                : SSL_CTX_set_default_verify_paths(ctx) != 1)
        goto fail;
    return ctx;
fail:
    e = ERR_get_error();
    reason = e ? ERR_reason_error_string(e) : NULL;
    if (e && !reason && ERR_SYSTEM_ERROR(e))
        reason = strerror(ERR_GET_REASON(e)); /* e.g. the CA file cannot be opened */
    snprintf(err, err_len, "%s%s: %s", ca_file ? "--upstream-ca " : "upstream TLS context",
             ca_file ? ca_file : "", reason ? reason : e ? "error" : "out of memory");
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return NULL;
}

/* ---- headers ----------------------------------------------------------------------------- */

/* True for a hop-by-hop header, or one the connection header names. */
static bool hop_by_hop(const char *name, const char *connection)
{
    static const char *const hop[] = {"Connection", "Keep-Alive", "Proxy-Connection",
                                      "Proxy-Authenticate", "Proxy-Authorization", "TE",
                                      "Trailer", "Transfer-Encoding", "Upgrade", NULL};
    size_t len = strlen(name);

    for (size_t i = 0; hop[i]; i++) {
        if (strcasecmp(name, hop[i]) == 0)
            return true;
    }
    for (const char *p = connection; p && *p;) {
        size_t n;

        p += strspn(p, " \t,");
        n = strcspn(p, " \t,");
        if (n == len && strncasecmp(p, name, n) == 0)
            return true;
        p += n;
    }
    return false;
}

/* ---- answering ----------------------------------------------------------------------------- */

static void forward_finish(struct forward *f);

static void reply_502(struct forward *f, const char *description)
{
    struct rec *r = f->r;
    struct am_response resp;

    am_response_init(&resp);
    am_http1_begin(f->client, 502, "Bad Gateway");
    /* The Asaas error envelope; without memory, at least the status. */
    if (am_response_error(&resp, 502, "upstream_unavailable", description) == 0 && resp.body)
        am_http1_header(f->client, "Content-Type", "application/json");
    am_http1_end(f->client, resp.body, resp.body_len, r->drain.draining ? AM_HTTP1_CLOSE : 0);
    f->client = NULL;
    am_response_finish(&resp);
}

static void log_exchange(struct forward *f, int status, const struct am_recording_result *res,
                         const char *file)
{
    char path[600], qpath[700], key[AM_KEY_REDACTED_LEN], qdetail[400];
    long ms = (long)((mono_us() - f->start_us) / 1000);

    snprintf(path, sizeof(path), "%s", f->path ? f->path : "?");
    am_key_scrub(path);
    am_log_quote(path, qpath, sizeof(qpath));
    am_key_redact(f->token ? f->token : "", key, sizeof(key));
    if (!res) {
        am_log(AM_LOG_WARN, "exchange", "method=%s path=%s status=%d ms=%ld key=%s recorded=no",
               am_method_name(f->method), qpath, status, ms, key);
    } else if (res->outcome == AM_RECORDING_SKIPPED) {
        am_log(AM_LOG_WARN, "exchange",
               "method=%s path=%s status=%d ms=%ld key=%s recorded=no reason=%s detail=%s",
               am_method_name(f->method), qpath, status, ms, key, res->reason,
               am_log_quote(res->detail, qdetail, sizeof(qdetail)));
    } else {
        am_log(AM_LOG_INFO, "exchange",
               "method=%s path=%s status=%d ms=%ld key=%s recorded=%s file=%s call=%zu",
               am_method_name(f->method), qpath, status, ms, key,
               res->outcome == AM_RECORDING_NEW ? "new" : "appended", file, res->call);
    }
}

static void fail_upstream(struct forward *f)
{
    struct rec *r = f->r;
    char desc[400], quoted[480];

    if (f->verify_error)
        snprintf(desc, sizeof(desc), "upstream %s:%d: certificate verification failed: %s",
                 r->up.host, r->up.port, X509_verify_cert_error_string(f->verify_error));
    else if (f->alert[0])
        snprintf(desc, sizeof(desc), "upstream %s:%d: TLS handshake failed: %s", r->up.host,
                 r->up.port, f->alert);
    else if (f->req_error == EVREQ_HTTP_TIMEOUT + 1)
        snprintf(desc, sizeof(desc), "upstream %s:%d: no answer within %ds", r->up.host,
                 r->up.port, r->o->upstream_timeout);
    else if (!f->handshake_done)
        snprintf(desc, sizeof(desc), "upstream %s:%d: cannot connect", r->up.host, r->up.port);
    else
        snprintf(desc, sizeof(desc), "upstream %s:%d: closed the connection without a "
                                     "complete answer", r->up.host, r->up.port);
    am_log(AM_LOG_WARN, "upstream_unavailable", "what=%s",
           am_log_quote(desc, quoted, sizeof(quoted)));
    r->failed++;
    if (f->client)
        reply_502(f, desc);
    log_exchange(f, 502, NULL, NULL);
}

/* The upstream answered: pass it on unchanged, then record it. */
static void pass_on(struct forward *f, struct evhttp_request *ureq)
{
    struct rec *r = f->r;
    struct evkeyvalq *ih = evhttp_request_get_input_headers(ureq);
    struct evbuffer *in = evhttp_request_get_input_buffer(ureq);
    const char *connection = evhttp_find_header(ih, "Connection");
    const char *ct = evhttp_find_header(ih, "Content-Type");
    int status = evhttp_request_get_response_code(ureq);
    size_t len = evbuffer_get_length(in);
    const char *body = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
    struct am_recording_pair pair;
    struct am_recording_result res;
    char err[512];
    int rc;

    am_http1_begin(f->client, status, evhttp_request_get_response_code_line(ureq));
    for (struct evkeyval *kv = ih->tqh_first; kv; kv = kv->next.tqe_next) {
        if (hop_by_hop(kv->key, connection))
            continue;
        /* http1 computes the length of what it sends, except for HEAD, whose
         * Content-Length describes the GET answer and must pass unchanged. */
        if (strcasecmp(kv->key, "Content-Length") == 0 && f->method != AM_METHOD_HEAD)
            continue;
        am_http1_header(f->client, kv->key, kv->value);
    }
    am_http1_end(f->client, body, len, r->drain.draining ? AM_HTTP1_CLOSE : 0);
    f->client = NULL;

    memset(&pair, 0, sizeof(pair));
    pair.method = f->method;
    pair.path = f->path;
    pair.query = f->query;
    pair.req_body = f->body;
    pair.req_body_len = f->body_len;
    pair.access_token = f->token;
    pair.status = status;
    pair.content_type = ct;
    pair.resp_body = body;
    pair.resp_body_len = len;
    if (am_recording_add(r->recording, &pair, &res) < 0) {
        am_log(AM_LOG_ERROR, "record_failed", "what=out_of_memory");
        r->skipped++;
        return;
    }
    if (res.outcome == AM_RECORDING_SKIPPED) {
        r->skipped++;
        log_exchange(f, status, &res, NULL);
        return;
    }
    rc = am_recording_save(r->recording, res.file, r->exchanges_dir, err, sizeof(err));
    if (rc < 0) {
        char quoted[600];

        am_log(AM_LOG_ERROR, "record_write_failed", "error=%s",
               am_log_quote(err, quoted, sizeof(quoted)));
    }
    r->recorded++;
    log_exchange(f, status, &res, am_recording_file_name(r->recording, res.file));
}

static void on_upstream_error(enum evhttp_request_error err, void *arg)
{
    struct forward *f = arg;

    f->req_error = (int)err + 1;
}

static void on_upstream_done(struct evhttp_request *ureq, void *arg)
{
    struct forward *f = arg;

    if (f->starting) {
        /* Failed inside evhttp_make_request: on_request finishes once it returns. */
        f->failed_early = true;
        return;
    }
    if (!ureq || evhttp_request_get_response_code(ureq) == 0)
        fail_upstream(f);
    else
        pass_on(f, ureq);
    forward_finish(f);
}

/* ---- forward lifecycle --------------------------------------------------------------- */

static void forward_free(struct forward *f)
{
    struct rec *r = f->r;

    if (f->prev)
        f->prev->next = f->next;
    else
        r->forwards = f->next;
    if (f->next)
        f->next->prev = f->prev;
    if (f->evcon)
        evhttp_connection_free(f->evcon); /* frees its bufferevent, SSL and socket */
    if (f->cleanup)
        event_free(f->cleanup);
    if (f->token) {
        explicit_bzero(f->token, strlen(f->token));
        free(f->token);
    }
    free(f->path);
    free(f->query);
    free(f->body);
    free(f);
}

static void on_cleanup(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    forward_free(arg);
}

/* The exchange is over: the upstream connection is freed from the loop, never from
 * inside its own callback. */
static void forward_finish(struct forward *f)
{
    struct rec *r = f->r;
    struct timeval now = {0, 0};

    r->inflight--;
    if (!f->cleanup || evtimer_add(f->cleanup, &now) < 0) {
        /* Cannot defer: keep it until shutdown rather than free it under evhttp. */
        am_log(AM_LOG_ERROR, "record_failed", "what=cleanup_timer");
    }
    am_listener_drain_check(&r->drain);
}

static int add_forward_headers(struct forward *f, const struct am_request *client,
                               struct evhttp_request *ureq, bool has_length)
{
    struct rec *r = f->r;
    struct evkeyvalq *oh = evhttp_request_get_output_headers(ureq);
    const char *connection = am_request_header(client, "Connection");
    char len[32];

    for (size_t i = 0; i < client->n_headers; i++) {
        const char *key = client->headers[i].name;

        if (hop_by_hop(key, connection) || strcasecmp(key, "Host") == 0 ||
            strcasecmp(key, "Content-Length") == 0 || strcasecmp(key, "Accept-Encoding") == 0 ||
            /* The whole body is here already; evhttp's client cannot wait for a 100. */
            strcasecmp(key, "Expect") == 0)
            continue;
        if (evhttp_add_header(oh, key, client->headers[i].value) < 0)
            return -ENOMEM;
    }
    snprintf(len, sizeof(len), "%zu", f->body_len);
    if (evhttp_add_header(oh, "Host", r->up.host_hdr) < 0 ||
        /* One exchange per upstream connection. */
        evhttp_add_header(oh, "Connection", "close") < 0 ||
        ((f->body_len || has_length) && evhttp_add_header(oh, "Content-Length", len) < 0))
        return -ENOMEM;
    return 0;
}

/* Copies of what the recording needs; returns -1 when the request is unusable. */
static int capture(struct forward *f, const struct am_request *client, const char *target)
{
    const char *token = am_request_header(client, "access_token");

    f->method = client->method;
    /* A decoded NUL would make "/v3/x%00y" look like "/v3/x" (http1 serves it as "/"). */
    if (strstr(target, "%00") || !(f->path = strdup(client->path)))
        return -1;
    if ((client->query && !(f->query = strdup(client->query))) ||
        (token && !(f->token = strdup(token))))
        return -1;
    f->body_len = client->body_len;
    if (f->body_len) {
        if (!(f->body = malloc(f->body_len)))
            return -1;
        memcpy(f->body, client->body, f->body_len);
    }
    return 0;
}

static enum evhttp_cmd_type method_cmd(enum am_method m)
{
    switch (m) {
    case AM_METHOD_POST:
        return EVHTTP_REQ_POST;
    case AM_METHOD_PUT:
        return EVHTTP_REQ_PUT;
    case AM_METHOD_DELETE:
        return EVHTTP_REQ_DELETE;
    case AM_METHOD_PATCH:
        return EVHTTP_REQ_PATCH;
    case AM_METHOD_HEAD:
        return EVHTTP_REQ_HEAD;
    case AM_METHOD_OPTIONS:
        return EVHTTP_REQ_OPTIONS;
    default:
        return EVHTTP_REQ_GET;
    }
}

static void on_request(void *arg, struct am_http1_conn *conn, struct am_request *client,
                       const char *target)
{
    struct rec *r = arg;
    struct forward *f = calloc(1, sizeof(*f));
    struct evhttp_request *ureq = NULL;
    struct bufferevent *bev = NULL;
    char *full = NULL;
    SSL *ssl = NULL;
    int rc;

    if (!f) {
        am_http1_begin(conn, 500, NULL);
        am_http1_end(conn, NULL, 0, AM_HTTP1_CLOSE);
        return;
    }
    f->r = r;
    f->client = conn;
    f->start_us = mono_us();
    f->next = r->forwards;
    if (f->next)
        f->next->prev = f;
    r->forwards = f;
    r->inflight++;
    f->cleanup = evtimer_new(r->base, on_cleanup, f);
    if (!f->cleanup || !target || target[0] != '/' || capture(f, client, target) < 0 ||
        asprintf(&full, "%s%s", r->up.base, target) < 0) {
        full = NULL;
        reply_502(f, "the recorder could not forward this request");
        log_exchange(f, 502, NULL, NULL);
        goto done;
    }
    ERR_clear_error();
    ssl = SSL_new(r->client_ctx);
    if (!ssl)
        goto fail;
    SSL_set_app_data(ssl, f);
    if (r->up.is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), r->up.host) != 1)
            goto fail;
    } else if (SSL_set_tlsext_host_name(ssl, r->up.host) != 1 ||
               SSL_set1_host(ssl, r->up.host) != 1) {
        goto fail;
    }
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    bev = bufferevent_openssl_socket_new(r->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    ssl = NULL; /* the bufferevent owns it now, even when it failed */
    if (!bev)
        goto fail;
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    f->evcon = evhttp_connection_base_bufferevent_new(r->base, NULL, bev, r->up.host,
                                                      (unsigned short)r->up.port);
    if (!f->evcon) {
        bufferevent_free(bev);
        goto fail;
    }
    evhttp_connection_set_timeout(f->evcon, (int)r->o->upstream_timeout);
    evhttp_connection_set_max_body_size(f->evcon, UPSTREAM_MAX_BODY);
    ureq = evhttp_request_new(on_upstream_done, f);
    if (!ureq)
        goto fail;
    evhttp_request_set_error_cb(ureq, on_upstream_error);
    if (add_forward_headers(f, client, ureq, am_request_header(client, "Content-Length") != NULL) < 0 ||
        (f->body_len && evbuffer_add(evhttp_request_get_output_buffer(ureq), f->body,
                                     f->body_len) < 0)) {
        evhttp_request_free(ureq);
        goto fail;
    }
    f->starting = true;
    rc = evhttp_make_request(f->evcon, ureq, method_cmd(f->method), full); /* takes ureq */
    f->starting = false;
    if (rc < 0 || f->failed_early)
        goto fail;
    {
        /* TLS writes head and body as separate records: without TCP_NODELAY Nagle plus
         * delayed ACK stall each exchange ~40 ms. The socket exists once connecting. */
        evutil_socket_t fd = bufferevent_getfd(bev);
        int one = 1;

        if (fd >= 0)
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    free(full);
    return;
fail:
    SSL_free(ssl);
    fail_upstream(f);
done:
    free(full);
    forward_finish(f);
}

/* ---- server side ----------------------------------------------------------------------- */

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                      int socklen, void *arg)
{
    struct rec *r = arg;
    SSL *ssl = SSL_new(r->server_ctx);
    struct bufferevent *bev = NULL;

    (void)l;
    (void)socklen;
    if (ssl) /* owns ssl from here, even when it fails */
        bev = bufferevent_openssl_socket_new(r->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (!bev) {
        am_log(AM_LOG_ERROR, "connection_failed", "what=tls_setup");
        evutil_closesocket(fd);
        return;
    }
    am_http1_conn_new(r->conns, bev, sa, true);
}

/* A request the framer refused (listener.h) never reaches the upstream: logged only. */
static void on_refused(void *arg, struct am_request *req, struct am_response *resp,
                       enum am_httphead_error e)
{
    const struct am_httphead_error_info *info = am_httphead_error_info(e);
    char quoted[96];

    (void)arg;
    (void)resp;
    req->request_id = "-";
    am_log(AM_LOG_WARN, "http_refused", "reason=%s status=%d ip=%s recorded=no", info->reason,
           info->status, am_log_quote(req->client_ip, quoted, sizeof(quoted)));
}

/* The first SIGTERM/SIGINT (listener.h): no new connections; exchanges under way finish. */
static void stop_accepting(void *arg)
{
    struct rec *r = arg;

    if (r->handle) {
        evconnlistener_free(r->handle);
        r->handle = NULL;
    }
}

static int setup_server(struct rec *r)
{
    const struct am_config *o = r->o;
    int port;

    r->front.max_head = 64 << 10;
    r->front.max_body = (size_t)o->max_body;
    r->front.idle_timeout = (int)o->idle_timeout;
    r->front.head_timeout = AM_HEAD_TIMEOUT_DEFAULT;
    r->front.body_timeout = AM_BODY_TIMEOUT_DEFAULT;
    /* The upstream's Content-Type or none: never one of ours (default_type NULL). */
    r->front.request = on_request;
    r->front.refused = on_refused;
    r->front.arg = r;
    if (!(r->conns = am_http1_set_new(r->base, &r->front)))
        return -ENOMEM;
    /* TCP_NODELAY: no 40 ms Nagle stall towards the client. */
    r->handle = am_listener_bind(r->base, o->bind, o->port, on_accept, r);
    if (!r->handle) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=bind addr=%s port=%d error=\"%s\"", o->bind,
               o->port, strerror(errno));
        return -EADDRINUSE;
    }
    port = am_listener_bound_port(r->handle);
    if (o->port_file && am_listener_write_port_file(o->port_file, port) < 0) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=port_file path=%s", o->port_file);
        return -EIO;
    }
    am_log(AM_LOG_INFO, "recording", "addr=%s port=%d upstream=https://%s%s out=%s "
                                     "upstream_ca=%s",
           o->bind, port, r->up.host_hdr, r->up.base, r->exchanges_dir,
           o->upstream_ca ? o->upstream_ca : "system");
    return 0;
}

int am_record_main(int argc, char **argv)
{
    struct am_config o;
    struct rec r;
    struct am_tls_options topts;
    struct am_tls_info info;
    struct event_config *ecfg = NULL;
    char err[512];
    int rc;

    memset(&r, 0, sizeof(r));
    memset(&info, 0, sizeof(info));
    am_config_defaults(&o);
    rc = 2;
    if (am_config_load_record(&o, argc, argv, err, sizeof(err)) < 0) {
        fprintf(stderr, "asaas-mock record: %s\n", err);
        goto out;
    }
    if (o.show_help) {
        fputs(am_config_record_usage(), stdout);
        rc = 0;
        goto out;
    }
    if (parse_upstream(o.upstream, &r.up) < 0) {
        rc = bad("--upstream: expected https://HOST[:PORT][/BASE], got", o.upstream);
        goto out;
    }
    if (o.log_level) {
        enum am_log_level lvl;

        if (am_log_parse_level(o.log_level, &lvl) == 0)
            am_log_set_level(lvl);
    }
    r.o = &o;
    rc = 1;
    signal(SIGPIPE, SIG_IGN);
    /* A bad --upstream-ca is a configuration error: found before anything is created. */
    if (!(r.client_ctx = client_ctx_new(o.upstream_ca, err, sizeof(err)))) {
        fprintf(stderr, "asaas-mock record: %s\n", err);
        rc = 2;
        goto out;
    }
    if (am_recording_prepare_dir(o.out, r.exchanges_dir, sizeof(r.exchanges_dir), err,
                                 sizeof(err)) < 0) {
        fprintf(stderr, "asaas-mock record: %s\n", err);
        goto out;
    }
    if (!(r.recording = am_recording_new()))
        goto out;
    memset(&topts, 0, sizeof(topts));
    topts.cert_path = o.tls_cert;
    topts.key_path = o.tls_key;
    topts.extra_sans = (const char *const *)o.tls_sans;
    topts.n_extra_sans = o.n_tls_sans;
    topts.ca_out_path = o.ca_out;
    if (!(r.server_ctx = am_tls_ctx_new(&topts, &info, err, sizeof(err)))) {
        fprintf(stderr, "asaas-mock record: tls: %s\n", err);
        goto out;
    }
    if (!am_config_is_loopback(o.bind))
        am_log(AM_LOG_WARN, "recording", "note=\"listening beyond loopback: anyone who can "
                                         "connect reaches the upstream through this proxy\"");
    ecfg = event_config_new();
    if (ecfg)
        event_config_set_flag(ecfg, EVENT_BASE_FLAG_NOLOCK);
    r.base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    event_config_free(ecfg);
    if (!r.base || setup_server(&r) < 0)
        goto out;
    if (am_listener_drain_init(&r.drain, r.base, o.shutdown_grace_ms, &r.inflight,
                               stop_accepting, &r) < 0)
        goto out;
    if (event_base_dispatch(r.base) < 0)
        goto out;
    am_log(AM_LOG_INFO, "stopped", "exit=0 recorded=%lu skipped=%lu failed=%lu files=%zu "
                                   "exchanges=%zu",
           r.recorded, r.skipped, r.failed, am_recording_file_count(r.recording),
           am_recording_exchange_count(r.recording));
    rc = 0;
out:
    /* Upstream connections first (freeing one runs no callback), then the client side. */
    while (r.forwards)
        forward_free(r.forwards);
    am_listener_drain_free(&r.drain);
    if (r.handle)
        evconnlistener_free(r.handle);
    am_http1_set_free(r.conns);
    if (r.base)
        event_base_free(r.base);
    SSL_CTX_free(r.server_ctx);
    SSL_CTX_free(r.client_ctx);
    free(info.cert_pem);
    am_recording_free(r.recording);
    am_config_finish(&o);
    am_log_flush();
    return rc;
}

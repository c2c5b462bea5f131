/* webhook_client.c - outbound webhook deliveries (see webhook_client.h).
 *
 * Plain-HTTP connections are kept alive and reused per receiver address (a pool of idle
 * ones); HTTPS ones carry one attempt each (an SSL object cannot reconnect). Connections
 * are never freed inside evhttp's callbacks (evhttp still touches them afterwards): they
 * go to a graveyard freed on the next pass. Names are resolved with evdns_getaddrinfo and the connection is
 * made to the numeric address, so the socket exists right after evhttp_make_request and
 * gets TCP_NODELAY (without it TLS head and body records stall ~40 ms on delayed ACKs).
 * The Host header, SNI and certificate check use the name from the URL. */
#include "webhook_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "asaas_facts.h"
#include "log.h"
#include "webhook_pump.h"

/* Attempts in flight at once over every account (bounded memory and sockets). */
#define MAX_INFLIGHT 256
/* The queues are looked at least this often (real-time accounts' retries). */
#define MAX_SLEEP_MS 1000
#define SNIPPET_BYTES 256
/* reorder/burst: deliveries held at most, and for at most this long. */
#define MAX_HELD 1000
#define HOLD_MS 1000
/* reorder: spacing between the released sends, so they arrive in the shuffled order. */
#define REORDER_GAP_MS 30
/* Idle keep-alive connections kept for reuse. */
#define POOL_MAX 64

struct delivery {
    struct am_webhook_client *client;
    struct delivery *prev, *next;
    struct am_pump_job job;
    struct evdns_getaddrinfo_request *dns_req;
    struct evhttp_connection *conn;
    struct bufferevent *bev;     /* the connection's, for TLS errors */
    struct event *timer;         /* fault delay, then the attempt's deadline */
    int64_t start_us;
    unsigned sends_left;         /* duplicate: identical sends still to make */
    char error[96];
    enum am_pump_failure why;
    bool started;
    char pool_key[80];           /* "address|port" of a plain-HTTP connection */
};

struct pooled {
    char key[80];
    struct evhttp_connection *conn;
};

struct am_webhook_client {
    struct event_base *base;
    const struct am_config *cfg;
    struct am_app *app;
    SSL_CTX *ssl_ctx;             /* made at the first HTTPS delivery (client_ctx) */
    bool system_trust_loaded; /* the system CA store, read at the first HTTPS delivery */
    struct evdns_base *dns;
    struct event *wake;          /* the pump: take due jobs, start them */
    struct delivery *inflight;
    size_t n_inflight;
    struct am_pump_job *batch;   /* scratch for am_pump_take */
    struct delivery *held[MAX_HELD]; /* reorder/burst: waiting for their release */
    size_t n_held;
    struct event *hold_timer;    /* releases what is held after HOLD_MS */
    uint64_t rng;                /* reorder shuffles */
    struct pooled pool[POOL_MAX];  /* idle keep-alive connections */
    size_t n_pool;
    struct evhttp_connection **dead; /* to free outside evhttp's callbacks */
    size_t n_dead, cap_dead;
};

static void bury_all(struct am_webhook_client *c)
{
    for (size_t i = 0; i < c->n_dead; i++)
        evhttp_connection_free(c->dead[i]);
    c->n_dead = 0;
}

/* Inside an evhttp callback: free conn on the next pass. */
static void bury(struct am_webhook_client *c, struct evhttp_connection *conn)
{
    if (c->n_dead == c->cap_dead) {
        size_t cap = c->cap_dead ? c->cap_dead * 2 : 64;
        struct evhttp_connection **grown = realloc(c->dead, cap * sizeof(*grown));
        if (!grown) {
            /* Rather a leak than a use after free. */
            return;
        }
        c->dead = grown;
        c->cap_dead = cap;
    }
    c->dead[c->n_dead++] = conn;
}

/* After a response: keep conn for the next attempt to the same address, or bury it. */
static void release(struct am_webhook_client *c, struct evhttp_connection *conn, const char *key,
                    bool reusable)
{
    if (reusable && key[0] && c->n_pool < POOL_MAX) {
        snprintf(c->pool[c->n_pool].key, sizeof(c->pool[0].key), "%s", key);
        c->pool[c->n_pool++].conn = conn;
        return;
    }
    bury(c, conn);
}

static struct evhttp_connection *reuse(struct am_webhook_client *c, const char *key)
{
    for (size_t i = c->n_pool; i-- > 0;) {
        if (strcmp(c->pool[i].key, key) == 0) {
            struct evhttp_connection *conn = c->pool[i].conn;
            c->pool[i] = c->pool[--c->n_pool];
            return conn;
        }
    }
    return NULL;
}

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void schedule(struct am_webhook_client *c, int64_t ms)
{
    struct timeval tv;

    if (ms < 0 || ms > MAX_SLEEP_MS)
        ms = MAX_SLEEP_MS;
    tv.tv_sec = (time_t)(ms / 1000);
    tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
    evtimer_del(c->wake);
    evtimer_add(c->wake, &tv);
}

void am_webhook_client_kick(struct am_webhook_client *c)
{
    if (c)
        schedule(c, 0);
}

static void delivery_free(struct delivery *d)
{
    struct am_webhook_client *c = d->client;

    if (d->dns_req)
        evdns_getaddrinfo_cancel(d->dns_req); /* its callback runs with EVUTIL_EAI_CANCEL */
    if (d->conn)
        evhttp_connection_free(d->conn);
    if (d->timer)
        event_free(d->timer);
    if (d->prev)
        d->prev->next = d->next;
    else
        c->inflight = d->next;
    if (d->next)
        d->next->prev = d->prev;
    c->n_inflight--;
    am_pump_job_clear(&d->job);
    free(d);
}

/* Reports and frees d (or sends again for a duplicate fault). */
static void finish(struct delivery *d, int status, const char *answer, size_t answer_len)
{
    struct am_webhook_client *c = d->client;
    int64_t latency_ms = (mono_us() - d->start_us) / 1000;
    bool again = d->sends_left > 0;

    am_pump_done(c->app, &d->job, wall_ms(), status, d->why, d->error, answer, answer_len,
                 latency_ms);
    if (again) {
        /* The same event, the same id, once more: the receiver must be idempotent. */
        d->sends_left--;
        d->job.attempt++;
        d->error[0] = '\0';
        if (d->conn) {
            evhttp_connection_free(d->conn);
            d->conn = NULL;
        }
        d->started = false;
        event_active(d->timer, EV_TIMEOUT, 0);
        return;
    }
    delivery_free(d);
    schedule(c, 0); /* a slot is free and the queue may have moved on */
}

static const char *tls_error(struct bufferevent *bev, char *buf, size_t len)
{
    unsigned long e = bev ? bufferevent_get_openssl_error(bev) : 0;

    if (!e)
        return NULL;
    ERR_error_string_n(e, buf, len);
    return buf;
}

static void on_response(struct evhttp_request *req, void *arg)
{
    struct delivery *d = arg;
    char answer[SNIPPET_BYTES];
    size_t n = 0;
    int status = req ? evhttp_request_get_response_code(req) : 0;

    if (d->timer)
        evtimer_del(d->timer);
    if (status > 0) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        n = evbuffer_copyout(in, answer, sizeof(answer));
        if (status != 200) {
            d->why = AM_PUMP_FAIL_STATUS;
            snprintf(d->error, sizeof(d->error), "HTTP %d (only 200 counts)", status);
        }
    } else if (!d->error[0]) {
        char buf[160];
        const char *tls = tls_error(d->bev, buf, sizeof(buf));
        d->why = tls ? AM_PUMP_FAIL_TLS : AM_PUMP_FAIL_CONNECT;
        snprintf(d->error, sizeof(d->error), "%s%.80s", tls ? "tls: " : "",
                 tls ? tls : "connection failed or closed without an answer");
    }
    /* A plain connection that delivered an answer serves the next attempt (evhttp
     * reconnects it by itself if the receiver closed it). */
    release(d->client, d->conn, d->pool_key, status > 0 && !d->job.url.https);
    d->conn = NULL;
    d->bev = NULL;
    finish(d, status, n ? answer : NULL, n);
}

static void on_request_error(enum evhttp_request_error e, void *arg)
{
    struct delivery *d = arg;
    char buf[160];
    const char *tls = tls_error(d->bev, buf, sizeof(buf));

    if (tls) {
        d->why = AM_PUMP_FAIL_TLS;
        snprintf(d->error, sizeof(d->error), "tls: %.80s", tls);
        return;
    }
    switch (e) {
    case EVREQ_HTTP_TIMEOUT:
        d->why = AM_PUMP_FAIL_TIMEOUT;
        snprintf(d->error, sizeof(d->error), "timeout after %d ms", d->client->cfg->webhook_timeout_ms);
        break;
    case EVREQ_HTTP_EOF:
        d->why = AM_PUMP_FAIL_CONNECT;
        snprintf(d->error, sizeof(d->error), "connection closed without an answer");
        break;
    case EVREQ_HTTP_INVALID_HEADER:
    case EVREQ_HTTP_DATA_TOO_LONG:
        d->why = AM_PUMP_FAIL_OTHER;
        snprintf(d->error, sizeof(d->error), "unreadable answer");
        break;
    default:
        d->why = AM_PUMP_FAIL_CONNECT;
        snprintf(d->error, sizeof(d->error), "connection failed");
        break;
    }
}

static void on_deadline(struct delivery *d)
{
    d->why = AM_PUMP_FAIL_TIMEOUT;
    snprintf(d->error, sizeof(d->error), "timeout after %d ms", d->client->cfg->webhook_timeout_ms);
    if (d->dns_req) {
        evdns_getaddrinfo_cancel(d->dns_req);
        d->dns_req = NULL;
    }
    if (d->conn) {
        evhttp_connection_free(d->conn); /* frees the request without calling on_response */
        d->conn = NULL;
    }
    d->bev = NULL;
    finish(d, 0, NULL, 0);
}

static int connect_and_send(struct delivery *d, const char *address);

static bool is_ip_literal(const char *host)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static void on_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
    struct delivery *d = arg;
    char addr[64] = "";

    if (err == EVUTIL_EAI_CANCEL) {
        if (ai)
            evutil_freeaddrinfo(ai);
        return; /* the delivery is being freed or timed out */
    }
    d->dns_req = NULL;
    if (err == 0 && ai) {
        if (ai->ai_family == AF_INET)
            evutil_inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr,
                             sizeof(addr));
        else if (ai->ai_family == AF_INET6)
            evutil_inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, addr,
                             sizeof(addr));
    }
    if (ai)
        evutil_freeaddrinfo(ai);
    if (!addr[0]) {
        d->why = AM_PUMP_FAIL_CONNECT;
        snprintf(d->error, sizeof(d->error), "cannot resolve %.60s: %s", d->job.url.host,
                 err ? evutil_gai_strerror(err) : "no address");
        evtimer_del(d->timer);
        finish(d, 0, NULL, 0);
        return;
    }
    if (connect_and_send(d, addr) < 0) {
        evtimer_del(d->timer);
        finish(d, 0, NULL, 0);
    }
}

/* Parsing the system CA bundle (~150 certificates) was 87% of the instructions from exec
 * to the first answer; most mocks never deliver over HTTPS. So it is read here, once,
 * when the first HTTPS delivery needs it (the trust is the same as before). */
static void load_system_trust(struct am_webhook_client *c)
{
    if (c->system_trust_loaded)
        return;
    c->system_trust_loaded = true;
    if (SSL_CTX_set_default_verify_paths(c->ssl_ctx) != 1)
        am_log(AM_LOG_WARN, "webhook_tls", "what=no_system_trust_store");
}

/* The client SSL_CTX: made when the first HTTPS delivery needs it (or at start, to check
 * --webhook-ca's file): making it was ~5% of the instructions from exec to the first
 * answer (issue 12), and most mocks never deliver over HTTPS. NULL when OpenSSL fails. */
static SSL_CTX *client_ctx(struct am_webhook_client *c)
{
    if (c->ssl_ctx)
        return c->ssl_ctx;
    c->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ssl_ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(c->ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_PEER, NULL);
    return c->ssl_ctx;
}

static struct bufferevent *tls_bev(struct delivery *d)
{
    struct am_webhook_client *c = d->client;
    const char *host = d->job.url.host;
    SSL *ssl;
    struct bufferevent *bev;

    if (!client_ctx(c))
        return NULL;
    load_system_trust(c);
    ssl = SSL_new(c->ssl_ctx);
    if (!ssl)
        return NULL;
    if (is_ip_literal(host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
    } else {
        SSL_set_tlsext_host_name(ssl, host);
        X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl), host, 0);
    }
    bev = bufferevent_openssl_socket_new(c->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (!bev) {
        SSL_free(ssl);
        return NULL;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    return bev;
}

static int connect_and_send(struct delivery *d, const char *address)
{
    struct am_webhook_client *c = d->client;
    const struct am_pump_job *j = &d->job;
    struct evhttp_request *req;
    struct evkeyvalq *h;
    struct bufferevent *bev = NULL;
    struct timeval tv;
    char host_header[300], len[24];
    int fd, one = 1;

    if (j->url.https) {
        bev = tls_bev(d);
        if (!bev)
            goto fail;
    } else {
        snprintf(d->pool_key, sizeof(d->pool_key), "%.63s|%u", address, j->url.port);
        d->conn = reuse(c, d->pool_key);
    }
    if (!d->conn)
        d->conn = evhttp_connection_base_bufferevent_new(c->base, c->dns, bev, address,
                                                         (unsigned short)j->url.port);
    if (!d->conn) {
        if (bev)
            bufferevent_free(bev);
        goto fail;
    }
    d->bev = evhttp_connection_get_bufferevent(d->conn);
    /* evhttp's own timeout is a backstop a little after ours. */
    tv.tv_sec = c->cfg->webhook_timeout_ms / 1000 + 1;
    tv.tv_usec = (c->cfg->webhook_timeout_ms % 1000) * 1000;
    evhttp_connection_set_timeout_tv(d->conn, &tv);
    evhttp_connection_set_retries(d->conn, 0);
    req = evhttp_request_new(on_response, d);
    if (!req)
        goto fail;
    evhttp_request_set_error_cb(req, on_request_error);
    h = evhttp_request_get_output_headers(req);
    if (strchr(j->url.host, ':'))
        snprintf(host_header, sizeof(host_header), "[%s]:%u", j->url.host, j->url.port);
    else
        snprintf(host_header, sizeof(host_header), "%s:%u", j->url.host, j->url.port);
    snprintf(len, sizeof(len), "%zu", j->body_len);
    evhttp_add_header(h, "Host", host_header);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "User-Agent", AM_WEBHOOK_USER_AGENT);
    evhttp_add_header(h, "Content-Length", len);
    if (j->url.https)
        evhttp_add_header(h, "Connection", "close");
    if (j->token[0])
        evhttp_add_header(h, "asaas-access-token", j->token);
    evbuffer_add(evhttp_request_get_output_buffer(req), j->body, j->body_len);
    if (evhttp_make_request(d->conn, req, EVHTTP_REQ_POST, j->url.path) < 0)
        goto fail; /* evhttp freed req */
    fd = bufferevent_getfd(d->bev);
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return 0;
fail:
    if (d->conn) {
        evhttp_connection_free(d->conn);
        d->conn = NULL;
    }
    d->bev = NULL;
    d->why = AM_PUMP_FAIL_OTHER;
    snprintf(d->error, sizeof(d->error), "could not start the request (out of memory?)");
    return -1;
}

/* The delivery's timer: first the fault delay (if any), then the deadline. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct delivery *d = arg;
    struct am_webhook_client *c = d->client;
    struct timeval deadline = {c->cfg->webhook_timeout_ms / 1000,
                               (c->cfg->webhook_timeout_ms % 1000) * 1000};
    const char *host = d->job.url.host;

    (void)fd;
    (void)what;
    if (d->started) {
        on_deadline(d);
        return;
    }
    d->started = true;
    d->start_us = mono_us();
    evtimer_add(d->timer, &deadline);
    if (!host[0]) {
        d->why = AM_PUMP_FAIL_OTHER;
        snprintf(d->error, sizeof(d->error), "invalid URL");
        evtimer_del(d->timer);
        finish(d, 0, NULL, 0);
        return;
    }
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1"; /* no resolver needed for the common case */
    if (is_ip_literal(host)) {
        if (connect_and_send(d, host) < 0) {
            evtimer_del(d->timer);
            finish(d, 0, NULL, 0);
        }
        return;
    }
    {
        struct evutil_addrinfo hints;
        struct evdns_getaddrinfo_request *r;
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_protocol = IPPROTO_TCP;
        r = evdns_getaddrinfo(c->dns, host, NULL, &hints, on_resolved, d);
        /* NULL: answered (and on_resolved already ran, possibly finishing d). */
        if (r)
            d->dns_req = r;
    }
}

static void hold(struct am_webhook_client *c, struct delivery *d);

static void start(struct am_webhook_client *c, struct am_pump_job *job)
{
    struct delivery *d = calloc(1, sizeof(*d));
    struct timeval delay;

    if (!d) {
        am_pump_abandon(c->app, job);
        am_pump_job_clear(job);
        return;
    }
    d->client = c;
    d->job = *job; /* takes the body */
    memset(job, 0, sizeof(*job));
    d->sends_left = d->job.drop ? 0 : d->job.copies;
    d->next = c->inflight;
    if (c->inflight)
        c->inflight->prev = d;
    c->inflight = d;
    c->n_inflight++;
    d->start_us = mono_us();
    if (d->job.drop) {
        /* Counted as sent, never sent. */
        finish(d, 0, NULL, 0);
        return;
    }
    d->timer = evtimer_new(c->base, on_timer, d);
    if (!d->timer) {
        am_pump_abandon(c->app, &d->job);
        delivery_free(d);
        return;
    }
    if (d->job.hold) {
        hold(c, d);
        return;
    }
    delay.tv_sec = d->job.delay_ms / 1000;
    delay.tv_usec = (d->job.delay_ms % 1000) * 1000;
    evtimer_add(d->timer, &delay);
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Lets every held delivery go: at once (burst), or shuffled and spaced (reorder). */
static void release_held(struct am_webhook_client *c)
{
    size_t n = c->n_held;
    bool burst = n && c->held[n - 1]->job.burst;

    if (!burst && n > 1) {
        bool moved = false;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(next_rand(&c->rng) % (i + 1));
            struct delivery *t = c->held[i];
            c->held[i] = c->held[j];
            c->held[j] = t;
            moved |= i != j;
        }
        if (!moved) { /* the identity is no reordering: rotate by one */
            struct delivery *first = c->held[0];
            memmove(&c->held[0], &c->held[1], (n - 1) * sizeof(c->held[0]));
            c->held[n - 1] = first;
        }
    }
    c->n_held = 0;
    evtimer_del(c->hold_timer);
    for (size_t i = 0; i < n; i++) {
        struct delivery *d = c->held[i];
        unsigned ms = burst ? 0 : (unsigned)(i * REORDER_GAP_MS);
        struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
        evtimer_add(d->timer, &tv);
    }
}

static void on_hold_over(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    release_held(arg);
}

/* A reorder/burst fault holds d: the queue moves on, d waits for its companions. */
static void hold(struct am_webhook_client *c, struct delivery *d)
{
    struct timeval tv = {HOLD_MS / 1000, (HOLD_MS % 1000) * 1000};

    am_pump_hand_over(c->app, &d->job);
    c->held[c->n_held++] = d;
    if (c->n_held == 1)
        evtimer_add(c->hold_timer, &tv);
    if (c->n_held >= d->job.hold || c->n_held == MAX_HELD)
        release_held(c);
    schedule(c, 0); /* the queue's next event may now be due */
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    struct am_webhook_client *c = arg;
    size_t room = MAX_INFLIGHT - c->n_inflight, n;

    (void)fd;
    (void)what;
    bury_all(c);
    if (room > 0) {
        n = am_pump_take(c->app, wall_ms(), c->batch, room);
        for (size_t i = 0; i < n; i++)
            start(c, &c->batch[i]);
    }
    schedule(c, am_pump_next_ms(c->app, wall_ms()));
}

struct am_webhook_client *am_webhook_client_new(struct event_base *base,
                                                const struct am_config *cfg, struct am_app *app)
{
    struct am_webhook_client *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->base = base;
    c->cfg = cfg;
    c->app = app;
    c->batch = calloc(MAX_INFLIGHT, sizeof(*c->batch));
    if (!c->batch)
        goto fail;
    /* The system store is read at the first HTTPS delivery (load_system_trust). */
    if (cfg->webhook_ca &&
        (!client_ctx(c) || SSL_CTX_load_verify_locations(c->ssl_ctx, cfg->webhook_ca, NULL) != 1)) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=webhook_ca path=%s", cfg->webhook_ca);
        goto fail;
    }
    /* Name servers from resolv.conf and /etc/hosts; a missing resolv.conf still leaves
     * numeric hosts and localhost working. */
    c->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    if (!c->dns)
        c->dns = evdns_base_new(base, 0);
    c->wake = evtimer_new(base, on_wake, c);
    c->hold_timer = evtimer_new(base, on_hold_over, c);
    c->rng = (uint64_t)wall_ms();
    if (!c->dns || !c->wake || !c->hold_timer)
        goto fail;
    schedule(c, 0);
    return c;
fail:
    am_webhook_client_free(c);
    return NULL;
}

void am_webhook_client_free(struct am_webhook_client *c)
{
    if (!c)
        return;
    while (c->inflight) {
        am_pump_abandon(c->app, &c->inflight->job);
        delivery_free(c->inflight);
    }
    c->n_held = 0; /* held deliveries are in the in-flight list too */
    bury_all(c);
    free(c->dead);
    for (size_t i = 0; i < c->n_pool; i++)
        evhttp_connection_free(c->pool[i].conn);
    if (c->wake)
        event_free(c->wake);
    if (c->hold_timer)
        event_free(c->hold_timer);
    if (c->dns)
        evdns_base_free(c->dns, 0);
    if (c->ssl_ctx)
        SSL_CTX_free(c->ssl_ctx);
    free(c->batch);
    free(c);
}

/* server.c - evhttp over bufferevent_openssl, the request adapter and graceful drain. */
#include "server.h"
#include "syncer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h> /* the request's HTTP version (major, minor) */
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "webhook_client.h"

struct pending;
static void on_timer(evutil_socket_t fd, short what, void *arg);

struct server {
    const struct am_config *cfg;
    struct am_app *app;
    SSL_CTX *ssl_ctx;
    struct event_base *base;
    struct evhttp *https;
    struct evhttp *http; /* plaintext, only with --plain-port */
    struct evhttp_bound_socket *tls_handle, *plain_handle;
    struct event *sighup;
    struct am_listener_drain drain; /* SIGTERM/SIGINT and the graceful drain */
    struct evbuffer *out; /* reused reply buffer (single-threaded) */
    struct pending *pending; /* deferred replies and wire faults in progress */
    int inflight;         /* replies owed by deferred handlers */
    struct event *trim;            /* periodic malloc_trim while idle */
    struct event *refuse_timer;    /* the refuse fault re-binds the listener */
    int tls_port;
    unsigned long requests_since_trim, requests_at_last_tick;
    struct event *commit;  /* group commit of --state-file entries, once per loop pass */
    struct event *idle;    /* background work after replies (reset standbys) */
    struct am_listener_opts front; /* the framer's limits and deadlines */
    char refused_id[72];
    struct am_webhook_client *webhooks; /* outbound webhook deliveries */
};

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void refuse_for(struct server *srv, uint32_t seconds);

/* A request the framer refused (listener.h): journalled, counted and logged like any
 * answer. The id lives in the server: one refusal is written at a time. */
static void on_refused(void *arg, struct am_request *req, struct am_response *resp,
                       enum am_httphead_error e)
{
    struct server *srv = arg;
    const struct am_httphead_error_info *info = am_httphead_error_info(e);
    char quoted[96];

    req->request_id = am_app_request_id(srv->app, req, srv->refused_id, sizeof(srv->refused_id));
    am_app_metrics(srv->app)->http_refused[e]++;
    am_app_complete(srv->app, req, resp, wall_ms(), 0);
    am_log(AM_LOG_WARN, "http_refused", "reason=%s status=%d ip=%s req_id=%s", info->reason,
           info->status, am_log_quote(req->client_ip, quoted, sizeof(quoted)), req->request_id);
}

static struct bufferevent *make_plain_bev(struct event_base *base, void *arg)
{
    struct server *srv = arg;

    return am_listener_wrap(base, bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE |
                                                                       BEV_OPT_DEFER_CALLBACKS),
                            &srv->front);
}


static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
    struct server *srv = arg;
    SSL *ssl = SSL_new(srv->ssl_ctx);
    struct bufferevent *bev;
    struct am_fault fault;

    if (!ssl) {
        am_log(AM_LOG_ERROR, "fatal", "what=SSL_new_failed");
        abort();
    }
    if (am_app_decide_connection(srv->app, &fault)) {
        /* No protocol version left: the handshake fails with an alert, so the client sees
         * a TLS error, never cleartext and never a hang. */
        SSL_set_min_proto_version(ssl, TLS1_3_VERSION);
        SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
        if (fault.kind == AM_FAULT_REFUSE)
            refuse_for(srv, fault.seconds);
    }
    bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (!bev) {
        am_log(AM_LOG_ERROR, "fatal", "what=bufferevent_openssl_socket_new_failed");
        abort();
    }
    am_app_metrics(srv->app)->connections_total++;
    return am_listener_wrap(base, bev, &srv->front);
}

static void add_headers(struct server *srv, struct evhttp_request *ereq,
                        const struct am_response *resp, const char *request_id)
{
    struct evkeyvalq *oh = evhttp_request_get_output_headers(ereq);

    if (resp->content_type)
        evhttp_add_header(oh, "Content-Type", resp->content_type);
    evhttp_add_header(oh, "X-Request-Id", request_id);
    for (size_t i = 0; i < resp->n_headers; i++)
        evhttp_add_header(oh, resp->headers[i].name, resp->headers[i].value);
    if (srv->drain.draining)
        evhttp_add_header(oh, "Connection", "close");
}

/* The Date header evhttp adds to every HTTP/1.1 answer (RFC 1123, as evutil_date_rfc1123
 * writes it), formatted once a second instead of per request. */
static const char *http_date(void)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static time_t at = (time_t)-1;
    static char text[40];
    time_t now = time(NULL);
    struct tm tm;

    if (now != at && gmtime_r(&now, &tm)) {
        snprintf(text, sizeof(text), "%s, %02d %s %4d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                 tm.tm_mday, months[tm.tm_mon % 12], 1900 + tm.tm_year, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
        at = now;
    }
    return text;
}

/* Decimal text of n into buf (24 bytes). */
static const char *size_text(size_t n, char buf[24])
{
    char *p = buf + 23;

    *p = '\0';
    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    return p;
}

static void send_response(struct server *srv, struct evhttp_request *ereq,
                          const struct am_response *resp, const char *request_id)
{
    struct evkeyvalq *oh = evhttp_request_get_output_headers(ereq);
    /* What evhttp would add itself (evhttp_make_header_response) is added here, in the
     * same order and only where it would: Date on HTTP/1.1, then Content-Length when the
     * answer has a body and none was set. This spares evhttp a strftime and a printf. */
    bool http11 = ereq->major == 1 && ereq->minor >= 1;
    bool head = evhttp_request_get_command(ereq) == EVHTTP_REQ_HEAD;
    char len[24];

    add_headers(srv, ereq, resp, request_id);
    if (head) {
        /* evhttp-2.1.12 would send a HEAD body: the headers say how long the GET answer
         * is, and no body follows (else a keep-alive stream goes out of step). */
        evhttp_add_header(oh, "Content-Length", size_text(resp->body_len, len));
        if (http11)
            evhttp_add_header(oh, "Date", http_date());
    } else {
        if (http11) {
            evhttp_add_header(oh, "Date", http_date());
            if (resp->status != 204 && resp->status != 304 &&
                (resp->status < 100 || resp->status >= 200) &&
                !evhttp_find_header(oh, "Content-Length") &&
                !evhttp_find_header(oh, "Transfer-Encoding"))
                evhttp_add_header(oh, "Content-Length", size_text(resp->body_len, len));
        }
        if (resp->body_len)
            evbuffer_add(srv->out, resp->body, resp->body_len);
    }
    evhttp_send_reply(ereq, resp->status, NULL, srv->out);
    /* evhttp moved the bytes out; drain anything left to keep the buffer reusable. (The
     * connection's filter joins head and body into one TLS record, see filter_out.) */
    evbuffer_drain(srv->out, evbuffer_get_length(srv->out));
    srv->requests_since_trim++;
}

/* A reply we still owe (delayed) or a wire fault being carried out. Owns a copy of the
 * response; never outlives the server (freed on completion or at shutdown, where
 * evhttp_free() takes care of the evhttp objects it references). */
struct pending {
    struct server *srv;
    struct pending *next, *prev;
    struct evhttp_request *req;
    struct evhttp_connection *evcon; /* set once we took the connection over */
    struct bufferevent *bev;
    struct event *timer;
    struct am_response resp;
    struct evbuffer *wire; /* bytes still to dribble */
    char request_id[72];
    int counted;           /* holds an inflight count */
    int awaiting_commit;   /* its --state-file entry is not durable yet */
};

static void pending_free(struct pending *p)
{
    struct server *srv = p->srv;

    if (p->prev)
        p->prev->next = p->next;
    else
        srv->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
    if (p->timer)
        event_free(p->timer);
    if (p->wire)
        evbuffer_free(p->wire);
    if (p->resp.outcome.release_slot)
        am_app_release(srv->app, &p->resp);
    am_response_finish(&p->resp);
    if (p->counted) {
        srv->inflight--;
        am_listener_drain_check(&srv->drain);
    }
    free(p);
}

static struct pending *pending_new(struct server *srv, struct evhttp_request *ereq,
                                   struct am_response *resp, const char *request_id)
{
    struct pending *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->srv = srv;
    p->req = ereq;
    p->resp = *resp; /* moves ownership of the body and headers */
    am_response_init(resp);
    snprintf(p->request_id, sizeof(p->request_id), "%s", request_id);
    p->next = srv->pending;
    if (p->next)
        p->next->prev = p;
    srv->pending = p;
    p->counted = 1;
    srv->inflight++;
    return p;
}

/* Takes the connection away from evhttp: its callbacks become ours, and we free it
 * (with the request) when done. Returns -1 when the client is already gone. */
static int take_over(struct pending *p)
{
    p->evcon = evhttp_request_get_connection(p->req);
    if (!p->evcon)
        return -1;
    p->bev = evhttp_connection_get_bufferevent(p->evcon);
    return p->bev ? 0 : -1;
}

static void finish_connection(struct pending *p)
{
    struct evhttp_connection *evcon = p->evcon;

    p->evcon = NULL;
    if (evcon)
        evhttp_connection_free(evcon); /* frees the bufferevent, SSL, fd and request */
    pending_free(p);
}

static void on_wire_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    (void)what;
    finish_connection(arg); /* the client went away or an error: nothing left to do */
}

static void on_wire_discard(struct bufferevent *bev, void *arg)
{
    (void)arg;
    evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
}

static void on_wire_flushed(struct bufferevent *bev, void *arg)
{
    struct pending *p = arg;

    (void)bev;
    if (p->wire && evbuffer_get_length(p->wire) > 0)
        return; /* the dribble timer sends the rest */
    finish_connection(p);
}

static void write_garbage(struct pending *p)
{
    unsigned char junk[512];

    /* Not HTTP at all: a client must fail to parse, never hang. */
    if (RAND_bytes(junk, sizeof(junk)) != 1)
        memset(junk, 0xA5, sizeof(junk));
    bufferevent_write(p->bev, junk, sizeof(junk));
}

static void on_dribble(evutil_socket_t fd, short what, void *arg)
{
    struct pending *p = arg;
    size_t chunk = p->resp.outcome.dribble_bps / 10 ? p->resp.outcome.dribble_bps / 10 : 1;
    struct timeval tick = {0, 100000};

    (void)fd;
    (void)what;
    if (evbuffer_get_length(p->wire) < chunk)
        chunk = evbuffer_get_length(p->wire);
    bufferevent_write(p->bev, evbuffer_pullup(p->wire, (ev_ssize_t)chunk), chunk);
    evbuffer_drain(p->wire, chunk);
    if (evbuffer_get_length(p->wire) > 0)
        evtimer_add(p->timer, &tick);
}

/* Carries out resp's wire action now (after any delay). Consumes p. */
static void act(struct pending *p)
{
    struct server *srv = p->srv;
    struct am_response *resp = &p->resp;
    struct linger lin = {1, 0};

    if (resp->outcome.wire == AM_WIRE_NORMAL || resp->outcome.wire == AM_WIRE_TRUNCATE) {
        if (resp->outcome.wire == AM_WIRE_TRUNCATE) {
            char len[32];
            /* Announce the whole body, send half, close: a short read for the client. */
            size_t keep = resp->outcome.truncate_bytes ? resp->outcome.truncate_bytes
                                                       : resp->body_len / 2;
            /* The announced length always exceeds what is sent, even for tiny bodies. */
            snprintf(len, sizeof(len), "%zu", resp->body_len > keep ? resp->body_len : keep + 1);
            evhttp_add_header(evhttp_request_get_output_headers(p->req), "Content-Length", len);
            evhttp_add_header(evhttp_request_get_output_headers(p->req), "Connection", "close");
            if (keep < resp->body_len)
                resp->body_len = keep;
        }
        /* A detached request (client gone) is simply freed by evhttp_send_reply. */
        send_response(srv, p->req, resp, p->request_id);
        pending_free(p);
        return;
    }
    if (take_over(p) < 0) {
        evhttp_send_reply(p->req, 500, NULL, NULL); /* frees the detached request */
        pending_free(p);
        return;
    }
    bufferevent_setcb(p->bev, NULL, on_wire_flushed, on_wire_event, p);
    switch (resp->outcome.wire) {
    case AM_WIRE_RESET: {
        evutil_socket_t fd = bufferevent_getfd(p->bev);
        int dummy = socket(AF_INET, SOCK_STREAM, 0);
        /* evhttp_connection_free() would shutdown(SHUT_WR) first, and the FIN would reach
         * the client before the RST. So abort the socket ourselves: with SO_LINGER 0,
         * dup2() closing its last reference sends RST at once, and the fd number now names
         * an unconnected dummy socket that evhttp can shut down and close harmlessly. */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
        if (dummy >= 0) {
            dup2(dummy, fd);
            close(dummy);
        }
        finish_connection(p);
        return;
    }
    case AM_WIRE_EMPTY_CLOSE:
        finish_connection(p);
        return;
    case AM_WIRE_GARBAGE:
        write_garbage(p);
        bufferevent_enable(p->bev, EV_WRITE);
        return;
    case AM_WIRE_DRIBBLE:
        p->wire = evbuffer_new();
        p->timer = evtimer_new(srv->base, on_dribble, p);
        if (!p->wire || !p->timer) {
            finish_connection(p);
            return;
        }
        am_listener_serialise(p->wire, resp, p->request_id);
        bufferevent_enable(p->bev, EV_WRITE);
        on_dribble(-1, 0, p);
        return;
    case AM_WIRE_BLACKHOLE: {
        /* Hold the connection silently: read and drop whatever comes, so a client that
         * gives up is noticed (EOF -> on_wire_event); with hold_ms, close after it. */
        struct timeval tv = {resp->outcome.hold_ms / 1000, (resp->outcome.hold_ms % 1000) * 1000};
        resp->outcome.wire = AM_WIRE_EMPTY_CLOSE;
        bufferevent_set_timeouts(p->bev, NULL, NULL);
        bufferevent_setcb(p->bev, on_wire_discard, NULL, on_wire_event, p);
        bufferevent_enable(p->bev, EV_READ);
        if (resp->outcome.hold_ms == 0)
            return;
        p->timer = evtimer_new(srv->base, on_timer, p);
        if (!p->timer || evtimer_add(p->timer, &tv) < 0)
            finish_connection(p);
        return;
    }
    default:
        finish_connection(p);
        return;
    }
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct pending *p = arg;

    (void)fd;
    (void)what;
    if (p->evcon) { /* a blackhole's hold expired */
        finish_connection(p);
        return;
    }
    event_free(p->timer);
    p->timer = NULL;
    act(p);
}

/* Sends p now or after its delay (the part of dispatch that follows the commit). */
static void proceed(struct pending *p)
{
    struct server *srv = p->srv;
    struct timeval tv;

    if (p->resp.outcome.delay_ms == 0) {
        act(p);
        return;
    }
    tv.tv_sec = p->resp.outcome.delay_ms / 1000;
    tv.tv_usec = (p->resp.outcome.delay_ms % 1000) * 1000;
    /* Timers count from the loop's cached time, taken before this request was read;
     * refresh it so a delay is never shorter than asked. */
    event_base_update_cache_time(srv->base);
    p->timer = evtimer_new(srv->base, on_timer, p);
    if (!p->timer || evtimer_add(p->timer, &tv) < 0)
        act(p);
}

static void dispatch_response(struct server *srv, struct evhttp_request *ereq,
                              struct am_response *resp, const char *request_id)
{
    const struct am_outcome *o = &resp->outcome;
    struct pending *p;

    if (o->wire == AM_WIRE_NORMAL && o->delay_ms == 0 && !o->durable) {
        send_response(srv, ereq, resp, request_id);
        if (resp->outcome.release_slot)
            am_app_release(srv->app, resp);
        return;
    }
    p = pending_new(srv, ereq, resp, request_id);
    if (!p) {
        evhttp_send_reply(ereq, 500, NULL, NULL);
        return;
    }
    if (p->resp.outcome.durable && srv->commit) {
        /* Group commit: every request read in this loop pass joins one fdatasync. */
        p->awaiting_commit = 1;
        event_active(srv->commit, EV_TIMEOUT, 0);
        return;
    }
    proceed(p);
}

/* Group commit off the loop (syncer.h): the entries of the answers waiting
 * (awaiting_commit 1) become one batch (2) written on the sync thread while the loop reads
 * on; when it is durable this runs again, lets that batch's answers go and starts the
 * next. A failed write turns them into 503s: the change is in memory but was never
 * acknowledged. Without a syncer the batch is written here, inline. */
static void on_commit(evutil_socket_t fd, short what, void *arg)
{
    static struct am_syncer *syncer; /* one server per process; made on first use */
    static bool no_syncer;
    struct server *srv = arg;
    bool finished;
    int r = 0, started = 0;

    (void)fd;
    (void)what;
    if (!syncer && !no_syncer)
        no_syncer = !(syncer = am_syncer_new(srv->base, srv->app, on_commit, srv));
    if (syncer && am_syncer_busy(syncer))
        return; /* the batch in flight calls back when it is durable */
    finished = syncer && am_syncer_take(syncer, &r);
    for (;;) {
        if (!finished) {
            for (struct pending *p = srv->pending; p; p = p->next) {
                if (p->awaiting_commit == 1) {
                    p->awaiting_commit = 2;
                    started = 1;
                }
            }
            if (!started)
                return;
            started = syncer ? am_syncer_start(syncer) : 0;
            if (started == 1)
                return;
            r = syncer ? started : am_app_commit(srv->app);
        }
        for (struct pending *p = srv->pending, *next; p; p = next) {
            next = p->next;
            if (p->awaiting_commit != 2)
                continue;
            p->awaiting_commit = 0;
            if (r < 0)
                am_app_commit_refuse(&p->resp);
            proceed(p);
        }
        if (!finished)
            return;
        finished = false; /* then the answers that waited meanwhile: the next batch */
        started = 0;
    }
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    struct timeval again = {0, 5000};

    (void)fd;
    (void)what;
    am_app_idle(srv->app);
    if (am_app_idle_pending(srv->app))
        evtimer_add(srv->idle, &again);
}

/* Background work waits 5 ms, so the replies of this pass are on the wire first. */
static void schedule_idle(struct server *srv)
{
    struct timeval later = {0, 5000};

    if (srv->idle && !evtimer_pending(srv->idle, NULL) && am_app_idle_pending(srv->app))
        evtimer_add(srv->idle, &later);
}

static void on_request(struct evhttp_request *ereq, struct server *srv, bool tls)
{
    struct am_request req;
    struct am_response resp;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ereq);
    struct evkeyvalq *ih = evhttp_request_get_input_headers(ereq);
    struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);
    struct evbuffer *in = evhttp_request_get_input_buffer(ereq);
    struct evkeyval *kv;
    const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
    char *path = NULL, *peer = NULL;
    char request_id[72];
    size_t path_len = 0;
    ev_uint16_t peer_port = 0;
    int64_t start = mono_us();

    memset(&req, 0, sizeof(req));
    req.tls = tls;
    req.method = am_listener_method(evhttp_request_get_command(ereq));
    if (raw_path && *raw_path)
        path = evhttp_uridecode(raw_path, 0, &path_len);
    /* A decoded NUL would let "/v3/x%00y" look like "/v3/x": treat it as no path. */
    req.path = (path && strlen(path) == path_len) ? path : "/";
    req.query = uri ? evhttp_uri_get_query(uri) : NULL;
    req.body_len = evbuffer_get_length(in);
    req.body = req.body_len ? (const char *)evbuffer_pullup(in, -1) : NULL;
    if (evcon)
        evhttp_connection_get_peer(evcon, &peer, &peer_port);
    req.client_ip = peer ? peer : "";
    if (strncmp(req.client_ip, "::ffff:", 7) == 0 && strchr(req.client_ip, '.'))
        req.client_ip += 7;
    for (kv = ih->tqh_first; kv; kv = kv->next.tqe_next) {
        if (am_request_add_header(&req, kv->key, kv->value) < 0) {
            req.headers_overflow = true;
            break;
        }
    }
    req.request_id = am_app_request_id(srv->app, &req, request_id, sizeof(request_id));
    req.transport = am_listener_transport(evcon);

    am_app_handle(srv->app, &req, time(NULL), &resp);
    am_app_complete(srv->app, &req, &resp, wall_ms(), (uint64_t)(mono_us() - start));
    dispatch_response(srv, ereq, &resp, req.request_id);
    am_response_finish(&resp);
    free(path);
    schedule_idle(srv);
    am_webhook_client_kick(srv->webhooks);
}

static void on_request_tls(struct evhttp_request *ereq, void *arg)
{
    on_request(ereq, arg, true);
}

static void on_request_plain(struct evhttp_request *ereq, void *arg)
{
    on_request(ereq, arg, false);
}

/* glibc keeps freed connection buffers in fragmented arenas: after a burst of
 * connections RSS stays high. Give memory back once traffic has paused. */
static void on_trim_tick(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;

    (void)fd;
    (void)what;
    am_log_flush();
    if (srv->requests_since_trim > 0 && srv->requests_since_trim == srv->requests_at_last_tick) {
        malloc_trim(0);
        srv->requests_since_trim = 0;
    }
    srv->requests_at_last_tick = srv->requests_since_trim;
}

static void stop_accepting(struct server *srv)
{
    if (srv->tls_handle) {
        evhttp_del_accept_socket(srv->https, srv->tls_handle);
        srv->tls_handle = NULL;
    }
    if (srv->plain_handle) {
        evhttp_del_accept_socket(srv->http, srv->plain_handle);
        srv->plain_handle = NULL;
    }
}

static void on_refuse_over(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;

    (void)fd;
    (void)what;
    if (srv->drain.draining || srv->tls_handle)
        return;
    srv->tls_handle = am_listener_bind(srv->https, srv->cfg->bind, srv->tls_port);
    if (!srv->tls_handle) {
        struct timeval again = {1, 0};
        am_log(AM_LOG_ERROR, "fault", "kind=refuse what=rebind_failed port=%d retry_s=1",
               srv->tls_port);
        evtimer_add(srv->refuse_timer, &again);
    } else
        am_log(AM_LOG_INFO, "fault", "kind=refuse what=listening_again port=%d", srv->tls_port);
}

/* The refuse fault: close the listening socket (new connections get ECONNREFUSED) and
 * bind the same port again after seconds. */
static void refuse_for(struct server *srv, uint32_t seconds)
{
    struct timeval tv = {seconds, 0};

    if (!srv->tls_handle)
        return;
    evhttp_del_accept_socket(srv->https, srv->tls_handle);
    srv->tls_handle = NULL;
    am_log(AM_LOG_WARN, "fault", "kind=refuse seconds=%u port=%d", seconds, srv->tls_port);
    if (!srv->refuse_timer)
        srv->refuse_timer = evtimer_new(srv->base, on_refuse_over, srv);
    if (srv->refuse_timer)
        evtimer_add(srv->refuse_timer, &tv);
}

/* The first SIGTERM/SIGINT (listener.h): no new connections. Connections held by a
 * blackhole or a dribble have no answer worth waiting for: drop them now; delayed replies
 * (latency) still complete within the grace period. */
static void on_drain(void *arg)
{
    struct server *srv = arg;

    stop_accepting(srv);
    for (struct pending *p = srv->pending, *next; p; p = next) {
        next = p->next;
        if (p->evcon)
            finish_connection(p);
    }
}

/* SIGHUP reloads the fixture set; a broken file leaves the current set in force. */
static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
    struct server *srv = arg;
    char err[512], quoted[600];

    (void)sig;
    (void)what;
    if (am_app_reload(srv->app, time(NULL), err, sizeof(err)) < 0) {
        am_log(AM_LOG_WARN, "fixtures_reload_failed", "via=SIGHUP error=%s",
               am_log_quote(err, quoted, sizeof(quoted)));
        return;
    }
    am_log(AM_LOG_INFO, "fixtures_reloaded", "via=SIGHUP accounts=%zu",
           am_registry_count(am_app_registry(srv->app)));
}

static struct evhttp *make_http(struct server *srv, int tls)
{
    struct evhttp *h = evhttp_new(srv->base);
    struct timeval tv = {srv->cfg->idle_timeout, 0};

    if (!h)
        return NULL;
    evhttp_set_bevcb(h, tls ? make_tls_bev : make_plain_bev, srv);
    /* evhttp-2.1.12 has no timeout by default: idle keep-alive and handshake-less
     * connections would live for ever. One timeout covers read, write and handshake. */
    evhttp_set_timeout_tv(h, &tv);
    am_listener_set_limits(h, &srv->front);
    evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                      EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD |
                                      EVHTTP_REQ_OPTIONS);
    evhttp_set_default_content_type(h, "application/json");
    evhttp_set_gencb(h, tls ? on_request_tls : on_request_plain, srv);
    return h;
}

/* libevent's own warnings go through our logger, at most one line per second. */
static void on_libevent_log(int severity, const char *msg)
{
    static time_t last;
    char quoted[300];

    if (time(NULL) == last)
        return;
    last = time(NULL);
    am_log(severity >= EVENT_LOG_ERR ? AM_LOG_ERROR : AM_LOG_WARN, "libevent", "what=%s",
           am_log_quote(msg, quoted, sizeof(quoted)));
}

/* A mock holding many test connections should not run out of descriptors early. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int am_server_run(const struct am_config *cfg, struct am_app *app, SSL_CTX *ssl_ctx)
{
    struct server srv;
    struct event_config *ecfg = NULL;
    int port, rc = 1;

    memset(&srv, 0, sizeof(srv));
    srv.cfg = cfg;
    srv.app = app;
    srv.ssl_ctx = ssl_ctx;
    srv.front.max_head = cfg->max_headers;
    srv.front.max_body = cfg->max_body;
    srv.front.idle_timeout = cfg->idle_timeout;
    srv.front.head_timeout = cfg->head_timeout;
    srv.front.body_timeout = cfg->body_timeout;
    srv.front.refused = on_refused;
    srv.front.arg = &srv;
    signal(SIGPIPE, SIG_IGN);
    event_set_log_callback(on_libevent_log);
    raise_fd_limit();

    ecfg = event_config_new();
    /* One thread; the changelist folds the add/del pairs evhttp makes on every request. */
    if (ecfg)
        event_config_set_flag(ecfg, EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST |
                                        /* CLOCK_MONOTONIC, not _COARSE: a latency fault
                                         * must never fire a few ms early. */
                                        EVENT_BASE_FLAG_PRECISE_TIMER);
    srv.base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    event_config_free(ecfg);
    srv.out = evbuffer_new();
    if (!srv.base || !srv.out)
        goto out;
    srv.https = make_http(&srv, 1);
    if (!srv.https)
        goto out;
    srv.tls_handle = am_listener_bind(srv.https, cfg->bind, cfg->port);
    if (!srv.tls_handle) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=bind addr=%s port=%d error=\"%s\"", cfg->bind,
               cfg->port, strerror(errno));
        goto out;
    }
    port = am_listener_bound_port(srv.tls_handle);
    srv.tls_port = port;
    if (cfg->plain_port >= 0) {
        srv.http = make_http(&srv, 0);
        srv.plain_handle = srv.http ? am_listener_bind(srv.http, cfg->bind, cfg->plain_port) : NULL;
        if (!srv.plain_handle) {
            am_log(AM_LOG_ERROR, "startup_failed", "what=bind_plain addr=%s port=%d error=\"%s\"",
                   cfg->bind, cfg->plain_port, strerror(errno));
            goto out;
        }
        am_log(AM_LOG_WARN, "listening", "addr=%s port=%d tls=0 note=\"plaintext listener\"",
               cfg->bind, am_listener_bound_port(srv.plain_handle));
    }
    srv.sighup = evsignal_new(srv.base, SIGHUP, on_sighup, &srv);
    if (am_listener_drain_init(&srv.drain, srv.base, cfg->shutdown_grace_ms, &srv.inflight,
                               on_drain, &srv) < 0 ||
        !srv.sighup || event_add(srv.sighup, NULL) < 0)
        goto out;
    {
        struct timeval tick = {0, 100000};
        srv.trim = event_new(srv.base, -1, EV_PERSIST, on_trim_tick, &srv);
        if (!srv.trim || event_add(srv.trim, &tick) < 0)
            goto out;
    }
    srv.commit = event_new(srv.base, -1, 0, on_commit, &srv);
    srv.idle = evtimer_new(srv.base, on_idle, &srv);
    if (!srv.commit || !srv.idle)
        goto out;
    schedule_idle(&srv);
    srv.webhooks = am_webhook_client_new(srv.base, cfg, app);
    if (!srv.webhooks)
        goto out;
    am_log(AM_LOG_INFO, "listening", "addr=%s port=%d tls=1 environment=%s fingerprint=%s",
           cfg->bind, port, am_environment_name(cfg->environment), am_app_fingerprint(app));
    if (cfg->port_file && am_listener_write_port_file(cfg->port_file, port) < 0) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=port_file path=%s", cfg->port_file);
        goto out;
    }
    am_app_set_tls_ready(app, true);
    am_log(AM_LOG_INFO, "ready", "port=%d accounts=%zu", port, am_registry_count(am_app_registry(app)));
    am_log_defer_flush(true);

    if (event_base_dispatch(srv.base) < 0)
        goto out;
    rc = am_app_shutdown(app) < 0 ? 1 : 0;
    am_log(AM_LOG_INFO, "stopped", "exit=%d", rc);
out:
    /* evhttp_free() below frees every connection and request; our contexts only hold
     * timers and buffers, released here without touching the requests. */
    while (srv.pending) {
        srv.pending->counted = 0;
        srv.pending->evcon = NULL;
        pending_free(srv.pending);
    }
    am_webhook_client_free(srv.webhooks);
    if (srv.commit)
        event_free(srv.commit);
    if (srv.idle)
        event_free(srv.idle);
    if (srv.trim)
        event_free(srv.trim);
    if (srv.refuse_timer)
        event_free(srv.refuse_timer);
    am_listener_drain_free(&srv.drain);
    if (srv.sighup)
        event_free(srv.sighup);
    if (srv.https)
        evhttp_free(srv.https);
    if (srv.http)
        evhttp_free(srv.http);
    if (srv.out)
        evbuffer_free(srv.out);
    if (srv.base)
        event_base_free(srv.base);
    am_log_defer_flush(false);
    return rc;
}

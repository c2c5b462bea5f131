/* server.c - listeners, TLS connections on http1.c, the request adapter, wire faults and the
 * graceful drain. */
#include "server.h"
#include "syncer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
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

#include "http1.h"
#include "memtrim.h"
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
    struct am_http1_set *conns; /* every client connection */
    struct evconnlistener *tls_handle, *plain_handle; /* plaintext only with --plain-port */
    struct event *sighup;
    struct am_listener_drain drain; /* SIGTERM/SIGINT and the graceful drain */
    struct pending *pending; /* deferred replies and wire faults in progress */
    int inflight;         /* replies owed by deferred handlers */
    struct event *trim;            /* periodic malloc_trim while idle */
    struct event *refuse_timer;    /* the refuse fault re-binds the listener */
    int tls_port;
    unsigned long requests_since_trim, requests_at_last_tick;
    struct event *commit;  /* group commit of --state-file entries, when the loop is idle */
    struct am_syncer *syncer; /* their fdatasync on a thread (NULL until the first) */
    bool no_syncer;           /* it could not be made: commit inline */
    struct event *commit_deadline; /* the latest a waiting answer's batch starts */
    struct event *commit_early;    /* starts a batch before the loop runs dry (gather) */
    size_t commit_waiting;         /* answers with awaiting_commit 1 */
    size_t commit_early_at;        /* so many waiting start the batch early (0: never) */
    struct event *idle;    /* background work after replies (reset standbys) */
    struct am_http1_opts front; /* the framer's limits and deadlines, our callbacks */
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

static void on_accept_plain(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                            int socklen, void *arg)
{
    struct server *srv = arg;
    struct bufferevent *bev =
        bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);

    (void)l;
    (void)socklen;
    if (!bev) {
        evutil_closesocket(fd);
        return;
    }
    am_http1_conn_new(srv->conns, bev, sa, false);
}

static void on_accept_tls(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                          int socklen, void *arg)
{
    struct server *srv = arg;
    SSL *ssl = SSL_new(srv->ssl_ctx);
    struct bufferevent *bev;
    struct am_fault fault;

    (void)l;
    (void)socklen;
    if (!ssl) {
        am_log(AM_LOG_ERROR, "connection_failed", "what=SSL_new");
        evutil_closesocket(fd);
        return;
    }
    if (am_app_decide_connection(srv->app, &fault)) {
        /* No protocol version left: the handshake fails with an alert, so the client sees
         * a TLS error, never cleartext and never a hang. */
        SSL_set_min_proto_version(ssl, TLS1_3_VERSION);
        SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
        if (fault.kind == AM_FAULT_REFUSE)
            refuse_for(srv, fault.seconds);
    }
    /* Owns ssl from here, even when it fails. */
    bev = bufferevent_openssl_socket_new(srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (!bev) {
        am_log(AM_LOG_ERROR, "connection_failed", "what=bufferevent_openssl_socket_new");
        evutil_closesocket(fd);
        return;
    }
    am_app_metrics(srv->app)->connections_total++;
    am_http1_conn_new(srv->conns, bev, sa, true);
}

/* The answer: our headers (Content-Type, X-Request-Id, the response's), then what http1
 * adds as evhttp did (Date, Content-Length, Connection). announce: a Content-Length
 * other than the body's (the truncate fault), NULL for the body's. */
static void begin_answer(struct am_http1_conn *c, const struct am_response *resp,
                         const char *request_id)
{
    am_http1_begin(c, resp->status, NULL);
    if (resp->content_type)
        am_http1_header(c, "Content-Type", resp->content_type);
    am_http1_header(c, "X-Request-Id", request_id);
    for (size_t i = 0; i < resp->n_headers; i++)
        am_http1_header(c, resp->headers[i].name, resp->headers[i].value);
}

static void send_response(struct server *srv, struct am_http1_conn *c,
                          const struct am_response *resp, const char *request_id,
                          const char *announce)
{
    unsigned flags = srv->drain.draining || announce ? AM_HTTP1_CLOSE : 0;

    begin_answer(c, resp, request_id);
    if (announce)
        am_http1_header(c, "Content-Length", announce);
    am_http1_end(c, resp->body, resp->body_len, flags);
    srv->requests_since_trim++;
}

/* A reply we still owe (delayed) or a wire fault being carried out. Owns a copy of the
 * response and, once taken over, the connection's bufferevent; never outlives the server
 * (freed on completion or at shutdown, where am_http1_set_free frees connections still
 * owed an answer). */
struct pending {
    struct server *srv;
    struct pending *next, *prev;
    struct am_http1_conn *conn; /* the connection owed the answer; NULL once taken over */
    struct bufferevent *bev;    /* set once we took the connection over (ours to free) */
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
    if (p->bev)
        bufferevent_free(p->bev);
    if (p->resp.outcome.release_slot)
        am_app_release(srv->app, &p->resp);
    am_response_finish(&p->resp);
    if (p->counted) {
        srv->inflight--;
        am_listener_drain_check(&srv->drain);
    }
    free(p);
}

static struct pending *pending_new(struct server *srv, struct am_http1_conn *conn,
                                   struct am_response *resp, const char *request_id)
{
    struct pending *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->srv = srv;
    p->conn = conn;
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

/* Takes the connection away from HTTP: its bufferevent is ours, freed with p. Returns -1
 * when the client is already gone. */
static int take_over(struct pending *p)
{
    p->bev = am_http1_detach(p->conn);
    p->conn = NULL;
    return p->bev ? 0 : -1;
}

static void finish_connection(struct pending *p)
{
    pending_free(p); /* frees the bufferevent: socket and SSL */
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

    if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
        return; /* not on the wire yet (a write callback queued before ours) */
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
        char len[32];

        if (resp->outcome.wire == AM_WIRE_TRUNCATE) {
            /* Announce the whole body, send half, close: a short read for the client. */
            size_t keep = resp->outcome.truncate_bytes ? resp->outcome.truncate_bytes
                                                       : resp->body_len / 2;
            /* The announced length always exceeds what is sent, even for tiny bodies. */
            snprintf(len, sizeof(len), "%zu", resp->body_len > keep ? resp->body_len : keep + 1);
            if (keep < resp->body_len)
                resp->body_len = keep;
        }
        /* A connection whose client is gone is simply freed. */
        send_response(srv, p->conn, resp, p->request_id,
                      resp->outcome.wire == AM_WIRE_TRUNCATE ? len : NULL);
        p->conn = NULL;
        pending_free(p);
        return;
    }
    if (resp->outcome.wire == AM_WIRE_DRIBBLE) {
        /* The whole answer's bytes, made while the connection still speaks HTTP. */
        size_t n = 0;
        const char *bytes;

        begin_answer(p->conn, resp, p->request_id);
        bytes = am_http1_render(p->conn, resp->body, resp->body_len, AM_HTTP1_CLOSE, &n);
        p->wire = evbuffer_new();
        if (!p->wire || evbuffer_add(p->wire, bytes, n) < 0) {
            take_over(p);
            finish_connection(p);
            return;
        }
    }
    if (take_over(p) < 0) {
        pending_free(p);
        return;
    }
    bufferevent_setcb(p->bev, NULL, on_wire_flushed, on_wire_event, p);
    switch (resp->outcome.wire) {
    case AM_WIRE_RESET:
        /* With SO_LINGER 0, closing the socket sends RST at once (no FIN first). */
        setsockopt(bufferevent_getfd(p->bev), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
        finish_connection(p);
        return;
    case AM_WIRE_EMPTY_CLOSE:
        finish_connection(p);
        return;
    case AM_WIRE_GARBAGE:
        write_garbage(p);
        bufferevent_enable(p->bev, EV_WRITE);
        return;
    case AM_WIRE_DRIBBLE:
        p->timer = evtimer_new(srv->base, on_dribble, p);
        if (!p->timer) {
            finish_connection(p);
            return;
        }
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
    if (p->bev) { /* a blackhole's hold expired */
        finish_connection(p);
        return;
    }
    event_free(p->timer);
    p->timer = NULL;
    act(p);
}

static void gather(struct server *srv);

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

static void dispatch_response(struct server *srv, struct am_http1_conn *c,
                              struct am_response *resp, const char *request_id)
{
    const struct am_outcome *o = &resp->outcome;
    struct pending *p;

    if (o->wire == AM_WIRE_NORMAL && o->delay_ms == 0 && !o->durable) {
        send_response(srv, c, resp, request_id, NULL);
        if (resp->outcome.release_slot)
            am_app_release(srv->app, resp);
        return;
    }
    p = pending_new(srv, c, resp, request_id);
    if (!p) {
        struct am_response oom;

        am_response_init(&oom);
        am_response_empty(&oom, 500);
        send_response(srv, c, &oom, request_id, NULL);
        return;
    }
    if (p->resp.outcome.durable && srv->commit) {
        /* Group commit: the answer waits for the next batch (gather, below). */
        p->awaiting_commit = 1;
        srv->commit_waiting++;
        gather(srv);
        return;
    }
    proceed(p);
}

/* Group commit off the loop (syncer.h). The answers whose entries wait (awaiting_commit
 * 1) become one batch (2), written and fdatasynced on the sync thread while the loop reads
 * on; when it is durable its answers leave. A batch starts when the loop has nothing else
 * to do (srv->commit runs at the lowest priority, after every ready connection was served),
 * or at the latest SYNC_GATHER_MAX_US after the first of its answers: so a lone writer never
 * waits, and under load every answer that is ready joins the batch, so the cost of an
 * fdatasync is shared by as many writes as the load offers. Under many writers it starts
 * earlier, once am_app_commit_early_at() answers wait: the writers left out keep the loop
 * busy through the fdatasync, which it would otherwise spend idle, every writer waiting in
 * the one batch. A failed write turns the answers into 503s: the change is in memory but
 * was never acknowledged. Without a syncer the batch is written here, inline. */
#define SYNC_GATHER_MAX_US 2000
#define PRIORITY_COMMIT_EARLY 0 /* of AM_PRIORITIES: before the connections' events */
#define PRIORITY_COMMIT 2       /* below every connection's events */
#define AM_PRIORITIES 3

/* Returns how many answers left. */
static size_t release_batch(struct server *srv, int r)
{
    size_t n = 0;

    for (struct pending *p = srv->pending, *next; p; p = next) {
        next = p->next;
        if (p->awaiting_commit != 2)
            continue;
        p->awaiting_commit = 0;
        if (r < 0)
            am_app_commit_refuse(&p->resp);
        proceed(p);
        n++;
    }
    return n;
}

/* Answers that wait for the next batch: start it when the loop is idle, by the deadline,
 * or (under many writers) once enough wait. Always through an event, never from here:
 * gather runs inside the callbacks that walk srv->pending. */
static void gather(struct server *srv)
{
    struct timeval deadline = {0, SYNC_GATHER_MAX_US};

    /* commit_early exists only with the syncer (on_commit makes them together). */
    if (srv->commit_early && srv->commit_early_at && srv->commit_waiting >= srv->commit_early_at &&
        !am_syncer_busy(srv->syncer)) {
        event_active(srv->commit_early, EV_TIMEOUT, 0);
        return;
    }
    event_active(srv->commit, EV_TIMEOUT, 0);
    if (!evtimer_pending(srv->commit_deadline, NULL))
        evtimer_add(srv->commit_deadline, &deadline);
}

static void on_synced(evutil_socket_t fd, short what, void *arg);

static void on_commit(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    int r, n_batch = 0;

    (void)fd;
    (void)what;
    /* Made on the first durable answer: a server without --state-file has no thread (and
     * no early-start event: without a thread batches never start early). */
    if (!srv->syncer && !srv->no_syncer) {
        srv->no_syncer = !(srv->syncer = am_syncer_new(srv->base, srv->app, on_synced, srv));
        if (srv->syncer && !srv->commit_early) {
            srv->commit_early = event_new(srv->base, -1, 0, on_commit, srv);
            if (srv->commit_early &&
                event_priority_set(srv->commit_early, PRIORITY_COMMIT_EARLY) < 0) {
                event_free(srv->commit_early);
                srv->commit_early = NULL; /* batches then start only when the loop is idle */
            }
        }
    }
    if (srv->syncer && am_syncer_busy(srv->syncer))
        return; /* the batch in flight calls on_synced when it is durable */
    for (struct pending *p = srv->pending; p; p = p->next) {
        if (p->awaiting_commit == 1) {
            p->awaiting_commit = 2;
            n_batch++;
        }
    }
    srv->commit_waiting = 0;
    if (!n_batch)
        return;
    evtimer_del(srv->commit_deadline);
    r = srv->syncer ? am_syncer_start(srv->syncer) : am_app_commit(srv->app);
    if (srv->syncer && r == 1)
        return;
    release_batch(srv, r); /* nothing to write, or written inline */
}

/* The batch in flight is durable (or failed): its answers leave; the ones that came
 * meanwhile form the next. */
static void on_synced(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    size_t released;
    int r = 0;

    (void)fd;
    (void)what;
    if (!am_syncer_take(srv->syncer, &r))
        return;
    released = release_batch(srv, r);
    /* The writers this batch saw: its own and the ones that came while it was written. */
    srv->commit_early_at = am_app_commit_early_at(released, srv->commit_waiting);
    if (srv->commit_waiting)
        gather(srv);
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

/* A complete request from http1.c: the app answers it, now or later (dispatch_response). */
static void on_request(void *arg, struct am_http1_conn *c, struct am_request *req,
                       const char *target)
{
    struct server *srv = arg;
    struct am_response resp;
    char request_id[72];
    int64_t start = mono_us();

    (void)target;
    req->request_id = am_app_request_id(srv->app, req, request_id, sizeof(request_id));
    am_app_handle(srv->app, req, time(NULL), &resp);
    am_app_complete(srv->app, req, &resp, wall_ms(), (uint64_t)(mono_us() - start));
    dispatch_response(srv, c, &resp, req->request_id);
    am_response_finish(&resp);
    schedule_idle(srv);
    am_webhook_client_kick(srv->webhooks);
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
        am_mem_trim(); /* tcache too: malloc_trim alone leaves its chunks resident */
        srv->requests_since_trim = 0;
    }
    srv->requests_at_last_tick = srv->requests_since_trim;
}

static void stop_accepting(struct server *srv)
{
    if (srv->tls_handle) {
        evconnlistener_free(srv->tls_handle);
        srv->tls_handle = NULL;
    }
    if (srv->plain_handle) {
        evconnlistener_free(srv->plain_handle);
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
    srv->tls_handle = am_listener_bind(srv->base, srv->cfg->bind, srv->tls_port, on_accept_tls, srv);
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
    evconnlistener_free(srv->tls_handle);
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
        if (p->bev)
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
    srv.front.default_type = "application/json";
    srv.front.request = on_request;
    srv.front.refused = on_refused;
    srv.front.arg = &srv;
    signal(SIGPIPE, SIG_IGN);
    event_set_log_callback(on_libevent_log);
    raise_fd_limit();

    ecfg = event_config_new();
    /* One thread; the changelist folds the event add/del pairs of each request. */
    if (ecfg)
        event_config_set_flag(ecfg, EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST |
                                        /* CLOCK_MONOTONIC, not _COARSE: a latency fault
                                         * must never fire a few ms early. */
                                        EVENT_BASE_FLAG_PRECISE_TIMER);
    srv.base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    event_config_free(ecfg);
    /* Before any event exists: they all get the middle priority, the commit the lowest. */
    if (srv.base && event_base_priority_init(srv.base, AM_PRIORITIES) < 0)
        goto out;
    srv.conns = srv.base ? am_http1_set_new(srv.base, &srv.front) : NULL;
    if (!srv.base || !srv.conns)
        goto out;
    srv.tls_handle = am_listener_bind(srv.base, cfg->bind, cfg->port, on_accept_tls, &srv);
    if (!srv.tls_handle) {
        am_log(AM_LOG_ERROR, "startup_failed", "what=bind addr=%s port=%d error=\"%s\"", cfg->bind,
               cfg->port, strerror(errno));
        goto out;
    }
    port = am_listener_bound_port(srv.tls_handle);
    srv.tls_port = port;
    if (cfg->plain_port >= 0) {
        srv.plain_handle = am_listener_bind(srv.base, cfg->bind, cfg->plain_port, on_accept_plain,
                                            &srv);
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
    srv.commit_deadline = evtimer_new(srv.base, on_commit, &srv);
    srv.idle = evtimer_new(srv.base, on_idle, &srv);
    if (!srv.commit || !srv.commit_deadline || !srv.idle ||
        event_priority_set(srv.commit, PRIORITY_COMMIT) < 0)
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
    /* Replies still owed, then every connection (am_http1_set_free runs no callback). */
    while (srv.pending) {
        srv.pending->counted = 0;
        pending_free(srv.pending);
    }
    am_http1_set_free(srv.conns);
    am_syncer_free(srv.syncer); /* waits for a batch in flight */
    am_webhook_client_free(srv.webhooks);
    if (srv.commit)
        event_free(srv.commit);
    if (srv.commit_deadline)
        event_free(srv.commit_deadline);
    if (srv.commit_early)
        event_free(srv.commit_early);
    if (srv.idle)
        event_free(srv.idle);
    if (srv.trim)
        event_free(srv.trim);
    if (srv.refuse_timer)
        event_free(srv.refuse_timer);
    am_listener_drain_free(&srv.drain);
    if (srv.sighup)
        event_free(srv.sighup);
    if (srv.tls_handle)
        evconnlistener_free(srv.tls_handle);
    if (srv.plain_handle)
        evconnlistener_free(srv.plain_handle);
    if (srv.base)
        event_base_free(srv.base);
    am_log_defer_flush(false);
    return rc;
}

/* listener.c - the HTTPS/HTTP front shared by the server and the recorder (see listener.h). */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Chosen over owning the whole HTTP/1.1 layer: evhttp's request handling, keep-alive,
 * 100-continue, reply writing and the wire faults stay as they are, while every byte a
 * client sends first passes a bufferevent filter that feeds the pure framer (httphead.h).
 * evhttp sees only heads the framer accepted, framed as evhttp frames them; anything else
 * is answered here in Asaas's JSON shape with Connection: close (the owner journals and
 * counts it), and evhttp never writes its own HTML error. The filter also holds the head
 * and body deadlines: evhttp's read timeout restarts on every byte (slowloris). */
struct conn {
    const struct am_listener_opts *o;
    struct bufferevent *under;  /* socket or TLS bufferevent, freed with the filter */
    struct bufferevent *filter; /* what evhttp reads and writes */
    struct event *timer;        /* the deadline, then the refusal's steps */
    struct event *kick;         /* runs the output filter (see filter_out) */
    struct evbuffer_cb_entry *out_cb, *under_cb;
    struct am_httphead hh;
    enum am_httphead_phase armed; /* the deadline the timer holds (IDLE: none) */
    enum am_httphead_error refused;
    int stage; /* refusal: 1 waits for evhttp to owe nothing, 2 flushes, 3 lingers */
};

static void conn_free(void *arg)
{
    struct conn *c = arg;

    evbuffer_remove_cb_entry(bufferevent_get_output(c->filter), c->out_cb);
    evbuffer_remove_cb_entry(bufferevent_get_output(c->under), c->under_cb);
    event_free(c->timer);
    event_free(c->kick);
    am_httphead_finish(&c->hh);
    bufferevent_decref(c->under); /* our reference, taken in am_listener_wrap */
    free(c);
}

/* Between evhttp freeing the filter and the filter's (deferred) finaliser freeing this
 * context, the filter has let go of the socket (its callbacks on it are cleared): nothing
 * of ours may touch the filter then. */
static bool conn_gone(struct conn *c)
{
    bufferevent_event_cb eventcb = NULL;

    bufferevent_getcb(c->under, NULL, NULL, &eventcb, NULL);
    return eventcb == NULL;
}

static void conn_retry(struct conn *c, long usec)
{
    struct timeval tv = {usec / 1000000, usec % 1000000};

    evtimer_add(c->timer, &tv);
}

static void peer_ip(struct conn *c, char *out, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    evutil_socket_t fd = bufferevent_getfd(c->under);

    snprintf(out, len, "%s", "");
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)len);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)len);
    if (strncmp(out, "::ffff:", 7) == 0 && strchr(out, '.'))
        memmove(out, out + 7, strlen(out + 7) + 1);
}

/* Writes the refusal (journalled and counted by the owner, like any answer). */
static void conn_answer(struct conn *c)
{
    const struct am_httphead_error_info *info = am_httphead_error_info(c->refused);
    struct evbuffer *wire = evbuffer_new();
    struct am_request req;
    struct am_response resp;
    char target[512], ip[64];
    char *q;

    memset(&req, 0, sizeof(req));
    am_httphead_describe(&c->hh, &req.method, target, sizeof(target));
    q = strchr(target, '?');
    if (q)
        *q++ = '\0';
    req.path = target;
    req.query = q;
    peer_ip(c, ip, sizeof(ip));
    req.client_ip = ip;
    am_response_init(&resp);
    if (am_response_error(&resp, info->status, info->code, info->description) < 0)
        am_response_empty(&resp, info->status);
    if (c->o->refused)
        c->o->refused(c->o->arg, &req, &resp, c->refused);
    if (wire) {
        am_listener_serialise(wire, &resp, req.request_id ? req.request_id : "-");
        bufferevent_write_buffer(c->under, wire);
        evbuffer_free(wire);
    }
    am_response_finish(&resp);
}

static void conn_step(struct conn *c)
{
    struct timeval linger = {1, 0};

    switch (c->stage) {
    case 1:
        /* An earlier request on this connection may still be answered (a latency fault):
         * our answer waits until evhttp reads again and owes nothing. */
        if (!(bufferevent_get_enabled(c->filter) & EV_READ) ||
            (evbuffer_get_length(bufferevent_get_input(c->filter)) > 0 &&
             c->hh.phase != AM_HH_IN_BODY) || /* evhttp holds a partial body there */
            evbuffer_get_length(bufferevent_get_output(c->filter)) > 0 ||
            evbuffer_get_length(bufferevent_get_output(c->under)) > 0) {
            conn_retry(c, 50000);
            return;
        }
        conn_answer(c);
        c->stage = 2;
        /* fall through */
    case 2:
        if (evbuffer_get_length(bufferevent_get_output(c->under)) > 0) {
            conn_retry(c, 20000);
            return;
        }
        /* Half-close and keep draining for a moment: closing with unread bytes (the rest
         * of a refused body) would send RST, and the client could lose the answer. */
        if (bufferevent_getfd(c->under) >= 0)
            shutdown(bufferevent_getfd(c->under), SHUT_WR);
        c->stage = 3;
        evtimer_add(c->timer, &linger);
        return;
    default:
        /* evhttp frees the connection (and this context) on EOF. */
        bufferevent_trigger_event(c->filter, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
        return;
    }
}

static void conn_refuse(struct conn *c, enum am_httphead_error e)
{
    if (c->refused != AM_HH_OK)
        return;
    c->refused = e;
    c->stage = 1;
    evtimer_del(c->timer);
    conn_step(c);
}

static void on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;

    (void)fd;
    (void)what;
    if (conn_gone(c))
        return;
    if (c->refused == AM_HH_OK) { /* a deadline passed */
        conn_refuse(c, c->armed == AM_HH_IN_HEAD ? AM_HH_HEAD_TIMEOUT : AM_HH_BODY_TIMEOUT);
        return;
    }
    conn_step(c);
}

/* Arms the head or body deadline when a phase starts, from its first byte. */
static void conn_deadline(struct conn *c)
{
    struct timeval tv = {0, 0};

    if (c->hh.phase == c->armed || c->refused != AM_HH_OK)
        return;
    c->armed = c->hh.phase;
    if (c->armed == AM_HH_IDLE) {
        evtimer_del(c->timer);
        return;
    }
    tv.tv_sec = c->armed == AM_HH_IN_HEAD ? c->o->head_timeout : c->o->body_timeout;
    evtimer_add(c->timer, &tv);
}

static enum bufferevent_filter_result filter_in(struct evbuffer *src, struct evbuffer *dst,
                                                ev_ssize_t limit,
                                                enum bufferevent_flush_mode mode, void *arg)
{
    struct conn *c = arg;
    int passed = 0;

    (void)limit;
    (void)mode;
    while (c->refused == AM_HH_OK && evbuffer_get_length(src) > 0) {
        struct evbuffer_iovec v;
        size_t used = 0;
        enum am_httphead_step st;

        if (evbuffer_peek(src, -1, NULL, &v, 1) < 1)
            break;
        st = am_httphead_feed(&c->hh, v.iov_base, v.iov_len, &used);
        if (st == AM_HH_ERROR) {
            conn_refuse(c, c->hh.error);
            break;
        }
        if (st == AM_HH_BODY) {
            evbuffer_remove_buffer(src, dst, used);
            passed = 1;
        } else {
            evbuffer_drain(src, used);
            if (st == AM_HH_HEAD) {
                evbuffer_add(dst, c->hh.head, c->hh.head_len);
                am_httphead_taken(&c->hh);
                passed = 1;
            }
        }
        conn_deadline(c);
        if (used == 0 && st != AM_HH_HEAD)
            break;
    }
    if (c->refused != AM_HH_OK) {
        evbuffer_drain(src, evbuffer_get_length(src)); /* read and dropped until we close */
    } else if (!passed && c->hh.phase != AM_HH_IDLE) {
        /* Held bytes are activity too: the idle timeout keeps counting from the last
         * byte; the deadline above bounds the whole head or body. */
        struct timeval idle = {c->o->idle_timeout, 0};
        bufferevent_set_timeouts(c->filter, &idle, &idle);
    }
    return passed ? BEV_OK : BEV_NEED_MORE;
}

/* libevent 2.1.12's filter reports "written" (evhttp's write callback, after which evhttp
 * may free the connection and shut the socket) as soon as bytes move to the underlying
 * bufferevent, and ignores bytes added while writing is disabled. So bytes move here
 * without reporting progress, and progress (BEV_OK) is reported only once the underlying
 * output is empty, i.e. on the wire; the kick event runs this after each change. */
static enum bufferevent_filter_result filter_out(struct evbuffer *src, struct evbuffer *dst,
                                                 ev_ssize_t limit,
                                                 enum bufferevent_flush_mode mode, void *arg)
{
    (void)limit;
    (void)mode;
    (void)arg;
    if (evbuffer_get_length(src) > 0) {
        evbuffer_add_buffer(dst, src);
        /* Head and body sit in separate chunks and bufferevent_openssl writes one TLS
         * record (and one write()) per chunk; joining a small answer halves both. */
        if (evbuffer_get_length(dst) <= 16384)
            evbuffer_pullup(dst, -1);
        return BEV_NEED_MORE;
    }
    return evbuffer_get_length(dst) == 0 ? BEV_OK : BEV_NEED_MORE;
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;

    (void)fd;
    (void)what;
    if (!conn_gone(c))
        bufferevent_flush(c->filter, EV_WRITE, BEV_FLUSH);
}

static void on_filter_out_change(struct evbuffer *buf, const struct evbuffer_cb_info *info,
                                 void *arg)
{
    struct conn *c = arg;

    (void)buf;
    if (info->n_added)
        event_active(c->kick, EV_WRITE, 0);
}

static void on_under_out_change(struct evbuffer *buf, const struct evbuffer_cb_info *info,
                                void *arg)
{
    struct conn *c = arg;

    if (info->n_deleted && evbuffer_get_length(buf) == 0)
        event_active(c->kick, EV_WRITE, 0);
}

struct bufferevent *am_listener_wrap(struct event_base *base, struct bufferevent *under,
                                     const struct am_listener_opts *o)
{
    struct conn *c = calloc(1, sizeof(*c));

    if (!c || !under) {
        am_log(AM_LOG_ERROR, "fatal", "what=connection_context_failed");
        abort();
    }
    c->o = o;
    c->under = under;
    am_httphead_init(&c->hh, o->max_head, o->max_body);
    c->timer = evtimer_new(base, on_conn_timer, c);
    c->kick = event_new(base, -1, 0, on_kick, c);
    /* Our own reference: the context outlives the filter's hold on the socket. */
    bufferevent_incref(under);
    c->filter = bufferevent_filter_new(under, filter_in, filter_out,
                                       BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, conn_free,
                                       c);
    if (c->filter) {
        c->out_cb = evbuffer_add_cb(bufferevent_get_output(c->filter), on_filter_out_change, c);
        c->under_cb = evbuffer_add_cb(bufferevent_get_output(under), on_under_out_change, c);
    }
    if (!c->timer || !c->kick || !c->filter || !c->out_cb || !c->under_cb) {
        am_log(AM_LOG_ERROR, "fatal", "what=bufferevent_filter_new_failed");
        abort();
    }
    return c->filter;
}

void am_listener_set_limits(struct evhttp *h, const struct am_listener_opts *o)
{
    /* The framer enforces both limits first (with JSON answers); evhttp's own checks,
     * which count a little differently (trailers, line ends), must never fire before. */
    evhttp_set_max_headers_size(h, (ev_ssize_t)o->max_head * 2 + 1024);
    evhttp_set_max_body_size(h, (ev_ssize_t)o->max_body + 1024);
}

enum am_method am_listener_method(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET:
        return AM_METHOD_GET;
    case EVHTTP_REQ_POST:
        return AM_METHOD_POST;
    case EVHTTP_REQ_PUT:
        return AM_METHOD_PUT;
    case EVHTTP_REQ_DELETE:
        return AM_METHOD_DELETE;
    case EVHTTP_REQ_PATCH:
        return AM_METHOD_PATCH;
    case EVHTTP_REQ_HEAD:
        return AM_METHOD_HEAD;
    case EVHTTP_REQ_OPTIONS:
        return AM_METHOD_OPTIONS;
    default:
        return AM_METHOD_OTHER;
    }
}


void am_listener_serialise(struct evbuffer *b, const struct am_response *resp,
                           const char *request_id)
{
    evbuffer_add_printf(b, "HTTP/1.1 %d Mock\r\nContent-Length: %zu\r\nConnection: close\r\n"
                           "X-Request-Id: %s\r\n",
                        resp->status, resp->body_len, request_id);
    if (resp->content_type)
        evbuffer_add_printf(b, "Content-Type: %s\r\n", resp->content_type);
    for (size_t i = 0; i < resp->n_headers; i++)
        evbuffer_add_printf(b, "%s: %s\r\n", resp->headers[i].name, resp->headers[i].value);
    evbuffer_add(b, "\r\n", 2);
    evbuffer_add(b, resp->body ? resp->body : "", resp->body_len);
}


int am_listener_bound_port(struct evhttp_bound_socket *handle)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    evutil_socket_t fd = evhttp_bound_socket_get_fd(handle);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_accept_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    evconnlistener_enable(arg);
}

/* accept() failing with EMFILE/ENFILE would be retried at once, for ever (a busy loop and
 * a log flood): pause accepting for 100 ms instead. */
static void on_accept_error(struct evconnlistener *lev, void *ctx)
{
    struct timeval pause = {0, 100000};
    static time_t last_log;
    int err = EVUTIL_SOCKET_ERROR();

    (void)ctx;
    if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
        return;
    evconnlistener_disable(lev);
    event_base_once(evconnlistener_get_base(lev), -1, EV_TIMEOUT, on_accept_resume, lev, &pause);
    if (time(NULL) != last_log) {
        last_log = time(NULL);
        am_log(AM_LOG_WARN, "accept_paused", "error=\"%s\" pause_ms=100", strerror(err));
    }
}

struct evhttp_bound_socket *am_listener_bind(struct evhttp *h, const char *addr, int port)
{
    struct evhttp_bound_socket *handle = evhttp_bind_socket_with_handle(h, addr, (ev_uint16_t)port);
    int one = 1;

    if (!handle)
        return NULL;
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(handle), on_accept_error);
    /* TLS writes the head and body as separate records: without TCP_NODELAY, Nagle plus
     * delayed ACK stall every response by ~40 ms. Accepted sockets inherit it (Linux). */
    setsockopt(evhttp_bound_socket_get_fd(handle), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return handle;
}

int am_listener_write_port_file(const char *path, int port)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (!f)
        return -errno;
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return -e;
    }
    return 0;
}

void am_listener_drain_check(struct am_listener_drain *d)
{
    if (d->draining && *d->inflight == 0) {
        /* The last reply is only queued on its socket: give the loop a moment to write it. */
        struct timeval flush = {0, 50000};
        event_base_loopexit(d->base, &flush);
    }
}

static void on_drain_grace(evutil_socket_t fd, short what, void *arg)
{
    struct am_listener_drain *d = arg;

    (void)fd;
    (void)what;
    if (*d->inflight > 0)
        am_log(AM_LOG_WARN, "shutdown", "what=grace_expired inflight=%d", *d->inflight);
    event_base_loopexit(d->base, NULL);
}

static void on_drain_signal(evutil_socket_t sig, short what, void *arg)
{
    struct am_listener_drain *d = arg;
    struct timeval grace = {d->grace_ms / 1000, (d->grace_ms % 1000) * 1000};

    (void)what;
    if (++d->signals_seen > 1) {
        if (sig == SIGINT) {
            am_log(AM_LOG_WARN, "shutdown", "what=second_sigint exiting=now");
            _exit(130);
        }
        return;
    }
    am_log(AM_LOG_INFO, "shutdown", "signal=%s inflight=%d", sig == SIGTERM ? "SIGTERM" : "SIGINT",
           *d->inflight);
    d->draining = true;
    if (d->stop)
        d->stop(d->arg);
    if (*d->inflight == 0) {
        am_listener_drain_check(d);
        return;
    }
    d->grace = evtimer_new(d->base, on_drain_grace, d);
    if (!d->grace || evtimer_add(d->grace, &grace) < 0)
        event_base_loopexit(d->base, NULL);
}

int am_listener_drain_init(struct am_listener_drain *d, struct event_base *base, int grace_ms,
                           const int *inflight, void (*stop)(void *arg), void *arg)
{
    d->base = base;
    d->grace_ms = grace_ms;
    d->inflight = inflight;
    d->stop = stop;
    d->arg = arg;
    d->sigterm = evsignal_new(base, SIGTERM, on_drain_signal, d);
    d->sigint = evsignal_new(base, SIGINT, on_drain_signal, d);
    if (!d->sigterm || !d->sigint || event_add(d->sigterm, NULL) < 0 ||
        event_add(d->sigint, NULL) < 0)
        return -ENOMEM;
    return 0;
}

void am_listener_drain_free(struct am_listener_drain *d)
{
    if (d->grace)
        event_free(d->grace);
    if (d->sigterm)
        event_free(d->sigterm);
    if (d->sigint)
        event_free(d->sigint);
    d->grace = d->sigterm = d->sigint = NULL;
}

enum am_transport am_listener_transport(struct evhttp_connection *evcon)
{
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    struct bufferevent *under = bev ? bufferevent_get_underlying(bev) : NULL;
    SSL *ssl;

    if (!under)
        return AM_TRANSPORT_UNKNOWN;
    ssl = bufferevent_openssl_get_ssl(under); /* NULL for a plain socket */
    if (!ssl)
        return AM_TRANSPORT_PLAIN;
    switch (SSL_version(ssl)) {
    case TLS1_3_VERSION:
        return AM_TRANSPORT_TLS13;
    case TLS1_2_VERSION:
        return AM_TRANSPORT_TLS12;
    default:
        return AM_TRANSPORT_UNKNOWN;
    }
}

/* http1.c - HTTP/1.1 server connections over a bufferevent (see http1.h).
 *
 * Chosen over evhttp (which this replaced): evhttp re-parsed every head the framer had
 * already checked, copied each header twice, formatted the answer's head with printf per
 * line and freed it all per request, about a third of a GET's instructions. Here the head
 * is parsed once, in place, the answer's head is written with memcpy into one reused
 * buffer, and nothing is allocated per request in the steady state. */
#include "http1.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define BODY_KEEP 65536  /* a body buffer larger than this is freed after its request */
#define INPUT_MAX 262144 /* bytes read ahead of the request being answered */

struct am_http1_set {
    struct event_base *base;
    const struct am_http1_opts *o;
    struct am_http1_conn *conns;
};

struct am_http1_conn {
    struct am_http1_set *set;
    struct am_http1_conn *next, *prev;
    struct bufferevent *bev; /* NULL once the client is gone (or detached) */
    struct event *timer;     /* the head/body deadline, then the refusal's linger */
    struct event *kick;      /* reads on after an answer given outside the callback */
    struct am_httphead hh;
    struct am_request req;   /* the request being answered (points into hh's buffer) */
    const char *target;
    char *body;
    size_t body_len, body_cap;
    char peer[INET6_ADDRSTRLEN + 8];
    enum am_transport transport;
    enum am_httphead_phase armed; /* the deadline the timer holds (IDLE: none) */
    enum am_httphead_error refused;
    bool tls;
    bool http10;      /* the request's version */
    bool busy;        /* a request is owed an answer */
    bool in_callback; /* inside the owner's request callback */
    bool detached;    /* the owner took the socket inside the callback: free after it */
    bool keep_alive;  /* the request allows another after it */
    bool closing;     /* the last bytes are queued: free once they are on the wire */
    int stage;        /* refusal: 1 flushing its answer, 2 lingering */
    /* The answer being written (am_http1_begin .. end). */
    int status;
    bool has_length, has_type, has_close;
};

/* The answer's head is built here: one thread, one answer at a time. */
static struct {
    char *p;
    size_t len, cap;
} out;

static void process(struct am_http1_conn *c);

static int out_reserve(size_t n)
{
    if (out.len + n > out.cap) {
        size_t cap = out.cap ? out.cap : 1024;
        char *grown;

        while (cap < out.len + n)
            cap *= 2;
        grown = realloc(out.p, cap);
        if (!grown)
            return -1;
        out.p = grown;
        out.cap = cap;
    }
    return 0;
}

static void out_add(const char *s, size_t n)
{
    if (out_reserve(n) == 0) {
        memcpy(out.p + out.len, s, n);
        out.len += n;
    }
}

static void out_str(const char *s)
{
    out_add(s, strlen(s));
}

static void out_uint(unsigned long long v)
{
    char buf[24], *p = buf + sizeof(buf);

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_add(p, (size_t)(buf + sizeof(buf) - p));
}

/* ---- connection lifecycle -------------------------------------------------------------- */

static void conn_free(struct am_http1_conn *c)
{
    struct am_http1_set *s = c->set;

    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->bev)
        bufferevent_free(c->bev);
    event_free(c->timer);
    event_free(c->kick);
    am_httphead_finish(&c->hh);
    free(c->body);
    free(c);
}

/* The client is gone or the connection broke: a request still owed an answer keeps c
 * until the owner answers (then it is freed); otherwise c goes now. */
static void conn_close(struct am_http1_conn *c)
{
    if (!c->busy) {
        conn_free(c);
        return;
    }
    if (c->bev) {
        bufferevent_free(c->bev);
        c->bev = NULL;
    }
    evtimer_del(c->timer);
}

static void conn_retry(struct am_http1_conn *c, long usec)
{
    struct timeval tv = {usec / 1000000, usec % 1000000};

    evtimer_add(c->timer, &tv);
}

/* ---- the answer -------------------------------------------------------------------------- */

const char *am_http1_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 425: return "Too Early";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* The Date header (RFC 9110 IMF-fixdate), formatted once a second. */
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

void am_http1_begin(struct am_http1_conn *c, int status, const char *reason)
{
    out.len = 0;
    c->status = status;
    c->has_length = c->has_type = c->has_close = false;
    out_str(c->http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out_uint((unsigned)status);
    out_add(" ", 1);
    out_str(reason ? reason : am_http1_reason(status));
    out_add("\r\n", 2);
}

void am_http1_header(struct am_http1_conn *c, const char *name, const char *value)
{
    size_t n = strlen(name);

    /* The few names that change what end() adds. */
    if (n == 14 && strcasecmp(name, "Content-Length") == 0)
        c->has_length = true;
    else if (n == 12 && strcasecmp(name, "Content-Type") == 0)
        c->has_type = true;
    else if (n == 10 && strcasecmp(name, "Connection") == 0 && strcasecmp(value, "close") == 0)
        c->has_close = true;
    else if (n == 17 && strcasecmp(name, "Transfer-Encoding") == 0)
        c->has_length = true;
    out_add(name, n);
    out_add(": ", 2);
    out_str(value);
    out_add("\r\n", 2);
}

/* Completes the head in out; returns whether the connection closes after it. */
static bool head_end(struct am_http1_conn *c, size_t len, unsigned flags)
{
    bool head_req = c->req.method == AM_METHOD_HEAD;
    bool needs_body = !head_req && c->status != 204 && c->status != 304 &&
                      (c->status < 100 || c->status >= 200);
    bool close = (flags & AM_HTTP1_CLOSE) || c->has_close || !c->keep_alive;

    if (!c->http10) {
        out_add("Date: ", 6);
        out_str(http_date());
        out_add("\r\n", 2);
    } else if (!close) {
        out_str("Connection: keep-alive\r\n");
    }
    if ((needs_body || head_req) && !c->has_length) {
        out_add("Content-Length: ", 16);
        out_uint(len);
        out_add("\r\n", 2);
    }
    if (needs_body && !c->has_type && c->set->o->default_type) {
        out_add("Content-Type: ", 14);
        out_str(c->set->o->default_type);
        out_add("\r\n", 2);
    }
    if (close && !c->has_close)
        out_str("Connection: close\r\n");
    out_add("\r\n", 2);
    return close;
}

const char *am_http1_render(struct am_http1_conn *c, const char *body, size_t len,
                            unsigned flags, size_t *ret_len)
{
    head_end(c, len, flags);
    if (c->req.method != AM_METHOD_HEAD && len)
        out_add(body, len);
    *ret_len = out.len;
    return out.p;
}

static void answer_refusal(struct am_http1_conn *c);

/* The request is answered: read on (later, when answered outside the callback), or
 * close once the answer is on the wire. */
static void request_done(struct am_http1_conn *c, bool close)
{
    c->busy = false;
    am_httphead_release(&c->hh);
    if (c->body_cap > BODY_KEEP) {
        free(c->body);
        c->body = NULL;
        c->body_cap = 0;
    }
    c->body_len = 0;
    if (!c->bev) {
        conn_free(c);
        return;
    }
    if (c->refused != AM_HH_OK) {
        answer_refusal(c); /* it waited for this answer */
        return;
    }
    if (close) {
        c->closing = true;
        bufferevent_disable(c->bev, EV_READ);
        return;
    }
    if (!c->in_callback && evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
        event_active(c->kick, EV_READ, 0);
}

void am_http1_end(struct am_http1_conn *c, const char *body, size_t len, unsigned flags)
{
    bool close = head_end(c, len, flags);

    if (c->bev) {
        struct evbuffer *o = bufferevent_get_output(c->bev);
        size_t body_len = c->req.method == AM_METHOD_HEAD ? 0 : len;
        struct evbuffer_iovec v;

        /* Head and body in one chunk: bufferevent_openssl writes one TLS record per
         * chunk, and two records would double the work and the packets. */
        if (out.p && evbuffer_reserve_space(o, (ev_ssize_t)(out.len + body_len), &v, 1) == 1 &&
            v.iov_len >= out.len + body_len) {
            memcpy(v.iov_base, out.p, out.len);
            if (body_len)
                memcpy((char *)v.iov_base + out.len, body, body_len);
            v.iov_len = out.len + body_len;
            evbuffer_commit_space(o, &v, 1);
        } else {
            close = true; /* out of memory: the answer cannot be whole */
        }
    }
    request_done(c, close);
}

struct bufferevent *am_http1_detach(struct am_http1_conn *c)
{
    struct bufferevent *bev = c->bev;

    if (bev)
        bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
    c->bev = NULL;
    if (c->in_callback)
        c->detached = true; /* dispatch frees c once the callback returns */
    else
        conn_free(c);
    return bev;
}

enum am_transport am_http1_transport(struct am_http1_conn *c)
{
    SSL *ssl;

    if (c->transport != AM_TRANSPORT_UNKNOWN || !c->bev)
        return c->transport;
    if (!c->tls)
        return c->transport = AM_TRANSPORT_PLAIN;
    ssl = bufferevent_openssl_get_ssl(c->bev);
    switch (ssl ? SSL_version(ssl) : 0) {
    case TLS1_3_VERSION:
        return c->transport = AM_TRANSPORT_TLS13;
    case TLS1_2_VERSION:
        return c->transport = AM_TRANSPORT_TLS12;
    default:
        return AM_TRANSPORT_UNKNOWN;
    }
}

/* ---- refusals ---------------------------------------------------------------------------- */

/* Writes the refusal (journalled and counted by the owner, like any answer), then closes:
 * flush, half-close, drain for a moment (closing with unread bytes would send RST, and
 * the client could lose the answer), free. */
static void answer_refusal(struct am_http1_conn *c)
{
    const struct am_httphead_error_info *info = am_httphead_error_info(c->refused);
    struct am_request req;
    struct am_response resp;
    char target[512];
    char *q;

    memset(&req, 0, sizeof(req));
    am_httphead_describe(&c->hh, &req.method, target, sizeof(target));
    q = strchr(target, '?');
    if (q)
        *q++ = '\0';
    req.path = target;
    req.query = q;
    req.client_ip = c->peer;
    am_response_init(&resp);
    if (am_response_error(&resp, info->status, info->code, info->description) < 0)
        am_response_empty(&resp, info->status);
    if (c->set->o->refused)
        c->set->o->refused(c->set->o->arg, &req, &resp, c->refused);
    c->http10 = false;
    c->req.method = AM_METHOD_OTHER;
    am_http1_begin(c, resp.status, NULL);
    am_http1_header(c, "X-Request-Id", req.request_id ? req.request_id : "-");
    if (resp.content_type)
        am_http1_header(c, "Content-Type", resp.content_type);
    for (size_t i = 0; i < resp.n_headers; i++)
        am_http1_header(c, resp.headers[i].name, resp.headers[i].value);
    head_end(c, resp.body_len, AM_HTTP1_CLOSE);
    if (resp.body_len)
        out_add(resp.body, resp.body_len);
    bufferevent_write(c->bev, out.p, out.len);
    am_response_finish(&resp);
    c->stage = 1;
    evtimer_del(c->timer);
    bufferevent_enable(c->bev, EV_READ); /* read and drop until we close */
}

static void refuse(struct am_http1_conn *c, enum am_httphead_error e)
{
    if (c->refused != AM_HH_OK)
        return;
    c->refused = e;
    if (!c->busy)
        answer_refusal(c); /* else after the answer owed (request_done) */
}

/* ---- reading ----------------------------------------------------------------------------- */

static int body_append(struct am_http1_conn *c, const char *data, size_t n)
{
    if (c->body_len + n > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 1024;
        char *grown;

        while (cap < c->body_len + n)
            cap *= 2;
        grown = realloc(c->body, cap);
        if (!grown)
            return -1;
        c->body = grown;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, n);
    c->body_len += n;
    return 0;
}

static bool header_is(const struct am_request *req, const char *name, const char *value,
                      size_t prefix)
{
    const char *v = am_request_header(req, name);

    return v && (prefix ? strncasecmp(v, value, prefix) == 0 : strcasecmp(v, value) == 0);
}

/* Returns 1 when c is gone (the owner detached it), else 0. */
static int dispatch(struct am_http1_conn *c)
{
    struct am_http1_set *s = c->set;

    c->busy = true;
    if (c->armed != AM_HH_IDLE) {
        /* The request is whole: no deadline runs while its answer is owed. */
        c->armed = AM_HH_IDLE;
        evtimer_del(c->timer);
    }
    c->req.body = c->body_len ? c->body : NULL;
    c->req.body_len = c->body_len;
    c->req.client_ip = c->peer;
    c->req.tls = c->tls;
    c->req.transport = am_http1_transport(c);
    c->req.request_id = NULL;
    /* As evhttp: HTTP/1.1 persists unless "Connection: close"; 1.0 only when asked. */
    c->keep_alive = c->http10 ? header_is(&c->req, "Connection", "keep-alive", 10)
                              : !header_is(&c->req, "Connection", "close", 0);
    c->in_callback = true;
    s->o->request(s->o->arg, c, &c->req, c->target);
    c->in_callback = false;
    if (c->detached) {
        conn_free(c);
        return 1;
    }
    return 0;
}

/* A head was accepted: split it, then dispatch now (no body) or collect the body.
 * Returns 1 when c is gone, 0, or -1 when out of memory. */
static int start_request(struct am_http1_conn *c, struct evbuffer *in)
{
    c->http10 = c->hh.http10;
    if (am_httphead_parse(&c->hh, &c->req, &c->target) < 0)
        return -1;
    am_httphead_taken(&c->hh);
    c->body_len = 0;
    if (c->hh.phase == AM_HH_IDLE)
        return dispatch(c);
    /* As evhttp: ask for the body when it is not on its way already. */
    if (!c->http10 && evbuffer_get_length(in) == 0 &&
        header_is(&c->req, "Expect", "100-continue", 0))
        bufferevent_write(c->bev, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    return 0;
}

/* Arms the head or body deadline when a phase starts, from its first byte. */
static void arm_deadline(struct am_http1_conn *c)
{
    struct timeval tv = {0, 0};

    if (c->hh.phase == c->armed || c->refused != AM_HH_OK || c->busy)
        return;
    c->armed = c->hh.phase;
    if (c->armed == AM_HH_IDLE) {
        evtimer_del(c->timer);
        return;
    }
    tv.tv_sec = c->armed == AM_HH_IN_HEAD ? c->set->o->head_timeout : c->set->o->body_timeout;
    evtimer_add(c->timer, &tv);
}

static void process(struct am_http1_conn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);

    while (c->bev && !c->busy && !c->closing && c->refused == AM_HH_OK) {
        struct evbuffer_iovec v;
        size_t used = 0;
        enum am_httphead_step st;

        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
            break;
        st = am_httphead_feed(&c->hh, v.iov_base, v.iov_len, &used);
        if (st == AM_HH_ERROR) {
            refuse(c, c->hh.error);
            break;
        }
        if (st == AM_HH_BODY && c->hh.payload && used &&
            body_append(c, v.iov_base, used) < 0) {
            refuse(c, AM_HH_BODY_TOO_LARGE); /* out of memory for it */
            break;
        }
        evbuffer_drain(in, used);
        if (st == AM_HH_HEAD) {
            int r = start_request(c, in);

            if (r > 0)
                return; /* taken over by the owner, c is gone */
            if (r < 0) {
                refuse(c, AM_HH_HEAD_TOO_LARGE); /* out of memory for it */
                break;
            }
        } else if (st == AM_HH_BODY && c->hh.phase == AM_HH_IDLE) {
            if (dispatch(c))
                return;
        } else if (used == 0) {
            break;
        }
    }
    if (c->bev && c->refused != AM_HH_OK && c->stage)
        evbuffer_drain(in, evbuffer_get_length(in));
    else if (c->bev)
        arm_deadline(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct am_http1_conn *c = arg;

    if (c->stage) {
        evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
        return;
    }
    process(c);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct am_http1_conn *c = arg;

    (void)fd;
    (void)what;
    if (c->bev && !c->stage)
        process(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    struct am_http1_conn *c = arg;
    struct timeval linger = {1, 0};

    if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
        return;
    if (c->stage == 1) {
        /* The refusal is on the wire: half-close and keep draining for a moment. */
        evutil_socket_t fd = bufferevent_getfd(bev);

        if (fd >= 0)
            shutdown(fd, SHUT_WR);
        c->stage = 2;
        evtimer_add(c->timer, &linger);
        return;
    }
    if (c->closing)
        conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct am_http1_conn *c = arg;

    if (what & BEV_EVENT_CONNECTED)
        return; /* the TLS handshake is done */
    if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && c->busy) {
        bufferevent_enable(bev, EV_READ); /* an answer is owed: not idle */
        return;
    }
    if ((what & BEV_EVENT_EOF) && c->stage == 1)
        return; /* the refusal is still leaving; the client half-closed to read it */
    if ((what & BEV_EVENT_EOF) && !c->busy && c->hh.phase == AM_HH_IDLE &&
        evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
        c->closing = true; /* the client half-closed: the answer queued still leaves */
        return;
    }
    if ((what & BEV_EVENT_EOF) && c->busy) {
        c->keep_alive = false; /* answer, then close */
        return;
    }
    conn_close(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct am_http1_conn *c = arg;

    (void)fd;
    (void)what;
    if (c->stage == 2 || !c->bev) {
        conn_close(c);
        return;
    }
    if (c->stage == 1) {
        conn_retry(c, 20000);
        return;
    }
    refuse(c, c->armed == AM_HH_IN_HEAD ? AM_HH_HEAD_TIMEOUT : AM_HH_BODY_TIMEOUT);
}

/* ---- sets and connections ------------------------------------------------------------- */

struct am_http1_set *am_http1_set_new(struct event_base *base, const struct am_http1_opts *o)
{
    struct am_http1_set *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->base = base;
    s->o = o;
    return s;
}

void am_http1_set_free(struct am_http1_set *s)
{
    if (!s)
        return;
    while (s->conns)
        conn_free(s->conns);
    free(s);
    free(out.p);
    out.p = NULL;
    out.len = out.cap = 0;
}

static void peer_text(const struct sockaddr *sa, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
    if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf, '.'))
        memmove(buf, buf + 7, strlen(buf + 7) + 1);
}

struct am_http1_conn *am_http1_conn_new(struct am_http1_set *s, struct bufferevent *bev,
                                        const struct sockaddr *peer, bool tls)
{
    struct am_http1_conn *c = calloc(1, sizeof(*c));
    struct timeval idle = {s->o->idle_timeout, 0};

    if (!c || !bev)
        goto fail;
    c->set = s;
    c->bev = bev;
    c->tls = tls;
    c->timer = evtimer_new(s->base, on_timer, c);
    c->kick = event_new(s->base, -1, 0, on_kick, c);
    if (!c->timer || !c->kick)
        goto fail;
    am_httphead_init(&c->hh, s->o->max_head, s->o->max_body);
    peer_text(peer, c->peer, sizeof(c->peer));
    c->next = s->conns;
    if (c->next)
        c->next->prev = c;
    s->conns = c;
    bufferevent_setcb(bev, on_read, on_write, on_event, c);
    /* One timeout covers the handshake, idle keep-alive and slow writes; the framer's
     * deadlines bound a head or body that trickles in. */
    bufferevent_set_timeouts(bev, &idle, &idle);
    /* Requests pipelined behind one whose answer is owed wait in the input buffer: bound
     * it (the framer copies each body out as it comes, so no request needs more). */
    bufferevent_setwatermark(bev, EV_READ, 0, INPUT_MAX);
    /* Reading only: writing is on by default and arms itself when bytes are queued.
     * Enabling it here would run the write callback on an idle socket, and a wire
     * fault's take-over could then see "flushed" before its bytes left. */
    bufferevent_enable(bev, EV_READ);
    return c;
fail:
    am_log(AM_LOG_ERROR, "connection_failed", "what=out_of_memory");
    if (c) {
        if (c->timer)
            event_free(c->timer);
        if (c->kick)
            event_free(c->kick);
        free(c);
    }
    if (bev)
        bufferevent_free(bev);
    return NULL;
}

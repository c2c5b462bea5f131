/* http1.h - HTTP/1.1 server connections over a bufferevent (socket or TLS): the request
 * loop of the server and the recorder, in place of evhttp.
 *
 * Every byte a client sends passes the pure framer (core/httphead.h): a head is held until
 * it is complete and valid, a body until its framing (length or chunks) is complete; then
 * the head is split in place (am_httphead_parse) and handed to the owner's request
 * callback as a struct am_request, with no copy of the head and one of the body. One
 * request at a time per connection: pipelined requests wait in the input buffer until the
 * answer is out. The owner answers once, at once or later (am_http1_begin/header/end),
 * or takes the socket for a wire fault (am_http1_detach). Anything the framer refuses
 * (bad framing, limits, the head and body deadlines) is answered here in Asaas's JSON
 * shape with Connection: close, after the owner's refused callback has journalled or
 * logged it. The answer's head follows what evhttp wrote (Date on HTTP/1.1, Content-Length,
 * the default Content-Type, keep-alive on HTTP/1.0 when asked, Connection: close echoed)
 * and leaves with its body in one write, so TLS sends one record.
 *
 * Ownership: a set owns its connections; a connection owns its bufferevent (and through it
 * the socket and SSL) and frees itself when the client goes, a timeout passes or a
 * Connection: close answer is on the wire, except while its request is owed an answer:
 * then it lives (socket closed if the client went) until the owner answers or detaches.
 * The am_request and target given to the callback are borrowed from the connection until
 * that answer. am_http1_set_free frees every connection left. Only src/net includes this. */
#ifndef AM_HTTP1_H
#define AM_HTTP1_H

#include <event2/bufferevent.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "http_types.h"
#include "httphead.h"

struct am_http1_conn;
struct am_http1_set;

/* A complete request; target is the raw request-target (the recorder forwards it). */
typedef void (*am_http1_request_fn)(void *arg, struct am_http1_conn *c, struct am_request *req,
                                    const char *target);

/* Told about a refused request before its answer leaves: req (method, path, query, client
 * address; request_id unset) and resp (the error) are filled; the callback sets
 * req->request_id (a string that outlives the call) and may journal, count and log. */
typedef void (*am_http1_refused_fn)(void *arg, struct am_request *req, struct am_response *resp,
                                    enum am_httphead_error e);

struct am_http1_opts {
    size_t max_head, max_body;
    int idle_timeout, head_timeout, body_timeout; /* seconds */
    const char *default_type; /* Content-Type of a body that has none (NULL: none added) */
    am_http1_request_fn request;
    am_http1_refused_fn refused;
    void *arg;
};

/* o must outlive the set. NULL when out of memory. */
struct am_http1_set *am_http1_set_new(struct event_base *base, const struct am_http1_opts *o);
/* Frees every connection (no callback runs) and the set. NULL is fine. */
void am_http1_set_free(struct am_http1_set *s);

/* Serves an accepted connection: bev is a socket or TLS bufferevent on its fd, made with
 * BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS; peer is the address accept() gave (may
 * be NULL). On failure (out of memory) bev is freed and NULL returned. */
struct am_http1_conn *am_http1_conn_new(struct am_http1_set *s, struct bufferevent *bev,
                                        const struct sockaddr *peer, bool tls);

/* Flags of am_http1_end/am_http1_render. */
enum {
    AM_HTTP1_CLOSE = 1, /* Connection: close, and close once the answer is on the wire */
};

/* Writing the answer to the connection's request: begin (status; reason NULL = the
 * standard phrase), any number of headers (name and value copied), then end. A
 * Content-Length or Connection: close set here is used as is (the truncate fault). */
void am_http1_begin(struct am_http1_conn *c, int status, const char *reason);
void am_http1_header(struct am_http1_conn *c, const char *name, const char *value);
/* Completes the head and sends head and body in one write; the request is answered. For a
 * HEAD request the head says len and no body leaves. On a connection whose client is gone
 * this only frees it. */
void am_http1_end(struct am_http1_conn *c, const char *body, size_t len, unsigned flags);
/* The same bytes, not sent (a dribble fault sends them itself after am_http1_detach):
 * borrowed, valid until the next am_http1_begin on any connection. */
const char *am_http1_render(struct am_http1_conn *c, const char *body, size_t len,
                            unsigned flags, size_t *ret_len);

/* Ends HTTP on c: returns its bufferevent (callbacks cleared; the caller frees it) and
 * frees c. NULL when the client is already gone (c is freed all the same). */
struct bufferevent *am_http1_detach(struct am_http1_conn *c);

/* The SSL of a TLS connection (NULL for plaintext): the security report's TLS version. */
enum am_transport am_http1_transport(struct am_http1_conn *c);

/* The standard reason phrase of status ("Unknown" for none). */
const char *am_http1_reason(int status);

#endif

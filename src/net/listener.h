/* listener.h - the HTTPS/HTTP front shared by the server (server.c) and the recorder
 * (record.c): listening sockets, the HTTP/1.1 framer in front of evhttp, method mapping,
 * the port file.
 *
 * Every accepted connection is wrapped in a bufferevent filter that feeds the pure framer
 * (httphead.h): evhttp only ever sees requests the framer accepted, and a refused request
 * (bad framing, limits, head/body deadline) is answered here in Asaas's JSON shape with
 * Connection: close, after the owner's refused callback has journalled or logged it.
 * Ownership: a wrapped connection's context belongs to its filter bufferevent (freed with
 * it, when evhttp frees the connection). Only src/net includes this. */
#ifndef AM_LISTENER_H
#define AM_LISTENER_H

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <stdbool.h>

#include "http_types.h"
#include "httphead.h"

/* Told about a refused request before its answer leaves: req (method, path, query, client
 * address; request_id unset) and resp (the error) are filled; the callback sets
 * req->request_id (a string that outlives the call) and may journal, count and log. */
typedef void (*am_listener_refused_fn)(void *arg, struct am_request *req,
                                       struct am_response *resp, enum am_httphead_error e);

struct am_listener_opts {
    size_t max_head, max_body;
    int idle_timeout, head_timeout, body_timeout; /* seconds */
    am_listener_refused_fn refused;
    void *arg;
};

/* Wraps under (a socket or TLS bufferevent created with fd -1, freed with the result) in
 * the framer filter. o must outlive every connection. Aborts on allocation failure:
 * evhttp-2.1.12 would serve a NULL bevcb result as cleartext on the TLS port. */
struct bufferevent *am_listener_wrap(struct event_base *base, struct bufferevent *under,
                                     const struct am_listener_opts *o);

/* evhttp's limits for a framed listener: a little above the framer's, so only the framer
 * (with JSON answers) ever refuses. */
void am_listener_set_limits(struct evhttp *h, const struct am_listener_opts *o);

/* Binds h on addr:port with TCP_NODELAY, pausing accept() for 100 ms when descriptors run
 * out. NULL on failure (errno set). */
struct evhttp_bound_socket *am_listener_bind(struct evhttp *h, const char *addr, int port);

/* The port a bound socket got (for --port 0), -1 on error. */
int am_listener_bound_port(struct evhttp_bound_socket *handle);

/* Writes "PORT\n" to path atomically. Returns 0 or -errno. */
int am_listener_write_port_file(const char *path, int port);

enum am_method am_listener_method(enum evhttp_cmd_type t);

/* How the connection of a request arrived: the plaintext listener, or the TLS version its
 * handshake negotiated (for the security report). */
enum am_transport am_listener_transport(struct evhttp_connection *evcon);

/* The whole HTTP/1.1 response as bytes, with Connection: close (refusals, dribble). */
void am_listener_serialise(struct evbuffer *b, const struct am_response *resp,
                           const char *request_id);

/* SIGTERM/SIGINT and the graceful drain, shared by the server and the recorder. The first
 * signal logs, calls stop (stop accepting; drop connections with nothing worth waiting
 * for) and lets the loop exit once *inflight is 0 (after a 50 ms flush of replies queued
 * on sockets) or when grace_ms runs out; a second SIGINT exits at once (130). The owner
 * calls am_listener_drain_check after every reply that lowers *inflight. Owns its events:
 * free with am_listener_drain_free (safe on a zeroed or half-made struct). */
struct am_listener_drain {
    struct event_base *base;
    struct event *sigterm, *sigint, *grace;
    const int *inflight;
    int grace_ms;
    int signals_seen;
    bool draining;
    void (*stop)(void *arg);
    void *arg;
};

/* Returns 0, or -ENOMEM when the signal events cannot be added. */
int am_listener_drain_init(struct am_listener_drain *d, struct event_base *base, int grace_ms,
                           const int *inflight, void (*stop)(void *arg), void *arg);
void am_listener_drain_check(struct am_listener_drain *d);
void am_listener_drain_free(struct am_listener_drain *d);

#endif

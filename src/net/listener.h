/* listener.h - the listening side shared by the server (server.c) and the recorder
 * (record.c): listening sockets, the port file, SIGTERM/SIGINT and the graceful drain.
 * What a connection says is http1.c's. Ownership: a listener returned by am_listener_bind
 * is the caller's (evconnlistener_free closes it). Only src/net includes this. */
#ifndef AM_LISTENER_H
#define AM_LISTENER_H

#include <event2/listener.h>
#include <stdbool.h>

/* Listens on addr:port (a name or literal; the first address it resolves to) with
 * TCP_NODELAY, calling cb for each accepted socket (non-blocking), pausing accept() for
 * 100 ms when descriptors run out. NULL on failure (errno set). */
struct evconnlistener *am_listener_bind(struct event_base *base, const char *addr, int port,
                                        evconnlistener_cb cb, void *arg);

/* The port a listener got (for --port 0), -1 on error. */
int am_listener_bound_port(struct evconnlistener *l);

/* Writes "PORT\n" to path atomically. Returns 0 or -errno. */
int am_listener_write_port_file(const char *path, int port);

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

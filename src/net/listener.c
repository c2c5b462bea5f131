/* listener.c - listening sockets, the port file and the graceful drain, shared by the
 * server and the recorder (see listener.h). */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
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

int am_listener_bound_port(struct evconnlistener *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    evutil_socket_t fd = evconnlistener_get_fd(l);

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

struct evconnlistener *am_listener_bind(struct event_base *base, const char *addr, int port,
                                        evconnlistener_cb cb, void *arg)
{
    struct evutil_addrinfo hints, *res = NULL;
    struct evconnlistener *l = NULL;
    char service[16];
    int one = 1, e;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
    snprintf(service, sizeof(service), "%d", port);
    e = evutil_getaddrinfo(addr, service, &hints, &res);
    if (e != 0 || !res) {
        errno = EADDRNOTAVAIL;
        return NULL;
    }
    l = evconnlistener_new_bind(base, cb, arg,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                                1024, res->ai_addr, (int)res->ai_addrlen);
    e = errno;
    evutil_freeaddrinfo(res);
    if (!l) {
        errno = e;
        return NULL;
    }
    evconnlistener_set_error_cb(l, on_accept_error);
    /* Without TCP_NODELAY, Nagle plus delayed ACK can stall an answer by ~40 ms.
     * Accepted sockets inherit it (Linux). */
    setsockopt(evconnlistener_get_fd(l), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return l;
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

/* syncer.c - the --state-file's fdatasync off the event loop (see syncer.h). */
#include "syncer.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "app.h"

struct am_syncer {
    struct am_app *app;
    event_callback_fn done;
    void *arg;
    struct event *ev; /* the eventfd: the thread's "batch finished" */
    int efd;
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool job, stop; /* under mu */
    int run_result; /* under mu */
    bool busy;      /* loop thread only */
    bool has_result;
    int result;
};

static void *sync_thread(void *arg)
{
    struct am_syncer *s = arg;
    uint64_t one = 1;

    pthread_mutex_lock(&s->mu);
    for (;;) {
        int r;

        while (!s->job && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (!s->job)
            break;
        pthread_mutex_unlock(&s->mu);
        r = am_app_commit_run(s->app);
        pthread_mutex_lock(&s->mu);
        s->run_result = r;
        s->job = false;
        /* An eventfd write of 1 only fails when the counter would overflow. */
        while (write(s->efd, &one, sizeof(one)) < 0 && errno == EINTR)
            ;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void on_finished(evutil_socket_t fd, short what, void *arg)
{
    struct am_syncer *s = arg;
    uint64_t n;
    int r;

    (void)what;
    if (read(fd, &n, sizeof(n)) < 0 || !s->busy)
        return;
    pthread_mutex_lock(&s->mu);
    r = s->run_result;
    pthread_mutex_unlock(&s->mu);
    s->busy = false;
    s->result = am_app_commit_end(s->app, r);
    s->has_result = true;
    s->done(-1, EV_READ, s->arg);
}

struct am_syncer *am_syncer_new(struct event_base *base, struct am_app *app,
                                event_callback_fn done, void *arg)
{
    struct am_syncer *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->efd = -1;
    s->app = app;
    s->done = done;
    s->arg = arg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->efd < 0)
        goto fail;
    s->ev = event_new(base, s->efd, EV_READ | EV_PERSIST, on_finished, s);
    if (!s->ev || event_add(s->ev, NULL) < 0)
        goto fail;
    if (pthread_create(&s->thread, NULL, sync_thread, s) != 0)
        goto fail;
    s->thread_started = true;
    return s;
fail:
    am_syncer_free(s);
    return NULL;
}

void am_syncer_free(struct am_syncer *s)
{
    if (!s)
        return;
    if (s->thread_started) {
        pthread_mutex_lock(&s->mu);
        s->stop = true; /* a batch in flight is finished first */
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    if (s->ev)
        event_free(s->ev);
    if (s->efd >= 0)
        close(s->efd);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int am_syncer_start(struct am_syncer *s)
{
    int r;

    if (s->busy)
        return -EBUSY;
    r = am_app_commit_begin(s->app);
    if (r <= 0)
        return r < 0 ? am_app_commit_end(s->app, r) : 0;
    s->busy = true;
    pthread_mutex_lock(&s->mu);
    s->job = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 1;
}

bool am_syncer_busy(const struct am_syncer *s)
{
    return s->busy;
}

bool am_syncer_take(struct am_syncer *s, int *ret)
{
    if (!s->has_result)
        return false;
    s->has_result = false;
    *ret = s->result;
    return true;
}

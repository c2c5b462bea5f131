/* memtrim.c - see memtrim.h. */
#include "memtrim.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

/* glibc's tcache: 64 size classes 16 bytes apart (requests up to 1032 bytes), at most 7
 * chunks each by default. Taking 7 of every class empties our tcache whatever it holds
 * (the rest come from the arena and go straight back). */
#define CLASSES 64
#define PER_CLASS 7
#define HELD (CLASSES * PER_CLASS)

struct held {
    void *p[HELD];
};

/* Runs on its own thread: the frees fill that thread's tcache, which glibc empties into
 * the arena when the thread exits. */
static void *free_held(void *arg)
{
    struct held *h = arg;

    for (size_t i = 0; i < HELD; i++)
        free(h->p[i]);
    return NULL;
}

int am_mem_trim(void)
{
    static struct held h; /* one caller at a time: the server's thread */
    pthread_attr_t attr;
    sigset_t all, old;
    pthread_t t;
    size_t n = 0;
    int started = 0;

    for (size_t c = 0; c < CLASSES; c++)
        for (size_t i = 0; i < PER_CLASS; i++)
            h.p[n++] = malloc(c * 16 + 8);
    /* The helper takes no signal: they stay with the event loop's thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_attr_init(&attr) == 0) {
        (void)pthread_attr_setstacksize(&attr, 64 * 1024);
        started = pthread_create(&t, &attr, free_held, &h) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started)
        pthread_join(t, NULL);
    else
        free_held(&h); /* no thread: back into our own tcache, as without this module */
    for (size_t i = 0; i < HELD; i++)
        h.p[i] = NULL;
    return malloc_trim(0);
}

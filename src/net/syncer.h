/* syncer.h - the --state-file's fdatasync on a thread of its own, so the event loop goes
 * on reading and answering requests while a batch of entries reaches the disk.
 *
 * Group commit with one batch in flight: am_syncer_start() takes every entry logged so
 * far (am_app_commit_begin) and hands it to the thread (am_app_commit_run); the requests
 * the loop reads meanwhile log into the next batch, which starts when this one is done,
 * so one fdatasync covers everything that arrived during the one before. When the batch
 * is durable (or failed) the loop runs done(-1, EV_READ, arg) after am_app_commit_end();
 * am_syncer_take() then gives its result: 0, and its answers may go; < 0, and they must
 * become am_app_commit_refuse() answers. No answer of a batch may leave before that.
 *
 * Ownership: the server owns the syncer; the syncer borrows base and app (both must
 * outlive it) and owns its thread and eventfd. am_syncer_free() waits for a batch in
 * flight. */
#ifndef AM_SYNCER_H
#define AM_SYNCER_H

#include <event2/event.h>
#include <stdbool.h>

struct am_app;
struct am_syncer;

/* NULL when the thread or its event cannot be made (then commit inline: am_app_commit). */
struct am_syncer *am_syncer_new(struct event_base *base, struct am_app *app,
                                event_callback_fn done, void *arg);
void am_syncer_free(struct am_syncer *s); /* accepts NULL */

/* Starts a batch: 1 = on the thread now (done follows), 0 = nothing to write (the
 * answers waiting may go), -EBUSY = a batch is in flight already, -ENOMEM. */
int am_syncer_start(struct am_syncer *s);
/* True from a start that returned 1 until its done callback. */
bool am_syncer_busy(const struct am_syncer *s);
/* In done (or after it): the finished batch's result, once; false when none waits. */
bool am_syncer_take(struct am_syncer *s, int *ret);

#endif

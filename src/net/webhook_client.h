/* webhook_client.h - outbound webhook deliveries on the server's event loop.
 *
 * The pure core (webhook_pump.h) decides what to send and when; this adapter POSTs it
 * with libevent's HTTP client (over bufferevent_openssl for https://), never blocking the
 * loop: names resolve through evdns, connects and TLS are non-blocking, every attempt has
 * a deadline (--webhook-timeout). HTTPS receivers are verified (host name included)
 * against the system trust store plus --webhook-ca. Owns its connections and jobs. */
#ifndef AM_WEBHOOK_CLIENT_H
#define AM_WEBHOOK_CLIENT_H

#include "app.h"
#include "config.h"

struct event_base;
struct am_webhook_client;

/* NULL on failure (logged). Borrows base, cfg and app. */
struct am_webhook_client *am_webhook_client_new(struct event_base *base,
                                                const struct am_config *cfg, struct am_app *app);
/* Gives in-flight jobs back to their queues (they are sent again after a restart) and
 * frees everything. Accepts NULL. */
void am_webhook_client_free(struct am_webhook_client *c);
/* Something may have become due (a request ran): look at the queues on the next loop
 * pass. Cheap; coalesces. */
void am_webhook_client_kick(struct am_webhook_client *c);

#endif

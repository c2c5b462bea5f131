/* control.h - the /__mock/ control API: health, CA, metrics, journal, incidents,
 * accounts and their keys (pure). Answers JSON (metrics: Prometheus text, CA: PEM).
 * Key material is returned exactly once, on creation; listings show prefix + last 4. */
#ifndef AM_CONTROL_H
#define AM_CONTROL_H

#include <stdint.h>

#include "app_iface.h"
#include "router.h"

/* Handles a matched control route. Returns 0 with resp filled, or -ENOMEM. */
int am_control_handle(struct am_app *app, const struct am_route_match *m,
                      const struct am_request *req, int64_t real_now, struct am_response *resp);

#endif

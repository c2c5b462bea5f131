/* control_state.h - /__mock/ state control: POST reset, GET and PUT state (pure).
 * Borrows the app; answers JSON in Asaas's error shape on bad input. */
#ifndef AM_CONTROL_STATE_H
#define AM_CONTROL_STATE_H

#include <stdint.h>

#include "app_iface.h"

/* Handles AM_ROUTE_CTL_RESET, AM_ROUTE_CTL_STATE_GET and AM_ROUTE_CTL_STATE_PUT. Returns
 * 0 with resp filled, or -ENOMEM. */
int am_control_state_handle(struct am_app *app, int route, const struct am_request *req,
                            int64_t real_now, struct am_response *resp);

#endif

/* control_payments.c - payments and their actions for the dashboard (see
 * control_payments.h): each one is the /v3 request it names, run inside the mock. */
#include "control_payments.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app_iface.h"
#include "router.h"

int am_control_payments(struct am_app *app, const struct am_route_match *m,
                        struct am_account *a, const struct am_request *req, int64_t real_now,
                        struct am_response *resp)
{
    struct am_request api = *req;
    char path[160];
    int r;

    api.n_headers = 0;
    if (m->route == AM_ROUTE_CTL_PAYMENTS_LIST) {
        api.path = "/v3/payments";
        r = am_app_call(app, a, &api, real_now, resp);
        resp->outcome.route = m->route; /* the journal names the control operation */
        return r;
    }
    /* params: account, payment, action */
    if (strcmp(m->params[2], "confirm") == 0 || strcmp(m->params[2], "overdue") == 0) {
        snprintf(path, sizeof(path), "/v3/sandbox/payment/%s/%s", m->params[1], m->params[2]);
    } else if (strcmp(m->params[2], "refund") == 0) {
        snprintf(path, sizeof(path), "/v3/payments/%s/refund", m->params[1]);
    } else {
        cJSON *o = cJSON_CreateObject();
        cJSON *errs = o ? cJSON_AddArrayToObject(o, "errors") : NULL;
        cJSON *e = cJSON_CreateObject();
        if (!errs || !e || !cJSON_AddItemToArray(errs, e)) {
            cJSON_Delete(o);
            cJSON_Delete(e);
            return -ENOMEM;
        }
        cJSON_AddStringToObject(e, "code", "not_found");
        cJSON_AddStringToObject(e, "description", "Ação desconhecida (confirm, overdue ou refund)");
        return am_response_json(resp, 404, o);
    }
    api.path = path;
    api.query = NULL;
    r = am_app_act(app, a, &api, real_now, resp);
    resp->outcome.route = m->route;
    return r;
}

/* security.h - the integration security report wired to the app (pure: no sockets).
 *
 * Feeds the findings stores (secreport.h) from what the app already sees: each finished
 * /v3 request (am_security_observe, from am_app_complete) and each webhook delivery
 * outcome (am_security_webhook, from the pump); builds the report over the registry
 * (GET /__mock/security/report, --security-report FILE at shutdown) and decides the
 * --fail-on-findings exit status. Findings of a request that named no account go to the
 * app's unattributed store (am_app_secreport). Nothing here keeps or prints a whole key. */
#ifndef AM_SECURITY_H
#define AM_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

struct am_app;
struct am_account;
struct am_request;
struct am_response;
struct cJSON;

/* Exit status of a server that stopped with a finding at or above --fail-on-findings. */
#define AM_SECURITY_EXIT_FINDINGS 3

/* One finished request (after the answer is decided). now_ms: real time. */
void am_security_observe(struct am_app *app, const struct am_request *req,
                         const struct am_response *resp, int64_t now_ms);

/* One webhook delivery's answer (status 0 = no HTTP answer) for config_id of account_id,
 * sent to url; fault: the webhook fault that acted on it ("" = none); token_sent: an
 * asaas-access-token header went with it. */
void am_security_webhook(struct am_app *app, const char *account_id, const char *config_id,
                         const char *url, const char *fault, bool token_sent, int status,
                         int64_t real_now_ms);

/* The report for every account that has findings or whose keys were used (only account_id
 * when not NULL), plus the unattributed entry ("account": null) when it has findings:
 *   {"object":"securityReport","generatedAt","failOn","failed","summary":{"error",
 *    "warning","advice"},"accounts":[{"account","today","findings":[{"code","severity",
 *    "category","title","evidence","count","firstSeen","lastSeen","practice"}]}]}
 * Findings of the account's state (hygiene, webhook URLs, stored data) are derived here.
 * New tree (caller frees), NULL on OOM. */
struct cJSON *am_security_report(struct am_app *app, int64_t real_now, const char *account_id);

/* GET /__mock/security/report[?account=ID][&format=md]. Returns 0 with resp filled or a
 * negative errno. */
int am_security_control(struct am_app *app, const struct am_request *req, int64_t real_now,
                        struct am_response *resp);

/* At shutdown: writes --security-report FILE (Markdown when it ends in ".md", else JSON)
 * and returns AM_SECURITY_EXIT_FINDINGS when --fail-on-findings is set and met, 1 when the
 * file could not be written, else 0. */
int am_security_shutdown(struct am_app *app, int64_t real_now);

#endif

/* pages.h - the hosted pages a person opens (pure dispatch over the app):
 *
 *   GET  /i/<id without pay_>        invoice page (invoiceUrl); marks it viewed
 *   POST /i/<id without pay_>        pay=pix | pay=card&holderName=..&number=.. from its forms
 *   GET  /b/pdf/<id without pay_>    the boleto PDF (bankSlipUrl); marks the slip viewed
 *   GET  /comprovantes/<16 digits>   receipt of a payment or refund (transactionReceiptUrl)
 *   GET  /assets/asaas-mock.css      the pages' one stylesheet
 *   GET  /__mock/ui, /__mock/ui/app.js   the dashboard shell (no data: its script reads
 *                                    the control API, sending the admin token itself)
 *
 * No authentication, as on Asaas: the id in the URL is the capability. The payer's
 * actions run the very /v3 handlers the sandbox actions run (am_app_call), so they move
 * the charge with the same events, webhooks and error texts, and they are logged to the
 * --state-file as those requests. Renderers are in page_*.c and boleto_pdf.c. */
#ifndef AM_PAGES_H
#define AM_PAGES_H

#include <stdbool.h>
#include <stdint.h>

struct am_app;
struct am_request;
struct am_response;

/* A path outside /v3 and /__mock: answers the page, or Asaas's JSON 404 for any other
 * path (as before pages existed). Returns 0 with resp filled, or a negative errno. */
int am_pages_handle(struct am_app *app, const struct am_request *req, int64_t real_now,
                    struct am_response *resp);

/* True for the dashboard shell's paths (answered by am_pages_handle without the admin
 * token: they carry no data). */
bool am_pages_is_dashboard(const char *path);

#endif

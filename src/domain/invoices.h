/* invoices.h - fiscal info and NFS-e invoices of one account (pure).
 *
 * The fiscal info is the records document "fiscalInfo" (its public fields, plus what was
 * sent as flags only: a password, access token or certificate is never kept). Invoices
 * are the records collection "invoices" in Asaas's field order with private members
 * "_scheduledDay" (the day they were scheduled) and "_cancelDay". Their states:
 * SCHEDULED -> AUTHORIZED (the daily job, on or after effectiveDate; or /authorize) or
 * ERROR (their payment was deleted or refunded by then); AUTHORIZED -> PROCESSING_
 * CANCELLATION -> CANCELED (next day's job); SCHEDULED -> CANCELED at once. Every move
 * emits its INVOICE_* event; each authorization debits the INVOICE_FEE.
 *
 * Ownership: everything is borrowed; objects returned are borrowed from the store. */
#ifndef AM_INVOICES_H
#define AM_INVOICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct am_records;
struct am_billing;
struct am_ids;
struct am_account;

#define AM_FISCAL_DOC "fiscalInfo"
#define AM_INVOICES_COLL "invoices"

/* Asaas's fee per authorized invoice (our choice, asaas_facts.h). */
#define AM_INVOICE_FEE_CENTS 49

/* Saves the fiscal info from a validated body (the stored document merged with it),
 * returns the stored document or NULL on OOM. */
struct cJSON *am_fiscal_save(struct am_records *r, const struct cJSON *body);

/* The public fiscal info (caller owns), NULL when none was saved (or OOM). */
struct cJSON *am_fiscal_public(struct am_records *r);

/* Builds and stores a SCHEDULED invoice (inv_ + 12 digits from ids) for customer from a
 * validated body (payment / installment may be NULL), emits INVOICE_CREATED. */
struct cJSON *am_invoice_create(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                                const struct cJSON *body, const char *customer,
                                const char *payment, const char *installment, int64_t today,
                                int64_t now);

/* Applies a validated update body to a SCHEDULED invoice, INVOICE_UPDATED. 0/-ENOMEM. */
int am_invoice_update(struct am_billing *b, struct cJSON *inv, const struct cJSON *body,
                      int64_t now);

/* SCHEDULED -> AUTHORIZED now (number, validation code, PDF/XML URLs, the fee). -EPERM
 * when not SCHEDULED. */
int am_invoice_authorize(struct am_records *r, struct am_billing *b, struct cJSON *inv,
                         int64_t today, int64_t now);

/* Cancel: SCHEDULED (or only_on_asaas) -> CANCELED; AUTHORIZED -> PROCESSING_CANCELLATION.
 * -EPERM otherwise. */
int am_invoice_cancel(struct am_billing *b, struct cJSON *inv, bool only_on_asaas, int64_t today,
                      int64_t now);

/* The area's daily job (am_jobs_area_fn): authorizes (or fails) due SCHEDULED invoices,
 * finishes cancellations requested before day. */
int am_invoices_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

/* The static code catalogues of /fiscalInfo/...: "services", "nbsCodes",
 * "federalServiceCodes", "operationIndicatorCodes", "taxClassificationCodes",
 * "taxSituationCodes". Returns a new array of their items (caller owns) or NULL. */
struct cJSON *am_fiscal_catalogue(const char *name);

/* The municipal options object (caller owns) or NULL on OOM. */
struct cJSON *am_fiscal_municipal_options(void);

#endif

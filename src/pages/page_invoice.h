/* page_invoice.h - the payer's invoice page (invoiceUrl, /i/<id without pay_>) and the
 * receipt page (transactionReceiptUrl, /comprovantes/<16 digits>) as HTML (pure).
 *
 * Rendered from the same JSON the API answers (GET /v3/payments/{id}, .../billingInfo,
 * /v3/customers/{id}), so the page can never show what the API would not. Every value is
 * escaped (html.h). Inputs are borrowed; the result is a new string the caller frees. */
#ifndef AM_PAGE_INVOICE_H
#define AM_PAGE_INVOICE_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

struct am_page_invoice {
    const struct cJSON *payment;  /* the payment object (required) */
    const struct cJSON *billing;  /* billingInfo {pix, bankSlip, creditCard}; may be NULL */
    const struct cJSON *customer; /* the customer object; may be NULL */
    const struct cJSON *holder;   /* the card holder fields last sent (after a refusal), to
                                   * fill the form again; NULL = from the customer. Card
                                   * number and CVV are never filled back. */
    const char *notice;           /* a message on top (e.g. the card refusal); may be NULL */
    bool notice_is_error;
};

/* The invoice page: value, due date, status, payer, fine/interest/discount, then what
 * the payer can do while the charge is open: Pix (QR PNG + copy-paste code, a button
 * that pays), boleto (line, ITF barcode, PDF link), card form. Returns the HTML (new;
 * free) with *ret_len, or NULL when out of memory. */
char *am_page_invoice_html(const struct am_page_invoice *in, size_t *ret_len);

/* The receipt of a received payment (or of its refund when refund is non-NULL): who paid
 * what, when, how, and the receipt number. NULL when out of memory. */
char *am_page_receipt_html(const struct cJSON *payment, const struct cJSON *customer,
                           const struct cJSON *refund, const char *receipt, size_t *ret_len);

/* A short page saying what was not found (404) or refused. NULL when out of memory. */
char *am_page_message_html(const char *title, const char *text, size_t *ret_len);

/* The 47-digit line as printed on slips: "AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D
 * EEEEEEEEEEEEEE" (out holds 60 bytes); a line of another length is copied as it is. */
void am_page_format_line(const char *line, char out[60]);

#endif

/* paybook.h - a payment book ("carnê") as a PDF, made with libharu (pure: bytes in
 * memory, no file).
 *
 * GET /installments/{id}/paymentBook and /subscriptions/{id}/paymentBook answer it: a
 * header with the beneficiary and the payer, then one slip per charge (number/count,
 * due date, value in reais, invoice number, payment id, status), several per A4 page.
 * Text is drawn in Helvetica with WinAnsi encoding (UTF-8 input converted; characters
 * outside Latin-1 become '?'), so pdftotext reads the values back.
 *
 * Ownership: the book and its rows are borrowed for the call; *ret is malloc'ed and
 * the caller frees it. */
#ifndef AM_PAYBOOK_H
#define AM_PAYBOOK_H

#include <stddef.h>
#include <stdint.h>

struct am_paybook_row {
    unsigned number;            /* 1-based position shown as "number/count" */
    int64_t due_day;            /* days since 1970-01-01 */
    int64_t value_cents;
    const char *payment_id;
    const char *invoice_number; /* may be NULL */
    const char *status;         /* PENDING, ... */
};

struct am_paybook {
    const char *title;        /* "Carnê de pagamento" ... */
    const char *beneficiary;  /* the account's name */
    const char *payer;        /* customer name, may be NULL */
    const char *payer_doc;    /* CPF/CNPJ digits, may be NULL */
    const char *description;  /* may be NULL */
    const struct am_paybook_row *rows;
    size_t n_rows;
    unsigned count;           /* the "of" in "number/count" (0 = n_rows) */
};

/* Renders the book. Returns 0 with *ret and *ret_len, -EINVAL (no rows) or -ENOMEM (also
 * any libharu failure, which is only ever an allocation one for this input). */
int am_paybook_pdf(const struct am_paybook *book, uint8_t **ret, size_t *ret_len);

/* A one-page PDF: title and up to 48 lines of text (UTF-8, as above). Same returns. */
int am_paybook_lines_pdf(const char *title, const char *const *lines, size_t n, uint8_t **ret,
                         size_t *ret_len);

/* "1.234,56": cents as Brazilian reais digits (out holds 32 bytes). */
void am_paybook_format_brl(int64_t cents, char out[32]);

#endif

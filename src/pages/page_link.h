/* page_link.h - the buyer's page of a payment link (its url, /c/<id>) as HTML (pure).
 *
 * Rendered from the API's own JSON (GET /v3/paymentLinks/{id}): name, description, value
 * and how it is paid, then a form that posts back to the same address; pages.c turns the
 * form into POST /v3/sandbox/paymentLinks/{id}/pay, which creates the customer and the
 * charge, installment or subscription the link describes. Every value is escaped
 * (html.h). Inputs are borrowed; the result is a new string the caller frees. */
#ifndef AM_PAGE_LINK_H
#define AM_PAGE_LINK_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* The page: the link (required), the buyer fields last sent (after a refusal; may be
 * NULL; the card number and CVV are never filled back) and a notice on top (may be
 * NULL). An inactive or deleted link shows that it cannot be paid, without a form.
 * Returns the HTML (new; free) with *ret_len, or NULL when out of memory. */
char *am_page_link_html(const struct cJSON *link, const struct cJSON *sent, const char *notice,
                        bool notice_is_error, size_t *ret_len);

#endif

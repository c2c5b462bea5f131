/* page_common.h - what every hosted page shares (pure): the document frame, the one
 * stylesheet, pt-BR money and dates, status names, the security headers' values.
 *
 * Pages are built in a caller-owned am_strbuf (strbuf.h); every dynamic value goes
 * through am_html_text (html.h). Nothing here allocates besides the strbuf. */
#ifndef AM_PAGE_COMMON_H
#define AM_PAGE_COMMON_H

#include <stdint.h>

struct am_strbuf;
struct cJSON;

/* Content-Security-Policy of the payer's pages: nothing but this origin's stylesheet,
 * images inline (the QR PNG as data:) or from here, forms posting here, no script. */
#define AM_PAGE_CSP                                                                             \
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "        \
    "base-uri 'none'; frame-ancestors 'none'"
/* The dashboard: its own script and the control API on this origin, nothing else. */
#define AM_PAGE_CSP_DASHBOARD                                                                   \
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "          \
    "img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

/* Where the stylesheet is served (am_page_css), and how pages link it: relative, since
 * every page sits two segments deep (/i/x, /comprovantes/x, /__mock/ui), so a
 * --public-url with a path prefix behind a proxy still works. */
#define AM_PAGE_CSS_PATH "/assets/asaas-mock.css"
#define AM_PAGE_CSS_HREF "../assets/asaas-mock.css"

/* The stylesheet of every page (static). */
const char *am_page_css(void);

/* "<!doctype html>..." up to the opening of <main>; title is escaped. */
void am_page_begin(struct am_strbuf *b, const char *title);
/* Closes <main>, the footer and the document. */
void am_page_end(struct am_strbuf *b);

/* cents as "R$ 1.234,56" (out holds 40 bytes; negative amounts get a '-'). */
void am_page_money(int64_t cents, char out[40]);
/* A JSON amount (a number) as am_page_money; "" when item is not an amount. */
void am_page_money_json(const struct cJSON *item, char out[40]);
/* "YYYY-MM-DD[ HH:MM:SS]" as "DD/MM/YYYY"; "" when s is not such a date. */
void am_page_date(const char *s, char out[11]);

/* Portuguese label of a payment status name ("PENDING" -> "Aguardando pagamento");
 * unknown names come back as given. */
const char *am_page_status_label(const char *status);

/* A string member of o, NULL when absent or not a string. */
const char *am_page_str(const struct cJSON *o, const char *key);

/* <dt>label</dt><dd>value (escaped)</dd>; nothing when value is NULL or "". label is
 * trusted markup. */
void am_page_item(struct am_strbuf *b, const char *label, const char *value);
/* A labelled <input> (name and label trusted markup, attrs raw attributes), with
 * value="..." (escaped) when value is not NULL. */
void am_page_input(struct am_strbuf *b, const char *name, const char *label, const char *value,
                   const char *attrs);

#endif

/* html.h - escaping text for HTML documents (pure). The hosted pages (src/pages) put
 * every value that came from a request or from state through here: a customer named
 * "<script>" is shown as text, in element content and in quoted attribute values alike.
 * Appends to a caller-owned am_strbuf (strbuf.h); nothing is allocated otherwise. */
#ifndef AM_HTML_H
#define AM_HTML_H

#include <stddef.h>

struct am_strbuf;

/* Appends s (NULL = nothing) with & < > " ' escaped as entities, so the result is safe
 * both as element text and inside a double- or single-quoted attribute. Control bytes
 * other than tab, newline and carriage return become U+FFFD (they have no business in a
 * page). s is expected to be UTF-8 (the app refuses other request text). */
void am_html_text(struct am_strbuf *b, const char *s);

/* The same for the first n bytes of s. */
void am_html_text_n(struct am_strbuf *b, const char *s, size_t n);

#endif

/* public_url.h - the base of the URLs objects carry (invoiceUrl, bankSlipUrl,
 * transactionReceiptUrl): the mock's own pages under the address clients used (pure).
 *
 * Rendering (billing_render.c ...) cannot see the request, so the app sets the base for
 * the request it is answering (single-threaded: one request at a time) and puts the
 * configured default back afterwards. Without a Host header (unit tests, replay) the base
 * is --public-url, else Asaas's own "https://sandbox.asaas.com", so bodies rendered
 * outside a request stay what they always were. Strings are copied; nothing to free. */
#ifndef AM_PUBLIC_URL_H
#define AM_PUBLIC_URL_H

#include <stdbool.h>
#include <stddef.h>

#define AM_PUBLIC_URL_DEFAULT "https://sandbox.asaas.com"
#define AM_PUBLIC_URL_MAX 200 /* base length limit, NUL included */

/* Checks a --public-url: "http(s)://authority[/path]" (no query, fragment, userinfo,
 * spaces, quotes or angle brackets; at most AM_PUBLIC_URL_MAX-1 bytes). A trailing '/'
 * is allowed (it is dropped when set). Returns 0 or -EINVAL. */
int am_public_url_check(const char *base);

/* The base for URLs rendered from now on; NULL or "" restores AM_PUBLIC_URL_DEFAULT. An
 * invalid base is ignored (-EINVAL), leaving the previous one. */
int am_public_url_set(const char *base);
/* The current base, without a trailing slash. Borrowed, valid until the next set. */
const char *am_public_url_base(void);

/* "https://" or "http://" + host, when host is a valid Host header value (a name, IPv4
 * or [IPv6] literal, optional :port). Returns 0 or -EINVAL (out untouched). */
int am_public_url_from_host(bool tls, const char *host, char out[AM_PUBLIC_URL_MAX]);

/* base + path + suffix into out (path starts with '/'). Returns the length or -ENOSPC. */
int am_public_url_join(char *out, size_t out_len, const char *path, const char *suffix);

#endif

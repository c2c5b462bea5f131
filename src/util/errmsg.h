/* errmsg.h - the one formatter for "where: what went wrong" messages (pure).
 *
 * Parsers and loaders report a problem as a return code plus one line of text in a
 * caller-owned buffer (char *err, size_t err_len; err may be NULL or err_len 0 when the
 * caller does not want the text). Modules call these directly or through a one-line
 * file-local macro that fixes their prefix shape. Nothing is allocated. */
#ifndef AM_ERRMSG_H
#define AM_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the message alone into err. Returns rc. */
int am_err_printf(char *err, size_t err_len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "<a><sep><b>: <message>" into err: with a or b NULL or "" the separator and the
 * missing part are left out, and with both missing only the message is written (so
 * ("customers", ".", "name") gives "customers.name: ...", ("x", ".", NULL) "x: ...").
 * Returns rc. */
int am_err_prefixed(char *err, size_t err_len, int rc, const char *a, const char *sep,
                    const char *b, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* am_err_prefixed with a va_list, for wrappers that do more (scrubbing keys, ...). */
int am_err_vprefixed(char *err, size_t err_len, int rc, const char *a, const char *sep,
                     const char *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

#endif

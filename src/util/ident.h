/* ident.h - the one rule for user-chosen identifiers (pure).
 *
 * Fault rule ids, exchange ids and account ids chosen by a client are 1..size-1
 * characters of [A-Za-z0-9._-]: safe in URLs, file names, logs and JSON without
 * escaping. */
#ifndef AM_IDENT_H
#define AM_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (may be NULL) is a valid identifier fitting a buffer of size bytes. */
bool am_ident_valid(const char *s, size_t size);

#endif

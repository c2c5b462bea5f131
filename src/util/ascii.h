/* ascii.h - digits of protocol text: hex digits (percent-encoding, chunk sizes, hex keys)
 * and plain decimal counts (paging). Pure; nothing to own. */
#ifndef AM_ASCII_H
#define AM_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* The value of hex digit c (either case), -1 for anything else. */
int am_ascii_hex(int c);

/* In-place %XX decoding (the result is never longer); invalid escapes stay as they are and
 * a decoded NUL becomes '?', so the string keeps its length bound and its end. */
void am_ascii_percent_decode(char *s);

/* s as a decimal of digits only (no sign, space or empty string) no larger than max. */
bool am_ascii_size(const char *s, unsigned long long max, size_t *ret);

#endif

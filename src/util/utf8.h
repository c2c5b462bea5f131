/* utf8.h - strict UTF-8 checks for text that enters the mock (pure, no allocation).
 *
 * Everything the mock stores is served again as JSON: a byte that is not UTF-8 would
 * make every later answer unreadable for a client, and a JSON "\u0000" would silently
 * cut a C string. Callers own their buffers; nothing here keeps a pointer. */
#ifndef AM_UTF8_H
#define AM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes of s are well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). Otherwise false with *ret_bad (may be NULL) set
 * to the offset of the first offending byte. */
bool am_utf8_valid(const char *s, size_t len, size_t *ret_bad);

/* True when JSON text (len bytes) has a "\u0000" escape inside a string, with *ret_at
 * (may be NULL) the offset of its backslash. "\\u0000" (an escaped backslash) is not one. */
bool am_utf8_json_has_nul(const char *s, size_t len, size_t *ret_at);

/* Replaces every byte of the NUL-terminated s that is not part of well-formed UTF-8 by
 * '?', in place (for text that must stay printable JSON, such as journal paths). */
void am_utf8_scrub(char *s);

#endif

/* strbuf.h - a growable NUL-terminated text buffer (pure).
 *
 * Zero-initialise (struct am_strbuf b = {0}), append, then take the text. An allocation
 * failure is sticky: later appends do nothing and am_strbuf_take() returns NULL, so
 * callers check once at the end. The buffer owns its text until taken. */
#ifndef AM_STRBUF_H
#define AM_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct am_strbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

/* Appends n bytes of s. */
void am_strbuf_add(struct am_strbuf *b, const char *s, size_t n);
/* Appends the string s. */
void am_strbuf_str(struct am_strbuf *b, const char *s);
/* Returns the text (caller frees; "" when nothing was added) or NULL after an allocation
 * failure; b is emptied either way. */
char *am_strbuf_take(struct am_strbuf *b);

/* snprintf(dst, size, "%s", src) without the format engine: src cut to size - 1 bytes
 * and NUL-terminated (size >= 1). For fixed-size fields on hot paths. */
static inline void am_strbuf_copy(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

#endif

/* multipart.h - finds one part of a multipart/form-data body (RFC 7578), pure.
 *
 * No copies: the part's fields point into the body and the Content-Type value given,
 * valid while they are. */
#ifndef AM_MULTIPART_H
#define AM_MULTIPART_H

#include <stddef.h>

struct am_multipart_part {
    const char *data;     /* the part's bytes */
    size_t len;
    const char *filename; /* filename="..." of Content-Disposition, not NUL-terminated */
    size_t filename_len;  /* 0 when absent */
    const char *type;     /* the part's Content-Type value, not NUL-terminated */
    size_t type_len;      /* 0 when absent */
};

/* Finds the part named name (Content-Disposition: form-data; name="name") in body,
 * whose request Content-Type is content_type ("multipart/form-data; boundary=...").
 * Returns 0, -ENOENT (well-formed, no such part) or -EINVAL (not multipart, no
 * boundary, malformed). */
int am_multipart_find(const char *content_type, const char *body, size_t len, const char *name,
                      struct am_multipart_part *ret);

#endif

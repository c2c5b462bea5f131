/* multipart.h - a multipart/form-data body split into its parts (pure, RFC 7578).
 *
 * Asaas takes some uploads as multipart (payment link images, dunning documents, fiscal
 * info's certificate). am_multipart_parse() splits a body by the boundary of its
 * Content-Type and hands out each part's form name, filename and content type (from
 * its Content-Disposition / Content-Type headers) and its bytes.
 *
 * Ownership: the parts borrow the body (valid while it is) except name, filename and
 * content_type, which point into the am_multipart's own storage; free it with
 * am_multipart_free(). */
#ifndef AM_MULTIPART_H
#define AM_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#define AM_MULTIPART_MAX_PARTS 32

struct am_multipart_part {
    char name[64];          /* form field name ("" when absent) */
    char filename[256];     /* "" when not a file part */
    bool is_file;           /* a filename parameter was present */
    char content_type[128]; /* "" when absent */
    const char *data;       /* borrowed from the body */
    size_t len;
};

struct am_multipart {
    struct am_multipart_part parts[AM_MULTIPART_MAX_PARTS];
    size_t n;
};

/* True when content_type (may be NULL) names multipart/form-data. */
bool am_multipart_is(const char *content_type);

/* Splits body by the boundary of content_type into ret. Returns 0, or -EINVAL (no
 * boundary, malformed framing, a part without Content-Disposition form-data, more than
 * AM_MULTIPART_MAX_PARTS parts) with a one-line reason in err. */
int am_multipart_parse(const char *content_type, const char *body, size_t len,
                       struct am_multipart *ret, char *err, size_t err_len);

/* The first part named name, or NULL. */
const struct am_multipart_part *am_multipart_find(const struct am_multipart *m,
                                                  const char *name);

/* One part by name straight from a body: parses it and copies the part named name into
 * *ret (its data still borrowed from body). Returns 0, -ENOENT (well-formed, no such
 * part) or -EINVAL (not multipart, no boundary, malformed). */
int am_multipart_get(const char *content_type, const char *body, size_t len, const char *name,
                     struct am_multipart_part *ret);

#endif

/* multipart.h - a multipart/form-data body split into its parts (pure, RFC 7578).
 *
 * Used by the uploads of the API (payment documents, chargeback dispute files). Nothing
 * is allocated: each part's data points into the caller's body (borrowed for as long as
 * the body lives); names, file names and content types are copied into the part, cut
 * to fit. Only the headers a form part has are read (Content-Disposition and
 * Content-Type); others are skipped. */
#ifndef AM_MULTIPART_H
#define AM_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#define AM_MP_NAME_MAX 64
#define AM_MP_FILENAME_MAX 256
#define AM_MP_TYPE_MAX 128

struct am_mp_part {
    char name[AM_MP_NAME_MAX];         /* form field name ("" when none) */
    char filename[AM_MP_FILENAME_MAX]; /* "" when the part is not a file */
    bool is_file;                      /* a filename= parameter was present */
    char content_type[AM_MP_TYPE_MAX]; /* "" when not given */
    const char *data;                  /* borrowed from the body */
    size_t len;
};

/* True when content_type (a request's Content-Type value, may be NULL) is
 * multipart/form-data with a boundary. */
bool am_multipart_is_form(const char *content_type);

/* Splits body into at most max parts. Returns 0 with *ret_n set, -EINVAL (no boundary,
 * no closing delimiter, a part without its blank line or with an over-long header name,
 * a name or file name too long), or -E2BIG (more than max parts). */
int am_multipart_parse(const char *content_type, const char *body, size_t len,
                       struct am_mp_part *parts, size_t max, size_t *ret_n);

/* The first part named name, NULL when none. Borrowed from parts. */
const struct am_mp_part *am_multipart_find(const struct am_mp_part *parts, size_t n,
                                           const char *name);

#endif

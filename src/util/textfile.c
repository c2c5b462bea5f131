/* textfile.c - read a whole file (see textfile.h). */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int am_textfile_read(const char *path, size_t max_bytes, char **ret, size_t *ret_len, char *err,
                     size_t err_len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;

    *ret = NULL;
    *ret_len = 0;
    if (!f) {
        rc = -errno;
        if (err && err_len)
            snprintf(err, err_len, "%s: %s", path, strerror(-rc));
        return rc;
    }
    for (;;) {
        size_t got;

        if (len > max_bytes) {
            if (err && err_len)
                snprintf(err, err_len, "%s: file too large (over %zu bytes)", path, max_bytes);
            rc = -EFBIG;
            goto out;
        }
        if (len + 1 >= cap) {
            char *nbuf;

            cap = cap ? cap * 2 : 4096;
            nbuf = realloc(buf, cap);
            if (!nbuf) {
                rc = -ENOMEM;
                goto out;
            }
            buf = nbuf;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = -EIO;
        if (err && err_len)
            snprintf(err, err_len, "%s: read error", path);
        goto out;
    }
    buf[len] = '\0';
    *ret = buf;
    *ret_len = len;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

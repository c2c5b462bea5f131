/* textfile.h - read a whole (text) file into memory, with an error naming the file.
 *
 * Shared by the loaders that read their files themselves (fault rules, exchanges). The
 * buffer is NUL-terminated for convenience and belongs to the caller (free()). */
#ifndef AM_TEXTFILE_H
#define AM_TEXTFILE_H

#include <stddef.h>

/* Reads path whole. Returns 0 with *ret and *ret_len set, or -errno (open), -EFBIG (more than
 * max_bytes), -EIO (read error) or -ENOMEM, with "path: reason" in err (may be NULL). */
int am_textfile_read(const char *path, size_t max_bytes, char **ret, size_t *ret_len, char *err,
                     size_t err_len);

#endif

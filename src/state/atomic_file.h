/* atomic_file.h - replace a file's content all at once (pure: file I/O only).
 *
 * Every file the mock writes for others to read (the CA PEM, --state-out snapshots,
 * recorded exchanges, the compacted --state-file) goes through here, so a reader or a
 * crash never sees half a file. Borrows everything. */
#ifndef AM_ATOMIC_FILE_H
#define AM_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes of data to path: a temp file in the same directory (mode), fsync,
 * rename over path, fsync of the directory (so the rename survives a power cut). The temp
 * file is tmp_path when given (replaced if it exists: for a single writer that documents
 * its name), else a fresh "path.tmp.XXXXXX" (safe with concurrent writers). Returns 0, or
 * -errno with err (may be NULL) = "<step> <path>: <reason>"; on error path is untouched
 * and no temp file is left. */
int am_atomic_write(const char *path, const char *tmp_path, const char *data, size_t len,
                    mode_t mode, char *err, size_t err_len);

/* fsyncs the directory holding path, so a rename into it survives a power cut. 0 or
 * -errno. */
int am_atomic_sync_dir(const char *path);

#endif

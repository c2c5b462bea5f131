/* sync_seam.h - link-time seam over fdatasync(2) for the --state-file tests (include once,
 * in an executable linked with -Wl,--wrap=fdatasync; see tests/meson.build).
 *
 * Every fdatasync the library makes lands in __wrap_fdatasync, which records which file
 * the descriptor is (its path, via /proc/self/fd) and how long that file was at that
 * moment, so a test asserts that the sync hit the state file after its entries were
 * written (a counter would also count a sync of the wrong descriptor, or none at all).
 * sync_seam.fail_errno makes the next syncs fail without touching the disk. */
#ifndef AM_SYNC_SEAM_H
#define AM_SYNC_SEAM_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

static struct {
    unsigned calls;
    char path[PATH_MAX]; /* of the last call */
    long long size;      /* of that file when it was synced */
    int fail_errno;      /* nonzero: fail with it instead of syncing */
} sync_seam;

int __wrap_fdatasync(int fd)
{
    char link[64];
    struct stat st;
    ssize_t n;

    sync_seam.calls++;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, sync_seam.path, sizeof(sync_seam.path) - 1);
    sync_seam.path[n > 0 ? n : 0] = '\0';
    sync_seam.size = fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
    if (sync_seam.fail_errno) {
        errno = sync_seam.fail_errno;
        return -1;
    }
    return __real_fdatasync(fd);
}

static inline void sync_seam_reset(void)
{
    memset(&sync_seam, 0, sizeof(sync_seam));
}

/* True when the last sync was of path (compared after resolving symlinks, as /tmp may be). */
static inline int sync_seam_was(const char *path)
{
    char real[PATH_MAX];

    return realpath(path, real) && strcmp(real, sync_seam.path) == 0;
}

#endif

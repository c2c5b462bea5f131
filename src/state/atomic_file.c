/* atomic_file.c - temp file, fsync, rename, directory fsync (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int am_atomic_write(const char *path, const char *tmp_path, const char *data, size_t len,
                    mode_t mode, char *err, size_t err_len)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t plen = strlen(path);
    char *tmp = tmp_path ? strdup(tmp_path) : malloc(plen + sizeof(suffix));
    const char *step = "allocating for";
    int fd = -1, r = -ENOMEM;

    if (!tmp)
        goto out;
    if (!tmp_path) {
        memcpy(tmp, path, plen);
        memcpy(tmp + plen, suffix, sizeof(suffix));
    }
    step = "creating a temp file for";
    fd = tmp_path ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
                  : mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        r = -errno;
        free(tmp); /* nothing was created: nothing to unlink */
        tmp = NULL;
        goto out;
    }
    step = "writing";
    if (fchmod(fd, mode) < 0) {
        r = -errno;
        goto out;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            r = w < 0 ? -errno : -EIO;
            goto out;
        }
        off += (size_t)w;
    }
    step = "syncing";
    if (fsync(fd) < 0) {
        r = -errno;
        goto out;
    }
    r = close(fd);
    fd = -1;
    if (r < 0) {
        r = -errno;
        goto out;
    }
    step = "renaming the temp file to";
    if (rename(tmp, path) < 0) {
        r = -errno;
        goto out;
    }
    free(tmp);
    tmp = NULL;
    step = "syncing the directory of";
    r = am_atomic_sync_dir(path);
out:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        (void)unlink(tmp);
        free(tmp);
    }
    if (r < 0 && err && err_len)
        snprintf(err, err_len, "%s %s: %s", step, path, strerror(-r));
    return r;
}

int am_atomic_sync_dir(const char *path)
{
    char *copy = strdup(path);
    int dfd, r;

    if (!copy)
        return -ENOMEM;
    dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    r = dfd < 0 || fsync(dfd) < 0 ? -errno : 0;
    if (dfd >= 0)
        close(dfd);
    free(copy);
    return r;
}

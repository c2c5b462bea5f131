/* statelog.c - snapshot line + append-only log with fsync (see statelog.h). */
#include "statelog.h"

#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct am_statelog {
    char *path;
    int fd;
    off_t good_len;  /* bytes known durable (or at least whole) */
    char *buf;       /* entries waiting for sync */
    size_t buf_len, buf_cap;
    size_t entries;  /* since the snapshot */
    uint64_t bytes;
    uint64_t syncs;
    uint64_t entries_total; /* since open, compactions included */
};

static int fail(char *err, size_t err_len, const char *path, const char *what, int code)
{
    snprintf(err, err_len, "%s: %s: %s", path, what, strerror(code));
    return -code;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads every line; cuts off a torn last line. Sets *good_len to the kept length. */
static int read_lines(const char *path, int fd, am_statelog_line_fn on_line, void *arg,
                      bool *ret_existed, off_t *good_len, char *err, size_t err_len)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0, line_no = 0;
    ssize_t n;
    off_t pos = 0;
    int r = 0, dupfd = dup(fd);

    *ret_existed = false;
    *good_len = 0;
    if (dupfd < 0)
        return fail(err, err_len, path, "dup", errno);
    f = fdopen(dupfd, "rb");
    if (!f) {
        close(dupfd);
        return fail(err, err_len, path, "fdopen", errno);
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n')
            break; /* torn: the process died mid-append, before any answer */
        line[n - 1] = '\0';
        line_no++;
        if (line_no == 1)
            *ret_existed = true;
        r = on_line(arg, line, (size_t)n - 1, line_no, err, err_len);
        if (r < 0)
            goto out;
        pos += n;
    }
    if (ferror(f))
        r = fail(err, err_len, path, "read", errno ? errno : EIO);
    *good_len = pos;
out:
    free(line);
    fclose(f);
    return r;
}

int am_statelog_open(const char *path, am_statelog_line_fn on_line, void *arg,
                     struct am_statelog **ret, bool *ret_existed, char *err, size_t err_len)
{
    struct am_statelog *log = calloc(1, sizeof(*log));
    struct stat st;
    int r;

    if (!log || !(log->path = strdup(path))) {
        free(log);
        return -ENOMEM;
    }
    log->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (log->fd < 0) {
        r = fail(err, err_len, path, "open", errno);
        goto fail;
    }
    r = read_lines(path, log->fd, on_line, arg, ret_existed, &log->good_len, err, err_len);
    if (r < 0)
        goto fail;
    if (fstat(log->fd, &st) == 0 && st.st_size != log->good_len &&
        ftruncate(log->fd, log->good_len) < 0) {
        r = fail(err, err_len, path, "truncate the torn last entry", errno);
        goto fail;
    }
    if (lseek(log->fd, log->good_len, SEEK_SET) < 0) {
        r = fail(err, err_len, path, "seek", errno);
        goto fail;
    }
    *ret = log;
    return 0;
fail:
    am_statelog_close(log);
    return r;
}

void am_statelog_close(struct am_statelog *log)
{
    if (!log)
        return;
    if (log->fd >= 0)
        close(log->fd);
    free(log->path);
    free(log->buf);
    free(log);
}

int am_statelog_append(struct am_statelog *log, const char *text, size_t len)
{
    if (log->buf_len + len + 1 > log->buf_cap) {
        size_t cap = log->buf_cap ? log->buf_cap : 4096;
        char *grown;
        while (cap < log->buf_len + len + 1)
            cap *= 2;
        grown = realloc(log->buf, cap);
        if (!grown)
            return -ENOMEM;
        log->buf = grown;
        log->buf_cap = cap;
    }
    memcpy(log->buf + log->buf_len, text, len);
    log->buf[log->buf_len + len] = '\n';
    log->buf_len += len + 1;
    log->entries++;
    log->entries_total++;
    return 0;
}

bool am_statelog_dirty(const struct am_statelog *log)
{
    return log && log->buf_len > 0;
}

int am_statelog_sync(struct am_statelog *log)
{
    int r;

    if (!log->buf_len)
        return 0;
    r = write_all(log->fd, log->buf, log->buf_len);
    if (r == 0 && fdatasync(log->fd) < 0)
        r = -errno;
    if (r < 0) {
        /* Leave no half entry behind: the next sync rewrites the whole batch. */
        if (ftruncate(log->fd, log->good_len) < 0 || lseek(log->fd, log->good_len, SEEK_SET) < 0)
            return -EIO;
        return r;
    }
    log->good_len += (off_t)log->buf_len;
    log->bytes += log->buf_len;
    log->buf_len = 0;
    log->syncs++;
    return 0;
}

int am_statelog_compact(struct am_statelog *log, const char *snapshot, size_t len)
{
    size_t plen = strlen(log->path);
    char *text = malloc(len + 1), *tmp = malloc(plen + 5);
    int fd, r = -ENOMEM;

    if (text && tmp) {
        memcpy(text, snapshot, len);
        text[len] = '\n';
        memcpy(tmp, log->path, plen);
        memcpy(tmp + plen, ".tmp", 5);
        /* PATH.tmp, as documented: one writer per state file. */
        r = am_atomic_write(log->path, tmp, text, len + 1, 0600, NULL, 0);
    }
    free(text);
    free(tmp);
    if (r < 0)
        return r; /* the old file (snapshot + log) stays in force */
    /* The renamed file is the state file now: append to it from here on. */
    fd = open(log->path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    close(log->fd);
    log->fd = fd;
    log->good_len = (off_t)len + 1;
    log->buf_len = 0;
    log->entries = 0;
    log->bytes = 0;
    log->syncs++;
    return lseek(log->fd, log->good_len, SEEK_SET) < 0 ? -errno : 0;
}

size_t am_statelog_entries(const struct am_statelog *log)
{
    return log->entries;
}

uint64_t am_statelog_bytes(const struct am_statelog *log)
{
    return log->bytes;
}

uint64_t am_statelog_syncs(const struct am_statelog *log)
{
    return log->syncs;
}

uint64_t am_statelog_entries_total(const struct am_statelog *log)
{
    return log->entries_total;
}

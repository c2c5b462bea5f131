/* io_trace.c - LD_PRELOAD shim, built for tests only: records, in order, every fdatasync
 * (and fsync) and every send on a socket the process makes, so a test can check that a
 * state-file entry was durable before its answer left.
 *
 * AM_IO_TRACE=PATH names the trace (appended, one event a line):
 *   sync <path of the synced fd>     written after the real fdatasync/fsync returned 0
 *   send <fd> <bytes>                written before the bytes are handed to the kernel
 * Only socket descriptors count as sends (the logger's stdout writes do not).
 * AM_IO_FAIL_SYNC_IF=FLAG: while the file FLAG exists, fdatasync fails with EIO (without
 * syncing) and is traced as "syncfail <fd>", so a test can check that a write whose
 * sync failed is not acknowledged. AM_IO_SYNC_DELAY_US=N: every fdatasync first sleeps N
 * microseconds (a slow disk, so that many writers wait for one batch). Without
 * AM_IO_TRACE every call passes straight through. Used by tests/e2e/run_e2e_durable.py.
 * The trace itself is written with the raw syscall, so it never traces itself. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int trace_fd = -2; /* -2: not opened yet; -1: no tracing */
static dev_t trace_dev;
static ino_t trace_ino;

/* The server's compaction child closes every descriptor it inherited and opens its own:
 * the number trace_fd held may then name another file, which must never get a trace line. */
static int trace_still_ours(void)
{
    struct stat st;

    return fstat(trace_fd, &st) == 0 && st.st_dev == trace_dev && st.st_ino == trace_ino;
}

static int trace_open(void)
{
    if (trace_fd >= 0 && !trace_still_ours())
        trace_fd = -2;
    if (trace_fd == -2) {
        const char *path = getenv("AM_IO_TRACE");
        struct stat st;

        trace_fd = path && *path
                       ? (int)syscall(SYS_openat, AT_FDCWD, path,
                                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
                       : -1;
        if (trace_fd >= 0 && fstat(trace_fd, &st) == 0) {
            trace_dev = st.st_dev;
            trace_ino = st.st_ino;
        }
    }
    return trace_fd;
}

static void trace_line(const char *line)
{
    int t = trace_open();

    if (t >= 0)
        (void)syscall(SYS_write, t, line, strlen(line));
}

static int is_socket(int fd)
{
    struct stat st;

    return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void trace_sync(int fd)
{
    char link[64], target[4096], line[4200];
    ssize_t n;

    if (trace_open() < 0)
        return;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    snprintf(line, sizeof(line), "sync %s\n", target);
    trace_line(line);
}

static void trace_send(int fd, size_t n)
{
    char line[64];

    if (trace_open() < 0 || !is_socket(fd))
        return;
    snprintf(line, sizeof(line), "send %d %zu\n", fd, n);
    trace_line(line);
}

/* __extension__: ISO C has no cast from dlsym's void * to a function pointer; POSIX does. */
#define REAL(name, type) (__extension__(type)dlsym(RTLD_NEXT, name))

int fdatasync(int fd)
{
    const char *flag = getenv("AM_IO_FAIL_SYNC_IF");
    const char *delay = getenv("AM_IO_SYNC_DELAY_US");
    int r;

    if (delay && *delay)
        usleep((useconds_t)atol(delay)); /* a slow disk: every writer waits in the batch */
    if (flag && *flag && access(flag, F_OK) == 0) {
        char line[64];
        snprintf(line, sizeof(line), "syncfail %d\n", fd);
        trace_line(line);
        errno = EIO;
        return -1;
    }
    r = REAL("fdatasync", int (*)(int))(fd);

    if (r == 0)
        trace_sync(fd);
    return r;
}

int fsync(int fd)
{
    int r = REAL("fsync", int (*)(int))(fd);

    if (r == 0)
        trace_sync(fd);
    return r;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    trace_send(fd, n);
    return REAL("write", ssize_t (*)(int, const void *, size_t))(fd, buf, n);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    trace_send(fd, n);
    return REAL("send", ssize_t (*)(int, const void *, size_t, int))(fd, buf, n, flags);
}

/* glibc declares the address as a transparent union under _GNU_SOURCE. */
ssize_t sendto(int fd, const void *buf, size_t n, int flags, __CONST_SOCKADDR_ARG to,
               socklen_t tolen)
{
    trace_send(fd, n);
    return REAL("sendto", ssize_t (*)(int, const void *, size_t, int, __CONST_SOCKADDR_ARG,
                                      socklen_t))(fd, buf, n, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    size_t n = 0;

    for (size_t i = 0; msg && i < msg->msg_iovlen; i++)
        n += msg->msg_iov[i].iov_len;
    trace_send(fd, n);
    return REAL("sendmsg", ssize_t (*)(int, const struct msghdr *, int))(fd, msg, flags);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    size_t n = 0;

    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    trace_send(fd, n);
    return REAL("writev", ssize_t (*)(int, const struct iovec *, int))(fd, iov, iovcnt);
}

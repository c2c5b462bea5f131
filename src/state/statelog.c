/* statelog.c - snapshot line + append-only log with fsync (see statelog.h). */
#include "statelog.h"

#include "atomic_file.h"
#include "crypto.h"
#include "keys.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <libdeflate.h>
#include <pthread.h>
#include <unistd.h>

/* A place in a chain of records: the byte offset in its file, the number of the next
 * record and the checksum of the last one. */
struct chainpos {
    uint64_t off;
    uint64_t seq;
    uint8_t chain[AM_STATELOG_HASH_LEN];
};

/* Two buffers, so a batch can be written on another thread while the next one fills:
 * buf (the caller's thread only) takes appends; am_statelog_sync_begin() moves it to wbuf,
 * which am_statelog_sync_run() writes. io guards the file: fd, good_len, wbuf, bytes,
 * syncs and busy (a batch begun and not yet run); compaction and close wait for it. */
struct am_statelog {
    char *path;
    pthread_mutex_t io;
    pthread_cond_t idle;  /* signalled when busy turns false */
    bool busy;
    int fd;
    off_t good_len;  /* bytes known durable (or at least whole) */
    off_t zeroed;    /* the file is zeros from good_len up to here (its size), if beyond */
    char *buf;       /* entries appended since the last sync_begin */
    size_t buf_len, buf_cap;
    char *wbuf;      /* the batch being written, or a failed one kept for the next */
    size_t wbuf_len, wbuf_cap;
    size_t entries;  /* since the snapshot */
    uint64_t bytes;
    uint64_t syncs;
    uint64_t entries_total; /* since open, compactions included */
    uint64_t seq;           /* number of the next record (the snapshot is 0) */
    uint8_t chain[AM_STATELOG_HASH_LEN]; /* checksum of the last record framed */
    int format;             /* of the file as opened (AM_STATELOG_FORMAT when new) */
    size_t torn_line;       /* the torn final record cut at open (0 = none) */
    uint64_t torn_bytes;
    char *tmp;              /* PATH.tmp: where a compaction writes the new file */
    /* A background compaction (am_statelog_compact_start): the child writing tmp, the read
     * end of its report, and where the records after its snapshot begin in this file. */
    pid_t bg_pid;           /* 0 = none */
    int bg_fd;
    struct chainpos bg_cut;
    uint64_t bg_cpu_us;     /* CPU time of the last child reaped (user + system) */
};

int am_statelog_bg_catch_up_passes = 8;

#define STATELOG_ZERO_AHEAD ((off_t)1 << 20) /* zeros written ahead of the records */

/* ---- records ----------------------------------------------------------------------- */

/* Every record is one line:
 *   {"v":3,"n":0,"r":SNAPSHOT,"h":"<16 hex>"}     line 1
 *   {"n":SEQ,"r":ENTRY,"h":"<16 hex>"}           every later line, SEQ = line - 1
 * where the payload (SNAPSHOT, ENTRY) has its key-shaped text concealed (keys.h) and h
 * chains the record to the one before: format 3 (written) is CRC-32 then Adler-32 (zlib,
 * big-endian) of (previous h || the line up to ',"h":'); format 2 (still read, then
 * compacted) is the first 8 bytes of SHA-256(previous h || SHA-256(the line up to ',"h":')).
 * The first record's previous h is zeros. The check is against accidental damage (a
 * torn disk block, an editor, a copy gone wrong), not an adversary: an altered byte, a line
 * from another file or another place, a gap or a repeat all break the chain, and the
 * sequence number says which. The two zlib sums cost a few instructions per byte where
 * the double SHA-256 cost ~35 (the write path of every acknowledged request). */
#define HASH_SUFFIX_LEN 24 /* ,"h":"<16 hex>"} */

static void put_be32(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

/* The two running sums of a format 3 checksum. libdeflate: the same CRC-32 and Adler-32
 * as zlib's, with the CPU's carry-less multiply and vector adds (~0.7 instructions a byte
 * where zlib takes ~7). */
struct sums {
    uint32_t crc, adler;
};

#define SUMS_INIT {0, 1}

static void sums_add(struct sums *s, const void *p, size_t len)
{
    if (len) {
        s->crc = libdeflate_crc32(s->crc, p, len);
        s->adler = libdeflate_adler32(s->adler, p, len);
    }
}

static void sums_out(const struct sums *s, uint8_t out[AM_STATELOG_HASH_LEN])
{
    put_be32(out, s->crc);
    put_be32(out + 4, s->adler);
}

void am_statelog_sum(const uint8_t *seed, size_t seed_len, const void *text, size_t len,
                     uint8_t out[AM_STATELOG_HASH_LEN])
{
    struct sums s = SUMS_INIT;

    sums_add(&s, seed, seed_len);
    sums_add(&s, text, len);
    sums_out(&s, out);
}

static void record_hash(int format, const uint8_t prev[AM_STATELOG_HASH_LEN], const char *text,
                        size_t len, uint8_t out[AM_STATELOG_HASH_LEN])
{
    uint8_t both[AM_STATELOG_HASH_LEN + AM_SHA256_LEN], full[AM_SHA256_LEN];

    if (format == 3) {
        am_statelog_sum(prev, AM_STATELOG_HASH_LEN, text, len, out);
        return;
    }
    memcpy(both, prev, AM_STATELOG_HASH_LEN);
    am_sha256(text, len, both + AM_STATELOG_HASH_LEN);
    am_sha256(both, sizeof(both), full);
    memcpy(out, full, AM_STATELOG_HASH_LEN);
}

/* Grows *buf (capacity *cap) to hold need bytes. Returns 0 or -ENOMEM. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    size_t c = *cap ? *cap : 4096;
    char *grown;

    if (need <= *cap)
        return 0;
    while (c < need)
        c *= 2;
    grown = realloc(*buf, c);
    if (!grown)
        return -ENOMEM;
    *buf = grown;
    *cap = c;
    return 0;
}

static const char first[] = "{\"v\":3,\"n\":0,\"r\":"; /* the snapshot record's head */

/* Writes a record's end, from its checksum on, at o; returns the end. */
static char *put_suffix(char *o, const uint8_t hash[AM_STATELOG_HASH_LEN])
{
    memcpy(o, ",\"h\":\"", 6);
    am_hex(hash, AM_STATELOG_HASH_LEN, o + 6);
    memcpy(o + 6 + 2 * AM_STATELOG_HASH_LEN, "\"}\n", 3);
    return o + HASH_SUFFIX_LEN + 1;
}

/* Frames payload as record seq after chain at the end of *buf (length *len, capacity
 * *cap): the line with its '\n', straight into the buffer (no copy, no printf); its
 * checksum goes to out_hash. *len moves only on success. Returns 0 or -ENOMEM. */
static int frame_as(uint64_t seq, const uint8_t chain[AM_STATELOG_HASH_LEN], const char *payload,
                    size_t plen, bool conceal, char **buf, size_t *len, size_t *cap,
                    uint8_t out_hash[AM_STATELOG_HASH_LEN])
{
    char digits[20], *line, *o;
    size_t nd = 0;

    _Static_assert(AM_STATELOG_FORMAT == 3, "the first record's head names the format");
    if (reserve(buf, cap, *len + 32 + AM_KEY_CONCEALED_MAX(plen) + HASH_SUFFIX_LEN + 1) < 0)
        return -ENOMEM;
    line = o = *buf + *len;
    if (seq == 0) {
        memcpy(o, first, sizeof(first) - 1);
        o += sizeof(first) - 1;
    } else {
        memcpy(o, "{\"n\":", 5);
        o += 5;
        for (uint64_t v = seq; v; v /= 10)
            digits[nd++] = (char)('0' + v % 10);
        while (nd)
            *o++ = digits[--nd];
        memcpy(o, ",\"r\":", 5);
        o += 5;
    }
    if (conceal) {
        o += am_key_conceal_to(payload, plen, o);
    } else {
        memcpy(o, payload, plen); /* already concealed: a record moved to another file */
        o += plen;
    }
    record_hash(AM_STATELOG_FORMAT, chain, line, (size_t)(o - line), out_hash);
    o = put_suffix(o, out_hash);
    *len = (size_t)(o - *buf);
    return 0;
}

static int frame(uint64_t seq, const uint8_t chain[AM_STATELOG_HASH_LEN], const char *payload,
                 size_t plen, char **buf, size_t *len, size_t *cap,
                 uint8_t out_hash[AM_STATELOG_HASH_LEN])
{
    return frame_as(seq, chain, payload, plen, true, buf, len, cap, out_hash);
}

static int bad_record(char *err, size_t err_len, const char *path, size_t line_no,
                      const char *why)
{
    snprintf(err, err_len, "%s:%zu: %s", path, line_no, why);
    return -EBADMSG;
}

/* Parses "digits" at *p (no sign, no leading zero unless "0"), advancing *p. */
static bool parse_seq(const char **p, const char *end, uint64_t *ret)
{
    const char *s = *p;
    uint64_t v = 0;

    if (s >= end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end && s[1] >= '0' && s[1] <= '9'))
        return false;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *p = s;
    *ret = v;
    return true;
}

static bool eat(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* Reads the checksum a record line (ending at end, no '\n'; at least HASH_SUFFIX_LEN
 * long) ends with: ,"h":"<16 hex>"}. False when it has none. */
static bool checksum_of(const char *end, uint8_t want[AM_STATELOG_HASH_LEN])
{
    const char *p = end - HASH_SUFFIX_LEN;
    char hex[2 * AM_STATELOG_HASH_LEN + 1];

    if (!eat(&p, end, ",\"h\":\"") || end[-2] != '"' || end[-1] != '}')
        return false;
    memcpy(hex, p, sizeof(hex) - 1);
    hex[sizeof(hex) - 1] = '\0';
    return am_unhex(hex, want, AM_STATELOG_HASH_LEN) == 0;
}

/* Checks line line_no (text, len: no '\n') against the chain and the sequence, and
 * reveals its payload into *ret (free()). On success the chain moves on. Returns 0,
 * -ENOMEM or -EBADMSG with err = "PATH:LINE: reason". */
static int unframe(const char *path, size_t line_no, const char *text, size_t len,
                   int *format, uint8_t chain[AM_STATELOG_HASH_LEN], char **ret, size_t *ret_len,
                   char *err, size_t err_len)
{
    const char *p = text, *end = text + len, *payload;
    uint8_t want[AM_STATELOG_HASH_LEN], got[AM_STATELOG_HASH_LEN];
    uint64_t n, expect = line_no - 1;
    char why[160];

    if (line_no == 1) {
        if (!eat(&p, end, "{\"v\":") || !parse_seq(&p, end, &n))
            return bad_record(err, err_len, path, line_no, "snapshot record without a format version");
        if (n != 2 && n != AM_STATELOG_FORMAT) {
            snprintf(why, sizeof(why), "format version %" PRIu64 " (this build reads 1, 2 and %d)",
                     n, AM_STATELOG_FORMAT);
            return bad_record(err, err_len, path, line_no, why);
        }
        *format = (int)n;
        if (!eat(&p, end, ",\"n\":"))
            return bad_record(err, err_len, path, line_no, "not a state-file record");
    } else if (!eat(&p, end, "{\"n\":")) {
        return bad_record(err, err_len, path, line_no, "not a state-file record");
    }
    if (!parse_seq(&p, end, &n) || !eat(&p, end, ",\"r\":") ||
        (size_t)(end - p) < HASH_SUFFIX_LEN)
        return bad_record(err, err_len, path, line_no, "not a state-file record");
    if (n < expect) {
        snprintf(why, sizeof(why), "record %" PRIu64 " again where %" PRIu64
                 " belongs (a repeated line)", n, expect);
        return bad_record(err, err_len, path, line_no, why);
    }
    if (n > expect) {
        snprintf(why, sizeof(why), "record %" PRIu64 " where %" PRIu64
                 " belongs (missing records)", n, expect);
        return bad_record(err, err_len, path, line_no, why);
    }
    payload = p;
    if (!checksum_of(end, want))
        return bad_record(err, err_len, path, line_no, "record without its checksum");
    record_hash(*format, chain, text, len - HASH_SUFFIX_LEN, got);
    if (!am_ct_equal(got, want, AM_STATELOG_HASH_LEN))
        return bad_record(err, err_len, path, line_no,
                          "checksum mismatch (the record was altered, or is not the one that "
                          "followed the line before)");
    switch (am_key_reveal(payload, (size_t)(end - HASH_SUFFIX_LEN - payload), ret, ret_len)) {
    case 0:
        break;
    case -ENOMEM:
        return -ENOMEM;
    default:
        return bad_record(err, err_len, path, line_no, "concealed text is not well formed");
    }
    memcpy(chain, want, AM_STATELOG_HASH_LEN);
    return 0;
}


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

/* Sets *ret to the offset just past the last byte that is not zero in fd from from on
 * (from itself when there is none). Returns 0 or -errno. */
static int last_nonzero(int fd, off_t from, uint64_t *ret)
{
    char chunk[65536];
    off_t at = from;
    ssize_t n;

    *ret = (uint64_t)from;
    while ((n = pread(fd, chunk, sizeof(chunk), at)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        for (ssize_t i = n; i > 0; i--) {
            if (chunk[i - 1]) {
                *ret = (uint64_t)at + (uint64_t)i;
                break;
            }
        }
        at += n;
    }
    return 0;
}

/* Reads every record into on_line; a torn final record (no '\n') is left for the caller
 * to cut. Sets log->good_len to the length of the whole lines, log->seq and log->chain
 * to continue after them, and log->format. */
static int read_lines(struct am_statelog *log, am_statelog_line_fn on_line, void *arg,
                      bool *ret_existed, char *err, size_t err_len)
{
    FILE *f;
    char *line = NULL, *payload = NULL;
    size_t cap = 0, line_no = 0, plen;
    ssize_t n;
    off_t pos = 0;
    int r = 0, dupfd = dup(log->fd);

    *ret_existed = false;
    log->good_len = 0;
    log->format = AM_STATELOG_FORMAT;
    if (dupfd < 0)
        return fail(err, err_len, log->path, "dup", errno);
    f = fdopen(dupfd, "rb");
    if (!f) {
        close(dupfd);
        return fail(err, err_len, log->path, "fdopen", errno);
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        if (memchr(line, '\0', (size_t)n)) {
            /* The zeros written ahead of the records (am_statelog_sync_run): the log ends
             * here. Anything else in them is a batch the process died writing. */
            uint64_t end = 0;

            r = last_nonzero(log->fd, pos, &end);
            if (r < 0) {
                r = fail(err, err_len, log->path, "read", -r);
                goto out;
            }
            if (end > (uint64_t)pos) {
                log->torn_line = line_no + 1;
                log->torn_bytes = end - (uint64_t)pos;
            }
            break;
        }
        if (line[n - 1] != '\n') {
            /* Torn: the process died mid-append, before any answer it covered left. */
            log->torn_line = line_no + 1;
            log->torn_bytes = (uint64_t)n;
            break;
        }
        line[n - 1] = '\0';
        line_no++;
        if (line_no == 1) {
            *ret_existed = true;
            /* A file of the previous format (no records, no version): read as it is,
             * unverified; the caller compacts it into this format. */
            if (strncmp(line, "{\"v\":", 5) != 0)
                log->format = 1;
        }
        if (log->format == 1) {
            r = on_line(arg, line, (size_t)n - 1, line_no, err, err_len);
        } else {
            r = unframe(log->path, line_no, line, (size_t)n - 1, &log->format, log->chain,
                        &payload, &plen, err, err_len);
            if (r == 0)
                r = on_line(arg, payload, plen, line_no, err, err_len);
            free(payload);
            payload = NULL;
        }
        if (r < 0)
            goto out;
        pos += n;
    }
    if (ferror(f))
        r = fail(err, err_len, log->path, "read", errno ? errno : EIO);
    log->good_len = pos;
    log->seq = line_no;
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

    if (!log || !(log->path = strdup(path)) || !(log->tmp = malloc(strlen(path) + 5))) {
        if (log)
            free(log->path);
        free(log);
        return -ENOMEM;
    }
    /* PATH.tmp, as documented: one writer per state file. */
    memcpy(log->tmp, path, strlen(path));
    memcpy(log->tmp + strlen(path), ".tmp", 5);
    log->bg_fd = -1;
    pthread_mutex_init(&log->io, NULL);
    pthread_cond_init(&log->idle, NULL);
    log->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (log->fd < 0) {
        r = fail(err, err_len, path, "open", errno);
        goto fail;
    }
    r = read_lines(log, on_line, arg, ret_existed, err, err_len);
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

/* With io held: waits until no batch is being written. */
static void wait_idle(struct am_statelog *log)
{
    while (log->busy)
        pthread_cond_wait(&log->idle, &log->io);
}

static void bg_cancel(struct am_statelog *log);

void am_statelog_close(struct am_statelog *log)
{
    if (!log)
        return;
    bg_cancel(log);
    pthread_mutex_lock(&log->io);
    wait_idle(log);
    pthread_mutex_unlock(&log->io);
    /* The zeros ahead go: a closed state file is its records and nothing else. */
    if (log->fd >= 0 && log->zeroed > log->good_len)
        (void)ftruncate(log->fd, log->good_len);
    if (log->fd >= 0)
        close(log->fd);
    pthread_cond_destroy(&log->idle);
    pthread_mutex_destroy(&log->io);
    free(log->path);
    free(log->tmp);
    free(log->buf);
    free(log->wbuf);
    free(log);
}

int am_statelog_append(struct am_statelog *log, const char *text, size_t len)
{
    uint8_t hash[AM_STATELOG_HASH_LEN];

    if (log->format != AM_STATELOG_FORMAT)
        return -EPROTO; /* compact a file of the previous format first */
    if (frame(log->seq, log->chain, text, len, &log->buf, &log->buf_len, &log->buf_cap, hash) < 0)
        return -ENOMEM;
    log->seq++;
    memcpy(log->chain, hash, sizeof(hash));
    log->entries++;
    log->entries_total++;
    return 0;
}

bool am_statelog_dirty(const struct am_statelog *log)
{
    struct am_statelog *l = (struct am_statelog *)log; /* the lock is not state */
    bool dirty;

    if (!log)
        return false;
    pthread_mutex_lock(&l->io);
    dirty = log->buf_len > 0 || log->wbuf_len > 0 || log->busy;
    pthread_mutex_unlock(&l->io);
    return dirty;
}

int am_statelog_sync_begin(struct am_statelog *log)
{
    int r = 1;

    pthread_mutex_lock(&log->io);
    wait_idle(log);
    if (!log->buf_len && !log->wbuf_len) {
        r = 0;
    } else if (!log->wbuf_len) {
        /* The usual case: the buffers trade places, nothing is copied. */
        char *t = log->wbuf;
        size_t cap = log->wbuf_cap;

        log->wbuf = log->buf;
        log->wbuf_cap = log->buf_cap;
        log->wbuf_len = log->buf_len;
        log->buf = t;
        log->buf_cap = cap;
        log->buf_len = 0;
    } else if (!log->buf_len) {
        /* A failed batch alone is written again. */
    } else if (reserve(&log->wbuf, &log->wbuf_cap, log->wbuf_len + log->buf_len) < 0) {
        r = -ENOMEM; /* a failed batch waits in wbuf: the new entries go after it */
    } else {
        memcpy(log->wbuf + log->wbuf_len, log->buf, log->buf_len);
        log->wbuf_len += log->buf_len;
        log->buf_len = 0;
    }
    log->busy = r == 1;
    pthread_mutex_unlock(&log->io);
    return r;
}

/* Writes zeros ahead of the records, so that the file's size and blocks are already
 * durable when a batch lands there: an fdatasync then writes the data, without writing a
 * new size and extent too (here half the latency and CPU time of an appending fdatasync:
 * 150 against 290 us). The batch that crosses the end writes the next 1 MiB of zeros too
 * (one in ~1,500 with one writer, ~55 at 64). The reader takes the first zero byte for the
 * end of the log. Where zeros cannot be written (a full disk), the batch is appended as
 * before. With io held. */
static void zero_ahead(struct am_statelog *log, size_t need)
{
    static const char zeros[65536];
    off_t at = log->zeroed > log->good_len ? log->zeroed : log->good_len;
    off_t want = log->good_len + (off_t)need;

    if (want <= at)
        return;
    want += STATELOG_ZERO_AHEAD;
    while (at < want) {
        size_t n = (size_t)(want - at) < sizeof(zeros) ? (size_t)(want - at) : sizeof(zeros);
        ssize_t w = pwrite(log->fd, zeros, n, at);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        at += w;
    }
    log->zeroed = at;
}

int am_statelog_sync_run(struct am_statelog *log)
{
    int r;

    pthread_mutex_lock(&log->io);
    zero_ahead(log, log->wbuf_len);
    r = write_all(log->fd, log->wbuf, log->wbuf_len);
    if (r == 0 && fdatasync(log->fd) < 0)
        r = -errno;
    if (r < 0) {
        /* Leave no half entry behind: the next sync rewrites the whole batch. */
        if (ftruncate(log->fd, log->good_len) < 0 || lseek(log->fd, log->good_len, SEEK_SET) < 0)
            r = -EIO;
        log->zeroed = log->good_len; /* the cut took the zeros too */
    } else {
        log->good_len += (off_t)log->wbuf_len;
        log->bytes += log->wbuf_len;
        log->wbuf_len = 0;
        log->syncs++;
    }
    log->busy = false;
    pthread_cond_broadcast(&log->idle);
    pthread_mutex_unlock(&log->io);
    return r;
}

int am_statelog_sync(struct am_statelog *log)
{
    int r = am_statelog_sync_begin(log);

    return r == 1 ? am_statelog_sync_run(log) : r;
}

int am_statelog_compact(struct am_statelog *log, const char *snapshot, size_t len)
{
    static const uint8_t zeros[AM_STATELOG_HASH_LEN];
    uint8_t hash[AM_STATELOG_HASH_LEN];
    size_t n = 0, cap = 0;
    char *text = NULL;
    int fd, r = -ENOMEM;

    bg_cancel(log); /* this snapshot is newer than the one it was writing */
    pthread_mutex_lock(&log->io);
    wait_idle(log); /* the batch being written lands in the old file first */
    if (frame(0, zeros, snapshot, len, &text, &n, &cap, hash) == 0)
        r = am_atomic_write(log->path, log->tmp, text, n, 0600, NULL, 0);
    free(text);
    if (r < 0)
        goto out; /* the old file (snapshot + log) stays in force */
    /* The renamed file is the state file now: append to it from here on. */
    fd = open(log->path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        r = -errno;
        goto out;
    }
    close(log->fd);
    log->fd = fd;
    log->good_len = (off_t)n;
    log->zeroed = 0;
    log->format = AM_STATELOG_FORMAT;
    log->seq = 1;
    memcpy(log->chain, hash, sizeof(hash));
    log->buf_len = 0;
    log->wbuf_len = 0;
    log->entries = 0;
    log->bytes = 0;
    log->syncs++;
    r = lseek(log->fd, log->good_len, SEEK_SET) < 0 ? -errno : 0;
out:
    pthread_mutex_unlock(&log->io);
    return r;
}

/* ---- background compaction ------------------------------------------------------- */

/* A child (fork) writes the snapshot of the state as it was at the fork into PATH.tmp,
 * then copies over the records this file received after the fork, re-framed onto the new
 * chain; it reports where it stopped. The parent copies the few records left, renames
 * PATH.tmp over PATH and goes on appending there. Until that rename PATH is the old file,
 * complete: a crash at any point loses nothing acknowledged. */
#define BG_NICE 10                     /* yields the core to the server's requests */
#define BG_IOPRIO_IDLE (3 << 13)       /* IOPRIO_CLASS_IDLE: the disk too, to its fdatasyncs */
#define BG_PACE (4u << 20)             /* written back this many bytes at a time */
#define BG_CATCH_UP_ENOUGH (256u << 10) /* a catch-up pass this short: the parent ends it */

struct bg_report {
    struct chainpos old;   /* the old file, copied up to here */
    struct chainpos neu;   /* the new file: its length, next record, last checksum */
    uint64_t entries;      /* records in it after the snapshot */
    uint64_t snapshot_len; /* bytes of its snapshot record */
};

_Static_assert(sizeof(struct bg_report) <= PIPE_BUF, "the report is one atomic pipe write");

/* The child writes through this: every BG_PACE bytes it starts their writeback and waits
 * for the piece before, so a large snapshot reaches the disk as a steady trickle instead
 * of one burst at its fdatasync, which the server's own fdatasyncs would queue behind. */
struct pacer {
    int fd;
    bool pace;     /* false: plain writes (the parent's short tail) */
    uint64_t done; /* bytes handed to writeback */
    uint64_t at;   /* bytes written */
};

static int paced_write(struct pacer *pc, const char *p, size_t len)
{
    while (len) {
        size_t n = pc->pace && len > BG_PACE ? BG_PACE : len;
        int r = write_all(pc->fd, p, n);

        if (r < 0)
            return r;
        p += n;
        len -= n;
        pc->at += n;
        while (pc->pace && pc->at - pc->done >= BG_PACE) {
            if (pc->done >= BG_PACE)
                (void)sync_file_range(pc->fd, (off_t)(pc->done - BG_PACE), BG_PACE,
                                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                          SYNC_FILE_RANGE_WAIT_AFTER);
            (void)sync_file_range(pc->fd, (off_t)pc->done, BG_PACE, SYNC_FILE_RANGE_WRITE);
            pc->done += BG_PACE;
        }
    }
    return 0;
}

/* Moves the whole records of text[0, len) - this file's, continuing at *from - onto the
 * chain at *to, at the end of *out. Each is checked against the old chain first, so a
 * damaged record is never laundered into a valid chain. Returns the bytes consumed (whole
 * lines; a partial last line stays), -EBADMSG or -ENOMEM. */
static ssize_t reframe(const char *text, size_t len, struct chainpos *from, struct chainpos *to,
                       char **out, size_t *olen, size_t *ocap, uint64_t *entries)
{
    size_t at = 0;

    while (at < len) {
        const char *line = text + at, *end = memchr(line, '\n', len - at), *p = line, *payload;
        uint8_t want[AM_STATELOG_HASH_LEN], got[AM_STATELOG_HASH_LEN], hash[AM_STATELOG_HASH_LEN];
        uint64_t n;

        if (!end)
            break;
        if (!eat(&p, end, "{\"n\":") || !parse_seq(&p, end, &n) || n != from->seq ||
            !eat(&p, end, ",\"r\":") || (size_t)(end - p) < HASH_SUFFIX_LEN ||
            !checksum_of(end, want))
            return -EBADMSG;
        payload = p;
        record_hash(AM_STATELOG_FORMAT, from->chain, line, (size_t)(end - line) - HASH_SUFFIX_LEN,
                    got);
        if (!am_ct_equal(got, want, AM_STATELOG_HASH_LEN))
            return -EBADMSG;
        if (frame_as(to->seq, to->chain, payload, (size_t)(end - HASH_SUFFIX_LEN - payload),
                     false, out, olen, ocap, hash) < 0)
            return -ENOMEM;
        memcpy(from->chain, want, sizeof(want));
        from->seq++;
        from->off += (uint64_t)(end - line) + 1;
        memcpy(to->chain, hash, sizeof(hash));
        to->seq++;
        (*entries)++;
        at = (size_t)(end - text) + 1;
    }
    return (ssize_t)at;
}

/* Copies the whole records of the old file (rd) from from->off up to end_off (or its end)
 * to the new one (wr, positioned at to->off), re-framed. Returns the bytes copied from rd,
 * or -errno. */
static int64_t copy_records(int rd, uint64_t end_off, struct chainpos *from,
                            struct pacer *wr, struct chainpos *to, uint64_t *entries)
{
    size_t cap = 1u << 20, olen = 0, ocap = 0;
    char *in = malloc(cap), *out = NULL;
    uint64_t start = from->off;
    int64_t r = 0;

    if (!in)
        return -ENOMEM;
    while (from->off < end_off) {
        size_t want = end_off - from->off < cap ? (size_t)(end_off - from->off) : cap;
        ssize_t n = pread(rd, in, want, (off_t)from->off), used;
        char *zero;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            goto out;
        }
        if (n == 0)
            break;
        /* The file ends at the zeros written ahead of the records, as for the reader: a
         * batch being written over them may show its later pages before its earlier. */
        zero = memchr(in, '\0', (size_t)n);
        if (zero)
            n = zero - in;
        olen = 0;
        used = reframe(in, (size_t)n, from, to, &out, &olen, &ocap, entries);
        if (used < 0) {
            r = used;
            goto out;
        }
        if (used == 0) {
            char *grown;

            if (zero || (size_t)n < want)
                break; /* a last line still being written: the next pass takes it */
            if (cap >= (1u << 30) || !(grown = realloc(in, cap * 2))) {
                r = cap >= (1u << 30) ? -EBADMSG : -ENOMEM;
                goto out;
            }
            in = grown; /* one record longer than the buffer */
            cap *= 2;
            continue;
        }
        r = paced_write(wr, out, olen);
        if (r < 0)
            goto out;
        to->off += olen;
    }
    r = (int64_t)(from->off - start);
out:
    free(in);
    free(out);
    return r;
}

/* The snapshot record, written piece by piece as the snapshot function hands its payload
 * on: the bytes frame() makes of the whole payload (each piece is cut outside a string,
 * so concealing the pieces conceals the whole), without the payload, its concealed copy
 * or the record ever whole in memory (for a 178 MB state those were three copies, and
 * their page faults and copying half the child's time). */
struct rec_stream {
    struct pacer *out;
    struct sums sums; /* of the chain seed (zeros) and the line so far */
    char *buf;        /* a piece, concealed */
    size_t cap;
    uint64_t len;     /* bytes of the record written */
};

static int rec_write(struct rec_stream *rs, const char *text, size_t len)
{
    sums_add(&rs->sums, text, len);
    rs->len += len;
    return paced_write(rs->out, text, len);
}

static int rec_put(void *arg, const char *text, size_t len)
{
    struct rec_stream *rs = arg;
    size_t need = AM_KEY_CONCEALED_MAX(len);

    if (need > rs->cap) {
        char *grown = realloc(rs->buf, need);

        if (!grown)
            return -ENOMEM;
        rs->buf = grown;
        rs->cap = need;
    }
    return rec_write(rs, rs->buf, am_key_conceal_to(text, len, rs->buf));
}

/* Writes the snapshot record (number 0) through out: its checksum goes to hash, its
 * length to *ret_len. Returns 0 or -errno. */
static int write_snapshot(struct pacer *out, am_statelog_snapshot_fn snapshot, void *arg,
                          uint8_t hash[AM_STATELOG_HASH_LEN], uint64_t *ret_len)
{
    static const uint8_t zeros[AM_STATELOG_HASH_LEN];
    struct rec_stream rs = {.out = out, .sums = SUMS_INIT};
    char suffix[HASH_SUFFIX_LEN + 1];
    int r;

    sums_add(&rs.sums, zeros, sizeof(zeros));
    r = rec_write(&rs, first, sizeof(first) - 1);
    if (r == 0)
        r = snapshot(arg, rec_put, &rs);
    free(rs.buf);
    if (r < 0)
        return r;
    sums_out(&rs.sums, hash);
    put_suffix(suffix, hash);
    *ret_len = rs.len + sizeof(suffix);
    return paced_write(out, suffix, sizeof(suffix));
}

static void close_fds_except(int keep)
{
    long max;

    /* keep is at least 3 (0-2 stay open): below it, 3..keep-1, may be empty. */
    if ((keep == 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
        close_range((unsigned)keep + 1, ~0u, 0) == 0)
        return;
    max = sysconf(_SC_OPEN_MAX); /* a kernel without close_range */
    for (long fd = 3; fd < (max > 0 ? max : 65536); fd++) {
        if (fd != keep)
            close((int)fd);
    }
}

/* The child: never returns. It holds none of the parent's sockets (a connection the
 * parent closes must close now, not when this ends), dies with the parent, and runs at a
 * lower priority than the requests. Exit status: 0 or an errno. */
static void bg_child(const struct am_statelog *log, int report, struct chainpos cut,
                     am_statelog_snapshot_fn snapshot, void *arg, pid_t parent)
{
    struct bg_report rep = {.old = cut, .neu = {.seq = 1}};
    struct pacer wr = {.pace = true};
    int rd, code;

    close_fds_except(report);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(ECHILD);
    (void)setpriority(PRIO_PROCESS, 0, BG_NICE);
    (void)syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, BG_IOPRIO_IDLE);
    wr.fd = open(log->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    rd = open(log->path, O_RDONLY | O_CLOEXEC);
    if (wr.fd < 0 || rd < 0)
        _exit(errno);
    code = -write_snapshot(&wr, snapshot, arg, rep.neu.chain, &rep.neu.off);
    if (code)
        _exit(code);
    rep.snapshot_len = rep.neu.off;
    for (int pass = 0; pass < am_statelog_bg_catch_up_passes; pass++) {
        int64_t copied = copy_records(rd, UINT64_MAX, &rep.old, &wr, &rep.neu, &rep.entries);

        if (copied < 0)
            _exit((int)-copied);
        if ((uint64_t)copied < BG_CATCH_UP_ENOUGH)
            break;
    }
    if (fdatasync(wr.fd) < 0)
        _exit(errno);
    _exit(write(report, &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : EPIPE);
}

int am_statelog_compact_start(struct am_statelog *log, am_statelog_snapshot_fn snapshot,
                              void *arg)
{
    struct chainpos cut;
    pid_t parent = getpid(), pid;
    int fds[2];

    if (log->bg_pid)
        return -EALREADY;
    if (log->format != AM_STATELOG_FORMAT)
        return -EPROTO;
    /* The records after the cut are those not yet framed: they land in this file at
     * good_len + the batches not yet written, in order. */
    pthread_mutex_lock(&log->io);
    wait_idle(log);
    cut.off = (uint64_t)log->good_len + log->wbuf_len + log->buf_len;
    cut.seq = log->seq;
    memcpy(cut.chain, log->chain, sizeof(cut.chain));
    pthread_mutex_unlock(&log->io);
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    pid = fork();
    if (pid == 0)
        bg_child(log, fds[1], cut, snapshot, arg, parent);
    close(fds[1]);
    if (pid < 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
        int r = -errno;

        close(fds[0]);
        if (pid > 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        return r;
    }
    log->bg_pid = pid;
    log->bg_fd = fds[0];
    log->bg_cut = cut;
    return 0;
}

uint64_t am_statelog_compaction_cpu_us(const struct am_statelog *log)
{
    return log->bg_cpu_us;
}

bool am_statelog_compacting(const struct am_statelog *log)
{
    return log && log->bg_pid != 0;
}

/* Reaps the child; tmp is removed unless keep. */
static int bg_reap(struct am_statelog *log, bool keep)
{
    struct rusage ru = {0};
    int status = 0;

    while (wait4(log->bg_pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    log->bg_cpu_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
                     (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    close(log->bg_fd);
    log->bg_fd = -1;
    log->bg_pid = 0;
    if (!keep)
        (void)unlink(log->tmp);
    return WIFEXITED(status) && WEXITSTATUS(status) ? -WEXITSTATUS(status) : -EIO;
}

static void bg_cancel(struct am_statelog *log)
{
    if (!log->bg_pid)
        return;
    kill(log->bg_pid, SIGKILL);
    bg_reap(log, false);
}

/* Copies the records the child did not, re-frames the batches not yet written, makes the
 * new file durable and renames it over PATH; from then on appends go there. With io held
 * and no batch in flight. Returns 0 or -errno (the old file stays in force). */
static int bg_switch(struct am_statelog *log, const struct bg_report *rep)
{
    struct chainpos from = rep->old, to = rep->neu;
    uint64_t entries = rep->entries;
    char *nw = NULL, *nb = NULL;
    size_t nw_len = 0, nw_cap = 0, nb_len = 0, nb_cap = 0;
    struct pacer tail = {.fd = -1};
    int rd = -1, wr = -1, r;
    int64_t copied;

    if (rep->old.off > (uint64_t)log->good_len)
        return -EAGAIN; /* it read a batch whose write failed and was cut back */
    rd = open(log->path, O_RDONLY | O_CLOEXEC);
    wr = open(log->tmp, O_WRONLY | O_CLOEXEC);
    if (rd < 0 || wr < 0 || lseek(wr, (off_t)to.off, SEEK_SET) < 0) {
        r = -errno;
        goto out;
    }
    tail.fd = wr;
    copied = copy_records(rd, (uint64_t)log->good_len, &from, &tail, &to, &entries);
    if (copied < 0 || from.off != (uint64_t)log->good_len) {
        r = copied < 0 ? (int)copied : -EBADMSG;
        goto out;
    }
    if ((log->wbuf_len && reframe(log->wbuf, log->wbuf_len, &from, &to, &nw, &nw_len, &nw_cap,
                                  &entries) != (ssize_t)log->wbuf_len) ||
        (log->buf_len && reframe(log->buf, log->buf_len, &from, &to, &nb, &nb_len, &nb_cap,
                                 &entries) != (ssize_t)log->buf_len)) {
        r = -ENOMEM;
        goto out;
    }
    if (fdatasync(wr) < 0 || rename(log->tmp, log->path) < 0) {
        r = -errno;
        goto out;
    }
    /* PATH is the new file now, whatever the directory's fsync says. */
    r = am_atomic_sync_dir(log->path);
    close(log->fd);
    log->fd = wr;
    wr = -1;
    log->good_len = (off_t)to.off;
    log->zeroed = 0;
    free(log->wbuf);
    log->wbuf = nw;
    log->wbuf_len = nw_len;
    log->wbuf_cap = nw_cap;
    free(log->buf);
    log->buf = nb;
    log->buf_len = nb_len;
    log->buf_cap = nb_cap;
    nw = nb = NULL;
    log->seq = to.seq;
    memcpy(log->chain, to.chain, sizeof(to.chain));
    log->entries = entries;
    log->bytes = to.off - rep->snapshot_len;
    log->syncs++;
out:
    if (rd >= 0)
        close(rd);
    if (wr >= 0)
        close(wr);
    free(nw);
    free(nb);
    return r;
}

int am_statelog_compact_poll(struct am_statelog *log, bool wait, uint64_t *ret_snapshot_len)
{
    struct bg_report rep;
    ssize_t n;
    int r;

    if (!log || !log->bg_pid)
        return 0;
    if (wait) {
        int flags = fcntl(log->bg_fd, F_GETFL);

        (void)fcntl(log->bg_fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    while ((n = read(log->bg_fd, &rep, sizeof(rep))) < 0 && errno == EINTR)
        ;
    if (n < 0 && errno == EAGAIN)
        return 1;
    if (n != (ssize_t)sizeof(rep))
        return bg_reap(log, false); /* it failed: its exit status says why */
    (void)bg_reap(log, true);
    pthread_mutex_lock(&log->io);
    wait_idle(log);
    r = bg_switch(log, &rep);
    pthread_mutex_unlock(&log->io);
    if (r < 0)
        (void)unlink(log->tmp);
    else if (ret_snapshot_len)
        *ret_snapshot_len = rep.snapshot_len;
    return r < 0 ? r : 2;
}

size_t am_statelog_entries(const struct am_statelog *log)
{
    return log->entries;
}

/* The counters the writer moves are read under its lock. */
static uint64_t locked_read(const struct am_statelog *log, const uint64_t *field)
{
    struct am_statelog *l = (struct am_statelog *)log; /* the lock is not state */
    uint64_t v;

    pthread_mutex_lock(&l->io);
    v = *field;
    pthread_mutex_unlock(&l->io);
    return v;
}

uint64_t am_statelog_bytes(const struct am_statelog *log)
{
    return locked_read(log, &log->bytes);
}

uint64_t am_statelog_syncs(const struct am_statelog *log)
{
    return locked_read(log, &log->syncs);
}

uint64_t am_statelog_entries_total(const struct am_statelog *log)
{
    return log->entries_total;
}

int am_statelog_format(const struct am_statelog *log)
{
    return log->format;
}

uint64_t am_statelog_torn(const struct am_statelog *log, size_t *ret_line)
{
    if (ret_line)
        *ret_line = log->torn_line;
    return log->torn_bytes;
}

int am_statelog_cut(const char *path, size_t line_no, const char *keep_path,
                    am_statelog_line_fn on_dropped, void *arg, uint64_t *ret_bytes, char *err,
                    size_t err_len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL, *line_end;
    long size;
    size_t at = 0, no = 1;
    int fd, r;

    *ret_bytes = 0;
    if (!f)
        return fail(err, err_len, path, "open", errno);
    if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
        !(data = malloc((size_t)size + 1)) || fread(data, 1, (size_t)size, f) != (size_t)size) {
        r = data ? fail(err, err_len, path, "read", errno ? errno : EIO) : -ENOMEM;
        goto out;
    }
    data[size] = '\0';
    /* Find where line line_no starts. */
    while (no < line_no && at < (size_t)size && (line_end = memchr(data + at, '\n', (size_t)size - at))) {
        at = (size_t)(line_end - data) + 1;
        no++;
    }
    if (no < line_no || at >= (size_t)size) {
        r = 0; /* nothing from that line on */
        goto out;
    }
    /* The original first, whole and durable: nothing is lost until it is on disk. */
    r = am_atomic_write(keep_path, NULL, data, (size_t)size, 0600, err, err_len);
    if (r < 0)
        goto out;
    /* The lines cut, up to the zeros written ahead of the records (not a line). */
    for (size_t p = at, n = line_no; p < (size_t)size && data[p]; n++) {
        char *e = memchr(data + p, '\n', (size_t)size - p);
        size_t len = e ? (size_t)(e - data) - p : (size_t)size - p;
        char *zero = memchr(data + p, '\0', len), keep;

        if (zero)
            len = (size_t)(zero - data) - p;
        keep = data[p + len];
        data[p + len] = '\0';
        if (on_dropped)
            on_dropped(arg, data + p, len, n, err, err_len);
        data[p + len] = keep;
        if (zero)
            break;
        p += len + 1;
    }
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)at) < 0 || fsync(fd) < 0) {
        r = fail(err, err_len, path, "truncate", errno);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    close(fd);
    *ret_bytes = (uint64_t)size - at;
out:
    free(data);
    fclose(f);
    return r;
}

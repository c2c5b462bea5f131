/* test_statelog.c - the --state-file on disk: open of a missing file, append + sync then
 * replay in order, a torn last line cut off and reported, a callback error stopping the
 * open, atomic compaction, the dirty/entries/bytes/syncs counters; format 3: records as
 * statefile_frame.h rebuilds them, damaged records refused with PATH:LINE: reason,
 * key-shaped text concealed on disk and revealed whole, formats 1 and 2 read then migrated,
 * the recovery cut, and compaction in a child while appends go on. Each test works in its own mkdtemp() folder. */
#include "test_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "statefile_frame.h"
#include "statelog.h"
#include "sync_seam.h"

#define MAX_SEEN 16

struct fx {
    char dir[64];
    char path[128];
    char tmp[160];
    /* What the callback saw. */
    size_t n;
    char *lines[MAX_SEEN];
    size_t lens[MAX_SEEN];
    size_t line_nos[MAX_SEEN];
    size_t fail_at; /* line number whose callback fails (0 = none) */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/am_statelog_XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/state.jsonl", f->dir);
    snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", f->path);
    *state = f;
    return 0;
}

static void seen_clear(struct fx *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->lines[i]);
    f->n = 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    seen_clear(f);
    unlink(f->path);
    rmdir(f->tmp); /* one test makes it a folder */
    unlink(f->tmp);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int on_line(void *arg, const char *text, size_t len, size_t line_no, char *err,
                   size_t err_len)
{
    struct fx *f = arg;

    if (f->fail_at == line_no) {
        snprintf(err, err_len, "bad line %zu", line_no);
        return -EBADMSG;
    }
    assert_true(f->n < MAX_SEEN);
    assert_int_equal(strlen(text), len); /* NUL-terminated, no newline */
    f->lines[f->n] = strdup(text);
    f->lens[f->n] = len;
    f->line_nos[f->n] = line_no;
    f->n++;
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* The file's whole content (new string; free()). */
static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void assert_file(const char *path, const char *want)
{
    char *got = read_file(path);

    if (strcmp(got, want) != 0) {
        char copy[512];
        snprintf(copy, sizeof(copy), "%s", got);
        free(got);
        fail_msg("file\n  [%s]\nwant\n  [%s]", copy, want);
    }
    free(got);
}

/* The file holds exactly the records for payloads (NULL-terminated, [0] the snapshot). */
#define assert_records(path, ...) assert_records_((path), (const char *const[]){__VA_ARGS__, NULL})
static void assert_records_(const char *path, const char *const *payloads)
{
    char *want = tsf_file(payloads);

    assert_file(path, want);
    free(want);
}

/* Writes the records for payloads as the whole file. */
#define write_records(path, ...) write_records_((path), (const char *const[]){__VA_ARGS__, NULL})
static void write_records_(const char *path, const char *const *payloads)
{
    char *text = tsf_file(payloads);

    write_file(path, text);
    free(text);
}

static off_t file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* The length of the records in the file at path: the bytes before the zeros written
 * ahead of them, which must run to its end. */
static off_t records_len(const char *path)
{
    off_t size = file_size(path), at;
    char *text = read_file(path);

    for (at = 0; at < size && text[at]; at++)
        ;
    for (off_t i = at; i < size; i++)
        if (text[i])
            fail_msg("byte %lld is not zero, after the zeros at %lld", (long long)i, (long long)at);
    free(text);
    return at;
}

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static struct am_statelog *open_ok(struct fx *f, bool *existed)
{
    struct am_statelog *log = NULL;
    char err[256] = "";
    int r;

    seen_clear(f);
    r = am_statelog_open(f->path, on_line, f, &log, existed, err, sizeof(err));
    if (r != 0)
        fail_msg("open: %d %s", r, err);
    assert_non_null(log);
    return log;
}

static void append(struct am_statelog *log, const char *text)
{
    assert_int_equal(am_statelog_append(log, text, strlen(text)), 0);
}

static void assert_seen(const struct fx *f, size_t i, const char *text, size_t line_no)
{
    assert_true(i < f->n);
    assert_string_equal(f->lines[i], text);
    assert_int_equal(f->lens[i], strlen(text));
    assert_int_equal(f->line_nos[i], line_no);
}

/* ---- open ----------------------------------------------------------------------- */

static void test_statelog_open_missing_file_creates_it_empty(void **state)
{
    struct fx *f = *state;
    bool existed = true;
    struct am_statelog *log = open_ok(f, &existed);
    struct stat st;

    assert_false(existed);
    assert_int_equal(f->n, 0);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* state holds customer data */
    assert_false(am_statelog_dirty(log));
    assert_int_equal(am_statelog_entries(log), 0);
    assert_int_equal(am_statelog_bytes(log), 0);
    assert_int_equal(am_statelog_syncs(log), 0);
    am_statelog_close(log);
    am_statelog_close(NULL);
}

static void test_statelog_open_empty_file_has_no_snapshot(void **state)
{
    struct fx *f = *state;
    bool existed = true;
    struct am_statelog *log;

    write_file(f->path, "");
    log = open_ok(f, &existed);
    assert_false(existed);
    assert_int_equal(f->n, 0);
    am_statelog_close(log);
}

static void test_statelog_open_folder_fails_with_errno_and_message(void **state)
{
    struct fx *f = *state;
    struct am_statelog *log = NULL;
    bool existed = true;
    char err[256] = "", want[300];

    assert_int_equal(am_statelog_open(f->dir, on_line, f, &log, &existed, err, sizeof(err)),
                     -EISDIR);
    assert_null(log);
    snprintf(want, sizeof(want), "%s: open: %s", f->dir, strerror(EISDIR));
    assert_string_equal(err, want);
    assert_int_equal(f->n, 0);
}

/* ---- append, sync, replay ------------------------------------------------------- */

static void test_statelog_append_sync_then_reopen_replays_in_order(void **state)
{
    struct fx *f = *state;
    bool existed = true;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "{\"snap\":1}", 10), 0);
    append(log, "{\"e\":1}");
    append(log, "{\"e\":2}");
    assert_true(am_statelog_dirty(log));
    assert_int_equal(am_statelog_entries(log), 2);
    /* Nothing reaches the file before the sync. */
    assert_records(f->path, "{\"snap\":1}");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_false(am_statelog_dirty(log));
    assert_records(f->path, "{\"snap\":1}", "{\"e\":1}", "{\"e\":2}");
    append(log, "{\"e\":3}");
    assert_int_equal(am_statelog_sync(log), 0);
    am_statelog_close(log);

    log = open_ok(f, &existed);
    assert_true(existed);
    assert_int_equal(f->n, 4);
    assert_seen(f, 0, "{\"snap\":1}", 1);
    assert_seen(f, 1, "{\"e\":1}", 2);
    assert_seen(f, 2, "{\"e\":2}", 3);
    assert_seen(f, 3, "{\"e\":3}", 4);
    /* Appends after a reopen go at the end. */
    append(log, "{\"e\":4}");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "{\"snap\":1}", "{\"e\":1}", "{\"e\":2}", "{\"e\":3}", "{\"e\":4}");
    am_statelog_close(log);
}

static void test_statelog_close_without_sync_loses_only_the_buffer(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    append(log, "kept");
    assert_int_equal(am_statelog_sync(log), 0);
    append(log, "never synced");
    am_statelog_close(log);
    assert_records(f->path, "S", "kept");
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 2);
    assert_seen(f, 1, "kept", 2);
    am_statelog_close(log);
}

static void test_statelog_counters_track_entries_bytes_and_syncs(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    assert_int_equal(am_statelog_syncs(log), 1);
    /* An empty sync is free: no fdatasync counted. */
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(am_statelog_syncs(log), 1);
    append(log, "abc");
    append(log, "de");
    assert_int_equal(am_statelog_entries(log), 2);
    assert_int_equal(am_statelog_bytes(log), 0); /* bytes count what reached the file */
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(am_statelog_syncs(log), 2); /* one for the whole batch */
    /* The records "abc" and "de" as framed, newlines included. */
    assert_int_equal(am_statelog_bytes(log), tsf_line_len(1, "abc") + tsf_line_len(2, "de"));
    append(log, "f");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(am_statelog_entries(log), 3);
    assert_int_equal(am_statelog_bytes(log),
                     tsf_line_len(1, "abc") + tsf_line_len(2, "de") + tsf_line_len(3, "f"));
    assert_int_equal(am_statelog_syncs(log), 3);
    am_statelog_close(log);
}

/* The seam sees the sync itself: on the state file's descriptor, after the batch was
 * written (the file already had its final length), once per batch, none when idle. */
static void test_statelog_sync_fdatasyncs_the_state_file_after_writing(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    off_t snap;
    char *text;

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    snap = file_size(f->path);
    sync_seam_reset();
    assert_int_equal(am_statelog_sync(log), 0); /* nothing buffered: no fdatasync */
    assert_int_equal(sync_seam.calls, 0);
    append(log, "entry-one");
    append(log, "entry-two");
    assert_int_equal(sync_seam.calls, 0); /* appends only buffer */
    assert_int_equal(file_size(f->path), snap);
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(sync_seam.calls, 1);
    if (!sync_seam_was(f->path))
        fail_msg("fdatasync of '%s', want the state file %s", sync_seam.path, f->path);
    assert_true(sync_seam.size > snap);
    assert_int_equal(sync_seam.size, file_size(f->path)); /* written, then synced */
    text = read_file(f->path);
    assert_non_null(strstr(text, "entry-one"));
    assert_non_null(strstr(text, "entry-two"));
    free(text);
    am_statelog_close(log);
}

/* A failed fdatasync is an error, never a silent success: the batch stays buffered, the
 * file is cut back, and the next sync writes it once. */
static void test_statelog_failed_fdatasync_is_reported_and_retried(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    off_t snap;
    uint64_t syncs;
    char *text;

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    snap = file_size(f->path);
    syncs = am_statelog_syncs(log);
    append(log, "entry-one");
    sync_seam_reset();
    sync_seam.fail_errno = EIO;
    assert_int_equal(am_statelog_sync(log), -EIO);
    assert_int_equal(sync_seam.calls, 1);
    assert_true(am_statelog_dirty(log));
    assert_int_equal(am_statelog_syncs(log), syncs);
    assert_int_equal(file_size(f->path), snap);
    sync_seam.fail_errno = 0;
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(sync_seam.calls, 2);
    assert_true(sync_seam_was(f->path));
    assert_false(am_statelog_dirty(log));
    text = read_file(f->path);
    assert_non_null(strstr(text, "entry-one"));
    assert_null(strstr(strstr(text, "entry-one") + 1, "entry-one")); /* once */
    free(text);
    am_statelog_close(log);
}

static void test_statelog_long_entries_round_trip(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    size_t big = 300000;
    char *text = malloc(big + 1);

    assert_non_null(text);
    for (size_t i = 0; i < big; i++)
        text[i] = (char)('a' + i % 26);
    text[big] = '\0';
    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    append(log, text);
    append(log, "short");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(am_statelog_bytes(log), tsf_line_len(1, text) + tsf_line_len(2, "short"));
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_int_equal(f->lens[1], big);
    assert_memory_equal(f->lines[1], text, big);
    assert_seen(f, 2, "short", 3);
    am_statelog_close(log);
    free(text);
}

/* ---- torn last line ------------------------------------------------------------- */

static void test_statelog_torn_last_line_is_cut_off_and_not_replayed(void **state)
{
    struct fx *f = *state;
    bool existed = false;
    struct am_statelog *log;

    char *whole = tsf_file((const char *const[]){"SNAP", "e1", NULL}), *torn;
    static const char half[] = "{\"n\":2,\"r\":e2-half-writ";
    size_t line = 0;

    torn = malloc(strlen(whole) + sizeof(half));
    assert_non_null(torn);
    snprintf(torn, strlen(whole) + sizeof(half), "%s%s", whole, half);
    write_file(f->path, torn);
    log = open_ok(f, &existed);
    assert_true(existed);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "SNAP", 1);
    assert_seen(f, 1, "e1", 2);
    assert_int_equal(file_size(f->path), (off_t)strlen(whole));
    assert_records(f->path, "SNAP", "e1");
    /* Reported, so the caller can warn with the size. */
    assert_int_equal(am_statelog_torn(log, &line), sizeof(half) - 1);
    assert_int_equal(line, 3);
    free(torn);
    free(whole);
    /* The next entry follows the last whole line. */
    append(log, "e3");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "SNAP", "e1", "e3");
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_seen(f, 2, "e3", 3);
    am_statelog_close(log);
}

static void test_statelog_torn_snapshot_line_means_no_snapshot(void **state)
{
    struct fx *f = *state;
    bool existed = true;
    struct am_statelog *log;

    write_file(f->path, "{\"accounts\":[");
    log = open_ok(f, &existed);
    assert_false(existed);
    assert_int_equal(f->n, 0);
    assert_int_equal(file_size(f->path), 0);
    am_statelog_close(log);
}

/* ---- callback errors ------------------------------------------------------------ */

static void test_statelog_callback_error_stops_open_with_its_code(void **state)
{
    struct fx *f = *state;
    struct am_statelog *log = NULL;
    bool existed = false;
    char err[128] = "";

    write_records(f->path, "SNAP", "e1", "e2", "e3");
    f->fail_at = 3;
    assert_int_equal(am_statelog_open(f->path, on_line, f, &log, &existed, err, sizeof(err)),
                     -EBADMSG);
    assert_null(log);
    assert_string_equal(err, "bad line 3");
    /* Lines before the failing one were fed, none after. */
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "SNAP", 1);
    assert_seen(f, 1, "e1", 2);
    /* A refused file is left as it was. */
    assert_records(f->path, "SNAP", "e1", "e2", "e3");
}

static void test_statelog_callback_error_on_snapshot_line(void **state)
{
    struct fx *f = *state;
    struct am_statelog *log = NULL;
    bool existed = false;
    char err[128] = "";

    write_records(f->path, "SNAP", "e1");
    f->fail_at = 1;
    assert_int_equal(am_statelog_open(f->path, on_line, f, &log, &existed, err, sizeof(err)),
                     -EBADMSG);
    assert_null(log);
    assert_string_equal(err, "bad line 1");
    assert_int_equal(f->n, 0);
    assert_records(f->path, "SNAP", "e1");
}

/* ---- compaction ----------------------------------------------------------------- */

static void test_statelog_compact_replaces_content_and_drops_entries(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "OLD", 3), 0);
    append(log, "a");
    append(log, "b");
    assert_int_equal(am_statelog_sync(log), 0);
    append(log, "buffered, never written");
    assert_int_equal(am_statelog_entries(log), 3);
    assert_int_equal(am_statelog_compact(log, "NEW-SNAPSHOT", 12), 0);
    assert_records(f->path, "NEW-SNAPSHOT");
    assert_false(exists(f->tmp));
    assert_false(am_statelog_dirty(log));
    assert_int_equal(am_statelog_entries(log), 0);
    assert_int_equal(am_statelog_bytes(log), 0);
    /* Later appends go after the new snapshot. */
    append(log, "c");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "NEW-SNAPSHOT", "c");
    assert_int_equal(am_statelog_entries(log), 1);
    assert_int_equal(am_statelog_bytes(log), tsf_line_len(1, "c"));
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_true(existed);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "NEW-SNAPSHOT", 1);
    assert_seen(f, 1, "c", 2);
    am_statelog_close(log);
}

static void test_statelog_compact_uses_only_len_bytes(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "ABCDEF", 3), 0);
    assert_records(f->path, "ABC");
    am_statelog_close(log);
}

static void test_statelog_compact_is_a_new_inode_not_an_overwrite(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    struct stat before, after;

    assert_int_equal(am_statelog_compact(log, "ONE", 3), 0);
    assert_int_equal(stat(f->path, &before), 0);
    assert_int_equal(am_statelog_compact(log, "TWO", 3), 0);
    assert_int_equal(stat(f->path, &after), 0);
    /* rename() of PATH.tmp: readers holding the old file never see a mix. */
    assert_true(before.st_ino != after.st_ino);
    assert_int_equal(after.st_mode & 0777, 0600);
    am_statelog_close(log);
}

static void test_statelog_failed_compact_keeps_the_old_file_in_force(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "OLD", 3), 0);
    append(log, "a");
    assert_int_equal(am_statelog_sync(log), 0);
    /* PATH.tmp cannot be created: a folder is in the way. */
    assert_int_equal(mkdir(f->tmp, 0700), 0);
    append(log, "b");
    assert_int_equal(am_statelog_compact(log, "NEW", 3), -EISDIR);
    assert_records(f->path, "OLD", "a");
    /* The log goes on: the buffered entry was not dropped and still syncs. */
    assert_true(am_statelog_dirty(log));
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "OLD", "a", "b");
    assert_int_equal(rmdir(f->tmp), 0);
    am_statelog_close(log);
}

/* ---- integrity (format 2) -------------------------------------------------------- */

/* Opening content fails with -EBADMSG and err = PATH + want; lines before bad_line were
 * fed, none after; the file is left as it was. */
static void assert_bad(struct fx *f, const char *content, size_t bad_line, const char *want)
{
    struct am_statelog *log = NULL;
    bool existed = false;
    char err[300] = "", full[400];

    write_file(f->path, content);
    seen_clear(f);
    assert_int_equal(am_statelog_open(f->path, on_line, f, &log, &existed, err, sizeof(err)),
                     -EBADMSG);
    assert_null(log);
    snprintf(full, sizeof(full), "%s%s", f->path, want);
    assert_string_equal(err, full);
    assert_int_equal(f->n, bad_line - 1);
    assert_file(f->path, content);
}

/* content with line n (1-based) replaced by repl (NULL: deleted); free(). */
static char *with_line(const char *content, size_t n, const char *repl, bool twice)
{
    char *out = malloc(strlen(content) * 2 + (repl ? strlen(repl) : 0) + 2);
    const char *p = content;
    size_t o = 0;

    assert_non_null(out);
    for (size_t line = 1; *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t l = (size_t)(nl - p) + 1;
        if (line != n) {
            memcpy(out + o, p, l);
            o += l;
        } else if (repl) {
            o += (size_t)sprintf(out + o, "%s\n", repl);
        } else if (twice) {
            memcpy(out + o, p, l);
            memcpy(out + o + l, p, l);
            o += 2 * l;
        }
        p += l;
    }
    out[o] = '\0';
    return out;
}

static void test_statelog_damaged_records_stop_the_open_with_path_line_and_reason(void **state)
{
    struct fx *f = *state;
    char *good = tsf_file((const char *const[]){"{\"s\":1}", "{\"e\":\"Maria\"}",
                                                "{\"v\":123.45}", "{\"e\":3}", NULL});
    char *other = tsf_file((const char *const[]){"{\"s\":2}", "{\"e\":\"Maria\"}", NULL});
    char *line2 = strdup(strchr(good, '\n') + 1), *line2_other = strdup(strchr(other, '\n') + 1);
    char *altered, *t;
    struct {
        char *content;
        size_t bad_line;
        const char *want;
    } rows[10];
    size_t n = 0;

    *strchr(line2, '\n') = '\0';
    *strchr(line2_other, '\n') = '\0';
    /* A changed letter, a changed digit: still valid JSON, still refused. */
    altered = strdup(good);
    *strstr(altered, "Maria") = 'N';
    rows[n++] = (typeof(rows[0])){altered, 2, ":2: checksum mismatch (the record was altered, or "
                                              "is not the one that followed the line before)"};
    altered = strdup(good);
    *strstr(altered, "123.45") = '9';
    rows[n++] = (typeof(rows[0])){altered, 3, ":3: checksum mismatch (the record was altered, or "
                                              "is not the one that followed the line before)"};
    rows[n++] = (typeof(rows[0])){with_line(good, 2, NULL, false), 2,
                                  ":2: record 2 where 1 belongs (missing records)"};
    rows[n++] = (typeof(rows[0])){with_line(good, 2, NULL, true), 3,
                                  ":3: record 1 again where 2 belongs (a repeated line)"};
    /* The same record from another file: the chain tells. */
    rows[n++] = (typeof(rows[0])){with_line(good, 2, line2_other, false), 2,
                                  ":2: checksum mismatch (the record was altered, or is not "
                                  "the one that followed the line before)"};
    altered = strdup(good);
    altered[5] = '4'; /* {"v":4 */
    rows[n++] = (typeof(rows[0])){altered, 1, ":1: format version 4 (this build reads 1, 2 and 3)"};
    /* A format 2 header on format 3 records: the chain is checked the format 2 way. */
    altered = strdup(good);
    altered[5] = '2';
    rows[n++] = (typeof(rows[0])){altered, 1, ":1: checksum mismatch (the record was altered, or "
                                              "is not the one that followed the line before)"};
    rows[n++] = (typeof(rows[0])){with_line(good, 4, "{\"n\":3,\"r\":\"abcdefghijklmnopqrstuvwxyz\"}",
                                            false),
                                  4, ":4: record without its checksum"};
    rows[n++] = (typeof(rows[0])){with_line(good, 2, "{\"e\":\"Maria\"}", false), 2,
                                  ":2: not a state-file record"};
    t = tsf_file((const char *const[]){"{\"s\":1}", "{\"e\":\"~zz~\"}", NULL});
    rows[n++] = (typeof(rows[0])){t, 2, ":2: concealed text is not well formed"};
    for (size_t i = 0; i < n; i++) {
        assert_bad(f, rows[i].content, rows[i].bad_line, rows[i].want);
        free(rows[i].content);
    }
    free(line2);
    free(line2_other);
    free(other);
    free(good);
}

static void test_statelog_key_shaped_text_never_reaches_the_file_yet_comes_back_whole(void **state)
{
    struct fx *f = *state;
    static const char key[] =
        "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh"
        "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0";
    char snap[400], entry[400], *text;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    snprintf(snap, sizeof(snap), "{\"externalReference\":\"%s\",\"t\":\"~~ ~\"}", key);
    snprintf(entry, sizeof(entry), "{\"b\":\"x%s~y\",\"p\":\"/v3/customers/%s\"}", key, key + 1);
    assert_int_equal(am_statelog_compact(log, snap, strlen(snap)), 0);
    append(log, entry);
    assert_int_equal(am_statelog_sync(log), 0);
    am_statelog_close(log);
    text = read_file(f->path);
    assert_null(strstr(text, key + 1));
    assert_null(strstr(text, "MzkwODA2MWY2OGM3")); /* nor its secret part */
    free(text);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, snap, 1);
    assert_seen(f, 1, entry, 2);
    am_statelog_close(log);
}

static void test_statelog_previous_format_is_read_and_appends_wait_for_compaction(void **state)
{
    struct fx *f = *state;
    bool existed = false;
    struct am_statelog *log;

    write_file(f->path, "{\"accounts\":[]}\n{\"e\":1}\n");
    log = open_ok(f, &existed);
    assert_true(existed);
    assert_int_equal(am_statelog_format(log), 1);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "{\"accounts\":[]}", 1);
    assert_seen(f, 1, "{\"e\":1}", 2);
    /* No mixed file: format 2 records go only after a format 2 snapshot. */
    assert_int_equal(am_statelog_append(log, "{\"e\":2}", 7), -EPROTO);
    assert_int_equal(am_statelog_compact(log, "{\"accounts\":[1]}", 16), 0);
    assert_int_equal(am_statelog_format(log), AM_STATELOG_FORMAT);
    append(log, "{\"e\":2}");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "{\"accounts\":[1]}", "{\"e\":2}");
    am_statelog_close(log);
}

/* Format 2 (SHA-256 chain, earlier builds): read verified, damage refused the same way,
 * appends refused until the compaction rewrites it in format 3. */
static void test_statelog_format_2_is_verified_then_migrated(void **state)
{
    struct fx *f = *state;
    bool existed = false;
    char *v2 = tsf_file_format((const char *const[]){"{\"s\":1}", "{\"e\":1}", NULL}, 2);
    struct am_statelog *log;

    write_file(f->path, v2);
    log = open_ok(f, &existed);
    assert_int_equal(am_statelog_format(log), 2);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "{\"s\":1}", 1);
    assert_seen(f, 1, "{\"e\":1}", 2);
    assert_int_equal(am_statelog_append(log, "{\"e\":2}", 7), -EPROTO);
    assert_int_equal(am_statelog_compact(log, "{\"s\":2}", 7), 0);
    assert_int_equal(am_statelog_format(log), AM_STATELOG_FORMAT);
    append(log, "{\"e\":2}");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "{\"s\":2}", "{\"e\":2}");
    am_statelog_close(log);
    *strstr(v2, "\"e\":1") = 'x';
    assert_bad(f, v2, 2, ":2: checksum mismatch (the record was altered, or "
                         "is not the one that followed the line before)");
    free(v2);
}

static int on_dropped(void *arg, const char *text, size_t len, size_t line_no, char *err,
                      size_t err_len)
{
    (void)err;
    (void)err_len;
    return on_line(arg, text, len, line_no, NULL, 0);
}

static void test_statelog_cut_keeps_a_copy_and_cuts_before_the_line(void **state)
{
    struct fx *f = *state;
    char *content = tsf_file((const char *const[]){"S", "a", "b", "c", NULL}), *head;
    char keep[200], err[200] = "";
    uint64_t bytes = 0;
    struct stat st;

    write_file(f->path, content);
    snprintf(keep, sizeof(keep), "%s.kept", f->path);
    seen_clear(f);
    assert_int_equal(am_statelog_cut(f->path, 3, keep, on_dropped, f, &bytes, err, sizeof(err)), 0);
    head = tsf_file((const char *const[]){"S", "a", NULL});
    assert_file(f->path, head);
    assert_file(keep, content);
    assert_int_equal(stat(keep, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(bytes, strlen(content) - strlen(head));
    /* Each line cut, as it was on disk. */
    assert_int_equal(f->n, 2);
    assert_int_equal(f->line_nos[0], 3);
    assert_int_equal(f->line_nos[1], 4);
    assert_non_null(strstr(f->lines[0], "\"r\":b,"));
    /* A file a running server left (its zeros ahead): they are cut, but are not a line. */
    {
        FILE *fp = fopen(f->path, "ab");
        static const char zeros[4096];

        assert_non_null(fp);
        assert_int_equal(fwrite(zeros, 1, sizeof(zeros), fp), sizeof(zeros));
        assert_int_equal(fclose(fp), 0);
        unlink(keep);
        seen_clear(f);
        assert_int_equal(am_statelog_cut(f->path, 2, keep, on_dropped, f, &bytes, err, sizeof(err)), 0);
        assert_int_equal(f->n, 1);
        assert_int_equal(f->line_nos[0], 2);
        assert_int_equal(bytes, strlen(head) - tsf_line_len(0, "S") + sizeof(zeros));
        assert_int_equal(file_size(f->path), tsf_line_len(0, "S"));
    }
    /* Past the end: nothing to cut, nothing copied. */
    unlink(keep);
    assert_int_equal(am_statelog_cut(f->path, 9, keep, NULL, NULL, &bytes, err, sizeof(err)), 0);
    assert_int_equal(bytes, 0);
    assert_false(exists(keep));
    unlink(keep);
    free(head);
    free(content);
}

/* ---- the checksum and the sync in two steps (issue 12) ----------------------------- */

/* am_statelog_sum() is zlib's CRC-32 and Adler-32 (libdeflate computes them with vector
 * code, in blocks): the same values as zlib for every length around the block sizes, at
 * every alignment, with and without a seed. */
static void test_statelog_sum_matches_zlib_at_every_length_and_alignment(void **state)
{
    static uint8_t data[4200];
    uint32_t x = 12345;

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    for (size_t len = 0; len < 4100; len += len < 300 ? 1 : 97) {
        for (size_t off = 0; off < 16; off += len < 300 ? 5 : 1) {
            const uint8_t *seed = data + 4100 - 8;
            uint8_t got[AM_STATELOG_HASH_LEN], want[AM_STATELOG_HASH_LEN];
            uLong c = crc32(0, data + off, (uInt)len), a = adler32(1, data + off, (uInt)len);

            am_statelog_sum(NULL, 0, data + off, len, got);
            for (int i = 0; i < 4; i++) {
                want[i] = (uint8_t)(c >> (24 - 8 * i));
                want[4 + i] = (uint8_t)(a >> (24 - 8 * i));
            }
            if (memcmp(got, want, sizeof(got)) != 0)
                fail_msg("sum of %zu bytes at offset %zu differs from zlib's", len, off);
            tsf_sum3(seed, (const char *)data + off, len, want);
            am_statelog_sum(seed, 8, data + off, len, got);
            if (memcmp(got, want, sizeof(got)) != 0)
                fail_msg("seeded sum of %zu bytes at offset %zu differs from zlib's", len, off);
        }
    }
}

/* Entries of every shape the writer frames straight into its buffer (empty, a lone "~",
 * key-shaped text at the start, at the end, too short to be a key, inside a multipart
 * body) leave no key text in the file and come back whole. */
static void test_statelog_frames_edge_payloads_exactly(void **state)
{
    struct fx *f = *state;
    static const char *const entries[] = {
        "", "~", "{}", "aact_", "_", "aact_hmlg_abcdefgh", "x aact_prod_ABCDEFGH_", "aact_1234567",
        "{\"b\":\"--boundary\\r\\nContent-Disposition: form-data\\r\\n\\r\\naact_abcdefghij\"}",
    };
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    char *text;

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
        append(log, entries[i]);
    assert_int_equal(am_statelog_sync(log), 0);
    am_statelog_close(log);
    text = read_file(f->path);
    assert_null(strstr(text, "aact_hmlg_abcdefgh"));
    assert_null(strstr(text, "aact_prod_ABCDEFGH"));
    assert_null(strstr(text, "aact_abcdefghij"));
    assert_non_null(strstr(text, "\"r\":aact_1234567,")); /* 7 characters: not a key */
    free(text);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 1 + sizeof(entries) / sizeof(entries[0]));
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
        assert_seen(f, i + 1, entries[i], i + 2);
    am_statelog_close(log);
}

struct runner {
    struct am_statelog *log;
    int result;
    unsigned delay_ms;
};

static void *run_batch(void *arg)
{
    struct runner *r = arg;

    if (r->delay_ms)
        usleep(r->delay_ms * 1000);
    r->result = am_statelog_sync_run(r->log);
    return NULL;
}

/* The write runs on another thread while the appending one goes on: what is appended
 * meanwhile is the next batch, written after the first, and the file reads back in order. */
static void test_statelog_batch_written_on_a_thread_while_appends_go_on(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    struct runner r = {log, -1, 20};
    pthread_t t;
    char name[32];

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    assert_int_equal(am_statelog_sync_begin(log), 0); /* nothing buffered */
    append(log, "one");
    append(log, "two");
    assert_int_equal(am_statelog_sync_begin(log), 1);
    assert_true(am_statelog_dirty(log)); /* until it is written */
    assert_int_equal(pthread_create(&t, NULL, run_batch, &r), 0);
    for (int i = 3; i < 9; i++) {
        snprintf(name, sizeof(name), "entry-%d", i);
        append(log, name);
    }
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(r.result, 0);
    assert_true(am_statelog_dirty(log)); /* entries 3..8 wait for the next batch */
    assert_int_equal(am_statelog_sync(log), 0);
    assert_false(am_statelog_dirty(log));
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 9);
    assert_seen(f, 1, "one", 2);
    assert_seen(f, 2, "two", 3);
    for (int i = 3; i < 9; i++) {
        snprintf(name, sizeof(name), "entry-%d", i);
        assert_seen(f, (size_t)i, name, (size_t)i + 1);
    }
    am_statelog_close(log);
}

/* A batch whose fdatasync failed is written again, first, by the next one, with what was
 * appended meanwhile after it: every record once, the chain whole. */
static void test_statelog_failed_batch_goes_first_in_the_next(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    off_t snap;

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    snap = file_size(f->path);
    append(log, "failed-one");
    assert_int_equal(am_statelog_sync_begin(log), 1);
    append(log, "meanwhile");
    sync_seam_reset();
    sync_seam.fail_errno = EIO;
    assert_int_equal(am_statelog_sync_run(log), -EIO);
    assert_int_equal(file_size(f->path), snap); /* cut back */
    assert_true(am_statelog_dirty(log));
    append(log, "after");
    sync_seam.fail_errno = 0;
    assert_int_equal(am_statelog_sync_begin(log), 1);
    assert_int_equal(am_statelog_sync_run(log), 0);
    assert_int_equal(sync_seam.calls, 2);
    assert_false(am_statelog_dirty(log));
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 4);
    assert_seen(f, 1, "failed-one", 2);
    assert_seen(f, 2, "meanwhile", 3);
    assert_seen(f, 3, "after", 4);
    am_statelog_close(log);
}

/* A compaction while a batch is begun waits for its write (the descriptor is not closed
 * under it); the snapshot then stands alone. */
static void test_statelog_compaction_waits_for_the_batch_in_flight(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    struct runner r = {log, -1, 50};
    pthread_t t;

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    append(log, "in-flight");
    assert_int_equal(am_statelog_sync_begin(log), 1);
    sync_seam_reset();
    assert_int_equal(pthread_create(&t, NULL, run_batch, &r), 0);
    assert_int_equal(am_statelog_compact(log, "S2", 2), 0);
    assert_int_equal(sync_seam.calls, 1); /* the batch was written before the new file */
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(r.result, 0);
    assert_false(am_statelog_dirty(log));
    append(log, "next");
    assert_int_equal(am_statelog_sync(log), 0);
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 2);
    assert_seen(f, 0, "S2", 1);
    assert_seen(f, 1, "next", 2);
    am_statelog_close(log);
}

/* A synced batch lands on zeros written ahead of it (so its fdatasync writes no new size
 * or extent); the zeros go at close, leaving the records alone. */
static void test_statelog_zeros_are_written_ahead_and_cut_at_close(void **state)
{
    struct fx *f = *state;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    off_t want = tsf_line_len(0, "S") + tsf_line_len(1, "a");

    assert_int_equal(am_statelog_compact(log, "S", 1), 0);
    append(log, "a");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(records_len(f->path), want);
    assert_true(file_size(f->path) >= want + (1 << 20));
    am_statelog_close(log);
    assert_int_equal(file_size(f->path), want);
    assert_records(f->path, "S", "a");
}

/* Copies the file at from to to, byte for byte (what a kill -9 leaves on disk). */
static void copy_file(const char *from, const char *to)
{
    char *text = read_file(from);
    off_t n = file_size(from);
    FILE *fp = fopen(to, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, (size_t)n, fp), (size_t)n);
    assert_int_equal(fclose(fp), 0);
    free(text);
}

/* What a crash leaves: the records, then the zeros ahead (the end of the log, nothing
 * torn), or a batch the process died writing over them (cut, its bytes counted). */
static void test_statelog_zeros_after_a_crash_end_the_log_and_a_batch_in_them_is_torn(void **state)
{
    struct fx *f = *state;
    static const char half[] = "{\"n\":3,\"r\":e3-half";
    char crashed[sizeof(((struct fx *)0)->path)];
    bool existed;
    struct am_statelog *log = open_ok(f, &existed), *again;
    off_t whole;
    size_t line = 0;
    int fd;

    snprintf(crashed, sizeof(crashed), "%s/crashed", f->dir);
    assert_int_equal(am_statelog_compact(log, "SNAP", 4), 0);
    append(log, "e1");
    append(log, "e2");
    assert_int_equal(am_statelog_sync(log), 0);
    whole = records_len(f->path);
    assert_true(file_size(f->path) > whole);

    copy_file(f->path, crashed);
    snprintf(f->path, sizeof(f->path), "%s", crashed);
    again = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_seen(f, 2, "e2", 3);
    assert_int_equal(am_statelog_torn(again, &line), 0);
    assert_int_equal(file_size(crashed), whole);
    am_statelog_close(again);

    /* A batch half written over the zeros: cut, and its bytes counted, zeros not. */
    snprintf(f->path, sizeof(f->path), "%s/state.jsonl", f->dir);
    copy_file(f->path, crashed);
    fd = open(crashed, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, half, sizeof(half) - 1, whole), (ssize_t)sizeof(half) - 1);
    close(fd);
    snprintf(f->path, sizeof(f->path), "%s", crashed);
    again = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_int_equal(am_statelog_torn(again, &line), sizeof(half) - 1);
    assert_int_equal(line, 4);
    assert_int_equal(file_size(crashed), whole);
    append(again, "e3");
    assert_int_equal(am_statelog_sync(again), 0);
    am_statelog_close(again);
    again = open_ok(f, &existed);
    assert_int_equal(f->n, 4);
    assert_seen(f, 3, "e3", 4);
    am_statelog_close(again);
    am_statelog_close(log);
}

/* ---- background compaction --------------------------------------------------------- */

/* The snapshot a child writes; with go set, it first waits (in the child) until that file
 * exists, so the test decides what the parent appends before the child reads on. */
struct snap_src {
    const char *text; /* NULL: the snapshot cannot be made */
    char go[200];     /* "" = no wait */
};

/* Hands the text on in pieces, each ending after a ',', a '}' or a ']' (as the state's
 * writer cuts them: never inside a string). */
static int snapshot_of(void *arg, am_statelog_put_fn put, void *put_arg)
{
    struct snap_src *s = arg;
    const char *p, *q;
    int r = 0;

    for (int i = 0; s->go[0] && !exists(s->go) && i < 10000; i++)
        usleep(1000);
    if (!s->text)
        return -ENOMEM;
    for (p = q = s->text; r == 0 && *q; q++) {
        if (*q == ',' || *q == '}' || *q == ']') {
            r = put(put_arg, p, (size_t)(q + 1 - p));
            p = q + 1;
        }
    }
    return r ? r : put(put_arg, p, (size_t)(q - p));
}

/* The records appended and synced while the child writes, and those still buffered when
 * it ends, follow its snapshot in the new file, in order; nothing is lost or repeated.
 * With no catch-up passes the parent copies them all (the child's own copy: next test). */
static void test_statelog_background_compaction_keeps_the_records_written_meanwhile(void **state)
{
    struct fx *f = *state;
    struct snap_src src = {.text = "SNAP"};
    int saved = am_statelog_bg_catch_up_passes;
    uint64_t snap_len = 0;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    am_statelog_bg_catch_up_passes = 0;
    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    append(log, "a");
    append(log, "b");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_false(am_statelog_compacting(log));
    assert_int_equal(am_statelog_compact_poll(log, false, NULL), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    assert_true(am_statelog_compacting(log));
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), -EALREADY);
    append(log, "c");
    append(log, "d");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "S0", "a", "b", "c", "d"); /* the old file, whole, meanwhile */
    append(log, "e");                                   /* buffered when it ends */
    assert_int_equal(am_statelog_compact_poll(log, true, &snap_len), 2);
    am_statelog_bg_catch_up_passes = saved;
    assert_false(am_statelog_compacting(log));
    assert_int_equal(snap_len, tsf_line_len(0, "SNAP"));
    assert_false(exists(f->tmp));
    assert_records(f->path, "SNAP", "c", "d");
    assert_int_equal(am_statelog_entries(log), 3);
    assert_int_equal(am_statelog_bytes(log), tsf_line_len(1, "c") + tsf_line_len(2, "d"));
    assert_true(am_statelog_dirty(log));
    assert_int_equal(am_statelog_sync(log), 0);
    append(log, "f");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_records(f->path, "SNAP", "c", "d", "e", "f");
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 5);
    assert_seen(f, 0, "SNAP", 1);
    assert_seen(f, 3, "e", 4);
    assert_seen(f, 4, "f", 5);
    am_statelog_close(log);
}

/* The child copies the records that reached the old file before it read on, and a key
 * written meanwhile stays concealed in the new file yet comes back whole. */
static void test_statelog_background_compaction_child_copies_the_records_meanwhile(void **state)
{
    struct fx *f = *state;
    static const char key[] =
        "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh"
        "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0";
    struct snap_src src = {.text = "SNAP"};
    char entry[400], *text;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    snprintf(src.go, sizeof(src.go), "%s/go", f->dir);
    snprintf(entry, sizeof(entry), "{\"b\":\"x%s~y\"}", key);
    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    append(log, "a");
    assert_int_equal(am_statelog_sync(log), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    append(log, entry);
    append(log, "c");
    assert_int_equal(am_statelog_sync(log), 0);
    write_file(src.go, "go");
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), 2);
    unlink(src.go);
    text = read_file(f->path);
    assert_null(strstr(text, key + 1));
    free(text);
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_seen(f, 0, "SNAP", 1);
    assert_seen(f, 1, entry, 2);
    assert_seen(f, 2, "c", 3);
    am_statelog_close(log);
}

/* The child's catch-up copy stops at the zeros ahead of the records even when a batch
 * being written over them already shows a later page (its earlier one still zeros): it
 * takes what is written, and the parent copies the rest. */
static void test_statelog_background_catch_up_stops_at_the_zeros_ahead(void **state)
{
    struct fx *f = *state;
    struct snap_src src = {.text = "SNAP"};
    char *later = tsf_file((const char *const[]){"S", "x", NULL});
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    off_t end;
    int fd;

    snprintf(src.go, sizeof(src.go), "%s/go", f->dir);
    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    append(log, "a");
    assert_int_equal(am_statelog_sync(log), 0);
    /* Whole records with a newline, 4 KB into the zeros after the last record. */
    end = records_len(f->path);
    fd = open(f->path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, later, strlen(later), end + 4096), (ssize_t)strlen(later));
    close(fd);
    write_file(src.go, "go");
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), 2);
    unlink(src.go);
    append(log, "b");
    assert_int_equal(am_statelog_sync(log), 0);
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 3);
    assert_seen(f, 0, "SNAP", 1);
    assert_seen(f, 1, "a", 2);
    assert_seen(f, 2, "b", 3);
    am_statelog_close(log);
    free(later);
}

/* A snapshot written piece by piece in the child is the record an inline compaction
 * frames from the whole text, byte for byte: concealment, tildes and checksum included. */
static void test_statelog_background_snapshot_in_pieces_is_the_inline_record(void **state)
{
    struct fx *f = *state;
    static const char text[] =
        "{\"a\":[{\"k\":\"$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3Mz\",\"n\":1},"
        "{\"x\":\"~t~\",\"y\":null}],\"b\":\"aact_prod_ZZZZZZZZZZZZ\",\"c\":[]}";
    struct snap_src src = {.text = text};
    char *bg, *inline_text;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), 2);
    bg = read_file(f->path);
    assert_int_equal(am_statelog_compact(log, text, strlen(text)), 0);
    inline_text = read_file(f->path);
    assert_string_equal(bg, inline_text);
    assert_null(strstr(bg, "aact_"));
    assert_non_null(strstr(bg, "~~t~~"));
    free(bg);
    free(inline_text);
    am_statelog_close(log);
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 1);
    assert_seen(f, 0, text, 1);
    am_statelog_close(log);
}

/* A snapshot made now supersedes the one being written: the child is stopped and its file
 * removed; closing does the same. */
static void test_statelog_background_compaction_gives_way_to_a_newer_snapshot(void **state)
{
    struct fx *f = *state;
    struct snap_src src = {.text = "OLDER"};
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);

    snprintf(src.go, sizeof(src.go), "%s/never", f->dir);
    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    append(log, "a");
    assert_int_equal(am_statelog_compact(log, "NOW", 3), 0);
    assert_false(am_statelog_compacting(log));
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), 0);
    assert_records(f->path, "NOW");
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    am_statelog_close(log);
    assert_false(exists(f->tmp));
    log = open_ok(f, &existed);
    assert_int_equal(f->n, 1);
    assert_seen(f, 0, "NOW", 1);
    am_statelog_close(log);
}

/* A child that cannot make the snapshot, or old records that fail their checksum, leave
 * the old file in force: a damaged record is never re-framed into a valid chain. */
static void test_statelog_background_compaction_failure_keeps_the_old_file(void **state)
{
    struct fx *f = *state;
    struct snap_src none = {.text = NULL}, src = {.text = "SNAP"};
    int saved = am_statelog_bg_catch_up_passes;
    bool existed;
    struct am_statelog *log = open_ok(f, &existed);
    int fd;

    assert_int_equal(am_statelog_compact(log, "S0", 2), 0);
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &none), 0);
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), -ENOMEM);
    assert_false(am_statelog_compacting(log));
    assert_false(exists(f->tmp));
    assert_records(f->path, "S0");

    am_statelog_bg_catch_up_passes = 0;
    assert_int_equal(am_statelog_compact_start(log, snapshot_of, &src), 0);
    append(log, "abc");
    assert_int_equal(am_statelog_sync(log), 0);
    /* One byte of the payload of the record after the cut changes on disk. */
    fd = open(f->path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "X", 1, (off_t)(tsf_line_len(0, "S0") + 12)), 1);
    close(fd);
    assert_int_equal(am_statelog_compact_poll(log, true, NULL), -EBADMSG);
    am_statelog_bg_catch_up_passes = saved;
    assert_false(exists(f->tmp));
    assert_int_equal(records_len(f->path), tsf_line_len(0, "S0") + tsf_line_len(1, "abc"));
    am_statelog_close(log);
    assert_int_equal(file_size(f->path), tsf_line_len(0, "S0") + tsf_line_len(1, "abc"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_statelog_open_missing_file_creates_it_empty),
        T(test_statelog_open_empty_file_has_no_snapshot),
        T(test_statelog_open_folder_fails_with_errno_and_message),
        T(test_statelog_append_sync_then_reopen_replays_in_order),
        T(test_statelog_close_without_sync_loses_only_the_buffer),
        T(test_statelog_counters_track_entries_bytes_and_syncs),
        T(test_statelog_long_entries_round_trip),
        T(test_statelog_sync_fdatasyncs_the_state_file_after_writing),
        T(test_statelog_failed_fdatasync_is_reported_and_retried),
        T(test_statelog_torn_last_line_is_cut_off_and_not_replayed),
        T(test_statelog_torn_snapshot_line_means_no_snapshot),
        T(test_statelog_callback_error_stops_open_with_its_code),
        T(test_statelog_callback_error_on_snapshot_line),
        T(test_statelog_compact_replaces_content_and_drops_entries),
        T(test_statelog_compact_uses_only_len_bytes),
        T(test_statelog_compact_is_a_new_inode_not_an_overwrite),
        T(test_statelog_failed_compact_keeps_the_old_file_in_force),
        T(test_statelog_damaged_records_stop_the_open_with_path_line_and_reason),
        T(test_statelog_key_shaped_text_never_reaches_the_file_yet_comes_back_whole),
        T(test_statelog_previous_format_is_read_and_appends_wait_for_compaction),
        T(test_statelog_format_2_is_verified_then_migrated),
        T(test_statelog_cut_keeps_a_copy_and_cuts_before_the_line),
        T(test_statelog_sum_matches_zlib_at_every_length_and_alignment),
        T(test_statelog_frames_edge_payloads_exactly),
        T(test_statelog_batch_written_on_a_thread_while_appends_go_on),
        T(test_statelog_failed_batch_goes_first_in_the_next),
        T(test_statelog_compaction_waits_for_the_batch_in_flight),
        T(test_statelog_zeros_are_written_ahead_and_cut_at_close),
        T(test_statelog_zeros_after_a_crash_end_the_log_and_a_batch_in_them_is_torn),
        T(test_statelog_background_compaction_keeps_the_records_written_meanwhile),
        T(test_statelog_background_compaction_child_copies_the_records_meanwhile),
        T(test_statelog_background_catch_up_stops_at_the_zeros_ahead),
        T(test_statelog_background_snapshot_in_pieces_is_the_inline_record),
        T(test_statelog_background_compaction_gives_way_to_a_newer_snapshot),
        T(test_statelog_background_compaction_failure_keeps_the_old_file),
    };
#undef T

    return cmocka_run_group_tests_name("statelog", tests, NULL, NULL);
}

/* fuzz_statefile.c - libFuzzer target over --state-file recovery: the bytes as a state
 * file (snapshot record + log records), opened by a whole app the way a restart does
 * (verify, load, replay, compact). Must never crash, leak or hang: a bad file is refused
 * with an error, a good one replayed.
 *
 * Two passes per input, because checksums stop nearly every mutation at the framing:
 *   1. the bytes as they are (framing, checksums, sequence, torn records, format 1, and
 *      --state-file-recover on odd-sized inputs);
 *   2. the same lines re-framed through the real writer (statelog.h) - any framing they
 *      had stripped first - so the payloads reach the snapshot loader and the replay.
 *
 * Both passes check accept/refuse consistency (abort() on a violation):
 *   - a file that loads is exported, and the file as the app left it (compacted at open)
 *     loads again to the very same export: nothing accepted is lost or changed;
 *   - a file that is refused names where: the error starts with the path and carries
 *     ":LINE:" (a record) or a position inside the snapshot (" at ", "accounts[",
 *     "line "), never a bare reason. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "state.h"
#include "statelog.h"

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1780000000

static char path[64], path2[72], keep[128];
static struct am_config cfg;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

static int ignore_line(void *arg, const char *text, size_t len, size_t line_no, char *err,
                       size_t err_len)
{
    (void)arg;
    (void)text;
    (void)len;
    (void)line_no;
    (void)err;
    (void)err_len;
    return 0;
}

/* The printed export; the --state-file's faster rendering of it must match byte for byte. */
static char *export_text(struct am_app *app)
{
    cJSON *snap = am_state_export(am_app_registry(app), am_app_ids(app), NULL);
    char *text = snap ? cJSON_PrintUnformatted(snap) : NULL;
    char *fast = am_state_snapshot_text(am_app_registry(app), am_app_ids(app), NULL);

    cJSON_Delete(snap);
    if (!text || !fast || strcmp(text, fast) != 0)
        abort();
    free(fast);
    return text;
}

/* "FILE:LINE: ..." or a position inside the snapshot record. */
static bool names_a_place(const char *err, const char *file)
{
    size_t plen = strlen(file);
    const char *p = err + plen;

    if (strncmp(err, file, plen) != 0)
        return false;
    if (p[0] == ':' && isdigit((unsigned char)p[1])) {
        while (isdigit((unsigned char)*++p))
            ;
        if (*p == ':')
            return true;
    }
    return strstr(err, " at ") || strstr(err, "accounts[") || strstr(err, "line ");
}

/* Opens file as a restart does; a refusal must name its place, an acceptance must
 * reload (from the file as the app left it) to the same state. */
static void open_app(const char *file, bool recover)
{
    struct am_app *app;
    char *first, *again;
    char err[512] = "";

    cfg.state_file = (char *)file; /* borrowed; the config lives for the whole run */
    cfg.state_file_recover = recover;
    app = am_app_new(&cfg, NOW, err, sizeof(err));
    if (!app) {
        if (!names_a_place(err, file)) {
            fprintf(stderr, "fuzz_statefile: refused without naming a record: '%s'\n", err);
            abort();
        }
        return;
    }
    first = export_text(app);
    am_app_free(app);
    cfg.state_file_recover = false;
    app = am_app_new(&cfg, NOW, err, sizeof(err));
    if (!app) {
        fprintf(stderr, "fuzz_statefile: accepted, then its own file refused: '%s'\n", err);
        abort();
    }
    again = export_text(app);
    am_app_free(app);
    if (strcmp(first, again) != 0) {
        fprintf(stderr, "fuzz_statefile: reloading changed the state\n%s\n%s\n", first, again);
        abort();
    }
    free(first);
    free(again);
}

/* The payload of a line: without its framing when it has some. */
static void payload_of(const char *line, size_t len, const char **ret, size_t *ret_len)
{
    const char *r = len > 24 ? memmem(line, len < 32 ? len : 32, "\"r\":", 4) : NULL;

    *ret = line;
    *ret_len = len;
    if (line[0] == '{' && r && (size_t)(r + 4 - line) <= len - 24 &&
        memcmp(line + len - 24, ",\"h\":\"", 6) == 0) {
        *ret = r + 4;
        *ret_len = (size_t)(line + len - 24 - (r + 4));
    }
}

static void reframed(const uint8_t *data, size_t size)
{
    struct am_statelog *log = NULL;
    const char *p = (const char *)data, *end = p + size;
    char err[256];
    bool existed, first = true;

    unlink(path2);
    if (am_statelog_open(path2, ignore_line, NULL, &log, &existed, err, sizeof(err)) < 0)
        abort();
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *pl;
        size_t len = (size_t)((nl ? nl : end) - p), plen;

        payload_of(p, len, &pl, &plen);
        if (first ? am_statelog_compact(log, pl, plen) < 0 : am_statelog_append(log, pl, plen) < 0)
            abort();
        first = false;
        p += len + 1;
    }
    if (am_statelog_sync(log) < 0)
        abort();
    am_statelog_close(log);
    open_app(path2, false);
    unlink(path2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f;

    if (!path[0]) {
        am_log_set_sink(quiet_sink, NULL);
        snprintf(path, sizeof(path), "/tmp/asaas-fuzz-statefile-%ld", (long)getpid());
        snprintf(path2, sizeof(path2), "%s.framed", path);
        snprintf(keep, sizeof(keep), "%s.before-recover.%d", path, NOW);
        am_config_defaults(&cfg);
        cfg.has_seed = true;
        cfg.seed = 5;
    }
    if (size > 262144)
        return 0;
    f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    open_app(path, size % 2 == 1);
    unlink(path);
    unlink(keep);
    if (size && memchr(data, 0, size) == NULL)
        reframed(data, size);
    return 0;
}

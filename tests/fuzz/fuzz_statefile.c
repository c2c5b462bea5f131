/* fuzz_statefile.c - libFuzzer target over --state-file recovery: the bytes as a state
 * file (snapshot line + log entries), opened by a whole app the way a restart does
 * (load, replay, compact). Must never crash, leak or hang: a bad file is refused with an
 * error, a good one replayed.
 *
 * And it checks accept/refuse consistency (abort() on a violation):
 *   - a file that loads is exported, and the file as the app left it (compacted at open)
 *     loads again to the very same export: nothing accepted is lost or changed;
 *   - a file that is refused names where: the error starts with the path and carries
 *     ":LINE:" (a log line) or a position inside the snapshot (" at ", "accounts[",
 *     "line "), never a bare reason. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static struct am_config cfg;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

static char *export_text(struct am_app *app)
{
    cJSON *snap = am_state_export(app->registry, &app->ids, NULL);
    char *text = snap ? cJSON_PrintUnformatted(snap) : NULL;

    cJSON_Delete(snap);
    if (!text)
        abort();
    return text;
}

/* "PATH:LINE: ..." or a position inside the snapshot line. */
static bool names_a_place(const char *err)
{
    size_t plen = strlen(path);
    const char *p = err + plen;

    if (strncmp(err, path, plen) != 0)
        return false;
    if (p[0] == ':' && isdigit((unsigned char)p[1])) {
        while (isdigit((unsigned char)*++p))
            ;
        if (*p == ':')
            return true;
    }
    return strstr(err, " at ") || strstr(err, "accounts[") || strstr(err, "line ");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_app *app;
    char *first, *again;
    char err[512];
    FILE *f;

    if (!path[0]) {
        am_log_set_sink(quiet_sink, NULL);
        snprintf(path, sizeof(path), "/tmp/asaas-fuzz-statefile-%ld", (long)getpid());
        am_config_defaults(&cfg);
        cfg.has_seed = true;
        cfg.seed = 5;
        cfg.state_file = path; /* borrowed; the config lives for the whole run */
    }
    if (size > 262144)
        return 0;
    f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    err[0] = '\0';
    app = am_app_new(&cfg, 1780000000, err, sizeof(err));
    if (!app) {
        if (!names_a_place(err)) {
            fprintf(stderr, "fuzz_statefile: refused without naming a line: '%s'\n", err);
            abort();
        }
        unlink(path);
        return 0;
    }
    first = export_text(app);
    am_app_free(app);
    app = am_app_new(&cfg, 1780000000, err, sizeof(err));
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
    unlink(path);
    return 0;
}

/* fuzz_statefile.c - libFuzzer target over --state-file recovery: the bytes as a state
 * file (snapshot line + log entries), opened by a whole app the way a restart does
 * (load, replay, compact). Must never crash, leak or hang: a bad file is refused with an
 * error, a good one replayed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static struct am_config cfg;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_app *app;
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
    app = am_app_new(&cfg, 1780000000, err, sizeof(err));
    am_app_free(app);
    unlink(path);
    return 0;
}

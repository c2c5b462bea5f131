/* fuzz_fixtures.c - libFuzzer target over the fixture loaders: the bytes as an
 * accounts.json into a fresh registry, then as a seed document run through the API
 * (against an app with the embedded default fixtures). Must never crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "fixtures.h"
#include "log.h"
#include "registry.h"
#include "seed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct am_config cfg;
static struct am_app *app;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_registry *reg;
    char err[512];

    if (!app) {
        am_log_set_sink(quiet_sink, NULL);
        am_config_defaults(&cfg);
        cfg.has_seed = true;
        cfg.seed = 3;
        app = am_app_new(&cfg, 1780000000, err, sizeof(err));
        if (!app)
            abort();
    }
    if (size > 65536)
        return 0;
    reg = am_registry_new();
    if (!reg)
        return 0;
    (void)am_fixtures_load_accounts(reg, (const char *)data, size, "fuzz.json", 1780000000, err,
                                    sizeof(err));
    am_registry_free(reg);
    (void)am_seed_apply_text(app, app->registry, (const char *)data, size, "fuzz-seed.json", NULL,
                             1780000000, err, sizeof(err));
    return 0;
}

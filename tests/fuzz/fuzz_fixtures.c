/* fuzz_fixtures.c - libFuzzer target over the fixture loaders: the bytes as an
 * accounts.json (or a snapshot: accounts with clock and data) into a fresh registry, then
 * as a seed document run through the API (against an app with the embedded default
 * fixtures). Must never crash, leak or hang; a snapshot that loads must export, load
 * again and export to the same text (abort otherwise). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "fixtures.h"
#include "log.h"
#include "registry.h"
#include "seed.h"
#include "state.h"

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct am_config cfg;
static struct am_app *app;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

static char *export_text(struct am_registry *reg)
{
    struct am_ids ids;
    bool has = am_registry_loaded_ids(reg, &ids);
    cJSON *snap = am_state_export(reg, has ? &ids : NULL, NULL);
    char *text = snap ? cJSON_PrintUnformatted(snap) : NULL;

    cJSON_Delete(snap);
    return text;
}

/* Loaded once, a snapshot must survive export -> load -> export unchanged. */
static void check_round_trip(struct am_registry *reg)
{
    struct am_registry *again = am_registry_new();
    char *first = export_text(reg), *second = NULL;
    char err[512];

    if (!again || !first)
        goto out;
    if (am_fixtures_load_accounts(again, first, strlen(first), "again.json", 1780000000, err,
                                  sizeof(err)) != 0)
        abort(); /* our own export refused */
    second = export_text(again);
    if (second && strcmp(first, second) != 0)
        abort();
out:
    free(first);
    free(second);
    am_registry_free(again);
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
    if (am_fixtures_load_accounts(reg, (const char *)data, size, "fuzz.json", 1780000000, err,
                                  sizeof(err)) == 0)
        check_round_trip(reg);
    am_registry_free(reg);
    (void)am_seed_apply_text(app, am_app_registry(app), (const char *)data, size, "fuzz-seed.json", NULL,
                             1780000000, err, sizeof(err));
    return 0;
}

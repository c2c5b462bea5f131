/* fuzz_request.c - libFuzzer target over the whole pure request path:
 * bytes -> am_request -> auth -> router -> handler -> response.
 *
 * Input format (so the corpus stays readable): first line "METHOD /path?query", then
 * "Name: value" header lines, an empty line, then the body. The app persists across
 * inputs (auto-accounts on, fixed seed), so sequences of creates and reads are explored. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct am_config cfg;
static struct am_app *app;

static void quiet_sink(enum am_log_level level, const char *line, void *ud)
{
    (void)level;
    (void)line;
    (void)ud;
}

static void setup(void)
{
    char err[256];

    am_log_set_sink(quiet_sink, NULL);
    am_config_defaults(&cfg);
    cfg.auto_accounts = true;
    cfg.has_seed = true;
    cfg.seed = 1;
    app = am_app_new(&cfg, 1780000000, err, sizeof(err));
    if (!app)
        abort();
    app->tls_ready = true;
}

static enum am_method parse_method(const char *m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};

    for (int i = 0; i < 7; i++) {
        if (strcmp(m, names[i]) == 0)
            return (enum am_method)i;
    }
    return AM_METHOD_OTHER;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_request req;
    struct am_response resp;
    char *buf, *line, *next, *sp, *q;
    size_t body_off;

    if (!app)
        setup();
    if (size > 65536)
        return 0;
    buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    memset(&req, 0, sizeof(req));
    req.client_ip = "127.0.0.1";
    req.request_id = "fuzz";

    /* Request line. */
    line = buf;
    next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    sp = strchr(line, ' ');
    if (!sp)
        goto out;
    *sp = '\0';
    req.method = parse_method(line);
    req.path = sp + 1;
    q = strchr(sp + 1, '?');
    if (q) {
        *q = '\0';
        req.query = q + 1;
    }
    /* Headers until an empty line. */
    while (next && *next && *next != '\n') {
        char *colon;
        line = next;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        colon++;
        while (*colon == ' ')
            colon++;
        am_request_add_header(&req, line, colon);
    }
    if (next && *next == '\n')
        next++;
    body_off = next ? (size_t)(next - buf) : size;
    /* The body keeps its original bytes (NULs included). */
    req.body = body_off < size ? (const char *)data + body_off : NULL;
    req.body_len = body_off < size ? size - body_off : 0;

    am_app_handle(app, &req, 1780000000, &resp);
    am_app_complete(app, &req, &resp, 1780000000000LL, 1);
    am_response_finish(&resp);
out:
    free(buf);
    return 0;
}

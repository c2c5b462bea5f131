/* fuzz_request.c - libFuzzer target over the whole pure request path:
 * bytes -> am_request -> auth -> router -> handler -> response.
 *
 * Input format (so the corpus stays readable): first line "METHOD /path?query", then
 * "Name: value" header lines, an empty line, then the body. The app persists across
 * inputs (auto-accounts on, fixed seed), so sequences of creates and reads are explored.
 *
 * Every answer is checked (abort() on a violation, so the fuzzer reports it):
 *   - a /v3 answer sent normally has a JSON body, except the documented bare 401 for an
 *     empty access_token, HEAD (no body by definition) and the payment books (PDF);
 *   - the access_token sent (16+ bytes) is in no answer header and no error body; in a
 *     success body only when some input also sent it as data (a customer named after
 *     it is listed back: that is stored data, not a leak);
 *   - no 5xx comes from input alone: only an injected fault or a recorded exchange may
 *     answer one, and 501 not_implemented (a real Asaas operation the mock does not
 *     emulate, asaas_facts.h) is an answer, not a failure. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <stdio.h>

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
    am_app_set_tls_ready(app, true);
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

static void violation(const char *what, const struct am_request *req,
                      const struct am_response *resp)
{
    fprintf(stderr, "fuzz_request: %s: %s %s -> %d\n", what, am_method_name(req->method),
            req->path, resp->status);
    abort();
}

static bool holds(const char *hay, size_t len, const char *needle)
{
    return hay && len && memmem(hay, len, needle, strlen(needle)) != NULL;
}

static size_t count(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = 0, len = strlen(needle);

    for (const uint8_t *at = data, *end = data + size;
         at < end && (at = memmem(at, (size_t)(end - at), needle, len)); at++)
        n++;
    return n;
}

/* Keys ("$aact_" up to a quote, space, '&', '\\' or line end) that some input sent as
 * data (body, path, query): the app may have stored them, and a later answer that lists
 * stored data shows them. Bounded; when full, every key counts as sent. */
#define MAX_TAINTED 256
static char *taint[MAX_TAINTED];
static size_t n_taint;
static bool taint_full;

static void note_data_keys(const uint8_t *data, size_t size, size_t hdr_start, size_t hdr_end)
{
    for (size_t i = 0; i + 6 <= size; i++) {
        size_t j = i;

        if ((i >= hdr_start && i < hdr_end) || memcmp(data + i, "$aact_", 6) != 0)
            continue;
        while (j < size && data[j] != '"' && data[j] != ' ' && data[j] != '\n' &&
               data[j] != '&' && data[j] != '\\' && data[j] != 0)
            j++;
        if (n_taint == MAX_TAINTED) {
            taint_full = true;
            return;
        }
        taint[n_taint] = strndup((const char *)data + i, j - i);
        if (!taint[n_taint])
            abort();
        n_taint++;
        i = j;
    }
}

static bool tainted(const char *key)
{
    if (taint_full)
        return true;
    for (size_t i = 0; i < n_taint; i++) {
        if (strstr(taint[i], key) || strstr(key, taint[i]))
            return true;
    }
    return false;
}

static void check_answer(const struct am_request *req, const struct am_response *resp,
                         const uint8_t *data, size_t size)
{
    const char *key = am_request_header(req, "access_token");
    bool injected = resp->outcome.fault || resp->outcome.fault_rule[0] || resp->outcome.exchange[0];

    if (resp->status >= 500 && !injected &&
        !(resp->status == 501 && holds(resp->body, resp->body_len, "\"not_implemented\"")))
        violation("5xx from input alone", req, resp);
    if (strncmp(req->path, "/v3", 3) == 0 && resp->outcome.wire == AM_WIRE_NORMAL && !injected &&
        req->method != AM_METHOD_HEAD &&
        !(resp->content_type && strcmp(resp->content_type, "application/pdf") == 0) &&
        !(resp->status == 401 && resp->body_len == 0 && resp->outcome.auth_result &&
          strcmp(resp->outcome.auth_result, "empty_token") == 0)) {
        cJSON *j = resp->body_len ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
        if (!j)
            violation("a /v3 answer without a JSON body", req, resp);
        cJSON_Delete(j);
    }
    if (key && strlen(key) >= 16 && count(data, size, key) == 1) {
        for (size_t i = 0; i < resp->n_headers; i++) {
            if (resp->headers[i].value && strstr(resp->headers[i].value, key))
                violation("the request's whole key in an answer header", req, resp);
        }
        if ((resp->status >= 400 || !tainted(key)) && holds(resp->body, resp->body_len, key))
            violation("the request's whole key in the answer body", req, resp);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_request req;
    struct am_response resp;
    char *buf, *line, *next, *sp, *q;
    size_t body_off, headers_at;

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
    headers_at = next ? (size_t)(next - buf) : size;
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
    check_answer(&req, &resp, data, size);
    note_data_keys(data, size, headers_at, body_off);
    am_app_complete(app, &req, &resp, 1780000000000LL, 1);
    am_response_finish(&resp);
out:
    free(buf);
    return 0;
}

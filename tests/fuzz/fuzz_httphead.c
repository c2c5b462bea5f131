/* fuzz_httphead.c - the HTTP/1.1 framer over arbitrary bytes: fed whole and fed in small
 * pieces it must pass on exactly the same bytes and end in the same state (the server
 * feeds it whatever each read returns), every head it passes on must check again, it
 * never takes more than it was given, and nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httphead.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    char *out;
    size_t out_len;
    enum am_httphead_error error;
    enum am_httphead_phase phase;
    size_t heads;
};

static void out_add(struct run *r, const char *p, size_t n)
{
    char *grown = realloc(r->out, r->out_len + n + 1);

    if (!grown)
        abort();
    r->out = grown;
    memcpy(r->out + r->out_len, p, n);
    r->out_len += n;
}

/* Feeds data in pieces of at most piece bytes (0: whole). */
static void feed(const char *data, size_t size, size_t piece, struct run *r)
{
    struct am_httphead h;
    size_t off = 0;

    memset(r, 0, sizeof(*r));
    am_httphead_init(&h, 2048, 4096);
    while (off < size && h.error == AM_HH_OK) {
        size_t len = piece && size - off > piece ? piece : size - off;
        size_t at = 0;

        while (at < len) {
            size_t used = 0;
            enum am_httphead_step st = am_httphead_feed(&h, data + off + at, len - at, &used);

            if (st == AM_HH_ERROR)
                break;
            if (used > len - at)
                abort();
            if (st == AM_HH_HEAD) {
                struct am_httphead again;

                am_httphead_init(&again, 2048, 4096);
                if (am_httphead_check(&again, h.head, h.head_len) != AM_HH_OK)
                    abort();
                am_httphead_finish(&again);
                out_add(r, h.head, h.head_len);
                r->heads++;
                {
                    /* What http1.c does next: split it in place into the request. */
                    struct am_request req;
                    const char *target = NULL;

                    memset(&req, 0, sizeof(req));
                    if (am_httphead_parse(&h, &req, &target) == 0 &&
                        (!req.path || req.path[0] == '\0' || !target ||
                         req.n_headers > AM_REQUEST_MAX_HEADERS ||
                         strlen(target) > h.head_len))
                        abort();
                    for (size_t i = 0; i < req.n_headers; i++) {
                        if (!req.headers[i].name[0] || strchr(req.headers[i].value, '\n'))
                            abort();
                    }
                }
                am_httphead_taken(&h);
            } else if (st == AM_HH_BODY) {
                out_add(r, data + off + at, used);
            }
            if (used == 0 && st != AM_HH_HEAD)
                abort(); /* no progress: the server would spin */
            at += used;
        }
        if (h.error != AM_HH_OK)
            break;
        off += len;
    }
    r->error = h.error;
    r->phase = h.phase;
    am_httphead_finish(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run whole, pieces;
    size_t piece;

    if (size == 0)
        return 0;
    piece = 1 + data[0] % 7;
    feed((const char *)data + 1, size - 1, 0, &whole);
    feed((const char *)data + 1, size - 1, piece, &pieces);
    if (whole.error != pieces.error || whole.heads != pieces.heads ||
        (whole.error == AM_HH_OK && whole.phase != pieces.phase))
        abort();
    /* Before an error the same bytes were passed on (an error may come mid-piece). */
    if (whole.error == AM_HH_OK &&
        (whole.out_len != pieces.out_len ||
         (whole.out_len && memcmp(whole.out, pieces.out, whole.out_len) != 0)))
        abort();
    if (whole.out_len > size)
        abort();
    free(whole.out);
    free(pieces.out);
    return 0;
}

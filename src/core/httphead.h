/* httphead.h - the HTTP/1.1 request framer and head splitter (pure, fuzzed).
 *
 * Every byte a client sends passes through this framer (net/http1.c feeds it): a request
 * head is held until it is complete and valid by RFC 9112 (one Content-Length, chunked as
 * the only coding, no space before a colon, no obs-fold ...), then split in place into the
 * struct am_request the app sees (am_httphead_parse); the body is passed on as it comes,
 * its payload told from chunk framing, while its framing is checked. Where RFC 9112 leaves
 * room, requests are framed as libevent's evhttp framed them (the server used evhttp
 * before), so clients see no change. Anything refused gets an error from
 * am_httphead_error_info() in Asaas's JSON shape.
 *
 * Ownership: a struct am_httphead owns its head buffer; release with am_httphead_finish().
 * Nothing here touches sockets or libevent. */
#ifndef AM_HTTPHEAD_H
#define AM_HTTPHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_types.h"

enum am_httphead_error {
    AM_HH_OK,
    AM_HH_BAD_REQUEST_LINE,  /* 400 */
    AM_HH_BAD_HEADER,        /* 400: not "token: value", space before the colon, a CTL */
    AM_HH_OBS_FOLD,          /* 400: a line starting with SP/HT */
    AM_HH_BAD_LENGTH,        /* 400: Content-Length not 1*DIGIT, or two different values */
    AM_HH_BAD_FRAMING,       /* 400: Transfer-Encoding with Content-Length, twice, or in 1.0 */
    AM_HH_UNKNOWN_CODING,    /* 501: a transfer coding other than chunked */
    AM_HH_BAD_CHUNK,         /* 400: malformed chunk size, missing CRLF, bad trailer */
    AM_HH_DUPLICATE_HOST,    /* 400 */
    AM_HH_METHOD,            /* 501: a method the mock does not serve */
    AM_HH_VERSION,           /* 505 */
    AM_HH_EXPECT,            /* 417: an expectation other than 100-continue */
    AM_HH_HEAD_TOO_LARGE,    /* 431 */
    AM_HH_BODY_TOO_LARGE,    /* 413 */
    AM_HH_HEAD_TIMEOUT,      /* 408: the head did not arrive within its deadline */
    AM_HH_BODY_TIMEOUT,      /* 408: the body did not arrive within its deadline */
    _AM_HH_MAX
};

struct am_httphead_error_info {
    int status;
    const char *code;        /* Asaas-shaped error code */
    const char *description; /* Portuguese, like the rest */
    const char *reason;      /* short name for logs and metrics labels */
};

/* Never NULL; AM_HH_OK gives status 0. */
const struct am_httphead_error_info *am_httphead_error_info(enum am_httphead_error e);

enum am_httphead_step {
    AM_HH_ABSORBED, /* the bytes used are held (or were blank lines between requests) */
    AM_HH_HEAD,     /* a complete, valid head is in head/head_len: pass it on */
    AM_HH_BODY,     /* the bytes used are body (framing included): pass them on */
    AM_HH_ERROR,    /* refuse with error; feed nothing more */
};

enum am_httphead_phase { AM_HH_IDLE, AM_HH_IN_HEAD, AM_HH_IN_BODY };

struct am_httphead {
    size_t max_head, max_body;
    enum am_httphead_phase phase;
    enum am_httphead_error error;
    char *head;      /* the head being collected (owned) */
    size_t head_len, head_cap;
    size_t scan;     /* where the search for the head's end resumes */
    /* What the accepted head said (valid after AM_HH_HEAD until the next head). */
    enum am_method method;
    bool chunked;
    uint64_t left;   /* Content-Length bytes still to come */
    uint64_t body_total; /* chunk bytes announced so far */
    /* Chunked body state. */
    int cstate;
    uint64_t chunk_left;
    size_t line_len; /* bytes of the current chunk-size or trailer line */
    size_t trailer_len;
    int hexdigits;
    bool seen_space, seen_cr;
    bool http10;
    /* After AM_HH_BODY: the bytes used are message payload (a Content-Length body or chunk
     * data: what the handler reads) rather than chunk framing. */
    bool payload;
};

/* Starts a framer for one connection. */
void am_httphead_init(struct am_httphead *h, size_t max_head, size_t max_body);
void am_httphead_finish(struct am_httphead *h);

/* Feeds len bytes (len > 0). *ret_used bytes of data were taken; see the steps. After
 * AM_HH_HEAD the caller passes head/head_len on and calls am_httphead_taken(). Returns
 * AM_HH_ERROR with h->error set (then *ret_used says nothing useful). */
enum am_httphead_step am_httphead_feed(struct am_httphead *h, const char *data, size_t len,
                                       size_t *ret_used);

/* The head was passed on: moves to the body (or back to idle). The head's buffer is kept
 * (what am_httphead_parse pointed into stays valid) until am_httphead_release() or the
 * next head. */
void am_httphead_taken(struct am_httphead *h);

/* The request is over: a head buffer grown past a few KB is freed, so an idle
 * connection holds little. Pointers from am_httphead_parse die here. */
void am_httphead_release(struct am_httphead *h);

/* Splits the head just accepted (after AM_HH_HEAD, before the next feed) into req, in
 * place: method, percent-decoded path (a decoded NUL makes it "/", so "/v3/x%00y" never
 * looks like "/v3/x"), raw query (after '?', before any '#', NULL when none) and the
 * fields (name, value trimmed of leading SP and trailing SP/HT; headers_overflow past
 * AM_REQUEST_MAX_HEADERS). *ret_target is the raw request-target, NUL-terminated. Every
 * string is borrowed from h's head buffer (see am_httphead_taken). Only the fields above
 * are written. Returns 0, or -ENOMEM. */
int am_httphead_parse(struct am_httphead *h, struct am_request *req, const char **ret_target);

/* Validates one complete head (request line, fields, final empty line) on its own, for
 * tests and fuzzers; fills h's method/chunked/left on success. */
enum am_httphead_error am_httphead_check(struct am_httphead *h, const char *head, size_t len);

/* The request line's method and target of the head being refused (for the journal):
 * borrowed from h's buffer, target cut at the first space; "" when there is none. */
void am_httphead_describe(const struct am_httphead *h, enum am_method *ret_method,
                          char *target, size_t target_len);

#endif

/* http_types.h - the transport-neutral request and response the pure core works on.
 *
 * The server adapter (net/http1.c, net/server.c) builds an am_request from the request's
 * head (split in place by core/httphead.c) and writes an am_response back; unit tests and fuzzers build them by hand. Nothing here touches
 * sockets, libevent or OpenSSL.
 *
 * Ownership: an am_request only borrows its strings (valid for the duration of one
 * dispatch). An am_response owns its body and header values; release them with
 * am_response_finish(). */
#ifndef AM_HTTP_TYPES_H
#define AM_HTTP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

enum am_method {
    AM_METHOD_GET,
    AM_METHOD_POST,
    AM_METHOD_PUT,
    AM_METHOD_DELETE,
    AM_METHOD_PATCH,
    AM_METHOD_HEAD,
    AM_METHOD_OPTIONS,
    AM_METHOD_OTHER,
    _AM_METHOD_MAX
};

/* Name of a method ("GET"...). Never NULL. */
const char *am_method_name(enum am_method m);

struct am_header {
    const char *name;
    const char *value;
};

#define AM_REQUEST_MAX_HEADERS 64

/* How a request reached the server (set by the adapter; UNKNOWN when built by hand). */
enum am_transport { AM_TRANSPORT_UNKNOWN, AM_TRANSPORT_PLAIN, AM_TRANSPORT_TLS12, AM_TRANSPORT_TLS13 };

struct am_request {
    enum am_method method;
    const char *path;  /* percent-decoded path, without the query; never NULL */
    const char *query; /* raw query string after '?', or NULL */
    const char *body;  /* may be NULL when body_len == 0; not NUL-terminated */
    size_t body_len;
    const char *client_ip; /* textual address of the peer, never NULL ("" if unknown) */
    const char *request_id;
    bool tls; /* arrived over TLS (the scheme of the pages' URLs, public_url.h) */
    struct am_header headers[AM_REQUEST_MAX_HEADERS];
    size_t n_headers;
    bool headers_overflow; /* more headers than fit: answered 431, never half-read */
    enum am_transport transport; /* plaintext listener or the TLS version negotiated */
};

/* The encoding check every request passes before any handler: the path and each decoded
 * query key and value must be UTF-8, and so must the body, with no "\u0000" inside a JSON
 * string. Returns NULL when fine, else a description for a 400 (static), or "" when
 * memory ran out (caller answers 500). */
const char *am_request_encoding_error(const struct am_request *req);

/* Case-insensitive header lookup. Returns the first value or NULL. Borrowed. */
const char *am_request_header(const struct am_request *req, const char *name);

/* Appends a header (borrowing both strings). Returns 0, or -ENOSPC when full. */
int am_request_add_header(struct am_request *req, const char *name, const char *value);

#define AM_RESPONSE_MAX_HEADERS 12

/* How the server puts a response on the wire. Everything but NORMAL is a fault the
 * adapter executes on the real socket (the pure core only decides). */
enum am_wire_action {
    AM_WIRE_NORMAL,      /* send the response (after delay_ms) */
    AM_WIRE_EMPTY_CLOSE, /* close the connection without a byte */
    AM_WIRE_RESET,       /* close with RST (SO_LINGER 0) */
    AM_WIRE_GARBAGE,     /* random bytes, then close */
    AM_WIRE_TRUNCATE,    /* headers with the full Content-Length, half the body, close */
    AM_WIRE_DRIBBLE,     /* the response at dribble_bps bytes per second */
    AM_WIRE_BLACKHOLE,   /* never answer (until hold_ms, then close silently) */
};

struct am_response_header {
    const char *name; /* static string */
    char *value;      /* owned */
};

/* What one request came to besides the HTTP reply: the auth outcome and operation for
 * logs, journal and metrics, the wire-fault settings and the rate-limit slot for the
 * adapter, durability for the --state-file, the exchange and fault that answered. */
struct am_outcome {
    /* The account id (a copy: a fixtures reload may free the account while a delayed
     * reply is pending; "" when none) and a short reason such as "ok",
     * "invalid_environment" (static, may be NULL). */
    char account_id[64];
    const char *auth_result;
    int route; /* enum am_route that answered (0 = none), for logs and metrics */
    enum am_wire_action wire;
    uint32_t delay_ms;    /* hold the answer this long before acting */
    uint32_t dribble_bps; /* AM_WIRE_DRIBBLE rate */
    uint32_t hold_ms;     /* AM_WIRE_BLACKHOLE: close after this long (0 = when the client does) */
    uint32_t truncate_bytes; /* AM_WIRE_TRUNCATE: body bytes kept (0 = half) */
    int req_method;       /* enum am_method of the request, for am_app_release() */
    const char *fault;    /* fault kind name that fired (static), NULL when none */
    char fault_rule[64];  /* id of the rule that fired, "" for the header or none */
    char exchange[64];    /* id of the fixture exchange that answered, "" when none */
    bool release_slot;    /* a concurrent-GET slot is held: release when the reply leaves */
    /* A --state-file entry covers this answer: it may leave only after am_app_commit()
     * made the entry durable (an acknowledged write is never lost). */
    bool durable;
    /* What am_api_parse_body() found in the request body, so the --state-file entry need
     * not parse it again: 1 one JSON object, -1 not one, 0 not parsed by the handler. */
    int8_t body_json;
    /* Redacted key shown in logs/journal ("$aact_hmlg_…ab12"); owned, may be NULL. */
    char *redacted_key;
};

/* The HTTP reply, plus the request's outcome (owned alongside, freed with it). */
struct am_response {
    int status;
    char *body; /* owned, may be NULL (empty body) */
    size_t body_len;
    const char *content_type; /* static string; NULL means no Content-Type */
    struct am_response_header headers[AM_RESPONSE_MAX_HEADERS];
    size_t n_headers;
    struct am_outcome outcome;
};

void am_response_init(struct am_response *resp);
/* Frees everything the response owns and re-initialises it. */
void am_response_finish(struct am_response *resp);

/* Serialises json (compact, key order preserved) as the body with status.
 * Takes ownership of json on all paths. Returns 0 or -ENOMEM. */
int am_response_json(struct am_response *resp, int status, struct cJSON *json);

/* Takes the text of a JSON writer (util/jsonw.h) as the body with status: no DOM, no
 * copy. w is emptied on all paths. Returns 0 or -ENOMEM (the writer ran out of memory). */
struct am_jsonw;
int am_response_jsonw(struct am_response *resp, int status, struct am_jsonw *w);

/* Sets a body copied from text with the given content type. Returns 0 or -ENOMEM. */
int am_response_text(struct am_response *resp, int status, const char *content_type,
                     const char *text, size_t len);

/* Asaas error envelope: {"errors":[{"code":code,"description":description}]}. */
int am_response_error(struct am_response *resp, int status, const char *code,
                      const char *description);

/* Status with an empty body (no Content-Type). */
void am_response_empty(struct am_response *resp, int status);

/* Adds or replaces a response header; copies value. Returns 0, -ENOSPC or -ENOMEM. */
int am_response_set_header(struct am_response *resp, const char *static_name, const char *value);

#endif

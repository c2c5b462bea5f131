/* recording.h - turns proxied (request, upstream response) pairs into exchange fixture
 * files that `asaas-mock --fixtures DIR` replays (pure: no sockets, no TLS; the only I/O
 * is am_recording_prepare_dir and am_recording_save on the folder it is given).
 *
 * Grouping. One file per endpoint (method + normalised path), named in first-seen order
 * "0001-post-v3-customers.json" (NNNN, then the method and path as [a-z0-9_-], at most
 * 40 characters of slug). Inside a file, pairs with an identical matcher (query map +
 * masked body) are ONE exchange whose "responses" grow in call order, so a replay answers
 * call 1, 2, 3... as the upstream did and then repeats the last. Because matchers are
 * subsets (exchanges.h), a more specific exchange is always placed before a more general
 * one of the same endpoint (GET /v3/customers?offset=10 before GET /v3/customers), so a
 * replayed request always reaches the exchange it was recorded as. Exchange ids are
 * "<file stem>.<n>", n counting the file's exchanges in first-seen order.
 *
 * What a file holds (and never holds):
 *   request  method; path ("/api/v3/x" is written "/v3/x"); "query": every parameter's
 *            first decoded value (at most 16, empty names dropped); "body": the request's
 *            JSON body minus card secrets (below), duplicate names reduced to the first.
 *            No request header at all: the access_token is never written.
 *   response "status"; "body" as JSON (absent when the upstream body was empty);
 *            "headers" only {"Content-Type"} when it is not "application/json" (the
 *            replay default) and the body is written - nothing else of the upstream
 *            headers matters to a replay (Date, X-Request-Id, ... are the replay server's).
 * Masking. Matcher bodies drop, at any depth, members named creditCardNumber or ccv /
 * creditCardCcv, and inside any "creditCard" object every member whose name contains
 * "number" or "ccv" (case-insensitive): a replayed request with the real card still
 * matches. Response bodies drop ccv members and keep only the last 4 characters of a
 * creditCardNumber (or creditCard.number) longer than 4. Every string written (path,
 * query, bodies, also object names) is scrubbed of the request's secrets - the
 * access_token and the dropped card numbers, when 8+ characters; card numbers also in
 * their digits-only form - and of anything shaped like an Asaas key (am_key_scrub). In
 * a matcher such a query parameter or body member is left out instead of rewritten, so
 * the real request (which still carries the secret) matches on replay.
 * Response strings containing "{{" are written with {{lbrace}} so they replay literally.
 *
 * Skipped pairs (nothing changes; result.reason says why): a method other than GET POST
 * PUT DELETE PATCH HEAD OPTIONS ("method"), a path outside /v3 ("not_v3") or one no
 * matcher can express - empty segment, '{' '}', more than 16 segments ("path"), a status
 * outside 100..599 ("status"), a non-empty response body that is not JSON
 * ("non_json_body"), a 65th response of one exchange ("sequence_full"), a 1025th file or
 * 4097th exchange ("full"), a change that would make a file bigger than the loader's
 * 16 MiB ("too_big"), or anything else the fixture loader would refuse ("invalid": every
 * new response is test-loaded with am_exchanges_load_text before it is kept).
 *
 * Not thread-safe. Memory grows with what was recorded (every file is rewritten whole). */
#ifndef AM_RECORDING_H
#define AM_RECORDING_H

#include <stddef.h>

#include "http_types.h"

#define AM_RECORDING_MAX_RESPONSES 64 /* the loader's sequence limit */

struct am_recording;

struct am_recording_pair {
    enum am_method method;
    const char *path;        /* percent-decoded, without the query; never NULL */
    const char *query;       /* raw query string, or NULL */
    const char *req_body;    /* may be NULL when req_body_len == 0 */
    size_t req_body_len;
    const char *access_token; /* the request's key (or NULL): scrubbed wherever it shows */
    int status;              /* upstream status */
    const char *content_type; /* upstream Content-Type, or NULL */
    const char *resp_body;   /* may be NULL when resp_body_len == 0 */
    size_t resp_body_len;
};

enum am_recording_outcome {
    AM_RECORDING_NEW,      /* a new exchange (maybe a new file) */
    AM_RECORDING_APPENDED, /* one more response in an existing exchange's sequence */
    AM_RECORDING_SKIPPED,  /* nothing recorded; reason and detail say why */
};

struct am_recording_result {
    enum am_recording_outcome outcome;
    size_t file;        /* NEW/APPENDED: index of the file to save again */
    size_t call;        /* NEW/APPENDED: 1-based position in the exchange's sequence */
    const char *reason; /* SKIPPED: static word (see above); NULL otherwise */
    char detail[256];   /* SKIPPED: one line for humans (never a secret) */
};

/* Returns a new empty recording (free with am_recording_free), NULL on OOM. */
struct am_recording *am_recording_new(void);
void am_recording_free(struct am_recording *rec); /* accepts NULL */

/* Records one pair (borrowed; nothing is kept pointing into it). Returns 0 with res
 * filled (SKIPPED is not an error), or -ENOMEM (nothing changed). */
int am_recording_add(struct am_recording *rec, const struct am_recording_pair *pair,
                     struct am_recording_result *res);

size_t am_recording_file_count(const struct am_recording *rec);
size_t am_recording_exchange_count(const struct am_recording *rec);

/* File name of file i ("0001-post-v3-customers.json"). Borrowed, valid until free. */
const char *am_recording_file_name(const struct am_recording *rec, size_t i);

/* The text of file i: {"exchanges":[...]} indented by 2 spaces, ending in a newline.
 * Returns a new string (free()), NULL on OOM or a bad index. */
char *am_recording_file_text(const struct am_recording *rec, size_t i);

/* Creates out_dir and out_dir/exchanges when missing (0755) and refuses a folder whose
 * exchanges/ already holds *.json files (a recording never mixes with older files).
 * Writes the exchanges folder path into exchanges_dir. Returns 0; -EEXIST (not empty),
 * -ENAMETOOLONG, or -errno, with a one-line message in err. */
int am_recording_prepare_dir(const char *out_dir, char *exchanges_dir, size_t exchanges_dir_len,
                             char *err, size_t err_len);

/* Writes file i into exchanges_dir atomically: a temp file in the same folder, fsync,
 * rename over the old version, fsync of the folder; a crash leaves the old or the new
 * file, never half of one. Mode 0644. Returns 0 or -errno with a message in err. */
int am_recording_save(const struct am_recording *rec, size_t i, const char *exchanges_dir,
                      char *err, size_t err_len);

#endif

/* exchanges.h - recorded request/response "exchanges" replayed from fixture files (pure:
 * matches and renders, never touches sockets or files other than the ones it loads).
 *
 * Precedence. Exchanges are consulted for /v3 (and /api/v3) requests only, AFTER
 * authentication (a replayed answer still needs a valid access_token, and the
 * authenticated account is what "account" matches) and BEFORE the stateful emulation:
 * a matching exchange answers; otherwise the emulation does, as if no exchange existed.
 * Among exchanges the first match in load order wins: files sorted by name (byte order),
 * then array order inside a file.
 *
 * Files. A set is loaded from a directory of *.json files (dot files, sub-directories and
 * other names are ignored) or from one file. Each file holds a JSON array of exchanges or
 * {"exchanges":[...]}. Loading is all-or-nothing into a NEW set, so the caller can swap
 * it in atomically and keep the previous set in force when any file is broken. Errors:
 *   "dir/a.json:3:14: invalid JSON"                        (syntax, 1-based line:col)
 *   "dir/a.json: exchanges[2].request.methd: unknown field"   (semantics: a JSON path)
 *
 * One exchange (unknown fields are rejected so typos never pass silently):
 *   {"id":"pix-keys",              optional, [A-Za-z0-9._-]{1,63}, unique in the set;
 *                                  default "<file name>#<index>"
 *    "description":"...",          optional, ignored
 *    "account":"default",          optional: only requests authenticated as this account
 *    "request":{                   the matcher; every given field must hold (AND)
 *      "method":"GET",             required: GET POST PUT DELETE PATCH HEAD OPTIONS
 *      "path":"/v3/payments/{id}", required, under /v3/ ("/api/v3/..." is the same); exact
 *                                  segments, or a whole segment "{name}" capturing one
 *                                  non-empty segment ([A-Za-z0-9_]{1,32}, unique names)
 *      "query":{"status":"ACTIVE"},   subset: each key present with exactly this (first)
 *                                     decoded value; string values; <= 16
 *      "headers":{"X-Tenant":"a"},    names case-insensitive, values exact; <= 16;
 *                                     "access_token" is refused (match "account")
 *      "body":{"billingType":"PIX"}}, JSON subset of the request body: every key given
 *                                     must be present with an equal value, recursively;
 *                                     arrays and scalars compare exactly
 *    "response":{"status":200,     100..599, default 200
 *                "headers":{"X-Trace":"{{uuid}}"},   <= 8; not Content-Length,
 *                                  Transfer-Encoding, Connection; a literal Content-Type
 *                                  replaces application/json
 *                "body":{...},     any JSON, rendered compact; absent = empty body
 *                "delayMs":0},     optional, overrides the exchange's delayMs
 *    "responses":[{...},{...}],    instead of "response": a sequence. Call 1 answers the
 *                                  first, call 2 the second, ... the last repeats for ever
 *                                  (<= 64). Call counters live in the set: a reload
 *                                  starts every sequence afresh.
 *    "delayMs":250}                optional, 0..600000: hold the answer this long
 *
 * Templates, in string values of the response body and header values ("{{" always opens
 * one; unknown or malformed ones are load-time errors with their JSON path):
 *   {{path.name}}      placeholder capture          {{query.k}}   first decoded value
 *   {{header.Name}}    request header (access_token always renders empty)
 *   {{body}} {{body.a.b}} {{body.items.0.id}}   a value of the request body (numeric
 *                      segments index arrays); in text: strings as is, other values as
 *                      compact JSON. When the whole string is exactly one body template,
 *                      the JSON value itself is inserted (a number stays a number; absent
 *                      gives null). Other absent values render "".
 *   {{id "pay_" 16}}   prefix (<= 32 chars, no '"' or '\') + N (1..64) lowercase
 *                      alphanumerics (am_ids_alnum); each occurrence draws a new id
 *   {{uuid}}  {{customerId}} (cus_ + 12 digits)
 *   {{today}} {{today+N}} {{today-N}}   YYYY-MM-DD in Brasilia time on the account's
 *                      clock, N days later/earlier (0..36500)
 *   {{now}}            "YYYY-MM-DD HH:MM:SS" on the account's clock
 *   {{lbrace}}         the two characters "{{" literally (how `asaas-mock record` writes
 *                      recorded text that contains "{{": "a{{b" is stored "a{{lbrace}}b")
 * The body renders before the headers, in document order (ids are drawn in that order).
 *
 * Response header names and a Content-Type given in a fixture are interned for the whole
 * process (at most AM_EXCHANGES_MAX_NAMES distinct strings), because am_response wants
 * static names and a delayed reply may outlive the set it came from (reload mid-delay).
 * Everything else a rendered response holds is its own copy.
 *
 * Cost: the request path is split once per call; query and body are decoded only when an
 * exchange reaches those checks, at most once per call. Not thread-safe (the server is
 * single-threaded). */
#ifndef AM_EXCHANGES_H
#define AM_EXCHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "http_types.h"
#include "ids.h"

struct cJSON;

#define AM_EXCHANGES_MAX 4096         /* exchanges per set */
#define AM_EXCHANGES_MAX_FILES 1024   /* files per directory */
#define AM_EXCHANGES_MAX_NAMES 256    /* interned header names + content types, per process */
#define AM_EXCHANGE_ID_MAX 64         /* explicit id buffer, with the NUL */
#define AM_EXCHANGE_MAX_DELAY_MS 600000u

struct am_exchange_set;

/* Returns a new empty set (free with am_exchanges_free), NULL on OOM. */
struct am_exchange_set *am_exchanges_new(void);
void am_exchanges_free(struct am_exchange_set *set); /* accepts NULL */

size_t am_exchanges_count(const struct am_exchange_set *set);

/* Appends the exchanges of one JSON text (not necessarily NUL-terminated) to set,
 * all-or-nothing: on error set is unchanged. source names the text in messages and in
 * listings (its last path component). Returns 0; -EINVAL (err filled as above), -ENOSPC
 * (more than AM_EXCHANGES_MAX), -ENOMEM. */
int am_exchanges_load_text(struct am_exchange_set *set, const char *text, size_t len,
                           const char *source, char *err, size_t err_len);

/* Loads path - a directory of *.json files (in name order) or one file - into a NEW set
 * stored in *ret (caller owns; am_exchanges_free). On any error *ret stays NULL, err
 * names the file and the reason, and the return is -errno (-ENOENT for a missing path,
 * -EINVAL for a broken file, -EFBIG for a file over 16 MiB, ...). */
int am_exchanges_load_dir(const char *path, struct am_exchange_set **ret, char *err,
                          size_t err_len);

/* Finds the first exchange matching req for the authenticated account_id (may be NULL:
 * then exchanges with "account" never match) and renders its current response into resp:
 * status, body (Content-Type application/json unless the fixture gives one; no body and
 * no Content-Type when the fixture has none) and headers (added with
 * am_response_set_header; other fields of resp are left alone). account_now is the
 * account's clock (Unix seconds) for date templates; ids draws generated ids.
 * *ret_delay_ms (may be NULL) gets the delay to apply. Advances the exchange's call
 * counter. Returns 1 when an exchange answered, 0 when none matched (resp untouched),
 * -ENOMEM (resp may be partly filled; answer 500). */
int am_exchanges_match(struct am_exchange_set *set, const struct am_request *req,
                       const char *account_id, int64_t account_now, struct am_ids *ids,
                       struct am_response *resp, uint32_t *ret_delay_ms);

/* Id of the exchange that answered the last successful am_exchanges_match, or NULL.
 * Borrowed: valid until the set is freed (copy it for logs that outlive a reload). */
const char *am_exchanges_last_id(const struct am_exchange_set *set);

/* Sets every call counter back to 0 (sequences start again). */
void am_exchanges_reset_calls(struct am_exchange_set *set);

/* {"exchanges":[{"id","file","account"(or null),"request":{matcher as loaded},
 * "responses":N,"delayMs":N,"calls":N}...]} in match order, for GET /__mock/exchanges.
 * Returns a new object (cJSON_Delete) or NULL on OOM. */
struct cJSON *am_exchanges_list_json(const struct am_exchange_set *set);

#endif

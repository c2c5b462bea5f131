/* query.h - URL query string decoder (pure, fuzzed).
 *
 * evhttp_parse_query_str in libevent 2.1.12 decodes values only and rejects a parameter
 * without '=', while Asaas filters use bracketed, often percent-encoded keys
 * (dateCreated%5Bge%5D=...). So we decode both keys and values ourselves.
 * The am_query owns copies of all strings; free with am_query_finish(). */
#ifndef AM_QUERY_H
#define AM_QUERY_H

#include <stddef.h>

#define AM_QUERY_MAX_PARAMS 64
#define AM_QUERY_MAX_LEN 8192

struct am_query_param {
    char *key;
    char *value; /* "" for a key without '=' */
};

struct am_query {
    struct am_query_param params[AM_QUERY_MAX_PARAMS];
    size_t n;
};

/* Decodes query (may be NULL: empty). '+' is a space in values and keys; %XX is decoded;
 * invalid escapes are kept literally. Parameters beyond AM_QUERY_MAX_PARAMS or a query
 * longer than AM_QUERY_MAX_LEN return -E2BIG, a decoded key or value that is not UTF-8
 * -EILSEQ (q is left empty either way). Returns 0 or -ENOMEM. */
int am_query_parse(const char *query, struct am_query *q);

/* First value of key (exact, case-sensitive), NULL when absent. Borrowed. */
const char *am_query_get(const struct am_query *q, const char *key);

void am_query_finish(struct am_query *q);

#endif

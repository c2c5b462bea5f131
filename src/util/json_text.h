/* json_text.h - parse a JSON document from a file's text, with a located error (pure).
 *
 * Every loader of JSON files (accounts, seeds, exchanges, fault rules) reports a syntax
 * error the same way: "source:line:col: invalid JSON", pointing at the offending byte
 * (trailing garbage after a valid document included). */
#ifndef AM_JSON_TEXT_H
#define AM_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* Parses len bytes of text (not necessarily NUL-terminated; copied first because cJSON
 * may read one byte past len). Returns a new tree (cJSON_Delete), or NULL with the
 * located message in err (when err is not NULL); *ret_oom (may be NULL) tells an
 * allocation failure apart from bad JSON. */
struct cJSON *am_json_text_parse(const char *text, size_t len, const char *source, char *err,
                                 size_t err_len, bool *ret_oom);

/* The same for the file loaders: 0 with the tree in *ret, or -EINVAL (the located message
 * in err) or -ENOMEM. */
int am_json_text_load(const char *text, size_t len, const char *source, char *err,
                      size_t err_len, struct cJSON **ret);

/* Checks an object's member names against allowed (NULL-terminated): returns NULL when
 * every name is allowed and unique, else the first offending name (borrowed), with
 * *ret_duplicate telling a repeated name from an unknown one. */
const char *am_json_bad_key(const struct cJSON *obj, const char *const *allowed,
                            bool *ret_duplicate);

/* True, with *ret set, when item is an integral JSON number within [min, max]. */
bool am_json_integer(const struct cJSON *item, double min, double max, double *ret);

/* Exact equality: same types and values, arrays in order, objects with the same members
 * in any order (numbers compare as doubles). */
bool am_json_equal(const struct cJSON *a, const struct cJSON *b);

/* The matcher rule of fixtures and recordings: every member of a want object is in got
 * and matches recursively; arrays and scalars must be am_json_equal. */
bool am_json_subset(const struct cJSON *want, const struct cJSON *got);

/* Adds a string field, or null when value is NULL. Returns 0 or -ENOMEM. */
int am_json_add_string_or_null(struct cJSON *obj, const char *key, const char *value);

/* True when the len bytes of s are all JSON whitespace. */
bool am_json_text_blank(const char *s, size_t len);

#endif

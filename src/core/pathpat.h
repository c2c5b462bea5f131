/* pathpat.h - compiled path patterns beside the router (pure).
 *
 * The one pattern language of fixture exchanges ("/v3/payments/{id}") and fault rules
 * (a "*" segment, a final "**"): whole-segment literals, one-segment placeholders
 * ("{name}" or "*", never empty) and, for fault rules, a final "**" matching anything
 * left. Patterns and requests are read with the legacy "/api/v3" prefix as "/v3"
 * (am_router_normalise_path). Literal segments carry an FNV-1a hash so most mismatches
 * cost an integer compare; a request is split and hashed once (am_pathpat_split) and
 * tried against many patterns without allocating.
 *
 * Ownership: a compiled pattern owns text and buf (am_pathpat_free); segs point into
 * buf. A split borrows the path it was made from. */
#ifndef AM_PATHPAT_H
#define AM_PATHPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_PATHPAT_MAX_SEGS 16
#define AM_PATHPAT_MAX_LEN 512 /* pattern text */
#define AM_PATHPAT_MAX_NAME 32 /* placeholder name */

enum am_pathpat_syntax {
    AM_PATHPAT_PLACEHOLDERS, /* "{name}" segments (exchanges) */
    AM_PATHPAT_WILDCARDS,    /* "*" segments and a final "**" (fault rules) */
};

struct am_pathpat {
    char *text; /* as given, for listings */
    char *buf;  /* normalised copy, '/' replaced by NUL; placeholder names without braces */
    uint32_t n;
    bool globstar; /* last segment is "**" */
    uint32_t wild; /* bit i: segment i matches any one non-empty segment */
    uint32_t hash[AM_PATHPAT_MAX_SEGS];
    uint32_t lens[AM_PATHPAT_MAX_SEGS];
    const char *segs[AM_PATHPAT_MAX_SEGS];
};

/* A request path split into segments (after the leading '/') and hashed. */
struct am_pathpat_split {
    bool done;  /* set by am_pathpat_split; clear it to split lazily in am_pathpat_match */
    bool valid; /* starts with '/' and has at most AM_PATHPAT_MAX_SEGS segments */
    uint32_t n;
    uint32_t hash[AM_PATHPAT_MAX_SEGS];
    uint32_t lens[AM_PATHPAT_MAX_SEGS];
    const char *segs[AM_PATHPAT_MAX_SEGS];
};

/* FNV-1a of len bytes (the segment hash; also handy for other short keys). */
uint32_t am_pathpat_hash(const char *p, size_t len);

/* Compiles text (normalised first) into *pp (zeroed by the caller). On a bad pattern
 * writes the reason to err and returns -EINVAL; -ENOMEM. Free with am_pathpat_free()
 * whatever it returned. */
int am_pathpat_compile(const char *text, enum am_pathpat_syntax syntax, struct am_pathpat *pp,
                       char *err, size_t err_len);
void am_pathpat_free(struct am_pathpat *pp);

/* Splits path (already normalised by the caller) into *sp. */
void am_pathpat_split(const char *path, struct am_pathpat_split *sp);

/* True when path matches pp; sp caches the split across patterns (splits when !done). */
bool am_pathpat_match(const struct am_pathpat *pp, const char *path, struct am_pathpat_split *sp);

/* Index of placeholder name (len bytes) in pp, or -1. */
int am_pathpat_param(const struct am_pathpat *pp, const char *name, size_t len);

#endif

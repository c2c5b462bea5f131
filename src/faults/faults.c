/* faults.c - fault kinds, the X-Mock-Fault header, rule parsing, matching and schedules
 * (see faults.h).
 *
 * Over 1,000 lines on purpose: the rule compiler and the per-request decision share one
 * compiled form (literal-segment hashes, prefilter flags, schedules) that must stay
 * private to stay fast; splitting would publish it. The header parser (kinds and
 * parameters) is the part that could leave first. */
#include "faults.h"

#include "errmsg.h"
#include "ident.h"
#include "json_text.h"
#include "pathpat.h"
#include "textfile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"
#include "keys.h"
#include "ratelimit.h"
#include "webhooks.h"

#define MAX_MATCH_HEADERS 8
#define MAX_MATCH_FIELDS 8
#define MAX_SEQUENCE 64
#define MAX_HEADER_VALUE 512
#define MAX_COUNT 1000000000000000.0 /* times/skip bound, exact in a double */
#define MAX_SEED 9007199254740991.0  /* 2^53 - 1: seeds must survive a JSON round trip */
#define LOGNORMAL_TRIES 64

/* ---- small helpers ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform double in [0, 1). */
static double unit_draw(uint64_t *rng)
{
    return (double)(splitmix64(rng) >> 11) * 0x1.0p-53;
}

/* Writes "where.field: message" (or "field: message" when where is empty) and returns
 * -EINVAL. */
#define ferr(err, err_len, where, field, ...)                                                     \
    am_err_prefixed(err, err_len, -EINVAL, where, ".", field, __VA_ARGS__)

#define herr(err, err_len, ...)                                                                  \
    am_err_prefixed(err, err_len, -EINVAL, "X-Mock-Fault", NULL, NULL, __VA_ARGS__)

/* Rejects unknown and duplicate keys of obj. allowed is NULL-terminated. */
static int check_keys(const cJSON *obj, const char *const *allowed, const char *where, char *err,
                      size_t err_len)
{
    bool dup;
    const char *bad = am_json_bad_key(obj, allowed, &dup);

    return bad ? ferr(err, err_len, where, bad, dup ? "duplicate field" : "unknown field") : 0;
}

/* ---- kinds and parameters ----------------------------------------------------------- */

static const char *const kind_names[_AM_FAULT_KIND_MAX] = {
    [AM_FAULT_NONE] = "none",
    [AM_FAULT_LATENCY] = "latency",
    [AM_FAULT_STATUS] = "status",
    [AM_FAULT_EMPTY] = "empty",
    [AM_FAULT_RESET] = "reset",
    [AM_FAULT_GARBAGE] = "garbage",
    [AM_FAULT_MALFORMED_JSON] = "malformed-json",
    [AM_FAULT_TRUNCATE] = "truncate",
    [AM_FAULT_DRIBBLE] = "dribble",
    [AM_FAULT_BLACKHOLE] = "blackhole",
    [AM_FAULT_TLS_ABORT] = "tls-abort",
    [AM_FAULT_REFUSE] = "refuse",
    [AM_FAULT_AMBIGUOUS] = "ambiguous",
    [AM_FAULT_WH_DUPLICATE] = "duplicate",
    [AM_FAULT_WH_REORDER] = "reorder",
    [AM_FAULT_WH_DELAY] = "delay",
    [AM_FAULT_WH_DROP] = "drop",
    [AM_FAULT_WH_CORRUPT_TOKEN] = "corrupt-token",
    [AM_FAULT_WH_BURST] = "burst",
};

const char *am_fault_kind_name(enum am_fault_kind k)
{
    if ((unsigned)k >= _AM_FAULT_KIND_MAX)
        return "none";
    return kind_names[k];
}

int am_fault_kind_parse(const char *name, enum am_fault_kind *ret)
{
    for (int k = AM_FAULT_NONE + 1; k < _AM_FAULT_KIND_MAX; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *ret = (enum am_fault_kind)k;
            return 0;
        }
    }
    return -EINVAL;
}

static bool connection_kind(enum am_fault_kind k)
{
    return k == AM_FAULT_TLS_ABORT || k == AM_FAULT_REFUSE;
}

bool am_fault_is_webhook_kind(enum am_fault_kind k)
{
    return k >= AM_FAULT_WH_DUPLICATE && k <= AM_FAULT_WH_BURST;
}

/* Kinds the request path never evaluates (connection and webhook rules). */
static bool not_for_requests(enum am_fault_kind k)
{
    return connection_kind(k) || am_fault_is_webhook_kind(k);
}

enum param_id {
    P_MS,
    P_DIST,
    P_MIN,
    P_MAX,
    P_MEDIAN,
    P_SIGMA,
    P_CAP,
    P_CODE,
    P_RETRY_AFTER,
    P_BYTES,
    P_BPS,
    P_SECONDS,
    P_COPIES,
    P_WINDOW,
    P_SIZE,
    P_MISSING,
    P_COUNT
};

enum param_type { T_UINT, T_DOUBLE, T_DIST };

struct param_def {
    const char *name;
    enum param_type type;
    double min, max;
};

static const struct param_def param_defs[P_COUNT] = {
    [P_MS] = {"ms", T_UINT, 0, AM_FAULT_MAX_MS},
    [P_DIST] = {"dist", T_DIST, 0, 0},
    [P_MIN] = {"min", T_UINT, 0, AM_FAULT_MAX_MS},
    [P_MAX] = {"max", T_UINT, 0, AM_FAULT_MAX_MS},
    [P_MEDIAN] = {"median", T_UINT, 1, AM_FAULT_MAX_MS},
    [P_SIGMA] = {"sigma", T_DOUBLE, 0, 5},
    [P_CAP] = {"cap", T_UINT, 1, AM_FAULT_MAX_MS},
    [P_CODE] = {"code", T_UINT, 400, 599},
    [P_RETRY_AFTER] = {"retryAfter", T_UINT, 1, 86400},
    [P_BYTES] = {"bytes", T_UINT, 1, 1073741824},
    [P_BPS] = {"bps", T_UINT, 1, 1000000000},
    [P_SECONDS] = {"seconds", T_UINT, 1, 3600},
    [P_COPIES] = {"copies", T_UINT, 1, 100},
    [P_WINDOW] = {"window", T_UINT, 2, 100},
    [P_SIZE] = {"size", T_UINT, 2, 1000},
    [P_MISSING] = {"missing", T_UINT, 0, 1},
};

#define BIT(p) (1u << (p))

static unsigned allowed_params(enum am_fault_kind k)
{
    switch (k) {
    case AM_FAULT_LATENCY:
    case AM_FAULT_WH_DELAY:
        return BIT(P_MS) | BIT(P_DIST) | BIT(P_MIN) | BIT(P_MAX) | BIT(P_MEDIAN) |
               BIT(P_SIGMA) | BIT(P_CAP);
    case AM_FAULT_WH_DUPLICATE:
        return BIT(P_COPIES);
    case AM_FAULT_WH_REORDER:
        return BIT(P_WINDOW);
    case AM_FAULT_WH_BURST:
        return BIT(P_SIZE);
    case AM_FAULT_WH_CORRUPT_TOKEN:
        return BIT(P_MISSING);
    case AM_FAULT_STATUS:
        return BIT(P_CODE) | BIT(P_RETRY_AFTER);
    case AM_FAULT_TRUNCATE:
        return BIT(P_BYTES);
    case AM_FAULT_DRIBBLE:
        return BIT(P_BPS);
    case AM_FAULT_BLACKHOLE:
        return BIT(P_MS);
    case AM_FAULT_REFUSE:
        return BIT(P_SECONDS);
    default:
        return 0;
    }
}

/* Parameters collected from a header or a JSON object, before cross-checks. */
struct raw_params {
    unsigned set;
    double num[P_COUNT];
    enum am_latency_dist dist;
};

static int param_lookup(const char *name)
{
    /* "reset" was the first name of retryAfter; rules files written with it still load. */
    if (strcmp(name, "reset") == 0)
        return P_RETRY_AFTER;
    for (int i = 0; i < P_COUNT; i++) {
        if (strcmp(name, param_defs[i].name) == 0)
            return i;
    }
    return -1;
}

/* Strict plain decimal: digits, optionally '.' digits for doubles. No sign, exponent,
 * spaces, hex, inf or nan. */
static bool parse_decimal(const char *s, bool allow_fraction, double *ret)
{
    const char *p = s;
    size_t int_digits = 0;

    while (*p >= '0' && *p <= '9') {
        p++;
        int_digits++;
    }
    if (int_digits == 0 || int_digits > 12)
        return false;
    if (*p == '.' && allow_fraction) {
        const char *frac = ++p;

        while (*p >= '0' && *p <= '9')
            p++;
        if (p == frac || p - frac > 20)
            return false;
    }
    if (*p)
        return false;
    *ret = strtod(s, NULL);
    return true;
}

static const char *range_text(enum param_type t)
{
    return t == T_UINT ? "an integer" : "a number";
}

/* Checks a numeric value against its definition. */
static bool in_range(const struct param_def *d, double v)
{
    return isfinite(v) && v >= d->min && v <= d->max && (d->type != T_UINT || v == floor(v));
}

/* sigma is kept to 6 decimals so its text form reads back exactly: a decimal with at
 * most 6 places parses to the double nearest to it, which is what rounding produced. */
static double quantise_sigma(double v)
{
    return round(v * 1e6) / 1e6;
}

/* Cross-checks raw parameters for kind and fills *ret. what/where shape messages. */
static int finish_fault(enum am_fault_kind kind, const struct raw_params *raw,
                        struct am_fault *ret, char *msg, size_t msg_len)
{
    struct am_fault f;
    unsigned set = raw->set;

    memset(&f, 0, sizeof(f));
    f.kind = kind;
#define NUM(p) ((uint32_t)raw->num[p])
    switch (kind) {
    case AM_FAULT_WH_DUPLICATE:
        f.copies = (set & BIT(P_COPIES)) ? NUM(P_COPIES) : 1;
        break;
    case AM_FAULT_WH_REORDER:
        f.window = (set & BIT(P_WINDOW)) ? NUM(P_WINDOW) : 3;
        break;
    case AM_FAULT_WH_BURST:
        f.size = (set & BIT(P_SIZE)) ? NUM(P_SIZE) : 5;
        break;
    case AM_FAULT_WH_CORRUPT_TOKEN:
        f.missing = (set & BIT(P_MISSING)) ? NUM(P_MISSING) : 0;
        break;
    case AM_FAULT_LATENCY:
    case AM_FAULT_WH_DELAY:
        if (!(set & BIT(P_DIST))) {
            if (!(set & BIT(P_MS)) || (set & ~BIT(P_MS))) {
                snprintf(msg, msg_len, "%s takes ms=N or dist=uniform|lognormal",
                         am_fault_kind_name(kind));
                return -EINVAL;
            }
            f.dist = AM_LATENCY_FIXED;
            f.ms = NUM(P_MS);
            f.delay_ms = f.ms;
        } else if (raw->dist == AM_LATENCY_UNIFORM) {
            if (set != (BIT(P_DIST) | BIT(P_MIN) | BIT(P_MAX))) {
                snprintf(msg, msg_len, "dist=uniform takes exactly min and max");
                return -EINVAL;
            }
            if (raw->num[P_MIN] > raw->num[P_MAX]) {
                snprintf(msg, msg_len, "min must not exceed max");
                return -EINVAL;
            }
            f.dist = AM_LATENCY_UNIFORM;
            f.min_ms = NUM(P_MIN);
            f.max_ms = NUM(P_MAX);
        } else {
            unsigned need = BIT(P_DIST) | BIT(P_MEDIAN) | BIT(P_SIGMA);

            if ((set & need) != need || (set & ~(need | BIT(P_CAP)))) {
                snprintf(msg, msg_len, "dist=lognormal takes median and sigma (and cap)");
                return -EINVAL;
            }
            f.dist = AM_LATENCY_LOGNORMAL;
            f.median_ms = NUM(P_MEDIAN);
            f.sigma = quantise_sigma(raw->num[P_SIGMA]);
            f.cap_ms = (set & BIT(P_CAP)) ? NUM(P_CAP) : AM_FAULT_MAX_MS;
            if (f.cap_ms < f.median_ms) {
                snprintf(msg, msg_len, "cap must not be below median");
                return -EINVAL;
            }
        }
        break;
    case AM_FAULT_STATUS:
        if (!(set & BIT(P_CODE))) {
            snprintf(msg, msg_len, "status needs code");
            return -EINVAL;
        }
        f.code = (int)NUM(P_CODE);
        f.reset_s = (set & BIT(P_RETRY_AFTER)) ? NUM(P_RETRY_AFTER) : 60;
        break;
    case AM_FAULT_TRUNCATE:
        f.bytes = (set & BIT(P_BYTES)) ? NUM(P_BYTES) : 0;
        break;
    case AM_FAULT_DRIBBLE:
        if (!(set & BIT(P_BPS))) {
            snprintf(msg, msg_len, "dribble needs bps");
            return -EINVAL;
        }
        f.bps = NUM(P_BPS);
        break;
    case AM_FAULT_BLACKHOLE:
        f.ms = (set & BIT(P_MS)) ? NUM(P_MS) : 0;
        break;
    case AM_FAULT_REFUSE:
        if (!(set & BIT(P_SECONDS))) {
            snprintf(msg, msg_len, "refuse needs seconds");
            return -EINVAL;
        }
        f.seconds = NUM(P_SECONDS);
        break;
    default:
        break;
    }
#undef NUM
    *ret = f;
    return 0;
}

static int parse_dist(const char *s, enum am_latency_dist *ret)
{
    if (strcmp(s, "uniform") == 0)
        *ret = AM_LATENCY_UNIFORM;
    else if (strcmp(s, "lognormal") == 0)
        *ret = AM_LATENCY_LOGNORMAL;
    else
        return -EINVAL;
    return 0;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

int am_fault_parse_header(const char *value, struct am_fault *ret, char *err, size_t err_len)
{
    char buf[MAX_HEADER_VALUE + 1];
    struct raw_params raw;
    enum am_fault_kind kind;
    char *save = NULL, *tok, *kind_text = buf;
    size_t len = strlen(value);
    unsigned allowed;
    char msg[128];

    memset(&raw, 0, sizeof(raw));
    if (len > MAX_HEADER_VALUE)
        return herr(err, err_len, "value too long");
    memcpy(buf, value, len + 1);
    /* strtok_r would merge ";;" and hide an empty parameter, so split by hand. */
    tok = strchr(buf, ';');
    if (tok)
        *tok++ = '\0';
    kind_text = trim(kind_text);
    if (!*kind_text)
        return herr(err, err_len, "missing fault kind");
    if (am_fault_kind_parse(kind_text, &kind) < 0)
        return herr(err, err_len, "unknown kind '%.32s'", kind_text);
    if (not_for_requests(kind))
        return herr(err, err_len, "'%s' is only available in rules", am_fault_kind_name(kind));
    allowed = allowed_params(kind);
    while (tok) {
        char *param = tok, *eq, *name, *val;
        const struct param_def *d;
        int id;

        save = strchr(tok, ';');
        if (save)
            *save++ = '\0';
        tok = save;
        eq = strchr(param, '=');
        if (!eq) {
            if (!*trim(param))
                return herr(err, err_len, "empty parameter");
            return herr(err, err_len, "expected PARAM=VALUE, got '%.32s'", trim(param));
        }
        *eq = '\0';
        name = trim(param);
        val = trim(eq + 1);
        if (!*name || !*val)
            return herr(err, err_len, "expected PARAM=VALUE");
        id = param_lookup(name);
        if (id < 0 || !(allowed & BIT(id)))
            return herr(err, err_len, "parameter '%.32s' not allowed for kind '%s'", name,
                        am_fault_kind_name(kind));
        if (raw.set & BIT(id))
            return herr(err, err_len, "duplicate parameter '%s'", name);
        d = &param_defs[id];
        if (d->type == T_DIST) {
            if (parse_dist(val, &raw.dist) < 0)
                return herr(err, err_len, "dist must be uniform or lognormal");
        } else if (!parse_decimal(val, d->type == T_DOUBLE, &raw.num[id]) ||
                   !in_range(d, raw.num[id])) {
            return herr(err, err_len, "%s must be %s in %.0f..%.0f", d->name, range_text(d->type),
                        d->min, d->max);
        }
        raw.set |= BIT(id);
    }
    if (finish_fault(kind, &raw, ret, msg, sizeof(msg)) < 0)
        return herr(err, err_len, "%s", msg);
    return 0;
}

static void format_double(double v, char *out, size_t out_len)
{
    char *e;

    snprintf(out, out_len, "%.6f", v);
    e = out + strlen(out);
    while (e > out && e[-1] == '0')
        *--e = '\0';
    if (e > out && e[-1] == '.')
        *--e = '\0';
}

struct param_value {
    int id;
    double v;
};

/* The parameters of f to render, in a stable order; returns the count. */
static size_t fault_params(const struct am_fault *f, struct param_value out[P_COUNT],
                           const char **ret_dist)
{
    size_t n = 0;

    *ret_dist = NULL;
#define PUT(p, val) (out[n].id = (p), out[n].v = (double)(val), n++)
    switch (f->kind) {
    case AM_FAULT_WH_DUPLICATE:
        PUT(P_COPIES, f->copies);
        break;
    case AM_FAULT_WH_REORDER:
        PUT(P_WINDOW, f->window);
        break;
    case AM_FAULT_WH_BURST:
        PUT(P_SIZE, f->size);
        break;
    case AM_FAULT_WH_CORRUPT_TOKEN:
        PUT(P_MISSING, f->missing);
        break;
    case AM_FAULT_LATENCY:
    case AM_FAULT_WH_DELAY:
        if (f->dist == AM_LATENCY_FIXED) {
            PUT(P_MS, f->ms);
        } else if (f->dist == AM_LATENCY_UNIFORM) {
            *ret_dist = "uniform";
            PUT(P_MIN, f->min_ms);
            PUT(P_MAX, f->max_ms);
        } else {
            *ret_dist = "lognormal";
            PUT(P_MEDIAN, f->median_ms);
            PUT(P_SIGMA, f->sigma);
            PUT(P_CAP, f->cap_ms);
        }
        break;
    case AM_FAULT_STATUS:
        PUT(P_CODE, f->code);
        PUT(P_RETRY_AFTER, f->reset_s);
        break;
    case AM_FAULT_TRUNCATE:
        if (f->bytes)
            PUT(P_BYTES, f->bytes);
        break;
    case AM_FAULT_DRIBBLE:
        PUT(P_BPS, f->bps);
        break;
    case AM_FAULT_BLACKHOLE:
        if (f->ms)
            PUT(P_MS, f->ms);
        break;
    case AM_FAULT_REFUSE:
        PUT(P_SECONDS, f->seconds);
        break;
    default:
        break;
    }
#undef PUT
    return n;
}

void am_fault_format(const struct am_fault *f, char *out, size_t out_len)
{
    struct param_value pv[P_COUNT];
    const char *dist;
    size_t n = fault_params(f, pv, &dist), used;

    if (!out_len)
        return;
    snprintf(out, out_len, "%s", am_fault_kind_name(f->kind));
    if (dist) {
        used = strlen(out);
        snprintf(out + used, out_len - used, ";dist=%s", dist);
    }
    for (size_t i = 0; i < n; i++) {
        char num[48];

        if (param_defs[pv[i].id].type == T_DOUBLE)
            format_double(pv[i].v, num, sizeof(num));
        else
            snprintf(num, sizeof(num), "%.0f", pv[i].v);
        used = strlen(out);
        snprintf(out + used, out_len - used, ";%s=%s", param_defs[pv[i].id].name, num);
    }
}

int am_fault_from_json(const cJSON *obj, const char *where, struct am_fault *ret, char *err,
                       size_t err_len)
{
    struct raw_params raw;
    enum am_fault_kind kind;
    const cJSON *kind_item;
    unsigned allowed;
    char msg[128];

    memset(&raw, 0, sizeof(raw));
    if (!cJSON_IsObject(obj))
        return ferr(err, err_len, where, "", "must be an object");
    kind_item = cJSON_GetObjectItemCaseSensitive(obj, "kind");
    if (!cJSON_IsString(kind_item))
        return ferr(err, err_len, where, "kind", "required string");
    if (am_fault_kind_parse(kind_item->valuestring, &kind) < 0)
        return ferr(err, err_len, where, "kind", "unknown kind '%.32s'", kind_item->valuestring);
    allowed = allowed_params(kind);
    for (const cJSON *c = obj->child; c; c = c->next) {
        const struct param_def *d;
        int id;

        if (strcmp(c->string, "kind") == 0) {
            if (c != kind_item)
                return ferr(err, err_len, where, "kind", "duplicate field");
            continue;
        }
        id = param_lookup(c->string);
        if (id < 0 || !(allowed & BIT(id)))
            return ferr(err, err_len, where, c->string, "not a parameter of kind '%s'",
                        am_fault_kind_name(kind));
        if (raw.set & BIT(id))
            return ferr(err, err_len, where, c->string, "duplicate field");
        d = &param_defs[id];
        if (d->type == T_DIST) {
            if (!cJSON_IsString(c) || parse_dist(c->valuestring, &raw.dist) < 0)
                return ferr(err, err_len, where, c->string, "must be \"uniform\" or \"lognormal\"");
        } else if (!cJSON_IsNumber(c) || !in_range(d, c->valuedouble)) {
            return ferr(err, err_len, where, c->string, "must be %s in %.0f..%.0f",
                        range_text(d->type), d->min, d->max);
        } else {
            raw.num[id] = c->valuedouble;
        }
        raw.set |= BIT(id);
    }
    if (finish_fault(kind, &raw, ret, msg, sizeof(msg)) < 0)
        return ferr(err, err_len, where, "", "%s", msg);
    return 0;
}

cJSON *am_fault_to_json(const struct am_fault *f)
{
    struct param_value pv[P_COUNT];
    const char *dist;
    size_t n = fault_params(f, pv, &dist);
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "kind", am_fault_kind_name(f->kind)) ||
        (dist && !cJSON_AddStringToObject(o, "dist", dist)))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!cJSON_AddNumberToObject(o, param_defs[pv[i].id].name, pv[i].v))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

uint32_t am_fault_latency_ms(const struct am_fault *f, uint64_t *rng)
{
    if (f->kind != AM_FAULT_LATENCY && f->kind != AM_FAULT_WH_DELAY)
        return 0;
    switch (f->dist) {
    case AM_LATENCY_UNIFORM: {
        uint64_t span = (uint64_t)f->max_ms - f->min_ms + 1;

        return f->min_ms + (uint32_t)(splitmix64(rng) % span);
    }
    case AM_LATENCY_LOGNORMAL:
        for (int i = 0; i < LOGNORMAL_TRIES; i++) {
            /* Box-Muller; u1 in (0, 1] keeps log() finite. */
            double u1 = (double)((splitmix64(rng) >> 11) + 1) * 0x1.0p-53;
            double u2 = unit_draw(rng);
            double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
            double v = (double)f->median_ms * exp(f->sigma * z);

            if (v <= (double)f->cap_ms)
                return (uint32_t)(v + 0.5);
        }
        return f->cap_ms;
    default:
        return f->ms;
    }
}

int am_fault_status_response(const struct am_fault *f, struct am_response *resp)
{
    const char *code = AM_ERR_INJECTED, *text = AM_TXT_INJECTED;
    char num[24];
    int r;

    switch (f->code) {
    case 403:
        code = AM_ERR_FORBIDDEN;
        text = AM_TXT_FORBIDDEN;
        break;
    case 429:
        code = AM_ERR_RATE_LIMIT;
        text = AM_TXT_RATE_LIMIT_QUOTA;
        break;
    case 500:
        code = AM_ERR_INTERNAL;
        text = AM_TXT_INTERNAL;
        break;
    case 502:
        code = AM_ERR_BAD_GATEWAY;
        text = AM_TXT_BAD_GATEWAY;
        break;
    case 503:
        code = AM_ERR_UNAVAILABLE;
        text = AM_TXT_UNAVAILABLE;
        break;
    case 504:
        code = AM_ERR_GATEWAY_TIMEOUT;
        text = AM_TXT_GATEWAY_TIMEOUT;
        break;
    default:
        break;
    }
    r = am_response_error(resp, f->code, code, text);
    if (r < 0)
        return r;
    snprintf(num, sizeof(num), "%u", f->reset_s ? f->reset_s : 60);
    if (f->code == 429) {
        char limit[24];

        snprintf(limit, sizeof(limit), "%u", AM_RATELIMIT_DEFAULT_QUOTA);
        if ((r = am_response_set_header(resp, "RateLimit-Limit", limit)) < 0 ||
            (r = am_response_set_header(resp, "RateLimit-Remaining", "0")) < 0 ||
            (r = am_response_set_header(resp, "RateLimit-Reset", num)) < 0)
            return r;
    }
    if (f->code == 429 || f->code == 503) {
        if ((r = am_response_set_header(resp, "Retry-After", num)) < 0)
            return r;
    }
    return 0;
}

/* ---- compiled rules ----------------------------------------------------------------- */

/* Hot matcher fields first: most requests are rejected by the first few. */
struct rule {
    enum am_fault_kind kind; /* == fault.kind */
    bool has_method;
    enum am_method method;
    enum am_route route; /* NONE = any */
    bool has_path;
    char *account;
    char *event;    /* webhook faults: event name, NULL = any */
    cJSON *headers; /* object name -> string, or NULL */
    cJSON *body;    /* object field -> scalar, or NULL */
    struct am_pathpat path;
    /* schedule */
    bool has_probability;
    double probability;
    uint64_t seed;
    uint64_t fire_rng, sample_rng;
    uint64_t times; /* 0 = unlimited */
    uint64_t skip;
    uint64_t seq_bits; /* bit k set = element k is "fail" */
    unsigned seq_len;
    /* stats */
    uint64_t matched, fired;
    /* cold */
    struct am_fault fault;
    char id[AM_FAULT_ID_MAX];
    char *description;
};

/* A rule's cheapest checks, packed in an array beside the rules so that a request no rule
 * wants touches a few cache lines instead of every rule. */
struct prefilter {
    uint32_t tail_hash; /* hash of the last literal segment before any '**' */
    uint32_t account_hash; /* PF_ACCOUNT: FNV-1a of the account id */
    uint32_t header_hash;  /* PF_HEADER: FNV-1a of the first header name, lower-cased */
    uint16_t route;     /* 0 = any */
    uint8_t method;     /* PF_ANY_METHOD = any */
    uint8_t nseg;       /* segments before any '**' */
    uint8_t tail_idx;
    uint8_t flags;
};

#define PF_ANY_METHOD 0xff
#define PF_CONNECTION 0x01
#define PF_PATH 0x02
#define PF_GLOBSTAR 0x04
#define PF_TAIL 0x08
#define PF_ACCOUNT 0x10
#define PF_HEADER 0x20

/* What the prefilters need from the request, computed at most once per decide call. */
struct request_hashes {
    bool account_done, headers_done;
    uint32_t account;
    uint32_t headers[AM_REQUEST_MAX_HEADERS];
    size_t n_headers;
};

/* The anchor index. Every request rule is filed under one key that its prefilter demands
 * of a request: a header name, the account, one literal path segment (its position and
 * hash), the operation, the method, or nothing ("any"). A request looks up its own keys
 * and only the rules filed there are tried, so rules that cannot match cost nothing per
 * rule (issue 12: 100 non-matching rules <= 2% of a GET). A request's header names and
 * path segments are hashed only when some rule was filed under one of that length (and,
 * for segments, position): a different length cannot match. Rebuilt at the first decide
 * after a change. */
#define IX_SLOTS (2 * AM_FAULTS_MAX_RULES) /* open addressing, at most half full */
#define IX_END 0xffffu
enum ix_kind { IX_ANY = 1, IX_METHOD, IX_ROUTE, IX_SEG, IX_ACCOUNT, IX_HEADER };

struct am_fault_rules {
    struct rule **v;
    struct prefilter pf[AM_FAULTS_MAX_RULES]; /* pf[i] describes v[i] */
    size_t n;
    size_t n_connection; /* tls-abort/refuse and webhook rules, to skip the loops cheaply */
    uint64_t base_seed;
    uint64_t created; /* rules ever added: derives default seeds */
    uint64_t next_id;
    uint64_t header_rng;
    uint64_t body_parses;
    /* anchor index (above); ix_dirty after any change to v/pf */
    bool ix_dirty;
    bool ix_seg, ix_account;            /* some rule is filed under such a key */
    uint64_t ix_header_lens;            /* len_bit() of the header names filed */
    uint64_t ix_seg_lens[AM_PATHPAT_MAX_SEGS]; /* per position, len_bit() of the segments */
    uint32_t ix_mask;                   /* slots in use - 1 */
    uint64_t ix_key[IX_SLOTS];          /* 0 = empty slot */
    uint16_t ix_head[IX_SLOTS];         /* first rule filed under ix_key[s] */
    uint16_t ix_next[AM_FAULTS_MAX_RULES]; /* next rule under the same key, IX_END ends */
};

static void rule_free(struct rule *r)
{
    if (!r)
        return;
    free(r->description);
    free(r->account);
    free(r->event);
    am_pathpat_free(&r->path);
    cJSON_Delete(r->headers);
    cJSON_Delete(r->body);
    free(r);
}

static uint32_t lower_hash(const char *p)
{
    uint32_t h = 2166136261u;

    for (; *p; p++) {
        uint8_t c = (uint8_t)*p;
        h = (h ^ (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619u;
    }
    return h;
}

/* Must start with '/'; "*" segments and a final "**" (core/pathpat.h). */
static int compile_path(const char *text, struct am_pathpat *pp, const char *where, char *err,
                        size_t err_len)
{
    char msg[160];
    int r;

    if (text[0] != '/')
        return ferr(err, err_len, where, "path", "must start with '/'");
    r = am_pathpat_compile(text, AM_PATHPAT_WILDCARDS, pp, msg, sizeof(msg));
    return r == -EINVAL ? ferr(err, err_len, where, "path", "%s", msg) : r;
}

static int parse_method(const char *s, enum am_method *ret)
{
    for (int m = 0; m < _AM_METHOD_MAX; m++) {
        if (m != AM_METHOD_OTHER && strcmp(s, am_method_name((enum am_method)m)) == 0) {
            *ret = (enum am_method)m;
            return 0;
        }
    }
    return -EINVAL;
}

static bool valid_header_name(const char *s)
{
    if (!*s || strlen(s) > 128)
        return false;
    for (; *s; s++) {
        if (*s <= ' ' || *s >= 127 || strchr("()<>@,;:\\\"/[]?={}", *s))
            return false;
    }
    return true;
}

/* Rules are configuration, listed back whole by GET /__mock/faults so a listing can be
 * posted again: no part of one is a secret. A matcher name or value shaped like an API key
 * would make it one, so it is refused (the message never quotes it). */
#define KEY_SHAPED_REFUSAL                                                                        \
    "holds text shaped like an API key; rules are listed back whole, so they never hold "      \
    "one (match the account instead)"

static bool key_shaped(const cJSON *item)
{
    return am_key_shaped_text(item->string) ||
           (cJSON_IsString(item) && am_key_shaped_text(item->valuestring));
}

static int parse_match(const cJSON *m, struct rule *r, const char *where, char *err,
                       size_t err_len)
{
    static const char *const keys[] = {"method", "path", "operation", "account", "headers",
                                       "body", "event", NULL};
    char w[96];
    const cJSON *it;
    int rc;

    snprintf(w, sizeof(w), "%s%smatch", where, *where ? "." : "");
    if (!cJSON_IsObject(m))
        return ferr(err, err_len, w, "", "must be an object");
    if ((rc = check_keys(m, keys, w, err, err_len)) < 0)
        return rc;
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "method"))) {
        if (!cJSON_IsString(it) || parse_method(it->valuestring, &r->method) < 0)
            return ferr(err, err_len, w, "method", "must be GET, POST, PUT, DELETE, PATCH, HEAD "
                                                   "or OPTIONS");
        r->has_method = true;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "path"))) {
        if (!cJSON_IsString(it))
            return ferr(err, err_len, w, "path", "must be a string");
        if ((rc = compile_path(it->valuestring, &r->path, w, err, err_len)) < 0)
            return rc;
        r->has_path = true;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "operation"))) {
        if (!cJSON_IsString(it) || am_route_parse_api(it->valuestring, &r->route) < 0)
            return ferr(err, err_len, w, "operation", "unknown operation '%.48s'",
                        cJSON_IsString(it) ? it->valuestring : "");
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "account"))) {
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > 63)
            return ferr(err, err_len, w, "account", "must be an account id");
        if (!(r->account = strdup(it->valuestring)))
            return -ENOMEM;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "event"))) {
        if (!cJSON_IsString(it) || am_webhook_event_index(it->valuestring) < 0)
            return ferr(err, err_len, w, "event", "unknown webhook event '%.48s'",
                        cJSON_IsString(it) ? it->valuestring : "");
        if (!(r->event = strdup(it->valuestring)))
            return -ENOMEM;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "headers"))) {
        size_t n = 0;

        if (!cJSON_IsObject(it))
            return ferr(err, err_len, w, "headers", "must be an object");
        for (const cJSON *h = it->child; h; h = h->next, n++) {
            if (key_shaped(h))
                return ferr(err, err_len, w, "headers", "%s", KEY_SHAPED_REFUSAL);
            if (n == MAX_MATCH_HEADERS)
                return ferr(err, err_len, w, "headers", "at most %d headers",
                            MAX_MATCH_HEADERS);
            if (!valid_header_name(h->string) || !cJSON_IsString(h))
                return ferr(err, err_len, w, "headers", "'%.48s' needs a token name and a "
                                                        "string value", h->string);
            /* A rule is listed back whole: it must never hold a credential. */
            if (strcasecmp(h->string, "access_token") == 0 ||
                strcasecmp(h->string, "Authorization") == 0 ||
                strcasecmp(h->string, "X-Mock-Admin-Token") == 0)
                return ferr(err, err_len, w, "headers", "'%.48s' cannot be matched (it holds a "
                                                        "secret); match the account instead",
                            h->string);
            for (const cJSON *d = it->child; d != h; d = d->next) {
                if (strcasecmp(d->string, h->string) == 0)
                    return ferr(err, err_len, w, "headers", "duplicate header '%.48s'",
                                h->string);
            }
        }
        if (n && !(r->headers = cJSON_Duplicate(it, true)))
            return -ENOMEM;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(m, "body"))) {
        size_t n = 0;

        if (!cJSON_IsObject(it))
            return ferr(err, err_len, w, "body", "must be an object");
        for (const cJSON *f = it->child; f; f = f->next, n++) {
            if (key_shaped(f))
                return ferr(err, err_len, w, "body", "%s", KEY_SHAPED_REFUSAL);
            if (n == MAX_MATCH_FIELDS)
                return ferr(err, err_len, w, "body", "at most %d fields", MAX_MATCH_FIELDS);
            if (!(cJSON_IsString(f) || (cJSON_IsNumber(f) && isfinite(f->valuedouble)) ||
                  cJSON_IsBool(f) || cJSON_IsNull(f)))
                return ferr(err, err_len, w, "body", "'%.48s' must be a string, number, "
                                                     "boolean or null", f->string);
            for (const cJSON *d = it->child; d != f; d = d->next) {
                if (strcmp(d->string, f->string) == 0)
                    return ferr(err, err_len, w, "body", "duplicate field '%.48s'", f->string);
            }
        }
        if (n && !(r->body = cJSON_Duplicate(it, true)))
            return -ENOMEM;
    }
    return 0;
}

static int parse_schedule(const cJSON *s, struct rule *r, bool *ret_has_seed, const char *where,
                          char *err, size_t err_len)
{
    static const char *const keys[] = {"probability", "seed", "times", "skip", "sequence", NULL};
    char w[96];
    const cJSON *it;
    double v;
    int rc;

    snprintf(w, sizeof(w), "%s%sschedule", where, *where ? "." : "");
    if (!cJSON_IsObject(s))
        return ferr(err, err_len, w, "", "must be an object");
    if ((rc = check_keys(s, keys, w, err, err_len)) < 0)
        return rc;
    if ((it = cJSON_GetObjectItemCaseSensitive(s, "probability"))) {
        if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0.0 && it->valuedouble <= 1.0))
            return ferr(err, err_len, w, "probability", "must be a number in 0..1");
        r->has_probability = true;
        r->probability = it->valuedouble;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(s, "seed"))) {
        if (!am_json_integer(it, 0, MAX_SEED, &v))
            return ferr(err, err_len, w, "seed", "must be an integer in 0..2^53-1");
        r->seed = (uint64_t)v;
        *ret_has_seed = true;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(s, "times"))) {
        if (!am_json_integer(it, 1, MAX_COUNT, &v))
            return ferr(err, err_len, w, "times", "must be a positive integer");
        r->times = (uint64_t)v;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(s, "skip"))) {
        if (!am_json_integer(it, 0, MAX_COUNT, &v))
            return ferr(err, err_len, w, "skip", "must be a non-negative integer");
        r->skip = (uint64_t)v;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(s, "sequence"))) {
        unsigned n = 0;

        if (!cJSON_IsArray(it) || !it->child)
            return ferr(err, err_len, w, "sequence", "must be a non-empty array");
        for (const cJSON *e = it->child; e; e = e->next, n++) {
            if (n == MAX_SEQUENCE)
                return ferr(err, err_len, w, "sequence", "at most %d elements", MAX_SEQUENCE);
            if (!cJSON_IsString(e))
                return ferr(err, err_len, w, "sequence", "elements must be \"fail\" or \"pass\"");
            if (strcmp(e->valuestring, "fail") == 0)
                r->seq_bits |= 1ULL << n;
            else if (strcmp(e->valuestring, "pass") != 0 &&
                     strcmp(e->valuestring, "succeed") != 0)
                return ferr(err, err_len, w, "sequence", "unknown element '%.16s' (fail or pass)",
                            e->valuestring);
        }
        r->seq_len = n;
    }
    return 0;
}

/* Parses one rule object into a new rule (id left empty when not given). where is the
 * message prefix ("" or "rules[2]"). */
static int parse_rule(const cJSON *obj, uint64_t default_seed, const char *where,
                      struct rule **ret, char *err, size_t err_len)
{
    static const char *const keys[] = {"id", "description", "match", "fault", "schedule",
                                       "stats", NULL};
    struct rule *r = NULL;
    const cJSON *it;
    bool has_seed = false;
    char w[96];
    int rc;

    if (!cJSON_IsObject(obj))
        return ferr(err, err_len, where, "", "a rule must be an object");
    if ((rc = check_keys(obj, keys, where, err, err_len)) < 0)
        return rc;
    r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "id"))) {
        if (!cJSON_IsString(it) || !am_ident_valid(it->valuestring, AM_FAULT_ID_MAX)) {
            rc = ferr(err, err_len, where, "id", "must be 1..63 characters [A-Za-z0-9._-]");
            goto fail;
        }
        memcpy(r->id, it->valuestring, strlen(it->valuestring) + 1);
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "description"))) {
        if (!cJSON_IsString(it) || strlen(it->valuestring) > 256) {
            rc = ferr(err, err_len, where, "description", "must be a string of 256 bytes at most");
            goto fail;
        }
        if (am_key_shaped_text(it->valuestring)) {
            rc = ferr(err, err_len, where, "description", "%s", KEY_SHAPED_REFUSAL);
            goto fail;
        }
        if (!(r->description = strdup(it->valuestring))) {
            rc = -ENOMEM;
            goto fail;
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "match")) &&
        (rc = parse_match(it, r, where, err, err_len)) < 0)
        goto fail;
    snprintf(w, sizeof(w), "%s%sfault", where, *where ? "." : "");
    if (!(it = cJSON_GetObjectItemCaseSensitive(obj, "fault"))) {
        rc = ferr(err, err_len, where, "fault", "required");
        goto fail;
    }
    if ((rc = am_fault_from_json(it, w, &r->fault, err, err_len)) < 0)
        goto fail;
    r->kind = r->fault.kind;
    if (am_fault_is_webhook_kind(r->fault.kind) &&
        (r->has_method || r->has_path || r->route != AM_ROUTE_NONE || r->headers || r->body)) {
        rc = ferr(err, err_len, where, "match",
                  "'%s' acts on webhook deliveries: match only \"account\" and \"event\"",
                  am_fault_kind_name(r->fault.kind));
        goto fail;
    }
    if (r->event && !am_fault_is_webhook_kind(r->fault.kind)) {
        rc = ferr(err, err_len, where, "match", "\"event\" is only for webhook faults");
        goto fail;
    }
    if (connection_kind(r->fault.kind) &&
        (r->has_method || r->has_path || r->route != AM_ROUTE_NONE || r->account ||
         r->headers || r->body)) {
        rc = ferr(err, err_len, where, "match",
                  "'%s' fires before any request is read: its match must be empty",
                  am_fault_kind_name(r->fault.kind));
        goto fail;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(obj, "schedule")) &&
        (rc = parse_schedule(it, r, &has_seed, where, err, err_len)) < 0)
        goto fail;
    if (!has_seed)
        r->seed = default_seed;
    /* Two streams so latency samples never shift the fire sequence. */
    r->fire_rng = r->seed;
    r->sample_rng = r->seed ^ 0x5851f42d4c957f2dULL;
    *ret = r;
    return 0;
fail:
    rule_free(r);
    return rc;
}

static uint64_t default_seed(struct am_fault_rules *rules, uint64_t n)
{
    uint64_t s = rules->base_seed ^ (n * 0xd1b54a32d192ed03ULL);

    return splitmix64(&s) & ((1ULL << 53) - 1);
}

static struct rule *find_rule(const struct am_fault_rules *rules, const char *id, size_t *ret_i)
{
    for (size_t i = 0; i < rules->n; i++) {
        if (strcmp(rules->v[i]->id, id) == 0) {
            if (ret_i)
                *ret_i = i;
            return rules->v[i];
        }
    }
    return NULL;
}

static bool id_taken(const struct am_fault_rules *rules, struct rule *const *batch, size_t nb,
                     const char *id)
{
    if (find_rule(rules, id, NULL))
        return true;
    for (size_t i = 0; i < nb; i++) {
        if (strcmp(batch[i]->id, id) == 0)
            return true;
    }
    return false;
}

static void prefilter_of(const struct rule *r, struct prefilter *pf)
{
    memset(pf, 0, sizeof(*pf));
    pf->route = (uint16_t)r->route;
    pf->method = r->has_method ? (uint8_t)r->method : PF_ANY_METHOD;
    if (not_for_requests(r->kind))
        pf->flags |= PF_CONNECTION;
    if (r->account) {
        pf->flags |= PF_ACCOUNT;
        pf->account_hash = am_pathpat_hash(r->account, strlen(r->account));
    }
    if (r->headers && r->headers->child) {
        pf->flags |= PF_HEADER;
        pf->header_hash = lower_hash(r->headers->child->string);
    }
    if (r->has_path) {
        uint32_t fixed = r->path.globstar ? r->path.n - 1 : r->path.n;

        pf->flags |= PF_PATH | (r->path.globstar ? PF_GLOBSTAR : 0);
        pf->nseg = (uint8_t)fixed;
        for (uint32_t i = fixed; i-- > 0;) {
            if (!((r->path.wild >> i) & 1)) {
                pf->flags |= PF_TAIL;
                pf->tail_idx = (uint8_t)i;
                pf->tail_hash = r->path.hash[i];
                break;
            }
        }
    }
}

/* False when the prefilter alone proves the rule cannot match this request. */
static bool prefilter_pass(const struct prefilter *pf, const struct am_fault_request *in,
                           const char *path, struct am_pathpat_split *sp, struct request_hashes *rh)
{
    if (pf->flags & PF_CONNECTION)
        return false;
    if (pf->method != PF_ANY_METHOD && pf->method != (uint8_t)in->method)
        return false;
    if (pf->route && pf->route != (uint16_t)in->route)
        return false;
    if (pf->flags & PF_ACCOUNT) {
        if (!in->account_id)
            return false;
        if (!rh->account_done) {
            rh->account = am_pathpat_hash(in->account_id, strlen(in->account_id));
            rh->account_done = true;
        }
        if (rh->account != pf->account_hash)
            return false;
    }
    if (pf->flags & PF_HEADER) {
        bool present = false;
        if (!in->req)
            return false;
        if (!rh->headers_done) {
            /* Hash the request's header names once; rules then compare integers. */
            rh->n_headers = in->req->n_headers;
            for (size_t i = 0; i < rh->n_headers; i++)
                rh->headers[i] = lower_hash(in->req->headers[i].name);
            rh->headers_done = true;
        }
        for (size_t i = 0; i < rh->n_headers && !present; i++)
            present = rh->headers[i] == pf->header_hash;
        if (!present)
            return false;
    }
    if (pf->flags & PF_PATH) {
        if (!path)
            return false;
        if (!sp->done)
            am_pathpat_split(path, sp);
        if (!sp->valid)
            return true; /* too long to split: the full check decides */
        if ((pf->flags & PF_GLOBSTAR) ? sp->n < pf->nseg : sp->n != pf->nseg)
            return false;
        if ((pf->flags & PF_TAIL) && sp->hash[pf->tail_idx] != pf->tail_hash)
            return false;
    }
    return true;
}

static uint64_t ix_key(enum ix_kind kind, uint32_t idx, uint32_t value)
{
    return ((uint64_t)kind << 40) | ((uint64_t)idx << 32) | value;
}

static uint32_t ix_slot(const struct am_fault_rules *rules, uint64_t key)
{
    uint32_t s = (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & rules->ix_mask;

    while (rules->ix_key[s] && rules->ix_key[s] != key)
        s = (s + 1) & rules->ix_mask;
    return s;
}

/* The key a rule is filed under: the first of header, account, literal segment,
 * operation, method that its prefilter requires (the rarer on a request, the earlier). */
static uint64_t ix_anchor(const struct prefilter *pf)
{
    if (pf->flags & PF_HEADER)
        return ix_key(IX_HEADER, 0, pf->header_hash);
    if (pf->flags & PF_ACCOUNT)
        return ix_key(IX_ACCOUNT, 0, pf->account_hash);
    if (pf->flags & PF_TAIL)
        return ix_key(IX_SEG, pf->tail_idx, pf->tail_hash);
    if (pf->route)
        return ix_key(IX_ROUTE, 0, pf->route);
    if (pf->method != PF_ANY_METHOD)
        return ix_key(IX_METHOD, 0, pf->method);
    return ix_key(IX_ANY, 0, 0);
}

/* One bit per length below 63; bit 63 stands for every longer one. */
static uint64_t len_bit(size_t len)
{
    return 1ULL << (len < 63 ? len : 63);
}

static void ix_rebuild(struct am_fault_rules *rules)
{
    uint32_t slots = 16;

    while (slots < 2 * rules->n)
        slots *= 2;
    rules->ix_mask = slots - 1;
    memset(rules->ix_key, 0, slots * sizeof(rules->ix_key[0]));
    memset(rules->ix_seg_lens, 0, sizeof(rules->ix_seg_lens));
    rules->ix_header_lens = 0;
    rules->ix_seg = rules->ix_account = false;
    for (size_t i = rules->n; i-- > 0;) {
        const struct prefilter *pf = &rules->pf[i];
        const struct rule *r = rules->v[i];
        uint64_t key;
        uint32_t s;

        if (pf->flags & PF_CONNECTION)
            continue; /* never tried for a request */
        key = ix_anchor(pf);
        switch ((enum ix_kind)(key >> 40)) {
        case IX_HEADER:
            rules->ix_header_lens |= len_bit(strlen(r->headers->child->string));
            break;
        case IX_ACCOUNT:
            rules->ix_account = true;
            break;
        case IX_SEG:
            rules->ix_seg = true;
            rules->ix_seg_lens[pf->tail_idx] |= len_bit(r->path.lens[pf->tail_idx]);
            break;
        default:
            break;
        }
        s = ix_slot(rules, key);
        if (!rules->ix_key[s]) {
            rules->ix_key[s] = key;
            rules->ix_head[s] = IX_END;
        }
        rules->ix_next[i] = rules->ix_head[s];
        rules->ix_head[s] = (uint16_t)i;
    }
    rules->ix_dirty = false;
}

/* Marks every rule filed under key as a candidate. */
static void ix_visit(const struct am_fault_rules *rules, uint64_t key, uint64_t *cand)
{
    uint32_t s = ix_slot(rules, key);

    if (!rules->ix_key[s])
        return;
    for (uint32_t i = rules->ix_head[s]; i != IX_END; i = rules->ix_next[i])
        cand[i >> 6] |= 1ULL << (i & 63);
}

/* Validates ids and capacity of a parsed batch, then appends it (ownership moves on
 * success; the caller frees the batch's rules on failure). */
static int commit_batch(struct am_fault_rules *rules, struct rule **batch, size_t nb,
                        const char *source, char *err, size_t err_len)
{
    struct rule **v;
    const char *sep = *source ? ": " : "";

    if (rules->n + nb > AM_FAULTS_MAX_RULES) {
        if (err && err_len)
            snprintf(err, err_len, "%s%sat most %d rules", source, sep, AM_FAULTS_MAX_RULES);
        return -ENOSPC;
    }
    for (size_t i = 0; i < nb; i++) {
        if (batch[i]->id[0] && id_taken(rules, batch, i, batch[i]->id)) {
            if (err && err_len)
                snprintf(err, err_len, "%s%sid '%s' already exists", source, sep, batch[i]->id);
            return -EEXIST;
        }
    }
    v = realloc(rules->v, (rules->n + nb + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    rules->v = v;
    for (size_t i = 0; i < nb; i++) {
        struct rule *r = batch[i];

        while (!r->id[0]) {
            char id[AM_FAULT_ID_MAX];

            snprintf(id, sizeof(id), "flt_%llu", (unsigned long long)++rules->next_id);
            if (!id_taken(rules, batch, nb, id))
                memcpy(r->id, id, sizeof(id));
        }
        if (not_for_requests(r->fault.kind))
            rules->n_connection++;
        prefilter_of(r, &rules->pf[rules->n]);
        rules->v[rules->n++] = r;
    }
    rules->ix_dirty = true;
    return 0;
}

struct am_fault_rules *am_fault_rules_new(uint64_t base_seed)
{
    struct am_fault_rules *rules = calloc(1, sizeof(*rules));

    if (!rules)
        return NULL;
    rules->base_seed = base_seed;
    rules->header_rng = base_seed ^ 0x2545f4914f6cdd1dULL;
    rules->ix_dirty = true;
    return rules;
}

void am_fault_rules_clear(struct am_fault_rules *rules)
{
    for (size_t i = 0; i < rules->n; i++)
        rule_free(rules->v[i]);
    rules->n = 0;
    rules->n_connection = 0;
    rules->ix_dirty = true;
}

void am_fault_rules_free(struct am_fault_rules *rules)
{
    if (!rules)
        return;
    am_fault_rules_clear(rules);
    free(rules->v);
    free(rules);
}

size_t am_fault_rules_count(const struct am_fault_rules *rules)
{
    return rules->n;
}

int am_fault_rules_add_json(struct am_fault_rules *rules, const cJSON *obj, char *ret_id,
                            char *err, size_t err_len)
{
    struct rule *r = NULL;
    int rc;

    rc = parse_rule(obj, default_seed(rules, rules->created + 1), "", &r, err, err_len);
    if (rc < 0)
        return rc;
    rc = commit_batch(rules, &r, 1, "", err, err_len);
    if (rc < 0) {
        rule_free(r);
        return rc;
    }
    rules->created++;
    if (ret_id)
        memcpy(ret_id, r->id, AM_FAULT_ID_MAX);
    return 0;
}

int am_fault_rules_remove(struct am_fault_rules *rules, const char *id)
{
    size_t i;
    struct rule *r = find_rule(rules, id, &i);

    if (!r)
        return -ENOENT;
    if (not_for_requests(r->fault.kind))
        rules->n_connection--;
    rule_free(r);
    memmove(&rules->v[i], &rules->v[i + 1], (rules->n - i - 1) * sizeof(rules->v[0]));
    memmove(&rules->pf[i], &rules->pf[i + 1], (rules->n - i - 1) * sizeof(rules->pf[0]));
    rules->n--;
    rules->ix_dirty = true;
    return 0;
}

static cJSON *rule_json(const struct rule *r)
{
    cJSON *o = cJSON_CreateObject(), *m = NULL, *s = NULL, *st = NULL, *f = NULL, *x;
    char seed[24];

    if (!o || !cJSON_AddStringToObject(o, "id", r->id))
        goto fail;
    if (r->description && !cJSON_AddStringToObject(o, "description", r->description))
        goto fail;
    if (!(m = cJSON_AddObjectToObject(o, "match")))
        goto fail;
    if (r->has_method && !cJSON_AddStringToObject(m, "method", am_method_name(r->method)))
        goto fail;
    if (r->has_path && !cJSON_AddStringToObject(m, "path", r->path.text))
        goto fail;
    if (r->route != AM_ROUTE_NONE &&
        !cJSON_AddStringToObject(m, "operation", am_route_name(r->route)))
        goto fail;
    if (r->account && !cJSON_AddStringToObject(m, "account", r->account))
        goto fail;
    if (r->event && !cJSON_AddStringToObject(m, "event", r->event))
        goto fail;
    if (r->headers) {
        if (!(x = cJSON_Duplicate(r->headers, true)))
            goto fail;
        cJSON_AddItemToObject(m, "headers", x);
    }
    if (r->body) {
        if (!(x = cJSON_Duplicate(r->body, true)))
            goto fail;
        cJSON_AddItemToObject(m, "body", x);
    }
    if (!(f = am_fault_to_json(&r->fault)))
        goto fail;
    cJSON_AddItemToObject(o, "fault", f);
    if (!(s = cJSON_AddObjectToObject(o, "schedule")))
        goto fail;
    if (r->has_probability && !cJSON_AddNumberToObject(s, "probability", r->probability))
        goto fail;
    /* As exact integer text: cJSON prints large doubles with 15 significant digits, and a
     * seed that lost digits would not replay the listed rule's sequence. */
    snprintf(seed, sizeof(seed), "%" PRIu64, r->seed);
    if (!cJSON_AddRawToObject(s, "seed", seed))
        goto fail;
    if (r->times && !cJSON_AddNumberToObject(s, "times", (double)r->times))
        goto fail;
    if (r->skip && !cJSON_AddNumberToObject(s, "skip", (double)r->skip))
        goto fail;
    if (r->seq_len) {
        cJSON *a = cJSON_AddArrayToObject(s, "sequence");

        if (!a)
            goto fail;
        for (unsigned i = 0; i < r->seq_len; i++) {
            x = cJSON_CreateString((r->seq_bits >> i) & 1 ? "fail" : "pass");
            if (!x)
                goto fail;
            cJSON_AddItemToArray(a, x);
        }
    }
    if (!(st = cJSON_AddObjectToObject(o, "stats")) ||
        !cJSON_AddNumberToObject(st, "matched", (double)r->matched) ||
        !cJSON_AddNumberToObject(st, "fired", (double)r->fired))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_fault_rules_list_json(const struct am_fault_rules *rules)
{
    cJSON *o = cJSON_CreateObject(), *a;

    if (!o || !(a = cJSON_AddArrayToObject(o, "rules")))
        goto fail;
    for (size_t i = 0; i < rules->n; i++) {
        cJSON *r = rule_json(rules->v[i]);

        if (!r)
            goto fail;
        cJSON_AddItemToArray(a, r);
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

cJSON *am_fault_rules_get_json(const struct am_fault_rules *rules, const char *id)
{
    const struct rule *r = find_rule(rules, id, NULL);

    return r ? rule_json(r) : NULL;
}

int am_fault_rules_load_text(struct am_fault_rules *rules, const char *text, size_t len,
                             const char *source, char *err, size_t err_len)
{
    cJSON *root = NULL;
    const cJSON *arr;
    struct rule **batch = NULL;
    size_t nb = 0, n = 0;
    char msg[256];
    int rc = am_json_text_load(text, len, source, err, err_len, &root);

    if (rc < 0)
        goto out;
    arr = root;
    if (cJSON_IsObject(root)) {
        static const char *const keys[] = {"rules", NULL};

        if ((rc = check_keys(root, keys, "", msg, sizeof(msg))) < 0) {
            if (err && err_len)
                snprintf(err, err_len, "%s: %s", source, msg);
            goto out;
        }
        arr = cJSON_GetObjectItemCaseSensitive(root, "rules");
    }
    if (!cJSON_IsArray(arr)) {
        if (err && err_len)
            snprintf(err, err_len, "%s: expected an array of rules or {\"rules\":[...]}", source);
        rc = -EINVAL;
        goto out;
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > AM_FAULTS_MAX_RULES) {
        if (err && err_len)
            snprintf(err, err_len, "%s: at most %d rules", source, AM_FAULTS_MAX_RULES);
        rc = -ENOSPC;
        goto out;
    }
    batch = calloc(n + 1, sizeof(*batch));
    if (!batch) {
        rc = -ENOMEM;
        goto out;
    }
    for (const cJSON *it = arr->child; it; it = it->next, nb++) {
        char where[32];

        snprintf(where, sizeof(where), "rules[%zu]", nb);
        rc = parse_rule(it, default_seed(rules, rules->created + nb + 1), where, &batch[nb], msg,
                        sizeof(msg));
        if (rc < 0) {
            if (err && err_len)
                snprintf(err, err_len, "%s: %s", source, msg);
            goto out;
        }
    }
    rc = commit_batch(rules, batch, nb, source, err, err_len);
    if (rc == 0) {
        rules->created += nb;
        nb = 0; /* owned by the set now */
    }
out:
    for (size_t i = 0; i < nb; i++)
        rule_free(batch[i]);
    free(batch);
    cJSON_Delete(root);
    return rc;
}

int am_fault_rules_load_file(struct am_fault_rules *rules, const char *path, char *err,
                             size_t err_len)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = am_textfile_read(path, 64u << 20, &buf, &len, err, err_len);

    if (rc == 0)
        rc = am_fault_rules_load_text(rules, buf, len, path, err, err_len);
    free(buf);
    return rc;
}

/* ---- deciding ----------------------------------------------------------------------- */

/* The request body as JSON, parsed on first need and at most once per decide call. */
struct body_cache {
    bool tried;
    cJSON *json; /* an object, or NULL when absent/invalid */
};

static const cJSON *body_json(struct am_fault_rules *rules, const struct am_fault_request *in,
                              struct body_cache *bc)
{
    char *copy;

    if (bc->tried)
        return bc->json;
    bc->tried = true;
    if (!in->body || in->body_len == 0)
        return NULL;
    rules->body_parses++;
    copy = malloc(in->body_len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, in->body, in->body_len);
    copy[in->body_len] = '\0';
    bc->json = cJSON_ParseWithLength(copy, in->body_len);
    free(copy);
    if (bc->json && !cJSON_IsObject(bc->json)) {
        cJSON_Delete(bc->json);
        bc->json = NULL;
    }
    return bc->json;
}

static bool scalar_equal(const cJSON *want, const cJSON *got)
{
    if (cJSON_IsString(want))
        return cJSON_IsString(got) && strcmp(want->valuestring, got->valuestring) == 0;
    if (cJSON_IsNumber(want))
        return cJSON_IsNumber(got) && want->valuedouble == got->valuedouble;
    if (cJSON_IsBool(want))
        return cJSON_IsBool(got) && cJSON_IsTrue(want) == cJSON_IsTrue(got);
    return cJSON_IsNull(got);
}

/* Cheapest checks first; the body is reached only when everything else held. */
static bool rule_matches(struct am_fault_rules *rules, const struct rule *r,
                         const struct am_fault_request *in, const char *path,
                         struct am_pathpat_split *sp, struct body_cache *bc)
{
    const cJSON *body;

    if (r->has_method && r->method != in->method)
        return false;
    if (r->route != AM_ROUTE_NONE && r->route != in->route)
        return false;
    if (r->account && (!in->account_id || strcmp(r->account, in->account_id) != 0))
        return false;
    if (r->has_path && (!path || !am_pathpat_match(&r->path, path, sp)))
        return false;
    if (r->headers) {
        if (!in->req)
            return false;
        for (const cJSON *h = r->headers->child; h; h = h->next) {
            const char *v = am_request_header(in->req, h->string);

            if (!v || strcmp(v, h->valuestring) != 0)
                return false;
        }
    }
    if (r->body) {
        if (!(body = body_json(rules, in, bc)))
            return false;
        for (const cJSON *f = r->body->child; f; f = f->next) {
            const cJSON *got = cJSON_GetObjectItemCaseSensitive(body, f->string);

            if (!got || !scalar_equal(f, got))
                return false;
        }
    }
    return true;
}

/* Called on a match; applies skip, times, sequence and probability in that order. */
static bool schedule_fires(struct rule *r)
{
    r->matched++;
    if (r->matched <= r->skip)
        return false;
    if (r->times && r->fired >= r->times)
        return false;
    if (r->seq_len) {
        uint64_t k = r->matched - r->skip - 1;

        if (k >= r->seq_len)
            k = r->seq_len - 1;
        if (!((r->seq_bits >> k) & 1))
            return false;
    }
    if (r->has_probability && r->probability < 1.0 && !(unit_draw(&r->fire_rng) < r->probability))
        return false;
    r->fired++;
    return true;
}

static void fire(struct rule *r, struct am_fault *ret, char ret_rule_id[AM_FAULT_ID_MAX])
{
    *ret = r->fault;
    if (ret->kind == AM_FAULT_LATENCY || ret->kind == AM_FAULT_WH_DELAY)
        ret->delay_ms = am_fault_latency_ms(&r->fault, &r->sample_rng);
    if (ret_rule_id)
        memcpy(ret_rule_id, r->id, AM_FAULT_ID_MAX);
}

/* Visits the keys of path's segments, splitting as am_pathpat_split does; a segment is
 * hashed only when a rule was filed under its position and length. False when the path
 * cannot be split (the prefilters then leave path rules to the full check). */
static bool ix_visit_segments(const struct am_fault_rules *rules, const char *path,
                              uint64_t *cand)
{
    const char *p = path;

    if (*p != '/')
        return false;
    p++;
    for (uint32_t n = 0;; n++) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (n == AM_PATHPAT_MAX_SEGS || len > UINT32_MAX)
            return false;
        if (rules->ix_seg_lens[n] & len_bit(len))
            ix_visit(rules, ix_key(IX_SEG, n, am_pathpat_hash(p, len)), cand);
        if (!slash)
            return true;
        p = slash + 1;
    }
}

/* Marks the rules the anchor index gives for this request in cand (a bitmap over rule
 * positions). The account hash it computes goes to rh, for the prefilters. */
static void ix_candidates(struct am_fault_rules *rules, const struct am_fault_request *in,
                          const char *path, struct request_hashes *rh, uint64_t *cand)
{
    if (rules->ix_dirty)
        ix_rebuild(rules);
    ix_visit(rules, ix_key(IX_ANY, 0, 0), cand);
    ix_visit(rules, ix_key(IX_METHOD, 0, (uint8_t)in->method), cand);
    if (in->route)
        ix_visit(rules, ix_key(IX_ROUTE, 0, (uint16_t)in->route), cand);
    if (rules->ix_account && in->account_id) {
        rh->account = am_pathpat_hash(in->account_id, strlen(in->account_id));
        rh->account_done = true;
        ix_visit(rules, ix_key(IX_ACCOUNT, 0, rh->account), cand);
    }
    if (rules->ix_header_lens && in->req) {
        for (size_t i = 0; i < in->req->n_headers; i++) {
            const char *name = in->req->headers[i].name;

            if (rules->ix_header_lens & len_bit(strlen(name)))
                ix_visit(rules, ix_key(IX_HEADER, 0, lower_hash(name)), cand);
        }
    }
    if (rules->ix_seg && path && !ix_visit_segments(rules, path, cand)) {
        /* Not splittable: every rule is a candidate, as without the index. */
        for (size_t i = 0; i < rules->n; i++)
            cand[i >> 6] |= 1ULL << (i & 63);
    }
}

int am_faults_decide(struct am_fault_rules *rules, const struct am_fault_request *in,
                     struct am_fault *ret, char ret_rule_id[AM_FAULT_ID_MAX])
{
    struct body_cache bc = {false, NULL};
    struct am_pathpat_split sp;
    struct request_hashes rh;
    uint64_t cand[AM_FAULTS_MAX_RULES / 64];
    const char *path;
    size_t words;
    int fired = 0;

    if (rules->n == rules->n_connection)
        return 0;
    path = in->path ? am_router_normalise_path(in->path) : NULL;
    sp.done = false;
    rh.account_done = rh.headers_done = false;
    rh.account = 0;
    rh.n_headers = 0;
    words = (rules->n + 63) / 64;
    memset(cand, 0, words * sizeof(cand[0]));
    ix_candidates(rules, in, path, &rh, cand);
    /* Candidates in rule order: the first that fires wins, as without the index. */
    for (size_t w = 0; w < words && !fired; w++) {
        for (uint64_t bits = cand[w]; bits && !fired; bits &= bits - 1) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
            struct rule *r;

            if (!prefilter_pass(&rules->pf[i], in, path, &sp, &rh))
                continue;
            r = rules->v[i];
            if (!rule_matches(rules, r, in, path, &sp, &bc))
                continue;
            if (schedule_fires(r)) {
                fire(r, ret, ret_rule_id);
                fired = 1;
            }
        }
    }
    cJSON_Delete(bc.json);
    return fired;
}

int am_faults_decide_connection(struct am_fault_rules *rules, struct am_fault *ret,
                                char ret_rule_id[AM_FAULT_ID_MAX])
{
    if (rules->n_connection == 0)
        return 0;
    for (size_t i = 0; i < rules->n; i++) {
        struct rule *r = rules->v[i];

        if (connection_kind(r->kind) && schedule_fires(r)) {
            fire(r, ret, ret_rule_id);
            return 1;
        }
    }
    return 0;
}

int am_faults_decide_webhook(struct am_fault_rules *rules, const char *account_id,
                             const char *event, struct am_fault *ret,
                             char ret_rule_id[AM_FAULT_ID_MAX])
{
    if (rules->n_connection == 0)
        return 0;
    for (size_t i = 0; i < rules->n; i++) {
        struct rule *r = rules->v[i];

        if (!am_fault_is_webhook_kind(r->kind))
            continue;
        if ((r->account && strcmp(r->account, account_id) != 0) ||
            (r->event && strcmp(r->event, event) != 0))
            continue;
        if (schedule_fires(r)) {
            fire(r, ret, ret_rule_id);
            return 1;
        }
    }
    return 0;
}

void am_faults_resolve(struct am_fault_rules *rules, struct am_fault *f)
{
    if (f->kind == AM_FAULT_LATENCY)
        f->delay_ms = am_fault_latency_ms(f, &rules->header_rng);
}

uint64_t am_faults_body_parses(const struct am_fault_rules *rules)
{
    return rules->body_parses;
}

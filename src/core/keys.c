/* keys.c - Asaas API key shapes, redaction and generation (see keys.h). */
#include "keys.h"

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#define KEY_PREFIX "$aact_"
#define KEY_PREFIX_LEN (sizeof(KEY_PREFIX) - 1)
#define ENV_MARKER_LEN 5 /* "hmlg_" / "prod_" */
#define KEY_MIN_BODY 16
#define REDACT_TAIL 4
#define REDACT_MIN_LEN 12

/* Base64 (both alphabets) and '=' (A-Z a-z 0-9 + - / = _): 1 per byte that may follow
 * the prefix, looked up for every request's key. */
static const unsigned char key_chars[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Length of the recognised prefix of key and its shape, before looking at the body. */
static enum am_key_shape prefix_of(const char *key, size_t *ret_prefix_len)
{
    if (strncmp(key, KEY_PREFIX, KEY_PREFIX_LEN) != 0)
        return AM_KEY_SHAPE_INVALID;
    if (strncmp(key + KEY_PREFIX_LEN, "hmlg_", ENV_MARKER_LEN) == 0) {
        *ret_prefix_len = KEY_PREFIX_LEN + ENV_MARKER_LEN;
        return AM_KEY_SHAPE_SANDBOX;
    }
    if (strncmp(key + KEY_PREFIX_LEN, "prod_", ENV_MARKER_LEN) == 0) {
        *ret_prefix_len = KEY_PREFIX_LEN + ENV_MARKER_LEN;
        return AM_KEY_SHAPE_PRODUCTION;
    }
    *ret_prefix_len = KEY_PREFIX_LEN;
    return AM_KEY_SHAPE_LEGACY;
}

enum am_key_shape am_key_classify(const char *key)
{
    enum am_key_shape shape;
    const unsigned char *p, *end;
    size_t prefix_len = 0, len;
    unsigned all = 1;

    if (!key)
        return AM_KEY_SHAPE_INVALID;
    shape = prefix_of(key, &prefix_len);
    if (shape == AM_KEY_SHAPE_INVALID)
        return shape;
    /* Bounded: a huge header value costs no more than AM_KEY_MAX_LEN + 1 steps. */
    len = strnlen(key, AM_KEY_MAX_LEN + 1);
    if (len > AM_KEY_MAX_LEN || len - prefix_len < KEY_MIN_BODY)
        return AM_KEY_SHAPE_INVALID;
    /* Every request's key passes here: no branch per character, eight at a time. */
    p = (const unsigned char *)key + prefix_len;
    end = (const unsigned char *)key + len;
    for (; end - p >= 8; p += 8)
        all &= key_chars[p[0]] & key_chars[p[1]] & key_chars[p[2]] & key_chars[p[3]] &
               key_chars[p[4]] & key_chars[p[5]] & key_chars[p[6]] & key_chars[p[7]];
    for (; p < end; p++)
        all &= key_chars[*p];
    return all ? shape : AM_KEY_SHAPE_INVALID;
}

bool am_key_shape_matches_env(enum am_key_shape shape, enum am_environment env)
{
    switch (shape) {
    case AM_KEY_SHAPE_LEGACY:
        return true;
    case AM_KEY_SHAPE_SANDBOX:
        return env == AM_ENV_SANDBOX;
    case AM_KEY_SHAPE_PRODUCTION:
        return env == AM_ENV_PRODUCTION;
    case AM_KEY_SHAPE_INVALID:
    default:
        return false;
    }
}

/* Tail characters of non-keys may be anything; keep log lines one line of plain ASCII. */
static char safe_char(unsigned char c)
{
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\'' || c == '\\')
        return '?';
    return (char)c;
}

void am_key_redact_shaped(const char *key, enum am_key_shape shape, char *out, size_t out_len)
{
    char buf[AM_KEY_REDACTED_LEN];
    size_t len, prefix_len = 0, pos = 0;

    if (!out || out_len == 0)
        return;
    buf[0] = '\0';
    if (!key)
        goto out;
    len = strlen(key);
    if (len < REDACT_MIN_LEN) {
        memcpy(buf, "...", 4);
        goto out;
    }
    if (shape != AM_KEY_SHAPE_INVALID) {
        (void)prefix_of(key, &prefix_len);
        memcpy(buf, key, prefix_len);
        pos = prefix_len;
    }
    memcpy(buf + pos, "...", 3);
    pos += 3;
    for (size_t i = len - REDACT_TAIL; i < len; i++)
        buf[pos++] = safe_char((unsigned char)key[i]);
    buf[pos] = '\0';
out:
    pos = strnlen(buf, out_len - 1); /* snprintf("%s")'s truncation, without the format */
    memcpy(out, buf, pos);
    out[pos] = '\0';
}

void am_key_redact(const char *key, char *out, size_t out_len)
{
    am_key_redact_shaped(key, am_key_classify(key), out, out_len);
}

int am_key_generate(enum am_environment env, char *out, size_t out_len)
{
    /* "<32 hex>::<19 digits>::$aach_<uuid>" is 97 bytes; base64 of it is 132. */
    uint8_t rnd[16 + 8 + 16];
    char hex[33], uuid[37], triple[128], b64[4 * ((sizeof(triple) + 2) / 3) + 1];
    uint64_t number;
    uint8_t *u;
    int r, n;

    if (!out || out_len < AM_KEY_MAX_LEN)
        return -EINVAL;
    r = am_random_bytes(rnd, sizeof(rnd));
    if (r < 0)
        return r;
    am_hex(rnd, 16, hex);
    memcpy(&number, rnd + 16, sizeof(number));
    number %= 10000000000000000000ULL; /* 19 digits */
    u = rnd + 24;
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
    n = snprintf(triple, sizeof(triple), "%s::%019llu::$aach_%s", hex,
                 (unsigned long long)number, uuid);
    am_base64((const uint8_t *)triple, (size_t)n, b64);
    snprintf(out, out_len, "%s%s", env == AM_ENV_PRODUCTION ? "$aact_prod_000" : "$aact_hmlg_000",
             b64);
    /* Intermediate copies of the secret do not outlive this call. */
    explicit_bzero(rnd, sizeof(rnd));
    explicit_bzero(hex, sizeof(hex));
    explicit_bzero(uuid, sizeof(uuid));
    explicit_bzero(triple, sizeof(triple));
    explicit_bzero(b64, sizeof(b64));
    explicit_bzero(&number, sizeof(number));
    return 0;
}

int am_environment_parse(const char *s, enum am_environment *ret_env)
{
    if (!s || !ret_env)
        return -EINVAL;
    if (strcmp(s, "sandbox") == 0) {
        *ret_env = AM_ENV_SANDBOX;
        return 0;
    }
    if (strcmp(s, "production") == 0) {
        *ret_env = AM_ENV_PRODUCTION;
        return 0;
    }
    return -EINVAL;
}

const char *am_environment_name(enum am_environment env)
{
    switch (env) {
    case AM_ENV_SANDBOX:
        return "sandbox";
    case AM_ENV_PRODUCTION:
        return "production";
    default:
        return "unknown";
    }
}

static bool scrub_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '=' || c == '_' || c == '-' || c == '%';
}

/* Where the key-shaped run starting at p ("aact_...") ends, or NULL when what follows
 * "aact_" and its environment is too short (< 8 characters) to be a key. */
static const char *key_run_end(const char *p, const char *limit)
{
    const char *run = p + 5, *end;

    if (limit - run >= 5 && (strncmp(run, "hmlg_", 5) == 0 || strncmp(run, "prod_", 5) == 0))
        run += 5;
    for (end = run; end < limit && *end && scrub_char(*end); end++)
        ;
    return end - run >= 8 ? end : NULL;
}

bool am_key_shaped_text(const char *s)
{
    for (const char *p = s; p && (p = strstr(p, "aact_")) != NULL; p += 5) {
        if (key_run_end(p, p + strlen(p)))
            return true;
    }
    return false;
}

/* A client may put a key where it does not belong (a query string, a path): before a
 * path reaches the journal or the log, every "aact_..." run keeps only its prefix and
 * last 4 characters, like am_key_redact(). Works in place (the result is shorter). */
void am_key_scrub(char *s)
{
    char *p = s;

    while ((p = strstr(p, "aact_")) != NULL) {
        const char *end = key_run_end(p, p + strlen(p));
        char *run = p + 5;

        if (!end) {
            p = run;
            continue;
        }
        if (strncmp(run, "hmlg_", 5) == 0 || strncmp(run, "prod_", 5) == 0)
            run += 5;
        memcpy(run, "...", 3);
        memmove(run + 3, end - 4, strlen(end - 4) + 1);
        p = run + 7;
    }
}

/* Copies [from, to) to o with every "~" doubled; returns the new end of o. */
static char *copy_doubling_tildes(char *o, const char *from, const char *to)
{
    const char *t;

    while ((t = memchr(from, '~', (size_t)(to - from))) != NULL) {
        memcpy(o, from, (size_t)(t - from) + 1);
        o += t - from + 1;
        *o++ = '~';
        from = t + 1;
    }
    memcpy(o, from, (size_t)(to - from));
    return o + (to - from);
}

/* Every "aact_" has its '_' four bytes in: memchr() for '_' (rare in the payloads: ids
 * such as "cus_" and "pay_") finds the candidates, so the bytes between them are copied
 * whole instead of checked one by one. */
size_t am_key_conceal_to(const char *s, size_t len, char *out)
{
    const char *limit = s + len, *emit = s, *scan = s, *u;
    char *o = out;

    while (limit - scan > 4 && (u = memchr(scan + 4, '_', (size_t)(limit - scan - 4))) != NULL) {
        const char *c = u - 4, *end = memcmp(c, "aact", 4) == 0 ? key_run_end(c, limit) : NULL;

        if (!end) {
            scan = c + 1; /* the next candidate starts after c: "aact" holds no '_' */
            continue;
        }
        /* "~" + hex of the whole run + "~": no literal key text is left. */
        o = copy_doubling_tildes(o, emit, c);
        *o++ = '~';
        am_hex((const uint8_t *)c, (size_t)(end - c), o);
        o += 2 * (end - c);
        *o++ = '~';
        emit = scan = end;
    }
    o = copy_doubling_tildes(o, emit, limit);
    *o = '\0';
    return (size_t)(o - out);
}

int am_key_conceal(const char *s, size_t len, char **ret, size_t *ret_len)
{
    char *out = malloc(AM_KEY_CONCEALED_MAX(len));

    if (!out)
        return -ENOMEM;
    *ret_len = am_key_conceal_to(s, len, out);
    *ret = out;
    return 0;
}

int am_key_reveal(const char *s, size_t len, char **ret, size_t *ret_len)
{
    const char *limit = s + len;
    char *out = malloc(len + 1);
    size_t n = 0;

    if (!out)
        return -ENOMEM;
    for (const char *p = s; p < limit;) {
        if (*p != '~') {
            out[n++] = *p++;
            continue;
        }
        if (p + 1 < limit && p[1] == '~') {
            out[n++] = '~';
            p += 2;
            continue;
        }
        /* "~" hex pairs "~": the concealed run (never empty). */
        p++;
        if (p >= limit || *p == '~')
            goto bad;
        while (p < limit && *p != '~') {
            char pair[3] = {p[0], p + 1 < limit ? p[1] : '\0', '\0'};
            if (am_unhex(pair, (uint8_t *)out + n, 1) < 0)
                goto bad;
            n++;
            p += 2;
        }
        if (p >= limit)
            goto bad;
        p++;
    }
    out[n] = '\0';
    *ret = out;
    *ret_len = n;
    return 0;
bad:
    free(out);
    return -EINVAL;
}

void am_key_scrub_json(cJSON *item)
{
    for (; item; item = item->next) {
        if (item->string)
            am_key_scrub(item->string);
        if (cJSON_IsString(item) && item->valuestring)
            am_key_scrub(item->valuestring);
        am_key_scrub_json(item->child);
    }
}

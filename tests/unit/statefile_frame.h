/* statefile_frame.h - the --state-file record framing (statelog.h), rebuilt in the tests
 * from its description rather than by calling statelog.c: expected files are computed
 * here, and a test can forge a file whose checksums are right but whose content lies.
 * Payloads given here must not need concealment (no key-shaped text, no '~'). */
#ifndef AM_TEST_STATEFILE_FRAME_H
#define AM_TEST_STATEFILE_FRAME_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crypto.h"

/* Big-endian CRC-32 then Adler-32 (zlib) of prev (8 bytes) and len bytes of line:
 * format 3's checksum. */
static inline void tsf_sum3(const uint8_t prev[8], const char *line, size_t len, uint8_t out[8])
{
    uLong c = crc32(crc32(0, prev, 8), (const Bytef *)line, (uInt)len);
    uLong a = adler32(adler32(1, prev, 8), (const Bytef *)line, (uInt)len);

    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(c >> (24 - 8 * i));
        out[4 + i] = (uint8_t)(a >> (24 - 8 * i));
    }
}

/* file (malloc'd, may be NULL) with record n (payload p) of the given format (2: SHA-256
 * chain, 3: the current one) appended, chained from prev (8 bytes, updated). */
static inline char *tsf_append(char *file, uint8_t prev[8], uint64_t n, const char *p, int format)
{
    size_t old = file ? strlen(file) : 0, cap = old + strlen(p) + 96;
    uint8_t both[8 + AM_SHA256_LEN], full[AM_SHA256_LEN];
    char *line = malloc(strlen(p) + 64), hex[17], *out;
    int len;

    if (!line)
        abort();
    len = n == 0 ? snprintf(line, strlen(p) + 64, "{\"v\":%d,\"n\":0,\"r\":%s", format, p)
                 : snprintf(line, strlen(p) + 64, "{\"n\":%" PRIu64 ",\"r\":%s", n, p);
    if (format == 2) {
        memcpy(both, prev, 8);
        am_sha256(line, (size_t)len, both + 8);
        am_sha256(both, sizeof(both), full);
    } else {
        tsf_sum3(prev, line, (size_t)len, full);
    }
    memcpy(prev, full, 8);
    am_hex(full, 8, hex);
    out = realloc(file, cap);
    if (!out)
        abort();
    snprintf(out + old, cap - old, "%s,\"h\":\"%s\"}\n", line, hex);
    free(line);
    return out;
}

/* Appends record n (payload p) to *file (realloc'd), chaining from prev (8 bytes, updated). */
static inline void tsf_add(char **file, uint8_t prev[8], uint64_t n, const char *p)
{
    *file = tsf_append(*file, prev, n, p, 3);
}

/* The whole file for payloads[0..] (NULL-terminated; [0] is the snapshot) in format. */
static inline char *tsf_file_format(const char *const *payloads, int format)
{
    uint8_t prev[8] = {0};
    char *file = calloc(1, 1);

    for (uint64_t n = 0; payloads[n]; n++)
        file = tsf_append(file, prev, n, payloads[n], format);
    return file;
}

/* The whole file for payloads[0..] (NULL-terminated; [0] is the snapshot). free(). */
static inline char *tsf_file(const char *const *payloads)
{
    uint8_t prev[8] = {0};
    char *file = calloc(1, 1);

    for (uint64_t n = 0; payloads[n]; n++)
        file = tsf_append(file, prev, n, payloads[n], 3);
    return file;
}

/* The length of record n's line for payload p, newline included. */
static inline size_t tsf_line_len(uint64_t n, const char *p)
{
    char num[24];

    snprintf(num, sizeof(num), "%" PRIu64, n);
    return (n == 0 ? strlen("{\"v\":3,\"n\":0,\"r\":") : strlen("{\"n\":,\"r\":") + strlen(num)) +
           strlen(p) + 24 + 1;
}

#endif

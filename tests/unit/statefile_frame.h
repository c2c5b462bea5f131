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

#include "crypto.h"

/* Appends record n (payload p) to *file (realloc'd), chaining from prev (8 bytes, updated). */
static inline void tsf_add(char **file, uint8_t prev[8], uint64_t n, const char *p)
{
    size_t old = *file ? strlen(*file) : 0, cap = old + strlen(p) + 96;
    uint8_t both[8 + AM_SHA256_LEN], full[AM_SHA256_LEN];
    char *line = malloc(strlen(p) + 64), hex[17];
    int len;

    if (!line)
        abort();
    len = n == 0 ? snprintf(line, strlen(p) + 64, "{\"v\":2,\"n\":0,\"r\":%s", p)
                 : snprintf(line, strlen(p) + 64, "{\"n\":%" PRIu64 ",\"r\":%s", n, p);
    memcpy(both, prev, 8);
    am_sha256(line, (size_t)len, both + 8);
    am_sha256(both, sizeof(both), full);
    memcpy(prev, full, 8);
    am_hex(full, 8, hex);
    *file = realloc(*file, cap);
    if (!*file)
        abort();
    snprintf(*file + old, cap - old, "%s,\"h\":\"%s\"}\n", line, hex);
    free(line);
}

/* The whole file for payloads[0..] (NULL-terminated; [0] is the snapshot). free(). */
static inline char *tsf_file(const char *const *payloads)
{
    uint8_t prev[8] = {0};
    char *file = calloc(1, 1);

    for (uint64_t n = 0; payloads[n]; n++)
        tsf_add(&file, prev, n, payloads[n]);
    return file;
}

/* The length of record n's line for payload p, newline included. */
static inline size_t tsf_line_len(uint64_t n, const char *p)
{
    char num[24];

    snprintf(num, sizeof(num), "%" PRIu64, n);
    return (n == 0 ? strlen("{\"v\":2,\"n\":0,\"r\":") : strlen("{\"n\":,\"r\":") + strlen(num)) +
           strlen(p) + 24 + 1;
}

#endif

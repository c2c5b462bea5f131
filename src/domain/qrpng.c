/* qrpng.c - QR code PNG as base64 (see qrpng.h). */
#include "qrpng.h"

#include "crypto.h"

#include <png.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QUIET_ZONE 4 /* modules of white around the symbol, as ISO 18004 asks */
#define SCALE_MAX 32

struct membuf {
    unsigned char *data;
    size_t len, cap;
    int failed;
};

static void membuf_write(png_structp png, png_bytep data, png_size_t len)
{
    struct membuf *m = png_get_io_ptr(png);

    if (m->failed)
        return;
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        unsigned char *p;

        while (cap < m->len + len)
            cap *= 2;
        p = realloc(m->data, cap);
        if (!p) {
            m->failed = 1;
            return;
        }
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
}

static void membuf_flush(png_structp png)
{
    (void)png;
}

/* libpng's default handlers print to stderr; a pure module stays quiet and fails. */
static void png_error_quiet(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void png_warning_quiet(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Fills a 1-bit row (bit set = white) for image row y. */
static void fill_row(const QRcode *qr, int scale, unsigned y, png_bytep row, size_t row_bytes)
{
    const unsigned side = (unsigned)(qr->width + 2 * QUIET_ZONE);
    const unsigned my = y / (unsigned)scale;

    memset(row, 0xFF, row_bytes);
    if (my < QUIET_ZONE || my >= side - QUIET_ZONE)
        return;
    for (unsigned x = 0; x < side * (unsigned)scale; x++) {
        const unsigned mx = x / (unsigned)scale;

        if (mx < QUIET_ZONE || mx >= side - QUIET_ZONE)
            continue;
        /* libqrencode: bit 0 of each module byte is "dark". */
        if (qr->data[(my - QUIET_ZONE) * (unsigned)qr->width + (mx - QUIET_ZONE)] & 1)
            row[x / 8] &= (png_byte) ~(0x80u >> (x % 8));
    }
}

/* Writes the PNG into m. Every resource is allocated by the caller, so the longjmp of a
 * libpng error leaves nothing to clean up here. Returns 0 or -1. */
static int write_png(png_structp png, png_infop info, const QRcode *qr, int scale,
                     png_bytep row, size_t row_bytes, struct membuf *m)
{
    const unsigned px = (unsigned)(qr->width + 2 * QUIET_ZONE) * (unsigned)scale;

    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_set_write_fn(png, m, membuf_write, membuf_flush);
    png_set_IHDR(png, info, px, px, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (unsigned y = 0; y < px; y++) {
        fill_row(qr, scale, y, row, row_bytes);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    return m->failed ? -1 : 0;
}

char *am_qrpng_base64(const char *text, int scale)
{
    QRcode *qr = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep row = NULL;
    struct membuf m = {.data = NULL, .len = 0, .cap = 0, .failed = 0};
    char *out = NULL;
    size_t row_bytes;

    if (!text || !*text || scale < 1 || scale > SCALE_MAX)
        return NULL;
    qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!qr)
        goto out;
    row_bytes = ((size_t)(qr->width + 2 * QUIET_ZONE) * (size_t)scale + 7) / 8;
    row = malloc(row_bytes);
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_quiet,
                                  png_warning_quiet);
    if (!row || !png)
        goto out;
    info = png_create_info_struct(png);
    if (!info)
        goto out;
    if (write_png(png, info, qr, scale, row, row_bytes, &m) < 0)
        goto out;
    out = malloc(4 * ((m.len + 2) / 3) + 1);
    if (out)
        am_base64(m.data, m.len, out);
out:
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    free(m.data);
    QRcode_free(qr);
    return out;
}

/* test_qrpng.c - QR code PNG as base64: a real PNG whose pixels are the QR modules. */
#include "test_helpers.h"

#include "qrpng.h"

#include <png.h>
#include <qrencode.h>

/* A 200-character Pix payload (structure only; the QR layer does not parse it). */
static const char pix200[] =
    "00020101021226910014br.gov.bcb.pix2569pix.asaas.mock/qr/cobv/"
    "ABCDEFGHIJKLMNOPQRSTUVWXY0123456789abcdefghijkl5204000053039865406100.005802BR"
    "5915ASAAS MOCK LTDA6009JOINVILLE62290525ABCDEFGHIJKLM63041234";

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict standard base64 decode; fails the test on any malformed input. Returns a new
 * buffer (free) and its length in *ret_len. */
static unsigned char *b64_decode(const char *s, size_t *ret_len)
{
    size_t n = strlen(s), o = 0;
    unsigned char *out;

    assert_true(n > 0 && n % 4 == 0);
    out = malloc(n / 4 * 3);
    assert_non_null(out);
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;

        for (int k = 0; k < 4; k++) {
            if (s[i + k] == '=') {
                assert_true(i + 4 == n && k >= 2); /* padding only at the very end */
                v[k] = 0;
                pad++;
            } else {
                assert_int_equal(pad, 0);
                v[k] = b64_value(s[i + k]);
                assert_true(v[k] >= 0);
            }
        }
        out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
        if (pad < 2)
            out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
        if (pad < 1)
            out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
    *ret_len = o;
    return out;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decodes the base64 PNG, checks signature and IHDR size, and that every pixel is the
 * colour of its QR module (from libqrencode directly) or white in the quiet zone. */
static void check_image(const char *text, int scale, int want_version)
{
    const int modules = 17 + 4 * want_version;
    const uint32_t px = (uint32_t)(modules + 8) * (uint32_t)scale;
    char *b64 = am_qrpng_base64(text, scale);
    unsigned char *png, *pixels;
    size_t len;
    png_image img;
    QRcode *qr;

    assert_non_null(b64);
    png = b64_decode(b64, &len);
    assert_true(len > 33);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), px);
    assert_int_equal(be32(png + 20), px);

    memset(&img, 0, sizeof(img));
    img.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_memory(&img, png, len));
    img.format = PNG_FORMAT_GRAY;
    assert_int_equal(img.width, px);
    pixels = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(pixels);
    assert_true(png_image_finish_read(&img, NULL, pixels, 0, NULL));

    qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    assert_non_null(qr);
    assert_int_equal(qr->version, want_version);
    assert_int_equal(qr->width, modules);
    for (uint32_t y = 0; y < px; y++) {
        for (uint32_t x = 0; x < px; x++) {
            const int mx = (int)(x / (uint32_t)scale) - 4, my = (int)(y / (uint32_t)scale) - 4;
            int dark = 0;

            if (mx >= 0 && my >= 0 && mx < modules && my < modules)
                dark = qr->data[my * modules + mx] & 1;
            assert_int_equal(pixels[y * px + x], dark ? 0 : 255);
        }
    }
    /* The top-left finder pattern: dark corner, light ring, dark centre. */
    assert_int_equal(pixels[(4 * scale) * px + 4 * scale], 0);
    assert_int_equal(pixels[(5 * scale) * px + 5 * scale], 255);
    assert_int_equal(pixels[(7 * scale) * px + 7 * scale], 0);
    assert_int_equal(pixels[0], 255);

    QRcode_free(qr);
    free(pixels);
    free(png);
    free(b64);
}

static void test_qrpng_short_text_is_version_1_with_quiet_zone(void **state)
{
    (void)state;
    check_image("hello", 1, 1);
    check_image("hello", 4, 1);
}

static void test_qrpng_200_char_pix_payload(void **state)
{
    (void)state;
    assert_int_equal(strlen(pix200), 200);
    /* 200 bytes at level M need version 10 (version 9 holds 180). */
    check_image(pix200, 1, 10);
    check_image(pix200, 5, 10);
}

static void test_qrpng_is_deterministic(void **state)
{
    char *a = am_qrpng_base64(pix200, 4);
    char *b = am_qrpng_base64(pix200, 4);
    char *c = am_qrpng_base64("hello", 4);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_true(strncmp(a, "iVBORw0KGgo", 11) == 0); /* base64 of the PNG signature */
    free(a);
    free(b);
    free(c);
}

static void test_qrpng_rejects_bad_arguments(void **state)
{
    (void)state;
    assert_null(am_qrpng_base64(NULL, 4));
    assert_null(am_qrpng_base64("", 4));
    assert_null(am_qrpng_base64("hello", 0));
    assert_null(am_qrpng_base64("hello", -1));
    assert_null(am_qrpng_base64("hello", 33));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qrpng_short_text_is_version_1_with_quiet_zone),
        cmocka_unit_test(test_qrpng_200_char_pix_payload),
        cmocka_unit_test(test_qrpng_is_deterministic),
        cmocka_unit_test(test_qrpng_rejects_bad_arguments),
    };

    return cmocka_run_group_tests_name("qrpng", tests, NULL, NULL);
}

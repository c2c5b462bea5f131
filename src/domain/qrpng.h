/* qrpng.h - a QR code of a text as a base64 PNG, as Asaas's encodedImage (libqrencode +
 * libpng; no sockets, so it belongs to the pure core). */
#ifndef AM_QRPNG_H
#define AM_QRPNG_H

/* Encodes text (error correction M, 8-bit mode) as a black-on-white PNG with a 4-module
 * quiet zone and scale pixels per module, and returns its standard base64 (new string;
 * free) or NULL on failure. */
char *am_qrpng_base64(const char *text, int scale);

#endif

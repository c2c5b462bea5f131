/* brcode.h - Pix "copia e cola" payloads: EMV QR Code (BR Code) with a computed CRC16
 * (CRC-16/CCITT-FALSE, poly 0x1021, init 0xFFFF) (pure). */
#ifndef AM_BRCODE_H
#define AM_BRCODE_H

#include <stddef.h>
#include <stdint.h>

/* CRC16 of len bytes as the BR Code spec computes it. */
uint16_t am_crc16_ccitt(const void *data, size_t len);

/* Builds a dynamic-style BR Code payload for a charge: 00 format "01", 01 point of
 * initiation "12", 26 merchant account (00 "br.gov.bcb.pix", 25 a location URL
 * "pix.asaas.mock/qr/cobv/<txid>"), 52 "0000", 53 "986", 54 amount (omitted when 0),
 * 58 "BR", 59 merchant name (<= 25 chars, ASCII), 60 city (<= 15), 62 additional data
 * (05 txid <= 25 alnum), 63 CRC ("6304" + 4 uppercase hex). Returns a new string (free)
 * or NULL on OOM or invalid input. */
char *am_brcode_payload(const char *txid, int64_t amount_cents, const char *merchant_name,
                        const char *merchant_city);

/* Checks a payload's structure (TLV lengths) and CRC. Returns 0 or -EINVAL. */
int am_brcode_validate(const char *payload);

#endif

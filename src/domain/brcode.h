/* brcode.h - Pix "copia e cola" payloads: EMV QR Code (BR Code) with a computed CRC16
 * (CRC-16/CCITT-FALSE, poly 0x1021, init 0xFFFF) (pure). */
#ifndef AM_BRCODE_H
#define AM_BRCODE_H

#include <stdbool.h>
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

/* The same dynamic payload for any location url (<= 77 printable ASCII), as the
 * automatic Pix authorizations' "pix.asaas.mock/qr/rec/<id>". */
char *am_brcode_location_payload(const char *url, const char *txid, int64_t amount_cents,
                                 const char *merchant_name, const char *merchant_city);

/* Checks a payload's structure (TLV lengths) and CRC. Returns 0 or -EINVAL. */
int am_brcode_validate(const char *payload);

/* A static BR Code (point of initiation "11"): 26 merchant account with 00
 * "br.gov.bcb.pix", 01 the Pix key and 02 description (optional, <= 72 printable
 * ASCII, else left out), 54 amount (omitted when 0: the payer chooses), 59/60 as
 * am_brcode_payload, 62 05 txid (<= 25 alnum, or "***" for none). New string (free) or NULL (OOM, bad
 * input). */
char *am_brcode_static_payload(const char *key, const char *description, int64_t amount_cents,
                               const char *txid, const char *merchant_name,
                               const char *merchant_city);

/* What a payer's bank reads from a payload. Strings are copies inside the struct
 * ("" = absent). */
struct am_brcode_info {
    bool is_static;        /* point of initiation "11" (or absent) rather than "12" */
    char key[80];          /* 26/01 Pix key */
    char url[80];          /* 26/25 location of a dynamic payload */
    char description[80];  /* 26/02 */
    int64_t amount_cents;  /* 54; -1 = absent */
    char name[26];         /* 59 */
    char city[16];         /* 60 */
    char txid[26];         /* 62/05 */
};

/* Validates (am_brcode_validate) and reads payload. Returns 0 or -EINVAL. */
int am_brcode_parse(const char *payload, struct am_brcode_info *ret);

#endif

/* boleto.h - Brazilian bank slip numbers (pure): the 44-digit barcode and the 47-digit
 * "linha digitável" derived from it, with FEBRABAN check digits (mod 11 for the barcode's
 * general digit, mod 10 for each of the three fields). */
#ifndef AM_BOLETO_H
#define AM_BOLETO_H

#include <stdint.h>

/* Builds the barcode: bank (3 digits, e.g. "461" Asaas), currency '9', general check
 * digit, due factor (4 digits: days since 1997-10-07, rolling over after 9999 to 1000 as
 * of 2025-02-22), amount (10 digits, cents), free field (25 digits, e.g. agency +
 * nossoNumero padded). due_day: days since 1970-01-01. out holds 45 bytes.
 * Returns 0 or -EINVAL (bad input / amount too large). */
int am_boleto_barcode(const char *bank3, int64_t due_day, int64_t amount_cents,
                      const char *free25, char out[45]);

/* The 47-digit linha digitável for a 44-digit barcode. out holds 48 bytes. */
int am_boleto_linha_digitavel(const char *barcode44, char out[48]);

/* Validates a 47-digit line (all three field DVs and the general DV of the barcode it
 * encodes). Returns 0 or -EINVAL. */
int am_boleto_validate_linha(const char *linha47);

#endif

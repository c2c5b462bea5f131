/* cpfcnpj.h - Brazilian taxpayer document validation (pure, no allocation). */
#ifndef AM_CPFCNPJ_H
#define AM_CPFCNPJ_H

#include <stdbool.h>
#include <stddef.h>

enum am_doc_kind { AM_DOC_INVALID, AM_DOC_CPF, AM_DOC_CNPJ };

/* Strips the usual punctuation ('.', '-', '/', spaces) into digits (out holds 15 bytes)
 * and validates the check digits: 11 digits -> CPF, 14 -> CNPJ. Sequences of one
 * repeated digit are invalid, as Asaas rejects 11111111111. */
enum am_doc_kind am_cpfcnpj_validate(const char *doc, char out[15]);

#endif

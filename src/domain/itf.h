/* itf.h - Interleaved 2 of 5 (ITF), the barcode symbology of Brazilian bank slips (pure).
 *
 * FEBRABAN's boleto barcode is the 44-digit number (boleto.h) in ITF with a wide:narrow
 * ratio of 3:1. This module only turns digits into modules; the invoice page draws them
 * as SVG and the boleto PDF as filled rectangles. */
#ifndef AM_ITF_H
#define AM_ITF_H

#include <stddef.h>

/* Modules per digit pair (2 x (3 narrow + 2 wide)), start and stop pattern. */
#define AM_ITF_PAIR_MODULES 18
#define AM_ITF_START_MODULES 4 /* narrow bar, space, bar, space */
#define AM_ITF_STOP_MODULES 5  /* wide bar, narrow space, narrow bar */

/* Encodes digits (an even number of '0'..'9', at least 2) as a NUL-terminated string of
 * modules, '1' = bar and '0' = space, one char per narrow module, with the start and
 * stop patterns and no quiet zone. out_len must hold 4 + 9 * n + 5 + 1 bytes. Returns the
 * module count, or -EINVAL (odd count, non-digit) or -ENOSPC. */
int am_itf_modules(const char *digits, char *out, size_t out_len);

#endif

/* card_brand.h - the brand of a card number (pure, no state). */
#ifndef AM_CARD_BRAND_H
#define AM_CARD_BRAND_H

/* Brand from the card number's prefix (4 VISA, 51-55/2221-2720 MASTERCARD, 34/37 AMEX,
 * 36/38/30 DINERS, 6011/65 DISCOVER, 35 JCB, elo prefixes ELO, else UNKNOWN). */
const char *am_card_brand(const char *number);

#endif

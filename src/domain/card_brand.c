/* card_brand.c - the card brand Asaas reports for a card number's prefix (see card_brand.h). */
#include "card_brand.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

const char *am_card_brand(const char *number)
{
    static const char *const elo[] = {"401178", "401179", "431274", "438935", "451416",
                                      "457393", "457631", "457632", "504175", "506699",
                                      "5067",   "509",    "627780", "636297", "636368",
                                      "650",    "6516",   "6550"};
    char digits[20];
    size_t n = 0;
    int p2;

    if (!number)
        return "UNKNOWN";
    for (; *number && n + 1 < sizeof(digits); number++) {
        if (*number >= '0' && *number <= '9')
            digits[n++] = *number;
    }
    digits[n] = '\0';
    if (n < 2)
        return "UNKNOWN";
    for (size_t i = 0; i < sizeof(elo) / sizeof(elo[0]); i++) {
        if (has_prefix(digits, elo[i]))
            return "ELO";
    }
    p2 = (digits[0] - '0') * 10 + (digits[1] - '0');
    if (digits[0] == '4')
        return "VISA";
    if (p2 >= 51 && p2 <= 55)
        return "MASTERCARD";
    if (n >= 4) {
        int p4 = atoi((char[5]){digits[0], digits[1], digits[2], digits[3], '\0'});

        if (p4 >= 2221 && p4 <= 2720)
            return "MASTERCARD";
        if (p4 == 6011)
            return "DISCOVER";
    }
    if (p2 == 34 || p2 == 37)
        return "AMEX";
    if (p2 == 36 || p2 == 38 || p2 == 30)
        return "DINERS";
    if (p2 == 65)
        return "DISCOVER";
    if (p2 == 35)
        return "JCB";
    return "UNKNOWN";
}


/* boleto.c - boleto barcode and linha digitável (see boleto.h). */
#include "boleto.h"

#include "clock.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define AMOUNT_MAX_CENTS INT64_C(9999999999) /* 10 digits */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return s[n] == '\0';
}

/* Mod 10 of the linha's fields: weights 2,1,2,1... from the right, the digits of each
 * product summed. */
static char mod10_dv(const char *s, size_t n)
{
    int sum = 0, w = 2;

    for (size_t i = n; i-- > 0; w = 3 - w) {
        int p = (s[i] - '0') * w;
        sum += p / 10 + p % 10;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

/* The barcode's general digit: mod 11 over the other 43 digits, weights 2..9 from the
 * right; results 0, 10 and 11 become 1. */
static char mod11_dv(const char *barcode44)
{
    int sum = 0, w = 2;

    for (size_t i = 44; i-- > 0;) {
        if (i == 4)
            continue;
        sum += (barcode44[i] - '0') * w;
        w = w == 9 ? 2 : w + 1;
    }
    int dv = 11 - sum % 11;
    return (char)('0' + ((dv == 0 || dv == 10 || dv == 11) ? 1 : dv));
}

int am_boleto_barcode(const char *bank3, int64_t due_day, int64_t amount_cents,
                      const char *free25, char out[45])
{
    const int64_t days = due_day - am_cal_days_from_civil(1997, 10, 7);
    int64_t factor;

    if (!bank3 || !free25 || !all_digits(bank3, 3) || !all_digits(free25, 25) ||
        amount_cents < 0 || amount_cents > AMOUNT_MAX_CENTS || days <= 0)
        return -EINVAL;
    /* FEBRABAN: the factor reached 9999 on 2025-02-21 and restarts at 1000. */
    factor = days <= 9999 ? days : (days - 10000) % 9000 + 1000;
    snprintf(out, 45, "%.3s9X%04" PRId64 "%010" PRId64 "%.25s", bank3, factor, amount_cents,
             free25);
    out[4] = mod11_dv(out);
    return 0;
}

int am_boleto_linha_digitavel(const char *barcode44, char out[48])
{
    const char *b = barcode44;

    if (!b || !all_digits(b, 44))
        return -EINVAL;
    /* field1: bank+currency + free field 1-5; field2: free 6-15; field3: free 16-25;
     * field4: general DV; field5: factor + amount. */
    memcpy(out, b, 4);
    memcpy(out + 4, b + 19, 5);
    out[9] = mod10_dv(out, 9);
    memcpy(out + 10, b + 24, 10);
    out[20] = mod10_dv(out + 10, 10);
    memcpy(out + 21, b + 34, 10);
    out[31] = mod10_dv(out + 21, 10);
    out[32] = b[4];
    memcpy(out + 33, b + 5, 14);
    out[47] = '\0';
    return 0;
}

int am_boleto_validate_linha(const char *linha47)
{
    const char *l = linha47;
    char b[45];

    if (!l || !all_digits(l, 47))
        return -EINVAL;
    if (mod10_dv(l, 9) != l[9] || mod10_dv(l + 10, 10) != l[20] ||
        mod10_dv(l + 21, 10) != l[31])
        return -EINVAL;
    memcpy(b, l, 4);
    b[4] = l[32];
    memcpy(b + 5, l + 33, 14);
    memcpy(b + 19, l + 4, 5);
    memcpy(b + 24, l + 10, 10);
    memcpy(b + 34, l + 21, 10);
    b[44] = '\0';
    return mod11_dv(b) == b[4] ? 0 : -EINVAL;
}

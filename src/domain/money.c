/* money.c - amounts as integer cents (see money.h). */
#include "money.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>

/* The ceiling for any amount: 10^13 cents (R$ 100 billion). Far above anything Asaas
 * accepts, low enough that cents * 10000 (fee percentages) never overflows int64. */
#define MONEY_MAX_CENTS INT64_C(10000000000000)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exact decimal parse: the significant digits as an integer scaled by a power of ten,
 * so "10.010" and "1e2" work while "10.001" is refused without any rounding. */
int am_money_parse(const char *text, int64_t *ret_cents)
{
    const char *p = text;
    int64_t mant = 0;
    int scale = 2; /* power of ten to apply to mant to get cents */
    int exp = 0;
    bool any = false, overflow = false;

    if (!text)
        return -EINVAL;
    for (; is_digit(*p); p++) {
        any = true;
        if (mant > MONEY_MAX_CENTS)
            overflow = true;
        else
            mant = mant * 10 + (*p - '0');
    }
    if (!any)
        return -EINVAL; /* also refuses '-', '+', ".5" and "" */
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return -EINVAL;
        for (; is_digit(*p); p++) {
            /* Trailing zeros after the cents cost nothing; anything else is refused later. */
            if (mant > MONEY_MAX_CENTS)
                overflow = true;
            else
                mant = mant * 10 + (*p - '0');
            scale--;
        }
    }
    if (*p == 'e' || *p == 'E') {
        bool neg = false;

        p++;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        if (!is_digit(*p))
            return -EINVAL;
        for (; is_digit(*p); p++) {
            if (exp < 1000)
                exp = exp * 10 + (*p - '0');
        }
        scale += neg ? -exp : exp;
    }
    if (*p)
        return -EINVAL;
    if (overflow)
        return -EINVAL;
    for (; scale < 0; scale++) {
        if (mant % 10)
            return -EINVAL; /* a non-zero digit below the cent */
        mant /= 10;
    }
    for (; scale > 0 && mant; scale--) {
        if (mant > MONEY_MAX_CENTS / 10)
            return -EINVAL;
        mant *= 10;
    }
    if (mant > MONEY_MAX_CENTS)
        return -EINVAL;
    *ret_cents = mant;
    return 0;
}

int am_money_from_json(const cJSON *item, int64_t *ret_cents)
{
    double v, cents;

    if (!item || cJSON_IsNull(item))
        return -ENOENT;
    if (cJSON_IsString(item)) {
        const char *s = item->valuestring;

        /* A blank string is how form-style clients send "no value". */
        while (s && (*s == ' ' || *s == '\t'))
            s++;
        if (!s || !*s)
            return -ENOENT;
        return am_money_parse(item->valuestring, ret_cents);
    }
    if (!cJSON_IsNumber(item))
        return -EINVAL;
    v = item->valuedouble;
    if (!isfinite(v) || v < 0 || v > (double)MONEY_MAX_CENTS / 100)
        return -EINVAL;
    cents = (double)(int64_t)(v * 100 + 0.5); /* v >= 0: round half up, no libm */
    /* cJSON keeps only the double. A text with at most two decimals parses (strtod,
     * correctly rounded) to exactly the double nearest cents/100, which is also what the
     * correctly rounded division gives; any other text (10.001, 0.30000000000000004)
     * lands on a different double. */
    if (cents / 100 != v)
        return -EINVAL;
    *ret_cents = (int64_t)cents;
    return 0;
}

cJSON *am_money_to_json(int64_t cents)
{
    /* cents < 2^53, so the division is exact up to its single correct rounding, and
     * cJSON's "%1.15g" prints that double as its shortest decimal (at most 13
     * significant digits here): 9801 -> 98.01, 50 -> 0.5, 10000 -> 100. */
    return cJSON_CreateNumber((double)cents / 100);
}

int am_money_add(cJSON *obj, const char *key, int64_t cents)
{
    cJSON *n = am_money_to_json(cents);

    if (!n)
        return -ENOMEM;
    if (!cJSON_AddItemToObject(obj, key, n)) {
        cJSON_Delete(n);
        return -ENOMEM;
    }
    return 0;
}

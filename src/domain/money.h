/* money.h - amounts as integer cents inside, JSON numbers with at most two decimals
 * outside (pure). Never use floating point arithmetic on money: parse once, compute in
 * int64 cents, render once. */
#ifndef AM_MONEY_H
#define AM_MONEY_H

#include <stdint.h>

struct cJSON;

/* Reads a JSON number (or a numeric string such as "10.5") with at most two decimals
 * into cents. Returns 0, -ENOENT when absent/null, -EINVAL when not a number, more than
 * two decimals (10.001), negative, NaN/inf or above 10^13 cents. Uses the number's
 * textual form when available so 0.1+0.2 style binary noise never leaks in. */
int am_money_from_json(const struct cJSON *item, int64_t *ret_cents);

/* Parses a decimal text ("350", "29.16", "0.5") into cents; same rules. */
int am_money_parse(const char *text, int64_t *ret_cents);

/* A cJSON number whose printed form is exactly the amount with up to 2 decimals
 * (cents 9801 -> 98.01, 10000 -> 100). NULL on OOM. */
struct cJSON *am_money_to_json(int64_t cents);

/* Adds key: amount to obj. Returns 0 or -ENOMEM. */
int am_money_add(struct cJSON *obj, const char *key, int64_t cents);

#endif

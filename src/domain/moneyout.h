/* moneyout.h - the daily job of the money-out areas (pure): transfers.h, bills.h,
 * anticipations.h and escrow.h, in that order, for one account and one day.
 * Borrows everything it is given. */
#ifndef AM_MONEYOUT_H
#define AM_MONEYOUT_H

#include <stdint.h>

struct am_account;
struct am_ids;

/* The day's job of every money-out area (am_jobs_area_fn): transfers processed and done,
 * bills paid, recharges confirmed, anticipations credited/debited, escrows expired. */
int am_moneyout_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

/* moneyout.c - the daily job of the money-out areas (see moneyout.h). */
#include "moneyout.h"

#include <errno.h>

#include "anticipations.h"
#include "bills.h"
#include "escrow.h"
#include "registry.h"
#include "transfers.h"

int am_moneyout_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    int r;

    if (!a || !a->billing || !a->records)
        return 0; /* an account without the stores (unit tests): nothing of ours to run */
    r = am_transfers_job(a->billing, a->records, ids, day, now);
    if (r == 0)
        r = am_bills_job(a->billing, a->records, day, now);
    if (r == 0)
        r = am_recharges_job(a->billing, a->records, day, now);
    if (r == 0)
        r = am_anticipations_job(a->billing, a->records, ids, day, now);
    if (r == 0)
        r = am_escrow_job(a, ids, day, now);
    return r;
}

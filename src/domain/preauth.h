/* preauth.h - the card pre-authorization setting and its daily expiry (pure).
 *
 * daysToExpire lives in the records document "preAuthorizationConfig" (absent = the
 * default of asaas_facts.h). Each day, AUTHORIZED charges created daysToExpire or more
 * days ago and never captured are given up (billing's authorization_expire). */
#ifndef AM_PREAUTH_H
#define AM_PREAUTH_H

#include <stdint.h>

struct am_account;
struct am_ids;
struct am_records;

#define AM_PREAUTH_DOC "preAuthorizationConfig"

/* The account's daysToExpire (the default when never set). */
long am_preauth_days(struct am_records *r);

/* The daily job (jobs.h am_jobs_area_fn). 0 or -ENOMEM. */
int am_preauth_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif

/* preauth.c - pre-authorization expiry (see preauth.h). */
#include "preauth.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>

#include "asaas_facts.h"
#include "billing.h"
#include "records.h"
#include "registry.h"

long am_preauth_days(struct am_records *r)
{
    const cJSON *doc = r ? am_records_doc(r, AM_PREAUTH_DOC) : NULL;
    const cJSON *days = doc ? cJSON_GetObjectItemCaseSensitive(doc, "daysToExpire") : NULL;

    return cJSON_IsNumber(days) ? (long)days->valuedouble : AM_PREAUTH_DAYS_DEFAULT;
}

int am_preauth_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    struct am_payment_filter f;
    struct am_payment *first, **page;
    long days = am_preauth_days(a->records);
    size_t total, n = 0;
    int rc = 0;

    (void)ids;
    am_payment_filter_init(&f);
    f.status = AM_PAY_AUTHORIZED;
    total = am_billing_payments_query(a->billing, &f, 0, 1, &first, &n);
    if (total == 0)
        return 0;
    /* Collect first: each expiry moves the charge out of the status index. */
    page = malloc(total * sizeof(*page));
    if (!page)
        return -ENOMEM;
    am_billing_payments_query(a->billing, &f, 0, total, page, &n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (day - am_cal_day_of(page[i]->created_at) < days)
            continue;
        rc = am_billing_payment_authorization_expire(a->billing, page[i], now);
        if (rc == -EPERM || rc == -EIDRM)
            rc = 0;
    }
    free(page);
    return rc;
}
